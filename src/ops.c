/* Fusion Operations: hubs, licences, operators, payment (OPS-1..OPS-7).
 * The rules are in docs/rules.md; the decisions they leave open in docs/operators.md. */
#include "ops.h"
#include "account.h"
#include "core/error.h"
#include "core/snap.h"
#include "core/txn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY 86400

/* ---- pure rules ---- */

int al_ops_cand_cmp(const al_ops_cand *a, const al_ops_cand *b)
{
	if (a->has_production != b->has_production)
		return a->has_production ? 1 : -1; /* no production record first */
	if (a->has_production && a->last_production != b->last_production)
		return a->last_production < b->last_production ? -1 : 1;
	if (a->created != b->created)
		return a->created < b->created ? -1 : 1;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return 0;
}

static int cand_qsort_cmp(const void *a, const void *b) { return al_ops_cand_cmp(a, b); }

size_t al_ops_select_excess(al_ops_cand *c, size_t n, uint64_t licences)
{
	if ((uint64_t)n <= licences)
		return 0;
	if (n > 1)
		qsort(c, n, sizeof(*c), cand_qsort_cmp);
	return n - (size_t)licences;
}

int64_t al_ops_days_left(autolic_time now, autolic_time end)
{
	if (now >= end)
		return 0;
	int64_t left = end - now;
	return left / DAY + (left % DAY != 0);
}

int al_ops_payment_state(int late, autolic_time due, autolic_time now)
{
	if (!late)
		return AUTOLIC_OPS_PAYMENT_OK;
	return now < due + AUTOLIC_OPS_PAYMENT_GRACE ? AUTOLIC_OPS_PAYMENT_WARNING
	                                             : AUTOLIC_OPS_PAYMENT_BLOCKED;
}

/* ---- records ---- */

typedef struct hub_rec {
	autolic_id id, tenant;
	char name[AUTOLIC_OPS_HUB_NAME_MAX + 1];
	autolic_time created, trial_end;
	uint64_t trial_operators;
	int provisioned;
	autolic_time provisioned_at;
	int late;
	autolic_time due;
	uint64_t active_licensed; /* active operators that hold a shop-floor licence */
	uint64_t active_users;    /* active users (each holds a user licence) */
} hub_rec;

typedef struct sub_rec {
	uint64_t number;
	autolic_id tenant;
	int kind;
	uint32_t quantity;
	autolic_time start, end;
} sub_rec;

typedef struct user_rec {
	autolic_id account;
	int active;
	autolic_time since; /* when the user licence was (re)assigned */
	autolic_time created;
} user_rec;

typedef struct op_rec {
	autolic_id id, hub;
	char number[AUTOLIC_OPS_NUMBER_MAX + 1];
	char name[AUTOLIC_OPS_OPERATOR_NAME_MAX + 1];
	autolic_id user;
	int active, reason;
	autolic_time created, deactivated;
	int has_production;
	autolic_time last_production;
	uint64_t production_count;
} op_rec;

static void hub_key(al_key *k, autolic_id hub)
{
	al_key_init(k, AL_K_OPS_HUB);
	al_key_u64(k, hub);
}

static void key2(al_key *k, uint8_t prefix, uint64_t a, uint64_t b)
{
	al_key_init(k, prefix);
	al_key_u64(k, a);
	al_key_u64(k, b);
}

static void key1(al_key *k, uint8_t prefix, uint64_t a)
{
	al_key_init(k, prefix);
	al_key_u64(k, a);
}

static int put_empty(al_txn *t, const al_key *k) { return al_txn_put_raw(t, k, "", 0); }

static int hub_store(al_txn *t, const hub_rec *h)
{
	al_key k;
	al_buf b;
	al_buf_init(&b, t->a);
	al_rec_begin(&b, AL_K_OPS_HUB);
	al_enc_u64(&b, h->id);
	al_enc_u64(&b, h->tenant);
	al_enc_str(&b, h->name);
	al_enc_i64(&b, h->created);
	al_enc_i64(&b, h->trial_end);
	al_enc_u64(&b, h->trial_operators);
	al_enc_u8(&b, (uint8_t)h->provisioned);
	al_enc_i64(&b, h->provisioned_at);
	al_enc_u8(&b, (uint8_t)h->late);
	al_enc_i64(&b, h->due);
	al_enc_u64(&b, h->active_licensed);
	al_enc_u64(&b, h->active_users);
	hub_key(&k, h->id);
	int rc = al_txn_put(t, &k, &b);
	al_buf_free(&b);
	return rc;
}

static int hub_load(al_txn *t, autolic_id id, hub_rec *h)
{
	al_key k;
	al_buf b;
	al_rd r;
	hub_key(&k, id);
	al_buf_init(&b, t->a);
	int rc = al_txn_get_rec(t, &k, AL_K_OPS_HUB, &b, &r,
	                        "OPS-1: hub %llu does not exist", (unsigned long long)id);
	if (!rc) {
		h->id = al_dec_u64(&r);
		h->tenant = al_dec_u64(&r);
		al_dec_str(&r, h->name, sizeof h->name);
		h->created = al_dec_i64(&r);
		h->trial_end = al_dec_i64(&r);
		h->trial_operators = al_dec_u64(&r);
		h->provisioned = al_dec_u8(&r);
		h->provisioned_at = al_dec_i64(&r);
		h->late = al_dec_u8(&r);
		h->due = al_dec_i64(&r);
		h->active_licensed = al_dec_u64(&r);
		h->active_users = al_dec_u64(&r);
		rc = al_rd_done(&r);
	}
	al_buf_free(&b);
	return rc;
}

static int hub_state(const hub_rec *h, autolic_time now)
{
	if (h->provisioned)
		return AUTOLIC_OPS_HUB_PROVISIONED;
	return now < h->trial_end ? AUTOLIC_OPS_HUB_TRIAL : AUTOLIC_OPS_HUB_TRIAL_ENDED;
}

static void sub_encode(al_buf *b, const sub_rec *s)
{
	al_rec_begin(b, AL_K_OPS_SUB);
	al_enc_u64(b, s->number);
	al_enc_u64(b, s->tenant);
	al_enc_u8(b, (uint8_t)s->kind);
	al_enc_u32(b, s->quantity);
	al_enc_i64(b, s->start);
	al_enc_i64(b, s->end);
}

static int sub_decode(const void *p, size_t len, sub_rec *s)
{
	al_rd r;
	int rc = al_rec_open(&r, p, len, AL_K_OPS_SUB);
	if (rc)
		return rc;
	s->number = al_dec_u64(&r);
	s->tenant = al_dec_u64(&r);
	s->kind = al_dec_u8(&r);
	s->quantity = al_dec_u32(&r);
	s->start = al_dec_i64(&r);
	s->end = al_dec_i64(&r);
	return al_rd_done(&r);
}

static int sub_store(al_txn *t, const sub_rec *s)
{
	al_key k;
	al_buf b;
	al_buf_init(&b, t->a);
	sub_encode(&b, s);
	key2(&k, AL_K_OPS_SUB, s->tenant, s->number);
	int rc = al_txn_put(t, &k, &b);
	al_buf_free(&b);
	return rc;
}

static int sub_load(al_txn *t, uint64_t number, sub_rec *s)
{
	al_key k;
	al_buf b;
	al_rd r;
	key1(&k, AL_K_OPS_SUB_NUMBER, number);
	al_buf_init(&b, t->a);
	int rc = al_txn_get_rec(t, &k, AL_K_OPS_SUB_NUMBER, &b, &r, NULL);
	autolic_id tenant = 0;
	if (!rc) {
		tenant = al_dec_u64(&r);
		rc = al_rd_done(&r);
	}
	if (!rc) {
		key2(&k, AL_K_OPS_SUB, tenant, number);
		rc = al_txn_get(t, &k, &b);
		if (!rc)
			rc = sub_decode(b.p, b.len, s);
		if (rc == AUTOLIC_ENOTFOUND)
			rc = al_err(AUTOLIC_ECORRUPT, "subscription %llu is indexed but missing",
			            (unsigned long long)number);
	} else if (rc == AUTOLIC_ENOTFOUND) {
		rc = al_err(AUTOLIC_ENOTFOUND, "OPS-2: subscription %llu does not exist",
		            (unsigned long long)number);
	}
	al_buf_free(&b);
	return rc;
}

static int user_store(al_txn *t, autolic_id hub, const user_rec *u)
{
	al_key k;
	al_buf b;
	al_buf_init(&b, t->a);
	al_rec_begin(&b, AL_K_OPS_USER);
	al_enc_u64(&b, u->account);
	al_enc_u8(&b, (uint8_t)u->active);
	al_enc_i64(&b, u->since);
	al_enc_i64(&b, u->created);
	key2(&k, AL_K_OPS_USER, hub, u->account);
	int rc = al_txn_put(t, &k, &b);
	al_buf_free(&b);
	return rc;
}

static int user_decode(const void *p, size_t len, user_rec *u)
{
	al_rd r;
	int rc = al_rec_open(&r, p, len, AL_K_OPS_USER);
	if (rc)
		return rc;
	u->account = al_dec_u64(&r);
	u->active = al_dec_u8(&r);
	u->since = al_dec_i64(&r);
	u->created = al_dec_i64(&r);
	return al_rd_done(&r);
}

