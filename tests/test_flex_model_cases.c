/* Flex: cases where the library once parted from the reference model of the
 * Flex rules (tests/model), each reduced to its smallest form. */
#include "flex_fixture.h"

/* 2026-03-05 09:00 UTC */
#define T0 (fx_date(2026, 3, 5) + 9 * HOUR)

static void ok_report(fx *x, int kind, autolic_id session, autolic_time at, autolic_flex_result *r)
{
	fx_check("report", fx_report(x, kind, session, at, r), 0);
}

static autolic_id ok_launch(fx *x, autolic_id account, autolic_time at, autolic_flex_result *r)
{
	fx_check("launch", fx_launch_in(x, x->team, account, "autocad", at, NULL, r), 0);
	return r->session;
}

/* FLEX-3: a session in use for three days and reported late, after a second
 * session of the same user and product opened a window on day 4, pays days 2
 * and 3 (windows opened back to back at the ends) and joins the later window
 * on day 4: nothing is left unbilled, nothing is charged twice. */
static void t_late_use_before_a_later_window(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	fx_buy(&x, 100, T0 - DAY);
	autolic_flex_result r;
	autolic_id s1 = ok_launch(&x, x.user, T0, &r);
	ok_launch(&x, x.user, T0 + 3 * DAY, &r);
	assert_int_equal(r.windows, 1);
	ok_report(&x, AUTOLIC_FLEX_ACTIVITY, s1, T0 + 3 * DAY + 10, &r);
	assert_int_equal(r.charged, 14);
	assert_int_equal(r.windows, 2);
	assert_int_equal(r.reason, AUTOLIC_FLEX_REASON_IN_WINDOW);
	assert_int_equal(r.window_start, T0 + 3 * DAY);
	assert_int_equal(r.window_end, T0 + 4 * DAY);
	assert_int_equal(fx_balance(&x), 100 - 4 * 7);
	fx_invariants(&x, x.team);
	fx_close(&x);
}

/* FLEX-3: when the later window does not start at a window's end, the window
 * opened before it ends where it starts (windows never overlap). */
static void t_late_use_window_ends_at_the_next(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	fx_buy(&x, 100, T0 - DAY);
	autolic_flex_result r;
	autolic_id s1 = ok_launch(&x, x.user, T0, &r);
	ok_launch(&x, x.user, T0 + 2 * DAY + 12 * HOUR, &r);
	ok_report(&x, AUTOLIC_FLEX_CLOSE, s1, T0 + 3 * DAY, &r);
	assert_int_equal(r.charged, 14); /* [D, 2D) and [2D, 2D + 12 h) */
	assert_int_equal(r.windows, 2);
	autolic_flex_usage_iter *it;
	fx_check("usage", autolic_flex_usage_open(x.db, x.team, T0, T0 + 5 * DAY, &it), 0);
	autolic_flex_usage_row row;
	row.version = AUTOLIC_FLEX_USAGE_ROW_VERSION;
	autolic_time ends[8];
	int n = 0;
	while (n < 8 && autolic_flex_usage_next(it, &row) == 0)
		ends[n++] = row.day_end;
	autolic_flex_usage_free(it);
	assert_int_equal(n, 4);
	assert_int_equal(ends[2], T0 + 2 * DAY + 12 * HOUR);
	assert_int_equal(ends[3], T0 + 3 * DAY + 12 * HOUR);
	fx_invariants(&x, x.team);
	fx_close(&x);
}

/* FLEX-3: a rollover that joins the window another session opened says
 * IN_WINDOW (the last window opened or joined), with nothing charged. */
static void t_rollover_join_says_in_window(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	fx_buy(&x, 100, T0 - DAY);
	autolic_flex_result r;
	autolic_id s1 = ok_launch(&x, x.user, T0, &r);
	autolic_id s2 = ok_launch(&x, x.user, T0 + 100, &r);
	ok_report(&x, AUTOLIC_FLEX_ACTIVITY, s2, T0 + DAY + 10, &r);
	assert_int_equal(r.windows, 1);
	ok_report(&x, AUTOLIC_FLEX_ACTIVITY, s1, T0 + DAY + 20, &r);
	assert_int_equal(r.reason, AUTOLIC_FLEX_REASON_IN_WINDOW);
	assert_int_equal(r.charged, 0);
	assert_int_equal(r.windows, 0);
	assert_int_equal(r.window_start, T0 + DAY);
	fx_close(&x);
}

