/* The journal store passes the storage conformance suite, durable checks
 * included (each test starts from a fresh file). */
#include "support.h"

#include "autolic/sys/journal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct jctx {
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
	if (t_dir_make("al-conf"))
		return 1;
	t_path(c.path, sizeof c.path, "conf.journal");
	t_backend b = {"conformance/journal", open_journal, reset_journal, 1, &c};
	int failed = t_conformance_run(&b);
	unlink(c.path);
	t_dir_remove();
	return failed;
}
