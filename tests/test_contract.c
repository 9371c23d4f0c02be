/* Contracts: ROLE-1, ROLE-2, ROLE-9, APS-1, the contract roles, and the
 * internal contract of src/contract.h that seats build on. */
#include "t_roles.h"
#include "contract.h"
#include "team.h"
#include "core/txn.h"

typedef t_people fx;

static int setup(void **state)
{
	*state = t_people_open(NULL);
	return 0;
}

static autolic_contract_info get(fx *x, autolic_id id)
{
	autolic_contract_info info;
	memset(&info, 0, sizeof info);
	info.version = AUTOLIC_CONTRACT_INFO_VERSION;
	T_OK(autolic_contract_get(x->db, id, &info));
	return info;
}

/* ROLE-1, ROLE-2, APS-1: a first purchase creates the subscriber's team,
 * the buyer is contract manager, the manager gets the order confirmation. */
static void test_buy(void **state)
{
	fx *x = *state;
	autolic_id c = t_buy1(x->db, x->ann, 0, T_NOW);
	autolic_contract_info i = get(x, c);
	assert_int_equal(i.id, c);
	assert_string_equal(i.number, "AL-00000001-8");
	assert_int_not_equal(i.team, 0);
	assert_int_equal(i.manager, x->ann);     /* ROLE-2 */
	assert_int_equal(i.coordinator, x->ann); /* until one is assigned */
	assert_int_equal(i.buyer, x->ann);
	assert_int_equal(i.start, T_NOW);
	assert_int_equal(i.end, T_NOW + T_YEAR);
	assert_int_equal(i.auto_renew, 0);
	assert_int_equal(i.status, AUTOLIC_CONTRACT_ACTIVE);
	assert_int_equal(i.nproducts, 2);
	int role;
	T_OK(autolic_team_role_get(x->db, i.team, x->ann, &role));
	assert_int_equal(role, AUTOLIC_TEAM_PRIMARY); /* APS-1: new subscriber's team */
	assert_int_equal(t_events_count(&x->e, AUTOLIC_EVENT_ORDER_CONFIRMED), 1);
	assert_int_equal(x->e.v[0].recipient, x->ann);
	assert_int_equal(x->e.v[0].object, c);
	assert_string_equal(x->e.v[0].rule, "ROLE-6");
	autolic_id found;
	T_OK(autolic_contract_find(x->db, i.number, &found));
	assert_int_equal(found, c);
	/* ROLE-1: products, quantities and serial numbers */
	autolic_contract_product_info p = {.version = AUTOLIC_CONTRACT_PRODUCT_INFO_VERSION};
	T_OK(autolic_contract_product_get(x->db, x->ann, c, "autocad", &p));
	assert_string_equal(p.product, "autocad");
	assert_int_equal(p.quantity, 5);
	assert_string_equal(p.serial, "100-00000001");
	T_OK(autolic_contract_product_get(x->db, x->ann, c, "revit", &p));
	assert_int_equal(p.quantity, 2);
	assert_string_equal(p.serial, "100-00000002");
	T_FAILS(AUTOLIC_ENOTFOUND, "maya",
	        autolic_contract_product_get(x->db, x->ann, c, "maya", &p));
}

/* ROLE-9: buying more creates a new contract with a new number; APS-1:
 * the second purchase goes to the buyer's team. */
static void test_buy_more(void **state)
{
	fx *x = *state;
	autolic_id c1 = t_buy1(x->db, x->ann, 0, T_NOW);
	autolic_id c2 = t_buy1(x->db, x->ann, 0, T_NOW);
	assert_int_not_equal(c1, c2);
	autolic_contract_info i1 = get(x, c1), i2 = get(x, c2);
	assert_string_not_equal(i1.number, i2.number);
	assert_int_equal(i1.team, i2.team);
	al_contract_product p;
	(void)p;
	/* the first contract's seats are unchanged */
	autolic_contract_product_info pi = {.version = AUTOLIC_CONTRACT_PRODUCT_INFO_VERSION};
	T_OK(autolic_contract_product_get(x->db, x->ann, c1, "autocad", &pi));
	assert_int_equal(pi.quantity, 5);
	/* serial numbers stay unique */
	autolic_contract_product_info pj = {.version = AUTOLIC_CONTRACT_PRODUCT_INFO_VERSION};
	T_OK(autolic_contract_product_get(x->db, x->ann, c2, "autocad", &pj));
	assert_string_not_equal(pi.serial, pj.serial);
}

/* APS-1: an administrator of several teams names the team of a purchase. */
static void test_buy_several_teams(void **state)
{
	fx *x = *state;
	autolic_team_spec s = AUTOLIC_TEAM_SPEC_INIT;
	autolic_id t1, t2;
	s.name = "One";
	T_OK(autolic_team_create(x->db, x->ann, &s, &t1));
	s.name = "Two";
	T_OK(autolic_team_create(x->db, x->ann, &s, &t2));
	const char *p[] = {"maya"};
	uint32_t q[] = {1};
	autolic_contract_product_spec ps = AUTOLIC_CONTRACT_PRODUCT_SPEC_INIT;
	ps.product = "maya";
	ps.quantity = 1;
	autolic_contract_spec cs = AUTOLIC_CONTRACT_SPEC_INIT;
	cs.products = &ps;
	cs.nproducts = 1;
	cs.start = T_NOW;
	cs.end = T_NOW + T_YEAR;
	T_UNCHANGED(&x->f, T_FAILS(AUTOLIC_EINVAL, "APS-1",
	                           autolic_contract_buy(x->db, x->ann, &cs, NULL)));
	autolic_id c = t_buy(x->db, x->ann, t2, p, q, 1, T_NOW, 0);
	assert_int_equal(get(x, c).team, t2);
	/* ROLE-6: only the team's primary admin subscribes for it */
	T_OK(autolic_team_add_admin(x->db, x->ann, t2, x->bob));
	cs.team = t2;
	T_UNCHANGED(&x->f, T_FAILS(AUTOLIC_EPERM, "ROLE-6",
	                           autolic_contract_buy(x->db, x->bob, &cs, NULL)));
	T_FAILS(AUTOLIC_EPERM, "ROLE-6", autolic_contract_buy(x->db, x->cat, &cs, NULL));
	cs.team = 999;
	T_FAILS(AUTOLIC_ENOTFOUND, "team 999", autolic_contract_buy(x->db, x->ann, &cs, NULL));
}

/* ROLE-1: status is derived from the term and the clock. */
static void test_status(void **state)
{
	fx *x = *state;
	assert_int_equal(al_contract_status_at(10, 20, 9), AUTOLIC_CONTRACT_PENDING);
	assert_int_equal(al_contract_status_at(10, 20, 10), AUTOLIC_CONTRACT_ACTIVE);
	assert_int_equal(al_contract_status_at(10, 20, 19), AUTOLIC_CONTRACT_ACTIVE);
	assert_int_equal(al_contract_status_at(10, 20, 20), AUTOLIC_CONTRACT_EXPIRED);
	autolic_id c = t_buy1(x->db, x->ann, 0, T_NOW + T_DAY);
	assert_int_equal(get(x, c).status, AUTOLIC_CONTRACT_PENDING);
	x->c.now = T_NOW + T_DAY;
	assert_int_equal(get(x, c).status, AUTOLIC_CONTRACT_ACTIVE);
	x->c.now = T_NOW + T_DAY + T_YEAR - 1;
	assert_int_equal(get(x, c).status, AUTOLIC_CONTRACT_ACTIVE);
	x->c.now = T_NOW + T_DAY + T_YEAR;
	assert_int_equal(get(x, c).status, AUTOLIC_CONTRACT_EXPIRED);
}

