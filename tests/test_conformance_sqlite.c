/* The SQLite backend passes the storage conformance suite, durable checks
 * included (each test starts from a fresh file, -wal and -shm removed). */
#include "support.h"

#include "autolic/sys/sqlite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct sctx {
	char path[300];
} sctx;

static int open_sqlite(autolic_storage *out, void *ctx)
{
	sctx *c = ctx;
	int rc = autolic_store_sqlite_open(out, c->path, NULL);
	if (rc)
		fprintf(stderr, "open: %d %s\n", rc, autolic_errmsg());
	return rc;
}

static void reset_sqlite(void *ctx)
{
	sctx *c = ctx;
	char side[320];
	unlink(c->path);
	snprintf(side, sizeof side, "%s-wal", c->path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", c->path);
	unlink(side);
}

int main(void)
{
	sctx c;
	if (t_dir_make("al-conf"))
		return 1;
	t_path(c.path, sizeof c.path, "conf.db");
	t_backend b = {"conformance/sqlite", open_sqlite, reset_sqlite, 1, &c};
	int failed = t_conformance_run(&b);
	reset_sqlite(&c);
	t_dir_remove();
	return failed;
}
