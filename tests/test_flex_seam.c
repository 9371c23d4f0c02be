/* Flex tokens at the seams: charges follow the time of use, not the time of
 * report (SEAM-4), and every read shows the expiries that are due (SEAM-5). */
#include "flex_fixture.h"
#include "flex_internal.h"

/* 2026-03-05 09:00 UTC */
#define T0 (fx_date(2026, 3, 5) + 9 * HOUR)

/* Lot A: 40 tokens expiring at T0 + 2 days; lot B: 100 tokens expiring a
 * year later. FLEX-2 draws A first. */
typedef struct {
	fx x;
	autolic_id a, b;
	autolic_time a_exp;
} two_lots;

static void two_lots_open(two_lots *s)
{
	fx_open(&s->x, T0);
	s->a_exp = T0 + 2 * DAY;
	s->a = fx_buy_in(&s->x, s->x.team, "TS-A", 40, s->a_exp - AUTOLIC_FLEX_LOT_SECONDS);
	s->b = fx_buy_in(&s->x, s->x.team, "TS-B", 100, T0 - DAY);
}

/* Sum of every listed ledger entry; checks the seqs increase. */
static int64_t ledger_sum(fx *x, autolic_id team)
{
	autolic_flex_ledger_iter *it;
	fx_check(
	    "ledger_open",
	    autolic_flex_ledger_open(x->db, team, INT64_MIN, INT64_MAX, AUTOLIC_FLEX_MASK_ALL, &it),
	    0);
	autolic_flex_entry e;
	e.version = AUTOLIC_FLEX_ENTRY_VERSION;
	int64_t sum = 0;
	uint64_t last = 0;
	while (autolic_flex_ledger_next(it, &e) == 0) {
		assert_true(e.seq > last);
		last = e.seq;
		sum += e.amount;
	}
	autolic_flex_ledger_free(it);
	return sum;
}

/* The one entry of `type` for `lot` dated at `time`: its amount (fails when
 * there is none or more than one). */
static int64_t entry_of(fx *x, int type, autolic_id lot, autolic_time time)
{
	autolic_flex_ledger_iter *it;
	fx_check("ledger_open",
	         autolic_flex_ledger_open(x->db, x->team, INT64_MIN, INT64_MAX,
	                                  AUTOLIC_FLEX_MASK(type), &it),
	         0);
	autolic_flex_entry e;
	e.version = AUTOLIC_FLEX_ENTRY_VERSION;
	int found = 0;
	int64_t amount = 0;
	while (autolic_flex_ledger_next(it, &e) == 0)
		if (e.lot == lot && e.time == time) {
			found++;
			amount = e.amount;
		}
	autolic_flex_ledger_free(it);
	if (found != 1)
		fail_msg("%d entries of type %d for lot %llu at %lld", found, type,
		         (unsigned long long)lot, (long long)time);
	return amount;
}

/* Sum of the EXPIRE entries of `lot`: what its expiry forfeits in all. */
static int64_t forfeited(fx *x, autolic_id lot)
{
	autolic_flex_ledger_iter *it;
	fx_check("ledger_open",
	         autolic_flex_ledger_open(x->db, x->team, INT64_MIN, INT64_MAX,
	                                  AUTOLIC_FLEX_MASK(AUTOLIC_FLEX_EXPIRE), &it),
	         0);
	autolic_flex_entry e;
	e.version = AUTOLIC_FLEX_ENTRY_VERSION;
	int64_t sum = 0;
	while (autolic_flex_ledger_next(it, &e) == 0)
		if (e.lot == lot)
			sum -= e.amount;
	autolic_flex_ledger_free(it);
	return sum;
}

static void assert_unchanged(fx *x, const t_dump *before)
{
	t_dump after;
	t_dump_store(&x->f.inner, &after);
	assert_true(t_dump_equal(before, &after));
	t_dump_free(&after);
}

/* FLEX-10 at one read: the balance, the balance at now and the ledger agree. */
static void agree(fx *x)
{
	int64_t at;
	fx_check("balance_at", autolic_flex_balance_at(x->db, x->team, x->clock.now, &at), 0);
	int64_t bal = fx_balance(x);
	assert_int_equal(bal, at);
	assert_int_equal(bal, ledger_sum(x, x->team));
	fx_invariants(x, x->team);
}

/* What the A/B example must give, however it was reported: windows at T0
 * and T0+24h paid by A, the one at T0+48h by B, A forfeits 26. */
