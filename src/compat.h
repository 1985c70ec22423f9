/*
 * compat.h
 *		What differs between the PostgreSQL versions hinge builds against
 *		(13 and later), in one place.
 */
#ifndef HINGE_COMPAT_H
#define HINGE_COMPAT_H

#include "postgres.h"

#include "fmgr.h"
#include "utils/guc.h"
#include "utils/relcache.h"
#include "utils/snapshot.h"

#if PG_VERSION_NUM < 130000
#error "hinge needs PostgreSQL 13 or later"
#endif

/*
 * PostgreSQL 18 replaced pg_attribute_noreturn(), written after a
 * declaration, by pg_noreturn, written first.  hinge writes pg_noreturn
 * first everywhere; before 18 the attribute works there too.
 */
#ifndef pg_noreturn
#define pg_noreturn pg_attribute_noreturn()
#endif

/*
 * hinge's own assertions, checked in a build with -DHINGE_ASSERT_CHECKING
 * (scripts/sanitize.sh) against any server, one built without
 * --enable-cassert included: the server's USE_ASSERT_CHECKING would change
 * what its headers expect of it.  ExceptionalCondition is in every server;
 * it lost its errorType argument in 16.
 */
#if defined(HINGE_ASSERT_CHECKING) && !defined(USE_ASSERT_CHECKING)
#undef Assert
#if PG_VERSION_NUM >= 160000
#define Assert(condition) \
	do { if (!(condition)) ExceptionalCondition(#condition, __FILE__, __LINE__); } while (0)
#else
#define Assert(condition) \
	do { if (!(condition)) ExceptionalCondition(#condition, "FailedAssertion", __FILE__, __LINE__); } while (0)
#endif
#undef PG_USED_FOR_ASSERTS_ONLY
#define PG_USED_FOR_ASSERTS_ONLY
#endif

/* dynahash tables keyed by strings say so from 14; before, it was the default */
#include "utils/hsearch.h"
#ifndef HASH_STRINGS
#define HASH_STRINGS	0
#endif

/* reserving the hinge.* settings: MarkGUCPrefixReserved from 15 */
#if PG_VERSION_NUM < 150000
#define MarkGUCPrefixReserved(prefix)	EmitWarningsOnPlaceholders(prefix)
#endif

/*
 * A relation's primary key index, InvalidOid when it has none or when it
 * is deferrable.  PostgreSQL 18 added the argument deferrable_ok; before,
 * a deferrable primary key was never returned.
 */
#if PG_VERSION_NUM >= 180000
#define hinge_primary_key_index(rel)	RelationGetPrimaryKeyIndex((rel), false)
#else
#define hinge_primary_key_index(rel)	RelationGetPrimaryKeyIndex(rel)
#endif

/* compat.c: a set-returning function's tuplestore (InitMaterializedSRF, 16+) */
extern void hinge_init_materialized_srf(FunctionCallInfo fcinfo);

/* compat.c: text as a value of a type, or false when it is not one */
extern bool hinge_input_safe(Oid input, char *text, Oid ioparam, Datum *value);

/*
 * compat.c: runs a query read-only with its rows sent to a DestReceiver
 * (SPI_execute_extended from 14, SPI_execute_with_receiver before)
 */
struct _DestReceiver;
struct ParamListInfoData;
extern int	hinge_spi_execute_with_receiver(const char *query,
											struct ParamListInfoData *params,
											struct _DestReceiver *dest);

/* releases a plan of SPI_plan_get_cached_plan (of an unsaved SPI plan) */
#if PG_VERSION_NUM >= 140000
#define hinge_release_cached_plan(cplan) ReleaseCachedPlan((cplan), NULL)
#else
#define hinge_release_cached_plan(cplan) ReleaseCachedPlan((cplan), false)
#endif

#endif							/* HINGE_COMPAT_H */
