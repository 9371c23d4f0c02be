/* IN-3: every public call, state-changing or reading, with the host clock
 * (and every time argument) at the ends of the 64-bit range: INT64_MIN,
 * INT64_MIN + 1, INT64_MAX - 1 and INT64_MAX. Each call either succeeds with
 * sane values or fails with an error and a message, the store unchanged;
 * none overflows (the suite runs under UBSan in the asan preset). */
#include "t_roles.h"
#include "core/timecalc.h"

#include <limits.h>

typedef struct {
	t_faulty f;
	t_clock c;
	t_events e;
	autolic_db *db;
	autolic_id ann, bob, inv, team, team2, contract, hub, app, ops_hub, op, lot, session;
	uint64_t ops_sub;
	autolic_time at; /* the extreme under test: the clock and every time argument */
} fx;

static fx *make(void)
{
	fx *x = calloc(1, sizeof *x);
	x->c.now = T_NOW;
	x->db = t_open(&x->f, &x->c, &x->e, NULL);
	x->ann = t_register(x->db, "ann@example.com", "Ann", "Admin");
	x->bob = t_register(x->db, "bob@example.com", "Bob", "User");
	autolic_team_spec ts = AUTOLIC_TEAM_SPEC_INIT;
	ts.name = "One";
	T_OK(autolic_team_create(x->db, x->ann, &ts, &x->team));
	ts.name = "Two";
	T_OK(autolic_team_create(x->db, x->ann, &ts, &x->team2));
	T_OK(autolic_account_invite_text(x->db, x->ann, x->team, "Ivy Invited <ivy@example.com>",
	                                 &x->inv));
	x->contract = t_buy1(x->db, x->ann, x->team, T_NOW);
	T_OK(autolic_seat_grant(x->db, x->ann, x->contract, "autocad", x->bob));
	T_OK(autolic_hub_create(x->db, x->ann, x->team, "Hub", &x->hub));
	T_OK(autolic_hub_app_create(x->db, x->ann, x->hub, "App", &x->app));
	T_OK(autolic_flex_product_set(x->db, "fusion", "Fusion", 10));
	autolic_flex_lot_spec ls = AUTOLIC_FLEX_LOT_SPEC_INIT;
	ls.subscription = "TS-1";
	ls.quantity = 100;
	ls.purchased = T_NOW;
	T_OK(autolic_flex_lot_buy(x->db, x->ann, x->team, &ls, &x->lot));
	autolic_flex_user_spec us = AUTOLIC_FLEX_USER_SPEC_INIT;
	us.account = x->bob;
	us.all_products = 1;
	autolic_id who;
	T_OK(autolic_flex_user_assign(x->db, x->ann, x->team, &us, &who));
	autolic_flex_report_spec r = AUTOLIC_FLEX_REPORT_SPEC_INIT;
	r.kind = AUTOLIC_FLEX_LAUNCH;
	r.key = "k1";
	r.time = T_NOW;
	r.product = "fusion";
	r.team = x->team;
	r.account = x->bob;
	autolic_flex_result res = {.version = AUTOLIC_FLEX_RESULT_VERSION};
	T_OK(autolic_flex_report(x->db, &r, &res));
	x->session = res.session;
	autolic_ops_subscription_spec ss = AUTOLIC_OPS_SUBSCRIPTION_SPEC_INIT;
	ss.tenant = x->ann;
	ss.kind = AUTOLIC_OPS_SHOP_FLOOR;
	ss.quantity = 5;
	ss.end = T_NOW + T_YEAR;
	T_OK(autolic_ops_subscription_buy(x->db, x->ann, &ss, &x->ops_sub));
	ss.kind = AUTOLIC_OPS_USER;
	uint64_t n;
	T_OK(autolic_ops_subscription_buy(x->db, x->ann, &ss, &n));
	autolic_ops_hub_spec hs = AUTOLIC_OPS_HUB_SPEC_INIT;
	hs.name = "Plant";
	hs.tenant = x->ann;
	T_OK(autolic_ops_hub_create(x->db, x->ann, &hs, &x->ops_hub));
	autolic_ops_operator_spec os = AUTOLIC_OPS_OPERATOR_SPEC_INIT;
	os.number = "A1";
	os.name = "Alice";
	T_OK(autolic_ops_operator_add(x->db, x->ann, x->ops_hub, &os, &x->op));
	T_OK(autolic_ops_user_add(x->db, x->ann, x->ops_hub, x->bob));
	return x;
}

/* ---- the calls: each returns the call's result ---- */

/* Run a call that may change the store: when it fails, the store is as it
 * was before it (every call is atomic, whatever the clock reads). */
