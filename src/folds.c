/*
 * folds.c
 *		Which rows each fold of a cross-validation holds (folds.h).
 *
 * With a fold column, a row's fold is its value there, 1 to F.  Without
 * one, rows are assigned from a hash of their features (hinge_row_hash):
 * the rows of each class, in the order of their hashes, are cut into F
 * runs of sizes as equal as the rows allow, so every fold holds about
 * 1/F of every class (stratified), and the assignment depends on nothing
 * but the rows' values: the same table gives the same folds on every run
 * and every machine, whatever its physical order, vacuuming, dump and
 * restore.  Rows of equal features have equal hashes and share a fold (no
 * copy of a held-out row is ever trained on).  A scan with a sort finds,
 * per class, the greatest hash of each fold but the last; every pass then
 * finds a row's fold from its hash with hinge_fold, no sort, no join.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "cv.h"
#include "finite.h"
#include "folds.h"
#include "mix64.h"
#include "sparse.h"
#include "validate.h"

/*
 * A 64-bit hash of a row of features: the dimension's, plus for every
 * non-zero element one of its position and of its value's IEEE 754 bits.
 * Integer arithmetic on the values' bits gives the same hash on every
 * machine; the sum makes a dense row and the same row made sparse (or
 * stored as real[], when its values are those of the real[] widened) hash
 * alike.  A zero of either sign counts as no element.
 */
static uint64
row_hash(HingeVector x)
{
	uint64		h = hinge_mix64((uint64) x.n);
	int			k;

	for (k = 0; k < hinge_vector_stored(x); k++)
	{
		float8		v = hinge_vector_stored_value(x, k);
		uint64		bits;

		if (v == 0.0)
			continue;
		memcpy(&bits, &v, sizeof(bits));
		h += hinge_mix64(bits ^ hinge_mix64((uint64) hinge_vector_stored_position(x, k) + 1));
	}
	return h;
}

/* hinge_row_hash(x): the hash of a row's features by which folds are made */
PG_FUNCTION_INFO_V1(hinge_row_hash);
Datum
hinge_row_hash(PG_FUNCTION_ARGS)
{
	HingeVector x = hinge_vector_arg(PG_GETARG_ARRAYTYPE_P(0), "features");

	hinge_check_finite_vector(x, "features");
	PG_RETURN_INT64((int64) row_hash(x));
}

/*
 * hinge_fold(hash, class, cuts): the fold (1..F) of a row of that hash and
 * class (1..k), from the cuts, a k x (F - 1) bigint matrix whose row c
 * holds, in ascending order, the greatest hash of class c in folds 1 to
 * F - 1: one more than the number of cuts below the hash.
 */
PG_FUNCTION_INFO_V1(hinge_fold);
Datum
hinge_fold(PG_FUNCTION_ARGS)
{
	int64		hash = PG_GETARG_INT64(0);
	int32		class = PG_GETARG_INT32(1);
	ArrayType  *cuts = PG_GETARG_ARRAYTYPE_P(2);
	const int64 *row;
	int			k,
				n,
				j,
				fold = 1;

	if (ARR_NDIM(cuts) != 2 || ARR_HASNULL(cuts) || ARR_ELEMTYPE(cuts) != INT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("cuts must be a two-dimensional bigint array without NULLs"),
				 errhint("Pass one row per class, holding in ascending order the greatest hash of each fold but the last.")));
	k = ARR_DIMS(cuts)[0];
	n = ARR_DIMS(cuts)[1];
	if (n + 1 > HINGE_MAX_FOLDS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("cuts has %d columns, but there may be at most %d folds", n, HINGE_MAX_FOLDS),
				 errhint("Pass one column per fold but the last.")));
	hinge_check_class_label(class, k);
	row = (const int64 *) ARR_DATA_PTR(cuts) + (Size) (class - 1) * n;
	for (j = 0; j < n; j++)
	{
		if (j > 0 && row[j] < row[j - 1])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("cuts of class %d are not in ascending order", class),
					 errhint("Each row holds the greatest hash of fold 1, then of fold 2, and so on.")));
		fold += hash > row[j];
	}
	PG_RETURN_INT32(fold);
}

