/**
 * @file autolic/team.h
 * @brief Teams: the organisation's space for subscriptions and billing, with
 *        one primary administrator and any number of secondary ones
 *        (APS-1, ROLE-3).
 */
#ifndef AUTOLIC_TEAM_H
#define AUTOLIC_TEAM_H

#include "db.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Longest team name, in bytes of UTF-8. */
#define AUTOLIC_TEAM_NAME_MAX 100

/** A member's role in a team (ROLE-3). */
typedef enum autolic_team_role {
	AUTOLIC_TEAM_NONE = 0,      /**< Not a member. */
	AUTOLIC_TEAM_PRIMARY = 1,   /**< The primary administrator (exactly one per team). */
	AUTOLIC_TEAM_SECONDARY = 2, /**< A secondary administrator. */
	AUTOLIC_TEAM_USER = 3       /**< A user of the team. */
} autolic_team_role;

/**
 * @brief The name of an ::autolic_team_role value, for logs and bindings.
 *
 * The names, in the order of the values: "none", "primary", "secondary", "user".
 * @param role a value of ::autolic_team_role.
 * @return a static lower-case string, the constant's name without its
 *         prefix; "unknown" for a value this library does not know (never NULL).
 * @par Thread-safety: safe.
 * @since 1.1
 */
AUTOLIC_EXTERN const char *autolic_team_role_name(int role);

/** Current version of ::autolic_team_spec.
 * The library reads and fills only the fields of the version the caller
 * sets in `version`; it refuses 0 and newer versions with ::AUTOLIC_EVERSION (@ref abi). */
#define AUTOLIC_TEAM_SPEC_VERSION 1
/** Static initialiser for ::autolic_team_spec. */
#define AUTOLIC_TEAM_SPEC_INIT                                                                     \
	{                                                                                          \
		AUTOLIC_TEAM_SPEC_VERSION, NULL                                                    \
	}

/** @brief A team to create. */
typedef struct autolic_team_spec {
	unsigned int version; /**< ::AUTOLIC_TEAM_SPEC_VERSION. */
	const char
	    *name; /**< UTF-8, 1..::AUTOLIC_TEAM_NAME_MAX bytes, no control characters (IN-1). */
} autolic_team_spec;

/**
 * @brief Initialise `s` to the defaults of ::AUTOLIC_TEAM_SPEC_INIT for `version`.
 *
 * Only the fields of that version are written (@ref abi); a binding or a
 * host that cannot use the macro calls this instead.
 * @param[out] s the struct to fill; must not be NULL.
 * @param version ::AUTOLIC_TEAM_SPEC_VERSION, or an older version.
 * @return 0; ::AUTOLIC_EINVAL when `s` is NULL; ::AUTOLIC_EVERSION when
 *         `version` is 0 or newer than this library knows (nothing written).
 * @par Thread-safety: safe.
 * @since 1.1
 */
AUTOLIC_EXTERN int autolic_team_spec_init(autolic_team_spec *s, unsigned int version);

/** Current version of ::autolic_team_info.
 * The library reads and fills only the fields of the version the caller
 * sets in `version`; it refuses 0 and newer versions with ::AUTOLIC_EVERSION (@ref abi). */
#define AUTOLIC_TEAM_INFO_VERSION 1

/** @brief What is known of a team. Filled by the library; set `version` first. */
typedef struct autolic_team_info {
	unsigned int version;                 /**< ::AUTOLIC_TEAM_INFO_VERSION. */
	autolic_id id;                        /**< The team's id. */
	char name[AUTOLIC_TEAM_NAME_MAX + 1]; /**< Its name. */
	autolic_id primary;                   /**< The primary administrator. */
	autolic_time created;                 /**< When it was created. */
} autolic_team_info;

/**
 * @brief Create a team; the actor becomes its primary administrator (APS-1, ROLE-3).
 * @param db the database.
 * @param actor the acting account (ROLE-7); must be active.
 * @param spec the team.
 * @param[out] id the new team's id (may be NULL).
 * @return 0; ::AUTOLIC_EINVAL (NULL, actor 0, empty/over-long/control-character name);
 *         ::AUTOLIC_EVERSION (spec version); ::AUTOLIC_EPERM (actor unknown, invited,
 *         expired or removed: ROLE-7); ::AUTOLIC_ENOMEM; a storage error.
 *         Nothing changes on failure.
 * @par Thread-safety: safe (one transaction).
 */
AUTOLIC_EXTERN int autolic_team_create(autolic_db *db, autolic_id actor,
                                       const autolic_team_spec *spec, autolic_id *id);