static t_dump chk_before;
static void snap_(fx *x)
{
	t_dump_store(&x->f.inner, &chk_before);
}
static int chk_(fx *x, const char *what, int rc)
{
	if (rc > 0 || (rc < 0 && !*autolic_errmsg()))
		fail_msg("%s at %lld: %d without a message", what, (long long)x->at, rc);
	if (getenv("T_CLOCK_VERBOSE"))
		print_message("%s at %lld: %d %s\n", what, (long long)x->at, rc,
		              rc ? autolic_errmsg() : "");
	if (rc < 0) {
		t_dump after;
		t_dump_store(&x->f.inner, &after);
		if (!t_dump_equal(&chk_before, &after))
			fail_msg("%s at %lld failed (%d: %s) but changed the store", what,
			         (long long)x->at, rc, autolic_errmsg());
		t_dump_free(&after);
	}
	t_dump_free(&chk_before);
	return rc;
}
#define CHK(call) (snap_(x), chk_(x, #call, (call)))

#define INFO(type, ver) type v_ = {.version = ver}

static int c_register(fx *x)
{
	autolic_account_spec s = AUTOLIC_ACCOUNT_SPEC_INIT;
	s.email = "new@example.com";
	autolic_id id;
	int rc = CHK(autolic_account_register(x->db, &s, &id));
	if (!rc) {
		INFO(autolic_account_info, AUTOLIC_ACCOUNT_INFO_VERSION);
		T_OK(autolic_account_get(x->db, id, &v_));
		assert_int_equal(v_.created, x->c.now);
	}
	return rc;
}

static int c_invite(fx *x)
{
	autolic_account_spec s = AUTOLIC_ACCOUNT_SPEC_INIT;
	s.email = "dan@example.com";
	s.first_name = "Dan";
	s.last_name = "Doe";
	autolic_id id;
	int rc = CHK(autolic_account_invite(x->db, x->ann, x->team, &s, &id));
	if (!rc) {
		INFO(autolic_account_info, AUTOLIC_ACCOUNT_INFO_VERSION);
		T_OK(autolic_account_get(x->db, id, &v_));
		assert_true(v_.invitation_expires > x->c.now); /* 7 days later, not wrapped */
	}
	return rc;
}

static int c_invite_text(fx *x)
{
	autolic_id id;
	return CHK(
	    autolic_account_invite_text(x->db, x->ann, x->team, "Eve Else <eve@example.com>", &id));
}

static int c_resend(fx *x)
{
	int rc = CHK(autolic_account_resend(x->db, x->ann, x->inv));
	if (!rc) {
		INFO(autolic_account_info, AUTOLIC_ACCOUNT_INFO_VERSION);
		T_OK(autolic_account_get(x->db, x->inv, &v_));
		assert_true(v_.invitation_expires > x->c.now);
	}
	return rc;
}

static int c_accept(fx *x)
{
	return CHK(autolic_account_accept(x->db, x->inv));
}

static int c_account_get(fx *x)
{
	INFO(autolic_account_info, AUTOLIC_ACCOUNT_INFO_VERSION);
	return autolic_account_get(x->db, x->inv, &v_);
}

static int c_account_find(fx *x)
{
	autolic_id id;
	return autolic_account_find(x->db, "bob@example.com", &id);
}

static int c_update(fx *x)
{
	autolic_account_spec s = AUTOLIC_ACCOUNT_SPEC_INIT;
	s.first_name = "Robert";
	return CHK(autolic_account_update(x->db, x->bob, x->bob, &s));
}

static int c_remove(fx *x)
{
	return CHK(autolic_account_remove(x->db, x->ann, x->bob));
}

static int c_import(fx *x)
{
	size_t added;
	return CHK(autolic_account_import(x->db, x->ann, x->team, "Fay Fern <fay@example.com>\n",
	                                  AUTOLIC_IMPORT_LIST, NULL, NULL, &added));
}

static int c_account_iter(fx *x)
{
	autolic_account_iter *it;
	int rc = autolic_account_iter_new(x->db, x->team, &it);
	INFO(autolic_account_info, AUTOLIC_ACCOUNT_INFO_VERSION);
	while (!rc && (rc = autolic_account_iter_next(it, &v_)) == 0)
		;
	if (rc != AUTOLIC_ITEROVER)
		return rc;
	autolic_account_iter_free(it);
	return 0;
}

static int c_team_create(fx *x)
{
	autolic_team_spec s = AUTOLIC_TEAM_SPEC_INIT;
	s.name = "Three";
	autolic_id id;
	return CHK(autolic_team_create(x->db, x->ann, &s, &id));
}