static void assert_example(two_lots *s)
{
	fx *x = &s->x;
	assert_int_equal(fx_balance(x), 93);
	assert_int_equal(entry_of(x, AUTOLIC_FLEX_CONSUME, s->a, T0), -7);
	assert_int_equal(entry_of(x, AUTOLIC_FLEX_CONSUME, s->a, T0 + DAY), -7);
	assert_int_equal(entry_of(x, AUTOLIC_FLEX_CONSUME, s->b, T0 + 2 * DAY), -7);
	int64_t b;
	fx_check("balance_at", autolic_flex_balance_at(x->db, x->team, s->a_exp - 1, &b), 0);
	assert_int_equal(b, 140 - 14);
	fx_check("balance_at", autolic_flex_balance_at(x->db, x->team, s->a_exp, &b), 0);
	assert_int_equal(b, 93);
	assert_int_equal(fx_remaining(x, s->a), 0);
	assert_int_equal(fx_remaining(x, s->b), 93);
	agree(x);
}

/* SEAM-4, one report: a launch at T0 and one ACTIVITY at T0+49h. The call
 * notices A's expiry (T0+48h) and records it only after the window opened
 * at T0+24h is paid by A. Before: A's expiry came first, both later
 * windows went to B and the balance was 86. */
static void test_seam4_one_report_across_expiry(void **state)
{
	(void)state;
	two_lots s;
	two_lots_open(&s);
	autolic_flex_result r, a;
	fx_check("launch", fx_launch(&s.x, "autocad", T0, &r), 0);
	fx_check("activity", fx_report(&s.x, AUTOLIC_FLEX_ACTIVITY, r.session, T0 + 49 * HOUR, &a),
	         0);
	assert_int_equal(a.windows, 2);
	assert_int_equal(a.charged, 14);
	assert_example(&s);
	/* one EXPIRE entry, dated at the expiry, for what is left after T0+24h */
	assert_int_equal(entry_of(&s.x, AUTOLIC_FLEX_EXPIRE, s.a, s.a_exp), -26);
	fx_close(&s.x);
}

/* SEAM-4, the same use reported with one more ACTIVITY at T0+25h: the
 * same outcome. */
static void test_seam4_two_reports_same_outcome(void **state)
{
	(void)state;
	two_lots s;
	two_lots_open(&s);
	autolic_flex_result r, a;
	fx_check("launch", fx_launch(&s.x, "autocad", T0, &r), 0);
	fx_check("activity", fx_report(&s.x, AUTOLIC_FLEX_ACTIVITY, r.session, T0 + 25 * HOUR, &a),
	         0);
	fx_check("activity", fx_report(&s.x, AUTOLIC_FLEX_ACTIVITY, r.session, T0 + 49 * HOUR, &a),
	         0);
	assert_example(&s);
	assert_int_equal(entry_of(&s.x, AUTOLIC_FLEX_EXPIRE, s.a, s.a_exp), -26);
	fx_close(&s.x);
}

/* SEAM-4: a late launch, reported after the expiry of the lot that paid
 * for its instant, is paid by that lot (the expiry is recorded after it). */
static void test_seam4_late_launch_before_expiry(void **state)
{
	(void)state;
	two_lots s;
	two_lots_open(&s);
	s.x.clock.now = s.a_exp + HOUR;
	autolic_flex_result r;
	fx_check("late launch", fx_launch(&s.x, "autocad", s.a_exp - HOUR, &r), 0);
	assert_int_equal(r.charged, 7);
	assert_int_equal(entry_of(&s.x, AUTOLIC_FLEX_CONSUME, s.a, s.a_exp - HOUR), -7);
	assert_int_equal(entry_of(&s.x, AUTOLIC_FLEX_EXPIRE, s.a, s.a_exp), -33);
	assert_int_equal(fx_balance(&s.x), 100);
	agree(&s.x);
	fx_close(&s.x);
}

/* SEAM-5: after A's expiry is due and before any call that changes
 * tokens, every read shows it as recorded: the listing holds the EXPIRE
 * entry dated at the expiry, the balance equals the sum of the listing, and
 * the entry is the one autolic_flex_expire() then records. Before: the
 * balance read 100 while the listing summed to 133. */
