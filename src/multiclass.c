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

#include "finite.h"
#include "losses.h"
#include "multiclass.h"
#include "validate.h"

/* Parses a variant name */
HingeMulticlassVariant
hinge_multiclass_variant(const char *name)
{
	if (strcmp(name, "crammer_singer") == 0)
		return HINGE_CRAMMER_SINGER;
	if (strcmp(name, "weston_watkins") == 0)
		return HINGE_WESTON_WATKINS;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown multiclass hinge variant \"%s\"", name),
			 errhint("Use 'crammer_singer' (max over wrong classes) or 'weston_watkins' (sum over wrong classes).")));
}

/* hinge_multiclass_variant as an int, for hinge_name_arg (state.h) */
int
hinge_multiclass_variant_code(const char *name)
{
	return (int) hinge_multiclass_variant(name);
}

/*
 * The loss of finite scores s[0..k) with true class label (0-based); when
 * grad is not NULL, also fills grad[0..k) with its subgradient in s.
 */
float8
hinge_multiclass_loss(const float8 *s, int k, int label,
					  HingeMulticlassVariant variant, float8 margin,
					  float8 *grad)
{
	float8		loss = 0.0;
	int			j;

	if (grad != NULL)
		memset(grad, 0, sizeof(float8) * k);
	if (variant == HINGE_CRAMMER_SINGER)
	{
		int			rival = -1;

		for (j = 0; j < k; j++)
			if (j != label && (rival < 0 || s[j] > s[rival]))
				rival = j;
		/* a violation below -DBL_MAX is -Infinity: no loss, not an error */
		loss = hinge_of_violation(margin + s[rival] - s[label]);
		if (loss == 0.0)
			return 0.0;
		hinge_check_result(loss);
		if (grad != NULL)
		{
			grad[rival] = 1.0;
			grad[label] = -1.0;
		}
		return loss;
	}
	for (j = 0; j < k; j++)
	{
		float8		term;

		if (j == label)
			continue;
		term = hinge_of_violation(margin + s[j] - s[label]);
		if (term > 0.0)
		{
			loss += hinge_check_result(term);
			if (grad != NULL)
			{
				grad[j] = 1.0;
				grad[label] -= 1.0;
			}
		}
	}
	return hinge_check_result(loss);
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
	Assert(args.scores.kind == HINGE_DENSE_FLOAT8);
	if (args.scores.n < 2)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("scores have 1 element, but a multiclass loss needs at least 2"),
				 errhint("Pass one score per class; for two classes and one score use hinge_loss.")));
	hinge_check_finite_vector(args.scores, "scores");
	hinge_check_class_label(PG_GETARG_INT32(1), args.scores.n);
	args.label = PG_GETARG_INT32(1) - 1;
	args.variant = hinge_multiclass_variant(text_to_cstring(PG_GETARG_TEXT_PP(2)));
	args.margin = PG_GETARG_FLOAT8(3);
	hinge_check_margin(args.margin);
	return args;
}

/* The multiclass hinge loss of one row */
PG_FUNCTION_INFO_V1(multiclass_hinge_loss);
Datum
multiclass_hinge_loss(PG_FUNCTION_ARGS)
{
	MulticlassArgs args = multiclass_args(fcinfo);

	PG_RETURN_FLOAT8(hinge_multiclass_loss(args.scores.data, args.scores.n,
										   args.label, args.variant,
										   args.margin, NULL));
}

/* A subgradient of the multiclass hinge loss with respect to the scores */
PG_FUNCTION_INFO_V1(multiclass_hinge_loss_grad);
Datum
multiclass_hinge_loss_grad(PG_FUNCTION_ARGS)
{
	MulticlassArgs args = multiclass_args(fcinfo);
	float8	   *grad;
	ArrayType  *result = hinge_new_float8_array(args.scores.n, &grad);

	(void) hinge_multiclass_loss(args.scores.data, args.scores.n, args.label,
								 args.variant, args.margin, grad);
	PG_RETURN_ARRAYTYPE_P(result);
}