/* AUTOLIC_ENOTFOUND without a message when the account is not a user of the hub. */
static int user_load(al_txn *t, autolic_id hub, autolic_id account, user_rec *u)
{
	al_key k;
	al_buf b;
	key2(&k, AL_K_OPS_USER, hub, account);
	al_buf_init(&b, t->a);
	int rc = al_txn_get(t, &k, &b);
	if (!rc)
		rc = user_decode(b.p, b.len, u);
	al_buf_free(&b);
	return rc;
}

static void op_encode(al_buf *b, const op_rec *o)
{
	al_rec_begin(b, AL_K_OPS_OPERATOR);
	al_enc_u64(b, o->id);
	al_enc_u64(b, o->hub);
	al_enc_str(b, o->number);
	al_enc_str(b, o->name);
	al_enc_u64(b, o->user);
	al_enc_u8(b, (uint8_t)o->active);
	al_enc_u8(b, (uint8_t)o->reason);
	al_enc_i64(b, o->created);
	al_enc_i64(b, o->deactivated);
	al_enc_u8(b, (uint8_t)o->has_production);
	al_enc_i64(b, o->last_production);
	al_enc_u64(b, o->production_count);
}

static int op_decode(const void *p, size_t len, op_rec *o)
{
	al_rd r;
	int rc = al_rec_open(&r, p, len, AL_K_OPS_OPERATOR);
	if (rc)
		return rc;
	o->id = al_dec_u64(&r);
	o->hub = al_dec_u64(&r);
	al_dec_str(&r, o->number, sizeof o->number);
	al_dec_str(&r, o->name, sizeof o->name);
	o->user = al_dec_u64(&r);
	o->active = al_dec_u8(&r);
	o->reason = al_dec_u8(&r);
	o->created = al_dec_i64(&r);
	o->deactivated = al_dec_i64(&r);
	o->has_production = al_dec_u8(&r);
	o->last_production = al_dec_i64(&r);
	o->production_count = al_dec_u64(&r);
	return al_rd_done(&r);
}

static int op_store(al_txn *t, const op_rec *o)
{
	al_key k;
	al_buf b;
	al_buf_init(&b, t->a);
	op_encode(&b, o);
	key2(&k, AL_K_OPS_OPERATOR, o->hub, o->id);
	int rc = al_txn_put(t, &k, &b);
	al_buf_free(&b);
	return rc;
}

static int op_load(al_txn *t, autolic_id id, op_rec *o)
{
	al_key k;
	al_buf b;
	al_rd r;
	key1(&k, AL_K_OPS_OP_HUB, id);
	al_buf_init(&b, t->a);
	int rc = al_txn_get_rec(t, &k, AL_K_OPS_OP_HUB, &b, &r, NULL);
	autolic_id hub = 0;
	if (!rc) {
		hub = al_dec_u64(&r);
		rc = al_rd_done(&r);
	}
	if (!rc) {
		key2(&k, AL_K_OPS_OPERATOR, hub, id);
		rc = al_txn_get(t, &k, &b);
		if (!rc)
			rc = op_decode(b.p, b.len, o);
		if (rc == AUTOLIC_ENOTFOUND)
			rc = al_err(AUTOLIC_ECORRUPT, "operator %llu is indexed but missing",
			            (unsigned long long)id);
	} else if (rc == AUTOLIC_ENOTFOUND) {
		rc = al_err(AUTOLIC_ENOTFOUND, "operator %llu does not exist", (unsigned long long)id);
	}
	al_buf_free(&b);
	return rc;
}

/* ---- growable arrays filled by scans ---- */

typedef struct vec {
	void *v;
	size_t n, cap, size;
	const al_alloc *a;
} vec;

static void *vec_push(vec *x)
{
	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 16;
		void *v = al_realloc(x->a, x->v, cap * x->size);
		if (!v)
			return NULL;
		x->v = v;
		x->cap = cap;
	}
	return (char *)x->v + x->n++ * x->size;
}

static void vec_free(vec *x)
{
	al_free(x->a, x->v);
	x->v = NULL;
	x->n = x->cap = 0;
}

static int scan_nomem(void) { return al_err(AUTOLIC_ENOMEM, "out of memory reading Fusion Operations records"); }

static int collect_ops_cb(const void *k, size_t kl, const void *v, size_t vl, void *arg)
{
	(void)k;
	(void)kl;
	op_rec *o = vec_push(arg);
	return o ? op_decode(v, vl, o) : scan_nomem();
}

static int collect_users_cb(const void *k, size_t kl, const void *v, size_t vl, void *arg)
{
	(void)k;
	(void)kl;
	user_rec *u = vec_push(arg);
	return u ? user_decode(v, vl, u) : scan_nomem();
}

/* The last u64 of a key (an id). */
static int collect_last_id_cb(const void *k, size_t kl, const void *v, size_t vl, void *arg)
{
	(void)v;
	(void)vl;
	if (kl < 9)
		return al_err(AUTOLIC_ECORRUPT, "Fusion Operations index key too short");
	autolic_id *id = vec_push(arg);
	if (!id)
		return scan_nomem();
	*id = al_key_get_u64(k, kl - 8);
	return 0;
}

/* ---- licences (OPS-2) ---- */

typedef struct lic_counts {
	uint64_t user_total, shop_total;
	int shop_subscribed, any;
	autolic_time now;
} lic_counts;

static int sum_subs_cb(const void *k, size_t kl, const void *v, size_t vl, void *arg)
{
	(void)k;
	(void)kl;
	lic_counts *c = arg;
	sub_rec s;
	int rc = sub_decode(v, vl, &s);
	if (rc)
		return rc;
	c->any = 1;
	if (s.start <= c->now && c->now < s.end) {
		if (s.kind == AUTOLIC_OPS_USER)
			c->user_total += s.quantity;
		else {
			c->shop_total += s.quantity;
			c->shop_subscribed = 1;
		}
	}
	return 0;
}

static int licences_of(al_txn *t, autolic_id tenant, lic_counts *c)
{
	memset(c, 0, sizeof(*c));
	c->now = t->now;
	al_key k;
	key1(&k, AL_K_OPS_SUB, tenant);
	return al_txn_scan_prefix(t, &k, sum_subs_cb, c);
}

/* Licensed operators the hub may have active now: the trial allowance until
 * provisioning, then the active shop-floor licences. */
static uint64_t shop_limit(const hub_rec *h, const lic_counts *c)
{
	return h->provisioned ? c->shop_total : h->trial_operators;
}

/* ---- permissions (ROLE-7) ---- */

static int require_active_actor(al_txn *t, autolic_id actor)
{
	al_account_brief a; /* only its state is read */
	int rc = al_account_brief_load(t, actor, &a);
	if (rc == AUTOLIC_ENOTFOUND)
		return al_err(AUTOLIC_EPERM, "ROLE-7: acting account %llu does not exist",
		              (unsigned long long)actor);
	if (rc)
		return rc;
	if (a.state != AUTOLIC_ACCOUNT_ACTIVE)
		return al_err(AUTOLIC_EPERM, "ROLE-7: acting account %llu is not active",
		              (unsigned long long)actor);
	return 0;
}

static int is_admin(al_txn *t, autolic_id tenant, autolic_id account)
{
	al_key k;
	key2(&k, AL_K_OPS_ADMIN, tenant, account);
	return al_txn_exists(t, &k);
}

/* The actor is ACTIVE and is the tenant or an admin the tenant named. */
static int require_admin(al_txn *t, autolic_id tenant, autolic_id actor, const char *what)
{
	int rc = require_active_actor(t, actor);
	if (rc || actor == tenant)
		return rc;
	rc = is_admin(t, tenant, actor);
	if (rc < 0)
		return rc;
	if (!rc)
		return al_err(AUTOLIC_EPERM,
		              "ROLE-7: account %llu may not %s: only the tenant (account %llu) or an "
		              "admin it named administers its Fusion Operations",
		              (unsigned long long)actor, what, (unsigned long long)tenant);
	return 0;
}

static int hub_for_admin(al_txn *t, autolic_id hub, autolic_id actor, hub_rec *h, const char *what)
{
	int rc = hub_load(t, hub, h);
	return rc ? rc : require_admin(t, h->tenant, actor, what);
}

/* An account counts as deactivated once removed or its invitation expired. */
static int account_usable(al_txn *t, autolic_id account, int *usable)
{
	al_account_brief a; /* only its state is read */
	int rc = al_account_brief_load(t, account, &a);
	if (rc == AUTOLIC_ENOTFOUND) {
		al_err_clear();
		*usable = 0;
		return 0;
	}
	if (!rc)
		*usable = a.state == AUTOLIC_ACCOUNT_ACTIVE || a.state == AUTOLIC_ACCOUNT_INVITED;
	return rc;
}

/* The hub user is active and their account usable (OPS-3). */
static int user_active(al_txn *t, autolic_id hub, autolic_id account, int *active)
{
	user_rec u;
	int rc = user_load(t, hub, account, &u);
	if (rc == AUTOLIC_ENOTFOUND) {
		*active = 0;
		return 0;
	}
	if (rc)
		return rc;
	if (!u.active) {
		*active = 0;
		return 0;
	}
	return account_usable(t, account, active);
}

/* ---- deactivation ---- */

static const char *reason_rule(int reason)
{
	switch (reason) {
	case AUTOLIC_OPS_REASON_USER: return "OPS-3";
	case AUTOLIC_OPS_REASON_LICENCES: return "OPS-5";
	default: return "OPS-2";
	}
}