static void test_seam5_reads_show_due_expiry(void **state)
{
	(void)state;
	two_lots s;
	two_lots_open(&s);
	fx *x = &s.x;
	autolic_flex_result r;
	fx_check("launch", fx_launch(x, "autocad", T0, &r), 0);
	agree(x);
	x->clock.now = s.a_exp - 1; /* not due yet: nothing shown */
	assert_int_equal(fx_balance(x), 133);
	agree(x);
	x->clock.now = s.a_exp; /* due: shown, though not recorded */
	assert_int_equal(fx_balance(x), 100);
	agree(x);
	autolic_flex_ledger_iter *it;
	fx_check("ledger",
	         autolic_flex_ledger_open(x->db, x->team, s.a_exp, s.a_exp + 1,
	                                  AUTOLIC_FLEX_MASK_EVENTS, &it),
	         0);
	autolic_flex_entry shown, rec;
	shown.version = rec.version = AUTOLIC_FLEX_ENTRY_VERSION;
	fx_check("entry", autolic_flex_ledger_next(it, &shown), 0);
	assert_int_equal(autolic_flex_ledger_next(it, &rec), AUTOLIC_ITEROVER);
	autolic_flex_ledger_free(it);
	assert_int_equal(shown.type, AUTOLIC_FLEX_EXPIRE);
	assert_int_equal(shown.lot, s.a);
	assert_int_equal(shown.amount, -33);
	assert_int_equal(shown.time, s.a_exp);
	assert_string_equal(shown.subscription, "TS-A");
	/* the balance at an instant before the expiry does not show it */
	int64_t b;
	fx_check("balance_at", autolic_flex_balance_at(x->db, x->team, s.a_exp - 1, &b), 0);
	assert_int_equal(b, 133);
	/* the usage report and the lot agree */
	assert_int_equal(fx_remaining(x, s.a), 0);
	/* a day later, recorded by autolic_flex_expire(): the same entry */
	x->clock.now = s.a_exp + DAY;
	agree(x);
	size_t n = 0;
	fx_check("expire", autolic_flex_expire(x->db, x->team, &n), 0);
	assert_int_equal(n, 1);
	fx_check("ledger",
	         autolic_flex_ledger_open(x->db, x->team, s.a_exp, s.a_exp + 1,
	                                  AUTOLIC_FLEX_MASK_EVENTS, &it),
	         0);
	fx_check("entry", autolic_flex_ledger_next(it, &rec), 0);
	autolic_flex_ledger_free(it);
	assert_int_equal(rec.seq, shown.seq);
	assert_int_equal(rec.type, shown.type);
	assert_int_equal(rec.lot, shown.lot);
	assert_int_equal(rec.amount, shown.amount);
	assert_int_equal(rec.time, shown.time);
	assert_int_equal(rec.recorded, x->clock.now);
	agree(x);
	fx_close(x);
}

/* SEAM-5: a future instant shows only what is recorded or due, so the
 * balance at it equals the sum of the ledger listed up to it. */
static void test_seam5_future_instant(void **state)
{
	(void)state;
	two_lots s;
	two_lots_open(&s);
	int64_t b;
	fx_check("balance_at", autolic_flex_balance_at(s.x.db, s.x.team, s.a_exp + DAY, &b), 0);
	assert_int_equal(b, ledger_sum(&s.x, s.x.team));
	assert_int_equal(b, 140);
	fx_close(&s.x);
}

/* The call that first notices A's expiry before the late report. */
enum { BY_NONE, BY_EXPIRE, BY_PURCHASE, BY_POLICY, BY_ADJUST, BY_MOVE };

static void notice(two_lots *s, int by)
{
	fx *x = &s->x;
	autolic_flex_policy p = AUTOLIC_FLEX_POLICY_INIT;
	switch (by) {
	case BY_EXPIRE:
		fx_check("expire", autolic_flex_expire(x->db, x->team, NULL), 0);
		break;
	case BY_PURCHASE:
		fx_buy_in(x, x->team, "TS-C", 5, x->clock.now);
		break;
	case BY_POLICY:
		fx_check("policy", autolic_flex_policy_set(x->db, x->admin, x->team, &p), 0);
		break;
	case BY_ADJUST:
		fx_check("adjust", autolic_flex_adjust(x->db, x->admin, x->team, s->b, -1), 0);
		break;
	case BY_MOVE: /* lot C, bought at T0, moves to another team */
		fx_check("move",
		         autolic_flex_move(x->db, x->admin, x->team, fx_team(x->db, x->admin),
		                           "TS-C", NULL),
		         0);
		break;
	default:
		break;
	}
}

