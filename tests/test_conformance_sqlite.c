/* The SQLite backend passes the storage conformance suite, durable checks
 * included (each test starts from a fresh file, -wal and -shm removed). */
#include "support.h"

#include "autolic/sys/sqlite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct sctx {
	char dir[256];
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
	const char *base = getenv("AUTOLIC_TEST_DIR");
	if (!base)
		base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(c.dir, sizeof c.dir, "%s/al-conf-XXXXXX", base);
	if (!mkdtemp(c.dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(c.path, sizeof c.path, "%s/conf.db", c.dir);
	t_backend b = {"conformance/sqlite", open_sqlite, reset_sqlite, 1, &c};
	int failed = t_conformance_run(&b);
	reset_sqlite(&c);
	rmdir(c.dir);
	return failed;
}
