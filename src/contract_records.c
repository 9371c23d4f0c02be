/* Contracts: the pure rules, the records, the checks the other nouns share
 * (src/contract.h: products, user administration, administrators) and the
 * SEAM-2 hand-over of the managers of a team's contracts (ROLE-1..ROLE-4).
 * The contract calls are in src/contract.c. */
#include "contract_internal.h"
#include "contract.h"
#include "account.h"
#include "authz.h"
#include "core/idlist.h"
#include "core/record.h"
#include "names.h"
#include "autolic/contract.h"
#include "core/error.h"
#include "core/product.h"

#include <stdio.h>
#include <string.h>

/* ---- pure rules ---- */

/* ROLE-1: status from the term and the clock. */
int al_contract_status_at(autolic_time start, autolic_time end, autolic_time now)
{
	if (now < start)
		return AUTOLIC_CONTRACT_PENDING;
	return now < end ? AUTOLIC_CONTRACT_ACTIVE : AUTOLIC_CONTRACT_EXPIRED;
}

/* The printable contract number of id: "AL-" + at least 8 digits + "-" + a
 * Luhn check digit over those digits (catches one mistyped digit and most
 * swaps of neighbours when a number is read over the phone). */
void al_contract_number(autolic_id id, char *out, size_t cap)
{
	/* "AL-" + the id in at least 8 digits + "-" + a Luhn check digit, written
	 * by hand: refusals name contracts by number, and snprintf() costs more
	 * than the rest of a refused seat grant */
	char rev[24], text[40];
	size_t n = 0, len = 0;
	for (unsigned long long v = id; v; v /= 10)
		rev[n++] = (char)('0' + v % 10);
	while (n < 8)
		rev[n++] = '0';
	int sum = 0;
	for (size_t i = 0; i < n; i++) { /* from the last digit, every other one doubled */
		int d = rev[i] - '0';
		if (!(i % 2) && (d *= 2) > 9)
			d -= 9;
		sum += d;
	}
	memcpy(text, "AL-", 3);
	len = 3;
	while (n)
		text[len++] = rev[--n];
	text[len++] = '-';
	text[len++] = (char)('0' + (10 - sum % 10) % 10);
	if (cap == 0)
		return;
	if (len > cap - 1)
		len = cap - 1;
	memcpy(out, text, len);
	out[len] = 0;
}

/* ---- records ---- */

static void contract_key(al_key *k, autolic_id id)
{
	al_key_id(k, AL_K_CONTRACT, id);
}

void al_contract_product_key(al_key *k, autolic_id contract, const char *product)
{
	al_key_id(k, AL_K_CONTRACT_PRODUCT, contract);
	al_key_str(k, product);
}

static void contract_encode(al_buf *b, const void *rec)
{
	const al_contract_rec *r = rec;
	al_rec_begin(b, AL_K_CONTRACT);
	al_enc_u64(b, r->id);
	al_enc_str(b, r->number);
	al_enc_u64(b, r->team);
	al_enc_u64(b, r->manager);
	al_enc_u64(b, r->coordinator);
	al_enc_u64(b, r->buyer);
	al_enc_i64(b, r->start);
	al_enc_i64(b, r->end);
	al_enc_i64(b, r->created);
	al_enc_u8(b, (uint8_t)(r->auto_renew != 0));
	al_enc_u32(b, r->nproducts);
}

static int contract_decode(const void *p, size_t len, void *rec)
{
	al_contract_rec *r = rec;
	al_rd d;
	int rc = al_rec_open(&d, p, len, AL_K_CONTRACT);
	if (rc)
		return rc;
	r->id = al_dec_u64(&d);
	al_dec_str(&d, r->number, sizeof r->number);
	r->team = al_dec_u64(&d);
	r->manager = al_dec_u64(&d);
	r->coordinator = al_dec_u64(&d);
	r->buyer = al_dec_u64(&d);
	r->start = al_dec_i64(&d);
	r->end = al_dec_i64(&d);
	r->created = al_dec_i64(&d);
	r->auto_renew = al_dec_bool(&d, "auto-renew flag");
	r->nproducts = al_dec_u32(&d);
	al_rd_check(&d, r->nproducts >= 1 && r->nproducts <= AUTOLIC_CONTRACT_PRODUCTS_MAX,
	            "product count", r->nproducts);
	return al_rd_done(&d);
}

