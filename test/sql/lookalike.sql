-- Look-alikes: a role with CREATE on hinge's schema adds overloads of the
-- functions and aggregates hinge's own queries call, each differing from
-- the real one in one argument's type, so that an argument hinge passed as
-- an untyped literal or of another type would resolve to it, and run with
-- the rights of whoever trains, evaluates or calibrates.  hinge types every
-- argument exactly (hinge_internal_calls() lists the contract), so no path
-- may call one: each raises 'look-alike called' if it is.
SET extra_float_digits = 0;
SET client_min_messages = warning;

-- The contract resolves in the catalog: every entry is a function or an
-- aggregate of the extension, of exactly those argument and result types
SELECT c.name, c.kind, c.argtypes
FROM hinge_internal_calls() AS c
WHERE NOT EXISTS (
    SELECT FROM pg_proc AS p
    JOIN pg_depend AS d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
    JOIN pg_extension AS e ON e.oid = d.refobjid AND e.extname = 'hinge'
    WHERE p.proname = c.name AND p.proargtypes::regtype[] = c.argtypes AND p.prorettype = c.result
      AND p.prokind = CASE c.kind WHEN 'aggregate' THEN 'a' ELSE 'f' END);
SELECT count(*) AS contract_entries, count(DISTINCT name) AS functions_and_aggregates
FROM hinge_internal_calls();

-- Rows for every path: binary, multiclass, a list of columns
CREATE TABLE la_rows AS
SELECT i AS id, ARRAY[sin(i), cos(i * 1.3), ((i % 7) - 3) / 3.0]::float8[] AS x,
       ARRAY[sin(i), cos(i * 1.3), ((i % 7) - 3) / 3.0]::real[] AS xr,
       ARRAY[sin(i), cos(i * 1.3), ((i % 7) - 3) / 3.0]::hinge_sparse AS xs,
       sin(i) AS a, cos(i * 1.3) AS b,
       sin(i) + 0.5 * cos(i * 1.3) > 0.2 AS label,
       (ARRAY['iris', 'rose', 'tulip'])[1 + i % 3] AS kind
FROM generate_series(1, 300) AS i;

-- The look-alikes: for each entry and each argument, that argument's type
-- replaced by each of several others; functions raise, aggregates' state
-- functions raise.  First the issue's own crash: an aggregate whose result
-- is not a float8[] at all, which hinge_calibrate's Platt passes once read
-- as one.
CREATE FUNCTION platt_int(bigint, float8, numeric, float8, float8) RETURNS bigint
    LANGUAGE sql AS 'SELECT 12345::bigint';
CREATE AGGREGATE hinge_platt(float8, numeric, float8, float8) (SFUNC = platt_int, STYPE = bigint);
CREATE FUNCTION la_sprung() RETURNS void LANGUAGE plpgsql AS
$$ BEGIN RAISE EXCEPTION 'look-alike called'; END $$;
DO $$
DECLARE
    c record;
    i int;
    alt text;
    types text[];
    made int := 0;
BEGIN
    FOR c IN SELECT DISTINCT name, kind, argtypes::text[] AS types, result::text AS result
             FROM hinge_internal_calls() LOOP
        FOR i IN 1 .. cardinality(c.types) LOOP
            FOREACH alt IN ARRAY ARRAY['numeric', 'integer', 'bigint', 'real', 'text', 'unknown',
                                       'numeric[]', 'integer[]', 'real[]', 'text[]'] LOOP
                types := c.types;
                types[i] := alt;
                CONTINUE WHEN to_regprocedure(format('public.%I(%s)', c.name,
                                                     array_to_string(types, ','))) IS NOT NULL
                           OR alt = 'unknown';
                IF c.kind = 'function' THEN
                    EXECUTE format('CREATE FUNCTION public.%I(%s) RETURNS %s LANGUAGE plpgsql AS '
                                   '$f$ BEGIN PERFORM public.la_sprung(); RETURN NULL; END $f$',
                                   c.name, array_to_string(types, ', '), c.result);
                ELSE
                    IF to_regprocedure(format('public.la_sfunc(float8[],%s)', array_to_string(types, ','))) IS NULL THEN
                        EXECUTE format('CREATE FUNCTION public.la_sfunc(float8[], %s) RETURNS float8[] '
                                       'LANGUAGE plpgsql AS $f$ BEGIN PERFORM public.la_sprung(); RETURN $1; END $f$',
                                       array_to_string(types, ', '));
                    END IF;
                    EXECUTE format('CREATE AGGREGATE public.%I(%s) (SFUNC = public.la_sfunc, STYPE = float8[])',
                                   c.name, array_to_string(types, ', '));
                END IF;
                made := made + 1;
            END LOOP;
        END LOOP;
    END LOOP;
    RAISE NOTICE 'look-alikes: %', made;
