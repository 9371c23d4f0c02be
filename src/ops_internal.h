/*
 * Fusion Operations: the records and the helpers shared by src/ops_records.c,
 * src/ops.c and src/ops_operators.c. Internal: not exported.
 */
#ifndef AL_OPS_INTERNAL_H
#define AL_OPS_INTERNAL_H

#include "ops.h"
#include "account.h"
#include "names.h"
#include "core/error.h"
#include "core/idlist.h"
#include "core/record.h"
#include "core/snap.h"
#include "core/text.h"
#include "core/timecalc.h"
#include "core/txn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY 86400

/* ---- records ---- */

typedef struct al_ops_hub_rec {
	autolic_id id, tenant;
	char name[AUTOLIC_OPS_HUB_NAME_MAX + 1];
	autolic_time created, trial_end;
	uint64_t trial_operators;
	int provisioned;
	autolic_time provisioned_at;
	int late;
	autolic_time due;
	uint64_t active_licensed; /* active operators that hold a shop-floor licence */
	uint64_t active_users;    /* active users (each holds a user licence) */
} al_ops_hub_rec;

typedef struct al_ops_sub_rec {
	uint64_t number;
	autolic_id tenant;
	int kind;
	uint32_t quantity;
	autolic_time start, end;
} al_ops_sub_rec;

typedef struct al_ops_user_rec {
	autolic_id account;
	int active;
	autolic_time since; /* when the user licence was (re)assigned */
	autolic_time created;
} al_ops_user_rec;

typedef struct al_ops_op_rec {
	autolic_id id, hub;
	char number[AUTOLIC_OPS_NUMBER_MAX + 1];
	char name[AUTOLIC_OPS_OPERATOR_NAME_MAX + 1];
	autolic_id user;
	int active, reason;
	autolic_time created, deactivated;
	int has_production;
	autolic_time last_production;
	uint64_t production_count;
} al_ops_op_rec;

/* ---- growable arrays filled by scans ---- */

typedef AL_ARRAY(al_ops_op_rec) al_ops_ops;
typedef AL_ARRAY(al_ops_user_rec) al_ops_users;

typedef struct al_ops_lic_counts {
	uint64_t user_total, shop_total;
	int shop_subscribed, any;
	autolic_time now;
} al_ops_lic_counts;

/* A find call's arguments (a hub by tenant, an operator by number). */
typedef struct al_ops_find_args {
	autolic_id key, out;
	const char *number;
} al_ops_find_args;

/* ---- shared by the use cases (src/ops.c, src/ops_operators.c) ---- */

int al_ops_hub_store(al_txn *t, const al_ops_hub_rec *h);
int al_ops_hub_load(al_txn *t, autolic_id id, al_ops_hub_rec *h);
int al_ops_hub_state(const al_ops_hub_rec *h, autolic_time now);
int al_ops_sub_store(al_txn *t, const al_ops_sub_rec *s);
int al_ops_sub_load(al_txn *t, uint64_t number, al_ops_sub_rec *s);
int al_ops_user_store(al_txn *t, autolic_id hub, const al_ops_user_rec *u);
/* AUTOLIC_ENOTFOUND without a message when the account is not a user of the hub. */
int al_ops_user_load(al_txn *t, autolic_id hub, autolic_id account, al_ops_user_rec *u);
int al_ops_op_store(al_txn *t, const al_ops_op_rec *o);
int al_ops_op_load(al_txn *t, autolic_id id, al_ops_op_rec *o);
/* The users of the hub, in account order, into `users` (initialised by the
 * caller with al_array_init()). */
int al_ops_collect_users(al_txn *t, autolic_id hub, al_ops_users *users);
int al_ops_licences_of(al_txn *t, autolic_id tenant, al_ops_lic_counts *c);
/* Licensed operators the hub may have active now: the trial allowance until
 * provisioning, then the active shop-floor licences. */
uint64_t al_ops_shop_limit(const al_ops_hub_rec *h, const al_ops_lic_counts *c);
int al_ops_require_active_actor(al_txn *t, autolic_id actor);
/* The actor is ACTIVE and is the tenant or an admin the tenant named. */
int al_ops_require_admin(al_txn *t, autolic_id tenant, autolic_id actor, const char *what);
int al_ops_hub_for_admin(al_txn *t, autolic_id hub, autolic_id actor, al_ops_hub_rec *h,
                         const char *what);
/* An account counts as deactivated once removed or its invitation expired. */
int al_ops_account_usable(al_txn *t, autolic_id account, int *usable);
/* The hub user is active and their account usable (OPS-3). */
int al_ops_user_active(al_txn *t, autolic_id hub, autolic_id account, int *active);
/* Deactivate an active operator, store it, emit the event. The caller keeps
 * the hub's counters. */
int al_ops_op_deactivate(al_txn *t, const al_ops_hub_rec *h, al_ops_op_rec *o, int reason,
                         const char *why);
int al_ops_collect_ops(al_txn *t, autolic_id hub, al_ops_ops *ops);
/* OPS-5: when the hub has more active licensed operators than it may, the
 * excess is deactivated in the order of al_ops_select_excess(). */
int al_ops_enforce_licences(al_txn *t, al_ops_hub_rec *h, uint64_t *count);
/* OPS-3: deactivate the active operators made from `account`. */
int al_ops_deactivate_user_ops(al_txn *t, al_ops_hub_rec *h, autolic_id account, const char *why,
                               uint64_t *count);
int al_ops_check_text(const char *s, size_t max, const char *rule, const char *what);
int al_ops_check_number(const char *s);
int al_ops_check_db_actor(autolic_db *db, autolic_id actor);

#endif
