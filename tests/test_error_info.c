/*
 * Structured errors (autolic_error_last()): the fields the core keeps beside
 * the message -- the rule ID taken from the message, the objects and numbers
 * a call site attaches, their limits, clearing, saving and restoring, the
 * version check of the copy-out, one failure per thread -- and the ISO-8601
 * time text messages use.
 */
#include "support.h"

#include "core/error.h"
#include "core/timecalc.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>

static autolic_error_info last_error(void)
{
	autolic_error_info e;
	memset(&e, 0x5a, sizeof e); /* every field must be written */
	e.version = AUTOLIC_ERROR_INFO_VERSION;
	assert_int_equal(autolic_error_last(&e), 0);
	assert_int_equal(e.version, AUTOLIC_ERROR_INFO_VERSION);
	return e;
}

static void t_rule_from_message(void **state)
{
	(void)state;
	static const struct {
		const char *message, *rule;
	} cases[] = {
	    {"SEAT-2: all seats are in use", "SEAT-2"},
	    {"FLEX-13: key reused", "FLEX-13"},
	    {"ROLE-1 (SEAM-1): product 'x' is listed twice", "ROLE-1"},
	    {"IN-3", "IN-3"},
	    {"ROLE-2/ROLE-4: hand that role over first", "ROLE-2"},
	    {"line 3: SEAT-2: all seats are in use", ""},
	    {"db is NULL", ""},
	    {"SEAT-2x: not a rule", ""},
	    {"SEAT-: not a rule", ""},
	    {"-2: not a rule", ""},
	    {"seat-2: lower case is no rule", ""},
	    {"", ""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		assert_int_equal(al_err(AUTOLIC_EINVAL, "%s", cases[i].message), AUTOLIC_EINVAL);
		autolic_error_info e = last_error();
		assert_int_equal(e.code, AUTOLIC_EINVAL);
		assert_string_equal(e.rule, cases[i].rule);
		assert_string_equal(e.message, cases[i].message);
		assert_string_equal(e.message, autolic_errmsg());
		assert_int_equal(e.object_count, 0);
		assert_int_equal(e.number_count, 0);
	}
}

static void t_objects_and_numbers(void **state)
{
	(void)state;
	int rc =
	    al_err(AUTOLIC_ENOSEAT, "SEAT-2: all 3 seats of 'autocad' on contract C-1 are in use");
	assert_int_equal(al_err_obj(AUTOLIC_OBJECT_CONTRACT, 7, "C-1"), rc);
	assert_int_equal(al_err_obj(AUTOLIC_OBJECT_PRODUCT, 0, "autocad"), rc);
	assert_int_equal(al_err_obj(AUTOLIC_OBJECT_CONTRACT, 7, "C-1"), rc); /* named once */
	assert_int_equal(al_err_num("used", 3), rc);
	assert_int_equal(al_err_num("limit", 3), rc);
	assert_int_equal(al_err_time("ended", 1769817600), rc);
	autolic_error_info e = last_error();
	assert_int_equal(e.code, AUTOLIC_ENOSEAT);
	assert_string_equal(e.rule, "SEAT-2");
	assert_int_equal(e.object_count, 2);
	assert_int_equal(e.objects[0].kind, AUTOLIC_OBJECT_CONTRACT);
	assert_int_equal(e.objects[0].id, 7);
	assert_string_equal(e.objects[0].name, "C-1");
	assert_int_equal(e.objects[1].kind, AUTOLIC_OBJECT_PRODUCT);
	assert_int_equal(e.objects[1].id, 0);
	assert_string_equal(e.objects[1].name, "autocad");
	/* the unused slots are empty, not stale */
	assert_int_equal(e.objects[2].kind, AUTOLIC_OBJECT_NONE);
	assert_string_equal(e.objects[3].name, "");
	assert_int_equal(e.number_count, 3);
	assert_string_equal(e.numbers[0].name, "used");
	assert_int_equal(e.numbers[0].value, 3);
	assert_int_equal(e.numbers[0].unit, AUTOLIC_UNIT_COUNT);
	assert_string_equal(e.numbers[2].name, "ended");
	assert_int_equal(e.numbers[2].value, 1769817600);
	assert_int_equal(e.numbers[2].unit, AUTOLIC_UNIT_TIME);
	assert_int_equal(e.numbers[3].value, 0);

	/* reading does not change it */
	autolic_error_info again = last_error();
	assert_memory_equal(&again, &e, sizeof e);

	/* the next failure forgets the fields of this one */
	al_err(AUTOLIC_EINVAL, "user id is 0");
	e = last_error();
	assert_int_equal(e.code, AUTOLIC_EINVAL);
	assert_string_equal(e.rule, "");
	assert_int_equal(e.object_count, 0);
	assert_int_equal(e.number_count, 0);
	assert_int_equal(e.objects[0].kind, AUTOLIC_OBJECT_NONE);
	assert_string_equal(e.objects[0].name, "");
	assert_string_equal(e.numbers[0].name, "");

	/* a success clears everything */
	al_err(AUTOLIC_ENOSEAT, "SEAT-2: x");
	al_err_obj(AUTOLIC_OBJECT_TEAM, 3, "Design");
	al_err_clear();
	e = last_error();
	assert_int_equal(e.code, 0);
	assert_string_equal(e.rule, "");
	assert_string_equal(e.message, "");
	assert_int_equal(e.object_count, 0);
}

static void t_limits(void **state)
{
	(void)state;
	al_err(AUTOLIC_EINVAL, "ACCT-5: many");
	char name[AUTOLIC_ERROR_NAME_MAX + 50];
	memset(name, 'a', sizeof name - 1);
	name[sizeof name - 1] = 0;
	for (int i = 0; i < AUTOLIC_ERROR_OBJECTS_MAX + 2; i++)
		al_err_obj(AUTOLIC_OBJECT_ACCOUNT, (autolic_id)i + 1,
		           i == 0 ? name : "x@example.com");
	for (int i = 0; i < AUTOLIC_ERROR_NUMBERS_MAX + 2; i++)
		al_err_num("a-label-much-longer-than-the-field-holds", i);
	al_err_obj(AUTOLIC_OBJECT_ARGUMENT, 0, NULL);
	autolic_error_info e = last_error();
	assert_int_equal(e.object_count, AUTOLIC_ERROR_OBJECTS_MAX);
	assert_int_equal(strlen(e.objects[0].name), AUTOLIC_ERROR_NAME_MAX);
	assert_int_equal(e.objects[AUTOLIC_ERROR_OBJECTS_MAX - 1].id, AUTOLIC_ERROR_OBJECTS_MAX);
	assert_int_equal(e.number_count, AUTOLIC_ERROR_NUMBERS_MAX);
	assert_int_equal(strlen(e.numbers[0].name), AUTOLIC_ERROR_LABEL_MAX);
	assert_int_equal(e.numbers[AUTOLIC_ERROR_NUMBERS_MAX - 1].value,
	                 AUTOLIC_ERROR_NUMBERS_MAX - 1);

	/* a rule set by the call site, and one too long for the field */
	al_err(AUTOLIC_EPERM, "the acting account may not do this");
	assert_int_equal(al_err_rule("ROLE-7"), AUTOLIC_EPERM);
	assert_string_equal(last_error().rule, "ROLE-7");
	al_err_rule("ABCDEFGHIJKLMNOPQRSTUVWXYZ-1");
	assert_int_equal(strlen(last_error().rule), AUTOLIC_ERROR_RULE_MAX);
}

static void t_copy_out_checks(void **state)
{
	(void)state;
	al_err(AUTOLIC_ENOTOKENS, "FLEX-5: not enough tokens");
	al_err_num("needed", 5);
	assert_int_equal(autolic_error_last(NULL), AUTOLIC_EINVAL);
	autolic_error_info e;
	memset(&e, 0, sizeof e);
	assert_int_equal(autolic_error_last(&e), AUTOLIC_EVERSION);
	assert_int_equal(e.code, 0); /* nothing written */
	e.version = AUTOLIC_ERROR_INFO_VERSION + 1;
	assert_int_equal(autolic_error_last(&e), AUTOLIC_EVERSION);
	assert_string_equal(e.message, "");
	/* the failure is still the one before */
	e = last_error();
	assert_int_equal(e.code, AUTOLIC_ENOTOKENS);
	assert_string_equal(e.rule, "FLEX-5");
	assert_int_equal(e.number_count, 1);
	assert_string_equal(autolic_errmsg(), "FLEX-5: not enough tokens");
}

static void t_save_restore_prefix(void **state)
{
	(void)state;
	al_err(AUTOLIC_ENOSEAT, "SEAT-2: all seats in use");
	al_err_obj(AUTOLIC_OBJECT_PRODUCT, 0, "inventor");
	al_err_num("used", 2);
	autolic_error_info kept;
	al_err_save(&kept);
	al_err(AUTOLIC_EEXISTS, "SEAT-1: another");
	assert_int_equal(al_err_restore(&kept), AUTOLIC_ENOSEAT);
	autolic_error_info e = last_error();
	assert_string_equal(e.rule, "SEAT-2");
	assert_string_equal(e.message, "SEAT-2: all seats in use");
	assert_int_equal(e.object_count, 1);
	assert_string_equal(e.objects[0].name, "inventor");

	/* a prefix keeps the fields and the rule */
	al_err_prefix("line %d", 4);
	e = last_error();
	assert_string_equal(e.message, "line 4: SEAT-2: all seats in use");
	assert_string_equal(e.rule, "SEAT-2");
	assert_int_equal(e.number_count, 1);
	/* a prefix the message starts with already is not repeated */
	al_err(AUTOLIC_EPERM,
	       "ROLE-7: permission denied: acting account x@example.com was removed");
	al_err_prefix("%s", "ROLE-7");
	assert_string_equal(autolic_errmsg(),
	                    "ROLE-7: permission denied: acting account x@example.com was removed");
	al_err_prefix("%s", "FLEX-1");
	assert_string_equal(autolic_errmsg(), "FLEX-1: ROLE-7: permission denied: acting account "
	                                      "x@example.com was removed");
	assert_string_equal(last_error().rule, "ROLE-7");
	/* and names the rule when the message had none */
	al_err(AUTOLIC_EINVAL, "update code is empty");
	al_err_prefix("ROLE-8");
	assert_string_equal(last_error().rule, "ROLE-8");
}

/* A library call that fails fills the fields as al_err() does. */
static void t_library_call(void **state)
{
	(void)state;
	assert_int_equal(autolic_db_begin(NULL), AUTOLIC_EINVAL);
	autolic_error_info e = last_error();
	assert_int_equal(e.code, AUTOLIC_EINVAL);
	assert_string_equal(e.rule, "");
	assert_string_equal(e.message, "db is NULL");

	/* a backend's failure published at its own entry point */
	autolic_storage_set_error("%s", "backend open: cannot reach the server");
	assert_int_equal(autolic_storage_result(AUTOLIC_ESTORAGE), AUTOLIC_ESTORAGE);
	e = last_error();
	assert_int_equal(e.code, AUTOLIC_ESTORAGE);
	assert_string_equal(e.message, "backend open: cannot reach the server");
	assert_int_equal(autolic_storage_result(0), 0);
	assert_int_equal(last_error().code, 0);
}

static void *other_thread(void *arg)
{
	autolic_error_info *out = arg;
	out->version = AUTOLIC_ERROR_INFO_VERSION;
	autolic_error_last(out); /* nothing failed on this thread yet */
	al_err(AUTOLIC_EPERM, "ROLE-6: not here");
	return NULL;
}

static void t_per_thread(void **state)
{
	(void)state;
	al_err(AUTOLIC_ENOTOKENS, "FLEX-5: mine");
	autolic_error_info theirs;
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, other_thread, &theirs), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(theirs.code, 0);
	assert_string_equal(theirs.message, "");
	autolic_error_info e = last_error();
	assert_int_equal(e.code, AUTOLIC_ENOTOKENS);
	assert_string_equal(e.rule, "FLEX-5");
}

