/* Flex pure rules, apart from storage: lot order and allocation (FLEX-1,
 * FLEX-2) and the window state machine (FLEX-3, FLEX-4). */
#include "support.h"
#include "flex.h"

#include <string.h>

#define D AUTOLIC_FLEX_WINDOW_SECONDS
#define Y AUTOLIC_FLEX_LOT_SECONDS

static al_flex_lot lot(autolic_id id, autolic_time purchased, int64_t remaining)
{
	al_flex_lot l = {id, purchased, purchased + Y, remaining + 10, remaining};
	return l;
}

/* FLEX-2: earliest expiry first, then smallest remaining, then lower id. */
static void test_lot_order(void **state)
{
	(void)state;
	al_flex_lot v[5] = {
	    lot(5, 200, 10),                 /* later expiry */
	    lot(4, 100, 30),                 /* same expiry, bigger */
	    lot(3, 100, 10),                 /* same expiry and remaining as 2: id breaks the tie */
	    lot(2, 100, 10), lot(1, 50, 99), /* earliest expiry wins whatever its size */
	};
	al_flex_lot_sort(v, 5);
	autolic_id want[5] = {1, 2, 3, 4, 5};
	for (int i = 0; i < 5; i++)
		assert_int_equal(v[i].id, want[i]);
	assert_true(al_flex_lot_cmp(&v[0], &v[0]) == 0);
}

