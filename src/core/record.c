#include "record.h"
#include "error.h"

int al_record_put(al_txn *t, const al_key *k, al_record_encode_fn enc, const void *rec)
{
	al_buf b;
	al_buf_init(&b, t->a);
	enc(&b, rec);
	int rc = al_txn_put(t, k, &b);
	al_buf_free(&b);
	return rc;
}

int al_record_get(al_txn *t, const al_key *k, al_record_decode_fn dec, void *rec)
{
	al_buf b;
	al_buf_init(&b, t->a);
	int rc = al_txn_get(t, k, &b);
	if (!rc)
		rc = dec(b.p, b.len, rec);
	al_buf_free(&b);
	return rc;
}

int al_record_put_empty(al_txn *t, const al_key *k)
{
	return al_txn_put_raw(t, k, "", 0);
}

static void tag_encode(al_buf *b, const void *tag)
{
	al_rec_begin(b, *(const uint8_t *)tag);
}

int al_record_put_tag(al_txn *t, const al_key *k, uint8_t tag)
{
	return al_record_put(t, k, tag_encode, &tag);
}

/* An index record: its tag and the id it holds. */
typedef struct index_rec {
	uint8_t tag;
	uint64_t id;
} index_rec;

static void index_encode(al_buf *b, const void *rec)
{
	const index_rec *x = rec;
	al_rec_begin(b, x->tag);
	al_enc_u64(b, x->id);
}

static int index_decode(const void *p, size_t len, void *rec)
{
	index_rec *x = rec;
	al_rd r;
	int rc = al_rec_open(&r, p, len, x->tag);
	if (rc)
		return rc;
	x->id = al_dec_u64(&r);
	return al_rd_done(&r);
}

int al_index_put(al_txn *t, const al_key *k, uint8_t tag, uint64_t id)
{
	index_rec x = {tag, id};
	return al_record_put(t, k, index_encode, &x);
}

int al_index_get(al_txn *t, const al_key *k, uint8_t tag, uint64_t *id)
{
	index_rec x = {tag, 0};
	int rc = al_record_get(t, k, index_decode, &x);
	if (!rc)
		*id = x.id;
	return rc;
}

int al_index_load(al_txn *t, const al_key *ix, uint8_t tag, uint8_t prefix, uint64_t id,
                  al_record_decode_fn dec, void *rec, const char *what)
{
	uint64_t owner;
	int rc = al_index_get(t, ix, tag, &owner);
	if (rc)
		return rc;
	al_key k;
	al_key_pair(&k, prefix, owner, id);
	rc = al_record_get(t, &k, dec, rec);
	if (rc == AUTOLIC_ENOTFOUND)
		rc = al_err(AUTOLIC_ECORRUPT, "%s %llu is indexed but missing", what,
		            (unsigned long long)id);
	return rc;
}

typedef struct {
	uint64_t id;
	al_record_load_fn load;
	void *rec;
	autolic_time now;
} read_args;

static int read_fn(al_txn *t, void *arg)
{
	read_args *a = arg;
	a->now = t->now;
	return a->load(t, a->id, a->rec);
}

int al_record_read(autolic_db *db, uint64_t id, al_record_load_fn load, void *rec,
                   autolic_time *now)
{
	read_args a = {id, load, rec, 0};
	int rc = al_run(db, 0, read_fn, &a);
	if (!rc && now)
		*now = a.now;
	return rc;
}
