/*
 * SQLite storage backend: one ordered key/value table in a WAL-mode database.
 * Built as the separate library libautolic-sqlite; see include/autolic/sys/sqlite.h
 * and docs/sqlite-backend.md.
 */
#include "autolic/sys/sqlite.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SQ_SCHEMA 1

/* A non-NULL pointer for empty blobs: sqlite3_bind_blob(NULL) would bind NULL. */
static const unsigned char empty[1];

enum { S_GET, S_PUT, S_DEL, S_SCAN_FROM, S_SCAN_RANGE, S_NSTMT };

static const char *const stmt_sql[S_NSTMT] = {
    "SELECT v FROM autolic_kv WHERE k = ?1",
    "INSERT OR REPLACE INTO autolic_kv (k, v) VALUES (?1, ?2)",
    "DELETE FROM autolic_kv WHERE k = ?1",
    "SELECT k, v FROM autolic_kv WHERE k >= ?1 ORDER BY k",
    "SELECT k, v FROM autolic_kv WHERE k >= ?1 AND k < ?2 ORDER BY k",
};

typedef struct sq {
	sqlite3 *db;
	sqlite3_stmt *st[S_NSTMT];
	unsigned char *buf; /* copy of the last get result */
	size_t cap;
	int in_txn;
	unsigned int timeout_ms; /* the busy timeout */
	struct timespec waiting; /* when the current wait for a lock began */
	uint64_t rng;            /* jitter of the waits */
} sq;

/* Waiting for a lock held by another connection (SQLite's busy handler).
 * SQLite's own handler sleeps 1, 2, 5 ... then 100 ms at a time: a writer
 * that has waited a while wakes up every 100 ms, and with several processes
 * committing every few milliseconds the lock is nearly always taken again
 * when it looks, so it can starve for seconds (a process that has just
 * committed takes the lock again at once). This one looks again after a
 * random 250 to 500 us, and after 40 looks (some 15 ms) every 100 to
 * 200 us, so a long waiter looks most often and wins the lock soon after
 * it is released; it gives up at the busy timeout. */
static int sq_busy(void *ctx, int count)
{
	sq *s = ctx;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (count == 0)
		s->waiting = now;
	long long waited_ms = (long long)(now.tv_sec - s->waiting.tv_sec) * 1000 +
	                      (now.tv_nsec - s->waiting.tv_nsec) / 1000000;
	if (waited_ms >= (long long)s->timeout_ms)
		return 0;                         /* SQLITE_BUSY: the runner retries the call */
	uint64_t x = s->rng ^ (uint64_t)getpid(); /* xorshift64 */
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	s->rng = x;
	unsigned int cap = count < 40 ? 500u : 200u; /* us */
	unsigned int us = cap / 2 + (unsigned int)(x % (cap / 2 + 1));
	struct timespec ts = {0, (long)us * 1000};
	nanosleep(&ts, NULL);
	return 1;
}

/* Map an SQLite result to a library code. */
static int sq_code(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return 0;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return AUTOLIC_ECONFLICT;
	case SQLITE_NOMEM:
		return AUTOLIC_ENOMEM;
	case SQLITE_READONLY:
		return AUTOLIC_EREADONLY;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return AUTOLIC_ECORRUPT;
	default:
		return AUTOLIC_ESTORAGE;
	}
}

/* Report a failure of `what` through the storage message and return its code. */
static int sq_fail(sq *s, int rc, const char *what)
{
	int code = sq_code(rc);
	if (code == AUTOLIC_ECONFLICT)
		autolic_storage_set_error(
		    "sqlite %s: database locked by another connection past the "
		    "busy timeout (%s)",
		    what, sqlite3_errstr(rc));
	else /* the connection's message when it is about this failure */
		autolic_storage_set_error("sqlite %s: %s", what,
		                          sqlite3_extended_errcode(s->db) == rc
		                              ? sqlite3_errmsg(s->db)
		                              : sqlite3_errstr(rc));
	return code;
}

static int sq_exec(sq *s, const char *sql, const char *what)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : sq_fail(s, rc, what);
}