/* The error of a fold without rows of a class */
static void
empty_fold_error(const HingeFolds *folds, HingeRowSource *src, int f, int c)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("fold %d has no rows of class %s", f + 1, quote_literal_cstr(src->classes[c])),
			 folds->fold_column == NULL ?
			 errdetail("Class %s has %lld rows for %d folds; rows of equal features share a fold.",
					   quote_literal_cstr(src->classes[c]), (long long) src->class_rows[c],
					   folds->n_folds) :
			 errdetail("Fold column \"%s\" gives fold %d no row labelled %s.",
					   folds->fold_column, f + 1, quote_literal_cstr(src->classes[c])),
			 errhint("Every fold needs rows of every class, to be trained on and scored on: use fewer folds%s.",
					 folds->fold_column == NULL ? "" : ", or other fold numbers")));
}

/* The rows of each fold and class, read from the fold column */
static void
count_fold_column(HingeFolds *folds, HingeRowSource *src)
{
	HingeParams params = {0};
	Oid			type = getBaseType(get_atttype(src->relid,
											   hinge_column_attnum(src->relid, folds->fold_column,
																   "fold_column")));
	char	   *column = pstrdup(quote_identifier(folds->fold_column));
	char	   *query;
	uint64		i;

	if (type != INT2OID && type != INT4OID && type != INT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("fold column \"%s\" is of type %s, not an integer", folds->fold_column,
						format_type_be(type)),
				 errhint("The fold column holds each row's fold, a number from 1 to the number of folds.")));
	query = psprintf("SELECT f, c, pg_catalog.count(*) FROM "
					 "(SELECT %s::pg_catalog.int8 AS f, %s AS c %s) AS r GROUP BY 1, 2",
					 column, hinge_row_source_class(src, &params), hinge_row_source_sql(src));
	if (SPI_execute_with_args(query, params.n, params.types, params.values, NULL, true, 0) !=
		SPI_OK_SELECT)
		elog(ERROR, "could not read fold column \"%s\"", folds->fold_column);
	hinge_check_column_type(1, INT8OID);
	hinge_check_column_type(2, INT4OID);
	hinge_check_column_type(3, INT8OID);
	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[i];
		bool		f_null,
					c_null,
					isnull;
		int64		f = DatumGetInt64(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 1, &f_null));
		int32		c = DatumGetInt32(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 2, &c_null));
		int64		count = DatumGetInt64(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 3, &isnull));

		if (c_null)
			continue;			/* a label that is no class: the passes say so */
		if (f_null)
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("fold column \"%s\" is NULL in rows that have features and a label",
							folds->fold_column),
					 errhint("Give every row a fold from 1 to %d, or leave those rows out in a view.",
							 folds->n_folds)));
		if (f < 1 || f > folds->n_folds)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("fold column \"%s\" holds %lld, which is not between 1 and %d",
							folds->fold_column, (long long) f, folds->n_folds),
					 errhint("Folds are numbered 1 to folds; pass folds => the number of folds the column holds.")));
		folds->rows[(f - 1) * folds->n_classes + (c - 1)] += count;
	}
	SPI_freetuptable(SPI_tuptable);
}

/*
 * Assigns folds by hashing: per class, the rows in the order of their
 * hashes, the rows tied on a hash counted from the first of them (rank),
 * so ties share a fold; fold = rank x F / rows + 1.  Keeps each fold's
 * greatest hash (the cuts) and its rows.
 */
