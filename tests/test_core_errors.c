/*
 * The core's error paths, each checked for its code, its message and that
 * nothing changed: bad arguments to the handle functions, handles and stores
 * that cannot be made for lack of memory, storage slots missing, storages
 * answering codes outside the contract or failing without a message, keys
 * longer than AL_KEY_MAX, writes inside a read transaction, prefix scans at
 * the top of the key space, a host batch queueing many events and running
 * out of memory for them, and the allocator, codec and message helpers at
 * their limits.
 */
#include "support.h"

#include "core/alloc.h"
#include "core/codec.h"
#include "core/error.h"
#include "core/keys.h"
#include "core/txn.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the handle ---- */

static void t_handle_bad_arguments(void **state)
{
	(void)state;
	assert_int_equal(autolic_db_begin(NULL), AUTOLIC_EINVAL);
	assert_string_equal(autolic_errmsg(), "db is NULL");
	assert_int_equal(autolic_db_commit(NULL), AUTOLIC_EINVAL);
	assert_string_equal(autolic_errmsg(), "db is NULL");
	assert_int_equal(autolic_db_rollback(NULL), AUTOLIC_EINVAL);
	assert_string_equal(autolic_errmsg(), "db is NULL");
	assert_int_equal(autolic_db_now(NULL), 0);
	autolic_db_close(NULL);

	autolic_db *db = NULL;
	autolic_db_options o = AUTOLIC_DB_OPTIONS_INIT;
	o.version = 0;
	assert_int_equal(autolic_db_open(&db, &o), AUTOLIC_EVERSION);
	assert_non_null(strstr(autolic_errmsg(), "version 0 is not supported"));
	assert_null(db);

	/* an allocator needs all three functions */
	t_alloc ta = {0};
	autolic_allocator full = t_alloc_make(&ta);
	for (int missing = 0; missing < 3; missing++) {
		autolic_allocator a = full;
		if (missing == 0)
			a.malloc_fn = NULL;
		else if (missing == 1)
			a.realloc_fn = NULL;
		else
			a.free_fn = NULL;
		o = (autolic_db_options)AUTOLIC_DB_OPTIONS_INIT;
		o.allocator = &a;
		assert_int_equal(autolic_db_open(&db, &o), AUTOLIC_EINVAL);
		assert_non_null(strstr(autolic_errmsg(), "allocator must set"));
	}
	assert_int_equal(ta.count, 0);
}

static void t_storage_slots_required(void **state)
{
	(void)state;
	autolic_storage mem;
	assert_int_equal(autolic_store_memory_new(&mem, NULL), 0);
	autolic_db *db = NULL;
	for (int missing = 0; missing < 7; missing++) {
		autolic_storage st = mem;
		switch (missing) {
		case 0:
			st.begin = NULL;
			break;
		case 1:
			st.get = NULL;
			break;
		case 2:
			st.put = NULL;
			break;
		case 3:
			st.del = NULL;
			break;
		case 4:
			st.scan = NULL;
			break;
		case 5:
			st.commit = NULL;
			break;
		default:
			st.rollback = NULL;
		}
		autolic_db_options o = AUTOLIC_DB_OPTIONS_INIT;
		o.storage = &st;
		assert_int_equal(autolic_db_open(&db, &o), AUTOLIC_EINVAL);
		assert_non_null(strstr(autolic_errmsg(), "missing a required slot"));
		assert_null(db);
	}
	mem.free(mem.ctx);
}

static void t_open_out_of_memory(void **state)
{
	(void)state;
	/* The handle, then the default memory store and its map (the map and its
	 * first, empty leaf). */
	const char *want[] = {"out of memory allocating the handle",
	                      "cannot create the memory store", "cannot create the memory store",
	                      "cannot create the memory store"};
	long n;
	for (n = 1;; n++) {
		t_alloc ta = {0};
		ta.fail_at = n;
		autolic_allocator a = t_alloc_make(&ta);
		autolic_db_options o = AUTOLIC_DB_OPTIONS_INIT;
		o.allocator = &a;
		autolic_db *db = NULL;
		int rc = autolic_db_open(&db, &o);
		if (!ta.fired) {
			assert_int_equal(rc, 0);
			ta.fail_at = 0;
			assert_true(t_register(db, "a@example.com", "A", "B") != 0);
			autolic_db_close(db);
			assert_int_equal(ta.live, 0);
			break;
		}
		assert_int_equal(rc, AUTOLIC_ENOMEM);
		assert_null(db);
		assert_true(n <= 4);
		assert_non_null(strstr(autolic_errmsg(), want[n - 1]));
		assert_int_equal(ta.live, 0);
	}
	assert_int_equal(n, 5);
}

