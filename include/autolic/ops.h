/**
 * @file autolic/ops.h
 * @brief Fusion Operations: hubs, user and shop-floor licences, operators,
 *        automatic deactivation and payment state (OPS-1..OPS-7).
 *
 * @par Who may act
 * A tenant is an account. Administration of a tenant's Fusion Operations
 * hub, subscriptions, users and operators is done by the tenant itself or by
 * an admin the tenant named with autolic_ops_admin_add(); the acting account
 * must be ACTIVE. Only the tenant names or removes admins. Any other actor is
 * refused with ::AUTOLIC_EPERM naming ROLE-7. See @ref operators "Fusion Operations".
 *
 * @par Time
 * Every period is an exact duration in seconds; "days left" is the remaining
 * time divided by 86400, rounded up (0 once the period is over).
 */
#ifndef AUTOLIC_OPS_H
#define AUTOLIC_OPS_H

#include "db.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Longest hub name, in bytes of UTF-8. */
#define AUTOLIC_OPS_HUB_NAME_MAX 100
/** Longest operator number, in bytes (letters, digits, '-', '_', '.'). */
#define AUTOLIC_OPS_NUMBER_MAX 32
/** Longest operator name, in bytes of UTF-8. */
#define AUTOLIC_OPS_OPERATOR_NAME_MAX 254
/** Default trial period of a new hub: 30 days, in seconds (OPS-1). */
#define AUTOLIC_OPS_TRIAL_PERIOD 2592000
/** Default number of licensed operators a hub may have active during its trial (OPS-1). */
#define AUTOLIC_OPS_TRIAL_OPERATORS 10
/** How long a late payment shows a warning before access is blocked: 30 days (OPS-6). */
#define AUTOLIC_OPS_PAYMENT_GRACE 2592000
/** How far in the future a production record may be dated: 300 s of clock skew. */
#define AUTOLIC_OPS_FUTURE_TOLERANCE 300

/** Kind of a Fusion Operations subscription (OPS-2). */
typedef enum autolic_ops_kind {
	AUTOLIC_OPS_USER = 1,      /**< User licences: named users of the management interface. */
	AUTOLIC_OPS_SHOP_FLOOR = 2 /**< Shop-floor licences: one per licensed operator. */
} autolic_ops_kind;

/**
 * @brief The name of an ::autolic_ops_kind value, for logs and bindings.
 *
 * The names, in the order of the values: "user", "shop_floor".
 * @param kind a value of ::autolic_ops_kind.
 * @return a static lower-case string, the constant's name without its
 *         prefix; "unknown" for a value this library does not know (never NULL).
 * @par Thread-safety: safe.
 * @since 1.1
 */
AUTOLIC_EXTERN const char *autolic_ops_kind_name(int kind);

/** Lifecycle of a hub (OPS-1). */
typedef enum autolic_ops_hub_state {
	AUTOLIC_OPS_HUB_TRIAL = 1,       /**< Created, not provisioned, trial period running. */
	AUTOLIC_OPS_HUB_TRIAL_ENDED = 2, /**< Trial period over without provisioning: no access. */
	AUTOLIC_OPS_HUB_PROVISIONED = 3  /**< Provisioned: the subscriptions' licences apply. */
} autolic_ops_hub_state;

/**
 * @brief The name of an ::autolic_ops_hub_state value, for logs and bindings.
 *
 * The names, in the order of the values: "trial", "trial_ended", "provisioned".
 * @param state a value of ::autolic_ops_hub_state.
 * @return a static lower-case string, the constant's name without its
 *         prefix; "unknown" for a value this library does not know (never NULL).
 * @par Thread-safety: safe.
 * @since 1.1
 */
AUTOLIC_EXTERN const char *autolic_ops_hub_state_name(int state);

/** Payment state of a hub (OPS-6). */
typedef enum autolic_ops_payment_state {
	AUTOLIC_OPS_PAYMENT_OK = 0,      /**< No late payment. */
	AUTOLIC_OPS_PAYMENT_WARNING = 1, /**< Late, within the 30-day warning. */
	AUTOLIC_OPS_PAYMENT_BLOCKED = 2  /**< Late past the warning: users' access is blocked. */
} autolic_ops_payment_state;

/**
 * @brief The name of an ::autolic_ops_payment_state value, for logs and bindings.
 *
 * The names, in the order of the values: "ok", "warning", "blocked".
 * @param state a value of ::autolic_ops_payment_state.
 * @return a static lower-case string, the constant's name without its
 *         prefix; "unknown" for a value this library does not know (never NULL).
 * @par Thread-safety: safe.
 * @since 1.1
 */
AUTOLIC_EXTERN const char *autolic_ops_payment_state_name(int state);