/* Deactivate an active operator, store it, emit the event. The caller keeps
 * the hub's counters. */
static int op_deactivate(al_txn *t, const hub_rec *h, op_rec *o, int reason, const char *why)
{
	o->active = 0;
	o->reason = reason;
	o->deactivated = t->now;
	int rc = op_store(t, o);
	if (rc)
		return rc;
	return al_txn_event(t, AUTOLIC_EVENT_OPERATOR_DEACTIVATED, h->tenant, 0, o->id, NULL,
	                    reason_rule(reason), "operator %s '%s' of hub %llu was deactivated: %s",
	                    o->number, o->name, (unsigned long long)h->id, why);
}

static int collect_ops(al_txn *t, autolic_id hub, vec *ops)
{
	al_key k;
	key1(&k, AL_K_OPS_OPERATOR, hub);
	return al_txn_scan_prefix(t, &k, collect_ops_cb, ops);
}

/* OPS-5: when the hub has more active licensed operators than it may, the
 * excess is deactivated in the order of al_ops_select_excess(). */
static int enforce_licences(al_txn *t, hub_rec *h, uint64_t *count)
{
	lic_counts c;
	int rc = licences_of(t, h->tenant, &c);
	if (rc)
		return rc;
	uint64_t limit = shop_limit(h, &c);
	if (h->active_licensed <= limit)
		return 0;
	vec ops = {NULL, 0, 0, sizeof(op_rec), t->a};
	al_ops_cand *cand = NULL;
	rc = collect_ops(t, h->id, &ops);
	size_t n = 0;
	if (!rc) {
		cand = al_malloc(t->a, (ops.n ? ops.n : 1) * sizeof(*cand));
		if (!cand)
			rc = al_err(AUTOLIC_ENOMEM, "out of memory selecting operators to deactivate");
	}
	op_rec *all = ops.v;
	for (size_t i = 0; !rc && i < ops.n; i++) {
		if (!all[i].active || all[i].user)
			continue;
		cand[n].id = all[i].id;
		cand[n].created = all[i].created;
		cand[n].has_production = all[i].has_production;
		cand[n].last_production = all[i].last_production;
		n++;
	}
	if (!rc && n != h->active_licensed)
		rc = al_err(AUTOLIC_ECORRUPT, "hub %llu counts %llu active licensed operators, %zu stored",
		            (unsigned long long)h->id, (unsigned long long)h->active_licensed, n);
	size_t k = rc ? 0 : al_ops_select_excess(cand, n, limit);
	for (size_t i = 0; !rc && i < k; i++) {
		/* find the record: `all` is sorted by id (key order) */
		size_t lo = 0, hi = ops.n;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (all[mid].id < cand[i].id)
				lo = mid + 1;
			else
				hi = mid;
		}
		op_rec *o = &all[lo];
		char why[200];
		if (o->has_production)
			snprintf(why, sizeof why,
			         "OPS-5: %llu shop-floor licences for %zu active operators; its last "
			         "production record (%lld) is among the oldest",
			         (unsigned long long)limit, n, (long long)o->last_production);
		else
			snprintf(why, sizeof why,
			         "OPS-5: %llu shop-floor licences for %zu active operators; it has no "
			         "production record",
			         (unsigned long long)limit, n);
		rc = op_deactivate(t, h, o, AUTOLIC_OPS_REASON_LICENCES, why);
	}
	if (!rc) {
		h->active_licensed -= k;
		if (count)
			*count += k;
	}
	al_free(t->a, cand);
	vec_free(&ops);
	return rc;
}

/* OPS-3: deactivate the active operators made from `account`. */
static int deactivate_user_ops(al_txn *t, hub_rec *h, autolic_id account, const char *why,
                               uint64_t *count)
{
	vec ids = {NULL, 0, 0, sizeof(autolic_id), t->a};
	al_key k;
	key2(&k, AL_K_OPS_USER_OP, h->id, account);
	int rc = al_txn_scan_prefix(t, &k, collect_last_id_cb, &ids);
	for (size_t i = 0; !rc && i < ids.n; i++) {
		op_rec o;
		rc = op_load(t, ((autolic_id *)ids.v)[i], &o);
		if (!rc && o.active) {
			rc = op_deactivate(t, h, &o, AUTOLIC_OPS_REASON_USER, why);
			if (!rc && count)
				(*count)++;
		}
	}
	vec_free(&ids);
	return rc;
}

/* ---- validation ---- */

static int check_text(const char *s, size_t max, const char *what)
{
	if (!s || !*s)
		return al_err(AUTOLIC_EINVAL, "%s is required", what);
	size_t n = strlen(s);
	if (n > max)
		return al_err(AUTOLIC_EINVAL, "%s is longer than %zu bytes", what, max);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return al_err(AUTOLIC_EINVAL, "%s contains a control character", what);
	return 0;
}

static int check_number(const char *s)
{
	if (!s || !*s)
		return al_err(AUTOLIC_EINVAL, "operator number is required");
	size_t n = strlen(s);
	if (n > AUTOLIC_OPS_NUMBER_MAX)
		return al_err(AUTOLIC_EINVAL, "operator number is longer than %d bytes",
		              AUTOLIC_OPS_NUMBER_MAX);
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			return al_err(AUTOLIC_EINVAL,
			              "operator number may hold only letters, digits, '-', '_' and '.'");
	}
	return 0;
}

static int check_db_actor(autolic_db *db, autolic_id actor)
{
	if (!db)
		return al_err(AUTOLIC_EINVAL, "db is NULL");
	if (!actor)
		return al_err(AUTOLIC_EINVAL, "ROLE-7: actor is 0; every change names the acting account");
	return 0;
}

/* ---- hubs (OPS-1) ---- */

typedef struct hub_create_args {
	autolic_id actor;
	const autolic_ops_hub_spec *spec;
	autolic_id tenant, id;
} hub_create_args;

static int stop_cb(const void *k, size_t kl, const void *v, size_t vl, void *arg)
{
	(void)k;
	(void)kl;
	(void)v;
	(void)vl;
	(void)arg;
	return 1;
}

/* 1 when the tenant bought a subscription, 0 when not, or an error. */
static int has_purchase(al_txn *t, autolic_id tenant)
{
	al_key k;
	key1(&k, AL_K_OPS_SUB, tenant);
	return al_txn_scan_prefix(t, &k, stop_cb, NULL);
}

static int tenant_hub(al_txn *t, autolic_id tenant, autolic_id *hub)
{
	al_key k;
	al_buf b;
	al_rd r;
	key1(&k, AL_K_OPS_TENANT_HUB, tenant);
	al_buf_init(&b, t->a);
	int rc = al_txn_get_rec(t, &k, AL_K_OPS_TENANT_HUB, &b, &r, NULL);
	if (!rc) {
		*hub = al_dec_u64(&r);
		rc = al_rd_done(&r);
	}
	al_buf_free(&b);
	return rc;
}

/* OPS-1: a tenant `actor` may create a hub for: purchase made, no hub yet. */
static int tenant_candidate(al_txn *t, autolic_id tenant, int *ok)
{
	autolic_id hub;
	int rc = tenant_hub(t, tenant, &hub);
	if (rc == 0) {
		*ok = 0;
		return 0;
	}
	if (rc != AUTOLIC_ENOTFOUND)
		return rc;
	rc = has_purchase(t, tenant);
	if (rc < 0)
		return rc;
	*ok = rc == 1;
	return 0;
}

static int choose_tenant(al_txn *t, autolic_id actor, autolic_id *tenant)
{
	vec ts = {NULL, 0, 0, sizeof(autolic_id), t->a};
	al_key k;
	key1(&k, AL_K_OPS_ADMIN_OF, actor);
	int rc = al_txn_scan_prefix(t, &k, collect_last_id_cb, &ts);
	size_t found = 0;
	autolic_id chosen = 0;
	for (size_t i = 0; !rc && i <= ts.n; i++) {
		autolic_id cand = i < ts.n ? ((autolic_id *)ts.v)[i] : actor;
		int ok = 0;
		rc = tenant_candidate(t, cand, &ok);
		if (!rc && ok) {
			found++;
			chosen = cand;
		}
	}
	vec_free(&ts);
	if (rc)
		return rc;
	if (found == 0)
		return al_err(AUTOLIC_ENOTFOUND,
		              "OPS-1: account %llu administers no tenant that has a purchase and no hub",
		              (unsigned long long)actor);
	if (found > 1)
		return al_err(AUTOLIC_EINVAL,
		              "OPS-1: account %llu may create a hub for %zu tenants; name one in spec->tenant",
		              (unsigned long long)actor, found);
	*tenant = chosen;
	return 0;
}

