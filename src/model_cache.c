/*
 * model_cache.c
 *		The models a backend scores with, read once and kept while the rows
 *		they came from are the ones the current snapshot sees.
 *
 * Scoring by name (hinge_score('m', x), the scoring trigger) must see a
 * retrained, replaced, calibrated, updated or deleted model from the next
 * statement on, in any session, and must cost next to nothing per row.  So
 * each cached model remembers the version of its row (the tuple's xmin and
 * ctid) and the snapshot it was last checked under.  A call under the same
 * snapshot (the rows of one scan) uses it as it is; under a new snapshot
 * (the next statement, a PL/pgSQL loop's next expression) one index probe
 * finds the row version that snapshot sees, and a different version is
 * read afresh, checked like any argument.  A trigger on hinge_model
 * (hinge_model_changed) also sends a relcache invalidation of the table on
 * every change, which marks every entry for a probe: that covers changes
 * the snapshot alone does not tell, such as a subtransaction rolled back.
 *
 * The cache holds at most hinge.model_cache_size kilobytes of models,
 * dropping the least recently used; a model larger than that is read for
 * the statement that uses it and dropped at the next lookup.  A caller
 * keeps a HingeModelRef, which remembers its entry with the cache's epoch:
 * any entry dropped or replaced moves the epoch, so a reference is never
 * followed to freed memory.
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "storage/bufmgr.h"
#include "utils/acl.h"
#include "utils/fmgroids.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"

#include "compat.h"
#include "model.h"

/* hinge.model_cache_size, in kB */
static int	model_cache_size = 65536;

typedef struct CacheEntry
{
	char		name[HINGE_MAX_MODEL_NAME + 1]; /* hash key */
	int			name_length;
	HingeModel *model;			/* NULL while being read */
	MemoryContext context;		/* the model's memory */
	Oid			relid;			/* the hinge_model it came from */
	ItemPointerData tid;		/* the version of the row */
	TransactionId xmin;
	uint64		checked_epoch;	/* the cache epoch it was last checked in */
	HingeSnapshotMark snapshot; /* and the snapshot (compat.h) */
	uint64		last_used;
} CacheEntry;

static HTAB *cache = NULL;
static MemoryContext cache_context = NULL;
static Size cache_bytes = 0;
static uint64 cache_epoch = 1;
static uint64 use_clock = 0;
static uint64 load_counter = 0;
static Oid	model_table = InvalidOid;	/* the hinge_model last read */

/* A change to hinge_model, or a reset of every relation */
static void
relcache_callback(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == model_table)
		cache_epoch++;
}

void
hinge_model_cache_init(void)
{
	DefineCustomIntVariable("hinge.model_cache_size",
							"Memory each backend may keep stored models in, to score by name.",
							"The least recently used models are dropped beyond it; a larger model is read once per statement.",
							&model_cache_size, 65536, 0, MAX_KILOBYTES,
							PGC_USERSET, GUC_UNIT_KB, NULL, NULL, NULL);
	CacheRegisterRelcacheCallback(relcache_callback, (Datum) 0);
}

static void
drop_model(CacheEntry *entry)
{
	if (entry->context != NULL)
	{
		cache_bytes -= entry->model != NULL ? entry->model->bytes : 0;
		MemoryContextDelete(entry->context);
	}
	entry->context = NULL;
	entry->model = NULL;
	cache_epoch++;
}

/* Drops least recently used models until the cache is within its size */
static void
make_room(CacheEntry *keep)
{
	while (cache_bytes > (Size) model_cache_size * 1024)
	{
		HASH_SEQ_STATUS status;
		CacheEntry *entry,
				   *oldest = NULL;

		hash_seq_init(&status, cache);
		while ((entry = hash_seq_search(&status)) != NULL)
			if (entry != keep && entry->model != NULL &&
				(oldest == NULL || entry->last_used < oldest->last_used))
				oldest = entry;
		if (oldest == NULL)
			break;
		drop_model(oldest);
		hinge_snapshot_mark_free(&oldest->snapshot);
		(void) hash_search(cache, oldest->name, HASH_REMOVE, NULL);
	}
}

/* Does the snapshot see what it saw when the entry was last checked? */
static bool
same_snapshot(CacheEntry *entry, Snapshot snapshot)
{
	return hinge_snapshot_same(&entry->snapshot, snapshot);
}

