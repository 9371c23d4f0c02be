/* Seats (SEAT-1..SEAT-5). Semantics and decisions: docs/seats.md. */
#include "seat_internal.h"
#include "seat.h"
#include "account.h"
#include "authz.h"
#include "autolic/seat.h"
#include "contract.h"
#include "team.h"
#include "autolic/contract.h"
#include "core/array.h"
#include "core/error.h"
#include "core/record.h"
#include "core/timecalc.h"
#include "names.h"
#include "core/product.h"
#include "core/snap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest list autolic_seat_set_access() takes (duplicates are checked pairwise). */
#define SET_ACCESS_MAX 1024

/* Product codes: every code this noun takes passes al_product_norm() (SEAM-1)
 * before it is looked up, compared or stored. */

/* ---- keys ----
 * AL_K_SEAT         contract u64, product str, account u64 -> grant record
 * AL_K_ACCOUNT_SEAT account u64, contract u64, product str -> empty record
 * AL_K_SEAT_COUNT   contract u64, product str -> u64 granted (read and written
 *                   in the same transaction as every grant: SEAT-5) */

void al_seat_prefix(al_key *k, autolic_id contract, const char *product)
{
	al_key_id(k, AL_K_SEAT, contract);
	al_key_str(k, product);
}

void al_seat_key(al_key *k, autolic_id contract, const char *product, autolic_id user)
{
	al_seat_prefix(k, contract, product);
	al_key_u64(k, user);
}

static void acct_prefix(al_key *k, autolic_id user)
{
	al_key_id(k, AL_K_ACCOUNT_SEAT, user);
}

void al_seat_acct_key(al_key *k, autolic_id user, autolic_id contract, const char *product)
{
	acct_prefix(k, user);
	al_key_u64(k, contract);
	al_key_str(k, product);
}

static void count_prefix(al_key *k, autolic_id contract)
{
	al_key_id(k, AL_K_SEAT_COUNT, contract);
}

void al_seat_count_key(al_key *k, autolic_id contract, const char *product)
{
	count_prefix(k, contract);
	al_key_str(k, product);
}

/* ---- rows collected by scans ---- */

static al_seat_row *rows_push(al_seat_rows *rs)
{
	return al_array_add(rs);
}

void al_seat_rows_free(al_seat_rows *rs)
{
	al_free(rs->a, rs->v);
	rs->v = NULL;
	rs->n = rs->cap = 0;
}

static int corrupt_key(const char *what)
{
	return al_err(AUTOLIC_ECORRUPT, "malformed %s key in the store", what);
}

/* Read the NUL-terminated product at `at`; the offset after it in *next. */
static int key_product(const unsigned char *k, size_t kl, size_t at, char *dst, size_t *next)
{
	if (at >= kl)
		return -1;
	const unsigned char *z = memchr(k + at, 0, kl - at);
	if (!z)
		return -1;
	size_t n = (size_t)(z - (k + at));
	if (n == 0 || n > AUTOLIC_PRODUCT_MAX)
		return -1;
	memcpy(dst, k + at, n + 1);
	*next = at + n + 1;
	return 0;
}

static int grant_decode(const void *v, size_t vl, al_seat_row *r)
{
	al_rd d;
	int rc = al_rec_open(&d, v, vl, AL_K_SEAT);
	if (rc)
		return rc;
	r->gid = al_dec_u64(&d);
	r->at = al_dec_i64(&d);
	r->by = al_dec_u64(&d);
	r->origin =
	    al_dec_enum(&d, AUTOLIC_SEAT_ORIGIN_GRANT, AUTOLIC_SEAT_ORIGIN_IMPORT, "origin");
	return al_rd_done(&d);
}

/* A new row for a key with its product at `at` and `tail` bytes after it,
 * its product filled in: AUTOLIC_ECORRUPT for a malformed `what` key. */
static int key_row(void *arg, const unsigned char *k, size_t kl, size_t at, size_t tail,
                   const char *what, al_seat_row **r)
{
	size_t next;
	al_seat_row tmp;
	if (kl < at || key_product(k, kl, at, tmp.product, &next) || next + tail != kl)
		return corrupt_key(what);
	*r = rows_push(arg);
	if (!*r)
		return AUTOLIC_ENOMEM;
	memcpy((*r)->product, tmp.product, sizeof(*r)->product);
	return 0;
}

int al_seat_cb_seat(const void *key, size_t kl, const void *v, size_t vl, void *arg)
{
	const unsigned char *k = key;
	al_seat_row *r;
	int rc = key_row(arg, k, kl, 9, 8, "seat", &r);
	if (rc)
		return rc;
	r->contract = al_key_get_u64(k, 1);
	r->user = al_key_get_u64(k, kl - 8);
	return grant_decode(v, vl, r);
}

int al_seat_cb_acct(const void *key, size_t kl, const void *v, size_t vl, void *arg)
{
	(void)v;
	(void)vl;
	const unsigned char *k = key;
	al_seat_row *r;
	int rc = key_row(arg, k, kl, 17, 0, "account seat", &r);
	if (rc)
		return rc;
	r->user = al_key_get_u64(k, 1);
	r->contract = al_key_get_u64(k, 9);
	return 0;
}

static int count_decode(const void *v, size_t vl, uint64_t *n)
{
	al_rd d;
	int rc = al_rec_open(&d, v, vl, AL_K_SEAT_COUNT);
	if (rc)
		return rc;
	*n = al_dec_u64(&d);
	/* quantities are u32: a count beyond one is damage, whatever the quantity */
	al_rd_check(&d, *n <= UINT32_MAX, "granted count", *n);
	return al_rd_done(&d);
}

int al_seat_cb_count(const void *key, size_t kl, const void *v, size_t vl, void *arg)
{
	const unsigned char *k = key;
	al_seat_row *r;
	int rc = key_row(arg, k, kl, 9, 0, "seat count", &r);
	if (rc)
		return rc;
	r->contract = al_key_get_u64(k, 1);
	return count_decode(v, vl, &r->gid);
}

