/*
 * Fusion Operations (OPS-1..OPS-7): the pure rules, apart from storage.
 * Implemented in src/ops_rules.c.
 */
#ifndef AL_OPS_H
#define AL_OPS_H

#include "autolic/ops.h"

#include <stddef.h>
#include <stdint.h>

/* One active licensed operator, as OPS-5 sees it. */
typedef struct al_ops_cand {
	autolic_id id; /* unique among the candidates */
	autolic_time created;
	autolic_time last_production; /* ignored when !has_production */
	int has_production;
} al_ops_cand;

/* OPS-5 order: < 0 when `a` is deactivated before `b`. Operators with no
 * production record come first, then the oldest last production record; ties
 * break on the older creation time, then the lower id (docs/operators.md). */
int al_ops_cand_cmp(const al_ops_cand *a, const al_ops_cand *b);

/* OPS-5 selection. Sorts `c[0..n)` in place into deactivation order and
 * returns how many of the first ones must be deactivated so that at most
 * `licences` stay active: n - licences, or 0. O(n log n), no allocation. */
size_t al_ops_select_excess(al_ops_cand *c, size_t n, uint64_t licences);

/* Whole days left until `end` at `now`, rounded up; 0 once over. */
int64_t al_ops_days_left(autolic_time now, autolic_time end);

/* OPS-6: payment state at `now` for a payment late since `due`. */
int al_ops_payment_state(int late, autolic_time due, autolic_time now);

/* The Fusion Operations invariants of the whole store, for autolic_db_check():
 * each hub's counts of user licences and shop-floor licences in use are its
 * active users (OPS-2) and its active operators holding a shop-floor licence
 * (OPS-4). 0, or AUTOLIC_ECORRUPT naming the rule and the hub. */
struct al_txn;
int al_ops_check_all(struct al_txn *t);

#endif