static int c_team_get(fx *x)
{
	INFO(autolic_team_info, AUTOLIC_TEAM_INFO_VERSION);
	int role;
	int rc = autolic_team_get(x->db, x->team, &v_);
	return rc ? rc : autolic_team_role_get(x->db, x->team, x->bob, &role);
}

static int c_team_admin(fx *x)
{
	int rc = CHK(autolic_team_add_admin(x->db, x->ann, x->team2, x->bob));
	if (!rc)
		rc = CHK(autolic_team_set_primary(x->db, x->ann, x->team2, x->bob));
	if (!rc)
		rc = CHK(autolic_team_remove_admin(x->db, x->bob, x->team2, x->ann));
	return rc;
}

static int c_team_iter(fx *x)
{
	autolic_team_iter *it;
	int rc = autolic_team_iter_new(x->db, x->ann, &it);
	INFO(autolic_team_membership, AUTOLIC_TEAM_MEMBERSHIP_VERSION);
	while (!rc && (rc = autolic_team_iter_next(it, &v_)) == 0)
		;
	if (rc != AUTOLIC_ITEROVER)
		return rc;
	autolic_team_iter_free(it);
	return 0;
}

static int c_contract_buy(fx *x)
{
	autolic_contract_product_spec p = AUTOLIC_CONTRACT_PRODUCT_SPEC_INIT;
	p.product = "inventor";
	p.quantity = 1;
	autolic_contract_spec s = AUTOLIC_CONTRACT_SPEC_INIT;
	s.team = x->team;
	s.products = &p;
	s.nproducts = 1;
	s.start = x->at;
	s.end = x->at == INT64_MAX ? x->at : x->at + 1;
	autolic_id id;
	return CHK(autolic_contract_buy(x->db, x->ann, &s, &id));
}

static int c_contract_read(fx *x)
{
	INFO(autolic_contract_info, AUTOLIC_CONTRACT_INFO_VERSION);
	int rc = autolic_contract_get(x->db, x->contract, &v_);
	autolic_id id;
	if (!rc)
		rc = autolic_contract_find(x->db, v_.number, &id);
	autolic_contract_product_info p = {.version = AUTOLIC_CONTRACT_PRODUCT_INFO_VERSION};
	if (!rc)
		rc = autolic_contract_product_get(x->db, x->ann, x->contract, "autocad", &p);
	return rc;
}

static int c_contract_manage(fx *x)
{
	int rc = CHK(autolic_team_add_admin(x->db, x->ann, x->team, x->bob));
	if (!rc)
		rc = CHK(autolic_contract_transfer_manager(x->db, x->ann, x->contract, x->bob));
	if (!rc)
		rc = CHK(autolic_contract_set_auto_renew(x->db, x->bob, x->contract, 1));
	return rc;
}

static int c_contract_renew(fx *x)
{
	/* the new end is the extreme itself, or a year on at an ordinary clock */
	autolic_time end = x->at < 0 || x->at > T_NOW + T_YEAR ? x->at : T_NOW + 2 * T_YEAR;
	return CHK(autolic_contract_renew(x->db, x->ann, x->contract, end));
}

static int c_contract_updates(fx *x)
{
	int rc = CHK(autolic_contract_download_check(x->db, x->bob, x->contract, "autocad"));
	if (!rc)
		rc = CHK(
		    autolic_contract_update_offer(x->db, x->ann, x->contract, "autocad", "u1", 1));
	if (!rc)
		rc =
		    CHK(autolic_contract_update_check(x->db, x->bob, x->contract, "autocad", "u1"));
	if (!rc)
		rc = CHK(autolic_contract_download_notify(x->db, x->contract, "autocad", "u1"));
	return rc;
}

static int c_contract_quantity(fx *x)
{
	uint32_t revoked;
	return CHK(
	    autolic_contract_set_quantity(x->db, x->ann, x->contract, "autocad", 1, &revoked));
}

static int c_contract_iters(fx *x)
{
	autolic_contract_iter *it;
	int rc = autolic_contract_iter_new(x->db, x->team, &it);
	INFO(autolic_contract_info, AUTOLIC_CONTRACT_INFO_VERSION);
	while (!rc && (rc = autolic_contract_iter_next(it, &v_)) == 0)
		;
	if (rc != AUTOLIC_ITEROVER)
		return rc;
	autolic_contract_iter_free(it);
	autolic_contract_member_iter *mi;
	rc = autolic_contract_member_iter_new(x->db, x->contract, &mi);
	autolic_contract_member m = {.version = AUTOLIC_CONTRACT_MEMBER_VERSION};
	while (!rc && (rc = autolic_contract_member_iter_next(mi, &m)) == 0)
		;
	if (rc != AUTOLIC_ITEROVER)
		return rc;
	autolic_contract_member_iter_free(mi);
	return 0;
}

