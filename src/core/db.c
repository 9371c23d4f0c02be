#include "db_internal.h"
#include "error.h"
#include "structs.h"
#include "upgrade.h"
#include "account.h"
#include "contract.h"
#include "flex_internal.h"
#include "notification.h"
#include "ops.h"
#include "seat.h"
#include "team.h"

#include <stddef.h>
#include <string.h>
#include <time.h>

static autolic_time system_clock(void *ctx)
{
	(void)ctx;
	return (autolic_time)time(NULL);
}

static autolic_time no_clock(void *ctx)
{
	(void)ctx;
	return 0;
}

int autolic_db_options_init(autolic_db_options *opts, unsigned int version)
{
	return al_struct_init(opts, AL_DB_OPTIONS, version);
}

/* The caller's vtable, of the version it names, into `st`, checked. */
static int check_storage(const autolic_storage *given, autolic_storage *st)
{
	int rc = al_copy_in(st, given, AL_STORAGE);
	if (rc)
		return rc;
	if (!st->begin || !st->get || !st->put || !st->del || !st->scan || !st->commit ||
	    !st->rollback)
		return al_err(AUTOLIC_EINVAL, "storage vtable is missing a required slot "
		                              "(begin, get, put, del, scan, commit, rollback)");
	int sp = !!st->savepoint + !!st->release + !!st->rollback_to;
	if (sp != 0 && sp != 3)
		return al_err(AUTOLIC_EINVAL,
		              "storage vtable sets only some of savepoint, release, rollback_to");
	return 0;
}

int autolic_db_open(autolic_db **out, const autolic_db_options *opts)
{
	al_err_clear();
	if (!out)
		return al_err(AUTOLIC_EINVAL, "out is NULL");
	*out = NULL;
	autolic_db_options def = AUTOLIC_DB_OPTIONS_INIT;
	if (opts) {
		int rc = al_copy_in(&def, opts, AL_DB_OPTIONS);
		if (rc)
			return rc;
	}
	opts = &def;
	if (opts->allocator && !al_alloc_valid(opts->allocator))
		return al_err(AUTOLIC_EINVAL,
		              "allocator must set malloc_fn, realloc_fn and free_fn");
	autolic_storage st;
	if (opts->storage) {
		int rc = check_storage(opts->storage, &st);
		if (rc)
			return rc;
	}
	al_alloc a;
	al_alloc_init(&a, opts->allocator);
	autolic_db *db = al_calloc(&a, 1, sizeof(*db));
	if (!db)
		return al_err(AUTOLIC_ENOMEM, "out of memory allocating the handle");
	db->alloc = a;
	if (pthread_mutex_init(&db->mu, NULL)) {
		al_free(&a, db);
		return al_err(AUTOLIC_ENOMEM, "cannot create the handle's mutex");
	}
	if (opts->storage) {
		db->st = st;
	} else {
		int rc = autolic_store_memory_new(&db->st, opts->allocator);
		if (rc) {
			pthread_mutex_destroy(&db->mu);
			al_free(&a, db);
			return al_err(rc, "cannot create the memory store");
		}
	}
	db->on_event = opts->on_event;
	db->event_ctx = opts->event_ctx;
	db->max_retries = opts->max_retries;
	/* a version 1 caller's struct has no budget: al_copy_in left the 0 of
	 * AUTOLIC_DB_OPTIONS_INIT, which means the default */
	db->retry_budget_ms =
	    opts->retry_budget_ms ? opts->retry_budget_ms : AUTOLIC_DEFAULT_RETRY_BUDGET_MS;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	db->rng = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^ (uintptr_t)db ^
	          0x9e3779b97f4a7c15u;
	/* a store written by an older library is brought up to date first
	 * (SEAM-1); it needs no time, and the host's clock is not called before
	 * the handle is returned. The memory store just made is empty: nothing
	 * to upgrade, so a failure leaves the host its own storage only. */
	db->clock = no_clock;
	int rc = opts->storage ? al_store_upgrade(db) : 0;
	db->clock = opts->clock ? opts->clock : system_clock;
	db->clock_ctx = opts->clock ? opts->clock_ctx : NULL;
	if (rc) {
		pthread_mutex_destroy(&db->mu);
		al_free(&a, db);
		return rc;
	}
	*out = db;
	return 0;
}

void autolic_db_close(autolic_db *db)
{
	if (!db)
		return;
	if (db->batch) {
		db->st.rollback(db->st.ctx);
		al_evq_clear(&db->batch_events, &db->alloc);
		db->batch = 0;
		pthread_mutex_unlock(&db->mu);
	}
	al_free(&db->alloc, db->batch_events.v);
	if (db->st.free)
		db->st.free(db->st.ctx);
	pthread_mutex_destroy(&db->mu);
	al_alloc a = db->alloc;
	al_free(&a, db);
}

autolic_time autolic_db_now(autolic_db *db)
{
	return db ? db->clock(db->clock_ctx) : 0;
}

const al_alloc *al_db_alloc(const autolic_db *db)
{
	return &db->alloc;
}

