/*
 * Weak stand-ins for the seats noun (src/seat.c provides the real ones and
 * they win at link time). They let accounts and contracts link and run
 * before seats land; delete this file once src/seat.c is in.
 */
#include "seat.h"

/* No seats exist without the seats noun, so there is nothing to free. */
__attribute__((weak)) int al_seat_release_all(al_txn *t, autolic_id a)
{
	(void)t;
	(void)a;
	return 0;
}

/* No seats exist without the seats noun, so nobody holds one. */
__attribute__((weak)) int al_seat_held(al_txn *t, autolic_id account, const char *product, int *held)
{
	(void)t;
	(void)account;
	(void)product;
	*held = 0;
	return 0;
}