/* SEAM-4 across calls: whichever call records A's expiry at T0+49h (none,
 * autolic_flex_expire, a purchase, a policy change, an adjustment, a move), the
 * ACTIVITY at T0+49h that then reports the window opened at T0+24h is paid
 * by A: the forfeiture shrinks from 33 to 26 by a CONSUME at T0+24h and an
 * EXPIRE of +7 at the expiry, and the balance ends at 93 (plus what the
 * noticing call itself added or took). Before: 86. */
static void test_seam4_after_recorded_expiry(void **state)
{
	(void)state;
	for (int by = BY_NONE; by <= BY_MOVE; by++) {
		two_lots s;
		two_lots_open(&s);
		fx *x = &s.x;
		if (by == BY_MOVE)
			fx_buy_in(x, x->team, "TS-C", 5, T0);
		autolic_flex_result r, a;
		fx_check("launch", fx_launch(x, "autocad", T0, &r), 0);
		x->clock.now = T0 + 49 * HOUR;
		notice(&s, by);
		int64_t extra = by == BY_PURCHASE ? 5 : by == BY_ADJUST ? -1 : 0;
		if (by != BY_NONE) {
			assert_int_equal(forfeited(x, s.a), 33);
			assert_int_equal(fx_balance(x), 100 + extra);
			agree(x);
		}
		int64_t before_exp, after_exp;
		fx_check("balance_at", autolic_flex_balance_at(x->db, x->team, s.a_exp, &after_exp),
		         0);
		fx_check("activity",
		         fx_report(x, AUTOLIC_FLEX_ACTIVITY, r.session, x->clock.now, &a), 0);
		assert_int_equal(a.charged, 14);
		assert_int_equal(fx_balance(x), 93 + extra);
		assert_int_equal(forfeited(x, s.a), 26);
		assert_int_equal(entry_of(x, AUTOLIC_FLEX_CONSUME, s.a, T0 + DAY), -7);
		assert_int_equal(entry_of(x, AUTOLIC_FLEX_CONSUME, s.b, T0 + 2 * DAY), -7);
		/* the balance just before the expiry is lower by the use; from the
		 * expiry on it drops by the window paid at T0+48h only */
		fx_check("balance_at",
		         autolic_flex_balance_at(x->db, x->team, s.a_exp - 1, &before_exp), 0);
		assert_int_equal(before_exp, 140 + (by == BY_MOVE ? 5 : 0) - 14);
		int64_t b;
		fx_check("balance_at", autolic_flex_balance_at(x->db, x->team, s.a_exp, &b), 0);
		assert_int_equal(b, after_exp - 7);
		assert_int_equal(fx_remaining(x, s.a), 0);
		agree(x);
		fx_close(x);
	}
}

/* SEAM-4: reports of two sessions crossing A's expiry, in either order,
 * give the same balances and the same forfeiture: maya (6) launched at
 * T0+30h, reported before or after the autocad ACTIVITY at T0+49h that
 * records the expiry. */
static void test_seam4_out_of_order_across_expiry(void **state)
{
	(void)state;
	int64_t bal[2], fo[2], before[2];
	for (int late = 0; late < 2; late++) {
		two_lots s;
		two_lots_open(&s);
		fx *x = &s.x;
		autolic_flex_result r, a, m;
		fx_check("launch", fx_launch(x, "autocad", T0, &r), 0);
		if (!late)
			fx_check("maya", fx_launch(x, "maya", T0 + 30 * HOUR, &m), 0);
		fx_check("activity",
		         fx_report(x, AUTOLIC_FLEX_ACTIVITY, r.session, T0 + 49 * HOUR, &a), 0);
		if (late)
			fx_check("late maya", fx_launch(x, "maya", T0 + 30 * HOUR, &m), 0);
		assert_int_equal(m.charged, 6);
		assert_int_equal(entry_of(x, AUTOLIC_FLEX_CONSUME, s.a, T0 + 30 * HOUR), -6);
		bal[late] = fx_balance(x);
		fo[late] = forfeited(x, s.a);
		fx_check("balance_at",
		         autolic_flex_balance_at(x->db, x->team, s.a_exp - 1, &before[late]), 0);
		agree(x);
		fx_close(x);
	}
	assert_int_equal(bal[0], 93);
	assert_int_equal(bal[1], 93);
	assert_int_equal(fo[0], 20);
	assert_int_equal(fo[1], 20);
	assert_int_equal(before[0], before[1]);
}

