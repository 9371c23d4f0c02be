/* Teams and their administrators (APS-1, ROLE-3). */
#include "team.h"
#include "account.h"
#include "authz.h"
#include "contract.h"
#include "core/idlist.h"
#include "core/record.h"
#include "level.h"
#include "names.h"
#include "autolic/team.h"
#include "core/error.h"
#include "core/text.h"
#include "core/snap.h"

#include <stdio.h>
#include <string.h>

typedef struct team_rec {
	autolic_id id;
	char name[AUTOLIC_TEAM_NAME_MAX + 1];
	autolic_id primary;
	autolic_time created;
} team_rec;

static void team_key(al_key *k, autolic_id id)
{
	al_key_id(k, AL_K_TEAM, id);
}

static void member_key(al_key *k, autolic_id team, autolic_id account)
{
	al_key_pair(k, AL_K_TEAM_MEMBER, team, account);
}

static void member_team_key(al_key *k, autolic_id account, autolic_id team)
{
	al_key_pair(k, AL_K_MEMBER_TEAM, account, team);
}

static void team_encode(al_buf *b, const void *rec)
{
	const team_rec *r = rec;
	al_rec_begin(b, AL_K_TEAM);
	al_enc_u64(b, r->id);
	al_enc_str(b, r->name);
	al_enc_u64(b, r->primary);
	al_enc_i64(b, r->created);
}

static int team_decode(const void *p, size_t len, void *rec)
{
	team_rec *r = rec;
	al_rd d;
	int rc = al_rec_open(&d, p, len, AL_K_TEAM);
	if (rc)
		return rc;
	r->id = al_dec_u64(&d);
	al_dec_str(&d, r->name, sizeof r->name);
	r->primary = al_dec_u64(&d);
	r->created = al_dec_i64(&d);
	return al_rd_done(&d);
}

static int team_store(al_txn *t, const team_rec *r)
{
	al_key k;
	team_key(&k, r->id);
	return al_record_put(t, &k, team_encode, r);
}

static int team_load(al_txn *t, autolic_id id, team_rec *r)
{
	al_key k;
	team_key(&k, id);
	int rc = al_record_get(t, &k, team_decode, r);
	if (rc == AUTOLIC_ENOTFOUND)
		rc = al_err(AUTOLIC_ENOTFOUND, "team %llu does not exist", (unsigned long long)id);
	return rc;
}

/* ---- for the other nouns (src/team.h) ---- */

int al_team_check(al_txn *t, autolic_id team)
{
	al_key k;
	team_key(&k, team);
	int rc = al_txn_exists(t, &k);
	if (rc == 0)
		return al_err(AUTOLIC_ENOTFOUND, "team %llu does not exist",
		              (unsigned long long)team);
	return rc < 0 ? rc : 0;
}

int al_team_name(al_txn *t, autolic_id team, char *name, size_t len)
{
	team_rec r;
	int rc = team_load(t, team, &r);
	if (!rc)
		snprintf(name, len, "%s", r.name);
	return rc;
}

int al_name_team(al_txn *t, autolic_id team, al_name *n)
{
	n->s[0] = 0;
	return al_name_fallback(al_team_name(t, team, n->s, sizeof n->s), team, n);
}

int al_team_role(al_txn *t, autolic_id team, autolic_id account, int *role)
{
	al_key k;
	al_buf b;
	al_rd d;
	member_key(&k, team, account);
	al_buf_init(&b, t->a);
	int rc = al_txn_get(t, &k, &b);
	*role = AL_ROLE_NONE;
	if (rc == AUTOLIC_ENOTFOUND) {
		al_buf_free(&b);
		return 0;
	}
	if (!rc)
		rc = al_rec_open(&d, b.p, b.len, AL_K_TEAM_MEMBER);
	if (!rc) {
		int r = al_dec_u8(&d);
		rc = al_rd_done(&d);
		if (!rc && (r < AL_ROLE_PRIMARY || r > AL_ROLE_USER))
			rc = al_err(AUTOLIC_ECORRUPT, "member record of team %llu holds role %d",
			            (unsigned long long)team, r);
		if (!rc)
			*role = r;
	}
	al_buf_free(&b);
	return rc;
}

