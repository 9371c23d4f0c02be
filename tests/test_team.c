/* Teams and team administrators: APS-1, ROLE-3, and the internal contract
 * of src/team.h that seats, Flex and Operations build on. */
#include "t_roles.h"
#include "team.h"
#include "core/txn.h"

typedef t_people fx;

static int setup(void **state)
{
	*state = t_people_open("Design office");
	return 0;
}

static int role_of(fx *x, autolic_id team, autolic_id a)
{
	int role = -1;
	T_OK(autolic_team_role_get(x->db, team, a, &role));
	return role;
}

/* APS-1: a team is created with its creator as primary administrator. */
static void test_create(void **state)
{
	fx *x = *state;
	autolic_team_info info = {.version = AUTOLIC_TEAM_INFO_VERSION};
	T_OK(autolic_team_get(x->db, x->team, &info));
	assert_string_equal(info.name, "Design office");
	assert_int_equal(info.primary, x->ann);
	assert_int_equal(info.created, T_NOW);
	assert_int_equal(role_of(x, x->team, x->ann), AUTOLIC_TEAM_PRIMARY);
	assert_int_equal(role_of(x, x->team, x->cat), AUTOLIC_TEAM_NONE);
}

static void test_create_bad_input(void **state)
{
	fx *x = *state;
	autolic_team_spec s = AUTOLIC_TEAM_SPEC_INIT;
	char longname[AUTOLIC_TEAM_NAME_MAX + 2];
	memset(longname, 'x', sizeof longname - 1);
	longname[sizeof longname - 1] = 0;
	autolic_id id = 0;
	T_UNCHANGED(&x->f, T_FAILS(AUTOLIC_EINVAL, "team name",
	                           autolic_team_create(x->db, x->ann, &s, &id)));
	s.name = "";
	T_FAILS(AUTOLIC_EINVAL, "team name", autolic_team_create(x->db, x->ann, &s, &id));
	s.name = longname;
	T_FAILS(AUTOLIC_EINVAL, "longer", autolic_team_create(x->db, x->ann, &s, &id));
	s.name = "tab\there";
	T_FAILS(AUTOLIC_EINVAL, "control", autolic_team_create(x->db, x->ann, &s, &id));
	s.name = "ok";
	T_FAILS(AUTOLIC_EINVAL, "ROLE-7", autolic_team_create(x->db, 0, &s, &id));
	T_FAILS(AUTOLIC_EINVAL, NULL, autolic_team_create(x->db, x->ann, NULL, &id));
	T_FAILS(AUTOLIC_EINVAL, NULL, autolic_team_create(NULL, x->ann, &s, &id));
	s.version = 99;
	T_FAILS(AUTOLIC_EVERSION, NULL, autolic_team_create(x->db, x->ann, &s, &id));
	s.version = AUTOLIC_TEAM_SPEC_VERSION;
	/* ROLE-7: an unknown actor is refused and nothing is created */
	T_UNCHANGED(&x->f,
	            T_FAILS(AUTOLIC_EPERM, "ROLE-7", autolic_team_create(x->db, 999, &s, &id)));
	autolic_team_info info = {.version = AUTOLIC_TEAM_INFO_VERSION};
	T_FAILS(AUTOLIC_ENOTFOUND, "team 77", autolic_team_get(x->db, 77, &info));
	info.version = 0;
	T_FAILS(AUTOLIC_EVERSION, NULL, autolic_team_get(x->db, x->team, &info));
	int role;
	T_FAILS(AUTOLIC_ENOTFOUND, "team 77", autolic_team_role_get(x->db, 77, x->ann, &role));
	T_FAILS(AUTOLIC_EINVAL, NULL, autolic_team_role_get(x->db, x->team, x->ann, NULL));
}

