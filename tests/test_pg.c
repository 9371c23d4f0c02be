/*
 * PostgreSQL backend specifics (the storage contract itself is checked by
 * test_conformance_pg): options and bad connection strings (no password in
 * any message), schema version, key order of bytea with 0x00/0xff bytes and
 * chunked scans, real serialisation failures and deadlocks between two
 * connections answered as AUTOLIC_ECONFLICT (raw vtable) and retried by the
 * runner until the call succeeds (full API), lock and statement time-outs,
 * read-only sessions, connection loss at every step of a call (nothing
 * applied, the handle reconnects), a commit whose outcome is unknown, a
 * stopped server, host batches with savepoints, and AUTOLIC_PG_KEY_LOCKS: calls
 * on different contracts neither wait for nor abort each other.
 */
#include "support.h"
#include "pg_harness.h"

#include "autolic/sys/pg.h"
#include "core/error.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define VICTIM "application_name=al_victim"

static autolic_storage raw_open(const char *extra, const autolic_pg_options *o)
{
	autolic_storage st;
	int rc = autolic_store_pg_open(&st, extra ? t_pg_conninfo_with(extra) : t_pg_conninfo(), o);
	if (rc)
		fail_msg("pg open: %d %s", rc, autolic_errmsg());
	return st;
}

static autolic_db *db_over(autolic_storage *st, unsigned retries)
{
	autolic_db_options o;
	autolic_db_options_init(&o, AUTOLIC_DB_OPTIONS_VERSION);
	o.storage = st;
	o.max_retries = retries;
	autolic_db *db = NULL;
	int rc = autolic_db_open(&db, &o);
	if (rc)
		fail_msg("db open: %d %s", rc, autolic_errmsg());
	return db;
}

static autolic_db *open_db(const char *extra)
{
	autolic_storage st = raw_open(extra, NULL);
	return db_over(&st, 0);
}

static int fresh(void **state)
{
	(void)state;
	t_pg_truncate();
	return 0;
}

static autolic_id try_register(autolic_db *db, const char *email, int *rc)
{
	autolic_account_spec s = AUTOLIC_ACCOUNT_SPEC_INIT;
	s.email = email;
	s.first_name = "Pat";
	s.last_name = "Gres";
	autolic_id id = 0;
	*rc = autolic_account_register(db, &s, &id);
	return id;
}

static void put_raw(autolic_storage *st, const char *k, const char *v)
{
	assert_int_equal(st->put(st->ctx, k, strlen(k), v, strlen(v)), 0);
}

/* ---- options and bad input ---- */

static void t_options_and_bad_input(void **state)
{
	(void)state;
	autolic_pg_options o;
	assert_int_equal(autolic_pg_options_init(NULL, 1), AUTOLIC_EINVAL);
	assert_int_equal(autolic_pg_options_init(&o, 0), AUTOLIC_EVERSION);
	assert_int_equal(autolic_pg_options_init(&o, AUTOLIC_PG_OPTIONS_VERSION + 1),
	                 AUTOLIC_EVERSION);
	assert_int_equal(autolic_pg_options_init(&o, AUTOLIC_PG_OPTIONS_VERSION), 0);
	assert_int_equal(o.version, AUTOLIC_PG_OPTIONS_VERSION);
	assert_int_equal(o.flags, 0);
	assert_int_equal(o.connect_timeout_s, 0);
	assert_int_equal(o.statement_timeout_ms, 0);
	assert_int_equal(o.lock_timeout_ms, 0);

	autolic_storage st;
	const char *ci = t_pg_conninfo();
	assert_int_equal(autolic_store_pg_open(NULL, ci, NULL), AUTOLIC_EINVAL);
	assert_non_null(strstr(autolic_errmsg(), "out"));
	assert_int_equal(autolic_store_pg_open(&st, NULL, NULL), AUTOLIC_EINVAL);
	assert_non_null(strstr(autolic_errmsg(), "conninfo"));
	o.version = AUTOLIC_PG_OPTIONS_VERSION + 1;
	assert_int_equal(autolic_store_pg_open(&st, ci, &o), AUTOLIC_EVERSION);
	o.version = 0;
	assert_int_equal(autolic_store_pg_open(&st, ci, &o), AUTOLIC_EVERSION);
	o.version = AUTOLIC_PG_OPTIONS_VERSION;
	o.flags = 2; /* AUTOLIC_PG_KEY_LOCKS is the only flag */
	assert_int_equal(autolic_store_pg_open(&st, ci, &o), AUTOLIC_EINVAL);
	assert_non_null(strstr(autolic_errmsg(), "flags 0x2"));
	o.flags = AUTOLIC_PG_KEY_LOCKS | 4;
	assert_int_equal(autolic_store_pg_open(&st, ci, &o), AUTOLIC_EINVAL);
	assert_non_null(strstr(autolic_errmsg(), "flags 0x4"));
	o.flags = 0;

	/* a malformed string is the caller's error; no piece of it is echoed */
	assert_int_equal(autolic_store_pg_open(&st, "host=localhost password=sekrit word", NULL),
	                 AUTOLIC_EINVAL);
	assert_non_null(strstr(autolic_errmsg(), "malformed connection string"));
	assert_null(strstr(autolic_errmsg(), "sekrit"));
	assert_null(strstr(autolic_errmsg(), "word"));
	assert_int_equal(autolic_store_pg_open(&st, "host='unterminated password=x", NULL),
	                 AUTOLIC_EINVAL);
	assert_int_equal(autolic_store_pg_open(&st, "postgresql://u:sekrit@[::1/db", NULL),
	                 AUTOLIC_EINVAL);
	assert_null(strstr(autolic_errmsg(), "sekrit"));
	assert_int_equal(autolic_store_pg_open(&st, "nosuchoption=1", NULL), AUTOLIC_EINVAL);

	/* nobody listening: a clear storage error, the password not repeated */
	assert_int_equal(autolic_store_pg_open(&st,
	                                       "host=127.0.0.1 port=1 user=u password=sekrit123 "
	                                       "dbname=d",
	                                       NULL),
	                 AUTOLIC_ESTORAGE);
	assert_non_null(strstr(autolic_errmsg(), "cannot connect"));
	assert_non_null(strstr(autolic_errmsg(), "127.0.0.1"));
	assert_null(strstr(autolic_errmsg(), "sekrit123"));
	/* the database does not exist */
	assert_int_equal(
	    autolic_store_pg_open(&st, t_pg_conninfo_with("dbname=al_no_such_db"), NULL),
	    AUTOLIC_ESTORAGE);
	assert_non_null(strstr(autolic_errmsg(), "al_no_such_db"));
	assert_non_null(strstr(autolic_errmsg(), "does not exist"));

	/* every option set: opens, message cleared */
	o.connect_timeout_s = 5;
	o.statement_timeout_ms = 60000;
	o.lock_timeout_ms = 60000;
	assert_int_equal(autolic_store_pg_open(&st, ci, &o), 0);
	assert_string_equal(autolic_errmsg(), "");
	st.free(st.ctx);
	/* and a URI */
	PGconn *c = t_pg_raw(NULL);
	char uri[256];
	snprintf(uri, sizeof uri, "postgresql://%s@%s:%s/%s", PQuser(c), PQhost(c), PQport(c),
	         PQdb(c));
	PQfinish(c);
	assert_int_equal(autolic_store_pg_open(&st, uri, NULL), 0);
	st.free(st.ctx);
}

