/*
 * W6: scale-out. 1, 2, 4, 8 and 16 processes, each with its own handle over
 * one shared database, PostgreSQL and SQLite side by side in one run:
 *
 *   flex/own      Flex launch + close, a team (and a user) per process
 *   flex/shared   Flex launch + close, one team shared by every process (a user each)
 *   seat/own      seat grant + revoke, a contract per process
 *   seat/shared   seat grant + revoke, one contract shared (a user each, enough seats)
 *
 * Every launch opens and charges a window, every close within 300 s refunds
 * it (FLEX-4): both calls write the team's balance. Reported per point:
 * calls per second (all processes together), conflicts per call (the
 * backend's AUTOLIC_ECONFLICT answers, each one a retry by the runner),
 * errors returned to callers (any non-zero result), p50/p99/max latency of a
 * call, storage operations per call and, for PostgreSQL, round trips to the
 * server per call (the backend's own counter).
 *
 * PostgreSQL: the server of AUTOLIC_PG_CONNINFO, else a throw-away one started
 * with tests/pg_server.sh (initdb on this machine); without either the
 * PostgreSQL rows are skipped. SQLite: a WAL file in --dir.
 *
 * PostgreSQL runs twice: SERIALIZABLE (the default) and AUTOLIC_PG_KEY_LOCKS,
 * each in a fresh schema al_w6 of its own (dropped and made again).
 *
 * Usage: bench_w6_scale [--quick] [--secs S] [--procs 1,2,4] [--only pg|locks|sqlite]
 *                       [--work flex/own,...] [--dir DIR]
 * Nothing here asserts a time; the figures are printed as a Markdown table.
 */
#include "bench.h"

#include "autolic.h"
#include "autolic/sys/storage.h"
#ifdef W6_HAVE_PG
#include "autolic/sys/pg.h"
#include "backends/pg/pg_stats.h"
#include <libpq-fe.h>
/* weak: a backend without the counters (an older libautolic-pg) leaves it NULL */
extern void al_pg_stats_get(const void *ctx, al_pg_stats *out) __attribute__((weak));
#endif
#ifdef W6_HAVE_SQLITE
#include "autolic/sys/sqlite.h"
#endif

#include <errno.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAXP    16
#define LAT_MAX (1 << 17)    /* latencies kept per process and point */
#define T0      1772701200LL /* 2026-03-05 09:00 UTC */
#define RATE    1
#define RETRIES 64

enum { B_PG, B_PG_LOCKS, B_SQLITE, B_N };
static const char *const bname[B_N] = {"PostgreSQL", "PostgreSQL key locks", "SQLite"};
enum { W_FLEX_OWN, W_FLEX_SHARED, W_SEAT_OWN, W_SEAT_SHARED, W_N };
static const char *const wname[W_N] = {"flex/own", "flex/shared", "seat/own", "seat/shared"};

/* What the parent sets up once per backend; the children read it. */
typedef struct world {
	autolic_id admin, users[MAXP], teams[MAXP], shared_team;
	autolic_id contracts[MAXP], shared_contract;
	autolic_time next[MAXP]; /* each user's next report time (launch, close, ...) */
	unsigned long keyn[MAXP];
} world;

/* One process's figures for one point. */
typedef struct proc_out {
	long calls, errors, conflicts, ops, attempts;
	unsigned long round_trips;
	int first_error;
	char first_msg[200];
	long nlat;
	float lat[LAT_MAX]; /* seconds */
} proc_out;

typedef struct shm {
	world w[3]; /* one per backend */
	double deadline;
	proc_out out[MAXP];
} shm;

static shm *S;
static int backend;
static const char *pg_conninfo, *sqlite_path;

/* ---- a counting wrapper around each process's backend ---- */

typedef struct counting {
	autolic_storage in;
	long ops, conflicts, begins;
} counting;

static counting cnt;

