/*
 * Flex tokens: the catalogue, the team policy and horizon, users,
 * defaults and trials (FLEX-6..FLEX-8, FLEX-10, FLEX-11).
 */
#include "flex_internal.h"

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
	return al_flex_product_store(t, &p);
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
		rc =
		    al_text_check(name, AUTOLIC_FLEX_NAME_MAX, 0, "FLEX-3", "product display name");
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
	int rc = al_struct_check(AL_FLEX_PRODUCT_INFO, info->version);
	if (rc)
		return rc;
	product_get_args a;
	rc = al_product_norm(code, a.code, "FLEX-3", "product code");
	if (!rc)
		rc = al_run(db, 0, product_get_fn, &a);
	return rc ? rc : al_copy_out(info, &a.p, AL_FLEX_PRODUCT_INFO);
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
	int rc =
	    al_flex_team_admin_begin(t, a->team, a->actor, "FLEX-5", "set the Flex policy", &tf);
	if (rc)
		return rc;
	if (a->p.overage_limit < tf.owed) {
		al_name team;
		if ((rc = al_name_team(t, a->team, &team)) != 0)
			return rc;
		al_err(AUTOLIC_ESTATE,
		       "FLEX-5: team %s owes %lld overage tokens; the limit cannot go below that, "
		       "not %lld",
		       team.s, (long long)tf.owed, (long long)a->p.overage_limit);
		al_err_team(a->team, &team);
		al_err_num("owed", tf.owed);
		return al_err_num("limit", a->p.overage_limit);
	}
	tf.overage_limit = a->p.overage_limit;
	tf.low_threshold = a->p.low_threshold;
	return al_flex_low_update(t, &tf);
}

int autolic_flex_policy_set(autolic_db *db, autolic_id actor, autolic_id team,
                            const autolic_flex_policy *policy)
{
	int rc = al_flex_check_db_team(db, team);
	if (rc)
		return rc;
	if (!policy)
		return al_err(AUTOLIC_EINVAL, "policy is NULL");
	policy_args a = {actor, team, {0}};
	if ((rc = al_copy_in(&a.p, policy, AL_FLEX_POLICY)) != 0)
		return rc;
	if (a.p.overage_limit < 0 || a.p.overage_limit > AUTOLIC_FLEX_LOT_QUANTITY_MAX)
		return al_err(AUTOLIC_EINVAL, "FLEX-5: the overage limit is 0 to %lld tokens",
		              (long long)AUTOLIC_FLEX_LOT_QUANTITY_MAX);
	if (a.p.low_threshold < -1 || a.p.low_threshold > AUTOLIC_FLEX_LOT_QUANTITY_MAX)
		return al_err(AUTOLIC_EINVAL,
		              "FLEX-12: the threshold is -1 (default) or a token count");
	return al_run(db, 1, policy_set_fn, &a);
}

/* A team's Flex state, for the calls that read a setting of it. */
static int team_read_fn(al_txn *t, uint64_t team, void *tf)
{
	return al_flex_team_load(t, team, tf);
}

int autolic_flex_policy_get(autolic_db *db, autolic_id team, autolic_flex_policy *policy)
{
	int rc = al_flex_check_db_team(db, team);
	if (rc)
		return rc;
	if (!policy)
		return al_err(AUTOLIC_EINVAL, "policy is NULL");
	if ((rc = al_struct_check(AL_FLEX_POLICY, policy->version)) != 0)
		return rc;
	al_flex_team tf;
	rc = al_record_read(db, team, team_read_fn, &tf, NULL);
	if (rc)
		return rc;
	autolic_flex_policy p = AUTOLIC_FLEX_POLICY_INIT;
	p.overage_limit = tf.overage_limit;
	p.low_threshold = tf.low_threshold;
	return al_copy_out(policy, &p, AL_FLEX_POLICY);
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
	int rc = al_flex_team_admin_load(t, a->team, a->actor, "SEAM-4",
	                                 "set the late-report horizon", &tf);
	if (rc || (tf.as_loaded.stored && tf.horizon == a->seconds))
		return rc;
	tf.horizon = a->seconds;
	return al_flex_team_store(t, &tf);
}

int autolic_flex_horizon_set(autolic_db *db, autolic_id actor, autolic_id team, int64_t seconds)
{
	int rc = al_flex_check_db_team(db, team);
	if (rc)
		return rc;
	if (seconds < 0 || seconds > AUTOLIC_FLEX_HORIZON_MAX)
		return al_err(AUTOLIC_EINVAL,
		              "SEAM-4: the late-report horizon is 0 to %lld seconds, not %lld",
		              (long long)AUTOLIC_FLEX_HORIZON_MAX, (long long)seconds);
	horizon_args a = {actor, team, seconds};
	return al_run(db, 1, horizon_set_fn, &a);
}

