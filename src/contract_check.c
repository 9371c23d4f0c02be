/*
 * Contracts: the whole-store check (autolic_db_check).
 */
#include "contract_internal.h"
#include "contract.h"
#include "account.h"
#include "authz.h"
#include "core/idlist.h"
#include "seat.h"
#include "team.h"
#include "upgrade.h"
#include "autolic/contract.h"
#include "core/error.h"
#include "core/text.h"
#include "core/product.h"
#include "core/snap.h"

#include <stdio.h>
#include <string.h>

/* ---- the whole-store check (autolic_db_check) ---- */

/* One contract: its team exists and lists it; its manager holds the manager
 * bit of the role index (ROLE-2) and is a member of the team (SEAM-2). */
static int check_contract(al_txn *t, autolic_id id)
{
	al_contract_rec r;
	int rc = al_contract_load_rec(t, id, &r);
	if (rc)
		return rc;
	al_key k;
	al_key_pair(&k, AL_K_TEAM_CONTRACT, r.team, id);
	int e = al_txn_exists(t, &k);
	if (e < 0)
		return e;
	if (!e)
		return al_err(AUTOLIC_ECORRUPT,
		              "APS-1: contract %s is missing from the contracts of team %llu",
		              r.number, (unsigned long long)r.team);
	int bits, role;
	if ((rc = al_contract_role_bits_get(t, r.manager, id, &bits)) != 0)
		return rc;
	if (!(bits & CR_MANAGER))
		return al_err(AUTOLIC_ECORRUPT,
		              "ROLE-2: contract %s names account %llu as its manager, whose roles "
		              "do not include it",
		              r.number, (unsigned long long)r.manager);
	if ((rc = al_team_role(t, r.team, r.manager, &role)) != 0)
		return rc;
	if (role == AL_ROLE_NONE)
		return al_err(AUTOLIC_ECORRUPT,
		              "SEAM-2: the manager %llu of contract %s is not a member of its team "
		              "%llu",
		              (unsigned long long)r.manager, r.number, (unsigned long long)r.team);
	return 0;
}

int al_contract_check_all(al_txn *t)
{
	al_idlist ids, accounts, contracts;
	al_key k;
	al_idlist_init(&ids, t->a, 1);
	al_idlist_init(&accounts, t->a, 1);
	al_idlist_init(&contracts, t->a, 9);
	al_key_init(&k, AL_K_CONTRACT);
	int rc = al_idlist_scan(t, &k, &ids);
	for (size_t i = 0; !rc && i < ids.n; i++)
		rc = check_contract(t, ids.v[i]);
	/* ROLE-2: exactly one manager: no other account holds the manager bit */
	al_key_init(&k, AL_K_ACCOUNT_CONTRACT);
	if (!rc)
		rc = al_idlist_scan(t, &k, &accounts);
	if (!rc)
		rc = al_idlist_scan(t, &k, &contracts);
	for (size_t i = 0; !rc && i < accounts.n && i < contracts.n; i++) {
		int bits;
		al_contract_rec r;
		rc = al_contract_role_bits_get(t, accounts.v[i], contracts.v[i], &bits);
		if (rc != 0 || !(bits & CR_MANAGER))
			continue;
		rc = al_contract_load_rec(t, contracts.v[i], &r);
		if (rc == AUTOLIC_ENOTFOUND)
			rc = al_err(
			    AUTOLIC_ECORRUPT,
			    "ROLE-2: account %llu holds a role on contract %llu, which does "
			    "not exist",
			    (unsigned long long)accounts.v[i], (unsigned long long)contracts.v[i]);
		else if (!rc && r.manager != accounts.v[i])
			rc =
			    al_err(AUTOLIC_ECORRUPT,
			           "ROLE-2: contract %s has two managers: account %llu and account "
			           "%llu",
			           r.number, (unsigned long long)r.manager,
			           (unsigned long long)accounts.v[i]);
	}
	al_idlist_free(&ids);
	al_idlist_free(&accounts);
	al_idlist_free(&contracts);
	return rc;
}