/* ---- schema ---- */

static void t_schema_version(void **state)
{
	(void)state;
	PGconn *c = t_pg_raw(NULL);
	autolic_storage st = raw_open(NULL, NULL);
	st.free(st.ctx);
	assert_string_equal(
	    t_pg_exec(c, "SELECT value FROM autolic_meta WHERE name = 'schema_version'"), "1");
	assert_string_equal(t_pg_exec(c,
	                              "SELECT format_type(atttypid, NULL) FROM pg_attribute "
	                              "WHERE attrelid = 'autolic_kv'::regclass AND attname = 'k'"),
	                    "bytea");
	/* a newer schema is refused, not misread */
	t_pg_exec(c, "UPDATE autolic_meta SET value = 2 WHERE name = 'schema_version'");
	assert_int_equal(autolic_store_pg_open(&st, t_pg_conninfo(), NULL), AUTOLIC_EVERSION);
	assert_non_null(strstr(autolic_errmsg(), "schema version 2"));
	t_pg_exec(c, "UPDATE autolic_meta SET value = 1 WHERE name = 'schema_version'");
	st = raw_open(NULL, NULL);
	st.free(st.ctx);

	/* an empty database gets both tables; a second open finds them */
	t_pg_exec(c, "DROP DATABASE IF EXISTS al_fresh");
	t_pg_exec(c, "CREATE DATABASE al_fresh");
	st = raw_open("dbname=al_fresh", NULL);
	st.free(st.ctx);
	st = raw_open("dbname=al_fresh", NULL);
	assert_int_equal(st.begin(st.ctx, 1), 0);
	put_raw(&st, "k", "v");
	assert_int_equal(st.commit(st.ctx), 0);
	st.free(st.ctx);
	PQfinish(c);
}

/* Damaged or foreign set-ups are refused without being touched; a URI
 * connection string hides its password in messages. */
static void t_foreign_schema_and_uri(void **state)
{
	(void)state;
	PGconn *c = t_pg_raw(NULL);
	autolic_storage st;
	t_pg_exec(c, "DROP DATABASE IF EXISTS al_foreign");
	t_pg_exec(c, "CREATE DATABASE al_foreign");
	PGconn *f = t_pg_raw("dbname=al_foreign");
	/* autolic_meta without autolic_kv: someone else's database */
	t_pg_exec(f, "CREATE TABLE autolic_meta (name text PRIMARY KEY, value integer NOT NULL)");
	assert_int_equal(autolic_store_pg_open(&st, t_pg_conninfo_with("dbname=al_foreign"), NULL),
	                 AUTOLIC_ESTORAGE);
	assert_non_null(strstr(autolic_errmsg(), "autolic_kv does not"));
	assert_string_equal(t_pg_exec(f, "SELECT count(*) FROM autolic_meta"), "0");
	/* both tables but no schema version row */
	t_pg_exec(f, "CREATE TABLE autolic_kv (k bytea PRIMARY KEY, v bytea NOT NULL)");
	assert_int_equal(autolic_store_pg_open(&st, t_pg_conninfo_with("dbname=al_foreign"), NULL),
	                 AUTOLIC_ESTORAGE);
	assert_non_null(strstr(autolic_errmsg(), "no valid schema_version"));
	PQfinish(f);
	t_pg_exec(c, "DROP DATABASE al_foreign");
	PQfinish(c);

	/* a URI with a password that cannot connect: the password never shows */
	int rc = autolic_store_pg_open(
	    &st, "postgresql://al_nobody:s3cr3t-pw@127.0.0.1:1/none?connect_timeout=2", NULL);
	assert_int_equal(rc, AUTOLIC_ESTORAGE);
	assert_null(strstr(autolic_errmsg(), "s3cr3t-pw"));
	assert_non_null(strstr(autolic_errmsg(), "postgresql"));
}

/* Misuse of the raw vtable: a second begin, values over bytea's 1 GiB limit
 * (refused before anything is sent), free(NULL). */
static void t_vtable_misuse(void **state)
{
	(void)state;
	autolic_storage st = raw_open(NULL, NULL);
	assert_int_equal(st.begin(st.ctx, 1), 0);
	assert_int_equal(st.begin(st.ctx, 1), AUTOLIC_ESTORAGE);
	assert_non_null(strstr(al_err_take_storage(), "already open"));
	static const char small[1] = {'x'};
	const size_t huge = (size_t)1 << 30;
	assert_int_equal(st.put(st.ctx, "k", 1, small, huge), AUTOLIC_ESTORAGE);
	assert_non_null(strstr(al_err_take_storage(), "1 GiB"));
	assert_int_equal(st.put(st.ctx, small, huge, "v", 1), AUTOLIC_ESTORAGE);
	const void *v;
	size_t vl;
	assert_int_equal(st.get(st.ctx, small, huge, &v, &vl), AUTOLIC_ESTORAGE);
	assert_int_equal(st.del(st.ctx, small, huge), AUTOLIC_ESTORAGE);
	/* the transaction is still usable and empty */
	put_raw(&st, "k", "v");
	assert_int_equal(st.rollback(st.ctx), 0);
	assert_int_equal(st.begin(st.ctx, 0), 0);
	assert_int_equal(st.get(st.ctx, "k", 1, &v, &vl), AUTOLIC_ENOTFOUND);
	assert_int_equal(st.rollback(st.ctx), 0);
	st.free(st.ctx);
	st.free(NULL);
}

/* ---- key order ---- */

typedef struct keys {
	unsigned char k[4096][8];
	size_t len[4096];
	int n, stop;
	size_t bytes;
} keys;

static int collect(const void *k, size_t kl, const void *v, size_t vl, void *arg)
{
	(void)v;
	keys *c = arg;
	assert_true(kl <= 8);
	assert_true(c->n < 4096);
	memcpy(c->k[c->n], k, kl);
	c->len[c->n] = kl;
	c->bytes += vl;
	c->n++;
	return c->stop && c->n == c->stop ? 99 : 0;
}

static int keycmp(const unsigned char *a, size_t al, const unsigned char *b, size_t bl)
{
	int c = memcmp(a, b, al < bl ? al : bl);
	return c ? c : (al < bl ? -1 : al > bl);
}

/* bytea orders by memcmp and then by length: 0x00 bytes, 0xff bytes, the
 * empty key, prefixes; and scans that cross many chunks stay in order. */
