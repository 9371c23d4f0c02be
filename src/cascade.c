/*
 * Cascades: the calls that change several nouns at once, above the nouns
 * (docs/architecture.md). A noun never calls into this file; every change
 * it makes runs in the one transaction of its public call.
 */
#include "cascade.h"
#include "account.h"
#include "authz.h"
#include "contract.h"
#include "flex.h"
#include "hub.h"
#include "core/idlist.h"
#include "names.h"
#include "seat.h"
#include "team.h"
#include "autolic/account.h"
#include "autolic/contract.h"
#include "autolic/team.h"
#include "core/error.h"
#include "core/product.h"

#include <stdio.h>

/* ---- removing a user (ROLE-6, SEAT-4, SEAM-3) ---- */

static int remove_fn(al_txn *t, void *arg)
{
	al_account_args *aa = arg;
	autolic_account_info a;
	int rc = al_authz_actor_over(t, aa->actor, aa->account, &a);
	if (rc)
		return rc;
	if (a.state == AUTOLIC_ACCOUNT_REMOVED) {
		al_err(AUTOLIC_ESTATE, "%s is already removed", a.email);
		return al_err_obj(AUTOLIC_OBJECT_ACCOUNT, a.id, a.email);
	}
	al_idlist l;
	al_idlist_init(&l, t->a, 9);
	rc = al_team_list_of_account(t, aa->account, &l);
	for (size_t i = 0; !rc && i < l.n; i++) {
		int role;
		rc = al_team_role(t, l.v[i], aa->actor, &role);
		al_name who, team;
		if (!rc && role != AL_ROLE_PRIMARY && role != AL_ROLE_SECONDARY &&
		    !(rc = al_name_account(t, aa->actor, &who)) &&
		    !(rc = al_name_team(t, l.v[i], &team))) {
			al_err(AUTOLIC_EPERM,
			       "ROLE-6: permission denied: removing %s needs an administrator of "
			       "its team "
			       "%s; %s is not one",
			       a.email, team.s, who.s);
			al_err_obj(AUTOLIC_OBJECT_ACCOUNT, a.id, a.email);
			al_err_team(l.v[i], &team);
			rc = al_err_account(aa->actor, &who);
		}
		if (!rc)
			rc = al_team_role(t, l.v[i], aa->account, &role);
		if (!rc && role == AL_ROLE_PRIMARY && !(rc = al_name_team(t, l.v[i], &team))) {
			al_err(AUTOLIC_ESTATE,
			       "ROLE-3: %s is the primary administrator of team %s; hand that over "
			       "first",
			       a.email, team.s);
			al_err_obj(AUTOLIC_OBJECT_ACCOUNT, a.id, a.email);
			rc = al_err_team(l.v[i], &team);
		}
	}
	al_name who, c;
	if (!rc && l.n == 0 && !(rc = al_name_account(t, aa->actor, &who))) {
		al_err(AUTOLIC_EPERM,
		       "ROLE-6: permission denied: %s belongs to no team %s administers", a.email,
		       who.s);
		al_err_obj(AUTOLIC_OBJECT_ACCOUNT, a.id, a.email);
		rc = al_err_account(aa->actor, &who);
	}
	autolic_id contract = 0;
	if (!rc)
		rc = al_contract_admin_any(t, aa->account, &contract);
	if (!rc && contract) {
		al_err(AUTOLIC_ESTATE,
		       "ROLE-2/ROLE-4: %s manages or coordinates contract %s; hand that role over "
		       "first",
		       a.email, al_name_contract(contract, &c));
		al_err_obj(AUTOLIC_OBJECT_ACCOUNT, a.id, a.email);
		rc = al_err_contract(contract);
	}
	/* SEAT-4: every seat goes with the user, in this same transaction */
	if (!rc)
		rc = al_seat_release_all(t, aa->account);
	if (!rc)
		rc = al_hub_forget_account(t, aa->account);
	/* SEAM-3: the account leaves every team, and with each its Flex
	 * assignment there (a Flex user is a member of the team) */
	for (size_t i = 0; !rc && i < l.n; i++) {
		rc = al_flex_user_forget(t, l.v[i], aa->account);
		if (!rc)
			rc = al_team_member_set(t, l.v[i], aa->account, AL_ROLE_NONE);
	}
	al_idlist_free(&l);
	if (rc)
		return rc;
	a.state = AUTOLIC_ACCOUNT_REMOVED;
	a.invitation_expires = 0;
	return al_account_store(t, &a, 0);
}

