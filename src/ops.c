/* Fusion Operations: hubs, admins, subscriptions, licence counts and users
 * (OPS-1..OPS-3, OPS-7, ROLE-7, ROLE-9); operators and payment are in
 * src/ops_operators.c, the records in src/ops_records.c.
 * The rules are in docs/rules.md; the decisions they leave open in docs/operators.md. */
#include "ops_internal.h"

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
	al_key_id(&k, AL_K_OPS_SUB, tenant);
	return al_txn_scan_prefix(t, &k, stop_cb, NULL);
}

static int tenant_hub(al_txn *t, autolic_id tenant, autolic_id *hub)
{
	al_key k;
	al_key_id(&k, AL_K_OPS_TENANT_HUB, tenant);
	return al_index_get(t, &k, AL_K_OPS_TENANT_HUB, hub);
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

/* A refusal about an account: "<head>: <email> <what>[ <other's email>][ hub
 * '<name>']" (the head starts with the rule ID), the accounts and the hub
 * attached. */
static int acct_refusal(al_txn *t, int code, const char *head, autolic_id account, const char *what,
                        autolic_id other, const al_ops_hub_rec *h)
{
	al_name a, o;
	int rc = al_name_account(t, account, &a);
	if (!rc && other)
		rc = al_name_account(t, other, &o);
	if (rc)
		return rc;
	al_err(code, "%s%s%s %s%s%s%s%s%s", head, head[0] ? ": " : "", a.s, what, other ? " " : "",
	       other ? o.s : "", h ? " hub '" : "", h ? h->name : "", h ? "'" : "");
	al_err_account(account, &a);
	if (other)
		al_err_account(other, &o);
	return h ? al_err_obj(AUTOLIC_OBJECT_OPS_HUB, h->id, h->name) : code;
}

static int choose_tenant(al_txn *t, autolic_id actor, autolic_id *tenant)
{
	al_idlist ts;
	al_idlist_init(&ts, t->a, AL_IDLIST_LAST);
	al_key k;
	al_key_id(&k, AL_K_OPS_ADMIN_OF, actor);
	int rc = al_idlist_scan(t, &k, &ts);
	size_t found = 0;
	autolic_id chosen = 0;
	for (size_t i = 0; !rc && i <= ts.n; i++) {
		autolic_id cand = i < ts.n ? ts.v[i] : actor;
		int ok = 0;
		rc = tenant_candidate(t, cand, &ok);
		if (!rc && ok) {
			found++;
			chosen = cand;
		}
	}
	al_idlist_free(&ts);
	if (rc)
		return rc;
	if (found == 0)
		return acct_refusal(t, AUTOLIC_ENOTFOUND, "OPS-1", actor,
		                    "administers no tenant that has a purchase and no hub", 0,
		                    NULL);
	if (found > 1) {
		al_name who;
		if ((rc = al_name_account(t, actor, &who)) != 0)
			return rc;
		al_err(AUTOLIC_EINVAL,
		       "OPS-1: %s may create a hub for %zu tenants; name one in "
		       "spec->tenant",
		       who.s, found);
		al_err_account(actor, &who);
		return al_err_num("tenants", (int64_t)found);
	}
	*tenant = chosen;
	return 0;
}

static int hub_create_fn(al_txn *t, void *arg)
{
	hub_create_args *a = arg;
	autolic_id tenant = a->spec->tenant;
	int rc = al_ops_require_active_actor(t, a->actor);
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
	rc = al_ops_require_admin(t, tenant, a->actor, "create a hub");
	if (rc)
		return rc;
	autolic_id existing;
	rc = tenant_hub(t, tenant, &existing);
	if (rc == 0) {
		al_ops_hub_rec h;
		rc = al_ops_hub_load(t, existing, &h);
		return rc ? rc
		          : acct_refusal(t, AUTOLIC_EEXISTS, "OPS-1", tenant, "already has", 0, &h);
	}
	if (rc != AUTOLIC_ENOTFOUND)
		return rc;
	rc = has_purchase(t, tenant);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return acct_refusal(t, AUTOLIC_ESTATE, "OPS-1: a hub is created after purchase",
		                    tenant, "has no subscription", 0, NULL);
	al_ops_hub_rec h;
	memset(&h, 0, sizeof h);
	rc = al_txn_seq_next(t, "ops_hub", &h.id);
	if (rc)
		return rc;
	h.tenant = tenant;
	snprintf(h.name, sizeof h.name, "%s", a->spec->name);
	h.created = t->now;
	rc = al_time_add(t->now, a->spec->trial_period, &h.trial_end,
	                 "the trial's end (the clock + the trial period)");
	if (rc)
		return rc;
	h.trial_operators = a->spec->trial_operators;
	rc = al_ops_hub_store(t, &h);
	if (rc)
		return rc;
	al_key k;
	al_key_id(&k, AL_K_OPS_TENANT_HUB, tenant);
	rc = al_index_put(t, &k, AL_K_OPS_TENANT_HUB, h.id);
	a->tenant = tenant;
	a->id = h.id;
	return rc;
}

int autolic_ops_hub_create(autolic_db *db, autolic_id actor, const autolic_ops_hub_spec *spec,
                           autolic_id *hub)
{
	int rc = al_ops_check_db_actor(db, actor);
	if (rc)
		return rc;
	if (!spec)
		return al_err(AUTOLIC_EINVAL, "spec is NULL");
	autolic_ops_hub_spec in;
	if ((rc = al_copy_in(&in, spec, AL_OPS_HUB_SPEC)) != 0)
		return rc;
	spec = &in;
	if ((rc = al_ops_check_text(spec->name, AUTOLIC_OPS_HUB_NAME_MAX, "OPS-1", "hub name")))
		return rc;
	if (spec->trial_period <= 0 || spec->trial_period > 366 * (int64_t)DAY)
		return al_err(AUTOLIC_EINVAL,
		              "OPS-1: trial period must be 1 s to 366 days, not %lld s",
		              (long long)spec->trial_period);
	hub_create_args a = {actor, spec, 0, 0};
	rc = al_run(db, 1, hub_create_fn, &a);
	if (!rc && hub)
		*hub = a.id;
	return rc;
}

static void hub_to_info(const al_ops_hub_rec *h, autolic_time now, autolic_ops_hub_info *info)
{
	memset(info, 0, sizeof(*info));
	info->version = AUTOLIC_OPS_HUB_INFO_VERSION;
	info->id = h->id;
	info->tenant = h->tenant;
	memcpy(info->name, h->name, sizeof info->name);
	info->created = h->created;
	info->state = al_ops_hub_state(h, now);
	info->trial_end = h->trial_end;
	info->trial_days_left = h->provisioned ? 0 : al_ops_days_left(now, h->trial_end);
	info->trial_operators = h->trial_operators;
	info->provisioned = h->provisioned ? h->provisioned_at : 0;
	info->payment_state = al_ops_payment_state(h->late, h->due, now);
	if (h->late) {
		info->payment_due = h->due;
		info->payment_block = al_time_add_sat(h->due, AUTOLIC_OPS_PAYMENT_GRACE);
		info->payment_days_left = al_ops_days_left(now, info->payment_block);
	}
}

static int hub_get_fn(al_txn *t, uint64_t id, void *h)
{
	return al_ops_hub_load(t, id, h);
}

int autolic_ops_hub_get(autolic_db *db, autolic_id hub, autolic_ops_hub_info *info)
{
	if (!db || !info)
		return al_err(AUTOLIC_EINVAL, "db and info are required");
	int rc = al_struct_check(AL_OPS_HUB_INFO, info->version);
	if (rc)
		return rc;
	al_ops_hub_rec h;
	autolic_time now;
	rc = al_record_read(db, hub, hub_get_fn, &h, &now);
	if (rc)
		return rc;
	autolic_ops_hub_info full;
	hub_to_info(&h, now, &full);
	return al_copy_out(info, &full, AL_OPS_HUB_INFO);
}

static int hub_find_fn(al_txn *t, void *arg)
{
	al_ops_find_args *a = arg;
	int rc = tenant_hub(t, a->key, &a->out);
	if (rc == AUTOLIC_ENOTFOUND)
		rc = al_err(AUTOLIC_ENOTFOUND, "OPS-1: tenant %llu has no hub",
		            (unsigned long long)a->key);
	return rc;
}

int autolic_ops_hub_find(autolic_db *db, autolic_id tenant, autolic_id *hub)
{
	if (!db || !hub)
		return al_err(AUTOLIC_EINVAL, "db and hub are required");
	al_ops_find_args a = {tenant, 0, NULL};
	int rc = al_run(db, 0, hub_find_fn, &a);
	if (!rc)
		*hub = a.out;
	return rc;
}

/* A change an admin makes to a hub as a whole: `op` changes the loaded hub,
 * which is stored after it; `count` is the operators it deactivated. */
typedef struct hub_op_args {
	autolic_id actor, hub;
	uint64_t count;
	const char *what;
	int (*op)(al_txn *t, struct hub_op_args *a, al_ops_hub_rec *h);
} hub_op_args;

static int hub_op_fn(al_txn *t, void *arg)
{
	hub_op_args *a = arg;
	al_ops_hub_rec h;
	a->count = 0;
	int rc = al_ops_hub_for_admin(t, a->hub, a->actor, &h, a->what);
	if (!rc)
		rc = a->op(t, a, &h);
	return rc ? rc : al_ops_hub_store(t, &h);
}

static int run_hub_op(autolic_db *db, hub_op_args *a, uint64_t *deactivated)
{
	int rc = al_ops_check_db_actor(db, a->actor);
	if (!rc)
		rc = al_run(db, 1, hub_op_fn, a);
	if (!rc && deactivated)
		*deactivated = a->count;
	return rc;
}

static int provision_op(al_txn *t, hub_op_args *a, al_ops_hub_rec *h)
{
	if (h->provisioned) {
		al_err(AUTOLIC_ESTATE, "OPS-1: hub '%s' is already provisioned", h->name);
		return al_err_obj(AUTOLIC_OBJECT_OPS_HUB, h->id, h->name);
	}
	h->provisioned = 1;
	h->provisioned_at = t->now;
	return al_ops_enforce_licences(t, h, &a->count);
}

int autolic_ops_hub_provision(autolic_db *db, autolic_id actor, autolic_id hub,
                              uint64_t *deactivated)
{
	hub_op_args a = {actor, hub, 0, "provision the hub", provision_op};
	return run_hub_op(db, &a, deactivated);
}

static int reconcile_op(al_txn *t, hub_op_args *a, al_ops_hub_rec *h)
{
	/* OPS-3 first: an operator whose user is gone takes no licence anyway */
	al_ops_ops ops;
	al_array_init(&ops, t->a);
	int rc = al_ops_collect_ops(t, h->id, &ops);
	al_ops_op_rec *all = ops.v;
	for (size_t i = 0; !rc && i < ops.n; i++) {
		if (!all[i].active || !all[i].user)
			continue;
		int active = 0;
		rc = al_ops_user_active(t, h->id, all[i].user, &active);
		if (!rc && !active) {
			char why[120];
			snprintf(why, sizeof why,
			         "OPS-3: user account %llu it was created from is deactivated",
			         (unsigned long long)all[i].user);
			rc = al_ops_op_deactivate(t, h, &all[i], AUTOLIC_OPS_REASON_USER, why);
			a->count++;
		}
	}
	al_array_free(&ops);
	return rc ? rc : al_ops_enforce_licences(t, h, &a->count);
}

int autolic_ops_hub_reconcile(autolic_db *db, autolic_id actor, autolic_id hub,
                              uint64_t *deactivated)
{
	hub_op_args a = {actor, hub, 0, "reconcile the hub", reconcile_op};
	return run_hub_op(db, &a, deactivated);
}

/* ---- admins (ROLE-7) ---- */

typedef struct admin_args {
	autolic_id actor, tenant, account;
	int add;
} admin_args;

static int admin_fn(al_txn *t, void *arg)
{
	admin_args *a = arg;
	int rc = al_ops_require_active_actor(t, a->actor);
	if (rc)
		return rc;
	if (a->actor != a->tenant)
		return acct_refusal(
		    t, AUTOLIC_EPERM,
		    "ROLE-7: only the tenant names or withdraws its Fusion Operations "
		    "admins",
		    a->actor, "is not the tenant", a->tenant, NULL);
	al_key k1, k2;
	al_key_pair(&k1, AL_K_OPS_ADMIN, a->tenant, a->account);
	al_key_pair(&k2, AL_K_OPS_ADMIN_OF, a->account, a->tenant);
	rc = al_txn_exists(t, &k1);
	if (rc < 0)
		return rc;
	if (a->add) {
		if (rc)
			return acct_refusal(t, AUTOLIC_EEXISTS, "", a->account,
			                    "is already an admin of the tenant", a->tenant, NULL);
		al_account_brief acc; /* only that the account exists */
		rc = al_account_brief_load(t, a->account, &acc);
		if (!rc)
			rc = al_record_put_empty(t, &k1);
		return rc ? rc : al_record_put_empty(t, &k2);
	}
	if (!rc)
		return acct_refusal(t, AUTOLIC_ENOTFOUND, "", a->account,
		                    "is not an admin of the tenant", a->tenant, NULL);
	rc = al_txn_del(t, &k1);
	return rc ? rc : al_txn_del(t, &k2);
}

static int admin_call(autolic_db *db, autolic_id actor, autolic_id tenant, autolic_id account,
                      int add)
{
	int rc = al_ops_check_db_actor(db, actor);
	if (rc)
		return rc;
	if (!tenant || !account)
		return al_err(AUTOLIC_EINVAL, "tenant and account are required");
	if (tenant == account)
		return al_err(AUTOLIC_EINVAL,
		              "the tenant administers its hub already; it is not named admin");
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
	al_ops_sub_rec s;
} sub_buy_args;

/* OPS-5 on the tenant's hub, if it has one. */
static int enforce_tenant(al_txn *t, autolic_id tenant, uint64_t *count)
{
	autolic_id hub;
	int rc = tenant_hub(t, tenant, &hub);
	if (rc == AUTOLIC_ENOTFOUND)
		return 0;
	al_ops_hub_rec h;
	if (!rc)
		rc = al_ops_hub_load(t, hub, &h);
	if (rc)
		return rc;
	uint64_t before = h.active_licensed;
	rc = al_ops_enforce_licences(t, &h, count);
	if (!rc && h.active_licensed != before)
		rc = al_ops_hub_store(t, &h);
	return rc;
}

static int sub_buy_fn(al_txn *t, void *arg)
{
	sub_buy_args *a = arg;
	al_ops_sub_rec *s = &a->s;
	al_account_brief acc; /* only that the account exists */
	int rc = al_account_brief_load(t, s->tenant, &acc);
	if (rc == AUTOLIC_ENOTFOUND)
		return al_err(AUTOLIC_ENOTFOUND, "OPS-2: tenant account %llu does not exist",
		              (unsigned long long)s->tenant);
	if (!rc)
		rc = al_ops_require_admin(t, s->tenant, a->actor, "buy a subscription");
	if (rc)
		return rc;
	s->start = a->start ? a->start : t->now;
	if (s->end <= s->start || s->end <= t->now)
		return al_err(AUTOLIC_EINVAL,
		              "OPS-2: the term must end after its start and after now");
	/* ROLE-9: always a new subscription with a new number */
	rc = al_txn_seq_next(t, "ops_subscription", &s->number);
	if (!rc)
		rc = al_ops_sub_store(t, s);
	if (rc)
		return rc;
	al_key k;
	al_key_id(&k, AL_K_OPS_SUB_NUMBER, s->number);
	return al_index_put(t, &k, AL_K_OPS_SUB_NUMBER, s->tenant);
}

int autolic_ops_subscription_buy(autolic_db *db, autolic_id actor,
                                 const autolic_ops_subscription_spec *spec, uint64_t *number)
{
	int rc = al_ops_check_db_actor(db, actor);
	if (rc)
		return rc;
	if (!spec)
		return al_err(AUTOLIC_EINVAL, "spec is NULL");
	autolic_ops_subscription_spec in;
	if ((rc = al_copy_in(&in, spec, AL_OPS_SUBSCRIPTION_SPEC)) != 0)
		return rc;
	spec = &in;
	if (!spec->tenant)
		return al_err(AUTOLIC_EINVAL, "OPS-2: tenant is required");
	if (spec->kind != AUTOLIC_OPS_USER && spec->kind != AUTOLIC_OPS_SHOP_FLOOR)
		return al_err(AUTOLIC_EINVAL, "OPS-2: kind %d is neither user nor shop-floor",
		              spec->kind);
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

static int sub_get_fn(al_txn *t, uint64_t number, void *s)
{
	return al_ops_sub_load(t, number, s);
}

int autolic_ops_subscription_get(autolic_db *db, uint64_t number,
                                 autolic_ops_subscription_info *info)
{
	if (!db || !info)
		return al_err(AUTOLIC_EINVAL, "db and info are required");
	int rc = al_struct_check(AL_OPS_SUBSCRIPTION_INFO, info->version);
	if (rc)
		return rc;
	al_ops_sub_rec s;
	autolic_time now;
	rc = al_record_read(db, number, sub_get_fn, &s, &now);
	if (rc)
		return rc;
	autolic_ops_subscription_info full = {.version = AUTOLIC_OPS_SUBSCRIPTION_INFO_VERSION,
	                                      .number = s.number,
	                                      .tenant = s.tenant,
	                                      .kind = s.kind,
	                                      .quantity = s.quantity,
	                                      .start = s.start,
	                                      .end = s.end,
	                                      .active = s.start <= now && now < s.end};
	return al_copy_out(info, &full, AL_OPS_SUBSCRIPTION_INFO);
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
	al_ops_sub_rec s;
	a->count = 0;
	int rc = al_ops_sub_load(t, a->number, &s);
	if (!rc)
		rc = al_ops_require_admin(t, s.tenant, a->actor,
		                          a->quantity ? "change a subscription"
		                                      : "end a subscription");
	if (rc)
		return rc;
	if (s.end <= t->now) {
		char at[AL_TIME_TEXT_CAP];
		al_err(AUTOLIC_ESTATE, "OPS-2: subscription %llu ended at %s",
		       (unsigned long long)s.number, al_time_text(at, s.end));
		al_err_obj(AUTOLIC_OBJECT_SUBSCRIPTION, s.number, "");
		return al_err_time("ended", s.end);
	}
	if (a->quantity) {
		s.quantity = a->quantity;
	} else {
		s.end = t->now;
		if (s.start > s.end)
			s.start = s.end;
	}
	rc = al_ops_sub_store(t, &s);
	return rc ? rc : enforce_tenant(t, s.tenant, &a->count);
}

static int sub_change(autolic_db *db, autolic_id actor, uint64_t number, uint32_t quantity,
                      uint64_t *deactivated)
{
	int rc = al_ops_check_db_actor(db, actor);
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
		return al_err(AUTOLIC_EINVAL,
		              "OPS-2: quantity must be at least 1; end the subscription instead");
	return sub_change(db, actor, number, quantity, deactivated);
}

int autolic_ops_subscription_end(autolic_db *db, autolic_id actor, uint64_t number,
                                 uint64_t *deactivated)
{
	return sub_change(db, actor, number, 0, deactivated);
}

/* ---- licence counts (OPS-2) ---- */

static int lic_fn(al_txn *t, uint64_t hub, void *info)
{
	al_ops_hub_rec h;
	al_ops_lic_counts c;
	int rc = al_ops_hub_load(t, hub, &h);
	if (!rc)
		rc = al_ops_licences_of(t, h.tenant, &c);
	if (rc)
		return rc;
	autolic_ops_licence_info *i = info;
	memset(i, 0, sizeof(*i));
	i->user_total = c.user_total;
	i->user_used = h.active_users;
	i->user_available = c.user_total > h.active_users ? c.user_total - h.active_users : 0;
	i->shop_floor_subscribed = c.shop_subscribed;
	i->shop_floor_total = al_ops_shop_limit(&h, &c);
	i->shop_floor_used = h.active_licensed;
	i->shop_floor_available =
	    i->shop_floor_total > h.active_licensed ? i->shop_floor_total - h.active_licensed : 0;
	return 0;
}

int autolic_ops_licences_get(autolic_db *db, autolic_id hub, autolic_ops_licence_info *info)
{
	if (!db || !info)
		return al_err(AUTOLIC_EINVAL, "db and info are required");
	int rc = al_struct_check(AL_OPS_LICENCE_INFO, info->version);
	if (rc)
		return rc;
	autolic_ops_licence_info full;
	rc = al_record_read(db, hub, lic_fn, &full, NULL);
	return rc ? rc : al_copy_out(info, &full, AL_OPS_LICENCE_INFO);
}

int autolic_ops_shop_floor_available(autolic_db *db, autolic_id hub, uint64_t *available)
{
	if (!db || !available)
		return al_err(AUTOLIC_EINVAL, "db and available are required");
	*available = 0;
	autolic_ops_licence_info lic;
	int rc = al_record_read(db, hub, lic_fn, &lic, NULL);
	if (rc)
		return rc;
	if (!lic.shop_floor_subscribed)
		return al_err(
		    AUTOLIC_ENOTFOUND,
		    "OPS-2: the tenant of hub %llu has no shop-floor subscription; no operator "
		    "licence information is shown",
		    (unsigned long long)hub);
	*available = lic.shop_floor_available;
	return 0;
}

/* ---- users (OPS-2, OPS-3, OPS-7) ---- */

typedef struct user_args {
	autolic_id actor, hub, account;
	int action; /* 0 add, 1 deactivate, 2 reactivate */
} user_args;

static int need_user_licence(al_txn *t, const al_ops_hub_rec *h)
{
	al_ops_lic_counts c;
	int rc = al_ops_licences_of(t, h->tenant, &c);
	if (rc)
		return rc;
	if (h->active_users >= c.user_total) {
		al_err(AUTOLIC_ENOSEAT, "OPS-2: all %llu user licences of hub '%s' are in use",
		       (unsigned long long)c.user_total, h->name);
		al_err_obj(AUTOLIC_OBJECT_OPS_HUB, h->id, h->name);
		al_err_num("used", (int64_t)h->active_users);
		return al_err_num("limit", (int64_t)c.user_total);
	}
	return 0;
}

static int user_fn(al_txn *t, void *arg)
{
	static const char *what[] = {"add a user", "deactivate a user", "reactivate a user"};
	user_args *a = arg;
	al_ops_hub_rec h;
	int rc = al_ops_hub_for_admin(t, a->hub, a->actor, &h, what[a->action]);
	if (!rc)
		rc = al_ops_enforce_licences(t, &h, NULL);
	if (rc)
		return rc;
	al_ops_user_rec u;
	rc = al_ops_user_load(t, h.id, a->account, &u);
	if (rc && rc != AUTOLIC_ENOTFOUND)
		return rc;
	int known = rc == 0;
	if (a->action == 0) {
		if (known)
			return acct_refusal(t, AUTOLIC_EEXISTS, "", a->account,
			                    "is already a user of", 0, &h);
		al_account_brief acc; /* only its state is read */
		rc = al_account_brief_load(t, a->account, &acc);
		if (rc == AUTOLIC_ENOTFOUND)
			return al_err(AUTOLIC_ENOTFOUND,
			              "OPS-2: unknown user: account %llu does not exist",
			              (unsigned long long)a->account);
		if (rc)
			return rc;
		if (acc.state == AUTOLIC_ACCOUNT_REMOVED || acc.state == AUTOLIC_ACCOUNT_EXPIRED)
			return acct_refusal(t, AUTOLIC_ESTATE, "OPS-2", a->account,
			                    "is removed or its invitation expired", 0, NULL);
		rc = need_user_licence(t, &h);
		if (rc)
			return rc;
		u.account = a->account;
		u.active = 1;
		u.since = u.created = t->now;
		h.active_users++;
	} else {
		if (!known)
			return acct_refusal(t, AUTOLIC_ENOTFOUND, "OPS-2: unknown user", a->account,
			                    "is not a user of", 0, &h);
		if (a->action == 1) {
			if (!u.active)
				return acct_refusal(t, AUTOLIC_ESTATE, "", a->account,
				                    "is already deactivated as a user of", 0, &h);
			u.active = 0;
			h.active_users--;
			char why[120];
			snprintf(why, sizeof why,
			         "OPS-3: user account %llu it was created from was deactivated",
			         (unsigned long long)a->account);
			rc = al_ops_deactivate_user_ops(t, &h, a->account, why, NULL);
		} else {
			if (u.active)
				return acct_refusal(t, AUTOLIC_ESTATE, "", a->account,
				                    "is already active as a user of", 0, &h);
			int usable = 0;
			rc = al_ops_account_usable(t, a->account, &usable);
			if (!rc && !usable)
				rc = acct_refusal(t, AUTOLIC_ESTATE, "OPS-3", a->account,
				                  "is removed or its invitation expired", 0, NULL);
			if (!rc)
				rc = need_user_licence(t, &h);
			u.active = 1;
			u.since = t->now;
			h.active_users++;
		}
		if (rc)
			return rc;
	}
	rc = al_ops_user_store(t, h.id, &u);
	return rc ? rc : al_ops_hub_store(t, &h);
}

static int user_call(autolic_db *db, autolic_id actor, autolic_id hub, autolic_id account,
                     int action)
{
	int rc = al_ops_check_db_actor(db, actor);
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

int autolic_ops_user_deactivate(autolic_db *db, autolic_id actor, autolic_id hub,
                                autolic_id account)
{
	return user_call(db, actor, hub, account, 1);
}

int autolic_ops_user_reactivate(autolic_db *db, autolic_id actor, autolic_id hub,
                                autolic_id account)
{
	return user_call(db, actor, hub, account, 2);
}

/* Users in the order their licences were assigned: earlier first, then lower id. */
static int user_order_cmp(const void *pa, const void *pb)
{
	const al_ops_user_rec *a = pa, *b = pb;
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
	al_ops_hub_rec h;
	int rc = al_ops_hub_load(t, a->hub, &h);
	if (rc)
		return rc;
	char at[AL_TIME_TEXT_CAP];
	if (al_ops_hub_state(&h, t->now) == AUTOLIC_OPS_HUB_TRIAL_ENDED) {
		al_err(AUTOLIC_ENOLICENCE,
		       "OPS-1: no valid licence: the trial of hub '%s' ended at %s without "
		       "provisioning",
		       h.name, al_time_text(at, h.trial_end));
		al_err_obj(AUTOLIC_OBJECT_OPS_HUB, h.id, h.name);
		return al_err_time("ended", h.trial_end);
	}
	if (al_ops_payment_state(h.late, h.due, t->now) == AUTOLIC_OPS_PAYMENT_BLOCKED) {
		al_err(AUTOLIC_ENOLICENCE,
		       "OPS-6: no valid licence: a payment of hub '%s' due at %s is late past the "
		       "30-day warning; access is blocked until it is paid",
		       h.name, al_time_text(at, h.due));
		al_err_obj(AUTOLIC_OBJECT_OPS_HUB, h.id, h.name);
		return al_err_time("due", h.due);
	}
	al_ops_user_rec u;
	rc = al_ops_user_load(t, h.id, a->account, &u);
	int held = rc == 0, usable = 0;
	if (rc && rc != AUTOLIC_ENOTFOUND)
		return rc;
	if (held && u.active && (rc = al_ops_account_usable(t, a->account, &usable)) != 0)
		return rc;
	if (!held || !u.active || !usable) {
		al_name who;
		if ((rc = al_name_account(t, a->account, &who)) != 0)
			return rc;
		if (!held)
			al_err(AUTOLIC_ENOLICENCE,
			       "OPS-7: no valid licence: %s holds no user licence of hub '%s'",
			       who.s, h.name);
		else
			al_err(AUTOLIC_ENOLICENCE,
			       "OPS-7: no valid licence: user %s of hub '%s' is deactivated", who.s,
			       h.name);
		al_err_account(a->account, &who);
		return al_err_obj(AUTOLIC_OBJECT_OPS_HUB, h.id, h.name);
	}
	al_ops_lic_counts c;
	rc = al_ops_licences_of(t, h.tenant, &c);
	if (rc || h.active_users <= c.user_total)
		return rc;
	/* more active users than licences: the last assigned are uncovered */
	al_ops_users users;
	al_array_init(&users, t->a);
	rc = al_ops_collect_users(t, h.id, &users);
	if (!rc) {
		al_ops_user_rec *v = users.v;
		size_t m = 0;
		for (size_t i = 0; i < users.n; i++)
			if (v[i].active)
				v[m++] = v[i];
		qsort(v, m, sizeof(*v), user_order_cmp);
		size_t rank = 0;
		while (rank < m && v[rank].account != a->account)
			rank++;
		al_name who;
		if (rank >= c.user_total && (rc = al_name_account(t, a->account, &who)) == 0) {
			al_err(AUTOLIC_ENOLICENCE,
			       "OPS-7: no valid licence: hub '%s' has %llu user licences for %zu "
			       "active "
			       "users and the licence of %s was assigned among the last",
			       h.name, (unsigned long long)c.user_total, m, who.s);
			al_err_account(a->account, &who);
			al_err_obj(AUTOLIC_OBJECT_OPS_HUB, h.id, h.name);
			al_err_num("active", (int64_t)m);
			rc = al_err_num("limit", (int64_t)c.user_total);
		}
	}
	al_array_free(&users);
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
