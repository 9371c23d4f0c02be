/*
 * Many processes, one database: the race shared by test_sqlite_procs (one
 * WAL file) and test_pg_procs (one PostgreSQL database). b->nproc forked
 * processes, each with its own autolic_db and its own backend over the same
 * database, race to grant seats on a product of quantity QUANTITY (SEAT-2,
 * SEAT-5) and to launch Flex sessions against a small balance (FLEX-5).
 * Afterwards exactly QUANTITY seats are granted, the balance never went below
 * zero, autolic_flex_check() holds (FLEX-1, FLEX-10: balance == sum(ledger),
 * lots within bounds), and every call either succeeded or returned one of the
 * refusals the rules call for, ENOSEAT or ENOTOKENS: no caller ever sees
 * ECONFLICT (the runner retries lost races within its time budget). A first
 * phase churns seats (grant, read, revoke) from every process at once. Each
 * process's backend is wrapped to count the conflicts the backend answered
 * (each one a retry by the runner). Counts only: the elapsed time and the
 * slowest call are printed, never asserted.
 */
#include "procs_race.h"
#include "flex_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Under valgrind (the memcheck stage of the suite) every call runs tens of
 * times slower, and so does every wait for a lock another process holds. */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define UNDER_VALGRIND() RUNNING_ON_VALGRIND
#endif
#endif
#ifndef UNDER_VALGRIND
#define UNDER_VALGRIND() 0
#endif

#define NPROC    8  /* at most */
#define USERS    16 /* per process */
#define QUANTITY 10
#define RATE     7
#define LAUNCHES 12 /* the balance pays for exactly this many launches */
#define ROUNDS   25 /* churn: grant, read, revoke per process */

#define T0 (fx_date(2026, 3, 5) + 9 * HOUR)

typedef struct shared {
	autolic_id cm, contract, admin, team;
	autolic_id users[NPROC][USERS];
} shared;

typedef struct tally {
	int seat_ok, seat_full, seat_other;
	int flex_ok, flex_refused, flex_other;
	int reads, negative, read_errors;
	int first_other; /* the first unexpected code, for the report */
	int churn_ok, churn_full, churn_over, churn_other, churn_calls;
	int exhausted;  /* calls that returned ECONFLICT: the runner gave up */
	long attempts;  /* transactions begun */
	long conflicts; /* ECONFLICT answers of the backend (each one retried or final) */
	long calls;     /* calls made */
	double slowest; /* the longest call, in seconds */
} tally;

/* ---- a counting wrapper around each process's backend ---- */

typedef struct counting {
	autolic_storage in;
	long begins, conflicts;
} counting;

static counting cnt; /* one per process: set up after fork */

static int seen(int rc)
{
	if (rc == AUTOLIC_ECONFLICT)
		cnt.conflicts++;
	return rc;
}

static int c_begin(void *ctx, int write)
{
	(void)ctx;
	cnt.begins++;
	return seen(cnt.in.begin(cnt.in.ctx, write));
}
static int c_get(void *ctx, const void *k, size_t kl, const void **v, size_t *vl)
{
	(void)ctx;
	return seen(cnt.in.get(cnt.in.ctx, k, kl, v, vl));
}
static int c_put(void *ctx, const void *k, size_t kl, const void *v, size_t vl)
{
	(void)ctx;
	return seen(cnt.in.put(cnt.in.ctx, k, kl, v, vl));
}
static int c_del(void *ctx, const void *k, size_t kl)
{
	(void)ctx;
	return seen(cnt.in.del(cnt.in.ctx, k, kl));
}
static int c_scan(void *ctx, const void *s, size_t sl, const void *e, size_t el,
                  autolic_storage_scan_cb cb, void *arg)
{
	(void)ctx;
	return seen(cnt.in.scan(cnt.in.ctx, s, sl, e, el, cb, arg));
}
static int c_commit(void *ctx)
{
	(void)ctx;
	return seen(cnt.in.commit(cnt.in.ctx));
}
static int c_rollback(void *ctx)
{
	(void)ctx;
	return cnt.in.rollback(cnt.in.ctx);
}
static void c_free(void *ctx)
{
	(void)ctx;
	if (cnt.in.free)
		cnt.in.free(cnt.in.ctx);
}
static int c_savepoint(void *ctx)
{
	(void)ctx;
	return seen(cnt.in.savepoint(cnt.in.ctx));
}
static int c_release(void *ctx)
{
	(void)ctx;
	return seen(cnt.in.release(cnt.in.ctx));
}
static int c_rollback_to(void *ctx)
{
	(void)ctx;
	return seen(cnt.in.rollback_to(cnt.in.ctx));
}

static const procs_backend *be;

static autolic_time fixed_clock(void *ctx)
{
	(void)ctx;
	return T0;
}

