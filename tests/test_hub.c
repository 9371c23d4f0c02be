/* Developer hubs: APS-2, APS-3, APS-4. */
#include "t_roles.h"

typedef struct {
	t_faulty f;
	t_clock c;
	t_events e;
	autolic_db *db;
	autolic_id ann, bob, uma, zed;
	autolic_id t1, t2;
} fx;

static int setup(void **state)
{
	fx *x = calloc(1, sizeof *x);
	x->c.now = T_NOW;
	x->db = t_open(&x->f, &x->c, &x->e, NULL);
	x->ann = t_register(x->db, "ann@example.com", "Ann", "Primary");
	x->bob = t_register(x->db, "bob@example.com", "Bob", "Secondary");
	x->uma = t_register(x->db, "uma@example.com", "Uma", "User");
	x->zed = t_register(x->db, "zed@example.com", "Zed", "Other");
	autolic_team_spec s = AUTOLIC_TEAM_SPEC_INIT;
	s.name = "One";
	T_OK(autolic_team_create(x->db, x->ann, &s, &x->t1));
	s.name = "Two";
	T_OK(autolic_team_create(x->db, x->zed, &s, &x->t2));
	T_OK(autolic_team_add_admin(x->db, x->ann, x->t1, x->bob));
	T_OK(autolic_account_invite_text(x->db, x->ann, x->t1, "uma@example.com", NULL));
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	fx *x = *state;
	autolic_db_close(x->db);
	free(x);
	return 0;
}

/* APS-3: only a team administrator (primary or secondary) creates the hub. */
static void test_create_by_admin(void **state)
{
	fx *x = *state;
	autolic_id h;
	T_UNCHANGED(&x->f, T_FAILS(AUTOLIC_EPERM, "APS-3",
	                           autolic_hub_create(x->db, x->uma, x->t1, "Hub", &h)));
	T_FAILS(AUTOLIC_EPERM, "APS-3", autolic_hub_create(x->db, x->zed, x->t1, "Hub", &h));
	T_FAILS(AUTOLIC_EPERM, "ROLE-7", autolic_hub_create(x->db, 99, x->t1, "Hub", &h));
	T_OK(autolic_hub_create(x->db, x->bob, x->t1, "Hub one", &h)); /* a secondary admin may */
	autolic_hub_info i = {.version = AUTOLIC_HUB_INFO_VERSION};
	T_OK(autolic_hub_get(x->db, h, &i));
	assert_int_equal(i.team, x->t1);
	assert_string_equal(i.name, "Hub one");
	assert_int_equal(i.created_by, x->bob);
	autolic_id found;
	T_OK(autolic_hub_find(x->db, x->t1, &found));
	assert_int_equal(found, h);
	T_FAILS(AUTOLIC_ENOTFOUND, "no developer hub", autolic_hub_find(x->db, x->t2, &found));
	T_FAILS(AUTOLIC_ENOTFOUND, "team 99", autolic_hub_find(x->db, 99, &found));
}

/* APS-2: a team has at most one hub; a hub belongs to exactly one team. */
static void test_one_hub_per_team(void **state)
{
	fx *x = *state;
	autolic_id h1, h2;
	T_OK(autolic_hub_create(x->db, x->ann, x->t1, "Hub one", &h1));
	T_UNCHANGED(&x->f, T_FAILS(AUTOLIC_EEXISTS, "APS-2",
	                           autolic_hub_create(x->db, x->bob, x->t1, "Another", &h2)));
	T_OK(autolic_hub_create(x->db, x->zed, x->t2, "Hub two", &h2));
	assert_int_not_equal(h1, h2);
	autolic_hub_info i = {.version = AUTOLIC_HUB_INFO_VERSION};
	T_OK(autolic_hub_get(x->db, h2, &i));
	assert_int_equal(i.team, x->t2);
}

/* APS-4: hubs never move; applications move between hubs by an
 * administrator of both. */
