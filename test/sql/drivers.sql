-- Drivers: features as applications send them.  psycopg2 sends a Python
-- list of floats as ARRAY[...] (numeric[]) and of ints as ARRAY[...]
-- (integer[], bigint[] for big ones); psycopg 3 sends typed parameters,
-- float8[] for floats and smallint[], integer[] or bigint[] for ints;
-- node-postgres sends untyped parameters, which resolve to text.  Every
-- function that scores features has an overload for each (1.2): this test
-- checks which overload each call resolves to, and that every function
-- gives, for every type, the value of its float8[] call.  The real drivers
-- run in scripts/test_clients.sh.
SET extra_float_digits = 0;
SET client_min_messages = warning;

CREATE TABLE drv_rows (id int, x float8[], y text, k text);
INSERT INTO drv_rows
SELECT i, ARRAY[sin(i), cos(3 * i)],
       CASE WHEN sin(i) + 0.5 * cos(3 * i) > 0.1 THEN 'spam' ELSE 'ham' END,
       CASE WHEN sin(i) > 0.3 THEN 'a' WHEN cos(3 * i) > 0 THEN 'b' ELSE 'c' END
FROM generate_series(1, 60) AS i;
SELECT name, classes FROM hinge_train('drv_bin', 'drv_rows', 'x', 'y', lambda => 0.01);
SELECT name, classes FROM hinge_train('drv_mc', 'drv_rows', 'x', 'k', lambda => 0.01);
SELECT name FROM hinge_calibrate('drv_bin', 'drv_rows', 'x', 'y');
SELECT name FROM hinge_calibrate('drv_mc', 'drv_rows', 'x', 'k');

