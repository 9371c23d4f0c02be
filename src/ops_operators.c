/*
 * Fusion Operations: operators, a hub's operators, payment (OPS-4..OPS-7),
 * and the whole-store check.
 */
#include "ops_internal.h"

/* ---- operators ---- */

/* OPS-4: a licensed operator may become active now. */
static int need_shop_licence(al_txn *t, const al_ops_hub_rec *h)
{
	if (al_ops_hub_state(h, t->now) == AUTOLIC_OPS_HUB_TRIAL_ENDED) {
		char at[AL_TIME_TEXT_CAP];
		al_err(AUTOLIC_EEXPIRED,
		       "OPS-1: the trial of hub '%s' ended at %s; provision it first", h->name,
		       al_time_text(at, h->trial_end));
		al_err_obj(AUTOLIC_OBJECT_OPS_HUB, h->id, h->name);
		return al_err_time("ended", h->trial_end);
	}
	al_ops_lic_counts c;
	int rc = al_ops_licences_of(t, h->tenant, &c);
	if (rc)
		return rc;
	uint64_t limit = al_ops_shop_limit(h, &c);
	if (h->active_licensed >= limit) {
		al_err(AUTOLIC_ENOOPLICENCE,
		       "OPS-4: all licences for operators are in use in hub '%s' (%llu of %llu%s)",
		       h->name, (unsigned long long)h->active_licensed, (unsigned long long)limit,
		       h->provisioned ? "" : " allowed during the trial");
		al_err_obj(AUTOLIC_OBJECT_OPS_HUB, h->id, h->name);
		al_err_num("used", (int64_t)h->active_licensed);
		return al_err_num("limit", (int64_t)limit);
	}
	return 0;
}

/* An operator's refusal, "<rule>: operator '<number>' of hub '<name>' <state>",
 * naming both; with `user`, the user it was created from (by email) follows
 * `state`, then `after`. */
static int op_refusal(al_txn *t, int code, const char *rule, const al_ops_op_rec *o,
                      const al_ops_hub_rec *h, const char *state, autolic_id user,
                      const char *after)
{
	al_name who;
	int rc = user ? al_name_account(t, user, &who) : 0;
	if (rc)
		return rc;
	al_err(code, "%s%soperator '%s' of hub '%s' %s%s%s%s", rule, rule[0] ? ": " : "", o->number,
	       h->name, state, user ? " " : "", user ? who.s : "", after);
	al_err_obj(AUTOLIC_OBJECT_OPERATOR, o->id, o->number);
	if (user)
		al_err_account(user, &who);
	return al_err_obj(AUTOLIC_OBJECT_OPS_HUB, h->id, h->name);
}

typedef struct op_add_args {
	autolic_id actor, hub, account;
	const char *number, *name;
	autolic_id id;
} op_add_args;

static int op_create(al_txn *t, al_ops_hub_rec *h, op_add_args *a, const char *name)
{
	al_key k;
	al_key_id(&k, AL_K_OPS_OP_NUMBER, h->id);
	al_key_str(&k, a->number);
	int rc = al_txn_exists(t, &k);
	if (rc < 0)
		return rc;
	if (rc) {
		al_err(AUTOLIC_EEXISTS, "operator number '%s' is already used in hub '%s'",
		       a->number, h->name);
		al_err_obj(AUTOLIC_OBJECT_OPERATOR, 0, a->number);
		return al_err_obj(AUTOLIC_OBJECT_OPS_HUB, h->id, h->name);
	}
	al_ops_op_rec o;
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
	rc = al_ops_op_store(t, &o);
	if (!rc)
		rc = al_index_put(t, &k, AL_K_OPS_OP_NUMBER, o.id);
	al_key_id(&k, AL_K_OPS_OP_HUB, o.id);
	if (!rc)
		rc = al_index_put(t, &k, AL_K_OPS_OP_HUB, h->id);
	if (!rc && o.user) {
		al_key_pair(&k, AL_K_OPS_USER_OP, h->id, o.user);
		al_key_u64(&k, o.id);
		rc = al_record_put_empty(t, &k);
	}
	if (!rc && !o.user)
		h->active_licensed++;
	if (!rc)
		rc = al_ops_hub_store(t, h);
	a->id = o.id;
	return rc;
}

