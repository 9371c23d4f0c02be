/* Flex tokens at the seams: charges follow the time of use, not the time of
 * report (SEAM-4), and every read shows the expiries that are due (SEAM-5). */
#include "flex_fixture.h"

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
	fx_check("ledger_open",
	         autolic_flex_ledger_open(x->db, team, INT64_MIN, INT64_MAX, AUTOLIC_FLEX_MASK_ALL,
	                                  &it),
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_seam4_one_report_across_expiry),
	    cmocka_unit_test(test_seam4_two_reports_same_outcome),
	    cmocka_unit_test(test_seam4_late_launch_before_expiry),
	    cmocka_unit_test(test_seam5_reads_show_due_expiry),
	    cmocka_unit_test(test_seam5_future_instant),
	};
	return cmocka_run_group_tests_name("flex_seam", tests, NULL, NULL);
}