/* Contract numbers: unique, stable, printable, with a check digit. */
static void test_number_format(void **state)
{
	(void)state;
	char a[32], b[32];
	al_contract_number(1, a, sizeof a);
	assert_string_equal(a, "AL-00000001-8");
	al_contract_number(1, b, sizeof b);
	assert_string_equal(a, b);
	al_contract_number(2, b, sizeof b);
	assert_string_not_equal(a, b);
	al_contract_number(123456789ULL, b, sizeof b);
	assert_string_equal(b, "AL-123456789-7");
	for (autolic_id id = 1; id < 2000; id++) {
		al_contract_number(id, b, sizeof b);
		for (const char *s = b; *s; s++)
			assert_true(*s > 0x20 && *s < 0x7f);
		/* the Luhn check over digits and check digit holds */
		int sum = 0, dbl = 0;
		for (int i = (int)strlen(b) - 1; i >= 3; i--) {
			if (b[i] == '-')
				continue;
			int d = b[i] - '0';
			if (dbl && (d *= 2) > 9)
				d -= 9;
			sum += d;
			dbl = !dbl;
		}
		assert_int_equal(sum % 10, 0);
	}
}

/* Host-supplied serial numbers must be unique (ROLE-1). */
static void test_serials(void **state)
{
	fx *x = *state;
	autolic_contract_product_spec ps[2] = {AUTOLIC_CONTRACT_PRODUCT_SPEC_INIT,
	                                       AUTOLIC_CONTRACT_PRODUCT_SPEC_INIT};
	ps[0].product = "autocad";
	ps[0].quantity = 3;
	ps[0].serial = "100-00000001"; /* the first generated one: generation must skip it */
	ps[1].product = "revit";
	ps[1].quantity = 1;
	autolic_contract_spec cs = AUTOLIC_CONTRACT_SPEC_INIT;
	cs.products = ps;
	cs.nproducts = 2;
	cs.start = T_NOW;
	cs.end = T_NOW + T_YEAR;
	autolic_id c;
	T_OK(autolic_contract_buy(x->db, x->ann, &cs, &c));
	autolic_contract_product_info pi = {.version = AUTOLIC_CONTRACT_PRODUCT_INFO_VERSION};
	T_OK(autolic_contract_product_get(x->db, x->ann, c, "revit", &pi));
	assert_string_equal(pi.serial, "100-00000002");
	ps[1].serial = "XYZ-1";
	T_UNCHANGED(&x->f, T_FAILS(AUTOLIC_EEXISTS, "100-00000001",
	                           autolic_contract_buy(x->db, x->ann, &cs, &c)));
}

static void test_buy_bad_input(void **state)
{
	fx *x = *state;
	autolic_contract_product_spec ps[2] = {AUTOLIC_CONTRACT_PRODUCT_SPEC_INIT,
	                                       AUTOLIC_CONTRACT_PRODUCT_SPEC_INIT};
	ps[0].product = "autocad";
	ps[0].quantity = 3;
	ps[1].product = "revit";
	ps[1].quantity = 1;
	autolic_contract_spec cs = AUTOLIC_CONTRACT_SPEC_INIT;
	cs.products = ps;
	cs.nproducts = 2;
	cs.start = T_NOW;
	cs.end = T_NOW + T_YEAR;
	t_dump before, after;
	t_dump_store(&x->f.inner, &before);
	T_FAILS(AUTOLIC_EINVAL, NULL, autolic_contract_buy(NULL, x->ann, &cs, NULL));
	T_FAILS(AUTOLIC_EINVAL, NULL, autolic_contract_buy(x->db, x->ann, NULL, NULL));
	T_FAILS(AUTOLIC_EINVAL, "ROLE-7", autolic_contract_buy(x->db, 0, &cs, NULL));
	T_FAILS(AUTOLIC_EPERM, "ROLE-7", autolic_contract_buy(x->db, 999, &cs, NULL));
	cs.version = 7;
	T_FAILS(AUTOLIC_EVERSION, NULL, autolic_contract_buy(x->db, x->ann, &cs, NULL));
	cs.version = AUTOLIC_CONTRACT_SPEC_VERSION;
	cs.nproducts = 0;
	T_FAILS(AUTOLIC_EINVAL, "at least one product",
	        autolic_contract_buy(x->db, x->ann, &cs, NULL));
	cs.nproducts = AUTOLIC_CONTRACT_PRODUCTS_MAX + 1;
	T_FAILS(AUTOLIC_EINVAL, "at most", autolic_contract_buy(x->db, x->ann, &cs, NULL));
	cs.nproducts = 2;
	cs.end = cs.start;
	T_FAILS(AUTOLIC_EINVAL, "term", autolic_contract_buy(x->db, x->ann, &cs, NULL));
	cs.end = T_NOW + T_YEAR;
	ps[1].product = "autocad";
	T_FAILS(AUTOLIC_EINVAL, "twice", autolic_contract_buy(x->db, x->ann, &cs, NULL));
	ps[1].product = "";
	T_FAILS(AUTOLIC_EINVAL, "product code", autolic_contract_buy(x->db, x->ann, &cs, NULL));
	ps[1].product = NULL;
	T_FAILS(AUTOLIC_EINVAL, "product code", autolic_contract_buy(x->db, x->ann, &cs, NULL));
	ps[1].product = "bad code";
	T_FAILS(AUTOLIC_EINVAL, "product code", autolic_contract_buy(x->db, x->ann, &cs, NULL));
	char longcode[AUTOLIC_PRODUCT_MAX + 2];
	memset(longcode, 'a', sizeof longcode - 1);
	longcode[sizeof longcode - 1] = 0;
	ps[1].product = longcode;
	T_FAILS(AUTOLIC_EINVAL, "longer", autolic_contract_buy(x->db, x->ann, &cs, NULL));
	ps[1].product = "revit";
	ps[1].quantity = 0;
	T_FAILS(AUTOLIC_EINVAL, "quantity", autolic_contract_buy(x->db, x->ann, &cs, NULL));
	ps[1].quantity = AUTOLIC_SEATS_MAX + 1;
	T_FAILS(AUTOLIC_EINVAL, "quantity", autolic_contract_buy(x->db, x->ann, &cs, NULL));
	ps[1].quantity = 1;
	ps[1].serial = "has space";
	T_FAILS(AUTOLIC_EINVAL, "serial", autolic_contract_buy(x->db, x->ann, &cs, NULL));
	ps[1].serial = "";
	T_FAILS(AUTOLIC_EINVAL, "serial", autolic_contract_buy(x->db, x->ann, &cs, NULL));
	ps[0].serial = ps[1].serial = "S-1";
	T_FAILS(AUTOLIC_EINVAL, "twice", autolic_contract_buy(x->db, x->ann, &cs, NULL));
	ps[0].serial = ps[1].serial = NULL;
	ps[1].version = 0;
	T_FAILS(AUTOLIC_EVERSION, NULL, autolic_contract_buy(x->db, x->ann, &cs, NULL));
	t_dump_store(&x->f.inner, &after);
	assert_true(t_dump_equal(&before, &after));
	t_dump_free(&before);
	t_dump_free(&after);
	autolic_contract_info info = {.version = AUTOLIC_CONTRACT_INFO_VERSION};
	T_FAILS(AUTOLIC_ENOTFOUND, "contract AL-00000005-9", autolic_contract_get(x->db, 5, &info));
	info.version = 0;
	T_FAILS(AUTOLIC_EVERSION, NULL, autolic_contract_get(x->db, 5, &info));
	autolic_id id;
	T_FAILS(AUTOLIC_ENOTFOUND, "AL-1", autolic_contract_find(x->db, "AL-1", &id));
	T_FAILS(AUTOLIC_EINVAL, NULL, autolic_contract_find(x->db, "", &id));
	T_FAILS(AUTOLIC_EINVAL, NULL, autolic_contract_find(x->db, NULL, &id));
}