static void t_key_order_binary(void **state)
{
	(void)state;
	static const unsigned char k0[] = {0x00}, k00[] = {0x00, 0x00}, k01[] = {0x00, 0x01},
	                           kff[] = {0xff}, kff00[] = {0xff, 0x00}, kffff[] = {0xff, 0xff},
	                           k7f[] = {0x7f}, k80[] = {0x80}, k1ff[] = {0x01, 0xff},
	                           k2[] = {0x02};
	const unsigned char *want[] = {
	    (const unsigned char *)"", k0, k00, k01, k1ff, k2, k7f, k80, kff, kff00, kffff};
	const size_t wlen[] = {0, 1, 2, 2, 2, 1, 1, 1, 1, 2, 2};
	const int order[] = {8, 3, 10, 0, 5, 1, 9, 2, 7, 4, 6}; /* insertion order */
	autolic_storage st = raw_open(NULL, NULL);
	assert_int_equal(st.begin(st.ctx, 1), 0);
	for (int i = 0; i < 11; i++)
		assert_int_equal(st.put(st.ctx, want[order[i]], wlen[order[i]], "v", 1), 0);
	assert_int_equal(st.commit(st.ctx), 0);

	static keys c;
	memset(&c, 0, sizeof c);
	assert_int_equal(st.begin(st.ctx, 0), 0);
	assert_int_equal(st.scan(st.ctx, "", 0, NULL, 0, collect, &c), 0);
	assert_int_equal(c.n, 11);
	for (int i = 0; i < 11; i++) {
		assert_int_equal(c.len[i], wlen[i]);
		assert_memory_equal(c.k[i], want[i], wlen[i] ? wlen[i] : 1);
	}
	/* [0x00 0x00, 0xff): the bounds are exact bytes, not strings */
	memset(&c, 0, sizeof c);
	assert_int_equal(st.scan(st.ctx, k00, 2, kff, 1, collect, &c), 0);
	assert_int_equal(c.n, 6); /* 00 00, 00 01, 01 ff, 02, 7f, 80 */
	assert_int_equal(c.len[0], 2);
	assert_int_equal(c.k[5][0], 0x80);
	/* [0xff, +inf) */
	memset(&c, 0, sizeof c);
	assert_int_equal(st.scan(st.ctx, kff, 1, NULL, 0, collect, &c), 0);
	assert_int_equal(c.n, 3);
	/* get of the empty key and of a key with a zero byte */
	const void *p;
	size_t l;
	assert_int_equal(st.get(st.ctx, "", 0, &p, &l), 0);
	assert_int_equal(l, 1);
	assert_int_equal(st.get(st.ctx, k00, 2, &p, &l), 0);
	assert_int_equal(st.get(st.ctx, "\x00\x00\x00", 3, &p, &l), AUTOLIC_ENOTFOUND);
	assert_int_equal(st.rollback(st.ctx), 0);

	/* 3000 random binary keys: one scan crosses many chunks, in order */
	unsigned seed = 7;
	assert_int_equal(st.begin(st.ctx, 1), 0);
	for (int i = 0; i < 3000; i++) {
		unsigned char k[8];
		size_t kl = 3 + (size_t)(i % 5);
		k[0] = 0x10; /* above the keys put before */
		for (size_t j = 1; j < kl; j++) {
			seed = seed * 1103515245u + 12345u;
			unsigned b = (seed >> 16) & 0xff;
			k[j] = (unsigned char)(b < 40 ? 0x00 : b > 215 ? 0xff : b);
		}
		k[1] = (unsigned char)(i >> 8);
		k[2] = (unsigned char)i; /* distinct */
		assert_int_equal(st.put(st.ctx, k, kl, "x", 1), 0);
	}
	assert_int_equal(st.commit(st.ctx), 0);
	assert_int_equal(st.begin(st.ctx, 0), 0);
	memset(&c, 0, sizeof c);
	const unsigned char lo[] = {0x10};
	const unsigned char hi[] = {0x11};
	assert_int_equal(st.scan(st.ctx, lo, 1, hi, 1, collect, &c), 0);
	assert_int_equal(c.n, 3000);
	for (int i = 1; i < c.n; i++)
		assert_true(keycmp(c.k[i - 1], c.len[i - 1], c.k[i], c.len[i]) < 0);
	/* early stops inside the first chunk and deep inside a later one */
	memset(&c, 0, sizeof c);
	c.stop = 5;
	assert_int_equal(st.scan(st.ctx, lo, 1, NULL, 0, collect, &c), 99);
	assert_int_equal(c.n, 5);
	memset(&c, 0, sizeof c);
	c.stop = 1500;
	assert_int_equal(st.scan(st.ctx, lo, 1, hi, 1, collect, &c), 99);
	assert_int_equal(c.n, 1500);
	assert_int_equal(st.rollback(st.ctx), 0);

	/* large values: chunks shrink to stay near 1 MiB, nothing is missed */
	char *big = malloc(300000);
	memset(big, 'b', 300000);
	assert_int_equal(st.begin(st.ctx, 1), 0);
	for (int i = 0; i < 40; i++) {
		char k[8] = {0x20, (char)i};
		assert_int_equal(st.put(st.ctx, k, 2, big, 300000), 0);
	}
	assert_int_equal(st.commit(st.ctx), 0);
	free(big);
	assert_int_equal(st.begin(st.ctx, 0), 0);
	memset(&c, 0, sizeof c);
	assert_int_equal(st.scan(st.ctx, "\x20", 1, "\x21", 1, collect, &c), 0);
	assert_int_equal(c.n, 40);
	assert_int_equal(c.bytes, 40u * 300000u);
	assert_int_equal(st.rollback(st.ctx), 0);
	st.free(st.ctx);
}

/* ---- serialisation failures ---- */

/* Write skew between two SERIALIZABLE transactions: each reads the key the
 * other writes. PostgreSQL refuses one of them (40001): the backend answers
 * AUTOLIC_ECONFLICT, and once rolled back the loser's retry succeeds. */
static void t_serialization_failure_raw(void **state)
{
	(void)state;
	autolic_storage a = raw_open(NULL, NULL), b = raw_open(NULL, NULL);
	assert_int_equal(a.begin(a.ctx, 1), 0);
	put_raw(&a, "x", "0");
	put_raw(&a, "y", "0");
	assert_int_equal(a.commit(a.ctx), 0);

	const void *p;
	size_t l;
	assert_int_equal(a.begin(a.ctx, 1), 0);
	assert_int_equal(b.begin(b.ctx, 1), 0);
	assert_int_equal(a.get(a.ctx, "x", 1, &p, &l), 0);
	assert_int_equal(b.get(b.ctx, "y", 1, &p, &l), 0);
	int ra = a.put(a.ctx, "y", 1, "a", 1);
	int rb = b.put(b.ctx, "x", 1, "b", 1);
	if (!ra)
		ra = a.commit(a.ctx);
	else
		a.rollback(a.ctx);
	char msg[512] = "";
	if (!rb) {
		rb = b.commit(b.ctx);
		if (rb)
			snprintf(msg, sizeof msg, "%s", al_err_take_storage());
		b.rollback(b.ctx);
	} else {
		snprintf(msg, sizeof msg, "%s", al_err_take_storage());
		b.rollback(b.ctx);
	}
	/* exactly one lost, with the conflict code and PostgreSQL's reason */
	assert_int_equal(ra, 0);
	assert_int_equal(rb, AUTOLIC_ECONFLICT);
	assert_non_null(strstr(msg, "could not serialize"));
	assert_non_null(strstr(msg, "40001"));
	/* the retry of the loser succeeds */
	assert_int_equal(b.begin(b.ctx, 1), 0);
	assert_int_equal(b.get(b.ctx, "y", 1, &p, &l), 0);
	assert_int_equal(l, 1);
	assert_memory_equal(p, "a", 1);
	put_raw(&b, "x", "b");
	assert_int_equal(b.commit(b.ctx), 0);
	a.free(a.ctx);
	b.free(b.ctx);
}

/* A wrapper around a backend that calls hooks before and after each
 * operation (begin, get, put, del, scan, commit count; rollback does not)
 * and records the conflicts the backend answered. */
typedef struct hooked hooked;
typedef int (*hook_fn)(hooked *h, int op, int after, const void *key, size_t klen, int rc);
enum { OP_BEGIN, OP_GET, OP_PUT, OP_DEL, OP_SCAN, OP_COMMIT, OP_OTHER };
struct hooked {
	autolic_storage in;
	long ops, begins, conflicts, fired;
	hook_fn hook;
	void *arg;
	char conflict_msg[512];
};