int autolic_account_remove(autolic_db *db, autolic_id actor, autolic_id account)
{
	return al_account_call(db, actor, account, remove_fn);
}

/* ---- the primary administrator and contract manager (ROLE-3, SEAM-2) ---- */

int al_hand_over(al_txn *t, autolic_id team, autolic_id account)
{
	int rc = al_team_hand_over_check(t, team, account);
	/* SEAM-2: the contracts first, so that their refusal (ROLE-3: automatic
	 * renewal) comes before anything is written */
	if (!rc)
		rc = al_contract_team_manager_set(t, team, account);
	return rc ? rc : al_team_hand_over(t, team, account);
}

typedef struct {
	autolic_id actor, of, account; /* `of`: the contract, or the team */
} hand_args;

static int transfer_fn(al_txn *t, void *arg)
{
	hand_args *ha = arg;
	autolic_id team;
	int rc = al_contract_transfer_check(t, ha->actor, ha->of, ha->account, &team);
	/* SEAM-2: the contract manager is the team's primary administrator: the
	 * team and every one of its contracts change hands together */
	return rc ? rc : al_hand_over(t, team, ha->account);
}

int autolic_contract_transfer_manager(autolic_db *db, autolic_id actor, autolic_id contract,
                                      autolic_id new_manager)
{
	int rc = al_authz_call_check(db, actor);
	if (rc)
		return rc;
	if (!contract || !new_manager)
		return al_err(AUTOLIC_EINVAL, "contract and new_manager are required");
	hand_args ha = {actor, contract, new_manager};
	return al_run(db, 1, transfer_fn, &ha);
}

static int set_primary_fn(al_txn *t, void *arg)
{
	hand_args *ha = arg;
	int rc = al_team_require_primary(t, ha->of, ha->actor);
	return rc ? rc : al_hand_over(t, ha->of, ha->account);
}

int autolic_team_set_primary(autolic_db *db, autolic_id actor, autolic_id team, autolic_id account)
{
	int rc = al_team_admin_call_check(db, actor, team, account);
	if (rc)
		return rc;
	hand_args ha = {actor, team, account};
	return al_run(db, 1, set_primary_fn, &ha);
}

/* ---- buying a contract: its team and its seats (ROLE-1, APS-1, SEAT-2) ---- */

/* APS-1: the team a purchase goes to. */
static int purchase_team(al_txn *t, const al_contract_order *ba, const autolic_account_info *buyer,
                         autolic_id *team)
{
	if (ba->spec->team) {
		int rc = al_team_check(t, ba->spec->team);
		int role;
		if (!rc)
			rc = al_team_role(t, ba->spec->team, ba->actor, &role);
		if (rc)
			return rc;
		al_subject s = {
		    1, role == AL_ROLE_PRIMARY, role == AL_ROLE_SECONDARY, role == AL_ROLE_USER, 0,
		    0};
		if (!al_authz_allowed(AL_FN_SUBSCRIBE, &s))
			return al_authz_deny(
			    t, AL_FN_SUBSCRIBE, ba->actor,
			    "only the team's primary administrator buys for the team");
		*team = ba->spec->team;
		return 0;
	}
	al_idlist l;
	al_idlist_init(&l, t->a, 9);
	int rc = al_team_list_of_account(t, ba->actor, &l);
	autolic_id only = 0;
	size_t primaries = 0;
	for (size_t i = 0; !rc && i < l.n; i++) {
		int role;
		rc = al_team_role(t, l.v[i], ba->actor, &role);
		if (!rc && role == AL_ROLE_PRIMARY) {
			primaries++;
			only = l.v[i];
		}
	}
	al_idlist_free(&l);
	if (rc)
		return rc;
	if (primaries > 1) {
		al_name who;
		if ((rc = al_name_account(t, ba->actor, &who)) != 0)
			return rc;
		al_err(AUTOLIC_EINVAL,
		       "APS-1: %s administers %zu teams; name the team this purchase is for", who.s,
		       primaries);
		al_err_account(ba->actor, &who);
		return al_err_num("teams", (int64_t)primaries);
	}
	if (primaries == 1) {
		*team = only;
		return 0;
	}
	char name[AUTOLIC_EMAIL_MAX + 16];
	if (buyer->first_name[0] || buyer->last_name[0])
		snprintf(name, sizeof name, "%s%s%s", buyer->first_name,
		         buyer->first_name[0] ? " " : "", buyer->last_name);
	else
		snprintf(name, sizeof name, "%s", buyer->email);
	return al_team_create(t, name, ba->actor, team);
}