/* The internal contract of src/contract.h. */
typedef struct {
	autolic_id contract, actor;
	const char *product;
	al_contract_product p;
	int rc_load, rc_admin;
	char msg[600];
} internal_args;

static int internal_fn(al_txn *t, void *arg)
{
	internal_args *a = arg;
	a->rc_load = al_contract_product_load(t, a->contract, a->product, &a->p);
	char m[256];
	snprintf(m, sizeof m, "%s", autolic_errmsg());
	a->rc_admin = al_contract_require_user_admin(t, a->contract, a->actor, "granting seats");
	snprintf(a->msg, sizeof a->msg, "%s | %s", m, autolic_errmsg());
	return 0;
}

static internal_args internal(fx *x, autolic_id contract, autolic_id actor, const char *product)
{
	internal_args a;
	memset(&a, 0, sizeof a);
	a.contract = contract;
	a.actor = actor;
	a.product = product;
	T_OK(al_run(x->db, 0, internal_fn, &a));
	return a;
}

static void test_internal_contract(void **state)
{
	fx *x = *state;
	autolic_id c = t_buy1(x->db, x->ann, 0, T_NOW);
	autolic_contract_info ci = get(x, c);
	internal_args a = internal(x, c, x->ann, "autocad");
	assert_int_equal(a.rc_load, 0);
	assert_int_equal(a.p.contract, c);
	assert_int_equal(a.p.team, ci.team);
	assert_string_equal(a.p.product, "autocad");
	assert_int_equal(a.p.quantity, 5);
	assert_int_equal(a.p.start, T_NOW);
	assert_int_equal(a.p.end, T_NOW + T_YEAR);
	assert_int_equal(a.p.active, 1);
	assert_int_equal(a.rc_admin, 0);
	a = internal(x, c, x->cat, "maya");
	assert_int_equal(a.rc_load, AUTOLIC_ENOTFOUND);
	assert_non_null(strstr(a.msg, "maya"));
	assert_int_equal(a.rc_admin, AUTOLIC_EPERM);
	assert_non_null(strstr(a.msg, "ROLE-6"));
	assert_non_null(strstr(a.msg, "granting seats"));
	a = internal(x, 999, x->ann, "autocad");
	assert_int_equal(a.rc_load, AUTOLIC_ENOTFOUND);
	assert_int_equal(a.rc_admin, AUTOLIC_ENOTFOUND);
	a = internal(x, c, 999, "autocad");
	assert_int_equal(a.rc_admin, AUTOLIC_EPERM);
	x->c.now = T_NOW + T_YEAR;
	a = internal(x, c, x->ann, "autocad");
	assert_int_equal(a.p.active, 0);
}

/* al_contract_product_for_admin is al_contract_require_user_admin then
 * al_contract_product_load: same result, same first error, same message. */
typedef struct {
	autolic_id contract, actor;
	const char *product;
	al_contract_product seq, one;
	int rc_seq, rc_one;
	char msg_seq[600], msg_one[600];
} for_admin_args;

static int for_admin_fn(al_txn *t, void *arg)
{
	for_admin_args *a = arg;
	a->rc_seq = al_contract_require_user_admin(t, a->contract, a->actor, "grant seats");
	if (!a->rc_seq)
		a->rc_seq = al_contract_product_load(t, a->contract, a->product, &a->seq);
	snprintf(a->msg_seq, sizeof a->msg_seq, "%s", a->rc_seq ? autolic_errmsg() : "");
	a->rc_one = al_contract_product_for_admin(t, a->contract, a->product, a->actor,
	                                          "grant seats", &a->one);
	snprintf(a->msg_one, sizeof a->msg_one, "%s", a->rc_one ? autolic_errmsg() : "");
	return 0;
}

static int for_admin(fx *x, autolic_id contract, autolic_id actor, const char *product,
                     const char *needle)
{
	for_admin_args a;
	memset(&a, 0, sizeof a);
	a.contract = contract;
	a.actor = actor;
	a.product = product;
	T_OK(al_run(x->db, 0, for_admin_fn, &a));
	assert_int_equal(a.rc_one, a.rc_seq);
	assert_string_equal(a.msg_one, a.msg_seq);
	assert_true(t_names(a.msg_one, needle));
	if (!a.rc_one)
		assert_memory_equal(&a.one, &a.seq, sizeof a.one);
	return a.rc_one;
}

static void test_product_for_admin(void **state)
{
	fx *x = *state;
	autolic_id c = t_buy1(x->db, x->ann, 0, T_NOW);
	assert_int_equal(for_admin(x, c, x->ann, "autocad", NULL), 0);
	assert_int_equal(for_admin(x, c, x->ann, "revit", NULL), 0);
	/* each check alone, then two at once: the earlier check's error wins */
	assert_int_equal(for_admin(x, 999, x->ann, "autocad", "contract AL-00000999"),
	                 AUTOLIC_ENOTFOUND);
	assert_int_equal(for_admin(x, c, 999, "autocad", "ROLE-7"), AUTOLIC_EPERM);
	assert_int_equal(for_admin(x, c, x->cat, "autocad", "ROLE-6"), AUTOLIC_EPERM);
	assert_int_equal(for_admin(x, c, x->ann, "maya", "maya"), AUTOLIC_ENOTFOUND);
	assert_int_equal(for_admin(x, 999, 999, "maya", "contract AL-00000999"), AUTOLIC_ENOTFOUND);
	assert_int_equal(for_admin(x, c, 999, "maya", "ROLE-7"), AUTOLIC_EPERM);
	assert_int_equal(for_admin(x, c, x->cat, "maya", "grant seats"), AUTOLIC_EPERM);
	/* an ended contract still loads; whether it grants is the caller's rule */
	x->c.now = T_NOW + T_YEAR;
	assert_int_equal(for_admin(x, c, x->ann, "autocad", NULL), 0);
}

/* ROLE-6 see serial numbers: a stranger may not. */
static void test_serial_visibility(void **state)
{
	fx *x = *state;
	autolic_id c = t_buy1(x->db, x->ann, 0, T_NOW);
	autolic_contract_product_info p = {.version = AUTOLIC_CONTRACT_PRODUCT_INFO_VERSION};
	T_FAILS(AUTOLIC_EPERM, "ROLE-6",
	        autolic_contract_product_get(x->db, x->cat, c, "autocad", &p));
	T_FAILS(AUTOLIC_EPERM, "ROLE-7",
	        autolic_contract_product_get(x->db, 999, c, "autocad", &p));
	T_FAILS(AUTOLIC_EINVAL, "ROLE-7", autolic_contract_product_get(x->db, 0, c, "autocad", &p));
	T_FAILS(AUTOLIC_EINVAL, "product",
	        autolic_contract_product_get(x->db, x->ann, c, NULL, &p));
	T_FAILS(AUTOLIC_ENOTFOUND, "contract AL-00000077-8",
	        autolic_contract_product_get(x->db, x->ann, 77, "autocad", &p));
}

/* Fault loop over buying. */
static int fl_setup(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	(void)ctx;
	autolic_id a = t_register(db, "ann@example.com", "Ann", "A");
	t_buy1(db, a, 0, T_NOW);
	return 0;
}

static int fl_setup_empty(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	(void)ctx;
	t_register(db, "ann@example.com", "Ann", "A");
	return 0;
}

static int fl_buy(autolic_db *db, t_clock *c, void *ctx)
{
	(void)ctx;
	autolic_contract_product_spec ps = AUTOLIC_CONTRACT_PRODUCT_SPEC_INIT;
	ps.product = "maya";
	ps.quantity = 4;
	autolic_contract_spec cs = AUTOLIC_CONTRACT_SPEC_INIT;
	cs.products = &ps;
	cs.nproducts = 1;
	cs.start = c->now;
	cs.end = c->now + T_YEAR;
	return autolic_contract_buy(db, 1, &cs, NULL);
}

