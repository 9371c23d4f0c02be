/*
 * Seats: the whole-store check (autolic_db_check).
 */
#include "seat_internal.h"
#include "seat.h"
#include "account.h"
#include "autolic/seat.h"
#include "contract.h"
#include "team.h"
#include "autolic/contract.h"
#include "core/error.h"
#include "core/product.h"
#include "core/snap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the whole-store check (autolic_db_check) ---- */

static int row_group_cmp(const al_seat_row *a, const al_seat_row *b)
{
	if (a->contract != b->contract)
		return a->contract < b->contract ? -1 : 1;
	return strcmp(a->product, b->product);
}

int al_seat_check(al_txn *t)
{
	al_seat_rows seats, counts, index;
	al_key k;
	int rc = al_seat_scan_grants_counts(t, &seats, &counts);
	if (rc)
		return rc;
	al_key_init(&k, AL_K_ACCOUNT_SEAT);
	if ((rc = al_seat_scan_rows(t, &k, al_seat_cb_acct, &index)) != 0) {
		al_seat_rows_free(&seats);
		al_seat_rows_free(&counts);
		return rc;
	}
	/* SEAT-1: grants and counts, both in (contract, product) key order */
	size_t i = 0, j = 0;
	while (!rc && (i < seats.n || j < counts.n)) {
		int c = i == seats.n    ? 1
		        : j == counts.n ? -1
		                        : row_group_cmp(&seats.v[i], &counts.v[j]);
		const al_seat_row *g = c <= 0 ? &seats.v[i] : &counts.v[j];
		uint64_t n = 0;
		while (i < seats.n && row_group_cmp(&seats.v[i], g) == 0)
			i++, n++;
		uint64_t counted = c >= 0 ? counts.v[j++].gid : 0;
		if (n != counted)
			rc = al_err(
			    AUTOLIC_ECORRUPT,
			    "SEAT-1: product '%s' on contract %llu counts %llu seats granted "
			    "but holds %llu grants",
			    g->product, (unsigned long long)g->contract,
			    (unsigned long long)counted, (unsigned long long)n);
	}
	/* SEAT-2: never more than bought (a product that left its contract
	 * keeps its grants against no quantity, see the contract summary) */
	for (j = 0; !rc && j < counts.n; j++) {
		al_contract_product cp;
		rc = al_contract_product_load(t, counts.v[j].contract, counts.v[j].product, &cp);
		if (rc == AUTOLIC_ENOTFOUND) {
			al_err_clear();
			rc = 0;
		} else if (!rc) {
			rc = al_seat_count_fits(&cp, counts.v[j].gid);
		}
	}
	/* SEAT-1: every grant is in its holder's index, and nothing else is;
	 * SEAT-4: no grant is held by a removed account */
	if (!rc && index.n != seats.n)
		rc = al_err(AUTOLIC_ECORRUPT,
		            "SEAT-1: %zu grants but %zu entries in the accounts' seat index",
		            seats.n, index.n);
	for (i = 0; !rc && i < seats.n; i++) {
		const al_seat_row *s = &seats.v[i];
		al_seat_acct_key(&k, s->user, s->contract, s->product);
		int e = al_txn_exists(t, &k);
		al_account_brief b;
		if (e < 0)
			rc = e;
		else if (!e)
			rc = al_err(AUTOLIC_ECORRUPT,
			            "SEAT-1: the seat of account %llu for '%s' on contract %llu is "
			            "missing from the account's seat index",
			            (unsigned long long)s->user, s->product,
			            (unsigned long long)s->contract);
		else if ((rc = al_account_brief_load(t, s->user, &b)) == AUTOLIC_ENOTFOUND)
			rc = al_err(
			    AUTOLIC_ECORRUPT,
			    "SEAT-1: a seat for '%s' on contract %llu is held by account %llu, "
			    "which does not exist",
			    s->product, (unsigned long long)s->contract,
			    (unsigned long long)s->user);
		else if (!rc && b.state == AUTOLIC_ACCOUNT_REMOVED)
			rc = al_err(AUTOLIC_ECORRUPT,
			            "SEAT-4: removed account %llu still holds a seat for '%s' on "
			            "contract %llu",
			            (unsigned long long)s->user, s->product,
			            (unsigned long long)s->contract);
	}
	al_seat_rows_free(&seats);
	al_seat_rows_free(&counts);
	al_seat_rows_free(&index);
	return rc;
}
