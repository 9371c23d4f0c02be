/* Objects as their users know them, for refusals (see names.h). */
#include "names.h"
#include "account.h"
#include "contract.h"
#include "core/error.h"
#include "team.h"

#include <stdio.h>

/* The name when the record is missing or damaged: the id; other failures
 * are the caller's. */
static int by_id(int rc, autolic_id id, al_name *n)
{
	if (rc && rc != AUTOLIC_ENOTFOUND && rc != AUTOLIC_ECORRUPT && rc != AUTOLIC_EVERSION)
		return rc;
	if (rc || !n->s[0])
		snprintf(n->s, sizeof n->s, "#%llu", (unsigned long long)id);
	return 0;
}

int al_name_account(al_txn *t, autolic_id account, al_name *n)
{
	autolic_account_info a;
	int rc = al_account_load(t, account, &a);
	n->s[0] = 0;
	if (!rc)
		snprintf(n->s, sizeof n->s, "%s", a.email);
	return by_id(rc, account, n);
}

int al_name_team(al_txn *t, autolic_id team, al_name *n)
{
	n->s[0] = 0;
	int rc = al_team_name(t, team, n->s, sizeof n->s);
	return by_id(rc, team, n);
}

const char *al_name_contract(autolic_id contract, al_name *n)
{
	al_contract_number(contract, n->s, sizeof n->s);
	return n->s;
}

int al_err_account(autolic_id account, const al_name *n)
{
	return al_err_obj(AUTOLIC_OBJECT_ACCOUNT, account, n->s);
}

int al_err_team(autolic_id team, const al_name *n)
{
	return al_err_obj(AUTOLIC_OBJECT_TEAM, team, n->s);
}

int al_err_contract(autolic_id contract)
{
	al_name n;
	return al_err_obj(AUTOLIC_OBJECT_CONTRACT, contract, al_name_contract(contract, &n));
}

int al_err_product(const char *code) { return al_err_obj(AUTOLIC_OBJECT_PRODUCT, 0, code); }