END
$$;
SELECT count(*) > 300 AS many_look_alikes
FROM pg_proc WHERE pronamespace = 'public'::regnamespace
  AND proname IN (SELECT name FROM hinge_internal_calls())
  AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = pg_proc.oid AND d.deptype = 'e');

-- Every path that builds a query: training (hinge: one pass a step; the
-- other losses: a line search and a cutting plane; class weights; the three
-- multiclass strategies; a list of columns; real[] and hinge_sparse
-- features), evaluation, calibration, scoring by name and the triggers.
-- None calls a look-alike.
SELECT name, converged FROM hinge_train('la_bin', 'la_rows', 'x', 'label', lambda => 0.01);
SELECT name, converged FROM hinge_train('la_sq', 'la_rows', 'x', 'label', lambda => 0.01,
                                        loss => 'squared_hinge', class_weight => 'balanced');
SELECT name, converged FROM hinge_train('la_smooth', 'la_rows', 'xr', 'label', lambda => 0.01,
                                        loss => 'smooth_hinge', gamma => 0.5);
SELECT name, converged FROM hinge_train('la_cols', 'la_rows', ARRAY['a', 'b'], 'label', lambda => 0.01);
SELECT name, converged FROM hinge_train('la_cs', 'la_rows', 'x', 'kind', lambda => 0.01);
SELECT name, converged FROM hinge_train('la_ww', 'la_rows', 'xr', 'kind', lambda => 0.01,
                                        multiclass => 'weston_watkins', class_weight => 'balanced');
SELECT name, converged FROM hinge_train('la_ovr', 'la_rows', 'x', 'kind', lambda => 0.01,
                                        multiclass => 'one_vs_rest');
SELECT name, converged FROM hinge_train('la_sparse', 'la_rows', 'xs', 'label', lambda => 0.01);
SELECT name, converged FROM hinge_train('la_sparse_sq', 'la_rows', 'xs', 'label', lambda => 0.01,
                                        loss => 'squared_hinge');
SELECT name, converged FROM hinge_train('la_sparse_cs', 'la_rows', 'xs', 'kind', lambda => 0.01);
SELECT name, converged FROM hinge_train('la_sparse_ovr', 'la_rows', 'xs', 'kind', lambda => 0.01,
                                        multiclass => 'one_vs_rest');
