/*
 * Seats (SEAT-1..SEAT-5), for the other nouns. Implemented in src/seat*.c.
 */
#ifndef AL_SEAT_H
#define AL_SEAT_H

#include "core/txn.h"

/* *held = 1 when the account holds a seat for the product code on any
 * contract whose term covers `at` (FLEX-6 reads this at the time a window
 * opens; role checks at t->now). An account whose invitation expired or that
 * was removed holds nothing (ACCT-4); its state is read only when it has a
 * seat of the product. The callers have read the account: one that does not
 * exist holds nothing. */
int al_seat_held(al_txn *t, autolic_id account, const char *product, autolic_time at, int *held);
/* Free every seat the account holds, atomically inside t (SEAT-4). Emits no
 * event: the removal that calls it notifies as it sees fit. */
int al_seat_release_all(al_txn *t, autolic_id account);

/* Called by contracts inside their transaction whenever a product's seat
 * quantity is set: at purchase (so that the per-contract summary lists the product)
 * and when the quantity changes. When fewer seats remain than are granted,
 * the most recent grants are revoked first until granted == quantity (see
 * docs/seats.md), each user being notified (AUTOLIC_EVENT_SEAT_REVOKED,
 * rule SEAT-2). `quantity` < 0 is AUTOLIC_EINVAL. *revoked (may be NULL)
 * receives the number of grants revoked. */
int al_seat_quantity_changed(al_txn *t, autolic_id contract, const char *product, int64_t quantity,
                             uint32_t *revoked);

/* Stores written before SEAM-1: re-key every grant, account index and
 * count under the normalised product code. A user who held a seat of two
 * codes that differ only in case on one contract keeps one seat, the earlier
 * grant; each count is the number of grants left under its code. */
int al_seat_upgrade_codes(al_txn *t);
/* Stores written before SEAM-3: with `apply` 0, find the first grant whose
 * holder is not a member of the contract's team (*contract, *account; 0 when
 * none); with `apply` 1, make every such holder a user of the team. A
 * removed account is left out (it holds nothing: SEAT-4). */
int al_seat_upgrade_members(al_txn *t, int apply, autolic_id *contract, autolic_id *account);
/* The seat invariants of the whole store, for autolic_db_check(): each
 * product's count equals its grants and every grant is in its holder's
 * index (SEAT-1), no count exceeds its quantity (SEAT-2), no removed account
 * holds a seat (SEAT-4). 0, or AUTOLIC_ECORRUPT naming the rule and the
 * first record that breaks it. Membership of the holders (SEAM-3) is checked
 * by autolic_db_check() with al_seat_upgrade_members(). */
int al_seat_check(al_txn *t);

#endif