static int hub_create_fn(al_txn *t, void *arg)
{
	hub_create_args *a = arg;
	autolic_id tenant = a->spec->tenant;
	int rc = require_active_actor(t, a->actor);
	if (!rc && !tenant)
		rc = choose_tenant(t, a->actor, &tenant);
	if (rc)
		return rc;
	al_account_brief acc; /* only that the account exists */
	rc = al_account_brief_load(t, tenant, &acc);
	if (rc)
		return rc == AUTOLIC_ENOTFOUND
		               ? al_err(AUTOLIC_ENOTFOUND, "OPS-1: tenant account %llu does not exist",
		                        (unsigned long long)tenant)
		               : rc;
	rc = require_admin(t, tenant, a->actor, "create a hub");
	if (rc)
		return rc;
	autolic_id existing;
	rc = tenant_hub(t, tenant, &existing);
	if (rc == 0)
		return al_err(AUTOLIC_EEXISTS, "OPS-1: tenant %llu already has hub %llu",
		              (unsigned long long)tenant, (unsigned long long)existing);
	if (rc != AUTOLIC_ENOTFOUND)
		return rc;
	rc = has_purchase(t, tenant);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return al_err(AUTOLIC_ESTATE,
		              "OPS-1: a hub is created after purchase; tenant %llu has no subscription",
		              (unsigned long long)tenant);
	hub_rec h;
	memset(&h, 0, sizeof h);
	rc = al_txn_seq_next(t, "ops_hub", &h.id);
	if (rc)
		return rc;
	h.tenant = tenant;
	snprintf(h.name, sizeof h.name, "%s", a->spec->name);
	h.created = t->now;
	h.trial_end = t->now + a->spec->trial_period;
	h.trial_operators = a->spec->trial_operators;
	rc = hub_store(t, &h);
	if (rc)
		return rc;
	al_key k;
	al_buf b;
	al_buf_init(&b, t->a);
	al_rec_begin(&b, AL_K_OPS_TENANT_HUB);
	al_enc_u64(&b, h.id);
	key1(&k, AL_K_OPS_TENANT_HUB, tenant);
	rc = al_txn_put(t, &k, &b);
	al_buf_free(&b);
	a->tenant = tenant;
	a->id = h.id;
	return rc;
}

int autolic_ops_hub_create(autolic_db *db, autolic_id actor, const autolic_ops_hub_spec *spec,
                           autolic_id *hub)
{
	int rc = check_db_actor(db, actor);
	if (rc)
		return rc;
	if (!spec)
		return al_err(AUTOLIC_EINVAL, "spec is NULL");
	if ((rc = al_version_check(spec->version, AUTOLIC_OPS_HUB_SPEC_VERSION, "autolic_ops_hub_spec")) ||
	    (rc = check_text(spec->name, AUTOLIC_OPS_HUB_NAME_MAX, "OPS-1: hub name")))
		return rc;
	if (spec->trial_period <= 0 || spec->trial_period > 366 * (int64_t)DAY)
		return al_err(AUTOLIC_EINVAL, "OPS-1: trial period must be 1 s to 366 days, not %lld s",
		              (long long)spec->trial_period);
	hub_create_args a = {actor, spec, 0, 0};
	rc = al_run(db, 1, hub_create_fn, &a);
	if (!rc && hub)
		*hub = a.id;
	return rc;
}

static void hub_to_info(const hub_rec *h, autolic_time now, autolic_ops_hub_info *info)
{
	unsigned int v = info->version;
	memset(info, 0, sizeof(*info));
	info->version = v;
	info->id = h->id;
	info->tenant = h->tenant;
	memcpy(info->name, h->name, sizeof info->name);
	info->created = h->created;
	info->state = hub_state(h, now);
	info->trial_end = h->trial_end;
	info->trial_days_left = h->provisioned ? 0 : al_ops_days_left(now, h->trial_end);
	info->trial_operators = h->trial_operators;
	info->provisioned = h->provisioned ? h->provisioned_at : 0;
	info->payment_state = al_ops_payment_state(h->late, h->due, now);
	if (h->late) {
		info->payment_due = h->due;
		info->payment_block = h->due + AUTOLIC_OPS_PAYMENT_GRACE;
		info->payment_days_left = al_ops_days_left(now, info->payment_block);
	}
}

typedef struct hub_get_args {
	autolic_id id;
	hub_rec h;
	autolic_time now;
} hub_get_args;

static int hub_get_fn(al_txn *t, void *arg)
{
	hub_get_args *a = arg;
	a->now = t->now;
	return hub_load(t, a->id, &a->h);
}

int autolic_ops_hub_get(autolic_db *db, autolic_id hub, autolic_ops_hub_info *info)
{
	if (!db || !info)
		return al_err(AUTOLIC_EINVAL, "db and info are required");
	int rc = al_version_check(info->version, AUTOLIC_OPS_HUB_INFO_VERSION, "autolic_ops_hub_info");
	if (rc)
		return rc;
	hub_get_args a;
	a.id = hub;
	rc = al_run(db, 0, hub_get_fn, &a);
	if (!rc)
		hub_to_info(&a.h, a.now, info);
	return rc;
}

typedef struct find_args {
	autolic_id key, out;
	const char *number;
} find_args;

static int hub_find_fn(al_txn *t, void *arg)
{
	find_args *a = arg;
	int rc = tenant_hub(t, a->key, &a->out);
	if (rc == AUTOLIC_ENOTFOUND)
		rc = al_err(AUTOLIC_ENOTFOUND, "OPS-1: tenant %llu has no hub", (unsigned long long)a->key);
	return rc;
}

int autolic_ops_hub_find(autolic_db *db, autolic_id tenant, autolic_id *hub)
{
	if (!db || !hub)
		return al_err(AUTOLIC_EINVAL, "db and hub are required");
	find_args a = {tenant, 0, NULL};
	int rc = al_run(db, 0, hub_find_fn, &a);
	if (!rc)
		*hub = a.out;
	return rc;
}

typedef struct hub_op_args {
	autolic_id actor, hub;
	uint64_t count;
} hub_op_args;

static int provision_fn(al_txn *t, void *arg)
{
	hub_op_args *a = arg;
	hub_rec h;
	a->count = 0;
	int rc = hub_for_admin(t, a->hub, a->actor, &h, "provision the hub");
	if (rc)
		return rc;
	if (h.provisioned)
		return al_err(AUTOLIC_ESTATE, "OPS-1: hub %llu is already provisioned",
		              (unsigned long long)h.id);
	h.provisioned = 1;
	h.provisioned_at = t->now;
	rc = enforce_licences(t, &h, &a->count);
	return rc ? rc : hub_store(t, &h);
}

int autolic_ops_hub_provision(autolic_db *db, autolic_id actor, autolic_id hub,
                              uint64_t *deactivated)
{
	int rc = check_db_actor(db, actor);
	if (rc)
		return rc;
	hub_op_args a = {actor, hub, 0};
	rc = al_run(db, 1, provision_fn, &a);
	if (!rc && deactivated)
		*deactivated = a.count;
	return rc;
}

static int reconcile_fn(al_txn *t, void *arg)
{
	hub_op_args *a = arg;
	hub_rec h;
	a->count = 0;
	int rc = hub_for_admin(t, a->hub, a->actor, &h, "reconcile the hub");
	if (rc)
		return rc;
	/* OPS-3 first: an operator whose user is gone takes no licence anyway */
	vec ops = {NULL, 0, 0, sizeof(op_rec), t->a};
	rc = collect_ops(t, h.id, &ops);
	op_rec *all = ops.v;
	for (size_t i = 0; !rc && i < ops.n; i++) {
		if (!all[i].active || !all[i].user)
			continue;
		int active = 0;
		rc = user_active(t, h.id, all[i].user, &active);
		if (!rc && !active) {
			char why[120];
			snprintf(why, sizeof why, "OPS-3: user account %llu it was created from is deactivated",
			         (unsigned long long)all[i].user);
			rc = op_deactivate(t, &h, &all[i], AUTOLIC_OPS_REASON_USER, why);
			a->count++;
		}
	}
	vec_free(&ops);
	if (!rc)
		rc = enforce_licences(t, &h, &a->count);
	return rc ? rc : hub_store(t, &h);
}

int autolic_ops_hub_reconcile(autolic_db *db, autolic_id actor, autolic_id hub,
                              uint64_t *deactivated)
{
	int rc = check_db_actor(db, actor);
	if (rc)
		return rc;
	hub_op_args a = {actor, hub, 0};
	rc = al_run(db, 1, reconcile_fn, &a);
	if (!rc && deactivated)
		*deactivated = a.count;
	return rc;
}

/* ---- admins (ROLE-7) ---- */

typedef struct admin_args {
	autolic_id actor, tenant, account;
	int add;
} admin_args;

static int admin_fn(al_txn *t, void *arg)
{
	admin_args *a = arg;
	int rc = require_active_actor(t, a->actor);
	if (rc)
		return rc;
	if (a->actor != a->tenant)
		return al_err(AUTOLIC_EPERM,
		              "ROLE-7: only the tenant (account %llu) names or withdraws its Fusion "
		              "Operations admins, not account %llu",
		              (unsigned long long)a->tenant, (unsigned long long)a->actor);
	al_key k1, k2;
	key2(&k1, AL_K_OPS_ADMIN, a->tenant, a->account);
	key2(&k2, AL_K_OPS_ADMIN_OF, a->account, a->tenant);
	rc = al_txn_exists(t, &k1);
	if (rc < 0)
		return rc;
	if (a->add) {
		if (rc)
			return al_err(AUTOLIC_EEXISTS, "account %llu is already an admin of tenant %llu",
			              (unsigned long long)a->account, (unsigned long long)a->tenant);
		al_account_brief acc; /* only that the account exists */
		rc = al_account_brief_load(t, a->account, &acc);
		if (!rc)
			rc = put_empty(t, &k1);
		return rc ? rc : put_empty(t, &k2);
	}
	if (!rc)
		return al_err(AUTOLIC_ENOTFOUND, "account %llu is not an admin of tenant %llu",
		              (unsigned long long)a->account, (unsigned long long)a->tenant);
	rc = al_txn_del(t, &k1);
	return rc ? rc : al_txn_del(t, &k2);
}