int al_contract_store(al_txn *t, const al_contract_rec *r)
{
	al_key k;
	contract_key(&k, r->id);
	return al_record_put(t, &k, contract_encode, r);
}

int al_contract_load_rec(al_txn *t, autolic_id id, al_contract_rec *r)
{
	al_key k;
	contract_key(&k, id);
	int rc = al_record_get(t, &k, contract_decode, r);
	if (rc == AUTOLIC_ENOTFOUND) {
		al_name c;
		al_err(AUTOLIC_ENOTFOUND, "contract %s does not exist", al_name_contract(id, &c));
		rc = al_err_obj(AUTOLIC_OBJECT_CONTRACT, id, c.s);
	}
	return rc;
}

int al_contract_product_rec_store(al_txn *t, autolic_id contract, const al_contract_product_rec *p)
{
	al_key k;
	al_buf b;
	al_buf_init(&b, t->a);
	al_rec_begin(&b, AL_K_CONTRACT_PRODUCT);
	al_enc_str(&b, p->product);
	al_enc_u32(&b, p->quantity);
	al_enc_u32(&b, p->bought);
	al_enc_str(&b, p->serial);
	al_contract_product_key(&k, contract, p->product);
	int rc = al_txn_put(t, &k, &b);
	if (!rc) {
		al_rec_begin(&b, AL_K_SERIAL);
		al_enc_u64(&b, contract);
		al_enc_str(&b, p->product);
		al_key_init(&k, AL_K_SERIAL);
		al_key_str(&k, p->serial);
		rc = al_txn_put(t, &k, &b);
	}
	al_buf_free(&b);
	return rc;
}

static int product_decode(const void *v, size_t len, void *rec)
{
	al_contract_product_rec *p = rec;
	al_rd d;
	int rc = al_rec_open(&d, v, len, AL_K_CONTRACT_PRODUCT);
	if (rc)
		return rc;
	al_dec_str(&d, p->product, sizeof p->product);
	p->quantity = al_dec_u32(&d);
	p->bought = al_dec_u32(&d);
	/* ROLE-9: a quantity is only ever lowered from what was bought */
	al_rd_check(&d, p->quantity <= p->bought, "quantity (above the seats bought)", p->quantity);
	al_dec_str(&d, p->serial, sizeof p->serial);
	return al_rd_done(&d);
}

int al_contract_product_rec_load(al_txn *t, autolic_id contract, const char *product,
                                 al_contract_product_rec *p)
{
	al_key k;
	al_contract_product_key(&k, contract, product);
	int rc = al_record_get(t, &k, product_decode, p);
	if (rc == AUTOLIC_ENOTFOUND) {
		al_name c;
		al_err(AUTOLIC_ENOTFOUND, "contract %s has no product '%s'",
		       al_name_contract(contract, &c), product);
		al_err_obj(AUTOLIC_OBJECT_CONTRACT, contract, c.s);
		rc = al_err_product(product);
	}
	return rc;
}

/* Serial number -> contract and product. */
int al_contract_by_serial(al_txn *t, const char *serial, autolic_id *contract, char *product,
                          size_t cap)
{
	al_key k;
	al_buf b;
	al_rd d;
	al_key_init(&k, AL_K_SERIAL);
	al_key_str(&k, serial);
	al_buf_init(&b, t->a);
	int rc = al_txn_get_rec(t, &k, AL_K_SERIAL, &b, &d, "no product has the serial number '%s'",
	                        serial);
	if (!rc) {
		*contract = al_dec_u64(&d);
		al_dec_str(&d, product, cap);
		rc = al_rd_done(&d);
	}
	al_buf_free(&b);
	return rc;
}