static int c_seat_change(fx *x)
{
	int rc = CHK(autolic_seat_grant(x->db, x->ann, x->contract, "revit", x->bob));
	if (!rc)
		rc = CHK(autolic_seat_revoke(x->db, x->ann, x->contract, "autocad", x->bob));
	return rc;
}

static int c_seat_bulk(fx *x)
{
	const char *p[] = {"revit"};
	autolic_seat_report *r = NULL;
	int rc = CHK(autolic_seat_set_access(x->db, x->ann, x->contract, x->bob, p, 1, &r));
	autolic_seat_report_free(r);
	r = NULL;
	if (!rc)
		rc = CHK(autolic_seat_import(x->db, x->ann, x->contract, &x->ann, p, 1, &r));
	if (r && autolic_seat_report_count(r)) {
		autolic_seat_result res = {.version = AUTOLIC_SEAT_RESULT_VERSION};
		T_OK(autolic_seat_report_get(r, 0, &res));
	}
	autolic_seat_report_free(r);
	return rc;
}

static int c_seat_read(fx *x)
{
	autolic_seat_summary s = {.version = AUTOLIC_SEAT_SUMMARY_VERSION};
	int rc = autolic_seat_summary_get(x->db, x->contract, "autocad", &s);
	autolic_seat_iter *it;
	autolic_seat_entry e = {.version = AUTOLIC_SEAT_ENTRY_VERSION};
	for (int k = 0; !rc && k < 2; k++) {
		rc = k ? autolic_seat_product_users(x->db, x->contract, "autocad", &it)
		       : autolic_seat_user_products(x->db, x->bob, &it);
		while (!rc && (rc = autolic_seat_iter_next(it, &e)) == 0)
			;
		if (rc != AUTOLIC_ITEROVER)
			return rc;
		autolic_seat_iter_free(it);
		rc = 0;
	}
	autolic_seat_summary_iter *si;
	if (!rc)
		rc = autolic_seat_contract_summary(x->db, x->contract, &si);
	while (!rc && (rc = autolic_seat_summary_iter_next(si, &s)) == 0)
		;
	if (rc != AUTOLIC_ITEROVER)
		return rc;
	autolic_seat_summary_iter_free(si);
	return 0;
}

static int c_flex_product(fx *x)
{
	int rc = CHK(autolic_flex_product_set(x->db, "fusion", NULL, 12));
	INFO(autolic_flex_product_info, AUTOLIC_FLEX_PRODUCT_INFO_VERSION);
	if (!rc)
		rc = autolic_flex_product_get(x->db, "fusion", &v_);
	return rc;
}

static int c_flex_policy(fx *x)
{
	autolic_flex_policy p = AUTOLIC_FLEX_POLICY_INIT;
	p.overage_limit = 10;
	int rc = CHK(autolic_flex_policy_set(x->db, x->ann, x->team, &p));
	if (!rc)
		rc = autolic_flex_policy_get(x->db, x->team, &p);
	int64_t h;
	if (!rc)
		rc = CHK(autolic_flex_horizon_set(x->db, x->ann, x->team, 3600));
	if (!rc)
		rc = autolic_flex_horizon_get(x->db, x->team, &h);
	return rc;
}

static int c_flex_team(fx *x)
{
	INFO(autolic_flex_team_info, AUTOLIC_FLEX_TEAM_INFO_VERSION);
	int rc = autolic_flex_team_get(x->db, x->team, &v_);
	int64_t b;
	if (!rc)
		rc = CHK(autolic_flex_balance_at(x->db, x->team, x->at, &b));
	autolic_flex_lot_info l = {.version = AUTOLIC_FLEX_LOT_INFO_VERSION};
	if (!rc)
		rc = autolic_flex_lot_get(x->db, x->lot, &l);
	if (!rc)
		rc = CHK(autolic_flex_check(x->db, x->team));
	return rc;
}

static int c_flex_buy_now(fx *x)
{
	autolic_flex_lot_spec s = AUTOLIC_FLEX_LOT_SPEC_INIT;
	s.subscription = "TS-2";
	s.quantity = 10;
	autolic_id lot;
	int rc = CHK(autolic_flex_lot_buy(x->db, x->ann, x->team, &s, &lot));
	if (!rc) {
		autolic_flex_lot_info l = {.version = AUTOLIC_FLEX_LOT_INFO_VERSION};
		T_OK(autolic_flex_lot_get(x->db, lot, &l));
		assert_true(l.expires > l.purchased); /* 365 days later, not wrapped */
	}
	return rc;
}