static int h_note(hooked *h, int rc)
{
	if (rc == AUTOLIC_ECONFLICT) {
		h->conflicts++;
		snprintf(h->conflict_msg, sizeof h->conflict_msg, "%s", al_err_take_storage());
		autolic_storage_set_error("%s", h->conflict_msg);
	}
	return rc;
}

#define H_CALL(h, op, key, klen, expr)                                                             \
	do {                                                                                       \
		(h)->ops++;                                                                        \
		int pre_ = (h)->hook ? (h)->hook((h), (op), 0, (key), (klen), 0) : 0;              \
		if (pre_)                                                                          \
			return h_note((h), pre_);                                                  \
		int rc_ = (expr);                                                                  \
		if ((h)->hook)                                                                     \
			rc_ = (h)->hook((h), (op), 1, (key), (klen), rc_);                         \
		return h_note((h), rc_);                                                           \
	} while (0)

static int h_begin(void *ctx, int write)
{
	hooked *h = ctx;
	h->begins++;
	H_CALL(h, OP_BEGIN, NULL, 0, h->in.begin(h->in.ctx, write));
}
static int h_get(void *ctx, const void *k, size_t kl, const void **v, size_t *vl)
{
	hooked *h = ctx;
	H_CALL(h, OP_GET, k, kl, h->in.get(h->in.ctx, k, kl, v, vl));
}
static int h_put(void *ctx, const void *k, size_t kl, const void *v, size_t vl)
{
	hooked *h = ctx;
	H_CALL(h, OP_PUT, k, kl, h->in.put(h->in.ctx, k, kl, v, vl));
}
static int h_del(void *ctx, const void *k, size_t kl)
{
	hooked *h = ctx;
	H_CALL(h, OP_DEL, k, kl, h->in.del(h->in.ctx, k, kl));
}
static int h_scan(void *ctx, const void *s, size_t sl, const void *e, size_t el,
                  autolic_storage_scan_cb cb, void *arg)
{
	hooked *h = ctx;
	H_CALL(h, OP_SCAN, s, sl, h->in.scan(h->in.ctx, s, sl, e, el, cb, arg));
}
static int h_commit(void *ctx)
{
	hooked *h = ctx;
	H_CALL(h, OP_COMMIT, NULL, 0, h->in.commit(h->in.ctx));
}
static int h_rollback(void *ctx)
{
	hooked *h = ctx;
	return h->in.rollback(h->in.ctx);
}
static int h_savepoint(void *ctx)
{
	hooked *h = ctx;
	return h_note(h, h->in.savepoint(h->in.ctx));
}
static int h_release(void *ctx)
{
	hooked *h = ctx;
	return h_note(h, h->in.release(h->in.ctx));
}
static int h_rollback_to(void *ctx)
{
	hooked *h = ctx;
	return h_note(h, h->in.rollback_to(h->in.ctx));
}
static void h_free(void *ctx)
{
	hooked *h = ctx;
	h->in.free(h->in.ctx);
}

/* A handle over a hooked PostgreSQL backend (`h` must outlive it). */
static autolic_db *open_hooked_with(hooked *h, const char *extra, const autolic_pg_options *o,
                                    unsigned retries)
{
	memset(h, 0, sizeof *h);
	h->in = raw_open(extra, o);
	autolic_storage st = {0};
	st.version = AUTOLIC_STORAGE_VERSION;
	st.ctx = h;
	st.begin = h_begin;
	st.get = h_get;
	st.put = h_put;
	st.del = h_del;
	st.scan = h_scan;
	st.commit = h_commit;
	st.rollback = h_rollback;
	st.free = h_free;
	st.savepoint = h_savepoint;
	st.release = h_release;
	st.rollback_to = h_rollback_to;
	return db_over(&st, retries);
}

static autolic_db *open_hooked(hooked *h, const char *extra, unsigned retries)
{
	return open_hooked_with(h, extra, NULL, retries);
}

/* After the call's first read (its snapshot is taken), another session
 * rewrites every row and commits: the call's later write of one of those
 * rows is a real serialisation failure. */
static int rewrite_all_after_first_get(hooked *h, int op, int after, const void *key, size_t kl,
                                       int rc)
{
	(void)key;
	(void)kl;
	if (op == OP_GET && after && !h->fired) {
		h->fired++;
		PGconn *c = t_pg_raw(NULL);
		t_pg_exec(c, "UPDATE autolic_kv SET v = v");
		PQfinish(c);
	}
	return rc;
}

/* Through the full API: the runner rolls back on the conflict, runs the call
 * again, and it succeeds. */
