/* The PostgreSQL backend passes the storage conformance suite, durable
 * checks included: each test starts from an empty table, and the durable
 * reopen connects anew and must find what was committed. The suite runs
 * twice: SERIALIZABLE (the default), then with AUTOLIC_PG_KEY_LOCKS. */
#include "support.h"
#include "pg_harness.h"

#include "autolic/sys/pg.h"

#include <stdio.h>

static int open_pg(autolic_storage *out, void *ctx)
{
	autolic_pg_options o = AUTOLIC_PG_OPTIONS_INIT;
	o.flags = *(const unsigned *)ctx;
	int rc = autolic_store_pg_open(out, t_pg_conninfo(), &o);
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
	static const unsigned serializable = 0, key_locks = AUTOLIC_PG_KEY_LOCKS;
	t_backend b = {"conformance/pg", open_pg, reset_pg, 1, (void *)&serializable};
	int failed = t_conformance_run(&b);
	t_backend k = {"conformance/pg-key-locks", open_pg, reset_pg, 1, (void *)&key_locks};
	return failed | t_conformance_run(&k);
}