static int c_flex_buy_at(fx *x)
{
	autolic_flex_lot_spec s = AUTOLIC_FLEX_LOT_SPEC_INIT;
	s.subscription = "TS-3";
	s.quantity = 10;
	s.purchased = x->at;
	autolic_id lot;
	return CHK(autolic_flex_lot_buy(x->db, x->ann, x->team, &s, &lot));
}

static int c_flex_expire(fx *x)
{
	size_t n;
	return CHK(autolic_flex_expire(x->db, x->team, &n));
}

static int c_flex_adjust(fx *x)
{
	return CHK(autolic_flex_adjust(x->db, x->ann, x->team, x->lot, 5));
}

static int c_flex_move(fx *x)
{
	int64_t moved;
	return CHK(autolic_flex_move(x->db, x->ann, x->team, x->team2, "TS-1", &moved));
}

static int c_flex_users(fx *x)
{
	int allowed;
	int rc = autolic_flex_user_allowed(x->db, x->team, x->bob, "fusion", &allowed);
	const char *p[] = {"fusion"};
	if (!rc)
		rc = CHK(autolic_flex_defaults_set(x->db, x->ann, x->team, p, 1));
	if (!rc)
		rc = CHK(autolic_flex_user_remove(x->db, x->ann, x->team, x->bob));
	return rc;
}

static int c_flex_assign(fx *x)
{
	autolic_flex_user_spec us = AUTOLIC_FLEX_USER_SPEC_INIT;
	us.person = "Gus Grey <gus@example.com>";
	us.all_products = 1;
	autolic_id who;
	return CHK(autolic_flex_user_assign(x->db, x->ann, x->team, &us, &who));
}

static int c_flex_trial(fx *x)
{
	autolic_time end = x->at == INT64_MAX ? x->at : x->at + 1;
	return CHK(autolic_flex_trial_add(x->db, x->bob, x->bob, "fusion", x->at, end));
}

static int report(fx *x, int kind, autolic_time at)
{
	autolic_flex_report_spec r = AUTOLIC_FLEX_REPORT_SPEC_INIT;
	r.kind = kind;
	r.key = kind == AUTOLIC_FLEX_LAUNCH ? "k2" : "k3";
	r.time = at;
	if (kind == AUTOLIC_FLEX_LAUNCH) {
		r.product = "fusion";
		r.team = x->team;
		r.account = x->bob;
	} else {
		r.session = x->session;
	}
	autolic_flex_result res = {.version = AUTOLIC_FLEX_RESULT_VERSION};
	return CHK(autolic_flex_report(x->db, &r, &res));
}

static int c_report_launch_now(fx *x)
{
	return report(x, AUTOLIC_FLEX_LAUNCH, x->at);
}
static int c_report_activity_now(fx *x)
{
	return report(x, AUTOLIC_FLEX_ACTIVITY, x->at);
}
static int c_report_close_now(fx *x)
{
	return report(x, AUTOLIC_FLEX_CLOSE, x->at);
}
static int c_report_activity_old(fx *x)
{
	return report(x, AUTOLIC_FLEX_ACTIVITY, T_NOW + 60);
}

static int c_flex_ledger(fx *x)
{
	autolic_flex_ledger_iter *it;
	autolic_time lo = x->at < 0 ? x->at : 0, hi = x->at > 0 ? x->at : INT64_MAX;
	int rc = autolic_flex_ledger_open(x->db, x->team, lo, hi, 0, &it);
	autolic_flex_entry e = {.version = AUTOLIC_FLEX_ENTRY_VERSION};
	while (!rc && (rc = autolic_flex_ledger_next(it, &e)) == 0)
		;
	if (rc != AUTOLIC_ITEROVER)
		return rc;
	autolic_flex_ledger_free(it);
	return 0;
}

static int c_flex_usage(fx *x)
{
	autolic_flex_usage_iter *it;
	autolic_time lo = x->at < 0 ? x->at : 0, hi = x->at > 0 ? x->at : INT64_MAX;
	int rc = autolic_flex_usage_open(x->db, x->team, lo, hi, &it);
	autolic_flex_usage_row r = {.version = AUTOLIC_FLEX_USAGE_ROW_VERSION};
	while (!rc && (rc = autolic_flex_usage_next(it, &r)) == 0)
		;
	if (rc != AUTOLIC_ITEROVER)
		return rc;
	autolic_flex_usage_free(it);
	return 0;
}

static int sink(const char *data, size_t len, void *ctx)
{
	(void)data;
	*(size_t *)ctx += len;
	return 0;
}

static int c_flex_csv(fx *x)
{
	size_t n = 0;
	autolic_time lo = x->at < 0 ? x->at : 0, hi = x->at > 0 ? x->at : INT64_MAX;
	return autolic_flex_usage_csv(x->db, x->team, lo, hi, sink, &n);
}

