/* Objects as their users know them, for refusals (see names.h). */
#include "names.h"
#include "account.h"
#include "contract.h"
#include "team.h"

#include <stdio.h>

int al_name_account(al_txn *t, autolic_id account, al_name *n)
{
	autolic_account_info a;
	int rc = al_account_load(t, account, &a);
	n->s[0] = 0;
	if (!rc)
		snprintf(n->s, sizeof n->s, "%s", a.email);
	return al_name_fallback(rc, account, n);
}

int al_name_team(al_txn *t, autolic_id team, al_name *n)
{
	n->s[0] = 0;
	return al_name_fallback(al_team_name(t, team, n->s, sizeof n->s), team, n);
}

const char *al_name_contract(autolic_id contract, al_name *n)
{
	al_contract_number(contract, n->s, sizeof n->s);
	return n->s;
}

int al_err_contract(autolic_id contract)
{
	al_name n;
	return al_err_obj(AUTOLIC_OBJECT_CONTRACT, contract, al_name_contract(contract, &n));
}
