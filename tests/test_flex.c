/* Flex tokens through the public API: the worked examples (test_example_*), each
 * FLEX rule by ID, reports, and bad input. */
#include "flex_fixture.h"
#include "flex_internal.h"

#include <stdlib.h>

/* 2026-03-05 09:00 UTC, the day of the worked examples */
#define T0 (fx_date(2026, 3, 5) + 9 * HOUR)

static void dump(fx *x, t_dump *d)
{
	t_dump_store(&x->f.inner, d);
}

static void assert_unchanged(fx *x, const t_dump *before)
{
	t_dump after;
	dump(x, &after);
	assert_true(t_dump_equal(before, &after));
	t_dump_free(&after);
}

/* ================================================================== */
/* Worked examples                                                      */
/* ================================================================== */

/* FLEX-2 worked example: lots of 100 (2026-01-10) and 50 (2026-03-01); an
 * AutoCAD (7/day) launch on 2026-03-05 takes 7 from the first lot. */
static void test_example_oldest_lot_first(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	autolic_id a = fx_buy(&x, 100, fx_date(2026, 1, 10));
	autolic_id b = fx_buy(&x, 50, fx_date(2026, 3, 1));
	autolic_flex_result r;
	fx_check("launch", fx_launch(&x, "autocad", T0, &r), 0);
	assert_int_equal(r.charged, 7);
	assert_int_equal(r.reason, AUTOLIC_FLEX_REASON_CHARGED);
	assert_int_equal(fx_remaining(&x, a), 93);
	assert_int_equal(fx_remaining(&x, b), 50);
	assert_int_equal(fx_balance(&x), 143);
	fx_invariants(&x, x.team);
	fx_close(&x);
}

/* FLEX-3 worked example: launch t, close t+2h, relaunch t+10h, relaunch
 * t+25h: 14 tokens in all. */
static void test_example_relaunches(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	fx_buy(&x, 100, T0 - DAY);
	autolic_flex_result r, c;
	fx_check("launch t", fx_launch(&x, "autocad", T0, &r), 0);
	assert_int_equal(r.charged, 7);
	fx_check("close", fx_report(&x, AUTOLIC_FLEX_CLOSE, r.session, T0 + 2 * HOUR, &c), 0);
	fx_check("launch t+10h", fx_launch(&x, "autocad", T0 + 10 * HOUR, &r), 0);
	assert_int_equal(r.charged, 0);
	assert_int_equal(r.reason, AUTOLIC_FLEX_REASON_IN_WINDOW);
	fx_check("close", fx_report(&x, AUTOLIC_FLEX_CLOSE, r.session, T0 + 11 * HOUR, &c), 0);
	fx_check("launch t+25h", fx_launch(&x, "autocad", T0 + 25 * HOUR, &r), 0);
	assert_int_equal(r.charged, 7);
	assert_int_equal(r.window_start, T0 + 25 * HOUR);
	assert_int_equal(fx_used(&x, x.team), 14);
	assert_int_equal(fx_balance(&x), 86);
	fx_invariants(&x, x.team);
	fx_close(&x);
}

/* FLEX-3 worked example: one session active from t to t+30h without idle:
 * 2 windows, 14 tokens; the second opens at the first one's end. */
static void test_example_continuous_30h(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	fx_buy(&x, 100, T0 - DAY);
	autolic_flex_result r, a;
	fx_check("launch", fx_launch(&x, "autocad", T0, &r), 0);
	fx_check("activity", fx_report(&x, AUTOLIC_FLEX_ACTIVITY, r.session, T0 + 30 * HOUR, &a),
	         0);
	assert_int_equal(a.windows, 1);
	assert_int_equal(a.charged, 7);
	assert_int_equal(a.window_start, T0 + DAY);
	assert_int_equal(a.window_end, T0 + 2 * DAY);
	fx_check("close", fx_report(&x, AUTOLIC_FLEX_CLOSE, r.session, T0 + 30 * HOUR, &a), 0);
	assert_int_equal(fx_used(&x, x.team), 14);
	fx_invariants(&x, x.team);
	fx_close(&x);
}

/* FLEX-3 worked example: AutoCAD (7) and Revit (10) the same day: 17. */
static void test_example_two_products(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	fx_buy(&x, 100, T0 - DAY);
	autolic_flex_result r;
	fx_check("autocad", fx_launch(&x, "autocad", T0, &r), 0);
	fx_check("revit", fx_launch(&x, "revit", T0 + HOUR, &r), 0);
	fx_check("autocad again", fx_launch(&x, "autocad", T0 + 5 * HOUR, &r), 0);
	assert_int_equal(fx_used(&x, x.team), 17);
	assert_int_equal(fx_balance(&x), 83);
	fx_close(&x);
}

static size_t usage_rows(fx *x, autolic_id team, autolic_flex_usage_row *rows, size_t max)
{
	autolic_flex_usage_iter *it;
	fx_check("usage_open", autolic_flex_usage_open(x->db, team, INT64_MIN, INT64_MAX, &it), 0);
	size_t n = 0;
	autolic_flex_usage_row row;
	row.version = AUTOLIC_FLEX_USAGE_ROW_VERSION;
	int rc;
	while ((rc = autolic_flex_usage_next(it, &row)) == 0) {
		if (n < max) {
			rows[n] = row;
			rows[n].lots = NULL; /* owned by the iterator */
		}
		n++;
	}
	assert_int_equal(rc, AUTOLIC_ITEROVER);
	autolic_flex_usage_free(it);
	return n;
}

/* FLEX-4 worked example: launch t, close t+200 s: 0 tokens; the report
 * shows the use with 0; the window is discarded. */
static void test_example_short_session_refunded(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	autolic_id lot = fx_buy(&x, 100, T0 - DAY);
	autolic_flex_result r, c;
	fx_check("launch", fx_launch(&x, "autocad", T0, &r), 0);
	assert_int_equal(fx_remaining(&x, lot), 93);
	fx_check("close", fx_report(&x, AUTOLIC_FLEX_CLOSE, r.session, T0 + 200, &c), 0);
	assert_int_equal(c.refunded, 7);
	assert_int_equal(c.reason, AUTOLIC_FLEX_REASON_REFUNDED);
	assert_int_equal(fx_remaining(&x, lot), 100);
	assert_int_equal(fx_used(&x, x.team), 0);
	autolic_flex_usage_row rows[4];
	assert_int_equal(usage_rows(&x, x.team, rows, 4), 1);
	assert_int_equal(rows[0].tokens, 0);
	assert_int_equal(rows[0].reason, AUTOLIC_FLEX_REASON_REFUNDED);
	assert_string_equal(rows[0].email, "jean.dupont@example.com");
	/* the window was discarded: the next launch opens and charges a new one */
	fx_check("relaunch", fx_launch(&x, "autocad", T0 + 600, &r), 0);
	assert_int_equal(r.charged, 7);
	fx_invariants(&x, x.team);
	fx_close(&x);
}

/* FLEX-5 worked example: balance 6, AutoCAD launch: refused with "not
 * enough tokens"; nothing is recorded. */
static void test_example_not_enough_tokens(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	fx_buy(&x, 6, T0 - DAY);
	t_dump before;
	dump(&x, &before);
	size_t events = x.ev.n;
	autolic_flex_result r;
	fx_check("launch", fx_launch(&x, "autocad", T0, &r), AUTOLIC_ENOTOKENS);
	assert_non_null(strstr(autolic_errmsg(), "not enough tokens"));
	assert_non_null(strstr(autolic_errmsg(), "FLEX-5"));
	assert_unchanged(&x, &before);
	assert_int_equal(x.ev.n, events);
	assert_int_equal(fx_balance(&x), 6);
	/* Maya (6) fits exactly: the balance reaches 0, never below */
	fx_check("maya", fx_launch(&x, "maya", T0, &r), 0);
	assert_int_equal(fx_balance(&x), 0);
	t_dump_free(&before);
	fx_close(&x);
}

/* FLEX-2 worked example: a lot with 5 left that expires tomorrow and a lot
 * of 100: a 7-token charge takes 5 + 2, recorded per lot. */
static void test_example_charge_spans_lots(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	autolic_id old = fx_buy(&x, 12, T0 - AUTOLIC_FLEX_LOT_SECONDS + DAY);
	autolic_id big = fx_buy(&x, 100, T0 - HOUR);
	autolic_flex_result r;
	fx_check("use 7 of the old lot", fx_launch(&x, "autocad", T0 - 30 * 60, &r), 0);
	fx_check("close", fx_report(&x, AUTOLIC_FLEX_CLOSE, r.session, T0 - 60, &r), 0);
	assert_int_equal(fx_remaining(&x, old), 5);
	autolic_id u2 = t_register(x.db, "zoe@example.com", "Zoé", "Martin");
	fx_assign_all(&x, x.team, u2);
	fx_check("launch", fx_launch_in(&x, x.team, u2, "autocad", T0, NULL, &r), 0);
	assert_int_equal(fx_remaining(&x, old), 0);
	assert_int_equal(fx_remaining(&x, big), 98);
	autolic_flex_usage_iter *it;
	fx_check("usage", autolic_flex_usage_open(x.db, x.team, T0, T0 + 1, &it), 0);
	autolic_flex_usage_row row;
	row.version = AUTOLIC_FLEX_USAGE_ROW_VERSION;
	fx_check("row", autolic_flex_usage_next(it, &row), 0);
	assert_int_equal(row.tokens, 7);
	assert_int_equal(row.n_lots, 2);
	assert_int_equal(row.lots[0].lot, old);
	assert_int_equal(row.lots[0].amount, 5);
	assert_int_equal(row.lots[1].lot, big);
	assert_int_equal(row.lots[1].amount, 2);
	autolic_flex_usage_free(it);
	fx_invariants(&x, x.team);
	fx_close(&x);
}

/* FLEX-13 worked example: the same launch reported twice with one key is
 * charged once and answers the first result. */
static void test_example_duplicate_key(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	fx_buy(&x, 100, T0 - DAY);
	autolic_flex_result r1, r2;
	fx_check("launch", fx_launch_in(&x, x.team, x.user, "autocad", T0, "host-42", &r1), 0);
	t_dump before;
	dump(&x, &before);
	fx_check("again", fx_launch_in(&x, x.team, x.user, "autocad", T0, "host-42", &r2),
	         AUTOLIC_EDUPLICATE);
	assert_int_equal(r2.session, r1.session);
	assert_int_equal(r2.charged, 7);
	assert_int_equal(r2.window_start, r1.window_start);
	assert_unchanged(&x, &before);
	assert_int_equal(fx_used(&x, x.team), 7);
	/* the same key for a different report is refused, not applied */
	fx_check("other", fx_launch_in(&x, x.team, x.user, "revit", T0, "host-42", &r2),
	         AUTOLIC_EEXISTS);
	assert_non_null(strstr(autolic_errmsg(), "FLEX-13"));
	/* keys on follow-up reports too */
	autolic_flex_report_spec s = AUTOLIC_FLEX_REPORT_SPEC_INIT;
	s.kind = AUTOLIC_FLEX_ACTIVITY;
	s.key = "host-43";
	s.session = r1.session;
	s.time = T0 + 30 * HOUR;
	x.clock.now = s.time;
	r2.version = AUTOLIC_FLEX_RESULT_VERSION;
	fx_check("activity", autolic_flex_report(x.db, &s, &r2), 0);
	assert_int_equal(r2.charged, 7);
	fx_check("activity again", autolic_flex_report(x.db, &s, &r2), AUTOLIC_EDUPLICATE);
	assert_int_equal(r2.charged, 7);
	assert_int_equal(fx_used(&x, x.team), 14);
	t_dump_free(&before);
	fx_close(&x);
}

