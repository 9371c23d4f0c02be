/*
 * Many processes, one PostgreSQL database: the race of procs_race.c
 * (SEAT-2, SEAT-5, FLEX-1, FLEX-5, FLEX-10) with 8 forked processes, each
 * with its own handle and its own connection to one database. Every call is
 * one SERIALIZABLE transaction; the serialisation failures and deadlocks
 * between the processes come back as AUTOLIC_ECONFLICT and are retried by
 * the runner (their number is printed with the figures). The race runs
 * again with AUTOLIC_PG_KEY_LOCKS (two-phase advisory locks at READ
 * COMMITTED), where the calls queue for their locks instead.
 */
#include "support.h"
#include "pg_harness.h"
#include "procs_race.h"
#include "notes_race.h"

#include "autolic/sys/pg.h"

static int open_pg(autolic_storage *out, void *ctx)
{
	autolic_pg_options o = AUTOLIC_PG_OPTIONS_INIT;
	o.flags = *(const unsigned *)ctx;
	return autolic_store_pg_open(out, t_pg_conninfo(), &o);
}

static const unsigned serializable = 0, key_locks = AUTOLIC_PG_KEY_LOCKS;

static void race(void **state)
{
	(void)state;
	t_pg_truncate();
	procs_backend b = {"pg", open_pg, (void *)&serializable, 8};
	procs_race(&b);
}

/* The same race with AUTOLIC_PG_KEY_LOCKS: READ COMMITTED and two-phase
 * advisory locks instead of SERIALIZABLE. The calls on the one contract and
 * the one team queue for their locks; the limits stay exact. */
static void race_key_locks(void **state)
{
	(void)state;
	t_pg_truncate();
	procs_backend b = {"pg key locks", open_pg, (void *)&key_locks, 8};
	procs_race(&b);
}

/* NOTE-1, NOTE-2: writers and consumers of notifications (notes_race.c). */
static void notes(void **state)
{
	(void)state;
	t_pg_truncate();
	procs_backend b = {"pg", open_pg, (void *)&serializable, 0}; /* its own process count */
	notes_race(&b);
}

int main(void)
{
	if (!t_pg_conninfo())
		return 1; /* no server: a failure, never a skip */
	const struct CMUnitTest tests[] = {cmocka_unit_test(race), cmocka_unit_test(race_key_locks),
	                                   cmocka_unit_test(notes)};
	return t_run_group("pg_procs", tests, NULL, NULL);
}
