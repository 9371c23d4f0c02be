/**
 * @file autolic/account.h
 * @brief Accounts: people identified by their email (ACCT-1..ACCT-5).
 */
#ifndef AUTOLIC_ACCOUNT_H
#define AUTOLIC_ACCOUNT_H

#include "db.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Longest email, in bytes (RFC 5321 path limit). */
#define AUTOLIC_EMAIL_MAX 254
/** Longest first or last name, in bytes of UTF-8. */
#define AUTOLIC_NAME_MAX 100
/** Longest language tag, in bytes (BCP 47, e.g. "fr-CH"). */
#define AUTOLIC_LANGUAGE_MAX 35

/** State of an account. */
typedef enum autolic_account_state {
	AUTOLIC_ACCOUNT_INVITED = 1, /**< Invited, not yet accepted (ACCT-3). */
	AUTOLIC_ACCOUNT_ACTIVE = 2,  /**< Signed in at least once / registered. */
	AUTOLIC_ACCOUNT_EXPIRED =
	    3, /**< Invitation not accepted within 7 days (ACCT-4); derived from the clock. */
	AUTOLIC_ACCOUNT_REMOVED = 4 /**< Removed by an administrator; grants nothing. */
} autolic_account_state;

/**
 * @brief The name of an ::autolic_account_state value, for logs and bindings.
 *
 * The names, in the order of the values: "invited", "active", "expired", "removed".
 * @param state a value of ::autolic_account_state.
 * @return a static lower-case string, the constant's name without its
 *         prefix; "unknown" for a value this library does not know (never NULL).
 * @par Thread-safety: safe.
 * @since 1.1
 */
AUTOLIC_EXTERN const char *autolic_account_state_name(int state);

/** Current version of ::autolic_account_spec.
 * The library reads and fills only the fields of the version the caller
 * sets in `version`; it refuses 0 and newer versions with ::AUTOLIC_EVERSION (@ref abi). */
#define AUTOLIC_ACCOUNT_SPEC_VERSION 1
/** Static initialiser for ::autolic_account_spec. */
#define AUTOLIC_ACCOUNT_SPEC_INIT                                                                  \
	{                                                                                          \
		AUTOLIC_ACCOUNT_SPEC_VERSION, NULL, NULL, NULL, NULL                               \
	}

/** @brief A person to add: email plus personal details (ACCT-2). */
typedef struct autolic_account_spec {
	unsigned int version; /**< ::AUTOLIC_ACCOUNT_SPEC_VERSION. */
	const char *email;    /**< Required; compared case-insensitively, stored lower-case. */
	const char
	    *first_name; /**< UTF-8 without control characters (IN-1), may be NULL or empty. */
	const char
	    *last_name;       /**< UTF-8 without control characters (IN-1), may be NULL or empty. */
	const char *language; /**< Language tag such as "en" or "fr-CH"; NULL for "en". */
} autolic_account_spec;

/**
 * @brief Initialise `s` to the defaults of ::AUTOLIC_ACCOUNT_SPEC_INIT for `version`.
 *
 * Only the fields of that version are written (@ref abi); a binding or a
 * host that cannot use the macro calls this instead.
 * @param[out] s the struct to fill; must not be NULL.
 * @param version ::AUTOLIC_ACCOUNT_SPEC_VERSION, or an older version.
 * @return 0; ::AUTOLIC_EINVAL when `s` is NULL; ::AUTOLIC_EVERSION when
 *         `version` is 0 or newer than this library knows (nothing written).
 * @par Thread-safety: safe.
 * @since 1.1
 */
AUTOLIC_EXTERN int autolic_account_spec_init(autolic_account_spec *s, unsigned int version);

/** Current version of ::autolic_account_info.
 * The library reads and fills only the fields of the version the caller
 * sets in `version`; it refuses 0 and newer versions with ::AUTOLIC_EVERSION (@ref abi). */
#define AUTOLIC_ACCOUNT_INFO_VERSION 1

/** @brief What is known of an account. Filled by the library; set `version` first. */
typedef struct autolic_account_info {
	unsigned int version;                    /**< ::AUTOLIC_ACCOUNT_INFO_VERSION. */
	autolic_id id;                           /**< The account's id. */
	char email[AUTOLIC_EMAIL_MAX + 1];       /**< Normalised email. */
	char first_name[AUTOLIC_NAME_MAX + 1];   /**< First name. */
	char last_name[AUTOLIC_NAME_MAX + 1];    /**< Last name. */
	char language[AUTOLIC_LANGUAGE_MAX + 1]; /**< Language tag. */
	int state;                               /**< An ::autolic_account_state, as of now. */
	autolic_time created;                    /**< When the account was created. */
	autolic_time invitation_expires;         /**< End of the current invitation period, or 0. */
	autolic_id invited_by;                   /**< Who sent the invitation, or 0. */
} autolic_account_info;

