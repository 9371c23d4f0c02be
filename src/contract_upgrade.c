/*
 * Contracts: upgrading stores written before SEAM-1 (product codes not
 * normalised in contract product and offer keys); run by src/upgrade.c.
 */
#include "contract_internal.h"
#include "contract.h"
#include "account.h"
#include "authz.h"
#include "core/idlist.h"
#include "seat.h"
#include "team.h"
#include "upgrade.h"
#include "autolic/contract.h"
#include "core/error.h"
#include "core/text.h"
#include "core/product.h"
#include "core/snap.h"

#include <stdio.h>
#include <string.h>

/* ---- stores written before SEAM-1 (src/upgrade.c) ---- */

/* A contract product or offer key whose product code is not normalised. */
typedef struct old_code {
	autolic_id contract;
	char product[AL_PRODUCT_CAP];
	char update[AUTOLIC_UPDATE_MAX + 1]; /* offers only */
} old_code;

typedef struct old_codes {
	old_code *v;
	size_t n, cap;
	const al_alloc *a;
	int offers;     /* keys carry an update code after the product */
	int first_only; /* stop at the first one found */
} old_codes;

/* The NUL-terminated string at `at` of a key into dst (cap bytes); the
 * offset after it, or 0 when malformed. */
static size_t key_str_at(const unsigned char *k, size_t kl, size_t at, char *dst, size_t cap)
{
	if (at >= kl)
		return 0;
	const unsigned char *z = memchr(k + at, 0, kl - at);
	size_t n = z ? (size_t)(z - (k + at)) : 0;
	if (!z || n == 0 || n >= cap)
		return 0;
	memcpy(dst, k + at, n + 1);
	return at + n + 1;
}

static int cb_old_code(const void *key, size_t kl, const void *v, size_t vl, void *arg)
{
	(void)v;
	(void)vl;
	old_codes *oc = arg;
	const unsigned char *k = key;
	old_code c;
	memset(&c, 0, sizeof c);
	size_t next = kl > 9 ? key_str_at(k, kl, 9, c.product, sizeof c.product) : 0;
	if (next && oc->offers)
		next = key_str_at(k, kl, next, c.update, sizeof c.update);
	if (!next || next != kl)
		return al_err(AUTOLIC_ECORRUPT, "malformed contract %s key in the store",
		              oc->offers ? "offer" : "product");
	if (al_product_is_norm(c.product, strlen(c.product)))
		return 0;
	c.contract = al_key_get_u64(k, 1);
	if (oc->n == oc->cap) {
		size_t cap = oc->cap ? oc->cap * 2 : 8;
		old_code *nv = al_realloc(oc->a, oc->v, cap * sizeof(*nv));
		if (!nv)
			return al_err(AUTOLIC_ENOMEM,
			              "out of memory listing product codes to upgrade");
		oc->v = nv;
		oc->cap = cap;
	}
	oc->v[oc->n++] = c;
	return oc->first_only ? 1 : 0;
}

static int old_codes_scan(al_txn *t, uint8_t prefix, int first_only, old_codes *oc)
{
	memset(oc, 0, sizeof(*oc));
	oc->a = t->a;
	oc->offers = prefix == AL_K_CONTRACT_OFFER;
	oc->first_only = first_only;
	al_key k;
	al_key_init(&k, prefix);
	int rc = al_txn_scan_prefix(t, &k, cb_old_code, oc);
	if (rc == 1 && first_only)
		rc = 0;
	if (rc) {
		al_free(t->a, oc->v);
		oc->v = NULL;
		oc->n = 0;
	}
	return rc;
}

int al_contract_old_code(al_txn *t, autolic_id *contract, char *product)
{
	old_codes oc;
	int rc = old_codes_scan(t, AL_K_CONTRACT_PRODUCT, 1, &oc);
	*contract = 0;
	if (!rc && oc.n) {
		*contract = oc.v[0].contract;
		memcpy(product, oc.v[0].product, AL_PRODUCT_CAP);
	}
	al_free(t->a, oc.v);
	return rc;
}

/* Re-key one contract product under its normalised code, merging it into a
 * product already there (quantities add up; its serial keeps naming it). */
static int upgrade_product(al_txn *t, const old_code *c)
{
	al_contract_product_rec old, cur;
	char code[AL_PRODUCT_CAP];
	memcpy(code, c->product, sizeof code);
	al_product_fold(code);
	al_key k;
	int rc = al_contract_product_rec_load(t, c->contract, c->product, &old);
	if (!rc) {
		al_contract_product_key(&k, c->contract, c->product);
		rc = al_txn_del(t, &k);
	}
	if (rc)
		return rc;
	rc = al_contract_product_rec_load(t, c->contract, code, &cur);
	if (rc == AUTOLIC_ENOTFOUND) {
		al_err_clear();
		memcpy(old.product, code, sizeof old.product);
		/* its serial now names `code` */
		return al_contract_product_rec_store(t, c->contract, &old);
	}
	if (rc)
		return rc;
	cur.quantity += old.quantity;
	cur.bought += old.bought;
	rc = al_contract_product_rec_store(t, c->contract, &cur);
	if (!rc) { /* the merged product's serial names the product it joined */
		al_buf b;
		al_buf_init(&b, t->a);
		al_rec_begin(&b, AL_K_SERIAL);
		al_enc_u64(&b, c->contract);
		al_enc_str(&b, code);
		al_key_init(&k, AL_K_SERIAL);
		al_key_str(&k, old.serial);
		rc = al_txn_put(t, &k, &b);
		al_buf_free(&b);
	}
	al_contract_rec r;
	if (!rc)
		rc = al_contract_load_rec(t, c->contract, &r);
	if (!rc) {
		r.nproducts = r.nproducts > 1 ? r.nproducts - 1 : 1;
		rc = al_contract_store(t, &r);
	}
	return rc;
}

static int upgrade_offer(al_txn *t, const old_code *c)
{
	char code[AL_PRODUCT_CAP];
	memcpy(code, c->product, sizeof code);
	al_product_fold(code);
	al_key k;
	al_contract_offer_key(&k, c->contract, c->product, c->update);
	int rc = al_txn_del(t, &k);
	if (!rc) {
		al_buf b;
		al_buf_init(&b, t->a);
		al_rec_begin(&b, AL_K_CONTRACT_OFFER);
		al_contract_offer_key(&k, c->contract, code, c->update);
		rc = al_txn_put(t, &k, &b);
		al_buf_free(&b);
	}
	return rc;
}

int al_contract_upgrade_codes(al_txn *t)
{
	old_codes oc;
	int rc = old_codes_scan(t, AL_K_CONTRACT_PRODUCT, 0, &oc);
	for (size_t i = 0; !rc && i < oc.n; i++)
		rc = upgrade_product(t, &oc.v[i]);
	al_free(t->a, oc.v);
	if (rc)
		return rc;
	rc = old_codes_scan(t, AL_K_CONTRACT_OFFER, 0, &oc);
	for (size_t i = 0; !rc && i < oc.n; i++)
		rc = upgrade_offer(t, &oc.v[i]);
	al_free(t->a, oc.v);
	return rc;
}
