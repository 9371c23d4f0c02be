/* The store's level record (see level.h). */
#include "level.h"

int al_store_level_read(al_txn *t, uint32_t *level)
{
	al_key k;
	al_buf b;
	al_rd r;
	al_key_init(&k, AL_K_SCHEMA);
	al_buf_init(&b, t->a);
	*level = 0;
	int rc = al_txn_get_rec(t, &k, AL_K_SCHEMA, &b, &r, NULL);
	if (!rc) {
		*level = al_dec_u32(&r);
		rc = al_rd_done(&r);
	} else if (rc == AUTOLIC_ENOTFOUND) {
		rc = 0;
	}
	al_buf_free(&b);
	return rc;
}

int al_store_level_write(al_txn *t)
{
	al_key k;
	al_buf b;
	al_key_init(&k, AL_K_SCHEMA);
	al_buf_init(&b, t->a);
	al_rec_begin(&b, AL_K_SCHEMA);
	al_enc_u32(&b, AL_LEVEL_NOW);
	int rc = al_txn_put(t, &k, &b);
	al_buf_free(&b);
	return rc;
}

int al_store_level_stamp(al_txn *t)
{
	uint32_t level;
	int rc = al_store_level_read(t, &level);
	return rc || level >= AL_LEVEL_NOW ? rc : al_store_level_write(t);
}