static void
assign_by_hash(HingeFolds *folds, HingeRowSource *src, const char *ext)
{
	HingeParams params = {0};
	int			k = folds->n_classes;
	int			F = folds->n_folds;
	Datum	   *counts = palloc(sizeof(Datum) * k);
	Datum	   *cuts = palloc(sizeof(Datum) * k * (F - 1));
	int			dims[2] = {k, F - 1};
	int			lbs[2] = {1, 1};
	const char *args[1];
	char	   *class,
			   *count_param,
			   *folds_param,
			   *query;
	uint64		i;
	int			c;

	for (c = 0; c < k; c++)
		counts[c] = Int64GetDatum(src->class_rows[c]);
	class = hinge_row_source_class(src, &params);
	count_param = hinge_param(&params, INT8ARRAYOID,
							  PointerGetDatum(construct_array(counts, k, INT8OID, sizeof(int64),
															  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE)));
	folds_param = hinge_param(&params, INT8OID, Int64GetDatum(F));
	args[0] = hinge_row_source_x(src, &params);
	query = psprintf("SELECT c, f, pg_catalog.max(h), pg_catalog.count(*) FROM "
					 "(SELECT c, h, (pg_catalog.rank() OVER (PARTITION BY c ORDER BY h) "
					 "OPERATOR(pg_catalog.-) 1) OPERATOR(pg_catalog.*) %s "
					 "OPERATOR(pg_catalog./) (%s)[c] OPERATOR(pg_catalog.+) 1 AS f "
					 "FROM (SELECT %s AS c, %s AS h %s) AS r WHERE c IS NOT NULL) AS s "
					 "GROUP BY 1, 2 ORDER BY 1, 2",
					 folds_param, count_param, class,
					 hinge_call_sql(HINGE_CALL_ROW_HASH, ext, src->features_type, args),
					 hinge_row_source_sql(src));
	if (SPI_execute_with_args(query, params.n, params.types, params.values, NULL, true, 0) !=
		SPI_OK_SELECT)
		elog(ERROR, "could not assign the folds of %s", src->relation_name);
	hinge_check_column_type(1, INT4OID);
	hinge_check_column_type(2, INT8OID);
	hinge_check_column_type(3, INT8OID);
	hinge_check_column_type(4, INT8OID);
	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[i];
		bool		isnull;
		int32		cls = DatumGetInt32(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 1, &isnull));
		int64		f = DatumGetInt64(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 2, &isnull));
		int64		hash = DatumGetInt64(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 3, &isnull));
		int64		count = DatumGetInt64(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 4, &isnull));

		if (cls < 1 || cls > k || f < 1 || f > F)
			elog(ERROR, "fold assignment returned fold %lld of class %d", (long long) f, cls);
		folds->rows[(f - 1) * k + (cls - 1)] = count;
		if (f < F)
			cuts[(cls - 1) * (F - 1) + (f - 1)] = Int64GetDatum(hash);
	}
	SPI_freetuptable(SPI_tuptable);
	/* a fold without rows of a class has no cut: the caller says so first */
	for (c = 0; c < k; c++)
		for (i = 0; i < (uint64) F; i++)
			if (folds->rows[i * k + c] == 0)
				empty_fold_error(folds, src, (int) i, c);
	folds->cuts = construct_md_array(cuts, NULL, 2, dims, lbs, INT8OID, sizeof(int64),
									 FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
}

/*
 * Finds the folds of the rows src counted: from fold_column, or by
 * hashing; counts each fold's rows of each class, each of which must hold
 * some.
 */
void
hinge_folds_init(HingeFolds *folds, HingeRowSource *src, const char *ext, int n_folds,
				 const char *fold_column)
{
	int			k = src->n_classes;
	int			f,
				c;

	memset(folds, 0, sizeof(*folds));
	folds->n_folds = n_folds;
	folds->fold_column = fold_column == NULL ? NULL : pstrdup(fold_column);
	folds->n_classes = k;
	folds->rows = palloc0(sizeof(int64) * n_folds * k);
	folds->train_rows = palloc0(sizeof(int64) * n_folds);
	if (n_folds > src->rows_used)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%d folds are more than the %lld rows of %s", n_folds,
						(long long) src->rows_used, src->relation_name),
				 errhint("Use at most as many folds as there are rows (5 or 10 is usual).")));
	if (fold_column != NULL)
		count_fold_column(folds, src);
	else
		assign_by_hash(folds, src, ext);
	for (f = 0; f < n_folds; f++)
	{
		for (c = 0; c < k; c++)
			if (folds->rows[f * k + c] == 0)
				empty_fold_error(folds, src, f, c);
		folds->train_rows[f] = src->rows_used;
		for (c = 0; c < k; c++)
			folds->train_rows[f] -= folds->rows[f * k + c];
	}
}

/*
 * The fold of a row of the relation (an int4 expression over its columns):
 * the fold column's value, or hinge_fold of its hash and class.
 */
char *
hinge_folds_sql(const HingeFolds *folds, HingeRowSource *src, const char *ext,
				HingeParams *params)
{
	const char *args[3];

	if (folds->fold_column != NULL)
		return psprintf("%s::pg_catalog.int4", quote_identifier(folds->fold_column));
	args[0] = hinge_row_source_x(src, params);
	args[0] = hinge_call_sql(HINGE_CALL_ROW_HASH, ext, src->features_type, args);
	args[1] = hinge_row_source_class(src, params);
	args[2] = hinge_param(params, INT8ARRAYOID, PointerGetDatum(folds->cuts));
	return hinge_call_sql(HINGE_CALL_FOLD, ext, src->features_type, args);
}