static int by_gid_desc(const void *a, const void *b)
{
	uint64_t x = ((const al_seat_row *)a)->gid, y = ((const al_seat_row *)b)->gid;
	return x < y ? 1 : x > y ? -1 : 0;
}

static int by_gid_asc(const void *a, const void *b)
{
	return -by_gid_desc(a, b);
}

/* ---- records ---- */

/* The grant of (contract, product, user): 0, or AUTOLIC_ENOTFOUND without message. */
int al_seat_get(al_txn *t, autolic_id contract, const char *product, autolic_id user,
                al_seat_row *r)
{
	al_key k;
	al_buf b;
	al_seat_key(&k, contract, product, user);
	al_buf_init(&b, t->a);
	int rc = al_txn_get(t, &k, &b);
	if (!rc) {
		memset(r, 0, sizeof(*r));
		r->contract = contract;
		r->user = user;
		snprintf(r->product, sizeof r->product, "%s", product);
		rc = grant_decode(b.p, b.len, r);
	}
	al_buf_free(&b);
	return rc;
}

/* *n = seats granted; *exists = whether the count record is there. */
static int count_get(al_txn *t, autolic_id contract, const char *product, uint64_t *n, int *exists)
{
	al_key k;
	al_buf b;
	al_seat_count_key(&k, contract, product);
	al_buf_init(&b, t->a);
	*n = 0;
	int rc = al_txn_get(t, &k, &b);
	if (exists)
		*exists = rc == 0;
	if (!rc)
		rc = count_decode(b.p, b.len, n);
	else if (rc == AUTOLIC_ENOTFOUND)
		rc = 0;
	al_buf_free(&b);
	return rc;
}

/* SEAT-2: a product's count of grants never exceeds its quantity; one that
 * does was damaged, and is reported, never shown as "0 available". */
int al_seat_count_fits(const al_contract_product *cp, uint64_t granted)
{
	if (granted <= cp->quantity)
		return 0;
	return al_err(AUTOLIC_ECORRUPT,
	              "SEAT-2: seat count record of '%s' on contract %llu reads %llu granted, more "
	              "than its quantity %u",
	              cp->product, (unsigned long long)cp->contract, (unsigned long long)granted,
	              cp->quantity);
}

int al_seat_count_put(al_txn *t, autolic_id contract, const char *product, uint64_t n)
{
	al_key k;
	al_buf b;
	al_seat_count_key(&k, contract, product);
	al_buf_init(&b, t->a);
	al_rec_begin(&b, AL_K_SEAT_COUNT);
	al_enc_u64(&b, n);
	int rc = al_txn_put(t, &k, &b);
	al_buf_free(&b);
	return rc;
}

static void grant_encode(al_buf *b, const void *rec)
{
	const al_seat_row *g = rec;
	al_rec_begin(b, AL_K_SEAT);
	al_enc_u64(b, g->gid);
	al_enc_i64(b, g->at);
	al_enc_u64(b, g->by);
	al_enc_u8(b, (uint8_t)g->origin);
}

/* Write the grant `g` and its index (the count is the caller's). */
int al_seat_grant_put(al_txn *t, const al_seat_row *g)
{
	al_key k;
	al_seat_key(&k, g->contract, g->product, g->user);
	int rc = al_record_put(t, &k, grant_encode, g);
	if (!rc) {
		al_seat_acct_key(&k, g->user, g->contract, g->product);
		rc = al_record_put_tag(t, &k, AL_K_ACCOUNT_SEAT);
	}
	return rc;
}

/* Write the grant and its index and raise the count (already read as `count`). */
static int seat_add(al_txn *t, autolic_id contract, const char *product, autolic_id user,
                    autolic_id actor, int origin, uint64_t count)
{
	autolic_id gid;
	/* the contract's order of grants (quantity reduction) */
	int rc = al_txn_seq_next_in(t, "seat", contract, NULL, &gid);
	if (rc)
		return rc;
	al_seat_row g = {contract, user, actor, "", gid, t->now, origin};
	snprintf(g.product, sizeof g.product, "%s", product);
	rc = al_seat_grant_put(t, &g);
	return rc ? rc : al_seat_count_put(t, contract, product, count + 1);
}

/* Delete the grant and its index and lower the count. */
static int seat_remove(al_txn *t, autolic_id contract, const char *product, autolic_id user)
{
	al_key k;
	al_seat_key(&k, contract, product, user);
	int rc = al_txn_del(t, &k);
	if (!rc) {
		al_seat_acct_key(&k, user, contract, product);
		rc = al_txn_del(t, &k);
	}
	if (rc == AUTOLIC_ENOTFOUND)
		return al_err(AUTOLIC_ECORRUPT, "seat index of account %llu is inconsistent",
		              (unsigned long long)user);
	uint64_t n;
	if (!rc)
		rc = count_get(t, contract, product, &n, NULL);
	if (!rc && n == 0)
		return al_err(AUTOLIC_ECORRUPT,
		              "seat count of '%s' on contract %llu is inconsistent", product,
		              (unsigned long long)contract);
	return rc ? rc : al_seat_count_put(t, contract, product, n - 1);
}

int al_seat_scan_rows(al_txn *t, const al_key *prefix, autolic_storage_scan_cb cb,
                      al_seat_rows *out)
{
	out->v = NULL;
	out->n = out->cap = 0;
	out->a = t->a;
	int rc = al_txn_scan_prefix(t, prefix, cb, out);
	if (rc)
		al_seat_rows_free(out);
	return rc;
}

int al_seat_scan_grants_counts(al_txn *t, al_seat_rows *grants, al_seat_rows *counts)
{
	al_key k;
	al_key_init(&k, AL_K_SEAT);
	int rc = al_seat_scan_rows(t, &k, al_seat_cb_seat, grants);
	if (rc)
		return rc;
	al_key_init(&k, AL_K_SEAT_COUNT);
	rc = al_seat_scan_rows(t, &k, al_seat_cb_count, counts);
	if (rc)
		al_seat_rows_free(grants);
	return rc;
}

