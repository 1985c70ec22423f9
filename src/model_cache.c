/*
 * model_cache.c
 *		The models a backend scores with, read once and kept while the row
 *		versions they came from are the ones the current snapshot sees.
 *
 * Scoring by name (hinge_score('m', x), the scoring trigger) must see a
 * retrained, replaced, calibrated, updated or deleted model from the next
 * statement on, in any session, and must cost next to nothing per row and
 * little per statement.  So each cached model remembers the version of its
 * row (the tuple's ctid and xmin), and the cache remembers the last
 * snapshot it checked under:
 *
 * - A call under the snapshot of the last check (the next row of the same
 *   scan, the second function of a select list) uses the copy as it is: a
 *   comparison of the snapshot's bounds, command and running transactions.
 *
 * - Under a new snapshot (the next statement, a PL/pgSQL loop's next
 *   expression, a prepared statement executed again) it looks at the
 *   version it holds, by its ctid, and asks the snapshot whether that
 *   version is visible: one buffer, no index probe.  A primary key allows
 *   one visible version of a name per snapshot, so a visible version is the
 *   one the snapshot sees; the xmin and the name are compared too, so a
 *   line pointer reused after VACUUM is never taken for the old version.
 *   When the version is not visible (the row was updated, deleted, or its
 *   change rolled back), one probe of the primary key finds the version
 *   the snapshot does see, and a different version is read afresh, checked
 *   like any argument.
 *
 * Nothing here depends on other sessions telling this one about changes:
 * the snapshot and the row versions decide, whether the change came from
 * hinge's functions, from SQL, with triggers disabled, or from replication.
 * What the snapshot's fields do not tell is handled by callbacks: a
 * subtransaction or transaction rolled back forgets the last snapshot (a
 * change it made may be gone under the same command id), and a relcache
 * invalidation of hinge_model (ALTER TABLE, TRUNCATE, VACUUM FULL: the
 * ctids may name other storage) forgets the ctids, so the next check
 * probes the index.  hinge_model_changed, the statement trigger of 1.2's
 * install script, is a no-op: a relcache invalidation on every change made
 * every backend rebuild hinge_model's relcache entry and replan every plan
 * that reads it, for nothing.
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
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/relation.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "storage/bufmgr.h"
#include "storage/lmgr.h"
#include "storage/predicate.h"
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
	ItemPointerData tid;		/* the version of the row; invalid when it */
	TransactionId xmin;			/* was read through SQL */
	uint64		rel_epoch;		/* rel_epoch when tid was found */
	uint64		checked;		/* the snapshot generation of the last check */
	Oid			checked_user;	/* and the role it was made as */
	uint64		last_used;
} CacheEntry;

static HTAB *cache = NULL;
static MemoryContext cache_context = NULL;
static Size cache_bytes = 0;
static uint64 cache_epoch = 1;	/* moves when an entry is dropped or replaced */
static uint64 rel_epoch = 1;	/* moves when hinge_model's relcache entry is
								 * invalidated */
static uint64 model_versions = 0;	/* numbers the models read */
static uint64 use_clock = 0;

/* hinge_model of the last namespace asked for, and its name column */
static Oid	model_namespace = InvalidOid;
static Oid	model_table = InvalidOid;
static AttrNumber model_name_column = InvalidAttrNumber;

/*
 * The last snapshot checked under, by value: a snapshot is copied and freed
 * as statements start and end, and a copy has no completion count.  Two
 * snapshots with the same bounds, command, transactions in progress and
 * subtransactions see the same rows (the transactions that ended in between
 * change xmax or the list), except for this transaction's rolled back
 * subtransactions, which forget it (below).
 */
static struct
{
	bool		valid;
	TransactionId xmin;
	TransactionId xmax;
	CommandId	curcid;
	uint32		xcnt;
	int32		subxcnt;
	bool		suboverflowed;
	bool		takenDuringRecovery;
	TransactionId *xids;		/* xip, then subxip */
	int			space;
} seen;
static uint64 snapshot_generation = 1;

static void
forget_snapshot(void)
{
	seen.valid = false;
	snapshot_generation++;
}

/* A change to hinge_model's definition or storage, or a reset of every relation */
static void
relcache_callback(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == model_table)
	{
		rel_epoch++;
		forget_snapshot();
		model_table = InvalidOid;
		model_namespace = InvalidOid;
	}
}

