/* Shared set-up for the Flex suites (tests/test_flex*.c). */
#ifndef FLEX_FIXTURE_H
#define FLEX_FIXTURE_H

#include "support.h"
#include "seat_fixture.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* ---- the ONE place that knows how teams and administrators are made:
 * the public team API (the creator becomes the primary admin). Seats and
 * their contracts come from the seats suite's set-up helper,
 * seat_contract(). ---- */

/* A new team administered by `admin`. */
static inline autolic_id fx_team(autolic_db *db, autolic_id admin)
{
	autolic_team_spec s = AUTOLIC_TEAM_SPEC_INIT;
	s.name = "Flex team";
	autolic_id team = 0;
	int rc = autolic_team_create(db, admin, &s, &team);
	if (rc)
		fail_msg("team set-up: %d %s", rc, autolic_errmsg());
	return team;
}

/* Give `account` a single-user seat for `product` (FLEX-6) on a new contract
 * managed by `admin`; returns the contract. */
static inline autolic_id fx_seat(autolic_db *db, autolic_id admin, autolic_id account,
                                 const char *product)
{
	int64_t one = 1;
	autolic_id c = seat_contract(db, admin, 0, &product, &one, 1, 1, INT64_MAX / 2);
	int rc = autolic_seat_grant(db, admin, c, product, account);
	if (rc)
		fail_msg("seat grant: %d %s", rc, autolic_errmsg());
	return c;
}

/* ---- everything else goes through the Flex API ---- */

#define DAY  86400LL
#define HOUR 3600LL

static inline autolic_time fx_date(int y, int m, int d)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	return (autolic_time)timegm(&tm);
}

typedef struct fx {
	t_clock clock;
	t_events ev;
	t_faulty f;
	autolic_db *db;
	autolic_id admin, team, user;
	unsigned keyn;
} fx;

static inline void fx_check(const char *what, int rc, int want)
{
	if (rc != want)
		fail_msg("%s: got %d, wanted %d: %s", what, rc, want, autolic_errmsg());
}

static inline void fx_product(fx *x, const char *code, int64_t rate)
{
	fx_check("product_set", autolic_flex_product_set(x->db, code, NULL, rate), 0);
}

static inline autolic_id fx_buy_in(fx *x, autolic_id team, const char *sub, int64_t qty,
                                   autolic_time purchased)
{
	autolic_flex_lot_spec s = AUTOLIC_FLEX_LOT_SPEC_INIT;
	s.subscription = sub;
	s.quantity = qty;
	s.purchased = purchased;
	autolic_id lot = 0;
	fx_check("lot_buy", autolic_flex_lot_buy(x->db, x->admin, team, &s, &lot), 0);
	return lot;
}

static inline autolic_id fx_buy(fx *x, int64_t qty, autolic_time purchased)
{
	return fx_buy_in(x, x->team, "TS-1", qty, purchased);
}

static inline void fx_assign_all(fx *x, autolic_id team, autolic_id account)
{
	autolic_flex_user_spec s = AUTOLIC_FLEX_USER_SPEC_INIT;
	s.account = account;
	s.all_products = 1;
	s.by_import = 1;
	fx_check("user_assign", autolic_flex_user_assign(x->db, x->admin, team, &s, NULL), 0);
}

/* Set up a handle at `now` with an admin, a team and a Flex user with all products. */
static inline void fx_open_with(fx *x, autolic_time now, const autolic_allocator *alloc)
{
	memset(x, 0, sizeof(*x));
	x->clock.now = now;
	x->db = t_open(&x->f, &x->clock, &x->ev, alloc);
	x->admin = t_register(x->db, "admin@example.com", "Ada", "Admin");
	x->user = t_register(x->db, "jean.dupont@example.com", "Jean", "Dupont");
	x->team = fx_team(x->db, x->admin);
	fx_product(x, "autocad", 7);
	fx_product(x, "revit", 10);
	fx_product(x, "maya", 6);
	fx_assign_all(x, x->team, x->user);
}

static inline void fx_open(fx *x, autolic_time now)
{
	fx_open_with(x, now, NULL);
}

static inline void fx_close(fx *x)
{
	autolic_db_close(x->db);
	x->db = NULL;
}

static inline const char *fx_key(fx *x)
{
	static __thread char buf[32];
	snprintf(buf, sizeof buf, "k%u", ++x->keyn);
	return buf;
}

static inline int fx_launch_in(fx *x, autolic_id team, autolic_id account, const char *product,
                               autolic_time at, const char *key, autolic_flex_result *res)
{
	autolic_flex_report_spec s = AUTOLIC_FLEX_REPORT_SPEC_INIT;
	s.kind = AUTOLIC_FLEX_LAUNCH;
	s.key = key ? key : fx_key(x);
	s.time = at;
	s.product = product;
	s.team = team;
	s.account = account;
	if (x->clock.now < at)
		x->clock.now = at;
	res->version = AUTOLIC_FLEX_RESULT_VERSION;
	return autolic_flex_report(x->db, &s, res);
}

static inline int fx_launch(fx *x, const char *product, autolic_time at, autolic_flex_result *res)
{
	return fx_launch_in(x, x->team, x->user, product, at, NULL, res);
}

static inline int fx_report(fx *x, int kind, autolic_id session, autolic_time at,
                            autolic_flex_result *res)
{
	autolic_flex_report_spec s = AUTOLIC_FLEX_REPORT_SPEC_INIT;
	s.kind = kind;
	s.key = fx_key(x);
	s.time = at;
	s.session = session;
	if (x->clock.now < at)
		x->clock.now = at;
	res->version = AUTOLIC_FLEX_RESULT_VERSION;
	return autolic_flex_report(x->db, &s, res);
}

static inline int64_t fx_balance_of(fx *x, autolic_id team)
{
	autolic_flex_team_info i;
	i.version = AUTOLIC_FLEX_TEAM_INFO_VERSION;
	fx_check("team_get", autolic_flex_team_get(x->db, team, &i), 0);
	return i.balance;
}

static inline int64_t fx_balance(fx *x)
{
	return fx_balance_of(x, x->team);
}

static inline int64_t fx_remaining(fx *x, autolic_id lot)
{
	autolic_flex_lot_info i;
	i.version = AUTOLIC_FLEX_LOT_INFO_VERSION;
	fx_check("lot_get", autolic_flex_lot_get(x->db, lot, &i), 0);
	return i.remaining;
}

/* Tokens consumed net of refunds, from the ledger (FLEX-10). */
static inline int64_t fx_used(fx *x, autolic_id team)
{
	autolic_flex_ledger_iter *it;
	fx_check("ledger_open",
	         autolic_flex_ledger_open(x->db, team, INT64_MIN, INT64_MAX,
	                                  AUTOLIC_FLEX_MASK(AUTOLIC_FLEX_CONSUME) |
	                                      AUTOLIC_FLEX_MASK(AUTOLIC_FLEX_REFUND),
	                                  &it),
	         0);
	autolic_flex_entry e;
	e.version = AUTOLIC_FLEX_ENTRY_VERSION;
	int64_t used = 0;
	while (autolic_flex_ledger_next(it, &e) == 0)
		used -= e.amount;
	autolic_flex_ledger_free(it);
	return used;
}

static inline void fx_invariants(fx *x, autolic_id team)
{
	fx_check("flex_check", autolic_flex_check(x->db, team), 0);
}

#endif
