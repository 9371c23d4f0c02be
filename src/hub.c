/* Developer hubs (APS-2..APS-4). */
#include "hub.h"
#include "account.h"
#include "authz.h"
#include "core/idlist.h"
#include "core/record.h"
#include "names.h"
#include "team.h"
#include "autolic/hub.h"
#include "core/error.h"
#include "core/structs.h"
#include "core/text.h"

#include <stdio.h>
#include <string.h>

typedef struct hub_rec {
	autolic_id id, team, created_by;
	char name[AUTOLIC_HUB_NAME_MAX + 1];
	autolic_time created;
} hub_rec;

typedef struct app_rec {
	autolic_id id, hub;
	char name[AUTOLIC_HUB_NAME_MAX + 1];
	autolic_time created;
} app_rec;

static void admin_keys(al_key *fwd, al_key *rev, autolic_id hub, autolic_id account)
{
	al_key_pair(fwd, AL_K_HUB_ADMIN, hub, account);
	al_key_pair(rev, AL_K_ACCOUNT_HUB, account, hub);
}

int al_hub_forget_account(al_txn *t, autolic_id account)
{
	al_key fwd, rev;
	al_idlist l;
	al_idlist_init(&l, t->a, 9);
	int rc = al_idlist_scan_of(t, AL_K_ACCOUNT_HUB, account, &l);
	for (size_t i = 0; !rc && i < l.n; i++) {
		admin_keys(&fwd, &rev, l.v[i], account);
		rc = al_txn_del(t, &fwd);
		if (!rc)
			rc = al_txn_del(t, &rev);
	}
	al_idlist_free(&l);
	return rc;
}

static void hub_encode(al_buf *b, const void *rec)
{
	const hub_rec *h = rec;
	al_rec_begin(b, AL_K_HUB);
	al_enc_u64(b, h->id);
	al_enc_u64(b, h->team);
	al_enc_str(b, h->name);
	al_enc_i64(b, h->created);
	al_enc_u64(b, h->created_by);
}

static int hub_decode(const void *p, size_t len, void *rec)
{
	hub_rec *h = rec;
	al_rd d;
	int rc = al_rec_open(&d, p, len, AL_K_HUB);
	if (rc)
		return rc;
	h->id = al_dec_u64(&d);
	h->team = al_dec_u64(&d);
	al_dec_str(&d, h->name, sizeof h->name);
	h->created = al_dec_i64(&d);
	h->created_by = al_dec_u64(&d);
	return al_rd_done(&d);
}

static int hub_store(al_txn *t, const hub_rec *h)
{
	al_key k;
	al_key_id(&k, AL_K_HUB, h->id);
	return al_record_put(t, &k, hub_encode, h);
}

static int hub_load(al_txn *t, autolic_id id, hub_rec *h)
{
	al_key k;
	al_key_id(&k, AL_K_HUB, id);
	int rc = al_record_get(t, &k, hub_decode, h);
	if (rc == AUTOLIC_ENOTFOUND)
		rc = al_err(AUTOLIC_ENOTFOUND, "hub %llu does not exist", (unsigned long long)id);
	return rc;
}

static void app_encode(al_buf *b, const void *rec)
{
	const app_rec *a = rec;
	al_rec_begin(b, AL_K_HUB_APP);
	al_enc_u64(b, a->id);
	al_enc_u64(b, a->hub);
	al_enc_str(b, a->name);
	al_enc_i64(b, a->created);
}

static int app_decode(const void *p, size_t len, void *rec)
{
	app_rec *a = rec;
	al_rd d;
	int rc = al_rec_open(&d, p, len, AL_K_HUB_APP);
	if (rc)
		return rc;
	a->id = al_dec_u64(&d);
	a->hub = al_dec_u64(&d);
	al_dec_str(&d, a->name, sizeof a->name);
	a->created = al_dec_i64(&d);
	return al_rd_done(&d);
}

static int app_store(al_txn *t, const app_rec *a)
{
	al_key k;
	al_key_id(&k, AL_K_HUB_APP, a->id);
	return al_record_put(t, &k, app_encode, a);
}