static void t_serialization_failure_runner(void **state)
{
	(void)state;
	hooked h;
	/* registered through another handle: the hooked one has no account
	 * ids of its own yet, so its call reads and writes the id record */
	autolic_db *other = open_db(NULL);
	t_register(other, "first@example.com", "First", "One");
	autolic_db_close(other);
	autolic_db *db = open_hooked(&h, NULL, 0);
	h.hook = rewrite_all_after_first_get;
	long begins = h.begins;
	int rc;
	autolic_id id = try_register(db, "second@example.com", &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(h.fired, 1);
	assert_true(h.conflicts >= 1);
	assert_non_null(strstr(h.conflict_msg, "could not serialize"));
	assert_true(h.begins - begins >= 2); /* retried */
	h.hook = NULL;
	autolic_account_info info = {.version = AUTOLIC_ACCOUNT_INFO_VERSION};
	assert_int_equal(autolic_account_get(db, id, &info), 0);
	assert_string_equal(info.email, "second@example.com");
	autolic_db_close(db);
}

/* ---- deadlocks ---- */

typedef struct locker {
	const char *first; /* key locked first */
	size_t first_len;
	const unsigned char *second;
	size_t second_len;
	const char *deadlock_timeout; /* of this session */
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int locked;
	int result; /* of the second lock */
	char msg[512];
} locker;

static void locker_signal(locker *l)
{
	pthread_mutex_lock(&l->mu);
	l->locked = 1;
	pthread_cond_broadcast(&l->cv);
	pthread_mutex_unlock(&l->mu);
}

/* Wait until the locker holds its first row and waits for its second: the
 * session that asks next closes the cycle and, with the shorter
 * deadlock_timeout, is the one that detects it. */
static void locker_wait(locker *l)
{
	pthread_mutex_lock(&l->mu);
	while (!l->locked)
		pthread_cond_wait(&l->cv, &l->mu);
	pthread_mutex_unlock(&l->mu);
	PGconn *c = t_pg_raw(NULL);
	for (int i = 0; i < 3000; i++) {
		if (strcmp(t_pg_exec(c,
		                     "SELECT count(*) FROM pg_stat_activity WHERE "
		                     "application_name = 'al_locker' AND wait_event_type = 'Lock'"),
		           "1") == 0)
			break;
		usleep(10000);
	}
	PQfinish(c);
}

static int upsert(PGconn *c, const void *k, size_t kl, char *msg, size_t n)
{
	const char *pv[1] = {kl ? k : ""};
	int pl[1] = {(int)kl}, pf[1] = {1};
	PGresult *r = PQexecParams(c,
	                           "INSERT INTO autolic_kv (k, v) VALUES ($1, '\\x00') "
	                           "ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v",
	                           1, NULL, pv, pl, pf, 0);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		snprintf(msg, n, "%s", PQresultErrorMessage(r));
	PQclear(r);
	return ok ? 0 : -1;
}

/* A second session: locks `first`, signals, then asks for `second`. */
static void *locker_main(void *arg)
{
	locker *l = arg;
	PGconn *c = PQconnectdb(t_pg_conninfo_with("application_name=al_locker"));
	char sql[128];
	snprintf(sql, sizeof sql, "SET deadlock_timeout = '%s'", l->deadlock_timeout);
	PQclear(PQexec(c, sql));
	PQclear(PQexec(c, "BEGIN ISOLATION LEVEL SERIALIZABLE"));
	if (upsert(c, l->first, l->first_len, l->msg, sizeof l->msg) != 0)
		l->result = -2;
	locker_signal(l);
	if (!l->result)
		l->result = upsert(c, l->second, l->second_len, l->msg, sizeof l->msg);
	PQclear(PQexec(c, "ROLLBACK"));
	PQfinish(c);
	return NULL;
}

static void locker_init(locker *l)
{
	memset(l, 0, sizeof *l);
	pthread_mutex_init(&l->mu, NULL);
	pthread_cond_init(&l->cv, NULL);
}

static void locker_done(locker *l)
{
	pthread_mutex_destroy(&l->mu);
	pthread_cond_destroy(&l->cv);
}

/* Two sessions each hold one row and ask for the other's: PostgreSQL breaks
 * the deadlock by failing one of them (40P01), answered as ECONFLICT. The
 * other session's deadlock_timeout is long, so the backend's session is the
 * one that detects the cycle and loses. The backend sends a write with the
 * next read or with the COMMIT: the get sends the put of ka, the COMMIT the
 * put of kb that closes the cycle. */
static void t_deadlock_raw(void **state)
{
	(void)state;
	autolic_storage a = raw_open(NULL, NULL);
	static const unsigned char ka[] = {0x00, 'a'}, kb[] = {0xff, 'b'};
	locker l;
	locker_init(&l);
	l.first = (const char *)kb;
	l.first_len = 2;
	l.second = ka;
	l.second_len = 2;
	l.deadlock_timeout = "60s";
	assert_int_equal(a.begin(a.ctx, 1), 0);
	assert_int_equal(a.put(a.ctx, ka, 2, "A", 1), 0);
	const void *v;
	size_t vl;
	assert_int_equal(a.get(a.ctx, ka, 2, &v, &vl), 0); /* sends the put: holds ka */
	assert_int_equal(pthread_create(&l.th, NULL, locker_main, &l), 0);
	locker_wait(&l);                                  /* the other holds kb, waits for ka */
	assert_int_equal(a.put(a.ctx, kb, 2, "A", 1), 0); /* queued */
	int rc = a.commit(a.ctx);                         /* waits for kb: a cycle */
	char msg[512];
	snprintf(msg, sizeof msg, "%s", al_err_take_storage());
	assert_int_equal(a.rollback(a.ctx), 0);
	assert_int_equal(pthread_join(l.th, NULL), 0);
	assert_int_equal(rc, AUTOLIC_ECONFLICT);
	assert_non_null(strstr(msg, "deadlock detected"));
	assert_non_null(strstr(msg, "40P01"));
	assert_int_equal(l.result, 0); /* the other one went on */
	locker_done(&l);
	/* the backend is fine afterwards */
	assert_int_equal(a.begin(a.ctx, 1), 0);
	assert_int_equal(a.put(a.ctx, kb, 2, "A", 1), 0);
	assert_int_equal(a.commit(a.ctx), 0);
	a.free(a.ctx);
}

static const unsigned char sentinel[] = {0xfe, 0xfe, 'd', 'l'};

/* After the call's first write (sent at once by a read of that row, so that
 * the call holds it), a second session locks a sentinel row and then asks
 * for the call's row; the hook makes the call write the sentinel row and
 * read it back (which sends that write): a deadlock, which the call loses. */
static int deadlock_after_first_put(hooked *h, int op, int after, const void *key, size_t kl,
                                    int rc)
{
	if (op != OP_PUT || !after || h->fired || rc)
		return rc;
	h->fired++;
	const void *v;
	size_t vl;
	rc = h->in.get(h->in.ctx, key, kl, &v, &vl); /* sends the put */
	if (rc)
		return rc;
	locker *l = h->arg;
	static unsigned char k1[256];
	assert_true(kl <= sizeof k1);
	memcpy(k1, key, kl);
	l->first = (const char *)sentinel;
	l->first_len = sizeof sentinel;
	l->second = k1;
	l->second_len = kl;
	l->deadlock_timeout = "60s";
	assert_int_equal(pthread_create(&l->th, NULL, locker_main, l), 0);
	locker_wait(l);
	rc = h->in.put(h->in.ctx, sentinel, sizeof sentinel, "x", 1);
	return rc ? rc : h->in.get(h->in.ctx, sentinel, sizeof sentinel, &v, &vl);
}

static void t_deadlock_runner(void **state)
{
	(void)state;
	hooked h;
	autolic_db *db = open_hooked(&h, NULL, 0);
	t_register(db, "first@example.com", "First", "One");
	locker lk;
	locker_init(&lk);
	h.hook = deadlock_after_first_put;
	h.arg = &lk;
	long begins = h.begins;
	int rc;
	autolic_id id = try_register(db, "second@example.com", &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(h.fired, 1);
	assert_int_equal(pthread_join(lk.th, NULL), 0);
	/* the other session got the row once the call rolled back, or, when the
	 * call's retry updated that row and committed first, lost in turn */
	if (lk.result && !strstr(lk.msg, "could not serialize"))
		fail_msg("the other session: %s", lk.msg);
	locker_done(&lk);
	assert_true(h.conflicts >= 1);
	assert_non_null(strstr(h.conflict_msg, "deadlock detected"));
	assert_true(h.begins - begins >= 2); /* retried */
	h.hook = NULL;
	autolic_account_info info = {.version = AUTOLIC_ACCOUNT_INFO_VERSION};
	assert_int_equal(autolic_account_get(db, id, &info), 0);
	autolic_db_close(db);
	/* nothing of the sentinel: both its writers rolled back */
	autolic_storage st = raw_open(NULL, NULL);
	assert_int_equal(st.begin(st.ctx, 0), 0);
	const void *p;
	size_t l;
	assert_int_equal(st.get(st.ctx, sentinel, sizeof sentinel, &p, &l), AUTOLIC_ENOTFOUND);
	assert_int_equal(st.rollback(st.ctx), 0);
	st.free(st.ctx);
}

/* ---- time-outs, failed transactions, read-only sessions ---- */

/* A row held by another session: with lock_timeout the wait ends in
 * ECONFLICT (55P03, retried by the runner, which then gives up with a clear
 * message); with statement_timeout in ESTORAGE (57014). The write waits in
 * the backend's queue and fails where it is sent: with the COMMIT, or with
 * the next read. A COMMIT after a failed statement is refused: the server
 * rolled the transaction back. */
static void t_timeouts_and_failed_commit(void **state)
{
	(void)state;
	autolic_storage setup = raw_open(NULL, NULL);
	assert_int_equal(setup.begin(setup.ctx, 1), 0);
	put_raw(&setup, "held", "0");
	put_raw(&setup, "other", "0");
	assert_int_equal(setup.commit(setup.ctx), 0);
	setup.free(setup.ctx);

	PGconn *holder = t_pg_raw(NULL);
	t_pg_exec(holder, "BEGIN");
	t_pg_exec(holder, "UPDATE autolic_kv SET v = '\\x01' WHERE k = 'held'::bytea");

	autolic_pg_options o = AUTOLIC_PG_OPTIONS_INIT;
	o.lock_timeout_ms = 50;
	autolic_storage a = raw_open(NULL, &o);
	assert_int_equal(a.begin(a.ctx, 1), 0);
	put_raw(&a, "other", "1");
	assert_int_equal(a.put(a.ctx, "held", 4, "1", 1), 0); /* queued */
	assert_int_equal(a.commit(a.ctx), AUTOLIC_ECONFLICT);
	char msg[512];
	snprintf(msg, sizeof msg, "%s", al_err_take_storage());
	assert_non_null(strstr(msg, "postgresql put"));
	assert_non_null(strstr(msg, "lock timeout"));
	assert_non_null(strstr(msg, "55P03"));
	assert_int_equal(a.rollback(a.ctx), 0);
	const void *p;
	size_t l;
	/* sent by a read: the read answers the write's failure */
	assert_int_equal(a.begin(a.ctx, 1), 0);
	put_raw(&a, "other", "1");
	assert_int_equal(a.put(a.ctx, "held", 4, "1", 1), 0);
	assert_int_equal(a.get(a.ctx, "other", 5, &p, &l), AUTOLIC_ECONFLICT);
	snprintf(msg, sizeof msg, "%s", al_err_take_storage());
	assert_non_null(strstr(msg, "postgresql put"));
	assert_non_null(strstr(msg, "55P03"));
	/* the transaction has failed: COMMIT must not report success */
	assert_int_equal(a.commit(a.ctx), AUTOLIC_ESTORAGE);
	snprintf(msg, sizeof msg, "%s", al_err_take_storage());
	assert_non_null(strstr(msg, "rolled it back"));
	assert_int_equal(a.rollback(a.ctx), 0);
	assert_int_equal(a.begin(a.ctx, 0), 0);
	assert_int_equal(a.get(a.ctx, "other", 5, &p, &l), 0);
	assert_memory_equal(p, "0", 1); /* not "1" */
	assert_int_equal(a.rollback(a.ctx), 0);
	a.free(a.ctx);

	o.lock_timeout_ms = 0;
	o.statement_timeout_ms = 50;
	a = raw_open(NULL, &o);
	assert_int_equal(a.begin(a.ctx, 1), 0);
	assert_int_equal(a.put(a.ctx, "held", 4, "1", 1), 0);
	assert_int_equal(a.commit(a.ctx), AUTOLIC_ESTORAGE);
	snprintf(msg, sizeof msg, "%s", al_err_take_storage());
	assert_non_null(strstr(msg, "statement timeout"));
	assert_int_equal(a.rollback(a.ctx), 0);
	a.free(a.ctx);

	/* through the full API: retried, then a clear ECONFLICT */
	o.statement_timeout_ms = 0;
	o.lock_timeout_ms = 20;
	autolic_storage st = raw_open(NULL, &o);
	autolic_db *db = db_over(&st, 3);
	PGconn *c = t_pg_raw(NULL);
	t_pg_exec(holder, "ROLLBACK");
	/* through another handle: db's registration takes its id from the id
	 * record, a row the holder locks */
	autolic_db *other = open_db(NULL);
	t_register(other, "first@example.com", "First", "One");
	autolic_db_close(other);
	t_pg_exec(holder, "BEGIN");
	t_pg_exec(holder, "SELECT * FROM autolic_kv FOR UPDATE"); /* every row */
	int rc;
	try_register(db, "second@example.com", &rc);
	assert_int_equal(rc, AUTOLIC_ECONFLICT);
	assert_non_null(strstr(autolic_errmsg(), "gave up after 3 attempts"));
	assert_non_null(strstr(autolic_errmsg(), "lock timeout"));
	t_pg_exec(holder, "ROLLBACK");
	try_register(db, "second@example.com", &rc);
	assert_int_equal(rc, 0);
	autolic_db_close(db);
	PQfinish(c);
	PQfinish(holder);
}

/* 25006: a read-only session answers writes with AUTOLIC_EREADONLY, at open
 * when the tables are missing and at a call's first write otherwise. */
static void t_read_only_session(void **state)
{
	(void)state;
	autolic_storage st = raw_open(NULL, NULL); /* the tables exist */
	st.free(st.ctx);
	const char *ro = "options='-c default_transaction_read_only=on'";
	autolic_db *db = open_db(ro);
	int rc;
	try_register(db, "ro@example.com", &rc);
	assert_int_equal(rc, AUTOLIC_EREADONLY);
	assert_non_null(strstr(autolic_errmsg(), "read-only"));
	autolic_id id = 0;
	assert_int_equal(autolic_account_find(db, "ro@example.com", &id), AUTOLIC_ENOTFOUND);
	autolic_db_close(db);

	PGconn *c = t_pg_raw(NULL);
	t_pg_exec(c, "DROP DATABASE IF EXISTS al_ro");
	t_pg_exec(c, "CREATE DATABASE al_ro");
	PQfinish(c);
	assert_int_equal(autolic_store_pg_open(&st,
	                                       t_pg_conninfo_with("dbname=al_ro "
	                                                          "options='-c "
	                                                          "default_transaction_read_"
	                                                          "only=on'"),
	                                       NULL),
	                 AUTOLIC_EREADONLY);
	assert_non_null(strstr(autolic_errmsg(), "read-only"));
}

/* ---- connection loss ---- */

/* Terminate the backend process of the connection named al_victim, and wait
 * until it is gone. */
static void kill_victim(void)
{
	PGconn *c = t_pg_raw(NULL);
	const char *r =
	    t_pg_exec(c, "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 10000)) "
	                 "FROM pg_stat_activity WHERE application_name = 'al_victim' "
	                 "AND pid <> pg_backend_pid()");
	assert_string_equal(r, "1");
	PQfinish(c);
}

static long kill_at;

static int kill_before_op(hooked *h, int op, int after, const void *key, size_t kl, int rc)
{
	(void)op;
	(void)key;
	(void)kl;
	if (!after && h->ops == kill_at) {
		h->fired++;
		kill_victim();
	}
	return rc;
}

/* The connection is killed before each operation of a call in turn. Before
 * anything of the call has reached the server (begin, and the operations up
 * to its first read, which carries BEGIN and the queued writes in one round
 * trip) the backend reconnects, sends it all again and the call succeeds;
 * later the call fails with AUTOLIC_ESTORAGE and a clear message, the store
 * shows nothing of it, and the next call on the same handle reconnects and
 * works. A kill before the COMMIT is no unknown outcome: the COMMIT travels
 * with the writes, and the server that ended the session answers their first
 * statement with that error, so nothing was applied (the unknown outcome is
 * t_commit_outcome_unknown's). */
static void t_connection_loss_every_step(void **state)
{
	(void)state;
	hooked h;
	autolic_db *db = open_hooked(&h, VICTIM, 0);
	autolic_storage observer = raw_open(NULL, NULL);
	t_register(db, "first@example.com", "First", "One");
	int failures = 0, unknown = 0, resent = 0;
	for (long n = 1;; n++) {
		t_dump before, after;
		t_dump_store(&observer, &before);
		char email[64];
		snprintf(email, sizeof email, "n%ld@example.com", n);
		h.hook = kill_before_op;
		h.fired = 0;
		kill_at = h.ops + n;
		int rc;
		try_register(db, email, &rc);
		h.hook = NULL;
		if (!h.fired) { /* the call had fewer operations: done */
			assert_int_equal(rc, 0);
			t_dump_free(&before);
			break;
		}
		autolic_id id = 0;
		if (rc == 0) {
			/* nothing had reached the server: reconnected and sent again */
			resent++;
			assert_int_equal(autolic_account_find(db, email, &id), 0);
		} else {
			failures++;
			assert_int_equal(rc, AUTOLIC_ESTORAGE);
			const char *m = autolic_errmsg();
			assert_non_null(strstr(m, "connection"));
			assert_non_null(strstr(m, "lost"));
			if (strstr(m, "outcome unknown"))
				unknown++; /* killed just before COMMIT */
			else
				assert_non_null(strstr(m, "nothing of it was applied"));
			t_dump_store(&observer, &after);
			assert_true(t_dump_equal(&before, &after));
			t_dump_free(&after);
			/* the same handle works again: it reconnects at the next begin */
			assert_int_equal(autolic_account_find(db, email, &id), AUTOLIC_ENOTFOUND);
			try_register(db, email, &rc);
			assert_int_equal(rc, 0);
		}
		t_dump_free(&before);
	}
	assert_true(resent >= 2); /* before begin and before the first read */
	assert_true(failures >= 3);
	assert_int_equal(unknown, 0);
	observer.free(observer.ctx);
	autolic_db_close(db);
}

/* A COMMIT that the server carried out, but whose answer never came: the
 * server waits for a synchronous standby that does not exist, and the
 * connection is terminated during that wait. The call reports the unknown
 * outcome (never success, never "nothing applied"); after reconnecting, the
 * host finds that it was in fact applied. */
typedef struct waiter {
	int killed;
} waiter;

static void *kill_when_waiting_for_standby(void *arg)
{
	waiter *w = arg;
	PGconn *c = t_pg_raw(NULL);
	for (int i = 0; i < 3000 && !w->killed; i++) {
		const char *r =
		    t_pg_exec(c, "SELECT count(*) FILTER (WHERE "
		                 "pg_terminate_backend(pid, 10000)) FROM pg_stat_activity "
		                 "WHERE application_name = 'al_victim' AND "
		                 "wait_event = 'SyncRep'");
		if (strcmp(r, "1") == 0)
			w->killed = 1;
		else
			usleep(10000);
	}
	PQfinish(c);
	return NULL;
}

static void sync_standby(PGconn *c, const char *names)
{
	char sql[128];
	snprintf(sql, sizeof sql, "ALTER SYSTEM SET synchronous_standby_names = '%s'", names);
	t_pg_exec(c, sql);
	t_pg_exec(c, "SELECT pg_reload_conf()");
	/* wait until new sessions see it (the postmaster reloads asynchronously) */
	for (int i = 0; i < 500; i++) {
		PGconn *n = t_pg_raw(NULL);
		int done = strcmp(t_pg_exec(n, "SHOW synchronous_standby_names"), names) == 0;
		PQfinish(n);
		if (done)
			return;
		usleep(10000);
	}
	fail_msg("synchronous_standby_names never became '%s'", names);
}

static void t_commit_outcome_unknown(void **state)
{
	(void)state;
	autolic_db *db = open_db(VICTIM);
	t_register(db, "first@example.com", "First", "One");
	PGconn *c = t_pg_raw(NULL);
	sync_standby(c, "al_nowhere");
	autolic_db_close(db);
	db = open_db(VICTIM); /* a session that has the setting */
	waiter w = {0};
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, kill_when_waiting_for_standby, &w), 0);
	int rc;
	try_register(db, "maybe@example.com", &rc);
	assert_int_equal(pthread_join(th, NULL), 0);
	sync_standby(c, "");
	assert_int_equal(w.killed, 1);
	assert_int_equal(rc, AUTOLIC_ESTORAGE);
	assert_non_null(strstr(autolic_errmsg(), "outcome unknown"));
	assert_non_null(strstr(autolic_errmsg(), "may or may not have been applied"));
	assert_non_null(strstr(autolic_errmsg(), "committed locally")); /* the server's warning */
	/* it was applied: a host that retries must look first (or be idempotent) */
	autolic_id id = 0;
	assert_int_equal(autolic_account_find(db, "maybe@example.com", &id), 0);
	try_register(db, "maybe@example.com", &rc);
	assert_int_equal(rc, AUTOLIC_EEXISTS);
	autolic_db_close(db);
	PQfinish(c);
}