/* FLEX-3: the result's window is the session's current one, the window its
 * use is in at the report's time, not a later one another session opened. */
static void t_result_window_is_the_current_one(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	fx_buy(&x, 100, T0 - DAY);
	autolic_flex_result r;
	autolic_id s1 = ok_launch(&x, x.user, T0, &r);
	autolic_id s2 = ok_launch(&x, x.user, T0 + 10, &r);
	ok_report(&x, AUTOLIC_FLEX_ACTIVITY, s2, T0 + 2 * DAY + 5, &r);
	assert_int_equal(r.windows, 2);
	ok_report(&x, AUTOLIC_FLEX_ACTIVITY, s1, T0 + DAY + 100, &r);
	assert_int_equal(r.window_start, T0 + DAY);
	assert_int_equal(r.window_end, T0 + 2 * DAY);
	assert_int_equal(r.reason, AUTOLIC_FLEX_REASON_IN_WINDOW);
	fx_close(&x);
}

/* FLEX-5: a session ended for want of tokens accepts one CLOSE, not dated
 * before its last report; a CLOSE that ends it closes it. */
static void t_ended_session_closes_once(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	fx_buy(&x, 10, T0 - DAY);
	autolic_flex_result r;
	autolic_id s1 = ok_launch(&x, x.user, T0, &r);
	ok_report(&x, AUTOLIC_FLEX_ACTIVITY, s1, T0 + DAY + 10, &r);
	assert_int_equal(r.ended, 1);
	assert_int_equal(r.ended_at, T0 + DAY);
	fx_check("close before the last report",
	         fx_report(&x, AUTOLIC_FLEX_CLOSE, s1, T0 + DAY + 5, &r), AUTOLIC_ESTATE);
	ok_report(&x, AUTOLIC_FLEX_CLOSE, s1, T0 + DAY + 10, &r);
	fx_check("second close", fx_report(&x, AUTOLIC_FLEX_CLOSE, s1, T0 + DAY + 20, &r),
	         AUTOLIC_ESTATE);

	/* a close whose rollover cannot be paid ends and closes the session */
	autolic_id u2 = t_register(x.db, "u2@example.com", "U", "Two");
	fx_assign_all(&x, x.team, u2);
	x.clock.now = T0 + DAY + 30;
	fx_buy(&x, 7, T0 + DAY + 30);
	autolic_id s2 = ok_launch(&x, u2, T0 + DAY + 30, &r);
	ok_report(&x, AUTOLIC_FLEX_CLOSE, s2, T0 + 2 * DAY + 40, &r);
	assert_int_equal(r.ended, 1);
	fx_check("close after the ending close",
	         fx_report(&x, AUTOLIC_FLEX_CLOSE, s2, T0 + 2 * DAY + 50, &r), AUTOLIC_ESTATE);
	fx_invariants(&x, x.team);
	fx_close(&x);
}

/* FLEX-4: a refund gives back every token drawn, also when an adjustment
 * raised the lot meanwhile: the lot may then hold more than it was bought
 * with, and no token is lost. */
static void t_refund_after_adjust_loses_nothing(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	autolic_id lot = fx_buy(&x, 14, T0 - DAY);
	autolic_flex_result r;
	fx_check("launch", fx_launch(&x, "revit", T0, &r), 0);
	fx_check("adjust", autolic_flex_adjust(x.db, x.admin, x.team, lot, 1), 0);
	ok_report(&x, AUTOLIC_FLEX_CLOSE, r.session, T0 + 60, &r);
	assert_int_equal(r.refunded, 10);
	assert_int_equal(fx_remaining(&x, lot), 15);
	assert_int_equal(fx_balance(&x), 15);
	assert_int_equal(fx_used(&x, x.team), 0);
	fx_invariants(&x, x.team);
	/* an adjustment still keeps the lot within its quantity */
	fx_check("adjust up", autolic_flex_adjust(x.db, x.admin, x.team, lot, 1), AUTOLIC_EINVAL);
	fx_check("adjust down", autolic_flex_adjust(x.db, x.admin, x.team, lot, -1), 0);
	fx_invariants(&x, x.team);
	fx_close(&x);
}

