/* Objects as their users know them, for refusals (see names.h). */
#include "names.h"
#include "account.h"
#include "contract.h"
#include "core/error.h"
#include "team.h"

#include <stdio.h>

static const char *by_id(autolic_id id, al_name *n)
{
	snprintf(n->s, sizeof n->s, "#%llu", (unsigned long long)id);
	return n->s;
}

const char *al_name_account(al_txn *t, autolic_id account, al_name *n)
{
	autolic_account_info a;
	autolic_error_info kept;
	al_err_save(&kept); /* reading the name must not change the failure */
	int rc = al_account_load(t, account, &a);
	al_err_restore(&kept);
	if (rc || !a.email[0])
		return by_id(account, n);
	snprintf(n->s, sizeof n->s, "%s", a.email);
	return n->s;
}

const char *al_name_team(al_txn *t, autolic_id team, al_name *n)
{
	autolic_error_info kept;
	al_err_save(&kept);
	int rc = al_team_name(t, team, n->s, sizeof n->s);
	al_err_restore(&kept);
	return rc || !n->s[0] ? by_id(team, n) : n->s;
}

const char *al_name_contract(autolic_id contract, al_name *n)
{
	al_contract_number(contract, n->s, sizeof n->s);
	return n->s;
}

int al_err_account(al_txn *t, autolic_id account, const al_name *n)
{
	al_name own;
	if (!n) {
		al_name_account(t, account, &own);
		n = &own;
	}
	return al_err_obj(AUTOLIC_OBJECT_ACCOUNT, account, n->s);
}

int al_err_team(al_txn *t, autolic_id team, const al_name *n)
{
	al_name own;
	if (!n) {
		al_name_team(t, team, &own);
		n = &own;
	}
	return al_err_obj(AUTOLIC_OBJECT_TEAM, team, n->s);
}

int al_err_contract(autolic_id contract)
{
	al_name n;
	return al_err_obj(AUTOLIC_OBJECT_CONTRACT, contract, al_name_contract(contract, &n));
}

int al_err_product(const char *code) { return al_err_obj(AUTOLIC_OBJECT_PRODUCT, 0, code); }