static void test_move_apps(void **state)
{
	fx *x = *state;
	autolic_id h1, h2, app;
	T_OK(autolic_hub_create(x->db, x->ann, x->t1, "Hub one", &h1));
	T_OK(autolic_hub_create(x->db, x->zed, x->t2, "Hub two", &h2));
	T_FAILS(AUTOLIC_EPERM, "APS-4", autolic_hub_app_create(x->db, x->uma, h1, "App", &app));
	T_OK(autolic_hub_app_create(x->db, x->ann, h1, "App", &app));
	/* ann administers only hub one */
	T_UNCHANGED(&x->f,
	            T_FAILS(AUTOLIC_EPERM, "APS-4", autolic_hub_app_move(x->db, x->ann, app, h2)));
	/* zed administers only hub two */
	T_FAILS(AUTOLIC_EPERM, "APS-4", autolic_hub_app_move(x->db, x->zed, app, h2));
	/* appointed hub administrators */
	T_OK(autolic_account_invite_text(x->db, x->zed, x->t2, "ann@example.com", NULL));
	T_OK(autolic_hub_add_admin(x->db, x->zed, h2, x->ann));
	T_FAILS(AUTOLIC_EEXISTS, "APS-4", autolic_hub_add_admin(x->db, x->zed, h2, x->ann));
	T_OK(autolic_hub_app_move(x->db, x->ann, app, h2));
	autolic_app_info a = {.version = AUTOLIC_APP_INFO_VERSION};
	T_OK(autolic_hub_app_get(x->db, app, &a));
	assert_int_equal(a.hub, h2);
	assert_string_equal(a.name, "App");
	T_FAILS(AUTOLIC_ESTATE, "APS-4", autolic_hub_app_move(x->db, x->ann, app, h2));
	/* the hubs stayed in their teams, whatever happened to the teams */
	T_OK(autolic_team_set_primary(x->db, x->ann, x->t1, x->bob));
	autolic_hub_info i = {.version = AUTOLIC_HUB_INFO_VERSION};
	T_OK(autolic_hub_get(x->db, h1, &i));
	assert_int_equal(i.team, x->t1);
	T_OK(autolic_hub_get(x->db, h2, &i));
	assert_int_equal(i.team, x->t2);
	/* appointing: only a team admin, only an active team member */
	T_FAILS(AUTOLIC_EPERM, "APS-4", autolic_hub_add_admin(x->db, x->uma, h1, x->uma));
	T_FAILS(AUTOLIC_ESTATE, "APS-4", autolic_hub_add_admin(x->db, x->bob, h1, x->zed));
	/* a team administrator already administers the hub: no appointment that
	 * would outlive a demotion */
	T_FAILS(AUTOLIC_EEXISTS, "APS-4", autolic_hub_add_admin(x->db, x->bob, h1, x->ann));
	/* a removed account loses its appointments */
	T_OK(autolic_hub_add_admin(x->db, x->bob, h1, x->uma));
	T_OK(autolic_account_remove(x->db, x->bob, x->uma));
	T_FAILS(AUTOLIC_EPERM, "ROLE-7", autolic_hub_app_create(x->db, x->uma, h1, "Nope", NULL));
}

