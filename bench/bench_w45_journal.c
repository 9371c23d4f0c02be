/*
 * W4: reopen a journal store holding n records (time, peak RSS of a fresh
 * process via getrusage). W5: durable commits on the journal store, one
 * transaction per call (autolic_account_register) and batched calls
 * (autolic_db_begin/commit), against SQLite WAL synchronous=FULL and the raw
 * write+fdatasync rate, all in the same directory (--dir).
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

/* Child mode: open the journal, report time and peak RSS. */
static int reopen_child(const char *path, const char *nrec)
{
	double a = bench_now();
	autolic_storage st;
	if (autolic_store_journal_open(&st, path, NULL))
		BENCH_FAIL("W4 reopen: %s", autolic_errmsg());
	double t = bench_now() - a;
	long kib = bench_maxrss_kib();
	st.free(st.ctx);
	char size[64], res[64], note[64];
	snprintf(size, sizeof size, "%s records", nrec);
	snprintf(res, sizeof res, "%.3f s", t);
	snprintf(note, sizeof note, "peak RSS %.1f MiB (fresh process)", kib / 1024.0);
	bench_row("W4 reopen", "libautolic journal store", size, res, note);
	return 0;
}

static void w4(const bench_opts *o, const char *self)
{
	size_t n = bench_n(o, 1000000, 1000);
	char path[1024];
	path_of(path, sizeof path, o->dir, "w4.journal");
	rm_journal(path);
	autolic_journal_options jo = AUTOLIC_JOURNAL_OPTIONS_INIT;
	jo.flags = AUTOLIC_JOURNAL_NO_AUTO_COMPACT;
	autolic_storage st;
	if (autolic_store_journal_open(&st, path, &jo))
		BENCH_FAIL("W4 create: %s", autolic_errmsg());
	/* 16-byte keys, 48-byte values: the size of a typical small record */
	unsigned char key[16] = {0x7f}, val[48];
	memset(val, 0xab, sizeof val);
	size_t done = 0;
	while (done < n) {
		if (st.begin(st.ctx, 1))
			BENCH_FAIL("W4 begin");
		for (size_t j = 0; j < 10000 && done < n; j++, done++) {
			for (int b = 0; b < 8; b++)
				key[8 + b] = (unsigned char)(done >> (56 - 8 * b));
			if (st.put(st.ctx, key, sizeof key, val, sizeof val))
				BENCH_FAIL("W4 put");
		}
		if (st.commit(st.ctx))
			BENCH_FAIL("W4 commit");
	}
	st.free(st.ctx);
	char nrec[32];
	snprintf(nrec, sizeof nrec, "%zu", n);
	pid_t pid = fork();
	if (pid == 0) {
		execl(self, self, "--reopen", path, nrec, (char *)NULL);
		_exit(127);
	}
	int status;
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		BENCH_FAIL("W4: reopen child failed");
	rm_journal(path);
}

static autolic_time fixed_clock(void *ctx) { return *(autolic_time *)ctx; }

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
	sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	                 "CREATE TABLE account(id INTEGER PRIMARY KEY, email TEXT UNIQUE,"
	                 " first TEXT, last TEXT, created INTEGER)",
	             NULL, NULL, NULL);
	sqlite3_stmt *ins;
	sqlite3_prepare_v2(db, "INSERT INTO account(email, first, last, created) VALUES(?,'U','B',?)",
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

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "--reopen"))
		return reopen_child(argv[2], argv[3]);
	bench_opts o = bench_parse(argc, argv);
	const char *which = getenv("BENCH_ONLY");
	if (!which || strstr(which, "W4"))
		w4(&o, "/proc/self/exe");
	if (which && !strstr(which, "W5"))
		return 0;
	size_t calls = bench_n(&o, 5000, 100);
	double raw = w5_raw(o.dir, calls);
	double sql = w5_sqlite(o.dir, calls);
	double per = w5_lib(o.dir, calls, 1);
	double bat = w5_lib(o.dir, calls * 10, 100);
	char size[64], res[64], note[128];
	snprintf(size, sizeof size, "%zu commits", calls);
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
