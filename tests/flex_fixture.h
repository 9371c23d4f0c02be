/* Shared set-up of the Flex suites (tests/test_flex*.c), defined in tests/fixture.c. */
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
autolic_id fx_team(autolic_db *db, autolic_id admin);

/* Give `account` a single-user seat for `product` (FLEX-6) on a new contract
 * managed by `admin`; returns the contract. */
autolic_id fx_seat(autolic_db *db, autolic_id admin, autolic_id account, const char *product);

/* ---- everything else goes through the Flex API ---- */

#define DAY  86400LL
#define HOUR 3600LL

/* Midnight UTC of the date. */
autolic_time fx_date(int y, int m, int d);

typedef struct fx {
	t_clock clock;
	t_events ev;
	t_faulty f;
	autolic_db *db;
	autolic_id admin, team, user;
	unsigned keyn;
} fx;

/* Fail the test unless `rc` is `want`, naming `what` and the message. */
void fx_check(const char *what, int rc, int want);

/* Add the Flex product `code` at a daily rate of `rate` tokens (FLEX-3). */
void fx_product(fx *x, const char *code, int64_t rate);

/* Buy `qty` tokens for `team` (fx_buy: x->team, subscription "TS-1") as x->admin. */
autolic_id fx_buy_in(fx *x, autolic_id team, const char *sub, int64_t qty, autolic_time purchased);
autolic_id fx_buy(fx *x, int64_t qty, autolic_time purchased);

/* Make `account` a Flex user of `team` with all products, as x->admin. */
void fx_assign_all(fx *x, autolic_id team, autolic_id account);

/* Set up a handle at `now` with an admin, a team and a Flex user with all
 * products (fx_open: the default allocator); fx_close closes it. */
void fx_open_with(fx *x, autolic_time now, const autolic_allocator *alloc);
void fx_open(fx *x, autolic_time now);
void fx_close(fx *x);

/* A new idempotency key ("k1", "k2"...; valid until the thread's next call). */
const char *fx_key(fx *x);

/* Report a launch (fx_launch: x->user in x->team, a new key) or another
 * report of a session at `at`, moving the clock forward to `at`. */
int fx_launch_in(fx *x, autolic_id team, autolic_id account, const char *product, autolic_time at,
                 const char *key, autolic_flex_result *res);
int fx_launch(fx *x, const char *product, autolic_time at, autolic_flex_result *res);
int fx_report(fx *x, int kind, autolic_id session, autolic_time at, autolic_flex_result *res);

/* A team's token balance (fx_balance: x->team), and a lot's remaining tokens. */
int64_t fx_balance_of(fx *x, autolic_id team);
int64_t fx_balance(fx *x);
int64_t fx_remaining(fx *x, autolic_id lot);

/* Tokens consumed net of refunds, from the ledger (FLEX-10). */
int64_t fx_used(fx *x, autolic_id team);

/* Fail the test unless autolic_flex_check() passes for `team`. */
void fx_invariants(fx *x, autolic_id team);

#endif