/* The server stops: calls fail with a clear error (no hang, no crash) until
 * it is back, and then the same handle works again. */
static void t_server_stopped(void **state)
{
	(void)state;
	if (!t_pg_own_server())
		skip(); /* an outside server (AUTOLIC_PG_CONNINFO) is not ours to stop */
	autolic_db *db = open_db(NULL);
	t_register(db, "first@example.com", "First", "One");
	assert_int_equal(t_pg_server("server-stop"), 0);
	int rc;
	try_register(db, "down@example.com", &rc);
	assert_int_equal(rc, AUTOLIC_ESTORAGE);
	assert_non_null(strstr(autolic_errmsg(), "postgresql begin"));
	assert_non_null(strstr(autolic_errmsg(), "reconnecting failed"));
	autolic_id id = 0;
	assert_int_equal(autolic_account_find(db, "first@example.com", &id), AUTOLIC_ESTORAGE);
	assert_int_equal(t_pg_server("server-start"), 0);
	assert_int_equal(autolic_account_find(db, "first@example.com", &id), 0);
	try_register(db, "down@example.com", &rc);
	assert_int_equal(rc, 0);
	autolic_db_close(db);
	/* and a fresh open against a stopped server is a clear error too */
	assert_int_equal(t_pg_server("server-stop"), 0);
	autolic_storage st;
	assert_int_equal(autolic_store_pg_open(&st, t_pg_conninfo(), NULL), AUTOLIC_ESTORAGE);
	assert_non_null(strstr(autolic_errmsg(), "cannot connect"));
	assert_int_equal(t_pg_server("server-start"), 0);
}