/* APS-1: an administrator may manage several teams. */
static void test_several_teams(void **state)
{
	fx *x = *state;
	autolic_team_spec s = AUTOLIC_TEAM_SPEC_INIT;
	s.name = "Second office";
	autolic_id t2;
	T_OK(autolic_team_create(x->db, x->ann, &s, &t2));
	assert_int_not_equal(t2, x->team);
	assert_int_equal(role_of(x, t2, x->ann), AUTOLIC_TEAM_PRIMARY);
	assert_int_equal(role_of(x, x->team, x->ann), AUTOLIC_TEAM_PRIMARY);
}

/* ROLE-3: any number of secondary admins; only the primary adds them. */
static void test_add_admin(void **state)
{
	fx *x = *state;
	T_OK(autolic_team_add_admin(x->db, x->ann, x->team, x->bob));
	assert_int_equal(role_of(x, x->team, x->bob), AUTOLIC_TEAM_SECONDARY);
	assert_int_equal(t_events_count(&x->e, AUTOLIC_EVENT_ROLE_CHANGED), 1);
	assert_int_equal(x->e.v[0].recipient, x->bob);
	T_OK(autolic_team_add_admin(x->db, x->ann, x->team, x->cat));
	assert_int_equal(role_of(x, x->team, x->cat), AUTOLIC_TEAM_SECONDARY);
	T_FAILS(AUTOLIC_EEXISTS, "already", autolic_team_add_admin(x->db, x->ann, x->team, x->bob));
	/* a secondary admin may not appoint others (ROLE-6: assign the coordinator is CM only) */
	autolic_id dan = t_register(x->db, "dan@example.com", "Dan", "D");
	T_UNCHANGED(&x->f, T_FAILS(AUTOLIC_EPERM, "ROLE-6",
	                           autolic_team_add_admin(x->db, x->bob, x->team, dan)));
	T_FAILS(AUTOLIC_ENOTFOUND, "account 999",
	        autolic_team_add_admin(x->db, x->ann, x->team, 999));
	T_FAILS(AUTOLIC_ENOTFOUND, "team 999", autolic_team_add_admin(x->db, x->ann, 999, dan));
	T_FAILS(AUTOLIC_EINVAL, NULL, autolic_team_add_admin(x->db, x->ann, x->team, 0));
	T_FAILS(AUTOLIC_EINVAL, "ROLE-7", autolic_team_add_admin(x->db, 0, x->team, dan));
}

/* SEAM-2, ROLE-3: the primary administrator is the contract manager of the
 * team's contracts: handing the team over hands them over, and a contract
 * on automatic renewal refuses it, changing nothing. */
static void test_set_primary_moves_contracts(void **state)
{
	fx *x = *state;
	autolic_id c = t_buy1(x->db, x->ann, x->team, T_NOW);
	T_OK(autolic_team_add_admin(x->db, x->ann, x->team, x->bob));
	T_OK(autolic_contract_set_auto_renew(x->db, x->ann, c, 1));
	T_UNCHANGED(&x->f, T_FAILS(AUTOLIC_ESTATE, "automatic renewal",
	                           autolic_team_set_primary(x->db, x->ann, x->team, x->bob)));
	assert_int_equal(role_of(x, x->team, x->ann), AUTOLIC_TEAM_PRIMARY);
	T_OK(autolic_contract_set_auto_renew(x->db, x->ann, c, 0));
	T_OK(autolic_team_set_primary(x->db, x->ann, x->team, x->bob));
	autolic_contract_info i = {.version = AUTOLIC_CONTRACT_INFO_VERSION};
	T_OK(autolic_contract_get(x->db, c, &i));
	assert_int_equal(i.manager, x->bob);
	/* the former primary no longer manages the contract (ROLE-6) */
	T_FAILS(AUTOLIC_EPERM, "ROLE-6", autolic_contract_set_auto_renew(x->db, x->ann, c, 1));
	T_FAILS(AUTOLIC_EPERM, "ROLE-3",
	        autolic_contract_transfer_manager(x->db, x->ann, c, x->bob));
	T_OK(autolic_contract_set_auto_renew(x->db, x->bob, c, 1));
}

/* ROLE-3: one primary; only a secondary can become primary; the former
 * primary becomes secondary; only the primary hands over. */