/* A storage without a free slot is the host's to release. */
static void t_storage_without_free(void **state)
{
	(void)state;
	autolic_storage mem;
	assert_int_equal(autolic_store_memory_new(&mem, NULL), 0);
	autolic_storage st = mem;
	st.free = NULL;
	autolic_db_options o = AUTOLIC_DB_OPTIONS_INIT;
	o.storage = &st;
	autolic_db *db = NULL;
	assert_int_equal(autolic_db_open(&db, &o), 0);
	t_register(db, "kept@example.com", "Kept", "Data");
	autolic_db_close(db);
	/* the store outlives the handle, with its data */
	o.storage = &mem;
	assert_int_equal(autolic_db_open(&db, &o), 0);
	autolic_id id = 0;
	assert_int_equal(autolic_account_find(db, "kept@example.com", &id), 0);
	assert_true(id != 0);
	autolic_db_close(db); /* frees mem */
}

/* ---- storages that misbehave ---- */

/* The memory store, with put answering `code` without a message when armed. */
typedef struct silent {
	autolic_storage inner;
	int put_code;
	int get_code; /* get answers it, without a message, when armed */
	int chatty;   /* put leaves a message and succeeds */
} silent;

static int sl_begin(void *c, int w)
{
	silent *s = c;
	return s->inner.begin(s->inner.ctx, w);
}
static int sl_get(void *c, const void *k, size_t kl, const void **v, size_t *vl)
{
	silent *s = c;
	return s->get_code ? s->get_code : s->inner.get(s->inner.ctx, k, kl, v, vl);
}
static int sl_put(void *c, const void *k, size_t kl, const void *v, size_t vl)
{
	silent *s = c;
	if (s->chatty)
		autolic_storage_set_error("a note about a put that went well");
	return s->put_code ? s->put_code : s->inner.put(s->inner.ctx, k, kl, v, vl);
}
static int sl_del(void *c, const void *k, size_t kl)
{
	silent *s = c;
	return s->inner.del(s->inner.ctx, k, kl);
}
static int sl_scan(void *c, const void *a, size_t al, const void *b, size_t bl,
                   autolic_storage_scan_cb cb, void *arg)
{
	silent *s = c;
	return s->inner.scan(s->inner.ctx, a, al, b, bl, cb, arg);
}
static int sl_commit(void *c)
{
	silent *s = c;
	return s->inner.commit(s->inner.ctx);
}
static int sl_rollback(void *c)
{
	silent *s = c;
	return s->inner.rollback(s->inner.ctx);
}
static void sl_free(void *c)
{
	silent *s = c;
	s->inner.free(s->inner.ctx);
}

