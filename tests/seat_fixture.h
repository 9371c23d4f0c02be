/*
 * Shared set-up of the seat suites (test_seat.c, test_seat_threads.c).
 *
 * Contracts are created in ONE place, seat_contract() below, and their
 * quantity changed in seat_quantity(). Until contracts land on main they go
 * through the tests-only fallback registry of src/seat_deps_fallback.c; when
 * include/autolic/contract.h appears, these two functions switch to the
 * public contract purchase / quantity calls and the fallback is deleted.
 */
#ifndef SEAT_FIXTURE_H
#define SEAT_FIXTURE_H

#include "support.h"
#include "account.h"
#include "seat.h"

#include <string.h>

/* FALLBACK: tests-only setters defined in src/seat_deps_fallback.c. */
int al_seat_fallback_contract_set(autolic_id contract, autolic_id team, autolic_id manager,
                                  autolic_id coordinator, const char *product, int64_t quantity,
                                  autolic_time start, autolic_time end);
void al_seat_fallback_reset(void);

typedef struct seat_qty_args {
	autolic_id contract;
	const char *product;
	int64_t quantity;
	uint32_t revoked;
} seat_qty_args;

static inline int seat_qty_fn(al_txn *t, void *arg)
{
	seat_qty_args *q = arg;
	return al_seat_quantity_changed(t, q->contract, q->product, q->quantity, &q->revoked);
}

/*
 * Buy a contract: `manager` is its contract manager, `coordinator` (may be
 * 0) its software coordinator; products[i] has quantities[i] seats; the term
 * is [start, end). Returns the contract id. The contract noun calls
 * al_seat_quantity_changed() for each product inside its purchase.
 */
static inline autolic_id seat_contract(autolic_db *db, autolic_id manager, autolic_id coordinator,
                                       const char *const *products, const int64_t *quantities,
                                       size_t n, autolic_time start, autolic_time end)
{
	static autolic_id next_contract = 1000;
	autolic_id c = ++next_contract;
	for (size_t i = 0; i < n; i++) {
		int rc = al_seat_fallback_contract_set(c, 500 + c, manager, coordinator, products[i],
		                                       quantities[i], start, end);
		if (rc)
			fail_msg("contract set-up: %d %s", rc, autolic_errmsg());
		seat_qty_args q = {c, products[i], quantities[i], 0};
		rc = al_run(db, 1, seat_qty_fn, &q);
		if (rc)
			fail_msg("contract set-up: %d %s", rc, autolic_errmsg());
	}
	return c;
}

/* Change a product's seat quantity, as the contract noun does; returns the
 * call's result and the number of grants it revoked. */
static inline int seat_quantity(autolic_db *db, autolic_id contract, autolic_id manager,
                                autolic_id coordinator, const char *product, int64_t quantity,
                                autolic_time start, autolic_time end, uint32_t *revoked)
{
	seat_qty_args q = {contract, product, quantity, 0};
	int rc = al_run(db, 1, seat_qty_fn, &q);
	if (!rc)
		rc = al_seat_fallback_contract_set(contract, 500 + contract, manager, coordinator,
		                                   product, quantity, start, end);
	if (revoked)
		*revoked = q.revoked;
	return rc;
}

#endif