static void test_set_primary(void **state)
{
	fx *x = *state;
	/* a non-member, then a plain outsider, cannot become primary */
	T_UNCHANGED(&x->f, T_FAILS(AUTOLIC_ESTATE, "ROLE-3",
	                           autolic_team_set_primary(x->db, x->ann, x->team, x->cat)));
	T_OK(autolic_team_add_admin(x->db, x->ann, x->team, x->bob));
	/* only the current primary may hand over */
	T_UNCHANGED(&x->f, T_FAILS(AUTOLIC_EPERM, "ROLE-3",
	                           autolic_team_set_primary(x->db, x->bob, x->team, x->bob)));
	/* the primary is not a secondary: cannot "become" primary again */
	T_FAILS(AUTOLIC_ESTATE, "ROLE-3", autolic_team_set_primary(x->db, x->ann, x->team, x->ann));
	x->e.n = 0;
	T_OK(autolic_team_set_primary(x->db, x->ann, x->team, x->bob));
	assert_int_equal(role_of(x, x->team, x->bob), AUTOLIC_TEAM_PRIMARY);
	assert_int_equal(role_of(x, x->team, x->ann), AUTOLIC_TEAM_SECONDARY);
	autolic_team_info info = {.version = AUTOLIC_TEAM_INFO_VERSION};
	T_OK(autolic_team_get(x->db, x->team, &info));
	assert_int_equal(info.primary, x->bob);
	assert_int_equal(t_events_count(&x->e, AUTOLIC_EVENT_ROLE_CHANGED), 2);
	/* the former primary lost the right */
	T_FAILS(AUTOLIC_EPERM, "ROLE-3", autolic_team_set_primary(x->db, x->ann, x->team, x->ann));
	/* exactly one primary */
	autolic_id members[] = {x->ann, x->bob, x->cat};
	int primaries = 0;
	for (int i = 0; i < 3; i++)
		primaries += role_of(x, x->team, members[i]) == AUTOLIC_TEAM_PRIMARY;
	assert_int_equal(primaries, 1);
}

/* ROLE-3: a secondary admin may be made a plain user again. */
static void test_remove_admin(void **state)
{
	fx *x = *state;
	T_OK(autolic_team_add_admin(x->db, x->ann, x->team, x->bob));
	T_FAILS(AUTOLIC_EPERM, NULL, autolic_team_remove_admin(x->db, x->bob, x->team, x->bob));
	T_OK(autolic_team_remove_admin(x->db, x->ann, x->team, x->bob));
	assert_int_equal(role_of(x, x->team, x->bob), AUTOLIC_TEAM_USER);
	T_FAILS(AUTOLIC_ESTATE, "ROLE-3",
	        autolic_team_remove_admin(x->db, x->ann, x->team, x->bob));
	T_FAILS(AUTOLIC_ESTATE, "ROLE-3",
	        autolic_team_remove_admin(x->db, x->ann, x->team, x->ann));
}

/* The internal contract of src/team.h. */
typedef struct {
	autolic_id team, account;
	int role;
	int rc_check, rc_role, rc_admin;
	char msg[256];
} internal_args;

static int internal_fn(al_txn *t, void *arg)
{
	internal_args *a = arg;
	a->rc_check = al_team_check(t, a->team);
	a->rc_role = al_team_role(t, a->team, a->account, &a->role);
	a->rc_admin =
	    al_team_require_admin(t, a->team, a->account, "FLEX-7", "assigning Flex users");
	snprintf(a->msg, sizeof a->msg, "%s", autolic_errmsg());
	return 0;
}

static internal_args internal(fx *x, autolic_id team, autolic_id account)
{
	internal_args a = {team, account, -1, 0, 0, 0, ""};
	T_OK(al_run(x->db, 0, internal_fn, &a));
	return a;
}