static int bind_blob(sqlite3_stmt *st, int i, const void *p, size_t n)
{
	if (n > 0x7fffffff)
		return SQLITE_TOOBIG;
	return sqlite3_bind_blob(st, i, n ? p : empty, (int)n, SQLITE_STATIC);
}

static int sq_begin(void *ctx, int write)
{
	sq *s = ctx;
	if (s->in_txn) {
		autolic_storage_set_error("sqlite begin: a transaction is already open");
		return AUTOLIC_ESTORAGE;
	}
	int rc = sq_exec(s, write ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED", "begin");
	if (!rc)
		s->in_txn = 1;
	return rc;
}

static int sq_get(void *ctx, const void *key, size_t klen, const void **val, size_t *vlen)
{
	sq *s = ctx;
	sqlite3_stmt *st = s->st[S_GET];
	int rc = bind_blob(st, 1, key, klen);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	int out;
	if (rc == SQLITE_ROW) {
		size_t n = (size_t)sqlite3_column_bytes(st, 0);
		const void *p = sqlite3_column_blob(st, 0);
		if (n > s->cap) {
			unsigned char *b = realloc(s->buf, n);
			if (!b) {
				sqlite3_reset(st);
				sqlite3_clear_bindings(st);
				autolic_storage_set_error(
				    "sqlite get: out of memory copying %zu bytes", n);
				return AUTOLIC_ENOMEM;
			}
			s->buf = b;
			s->cap = n;
		}
		if (n)
			memcpy(s->buf, p, n);
		*val = n ? (const void *)s->buf : (const void *)empty;
		*vlen = n;
		out = 0;
	} else if (rc == SQLITE_DONE) {
		out = AUTOLIC_ENOTFOUND;
	} else {
		out = sq_fail(s, rc, "get");
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return out;
}

static int sq_put(void *ctx, const void *key, size_t klen, const void *val, size_t vlen)
{
	sq *s = ctx;
	sqlite3_stmt *st = s->st[S_PUT];
	int rc = bind_blob(st, 1, key, klen);
	if (rc == SQLITE_OK)
		rc = bind_blob(st, 2, val, vlen);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	int out = rc == SQLITE_DONE ? 0 : sq_fail(s, rc, "put");
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return out;
}

static int sq_del(void *ctx, const void *key, size_t klen)
{
	sq *s = ctx;
	sqlite3_stmt *st = s->st[S_DEL];
	int rc = bind_blob(st, 1, key, klen);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	int out;
	if (rc == SQLITE_DONE)
		out = sqlite3_changes(s->db) ? 0 : AUTOLIC_ENOTFOUND;
	else
		out = sq_fail(s, rc, "del");
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return out;
}

/* The library never calls into the backend from a scan callback, so the
 * column buffers are handed out directly: valid until the next step. */
static int sq_scan(void *ctx, const void *start, size_t slen, const void *end, size_t elen,
                   autolic_storage_scan_cb cb, void *arg)
{
	sq *s = ctx;
	sqlite3_stmt *st = s->st[end ? S_SCAN_RANGE : S_SCAN_FROM];
	int rc = bind_blob(st, 1, start, slen);
	if (rc == SQLITE_OK && end)
		rc = bind_blob(st, 2, end, elen);
	int out = 0;
	if (rc == SQLITE_OK) {
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			size_t kl = (size_t)sqlite3_column_bytes(st, 0);
			const void *k = sqlite3_column_blob(st, 0);
			size_t vl = (size_t)sqlite3_column_bytes(st, 1);
			const void *v = sqlite3_column_blob(st, 1);
			out = cb(kl ? k : empty, kl, vl ? v : empty, vl, arg);
			if (out)
				break;
		}
	}
	if (!out && rc != SQLITE_DONE)
		out = sq_fail(s, rc, "scan");
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return out;
}

static int sq_commit(void *ctx)
{
	sq *s = ctx;
	int rc = sq_exec(s, "COMMIT", "commit");
	if (!rc || sqlite3_get_autocommit(s->db))
		s->in_txn = 0; /* done, or SQLite already rolled it back */
	return rc;
}

static int sq_rollback(void *ctx)
{
	sq *s = ctx;
	s->in_txn = 0;
	if (sqlite3_get_autocommit(s->db))
		return 0; /* nothing open (SQLite may have rolled back on its own) */
	return sq_exec(s, "ROLLBACK", "rollback");
}

static int sq_savepoint(void *ctx)
{
	return sq_exec(ctx, "SAVEPOINT al_sp", "savepoint");
}

static int sq_release(void *ctx)
{
	return sq_exec(ctx, "RELEASE al_sp", "release");
}

static int sq_rollback_to(void *ctx)
{
	return sq_exec(ctx, "ROLLBACK TO al_sp; RELEASE al_sp", "rollback to savepoint");
}

static void sq_free(void *ctx)
{
	sq *s = ctx;
	if (!s)
		return;
	for (int i = 0; i < S_NSTMT; i++)
		sqlite3_finalize(s->st[i]);
	if (s->db) {
		if (!sqlite3_get_autocommit(s->db))
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		sqlite3_close(s->db);
	}
	free(s->buf);
	free(s);
}

int autolic_sqlite_options_init(autolic_sqlite_options *opts, unsigned int version)
{
	if (!opts)
		return AUTOLIC_EINVAL;
	if (version == 0 || version > AUTOLIC_SQLITE_OPTIONS_VERSION)
		return AUTOLIC_EVERSION;
	autolic_sqlite_options d = AUTOLIC_SQLITE_OPTIONS_INIT;
	d.version = version;
	*opts = d;
	return 0;
}

/* Describe a failure of the open call and return its code (published by
 * autolic_storage_result() when the open returns). */
static int open_err(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int open_err(int code, const char *fmt, ...)
{
	char text[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	autolic_storage_set_error("%s", text);
	return code;
}

/* Set up one connection: timeout, WAL, synchronous level, schema. */
static int sq_setup(sq *s, const char *path, unsigned int timeout, int sync)
{
	static const char *const sync_sql[] = {
	    "PRAGMA synchronous=NORMAL", "PRAGMA synchronous=FULL", "PRAGMA synchronous=EXTRA"};
	s->timeout_ms = timeout;
	s->rng = (uint64_t)(uintptr_t)s ^ 0x9e3779b97f4a7c15u;
	int rc = sqlite3_busy_handler(s->db, sq_busy, s);
	if (rc != SQLITE_OK)
		return open_err(sq_code(rc), "sqlite %s: busy handler: %s", path,
		                sqlite3_errmsg(s->db));
	sqlite3_extended_result_codes(s->db, 1);

	sqlite3_stmt *st = NULL;
	rc = sqlite3_prepare_v2(s->db, "PRAGMA journal_mode=WAL", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		int code = sq_code(rc);
		open_err(code, "sqlite %s: cannot switch to WAL mode: %s", path,
		         sqlite3_errmsg(s->db));
		sqlite3_finalize(st);
		return code;
	}
	const char *mode = (const char *)sqlite3_column_text(st, 0);
	int wal = mode && strcmp(mode, "wal") == 0;
	sqlite3_finalize(st);
	if (!wal)
		return open_err(AUTOLIC_ESTORAGE,
		                "sqlite %s: the file refused WAL mode (journal mode %s)", path,
		                mode ? mode : "unknown");

	rc = sqlite3_exec(s->db, sync_sql[sync - 1], NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return open_err(sq_code(rc), "sqlite %s: synchronous level: %s", path,
		                sqlite3_errmsg(s->db));

	/* Schema, under the write lock so concurrent first opens agree. */
	rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return open_err(sq_code(rc), "sqlite %s: locking for set-up: %s", path,
		                sqlite3_errmsg(s->db));
	int version = -1;
	rc = sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		version = sqlite3_column_int(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	int code = 0;
	if (rc != SQLITE_OK) {
		code = open_err(sq_code(rc), "sqlite %s: reading the schema version: %s", path,
		                sqlite3_errmsg(s->db));
	} else if (version > SQ_SCHEMA || version < 0) {
		code =
		    open_err(AUTOLIC_EVERSION,
		             "sqlite %s: schema version %d is newer than this library knows (%d)",
		             path, version, SQ_SCHEMA);
	} else if (version == 0) {
		rc = sqlite3_exec(
		    s->db,
		    "CREATE TABLE IF NOT EXISTS autolic_kv (k BLOB PRIMARY KEY NOT NULL,"
		    " v BLOB NOT NULL) WITHOUT ROWID; PRAGMA user_version=1",
		    NULL, NULL, NULL);
		if (rc != SQLITE_OK)
			code = open_err(sq_code(rc), "sqlite %s: creating the table: %s", path,
			                sqlite3_errmsg(s->db));
	}
	if (!code) {
		rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
		if (rc != SQLITE_OK)
			code = open_err(sq_code(rc), "sqlite %s: committing the set-up: %s", path,
			                sqlite3_errmsg(s->db));
	}
	if (code) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return code;
	}
	for (int i = 0; i < S_NSTMT; i++) {
		rc = sqlite3_prepare_v3(s->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
		                        &s->st[i], NULL);
		if (rc != SQLITE_OK)
			return open_err(sq_code(rc), "sqlite %s: preparing statements: %s", path,
			                sqlite3_errmsg(s->db));
	}
	return 0;
}

static int sq_open(autolic_storage *out, const char *path, const autolic_sqlite_options *opts)
{
	autolic_sqlite_options o = AUTOLIC_SQLITE_OPTIONS_INIT;
	if (!out || !path)
		return open_err(AUTOLIC_EINVAL, "sqlite open: %s is NULL", out ? "path" : "out");
	if (!*path || strcmp(path, ":memory:") == 0 || strncmp(path, "file:", 5) == 0)
		return open_err(AUTOLIC_EINVAL,
		                "sqlite open: path must name a file (WAL needs one), got \"%s\"",
		                path);
	if (opts) {
		if (opts->version == 0 || opts->version > AUTOLIC_SQLITE_OPTIONS_VERSION)
			return open_err(AUTOLIC_EVERSION, "sqlite open: options version %u unknown",
			                opts->version);
		o = *opts;
	}
	if (o.flags)
		return open_err(AUTOLIC_EINVAL, "sqlite open: unknown flags 0x%x", o.flags);
	if (o.synchronous < AUTOLIC_SQLITE_SYNC_DEFAULT ||
	    o.synchronous > AUTOLIC_SQLITE_SYNC_EXTRA)
		return open_err(AUTOLIC_EINVAL, "sqlite open: unknown synchronous level %d",
		                o.synchronous);
	int sync = o.synchronous ? o.synchronous : AUTOLIC_SQLITE_SYNC_FULL;
	unsigned int timeout =
	    o.busy_timeout_ms ? o.busy_timeout_ms : AUTOLIC_SQLITE_DEFAULT_BUSY_TIMEOUT_MS;

	sq *s = calloc(1, sizeof(*s));
	if (!s)
		return open_err(AUTOLIC_ENOMEM, "sqlite open: out of memory");
	int rc = sqlite3_open_v2(
	    path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL);
	int code;
	if (rc != SQLITE_OK) {
		code = s->db ? sq_code(rc) : AUTOLIC_ENOMEM;
		if (code == AUTOLIC_ECONFLICT)
			code = AUTOLIC_ESTORAGE;
		open_err(code, "sqlite %s: cannot open: %s", path,
		         s->db ? sqlite3_errmsg(s->db) : "out of memory");
	} else {
		code = sq_setup(s, path, timeout, sync);
	}
	if (code) {
		sq_free(s);
		return code;
	}
	autolic_storage st = {0};
	st.version = AUTOLIC_STORAGE_VERSION;
	st.ctx = s;
	st.begin = sq_begin;
	st.get = sq_get;
	st.put = sq_put;
	st.del = sq_del;
	st.scan = sq_scan;
	st.commit = sq_commit;
	st.rollback = sq_rollback;
	st.free = sq_free;
	st.savepoint = sq_savepoint;
	st.release = sq_release;
	st.rollback_to = sq_rollback_to;
	*out = st;
	return 0;
}

int autolic_store_sqlite_open(autolic_storage *out, const char *path,
                              const autolic_sqlite_options *opts)
{
	autolic_storage_set_error("%s", "");
	return autolic_storage_result(sq_open(out, path, opts));
}
