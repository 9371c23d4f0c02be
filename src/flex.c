/*
 * Flex tokens (FLEX-1..FLEX-13): the pure rules, the records, and every call
 * that changes tokens. Reports and the invariant check: src/flex_report.c.
 * The metering model is explained in docs/metering.md.
 */
#include "flex_internal.h"

#include "account.h"
#include "idlist.h"
#include "seat.h"
#include "team.h"
#include "core/text.h"
#include "core/timecalc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WINDOW AUTOLIC_FLEX_WINDOW_SECONDS

/* ================================================================== */
/* Pure rules                                                          */
/* ================================================================== */

int al_flex_lot_cmp(const al_flex_lot *a, const al_flex_lot *b)
{
	if (a->expires != b->expires)
		return a->expires < b->expires ? -1 : 1;
	if (a->remaining != b->remaining)
		return a->remaining < b->remaining ? -1 : 1;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return 0;
}

static int lot_qcmp(const void *a, const void *b)
{
	return al_flex_lot_cmp(a, b);
}

void al_flex_lot_sort(al_flex_lot *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof(*v), lot_qcmp);
}

int al_flex_lot_usable(const al_flex_lot *l, autolic_time at)
{
	return l->purchased <= at && at < l->expires && l->remaining > 0;
}

int64_t al_flex_usable(const al_flex_lot *v, size_t n, autolic_time at)
{
	int64_t sum = 0;
	for (size_t i = 0; i < n; i++)
		if (al_flex_lot_usable(&v[i], at))
			sum += v[i].remaining;
	return sum;
}

int64_t al_flex_allocate(al_flex_lot *v, size_t n, autolic_time at, int64_t amount,
                         al_flex_draw *out, size_t *nout)
{
	al_flex_lot_sort(v, n);
	*nout = 0;
	for (size_t i = 0; i < n && amount > 0; i++) {
		if (!al_flex_lot_usable(&v[i], at))
			continue;
		int64_t take = v[i].remaining < amount ? v[i].remaining : amount;
		v[i].remaining -= take;
		amount -= take;
		out[*nout].lot = v[i].id;
		out[*nout].amount = take;
		(*nout)++;
	}
	return amount;
}

void al_flex_step(const al_flex_input *in, al_flex_plan *p)
{
	memset(p, 0, sizeof(*p));
	if (in->kind == AUTOLIC_FLEX_LAUNCH) {
		p->new_state = AL_FS_ACTIVE;
		if (in->win.exists && in->at >= in->win.start && in->at < in->win.end) {
			p->join = 1; /* FLEX-3: relaunch inside an open window is free */
			return;
		}
		if (in->later) {
			p->rc = AUTOLIC_ESTATE;
			p->why =
			    "FLEX-3: this launch falls before the latest window of this user and "
			    "product and inside none; windows are opened in time order";
			return;
		}
		p->open = AL_FO_LAUNCH;
		p->first = in->at;
		p->n_open = 1;
		return;
	}
	if (in->state == AL_FS_CLOSED) {
		p->rc = AUTOLIC_ESTATE;
		p->why = "FLEX-3: the session is already closed";
		return;
	}
	if (in->state == AL_FS_ENDED && in->kind != AUTOLIC_FLEX_CLOSE) {
		p->rc = AUTOLIC_ESTATE;
		p->why = "FLEX-5: the session was ended because a window could not be paid; "
		         "launch again";
		return;
	}
	if (in->at < in->last) {
		p->rc = AUTOLIC_ESTATE;
		p->why =
		    "FLEX-3: out of order: the report is earlier than the session's last report";
		return;
	}
	if (in->state == AL_FS_ENDED) {
		p->new_state = AL_FS_CLOSED; /* the host acknowledges the end */
		return;
	}
	p->new_state = in->kind == AUTOLIC_FLEX_ACTIVITY ? AL_FS_ACTIVE
	               : in->kind == AUTOLIC_FLEX_IDLE   ? AL_FS_IDLE
	                                                 : AL_FS_CLOSED;
	if (in->state == AL_FS_ACTIVE) {
		/* In use from `last` up to `at`: crossing a window's end opens the next
		 * one at that very end, as often as needed. */
		if (in->win.exists && in->at >= in->win.end) {
			p->open = AL_FO_ROLLOVER;
			p->first = in->win.end;
			p->n_open = (uint64_t)((in->at - in->win.end) / WINDOW) + 1;
		} else if (!in->win.exists && in->kind != AUTOLIC_FLEX_CLOSE) {
			p->open = AL_FO_RESUME;
			p->first = in->at;
			p->n_open = 1;
		}
	} else if (in->kind == AUTOLIC_FLEX_ACTIVITY &&
	           (!in->win.exists || in->at >= in->win.end)) {
		/* idle time is not use: the next window opens when use resumes */
		p->open = AL_FO_RESUME;
		p->first = in->at;
		p->n_open = 1;
	}
	if (in->kind == AUTOLIC_FLEX_CLOSE && p->open == AL_FO_NONE && in->own.exists &&
	    in->own.opener == in->session &&
	    in->at - in->own.opener_launch <= AUTOLIC_FLEX_REFUND_SECONDS && in->others_open == 0)
		p->refund = 1; /* FLEX-4 */
}

/* ================================================================== */
/* Argument checks                                                      */
/* ================================================================== */

static int check_subscription(const char *s)
{
	return al_text_check(s, AUTOLIC_FLEX_SUBSCRIPTION_MAX, AL_TEXT_REQUIRED | AL_TEXT_NO_SPACE,
	                     "FLEX-1", "token subscription ID");
}

static int check_db_team(autolic_db *db, autolic_id team)
{
	if (!db)
		return al_err(AUTOLIC_EINVAL, "db is NULL");
	if (!team)
		return al_err(AUTOLIC_EINVAL, "team id 0 is not valid");
	return 0;
}

/* Validate and normalise a product list (no repeats, SEAM-1). */
static int norm_list(const char *const *in, size_t n, char (*out)[AL_PRODUCT_CAP])
{
	if (n > AUTOLIC_FLEX_LIST_MAX)
		return al_err(AUTOLIC_EINVAL, "FLEX-7: at most %d products in a list, not %zu",
		              AUTOLIC_FLEX_LIST_MAX, n);
	if (n && !in)
		return al_err(AUTOLIC_EINVAL, "FLEX-7: product list is NULL");
	for (size_t i = 0; i < n; i++) {
		char field[48];
		snprintf(field, sizeof field, "product code of products[%zu]", i);
		int rc = al_product_norm(in[i], out[i], "FLEX-7", field);
		if (rc)
			return rc;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(out[i], out[j]))
				return al_err(
				    AUTOLIC_EINVAL,
				    "FLEX-7 (SEAM-1): product '%s' is listed twice: "
				    "products[%zu] '%s' and products[%zu] '%s' are one product "
				    "(codes compare case-insensitively)",
				    out[i], j, in[j], i, in[i]);
	}
	return 0;
}

/* ================================================================== */
/* Records                                                              */
/* ================================================================== */

static int put_empty(al_txn *t, const al_key *k)
{
	return al_txn_put_raw(t, k, "", 0);
}

int al_flex_ids_push(al_flex_ids *v, autolic_id id)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 16;
		autolic_id *p = al_realloc(v->a, v->v, cap * sizeof(*p));
		if (!p)
			return al_err(AUTOLIC_ENOMEM, "out of memory listing Flex records");
		v->v = p;
		v->cap = cap;
	}
	v->v[v->n++] = id;
	return 0;
}

void al_flex_ids_free(al_flex_ids *v)
{
	al_free(v->a, v->v);
	v->v = NULL;
	v->n = v->cap = 0;
}

/* Scan callback: the last 8 bytes of each key are an id. */
int al_flex_collect_cb(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	(void)val;
	(void)vlen;
	return al_flex_ids_push(arg, al_key_get_u64(key, klen - 8));
}

/* ---- catalogue ---- */

static void product_key(al_key *k, const char *code)
{
	al_key_init(k, AL_K_FLEX_PRODUCT);
	al_key_str(k, code);
}

int al_flex_product_load(al_txn *t, const char *code, autolic_flex_product_info *p)
{
	al_key k;
	al_buf b;
	al_rd r;
	product_key(&k, code);
	al_buf_init(&b, t->a);
	int rc = al_txn_get_rec(t, &k, AL_K_FLEX_PRODUCT, &b, &r,
	                        "FLEX-3: product '%s' is not in the Flex catalogue", code);
	if (!rc) {
		al_dec_str(&r, p->code, sizeof p->code);
		al_dec_str(&r, p->name, sizeof p->name);
		p->added = al_dec_i64(&r);
		p->rate = al_dec_i64(&r);
		p->rate_since = al_dec_i64(&r);
		rc = al_rd_done(&r);
	}
	al_buf_free(&b);
	return rc;
}

static int product_store(al_txn *t, const autolic_flex_product_info *p)
{
	al_key k;
	al_buf b;
	al_buf_init(&b, t->a);
	al_rec_begin(&b, AL_K_FLEX_PRODUCT);
	al_enc_str(&b, p->code);
	al_enc_str(&b, p->name);
	al_enc_i64(&b, p->added);
	al_enc_i64(&b, p->rate);
	al_enc_i64(&b, p->rate_since);
	product_key(&k, p->code);
	int rc = al_txn_put(t, &k, &b);
	if (!rc) {
		al_rec_begin(&b, AL_K_FLEX_RATE);
		al_enc_i64(&b, p->rate);
		al_key_init(&k, AL_K_FLEX_RATE);
		al_key_str(&k, p->code);
		al_key_i64(&k, p->rate_since);
		rc = al_txn_put(t, &k, &b);
	}
	al_buf_free(&b);
	return rc;
}

typedef struct {
	int64_t rate;
	int found;
} rate_scan;

static int rate_cb(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	(void)key;
	(void)klen;
	rate_scan *rs = arg;
	al_rd r;
	int rc = al_rec_open(&r, val, vlen, AL_K_FLEX_RATE);
	if (rc)
		return rc;
	rs->rate = al_dec_i64(&r);
	rs->found = 1;
	return al_rd_done(&r);
}

static int first_cb(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	int rc = rate_cb(key, klen, val, vlen, arg);
	return rc ? rc : 1; /* stop after the first */
}

/* FLEX-3: the rate in effect at `at` (windows opened before the product's
 * first rate use that first rate). */
static int rate_at(al_txn *t, const char *code, autolic_time at, int64_t *rate)
{
	al_key s, e;
	rate_scan rs = {0, 0};
	al_key_init(&s, AL_K_FLEX_RATE);
	al_key_str(&s, code);
	e = s;
	al_key_i64(&e, at == INT64_MAX ? at : at + 1);
	int rc = al_txn_scan(t, &s, &e, rate_cb, &rs);
	if (!rc && !rs.found) {
		rc = al_txn_scan_prefix(t, &s, first_cb, &rs);
		if (rc == 1)
			rc = 0;
	}
	if (!rc && !rs.found)
		rc = al_err(AUTOLIC_ECORRUPT, "FLEX-3: product '%s' has no rate", code);
	*rate = rs.rate;
	return rc;
}

/* ---- team state ---- */

static void team_key(al_key *k, autolic_id team)
{
	al_key_init(k, AL_K_FLEX_TEAM);
	al_key_u64(k, team);
}

/* A team record of format 1 (libautolic 1.0.0) has no sums, and its lots
 * have no live index: both follow from the lots whose expiry is not
 * recorded. In a write call the index is written at once, so that a charge
 * in the same call reads it, and the record is written in format 2 when the
 * call stores it; a read call only derives the sums (tf->unindexed). */
static int team_upgrade(al_txn *t, al_flex_team *tf)
{
	al_flex_lotrec *v;
	size_t n;
	int rc = al_flex_lots_of(t, tf->id, 0, &v, &n);
	for (size_t i = 0; !rc && i < n; i++) {
		tf->left += v[i].remaining;
		tf->bought += v[i].quantity;
		if (v[i].expires < tf->next_expiry)
			tf->next_expiry = v[i].expires;
		if (t->write && v[i].remaining > 0) {
			al_key k;
			al_flex_live_key(&k, tf->id, v[i].expires, v[i].id);
			rc = put_empty(t, &k);
		}
	}
	al_free(t->a, v);
	tf->unindexed = !t->write;
	return rc;
}

int al_flex_team_load(al_txn *t, autolic_id team, al_flex_team *tf)
{
	tf->id = team;
	tf->overage_limit = tf->owed = tf->left = tf->bought = 0;
	tf->low_threshold = -1;
	tf->low = 0;
	tf->n_defaults = 0;
	tf->next_expiry = INT64_MAX;
	tf->horizon = AUTOLIC_FLEX_HORIZON_DEFAULT;
	tf->last_expired = INT64_MIN;
	tf->as_loaded.stored = 0;
	tf->unindexed = 0;
	al_key k;
	al_buf b;
	al_rd r;
	team_key(&k, team);
	al_buf_init(&b, t->a);
	int rc = al_txn_get_rec(t, &k, AL_K_FLEX_TEAM, &b, &r, NULL);
	if (rc == AUTOLIC_ENOTFOUND) {
		/* no Flex state yet: the defaults, if the team exists (teams are
		 * never deleted, so a team with a Flex record exists) */
		rc = al_team_check(t, team);
	} else if (!rc) {
		tf->overage_limit = al_dec_i64(&r);
		tf->low_threshold = al_dec_i64(&r);
		tf->owed = al_dec_i64(&r);
		tf->low = al_dec_bool(&r, "low-balance flag");
		uint32_t n = al_dec_count(&r, AUTOLIC_FLEX_LIST_MAX, 2, "default product count");
		for (uint32_t i = 0; i < n && i < AUTOLIC_FLEX_LIST_MAX; i++)
			al_dec_str(&r, tf->defaults[i], sizeof tf->defaults[i]);
		tf->n_defaults = n <= AUTOLIC_FLEX_LIST_MAX ? n : 0;
		if (r.version >= AL_REC_V2) {
			tf->left = al_dec_i64(&r);
			tf->bought = al_dec_i64(&r);
			tf->next_expiry = al_dec_i64(&r);
		}
		if (r.version >= AL_REC_V3) {
			tf->horizon = al_dec_i64(&r);
			tf->last_expired = al_dec_i64(&r);
		}
		rc = al_rd_done(&r);
		/* a format 1 record is written again, in format 2, by the call */
		tf->as_loaded.stored = r.version >= AL_REC_V2;
		if (!rc &&
		    (tf->overage_limit < 0 || tf->overage_limit > AUTOLIC_FLEX_LOT_QUANTITY_MAX ||
		     tf->low_threshold < -1 || tf->low_threshold > AUTOLIC_FLEX_LOT_QUANTITY_MAX ||
		     tf->owed < 0 || tf->owed > AUTOLIC_FLEX_LOT_QUANTITY_MAX || tf->left < 0 ||
		     tf->bought < 0 || tf->horizon < 0 ||
		     tf->horizon > AUTOLIC_FLEX_HORIZON_MAX))
			rc = al_err(AUTOLIC_ECORRUPT,
			            "FLEX-5: team %llu Flex record is out of range",
			            (unsigned long long)team);
		if (!rc && r.version < AL_REC_V2)
			rc = team_upgrade(t, tf);
		/* before format 3 the latest recorded expiry was not kept: every
		 * recorded expiry was due when recorded and precedes every lot
		 * still unrecorded */
		if (!rc && r.version < AL_REC_V3)
			tf->last_expired =
			    tf->next_expiry - 1 < t->now ? tf->next_expiry - 1 : t->now;
	}
	al_buf_free(&b);
	tf->as_loaded.overage_limit = tf->overage_limit;
	tf->as_loaded.low_threshold = tf->low_threshold;
	tf->as_loaded.owed = tf->owed;
	tf->as_loaded.left = tf->left;
	tf->as_loaded.bought = tf->bought;
	tf->as_loaded.next_expiry = tf->next_expiry;
	tf->as_loaded.horizon = tf->horizon;
	tf->as_loaded.last_expired = tf->last_expired;
	tf->as_loaded.low = tf->low;
	tf->as_loaded.n_defaults = tf->n_defaults;
	return rc;
}

