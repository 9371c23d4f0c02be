/*
 * Fusion Operations: the record layer (keys, encoding, load and store of
 * hubs, subscriptions, users and operators) and the checks and guards the
 * use cases share (licences, permissions, deactivation, validation).
 */
#include "ops_internal.h"

/* ---- records ---- */

static void hub_encode(al_buf *b, const void *rec)
{
	const al_ops_hub_rec *h = rec;
	al_rec_begin(b, AL_K_OPS_HUB);
	al_enc_u64(b, h->id);
	al_enc_u64(b, h->tenant);
	al_enc_str(b, h->name);
	al_enc_i64(b, h->created);
	al_enc_i64(b, h->trial_end);
	al_enc_u64(b, h->trial_operators);
	al_enc_u8(b, (uint8_t)h->provisioned);
	al_enc_i64(b, h->provisioned_at);
	al_enc_u8(b, (uint8_t)h->late);
	al_enc_i64(b, h->due);
	al_enc_u64(b, h->active_licensed);
	al_enc_u64(b, h->active_users);
}

int al_ops_hub_store(al_txn *t, const al_ops_hub_rec *h)
{
	al_key k;
	al_key_id(&k, AL_K_OPS_HUB, h->id);
	return al_record_put(t, &k, hub_encode, h);
}

static int hub_decode(const void *p, size_t len, void *rec)
{
	al_ops_hub_rec *h = rec;
	al_rd r;
	int rc = al_rec_open(&r, p, len, AL_K_OPS_HUB);
	if (rc)
		return rc;
	h->id = al_dec_u64(&r);
	h->tenant = al_dec_u64(&r);
	al_dec_str(&r, h->name, sizeof h->name);
	h->created = al_dec_i64(&r);
	h->trial_end = al_dec_i64(&r);
	h->trial_operators = al_dec_u64(&r);
	h->provisioned = al_dec_bool(&r, "provisioned flag");
	h->provisioned_at = al_dec_i64(&r);
	h->late = al_dec_bool(&r, "late-payment flag");
	h->due = al_dec_i64(&r);
	h->active_licensed = al_dec_u64(&r);
	h->active_users = al_dec_u64(&r);
	return al_rd_done(&r);
}

int al_ops_hub_load(al_txn *t, autolic_id id, al_ops_hub_rec *h)
{
	al_key k;
	al_key_id(&k, AL_K_OPS_HUB, id);
	int rc = al_record_get(t, &k, hub_decode, h);
	if (rc == AUTOLIC_ENOTFOUND)
		rc = al_err(AUTOLIC_ENOTFOUND, "OPS-1: hub %llu does not exist",
		            (unsigned long long)id);
	return rc;
}

int al_ops_hub_state(const al_ops_hub_rec *h, autolic_time now)
{
	if (h->provisioned)
		return AUTOLIC_OPS_HUB_PROVISIONED;
	return now < h->trial_end ? AUTOLIC_OPS_HUB_TRIAL : AUTOLIC_OPS_HUB_TRIAL_ENDED;
}

static void sub_encode(al_buf *b, const void *rec)
{
	const al_ops_sub_rec *s = rec;
	al_rec_begin(b, AL_K_OPS_SUB);
	al_enc_u64(b, s->number);
	al_enc_u64(b, s->tenant);
	al_enc_u8(b, (uint8_t)s->kind);
	al_enc_u32(b, s->quantity);
	al_enc_i64(b, s->start);
	al_enc_i64(b, s->end);
}

static int sub_decode(const void *p, size_t len, void *rec)
{
	al_ops_sub_rec *s = rec;
	al_rd r;
	int rc = al_rec_open(&r, p, len, AL_K_OPS_SUB);
	if (rc)
		return rc;
	s->number = al_dec_u64(&r);
	s->tenant = al_dec_u64(&r);
	s->kind = al_dec_enum(&r, AUTOLIC_OPS_USER, AUTOLIC_OPS_SHOP_FLOOR, "licence kind");
	s->quantity = al_dec_u32(&r);
	s->start = al_dec_i64(&r);
	s->end = al_dec_i64(&r);
	return al_rd_done(&r);
}

int al_ops_sub_store(al_txn *t, const al_ops_sub_rec *s)
{
	al_key k;
	al_key_pair(&k, AL_K_OPS_SUB, s->tenant, s->number);
	return al_record_put(t, &k, sub_encode, s);
}

