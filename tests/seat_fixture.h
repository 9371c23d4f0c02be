/*
 * Shared set-up of the seat suites (test_seat.c, test_seat_threads.c).
 *
 * Contracts are created in ONE place, seat_contract(), and their
 * quantity changed in seat_quantity(), both through the public contract
 * calls (autolic_contract_buy, autolic_contract_assign_coordinator,
 * autolic_contract_set_quantity). The helpers are defined in tests/fixture.c.
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
int seat_qty_fn(al_txn *t, void *arg);

/*
 * Buy a contract: `manager` is its contract manager, `coordinator` (may be
 * 0: the manager stays coordinator) its software coordinator; products[i]
 * has quantities[i] seats; the term is [start, end). Returns the contract
 * id. The contract noun calls al_seat_quantity_changed() for each product
 * inside its purchase.
 */
autolic_id seat_contract(autolic_db *db, autolic_id manager, autolic_id coordinator,
                         const char *const *products, const int64_t *quantities, size_t n,
                         autolic_time start, autolic_time end);

/* The team a contract was bought for. */
autolic_id seat_contract_team(autolic_db *db, autolic_id contract);

/* Change a product's seat quantity as the contract manager, renewing the
 * term first when `end` is later than the contract's; returns the call's
 * result and the number of grants it revoked. */
int seat_quantity(autolic_db *db, autolic_id contract, autolic_id manager, autolic_id coordinator,
                  const char *product, int64_t quantity, autolic_time start, autolic_time end,
                  uint32_t *revoked);

#endif