/** Why an operator is deactivated. */
typedef enum autolic_ops_reason {
	AUTOLIC_OPS_REASON_NONE = 0,   /**< The operator is active. */
	AUTOLIC_OPS_REASON_MANUAL = 1, /**< An administrator deactivated it. */
	AUTOLIC_OPS_REASON_USER = 2,   /**< OPS-3: the user it was created from is deactivated. */
	AUTOLIC_OPS_REASON_LICENCES =
	    3 /**< OPS-5: fewer shop-floor licences than active operators. */
} autolic_ops_reason;

/**
 * @brief The name of an ::autolic_ops_reason value, for logs and bindings.
 *
 * The names, in the order of the values: "none", "manual", "user", "licences".
 * @param reason a value of ::autolic_ops_reason.
 * @return a static lower-case string, the constant's name without its
 *         prefix; "unknown" for a value this library does not know (never NULL).
 * @par Thread-safety: safe.
 * @since 1.1
 */
AUTOLIC_EXTERN const char *autolic_ops_reason_name(int reason);

/** Current version of ::autolic_ops_hub_spec.
 * The library reads and fills only the fields of the version the caller
 * sets in `version`; it refuses 0 and newer versions with ::AUTOLIC_EVERSION (@ref abi). */
#define AUTOLIC_OPS_HUB_SPEC_VERSION 1
/** Static initialiser for ::autolic_ops_hub_spec. */
#define AUTOLIC_OPS_HUB_SPEC_INIT                                                                  \
	{                                                                                          \
		AUTOLIC_OPS_HUB_SPEC_VERSION, NULL, 0, AUTOLIC_OPS_TRIAL_PERIOD,                   \
		    AUTOLIC_OPS_TRIAL_OPERATORS                                                    \
	}

/** @brief A hub to create (OPS-1). */
typedef struct autolic_ops_hub_spec {
	unsigned int version; /**< ::AUTOLIC_OPS_HUB_SPEC_VERSION. */
	const char *name;  /**< Required, 1..::AUTOLIC_OPS_HUB_NAME_MAX bytes of UTF-8, no control
	                      characters (IN-1). */
	autolic_id tenant; /**< The tenant account; 0 to choose automatically (OPS-1). */
	int64_t trial_period;     /**< Trial length in seconds, 1..366 days. */
	uint64_t trial_operators; /**< Licensed operators allowed active during the trial. */
} autolic_ops_hub_spec;

/**
 * @brief Initialise `s` to the defaults of ::AUTOLIC_OPS_HUB_SPEC_INIT for `version`.
 *
 * Only the fields of that version are written (@ref abi); a binding or a
 * host that cannot use the macro calls this instead.
 * @param[out] s the struct to fill; must not be NULL.
 * @param version ::AUTOLIC_OPS_HUB_SPEC_VERSION, or an older version.
 * @return 0; ::AUTOLIC_EINVAL when `s` is NULL; ::AUTOLIC_EVERSION when
 *         `version` is 0 or newer than this library knows (nothing written).
 * @par Thread-safety: safe.
 * @since 1.1
 */
AUTOLIC_EXTERN int autolic_ops_hub_spec_init(autolic_ops_hub_spec *s, unsigned int version);

/** Current version of ::autolic_ops_hub_info.
 * The library reads and fills only the fields of the version the caller
 * sets in `version`; it refuses 0 and newer versions with ::AUTOLIC_EVERSION (@ref abi). */
#define AUTOLIC_OPS_HUB_INFO_VERSION 1

/** @brief What is known of a hub. Filled by the library; set `version` first. */
typedef struct autolic_ops_hub_info {
	unsigned int version;                    /**< ::AUTOLIC_OPS_HUB_INFO_VERSION. */
	autolic_id id;                           /**< The hub. */
	autolic_id tenant;                       /**< Its tenant account. */
	char name[AUTOLIC_OPS_HUB_NAME_MAX + 1]; /**< Its name. */
	autolic_time created;                    /**< When it was created. */
	int state;                               /**< An ::autolic_ops_hub_state, as of now. */
	autolic_time trial_end;                  /**< End of the trial period. */
	int64_t trial_days_left;  /**< Days left in the trial (rounded up); 0 when provisioned or
	                             over. */
	uint64_t trial_operators; /**< Licensed operators allowed active during the trial. */
	autolic_time provisioned; /**< When it was provisioned (valid when state is PROVISIONED). */
	int payment_state;        /**< An ::autolic_ops_payment_state, as of now. */
	autolic_time payment_due; /**< Due date of the late payment (valid when not OK). */
	autolic_time payment_block; /**< When access is (or was) blocked: due + 30 days. */
	int64_t
	    payment_days_left; /**< Days left of the warning (rounded up); 0 when OK or blocked. */
} autolic_ops_hub_info;

/** Current version of ::autolic_ops_subscription_spec.
 * The library reads and fills only the fields of the version the caller
 * sets in `version`; it refuses 0 and newer versions with ::AUTOLIC_EVERSION (@ref abi). */