int al_ops_sub_load(al_txn *t, uint64_t number, al_ops_sub_rec *s)
{
	al_key k;
	al_key_id(&k, AL_K_OPS_SUB_NUMBER, number);
	int rc = al_index_load(t, &k, AL_K_OPS_SUB_NUMBER, AL_K_OPS_SUB, number, sub_decode, s,
	                       "subscription");
	if (rc == AUTOLIC_ENOTFOUND)
		rc = al_err(AUTOLIC_ENOTFOUND, "OPS-2: subscription %llu does not exist",
		            (unsigned long long)number);
	return rc;
}

static void user_encode(al_buf *b, const void *rec)
{
	const al_ops_user_rec *u = rec;
	al_rec_begin(b, AL_K_OPS_USER);
	al_enc_u64(b, u->account);
	al_enc_u8(b, (uint8_t)u->active);
	al_enc_i64(b, u->since);
	al_enc_i64(b, u->created);
}

int al_ops_user_store(al_txn *t, autolic_id hub, const al_ops_user_rec *u)
{
	al_key k;
	al_key_pair(&k, AL_K_OPS_USER, hub, u->account);
	return al_record_put(t, &k, user_encode, u);
}

static int user_decode(const void *p, size_t len, void *rec)
{
	al_ops_user_rec *u = rec;
	al_rd r;
	int rc = al_rec_open(&r, p, len, AL_K_OPS_USER);
	if (rc)
		return rc;
	u->account = al_dec_u64(&r);
	u->active = al_dec_bool(&r, "active flag");
	u->since = al_dec_i64(&r);
	u->created = al_dec_i64(&r);
	return al_rd_done(&r);
}

/* AUTOLIC_ENOTFOUND without a message when the account is not a user of the hub. */
int al_ops_user_load(al_txn *t, autolic_id hub, autolic_id account, al_ops_user_rec *u)
{
	al_key k;
	al_key_pair(&k, AL_K_OPS_USER, hub, account);
	return al_record_get(t, &k, user_decode, u);
}