static int tracing;
static void trace(const char *op, const void *k, size_t kl)
{
	if (!tracing)
		return;
	fprintf(stderr, "%s", op);
	for (size_t i = 0; i < kl && i < 24; i++)
		fprintf(stderr, "%s%02x", i == 1 || i == 9 ? " " : "",
		        ((const unsigned char *)k)[i]);
	fprintf(stderr, "\n");
}

static int seen(int rc)
{
	cnt.ops++;
	if (rc == AUTOLIC_ECONFLICT)
		cnt.conflicts++;
	return rc;
}
static int c_begin(void *c, int w)
{
	(void)c;
	trace("begin", NULL, 0);
	cnt.begins++;
	return seen(cnt.in.begin(cnt.in.ctx, w));
}
static int c_get(void *c, const void *k, size_t kl, const void **v, size_t *vl)
{
	(void)c;
	trace("get  ", k, kl);
	return seen(cnt.in.get(cnt.in.ctx, k, kl, v, vl));
}
static int c_put(void *c, const void *k, size_t kl, const void *v, size_t vl)
{
	(void)c;
	trace("put  ", k, kl);
	return seen(cnt.in.put(cnt.in.ctx, k, kl, v, vl));
}
static int c_del(void *c, const void *k, size_t kl)
{
	(void)c;
	trace("del  ", k, kl);
	return seen(cnt.in.del(cnt.in.ctx, k, kl));
}
static int c_scan(void *c, const void *s, size_t sl, const void *e, size_t el,
                  autolic_storage_scan_cb cb, void *arg)
{
	(void)c;
	trace("scan ", s, sl);
	return seen(cnt.in.scan(cnt.in.ctx, s, sl, e, el, cb, arg));
}
static int c_commit(void *c)
{
	(void)c;
	trace("commit", NULL, 0);
	return seen(cnt.in.commit(cnt.in.ctx));
}
static int c_rollback(void *c)
{
	(void)c;
	return cnt.in.rollback(cnt.in.ctx);
}
static void c_free(void *c)
{
	(void)c;
	cnt.in.free(cnt.in.ctx);
}

static autolic_time now_t;
static autolic_time clock_fn(void *ctx)
{
	(void)ctx;
	return now_t;
}

static int open_storage(autolic_storage *st)
{
#ifdef W6_HAVE_PG
	if (backend == B_PG || backend == B_PG_LOCKS) {
		autolic_pg_options o = AUTOLIC_PG_OPTIONS_INIT;
		o.flags = backend == B_PG_LOCKS ? AUTOLIC_PG_KEY_LOCKS : 0;
		return autolic_store_pg_open(st, pg_conninfo, &o);
	}
#endif
#ifdef W6_HAVE_SQLITE
	if (backend == B_SQLITE)
		return autolic_store_sqlite_open(st, sqlite_path, NULL);
#endif
	(void)st;
	return AUTOLIC_EINVAL;
}

