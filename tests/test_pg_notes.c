/*
 * Many processes, one PostgreSQL database: the notification race of
 * notes_race.c (NOTE-1, NOTE-2). Every call is one SERIALIZABLE
 * transaction; two notifying calls on one team both rewrite the team's
 * stream head, so one of them is retried and the positions follow the
 * order of the commits (docs/notifications.md).
 */
#include "support.h"
#include "pg_harness.h"
#include "notes_race.h"

#include "autolic/sys/pg.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char dir[256];

static int open_pg(autolic_storage *out, void *ctx)
{
	(void)ctx;
	return autolic_store_pg_open(out, t_pg_conninfo(), NULL);
}

static void race(void **state)
{
	(void)state;
	t_pg_truncate();
	procs_backend b = {"pg", open_pg, NULL, 64};
	notes_race(&b, dir);
}

int main(void)
{
	if (!t_pg_conninfo())
		return 1; /* no server: a failure, never a skip */
	const char *base = getenv("AUTOLIC_TEST_DIR");
	snprintf(dir, sizeof dir, "%s/al-pg-notes-XXXXXX", base ? base : "/tmp");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	const struct CMUnitTest tests[] = {cmocka_unit_test(race)};
	int failed = cmocka_run_group_tests_name("pg_notes", tests, NULL, NULL);
	rmdir(dir);
	return failed;
}
