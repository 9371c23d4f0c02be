/* One-time upgrades of a store written by an older library (see upgrade.h). */
#include "upgrade.h"
#include "contract.h"
#include "seat.h"
#include "core/error.h"
#include "core/product.h"

#include <string.h>

/*
 * The store's level, kept in the schema record (key AL_K_SCHEMA alone):
 *   absent  written by 1.0.0, or by a later library that never had to
 *           upgrade it (its product codes were already normalised)
 *   1       product codes normalised (SEAM-1)
 */
#define LEVEL_PRODUCT_CODES 1u

typedef struct {
	uint32_t level;      /* 0 when the record is absent */
	autolic_id contract; /* a contract product with a code to normalise */
	char product[AL_PRODUCT_CAP];
} level_args;

static int level_read(al_txn *t, level_args *la)
{
	al_key k;
	al_buf b;
	al_rd r;
	al_key_init(&k, AL_K_SCHEMA);
	al_buf_init(&b, t->a);
	la->level = 0;
	int rc = al_txn_get_rec(t, &k, AL_K_SCHEMA, &b, &r, NULL);
	if (!rc) {
		la->level = al_dec_u32(&r);
		rc = al_rd_done(&r);
	} else if (rc == AUTOLIC_ENOTFOUND) {
		rc = 0;
	}
	al_buf_free(&b);
	return rc;
}

static int check_fn(al_txn *t, void *arg)
{
	level_args *la = arg;
	la->contract = 0;
	int rc = level_read(t, la);
	if (!rc && la->level < LEVEL_PRODUCT_CODES)
		rc = al_contract_old_code(t, &la->contract, la->product);
	return rc;
}

static int upgrade_fn(al_txn *t, void *arg)
{
	level_args *la = arg;
	int rc = level_read(t, la);
	if (rc || la->level >= LEVEL_PRODUCT_CODES)
		return rc; /* another handle upgraded it meanwhile */
	rc = al_contract_upgrade_codes(t);
	if (!rc)
		rc = al_seat_upgrade_codes(t);
	if (!rc) {
		al_key k;
		al_buf b;
		al_key_init(&k, AL_K_SCHEMA);
		al_buf_init(&b, t->a);
		al_rec_begin(&b, AL_K_SCHEMA);
		al_enc_u32(&b, LEVEL_PRODUCT_CODES);
		rc = al_txn_put(t, &k, &b);
		al_buf_free(&b);
	}
	return rc;
}

int al_store_upgrade(autolic_db *db)
{
	level_args la;
	memset(&la, 0, sizeof la);
	int rc = al_run(db, 0, check_fn, &la);
	if (rc || !la.contract)
		return rc;
	rc = al_run(db, 1, upgrade_fn, &la);
	if (rc == AUTOLIC_EREADONLY)
		al_err_prefix(
		    "SEAM-1: contract %llu lists product '%s', stored before product codes "
		    "were stored in lower case; the store needs a one-time upgrade, which "
		    "a read-only store cannot take: open it once for writing",
		    (unsigned long long)la.contract, la.product);
	else if (rc)
		al_err_prefix("SEAM-1: upgrading the product codes of the store");
	return rc;
}
