/* SEAT-5: the seat limit holds under concurrency (threads on one handle).
 * Run under the tsan preset too. Counts only: no timing is asserted. */
#include "seat_fixture.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define T0       1700000000
#define NTHREADS 24
#define QUANTITY 5
#define ROUNDS   40

typedef struct race {
	autolic_db *db;
	autolic_id cm, contract;
	autolic_id users[NTHREADS];
	pthread_barrier_t start;
	int rc[NTHREADS];
	int over[NTHREADS];   /* a reader saw more granted than bought */
	int errors[NTHREADS]; /* unexpected codes */
	int idx[NTHREADS];
} race;

typedef struct worker {
	race *r;
	int i;
} worker;

static autolic_db *open_db(t_faulty *f, t_clock *c, autolic_id *cm, autolic_id *users, int n)
{
	autolic_db *db = t_open(f, c, NULL, NULL);
	*cm = t_register(db, "cm@example.com", "Carla", "Manager");
	for (int i = 0; i < n; i++) {
		char email[64];
		snprintf(email, sizeof email, "racer%d@example.com", i);
		users[i] = t_register(db, email, "Racer", "Thread");
	}
	return db;
}

static void *grant_distinct(void *arg)
{
	worker *w = arg;
	race *r = w->r;
	pthread_barrier_wait(&r->start);
	r->rc[w->i] = autolic_seat_grant(r->db, r->cm, r->contract, "revit", r->users[w->i]);
	return NULL;
}

static void *grant_same(void *arg)
{
	worker *w = arg;
	race *r = w->r;
	pthread_barrier_wait(&r->start);
	r->rc[w->i] = autolic_seat_grant(r->db, r->cm, r->contract, "revit", r->users[0]);
	return NULL;
}

/* Grant, read, revoke in a loop; readers check granted <= quantity each time. */
static void *churn(void *arg)
{
	worker *w = arg;
	race *r = w->r;
	pthread_barrier_wait(&r->start);
	for (int k = 0; k < ROUNDS; k++) {
		int rc = autolic_seat_grant(r->db, r->cm, r->contract, "revit", r->users[w->i]);
		if (rc && rc != AUTOLIC_ENOSEAT)
			r->errors[w->i]++;
		autolic_seat_summary s = {.version = AUTOLIC_SEAT_SUMMARY_VERSION};
		if (autolic_seat_summary_get(r->db, r->contract, "revit", &s))
			r->errors[w->i]++;
		else if (s.granted > s.quantity || s.granted + s.available != s.quantity)
			r->over[w->i]++;
		if (rc == 0 &&
		    autolic_seat_revoke(r->db, r->cm, r->contract, "revit", r->users[w->i]) != 0)
			r->errors[w->i]++;
	}
	return NULL;
}

static void run_threads(race *r, void *(*fn)(void *))
{
	pthread_t th[NTHREADS];
	worker w[NTHREADS];
	assert_int_equal(pthread_barrier_init(&r->start, NULL, NTHREADS), 0);
	for (int i = 0; i < NTHREADS; i++) {
		w[i].r = r;
		w[i].i = i;
		assert_int_equal(pthread_create(&th[i], NULL, fn, &w[i]), 0);
	}
	for (int i = 0; i < NTHREADS; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	pthread_barrier_destroy(&r->start);
}

static size_t stored_users(race *r)
{
	autolic_seat_iter *it;
	assert_int_equal(autolic_seat_product_users(r->db, r->contract, "revit", &it), 0);
	autolic_seat_entry e = {.version = AUTOLIC_SEAT_ENTRY_VERSION};
	size_t n = 0;
	while (autolic_seat_iter_next(it, &e) == 0)
		n++;
	autolic_seat_iter_free(it);
	return n;
}

static uint32_t granted(race *r)
{
	autolic_seat_summary s = {.version = AUTOLIC_SEAT_SUMMARY_VERSION};
	assert_int_equal(autolic_seat_summary_get(r->db, r->contract, "revit", &s), 0);
	return s.granted;
}

static race *new_race(t_faulty *f, t_clock *c)
{
	race *r = calloc(1, sizeof(*r));
	assert_non_null(r);
	c->now = T0;
	r->db = open_db(f, c, &r->cm, r->users, NTHREADS);
	const char *p[] = {"revit"};
	const int64_t q[] = {QUANTITY};
	r->contract = seat_contract(r->db, r->cm, 0, p, q, 1, T0 - 86400, T0 + 86400);
	return r;
}

static void free_race(race *r)
{
	autolic_db_close(r->db);
	free(r);
}

/* SEAT-5: NTHREADS distinct users race for QUANTITY seats: exactly QUANTITY win. */
static void seat5_exactly_quantity_succeed(void **state)
{
	(void)state;
	t_faulty f;
	t_clock c;
	race *r = new_race(&f, &c);
	run_threads(r, grant_distinct);
	int ok = 0, full = 0;
	for (int i = 0; i < NTHREADS; i++) {
		ok += r->rc[i] == 0;
		full += r->rc[i] == AUTOLIC_ENOSEAT;
	}
	assert_int_equal(ok, QUANTITY);
	assert_int_equal(full, NTHREADS - QUANTITY);
	assert_int_equal(granted(r), QUANTITY);
	assert_int_equal(stored_users(r), QUANTITY);
	free_race(r);
}

/* SEAT-5 with a serialisable backend answering conflicts: the runner's retry
 * still lets exactly QUANTITY grants through. */
static void seat5_with_conflicts(void **state)
{
	(void)state;
	t_faulty f;
	t_clock c;
	race *r = new_race(&f, &c);
	f.conflicts = NTHREADS; /* spread over the racing commits */
	run_threads(r, grant_distinct);
	int ok = 0;
	for (int i = 0; i < NTHREADS; i++)
		ok += r->rc[i] == 0;
	assert_int_equal(ok, QUANTITY);
	assert_int_equal(f.conflicts, 0);
	assert_int_equal(granted(r), QUANTITY);
	assert_int_equal(stored_users(r), QUANTITY);
	free_race(r);
}

/* SEAT-1 + SEAT-5: threads granting the same user: exactly one seat taken. */
static void seat5_same_user_once(void **state)
{
	(void)state;
	t_faulty f;
	t_clock c;
	race *r = new_race(&f, &c);
	run_threads(r, grant_same);
	int ok = 0, dup = 0;
	for (int i = 0; i < NTHREADS; i++) {
		ok += r->rc[i] == 0;
		dup += r->rc[i] == AUTOLIC_EEXISTS;
	}
	assert_int_equal(ok, 1);
	assert_int_equal(dup, NTHREADS - 1);
	assert_int_equal(granted(r), 1);
	free_race(r);
}

/* SEAT-5: grants, revokes and reads interleaved: no reader ever sees more
 * granted than bought, and the count always matches the stored grants. */
static void seat5_churn(void **state)
{
	(void)state;
	t_faulty f;
	t_clock c;
	race *r = new_race(&f, &c);
	run_threads(r, churn);
	for (int i = 0; i < NTHREADS; i++) {
		assert_int_equal(r->errors[i], 0);
		assert_int_equal(r->over[i], 0);
	}
	assert_int_equal(granted(r), 0);
	assert_int_equal(stored_users(r), 0);
	free_race(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(seat5_exactly_quantity_succeed),
	    cmocka_unit_test(seat5_with_conflicts),
	    cmocka_unit_test(seat5_same_user_once),
	    cmocka_unit_test(seat5_churn),
	};
	return t_run_group("seat_threads", tests, NULL, NULL);
}