/* ---- rules ---- */

/* ACCT-4 and removal, from the state alone. */
static int state_may_hold(int state)
{
	return state != AUTOLIC_ACCOUNT_EXPIRED && state != AUTOLIC_ACCOUNT_REMOVED;
}

/* ACCT-4 and removal: may this account receive a seat now? */
static int user_may_hold(const autolic_account_info *u)
{
	if (state_may_hold(u->state))
		return 0;
	if (u->state == AUTOLIC_ACCOUNT_EXPIRED) {
		char at[AL_TIME_TEXT_CAP];
		al_err(AUTOLIC_EEXPIRED,
		       "ACCT-4: the invitation of %s expired at %s; an expired invitation grants "
		       "nothing (resend it first)",
		       u->email, al_time_text(at, u->invitation_expires));
		al_err_obj(AUTOLIC_OBJECT_ACCOUNT, u->id, u->email);
		return al_err_time("expired", u->invitation_expires);
	}
	al_err(AUTOLIC_ESTATE, "SEAT-4: %s was removed and may hold no seat", u->email);
	return al_err_obj(AUTOLIC_OBJECT_ACCOUNT, u->id, u->email);
}

/* user_may_hold for account `id`: the brief read decides, and the full
 * account (its email is in the refusals) is read only to refuse. */
static int user_id_may_hold(al_txn *t, autolic_id id)
{
	al_account_brief b;
	int rc = al_account_brief_load(t, id, &b);
	if (rc || state_may_hold(b.state))
		return rc;
	autolic_account_info u;
	rc = al_account_load(t, id, &u);
	return rc ? rc : user_may_hold(&u);
}

static int contract_may_grant(const al_contract_product *cp, autolic_time now)
{
	if (cp->active)
		return 0;
	al_name c;
	char at[AL_TIME_TEXT_CAP];
	al_name_contract(cp->contract, &c);
	if (now >= cp->end)
		al_err(AUTOLIC_EEXPIRED,
		       "SEAT-1: contract %s ended at %s; its seats of '%s' grant nothing", c.s,
		       al_time_text(at, cp->end), cp->product);
	else
		al_err(AUTOLIC_ESTATE,
		       "SEAT-1: contract %s starts at %s; no seat of '%s' can be granted "
		       "before its term",
		       c.s, al_time_text(at, cp->start), cp->product);
	al_err_contract(cp->contract);
	al_err_product(cp->product);
	return now >= cp->end ? al_err_time("ended", cp->end) : al_err_time("starts", cp->start);
}

/*
 * The quantity-reduction rule (docs/seats.md): while more seats are granted
 * than `quantity`, revoke the most recent grant (highest grant sequence).
 * The sequence is store-wide and strictly increasing, so the choice is
 * deterministic whatever the clock says.
 */
static int fit(al_txn *t, autolic_id contract, const char *product, autolic_id team,
               uint64_t quantity, uint32_t *revoked)
{
	uint64_t n;
	int rc = count_get(t, contract, product, &n, NULL);
	if (rc || n <= quantity)
		return rc;
	al_seat_rows rs;
	al_key k;
	al_seat_prefix(&k, contract, product);
	rc = al_seat_scan_rows(t, &k, al_seat_cb_seat, &rs);
	if (rc)
		return rc;
	if (rs.n != n) {
		al_seat_rows_free(&rs);
		return al_err(AUTOLIC_ECORRUPT,
		              "seat count of '%s' on contract %llu is %llu but %zu "
		              "grants are stored",
		              product, (unsigned long long)contract, (unsigned long long)n, rs.n);
	}
	qsort(rs.v, rs.n, sizeof(*rs.v), by_gid_desc);
	uint64_t excess = n - quantity;
	for (uint64_t i = 0; !rc && i < excess; i++) {
		al_seat_row *r = &rs.v[i];
		rc = seat_remove(t, contract, product, r->user);
		if (!rc)
			rc = al_txn_event(t, AUTOLIC_EVENT_SEAT_REVOKED, r->user, team, contract,
			                  product, "SEAT-2",
			                  "the seat of '%s' on contract %llu was withdrawn: "
			                  "only %llu seats remain",
			                  product, (unsigned long long)contract,
			                  (unsigned long long)quantity);
	}
	al_seat_rows_free(&rs);
	if (!rc && revoked)
		*revoked = (uint32_t)excess;
	return rc;
}

/* SEAT-1: `user` already holds a seat of `product` on `contract`. */
static int already_holds(al_txn *t, autolic_id user, const char *product, autolic_id contract,
                         const char *why)
{
	al_name who, c;
	int rc = al_name_account(t, user, &who);
	if (rc)
		return rc;
	al_err(AUTOLIC_EEXISTS, "SEAT-1: %s already holds a seat of '%s' on contract %s%s", who.s,
	       product, al_name_contract(contract, &c), why);
	al_err_account(user, &who);
	al_err_product(product);
	return al_err_contract(contract);
}

/* SEAT-1 across contracts: does `user` hold `product` on another active contract? */
static int held_elsewhere(al_txn *t, autolic_id user, const al_contract_product *cp)
{
	al_seat_rows rs;
	al_key k;
	acct_prefix(&k, user);
	int rc = al_seat_scan_rows(t, &k, al_seat_cb_acct, &rs);
	for (size_t i = 0; !rc && i < rs.n; i++) {
		if (rs.v[i].contract == cp->contract || strcmp(rs.v[i].product, cp->product))
			continue;
		al_contract_product other;
		rc = al_contract_product_load(t, rs.v[i].contract, cp->product, &other);
		if (rc == AUTOLIC_ENOTFOUND) {
			rc = 0;
			continue;
		}
		if (!rc && other.active)
			rc = already_holds(t, user, cp->product, other.contract,
			                   "; a user holds at most one seat per product");
	}
	al_seat_rows_free(&rs);
	return rc;
}