/**
 * @brief Normalise and validate an email (ACCT-1).
 *
 * Rules: 3..254 bytes; exactly one '@'; a local part of 1..64 bytes and a
 * domain of 1..253 bytes containing a dot, neither starting nor ending with
 * a dot nor holding two dots in a row; no spaces, control characters, or
 * any of `()<>[]\,;:"`. ASCII letters are lowered.
 * @param email the text to check.
 * @param[out] out buffer for the normalised email.
 * @param outlen size of `out`; at least ::AUTOLIC_EMAIL_MAX + 1 is always enough.
 * @return 0; ::AUTOLIC_EINVAL naming what is wrong (ACCT-1).
 * @par Thread-safety: safe (pure function).
 */
AUTOLIC_EXTERN int autolic_email_normalize(const char *email, char *out, size_t outlen);

/**
 * @brief Parse the text form of a person, `First Last <email>` (ACCT-3).
 *
 * The part before `<` is the name: its first word is the first name and the
 * rest the last name. A bare email (no angle brackets) is also accepted with
 * empty names. Leading and trailing spaces are ignored.
 * @param text the text, UTF-8.
 * @param[out] email at least ::AUTOLIC_EMAIL_MAX + 1 bytes; receives the normalised email.
 * @param[out] first at least ::AUTOLIC_NAME_MAX + 1 bytes.
 * @param[out] last at least ::AUTOLIC_NAME_MAX + 1 bytes.
 * @return 0; ::AUTOLIC_EINVAL (malformed, email invalid per ACCT-1, name too long).
 * @par Thread-safety: safe (pure function).
 */
AUTOLIC_EXTERN int autolic_person_parse(const char *text, char *email, char *first, char *last);

/**
 * @brief Register an account for a person who signed in through the host's
 *        identity system (state ACTIVE). No actor: a person registers themself.
 *
 * Enforces ACCT-1 (email validated and normalised, unique case-insensitively)
 * and ACCT-2 (details). The library stores no credential.
 * @param db the database.
 * @param spec the person.
 * @param[out] id the new account's id (may be NULL).
 * @return 0; ::AUTOLIC_EINVAL (NULL, bad email or over-long name);
 *         ::AUTOLIC_EVERSION (spec version); ::AUTOLIC_EEXISTS (the email is taken);
 *         ::AUTOLIC_ENOMEM; a storage error. Nothing changes on failure.
 */
AUTOLIC_EXTERN int autolic_account_register(autolic_db *db, const autolic_account_spec *spec,
                                            autolic_id *id);

/**
 * @brief Read an account.
 * @param db the database.
 * @param id the account.
 * @param[out] info filled; its `version` must be set by the caller.
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_EVERSION; ::AUTOLIC_ENOTFOUND; a storage error.
 */
AUTOLIC_EXTERN int autolic_account_get(autolic_db *db, autolic_id id, autolic_account_info *info);

/**
 * @brief Find an account by email, case-insensitively (ACCT-1).
 * @param db the database.
 * @param email the email in any case.
 * @param[out] id the account's id.
 * @return 0; ::AUTOLIC_EINVAL (malformed email); ::AUTOLIC_ENOTFOUND; a storage error.
 */
AUTOLIC_EXTERN int autolic_account_find(autolic_db *db, const char *email, autolic_id *id);

