/* A tiny program of a project that builds libautolic as part of itself. */
#include <autolic.h>
#include <stdio.h>

int main(void)
{
	autolic_db *db = NULL;
	if (autolic_db_open(&db, NULL) != 0)
		return 1;
	autolic_account_spec s = AUTOLIC_ACCOUNT_SPEC_INIT;
	s.email = "Sub@Example.com";
	autolic_id id = 0;
	autolic_account_info info;
	info.version = AUTOLIC_ACCOUNT_INFO_VERSION;
	int rc = autolic_account_register(db, &s, &id);
	if (!rc)
		rc = autolic_account_get(db, id, &info);
	autolic_db_close(db);
	if (rc) {
		fprintf(stderr, "%s\n", autolic_errmsg());
		return 1;
	}
	printf("subproject: libautolic %s, account %s\n", autolic_version(NULL, NULL, NULL),
	       info.email);
	return 0;
}
