/*
 * ranking.c
 *		Hinge losses on pairs and triplets: ranking and metric learning.
 *
 *		ranking		max(0, m - (s_preferred - s_other))
 *					(the pairwise loss of RankSVM, Joachims, KDD 2002)
 *		triplet		max(0, m + d_positive - d_negative)
 *					(Weinberger and Saul, JMLR 2009; Schroff et al., 2015)
 *		contrastive	d for a similar pair, max(0, m - d) for a dissimilar one
 *					(the hinge embedding loss; Hadsell, Chopra and LeCun,
 *					CVPR 2006, use the squares of these two terms)
 * Distances must be zero or greater.
 */
#include "postgres.h"

#include "fmgr.h"

#include "finite.h"
#include "losses.h"
#include "validate.h"

#define DISTANCE_HINT "Pass a distance such as the Euclidean distance between two embeddings, which is never negative."

/* The hinge of falling short of the margin by margin - achieved */
static float8
hinge_of(float8 margin, float8 achieved)
{
	return hinge_check_result(hinge_of_violation(margin - achieved));
}

/* max(0, margin - (score_preferred - score_other)) */
PG_FUNCTION_INFO_V1(ranking_hinge_loss);
Datum
ranking_hinge_loss(PG_FUNCTION_ARGS)
{
	float8		preferred = PG_GETARG_FLOAT8(0);
	float8		other = PG_GETARG_FLOAT8(1);
	float8		margin = PG_GETARG_FLOAT8(2);

	hinge_check_finite(preferred, "score_preferred");
	hinge_check_finite(other, "score_other");
	hinge_check_margin(margin);
	PG_RETURN_FLOAT8(hinge_of(margin, hinge_check_result(preferred - other)));
}

/* max(0, margin + dist_positive - dist_negative) */
PG_FUNCTION_INFO_V1(triplet_hinge_loss);
Datum
triplet_hinge_loss(PG_FUNCTION_ARGS)
{
	float8		positive = PG_GETARG_FLOAT8(0);
	float8		negative = PG_GETARG_FLOAT8(1);
	float8		margin = PG_GETARG_FLOAT8(2);

	hinge_check_nonnegative(positive, "dist_positive", DISTANCE_HINT);
	hinge_check_nonnegative(negative, "dist_negative", DISTANCE_HINT);
	hinge_check_margin(margin);
	/* both distances are >= 0, so the difference cannot overflow */
	PG_RETURN_FLOAT8(hinge_of(margin, negative - positive));
}

/* distance for a similar pair, max(0, margin - distance) for a dissimilar one */
PG_FUNCTION_INFO_V1(contrastive_hinge_loss);
Datum
contrastive_hinge_loss(PG_FUNCTION_ARGS)
{
	float8		distance = PG_GETARG_FLOAT8(0);
	bool		similar = PG_GETARG_BOOL(1);
	float8		margin = PG_GETARG_FLOAT8(2);

	hinge_check_nonnegative(distance, "distance", DISTANCE_HINT);
	hinge_check_margin(margin);
	PG_RETURN_FLOAT8(similar ? distance : hinge_of(margin, distance));
}
