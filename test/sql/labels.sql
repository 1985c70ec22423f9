-- Labels whatever the session's settings: a model stores its classes as
-- text written in canonical settings (ISO dates, UTC, shortest exact
-- numbers), reads them back the same way, and compares label columns with
-- class values passed as typed parameters.  A model trained under one
-- DateStyle, TimeZone or extra_float_digits is evaluated, calibrated and
-- scored the same under any other.
SET client_min_messages = warning;

-- dates whose text is ambiguous between DMY and MDY, instants in one zone,
-- numbers that need 17 digits
CREATE TABLE dated AS
SELECT i, ARRAY[sin(i), cos(i)]::float8[] AS x,
       CASE WHEN sin(i) > 0 THEN date '2024-01-02' ELSE date '2024-02-01' END AS d,
       CASE WHEN sin(i) > 0 THEN timestamptz '2024-01-02 10:00+00' ELSE timestamptz '2024-01-02 12:00+00' END AS ts,
       CASE WHEN sin(i) > 0 THEN 0.1::float8 ELSE 0.30000000000000004::float8 END AS f
FROM generate_series(1, 200) AS i;

SET DateStyle = 'SQL, DMY';
SELECT classes, positive_class FROM hinge_train('dated', 'dated', 'x', 'd', lambda => 0.01);
SET DateStyle = 'ISO, MDY';
SELECT n, accuracy > 0.95 AS accurate FROM hinge_evaluate('dated', 'dated', 'x', 'd');
SELECT cardinality(calibration_a) AS calibrated FROM hinge_calibrate('dated', 'dated', 'x', 'd');
SET DateStyle = 'German';
-- the trigger writes the dates the model predicts, read canonically
CREATE TABLE dated_out (i int, x float8[], d date);
CREATE TRIGGER d BEFORE INSERT ON dated_out FOR EACH ROW EXECUTE FUNCTION hinge_score_trigger('dated', 'x', 'd', 'label');
INSERT INTO dated_out (i, x) SELECT i, x FROM dated;
SELECT count(*) AS rows, count(*) FILTER (WHERE o.d = s.d) AS right_dates
FROM dated_out AS o JOIN dated AS s USING (i);
SELECT count(*) FILTER (WHERE hinge_class_text(o.d) = hinge_predict('dated', o.x)) AS as_predicted FROM dated_out AS o;
-- positive is read in the caller's settings: 02/01/2024 under DMY is 2 January
SET DateStyle = 'SQL, DMY';
SELECT classes, positive_class FROM hinge_train('dated_2jan', 'dated', 'x', 'd', lambda => 0.01, positive => '02/01/2024');
SELECT hinge_train('dated_nope', 'dated', 'x', 'd', positive => '01/01/2024');
SELECT hinge_train('dated_nope', 'dated', 'x', 'd', positive => 'not a date');
-- the online trigger compares labels canonically too
CREATE TABLE dated_in (x float8[], d date);
CREATE TRIGGER learn AFTER INSERT ON dated_in FOR EACH ROW EXECUTE FUNCTION hinge_learn_trigger('dated', 'x', 'd');
INSERT INTO dated_in VALUES ('{0.5,0.5}', '2024-02-01'), ('{-0.5,0.5}', '2024-01-02');
SELECT online_updates FROM hinge_model WHERE name = 'dated';
RESET DateStyle;

-- instants: trained in one time zone, evaluated in another
SET TimeZone = 'America/New_York';
SELECT classes FROM hinge_train('instant', 'dated', 'x', 'ts', lambda => 0.01);
SET TimeZone = 'Asia/Tokyo';
SELECT accuracy > 0.95 AS accurate FROM hinge_evaluate('instant', 'dated', 'x', 'ts');
RESET TimeZone;

-- numbers: trained with few digits shown, evaluated with many
SET extra_float_digits = -3;
SELECT classes FROM hinge_train('digits', 'dated', 'x', 'f', lambda => 0.01);
SET extra_float_digits = 3;
SELECT accuracy > 0.95 AS accurate FROM hinge_evaluate('digits', 'dated', 'x', 'f');
RESET extra_float_digits;

-- hinge_class_text: a value as a model's classes hold it
SET DateStyle = 'SQL, DMY';
SET TimeZone = 'Asia/Tokyo';
SET extra_float_digits = -3;
SELECT hinge_class_text(date '2024-01-02') AS a_date, hinge_class_text(timestamptz '2024-01-02 10:00+00') AS an_instant,
       hinge_class_text(0.30000000000000004::float8) AS a_number, hinge_class_text('spam'::text) AS a_text,
       hinge_class_text(true) AS a_boolean, hinge_class_text(interval '1 day 2 hours') AS an_interval;
RESET DateStyle;
RESET TimeZone;
RESET extra_float_digits;

-- labels of a type without an ordering: the error says which types work
CREATE TABLE unordered AS SELECT x, point(i, i) AS p, ('{"k": ' || i % 2 || '}')::json AS j FROM dated;
SELECT hinge_train('unordered', 'unordered', 'x', 'p');
SELECT hinge_train('unordered', 'unordered', 'x', 'j');

DROP TABLE dated, dated_out, dated_in, unordered;
DELETE FROM hinge_model;