static void op_encode(al_buf *b, const void *rec)
{
	const al_ops_op_rec *o = rec;
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

static int op_decode(const void *p, size_t len, void *rec)
{
	al_ops_op_rec *o = rec;
	al_rd r;
	int rc = al_rec_open(&r, p, len, AL_K_OPS_OPERATOR);
	if (rc)
		return rc;
	o->id = al_dec_u64(&r);
	o->hub = al_dec_u64(&r);
	al_dec_str(&r, o->number, sizeof o->number);
	al_dec_str(&r, o->name, sizeof o->name);
	o->user = al_dec_u64(&r);
	o->active = al_dec_bool(&r, "active flag");
	o->reason = al_dec_enum(&r, AUTOLIC_OPS_REASON_NONE, AUTOLIC_OPS_REASON_LICENCES, "reason");
	al_rd_check(&r, (o->active != 0) == (o->reason == AUTOLIC_OPS_REASON_NONE), "reason",
	            o->reason);
	o->created = al_dec_i64(&r);
	o->deactivated = al_dec_i64(&r);
	o->has_production = al_dec_bool(&r, "production flag");
	o->last_production = al_dec_i64(&r);
	o->production_count = al_dec_u64(&r);
	return al_rd_done(&r);
}

int al_ops_op_store(al_txn *t, const al_ops_op_rec *o)
{
	al_key k;
	al_key_pair(&k, AL_K_OPS_OPERATOR, o->hub, o->id);
	return al_record_put(t, &k, op_encode, o);
}

int al_ops_op_load(al_txn *t, autolic_id id, al_ops_op_rec *o)
{
	al_key k;
	al_key_id(&k, AL_K_OPS_OP_HUB, id);
	int rc =
	    al_index_load(t, &k, AL_K_OPS_OP_HUB, AL_K_OPS_OPERATOR, id, op_decode, o, "operator");
	if (rc == AUTOLIC_ENOTFOUND)
		rc = al_err(AUTOLIC_ENOTFOUND, "operator %llu does not exist",
		            (unsigned long long)id);
	return rc;
}

static int scan_nomem(void)
{
	return al_err(AUTOLIC_ENOMEM, "out of memory reading Fusion Operations records");
}

static int collect_ops_cb(const void *k, size_t kl, const void *v, size_t vl, void *arg)
{
	(void)k;
	(void)kl;
	al_ops_op_rec *o = al_array_add((al_ops_ops *)arg);
	return o ? op_decode(v, vl, o) : scan_nomem();
}

static int collect_users_cb(const void *k, size_t kl, const void *v, size_t vl, void *arg)
{
	(void)k;
	(void)kl;
	al_ops_user_rec *u = al_array_add((al_ops_users *)arg);
	return u ? user_decode(v, vl, u) : scan_nomem();
}

int al_ops_collect_users(al_txn *t, autolic_id hub, al_ops_users *users)
{
	al_key k;
	al_key_id(&k, AL_K_OPS_USER, hub);
	return al_txn_scan_prefix(t, &k, collect_users_cb, users);
}

/* ---- licences (OPS-2) ---- */

static int sum_subs_cb(const void *k, size_t kl, const void *v, size_t vl, void *arg)
{
	(void)k;
	(void)kl;
	al_ops_lic_counts *c = arg;
	al_ops_sub_rec s;
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

int al_ops_licences_of(al_txn *t, autolic_id tenant, al_ops_lic_counts *c)
{
	memset(c, 0, sizeof(*c));
	c->now = t->now;
	al_key k;
	al_key_id(&k, AL_K_OPS_SUB, tenant);
	return al_txn_scan_prefix(t, &k, sum_subs_cb, c);
}

/* Licensed operators the hub may have active now: the trial allowance until
 * provisioning, then the active shop-floor licences. */
uint64_t al_ops_shop_limit(const al_ops_hub_rec *h, const al_ops_lic_counts *c)
{
	return h->provisioned ? c->shop_total : h->trial_operators;
}

/* ---- permissions (ROLE-7) ---- */

int al_ops_require_active_actor(al_txn *t, autolic_id actor)
{
	al_account_brief a; /* only its state is read */
	int rc = al_account_brief_load(t, actor, &a);
	if (rc == AUTOLIC_ENOTFOUND)
		return al_err(AUTOLIC_EPERM, "ROLE-7: acting account %llu does not exist",
		              (unsigned long long)actor);
	if (rc)
		return rc;
	al_name who;
	if (a.state != AUTOLIC_ACCOUNT_ACTIVE && !(rc = al_name_account(t, actor, &who))) {
		al_err(AUTOLIC_EPERM, "ROLE-7: acting account %s is not active", who.s);
		rc = al_err_account(actor, &who);
	}
	return rc;
}

static int is_admin(al_txn *t, autolic_id tenant, autolic_id account)
{
	al_key k;
	al_key_pair(&k, AL_K_OPS_ADMIN, tenant, account);
	return al_txn_exists(t, &k);
}

/* The actor is ACTIVE and is the tenant or an admin the tenant named. */
int al_ops_require_admin(al_txn *t, autolic_id tenant, autolic_id actor, const char *what)
{
	int rc = al_ops_require_active_actor(t, actor);
	if (rc || actor == tenant)
		return rc;
	rc = is_admin(t, tenant, actor);
	if (rc < 0)
		return rc;
	al_name who, owner;
	if (!rc && !(rc = al_name_account(t, actor, &who)) &&
	    !(rc = al_name_account(t, tenant, &owner))) {
		al_err(
		    AUTOLIC_EPERM,
		    "ROLE-7: %s may not %s: only the tenant (%s) or an admin it named administers "
		    "its Fusion Operations",
		    who.s, what, owner.s);
		al_err_account(actor, &who);
		return al_err_account(tenant, &owner);
	}
	return rc < 0 ? rc : 0;
}

int al_ops_hub_for_admin(al_txn *t, autolic_id hub, autolic_id actor, al_ops_hub_rec *h,
                         const char *what)
{
	int rc = al_ops_hub_load(t, hub, h);
	return rc ? rc : al_ops_require_admin(t, h->tenant, actor, what);
}

/* An account counts as deactivated once removed or its invitation expired. */
int al_ops_account_usable(al_txn *t, autolic_id account, int *usable)
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
int al_ops_user_active(al_txn *t, autolic_id hub, autolic_id account, int *active)
{
	al_ops_user_rec u;
	int rc = al_ops_user_load(t, hub, account, &u);
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
	return al_ops_account_usable(t, account, active);
}

/* ---- deactivation ---- */

static const char *reason_rule(int reason)
{
	switch (reason) {
	case AUTOLIC_OPS_REASON_USER:
		return "OPS-3";
	case AUTOLIC_OPS_REASON_LICENCES:
		return "OPS-5";
	default:
		return "OPS-2";
	}
}

/* Deactivate an active operator, store it, emit the event. The caller keeps
 * the hub's counters. */
int al_ops_op_deactivate(al_txn *t, const al_ops_hub_rec *h, al_ops_op_rec *o, int reason,
                         const char *why)
{
	o->active = 0;
	o->reason = reason;
	o->deactivated = t->now;
	int rc = al_ops_op_store(t, o);
	if (rc)
		return rc;
	return al_txn_event(t, AUTOLIC_EVENT_OPERATOR_DEACTIVATED, h->tenant, 0, o->id, NULL,
	                    reason_rule(reason), "operator %s '%s' of hub %llu was deactivated: %s",
	                    o->number, o->name, (unsigned long long)h->id, why);
}

int al_ops_collect_ops(al_txn *t, autolic_id hub, al_ops_ops *ops)
{
	al_key k;
	al_key_id(&k, AL_K_OPS_OPERATOR, hub);
	return al_txn_scan_prefix(t, &k, collect_ops_cb, ops);
}

/* OPS-5: when the hub has more active licensed operators than it may, the
 * excess is deactivated in the order of al_ops_select_excess(). */
int al_ops_enforce_licences(al_txn *t, al_ops_hub_rec *h, uint64_t *count)
{
	al_ops_lic_counts c;
	int rc = al_ops_licences_of(t, h->tenant, &c);
	if (rc)
		return rc;
	uint64_t limit = al_ops_shop_limit(h, &c);
	if (h->active_licensed <= limit)
		return 0;
	al_ops_ops ops;
	al_array_init(&ops, t->a);
	al_ops_cand *cand = NULL;
	rc = al_ops_collect_ops(t, h->id, &ops);
	size_t n = 0;
	if (!rc) {
		cand = al_malloc(t->a, (ops.n ? ops.n : 1) * sizeof(*cand));
		if (!cand)
			rc = al_err(AUTOLIC_ENOMEM,
			            "out of memory selecting operators to deactivate");
	}
	al_ops_op_rec *all = ops.v;
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
		rc = al_err(AUTOLIC_ECORRUPT,
		            "hub %llu counts %llu active licensed operators, %zu stored",
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
		al_ops_op_rec *o = &all[lo];
		char why[200];
		if (o->has_production)
			snprintf(
			    why, sizeof why,
			    "OPS-5: %llu shop-floor licences for %zu active operators; its last "
			    "production record (%lld) is among the oldest",
			    (unsigned long long)limit, n, (long long)o->last_production);
		else
			snprintf(
			    why, sizeof why,
			    "OPS-5: %llu shop-floor licences for %zu active operators; it has no "
			    "production record",
			    (unsigned long long)limit, n);
		rc = al_ops_op_deactivate(t, h, o, AUTOLIC_OPS_REASON_LICENCES, why);
	}
	if (!rc) {
		h->active_licensed -= k;
		if (count)
			*count += k;
	}
	al_free(t->a, cand);
	al_array_free(&ops);
	return rc;
}

/* OPS-3: deactivate the active operators made from `account`. */
int al_ops_deactivate_user_ops(al_txn *t, al_ops_hub_rec *h, autolic_id account, const char *why,
                               uint64_t *count)
{
	al_idlist ids;
	al_idlist_init(&ids, t->a, AL_IDLIST_LAST);
	al_key k;
	al_key_pair(&k, AL_K_OPS_USER_OP, h->id, account);
	int rc = al_idlist_scan(t, &k, &ids);
	for (size_t i = 0; !rc && i < ids.n; i++) {
		al_ops_op_rec o;
		rc = al_ops_op_load(t, ids.v[i], &o);
		if (!rc && o.active) {
			rc = al_ops_op_deactivate(t, h, &o, AUTOLIC_OPS_REASON_USER, why);
			if (!rc && count)
				(*count)++;
		}
	}
	al_idlist_free(&ids);
	return rc;
}

/* ---- validation ---- */

int al_ops_check_text(const char *s, size_t max, const char *rule, const char *what)
{
	return al_text_check(s, max, AL_TEXT_REQUIRED, rule, what);
}

int al_ops_check_number(const char *s)
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
			return al_err(
			    AUTOLIC_EINVAL,
			    "operator number may hold only letters, digits, '-', '_' and '.'");
	}
	return 0;
}

int al_ops_check_db_actor(autolic_db *db, autolic_id actor)
{
	if (!db)
		return al_err(AUTOLIC_EINVAL, "db is NULL");
	if (!actor)
		return al_err(AUTOLIC_EINVAL,
		              "ROLE-7: actor is 0; every change names the acting account");
	return 0;
}
