--
-- bad_input: a systematic bad-input suite for every SQL-callable function and
-- aggregate of the extension.  The functions are read from the catalog, so a
-- function added later is swept too (its good arguments go in bi_good below;
-- a missing entry shows up in the first query).
--
-- Every case must end in the documented result (NULL for a NULL argument of
-- a STRICT function, NULL from an aggregate whose only row is skipped) or a
-- clean ERROR: an SQLSTATE other than XX000 internal_error (XX001
-- data_corrupted is documented for forged aggregate states).  A NaN or
-- infinite result is a bug.  The last queries fail visibly if any case broke
-- these rules.
--
-- Outcome codes in the grids: ok (a finite result), null (a NULL result),
-- an SQLSTATE (an error; the messages are in bi_log), NAN! (a NaN or
-- infinite result: a bug), - (not applicable).  Overloads that differ only
-- in the type of x (float8[], real[] and hinge_sparse, whose cases are the
-- float8[] ones cast to it; and, for the functions that score features,
-- numeric[], integer[], smallint[], bigint[] and text, the types drivers
-- send) share a line; where they disagree the line shows each
-- outcome, sorted and separated by /.
--
SET extra_float_digits = 0;
SET client_min_messages = warning;

--
-- Data and models used by the by-name functions
--
CREATE TABLE bi_data (id int, x float8[], xr real[], a float8, b float8, y int, k text, t text);
INSERT INTO bi_data
SELECT i, ARRAY[sin(i), cos(2 * i)], ARRAY[sin(i), cos(2 * i)]::real[], sin(i), cos(2 * i),
       CASE WHEN sin(i) + 0.3 * cos(2 * i) > 0 THEN 1 ELSE -1 END,
       (ARRAY['p', 'q', 'r'])[1 + i % 3], 'same'
FROM generate_series(1, 40) AS i;
SELECT name, classes, converged FROM hinge_train('bi_bin', 'bi_data', 'x', 'y', lambda => 0.01);
SELECT name, classes, converged FROM hinge_train('bi_mc', 'bi_data', 'x', 'k', lambda => 0.01);
SELECT name, calibration_a IS NOT NULL AS calibrated FROM hinge_calibrate('bi_bin', 'bi_data', 'x', 'y');
SELECT name, calibration_a IS NOT NULL AS calibrated FROM hinge_calibrate('bi_mc', 'bi_data', 'x', 'k');
SELECT name, converged FROM hinge_train('bi_raw', 'bi_data', 'x', 'y', lambda => 0.01);
SELECT count(*) AS lambdas FROM hinge_cross_validate('bi_cv', 'bi_data', 'x', 'y', lambdas => '{0.1,0.01}', folds => 2);
-- text models, scored by document
CREATE TABLE bi_docs AS
SELECT y, pg_catalog.to_tsvector('simple', CASE WHEN y > 0 THEN 'good ' ELSE 'bad ' END || k) AS doc,
       pg_catalog.jsonb_build_object(CASE WHEN y > 0 THEN 'good' ELSE 'bad' END, 1, k, 2) AS bag
FROM bi_data;
SELECT name, n_features FROM hinge_train('bi_doc', 'bi_docs', 'doc', 'y', lambda => 0.01);
SELECT name, n_features FROM hinge_train('bi_bag', 'bi_docs', 'bag', 'y', lambda => 0.01);
SELECT name, calibration_a IS NOT NULL AS calibrated FROM hinge_calibrate('bi_doc', 'bi_docs', 'doc', 'y');
SELECT name, calibration_a IS NOT NULL AS calibrated FROM hinge_calibrate('bi_bag', 'bi_docs', 'bag', 'y');

