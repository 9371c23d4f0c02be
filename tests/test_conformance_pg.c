/* The PostgreSQL backend passes the storage conformance suite, durable
 * checks included: each test starts from an empty table, and the durable
 * reopen connects anew and must find what was committed. */
#include "support.h"
#include "pg_harness.h"

#include "autolic/sys/pg.h"

#include <stdio.h>

static int open_pg(autolic_storage *out, void *ctx)
{
	(void)ctx;
	int rc = autolic_store_pg_open(out, t_pg_conninfo(), NULL);
	if (rc)
		fprintf(stderr, "open: %d %s\n", rc, autolic_errmsg());
	return rc;
}

static void reset_pg(void *ctx)
{
	(void)ctx;
	t_pg_truncate();
}

int main(void)
{
	if (!t_pg_conninfo())
		return 1; /* no server: a failure, never a skip */
	t_backend b = {"conformance/pg", open_pg, reset_pg, 1, NULL};
	return t_conformance_run(&b);
}