/* SEAM-4, FLEX-4: a late launch paid by an expired lot, closed within
 * 300 s: the refund goes back to the lot and is forfeited at once. */
static void test_seam4_refund_of_reclaimed_window(void **state)
{
	(void)state;
	two_lots s;
	two_lots_open(&s);
	fx *x = &s.x;
	x->clock.now = s.a_exp + HOUR;
	fx_check("expire", autolic_flex_expire(x->db, x->team, NULL), 0);
	assert_int_equal(forfeited(x, s.a), 40);
	autolic_flex_result r, c;
	fx_check("late launch", fx_launch(x, "autocad", s.a_exp - 200, &r), 0);
	assert_int_equal(forfeited(x, s.a), 33);
	assert_int_equal(fx_balance(x), 100);
	agree(x);
	fx_check("close", fx_report(x, AUTOLIC_FLEX_CLOSE, r.session, s.a_exp - 100, &c), 0);
	assert_int_equal(c.refunded, 7);
	assert_int_equal(forfeited(x, s.a), 40);
	assert_int_equal(fx_balance(x), 100);
	int64_t b;
	fx_check("balance_at", autolic_flex_balance_at(x->db, x->team, s.a_exp - 1, &b), 0);
	assert_int_equal(b, 140);
	agree(x);
	fx_close(x);
}

/* SEAM-4: an expiry older than the horizon is final, whichever call noticed
 * it: the window opened at T0+24h, reported at T0+97h (A expired at T0+48h,
 * more than 48 h before), is paid by B. With a horizon of 72 h the same
 * report is paid by A. */
static void test_seam4_final_expiry(void **state)
{
	(void)state;
	for (int v = 0; v < 3; v++) {
		two_lots s;
		two_lots_open(&s);
		fx *x = &s.x;
		autolic_flex_result r, a;
		fx_check("launch", fx_launch(x, "autocad", T0, &r), 0);
		if (v == 2)
			fx_check("horizon",
			         autolic_flex_horizon_set(x->db, x->admin, x->team, 72 * HOUR), 0);
		x->clock.now = T0 + 97 * HOUR;
		if (v == 1)
			fx_check("expire", autolic_flex_expire(x->db, x->team, NULL), 0);
		fx_check("activity",
		         fx_report(x, AUTOLIC_FLEX_ACTIVITY, r.session, x->clock.now, &a), 0);
		assert_int_equal(a.windows, 4);
		if (v < 2) {
			assert_int_equal(forfeited(x, s.a), 33);
			assert_int_equal(fx_balance(x), 100 - 28);
		} else {
			assert_int_equal(forfeited(x, s.a), 26);
			assert_int_equal(fx_balance(x), 100 - 21);
		}
		agree(x);
		fx_close(x);
	}
}

/* SEAM-4: the late-report horizon. A report older than it is refused with
 * AUTOLIC_ESTATE and changes nothing; one exactly at it is accepted; a
 * repeated key still answers with its first result (FLEX-13). */