int al_flex_team_store(al_txn *t, const al_flex_team *tf)
{
	al_key k;
	al_buf b;
	al_buf_init(&b, t->a);
	al_rec_begin_v(&b, AL_K_FLEX_TEAM, AL_REC_V3);
	al_enc_i64(&b, tf->overage_limit);
	al_enc_i64(&b, tf->low_threshold);
	al_enc_i64(&b, tf->owed);
	al_enc_u8(&b, (uint8_t)tf->low);
	al_enc_u32(&b, (uint32_t)tf->n_defaults);
	for (size_t i = 0; i < tf->n_defaults; i++)
		al_enc_str(&b, tf->defaults[i]);
	al_enc_i64(&b, tf->left);
	al_enc_i64(&b, tf->bought);
	al_enc_i64(&b, tf->next_expiry);
	al_enc_i64(&b, tf->horizon);
	al_enc_i64(&b, tf->last_expired);
	team_key(&k, tf->id);
	int rc = al_txn_put(t, &k, &b);
	al_buf_free(&b);
	return rc;
}

/* ---- lots ---- */

static void lot_key(al_key *k, autolic_id id)
{
	al_key_init(k, AL_K_FLEX_LOT);
	al_key_u64(k, id);
}

static void team_lot_key(al_key *k, autolic_id team, autolic_time expires, autolic_id lot)
{
	al_key_init(k, AL_K_FLEX_TEAM_LOT);
	al_key_u64(k, team);
	al_key_i64(k, expires);
	al_key_u64(k, lot);
}

void al_flex_live_key(al_key *k, autolic_id team, autolic_time expires, autolic_id lot)
{
	al_key_init(k, AL_K_FLEX_TEAM_LIVE);
	al_key_u64(k, team);
	al_key_i64(k, expires);
	al_key_u64(k, lot);
}

static void team_old_key(al_key *k, autolic_id team, autolic_id lot)
{
	al_key_init(k, AL_K_FLEX_TEAM_OLD);
	al_key_u64(k, team);
	al_key_u64(k, lot);
}

int al_flex_lot_load(al_txn *t, autolic_id id, al_flex_lotrec *l)
{
	al_key k;
	al_buf b;
	al_rd r;
	lot_key(&k, id);
	al_buf_init(&b, t->a);
	int rc = al_txn_get_rec(t, &k, AL_K_FLEX_LOT, &b, &r, "FLEX-1: lot %llu does not exist",
	                        (unsigned long long)id);
	if (!rc) {
		l->id = al_dec_u64(&r);
		l->team = al_dec_u64(&r);
		al_dec_str(&r, l->subscription, sizeof l->subscription);
		l->quantity = al_dec_i64(&r);
		l->remaining = al_dec_i64(&r);
		l->purchased = al_dec_i64(&r);
		l->expires = al_dec_i64(&r);
		l->expired = al_dec_bool(&r, "expired flag");
		l->forfeited = r.version >= AL_REC_V3 ? al_dec_i64(&r) : 0;
		l->forfeit_known = r.version >= AL_REC_V3;
		l->credited = r.version >= AL_REC_V3 ? al_dec_i64(&r) : INT64_MIN;
		l->cap = 0;
		rc = al_rd_done(&r);
		if (!rc && (l->quantity < 1 || l->quantity > AUTOLIC_FLEX_LOT_QUANTITY_MAX ||
		            l->remaining < 0 || l->remaining > 2 * AUTOLIC_FLEX_LOT_QUANTITY_MAX ||
		            l->forfeited < 0))
			rc = al_err(AUTOLIC_ECORRUPT,
			            "FLEX-1: lot %llu record holds %lld of %lld tokens",
			            (unsigned long long)id, (long long)l->remaining,
			            (long long)l->quantity);
	}
	al_buf_free(&b);
	return rc;
}

static int lot_store(al_txn *t, const al_flex_lotrec *l)
{
	al_key k;
	al_buf b;
	al_buf_init(&b, t->a);
	/* format 3 only for a lot that forfeited something or was credited
	 * after its purchase (SEAM-4) */
	int v3 = l->expired || l->forfeited || l->credited != INT64_MIN;
	al_rec_begin_v(&b, AL_K_FLEX_LOT, v3 ? AL_REC_V3 : AL_REC_V1);
	al_enc_u64(&b, l->id);
	al_enc_u64(&b, l->team);
	al_enc_str(&b, l->subscription);
	al_enc_i64(&b, l->quantity);
	al_enc_i64(&b, l->remaining);
	al_enc_i64(&b, l->purchased);
	al_enc_i64(&b, l->expires);
	al_enc_u8(&b, (uint8_t)l->expired);
	if (v3) {
		al_enc_i64(&b, l->forfeited);
		al_enc_i64(&b, l->credited);
	}
	lot_key(&k, l->id);
	int rc = al_txn_put(t, &k, &b);
	al_buf_free(&b);
	return rc;
}

/* Store a lot whose remaining tokens changed from `before`, its team and
 * expiry state unchanged: the team's sums and the live index follow. The lot
 * is tf's team's or, for a refund to a lot that moved away meanwhile
 * (FLEX-9), another team's, whose record is updated here. */
static int lot_save(al_txn *t, al_flex_team *tf, const al_flex_lotrec *l, int64_t before)
{
	int counted = !l->expired && l->remaining != before; /* an expired lot is in neither
	                                                        the sums nor the live index */
	al_flex_team other, *owner = tf;
	int rc = 0;
	if (counted && l->team != tf->id) {
		/* loaded before the lot is stored: a format 1 record derives its sums
		 * from the lots as they were */
		rc = al_flex_team_load(t, l->team, &other);
		owner = &other;
	}
	if (!rc)
		rc = lot_store(t, l);
	if (rc || !counted)
		return rc;
	owner->left += l->remaining - before;
	if (owner == &other)
		rc = al_flex_team_store(t, &other);
	if (!rc && (before > 0) != (l->remaining > 0)) {
		al_key k;
		al_flex_live_key(&k, l->team, l->expires, l->id);
		rc = l->remaining > 0 ? put_empty(t, &k) : al_txn_del(t, &k);
	}
	return rc;
}

/* Load the team's lots whose expiry is not recorded yet (old = 0) or whose
 * expiry is recorded (old = 1), as an allocated array. */
int al_flex_lots_of(al_txn *t, autolic_id team, int old, al_flex_lotrec **out, size_t *n)
{
	al_flex_ids ids = {NULL, 0, 0, t->a};
	al_key k;
	al_key_init(&k, old ? AL_K_FLEX_TEAM_OLD : AL_K_FLEX_TEAM_LOT);
	al_key_u64(&k, team);
	*out = NULL;
	*n = 0;
	int rc = al_txn_scan_prefix(t, &k, al_flex_collect_cb, &ids);
	if (!rc && ids.n) {
		*out = al_calloc(t->a, ids.n, sizeof(**out));
		if (!*out)
			rc = al_err(AUTOLIC_ENOMEM, "out of memory loading lots");
	}
	for (size_t i = 0; !rc && i < ids.n; i++)
		rc = al_flex_lot_load(t, ids.v[i], &(*out)[i]);
	if (rc) {
		al_free(t->a, *out);
		*out = NULL;
	} else {
		*n = ids.n;
	}
	al_flex_ids_free(&ids);
	return rc;
}

/* ---- ledger ---- */

int al_flex_ledger_add(al_txn *t, autolic_id team, int type, autolic_time when, autolic_id lot,
                       int64_t amount, autolic_id account, autolic_id window, const char *product,
                       const char *subscription)
{
	autolic_id seq;
	int rc = al_txn_seq_next(t, "flex.ledger", &seq);
	if (rc)
		return rc;
	al_key k;
	al_buf b;
	al_buf_init(&b, t->a);
	al_rec_begin(&b, AL_K_FLEX_LEDGER);
	al_enc_u8(&b, (uint8_t)type);
	al_enc_i64(&b, when);
	al_enc_i64(&b, t->now);
	al_enc_u64(&b, lot);
	al_enc_i64(&b, amount);
	al_enc_u64(&b, account);
	al_enc_u64(&b, window);
	al_enc_str(&b, product ? product : "");
	al_enc_str(&b, subscription ? subscription : "");
	al_key_init(&k, AL_K_FLEX_LEDGER);
	al_key_u64(&k, team);
	al_key_u64(&k, seq);
	rc = al_txn_put(t, &k, &b);
	if (!rc && lot) {
		/* SEAM-4: the lot's entries by team and time, for lot_cap() */
		al_buf_reset(&b);
		al_rec_begin(&b, AL_K_FLEX_LOT);
		al_enc_i64(&b, amount);
		al_flex_lot_entry_key(&k, lot, team, when, seq);
		rc = al_txn_put(t, &k, &b);
	}
	al_buf_free(&b);
	return rc;
}

void al_flex_lot_entry_key(al_key *k, autolic_id lot, autolic_id team, autolic_time when,
                           uint64_t seq)
{
	al_key_init(k, AL_K_FLEX_LOT);
	al_key_u64(k, lot);
	al_key_u64(k, team);
	al_key_i64(k, when);
	al_key_u64(k, seq);
}

int al_flex_entry_decode(const void *key, size_t klen, const void *val, size_t vlen,
                         autolic_flex_entry *e)
{
	al_rd r;
	int rc = al_rec_open(&r, val, vlen, AL_K_FLEX_LEDGER);
	if (rc)
		return rc;
	e->team = al_key_get_u64(key, 1);
	e->seq = al_key_get_u64(key, klen - 8);
	e->type = al_dec_enum(&r, AUTOLIC_FLEX_PURCHASE, AUTOLIC_FLEX_ADJUST, "entry type");
	e->time = al_dec_i64(&r);
	e->recorded = al_dec_i64(&r);
	e->lot = al_dec_u64(&r);
	e->amount = al_dec_i64(&r);
	e->account = al_dec_u64(&r);
	e->window = al_dec_u64(&r);
	al_dec_str(&r, e->product, sizeof e->product);
	al_dec_str(&r, e->subscription, sizeof e->subscription);
	return al_rd_done(&r);
}

/* ---- FLEX-1: expiry ---- */

/* The lots of the expiry index due at `now`, and the first expiry after it. */
typedef struct {
	al_flex_ids ids;
	autolic_time now, next;
} due_scan;

static int due_cb(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	due_scan *d = arg;
	autolic_time expires = al_key_get_i64(key, 9);
	if (expires > d->now) {
		d->next = expires;
		return 1;
	}
	return al_flex_collect_cb(key, klen, val, vlen, &d->ids);
}

int al_flex_expire_due(al_txn *t, al_flex_team *tf, autolic_time upto, size_t *count)
{
	if (count)
		*count = 0;
	if (upto > t->now)
		upto = t->now; /* nothing after now is due */
	if (upto < tf->next_expiry)
		return 0; /* no lot of the team expires before next_expiry */
	autolic_id team = tf->id;
	due_scan d = {{NULL, 0, 0, t->a}, upto, INT64_MAX};
	al_key s, k;
	al_key_init(&s, AL_K_FLEX_TEAM_LOT);
	al_key_u64(&s, team);
	int rc = al_txn_scan_prefix(t, &s, due_cb, &d);
	if (rc == 1)
		rc = 0;
	al_flex_ids ids = d.ids;
	if (!rc)
		tf->next_expiry = d.next;
	for (size_t i = 0; !rc && i < ids.n; i++) {
		al_flex_lotrec l;
		rc = al_flex_lot_load(t, ids.v[i], &l);
		if (rc)
			break;
		tf->left -= l.remaining;
		tf->bought -= l.quantity;
		if (l.expires > tf->last_expired)
			tf->last_expired = l.expires;
		if (l.remaining > 0) {
			al_flex_live_key(&k, team, l.expires, l.id);
			rc = al_txn_del(t, &k);
		}
		if (!rc && l.remaining > 0) {
			/* dated at the expiry instant, whenever it is noticed */
			rc = al_flex_ledger_add(t, team, AUTOLIC_FLEX_EXPIRE, l.expires, l.id,
			                        -l.remaining, 0, 0, NULL, l.subscription);
			if (!rc)
				rc = al_txn_event(
				    t, AUTOLIC_EVENT_FLEX_LOT_EXPIRED, 0, team, l.id, NULL,
				    "FLEX-1",
				    "%lld tokens of lot %llu (subscription %s) expired and were "
				    "forfeited",
				    (long long)l.remaining, (unsigned long long)l.id,
				    l.subscription);
			if (count && !rc)
				(*count)++;
		}
		l.forfeited += l.remaining;
		l.remaining = 0;
		l.expired = 1;
		if (!rc)
			rc = lot_store(t, &l);
		team_lot_key(&k, team, l.expires, l.id);
		if (!rc)
			rc = al_txn_del(t, &k);
		team_old_key(&k, team, l.id);
		if (!rc)
			rc = put_empty(t, &k);
	}
	al_flex_ids_free(&ids);
	return rc;
}

autolic_time al_flex_final_upto(const al_txn *t, const al_flex_team *tf)
{
	/* now - horizon - 1, saturating (IN-3) */
	return al_time_add_sat(al_time_add_sat(t->now, -tf->horizon), -1);
}

/* SEAM-4: a report dated before the team's late-report horizon changes
 * nothing (report_fn has checked `at` is positive and not after now). */
