/* The multi-process race shared by test_sqlite_procs and test_pg_procs: see
 * procs_race.c. */
#ifndef AL_PROCS_RACE_H
#define AL_PROCS_RACE_H

#include "autolic.h"

typedef struct procs_backend {
	const char *name; /* for the printed figures: "sqlite", "pg" */
	/* Open a fresh backend over the shared database; called in the process
	 * that uses it (never carried across fork). */
	int (*open)(autolic_storage *out, void *ctx);
	void *ctx;
	int nproc; /* processes racing, 2 to 8 */
} procs_backend;

/* The race as a cmocka test body: set up, fork the processes, check the
 * outcome, print the figures. */
void procs_race(const procs_backend *b);

#endif