/**
 * @brief Read a team.
 * @param db the database.
 * @param team the team.
 * @param[out] info filled; its `version` must be set by the caller.
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_EVERSION; ::AUTOLIC_ENOTFOUND; a storage error.
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN int autolic_team_get(autolic_db *db, autolic_id team, autolic_team_info *info);

/**
 * @brief The role of an account in a team (ROLE-3, ROLE-5).
 * @param db the database.
 * @param team the team.
 * @param account the account.
 * @param[out] role an ::autolic_team_role (::AUTOLIC_TEAM_NONE when not a member).
 * @return 0; ::AUTOLIC_EINVAL (NULL role); ::AUTOLIC_ENOTFOUND (no such team); a storage error.
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN int autolic_team_role_get(autolic_db *db, autolic_id team, autolic_id account,
                                         int *role);

/**
 * @brief Make an account a secondary administrator of the team (ROLE-3, ROLE-4, ROLE-6).
 *
 * Only the primary administrator may do it (in team terms, assigning a
 * coordinator is the contract manager's right). The account must be an
 * active or invited member, or any existing non-removed account (it joins
 * the team). The account is notified (::AUTOLIC_EVENT_ROLE_CHANGED).
 * @param db the database.
 * @param actor the acting account: the team's primary administrator.
 * @param team the team.
 * @param account the new secondary administrator.
 * @return 0; ::AUTOLIC_EINVAL (actor or account 0); ::AUTOLIC_ENOTFOUND (team or account);
 *         ::AUTOLIC_EPERM (ROLE-6/ROLE-7); ::AUTOLIC_EEXISTS (already an administrator);
 *         ::AUTOLIC_ESTATE (the account was removed); ::AUTOLIC_ENOMEM; a storage error.
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN int autolic_team_add_admin(autolic_db *db, autolic_id actor, autolic_id team,
                                          autolic_id account);

/**
 * @brief Make a secondary administrator a plain user of the team again (ROLE-3, ROLE-6).
 *
 * Refused while the account is the contract manager or software coordinator
 * of a contract of the team (ROLE-2, ROLE-4: those roles must first be
 * handed over). The account is notified.
 * @param db the database.
 * @param actor the team's primary administrator.
 * @param team the team.
 * @param account a secondary administrator.
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_ENOTFOUND; ::AUTOLIC_EPERM;
 *         ::AUTOLIC_ESTATE (not a secondary administrator, or holds a contract role);
 *         ::AUTOLIC_ENOMEM; a storage error.
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN int autolic_team_remove_admin(autolic_db *db, autolic_id actor, autolic_id team,
                                             autolic_id account);

/**
 * @brief Hand the team's primary administration to a secondary administrator
 *        (ROLE-3, SEAM-2).
 *
 * Only the current primary administrator may do it; only an active
 * secondary administrator can become primary; the former primary becomes a
 * secondary administrator. The primary administrator is the contract
 * manager of every contract of the team (SEAM-2), so the management of each
 * of them moves in the same transaction, exactly as
 * autolic_contract_transfer_manager() does; it is refused while one of them
 * is on automatic renewal and has not ended (ROLE-3). The new and the former
 * primary are notified (::AUTOLIC_EVENT_ROLE_CHANGED): once per contract of
 * the team, then once for the team.
 * @param db the database.
 * @param actor the current primary administrator.
 * @param team the team.
 * @param account the new primary administrator; an active secondary administrator.
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_ENOTFOUND; ::AUTOLIC_EPERM (actor is not the
 *         primary: ROLE-3); ::AUTOLIC_ESTATE (account is not an active secondary
 *         administrator, or a contract of the team is on automatic renewal, its
 *         number named: ROLE-3); ::AUTOLIC_ENOMEM; a storage error. Nothing
 *         changes on failure.
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN int autolic_team_set_primary(autolic_db *db, autolic_id actor, autolic_id team,
                                            autolic_id account);

/** Current version of ::autolic_team_membership.
 * The library reads and fills only the fields of the version the caller
 * sets in `version`; it refuses 0 and newer versions with ::AUTOLIC_EVERSION (@ref abi). */
#define AUTOLIC_TEAM_MEMBERSHIP_VERSION 1

/** @brief A team an account belongs to, and its role there. Filled by the library; set
 *         `version` first. */
typedef struct autolic_team_membership {
	unsigned int version;                 /**< ::AUTOLIC_TEAM_MEMBERSHIP_VERSION. */
	autolic_id team;                      /**< The team's id. */
	char name[AUTOLIC_TEAM_NAME_MAX + 1]; /**< The team's name. */
	int role; /**< An ::autolic_team_role; ::AUTOLIC_TEAM_NONE when listing every team. */
} autolic_team_membership;

/** An iterator over teams. Opaque. */
typedef struct autolic_team_iter autolic_team_iter;

/**
 * @brief Start iterating over the teams an account belongs to, ascending by team id
 *        (APS-1, ROLE-3).
 *
 * The iterator is a snapshot taken in one transaction: later changes by any
 * thread do not affect it. Reading needs no role.
 * @param db the database.
 * @param account the account whose teams to list (any state: a removed account has
 *        none); 0 lists every team, each with role ::AUTOLIC_TEAM_NONE.
 * @param[out] out the iterator; free it with autolic_team_iter_free(). Set to NULL
 *        on failure.
 * @return 0; ::AUTOLIC_EINVAL (NULL db or out); ::AUTOLIC_ENOTFOUND (no such
 *         account); ::AUTOLIC_ENOMEM; ::AUTOLIC_ECORRUPT; a storage error.
 * @par Thread-safety: safe; the iterator belongs to one thread at a time.
 */
AUTOLIC_EXTERN int autolic_team_iter_new(autolic_db *db, autolic_id account,
                                         autolic_team_iter **out);

/**
 * @brief The next team of the snapshot.
 * @param it the iterator.
 * @param[in,out] m filled; set `m->version` first (kept as set).
 * @return 0; ::AUTOLIC_ITEROVER after the last one; ::AUTOLIC_EINVAL (NULL);
 *         ::AUTOLIC_EVERSION (m->version unknown).
 * @par Thread-safety: one thread at a time per iterator.
 */
AUTOLIC_EXTERN int autolic_team_iter_next(autolic_team_iter *it, autolic_team_membership *m);

/**
 * @brief Release an iterator (NULL is fine).
 * @param it the iterator.
 * @par Thread-safety: one thread at a time per iterator.
 */
AUTOLIC_EXTERN void autolic_team_iter_free(autolic_team_iter *it);

#ifdef __cplusplus
}
#endif
#endif
