/* The handle, options, errors, the runner, batches and events. */
#include "support.h"
#include "core/txn.h"
#include "core/error.h"
#include "core/codec.h"
#include "core/snap.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_version(void **state)
{
	(void)state;
	int ma = -1, mi = -1, pa = -1;
	const char *v = autolic_version(&ma, &mi, &pa);
	assert_int_equal(ma, AUTOLIC_VERSION_MAJOR);
	assert_int_equal(mi, AUTOLIC_VERSION_MINOR);
	assert_int_equal(pa, AUTOLIC_VERSION_PATCH);
	char want[32];
	snprintf(want, sizeof want, "%d.%d.%d", ma, mi, pa);
	assert_string_equal(v, want);
	assert_non_null(autolic_version(NULL, NULL, NULL));
}

static void test_strerror_every_code(void **state)
{
	(void)state;
	for (int c = 0; c >= AUTOLIC_EDUPLICATE; c--) {
		const char *s = autolic_strerror(c);
		assert_non_null(s);
		assert_string_not_equal(s, "unknown error");
	}
	assert_string_equal(autolic_strerror(-9999), "unknown error");
	assert_string_equal(autolic_strerror(AUTOLIC_ENOSEAT), "all seats in use");
	assert_string_equal(autolic_strerror(AUTOLIC_ENOOPLICENCE),
	                    "all licences for operators are in use");
}

static void test_options(void **state)
{
	(void)state;
	autolic_db_options o;
	assert_int_equal(autolic_db_options_init(&o, 0), AUTOLIC_EVERSION);
	assert_int_equal(autolic_db_options_init(&o, AUTOLIC_DB_OPTIONS_VERSION + 1),
	                 AUTOLIC_EVERSION);
	assert_int_equal(autolic_db_options_init(NULL, 1), AUTOLIC_EINVAL);
	assert_int_equal(autolic_db_options_init(&o, AUTOLIC_DB_OPTIONS_VERSION), 0);
	assert_int_equal(o.version, AUTOLIC_DB_OPTIONS_VERSION);
	assert_null(o.storage);
	/* a version 1 struct ends before retry_budget_ms: not written */
	memset(&o, 0xaa, sizeof o);
	assert_int_equal(autolic_db_options_init(&o, 1), 0);
	assert_int_equal(o.version, 1);
	assert_int_equal(o.max_retries, 0);
	assert_int_equal(o.retry_budget_ms, 0xaaaaaaaau);
	/* and opens with the default budget, whatever lies past its end */
	autolic_db *v1 = NULL;
	assert_int_equal(autolic_db_open(&v1, &o), 0);
	autolic_db_close(v1);
	assert_int_equal(autolic_db_options_init(&o, AUTOLIC_DB_OPTIONS_VERSION), 0);

	autolic_db *db = (autolic_db *)&o;
	assert_int_equal(autolic_db_open(NULL, NULL), AUTOLIC_EINVAL);
	o.version = 99;
	assert_int_equal(autolic_db_open(&db, &o), AUTOLIC_EVERSION);
	assert_null(db);
	assert_non_null(strstr(autolic_errmsg(), "version 99"));

	/* incomplete storage vtable: refused, and the caller keeps it */
	autolic_storage st;
	assert_int_equal(autolic_store_memory_new(&st, NULL), 0);
	autolic_storage broken = st;
	broken.scan = NULL;
	assert_int_equal(autolic_db_options_init(&o, 1), 0);
	o.storage = &broken;
	assert_int_equal(autolic_db_open(&db, &o), AUTOLIC_EINVAL);
	broken = st;
	broken.release = NULL;
	assert_int_equal(autolic_db_open(&db, &o), AUTOLIC_EINVAL);
	broken = st;
	broken.version = 0;
	assert_int_equal(autolic_db_open(&db, &o), AUTOLIC_EVERSION);
	autolic_allocator bad = {NULL, NULL, NULL, NULL};
	o.storage = NULL;
	o.allocator = &bad;
	assert_int_equal(autolic_db_open(&db, &o), AUTOLIC_EINVAL);
	st.free(st.ctx);

	/* defaults: NULL options */
	assert_int_equal(autolic_db_open(&db, NULL), 0);
	assert_true(autolic_db_now(db) > 1600000000);
	autolic_db_close(db);
	autolic_db_close(NULL);
}