/**
 * @brief Add a person to a team as a user (ACCT-3, ACCT-4, ROLE-6, ROLE-7).
 *
 * A person with an existing account is added by email (names may be
 * omitted); an unknown email creates the account in state INVITED, which
 * needs a first and a last name, valid 7 days by the handle's clock
 * (::AUTOLIC_EVENT_INVITATION_SENT to the person). A removed account added
 * again is invited again. Only an administrator of the team may add users.
 * @param db the database.
 * @param actor a primary or secondary administrator of the team.
 * @param team the team.
 * @param spec the person (email required).
 * @param[out] id the person's account id (may be NULL).
 * @return 0; ::AUTOLIC_EINVAL (NULL, actor or team 0, bad email, over-long or
 *         control-character name, bad language, new person without names);
 *         ::AUTOLIC_EVERSION; ::AUTOLIC_ENOTFOUND (team); ::AUTOLIC_EPERM (ROLE-6,
 *         ROLE-7); ::AUTOLIC_EEXISTS (already a member of the team);
 *         ::AUTOLIC_ENOMEM; a storage error. Nothing changes on failure.
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN int autolic_account_invite(autolic_db *db, autolic_id actor, autolic_id team,
                                          const autolic_account_spec *spec, autolic_id *id);

/**
 * @brief autolic_account_invite() with the person as text, `First Last <email>`
 *        or a bare email (ACCT-3).
 * @param db the database.
 * @param actor a primary or secondary administrator of the team.
 * @param team the team.
 * @param person the text (see autolic_person_parse()).
 * @param[out] id the person's account id (may be NULL).
 * @return as autolic_account_invite().
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN int autolic_account_invite_text(autolic_db *db, autolic_id actor, autolic_id team,
                                               const char *person, autolic_id *id);

/**
 * @brief The invited person accepts the invitation: the account becomes ACTIVE (ACCT-4).
 *
 * The host calls it once its identity system has signed the person in. An
 * expired invitation grants nothing: it must be resent first.
 * @param db the database.
 * @param account the invited account (it is also the actor, ROLE-7).
 * @return 0; ::AUTOLIC_EINVAL (account 0); ::AUTOLIC_ENOTFOUND;
 *         ::AUTOLIC_EEXPIRED (more than 7 days passed: ACCT-4);
 *         ::AUTOLIC_ESTATE (not invited: already active, or removed);
 *         ::AUTOLIC_ENOMEM; a storage error.
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN int autolic_account_accept(autolic_db *db, autolic_id account);

/**
 * @brief Send an invitation again: a new 7-day period starts now (ACCT-4).
 *
 * Allowed to an administrator of a team the invited person was added to.
 * Queues ::AUTOLIC_EVENT_INVITATION_RESENT.
 * @param db the database.
 * @param actor an administrator of one of the person's teams.
 * @param account the invited (or expired) account.
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_ENOTFOUND; ::AUTOLIC_EPERM (ROLE-6, ROLE-7);
 *         ::AUTOLIC_ESTATE (the account is active or removed: nothing to resend);
 *         ::AUTOLIC_ENOMEM; a storage error.
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN int autolic_account_resend(autolic_db *db, autolic_id actor, autolic_id account);

/**
 * @brief Edit one's own personal details: name, email, language (ACCT-2, ROLE-6).
 *
 * Every active account may edit its own details, and nobody else's. A NULL
 * field of `spec` keeps the current value (the email too).
 * @param db the database.
 * @param actor the acting account; must equal `account`.
 * @param account the account to edit.
 * @param spec the new details.
 * @return 0; ::AUTOLIC_EINVAL (NULL spec, bad email, over-long name, bad language);
 *         ::AUTOLIC_EVERSION; ::AUTOLIC_ENOTFOUND; ::AUTOLIC_EPERM (another's
 *         details, or an actor that is not active: ROLE-6, ROLE-7);
 *         ::AUTOLIC_EEXISTS (the new email belongs to another account: ACCT-1);
 *         ::AUTOLIC_ENOMEM; a storage error. Nothing changes on failure.
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN int autolic_account_update(autolic_db *db, autolic_id actor, autolic_id account,
                                          const autolic_account_spec *spec);

/**
 * @brief Remove a user (ROLE-6, SEAT-4).
 *
 * The account leaves every team, every seat it held is freed and its Flex
 * assignment in each of those teams is dropped, in the same transaction, and
 * its state becomes REMOVED: it grants nothing and may not act. Its email
 * stays reserved; adding the person again invites them again, with no seat
 * and no Flex access. The actor must administer every team the account
 * belongs to; someone granted a seat or assigned to a team's Flex tokens is
 * a member of that team (SEAM-3), so its administrators may remove them. A
 * contract manager, software coordinator or team primary administrator must
 * hand that role over first.
 * @param db the database.
 * @param actor an administrator of all the account's teams.
 * @param account the user to remove.
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_ENOTFOUND; ::AUTOLIC_EPERM (ROLE-6, ROLE-7);
 *         ::AUTOLIC_ESTATE (already removed; holds a role that must be handed over:
 *         ROLE-2, ROLE-3, ROLE-4); ::AUTOLIC_ENOMEM; a storage error.
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN int autolic_account_remove(autolic_db *db, autolic_id actor, autolic_id account);

/** Formats of autolic_account_import(). */
typedef enum autolic_import_format {
	AUTOLIC_IMPORT_LIST = 1, /**< One person per line: `First Last <email>` or an email. */
	AUTOLIC_IMPORT_CSV =
	    2 /**< CSV with a header row naming `email`, `first_name`, `last_name`, `language`. */
} autolic_import_format;