#define AUTOLIC_OPS_SUBSCRIPTION_SPEC_VERSION 1
/** Static initialiser for ::autolic_ops_subscription_spec. */
#define AUTOLIC_OPS_SUBSCRIPTION_SPEC_INIT                                                         \
	{                                                                                          \
		AUTOLIC_OPS_SUBSCRIPTION_SPEC_VERSION, 0, 0, 0, 0, 0                               \
	}

/** @brief A subscription to buy (OPS-2, ROLE-9). */
typedef struct autolic_ops_subscription_spec {
	unsigned int version; /**< ::AUTOLIC_OPS_SUBSCRIPTION_SPEC_VERSION. */
	autolic_id tenant;    /**< The tenant account it is bought for. */
	int kind;             /**< An ::autolic_ops_kind. */
	uint32_t quantity;    /**< Licences bought, at least 1. */
	autolic_time start;   /**< Term start; 0 for now. */
	autolic_time end;     /**< Term end, after `start` and after now. */
} autolic_ops_subscription_spec;

/**
 * @brief Initialise `s` to the defaults of ::AUTOLIC_OPS_SUBSCRIPTION_SPEC_INIT for `version`.
 *
 * Only the fields of that version are written (@ref abi); a binding or a
 * host that cannot use the macro calls this instead.
 * @param[out] s the struct to fill; must not be NULL.
 * @param version ::AUTOLIC_OPS_SUBSCRIPTION_SPEC_VERSION, or an older version.
 * @return 0; ::AUTOLIC_EINVAL when `s` is NULL; ::AUTOLIC_EVERSION when
 *         `version` is 0 or newer than this library knows (nothing written).
 * @par Thread-safety: safe.
 * @since 1.1
 */
AUTOLIC_EXTERN int autolic_ops_subscription_spec_init(autolic_ops_subscription_spec *s,
                                                      unsigned int version);

/** Current version of ::autolic_ops_subscription_info.
 * The library reads and fills only the fields of the version the caller
 * sets in `version`; it refuses 0 and newer versions with ::AUTOLIC_EVERSION (@ref abi). */
#define AUTOLIC_OPS_SUBSCRIPTION_INFO_VERSION 1

/** @brief A subscription as stored. Filled by the library; set `version` first. */
typedef struct autolic_ops_subscription_info {
	unsigned int version; /**< ::AUTOLIC_OPS_SUBSCRIPTION_INFO_VERSION. */
	uint64_t number;      /**< Its subscription number (generated, unique). */
	autolic_id tenant;    /**< The tenant account. */
	int kind;             /**< An ::autolic_ops_kind. */
	uint32_t quantity;    /**< Licences. */
	autolic_time start;   /**< Term start. */
	autolic_time end;     /**< Term end (exclusive). */
	int active;           /**< 1 when the term covers now. */
} autolic_ops_subscription_info;

/** Current version of ::autolic_ops_licence_info.
 * The library reads and fills only the fields of the version the caller
 * sets in `version`; it refuses 0 and newer versions with ::AUTOLIC_EVERSION (@ref abi). */
#define AUTOLIC_OPS_LICENCE_INFO_VERSION 1

/** @brief Licence counts of a hub as of now (OPS-2). Filled by the library; set `version` first. */
typedef struct autolic_ops_licence_info {
	unsigned int version;      /**< ::AUTOLIC_OPS_LICENCE_INFO_VERSION. */
	uint64_t user_total;       /**< User licences of the subscriptions active now. */
	uint64_t user_used;        /**< Active users of the hub. */
	uint64_t user_available;   /**< user_total - user_used, or 0. */
	int shop_floor_subscribed; /**< 1 when a shop-floor subscription is active now. */
	uint64_t shop_floor_total; /**< Licensed operators allowed: the trial allowance during the
	                              trial, else the active shop-floor licences. */
	uint64_t shop_floor_used;  /**< Active licensed operators (operators made from users
	                              excluded, OPS-3). */
	uint64_t shop_floor_available; /**< shop_floor_total - shop_floor_used, or 0. */
} autolic_ops_licence_info;

/** Current version of ::autolic_ops_operator_spec.
 * The library reads and fills only the fields of the version the caller
 * sets in `version`; it refuses 0 and newer versions with ::AUTOLIC_EVERSION (@ref abi). */
#define AUTOLIC_OPS_OPERATOR_SPEC_VERSION 1
/** Static initialiser for ::autolic_ops_operator_spec. */
#define AUTOLIC_OPS_OPERATOR_SPEC_INIT                                                             \
	{                                                                                          \
		AUTOLIC_OPS_OPERATOR_SPEC_VERSION, NULL, NULL                                      \
	}

