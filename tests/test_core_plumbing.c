/*
 * The core's plumbing.
 *
 * The growable array (src/core/array.h): pushes keep every element in order
 * through many doublings; al_array_add() hands out zeroed elements; a failed
 * allocation is AUTOLIC_ENOMEM with the array unchanged; a size whose byte
 * count would overflow size_t is refused before the allocator is asked; the
 * key scan of id lists (core/idlist.h) reads the id at its offset and
 * refuses keys too short to hold it; nothing leaks.
 *
 * The records (src/core/record.h) and key shapes (src/core/keys.h): a
 * record stored with its encoder reads back with its decoder; an index
 * record holds one id; a load through an index finds the record under
 * (prefix, owner, id), answers AUTOLIC_ENOTFOUND without a message when the
 * index has no entry and AUTOLIC_ECORRUPT naming the record when the index
 * names one that is absent; a record of another tag is corrupt; the key
 * builders lay out the bytes the store's format fixes.
 */
#include "support.h"

#include "core/array.h"
#include "core/error.h"
#include "core/idlist.h"
#include "core/keys.h"
#include "core/record.h"
#include "core/txn.h"

#include <stdint.h>
#include <string.h>

typedef AL_ARRAY(uint64_t) u64_array;

typedef struct pair {
	uint32_t a;
	uint64_t b;
} pair;

static void t_push_keeps_order(void **state)
{
	(void)state;
	t_alloc ta = {0};
	autolic_allocator a = t_alloc_make(&ta);
	u64_array x;
	al_array_init(&x, &a);
	for (uint64_t i = 0; i < 1000; i++)
		assert_int_equal(al_array_push(&x, i * 3 + 1), 0);
	assert_int_equal(x.n, 1000);
	assert_true(x.cap >= 1000 && x.cap < 2000);
	for (size_t i = 0; i < x.n; i++)
		assert_int_equal(x.v[i], i * 3 + 1);
	assert_int_equal(ta.live, 1);
	al_array_free(&x);
	assert_null(x.v);
	assert_int_equal(x.n, 0);
	assert_int_equal(x.cap, 0);
	assert_int_equal(ta.live, 0);
	/* usable again after free */
	assert_int_equal(al_array_push(&x, 7), 0);
	assert_int_equal(x.v[0], 7);
	al_array_free(&x);
	assert_int_equal(ta.live, 0);
}

static void t_add_zeroes(void **state)
{
	(void)state;
	t_alloc ta = {0};
	autolic_allocator a = t_alloc_make(&ta);
	AL_ARRAY(pair) x;
	al_array_init(&x, &a);
	for (uint32_t i = 0; i < 40; i++) {
		pair *p = al_array_add(&x);
		assert_non_null(p);
		assert_int_equal(p->a, 0);
		assert_int_equal(p->b, 0);
		p->a = i;
		p->b = ~(uint64_t)i;
	}
	/* a reserve that grows keeps what is there; one within the capacity does
	 * not allocate */
	assert_int_equal(al_array_reserve(&x, 100), 0);
	long count = ta.count;
	assert_int_equal(al_array_reserve(&x, 90), 0);
	assert_int_equal(ta.count, count);
	assert_int_equal(x.n, 40);
	for (uint32_t i = 0; i < 40; i++) {
		assert_int_equal(x.v[i].a, i);
		assert_int_equal(x.v[i].b, ~(uint64_t)i);
	}
	al_array_free(&x);
	assert_int_equal(ta.live, 0);
}

static void t_out_of_memory_changes_nothing(void **state)
{
	(void)state;
	t_alloc ta = {0};
	autolic_allocator a = t_alloc_make(&ta);
	u64_array x;
	al_array_init(&x, &a);
	for (uint64_t i = 0; i < 8; i++)
		assert_int_equal(al_array_push(&x, i), 0);
	assert_int_equal(x.cap, 8);
	uint64_t *v = x.v;
	ta.fail_at = ta.count + 1;
	ta.persistent = 1;
	assert_int_equal(al_array_push(&x, 99), AUTOLIC_ENOMEM);
	assert_non_null(strstr(autolic_errmsg(), "out of memory"));
	assert_ptr_equal(x.v, v);
	assert_int_equal(x.n, 8);
	assert_int_equal(x.cap, 8);
	assert_null(al_array_add(&x));
	assert_int_equal(x.n, 8);
	for (uint64_t i = 0; i < 8; i++)
		assert_int_equal(x.v[i], i);
	ta.fail_at = 0;
	ta.persistent = 0;
	al_array_free(&x);
	assert_int_equal(ta.live, 0);
}

