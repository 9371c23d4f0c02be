/*
 * Many processes, one SQLite database (WAL mode): the race of procs_race.c
 * (SEAT-2, SEAT-5, FLEX-1, FLEX-5, FLEX-10) with 8 forked processes, each
 * with its own handle and its own connection over one file.
 */
#include "support.h"
#include "procs_race.h"
#include "notes_race.h"

#include "autolic/sys/sqlite.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char path[300];

static int open_sqlite(autolic_storage *out, void *ctx)
{
	(void)ctx;
	autolic_sqlite_options so = AUTOLIC_SQLITE_OPTIONS_INIT;
	so.busy_timeout_ms = 10000;
	return autolic_store_sqlite_open(out, path, &so);
}

static void race(void **state)
{
	(void)state;
	procs_backend b = {"sqlite", open_sqlite, NULL, 8};
	procs_race(&b);
}

/* NOTE-1, NOTE-2: writers and consumers of notifications (notes_race.c). */
static void notes(void **state)
{
	(void)state;
	procs_backend b = {"sqlite", open_sqlite, NULL, 0}; /* its own process count */
	notes_race(&b);
}

int main(void)
{
	const char *base = getenv("AUTOLIC_TEST_DIR");
	if (!base)
		base = "/tmp"; /* a real file system: WAL's shared memory wants mmap of a file */
	char dir[256];
	snprintf(dir, sizeof dir, "%s/al-sqlite-procs-XXXXXX", base);
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof path, "%s/race.db", dir);
	const struct CMUnitTest tests[] = {cmocka_unit_test(race), cmocka_unit_test(notes)};
	int failed = t_run_group("sqlite_procs", tests, NULL, NULL);
	char side[320];
	unlink(path);
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
	rmdir(dir);
	return failed;
}
