-- The floor's functions, created in a benchmark's database from the module
-- built in bench/sparse_floor (psql variable :floor_so, the path of
-- sparse_floor.so); hinge must be installed (the type hinge_sparse)
CREATE FUNCTION bench_sparse_dot_step(float8, float8[], hinge_sparse) RETURNS float8
    AS :'floor_so', 'bench_sparse_dot_step' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE AGGREGATE bench_sparse_dot(float8[], hinge_sparse) (
    SFUNC = bench_sparse_dot_step, STYPE = float8, INITCOND = '0',
    COMBINEFUNC = float8pl, PARALLEL = SAFE);
CREATE FUNCTION bench_sparse_nnz(hinge_sparse) RETURNS int
    AS :'floor_so', 'bench_sparse_nnz' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