static int fl_read(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	(void)ctx;
	autolic_contract_product_info p = {.version = AUTOLIC_CONTRACT_PRODUCT_INFO_VERSION};
	return autolic_contract_product_get(db, 1, 1, "revit", &p);
}

static void test_fault_loop(void **state)
{
	(void)state;
	assert_true(t_fault_loop(fl_setup, fl_buy, NULL) > 10);
	assert_true(t_fault_loop(fl_setup_empty, fl_buy, NULL) > 10); /* with a new team */
	assert_true(t_fault_loop(fl_setup, fl_read, NULL) > 3);
}

/* ROLE-3: only the current manager hands over, never on auto-renew, only
 * to an administrator; exactly one manager at all times. */
static void test_transfer_manager(void **state)
{
	fx *x = *state;
	autolic_id c = t_buy1(x->db, x->ann, 0, T_NOW);
	autolic_id team = get(x, c).team;
	/* not an administrator yet */
	T_UNCHANGED(&x->f, T_FAILS(AUTOLIC_ESTATE, "ROLE-3",
	                           autolic_contract_transfer_manager(x->db, x->ann, c, x->bob)));
	T_OK(autolic_team_add_admin(x->db, x->ann, team, x->bob));
	/* only the current manager */
	T_UNCHANGED(&x->f, T_FAILS(AUTOLIC_EPERM, "ROLE-3",
	                           autolic_contract_transfer_manager(x->db, x->bob, c, x->bob)));
	/* never while on automatic renewal */
	T_OK(autolic_contract_set_auto_renew(x->db, x->ann, c, 1));
	assert_int_equal(get(x, c).auto_renew, 1);
	T_UNCHANGED(&x->f, T_FAILS(AUTOLIC_ESTATE, "automatic renewal",
	                           autolic_contract_transfer_manager(x->db, x->ann, c, x->bob)));
	T_OK(autolic_contract_set_auto_renew(x->db, x->ann, c, 0));
	T_FAILS(AUTOLIC_ESTATE, "already",
	        autolic_contract_transfer_manager(x->db, x->ann, c, x->ann));
	x->e.n = 0;
	T_OK(autolic_contract_transfer_manager(x->db, x->ann, c, x->bob));
	autolic_contract_info i = get(x, c);
	assert_int_equal(i.manager, x->bob);
	/* the contract's two notices, then the team's (SEAM-2) */
	assert_int_equal(t_events_count(&x->e, AUTOLIC_EVENT_ROLE_CHANGED), 4);
	assert_int_equal(x->e.v[0].recipient, x->bob);
	assert_int_equal(x->e.v[0].object, c);
	assert_int_equal(x->e.v[1].recipient, x->ann);
	assert_int_equal(x->e.v[2].recipient, x->bob);
	assert_int_equal(x->e.v[2].object, team);
	assert_int_equal(x->e.v[3].recipient, x->ann);
	/* the former manager lost the manager's rights, kept admin */
	T_FAILS(AUTOLIC_EPERM, "ROLE-3",
	        autolic_contract_transfer_manager(x->db, x->ann, c, x->ann));
	T_FAILS(AUTOLIC_EPERM, "ROLE-6", autolic_contract_set_auto_renew(x->db, x->ann, c, 1));
	T_OK(autolic_contract_set_auto_renew(x->db, x->bob, c, 1));
	int role;
	T_OK(autolic_team_role_get(x->db, team, x->ann, &role));
	assert_int_equal(role, AUTOLIC_TEAM_SECONDARY); /* SEAM-2 */
	/* bad input */
	T_FAILS(AUTOLIC_EINVAL, "ROLE-7", autolic_contract_transfer_manager(x->db, 0, c, x->ann));
	T_FAILS(AUTOLIC_EINVAL, NULL, autolic_contract_transfer_manager(x->db, x->bob, c, 0));
	T_FAILS(AUTOLIC_ENOTFOUND, NULL,
	        autolic_contract_transfer_manager(x->db, x->bob, 99, x->ann));
	T_OK(autolic_contract_set_auto_renew(x->db, x->bob, c, 0));
	T_FAILS(AUTOLIC_ENOTFOUND, "account 99",
	        autolic_contract_transfer_manager(x->db, x->bob, c, 99));
}

/* ---- SEAM-2: the contract manager is the team's primary administrator ---- */

static int team_role(fx *x, autolic_id team, autolic_id account)
{
	int role = -1;
	T_OK(autolic_team_role_get(x->db, team, account, &role));
	return role;
}

/* Both views agree: the contract's manager is its team's primary, in the
 * team record, the member roles and the contract's member listing, and
 * nobody else is either. */
static void assert_views_agree(fx *x, autolic_id c)
{
	autolic_contract_info i = get(x, c);
	autolic_team_info ti = {.version = AUTOLIC_TEAM_INFO_VERSION};
	T_OK(autolic_team_get(x->db, i.team, &ti));
	assert_int_equal(i.manager, ti.primary);
	autolic_contract_member_iter *it;
	T_OK(autolic_contract_member_iter_new(x->db, c, &it));
	autolic_contract_member m = {.version = AUTOLIC_CONTRACT_MEMBER_VERSION};
	int managers = 0, primaries = 0;
	while (autolic_contract_member_iter_next(it, &m) == 0) {
		int is_manager = (m.roles & AUTOLIC_CONTRACT_ROLE_MANAGER) != 0;
		managers += is_manager;
		primaries += m.team_role == AUTOLIC_TEAM_PRIMARY;
		assert_int_equal(is_manager, m.account == i.manager);
		assert_int_equal(m.team_role == AUTOLIC_TEAM_PRIMARY, m.account == i.manager);
		assert_int_equal(m.team_role, team_role(x, i.team, m.account));
	}
	autolic_contract_member_iter_free(it);
	assert_int_equal(managers, 1);
	assert_int_equal(primaries, 1);
}

static int buy_into(fx *x, autolic_id actor, autolic_id team, int auto_renew, autolic_time start,
                    autolic_id *id)
{
	autolic_contract_product_spec p = AUTOLIC_CONTRACT_PRODUCT_SPEC_INIT;
	p.product = "maya";
	p.quantity = 1;
	autolic_contract_spec s = AUTOLIC_CONTRACT_SPEC_INIT;
	s.team = team;
	s.products = &p;
	s.nproducts = 1;
	s.start = start;
	s.end = start + T_YEAR;
	s.auto_renew = auto_renew;
	return autolic_contract_buy(x->db, actor, &s, id);
}

/* SEAM-2, ROLE-3, ROLE-6: handing the contract over makes the new manager
 * the team's primary administrator with every right of the CM column, and
 * the former one a secondary administrator without them. */