static void
remember_snapshot(CacheEntry *entry, Snapshot snapshot)
{
	entry->checked_epoch = cache_epoch;
	hinge_snapshot_mark(&entry->snapshot, snapshot, cache_context);
}

/*
 * Reads the model from the row version in tuple, replacing what the entry
 * held; on an error the entry is left empty.
 */
static void
load(CacheEntry *entry, HeapTuple tuple, TupleDesc desc, Oid relid)
{
	MemoryContext old;
	HingeModel *model;

	drop_model(entry);
	entry->context = AllocSetContextCreate(cache_context, "hinge model",
										   ALLOCSET_SMALL_SIZES);
	old = MemoryContextSwitchTo(entry->context);
	model = hinge_model_from_tuple(tuple, desc, entry->name);
	MemoryContextSwitchTo(old);
	/* never the same for two readings: callers key what they derive on it */
	model->load_id = ++load_counter;
	entry->model = model;
	entry->relid = relid;
	entry->tid = tuple->t_self;
	entry->xmin = HeapTupleHeaderGetRawXmin(tuple->t_data);
	cache_bytes += model->bytes;
	make_room(entry);
}

/*
 * The row of model name that snapshot sees, through SQL: for a table the
 * caller may read only through column privileges or row-level policies,
 * which SQL applies.  Returns false when there is none.
 */
static bool
check_through_sql(CacheEntry *entry, Oid namespace, Oid relid)
{
	HeapTuple	row;

	SPI_connect();
	row = hinge_model_row(quote_identifier(get_namespace_name(namespace)), entry->name,
						  "m.*", false);
	/* no version to compare: read it each time */
	if (row != NULL)
		load(entry, row, SPI_tuptable->tupdesc, relid);
	ItemPointerSetInvalid(&entry->tid);
	SPI_finish();
	return row != NULL;
}

/*
 * Finds the version of model name's row that snapshot sees, with one probe
 * of hinge_model's primary key, and reads it when it is not the version the
 * entry holds.  Returns false when there is no such row.
 */
static bool
check_row(CacheEntry *entry, Oid namespace, Snapshot snapshot)
{
	Oid			relid = get_relname_relid("hinge_model", namespace);
	Relation	rel;
	Relation	index;
	Oid			index_oid;
	AttrNumber	name_column;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tuple;
	bool		found;

	if (!OidIsValid(relid))
		elog(ERROR, "hinge_model does not exist in schema %s", get_namespace_name(namespace));
	model_table = relid;
	rel = table_open(relid, AccessShareLock);
	index_oid = hinge_primary_key_index(rel);
	name_column = get_attnum(relid, "name");
	if (pg_class_aclcheck(relid, GetUserId(), ACL_SELECT) != ACLCHECK_OK ||
		check_enable_rls(relid, InvalidOid, true) == RLS_ENABLED ||
		!OidIsValid(index_oid))
	{
		table_close(rel, NoLock);
		return check_through_sql(entry, namespace, relid);
	}
	index = index_open(index_oid, AccessShareLock);
	/* compared as the index orders names: in its collation */
	ScanKeyEntryInitialize(&key, 0, name_column, BTEqualStrategyNumber, InvalidOid,
						   index->rd_indcollation[0], F_TEXTEQ,
						   CStringGetTextDatum(entry->name));
	scan = systable_beginscan(rel, index_oid, true, snapshot, 1, &key);
	tuple = systable_getnext(scan);
	found = HeapTupleIsValid(tuple);
	if (found && !(entry->model != NULL && entry->relid == relid &&
				   ItemPointerEquals(&entry->tid, &tuple->t_self) &&
				   entry->xmin == HeapTupleHeaderGetRawXmin(tuple->t_data)))
		load(entry, tuple, RelationGetDescr(rel), relid);
	systable_endscan(scan);
	index_close(index, NoLock);
	table_close(rel, NoLock);
	return found;
}

/*
 * The model passed by value in value (length bytes, model_value.c), read
 * once per value: a scan gets the same value in every row (a parameter
 * that the coordinator computed, at the same address in every row).  A
 * constant or a parameter at the address of the last one is the same text
 * (the caller says which it is: ref->value_fixed); anything else is
 * compared in full.  It is kept in the memory that holds ref (the caller's
 * fn_extra, or a trigger's plan).
 */
