/* Fault loop over every Flex call: for N = 1.. until no fault fires, fail
 * the Nth storage operation (once, then persistently) and the Nth
 * allocation (once, then persistently). After each failed call the store
 * equals its state before the call, no event was delivered, the handle still
 * works (the same call then succeeds), and nothing leaks. */
#include "flex_fixture.h"

#define T0 (fx_date(2026, 3, 5) + 9 * HOUR)

typedef struct scen {
	const char *name;
	void (*setup)(fx *x);
	int (*op)(fx *x);
} scen;

static autolic_id g_session, g_lot, g_team2; /* set by setups, read by ops */

static int launch_key(fx *x, const char *product, autolic_time at, const char *key)
{
	autolic_flex_result r;
	return fx_launch_in(x, x->team, x->user, product, at, key, &r);
}

static int report_key(fx *x, int kind, autolic_time at, const char *key)
{
	autolic_flex_report_spec s = AUTOLIC_FLEX_REPORT_SPEC_INIT;
	s.kind = kind;
	s.key = key;
	s.time = at;
	s.session = g_session;
	if (x->clock.now < at)
		x->clock.now = at;
	autolic_flex_result r;
	r.version = AUTOLIC_FLEX_RESULT_VERSION;
	return autolic_flex_report(x->db, &s, &r);
}

static void start_session(fx *x, autolic_time at)
{
	autolic_flex_result r;
	fx_check("launch", fx_launch(x, "autocad", at, &r), 0);
	g_session = r.session;
}

static void set_overage(fx *x, int64_t limit)
{
	autolic_flex_policy p = AUTOLIC_FLEX_POLICY_INIT;
	p.overage_limit = limit;
	fx_check("policy", autolic_flex_policy_set(x->db, x->admin, x->team, &p), 0);
}

/* ---- scenarios ---- */

static void s_two_lots(fx *x)
{
	fx_buy(x, 12, T0 - AUTOLIC_FLEX_LOT_SECONDS + DAY);
	fx_buy(x, 30, T0 - DAY);
	autolic_flex_result r;
	fx_check("seed", fx_launch(x, "autocad", T0 - 2 * HOUR, &r), 0);
}
/* spans two lots and crosses the low-balance threshold */
static int o_launch_charge(fx *x)
{
	return launch_key(x, "revit", T0, "op");
}

static void s_window(fx *x)
{
	fx_buy(x, 50, T0 - DAY);
	start_session(x, T0);
}
static int o_launch_join(fx *x)
{
	return launch_key(x, "autocad", T0 + HOUR, "op");
}
static int o_duplicate(fx *x)
{
	return launch_key(x, "autocad", T0, "k1");
}

static int o_rollover(fx *x)
{
	return report_key(x, AUTOLIC_FLEX_ACTIVITY, T0 + 3 * DAY, "op");
}
static int o_idle(fx *x)
{
	return report_key(x, AUTOLIC_FLEX_IDLE, T0 + 25 * HOUR, "op");
}

static void s_short(fx *x)
{
	fx_buy(x, 4, T0 - DAY);
	set_overage(x, 10);
	start_session(x, T0);
}
/* refund of lots and of overage owed */
static int o_close_refund(fx *x)
{
	return report_key(x, AUTOLIC_FLEX_CLOSE, T0 + 60, "op");
}

static void s_poor(fx *x)
{
	fx_buy(x, 10, T0 - DAY);
	start_session(x, T0);
}
/* the rollover cannot be paid: the session ends and the host is told */
static int o_rollover_unpaid(fx *x)
{
	return report_key(x, AUTOLIC_FLEX_ACTIVITY, T0 + 2 * DAY, "op");
}

static void s_owed(fx *x)
{
	fx_buy(x, 4, T0 - DAY);
	set_overage(x, 10);
	start_session(x, T0);
	x->clock.now = T0 + HOUR;
}
/* a purchase that first repays overage */
static int o_buy(fx *x)
{
	autolic_flex_lot_spec s = AUTOLIC_FLEX_LOT_SPEC_INIT;
	s.subscription = "TS-2";
	s.quantity = 20;
	return autolic_flex_lot_buy(x->db, x->admin, x->team, &s, NULL);
}

static void s_move(fx *x)
{
	g_team2 = fx_team(x->db, x->admin);
	fx_buy_in(x, x->team, "TS-1", 30, T0 - DAY);
	fx_buy_in(x, x->team, "TS-1", 20, T0 - HOUR);
	fx_buy_in(x, x->team, "TS-2", 20, T0 - HOUR);
}
static int o_move(fx *x)
{
	return autolic_flex_move(x->db, x->admin, x->team, g_team2, "TS-1", NULL);
}