/* The account -> contract role index (ROLE-2, ROLE-4). */
int al_contract_role_bits_get(al_txn *t, autolic_id account, autolic_id contract, int *bits)
{
	al_key k;
	al_buf b;
	al_rd d;
	al_key_pair(&k, AL_K_ACCOUNT_CONTRACT, account, contract);
	al_buf_init(&b, t->a);
	int rc = al_txn_get(t, &k, &b);
	*bits = 0;
	if (rc == AUTOLIC_ENOTFOUND)
		rc = 0;
	else if (!rc && !(rc = al_rec_open(&d, b.p, b.len, AL_K_ACCOUNT_CONTRACT))) {
		*bits = al_dec_enum(&d, CR_MANAGER, CR_MANAGER | CR_COORDINATOR, "role bits");
		rc = al_rd_done(&d);
	}
	al_buf_free(&b);
	return rc;
}

int al_contract_role_bits_set(al_txn *t, autolic_id account, autolic_id contract, int bits)
{
	al_key k;
	al_key_pair(&k, AL_K_ACCOUNT_CONTRACT, account, contract);
	if (!bits) {
		int rc = al_txn_del(t, &k);
		return rc == AUTOLIC_ENOTFOUND ? 0 : rc;
	}
	al_buf b;
	al_buf_init(&b, t->a);
	al_rec_begin(&b, AL_K_ACCOUNT_CONTRACT);
	al_enc_u8(&b, (uint8_t)bits);
	int rc = al_txn_put(t, &k, &b);
	al_buf_free(&b);
	return rc;
}

int al_contract_role_bits_change(al_txn *t, autolic_id account, autolic_id contract, int add,
                                 int remove)
{
	int bits;
	int rc = al_contract_role_bits_get(t, account, contract, &bits);
	return rc ? rc : al_contract_role_bits_set(t, account, contract, (bits | add) & ~remove);
}

/* ---- for the other nouns (src/contract.h) ---- */

/* What seats need of `product` on contract `contract`, whose record `r`
 * is already read. */
static int product_of_rec(al_txn *t, autolic_id contract, const al_contract_rec *r,
                          const char *product, al_contract_product *out)
{
	al_contract_product_rec p;
	int rc = al_contract_product_rec_load(t, contract, product, &p);
	if (rc)
		return rc;
	memset(out, 0, sizeof(*out));
	out->contract = contract;
	out->team = r->team;
	snprintf(out->product, sizeof out->product, "%s", p.product);
	out->quantity = p.quantity;
	out->start = r->start;
	out->end = r->end;
	out->active = al_contract_status_at(r->start, r->end, t->now) == AUTOLIC_CONTRACT_ACTIVE;
	return 0;
}

/* ROLE-7 then ROLE-6 for managing users on the contract whose record `r` is
 * already read. */
static int user_admin_of_rec(al_txn *t, const al_contract_rec *r, autolic_id actor,
                             const char *what)
{
	int rc = al_authz_actor(t, actor, NULL);
	if (rc)
		return rc;
	al_subject s = {1, actor == r->manager, actor == r->coordinator, 0, 0, 0};
	if (!al_authz_allowed(AL_FN_MANAGE_USERS, &s)) {
		al_name who;
		if ((rc = al_name_account(t, actor, &who)) != 0)
			return rc;
		al_err(AUTOLIC_EPERM,
		       "ROLE-6: permission denied: %s on contract %s needs its contract manager or "
		       "software coordinator; %s is neither",
		       what ? what : "managing users", r->number, who.s);
		al_err_account(actor, &who);
		return al_err_contract(r->id);
	}
	return 0;
}

int al_contract_product_load(al_txn *t, autolic_id contract, const char *product,
                             al_contract_product *out)
{
	al_contract_rec r;
	int rc = al_contract_load_rec(t, contract, &r);
	return rc ? rc : product_of_rec(t, contract, &r, product, out);
}

int al_contract_require_user_admin(al_txn *t, autolic_id contract, autolic_id actor,
                                   const char *what)
{
	al_contract_rec r;
	int rc = al_contract_load_rec(t, contract, &r);
	return rc ? rc : user_admin_of_rec(t, &r, actor, what);
}

int al_contract_product_for_admin(al_txn *t, autolic_id contract, const char *product,
                                  autolic_id actor, const char *what, al_contract_product *out)
{
	/* one read of the contract record serves both checks, in the order of
	 * al_contract_require_user_admin then al_contract_product_load */
	al_contract_rec r;
	int rc = al_contract_load_rec(t, contract, &r);
	if (!rc)
		rc = user_admin_of_rec(t, &r, actor, what);
	return rc ? rc : product_of_rec(t, contract, &r, product, out);
}