static int buy_fn(al_txn *t, void *arg)
{
	al_contract_order *ba = arg;
	autolic_account_info buyer;
	autolic_id team = 0;
	int rc = al_authz_actor(t, ba->actor, &buyer);
	if (!rc)
		rc = purchase_team(t, ba, &buyer, &team);
	if (!rc)
		rc = al_contract_create(t, ba, team);
	/* the seats noun registers every product for its summaries */
	for (size_t i = 0; !rc && i < ba->spec->nproducts; i++)
		rc = al_seat_quantity_changed(t, ba->id, ba->codes[i],
		                              ba->spec->products[i].quantity, NULL);
	return rc;
}

int autolic_contract_buy(autolic_db *db, autolic_id actor, const autolic_contract_spec *spec,
                         autolic_id *id)
{
	if (!db || !spec)
		return al_err(AUTOLIC_EINVAL, "db and spec are required");
	int rc = al_authz_actor_given(actor);
	if (rc)
		return rc;
	autolic_contract_spec in;
	autolic_contract_product_spec products[AUTOLIC_CONTRACT_PRODUCTS_MAX];
	rc = al_contract_spec_copy_in(spec, &in, products);
	if (rc)
		return rc;
	al_contract_order ba = {actor, &in, 0, {{0}}};
	rc = al_contract_spec_check(&in, ba.codes);
	if (rc)
		return rc;
	rc = al_run(db, 1, buy_fn, &ba);
	if (!rc && id)
		*id = ba.id;
	return rc;
}

/* ---- seat quantity: the contract and its seats (ROLE-9, SEAT-2) ---- */

typedef struct {
	autolic_id actor, contract;
	const char *product;
	int64_t quantity;
	uint32_t revoked;
} qty_args;

static int qty_fn(al_txn *t, void *arg)
{
	qty_args *qa = arg;
	qa->revoked = 0;
	int rc = al_contract_quantity_set(t, qa->actor, qa->contract, qa->product, qa->quantity);
	return rc ? rc
	          : al_seat_quantity_changed(t, qa->contract, qa->product, qa->quantity,
	                                     &qa->revoked);
}

int autolic_contract_set_quantity(autolic_db *db, autolic_id actor, autolic_id contract,
                                  const char *product, int64_t quantity, uint32_t *revoked)
{
	if (revoked)
		*revoked = 0;
	int rc = al_authz_call_check(db, actor);
	if (rc)
		return rc;
	char code[AL_PRODUCT_CAP];
	rc = al_product_norm(product, code, "ROLE-9", "product code");
	if (rc)
		return rc;
	if (quantity < 0 || quantity > (int64_t)AUTOLIC_SEATS_MAX)
		return al_err(AUTOLIC_EINVAL, "ROLE-1: seat quantity must be 0 to %u, not %lld",
		              AUTOLIC_SEATS_MAX, (long long)quantity);
	qty_args qa = {actor, contract, code, quantity, 0};
	rc = al_run(db, 1, qty_fn, &qa);
	if (!rc && revoked)
		*revoked = qa.revoked;
	return rc;
}