static void test_seam2_transfer_makes_primary(void **state)
{
	fx *x = *state;
	autolic_id c = t_buy1(x->db, x->ann, 0, T_NOW);
	autolic_id team = get(x, c).team;
	T_OK(autolic_team_add_admin(x->db, x->ann, team, x->bob));
	assert_views_agree(x, c);
	T_OK(autolic_contract_transfer_manager(x->db, x->ann, c, x->bob));
	assert_views_agree(x, c);
	assert_int_equal(get(x, c).manager, x->bob);
	assert_int_equal(team_role(x, team, x->bob), AUTOLIC_TEAM_PRIMARY);
	assert_int_equal(team_role(x, team, x->ann), AUTOLIC_TEAM_SECONDARY);
	/* the former manager: none of the CM column, each refusal changes nothing */
	autolic_id none = 0;
	T_UNCHANGED(&x->f,
	            T_FAILS(AUTOLIC_EPERM, "ROLE-6", buy_into(x, x->ann, team, 0, T_NOW, &none)));
	T_UNCHANGED(&x->f, T_FAILS(AUTOLIC_EPERM, "ROLE-6",
	                           autolic_team_add_admin(x->db, x->ann, team, x->cat)));
	T_UNCHANGED(&x->f, T_FAILS(AUTOLIC_EPERM, "ROLE-6",
	                           autolic_contract_renew(x->db, x->ann, c, T_NOW + 2 * T_YEAR)));
	T_UNCHANGED(&x->f, T_FAILS(AUTOLIC_EPERM, "ROLE-6",
	                           autolic_contract_assign_coordinator(
	                               x->db, x->ann, "100-00000001", "ann@example.com",
	                               "cat@example.com")));
	T_UNCHANGED(&x->f, T_FAILS(AUTOLIC_EPERM, "ROLE-3",
	                           autolic_contract_transfer_manager(x->db, x->ann, c, x->ann)));
	T_UNCHANGED(&x->f, T_FAILS(AUTOLIC_EPERM, "ROLE-3",
	                           autolic_team_set_primary(x->db, x->ann, team, x->ann)));
	assert_int_equal(none, 0);
	/* ... but still an administrator who manages users (and the coordinator
	 * the purchase made them) */
	T_OK(autolic_account_invite_text(x->db, x->ann, team, "Dan User <dan@example.com>", NULL));
	/* the new manager: every right of the CM column */
	autolic_id c2 = 0;
	T_OK(buy_into(x, x->bob, team, 0, T_NOW, &c2)); /* subscribe into the team */
	assert_int_equal(get(x, c2).team, team);
	assert_int_equal(get(x, c2).manager, x->bob);
	T_OK(autolic_contract_renew(x->db, x->bob, c, T_NOW + 2 * T_YEAR));
	T_OK(autolic_team_add_admin(x->db, x->bob, team, x->cat));
	T_OK(autolic_contract_assign_coordinator(x->db, x->bob, "100-00000001", "ann@example.com",
	                                         "cat@example.com"));
	assert_views_agree(x, c);
	assert_views_agree(x, c2);
	/* and back: the same rule from the new manager's side */
	T_OK(autolic_contract_transfer_manager(x->db, x->bob, c2, x->ann));
	assert_views_agree(x, c);
	assert_views_agree(x, c2);
	assert_int_equal(get(x, c).manager, x->ann);
	assert_int_equal(team_role(x, team, x->bob), AUTOLIC_TEAM_SECONDARY);
}

/* SEAM-2, ROLE-3, ROLE-9: a team of several contracts has one manager for
 * all of them; either view hands them over together, and one contract on
 * automatic renewal (not yet ended) holds the hand-over back from both. */
static void test_seam2_several_contracts(void **state)
{
	fx *x = *state;
	autolic_id c1 = t_buy1(x->db, x->ann, 0, T_NOW);
	autolic_id team = get(x, c1).team, c2 = 0, c3 = 0;
	T_OK(buy_into(x, x->ann, team, 1, T_NOW, &c2));              /* on auto-renew */
	T_OK(buy_into(x, x->ann, team, 1, T_NOW - 2 * T_YEAR, &c3)); /* ended */
	T_OK(autolic_team_add_admin(x->db, x->ann, team, x->bob));
	/* ROLE-9: only the primary buys into the team */
	autolic_id none = 0;
	T_UNCHANGED(&x->f,
	            T_FAILS(AUTOLIC_EPERM, "ROLE-6", buy_into(x, x->bob, team, 0, T_NOW, &none)));
	char number[AUTOLIC_CONTRACT_NUMBER_MAX + 1];
	snprintf(number, sizeof number, "%s", get(x, c2).number);
	T_UNCHANGED(&x->f, T_FAILS(AUTOLIC_ESTATE, number,
	                           autolic_contract_transfer_manager(x->db, x->ann, c1, x->bob)));
	T_UNCHANGED(&x->f, T_FAILS(AUTOLIC_ESTATE, number,
	                           autolic_team_set_primary(x->db, x->ann, team, x->bob)));
	/* only a secondary administrator becomes manager and primary */
	autolic_id dan = 0;
	T_OK(autolic_account_invite_text(x->db, x->ann, team, "Dan User <dan@example.com>", &dan));
	T_OK(autolic_account_accept(x->db, dan));
	T_UNCHANGED(&x->f, T_FAILS(AUTOLIC_ESTATE, "ROLE-3",
	                           autolic_contract_transfer_manager(x->db, x->ann, c1, dan)));
	T_UNCHANGED(&x->f, T_FAILS(AUTOLIC_ESTATE, "ROLE-3",
	                           autolic_contract_transfer_manager(x->db, x->ann, c1, x->cat)));
	autolic_id cs[] = {c1, c2, c3};
	for (int i = 0; i < 3; i++) {
		assert_views_agree(x, cs[i]);
		assert_int_equal(get(x, cs[i]).manager, x->ann);
	}
	T_OK(autolic_contract_set_auto_renew(x->db, x->ann, c2, 0));
	x->e.n = 0;
	T_OK(autolic_contract_transfer_manager(x->db, x->ann, c1, x->bob));
	for (int i = 0; i < 3; i++) {
		assert_views_agree(x, cs[i]);
		assert_int_equal(get(x, cs[i]).manager, x->bob);
	}
	/* two notices per contract, two for the team */
	assert_int_equal(t_events_count(&x->e, AUTOLIC_EVENT_ROLE_CHANGED), 8);
	/* the team's view moves every contract back */
	T_OK(autolic_team_set_primary(x->db, x->bob, team, x->ann));
	for (int i = 0; i < 3; i++) {
		assert_views_agree(x, cs[i]);
		assert_int_equal(get(x, cs[i]).manager, x->ann);
	}
	/* an ended contract on automatic renewal has run to its end: its
	 * manager may change (ROLE-3) */
	T_OK(autolic_contract_transfer_manager(x->db, x->ann, c3, x->bob));
	assert_views_agree(x, c3);
	assert_int_equal(get(x, c1).manager, x->bob);
}

/* A store written by 1.0, whose transfer left the team alone: contract
 * `c` names `manager` (an administrator other than the team's primary). */
typedef struct {
	autolic_id c, manager;
} legacy_args;

static int legacy_fn(al_txn *t, void *arg)
{
	legacy_args *a = arg;
	al_key k;
	al_buf b;
	al_rd d;
	al_key_init(&k, AL_K_CONTRACT);
	al_key_u64(&k, a->c);
	al_buf_init(&b, t->a);
	int rc = al_txn_get_rec(t, &k, AL_K_CONTRACT, &b, &d, "contract");
	if (rc) {
		al_buf_free(&b);
		return rc;
	}
	/* the contract record as src/contract.c writes it: id, number, team,
	 * manager, coordinator, buyer, start, end, created, auto_renew, nproducts */
	char number[AUTOLIC_CONTRACT_NUMBER_MAX + 1];
	autolic_id id = al_dec_u64(&d);
	al_dec_str(&d, number, sizeof number);
	autolic_id team = al_dec_u64(&d), former = al_dec_u64(&d);
	autolic_id coordinator = al_dec_u64(&d), buyer = al_dec_u64(&d);
	int64_t start = al_dec_i64(&d), end = al_dec_i64(&d), created = al_dec_i64(&d);
	uint8_t renew = al_dec_u8(&d);
	uint32_t n = al_dec_u32(&d);
	rc = al_rd_done(&d);
	if (!rc) {
		al_rec_begin(&b, AL_K_CONTRACT);
		al_enc_u64(&b, id);
		al_enc_str(&b, number);
		al_enc_u64(&b, team);
		al_enc_u64(&b, a->manager);
		al_enc_u64(&b, coordinator);
		al_enc_u64(&b, buyer);
		al_enc_i64(&b, start);
		al_enc_i64(&b, end);
		al_enc_i64(&b, created);
		al_enc_u8(&b, renew);
		al_enc_u32(&b, n);
		rc = al_txn_put(t, &k, &b);
	}
	/* the account -> contract role index: manager bit 1, coordinator bit 2 */
	autolic_id who[2] = {former, a->manager};
	for (int i = 0; !rc && i < 2; i++) {
		al_key_init(&k, AL_K_ACCOUNT_CONTRACT);
		al_key_u64(&k, who[i]);
		al_key_u64(&k, a->c);
		al_rec_begin(&b, AL_K_ACCOUNT_CONTRACT);
		al_enc_u8(&b, (uint8_t)((i ? 1 : 0) | (who[i] == coordinator ? 2 : 0)));
		rc = (i == 0 && who[i] != coordinator) ? al_txn_del(t, &k) : al_txn_put(t, &k, &b);
	}
	al_buf_free(&b);
	return rc;
}

