/*
 * Objects as their users know them, for refusals: the text of the message
 * and the objects of autolic_error_last() come from the same al_name
 * (src/core/error.h), written once before al_err():
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
 * call's failure as any other would. Each is defined beside its noun's
 * records.
 */
#ifndef AL_NAMES_H
#define AL_NAMES_H

#include "autolic/common.h"
#include "core/error.h"
#include "core/txn.h"

/* 0 with the name in *n, or a storage failure. */
int al_name_account(al_txn *t, autolic_id account, al_name *n);
int al_name_team(al_txn *t, autolic_id team, al_name *n);
/* The contract's number (pure); returns n->s. */
const char *al_name_contract(autolic_id contract, al_name *n);
/* Attach the contract (by number) to the failure just set; returns its code. */
int al_err_contract(autolic_id contract);

#endif
