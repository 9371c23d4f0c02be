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
	AUTOLIC_ACCOUNT_EXPIRED = 3, /**< Invitation not accepted within 7 days (ACCT-4); derived from the clock. */
	AUTOLIC_ACCOUNT_REMOVED = 4  /**< Removed by an administrator; grants nothing. */
} autolic_account_state;

/** Current version of ::autolic_account_spec. */
#define AUTOLIC_ACCOUNT_SPEC_VERSION 1
/** Static initialiser for ::autolic_account_spec. */
#define AUTOLIC_ACCOUNT_SPEC_INIT { AUTOLIC_ACCOUNT_SPEC_VERSION, NULL, NULL, NULL, NULL }

/** @brief A person to add: email plus personal details (ACCT-2). */
typedef struct autolic_account_spec {
	unsigned int version;   /**< ::AUTOLIC_ACCOUNT_SPEC_VERSION. */
	const char *email;      /**< Required; compared case-insensitively, stored lower-case. */
	const char *first_name; /**< UTF-8, may be NULL or empty. */
	const char *last_name;  /**< UTF-8, may be NULL or empty. */
	const char *language;   /**< Language tag such as "en" or "fr-CH"; NULL for "en". */
} autolic_account_spec;

/** Current version of ::autolic_account_info. */
#define AUTOLIC_ACCOUNT_INFO_VERSION 1

/** @brief What is known of an account. Filled by the library; set `version` first. */
typedef struct autolic_account_info {
	unsigned int version;                       /**< ::AUTOLIC_ACCOUNT_INFO_VERSION. */
	autolic_id id;                              /**< The account's id. */
	char email[AUTOLIC_EMAIL_MAX + 1];          /**< Normalised email. */
	char first_name[AUTOLIC_NAME_MAX + 1];      /**< First name. */
	char last_name[AUTOLIC_NAME_MAX + 1];       /**< Last name. */
	char language[AUTOLIC_LANGUAGE_MAX + 1];    /**< Language tag. */
	int state;                                  /**< An ::autolic_account_state, as of now. */
	autolic_time created;                       /**< When the account was created. */
	autolic_time invitation_expires;            /**< End of the current invitation period, or 0. */
	autolic_id invited_by;                      /**< Who sent the invitation, or 0. */
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

#ifdef __cplusplus
}
#endif
#endif