int autolic_flex_horizon_get(autolic_db *db, autolic_id team, int64_t *seconds)
{
	int rc = al_flex_check_db_team(db, team);
	if (rc)
		return rc;
	if (!seconds)
		return al_err(AUTOLIC_EINVAL, "seconds is NULL");
	al_flex_team tf;
	rc = al_record_read(db, team, team_read_fn, &tf, NULL);
	if (!rc)
		*seconds = tf.horizon;
	return rc;
}

/* ================================================================== */
/* Users, defaults, trials                                              */
/* ================================================================== */

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
	al_key_pair(&k, AL_K_FLEX_USER, team, account);
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
int al_flex_allowed_for(al_txn *t, const al_flex_team *tf, autolic_id team, autolic_id account,
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
	int rc = al_flex_team_admin_load(t, a->team, a->actor, "FLEX-7", "assign Flex users", &tf);
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
		al_name who;
		if ((rc = al_name_account(t, a->account, &who)) != 0)
			return rc;
		al_err(AUTOLIC_ESTATE,
		       "FLEX-7: %s was removed and may not be a Flex user; name the person as "
		       "'First Last <email>' to invite them again (ACCT-3)",
		       who.s);
		return al_err_account(a->account, &who);
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
	al_key_pair(&k, AL_K_FLEX_USER, a->team, a->account);
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
	int rc = al_flex_check_db_team(db, team);
	if (rc)
		return rc;
	if (!spec)
		return al_err(AUTOLIC_EINVAL, "spec is NULL");
	autolic_flex_user_spec in;
	if ((rc = al_copy_in(&in, spec, AL_FLEX_USER_SPEC)) != 0)
		return rc;
	spec = &in;
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
		rc = al_flex_norm_list(spec->products, spec->n_products, a->u.products);
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
	al_key_pair(&k, AL_K_FLEX_USER, a->team, a->account);
	rc = al_txn_del(t, &k);
	al_name who, team;
	if (rc == AUTOLIC_ENOTFOUND && !(rc = al_name_account(t, a->account, &who)) &&
	    !(rc = al_name_team(t, a->team, &team))) {
		al_err(AUTOLIC_ENOTFOUND, "FLEX-7: %s is not a Flex user of team %s", who.s,
		       team.s);
		al_err_account(a->account, &who);
		rc = al_err_team(a->team, &team);
	}
	return rc;
}

int al_flex_user_forget(al_txn *t, autolic_id team, autolic_id account)
{
	al_key k;
	al_key_pair(&k, AL_K_FLEX_USER, team, account);
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
	al_idlist *v = arg;
	int rc = al_idlist_push(v, al_key_get_u64(key, 1));
	return rc ? rc : al_idlist_push(v, al_key_get_u64(key, 9));
}

int al_flex_upgrade_members(al_txn *t, int apply, autolic_id *team, autolic_id *account,
                            int *removed)
{
	al_idlist v;
	al_idlist_init(&v, t->a, 1);
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
	al_idlist_free(&v);
	return rc;
}

int autolic_flex_user_remove(autolic_db *db, autolic_id actor, autolic_id team, autolic_id account)
{
	int rc = al_flex_check_db_team(db, team);
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
	return al_flex_allowed_for(t, NULL, a->team, a->account, a->product, 0, &a->ok);
}

int autolic_flex_user_allowed(autolic_db *db, autolic_id team, autolic_id account,
                              const char *product, int *allowed)
{
	int rc = al_flex_check_db_team(db, team);
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
	int rc =
	    al_flex_team_admin_load(t, a->team, a->actor, "FLEX-8", "set default assignments", &tf);
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
	int rc = al_flex_check_db_team(db, team);
	if (rc)
		return rc;
	defaults_args *a = al_calloc(al_db_alloc(db), 1, sizeof(*a));
	if (!a)
		return al_err(AUTOLIC_ENOMEM, "out of memory");
	a->actor = actor;
	a->team = team;
	a->n = n;
	rc = al_flex_norm_list(products, n, a->products);
	if (!rc)
		rc = al_run(db, 1, defaults_fn, a);
	al_free(al_db_alloc(db), a);
	return rc;
}

static void trial_key(al_key *k, autolic_id account, const char *product, autolic_time start)
{
	al_key_id(k, AL_K_FLEX_TRIAL, account);
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
	int rc = al_time_span_check("FLEX-6", "trial", "start", "end", start, end);
	if (rc)
		return rc;
	trial_args a = {actor, account, {0}, start, end};
	rc = al_product_norm(product, a.product, "FLEX-6", "product code");
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
int al_flex_trial_at(al_txn *t, autolic_id account, const char *product, autolic_time at,
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