static void test_bad_input(void **state)
{
	fx *x = *state;
	autolic_id h;
	char longname[AUTOLIC_HUB_NAME_MAX + 2];
	memset(longname, 'h', sizeof longname - 1);
	longname[sizeof longname - 1] = 0;
	t_dump b, a;
	t_dump_store(&x->f.inner, &b);
	T_FAILS(AUTOLIC_EINVAL, NULL, autolic_hub_create(NULL, x->ann, x->t1, "H", &h));
	T_FAILS(AUTOLIC_EINVAL, "ROLE-7", autolic_hub_create(x->db, 0, x->t1, "H", &h));
	T_FAILS(AUTOLIC_EINVAL, "team", autolic_hub_create(x->db, x->ann, 0, "H", &h));
	T_FAILS(AUTOLIC_EINVAL, "hub name", autolic_hub_create(x->db, x->ann, x->t1, NULL, &h));
	T_FAILS(AUTOLIC_EINVAL, "hub name", autolic_hub_create(x->db, x->ann, x->t1, "", &h));
	T_FAILS(AUTOLIC_EINVAL, "longer", autolic_hub_create(x->db, x->ann, x->t1, longname, &h));
	T_FAILS(AUTOLIC_EINVAL, "control", autolic_hub_create(x->db, x->ann, x->t1, "a\nb", &h));
	T_FAILS(AUTOLIC_ENOTFOUND, "team 99", autolic_hub_create(x->db, x->ann, 99, "H", &h));
	T_FAILS(AUTOLIC_ENOTFOUND, "hub 99", autolic_hub_app_create(x->db, x->ann, 99, "A", &h));
	T_FAILS(AUTOLIC_EINVAL, NULL, autolic_hub_app_move(x->db, x->ann, 0, 1));
	T_FAILS(AUTOLIC_ENOTFOUND, "application 99", autolic_hub_app_move(x->db, x->ann, 99, 1));
	T_FAILS(AUTOLIC_EINVAL, NULL, autolic_hub_add_admin(x->db, x->ann, 1, 0));
	t_dump_store(&x->f.inner, &a);
	assert_true(t_dump_equal(&a, &b));
	t_dump_free(&a);
	t_dump_free(&b);
	autolic_hub_info i = {.version = 0};
	T_FAILS(AUTOLIC_EVERSION, NULL, autolic_hub_get(x->db, 1, &i));
	i.version = AUTOLIC_HUB_INFO_VERSION;
	T_FAILS(AUTOLIC_ENOTFOUND, NULL, autolic_hub_get(x->db, 1, &i));
	autolic_app_info ai = {.version = AUTOLIC_APP_INFO_VERSION};
	T_FAILS(AUTOLIC_ENOTFOUND, NULL, autolic_hub_app_get(x->db, 1, &ai));
}

/* Fault loop over the hub calls. */
static int fl_setup(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	(void)ctx;
	autolic_id a = t_register(db, "ann@example.com", "Ann", "A");
	autolic_team_spec s = AUTOLIC_TEAM_SPEC_INIT;
	s.name = "One";
	int rc = autolic_team_create(db, a, &s, NULL);
	s.name = "Two";
	if (!rc)
		rc = autolic_team_create(db, a, &s, NULL);
	if (!rc)
		rc = autolic_hub_create(db, a, 2, "Hub two", NULL);
	if (!rc)
		rc = autolic_hub_app_create(db, a, 1, "App", NULL);
	return rc;
}

static int fl_create(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	(void)ctx;
	autolic_id h;
	int rc = autolic_hub_find(db, 1, &h);
	if (rc == AUTOLIC_ENOTFOUND)
		return autolic_hub_create(db, 1, 1, "Hub one", NULL);
	return rc;
}

static int fl_setup_two(autolic_db *db, t_clock *c, void *ctx)
{
	int rc = fl_setup(db, c, ctx);
	return rc ? rc : autolic_hub_create(db, 1, 1, "Hub one", NULL);
}

/* hub 1 is team 2's, hub 2 team 1's; the app starts in hub 1 */
static int fl_move(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	(void)ctx;
	autolic_app_info a = {.version = AUTOLIC_APP_INFO_VERSION};
	int rc = autolic_hub_app_get(db, 1, &a);
	return rc ? rc : autolic_hub_app_move(db, 1, 1, a.hub == 1 ? 2 : 1);
}

static void test_fault_loop(void **state)
{
	(void)state;
	assert_true(t_fault_loop(fl_setup, fl_create, NULL) > 5);
	assert_true(t_fault_loop(fl_setup_two, fl_move, NULL) > 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_create_by_admin, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_one_hub_per_team, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_move_apps, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
	    cmocka_unit_test(test_fault_loop),
	};
	return t_run_group("hub", tests, NULL, NULL);
}
