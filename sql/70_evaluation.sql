/* How a stored model does on the rows of a relation */

CREATE TYPE hinge_evaluation AS (
    n bigint,
    accuracy float8,
    "precision" float8,
    recall float8,
    f1 float8,
    true_positives bigint,
    false_positives bigint,
    true_negatives bigint,
    false_negatives bigint,
    mean_loss float8,
    objective float8,
    rows_skipped bigint,
    classes text[],
    class_precision float8[],
    class_recall float8[],
    class_f1 float8[],
    confusion bigint[]
);

COMMENT ON TYPE hinge_evaluation IS
'result of hinge_evaluate: rows, accuracy, precision, recall and F1 (of the positive class; macro averages for multiclass), binary confusion counts, mean loss, objective, rows skipped for NULLs, and per class: precision, recall, F1 and the confusion matrix (rows the true class, columns the predicted one)';

CREATE FUNCTION hinge_evaluate(model_name text, relation regclass, features text, label text)
RETURNS @extschema@.hinge_evaluation
AS 'MODULE_PATHNAME', 'hinge_evaluate'
LANGUAGE C STABLE STRICT PARALLEL UNSAFE;

COMMENT ON FUNCTION hinge_evaluate(text, regclass, text, text) IS
'evaluates a stored model (binary or multiclass) on the rows of relation: accuracy, precision, recall, F1, per-class figures, confusion matrix, mean loss, objective';

CREATE FUNCTION hinge_evaluate(model_name text, relation regclass, features text[], label text)
RETURNS @extschema@.hinge_evaluation
AS 'MODULE_PATHNAME', 'hinge_evaluate'
LANGUAGE C STABLE STRICT PARALLEL UNSAFE;

COMMENT ON FUNCTION hinge_evaluate(text, regclass, text[], text) IS
'evaluates a stored model on relation with features from a list of numeric columns';