int al_team_require_admin(al_txn *t, autolic_id team, autolic_id actor, const char *rule,
                          const char *what)
{
	int rc = al_team_check(t, team);
	if (rc)
		return rc;
	rc = al_authz_actor(t, actor, NULL);
	if (rc) {
		al_err_prefix("%s", rule ? rule : "ROLE-7");
		return rc;
	}
	int role;
	rc = al_team_role(t, team, actor, &role);
	if (rc)
		return rc;
	if (role != AL_ROLE_PRIMARY && role != AL_ROLE_SECONDARY) {
		al_name who, tn;
		if ((rc = al_name_account(t, actor, &who)) != 0 ||
		    (rc = al_name_team(t, team, &tn)) != 0)
			return rc;
		al_err(AUTOLIC_EPERM,
		       "%s: permission denied: %s needs an administrator of team %s; %s is not one",
		       rule ? rule : "ROLE-6", what ? what : "this call", tn.s, who.s);
		al_err_account(actor, &who);
		return al_err_team(team, &tn);
	}
	return 0;
}

/* ---- helpers for the other nouns ---- */

int al_team_member_set(al_txn *t, autolic_id team, autolic_id account, int role)
{
	al_key k;
	int rc;
	if (role == AL_ROLE_NONE) {
		member_key(&k, team, account);
		rc = al_txn_del(t, &k);
		if (!rc) {
			member_team_key(&k, account, team);
			rc = al_txn_del(t, &k);
		}
		return rc == AUTOLIC_ENOTFOUND ? 0 : rc;
	}
	al_buf b;
	al_buf_init(&b, t->a);
	al_rec_begin(&b, AL_K_TEAM_MEMBER);
	al_enc_u8(&b, (uint8_t)role);
	member_key(&k, team, account);
	rc = al_txn_put(t, &k, &b);
	if (!rc) {
		al_rec_begin(&b, AL_K_MEMBER_TEAM);
		member_team_key(&k, account, team);
		rc = al_txn_put(t, &k, &b);
	}
	al_buf_free(&b);
	return rc;
}

int al_team_create(al_txn *t, const char *name, autolic_id primary, autolic_id *id)
{
	team_rec r;
	memset(&r, 0, sizeof r);
	int rc = al_txn_seq_next(t, "team", &r.id);
	if (rc)
		return rc;
	snprintf(r.name, sizeof r.name, "%s", name);
	r.primary = primary;
	r.created = t->now;
	rc = team_store(t, &r);
	if (!rc)
		rc = al_team_member_set(t, r.id, primary, AL_ROLE_PRIMARY);
	if (!rc)
		rc = al_store_level_stamp(t); /* see src/level.h */
	if (!rc && id)
		*id = r.id;
	return rc;
}

int al_team_raise_to_admin(al_txn *t, autolic_id team, autolic_id account)
{
	int role;
	int rc = al_team_role(t, team, account, &role);
	if (rc || role == AL_ROLE_PRIMARY || role == AL_ROLE_SECONDARY)
		return rc;
	return al_team_member_set(t, team, account, AL_ROLE_SECONDARY);
}

int al_team_join(al_txn *t, autolic_id team, autolic_id account)
{
	int role;
	int rc = al_team_role(t, team, account, &role);
	if (rc || role != AL_ROLE_NONE)
		return rc;
	return al_team_member_set(t, team, account, AL_ROLE_USER);
}

/* ROLE-3: `account` may become the primary administrator of `team`, read
 * into *r. */
