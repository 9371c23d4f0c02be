/*
 * W4: reopen a journal store holding n records: the time autolic_store_
 * journal_open() takes and the memory it leaves (growth of the peak RSS of
 * a fresh process, VmHWM, and the bytes it allocated, counting allocator).
 * Reference: the same n records in a SQLite file in WAL mode, opened in a
 * fresh process two ways: open + read every row (the journal's open replays
 * every record into memory, so this is the same work), and open + one
 * lookup (what SQLite needs before its first answer: it reads pages on
 * demand). Both files were just written, so both are in the OS page cache.
 *
 * W5: durable commits on the journal store, one transaction per call
 * (autolic_account_register) and batched calls (autolic_db_begin/commit),
 * against SQLite WAL synchronous=FULL and the raw write+fdatasync rate, all
 * in the same directory (--dir). At full size the three per-call rates are
 * the medians of 5 interleaved rounds.
 */
#include "bench.h"
#include "autolic.h"
#include "autolic/sys/journal.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

static void path_of(char *out, size_t cap, const char *dir, const char *name)
{
	snprintf(out, cap, "%s/%s", dir, name);
}

static void rm_journal(const char *p)
{
	char b[1100];
	unlink(p);
	snprintf(b, sizeof b, "%s.compact", p);
	unlink(b);
}

static void rm_sqlite(const char *p)
{
	char b[1100];
	unlink(p);
	snprintf(b, sizeof b, "%s-wal", p);
	unlink(b);
	snprintf(b, sizeof b, "%s-shm", p);
	unlink(b);
}

/* Record i: a 16-byte key (a type byte, then i big-endian in the last 8
 * bytes) and a 48-byte value, the size of a typical small record. */
static void record_key(unsigned char key[16], size_t i)
{
	memset(key, 0, 16);
	key[0] = 0x7f;
	for (int b = 0; b < 8; b++)
		key[8 + b] = (unsigned char)(i >> (56 - 8 * b));
}

static void sq_exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		BENCH_FAIL("W4 sqlite: %s: %s", sql, err ? err : "?");
}

/* Child modes: open, report time and memory as one table row. */
static int reopen_journal(const char *path, const char *nrec)
{
	long kib0 = bench_hwm_kib();
	bench_count cnt = {0, 0, 0};
	autolic_allocator al = bench_counting(&cnt);
	autolic_journal_options jo = AUTOLIC_JOURNAL_OPTIONS_INIT;
	jo.allocator = &al;
	double a = bench_now();
	autolic_storage st;
	if (autolic_store_journal_open(&st, path, &jo))
		BENCH_FAIL("W4 reopen: %s", autolic_errmsg());
	double t = bench_now() - a;
	long kib = bench_hwm_kib();
	size_t bytes = cnt.bytes;
	st.free(st.ctx);
	char size[64], res[64], note[256];
	snprintf(size, sizeof size, "%s records", nrec);
	snprintf(res, sizeof res, "%.3f s", t);
	snprintf(note, sizeof note,
	         "peak RSS +%.1f MiB (fresh process); allocated: %.1f MiB after the open (every"
	         " record in memory), %.1f MiB at the peak (the file is read 1 MiB at a time)",
	         (kib - kib0) / 1024.0, bytes / 1048576.0, cnt.peak / 1048576.0);
	bench_row("W4 reopen", "libautolic journal store", size, res, note);
	return 0;
}

static int reopen_sqlite(const char *path, const char *nrec, int all)
{
	long kib0 = bench_hwm_kib();
	double a = bench_now();
	sqlite3 *db;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		BENCH_FAIL("W4 sqlite open %s", path);
	sqlite3_stmt *q;
	const char *sql =
	    all ? "SELECT count(*), sum(length(v)) FROM kv" : "SELECT length(v) FROM kv WHERE k=?1";
	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
		BENCH_FAIL("W4 sqlite: %s", sqlite3_errmsg(db));
	unsigned char key[16];
	size_t n = (size_t)strtoull(nrec, NULL, 10);
	record_key(key, n / 2);
	if (!all)
		sqlite3_bind_blob(q, 1, key, sizeof key, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_ROW)
		BENCH_FAIL("W4 sqlite: no row: %s", sqlite3_errmsg(db));
	long long got = sqlite3_column_int64(q, 0);
	if (all ? (size_t)got != n : got != 48)
		BENCH_FAIL("W4 sqlite: read %lld", got);
	double t = bench_now() - a;
	long kib = bench_hwm_kib();
	sqlite3_finalize(q);
	sqlite3_close(db);
	char size[64], res[64], note[256];
	snprintf(size, sizeof size, "%s records", nrec);
	snprintf(res, sizeof res, "%.3f s", t);
	snprintf(note, sizeof note, "peak RSS +%.1f MiB (fresh process); %s", (kib - kib0) / 1024.0,
	         all ? "reads every row, as the journal's open reads every record (SQLite keeps"
	               " only its page cache, not the records)"
	             : "reads the pages of one lookup: SQLite loads on demand");
	bench_row("W4 reopen",
	          all ? "SQLite WAL file, open + read every row"
	              : "SQLite WAL file, open + one lookup",
	          size, res, note);
	return 0;
}