static HingeModel *
model_by_value(HingeModelRef *ref, const char *value, int length)
{
	MemoryContext old;

	if (ref->value_model != NULL && ref->value_length == length &&
		((ref->value_fixed && ref->value_pointer == value) ||
		 memcmp(ref->value, value, length) == 0))
	{
		ref->value_pointer = value;
		return ref->value_model;
	}
	if (ref->value_context == NULL)
		ref->value_context = AllocSetContextCreate(GetMemoryChunkContext(ref),
												   "hinge model value",
												   ALLOCSET_SMALL_SIZES);
	ref->value_model = NULL;
	MemoryContextReset(ref->value_context);
	old = MemoryContextSwitchTo(ref->value_context);
	ref->value = palloc(length);
	memcpy(ref->value, value, length);
	ref->value_length = length;
	ref->value_model = hinge_model_from_value(value, length);
	/* never the same for two readings: callers key what they derive on it */
	ref->value_model->load_id = ++load_counter;
	MemoryContextSwitchTo(old);
	ref->value_pointer = value;
	return ref->value_model;
}

/*
 * The model named name (name_length bytes, not terminated) in the schema
 * namespace, as the current snapshot sees it.
 */
HingeModel *
hinge_model_get(HingeModelRef *ref, Oid namespace, const char *name, int name_length)
{
	Snapshot	snapshot;
	CacheEntry *entry = (CacheEntry *) ref->entry;
	char		key[HINGE_MAX_MODEL_NAME + 1];
	bool		found;

	if (hinge_is_model_value(name, name_length))
		return model_by_value(ref, name, name_length);
	snapshot = ActiveSnapshotSet() ? GetActiveSnapshot() : GetTransactionSnapshot();

	/* the same entry, unchanged, under the snapshot it was checked in */
	if (entry != NULL && ref->epoch == cache_epoch && entry->checked_epoch == cache_epoch &&
		ref->namespace == namespace && entry->model != NULL &&
		entry->name_length == name_length && memcmp(entry->name, name, name_length) == 0 &&
		same_snapshot(entry, snapshot))
	{
		entry->last_used = ++use_clock;
		return entry->model;
	}

	if (name_length > HINGE_MAX_MODEL_NAME)
		hinge_model_missing_error(pnstrdup(name, name_length));
	if (cache == NULL)
	{
		HASHCTL		ctl;

		cache_context = AllocSetContextCreate(TopMemoryContext, "hinge model cache",
											  ALLOCSET_DEFAULT_SIZES);
		memset(&ctl, 0, sizeof(ctl));
		ctl.keysize = HINGE_MAX_MODEL_NAME + 1;
		ctl.entrysize = sizeof(CacheEntry);
		ctl.hcxt = cache_context;
		cache = hash_create("hinge models", 16, &ctl, HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
	}
	memset(key, 0, sizeof(key));
	memcpy(key, name, name_length);
	entry = hash_search(cache, key, HASH_ENTER, &found);
	if (!found)
	{
		entry->name_length = name_length;
		entry->model = NULL;
		entry->context = NULL;
		entry->checked_epoch = 0;
		hinge_snapshot_mark_init(&entry->snapshot);
	}
	if (!check_row(entry, namespace, snapshot))
	{
		drop_model(entry);
		hinge_snapshot_mark_free(&entry->snapshot);
		(void) hash_search(cache, key, HASH_REMOVE, NULL);
		hinge_model_missing_error(key);
	}
	/* a version read through SQL is read again next time */
	if (ItemPointerIsValid(&entry->tid))
		remember_snapshot(entry, snapshot);
	else
		entry->checked_epoch = 0;
	entry->last_used = ++use_clock;
	ref->entry = entry;
	ref->epoch = cache_epoch;
	ref->namespace = namespace;
	return entry->model;
}

/*
 * hinge_model_changed(): statement trigger of hinge_model, so that every
 * backend that caches its models checks them again (see the top).
 */
PG_FUNCTION_INFO_V1(hinge_model_changed);
Datum
hinge_model_changed(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("hinge_model_changed must be called as a trigger")));
	CacheInvalidateRelcache(trigdata->tg_relation);
	return PointerGetDatum(NULL);
}