/* The hub an operator is added to, its licences enforced first (OPS-5). */
static int op_hub(al_txn *t, const op_add_args *a, const char *what, al_ops_hub_rec *h)
{
	int rc = al_ops_hub_for_admin(t, a->hub, a->actor, h, what);
	return rc ? rc : al_ops_enforce_licences(t, h, NULL);
}

static int run_op_add(autolic_db *db, al_txn_fn fn, op_add_args *a, autolic_id *id)
{
	int rc = al_run(db, 1, fn, a);
	if (!rc && id)
		*id = a->id;
	return rc;
}

static int op_add_fn(al_txn *t, void *arg)
{
	op_add_args *a = arg;
	al_ops_hub_rec h;
	int rc = op_hub(t, a, "add an operator", &h);
	if (!rc)
		rc = need_shop_licence(t, &h);
	return rc ? rc : op_create(t, &h, a, a->name);
}

int autolic_ops_operator_add(autolic_db *db, autolic_id actor, autolic_id hub,
                             const autolic_ops_operator_spec *spec, autolic_id *id)
{
	int rc = al_ops_check_db_actor(db, actor);
	if (rc)
		return rc;
	if (!spec)
		return al_err(AUTOLIC_EINVAL, "spec is NULL");
	autolic_ops_operator_spec in;
	if ((rc = al_copy_in(&in, spec, AL_OPS_OPERATOR_SPEC)) != 0)
		return rc;
	spec = &in;
	if ((rc = al_ops_check_number(spec->number)) ||
	    (rc = al_ops_check_text(spec->name, AUTOLIC_OPS_OPERATOR_NAME_MAX, NULL,
	                            "operator name")))
		return rc;
	op_add_args a = {actor, hub, 0, spec->number, spec->name, 0};
	return run_op_add(db, op_add_fn, &a, id);
}

static int op_from_user_fn(al_txn *t, void *arg)
{
	op_add_args *a = arg;
	al_ops_hub_rec h;
	int rc = op_hub(t, a, "create an operator from a user", &h);
	if (rc)
		return rc;
	al_ops_user_rec u;
	rc = al_ops_user_load(t, h.id, a->account, &u);
	if (rc == AUTOLIC_ENOTFOUND)
		return al_err(AUTOLIC_ENOTFOUND,
		              "OPS-3: unknown user: account %llu is not a user of hub %llu",
		              (unsigned long long)a->account, (unsigned long long)h.id);
	if (rc)
		return rc;
	int active = 0;
	rc = al_ops_user_active(t, h.id, a->account, &active);
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
	int rc = al_ops_check_db_actor(db, actor);
	if (rc)
		return rc;
	if (!account)
		return al_err(AUTOLIC_EINVAL, "OPS-3: account is 0");
	if ((rc = al_ops_check_number(number)) != 0)
		return rc;
	op_add_args a = {actor, hub, account, number, NULL, 0};
	return run_op_add(db, op_from_user_fn, &a, id);
}

/* OPS-3: an operator made from a user acts only while the user is active;
 * the refusal says whether it was to be reactivated or to record. */
