/*
 * Objects as their users know them, for refusals: the text of the message
 * and the objects of autolic_error_last() come from the same name, written
 * once into an al_name before al_err():
 *
 *	al_name who, c;
 *	if ((rc = al_name_account(t, user, &who)) != 0)
 *		return rc;
 *	al_err(AUTOLIC_EEXISTS, "SEAT-1: %s already holds a seat on contract %s", who.s,
 *	       al_name_contract(contract, &c));
 *	al_err_account(user, &who);
 *	return al_err_contract(contract);
 *
 * An account is its email, a team its name, a contract its number. When the
 * record is missing or damaged (the refusal may be about that) the name is
 * the id ("#12"); a storage failure reading it is returned, and becomes the
 * call's failure as any other would.
 */
#ifndef AL_NAMES_H
#define AL_NAMES_H

#include "autolic/common.h"
#include "core/txn.h"

typedef struct al_name {
	char s[AUTOLIC_ERROR_NAME_MAX + 1];
} al_name;

/* 0 with the name in *n, or a storage failure. */
int al_name_account(al_txn *t, autolic_id account, al_name *n);
int al_name_team(al_txn *t, autolic_id team, al_name *n);
/* The contract's number (pure); returns n->s. */
const char *al_name_contract(autolic_id contract, al_name *n);

/* Attach the object to the failure just set by al_err(); each returns the
 * failure's code. */
int al_err_account(autolic_id account, const al_name *n);
int al_err_team(autolic_id team, const al_name *n);
int al_err_contract(autolic_id contract);
int al_err_product(const char *code);

#endif