static void run_child(const char *self, const char *mode, const char *path, const char *nrec)
{
	pid_t pid = fork();
	if (pid == 0) {
		execl(self, self, mode, path, nrec, (char *)NULL);
		_exit(127);
	}
	int status;
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		BENCH_FAIL("W4: child %s failed", mode);
}

static void w4(const bench_opts *o, const char *self)
{
	size_t n = bench_n(o, 1000000, 1000);
	char path[1024], spath[1024];
	path_of(path, sizeof path, o->dir, "w4.journal");
	path_of(spath, sizeof spath, o->dir, "w4.sqlite");
	rm_journal(path);
	rm_sqlite(spath);
	autolic_journal_options jo = AUTOLIC_JOURNAL_OPTIONS_INIT;
	jo.flags = AUTOLIC_JOURNAL_NO_AUTO_COMPACT;
	autolic_storage st;
	if (autolic_store_journal_open(&st, path, &jo))
		BENCH_FAIL("W4 create: %s", autolic_errmsg());
	sqlite3 *db;
	if (sqlite3_open(spath, &db) != SQLITE_OK)
		BENCH_FAIL("W4 sqlite create %s", spath);
	sq_exec(
	    db,
	    "PRAGMA journal_mode=WAL; CREATE TABLE kv(k BLOB PRIMARY KEY, v BLOB) WITHOUT ROWID");
	sqlite3_stmt *ins;
	sqlite3_prepare_v2(db, "INSERT INTO kv VALUES(?1, ?2)", -1, &ins, NULL);
	unsigned char key[16], val[48];
	memset(val, 0xab, sizeof val);
	size_t done = 0;
	while (done < n) {
		if (st.begin(st.ctx, 1))
			BENCH_FAIL("W4 begin");
		sq_exec(db, "BEGIN");
		for (size_t j = 0; j < 10000 && done < n; j++, done++) {
			record_key(key, done);
			if (st.put(st.ctx, key, sizeof key, val, sizeof val))
				BENCH_FAIL("W4 put");
			sqlite3_bind_blob(ins, 1, key, sizeof key, SQLITE_STATIC);
			sqlite3_bind_blob(ins, 2, val, sizeof val, SQLITE_STATIC);
			if (sqlite3_step(ins) != SQLITE_DONE)
				BENCH_FAIL("W4 sqlite insert: %s", sqlite3_errmsg(db));
			sqlite3_reset(ins);
		}
		if (st.commit(st.ctx))
			BENCH_FAIL("W4 commit");
		sq_exec(db, "COMMIT");
	}
	st.free(st.ctx);
	sqlite3_finalize(ins);
	sqlite3_close(db);
	char nrec[32];
	snprintf(nrec, sizeof nrec, "%zu", n);
	run_child(self, "--reopen", path, nrec);
	run_child(self, "--reopen-sqlite-all", spath, nrec);
	run_child(self, "--reopen-sqlite-one", spath, nrec);
	rm_journal(path);
	rm_sqlite(spath);
}

static autolic_time fixed_clock(void *ctx)
{
	return *(autolic_time *)ctx;
}

static double w5_lib(const char *dir, size_t calls, size_t batch)
{
	char path[1024];
	path_of(path, sizeof path, dir, "w5.journal");
	rm_journal(path);
	autolic_storage st;
	if (autolic_store_journal_open(&st, path, NULL))
		BENCH_FAIL("W5 open: %s", autolic_errmsg());
	autolic_time now = 1767225600;
	autolic_db_options dopt = AUTOLIC_DB_OPTIONS_INIT;
	dopt.storage = &st;
	dopt.clock = fixed_clock;
	dopt.clock_ctx = &now;
	autolic_db *db;
	if (autolic_db_open(&db, &dopt))
		BENCH_FAIL("W5 db: %s", autolic_errmsg());
	char email[64];
	double a = bench_now();
	for (size_t i = 0; i < calls;) {
		if (batch > 1 && autolic_db_begin(db))
			BENCH_FAIL("W5 begin: %s", autolic_errmsg());
		for (size_t j = 0; j < batch && i < calls; j++, i++) {
			autolic_account_spec s = AUTOLIC_ACCOUNT_SPEC_INIT;
			snprintf(email, sizeof email, "u%zu@example.com", i);
			s.email = email;
			s.first_name = "U";
			s.last_name = "B";
			autolic_id id;
			if (autolic_account_register(db, &s, &id))
				BENCH_FAIL("W5 register: %s", autolic_errmsg());
		}
		if (batch > 1 && autolic_db_commit(db))
			BENCH_FAIL("W5 commit: %s", autolic_errmsg());
	}
	double t = bench_now() - a;
	autolic_db_close(db);
	rm_journal(path);
	return (double)calls / t;
}

