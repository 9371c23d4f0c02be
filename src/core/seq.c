/*
 * Id sequences without a store-wide hot spot (docs/scaling.md, "Ids").
 *
 * A store-wide sequence (accounts, teams, contracts, ...) keeps its last
 * reserved id in one record (key AL_K_SEQ, name). No call writes that
 * record: a handle reserves a block of ids from it in a short transaction
 * of its own, committed before any of them is used, and then hands them out
 * from memory. A crash or a close loses the rest of a block (a gap); no id
 * is ever given twice, whatever the number of handles on the store.
 *
 * A scoped sequence (key AL_K_SEQ, name, scope, sub) numbers what has to
 * follow the order of recording inside one team or one contract: ledger
 * entries, seat grants. It is written by the calls that record in
 * that scope, which already conflict on the scope's own records.
 */
#include "db_internal.h"
#include "error.h"

#include <string.h>

/* The record's last number, 0 when absent. */
static int seq_read(al_txn *t, const al_key *k, uint64_t *last)
{
	al_buf b;
	al_rd r;
	al_buf_init(&b, t->a);
	*last = 0;
	int rc = al_txn_get_rec(t, k, AL_K_SEQ, &b, &r, NULL);
	if (!rc)
		*last = al_dec_u64(&r);
	rc = rc ? (rc == AUTOLIC_ENOTFOUND ? 0 : rc) : al_rd_done(&r);
	al_buf_free(&b);
	return rc;
}

static int seq_write(al_txn *t, const al_key *k, uint64_t last)
{
	al_buf b;
	al_buf_init(&b, t->a);
	al_rec_begin(&b, AL_K_SEQ);
	al_enc_u64(&b, last);
	int rc = al_txn_put(t, k, &b);
	al_buf_free(&b);
	return rc;
}

static void seq_key(al_key *k, const char *name)
{
	al_key_init(k, AL_K_SEQ);
	al_key_str(k, name);
}

static void scoped_key(al_key *k, const char *name, uint64_t scope, const char *sub)
{
	seq_key(k, name);
	al_key_u64(k, scope);
	al_key_str(k, sub ? sub : "");
}

/* The last id of a scoped sequence; a scope that never numbered anything
 * starts after the store-wide sequence of the same name, which numbered
 * every scope before scoped sequences existed. */
static int scoped_read(al_txn *t, const al_key *k, const char *name, uint64_t *last)
{
	int rc = al_txn_exists(t, k);
	if (rc == 1)
		return seq_read(t, k, last);
	if (rc < 0)
		return rc;
	al_key legacy;
	seq_key(&legacy, name);
	return seq_read(t, &legacy, last);
}

int al_txn_seq_next_in(al_txn *t, const char *name, uint64_t scope, const char *sub,
                       autolic_id *out)
{
	al_key k;
	scoped_key(&k, name, scope, sub);
	uint64_t last;
	int rc = scoped_read(t, &k, name, &last);
	if (!rc)
		rc = seq_write(t, &k, last + 1);
	*out = rc ? 0 : last + 1;
	return rc;
}

int al_txn_seq_peek_in(al_txn *t, const char *name, uint64_t scope, const char *sub,
                       autolic_id *last)
{
	al_key k;
	scoped_key(&k, name, scope, sub);
	return scoped_read(t, &k, name, last);
}

/* ---- blocks reserved by a handle ---- */

#define BLOCK_FIRST 1u /* a handle that makes one call wastes none */
#define BLOCK_MAX   64u

static al_seq_block *block_of(autolic_db *db, const char *name)
{
	for (size_t i = 0; i < AL_SEQ_SLOTS; i++) {
		al_seq_block *s = &db->seq[i];
		if (!s->name) {
			s->name = name;
			s->grow = BLOCK_FIRST;
		}
		if (s->name == name || strcmp(s->name, name) == 0)
			return s;
	}
	return NULL;
}

int al_txn_seq_next(al_txn *t, const char *name, autolic_id *out)
{
	*out = 0;
	al_seq_block *s = block_of(t->db, name);
	if (!s)
		return al_err(AUTOLIC_ESTORAGE, "more than %d id sequences", AL_SEQ_SLOTS);
	if (s->next < s->end) {
		*out = s->next++;
		return 0;
	}
	/* None left: this call reserves the next block. Inside a host batch,
	 * which may yet roll back as a whole, it takes one id only. */
	uint32_t n = t->db->batch ? 1 : s->grow;
	al_key k;
	seq_key(&k, name);
	uint64_t last;
	int rc = seq_read(t, &k, &last);
	if (!rc && last > UINT64_MAX - n)
		rc = al_err(AUTOLIC_ESTORAGE, "the %s ids are exhausted", name);
	if (!rc)
		rc = seq_write(t, &k, last + n);
	if (rc)
		return rc;
	*out = last + 1;
	if (!t->db->batch) {
		/* the runner forgets the block if the call fails */
		s->next = last + 2;
		s->end = last + 1 + n;
		if (s->grow < BLOCK_MAX)
			s->grow *= 2;
	}
	return 0;
}