/** @brief A licensed operator to add. */
typedef struct autolic_ops_operator_spec {
	unsigned int version; /**< ::AUTOLIC_OPS_OPERATOR_SPEC_VERSION. */
	const char *number; /**< Required, unique within the tenant; 1..::AUTOLIC_OPS_NUMBER_MAX of
	                       [A-Za-z0-9._-]. */
	const char *name;   /**< Required, 1..::AUTOLIC_OPS_OPERATOR_NAME_MAX bytes of UTF-8, no
	                       control characters (IN-1). */
} autolic_ops_operator_spec;

/**
 * @brief Initialise `s` to the defaults of ::AUTOLIC_OPS_OPERATOR_SPEC_INIT for `version`.
 *
 * Only the fields of that version are written (@ref abi); a binding or a
 * host that cannot use the macro calls this instead.
 * @param[out] s the struct to fill; must not be NULL.
 * @param version ::AUTOLIC_OPS_OPERATOR_SPEC_VERSION, or an older version.
 * @return 0; ::AUTOLIC_EINVAL when `s` is NULL; ::AUTOLIC_EVERSION when
 *         `version` is 0 or newer than this library knows (nothing written).
 * @par Thread-safety: safe.
 * @since 1.1
 */
AUTOLIC_EXTERN int autolic_ops_operator_spec_init(autolic_ops_operator_spec *s,
                                                  unsigned int version);

/** Current version of ::autolic_ops_operator_info.
 * The library reads and fills only the fields of the version the caller
 * sets in `version`; it refuses 0 and newer versions with ::AUTOLIC_EVERSION (@ref abi). */
#define AUTOLIC_OPS_OPERATOR_INFO_VERSION 1

/** @brief An operator as of now. Filled by the library; set `version` first. */
typedef struct autolic_ops_operator_info {
	unsigned int version;                         /**< ::AUTOLIC_OPS_OPERATOR_INFO_VERSION. */
	autolic_id id;                                /**< The operator. */
	autolic_id hub;                               /**< Its hub. */
	char number[AUTOLIC_OPS_NUMBER_MAX + 1];      /**< Its number. */
	char name[AUTOLIC_OPS_OPERATOR_NAME_MAX + 1]; /**< Its name. */
	autolic_id user; /**< The user it was created from (OPS-3), or 0 for a licensed operator. */
	int active;      /**< 1 when active (for OPS-3 operators: also their user is active). */
	int reason;      /**< An ::autolic_ops_reason; NONE when active. */
	autolic_time created; /**< When it was created. */
	autolic_time
	    deactivated;    /**< When it was last deactivated, valid when reason is not NONE. */
	int has_production; /**< 1 when production was ever recorded. */
	autolic_time last_production; /**< Latest production record (valid when has_production). */
	uint64_t production_count;    /**< Production records kept. */
} autolic_ops_operator_info;

/**
 * @brief Create a tenant's hub after purchase (OPS-1). The hub starts in trial.
 *
 * With `spec->tenant` 0 the tenant is chosen automatically: it must be the
 * only account for which `actor` is the tenant or a named admin, that has a
 * Fusion Operations subscription and no hub yet.
 * @param db the database.
 * @param actor the acting account: the tenant or an admin it named (ROLE-7).
 * @param spec the hub.
 * @param[out] hub the new hub's id (may be NULL).
 * @return 0; ::AUTOLIC_EINVAL (bad name, trial period, NULL, actor 0, or several
 *         tenants to choose from); ::AUTOLIC_EVERSION; ::AUTOLIC_ENOTFOUND (tenant
 *         unknown, or no tenant to choose); ::AUTOLIC_ESTATE (no subscription yet:
 *         a hub is created after purchase); ::AUTOLIC_EEXISTS (the tenant has a hub);
 *         ::AUTOLIC_EPERM; ::AUTOLIC_ENOMEM; a storage error. Nothing changes on failure.
 * @par Thread-safety: safe (one transaction).
 */
AUTOLIC_EXTERN int autolic_ops_hub_create(autolic_db *db, autolic_id actor,
                                          const autolic_ops_hub_spec *spec, autolic_id *hub);

/**
 * @brief Read a hub, with trial and payment state derived for now (OPS-1, OPS-6).
 * @param db the database.
 * @param hub the hub.
 * @param[out] info filled; its `version` must be set by the caller.
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_EVERSION; ::AUTOLIC_ENOTFOUND; a storage error.
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN int autolic_ops_hub_get(autolic_db *db, autolic_id hub, autolic_ops_hub_info *info);

/**
 * @brief Find the hub of a tenant.
 * @param db the database.
 * @param tenant the tenant account.
 * @param[out] hub its hub.
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_ENOTFOUND (no hub); a storage error.
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN int autolic_ops_hub_find(autolic_db *db, autolic_id tenant, autolic_id *hub);

/**
 * @brief Provision a hub: end its trial; the subscriptions' shop-floor
 *        licences apply from now, and excess operators are deactivated (OPS-1, OPS-5).
 * @param db the database.
 * @param actor the tenant or a named admin (ROLE-7).
 * @param hub the hub.
 * @param[out] deactivated number of operators deactivated by OPS-5 (may be NULL).
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_ENOTFOUND; ::AUTOLIC_ESTATE (already provisioned);
 *         ::AUTOLIC_EPERM; ::AUTOLIC_ENOMEM; a storage error. Nothing changes on failure.
 *         Each deactivation emits ::AUTOLIC_EVENT_OPERATOR_DEACTIVATED (rule "OPS-5").
 * @par Thread-safety: safe (one transaction).
 */
