/*
 * The core's record plumbing (src/core/record.h) and key shapes
 * (src/core/keys.h): a record stored with its encoder reads back with its
 * decoder; an index record holds one id; a load through an index finds the
 * record under (prefix, owner, id), answers AUTOLIC_ENOTFOUND without a
 * message when the index has no entry and AUTOLIC_ECORRUPT naming the record
 * when the index names one that is absent; a record of another tag is
 * corrupt; the key builders lay out the bytes the store's format fixes.
 */
#include "support.h"

#include "core/error.h"
#include "core/keys.h"
#include "core/record.h"
#include "core/txn.h"

#include <string.h>

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
	return 0;
}

static void t_records_and_indexes(void **state)
{
	(void)state;
	t_faulty f;
	t_clock clock = {1767225600};
	t_alloc ta = {0};
	autolic_allocator a = t_alloc_make(&ta);
	autolic_db *db = t_open(&f, &clock, NULL, &a);
	assert_non_null(db);
	assert_int_equal(al_run(db, 1, record_fn, NULL), 0);
	autolic_db_close(db);
	assert_int_equal(ta.live, 0);
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
	const unsigned char pair[] = {0x21, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0xff};
	assert_int_equal(k.len, sizeof pair);
	assert_memory_equal(k.b, pair, sizeof pair);

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
	    cmocka_unit_test(t_records_and_indexes),
	    cmocka_unit_test(t_key_shapes),
	};
	return t_run_group("core/record", tests, NULL, NULL);
}
