/*
 * PostgreSQL storage backend: one ordered key/value table, SERIALIZABLE
 * transactions (or, with AUTOLIC_PG_KEY_LOCKS, READ COMMITTED under
 * two-phase advisory locks), prepared statements with binary parameters,
 * chunked scans, writes queued and sent in one pipeline with the next read
 * or the COMMIT. Built as the separate library libautolic-pg; see
 * include/autolic/sys/pg.h, docs/pg-backend.md and docs/scaling.md.
 */
#include "autolic/sys/pg.h"
#include "pg_stats.h"

#include <arpa/inet.h>
#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG_SCHEMA 1

/* pg_type OIDs of the parameters (fixed in PostgreSQL's catalogue). */
#define OID_BYTEA      17
#define OID_INT4       23
#define OID_INT8       20
#define OID_TEXT       25
#define OID_INT8_ARRAY 1016

/* Scans read the range in chunks: the first is small (most scans of the
 * library stop early or cover few keys), later ones double up to CHUNK_MAX
 * rows, and shrink when rows are large so that a chunk stays near
 * CHUNK_BYTES. */
#define CHUNK_FIRST 16
#define CHUNK_MAX   1024
#define CHUNK_BYTES (1u << 20)

/* Key of the advisory lock that serialises concurrent first opens ("al_kv_v1"). */
#define SETUP_LOCK "7020090834315867697"

/* A non-NULL pointer for empty byte strings: a NULL parameter value is SQL NULL. */
static const char empty[1];

enum {
	S_GET,
	S_PUT,
	S_DEL,
	S_SCAN_GE,
	S_SCAN_GT,
	S_RANGE_GE,
	S_RANGE_GT,
	S_LOCKS,
	S_LOCK_UP,
	S_NSTMT
};

static const struct {
	const char *name, *sql;
	int nparams;
	Oid types[3];
} stmts[S_NSTMT] = {
    {"al_get", "SELECT v FROM autolic_kv WHERE k = $1", 1, {OID_BYTEA}},
    {"al_put",
     "INSERT INTO autolic_kv (k, v) VALUES ($1, $2) ON CONFLICT (k) DO UPDATE SET v = "
     "EXCLUDED.v",
     2,
     {OID_BYTEA, OID_BYTEA}},
    {"al_del", "DELETE FROM autolic_kv WHERE k = $1", 1, {OID_BYTEA}},
    {"al_scan_ge",
     "SELECT k, v FROM autolic_kv WHERE k >= $1 ORDER BY k LIMIT $2",
     2,
     {OID_BYTEA, OID_INT4}},
    {"al_scan_gt",
     "SELECT k, v FROM autolic_kv WHERE k > $1 ORDER BY k LIMIT $2",
     2,
     {OID_BYTEA, OID_INT4}},
    {"al_range_ge",
     "SELECT k, v FROM autolic_kv WHERE k >= $1 AND k < $2 ORDER BY k LIMIT $3",
     3,
     {OID_BYTEA, OID_BYTEA, OID_INT4}},
    {"al_range_gt",
     "SELECT k, v FROM autolic_kv WHERE k > $1 AND k < $2 ORDER BY k LIMIT $3",
     3,
     {OID_BYTEA, OID_BYTEA, OID_INT4}},
    /* the locks queued one after the other, in one statement: shared, then exclusive */
    {"al_locks",
     "SELECT (SELECT count(pg_advisory_xact_lock_shared(a)) FROM unnest($1::int8[]) a), "
     "(SELECT count(pg_advisory_xact_lock(a)) FROM unnest($2::int8[]) a)",
     2,
     {OID_INT8_ARRAY, OID_INT8_ARRAY}},
    /* an upgrade from shared to exclusive waits 1 ms at most (55P03, retried):
     * two calls that both hold a lock shared and both want it exclusive
     * would otherwise wait for the deadlock detector */
    {"al_lock_up",
     "SELECT set_config('lock_timeout', '1ms', true), pg_advisory_xact_lock($1), "
     "set_config('lock_timeout', $2, true)",
     2,
     {OID_INT8, OID_TEXT}},
};

/* The queue of statements not sent yet: writes and savepoints. */
enum { Q_PUT, Q_DEL, Q_SAVEPOINT, Q_LOCKS, Q_LOCK_UP };
#define QUEUE_MAX   1024       /* statements queued at most: then they are sent */
#define QUEUE_BYTES (1u << 20) /* bytes of keys and values queued at most */
#define KNOWN_MAX   4096       /* keys remembered as existing, per transaction */
#define HEADS_MAX                                                                                  \
	256 /* key locks (AUTOLIC_PG_KEY_LOCKS) per record type before one                         \
	       for the whole type */

typedef struct qent {
	int kind;
	size_t koff, klen, voff, vlen; /* in pgb.qbuf */
} qent;

typedef struct kent {
	int used, present;
	uint32_t h;
	size_t koff, klen; /* in pgb.kbuf */
} kent;

typedef struct lent {
	uint64_t id;
	int mode; /* 0 free, 1 shared, 2 exclusive */
} lent;

typedef struct spent {
	size_t q, qlen;            /* the savepoint's place in the queue */
	unsigned long round_trips; /* the round-trip count when it was queued */
} spent;

typedef struct pgb {
	PGconn *conn;
	PGresult *held;        /* result whose buffers get handed out (valid until next call) */
	int in_txn;            /* the library has a transaction open */
	int sent;              /* something of it has reached the server */
	const char *begin_sql; /* its BEGIN, until sent */
	int lost;              /* the connection was lost: reconnect at the next begin */
	unsigned int statement_timeout_ms, lock_timeout_ms;
	char notice[256];           /* the server's last notice or warning */
	char lock_timeout_text[32]; /* the session's lock_timeout */
	qent *q;                    /* statements waiting for the next round trip */
	size_t nq, qcap;
	unsigned char *qbuf;
	size_t qlen, qbufcap;
	spent *sp; /* savepoints, innermost last */
	size_t nsp, spcap;
	int key_locks; /* AUTOLIC_PG_KEY_LOCKS: READ COMMITTED and advisory locks */
	int write;     /* the transaction may write */
	lent *locks;   /* advisory locks taken (or queued) by the transaction */
	size_t nlocks, lcap;
	unsigned int heads[257];            /* key locks per record type (256: the empty key) */
	unsigned char for_update[257];      /* record types whose reads lock for writing (learnt) */
	unsigned char scan_for_update[257]; /* record types whose scans lock for writing (learnt) */
	kent *known;                        /* keys whose existence the transaction knows */
	size_t kn, kcap;
	unsigned char *kbuf;
	size_t kblen, kbufcap;
	al_pg_stats stats;
} pgb;

/* ---- messages ---- */

/* Copy `src` into `dst` as one line: "ERROR:  "/"FATAL:  " prefixes dropped,
 * newlines and tabs folded into single spaces, trailing blanks removed. */
