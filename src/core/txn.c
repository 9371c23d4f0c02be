#include "db_internal.h"
#include "error.h"
#include "note.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int al_storage_err(int rc, const char *op)
{
	const char *detail = al_err_take_storage();
	switch (rc) {
	case AUTOLIC_ENOMEM:
	case AUTOLIC_ECONFLICT:
	case AUTOLIC_ELOCKED:
	case AUTOLIC_ECORRUPT:
	case AUTOLIC_EREADONLY:
	case AUTOLIC_ESTORAGE:
		break;
	default:
		rc = AUTOLIC_ESTORAGE;
	}
	return al_err(rc, "storage %s failed: %s", op, *detail ? detail : autolic_strerror(rc));
}

/* ---- events ---- */

void al_evq_clear(al_evq *q, const al_alloc *a)
{
	for (size_t i = 0; i < q->n; i++)
		al_free(a, q->v[i].strings);
	q->n = 0;
}

/* Room in dst for `more` events. */
static int evq_reserve(al_evq *dst, size_t more, const al_alloc *a)
{
	if (dst->n + more <= dst->cap)
		return 0;
	size_t cap = dst->cap ? dst->cap : 8;
	while (cap < dst->n + more)
		cap *= 2;
	al_event_rec *v = al_realloc(a, dst->v, cap * sizeof(*v));
	if (!v)
		return AUTOLIC_ENOMEM;
	dst->v = v;
	dst->cap = cap;
	return 0;
}

/* Move src's events to the end of dst, which has room for them. */
static void evq_move(al_evq *dst, al_evq *src)
{
	if (!src->n)
		return;
	memcpy(dst->v + dst->n, src->v, src->n * sizeof(*src->v));
	dst->n += src->n;
	src->n = 0;
}