static double w5_sqlite(const char *dir, size_t calls)
{
	char path[1024], b[1100];
	path_of(path, sizeof path, dir, "w5.sqlite");
	unlink(path);
	sqlite3 *db;
	if (sqlite3_open(path, &db) != SQLITE_OK)
		BENCH_FAIL("sqlite open %s", path);
	sqlite3_exec(db,
	             "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	             "CREATE TABLE account(id INTEGER PRIMARY KEY, email TEXT UNIQUE,"
	             " first TEXT, last TEXT, created INTEGER)",
	             NULL, NULL, NULL);
	sqlite3_stmt *ins;
	sqlite3_prepare_v2(db,
	                   "INSERT INTO account(email, first, last, created) VALUES(?,'U','B',?)",
	                   -1, &ins, NULL);
	char email[64];
	double a = bench_now();
	for (size_t i = 0; i < calls; i++) {
		snprintf(email, sizeof email, "u%zu@example.com", i);
		sqlite3_bind_text(ins, 1, email, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(ins, 2, 1767225600);
		if (sqlite3_step(ins) != SQLITE_DONE) /* autocommit: one transaction each */
			BENCH_FAIL("sqlite insert: %s", sqlite3_errmsg(db));
		sqlite3_reset(ins);
	}
	double t = bench_now() - a;
	sqlite3_finalize(ins);
	sqlite3_close(db);
	unlink(path);
	snprintf(b, sizeof b, "%s-wal", path);
	unlink(b);
	snprintf(b, sizeof b, "%s-shm", path);
	unlink(b);
	return (double)calls / t;
}

static double w5_raw(const char *dir, size_t calls)
{
	char path[1024];
	path_of(path, sizeof path, dir, "w5.raw");
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY | O_APPEND, 0600);
	if (fd < 0)
		BENCH_FAIL("open %s", path);
	char buf[128];
	memset(buf, 'x', sizeof buf);
	double a = bench_now();
	for (size_t i = 0; i < calls; i++) {
		if (write(fd, buf, sizeof buf) != (ssize_t)sizeof buf || fdatasync(fd))
			BENCH_FAIL("raw write/fdatasync");
	}
	double t = bench_now() - a;
	close(fd);
	unlink(path);
	return (double)calls / t;
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, dbl_cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "--reopen"))
		return reopen_journal(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "--reopen-sqlite-all"))
		return reopen_sqlite(argv[2], argv[3], 1);
	if (argc == 4 && !strcmp(argv[1], "--reopen-sqlite-one"))
		return reopen_sqlite(argv[2], argv[3], 0);
	bench_opts o = bench_parse(argc, argv);
	const char *which = getenv("BENCH_ONLY");
	if (!which || strstr(which, "W4"))
		w4(&o, "/proc/self/exe");
	if (which && !strstr(which, "W5"))
		return 0;
	size_t calls = bench_n(&o, 5000, 100);
	/* A disk's sync rate drifts by 10 to 30% over seconds on a shared
	 * machine: the three per-call rates are taken in interleaved rounds and
	 * each is the median of its rounds, so that drift reaches all three. */
	enum { ROUNDS = 5 };
	int rounds = o.scale >= 0.5 ? ROUNDS : 1;
	double raws[ROUNDS], sqls[ROUNDS], pers[ROUNDS];
	for (int i = 0; i < rounds; i++) {
		raws[i] = w5_raw(o.dir, calls);
		sqls[i] = w5_sqlite(o.dir, calls);
		pers[i] = w5_lib(o.dir, calls, 1);
	}
	double raw = median(raws, rounds), sql = median(sqls, rounds), per = median(pers, rounds);
	double bat = w5_lib(o.dir, calls * 10, 100);
	char size[64], res[64], note[160];
	snprintf(size, sizeof size, "%zu commits%s", calls,
	         rounds > 1 ? ", median of 5 interleaved rounds" : "");
	snprintf(res, sizeof res, "%.0f /s", raw);
	bench_row("W5 durability", "raw 128 B write + fdatasync", size, res, "the physical limit");
	snprintf(res, sizeof res, "%.0f /s", sql);
	bench_row("W5 durability", "SQLite WAL synchronous=FULL, txn per insert", size, res, "");
	snprintf(res, sizeof res, "%.0f calls/s", per);
	snprintf(note, sizeof note, "%.2fx SQLite; raw/lib %.2f", per / sql, raw / per);
	bench_row("W5 durability", "libautolic journal, one txn per call", size, res, note);
	snprintf(size, sizeof size, "%zu calls, 100 per batch", calls * 10);
	snprintf(res, sizeof res, "%.0f calls/s", bat);
	snprintf(note, sizeof note, "%.1fx per-call", bat / per);
	bench_row("W5 durability", "libautolic journal, autolic_db_begin/commit", size, res, note);
	return 0;
}
