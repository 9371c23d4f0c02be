/*
 * Authorization (ROLE-6, ROLE-7): the permission matrix as a pure function
 * over plain structs, plus the storage-side check that the acting account
 * may act at all. Implemented in src/authz.c.
 */
#ifndef AL_AUTHZ_H
#define AL_AUTHZ_H

#include "autolic/account.h"
#include "core/txn.h"

/* The rows of the ROLE-6 table, in its order. */
enum al_fn {
	AL_FN_SUBSCRIBE = 0,      /* subscribe to products and services */
	AL_FN_ORDER_CONTACT,      /* primary contact, receives order confirmations */
	AL_FN_MANAGE_CONTRACT,    /* manage contracts and renewal terms */
	AL_FN_ASSIGN_COORDINATOR, /* assign the software coordinator */
	AL_FN_MANAGE_USERS,       /* add, remove and manage users and their access */
	AL_FN_DOWNLOAD_NOTICE,    /* receive notifications of new downloads */
	AL_FN_EDIT_SELF,          /* edit own personal details */
	AL_FN_DOWNLOAD,           /* download and activate products */
	AL_FN_UPDATES,            /* download updates */
	AL_FN_SERIALS,            /* see serial numbers */
	AL_FN_COUNT
};

/* Who the actor is with respect to the object of the call. */
typedef struct al_subject {
	int active;      /* the account is active (not invited, expired or removed) */
	int manager;     /* contract manager (or, for team-scoped calls, primary admin) */
	int coordinator; /* software coordinator (or secondary admin) */
	int user;        /* a user of the team */
	int granted;     /* the user holds the product concerned (U*) */
	int self;        /* the object of the call is the actor's own account */
} al_subject;

/* 1 when the ROLE-6 matrix allows `fn` to the subject, else 0 (pure). */
int al_authz_allowed(int fn, const al_subject *s);
/* The ROLE-6 row's text ("assign the software coordinator"). */
const char *al_authz_fn_name(int fn);

/* ROLE-7, before any transaction: 0 when an acting account is named, else
 * AUTOLIC_EINVAL "ROLE-7: the acting account is required". Every public call
 * that takes an actor starts with this check. */
int al_authz_actor_given(autolic_id actor);
/* The start of a public call that takes a handle and an actor: AUTOLIC_EINVAL
 * "db is NULL" without a handle, then al_authz_actor_given(). */
int al_authz_call_check(const autolic_db *db, autolic_id actor);

/* 0 when `actor` is an existing active account (and *info filled when not
 * NULL); AUTOLIC_EPERM naming ROLE-7 and why otherwise. */
int al_authz_actor(al_txn *t, autolic_id actor, autolic_account_info *info);

/* A call about `account` made by `actor`: the account (its refusal first:
 * AUTOLIC_ENOTFOUND), then al_authz_actor(). */
int al_authz_actor_over(al_txn *t, autolic_id actor, autolic_id account,
                        autolic_account_info *info);

/* AUTOLIC_EPERM: "ROLE-6: <fn name> is not allowed to <email> (<why>)", the
 * acting account attached; or the failure reading its email. */
int al_authz_deny(al_txn *t, int fn, autolic_id actor, const char *why);

#endif