static void t_time_text(void **state)
{
	(void)state;
	static const struct {
		autolic_time t;
		const char *text;
	} cases[] = {
	    {0, "1970-01-01T00:00:00Z"},
	    {1769817600, "2026-01-31T00:00:00Z"},
	    {951782400, "2000-02-29T00:00:00Z"},
	    {951868799, "2000-02-29T23:59:59Z"},
	    {-1, "1969-12-31T23:59:59Z"},
	    {-86400, "1969-12-31T00:00:00Z"},
	    {-62135596800, "0001-01-01T00:00:00Z"},
	    {-62167219200, "0000-01-01T00:00:00Z"},
	    {-62167219201, "-0001-12-31T23:59:59Z"},
	    {253402300799, "9999-12-31T23:59:59Z"},
	    {253402300800, "+10000-01-01T00:00:00Z"},
	    {INT64_MAX, "+292277026596-12-04T15:30:07Z"},
	    {INT64_MIN, "-292277022657-01-27T08:29:52Z"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char b[AL_TIME_TEXT_CAP];
		assert_ptr_equal(al_time_text(b, cases[i].t), b);
		assert_string_equal(b, cases[i].text);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_rule_from_message),
	    cmocka_unit_test(t_objects_and_numbers),
	    cmocka_unit_test(t_limits),
	    cmocka_unit_test(t_copy_out_checks),
	    cmocka_unit_test(t_save_restore_prefix),
	    cmocka_unit_test(t_library_call),
	    cmocka_unit_test(t_per_thread),
	    cmocka_unit_test(t_time_text),
	};
	return t_run_group("error_info", tests, NULL, NULL);
}
