/*
 * passes.h
 *		The queries hinge builds and runs over SPI: their parameters, the
 *		functions and aggregates they call (one table, the contract between
 *		the drivers and the aggregates), and running a pass.
 *
 * Every call in those queries names hinge's schema and gives every argument
 * the exact type the function declares, so that no other overload, such as
 * one created in the extension's schema by a role with CREATE on it, can be
 * a better match; and results are read only after checking their type.
 */
#ifndef HINGE_PASSES_H
#define HINGE_PASSES_H

#include "executor/spi.h"
#include "fmgr.h"

#include "compat.h"

#define HINGE_MAX_PARAMS	16

/* A query's parameters, numbered $1, $2, ... in the order they are added */
typedef struct HingeParams
{
	int			n;
	Oid			types[HINGE_MAX_PARAMS];
	Datum		values[HINGE_MAX_PARAMS];
} HingeParams;

extern char *hinge_param(HingeParams *params, Oid type, Datum value);
struct ParamListInfoData;
extern struct ParamListInfoData *hinge_param_list(const HingeParams *params);
extern char *hinge_float8_literal(float8 value);
extern char *hinge_text_literal(const char *value);
extern char *hinge_extension_schema(FunctionCallInfo fcinfo);

/* The functions and aggregates hinge's queries call */
typedef enum HingeCall
{
	HINGE_CALL_CUTTING_PLANE,
	HINGE_CALL_LINE_OBJECTIVE,
	HINGE_CALL_LINE_PLANES,
	HINGE_CALL_LINE_PLANE,
	HINGE_CALL_MC_CUTTING_PLANE,
	HINGE_CALL_MC_LINE_OBJECTIVE,
	HINGE_CALL_OVR_CUTTING_PLANES,
	HINGE_CALL_OVR_LINE_OBJECTIVE,
	HINGE_CALL_PLATT,
	HINGE_CALL_SCORE,
	HINGE_CALL_SCORES,
	HINGE_CALL_PREDICT_CLASS,
	HINGE_CALL_CV_CUTTING_PLANES,
	HINGE_CALL_CV_LINE_OBJECTIVE,
	HINGE_CALL_CV_LINE_PLANES,
	HINGE_CALL_MC_CV_CUTTING_PLANES,
	HINGE_CALL_MC_CV_LINE_OBJECTIVE,
	HINGE_CALL_OVR_CV_CUTTING_PLANES,
	HINGE_CALL_OVR_CV_LINE_OBJECTIVE,
	HINGE_CALL_ROW_HASH,
	HINGE_CALL_FOLD,
	HINGE_N_CALLS
} HingeCall;

extern char *hinge_call_sql(HingeCall call, const char *ext, Oid features_type,
							const char *const *args);

/*
 * Whether a pass whose plan has parallel workers runs with them: they start
 * anew at every pass, and on a machine whose shared memory is in 4 kB
 * pages each new worker pays a page fault for every buffer it reads, which
 * can cost more than the scan it shares (see run_faster_way, passes.c).
 */
typedef enum HingePassMode
{
	HINGE_PASS_PLANNED = 0,		/* as planned: serial, or not yet compared */
	HINGE_PASS_PARALLEL,		/* parallel, faster than serial when timed */
	HINGE_PASS_SERIAL			/* serial, as fast as parallel or faster */
} HingePassMode;

/* One pass: a query of one row, its first column a float8[] */
typedef struct HingePass
{
	char	   *query;
	HingeParams params;
	SPIPlanPtr	plan;			/* prepared at the first run */
	SPIPlanPtr	serial_plan;	/* without workers, when plan has them */
	bool		parallel;		/* plan has parallel workers */
	HingePassMode mode;
	int			runs;
	float8		parallel_seconds;	/* of the timed run with workers */
	int64		rows;			/* the second column (a count), if any */
} HingePass;

extern bool hinge_pass_run(HingePass *pass, float8 *out, int n_out);
extern bool hinge_pass_run_columns(HingePass *pass, float8 *const *outs, const int *n_outs,
								   int n_columns);
extern void hinge_check_column_type(int column, Oid expected);

#endif							/* HINGE_PASSES_H */
