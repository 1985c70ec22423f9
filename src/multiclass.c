/*
 * multiclass.c
 *		Multiclass hinge losses of one row and their subgradients.
 *
 * For scores s[1..k] and the true class y, with margin m:
 *		Crammer-Singer	max(0, m + max_{j != y} s_j - s_y)
 *						(Crammer and Singer, JMLR 2001)
 *		Weston-Watkins	sum_{j != y} max(0, m + s_j - s_y)
 *						(Weston and Watkins, ESANN 1999)
 * Subgradients follow the binary convention (loss.c): a term at exactly zero
 * contributes nothing, and for Crammer-Singer a tie for the largest wrong
 * score goes to the lowest class index.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"

#include "hinge.h"

HingeMulticlassVariant
hinge_multiclass_variant(text *name)
{
	char	   *variant = text_to_cstring(name);

	if (strcmp(variant, "crammer_singer") == 0)
		return HINGE_CRAMMER_SINGER;
	if (strcmp(variant, "weston_watkins") == 0)
		return HINGE_WESTON_WATKINS;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown multiclass hinge variant \"%s\"", variant),
			 errhint("Use 'crammer_singer' (max over wrong classes) or 'weston_watkins' (sum over wrong classes).")));
}

/* The arguments shared by the loss and its subgradient, checked */
typedef struct MulticlassArgs
{
	HingeVector scores;
	int			label;			/* 0-based */
	HingeMulticlassVariant variant;
	float8		margin;
} MulticlassArgs;

static MulticlassArgs
multiclass_args(FunctionCallInfo fcinfo)
{
	MulticlassArgs args;

	args.scores = hinge_vector_arg(PG_GETARG_ARRAYTYPE_P(0), "scores");
	if (args.scores.n < 2)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("scores have 1 element, but a multiclass loss needs at least 2"),
				 errhint("Pass one score per class; for two classes and one score use hinge_loss.")));
	hinge_check_finite_vector(args.scores, "scores");
	hinge_check_class_label(PG_GETARG_INT32(1), args.scores.n);
	args.label = PG_GETARG_INT32(1) - 1;
	args.variant = hinge_multiclass_variant(PG_GETARG_TEXT_PP(2));
	args.margin = PG_GETARG_FLOAT8(3);
	hinge_check_margin(args.margin);
	return args;
}

/* The wrong class with the largest score (lowest index on ties) */
static int
strongest_rival(HingeVector scores, int label)
{
	int			best = -1;
	int			j;

	for (j = 0; j < scores.n; j++)
		if (j != label &&
			(best < 0 || hinge_vector_get(scores, j) > hinge_vector_get(scores, best)))
			best = j;
	return best;
}

/* The violation m + s_j - s_y of one wrong class j, positive when it counts */
static inline float8
violation(const MulticlassArgs *args, int j)
{
	return args->margin + hinge_vector_get(args->scores, j) -
		hinge_vector_get(args->scores, args->label);
}

/* The multiclass hinge loss of one row */
PG_FUNCTION_INFO_V1(multiclass_hinge_loss);
Datum
multiclass_hinge_loss(PG_FUNCTION_ARGS)
{
	MulticlassArgs args = multiclass_args(fcinfo);
	float8		loss = 0.0;
	int			j;

	if (args.variant == HINGE_CRAMMER_SINGER)
		loss = fmax(0.0, violation(&args, strongest_rival(args.scores, args.label)));
	else
		for (j = 0; j < args.scores.n; j++)
			if (j != args.label)
				loss += fmax(0.0, violation(&args, j));
	PG_RETURN_FLOAT8(hinge_check_result(loss));
}

/* A subgradient of the multiclass hinge loss with respect to the scores */
PG_FUNCTION_INFO_V1(multiclass_hinge_loss_grad);
Datum
multiclass_hinge_loss_grad(PG_FUNCTION_ARGS)
{
	MulticlassArgs args = multiclass_args(fcinfo);
	float8	   *grad;
	ArrayType  *result = hinge_new_float8_array(args.scores.n, &grad);
	int			j;

	if (args.variant == HINGE_CRAMMER_SINGER)
	{
		int			rival = strongest_rival(args.scores, args.label);

		if (hinge_check_result(violation(&args, rival)) > 0.0)
		{
			grad[rival] = 1.0;
			grad[args.label] = -1.0;
		}
	}
	else
		for (j = 0; j < args.scores.n; j++)
			if (j != args.label && hinge_check_result(violation(&args, j)) > 0.0)
			{
				grad[j] = 1.0;
				grad[args.label] -= 1.0;
			}

	PG_RETURN_ARRAYTYPE_P(result);
}