/* ================================================================== */
/* FLEX-1: lots and expiry                                              */
/* ================================================================== */

/* FLEX-1: valid 365 days; the rest is forfeited by an EXPIRE entry dated at
 * the expiry instant even when noticed later; expired tokens are not
 * available (FLEX-5) even before the expiry is recorded. */
static void test_flex1_expiry(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	autolic_id lot = fx_buy(&x, 40, T0);
	autolic_time exp = T0 + AUTOLIC_FLEX_LOT_SECONDS;
	autolic_flex_lot_info li;
	li.version = AUTOLIC_FLEX_LOT_INFO_VERSION;
	fx_check("lot_get", autolic_flex_lot_get(x.db, lot, &li), 0);
	assert_int_equal(li.expires, exp);
	assert_string_equal(li.subscription, "TS-1");
	/* the last second of validity still pays */
	autolic_flex_result r;
	fx_check("last second", fx_launch(&x, "autocad", exp - 1, &r), 0);
	assert_int_equal(fx_remaining(&x, lot), 33);
	/* noticed 10 days later */
	x.clock.now = exp + 10 * DAY;
	assert_int_equal(fx_balance(&x), 0);
	fx_check("lot_get", autolic_flex_lot_get(x.db, lot, &li), 0);
	assert_true(li.expired);
	int64_t b;
	fx_check("balance before", autolic_flex_balance_at(x.db, x.team, exp - 1, &b), 0);
	assert_int_equal(b, 33);
	fx_check("balance after", autolic_flex_balance_at(x.db, x.team, exp, &b), 0);
	assert_int_equal(b, 0);
	size_t n = 0, before = x.ev.n;
	fx_check("expire", autolic_flex_expire(x.db, x.team, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(t_events_count(&x.ev, AUTOLIC_EVENT_FLEX_LOT_EXPIRED), 1);
	assert_int_equal(x.ev.v[before].object, lot);
	autolic_flex_ledger_iter *it;
	fx_check("ledger",
	         autolic_flex_ledger_open(x.db, x.team, INT64_MIN, INT64_MAX,
	                                  AUTOLIC_FLEX_MASK(AUTOLIC_FLEX_EXPIRE), &it),
	         0);
	autolic_flex_entry e;
	e.version = AUTOLIC_FLEX_ENTRY_VERSION;
	fx_check("entry", autolic_flex_ledger_next(it, &e), 0);
	assert_int_equal(e.type, AUTOLIC_FLEX_EXPIRE);
	assert_int_equal(e.time, exp);             /* dated at the expiry instant */
	assert_int_equal(e.recorded, x.clock.now); /* noticed later */
	assert_int_equal(e.amount, -33);
	assert_int_equal(autolic_flex_ledger_next(it, &e), AUTOLIC_ITEROVER);
	autolic_flex_ledger_free(it);
	fx_check("balance past", autolic_flex_balance_at(x.db, x.team, exp - 1, &b), 0);
	assert_int_equal(b, 33);
	/* an expired lot pays for nothing */
	fx_check("after expiry", fx_launch(&x, "maya", x.clock.now, &r), AUTOLIC_ENOTOKENS);
	fx_check("expire again", autolic_flex_expire(x.db, x.team, &n), 0);
	assert_int_equal(n, 0);
	fx_invariants(&x, x.team);
	fx_close(&x);
}

/* FLEX-1: bad purchases. */
static void test_flex1_bad_lots(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	t_dump before;
	dump(&x, &before);
	autolic_flex_lot_spec s = AUTOLIC_FLEX_LOT_SPEC_INIT;
	s.subscription = "TS-9";
	s.quantity = 0;
	assert_int_equal(autolic_flex_lot_buy(x.db, x.admin, x.team, &s, NULL), AUTOLIC_EINVAL);
	s.quantity = -5;
	assert_int_equal(autolic_flex_lot_buy(x.db, x.admin, x.team, &s, NULL), AUTOLIC_EINVAL);
	s.quantity =
	    AUTOLIC_FLEX_LOT_QUANTITY_MAX + 1; /* FLEX-1: bounded so sums cannot overflow */
	assert_int_equal(autolic_flex_lot_buy(x.db, x.admin, x.team, &s, NULL), AUTOLIC_EINVAL);
	autolic_flex_policy pol = {.version = AUTOLIC_FLEX_POLICY_VERSION, .low_threshold = -1};
	pol.overage_limit = AUTOLIC_FLEX_LOT_QUANTITY_MAX + 1; /* FLEX-5 */
	assert_int_equal(autolic_flex_policy_set(x.db, x.admin, x.team, &pol), AUTOLIC_EINVAL);
	pol.overage_limit = 0;
	pol.low_threshold = AUTOLIC_FLEX_LOT_QUANTITY_MAX + 1; /* FLEX-12 */
	assert_int_equal(autolic_flex_policy_set(x.db, x.admin, x.team, &pol), AUTOLIC_EINVAL);
	s.quantity = 10;
	s.purchased = T0 + 1;
	assert_int_equal(autolic_flex_lot_buy(x.db, x.admin, x.team, &s, NULL), AUTOLIC_EINVAL);
	s.purchased = T0 - AUTOLIC_FLEX_LOT_SECONDS;
	assert_int_equal(autolic_flex_lot_buy(x.db, x.admin, x.team, &s, NULL), AUTOLIC_EEXPIRED);
	s.purchased = 0;
	s.subscription = "";
	assert_int_equal(autolic_flex_lot_buy(x.db, x.admin, x.team, &s, NULL), AUTOLIC_EINVAL);
	s.subscription = "TS 9";
	assert_int_equal(autolic_flex_lot_buy(x.db, x.admin, x.team, &s, NULL), AUTOLIC_EINVAL);
	s.subscription = NULL;
	assert_int_equal(autolic_flex_lot_buy(x.db, x.admin, x.team, &s, NULL), AUTOLIC_EINVAL);
	s.subscription = "TS-9";
	assert_int_equal(autolic_flex_lot_buy(x.db, x.admin, 0, &s, NULL), AUTOLIC_EINVAL);
	assert_int_equal(autolic_flex_lot_buy(x.db, x.admin, x.team, NULL, NULL), AUTOLIC_EINVAL);
	s.version = 99;
	assert_int_equal(autolic_flex_lot_buy(x.db, x.admin, x.team, &s, NULL), AUTOLIC_EVERSION);
	assert_unchanged(&x, &before);
	autolic_flex_lot_info li;
	li.version = AUTOLIC_FLEX_LOT_INFO_VERSION;
	assert_int_equal(autolic_flex_lot_get(x.db, 4242, &li), AUTOLIC_ENOTFOUND);
	t_dump_free(&before);
	fx_close(&x);
}

/* FLEX-2: same expiry: the smallest remaining lot first, then the lower id. */
static void test_flex2_ties(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	autolic_time p = T0 - DAY;
	autolic_id a = fx_buy(&x, 30, p);
	autolic_id b = fx_buy(&x, 20, p);
	autolic_id c = fx_buy(&x, 20, p);
	autolic_flex_result r;
	fx_check("launch", fx_launch(&x, "autocad", T0, &r), 0);
	assert_int_equal(fx_remaining(&x, b), 13); /* smallest, lower id than c */
	assert_int_equal(fx_remaining(&x, c), 20);
	assert_int_equal(fx_remaining(&x, a), 30);
	fx_check("revit", fx_launch(&x, "revit", T0, &r), 0);
	/* b (13) is now the smallest: 10 from it */
	assert_int_equal(fx_remaining(&x, b), 3);
	fx_close(&x);
}

/* ================================================================== */
/* FLEX-3: windows and the catalogue                                    */
/* ================================================================== */

/* FLEX-3: a rate change applies to windows opened after it; a window
 * opened before it (even reported late) keeps the old rate. Products can be
 * added later. */
static void test_flex3_rate_change(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	fx_buy(&x, 100, T0 - DAY);
	x.clock.now = T0 + HOUR;
	fx_check("rate", autolic_flex_product_set(x.db, "autocad", "AutoCAD", 9), 0);
	autolic_flex_product_info p;
	p.version = AUTOLIC_FLEX_PRODUCT_INFO_VERSION;
	fx_check("get", autolic_flex_product_get(x.db, "AUTOCAD", &p), 0);
	assert_int_equal(p.rate, 9);
	assert_string_equal(p.name, "AutoCAD");
	assert_int_equal(p.rate_since, T0 + HOUR);
	autolic_flex_result r;
	/* reported late: the use began before the change */
	fx_check("late launch", fx_launch(&x, "autocad", T0, &r), 0);
	assert_int_equal(r.charged, 7);
	fx_check("later window", fx_launch(&x, "autocad", T0 + DAY + HOUR, &r), 0);
	assert_int_equal(r.charged, 9);
	fx_check("new product", autolic_flex_product_set(x.db, "fusion", NULL, 3), 0);
	fx_check("fusion", fx_launch(&x, "fusion", x.clock.now, &r), 0);
	assert_int_equal(r.charged, 3);
	fx_check("get", autolic_flex_product_get(x.db, "fusion", &p), 0);
	assert_string_equal(p.name, "fusion");
	assert_int_equal(autolic_flex_product_set(x.db, "autocad", NULL, 0), AUTOLIC_EINVAL);
	assert_int_equal(autolic_flex_product_set(x.db, "autocad", NULL, -7), AUTOLIC_EINVAL);
	assert_int_equal(autolic_flex_product_set(x.db, "auto cad", NULL, 7), AUTOLIC_EINVAL);
	assert_int_equal(autolic_flex_product_set(x.db, "", NULL, 7), AUTOLIC_EINVAL);
	assert_int_equal(autolic_flex_product_get(x.db, "nope", &p), AUTOLIC_ENOTFOUND);
	fx_close(&x);
}

/* FLEX-3: idle time is not use: use resumed after idle past the window's end
 * opens the next window at the resume instant. */
static void test_flex3_idle_is_not_use(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	fx_buy(&x, 100, T0 - DAY);
	autolic_flex_result r, a;
	fx_check("launch", fx_launch(&x, "autocad", T0, &r), 0);
	fx_check("idle", fx_report(&x, AUTOLIC_FLEX_IDLE, r.session, T0 + HOUR, &a), 0);
	assert_int_equal(a.charged, 0);
	fx_check("resume", fx_report(&x, AUTOLIC_FLEX_ACTIVITY, r.session, T0 + 30 * HOUR, &a), 0);
	assert_int_equal(a.charged, 7);
	assert_int_equal(a.window_start, T0 + 30 * HOUR);
	fx_check("more", fx_report(&x, AUTOLIC_FLEX_ACTIVITY, r.session, T0 + 53 * HOUR, &a), 0);
	assert_int_equal(a.charged, 0);
	/* going idle after crossing an end paid for the use up to then */
	fx_check("idle late", fx_report(&x, AUTOLIC_FLEX_IDLE, r.session, T0 + 55 * HOUR, &a), 0);
	assert_int_equal(a.charged, 7);
	assert_int_equal(a.window_start, T0 + 54 * HOUR);
	fx_check("close", fx_report(&x, AUTOLIC_FLEX_CLOSE, r.session, T0 + 90 * HOUR, &a), 0);
	assert_int_equal(a.charged, 0);
	assert_int_equal(fx_used(&x, x.team), 21);
	fx_invariants(&x, x.team);
	fx_close(&x);
}

/* FLEX-3: several windows crossed in one report are charged back to back. */
static void test_flex3_many_windows(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	fx_buy(&x, 100, T0 - DAY);
	autolic_flex_result r, a;
	fx_check("launch", fx_launch(&x, "maya", T0, &r), 0);
	fx_check("activity", fx_report(&x, AUTOLIC_FLEX_ACTIVITY, r.session, T0 + 3 * DAY + 5, &a),
	         0);
	assert_int_equal(a.windows, 3);
	assert_int_equal(a.charged, 18);
	assert_int_equal(a.window_start, T0 + 3 * DAY);
	autolic_flex_usage_row rows[8];
	assert_int_equal(usage_rows(&x, x.team, rows, 8), 4);
	for (int i = 0; i < 4; i++)
		assert_int_equal(rows[i].day, T0 + i * DAY);
	fx_close(&x);
}

/* FLEX-3: out-of-order and unknown reports get a clear answer. */
static void test_flex3_out_of_order(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	fx_buy(&x, 100, T0 - 3 * DAY);
	autolic_flex_result r, a;
	fx_check("launch", fx_launch(&x, "autocad", T0, &r), 0);
	fx_check("activity", fx_report(&x, AUTOLIC_FLEX_ACTIVITY, r.session, T0 + HOUR, &a), 0);
	t_dump before;
	dump(&x, &before);
	fx_check("earlier", fx_report(&x, AUTOLIC_FLEX_ACTIVITY, r.session, T0 + 10, &a),
	         AUTOLIC_ESTATE);
	assert_non_null(strstr(autolic_errmsg(), "out of order"));
	/* a late launch outside every window but before the latest one */
	fx_check("gap", fx_launch(&x, "autocad", T0 - 2 * DAY, &a), AUTOLIC_ESTATE);
	/* a late launch inside the window is free */
	assert_unchanged(&x, &before);
	fx_check("late inside", fx_launch(&x, "autocad", T0 + 60, &a), 0);
	assert_int_equal(a.charged, 0);
	fx_check("close", fx_report(&x, AUTOLIC_FLEX_CLOSE, r.session, T0 + 2 * HOUR, &a), 0);
	fx_check("closed", fx_report(&x, AUTOLIC_FLEX_ACTIVITY, r.session, T0 + 3 * HOUR, &a),
	         AUTOLIC_ESTATE);
	fx_check("unknown", fx_report(&x, AUTOLIC_FLEX_CLOSE, 9999, T0 + 3 * HOUR, &a),
	         AUTOLIC_ENOTFOUND);
	assert_non_null(strstr(autolic_errmsg(), "session 9999"));
	/* from the future */
	fx_check("future", fx_report(&x, AUTOLIC_FLEX_ACTIVITY, r.session, 0, &a), AUTOLIC_EINVAL);
	autolic_flex_report_spec s = AUTOLIC_FLEX_REPORT_SPEC_INIT;
	s.kind = AUTOLIC_FLEX_CLOSE;
	s.key = "future";
	s.session = r.session;
	s.time = x.clock.now + 1;
	assert_int_equal(autolic_flex_report(x.db, &s, NULL), AUTOLIC_EINVAL);
	t_dump_free(&before);
	fx_close(&x);
}

/* ================================================================== */
/* FLEX-4: short sessions                                               */
/* ================================================================== */

/* FLEX-4: 300 s is inside, 301 s is not; no refund while another session of
 * the product by that user is open; refunds go back to the lots charged. */
static void test_flex4_refund_rules(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	autolic_id old = fx_buy(&x, 12, T0 - AUTOLIC_FLEX_LOT_SECONDS + DAY);
	fx_check("adjust", autolic_flex_adjust(x.db, x.admin, x.team, old, -7), 0);
	autolic_id big = fx_buy(&x, 100, T0 - HOUR);
	autolic_flex_result r, c;
	fx_check("launch", fx_launch(&x, "autocad", T0, &r), 0);
	assert_int_equal(fx_remaining(&x, old), 0);
	assert_int_equal(fx_remaining(&x, big), 98);
	fx_check("close at 300", fx_report(&x, AUTOLIC_FLEX_CLOSE, r.session, T0 + 300, &c), 0);
	assert_int_equal(c.refunded, 7);
	assert_int_equal(fx_remaining(&x, old), 5); /* back to the lots it came from */
	assert_int_equal(fx_remaining(&x, big), 100);

	fx_check("launch", fx_launch(&x, "autocad", T0 + 1000, &r), 0);
	fx_check("close at 301", fx_report(&x, AUTOLIC_FLEX_CLOSE, r.session, T0 + 1301, &c), 0);
	assert_int_equal(c.refunded, 0);
	assert_int_equal(fx_used(&x, x.team), 7);

	/* two sessions of Revit: the first one closing early is not refunded */
	fx_check("revit 1", fx_launch(&x, "revit", T0 + 2000, &r), 0);
	autolic_flex_result r2;
	fx_check("revit 2", fx_launch(&x, "revit", T0 + 2010, &r2), 0);
	assert_int_equal(r2.charged, 0);
	fx_check("close 1", fx_report(&x, AUTOLIC_FLEX_CLOSE, r.session, T0 + 2100, &c), 0);
	assert_int_equal(c.refunded, 0);
	/* the second did not open the window: closing it refunds nothing either */
	fx_check("close 2", fx_report(&x, AUTOLIC_FLEX_CLOSE, r2.session, T0 + 2200, &c), 0);
	assert_int_equal(c.refunded, 0);
	assert_int_equal(fx_used(&x, x.team), 17);
	fx_invariants(&x, x.team);
	fx_close(&x);
}

/* FLEX-4 with FLEX-1: a refund to a lot that expired meanwhile is forfeited. */
static void test_flex4_refund_to_expired_lot(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	autolic_time exp = T0 + 100;
	autolic_id lot = fx_buy(&x, 20, exp - AUTOLIC_FLEX_LOT_SECONDS);
	autolic_flex_result r, c;
	fx_check("launch", fx_launch(&x, "autocad", T0, &r), 0);
	fx_check("close", fx_report(&x, AUTOLIC_FLEX_CLOSE, r.session, T0 + 200, &c), 0);
	assert_int_equal(c.refunded, 7);
	assert_int_equal(fx_remaining(&x, lot), 0);
	int64_t b;
	fx_check("balance", autolic_flex_balance_at(x.db, x.team, x.clock.now, &b), 0);
	assert_int_equal(b, 0);
	fx_invariants(&x, x.team);
	fx_close(&x);
}

/* ================================================================== */
/* FLEX-5: balance                                                      */
/* ================================================================== */

/* FLEX-5: a rollover that cannot be paid ends the session at the window's
 * end; the host is told by an event and the result. */
static void test_flex5_rollover_unpaid(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	fx_buy(&x, 10, T0 - DAY);
	autolic_flex_result r, a;
	fx_check("launch", fx_launch(&x, "autocad", T0, &r), 0);
	size_t before = t_events_count(&x.ev, AUTOLIC_EVENT_FLEX_SESSION_ENDED);
	fx_check("activity", fx_report(&x, AUTOLIC_FLEX_ACTIVITY, r.session, T0 + 30 * HOUR, &a),
	         0);
	assert_int_equal(a.ended, 1);
	assert_int_equal(a.end_code, AUTOLIC_ENOTOKENS);
	assert_int_equal(a.ended_at, T0 + DAY);
	assert_int_equal(a.charged, 0);
	assert_int_equal(t_events_count(&x.ev, AUTOLIC_EVENT_FLEX_SESSION_ENDED), before + 1);
	assert_int_equal(x.ev.v[x.ev.n - 1].recipient, x.user);
	assert_int_equal(fx_balance(&x), 3);
	fx_check("after end", fx_report(&x, AUTOLIC_FLEX_ACTIVITY, r.session, T0 + 31 * HOUR, &a),
	         AUTOLIC_ESTATE);
	assert_non_null(strstr(autolic_errmsg(), "FLEX-5"));
	fx_check("close", fx_report(&x, AUTOLIC_FLEX_CLOSE, r.session, T0 + 31 * HOUR, &a), 0);
	fx_invariants(&x, x.team);
	fx_close(&x);
}

/* FLEX-5: no overage by default; an optional bounded overage is repaid first
 * by the next purchase. */
static void test_flex5_overage_policy(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	fx_buy(&x, 6, T0 - DAY);
	autolic_flex_policy p = AUTOLIC_FLEX_POLICY_INIT;
	fx_check("get", autolic_flex_policy_get(x.db, x.team, &p), 0);
	assert_int_equal(p.overage_limit, 0); /* off by default */
	autolic_flex_result r;
	fx_check("no overage", fx_launch(&x, "autocad", T0, &r), AUTOLIC_ENOTOKENS);
	p.overage_limit = 5;
	fx_check("set", autolic_flex_policy_set(x.db, x.admin, x.team, &p), 0);
	fx_check("overage", fx_launch(&x, "autocad", T0, &r), 0);
	autolic_flex_team_info ti;
	ti.version = AUTOLIC_FLEX_TEAM_INFO_VERSION;
	fx_check("team", autolic_flex_team_get(x.db, x.team, &ti), 0);
	assert_int_equal(ti.balance, -1);
	assert_int_equal(ti.owed, 1);
	assert_int_equal(ti.available, 4);
	fx_invariants(&x, x.team);
	/* bounded: 1 owed + 6 for Maya would exceed 5 */
	fx_check("bounded", fx_launch(&x, "maya", T0, &r), AUTOLIC_ENOTOKENS);
	p.overage_limit = 0;
	fx_check("below owed", autolic_flex_policy_set(x.db, x.admin, x.team, &p), AUTOLIC_ESTATE);
	autolic_id lot = fx_buy(&x, 50, T0);
	assert_int_equal(fx_remaining(&x, lot), 49); /* repaid first */
	fx_check("team", autolic_flex_team_get(x.db, x.team, &ti), 0);
	assert_int_equal(ti.owed, 0);
	assert_int_equal(ti.balance, 49);
	fx_invariants(&x, x.team);
	p.overage_limit = -1;
	assert_int_equal(autolic_flex_policy_set(x.db, x.admin, x.team, &p), AUTOLIC_EINVAL);
	fx_close(&x);
}

/* FLEX-5 with FLEX-4: refunding an overage charge cancels the debt. */
static void test_flex5_overage_refund(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	fx_buy(&x, 4, T0 - DAY);
	autolic_flex_policy p = AUTOLIC_FLEX_POLICY_INIT;
	p.overage_limit = 10;
	fx_check("set", autolic_flex_policy_set(x.db, x.admin, x.team, &p), 0);
	autolic_flex_result r, c;
	fx_check("launch", fx_launch(&x, "autocad", T0, &r), 0);
	fx_check("close", fx_report(&x, AUTOLIC_FLEX_CLOSE, r.session, T0 + 60, &c), 0);
	assert_int_equal(c.refunded, 7);
	assert_int_equal(fx_balance(&x), 4);
	fx_invariants(&x, x.team);
	/* refunded after a purchase repaid the debt: the repaying lot gets it back */
	fx_check("launch", fx_launch(&x, "autocad", T0 + 100, &r), 0);
	x.clock.now = T0 + 150;
	autolic_id lot = fx_buy(&x, 20, T0 + 150);
	assert_int_equal(fx_remaining(&x, lot), 17);
	fx_check("close", fx_report(&x, AUTOLIC_FLEX_CLOSE, r.session, T0 + 200, &c), 0);
	assert_int_equal(fx_balance(&x), 24);
	fx_invariants(&x, x.team);
	fx_close(&x);
}

/* ================================================================== */
/* FLEX-6: priority                                                     */
/* ================================================================== */

/* FLEX-6: a seat for the product means no tokens for that product, for that
 * account only; the report shows the use with the reason. */
static void test_flex6_seat(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	fx_buy(&x, 100, T0 - DAY);
	autolic_id other = t_register(x.db, "other@example.com", "Otto", "Other");
	fx_assign_all(&x, x.team, other);
	fx_seat(x.db, x.admin, x.user, "autocad");
	autolic_flex_result r;
	fx_check("seat holder", fx_launch(&x, "autocad", T0, &r), 0);
	assert_int_equal(r.charged, 0);
	assert_int_equal(r.reason, AUTOLIC_FLEX_REASON_SEAT);
	fx_check("other product", fx_launch(&x, "revit", T0, &r), 0);
	assert_int_equal(r.charged, 10);
	fx_check("other account", fx_launch_in(&x, x.team, other, "autocad", T0, NULL, &r), 0);
	assert_int_equal(r.charged, 7);
	autolic_flex_usage_row rows[4];
	assert_int_equal(usage_rows(&x, x.team, rows, 4), 3);
	int seen = 0;
	for (int i = 0; i < 3; i++)
		if (rows[i].account == x.user && !strcmp(rows[i].product, "autocad")) {
			assert_int_equal(rows[i].tokens, 0);
			assert_int_equal(rows[i].reason, AUTOLIC_FLEX_REASON_SEAT);
			seen = 1;
		}
	assert_true(seen);
	fx_close(&x);
}

/* FLEX-6: inside a trial no tokens until the trial ends; same account only. */
static void test_flex6_trial(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	fx_buy(&x, 100, T0 - DAY);
	autolic_id other = t_register(x.db, "other@example.com", "Otto", "Other");
	fx_assign_all(&x, x.team, other);
	autolic_time end = T0 + 10 * HOUR;
	assert_int_equal(autolic_flex_trial_add(x.db, x.admin, x.user, "maya", T0 - DAY, end),
	                 AUTOLIC_EPERM);
	fx_check("trial", autolic_flex_trial_add(x.db, x.user, x.user, "maya", T0 - DAY, end), 0);
	assert_int_equal(autolic_flex_trial_add(x.db, x.user, x.user, "maya", end, end),
	                 AUTOLIC_EINVAL);
	assert_int_equal(autolic_flex_trial_add(x.db, x.user, x.user, "nope", T0, end),
	                 AUTOLIC_ENOTFOUND);
	autolic_flex_result r, a;
	fx_check("trial use", fx_launch(&x, "maya", T0, &r), 0);
	assert_int_equal(r.charged, 0);
	assert_int_equal(r.reason, AUTOLIC_FLEX_REASON_TRIAL);
	assert_int_equal(r.window_end, end); /* tokens are used once the trial ends */
	fx_check("past the trial", fx_report(&x, AUTOLIC_FLEX_ACTIVITY, r.session, end + HOUR, &a),
	         0);
	assert_int_equal(a.charged, 6);
	assert_int_equal(a.window_start, end);
	fx_check("other account", fx_launch_in(&x, x.team, other, "maya", T0, NULL, &r), 0);
	assert_int_equal(r.charged, 6);
	fx_close(&x);
}

/* ================================================================== */
/* FLEX-7, FLEX-8: assignments                                          */
/* ================================================================== */

/* FLEX-7: existing accounts or `First Last <email>` invitations; individual
 * assignment notifies, import does not; an explicit list does not grow,
 * "all products" does. */
static void test_flex7_assignments(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	fx_buy(&x, 100, T0 - DAY);
	autolic_id bob = t_register(x.db, "bob@example.com", "Bob", "Builder");
	const char *list[] = {"autocad", "Revit"};
	autolic_flex_user_spec s = AUTOLIC_FLEX_USER_SPEC_INIT;
	s.account = bob;
	s.products = list;
	s.n_products = 2;
	size_t ev = x.ev.n;
	fx_check("assign bob", autolic_flex_user_assign(x.db, x.admin, x.team, &s, NULL), 0);
	assert_int_equal(x.ev.n, ev + 1);
	assert_int_equal(x.ev.v[ev].type, AUTOLIC_EVENT_FLEX_ASSIGNED);
	assert_int_equal(x.ev.v[ev].recipient, bob);
	assert_string_equal(x.ev.v[ev].rule, "FLEX-7");

	/* a new person, invited */
	autolic_flex_user_spec n = AUTOLIC_FLEX_USER_SPEC_INIT;
	n.person = "Claire Fontaine <Claire.Fontaine@Example.com>";
	n.all_products = 1;
	autolic_id claire = 0;
	ev = x.ev.n;
	fx_check("invite", autolic_flex_user_assign(x.db, x.admin, x.team, &n, &claire), 0);
	autolic_account_info ai;
	ai.version = AUTOLIC_ACCOUNT_INFO_VERSION;
	fx_check("account", autolic_account_get(x.db, claire, &ai), 0);
	assert_string_equal(ai.email, "claire.fontaine@example.com");
	assert_string_equal(ai.first_name, "Claire");
	assert_string_equal(ai.last_name, "Fontaine");
	assert_int_equal(ai.state, AUTOLIC_ACCOUNT_INVITED);
	assert_int_equal(ai.invitation_expires, x.clock.now + 604800);
	assert_int_equal(ai.invited_by, x.admin);
	assert_int_equal(t_events_count(&x.ev, AUTOLIC_EVENT_INVITATION_SENT), 1);
	assert_int_equal(x.ev.n, ev + 2);
	/* ACCT-3: a new person needs first and last names, as for every invitation */
	autolic_flex_user_spec bare = AUTOLIC_FLEX_USER_SPEC_INIT;
	bare.person = "nobody@example.com";
	bare.all_products = 1;
	assert_int_equal(autolic_flex_user_assign(x.db, x.admin, x.team, &bare, NULL),
	                 AUTOLIC_EINVAL);
	assert_non_null(strstr(autolic_errmsg(), "ACCT-3"));

	/* by import: nobody notified, also for a new person */
	autolic_flex_user_spec im = AUTOLIC_FLEX_USER_SPEC_INIT;
	im.person = "Dan Import <dan@example.com>";
	im.all_products = 1;
	im.by_import = 1;
	ev = x.ev.n;
	autolic_id dan;
	fx_check("import", autolic_flex_user_assign(x.db, x.admin, x.team, &im, &dan), 0);
	assert_int_equal(x.ev.n, ev);
	/* an existing account named by text is reused */
	im.person = "BOB@example.com";
	autolic_id again;
	fx_check("import bob", autolic_flex_user_assign(x.db, x.admin, x.team, &im, &again), 0);
	assert_int_equal(again, bob);
	s.all_products = 0;
	fx_check("bob back to a list", autolic_flex_user_assign(x.db, x.admin, x.team, &s, NULL),
	         0);

	int ok;
	fx_check("allowed", autolic_flex_user_allowed(x.db, x.team, bob, "revit", &ok), 0);
	assert_true(ok);
	fx_check("allowed", autolic_flex_user_allowed(x.db, x.team, bob, "maya", &ok), 0);
	assert_false(ok);
	fx_check("added later", autolic_flex_product_set(x.db, "civil3d", NULL, 8), 0);
	fx_check("allowed", autolic_flex_user_allowed(x.db, x.team, bob, "civil3d", &ok), 0);
	assert_false(ok); /* an explicit list does not grow */
	fx_check("allowed", autolic_flex_user_allowed(x.db, x.team, claire, "civil3d", &ok), 0);
	assert_true(ok); /* "all products" does */

	autolic_flex_result r;
	t_dump before;
	dump(&x, &before);
	fx_check("no access", fx_launch_in(&x, x.team, bob, "maya", T0, NULL, &r), AUTOLIC_EPERM);
	assert_non_null(strstr(autolic_errmsg(), "FLEX-7"));
	autolic_id stranger = t_register(x.db, "stranger@example.com", "S", "T");
	t_dump_free(&before);
	dump(&x, &before);
	fx_check("not a Flex user", fx_launch_in(&x, x.team, stranger, "autocad", T0, NULL, &r),
	         AUTOLIC_EPERM);
	assert_unchanged(&x, &before);
	t_dump_free(&before);
	fx_check("claire", fx_launch_in(&x, x.team, claire, "civil3d", T0, NULL, &r), 0);
	assert_int_equal(r.charged, 8);

	fx_check("remove", autolic_flex_user_remove(x.db, x.admin, x.team, bob), 0);
	fx_check("removed", fx_launch_in(&x, x.team, bob, "autocad", T0, NULL, &r), AUTOLIC_EPERM);
	assert_int_equal(autolic_flex_user_remove(x.db, x.admin, x.team, bob), AUTOLIC_ENOTFOUND);

	/* bad input */
	autolic_flex_user_spec b = AUTOLIC_FLEX_USER_SPEC_INIT;
	assert_int_equal(autolic_flex_user_assign(x.db, x.admin, x.team, &b, NULL), AUTOLIC_EINVAL);
	b.person = "Nobody <not-an-email>";
	assert_int_equal(autolic_flex_user_assign(x.db, x.admin, x.team, &b, NULL), AUTOLIC_EINVAL);
	b.person = NULL;
	b.account = 77777;
	assert_int_equal(autolic_flex_user_assign(x.db, x.admin, x.team, &b, NULL),
	                 AUTOLIC_ENOTFOUND);
	b.account = bob;
	b.all_products = 1;
	b.products = list;
	b.n_products = 1;
	assert_int_equal(autolic_flex_user_assign(x.db, x.admin, x.team, &b, NULL), AUTOLIC_EINVAL);
	const char *dup[] = {"maya", "MAYA"};
	b.all_products = 0;
	b.products = dup;
	b.n_products = 2;
	assert_int_equal(autolic_flex_user_assign(x.db, x.admin, x.team, &b, NULL), AUTOLIC_EINVAL);
	const char *unknown[] = {"photoshop"};
	b.products = unknown;
	b.n_products = 1;
	assert_int_equal(autolic_flex_user_assign(x.db, x.admin, x.team, &b, NULL),
	                 AUTOLIC_ENOTFOUND);
	fx_close(&x);
}

/* ACCT-4: an expired invitation grants nothing. */
static void test_acct4_expired_invitation(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	fx_buy(&x, 100, T0 - DAY);
	autolic_flex_user_spec n = AUTOLIC_FLEX_USER_SPEC_INIT;
	n.person = "Late Comer <late@example.com>";
	n.all_products = 1;
	autolic_id late;
	fx_check("invite", autolic_flex_user_assign(x.db, x.admin, x.team, &n, &late), 0);
	autolic_flex_result r;
	x.clock.now = T0 + 8 * DAY;
	fx_check("expired", fx_launch_in(&x, x.team, late, "autocad", x.clock.now, NULL, &r),
	         AUTOLIC_EPERM);
	assert_non_null(strstr(autolic_errmsg(), "ACCT-4"));
	fx_close(&x);
}

/* FLEX-8: defaults give every Flex user the same set; later products are not
 * added; changing them notifies nobody; clearing them disables them. */
static void test_flex8_defaults(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	autolic_id bob = t_register(x.db, "bob@example.com", "Bob", "Builder");
	const char *mine[] = {"maya"};
	autolic_flex_user_spec s = AUTOLIC_FLEX_USER_SPEC_INIT;
	s.account = bob;
	s.products = mine;
	s.n_products = 1;
	fx_check("bob", autolic_flex_user_assign(x.db, x.admin, x.team, &s, NULL), 0);
	const char *defaults[] = {"autocad", "revit"};
	size_t ev = x.ev.n;
	fx_check("defaults", autolic_flex_defaults_set(x.db, x.admin, x.team, defaults, 2), 0);
	assert_int_equal(x.ev.n, ev); /* nobody notified */
	int ok;
	autolic_id users[2] = {bob, x.user};
	for (int i = 0; i < 2; i++) {
		fx_check("a", autolic_flex_user_allowed(x.db, x.team, users[i], "autocad", &ok), 0);
		assert_true(ok);
		fx_check("m", autolic_flex_user_allowed(x.db, x.team, users[i], "maya", &ok), 0);
		assert_false(ok); /* the same set for everyone, also for an "all" user */
	}
	fx_check("later", autolic_flex_product_set(x.db, "civil3d", NULL, 8), 0);
	fx_check("c", autolic_flex_user_allowed(x.db, x.team, x.user, "civil3d", &ok), 0);
	assert_false(ok);
	/* a user who is not a Flex user gets nothing from the defaults */
	autolic_id stranger = t_register(x.db, "s@example.com", "S", "T");
	fx_check("s", autolic_flex_user_allowed(x.db, x.team, stranger, "autocad", &ok), 0);
	assert_false(ok);
	fx_check("clear", autolic_flex_defaults_set(x.db, x.admin, x.team, NULL, 0), 0);
	assert_int_equal(x.ev.n, ev);
	fx_check("m", autolic_flex_user_allowed(x.db, x.team, bob, "maya", &ok), 0);
	assert_true(ok);
	fx_check("a", autolic_flex_user_allowed(x.db, x.team, bob, "autocad", &ok), 0);
	assert_false(ok);
	fx_check("c", autolic_flex_user_allowed(x.db, x.team, x.user, "civil3d", &ok), 0);
	assert_true(ok);
	const char *bad[] = {"photoshop"};
	assert_int_equal(autolic_flex_defaults_set(x.db, x.admin, x.team, bad, 1),
	                 AUTOLIC_ENOTFOUND);
	assert_int_equal(autolic_flex_defaults_set(x.db, x.admin, x.team, NULL, 1), AUTOLIC_EINVAL);
	fx_close(&x);
}

/* ================================================================== */
/* FLEX-9: moves                                                        */
/* ================================================================== */

/* FLEX-9: the whole token subscription moves, lots keep their dates, user
 * assignments stay. */
static void test_flex9_move(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	autolic_id team2 = fx_team(x.db, x.admin);
	autolic_id a = fx_buy_in(&x, x.team, "TS-1", 30, T0 - 10 * DAY);
	autolic_id b = fx_buy_in(&x, x.team, "TS-1", 20, T0 - 5 * DAY);
	autolic_id c = fx_buy_in(&x, x.team, "TS-2", 40, T0 - DAY);
	autolic_flex_result r;
	fx_check("use", fx_launch(&x, "autocad", T0, &r), 0);
	int64_t moved;
	x.clock.now = T0 + HOUR;
	fx_check("move", autolic_flex_move(x.db, x.admin, x.team, team2, "TS-1", &moved), 0);
	assert_int_equal(moved, 43);
	autolic_flex_lot_info li;
	li.version = AUTOLIC_FLEX_LOT_INFO_VERSION;
	fx_check("lot a", autolic_flex_lot_get(x.db, a, &li), 0);
	assert_int_equal(li.team, team2);
	assert_int_equal(li.purchased, T0 - 10 * DAY);
	assert_int_equal(li.expires, T0 - 10 * DAY + AUTOLIC_FLEX_LOT_SECONDS);
	assert_int_equal(li.remaining, 23);
	fx_check("lot b", autolic_flex_lot_get(x.db, b, &li), 0);
	assert_int_equal(li.team, team2);
	fx_check("lot c", autolic_flex_lot_get(x.db, c, &li), 0);
	assert_int_equal(li.team, x.team);
	assert_int_equal(fx_balance_of(&x, x.team), 40);
	assert_int_equal(fx_balance_of(&x, team2), 43);
	int ok;
	fx_check("assignments stay", autolic_flex_user_allowed(x.db, team2, x.user, "autocad", &ok),
	         0);
	assert_false(ok);
	/* balance in the past is unchanged by the move */
	int64_t past;
	fx_check("past", autolic_flex_balance_at(x.db, x.team, T0, &past), 0);
	assert_int_equal(past, 83);
	fx_check("past2", autolic_flex_balance_at(x.db, team2, T0, &past), 0);
	assert_int_equal(past, 0);
	fx_invariants(&x, x.team);
	fx_invariants(&x, team2);
	/* and back: the entries in the first team still add up */
	fx_check("back", autolic_flex_move(x.db, x.admin, team2, x.team, "TS-1", &moved), 0);
	fx_invariants(&x, x.team);
	fx_invariants(&x, team2);
	assert_int_equal(autolic_flex_move(x.db, x.admin, x.team, team2, "TS-404", NULL),
	                 AUTOLIC_ENOTFOUND);
	assert_int_equal(autolic_flex_move(x.db, x.admin, x.team, x.team, "TS-1", NULL),
	                 AUTOLIC_EINVAL);
	assert_int_equal(autolic_flex_move(x.db, x.admin, x.team, 0, "TS-1", NULL), AUTOLIC_EINVAL);
	/* FLEX-9: only an administrator of both teams may move */
	autolic_id other_admin = t_register(x.db, "boss@example.com", "B", "O");
	autolic_id team3 = fx_team(x.db, other_admin);
	t_dump before;
	dump(&x, &before);
	assert_int_equal(autolic_flex_move(x.db, x.admin, x.team, team3, "TS-1", NULL),
	                 AUTOLIC_EPERM);
	assert_non_null(strstr(autolic_errmsg(), "FLEX-9"));
	assert_int_equal(autolic_flex_move(x.db, other_admin, x.team, team3, "TS-1", NULL),
	                 AUTOLIC_EPERM);
	assert_unchanged(&x, &before);
	t_dump_free(&before);
	fx_close(&x);
}

/* ================================================================== */
/* FLEX-10, FLEX-11: ledger and reports                                 */
/* ================================================================== */

/* FLEX-10: every typed entry; balance == sum(ledger); the check catches a
 * ledger that does not add up. */
static void test_flex10_ledger_and_check(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	autolic_id team2 = fx_team(x.db, x.admin);
	autolic_id lot = fx_buy(&x, 50, T0 - DAY);
	fx_buy_in(&x, x.team, "TS-2", 20, T0 - AUTOLIC_FLEX_LOT_SECONDS + HOUR);
	autolic_flex_result r, c;
	fx_check("launch", fx_launch(&x, "autocad", T0, &r), 0);
	fx_check("close", fx_report(&x, AUTOLIC_FLEX_CLOSE, r.session, T0 + 10, &c), 0);
	fx_check("launch", fx_launch(&x, "revit", T0 + 20, &r), 0);
	fx_check("adjust", autolic_flex_adjust(x.db, x.admin, x.team, lot, -3), 0);
	x.clock.now = T0 + 2 * HOUR;
	fx_check("expire", autolic_flex_expire(x.db, x.team, NULL), 0);
	fx_check("move", autolic_flex_move(x.db, x.admin, x.team, team2, "TS-1", NULL), 0);
	autolic_flex_ledger_iter *it;
	fx_check("ledger",
	         autolic_flex_ledger_open(x.db, x.team, INT64_MIN, INT64_MAX, AUTOLIC_FLEX_MASK_ALL,
	                                  &it),
	         0);
	autolic_flex_entry e;
	e.version = AUTOLIC_FLEX_ENTRY_VERSION;
	unsigned seen = 0;
	int64_t sum = 0;
	uint64_t last_seq = 0;
	while (autolic_flex_ledger_next(it, &e) == 0) {
		seen |= AUTOLIC_FLEX_MASK(e.type);
		sum += e.amount;
		assert_true(e.seq > last_seq);
		last_seq = e.seq;
		assert_int_equal(e.team, x.team);
	}
	autolic_flex_ledger_free(it);
	for (int t = AUTOLIC_FLEX_PURCHASE; t <= AUTOLIC_FLEX_ADJUST; t++)
		if (t != AUTOLIC_FLEX_MOVE_IN)
			assert_true(seen & AUTOLIC_FLEX_MASK(t));
	assert_int_equal(sum, fx_balance(&x));
	fx_invariants(&x, x.team);
	fx_invariants(&x, team2);
	/* adjustments stay within [0, quantity] */
	assert_int_equal(autolic_flex_adjust(x.db, x.admin, team2, lot, 1000), AUTOLIC_EINVAL);
	assert_int_equal(autolic_flex_adjust(x.db, x.admin, team2, lot, 0), AUTOLIC_EINVAL);
	assert_int_equal(autolic_flex_adjust(x.db, x.admin, x.team, lot, 1), AUTOLIC_ENOTFOUND);
	fx_close(&x);
}

typedef struct {
	autolic_id team;
	int64_t amount;
} tamper_args;

static int tamper_fn(al_txn *t, void *arg)
{
	tamper_args *a = arg;
	return al_flex_ledger_add(t, a->team, AUTOLIC_FLEX_ADJUST, t->now, 0, a->amount, 0, 0, NULL,
	                          NULL);
}

/* FLEX-10: the invariant check can fail (it is not a test that cannot fail). */
static void test_flex10_check_detects(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	fx_buy(&x, 50, T0 - DAY);
	fx_invariants(&x, x.team);
	tamper_args a = {x.team, 5};
	fx_check("tamper", al_run(x.db, 1, tamper_fn, &a), 0);
	assert_int_equal(autolic_flex_check(x.db, x.team), AUTOLIC_ECORRUPT);
	assert_non_null(strstr(autolic_errmsg(), "FLEX-10"));
	fx_close(&x);
}

/* FLEX-2: a charge reads the lots that still hold tokens in expiry order,
 * a batch of keys at a time; it must read every lot of the expiry at which
 * they cover the rate, also when that expiry runs past a batch. 20 lots
 * bought together (one expiry), holding 20, 19, ... 1 tokens in id order:
 * 7 tokens come from the smallest first (1 + 2 + 3 + 1 of the 4), which are
 * the last ids, read in the second batch. */
static void test_flex2_tie_group_across_batches(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	autolic_id lot[20];
	for (int i = 0; i < 20; i++)
		lot[i] = fx_buy(&x, 20 - i, T0 - DAY);
	autolic_flex_result r;
	fx_check("launch", fx_launch(&x, "autocad", T0, &r), 0);
	assert_int_equal(r.charged, 7);
	for (int i = 0; i < 16; i++)
		assert_int_equal(fx_remaining(&x, lot[i]), 20 - i);
	assert_int_equal(fx_remaining(&x, lot[16]), 3); /* 4 - 1 */
	assert_int_equal(fx_remaining(&x, lot[17]), 0);
	assert_int_equal(fx_remaining(&x, lot[18]), 0);
	assert_int_equal(fx_remaining(&x, lot[19]), 0);
	fx_invariants(&x, x.team);
	fx_close(&x);
}

/* FLEX-2, FLEX-5: a charge spanning more lots than one batch of keys; the
 * drained lots leave the live list, and a refund (FLEX-4) brings them back. */
static void test_flex2_charge_across_batches(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	fx_product(&x, "big", 30);
	autolic_id lot[40];
	for (int i = 0; i < 40; i++) /* one token each, expiring a day apart */
		lot[i] = fx_buy(&x, 1, T0 - 300 * DAY + i * DAY);
	autolic_flex_result r;
	fx_check("launch", fx_launch(&x, "big", T0, &r), 0);
	assert_int_equal(r.charged, 30);
	for (int i = 0; i < 40; i++)
		assert_int_equal(fx_remaining(&x, lot[i]), i < 30 ? 0 : 1);
	fx_invariants(&x, x.team);
	autolic_id session = r.session;
	fx_check("close", fx_report(&x, AUTOLIC_FLEX_CLOSE, session, T0 + 60, &r), 0);
	assert_int_equal(r.refunded, 30);
	for (int i = 0; i < 40; i++)
		assert_int_equal(fx_remaining(&x, lot[i]), 1);
	fx_invariants(&x, x.team);
	/* 40 tokens cannot pay two windows of 30: the second launch is refused */
	autolic_id other = t_register(x.db, "other@example.com", "O", "Ther");
	fx_assign_all(&x, x.team, other);
	fx_check("launch", fx_launch(&x, "big", T0 + 120, &r), 0);
	assert_int_equal(fx_launch_in(&x, x.team, other, "big", T0 + 130, NULL, &r),
	                 AUTOLIC_ENOTOKENS);
	assert_int_equal(fx_balance(&x), 10);
	fx_invariants(&x, x.team);
	fx_close(&x);
}

typedef struct {
	autolic_id team, lot;
	int what;
} tamper2_args;

static int tamper2_fn(al_txn *t, void *arg)
{
	tamper2_args *a = arg;
	al_flex_team tf;
	al_flex_lotrec l;
	int rc = al_flex_team_load(t, a->team, &tf);
	if (!rc)
		rc = al_flex_lot_load(t, a->lot, &l);
	if (rc)
		return rc;
	al_key k;
	al_key_dated(&k, AL_K_FLEX_TEAM_LIVE, a->team, l.expires, l.id);
	switch (a->what) {
	case 0: /* the team's sums drift from its lots */
		tf.left += 1;
		tf.bought += 1;
		return al_flex_team_store(t, &tf);
	case 1: /* a lot holding tokens drops out of the live list */
		return al_txn_del(t, &k);
	case 3: /* the team no longer expects its lot's expiry */
		tf.next_expiry = l.expires + 1;
		return al_flex_team_store(t, &tf);
	default: /* a second team lists the lot */
		al_key_dated(&k, AL_K_FLEX_TEAM_LIVE, a->team, l.expires, l.id + 1000);
		return al_txn_put_raw(t, &k, "", 0);
	}
}

/* ---- a store written by libautolic 1.0.0 (record format 1) ---- */

typedef struct {
	autolic_id team;
	int downgrade;   /* 1: rewrite the team record in format 1, drop the live index */
	int version;     /* out: the team record's format version */
	size_t live;     /* out: keys in the team's live index */
	al_key keys[16]; /* live keys found */
} fmt1_args;

static int fmt1_live_cb(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	(void)val;
	(void)vlen;
	fmt1_args *a = arg;
	assert_true(a->live < 16 && klen <= sizeof a->keys[0].b);
	memcpy(a->keys[a->live].b, key, klen);
	a->keys[a->live++].len = klen;
	return 0;
}

static int fmt1_fn(al_txn *t, void *arg)
{
	fmt1_args *a = arg;
	al_key k;
	al_buf b;
	al_buf_init(&b, t->a);
	al_key_init(&k, AL_K_FLEX_TEAM);
	al_key_u64(&k, a->team);
	int rc = al_txn_get(t, &k, &b);
	a->version = rc ? -1 : b.p[0];
	if (!rc && a->downgrade) {
		/* the 1.0.0 layout: the same fields without the sums */
		al_flex_team tf;
		rc = al_flex_team_load(t, a->team, &tf);
		al_rec_begin(&b, AL_K_FLEX_TEAM);
		al_enc_i64(&b, tf.overage_limit);
		al_enc_i64(&b, tf.low_threshold);
		al_enc_i64(&b, tf.owed);
		al_enc_u8(&b, (uint8_t)tf.low);
		al_enc_u32(&b, (uint32_t)tf.n_defaults);
		if (!rc)
			rc = al_txn_put(t, &k, &b);
	}
	al_buf_free(&b);
	a->live = 0;
	al_key_init(&k, AL_K_FLEX_TEAM_LIVE);
	al_key_u64(&k, a->team);
	if (!rc)
		rc = al_txn_scan_prefix(t, &k, fmt1_live_cb, a);
	for (size_t i = 0; !rc && a->downgrade && i < a->live; i++)
		rc = al_txn_del(t, &a->keys[i]);
	return rc;
}

static void fmt1_state(fx *x, int *version, size_t *live)
{
	fmt1_args a = {.team = x->team};
	fx_check("inspect", al_run(x->db, 0, fmt1_fn, &a), 0);
	*version = a.version;
	*live = a.live;
}

/* A store written by 1.0.0 holds the Flex team record in format 1 and no
 * live index. Read calls derive the sums from the lots; the first write
 * call builds the index and writes the record in the current format, and one that
 * fails leaves the store as it was. The same calls on a store that was
 * always in the current format give the same results, step by step. */
static void test_flex_format1_store(void **state)
{
	(void)state;
	fx old, cur;
	fx *both[2] = {&old, &cur};
	autolic_id lots[2][3];
	autolic_id sessions[2] = {0, 0};
	for (int i = 0; i < 2; i++) {
		fx_open(both[i], T0);
		lots[i][0] = fx_buy(both[i], 30, T0 - 3 * DAY);
		lots[i][1] = fx_buy(both[i], 40, T0 - 2 * DAY);
		lots[i][2] = fx_buy(both[i], 25, T0 - DAY);
		autolic_flex_result r;
		fx_check("launch", fx_launch(both[i], "revit", T0, &r), 0);
		sessions[i] = r.session;
	}
	int version;
	size_t live;
	fmt1_state(&old, &version, &live);
	assert_int_equal(version, AL_REC_V3);
	assert_int_equal(live, 3);
	fmt1_args down = {.team = old.team, .downgrade = 1};
	fx_check("downgrade", al_run(old.db, 1, fmt1_fn, &down), 0);
	fmt1_state(&old, &version, &live);
	assert_int_equal(version, AL_REC_V1);
	assert_int_equal(live, 0);

	/* read calls: the same balance, and the check passes */
	fx_invariants(&old, old.team);
	assert_int_equal(fx_balance(&old), fx_balance(&cur));
	assert_int_equal(fx_balance(&old), 30 + 40 + 25 - 10);

	/* a write call that fails changes nothing, the format included */
	autolic_flex_result r;
	fx_check("launch unknown", fx_launch(&old, "nosuch", T0 + HOUR, &r), AUTOLIC_ENOTFOUND);
	fmt1_state(&old, &version, &live);
	assert_int_equal(version, AL_REC_V1);
	assert_int_equal(live, 0);

	/* the same write calls on both stores: the first upgrades the old one */
	static const struct {
		const char *product;
		int64_t at;
	} steps[] = {
	    {"autocad", 2 * DAY}, {"maya", 3 * DAY}, {"revit", 4 * DAY}, {"revit", 5 * DAY}};
	for (size_t s = 0; s < sizeof steps / sizeof steps[0]; s++) {
		autolic_flex_result ro, rc;
		int a = fx_launch(&old, steps[s].product, T0 + steps[s].at, &ro);
		int b = fx_launch(&cur, steps[s].product, T0 + steps[s].at, &rc);
		assert_int_equal(a, b);
		assert_int_equal(ro.charged, rc.charged);
		assert_int_equal(fx_balance(&old), fx_balance(&cur));
		for (int l = 0; l < 3; l++)
			assert_int_equal(fx_remaining(&old, lots[0][l]),
			                 fx_remaining(&cur, lots[1][l]));
		fx_invariants(&old, old.team);
		fmt1_state(&old, &version, &live);
		assert_int_equal(version, AL_REC_V3);
		size_t live_cur;
		int version_cur;
		fmt1_state(&cur, &version_cur, &live_cur);
		assert_int_equal(live, live_cur);
	}
	/* the oldest lot ran out on the way (FLEX-2 oldest first): it left the index */
	assert_int_equal(fx_remaining(&old, lots[0][0]), 0);
	assert_int_equal(live, 2);
	/* the first session, closed late, pays its days of use on both */
	autolic_flex_result co, cc;
	fx_check("close", fx_report(&old, AUTOLIC_FLEX_CLOSE, sessions[0], T0 + 6 * DAY, &co), 0);
	fx_check("close", fx_report(&cur, AUTOLIC_FLEX_CLOSE, sessions[1], T0 + 6 * DAY, &cc), 0);
	assert_int_equal(co.charged, cc.charged);
	assert_int_equal(fx_balance(&old), fx_balance(&cur));
	assert_int_equal(fx_used(&old, old.team), fx_used(&cur, cur.team));
	fx_invariants(&old, old.team);
	fx_close(&old);
	fx_close(&cur);
}

/* FLEX-4, FLEX-9: a refund goes back to a lot that moved meanwhile to a
 * team whose record is still in format 1: that team's sums are derived from
 * its lots as they were before the refund, then moved by it, once. */
static void test_flex_format1_refund_to_moved_lot(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	autolic_id team2 = fx_team(x.db, x.admin);
	autolic_id a = fx_buy_in(&x, x.team, "TS-1", 30, T0 - DAY);
	fx_buy_in(&x, team2, "TS-2", 10, T0 - DAY);
	autolic_flex_result r, c;
	fx_check("launch", fx_launch(&x, "autocad", T0, &r), 0);
	x.clock.now = T0 + 60;
	fx_check("move", autolic_flex_move(x.db, x.admin, x.team, team2, "TS-1", NULL), 0);
	fmt1_args down = {.team = team2, .downgrade = 1};
	fx_check("downgrade", al_run(x.db, 1, fmt1_fn, &down), 0);
	fx_check("close", fx_report(&x, AUTOLIC_FLEX_CLOSE, r.session, T0 + 120, &c), 0);
	assert_int_equal(c.refunded, 7);
	assert_int_equal(fx_remaining(&x, a), 30);
	assert_int_equal(fx_balance_of(&x, team2), 40);
	fmt1_args after = {.team = team2};
	fx_check("inspect", al_run(x.db, 0, fmt1_fn, &after), 0);
	assert_int_equal(after.version, AL_REC_V3);
	assert_int_equal(after.live, 2);
	fx_invariants(&x, team2);
	fx_invariants(&x, x.team);
	fx_close(&x);
}

/* FLEX-12, FLEX-2, FLEX-1: the check verifies the team's sums, the live
 * list of lots a charge reads and the next expiry it waits for; each
 * tampering is detected. */
static void test_flex12_sums_checked(void **state)
{
	(void)state;
	static const char *const rule[] = {"FLEX-12", "FLEX-2", "FLEX-2", "FLEX-1"};
	for (int what = 0; what < 4; what++) {
		fx x;
		fx_open(&x, T0);
		autolic_id lot = fx_buy(&x, 50, T0 - DAY);
		fx_invariants(&x, x.team);
		tamper2_args a = {x.team, lot, what};
		fx_check("tamper", al_run(x.db, 1, tamper2_fn, &a), 0);
		assert_int_equal(autolic_flex_check(x.db, x.team), AUTOLIC_ECORRUPT);
		assert_non_null(strstr(autolic_errmsg(), rule[what]));
		fx_close(&x);
	}
}

static int csv_collect(const char *data, size_t len, void *ctx)
{
	char *buf = ctx;
	size_t have = strlen(buf);
	assert_true(have + len < 4096);
	memcpy(buf + have, data, len);
	buf[have + len] = 0;
	return 0;
}

static int csv_stop(const char *data, size_t len, void *ctx)
{
	(void)data;
	(void)len;
	return ++*(int *)ctx >= 2;
}

/* FLEX-11, IN-2: the usage CSV gives the team's name beside its id; it is
 * text a user chose, so a name a spreadsheet would read as a formula is
 * neutralised (a quote before it, the cell quoted) and a comma is quoted. */
static void test_flex11_csv_team_name(void **state)
{
	(void)state;
	static const struct {
		const char *name, *cell;
	} cases[] = {
	    {"=HYPERLINK(\"http://evil.example\")",
	     ",\"'=HYPERLINK(\"\"http://evil.example\"\")\","},
	    {"-1+2", ",\"'-1+2\","},
	    {"Design, Inc.", ",\"Design, Inc.\","},
	    {"Plain name", ",Plain name,"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		fx x;
		fx_open(&x, fx_date(2026, 3, 5));
		autolic_team_spec ts = AUTOLIC_TEAM_SPEC_INIT;
		ts.name = cases[i].name;
		autolic_id team;
		fx_check("team", autolic_team_create(x.db, x.admin, &ts, &team), 0);
		autolic_id lot = fx_buy_in(&x, team, "TS-2", 100, fx_date(2026, 1, 10));
		fx_assign_all(&x, team, x.user);
		autolic_flex_result r;
		fx_check("launch", fx_launch_in(&x, team, x.user, "autocad", T0, NULL, &r), 0);
		char csv[4096] = "";
		fx_check("csv",
		         autolic_flex_usage_csv(x.db, team, INT64_MIN, INT64_MAX, csv_collect, csv),
		         0);
		char want[512];
		snprintf(want, sizeof want,
		         "day_used,email,first_name,last_name,product,team,team_name,tokens,reason,"
		         "lots\r\n"
		         "2026-03-05T09:00:00Z,jean.dupont@example.com,Jean,Dupont,autocad,%llu%s7,"
		         "charged,%llu:7\r\n",
		         (unsigned long long)team, cases[i].cell, (unsigned long long)lot);
		assert_string_equal(csv, want);
		fx_close(&x);
	}
}

/* FLEX-11: usage rows with day, email, names, product, team, tokens and lots;
 * CSV; balance at past instants; balance events by period. */
static void test_flex11_reports(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, fx_date(2026, 3, 5));
	autolic_id l1 = fx_buy(&x, 100, fx_date(2026, 1, 10));
	autolic_id odd = t_register(x.db, "o@example.com", "Anne, Marie", "O\"Neil");
	fx_assign_all(&x, x.team, odd);
	autolic_flex_result r;
	fx_check("a", fx_launch(&x, "autocad", T0, &r), 0);
	fx_check("b", fx_launch_in(&x, x.team, odd, "revit", T0 + HOUR, NULL, &r), 0);
	char csv[4096] = "";
	fx_check("csv",
	         autolic_flex_usage_csv(x.db, x.team, INT64_MIN, INT64_MAX, csv_collect, csv), 0);
	char want[1024];
	snprintf(
	    want, sizeof want,
	    "day_used,email,first_name,last_name,product,team,team_name,tokens,reason,lots\r\n"
	    "2026-03-05T09:00:00Z,jean.dupont@example.com,Jean,Dupont,autocad,%llu,Flex team,7,"
	    "charged,%llu:7\r\n"
	    "2026-03-05T10:00:00Z,o@example.com,\"Anne, "
	    "Marie\",\"O\"\"Neil\",revit,%llu,Flex team,10,charged,%llu:10\r\n",
	    (unsigned long long)x.team, (unsigned long long)l1, (unsigned long long)x.team,
	    (unsigned long long)l1);
	assert_string_equal(csv, want);
	int calls = 0;
	assert_int_equal(
	    autolic_flex_usage_csv(x.db, x.team, INT64_MIN, INT64_MAX, csv_stop, &calls),
	    AUTOLIC_EABORTED);
	/* the period selects rows by day used */
	autolic_flex_usage_row rows[4];
	autolic_flex_usage_iter *it;
	fx_check("period", autolic_flex_usage_open(x.db, x.team, T0 + 1, T0 + DAY, &it), 0);
	rows[0].version = AUTOLIC_FLEX_USAGE_ROW_VERSION;
	fx_check("row", autolic_flex_usage_next(it, &rows[0]), 0);
	assert_string_equal(rows[0].first_name, "Anne, Marie");
	assert_string_equal(rows[0].product, "revit");
	assert_int_equal(rows[0].team, x.team);
	rows[1].version = 0;
	assert_int_equal(autolic_flex_usage_next(it, &rows[1]), AUTOLIC_EVERSION);
	rows[1].version = AUTOLIC_FLEX_USAGE_ROW_VERSION;
	assert_int_equal(autolic_flex_usage_next(it, &rows[1]), AUTOLIC_ITEROVER);
	autolic_flex_usage_free(it);
	autolic_flex_usage_free(NULL);
	/* balance at any instant */
	int64_t b;
	fx_check("before purchase", autolic_flex_balance_at(x.db, x.team, fx_date(2026, 1, 9), &b),
	         0);
	assert_int_equal(b, 0);
	fx_check("after purchase", autolic_flex_balance_at(x.db, x.team, fx_date(2026, 2, 1), &b),
	         0);
	assert_int_equal(b, 100);
	fx_check("after use", autolic_flex_balance_at(x.db, x.team, T0 + HOUR, &b), 0);
	assert_int_equal(b, 83);
	fx_check("between", autolic_flex_balance_at(x.db, x.team, T0 + 60, &b), 0);
	assert_int_equal(b, 93);
	/* balance events by period */
	x.clock.now = T0 + 2 * HOUR;
	fx_buy(&x, 10, T0 + 2 * HOUR);
	autolic_flex_ledger_iter *li;
	fx_check("events",
	         autolic_flex_ledger_open(x.db, x.team, fx_date(2026, 3, 1), fx_date(2026, 4, 1),
	                                  AUTOLIC_FLEX_MASK_EVENTS, &li),
	         0);
	autolic_flex_entry e;
	e.version = AUTOLIC_FLEX_ENTRY_VERSION;
	fx_check("one", autolic_flex_ledger_next(li, &e), 0);
	assert_int_equal(e.type, AUTOLIC_FLEX_PURCHASE);
	assert_int_equal(e.amount, 10);
	assert_int_equal(autolic_flex_ledger_next(li, &e), AUTOLIC_ITEROVER);
	autolic_flex_ledger_free(li);
	autolic_flex_ledger_free(NULL);
	assert_int_equal(autolic_flex_ledger_open(x.db, x.team, 5, 5, AUTOLIC_FLEX_MASK_ALL, &li),
	                 AUTOLIC_EINVAL);
	assert_null(li);
	assert_int_equal(autolic_flex_usage_open(x.db, 0, 0, 5, &it), AUTOLIC_EINVAL);
	fx_close(&x);
}

/* ================================================================== */
/* FLEX-12: low balance                                                 */
/* ================================================================== */

/* FLEX-12: notified once per crossing of 20% of the unexpired lots' tokens. */
static void test_flex12_low_balance(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	autolic_id lot = fx_buy(&x, 50, T0 - DAY); /* threshold 10 */
	/* every administrator is notified: the primary and a secondary one */
	autolic_id second = t_register(x.db, "second@example.com", "Sec", "Ond");
	fx_check("admin", autolic_team_add_admin(x.db, x.admin, x.team, second), 0);
	autolic_flex_result r;
	const char *products[] = {"autocad", "revit", "maya", "autocad", "revit", "maya"};
	autolic_id users[6];
	for (int i = 0; i < 6; i++) {
		char email[64];
		snprintf(email, sizeof email, "u%d@example.com", i);
		users[i] = t_register(x.db, email, "U", "Ser");
		fx_assign_all(&x, x.team, users[i]);
	}
	/* 50 -> 43 -> 33 -> 27 -> 20 -> 10 (not below 10) -> 4 (below) */
	int64_t want[6] = {43, 33, 27, 20, 10, 4};
	for (int i = 0; i < 6; i++) {
		fx_check("use", fx_launch_in(&x, x.team, users[i], products[i], T0, NULL, &r), 0);
		assert_int_equal(fx_balance(&x), want[i]);
		assert_int_equal(t_events_count(&x.ev, AUTOLIC_EVENT_FLEX_LOW_BALANCE),
		                 i < 5 ? 0 : 2);
	}
	/* one notice per administrator, ascending by account, none to users */
	autolic_id want_to[2] = {x.admin < second ? x.admin : second,
	                         x.admin < second ? second : x.admin};
	for (size_t k = 0, seen = 0; k < x.ev.n; k++) {
		t_event *ev = &x.ev.v[k];
		if (ev->type != AUTOLIC_EVENT_FLEX_LOW_BALANCE)
			continue;
		assert_int_equal(ev->recipient, want_to[seen++]);
		assert_int_equal(ev->team, x.team);
		assert_string_equal(ev->rule, "FLEX-12");
		assert_non_null(strstr(ev->text, "below its threshold of 10"));
	}
	autolic_flex_team_info ti;
	ti.version = AUTOLIC_FLEX_TEAM_INFO_VERSION;
	fx_check("team", autolic_flex_team_get(x.db, x.team, &ti), 0);
	assert_true(ti.low);
	assert_int_equal(ti.threshold, 10);
	/* still below: no second notice, also after another change while below */
	fx_check("more", fx_launch_in(&x, x.team, x.user, "maya", T0, NULL, &r), AUTOLIC_ENOTOKENS);
	fx_check("adjust", autolic_flex_adjust(x.db, x.admin, x.team, lot, -1), 0);
	assert_int_equal(t_events_count(&x.ev, AUTOLIC_EVENT_FLEX_LOW_BALANCE), 2);
	fx_check("adjust", autolic_flex_adjust(x.db, x.admin, x.team, lot, 1), 0);
	fx_buy(&x, 10, T0); /* 14 of 60: below 12? no: above -> crossing back up */
	assert_int_equal(t_events_count(&x.ev, AUTOLIC_EVENT_FLEX_LOW_BALANCE), 2);
	fx_check("team", autolic_flex_team_get(x.db, x.team, &ti), 0);
	assert_false(ti.low);
	fx_check("down again", fx_launch_in(&x, x.team, x.user, "maya", T0, NULL, &r), 0);
	assert_int_equal(t_events_count(&x.ev, AUTOLIC_EVENT_FLEX_LOW_BALANCE), 4);
	/* an explicit threshold */
	autolic_flex_policy p = AUTOLIC_FLEX_POLICY_INIT;
	p.low_threshold = 5;
	fx_check("policy", autolic_flex_policy_set(x.db, x.admin, x.team, &p), 0);
	fx_check("team", autolic_flex_team_get(x.db, x.team, &ti), 0);
	assert_int_equal(ti.threshold, 5);
	assert_false(ti.low);
	p.low_threshold = -2;
	assert_int_equal(autolic_flex_policy_set(x.db, x.admin, x.team, &p), AUTOLIC_EINVAL);
	fx_close(&x);
}

/* ================================================================== */
/* Bad input                                                            */
/* ================================================================== */

/* Unknown user/product/team, no access, bad numbers and times, unknown
 * session: clear errors, nothing changed. */
static void test_bad_reports(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	fx_buy(&x, 100, T0 - HOUR);
	t_dump before;
	dump(&x, &before);
	autolic_flex_result r;
	assert_int_equal(fx_launch_in(&x, x.team, 4242, "autocad", T0, NULL, &r),
	                 AUTOLIC_ENOTFOUND);
	assert_int_equal(fx_launch(&x, "photoshop", T0, &r), AUTOLIC_ENOTFOUND);
	assert_non_null(strstr(autolic_errmsg(), "photoshop"));
	assert_int_equal(fx_launch(&x, "bad code!", T0, &r), AUTOLIC_EINVAL);
	assert_int_equal(fx_launch_in(&x, 0, x.user, "autocad", T0, NULL, &r), AUTOLIC_EINVAL);
	assert_int_equal(fx_launch_in(&x, 987654321, x.user, "autocad", T0, NULL, &r),
	                 AUTOLIC_ENOTFOUND);
	/* a use before the only lot's purchase cannot be paid by it */
	assert_int_equal(fx_launch(&x, "autocad", T0 - 2 * HOUR, &r), AUTOLIC_ENOTOKENS);
	assert_non_null(strstr(autolic_errmsg(), "bought after"));
	autolic_flex_report_spec s = AUTOLIC_FLEX_REPORT_SPEC_INIT;
	s.kind = 9;
	s.key = "x";
	s.time = T0;
	assert_int_equal(autolic_flex_report(x.db, &s, NULL), AUTOLIC_EINVAL);
	s.kind = AUTOLIC_FLEX_LAUNCH;
	s.team = x.team;
	s.account = x.user;
	s.product = "autocad";
	s.key = "";
	assert_int_equal(autolic_flex_report(x.db, &s, NULL), AUTOLIC_EINVAL);
	s.key = NULL;
	assert_int_equal(autolic_flex_report(x.db, &s, NULL), AUTOLIC_EINVAL);
	char longkey[AUTOLIC_FLEX_KEY_MAX + 2];
	memset(longkey, 'k', sizeof longkey - 1);
	longkey[sizeof longkey - 1] = 0;
	s.key = longkey;
	assert_int_equal(autolic_flex_report(x.db, &s, NULL), AUTOLIC_EINVAL);
	s.key = "ok";
	s.time = -5;
	assert_int_equal(autolic_flex_report(x.db, &s, NULL), AUTOLIC_EINVAL);
	s.time = T0;
	s.session = 3;
	assert_int_equal(autolic_flex_report(x.db, &s, NULL), AUTOLIC_EINVAL);
	s.session = 0;
	s.kind = AUTOLIC_FLEX_CLOSE;
	assert_int_equal(autolic_flex_report(x.db, &s, NULL), AUTOLIC_EINVAL);
	s.version = 0;
	assert_int_equal(autolic_flex_report(x.db, &s, NULL), AUTOLIC_EVERSION);
	s.version = AUTOLIC_FLEX_REPORT_SPEC_VERSION;
	r.version = 42;
	assert_int_equal(autolic_flex_report(x.db, &s, &r), AUTOLIC_EVERSION);
	assert_int_equal(autolic_flex_report(NULL, &s, NULL), AUTOLIC_EINVAL);
	assert_int_equal(autolic_flex_report(x.db, NULL, NULL), AUTOLIC_EINVAL);
	assert_int_equal(autolic_flex_team_get(x.db, x.team, NULL), AUTOLIC_EINVAL);
	assert_int_equal(autolic_flex_balance_at(x.db, x.team, T0, NULL), AUTOLIC_EINVAL);
	assert_int_equal(autolic_flex_check(x.db, 0), AUTOLIC_EINVAL);
	assert_int_equal(autolic_flex_expire(NULL, x.team, NULL), AUTOLIC_EINVAL);
	assert_int_equal(autolic_flex_adjust(x.db, x.admin, x.team, 0, 1), AUTOLIC_EINVAL);
	assert_unchanged(&x, &before);
	/* a launch without a result pointer works */
	s.kind = AUTOLIC_FLEX_LAUNCH;
	fx_check("no result", autolic_flex_report(x.db, &s, NULL), 0);
	t_dump_free(&before);
	fx_close(&x);
}

/* ROLE-7: every change to a team's tokens or users names an administrator
 * of the team; anyone else is refused with a permission error. */
static void test_role7_non_admin(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	autolic_id lot = fx_buy(&x, 50, T0 - DAY);
	t_dump before;
	dump(&x, &before);
	autolic_flex_lot_spec ls = AUTOLIC_FLEX_LOT_SPEC_INIT;
	ls.subscription = "TS-1";
	ls.quantity = 10;
	assert_int_equal(autolic_flex_lot_buy(x.db, x.user, x.team, &ls, NULL), AUTOLIC_EPERM);
	assert_non_null(strstr(autolic_errmsg(), "FLEX-1"));
	autolic_flex_policy p = AUTOLIC_FLEX_POLICY_INIT;
	assert_int_equal(autolic_flex_policy_set(x.db, x.user, x.team, &p), AUTOLIC_EPERM);
	autolic_flex_user_spec us = AUTOLIC_FLEX_USER_SPEC_INIT;
	us.account = x.user;
	us.all_products = 1;
	assert_int_equal(autolic_flex_user_assign(x.db, x.user, x.team, &us, NULL), AUTOLIC_EPERM);
	assert_int_equal(autolic_flex_user_remove(x.db, x.user, x.team, x.user), AUTOLIC_EPERM);
	const char *d[] = {"maya"};
	assert_int_equal(autolic_flex_defaults_set(x.db, x.user, x.team, d, 1), AUTOLIC_EPERM);
	assert_int_equal(autolic_flex_adjust(x.db, x.user, x.team, lot, -1), AUTOLIC_EPERM);
	/* unknown team */
	assert_int_equal(autolic_flex_lot_buy(x.db, x.admin, 987654321, &ls, NULL),
	                 AUTOLIC_ENOTFOUND);
	assert_unchanged(&x, &before);
	t_dump_free(&before);
	fx_close(&x);
}

/* The default low-balance threshold (a percentage of the unexpired tokens)
 * does not overflow for huge sums (found by fuzzing: a damaged lot record). */
static void test_threshold_no_overflow(void **state)
{
	(void)state;
	al_flex_team tf;
	memset(&tf, 0, sizeof tf);
	tf.low_threshold = -1;
	assert_int_equal(al_flex_threshold(&tf, 1000),
	                 1000 * AUTOLIC_FLEX_LOW_DEFAULT_PERCENT / 100);
	assert_int_equal(al_flex_threshold(&tf, 199), 199 * AUTOLIC_FLEX_LOW_DEFAULT_PERCENT / 100);
	assert_int_equal(al_flex_threshold(&tf, INT64_MAX),
	                 INT64_MAX / 100 * AUTOLIC_FLEX_LOW_DEFAULT_PERCENT +
	                     INT64_MAX % 100 * AUTOLIC_FLEX_LOW_DEFAULT_PERCENT / 100);
	/* below: balance * 100 < unexpired * 20, exactly */
	assert_true(al_flex_below(&tf, 199, 999)); /* 19900 < 19980 */
	assert_false(al_flex_below(&tf, 200, 999));
	assert_true(al_flex_below(&tf, 199, 1000)); /* 19900 < 20000 */
	assert_false(al_flex_below(&tf, 200, 1000));
	assert_false(al_flex_below(&tf, INT64_MAX, INT64_MAX));
	assert_true(al_flex_below(&tf, INT64_MIN, INT64_MAX));
	tf.low_threshold = 42;
	assert_int_equal(al_flex_threshold(&tf, INT64_MAX), 42);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_threshold_no_overflow),
	    cmocka_unit_test(test_example_oldest_lot_first),
	    cmocka_unit_test(test_example_relaunches),
	    cmocka_unit_test(test_example_continuous_30h),
	    cmocka_unit_test(test_example_two_products),
	    cmocka_unit_test(test_example_short_session_refunded),
	    cmocka_unit_test(test_example_not_enough_tokens),
	    cmocka_unit_test(test_example_charge_spans_lots),
	    cmocka_unit_test(test_example_duplicate_key),
	    cmocka_unit_test(test_flex1_expiry),
	    cmocka_unit_test(test_flex1_bad_lots),
	    cmocka_unit_test(test_flex2_ties),
	    cmocka_unit_test(test_flex2_tie_group_across_batches),
	    cmocka_unit_test(test_flex2_charge_across_batches),
	    cmocka_unit_test(test_flex3_rate_change),
	    cmocka_unit_test(test_flex3_idle_is_not_use),
	    cmocka_unit_test(test_flex3_many_windows),
	    cmocka_unit_test(test_flex3_out_of_order),
	    cmocka_unit_test(test_flex4_refund_rules),
	    cmocka_unit_test(test_flex4_refund_to_expired_lot),
	    cmocka_unit_test(test_flex5_rollover_unpaid),
	    cmocka_unit_test(test_flex5_overage_policy),
	    cmocka_unit_test(test_flex5_overage_refund),
	    cmocka_unit_test(test_flex6_seat),
	    cmocka_unit_test(test_flex6_trial),
	    cmocka_unit_test(test_flex7_assignments),
	    cmocka_unit_test(test_acct4_expired_invitation),
	    cmocka_unit_test(test_flex8_defaults),
	    cmocka_unit_test(test_flex9_move),
	    cmocka_unit_test(test_flex10_ledger_and_check),
	    cmocka_unit_test(test_flex10_check_detects),
	    cmocka_unit_test(test_flex12_sums_checked),
	    cmocka_unit_test(test_flex_format1_store),
	    cmocka_unit_test(test_flex_format1_refund_to_moved_lot),
	    cmocka_unit_test(test_flex11_reports),
	    cmocka_unit_test(test_flex11_csv_team_name),
	    cmocka_unit_test(test_flex12_low_balance),
	    cmocka_unit_test(test_bad_reports),
	    cmocka_unit_test(test_role7_non_admin),
	};
	return t_run_group("flex", tests, NULL, NULL);
}