/* SEAM-4, FLEX-5: a refund dated at or after a lot's expiry is forfeited
 * there; a late window opened before the expiry can take back only what the
 * lot held before it, so no balance goes below zero at any instant. */
static void t_refund_after_expiry_pays_no_earlier_window(void **state)
{
	(void)state;
	fx x;
	autolic_time e = T0 + 1000;
	fx_open(&x, e - 100);
	autolic_id lot = fx_buy(&x, 10, e - AUTOLIC_FLEX_LOT_SECONDS);
	autolic_id u2 = t_register(x.db, "u2@example.com", "U", "Two");
	fx_assign_all(&x, x.team, u2);
	autolic_flex_result r;
	autolic_id s1 = ok_launch(&x, x.user, e - 100, &r);
	assert_int_equal(r.charged, 7);
	ok_report(&x, AUTOLIC_FLEX_CLOSE, s1, e + 50, &r);
	assert_int_equal(r.refunded, 7); /* given back, then forfeited at e + 50 */
	fx_check("late launch", fx_launch_in(&x, x.team, u2, "autocad", e - 50, NULL, &r),
	         AUTOLIC_ENOTOKENS);
	int64_t b;
	fx_check("balance_at", autolic_flex_balance_at(x.db, x.team, e - 50, &b), 0);
	assert_int_equal(b, 3);
	assert_int_equal(fx_remaining(&x, lot), 0);
	fx_invariants(&x, x.team);
	fx_close(&x);
}

static autolic_id user_in(fx *x, const char *email)
{
	autolic_id u = t_register(x->db, email, "U", "User");
	fx_assign_all(x, x->team, u);
	return u;
}

static void move(fx *x, autolic_id from, autolic_id to, const char *sub)
{
	fx_check("move", autolic_flex_move(x->db, x->admin, from, to, sub, NULL), 0);
}

/* SEAM-4, FLEX-9: a window opened before a lot moved into the team is not
 * paid by that lot: the rollover at D finds only what the team held at D,
 * and the session ends there. A window opened after the move is. */
static void t_moved_in_lot_pays_no_earlier_window(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	autolic_id team2 = fx_team(x.db, x.admin);
	fx_buy(&x, 10, T0 - DAY);
	autolic_id b = fx_buy_in(&x, team2, "TS-2", 50, T0 - DAY);
	autolic_flex_result r;
	autolic_id s1 = ok_launch(&x, x.user, T0, &r);
	x.clock.now = T0 + DAY + HOUR;
	move(&x, team2, x.team, "TS-2");
	ok_report(&x, AUTOLIC_FLEX_ACTIVITY, s1, T0 + DAY + HOUR + 100, &r);
	assert_int_equal(r.ended, 1);
	assert_int_equal(r.ended_at, T0 + DAY);
	assert_int_equal(r.charged, 0);
	assert_int_equal(fx_remaining(&x, b), 50);
	/* a launch after the move is paid by it */
	autolic_id u2 = user_in(&x, "u2@example.com");
	fx_check("launch after the move",
	         fx_launch_in(&x, x.team, u2, "autocad", T0 + DAY + HOUR + 200, NULL, &r), 0);
	assert_int_equal(fx_remaining(&x, b), 50 - 4);
	fx_invariants(&x, x.team);
	fx_invariants(&x, team2);
	fx_close(&x);
}

/* SEAM-4, FLEX-9, FLEX-5: a lot that left the team took all its tokens with
 * it, so while it was away the team held nothing of it: a late window of the
 * team opened before it left (or while it was away) is not paid by it, else
 * the team's balance would be negative while it was away. */