static int admin_scan(al_txn *t, autolic_id account, autolic_id team, autolic_id *contract)
{
	al_idlist l;
	al_idlist_init(&l, t->a, 9);
	int rc = al_idlist_scan_of(t, AL_K_ACCOUNT_CONTRACT, account, &l);
	*contract = 0;
	for (size_t i = 0; !rc && i < l.n && !*contract; i++) {
		al_contract_rec r;
		rc = al_contract_load_rec(t, l.v[i], &r);
		if (!rc && (!team || r.team == team))
			*contract = r.id;
	}
	al_idlist_free(&l);
	return rc;
}

int al_contract_admin_in_team(al_txn *t, autolic_id team, autolic_id account, autolic_id *contract)
{
	return admin_scan(t, account, team, contract);
}

int al_contract_admin_any(al_txn *t, autolic_id account, autolic_id *contract)
{
	return admin_scan(t, account, 0, contract);
}

/* ---- the managers of a team's contracts (ROLE-3, SEAM-2) ---- */

/* ROLE-3: a contract on automatic renewal keeps its manager until it has run
 * to its end; an ended one no longer holds a hand-over back. */
int al_contract_renewal_holds_manager(const al_contract_rec *r, autolic_time now)
{
	return r->auto_renew &&
	       al_contract_status_at(r->start, r->end, now) != AUTOLIC_CONTRACT_EXPIRED;
}

static int manager_set(al_txn *t, al_contract_rec *r, autolic_id manager)
{
	autolic_id former = r->manager;
	r->manager = manager;
	int rc = al_contract_store(t, r);
	if (!rc)
		rc = al_contract_role_bits_change(t, former, r->id, 0, CR_MANAGER);
	if (!rc)
		rc = al_contract_role_bits_change(t, manager, r->id, CR_MANAGER, 0);
	if (!rc)
		rc = al_txn_event(t, AUTOLIC_EVENT_ROLE_CHANGED, manager, r->team, r->id, NULL,
		                  "ROLE-3", "you are now the contract manager of %s", r->number);
	if (!rc)
		rc = al_txn_event(t, AUTOLIC_EVENT_ROLE_CHANGED, former, r->team, r->id, NULL,
		                  "ROLE-3", "you are no longer the contract manager of %s",
		                  r->number);
	return rc;
}

/* ROLE-3 (SEAM-2): contract `r` on automatic renewal keeps its manager. */
static int renewal_holds(const al_contract_rec *r)
{
	al_err(AUTOLIC_ESTATE,
	       "ROLE-3: contract %s is on automatic renewal; it must run to its end and a new "
	       "contract be taken out before its manager, the primary administrator of its team "
	       "(SEAM-2), can change",
	       r->number);
	return al_err_contract(r->id);
}

int al_contract_team_manager_set(al_txn *t, autolic_id team, autolic_id manager)
{
	al_idlist l;
	al_idlist_init(&l, t->a, 9);
	int rc = al_idlist_scan_of(t, AL_K_TEAM_CONTRACT, team, &l);
	/* every contract is checked (pass 0) before any is written (pass 1) */
	for (int pass = 0; !rc && pass < 2; pass++) {
		for (size_t i = 0; !rc && i < l.n; i++) {
			al_contract_rec r;
			rc = al_contract_load_rec(t, l.v[i], &r);
			if (rc || r.manager == manager)
				continue;
			if (pass == 1)
				rc = manager_set(t, &r, manager);
			else if (al_contract_renewal_holds_manager(&r, t->now))
				rc = renewal_holds(&r);
		}
	}
	al_idlist_free(&l);
	return rc;
}

void al_contract_offer_key(al_key *k, autolic_id contract, const char *product, const char *update)
{
	al_key_id(k, AL_K_CONTRACT_OFFER, contract);
	al_key_str(k, product);
	al_key_str(k, update);
}

const char *al_name_contract(autolic_id contract, al_name *n)
{
	al_contract_number(contract, n->s, sizeof n->s);
	return n->s;
}

int al_err_contract(autolic_id contract)
{
	al_name n;
	return al_err_obj(AUTOLIC_OBJECT_CONTRACT, contract, al_name_contract(contract, &n));
}
