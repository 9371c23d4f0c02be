/* Consumer of the installed libautolic-pg, built through pkg-config; the
 * connection string comes from AUTOLIC_PG_CONNINFO (tests/pg_server.sh run). */
#include <autolic.h>
#include <autolic/sys/pg.h>

#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	const char *conninfo = getenv("AUTOLIC_PG_CONNINFO");
	if (!conninfo)
		return 2;
	autolic_pg_options po;
	if (autolic_pg_options_init(&po, AUTOLIC_PG_OPTIONS_VERSION) != 0)
		return 1;
	autolic_storage st;
	int rc = autolic_store_pg_open(&st, conninfo, &po);
	if (rc) {
		fprintf(stderr, "pg open: %s\n", autolic_errmsg());
		return 1;
	}
	autolic_db_options o;
	autolic_db_options_init(&o, AUTOLIC_DB_OPTIONS_VERSION);
	o.storage = &st;
	autolic_db *db = NULL;
	rc = autolic_db_open(&db, &o);
	if (rc) {
		fprintf(stderr, "db open: %s\n", autolic_errmsg());
		st.free(st.ctx);
		return 1;
	}
	autolic_account_spec s = AUTOLIC_ACCOUNT_SPEC_INIT;
	s.email = "consumer@example.com";
	autolic_id id = 0;
	rc = autolic_account_register(db, &s, &id);
	autolic_db_close(db);
	return rc == 0 && id != 0 ? 0 : 1;
}
