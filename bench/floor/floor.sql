-- The floor's aggregate, created in a benchmark's database from the module
-- built in bench/floor (psql variable :floor_so, the path of floor.so)
CREATE FUNCTION bench_dot_step(float8, float8[], float8[]) RETURNS float8
    AS :'floor_so', 'bench_dot_step' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE AGGREGATE bench_dot(float8[], float8[]) (
    SFUNC = bench_dot_step, STYPE = float8, INITCOND = '0',
    COMBINEFUNC = float8pl, PARALLEL = SAFE);
CREATE FUNCTION bench_dot_plain_step(float8, float8[], float8[]) RETURNS float8
    AS :'floor_so', 'bench_dot_plain_step' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE AGGREGATE bench_dot_plain(float8[], float8[]) (
    SFUNC = bench_dot_plain_step, STYPE = float8, INITCOND = '0',
    COMBINEFUNC = float8pl, PARALLEL = SAFE);