/* ---- key locks: calls on different owners never meet ---- */

typedef struct other_call {
	autolic_db *db;
	autolic_id actor, contract, user;
	int rc;
} other_call;

/* Just before the call's COMMIT (it holds its locks and has sent its reads),
 * another handle runs a whole call and commits. */
static int other_call_before_commit(hooked *h, int op, int after, const void *key, size_t kl,
                                    int rc)
{
	(void)key;
	(void)kl;
	if (op == OP_COMMIT && !after && !h->fired) {
		h->fired++;
		other_call *o = h->arg;
		o->rc = autolic_seat_revoke(o->db, o->actor, o->contract, "revit", o->user);
	}
	return rc;
}

static autolic_id buy_revit(autolic_db *db, autolic_id manager, uint32_t qty)
{
	autolic_contract_product_spec p = AUTOLIC_CONTRACT_PRODUCT_SPEC_INIT;
	p.product = "revit";
	p.quantity = qty;
	autolic_contract_spec c = AUTOLIC_CONTRACT_SPEC_INIT;
	c.products = &p;
	c.nproducts = 1;
	c.start = 1;
	c.end = INT64_MAX / 2;
	autolic_id id = 0;
	int rc = autolic_contract_buy(db, manager, &c, &id);
	if (rc)
		fail_msg("contract: %d %s", rc, autolic_errmsg());
	return id;
}