static autolic_db *open_db(void)
{
	autolic_storage in;
	int rc = be->open(&in, be->ctx);
	if (rc) {
		fprintf(stderr, "%s open: %d %s\n", be->name, rc, autolic_errmsg());
		return NULL;
	}
	memset(&cnt, 0, sizeof cnt);
	cnt.in = in;
	autolic_storage st = {0};
	st.version = AUTOLIC_STORAGE_VERSION;
	st.begin = c_begin;
	st.get = c_get;
	st.put = c_put;
	st.del = c_del;
	st.scan = c_scan;
	st.commit = c_commit;
	st.rollback = c_rollback;
	st.free = c_free;
	if (in.savepoint) {
		st.savepoint = c_savepoint;
		st.release = c_release;
		st.rollback_to = c_rollback_to;
	}
	autolic_db_options o;
	autolic_db_options_init(&o, AUTOLIC_DB_OPTIONS_VERSION);
	o.storage = &st;
	o.clock = fixed_clock;
	o.max_retries = 0; /* no count: the default time budget */
	/* the default budget (5 s) is measured at native speed: under valgrind
	 * the same race gets the time its slowed-down calls need */
	if (UNDER_VALGRIND())
		o.retry_budget_ms = 60000;
	autolic_db *db = NULL;
	rc = autolic_db_open(&db, &o);
	if (rc) {
		fprintf(stderr, "db open: %d %s\n", rc, autolic_errmsg());
		st.free(st.ctx);
		return NULL;
	}
	return db;
}

static void setup(shared *sh)
{
	autolic_db *db = open_db();
	assert_non_null(db);
	sh->cm = t_register(db, "cm@example.com", "Carla", "Manager");
	sh->admin = sh->cm;
	for (int p = 0; p < be->nproc; p++)
		for (int u = 0; u < USERS; u++) {
			char email[64];
			snprintf(email, sizeof email, "p%d.u%d@example.com", p, u);
			sh->users[p][u] = t_register(db, email, "Racer", "Process");
		}
	const char *prod = "revit";
	int64_t q = QUANTITY;
	sh->contract = seat_contract(db, sh->cm, 0, &prod, &q, 1, T0 - DAY, T0 + 365 * DAY);
	fx x;
	memset(&x, 0, sizeof x);
	x.db = db;
	x.admin = sh->admin;
	sh->team = fx_team(db, sh->admin);
	x.team = sh->team;
	fx_product(&x, "autocad", RATE);
	fx_buy(&x, RATE * LAUNCHES, T0 - DAY);
	for (int p = 0; p < be->nproc; p++)
		for (int u = 0; u < USERS; u++)
			fx_assign_all(&x, sh->team, sh->users[p][u]);
	autolic_db_close(db);
}