static void test_errmsg_cleared_on_success(void **state)
{
	(void)state;
	autolic_db *db = t_open(NULL, NULL, NULL, NULL);
	autolic_id id;
	assert_int_equal(autolic_account_find(db, "nobody@example.com", &id), AUTOLIC_ENOTFOUND);
	assert_non_null(strstr(autolic_errmsg(), "nobody@example.com"));
	t_register(db, "a@example.com", "A", "B");
	assert_string_equal(autolic_errmsg(), "");
	autolic_db_close(db);
}

/* ---- the runner ---- */

typedef struct {
	int calls;
	int fail_with;
} run_args;

static int write_two(al_txn *t, void *arg)
{
	run_args *ra = arg;
	ra->calls++;
	al_key k;
	al_key_init(&k, AL_K_REPORT_FIRST);
	al_key_str(&k, "one");
	int rc = al_txn_put_raw(t, &k, "1", 1);
	if (rc)
		return rc;
	rc = al_txn_event(t, AUTOLIC_EVENT_ROLE_CHANGED, 7, 0, 0, "p", "ROLE-3", "changed %d", 1);
	if (rc)
		return rc;
	if (ra->fail_with)
		return al_err(ra->fail_with, "refused on purpose");
	al_key_init(&k, AL_K_REPORT_FIRST);
	al_key_str(&k, "two");
	return al_txn_put_raw(t, &k, "2", 1);
}

static int count_report_keys(autolic_db *db, t_faulty *f)
{
	(void)db;
	t_dump d;
	t_dump_store(&f->inner, &d);
	int n = 0;
	for (size_t i = 0; i + 8 < d.len;) {
		uint64_t kl, vl;
		memcpy(&kl, d.p + i, 8);
		if (d.p[i + 8] == AL_K_REPORT_FIRST)
			n++;
		i += 8 + kl;
		memcpy(&vl, d.p + i, 8);
		i += 8 + vl;
	}
	t_dump_free(&d);
	return n;
}

static void test_runner_atomic_and_events(void **state)
{
	(void)state;
	t_faulty f;
	t_events ev = {0};
	autolic_db *db = t_open(&f, NULL, &ev, NULL);
	run_args ra = {0, AUTOLIC_ENOSEAT};
	assert_int_equal(al_run(db, 1, write_two, &ra), AUTOLIC_ENOSEAT);
	assert_int_equal(count_report_keys(db, &f), 0); /* the first put is gone */
	assert_int_equal(ev.n, 0);                      /* no event for a failed call */
	ra.fail_with = 0;
	assert_int_equal(al_run(db, 1, write_two, &ra), 0);
	assert_int_equal(count_report_keys(db, &f), 2);
	assert_int_equal(ev.n, 1);
	assert_int_equal(ev.v[0].type, AUTOLIC_EVENT_ROLE_CHANGED);
	assert_string_equal(ev.v[0].rule, "ROLE-3");
	assert_string_equal(ev.v[0].text, "changed 1");
	assert_int_equal(ev.v[0].recipient, 7);
	/* a read transaction may not write */
	assert_int_equal(al_run(db, 0, write_two, &ra), AUTOLIC_EREADONLY);
	autolic_db_close(db);
}