AUTOLIC_EXTERN int autolic_ops_hub_provision(autolic_db *db, autolic_id actor, autolic_id hub,
                                             uint64_t *deactivated);

/**
 * @brief Apply the automatic deactivations that time made due: OPS-5 when a
 *        subscription's term ended, OPS-3 when a user's account was removed.
 *
 * Every other state-changing call on the hub applies OPS-5 first as well;
 * a host calls this one on a schedule (daily, say) so that readers see it.
 * @param db the database.
 * @param actor the tenant or a named admin (ROLE-7).
 * @param hub the hub.
 * @param[out] deactivated number of operators deactivated (may be NULL).
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_ENOTFOUND; ::AUTOLIC_EPERM; ::AUTOLIC_ENOMEM;
 *         a storage error. Nothing changes on failure.
 * @par Thread-safety: safe (one transaction).
 */
AUTOLIC_EXTERN int autolic_ops_hub_reconcile(autolic_db *db, autolic_id actor, autolic_id hub,
                                             uint64_t *deactivated);

/**
 * @brief Name an admin of a tenant's Fusion Operations (ROLE-7). Only the tenant may.
 * @param db the database.
 * @param actor must be the tenant itself, ACTIVE.
 * @param tenant the tenant account.
 * @param account the new admin, an existing account other than the tenant.
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_ENOTFOUND (account unknown); ::AUTOLIC_EEXISTS
 *         (already an admin); ::AUTOLIC_EPERM; a storage error. Nothing changes on failure.
 * @par Thread-safety: safe (one transaction).
 */
AUTOLIC_EXTERN int autolic_ops_admin_add(autolic_db *db, autolic_id actor, autolic_id tenant,
                                         autolic_id account);

/**
 * @brief Withdraw an admin named by the tenant. Only the tenant may.
 * @param db the database.
 * @param actor must be the tenant itself, ACTIVE.
 * @param tenant the tenant account.
 * @param account the admin.
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_ENOTFOUND (not an admin); ::AUTOLIC_EPERM;
 *         a storage error. Nothing changes on failure.
 * @par Thread-safety: safe (one transaction).
 */
AUTOLIC_EXTERN int autolic_ops_admin_remove(autolic_db *db, autolic_id actor, autolic_id tenant,
                                            autolic_id account);

/**
 * @brief Buy a subscription for a tenant: always a new subscription with a new
 *        number, never licences added to an existing one (OPS-2, ROLE-9).
 * @param db the database.
 * @param actor the tenant or a named admin (ROLE-7).
 * @param spec the subscription.
 * @param[out] number its generated number (may be NULL).
 * @return 0; ::AUTOLIC_EINVAL (kind, quantity 0, term); ::AUTOLIC_EVERSION;
 *         ::AUTOLIC_ENOTFOUND (tenant unknown); ::AUTOLIC_EPERM; ::AUTOLIC_ENOMEM;
 *         a storage error. Nothing changes on failure.
 * @par Thread-safety: safe (one transaction).
 */
AUTOLIC_EXTERN int autolic_ops_subscription_buy(autolic_db *db, autolic_id actor,
                                                const autolic_ops_subscription_spec *spec,
                                                uint64_t *number);

/**
 * @brief Read a subscription.
 * @param db the database.
 * @param number its number.
 * @param[out] info filled; its `version` must be set by the caller.
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_EVERSION; ::AUTOLIC_ENOTFOUND; a storage error.
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN int autolic_ops_subscription_get(autolic_db *db, uint64_t number,
                                                autolic_ops_subscription_info *info);

/**
 * @brief Change a subscription's quantity. When shop-floor licences shrink
 *        below the active licensed operators, the excess is deactivated (OPS-5).
 * @param db the database.
 * @param actor the tenant or a named admin (ROLE-7).
 * @param number the subscription.
 * @param quantity the new quantity, at least 1.
 * @param[out] deactivated number of operators deactivated (may be NULL).
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_ENOTFOUND; ::AUTOLIC_ESTATE (term over);
 *         ::AUTOLIC_EPERM; ::AUTOLIC_ENOMEM; a storage error. Nothing changes on failure.
 * @par Thread-safety: safe (one transaction).
 */
AUTOLIC_EXTERN int autolic_ops_subscription_set_quantity(autolic_db *db, autolic_id actor,
                                                         uint64_t number, uint32_t quantity,
                                                         uint64_t *deactivated);

