/* Fusion Operations (OPS-1..OPS-7) through the public API, with ROLE-7
 * permissions, bad input, and a fault loop over every state-changing call. */
#include "support.h"
#include "account.h"

#include <stdio.h>
#include <string.h>

#define DAY 86400
#define T0  1767225600 /* 2026-01-01T00:00:00Z */

typedef struct fx {
	t_faulty f;
	t_clock clock;
	t_events ev;
	autolic_db *db;
	autolic_id tenant, admin, stranger, u1, u2, u3;
} fx;

static fx X;

static int setup(void **state)
{
	memset(&X, 0, sizeof X);
	X.clock.now = T0;
	X.db = t_open(&X.f, &X.clock, &X.ev, NULL);
	X.tenant = t_register(X.db, "tenant@example.com", "Tina", "Tenant");
	X.admin = t_register(X.db, "admin@example.com", "Ada", "Admin");
	X.stranger = t_register(X.db, "stranger@example.com", "Sam", "Stranger");
	X.u1 = t_register(X.db, "u1@example.com", "Una", "One");
	X.u2 = t_register(X.db, "u2@example.com", "Udo", "Two");
	X.u3 = t_register(X.db, "u3@example.com", "", "");
	*state = &X;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	autolic_db_close(X.db);
	return 0;
}