static void one_line(char *dst, size_t n, const char *src)
{
	size_t o = 0;
	int space = 0;
	if (!src)
		src = "";
	for (const char *p = src; *p && o + 1 < n; p++) {
		if (strncmp(p, "ERROR:  ", 8) == 0 || strncmp(p, "FATAL:  ", 8) == 0) {
			p += 7;
			continue;
		}
		if (*p == '\n' || *p == '\t' || *p == '\r' || *p == ' ') {
			space = o > 0;
			continue;
		}
		if (space && o + 2 < n)
			dst[o++] = ' ';
		space = 0;
		dst[o++] = *p;
	}
	dst[o] = 0;
}

/* PostgreSQL's own explanation of a failure: the primary message of `r`, or
 * the connection's error text when there is no server result. */
static void pg_text(const pgb *s, const PGresult *r, char *dst, size_t n)
{
	const char *primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (primary && *primary)
		one_line(dst, n, primary);
	else if (r && *PQresultErrorMessage(r))
		one_line(dst, n, PQresultErrorMessage(r));
	else
		one_line(dst, n, s->conn ? PQerrorMessage(s->conn) : "out of memory");
	if (!*dst)
		snprintf(dst, n, "no message from the server");
}

static int is_conn_state(const char *st)
{
	return st && (strncmp(st, "08", 2) == 0 || strcmp(st, "57P01") == 0 ||
	              strcmp(st, "57P02") == 0 || strcmp(st, "57P03") == 0);
}

/* Library code of an SQLSTATE (connection failures are handled before). */
static int state_code(const char *st)
{
	if (!st)
		return AUTOLIC_ESTORAGE;
	if (strcmp(st, "40001") == 0 || strcmp(st, "40P01") == 0 || strcmp(st, "55P03") == 0)
		return AUTOLIC_ECONFLICT;
	if (strcmp(st, "25006") == 0)
		return AUTOLIC_EREADONLY;
	if (strcmp(st, "53200") == 0)
		return AUTOLIC_ENOMEM;
	if (strcmp(st, "XX001") == 0 || strcmp(st, "XX002") == 0)
		return AUTOLIC_ECORRUPT;
	return AUTOLIC_ESTORAGE;
}

static int conn_bad(const pgb *s)
{
	return PQstatus(s->conn) == CONNECTION_BAD;
}

/* Report the failure of `what` (result `r`, NULL when libpq returned none;
 * cleared here) through the storage message and return its code. A lost
 * connection is remembered: the next begin reconnects. */
static int pg_fail(pgb *s, PGresult *r, const char *what)
{
	char text[320];
	const char *st = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	pg_text(s, r, text, sizeof text);
	int code;
	if (conn_bad(s) || is_conn_state(st)) {
		s->lost = 1;
		code = AUTOLIC_ESTORAGE;
		if (s->in_txn)
			autolic_storage_set_error(
			    "postgresql %s: connection to the server lost inside a transaction; "
			    "the "
			    "server discards it, nothing of it was applied (the next call "
			    "reconnects): %s",
			    what, text);
		else
			autolic_storage_set_error(
			    "postgresql %s: connection to the server lost (the "
			    "next call reconnects): %s",
			    what, text);
	} else if (!r) {
		code = AUTOLIC_ENOMEM;
		autolic_storage_set_error("postgresql %s: no result from libpq (out of memory): %s",
		                          what, text);
	} else {
		code = state_code(st);
		autolic_storage_set_error("postgresql %s: %s (SQLSTATE %s)", what, text,
		                          st ? st : "none");
	}
	PQclear(r);
	if (!conn_bad(s) && PQtransactionStatus(s->conn) == PQTRANS_IDLE)
		s->in_txn = 0;
	return code;
}

/* An operation asked for after the connection was lost inside the transaction. */
static int lost_in_txn(const char *what)
{
	autolic_storage_set_error("postgresql %s: the connection to the server was lost earlier "
	                          "in this transaction; nothing of it was applied",
	                          what);
	return AUTOLIC_ESTORAGE;
}

static void on_notice(void *arg, const PGresult *r)
{
	pgb *s = arg;
	const char *m = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
	const char *d = PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL);
	char line[sizeof s->notice];
	snprintf(line, sizeof line, "%s%s%s", m ? m : "", d ? " " : "", d ? d : "");
	one_line(s->notice, sizeof s->notice, line);
}

static void hold_clear(pgb *s)
{
	PQclear(s->held);
	s->held = NULL;
}

/* Run a statement without parameters that returns no rows. */
static int pg_cmd(pgb *s, const char *sql, const char *what)
{
	PGresult *r = PQexec(s->conn, sql);
	if (r && PQresultStatus(r) == PGRES_COMMAND_OK) {
		PQclear(r);
		return 0;
	}
	return pg_fail(s, r, what);
}

/* ---- the connection's session: timeouts and prepared statements ---- */

static int session_setup(pgb *s, const char *what)
{
	char sql[128];
	if (s->statement_timeout_ms) {
		snprintf(sql, sizeof sql, "SET statement_timeout = %u", s->statement_timeout_ms);
		int rc = pg_cmd(s, sql, what);
		if (rc)
			return rc;
	}
	if (s->lock_timeout_ms) {
		snprintf(sql, sizeof sql, "SET lock_timeout = %u", s->lock_timeout_ms);
		int rc = pg_cmd(s, sql, what);
		if (rc)
			return rc;
	}
	PGresult *lt = PQexec(s->conn, "SHOW lock_timeout");
	if (!lt || PQresultStatus(lt) != PGRES_TUPLES_OK || PQntuples(lt) != 1)
		return pg_fail(s, lt, what);
	snprintf(s->lock_timeout_text, sizeof s->lock_timeout_text, "%s", PQgetvalue(lt, 0, 0));
	PQclear(lt);
	for (int i = 0; i < S_NSTMT; i++) {
		PGresult *r = PQprepare(s->conn, stmts[i].name, stmts[i].sql, stmts[i].nparams,
		                        stmts[i].types);
		if (!r || PQresultStatus(r) != PGRES_COMMAND_OK)
			return pg_fail(s, r, what);
		PQclear(r);
	}
	return 0;
}

/* Reconnect after a lost connection (at begin only: never inside a transaction). */
static int pg_reconnect(pgb *s)
{
	PQreset(s->conn);
	if (conn_bad(s)) {
		char text[320];
		one_line(text, sizeof text, PQerrorMessage(s->conn));
		autolic_storage_set_error("postgresql begin: the connection to the server was lost "
		                          "and reconnecting failed: %s",
		                          text);
		return AUTOLIC_ESTORAGE;
	}
	int rc = session_setup(s, "begin (setting up the new connection)");
	if (!rc)
		s->lost = 0;
	return rc;
}

/* ---- the queue: what goes to the server with the next round trip ---- */