static int c_hub(fx *x)
{
	autolic_id id;
	int rc = CHK(autolic_hub_create(x->db, x->ann, x->team2, "Hub two", &id));
	INFO(autolic_hub_info, AUTOLIC_HUB_INFO_VERSION);
	if (!rc)
		rc = autolic_hub_get(x->db, x->hub, &v_);
	if (!rc)
		rc = autolic_hub_find(x->db, x->team, &id);
	if (!rc)
		rc = CHK(autolic_hub_add_admin(x->db, x->ann, x->hub, x->bob));
	return rc;
}

static int c_app(fx *x)
{
	autolic_id id;
	int rc = CHK(autolic_hub_app_create(x->db, x->ann, x->hub, "App two", &id));
	autolic_app_info a = {.version = AUTOLIC_APP_INFO_VERSION};
	if (!rc)
		rc = autolic_hub_app_get(x->db, x->app, &a);
	return rc;
}

static int c_ops_hub_create(fx *x)
{
	autolic_ops_hub_spec hs = AUTOLIC_OPS_HUB_SPEC_INIT;
	hs.name = "Plant two";
	hs.tenant = x->bob;
	autolic_ops_subscription_spec ss = AUTOLIC_OPS_SUBSCRIPTION_SPEC_INIT;
	ss.tenant = x->bob;
	ss.kind = AUTOLIC_OPS_SHOP_FLOOR;
	ss.quantity = 1;
	ss.end = x->at > INT64_MAX - T_YEAR ? INT64_MAX : x->at + T_YEAR;
	uint64_t n;
	int rc = CHK(autolic_ops_subscription_buy(x->db, x->bob, &ss, &n));
	autolic_id h;
	if (!rc)
		rc = CHK(autolic_ops_hub_create(x->db, x->bob, &hs, &h));
	if (!rc) {
		INFO(autolic_ops_hub_info, AUTOLIC_OPS_HUB_INFO_VERSION);
		T_OK(autolic_ops_hub_get(x->db, h, &v_));
		assert_true(v_.trial_end > x->c.now); /* now + the trial, not wrapped */
	}
	return rc;
}

static int c_ops_hub_read(fx *x)
{
	INFO(autolic_ops_hub_info, AUTOLIC_OPS_HUB_INFO_VERSION);
	int rc = autolic_ops_hub_get(x->db, x->ops_hub, &v_);
	if (!rc)
		assert_true(v_.trial_days_left >= 0);
	autolic_id h;
	if (!rc)
		rc = autolic_ops_hub_find(x->db, x->ann, &h);
	autolic_ops_licence_info l = {.version = AUTOLIC_OPS_LICENCE_INFO_VERSION};
	if (!rc)
		rc = autolic_ops_licences_get(x->db, x->ops_hub, &l);
	uint64_t avail;
	if (!rc)
		rc = autolic_ops_shop_floor_available(x->db, x->ops_hub, &avail);
	autolic_ops_subscription_info s = {.version = AUTOLIC_OPS_SUBSCRIPTION_INFO_VERSION};
	if (!rc)
		rc = autolic_ops_subscription_get(x->db, x->ops_sub, &s);
	if (!rc) {
		int a = CHK(autolic_ops_access_check(x->db, x->ops_hub, x->bob));
		if (a < 0 && a != AUTOLIC_ENOLICENCE)
			rc = a;
	}
	return rc;
}

static int c_ops_hub_manage(fx *x)
{
	uint64_t d;
	int rc = CHK(autolic_ops_hub_provision(x->db, x->ann, x->ops_hub, &d));
	if (!rc)
		rc = CHK(autolic_ops_hub_reconcile(x->db, x->ann, x->ops_hub, &d));
	return rc;
}

static int c_ops_admins(fx *x)
{
	int rc = CHK(autolic_ops_admin_add(x->db, x->ann, x->ann, x->bob));
	if (!rc)
		rc = CHK(autolic_ops_admin_remove(x->db, x->ann, x->ann, x->bob));
	return rc;
}

static int c_ops_sub(fx *x)
{
	uint64_t d;
	int rc = CHK(autolic_ops_subscription_set_quantity(x->db, x->ann, x->ops_sub, 3, &d));
	if (!rc)
		rc = CHK(autolic_ops_subscription_end(x->db, x->ann, x->ops_sub, &d));
	return rc;
}

static int c_ops_users(fx *x)
{
	int rc = CHK(autolic_ops_user_deactivate(x->db, x->ann, x->ops_hub, x->bob));
	if (!rc)
		rc = CHK(autolic_ops_user_reactivate(x->db, x->ann, x->ops_hub, x->bob));
	if (!rc)
		rc = CHK(autolic_ops_user_add(x->db, x->ann, x->ops_hub, x->inv));
	return rc;
}