static int admin_call(autolic_db *db, autolic_id actor, autolic_id tenant, autolic_id account,
                      int add)
{
	int rc = check_db_actor(db, actor);
	if (rc)
		return rc;
	if (!tenant || !account)
		return al_err(AUTOLIC_EINVAL, "tenant and account are required");
	if (tenant == account)
		return al_err(AUTOLIC_EINVAL, "the tenant administers its hub already; it is not named admin");
	admin_args a = {actor, tenant, account, add};
	return al_run(db, 1, admin_fn, &a);
}

int autolic_ops_admin_add(autolic_db *db, autolic_id actor, autolic_id tenant, autolic_id account)
{
	return admin_call(db, actor, tenant, account, 1);
}

int autolic_ops_admin_remove(autolic_db *db, autolic_id actor, autolic_id tenant,
                             autolic_id account)
{
	return admin_call(db, actor, tenant, account, 0);
}

/* ---- subscriptions (OPS-2, ROLE-9) ---- */

typedef struct sub_buy_args {
	autolic_id actor;
	autolic_time start; /* as asked: 0 for now */
	sub_rec s;
} sub_buy_args;

/* OPS-5 on the tenant's hub, if it has one. */
static int enforce_tenant(al_txn *t, autolic_id tenant, uint64_t *count)
{
	autolic_id hub;
	int rc = tenant_hub(t, tenant, &hub);
	if (rc == AUTOLIC_ENOTFOUND)
		return 0;
	hub_rec h;
	if (!rc)
		rc = hub_load(t, hub, &h);
	if (rc)
		return rc;
	uint64_t before = h.active_licensed;
	rc = enforce_licences(t, &h, count);
	if (!rc && h.active_licensed != before)
		rc = hub_store(t, &h);
	return rc;
}

static int sub_buy_fn(al_txn *t, void *arg)
{
	sub_buy_args *a = arg;
	sub_rec *s = &a->s;
	al_account_brief acc; /* only that the account exists */
	int rc = al_account_brief_load(t, s->tenant, &acc);
	if (rc == AUTOLIC_ENOTFOUND)
		return al_err(AUTOLIC_ENOTFOUND, "OPS-2: tenant account %llu does not exist",
		              (unsigned long long)s->tenant);
	if (!rc)
		rc = require_admin(t, s->tenant, a->actor, "buy a subscription");
	if (rc)
		return rc;
	s->start = a->start ? a->start : t->now;
	if (s->end <= s->start || s->end <= t->now)
		return al_err(AUTOLIC_EINVAL, "OPS-2: the term must end after its start and after now");
	/* ROLE-9: always a new subscription with a new number */
	rc = al_txn_seq_next(t, "ops_subscription", &s->number);
	if (!rc)
		rc = sub_store(t, s);
	if (rc)
		return rc;
	al_key k;
	al_buf b;
	al_buf_init(&b, t->a);
	al_rec_begin(&b, AL_K_OPS_SUB_NUMBER);
	al_enc_u64(&b, s->tenant);
	key1(&k, AL_K_OPS_SUB_NUMBER, s->number);
	rc = al_txn_put(t, &k, &b);
	al_buf_free(&b);
	return rc;
}

int autolic_ops_subscription_buy(autolic_db *db, autolic_id actor,
                                 const autolic_ops_subscription_spec *spec, uint64_t *number)
{
	int rc = check_db_actor(db, actor);
	if (rc)
		return rc;
	if (!spec)
		return al_err(AUTOLIC_EINVAL, "spec is NULL");
	rc = al_version_check(spec->version, AUTOLIC_OPS_SUBSCRIPTION_SPEC_VERSION,
	                   "autolic_ops_subscription_spec");
	if (rc)
		return rc;
	if (!spec->tenant)
		return al_err(AUTOLIC_EINVAL, "OPS-2: tenant is required");
	if (spec->kind != AUTOLIC_OPS_USER && spec->kind != AUTOLIC_OPS_SHOP_FLOOR)
		return al_err(AUTOLIC_EINVAL, "OPS-2: kind %d is neither user nor shop-floor", spec->kind);
	if (spec->quantity == 0)
		return al_err(AUTOLIC_EINVAL, "OPS-2: quantity must be at least 1");
	if (spec->start < 0)
		return al_err(AUTOLIC_EINVAL, "OPS-2: term start is negative");
	sub_buy_args a;
	memset(&a, 0, sizeof a);
	a.actor = actor;
	a.s.tenant = spec->tenant;
	a.s.kind = spec->kind;
	a.s.quantity = spec->quantity;
	a.s.end = spec->end;
	a.start = spec->start;
	rc = al_run(db, 1, sub_buy_fn, &a);
	if (!rc && number)
		*number = a.s.number;
	return rc;
}

typedef struct sub_get_args {
	uint64_t number;
	sub_rec s;
	autolic_time now;
} sub_get_args;

static int sub_get_fn(al_txn *t, void *arg)
{
	sub_get_args *a = arg;
	a->now = t->now;
	return sub_load(t, a->number, &a->s);
}

int autolic_ops_subscription_get(autolic_db *db, uint64_t number, autolic_ops_subscription_info *info)
{
	if (!db || !info)
		return al_err(AUTOLIC_EINVAL, "db and info are required");
	int rc = al_version_check(info->version, AUTOLIC_OPS_SUBSCRIPTION_INFO_VERSION,
	                       "autolic_ops_subscription_info");
	if (rc)
		return rc;
	sub_get_args a;
	a.number = number;
	rc = al_run(db, 0, sub_get_fn, &a);
	if (!rc) {
		unsigned int v = info->version;
		memset(info, 0, sizeof(*info));
		info->version = v;
		info->number = a.s.number;
		info->tenant = a.s.tenant;
		info->kind = a.s.kind;
		info->quantity = a.s.quantity;
		info->start = a.s.start;
		info->end = a.s.end;
		info->active = a.s.start <= a.now && a.now < a.s.end;
	}
	return rc;
}

typedef struct sub_change_args {
	autolic_id actor;
	uint64_t number;
	uint32_t quantity; /* 0: end the subscription now */
	uint64_t count;
} sub_change_args;

static int sub_change_fn(al_txn *t, void *arg)
{
	sub_change_args *a = arg;
	sub_rec s;
	a->count = 0;
	int rc = sub_load(t, a->number, &s);
	if (!rc)
		rc = require_admin(t, s.tenant, a->actor,
		                   a->quantity ? "change a subscription" : "end a subscription");
	if (rc)
		return rc;
	if (s.end <= t->now)
		return al_err(AUTOLIC_ESTATE, "OPS-2: subscription %llu ended at %lld",
		              (unsigned long long)s.number, (long long)s.end);
	if (a->quantity) {
		s.quantity = a->quantity;
	} else {
		s.end = t->now;
		if (s.start > s.end)
			s.start = s.end;
	}
	rc = sub_store(t, &s);
	return rc ? rc : enforce_tenant(t, s.tenant, &a->count);
}

static int sub_change(autolic_db *db, autolic_id actor, uint64_t number, uint32_t quantity,
                      uint64_t *deactivated)
{
	int rc = check_db_actor(db, actor);
	if (rc)
		return rc;
	if (!number)
		return al_err(AUTOLIC_EINVAL, "OPS-2: subscription number is 0");
	sub_change_args a = {actor, number, quantity, 0};
	rc = al_run(db, 1, sub_change_fn, &a);
	if (!rc && deactivated)
		*deactivated = a.count;
	return rc;
}

int autolic_ops_subscription_set_quantity(autolic_db *db, autolic_id actor, uint64_t number,
                                          uint32_t quantity, uint64_t *deactivated)
{
	if (quantity == 0)
		return al_err(AUTOLIC_EINVAL, "OPS-2: quantity must be at least 1; end the subscription instead");
	return sub_change(db, actor, number, quantity, deactivated);
}

int autolic_ops_subscription_end(autolic_db *db, autolic_id actor, uint64_t number,
                                 uint64_t *deactivated)
{
	return sub_change(db, actor, number, 0, deactivated);
}

/* ---- licence counts (OPS-2) ---- */

typedef struct lic_args {
	autolic_id hub;
	autolic_ops_licence_info info;
} lic_args;

static int lic_fn(al_txn *t, void *arg)
{
	lic_args *a = arg;
	hub_rec h;
	lic_counts c;
	int rc = hub_load(t, a->hub, &h);
	if (!rc)
		rc = licences_of(t, h.tenant, &c);
	if (rc)
		return rc;
	autolic_ops_licence_info *i = &a->info;
	memset(i, 0, sizeof(*i));
	i->user_total = c.user_total;
	i->user_used = h.active_users;
	i->user_available = c.user_total > h.active_users ? c.user_total - h.active_users : 0;
	i->shop_floor_subscribed = c.shop_subscribed;
	i->shop_floor_total = shop_limit(&h, &c);
	i->shop_floor_used = h.active_licensed;
	i->shop_floor_available =
		i->shop_floor_total > h.active_licensed ? i->shop_floor_total - h.active_licensed : 0;
	return 0;
}