/*
 * Grant one seat (SEAT-1, SEAT-2). The contract product is loaded and
 * active, the user may hold seats. With `kept` non-NULL, a seat the user
 * already holds on this contract is reported through it instead of refused.
 * Either way the user ends a member of the contract's team (SEAM-3).
 */
static int grant_one(al_txn *t, autolic_id actor, const al_contract_product *cp, autolic_id user,
                     int origin, int notify, int *kept)
{
	al_seat_row cur;
	int rc = al_seat_get(t, cp->contract, cp->product, user, &cur);
	if (rc == 0) {
		if (kept) {
			*kept = 1;
			return al_team_join(t, cp->team, user); /* SEAM-3, as below */
		}
		return already_holds(t, user, cp->product, cp->contract, "");
	}
	if (rc != AUTOLIC_ENOTFOUND)
		return rc;
	if (kept)
		*kept = 0;
	rc = held_elsewhere(t, user, cp);
	if (rc)
		return rc;
	uint64_t n;
	rc = count_get(t, cp->contract, cp->product, &n, NULL);
	if (rc)
		return rc;
	if ((rc = al_seat_count_fits(cp, n)) != 0)
		return rc;
	if (n >= cp->quantity) {
		al_name c;
		al_name_contract(cp->contract, &c);
		if (cp->quantity == 0)
			al_err(AUTOLIC_ENOSEAT,
			       "SEAT-2: product '%s' on contract %s has no seats "
			       "(quantity 0)",
			       cp->product, c.s);
		else
			al_err(AUTOLIC_ENOSEAT,
			       "SEAT-2: all seats in use for product '%s' on contract "
			       "%s (%llu of %u)",
			       cp->product, c.s, (unsigned long long)n, cp->quantity);
		al_err_obj(AUTOLIC_OBJECT_CONTRACT, cp->contract,
		           c.s); /* its number, written once */
		al_err_product(cp->product);
		al_err_num("used", (int64_t)n);
		return al_err_num("limit", cp->quantity);
	}
	rc = seat_add(t, cp->contract, cp->product, user, actor, origin, n);
	/* SEAM-3: a seat makes a member: the holder is a user of the contract's
	 * team, whom its administrators see and may remove (SEAT-4) */
	if (!rc)
		rc = al_team_join(t, cp->team, user);
	if (!rc && notify)
		rc = al_txn_event(t, AUTOLIC_EVENT_SEAT_GRANTED, user, cp->team, cp->contract,
		                  cp->product, "SEAT-3",
		                  "you were granted access to '%s' on contract %llu", cp->product,
		                  (unsigned long long)cp->contract);
	return rc;
}

static int revoke_one(al_txn *t, const al_contract_product *cp, autolic_id user, int notify)
{
	int rc = seat_remove(t, cp->contract, cp->product, user);
	if (!rc && notify)
		rc = al_txn_event(t, AUTOLIC_EVENT_SEAT_REVOKED, user, cp->team, cp->contract,
		                  cp->product, "SEAT-3",
		                  "your access to '%s' on contract %llu was revoked", cp->product,
		                  (unsigned long long)cp->contract);
	return rc;
}

/* ---- internal contract for the other nouns (src/seat.h) ---- */

int al_seat_held(al_txn *t, autolic_id account, const char *code, autolic_time at, int *held)
{
	char product[AL_PRODUCT_CAP];
	int rc = al_product_norm(code, product, "FLEX-6", "product code");
	if (rc)
		return rc;
	*held = 0;
	/* the account's seats first: most accounts asked about hold none of
	 * the product, and then its state does not matter */
	al_seat_rows rs;
	al_key k;
	acct_prefix(&k, account);
	rc = al_seat_scan_rows(t, &k, al_seat_cb_acct, &rs);
	int checked = 0;
	for (size_t i = 0; !rc && !*held && i < rs.n; i++) {
		if (strcmp(rs.v[i].product, product))
			continue;
		if (!checked) {
			al_account_brief u;
			checked = 1;
			rc = al_account_brief_load(t, account, &u);
			if (rc || !state_may_hold(u.state))
				break; /* ACCT-4: an expired invitation grants nothing */
		}
		al_contract_product cp;
		rc = al_contract_product_load(t, rs.v[i].contract, product, &cp);
		if (rc == AUTOLIC_ENOTFOUND) {
			al_err_clear();
			rc = 0;
			continue;
		}
		if (!rc)
			*held =
			    al_contract_status_at(cp.start, cp.end, at) == AUTOLIC_CONTRACT_ACTIVE;
	}
	al_seat_rows_free(&rs);
	return rc;
}

int al_seat_release_all(al_txn *t, autolic_id account)
{
	al_seat_rows rs;
	al_key k;
	acct_prefix(&k, account);
	int rc = al_seat_scan_rows(t, &k, al_seat_cb_acct, &rs);
	for (size_t i = 0; !rc && i < rs.n; i++)
		rc = seat_remove(t, rs.v[i].contract, rs.v[i].product, account);
	al_seat_rows_free(&rs);
	return rc;
}

int al_seat_quantity_changed(al_txn *t, autolic_id contract, const char *code, int64_t quantity,
                             uint32_t *revoked)
{
	if (revoked)
		*revoked = 0;
	if (!contract)
		return al_err(AUTOLIC_EINVAL, "SEAT-2: contract id is 0");
	char product[AL_PRODUCT_CAP];
	int rc = al_product_norm(code, product, "SEAT-2", "product code");
	if (rc)
		return rc;
	if (quantity < 0 || quantity > (int64_t)UINT32_MAX) {
		al_name c;
		al_err(AUTOLIC_EINVAL,
		       "SEAT-2: seat quantity %lld of '%s' on contract %s is out of "
		       "range",
		       (long long)quantity, product, al_name_contract(contract, &c));
		al_err_contract(contract);
		al_err_product(product);
		return al_err_num("quantity", quantity);
	}
	uint64_t n;
	int exists;
	rc = count_get(t, contract, product, &n, &exists);
	if (!rc && !exists)
		rc = al_seat_count_put(t, contract, product, 0);
	if (rc || n <= (uint64_t)quantity)
		return rc;
	autolic_id team = 0;
	al_contract_product cp;
	rc = al_contract_product_load(t, contract, product, &cp);
	if (rc == 0)
		team = cp.team;
	else if (rc != AUTOLIC_ENOTFOUND)
		return rc; /* a storage failure is not "no contract" */
	al_err_clear();
	return fit(t, contract, product, team, (uint64_t)quantity, revoked);
}