static void test_runner_retries_conflicts(void **state)
{
	(void)state;
	t_faulty f;
	t_events ev = {0};
	autolic_db *db = t_open(&f, NULL, &ev, NULL);
	run_args ra = {0, 0};
	f.conflicts = 3;
	assert_int_equal(al_run(db, 1, write_two, &ra), 0);
	assert_int_equal(ra.calls, 4);
	assert_int_equal(ev.n, 1); /* exactly once, not once per attempt */
	assert_int_equal(count_report_keys(db, &f), 2);

	/* no attempt bound by default: the time budget ends the retries, and
	 * the message counts every attempt */
	f.conflicts = 1000000;
	ra.calls = 0;
	assert_int_equal(al_run(db, 1, write_two, &ra), AUTOLIC_ECONFLICT);
	assert_true(ra.calls > 1);
	char want[64];
	snprintf(want, sizeof want, "gave up after %d attempts in ", ra.calls);
	assert_non_null(strstr(autolic_errmsg(), want));
	assert_int_equal(ev.n, 1);
	f.conflicts = 0;
	autolic_db_close(db);

	/* a bound set by the host ends them first */
	autolic_db_options o = AUTOLIC_DB_OPTIONS_INIT;
	autolic_storage mem, wrapped;
	assert_int_equal(autolic_store_memory_new(&mem, NULL), 0);
	t_faulty_wrap(&f, &mem, &wrapped);
	o.storage = &wrapped;
	o.max_retries = 16;
	assert_int_equal(autolic_db_open(&db, &o), 0);
	f.conflicts = 1000000;
	ra.calls = 0;
	assert_int_equal(al_run(db, 1, write_two, &ra), AUTOLIC_ECONFLICT);
	assert_int_equal(ra.calls, 16);
	assert_non_null(strstr(autolic_errmsg(), "gave up after 16 attempts in "));
	f.conflicts = 0;
	autolic_db_close(db);
}

static void test_storage_error_message(void **state)
{
	(void)state;
	t_faulty f;
	autolic_db *db = t_open(&f, NULL, NULL, NULL);
	f.fail_at = f.ops + 1;
	autolic_id id;
	assert_int_equal(autolic_account_find(db, "x@example.com", &id), AUTOLIC_ESTORAGE);
	assert_non_null(strstr(autolic_errmsg(), "storage begin failed: injected fault"));
	f.fail_at = 0;
	autolic_db_close(db);
}

/* A backend's own entry point publishes its failure text through
 * autolic_storage_result(), and a success clears the message. */
static void test_storage_result(void **state)
{
	(void)state;
	autolic_storage_set_error("backend %s: %d", "open", 7);
	assert_int_equal(autolic_storage_result(AUTOLIC_ESTORAGE), AUTOLIC_ESTORAGE);
	assert_string_equal(autolic_errmsg(), "backend open: 7");
	assert_int_equal(autolic_storage_result(0), 0);
	assert_string_equal(autolic_errmsg(), "");
	/* no text pending: the code's own description */
	autolic_storage_set_error("%s", "");
	assert_int_equal(autolic_storage_result(AUTOLIC_ECORRUPT), AUTOLIC_ECORRUPT);
	assert_string_equal(autolic_errmsg(), autolic_strerror(AUTOLIC_ECORRUPT));
}

/* ---- batches ---- */

static void test_batch_commit_and_rollback(void **state)
{
	(void)state;
	t_faulty f;
	t_events ev = {0};
	autolic_db *db = t_open(&f, NULL, &ev, NULL);
	assert_int_equal(autolic_db_commit(db), AUTOLIC_ESTATE);
	assert_int_equal(autolic_db_rollback(db), AUTOLIC_ESTATE);

	assert_int_equal(autolic_db_begin(db), 0);
	assert_int_equal(autolic_db_begin(db), AUTOLIC_EBUSY);
	autolic_id a = t_register(db, "one@example.com", "One", "");
	autolic_account_spec s = AUTOLIC_ACCOUNT_SPEC_INIT;
	s.email = "ONE@example.com"; /* duplicate: fails, batch goes on */
	assert_int_equal(autolic_account_register(db, &s, NULL), AUTOLIC_EEXISTS);
	autolic_id b = t_register(db, "two@example.com", "Two", "");
	run_args ra = {0, 0};
	assert_int_equal(al_run(db, 1, write_two, &ra), 0);
	assert_int_equal(ev.n, 0); /* not before the batch commits */
	assert_int_equal(autolic_db_rollback(db), 0);
	assert_int_equal(ev.n, 0);
	autolic_account_info info = {.version = AUTOLIC_ACCOUNT_INFO_VERSION};
	assert_int_equal(autolic_account_get(db, a, &info), AUTOLIC_ENOTFOUND);

	assert_int_equal(autolic_db_begin(db), 0);
	a = t_register(db, "one@example.com", "One", "");
	ra.fail_with = AUTOLIC_EPERM; /* failed call inside: undone to its savepoint */
	assert_int_equal(al_run(db, 1, write_two, &ra), AUTOLIC_EPERM);
	ra.fail_with = 0;
	b = t_register(db, "two@example.com", "Two", "");
	assert_int_equal(al_run(db, 1, write_two, &ra), 0);
	assert_int_equal(autolic_db_commit(db), 0);
	assert_int_equal(ev.n, 1); /* only the successful call's event */
	assert_int_equal(autolic_account_get(db, a, &info), 0);
	assert_string_equal(info.email, "one@example.com");
	assert_int_equal(autolic_account_get(db, b, &info), 0);
	assert_int_equal(count_report_keys(db, &f), 2);
	autolic_db_close(db);
}