static int app_load(al_txn *t, autolic_id id, app_rec *a)
{
	al_key k;
	al_key_id(&k, AL_K_HUB_APP, id);
	int rc = al_record_get(t, &k, app_decode, a);
	if (rc == AUTOLIC_ENOTFOUND)
		rc = al_err(AUTOLIC_ENOTFOUND, "application %llu does not exist",
		            (unsigned long long)id);
	return rc;
}

/* APS-4: the hub's administrators are its team's administrators and the
 * accounts they appointed. */
static int require_hub_admin(al_txn *t, const hub_rec *h, autolic_id actor, const char *what)
{
	int rc = al_authz_actor(t, actor, NULL);
	if (rc)
		return rc;
	int role;
	rc = al_team_role(t, h->team, actor, &role);
	if (rc || role == AL_ROLE_PRIMARY || role == AL_ROLE_SECONDARY)
		return rc;
	al_key k;
	al_key_pair(&k, AL_K_HUB_ADMIN, h->id, actor);
	rc = al_txn_exists(t, &k);
	al_name who;
	if (rc == 0 && (rc = al_name_account(t, actor, &who)) == 0) {
		al_err(AUTOLIC_EPERM,
		       "APS-4: permission denied: %s needs an administrator of hub '%s'; %s is not "
		       "one",
		       what, h->name, who.s);
		al_err_account(actor, &who);
		return al_err_obj(AUTOLIC_OBJECT_HUB, h->id, h->name);
	}
	return rc < 0 ? rc : 0;
}

static int check_name(const char *name, const char *what)
{
	return al_text_check(name, AUTOLIC_HUB_NAME_MAX, AL_TEXT_REQUIRED, NULL, what);
}

typedef struct {
	autolic_id actor, a, b;
	const char *name;
	autolic_id id;
} hub_args;

static int create_fn(al_txn *t, void *arg)
{
	hub_args *ha = arg;
	int rc = al_team_require_admin(t, ha->a, ha->actor, "APS-3",
	                               "creating the team's developer hub");
	if (rc)
		return rc;
	al_key k;
	autolic_id existing = 0;
	al_key_id(&k, AL_K_TEAM_HUB, ha->a);
	rc = al_index_get(t, &k, AL_K_TEAM_HUB, &existing);
	if (!rc) {
		al_name team, hub;
		hub_rec h;
		rc = al_name_team(t, ha->a, &team);
		if (!rc) {
			hub.s[0] = 0;
			rc = hub_load(t, existing, &h);
			if (!rc)
				snprintf(hub.s, sizeof hub.s, "%s", h.name);
			rc = al_name_fallback(rc, existing, &hub);
		}
		if (!rc) {
			al_err(AUTOLIC_EEXISTS, "APS-2: team %s already has a developer hub, '%s'",
			       team.s, hub.s);
			al_err_team(ha->a, &team);
			rc = al_err_obj(AUTOLIC_OBJECT_HUB, existing, hub.s);
		}
	} else if (rc == AUTOLIC_ENOTFOUND) {
		hub_rec h;
		memset(&h, 0, sizeof h);
		rc = al_txn_seq_next(t, "hub", &h.id);
		h.team = ha->a;
		h.created_by = ha->actor;
		h.created = t->now;
		snprintf(h.name, sizeof h.name, "%s", ha->name);
		if (!rc)
			rc = hub_store(t, &h);
		if (!rc)
			rc = al_index_put(t, &k, AL_K_TEAM_HUB, h.id);
		if (!rc)
			ha->id = h.id;
	}
	return rc;
}

int autolic_hub_create(autolic_db *db, autolic_id actor, autolic_id team, const char *name,
                       autolic_id *id)
{
	int rc = al_authz_call_check(db, actor);
	if (rc)
		return rc;
	if (!team)
		return al_err(AUTOLIC_EINVAL, "team is required");
	rc = check_name(name, "hub name");
	if (rc)
		return rc;
	hub_args ha = {actor, team, 0, name, 0};
	rc = al_run(db, 1, create_fn, &ha);
	if (!rc && id)
		*id = ha.id;
	return rc;
}

static int hget_fn(al_txn *t, uint64_t id, void *h)
{
	return hub_load(t, id, h);
}

