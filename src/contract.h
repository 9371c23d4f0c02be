/*
 * Contracts (ROLE-1..ROLE-9), for the other nouns. Implemented in src/contract.c.
 */
#ifndef AL_CONTRACT_H
#define AL_CONTRACT_H

#include "core/txn.h"

/* What seats need to know of one product of a contract. */
typedef struct al_contract_product {
	autolic_id contract;
	autolic_id team;
	char product[64];     /* product code */
	uint32_t quantity;    /* seats bought */
	autolic_time start, end;
	int active;           /* the contract's term covers t->now */
} al_contract_product;

/* AUTOLIC_ENOTFOUND (naming contract and product) when the contract or the
 * product on it does not exist. */
int al_contract_product_load(al_txn *t, autolic_id contract, const char *product,
                             al_contract_product *out);
/* 0 when `actor` may manage users and their access on the contract (ROLE-6:
 * contract manager or software coordinator); AUTOLIC_EPERM naming ROLE-6 and
 * `what` otherwise. */
int al_contract_require_user_admin(al_txn *t, autolic_id contract, autolic_id actor,
                                   const char *what);

#endif
