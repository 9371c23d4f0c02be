/*
 * Shared set-up of the seat suites (test_seat.c, test_seat_threads.c).
 *
 * Contracts are created in ONE place, seat_contract() below, and their
 * quantity changed in seat_quantity(), both through the public contract
 * calls (autolic_contract_buy, autolic_contract_assign_coordinator,
 * autolic_contract_set_quantity).
 */
#ifndef SEAT_FIXTURE_H
#define SEAT_FIXTURE_H

#include "support.h"
#include "account.h"
#include "seat.h"

#include <string.h>

typedef struct seat_qty_args {
	autolic_id contract;
	const char *product;
	int64_t quantity;
	uint32_t revoked;
} seat_qty_args;

/* The seats side of a quantity change alone (the fault loop drives it). */
static inline int seat_qty_fn(al_txn *t, void *arg)
{
	seat_qty_args *q = arg;
	return al_seat_quantity_changed(t, q->contract, q->product, q->quantity, &q->revoked);
}

/* Nothing to reset since the suites use the real contracts. */
static inline void seat_fixture_reset(void) {}

/*
 * Buy a contract: `manager` is its contract manager, `coordinator` (may be
 * 0: the manager stays coordinator) its software coordinator; products[i]
 * has quantities[i] seats; the term is [start, end). Returns the contract
 * id. The contract noun calls al_seat_quantity_changed() for each product
 * inside its purchase.
 */
static inline autolic_id seat_contract(autolic_db *db, autolic_id manager, autolic_id coordinator,
                                       const char *const *products, const int64_t *quantities,
                                       size_t n, autolic_time start, autolic_time end)
{
	autolic_contract_product_spec ps[8];
	assert_true(n <= 8);
	for (size_t i = 0; i < n; i++) {
		autolic_contract_product_spec p = AUTOLIC_CONTRACT_PRODUCT_SPEC_INIT;
		p.product = products[i];
		p.quantity = (uint32_t)quantities[i];
		ps[i] = p;
	}
	autolic_contract_spec cs = AUTOLIC_CONTRACT_SPEC_INIT;
	cs.products = ps;
	cs.nproducts = n;
	cs.start = start;
	cs.end = end;
	autolic_id c = 0;
	int rc = autolic_contract_buy(db, manager, &cs, &c);
	if (rc)
		fail_msg("contract set-up: %d %s", rc, autolic_errmsg());
	if (coordinator && coordinator != manager) {
		autolic_account_info m = {.version = AUTOLIC_ACCOUNT_INFO_VERSION};
		autolic_account_info k = {.version = AUTOLIC_ACCOUNT_INFO_VERSION};
		autolic_contract_product_info pi = {.version = AUTOLIC_CONTRACT_PRODUCT_INFO_VERSION};
		rc = autolic_account_get(db, manager, &m);
		if (!rc)
			rc = autolic_account_get(db, coordinator, &k);
		if (!rc)
			rc = autolic_contract_product_get(db, manager, c, products[0], &pi);
		if (!rc)
			rc = autolic_contract_assign_coordinator(db, manager, pi.serial, m.email, k.email);
		if (rc)
			fail_msg("coordinator set-up: %d %s", rc, autolic_errmsg());
	}
	return c;
}

/* The team a contract was bought for. */
static inline autolic_id seat_contract_team(autolic_db *db, autolic_id contract)
{
	autolic_contract_info ci = {.version = AUTOLIC_CONTRACT_INFO_VERSION};
	int rc = autolic_contract_get(db, contract, &ci);
	if (rc)
		fail_msg("contract %llu: %d %s", (unsigned long long)contract, rc, autolic_errmsg());
	return ci.team;
}

/* Change a product's seat quantity as the contract manager, renewing the
 * term first when `end` is later than the contract's; returns the call's
 * result and the number of grants it revoked. */
static inline int seat_quantity(autolic_db *db, autolic_id contract, autolic_id manager,
                                autolic_id coordinator, const char *product, int64_t quantity,
                                autolic_time start, autolic_time end, uint32_t *revoked)
{
	(void)coordinator;
	(void)start;
	autolic_contract_info ci = {.version = AUTOLIC_CONTRACT_INFO_VERSION};
	int rc = autolic_contract_get(db, contract, &ci);
	if (!rc && end > ci.end)
		rc = autolic_contract_renew(db, manager, contract, end);
	if (rc)
		return rc;
	return autolic_contract_set_quantity(db, manager, contract, product, quantity, revoked);
}

#endif