/* Writes wait in the queue and travel in one pipeline with the next
 * statement whose answer the library needs: a read, or the COMMIT. BEGIN
 * waits the same way, so a transaction costs one round trip per read that
 * reaches the server, plus one for the COMMIT (which carries every write
 * made after the last read). Statements run on the server in the order the
 * library made them, so a read always sees the transaction's own writes. */

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return 0;
	size_t n = *cap ? *cap : 16;
	while (n < need)
		n *= 2;
	void *q = realloc(*p, n * size);
	if (!q)
		return -1;
	*p = q;
	*cap = n;
	return 0;
}

static int no_memory(const char *what)
{
	autolic_storage_set_error("postgresql %s: out of memory", what);
	return AUTOLIC_ENOMEM;
}

/* Append a statement to the queue; `k`/`v` are copied. */
static int q_add(pgb *s, int kind, const void *k, size_t kl, const void *v, size_t vl)
{
	if (grow((void **)&s->q, &s->qcap, s->nq + 1, sizeof *s->q) ||
	    grow((void **)&s->qbuf, &s->qbufcap, s->qlen + kl + vl + 1, 1))
		return -1;
	qent *e = &s->q[s->nq++];
	e->kind = kind;
	e->koff = s->qlen;
	e->klen = kl;
	if (kl)
		memcpy(s->qbuf + s->qlen, k, kl);
	s->qlen += kl;
	e->voff = s->qlen;
	e->vlen = vl;
	if (vl)
		memcpy(s->qbuf + s->qlen, v, vl);
	s->qlen += vl;
	return 0;
}

/* ---- keys known to exist: a delete of one needs no answer from the server ---- */

static uint32_t key_hash(const void *k, size_t kl)
{
	const unsigned char *p = k;
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < kl; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

/* The slot of `k` in the table (an empty one when absent); the table has room. */
static kent *known_slot(pgb *s, const void *k, size_t kl, uint32_t h)
{
	size_t mask = s->kcap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		kent *e = &s->known[i];
		if (!e->used || (e->h == h && e->klen == kl && !memcmp(s->kbuf + e->koff, k, kl)))
			return e;
	}
}

static void known_clear(pgb *s)
{
	if (s->kn)
		memset(s->known, 0, s->kcap * sizeof *s->known);
	s->kn = 0;
	s->kblen = 0;
}

/* Record whether `k` exists now. Best effort: when the table is full or
 * memory runs out the key is simply not known (a later delete of it asks
 * the server). */
static void known_set(pgb *s, const void *k, size_t kl, int present)
{
	if (!s->kcap) {
		s->known = calloc(KNOWN_MAX * 2, sizeof *s->known);
		if (!s->known)
			return;
		s->kcap = KNOWN_MAX * 2;
	}
	uint32_t h = key_hash(k, kl);
	kent *e = known_slot(s, k, kl, h);
	if (e->used) {
		e->present = present;
		return;
	}
	if (s->kn >= KNOWN_MAX || grow((void **)&s->kbuf, &s->kbufcap, s->kblen + kl + 1, 1))
		return;
	memcpy(s->kbuf + s->kblen, k, kl);
	e->used = 1;
	e->h = h;
	e->koff = s->kblen;
	e->klen = kl;
	e->present = present;
	s->kblen += kl;
	s->kn++;
}

static int known_present(pgb *s, const void *k, size_t kl)
{
	if (!s->kn)
		return 0;
	kent *e = known_slot(s, k, kl, key_hash(k, kl));
	return e->used && e->present;
}

/* ---- key locks (AUTOLIC_PG_KEY_LOCKS) ----
 *
 * Two-phase locking over advisory locks on four levels: the store, a key's
 * first byte (its record type), its head (the first byte and the next 8: the
 * record's owner, a team, a contract, an account, a session) and the key.
 *
 *   read a key        type S, key S (X once learnt)
 *   write a key       store S, type S, one stripe of the head X, key X
 *   scan in one head  type S, every stripe of the head S (X once learnt)
 *   wider scan        store S, type X      scan of the whole store: store X
 *
 * so that a read meets the writes of its key, a scan the writes into its
 * range (a stripe of their head, or their type, or the store), scans do not
 * meet each other, and writes of different keys of one head meet only when
 * the keys fall on one of its STRIPES stripes. Past HEADS_MAX keys of one
 * type a transaction takes the type exclusively instead. The locks are
 * queued before the statement they guard and held to the end of the
 * transaction; READ COMMITTED gives each statement a snapshot taken after
 * its locks were granted, so every read sees the latest committed state of
 * what it locked. */

#define HEAD_LEN 9
#define STRIPES  8 /* a head's locks: a scan takes them all, a write one */
enum { L_NONE, L_S, L_X };