static int horizon_check(const al_txn *t, const al_flex_team *tf, autolic_time at)
{
	if (t->now - at <= tf->horizon)
		return 0;
	return al_err(AUTOLIC_ESTATE,
	              "SEAM-4: the report at %lld is older than team %llu's late-report horizon "
	              "of %lld s before the clock's %lld; it is refused",
	              (long long)at, (unsigned long long)tf->id, (long long)tf->horizon,
	              (long long)t->now);
}

/* ---- FLEX-12: low balance ---- */

/* Balance and unexpired quantity of the team's lots now. */
int al_flex_position(al_txn *t, const al_flex_team *tf, int64_t *lots_left, int64_t *unexpired)
{
	if (t->now < tf->next_expiry) {
		/* no lot of the team has expired: the record's sums are exact */
		*lots_left = tf->left;
		*unexpired = tf->bought;
		return 0;
	}
	al_flex_lotrec *v;
	size_t n;
	int rc = al_flex_lots_of(t, tf->id, 0, &v, &n);
	if (rc)
		return rc;
	*lots_left = *unexpired = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i].expires <= t->now)
			continue; /* not recorded yet, but expired (read calls) */
		*lots_left += v[i].remaining;
		*unexpired += v[i].quantity;
	}
	al_free(t->a, v);
	return 0;
}

int64_t al_flex_threshold(const al_flex_team *tf, int64_t unexpired)
{
	/* unexpired * P / 100 without overflowing for large sums (exact for unexpired >= 0) */
	return tf->low_threshold >= 0
	           ? tf->low_threshold
	           : unexpired / 100 * AUTOLIC_FLEX_LOW_DEFAULT_PERCENT +
	                 unexpired % 100 * AUTOLIC_FLEX_LOW_DEFAULT_PERCENT / 100;
}

int al_flex_below(const al_flex_team *tf, int64_t balance, int64_t unexpired)
{
	if (tf->low_threshold >= 0)
		return balance < tf->low_threshold;
	/* balance < unexpired * P / 100 (exact), without overflowing for large values */
	int64_t t = al_flex_threshold(tf, unexpired);
	return balance < t ||
	       (balance == t && unexpired % 100 * AUTOLIC_FLEX_LOW_DEFAULT_PERCENT % 100 != 0);
}

/* FLEX-12: one notice per administrator (primary and secondary) of the team,
 * ascending by account id. */
static int low_notify(al_txn *t, const al_flex_team *tf, int64_t balance, int64_t threshold)
{
	al_idlist l;
	al_idlist_init(&l, t->a, 1);
	int rc = al_team_list_members(t, tf->id, &l);
	for (size_t i = 0; !rc && i < l.n; i++) {
		int role;
		rc = al_team_role(t, tf->id, l.v[i], &role);
		if (rc || (role != AL_ROLE_PRIMARY && role != AL_ROLE_SECONDARY))
			continue;
		rc = al_txn_event(
		    t, AUTOLIC_EVENT_FLEX_LOW_BALANCE, l.v[i], tf->id, 0, NULL, "FLEX-12",
		    "the Flex balance of team %llu fell to %lld tokens, below its "
		    "threshold of %lld",
		    (unsigned long long)tf->id, (long long)balance, (long long)threshold);
	}
	al_idlist_free(&l);
	return rc;
}

/* Re-evaluate the low-balance state; notify once per crossing (delivered
 * after commit) and store the team record. */
static int low_update(al_txn *t, al_flex_team *tf)
{
	/* every write call records the due expiries first, so the team's sums
	 * are exactly its unexpired lots now */
	int rc = 0;
	int64_t unexpired = tf->bought;
	int64_t balance = tf->left - tf->owed;
	int below = al_flex_below(tf, balance, unexpired);
	if (below && !tf->low)
		rc = low_notify(t, tf, balance, al_flex_threshold(tf, unexpired));
	tf->low = below;
	if (rc ||
	    (tf->as_loaded.stored && tf->as_loaded.overage_limit == tf->overage_limit &&
	     tf->as_loaded.low_threshold == tf->low_threshold && tf->as_loaded.owed == tf->owed &&
	     tf->as_loaded.left == tf->left && tf->as_loaded.bought == tf->bought &&
	     tf->as_loaded.next_expiry == tf->next_expiry && tf->as_loaded.low == tf->low &&
	     tf->as_loaded.horizon == tf->horizon &&
	     tf->as_loaded.last_expired == tf->last_expired &&
	     tf->as_loaded.n_defaults == tf->n_defaults))
		return rc; /* nothing to write back */
	return al_flex_team_store(t, tf);
}

/* Load the team, record due expiries: the start of every call that changes
 * a team's tokens. */
static int team_begin(al_txn *t, autolic_id team, al_flex_team *tf)
{
	int rc = al_flex_team_load(t, team, tf);
	return rc ? rc : al_flex_expire_due(t, tf, t->now, NULL);
}

/* ================================================================== */
/* Catalogue                                                            */
/* ================================================================== */

typedef struct {
	autolic_flex_product_info p;
	int keep_name;
} product_set_args;

static int product_set_fn(al_txn *t, void *arg)
{
	product_set_args *a = arg;
	autolic_flex_product_info cur;
	autolic_flex_product_info p = a->p;
	int rc = al_flex_product_load(t, p.code, &cur);
	if (rc == AUTOLIC_ENOTFOUND) {
		p.added = t->now;
		if (a->keep_name)
			memcpy(p.name, p.code, sizeof p.code);
	} else if (rc) {
		return rc;
	} else {
		p.added = cur.added;
		if (a->keep_name)
			memcpy(p.name, cur.name, sizeof p.name);
	}
	p.rate_since = t->now;
	return product_store(t, &p);
}

int autolic_flex_product_set(autolic_db *db, const char *code, const char *name, int64_t rate)
{
	al_err_clear();
	if (!db)
		return al_err(AUTOLIC_EINVAL, "db is NULL");
	product_set_args a;
	memset(&a, 0, sizeof a);
	int rc = al_product_norm(code, a.p.code, "FLEX-3", "product code");
	if (rc)
		return rc;
	if (rate < 1)
		return al_err(AUTOLIC_EINVAL,
		              "FLEX-3: the daily rate of '%s' must be at least 1 token, not %lld",
		              a.p.code, (long long)rate);
	if (name) {
		rc = al_text_check(name, AUTOLIC_FLEX_NAME_MAX, 0, "FLEX-3", "product display name");
		if (rc)
			return rc;
		memcpy(a.p.name, name, strlen(name) + 1);
	} else {
		a.keep_name = 1;
	}
	a.p.rate = rate;
	return al_run(db, 1, product_set_fn, &a);
}

typedef struct {
	char code[AL_PRODUCT_CAP];
	autolic_flex_product_info p;
} product_get_args;

static int product_get_fn(al_txn *t, void *arg)
{
	product_get_args *a = arg;
	return al_flex_product_load(t, a->code, &a->p);
}

int autolic_flex_product_get(autolic_db *db, const char *code, autolic_flex_product_info *info)
{
	al_err_clear();
	if (!db || !info)
		return al_err(AUTOLIC_EINVAL, "db and info are required");
	if (info->version == 0 || info->version > AUTOLIC_FLEX_PRODUCT_INFO_VERSION)
		return al_err(AUTOLIC_EVERSION,
		              "autolic_flex_product_info version %u is not supported",
		              info->version);
	product_get_args a;
	int rc = al_product_norm(code, a.code, "FLEX-3", "product code");
	if (!rc)
		rc = al_run(db, 0, product_get_fn, &a);
	if (!rc) {
		a.p.version = info->version;
		*info = a.p;
	}
	return rc;
}

/* ================================================================== */
/* Policy                                                               */
/* ================================================================== */

typedef struct {
	autolic_id actor, team;
	autolic_flex_policy p;
} policy_args;

static int policy_set_fn(al_txn *t, void *arg)
{
	policy_args *a = arg;
	al_flex_team tf;
	int rc = team_begin(t, a->team, &tf);
	if (!rc)
		rc = al_team_require_admin(t, a->team, a->actor, "FLEX-5", "set the Flex policy");
	if (rc)
		return rc;
	if (a->p.overage_limit < tf.owed)
		return al_err(
		    AUTOLIC_ESTATE,
		    "FLEX-5: team %llu owes %lld overage tokens; the limit cannot go below that",
		    (unsigned long long)a->team, (long long)tf.owed);
	tf.overage_limit = a->p.overage_limit;
	tf.low_threshold = a->p.low_threshold;
	return low_update(t, &tf);
}

int autolic_flex_policy_set(autolic_db *db, autolic_id actor, autolic_id team,
                            const autolic_flex_policy *policy)
{
	al_err_clear();
	int rc = check_db_team(db, team);
	if (rc)
		return rc;
	if (!policy)
		return al_err(AUTOLIC_EINVAL, "policy is NULL");
	if (policy->version == 0 || policy->version > AUTOLIC_FLEX_POLICY_VERSION)
		return al_err(AUTOLIC_EVERSION, "autolic_flex_policy version %u is not supported",
		              policy->version);
	if (policy->overage_limit < 0 || policy->overage_limit > AUTOLIC_FLEX_LOT_QUANTITY_MAX)
		return al_err(AUTOLIC_EINVAL, "FLEX-5: the overage limit is 0 to %lld tokens",
		              (long long)AUTOLIC_FLEX_LOT_QUANTITY_MAX);
	if (policy->low_threshold < -1 || policy->low_threshold > AUTOLIC_FLEX_LOT_QUANTITY_MAX)
		return al_err(AUTOLIC_EINVAL,
		              "FLEX-12: the threshold is -1 (default) or a token count");
	policy_args a = {actor, team, *policy};
	return al_run(db, 1, policy_set_fn, &a);
}

static int policy_get_fn(al_txn *t, void *arg)
{
	policy_args *a = arg;
	al_flex_team tf;
	int rc = al_flex_team_load(t, a->team, &tf);
	if (!rc) {
		a->p.overage_limit = tf.overage_limit;
		a->p.low_threshold = tf.low_threshold;
	}
	return rc;
}

int autolic_flex_policy_get(autolic_db *db, autolic_id team, autolic_flex_policy *policy)
{
	al_err_clear();
	int rc = check_db_team(db, team);
	if (rc)
		return rc;
	if (!policy)
		return al_err(AUTOLIC_EINVAL, "policy is NULL");
	if (policy->version == 0 || policy->version > AUTOLIC_FLEX_POLICY_VERSION)
		return al_err(AUTOLIC_EVERSION, "autolic_flex_policy version %u is not supported",
		              policy->version);
	policy_args a = {0, team, *policy};
	rc = al_run(db, 0, policy_get_fn, &a);
	if (!rc) {
		policy->overage_limit = a.p.overage_limit;
		policy->low_threshold = a.p.low_threshold;
	}
	return rc;
}

/* SEAM-4: the late-report horizon (a team policy of its own: the policy
 * struct of 1.0 does not grow). */
typedef struct {
	autolic_id actor, team;
	int64_t seconds;
} horizon_args;

static int horizon_set_fn(al_txn *t, void *arg)
{
	horizon_args *a = arg;
	al_flex_team tf;
	int rc = al_flex_team_load(t, a->team, &tf);
	if (!rc)
		rc = al_team_require_admin(t, a->team, a->actor, "SEAM-4",
		                           "set the late-report horizon");
	if (rc || (tf.as_loaded.stored && tf.horizon == a->seconds))
		return rc;
	tf.horizon = a->seconds;
	return al_flex_team_store(t, &tf);
}

int autolic_flex_horizon_set(autolic_db *db, autolic_id actor, autolic_id team, int64_t seconds)
{
	al_err_clear();
	int rc = check_db_team(db, team);
	if (rc)
		return rc;
	if (seconds < 0 || seconds > AUTOLIC_FLEX_HORIZON_MAX)
		return al_err(AUTOLIC_EINVAL,
		              "SEAM-4: the late-report horizon is 0 to %lld seconds, not %lld",
		              (long long)AUTOLIC_FLEX_HORIZON_MAX, (long long)seconds);
	horizon_args a = {actor, team, seconds};
	return al_run(db, 1, horizon_set_fn, &a);
}

static int horizon_get_fn(al_txn *t, void *arg)
{
	horizon_args *a = arg;
	al_flex_team tf;
	int rc = al_flex_team_load(t, a->team, &tf);
	if (!rc)
		a->seconds = tf.horizon;
	return rc;
}

int autolic_flex_horizon_get(autolic_db *db, autolic_id team, int64_t *seconds)
{
	al_err_clear();
	int rc = check_db_team(db, team);
	if (rc)
		return rc;
	if (!seconds)
		return al_err(AUTOLIC_EINVAL, "seconds is NULL");
	horizon_args a = {0, team, 0};
	rc = al_run(db, 0, horizon_get_fn, &a);
	if (!rc)
		*seconds = a.seconds;
	return rc;
}

/* ================================================================== */
/* Lots: buy, expire, adjust, move                                      */
/* ================================================================== */

typedef struct {
	autolic_id actor, team;
	al_flex_lotrec l;
} buy_args;

static int buy_fn(al_txn *t, void *arg)
{
	buy_args *a = arg;
	al_flex_team tf;
	int rc = team_begin(t, a->team, &tf);
	if (!rc)
		rc = al_team_require_admin(t, a->team, a->actor, "FLEX-1", "buy Flex tokens");
	if (rc)
		return rc;
	al_flex_lotrec l = a->l;
	if (l.purchased == 0)
		l.purchased = t->now;
	if (l.purchased > t->now)
		return al_err(AUTOLIC_EINVAL, "FLEX-1: the purchase time %lld is in the future",
		              (long long)l.purchased);
	rc = al_time_add(l.purchased, AUTOLIC_FLEX_LOT_SECONDS, &l.expires,
	                 "the lot's expiry (purchase + 365 days)");
	if (rc)
		return rc;
	if (l.expires <= t->now)
		return al_err(AUTOLIC_EEXPIRED,
		              "FLEX-1: a lot bought at %lld expired at %lld (365 days later)",
		              (long long)l.purchased, (long long)l.expires);
	l.team = a->team;
	rc = al_txn_seq_next(t, "flex.lot", &l.id);
	if (!rc)
		rc = al_flex_ledger_add(t, a->team, AUTOLIC_FLEX_PURCHASE, l.purchased, l.id,
		                        l.quantity, a->actor, 0, NULL, l.subscription);
	if (!rc && tf.owed > 0) {
		/* FLEX-5 overage policy: the next purchase repays what is owed first */
		int64_t m = tf.owed < l.quantity ? tf.owed : l.quantity;
		l.remaining -= m;
		tf.owed -= m;
		rc = al_flex_ledger_add(t, a->team, AUTOLIC_FLEX_ADJUST, l.purchased, l.id, -m,
		                        a->actor, 0, NULL, l.subscription);
		if (!rc)
			rc = al_flex_ledger_add(t, a->team, AUTOLIC_FLEX_ADJUST, l.purchased, 0, m,
			                        a->actor, 0, NULL, l.subscription);
	}
	al_key k;
	team_lot_key(&k, a->team, l.expires, l.id);
	if (!rc)
		rc = put_empty(t, &k);
	al_flex_live_key(&k, a->team, l.expires, l.id);
	if (!rc && l.remaining > 0)
		rc = put_empty(t, &k);
	if (!rc)
		rc = lot_store(t, &l);
	tf.left += l.remaining;
	tf.bought += l.quantity;
	if (l.expires < tf.next_expiry)
		tf.next_expiry = l.expires;
	if (!rc)
		rc = low_update(t, &tf);
	if (!rc)
		a->l = l;
	return rc;
}

