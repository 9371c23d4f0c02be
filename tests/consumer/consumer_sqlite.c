/* Consumer of the installed libautolic-sqlite, built through pkg-config. */
#include <autolic.h>
#include <autolic/sys/sqlite.h>

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	autolic_storage st;
	int rc = autolic_store_sqlite_open(&st, argv[1], NULL);
	if (rc) {
		fprintf(stderr, "sqlite open: %s\n", autolic_errmsg());
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
