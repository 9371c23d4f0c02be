/*
 * The demonstration: walks through an administrator's story with the library,
 * printing what happens and which rule decided.
 */
#include <autolic.h>

#include <stdio.h>
#include <stdlib.h>

static int step(int rc, const char *what)
{
	if (rc == AUTOLIC_OK)
		printf("  ok      %s\n", what);
	else
		printf("  refused %s\n          -> %s: %s\n", what, autolic_strerror(rc), autolic_errmsg());
	return rc;
}

int main(void)
{
	autolic_db *db = NULL;
	if (autolic_db_open(&db, NULL) != AUTOLIC_OK) {
		fprintf(stderr, "open: %s\n", autolic_errmsg());
		return 1;
	}
	printf("libautolic %s demonstration\n\n", autolic_version(NULL, NULL, NULL));
	printf("1. People sign up (ACCT-1, ACCT-2)\n");
	autolic_account_spec s = AUTOLIC_ACCOUNT_SPEC_INIT;
	s.email = "Claire.Martin@Atelier.example";
	s.first_name = "Claire";
	s.last_name = "Martin";
	s.language = "fr";
	autolic_id claire = 0;
	step(autolic_account_register(db, &s, &claire), "register Claire.Martin@Atelier.example");
	s.email = "CLAIRE.MARTIN@atelier.example";
	step(autolic_account_register(db, &s, NULL), "register CLAIRE.MARTIN@atelier.example again");
	s.email = "not an email";
	step(autolic_account_register(db, &s, NULL), "register 'not an email'");

	char email[AUTOLIC_EMAIL_MAX + 1], first[AUTOLIC_NAME_MAX + 1], last[AUTOLIC_NAME_MAX + 1];
	printf("\n2. The text form of a person (ACCT-3)\n");
	if (step(autolic_person_parse("Jean Dupont <Jean.Dupont@Atelier.example>", email, first, last),
	         "parse 'Jean Dupont <Jean.Dupont@Atelier.example>'") == AUTOLIC_OK)
		printf("          first '%s', last '%s', email '%s'\n", first, last, email);

	autolic_account_info info = {.version = AUTOLIC_ACCOUNT_INFO_VERSION};
	if (autolic_account_get(db, claire, &info) == AUTOLIC_OK)
		printf("\naccount %llu: %s %s <%s> (%s)\n", (unsigned long long)info.id, info.first_name,
		       info.last_name, info.email, info.language);
	autolic_db_close(db);
	return 0;
}