--
-- The harness
--
-- bi_run executes one query that yields one text value and classifies the
-- outcome: 'ok', 'null', 'NAN!: <result>' or '<SQLSTATE>: <message> HINT: <hint>'.
CREATE FUNCTION bi_run(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    r text;
    st text;
    msg text;
    hint text;
BEGIN
    EXECUTE q INTO r;
    -- undo what the call did (a model it trained, say): no case may depend
    -- on which ran before it
    RAISE SQLSTATE 'HBUND' USING MESSAGE = CASE
        WHEN r IS NULL THEN 'null'
        WHEN r ~* '(^|[^a-z_])-?(nan|infinity)([^a-z_]|$)' THEN 'NAN!: ' || r
        ELSE 'ok' END;
EXCEPTION WHEN SQLSTATE 'HBUND' THEN
    GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
    RETURN msg;
WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, hint = PG_EXCEPTION_HINT;
    RETURN st || ': ' || msg || CASE WHEN hint <> '' THEN ' HINT: ' || hint ELSE '' END;
END
$$;

-- The outcome code of an outcome
CREATE FUNCTION bi_code(outcome text) RETURNS text LANGUAGE sql IMMUTABLE
    AS $$ SELECT CASE WHEN $1 IN ('ok', 'null') THEN $1 ELSE split_part($1, ':', 1) END $$;

-- The grids of sections 2, 3 and 6 show one line per function family and
-- argument name: the overloads for each type of features, and the
-- plain and class-weighted forms of an aggregate, share a line.
CREATE FUNCTION bi_family(disp text) RETURNS text LANGUAGE sql IMMUTABLE
    AS $$ SELECT split_part($1, '(', 1) || '(' || split_part(split_part($1, '(', 2), ', ', 1) || ', ...)' $$;
CREATE FUNCTION bi_argname(disp text, pos int) RETURNS text LANGUAGE sql IMMUTABLE
    AS $$ SELECT split_part(rtrim(split_part($1, '(', 2), ')'), ', ', $2) $$;

-- Every case: its group, the function's signature, the case, the query, the outcome
CREATE TABLE bi_log (grp text, sig text, disp text, pos int, kase text, q text, outcome text);

-- The extension's functions from the catalog.  disp is the name with the
-- argument names (so that the float8[] and real[] overloads of x share it).
CREATE TABLE bi_fn AS
SELECT p.oid::regprocedure::text AS sig, p.proname::text AS name, p.prokind AS kind,
       p.pronargs::int AS nargs,
       ARRAY(SELECT format_type(t, NULL) FROM unnest(p.proargtypes) WITH ORDINALITY AS u(t, o) ORDER BY o) AS types,
       p.proname || '(' || array_to_string(ARRAY(
           SELECT coalesce(nullif(p.proargnames[o], ''), CASE WHEN format_type(t, NULL) IN ('real[]', 'hinge_sparse') THEN 'double precision[]' ELSE format_type(t, NULL) END)
           FROM unnest(p.proargtypes) WITH ORDINALITY AS u(t, o) ORDER BY o), ', ') || ')' AS disp,
       p.prorettype = 'trigger'::regtype AS is_trigger,
       EXISTS (SELECT 1 FROM pg_aggregate a WHERE p.oid IN (a.aggtransfn, a.aggcombinefn, a.aggfinalfn)) AS is_support
FROM pg_proc p
JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'hinge';

-- What the catalog holds
SELECT CASE kind WHEN 'a' THEN 'aggregate' WHEN 'f' THEN CASE WHEN is_trigger THEN 'trigger function'
            WHEN is_support THEN 'aggregate support function' ELSE 'function' END END AS what,
       count(*) AS how_many
FROM bi_fn GROUP BY 1 ORDER BY 1;

-- Good arguments of every function and aggregate, by name and number of
-- arguments, as untyped literals (cast to each overload's argument types).
-- A text[] features argument gets '{a,b}' where 'x' is written.
CREATE TABLE bi_good (name text, nargs int, args text[], PRIMARY KEY (name, nargs));
INSERT INTO bi_good VALUES
    ('hinge_loss', 3, '{1,0.5,1}'),
    ('hinge_loss_grad', 3, '{1,0.5,1}'),
    ('squared_hinge_loss', 3, '{1,0.5,1}'),
    ('squared_hinge_loss_grad', 3, '{1,0.5,1}'),
    ('smooth_hinge_loss', 3, '{1,0.5,1}'),
    ('smooth_hinge_loss_grad', 3, '{1,0.5,1}'),
    ('hinge_margin', 2, '{1,0.5}'),
    ('multiclass_hinge_loss', 4, '{"{0.5,2,-1}",1,crammer_singer,1}'),
    ('multiclass_hinge_loss_grad', 4, '{"{0.5,2,-1}",1,crammer_singer,1}'),
    ('ranking_hinge_loss', 3, '{1,0.5,1}'),
    ('triplet_hinge_loss', 3, '{0.5,1,1}'),
    ('contrastive_hinge_loss', 3, '{0.5,true,1}'),
    ('hinge_score', 2, '{"{1,2,3}","{1,1}"}'),
    ('hinge_predict', 2, '{"{1,2,3}","{1,1}"}'),
    ('hinge_geometric_margin', 3, '{"{1,2,3}","{1,1}",1}'),
    ('hinge_scores', 2, '{"{{1,0,1},{0,1,0},{1,1,1}}","{1,1}"}'),
    ('hinge_predict_class', 2, '{"{{1,0,1},{0,1,0},{1,1,1}}","{1,1}"}'),
    ('hinge_pegasos_step', 5, '{"{1,0,0}","{0.5,1}",1,0.5,2}'),
    -- binary aggregates
    ('hinge_objective', 4, '{"{1,2,3}","{1,1}",1,0.1}'),
    ('hinge_objective', 6, '{"{1,2,3}","{1,1}",1,0.1,2,0.5}'),
    ('hinge_subgradient', 4, '{"{1,2,3}","{1,1}",1,0.1}'),
    ('hinge_subgradient', 6, '{"{1,2,3}","{1,1}",1,0.1,2,0.5}'),
    ('squared_hinge_objective', 4, '{"{1,2,3}","{1,1}",1,0.1}'),
    ('squared_hinge_objective', 6, '{"{1,2,3}","{1,1}",1,0.1,2,0.5}'),
    ('squared_hinge_subgradient', 4, '{"{1,2,3}","{1,1}",1,0.1}'),
    ('squared_hinge_subgradient', 6, '{"{1,2,3}","{1,1}",1,0.1,2,0.5}'),
    ('smooth_hinge_objective', 5, '{"{1,2,3}","{1,1}",1,0.1,1}'),
    ('smooth_hinge_objective', 7, '{"{1,2,3}","{1,1}",1,0.1,1,2,0.5}'),
    ('smooth_hinge_subgradient', 5, '{"{1,2,3}","{1,1}",1,0.1,1}'),
    ('smooth_hinge_subgradient', 7, '{"{1,2,3}","{1,1}",1,0.1,1,2,0.5}'),
    ('hinge_loss_avg', 3, '{"{1,2,3}","{1,1}",1}'),
    ('hinge_margin_stats', 3, '{"{1,2,3}","{1,1}",1}'),
    ('hinge_cutting_plane', 8, '{"{1,2,3}","{1,1}",1,0.1,hinge,1,2,0.5}'),
    ('hinge_line_objective', 8, '{"{{1,2,3},{0,1,0}}","{1,1}",1,0.1,hinge,1,2,0.5}'),
    ('hinge_line_planes', 8, '{"{{1,2,3},{0,1,0}}","{1,1}",1,0.1,hinge,1,2,0.5}'),
    ('hinge_line_plane', 9, '{"{{1,2,3},{0,1,0}}","{1,1}",1,0.1,hinge,1,2,0.5,7}'),
    ('hinge_platt', 4, '{0.5,0.9,-1,0}'),
    -- multiclass aggregates: W is 3 classes x (2 features + intercept)
    ('multiclass_hinge_objective', 5, '{"{{1,0,1},{0,1,0},{1,1,1}}","{1,1}",2,0.1,crammer_singer}'),
    ('multiclass_hinge_objective', 6, '{"{{1,0,1},{0,1,0},{1,1,1}}","{1,1}",2,0.1,weston_watkins,"{1,2,1}"}'),
    ('multiclass_hinge_subgradient', 5, '{"{{1,0,1},{0,1,0},{1,1,1}}","{1,1}",2,0.1,crammer_singer}'),
    ('multiclass_hinge_subgradient', 6, '{"{{1,0,1},{0,1,0},{1,1,1}}","{1,1}",2,0.1,weston_watkins,"{1,2,1}"}'),
    ('multiclass_hinge_cutting_plane', 6, '{"{{1,0,1},{0,1,0},{1,1,1}}","{1,1}",2,0.1,crammer_singer,"{1,2,1}"}'),
    ('multiclass_hinge_line_objective', 6, '{"{{1,0,1},{0,1,0},{1,1,1},{0,0,0},{1,0,0},{0,0,1}}","{1,1}",2,0.1,crammer_singer,"{1,2,1}"}'),
    ('one_vs_rest_cutting_planes', 5, '{"{{1,0,1},{0,1,0},{1,1,1}}","{1,1}",2,0.1,"{1,2,1}"}'),
    ('one_vs_rest_line_objective', 5, '{"{{1,0,1},{0,1,0},{1,1,1},{0,0,0},{1,0,0},{0,0,1}}","{1,1}",2,0.1,"{1,2,1}"}'),
    -- models by name
    -- (max_passes 20 keeps the sweep's trainings short)
    ('hinge_train', 22, '{bi_tmp,bi_data,x,y,0.01,hinge,true,NULL,0.001,20,NULL,1,crammer_singer,none,none,1000,NULL,NULL,1,100000,NULL,NULL}'),
    ('hinge_evaluate', 4, '{bi_bin,bi_data,x,y}'),
    ('hinge_calibrate', 4, '{bi_bin,bi_data,x,y}'),
    ('hinge_probability', 2, '{bi_bin,"{1,1}"}'),
    ('hinge_probabilities', 2, '{bi_mc,"{1,1}"}'),
    ('hinge_model_writable', 1, '{bi_nobody}'),
    ('hinge_class_text', 1, '{2024-01-02}'),
    ('hinge_internal_calls', 0, '{}'),
    ('hinge_sparse_in', 3, '{"{1:1}/2",0,-1}'),
    ('hinge_sparse_out', 1, '{"{1,1}"}'),
    ('hinge_sparse_send', 1, '{"{1,1}"}'),
    ('hinge_sparse', 1, '{"{1,1}"}'),
    ('hinge_sparse', 3, '{"{1,2}","{1,1}",2}'),
    ('hinge_sparse_dense', 1, '{"{1,1}"}'),
    ('hinge_sparse_dimension', 1, '{"{1,1}"}'),
    ('hinge_sparse_nnz', 1, '{"{1,1}"}'),
    ('hinge_encode', 2, '{"{\"scale\": \"none\", \"inputs\": [{\"kind\": \"number\", \"column\": \"a\"}]}",1.5}'),
    ('hinge_term_hash', 2, '{word,4}'),
    ('hinge_feature_stats', 1, '{"{1,1}"}'),
    -- cross-validation: 2 folds; W is 2 folds x (2 features + intercept), or
    -- for multiclass 2 folds x 3 classes; a line stacks the starts, then the ends
    ('hinge_cv_cutting_planes', 8, '{"{{1,2,3},{0,1,0}}","{1,1}",1,1,0.1,hinge,1,"{{1,2},{1,1}}"}'),
    ('hinge_cv_line_objective', 8, '{"{{1,2,3},{0,1,0},{0,0,0},{1,0,0}}","{1,1}",1,1,0.1,hinge,1,"{{1,2},{1,1}}"}'),
    ('hinge_cv_line_planes', 8, '{"{{1,2,3},{0,1,0},{0,0,0},{1,0,0}}","{1,1}",1,1,0.1,hinge,1,"{{1,2},{1,1}}"}'),
    ('multiclass_cv_cutting_planes', 7, '{"{{1,0,1},{0,1,0},{1,1,1},{0,0,1},{1,0,0},{0,1,1}}","{1,1}",2,1,0.1,crammer_singer,"{{1,2,1},{1,1,1}}"}'),
    ('multiclass_cv_line_objective', 7, '{"{{1,0,1},{0,1,0},{1,1,1},{0,0,1},{1,0,0},{0,1,1},{0,0,0},{1,0,0},{0,0,1},{1,1,0},{0,1,0},{0,0,0}}","{1,1}",2,1,0.1,crammer_singer,"{{1,2,1},{1,1,1}}"}'),
    ('one_vs_rest_cv_cutting_planes', 6, '{"{{1,0,1},{0,1,0},{1,1,1},{0,0,1},{1,0,0},{0,1,1}}","{1,1}",2,1,0.1,"{{1,2,1},{1,1,1}}"}'),
    ('one_vs_rest_cv_line_objective', 6, '{"{{1,0,1},{0,1,0},{1,1,1},{0,0,1},{1,0,0},{0,1,1},{0,0,0},{1,0,0},{0,0,1},{1,1,0},{0,1,0},{0,0,0}}","{1,1}",2,1,0.1,"{{1,2,1},{1,1,1}}"}'),
    ('hinge_row_hash', 1, '{"{1,1}"}'),
    ('hinge_fold', 3, '{12345,2,"{{-5,7},{0,100}}"}'),
    ('hinge_cross_validate', 25, '{bi_tmp,bi_data,x,y,"{0.1,0.01}",2,NULL,accuracy,hinge,true,NULL,0.001,20,NULL,1,crammer_singer,none,none,1000,NULL,NULL,1,100000,NULL,NULL}'),
    ('hinge_cv_results', 1, '{bi_cv}'),
    ('hinge_weights', 1, '{bi_bin}'),
    ('hinge_explain', 2, '{bi_bin,"{1,1}"}'),
    ('hinge_model_value', 1, '{bi_bin}');
-- hinge_score, hinge_predict and hinge_scores by model name have the same
-- number of arguments as their array forms: their good arguments are below.
CREATE TABLE bi_good_by_name (name text PRIMARY KEY, args text[]);
INSERT INTO bi_good_by_name VALUES
    ('hinge_score', '{bi_bin,"{1,1}"}'),
    ('hinge_predict', '{bi_mc,"{1,1}"}'),
    ('hinge_scores', '{bi_mc,"{1,1}"}');

-- The good arguments of each function, aggregate and support function.  A
-- support function gets those of the first aggregate (by signature) that
-- uses it: a transition function '{}' and the aggregate's arguments, a
-- combine function two states, a final function one; the state is what the
-- transition function makes of the good arguments.
CREATE TABLE bi_call (sig text PRIMARY KEY, disp text, name text, kind "char", types text[], args text[], agg text);
INSERT INTO bi_call
SELECT f.sig, f.disp, f.name, f.kind, f.types,
       CASE WHEN f.types[1] = 'text' AND f.types[2] = 'tsvector' THEN '{bi_doc,"good p"}'
            WHEN f.types[1] = 'text' AND f.types[2] = 'jsonb' THEN '{bi_bag,"{\"good\": 1}"}'
            WHEN f.types[1] = 'text' AND n.args IS NOT NULL THEN n.args ELSE g.args END, NULL
FROM bi_fn f
LEFT JOIN bi_good g ON g.name = f.name AND g.nargs = f.nargs
LEFT JOIN bi_good_by_name n ON n.name = f.name
WHERE NOT f.is_trigger AND NOT f.is_support
  -- a type's binary input function takes a message buffer: not callable from SQL
  AND NOT 'internal' = ANY (f.types);

-- A literal for one argument: the text[] form of features, and the cast
CREATE FUNCTION bi_lit(arg text, typ text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN $1 IS NULL AND $2 = 'anyelement' THEN 'NULL::date'
                WHEN $1 IS NULL THEN 'NULL::' || $2
                WHEN $2 = 'text[]' AND $1 = 'x' THEN '''{a,b}''::text[]'
                -- a polymorphic argument gets a date: its text depends on DateStyle
                WHEN $2 = 'anyelement' THEN quote_literal($1) || '::date'
                -- hinge_sparse arguments: the dense literal, made sparse
                WHEN $2 = 'hinge_sparse' THEN '(' || quote_literal($1) || '::float8[])::hinge_sparse'
                -- a row: with an array x, as the models by name read it, or of one number
                WHEN $2 = 'record' AND $1 LIKE '{%' THEN '(SELECT r FROM (SELECT ' || quote_literal($1) || '::float8[] AS x) AS r)'
                WHEN $2 = 'record' THEN 'ROW(' || quote_literal($1) || '::float8)'
                ELSE quote_literal($1) || '::' || $2 END
$$;

-- The SQL of a call with given argument expressions
CREATE FUNCTION bi_sql(name text, exprs text[]) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT format('SELECT (%s(%s))::text', $1, array_to_string($2, ', '))
$$;

-- The argument expressions of a good call
CREATE FUNCTION bi_exprs(c bi_call) RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
    SELECT ARRAY(SELECT bi_lit(c.args[i], c.types[i]) FROM generate_subscripts(c.types, 1) AS i ORDER BY i)
$$;

-- A good state of every aggregate: its transition function applied to '{}'
-- and the good arguments
CREATE TABLE bi_agg AS
SELECT c.sig AS agg, c.disp, c.types, c.args,
       a.aggtransfn::regprocedure::text AS transfn, a.aggcombinefn::regprocedure::text AS combinefn,
       a.aggfinalfn::regprocedure::text AS finalfn,
       a.aggtransfn::regproc::text AS transname, a.aggcombinefn::regproc::text AS combinename,
       a.aggfinalfn::regproc::text AS finalname,
       NULL::float8[] AS state
FROM bi_call c JOIN pg_aggregate a ON a.aggfnoid = c.sig::regprocedure
WHERE c.kind = 'a';
DO $$
DECLARE r record; s float8[];
BEGIN
    FOR r IN SELECT * FROM bi_agg LOOP
        EXECUTE format('SELECT %s(%s)', r.transname,
                       array_to_string(ARRAY['''{}''::float8[]'] || ARRAY(SELECT bi_lit(r.args[i], r.types[i])
                           FROM generate_subscripts(r.types, 1) AS i ORDER BY i), ', '))
            INTO s;
        UPDATE bi_agg SET state = s WHERE agg = r.agg;
    END LOOP;
END $$;
SELECT count(*) AS aggregates, count(*) FILTER (WHERE state IS NOT NULL AND cardinality(state) > 1) AS with_good_state
FROM bi_agg;

INSERT INTO bi_call
SELECT DISTINCT ON (f.sig) f.sig,
       f.name || CASE WHEN f.sig = a.transfn THEN '(state, ' || split_part(a.disp, '(', 2)
                      WHEN f.sig = a.combinefn THEN '(state, state)' ELSE '(state)' END,
       f.name, f.kind, f.types,
       CASE WHEN f.sig = a.transfn THEN ARRAY['{}'] || a.args
            WHEN f.sig = a.combinefn THEN ARRAY[a.state::text, a.state::text]
            ELSE ARRAY[a.state::text] END,
       a.agg
FROM bi_fn f JOIN bi_agg a ON f.sig IN (a.transfn, a.combinefn, a.finalfn)
ORDER BY f.sig, a.agg;

-- Every callable function has good arguments, and they work: all ok
SELECT c.sig, bi_run(bi_sql(c.name, bi_exprs(c))) AS good_call
FROM bi_call c WHERE c.args IS NULL OR bi_code(bi_run(bi_sql(c.name, bi_exprs(c)))) <> 'ok';
SELECT count(*) AS good_calls_ok FROM bi_call c WHERE bi_run(bi_sql(c.name, bi_exprs(c))) = 'ok';
-- functions of no arguments have no bad ones: their good call is their case
INSERT INTO bi_log (grp, sig, disp, pos, kase, q)
SELECT 'good', c.sig, c.disp, 0, 'no arguments', bi_sql(c.name, '{}') FROM bi_call c WHERE c.types = '{}';
UPDATE bi_log SET outcome = bi_run(q) WHERE grp = 'good';

--
-- 1. NULL in every argument position, one at a time, of every function,
-- aggregate and support function.  STRICT functions give NULL; an
-- aggregate skips a row with a NULL argument (its transition function is
-- STRICT), so over one row it gives NULL; hinge_train is not STRICT and
-- says which argument must not be NULL (lambda, class_weight and positive
-- may be NULL: they then take their defaults).
--
INSERT INTO bi_log (grp, sig, disp, pos, kase, q)
SELECT 'null', c.sig, c.disp, i, 'NULL', bi_sql(c.name, (bi_exprs(c))[:i - 1] || bi_lit(NULL, c.types[i]) || (bi_exprs(c))[i + 1:])
FROM bi_call c, generate_subscripts(c.types, 1) AS i;
UPDATE bi_log SET outcome = bi_run(q) WHERE grp = 'null';
-- one line per function: the positions, by outcome
SELECT disp AS function, string_agg(positions || ': ' || outcome, '; ' ORDER BY first) AS "NULL at argument"
FROM (SELECT disp, outcome, string_agg(pos::text, ',' ORDER BY pos) AS positions, min(pos) AS first
      FROM (SELECT disp, pos, string_agg(DISTINCT bi_code(outcome), '/') AS outcome FROM bi_log WHERE grp = 'null' GROUP BY disp, pos) s
      GROUP BY disp, outcome) s
GROUP BY disp ORDER BY disp;

--
-- 2. Bad numbers in every numeric argument (scalars and the first element
-- of arrays, and of features given as text), one position at a time: NaN,
-- +Infinity, -Infinity, a denormal (5e-324; 1e-45 for real[]), a huge
-- finite value (1e200; 3e38 for real[]; the largest smallint, integer or
-- bigint for those), zero and -1 (integers have no NaN, infinity or
-- denormal, and numeric[] gets no infinity, which PostgreSQL 13's numeric
-- lacks: '-' where no overload has the case).  The documented outcomes: NaN and
-- infinity are 22023 everywhere; labels must be -1/+1 (class labels 1..k);
-- lambda, gamma, class weights and tolerance must be > 0, margins and
-- distances >= 0; denormals are ordinary numbers; overflow is 22003.
--
CREATE TABLE bi_value (kase text PRIMARY KEY, ord int, f8 text, f4 text, num text, i2 text, i4 text, i8 text);
INSERT INTO bi_value VALUES
    ('NaN', 1, 'NaN', 'NaN', 'NaN', NULL, NULL, NULL),
    ('+Inf', 2, 'Infinity', 'Infinity', NULL, NULL, NULL, NULL),
    ('-Inf', 3, '-Infinity', '-Infinity', NULL, NULL, NULL, NULL),
    ('denormal', 4, '5e-324', '1e-45', '5e-324', NULL, NULL, NULL),
    ('huge', 5, '1e200', '3e38', '1e200', '32767', '2147483647', '9223372036854775807'),
    ('zero', 6, '0', '0', '0', '0', '0', '0'),
    ('-1', 7, '-1', '-1', '-1', '-1', '-1', '-1');
INSERT INTO bi_log (grp, sig, disp, pos, kase, q)
SELECT 'value', c.sig, c.disp, i, v.kase,
       CASE WHEN c.types[i] LIKE '%[]' OR c.types[i] = 'text' THEN
                bi_sql(c.name, (bi_exprs(c))[:i - 1]
                       || bi_lit(regexp_replace(c.args[i], '^(\{+)[^,{}]+', '\1' || val), c.types[i])
                       || (bi_exprs(c))[i + 1:])
            ELSE bi_sql(c.name, (bi_exprs(c))[:i - 1]
                       || bi_lit(val, c.types[i])
                       || (bi_exprs(c))[i + 1:])
       END
FROM bi_call c, generate_subscripts(c.types, 1) AS i, bi_value v,
     LATERAL (SELECT CASE c.types[i] WHEN 'real[]' THEN v.f4 WHEN 'numeric[]' THEN v.num WHEN 'smallint[]' THEN v.i2
                                     WHEN 'integer' THEN v.i4 WHEN 'integer[]' THEN v.i4
                                     WHEN 'bigint[]' THEN v.i8 ELSE v.f8 END AS val) AS t
WHERE c.agg IS NULL
  AND (c.types[i] IN ('double precision', 'double precision[]', 'real[]', 'integer',
                      'numeric[]', 'integer[]', 'smallint[]', 'bigint[]')
       OR (c.types[i] = 'text' AND bi_argname(c.disp, i) = 'x'))
  AND val IS NOT NULL;
-- (training with a denormal lambda or tolerance ends in a WARNING that it
-- did not converge: silenced here)
SET client_min_messages = error;
UPDATE bi_log SET outcome = bi_run(q) WHERE grp = 'value';
SET client_min_messages = warning;
-- one line per function and argument; one column per bad value
SELECT family AS function, arg,
       coalesce(max(o) FILTER (WHERE kase = 'NaN'), '-') AS "NaN",
       coalesce(max(o) FILTER (WHERE kase = '+Inf'), '-') AS "+Inf",
       coalesce(max(o) FILTER (WHERE kase = '-Inf'), '-') AS "-Inf",
       coalesce(max(o) FILTER (WHERE kase = 'denormal'), '-') AS denormal,
       max(o) FILTER (WHERE kase = 'huge') AS huge, max(o) FILTER (WHERE kase = 'zero') AS zero,
       max(o) FILTER (WHERE kase = '-1') AS "-1"
FROM (SELECT bi_family(disp) AS family, bi_argname(disp, pos) AS arg, min(pos) AS pos, kase,
             string_agg(DISTINCT bi_code(outcome), '/') AS o
      FROM bi_log WHERE grp = 'value' GROUP BY 1, 2, kase) s
GROUP BY family, arg ORDER BY family, min(pos);

--
-- 3. Bad shapes in every array argument (not aggregate states, which are
-- section 7), one position at a time: a NULL element, empty, 2-D where 1-D
-- is expected (1-D where a 2-D weight matrix is expected), 3-D, one element
-- (1 x 1 for a matrix) and 100,001 elements (3 x 100,001 for a matrix; the
-- other arguments keep their sizes, so mostly mismatched lengths); features
-- given as text get the same shapes, as float8[] literals.
-- Documented: 22004 for NULL elements, 2202E for dimensions, emptiness and
-- lengths that do not match.
--
CREATE TABLE bi_shape (kase text PRIMARY KEY, ord int);
INSERT INTO bi_shape VALUES ('NULL elem', 1), ('empty', 2), ('wrong dims', 3), ('3-D', 4), ('1 elem', 5), ('100001', 6);
INSERT INTO bi_log (grp, sig, disp, pos, kase, q)
SELECT 'shape', c.sig, c.disp, i, s.kase,
       bi_sql(c.name, (bi_exprs(c))[:i - 1] || (
           CASE s.kase
           WHEN 'NULL elem' THEN bi_lit(regexp_replace(a, '^(\{+)[^,{}]+', '\1NULL'), t)
           WHEN 'empty' THEN bi_lit('{}', t)
           WHEN 'wrong dims' THEN bi_lit(CASE WHEN a LIKE '{{%' THEN '{' || regexp_replace(a, '[{}]', '', 'g') || '}'
                                            ELSE '{' || a || ',' || a || '}' END, t)
           WHEN '3-D' THEN bi_lit(CASE WHEN a LIKE '{{%' THEN '{' || a || ',' || a || '}' ELSE '{{' || a || '}}' END, t)
           WHEN '1 elem' THEN bi_lit(substring(a FROM '^\{+[^,{}]+') || CASE WHEN a LIKE '{{%' THEN '}}' ELSE '}' END, t)
           WHEN '100001' THEN CASE WHEN t = 'text' THEN
                                  format('array_fill(%s::float8, %L::int[])::text',
                                         quote_literal(substring(a FROM '^\{+([^,{}]+)')),
                                         CASE WHEN a LIKE '{{%' THEN '{3,100001}' ELSE '{100001}' END)
                              ELSE
                                  format('array_fill(%s::%s, %L::int[])',
                                         quote_literal(substring(a FROM '^\{+([^,{}]+)')), regexp_replace(t, '\[\]$', ''),
                                         CASE WHEN a LIKE '{{%' THEN '{3,100001}' ELSE '{100001}' END)
                              END
           END) || (bi_exprs(c))[i + 1:])
FROM bi_call c, generate_subscripts(c.types, 1) AS i, bi_shape s,
     LATERAL (SELECT CASE WHEN c.types[i] = 'text[]' THEN '{a,b}' ELSE c.args[i] END AS a, c.types[i] AS t) AS x
WHERE c.agg IS NULL AND (c.types[i] LIKE '%[]' OR (c.types[i] = 'text' AND bi_argname(c.disp, i) = 'x'));
UPDATE bi_log SET outcome = bi_run(q) WHERE grp = 'shape';
SELECT family AS function, arg,
       max(o) FILTER (WHERE kase = 'NULL elem') AS "NULL elem", max(o) FILTER (WHERE kase = 'empty') AS empty,
       max(o) FILTER (WHERE kase = 'wrong dims') AS "2-D/1-D", max(o) FILTER (WHERE kase = '3-D') AS "3-D",
       max(o) FILTER (WHERE kase = '1 elem') AS "1 elem", max(o) FILTER (WHERE kase = '100001') AS "100001"
FROM (SELECT bi_family(disp) AS family, bi_argname(disp, pos) AS arg, min(pos) AS pos, kase,
             string_agg(DISTINCT bi_code(outcome), '/') AS o
      FROM bi_log WHERE grp = 'shape' GROUP BY 1, 2, kase) s
GROUP BY family, arg ORDER BY family, min(pos);

--
-- 4. Hand-written cases, with the messages and hints (VERBOSITY default)
--
-- labels outside the allowed set
-- (terse where the hint repeats the one just shown)
SELECT hinge_loss(0, 0.3);
\set VERBOSITY terse
SELECT hinge_loss(2, 0.3);
SELECT hinge_loss_avg('{1,1}', '{1}'::float8[], 0);
SELECT hinge_objective('{1,1}', '{1}'::float8[], y, 0.1) FROM (VALUES (1), (-1), (3)) AS v(y);
\set VERBOSITY default
SELECT multiclass_hinge_loss('{1,2,3}', 0);
\set VERBOSITY terse
SELECT multiclass_hinge_loss('{1,2,3}', 4);
\set VERBOSITY default
SELECT multiclass_hinge_loss('{1}', 1);
SELECT multiclass_hinge_objective('{{1,0},{0,1}}', '{1}'::float8[], 3, 0.1, 'crammer_singer');
SELECT multiclass_hinge_objective('{{1,0}}', '{1}'::float8[], 1, 0.1, 'crammer_singer');
-- zero, negative and NaN parameters
SELECT hinge_loss(1, 0.3, -1);
SELECT squared_hinge_loss(1, 0.3, 'NaN');
SELECT smooth_hinge_loss(1, 0.3, 0);
SELECT smooth_hinge_loss_grad(1, 0.3, -0.5);
SELECT triplet_hinge_loss(-1, 1);
SELECT contrastive_hinge_loss(-0.5, true);
SELECT hinge_objective('{1,1}', '{1}'::float8[], 1, 0);
SELECT hinge_subgradient('{1,1}', '{1}'::float8[], 1, -1);
SELECT smooth_hinge_objective('{1,1}', '{1}'::float8[], 1, 0.1, 0);
SELECT hinge_objective('{1,1}', '{1}'::float8[], 1, 0.1, 0, 1);
SELECT hinge_objective('{1,1}', '{1}'::float8[], 1, 0.1, 1, 'NaN');
SELECT multiclass_hinge_objective('{{1,0},{0,1}}', '{1}'::float8[], 1, 0.1, 'crammer_singer', '{1,0}');
SELECT multiclass_hinge_objective('{{1,0},{0,1}}', '{1}'::float8[], 1, 0.1, 'crammer_singer', '{1,2,3}');
SELECT one_vs_rest_cutting_planes('{{1,0},{0,1}}', '{1}'::float8[], 1, 0.1, '{-1,1}');
-- gamma only shapes the smoothed hinge, but a NaN or non-positive gamma is
-- an error whatever the loss (every numeric input must be finite; gamma > 0)
SELECT hinge_cutting_plane('{1,1}', '{1}'::float8[], 1, 0.1, 'hinge', 'NaN', 1, 1) AS nan_gamma_accepted;
SELECT hinge_line_objective('{{1,1},{0,0}}', '{1}'::float8[], 1, 0.1, 'squared_hinge', -1, 1, 1) IS NOT NULL AS negative_gamma_accepted;
SELECT hinge_cutting_plane('{1,1}', '{1}'::float8[], 1, 0.1, 'smooth_hinge', 'NaN', 1, 1);
SELECT hinge_pegasos_step('{1,0}'::float8[], '{0.5,1}'::float8[], 1, 0.5, 0.5);
SELECT hinge_platt(0.5, 1.5, -1, 0);
-- one model per group: parameters that change between rows
SELECT hinge_objective('{1,1}', '{1}'::float8[], 1, l) FROM (VALUES (0.1), (0.2)) AS v(l);
SELECT hinge_objective(w, '{1}'::float8[], 1, 0.1) FROM (VALUES ('{1,1}'::float8[]), ('{1,2}')) AS v(w);
-- unknown loss and variant names
SELECT multiclass_hinge_loss('{1,2,3}', 1, 'nope');
SELECT multiclass_hinge_objective('{{1,0},{0,1}}', '{1}'::float8[], 1, 0.1, '');
SELECT hinge_cutting_plane('{1,1}', '{1}'::float8[], 1, 0.1, 'hinge2', 1, 1, 1);
SELECT hinge_line_planes('{{1,1},{0,0}}', '{1}'::float8[], 1, 0.1, 'squared_hinge', 1, 1, 1);
-- NaN, infinity, denormals, overflow
SELECT hinge_loss('NaN', 1);
SELECT hinge_score('{1,NaN}'::float8[], '{1}'::float8[]);
SELECT hinge_score('{5e-324,5e-324}'::float8[], '{5e-324}'::float8[]) AS denormal_score;
SELECT hinge_loss(1, 5e-324) AS denormal_loss, squared_hinge_loss_grad(-1, 5e-324) AS denormal_grad;
SELECT hinge_score('{1e200,0}'::float8[], '{1e200}'::float8[]);
SELECT hinge_score('{1e200,1e200}'::float8[], '{1e200,-1e200}'::float8[]);
SELECT squared_hinge_loss(1, -1e200);
SELECT hinge_margin(-1, -1e308) AS huge_margin;
SELECT hinge_geometric_margin('{1e200,1e200}', '{1,1}'::float8[], 1) AS big_weights_margin;
SELECT hinge_geometric_margin('{1e-200,1e-200}', '{1,1}'::float8[], 1) AS tiny_weights_margin;
SELECT hinge_geometric_margin('{0,0,5}', '{1,1}'::float8[], 1);
SELECT hinge_objective('{1e200,1}', '{1}'::float8[], 1, 0.1);
SELECT hinge_subgradient('{1,1}', '{1e200}'::float8[], 1, 1e200);
SELECT hinge_objective('{1,1}', '{1e200}'::float8[], y, 0.1) FROM (VALUES (1), (-1)) AS v(y);
SELECT squared_hinge_objective('{1e100,0}', '{-1e100}'::float8[], 1, 0.1);
SELECT hinge_loss_avg('{1e200,1}', '{-1e200}'::float8[], 1);
SELECT (hinge_margin_stats('{1e200,1}', '{1e200}'::float8[], 1)).*;
SELECT multiclass_hinge_loss('{1e308,-1e308}', 2);
SELECT multiclass_hinge_loss('{1e308,-1e308,1e308}', 2, 'weston_watkins');
SELECT hinge_scores('{{1e200,0},{1,1}}'::float8[], '{1e200}'::float8[]);
SELECT multiclass_hinge_objective('{{1e200,0},{0,1}}', '{1e200}'::float8[], 2, 0.1, 'crammer_singer');
SELECT hinge_pegasos_step('{1e300,0}'::float8[], '{1e300}'::float8[], -1, 1e-300, 2);
SELECT hinge_platt(1e300, 0.5, 1e10, 0);
SELECT hinge_platt(s, 0.5, -1, 0) FROM (VALUES (1e300), (-1e300)) AS v(s);
-- mismatched lengths
SELECT hinge_score('{1,2,3,4}'::float8[], '{1,2}'::float8[]);
SELECT hinge_objective('{1,1}', x, 1, 0.1) FROM (VALUES ('{1}'::float8[]), ('{1,2}')) AS v(x);
-- weight matrices: ragged (PostgreSQL refuses them itself), 1-D, mismatched
-- columns, one row, line arrays of the wrong shape
SELECT hinge_scores('{{1,2},{3}}'::float8[], '{1}'::float8[]);
SELECT hinge_scores('{1,2,3}'::float8[], '{1}'::float8[]);
SELECT hinge_predict_class('{{1,2,3,4},{1,2,3,4}}'::float8[], '{1,2}'::float8[]);
SELECT hinge_scores('{{1,2}}'::float8[], '{1}'::float8[]);
SELECT multiclass_hinge_objective('{{1,0,0},{0,1,0}}', '{1}'::float8[], 1, 0.1, 'crammer_singer');
SELECT multiclass_hinge_line_objective('{{1,0},{0,1},{1,1}}', '{1}'::float8[], 1, 0.1, 'crammer_singer', '{1,1}');
SELECT one_vs_rest_line_objective('{{1,0},{0,1}}', '{1}'::float8[], 1, 0.1, '{1,1}');
SELECT hinge_line_objective('{{1,2},{1,2},{1,2}}', '{1}'::float8[], 1, 0.1, 'hinge', 1, 1, 1);
-- a 1-D or one-row line: the messages speak of the segment's two ends
SELECT hinge_line_objective('{1,2}', '{1}'::float8[], 1, 0.1, 'hinge', 1, 1, 1);
SELECT hinge_line_planes('{{1}}', '{1}'::float8[], 1, 0.1, 'hinge', 1, 1, 1);
-- big arrays of consistent shapes: 100,000 features work, 10,000,001 do not
SELECT hinge_score(array_fill(0.5::float8, ARRAY[100001]), array_fill(2::real, ARRAY[100000])) AS big_score;
SELECT hinge_objective(array_fill(0.001::float8, ARRAY[100001]), array_fill(1::float8, ARRAY[100000]), 1, 0.1) AS big_objective;
SELECT cardinality(hinge_subgradient(array_fill(0.001::float8, ARRAY[100000]), array_fill(1::float8, ARRAY[100000]), -1, 0.1)) AS big_subgradient;
SELECT cardinality(multiclass_hinge_loss_grad(array_fill(1::float8, ARRAY[100000]), 5)) AS big_scores;
SELECT cardinality(hinge_scores(array_fill(1::float8, ARRAY[3, 100001]), array_fill(1::float8, ARRAY[100000]))) AS big_matrix;
SELECT hinge_line_planes(array_fill(1::float8, ARRAY[2, 100001]), array_fill(1::float8, ARRAY[100000]), 1, 0.1, 'hinge', 1, 1, 1);
SELECT hinge_score(array_fill(0::float8, ARRAY[10000001]), '{1}'::float8[]);
-- wrong-typed arguments fail at parse time
SELECT hinge_loss('yes', 1);
SELECT hinge_score('{1,2}'::int[], '{1,2}'::text[]);
SELECT multiclass_hinge_loss('{1,2}', 1.5);
SELECT contrastive_hinge_loss(1, 'maybe');
SELECT hinge_objective('{1,1}'::float8[], '{1}'::numeric[], 1, 0.1);
\set VERBOSITY terse
SELECT hinge_score_trigger();
SELECT hinge_learn_trigger();
\set VERBOSITY default

--
-- 5. Models by name: hinge_train, hinge_evaluate, hinge_calibrate,
-- hinge_score, hinge_predict, hinge_scores, hinge_probability(ies)
--
-- unknown model, relation, column
SELECT hinge_score('no_such_model', '{1,1}'::float8[]);
\set VERBOSITY terse
SELECT hinge_predict('no_such_model', '{1,1}'::real[]);
SELECT hinge_probability('no_such_model', '{1,1}'::float8[]);
SELECT hinge_evaluate('no_such_model', 'bi_data', 'x', 'y');
SELECT hinge_calibrate('no_such_model', 'bi_data', 'x', 'y');
\set VERBOSITY default
SELECT hinge_train('m', 'no_such_table', 'x', 'y');
SELECT hinge_evaluate('bi_bin', 'no_such_table', 'x', 'y');
SELECT hinge_train('m', 'bi_data', 'nope', 'y');
SELECT hinge_train('m', 'bi_data', 'x', 'nope');
SELECT hinge_train('m', 'bi_data', ARRAY['a', 'nope'], 'y');
-- (a text column is categorical)
SELECT name, feature_type, n_features FROM hinge_train('m', 'bi_data', ARRAY['a', 'k'], 'y');
SELECT name, feature_type, n_features FROM hinge_train('m', 'bi_data', 'k', 'y');
SELECT hinge_train('m', 'bi_data', ARRAY['a', 'y'], 'y');
-- an empty list of feature columns is an empty array: 2202E
SELECT hinge_train('m', 'bi_data', '{}'::text[], 'y');
SELECT hinge_train('m', 'bi_data', '{a,NULL}'::text[], 'y');
SELECT hinge_evaluate('bi_bin', 'bi_data', 'x', 'nope');
SELECT hinge_calibrate('bi_bin', 'bi_data', 'nope', 'y');
SELECT hinge_train('m', 'bi_data', 'x', 't');
CREATE TABLE bi_many AS SELECT ARRAY[i::float8] AS x, i AS y FROM generate_series(1, 1001) AS i;
SELECT hinge_train('m', 'bi_many', 'x', 'y');
SELECT hinge_train('m', 'bi_data', 'x', 'y', positive => 'nope');
SELECT hinge_train('', 'bi_data', 'x', 'y');
SELECT lambda = 1.0 / 40 AS default_lambda_is_1_over_n FROM hinge_train('m', 'bi_data', 'x', 'y', lambda => NULL);
-- bad lambda, loss, tolerance, max_passes, gamma, class weights, strategy
SELECT hinge_train('m', 'bi_data', 'x', 'y', lambda => 0);
SELECT hinge_train('m', 'bi_data', 'x', 'y', lambda => 'NaN');
SELECT hinge_train('m', 'bi_data', 'x', 'y', lambda => 'Infinity');
-- a denormal lambda is refused (the solver divides by it); 1e-300 trains
SET client_min_messages = error;
SELECT passes, converged, objective, lower_bound, weights
FROM hinge_train('m', 'bi_data', 'x', 'y', lambda => 5e-324, max_passes => 20);
SELECT passes > 0 AS trains, weights <> '{0,0,0}' AS moved
FROM hinge_train('m', 'bi_data', 'x', 'y', lambda => 1e-300, max_passes => 20);
SET client_min_messages = warning;
SELECT hinge_train('m', 'bi_data', 'x', 'y', loss => 'nope');
SELECT hinge_train('m', 'bi_data', 'x', 'y', tolerance => 0);
SELECT hinge_train('m', 'bi_data', 'x', 'y', tolerance => 'NaN');
SELECT hinge_train('m', 'bi_data', 'x', 'y', tolerance => 1);
SELECT hinge_train('m', 'bi_data', 'x', 'y', max_passes => 0);
SELECT hinge_train('m', 'bi_data', 'x', 'y', max_passes => 1);
SELECT hinge_train('m', 'bi_data', 'x', 'y', max_passes => 1000000);
SELECT hinge_train('m', 'bi_data', 'x', 'y', loss => 'smooth_hinge', gamma => 0);
SELECT hinge_train('m', 'bi_data', 'x', 'y', loss => 'smooth_hinge', gamma => 'NaN');
-- a class_weight that is not JSON, or a weight out of float8's range, gets
-- PostgreSQL's json/float8 input error with a CONTEXT naming class_weight
\set VERBOSITY terse
SELECT hinge_train('m', 'bi_data', 'x', 'y', class_weight => 'heavy');
SELECT hinge_train('m', 'bi_data', 'x', 'y', class_weight => '{"1": 2}');
SELECT hinge_train('m', 'bi_data', 'x', 'y', class_weight => '{"1": 2, "-1": 0}');
SELECT hinge_train('m', 'bi_data', 'x', 'y', class_weight => '{"1": 2, "-1": -1}');
SELECT hinge_train('m', 'bi_data', 'x', 'y', class_weight => '{"1": 2, "-1": "NaN"}');
SELECT hinge_train('m', 'bi_data', 'x', 'y', class_weight => '{"1": 2, "-1": 1e400}');
\set VERBOSITY default
SELECT hinge_train('m', 'bi_data', 'x', 'y', class_weight => '{"1": 2, "-1": 1, "7": 1}');
SELECT hinge_train('m', 'bi_data', 'x', 'y', class_weight => '[1, 2]');
SELECT hinge_train('m', 'bi_data', 'x', 'k', multiclass => 'nope');
SELECT hinge_train('m', 'bi_data', 'x', 'k', loss => 'squared_hinge');
-- bad rows in the training relation (terse: the CONTEXT would quote the
-- internal query)
\set VERBOSITY terse
CREATE TABLE bi_bad (x float8[], y int);
INSERT INTO bi_bad VALUES ('{1,2}', 1), ('{1,NaN}', -1);
SELECT hinge_train('m', 'bi_bad', 'x', 'y');
TRUNCATE bi_bad;
INSERT INTO bi_bad VALUES ('{1,2}', 1), ('{1,2,3}', -1);
SELECT hinge_train('m', 'bi_bad', 'x', 'y');
TRUNCATE bi_bad;
INSERT INTO bi_bad VALUES ('{1,2}', 1), ('{1,NULL}', -1);
SELECT hinge_train('m', 'bi_bad', 'x', 'y');
TRUNCATE bi_bad;
INSERT INTO bi_bad VALUES ('{}', 1), ('{}', -1);
SELECT hinge_train('m', 'bi_bad', 'x', 'y');
TRUNCATE bi_bad;
\set VERBOSITY default
INSERT INTO bi_bad VALUES ('{1e200,1}', 1), ('{-1e200,1}', -1);
-- features of scale 1e200 (docs/reference.md, "The call": standardise
-- features first): no overflow error and no NaN, but the solver stays at
-- w = 0 for all 300 passes, warns that it did not converge and stores the
-- model with converged = false
SELECT passes, converged, objective, lower_bound, weights FROM hinge_train('m', 'bi_bad', 'x', 'y', lambda => 1e-3);
TRUNCATE bi_bad;
INSERT INTO bi_bad VALUES (NULL, 1), ('{1,2}', NULL);
SELECT hinge_train('m', 'bi_bad', 'x', 'y');
-- scoring, evaluating and calibrating with the wrong model or rows
SELECT hinge_score('bi_mc', '{1,1}'::float8[]);
SELECT hinge_score('bi_bin', '{1,1,1}'::float8[]);
SELECT hinge_score('bi_bin', '{1,NaN}'::float8[]);
SELECT hinge_probability('bi_mc', '{1,1}'::float8[]);
SELECT hinge_probability('bi_raw', '{1,1}'::float8[]);
SELECT hinge_evaluate('bi_bin', 'bi_data', 'x', 'k');
SELECT hinge_evaluate('bi_mc', 'bi_data', 'xr', 'y');
-- a model of 2 features (and an intercept) is neither evaluated nor
-- calibrated on rows of 3 (its intercept would be taken for a third weight)
SELECT n, accuracy FROM hinge_evaluate('bi_bin', 'bi_data', ARRAY['a', 'b', 'a'], 'y');
BEGIN;
SELECT calibration_a IS NOT NULL AS calibrated_on_3_features FROM hinge_calibrate('bi_bin', 'bi_data', ARRAY['a', 'b', 'a'], 'y');
ROLLBACK;
SELECT hinge_calibrate('bi_bin', 'bi_data', 'x', 'k');
SELECT hinge_calibrate('bi_bin', 'bi_bad', 'x', 'y');
-- hand-edited model rows (the function re-reads the row at each statement)
BEGIN;
UPDATE hinge_model SET weights = '{1,NaN,0}' WHERE name = 'bi_raw';
SELECT hinge_score('bi_raw', '{1,1}'::float8[]);
ROLLBACK;
BEGIN;
UPDATE hinge_model SET weights = '{1,1}' WHERE name = 'bi_raw';
SELECT hinge_score('bi_raw', '{1,1}'::float8[]);
ROLLBACK;
BEGIN;
UPDATE hinge_model SET calibration_a = '{NaN}', calibration_b = '{0}' WHERE name = 'bi_bin';
SELECT hinge_probability('bi_bin', '{1,1}'::float8[]);
ROLLBACK;
BEGIN;
UPDATE hinge_model SET classes = '{p,q}' WHERE name = 'bi_mc';
SELECT hinge_scores('bi_mc', '{1,1}'::float8[]);
ROLLBACK;
-- the triggers with bad arguments
CREATE TABLE bi_inbox (x float8[], score float8, verdict text);
CREATE TRIGGER t1 BEFORE INSERT ON bi_inbox FOR EACH ROW EXECUTE FUNCTION hinge_score_trigger('no_such_model', 'x', 'score');
INSERT INTO bi_inbox (x) VALUES ('{1,1}');
DROP TRIGGER t1 ON bi_inbox;
CREATE TRIGGER t2 BEFORE INSERT ON bi_inbox FOR EACH ROW EXECUTE FUNCTION hinge_score_trigger('bi_bin', 'x', 'score', 'nope');
INSERT INTO bi_inbox (x) VALUES ('{1,1}');
DROP TRIGGER t2 ON bi_inbox;
CREATE TRIGGER t3 BEFORE INSERT ON bi_inbox FOR EACH ROW EXECUTE FUNCTION hinge_score_trigger('bi_bin', 'x', 'score');
INSERT INTO bi_inbox (x) VALUES ('{1,NaN}');
INSERT INTO bi_inbox (x) VALUES ('{1,1,1}');
DROP TRIGGER t3 ON bi_inbox;
\set VERBOSITY terse
CREATE TRIGGER t4 AFTER INSERT ON bi_inbox FOR EACH ROW EXECUTE FUNCTION hinge_learn_trigger('bi_mc', 'x', 'verdict');
INSERT INTO bi_inbox (x, verdict) VALUES ('{1,1}', 'p');
DROP TRIGGER t4 ON bi_inbox;
CREATE TRIGGER t5 AFTER INSERT ON bi_inbox FOR EACH ROW EXECUTE FUNCTION hinge_learn_trigger('bi_raw', 'x', 'verdict');
INSERT INTO bi_inbox (x, verdict) VALUES ('{1,1}', 'nope');
DROP TRIGGER t5 ON bi_inbox;
\set VERBOSITY default

--
-- 6. Unknown names in every text argument: '' and 'nope' (quiet: terse).
--
\set VERBOSITY terse
INSERT INTO bi_log (grp, sig, disp, pos, kase, q)
SELECT 'name', c.sig, c.disp, i, v,
       bi_sql(c.name, (bi_exprs(c))[:i - 1] || bi_lit(v, c.types[i]) || (bi_exprs(c))[i + 1:])
FROM bi_call c, generate_subscripts(c.types, 1) AS i, unnest(ARRAY['', 'nope']) AS v
WHERE c.agg IS NULL AND c.types[i] = 'text';
UPDATE bi_log SET outcome = bi_run(q) WHERE grp = 'name';
SELECT family AS function, arg, max(o) FILTER (WHERE kase = '') AS "''", max(o) FILTER (WHERE kase = 'nope') AS "'nope'"
FROM (SELECT bi_family(disp) AS family, bi_argname(disp, pos) AS arg, min(pos) AS pos, kase,
             string_agg(DISTINCT bi_code(outcome), '/') AS o
      FROM bi_log WHERE grp = 'name' GROUP BY 1, 2, kase) s
GROUP BY family, arg ORDER BY family, min(pos);

--
-- 7. Aggregate support functions called directly with forged states.  For
-- every aggregate, a good state S (from its transition function) is forged
-- and handed to the transition function (with the good row), to the
-- combine function on either side (with S on the other) and to the final
-- function.  Documented: XX001 'invalid hinge aggregate state' for a state
-- of another layout; a state whose numbers are not finite or whose count
-- is absurd must not give NaN or crash.
--
CREATE TABLE bi_forge (kase text PRIMARY KEY, ord int);
INSERT INTO bi_forge VALUES
    ('truncated', 1), ('extended', 2), ('bad tag', 3), ('other tag', 4), ('NaN last', 5),
    ('NaN param', 6), ('Inf sum', 7), ('huge n', 8), ('negative n', 9), ('zero n', 10),
    ('NULL elem', 11), ('2-D', 12), ('one elem', 13), ('empty', 14);
-- The forged state, by case.  The count n is element 9 of the binary
-- layouts (tags 7301-7305), 7 of the multiclass ones (7311-7315), 4 of
-- Platt's (7321); 'NaN param' sets element 5 (lambda, a column count or B).
CREATE FUNCTION bi_forged(s float8[], kase text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    nidx int := CASE WHEN s[1] < 7310 THEN 9 WHEN s[1] < 7320 THEN 7 WHEN s[1] BETWEEN 7330 AND 7340 THEN 5 ELSE 4 END;
    t float8[] := s;
BEGIN
    CASE kase
    WHEN 'truncated' THEN RETURN t[1:cardinality(t) - 1]::text;
    WHEN 'extended' THEN RETURN (t || 0::float8)::text;
    WHEN 'bad tag' THEN t[1] := 1234;
    WHEN 'other tag' THEN t[1] := CASE WHEN t[1] = 7302 THEN 7301 WHEN t[1] = 7312 THEN 7311
                                      WHEN t[1] < 7310 THEN 7302 ELSE 7312 END;
    WHEN 'NaN last' THEN t[cardinality(t)] := 'NaN';
    WHEN 'NaN param' THEN t[5] := 'NaN';
    WHEN 'Inf sum' THEN t[nidx + 1] := 'Infinity';
    WHEN 'huge n' THEN t[nidx] := 1e308;
    WHEN 'negative n' THEN t[nidx] := -1;
    WHEN 'zero n' THEN t[nidx] := 0;
    WHEN 'NULL elem' THEN RETURN regexp_replace(t::text, ',[^,]+}$', ',NULL}');
    WHEN '2-D' THEN RETURN ARRAY[t, t]::text;
    WHEN 'one elem' THEN RETURN t[1:1]::text;
    WHEN 'empty' THEN RETURN '{}';
    END CASE;
    RETURN t::text;
END $$;
INSERT INTO bi_log (grp, sig, disp, pos, kase, q)
SELECT 'forge', a.agg, a.disp, w.pos, f.kase,
       CASE w.pos
       WHEN 1 THEN bi_sql(a.transname, bi_lit(bi_forged(a.state, f.kase), 'double precision[]')
                          || ARRAY(SELECT bi_lit(a.args[i], a.types[i]) FROM generate_subscripts(a.types, 1) AS i ORDER BY i))
       WHEN 2 THEN bi_sql(a.combinename, ARRAY[bi_lit(bi_forged(a.state, f.kase), 'double precision[]'), bi_lit(a.state::text, 'double precision[]')])
       WHEN 3 THEN bi_sql(a.combinename, ARRAY[bi_lit(a.state::text, 'double precision[]'), bi_lit(bi_forged(a.state, f.kase), 'double precision[]')])
       ELSE bi_sql(a.finalname, ARRAY[bi_lit(bi_forged(a.state, f.kase), 'double precision[]')])
       END
FROM bi_agg a, bi_forge f, generate_series(1, 4) AS w(pos);
UPDATE bi_log SET outcome = bi_run(q) WHERE grp = 'forge';
-- A transition or combine function returns a state, not a result: a forged
-- NaN or infinite sum that it passes on is shown as state!, and the final
-- function's column shows what becomes of it (it must not be NAN!).
UPDATE bi_log SET outcome = 'state!' || substr(outcome, 5)
WHERE grp = 'forge' AND pos IN (1, 2, 3) AND outcome LIKE 'NAN!%';
-- one line per aggregate and support function (float8[] and real[]
-- overloads, and 4-argument and weighted forms, together); one column per
-- forgery.  The combine line has both orders: the forged state first, and
-- second (they agree everywhere).
SELECT split_part(disp, '(', 1) AS aggregate,
       (ARRAY['trans', 'combine', 'combine', 'final'])[pos] AS fn,
       max(o) FILTER (WHERE kase = 'truncated') AS trunc, max(o) FILTER (WHERE kase = 'extended') AS extend,
       max(o) FILTER (WHERE kase = 'bad tag') AS "bad tag", max(o) FILTER (WHERE kase = 'other tag') AS "oth tag",
       max(o) FILTER (WHERE kase = 'NaN last') AS "NaN end", max(o) FILTER (WHERE kase = 'NaN param') AS "NaN [5]",
       max(o) FILTER (WHERE kase = 'Inf sum') AS "Inf sum", max(o) FILTER (WHERE kase = 'huge n') AS "n 1e308",
       max(o) FILTER (WHERE kase = 'negative n') AS "n -1", max(o) FILTER (WHERE kase = 'zero n') AS "n 0",
       max(o) FILTER (WHERE kase = 'NULL elem') AS "NULL el", max(o) FILTER (WHERE kase = '2-D') AS "2-D",
       max(o) FILTER (WHERE kase = 'one elem') AS "1 elem", max(o) FILTER (WHERE kase = 'empty') AS empty
FROM (SELECT disp, least(pos, 3) - (pos = 3)::int AS pos, kase, string_agg(DISTINCT bi_code(outcome), '/') AS o
      FROM bi_log WHERE grp = 'forge' GROUP BY 1, 2, kase) s
GROUP BY 1, 2, pos ORDER BY 1, pos;
-- the message of a forged state, and of states of two different aggregates combined
\set VERBOSITY default
SELECT hinge_objective_finalfn('{1234,0,2,1,0.1,0,1,1,1,0,0,1,1}');
SELECT hinge_binary_combinefn(hinge_objective_transfn('{}', '{1,1}', '{1}'::float8[], 1, 0.1),
                              hinge_subgradient_transfn('{}', '{1,1}', '{1}'::float8[], 1, 0.1));
SELECT hinge_binary_combinefn(hinge_objective_transfn('{}', '{1,1}', '{1}'::float8[], 1, 0.1),
                              hinge_objective_transfn('{}', '{1,2}', '{1}'::float8[], 1, 0.1));
SELECT multiclass_hinge_combinefn(hinge_objective_transfn('{}', '{1,1}', '{1}'::float8[], 1, 0.1), '{}');
SELECT hinge_platt_finalfn(hinge_objective_transfn('{}', '{1,1}', '{1}'::float8[], 1, 0.1));
-- a forged state whose weights hold a NaN gets the final functions' check
-- of their result: 22003, as for sums that overflowed (which can also end in
-- NaN), rather than XX001
SELECT hinge_objective_finalfn('{7301,0,2,1,0.1,0,1,1,1,0,0,1,NaN}');


--
-- 8. Hand-edited model rows, one column at a time.  A model's owner may
-- edit its row: each column that any path scores, evaluates, calibrates or
-- learns with, set to what hinge_train never writes, under every path that
-- reads a model.  Each must end in a clean error (a model that no longer
-- holds is XX001 data_corrupted) or, where the path does not read that
-- column, a result; never a crash.
--
CREATE FUNCTION bi_edited(upd text, q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r text;
BEGIN
    EXECUTE upd;
    EXECUTE q INTO r;
    RETURN r;
END
$$;
CREATE TABLE bi_edit (col text, val text, models text);
INSERT INTO bi_edit VALUES
    ('weights', '''{}''', 'both'), ('weights', '''{1,2}''', 'both'),
    ('weights', '''{1,NaN,0}''', 'bin'), ('weights', '''{1,Infinity,0}''', 'bin'),
    ('weights', '''{{1,2,3},{4,5,6}}''', 'both'), ('weights', '''{{{1,2,3}}}''', 'both'),
    ('weights', 'array_append(weights, NULL)', 'bin'), ('weights', 'weights[1:1]', 'mc'),
    ('classes', '''{a}''', 'both'), ('classes', '''{a,b,c,d}''', 'both'),
    ('classes', 'ARRAY[classes[1], NULL]', 'bin'), ('classes', '''{{a,b}}''', 'both'),
    ('positive_class', 'NULL', 'bin'), ('positive_class', '''nope''', 'bin'),
    ('n_features', '1', 'both'), ('n_features', '7', 'both'),
    ('lambda', '''NaN''', 'both'), ('lambda', '-1', 'both'), ('lambda', '0', 'both'),
    ('loss', '''nope''', 'both'), ('loss', '''squared_hinge''', 'mc'),
    ('gamma', '0', 'both'), ('gamma', '''Infinity''', 'both'),
    ('class_weights', '''{1}''', 'both'), ('class_weights', 'array_append(class_weights[2:], NULL)', 'both'),
    ('class_weights', '''{0,1,1}''', 'both'), ('class_weights', '''{NaN,1,1}''', 'both'),
    ('multiclass', 'NULL', 'mc'), ('multiclass', '''nope''', 'mc'),
    ('calibration_a', 'NULL', 'both'), ('calibration_b', 'NULL', 'both'),
    ('calibration_a', '''{NaN,1,1}''', 'both'), ('calibration_b', '''{1,2,3,4,5}''', 'both'),
    ('calibration_a', '''{{1,1,1}}''', 'both'),
    ('rows_used', '-1', 'bin'), ('online_updates', '-2', 'bin'),
    ('encoding', '''{}''', 'both'), ('encoding', '''[1]''', 'both'),
    ('encoding', '''{"scale": "none", "inputs": [{"kind": "array", "column": "x", "dimension": 7}]}''', 'both'),
    ('encoding', '''{"scale": "weird", "inputs": [{"kind": "array", "column": "x", "dimension": 2}]}''', 'both'),
    ('encoding', '''{"scale": "none", "inputs": [{"kind": "category", "column": "x", "categories": ["a", "a"]}]}''', 'both'),
    ('encoding', '''{"scale": "none", "inputs": [{"kind": "tsvector", "column": "x", "weighting": "tfidf", "l2_normalize": true, "terms": ["a", "b"], "idf": [1]}]}''', 'both'),
    ('encoding', '''{"scale": "standard", "inputs": [{"kind": "array", "column": "x", "dimension": 2, "center": [0, 0], "scale": [1, 0]}]}''', 'both'),
    ('encoding', '''{"scale": "none", "inputs": [{"kind": "number", "column": "x", "impute": "NaN"}, {"kind": "number", "column": "y"}]}''', 'both'),
    -- the search of a cross-validation (bi_cv: 2 lambdas, 2 folds)
    ('cv_metric', '''nope''', 'cv'), ('cv_metric', 'NULL', 'cv'),
    ('cv_folds', '1', 'cv'), ('cv_folds', '3', 'cv'),
    ('cv_fold_column', '''anything''', 'cv'),
    ('cv_lambdas', '''{0.1}''', 'cv'), ('cv_lambdas', '''{-1,0.01}''', 'cv'),
    ('cv_lambdas', 'array_append(cv_lambdas[2:], NULL)', 'cv'),
    ('cv_scores', '''{{NaN,1},{1,1}}''', 'cv'), ('cv_scores', '''{1,1,1,1}''', 'cv'),
    ('cv_passes', 'ARRAY[-1] || cv_passes[2:]', 'cv'), ('cv_passes', '''{}''', 'cv'),
    ('cv_seconds', 'ARRAY[-1::float8] || cv_seconds[2:]', 'cv'), ('cv_seconds', '''{{1,1}}''', 'cv');
CREATE TABLE bi_edit_rows (x float8[], y int, k text, score float8, verdict text, p float8);
CREATE TRIGGER s BEFORE INSERT ON bi_edit_rows FOR EACH ROW
    WHEN (NEW.y = 0) EXECUTE FUNCTION hinge_score_trigger('bi_bin', 'x', 'score');
CREATE TRIGGER lb BEFORE INSERT ON bi_edit_rows FOR EACH ROW
    WHEN (NEW.y = 1) EXECUTE FUNCTION hinge_score_trigger('bi_bin', 'x', 'verdict', 'label');
CREATE TRIGGER lm BEFORE INSERT ON bi_edit_rows FOR EACH ROW
    WHEN (NEW.y = 2) EXECUTE FUNCTION hinge_score_trigger('bi_mc', 'x', 'verdict', 'label');
CREATE TRIGGER pb BEFORE INSERT ON bi_edit_rows FOR EACH ROW
    WHEN (NEW.y = 3) EXECUTE FUNCTION hinge_score_trigger('bi_bin', 'x', 'p', 'probability');
CREATE TRIGGER pm BEFORE INSERT ON bi_edit_rows FOR EACH ROW
    WHEN (NEW.y = 4) EXECUTE FUNCTION hinge_score_trigger('bi_mc', 'x', 'p', 'probability');
CREATE TRIGGER learn AFTER INSERT ON bi_edit_rows FOR EACH ROW
    WHEN (NEW.y = -1) EXECUTE FUNCTION hinge_learn_trigger('bi_bin', 'x', 'k');
CREATE TABLE bi_edit_path (path text, model text, q text);
INSERT INTO bi_edit_path VALUES
    ('hinge_score', 'bin', $$SELECT hinge_score('bi_bin', '{1,1}'::float8[])::text$$),
    ('hinge_scores', 'bin', $$SELECT hinge_scores('bi_bin', '{1,1}'::float8[])::text$$),
    ('hinge_scores', 'mc', $$SELECT hinge_scores('bi_mc', '{1,1}'::float8[])::text$$),
    ('hinge_predict', 'bin', $$SELECT hinge_predict('bi_bin', '{1,1}'::float8[])$$),
    ('hinge_predict', 'mc', $$SELECT hinge_predict('bi_mc', '{1,1}'::float8[])$$),
    ('hinge_probability', 'bin', $$SELECT hinge_probability('bi_bin', '{1,1}'::float8[])::text$$),
    ('hinge_probabilities', 'bin', $$SELECT hinge_probabilities('bi_bin', '{1,1}'::float8[])::text$$),
    ('hinge_probabilities', 'mc', $$SELECT hinge_probabilities('bi_mc', '{1,1}'::float8[])::text$$),
    ('hinge_evaluate', 'bin', $$SELECT accuracy::text FROM hinge_evaluate('bi_bin', 'bi_data', 'x', 'y')$$),
    ('hinge_evaluate', 'mc', $$SELECT accuracy::text FROM hinge_evaluate('bi_mc', 'bi_data', 'x', 'k')$$),
    ('hinge_calibrate', 'bin', $$SELECT calibration_a::text FROM hinge_calibrate('bi_bin', 'bi_data', 'x', 'y')$$),
    ('hinge_calibrate', 'mc', $$SELECT calibration_a::text FROM hinge_calibrate('bi_mc', 'bi_data', 'x', 'k')$$),
    ('trigger score', 'bin', $$INSERT INTO bi_edit_rows (x, y) VALUES ('{1,1}', 0) RETURNING score::text$$),
    ('trigger label', 'bin', $$INSERT INTO bi_edit_rows (x, y) VALUES ('{1,1}', 1) RETURNING verdict$$),
    ('trigger label', 'mc', $$INSERT INTO bi_edit_rows (x, y) VALUES ('{1,1}', 2) RETURNING verdict$$),
    ('trigger probability', 'bin', $$INSERT INTO bi_edit_rows (x, y) VALUES ('{1,1}', 3) RETURNING p::text$$),
    ('trigger probability', 'mc', $$INSERT INTO bi_edit_rows (x, y) VALUES ('{1,1}', 4) RETURNING p::text$$),
    ('learn trigger', 'bin', $$INSERT INTO bi_edit_rows (x, y, k) VALUES ('{1,1}', -1, '1') RETURNING 'learned'$$),
    ('hinge_cv_results', 'cv', $$SELECT string_agg(rank::text, ',') FROM hinge_cv_results('bi_cv')$$),
    ('hinge_score', 'cv', $$SELECT hinge_score('bi_cv', '{1,1}'::float8[])::text$$),
    ('hinge_evaluate', 'cv', $$SELECT accuracy::text FROM hinge_evaluate('bi_cv', 'bi_data', 'x', 'y')$$);
INSERT INTO bi_log (grp, sig, disp, pos, kase, q)
SELECT 'model_row', p.path, 'bi_' || p.model || '.' || e.col, 0, e.val,
       format('SELECT bi_edited(%L, %L)',
              format('UPDATE hinge_model SET %I = %s WHERE name = %L', e.col, e.val, 'bi_' || p.model), p.q)
FROM bi_edit AS e JOIN bi_edit_path AS p ON e.models IN ('both', p.model);
UPDATE bi_log SET outcome = bi_run(q) WHERE grp = 'model_row';
-- one line per edit: the paths, by outcome (XX001: the model no longer holds)
SELECT disp AS "column", kase AS "set to", string_agg(paths || ': ' || outcome, '; ' ORDER BY outcome) AS "paths"
FROM (SELECT disp, kase, bi_code(outcome) AS outcome, string_agg(DISTINCT sig, ', ') AS paths
      FROM bi_log WHERE grp = 'model_row' GROUP BY 1, 2, 3) s
GROUP BY disp, kase ORDER BY disp, kase;
-- the messages the broken rows gave
SELECT DISTINCT bi_code(outcome) AS code, split_part(substr(outcome, 8), ' HINT: ', 1) AS message
FROM bi_log WHERE grp = 'model_row' AND outcome NOT IN ('ok', 'null') ORDER BY 1, 2;

--
-- 9. Summary: every case, by group and outcome code
--
SELECT grp AS "group", count(*) AS cases,
       count(*) FILTER (WHERE outcome IN ('ok', 'null')) AS results,
       count(*) FILTER (WHERE outcome NOT IN ('ok', 'null')) AS errors
FROM bi_log GROUP BY grp ORDER BY grp;
SELECT bi_code(outcome) AS outcome, count(*) AS cases FROM bi_log GROUP BY 1 ORDER BY 1;
SELECT count(*) AS catalog_cases FROM bi_log;

-- Every error message the sweeps produced, numbers and quoted names
-- replaced by #, and messages of the form '<argument> must ...' grouped by
-- what follows the argument's name
SELECT code, CASE WHEN m ~ '^[A-Za-z_ ]+ must ' THEN '... must ' || substring(m FROM ' must (.*)$') ELSE m END AS message,
       string_agg(DISTINCT CASE WHEN m ~ '^[A-Za-z_ ]+ must ' THEN substring(m FROM '^(.*?) must ') END, ', ') AS argument,
       sum(n) AS cases
FROM (SELECT bi_code(outcome) AS code,
             regexp_replace(regexp_replace(split_part(substr(outcome, 8), ' HINT: ', 1),
                 '-?[0-9][0-9.]*(e[+-]?[0-9]+)?|"[^"]*"', '#', 'g'), '-?\m(NaN|Infinity)\M', '#', 'g') AS m,
             count(*) AS n
      FROM bi_log WHERE outcome NOT IN ('ok', 'null') AND outcome NOT LIKE 'state!%' GROUP BY 1, 2) s
GROUP BY 1, 2 ORDER BY 1, 2;

-- THE CHECK: no case may end in XX000 (or any XX other than XX001), a NaN
-- or infinite result, or a crash (which would end the test here).  This
-- query must return no rows.
SELECT grp, sig, kase, pos, outcome FROM bi_log
WHERE outcome IS NULL OR outcome LIKE 'NAN!%' OR (outcome LIKE 'XX%' AND outcome NOT LIKE 'XX001%')
ORDER BY sig, grp, kase, pos;
-- Every catalog function and aggregate was tried (none missing: no rows);
-- a type's binary input function is tried by COPY in test/sql/sparse.sql
SELECT f.sig FROM bi_fn f
WHERE NOT f.is_trigger AND NOT 'internal' = ANY (f.types) AND NOT EXISTS (SELECT 1 FROM bi_log l WHERE l.sig = f.sig OR l.q LIKE '%' || f.name || '(%')
ORDER BY f.sig;

-- Every error says how to fix it (a HINT), but for PostgreSQL's own JSON
-- parser's, whose CONTEXT names class_weight: this lists those without one
SELECT DISTINCT bi_code(outcome) AS code, regexp_replace(substr(outcome, 8), '"[^"]*"', '#', 'g') AS message_without_hint
FROM bi_log WHERE outcome ~ '^[0-9A-Z]{5}:' AND outcome NOT LIKE '% HINT: %' ORDER BY 1, 2;
SELECT count(*) FILTER (WHERE outcome LIKE '% HINT: %') AS errors_with_hint,
       count(*) FILTER (WHERE outcome ~ '^[0-9A-Z]{5}:') AS errors
FROM bi_log;

SELECT 1 AS still_alive;