/* With AUTOLIC_PG_KEY_LOCKS, a seat revoke on one contract runs whole and
 * commits while a revoke on another team's contract sits between its reads and its
 * COMMIT: neither waits, neither conflicts, both apply. (Under SERIALIZABLE
 * the same interleaving aborts the first call: its predicate locks cover
 * the index and heap pages it read, which hold the other contract's rows
 * too.) Then on one contract: the second of two concurrent revokes waits
 * for the first and finds the seat gone (SEAT-5: the count stays exact).
 * Afterwards a handle without the flag is refused. */
static void t_key_locks_owners_apart(void **state)
{
	(void)state;
	autolic_pg_options o = AUTOLIC_PG_OPTIONS_INIT;
	o.flags = AUTOLIC_PG_KEY_LOCKS;
	hooked h;
	autolic_db *a = open_hooked_with(&h, NULL, &o, 0);
	autolic_pg_options ob = o;
	ob.lock_timeout_ms = 1000; /* a wait for the hooked call would never end: fail instead */
	autolic_storage sb = raw_open(NULL, &ob);
	autolic_db *b = db_over(&sb, 1);
	/* two teams: the calls of one team also append to its one stream of
	 * notices (NOTE-2), so they queue for each other whatever contract */
	autolic_id admin = t_register(a, "admin@example.com", "Ada", "Admin");
	autolic_id admin2 = t_register(a, "admin2@example.com", "Bea", "Admin");
	autolic_id u1 = t_register(a, "u1@example.com", "Una", "One");
	autolic_id u2 = t_register(a, "u2@example.com", "Two", "Two");
	autolic_id c1 = buy_revit(a, admin, 1), c2 = buy_revit(a, admin2, 1);
	assert_int_equal(autolic_seat_grant(a, admin, c1, "revit", u1), 0);
	assert_int_equal(autolic_seat_grant(a, admin2, c2, "revit", u2), 0);

	other_call other = {b, admin2, c2, u2, -1};
	h.hook = other_call_before_commit;
	h.arg = &other;
	long begins = h.begins;
	assert_int_equal(autolic_seat_revoke(a, admin, c1, "revit", u1), 0);
	assert_int_equal(h.fired, 1);
	assert_int_equal(other.rc, 0);
	assert_int_equal(h.conflicts, 0);
	assert_int_equal(h.begins - begins, 1); /* not retried */
	h.hook = NULL;
	autolic_seat_summary sum = {.version = AUTOLIC_SEAT_SUMMARY_VERSION};
	assert_int_equal(autolic_seat_summary_get(a, c1, "revit", &sum), 0);
	assert_int_equal(sum.granted, 0);
	assert_int_equal(autolic_seat_summary_get(a, c2, "revit", &sum), 0);
	assert_int_equal(sum.granted, 0);

	/* one contract: the other revoke queues behind the hooked call's
	 * locks, times out (the hooked call cannot commit while it waits) and
	 * reports the conflict; after the commit it finds nothing to revoke */
	assert_int_equal(autolic_seat_grant(a, admin, c1, "revit", u1), 0);
	other.actor = admin;
	other.contract = c1;
	other.user = u1;
	h.hook = other_call_before_commit;
	h.fired = 0;
	assert_int_equal(autolic_seat_revoke(a, admin, c1, "revit", u1), 0);
	assert_int_equal(other.rc, AUTOLIC_ECONFLICT);
	h.hook = NULL;
	assert_int_equal(autolic_seat_revoke(b, admin, c1, "revit", u1), AUTOLIC_ENOTFOUND);
	assert_int_equal(autolic_seat_summary_get(b, c1, "revit", &sum), 0);
	assert_int_equal(sum.granted, 0);
	autolic_db_close(b);
	autolic_db_close(a);

	/* the database remembers the mode: a handle without the flag, which
	 * would take none of the locks, is refused until the mark is gone */
	autolic_storage st;
	assert_int_equal(autolic_store_pg_open(&st, t_pg_conninfo(), NULL), AUTOLIC_EINVAL);
	assert_non_null(strstr(autolic_errmsg(), "AUTOLIC_PG_KEY_LOCKS"));
	PGconn *c = t_pg_raw(NULL);
	t_pg_exec(c, "DELETE FROM autolic_meta WHERE name = 'key_locks'");
	PQfinish(c);
	st = raw_open(NULL, NULL);
	st.free(st.ctx);
}

/* ---- host batches ---- */

/* A failed call inside a host batch is undone by ROLLBACK TO its savepoint;
 * the batch's other work commits. */
static void t_batch_savepoints(void **state)
{
	(void)state;
	autolic_db *db = open_db(NULL);
	assert_int_equal(autolic_db_begin(db), 0);
	autolic_id one = t_register(db, "one@example.com", "One", "Batch");
	int rc;
	try_register(db, "one@example.com", &rc);
	assert_int_equal(rc, AUTOLIC_EEXISTS);
	autolic_id two = t_register(db, "two@example.com", "Two", "Batch");
	assert_int_equal(autolic_db_commit(db), 0);
	autolic_db_close(db);

	db = open_db(NULL); /* durable, seen by a new connection */
	autolic_account_info info = {.version = AUTOLIC_ACCOUNT_INFO_VERSION};
	assert_int_equal(autolic_account_get(db, one, &info), 0);
	assert_string_equal(info.first_name, "One");
	assert_int_equal(autolic_account_get(db, two, &info), 0);
	assert_int_equal(autolic_db_begin(db), 0);
	autolic_id three = t_register(db, "three@example.com", "Three", "Gone");
	assert_int_equal(autolic_db_rollback(db), 0);
	assert_int_equal(autolic_account_get(db, three, &info), AUTOLIC_ENOTFOUND);
	autolic_db_close(db);
}

int main(void)
{
	if (!t_pg_conninfo())
		return 1; /* no server: a failure, never a skip */
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(t_options_and_bad_input, fresh),
	    cmocka_unit_test_setup(t_schema_version, fresh),
	    cmocka_unit_test_setup(t_foreign_schema_and_uri, fresh),
	    cmocka_unit_test_setup(t_vtable_misuse, fresh),
	    cmocka_unit_test_setup(t_key_order_binary, fresh),
	    cmocka_unit_test_setup(t_serialization_failure_raw, fresh),
	    cmocka_unit_test_setup(t_serialization_failure_runner, fresh),
	    cmocka_unit_test_setup(t_deadlock_raw, fresh),
	    cmocka_unit_test_setup(t_deadlock_runner, fresh),
	    cmocka_unit_test_setup(t_timeouts_and_failed_commit, fresh),
	    cmocka_unit_test_setup(t_read_only_session, fresh),
	    cmocka_unit_test_setup(t_connection_loss_every_step, fresh),
	    cmocka_unit_test_setup(t_commit_outcome_unknown, fresh),
	    cmocka_unit_test_setup(t_server_stopped, fresh),
	    cmocka_unit_test_setup(t_batch_savepoints, fresh),
	    cmocka_unit_test_setup(t_key_locks_owners_apart, fresh),
	};
	return t_run_group("pg", tests, NULL, NULL);
}