static autolic_db *open_db(void)
{
	autolic_storage in;
	if (open_storage(&in)) {
		fprintf(stderr, "W6: open: %s\n", autolic_errmsg());
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
	autolic_db_options o;
	autolic_db_options_init(&o, AUTOLIC_DB_OPTIONS_VERSION);
	o.storage = &st;
	o.clock = clock_fn;
	o.max_retries = RETRIES;
	autolic_db *db = NULL;
	if (autolic_db_open(&db, &o)) {
		fprintf(stderr, "W6: db open: %s\n", autolic_errmsg());
		return NULL;
	}
	return db;
}

static unsigned long round_trips(void)
{
#ifdef W6_HAVE_PG
	if (backend != B_SQLITE && al_pg_stats_get) {
		al_pg_stats ps;
		al_pg_stats_get(cnt.in.ctx, &ps);
		return ps.round_trips;
	}
#endif
	return 0;
}

#define SETUP(what, call)                                                                          \
	do {                                                                                       \
		int rc_ = (call);                                                                  \
		if (rc_) {                                                                         \
			fprintf(stderr, "W6 set-up: %s: %d %s\n", what, rc_, autolic_errmsg());    \
			return -1;                                                                 \
		}                                                                                  \
	} while (0)

static int buy(autolic_db *db, autolic_id admin, autolic_id team)
{
	autolic_flex_lot_spec l = AUTOLIC_FLEX_LOT_SPEC_INIT;
	l.subscription = "W6";
	l.quantity = 1000000000LL;
	l.purchased = T0 - 86400;
	SETUP("lot", autolic_flex_lot_buy(db, admin, team, &l, NULL));
	return 0;
}

static int assign(autolic_db *db, autolic_id admin, autolic_id team, autolic_id user)
{
	autolic_flex_user_spec u = AUTOLIC_FLEX_USER_SPEC_INIT;
	u.account = user;
	u.all_products = 1;
	u.by_import = 1;
	SETUP("assign", autolic_flex_user_assign(db, admin, team, &u, NULL));
	return 0;
}

static int contract(autolic_db *db, autolic_id admin, autolic_id team, uint32_t qty,
                    autolic_id *out)
{
	autolic_contract_product_spec p = AUTOLIC_CONTRACT_PRODUCT_SPEC_INIT;
	p.product = "revit";
	p.quantity = qty;
	autolic_contract_spec c = AUTOLIC_CONTRACT_SPEC_INIT;
	c.products = &p;
	c.nproducts = 1;
	c.team = team;
	c.start = T0 - 86400;
	c.end = T0 + 365 * 86400LL;
	SETUP("contract", autolic_contract_buy(db, admin, &c, out));
	return 0;
}

/* Everything the points need, in a fresh store. */
static int setup_world(world *w)
{
	now_t = T0;
	autolic_db *db = open_db();
	if (!db)
		return -1;
	memset(w, 0, sizeof *w);
	autolic_account_spec a = AUTOLIC_ACCOUNT_SPEC_INIT;
	a.email = "admin@example.com";
	a.first_name = "Ada";
	a.last_name = "Admin";
	SETUP("admin", autolic_account_register(db, &a, &w->admin));
	SETUP("product", autolic_flex_product_set(db, "autocad", NULL, RATE));
	autolic_team_spec ts = AUTOLIC_TEAM_SPEC_INIT;
	ts.name = "Shared";
	SETUP("team", autolic_team_create(db, w->admin, &ts, &w->shared_team));
	if (buy(db, w->admin, w->shared_team) ||
	    contract(db, w->admin, w->shared_team, MAXP, &w->shared_contract))
		return -1;
	for (int p = 0; p < MAXP; p++) {
		char email[64];
		snprintf(email, sizeof email, "user%d@example.com", p);
		a.email = email;
		a.first_name = "Pat";
		SETUP("user", autolic_account_register(db, &a, &w->users[p]));
		ts.name = "Own";
		SETUP("team", autolic_team_create(db, w->admin, &ts, &w->teams[p]));
		if (buy(db, w->admin, w->teams[p]) ||
		    assign(db, w->admin, w->teams[p], w->users[p]) ||
		    assign(db, w->admin, w->shared_team, w->users[p]) ||
		    contract(db, w->admin, w->teams[p], 1, &w->contracts[p]))
			return -1;
		w->next[p] = T0;
	}
	autolic_db_close(db);
	return 0;
}

/* ---- one process ---- */

static void record(proc_out *o, double t0, int rc, autolic_db *db)
{
	(void)db;
	double dt = bench_now() - t0;
	o->calls++;
	if (o->nlat < LAT_MAX)
		o->lat[o->nlat++] = (float)dt;
	if (rc) {
		if (!o->errors++) {
			o->first_error = rc;
			snprintf(o->first_msg, sizeof o->first_msg, "%s", autolic_errmsg());
		}
	}
}

static void child(int work, int p, int ready_fd, int go_fd)
{
	world *w = &S->w[backend];
	proc_out *o = &S->out[p];
	autolic_db *db = open_db();
	char c = 1;
	if (write(ready_fd, &c, 1) != 1 || !db)
		_exit(1);
	if (read(go_fd, &c, 1) < 0) /* EOF: go */
		_exit(1);
	int shared = work == W_FLEX_SHARED || work == W_SEAT_SHARED;
	autolic_id team = shared ? w->shared_team : w->teams[p];
	autolic_id ctr = shared ? w->shared_contract : w->contracts[p];
	tracing = getenv("W6_TRACE") != NULL;
	long ops0 = cnt.ops, conf0 = cnt.conflicts;
	unsigned long rt0 = round_trips();
	while (bench_now() < S->deadline) {
		double t0 = bench_now();
		int rc;
		if (work == W_FLEX_OWN || work == W_FLEX_SHARED) {
			char key[48];
			autolic_flex_report_spec s = AUTOLIC_FLEX_REPORT_SPEC_INIT;
			autolic_flex_result r = {.version = AUTOLIC_FLEX_RESULT_VERSION};
			snprintf(key, sizeof key, "p%d-%lu", p, ++w->keyn[p]);
			s.kind = AUTOLIC_FLEX_LAUNCH;
			s.key = key;
			s.time = now_t = w->next[p]++;
			s.product = "autocad";
			s.team = team;
			s.account = w->users[p];
			rc = autolic_flex_report(db, &s, &r);
			record(o, t0, rc, db);
			if (rc)
				continue;
			t0 = bench_now();
			snprintf(key, sizeof key, "p%d-%lu", p, ++w->keyn[p]);
			autolic_flex_report_spec cl = AUTOLIC_FLEX_REPORT_SPEC_INIT;
			cl.kind = AUTOLIC_FLEX_CLOSE;
			cl.key = key;
			cl.time = now_t = w->next[p]++;
			cl.session = r.session;
			rc = autolic_flex_report(db, &cl, &r);
			record(o, t0, rc, db);
		} else {
			rc = autolic_seat_grant(db, w->admin, ctr, "revit", w->users[p]);
			record(o, t0, rc, db);
			if (rc && rc != AUTOLIC_EEXISTS)
				continue; /* EEXISTS: an earlier revoke failed; revoke again */
			t0 = bench_now();
			rc = autolic_seat_revoke(db, w->admin, ctr, "revit", w->users[p]);
			record(o, t0, rc, db);
		}
	}
	o->ops = cnt.ops - ops0;
	o->conflicts = cnt.conflicts - conf0;
	o->round_trips = round_trips() - rt0;
	autolic_db_close(db);
	_exit(0);
}

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return x < y ? -1 : x > y;
}