static void t_storage_codes_normalised(void **state)
{
	(void)state;
	silent s = {0};
	assert_int_equal(autolic_store_memory_new(&s.inner, NULL), 0);
	autolic_storage st = {AUTOLIC_STORAGE_VERSION,
	                      &s,
	                      sl_begin,
	                      sl_get,
	                      sl_put,
	                      sl_del,
	                      sl_scan,
	                      sl_commit,
	                      sl_rollback,
	                      sl_free,
	                      NULL,
	                      NULL,
	                      NULL};
	autolic_db_options o = AUTOLIC_DB_OPTIONS_INIT;
	o.storage = &st;
	autolic_db *db = NULL;
	assert_int_equal(autolic_db_open(&db, &o), 0);
	autolic_account_spec sp = AUTOLIC_ACCOUNT_SPEC_INIT;
	sp.email = "x@example.com";
	/* A failure the backend did not describe: the code's own text. */
	s.put_code = AUTOLIC_ESTORAGE;
	assert_int_equal(autolic_account_register(db, &sp, NULL), AUTOLIC_ESTORAGE);
	assert_string_equal(autolic_errmsg(), "storage put failed: storage failure");
	/* Codes outside the storage contract read as a storage failure. */
	int odd[] = {AUTOLIC_EPERM, AUTOLIC_EINVAL, AUTOLIC_ENOSEAT, -9999};
	for (size_t i = 0; i < sizeof odd / sizeof *odd; i++) {
		s.put_code = odd[i];
		assert_int_equal(autolic_account_register(db, &sp, NULL), AUTOLIC_ESTORAGE);
		assert_non_null(strstr(autolic_errmsg(), "storage put failed"));
	}
	/* Codes of the contract pass through. */
	int kept[] = {AUTOLIC_ENOMEM, AUTOLIC_ELOCKED, AUTOLIC_ECORRUPT, AUTOLIC_EREADONLY};
	for (size_t i = 0; i < sizeof kept / sizeof *kept; i++) {
		s.put_code = kept[i];
		assert_int_equal(autolic_account_register(db, &sp, NULL), kept[i]);
	}
	/* nothing was written on the way; the handle works */
	s.put_code = 0;
	autolic_id id;
	assert_int_equal(autolic_account_find(db, "x@example.com", &id), AUTOLIC_ENOTFOUND);
	assert_int_equal(autolic_account_register(db, &sp, &id), 0);
	/* A message a backend left on a call that succeeded is not the reason
	 * of a later failure, in the same call or in the next one. */
	s.chatty = 1;
	sp.email = "y@example.com";
	assert_int_equal(autolic_account_register(db, &sp, NULL), 0);
	s.chatty = 0;
	s.get_code = AUTOLIC_ESTORAGE;
	autolic_account_info ai = {.version = AUTOLIC_ACCOUNT_INFO_VERSION};
	assert_int_equal(autolic_account_get(db, id, &ai), AUTOLIC_ESTORAGE);
	assert_string_equal(autolic_errmsg(), "storage get failed: storage failure");
	s.get_code = 0;
	s.chatty = 1;
	sp.email = "z@example.com";
	assert_int_equal(autolic_db_begin(db), 0);
	assert_int_equal(autolic_account_register(db, &sp, NULL), 0);
	s.get_code = AUTOLIC_ESTORAGE;
	assert_int_equal(autolic_account_get(db, id, &ai), AUTOLIC_ESTORAGE);
	assert_string_equal(autolic_errmsg(), "storage get failed: storage failure");
	s.get_code = 0;
	s.chatty = 0;
	(void)autolic_db_rollback(db);
	autolic_db_close(db);
}

/* ---- the runner and storage access ---- */

static char long_name[AL_KEY_MAX + 100];

static int long_key_fn(al_txn *t, void *arg)
{
	int which = *(int *)arg;
	al_key k, ok;
	al_key_init(&k, 0x0f);
	al_key_str(&k, long_name);
	al_key_init(&ok, 0x0f);
	al_buf b;
	al_buf_init(&b, t->a);
	int rc;
	switch (which) {
	case 0:
		rc = al_txn_get(t, &k, &b);
		break;
	case 1:
		rc = al_txn_exists(t, &k);
		break;
	case 2:
		rc = al_txn_put_raw(t, &k, "v", 1);
		break;
	case 3:
		rc = al_txn_del(t, &k);
		break;
	case 4:
		rc = al_txn_scan(t, &k, NULL, NULL, NULL);
		break;
	default:
		rc = al_txn_scan(t, &ok, &k, NULL, NULL);
		break;
	}
	al_buf_free(&b);
	return rc;
}

static void t_keys_longer_than_the_limit(void **state)
{
	(void)state;
	memset(long_name, 'n', sizeof long_name - 1);
	t_faulty f;
	autolic_db *db = t_open(&f, NULL, NULL, NULL);
	long ops = f.ops;
	for (int which = 0; which < 6; which++) {
		assert_int_equal(al_run(db, 1, long_key_fn, &which), AUTOLIC_EINVAL);
		char want[64];
		snprintf(want, sizeof want, "key longer than %d bytes", AL_KEY_MAX);
		assert_string_equal(autolic_errmsg(), want);
	}
	/* refused before the storage saw the key: only begin and rollback */
	assert_int_equal(f.ops - ops, 6);
	assert_int_equal(f.rollbacks, 6);
	/* the builder stays overflowed once it is */
	al_key k;
	al_key_init(&k, 1);
	al_key_str(&k, long_name);
	assert_int_equal(k.overflow, 1);
	size_t len = k.len;
	al_key_u64(&k, 7);
	assert_int_equal(k.overflow, 1);
	assert_int_equal(k.len, len);
	autolic_db_close(db);
}

static int write_fn(al_txn *t, void *arg)
{
	al_key k;
	al_key_init(&k, 0x0f);
	al_key_u64(&k, 1);
	return *(int *)arg ? al_txn_del(t, &k) : al_txn_put_raw(t, &k, "v", 1);
}