static int c_ops_operators(fx *x)
{
	autolic_ops_operator_spec os = AUTOLIC_OPS_OPERATOR_SPEC_INIT;
	os.number = "B1";
	os.name = "Bea";
	autolic_id id;
	int rc = CHK(autolic_ops_operator_add(x->db, x->ann, x->ops_hub, &os, &id));
	if (!rc)
		rc = CHK(
		    autolic_ops_operator_from_user(x->db, x->ann, x->ops_hub, x->bob, "C1", &id));
	if (!rc)
		rc = CHK(autolic_ops_operator_deactivate(x->db, x->ann, x->op));
	if (!rc)
		rc = CHK(autolic_ops_operator_reactivate(x->db, x->ann, x->op));
	if (!rc)
		rc = CHK(autolic_ops_operator_transfer(x->db, x->ann, x->op, "Alma"));
	return rc;
}

static int c_ops_production(fx *x)
{
	return CHK(autolic_ops_operator_record_production(x->db, x->ann, x->op, x->at));
}

static int c_ops_operator_read(fx *x)
{
	INFO(autolic_ops_operator_info, AUTOLIC_OPS_OPERATOR_INFO_VERSION);
	int rc = autolic_ops_operator_get(x->db, x->op, &v_);
	autolic_id id;
	if (!rc)
		rc = autolic_ops_operator_find(x->db, x->ops_hub, "A1", &id);
	autolic_ops_operator_iter *it;
	if (!rc)
		rc = autolic_ops_operator_iter_new(x->db, x->ops_hub, &it);
	while (!rc && (rc = autolic_ops_operator_iter_next(it, &v_)) == 0)
		;
	if (rc != AUTOLIC_ITEROVER)
		return rc;
	autolic_ops_operator_iter_free(it);
	return 0;
}

static int c_ops_payment(fx *x)
{
	int rc = CHK(autolic_ops_payment_late(x->db, x->ann, x->ops_hub, x->at));
	if (!rc) {
		INFO(autolic_ops_hub_info, AUTOLIC_OPS_HUB_INFO_VERSION);
		T_OK(autolic_ops_hub_get(x->db, x->ops_hub, &v_));
		assert_true(v_.payment_block > v_.payment_due); /* due + 30 days, not wrapped */
		assert_true(v_.payment_days_left >= 0);
		rc = CHK(autolic_ops_payment_record(x->db, x->ann, x->ops_hub));
	}
	return rc;
}

typedef struct {
	const char *name;
	int (*call)(fx *x);
} clock_call;

#define C(f)                                                                                       \
	{                                                                                          \
#f, f                                                                              \
	}
static const clock_call calls[] = {
    C(c_register),
    C(c_invite),
    C(c_invite_text),
    C(c_resend),
    C(c_accept),
    C(c_account_get),
    C(c_account_find),
    C(c_update),
    C(c_remove),
    C(c_import),
    C(c_account_iter),
    C(c_team_create),
    C(c_team_get),
    C(c_team_admin),
    C(c_team_iter),
    C(c_contract_buy),
    C(c_contract_read),
    C(c_contract_manage),
    C(c_contract_renew),
    C(c_contract_updates),
    C(c_contract_quantity),
    C(c_contract_iters),
    C(c_seat_change),
    C(c_seat_bulk),
    C(c_seat_read),
    C(c_flex_product),
    C(c_flex_policy),
    C(c_flex_team),
    C(c_flex_buy_now),
    C(c_flex_buy_at),
    C(c_flex_expire),
    C(c_flex_adjust),
    C(c_flex_move),
    C(c_flex_users),
    C(c_flex_assign),
    C(c_flex_trial),
    C(c_report_launch_now),
    C(c_report_activity_now),
    C(c_report_close_now),
    C(c_report_activity_old),
    C(c_flex_ledger),
    C(c_flex_usage),
    C(c_flex_csv),
    C(c_hub),
    C(c_app),
    C(c_ops_hub_create),
    C(c_ops_hub_read),
    C(c_ops_hub_manage),
    C(c_ops_admins),
    C(c_ops_sub),
    C(c_ops_users),
    C(c_ops_operators),
    C(c_ops_production),
    C(c_ops_operator_read),
    C(c_ops_payment),
};

static const autolic_time ends[] = {INT64_MIN, INT64_MIN + 1, INT64_MAX - 1, INT64_MAX};

/* IN-3: each call at each end of the clock, and with an ordinary clock and
 * its time arguments at each end. */
