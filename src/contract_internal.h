/*
 * Contracts, internal: the records and helpers of src/contract_records.c
 * shared by src/contract.c, src/contract_upgrade.c and src/contract_check.c. Not a contract for
 * other nouns: those are in src/contract.h.
 */
#ifndef AL_CONTRACT_INTERNAL_H
#define AL_CONTRACT_INTERNAL_H

#include "contract.h"
#include "autolic/contract.h"
#include "core/product.h"

enum { CR_MANAGER = 1, CR_COORDINATOR = 2 };

typedef struct al_contract_rec {
	autolic_id id;
	char number[AUTOLIC_CONTRACT_NUMBER_MAX + 1];
	autolic_id team, manager, coordinator, buyer;
	autolic_time start, end, created;
	int auto_renew;
	uint32_t nproducts;
} al_contract_rec;

typedef struct al_contract_product_rec {
	char product[AUTOLIC_PRODUCT_MAX + 1];
	uint32_t quantity; /* seats now */
	uint32_t bought;   /* seats bought: ROLE-9 never raises it */
	char serial[AUTOLIC_SERIAL_MAX + 1];
} al_contract_product_rec;

void al_contract_product_key(al_key *k, autolic_id contract, const char *product);
int al_contract_store(al_txn *t, const al_contract_rec *r);
int al_contract_load_rec(al_txn *t, autolic_id id, al_contract_rec *r);
int al_contract_product_rec_store(al_txn *t, autolic_id contract, const al_contract_product_rec *p);
int al_contract_product_rec_load(al_txn *t, autolic_id contract, const char *product,
                                 al_contract_product_rec *p);
/* The account -> contract role index (ROLE-2, ROLE-4). */
int al_contract_role_bits_get(al_txn *t, autolic_id account, autolic_id contract, int *bits);
int al_contract_role_bits_set(al_txn *t, autolic_id account, autolic_id contract, int bits);
int al_contract_role_bits_change(al_txn *t, autolic_id account, autolic_id contract, int add,
                                 int remove);
/* Serial number -> contract and product. */
int al_contract_by_serial(al_txn *t, const char *serial, autolic_id *contract, char *product,
                          size_t cap);
/* ROLE-3: a contract on automatic renewal keeps its manager until it has run
 * to its end. */
int al_contract_renewal_holds_manager(const al_contract_rec *r, autolic_time now);
void al_contract_offer_key(al_key *k, autolic_id contract, const char *product, const char *update);

#endif
