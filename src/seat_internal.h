/*
 * Seats, internal: the rows and helpers shared by src/seat.c,
 * src/seat_upgrade.c and src/seat_check.c. Not a contract for other nouns:
 * those are in src/seat.h.
 */
#ifndef AL_SEAT_INTERNAL_H
#define AL_SEAT_INTERNAL_H

#include "seat.h"
#include "contract.h"
#include "core/product.h"

typedef struct al_seat_row {
	autolic_id contract, user, by;
	char product[AL_PRODUCT_CAP];
	uint64_t gid; /* grant order (a store-wide sequence); the count for count rows */
	autolic_time at;
	int origin;
} al_seat_row;

typedef struct al_seat_rows {
	al_seat_row *v;
	size_t n, cap;
	const al_alloc *a;
} al_seat_rows;

void al_seat_prefix(al_key *k, autolic_id contract, const char *product);
void al_seat_key(al_key *k, autolic_id contract, const char *product, autolic_id user);
void al_seat_acct_key(al_key *k, autolic_id user, autolic_id contract, const char *product);
void al_seat_count_key(al_key *k, autolic_id contract, const char *product);
void al_seat_rows_free(al_seat_rows *rs);
int al_seat_cb_seat(const void *key, size_t kl, const void *v, size_t vl, void *arg);
int al_seat_cb_acct(const void *key, size_t kl, const void *v, size_t vl, void *arg);
int al_seat_cb_count(const void *key, size_t kl, const void *v, size_t vl, void *arg);
/* The grant of (contract, product, user): 0, or AUTOLIC_ENOTFOUND without message. */
int al_seat_get(al_txn *t, autolic_id contract, const char *product, autolic_id user,
                al_seat_row *r);
/* SEAT-2: a product's count of grants never exceeds its quantity; one that
 * does was damaged, and is reported, never shown as "0 available". */
int al_seat_count_fits(const al_contract_product *cp, uint64_t granted);
int al_seat_count_put(al_txn *t, autolic_id contract, const char *product, uint64_t n);
/* Write the grant `g` and its index (the count is the caller's). */
int al_seat_grant_put(al_txn *t, const al_seat_row *g);
int al_seat_scan_rows(al_txn *t, const al_key *prefix, autolic_storage_scan_cb cb,
                      al_seat_rows *out);
/* Every grant (AL_K_SEAT) and every count (AL_K_SEAT_COUNT) of the store, in
 * key order; on failure neither is left to free. */
int al_seat_scan_grants_counts(al_txn *t, al_seat_rows *grants, al_seat_rows *counts);

#endif