int autolic_flex_lot_buy(autolic_db *db, autolic_id actor, autolic_id team,
                         const autolic_flex_lot_spec *spec, autolic_id *lot)
{
	al_err_clear();
	int rc = check_db_team(db, team);
	if (rc)
		return rc;
	if (!spec)
		return al_err(AUTOLIC_EINVAL, "spec is NULL");
	if (spec->version == 0 || spec->version > AUTOLIC_FLEX_LOT_SPEC_VERSION)
		return al_err(AUTOLIC_EVERSION, "autolic_flex_lot_spec version %u is not supported",
		              spec->version);
	if ((rc = check_subscription(spec->subscription)) != 0)
		return rc;
	if (spec->quantity < 1 || spec->quantity > AUTOLIC_FLEX_LOT_QUANTITY_MAX)
		return al_err(AUTOLIC_EINVAL, "FLEX-1: a lot holds 1 to %lld tokens, not %lld",
		              (long long)AUTOLIC_FLEX_LOT_QUANTITY_MAX, (long long)spec->quantity);
	if (spec->purchased < 0)
		return al_err(AUTOLIC_EINVAL, "FLEX-1: the purchase time may not be negative");
	buy_args a;
	memset(&a, 0, sizeof a);
	a.actor = actor;
	a.team = team;
	strcpy(a.l.subscription, spec->subscription);
	a.l.quantity = a.l.remaining = spec->quantity;
	a.l.credited = INT64_MIN;
	a.l.purchased = spec->purchased;
	rc = al_run(db, 1, buy_fn, &a);
	if (!rc && lot)
		*lot = a.l.id;
	return rc;
}

typedef struct {
	autolic_id id;
	al_flex_lotrec l;
	autolic_time now;
} lot_get_args;

static int lot_get_fn(al_txn *t, void *arg)
{
	lot_get_args *a = arg;
	a->now = t->now;
	return al_flex_lot_load(t, a->id, &a->l);
}

int autolic_flex_lot_get(autolic_db *db, autolic_id lot, autolic_flex_lot_info *info)
{
	al_err_clear();
	if (!db || !info)
		return al_err(AUTOLIC_EINVAL, "db and info are required");
	if (info->version == 0 || info->version > AUTOLIC_FLEX_LOT_INFO_VERSION)
		return al_err(AUTOLIC_EVERSION, "autolic_flex_lot_info version %u is not supported",
		              info->version);
	lot_get_args a = {lot, {0}, 0};
	int rc = al_run(db, 0, lot_get_fn, &a);
	if (rc)
		return rc;
	info->id = a.l.id;
	info->team = a.l.team;
	memcpy(info->subscription, a.l.subscription, sizeof info->subscription);
	info->quantity = a.l.quantity;
	info->purchased = a.l.purchased;
	info->expires = a.l.expires;
	info->expired = a.l.expired || a.l.expires <= a.now;
	/* an expiry not recorded yet still forfeits (FLEX-1) */
	info->remaining = info->expired ? 0 : a.l.remaining;
	return 0;
}

typedef struct {
	autolic_id team;
	size_t expired;
} expire_args;

static int expire_fn(al_txn *t, void *arg)
{
	expire_args *a = arg;
	al_flex_team tf;
	int rc = al_flex_team_load(t, a->team, &tf);
	if (!rc)
		rc = al_flex_expire_due(t, &tf, t->now, &a->expired);
	if (!rc)
		rc = low_update(t, &tf);
	return rc;
}

int autolic_flex_expire(autolic_db *db, autolic_id team, size_t *expired)
{
	al_err_clear();
	int rc = check_db_team(db, team);
	if (rc)
		return rc;
	expire_args a = {team, 0};
	rc = al_run(db, 1, expire_fn, &a);
	if (!rc && expired)
		*expired = a.expired;
	return rc;
}

typedef struct {
	autolic_id actor, team, lot;
	int64_t delta;
} adjust_args;

static int adjust_fn(al_txn *t, void *arg)
{
	adjust_args *a = arg;
	al_flex_team tf;
	al_flex_lotrec l;
	int rc = team_begin(t, a->team, &tf);
	if (!rc)
		rc = al_team_require_admin(t, a->team, a->actor, "FLEX-10", "adjust Flex tokens");
	if (!rc)
		rc = al_flex_lot_load(t, a->lot, &l);
	if (rc)
		return rc;
	if (l.team != a->team)
		return al_err(AUTOLIC_ENOTFOUND, "FLEX-10: lot %llu is not held by team %llu",
		              (unsigned long long)a->lot, (unsigned long long)a->team);
	if (l.expired)
		return al_err(AUTOLIC_EEXPIRED, "FLEX-1: lot %llu has expired",
		              (unsigned long long)a->lot);
	if (l.remaining + a->delta < 0 || l.remaining + a->delta > l.quantity)
		return al_err(
		    AUTOLIC_EINVAL,
		    "FLEX-10: lot %llu would hold %lld tokens; it must stay within 0..%lld",
		    (unsigned long long)a->lot, (long long)(l.remaining + a->delta),
		    (long long)l.quantity);
	int64_t before = l.remaining;
	l.remaining += a->delta;
	if (a->delta > 0 && t->now > l.credited)
		l.credited = t->now;
	rc = al_flex_ledger_add(t, a->team, AUTOLIC_FLEX_ADJUST, t->now, l.id, a->delta, a->actor,
	                        0, NULL, l.subscription);
	if (!rc)
		rc = lot_save(t, &tf, &l, before);
	return rc ? rc : low_update(t, &tf);
}

int autolic_flex_adjust(autolic_db *db, autolic_id actor, autolic_id team, autolic_id lot,
                        int64_t delta)
{
	al_err_clear();
	int rc = check_db_team(db, team);
	if (rc)
		return rc;
	if (!lot)
		return al_err(AUTOLIC_EINVAL, "lot id 0 is not valid");
	if (delta == 0 || delta < -AUTOLIC_FLEX_LOT_SECONDS * 1000 ||
	    delta > AUTOLIC_FLEX_LOT_SECONDS * 1000)
		return al_err(AUTOLIC_EINVAL, "FLEX-10: an adjustment must change the balance");
	adjust_args a = {actor, team, lot, delta};
	return al_run(db, 1, adjust_fn, &a);
}

typedef struct {
	autolic_id actor, from, to;
	const char *sub;
	int64_t moved;
} move_args;

static int move_fn(al_txn *t, void *arg)
{
	move_args *a = arg;
	al_flex_team from, to;
	int rc = team_begin(t, a->from, &from);
	if (!rc)
		rc = team_begin(t, a->to, &to);
	if (!rc)
		rc = al_team_require_admin(t, a->from, a->actor, "FLEX-9",
		                           "move Flex tokens out of the team");
	if (!rc)
		rc = al_team_require_admin(t, a->to, a->actor, "FLEX-9",
		                           "move Flex tokens into the team");
	if (rc)
		return rc;
	al_flex_lotrec *v;
	size_t n, moved_lots = 0;
	rc = al_flex_lots_of(t, a->from, 0, &v, &n);
	if (rc)
		return rc;
	a->moved = 0;
	for (size_t i = 0; !rc && i < n; i++) {
		al_flex_lotrec *l = &v[i];
		if (strcmp(l->subscription, a->sub))
			continue;
		moved_lots++;
		if (l->remaining > 0) {
			rc = al_flex_ledger_add(t, a->from, AUTOLIC_FLEX_MOVE_OUT, t->now, l->id,
			                        -l->remaining, a->actor, 0, NULL, l->subscription);
			if (!rc)
				rc = al_flex_ledger_add(t, a->to, AUTOLIC_FLEX_MOVE_IN, t->now,
				                        l->id, l->remaining, a->actor, 0, NULL,
				                        l->subscription);
		}
		al_key k;
		team_lot_key(&k, a->from, l->expires, l->id);
		if (!rc)
			rc = al_txn_del(t, &k);
		team_lot_key(&k, a->to, l->expires, l->id);
		if (!rc)
			rc = put_empty(t, &k);
		if (l->remaining > 0) {
			al_flex_live_key(&k, a->from, l->expires, l->id);
			if (!rc)
				rc = al_txn_del(t, &k);
			al_flex_live_key(&k, a->to, l->expires, l->id);
			if (!rc)
				rc = put_empty(t, &k);
		}
		from.left -= l->remaining;
		from.bought -= l->quantity;
		to.left += l->remaining;
		to.bought += l->quantity;
		if (l->expires < to.next_expiry)
			to.next_expiry = l->expires;
		l->team = a->to; /* purchase time and expiry are kept (FLEX-9) */
		if (t->now > l->credited)
			l->credited = t->now; /* it holds nothing in `to` before now */
		if (!rc)
			rc = lot_store(t, l);
		a->moved += l->remaining;
	}
	al_free(t->a, v);
	if (!rc && !moved_lots)
		rc = al_err(AUTOLIC_ENOTFOUND,
		            "FLEX-9: team %llu holds no unexpired lot of token subscription '%s'",
		            (unsigned long long)a->from, a->sub);
	if (!rc)
		rc = low_update(t, &from);
	if (!rc)
		rc = low_update(t, &to);
	return rc;
}

int autolic_flex_move(autolic_db *db, autolic_id actor, autolic_id from, autolic_id to,
                      const char *subscription, int64_t *moved)
{
	al_err_clear();
	int rc = check_db_team(db, from);
	if (!rc)
		rc = check_db_team(db, to);
	if (!rc)
		rc = check_subscription(subscription);
	if (rc)
		return rc;
	if (from == to)
		return al_err(AUTOLIC_EINVAL,
		              "FLEX-9: tokens move to another team, not to team %llu itself",
		              (unsigned long long)from);
	move_args a = {actor, from, to, subscription, 0};
	rc = al_run(db, 1, move_fn, &a);
	if (!rc && moved)
		*moved = a.moved;
	return rc;
}

/* ================================================================== */
/* Users, defaults, trials                                              */
/* ================================================================== */

static void user_key(al_key *k, autolic_id team, autolic_id account)
{
	al_key_init(k, AL_K_FLEX_USER);
	al_key_u64(k, team);
	al_key_u64(k, account);
}

typedef struct {
	int all;
	autolic_time assigned;
	size_t n;
	char products[AUTOLIC_FLEX_LIST_MAX][AL_PRODUCT_CAP];
} user_rec;

static int user_load(al_txn *t, autolic_id team, autolic_id account, user_rec *u)
{
	al_key k;
	al_buf b;
	al_rd r;
	user_key(&k, team, account);
	al_buf_init(&b, t->a);
	int rc = al_txn_get_rec(t, &k, AL_K_FLEX_USER, &b, &r, NULL);
	if (!rc) {
		u->all = al_dec_bool(&r, "all-products flag");
		u->assigned = al_dec_i64(&r);
		uint32_t n = al_dec_count(&r, AUTOLIC_FLEX_LIST_MAX, 2, "product count");
		for (uint32_t i = 0; i < n; i++)
			al_dec_str(&r, u->products[i], sizeof u->products[i]);
		u->n = n;
		rc = al_rd_done(&r);
	}
	al_buf_free(&b);
	return rc;
}

/* FLEX-7, FLEX-8: the user's access to a product through the team, given
 * the team's Flex state (tf NULL: loaded here when needed) and whether the
 * product is known to be in the catalogue (else it is looked up). */
static int allowed_for(al_txn *t, const al_flex_team *tf, autolic_id team, autolic_id account,
                       const char *product, int in_catalogue, int *ok)
{
	user_rec u;
	al_flex_team own;
	*ok = 0;
	int rc = user_load(t, team, account, &u);
	if (rc == AUTOLIC_ENOTFOUND)
		return 0;
	if (!rc && !tf) {
		rc = al_flex_team_load(t, team, &own);
		tf = &own;
	}
	if (rc)
		return rc;
	if (tf->n_defaults) {
		/* FLEX-8: while defaults are enabled every Flex user has exactly them */
		for (size_t i = 0; i < tf->n_defaults; i++)
			*ok |= !strcmp(tf->defaults[i], product);
		return 0;
	}
	if (u.all) {
		/* FLEX-7: "all products" covers products added to the catalogue later */
		if (in_catalogue) {
			*ok = 1;
			return 0;
		}
		autolic_flex_product_info p;
		rc = al_flex_product_load(t, product, &p);
		*ok = rc == 0;
		return rc == AUTOLIC_ENOTFOUND ? 0 : rc;
	}
	for (size_t i = 0; i < u.n; i++)
		*ok |= !strcmp(u.products[i], product);
	return 0;
}

typedef struct {
	autolic_id actor, team, account;
	int all, by_import, by_text;
	char email[AUTOLIC_EMAIL_MAX + 1], first[AUTOLIC_NAME_MAX + 1], last[AUTOLIC_NAME_MAX + 1];
	user_rec u;
} assign_args;