/* Run one point and print its row. */
static int point(int work, int nproc, double secs)
{
	int ready[2], go[2];
	if (pipe(ready) || pipe(go))
		return -1;
	memset(S->out, 0, sizeof S->out);
	S->deadline = 1e300;
	pid_t pids[MAXP];
	for (int p = 0; p < nproc; p++) {
		pids[p] = fork();
		if (pids[p] == 0) {
			close(ready[0]);
			close(go[1]);
			child(work, p, ready[1], go[0]);
		}
	}
	close(ready[1]);
	close(go[0]);
	int ok = 1;
	for (int p = 0; p < nproc; p++) {
		char c;
		if (read(ready[0], &c, 1) != 1)
			ok = 0;
	}
	double t0 = bench_now();
	S->deadline = t0 + secs;
	close(go[1]); /* every child reads EOF: go */
	for (int p = 0; p < nproc; p++) {
		int st;
		waitpid(pids[p], &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			ok = 0;
	}
	double el = bench_now() - t0;
	close(ready[0]);
	long calls = 0, errors = 0, conflicts = 0, ops = 0, n = 0;
	unsigned long rts = 0;
	const char *msg = NULL;
	for (int p = 0; p < nproc; p++) {
		proc_out *o = &S->out[p];
		calls += o->calls;
		errors += o->errors;
		conflicts += o->conflicts;
		ops += o->ops;
		rts += o->round_trips;
		if (o->errors && !msg)
			msg = o->first_msg;
		n += o->nlat;
	}
	float *all = malloc(sizeof(float) * (size_t)(n ? n : 1));
	if (!all)
		return -1;
	long at = 0;
	for (int p = 0; p < nproc; p++) {
		memcpy(all + at, S->out[p].lat, sizeof(float) * (size_t)S->out[p].nlat);
		at += S->out[p].nlat;
	}
	qsort(all, (size_t)n, sizeof(float), cmp_float);
	double p50 = n ? all[n / 2] : 0, p99 = n ? all[(n * 99) / 100] : 0, mx = n ? all[n - 1] : 0;
	free(all);
	double c = calls ? (double)calls : 1;
	char rt[32] = "—";
	if (backend != B_SQLITE && rts)
		snprintf(rt, sizeof rt, "%.1f", (double)rts / c);
	printf("| W6 %s | %s | %d | %.0f | %.3f | %ld | %.1f | %.1f | %.1f | %.1f | %s |%s%s\n",
	       wname[work], bname[backend], nproc, (double)calls / el, (double)conflicts / c,
	       errors, p50 * 1e3, p99 * 1e3, mx * 1e3, (double)ops / c, rt,
	       ok ? "" : " (a process failed)", msg ? msg : "");
	fflush(stdout);
	return ok ? 0 : -1;
}

/* ---- PostgreSQL server ---- */

#ifdef W6_HAVE_PG
static char pg_dir[512], pg_info[512];

static void pg_stop(void)
{
	if (!pg_dir[0])
		return;
	char cmd[1200];
	snprintf(cmd, sizeof cmd, "'%s' stop '%s'", W6_PG_SERVER_SH, pg_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "W6: could not stop the server in %s\n", pg_dir);
	pg_dir[0] = 0;
}

static const char *pg_start(void)
{
	const char *env = getenv("AUTOLIC_PG_CONNINFO");
	if (env && *env)
		return env;
	if (access(W6_PG_SERVER_SH, X_OK) != 0)
		return NULL;
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "'%s' start %ld", W6_PG_SERVER_SH, (long)getpid());
	FILE *f = popen(cmd, "r");
	if (!f)
		return NULL;
	int got = fgets(pg_dir, sizeof pg_dir, f) && fgets(pg_info, sizeof pg_info, f);
	pclose(f);
	if (!got) {
		pg_dir[0] = 0;
		return NULL;
	}
	pg_dir[strcspn(pg_dir, "\n")] = 0;
	pg_info[strcspn(pg_info, "\n")] = 0;
	atexit(pg_stop);
	return pg_info;
}