/* ---- reports ---- */

struct autolic_seat_report {
	al_alloc a;
	autolic_seat_result *v;
	size_t n, cap;
};

static int report_add(autolic_seat_report *r, autolic_id user, const char *product, int action,
                      int status)
{
	autolic_seat_result *x = al_array_append(&r->a, &r->v, &r->n, &r->cap, sizeof(*r->v));
	if (!x)
		return AUTOLIC_ENOMEM;
	x->version = AUTOLIC_SEAT_RESULT_VERSION;
	x->user = user;
	snprintf(x->product, sizeof x->product, "%s", product);
	x->action = action;
	x->status = status;
	if (status)
		snprintf(x->message, sizeof x->message, "%s", autolic_errmsg());
	return 0;
}

static autolic_seat_report *report_new(autolic_db *db)
{
	const al_alloc *a = al_db_alloc(db);
	autolic_seat_report *r = al_malloc(a, sizeof(*r));
	if (r) {
		memset(r, 0, sizeof(*r));
		r->a = *a;
	}
	return r;
}

size_t autolic_seat_report_count(const autolic_seat_report *report)
{
	return report ? report->n : 0;
}

int autolic_seat_report_get(const autolic_seat_report *report, size_t i, autolic_seat_result *out)
{
	if (!report || !out)
		return al_err(AUTOLIC_EINVAL, "report and out are required");
	int rc = al_struct_check(AL_SEAT_RESULT, out->version);
	if (rc)
		return rc;
	if (i >= report->n)
		return al_err(AUTOLIC_EINVAL, "report item %zu is out of range (%zu items)", i,
		              report->n);
	return al_copy_out(out, &report->v[i], AL_SEAT_RESULT);
}

void autolic_seat_report_free(autolic_seat_report *report)
{
	if (!report)
		return;
	al_alloc a = report->a;
	al_free(&a, report->v);
	al_free(&a, report);
}

/* An item's refusal goes into the report and the call goes on, so that the
 * report covers every item; any other failure stops the call. */
static int item_error(int rc)
{
	return rc == AUTOLIC_ENOTFOUND || rc == AUTOLIC_EEXPIRED || rc == AUTOLIC_ESTATE ||
	       rc == AUTOLIC_EEXISTS || rc == AUTOLIC_ENOSEAT;
}

/* The first item's failure, kept whole (message and fields) to be the call's. */
typedef autolic_error_info first_error;

static void first_error_note(first_error *fe, int rc)
{
	if (!fe->code) {
		al_err_save(fe);
		fe->code = rc;
	}
}

/* The outcome once every item ran: the first item's refusal, if any. */
static int first_error_return(const first_error *fe)
{
	if (fe->code)
		return al_err_restore(fe);
	al_err_clear();
	return 0;
}

/* ---- public calls: argument checks ---- */

static int ids_check(autolic_db *db, autolic_id actor, autolic_id contract, autolic_id user)
{
	int rc = al_authz_call_check(db, actor);
	if (rc)
		return rc;
	if (!contract)
		return al_err(AUTOLIC_EINVAL, "contract id is 0");
	if (!user)
		return al_err(AUTOLIC_EINVAL, "user id is 0");
	return 0;
}

/* ---- grant and revoke ---- */

typedef struct one_args {
	autolic_id actor, contract, user;
	char product[AL_PRODUCT_CAP];
} one_args;

/* Check the ids and the product of a grant or a revoke of one seat, then run
 * `fn` on them in one transaction. */
static int run_one(autolic_db *db, autolic_id actor, autolic_id contract, const char *product,
                   autolic_id user, al_txn_fn fn)
{
	one_args o = {actor, contract, user, ""};
	int rc = ids_check(db, actor, contract, user);
	if (!rc)
		rc = al_product_norm(product, o.product, "SEAT-1", "product code");
	return rc ? rc : al_run(db, 1, fn, &o);
}

static int grant_fn(al_txn *t, void *arg)
{
	one_args *o = arg;
	al_contract_product cp;
	int rc =
	    al_contract_product_for_admin(t, o->contract, o->product, o->actor, "grant seats", &cp);
	if (!rc)
		rc = user_id_may_hold(t, o->user);
	if (!rc)
		rc = contract_may_grant(&cp, t->now);
	if (!rc)
		rc = grant_one(t, o->actor, &cp, o->user, AUTOLIC_SEAT_ORIGIN_GRANT, 1, NULL);
	return rc;
}

int autolic_seat_grant(autolic_db *db, autolic_id actor, autolic_id contract, const char *product,
                       autolic_id user)
{
	return run_one(db, actor, contract, product, user, grant_fn);
}

static int revoke_fn(al_txn *t, void *arg)
{
	one_args *o = arg;
	al_contract_product cp;
	al_seat_row cur;
	int rc = al_contract_product_for_admin(t, o->contract, o->product, o->actor, "revoke seats",
	                                       &cp);
	if (rc)
		return rc;
	rc = al_seat_get(t, o->contract, o->product, o->user, &cur);
	if (rc == AUTOLIC_ENOTFOUND) {
		/* does the account exist: its fixed fields suffice */
		al_account_brief u;
		rc = al_account_brief_load(t, o->user, &u);
		al_name who, c;
		if (!rc)
			rc = al_name_account(t, o->user, &who);
		if (!rc) {
			al_err(AUTOLIC_ENOTFOUND, "SEAT-1: %s holds no seat of '%s' on contract %s",
			       who.s, o->product, al_name_contract(o->contract, &c));
			al_err_account(o->user, &who);
			al_err_product(o->product);
			rc = al_err_contract(o->contract);
		}
	}
	if (!rc)
		rc = revoke_one(t, &cp, o->user, 1);
	return rc;
}