static int op_user_check(al_txn *t, const al_ops_hub_rec *h, const al_ops_op_rec *o, int reactivate)
{
	int ua = 0;
	int rc = al_ops_user_active(t, h->id, o->user, &ua);
	if (rc || ua)
		return rc;
	if (reactivate)
		return op_refusal(t, AUTOLIC_ESTATE, "OPS-3", o, h,
		                  "is reactivated only while its user", o->user, " is active");
	return op_refusal(t, AUTOLIC_ESTATE, "OPS-3", o, h, "records no production while its user",
	                  o->user, " is deactivated");
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
	al_ops_op_rec o;
	al_ops_hub_rec h;
	int rc = al_ops_op_load(t, a->op, &o);
	if (!rc)
		rc = al_ops_hub_for_admin(t, o.hub, a->actor, &h, what[a->action]);
	if (!rc)
		rc = al_ops_enforce_licences(t, &h, NULL);
	if (!rc)
		rc = al_ops_op_load(t, a->op, &o); /* OPS-5 may just have deactivated it */
	if (rc)
		return rc;
	switch (a->action) {
	case 0: {
		if (!o.active)
			return op_refusal(t, AUTOLIC_ESTATE, "", &o, &h, "is already deactivated",
			                  0, "");
		char why[80];
		snprintf(why, sizeof why, "deactivated by account %llu",
		         (unsigned long long)a->actor);
		rc = al_ops_op_deactivate(t, &h, &o, AUTOLIC_OPS_REASON_MANUAL, why);
		if (!o.user)
			h.active_licensed--;
		return rc ? rc : al_ops_hub_store(t, &h);
	}
	case 1:
		if (o.active) {
			int ua = 1;
			if (o.user && (rc = al_ops_user_active(t, h.id, o.user, &ua)) != 0)
				return rc;
			if (ua)
				return op_refusal(t, AUTOLIC_ESTATE, "", &o, &h,
				                  "is already active", 0, "");
		}
		if (o.user) {
			if ((rc = op_user_check(t, &h, &o, 1)) != 0)
				return rc;
		} else {
			rc = need_shop_licence(t, &h);
			if (rc)
				return rc;
			h.active_licensed++;
		}
		o.active = 1;
		o.reason = AUTOLIC_OPS_REASON_NONE;
		rc = al_ops_op_store(t, &o);
		return rc ? rc : al_ops_hub_store(t, &h);
	case 2:
		if (o.user)
			return op_refusal(t, AUTOLIC_ESTATE, "OPS-3", &o, &h,
			                  "was created from the user", o.user,
			                  " and cannot be transferred");
		snprintf(o.name, sizeof o.name, "%s", a->name);
		rc = al_ops_op_store(t, &o);
		return rc ? rc : al_ops_hub_store(t, &h);
	default:
		if (a->at > al_time_add_sat(t->now, AUTOLIC_OPS_FUTURE_TOLERANCE)) {
			char at[AL_TIME_TEXT_CAP];
			al_err(AUTOLIC_EINVAL,
			       "production record dated %s is %lld s in the future, beyond the "
			       "tolerance "
			       "of %d s",
			       al_time_text(at, a->at), (long long)al_time_sub_sat(a->at, t->now),
			       AUTOLIC_OPS_FUTURE_TOLERANCE);
			al_err_time("at", a->at);
			return al_err_time("now", t->now);
		}
		if (!o.active)
			return op_refusal(t, AUTOLIC_ESTATE, "", &o, &h,
			                  "is deactivated; it records no production", 0, "");
		if (o.user && (rc = op_user_check(t, &h, &o, 0)) != 0)
			return rc;
		if (!o.has_production || a->at > o.last_production)
			o.last_production = a->at;
		o.has_production = 1;
		o.production_count++;
		rc = al_ops_op_store(t, &o);
		/* OPS-5 may have changed the hub's counters above */
		return rc ? rc : al_ops_hub_store(t, &h);
	}
}

