/*
 * The transaction runner: every public call runs its domain function here,
 * as exactly one storage transaction (or one savepoint of a host batch).
 *
 * A domain function reads its inputs and writes its results through the
 * al_txn_* calls, queues events with al_txn_event(), and returns 0 or an
 * error code (with al_err() message). On failure every write and event of
 * the attempt is discarded. On AUTOLIC_ECONFLICT the runner rolls back and
 * calls the function again, so a function must derive everything from
 * storage and its arguments and only write its outputs into `arg` (free what
 * an earlier attempt left there first).
 */
#ifndef AL_CORE_TXN_H
#define AL_CORE_TXN_H

#include "autolic/db.h"
#include "alloc.h"
#include "codec.h"
#include "keys.h"

typedef struct al_event_rec {
	autolic_event ev;
	char *strings; /* product, rule and text, one allocation */
} al_event_rec;

typedef struct al_evq {
	al_event_rec *v;
	size_t n, cap;
} al_evq;

typedef struct al_txn {
	autolic_db *db;
	const al_alloc *a;
	autolic_time now;
	int write;
	al_evq events;
} al_txn;

typedef int (*al_txn_fn)(al_txn *t, void *arg);

/* Run fn in one transaction (write = 0 for reads). Clears the thread's
 * message first; returns fn's result or a storage error. */
int al_run(autolic_db *db, int write, al_txn_fn fn, void *arg);

const al_alloc *al_db_alloc(const autolic_db *db);

/* Storage access. Errors carry a message naming the operation. */
int al_txn_get(al_txn *t, const al_key *k, al_buf *out); /* AUTOLIC_ENOTFOUND when absent */
/* Read the record at `k` into `b` (initialised by the caller, who frees it)
 * and open it as a record of `tag` in `r`: 0; AUTOLIC_ENOTFOUND when absent,
 * with the message `missing` (printf-style) when given, none when NULL;
 * AUTOLIC_EVERSION / AUTOLIC_ECORRUPT from al_rec_open; a storage error. */
int al_txn_get_rec(al_txn *t, const al_key *k, uint8_t tag, al_buf *b, al_rd *r,
                   const char *missing, ...) __attribute__((format(printf, 6, 7)));
int al_txn_exists(al_txn *t, const al_key *k); /* 1, 0 or an error */
int al_txn_put(al_txn *t, const al_key *k, const al_buf *val);
int al_txn_put_raw(al_txn *t, const al_key *k, const void *val, size_t vlen);
int al_txn_del(al_txn *t, const al_key *k); /* AUTOLIC_ENOTFOUND when absent */
/* Ascending over start <= key < end (end NULL: no bound). The callback may
 * not touch storage; it returns 0 to go on. */
int al_txn_scan(al_txn *t, const al_key *start, const al_key *end, autolic_storage_scan_cb cb,
                void *arg);
/* Every key starting with `prefix`. */
int al_txn_scan_prefix(al_txn *t, const al_key *prefix, autolic_storage_scan_cb cb, void *arg);

/* A new id of the named store-wide sequence (src/core/seq.c): unique and
 * never reused, increasing on one handle, with gaps; taken from a block the
 * handle reserved, so that few calls write the record every call shares. */
int al_txn_seq_next(al_txn *t, const char *name, autolic_id *out);
/* The next number of the named sequence in one scope (a team, a contract:
 * `scope`, and `sub`, which may be NULL): strictly increasing in the
 * order of recording within the scope, above every id the store-wide
 * sequence of that name gave. */
int al_txn_seq_next_in(al_txn *t, const char *name, uint64_t scope, const char *sub,
                       autolic_id *out);
/* The last number of a scoped sequence, without taking one: a read call
 * uses it to number what a write would record next. */
int al_txn_seq_peek_in(al_txn *t, const char *name, uint64_t scope, const char *sub,
                       autolic_id *last);

/* Queue an event for delivery after commit, and record it as a notice in the
 * same transaction (NOTE-1, src/core/note.h). Strings may be NULL. */
int al_txn_event(al_txn *t, int type, autolic_id recipient, autolic_id team, autolic_id object,
                 const char *product, const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));

void al_evq_clear(al_evq *q, const al_alloc *a);

#endif