static int hand_over_check(al_txn *t, autolic_id team, autolic_id account, team_rec *r)
{
	al_account_brief who; /* only its state is read */
	int role;
	int rc = team_load(t, team, r);
	if (!rc)
		rc = al_account_brief_load(t, account, &who);
	if (!rc)
		rc = al_team_role(t, team, account, &role);
	if (rc)
		return rc;
	if (role != AL_ROLE_SECONDARY || who.state != AUTOLIC_ACCOUNT_ACTIVE) {
		al_name n;
		if ((rc = al_name_account(t, account, &n)) != 0)
			return rc;
		al_err(AUTOLIC_ESTATE,
		       "ROLE-3: only an active secondary administrator can become primary "
		       "administrator and contract manager (SEAM-2); %s is not one of team %s",
		       n.s, r->name);
		al_err_account(account, &n);
		return al_err_obj(AUTOLIC_OBJECT_TEAM, r->id, r->name);
	}
	return 0;
}

int al_team_hand_over_check(al_txn *t, autolic_id team, autolic_id account)
{
	team_rec r;
	return hand_over_check(t, team, account, &r);
}

int al_team_hand_over(al_txn *t, autolic_id team, autolic_id account)
{
	team_rec r;
	int rc = hand_over_check(t, team, account, &r);
	if (rc)
		return rc;
	autolic_id former = r.primary;
	rc = al_team_member_set(t, team, former, AL_ROLE_SECONDARY);
	if (!rc)
		rc = al_team_member_set(t, team, account, AL_ROLE_PRIMARY);
	if (rc)
		return rc;
	r.primary = account;
	rc = team_store(t, &r);
	if (!rc)
		rc =
		    al_txn_event(t, AUTOLIC_EVENT_ROLE_CHANGED, account, team, team, NULL, "ROLE-3",
		                 "you are now the primary administrator of team '%s'", r.name);
	if (!rc)
		rc = al_txn_event(t, AUTOLIC_EVENT_ROLE_CHANGED, former, team, team, NULL, "ROLE-3",
		                  "you are now a secondary administrator of team '%s'", r.name);
	return rc;
}

int al_team_list_of_account(al_txn *t, autolic_id account, al_idlist *out)
{
	return al_idlist_scan_of(t, AL_K_MEMBER_TEAM, account, out);
}

int al_team_list_members(al_txn *t, autolic_id team, al_idlist *out)
{
	return al_idlist_scan_of(t, AL_K_TEAM_MEMBER, team, out);
}

/* ---- public calls ---- */

static int check_name(const char *name, const char *what, size_t max)
{
	return al_text_check(name, max, AL_TEXT_REQUIRED, NULL, what);
}

typedef struct {
	autolic_id actor;
	const char *name;
	autolic_id id;
} create_args;

static int create_fn(al_txn *t, void *arg)
{
	create_args *ca = arg;
	int rc = al_authz_actor(t, ca->actor, NULL);
	return rc ? rc : al_team_create(t, ca->name, ca->actor, &ca->id);
}

int autolic_team_create(autolic_db *db, autolic_id actor, const autolic_team_spec *spec,
                        autolic_id *id)
{
	if (!db || !spec)
		return al_err(AUTOLIC_EINVAL, "db and spec are required");
	autolic_team_spec in;
	int rc = al_copy_in(&in, spec, AL_TEAM_SPEC);
	if (rc)
		return rc;
	spec = &in;
	rc = al_authz_actor_given(actor);
	if (rc)
		return rc;
	rc = check_name(spec->name, "team name", AUTOLIC_TEAM_NAME_MAX);
	if (rc)
		return rc;
	create_args ca = {actor, spec->name, 0};
	rc = al_run(db, 1, create_fn, &ca);
	if (!rc && id)
		*id = ca.id;
	return rc;
}

static int tget_fn(al_txn *t, uint64_t id, void *r)
{
	return team_load(t, id, r);
}

int autolic_team_get(autolic_db *db, autolic_id team, autolic_team_info *info)
{
	if (!db || !info)
		return al_err(AUTOLIC_EINVAL, "db and info are required");
	int rc = al_struct_check(AL_TEAM_INFO, info->version);
	if (rc)
		return rc;
	team_rec r;
	rc = al_record_read(db, team, tget_fn, &r, NULL);
	if (rc)
		return rc;
	autolic_team_info full = {.id = r.id, .primary = r.primary, .created = r.created};
	memcpy(full.name, r.name, sizeof full.name);
	return al_copy_out(info, &full, AL_TEAM_INFO);
}

