/* Fault loop over the core's calls: storage and allocation failures leave
 * the store exactly as before the call, and the handle keeps working. */
#include "support.h"

#include <string.h>

static int setup_two(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	(void)ctx;
	autolic_account_spec s = AUTOLIC_ACCOUNT_SPEC_INIT;
	s.email = "first@example.com";
	s.first_name = "First";
	int rc = autolic_account_register(db, &s, NULL);
	if (rc)
		return rc;
	s.email = "second@example.com";
	return autolic_account_register(db, &s, NULL);
}

/* Three accounts: the handle's blocks of account ids (1, then 2) are used
 * up, so the next registration reserves a block in its own transaction. */
static int setup_three(autolic_db *db, t_clock *c, void *ctx)
{
	int rc = setup_two(db, c, ctx);
	autolic_account_spec s = AUTOLIC_ACCOUNT_SPEC_INIT;
	s.email = "c3@example.com";
	return rc ? rc : autolic_account_register(db, &s, NULL);
}

static int step_register(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	(void)ctx;
	autolic_account_spec s = AUTOLIC_ACCOUNT_SPEC_INIT;
	s.email = "Third@Example.com";
	s.first_name = "Third";
	s.last_name = "Person";
	s.language = "fr-CH";
	return autolic_account_register(db, &s, NULL);
}

static int step_batch(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	(void)ctx;
	int rc = autolic_db_begin(db);
	if (rc)
		return rc;
	const char *emails[] = {"b1@example.com", "b2@example.com", "b3@example.com"};
	for (int i = 0; i < 3; i++) {
		autolic_account_spec s = AUTOLIC_ACCOUNT_SPEC_INIT;
		s.email = emails[i];
		rc = autolic_account_register(db, &s, NULL);
		if (rc) {
			autolic_db_rollback(db);
			return rc;
		}
	}
	return autolic_db_commit(db);
}

static int step_find(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	(void)ctx;
	autolic_id id;
	return autolic_account_find(db, "SECOND@example.com", &id);
}

static void test_fault_register(void **state)
{
	(void)state;
	/* the third account's id comes from the handle's block: no write of
	 * the id record, one storage operation fewer than after three */
	assert_true(t_fault_loop(setup_two, step_register, NULL) >= 10);
	assert_true(t_fault_loop(setup_three, step_register, NULL) > 10);
}

static void test_fault_batch(void **state)
{
	(void)state;
	assert_true(t_fault_loop(setup_two, step_batch, NULL) > 10);
}

static void test_fault_read(void **state)
{
	(void)state;
	assert_true(t_fault_loop(setup_two, step_find, NULL) > 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fault_register),
	    cmocka_unit_test(test_fault_batch),
	    cmocka_unit_test(test_fault_read),
	};
	return t_run_group("fault/core", tests, NULL, NULL);
}