static void test_batch_aborts_without_savepoints(void **state)
{
	(void)state;
	t_faulty f;
	autolic_storage mem, wrapped;
	assert_int_equal(autolic_store_memory_new(&mem, NULL), 0);
	t_faulty_wrap(&f, &mem, &wrapped);
	wrapped.savepoint = NULL;
	wrapped.release = NULL;
	wrapped.rollback_to = NULL;
	autolic_db_options o = AUTOLIC_DB_OPTIONS_INIT;
	o.storage = &wrapped;
	autolic_db *db;
	assert_int_equal(autolic_db_open(&db, &o), 0);
	assert_int_equal(autolic_db_begin(db), 0);
	t_register(db, "one@example.com", "", "");
	autolic_account_spec s = AUTOLIC_ACCOUNT_SPEC_INIT;
	s.email = "one@example.com";
	assert_int_equal(autolic_account_register(db, &s, NULL), AUTOLIC_EEXISTS);
	s.email = "two@example.com";
	assert_int_equal(autolic_account_register(db, &s, NULL), AUTOLIC_EABORTED);
	assert_int_equal(autolic_db_commit(db), AUTOLIC_EABORTED);
	autolic_id id;
	assert_int_equal(autolic_account_find(db, "one@example.com", &id), AUTOLIC_ENOTFOUND);
	autolic_db_close(db);
}

static void test_close_rolls_back_open_batch(void **state)
{
	(void)state;
	autolic_db *db = t_open(NULL, NULL, NULL, NULL);
	assert_int_equal(autolic_db_begin(db), 0);
	t_register(db, "one@example.com", "", "");
	autolic_db_close(db); /* no leak, no deadlock */
}

/* ---- threads ---- */

typedef struct {
	autolic_db *db;
	int base, ok;
} thr_args;

static void *register_many(void *p)
{
	thr_args *a = p;
	char email[64];
	for (int i = 0; i < 200; i++) {
		snprintf(email, sizeof email, "u%d-%d@example.com", a->base, i);
		autolic_account_spec s = AUTOLIC_ACCOUNT_SPEC_INIT;
		s.email = email;
		if (autolic_account_register(a->db, &s, NULL) == 0)
			a->ok++;
		/* a shared address raced by every thread: exactly one wins */
		s.email = "shared@example.com";
		if (autolic_account_register(a->db, &s, NULL) == 0)
			a->ok += 1000;
	}
	return NULL;
}

static void *batch_thread(void *p)
{
	thr_args *a = p;
	for (int i = 0; i < 50; i++) {
		assert_int_equal(autolic_db_begin(a->db), 0);
		char email[64];
		snprintf(email, sizeof email, "b%d@example.com", i);
		autolic_account_spec s = AUTOLIC_ACCOUNT_SPEC_INIT;
		s.email = email;
		assert_int_equal(autolic_account_register(a->db, &s, NULL), 0);
		if (i % 2)
			assert_int_equal(autolic_db_commit(a->db), 0);
		else
			assert_int_equal(autolic_db_rollback(a->db), 0);
	}
	return NULL;
}