static void t_size_overflow_refused(void **state)
{
	(void)state;
	t_alloc ta = {0};
	autolic_allocator a = t_alloc_make(&ta);
	u64_array x;
	al_array_init(&x, &a);
	assert_int_equal(al_array_push(&x, 1), 0);
	long count = ta.count;
	/* SIZE_MAX / 8 + 1 elements of 8 bytes do not fit in size_t */
	assert_int_equal(al_array_reserve(&x, SIZE_MAX / sizeof(uint64_t) + 1), AUTOLIC_ENOMEM);
	assert_non_null(strstr(autolic_errmsg(), "out of memory"));
	assert_int_equal(ta.count, count); /* the allocator was not asked */
	assert_int_equal(x.n, 1);
	assert_int_equal(x.cap, 4); /* the first allocation holds 4 */
	assert_int_equal(x.v[0], 1);
	/* the largest request: no doubling past SIZE_MAX */
	assert_int_equal(al_array_reserve(&x, SIZE_MAX), AUTOLIC_ENOMEM);
	assert_int_equal(ta.count, count);
	/* a full count cannot take one more */
	size_t n = SIZE_MAX, cap = SIZE_MAX;
	void *v = x.v;
	assert_null(al_array_append(&a, &v, &n, &cap, 1));
	assert_int_equal(n, SIZE_MAX);
	assert_ptr_equal(v, x.v);
	/* a large element whose doubled capacity overflows */
	size_t c2 = 8;
	void *v2 = NULL;
	assert_int_equal(al_array_grow(&a, &v2, &c2, 9, SIZE_MAX / 12), AUTOLIC_ENOMEM);
	assert_null(v2);
	assert_int_equal(c2, 8);
	assert_int_equal(ta.count, count);
	al_array_free(&x);
	assert_int_equal(ta.live, 0);
}

/* ---- id lists gathered by key scans ---- */

static int idlist_fn(al_txn *t, void *arg)
{
	(void)arg;
	for (uint64_t i = 1; i <= 20; i++) {
		al_key k;
		al_key_init(&k, AL_K_TEAM_MEMBER);
		al_key_u64(&k, 5);
		al_key_u64(&k, i * 11);
		assert_int_equal(al_txn_put_raw(t, &k, "", 0), 0);
	}
	al_key p;
	al_key_init(&p, AL_K_TEAM_MEMBER);
	al_key_u64(&p, 5);
	al_idlist l;
	al_idlist_init(&l, t->a, 9);
	assert_int_equal(al_idlist_scan(t, &p, &l), 0);
	assert_int_equal(l.n, 20);
	for (size_t i = 0; i < l.n; i++)
		assert_int_equal(l.v[i], (i + 1) * 11);
	al_idlist_free(&l);
	/* the same by owner: the offset set to the second id, other owners apart */
	al_key other;
	al_key_pair(&other, AL_K_TEAM_MEMBER, 6, 999);
	assert_int_equal(al_txn_put_raw(t, &other, "", 0), 0);
	al_idlist_init(&l, t->a, 1);
	assert_int_equal(al_idlist_scan_of(t, AL_K_TEAM_MEMBER, 5, &l), 0);
	assert_int_equal(l.at, 9);
	assert_int_equal(l.n, 20);
	for (size_t i = 0; i < l.n; i++)
		assert_int_equal(l.v[i], (i + 1) * 11);
	al_idlist_free(&l);
	/* an offset past the end of the keys: corrupt, not a read out of bounds */
	al_idlist_init(&l, t->a, 10);
	assert_int_equal(al_idlist_scan(t, &p, &l), AUTOLIC_ECORRUPT);
	assert_non_null(strstr(autolic_errmsg(), "too short"));
	al_idlist_free(&l);

	/* AL_IDLIST_LAST: the last 8 bytes of keys of different lengths */
	const char *names[] = {"a", "bcd", "efghijk"};
	for (uint64_t i = 0; i < 3; i++) {
		al_key k;
		al_key_init(&k, AL_K_FLEX_OPEN);
		al_key_str(&k, names[i]);
		al_key_u64(&k, 100 + i);
		assert_int_equal(al_txn_put_raw(t, &k, "", 0), 0);
	}
	al_key_init(&p, AL_K_FLEX_OPEN);
	al_idlist_init(&l, t->a, AL_IDLIST_LAST);
	assert_int_equal(al_idlist_scan(t, &p, &l), 0);
	assert_int_equal(l.n, 3);
	for (size_t i = 0; i < l.n; i++)
		assert_int_equal(l.v[i], 100 + i);
	al_idlist_free(&l);
	/* a key holding no more than its prefix and 7 bytes is corrupt */
	al_key k;
	al_key_init(&k, AL_K_FLEX_SESSION);
	al_key_str(&k, "sixsix");
	assert_int_equal(k.len, 8);
	assert_int_equal(al_txn_put_raw(t, &k, "", 0), 0);
	al_key_init(&p, AL_K_FLEX_SESSION);
	al_idlist_init(&l, t->a, AL_IDLIST_LAST);
	assert_int_equal(al_idlist_scan(t, &p, &l), AUTOLIC_ECORRUPT);
	al_idlist_free(&l);
	return 0;
}

