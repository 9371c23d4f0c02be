/* Accounts, for the other nouns: load and check inside a transaction. */
#ifndef AL_ACCOUNT_H
#define AL_ACCOUNT_H

#include "autolic/account.h"
#include "core/txn.h"

/* ACCT-4: invitations last exactly this long. */
#define AL_INVITATION_PERIOD 604800

/* Load an account; its `state` is derived for time t->now (invited past its
 * expiry reads EXPIRED). AUTOLIC_ENOTFOUND names the id. */
int al_account_load(al_txn *t, autolic_id id, autolic_account_info *info);
/* The fixed fields of an account, for callers that need no strings. */
typedef struct al_account_brief {
	autolic_id id;
	int state; /* as al_account_load reports it: derived for t->now */
	autolic_time created, invitation_expires;
	autolic_id invited_by;
} al_account_brief;

/* al_account_load without the strings: same record checks (a record whose
 * strings are malformed is refused alike), same errors, same state; it only
 * skips copying email, names and language. */
int al_account_brief_load(al_txn *t, autolic_id id, al_account_brief *b);
/* Store an account record (and its email index when `index_email`). */
int al_account_store(al_txn *t, const autolic_account_info *info, int index_email);
/* The state of a stored account at `now` (pure). */
int al_account_state_at(int stored_state, autolic_time invitation_expires, autolic_time now);
/* A call about one account made by another (ROLE-7): its arguments, and
 * its start: the checks (db, actor, account) then `fn` over
 * al_account_args in one write transaction (src/account.c). */
typedef struct al_account_args {
	autolic_id actor, account;
} al_account_args;
int al_account_call(autolic_db *db, autolic_id actor, autolic_id account, al_txn_fn fn);

/* The helpers of src/account_records.c that the account calls share: ASCII
 * lower case; a checked copy of a name of `n` bytes (ACCT-2); the email index
 * key. */
int al_account_lower(int c);
int al_account_copy_name(char *dst, const char *s, size_t n, const char *what);
void al_account_email_key(al_key *k, const char *email);
/* Look up an email (already normalised): 0 and *id, or AUTOLIC_ENOTFOUND. */
int al_account_by_email(al_txn *t, const char *email, autolic_id *id);

/* ACCT-3, ACCT-4: the account of a person named by (normalised) email,
 * creating it in state INVITED (first and last name required, invitation
 * valid AL_INVITATION_PERIOD from now, INVITATION_SENT queued unless `quiet`)
 * when the email is unknown, or inviting a removed account again. *invited is
 * 1 when an invitation was made. `language` NULL means "en". `quiet` is for
 * callers whose rule says nobody is notified (FLEX-7 assignment by import). */
int al_account_invite(al_txn *t, const char *email, const char *first, const char *last,
                      const char *language, autolic_id invited_by, int quiet, autolic_id *id,
                      int *invited);

/* The account invariants of the whole store, for autolic_db_check(): every
 * account record decodes and the email index gives each account's email to
 * that account, and holds nothing else (ACCT-1). 0, or AUTOLIC_ECORRUPT. */
int al_account_check_all(al_txn *t);

#endif