/**
 * @brief End a subscription now (its term end becomes now); the excess of
 *        operators is deactivated (OPS-5).
 * @param db the database.
 * @param actor the tenant or a named admin (ROLE-7).
 * @param number the subscription.
 * @param[out] deactivated number of operators deactivated (may be NULL).
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_ENOTFOUND; ::AUTOLIC_ESTATE (already over);
 *         ::AUTOLIC_EPERM; ::AUTOLIC_ENOMEM; a storage error. Nothing changes on failure.
 * @par Thread-safety: safe (one transaction).
 */
AUTOLIC_EXTERN int autolic_ops_subscription_end(autolic_db *db, autolic_id actor, uint64_t number,
                                                uint64_t *deactivated);

/**
 * @brief Licence counts of a hub as of now (OPS-2).
 * @param db the database.
 * @param hub the hub.
 * @param[out] info filled; its `version` must be set by the caller.
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_EVERSION; ::AUTOLIC_ENOTFOUND; a storage error.
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN int autolic_ops_licences_get(autolic_db *db, autolic_id hub,
                                            autolic_ops_licence_info *info);

/**
 * @brief Shop-floor licences free now, as the operators page shows them (OPS-2).
 * @param db the database.
 * @param hub the hub.
 * @param[out] available free shop-floor licences (see ::autolic_ops_licence_info).
 * @return 0; ::AUTOLIC_ENOTFOUND when the hub is unknown or the tenant has no
 *         active shop-floor subscription (then nothing is shown; `*available` is 0);
 *         ::AUTOLIC_EINVAL; a storage error.
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN int autolic_ops_shop_floor_available(autolic_db *db, autolic_id hub,
                                                    uint64_t *available);

/**
 * @brief Give an account a user licence of the hub (OPS-2).
 * @param db the database.
 * @param actor the tenant or a named admin (ROLE-7).
 * @param hub the hub.
 * @param account an existing account, neither removed nor with an expired invitation.
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_ENOTFOUND (hub or account unknown);
 *         ::AUTOLIC_ESTATE (account removed or expired); ::AUTOLIC_EEXISTS (already a user);
 *         ::AUTOLIC_ENOSEAT (all user licences in use); ::AUTOLIC_EPERM; ::AUTOLIC_ENOMEM;
 *         a storage error. Nothing changes on failure.
 * @par Thread-safety: safe (one transaction).
 */
AUTOLIC_EXTERN int autolic_ops_user_add(autolic_db *db, autolic_id actor, autolic_id hub,
                                        autolic_id account);

/**
 * @brief Deactivate a user: their user licence is freed and every operator
 *        created from them is deactivated (OPS-3).
 * @param db the database.
 * @param actor the tenant or a named admin (ROLE-7).
 * @param hub the hub.
 * @param account the user.
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_ENOTFOUND (not a user of the hub);
 *         ::AUTOLIC_ESTATE (already deactivated); ::AUTOLIC_EPERM; ::AUTOLIC_ENOMEM;
 *         a storage error. Nothing changes on failure. Emits
 *         ::AUTOLIC_EVENT_OPERATOR_DEACTIVATED (rule "OPS-3") per operator.
 * @par Thread-safety: safe (one transaction).
 */
AUTOLIC_EXTERN int autolic_ops_user_deactivate(autolic_db *db, autolic_id actor, autolic_id hub,
                                               autolic_id account);

/**
 * @brief Reactivate a user; needs a free user licence (OPS-2). Their operators
 *        stay deactivated until reactivated one by one (OPS-3).
 * @param db the database.
 * @param actor the tenant or a named admin (ROLE-7).
 * @param hub the hub.
 * @param account the user.
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_ENOTFOUND; ::AUTOLIC_ESTATE (already active, or
 *         account removed); ::AUTOLIC_ENOSEAT (no free user licence); ::AUTOLIC_EPERM;
 *         ::AUTOLIC_ENOMEM; a storage error. Nothing changes on failure.
 * @par Thread-safety: safe (one transaction).
 */
AUTOLIC_EXTERN int autolic_ops_user_reactivate(autolic_db *db, autolic_id actor, autolic_id hub,
                                               autolic_id account);

