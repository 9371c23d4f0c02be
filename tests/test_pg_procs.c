/*
 * Many processes, one PostgreSQL database: the race of procs_race.c
 * (SEAT-2, SEAT-5, FLEX-1, FLEX-5, FLEX-10) with 8 forked processes, each
 * with its own handle and its own connection to one database. Every call is
 * one SERIALIZABLE transaction; the serialisation failures and deadlocks
 * between the processes come back as AUTOLIC_ECONFLICT and are retried by
 * the runner (their number is printed with the figures).
 */
#include "support.h"
#include "pg_harness.h"
#include "procs_race.h"
#include "notes_race.h"

#include "autolic/sys/pg.h"

static int open_pg(autolic_storage *out, void *ctx)
{
	(void)ctx;
	return autolic_store_pg_open(out, t_pg_conninfo(), NULL);
}

static void race(void **state)
{
	(void)state;
	t_pg_truncate();
	procs_backend b = {"pg", open_pg, NULL, 8};
	procs_race(&b);
}

/* NOTE-1, NOTE-2: writers and consumers of notifications (notes_race.c). */
static void notes(void **state)
{
	(void)state;
	t_pg_truncate();
	procs_backend b = {"pg", open_pg, NULL, 64};
	notes_race(&b);
}

int main(void)
{
	if (!t_pg_conninfo())
		return 1; /* no server: a failure, never a skip */
	const struct CMUnitTest tests[] = {cmocka_unit_test(race), cmocka_unit_test(notes)};
	return t_run_group("pg_procs", tests, NULL, NULL);
}