/* A rolled-back change may have been seen under the snapshot's command id */
static void
subxact_callback(SubXactEvent event, SubTransactionId mySubid,
				 SubTransactionId parentSubid, void *arg)
{
	if (event == SUBXACT_EVENT_ABORT_SUB)
		forget_snapshot();
}

static void
xact_callback(XactEvent event, void *arg)
{
	if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT)
		forget_snapshot();
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
	RegisterSubXactCallback(subxact_callback, NULL);
	RegisterXactCallback(xact_callback, NULL);
}

/*
 * The generation of snapshot: the same number as at the last call when it
 * sees what that call's snapshot saw, a new one otherwise; 0 for a
 * snapshot that is not an MVCC one (never the same).
 */
static uint64
generation_of(Snapshot snapshot)
{
	int			n;

	if (snapshot->snapshot_type != SNAPSHOT_MVCC)
	{
		forget_snapshot();
		return 0;
	}
	n = snapshot->suboverflowed ? 0 : snapshot->subxcnt;
	if (seen.valid && seen.xmin == snapshot->xmin && seen.xmax == snapshot->xmax &&
		seen.curcid == snapshot->curcid && seen.xcnt == snapshot->xcnt &&
		seen.subxcnt == n && seen.suboverflowed == snapshot->suboverflowed &&
		seen.takenDuringRecovery == snapshot->takenDuringRecovery &&
		(snapshot->xcnt == 0 ||
		 memcmp(seen.xids, snapshot->xip, sizeof(TransactionId) * snapshot->xcnt) == 0) &&
		(n == 0 ||
		 memcmp(seen.xids + snapshot->xcnt, snapshot->subxip, sizeof(TransactionId) * n) == 0))
		return snapshot_generation;

	forget_snapshot();
	if (snapshot->xcnt + n > seen.space)
	{
		if (seen.xids != NULL)
			pfree(seen.xids);
		seen.space = Max(snapshot->xcnt + n, 64);
		seen.xids = MemoryContextAlloc(TopMemoryContext, sizeof(TransactionId) * seen.space);
	}
	if (snapshot->xcnt > 0)
		memcpy(seen.xids, snapshot->xip, sizeof(TransactionId) * snapshot->xcnt);
	if (n > 0)
		memcpy(seen.xids + snapshot->xcnt, snapshot->subxip, sizeof(TransactionId) * n);
	seen.xmin = snapshot->xmin;
	seen.xmax = snapshot->xmax;
	seen.curcid = snapshot->curcid;
	seen.xcnt = snapshot->xcnt;
	seen.subxcnt = n;
	seen.suboverflowed = snapshot->suboverflowed;
	seen.takenDuringRecovery = snapshot->takenDuringRecovery;
	seen.valid = true;
	return snapshot_generation;
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
	entry->checked = 0;
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
		(void) hash_search(cache, oldest->name, HASH_REMOVE, NULL);
	}
}

/*
 * Reads the model from the row version in tuple (whose ctid and xmin are
 * tid and xmin; tid invalid for a row read through SQL without them),
 * replacing what the entry held; on an error the entry is left empty.
 */
static void
load(CacheEntry *entry, HeapTuple tuple, TupleDesc desc, Oid relid,
	 ItemPointer tid, TransactionId xmin)
{
	MemoryContext old;
	HingeModel *model;

	drop_model(entry);
	entry->context = AllocSetContextCreate(cache_context, "hinge model",
										   ALLOCSET_SMALL_SIZES);
	old = MemoryContextSwitchTo(entry->context);
	model = hinge_model_from_tuple(tuple, desc, entry->name);
	MemoryContextSwitchTo(old);
	model->version = ++model_versions;
	entry->model = model;
	entry->relid = relid;
	if (tid != NULL)
		entry->tid = *tid;
	else
		ItemPointerSetInvalid(&entry->tid);
	entry->xmin = xmin;
	entry->rel_epoch = rel_epoch;
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
		load(entry, row, SPI_tuptable->tupdesc, relid, NULL, InvalidTransactionId);
	SPI_finish();
	return row != NULL;
}

