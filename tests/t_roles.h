/* Helpers shared by the accounts, teams, contracts and roles suites. */
#ifndef T_ROLES_H
#define T_ROLES_H

#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 1 when the message names the needle (NULL: anything goes). */
static inline int t_names(const char *msg, const char *needle)
{
	return !needle || strstr(msg, needle) != NULL;
}

#define T_NOW  1767225600 /* 2026-01-01T00:00:00Z */
#define T_DAY  86400
#define T_YEAR (365 * T_DAY)

/* Assert a call fails with `code` and that the message names `needle`. */
#define T_FAILS(code, needle, call)                                                                \
	do {                                                                                       \
		int t_rc_ = (call);                                                                \
		if (t_rc_ != (code))                                                               \
			fail_msg("%s: expected %d, got %d (%s)", #call, (code), t_rc_,             \
			         autolic_errmsg());                                                \
		if (!t_names(autolic_errmsg(), (needle)))                                          \
			fail_msg("%s: message '%s' does not name '%s'", #call, autolic_errmsg(),   \
			         (needle));                                                        \
	} while (0)

#define T_OK(call)                                                                                 \
	do {                                                                                       \
		int t_rc_ = (call);                                                                \
		if (t_rc_)                                                                         \
			fail_msg("%s: %d (%s)", #call, t_rc_, autolic_errmsg());                   \
	} while (0)

/* Buy a one-year contract of the given products (quantities q[i]) starting now. */
static inline autolic_id t_buy(autolic_db *db, autolic_id actor, autolic_id team,
                               const char **products, const uint32_t *q, size_t n, autolic_time now,
                               int auto_renew)
{
	autolic_contract_product_spec ps[8];
	for (size_t i = 0; i < n; i++) {
		autolic_contract_product_spec p = AUTOLIC_CONTRACT_PRODUCT_SPEC_INIT;
		p.product = products[i];
		p.quantity = q[i];
		ps[i] = p;
	}
	autolic_contract_spec s = AUTOLIC_CONTRACT_SPEC_INIT;
	s.team = team;
	s.products = ps;
	s.nproducts = n;
	s.start = now;
	s.end = now + T_YEAR;
	s.auto_renew = auto_renew;
	autolic_id id = 0;
	int rc = autolic_contract_buy(db, actor, &s, &id);
	if (rc)
		fail_msg("buy: %d %s", rc, autolic_errmsg());
	return id;
}

static inline autolic_id t_buy1(autolic_db *db, autolic_id actor, autolic_id team, autolic_time now)
{
	const char *p[] = {"autocad", "revit"};
	uint32_t q[] = {5, 2};
	return t_buy(db, actor, team, p, q, 2, now, 0);
}

/* Store dump helpers over a t_faulty: assert a call changed nothing. */
#define T_UNCHANGED(f, call)                                                                       \
	do {                                                                                       \
		t_dump t_b_, t_a_;                                                                 \
		t_dump_store(&(f)->inner, &t_b_);                                                  \
		call;                                                                              \
		t_dump_store(&(f)->inner, &t_a_);                                                  \
		assert_true(t_dump_equal(&t_b_, &t_a_));                                           \
		t_dump_free(&t_b_);                                                                \
		t_dump_free(&t_a_);                                                                \
	} while (0)

#endif