static void t_write_inside_read_transaction(void **state)
{
	(void)state;
	autolic_db *db = t_open(NULL, NULL, NULL, NULL);
	for (int del = 0; del < 2; del++) {
		assert_int_equal(al_run(db, 0, write_fn, &del), AUTOLIC_EREADONLY);
		assert_string_equal(autolic_errmsg(), "write inside a read transaction");
	}
	int put = 0;
	assert_int_equal(al_run(db, 1, write_fn, &put), 0);
	autolic_db_close(db);
}

typedef struct top_keys {
	unsigned char seen[8][4];
	size_t lens[8];
	int n;
} top_keys;

static int top_cb(const void *k, size_t kl, const void *v, size_t vl, void *arg)
{
	(void)v, (void)vl;
	top_keys *s = arg;
	assert_true(s->n < 8 && kl <= 4);
	memcpy(s->seen[s->n], k, kl);
	s->lens[s->n++] = kl;
	return 0;
}

static int top_fn(al_txn *t, void *arg)
{
	static const unsigned char keys[][3] = {
	    {0xfe, 0xff, 0xff}, {0xff, 0xfe, 0x00}, {0xff, 0xff, 0x00}, {0xff, 0xff, 0xff}};
	for (int i = 0; i < 4; i++) {
		al_key k;
		al_key_init(&k, keys[i][0]);
		k.b[1] = keys[i][1];
		k.b[2] = keys[i][2];
		k.len = 3;
		int rc = al_txn_put_raw(t, &k, "", 0);
		if (rc)
			return rc;
	}
	al_key p;
	al_key_init(&p, 0xff);
	p.b[1] = 0xff;
	p.len = 2;
	return al_txn_scan_prefix(t, &p, top_cb, arg);
}

/* A prefix of 0xff bytes has no end key: the scan runs to the top. */
static void t_prefix_scan_at_the_top(void **state)
{
	(void)state;
	al_key p, end;
	al_key_init(&p, 0x01);
	p.b[1] = 0xff;
	p.len = 2;
	assert_int_equal(al_key_prefix_end(&p, &end), 0);
	assert_int_equal(end.len, 1);
	assert_int_equal(end.b[0], 0x02);
	al_key_init(&p, 0xff);
	p.b[1] = 0xff;
	p.len = 2;
	assert_int_equal(al_key_prefix_end(&p, &end), -1);

	autolic_db *db = t_open(NULL, NULL, NULL, NULL);
	top_keys s = {0};
	assert_int_equal(al_run(db, 1, top_fn, &s), 0);
	assert_int_equal(s.n, 2);
	assert_memory_equal(s.seen[0], "\xff\xff\x00", 3);
	assert_memory_equal(s.seen[1], "\xff\xff\xff", 3);
	autolic_db_close(db);
}

/* ---- events of a host batch ---- */

typedef struct ev_arg {
	int n;
	int tag;
} ev_arg;

static int events_fn(al_txn *t, void *arg)
{
	ev_arg *a = arg;
	al_key k;
	al_key_init(&k, 0x0f);
	al_key_u64(&k, (uint64_t)a->tag);
	int rc = al_txn_put_raw(t, &k, "x", 1);
	for (int i = 0; i < a->n && !rc; i++)
		rc = al_txn_event(t, AUTOLIC_EVENT_ROLE_CHANGED, (autolic_id)i + 1, 0,
		                  (autolic_id)a->tag, i % 2 ? "product" : NULL,
		                  i % 3 ? NULL : "ACCT-1", "event %d of call %d", i, a->tag);
	return rc;
}

static int tag_exists_fn(al_txn *t, void *arg)
{
	al_key k;
	al_key_init(&k, 0x0f);
	al_key_u64(&k, (uint64_t) * (int *)arg);
	return al_txn_exists(t, &k);
}

static void t_batch_with_many_events(void **state)
{
	(void)state;
	t_events ev;
	memset(&ev, 0, sizeof ev);
	autolic_db *db = t_open(NULL, NULL, &ev, NULL);
	assert_int_equal(autolic_db_begin(db), 0);
	ev_arg a = {20, 1}, b = {5, 2};
	assert_int_equal(al_run(db, 1, events_fn, &a), 0); /* more than the first 8 */
	assert_int_equal(al_run(db, 1, events_fn, &b), 0);
	assert_int_equal(ev.n, 0); /* nothing before the batch commits */
	assert_int_equal(autolic_db_commit(db), 0);
	assert_int_equal(ev.n, 25);
	for (int i = 0; i < 25; i++) {
		int call = i < 20 ? 1 : 2, j = i < 20 ? i : i - 20;
		char want[64];
		snprintf(want, sizeof want, "event %d of call %d", j, call);
		assert_string_equal(ev.v[i].text, want);
		assert_string_equal(ev.v[i].product, j % 2 ? "product" : "");
		assert_string_equal(ev.v[i].rule, j % 3 ? "" : "ACCT-1");
		assert_int_equal(ev.v[i].object, call);
	}
	autolic_db_close(db);
}

