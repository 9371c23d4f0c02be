/*
 * Seats: upgrading stores written before SEAM-1 (product codes not
 * normalised in seat keys); run by src/upgrade.c.
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

/* ---- stores written before SEAM-1 (src/upgrade.c) ---- */

static int not_norm(const al_seat_row *r)
{
	return !al_product_is_norm(r->product, strlen(r->product));
}

/* The number of grants of (contract, product). */
static int grants_count(al_txn *t, autolic_id contract, const char *product, uint64_t *n)
{
	al_seat_rows rs;
	al_key k;
	al_seat_prefix(&k, contract, product);
	int rc = al_seat_scan_rows(t, &k, al_seat_cb_seat, &rs);
	*n = rs.n;
	al_seat_rows_free(&rs);
	return rc;
}

int al_seat_upgrade_codes(al_txn *t)
{
	al_seat_rows grants, counts;
	al_key k;
	int rc = al_seat_scan_grants_counts(t, &grants, &counts);
	if (rc)
		return rc;
	/* every grant under its normalised code; of two grants of one user that
	 * become one, the earlier (lower grant sequence) stays */
	for (size_t i = 0; !rc && i < grants.n; i++) {
		al_seat_row g = grants.v[i], cur;
		if (!not_norm(&g))
			continue;
		al_seat_key(&k, g.contract, g.product, g.user);
		rc = al_txn_del(t, &k);
		if (!rc) {
			al_seat_acct_key(&k, g.user, g.contract, g.product);
			rc = al_txn_del(t, &k);
			if (rc == AUTOLIC_ENOTFOUND)
				rc = al_err(AUTOLIC_ECORRUPT,
				            "seat index of account %llu is inconsistent",
				            (unsigned long long)g.user);
		}
		al_product_fold(g.product);
		if (!rc)
			rc = al_seat_get(t, g.contract, g.product, g.user, &cur);
		if (rc == AUTOLIC_ENOTFOUND || (!rc && g.gid < cur.gid))
			rc = al_seat_grant_put(t, &g);
	}
	/* counts under the normalised codes, recounted from the grants */
	for (size_t i = 0; !rc && i < counts.n; i++) {
		al_seat_row *c = &counts.v[i];
		if (!not_norm(c))
			continue;
		al_seat_count_key(&k, c->contract, c->product);
		rc = al_txn_del(t, &k);
		al_product_fold(c->product);
		uint64_t n;
		if (!rc)
			rc = grants_count(t, c->contract, c->product, &n);
		if (!rc)
			rc = al_seat_count_put(t, c->contract, c->product, n);
	}
	al_seat_rows_free(&grants);
	al_seat_rows_free(&counts);
	return rc;
}

int al_seat_upgrade_members(al_txn *t, int apply, autolic_id *contract, autolic_id *account)
{
	al_seat_rows grants;
	al_key k;
	al_key_init(&k, AL_K_SEAT);
	*contract = *account = 0;
	int rc = al_seat_scan_rows(t, &k, al_seat_cb_seat, &grants);
	if (rc)
		return rc;
	al_contract_product cp;
	cp.contract = 0;
	for (size_t i = 0; !rc && i < grants.n; i++) {
		const al_seat_row *g = &grants.v[i];
		int role;
		/* the grants come by contract: its team is read once */
		if (g->contract != cp.contract)
			rc = al_contract_product_load(t, g->contract, g->product, &cp);
		if (!rc)
			rc = al_team_role(t, cp.team, g->user, &role);
		if (rc || role != AL_ROLE_NONE)
			continue;   /* a member already (or the error ends the loop) */
		al_account_brief b; /* only its state is read */
		rc = al_account_brief_load(t, g->user, &b);
		if (rc || b.state == AUTOLIC_ACCOUNT_REMOVED)
			continue; /* a removed account holds nothing (SEAT-4) */
		if (!apply) {
			*contract = g->contract;
			*account = g->user;
			break;
		}
		rc = al_team_join(t, cp.team, g->user);
	}
	al_seat_rows_free(&grants);
	return rc;
}