/**
 * @brief Check that an account may use the hub now (OPS-1, OPS-6, OPS-7).
 *
 * Access needs: a trial running or a provisioned hub; no payment late past its
 * 30-day warning; the account an active user of the hub, not removed; and its
 * user licence covered (when licences shrank below the active users, the users
 * whose licence was assigned last are uncovered, see @ref operators "Fusion Operations").
 * @param db the database.
 * @param hub the hub.
 * @param account the account.
 * @return 0; ::AUTOLIC_ENOLICENCE "no valid licence" naming the rule (OPS-6, OPS-7, OPS-1);
 *         ::AUTOLIC_ENOTFOUND (hub unknown); ::AUTOLIC_EINVAL; a storage error.
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN int autolic_ops_access_check(autolic_db *db, autolic_id hub, autolic_id account);

/**
 * @brief Add a licensed operator; it takes one shop-floor licence (OPS-2, OPS-4).
 * @param db the database.
 * @param actor the tenant or a named admin (ROLE-7).
 * @param hub the hub.
 * @param spec number and name.
 * @param[out] id the new operator's id (may be NULL).
 * @return 0; ::AUTOLIC_EINVAL (number, name); ::AUTOLIC_EVERSION; ::AUTOLIC_ENOTFOUND;
 *         ::AUTOLIC_EEXISTS (number taken in the tenant); ::AUTOLIC_ENOOPLICENCE
 *         ("all licences for operators are in use", OPS-4); ::AUTOLIC_EEXPIRED (trial
 *         ended unprovisioned); ::AUTOLIC_EPERM; ::AUTOLIC_ENOMEM; a storage error.
 *         Nothing changes on failure.
 * @par Thread-safety: safe (one transaction).
 */
AUTOLIC_EXTERN int autolic_ops_operator_add(autolic_db *db, autolic_id actor, autolic_id hub,
                                            const autolic_ops_operator_spec *spec, autolic_id *id);

/**
 * @brief Create an operator from an existing user, with the user's name and a
 *        chosen number. It takes no shop-floor licence (OPS-3).
 * @param db the database.
 * @param actor the tenant or a named admin (ROLE-7).
 * @param hub the hub.
 * @param account an active user of the hub.
 * @param number the chosen number, unique in the tenant.
 * @param[out] id the new operator's id (may be NULL).
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_ENOTFOUND (hub, or account not a user of it);
 *         ::AUTOLIC_ESTATE (user deactivated or account removed); ::AUTOLIC_EEXISTS;
 *         ::AUTOLIC_EPERM; ::AUTOLIC_ENOMEM; a storage error. Nothing changes on failure.
 * @par Thread-safety: safe (one transaction).
 */
AUTOLIC_EXTERN int autolic_ops_operator_from_user(autolic_db *db, autolic_id actor, autolic_id hub,
                                                  autolic_id account, const char *number,
                                                  autolic_id *id);

/**
 * @brief Deactivate an operator; a licensed one frees its shop-floor licence.
 * @param db the database.
 * @param actor the tenant or a named admin (ROLE-7).
 * @param op the operator.
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_ENOTFOUND; ::AUTOLIC_ESTATE (already
 *         deactivated); ::AUTOLIC_EPERM; ::AUTOLIC_ENOMEM; a storage error. Emits
 *         ::AUTOLIC_EVENT_OPERATOR_DEACTIVATED. Nothing changes on failure.
 * @par Thread-safety: safe (one transaction).
 */
AUTOLIC_EXTERN int autolic_ops_operator_deactivate(autolic_db *db, autolic_id actor, autolic_id op);

/**
 * @brief Reactivate an operator. A licensed one needs a free shop-floor
 *        licence (OPS-4); one created from a user needs that user active (OPS-3).
 * @param db the database.
 * @param actor the tenant or a named admin (ROLE-7).
 * @param op the operator.
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_ENOTFOUND; ::AUTOLIC_ESTATE (already active,
 *         or its user is not active); ::AUTOLIC_ENOOPLICENCE; ::AUTOLIC_EEXPIRED;
 *         ::AUTOLIC_EPERM; ::AUTOLIC_ENOMEM; a storage error. Nothing changes on failure.
 * @par Thread-safety: safe (one transaction).
 */
AUTOLIC_EXTERN int autolic_ops_operator_reactivate(autolic_db *db, autolic_id actor, autolic_id op);

/**
 * @brief Transfer a licensed operator to another person: the operator keeps
 *        its number and licence and takes the new name. An operator created
 *        from a user cannot be transferred (OPS-3).
 * @param db the database.
 * @param actor the tenant or a named admin (ROLE-7).
 * @param op the operator.
 * @param name the new person's name, as in ::autolic_ops_operator_spec (IN-1).
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_ENOTFOUND; ::AUTOLIC_ESTATE (OPS-3 operator);
 *         ::AUTOLIC_EPERM; ::AUTOLIC_ENOMEM; a storage error. Nothing changes on failure.
 * @par Thread-safety: safe (one transaction).
 */
AUTOLIC_EXTERN int autolic_ops_operator_transfer(autolic_db *db, autolic_id actor, autolic_id op,
                                                 const char *name);

