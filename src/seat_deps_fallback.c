/*
 * FALLBACK, TO BE DELETED WHEN CONTRACTS LAND ON MAIN.
 *
 * Weak stand-ins for the two contract functions seats use (src/contract.h),
 * so that the seats branch links and its tests run before src/contract.c
 * exists. They read a tiny in-memory registry that only tests fill, through
 * the setter below. The real, strong definitions in src/contract.c override
 * these; the lead deletes this file (and the tests' fallback helper switches
 * to the public contract purchase API) when contracts are merged.
 */
#include "contract.h"
#include "core/error.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* Tests-only: declared here, repeated in tests/test_seat*.c. */
int al_seat_fallback_contract_set(autolic_id contract, autolic_id team, autolic_id manager,
                                  autolic_id coordinator, const char *product, int64_t quantity,
                                  autolic_time start, autolic_time end);
void al_seat_fallback_reset(void);

#define FB_MAX 64

static struct fb_entry {
	autolic_id contract, team, manager, coordinator;
	char product[64];
	uint32_t quantity;
	autolic_time start, end;
} fb_v[FB_MAX];
static size_t fb_n;
static pthread_mutex_t fb_mu = PTHREAD_MUTEX_INITIALIZER;

void al_seat_fallback_reset(void)
{
	pthread_mutex_lock(&fb_mu);
	fb_n = 0;
	pthread_mutex_unlock(&fb_mu);
}

/* Add or replace (contract, product). Every product of one contract must
 * carry the same team, admins and term. */
int al_seat_fallback_contract_set(autolic_id contract, autolic_id team, autolic_id manager,
                                  autolic_id coordinator, const char *product, int64_t quantity,
                                  autolic_time start, autolic_time end)
{
	if (!contract || !product || !*product || strlen(product) >= 64)
		return al_err(AUTOLIC_EINVAL, "fallback contract: bad contract or product");
	if (quantity < 0 || quantity > UINT32_MAX)
		return al_err(AUTOLIC_EINVAL, "ROLE-1: seat quantity %lld is out of range",
		              (long long)quantity);
	pthread_mutex_lock(&fb_mu);
	size_t i = 0;
	while (i < fb_n && !(fb_v[i].contract == contract && !strcmp(fb_v[i].product, product)))
		i++;
	if (i == FB_MAX) {
		pthread_mutex_unlock(&fb_mu);
		return al_err(AUTOLIC_ENOMEM, "fallback contract registry is full");
	}
	if (i == fb_n)
		fb_n++;
	struct fb_entry *e = &fb_v[i];
	e->contract = contract;
	e->team = team;
	e->manager = manager;
	e->coordinator = coordinator;
	snprintf(e->product, sizeof e->product, "%s", product);
	e->quantity = (uint32_t)quantity;
	e->start = start;
	e->end = end;
	pthread_mutex_unlock(&fb_mu);
	return 0;
}

__attribute__((weak)) int al_contract_product_load(al_txn *t, autolic_id contract,
                                                   const char *product, al_contract_product *out)
{
	int found_contract = 0, rc = 0;
	pthread_mutex_lock(&fb_mu);
	size_t i;
	for (i = 0; i < fb_n; i++) {
		if (fb_v[i].contract != contract)
			continue;
		found_contract = 1;
		if (!strcmp(fb_v[i].product, product))
			break;
	}
	if (i < fb_n) {
		memset(out, 0, sizeof(*out));
		out->contract = contract;
		out->team = fb_v[i].team;
		snprintf(out->product, sizeof out->product, "%s", fb_v[i].product);
		out->quantity = fb_v[i].quantity;
		out->start = fb_v[i].start;
		out->end = fb_v[i].end;
		out->active = t->now >= out->start && t->now < out->end;
	} else if (found_contract) {
		rc = al_err(AUTOLIC_ENOTFOUND, "contract %llu has no product '%s'",
		            (unsigned long long)contract, product);
	} else {
		rc = al_err(AUTOLIC_ENOTFOUND, "contract %llu does not exist", (unsigned long long)contract);
	}
	pthread_mutex_unlock(&fb_mu);
	return rc;
}

__attribute__((weak)) int al_contract_require_user_admin(al_txn *t, autolic_id contract,
                                                         autolic_id actor, const char *what)
{
	(void)t;
	int found = 0, ok = 0;
	pthread_mutex_lock(&fb_mu);
	for (size_t i = 0; i < fb_n; i++) {
		if (fb_v[i].contract != contract)
			continue;
		found = 1;
		ok = actor && (fb_v[i].manager == actor || fb_v[i].coordinator == actor);
		break;
	}
	pthread_mutex_unlock(&fb_mu);
	if (!found)
		return al_err(AUTOLIC_ENOTFOUND, "contract %llu does not exist", (unsigned long long)contract);
	if (!ok)
		return al_err(AUTOLIC_EPERM,
		              "ROLE-6: account %llu is neither contract manager nor software coordinator "
		              "of contract %llu and may not %s",
		              (unsigned long long)actor, (unsigned long long)contract, what);
	return 0;
}