/* FLEX-2 worked example: 5 left expiring tomorrow and a lot of 100: 7 = 5 + 2. */
static void test_allocate_spans_lots(void **state)
{
	(void)state;
	autolic_time now = 1000 * D;
	al_flex_lot v[2] = {lot(2, now, 100), lot(1, now - Y + D, 5)};
	al_flex_draw d[2];
	size_t n;
	assert_int_equal(al_flex_allocate(v, 2, now, 7, d, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(d[0].lot, 1);
	assert_int_equal(d[0].amount, 5);
	assert_int_equal(d[1].lot, 2);
	assert_int_equal(d[1].amount, 2);
	assert_int_equal(v[0].remaining, 0);
	assert_int_equal(v[1].remaining, 98);
}

/* FLEX-1: a lot pays only between its purchase and its expiry, while it
 * holds tokens; what cannot be drawn is returned. */
static void test_allocate_usable_only(void **state)
{
	(void)state;
	autolic_time at = 500 * D;
	al_flex_lot v[4] = {
	    lot(1, at - Y, 50),    /* expires exactly at `at`: not usable */
	    lot(2, at + 1, 50),    /* bought after the use */
	    lot(3, at - 10, 0),    /* empty */
	    lot(4, at - Y + 1, 4), /* last second of validity */
	};
	assert_true(!al_flex_lot_usable(&v[0], at));
	assert_true(!al_flex_lot_usable(&v[1], at));
	assert_true(!al_flex_lot_usable(&v[2], at));
	assert_true(al_flex_lot_usable(&v[3], at));
	assert_int_equal(al_flex_usable(v, 4, at), 4);
	al_flex_draw d[4];
	size_t n;
	assert_int_equal(al_flex_allocate(v, 4, at, 7, d, &n), 3);
	assert_int_equal(n, 1);
	assert_int_equal(d[0].lot, 4);
	assert_int_equal(d[0].amount, 4);
}

static al_flex_win win(autolic_time start, autolic_id opener)
{
	al_flex_win w = {1, start, start + D, opener, opener ? start : 0};
	return w;
}

static al_flex_plan step(int kind, autolic_time at, int state, autolic_time last, al_flex_win own,
                         al_flex_win cur, int others)
{
	al_flex_input in;
	memset(&in, 0, sizeof in);
	in.kind = kind;
	in.at = at;
	in.session = 7;
	in.state = state;
	in.last = last;
	in.own = own;
	in.win = cur;
	in.others_open = others;
	al_flex_plan p;
	al_flex_step(&in, &p);
	return p;
}

/* FLEX-3: a launch inside a window joins it; outside, it opens one at its time. */
static void test_step_launch(void **state)
{
	(void)state;
	al_flex_win none = {0, 0, 0, 0, 0};
	al_flex_plan p = step(AUTOLIC_FLEX_LAUNCH, 1000, 0, 0, none, none, 0);
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.open, AL_FO_LAUNCH);
	assert_int_equal(p.first, 1000);
	assert_int_equal(p.n_open, 1);
	p = step(AUTOLIC_FLEX_LAUNCH, 1000 + D - 1, 0, 0, none, win(1000, 3), 0);
	assert_true(p.join);
	assert_int_equal(p.open, AL_FO_NONE);
	p = step(AUTOLIC_FLEX_LAUNCH, 1000 + D, 0, 0, none, win(1000, 3), 0);
	assert_false(p.join);
	assert_int_equal(p.open, AL_FO_LAUNCH);
	/* a late launch in a gap before a later window: refused, never double billed */
	al_flex_input in;
	memset(&in, 0, sizeof in);
	in.kind = AUTOLIC_FLEX_LAUNCH;
	in.at = 500;
	in.later = 1;
	al_flex_step(&in, &p);
	assert_int_equal(p.rc, AUTOLIC_ESTATE);
}

/* FLEX-3: continuous use past the end opens the next windows back to back
 * from the end; idle time is not use. */
static void test_step_rollover_and_idle(void **state)
{
	(void)state;
	al_flex_win w = win(0, 7);
	al_flex_plan p = step(AUTOLIC_FLEX_ACTIVITY, 30 * 3600, AL_FS_ACTIVE, 0, w, w, 0);
	assert_int_equal(p.open, AL_FO_ROLLOVER);
	assert_int_equal(p.first, D);
	assert_int_equal(p.n_open, 1);
	p = step(AUTOLIC_FLEX_ACTIVITY, 3 * D, AL_FS_ACTIVE, 0, w, w, 0);
	assert_int_equal(p.n_open, 3); /* windows at D, 2D, 3D */
	p = step(AUTOLIC_FLEX_ACTIVITY, D - 1, AL_FS_ACTIVE, 0, w, w, 0);
	assert_int_equal(p.open, AL_FO_NONE);
	/* idle, then resumed past the end: one window at the resume instant */
	p = step(AUTOLIC_FLEX_ACTIVITY, 30 * 3600, AL_FS_IDLE, 3600, w, w, 0);
	assert_int_equal(p.open, AL_FO_RESUME);
	assert_int_equal(p.first, 30 * 3600);
	assert_int_equal(p.new_state, AL_FS_ACTIVE);
	/* an idle session that closes after the end costs nothing more */
	p = step(AUTOLIC_FLEX_CLOSE, 30 * 3600, AL_FS_IDLE, 3600, w, w, 0);
	assert_int_equal(p.open, AL_FO_NONE);
	assert_int_equal(p.new_state, AL_FS_CLOSED);
	/* an active session going idle past the end paid for the use until then */
	p = step(AUTOLIC_FLEX_IDLE, D + 5, AL_FS_ACTIVE, 0, w, w, 0);
	assert_int_equal(p.open, AL_FO_ROLLOVER);
	assert_int_equal(p.new_state, AL_FS_IDLE);
}

/* FLEX-4: refund only for the launch that opened the window, within 300 s,
 * with no other session open. */
static void test_step_refund(void **state)
{
	(void)state;
	al_flex_win w = win(1000, 7);
	al_flex_plan p = step(AUTOLIC_FLEX_CLOSE, 1300, AL_FS_ACTIVE, 1000, w, w, 0);
	assert_true(p.refund);
	p = step(AUTOLIC_FLEX_CLOSE, 1301, AL_FS_ACTIVE, 1000, w, w, 0);
	assert_false(p.refund);
	p = step(AUTOLIC_FLEX_CLOSE, 1200, AL_FS_ACTIVE, 1000, w, w, 1);
	assert_false(p.refund); /* another session of the product is open */
	al_flex_win other = win(1000, 8);
	p = step(AUTOLIC_FLEX_CLOSE, 1200, AL_FS_ACTIVE, 1000, other, other, 0);
	assert_false(p.refund); /* joined someone else's window */
	p = step(AUTOLIC_FLEX_CLOSE, 1200, AL_FS_IDLE, 1100, w, w, 0);
	assert_true(p.refund);
	p = step(AUTOLIC_FLEX_ACTIVITY, 1200, AL_FS_ACTIVE, 1000, w, w, 0);
	assert_false(p.refund);
}

/* FLEX-3: reports of one session in order; closed sessions answer clearly. */
static void test_step_order(void **state)
{
	(void)state;
	al_flex_win w = win(1000, 7);
	al_flex_plan p = step(AUTOLIC_FLEX_ACTIVITY, 1500, AL_FS_ACTIVE, 2000, w, w, 0);
	assert_int_equal(p.rc, AUTOLIC_ESTATE);
	assert_non_null(strstr(p.why, "out of order"));
	p = step(AUTOLIC_FLEX_ACTIVITY, 2500, AL_FS_CLOSED, 2000, w, w, 0);
	assert_int_equal(p.rc, AUTOLIC_ESTATE);
	p = step(AUTOLIC_FLEX_ACTIVITY, 2500, AL_FS_ENDED, 2000, w, w, 0);
	assert_int_equal(p.rc, AUTOLIC_ESTATE);
	p = step(AUTOLIC_FLEX_CLOSE, 2500, AL_FS_ENDED, 2000, w, w, 0);
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.new_state, AL_FS_CLOSED);
	assert_int_equal(p.open, AL_FO_NONE);
	/* FLEX-5: the one CLOSE of an ended session is in order too */
	p = step(AUTOLIC_FLEX_CLOSE, 1500, AL_FS_ENDED, 2000, w, w, 0);
	assert_int_equal(p.rc, AUTOLIC_ESTATE);
	assert_non_null(strstr(p.why, "out of order"));
	p = step(AUTOLIC_FLEX_ACTIVITY, 2000, AL_FS_ACTIVE, 2000, w, w, 0);
	assert_int_equal(p.rc, 0); /* same instant is in order */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lot_order),
	    cmocka_unit_test(test_allocate_spans_lots),
	    cmocka_unit_test(test_allocate_usable_only),
	    cmocka_unit_test(test_step_launch),
	    cmocka_unit_test(test_step_rollover_and_idle),
	    cmocka_unit_test(test_step_refund),
	    cmocka_unit_test(test_step_order),
	};
	return t_run_group("flex/rules", tests, NULL, NULL);
}