static void test_seam4_horizon(void **state)
{
	(void)state;
	two_lots s;
	two_lots_open(&s);
	fx *x = &s.x;
	int64_t h = -1;
	fx_check("get", autolic_flex_horizon_get(x->db, x->team, &h), 0);
	assert_int_equal(h, AUTOLIC_FLEX_HORIZON_DEFAULT);
	assert_int_equal(h, 48 * HOUR);
	autolic_flex_result r;
	fx_check("launch", fx_launch_in(x, x->team, x->user, "autocad", T0, "first", &r), 0);
	autolic_id session = r.session;
	x->clock.now = T0 + 3 * DAY;

	t_dump before;
	t_dump_store(&x->f.inner, &before);
	size_t events = x->ev.n;
	/* one second too old: refused, nothing changes */
	fx_check("too old", fx_launch(x, "revit", x->clock.now - h - 1, &r), AUTOLIC_ESTATE);
	assert_non_null(strstr(autolic_errmsg(), "SEAM-4"));
	fx_check("too old", fx_report(x, AUTOLIC_FLEX_ACTIVITY, session, x->clock.now - h - 1, &r),
	         AUTOLIC_ESTATE);
	assert_non_null(strstr(autolic_errmsg(), "SEAM-4"));
	/* the key of a report applied before answers as before */
	fx_check("repeat", fx_launch_in(x, x->team, x->user, "autocad", T0, "first", &r),
	         AUTOLIC_EDUPLICATE);
	assert_int_equal(r.session, session);
	assert_unchanged(x, &before);
	assert_int_equal(x->ev.n, events);
	t_dump_free(&before);

	/* exactly at the horizon: accepted */
	fx_check("at horizon", fx_launch(x, "revit", x->clock.now - h, &r), 0);
	assert_int_equal(r.charged, 10);
	fx_check("activity at horizon",
	         fx_report(x, AUTOLIC_FLEX_ACTIVITY, session, x->clock.now - h, &r), 0);

	/* the administrator sets it; others may not; bounds */
	assert_int_equal(autolic_flex_horizon_set(x->db, x->user, x->team, HOUR), AUTOLIC_EPERM);
	assert_int_equal(autolic_flex_horizon_set(x->db, x->admin, x->team, -1), AUTOLIC_EINVAL);
	assert_int_equal(
	    autolic_flex_horizon_set(x->db, x->admin, x->team, AUTOLIC_FLEX_HORIZON_MAX + 1),
	    AUTOLIC_EINVAL);
	assert_int_equal(autolic_flex_horizon_set(NULL, x->admin, x->team, HOUR), AUTOLIC_EINVAL);
	assert_int_equal(autolic_flex_horizon_set(x->db, x->admin, 0, HOUR), AUTOLIC_EINVAL);
	assert_int_equal(autolic_flex_horizon_set(x->db, x->admin, 987654321, HOUR),
	                 AUTOLIC_ENOTFOUND);
	assert_int_equal(autolic_flex_horizon_get(x->db, 987654321, &h), AUTOLIC_ENOTFOUND);
	assert_int_equal(autolic_flex_horizon_get(x->db, x->team, NULL), AUTOLIC_EINVAL);
	fx_check("get", autolic_flex_horizon_get(x->db, x->team, &h), 0);
	assert_int_equal(h, AUTOLIC_FLEX_HORIZON_DEFAULT);
	fx_check("max",
	         autolic_flex_horizon_set(x->db, x->admin, x->team, AUTOLIC_FLEX_HORIZON_MAX), 0);
	fx_check("get", autolic_flex_horizon_get(x->db, x->team, &h), 0);
	assert_int_equal(h, AUTOLIC_FLEX_HORIZON_MAX);
	fx_check("four days late", fx_launch(x, "maya", x->clock.now - 2 * DAY - HOUR, &r), 0);
	/* 0: only reports at the clock's now */
	fx_check("zero", autolic_flex_horizon_set(x->db, x->admin, x->team, 0), 0);
	fx_check("a second late",
	         fx_report(x, AUTOLIC_FLEX_ACTIVITY, session, x->clock.now - 1, &r),
	         AUTOLIC_ESTATE);
	fx_check("on time", fx_report(x, AUTOLIC_FLEX_ACTIVITY, session, x->clock.now, &r), 0);
	/* another team keeps the default */
	autolic_id team2 = fx_team(x->db, x->admin);
	fx_check("get", autolic_flex_horizon_get(x->db, team2, &h), 0);
	assert_int_equal(h, AUTOLIC_FLEX_HORIZON_DEFAULT);
	agree(x);
	fx_close(x);
}

/* ---- a store written before format 3 ---- */

typedef struct {
	autolic_id team, lot;
	int team_version, lot_version; /* out */
} fmt2_args;

/* Rewrite the team record in format 2 (no horizon, no latest expiry) and the
 * lot's record in format 1 (no forfeiture), as a library before 1.1 wrote
 * them. */
