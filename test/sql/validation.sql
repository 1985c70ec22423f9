-- The shared input validator: every array argument of every function goes
-- through the same checks, with the same messages
SET extra_float_digits = 0;

-- NULL elements, in each argument position
SELECT hinge_score('{1,NULL,3}'::float8[], '{1,2,3}'::float8[]);
SELECT hinge_score('{1,2,3}'::float8[], '{1,2,NULL}'::float8[]);
SELECT hinge_score('{1,2,3}'::float8[], '{NULL,2,3}'::real[]);
SELECT multiclass_hinge_loss_grad('{NULL,NULL}', 1);
-- multi-dimensional arrays where one dimension is expected
SELECT hinge_score('{{1,2},{3,4}}'::float8[], '{1,2}'::float8[]);
SELECT hinge_score('{1,2}'::float8[], '{{1,2},{3,4}}'::float8[]);
SELECT hinge_geometric_margin('{1,2}', '{{{1}},{{2}}}'::real[], 1);
-- empty arrays
SELECT hinge_score('{}'::float8[], '{}'::float8[]);
SELECT hinge_score('{1}'::float8[], '{}'::float8[]);
SELECT hinge_scores('{}'::float8[], '{1}'::float8[]);
-- non-default lower bounds are read by position
SELECT hinge_score('[0:1]={2,3}'::float8[], '[5:6]={1,1}'::float8[]) AS lower_bounds;
-- NaN and infinity anywhere are errors, never results
SELECT hinge_score('{Infinity,1}'::float8[], '{0,0}'::float8[]);
SELECT hinge_score('{1,1,-Infinity}'::float8[], '{0,0}'::float8[]);
SELECT hinge_predict('{1,1}'::float8[], '{NaN,0}'::real[]);
-- large arrays: 100,000 elements work; more than 10,000,000 are refused
SELECT hinge_score(array_fill(0.5::float8, ARRAY[100000]), array_fill(2::float8, ARRAY[100000])) AS big;
SELECT hinge_score(array_fill(1::float8, ARRAY[100001]), array_fill(1::real, ARRAY[100000])) AS big_real;
SELECT hinge_score(array_fill(0::float8, ARRAY[10000001]), '{1}'::float8[]);
-- after all of the above the session is healthy
SELECT 1 AS still_alive;