/* SEAM-2 on a store written by 1.0 where a contract's manager is not the
 * team's primary: the next hand-over, from either view, makes every
 * contract of the team agree with the team again. */
static void test_seam2_store_of_1_0(void **state)
{
	fx *x = *state;
	autolic_id c1 = t_buy1(x->db, x->ann, 0, T_NOW);
	autolic_id team = get(x, c1).team, c2 = 0;
	T_OK(buy_into(x, x->ann, team, 0, T_NOW, &c2));
	T_OK(autolic_team_add_admin(x->db, x->ann, team, x->bob));
	T_OK(autolic_team_add_admin(x->db, x->ann, team, x->cat));
	legacy_args la = {c2, x->bob};
	T_OK(al_run(x->db, 1, legacy_fn, &la));
	assert_int_equal(get(x, c2).manager, x->bob); /* the two views disagree */
	/* the legacy manager hands c2 over: the team and c1 follow */
	T_OK(autolic_contract_transfer_manager(x->db, x->bob, c2, x->cat));
	assert_views_agree(x, c1);
	assert_views_agree(x, c2);
	assert_int_equal(get(x, c1).manager, x->cat);
	assert_int_equal(team_role(x, team, x->ann), AUTOLIC_TEAM_SECONDARY);
	assert_int_equal(team_role(x, team, x->bob), AUTOLIC_TEAM_SECONDARY);
	/* bob manages nothing any more (ROLE-2): he may step down to a user */
	T_OK(autolic_team_remove_admin(x->db, x->cat, team, x->bob));
	T_OK(autolic_team_add_admin(x->db, x->cat, team, x->bob));
	/* the team's view, on the same kind of store */
	la.manager = x->ann;
	T_OK(al_run(x->db, 1, legacy_fn, &la));
	T_OK(autolic_team_set_primary(x->db, x->cat, team, x->bob));
	assert_views_agree(x, c1);
	assert_views_agree(x, c2);
	assert_int_equal(get(x, c2).manager, x->bob);
}

/* ROLE-4: serial number + current coordinator's email + new coordinator;
 * the new coordinator is notified; only the manager assigns. */
/* ROLE-4: a removed account is not made coordinator (nor brought back by it). */
static void test_assign_coordinator_removed(void **state)
{
	fx *x = *state;
	autolic_id c = t_buy1(x->db, x->ann, 0, T_NOW);
	autolic_contract_product_info p = {.version = AUTOLIC_CONTRACT_PRODUCT_INFO_VERSION};
	T_OK(autolic_contract_product_get(x->db, x->ann, c, "revit", &p));
	T_OK(autolic_seat_grant(x->db, x->ann, c, "revit", x->cat));
	T_OK(autolic_account_remove(x->db, x->ann, x->cat));
	T_UNCHANGED(&x->f, T_FAILS(AUTOLIC_ESTATE, "ROLE-4",
	                           autolic_contract_assign_coordinator(
	                               x->db, x->ann, p.serial, "ann@example.com",
	                               "Cat Again <cat@example.com>")));
	assert_int_equal(get(x, c).coordinator, x->ann);
}

static void test_assign_coordinator(void **state)
{
	fx *x = *state;
	autolic_id c = t_buy1(x->db, x->ann, 0, T_NOW);
	autolic_id team = get(x, c).team;
	autolic_contract_product_info p = {.version = AUTOLIC_CONTRACT_PRODUCT_INFO_VERSION};
	T_OK(autolic_contract_product_get(x->db, x->ann, c, "revit", &p));
	/* the wrong current coordinator */
	T_UNCHANGED(&x->f, T_FAILS(AUTOLIC_EINVAL, "ROLE-4",
	                           autolic_contract_assign_coordinator(
	                               x->db, x->ann, p.serial, "bob@example.com",
	                               "Bob Coordinator <bob@example.com>")));
	T_FAILS(AUTOLIC_ENOTFOUND, "ROLE-4",
	        autolic_contract_assign_coordinator(x->db, x->ann, "000-0", "ann@example.com",
	                                            "bob@example.com"));
	T_FAILS(AUTOLIC_EPERM, "ROLE-6",
	        autolic_contract_assign_coordinator(x->db, x->cat, p.serial, "ann@example.com",
	                                            "bob@example.com"));
	x->e.n = 0;
	T_OK(autolic_contract_assign_coordinator(x->db, x->ann, p.serial, "ANN@example.com",
	                                         "Bob Coordinator <bob@example.com>"));
	assert_int_equal(get(x, c).coordinator, x->bob);
	assert_int_equal(get(x, c).manager, x->ann);
	assert_int_equal(t_events_count(&x->e, AUTOLIC_EVENT_ROLE_CHANGED), 2);
	assert_int_equal(x->e.v[0].recipient, x->bob);
	assert_string_equal(x->e.v[0].rule, "ROLE-4");
	int role;
	T_OK(autolic_team_role_get(x->db, team, x->bob, &role));
	assert_int_equal(role, AUTOLIC_TEAM_SECONDARY);
	T_FAILS(AUTOLIC_EEXISTS, "ROLE-4",
	        autolic_contract_assign_coordinator(x->db, x->ann, p.serial, "bob@example.com",
	                                            "bob@example.com"));
	/* the coordinator cannot assign the coordinator (ROLE-6) */
	T_FAILS(AUTOLIC_EPERM, "ROLE-6",
	        autolic_contract_assign_coordinator(x->db, x->bob, p.serial, "bob@example.com",
	                                            "cat@example.com"));
	/* a new person is invited (ACCT-3), and notified */
	x->e.n = 0;
	T_OK(autolic_contract_assign_coordinator(x->db, x->ann, p.serial, "bob@example.com",
	                                         "Nora New <nora@example.com>"));
	autolic_id nora;
	T_OK(autolic_account_find(x->db, "nora@example.com", &nora));
	assert_int_equal(get(x, c).coordinator, nora);
	assert_int_equal(t_events_count(&x->e, AUTOLIC_EVENT_INVITATION_SENT), 1);
	assert_int_equal(t_events_count(&x->e, AUTOLIC_EVENT_ROLE_CHANGED), 2);
	/* a new person without names */
	T_FAILS(AUTOLIC_EINVAL, "ACCT-3",
	        autolic_contract_assign_coordinator(x->db, x->ann, p.serial, "nora@example.com",
	                                            "zed@example.com"));
	T_FAILS(AUTOLIC_EINVAL, "ROLE-4",
	        autolic_contract_assign_coordinator(x->db, x->ann, NULL, "nora@example.com",
	                                            "zed@example.com"));
	T_FAILS(AUTOLIC_EINVAL, "ACCT-1",
	        autolic_contract_assign_coordinator(x->db, x->ann, p.serial, "nora",
	                                            "zed@example.com"));
	T_FAILS(AUTOLIC_EINVAL, "ACCT-3",
	        autolic_contract_assign_coordinator(x->db, x->ann, p.serial, "nora@example.com",
	                                            "Zed <zed@example.com"));
}

