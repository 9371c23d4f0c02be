/*
 * Contracts (ROLE-1..ROLE-9), for the other nouns. Implemented in src/contract*.c.
 */
#ifndef AL_CONTRACT_H
#define AL_CONTRACT_H

#include "autolic/contract.h"
#include "core/product.h"
#include "core/txn.h"

/* What seats need to know of one product of a contract. */
typedef struct al_contract_product {
	autolic_id contract;
	autolic_id team;
	char product[64];  /* product code, normalised (SEAM-1) */
	uint32_t quantity; /* seats bought */
	autolic_time start, end;
	int active; /* the contract's term covers t->now */
} al_contract_product;

/* AUTOLIC_ENOTFOUND (naming contract and product) when the contract or the
 * product on it does not exist. Every `product` argument of these calls is a
 * code normalised by al_product_norm() (SEAM-1). */
int al_contract_product_load(al_txn *t, autolic_id contract, const char *product,
                             al_contract_product *out);
/* 0 when `actor` may manage users and their access on the contract (ROLE-6:
 * contract manager or software coordinator); AUTOLIC_EPERM naming ROLE-6 and
 * `what` otherwise. */
int al_contract_require_user_admin(al_txn *t, autolic_id contract, autolic_id actor,
                                   const char *what);
/* al_contract_require_user_admin then al_contract_product_load, with their
 * errors in that order, reading the contract record once. */
int al_contract_product_for_admin(al_txn *t, autolic_id contract, const char *product,
                                  autolic_id actor, const char *what, al_contract_product *out);

/* ---- pure functions of a contract's term and id ---- */

/* ROLE-1: an autolic_contract_status from the term and the clock (pure). */
int al_contract_status_at(autolic_time start, autolic_time end, autolic_time now);
/* The printable number of contract `id` (pure; docs/accounts-and-roles.md). */
void al_contract_number(autolic_id id, char *out, size_t cap);

/* ---- stores written before SEAM-1 (src/upgrade.c) ---- */

/* *contract and product = the first contract product whose code is not
 * normalised (as a 1.0 library could store it), or *contract = 0 when none.
 * `product` has AL_PRODUCT_CAP bytes. */
int al_contract_old_code(al_txn *t, autolic_id *contract, char *product);
/* Re-key every contract product and ROLE-8 offer under its normalised code.
 * Products of one contract whose codes differ only in case become one: its
 * seat quantities (now and bought) are the sums, it keeps the serial of the
 * code that was already normalised (else of the first in byte order), and
 * every serial of the merged codes names it; the contract's product count
 * drops by one per merge. */
int al_contract_upgrade_codes(al_txn *t);

/* *contract = the first contract of the team that the account manages or
 * coordinates, or 0 when none. */
int al_contract_admin_in_team(al_txn *t, autolic_id team, autolic_id account, autolic_id *contract);
/* *contract = the first contract (any team) the account manages or
 * coordinates, or 0 when none. */
int al_contract_admin_any(al_txn *t, autolic_id account, autolic_id *contract);
/* SEAM-2: make `manager` (the team's new primary administrator) the
 * contract manager of every contract of the team, each former and the new
 * manager notified per contract. Checks every contract before it writes
 * one: AUTOLIC_ESTATE naming ROLE-3 while one whose manager would change is
 * on automatic renewal and has not ended. Called by the team's hand-over. */
/* A contract being bought: who buys, the spec, its product codes normalised
 * (SEAM-1) and, once stored, the new contract's id. */
typedef struct al_contract_order {
	autolic_id actor;
	const autolic_contract_spec *spec;
	autolic_id id;
	char codes[AUTOLIC_CONTRACT_PRODUCTS_MAX][AL_PRODUCT_CAP];
} al_contract_order;
/* ROLE-1 and SEAM-1: the spec is valid; codes[i] = the normalised code of
 * products[i]. Two codes that differ only in case are one product, listed
 * twice. */
int al_contract_spec_check(const autolic_contract_spec *sp, char (*codes)[AL_PRODUCT_CAP]);
/* The caller's spec and products, of the version each names, into `in` and
 * `products` (in->products then points there): the defaults of the fields a
 * caller's version lacks are filled in. Checks only the versions. */
int al_contract_spec_copy_in(const autolic_contract_spec *spec, autolic_contract_spec *in,
                             autolic_contract_product_spec *products);
/* ROLE-1, ROLE-2: store the contract of `order` for `team` (its products and
 * serial numbers, its number, the buyer as manager and coordinator) and
 * confirm the order (ROLE-6); the new id in order->id. The team and the
 * seats are the caller's (autolic_contract_buy in src/cascade.c). */
int al_contract_create(al_txn *t, al_contract_order *order, autolic_id team);
/* ROLE-6, ROLE-9: `actor` may manage the contract and lowers (or restores up
 * to what was bought) its seats of `product`; stores the quantity. The seats
 * beyond it are the caller's (al_seat_quantity_changed). */
int al_contract_quantity_set(al_txn *t, autolic_id actor, autolic_id contract, const char *product,
                             int64_t quantity);
/* ROLE-3: 0 and the contract's team in *team when `actor`, its manager, may
 * hand contract `contract` over to `new_manager` (not on automatic renewal,
 * an existing account, not the manager already); the refusal otherwise.
 * Nothing is written: the hand-over itself is al_hand_over() (SEAM-2). */
int al_contract_transfer_check(al_txn *t, autolic_id actor, autolic_id contract,
                               autolic_id new_manager, autolic_id *team);
int al_contract_team_manager_set(al_txn *t, autolic_id team, autolic_id manager);

/* The contract invariants of the whole store, for autolic_db_check(): each
 * contract is listed by its team (APS-1) and has exactly one manager, the one
 * it names, holding the manager role (ROLE-2), who is a member of the team
 * (SEAM-2). A manager who is not the team's primary administrator is not
 * reported: a store of 1.0 may hold one until the team's next hand-over
 * (docs/accounts-and-roles.md). 0, or AUTOLIC_ECORRUPT naming the rule. */
int al_contract_check_all(al_txn *t);

#endif
