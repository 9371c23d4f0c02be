/**
 * @file autolic/hub.h
 * @brief Developer hubs: one per team at most, created by a team
 *        administrator, never moved; applications move between hubs
 *        (APS-2..APS-4).
 */
#ifndef AUTOLIC_HUB_H
#define AUTOLIC_HUB_H

#include "db.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Longest hub or application name, in bytes of UTF-8. */
#define AUTOLIC_HUB_NAME_MAX 100

/** Current version of ::autolic_hub_info.
 * The library reads and fills only the fields of the version the caller
 * sets in `version`; it refuses 0 and newer versions with ::AUTOLIC_EVERSION (@ref abi). */
#define AUTOLIC_HUB_INFO_VERSION 1

/** @brief A developer hub. Filled by the library; set `version` first. */
typedef struct autolic_hub_info {
	unsigned int version;                /**< ::AUTOLIC_HUB_INFO_VERSION. */
	autolic_id id;                       /**< The hub's id. */
	autolic_id team;                     /**< Its team, for ever (APS-2, APS-4). */
	char name[AUTOLIC_HUB_NAME_MAX + 1]; /**< Its name. */
	autolic_time created;                /**< When it was created. */
	autolic_id created_by;               /**< The team administrator who created it. */
} autolic_hub_info;

/** Current version of ::autolic_app_info.
 * The library reads and fills only the fields of the version the caller
 * sets in `version`; it refuses 0 and newer versions with ::AUTOLIC_EVERSION (@ref abi). */
#define AUTOLIC_APP_INFO_VERSION 1

/** @brief An application of a hub. Filled by the library; set `version` first. */
typedef struct autolic_app_info {
	unsigned int version;                /**< ::AUTOLIC_APP_INFO_VERSION. */
	autolic_id id;                       /**< The application's id. */
	autolic_id hub;                      /**< The hub it is in now. */
	char name[AUTOLIC_HUB_NAME_MAX + 1]; /**< Its name. */
	autolic_time created;                /**< When it was created. */
} autolic_app_info;

/**
 * @brief Create the team's developer hub (APS-2, APS-3).
 *
 * Only a primary or secondary administrator of the team may create it, and
 * a team has at most one hub. The hub belongs to that team for ever (APS-4).
 * @param db the database.
 * @param actor a team administrator (ROLE-7).
 * @param team the team.
 * @param name 1..::AUTOLIC_HUB_NAME_MAX bytes of UTF-8 without control characters (IN-1).
 * @param[out] id the hub's id (may be NULL).
 * @return 0; ::AUTOLIC_EINVAL (NULL/empty/over-long name, actor or team 0);
 *         ::AUTOLIC_ENOTFOUND (team); ::AUTOLIC_EPERM (APS-3, ROLE-7);
 *         ::AUTOLIC_EEXISTS (the team has a hub: APS-2); ::AUTOLIC_ENOMEM; a storage error.
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN int autolic_hub_create(autolic_db *db, autolic_id actor, autolic_id team,
                                      const char *name, autolic_id *id);

/**
 * @brief Read a hub.
 * @param db the database.
 * @param hub the hub.
 * @param[out] info filled; its `version` must be set by the caller.
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_EVERSION; ::AUTOLIC_ENOTFOUND; a storage error.
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN int autolic_hub_get(autolic_db *db, autolic_id hub, autolic_hub_info *info);

/**
 * @brief The hub of a team (APS-2).
 * @param db the database.
 * @param team the team.
 * @param[out] hub its hub's id.
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_ENOTFOUND (no such team, or it has no hub); a storage
 * error.
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN int autolic_hub_find(autolic_db *db, autolic_id team, autolic_id *hub);

/**
 * @brief Appoint a hub administrator (APS-4).
 *
 * The administrators of a hub are its team's administrators plus the
 * accounts they appoint. Only a team administrator appoints; the appointee
 * must be an active member of the team.
 * @param db the database.
 * @param actor an administrator of the hub's team (ROLE-7).
 * @param hub the hub.
 * @param account the new hub administrator.
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_ENOTFOUND (hub, account); ::AUTOLIC_EPERM (APS-4,
 *         ROLE-7); ::AUTOLIC_ESTATE (not an active member of the team);
 *         ::AUTOLIC_EEXISTS (already a hub administrator); ::AUTOLIC_ENOMEM; a storage error.
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN int autolic_hub_add_admin(autolic_db *db, autolic_id actor, autolic_id hub,
                                         autolic_id account);

/**
 * @brief Create an application in a hub.
 * @param db the database.
 * @param actor an administrator of the hub (ROLE-7).
 * @param hub the hub.
 * @param name the application's name (as for a hub).
 * @param[out] id the application's id (may be NULL).
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_ENOTFOUND (hub); ::AUTOLIC_EPERM (APS-4, ROLE-7);
 *         ::AUTOLIC_ENOMEM; a storage error.
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN int autolic_hub_app_create(autolic_db *db, autolic_id actor, autolic_id hub,
                                          const char *name, autolic_id *id);

/**
 * @brief Read an application.
 * @param db the database.
 * @param app the application.
 * @param[out] info filled; its `version` must be set by the caller.
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_EVERSION; ::AUTOLIC_ENOTFOUND; a storage error.
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN int autolic_hub_app_get(autolic_db *db, autolic_id app, autolic_app_info *info);

/**
 * @brief Move an application to another hub (APS-4).
 *
 * The actor must administer both the hub the application is in and the
 * destination hub. Hubs themselves never move between teams.
 * @param db the database.
 * @param actor an administrator of both hubs (ROLE-7).
 * @param app the application.
 * @param to_hub the destination hub.
 * @return 0; ::AUTOLIC_EINVAL (an id is 0); ::AUTOLIC_ENOTFOUND (application, hub);
 *         ::AUTOLIC_EPERM (APS-4, ROLE-7); ::AUTOLIC_ESTATE (already in that hub);
 *         ::AUTOLIC_ENOMEM; a storage error.
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN int autolic_hub_app_move(autolic_db *db, autolic_id actor, autolic_id app,
                                        autolic_id to_hub);

#ifdef __cplusplus
}
#endif
#endif