/* ROLE-5: the manager and the coordinator are also users of the team. */
static void test_admins_are_users(void **state)
{
	fx *x = *state;
	autolic_id c = t_buy1(x->db, x->ann, 0, T_NOW);
	autolic_contract_product_info p = {.version = AUTOLIC_CONTRACT_PRODUCT_INFO_VERSION};
	T_OK(autolic_contract_product_get(x->db, x->ann, c, "revit", &p));
	T_OK(autolic_contract_assign_coordinator(x->db, x->ann, p.serial, "ann@example.com",
	                                         "bob@example.com"));
	autolic_contract_member_iter *it;
	T_OK(autolic_contract_member_iter_new(x->db, c, &it));
	autolic_contract_member m = {.version = AUTOLIC_CONTRACT_MEMBER_VERSION};
	T_OK(autolic_contract_member_iter_next(it, &m));
	assert_int_equal(m.account, x->ann);
	assert_int_equal(m.roles, AUTOLIC_CONTRACT_ROLE_MANAGER | AUTOLIC_CONTRACT_ROLE_USER);
	T_OK(autolic_contract_member_iter_next(it, &m));
	assert_int_equal(m.account, x->bob);
	assert_int_equal(m.roles, AUTOLIC_CONTRACT_ROLE_COORDINATOR | AUTOLIC_CONTRACT_ROLE_USER);
	assert_int_equal(autolic_contract_member_iter_next(it, &m), AUTOLIC_ITEROVER);
	autolic_contract_member_iter_free(it);
	/* both may download (ROLE-6, ROLE-5) without holding a seat */
	T_OK(autolic_contract_download_check(x->db, x->ann, c, "autocad"));
	T_OK(autolic_contract_download_check(x->db, x->bob, c, "autocad"));
}

/* ROLE-6 manage contracts and renewal terms. */
static void test_manage_contract(void **state)
{
	fx *x = *state;
	autolic_id c = t_buy1(x->db, x->ann, 0, T_NOW);
	T_OK(autolic_contract_renew(x->db, x->ann, c, T_NOW + 2 * T_YEAR));
	assert_int_equal(get(x, c).end, T_NOW + 2 * T_YEAR);
	T_FAILS(AUTOLIC_EINVAL, "after", autolic_contract_renew(x->db, x->ann, c, T_NOW + T_YEAR));
	T_FAILS(AUTOLIC_EPERM, "ROLE-6",
	        autolic_contract_renew(x->db, x->cat, c, T_NOW + 3 * T_YEAR));
	T_FAILS(AUTOLIC_EINVAL, NULL, autolic_contract_renew(x->db, x->ann, c, 0));
	x->c.now = T_NOW + 2 * T_YEAR;
	T_FAILS(AUTOLIC_EEXPIRED, "ended", autolic_contract_set_auto_renew(x->db, x->ann, c, 1));
	T_FAILS(AUTOLIC_EEXPIRED, "ended",
	        autolic_contract_download_check(x->db, x->ann, c, "autocad"));
}

/* ROLE-8: administrators choose the updates offered to users, only while
 * the contract is active. */
static void test_update_offers(void **state)
{
	fx *x = *state;
	autolic_id c = t_buy1(x->db, x->ann, 0, T_NOW);
	autolic_id team = get(x, c).team;
	T_OK(autolic_account_invite_text(x->db, x->ann, team, "cat@example.com", NULL));
	T_FAILS(AUTOLIC_EPERM, "ROLE-8",
	        autolic_contract_update_offer(x->db, x->cat, c, "autocad", "2027.1", 1));
	T_OK(autolic_contract_update_offer(x->db, x->ann, c, "autocad", "2027.1", 1));
	/* administrators may download any update */
	T_OK(autolic_contract_update_check(x->db, x->ann, c, "autocad", "2027.2"));
	T_FAILS(AUTOLIC_ENOTFOUND, "maya",
	        autolic_contract_update_offer(x->db, x->ann, c, "maya", "1", 1));
	T_FAILS(AUTOLIC_EINVAL, "update",
	        autolic_contract_update_offer(x->db, x->ann, c, "autocad", "bad update", 1));
	/* withdrawing */
	T_OK(autolic_contract_update_offer(x->db, x->ann, c, "autocad", "2027.1", 0));
	T_OK(autolic_contract_update_offer(x->db, x->ann, c, "autocad", "2027.1", 0));
	/* only while active */
	autolic_id later = t_buy1(x->db, x->ann, team, T_NOW + T_DAY);
	T_UNCHANGED(&x->f, T_FAILS(AUTOLIC_ESTATE, "ROLE-8",
	                           autolic_contract_update_offer(x->db, x->ann, later, "autocad",
	                                                         "2027.1", 1)));
	x->c.now = T_NOW + T_YEAR;
	T_UNCHANGED(&x->f, T_FAILS(AUTOLIC_EEXPIRED, "ROLE-8",
	                           autolic_contract_update_offer(x->db, x->ann, c, "autocad",
	                                                         "2027.1", 1)));
}

/* ROLE-6: new-download notifications go to the software coordinator. */
static void test_download_notice(void **state)
{
	fx *x = *state;
	autolic_id c = t_buy1(x->db, x->ann, 0, T_NOW);
	autolic_contract_product_info p = {.version = AUTOLIC_CONTRACT_PRODUCT_INFO_VERSION};
	T_OK(autolic_contract_product_get(x->db, x->ann, c, "revit", &p));
	T_OK(autolic_contract_assign_coordinator(x->db, x->ann, p.serial, "ann@example.com",
	                                         "bob@example.com"));
	x->e.n = 0;
	T_OK(autolic_contract_download_notify(x->db, c, "revit", "2027"));
	assert_int_equal(x->e.n, 1);
	assert_int_equal(x->e.v[0].type, AUTOLIC_EVENT_DOWNLOAD_AVAILABLE);
	assert_int_equal(x->e.v[0].recipient, x->bob);
	assert_string_equal(x->e.v[0].product, "revit");
	T_FAILS(AUTOLIC_ENOTFOUND, NULL, autolic_contract_download_notify(x->db, c, "maya", "1"));
	T_FAILS(AUTOLIC_EINVAL, NULL, autolic_contract_download_notify(x->db, c, "revit", NULL));
}

/* Contract iterator: stable order by id, a snapshot. */
static void test_contract_iterator(void **state)
{
	fx *x = *state;
	autolic_id c1 = t_buy1(x->db, x->ann, 0, T_NOW);
	autolic_id c2 = t_buy1(x->db, x->bob, 0, T_NOW);
	autolic_id team1 = get(x, c1).team;
	autolic_contract_iter *all, *one;
	T_OK(autolic_contract_iter_new(x->db, 0, &all));
	T_OK(autolic_contract_iter_new(x->db, team1, &one));
	t_buy1(x->db, x->ann, 0, T_NOW); /* after the snapshot */
	autolic_contract_info i = {.version = AUTOLIC_CONTRACT_INFO_VERSION};
	T_OK(autolic_contract_iter_next(all, &i));
	assert_int_equal(i.id, c1);
	T_OK(autolic_contract_iter_next(all, &i));
	assert_int_equal(i.id, c2);
	assert_int_equal(autolic_contract_iter_next(all, &i), AUTOLIC_ITEROVER);
	T_OK(autolic_contract_iter_next(one, &i));
	assert_int_equal(i.id, c1);
	assert_int_equal(autolic_contract_iter_next(one, &i), AUTOLIC_ITEROVER);
	autolic_contract_iter_free(all);
	autolic_contract_iter_free(one);
	autolic_contract_iter_free(NULL);
	T_FAILS(AUTOLIC_ENOTFOUND, NULL, autolic_contract_iter_new(x->db, 99, &all));
	autolic_contract_member_iter *mi;
	T_FAILS(AUTOLIC_ENOTFOUND, NULL, autolic_contract_member_iter_new(x->db, 99, &mi));
	T_FAILS(AUTOLIC_EINVAL, NULL, autolic_contract_member_iter_new(x->db, c1, NULL));
}