static int assign_fn(al_txn *t, void *arg)
{
	assign_args *a = arg;
	al_flex_team tf;
	int rc = al_flex_team_load(t, a->team, &tf);
	if (!rc)
		rc = al_team_require_admin(t, a->team, a->actor, "FLEX-7", "assign Flex users");
	if (rc)
		return rc;
	int invited = 0;
	al_account_brief info; /* only its state is read */
	if (a->by_text) {
		/* ACCT-3: a new (or removed) person is invited; ACCT-4: for 7 days.
		 * FLEX-7: assignment by import notifies nobody, the invitation included. */
		rc = al_account_invite(t, a->email, a->first, a->last, NULL, a->actor, a->by_import,
		                       &a->account, &invited);
		if (rc)
			return rc;
	} else if ((rc = al_account_brief_load(t, a->account, &info)) != 0) {
		return rc;
	} else if (info.state == AUTOLIC_ACCOUNT_REMOVED) {
		/* SEAM-3: a removed account is a member of no team, so it is no Flex user */
		return al_err(AUTOLIC_ESTATE,
		              "FLEX-7: account %llu was removed and may not be a Flex user; name "
		              "the person as 'First Last <email>' to invite them again (ACCT-3)",
		              (unsigned long long)a->account);
	}
	for (size_t i = 0; i < a->u.n; i++) {
		autolic_flex_product_info p;
		if ((rc = al_flex_product_load(t, a->u.products[i], &p)) != 0)
			return rc;
	}
	/* SEAM-3: a Flex user is a member: a user of the team unless already a
	 * member (any role is kept), so that its administrators see and may
	 * remove them like everyone holding the team's seats */
	if ((rc = al_team_join(t, a->team, a->account)) != 0)
		return rc;
	al_key k;
	al_buf b;
	al_buf_init(&b, t->a);
	al_rec_begin(&b, AL_K_FLEX_USER);
	al_enc_u8(&b, (uint8_t)a->all);
	al_enc_i64(&b, t->now);
	al_enc_u32(&b, (uint32_t)a->u.n);
	for (size_t i = 0; i < a->u.n; i++)
		al_enc_str(&b, a->u.products[i]);
	user_key(&k, a->team, a->account);
	rc = al_txn_put(t, &k, &b);
	al_buf_free(&b);
	if (rc || a->by_import)
		return rc; /* FLEX-7: assignment by import notifies nobody */
	return al_txn_event(t, AUTOLIC_EVENT_FLEX_ASSIGNED, a->account, a->team, a->account, NULL,
	                    "FLEX-7", "account %llu may now use %s Flex products of team %llu",
	                    (unsigned long long)a->account, a->all ? "all" : "the chosen",
	                    (unsigned long long)a->team);
}

int autolic_flex_user_assign(autolic_db *db, autolic_id actor, autolic_id team,
                             const autolic_flex_user_spec *spec, autolic_id *account)
{
	al_err_clear();
	int rc = check_db_team(db, team);
	if (rc)
		return rc;
	if (!spec)
		return al_err(AUTOLIC_EINVAL, "spec is NULL");
	if (spec->version == 0 || spec->version > AUTOLIC_FLEX_USER_SPEC_VERSION)
		return al_err(AUTOLIC_EVERSION,
		              "autolic_flex_user_spec version %u is not supported", spec->version);
	assign_args *a = al_calloc(al_db_alloc(db), 1, sizeof(*a));
	if (!a)
		return al_err(AUTOLIC_ENOMEM, "out of memory");
	a->actor = actor;
	a->team = team;
	a->account = spec->account;
	a->all = !!spec->all_products;
	a->by_import = !!spec->by_import;
	if (!spec->account) {
		if (!spec->person)
			rc = al_err(AUTOLIC_EINVAL,
			            "FLEX-7: name an account or a person 'First Last <email>'");
		else
			rc = autolic_person_parse(spec->person, a->email, a->first, a->last);
		a->by_text = 1;
	}
	if (!rc && spec->all_products && spec->n_products)
		rc = al_err(AUTOLIC_EINVAL,
		            "FLEX-7: choose either all products or a list, not both");
	if (!rc)
		rc = norm_list(spec->products, spec->n_products, a->u.products);
	a->u.n = spec->n_products;
	if (!rc)
		rc = al_run(db, 1, assign_fn, a);
	if (!rc && account)
		*account = a->account;
	al_free(al_db_alloc(db), a);
	return rc;
}

typedef struct {
	autolic_id actor, team, account;
} remove_args;

static int remove_fn(al_txn *t, void *arg)
{
	remove_args *a = arg;
	int rc = al_team_check(t, a->team);
	if (!rc)
		rc = al_team_require_admin(t, a->team, a->actor, "FLEX-7", "remove Flex users");
	if (rc)
		return rc;
	al_key k;
	user_key(&k, a->team, a->account);
	rc = al_txn_del(t, &k);
	if (rc == AUTOLIC_ENOTFOUND)
		rc = al_err(AUTOLIC_ENOTFOUND,
		            "FLEX-7: account %llu is not a Flex user of team %llu",
		            (unsigned long long)a->account, (unsigned long long)a->team);
	return rc;
}

int al_flex_user_forget(al_txn *t, autolic_id team, autolic_id account)
{
	al_key k;
	user_key(&k, team, account);
	int rc = al_txn_del(t, &k);
	return rc == AUTOLIC_ENOTFOUND ? 0 : rc;
}

/* A Flex assignment found by a scan of AL_K_FLEX_USER: (team, account). */
static int user_pair_cb(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	(void)val;
	(void)vlen;
	if (klen != 17)
		return al_err(AUTOLIC_ECORRUPT, "malformed Flex user key in the store");
	al_flex_ids *v = arg;
	int rc = al_flex_ids_push(v, al_key_get_u64(key, 1));
	return rc ? rc : al_flex_ids_push(v, al_key_get_u64(key, 9));
}

int al_flex_upgrade_members(al_txn *t, int apply, autolic_id *team, autolic_id *account,
                            int *removed)
{
	al_flex_ids v = {NULL, 0, 0, t->a};
	al_key k;
	al_key_init(&k, AL_K_FLEX_USER);
	*team = *account = 0;
	*removed = 0;
	int rc = al_txn_scan_prefix(t, &k, user_pair_cb, &v);
	for (size_t i = 0; !rc && i + 1 < v.n; i += 2) {
		autolic_id tm = v.v[i], acc = v.v[i + 1];
		al_account_brief b; /* only its state is read */
		int role;
		rc = al_account_brief_load(t, acc, &b);
		if (!rc)
			rc = al_team_role(t, tm, acc, &role);
		if (rc || (b.state != AUTOLIC_ACCOUNT_REMOVED && role != AL_ROLE_NONE))
			continue; /* a member already (or the error ends the loop) */
		if (!apply) {
			*team = tm;
			*account = acc;
			*removed = b.state == AUTOLIC_ACCOUNT_REMOVED;
			break;
		}
		/* as autolic_account_remove() does now, a removed account's
		 * assignment goes; anyone else joins the team */
		rc = b.state == AUTOLIC_ACCOUNT_REMOVED ? al_flex_user_forget(t, tm, acc)
		                                        : al_team_join(t, tm, acc);
	}
	al_flex_ids_free(&v);
	return rc;
}

int autolic_flex_user_remove(autolic_db *db, autolic_id actor, autolic_id team, autolic_id account)
{
	al_err_clear();
	int rc = check_db_team(db, team);
	if (rc)
		return rc;
	remove_args a = {actor, team, account};
	return al_run(db, 1, remove_fn, &a);
}

typedef struct {
	autolic_id team, account;
	char product[AL_PRODUCT_CAP];
	int ok;
} allowed_args;

static int allowed_fn(al_txn *t, void *arg)
{
	allowed_args *a = arg;
	return allowed_for(t, NULL, a->team, a->account, a->product, 0, &a->ok);
}

int autolic_flex_user_allowed(autolic_db *db, autolic_id team, autolic_id account,
                              const char *product, int *allowed)
{
	al_err_clear();
	int rc = check_db_team(db, team);
	if (rc)
		return rc;
	if (!allowed)
		return al_err(AUTOLIC_EINVAL, "allowed is NULL");
	allowed_args a = {team, account, {0}, 0};
	rc = al_product_norm(product, a.product, "FLEX-7", "product code");
	if (!rc)
		rc = al_run(db, 0, allowed_fn, &a);
	if (!rc)
		*allowed = a.ok;
	return rc;
}

typedef struct {
	autolic_id actor, team;
	size_t n;
	char products[AUTOLIC_FLEX_LIST_MAX][AL_PRODUCT_CAP];
} defaults_args;

static int defaults_fn(al_txn *t, void *arg)
{
	defaults_args *a = arg;
	al_flex_team tf;
	int rc = al_flex_team_load(t, a->team, &tf);
	if (!rc)
		rc = al_team_require_admin(t, a->team, a->actor, "FLEX-8",
		                           "set default assignments");
	for (size_t i = 0; !rc && i < a->n; i++) {
		autolic_flex_product_info p;
		rc = al_flex_product_load(t, a->products[i], &p);
	}
	if (rc)
		return rc;
	tf.n_defaults = a->n;
	memcpy(tf.defaults, a->products, sizeof a->products);
	return al_flex_team_store(t, &tf); /* FLEX-8: nobody is notified */
}

int autolic_flex_defaults_set(autolic_db *db, autolic_id actor, autolic_id team,
                              const char *const *products, size_t n)
{
	al_err_clear();
	int rc = check_db_team(db, team);
	if (rc)
		return rc;
	defaults_args *a = al_calloc(al_db_alloc(db), 1, sizeof(*a));
	if (!a)
		return al_err(AUTOLIC_ENOMEM, "out of memory");
	a->actor = actor;
	a->team = team;
	a->n = n;
	rc = norm_list(products, n, a->products);
	if (!rc)
		rc = al_run(db, 1, defaults_fn, a);
	al_free(al_db_alloc(db), a);
	return rc;
}

static void trial_key(al_key *k, autolic_id account, const char *product, autolic_time start)
{
	al_key_init(k, AL_K_FLEX_TRIAL);
	al_key_u64(k, account);
	al_key_str(k, product);
	al_key_i64(k, start);
}

typedef struct {
	autolic_id actor, account;
	char product[AL_PRODUCT_CAP];
	autolic_time start, end;
} trial_args;

static int trial_fn(al_txn *t, void *arg)
{
	trial_args *a = arg;
	al_account_brief info; /* only that the account exists */
	autolic_flex_product_info p;
	int rc = al_account_brief_load(t, a->account, &info);
	if (!rc)
		rc = al_flex_product_load(t, a->product, &p);
	if (rc)
		return rc;
	al_key k;
	al_buf b;
	al_buf_init(&b, t->a);
	al_rec_begin(&b, AL_K_FLEX_TRIAL);
	al_enc_i64(&b, a->end);
	trial_key(&k, a->account, a->product, a->start);
	rc = al_txn_put(t, &k, &b);
	al_buf_free(&b);
	return rc;
}

int autolic_flex_trial_add(autolic_db *db, autolic_id actor, autolic_id account,
                           const char *product, autolic_time start, autolic_time end)
{
	al_err_clear();
	if (!db || !account)
		return al_err(AUTOLIC_EINVAL, "db and account are required");
	if (actor != account)
		return al_err(
		    AUTOLIC_EPERM,
		    "ROLE-7: a trial is started by the account itself (FLEX-6 applies only to "
		    "the same account)");
	if (end <= start)
		return al_err(AUTOLIC_EINVAL, "FLEX-6: a trial must end after it starts");
	trial_args a = {actor, account, {0}, start, end};
	int rc = al_product_norm(product, a.product, "FLEX-6", "product code");
	return rc ? rc : al_run(db, 1, trial_fn, &a);
}

typedef struct {
	autolic_time at, end;
} trial_scan;

static int trial_cb(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	(void)key;
	(void)klen;
	trial_scan *ts = arg;
	al_rd r;
	int rc = al_rec_open(&r, val, vlen, AL_K_FLEX_TRIAL);
	if (rc)
		return rc;
	autolic_time end = al_dec_i64(&r);
	if (end > ts->at && end > ts->end)
		ts->end = end;
	return al_rd_done(&r);
}

/* FLEX-6: end of a trial of `product` by `account` covering `at`, or 0. */
static int trial_at(al_txn *t, autolic_id account, const char *product, autolic_time at,
                    autolic_time *end)
{
	al_key s, e;
	trial_key(&s, account, product, INT64_MIN);
	trial_key(&e, account, product, at == INT64_MAX ? at : at + 1);
	trial_scan ts = {at, 0};
	int rc = al_txn_scan(t, &s, &e, trial_cb, &ts);
	*end = ts.end;
	return rc;
}

/* ================================================================== */
/* Windows and sessions                                                 */
/* ================================================================== */

typedef struct {
	autolic_id id, team, account;
	char product[AL_PRODUCT_CAP];
	int state;
	autolic_time last, launch, own_start;
	/* the session's current window: the one its use is in, or was last in
	 * while idle (FLEX-3); kept from record format 3 on, else derived */
	autolic_time cur_start;
	int cur_known;
} sess_rec;

typedef struct {
	autolic_id id, team, opener;
	autolic_time start, end, opener_launch;
	int64_t rate, tokens;
	int reason;
	size_t n;
	al_flex_draw *draws; /* allocated */
} win_rec;

static void win_free(al_txn *t, win_rec *w)
{
	al_free(t->a, w->draws);
	w->draws = NULL;
	w->n = 0;
}

static void window_key(al_key *k, autolic_id account, const char *product, autolic_time start)
{
	al_key_init(k, AL_K_FLEX_WINDOW);
	al_key_u64(k, account);
	al_key_str(k, product);
	al_key_i64(k, start);
}

static void usage_key(al_key *k, autolic_id team, autolic_time day, autolic_id window)
{
	al_key_init(k, AL_K_FLEX_USAGE);
	al_key_u64(k, team);
	al_key_i64(k, day);
	al_key_u64(k, window);
}

static void enc_draws(al_buf *b, const al_flex_draw *d, size_t n)
{
	al_enc_u32(b, (uint32_t)n);
	for (size_t i = 0; i < n; i++) {
		al_enc_u64(b, d[i].lot);
		al_enc_i64(b, d[i].amount);
	}
}

int al_flex_dec_draws(al_rd *r, const al_alloc *a, al_flex_draw **out, size_t *n)
{
	uint32_t c = al_dec_count(r, UINT32_MAX, 16, "lot count");
	*out = NULL;
	*n = 0;
	if (r->bad)
		return al_rd_done(r);
	if (c) {
		*out = al_calloc(a, c, sizeof(**out));
		if (!*out)
			return al_err(AUTOLIC_ENOMEM, "out of memory reading lots");
	}
	for (uint32_t i = 0; i < c; i++) {
		(*out)[i].lot = al_dec_u64(r);
		(*out)[i].amount = al_dec_i64(r);
	}
	*n = c;
	return 0;
}

/* Decode a window; its list of lots charged only when `draws` (a refund
 * needs it; finding the current window does not). */
static int win_decode(al_txn *t, const void *val, size_t vlen, win_rec *w, int draws)
{
	al_rd r;
	int rc = al_rec_open(&r, val, vlen, AL_K_FLEX_WINDOW);
	if (rc)
		return rc;
	w->id = al_dec_u64(&r);
	w->team = al_dec_u64(&r);
	w->start = al_dec_i64(&r);
	w->end = al_dec_i64(&r);
	w->opener = al_dec_u64(&r);
	w->opener_launch = al_dec_i64(&r);
	w->rate = al_dec_i64(&r);
	w->tokens = al_dec_i64(&r);
	w->reason =
	    al_dec_enum(&r, AUTOLIC_FLEX_REASON_NONE, AUTOLIC_FLEX_REASON_REFUNDED, "reason");
	if (draws) {
		rc = al_flex_dec_draws(&r, t->a, &w->draws, &w->n);
	} else {
		uint32_t c = al_dec_count(&r, UINT32_MAX, 16, "lot count");
		if (r.bad)
			rc = al_rd_done(&r);
		else
			al_rd_take(&r, (size_t)c * 16);
		w->draws = NULL;
		w->n = 0;
	}
	if (!rc && (rc = al_rd_done(&r)) != 0)
		win_free(t, w);
	return rc;
}

