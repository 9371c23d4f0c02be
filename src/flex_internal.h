/*
 * Flex tokens: records and helpers shared by the Flex files -- the record
 * layer (src/flex_records.c), the calls that change tokens (src/flex_catalog.c,
 * src/flex_lots.c, src/flex_meter.c) and src/flex_report.c (reports, the
 * invariant check). Not a contract for other nouns: those are in src/flex.h.
 */
#ifndef AL_FLEX_INTERNAL_H
#define AL_FLEX_INTERNAL_H

#include "flex.h"
#include "account.h"
#include "names.h"
#include "seat.h"
#include "team.h"
#include "core/error.h"
#include "core/idlist.h"
#include "core/product.h"
#include "core/record.h"
#include "core/structs.h"
#include "core/text.h"
#include "core/timecalc.h"
#include "core/txn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WINDOW AUTOLIC_FLEX_WINDOW_SECONDS

/* A team's Flex state (record AL_K_FLEX_TEAM; defaults when absent). */
typedef struct al_flex_team {
	autolic_id id;
	int64_t overage_limit; /* FLEX-5 policy; 0 = no overage */
	int64_t low_threshold; /* FLEX-12; -1 = 20% of unexpired lots */
	int64_t owed;          /* overage tokens owed */
	int low;               /* below the threshold at the last change */
	/* Sums over the lots of the AL_K_FLEX_TEAM_LOT index (expiry not recorded),
	 * kept by every change of those lots so that the FLEX-12 check after a
	 * change reads no lot; autolic_flex_check() verifies them. */
	int64_t left;              /* tokens left in them */
	int64_t bought;            /* their quantities */
	autolic_time next_expiry;  /* none of them expires before this (FLEX-1): until
	                              then no expiry is due and none is looked for */
	int unindexed;             /* a format 1 record read in a read call: the sums were
	                              derived from the lots, which have no live index yet */
	int64_t horizon;           /* SEAM-4: late-report horizon, seconds */
	autolic_time last_expired; /* SEAM-4: no recorded expiry of the team's lots is after
	                              this (INT64_MIN: none recorded); a charge before it
	                              looks for forfeitures that may still pay */
	/* The scalar fields as loaded (stored: a record exists), so that a call
	 * that changed none of them writes nothing back. */
	struct {
		int64_t overage_limit, low_threshold, owed, left, bought, horizon;
		autolic_time next_expiry, last_expired;
		int low, stored;
		size_t n_defaults;
	} as_loaded;
	size_t n_defaults; /* FLEX-8; 0 = defaults disabled */
	char defaults[AUTOLIC_FLEX_LIST_MAX][AL_PRODUCT_CAP];
} al_flex_team;

typedef struct al_flex_lotrec {
	autolic_id id, team;
	char subscription[AUTOLIC_FLEX_SUBSCRIPTION_MAX + 1];
	int64_t quantity, remaining;
	autolic_time purchased, expires;
	int expired; /* the expiry is recorded (EXPIRE entry, index moved) */
	/* SEAM-4: tokens the lot's EXPIRE entries forfeited, net of what was
	 * given back to pay windows opened before the expiry (never negative);
	 * known for records of format 3, else 0 */
	int64_t forfeited;
	int forfeit_known;
	/* SEAM-4, FLEX-5: the latest instant something came back to it or was
	 * added after its purchase (a refund, an upward adjustment, a move in;
	 * INT64_MIN: never). Only a window opened before that reads its entries
	 * to learn what it may pay. Format 3, else INT64_MIN. */
	autolic_time credited;
	int64_t cap; /* not stored: what it may pay for the window being charged */
} al_flex_lotrec;

int al_flex_product_load(al_txn *t, const char *code, autolic_flex_product_info *p);
/* AUTOLIC_ENOTFOUND (via al_team_check) when the team does not exist. */
int al_flex_team_load(al_txn *t, autolic_id team, al_flex_team *tf);
int al_flex_team_store(al_txn *t, const al_flex_team *tf);
int al_flex_lot_load(al_txn *t, autolic_id id, al_flex_lotrec *l);
int al_flex_lots_of(al_txn *t, autolic_id team, int old, al_flex_lotrec **out, size_t *n);
int al_flex_ledger_add(al_txn *t, autolic_id team, int type, autolic_time when, autolic_id lot,
                       int64_t amount, autolic_id account, autolic_id window, const char *product,
                       const char *subscription);