typedef struct {
	autolic_id team, account;
	int role;
} role_args;

static int role_fn(al_txn *t, void *arg)
{
	role_args *ra = arg;
	int rc = al_team_check(t, ra->team);
	return rc ? rc : al_team_role(t, ra->team, ra->account, &ra->role);
}

int autolic_team_role_get(autolic_db *db, autolic_id team, autolic_id account, int *role)
{
	if (!db || !role)
		return al_err(AUTOLIC_EINVAL, "db and role are required");
	role_args ra = {team, account, 0};
	int rc = al_run(db, 0, role_fn, &ra);
	if (!rc)
		*role = ra.role;
	return rc;
}

typedef struct {
	autolic_id actor, team, account;
	int op;
} admin_args;

enum { OP_ADD_ADMIN, OP_REMOVE_ADMIN };

/* The actor must be the team's primary admin (ROLE-3, ROLE-6). */
static int require_primary(al_txn *t, const team_rec *r, autolic_id actor, int fn, const char *rule)
{
	int rc = al_authz_actor(t, actor, NULL);
	if (rc)
		return rc;
	if (r->primary != actor) {
		al_name who, primary;
		if (rule && !(rc = al_name_account(t, actor, &who)) &&
		    !(rc = al_name_account(t, r->primary, &primary))) {
			al_err(
			    AUTOLIC_EPERM,
			    "%s: permission denied: only the primary administrator of team %s (%s) "
			    "may do this, not %s",
			    rule, r->name, primary.s, who.s);
			al_err_account(actor, &who);
			al_err_obj(AUTOLIC_OBJECT_TEAM, r->id, r->name);
			return al_err_account(r->primary, &primary);
		}
		if (rc)
			return rc;
		return al_authz_deny(t, fn, actor, "not the team's primary administrator");
	}
	return 0;
}

static int admin_fn(al_txn *t, void *arg)
{
	admin_args *aa = arg;
	team_rec r;
	int rc = team_load(t, aa->team, &r);
	if (rc)
		return rc;
	rc = require_primary(t, &r, aa->actor, AL_FN_ASSIGN_COORDINATOR, NULL);
	if (rc)
		return rc;
	al_account_brief who; /* only its state is read */
	rc = al_account_brief_load(t, aa->account, &who);
	if (rc)
		return rc;
	int role;
	rc = al_team_role(t, aa->team, aa->account, &role);
	if (rc)
		return rc;
	switch (aa->op) {
	case OP_ADD_ADMIN:
		if (who.state == AUTOLIC_ACCOUNT_REMOVED || role == AL_ROLE_PRIMARY ||
		    role == AL_ROLE_SECONDARY) {
			al_name n;
			if ((rc = al_name_account(t, aa->account, &n)) != 0)
				return rc;
			if (who.state == AUTOLIC_ACCOUNT_REMOVED)
				al_err(AUTOLIC_ESTATE,
				       "ROLE-3: %s was removed and cannot be an administrator",
				       n.s);
			else
				al_err(AUTOLIC_EEXISTS,
				       "ROLE-3: %s is already an administrator of team %s", n.s,
				       r.name);
			al_err_account(aa->account, &n);
			return al_err_obj(AUTOLIC_OBJECT_TEAM, r.id, r.name);
		}
		rc = al_team_member_set(t, aa->team, aa->account, AL_ROLE_SECONDARY);
		if (!rc)
			rc = al_txn_event(
			    t, AUTOLIC_EVENT_ROLE_CHANGED, aa->account, aa->team, aa->team, NULL,
			    "ROLE-3", "you are now a secondary administrator of team '%s'", r.name);
		return rc;
	default: { /* OP_REMOVE_ADMIN */
		autolic_id contract = 0;
		if (role == AL_ROLE_SECONDARY)
			rc = al_contract_admin_in_team(t, aa->team, aa->account, &contract);
		al_name n, c;
		if (!rc && (role != AL_ROLE_SECONDARY || contract))
			rc = al_name_account(t, aa->account, &n);
		if (rc)
			return rc;
		if (role != AL_ROLE_SECONDARY) {
			al_err(AUTOLIC_ESTATE,
			       "ROLE-3: %s is not a secondary administrator of team %s", n.s,
			       r.name);
			al_err_account(aa->account, &n);
			return al_err_obj(AUTOLIC_OBJECT_TEAM, r.id, r.name);
		}
		if (contract) {
			al_err(AUTOLIC_ESTATE,
			       "ROLE-2/ROLE-4: %s manages or coordinates contract %s; hand that "
			       "role over "
			       "first",
			       n.s, al_name_contract(contract, &c));
			al_err_account(aa->account, &n);
			return al_err_contract(contract);
		}
		rc = al_team_member_set(t, aa->team, aa->account, AL_ROLE_USER);
		if (!rc)
			rc = al_txn_event(
			    t, AUTOLIC_EVENT_ROLE_CHANGED, aa->account, aa->team, aa->team, NULL,
			    "ROLE-3", "you are no longer an administrator of team '%s'", r.name);
		return rc;
	}
	}
}