static void test_threads_share_a_handle(void **state)
{
	(void)state;
	autolic_db *db = t_open(NULL, NULL, NULL, NULL);
	pthread_t th[5];
	thr_args args[5];
	for (int i = 0; i < 4; i++) {
		args[i] = (thr_args){db, i, 0};
		assert_int_equal(pthread_create(&th[i], NULL, register_many, &args[i]), 0);
	}
	args[4] = (thr_args){db, 4, 0};
	assert_int_equal(pthread_create(&th[4], NULL, batch_thread, &args[4]), 0);
	int winners = 0, total = 0;
	for (int i = 0; i < 5; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < 4; i++) {
		winners += args[i].ok / 1000;
		total += args[i].ok % 1000;
	}
	assert_int_equal(winners, 1);
	assert_int_equal(total, 800);
	autolic_id id;
	assert_int_equal(autolic_account_find(db, "b1@example.com", &id), 0);
	assert_int_equal(autolic_account_find(db, "b2@example.com", &id), AUTOLIC_ENOTFOUND);
	autolic_db_close(db);
}

/* ---- records ---- */

static void test_record_versions(void **state)
{
	(void)state;
	al_alloc a;
	al_alloc_init(&a, NULL);
	al_buf b;
	al_buf_init(&b, &a);
	al_rec_begin(&b, 0x10);
	al_enc_u64(&b, 42);
	al_enc_str(&b, "hello");
	al_rd r;
	assert_int_equal(al_rec_open(&r, b.p, b.len, 0x10), 0);
	assert_int_equal(al_dec_u64(&r), 42);
	char s[8];
	memset(s, 'x', sizeof s);
	al_dec_str(&r, s, sizeof s);
	assert_string_equal(s, "hello");
	/* the whole destination is written: nothing stale after the terminator */
	assert_memory_equal(s, "hello\0\0\0", sizeof s);
	assert_int_equal(al_rd_done(&r), 0);
	/* a shorter destination is corruption, never an overflow */
	assert_int_equal(al_rec_open(&r, b.p, b.len, 0x10), 0);
	al_dec_u64(&r);
	char tiny[3] = {'x', 'x', 'x'};
	al_dec_str(&r, tiny, sizeof tiny);
	assert_memory_equal(tiny, "\0\0\0", sizeof tiny);
	assert_int_equal(al_rd_done(&r), AUTOLIC_ECORRUPT);
	/* truncated */
	assert_int_equal(al_rec_open(&r, b.p, b.len - 1, 0x10), 0);
	al_dec_u64(&r);
	al_dec_str(&r, s, sizeof s);
	assert_int_equal(al_rd_done(&r), AUTOLIC_ECORRUPT);
	/* wrong tag, newer format */
	assert_int_equal(al_rec_open(&r, b.p, b.len, 0x11), AUTOLIC_ECORRUPT);
	b.p[0] = AL_REC_VERSION + 1;
	assert_int_equal(al_rec_open(&r, b.p, b.len, 0x10), AUTOLIC_EVERSION);
	assert_non_null(strstr(autolic_errmsg(), "not supported"));
	assert_int_equal(al_rec_open(&r, b.p, 1, 0x10), AUTOLIC_ECORRUPT);
	al_buf_free(&b);
}

static void test_newer_record_in_store_is_clear_error(void **state)
{
	(void)state;
	t_faulty f;
	autolic_db *db = t_open(&f, NULL, NULL, NULL);
	autolic_id id = t_register(db, "a@example.com", "A", "B");
	/* rewrite the stored account as if a newer library had written it */
	autolic_storage *st = &f.inner;
	al_key k;
	al_key_init(&k, AL_K_ACCOUNT);
	al_key_u64(&k, id);
	const void *v;
	size_t vl;
	assert_int_equal(st->begin(st->ctx, 1), 0);
	assert_int_equal(st->get(st->ctx, k.b, k.len, &v, &vl), 0);
	unsigned char copy[1024];
	memcpy(copy, v, vl);
	copy[0] = 9;
	assert_int_equal(st->put(st->ctx, k.b, k.len, copy, vl), 0);
	assert_int_equal(st->commit(st->ctx), 0);
	autolic_account_info info = {.version = AUTOLIC_ACCOUNT_INFO_VERSION};
	assert_int_equal(autolic_account_get(db, id, &info), AUTOLIC_EVERSION);
	assert_non_null(strstr(autolic_errmsg(), "format 9"));
	autolic_db_close(db);
}