static uint64_t lock_id(int tag, const void *k, size_t kl)
{
	const unsigned char *p = k;
	uint64_t h = 14695981039346656037ull;
	h = (h ^ (unsigned)tag) * 1099511628211ull;
	for (size_t i = 0; i < kl; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

static lent *lock_slot(lent *t, size_t cap, uint64_t id)
{
	for (size_t i = (size_t)(id ^ id >> 32) & (cap - 1);; i = (i + 1) & (cap - 1))
		if (!t[i].mode || t[i].id == id)
			return &t[i];
}

static void locks_clear(pgb *s)
{
	if (s->nlocks)
		memset(s->locks, 0, s->lcap * sizeof *s->locks);
	s->nlocks = 0;
	memset(s->heads, 0, sizeof s->heads);
}

/* Queue the lock `id` in `mode` unless the transaction holds it so already.
 * Returns the mode held before, or -1 when memory runs out. */
static int lock_take(pgb *s, uint64_t id, int mode)
{
	if (s->nlocks * 2 + 2 > s->lcap) {
		size_t cap = s->lcap ? s->lcap * 2 : 64;
		lent *t = calloc(cap, sizeof *t);
		if (!t)
			return -1;
		for (size_t i = 0; i < s->lcap; i++)
			if (s->locks[i].mode)
				*lock_slot(t, cap, s->locks[i].id) = s->locks[i];
		free(s->locks);
		s->locks = t;
		s->lcap = cap;
	}
	lent *e = lock_slot(s->locks, s->lcap, id);
	int before = e->mode;
	if (before >= mode)
		return before;
	unsigned char b[9];
	b[0] = (unsigned char)mode;
	for (int i = 0; i < 8; i++)
		b[1 + i] = (unsigned char)(id >> (56 - 8 * i));
	qent *last = s->nq ? &s->q[s->nq - 1] : NULL;
	if (before) {
		/* an upgrade: a statement of its own (text parameter: with its 0 byte) */
		const char *lt = s->lock_timeout_text;
		if (q_add(s, Q_LOCK_UP, b + 1, 8, lt, strlen(lt) + 1))
			return -1;
	} else if (last && last->kind == Q_LOCKS && last->koff + last->klen == s->qlen) {
		/* joins the lock statement at the end of the queue */
		if (grow((void **)&s->qbuf, &s->qbufcap, s->qlen + sizeof b, 1))
			return -1;
		memcpy(s->qbuf + s->qlen, b, sizeof b);
		s->qlen += sizeof b;
		last->klen += sizeof b;
		last->voff = s->qlen;
	} else if (q_add(s, Q_LOCKS, b, sizeof b, NULL, 0)) {
		return -1;
	}
	if (!before)
		s->nlocks++;
	e->id = id;
	e->mode = mode;
	return before;
}

/* The locks an operation on key `k` needs (a scan: on the keys that start
 * with k[0..kl), its range). A key first read and then written teaches the
 * backend to lock that record type's keys for writing at the read, and a
 * head first scanned and then written into to lock the heads of that type
 * for writing at the scan, so that two calls do not both read and then wait
 * for each other (a deadlock). */
static int lock_for(pgb *s, const unsigned char *k, size_t kl, int write, int scan)
{
	if (!s->key_locks || !s->write)
		return 0;
	uint64_t store = lock_id('G', NULL, 0);
	if (scan && !kl)
		return lock_take(s, store, L_X) < 0 ? -1 : 0;
	int pi = kl ? k[0] : 256;
	uint64_t type = lock_id('P', k, kl ? 1 : 0);
	if ((write || (scan && kl < HEAD_LEN)) && lock_take(s, store, L_S) < 0)
		return -1;
	if ((scan && kl < HEAD_LEN) || s->heads[pi] >= HEADS_MAX)
		return lock_take(s, type, L_X) < 0 ? -1 : 0;
	int held = lock_take(s, type, L_S);
	if (held < 0)
		return -1;
	if (held == L_X)
		return 0; /* the whole record type is ours */
	size_t hl = kl < HEAD_LEN ? kl : HEAD_LEN;
	if (scan) {
		/* every stripe of the head: no write into it can pass */
		int mode = s->scan_for_update[pi] ? L_X : L_S;
		for (int i = 0; i < STRIPES; i++) {
			unsigned char h[HEAD_LEN + 1];
			memcpy(h, k, hl);
			h[hl] = (unsigned char)i;
			if (lock_take(s, lock_id('H', h, hl + 1), mode) < 0)
				return -1;
		}
		return 0;
	}
	if (write) {
		/* one stripe of the head, chosen by the key: writes of different
		 * keys of one head rarely meet, scans of it always */
		unsigned char h[HEAD_LEN + 1];
		memcpy(h, k, hl);
		h[hl] = (unsigned char)(key_hash(k, kl) % STRIPES);
		int before = lock_take(s, lock_id('H', h, hl + 1), L_X);
		if (before < 0)
			return -1;
		if (before == L_S)
			s->scan_for_update[pi] = 1;
	}
	int mode = write || s->for_update[pi] ? L_X : L_S;
	int before = lock_take(s, lock_id('K', k, kl), mode);
	if (before < 0)
		return -1;
	if (!before)
		s->heads[pi]++;
	if (write && before == L_S)
		s->for_update[pi] = 1;
	return 0;
}

/* The longest P such that every key of [st, e) starts with P. */
static size_t range_prefix(const unsigned char *st, size_t sl, const unsigned char *e, size_t el)
{
	if (!e)
		return 0;
	size_t l = 0;
	while (l < sl && l < el && st[l] == e[l])
		l++;
	if (el == l + 1 && sl > l && e[l] == st[l] + 1)
		l++; /* e is the end of the keys that start with st[0..l] */
	return l;
}

/* Forget the transaction's queue, savepoints, known keys and locks. */
static void txn_reset(pgb *s)
{
	s->nq = 0;
	s->qlen = 0;
	s->nsp = 0;
	s->begin_sql = NULL;
	known_clear(s);
	locks_clear(s);
}

/* ---- one round trip ---- */

/* The statement that ends a round trip (its answer is awaited). */
typedef struct last_stmt {
	const char *what; /* for messages: "get", "scan", "commit", ... */
	const char *name; /* prepared statement, or NULL for `sql` */
	const char *sql;  /* a statement without parameters */
	int n;
	const char *const *pv;
	const int *pl;
	const int *pf;
} last_stmt;

static const char *const q_what[] = {"put", "del", "savepoint", "lock", "lock"};

/* The lock statement of queue entry `e`: its ids as two text arrays. */
static int send_locks(pgb *s, const qent *e)
{
	size_t n = e->klen / 9;
	char *buf = malloc(2 * (n * 21 + 3));
	if (!buf)
		return 0;
	char *arr[2] = {buf, buf + n * 21 + 3};
	for (int m = 0; m < 2; m++) {
		char *o = arr[m];
		*o++ = '{';
		for (size_t i = 0; i < n; i++) {
			const unsigned char *r = s->qbuf + e->koff + i * 9;
			if (r[0] != (m ? L_X : L_S))
				continue;
			uint64_t id = 0;
			for (int j = 0; j < 8; j++)
				id = id << 8 | r[1 + j];
			o += sprintf(o, "%s%lld", o[-1] == '{' ? "" : ",", (long long)id);
		}
		*o++ = '}';
		*o = 0;
	}
	const char *pv[2] = {arr[0], arr[1]};
	int ok = PQsendQueryPrepared(s->conn, stmts[S_LOCKS].name, 2, pv, NULL, NULL, 1);
	free(buf);
	return ok;
}

/* Send statement `i` of the round trip: the pending BEGIN (i == -1), queue
 * entry i, or `last` (i == nq). */
static int send_one(pgb *s, long i, const last_stmt *last)
{
	s->stats.statements++;
	if (i < 0)
		return PQsendQueryParams(s->conn, s->begin_sql, 0, NULL, NULL, NULL, NULL, 1);
	if ((size_t)i == s->nq) {
		if (!last->name)
			return PQsendQueryParams(s->conn, last->sql, 0, NULL, NULL, NULL, NULL, 1);
		return PQsendQueryPrepared(s->conn, last->name, last->n, last->pv, last->pl,
		                           last->pf, 1);
	}
	const qent *e = &s->q[i];
	const char *k = e->klen ? (const char *)s->qbuf + e->koff : empty;
	const char *v = e->vlen ? (const char *)s->qbuf + e->voff : empty;
	const char *pv[2] = {k, v};
	int pl[2] = {(int)e->klen, (int)e->vlen}, pf[2] = {1, 1};
	switch (e->kind) {
	case Q_PUT:
		return PQsendQueryPrepared(s->conn, stmts[S_PUT].name, 2, pv, pl, pf, 1);
	case Q_DEL:
		return PQsendQueryPrepared(s->conn, stmts[S_DEL].name, 1, pv, pl, pf, 1);
	case Q_LOCK_UP:
		return PQsendQueryPrepared(s->conn, stmts[S_LOCK_UP].name, 2, pv, pl, (int[]){1, 0},
		                           1);
	case Q_LOCKS:
		return send_locks(s, e);
	default:
		return PQsendQueryParams(s->conn, "SAVEPOINT al_sp", 0, NULL, NULL, NULL, NULL, 1);
	}
}

static const char *stmt_what(const pgb *s, long i, const last_stmt *last)
{
	return i < 0 ? "begin" : (size_t)i == s->nq ? last->what : q_what[s->q[i].kind];
}

/* Send the pending BEGIN, the queue and `last` as one pipeline and wait for
 * the answers. 0: *out is `last`'s result (the caller clears it). Otherwise
 * the failure is reported (the first statement that failed names it) and
 * its code returned; the queue is emptied in both cases.
 *
 * A lost connection: when this pipeline carries the transaction's BEGIN and
 * either no COMMIT or a server that said it ended the session before
 * anything ran, nothing of the transaction can have been applied and the
 * library has seen none of its answers, so the backend reconnects once and
 * sends it all again. With a COMMIT aboard, a server error before the
 * COMMIT means nothing was applied; a connection that just went away
 * leaves the outcome unknown. */
static int round_trip(pgb *s, const last_stmt *last, PGresult **out)
{
	*out = NULL;
	int has_commit = last->sql && !strcmp(last->sql, "COMMIT");
	for (int attempt = 0;; attempt++) {
		int with_begin = s->begin_sql != NULL;
		long first = with_begin ? -1 : 0, end = (long)s->nq + 1;
		long bad = end; /* the first statement that failed */
		PGresult *err = NULL;
		int sent = PQenterPipelineMode(s->conn);
		for (long i = first; sent && i < end; i++)
			sent = send_one(s, i, last);
		if (sent)
			sent = PQpipelineSync(s->conn);
		s->stats.round_trips++;
		if (sent) {
			for (long i = first; i < end && !conn_bad(s); i++) {
				PGresult *r = PQgetResult(s->conn);
				if (!r)
					break; /* the connection went: libpq has nothing more */
				ExecStatusType st = PQresultStatus(r);
				if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
					if (i == end - 1) {
						*out = r;
						r = NULL;
					}
				} else if (st != PGRES_PIPELINE_ABORTED && bad == end) {
					bad = i;
					err = r;
					r = NULL;
				}
				PQclear(r);
				for (int guard = 0; guard < 4 && (r = PQgetResult(s->conn)) != NULL;
				     guard++)
					PQclear(r); /* up to the end of this statement */
			}
			for (int guard = 0; guard < 4 && !conn_bad(s); guard++) {
				PGresult *r = PQgetResult(s->conn); /* the sync */
				int sync = !r || PQresultStatus(r) == PGRES_PIPELINE_SYNC;
				PQclear(r);
				if (sync)
					break;
			}
		}
		PQexitPipelineMode(s->conn);
		if (sent && bad == end && *out && !conn_bad(s)) {
			if (with_begin)
				s->begin_sql = NULL;
			s->nq = 0;
			s->qlen = 0;
			s->sent = 1;
			return 0;
		}
		PQclear(*out);
		*out = NULL;
		const char *st = err ? PQresultErrorField(err, PG_DIAG_SQLSTATE) : NULL;
		int lost = conn_bad(s) || is_conn_state(st) || !sent || (!err && bad == end);
		if (!lost) {
			/* named while the queue still says which statement it was */
			const char *what = stmt_what(s, bad < 0 ? -1 : bad, last);
			if (with_begin)
				s->begin_sql = NULL;
			s->nq = 0;
			s->qlen = 0;
			s->sent = 1;
			int code = pg_fail(s, err, what);
			if (code == AUTOLIC_ECONFLICT)
				s->stats.conflicts++;
			return code;
		}
		/* the connection is gone */
		if (with_begin && attempt == 0 && (!has_commit || (bad == first && st))) {
			PQclear(err);
			s->lost = 1;
			int rc = pg_reconnect(s);
			if (rc)
				return rc;
			continue;
		}
		s->lost = 1;
		s->nq = 0;
		s->qlen = 0;
		if (has_commit && !(st && bad < end - 1)) {
			char text[200];
			pg_text(s, err, text, sizeof text);
			PQclear(err);
			s->in_txn = 0;
			autolic_storage_set_error(
			    "postgresql commit: outcome unknown: the connection was lost during "
			    "COMMIT, "
			    "the call may or may not have been applied%s%s (%s)",
			    s->notice[0] ? "; server warning: " : "", s->notice, text);
			return AUTOLIC_ESTORAGE;
		}
		return pg_fail(s, err, stmt_what(s, bad == end ? end - 1 : bad, last));
	}
}

/* ---- the vtable ---- */

static int pg_begin(void *ctx, int write)
{
	pgb *s = ctx;
	hold_clear(s);
	if (s->in_txn) {
		autolic_storage_set_error("postgresql begin: a transaction is already open");
		return AUTOLIC_ESTORAGE;
	}
	s->notice[0] = 0;
	s->stats.transactions++;
	txn_reset(s);
	/* A connection known to be lost is re-established first; one found lost
	 * by the first round trip is re-established there (round_trip). */
	if (s->lost) {
		int rc = pg_reconnect(s);
		if (rc)
			return rc;
	}
	if (s->key_locks)
		s->begin_sql = write ? "BEGIN ISOLATION LEVEL READ COMMITTED"
		                     : "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY";
	else
		s->begin_sql = write ? "BEGIN ISOLATION LEVEL SERIALIZABLE"
		                     : "BEGIN ISOLATION LEVEL SERIALIZABLE, READ ONLY";
	s->write = write;
	s->sent = 0;
	s->in_txn = 1;
	return 0;
}

static int bad_length(const char *what, size_t n)
{
	if (n <= 0x3fffffff)
		return 0;
	autolic_storage_set_error("postgresql %s: %zu bytes exceed bytea's limit of 1 GiB", what,
	                          n);
	return 1;
}

static int pg_get(void *ctx, const void *key, size_t klen, const void **val, size_t *vlen)
{
	pgb *s = ctx;
	hold_clear(s);
	if (s->lost)
		return lost_in_txn("get");
	if (bad_length("get", klen))
		return AUTOLIC_ESTORAGE;
	if (lock_for(s, key, klen, 0, 0))
		return no_memory("get");
	const char *pv[1] = {klen ? key : empty};
	int pl[1] = {(int)klen}, pf[1] = {1};
	last_stmt l = {"get", stmts[S_GET].name, NULL, 1, pv, pl, pf};
	PGresult *r;
	int rc = round_trip(s, &l, &r);
	if (rc)
		return rc;
	if (PQntuples(r) == 0) {
		PQclear(r);
		known_set(s, key, klen, 0);
		return AUTOLIC_ENOTFOUND;
	}
	known_set(s, key, klen, 1);
	*val = PQgetvalue(r, 0, 0);
	*vlen = (size_t)PQgetlength(r, 0, 0);
	s->held = r; /* kept until the next call into the backend */
	return 0;
}

/* Queue a write, sending the queue first when it has grown large. */
static int queue_write(pgb *s, int kind, const void *k, size_t kl, const void *v, size_t vl)
{
	const char *what = q_what[kind];
	if (s->nq >= QUEUE_MAX || s->qlen + kl + vl > QUEUE_BYTES) {
		last_stmt l = {what, NULL, "SELECT 1", 0, NULL, NULL, NULL};
		PGresult *r;
		int rc = round_trip(s, &l, &r);
		if (rc)
			return rc;
		PQclear(r);
	}
	return q_add(s, kind, k, kl, v, vl) ? no_memory(what) : 0;
}

static int pg_put(void *ctx, const void *key, size_t klen, const void *val, size_t vlen)
{
	pgb *s = ctx;
	hold_clear(s);
	if (s->lost)
		return lost_in_txn("put");
	if (bad_length("put", klen) || bad_length("put", vlen))
		return AUTOLIC_ESTORAGE;
	if (lock_for(s, key, klen, 1, 0))
		return no_memory("put");
	int rc = queue_write(s, Q_PUT, key, klen, val, vlen);
	if (!rc)
		known_set(s, key, klen, 1);
	return rc;
}

/* A key known to exist (read, written or scanned by this transaction) is
 * deleted with the next round trip; any other needs the server's answer. */
static int pg_del(void *ctx, const void *key, size_t klen)
{
	pgb *s = ctx;
	hold_clear(s);
	if (s->lost)
		return lost_in_txn("del");
	if (bad_length("del", klen))
		return AUTOLIC_ESTORAGE;
	if (lock_for(s, key, klen, 1, 0))
		return no_memory("del");
	if (known_present(s, key, klen)) {
		int rc = queue_write(s, Q_DEL, key, klen, NULL, 0);
		if (!rc)
			known_set(s, key, klen, 0);
		return rc;
	}
	const char *pv[1] = {klen ? key : empty};
	int pl[1] = {(int)klen}, pf[1] = {1};
	last_stmt l = {"del", stmts[S_DEL].name, NULL, 1, pv, pl, pf};
	PGresult *r;
	int rc = round_trip(s, &l, &r);
	if (rc)
		return rc;
	int gone = strcmp(PQcmdTuples(r), "0") != 0;
	PQclear(r);
	known_set(s, key, klen, 0);
	return gone ? 0 : AUTOLIC_ENOTFOUND;
}

static int next_limit(int limit, int rows, size_t bytes)
{
	if (bytes > CHUNK_BYTES) {
		size_t per_row = bytes / (size_t)rows + 1;
		size_t n = CHUNK_BYTES / per_row;
		return n < 1 ? 1 : (int)n;
	}
	return limit * 2 > CHUNK_MAX ? CHUNK_MAX : limit * 2;
}

/* Keyset pagination: each chunk starts after the last key of the previous
 * one. The transaction's snapshot (SERIALIZABLE) makes the chunks one
 * consistent read, and the library never writes from inside a callback. The
 * callback gets pointers into the chunk's result, valid until it returns. */
static int pg_scan(void *ctx, const void *start, size_t slen, const void *end, size_t elen,
                   autolic_storage_scan_cb cb, void *arg)
{
	pgb *s = ctx;
	hold_clear(s);
	if (s->lost)
		return lost_in_txn("scan");
	if (bad_length("scan", slen) || (end && bad_length("scan", elen)))
		return AUTOLIC_ESTORAGE;
	if (lock_for(s, start, range_prefix(start, slen, end, end ? elen : 0), 0, 1))
		return no_memory("scan");
	const char *from = slen ? start : empty;
	int flen = (int)slen, after = 0, limit = CHUNK_FIRST, out = 0;
	PGresult *prev = NULL; /* holds `from` while the next chunk is read */
	for (;;) {
		uint32_t lim = htonl((uint32_t)limit);
		const char *pv[3];
		int pl[3], pf[3] = {1, 1, 1}, n = 0;
		pv[n] = from;
		pl[n++] = flen;
		if (end) {
			pv[n] = elen ? end : empty;
			pl[n++] = (int)elen;
		}
		pv[n] = (const char *)&lim;
		pl[n++] = 4;
		int st = end ? (after ? S_RANGE_GT : S_RANGE_GE) : (after ? S_SCAN_GT : S_SCAN_GE);
		last_stmt l = {"scan", stmts[st].name, NULL, n, pv, pl, pf};
		PGresult *r;
		int rc = round_trip(s, &l, &r);
		PQclear(prev);
		prev = NULL;
		if (rc) {
			out = rc;
			break;
		}
		int rows = PQntuples(r);
		size_t bytes = 0;
		for (int i = 0; i < rows && !out; i++) {
			size_t kl = (size_t)PQgetlength(r, i, 0), vl = (size_t)PQgetlength(r, i, 1);
			bytes += kl + vl;
			known_set(s, PQgetvalue(r, i, 0), kl, 1);
			out = cb(PQgetvalue(r, i, 0), kl, PQgetvalue(r, i, 1), vl, arg);
		}
		if (out || rows < limit) {
			PQclear(r);
			break;
		}
		from = PQgetvalue(r, rows - 1, 0);
		flen = PQgetlength(r, rows - 1, 0);
		after = 1;
		prev = r;
		limit = next_limit(limit, rows, bytes);
	}
	return out;
}

/* COMMIT travels with the writes made since the last read: one round trip.
 * A transaction that sent nothing at all has nothing to commit. */
static int pg_commit(void *ctx)
{
	pgb *s = ctx;
	hold_clear(s);
	if (s->lost) {
		s->in_txn = 0;
		return lost_in_txn("commit");
	}
	if (!s->sent && !s->nq) {
		s->in_txn = 0;
		txn_reset(s);
		return 0;
	}
	if (s->sent && PQtransactionStatus(s->conn) == PQTRANS_INERROR)
		s->nq = 0; /* the server has failed the transaction: COMMIT alone tells it */
	last_stmt l = {"commit", NULL, "COMMIT", 0, NULL, NULL, NULL};
	PGresult *r;
	int rc = round_trip(s, &l, &r);
	if (!s->conn || conn_bad(s) || PQtransactionStatus(s->conn) == PQTRANS_IDLE)
		s->in_txn = 0;
	if (rc)
		return rc;
	/* COMMIT of a transaction that had already failed answers ROLLBACK */
	int committed = strcmp(PQcmdStatus(r), "COMMIT") == 0;
	PQclear(r);
	s->in_txn = 0;
	txn_reset(s);
	if (committed)
		return 0;
	autolic_storage_set_error("postgresql commit: the transaction had failed and the "
	                          "server rolled it back");
	return AUTOLIC_ESTORAGE;
}

static int pg_rollback(void *ctx)
{
	pgb *s = ctx;
	hold_clear(s);
	int sent = s->sent;
	s->in_txn = 0;
	s->sent = 0;
	txn_reset(s);
	/* A lost connection needs nothing: the server discards its transaction. */
	if (s->lost || conn_bad(s)) {
		s->lost = 1;
		return 0;
	}
	if (!sent || PQtransactionStatus(s->conn) == PQTRANS_IDLE)
		return 0; /* nothing reached the server, or already ended (a failed COMMIT) */
	s->stats.round_trips++;
	s->stats.statements++;
	int rc = pg_cmd(s, "ROLLBACK", "rollback");
	s->in_txn = 0;
	return s->lost ? 0 : rc;
}

/* Savepoints wait in the queue like writes. */
static int pg_savepoint(void *ctx)
{
	pgb *s = ctx;
	hold_clear(s);
	if (s->lost)
		return lost_in_txn("savepoint");
	if (grow((void **)&s->sp, &s->spcap, s->nsp + 1, sizeof *s->sp) ||
	    q_add(s, Q_SAVEPOINT, NULL, 0, NULL, 0))
		return no_memory("savepoint");
	s->sp[s->nsp++] = (spent){s->nq - 1, s->qlen, s->stats.round_trips};
	return 0;
}

/* The release goes out at once, with the writes made since the savepoint:
 * inside a host batch each call then learns about its own writes' failures. */
static int pg_release(void *ctx)
{
	pgb *s = ctx;
	hold_clear(s);
	if (s->lost)
		return lost_in_txn("release");
	if (s->nsp)
		s->nsp--;
	last_stmt l = {"release", NULL, "RELEASE SAVEPOINT al_sp", 0, NULL, NULL, NULL};
	PGresult *r;
	int rc = round_trip(s, &l, &r);
	PQclear(r);
	return rc;
}

/* A savepoint still in the queue is undone by dropping the queue from it
 * on; one already sent by ROLLBACK TO. */
static int pg_rollback_to(void *ctx)
{
	pgb *s = ctx;
	hold_clear(s);
	if (s->lost)
		return lost_in_txn("rollback to savepoint");
	known_clear(s); /* the writes undone may have made keys known */
	locks_clear(s); /* and the server may have let go of locks taken since */
	if (s->nsp) {
		spent *sp = &s->sp[--s->nsp];
		if (sp->round_trips == s->stats.round_trips && sp->q < s->nq) {
			s->nq = sp->q;
			s->qlen = sp->qlen;
			return 0;
		}
	}
	s->nq = 0;
	s->qlen = 0;
	s->stats.round_trips++;
	s->stats.statements += 2;
	return pg_cmd(s, "ROLLBACK TO SAVEPOINT al_sp; RELEASE SAVEPOINT al_sp",
	              "rollback to savepoint");
}

static void pg_free(void *ctx)
{
	pgb *s = ctx;
	if (!s)
		return;
	hold_clear(s);
	PQfinish(s->conn); /* an open transaction is discarded by the server */
	free(s->q);
	free(s->qbuf);
	free(s->sp);
	free(s->known);
	free(s->kbuf);
	free(s->locks);
	free(s);
}

void al_pg_stats_get(const void *ctx, al_pg_stats *out)
{
	const pgb *s = ctx;
	*out = s->stats;
}

/* ---- open ---- */

int autolic_pg_options_init(autolic_pg_options *opts, unsigned int version)
{
	if (!opts)
		return AUTOLIC_EINVAL;
	if (version == 0 || version > AUTOLIC_PG_OPTIONS_VERSION)
		return AUTOLIC_EVERSION;
	autolic_pg_options d = AUTOLIC_PG_OPTIONS_INIT;
	d.version = version;
	*opts = d;
	return 0;
}

/* libpq's complaint about a malformed connection string, with every quoted
 * fragment longer than one character blanked out: it may be part of a
 * password. */
static void redact_quotes(char *dst, size_t n, const char *src)
{
	char line[320];
	one_line(line, sizeof line, src);
	size_t o = 0;
	for (const char *p = line; *p && o + 1 < n;) {
		const char *q = *p == '"' ? strchr(p + 1, '"') : NULL;
		if (!q) {
			dst[o++] = *p++;
			continue;
		}
		/* a quoted fragment: kept when it is one character ("="), else blanked */
		const char *from = p, *to = q + 1;
		if (q - p > 2) {
			from = "\"...\"";
			to = from + 5;
		}
		while (from < to && o + 1 < n)
			dst[o++] = *from++;
		p = q + 1;
	}
	dst[o] = 0;
}

/* Replace every occurrence of `secret` in `text` by "***". */
static void scrub(char *text, const char *secret)
{
	size_t sl = secret ? strlen(secret) : 0;
	if (!sl)
		return;
	char *p;
	while ((p = strstr(text, secret)) != NULL) {
		memcpy(p, "***", 3);
		memmove(p + 3, p + sl, strlen(p + sl) + 1);
	}
}

/* Create the tables when missing and check the schema version, under an
 * advisory lock so that concurrent first opens agree. */
static int schema_setup(pgb *s)
{
	static const char *const create =
	    "CREATE TABLE IF NOT EXISTS autolic_kv (k bytea PRIMARY KEY, v bytea NOT NULL);"
	    "CREATE TABLE autolic_meta (name text PRIMARY KEY, value integer NOT NULL);"
	    "INSERT INTO autolic_meta (name, value) VALUES ('schema_version', 1)";
	const char *what = "open (creating the tables)";
	int rc = pg_cmd(s, "BEGIN", what);
	if (rc)
		return rc;
	s->in_txn = 1;
	PGresult *r = PQexec(s->conn, "SELECT pg_advisory_xact_lock(" SETUP_LOCK "), "
	                              "to_regclass('autolic_meta') IS NOT NULL, "
	                              "to_regclass('autolic_kv') IS NOT NULL");
	if (!r || PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
		return pg_fail(s, r, what);
	int have_meta = strcmp(PQgetvalue(r, 0, 1), "t") == 0;
	int have_kv = strcmp(PQgetvalue(r, 0, 2), "t") == 0;
	PQclear(r);
	if (!have_meta && (rc = pg_cmd(s, create, what)) != 0)
		return rc;
	if (have_meta && !have_kv) {
		autolic_storage_set_error("postgresql open: table autolic_meta exists but "
		                          "autolic_kv does not; not touching a database set up "
		                          "by something else");
		return AUTOLIC_ESTORAGE;
	}
	r = PQexec(s->conn, "SELECT value FROM autolic_meta WHERE name = 'schema_version'");
	if (!r || PQresultStatus(r) != PGRES_TUPLES_OK)
		return pg_fail(s, r, "open (reading the schema version)");
	long version = PQntuples(r) == 1 ? strtol(PQgetvalue(r, 0, 0), NULL, 10) : -1;
	PQclear(r);
	if (version > PG_SCHEMA) {
		autolic_storage_set_error("postgresql open: schema version %ld is newer than this "
		                          "library knows (%d)",
		                          version, PG_SCHEMA);
		return AUTOLIC_EVERSION;
	}
	if (version < 1) {
		autolic_storage_set_error("postgresql open: autolic_meta holds no valid "
		                          "schema_version");
		return AUTOLIC_ESTORAGE;
	}
	/* Key locks protect only against handles that take them too: a database
	 * once opened with AUTOLIC_PG_KEY_LOCKS says so, and a handle without
	 * the flag is refused. */
	r = PQexec(s->conn, "SELECT value FROM autolic_meta WHERE name = 'key_locks'");
	if (!r || PQresultStatus(r) != PGRES_TUPLES_OK)
		return pg_fail(s, r, "open (reading the locking mode)");
	int marked = PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), "0") != 0;
	PQclear(r);
	if (marked && !s->key_locks) {
		autolic_storage_set_error(
		    "postgresql open: this database is used with AUTOLIC_PG_KEY_LOCKS "
		    "(autolic_meta "
		    "key_locks = 1), and a handle without that flag would not take the others' "
		    "locks: open it with the flag (or, once no handle uses it, delete that row)");
		return AUTOLIC_EINVAL;
	}
	if (!marked && s->key_locks &&
	    (rc = pg_cmd(s,
	                 "INSERT INTO autolic_meta (name, value) VALUES ('key_locks', 1) "
	                 "ON CONFLICT (name) DO UPDATE SET value = 1",
	                 "open (recording the locking mode)")) != 0)
		return rc;
	rc = pg_cmd(s, "COMMIT", "open (committing the set-up)");
	if (!rc)
		s->in_txn = 0;
	return rc;
}

