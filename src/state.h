/*
 * state.h
 *		What every hinge aggregate shares: its float8[] state, and reading
 *		the weights once per aggregate rather than once per row.
 */
#ifndef HINGE_STATE_H
#define HINGE_STATE_H

#include "fmgr.h"
#include "utils/memutils.h"

#include "vector.h"

extern bool hinge_weights_unchanged(FunctionCallInfo fcinfo, int argno,
									ArrayType *state, const float8 *held,
									int ndim, const int *dims);
extern void hinge_weights_validated(FunctionCallInfo fcinfo, int argno,
									ArrayType *state);
extern float8 *hinge_scratch(FunctionCallInfo fcinfo, int n);
extern int	hinge_name_arg(FunctionCallInfo fcinfo, int argno,
						   int (*by_name) (const char *name));

/* The most elements of a state's identity (hinge_state_seen) */
#define HINGE_STATE_IDENTITY_MAX 16
extern float8 *hinge_state_seen(FunctionCallInfo fcinfo, ArrayType *state);
extern void hinge_state_validated(FunctionCallInfo fcinfo, ArrayType *state,
								  int identity_length);
extern float8 *hinge_state_data(ArrayType *state, float8 tag, int header_length,
								int (*expected_length) (const float8 *header));
pg_noreturn extern void hinge_state_corrupt(void);
extern bool hinge_state_is_empty(ArrayType *state);
/* A state is one float8[] of at most 1 GB */
#define HINGE_MAX_STATE \
	((int64) ((MaxAllocSize - ARR_OVERHEAD_NONULLS(1)) / sizeof(float8)))

extern ArrayType *hinge_state_new(int64 n, float8 **data);
extern ArrayType *hinge_state_for_update(FunctionCallInfo fcinfo, int argno);
pg_noreturn extern void hinge_weights_differ_error(void);
pg_noreturn extern void hinge_params_differ_error(const char *what);
pg_noreturn extern void hinge_states_differ_error(void);

#endif							/* HINGE_STATE_H */