static int fmt2_fn(al_txn *t, void *arg)
{
	fmt2_args *a = arg;
	al_flex_team tf;
	al_flex_lotrec l;
	int rc = al_flex_team_load(t, a->team, &tf);
	if (!rc)
		rc = al_flex_lot_load(t, a->lot, &l);
	if (rc)
		return rc;
	al_key k;
	al_buf b;
	al_buf_init(&b, t->a);
	al_rec_begin_v(&b, AL_K_FLEX_TEAM, AL_REC_V2);
	al_enc_i64(&b, tf.overage_limit);
	al_enc_i64(&b, tf.low_threshold);
	al_enc_i64(&b, tf.owed);
	al_enc_u8(&b, (uint8_t)tf.low);
	al_enc_u32(&b, 0);
	al_enc_i64(&b, tf.left);
	al_enc_i64(&b, tf.bought);
	al_enc_i64(&b, tf.next_expiry);
	al_key_init(&k, AL_K_FLEX_TEAM);
	al_key_u64(&k, a->team);
	rc = al_txn_put(t, &k, &b);
	al_rec_begin(&b, AL_K_FLEX_LOT);
	al_enc_u64(&b, l.id);
	al_enc_u64(&b, l.team);
	al_enc_str(&b, l.subscription);
	al_enc_i64(&b, l.quantity);
	al_enc_i64(&b, l.remaining);
	al_enc_i64(&b, l.purchased);
	al_enc_i64(&b, l.expires);
	al_enc_u8(&b, (uint8_t)l.expired);
	al_key_init(&k, AL_K_FLEX_LOT);
	al_key_u64(&k, a->lot);
	if (!rc)
		rc = al_txn_put(t, &k, &b);
	al_buf_free(&b);
	return rc;
}

static int fmt_read_fn(al_txn *t, void *arg)
{
	fmt2_args *a = arg;
	al_key k;
	al_buf b;
	al_buf_init(&b, t->a);
	al_key_init(&k, AL_K_FLEX_TEAM);
	al_key_u64(&k, a->team);
	int rc = al_txn_get(t, &k, &b);
	a->team_version = rc ? -1 : b.p[0];
	al_key_init(&k, AL_K_FLEX_LOT);
	al_key_u64(&k, a->lot);
	if (!rc)
		rc = al_txn_get(t, &k, &b);
	a->lot_version = rc ? -1 : b.p[0];
	al_buf_free(&b);
	return rc;
}

/* Record format 3: a team of format 2 reads with the default horizon and
 * passes the check; an expired lot of format 1 does not know what it
 * forfeited, so a late report cannot take it back (it is paid by the next
 * lot); the next write stores the team in format 3. */
static void test_seam4_store_before_format3(void **state)
{
	(void)state;
	two_lots s;
	two_lots_open(&s);
	fx *x = &s.x;
	x->clock.now = s.a_exp + HOUR;
	fx_check("expire", autolic_flex_expire(x->db, x->team, NULL), 0);
	fmt2_args a = {.team = x->team, .lot = s.a};
	fx_check("read", al_run(x->db, 0, fmt_read_fn, &a), 0);
	assert_int_equal(a.team_version, AL_REC_V3);
	assert_int_equal(a.lot_version, AL_REC_V3);
	fx_check("downgrade", al_run(x->db, 1, fmt2_fn, &a), 0);
	fx_check("read", al_run(x->db, 0, fmt_read_fn, &a), 0);
	assert_int_equal(a.team_version, AL_REC_V2);
	assert_int_equal(a.lot_version, AL_REC_V1);
	agree(x);
	int64_t h;
	fx_check("horizon", autolic_flex_horizon_get(x->db, x->team, &h), 0);
	assert_int_equal(h, AUTOLIC_FLEX_HORIZON_DEFAULT);
	autolic_flex_result r;
	fx_check("late launch", fx_launch(x, "autocad", s.a_exp - HOUR, &r), 0);
	assert_int_equal(entry_of(x, AUTOLIC_FLEX_CONSUME, s.b, s.a_exp - HOUR), -7);
	assert_int_equal(forfeited(x, s.a), 40);
	assert_int_equal(fx_balance(x), 93);
	fx_check("read", al_run(x->db, 0, fmt_read_fn, &a), 0);
	assert_int_equal(a.team_version, AL_REC_V3);
	agree(x);
	fx_close(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_seam4_one_report_across_expiry),
	    cmocka_unit_test(test_seam4_two_reports_same_outcome),
	    cmocka_unit_test(test_seam4_late_launch_before_expiry),
	    cmocka_unit_test(test_seam4_after_recorded_expiry),
	    cmocka_unit_test(test_seam4_out_of_order_across_expiry),
	    cmocka_unit_test(test_seam4_refund_of_reclaimed_window),
	    cmocka_unit_test(test_seam4_final_expiry),
	    cmocka_unit_test(test_seam4_horizon),
	    cmocka_unit_test(test_seam4_store_before_format3),
	    cmocka_unit_test(test_seam5_reads_show_due_expiry),
	    cmocka_unit_test(test_seam5_future_instant),
	};
	return t_run_group("flex_seam", tests, NULL, NULL);
}
