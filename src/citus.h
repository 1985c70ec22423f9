/*
 * citus.h
 *		What hinge knows of Citus, without its headers: whether a query
 *		reads a distributed table, whether this backend runs a Citus task,
 *		and the planner hook that makes scoring by model name work on
 *		distributed tables (citus.c).
 */
#ifndef HINGE_CITUS_H
#define HINGE_CITUS_H

extern bool hinge_query_is_distributed(const char *query);
extern bool hinge_check_one_snapshot(const char *query, const char *relation_name,
									 const char *what);
extern bool hinge_in_citus_task(void);
extern bool hinge_citus_present(void);
extern void hinge_citus_init(void);
extern void hinge_models_changed(Oid namespace);

#endif							/* HINGE_CITUS_H */