static void note_other(tally *t, int rc)
{
	if (!t->first_other)
		t->first_other = rc;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* `rc`, returned by the call begun at `t0`, after noting the call's time. */
static int timed(tally *t, int rc, double t0)
{
	double d = now_s() - t0;
	t->calls++;
	if (d > t->slowest)
		t->slowest = d;
	return rc;
}

/* 1 when `rc` is a conflict the runner gave up on (counted apart, and then
 * asserted to be none). */
static int exhausted(tally *t, int rc)
{
	if (rc != AUTOLIC_ECONFLICT)
		return 0;
	t->exhausted++;
	return 1;
}

static void check_balance(autolic_db *db, const shared *sh, tally *t)
{
	autolic_flex_team_info ti;
	ti.version = AUTOLIC_FLEX_TEAM_INFO_VERSION;
	t->reads++;
	double b0 = now_s();
	int rc = timed(t, autolic_flex_team_get(db, sh->team, &ti), b0);
	if (rc) {
		if (!exhausted(t, rc)) {
			t->read_errors++;
			note_other(t, rc);
		}
	} else if (ti.balance < 0) {
		t->negative++;
	}
}

/* Phase 1, churn: each process grants, reads and revokes one seat per round
 * for users of its own while the others do the same; no reader may ever see
 * more granted than bought (SEAT-5). Each process ends holding no seat. */
static void churn(autolic_db *db, const shared *sh, int p, tally *t)
{
	for (int k = 0; k < ROUNDS; k++) {
		autolic_id user = sh->users[p][k % USERS];
		double b0 = now_s();
		int g = timed(t, autolic_seat_grant(db, sh->cm, sh->contract, "revit", user), b0);
		t->churn_calls++;
		if (g == 0)
			t->churn_ok++;
		else if (g == AUTOLIC_ENOSEAT)
			t->churn_full++;
		else if (!exhausted(t, g)) {
			t->churn_other++;
			note_other(t, g);
		}
		autolic_seat_summary sum = {.version = AUTOLIC_SEAT_SUMMARY_VERSION};
		t->churn_calls++;
		b0 = now_s();
		int rc = timed(t, autolic_seat_summary_get(db, sh->contract, "revit", &sum), b0);
		if (rc) {
			if (!exhausted(t, rc)) {
				t->churn_other++;
				note_other(t, rc);
			}
		} else if (sum.granted > sum.quantity ||
		           sum.granted + sum.available != sum.quantity) {
			t->churn_over++;
		}
		/* the revoke must go through, however long it takes: each
		 * process ends the churn holding no seat */
		for (int tries = 0; g == 0 && tries < 8; tries++) {
			t->churn_calls++;
			b0 = now_s();
			rc = timed(t, autolic_seat_revoke(db, sh->cm, sh->contract, "revit", user),
			           b0);
			if (rc == 0)
				break;
			if (!exhausted(t, rc)) {
				t->churn_other++;
				note_other(t, rc);
				break;
			}
		}
	}
}

static int child(const shared *sh, int p, int go_fd, int ready_fd, int go2_fd, int out_fd)
{
	tally t;
	memset(&t, 0, sizeof t);
	autolic_db *db = open_db();
	if (!db)
		return 2;
	char c;
	if (read(go_fd, &c, 1) != 1)
		return 3;
	churn(db, sh, p, &t);
	/* phase 2 starts once every process has finished churning */
	if (write(ready_fd, &c, 1) != 1 || read(go2_fd, &c, 1) != 1)
		return 3;
	for (int u = 0; u < USERS; u++) {
		autolic_id user = sh->users[p][u];
		double b0 = now_s();
		int rc = timed(&t, autolic_seat_grant(db, sh->cm, sh->contract, "revit", user), b0);
		if (rc == 0)
			t.seat_ok++;
		else if (rc == AUTOLIC_ENOSEAT)
			t.seat_full++;
		else if (!exhausted(&t, rc)) {
			t.seat_other++;
			note_other(&t, rc);
		}
		check_balance(db, sh, &t);

		char key[64];
		snprintf(key, sizeof key, "launch-p%d-u%d", p, u);
		autolic_flex_report_spec s = AUTOLIC_FLEX_REPORT_SPEC_INIT;
		s.kind = AUTOLIC_FLEX_LAUNCH;
		s.key = key;
		s.time = T0;
		s.product = "autocad";
		s.team = sh->team;
		s.account = user;
		autolic_flex_result r;
		r.version = AUTOLIC_FLEX_RESULT_VERSION;
		b0 = now_s();
		rc = timed(&t, autolic_flex_report(db, &s, &r), b0);
		if (rc == 0)
			t.flex_ok++;
		else if (rc == AUTOLIC_ENOTOKENS)
			t.flex_refused++;
		else if (!exhausted(&t, rc)) {
			t.flex_other++;
			note_other(&t, rc);
		}
		check_balance(db, sh, &t);
	}
	t.attempts = cnt.begins;
	t.conflicts = cnt.conflicts;
	autolic_db_close(db);
	return write(out_fd, &t, sizeof t) == (ssize_t)sizeof t ? 0 : 4;
}

void procs_race(const procs_backend *b)
{
	be = b;
	const int np = b->nproc;
	assert_true(np >= 2 && np <= NPROC);
	shared sh;
	memset(&sh, 0, sizeof sh);
	setup(&sh);

	int go[2], res[2], ready[2], go2[2];
	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(go2), 0);
	assert_int_equal(pipe(res), 0);
	fflush(NULL);
	pid_t pids[NPROC];
	for (int p = 0; p < np; p++) {
		pids[p] = fork();
		assert_true(pids[p] >= 0);
		if (pids[p] == 0) {
			close(go[1]);
			close(res[0]);
			close(ready[0]);
			close(go2[1]);
			_exit(child(&sh, p, go[0], ready[1], go2[0], res[1]));
		}
	}
	close(go[0]);
	close(res[1]);
	close(ready[1]);
	close(go2[0]);
	struct timespec a, bt;
	clock_gettime(CLOCK_MONOTONIC, &a);
	char start[NPROC] = {0};
	assert_int_equal(write(go[1], start, (size_t)np), np); /* release all at once */
	close(go[1]);
	char ok[NPROC];
	size_t n = 0;
	while (n < (size_t)np) {
		ssize_t r = read(ready[0], ok + n, (size_t)np - n);
		assert_true(r > 0);
		n += (size_t)r;
	}
	close(ready[0]);
	assert_int_equal(write(go2[1], start, (size_t)np), np); /* phase 2: the race */
	close(go2[1]);

	tally sum;
	memset(&sum, 0, sizeof sum);
	int got = 0;
	tally t;
	while (read(res[0], &t, sizeof t) == (ssize_t)sizeof t) {
		got++;
		sum.seat_ok += t.seat_ok;
		sum.seat_full += t.seat_full;
		sum.seat_other += t.seat_other;
		sum.flex_ok += t.flex_ok;
		sum.flex_refused += t.flex_refused;
		sum.flex_other += t.flex_other;
		sum.reads += t.reads;
		sum.negative += t.negative;
		sum.read_errors += t.read_errors;
		sum.churn_ok += t.churn_ok;
		sum.churn_full += t.churn_full;
		sum.churn_over += t.churn_over;
		sum.churn_other += t.churn_other;
		sum.churn_calls += t.churn_calls;
		sum.exhausted += t.exhausted;
		sum.attempts += t.attempts;
		sum.conflicts += t.conflicts;
		sum.calls += t.calls;
		if (t.slowest > sum.slowest)
			sum.slowest = t.slowest;
		if (!sum.first_other)
			sum.first_other = t.first_other;
	}
	close(res[0]);
	for (int p = 0; p < np; p++) {
		int status = 0;
		assert_int_equal(waitpid(pids[p], &status, 0), pids[p]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	clock_gettime(CLOCK_MONOTONIC, &bt);
	double secs = (double)(bt.tv_sec - a.tv_sec) + (double)(bt.tv_nsec - a.tv_nsec) / 1e9;
	int calls = np * USERS * 2 + sum.reads;
	printf("%s multi-process: %d processes, %d seat grants (%d ok, %d full), %d Flex "
	       "launches (%d ok, %d refused), %d balance reads (%d negative), %d unexpected "
	       "(first %d)\n",
	       b->name, np, np * USERS, sum.seat_ok, sum.seat_full, np * USERS, sum.flex_ok,
	       sum.flex_refused, sum.reads, sum.negative,
	       sum.seat_other + sum.flex_other + sum.read_errors, sum.first_other);
	printf("%s multi-process churn: %d calls (grant/read/revoke), %d grants ok, %d "
	       "refused, %d over-grants seen, %d unexpected; both phases: %d calls, %d committed "
	       "writes, in %.2f s (%.0f calls/s)\n",
	       b->name, sum.churn_calls, sum.churn_ok, sum.churn_full, sum.churn_over,
	       sum.churn_other, calls + sum.churn_calls,
	       2 * sum.churn_ok + sum.seat_ok + sum.flex_ok, secs,
	       secs > 0 ? (calls + sum.churn_calls) / secs : 0.0);
	printf("%s multi-process retries: %ld transactions begun for %d calls, %ld conflicts "
	       "answered by the backend and retried by the runner, %d calls gave up; slowest "
	       "call %.0f ms\n",
	       b->name, sum.attempts, calls + sum.churn_calls, sum.conflicts - sum.exhausted,
	       sum.exhausted, sum.slowest * 1000);
	fflush(stdout);

	assert_int_equal(got, np);
	/* every call succeeded or returned a clear, expected code */
	assert_int_equal(sum.seat_other, 0);
	assert_int_equal(sum.flex_other, 0);
	assert_int_equal(sum.read_errors, 0);
	assert_int_equal(sum.churn_other, 0);
	/* no caller saw a conflict: every lost race was retried to an answer */
	assert_int_equal(sum.exhausted, 0);
	assert_int_equal(sum.calls, calls + sum.churn_calls);

	/* what is stored agrees, seen through a fresh handle */
	autolic_db *db = open_db();
	assert_non_null(db);
	autolic_seat_summary s = {.version = AUTOLIC_SEAT_SUMMARY_VERSION};
	assert_int_equal(autolic_seat_summary_get(db, sh.contract, "revit", &s), 0);
	/* SEAT-2/SEAT-5: exactly QUANTITY seats, whoever got them */
	assert_int_equal(sum.seat_ok, QUANTITY);
	assert_int_equal(s.granted, QUANTITY);
	assert_int_equal(s.available, 0);
	/* FLEX-5: the balance paid for exactly LAUNCHES launches, never went below zero */
	assert_int_equal(sum.flex_ok, LAUNCHES);
	assert_int_equal(sum.negative, 0);
	assert_int_equal(sum.seat_full, np * USERS - QUANTITY);
	assert_int_equal(sum.flex_refused, np * USERS - LAUNCHES);
	/* SEAT-5 under churn */
	assert_int_equal(sum.churn_over, 0);
	assert_true(sum.churn_ok > 0);
	autolic_flex_team_info ti;
	ti.version = AUTOLIC_FLEX_TEAM_INFO_VERSION;
	assert_int_equal(autolic_flex_team_get(db, sh.team, &ti), 0);
	assert_int_equal(ti.balance, 0);
	/* FLEX-1, FLEX-10: balance == sum(ledger), every lot within bounds */
	int rc = autolic_flex_check(db, sh.team);
	if (rc)
		fail_msg("flex check: %d %s", rc, autolic_errmsg());
	autolic_db_close(db);
}