SELECT round(accuracy::numeric, 3) AS accuracy, mean_loss > 0 AS has_loss, objective > 0 AS has_objective
FROM hinge_evaluate('la_bin', 'la_rows', 'x', 'label');
SELECT round(accuracy::numeric, 3) AS accuracy FROM hinge_evaluate('la_cols', 'la_rows', ARRAY['a', 'b'], 'label');
SELECT round(accuracy::numeric, 3) AS accuracy, objective > 0 AS has_objective
FROM hinge_evaluate('la_cs', 'la_rows', 'xr', 'kind');
-- (the accuracy the model's own predictions give, row by row)
SELECT e.accuracy = (SELECT avg((hinge_predict('la_ovr', x) = kind)::int) FROM la_rows) AS accuracy_of_predictions,
       e.objective > 0 AS has_objective
FROM hinge_evaluate('la_ovr', 'la_rows', 'x', 'kind') AS e;
SELECT round(accuracy::numeric, 3) AS accuracy, objective > 0 AS has_objective
FROM hinge_evaluate('la_sparse', 'la_rows', 'xs', 'label');
SELECT round(accuracy::numeric, 3) AS accuracy FROM hinge_evaluate('la_sparse_cs', 'la_rows', 'xs', 'kind');
SELECT calibration_a[1] < 0 AS calibrated FROM hinge_calibrate('la_bin', 'la_rows', 'x', 'label');
SELECT calibration_a[1] < 0 AS calibrated FROM hinge_calibrate('la_sparse', 'la_rows', 'xs', 'label');
SELECT cardinality(calibration_a) AS sigmoids FROM hinge_calibrate('la_cs', 'la_rows', 'x', 'kind');
SELECT count(*) AS scored FROM la_rows
WHERE hinge_score('la_bin', x) IS NOT NULL AND hinge_probability('la_bin', x) > 0
  AND hinge_predict('la_cs', x) IS NOT NULL AND cardinality(hinge_probabilities('la_cs', xr)) = 3
  AND hinge_probability('la_sparse', xs) > 0 AND hinge_predict('la_sparse_cs', xs) IS NOT NULL;
CREATE TABLE la_stream (x float8[], label boolean, score numeric(10, 4), verdict text, p float8);
CREATE TRIGGER s BEFORE INSERT ON la_stream FOR EACH ROW EXECUTE FUNCTION hinge_score_trigger('la_bin', 'x', 'score');
CREATE TRIGGER v BEFORE INSERT ON la_stream FOR EACH ROW EXECUTE FUNCTION hinge_score_trigger('la_bin', 'x', 'verdict', 'label');
CREATE TRIGGER p BEFORE INSERT ON la_stream FOR EACH ROW EXECUTE FUNCTION hinge_score_trigger('la_bin', 'x', 'p', 'probability');
CREATE TRIGGER l AFTER INSERT ON la_stream FOR EACH ROW EXECUTE FUNCTION hinge_learn_trigger('la_bin', 'x', 'label');
INSERT INTO la_stream (x, label) SELECT x, label FROM la_rows WHERE id <= 5;
SELECT count(*) FILTER (WHERE score IS NOT NULL AND verdict IS NOT NULL AND p > 0) AS scored,
       (SELECT online_updates FROM hinge_model WHERE name = 'la_bin') AS online_updates
FROM la_stream;
CREATE TABLE la_sparse_stream (xs hinge_sparse, label boolean, score float8);
CREATE TRIGGER s BEFORE INSERT ON la_sparse_stream FOR EACH ROW EXECUTE FUNCTION hinge_score_trigger('la_sparse', 'xs', 'score');
CREATE TRIGGER l AFTER INSERT ON la_sparse_stream FOR EACH ROW EXECUTE FUNCTION hinge_learn_trigger('la_sparse', 'xs', 'label');
INSERT INTO la_sparse_stream (xs, label) SELECT xs, label FROM la_rows WHERE id <= 5;
SELECT count(*) FILTER (WHERE score IS NOT NULL) AS scored,
       (SELECT online_updates FROM hinge_model WHERE name = 'la_sparse') AS online_updates
FROM la_sparse_stream;

-- Without the look-alikes, the same models and figures
DO $$
DECLARE f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_proc AS p
             WHERE p.pronamespace = 'public'::regnamespace
               AND (p.proname IN (SELECT name FROM hinge_internal_calls()) OR p.proname IN ('la_sfunc', 'platt_int'))
               AND NOT EXISTS (SELECT FROM pg_depend AS d WHERE d.objid = p.oid AND d.deptype = 'e')
             ORDER BY p.prokind = 'a' DESC LOOP
        EXECUTE format('DROP ROUTINE %s', f);
    END LOOP;
END
$$;
SELECT m.name, t.objective = m.objective AS same_objective, t.weights = m.weights AS same_weights
FROM hinge_model AS m,
     LATERAL hinge_train(m.name || '_again', 'la_rows', m.features[1], m.label, lambda => m.lambda, loss => m.loss,
                         gamma => m.gamma, class_weight => CASE WHEN m.class_weights <> array_fill(1::float8, ARRAY[cardinality(m.class_weights)])
                                                                 THEN 'balanced' END,
                         multiclass => coalesce(m.multiclass, 'crammer_singer')) AS t
WHERE m.name IN ('la_sq', 'la_smooth', 'la_cs', 'la_ww', 'la_ovr', 'la_sparse_sq', 'la_sparse_cs', 'la_sparse_ovr')
ORDER BY m.name;

DROP TABLE la_rows, la_stream, la_sparse_stream;
DROP FUNCTION la_sprung();
DELETE FROM hinge_model WHERE name LIKE 'la\_%';