int al_db_owns_batch(autolic_db *db)
{
	/* batch and batch_owner change only under mu; other threads read them
	 * without it, so both are atomic. Only the owner can see itself named. */
	return __atomic_load_n(&db->batch, __ATOMIC_ACQUIRE) &&
	       pthread_equal(__atomic_load_n(&db->batch_owner, __ATOMIC_ACQUIRE), pthread_self());
}

int autolic_db_begin(autolic_db *db)
{
	al_err_clear();
	if (!db)
		return al_err(AUTOLIC_EINVAL, "db is NULL");
	if (al_db_owns_batch(db))
		return al_err(AUTOLIC_EBUSY, "a batch is already open on this thread");
	pthread_mutex_lock(&db->mu);
	al_err_storage_reset();
	int rc = db->st.begin(db->st.ctx, 1);
	if (rc) {
		pthread_mutex_unlock(&db->mu);
		return al_storage_err(rc, "begin of the batch");
	}
	__atomic_store_n(&db->batch_owner, pthread_self(), __ATOMIC_RELEASE);
	db->batch_aborted = 0;
	__atomic_store_n(&db->batch, 1, __ATOMIC_RELEASE);
	return 0;
}

static void end_batch(autolic_db *db, al_evq *deliver)
{
	*deliver = db->batch_events;
	memset(&db->batch_events, 0, sizeof(db->batch_events));
	__atomic_store_n(&db->batch, 0, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&db->mu);
}

int autolic_db_commit(autolic_db *db)
{
	al_err_clear();
	if (!db)
		return al_err(AUTOLIC_EINVAL, "db is NULL");
	if (!al_db_owns_batch(db))
		return al_err(AUTOLIC_ESTATE, "no batch is open on this thread");
	int rc;
	if (db->batch_aborted) {
		db->st.rollback(db->st.ctx);
		al_evq_clear(&db->batch_events, &db->alloc);
		rc = al_err(AUTOLIC_EABORTED,
		            "the batch was aborted by a failed call and has been rolled back");
	} else {
		al_err_storage_reset();
		rc = db->st.commit(db->st.ctx);
		if (rc) {
			rc = al_storage_err(rc, "commit of the batch");
			db->st.rollback(db->st.ctx);
			al_evq_clear(&db->batch_events, &db->alloc);
		}
	}
	al_evq q;
	end_batch(db, &q);
	al_deliver(db, &q);
	return rc;
}

int autolic_db_rollback(autolic_db *db)
{
	al_err_clear();
	if (!db)
		return al_err(AUTOLIC_EINVAL, "db is NULL");
	if (!al_db_owns_batch(db))
		return al_err(AUTOLIC_ESTATE, "no batch is open on this thread");
	db->st.rollback(db->st.ctx);
	al_evq_clear(&db->batch_events, &db->alloc);
	al_evq q;
	end_batch(db, &q);
	al_evq_clear(&q, &db->alloc);
	al_free(&db->alloc, q.v);
	return 0;
}

/* ---- the whole-store check ---- */

/* Each noun checks its own invariants (al_<noun>_check_all); the order goes
 * from the records others refer to towards those that refer to them, so the
 * first problem reported is the most basic one. */
/* SEAM-3: every seat holder and every Flex user is a member of the team. The
 * store-level upgrade at open makes them members (upgrade.c), so any left
 * outside are damage; the scans are the upgrade's own, without applying. */
static int members_check(al_txn *t)
{
	autolic_id where = 0, account = 0;
	int removed = 0;
	int rc = al_seat_upgrade_members(t, 0, &where, &account);
	if (!rc && where)
		return al_err(AUTOLIC_ECORRUPT,
		              "SEAM-3: account %llu holds a seat on contract %llu but is not a "
		              "member of its team",
		              (unsigned long long)account, (unsigned long long)where);
	if (!rc)
		rc = al_flex_upgrade_members(t, 0, &where, &account, &removed);
	if (!rc && where)
		return al_err(AUTOLIC_ECORRUPT,
		              "SEAM-3: account %llu is %s Flex user of team %llu but is not a "
		              "member of it",
		              (unsigned long long)account, removed ? "a removed" : "a",
		              (unsigned long long)where);
	return rc;
}

static int check_fn(al_txn *t, void *arg)
{
	(void)arg;
	int rc = al_account_check_all(t);
	if (!rc)
		rc = al_team_check_all(t);
	if (!rc)
		rc = al_contract_check_all(t);
	if (!rc)
		rc = al_seat_check(t);
	if (!rc)
		rc = members_check(t);
	if (!rc)
		rc = al_flex_check_all(t);
	if (!rc)
		rc = al_ops_check_all(t);
	if (!rc)
		rc = al_note_check_all(t);
	return rc;
}

int autolic_db_check(autolic_db *db)
{
	if (!db) {
		al_err_clear();
		return al_err(AUTOLIC_EINVAL, "autolic_db_check: db is NULL");
	}
	return al_run(db, 0, check_fn, NULL);
}