--
-- 1. Which overload each call of the issue resolves to: a view records the
-- function its call resolved to (pg_depend), before any constant folding.
-- Values as each driver writes them: psycopg2's ARRAY[...], psycopg 3's
-- typed parameters (written here as typed literals), and node-postgres's
-- untyped ones (section 3 checks untyped parameters themselves).
--
CREATE FUNCTION drv_resolves(expr text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    r text;
BEGIN
    EXECUTE format('CREATE TEMP VIEW drv_view AS SELECT %s', expr);
    SELECT string_agg(d.refobjid::regprocedure::text, ', ' ORDER BY d.refobjid::regprocedure::text) INTO r
    FROM pg_depend d JOIN pg_rewrite w ON d.classid = 'pg_rewrite'::regclass AND d.objid = w.oid
    WHERE w.ev_class = 'drv_view'::regclass AND d.refclassid = 'pg_proc'::regclass;
    DROP VIEW drv_view;
    RETURN r;
END
$$;
CREATE TABLE drv_call (ord int, driver text, expr text);
INSERT INTO drv_call VALUES
    (1, 'psycopg2 floats', $$hinge_score('drv_bin', ARRAY[1.5, -0.25])$$),
    (2, 'psycopg2 ints', $$hinge_score('drv_bin', ARRAY[3, -2])$$),
    (3, 'psycopg2 big ints', $$hinge_score('drv_bin', ARRAY[3, 10000000000])$$),
    (4, 'psycopg2 floats', $$hinge_predict('drv_bin', ARRAY[1.5, -0.25])$$),
    (5, 'psycopg2 floats', $$hinge_scores('drv_mc', ARRAY[1.5, -0.25])$$),
    (6, 'psycopg2 floats', $$hinge_probability('drv_bin', ARRAY[1.5, -0.25])$$),
    (7, 'psycopg2 ints', $$hinge_probabilities('drv_mc', ARRAY[3, -2])$$),
    (8, 'psycopg2 weights, floats', $$hinge_predict(ARRAY[0.5, -1.0, 0.25], ARRAY[1.5, -0.25])$$),
    (9, 'psycopg2 weights, floats', $$hinge_score(ARRAY[0.5, -1.0, 0.25], ARRAY[1.5, -0.25])$$),
    (10, 'psycopg2 weights, ints', $$hinge_score(ARRAY[1, -1, 0], ARRAY[3, -2])$$),
    (11, 'psycopg2 weights, floats', $$hinge_geometric_margin(ARRAY[0.5, -1.0, 0.25], ARRAY[1.5, -0.25], -1)$$),
    (12, 'psycopg2 weights, floats', $$hinge_scores(ARRAY[[1.0, 0, 1], [0, 1, 0]], ARRAY[1.5, -0.25])$$),
    (13, 'psycopg2 weights, ints', $$hinge_predict_class(ARRAY[[1, 0, 1], [0, 1, 0]], ARRAY[3, -2])$$),
    (14, 'psycopg 3 floats', $$hinge_score('drv_bin', '{1.5,-0.25}'::float8[])$$),
    (15, 'psycopg 3 small ints', $$hinge_predict('drv_bin', '{3,-2}'::smallint[])$$),
    (16, 'psycopg 3 ints', $$hinge_scores('drv_mc', '{3,-2}'::integer[])$$),
    (17, 'psycopg 3 big ints', $$hinge_probabilities('drv_mc', '{3,-2}'::bigint[])$$),
    (18, 'psycopg 3 weights, floats', $$hinge_predict('{0.5,-1,0.25}'::float8[], '{1.5,-0.25}'::float8[])$$),
    (19, 'psycopg 3 weights, small ints', $$hinge_score('{0.5,-1,0.25}'::float8[], '{3,-2}'::smallint[])$$),
    (20, 'psycopg 3 weights, big ints', $$hinge_predict_class('{{1,0,1},{0,1,0}}'::float8[], '{3,-2}'::bigint[])$$),
    (21, 'node-postgres', $$hinge_score('drv_bin', '{"1.5","-0.25"}')$$),
    (22, 'node-postgres', $$hinge_predict('drv_mc', '{"1.5","-0.25"}')$$),
    (23, 'node-postgres', $$hinge_probability('drv_bin', '{"1.5","-0.25"}')$$),
    (24, 'node-postgres weights (typed)', $$hinge_predict('{"0.5","-1","0.25"}'::float8[], '{"1.5","-0.25"}')$$),
    (25, 'node-postgres weights (typed)', $$hinge_geometric_margin('{"0.5","-1","0.25"}'::float8[], '{"1.5","-0.25"}', -1)$$),
    (26, 'node-postgres weights (untyped)', $$hinge_score('{"0.5","-1","0.25"}', x) FROM drv_rows$$);
SELECT ord, driver, expr, drv_resolves(expr) AS resolves_to FROM drv_call ORDER BY ord;

--
-- 2. Every function, every type of x: the same value as the float8[] call.
-- Two feature vectors: {3,-2}, whose elements every type holds exactly, and
-- {1.5,-0.25}, for the types with fractions (all exact in binary).  By hand,
-- with w = {0.5,-1,0.25} and W = {{1,0,1},{0,1,0},{1,1,1}}:
--   x = {3,-2}:       score 1.5 + 2 + 0.25 = 3.75, predict 1, scores
--                     {4,-2,2}, class 1, margin (y = -1) -3.75 / sqrt(1.25)
--   x = {1.5,-0.25}:  score 0.75 + 0.25 + 0.25 = 1.25, predict 1, scores
--                     {2.5,-0.25,2.25}, class 1, margin -1.25 / sqrt(1.25)
--
CREATE TABLE drv_fn (ord int, fn text, call text);
INSERT INTO drv_fn VALUES
    (1, 'hinge_score(w, x)', $$hinge_score('{0.5,-1,0.25}'::float8[], %s)$$),
    (2, 'hinge_predict(w, x)', $$hinge_predict('{0.5,-1,0.25}'::float8[], %s)$$),
    (3, 'hinge_geometric_margin(w, x, y)', $$hinge_geometric_margin('{0.5,-1,0.25}'::float8[], %s, -1)$$),
    (4, 'hinge_scores(W, x)', $$hinge_scores('{{1,0,1},{0,1,0},{1,1,1}}'::float8[], %s)$$),
    (5, 'hinge_predict_class(W, x)', $$hinge_predict_class('{{1,0,1},{0,1,0},{1,1,1}}'::float8[], %s)$$),
    (6, 'hinge_score(name, x)', $$hinge_score('drv_bin', %s)$$),
    (7, 'hinge_scores(name, x) binary', $$hinge_scores('drv_bin', %s)$$),
    (8, 'hinge_scores(name, x)', $$hinge_scores('drv_mc', %s)$$),
    (9, 'hinge_predict(name, x) binary', $$hinge_predict('drv_bin', %s)$$),
    (10, 'hinge_predict(name, x)', $$hinge_predict('drv_mc', %s)$$),
    (11, 'hinge_probability(name, x)', $$hinge_probability('drv_bin', %s)$$),
    (12, 'hinge_probabilities(name, x) binary', $$hinge_probabilities('drv_bin', %s)$$),
    (13, 'hinge_probabilities(name, x)', $$hinge_probabilities('drv_mc', %s)$$);
-- x as each type: a typed literal, psycopg2's ARRAY[...] (numeric[] or
-- integer[]), and an untyped literal (text)
CREATE TABLE drv_x (ord int, typ text, expr_int text, expr_frac text);
INSERT INTO drv_x VALUES
    (1, 'float8[]', $$'{3,-2}'::float8[]$$, $$'{1.5,-0.25}'::float8[]$$),
    (2, 'real[]', $$'{3,-2}'::real[]$$, $$'{1.5,-0.25}'::real[]$$),
    (3, 'numeric[]', $$ARRAY[3.0, -2.0]$$, $$ARRAY[1.5, -0.25]$$),
    (4, 'integer[]', $$ARRAY[3, -2]$$, NULL),
    (5, 'smallint[]', $$'{3,-2}'::smallint[]$$, NULL),
    (6, 'bigint[]', $$'{3,-2}'::bigint[]$$, NULL),
    (7, 'text', $$'{3,-2}'$$, $$'{1.5, -0.25}'$$);
