/*
 * Getting started: open a database, register a buyer, buy a contract with
 * seats, grant seats until they run out, and read the rule that refused.
 * Build: cc getting_started.c $(pkg-config --cflags --libs autolic)
 */
#include <autolic.h>

#include <stdio.h>

static int check(int rc, const char *what)
{
	if (rc != AUTOLIC_OK)
		fprintf(stderr, "%s: %s (%s)\n", what, autolic_strerror(rc), autolic_errmsg());
	return rc;
}

int main(void)
{
	autolic_db *db = NULL;
	if (check(autolic_db_open(&db, NULL), "open")) /* memory store, system clock */
		return 1;

	/* The buyer signs up; buying makes them contract manager (ROLE-2). */
	autolic_account_spec who = AUTOLIC_ACCOUNT_SPEC_INIT;
	who.email = "Marie.Curie@Example.org";
	who.first_name = "Marie";
	who.last_name = "Curie";
	autolic_id buyer = 0, contract = 0;
	int rc = check(autolic_account_register(db, &who, &buyer), "register");

	autolic_contract_product_spec product = AUTOLIC_CONTRACT_PRODUCT_SPEC_INIT;
	product.product = "autocad";
	product.quantity = 2;
	autolic_contract_spec spec = AUTOLIC_CONTRACT_SPEC_INIT;
	spec.products = &product;
	spec.nproducts = 1;
	spec.start = autolic_db_now(db);
	spec.end = spec.start + 365 * 86400;
	if (!rc)
		rc = check(autolic_contract_buy(db, buyer, &spec, &contract), "buy");

	/* Three users, two seats: the third grant is refused (SEAT-2). */
	const char *emails[] = {"ada@example.org", "alan@example.org", "grace@example.org"};
	for (int i = 0; !rc && i < 3; i++) {
		autolic_account_spec u = AUTOLIC_ACCOUNT_SPEC_INIT;
		u.email = emails[i];
		autolic_id user = 0;
		rc = check(autolic_account_register(db, &u, &user), "register user");
		if (rc)
			break;
		int g = autolic_seat_grant(db, buyer, contract, "autocad", user);
		printf("grant autocad to %-18s -> %s\n", emails[i],
		       g ? autolic_errmsg() : autolic_strerror(g));
	}

	autolic_seat_summary s = {.version = AUTOLIC_SEAT_SUMMARY_VERSION};
	if (!rc && !check(autolic_seat_summary_get(db, contract, "autocad", &s), "summary"))
		printf("autocad: %u bought, %u granted, %u available\n", (unsigned)s.quantity,
		       (unsigned)s.granted, (unsigned)s.available);
	autolic_db_close(db);
	return rc ? 1 : 0;
}
