/*
 * Counters of the PostgreSQL backend, for the benchmarks and the tests only
 * (not exported by libautolic-pg: link autolic_pg_static).
 */
#ifndef AL_PG_STATS_H
#define AL_PG_STATS_H

typedef struct al_pg_stats {
	unsigned long round_trips;  /* waits for the server: one per pipeline or statement */
	unsigned long statements;   /* statements sent (BEGIN and COMMIT included) */
	unsigned long transactions; /* begin calls */
	unsigned long conflicts;    /* answers AUTOLIC_ECONFLICT (40001, 40P01, 55P03) */
} al_pg_stats;

/* The counters of the backend whose vtable context is `ctx` (the `ctx` of the
 * autolic_storage filled by autolic_store_pg_open). */
void al_pg_stats_get(const void *ctx, al_pg_stats *out);

#endif