static void s_expiring(fx *x)
{
	g_lot = fx_buy(x, 30, T0 - AUTOLIC_FLEX_LOT_SECONDS + HOUR);
	fx_buy(x, 30, T0 - DAY);
	x->clock.now = T0 + 2 * HOUR;
}
static int o_expire(fx *x)
{
	return autolic_flex_expire(x->db, x->team, NULL);
}

/* SEAM-4: a lot whose expiry at T0 + 1 h is recorded; a launch at T0 is
 * reported late */
static void s_expired_recorded(fx *x)
{
	g_lot = fx_buy(x, 30, T0 - AUTOLIC_FLEX_LOT_SECONDS + HOUR);
	fx_buy(x, 30, T0 - DAY);
	x->clock.now = T0 + 2 * HOUR;
	fx_check("expire", autolic_flex_expire(x->db, x->team, NULL), 0);
}
static int o_late_launch(fx *x)
{
	return launch_key(x, "revit", T0, "op");
}

/* SEAM-4: a session from T0; its first lot expires at T0 + 2 days */
static void s_session_expiring(fx *x)
{
	g_lot = fx_buy(x, 30, T0 - AUTOLIC_FLEX_LOT_SECONDS + 2 * DAY);
	fx_buy(x, 30, T0 - DAY);
	start_session(x, T0);
}
static int o_rollover_expiry(fx *x)
{
	return report_key(x, AUTOLIC_FLEX_ACTIVITY, T0 + 49 * HOUR, "op");
}
static int o_horizon_set(fx *x)
{
	return autolic_flex_horizon_set(x->db, x->admin, x->team, DAY);
}
static int o_horizon_get(fx *x)
{
	int64_t h;
	return autolic_flex_horizon_get(x->db, x->team, &h);
}

static void s_lot(fx *x)
{
	g_lot = fx_buy(x, 30, T0 - DAY);
}
static int o_adjust(fx *x)
{
	return autolic_flex_adjust(x->db, x->admin, x->team, g_lot, -4);
}

static void s_none(fx *x)
{
	(void)x;
}
static int o_invite(fx *x)
{
	autolic_flex_user_spec s = AUTOLIC_FLEX_USER_SPEC_INIT;
	const char *list[] = {"autocad", "maya"};
	s.person = "New Person <new.person@example.com>";
	s.products = list;
	s.n_products = 2;
	return autolic_flex_user_assign(x->db, x->admin, x->team, &s, NULL);
}
static int o_remove(fx *x)
{
	return autolic_flex_user_remove(x->db, x->admin, x->team, x->user);
}
static int o_defaults(fx *x)
{
	const char *list[] = {"autocad", "revit"};
	return autolic_flex_defaults_set(x->db, x->admin, x->team, list, 2);
}
static int o_policy(fx *x)
{
	autolic_flex_policy p = AUTOLIC_FLEX_POLICY_INIT;
	p.overage_limit = 3;
	p.low_threshold = 100;
	return autolic_flex_policy_set(x->db, x->admin, x->team, &p);
}
static int o_product(fx *x)
{
	return autolic_flex_product_set(x->db, "autocad", "AutoCAD", 8);
}
static int o_trial(fx *x)
{
	return autolic_flex_trial_add(x->db, x->user, x->user, "maya", T0, T0 + DAY);
}

/* read calls: failures leak nothing */
static int o_usage(fx *x)
{
	autolic_flex_usage_iter *it;
	int rc = autolic_flex_usage_open(x->db, x->team, INT64_MIN, INT64_MAX, &it);
	autolic_flex_usage_free(it);
	return rc;
}
static int o_ledger(fx *x)
{
	autolic_flex_ledger_iter *it;
	int rc = autolic_flex_ledger_open(x->db, x->team, INT64_MIN, INT64_MAX,
	                                  AUTOLIC_FLEX_MASK_ALL, &it);
	autolic_flex_ledger_free(it);
	return rc;
}
static int sink(const char *d, size_t n, void *c)
{
	(void)d;
	(void)n;
	(void)c;
	return 0;
}
static int o_csv(fx *x)
{
	return autolic_flex_usage_csv(x->db, x->team, INT64_MIN, INT64_MAX, sink, NULL);
}
static int o_balance(fx *x)
{
	int64_t b;
	return autolic_flex_balance_at(x->db, x->team, T0, &b);
}
static int o_check(fx *x)
{
	return autolic_flex_check(x->db, x->team);
}
static int o_team(fx *x)
{
	autolic_flex_team_info i;
	i.version = AUTOLIC_FLEX_TEAM_INFO_VERSION;
	return autolic_flex_team_get(x->db, x->team, &i);
}