static int op_call(autolic_db *db, autolic_id actor, autolic_id op, int action, const char *name,
                   autolic_time at)
{
	int rc = al_ops_check_db_actor(db, actor);
	if (rc)
		return rc;
	if (!op)
		return al_err(AUTOLIC_EINVAL, "operator id is 0");
	if (action == 2 &&
	    (rc = al_ops_check_text(name, AUTOLIC_OPS_OPERATOR_NAME_MAX, NULL, "operator name")))
		return rc;
	if (action == 3 && at < 0)
		return al_err(AUTOLIC_EINVAL, "production record time %lld is negative",
		              (long long)at);
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
static int op_info_fill(al_txn *t, const al_ops_op_rec *o, autolic_ops_operator_info *info)
{
	int user_ok = 1;
	if (o->user && o->active) {
		int rc = al_ops_user_active(t, o->hub, o->user, &user_ok);
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
	info->reason =
	    o->active ? (user_ok ? AUTOLIC_OPS_REASON_NONE : AUTOLIC_OPS_REASON_USER) : o->reason;
	info->created = o->created;
	info->deactivated = o->active ? 0 : o->deactivated;
	info->has_production = o->has_production;
	info->last_production = o->last_production;
	info->production_count = o->production_count;
	return 0;
}

static int op_get_fn(al_txn *t, uint64_t op, void *info)
{
	al_ops_op_rec o;
	int rc = al_ops_op_load(t, op, &o);
	return rc ? rc : op_info_fill(t, &o, info);
}

int autolic_ops_operator_get(autolic_db *db, autolic_id op, autolic_ops_operator_info *info)
{
	if (!db || !info)
		return al_err(AUTOLIC_EINVAL, "db and info are required");
	int rc = al_struct_check(AL_OPS_OPERATOR_INFO, info->version);
	if (rc)
		return rc;
	autolic_ops_operator_info full;
	rc = al_record_read(db, op, op_get_fn, &full, NULL);
	return rc ? rc : al_copy_out(info, &full, AL_OPS_OPERATOR_INFO);
}

/* ---- a hub's operators (snapshot iterator) ---- */

struct autolic_ops_operator_iter {
	al_snap s; /* of autolic_ops_operator_info */
};

static int ops_snap_fn(al_txn *t, void *arg)
{
	al_snap_fill *sa = arg; /* key: the hub */
	al_snap_fill_reset(sa);
	al_ops_hub_rec h;
	int rc = al_ops_hub_load(t, sa->key, &h);
	if (rc)
		return rc;
	al_ops_ops ops;
	al_array_init(&ops, t->a);
	rc = al_ops_collect_ops(t, h.id, &ops);
	autolic_ops_operator_info *v = NULL;
	if (!rc && ops.n && !(v = al_calloc(sa->a, ops.n, sizeof(*v))))
		rc = al_err(AUTOLIC_ENOMEM, "out of memory taking a snapshot of %zu operators",
		            ops.n);
	const al_ops_op_rec *all = ops.v;
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

AL_SNAP_ITER_FNS(autolic_ops_operator_iter, autolic_ops_operator_iter, autolic_ops_operator_info,
                 AL_OPS_OPERATOR_INFO, "iterator and info are required")

static int op_find_fn(al_txn *t, void *arg)
{
	al_ops_find_args *a = arg;
	al_key k;
	al_key_id(&k, AL_K_OPS_OP_NUMBER, a->key);
	al_key_str(&k, a->number);
	int rc = al_index_get(t, &k, AL_K_OPS_OP_NUMBER, &a->out);
	if (rc == AUTOLIC_ENOTFOUND)
		rc = al_err(rc, "hub %llu has no operator numbered '%s'",
		            (unsigned long long)a->key, a->number);
	return rc;
}

int autolic_ops_operator_find(autolic_db *db, autolic_id hub, const char *number, autolic_id *op)
{
	if (!db || !op)
		return al_err(AUTOLIC_EINVAL, "db and op are required");
	int rc = al_ops_check_number(number);
	if (rc)
		return rc;
	al_ops_find_args a = {hub, 0, number};
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
	al_ops_hub_rec h;
	int rc = al_ops_hub_for_admin(t, a->hub, a->actor, &h,
	                              a->late ? "record a late payment" : "record a payment");
	if (!rc)
		rc = al_ops_enforce_licences(t, &h, NULL);
	if (rc)
		return rc;
	char due[AL_TIME_TEXT_CAP], now[AL_TIME_TEXT_CAP];
	if (a->late) {
		if (a->due > t->now) {
			al_err(AUTOLIC_EINVAL,
			       "OPS-6: a payment due at %s is not late yet (now %s)",
			       al_time_text(due, a->due), al_time_text(now, t->now));
			al_err_time("due", a->due);
			return al_err_time("now", t->now);
		}
		if (h.late) {
			al_err(AUTOLIC_ESTATE,
			       "OPS-6: hub '%s' already has a payment late since %s", h.name,
			       al_time_text(due, h.due));
			al_err_obj(AUTOLIC_OBJECT_OPS_HUB, h.id, h.name);
			return al_err_time("due", h.due);
		}
		h.late = 1;
		h.due = a->due;
		rc = al_txn_event(
		    t, AUTOLIC_EVENT_PAYMENT_LATE, h.tenant, 0, h.id, NULL, "OPS-6",
		    "the payment of hub %llu due at %lld is late: a warning shows for 30 "
		    "days, then users' access is blocked from %lld",
		    (unsigned long long)h.id, (long long)a->due,
		    (long long)al_time_add_sat(a->due, AUTOLIC_OPS_PAYMENT_GRACE));
	} else {
		if (!h.late) {
			al_err(AUTOLIC_ESTATE, "OPS-6: hub '%s' has no late payment", h.name);
			return al_err_obj(AUTOLIC_OBJECT_OPS_HUB, h.id, h.name);
		}
		h.late = 0;
		h.due = 0;
	}
	return rc ? rc : al_ops_hub_store(t, &h);
}

int autolic_ops_payment_late(autolic_db *db, autolic_id actor, autolic_id hub, autolic_time due)
{
	int rc = al_ops_check_db_actor(db, actor);
	if (rc)
		return rc;
	autolic_time block;
	rc = al_time_add(due, AUTOLIC_OPS_PAYMENT_GRACE, &block,
	                 "the payment's block date (due + 30 days)");
	if (rc)
		return rc;
	pay_args a = {actor, hub, due, 1};
	return al_run(db, 1, pay_fn, &a);
}

int autolic_ops_payment_record(autolic_db *db, autolic_id actor, autolic_id hub)
{
	int rc = al_ops_check_db_actor(db, actor);
	if (rc)
		return rc;
	pay_args a = {actor, hub, 0, 0};
	return al_run(db, 1, pay_fn, &a);
}

/* ---- the whole-store check (autolic_db_check) ---- */

/* One hub: the counts of licences in use that its record keeps are the
 * active users (OPS-2) and the active operators holding a shop-floor licence
 * (OPS-2, OPS-4) that are stored. */
static int check_hub(al_txn *t, autolic_id id)
{
	al_ops_hub_rec h;
	int rc = al_ops_hub_load(t, id, &h);
	if (rc)
		return rc;
	al_ops_ops ops;
	al_ops_users users;
	al_array_init(&ops, t->a);
	al_array_init(&users, t->a);
	rc = al_ops_collect_ops(t, id, &ops);
	if (!rc)
		rc = al_ops_collect_users(t, id, &users);
	uint64_t licensed = 0, active = 0;
	for (size_t i = 0; !rc && i < ops.n; i++)
		licensed += ops.v[i].active && !ops.v[i].user;
	for (size_t i = 0; !rc && i < users.n; i++)
		active += users.v[i].active != 0;
	if (!rc && licensed != h.active_licensed)
		rc = al_err(
		    AUTOLIC_ECORRUPT,
		    "OPS-4: hub %llu counts %llu shop-floor licences in use, but %llu active "
		    "operators hold one",
		    (unsigned long long)id, (unsigned long long)h.active_licensed,
		    (unsigned long long)licensed);
	else if (!rc && active != h.active_users)
		rc = al_err(AUTOLIC_ECORRUPT,
		            "OPS-2: hub %llu counts %llu user licences in use, but %llu users are "
		            "active",
		            (unsigned long long)id, (unsigned long long)h.active_users,
		            (unsigned long long)active);
	al_array_free(&ops);
	al_array_free(&users);
	return rc;
}

int al_ops_check_all(al_txn *t)
{
	al_idlist ids;
	al_idlist_init(&ids, t->a, 1);
	al_key k;
	al_key_init(&k, AL_K_OPS_HUB);
	int rc = al_idlist_scan(t, &k, &ids);
	for (size_t i = 0; !rc && i < ids.n; i++)
		rc = check_hub(t, ids.v[i]);
	al_idlist_free(&ids);
	return rc;
}