/* Allocations failing in turn while a batched call queues its events: a
 * failed call leaves no write and no event, the batch goes on. */
static void t_batch_events_out_of_memory(void **state)
{
	(void)state;
	int kept_msg = 0;
	long n;
	for (n = 1;; n++) {
		t_events ev;
		memset(&ev, 0, sizeof ev);
		t_alloc ta = {0};
		autolic_allocator al = t_alloc_make(&ta);
		autolic_db *db = t_open(NULL, NULL, &ev, &al);
		assert_int_equal(autolic_db_begin(db), 0);
		ev_arg a = {3, 1}, b = {6, 2};
		assert_int_equal(al_run(db, 1, events_fn, &a), 0);
		ta.fail_at = ta.count + n;
		int rc = al_run(db, 1, events_fn, &b);
		int fired = ta.fired > 0;
		ta.fail_at = 0;
		if (rc) {
			assert_int_equal(rc, AUTOLIC_ENOMEM);
			kept_msg += strcmp(autolic_errmsg(),
			                   "out of memory keeping the batch's events") == 0;
		}
		assert_int_equal(autolic_db_commit(db), 0);
		int tag = 2;
		assert_int_equal(al_run(db, 0, tag_exists_fn, &tag), rc ? 0 : 1);
		tag = 1;
		assert_int_equal(al_run(db, 0, tag_exists_fn, &tag), 1);
		assert_int_equal(ev.n, rc ? 3 : 9);
		autolic_db_close(db);
		assert_int_equal(ta.live, 0);
		if (!fired)
			break;
	}
	assert_true(kept_msg > 0);
}

/* Another thread can neither end nor join a thread's batch. */
typedef struct other_thread {
	autolic_db *db;
	int commit_rc, rollback_rc;
	char msg[128];
} other_thread;

static void *other_thread_fn(void *p)
{
	other_thread *o = p;
	o->commit_rc = autolic_db_commit(o->db);
	snprintf(o->msg, sizeof o->msg, "%s", autolic_errmsg());
	o->rollback_rc = autolic_db_rollback(o->db);
	return NULL;
}

static void t_batch_belongs_to_its_thread(void **state)
{
	(void)state;
	autolic_db *db = t_open(NULL, NULL, NULL, NULL);
	assert_int_equal(autolic_db_begin(db), 0);
	ev_arg a = {0, 7};
	assert_int_equal(al_run(db, 1, events_fn, &a), 0);
	other_thread o = {db, 0, 0, ""};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, other_thread_fn, &o), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(o.commit_rc, AUTOLIC_ESTATE);
	assert_string_equal(o.msg, "no batch is open on this thread");
	assert_int_equal(o.rollback_rc, AUTOLIC_ESTATE);
	assert_int_equal(autolic_db_commit(db), 0); /* still ours, and whole */
	int tag = 7;
	assert_int_equal(al_run(db, 0, tag_exists_fn, &tag), 1);
	autolic_db_close(db);
}

/* A conflict inside a host batch: the batch lost its serialisation race as
 * a whole, so it is aborted (a savepoint cannot help) and commits nothing. */
static void t_conflict_aborts_batch(void **state)
{
	(void)state;
	t_faulty f;
	t_events ev;
	memset(&ev, 0, sizeof ev);
	autolic_db *db = t_open(&f, NULL, &ev, NULL);
	assert_int_equal(autolic_db_begin(db), 0);
	ev_arg a = {2, 1}, b = {2, 2};
	assert_int_equal(al_run(db, 1, events_fn, &a), 0);
	f.fail_code = AUTOLIC_ECONFLICT;
	f.fail_at = f.ops + 2; /* the put after the call's savepoint */
	assert_int_equal(al_run(db, 1, events_fn, &b), AUTOLIC_ECONFLICT);
	assert_null(strstr(autolic_errmsg(), "gave up after")); /* not retried */
	f.fail_at = 0;
	assert_int_equal(al_run(db, 1, events_fn, &a), AUTOLIC_EABORTED);
	assert_int_equal(autolic_db_commit(db), AUTOLIC_EABORTED);
	int tag = 1;
	assert_int_equal(al_run(db, 0, tag_exists_fn, &tag), 0);
	assert_int_equal(ev.n, 0);
	autolic_db_close(db);
}