/* SEAM-4: the key of a lot's ledger entry in its index (under the lot
 * record's tag: lot, team, time, seq; the record holds the amount). */
void al_flex_lot_entry_key(al_key *k, autolic_id lot, autolic_id team, autolic_time when,
                           uint64_t seq);
int al_flex_entry_decode(const void *key, size_t klen, const void *val, size_t vlen,
                         autolic_flex_entry *e);
/* FLEX-1: record the expiries of tf's team due at or before `upto` (at most
 * now; updates tf's sums; the caller stores tf). SEAM-4: a report call
 * records an expiry only after the windows opened before it are charged. */
int al_flex_expire_due(al_txn *t, al_flex_team *tf, autolic_time upto, size_t *count);
/* SEAM-4: expiries at or before this instant are final (older than the
 * team's late-report horizon): nothing they forfeited comes back. */
autolic_time al_flex_final_upto(const al_txn *t, const al_flex_team *tf);
/* Tokens left and bought in the team's lots unexpired now (read calls: an
 * expiry due but not recorded yet counts as done): the record's sums while
 * no expiry is due, else from the lots themselves. */
int al_flex_position(al_txn *t, const al_flex_team *tf, int64_t *lots_left, int64_t *unexpired);
int64_t al_flex_threshold(const al_flex_team *tf, int64_t unexpired);
int al_flex_below(const al_flex_team *tf, int64_t balance, int64_t unexpired);
int al_flex_dec_draws(al_rd *r, const al_alloc *a, al_flex_draw **out, size_t *n);

/* The Flex invariants of the whole store, for autolic_db_check(): every team
 * with Flex state passes autolic_flex_check() (FLEX-1, FLEX-2, FLEX-5, FLEX-9,
 * FLEX-10, FLEX-12), and every stored report names a session that exists
 * (FLEX-13). 0, or AUTOLIC_ECORRUPT naming the rule. */
int al_flex_check_all(al_txn *t);
int al_flex_idem_check_all(al_txn *t);

/* Shared by the Flex files (records, catalogue, lots, metering). */
int al_flex_check_subscription(const char *s);
/* A Flex call's entry: clears the thread's message, then checks db and team. */
int al_flex_check_db_team(autolic_db *db, autolic_id team);
int al_flex_norm_list(const char *const *in, size_t n, char (*out)[AL_PRODUCT_CAP]);
int al_flex_product_store(al_txn *t, const autolic_flex_product_info *p);
/* FLEX-3: the rate in effect at `at` (see the definition). */
int al_flex_rate_at(al_txn *t, const char *code, autolic_time at, int64_t *rate);
int al_flex_lot_store(al_txn *t, const al_flex_lotrec *l);
/* Store a lot whose remaining tokens changed from `before`: the team's sums
 * and the live index follow (see the definition). */
int al_flex_lot_save(al_txn *t, al_flex_team *tf, const al_flex_lotrec *l, int64_t before);
/* SEAM-4: a report dated before the team's late-report horizon changes nothing. */
int al_flex_horizon_check(al_txn *t, const al_flex_team *tf, autolic_time at);
/* FLEX-12: re-evaluate the low-balance state; notify once per crossing
 * (delivered after commit) and store the team record. */
int al_flex_low_update(al_txn *t, al_flex_team *tf);
/* Load the team, record due expiries: the start of every call that changes
 * a team's tokens. */
int al_flex_team_begin(al_txn *t, autolic_id team, al_flex_team *tf);
/* The team's Flex state for a change by `actor`, who must administer the
 * team (refused naming `rule` and `what` otherwise): loaded as
 * al_flex_team_load() does, or as al_flex_team_begin() does (the expiries
 * due now recorded first) for the _begin form. */
int al_flex_team_admin_load(al_txn *t, autolic_id team, autolic_id actor, const char *rule,
                            const char *what, al_flex_team *tf);
int al_flex_team_admin_begin(al_txn *t, autolic_id team, autolic_id actor, const char *rule,
                             const char *what, al_flex_team *tf);
/* FLEX-6: end of a trial of `product` by `account` covering `at`, or 0. */
int al_flex_trial_at(al_txn *t, autolic_id account, const char *product, autolic_time at,
                     autolic_time *end);
/* FLEX-7, FLEX-8: the user's access to a product through the team. */
int al_flex_allowed_for(al_txn *t, const al_flex_team *tf, autolic_id team, autolic_id account,
                        const char *product, int in_catalogue, int *ok);

#endif