/**
 * @brief Record a production by an active operator at time `at` (OPS-5 reads
 *        the latest one). A record older than the latest kept is counted but
 *        does not move the latest back.
 * @param db the database.
 * @param actor the tenant or a named admin (ROLE-7).
 * @param op the operator.
 * @param at when the production happened; at most ::AUTOLIC_OPS_FUTURE_TOLERANCE
 *        seconds after the clock's now, and not negative.
 * @return 0; ::AUTOLIC_EINVAL (dated in the future beyond the tolerance, or negative);
 *         ::AUTOLIC_ENOTFOUND; ::AUTOLIC_ESTATE (operator deactivated); ::AUTOLIC_EPERM;
 *         ::AUTOLIC_ENOMEM; a storage error. Nothing changes on failure.
 * @par Thread-safety: safe (one transaction).
 */
AUTOLIC_EXTERN int autolic_ops_operator_record_production(autolic_db *db, autolic_id actor,
                                                          autolic_id op, autolic_time at);

/**
 * @brief Read an operator as of now.
 * @param db the database.
 * @param op the operator.
 * @param[out] info filled; its `version` must be set by the caller.
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_EVERSION; ::AUTOLIC_ENOTFOUND; a storage error.
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN int autolic_ops_operator_get(autolic_db *db, autolic_id op,
                                            autolic_ops_operator_info *info);

/** An iterator over a hub's operators. Opaque. */
typedef struct autolic_ops_operator_iter autolic_ops_operator_iter;

/**
 * @brief Start iterating over a hub's operators, licensed and OPS-3 ones, active and
 *        deactivated, ascending by operator id (OPS-2, OPS-3, OPS-5).
 *
 * The iterator is a snapshot taken in one transaction, each operator as
 * autolic_ops_operator_get() would read it then; later changes are not seen.
 * Reading needs no role.
 * @param db the database.
 * @param hub the hub.
 * @param[out] out the iterator; free it with autolic_ops_operator_iter_free(). Set to
 *        NULL on failure.
 * @return 0; ::AUTOLIC_EINVAL (NULL db or out); ::AUTOLIC_ENOTFOUND (no such hub);
 *         ::AUTOLIC_ENOMEM; ::AUTOLIC_ECORRUPT; a storage error.
 * @par Thread-safety: safe; the iterator belongs to one thread at a time.
 */
AUTOLIC_EXTERN int autolic_ops_operator_iter_new(autolic_db *db, autolic_id hub,
                                                 autolic_ops_operator_iter **out);

/**
 * @brief The next operator of the snapshot.
 * @param it the iterator.
 * @param[in,out] info filled; set `info->version` first (kept as set).
 * @return 0; ::AUTOLIC_ITEROVER after the last one; ::AUTOLIC_EINVAL (NULL);
 *         ::AUTOLIC_EVERSION (info->version unknown).
 * @par Thread-safety: one thread at a time per iterator.
 */
AUTOLIC_EXTERN int autolic_ops_operator_iter_next(autolic_ops_operator_iter *it,
                                                  autolic_ops_operator_info *info);

/**
 * @brief Release an iterator (NULL is fine).
 * @param it the iterator.
 * @par Thread-safety: one thread at a time per iterator.
 */
AUTOLIC_EXTERN void autolic_ops_operator_iter_free(autolic_ops_operator_iter *it);

/**
 * @brief Find an operator by number within a hub.
 * @param db the database.
 * @param hub the hub.
 * @param number the operator number.
 * @param[out] op the operator.
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_ENOTFOUND; a storage error.
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN int autolic_ops_operator_find(autolic_db *db, autolic_id hub, const char *number,
                                             autolic_id *op);

/**
 * @brief Record that a payment of the hub is late since `due` (OPS-6): a
 *        warning for 30 days, then users' access is blocked until
 *        autolic_ops_payment_record(). Emits ::AUTOLIC_EVENT_PAYMENT_LATE to the tenant.
 * @param db the database.
 * @param actor the tenant or a named admin (ROLE-7).
 * @param hub the hub.
 * @param due the missed due date, not after now.
 * @return 0; ::AUTOLIC_EINVAL (due in the future); ::AUTOLIC_ENOTFOUND;
 *         ::AUTOLIC_ESTATE (a late payment is already recorded); ::AUTOLIC_EPERM;
 *         ::AUTOLIC_ENOMEM; a storage error. Nothing changes on failure.
 * @par Thread-safety: safe (one transaction).
 */
AUTOLIC_EXTERN int autolic_ops_payment_late(autolic_db *db, autolic_id actor, autolic_id hub,
                                            autolic_time due);

/**
 * @brief Record the payment: the warning or block ends (OPS-6).
 * @param db the database.
 * @param actor the tenant or a named admin (ROLE-7).
 * @param hub the hub.
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_ENOTFOUND; ::AUTOLIC_ESTATE (no late payment);
 *         ::AUTOLIC_EPERM; a storage error. Nothing changes on failure.
 * @par Thread-safety: safe (one transaction).
 */
AUTOLIC_EXTERN int autolic_ops_payment_record(autolic_db *db, autolic_id actor, autolic_id hub);

#ifdef __cplusplus
}
#endif
#endif