/* Fault loops over the role calls. */
static int fl_setup_roles(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	(void)ctx;
	autolic_id a = t_register(db, "ann@example.com", "Ann", "A");
	autolic_id b = t_register(db, "bob@example.com", "Bob", "B");
	t_buy1(db, a, 0, T_NOW);
	return autolic_team_add_admin(db, a, 1, b);
}

static int fl_transfer(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	(void)ctx;
	int rc = autolic_contract_transfer_manager(db, 1, 1, 2);
	if (rc == AUTOLIC_EPERM) /* rerun after success: hand it back first */
		rc = autolic_contract_transfer_manager(db, 2, 1, 1);
	return rc;
}

static int fl_coordinator(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	(void)ctx;
	autolic_contract_info i = {.version = AUTOLIC_CONTRACT_INFO_VERSION};
	int rc = autolic_contract_get(db, 1, &i);
	if (rc)
		return rc;
	return autolic_contract_assign_coordinator(
	    db, 1, "100-00000001", i.coordinator == 1 ? "ann@example.com" : "nina@example.com",
	    i.coordinator == 1 ? "Nina New <nina@example.com>" : "ann@example.com");
}

static int fl_offer(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	(void)ctx;
	/* two calls, one host batch: all or nothing */
	int rc = autolic_db_begin(db);
	if (rc)
		return rc;
	rc = autolic_contract_update_offer(db, 1, 1, "autocad", "u1", 1);
	if (!rc)
		rc = autolic_contract_set_auto_renew(db, 1, 1, 1);
	if (rc) {
		autolic_db_rollback(db);
		return rc;
	}
	return autolic_db_commit(db);
}

static int fl_members(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	(void)ctx;
	autolic_contract_member_iter *it;
	int rc = autolic_contract_member_iter_new(db, 1, &it);
	if (rc)
		return rc;
	autolic_contract_member m = {.version = AUTOLIC_CONTRACT_MEMBER_VERSION};
	while ((rc = autolic_contract_member_iter_next(it, &m)) == 0)
		;
	autolic_contract_member_iter_free(it);
	autolic_contract_iter *ci;
	rc = autolic_contract_iter_new(db, 0, &ci);
	if (rc)
		return rc;
	autolic_contract_iter_free(ci);
	return 0;
}

/* Two contracts in the team: SEAM-2 hands both over in one transaction. */
static int fl_setup_two(autolic_db *db, t_clock *c, void *ctx)
{
	int rc = fl_setup_roles(db, c, ctx);
	if (!rc)
		t_buy1(db, 1, 1, T_NOW);
	return rc;
}

static int fl_set_primary(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	(void)ctx;
	int rc = autolic_team_set_primary(db, 1, 1, 2);
	if (rc == AUTOLIC_EPERM) /* rerun after success: hand it back first */
		rc = autolic_team_set_primary(db, 2, 1, 1);
	return rc;
}

static void test_fault_loop_roles(void **state)
{
	(void)state;
	assert_true(t_fault_loop(fl_setup_roles, fl_transfer, NULL) > 5);
	assert_true(t_fault_loop(fl_setup_two, fl_transfer, NULL) > 5);
	assert_true(t_fault_loop(fl_setup_two, fl_set_primary, NULL) > 5);
	assert_true(t_fault_loop(fl_setup_roles, fl_coordinator, NULL) > 5);
	assert_true(t_fault_loop(fl_setup_roles, fl_offer, NULL) > 5);
	assert_true(t_fault_loop(fl_setup_roles, fl_members, NULL) > 3);
}

/* ROLE-9: the seat quantity never goes above what was bought; only the
 * manager changes it (ROLE-6: renewal terms). */
static void test_set_quantity(void **state)
{
	fx *x = *state;
	autolic_id c = t_buy1(x->db, x->ann, 0, T_NOW);
	uint32_t revoked = 99;
	T_OK(autolic_contract_set_quantity(x->db, x->ann, c, "autocad", 3, &revoked));
	assert_int_equal(revoked, 0);
	autolic_contract_product_info p = {.version = AUTOLIC_CONTRACT_PRODUCT_INFO_VERSION};
	T_OK(autolic_contract_product_get(x->db, x->ann, c, "autocad", &p));
	assert_int_equal(p.quantity, 3);
	assert_int_equal(p.bought, 5);
	T_OK(autolic_contract_set_quantity(x->db, x->ann, c, "autocad", 5, NULL));
	T_UNCHANGED(&x->f,
	            T_FAILS(AUTOLIC_EINVAL, "ROLE-9",
	                    autolic_contract_set_quantity(x->db, x->ann, c, "autocad", 6, NULL)));
	T_FAILS(AUTOLIC_EINVAL, "quantity",
	        autolic_contract_set_quantity(x->db, x->ann, c, "autocad", -1, NULL));
	T_FAILS(AUTOLIC_EPERM, "ROLE-6",
	        autolic_contract_set_quantity(x->db, x->bob, c, "autocad", 1, NULL));
	T_FAILS(AUTOLIC_ENOTFOUND, "maya",
	        autolic_contract_set_quantity(x->db, x->ann, c, "maya", 1, NULL));
	T_OK(autolic_contract_set_quantity(x->db, x->ann, c, "autocad", 0, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_buy, setup, t_people_close),
	    cmocka_unit_test_setup_teardown(test_buy_more, setup, t_people_close),
	    cmocka_unit_test_setup_teardown(test_buy_several_teams, setup, t_people_close),
	    cmocka_unit_test_setup_teardown(test_status, setup, t_people_close),
	    cmocka_unit_test(test_number_format),
	    cmocka_unit_test_setup_teardown(test_serials, setup, t_people_close),
	    cmocka_unit_test_setup_teardown(test_buy_bad_input, setup, t_people_close),
	    cmocka_unit_test_setup_teardown(test_internal_contract, setup, t_people_close),
	    cmocka_unit_test_setup_teardown(test_product_for_admin, setup, t_people_close),
	    cmocka_unit_test_setup_teardown(test_serial_visibility, setup, t_people_close),
	    cmocka_unit_test_setup_teardown(test_transfer_manager, setup, t_people_close),
	    cmocka_unit_test_setup_teardown(test_seam2_transfer_makes_primary, setup,
	                                    t_people_close),
	    cmocka_unit_test_setup_teardown(test_seam2_several_contracts, setup, t_people_close),
	    cmocka_unit_test_setup_teardown(test_seam2_store_of_1_0, setup, t_people_close),
	    cmocka_unit_test_setup_teardown(test_assign_coordinator_removed, setup, t_people_close),
	    cmocka_unit_test_setup_teardown(test_assign_coordinator, setup, t_people_close),
	    cmocka_unit_test_setup_teardown(test_admins_are_users, setup, t_people_close),
	    cmocka_unit_test_setup_teardown(test_manage_contract, setup, t_people_close),
	    cmocka_unit_test_setup_teardown(test_update_offers, setup, t_people_close),
	    cmocka_unit_test_setup_teardown(test_download_notice, setup, t_people_close),
	    cmocka_unit_test_setup_teardown(test_contract_iterator, setup, t_people_close),
	    cmocka_unit_test(test_fault_loop),
	    cmocka_unit_test_setup_teardown(test_set_quantity, setup, t_people_close),
	    cmocka_unit_test(test_fault_loop_roles),
	};
	return t_run_group("contract", tests, NULL, NULL);
}