CREATE FUNCTION drv_eval(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    r text;
BEGIN
    EXECUTE 'SELECT (' || q || ')::text' INTO r;
    RETURN r;
END
$$;
CREATE TABLE drv_value AS
SELECT f.ord AS fn_ord, f.fn, x.ord AS x_ord, x.typ, v.which,
       drv_eval(format(f.call, v.expr)) AS got,
       drv_eval(format(f.call, CASE v.which WHEN 'int' THEN $$'{3,-2}'::float8[]$$ ELSE $$'{1.5,-0.25}'::float8[]$$ END)) AS want
FROM drv_fn f, drv_x x, LATERAL (VALUES ('int', x.expr_int), ('frac', x.expr_frac)) AS v(which, expr)
WHERE v.expr IS NOT NULL;
-- the float8[] values with weights: the hand-computed ones above (the
-- models' scores are not shown: they are compared below, all the same)
SELECT fn, max(want) FILTER (WHERE which = 'int') AS "x = {3,-2}",
       max(want) FILTER (WHERE which = 'frac') AS "x = {1.5,-0.25}"
FROM drv_value WHERE fn_ord <= 5 GROUP BY fn_ord, fn ORDER BY fn_ord;
SELECT abs(hinge_geometric_margin('{0.5,-1,0.25}'::float8[], '{3,-2}'::float8[], -1) + 3.75 / sqrt(1.25)) < 1e-15 AS margin_int,
       abs(hinge_geometric_margin('{0.5,-1,0.25}'::float8[], '{1.5,-0.25}'::float8[], -1) + 1.25 / sqrt(1.25)) < 1e-15 AS margin_frac;
-- every type gives the float8[] value: all 'same' ('-': no fractional form)
SELECT fn,
       max(CASE WHEN got = want THEN 'same' ELSE got END) FILTER (WHERE typ = 'real[]') AS "real[]",
       max(CASE WHEN got = want THEN 'same' ELSE got END) FILTER (WHERE typ = 'numeric[]') AS "numeric[]",
       max(CASE WHEN got = want THEN 'same' ELSE got END) FILTER (WHERE typ = 'integer[]') AS "integer[]",
       max(CASE WHEN got = want THEN 'same' ELSE got END) FILTER (WHERE typ = 'smallint[]') AS "smallint[]",
       max(CASE WHEN got = want THEN 'same' ELSE got END) FILTER (WHERE typ = 'bigint[]') AS "bigint[]",
       max(CASE WHEN got = want THEN 'same' ELSE got END) FILTER (WHERE typ = 'text') AS "text"
FROM drv_value GROUP BY fn_ord, fn ORDER BY fn_ord;
SELECT count(*) AS calls, count(*) FILTER (WHERE got IS DISTINCT FROM want) AS different FROM drv_value;
-- and each of those calls resolved to the overload whose x is of that type
SELECT x.typ, count(*) AS calls,
       count(*) FILTER (WHERE split_part(rtrim(split_part(drv_resolves(format(f.call, v.expr)), '(', 2), ')'), ',', 2)
                              = replace(x.typ, 'float8[]', 'double precision[]')) AS own_overload
FROM drv_fn f, drv_x x, LATERAL (VALUES (x.expr_int), (x.expr_frac)) AS v(expr)
WHERE v.expr IS NOT NULL
GROUP BY x.ord, x.typ ORDER BY x.ord;

--
-- 3. Untyped parameters, as node-postgres sends them: PREPARE without
-- types, EXECUTE with text.  The parameters resolve to text (see
-- pg_prepared_statements) and the results are those of the float8[] calls.
--
PREPARE drv_by_name AS
SELECT hinge_score($1, $2) AS score, hinge_scores($1, $2) AS scores, hinge_predict($1, $2) AS label,
       hinge_probability($1, $2) AS p, hinge_probabilities($1, $2) AS ps;
PREPARE drv_by_name_mc AS
SELECT hinge_scores($1, $2) AS scores, hinge_predict($1, $2) AS label, hinge_probabilities($1, $2) AS ps;
PREPARE drv_weights AS
SELECT hinge_score($1::float8[], $2) AS score, hinge_predict($1::float8[], $2) AS predicted,
       hinge_geometric_margin($1::float8[], $2, $3) AS margin;
PREPARE drv_matrix AS
SELECT hinge_scores($1::float8[], $2) AS scores, hinge_predict_class($1::float8[], $2) AS class;
SELECT name, parameter_types FROM pg_prepared_statements WHERE name LIKE 'drv_%' ORDER BY name;
CREATE TABLE drv_got_bin AS EXECUTE drv_by_name('drv_bin', '{"1.5","-0.25"}');
CREATE TABLE drv_got_mc AS EXECUTE drv_by_name_mc('drv_mc', '{1.5,-0.25}');
CREATE TABLE drv_got_w AS EXECUTE drv_weights('{"0.5","-1","0.25"}', '{"1.5","-0.25"}', '-1');
CREATE TABLE drv_got_m AS EXECUTE drv_matrix('{{"1","0","1"},{"0","1","0"},{"1","1","1"}}', '{"3","-2"}');
SELECT g.score = hinge_score('drv_bin', '{1.5,-0.25}'::float8[]) AS score,
       g.scores = hinge_scores('drv_bin', '{1.5,-0.25}'::float8[]) AS scores,
       g.label = hinge_predict('drv_bin', '{1.5,-0.25}'::float8[]) AS label,
       g.p = hinge_probability('drv_bin', '{1.5,-0.25}'::float8[]) AS p,
       g.ps = hinge_probabilities('drv_bin', '{1.5,-0.25}'::float8[]) AS ps
FROM drv_got_bin g;
SELECT g.scores = hinge_scores('drv_mc', '{1.5,-0.25}'::float8[]) AS scores,
       g.label = hinge_predict('drv_mc', '{1.5,-0.25}'::float8[]) AS label,
       g.ps = hinge_probabilities('drv_mc', '{1.5,-0.25}'::float8[]) AS ps
FROM drv_got_mc g;
-- by hand: 1.25, +1, -1.25 / sqrt(1.25); {4,-2,2} and class 1
SELECT score, predicted, abs(margin + 1.25 / sqrt(1.25)) < 1e-15 AS margin FROM drv_got_w;
SELECT * FROM drv_got_m;
-- a batch: one untyped parameter per row, in a VALUES list
PREPARE drv_batch AS
SELECT i, hinge_predict($1, x) AS label, hinge_score($1, x) AS score
FROM (VALUES (1, $2), (2, $3), (3, $4)) AS batch(i, x);
CREATE TABLE drv_got_batch AS EXECUTE drv_batch('drv_bin', '{1.5,-0.25}', '{3,-2}', '{-1,0.5}');
SELECT b.i, b.label = hinge_predict('drv_bin', x) AS label, b.score = hinge_score('drv_bin', x) AS score
FROM drv_got_batch b
JOIN (VALUES (1, '{1.5,-0.25}'::float8[]), (2, '{3,-2}'), (3, '{-1,0.5}')) AS v(i, x) USING (i)
ORDER BY b.i;
-- psycopg 3's typed parameters: the name untyped, the features typed
PREPARE drv_typed(unknown, smallint[]) AS SELECT hinge_score($1, $2) AS score;
PREPARE drv_typed8(unknown, bigint[]) AS SELECT hinge_probabilities($1, $2) AS ps;
CREATE TABLE drv_got_typed AS EXECUTE drv_typed('drv_bin', '{3,-2}');
CREATE TABLE drv_got_typed8 AS EXECUTE drv_typed8('drv_mc', '{3,-2}');
SELECT (SELECT score FROM drv_got_typed) = hinge_score('drv_bin', '{3,-2}'::float8[]) AS smallint_score,
       (SELECT ps FROM drv_got_typed8) = hinge_probabilities('drv_mc', '{3,-2}'::float8[]) AS bigint_probabilities;

--
-- 4. Errors: each says what to do
--
-- weights sent untyped in the first place are taken for a model name: the
-- hint names the cast
PREPARE drv_untyped_weights AS SELECT hinge_score($1, x) FROM drv_rows WHERE id = 1;
EXECUTE drv_untyped_weights('{"0.5","-1","0.25"}');
EXECUTE drv_by_name('{0.5,-1,0.25}', '{1.5,-0.25}');
SELECT hinge_predict(' {1,2,3}', '{1,2}'::float8[]);
-- so no model may be named like an array
SELECT hinge_train('{1,2}', 'drv_rows', 'x', 'y');
SELECT hinge_train('  {x', 'drv_rows', 'x', 'y');
-- a model whose name has a '{' elsewhere is fine
SELECT name FROM hinge_train('drv {bin}', 'drv_rows', 'x', 'y', lambda => 0.01);
SELECT hinge_score('drv {bin}', '{1.5,-0.25}') = hinge_score('drv_bin', '{1.5,-0.25}'::float8[]) AS same_model;
-- a list of strings: psycopg2 and psycopg 3 send text[], which no overload
-- takes; node-postgres sends text, which is not a float8[] literal
SELECT hinge_score('drv_bin', ARRAY['a', 'b']);
EXECUTE drv_by_name('drv_bin', '{"a","b"}');
EXECUTE drv_weights('{0.5,-1,0.25}', 'not an array', '-1');
EXECUTE drv_weights('{0.5,-1,0.25}', '[1.5, -0.25]', '-1');
-- the text's elements are validated as any float8[]'s
EXECUTE drv_weights('{0.5,-1,0.25}', '{1.5,NULL}', '-1');
EXECUTE drv_weights('{0.5,-1,0.25}', '{1.5,NaN}', '-1');
EXECUTE drv_weights('{0.5,-1,0.25}', '{}', '-1');
EXECUTE drv_weights('{0.5,-1,0.25}', '{{1.5,-0.25}}', '-1');
EXECUTE drv_weights('{0.5,-1,0.25}', '{1.5,-0.25,1,2}', '-1');
EXECUTE drv_weights('{0.5,-1,0.25}', '{1.5,1e400}', '-1');
-- and converted arrays' elements too: NULL, NaN, beyond float8's range,
-- integers beyond 2^53 (rounded to the nearest float8, as a cast does)
SELECT hinge_score('drv_bin', ARRAY[1, NULL]);
SELECT hinge_score('drv_bin', ARRAY[1.5, 'NaN']);
SELECT hinge_score('drv_bin', ARRAY[1.5, 1e400]);
-- numeric's Infinity (PostgreSQL 14 and later; silent unless it is accepted)
DO $$
BEGIN
    IF current_setting('server_version_num')::int >= 140000 THEN
        BEGIN
            PERFORM hinge_score('drv_bin', ARRAY[1.5, 'Infinity'::numeric]);
            RAISE EXCEPTION 'a numeric Infinity in features was accepted';
        EXCEPTION WHEN invalid_parameter_value THEN
            NULL;
        END;
    END IF;
END
$$;
SELECT hinge_score('{1,1}'::float8[], ARRAY[9007199254740993, 0]) = 9007199254740992 AS rounded_like_a_cast,
       hinge_score('{1,1}'::float8[], ARRAY[9007199254740993, 0]::bigint[]) =
       hinge_score('{1,1}'::float8[], ARRAY[9007199254740993, 0]::bigint[]::float8[]) AS same_as_cast;
SELECT hinge_score('{1,1}'::float8[], ARRAY[32767, -32768]::smallint[]) AS smallint_range,
       hinge_score('{1,1}'::float8[], ARRAY[2147483647, -2147483648]) AS integer_range;
SELECT hinge_score('drv_bin', ARRAY[1, 2, 3]);
SELECT hinge_scores('{{1,0,1},{0,1,0}}'::float8[], ARRAY[[1, 2], [3, 4]]);