/* Snapshot iterators hand out rows in order, keep the caller's version, end with ITEROVER. */
static void test_snapshot_rows(void **state)
{
	(void)state;
	autolic_flex_policy rows[2] = {{7, 10, 1}, {7, 20, 2}};
	size_t pos = 0;
	autolic_flex_policy out = {1, 0, 0};
	assert_int_equal(al_snap_next(rows, 2, &pos, AL_FLEX_POLICY, &out), 0);
	assert_int_equal(out.version, 1);
	assert_int_equal(out.overage_limit, 10);
	assert_int_equal(al_snap_next(rows, 2, &pos, AL_FLEX_POLICY, &out), 0);
	assert_int_equal(out.overage_limit, 20);
	assert_int_equal(al_snap_next(rows, 2, &pos, AL_FLEX_POLICY, &out), AUTOLIC_ITEROVER);
	assert_int_equal(out.overage_limit, 20);
	assert_int_equal(al_version_check(0, 1, "x"), AUTOLIC_EVERSION);
	assert_int_equal(al_version_check(2, 1, "row"), AUTOLIC_EVERSION);
	assert_non_null(strstr(autolic_errmsg(), "row version 2 is not supported (1..1)"));
	assert_int_equal(al_version_check(1, 1, "x"), 0);
}

/* ---- ids (docs/scaling.md, "Ids") ---- */

/* Counts the writes of the store-wide account id record and the begins;
 * answers the next `busy` begins with a conflict (a write lock held
 * elsewhere). */
typedef struct id_writes {
	autolic_storage in;
	int n;
	int begins, busy;
} id_writes;

static int iw_put(void *ctx, const void *k, size_t kl, const void *v, size_t vl)
{
	id_writes *w = ctx;
	static const char key[] = "\x01"
	                          "account"; /* with its 0 byte */
	if (kl == sizeof key && memcmp(k, key, kl) == 0)
		w->n++;
	return w->in.put(w->in.ctx, k, kl, v, vl);
}
static int iw_begin(void *c, int wr)
{
	id_writes *w = c;
	w->begins++;
	if (w->busy > 0) {
		w->busy--;
		autolic_storage_set_error("write lock held by another connection");
		return AUTOLIC_ECONFLICT;
	}
	return w->in.begin(w->in.ctx, wr);
}
static int iw_get(void *c, const void *k, size_t kl, const void **v, size_t *vl)
{
	return ((id_writes *)c)->in.get(((id_writes *)c)->in.ctx, k, kl, v, vl);
}
static int iw_del(void *c, const void *k, size_t kl)
{
	return ((id_writes *)c)->in.del(((id_writes *)c)->in.ctx, k, kl);
}
static int iw_scan(void *c, const void *s, size_t sl, const void *e, size_t el,
                   autolic_storage_scan_cb cb, void *arg)
{
	return ((id_writes *)c)->in.scan(((id_writes *)c)->in.ctx, s, sl, e, el, cb, arg);
}
static int iw_commit(void *c)
{
	return ((id_writes *)c)->in.commit(((id_writes *)c)->in.ctx);
}
static int iw_rollback(void *c)
{
	return ((id_writes *)c)->in.rollback(((id_writes *)c)->in.ctx);
}

static autolic_db *iw_open(id_writes *w, const autolic_storage *shared, unsigned budget_ms)
{
	memset(w, 0, sizeof *w);
	w->in = *shared;
	autolic_storage st = {0};
	st.version = AUTOLIC_STORAGE_VERSION;
	st.ctx = w;
	st.begin = iw_begin;
	st.get = iw_get;
	st.put = iw_put;
	st.del = iw_del;
	st.scan = iw_scan;
	st.commit = iw_commit;
	st.rollback = iw_rollback;
	autolic_db_options o = AUTOLIC_DB_OPTIONS_INIT;
	o.storage = &st;
	o.retry_budget_ms = budget_ms;
	autolic_db *db = NULL;
	assert_int_equal(autolic_db_open(&db, &o), 0);
	return db;
}

