/*
 * Teams and their administrators (APS-1, ROLE-3), for the other nouns.
 * Implemented in src/team.c.
 */
#ifndef AL_TEAM_H
#define AL_TEAM_H

#include "core/txn.h"

/* A member's role in a team. */
enum al_team_role {
	AL_ROLE_NONE = 0,      /* not a member */
	AL_ROLE_PRIMARY = 1,   /* primary admin (contract manager) */
	AL_ROLE_SECONDARY = 2, /* secondary admin (software coordinator) */
	AL_ROLE_USER = 3       /* user of the team */
};

/* 0 when the team exists; AUTOLIC_ENOTFOUND naming it otherwise. */
int al_team_check(al_txn *t, autolic_id team);
/* The team's name into `name` (`len` bytes, AUTOLIC_TEAM_NAME_MAX + 1 hold
 * any); AUTOLIC_ENOTFOUND naming it when the team does not exist. */
int al_team_name(al_txn *t, autolic_id team, char *name, size_t len);
/* The account's role in the team (AL_ROLE_NONE when not a member). */
int al_team_role(al_txn *t, autolic_id team, autolic_id account, int *role);
/* 0 when `actor` is an active account and a primary or secondary admin of
 * the team; AUTOLIC_EPERM naming `rule` and `what` otherwise. */
int al_team_require_admin(al_txn *t, autolic_id team, autolic_id actor, const char *rule,
                          const char *what);

/* ---- making teams and changing memberships: used by accounts, contracts and hubs ---- */

/* Create a team whose primary admin is `primary` (already checked). */
int al_team_create(al_txn *t, const char *name, autolic_id primary, autolic_id *id);
/* Set the account's role in the team (AL_ROLE_NONE removes the membership).
 * Does not keep the team record's primary in step: callers do. */
int al_team_member_set(al_txn *t, autolic_id team, autolic_id account, int role);
/* Make the account at least a secondary admin (joins the team if needed). */
int al_team_raise_to_admin(al_txn *t, autolic_id team, autolic_id account);
/* SEAM-3: make the account a user of the team unless it is already a
 * member (any role is kept). No invitation, no event. */
int al_team_join(al_txn *t, autolic_id team, autolic_id account);
/* ROLE-3: 0 when `account` is an active secondary administrator of `team`,
 * who may become its primary administrator; AUTOLIC_ESTATE naming ROLE-3
 * otherwise. Nothing is written. */
int al_team_hand_over_check(al_txn *t, autolic_id team, autolic_id account);
/* ROLE-3: the team's part of a hand-over (al_team_hand_over_check first):
 * `account` becomes the primary administrator, the former primary a
 * secondary one; both are notified. The contracts' part, and the whole of
 * SEAM-2, is al_hand_over() in src/cascade.c. */
int al_team_hand_over(al_txn *t, autolic_id team, autolic_id account);
/* ROLE-3: 0 when `actor` may act and is the primary administrator of `team`;
 * AUTOLIC_EPERM naming ROLE-7 or ROLE-3 otherwise. */
int al_team_require_primary(al_txn *t, autolic_id team, autolic_id actor);
/* The argument checks of the calls that change a team's administrators:
 * db, the actor (ROLE-7), the team and the account. */
int al_team_admin_call_check(autolic_db *db, autolic_id actor, autolic_id team, autolic_id account);
/* The teams the account is a member of, ascending. */
struct al_idlist;
int al_team_list_of_account(al_txn *t, autolic_id account, struct al_idlist *out);
/* The members of the team, ascending by account id. */
int al_team_list_members(al_txn *t, autolic_id team, struct al_idlist *out);

/* The team invariants of the whole store, for autolic_db_check(): each team
 * has exactly one primary administrator, the one its record names (ROLE-3),
 * and its member records and the account -> team index agree both ways
 * (SEAM-3). 0, or AUTOLIC_ECORRUPT naming the rule and the team. */
int al_team_check_all(al_txn *t);

#endif