static void t_lot_away_pays_no_window_before_it_came_back(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	autolic_id team2 = fx_team(x.db, x.admin);
	autolic_id a = fx_buy(&x, 20, T0 - DAY);
	autolic_flex_result r;
	ok_launch(&x, x.user, T0, &r);
	x.clock.now = T0 + HOUR;
	move(&x, x.team, team2, "TS-1");
	x.clock.now = T0 + 2 * HOUR;
	move(&x, team2, x.team, "TS-1");
	autolic_id u2 = user_in(&x, "u2@example.com");
	autolic_id u3 = user_in(&x, "u3@example.com");
	fx_check("late launch while team 2 held the lot",
	         fx_launch_in(&x, x.team, u3, "autocad", T0 + 90 * 60, NULL, &r),
	         AUTOLIC_ENOTOKENS);
	fx_check("late launch before the lot left",
	         fx_launch_in(&x, x.team, u2, "autocad", T0 + 30 * 60, NULL, &r),
	         AUTOLIC_ENOTOKENS);
	fx_check("launch now", fx_launch_in(&x, x.team, u2, "autocad", T0 + 2 * HOUR, NULL, &r), 0);
	assert_int_equal(fx_remaining(&x, a), 20 - 14);
	int64_t b;
	fx_check("balance_at", autolic_flex_balance_at(x.db, x.team, T0 + 90 * 60, &b), 0);
	assert_int_equal(b, 0);
	fx_invariants(&x, x.team);
	fx_invariants(&x, team2);
	fx_close(&x);
}

/* SEAM-4, FLEX-5: a late window may take from a lot at most the least it
 * holds from the window's instant on: a refund or an upward adjustment dated
 * after the window gives it nothing, so the balance stays at or above zero at
 * every instant. */
static void t_later_credit_pays_no_earlier_window(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	autolic_id a = fx_buy(&x, 14, T0 - DAY);
	autolic_id u2 = user_in(&x, "u2@example.com");
	autolic_id u3 = user_in(&x, "u3@example.com");
	autolic_flex_result r;
	autolic_id s1 = ok_launch(&x, x.user, T0 + 100, &r);
	ok_report(&x, AUTOLIC_FLEX_CLOSE, s1, T0 + 200, &r);
	assert_int_equal(r.refunded, 7);
	/* before the refunded charge: the lot held 14 then, 7 at its lowest */
	fx_check("late launch at T0", fx_launch_in(&x, x.team, u2, "autocad", T0, NULL, &r), 0);
	/* between the two: it held 0 at T0 + 100 */
	fx_check("late launch at T0 + 50",
	         fx_launch_in(&x, x.team, u3, "autocad", T0 + 50, NULL, &r), AUTOLIC_ENOTOKENS);
	assert_int_equal(fx_remaining(&x, a), 7);

	/* an upward adjustment now gives nothing to a window before it */
	x.clock.now = T0 + HOUR;
	fx_check("adjust", autolic_flex_adjust(x.db, x.admin, x.team, a, 5), 0);
	/* the lot held 7 from T0 + 200, holds 12 now: revit costs 10 */
	fx_check("late launch before the adjustment",
	         fx_launch_in(&x, x.team, u3, "revit", T0 + 300, NULL, &r), AUTOLIC_ENOTOKENS);
	fx_check("launch after it", fx_launch_in(&x, x.team, u3, "revit", T0 + HOUR, NULL, &r), 0);
	assert_int_equal(fx_remaining(&x, a), 2);
	for (autolic_time at = T0; at <= T0 + HOUR; at += 50) {
		int64_t b;
		fx_check("balance_at", autolic_flex_balance_at(x.db, x.team, at, &b), 0);
		assert_true(b >= 0);
	}
	fx_invariants(&x, x.team);
	fx_close(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_late_use_before_a_later_window),
	    cmocka_unit_test(t_late_use_window_ends_at_the_next),
	    cmocka_unit_test(t_rollover_join_says_in_window),
	    cmocka_unit_test(t_result_window_is_the_current_one),
	    cmocka_unit_test(t_ended_session_closes_once),
	    cmocka_unit_test(t_refund_after_adjust_loses_nothing),
	    cmocka_unit_test(t_refund_after_expiry_pays_no_earlier_window),
	    cmocka_unit_test(t_moved_in_lot_pays_no_earlier_window),
	    cmocka_unit_test(t_lot_away_pays_no_window_before_it_came_back),
	    cmocka_unit_test(t_later_credit_pays_no_earlier_window),
	};
	return t_run_group("flex_model_cases", tests, NULL, NULL);
}