int autolic_ops_licences_get(autolic_db *db, autolic_id hub, autolic_ops_licence_info *info)
{
	if (!db || !info)
		return al_err(AUTOLIC_EINVAL, "db and info are required");
	int rc = al_version_check(info->version, AUTOLIC_OPS_LICENCE_INFO_VERSION,
	                       "autolic_ops_licence_info");
	if (rc)
		return rc;
	lic_args a;
	a.hub = hub;
	rc = al_run(db, 0, lic_fn, &a);
	if (!rc) {
		a.info.version = info->version;
		*info = a.info;
	}
	return rc;
}

int autolic_ops_shop_floor_available(autolic_db *db, autolic_id hub, uint64_t *available)
{
	if (!db || !available)
		return al_err(AUTOLIC_EINVAL, "db and available are required");
	*available = 0;
	lic_args a;
	a.hub = hub;
	int rc = al_run(db, 0, lic_fn, &a);
	if (rc)
		return rc;
	if (!a.info.shop_floor_subscribed)
		return al_err(AUTOLIC_ENOTFOUND,
		              "OPS-2: the tenant of hub %llu has no shop-floor subscription; no operator "
		              "licence information is shown",
		              (unsigned long long)hub);
	*available = a.info.shop_floor_available;
	return 0;
}

/* ---- users (OPS-2, OPS-3, OPS-7) ---- */

typedef struct user_args {
	autolic_id actor, hub, account;
	int action; /* 0 add, 1 deactivate, 2 reactivate */
} user_args;

static int need_user_licence(al_txn *t, const hub_rec *h)
{
	lic_counts c;
	int rc = licences_of(t, h->tenant, &c);
	if (rc)
		return rc;
	if (h->active_users >= c.user_total)
		return al_err(AUTOLIC_ENOSEAT, "OPS-2: all %llu user licences of hub %llu are in use",
		              (unsigned long long)c.user_total, (unsigned long long)h->id);
	return 0;
}

static int user_fn(al_txn *t, void *arg)
{
	static const char *what[] = {"add a user", "deactivate a user", "reactivate a user"};
	user_args *a = arg;
	hub_rec h;
	int rc = hub_for_admin(t, a->hub, a->actor, &h, what[a->action]);
	if (!rc)
		rc = enforce_licences(t, &h, NULL);
	if (rc)
		return rc;
	user_rec u;
	rc = user_load(t, h.id, a->account, &u);
	if (rc && rc != AUTOLIC_ENOTFOUND)
		return rc;
	int known = rc == 0;
	if (a->action == 0) {
		if (known)
			return al_err(AUTOLIC_EEXISTS, "account %llu is already a user of hub %llu",
			              (unsigned long long)a->account, (unsigned long long)h.id);
		al_account_brief acc; /* only its state is read */
		rc = al_account_brief_load(t, a->account, &acc);
		if (rc == AUTOLIC_ENOTFOUND)
			return al_err(AUTOLIC_ENOTFOUND, "OPS-2: unknown user: account %llu does not exist",
			              (unsigned long long)a->account);
		if (rc)
			return rc;
		if (acc.state == AUTOLIC_ACCOUNT_REMOVED || acc.state == AUTOLIC_ACCOUNT_EXPIRED)
			return al_err(AUTOLIC_ESTATE, "OPS-2: account %llu is removed or its invitation expired",
			              (unsigned long long)a->account);
		rc = need_user_licence(t, &h);
		if (rc)
			return rc;
		u.account = a->account;
		u.active = 1;
		u.since = u.created = t->now;
		h.active_users++;
	} else {
		if (!known)
			return al_err(AUTOLIC_ENOTFOUND, "OPS-2: unknown user: account %llu is not a user of hub %llu",
			              (unsigned long long)a->account, (unsigned long long)h.id);
		if (a->action == 1) {
			if (!u.active)
				return al_err(AUTOLIC_ESTATE, "user %llu of hub %llu is already deactivated",
				              (unsigned long long)a->account, (unsigned long long)h.id);
			u.active = 0;
			h.active_users--;
			char why[120];
			snprintf(why, sizeof why, "OPS-3: user account %llu it was created from was deactivated",
			         (unsigned long long)a->account);
			rc = deactivate_user_ops(t, &h, a->account, why, NULL);
		} else {
			if (u.active)
				return al_err(AUTOLIC_ESTATE, "user %llu of hub %llu is already active",
				              (unsigned long long)a->account, (unsigned long long)h.id);
			int usable = 0;
			rc = account_usable(t, a->account, &usable);
			if (!rc && !usable)
				rc = al_err(AUTOLIC_ESTATE, "OPS-3: account %llu is removed or its invitation expired",
				            (unsigned long long)a->account);
			if (!rc)
				rc = need_user_licence(t, &h);
			u.active = 1;
			u.since = t->now;
			h.active_users++;
		}
		if (rc)
			return rc;
	}
	rc = user_store(t, h.id, &u);
	return rc ? rc : hub_store(t, &h);
}

static int user_call(autolic_db *db, autolic_id actor, autolic_id hub, autolic_id account, int action)
{
	int rc = check_db_actor(db, actor);
	if (rc)
		return rc;
	if (!hub || !account)
		return al_err(AUTOLIC_EINVAL, "hub and account are required");
	user_args a = {actor, hub, account, action};
	return al_run(db, 1, user_fn, &a);
}

int autolic_ops_user_add(autolic_db *db, autolic_id actor, autolic_id hub, autolic_id account)
{
	return user_call(db, actor, hub, account, 0);
}

int autolic_ops_user_deactivate(autolic_db *db, autolic_id actor, autolic_id hub, autolic_id account)
{
	return user_call(db, actor, hub, account, 1);
}

int autolic_ops_user_reactivate(autolic_db *db, autolic_id actor, autolic_id hub, autolic_id account)
{
	return user_call(db, actor, hub, account, 2);
}

/* Users in the order their licences were assigned: earlier first, then lower id. */
static int user_order_cmp(const void *pa, const void *pb)
{
	const user_rec *a = pa, *b = pb;
	if (a->since != b->since)
		return a->since < b->since ? -1 : 1;
	return a->account < b->account ? -1 : a->account > b->account;
}

typedef struct access_args {
	autolic_id hub, account;
} access_args;

static int access_fn(al_txn *t, void *arg)
{
	access_args *a = arg;
	hub_rec h;
	int rc = hub_load(t, a->hub, &h);
	if (rc)
		return rc;
	if (hub_state(&h, t->now) == AUTOLIC_OPS_HUB_TRIAL_ENDED)
		return al_err(AUTOLIC_ENOLICENCE,
		              "OPS-1: no valid licence: the trial of hub %llu ended at %lld without provisioning",
		              (unsigned long long)h.id, (long long)h.trial_end);
	if (al_ops_payment_state(h.late, h.due, t->now) == AUTOLIC_OPS_PAYMENT_BLOCKED)
		return al_err(AUTOLIC_ENOLICENCE,
		              "OPS-6: no valid licence: a payment due at %lld is late past the 30-day "
		              "warning; access is blocked until it is paid",
		              (long long)h.due);
	user_rec u;
	rc = user_load(t, h.id, a->account, &u);
	if (rc == AUTOLIC_ENOTFOUND)
		return al_err(AUTOLIC_ENOLICENCE,
		              "OPS-7: no valid licence: account %llu holds no user licence of hub %llu",
		              (unsigned long long)a->account, (unsigned long long)h.id);
	if (rc)
		return rc;
	int usable = 0;
	if (u.active && (rc = account_usable(t, a->account, &usable)) != 0)
		return rc;
	if (!u.active || !usable)
		return al_err(AUTOLIC_ENOLICENCE,
		              "OPS-7: no valid licence: user %llu of hub %llu is deactivated",
		              (unsigned long long)a->account, (unsigned long long)h.id);
	lic_counts c;
	rc = licences_of(t, h.tenant, &c);
	if (rc || h.active_users <= c.user_total)
		return rc;
	/* more active users than licences: the last assigned are uncovered */
	vec users = {NULL, 0, 0, sizeof(user_rec), t->a};
	al_key k;
	key1(&k, AL_K_OPS_USER, h.id);
	rc = al_txn_scan_prefix(t, &k, collect_users_cb, &users);
	if (!rc) {
		user_rec *v = users.v;
		size_t m = 0;
		for (size_t i = 0; i < users.n; i++)
			if (v[i].active)
				v[m++] = v[i];
		qsort(v, m, sizeof(*v), user_order_cmp);
		size_t rank = 0;
		while (rank < m && v[rank].account != a->account)
			rank++;
		if (rank >= c.user_total)
			rc = al_err(AUTOLIC_ENOLICENCE,
			            "OPS-7: no valid licence: hub %llu has %llu user licences for %zu active "
			            "users and account %llu's licence was assigned among the last",
			            (unsigned long long)h.id, (unsigned long long)c.user_total, m,
			            (unsigned long long)a->account);
	}
	vec_free(&users);
	return rc;
}

int autolic_ops_access_check(autolic_db *db, autolic_id hub, autolic_id account)
{
	if (!db)
		return al_err(AUTOLIC_EINVAL, "db is NULL");
	if (!account)
		return al_err(AUTOLIC_EINVAL, "account is 0");
	access_args a = {hub, account};
	return al_run(db, 0, access_fn, &a);
}

/* ---- operators ---- */

