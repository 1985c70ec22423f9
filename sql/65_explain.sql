/*
 * Reading a model by its features: the weights of each, and why a row got
 * its score.
 */

-- @since 1.2
CREATE FUNCTION hinge_weights(model_name text,
                              OUT class text, OUT feature text, OUT weight float8,
                              OUT scaled_weight float8)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'hinge_weights'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_weights(text) IS
'the weight of each feature of a model, per class (a binary model''s positive class): its readable name (a column, column=category, x[i] of arrays, text terms), its weight on the raw values and on the scaled values the solver saw, the largest scaled weights first and the intercept, "(intercept)", last';

CREATE FUNCTION hinge_explain(model_name text, "row" record,
                              OUT class text, OUT feature text, OUT value float8,
                              OUT contribution float8)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'hinge_explain_row'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_explain(text, record) IS
'why a row got its score: each feature''s value (as the model encodes the row; features of value 0 that contribute nothing are left out) and its contribution to the score of the predicted class (a binary model''s positive class): weight x value, or for scaled features the scaled weight x the scaled value; the largest first, the intercept last; the contributions add up to the score';

-- @each X float8[] | real[] | hinge_sparse
CREATE FUNCTION hinge_explain(model_name text, x @X@,
                              OUT class text, OUT feature text, OUT value float8,
                              OUT contribution float8)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'hinge_explain_vector'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_explain(text, @X@) IS
'why features x (as the model sees them) got their score: each feature''s value and contribution to the predicted class''s score (as for a row), the largest first, and the intercept last; the contributions add up to the score@X_NOTE@';

-- @end each
-- @end since