/* Run fn in one write transaction of a fresh memory store, then `then` (or
 * NULL) on the store; nothing leaks. */
static void run_in_store(al_txn_fn fn, void (*then)(autolic_db *db))
{
	t_faulty f;
	t_clock clock = {1767225600};
	t_alloc ta = {0};
	autolic_allocator a = t_alloc_make(&ta);
	autolic_db *db = t_open(&f, &clock, NULL, &a);
	assert_non_null(db);
	assert_int_equal(al_run(db, 1, fn, NULL), 0);
	if (then)
		then(db);
	autolic_db_close(db);
	assert_int_equal(ta.live, 0);
}

static void t_idlist_scan(void **state)
{
	(void)state;
	run_in_store(idlist_fn, NULL);
}

/* ---- records, indexes and key shapes ---- */

typedef struct pt {
	uint64_t owner, id;
	char name[16];
} pt;

static void pt_encode(al_buf *b, const void *rec)
{
	const pt *p = rec;
	al_rec_begin(b, AL_K_OPS_OPERATOR);
	al_enc_u64(b, p->owner);
	al_enc_u64(b, p->id);
	al_enc_str(b, p->name);
}

static int pt_decode(const void *v, size_t len, void *rec)
{
	pt *p = rec;
	al_rd r;
	int rc = al_rec_open(&r, v, len, AL_K_OPS_OPERATOR);
	if (rc)
		return rc;
	p->owner = al_dec_u64(&r);
	p->id = al_dec_u64(&r);
	al_dec_str(&r, p->name, sizeof p->name);
	return al_rd_done(&r);
}

static int record_fn(al_txn *t, void *arg)
{
	(void)arg;
	pt in = {7, 42, "lathe"}, out;
	al_key k, ix;
	al_key_pair(&k, AL_K_OPS_OPERATOR, in.owner, in.id);
	assert_int_equal(al_record_put(t, &k, pt_encode, &in), 0);
	memset(&out, 0, sizeof out);
	assert_int_equal(al_record_get(t, &k, pt_decode, &out), 0);
	assert_int_equal(out.owner, 7);
	assert_int_equal(out.id, 42);
	assert_string_equal(out.name, "lathe");

	/* the index: id 42 -> owner 7 */
	al_key_id(&ix, AL_K_OPS_OP_HUB, in.id);
	assert_int_equal(al_index_put(t, &ix, AL_K_OPS_OP_HUB, in.owner), 0);
	uint64_t owner = 0;
	assert_int_equal(al_index_get(t, &ix, AL_K_OPS_OP_HUB, &owner), 0);
	assert_int_equal(owner, 7);
	memset(&out, 0, sizeof out);
	assert_int_equal(al_index_load(t, &ix, AL_K_OPS_OP_HUB, AL_K_OPS_OPERATOR, in.id, pt_decode,
	                               &out, "operator"),
	                 0);
	assert_string_equal(out.name, "lathe");

	/* read with the wrong tag: corrupt, the id untouched */
	owner = 99;
	assert_int_equal(al_index_get(t, &ix, AL_K_OPS_TENANT_HUB, &owner), AUTOLIC_ECORRUPT);
	assert_int_equal(owner, 99);

	/* no index entry: not found, no message */
	al_key none;
	al_key_id(&none, AL_K_OPS_OP_HUB, 43);
	al_err_clear();
	assert_int_equal(al_index_load(t, &none, AL_K_OPS_OP_HUB, AL_K_OPS_OPERATOR, 43, pt_decode,
	                               &out, "operator"),
	                 AUTOLIC_ENOTFOUND);
	assert_string_equal(autolic_errmsg(), "");
	assert_int_equal(al_record_get(t, &none, pt_decode, &out), AUTOLIC_ENOTFOUND);

	/* the index names a record that is gone */
	assert_int_equal(al_txn_del(t, &k), 0);
	assert_int_equal(al_index_load(t, &ix, AL_K_OPS_OP_HUB, AL_K_OPS_OPERATOR, in.id, pt_decode,
	                               &out, "operator"),
	                 AUTOLIC_ECORRUPT);
	assert_string_equal(autolic_errmsg(), "operator 42 is indexed but missing");

	/* a record of its tag alone: opens with that tag, holds nothing more */
	al_key_pair(&k, AL_K_HUB_ADMIN, 7, 42);
	assert_int_equal(al_record_put_tag(t, &k, AL_K_HUB_ADMIN), 0);
	al_buf b;
	al_rd r;
	al_buf_init(&b, t->a);
	assert_int_equal(al_txn_get(t, &k, &b), 0);
	assert_true(b.len > 0);
	assert_int_equal(al_rec_open(&r, b.p, b.len, AL_K_HUB_ADMIN), 0);
	assert_int_equal(al_rd_done(&r), 0);
	assert_int_not_equal(al_rec_open(&r, b.p, b.len, AL_K_ACCOUNT_HUB), 0);
	al_buf_free(&b);
	return 0;
}