/* OPS-4: a licensed operator may become active now. */
static int need_shop_licence(al_txn *t, const hub_rec *h)
{
	if (hub_state(h, t->now) == AUTOLIC_OPS_HUB_TRIAL_ENDED)
		return al_err(AUTOLIC_EEXPIRED, "OPS-1: the trial of hub %llu ended; provision it first",
		              (unsigned long long)h->id);
	lic_counts c;
	int rc = licences_of(t, h->tenant, &c);
	if (rc)
		return rc;
	uint64_t limit = shop_limit(h, &c);
	if (h->active_licensed >= limit)
		return al_err(AUTOLIC_ENOOPLICENCE,
		              "OPS-4: all licences for operators are in use (%llu of %llu%s)",
		              (unsigned long long)h->active_licensed, (unsigned long long)limit,
		              h->provisioned ? "" : " allowed during the trial");
	return 0;
}

typedef struct op_add_args {
	autolic_id actor, hub, account;
	const char *number, *name;
	autolic_id id;
} op_add_args;

static int op_create(al_txn *t, hub_rec *h, op_add_args *a, const char *name)
{
	al_key k;
	key1(&k, AL_K_OPS_OP_NUMBER, h->id);
	al_key_str(&k, a->number);
	int rc = al_txn_exists(t, &k);
	if (rc < 0)
		return rc;
	if (rc)
		return al_err(AUTOLIC_EEXISTS, "operator number '%s' is already used in hub %llu",
		              a->number, (unsigned long long)h->id);
	op_rec o;
	memset(&o, 0, sizeof o);
	rc = al_txn_seq_next(t, "ops_operator", &o.id);
	if (rc)
		return rc;
	o.hub = h->id;
	snprintf(o.number, sizeof o.number, "%s", a->number);
	snprintf(o.name, sizeof o.name, "%s", name);
	o.user = a->account;
	o.active = 1;
	o.created = t->now;
	rc = op_store(t, &o);
	al_buf b;
	al_buf_init(&b, t->a);
	if (!rc) {
		al_rec_begin(&b, AL_K_OPS_OP_NUMBER);
		al_enc_u64(&b, o.id);
		rc = al_txn_put(t, &k, &b);
	}
	if (!rc) {
		al_rec_begin(&b, AL_K_OPS_OP_HUB);
		al_enc_u64(&b, h->id);
		key1(&k, AL_K_OPS_OP_HUB, o.id);
		rc = al_txn_put(t, &k, &b);
	}
	al_buf_free(&b);
	if (!rc && o.user) {
		al_key_init(&k, AL_K_OPS_USER_OP);
		al_key_u64(&k, h->id);
		al_key_u64(&k, o.user);
		al_key_u64(&k, o.id);
		rc = put_empty(t, &k);
	}
	if (!rc && !o.user)
		h->active_licensed++;
	if (!rc)
		rc = hub_store(t, h);
	a->id = o.id;
	return rc;
}

static int op_add_fn(al_txn *t, void *arg)
{
	op_add_args *a = arg;
	hub_rec h;
	int rc = hub_for_admin(t, a->hub, a->actor, &h, "add an operator");
	if (!rc)
		rc = enforce_licences(t, &h, NULL);
	if (!rc)
		rc = need_shop_licence(t, &h);
	return rc ? rc : op_create(t, &h, a, a->name);
}

int autolic_ops_operator_add(autolic_db *db, autolic_id actor, autolic_id hub,
                             const autolic_ops_operator_spec *spec, autolic_id *id)
{
	int rc = check_db_actor(db, actor);
	if (rc)
		return rc;
	if (!spec)
		return al_err(AUTOLIC_EINVAL, "spec is NULL");
	if ((rc = al_version_check(spec->version, AUTOLIC_OPS_OPERATOR_SPEC_VERSION,
	                        "autolic_ops_operator_spec")) ||
	    (rc = check_number(spec->number)) ||
	    (rc = check_text(spec->name, AUTOLIC_OPS_OPERATOR_NAME_MAX, "operator name")))
		return rc;
	op_add_args a = {actor, hub, 0, spec->number, spec->name, 0};
	rc = al_run(db, 1, op_add_fn, &a);
	if (!rc && id)
		*id = a.id;
	return rc;
}

static int op_from_user_fn(al_txn *t, void *arg)
{
	op_add_args *a = arg;
	hub_rec h;
	int rc = hub_for_admin(t, a->hub, a->actor, &h, "create an operator from a user");
	if (!rc)
		rc = enforce_licences(t, &h, NULL);
	if (rc)
		return rc;
	user_rec u;
	rc = user_load(t, h.id, a->account, &u);
	if (rc == AUTOLIC_ENOTFOUND)
		return al_err(AUTOLIC_ENOTFOUND, "OPS-3: unknown user: account %llu is not a user of hub %llu",
		              (unsigned long long)a->account, (unsigned long long)h.id);
	if (rc)
		return rc;
	int active = 0;
	rc = user_active(t, h.id, a->account, &active);
	if (rc)
		return rc;
	if (!active)
		return al_err(AUTOLIC_ESTATE, "OPS-3: user %llu of hub %llu is deactivated",
		              (unsigned long long)a->account, (unsigned long long)h.id);
	autolic_account_info acc;
	rc = al_account_load(t, a->account, &acc);
	if (rc)
		return rc;
	char name[AUTOLIC_OPS_OPERATOR_NAME_MAX + 1];
	if (acc.first_name[0] || acc.last_name[0])
		snprintf(name, sizeof name, "%s%s%s", acc.first_name,
		         acc.first_name[0] && acc.last_name[0] ? " " : "", acc.last_name);
	else
		snprintf(name, sizeof name, "%s", acc.email);
	return op_create(t, &h, a, name);
}

int autolic_ops_operator_from_user(autolic_db *db, autolic_id actor, autolic_id hub,
                                   autolic_id account, const char *number, autolic_id *id)
{
	int rc = check_db_actor(db, actor);
	if (rc)
		return rc;
	if (!account)
		return al_err(AUTOLIC_EINVAL, "OPS-3: account is 0");
	if ((rc = check_number(number)) != 0)
		return rc;
	op_add_args a = {actor, hub, account, number, NULL, 0};
	rc = al_run(db, 1, op_from_user_fn, &a);
	if (!rc && id)
		*id = a.id;
	return rc;
}

typedef struct op_args {
	autolic_id actor, op;
	int action; /* 0 deactivate, 1 reactivate, 2 transfer, 3 production */
	const char *name;
	autolic_time at;
} op_args;

static int op_fn(al_txn *t, void *arg)
{
	static const char *what[] = {"deactivate an operator", "reactivate an operator",
	                             "transfer an operator", "record production"};
	op_args *a = arg;
	op_rec o;
	hub_rec h;
	int rc = op_load(t, a->op, &o);
	if (!rc)
		rc = hub_for_admin(t, o.hub, a->actor, &h, what[a->action]);
	if (!rc)
		rc = enforce_licences(t, &h, NULL);
	if (!rc)
		rc = op_load(t, a->op, &o); /* OPS-5 may just have deactivated it */
	if (rc)
		return rc;
	switch (a->action) {
	case 0: {
		if (!o.active)
			return al_err(AUTOLIC_ESTATE, "operator %llu is already deactivated",
			              (unsigned long long)o.id);
		char why[80];
		snprintf(why, sizeof why, "deactivated by account %llu", (unsigned long long)a->actor);
		rc = op_deactivate(t, &h, &o, AUTOLIC_OPS_REASON_MANUAL, why);
		if (!o.user)
			h.active_licensed--;
		return rc ? rc : hub_store(t, &h);
	}
	case 1:
		if (o.active) {
			int ua = 1;
			if (o.user && (rc = user_active(t, h.id, o.user, &ua)) != 0)
				return rc;
			if (ua)
				return al_err(AUTOLIC_ESTATE, "operator %llu is already active",
				              (unsigned long long)o.id);
		}
		if (o.user) {
			int ua = 0;
			rc = user_active(t, h.id, o.user, &ua);
			if (rc)
				return rc;
			if (!ua)
				return al_err(AUTOLIC_ESTATE,
				              "OPS-3: operator %llu is reactivated only while user %llu is active",
				              (unsigned long long)o.id, (unsigned long long)o.user);
		} else {
			rc = need_shop_licence(t, &h);
			if (rc)
				return rc;
			h.active_licensed++;
		}
		o.active = 1;
		o.reason = AUTOLIC_OPS_REASON_NONE;
		rc = op_store(t, &o);
		return rc ? rc : hub_store(t, &h);
	case 2:
		if (o.user)
			return al_err(AUTOLIC_ESTATE,
			              "OPS-3: operator %llu was created from user %llu and cannot be transferred",
			              (unsigned long long)o.id, (unsigned long long)o.user);
		snprintf(o.name, sizeof o.name, "%s", a->name);
		rc = op_store(t, &o);
		return rc ? rc : hub_store(t, &h);
	default:
		if (a->at > t->now + AUTOLIC_OPS_FUTURE_TOLERANCE)
			return al_err(AUTOLIC_EINVAL,
			              "production record dated %lld is %lld s in the future, beyond the "
			              "tolerance of %d s",
			              (long long)a->at, (long long)(a->at - t->now),
			              AUTOLIC_OPS_FUTURE_TOLERANCE);
		if (!o.active)
			return al_err(AUTOLIC_ESTATE, "operator %llu is deactivated; it records no production",
			              (unsigned long long)o.id);
		if (o.user) {
			int ua = 0;
			rc = user_active(t, h.id, o.user, &ua);
			if (rc)
				return rc;
			if (!ua)
				return al_err(AUTOLIC_ESTATE, "OPS-3: operator %llu's user %llu is deactivated",
				              (unsigned long long)o.id, (unsigned long long)o.user);
		}
		if (!o.has_production || a->at > o.last_production)
			o.last_production = a->at;
		o.has_production = 1;
		o.production_count++;
		rc = op_store(t, &o);
		/* OPS-5 may have changed the hub's counters above */
		return rc ? rc : hub_store(t, &h);
	}
}

