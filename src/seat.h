/*
 * Seats (SEAT-1..SEAT-5), for the other nouns. Implemented in src/seat.c.
 */
#ifndef AL_SEAT_H
#define AL_SEAT_H

#include "core/txn.h"

/* *held = 1 when the account holds a seat for the product code on any
 * contract whose term covers t->now (FLEX-6 reads this). */
int al_seat_held(al_txn *t, autolic_id account, const char *product, int *held);
/* Free every seat the account holds, atomically inside t (SEAT-4). */
int al_seat_release_all(al_txn *t, autolic_id account);

#endif