static const scen scenarios[] = {
    {"launch charging two lots", s_two_lots, o_launch_charge},
    {"launch inside a window", s_window, o_launch_join},
    {"duplicate key", s_window, o_duplicate},
    {"rollover of 3 windows", s_window, o_rollover},
    {"idle after an end", s_window, o_idle},
    {"close with refund", s_short, o_close_refund},
    {"rollover unpaid", s_poor, o_rollover_unpaid},
    {"buy repaying overage", s_owed, o_buy},
    {"move", s_move, o_move},
    {"expire", s_expiring, o_expire},
    {"late launch paid by an expired lot", s_expired_recorded, o_late_launch},
    {"rollover across an expiry", s_session_expiring, o_rollover_expiry},
    {"horizon set", s_lot, o_horizon_set},
    {"horizon get", s_lot, o_horizon_get},
    {"ledger with a due expiry", s_expiring, o_ledger},
    {"adjust", s_lot, o_adjust},
    {"assign an invited person", s_none, o_invite},
    {"remove a user", s_none, o_remove},
    {"defaults", s_none, o_defaults},
    {"policy", s_lot, o_policy},
    {"product rate", s_none, o_product},
    {"trial", s_none, o_trial},
    {"usage iterator", s_window, o_usage},
    {"ledger iterator", s_window, o_ledger},
    {"usage csv", s_window, o_csv},
    {"balance at", s_expiring, o_balance},
    {"check", s_window, o_check},
    {"team info", s_window, o_team},
};

enum { STORAGE_ONCE, STORAGE_ALWAYS, ALLOC_ONCE, ALLOC_ALWAYS, MODES };

static long run_mode(const scen *sc, int mode)
{
	long n;
	for (n = 1;; n++) {
		t_alloc ta;
		memset(&ta, 0, sizeof ta);
		autolic_allocator al = t_alloc_make(&ta);
		fx x;
		fx_open_with(&x, T0, &al);
		sc->setup(&x);
		fx_check("store check after the setup", autolic_db_check(x.db), 0);
		t_dump before;
		t_dump_store(&x.f.inner, &before);
		size_t events = x.ev.n;
		if (mode <= STORAGE_ALWAYS) {
			x.f.fail_at = x.f.ops + n;
			x.f.persistent = mode == STORAGE_ALWAYS;
		} else {
			ta.fail_at = ta.count + n;
			ta.persistent = mode == ALLOC_ALWAYS;
		}
		autolic_time clock = x.clock.now;
		int rc = sc->op(&x);
		long fired = x.f.fired + ta.fired;
		x.f.fail_at = 0;
		ta.fail_at = 0;
		fx_check("store check after the call", autolic_db_check(x.db), 0);
		if (!fired) {
			if (rc != 0 && rc != AUTOLIC_EDUPLICATE)
				fail_msg("%s: unfaulted call failed: %d %s", sc->name, rc,
				         autolic_errmsg());
			fx_close(&x);
			t_dump_free(&before);
			assert_int_equal(ta.live, 0);
			return n;
		}
		if (rc == 0)
			fail_msg("%s mode %d N=%ld: a fault fired but the call succeeded", sc->name,
			         mode, n);
		t_dump after;
		t_dump_store(&x.f.inner, &after);
		if (!t_dump_equal(&before, &after))
			fail_msg("%s mode %d N=%ld: the store changed on failure (%d %s)", sc->name,
			         mode, n, rc, autolic_errmsg());
		t_dump_free(&after);
		t_dump_free(&before);
		assert_int_equal(x.ev.n, events);
		/* the handle still works: the same call succeeds now */
		x.clock.now = clock;
		rc = sc->op(&x);
		if (rc != 0 && rc != AUTOLIC_EDUPLICATE)
			fail_msg("%s mode %d N=%ld: retry failed: %d %s", sc->name, mode, n, rc,
			         autolic_errmsg());
		fx_check("check after retry", autolic_flex_check(x.db, x.team), 0);
		fx_check("store check after retry", autolic_db_check(x.db), 0);
		fx_close(&x);
		assert_int_equal(ta.live, 0); /* nothing leaked */
	}
}

static void test_fault_loop(void **state)
{
	(void)state;
	long total = 0;
	for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++)
		for (int mode = 0; mode < MODES; mode++)
			total += run_mode(&scenarios[i], mode);
	print_message("fault loop: %ld faulted calls over %zu scenarios\n", total,
	              sizeof scenarios / sizeof scenarios[0]);
	assert_true(total > 100);
}

/* Conflicts from a shared database: the call is retried and applied once. */
static void test_conflict_retry(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	fx_buy(&x, 50, T0 - DAY);
	x.f.conflicts = 3;
	autolic_flex_result r;
	fx_check("launch", fx_launch(&x, "autocad", T0, &r), 0);
	assert_int_equal(r.charged, 7);
	assert_int_equal(fx_balance(&x), 43);
	fx_invariants(&x, x.team);
	fx_close(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fault_loop),
	    cmocka_unit_test(test_conflict_retry),
	};
	return t_run_group("flex/faults", tests, NULL, NULL);
}