/* ---- allocator, codec, messages ---- */

static void t_allocator_limits(void **state)
{
	(void)state;
	t_alloc ta = {0};
	autolic_allocator a = t_alloc_make(&ta);
	assert_null(al_calloc(&a, SIZE_MAX / 2, 3)); /* the product overflows */
	assert_int_equal(ta.count, 0);               /* and nothing was asked for */
	void *none = al_calloc(&a, 5, 0);            /* zero bytes: still a block */
	assert_non_null(none);
	al_free(&a, none);
	unsigned char *p = al_calloc(&a, 4, 4);
	assert_non_null(p);
	for (int i = 0; i < 16; i++)
		assert_int_equal(p[i], 0);
	al_free(&a, p);
	void *z = al_malloc(&a, 0); /* a real block, never NULL for 0 */
	assert_non_null(z);
	z = al_realloc(&a, z, 0);
	assert_non_null(z);
	al_free(&a, z);
	al_free(&a, NULL);
	assert_int_equal(ta.live, 0);
}

/* A buffer outgrowing its inline bytes: the move to the heap and a later
 * growth each fail cleanly (the record is refused, the bytes written so far
 * kept), and a record's format version is what its writer chose. */
static void t_buffer_growth_out_of_memory(void **state)
{
	(void)state;
	unsigned char chunk[4 * AL_BUF_INLINE];
	memset(chunk, 0xab, sizeof chunk);
	for (long at = 1; at <= 2; at++) {
		t_alloc ta = {0};
		ta.fail_at = at;
		autolic_allocator failing = t_alloc_make(&ta);
		al_alloc a;
		al_alloc_init(&a, &failing);
		al_buf b;
		al_buf_init(&b, &a);
		al_buf_put(&b, chunk, AL_BUF_INLINE); /* fills the inline bytes */
		assert_int_equal(al_buf_check(&b), 0);
		assert_int_equal(ta.count, 0);
		al_buf_put(&b, chunk, 1);            /* allocation 1: off the inline bytes */
		al_buf_put(&b, chunk, sizeof chunk); /* allocation 2: grows */
		assert_int_equal(ta.fired, 1);
		assert_int_equal(al_buf_check(&b), AUTOLIC_ENOMEM);
		assert_int_equal(b.len, at == 1 ? AL_BUF_INLINE : AL_BUF_INLINE + 1);
		al_buf_put(&b, chunk, 1); /* nothing more is written once one failed */
		assert_int_equal(b.len, at == 1 ? AL_BUF_INLINE : AL_BUF_INLINE + 1);
		al_buf_free(&b);
		assert_int_equal(ta.live, 0);
	}

	al_alloc a;
	al_alloc_init(&a, NULL);
	al_buf b;
	al_buf_init(&b, &a);
	al_rd r;
	al_rec_begin(&b, 0x0f);
	assert_int_equal(al_rec_open(&r, b.p, b.len, 0x0f), 0);
	assert_int_equal(r.version, AL_REC_V1);
	al_rec_begin_v(&b, 0x0f, AL_REC_V2);
	assert_int_equal(al_rec_open(&r, b.p, b.len, 0x0f), 0);
	assert_int_equal(r.version, AL_REC_V2);
	al_rec_begin_v(&b, 0x0f, AL_REC_VERSION + 1);
	assert_int_equal(al_rec_open(&r, b.p, b.len, 0x0f), AUTOLIC_EVERSION);
	al_buf_free(&b);
}