static int id_cmp(const void *a, const void *b)
{
	autolic_id x = *(const autolic_id *)a, y = *(const autolic_id *)b;
	return x < y ? -1 : x > y;
}

/* Two handles on one store, registering in turn, then a third after a
 * batch rolled back: every id is unique, each handle's ids increase, and
 * few calls write the store-wide id record (one per block, blocks of 1,
 * 2, 4 ... 64, 64 ids): 200 registrations on a handle write it 9 times, not
 * 200. */
static void test_ids_from_blocks(void **state)
{
	(void)state;
	autolic_storage mem;
	assert_int_equal(autolic_store_memory_new(&mem, NULL), 0);
	autolic_storage shared = mem;
	shared.free = NULL;
	id_writes wa, wb, wc;
	autolic_db *a = iw_open(&wa, &shared, 0), *b = iw_open(&wb, &shared, 0);
	enum { N = 200 };
	autolic_id ids[2 * N + 2], last_a = 0, last_b = 0;
	size_t n = 0;
	for (int i = 0; i < N; i++) {
		char email[64];
		snprintf(email, sizeof email, "a%d@example.com", i);
		ids[n] = t_register(a, email, "A", "A");
		assert_true(ids[n] > last_a);
		last_a = ids[n++];
		snprintf(email, sizeof email, "b%d@example.com", i);
		ids[n] = t_register(b, email, "B", "B");
		assert_true(ids[n] > last_b);
		last_b = ids[n++];
	}
	assert_int_equal(wa.n, 9);
	assert_int_equal(wb.n, 9);
	/* a batch that takes an id and rolls back: the id is not kept by anyone */
	autolic_db *c = iw_open(&wc, &shared, 0);
	assert_int_equal(autolic_db_begin(c), 0);
	t_register(c, "gone@example.com", "C", "C");
	assert_int_equal(autolic_db_rollback(c), 0);
	ids[n++] = t_register(c, "c@example.com", "C", "C");
	ids[n++] = t_register(a, "a-last@example.com", "A", "A");
	qsort(ids, n, sizeof *ids, id_cmp);
	for (size_t i = 1; i < n; i++)
		assert_true(ids[i] > ids[i - 1]);

	autolic_db_close(a);
	autolic_db_close(b);
	autolic_db_close(c);
	mem.free(mem.ctx);
}

/* A begin that finds the write lock taken elsewhere (SQLite's BEGIN
 * IMMEDIATE past its busy timeout, a PostgreSQL serialisation failure at
 * BEGIN) is a lost race: retried like one, and when it never ends the
 * message counts the attempts really made. */
static void test_runner_retries_a_busy_begin(void **state)
{
	(void)state;
	autolic_storage mem;
	assert_int_equal(autolic_store_memory_new(&mem, NULL), 0);
	autolic_storage shared = mem;
	shared.free = NULL;
	id_writes w;
	autolic_db *db = iw_open(&w, &shared, 50);
	w.busy = 3;
	w.begins = 0;
	t_register(db, "busy@example.com", "A", "A");
	assert_int_equal(w.begins, 4);
	w.busy = 1000000;
	w.begins = 0;
	autolic_account_spec sp = AUTOLIC_ACCOUNT_SPEC_INIT;
	sp.email = "never@example.com";
	assert_int_equal(autolic_account_register(db, &sp, NULL), AUTOLIC_ECONFLICT);
	assert_true(w.begins > 1);
	char want[96];
	snprintf(want, sizeof want, "gave up after %d attempts in ", w.begins);
	assert_non_null(strstr(autolic_errmsg(), want));
	assert_non_null(strstr(autolic_errmsg(), "write lock held by another connection"));
	autolic_db_close(db);
	mem.free(mem.ctx);
}

typedef struct scoped_args {
	uint64_t scope;
	autolic_id got, last;
	int fail; /* fail after taking the number */
} scoped_args;