#define OK(call)                                                                                   \
	do {                                                                                       \
		int rc_ = (call);                                                                  \
		if (rc_)                                                                           \
			fail_msg("%s: %d %s", #call, rc_, autolic_errmsg());                       \
	} while (0)

/* The call fails with `code`, its message contains `text`, and the store is unchanged. */
#define REFUSED(code, text, call)                                                                  \
	do {                                                                                       \
		t_dump b_, a_;                                                                     \
		t_dump_store(&X.f.inner, &b_);                                                     \
		size_t ne_ = X.ev.n;                                                               \
		int rc_ = (call);                                                                  \
		if (rc_ != (code))                                                                 \
			fail_msg("%s: expected %d, got %d %s", #call, (code), rc_,                 \
			         autolic_errmsg());                                                \
		if (!strstr(autolic_errmsg(), (text)))                                             \
			fail_msg("%s: message '%s' lacks '%s'", #call, autolic_errmsg(), (text));  \
		t_dump_store(&X.f.inner, &a_);                                                     \
		assert_true(t_dump_equal(&b_, &a_));                                               \
		assert_int_equal(X.ev.n, ne_);                                                     \
		t_dump_free(&b_);                                                                  \
		t_dump_free(&a_);                                                                  \
	} while (0)

static uint64_t buy(autolic_id actor, autolic_id tenant, int kind, uint32_t q, autolic_time end)
{
	autolic_ops_subscription_spec s = AUTOLIC_OPS_SUBSCRIPTION_SPEC_INIT;
	s.tenant = tenant;
	s.kind = kind;
	s.quantity = q;
	s.end = end;
	uint64_t n = 0;
	OK(autolic_ops_subscription_buy(X.db, actor, &s, &n));
	return n;
}

static autolic_id hub_make(autolic_id tenant, uint64_t trial_ops)
{
	autolic_ops_hub_spec s = AUTOLIC_OPS_HUB_SPEC_INIT;
	s.name = "Plant Lyon";
	s.tenant = tenant;
	s.trial_operators = trial_ops;
	autolic_id h = 0;
	OK(autolic_ops_hub_create(X.db, tenant, &s, &h));
	return h;
}

static autolic_id op_add(autolic_id hub, const char *number, const char *name)
{
	autolic_ops_operator_spec s = AUTOLIC_OPS_OPERATOR_SPEC_INIT;
	s.number = number;
	s.name = name;
	autolic_id id = 0;
	OK(autolic_ops_operator_add(X.db, X.tenant, hub, &s, &id));
	return id;
}

static int op_add_rc(autolic_id actor, autolic_id hub, const char *number)
{
	autolic_ops_operator_spec s = AUTOLIC_OPS_OPERATOR_SPEC_INIT;
	s.number = number;
	s.name = "Someone";
	return autolic_ops_operator_add(X.db, actor, hub, &s, NULL);
}

static autolic_ops_operator_info op_get(autolic_id id)
{
	autolic_ops_operator_info i;
	i.version = AUTOLIC_OPS_OPERATOR_INFO_VERSION;
	OK(autolic_ops_operator_get(X.db, id, &i));
	return i;
}

static autolic_ops_hub_info hub_get(autolic_id id)
{
	autolic_ops_hub_info i;
	i.version = AUTOLIC_OPS_HUB_INFO_VERSION;
	OK(autolic_ops_hub_get(X.db, id, &i));
	return i;
}

static autolic_ops_licence_info lic_get(autolic_id hub)
{
	autolic_ops_licence_info i;
	i.version = AUTOLIC_OPS_LICENCE_INFO_VERSION;
	OK(autolic_ops_licences_get(X.db, hub, &i));
	return i;
}

/* OPS-1: a hub is created after purchase, with a name and a tenant. */
static void test_ops1_hub_after_purchase(void **state)
{
	(void)state;
	autolic_ops_hub_spec s = AUTOLIC_OPS_HUB_SPEC_INIT;
	s.name = "Plant";
	s.tenant = X.tenant;
	REFUSED(AUTOLIC_ESTATE, "OPS-1: a hub is created after purchase",
	        autolic_ops_hub_create(X.db, X.tenant, &s, NULL));
	buy(X.tenant, X.tenant, AUTOLIC_OPS_SHOP_FLOOR, 3, T0 + 365 * DAY);
	autolic_id h = 0;
	OK(autolic_ops_hub_create(X.db, X.tenant, &s, &h));
	autolic_ops_hub_info i = hub_get(h);
	assert_int_equal(i.tenant, X.tenant);
	assert_string_equal(i.name, "Plant");
	autolic_id found = 0;
	OK(autolic_ops_hub_find(X.db, X.tenant, &found));
	assert_int_equal(found, h);
	REFUSED(AUTOLIC_EEXISTS, "already has hub",
	        autolic_ops_hub_create(X.db, X.tenant, &s, NULL));
	assert_int_equal(autolic_ops_hub_find(X.db, X.stranger, &found), AUTOLIC_ENOTFOUND);
	s.name = "";
	assert_int_equal(autolic_ops_hub_create(X.db, X.tenant, &s, NULL), AUTOLIC_EINVAL);
	s.name = "x";
	s.trial_period = 0;
	assert_int_equal(autolic_ops_hub_create(X.db, X.tenant, &s, NULL), AUTOLIC_EINVAL);
	s.trial_period = DAY;
	s.version = 99;
	assert_int_equal(autolic_ops_hub_create(X.db, X.tenant, &s, NULL), AUTOLIC_EVERSION);
}

/* OPS-1: with a single tenant it is chosen automatically; with several the
 * caller must name one. */
static void test_ops1_tenant_chosen_automatically(void **state)
{
	(void)state;
	autolic_ops_hub_spec s = AUTOLIC_OPS_HUB_SPEC_INIT;
	s.name = "Auto";
	/* no purchase anywhere yet */
	REFUSED(AUTOLIC_ENOTFOUND, "OPS-1", autolic_ops_hub_create(X.db, X.admin, &s, NULL));
	OK(autolic_ops_admin_add(X.db, X.tenant, X.tenant, X.admin));
	buy(X.tenant, X.tenant, AUTOLIC_OPS_USER, 2, T0 + 365 * DAY);
	/* the admin administers exactly one tenant with a purchase: it is chosen */
	autolic_id h = 0;
	OK(autolic_ops_hub_create(X.db, X.admin, &s, &h));
	assert_int_equal(hub_get(h).tenant, X.tenant);
	/* two candidate tenants: u1 (itself) and u2 (named u1 admin) */
	OK(autolic_ops_admin_add(X.db, X.u2, X.u2, X.u1));
	buy(X.u1, X.u1, AUTOLIC_OPS_USER, 1, T0 + 365 * DAY);
	buy(X.u2, X.u2, AUTOLIC_OPS_USER, 1, T0 + 365 * DAY);
	REFUSED(AUTOLIC_EINVAL, "name one", autolic_ops_hub_create(X.db, X.u1, &s, NULL));
	s.tenant = X.u2;
	OK(autolic_ops_hub_create(X.db, X.u1, &s, &h));
	assert_int_equal(hub_get(h).tenant, X.u2);
	/* now only u1 itself is left */
	s.tenant = 0;
	OK(autolic_ops_hub_create(X.db, X.u1, &s, &h));
	assert_int_equal(hub_get(h).tenant, X.u1);
}

/* OPS-1: until provisioning the tenant runs as a trial, days left readable;
 * after the trial without provisioning access ends. */
static void test_ops1_trial_days_left(void **state)
{
	(void)state;
	buy(X.tenant, X.tenant, AUTOLIC_OPS_USER, 2, T0 + 365 * DAY);
	autolic_id h = hub_make(X.tenant, 5);
	OK(autolic_ops_user_add(X.db, X.tenant, h, X.u1));
	autolic_ops_hub_info i = hub_get(h);
	assert_int_equal(i.state, AUTOLIC_OPS_HUB_TRIAL);
	assert_int_equal(i.trial_days_left, 30);
	assert_int_equal(i.trial_end, T0 + 30 * DAY);
	X.clock.now += DAY + 1;
	assert_int_equal(hub_get(h).trial_days_left, 29); /* 28 days 86399 s: rounded up */
	X.clock.now = T0 + 30 * DAY - 1;
	assert_int_equal(hub_get(h).trial_days_left, 1);
	OK(autolic_ops_access_check(X.db, h, X.u1));
	X.clock.now = T0 + 30 * DAY;
	i = hub_get(h);
	assert_int_equal(i.state, AUTOLIC_OPS_HUB_TRIAL_ENDED);
	assert_int_equal(i.trial_days_left, 0);
	REFUSED(AUTOLIC_ENOLICENCE, "no valid licence", autolic_ops_access_check(X.db, h, X.u1));
	REFUSED(AUTOLIC_EEXPIRED, "OPS-1", op_add_rc(X.tenant, h, "A1"));
	/* provisioning ends the trial for good */
	OK(autolic_ops_hub_provision(X.db, X.tenant, h, NULL));
	i = hub_get(h);
	assert_int_equal(i.state, AUTOLIC_OPS_HUB_PROVISIONED);
	assert_int_equal(i.provisioned, T0 + 30 * DAY);
	assert_int_equal(i.trial_days_left, 0);
	OK(autolic_ops_access_check(X.db, h, X.u1));
	REFUSED(AUTOLIC_ESTATE, "already provisioned",
	        autolic_ops_hub_provision(X.db, X.tenant, h, NULL));
}

/* ROLE-7: every state-changing call is refused to anyone but the tenant or an
 * admin it named; only the tenant names admins. */
static void test_role7_permissions(void **state)
{
	(void)state;
	uint64_t sub = buy(X.tenant, X.tenant, AUTOLIC_OPS_SHOP_FLOOR, 3, T0 + 365 * DAY);
	buy(X.tenant, X.tenant, AUTOLIC_OPS_USER, 3, T0 + 365 * DAY);
	autolic_id h = hub_make(X.tenant, 5);
	autolic_id op = op_add(h, "A1", "Alice");
	OK(autolic_ops_user_add(X.db, X.tenant, h, X.u1));
	autolic_id s = X.stranger;
	autolic_ops_subscription_spec ss = AUTOLIC_OPS_SUBSCRIPTION_SPEC_INIT;
	ss.tenant = X.tenant;
	ss.kind = AUTOLIC_OPS_USER;
	ss.quantity = 1;
	ss.end = T0 + DAY;
	REFUSED(AUTOLIC_EPERM, "ROLE-7", autolic_ops_subscription_buy(X.db, s, &ss, NULL));
	REFUSED(AUTOLIC_EPERM, "ROLE-7",
	        autolic_ops_subscription_set_quantity(X.db, s, sub, 1, NULL));
	REFUSED(AUTOLIC_EPERM, "ROLE-7", autolic_ops_subscription_end(X.db, s, sub, NULL));
	REFUSED(AUTOLIC_EPERM, "ROLE-7", autolic_ops_hub_provision(X.db, s, h, NULL));
	REFUSED(AUTOLIC_EPERM, "ROLE-7", autolic_ops_hub_reconcile(X.db, s, h, NULL));
	REFUSED(AUTOLIC_EPERM, "ROLE-7", op_add_rc(s, h, "A2"));
	REFUSED(AUTOLIC_EPERM, "ROLE-7",
	        autolic_ops_operator_from_user(X.db, s, h, X.u1, "U1", NULL));
	REFUSED(AUTOLIC_EPERM, "ROLE-7", autolic_ops_operator_deactivate(X.db, s, op));
	REFUSED(AUTOLIC_EPERM, "ROLE-7", autolic_ops_operator_reactivate(X.db, s, op));
	REFUSED(AUTOLIC_EPERM, "ROLE-7", autolic_ops_operator_transfer(X.db, s, op, "Bob"));
	REFUSED(AUTOLIC_EPERM, "ROLE-7", autolic_ops_operator_record_production(X.db, s, op, T0));
	REFUSED(AUTOLIC_EPERM, "ROLE-7", autolic_ops_user_add(X.db, s, h, X.u2));
	REFUSED(AUTOLIC_EPERM, "ROLE-7", autolic_ops_user_deactivate(X.db, s, h, X.u1));
	REFUSED(AUTOLIC_EPERM, "ROLE-7", autolic_ops_user_reactivate(X.db, s, h, X.u1));
	REFUSED(AUTOLIC_EPERM, "ROLE-7", autolic_ops_payment_late(X.db, s, h, T0));
	REFUSED(AUTOLIC_EPERM, "ROLE-7", autolic_ops_payment_record(X.db, s, h));
	REFUSED(AUTOLIC_EPERM, "ROLE-7", autolic_ops_admin_add(X.db, s, X.tenant, X.u2));
	REFUSED(AUTOLIC_EPERM, "ROLE-7", autolic_ops_admin_add(X.db, 9999, X.tenant, X.u2));
	REFUSED(AUTOLIC_EINVAL, "ROLE-7", autolic_ops_operator_deactivate(X.db, 0, op));
	/* a named admin may act, but may not name admins */
	OK(autolic_ops_admin_add(X.db, X.tenant, X.tenant, X.admin));
	REFUSED(AUTOLIC_EEXISTS, "already an admin",
	        autolic_ops_admin_add(X.db, X.tenant, X.tenant, X.admin));
	OK(autolic_ops_operator_record_production(X.db, X.admin, op, T0));
	OK(op_add_rc(X.admin, h, "A2"));
	REFUSED(AUTOLIC_EPERM, "only the tenant",
	        autolic_ops_admin_add(X.db, X.admin, X.tenant, X.u2));
	/* withdrawn: refused again */
	OK(autolic_ops_admin_remove(X.db, X.tenant, X.tenant, X.admin));
	REFUSED(AUTOLIC_ENOTFOUND, "not an admin",
	        autolic_ops_admin_remove(X.db, X.tenant, X.tenant, X.admin));
	REFUSED(AUTOLIC_EPERM, "ROLE-7", op_add_rc(X.admin, h, "A3"));
}

/* OPS-2 / ROLE-9: every purchase is a new subscription with its own number;
 * licences are counted per kind; shop-floor availability is readable, with a
 * distinct answer when the tenant has no shop-floor subscription. */
static void test_ops2_subscriptions_and_licences(void **state)
{
	(void)state;
	uint64_t u = buy(X.tenant, X.tenant, AUTOLIC_OPS_USER, 2, T0 + 365 * DAY);
	autolic_id h = hub_make(X.tenant, 5);
	OK(autolic_ops_hub_provision(X.db, X.tenant, h, NULL));
	uint64_t avail = 99;
	REFUSED(AUTOLIC_ENOTFOUND, "no shop-floor subscription",
	        autolic_ops_shop_floor_available(X.db, h, &avail));
	assert_int_equal(avail, 0);
	autolic_ops_licence_info li = lic_get(h);
	assert_int_equal(li.shop_floor_subscribed, 0);
	assert_int_equal(li.user_total, 2);
	uint64_t s1 = buy(X.tenant, X.tenant, AUTOLIC_OPS_SHOP_FLOOR, 2, T0 + 365 * DAY);
	uint64_t s2 = buy(X.tenant, X.tenant, AUTOLIC_OPS_SHOP_FLOOR, 3, T0 + 365 * DAY);
	assert_true(s1 != s2 && s1 != u && s2 != u);
	autolic_ops_subscription_info si;
	si.version = AUTOLIC_OPS_SUBSCRIPTION_INFO_VERSION;
	OK(autolic_ops_subscription_get(X.db, s1, &si));
	assert_int_equal(si.quantity, 2); /* ROLE-9: not added to */
	assert_int_equal(si.kind, AUTOLIC_OPS_SHOP_FLOOR);
	assert_int_equal(si.active, 1);
	OK(autolic_ops_shop_floor_available(X.db, h, &avail));
	assert_int_equal(avail, 5);
	op_add(h, "A1", "Alice");
	OK(autolic_ops_shop_floor_available(X.db, h, &avail));
	assert_int_equal(avail, 4);
	li = lic_get(h);
	assert_int_equal(li.shop_floor_total, 5);
	assert_int_equal(li.shop_floor_used, 1);
	/* user licences: two, then ENOSEAT */
	OK(autolic_ops_user_add(X.db, X.tenant, h, X.u1));
	OK(autolic_ops_user_add(X.db, X.tenant, h, X.u2));
	REFUSED(AUTOLIC_ENOSEAT, "OPS-2: all 2 user licences",
	        autolic_ops_user_add(X.db, X.tenant, h, X.u3));
	REFUSED(AUTOLIC_EEXISTS, "already a user", autolic_ops_user_add(X.db, X.tenant, h, X.u1));
	li = lic_get(h);
	assert_int_equal(li.user_used, 2);
	assert_int_equal(li.user_available, 0);
	/* a subscription starting later counts from its start */
	autolic_ops_subscription_spec ss = AUTOLIC_OPS_SUBSCRIPTION_SPEC_INIT;
	ss.tenant = X.tenant;
	ss.kind = AUTOLIC_OPS_USER;
	ss.quantity = 1;
	ss.start = T0 + 10 * DAY;
	ss.end = T0 + 20 * DAY;
	OK(autolic_ops_subscription_buy(X.db, X.tenant, &ss, NULL));
	REFUSED(AUTOLIC_ENOSEAT, "OPS-2", autolic_ops_user_add(X.db, X.tenant, h, X.u3));
	X.clock.now = T0 + 10 * DAY;
	OK(autolic_ops_user_add(X.db, X.tenant, h, X.u3));
	/* bad specs */
	ss.start = 0;
	ss.quantity = 0;
	assert_int_equal(autolic_ops_subscription_buy(X.db, X.tenant, &ss, NULL), AUTOLIC_EINVAL);
	ss.quantity = 1;
	ss.kind = 7;
	assert_int_equal(autolic_ops_subscription_buy(X.db, X.tenant, &ss, NULL), AUTOLIC_EINVAL);
	ss.kind = AUTOLIC_OPS_USER;
	ss.end = X.clock.now;
	REFUSED(AUTOLIC_EINVAL, "term", autolic_ops_subscription_buy(X.db, X.tenant, &ss, NULL));
	ss.end = T0 + 400 * DAY;
	ss.tenant = 9999;
	REFUSED(AUTOLIC_ENOTFOUND, "tenant account 9999",
	        autolic_ops_subscription_buy(X.db, X.tenant, &ss, NULL));
	assert_int_equal(autolic_ops_subscription_get(X.db, 424242, &si), AUTOLIC_ENOTFOUND);
}

/* OPS-4: adding an operator with no free shop-floor licence is refused with
 * "all licences for operators are in use"; deactivating frees one;
 * reactivating needs one. */
static void test_ops4_no_free_licence(void **state)
{
	(void)state;
	buy(X.tenant, X.tenant, AUTOLIC_OPS_SHOP_FLOOR, 2, T0 + 365 * DAY);
	autolic_id h = hub_make(X.tenant, 5);
	OK(autolic_ops_hub_provision(X.db, X.tenant, h, NULL));
	autolic_id a = op_add(h, "A1", "Alice");
	op_add(h, "A2", "Bob");
	REFUSED(AUTOLIC_ENOOPLICENCE, "all licences for operators are in use",
	        op_add_rc(X.tenant, h, "A3"));
	X.ev.n = 0;
	OK(autolic_ops_operator_deactivate(X.db, X.tenant, a));
	assert_int_equal(t_events_count(&X.ev, AUTOLIC_EVENT_OPERATOR_DEACTIVATED), 1);
	assert_string_equal(X.ev.v[0].rule, "OPS-2");
	assert_int_equal(X.ev.v[0].object, a);
	autolic_ops_operator_info i = op_get(a);
	assert_int_equal(i.active, 0);
	assert_int_equal(i.reason, AUTOLIC_OPS_REASON_MANUAL);
	REFUSED(AUTOLIC_ESTATE, "already deactivated",
	        autolic_ops_operator_deactivate(X.db, X.tenant, a));
	autolic_id c = op_add(h, "A3", "Carol");
	/* reactivation beyond licences */
	REFUSED(AUTOLIC_ENOOPLICENCE, "all licences for operators are in use",
	        autolic_ops_operator_reactivate(X.db, X.tenant, a));
	OK(autolic_ops_operator_deactivate(X.db, X.tenant, c));
	OK(autolic_ops_operator_reactivate(X.db, X.tenant, a));
	assert_int_equal(op_get(a).active, 1);
	assert_int_equal(op_get(a).reason, AUTOLIC_OPS_REASON_NONE);
	REFUSED(AUTOLIC_ESTATE, "already active",
	        autolic_ops_operator_reactivate(X.db, X.tenant, a));
	/* during the trial the allowance is the limit */
	buy(X.u1, X.u1, AUTOLIC_OPS_SHOP_FLOOR, 100, T0 + 365 * DAY);
	autolic_id h2 = hub_make(X.u1, 1);
	OK(op_add_rc(X.u1, h2, "A1")); /* same number in another tenant is fine */
	REFUSED(AUTOLIC_ENOOPLICENCE, "during the trial", op_add_rc(X.u1, h2, "A2"));
}

/* Adds five operators during the trial; returns their ids. */
static autolic_id five_in_trial(autolic_id h, autolic_id ids[5])
{
	const char *nums[5] = {"O1", "O2", "O3", "O4", "O5"};
	for (int i = 0; i < 5; i++) {
		ids[i] = op_add(h, nums[i], nums[i]);
		X.clock.now += 10;
	}
	return h;
}

/* OPS-5: at provisioning after a trial: 3 licences, 5 active operators -> 2
 * deactivated: first those with no production record, then the oldest last
 * production record; one event each, naming the reason. */
static void test_ops5_at_provisioning(void **state)
{
	(void)state;
	buy(X.tenant, X.tenant, AUTOLIC_OPS_SHOP_FLOOR, 3, T0 + 365 * DAY);
	autolic_id h = hub_make(X.tenant, 10);
	autolic_id id[5];
	five_in_trial(h, id);
	X.clock.now = T0 + 7000;
	/* O1 never produces; O2 produced long ago; the others recently */
	OK(autolic_ops_operator_record_production(X.db, X.tenant, id[1], T0 + 100));
	OK(autolic_ops_operator_record_production(X.db, X.tenant, id[2], T0 + 5000));
	OK(autolic_ops_operator_record_production(X.db, X.tenant, id[3], T0 + 4000));
	OK(autolic_ops_operator_record_production(X.db, X.tenant, id[4], T0 + 6000));
	/* an older record does not move the last one back */
	OK(autolic_ops_operator_record_production(X.db, X.tenant, id[3], T0 + 200));
	assert_int_equal(op_get(id[3]).last_production, T0 + 4000);
	assert_int_equal(op_get(id[3]).production_count, 2);
	X.ev.n = 0;
	uint64_t n = 0;
	OK(autolic_ops_hub_provision(X.db, X.tenant, h, &n));
	assert_int_equal(n, 2);
	assert_int_equal(op_get(id[0]).active, 0);
	assert_int_equal(op_get(id[0]).reason, AUTOLIC_OPS_REASON_LICENCES);
	assert_int_equal(op_get(id[1]).active, 0);
	assert_int_equal(op_get(id[2]).active, 1);
	assert_int_equal(op_get(id[3]).active, 1);
	assert_int_equal(op_get(id[4]).active, 1);
	assert_int_equal(t_events_count(&X.ev, AUTOLIC_EVENT_OPERATOR_DEACTIVATED), 2);
	assert_string_equal(X.ev.v[0].rule, "OPS-5");
	assert_int_equal(X.ev.v[0].object, id[0]);
	assert_non_null(strstr(X.ev.v[0].text, "no production record"));
	assert_int_equal(X.ev.v[1].object, id[1]);
	assert_non_null(strstr(X.ev.v[1].text, "oldest"));
	assert_int_equal(X.ev.v[0].recipient, X.tenant);
	autolic_ops_licence_info li = lic_get(h);
	assert_int_equal(li.shop_floor_used, 3);
	assert_int_equal(li.shop_floor_available, 0);
}

/* OPS-5: whenever licences shrink (quantity reduced, subscription ended, term
 * over) the excess is deactivated; operators made from users never count. */
static void test_ops5_when_licences_shrink(void **state)
{
	(void)state;
	uint64_t s1 = buy(X.tenant, X.tenant, AUTOLIC_OPS_SHOP_FLOOR, 3, T0 + 365 * DAY);
	uint64_t s2 = buy(X.tenant, X.tenant, AUTOLIC_OPS_SHOP_FLOOR, 2, T0 + 100 * DAY);
	buy(X.tenant, X.tenant, AUTOLIC_OPS_USER, 1, T0 + 365 * DAY);
	autolic_id h = hub_make(X.tenant, 10);
	OK(autolic_ops_hub_provision(X.db, X.tenant, h, NULL));
	OK(autolic_ops_user_add(X.db, X.tenant, h, X.u1));
	autolic_id uop = 0;
	OK(autolic_ops_operator_from_user(X.db, X.tenant, h, X.u1, "U1", &uop));
	autolic_id id[5];
	five_in_trial(h, id);
	for (int i = 0; i < 5; i++)
		OK(autolic_ops_operator_record_production(X.db, X.tenant, id[i],
		                                          X.clock.now - 100 + i));
	uint64_t n = 0;
	/* 5 -> 4 licences: the oldest producer goes */
	OK(autolic_ops_subscription_set_quantity(X.db, X.tenant, s1, 2, &n));
	assert_int_equal(n, 1);
	assert_int_equal(op_get(id[0]).active, 0);
	/* growing deactivates nothing */
	OK(autolic_ops_subscription_set_quantity(X.db, X.tenant, s1, 3, &n));
	assert_int_equal(n, 0);
	/* ending s2 now: 5 -> 3 licences for 4 active */
	OK(autolic_ops_subscription_end(X.db, X.tenant, s2, &n));
	assert_int_equal(n, 1);
	assert_int_equal(op_get(id[1]).active, 0);
	REFUSED(AUTOLIC_ESTATE, "ended", autolic_ops_subscription_end(X.db, X.tenant, s2, NULL));
	REFUSED(AUTOLIC_ESTATE, "ended",
	        autolic_ops_subscription_set_quantity(X.db, X.tenant, s2, 5, NULL));
	/* term over: the next call on the hub (or reconcile) applies OPS-5 */
	X.clock.now = T0 + 365 * DAY;
	OK(autolic_ops_hub_reconcile(X.db, X.tenant, h, &n));
	assert_int_equal(n, 3);
	for (int i = 0; i < 5; i++)
		assert_int_equal(op_get(id[i]).active, 0);
	/* OPS-3: the user's operator took no licence and stays */
	assert_int_equal(op_get(uop).active, 1);
}

/* OPS-3: an operator made from a user takes no licence, keeps the user's name,
 * cannot be transferred, is deactivated with the user and reactivated only
 * while the user is active. */
static void test_ops3_operator_from_user(void **state)
{
	(void)state;
	buy(X.tenant, X.tenant, AUTOLIC_OPS_SHOP_FLOOR, 1, T0 + 365 * DAY);
	buy(X.tenant, X.tenant, AUTOLIC_OPS_USER, 2, T0 + 365 * DAY);
	autolic_id h = hub_make(X.tenant, 10);
	OK(autolic_ops_hub_provision(X.db, X.tenant, h, NULL));
	autolic_id lic = op_add(h, "L1", "Licensed One");
	OK(autolic_ops_user_add(X.db, X.tenant, h, X.u1));
	OK(autolic_ops_user_add(X.db, X.tenant, h, X.u3));
	autolic_id uop = 0, uop3 = 0;
	/* shop floor full, yet the user's operator is created: it takes no licence */
	OK(autolic_ops_operator_from_user(X.db, X.tenant, h, X.u1, "U-1", &uop));
	OK(autolic_ops_operator_from_user(X.db, X.tenant, h, X.u3, "U-3", &uop3));
	autolic_ops_operator_info i = op_get(uop);
	assert_string_equal(i.name, "Una One");
	assert_string_equal(i.number, "U-1");
	assert_int_equal(i.user, X.u1);
	assert_string_equal(op_get(uop3).name, "u3@example.com");
	assert_int_equal(lic_get(h).shop_floor_used, 1);
	/* not transferable; a licensed operator is */
	REFUSED(AUTOLIC_ESTATE, "OPS-3",
	        autolic_ops_operator_transfer(X.db, X.tenant, uop, "Someone Else"));
	OK(autolic_ops_operator_transfer(X.db, X.tenant, lic, "New Person"));
	assert_string_equal(op_get(lic).name, "New Person");
	assert_string_equal(op_get(lic).number, "L1");
	/* deactivated whenever the user is */
	X.ev.n = 0;
	OK(autolic_ops_user_deactivate(X.db, X.tenant, h, X.u1));
	i = op_get(uop);
	assert_int_equal(i.active, 0);
	assert_int_equal(i.reason, AUTOLIC_OPS_REASON_USER);
	assert_int_equal(t_events_count(&X.ev, AUTOLIC_EVENT_OPERATOR_DEACTIVATED), 1);
	assert_string_equal(X.ev.v[0].rule, "OPS-3");
	assert_int_equal(X.ev.v[0].object, uop);
	REFUSED(AUTOLIC_ESTATE, "already deactivated",
	        autolic_ops_user_deactivate(X.db, X.tenant, h, X.u1));
	/* reactivated only while the user is active */
	REFUSED(AUTOLIC_ESTATE, "OPS-3", autolic_ops_operator_reactivate(X.db, X.tenant, uop));
	REFUSED(AUTOLIC_ESTATE, "OPS-3",
	        autolic_ops_operator_from_user(X.db, X.tenant, h, X.u1, "U-9", NULL));
	OK(autolic_ops_user_reactivate(X.db, X.tenant, h, X.u1));
	assert_int_equal(op_get(uop).active, 0); /* not automatically */
	OK(autolic_ops_operator_reactivate(X.db, X.tenant, uop));
	assert_int_equal(op_get(uop).active, 1);
	assert_int_equal(lic_get(h).shop_floor_used, 1);
	REFUSED(AUTOLIC_ESTATE, "already active",
	        autolic_ops_user_reactivate(X.db, X.tenant, h, X.u1));
	/* unknown users */
	REFUSED(AUTOLIC_ENOTFOUND, "unknown user",
	        autolic_ops_operator_from_user(X.db, X.tenant, h, X.u2, "U-2", NULL));
	REFUSED(AUTOLIC_ENOTFOUND, "unknown user", autolic_ops_user_add(X.db, X.tenant, h, 9999));
	REFUSED(AUTOLIC_ENOTFOUND, "unknown user",
	        autolic_ops_user_deactivate(X.db, X.tenant, h, X.u2));
}

/* OPS-2, OPS-3, OPS-5: a hub's operators listed as autolic_ops_operator_get reads
 * each, in one snapshot. */
static void test_operator_iter(void **state)
{
	(void)state;
	buy(X.tenant, X.tenant, AUTOLIC_OPS_SHOP_FLOOR, 2, T0 + 365 * DAY);
	buy(X.tenant, X.tenant, AUTOLIC_OPS_USER, 1, T0 + 365 * DAY);
	autolic_id h = hub_make(X.tenant, 10);
	OK(autolic_ops_hub_provision(X.db, X.tenant, h, NULL));
	autolic_id a = op_add(h, "A1", "Anne Floor");
	autolic_id b = op_add(h, "B2", "Bert Floor");
	OK(autolic_ops_user_add(X.db, X.tenant, h, X.u1));
	autolic_id u = 0;
	OK(autolic_ops_operator_from_user(X.db, X.tenant, h, X.u1, "U-1", &u));
	OK(autolic_ops_operator_deactivate(X.db, X.tenant, b));
	OK(autolic_ops_user_deactivate(X.db, X.tenant, h, X.u1));

	autolic_ops_operator_iter *it = NULL;
	OK(autolic_ops_operator_iter_new(X.db, h, &it));
	OK(autolic_ops_operator_reactivate(X.db, X.tenant, b)); /* after the snapshot */
	autolic_id want[] = {a, b, u};
	autolic_ops_operator_info got = {.version = AUTOLIC_OPS_OPERATOR_INFO_VERSION};
	for (size_t i = 0; i < 3; i++) {
		OK(autolic_ops_operator_iter_next(it, &got));
		assert_int_equal(got.id, want[i]);
		assert_int_equal(got.hub, h);
	}
	assert_int_equal(autolic_ops_operator_iter_next(it, &got), AUTOLIC_ITEROVER);
	autolic_ops_operator_iter_free(it);

	/* the same as the getter, field by field; b as at the snapshot time was inactive */
	OK(autolic_ops_operator_iter_new(X.db, h, &it));
	for (size_t i = 0; i < 3; i++) {
		OK(autolic_ops_operator_iter_next(it, &got));
		autolic_ops_operator_info one = op_get(want[i]);
		assert_memory_equal(&got, &one, sizeof got);
	}
	autolic_ops_operator_iter_free(it);
	assert_int_equal(op_get(u).reason, AUTOLIC_OPS_REASON_USER);

	/* a hub without operators; bad input */
	autolic_id other = 0;
	{
		autolic_ops_hub_spec hs = AUTOLIC_OPS_HUB_SPEC_INIT;
		hs.name = "Empty";
		hs.tenant = X.admin;
		buy(X.admin, X.admin, AUTOLIC_OPS_SHOP_FLOOR, 1, T0 + 365 * DAY);
		OK(autolic_ops_hub_create(X.db, X.admin, &hs, &other));
	}
	OK(autolic_ops_operator_iter_new(X.db, other, &it));
	assert_int_equal(autolic_ops_operator_iter_next(it, &got), AUTOLIC_ITEROVER);
	autolic_ops_operator_iter_free(it);
	it = (autolic_ops_operator_iter *)1;
	assert_int_equal(autolic_ops_operator_iter_new(X.db, 9999, &it), AUTOLIC_ENOTFOUND);
	assert_null(it);
	assert_non_null(strstr(autolic_errmsg(), "hub 9999"));
	assert_int_equal(autolic_ops_operator_iter_new(NULL, h, &it), AUTOLIC_EINVAL);
	assert_int_equal(autolic_ops_operator_iter_new(X.db, h, NULL), AUTOLIC_EINVAL);
	OK(autolic_ops_operator_iter_new(X.db, h, &it));
	got.version = 0;
	assert_int_equal(autolic_ops_operator_iter_next(it, &got), AUTOLIC_EVERSION);
	assert_int_equal(autolic_ops_operator_iter_next(it, NULL), AUTOLIC_EINVAL);
	assert_int_equal(autolic_ops_operator_iter_next(NULL, &got), AUTOLIC_EINVAL);
	autolic_ops_operator_iter_free(it);
	autolic_ops_operator_iter_free(NULL);
}

/* OPS-3: reactivating a user needs a free user licence (OPS-2). */
static void test_ops3_user_reactivation_needs_licence(void **state)
{
	(void)state;
	buy(X.tenant, X.tenant, AUTOLIC_OPS_USER, 1, T0 + 365 * DAY);
	autolic_id h = hub_make(X.tenant, 10);
	OK(autolic_ops_user_add(X.db, X.tenant, h, X.u1));
	OK(autolic_ops_user_deactivate(X.db, X.tenant, h, X.u1));
	OK(autolic_ops_user_add(X.db, X.tenant, h, X.u2));
	REFUSED(AUTOLIC_ENOSEAT, "OPS-2", autolic_ops_user_reactivate(X.db, X.tenant, h, X.u1));
}

/* OPS-6: a late payment shows a warning for 30 days (days left readable),
 * then users are refused with "no valid licence" until it is paid. */
static void test_ops6_late_payment(void **state)
{
	(void)state;
	buy(X.tenant, X.tenant, AUTOLIC_OPS_USER, 2, T0 + 365 * DAY);
	autolic_id h = hub_make(X.tenant, 10);
	OK(autolic_ops_hub_provision(X.db, X.tenant, h, NULL));
	OK(autolic_ops_user_add(X.db, X.tenant, h, X.u1));
	REFUSED(AUTOLIC_EINVAL, "not late yet",
	        autolic_ops_payment_late(X.db, X.tenant, h, T0 + 1));
	REFUSED(AUTOLIC_ESTATE, "no late payment", autolic_ops_payment_record(X.db, X.tenant, h));
	X.ev.n = 0;
	OK(autolic_ops_payment_late(X.db, X.tenant, h, T0));
	assert_int_equal(t_events_count(&X.ev, AUTOLIC_EVENT_PAYMENT_LATE), 1);
	assert_string_equal(X.ev.v[0].rule, "OPS-6");
	assert_int_equal(X.ev.v[0].recipient, X.tenant);
	REFUSED(AUTOLIC_ESTATE, "already has a payment late",
	        autolic_ops_payment_late(X.db, X.tenant, h, T0));
	autolic_ops_hub_info i = hub_get(h);
	assert_int_equal(i.payment_state, AUTOLIC_OPS_PAYMENT_WARNING);
	assert_int_equal(i.payment_days_left, 30);
	assert_int_equal(i.payment_block, T0 + 30 * DAY);
	OK(autolic_ops_access_check(X.db, h, X.u1));
	X.clock.now = T0 + 30 * DAY - 1;
	assert_int_equal(hub_get(h).payment_days_left, 1);
	OK(autolic_ops_access_check(X.db, h, X.u1));
	X.clock.now = T0 + 30 * DAY;
	i = hub_get(h);
	assert_int_equal(i.payment_state, AUTOLIC_OPS_PAYMENT_BLOCKED);
	assert_int_equal(i.payment_days_left, 0);
	REFUSED(AUTOLIC_ENOLICENCE, "no valid licence", autolic_ops_access_check(X.db, h, X.u1));
	assert_non_null(strstr(autolic_errmsg(), "OPS-6"));
	OK(autolic_ops_payment_record(X.db, X.tenant, h));
	assert_int_equal(hub_get(h).payment_state, AUTOLIC_OPS_PAYMENT_OK);
	OK(autolic_ops_access_check(X.db, h, X.u1));
}

/* OPS-7: a user with no valid licence is refused with "no valid licence". */
static void test_ops7_access_without_licence(void **state)
{
	(void)state;
	uint64_t s = buy(X.tenant, X.tenant, AUTOLIC_OPS_USER, 2, T0 + 365 * DAY);
	autolic_id h = hub_make(X.tenant, 10);
	OK(autolic_ops_hub_provision(X.db, X.tenant, h, NULL));
	REFUSED(AUTOLIC_ENOLICENCE, "OPS-7: no valid licence",
	        autolic_ops_access_check(X.db, h, X.u1));
	/* the tenant itself needs a user licence to use the interface */
	REFUSED(AUTOLIC_ENOLICENCE, "OPS-7", autolic_ops_access_check(X.db, h, X.tenant));
	OK(autolic_ops_user_add(X.db, X.tenant, h, X.u1));
	X.clock.now += 10;
	OK(autolic_ops_user_add(X.db, X.tenant, h, X.u2));
	OK(autolic_ops_access_check(X.db, h, X.u1));
	OK(autolic_ops_access_check(X.db, h, X.u2));
	/* licences shrink below the users: the last assigned is uncovered */
	OK(autolic_ops_subscription_set_quantity(X.db, X.tenant, s, 1, NULL));
	OK(autolic_ops_access_check(X.db, h, X.u1));
	REFUSED(AUTOLIC_ENOLICENCE, "OPS-7: no valid licence",
	        autolic_ops_access_check(X.db, h, X.u2));
	/* deactivated users have no valid licence */
	OK(autolic_ops_user_deactivate(X.db, X.tenant, h, X.u1));
	REFUSED(AUTOLIC_ENOLICENCE, "deactivated", autolic_ops_access_check(X.db, h, X.u1));
	OK(autolic_ops_access_check(X.db, h, X.u2));
	assert_int_equal(autolic_ops_access_check(X.db, 9999, X.u2), AUTOLIC_ENOTFOUND);
}

/* Bad input: duplicate numbers, bad numbers and names, production dated in
 * the future beyond the tolerance; clear errors, nothing changed. */
static void test_ops_bad_input(void **state)
{
	(void)state;
	buy(X.tenant, X.tenant, AUTOLIC_OPS_SHOP_FLOOR, 5, T0 + 365 * DAY);
	buy(X.tenant, X.tenant, AUTOLIC_OPS_USER, 5, T0 + 365 * DAY);
	autolic_id h = hub_make(X.tenant, 10);
	autolic_id a = op_add(h, "A1", "Alice");
	OK(autolic_ops_user_add(X.db, X.tenant, h, X.u1));
	REFUSED(AUTOLIC_EEXISTS, "'A1' is already used", op_add_rc(X.tenant, h, "A1"));
	REFUSED(AUTOLIC_EEXISTS, "'A1' is already used",
	        autolic_ops_operator_from_user(X.db, X.tenant, h, X.u1, "A1", NULL));
	REFUSED(AUTOLIC_EINVAL, "operator number", op_add_rc(X.tenant, h, "A 1"));
	REFUSED(AUTOLIC_EINVAL, "operator number", op_add_rc(X.tenant, h, ""));
	REFUSED(AUTOLIC_EINVAL, "longer than",
	        op_add_rc(X.tenant, h, "012345678901234567890123456789012"));
	autolic_ops_operator_spec s = AUTOLIC_OPS_OPERATOR_SPEC_INIT;
	s.number = "B1";
	s.name = "Bad\nName";
	REFUSED(AUTOLIC_EINVAL, "control character",
	        autolic_ops_operator_add(X.db, X.tenant, h, &s, NULL));
	s.name = NULL;
	REFUSED(AUTOLIC_EINVAL, "operator name",
	        autolic_ops_operator_add(X.db, X.tenant, h, &s, NULL));
	REFUSED(AUTOLIC_ENOTFOUND, "hub 9999", op_add_rc(X.tenant, 9999, "C1"));
	REFUSED(AUTOLIC_ENOTFOUND, "operator 9999",
	        autolic_ops_operator_deactivate(X.db, X.tenant, 9999));
	/* production dates: up to the tolerance accepted, beyond refused */
	REFUSED(AUTOLIC_EINVAL, "beyond the tolerance of 300 s",
	        autolic_ops_operator_record_production(X.db, X.tenant, a, T0 + 301));
	REFUSED(AUTOLIC_EINVAL, "negative",
	        autolic_ops_operator_record_production(X.db, X.tenant, a, -1));
	OK(autolic_ops_operator_record_production(X.db, X.tenant, a, T0 + 300));
	autolic_ops_operator_info i = op_get(a);
	assert_int_equal(i.has_production, 1);
	assert_int_equal(i.last_production, T0 + 300);
	OK(autolic_ops_operator_deactivate(X.db, X.tenant, a));
	REFUSED(AUTOLIC_ESTATE, "deactivated",
	        autolic_ops_operator_record_production(X.db, X.tenant, a, T0));
	autolic_id found = 0;
	OK(autolic_ops_operator_find(X.db, h, "A1", &found));
	assert_int_equal(found, a);
	assert_int_equal(autolic_ops_operator_find(X.db, h, "Z9", &found), AUTOLIC_ENOTFOUND);
	autolic_ops_operator_info bad;
	bad.version = 0;
	assert_int_equal(autolic_ops_operator_get(X.db, a, &bad), AUTOLIC_EVERSION);
	assert_int_equal(autolic_ops_operator_get(X.db, 9999, &i), AUTOLIC_ENOTFOUND);
	assert_int_equal(autolic_ops_hub_get(X.db, 9999, &(autolic_ops_hub_info){.version = 1}),
	                 AUTOLIC_ENOTFOUND);
}

/* Account removal belongs to the accounts noun; mark one removed directly. */
static int remove_account_fn(al_txn *t, void *arg)
{
	autolic_account_info a;
	int rc = al_account_load(t, *(autolic_id *)arg, &a);
	if (rc)
		return rc;
	a.state = AUTOLIC_ACCOUNT_REMOVED;
	return al_account_store(t, &a, 0);
}

/* OPS-3: a removed account counts as a deactivated user: its operators read
 * as inactive and reconcile deactivates them for good. */
static void test_ops3_removed_account(void **state)
{
	(void)state;
	buy(X.tenant, X.tenant, AUTOLIC_OPS_USER, 2, T0 + 365 * DAY);
	autolic_id h = hub_make(X.tenant, 10);
	OK(autolic_ops_user_add(X.db, X.tenant, h, X.u1));
	autolic_id uop = 0;
	OK(autolic_ops_operator_from_user(X.db, X.tenant, h, X.u1, "U1", &uop));
	OK(al_run(X.db, 1, remove_account_fn, &X.u1));
	autolic_ops_operator_info i = op_get(uop);
	assert_int_equal(i.active, 0);
	assert_int_equal(i.reason, AUTOLIC_OPS_REASON_USER);
	REFUSED(AUTOLIC_ENOLICENCE, "deactivated", autolic_ops_access_check(X.db, h, X.u1));
	REFUSED(AUTOLIC_ESTATE, "OPS-3", autolic_ops_operator_reactivate(X.db, X.tenant, uop));
	REFUSED(AUTOLIC_ESTATE, "OPS-3",
	        autolic_ops_operator_record_production(X.db, X.tenant, uop, T0));
	X.ev.n = 0;
	uint64_t n = 0;
	OK(autolic_ops_hub_reconcile(X.db, X.tenant, h, &n));
	assert_int_equal(n, 1);
	assert_int_equal(t_events_count(&X.ev, AUTOLIC_EVENT_OPERATOR_DEACTIVATED), 1);
	assert_string_equal(X.ev.v[0].rule, "OPS-3");
	OK(autolic_ops_hub_reconcile(X.db, X.tenant, h, &n));
	assert_int_equal(n, 0);
	/* a removed account cannot be made a user again, nor act */
	OK(autolic_ops_user_deactivate(X.db, X.tenant, h, X.u1));
	REFUSED(AUTOLIC_ESTATE, "removed", autolic_ops_user_reactivate(X.db, X.tenant, h, X.u1));
	OK(autolic_ops_admin_add(X.db, X.tenant, X.tenant, X.u2));
	OK(al_run(X.db, 1, remove_account_fn, &X.u2));
	REFUSED(AUTOLIC_EPERM, "not active", op_add_rc(X.u2, h, "Z1"));
	REFUSED(AUTOLIC_ESTATE, "removed", autolic_ops_user_add(X.db, X.tenant, h, X.u2));
}

/* ---- fault loop ---- */

typedef struct fl {
	autolic_id tenant, admin, u1, hub, ops[5], uop;
	uint64_t shop, user;
} fl;

#define FL_CHECK(call)                                                                             \
	do {                                                                                       \
		int rc_ = (call);                                                                  \
		if (rc_)                                                                           \
			return rc_;                                                                \
	} while (0)

static int fl_accounts(autolic_db *db, fl *x)
{
	autolic_account_spec a = AUTOLIC_ACCOUNT_SPEC_INIT;
	a.email = "tenant@example.com";
	FL_CHECK(autolic_account_register(db, &a, &x->tenant));
	a.email = "admin@example.com";
	FL_CHECK(autolic_account_register(db, &a, &x->admin));
	a.email = "u1@example.com";
	a.first_name = "Una";
	return autolic_account_register(db, &a, &x->u1);
}

static int fl_buy(autolic_db *db, fl *x, int kind, uint32_t q, uint64_t *n)
{
	autolic_ops_subscription_spec s = AUTOLIC_OPS_SUBSCRIPTION_SPEC_INIT;
	s.tenant = x->tenant;
	s.kind = kind;
	s.quantity = q;
	s.end = T0 + 365 * DAY;
	return autolic_ops_subscription_buy(db, x->tenant, &s, n);
}

/* Accounts and purchases, no hub. */
static int setup_purchase(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	fl *x = ctx;
	FL_CHECK(fl_accounts(db, x));
	FL_CHECK(fl_buy(db, x, AUTOLIC_OPS_SHOP_FLOOR, 3, &x->shop));
	return fl_buy(db, x, AUTOLIC_OPS_USER, 2, &x->user);
}

/* A hub in trial with 5 operators (2 with production) and a user operator. */
static int setup_trial(autolic_db *db, t_clock *c, void *ctx)
{
	fl *x = ctx;
	FL_CHECK(setup_purchase(db, c, ctx));
	FL_CHECK(autolic_ops_admin_add(db, x->tenant, x->tenant, x->admin));
	autolic_ops_hub_spec h = AUTOLIC_OPS_HUB_SPEC_INIT;
	h.name = "Plant";
	FL_CHECK(autolic_ops_hub_create(db, x->tenant, &h, &x->hub));
	const char *nums[5] = {"O1", "O2", "O3", "O4", "O5"};
	for (int i = 0; i < 5; i++) {
		autolic_ops_operator_spec o = AUTOLIC_OPS_OPERATOR_SPEC_INIT;
		o.number = nums[i];
		o.name = nums[i];
		FL_CHECK(autolic_ops_operator_add(db, x->tenant, x->hub, &o, &x->ops[i]));
	}
	FL_CHECK(autolic_ops_operator_record_production(db, x->tenant, x->ops[3], c->now - 50));
	FL_CHECK(autolic_ops_operator_record_production(db, x->tenant, x->ops[4], c->now - 10));
	FL_CHECK(autolic_ops_user_add(db, x->tenant, x->hub, x->u1));
	return autolic_ops_operator_from_user(db, x->tenant, x->hub, x->u1, "U1", &x->uop);
}

/* Provisioned with 3 licences (2 operators deactivated), then one freed. */
static int setup_provisioned(autolic_db *db, t_clock *c, void *ctx)
{
	fl *x = ctx;
	FL_CHECK(setup_trial(db, c, ctx));
	FL_CHECK(autolic_ops_hub_provision(db, x->tenant, x->hub, NULL));
	return autolic_ops_operator_deactivate(db, x->tenant, x->ops[4]);
}

static int step_hub_create(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	fl *x = ctx;
	autolic_ops_hub_spec h = AUTOLIC_OPS_HUB_SPEC_INIT;
	h.name = "Plant";
	return autolic_ops_hub_create(db, x->tenant, &h, NULL);
}

static int step_provision(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	fl *x = ctx;
	uint64_t n = 0;
	int rc = autolic_ops_hub_provision(db, x->admin, x->hub, &n);
	if (!rc && n != 2)
		fail_msg("provision deactivated %llu, not 2", (unsigned long long)n);
	return rc;
}

static int step_op_add(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	fl *x = ctx;
	autolic_ops_operator_spec o = AUTOLIC_OPS_OPERATOR_SPEC_INIT;
	o.number = "N1";
	o.name = "New";
	return autolic_ops_operator_add(db, x->admin, x->hub, &o, NULL);
}

static int step_from_user(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	fl *x = ctx;
	return autolic_ops_operator_from_user(db, x->tenant, x->hub, x->u1, "U2", NULL);
}

static int step_reactivate(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	fl *x = ctx;
	return autolic_ops_operator_reactivate(db, x->tenant, x->ops[0]);
}

static int step_deactivate(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	fl *x = ctx;
	return autolic_ops_operator_deactivate(db, x->tenant, x->ops[3]);
}

static int step_production(autolic_db *db, t_clock *c, void *ctx)
{
	fl *x = ctx;
	return autolic_ops_operator_record_production(db, x->tenant, x->ops[2], c->now);
}

static int step_transfer(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	fl *x = ctx;
	return autolic_ops_operator_transfer(db, x->tenant, x->ops[2], "Someone Else");
}

static int step_user_deactivate(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	fl *x = ctx;
	return autolic_ops_user_deactivate(db, x->tenant, x->hub, x->u1);
}

static int step_user_add(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	fl *x = ctx;
	return autolic_ops_user_add(db, x->tenant, x->hub, x->admin);
}

static int step_shrink(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	fl *x = ctx;
	uint64_t n = 0;
	int rc = autolic_ops_subscription_set_quantity(db, x->tenant, x->shop, 1, &n);
	if (!rc && n != 1)
		fail_msg("shrink deactivated %llu, not 1", (unsigned long long)n);
	return rc;
}

static int step_sub_end(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	fl *x = ctx;
	return autolic_ops_subscription_end(db, x->tenant, x->shop, NULL);
}

static int step_buy(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	return fl_buy(db, ctx, AUTOLIC_OPS_SHOP_FLOOR, 4, NULL);
}

static int step_reconcile(autolic_db *db, t_clock *c, void *ctx)
{
	fl *x = ctx;
	c->now = T0 + 365 * DAY; /* every subscription's term is over */
	return autolic_ops_hub_reconcile(db, x->tenant, x->hub, NULL);
}

static int setup_late(autolic_db *db, t_clock *c, void *ctx)
{
	fl *x = ctx;
	FL_CHECK(setup_provisioned(db, c, ctx));
	return autolic_ops_payment_late(db, x->tenant, x->hub, c->now);
}

static int step_payment(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	fl *x = ctx;
	return autolic_ops_payment_record(db, x->tenant, x->hub);
}

static int step_payment_late(autolic_db *db, t_clock *c, void *ctx)
{
	fl *x = ctx;
	return autolic_ops_payment_late(db, x->tenant, x->hub, c->now);
}

static int step_admin(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	fl *x = ctx;
	return autolic_ops_admin_add(db, x->tenant, x->tenant, x->u1);
}

static int step_admin_remove(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	fl *x = ctx;
	return autolic_ops_admin_remove(db, x->tenant, x->tenant, x->admin);
}

static int step_reads(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	fl *x = ctx;
	autolic_ops_licence_info li = {.version = AUTOLIC_OPS_LICENCE_INFO_VERSION};
	autolic_ops_operator_info oi = {.version = AUTOLIC_OPS_OPERATOR_INFO_VERSION};
	autolic_ops_hub_info hi = {.version = AUTOLIC_OPS_HUB_INFO_VERSION};
	uint64_t avail;
	autolic_id id;
	int rc = autolic_ops_access_check(db, x->hub, x->u1);
	if (!rc)
		rc = autolic_ops_licences_get(db, x->hub, &li);
	if (!rc)
		rc = autolic_ops_shop_floor_available(db, x->hub, &avail);
	if (!rc)
		rc = autolic_ops_operator_get(db, x->uop, &oi);
	if (!rc)
		rc = autolic_ops_hub_get(db, x->hub, &hi);
	if (!rc)
		rc = autolic_ops_operator_find(db, x->hub, "O2", &id);
	return rc;
}

typedef struct fl_case {
	const char *name;
	t_setup_fn setup;
	t_step_fn step;
} fl_case;

static void test_ops_fault_loop(void **state)
{
	(void)state;
	static const fl_case cases[] = {
	    {"hub_create", setup_purchase, step_hub_create},
	    {"buy", setup_purchase, step_buy},
	    {"provision (OPS-5)", setup_trial, step_provision},
	    {"operator_add", setup_trial, step_op_add},
	    {"from_user", setup_trial, step_from_user},
	    {"transfer", setup_trial, step_transfer},
	    {"production", setup_trial, step_production},
	    {"user_deactivate (OPS-3)", setup_trial, step_user_deactivate},
	    {"user_add", setup_trial, step_user_add},
	    {"admin_add", setup_trial, step_admin},
	    {"admin_remove", setup_trial, step_admin_remove},
	    {"reactivate", setup_provisioned, step_reactivate},
	    {"deactivate", setup_provisioned, step_deactivate},
	    {"shrink (OPS-5)", setup_provisioned, step_shrink},
	    {"subscription_end", setup_provisioned, step_sub_end},
	    {"reconcile", setup_provisioned, step_reconcile},
	    {"payment_record", setup_late, step_payment},
	    {"payment late", setup_provisioned, step_payment_late},
	    {"reads", setup_provisioned, step_reads},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		fl x;
		memset(&x, 0, sizeof x);
		long runs = t_fault_loop(cases[i].setup, cases[i].step, &x);
		print_message("fault loop %s: %ld failed runs\n", cases[i].name, runs);
		if (runs < 4)
			fail_msg("fault loop '%s' failed only %ld runs", cases[i].name, runs);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_ops1_hub_after_purchase, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ops1_tenant_chosen_automatically, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ops1_trial_days_left, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_role7_permissions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ops2_subscriptions_and_licences, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ops4_no_free_licence, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ops5_at_provisioning, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ops5_when_licences_shrink, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ops3_operator_from_user, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ops3_user_reactivation_needs_licence, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_ops6_late_payment, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ops7_access_without_licence, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ops_bad_input, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ops3_removed_account, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_operator_iter, setup, teardown),
	    cmocka_unit_test(test_ops_fault_loop),
	};
	return t_run_group("ops", tests, NULL, NULL);
}
