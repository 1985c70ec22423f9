/*
 * hinge_sparse: a row of many features and few non-zeros (text, one-hot
 * codes, libsvm files), stored as (position, value) pairs.  Every function
 * and aggregate that takes features takes it, at a cost that grows with the
 * non-zeros, not with the dimension.  Text form {1:0.5,7:2}/10 (1-based
 * positions, the dimension after the slash), as pgvector's sparsevec.
 */

-- @since 1.2
CREATE TYPE hinge_sparse;

CREATE FUNCTION hinge_sparse_in(cstring, oid, int4)
RETURNS hinge_sparse
AS 'MODULE_PATHNAME', 'hinge_sparse_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION hinge_sparse_out(hinge_sparse)
RETURNS cstring
AS 'MODULE_PATHNAME', 'hinge_sparse_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION hinge_sparse_recv(internal, oid, int4)
RETURNS hinge_sparse
AS 'MODULE_PATHNAME', 'hinge_sparse_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION hinge_sparse_send(hinge_sparse)
RETURNS bytea
AS 'MODULE_PATHNAME', 'hinge_sparse_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE hinge_sparse (
    INPUT = hinge_sparse_in,
    OUTPUT = hinge_sparse_out,
    RECEIVE = hinge_sparse_recv,
    SEND = hinge_sparse_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);

COMMENT ON TYPE hinge_sparse IS
'sparse features: (position, value) pairs of the non-zero elements, written {1:0.5,7:2}/10 (1-based positions, then the dimension)';

COMMENT ON FUNCTION hinge_sparse_in(cstring, oid, int4) IS
'input function of hinge_sparse: {position:value,...}/dimension, positions 1-based and ascending';

COMMENT ON FUNCTION hinge_sparse_out(hinge_sparse) IS
'output function of hinge_sparse: {position:value,...}/dimension';

COMMENT ON FUNCTION hinge_sparse_recv(internal, oid, int4) IS
'binary input function of hinge_sparse: dimension, pair count, then (1-based position int4, value float8) pairs';

COMMENT ON FUNCTION hinge_sparse_send(hinge_sparse) IS
'binary output function of hinge_sparse: dimension, pair count, then (1-based position int4, value float8) pairs';

/*
 * From float8[] and real[], and from the types applications send lists of
 * numbers as (numeric[], integer[], smallint[], bigint[]: see
 * 10_row_functions.sql), so that hinge_sparse(ARRAY[1, 7], ARRAY[0.5, 2], 10)
 * resolves to one function.
 */
-- @each X float8[] | real[] | numeric[] | integer[] | smallint[] | bigint[]
CREATE FUNCTION hinge_sparse(positions int4[], "values" @X@, dimension int4)
RETURNS hinge_sparse
AS 'MODULE_PATHNAME', 'hinge_sparse_from_pairs'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_sparse(int4[], @X@, int4) IS
'a sparse row from libsvm-style pairs: 1-based positions in ascending order, their values side by side, and the dimension (zeros are dropped)';

CREATE FUNCTION hinge_sparse(@X@)
RETURNS hinge_sparse
AS 'MODULE_PATHNAME', 'hinge_sparse_from_dense'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_sparse(@X@) IS
'the non-zero elements of a dense array as a sparse row of the same dimension';

CREATE CAST (@X@ AS hinge_sparse) WITH FUNCTION hinge_sparse(@X@);

COMMENT ON CAST (@X@ AS hinge_sparse) IS
'the non-zero elements of a dense array as a sparse row of the same dimension';

-- @end each

CREATE FUNCTION hinge_sparse_dense(x hinge_sparse)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_sparse_to_dense'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_sparse_dense(hinge_sparse) IS
'every element of a sparse row, zeros included, as a float8[] of its dimension';

CREATE CAST (hinge_sparse AS float8[]) WITH FUNCTION hinge_sparse_dense(hinge_sparse);

COMMENT ON CAST (hinge_sparse AS float8[]) IS
'every element of a sparse row, zeros included';

CREATE FUNCTION hinge_sparse_dimension(x hinge_sparse)
RETURNS int4
AS 'MODULE_PATHNAME', 'hinge_sparse_dimension'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_sparse_dimension(hinge_sparse) IS
'the dimension of a sparse row: its number of features, zeros included';

CREATE FUNCTION hinge_sparse_nnz(x hinge_sparse)
RETURNS int4
AS 'MODULE_PATHNAME', 'hinge_sparse_nnz'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_sparse_nnz(hinge_sparse) IS
'the number of non-zero elements a sparse row stores';
-- @end since