int autolic_hub_get(autolic_db *db, autolic_id hub, autolic_hub_info *info)
{
	if (!db || !info)
		return al_err(AUTOLIC_EINVAL, "db and info are required");
	int rc = al_struct_check(AL_HUB_INFO, info->version);
	if (rc)
		return rc;
	hub_rec h;
	rc = al_record_read(db, hub, hget_fn, &h, NULL);
	if (rc)
		return rc;
	autolic_hub_info full = {
	    .id = h.id, .team = h.team, .created = h.created, .created_by = h.created_by};
	memcpy(full.name, h.name, sizeof full.name);
	return al_copy_out(info, &full, AL_HUB_INFO);
}

static int hfind_fn(al_txn *t, uint64_t team, void *hub)
{
	int rc = al_team_check(t, team);
	if (rc)
		return rc;
	al_key k;
	al_key_id(&k, AL_K_TEAM_HUB, team);
	rc = al_index_get(t, &k, AL_K_TEAM_HUB, hub);
	if (rc == AUTOLIC_ENOTFOUND) {
		al_name n;
		if ((rc = al_name_team(t, team, &n)) != 0)
			return rc;
		al_err(AUTOLIC_ENOTFOUND, "team %s has no developer hub", n.s);
		rc = al_err_team(team, &n);
	}
	return rc;
}

int autolic_hub_find(autolic_db *db, autolic_id team, autolic_id *hub)
{
	if (!db || !hub)
		return al_err(AUTOLIC_EINVAL, "db and hub are required");
	autolic_id id;
	int rc = al_record_read(db, team, hfind_fn, &id, NULL);
	if (!rc)
		*hub = id;
	return rc;
}

static int add_admin_fn(al_txn *t, void *arg)
{
	hub_args *ha = arg;
	hub_rec h;
	int rc = hub_load(t, ha->a, &h);
	if (!rc)
		rc = al_team_require_admin(t, h.team, ha->actor, "APS-4",
		                           "appointing a hub administrator");
	if (rc)
		return rc;
	al_account_brief who; /* only its state is read */
	int role;
	rc = al_account_brief_load(t, ha->b, &who);
	if (!rc)
		rc = al_team_role(t, h.team, ha->b, &role);
	if (rc)
		return rc;
	al_name whom, team;
	if ((who.state != AUTOLIC_ACCOUNT_ACTIVE || role != AL_ROLE_USER) &&
	    ((rc = al_name_account(t, ha->b, &whom)) != 0 ||
	     (rc = al_name_team(t, h.team, &team)) != 0))
		return rc;
	if (who.state != AUTOLIC_ACCOUNT_ACTIVE || role == AL_ROLE_NONE) {
		al_err(AUTOLIC_ESTATE, "APS-4: %s is not an active member of team %s", whom.s,
		       team.s);
		al_err_account(ha->b, &whom);
		return al_err_team(h.team, &team);
	}
	if (role == AL_ROLE_PRIMARY || role == AL_ROLE_SECONDARY) {
		al_err(AUTOLIC_EEXISTS,
		       "APS-4: %s administers team %s, so it already administers hub '%s'", whom.s,
		       team.s, h.name);
		al_err_account(ha->b, &whom);
		al_err_team(h.team, &team);
		return al_err_obj(AUTOLIC_OBJECT_HUB, h.id, h.name);
	}
	al_key fwd, rev;
	admin_keys(&fwd, &rev, h.id, ha->b);
	rc = al_txn_exists(t, &fwd);
	if (rc == 1 && (rc = al_name_account(t, ha->b, &whom)) == 0) {
		al_err(AUTOLIC_EEXISTS, "APS-4: %s is already an administrator of hub '%s'", whom.s,
		       h.name);
		al_err_account(ha->b, &whom);
		return al_err_obj(AUTOLIC_OBJECT_HUB, h.id, h.name);
	}
	if (!rc)
		rc = al_record_put_tag(t, &fwd, AL_K_HUB_ADMIN);
	if (!rc)
		rc = al_record_put_tag(t, &rev, AL_K_ACCOUNT_HUB);
	return rc;
}