static void t_codec_limits(void **state)
{
	(void)state;
	al_alloc a;
	al_alloc_init(&a, NULL);
	al_buf b;
	al_buf_init(&b, &a);
	/* a string longer than a record can hold fails the whole record */
	char *big = malloc(0x10000 + 1);
	assert_non_null(big);
	memset(big, 's', 0x10000);
	big[0x10000] = 0;
	al_rec_begin(&b, 0x0f);
	al_enc_str(&b, big);
	al_enc_u64(&b, 1);
	assert_int_equal(al_buf_check(&b), AUTOLIC_ENOMEM);
	assert_string_equal(autolic_errmsg(), "out of memory encoding a record");
	big[0xffff] = 0; /* the longest that fits */
	al_rec_begin(&b, 0x0f);
	al_enc_str(&b, big);
	assert_int_equal(al_buf_check(&b), 0);
	free(big);

	/* no string encodes as the empty one */
	al_rec_begin(&b, 0x0f);
	al_enc_str(&b, NULL);
	assert_int_equal(al_buf_check(&b), 0);
	al_rd r0;
	char out[4] = "x";
	assert_int_equal(al_rec_open(&r0, b.p, b.len, 0x0f), 0);
	al_dec_str(&r0, out, sizeof out);
	assert_int_equal(al_rd_done(&r0), 0);
	assert_string_equal(out, "");

	/* a string decoded while memory runs out: NULL, the record itself fine */
	al_rec_begin(&b, 0x0f);
	al_enc_str(&b, "hello");
	assert_int_equal(al_buf_check(&b), 0);
	t_alloc ta = {0};
	ta.fail_at = 1;
	autolic_allocator failing = t_alloc_make(&ta);
	al_rd r;
	assert_int_equal(al_rec_open(&r, b.p, b.len, 0x0f), 0);
	assert_null(al_dec_strdup(&r, &failing));
	assert_int_equal(ta.fired, 1);
	assert_int_equal(al_rd_done(&r), 0);
	assert_int_equal(al_rec_open(&r, b.p, b.len, 0x0f), 0);
	char *s = al_dec_strdup(&r, &failing);
	assert_string_equal(s, "hello");
	al_free(&failing, s);
	assert_int_equal(ta.live, 0);
	al_buf_free(&b);

	/* a record too short to carry its tag */
	unsigned char one = AL_REC_VERSION;
	assert_int_equal(al_rec_open(&r, &one, 1, 0x0f), AUTOLIC_ECORRUPT);
	assert_int_equal(al_rd_done(&r), AUTOLIC_ECORRUPT);
	assert_string_equal(autolic_errmsg(),
	                    "record (tag 0x00) is truncated or has trailing bytes");

	/* the version byte: 0 was never written (damage), above ours is newer */
	unsigned char rec[3] = {0, 0x0f, 1};
	assert_int_equal(al_rec_open(&r, rec, sizeof rec, 0x0f), AUTOLIC_ECORRUPT);
	assert_string_equal(autolic_errmsg(),
	                    "record (tag 0x0f) has format 0, which does not exist");
	rec[0] = AL_REC_VERSION + 1;
	assert_int_equal(al_rec_open(&r, rec, sizeof rec, 0x0f), AUTOLIC_EVERSION);
	assert_non_null(strstr(autolic_errmsg(), "is not supported"));
	rec[0] = AL_REC_VERSION;
	assert_int_equal(al_rec_open(&r, rec, sizeof rec, 0x0e), AUTOLIC_ECORRUPT);
	assert_int_equal(al_rec_open(&r, rec, sizeof rec, 0x0f), 0);
	assert_int_equal(r.version, AL_REC_VERSION);
}

/* Skipping a string refuses exactly what decoding it refuses and leaves the
 * reader where decoding leaves it: readers that skip fields must reject the
 * same malformed records as readers that copy them. */
typedef struct skip_case {
	const char *what;
	unsigned char bytes[16]; /* after the record header */
	size_t len;
	size_t cap; /* destination capacity given to both */
	int bad;    /* expected */
	size_t pos; /* expected reader position after the string */
} skip_case;