/* A schema of the bench's own, emptied: the connection string for it. */
static const char *pg_fresh(const char *base, int b)
{
	static char infos[2][1200];
	char *info = infos[b == B_PG_LOCKS];
	const char *schema = b == B_PG_LOCKS ? "al_w6_locks" : "al_w6";
	char sql[200];
	snprintf(sql, sizeof sql,
	         "SET client_min_messages = warning; DROP SCHEMA IF EXISTS %s "
	         "CASCADE; CREATE SCHEMA %s",
	         schema, schema);
	PGconn *c = PQconnectdb(base);
	PGresult *r = PQexec(c, sql);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		fprintf(stderr, "W6: %s", PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	snprintf(info, sizeof infos[0], "%s options='-csearch_path=%s'", base, schema);
	return ok ? info : NULL;
}
#endif

int main(int argc, char **argv)
{
	double secs = 3;
	int procs[8] = {1, 2, 4, 8, 16}, nprocs = 5, only = -1, works = (1 << W_N) - 1;
	const char *dir = ".";
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick"))
			secs = 1;
		else if (!strcmp(argv[i], "--secs") && i + 1 < argc)
			secs = atof(argv[++i]);
		else if (!strcmp(argv[i], "--dir") && i + 1 < argc)
			dir = argv[++i];
		else if (!strcmp(argv[i], "--only") && i + 1 < argc) {
			i++;
			only = !strcmp(argv[i], "pg")      ? B_PG
			       : !strcmp(argv[i], "locks") ? B_PG_LOCKS
			                                   : B_SQLITE;
		} else if (!strcmp(argv[i], "--procs") && i + 1 < argc) {
			nprocs = 0;
			for (char *t = strtok(argv[++i], ","); t && nprocs < 8;
			     t = strtok(NULL, ","))
				if (atoi(t) >= 1 && atoi(t) <= MAXP)
					procs[nprocs++] = atoi(t);
		} else if (!strcmp(argv[i], "--work") && i + 1 < argc) {
			works = 0;
			for (char *t = strtok(argv[++i], ","); t; t = strtok(NULL, ","))
				for (int w = 0; w < W_N; w++)
					if (!strcmp(t, wname[w]))
						works |= 1 << w;
		} else if (!strcmp(argv[i], "--scale") && i + 1 < argc) {
			if (atof(argv[++i]) < 0.05) /* bench.sh's small scales: the quick run */
				secs = 1;
		}
	}
	S = mmap(NULL, sizeof *S, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (S == MAP_FAILED)
		return 1;
	printf("| W6 workload | Backend | Processes | Calls/s | Conflicts/call | Errors | p50 ms | "
	       "p99 ms | max ms | Storage ops/call | Round trips/call |\n");
	printf("|---|---|---|---|---|---|---|---|---|---|---|\n");
	int status = 0;
	const char *pg_base = NULL;
#ifdef W6_HAVE_PG
	if (only != B_SQLITE)
		pg_base = pg_start();
#endif
	/* Each backend gets its world first; then every point runs on the three
	 * backends one after the other, so that they meet the same load of the
	 * machine (its disk's flush time varies by several times over minutes). */
	char path[1024];
	const char *infos[B_N] = {NULL, NULL, NULL};
	int ready[B_N] = {0, 0, 0};
	for (int b = 0; b < B_N; b++) {
		if (only >= 0 && b != only && !(only == B_PG && b == B_PG_LOCKS))
			continue;
		backend = b;
		if (b != B_SQLITE) {
			pg_conninfo = NULL;
#ifdef W6_HAVE_PG
			if (pg_base)
				pg_conninfo = pg_fresh(pg_base, b);
#endif
			if (!pg_conninfo) {
				printf("| W6 | %s | | | | | | | | | (skipped: no server: set "
				       "AUTOLIC_PG_CONNINFO) |\n",
				       bname[b]);
				continue;
			}
			infos[b] = pg_conninfo;
		} else {
#ifndef W6_HAVE_SQLITE
			printf("| W6 | SQLite | | | | | | | | | (skipped: not built) |\n");
			continue;
#else
			(void)pg_base;
#endif
			snprintf(path, sizeof path, "%s/w6.sqlite", dir);
			unlink(path);
			char wal[1100];
			snprintf(wal, sizeof wal, "%s-wal", path);
			unlink(wal);
			snprintf(wal, sizeof wal, "%s-shm", path);
			unlink(wal);
			sqlite_path = path;
		}
		if (setup_world(&S->w[b])) {
			status = 1;
			continue;
		}
		ready[b] = 1;
	}
	for (int w = 0; w < W_N; w++)
		for (int i = 0; (works >> w & 1) && i < nprocs; i++)
			for (int b = 0; b < B_N; b++) {
				if (!ready[b])
					continue;
				backend = b;
				pg_conninfo = infos[b];
				if (point(w, procs[i], secs))
					status = 1;
			}
	return status;
}