static void test_every_call_at_the_ends(void **state)
{
	(void)state;
	/* the clock and the time arguments at the end, then the arguments alone */
	for (int clock_too = 1; clock_too >= 0; clock_too--)
		for (size_t e = 0; e < sizeof ends / sizeof ends[0]; e++)
			for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
				fx *x = make();
				x->at = ends[e];
				x->c.now = clock_too ? ends[e] : T_NOW + 3600;
				int rc = calls[i].call(x);
				if (rc > 0 || (rc < 0 && !*autolic_errmsg()))
					fail_msg("%s at %lld (clock %lld): %d without a message",
					         calls[i].name, (long long)ends[e],
					         (long long)x->c.now, rc);
				autolic_db_close(x->db);
				free(x);
			}
}

/* The calls themselves are sound: at an ordinary clock, each succeeds (so
 * that a refusal at the ends is the clock's doing). */
static void test_every_call_at_an_ordinary_clock(void **state)
{
	(void)state;
	int failed = 0;
	for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
		fx *x = make();
		x->c.now = x->at = T_NOW + 3600;
		int rc = calls[i].call(x);
		if (rc) {
			print_error("%s: %d (%s)\n", calls[i].name, rc, autolic_errmsg());
			failed++;
		}
		autolic_db_close(x->db);
		free(x);
	}
	assert_int_equal(failed, 0);
}

/* IN-3: the refusals that name the rule, and the field. */
static void test_refusals_name_in3(void **state)
{
	(void)state;
	fx *x = make();
	x->c.now = x->at = INT64_MAX;
	T_FAILS(AUTOLIC_EINVAL, "IN-3", c_invite(x));
	T_FAILS(AUTOLIC_EINVAL, "invitation's expiry", c_invite(x));
	T_FAILS(AUTOLIC_EINVAL, "IN-3", c_flex_buy_now(x));
	T_FAILS(AUTOLIC_EINVAL, "lot's expiry", c_flex_buy_now(x));
	T_FAILS(AUTOLIC_EINVAL, "IN-3", c_report_activity_now(x));
	T_FAILS(AUTOLIC_EINVAL, "IN-3", c_ops_payment(x));
	x->c.now = x->at = INT64_MAX - 7 * T_DAY + 1;
	T_FAILS(AUTOLIC_EINVAL, "IN-3", c_resend(x));
	/* a day earlier, the invitation fits and expires 7 days later */
	x->c.now = x->at = INT64_MAX - 7 * T_DAY;
	T_OK(c_resend(x));
	autolic_db_close(x->db);
	free(x);
}

/* IN-3: the time arithmetic under every call. The saturating sum and
 * difference stop at the end of the range they run past, in either
 * direction, and are exact up to it; the checked sum refuses what does not
 * fit, naming the field, and leaves the result alone. */
static void test_time_arithmetic_ends(void **state)
{
	(void)state;
	assert_true(al_time_add_sat(INT64_MAX - 5, 10) == INT64_MAX);
	assert_true(al_time_add_sat(INT64_MAX - 5, 5) == INT64_MAX);
	assert_true(al_time_add_sat(INT64_MIN + 5, -10) == INT64_MIN);
	assert_true(al_time_add_sat(INT64_MIN + 5, -4) == INT64_MIN + 1);
	assert_true(al_time_add_sat(-7, 3) == -4);
	assert_true(al_time_sub_sat(INT64_MIN + 5, 10) == INT64_MIN);
	assert_true(al_time_sub_sat(INT64_MIN + 5, 4) == INT64_MIN + 1);
	assert_true(al_time_sub_sat(INT64_MAX - 5, -10) == INT64_MAX);
	assert_true(al_time_sub_sat(INT64_MAX, INT64_MIN) == INT64_MAX);
	assert_true(al_time_sub_sat(INT64_MIN, INT64_MAX) == INT64_MIN);
	assert_true(al_time_sub_sat(3, 10) == -7);
	autolic_time out = 42;
	assert_int_equal(al_time_add(INT64_MIN + 5, -6, &out, "start"), AUTOLIC_EINVAL);
	assert_non_null(strstr(autolic_errmsg(), "IN-3"));
	assert_non_null(strstr(autolic_errmsg(), "start"));
	assert_true(out == 42);
	assert_int_equal(al_time_add(INT64_MIN + 5, -5, &out, "start"), 0);
	assert_true(out == INT64_MIN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_call_at_an_ordinary_clock),
	    cmocka_unit_test(test_every_call_at_the_ends),
	    cmocka_unit_test(test_refusals_name_in3),
	    cmocka_unit_test(test_time_arithmetic_ends),
	};
	return t_run_group("clock_ends", tests, NULL, NULL);
}