int al_team_require_primary(al_txn *t, autolic_id team, autolic_id actor)
{
	team_rec r;
	int rc = team_load(t, team, &r);
	return rc ? rc : require_primary(t, &r, actor, AL_FN_ASSIGN_COORDINATOR, "ROLE-3");
}

int al_team_admin_call_check(autolic_db *db, autolic_id actor, autolic_id team, autolic_id account)
{
	int rc = al_authz_call_check(db, actor);
	if (rc)
		return rc;
	if (!team || !account)
		return al_err(AUTOLIC_EINVAL, "team and account are required");
	return 0;
}

static int admin_call(autolic_db *db, autolic_id actor, autolic_id team, autolic_id account, int op)
{
	int rc = al_team_admin_call_check(db, actor, team, account);
	if (rc)
		return rc;
	admin_args aa = {actor, team, account, op};
	return al_run(db, 1, admin_fn, &aa);
}

int autolic_team_add_admin(autolic_db *db, autolic_id actor, autolic_id team, autolic_id account)
{
	return admin_call(db, actor, team, account, OP_ADD_ADMIN);
}

int autolic_team_remove_admin(autolic_db *db, autolic_id actor, autolic_id team, autolic_id account)
{
	return admin_call(db, actor, team, account, OP_REMOVE_ADMIN);
}

/* ---- iteration (snapshots) ---- */

struct autolic_team_iter {
	al_snap s; /* of autolic_team_membership */
};

static int teams_snap_fn(al_txn *t, void *arg)
{
	al_snap_fill *sa = arg; /* key: the account, or 0 for every team */
	al_snap_fill_reset(sa);
	al_idlist l;
	al_idlist_init(&l, t->a, 1);
	int rc;
	if (sa->key) {
		al_account_brief acc; /* only that the account exists */
		rc = al_account_brief_load(t, sa->key, &acc);
		if (!rc)
			rc = al_team_list_of_account(t, sa->key, &l);
	} else {
		al_key k;
		al_key_init(&k, AL_K_TEAM);
		rc = al_idlist_scan(t, &k, &l);
	}
	autolic_team_membership *v = NULL;
	if (!rc && l.n && !(v = al_calloc(sa->a, l.n, sizeof(*v))))
		rc = al_err(AUTOLIC_ENOMEM, "out of memory taking a snapshot of %zu teams", l.n);
	for (size_t i = 0; !rc && i < l.n; i++) {
		team_rec r;
		rc = team_load(t, l.v[i], &r);
		if (!rc && sa->key)
			rc = al_team_role(t, r.id, sa->key, &v[i].role);
		if (!rc) {
			v[i].version = AUTOLIC_TEAM_MEMBERSHIP_VERSION;
			v[i].team = r.id;
			memcpy(v[i].name, r.name, sizeof v[i].name);
		}
	}
	sa->v = v; /* freed by al_snap_new or the next attempt on failure */
	if (!rc)
		sa->n = l.n;
	al_idlist_free(&l);
	return rc;
}