static void t_codec_skip_str(void **state)
{
	(void)state;
	static const skip_case cases[] = {
	    {"valid", {5, 0, 'h', 'e', 'l', 'l', 'o'}, 7, 8, 0, 2 + 7},
	    {"empty", {0, 0}, 2, 1, 0, 2 + 2},
	    {"longest that fits", {2, 0, 'a', 'b'}, 4, 3, 0, 2 + 4},
	    {"too long for the destination", {3, 0, 'a', 'b', 'c'}, 5, 3, 1, 2 + 5},
	    {"embedded NUL", {3, 0, 'a', 0, 'b'}, 5, 8, 1, 2 + 5},
	    {"truncated length", {4}, 1, 8, 1, 2},
	    {"length past the end", {9, 0, 'a', 'b', 'c', 'd'}, 6, 16, 1, 2 + 2},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const skip_case *c = &cases[i];
		unsigned char rec[2 + sizeof c->bytes] = {AL_REC_VERSION, 0x0f};
		memcpy(rec + 2, c->bytes, c->len);
		al_rd skip, dec;
		char dst[16];
		memset(dst, 'x', sizeof dst);
		assert_int_equal(al_rec_open(&skip, rec, 2 + c->len, 0x0f), 0);
		assert_int_equal(al_rec_open(&dec, rec, 2 + c->len, 0x0f), 0);
		al_skip_str(&skip, c->cap);
		al_dec_str(&dec, dst, c->cap);
		if (skip.bad != c->bad || skip.pos != c->pos)
			fail_msg("%s: bad %d pos %zu, expected bad %d pos %zu", c->what, skip.bad,
			         skip.pos, c->bad, c->pos);
		assert_int_equal(skip.bad, dec.bad);
		assert_int_equal(skip.pos, dec.pos);
		assert_int_equal(al_rd_done(&skip),
		                 c->bad || c->pos != 2 + c->len ? AUTOLIC_ECORRUPT : 0);
	}

	/* the field after a skipped string reads as it would after a decoded one */
	al_alloc a;
	al_alloc_init(&a, NULL);
	al_buf b;
	al_buf_init(&b, &a);
	al_rec_begin(&b, 0x0f);
	al_enc_str(&b, "ann@example.com");
	al_enc_str(&b, "");
	al_enc_u64(&b, 0x0102030405060708ull);
	assert_int_equal(al_buf_check(&b), 0);
	al_rd r;
	assert_int_equal(al_rec_open(&r, b.p, b.len, 0x0f), 0);
	al_skip_str(&r, 64);
	al_skip_str(&r, 1);
	assert_int_equal(al_dec_u64(&r), 0x0102030405060708ull);
	assert_int_equal(al_rd_done(&r), 0);

	/* once a reader is bad, a skip neither moves it nor mends it */
	assert_int_equal(al_rec_open(&r, b.p, b.len, 0x0f), 0);
	al_skip_str(&r, 4); /* "ann@example.com" does not fit 4 bytes */
	assert_int_equal(r.bad, 1);
	size_t pos = r.pos;
	al_skip_str(&r, 64);
	assert_int_equal(r.bad, 1);
	assert_int_equal(r.pos, pos);
	assert_int_equal(al_rd_done(&r), AUTOLIC_ECORRUPT);
	al_buf_free(&b);
}

static void t_message_prefix_limits(void **state)
{
	(void)state;
	char a[600], b[600];
	memset(a, 'a', sizeof a - 1);
	a[sizeof a - 1] = 0;
	memset(b, 'b', sizeof b - 1);
	b[sizeof b - 1] = 0;
	/* a long message keeps its head when prefixed with a short text */
	al_err(AUTOLIC_ERROR, "%s", a);
	assert_int_equal(strlen(autolic_errmsg()), 511);
	al_err_prefix("head");
	const char *m = autolic_errmsg();
	assert_int_equal(strlen(m), 511);
	assert_memory_equal(m, "head: aaa", 9);
	/* a prefix longer than a message: cut, still terminated */
	al_err(AUTOLIC_ERROR, "old");
	al_err_prefix("%s", b);
	m = autolic_errmsg();
	assert_int_equal(strlen(m), 511);
	assert_int_equal(m[0], 'b');
	assert_memory_equal(m + 509, ": ", 2);
	al_err_clear();
	assert_string_equal(autolic_errmsg(), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_handle_bad_arguments),
	    cmocka_unit_test(t_storage_slots_required),
	    cmocka_unit_test(t_open_out_of_memory),
	    cmocka_unit_test(t_storage_without_free),
	    cmocka_unit_test(t_storage_codes_normalised),
	    cmocka_unit_test(t_keys_longer_than_the_limit),
	    cmocka_unit_test(t_write_inside_read_transaction),
	    cmocka_unit_test(t_prefix_scan_at_the_top),
	    cmocka_unit_test(t_batch_with_many_events),
	    cmocka_unit_test(t_batch_events_out_of_memory),
	    cmocka_unit_test(t_conflict_aborts_batch),
	    cmocka_unit_test(t_batch_belongs_to_its_thread),
	    cmocka_unit_test(t_allocator_limits),
	    cmocka_unit_test(t_codec_limits),
	    cmocka_unit_test(t_codec_skip_str),
	    cmocka_unit_test(t_buffer_growth_out_of_memory),
	    cmocka_unit_test(t_message_prefix_limits),
	};
	return t_run_group("core/errors", tests, NULL, NULL);
}