static int win_store(al_txn *t, autolic_id account, const char *product, const win_rec *w)
{
	al_key k;
	al_buf b;
	al_buf_init(&b, t->a);
	al_rec_begin(&b, AL_K_FLEX_WINDOW);
	al_enc_u64(&b, w->id);
	al_enc_u64(&b, w->team);
	al_enc_i64(&b, w->start);
	al_enc_i64(&b, w->end);
	al_enc_u64(&b, w->opener);
	al_enc_i64(&b, w->opener_launch);
	al_enc_i64(&b, w->rate);
	al_enc_i64(&b, w->tokens);
	al_enc_u8(&b, (uint8_t)w->reason);
	enc_draws(&b, w->draws, w->n);
	window_key(&k, account, product, w->start);
	int rc = al_txn_put(t, &k, &b);
	al_buf_free(&b);
	return rc;
}

static int usage_store(al_txn *t, autolic_id account, const char *product, const win_rec *w)
{
	al_key k;
	al_buf b;
	al_buf_init(&b, t->a);
	al_rec_begin(&b, AL_K_FLEX_USAGE);
	al_enc_u64(&b, account);
	al_enc_str(&b, product);
	al_enc_i64(&b, w->end);
	al_enc_i64(&b, w->tokens);
	al_enc_u8(&b, (uint8_t)w->reason);
	enc_draws(&b, w->reason == AUTOLIC_FLEX_REASON_REFUNDED ? NULL : w->draws,
	          w->reason == AUTOLIC_FLEX_REASON_REFUNDED ? 0 : w->n);
	usage_key(&k, w->team, w->start, w->id);
	int rc = al_txn_put(t, &k, &b);
	al_buf_free(&b);
	return rc;
}

/* One scan over the windows of (account, product) starting at or after
 * `from`: the last one starting at or before `upto`, the one starting exactly
 * at `own` (when `own_w` is given), and whether one starts after `upto`.
 * Own's lots are read when session `refund_by` opened it within the refund
 * time of `refund_at` (FLEX-4 may give them back). */
typedef struct {
	al_txn *t;
	autolic_time upto, own, refund_at;
	autolic_id refund_by;
	win_rec *last, *own_w;
	int found, own_found, later;
	autolic_time later_start; /* the first window starting after `upto` */
} win_scan;

static int win_cb(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	win_scan *ws = arg;
	autolic_time start = al_key_get_i64(key, klen - 8);
	if (start > ws->upto) {
		ws->later = 1;
		ws->later_start = start;
		return 1;
	}
	if (ws->found) {
		win_free(ws->t, ws->last);
		ws->found = 0;
	}
	int rc = win_decode(ws->t, val, vlen, ws->last, 0);
	if (rc)
		return rc;
	ws->found = 1;
	if (ws->own_w && start == ws->own && !ws->own_found) {
		int refundable =
		    ws->last->opener == ws->refund_by &&
		    ws->refund_at - ws->last->opener_launch <= AUTOLIC_FLEX_REFUND_SECONDS;
		if ((rc = win_decode(ws->t, val, vlen, ws->own_w, refundable)) != 0)
			return rc;
		ws->own_found = 1;
	}
	return 0;
}

static int win_find(al_txn *t, autolic_id account, const char *product, autolic_time from,
                    autolic_time upto, win_rec *last, int *found, int *later, autolic_time own,
                    win_rec *own_w, int *own_found, autolic_id refund_by, autolic_time refund_at,
                    autolic_time *later_start)
{
	al_key s, e;
	window_key(&s, account, product, from);
	window_key(&e, account, product, INT64_MAX);
	win_scan ws = {t, upto, own, refund_at, refund_by, last, own_w, 0, 0, 0, 0};
	memset(last, 0, sizeof(*last));
	if (own_w)
		memset(own_w, 0, sizeof(*own_w));
	int rc = al_txn_scan(t, &s, &e, win_cb, &ws);
	if (rc == 1)
		rc = 0;
	if (rc) {
		if (ws.found)
			win_free(t, last);
		if (ws.own_found)
			win_free(t, own_w);
		ws.found = ws.own_found = ws.later = 0;
	}
	*found = ws.found;
	if (later)
		*later = ws.later;
	if (later_start)
		*later_start = ws.later ? ws.later_start : INT64_MAX;
	if (own_found)
		*own_found = ws.own_found;
	return rc;
}

static void win_to_pure(const win_rec *w, int found, al_flex_win *p)
{
	memset(p, 0, sizeof(*p));
	if (!found)
		return;
	p->exists = 1;
	p->start = w->start;
	p->end = w->end;
	p->opener = w->opener;
	p->opener_launch = w->opener_launch;
}

static void session_key(al_key *k, autolic_id id)
{
	al_key_init(k, AL_K_FLEX_SESSION);
	al_key_u64(k, id);
}

static void open_key(al_key *k, autolic_id account, const char *product, autolic_id session)
{
	al_key_init(k, AL_K_FLEX_OPEN);
	al_key_u64(k, account);
	al_key_str(k, product);
	if (session)
		al_key_u64(k, session);
}

static int sess_load(al_txn *t, autolic_id id, sess_rec *s)
{
	al_key k;
	al_buf b;
	al_rd r;
	session_key(&k, id);
	al_buf_init(&b, t->a);
	int rc = al_txn_get_rec(t, &k, AL_K_FLEX_SESSION, &b, &r, "FLEX-3: session %llu is unknown",
	                        (unsigned long long)id);
	if (!rc) {
		s->id = al_dec_u64(&r);
		s->team = al_dec_u64(&r);
		s->account = al_dec_u64(&r);
		al_dec_str(&r, s->product, sizeof s->product);
		s->state = al_dec_enum(&r, AL_FS_NONE, AL_FS_ENDED, "state");
		s->last = al_dec_i64(&r);
		s->launch = al_dec_i64(&r);
		s->own_start = al_dec_i64(&r);
		s->cur_known = r.version >= AL_REC_V3;
		s->cur_start = s->cur_known ? al_dec_i64(&r) : s->own_start;
		rc = al_rd_done(&r);
	}
	al_buf_free(&b);
	return rc;
}

static int sess_store(al_txn *t, const sess_rec *s)
{
	al_key k;
	al_buf b;
	al_buf_init(&b, t->a);
	al_rec_begin_v(&b, AL_K_FLEX_SESSION, AL_REC_V3);
	al_enc_u64(&b, s->id);
	al_enc_u64(&b, s->team);
	al_enc_u64(&b, s->account);
	al_enc_str(&b, s->product);
	al_enc_u8(&b, (uint8_t)s->state);
	al_enc_i64(&b, s->last);
	al_enc_i64(&b, s->launch);
	al_enc_i64(&b, s->own_start);
	al_enc_i64(&b, s->cur_start);
	session_key(&k, s->id);
	int rc = al_txn_put(t, &k, &b);
	al_buf_free(&b);
	return rc;
}

/* ---- charging and refunding (FLEX-2, FLEX-4, FLEX-5) ---- */

static al_flex_lotrec *find_lot(al_flex_lotrec *v, size_t n, autolic_id id)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].id == id)
			return &v[i];
	return NULL;
}

/* One lot's entries in one team dated after an instant, from the lot's
 * entry index (time order), for lot_cap(). */
typedef struct {
	const al_alloc *a;
	al_flex_draw *v; /* (time, amount) */
	size_t n, cap;
	int64_t sum;
} cap_scan;

static int cap_cb(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	cap_scan *c = arg;
	al_rd r;
	int rc = al_rec_open(&r, val, vlen, AL_K_FLEX_LOT);
	if (rc)
		return rc;
	int64_t amount = al_dec_i64(&r);
	if ((rc = al_rd_done(&r)) != 0)
		return rc;
	if (klen != 33)
		return al_err(AUTOLIC_ECORRUPT, "FLEX-10: malformed lot entry key");
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		al_flex_draw *p = al_realloc(c->a, c->v, cap * sizeof(*p));
		if (!p)
			return al_err(AUTOLIC_ENOMEM, "out of memory reading a lot's entries");
		c->v = p;
		c->cap = cap;
	}
	c->v[c->n].lot = (autolic_id)al_key_get_i64(key, 17); /* the instant */
	c->v[c->n].amount = amount;
	c->sum += amount;
	c->n++;
	return 0;
}

/* SEAM-4, FLEX-5: what lot `l` (held by `team`) may pay for a window opened
 * at `at`: the least it holds in the team at any instant from `at` on, up to
 * its expiry once that is due (the expiry takes what is left), so that no
 * balance goes below zero at any instant. A lot bought after `at`, expiring
 * by then, or that came into the team after it (it held nothing there
 * before), pays nothing. Only a lot credited after `at` (a refund, an upward
 * adjustment, a move in) has its entries dated after `at` read: otherwise
 * what it holds only fell since. */
static int lot_cap(al_txn *t, al_flex_lotrec *l, autolic_id team, autolic_time at)
{
	l->cap = 0;
	if (l->team != team || at < l->purchased || at >= l->expires)
		return 0;
	if (l->credited <= at) {
		l->cap = l->expired ? l->forfeited : l->remaining;
		return 0;
	}
	cap_scan c = {t->a, NULL, 0, 0, 0};
	al_key from, pre, end;
	al_flex_lot_entry_key(&from, l->id, team, at < INT64_MAX ? at + 1 : at, 0);
	al_key_init(&pre, AL_K_FLEX_LOT);
	al_key_u64(&pre, l->id);
	al_key_u64(&pre, team);
	int rc = al_key_prefix_end(&pre, &end);
	if (!rc)
		rc = al_txn_scan(t, &from, &end, cap_cb, &c);
	if (!rc) {
		/* what it holds at an instant: all its entries (0 once its expiry is
		 * recorded), less those dated after that instant */
		autolic_time upto = l->expires <= t->now ? l->expires : INT64_MAX;
		int64_t total = l->expired ? 0 : l->remaining;
		int64_t after = c.sum, low = total - after;
		for (size_t i = 0; i < c.n && (autolic_time)c.v[i].lot < upto; i++) {
			after -= c.v[i].amount;
			if ((i + 1 == c.n || c.v[i + 1].lot != c.v[i].lot) && total - after < low)
				low = total - after;
		}
		l->cap = low > 0 ? low : 0;
	}
	al_free(t->a, c.v);
	return rc;
}

/* The team's lots that hold tokens, in key order (expiry, then id), a few
 * keys per scan: a charge usually needs only the first one or two. */
#define LIVE_BATCH 4

typedef struct {
	autolic_id id[LIVE_BATCH];
	autolic_time expires[LIVE_BATCH];
	size_t n;
	al_key last;
} live_batch;

static int live_cb(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	(void)val;
	(void)vlen;
	live_batch *lb = arg;
	if (klen != 25)
		return al_err(AUTOLIC_ECORRUPT, "FLEX-2: malformed live lot key");
	lb->id[lb->n] = al_key_get_u64(key, 17);
	lb->expires[lb->n] = al_key_get_i64(key, 9);
	if (++lb->n < LIVE_BATCH)
		return 0;
	memcpy(lb->last.b, key, klen); /* the next batch starts after it */
	lb->last.len = klen;
	lb->last.overflow = 0;
	return 1;
}

/* Load, in expiry order, the live lots a charge of `amount` at `at` may
 * draw from: all of them when they do not cover it, else those up to the
 * expiry at which they do, that expiry complete (FLEX-2 orders lots of one
 * expiry by remaining, then id, so every lot of it is a candidate). The
 * allocation over them equals the allocation over all the team's lots.
 * `*usable` is what they hold usable at `at`; `*later` what lots bought
 * after `at` hold (for the refusal's message). */
static int live_lots(al_txn *t, autolic_id team, autolic_time at, int64_t amount,
                     al_flex_lotrec **out, size_t *n, int64_t *usable, int64_t *later)
{
	al_key from, end;
	al_key_init(&from, AL_K_FLEX_TEAM_LIVE);
	al_key_u64(&from, team);
	al_key_prefix_end(&from, &end);
	al_flex_lotrec *v = NULL;
	size_t cap = 0;
	int covered = 0, more = 1, rc = 0;
	autolic_time cover_exp = 0;
	*n = 0;
	*usable = *later = 0;
	while (!rc && more) {
		live_batch lb;
		lb.n = 0;
		rc = al_txn_scan(t, &from, &end, live_cb, &lb);
		if (rc == 1)
			rc = 0;
		more = lb.n == LIVE_BATCH;
		for (size_t i = 0; !rc && i < lb.n; i++) {
			if (covered && lb.expires[i] != cover_exp) {
				more = 0;
				break;
			}
			if (*n == cap) {
				size_t c = cap ? cap * 2 : 4;
				al_flex_lotrec *p = al_realloc(t->a, v, c * sizeof(*p));
				if (!p) {
					rc = al_err(AUTOLIC_ENOMEM, "out of memory loading lots");
					break;
				}
				v = p;
				cap = c;
			}
			al_flex_lotrec *l = &v[*n];
			rc = al_flex_lot_load(t, lb.id[i], l);
			if (!rc && (l->team != team || l->expires != lb.expires[i] || l->expired ||
			            l->remaining == 0))
				rc = al_err(AUTOLIC_ECORRUPT,
				            "FLEX-2: lot %llu is listed as holding tokens for team "
				            "%llu but does not",
				            (unsigned long long)l->id, (unsigned long long)team);
			if (rc)
				break;
			if ((rc = lot_cap(t, l, team, at)) != 0)
				break;
			(*n)++;
			*usable += l->cap;
			if (l->purchased > at)
				*later += l->remaining;
			if (!covered && *usable >= amount) {
				covered = 1;
				cover_exp = l->expires;
			}
		}
		if (more) {
			/* go on after the last key read: that key with a 0 byte appended
			 * is the next possible one */
			from = lb.last;
			from.b[from.len++] = 0;
		}
	}
	if (rc) {
		al_free(t->a, v);
		v = NULL;
		*n = 0;
	}
	*out = v;
	return rc;
}

/* SEAM-4: the team's lots whose recorded expiry may still give back what it
 * forfeited to pay for use at `at`: the expiry is after `at` and not final
 * (within the horizon), the lot was bought at or before `at`. Allocated;
 * `*usable` is what they forfeited. */
