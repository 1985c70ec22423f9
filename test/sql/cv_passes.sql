-- Cross-validation on aggregate passes: cv.sql again with
-- hinge.in_memory_limit = 0, so every search and refit runs through the
-- folds' aggregates (cv_accum.c) rather than rows held in memory
-- (memory_oracle.c), in a schema of its own; the same checks hold
CREATE SCHEMA cv_passes;
SET search_path = cv_passes, public;
SET hinge.in_memory_limit = 0;
\i test/sql/cv.sql