/**
 * @brief The name of an ::autolic_import_format value, for logs and bindings.
 *
 * The names, in the order of the values: "list", "csv".
 * @param format a value of ::autolic_import_format.
 * @return a static lower-case string, the constant's name without its
 *         prefix; "unknown" for a value this library does not know (never NULL).
 * @par Thread-safety: safe.
 * @since 1.1
 */
AUTOLIC_EXTERN const char *autolic_import_format_name(int format);

/** Most records in one import. */
#define AUTOLIC_IMPORT_MAX 10000

/**
 * @brief Called once for each rejected line of an import, in line order.
 * @param line the 1-based line number where the record starts.
 * @param reason English text naming the rule or field at fault.
 * @param ctx the caller's pointer.
 */
typedef void (*autolic_import_error_fn)(size_t line, const char *reason, void *ctx);

/**
 * @brief Add people to a team in bulk, all or nothing (ACCT-5, ACCT-3).
 *
 * Every record is checked; if any is rejected, nothing is added and
 * `on_error` hears about every rejected line (with its number and reason)
 * after the call's transaction ended. Blank lines are skipped. A person
 * listed twice, or already a member of the team, is rejected. New people are
 * invited (::AUTOLIC_EVENT_INVITATION_SENT). See @ref accounts_and_roles "Accounts, teams,
 * contracts and roles" for the CSV dialect (RFC 4180 quoting, UTF-8, optional BOM).
 * @param db the database.
 * @param actor an administrator of the team (ROLE-6, ROLE-7).
 * @param team the team.
 * @param text the whole list or CSV text, UTF-8.
 * @param format an ::autolic_import_format.
 * @param on_error called per rejected line, or NULL.
 * @param ctx passed to `on_error`.
 * @param[out] added how many people were added (may be NULL); 0 on failure.
 * @return 0; ::AUTOLIC_EINVAL (NULL, unknown format, bad header, no records,
 *         more than ::AUTOLIC_IMPORT_MAX, or any rejected line: ACCT-5);
 *         ::AUTOLIC_ENOTFOUND (team); ::AUTOLIC_EPERM (ROLE-6, ROLE-7);
 *         ::AUTOLIC_ENOMEM; a storage error. Nothing changes on failure.
 * @par Thread-safety: safe; `on_error` runs on the calling thread.
 */
AUTOLIC_EXTERN int autolic_account_import(autolic_db *db, autolic_id actor, autolic_id team,
                                          const char *text, int format,
                                          autolic_import_error_fn on_error, void *ctx,
                                          size_t *added);

/** An iterator over accounts. Opaque. */
typedef struct autolic_account_iter autolic_account_iter;

/**
 * @brief Start iterating over accounts, ascending by id.
 *
 * The iterator is a snapshot taken in one transaction: later changes by any
 * thread do not affect it, and it stays valid while they happen.
 * @param db the database.
 * @param team 0 for every account, else the members of that team: its
 *        administrators, the people added to it, everyone granted a seat
 *        on one of its contracts and everyone assigned to its Flex tokens
 *        (SEAM-3), the same people
 *        autolic_contract_member_iter_new() lists for each of its contracts.
 * @param[out] out the iterator; free it with autolic_account_iter_free().
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_ENOTFOUND (team); ::AUTOLIC_ENOMEM; a storage error.
 * @par Thread-safety: the iterator belongs to one thread at a time.
 */
AUTOLIC_EXTERN int autolic_account_iter_new(autolic_db *db, autolic_id team,
                                            autolic_account_iter **out);

/**
 * @brief The next account.
 * @param it the iterator.
 * @param[out] info filled; its `version` must be set by the caller.
 * @return 0; ::AUTOLIC_ITEROVER when there are no more; ::AUTOLIC_EINVAL; ::AUTOLIC_EVERSION.
 */
AUTOLIC_EXTERN int autolic_account_iter_next(autolic_account_iter *it, autolic_account_info *info);

/**
 * @brief Free an iterator. Accepts NULL.
 * @param it the iterator.
 */
AUTOLIC_EXTERN void autolic_account_iter_free(autolic_account_iter *it);

#ifdef __cplusplus
}
#endif
#endif