int autolic_hub_add_admin(autolic_db *db, autolic_id actor, autolic_id hub, autolic_id account)
{
	int rc = al_authz_call_check(db, actor);
	if (rc)
		return rc;
	if (!hub || !account)
		return al_err(AUTOLIC_EINVAL, "hub and account are required");
	hub_args ha = {actor, hub, account, NULL, 0};
	return al_run(db, 1, add_admin_fn, &ha);
}

static int app_create_fn(al_txn *t, void *arg)
{
	hub_args *ha = arg;
	hub_rec h;
	int rc = hub_load(t, ha->a, &h);
	if (!rc)
		rc = require_hub_admin(t, &h, ha->actor, "creating an application");
	if (rc)
		return rc;
	app_rec a;
	memset(&a, 0, sizeof a);
	rc = al_txn_seq_next(t, "app", &a.id);
	a.hub = h.id;
	a.created = t->now;
	snprintf(a.name, sizeof a.name, "%s", ha->name);
	if (!rc)
		rc = app_store(t, &a);
	al_key k;
	al_key_pair(&k, AL_K_HUB_APPS, h.id, a.id);
	if (!rc)
		rc = al_record_put_tag(t, &k, AL_K_HUB_APPS);
	if (!rc)
		ha->id = a.id;
	return rc;
}

int autolic_hub_app_create(autolic_db *db, autolic_id actor, autolic_id hub, const char *name,
                           autolic_id *id)
{
	int rc = al_authz_call_check(db, actor);
	if (rc)
		return rc;
	rc = check_name(name, "application name");
	if (rc)
		return rc;
	hub_args ha = {actor, hub, 0, name, 0};
	rc = al_run(db, 1, app_create_fn, &ha);
	if (!rc && id)
		*id = ha.id;
	return rc;
}

static int aget_fn(al_txn *t, uint64_t id, void *a)
{
	return app_load(t, id, a);
}

int autolic_hub_app_get(autolic_db *db, autolic_id app, autolic_app_info *info)
{
	if (!db || !info)
		return al_err(AUTOLIC_EINVAL, "db and info are required");
	int rc = al_struct_check(AL_APP_INFO, info->version);
	if (rc)
		return rc;
	app_rec a;
	rc = al_record_read(db, app, aget_fn, &a, NULL);
	if (rc)
		return rc;
	autolic_app_info full = {.id = a.id, .hub = a.hub, .created = a.created};
	memcpy(full.name, a.name, sizeof full.name);
	return al_copy_out(info, &full, AL_APP_INFO);
}

static int move_fn(al_txn *t, void *arg)
{
	hub_args *ha = arg;
	app_rec a;
	hub_rec from, to;
	int rc = app_load(t, ha->a, &a);
	if (!rc)
		rc = hub_load(t, a.hub, &from);
	if (!rc)
		rc = hub_load(t, ha->b, &to);
	if (!rc)
		rc = require_hub_admin(t, &from, ha->actor, "moving an application out of its hub");
	if (!rc)
		rc = require_hub_admin(t, &to, ha->actor, "moving an application into a hub");
	if (rc)
		return rc;
	if (a.hub == to.id) {
		al_err(AUTOLIC_ESTATE, "APS-4: application '%s' is already in hub '%s'", a.name,
		       to.name);
		al_err_obj(AUTOLIC_OBJECT_APP, a.id, a.name);
		return al_err_obj(AUTOLIC_OBJECT_HUB, to.id, to.name);
	}
	al_key k;
	al_key_pair(&k, AL_K_HUB_APPS, from.id, a.id);
	rc = al_txn_del(t, &k);
	if (!rc) {
		al_key_pair(&k, AL_K_HUB_APPS, to.id, a.id);
		rc = al_record_put_tag(t, &k, AL_K_HUB_APPS);
	}
	a.hub = to.id;
	if (!rc)
		rc = app_store(t, &a);
	return rc;
}

int autolic_hub_app_move(autolic_db *db, autolic_id actor, autolic_id app, autolic_id to_hub)
{
	int rc = al_authz_call_check(db, actor);
	if (rc)
		return rc;
	if (!app || !to_hub)
		return al_err(AUTOLIC_EINVAL, "app and to_hub are required");
	hub_args ha = {actor, app, to_hub, NULL, 0};
	return al_run(db, 1, move_fn, &ha);
}