int autolic_seat_revoke(autolic_db *db, autolic_id actor, autolic_id contract, const char *product,
                        autolic_id user)
{
	return run_one(db, actor, contract, product, user, revoke_fn);
}

/* ---- edit access as a set ---- */

typedef struct set_args {
	autolic_id actor, contract, user;
	char (*products)[AL_PRODUCT_CAP]; /* normalised (SEAM-1) */
	size_t n;
	autolic_seat_report *report;
	int evaluated; /* the items were reached: the report is meaningful */
	first_error fe;
} set_args;

/* Grant products[i] for set_access / import; *action and item refusals
 * through the return code. */
static int try_grant(al_txn *t, autolic_id actor, autolic_id contract, const char *product,
                     const autolic_account_info *u, int origin, int notify, int *action)
{
	al_contract_product cp;
	int kept = 0;
	*action = AUTOLIC_SEAT_GRANT;
	int rc = al_contract_product_load(t, contract, product, &cp);
	if (!rc)
		rc = user_may_hold(u);
	if (!rc)
		rc = contract_may_grant(&cp, t->now);
	if (!rc)
		rc = grant_one(t, actor, &cp, u->id, origin, notify,
		               origin == AUTOLIC_SEAT_ORIGIN_IMPORT ? &kept : NULL);
	if (!rc && kept)
		*action = AUTOLIC_SEAT_KEEP;
	return rc;
}

static int set_access_fn(al_txn *t, void *arg)
{
	set_args *s = arg;
	s->report->n = 0;
	s->evaluated = 0;
	s->fe.code = 0;
	int rc = al_contract_require_user_admin(t, s->contract, s->actor, "edit users' access");
	autolic_account_info u;
	if (!rc)
		rc = al_account_load(t, s->user, &u);
	al_seat_rows held;
	al_key k;
	acct_prefix(&k, s->user);
	if (!rc)
		rc = al_seat_scan_rows(t, &k, al_seat_cb_acct, &held);
	if (rc)
		return rc;
	s->evaluated = 1;
	for (size_t i = 0; !rc && i < s->n; i++) {
		int has = 0;
		for (size_t j = 0; j < held.n && !has; j++)
			has = held.v[j].contract == s->contract &&
			      !strcmp(held.v[j].product, s->products[i]);
		int action = AUTOLIC_SEAT_KEEP, status = 0;
		if (!has) {
			status = try_grant(t, s->actor, s->contract, s->products[i], &u,
			                   AUTOLIC_SEAT_ORIGIN_ACCESS, 1, &action);
			if (status && !item_error(status)) {
				rc = status;
				break;
			}
			if (status)
				first_error_note(&s->fe, status);
		}
		rc = report_add(s->report, s->user, s->products[i], action, status);
	}
	for (size_t j = 0; !rc && j < held.n; j++) {
		if (held.v[j].contract != s->contract)
			continue;
		int listed = 0;
		for (size_t i = 0; i < s->n && !listed; i++)
			listed = !strcmp(held.v[j].product, s->products[i]);
		if (listed)
			continue;
		al_contract_product cp;
		rc = al_contract_product_load(t, s->contract, held.v[j].product, &cp);
		if (rc == AUTOLIC_ENOTFOUND) {
			/* the product left the contract: free the seat all the same */
			memset(&cp, 0, sizeof cp);
			cp.contract = s->contract;
			snprintf(cp.product, sizeof cp.product, "%s", held.v[j].product);
			rc = 0;
		}
		if (!rc)
			rc = revoke_one(t, &cp, s->user, 1);
		if (!rc)
			rc = report_add(s->report, s->user, held.v[j].product, AUTOLIC_SEAT_REVOKE,
			                0);
	}
	al_seat_rows_free(&held);
	return rc ? rc : first_error_return(&s->fe);
}

/* *out = the n codes normalised (SEAM-1), allocated (NULL when n is 0);
 * AUTOLIC_EINVAL naming `rule` and the bad code: its line (1-based) when
 * `lines`, else its index in products[]. */
static int codes_norm(autolic_db *db, const char *const *in, size_t n, const char *rule, int lines,
                      char (**out)[AL_PRODUCT_CAP])
{
	*out = NULL;
	if (!n)
		return 0;
	if (n > SIZE_MAX / AL_PRODUCT_CAP)
		return al_err(AUTOLIC_EINVAL, "%s: %zu products are too many for one call", rule,
		              n);
	char(*v)[AL_PRODUCT_CAP] = al_malloc(al_db_alloc(db), n * AL_PRODUCT_CAP);
	if (!v)
		return al_err(AUTOLIC_ENOMEM, "out of memory normalising %zu product codes", n);
	for (size_t i = 0; i < n; i++) {
		char field[48];
		if (lines)
			snprintf(field, sizeof field, "line %zu: product code", i + 1);
		else
			snprintf(field, sizeof field, "product code of products[%zu]", i);
		int rc = al_product_norm(in[i], v[i], rule, field);
		if (rc) {
			al_free(al_db_alloc(db), v);
			return rc;
		}
	}
	*out = v;
	return 0;
}

/* Run a set call and hand its report over when it is meaningful. */
static int run_with_report(autolic_db *db, al_txn_fn fn, set_args *s, autolic_seat_report **report)
{
	s->report = report_new(db);
	if (!s->report)
		return al_err(AUTOLIC_ENOMEM, "out of memory for the seat report");
	int rc = al_run(db, 1, fn, s);
	int keep = rc == 0 || (s->evaluated && rc == s->fe.code);
	if (report && keep)
		*report = s->report;
	else
		autolic_seat_report_free(s->report);
	return rc;
}