static int reclaim_lots(al_txn *t, const al_flex_team *tf, autolic_time at, al_flex_lotrec **out,
                        size_t *n, int64_t *usable)
{
	*out = NULL;
	*n = 0;
	*usable = 0;
	autolic_time final = al_flex_final_upto(t, tf);
	if (at >= tf->last_expired || tf->last_expired <= final)
		return 0; /* no recorded expiry after `at` is still open */
	al_flex_lotrec *v;
	size_t nv, k = 0;
	int rc = al_flex_lots_of(t, tf->id, 1, &v, &nv);
	if (rc)
		return rc;
	for (size_t i = 0; !rc && i < nv; i++) {
		al_flex_lotrec *l = &v[i];
		if (l->forfeited > 0 && l->expires > final &&
		    (rc = lot_cap(t, l, tf->id, at)) == 0 && l->cap > 0) {
			*usable += l->cap;
			v[k++] = *l;
		}
	}
	if (k && !rc) {
		*out = v;
		*n = k;
	} else {
		al_free(t->a, v);
		*usable = 0;
	}
	return rc;
}

/* Charge `w->rate` for a window opened at w->start: draws in FLEX-2 order
 * among the lots as they stood at that instant (SEAM-4: an expired lot whose
 * expiry is after it and not final pays from what it forfeited), one
 * CONSUME entry per lot; AUTOLIC_ENOTOKENS (nothing written) when those lots
 * plus any overage allowance do not cover it. */
static int charge(al_txn *t, al_flex_team *tf, autolic_id account, const char *product, win_rec *w)
{
	al_flex_lotrec *v = NULL, *old;
	size_t n = 0, nold;
	int64_t usable, later, reclaim;
	int rc = reclaim_lots(t, tf, w->start, &old, &nold, &reclaim);
	if (!rc)
		rc = live_lots(t, tf->id, w->start, w->rate - reclaim, &v, &n, &usable, &later);
	if (!rc && nold) {
		al_flex_lotrec *p = al_realloc(t->a, v, (n + nold) * sizeof(*p));
		if (!p) {
			rc = al_err(AUTOLIC_ENOMEM, "out of memory loading lots");
		} else {
			v = p;
			memcpy(v + n, old, nold * sizeof(*v));
			n += nold;
			usable += reclaim;
		}
	}
	al_free(t->a, old);
	if (rc) {
		al_free(t->a, v);
		return rc;
	}
	al_flex_lot *pure = al_calloc(t->a, n + 1, sizeof(*pure));
	w->draws = al_calloc(t->a, n + 1, sizeof(*w->draws));
	if (!pure || !w->draws) {
		rc = al_err(AUTOLIC_ENOMEM, "out of memory charging a window");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		pure[i].id = v[i].id;
		pure[i].purchased = v[i].purchased;
		pure[i].expires = v[i].expires;
		pure[i].quantity = v[i].quantity;
		pure[i].remaining = v[i].cap;
	}
	int64_t headroom = tf->overage_limit > tf->owed ? tf->overage_limit - tf->owed : 0;
	if (usable + headroom < w->rate) {
		rc = al_err(
		    AUTOLIC_ENOTOKENS,
		    "FLEX-5: not enough tokens: team %llu has %lld available at %lld and product "
		    "'%s' needs %lld%s",
		    (unsigned long long)tf->id, (long long)(usable + headroom), (long long)w->start,
		    product, (long long)w->rate,
		    later ? " (lots bought after that instant cannot pay for it, FLEX-1)" : "");
		goto out;
	}
	int64_t shortfall = al_flex_allocate(pure, n, w->start, w->rate, w->draws, &w->n);
	for (size_t i = 0; !rc && i < w->n; i++) {
		al_flex_lotrec *l = find_lot(v, n, w->draws[i].lot);
		int64_t amount = w->draws[i].amount, before = l->remaining;
		rc = al_flex_ledger_add(t, tf->id, AUTOLIC_FLEX_CONSUME, w->start, l->id, -amount,
		                        account, w->id, product, l->subscription);
		if (l->expired) {
			/* SEAM-4: the expiry forfeits that much less; the balance after
			 * it is unchanged, before it lower by the use */
			l->forfeited -= amount;
			if (!rc)
				rc = al_flex_ledger_add(t, tf->id, AUTOLIC_FLEX_EXPIRE, l->expires,
				                        l->id, amount, account, w->id, product,
				                        l->subscription);
		} else {
			l->remaining -= amount;
		}
		if (!rc)
			rc = lot_save(t, tf, l, before);
	}
	if (!rc && shortfall > 0) {
		/* FLEX-5 overage policy (off by default): the team owes the rest */
		tf->owed += shortfall;
		w->draws[w->n].lot = 0;
		w->draws[w->n].amount = shortfall;
		w->n++;
		rc = al_flex_ledger_add(t, tf->id, AUTOLIC_FLEX_CONSUME, w->start, 0, -shortfall,
		                        account, w->id, product, NULL);
	}
	w->tokens = w->rate;
out:
	al_free(t->a, pure);
	al_free(t->a, v);
	return rc;
}

static int refund_lot(al_txn *t, al_flex_team *tf, al_flex_lotrec *l, int64_t give, autolic_time at,
                      autolic_id account, const win_rec *w, const char *product)
{
	int64_t before = l->remaining;
	l->remaining += give;
	if (at > l->credited)
		l->credited = at;
	int rc = al_flex_ledger_add(t, l->team, AUTOLIC_FLEX_REFUND, at, l->id, give, account,
	                            w->id, product, l->subscription);
	if (!rc && (l->expired || l->expires <= t->now)) {
		/* the lot expired meanwhile: what comes back is forfeited, at the
		 * refund or, when that came first, at the expiry (SEAM-4) */
		l->remaining -= give;
		/* SEAM-4: a late window may take back what the lot held before its
		 * expiry, never what came back at or after it */
		if (at < l->expires)
			l->forfeited += give;
		rc = al_flex_ledger_add(t, l->team, AUTOLIC_FLEX_EXPIRE,
		                        at > l->expires ? at : l->expires, l->id, -give, 0, 0, NULL,
		                        l->subscription);
	}
	return rc ? rc : lot_save(t, tf, l, before);
}

/* FLEX-4: give a window's charge back to the lots it came from. */
static int refund(al_txn *t, al_flex_team *tf, autolic_id account, const char *product,
                  const win_rec *w, autolic_time at, int64_t *refunded)
{
	int rc = 0;
	*refunded = 0;
	for (size_t i = 0; !rc && i < w->n; i++) {
		int64_t amount = w->draws[i].amount;
		if (w->draws[i].lot) {
			al_flex_lotrec l;
			rc = al_flex_lot_load(t, w->draws[i].lot, &l);
			/* every token drawn comes back to its lot, also when an
			 * adjustment raised the lot meanwhile (it may then hold more
			 * than it was bought with) */
			if (!rc)
				rc = refund_lot(t, tf, &l, amount, at, account, w, product);
			*refunded += amount;
			continue;
		}
		/* overage part: cancel what is still owed, give the rest to the
		 * newest lots with room (a purchase repaid it meanwhile) */
		int64_t give = tf->owed < amount ? tf->owed : amount;
		if (give > 0) {
			tf->owed -= give;
			rc = al_flex_ledger_add(t, tf->id, AUTOLIC_FLEX_REFUND, at, 0, give,
			                        account, w->id, product, NULL);
		}
		int64_t rest = amount - give;
		al_flex_lotrec *v;
		size_t n;
		if (!rc && rest > 0 && (rc = al_flex_lots_of(t, tf->id, 0, &v, &n)) == 0) {
			for (size_t j = n; !rc && j-- > 0 && rest > 0;) {
				int64_t room = v[j].quantity - v[j].remaining;
				int64_t g = room < rest ? room : rest;
				if (g > 0 && v[j].expires > t->now) {
					rc = refund_lot(t, tf, &v[j], g, at, account, w, product);
					rest -= g;
				}
			}
			al_free(t->a, v);
		}
		*refunded += amount;
	}
	return rc;
}

/* Open a window at `start` for the session's (user, product), ending no
 * later than `limit` (the start of a later window: windows never overlap):
 * FLEX-6 priority first, then the rate in effect at `start` (FLEX-3). */
static int window_open(al_txn *t, al_flex_team *tf, const sess_rec *s, autolic_time start,
                       autolic_time limit, autolic_id opener, win_rec *w)
{
	memset(w, 0, sizeof(*w));
	w->team = tf->id;
	w->start = start;
	w->end = start + WINDOW < limit ? start + WINDOW : limit;
	w->opener = opener;
	w->opener_launch = opener ? start : 0;
	int held = 0;
	autolic_time trial_end = 0;
	int rc = rate_at(t, s->product, start, &w->rate);
	if (!rc)
		rc = al_seat_held(t, s->account, s->product, start, &held);
	if (!rc && !held)
		rc = trial_at(t, s->account, s->product, start, &trial_end);
	if (!rc)
		rc = al_txn_seq_next(t, "flex.window", &w->id);
	if (rc)
		return rc;
	if (held) {
		w->reason = AUTOLIC_FLEX_REASON_SEAT;
	} else if (trial_end) {
		w->reason = AUTOLIC_FLEX_REASON_TRIAL;
		if (trial_end < w->end)
			w->end = trial_end; /* tokens are used once the trial ends */
	} else {
		w->reason = AUTOLIC_FLEX_REASON_CHARGED;
		rc = charge(t, tf, s->account, s->product, w);
	}
	if (!rc)
		rc = win_store(t, s->account, s->product, w);
	if (!rc)
		rc = usage_store(t, s->account, s->product, w);
	if (rc)
		win_free(t, w);
	return rc;
}

/* ---- reports ---- */

typedef struct {
	int kind;
	char key[AUTOLIC_FLEX_KEY_MAX + 1];
	autolic_time at;
	autolic_id session, team, account;
	char product[AL_PRODUCT_CAP];
	autolic_flex_result res;
} report_args;

static void idem_key(al_key *k, const char *key)
{
	al_key_init(k, AL_K_FLEX_IDEM);
	al_key_str(k, key);
}

static void enc_result(al_buf *b, const report_args *a)
{
	al_enc_u8(b, (uint8_t)a->kind);
	al_enc_i64(b, a->at);
	al_enc_u64(b, a->session);
	al_enc_u64(b, a->team);
	al_enc_u64(b, a->account);
	al_enc_str(b, a->product);
	const autolic_flex_result *r = &a->res;
	al_enc_u64(b, r->session);
	al_enc_u8(b, (uint8_t)r->reason);
	al_enc_i64(b, r->charged);
	al_enc_i64(b, r->refunded);
	al_enc_u32(b, r->windows);
	al_enc_i64(b, r->window_start);
	al_enc_i64(b, r->window_end);
	al_enc_u8(b, (uint8_t)r->ended);
	al_enc_i64(b, r->end_code);
	al_enc_i64(b, r->ended_at);
}

/* The stored report and first result of an idempotency key (FLEX-13). */
static int idem_decode(al_rd *r, report_args *f)
{
	memset(f, 0, sizeof *f);
	f->kind = al_dec_enum(r, AUTOLIC_FLEX_LAUNCH, AUTOLIC_FLEX_CLOSE, "report kind");
	f->at = al_dec_i64(r);
	f->session = al_dec_u64(r);
	f->team = al_dec_u64(r);
	f->account = al_dec_u64(r);
	al_dec_str(r, f->product, sizeof f->product);
	autolic_flex_result *res = &f->res;
	res->session = al_dec_u64(r);
	res->reason =
	    al_dec_enum(r, AUTOLIC_FLEX_REASON_NONE, AUTOLIC_FLEX_REASON_REFUNDED, "reason");
	res->charged = al_dec_i64(r);
	res->refunded = al_dec_i64(r);
	res->windows = al_dec_u32(r);
	res->window_start = al_dec_i64(r);
	res->window_end = al_dec_i64(r);
	res->ended = al_dec_bool(r, "ended flag");
	res->end_code = (int)al_dec_i64(r);
	res->ended_at = al_dec_i64(r);
	return al_rd_done(r);
}

/* FLEX-13: a key seen before answers with its first result. */
static int idem_check(al_txn *t, report_args *a, int *seen)
{
	al_key k;
	al_buf b;
	al_rd r;
	idem_key(&k, a->key);
	al_buf_init(&b, t->a);
	*seen = 0;
	int rc = al_txn_get_rec(t, &k, AL_K_FLEX_IDEM, &b, &r, NULL);
	if (rc == AUTOLIC_ENOTFOUND) {
		al_buf_free(&b);
		return 0;
	}
	if (!rc) {
		report_args f;
		rc = idem_decode(&r, &f);
		if (!rc) {
			*seen = 1;
			if (f.kind != a->kind || f.at != a->at || f.session != a->session ||
			    f.team != a->team || f.account != a->account ||
			    strcmp(f.product, a->product))
				rc = al_err(
				    AUTOLIC_EEXISTS,
				    "FLEX-13: idempotency key '%s' was used for a different report",
				    a->key);
			else
				a->res = f.res;
		}
	}
	al_buf_free(&b);
	return rc;
}

static int idem_store(al_txn *t, const report_args *a)
{
	al_key k;
	al_buf b;
	al_buf_init(&b, t->a);
	al_rec_begin(&b, AL_K_FLEX_IDEM);
	enc_result(&b, a);
	idem_key(&k, a->key);
	int rc = al_txn_put(t, &k, &b);
	al_buf_free(&b);
	return rc;
}

static int count_others(al_txn *t, const sess_rec *s, int *others)
{
	al_flex_ids ids = {NULL, 0, 0, t->a};
	al_key k;
	open_key(&k, s->account, s->product, 0);
	int rc = al_txn_scan_prefix(t, &k, al_flex_collect_cb, &ids);
	*others = 0;
	for (size_t i = 0; i < ids.n; i++)
		*others += ids.v[i] != s->id;
	al_flex_ids_free(&ids);
	return rc;
}