static void test_internal_contract(void **state)
{
	fx *x = *state;
	T_OK(autolic_team_add_admin(x->db, x->ann, x->team, x->bob));
	internal_args a = internal(x, x->team, x->ann);
	assert_int_equal(a.rc_check, 0);
	assert_int_equal(a.role, AL_ROLE_PRIMARY);
	assert_int_equal(a.rc_admin, 0);
	a = internal(x, x->team, x->bob);
	assert_int_equal(a.role, AL_ROLE_SECONDARY);
	assert_int_equal(a.rc_admin, 0);
	a = internal(x, x->team, x->cat);
	assert_int_equal(a.rc_role, 0);
	assert_int_equal(a.role, AL_ROLE_NONE);
	assert_int_equal(a.rc_admin, AUTOLIC_EPERM);
	assert_non_null(strstr(a.msg, "FLEX-7"));
	assert_non_null(strstr(a.msg, "assigning Flex users"));
	a = internal(x, 4242, x->ann);
	assert_int_equal(a.rc_check, AUTOLIC_ENOTFOUND);
	assert_int_equal(a.rc_admin, AUTOLIC_ENOTFOUND);
	a = internal(x, x->team, 999);
	assert_int_equal(a.rc_admin, AUTOLIC_EPERM);
}

/* Fault loop over the team calls. */
static int fl_setup(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	(void)ctx;
	autolic_id a = t_register(db, "ann@example.com", "Ann", "A");
	t_register(db, "bob@example.com", "Bob", "B");
	autolic_team_spec s = AUTOLIC_TEAM_SPEC_INIT;
	s.name = "T";
	return autolic_team_create(db, a, &s, NULL);
}

static int fl_create(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	(void)ctx;
	autolic_team_spec s = AUTOLIC_TEAM_SPEC_INIT;
	s.name = "Another";
	return autolic_team_create(db, 1, &s, NULL);
}

static int fl_admin(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	(void)ctx;
	int rc = autolic_team_add_admin(db, 1, 1, 2);
	if (!rc)
		rc = autolic_team_set_primary(db, 1, 1, 2);
	if (!rc)
		rc = autolic_team_set_primary(db, 2, 1, 1); /* back, so a rerun succeeds */
	if (!rc)
		rc = autolic_team_remove_admin(db, 1, 1, 2);
	return rc;
}

/* APS-1, ROLE-3: the teams an account belongs to, with its role in each. */
static void test_iter_teams_of_account(void **state)
{
	fx *x = *state;
	autolic_team_spec s = AUTOLIC_TEAM_SPEC_INIT;
	s.name = "Bob's own";
	autolic_id own;
	T_OK(autolic_team_create(x->db, x->bob, &s, &own));
	T_OK(autolic_team_add_admin(x->db, x->ann, x->team, x->bob));

	autolic_team_iter *it = NULL;
	T_OK(autolic_team_iter_new(x->db, x->bob, &it));
	/* a change after the snapshot is not seen */
	T_OK(autolic_team_remove_admin(x->db, x->ann, x->team, x->bob));
	autolic_team_membership m = {.version = AUTOLIC_TEAM_MEMBERSHIP_VERSION};
	T_OK(autolic_team_iter_next(it, &m));
	assert_int_equal(m.team, x->team);
	assert_string_equal(m.name, "Design office");
	assert_int_equal(m.role, AUTOLIC_TEAM_SECONDARY);
	assert_int_equal(m.version, AUTOLIC_TEAM_MEMBERSHIP_VERSION);
	T_OK(autolic_team_iter_next(it, &m));
	assert_int_equal(m.team, own);
	assert_int_equal(m.role, AUTOLIC_TEAM_PRIMARY);
	assert_int_equal(autolic_team_iter_next(it, &m), AUTOLIC_ITEROVER);
	assert_int_equal(autolic_team_iter_next(it, &m), AUTOLIC_ITEROVER);
	autolic_team_iter_free(it);

	/* after the change: bob is a plain user of the first team */
	T_OK(autolic_team_iter_new(x->db, x->bob, &it));
	T_OK(autolic_team_iter_next(it, &m));
	assert_int_equal(m.role, AUTOLIC_TEAM_USER);
	autolic_team_iter_free(it);

	/* no teams */
	T_OK(autolic_team_iter_new(x->db, x->cat, &it));
	assert_int_equal(autolic_team_iter_next(it, &m), AUTOLIC_ITEROVER);
	autolic_team_iter_free(it);

	/* 0: every team, role NONE */
	T_OK(autolic_team_iter_new(x->db, 0, &it));
	size_t n = 0;
	while (autolic_team_iter_next(it, &m) == 0) {
		assert_int_equal(m.role, AUTOLIC_TEAM_NONE);
		n++;
	}
	assert_int_equal(n, 2);
	autolic_team_iter_free(it);
}