/* hinge_model of namespace, opened with AccessShareLock */
static Relation
open_model_table(Oid namespace)
{
	Relation	rel = NULL;

	if (model_namespace == namespace && OidIsValid(model_table))
	{
		Oid			relid = model_table;

		/*
		 * Locking it reads the invalidations: a table dropped, renamed or
		 * moved meanwhile has reset model_table (relcache_callback), and is
		 * looked up again by its name
		 */
		LockRelationOid(relid, AccessShareLock);
		if (model_table == relid)
			rel = relation_open(relid, NoLock);
		else
			UnlockRelationOid(relid, AccessShareLock);
	}
	if (rel == NULL)
	{
		Oid			relid = get_relname_relid("hinge_model", namespace);

		if (!OidIsValid(relid))
			elog(ERROR, "hinge_model does not exist in schema %s", get_namespace_name(namespace));
		rel = table_open(relid, AccessShareLock);
		model_table = relid;
		model_namespace = namespace;
		model_name_column = get_attnum(relid, "name");
		if (model_name_column == InvalidAttrNumber)
			elog(ERROR, "hinge_model has no column name");
	}
	return rel;
}

/*
 * The buffer of block, pinned, or InvalidBuffer when the table no longer
 * has it: VACUUM may have truncated the table past a version held (one
 * that went long ago).  A block in shared buffers exists, as truncation
 * drops the buffers first and cannot run while the caller holds its lock:
 * then it costs one lookup, and no system call for the table's size.
 */
static Buffer
read_block(Relation rel, BlockNumber block)
{
#if PG_VERSION_NUM >= 140000
	PrefetchBufferResult recent = PrefetchBuffer(rel, MAIN_FORKNUM, block);

#if PG_VERSION_NUM >= 160000
	if (BufferIsValid(recent.recent_buffer) &&
		ReadRecentBuffer(rel->rd_locator, MAIN_FORKNUM, block, recent.recent_buffer))
#else
	if (BufferIsValid(recent.recent_buffer) &&
		ReadRecentBuffer(rel->rd_node, MAIN_FORKNUM, block, recent.recent_buffer))
#endif
		return recent.recent_buffer;
#endif
	if (block >= RelationGetNumberOfBlocks(rel))
		return InvalidBuffer;
	return ReadBuffer(rel, block);
}

/*
 * Is the version the entry holds still the one snapshot sees?  It is when
 * it is visible to snapshot (above), found at its ctid with the xmin read
 * (not a line pointer reused), as heap_fetch would find it.  When it was
 * updated in place (a HOT update, as online updates and calibrations are:
 * the name is indexed, so the row keeps it), the member of its chain that
 * snapshot sees, if any, is read instead, without a probe of the index.
 * The name must be the model's either way.  Returns false when neither is
 * found: then the index says.
 */
static bool
version_visible(Relation rel, CacheEntry *entry, Snapshot snapshot)
{
	Buffer		buffer = read_block(rel, ItemPointerGetBlockNumber(&entry->tid));
	OffsetNumber offnum = ItemPointerGetOffsetNumber(&entry->tid);
	ItemPointerData tid = entry->tid;
	HeapTupleData tuple;
	Page		page;
	bool		visible = false;
	bool		newer = false;

	if (!BufferIsValid(buffer))
		return false;
	LockBuffer(buffer, BUFFER_LOCK_SHARE);
	page = BufferGetPage(buffer);
	if (offnum >= FirstOffsetNumber && offnum <= PageGetMaxOffsetNumber(page) &&
		ItemIdIsNormal(PageGetItemId(page, offnum)))
	{
		ItemId		lp = PageGetItemId(page, offnum);

		tuple.t_data = (HeapTupleHeader) PageGetItem(page, lp);
		tuple.t_len = ItemIdGetLength(lp);
		tuple.t_tableOid = RelationGetRelid(rel);
		tuple.t_self = entry->tid;
		if (HeapTupleHeaderGetRawXmin(tuple.t_data) == entry->xmin)
		{
			visible = HeapTupleSatisfiesVisibility(&tuple, snapshot, buffer);
			HeapCheckForSerializableConflictOut(visible, rel, &tuple, buffer, snapshot);
			if (visible)
				PredicateLockTID(rel, &tuple.t_self, snapshot,
								 HeapTupleHeaderGetXmin(tuple.t_data));
			else if (HeapTupleIsHotUpdated(&tuple))
				/* the chain after it (first_call false skips it) */
				visible = newer = heap_hot_search_buffer(&tid, rel, buffer, snapshot, &tuple,
														 NULL, false);
		}
	}
	LockBuffer(buffer, BUFFER_LOCK_UNLOCK);
	/* pinned: the tuple cannot move or change but for its hint bits */
	if (visible)
	{
		bool		isnull;
		Datum		value = heap_getattr(&tuple, model_name_column, RelationGetDescr(rel), &isnull);
		text	   *name = isnull ? NULL : DatumGetTextPP(value);

		visible = name != NULL && VARSIZE_ANY_EXHDR(name) == entry->name_length &&
			memcmp(VARDATA_ANY(name), entry->name, entry->name_length) == 0;
	}
	if (visible && newer)
		load(entry, &tuple, RelationGetDescr(rel), RelationGetRelid(rel), &tuple.t_self,
			 HeapTupleHeaderGetRawXmin(tuple.t_data));
	ReleaseBuffer(buffer);
	return visible;
}

