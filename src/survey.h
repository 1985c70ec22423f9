/*
 * survey.h
 *		What a training learns about its features before solving: the
 *		encoding's categories, vocabularies, dimensions, imputed values and
 *		scaling (survey.c).
 */
#ifndef HINGE_SURVEY_H
#define HINGE_SURVEY_H

#include "source.h"
#include "train.h"

extern void hinge_survey(HingeRowSource *src, const HingeFeatureOptions *options);
extern void hinge_encoding_scaling_of(const HingeEncoding *encoding, const float8 *stats,
									  float8 *center, float8 *scale);

#endif							/* HINGE_SURVEY_H */