int autolic_team_iter_new(autolic_db *db, autolic_id account, autolic_team_iter **out)
{
	if (out)
		*out = NULL;
	if (!db || !out)
		return al_err(AUTOLIC_EINVAL, "db and out are required");
	return al_snap_new(db, account, teams_snap_fn, sizeof(autolic_team_iter), (void **)out);
}

AL_SNAP_ITER_FNS(autolic_team_iter, autolic_team_iter, autolic_team_membership, AL_TEAM_MEMBERSHIP,
                 "iterator and membership are required")

/* ---- the whole-store check (autolic_db_check) ---- */

/* One team: exactly one primary administrator, the one its record names
 * (ROLE-3), every member in the account -> team index (SEAM-3). */
static int check_team(al_txn *t, autolic_id id, al_idlist *members)
{
	team_rec r;
	int rc = team_load(t, id, &r);
	members->n = 0;
	if (!rc)
		rc = al_team_list_members(t, id, members);
	size_t primaries = 0;
	int named = 0;
	for (size_t i = 0; !rc && i < members->n; i++) {
		autolic_id a = members->v[i];
		int role;
		al_key k;
		if ((rc = al_team_role(t, id, a, &role)) != 0)
			break;
		if (role == AL_ROLE_PRIMARY) {
			primaries++;
			named |= a == r.primary;
		}
		member_team_key(&k, a, id);
		int e = al_txn_exists(t, &k);
		if (e < 0)
			rc = e;
		else if (!e)
			rc = al_err(AUTOLIC_ECORRUPT,
			            "SEAM-3: account %llu is a member of team %llu but the team is "
			            "missing from the account's list of teams",
			            (unsigned long long)a, (unsigned long long)id);
	}
	if (!rc && (primaries != 1 || !named))
		rc =
		    al_err(AUTOLIC_ECORRUPT,
		           "ROLE-3: team %llu has %zu primary administrators, and its record names "
		           "account %llu, %s",
		           (unsigned long long)id, primaries, (unsigned long long)r.primary,
		           named ? "one of them" : "which is not one");
	return rc;
}

int al_team_check_all(al_txn *t)
{
	al_idlist teams, members, accounts, of;
	al_key k;
	al_idlist_init(&teams, t->a, 1);
	al_idlist_init(&members, t->a, 9);
	al_idlist_init(&accounts, t->a, 1);
	al_idlist_init(&of, t->a, 9);
	al_key_init(&k, AL_K_TEAM);
	int rc = al_idlist_scan(t, &k, &teams);
	for (size_t i = 0; !rc && i < teams.n; i++)
		rc = check_team(t, teams.v[i], &members);
	/* and back: every account -> team entry has its member record */
	al_key_init(&k, AL_K_MEMBER_TEAM);
	if (!rc)
		rc = al_idlist_scan(t, &k, &accounts);
	if (!rc)
		rc = al_idlist_scan(t, &k, &of);
	for (size_t i = 0; !rc && i < accounts.n && i < of.n; i++) {
		member_key(&k, of.v[i], accounts.v[i]);
		int e = al_txn_exists(t, &k);
		if (e < 0)
			rc = e;
		else if (!e)
			rc =
			    al_err(AUTOLIC_ECORRUPT,
			           "SEAM-3: account %llu lists team %llu, which has no such member",
			           (unsigned long long)accounts.v[i], (unsigned long long)of.v[i]);
	}
	al_idlist_free(&teams);
	al_idlist_free(&members);
	al_idlist_free(&accounts);
	al_idlist_free(&of);
	return rc;
}