/*
 * Finds the version of model name's row that snapshot sees, and reads it
 * when it is not the version the entry holds: the version held, if still
 * visible, else one probe of hinge_model's primary key.  Returns false when
 * there is no such row.
 */
static bool
check_row(CacheEntry *entry, Oid namespace, Snapshot snapshot)
{
	Relation	rel = open_model_table(namespace);
	Oid			relid = RelationGetRelid(rel);
	Relation	index;
	Oid			index_oid;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tuple;
	bool		found;

	index_oid = hinge_primary_key_index(rel);
	if (pg_class_aclcheck(relid, GetUserId(), ACL_SELECT) != ACLCHECK_OK ||
		check_enable_rls(relid, InvalidOid, true) == RLS_ENABLED ||
		!OidIsValid(index_oid))
	{
		table_close(rel, NoLock);
		return check_through_sql(entry, namespace, relid);
	}

	/* the version held, if its ctid still names this table's storage */
	if (entry->model != NULL && entry->relid == relid && ItemPointerIsValid(&entry->tid) &&
		entry->rel_epoch == rel_epoch && version_visible(rel, entry, snapshot))
	{
		table_close(rel, NoLock);
		return true;
	}

	index = index_open(index_oid, AccessShareLock);
	/* compared as the index orders names: in its collation */
	ScanKeyEntryInitialize(&key, 0, model_name_column, BTEqualStrategyNumber, InvalidOid,
						   index->rd_indcollation[0], F_TEXTEQ,
						   PointerGetDatum(cstring_to_text_with_len(entry->name, entry->name_length)));
	scan = systable_beginscan(rel, index_oid, true, snapshot, 1, &key);
	tuple = systable_getnext(scan);
	found = HeapTupleIsValid(tuple);
	if (found && !(entry->model != NULL && entry->relid == relid &&
				   ItemPointerEquals(&entry->tid, &tuple->t_self) &&
				   entry->xmin == HeapTupleHeaderGetRawXmin(tuple->t_data)))
		load(entry, tuple, RelationGetDescr(rel), relid, &tuple->t_self,
			 HeapTupleHeaderGetRawXmin(tuple->t_data));
	else if (found)
		entry->rel_epoch = rel_epoch;
	systable_endscan(scan);
	index_close(index, NoLock);
	table_close(rel, NoLock);
	return found;
}

/*
 * The model passed by value in value (length bytes, model_value.c), read
 * once per value: a scan gets the same value in every row (a constant
 * that the coordinator's planner put there, citus.c).  A constant or a
 * parameter of the statement at the address of the last one is the same
 * text (the caller says which it is: ref->value_fixed); anything else is
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
	ref->value_model->version = ++model_versions;
	MemoryContextSwitchTo(old);
	ref->value_pointer = value;
	return ref->value_model;
}

/* The entry of name (name_length bytes, not terminated), made if need be */
static CacheEntry *
find_entry(const char *name, int name_length)
{
	char		key[HINGE_MAX_MODEL_NAME + 1];
	CacheEntry *entry;
	bool		found;

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
		entry->relid = InvalidOid;
		ItemPointerSetInvalid(&entry->tid);
		entry->checked = 0;
	}
	return entry;
}

static void
remove_entry(CacheEntry *entry)
{
	drop_model(entry);
	(void) hash_search(cache, entry->name, HASH_REMOVE, NULL);
}

static HingeModel *
use(HingeModelRef *ref, CacheEntry *entry, Oid namespace)
{
	entry->last_used = ++use_clock;
	ref->entry = entry;
	ref->epoch = cache_epoch;
	ref->namespace = namespace;
	return entry->model;
}

/*
 * The model named name (name_length bytes, not terminated) in the schema
 * namespace, as the current snapshot sees it.
 */
