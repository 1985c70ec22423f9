/*
 * score.h
 *		The score of a row under a weight vector (score.c), for the SQL
 *		functions that score with weights or with a stored model.
 */
#ifndef HINGE_SCORE_H
#define HINGE_SCORE_H

#include "vector.h"

extern float8 hinge_score_vectors(HingeVector w, HingeVector x);

#endif							/* HINGE_SCORE_H */