static void t_records_and_indexes(void **state)
{
	(void)state;
	run_in_store(record_fn, NULL);
}

static const pt press = {7, 42, "press"};

static int put_fn(al_txn *t, void *arg)
{
	(void)arg;
	al_key k;
	al_key_pair(&k, AL_K_OPS_OPERATOR, press.owner, press.id);
	return al_record_put(t, &k, pt_encode, &press);
}

static autolic_time seen_now; /* the time the last pt_load ran at */

static int pt_load(al_txn *t, uint64_t id, void *rec)
{
	al_key k;
	al_key_pair(&k, AL_K_OPS_OPERATOR, 7, id);
	seen_now = t->now;
	return al_record_get(t, &k, pt_decode, rec);
}

/* al_record_read: the record by id in a read transaction, and its time */
static void record_read_checks(autolic_db *db)
{
	pt out = {0, 0, ""};
	autolic_time now = 0;
	seen_now = 0;
	assert_int_equal(al_record_read(db, 42, pt_load, &out, &now), 0);
	assert_int_equal(out.owner, 7);
	assert_int_equal(out.id, 42);
	assert_string_equal(out.name, "press");
	assert_true(seen_now != 0);
	assert_int_equal(now, seen_now);
	/* absent: the load's code, *now untouched */
	now = 5;
	assert_int_equal(al_record_read(db, 43, pt_load, &out, &now), AUTOLIC_ENOTFOUND);
	assert_int_equal(now, 5);
	/* no time wanted */
	memset(&out, 0, sizeof out);
	assert_int_equal(al_record_read(db, 42, pt_load, &out, NULL), 0);
	assert_string_equal(out.name, "press");
}

static void t_record_read(void **state)
{
	(void)state;
	run_in_store(put_fn, record_read_checks);
}

static void t_key_shapes(void **state)
{
	(void)state;
	al_key k;
	al_key_id(&k, 0x53, 0x0102030405060708ULL);
	const unsigned char id[] = {0x53, 1, 2, 3, 4, 5, 6, 7, 8};
	assert_int_equal(k.len, sizeof id);
	assert_memory_equal(k.b, id, sizeof id);

	al_key_pair(&k, 0x21, 1, 0xff);
	const unsigned char two[] = {0x21, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0xff};
	assert_int_equal(k.len, sizeof two);
	assert_memory_equal(k.b, two, sizeof two);

	/* owner, instant (sign bit flipped: -1 sorts before 0), id */
	al_key_dated(&k, 0x54, 2, -1, 3);
	const unsigned char dated[] = {0x54, 0,    0,    0,    0,    0,    0,    0,    2,
	                               0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0,
	                               0,    0,    0,    0,    0,    0,    3};
	assert_int_equal(k.len, sizeof dated);
	assert_memory_equal(k.b, dated, sizeof dated);
	assert_int_equal(al_key_get_i64(k.b, 9), -1);
	assert_int_equal(al_key_get_u64(k.b, 17), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_push_keeps_order),
	    cmocka_unit_test(t_add_zeroes),
	    cmocka_unit_test(t_out_of_memory_changes_nothing),
	    cmocka_unit_test(t_size_overflow_refused),
	    cmocka_unit_test(t_idlist_scan),
	    cmocka_unit_test(t_records_and_indexes),
	    cmocka_unit_test(t_record_read),
	    cmocka_unit_test(t_key_shapes),
	};
	return t_run_group("core/plumbing", tests, NULL, NULL);
}