int autolic_seat_set_access(autolic_db *db, autolic_id actor, autolic_id contract, autolic_id user,
                            const char *const *products, size_t n, autolic_seat_report **report)
{
	if (report)
		*report = NULL;
	int rc = ids_check(db, actor, contract, user);
	if (rc)
		return rc;
	if (n && !products)
		return al_err(AUTOLIC_EINVAL, "products is NULL");
	if (n > SET_ACCESS_MAX)
		return al_err(AUTOLIC_EINVAL, "at most %d products per call, not %zu",
		              SET_ACCESS_MAX, n);
	set_args s = {.actor = actor, .contract = contract, .user = user, .n = n};
	rc = codes_norm(db, products, n, "SEAT-1", 0, &s.products);
	for (size_t i = 0; !rc && i < n; i++)
		for (size_t j = 0; !rc && j < i; j++)
			if (!strcmp(s.products[i], s.products[j]))
				rc = al_err(
				    AUTOLIC_EINVAL,
				    "SEAT-1 (SEAM-1): product '%s' is listed twice: products[%zu] "
				    "'%s' and products[%zu] '%s' are one product (codes compare "
				    "case-insensitively)",
				    s.products[i], j, products[j], i, products[i]);
	if (!rc)
		rc = run_with_report(db, set_access_fn, &s, report);
	al_free(al_db_alloc(db), s.products);
	return rc;
}

/* ---- import ---- */

typedef struct import_args {
	set_args s; /* first: run_with_report() sees the shared fields */
	const autolic_id *users;
} import_args;

static int import_fn(al_txn *t, void *arg)
{
	import_args *ia = arg;
	set_args *s = &ia->s;
	s->report->n = 0;
	s->evaluated = 0;
	s->fe.code = 0;
	int rc = al_contract_require_user_admin(t, s->contract, s->actor, "import seats");
	if (rc)
		return rc;
	s->evaluated = 1;
	for (size_t i = 0; !rc && i < s->n; i++) {
		autolic_account_info u;
		int action = AUTOLIC_SEAT_GRANT;
		int status = al_account_load(t, ia->users[i], &u);
		if (!status)
			status = try_grant(t, s->actor, s->contract, s->products[i], &u,
			                   AUTOLIC_SEAT_ORIGIN_IMPORT, 0, &action);
		if (status && !item_error(status))
			return status;
		if (status) {
			al_err_prefix("line %zu", i + 1);
			first_error_note(&s->fe, status);
		}
		rc = report_add(s->report, ia->users[i], s->products[i], action, status);
	}
	return rc ? rc : first_error_return(&s->fe);
}

int autolic_seat_import(autolic_db *db, autolic_id actor, autolic_id contract,
                        const autolic_id *users, const char *const *products, size_t n,
                        autolic_seat_report **report)
{
	if (report)
		*report = NULL;
	int rc = ids_check(db, actor, contract, 1);
	if (rc)
		return rc;
	if (!n || !users || !products)
		return al_err(AUTOLIC_EINVAL,
		              "ACCT-5: an import needs 1 or more lines of users and "
		              "products");
	for (size_t i = 0; i < n; i++)
		if (!users[i])
			return al_err(AUTOLIC_EINVAL, "ACCT-5: line %zu: user id is 0", i + 1);
	import_args ia = {.s = {.actor = actor, .contract = contract, .n = n}, .users = users};
	rc = codes_norm(db, products, n, "ACCT-5", 1, &ia.s.products);
	if (!rc)
		rc = run_with_report(db, import_fn, &ia.s, report);
	al_free(al_db_alloc(db), ia.s.products);
	return rc;
}

/* ---- reads ---- */

struct autolic_seat_iter {
	al_snap s; /* of autolic_seat_entry */
};

struct autolic_seat_summary_iter {
	al_snap s; /* of autolic_seat_summary */
};

static void summary_fill(autolic_seat_summary *s, const al_contract_product *cp, uint64_t granted)
{
	memset(s, 0, sizeof(*s));
	s->version = AUTOLIC_SEAT_SUMMARY_VERSION;
	s->contract = cp->contract;
	s->team = cp->team;
	snprintf(s->product, sizeof s->product, "%s", cp->product);
	s->quantity = cp->quantity;
	s->granted = granted > UINT32_MAX ? UINT32_MAX : (uint32_t)granted;
	s->available = s->granted < s->quantity ? s->quantity - s->granted : 0;
	s->start = cp->start;
	s->end = cp->end;
	s->active = cp->active;
}

typedef struct summary_args {
	autolic_id contract;
	char product[AL_PRODUCT_CAP];
	autolic_seat_summary out;
} summary_args;

static int summary_fn(al_txn *t, void *arg)
{
	summary_args *sa = arg;
	al_contract_product cp;
	uint64_t n;
	int rc = al_contract_product_load(t, sa->contract, sa->product, &cp);
	if (!rc)
		rc = count_get(t, sa->contract, sa->product, &n, NULL);
	if (!rc)
		rc = al_seat_count_fits(&cp, n);
	if (!rc)
		summary_fill(&sa->out, &cp, n);
	return rc;
}

int autolic_seat_summary_get(autolic_db *db, autolic_id contract, const char *product,
                             autolic_seat_summary *out)
{
	if (!db || !out || !contract)
		return al_err(AUTOLIC_EINVAL, "db, contract and out are required");
	summary_args sa = {contract, "", {0}};
	int rc = al_struct_check(AL_SEAT_SUMMARY, out->version);
	if (!rc)
		rc = al_product_norm(product, sa.product, "SEAT-2", "product code");
	if (rc)
		return rc;
	rc = al_run(db, 0, summary_fn, &sa);
	return rc ? rc : al_copy_out(out, &sa.out, AL_SEAT_SUMMARY);
}

typedef struct list_args {
	autolic_id user, contract;
	char product[AL_PRODUCT_CAP];
} list_args;

static int entry_add(al_snap_fill *f, const al_seat_row *r, int active)
{
	autolic_seat_entry *e = al_array_append(f->a, &f->v, &f->n, &f->cap, sizeof(*e));
	if (!e)
		return AUTOLIC_ENOMEM;
	e->version = AUTOLIC_SEAT_ENTRY_VERSION;
	e->contract = r->contract;
	memcpy(e->product, r->product, sizeof e->product);
	e->user = r->user;
	e->granted_at = r->at;
	e->granted_by = r->by;
	e->origin = r->origin;
	e->active = active;
	return 0;
}