HingeModel *
hinge_model_get(HingeModelRef *ref, Oid namespace, const char *name, int name_length)
{
	Snapshot	snapshot;
	uint64		generation;
	CacheEntry *entry = (CacheEntry *) ref->entry;

	if (hinge_is_model_value(name, name_length))
		return model_by_value(ref, name, name_length);
	snapshot = ActiveSnapshotSet() ? GetActiveSnapshot() : GetTransactionSnapshot();
	generation = generation_of(snapshot);

	/*
	 * The same entry, checked under this snapshot as this role: the next row
	 * of a scan.  (The role, as SET ROLE and SECURITY DEFINER functions change
	 * it without a new snapshot; a grant or revoke is a transaction, which
	 * makes the next snapshot a new one.)
	 */
	if (entry != NULL && ref->epoch == cache_epoch && ref->namespace == namespace &&
		entry->model != NULL && entry->checked == generation && generation != 0 &&
		entry->checked_user == GetUserId() &&
		entry->name_length == name_length && memcmp(entry->name, name, name_length) == 0)
	{
		entry->last_used = ++use_clock;
		return entry->model;
	}

	entry = find_entry(name, name_length);
	/* checked under this snapshot by another caller: the same statement */
	if (entry->model != NULL && entry->checked == generation && generation != 0 &&
		entry->checked_user == GetUserId() &&
		entry->relid == model_table && model_namespace == namespace)
		return use(ref, entry, namespace);

	if (!check_row(entry, namespace, snapshot))
	{
		char	   *missing = pstrdup(entry->name);

		remove_entry(entry);
		hinge_model_missing_error(missing);
	}
	/* a version read through SQL is read again next time */
	entry->checked = ItemPointerIsValid(&entry->tid) ? generation : 0;
	entry->checked_user = GetUserId();
	return use(ref, entry, namespace);
}

/*
 * The version of name's row, read from hinge_model relid, that the cache
 * holds: false when it holds none.
 */
bool
hinge_model_cached_version(const char *name, Oid relid, ItemPointer tid, TransactionId *xmin)
{
	char		key[HINGE_MAX_MODEL_NAME + 1];
	CacheEntry *entry;

	if (cache == NULL || strlen(name) > HINGE_MAX_MODEL_NAME)
		return false;
	memset(key, 0, sizeof(key));
	strcpy(key, name);
	entry = hash_search(cache, key, HASH_FIND, NULL);
	if (entry == NULL || entry->model == NULL || entry->relid != relid ||
		!ItemPointerIsValid(&entry->tid))
		return false;
	*tid = entry->tid;
	*xmin = entry->xmin;
	return true;
}

/*
 * The model of a version of name's row that the caller has read itself
 * (hinge_learn_trigger, locked FOR UPDATE: the latest version, which its
 * snapshot may not see): tuple and desc, the version's ctid and xmin, read
 * from hinge_model relid.  From the cache when it holds this very version
 * (a version's content never changes), else read and checked.  Scoring
 * under a snapshot checks the version as usual.  tuple may be NULL when
 * the caller was told the cache holds the version (above): then NULL when
 * it no longer does.
 */
HingeModel *
hinge_model_of_version(HingeModelRef *ref, Oid namespace, const char *name,
					   HeapTuple tuple, TupleDesc desc, Oid relid,
					   ItemPointer tid, TransactionId xmin)
{
	CacheEntry *entry = find_entry(name, strlen(name));

	if (!(entry->model != NULL && entry->relid == relid && ItemPointerIsValid(&entry->tid) &&
		  ItemPointerEquals(&entry->tid, tid) && entry->xmin == xmin))
	{
		if (tuple == NULL)
		{
			if (entry->model == NULL)
				remove_entry(entry);
			return NULL;
		}
		/* the relcache entry of relid is open: rel_epoch names its storage */
		load(entry, tuple, desc, relid, tid, xmin);
		entry->checked = 0;
	}
	return use(ref, entry, namespace);
}

/*
 * hinge_model_changed(): the statement trigger of hinge_model that 1.2's
 * install script creates.  The cache needs no word from other sessions (see
 * the top), so it does nothing; a relcache invalidation here would make
 * every backend rebuild hinge_model's relcache entry, and replan what reads
 * it, after every change of a model.
 */
PG_FUNCTION_INFO_V1(hinge_model_changed);
Datum
hinge_model_changed(PG_FUNCTION_ARGS)
{
	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("hinge_model_changed must be called as a trigger")));
	return PointerGetDatum(NULL);
}