static int pg_open(autolic_storage *out, const char *conninfo, const autolic_pg_options *opts)
{
	autolic_pg_options o = AUTOLIC_PG_OPTIONS_INIT;
	if (!out || !conninfo) {
		autolic_storage_set_error("postgresql open: %s is NULL", out ? "conninfo" : "out");
		return AUTOLIC_EINVAL;
	}
	if (opts) {
		if (opts->version == 0 || opts->version > AUTOLIC_PG_OPTIONS_VERSION) {
			autolic_storage_set_error("postgresql open: options version %u unknown",
			                          opts->version);
			return AUTOLIC_EVERSION;
		}
		o = *opts;
	}
	if (o.flags & ~AUTOLIC_PG_KEY_LOCKS) {
		autolic_storage_set_error("postgresql open: unknown flags 0x%x",
		                          o.flags & ~AUTOLIC_PG_KEY_LOCKS);
		return AUTOLIC_EINVAL;
	}

	/* Check the connection string first: a malformed one is the caller's
	 * error, not the server's. A plain database name is fine as it is. */
	int has_timeout = 0;
	char *password = NULL;
	if (strchr(conninfo, '=') || strncmp(conninfo, "postgresql://", 13) == 0 ||
	    strncmp(conninfo, "postgres://", 11) == 0) {
		char *err = NULL;
		PQconninfoOption *parsed = PQconninfoParse(conninfo, &err);
		if (!parsed) {
			char text[320];
			if (!err) {
				autolic_storage_set_error(
				    "postgresql open: out of memory parsing the "
				    "connection string");
				return AUTOLIC_ENOMEM;
			}
			redact_quotes(text, sizeof text, err);
			PQfreemem(err);
			autolic_storage_set_error(
			    "postgresql open: malformed connection string: %s", text);
			return AUTOLIC_EINVAL;
		}
		for (PQconninfoOption *p = parsed; p->keyword; p++) {
			if (!p->val)
				continue;
			if (strcmp(p->keyword, "connect_timeout") == 0)
				has_timeout = 1;
			else if (strcmp(p->keyword, "password") == 0 && *p->val && !password)
				password = strdup(p->val);
		}
		PQconninfoFree(parsed);
	}

	char timeout[16];
	const char *kw[5], *val[5];
	int n = 0;
	if (!o.connect_timeout_s && !has_timeout) {
		snprintf(timeout, sizeof timeout, "%u", AUTOLIC_PG_DEFAULT_CONNECT_TIMEOUT_S);
		kw[n] = "connect_timeout";
		val[n++] = timeout;
	}
	kw[n] = "fallback_application_name";
	val[n++] = "libautolic";
	kw[n] = "dbname"; /* expanded: the whole connection string */
	val[n++] = conninfo;
	if (o.connect_timeout_s) { /* after the string: overrides it */
		snprintf(timeout, sizeof timeout, "%u", o.connect_timeout_s);
		kw[n] = "connect_timeout";
		val[n++] = timeout;
	}
	kw[n] = NULL;
	val[n] = NULL;

	pgb *s = calloc(1, sizeof(*s));
	if (!s) {
		free(password);
		autolic_storage_set_error("postgresql open: out of memory");
		return AUTOLIC_ENOMEM;
	}
	s->statement_timeout_ms = o.statement_timeout_ms;
	s->key_locks = (o.flags & AUTOLIC_PG_KEY_LOCKS) != 0;
	s->lock_timeout_ms = o.lock_timeout_ms;
	s->conn = PQconnectdbParams(kw, val, 1);
	int code = 0;
	if (!s->conn) {
		autolic_storage_set_error("postgresql open: out of memory");
		code = AUTOLIC_ENOMEM;
	} else if (conn_bad(s)) {
		char text[400];
		one_line(text, sizeof text, PQerrorMessage(s->conn));
		scrub(text, password);
		autolic_storage_set_error("postgresql open: cannot connect: %s", text);
		code = AUTOLIC_ESTORAGE;
	} else {
		PQsetNoticeReceiver(s->conn, on_notice, s);
		code = schema_setup(s);
		if (!code)
			code = session_setup(s, "open (preparing the statements)");
	}
	if (password) {
		memset(password, 0, strlen(password));
		free(password);
	}
	if (code) {
		pg_free(s);
		return code;
	}
	autolic_storage st = {0};
	st.version = AUTOLIC_STORAGE_VERSION;
	st.ctx = s;
	st.begin = pg_begin;
	st.get = pg_get;
	st.put = pg_put;
	st.del = pg_del;
	st.scan = pg_scan;
	st.commit = pg_commit;
	st.rollback = pg_rollback;
	st.free = pg_free;
	st.savepoint = pg_savepoint;
	st.release = pg_release;
	st.rollback_to = pg_rollback_to;
	*out = st;
	return 0;
}

int autolic_store_pg_open(autolic_storage *out, const char *conninfo,
                          const autolic_pg_options *opts)
{
	autolic_storage_set_error("%s", "");
	return autolic_storage_result(pg_open(out, conninfo, opts));
}