static int launch(al_txn *t, report_args *a)
{
	al_account_brief acc; /* only its state is checked */
	autolic_flex_product_info p;
	al_flex_team tf;
	int ok = 0;
	int rc = al_flex_team_load(t, a->team, &tf);
	if (!rc)
		rc = horizon_check(t, &tf, a->at);
	if (!rc)
		rc = al_account_brief_load(t, a->account, &acc);
	if (!rc)
		rc = al_flex_product_load(t, a->product, &p);
	if (rc)
		return rc;
	if (acc.state == AUTOLIC_ACCOUNT_EXPIRED || acc.state == AUTOLIC_ACCOUNT_REMOVED)
		return al_err(AUTOLIC_EPERM, "ACCT-4: account %llu is %s and grants nothing",
		              (unsigned long long)a->account,
		              acc.state == AUTOLIC_ACCOUNT_EXPIRED ? "an expired invitation"
		                                                   : "removed");
	if ((rc = allowed_for(t, &tf, a->team, a->account, a->product, 1, &ok)) != 0)
		return rc;
	if (!ok)
		return al_err(
		    AUTOLIC_EPERM,
		    "FLEX-7: account %llu has no Flex access to product '%s' in team %llu",
		    (unsigned long long)a->account, a->product, (unsigned long long)a->team);
	/* SEAM-4: the expiries up to the launch instant first; those after it
	 * only once the window opened before them is paid */
	if ((rc = al_flex_expire_due(t, &tf, a->at, NULL)) != 0)
		return rc;

	/* the window holding `at` starts within (at - 24 h, at] */
	al_flex_input in;
	memset(&in, 0, sizeof in);
	in.kind = AUTOLIC_FLEX_LAUNCH;
	in.at = a->at;
	win_rec cur;
	int found = 0, later = 0;
	rc = win_find(t, a->account, a->product, a->at - WINDOW + 1, a->at, &cur, &found, &later, 0,
	              NULL, NULL, 0, 0, NULL);
	if (rc)
		return rc;
	win_to_pure(&cur, found, &in.win);
	in.later = later;
	al_flex_plan plan;
	al_flex_step(&in, &plan);
	if (plan.rc) {
		if (found)
			win_free(t, &cur);
		return al_err(plan.rc, "%s (launch at %lld)", plan.why, (long long)a->at);
	}
	sess_rec s;
	memset(&s, 0, sizeof s);
	s.team = a->team;
	s.account = a->account;
	strcpy(s.product, a->product);
	s.state = AL_FS_ACTIVE;
	s.last = s.launch = a->at;
	rc = al_txn_seq_next(t, "flex.session", &s.id);
	autolic_flex_result *res = &a->res;
	if (!rc && plan.join) {
		s.own_start = s.cur_start = cur.start;
		res->reason = AUTOLIC_FLEX_REASON_IN_WINDOW;
		res->window_start = cur.start;
		res->window_end = cur.end;
	} else if (!rc) {
		win_rec w;
		rc = window_open(t, &tf, &s, a->at, INT64_MAX, s.id, &w);
		if (!rc) {
			s.own_start = s.cur_start = w.start;
			res->reason = w.reason;
			res->charged = w.tokens;
			res->windows = 1;
			res->window_start = w.start;
			res->window_end = w.end;
			win_free(t, &w);
		}
	}
	if (found)
		win_free(t, &cur);
	res->session = s.id;
	al_key k;
	open_key(&k, s.account, s.product, s.id);
	if (!rc)
		rc = al_flex_expire_due(t, &tf, t->now, NULL);
	if (!rc)
		rc = sess_store(t, &s);
	if (!rc)
		rc = put_empty(t, &k);
	if (!rc)
		rc = low_update(t, &tf);
	return rc;
}

/* FLEX-3: use of the session's (user, product) at `x` needs a window. Windows
 * never overlap: use at `x` joins the window holding it; else a window opens
 * at `x`, ending no later than the next window (a report that comes late
 * may find one there: the use before it is charged, the use after it joins
 * it; nothing is charged twice). `*w` is the window entered, `*opened`
 * whether this call opened it. */
static int window_enter(al_txn *t, al_flex_team *tf, const sess_rec *s, autolic_time x,
                        win_rec *w, int *opened)
{
	int found = 0;
	autolic_time next;
	*opened = 0;
	int rc = win_find(t, s->account, s->product, x - WINDOW + 1, x, w, &found, NULL, 0, NULL,
	                  NULL, 0, 0, &next);
	if (rc)
		return rc;
	if (found && x < w->end)
		return 0; /* joined: nothing charged */
	if (found)
		win_free(t, w);
	rc = window_open(t, tf, s, x, next, 0, w);
	if (!rc)
		*opened = 1;
	return rc;
}

static int follow_up(al_txn *t, report_args *a)
{
	sess_rec s;
	al_flex_team tf;
	int rc = sess_load(t, a->session, &s);
	if (!rc)
		rc = al_flex_team_load(t, s.team, &tf);
	if (!rc)
		rc = horizon_check(t, &tf, a->at);
	if (rc)
		return rc;
	/* SEAM-4: expiries older than the horizon are final: recorded first */
	autolic_time final = al_flex_final_upto(t, &tf);
	al_flex_input in;
	memset(&in, 0, sizeof in);
	in.kind = a->kind;
	in.at = a->at;
	in.session = s.id;
	in.state = s.state;
	in.last = s.last;
	win_rec own, cur;
	int own_found = 0, cur_found = 0;
	if (!s.cur_known) {
		/* a session recorded before format 3: its current window is the latest
		 * one starting at or before its last report */
		rc = win_find(t, s.account, s.product, s.own_start, s.last, &cur, &cur_found, NULL,
		              0, NULL, NULL, 0, 0, NULL);
		if (!rc && cur_found) {
			s.cur_start = cur.start;
			win_free(t, &cur);
		}
	}
	if (!rc)
		rc = win_find(t, s.account, s.product, s.cur_start, s.cur_start, &cur, &cur_found,
		              NULL, s.cur_start, &own, &own_found, s.id, a->at, NULL);
	/* FLEX-4: other open sessions matter only to a close that could refund */
	if (!rc && a->kind == AUTOLIC_FLEX_CLOSE && own_found && own.opener == s.id &&
	    a->at - own.opener_launch <= AUTOLIC_FLEX_REFUND_SECONDS)
		rc = count_others(t, &s, &in.others_open);
	win_to_pure(&own, own_found, &in.own);
	win_to_pure(&cur, cur_found, &in.win);
	if (cur_found)
		win_free(t, &cur);
	int has_cur = cur_found;
	autolic_time cur_end = in.win.end;
	al_flex_plan plan;
	if (!rc) {
		al_flex_step(&in, &plan);
		if (plan.rc)
			rc = al_err(plan.rc, "%s (session %llu, report at %lld)", plan.why,
			            (unsigned long long)s.id, (long long)a->at);
	}
	autolic_flex_result *res = &a->res;
	res->session = s.id;
	if (!rc && plan.open) {
		/* Windows follow each other from the current end (a trial may end
		 * one early, so this walks actual ends rather than plan.n_open). */
		autolic_time x = plan.first;
		while (!rc) {
			win_rec w;
			int opened = 0;
			/* SEAM-4: an expiry is recorded only after every window opened
			 * before it is paid */
			rc = al_flex_expire_due(t, &tf, x > final ? x : final, NULL);
			if (!rc)
				rc = window_enter(t, &tf, &s, x, &w, &opened);
			if (rc == AUTOLIC_ENOTOKENS) {
				/* FLEX-5: the session ends where the unpaid window would start */
				rc = 0;
				al_err_clear();
				res->ended = 1;
				res->end_code = AUTOLIC_ENOTOKENS;
				res->ended_at = x;
				break;
			}
			if (rc)
				break;
			if (opened) {
				res->charged += w.tokens;
				res->windows++;
				res->reason = w.reason;
			} else {
				res->reason = AUTOLIC_FLEX_REASON_IN_WINDOW; /* joined */
			}
			has_cur = 1;
			s.cur_start = w.start;
			cur_end = w.end;
			win_free(t, &w);
			if (plan.open != AL_FO_ROLLOVER || a->at < cur_end)
				break;
			x = cur_end;
		}
	}
	if (!rc && has_cur && !res->ended) {
		res->window_start = s.cur_start;
		res->window_end = cur_end;
	}
	if (!rc)
		rc = al_flex_expire_due(t, &tf, t->now, NULL);
	if (!rc && plan.refund) {
		rc = refund(t, &tf, s.account, s.product, &own, a->at, &res->refunded);
		al_key k;
		window_key(&k, s.account, s.product, own.start);
		if (!rc)
			rc = al_txn_del(t, &k);
		own.reason = AUTOLIC_FLEX_REASON_REFUNDED;
		own.tokens = 0;
		if (!rc)
			rc = usage_store(t, s.account, s.product, &own);
		res->reason = AUTOLIC_FLEX_REASON_REFUNDED;
		res->window_start = res->window_end = 0;
	}
	if (own_found)
		win_free(t, &own);
	if (rc)
		return rc;
	int was_open = s.state == AL_FS_ACTIVE || s.state == AL_FS_IDLE;
	/* a close ends the session also when its use ran out of tokens (FLEX-5):
	 * later reports of it are refused */
	s.state = a->kind == AUTOLIC_FLEX_CLOSE ? AL_FS_CLOSED
	          : res->ended                  ? AL_FS_ENDED
	                                        : plan.new_state;
	s.last = a->at;
	s.cur_known = 1;
	if (was_open && (s.state == AL_FS_CLOSED || s.state == AL_FS_ENDED)) {
		al_key k;
		open_key(&k, s.account, s.product, s.id);
		rc = al_txn_del(t, &k);
	}
	if (!rc && res->ended)
		rc = al_txn_event(
		    t, AUTOLIC_EVENT_FLEX_SESSION_ENDED, s.account, s.team, s.id, s.product,
		    "FLEX-5",
		    "session %llu of '%s' ended at %lld: not enough tokens to open the next "
		    "window",
		    (unsigned long long)s.id, s.product, (long long)res->ended_at);
	if (!rc)
		rc = sess_store(t, &s);
	if (!rc)
		rc = low_update(t, &tf);
	return rc;
}

static int report_fn(al_txn *t, void *arg)
{
	report_args *a = arg;
	unsigned int version = a->res.version;
	memset(&a->res, 0, sizeof a->res);
	a->res.version = version;
	if (a->at > t->now)
		return al_err(AUTOLIC_EINVAL,
		              "FLEX-3: the report time %lld is after the clock's %lld",
		              (long long)a->at, (long long)t->now);
	int seen;
	int rc = idem_check(t, a, &seen);
	if (rc || seen)
		return rc ? rc
		          : al_err(AUTOLIC_EDUPLICATE,
		                   "FLEX-13: the report with key '%s' was already applied; first "
		                   "result "
		                   "returned",
		                   a->key);
	rc = a->kind == AUTOLIC_FLEX_LAUNCH ? launch(t, a) : follow_up(t, a);
	return rc ? rc : idem_store(t, a);
}

int autolic_flex_report(autolic_db *db, const autolic_flex_report_spec *spec,
                        autolic_flex_result *result)
{
	al_err_clear();
	if (!db || !spec)
		return al_err(AUTOLIC_EINVAL, "db and spec are required");
	if (spec->version == 0 || spec->version > AUTOLIC_FLEX_REPORT_SPEC_VERSION)
		return al_err(AUTOLIC_EVERSION,
		              "autolic_flex_report_spec version %u is not supported",
		              spec->version);
	if (result && (result->version == 0 || result->version > AUTOLIC_FLEX_RESULT_VERSION))
		return al_err(AUTOLIC_EVERSION, "autolic_flex_result version %u is not supported",
		              result->version);
	report_args args;
	report_args *a = &args;
	memset(a, 0, sizeof(*a));
	int rc = 0;
	size_t kl = spec->key ? strlen(spec->key) : 0;
	autolic_time wend;
	if (spec->kind < AUTOLIC_FLEX_LAUNCH || spec->kind > AUTOLIC_FLEX_CLOSE)
		rc = al_err(AUTOLIC_EINVAL, "FLEX-3: unknown report kind %d", spec->kind);
	else if (kl < 1 || kl > AUTOLIC_FLEX_KEY_MAX)
		rc = al_err(AUTOLIC_EINVAL,
		            "FLEX-13: every report needs an idempotency key of 1 to %d bytes",
		            AUTOLIC_FLEX_KEY_MAX);
	else if (al_text_check(spec->key, AUTOLIC_FLEX_KEY_MAX, AL_TEXT_REQUIRED, "FLEX-13",
	                       "report idempotency key"))
		rc = AUTOLIC_EINVAL;
	else if (spec->time <= 0)
		rc = al_err(AUTOLIC_EINVAL, "FLEX-3: the report time must be positive");
	else if (al_time_add(spec->time, WINDOW, &wend, "the report time's window end"))
		rc = AUTOLIC_EINVAL;
	else if (spec->kind == AUTOLIC_FLEX_LAUNCH) {
		if (!spec->team || !spec->account)
			rc = al_err(AUTOLIC_EINVAL, "FLEX-3: a launch names its team and account");
		else
			rc = al_product_norm(spec->product, a->product, "FLEX-3", "product code");
		if (!rc && spec->session)
			rc = al_err(AUTOLIC_EINVAL,
			            "FLEX-3: a launch starts a session; session must be 0");
	} else if (!spec->session) {
		rc = al_err(AUTOLIC_EINVAL, "FLEX-3: activity, idle and close name their session");
	}
	if (!rc) {
		a->kind = spec->kind;
		memcpy(a->key, spec->key, kl + 1);
		a->at = spec->time;
		if (spec->kind == AUTOLIC_FLEX_LAUNCH) {
			a->team = spec->team;
			a->account = spec->account;
		} else {
			a->session = spec->session;
		}
		a->res.version = result ? result->version : AUTOLIC_FLEX_RESULT_VERSION;
		rc = al_run(db, 1, report_fn, a);
		if (result && (rc == 0 || rc == AUTOLIC_EDUPLICATE))
			*result = a->res;
	}
	return rc;
}

/* ---- the whole-store check (autolic_db_check) ---- */

typedef struct idem_scan {
	al_flex_ids sessions; /* the sessions the stored results name */
} idem_scan;

static int idem_cb(const void *key, size_t kl, const void *v, size_t vl, void *arg)
{
	(void)key, (void)kl;
	idem_scan *is = arg;
	al_rd r;
	report_args f;
	int rc = al_rec_open(&r, v, vl, AL_K_FLEX_IDEM);
	if (!rc)
		rc = idem_decode(&r, &f);
	if (!rc && f.res.session)
		rc = al_flex_ids_push(&is->sessions, f.res.session);
	return rc;
}

int al_flex_idem_check_all(al_txn *t)
{
	idem_scan is = {{NULL, 0, 0, t->a}};
	al_key k;
	al_key_init(&k, AL_K_FLEX_IDEM);
	int rc = al_txn_scan_prefix(t, &k, idem_cb, &is);
	for (size_t i = 0; !rc && i < is.sessions.n; i++) {
		sess_rec s;
		rc = sess_load(t, is.sessions.v[i], &s);
		if (rc == AUTOLIC_ENOTFOUND)
			rc = al_err(
			    AUTOLIC_ECORRUPT,
			    "FLEX-13: a stored report names session %llu, which does not exist",
			    (unsigned long long)is.sessions.v[i]);
	}
	al_flex_ids_free(&is.sessions);
	return rc;
}
