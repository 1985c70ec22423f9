/*
 * From 1.1 to 1.2.  What 1.2 adds or redefines is marked "-- @since 1.2" in
 * sql/[0-9]*.sql and follows this part; then every object's COMMENT.
 */

\echo Use "ALTER EXTENSION hinge UPDATE TO '1.2'" to load this file. \quit
