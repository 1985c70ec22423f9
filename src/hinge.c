/*
 * hinge.c
 *		The module: its identity, and what it sets up when a backend loads
 *		it (the model cache's setting and invalidation callback, the
 *		in-memory training's setting).
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/guc.h"

#include "citus.h"
#include "compat.h"
#include "model.h"
#include "rowset.h"
#include "wide_kernels.h"

#define HINGE_VERSION	"1.2.0"

#ifdef PG_MODULE_MAGIC_EXT
PG_MODULE_MAGIC_EXT(.name = "hinge",.version = HINGE_VERSION);
#else
PG_MODULE_MAGIC;
#endif

void		_PG_init(void);

void
_PG_init(void)
{
	hinge_model_cache_init();
	hinge_row_set_define_setting();
	hinge_wide_kernels_define_setting();
	hinge_citus_init();
	MarkGUCPrefixReserved("hinge");
}