static int op_call(autolic_db *db, autolic_id actor, autolic_id op, int action, const char *name,
                   autolic_time at)
{
	int rc = check_db_actor(db, actor);
	if (rc)
		return rc;
	if (!op)
		return al_err(AUTOLIC_EINVAL, "operator id is 0");
	if (action == 2 && (rc = check_text(name, AUTOLIC_OPS_OPERATOR_NAME_MAX, "operator name")))
		return rc;
	if (action == 3 && at < 0)
		return al_err(AUTOLIC_EINVAL, "production record time %lld is negative", (long long)at);
	op_args a = {actor, op, action, name, at};
	return al_run(db, 1, op_fn, &a);
}

int autolic_ops_operator_deactivate(autolic_db *db, autolic_id actor, autolic_id op)
{
	return op_call(db, actor, op, 0, NULL, 0);
}

int autolic_ops_operator_reactivate(autolic_db *db, autolic_id actor, autolic_id op)
{
	return op_call(db, actor, op, 1, NULL, 0);
}

int autolic_ops_operator_transfer(autolic_db *db, autolic_id actor, autolic_id op, const char *name)
{
	return op_call(db, actor, op, 2, name, 0);
}

int autolic_ops_operator_record_production(autolic_db *db, autolic_id actor, autolic_id op,
                                           autolic_time at)
{
	return op_call(db, actor, op, 3, NULL, at);
}

/* An operator as the public struct, as of now: an OPS-3 operator whose user is
 * deactivated reads as deactivated for that reason. */
static int op_info_fill(al_txn *t, const op_rec *o, autolic_ops_operator_info *info)
{
	int user_ok = 1;
	if (o->user && o->active) {
		int rc = user_active(t, o->hub, o->user, &user_ok);
		if (rc)
			return rc;
	}
	memset(info, 0, sizeof(*info));
	info->version = AUTOLIC_OPS_OPERATOR_INFO_VERSION;
	info->id = o->id;
	info->hub = o->hub;
	memcpy(info->number, o->number, sizeof info->number);
	memcpy(info->name, o->name, sizeof info->name);
	info->user = o->user;
	info->active = o->active && user_ok;
	info->reason = o->active ? (user_ok ? AUTOLIC_OPS_REASON_NONE : AUTOLIC_OPS_REASON_USER)
	                         : o->reason;
	info->created = o->created;
	info->deactivated = o->active ? 0 : o->deactivated;
	info->has_production = o->has_production;
	info->last_production = o->last_production;
	info->production_count = o->production_count;
	return 0;
}

typedef struct op_get_args {
	autolic_id op;
	autolic_ops_operator_info info;
} op_get_args;

static int op_get_fn(al_txn *t, void *arg)
{
	op_get_args *a = arg;
	op_rec o;
	int rc = op_load(t, a->op, &o);
	return rc ? rc : op_info_fill(t, &o, &a->info);
}

int autolic_ops_operator_get(autolic_db *db, autolic_id op, autolic_ops_operator_info *info)
{
	if (!db || !info)
		return al_err(AUTOLIC_EINVAL, "db and info are required");
	int rc = al_version_check(info->version, AUTOLIC_OPS_OPERATOR_INFO_VERSION,
	                          "autolic_ops_operator_info");
	if (rc)
		return rc;
	op_get_args a;
	a.op = op;
	rc = al_run(db, 0, op_get_fn, &a);
	if (rc)
		return rc;
	size_t pos = 0;
	return al_snap_next(&a.info, 1, &pos, sizeof *info, info);
}

/* ---- a hub's operators (snapshot iterator) ---- */

struct autolic_ops_operator_iter {
	al_snap s; /* of autolic_ops_operator_info */
};

static int ops_snap_fn(al_txn *t, void *arg)
{
	al_snap_fill *sa = arg; /* key: the hub */
	al_snap_fill_reset(sa);
	hub_rec h;
	int rc = hub_load(t, sa->key, &h);
	if (rc)
		return rc;
	vec ops = {NULL, 0, 0, sizeof(op_rec), t->a};
	rc = collect_ops(t, h.id, &ops);
	autolic_ops_operator_info *v = NULL;
	if (!rc && ops.n && !(v = al_calloc(sa->a, ops.n, sizeof(*v))))
		rc = al_err(AUTOLIC_ENOMEM, "out of memory taking a snapshot of %zu operators", ops.n);
	const op_rec *all = ops.v;
	for (size_t i = 0; !rc && i < ops.n; i++)
		rc = op_info_fill(t, &all[i], &v[i]);
	sa->v = v; /* freed by al_snap_new or the next attempt on failure */
	if (!rc)
		sa->n = ops.n;
	al_free(t->a, ops.v);
	return rc;
}

int autolic_ops_operator_iter_new(autolic_db *db, autolic_id hub, autolic_ops_operator_iter **out)
{
	if (out)
		*out = NULL;
	if (!db || !out)
		return al_err(AUTOLIC_EINVAL, "db and out are required");
	return al_snap_new(db, hub, ops_snap_fn, sizeof(autolic_ops_operator_iter), (void **)out);
}

int autolic_ops_operator_iter_next(autolic_ops_operator_iter *it, autolic_ops_operator_info *info)
{
	al_err_clear();
	if (!it || !info)
		return al_err(AUTOLIC_EINVAL, "iterator and info are required");
	int rc = al_version_check(info->version, AUTOLIC_OPS_OPERATOR_INFO_VERSION,
	                          "autolic_ops_operator_info");
	if (rc)
		return rc;
	return al_snap_next(it->s.v, it->s.n, &it->s.pos, sizeof *info, info);
}

void autolic_ops_operator_iter_free(autolic_ops_operator_iter *it)
{
	al_snap_free(it ? &it->s : NULL);
}

static int op_find_fn(al_txn *t, void *arg)
{
	find_args *a = arg;
	al_key k;
	al_buf b;
	al_rd r;
	key1(&k, AL_K_OPS_OP_NUMBER, a->key);
	al_key_str(&k, a->number);
	al_buf_init(&b, t->a);
	int rc = al_txn_get_rec(t, &k, AL_K_OPS_OP_NUMBER, &b, &r,
	                        "hub %llu has no operator numbered '%s'", (unsigned long long)a->key, a->number);
	if (!rc) {
		a->out = al_dec_u64(&r);
		rc = al_rd_done(&r);
	}
	al_buf_free(&b);
	return rc;
}

int autolic_ops_operator_find(autolic_db *db, autolic_id hub, const char *number, autolic_id *op)
{
	if (!db || !op)
		return al_err(AUTOLIC_EINVAL, "db and op are required");
	int rc = check_number(number);
	if (rc)
		return rc;
	find_args a = {hub, 0, number};
	rc = al_run(db, 0, op_find_fn, &a);
	if (!rc)
		*op = a.out;
	return rc;
}

/* ---- payment (OPS-6) ---- */

typedef struct pay_args {
	autolic_id actor, hub;
	autolic_time due;
	int late;
} pay_args;

static int pay_fn(al_txn *t, void *arg)
{
	pay_args *a = arg;
	hub_rec h;
	int rc = hub_for_admin(t, a->hub, a->actor,
	                       &h, a->late ? "record a late payment" : "record a payment");
	if (!rc)
		rc = enforce_licences(t, &h, NULL);
	if (rc)
		return rc;
	if (a->late) {
		if (a->due > t->now)
			return al_err(AUTOLIC_EINVAL, "OPS-6: a payment due at %lld is not late yet (now %lld)",
			              (long long)a->due, (long long)t->now);
		if (h.late)
			return al_err(AUTOLIC_ESTATE, "OPS-6: hub %llu already has a payment late since %lld",
			              (unsigned long long)h.id, (long long)h.due);
		h.late = 1;
		h.due = a->due;
		rc = al_txn_event(t, AUTOLIC_EVENT_PAYMENT_LATE, h.tenant, 0, h.id, NULL, "OPS-6",
		                  "the payment of hub %llu due at %lld is late: a warning shows for 30 "
		                  "days, then users' access is blocked from %lld",
		                  (unsigned long long)h.id, (long long)a->due,
		                  (long long)(a->due + AUTOLIC_OPS_PAYMENT_GRACE));
	} else {
		if (!h.late)
			return al_err(AUTOLIC_ESTATE, "OPS-6: hub %llu has no late payment",
			              (unsigned long long)h.id);
		h.late = 0;
		h.due = 0;
	}
	return rc ? rc : hub_store(t, &h);
}

int autolic_ops_payment_late(autolic_db *db, autolic_id actor, autolic_id hub, autolic_time due)
{
	int rc = check_db_actor(db, actor);
	if (rc)
		return rc;
	pay_args a = {actor, hub, due, 1};
	return al_run(db, 1, pay_fn, &a);
}

int autolic_ops_payment_record(autolic_db *db, autolic_id actor, autolic_id hub)
{
	int rc = check_db_actor(db, actor);
	if (rc)
		return rc;
	pay_args a = {actor, hub, 0, 0};
	return al_run(db, 1, pay_fn, &a);
}
