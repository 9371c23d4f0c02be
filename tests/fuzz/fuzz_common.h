/* Shared set-up of the fuzz targets (tests/fuzz/fuzz_*.c): a small world of
 * accounts, a team, a contract with seats and a Flex lot, built through the
 * public API. No test framework: a broken set-up aborts. */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include "autolic.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FZ_NOW   1767225600LL /* 2026-01-01T00:00:00Z */
#define FZ_USERS 4

typedef struct fz_world {
	autolic_time now;
	autolic_db *db;
	autolic_id admin, team, contract, lot;
	autolic_id users[FZ_USERS];
} fz_world;

static const char *const fz_products[2] = {"autocad", "revit"};

static inline void fz_ok(const char *what, int rc)
{
	if (rc) {
		fprintf(stderr, "fuzz set-up %s: %d %s\n", what, rc, autolic_errmsg());
		abort();
	}
}

static inline autolic_time fz_clock(void *ctx)
{
	return ((fz_world *)ctx)->now;
}

static inline int fz_open(fz_world *w, const autolic_storage *st)
{
	autolic_db_options o = AUTOLIC_DB_OPTIONS_INIT;
	o.storage = st;
	o.clock = fz_clock;
	o.clock_ctx = w;
	return autolic_db_open(&w->db, &o);
}

static inline autolic_id fz_register(autolic_db *db, const char *email)
{
	autolic_account_spec s = AUTOLIC_ACCOUNT_SPEC_INIT;
	s.email = email;
	s.first_name = "Fuzz";
	s.last_name = "Tester";
	autolic_id id = 0;
	fz_ok("register", autolic_account_register(db, &s, &id));
	return id;
}

/* Accounts, a team, a contract (autocad x2, revit x1), one seat granted,
 * the Flex catalogue, a lot and a Flex user. */
static inline void fz_populate(fz_world *w)
{
	autolic_db *db = w->db;
	w->admin = fz_register(db, "admin@example.com");
	for (int i = 0; i < FZ_USERS; i++) {
		char email[40];
		snprintf(email, sizeof email, "user%d@example.com", i);
		w->users[i] = fz_register(db, email);
	}
	autolic_team_spec ts = AUTOLIC_TEAM_SPEC_INIT;
	ts.name = "Fuzz team";
	fz_ok("team", autolic_team_create(db, w->admin, &ts, &w->team));
	autolic_contract_product_spec ps[2];
	for (int i = 0; i < 2; i++) {
		autolic_contract_product_spec p = AUTOLIC_CONTRACT_PRODUCT_SPEC_INIT;
		p.product = fz_products[i];
		p.quantity = (uint32_t)(2 - i);
		ps[i] = p;
	}
	autolic_contract_spec cs = AUTOLIC_CONTRACT_SPEC_INIT;
	cs.products = ps;
	cs.team = w->team;
	cs.nproducts = 2;
	cs.start = 1;
	cs.end = INT64_MAX / 2;
	fz_ok("contract", autolic_contract_buy(db, w->admin, &cs, &w->contract));
	fz_ok("seat", autolic_seat_grant(db, w->admin, w->contract, "autocad", w->users[0]));
	fz_ok("flex product", autolic_flex_product_set(db, "autocad", NULL, 7));
	fz_ok("flex product", autolic_flex_product_set(db, "revit", NULL, 10));
	autolic_flex_lot_spec ls = AUTOLIC_FLEX_LOT_SPEC_INIT;
	ls.subscription = "TS-1";
	ls.quantity = 100;
	ls.purchased = w->now;
	fz_ok("lot", autolic_flex_lot_buy(db, w->admin, w->team, &ls, &w->lot));
	autolic_flex_user_spec us = AUTOLIC_FLEX_USER_SPEC_INIT;
	us.account = w->users[1];
	us.all_products = 1;
	us.by_import = 1;
	fz_ok("flex user", autolic_flex_user_assign(db, w->admin, w->team, &us, NULL));
}

#endif