static int scoped_fn(al_txn *t, void *arg)
{
	scoped_args *sa = arg;
	int rc = al_txn_seq_next_in(t, "test.seq", sa->scope, NULL, &sa->got);
	if (!rc && sa->fail)
		rc = al_err(AUTOLIC_EINVAL, "refused after taking a number");
	return rc;
}

static int scoped_peek_fn(al_txn *t, void *arg)
{
	scoped_args *sa = arg;
	return al_txn_seq_peek_in(t, "test.seq", sa->scope, NULL, &sa->last);
}

/* Ledger entries and seat grants are numbered per team and per contract:
 * each scope counts on its own, a failed call takes no number, and a scope
 * starts above what the store-wide sequence of the name gave (an older
 * store numbered every scope with it). */
static void test_scoped_sequences(void **state)
{
	(void)state;
	autolic_storage mem;
	assert_int_equal(autolic_store_memory_new(&mem, NULL), 0);
	/* an older store: the store-wide sequence gave 41 numbers */
	al_key k;
	al_key_init(&k, AL_K_SEQ);
	al_key_str(&k, "test.seq");
	al_buf b;
	al_alloc a;
	al_alloc_init(&a, NULL);
	al_buf_init(&b, &a);
	al_rec_begin(&b, AL_K_SEQ);
	al_enc_u64(&b, 41);
	assert_int_equal(mem.begin(mem.ctx, 1), 0);
	assert_int_equal(mem.put(mem.ctx, k.b, k.len, b.p, b.len), 0);
	assert_int_equal(mem.commit(mem.ctx), 0);
	al_buf_free(&b);
	int orc;
	autolic_db *db = t_open_on(&mem, NULL, NULL, NULL, &orc);
	assert_int_equal(orc, 0);
	scoped_args s7 = {7, 0, 0, 0}, s9 = {9, 0, 0, 0};
	assert_int_equal(al_run(db, 0, scoped_peek_fn, &s7), 0);
	assert_int_equal(s7.last, 41);
	assert_int_equal(al_run(db, 1, scoped_fn, &s7), 0);
	assert_int_equal(s7.got, 42);
	assert_int_equal(al_run(db, 1, scoped_fn, &s7), 0);
	assert_int_equal(s7.got, 43);
	assert_int_equal(al_run(db, 1, scoped_fn, &s9), 0);
	assert_int_equal(s9.got, 42); /* its own count */
	s7.fail = 1;
	assert_int_equal(al_run(db, 1, scoped_fn, &s7), AUTOLIC_EINVAL);
	s7.fail = 0;
	assert_int_equal(al_run(db, 0, scoped_peek_fn, &s7), 0);
	assert_int_equal(s7.last, 43); /* the failed call took nothing */
	assert_int_equal(al_run(db, 1, scoped_fn, &s7), 0);
	assert_int_equal(s7.got, 44);
	autolic_db_close(db); /* frees the store */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_version),
	    cmocka_unit_test(test_strerror_every_code),
	    cmocka_unit_test(test_options),
	    cmocka_unit_test(test_errmsg_cleared_on_success),
	    cmocka_unit_test(test_runner_atomic_and_events),
	    cmocka_unit_test(test_runner_retries_conflicts),
	    cmocka_unit_test(test_ids_from_blocks),
	    cmocka_unit_test(test_runner_retries_a_busy_begin),
	    cmocka_unit_test(test_scoped_sequences),
	    cmocka_unit_test(test_storage_error_message),
	    cmocka_unit_test(test_storage_result),
	    cmocka_unit_test(test_batch_commit_and_rollback),
	    cmocka_unit_test(test_batch_aborts_without_savepoints),
	    cmocka_unit_test(test_close_rolls_back_open_batch),
	    cmocka_unit_test(test_threads_share_a_handle),
	    cmocka_unit_test(test_record_versions),
	    cmocka_unit_test(test_snapshot_rows),
	    cmocka_unit_test(test_newer_record_in_store_is_clear_error),
	};
	return t_run_group("db", tests, NULL, NULL);
}