static void test_iter_bad_input(void **state)
{
	fx *x = *state;
	autolic_team_iter *it = (autolic_team_iter *)1;
	assert_int_equal(autolic_team_iter_new(x->db, 999, &it), AUTOLIC_ENOTFOUND);
	assert_null(it);
	assert_int_equal(autolic_team_iter_new(NULL, x->ann, &it), AUTOLIC_EINVAL);
	assert_int_equal(autolic_team_iter_new(x->db, x->ann, NULL), AUTOLIC_EINVAL);
	T_OK(autolic_team_iter_new(x->db, x->ann, &it));
	autolic_team_membership m = {.version = AUTOLIC_TEAM_MEMBERSHIP_VERSION + 1};
	assert_int_equal(autolic_team_iter_next(it, &m), AUTOLIC_EVERSION);
	assert_non_null(strstr(autolic_errmsg(), "autolic_team_membership"));
	assert_int_equal(autolic_team_iter_next(it, NULL), AUTOLIC_EINVAL);
	assert_int_equal(autolic_team_iter_next(NULL, &m), AUTOLIC_EINVAL);
	autolic_team_iter_free(it);
	autolic_team_iter_free(NULL);
}

/* Listing under faults: a failed snapshot leaves nothing allocated. */
static int fl_iter(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	(void)ctx;
	autolic_team_iter *it;
	int rc = autolic_team_iter_new(db, 1, &it);
	if (rc)
		return rc;
	autolic_team_membership m = {.version = AUTOLIC_TEAM_MEMBERSHIP_VERSION};
	rc = autolic_team_iter_next(it, &m);
	autolic_team_iter_free(it);
	return rc;
}

static int fl_admin_one(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	(void)ctx;
	int rc = autolic_team_add_admin(db, 1, 1, 2);
	return rc == AUTOLIC_EEXISTS ? 0 : rc;
}

static void test_fault_loop(void **state)
{
	(void)state;
	assert_true(t_fault_loop(fl_setup, fl_create, NULL) > 5);
	assert_true(t_fault_loop(fl_setup, fl_admin_one, NULL) > 5);
	assert_true(t_fault_loop(fl_setup, fl_iter, NULL) > 3);
	(void)fl_admin;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_create, setup, t_people_close),
	    cmocka_unit_test_setup_teardown(test_create_bad_input, setup, t_people_close),
	    cmocka_unit_test_setup_teardown(test_several_teams, setup, t_people_close),
	    cmocka_unit_test_setup_teardown(test_add_admin, setup, t_people_close),
	    cmocka_unit_test_setup_teardown(test_set_primary, setup, t_people_close),
	    cmocka_unit_test_setup_teardown(test_set_primary_moves_contracts, setup,
	                                    t_people_close),
	    cmocka_unit_test_setup_teardown(test_remove_admin, setup, t_people_close),
	    cmocka_unit_test_setup_teardown(test_internal_contract, setup, t_people_close),
	    cmocka_unit_test_setup_teardown(test_iter_teams_of_account, setup, t_people_close),
	    cmocka_unit_test_setup_teardown(test_iter_bad_input, setup, t_people_close),
	    cmocka_unit_test(test_fault_loop),
	};
	return t_run_group("team", tests, NULL, NULL);
}