static int user_products_fn(al_txn *t, void *arg)
{
	al_snap_fill *f = arg;
	const list_args *la = f->ctx;
	al_snap_fill_reset(f);
	al_account_brief u; /* only that the account exists */
	int rc = al_account_brief_load(t, la->user, &u);
	al_seat_rows rs;
	al_key k;
	acct_prefix(&k, la->user);
	if (!rc)
		rc = al_seat_scan_rows(t, &k, al_seat_cb_acct, &rs);
	if (rc)
		return rc;
	for (size_t i = 0; !rc && i < rs.n; i++) {
		al_seat_row r;
		al_contract_product cp;
		rc = al_seat_get(t, rs.v[i].contract, rs.v[i].product, la->user, &r);
		if (rc == AUTOLIC_ENOTFOUND)
			rc = al_err(AUTOLIC_ECORRUPT, "seat index of account %llu is inconsistent",
			            (unsigned long long)la->user);
		if (rc)
			break;
		int active = 0;
		rc = al_contract_product_load(t, r.contract, r.product, &cp);
		if (!rc)
			active = cp.active;
		else if (rc == AUTOLIC_ENOTFOUND)
			rc = 0;
		if (!rc)
			rc = entry_add(f, &r, active);
	}
	al_seat_rows_free(&rs);
	if (!rc)
		al_err_clear();
	return rc;
}

static int product_users_fn(al_txn *t, void *arg)
{
	al_snap_fill *f = arg;
	const list_args *la = f->ctx;
	al_snap_fill_reset(f);
	al_contract_product cp;
	int rc = al_contract_product_load(t, la->contract, la->product, &cp);
	al_seat_rows rs;
	al_key k;
	al_seat_prefix(&k, la->contract, la->product);
	if (!rc)
		rc = al_seat_scan_rows(t, &k, al_seat_cb_seat, &rs);
	if (rc)
		return rc;
	if (rs.n > 1)
		qsort(rs.v, rs.n, sizeof(*rs.v), by_gid_asc);
	for (size_t i = 0; !rc && i < rs.n; i++)
		rc = entry_add(f, &rs.v[i], cp.active);
	al_seat_rows_free(&rs);
	return rc;
}

static int run_list(autolic_db *db, al_txn_fn fn, list_args *la, autolic_seat_iter **out)
{
	al_snap_spec spec = {.ctx = la, .fill = fn, .size = sizeof(autolic_seat_iter)};
	return al_snap_open(db, &spec, (void **)out);
}

int autolic_seat_user_products(autolic_db *db, autolic_id user, autolic_seat_iter **out)
{
	if (out)
		*out = NULL;
	if (!db || !out || !user)
		return al_err(AUTOLIC_EINVAL, "db, user and out are required");
	list_args la = {user, 0, ""};
	return run_list(db, user_products_fn, &la, out);
}

int autolic_seat_product_users(autolic_db *db, autolic_id contract, const char *product,
                               autolic_seat_iter **out)
{
	if (out)
		*out = NULL;
	if (!db || !out || !contract)
		return al_err(AUTOLIC_EINVAL, "db, contract and out are required");
	list_args la = {0, contract, ""};
	int rc = al_product_norm(product, la.product, "SEAT-2", "product code");
	if (rc)
		return rc;
	return run_list(db, product_users_fn, &la, out);
}

AL_SNAP_ITER_FNS(autolic_seat_iter, autolic_seat_iter, autolic_seat_entry, AL_SEAT_ENTRY,
                 "iterator and out are required")

static int contract_summary_fn(al_txn *t, void *arg)
{
	al_snap_fill *f = arg; /* key: the contract */
	al_snap_fill_reset(f);
	al_seat_rows rs;
	al_key k;
	count_prefix(&k, f->key);
	int rc = al_seat_scan_rows(t, &k, al_seat_cb_count, &rs);
	if (rc)
		return rc;
	if (rs.n == 0) {
		al_name c;
		al_err(AUTOLIC_ENOTFOUND, "SEAT-2: contract %s is unknown to seats",
		       al_name_contract(f->key, &c));
		rc = al_err_contract(f->key);
	}
	for (size_t i = 0; !rc && i < rs.n; i++) {
		al_contract_product cp;
		rc = al_contract_product_load(t, f->key, rs.v[i].product, &cp);
		if (rc == AUTOLIC_ENOTFOUND) {
			/* the product left the contract: show its grants against 0 seats */
			memset(&cp, 0, sizeof cp);
			cp.contract = f->key;
			memcpy(cp.product, rs.v[i].product, sizeof rs.v[i].product);
			rc = 0;
		} else if (!rc) {
			rc = al_seat_count_fits(&cp, rs.v[i].gid);
		}
		autolic_seat_summary *sum = NULL;
		if (!rc && !(sum = al_array_append(f->a, &f->v, &f->n, &f->cap, sizeof(*sum))))
			rc = AUTOLIC_ENOMEM;
		if (!rc)
			summary_fill(sum, &cp, rs.v[i].gid);
	}
	al_seat_rows_free(&rs);
	if (!rc)
		al_err_clear();
	return rc;
}

int autolic_seat_contract_summary(autolic_db *db, autolic_id contract,
                                  autolic_seat_summary_iter **out)
{
	if (out)
		*out = NULL;
	if (!db || !out || !contract)
		return al_err(AUTOLIC_EINVAL, "db, contract and out are required");
	return al_snap_new(db, contract, contract_summary_fn, sizeof(autolic_seat_summary_iter),
	                   (void **)out);
}

AL_SNAP_ITER_FNS(autolic_seat_summary_iter, autolic_seat_summary_iter, autolic_seat_summary,
                 AL_SEAT_SUMMARY, "iterator and out are required")
