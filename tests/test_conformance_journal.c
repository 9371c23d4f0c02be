/* The journal store passes the storage conformance suite, durable checks
 * included (each test starts from a fresh file). */
#include "support.h"

#include "autolic/sys/journal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct jctx {
	char dir[256];
	char path[300];
} jctx;

static int open_journal(autolic_storage *out, void *ctx)
{
	jctx *c = ctx;
	return autolic_store_journal_open(out, c->path, NULL);
}

static void reset_journal(void *ctx)
{
	jctx *c = ctx;
	unlink(c->path);
}

int main(void)
{
	jctx c;
	const char *base = getenv("AUTOLIC_TEST_DIR");
	if (!base)
		base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(c.dir, sizeof c.dir, "%s/al-conf-XXXXXX", base);
	if (!mkdtemp(c.dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(c.path, sizeof c.path, "%s/conf.journal", c.dir);
	t_backend b = {"conformance/journal", open_journal, reset_journal, 1, &c};
	int failed = t_conformance_run(&b);
	unlink(c.path);
	rmdir(c.dir);
	return failed;
}