int al_txn_event(al_txn *t, int type, autolic_id recipient, autolic_id team, autolic_id object,
                 const char *product, const char *rule, const char *fmt, ...)
{
	char text[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	/* NOTE-1: the durable copy, written by this transaction */
	va_start(ap, fmt);
	int rc = al_note_append(t, type, recipient, team, object, product, rule, fmt, ap);
	va_end(ap);
	if (rc)
		return rc;
	size_t lp = product ? strlen(product) + 1 : 0, lr = rule ? strlen(rule) + 1 : 0;
	size_t lt = strlen(text) + 1;
	al_evq *q = &t->events;
	if (q->n == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 4;
		al_event_rec *v = al_realloc(t->a, q->v, cap * sizeof(*v));
		if (!v)
			return al_err(AUTOLIC_ENOMEM, "out of memory queueing an event");
		q->v = v;
		q->cap = cap;
	}
	char *s = al_malloc(t->a, lp + lr + lt);
	if (!s)
		return al_err(AUTOLIC_ENOMEM, "out of memory queueing an event");
	al_event_rec *r = &q->v[q->n++];
	memset(r, 0, sizeof(*r));
	r->strings = s;
	r->ev.version = AUTOLIC_EVENT_VERSION;
	r->ev.type = type;
	r->ev.time = t->now;
	r->ev.recipient = recipient;
	r->ev.team = team;
	r->ev.object = object;
	if (product) {
		memcpy(s, product, lp);
		r->ev.product = s;
		s += lp;
	}
	if (rule) {
		memcpy(s, rule, lr);
		r->ev.rule = s;
		s += lr;
	}
	memcpy(s, text, lt);
	r->ev.text = s;
	return 0;
}

void al_deliver(autolic_db *db, al_evq *q)
{
	for (size_t i = 0; i < q->n; i++) {
		al_event_rec *r = &q->v[i];
		if (db->on_event)
			db->on_event(&r->ev, db->event_ctx);
	}
	al_evq_clear(q, &db->alloc);
	al_free(&db->alloc, q->v);
	q->v = NULL;
	q->cap = 0;
}

/* ---- storage access ---- */

static int key_ok(const al_key *k)
{
	return k->overflow ? al_err(AUTOLIC_EINVAL, "key longer than %d bytes", AL_KEY_MAX) : 0;
}

int al_txn_get(al_txn *t, const al_key *k, al_buf *out)
{
	int rc = key_ok(k);
	if (rc)
		return rc;
	const void *v;
	size_t vl;
	autolic_storage *st = &t->db->st;
	al_err_storage_reset();
	rc = st->get(st->ctx, k->b, k->len, &v, &vl);
	if (rc == AUTOLIC_ENOTFOUND) {
		al_err_storage_reset(); /* absence is an answer, not a failure */
		return rc;
	}
	if (rc)
		return al_storage_err(rc, "get");
	al_buf_reset(out);
	al_buf_put(out, v, vl);
	return al_buf_check(out);
}

int al_txn_get_rec(al_txn *t, const al_key *k, uint8_t tag, al_buf *b, al_rd *r,
                   const char *missing, ...)
{
	int rc = al_txn_get(t, k, b);
	if (rc == AUTOLIC_ENOTFOUND && missing) {
		char text[400];
		va_list ap;
		va_start(ap, missing);
		vsnprintf(text, sizeof text, missing, ap);
		va_end(ap);
		return al_err(rc, "%s", text);
	}
	return rc ? rc : al_rec_open(r, b->p, b->len, tag);
}

int al_txn_exists(al_txn *t, const al_key *k)
{
	int rc = key_ok(k);
	if (rc)
		return rc;
	const void *v;
	size_t vl;
	autolic_storage *st = &t->db->st;
	al_err_storage_reset();
	rc = st->get(st->ctx, k->b, k->len, &v, &vl);
	if (rc == AUTOLIC_ENOTFOUND) {
		al_err_storage_reset(); /* absence is an answer, not a failure */
		return 0;
	}
	return rc ? al_storage_err(rc, "get") : 1;
}

int al_txn_put_raw(al_txn *t, const al_key *k, const void *val, size_t vlen)
{
	int rc = key_ok(k);
	if (rc)
		return rc;
	if (!t->write)
		return al_err(AUTOLIC_EREADONLY, "write inside a read transaction");
	autolic_storage *st = &t->db->st;
	al_err_storage_reset();
	rc = st->put(st->ctx, k->b, k->len, val, vlen);
	return rc ? al_storage_err(rc, "put") : 0;
}

int al_txn_put(al_txn *t, const al_key *k, const al_buf *val)
{
	int rc = al_buf_check(val);
	return rc ? rc : al_txn_put_raw(t, k, val->p, val->len);
}

int al_txn_del(al_txn *t, const al_key *k)
{
	int rc = key_ok(k);
	if (rc)
		return rc;
	if (!t->write)
		return al_err(AUTOLIC_EREADONLY, "write inside a read transaction");
	autolic_storage *st = &t->db->st;
	al_err_storage_reset();
	rc = st->del(st->ctx, k->b, k->len);
	if (rc == AUTOLIC_ENOTFOUND) {
		al_err_storage_reset(); /* absence is an answer, not a failure */
		return rc;
	}
	return rc ? al_storage_err(rc, "delete") : 0;
}

int al_txn_scan(al_txn *t, const al_key *start, const al_key *end, autolic_storage_scan_cb cb,
                void *arg)
{
	int rc = key_ok(start);
	if (!rc && end)
		rc = key_ok(end);
	if (rc)
		return rc;
	autolic_storage *st = &t->db->st;
	al_err_storage_reset();
	rc = st->scan(st->ctx, start->b, start->len, end ? end->b : NULL, end ? end->len : 0, cb,
	              arg);
	/* 0, the callback's non-zero value or the storage's error, as they are */
	return rc;
}

int al_txn_scan_prefix(al_txn *t, const al_key *prefix, autolic_storage_scan_cb cb, void *arg)
{
	al_key end;
	if (al_key_prefix_end(prefix, &end))
		return al_txn_scan(t, prefix, NULL, cb, arg);
	return al_txn_scan(t, prefix, &end, cb, arg);
}

/* ---- the runner ---- */

static int has_savepoints(const autolic_storage *st)
{
	return st->savepoint != NULL;
}

/* The retry budget of one call. */
typedef struct al_retry {
	uint64_t start, budget; /* monotonic ns */
	unsigned int attempts;  /* lost races so far */
} al_retry;

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Sleep before the next attempt: a random time between half and all of a
 * bound that doubles from 100 us to 25 ms, so that handles that lost the
 * same race do not meet again, and never past the budget. */
static void backoff(autolic_db *db, const al_retry *rt)
{
	unsigned int n = rt->attempts > 9 ? 8 : rt->attempts - 1; /* attempts >= 1 here */
	uint64_t bound = 100000u << n;                            /* 100 us .. 25.6 ms */
	uint64_t x = db->rng ^ (uint64_t)getpid(); /* xorshift64; forked copies differ */
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	db->rng = x;
	uint64_t ns = bound / 2 + x % (bound / 2 + 1);
	uint64_t now = mono_ns(), end = rt->start + rt->budget;
	if (now + ns > end)
		ns = end > now ? end - now : 0;
	struct timespec ts = {(time_t)(ns / 1000000000u), (long)(ns % 1000000000u)};
	nanosleep(&ts, NULL);
}

/* Whether a lost race may be run again: within the attempt bound (when the
 * host set one) and the time budget. */
static int may_retry(const autolic_db *db, const al_retry *rt)
{
	if (db->max_retries && rt->attempts >= db->max_retries)
		return 0;
	return mono_ns() - rt->start < rt->budget;
}

/* After a failed attempt, rolled back: 1 (after the pause) to run the call
 * again, 0 when rc is no lost race or the budget is spent. */
static int again(autolic_db *db, al_retry *rt, int rc)
{
	if (rc != AUTOLIC_ECONFLICT)
		return 0;
	rt->attempts++;
	if (!may_retry(db, rt))
		return 0;
	backoff(db, rt);
	return 1;
}

static void retry_start(autolic_db *db, al_retry *rt)
{
	rt->start = mono_ns();
	rt->budget = (uint64_t)db->retry_budget_ms * 1000000u;
	rt->attempts = 0;
}

/* The attempts of a call, the handle locked: run fn until it commits, fails
 * for good or loses races past the budget; events are left in tp->events
 * for the caller to deliver. */
static int attempts(autolic_db *db, al_txn *tp, al_txn_fn fn, void *arg, al_retry *rt)
{
	al_txn t = *tp;
	autolic_storage *st = &db->st;
	int in_batch = al_db_owns_batch(db);
	int rc = 0;
	for (;;) {
		al_seq_block saved[AL_SEQ_SLOTS];
		memcpy(saved, db->seq, sizeof saved);
		t.now = db->clock(db->clock_ctx);
		al_err_storage_reset();
		if (in_batch)
			rc = has_savepoints(st) ? st->savepoint(st->ctx) : 0;
		else
			rc = st->begin(st->ctx, t.write);
		if (rc) {
			rc = al_storage_err(rc, in_batch ? "savepoint" : "begin");
			if (in_batch) {
				db->batch_aborted = 1;
				break;
			}
			/* a busy file lock or a failed BEGIN is a lost race too
			 * (nothing was begun: nothing to roll back) */
			al_err_take_storage();
			if (!again(db, rt, rc))
				break;
			continue;
		}
		rc = fn(&t, arg);
		if (!rc) {
			al_err_storage_reset();
			if (in_batch) {
				/* Room for the events before the savepoint goes: once it
				 * is released the call can no longer be undone alone. */
				if (evq_reserve(&db->batch_events, t.events.n, &db->alloc) != 0)
					rc = al_err(AUTOLIC_ENOMEM,
					            "out of memory keeping the batch's events");
				else if (has_savepoints(st) && (rc = st->release(st->ctx)) != 0)
					rc = al_storage_err(rc, "release");
				else
					evq_move(&db->batch_events, &t.events);
			} else if ((rc = st->commit(st->ctx)) != 0) {
				rc = al_storage_err(rc, "commit");
			}
			if (!rc)
				break;
		}
		/* failure: undo the attempt, ids it took included */
		for (size_t i = 0; i < AL_SEQ_SLOTS; i++) {
			db->seq[i].next = saved[i].next;
			db->seq[i].end = saved[i].end;
		}
		al_evq_clear(&t.events, &db->alloc);
		if (in_batch) {
			if (has_savepoints(st) && rc != AUTOLIC_ECONFLICT)
				st->rollback_to(st->ctx);
			else
				db->batch_aborted = 1;
			break;
		}
		st->rollback(st->ctx);
		al_err_take_storage();
		if (!again(db, rt, rc))
			break;
	}
	tp->events = t.events;
	return rc;
}

int al_run(autolic_db *db, int write, al_txn_fn fn, void *arg)
{
	al_err_clear();
	int in_batch = al_db_owns_batch(db);
	if (in_batch && db->batch_aborted)
		return al_err(AUTOLIC_EABORTED,
		              "the batch was aborted by an earlier failed call; roll it back");
	if (!in_batch)
		pthread_mutex_lock(&db->mu);
	al_txn t = {db, &db->alloc, 0, write, {NULL, 0, 0}};
	al_retry rt;
	retry_start(db, &rt);
	int rc = attempts(db, &t, fn, arg, &rt);
	if (!rc)
		al_err_clear(); /* lookups that missed on the way leave no message */
	if (rc == AUTOLIC_ECONFLICT && !in_batch)
		al_err_prefix("gave up after %u attempts in %llu ms", rt.attempts,
		              (unsigned long long)((mono_ns() - rt.start) / 1000000u));
	if (!in_batch)
		pthread_mutex_unlock(&db->mu);
	al_deliver(db, &t.events);
	return rc;
}
