/**
 * @file autolic/flex.h
 * @brief Flex tokens (FLEX-1..FLEX-13): lots, the product catalogue, 24-hour
 *        usage windows, the ledger, usage reports and team policies.
 *
 * The metering model (windows, charges, refunds, the lot order and the
 * overage policy) is described in @ref metering "Flex metering".
 */
#ifndef AUTOLIC_FLEX_H
#define AUTOLIC_FLEX_H

#include "db.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Longest product code, in bytes ("autocad", "revit"...): another name of
 * ::AUTOLIC_PRODUCT_MAX, the one maximum and alphabet of product codes in
 * every noun (SEAM-1).
 */
#define AUTOLIC_FLEX_PRODUCT_MAX AUTOLIC_PRODUCT_MAX
/** Longest product display name, in bytes of UTF-8. */
#define AUTOLIC_FLEX_NAME_MAX 127
/** Longest token subscription ID, in bytes. */
#define AUTOLIC_FLEX_SUBSCRIPTION_MAX 63
/** Longest idempotency key of a usage report (FLEX-13), in bytes. */
#define AUTOLIC_FLEX_KEY_MAX 128
/** Most products in one explicit product list (user assignment, defaults). */
#define AUTOLIC_FLEX_LIST_MAX 64
/** Most tokens one lot may hold (FLEX-1), so that token sums cannot overflow. */
#define AUTOLIC_FLEX_LOT_QUANTITY_MAX 1000000000000LL
/** FLEX-1: a lot is valid for exactly this long after its purchase (365 days). */
#define AUTOLIC_FLEX_LOT_SECONDS (365LL * 86400)
/** FLEX-3: length of a usage window. */
#define AUTOLIC_FLEX_WINDOW_SECONDS 86400
/** FLEX-4: a session closed within this many seconds of the launch that opened its window is
 * refunded. */
#define AUTOLIC_FLEX_REFUND_SECONDS 300
/** FLEX-12: default low-balance threshold, in percent of the team's unexpired lots' tokens. */
#define AUTOLIC_FLEX_LOW_DEFAULT_PERCENT 20
/** SEAM-4: default late-report horizon of a team, in seconds (48 hours). */
#define AUTOLIC_FLEX_HORIZON_DEFAULT 172800
/** SEAM-4: longest late-report horizon a team may set, in seconds (30 days). */
#define AUTOLIC_FLEX_HORIZON_MAX (30LL * 86400)

/** Types of ledger entries (FLEX-10). Values are stable. */
typedef enum autolic_flex_entry_type {
	AUTOLIC_FLEX_PURCHASE = 1, /**< A lot was bought (+quantity). */
	AUTOLIC_FLEX_CONSUME = 2,  /**< A window was charged (negative, one entry per lot drawn). */
	AUTOLIC_FLEX_REFUND = 3,   /**< FLEX-4: a charge was given back to its lot (positive). */
	AUTOLIC_FLEX_EXPIRE = 4,   /**< FLEX-1: what was left of a lot was forfeited (negative);
	                              SEAM-4: part of it paid a window opened before the expiry
	                              (positive, dated at the expiry). */
	AUTOLIC_FLEX_MOVE_OUT = 5, /**< FLEX-9: a lot left the team (negative). */
	AUTOLIC_FLEX_MOVE_IN = 6,  /**< FLEX-9: a lot arrived in the team (positive). */
	AUTOLIC_FLEX_ADJUST = 7 /**< An administrator's correction, or an overage repayment pair. */
} autolic_flex_entry_type;

/**
 * @brief The name of an ::autolic_flex_entry_type value, for logs and bindings.
 *
 * The names, in the order of the values: "purchase", "consume", "refund", "expire",
 * "move_out", "move_in", "adjust".
 * @param type a value of ::autolic_flex_entry_type.
 * @return a static lower-case string, the constant's name without its
 *         prefix; "unknown" for a value this library does not know (never NULL).
 * @par Thread-safety: safe.
 * @since 1.1
 */
AUTOLIC_EXTERN const char *autolic_flex_entry_type_name(int type);

/** Bit for one ::autolic_flex_entry_type in a type mask. */
#define AUTOLIC_FLEX_MASK(type) (1u << (type))
/** Every entry type. */
#define AUTOLIC_FLEX_MASK_ALL 0xffu
/** FLEX-11 balance events: purchases, expiries and moves. */
#define AUTOLIC_FLEX_MASK_EVENTS                                                                   \
	(AUTOLIC_FLEX_MASK(AUTOLIC_FLEX_PURCHASE) | AUTOLIC_FLEX_MASK(AUTOLIC_FLEX_EXPIRE) |       \
	 AUTOLIC_FLEX_MASK(AUTOLIC_FLEX_MOVE_OUT) | AUTOLIC_FLEX_MASK(AUTOLIC_FLEX_MOVE_IN))

/** Kinds of usage report the host sends (FLEX-3, FLEX-4). */
typedef enum autolic_flex_report_kind {
	AUTOLIC_FLEX_LAUNCH = 1,   /**< The user started the product: a new session. */
	AUTOLIC_FLEX_ACTIVITY = 2, /**< The session is in use at `time`. */
	AUTOLIC_FLEX_IDLE = 3,     /**< The session went idle at `time` (idle time is not use). */
	AUTOLIC_FLEX_CLOSE = 4     /**< The session ended at `time`. */
} autolic_flex_report_kind;

/**
 * @brief The name of an ::autolic_flex_report_kind value, for logs and bindings.
 *
 * The names, in the order of the values: "launch", "activity", "idle", "close".
 * @param kind a value of ::autolic_flex_report_kind.
 * @return a static lower-case string, the constant's name without its
 *         prefix; "unknown" for a value this library does not know (never NULL).
 * @par Thread-safety: safe.
 * @since 1.1
 */
AUTOLIC_EXTERN const char *autolic_flex_report_kind_name(int kind);

/** Why a window cost what it did (usage rows, report results). */
typedef enum autolic_flex_reason {
	AUTOLIC_FLEX_REASON_NONE = 0,      /**< The report opened no window. */
	AUTOLIC_FLEX_REASON_CHARGED = 1,   /**< The window was charged the product's rate. */
	AUTOLIC_FLEX_REASON_IN_WINDOW = 2, /**< FLEX-3: inside an open window: nothing charged. */
	AUTOLIC_FLEX_REASON_SEAT = 3,      /**< FLEX-6: the user holds a seat for the product. */
	AUTOLIC_FLEX_REASON_TRIAL = 4, /**< FLEX-6: the user is inside a trial of the product. */
	AUTOLIC_FLEX_REASON_REFUNDED =
	    5 /**< FLEX-4: closed within 300 s; the charge was refunded. */
} autolic_flex_reason;

/**
 * @brief The name of an ::autolic_flex_reason value, for logs and bindings.
 *
 * The names, in the order of the values: "none", "charged", "in_window", "seat", "trial",
 * "refunded".
 * @param reason a value of ::autolic_flex_reason.
 * @return a static lower-case string, the constant's name without its
 *         prefix; "unknown" for a value this library does not know (never NULL).
 * @par Thread-safety: safe.
 * @since 1.1
 */
AUTOLIC_EXTERN const char *autolic_flex_reason_name(int reason);

/* ------------------------------------------------------------------ */
/** @name Catalogue */
/** @{ */

/** Current version of ::autolic_flex_product_info.
 * The library reads and fills only the fields of the version the caller
 * sets in `version`; it refuses 0 and newer versions with ::AUTOLIC_EVERSION (@ref abi). */
#define AUTOLIC_FLEX_PRODUCT_INFO_VERSION 1

/** @brief A product of the Flex catalogue. Set `version` before the call. */
typedef struct autolic_flex_product_info {
	unsigned int version;                    /**< ::AUTOLIC_FLEX_PRODUCT_INFO_VERSION. */
	char code[AUTOLIC_FLEX_PRODUCT_MAX + 1]; /**< Product code, in lower case (SEAM-1). */
	char name[AUTOLIC_FLEX_NAME_MAX + 1];    /**< Display name. */
	int64_t rate;                            /**< Daily rate in tokens now. */
	autolic_time added;                      /**< When the product joined the catalogue. */
	autolic_time rate_since;                 /**< When the current rate took effect. */
} autolic_flex_product_info;

/**
 * @brief Add a product to the Flex catalogue, or change its daily rate (FLEX-3).
 *
 * The catalogue is data the host supplies (a price list): no acting account.
 * A new rate takes effect at the handle's clock time: windows opened at or
 * after that instant are charged the new rate, windows opened before it
 * (also when reported late) keep the rate that applied when they opened.
 * A product added later is granted to users assigned "all products" (FLEX-7)
 * but never to team defaults (FLEX-8).
 * @param db the database.
 * @param code product code: 1..::AUTOLIC_FLEX_PRODUCT_MAX bytes of `[A-Za-z0-9._-]`,
 *        compared case-insensitively, stored in lower case (SEAM-1).
 * @param name display name: 0..::AUTOLIC_FLEX_NAME_MAX bytes of UTF-8 without control
 *             characters (IN-1), or NULL to keep the current one (the code for a new
 *             product).
 * @param rate tokens per 24-hour window; at least 1.
 * @return 0; ::AUTOLIC_EINVAL (NULL db, bad code, over-long name, rate below 1);
 *         ::AUTOLIC_ENOMEM; a storage error. Nothing changes on failure.
 * @par Thread-safety: safe (serialised on the handle).
 */
AUTOLIC_EXTERN int autolic_flex_product_set(autolic_db *db, const char *code, const char *name,
                                            int64_t rate);

/**
 * @brief Read a catalogue product.
 * @param db the database.
 * @param code the product code, compared case-insensitively, stored in lower case (SEAM-1).
 * @param[out] info filled; its `version` must be set.
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_EVERSION; ::AUTOLIC_ENOTFOUND; a storage error.
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN int autolic_flex_product_get(autolic_db *db, const char *code,
                                            autolic_flex_product_info *info);

/** @} */
/* ------------------------------------------------------------------ */
/** @name Team policy */
/** @{ */

/** Current version of ::autolic_flex_policy.
 * The library reads and fills only the fields of the version the caller
 * sets in `version`; it refuses 0 and newer versions with ::AUTOLIC_EVERSION (@ref abi). */
#define AUTOLIC_FLEX_POLICY_VERSION 1
/** Static initialiser for ::autolic_flex_policy: no overage, default threshold. */
#define AUTOLIC_FLEX_POLICY_INIT                                                                   \
	{                                                                                          \
		AUTOLIC_FLEX_POLICY_VERSION, 0, -1                                                 \
	}

/** @brief A team's Flex policy (FLEX-5 overage, FLEX-12 threshold). */
typedef struct autolic_flex_policy {
	unsigned int version;  /**< ::AUTOLIC_FLEX_POLICY_VERSION. */
	int64_t overage_limit; /**< FLEX-5: tokens the team may owe; 0 (the default) allows no
	                          overage; at most ::AUTOLIC_FLEX_LOT_QUANTITY_MAX. */
	int64_t
	    low_threshold; /**< FLEX-12: notify below this many tokens; -1 for 20% of the
	                      unexpired lots' tokens; at most ::AUTOLIC_FLEX_LOT_QUANTITY_MAX. */
} autolic_flex_policy;

/**
 * @brief Initialise `s` to the defaults of ::AUTOLIC_FLEX_POLICY_INIT for `version`.
 *
 * Only the fields of that version are written (@ref abi); a binding or a
 * host that cannot use the macro calls this instead.
 * @param[out] s the struct to fill; must not be NULL.
 * @param version ::AUTOLIC_FLEX_POLICY_VERSION, or an older version.
 * @return 0; ::AUTOLIC_EINVAL when `s` is NULL; ::AUTOLIC_EVERSION when
 *         `version` is 0 or newer than this library knows (nothing written).
 * @par Thread-safety: safe.
 * @since 1.1
 */
AUTOLIC_EXTERN int autolic_flex_policy_init(autolic_flex_policy *s, unsigned int version);

/**
 * @brief Set a team's Flex policy.
 *
 * The overage policy goes beyond FLEX-5 and is off by default: while a limit
 * is set, a window may be charged beyond the lots up to `overage_limit`
 * tokens owed in all; the debt is repaid first from the next purchase.
 * @param db the database.
 * @param actor the acting account: an administrator of the team (ROLE-7).
 * @param team the team.
 * @param policy the new policy.
 * @return 0; ::AUTOLIC_EINVAL (NULL, negative limit, threshold below -1, either above
 * ::AUTOLIC_FLEX_LOT_QUANTITY_MAX);
 *         ::AUTOLIC_EVERSION; ::AUTOLIC_ENOTFOUND (team); ::AUTOLIC_EPERM (not an
 *         administrator); ::AUTOLIC_ESTATE (the limit is below what the team owes now);
 *         ::AUTOLIC_ENOMEM; a storage error. Nothing changes on failure.
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN int autolic_flex_policy_set(autolic_db *db, autolic_id actor, autolic_id team,
                                           const autolic_flex_policy *policy);

/**
 * @brief Read a team's Flex policy (the defaults when never set).
 * @param db the database.
 * @param team the team.
 * @param[out] policy filled; its `version` must be set.
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_EVERSION; ::AUTOLIC_ENOTFOUND (team); a storage error.
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN int autolic_flex_policy_get(autolic_db *db, autolic_id team,
                                           autolic_flex_policy *policy);

/**
 * @brief Set a team's late-report horizon (SEAM-4).
 *
 * A usage report dated more than `seconds` before the clock's now is refused
 * (::AUTOLIC_ESTATE, naming SEAM-4) and changes nothing. Until an expiry is
 * older than the horizon it is not final: a report within the horizon for a
 * window opened before the expiry is paid by the expired lot, and what the
 * expiry forfeited shrinks by as much (a CONSUME entry at the window's start
 * and an EXPIRE entry with a positive amount at the expiry instant). Each
 * call judges by the horizon in force when it runs. The default is
 * ::AUTOLIC_FLEX_HORIZON_DEFAULT (48 hours). Nobody is notified.
 * @param db the database.
 * @param actor the acting account: an administrator of the team (ROLE-7).
 * @param team the team.
 * @param seconds the horizon, 0 to ::AUTOLIC_FLEX_HORIZON_MAX (30 days); 0 accepts only
 *        reports dated at the clock's now.
 * @return 0; ::AUTOLIC_EINVAL (NULL db, team 0, `seconds` out of range);
 *         ::AUTOLIC_ENOTFOUND (team); ::AUTOLIC_EPERM (not an administrator);
 *         ::AUTOLIC_ENOMEM; a storage error. Nothing changes on failure.
 * @par Thread-safety: safe.
 * @since 1.1
 */
AUTOLIC_EXTERN int autolic_flex_horizon_set(autolic_db *db, autolic_id actor, autolic_id team,
                                            int64_t seconds);

/**
 * @brief Read a team's late-report horizon (SEAM-4; the default when never set).
 * @param db the database.
 * @param team the team.
 * @param[out] seconds the horizon in seconds.
 * @return 0; ::AUTOLIC_EINVAL (NULL db or seconds, team 0); ::AUTOLIC_ENOTFOUND (team);
 *         a storage error.
 * @par Thread-safety: safe.
 * @since 1.1
 */
AUTOLIC_EXTERN int autolic_flex_horizon_get(autolic_db *db, autolic_id team, int64_t *seconds);

/** Current version of ::autolic_flex_team_info.
 * The library reads and fills only the fields of the version the caller
 * sets in `version`; it refuses 0 and newer versions with ::AUTOLIC_EVERSION (@ref abi). */
#define AUTOLIC_FLEX_TEAM_INFO_VERSION 1

/** @brief A team's token position now. Set `version` before the call. */
typedef struct autolic_flex_team_info {
	unsigned int version; /**< ::AUTOLIC_FLEX_TEAM_INFO_VERSION. */
	int64_t balance;   /**< Tokens left in unexpired lots minus any overage owed (FLEX-10). */
	int64_t available; /**< What a launch now may spend: lot tokens plus unused overage
	                      allowance (FLEX-5). */
	int64_t owed;      /**< Overage tokens owed (0 without an overage policy). */
	int64_t unexpired_tokens; /**< Quantity bought in the team's unexpired lots. */
	int64_t threshold;        /**< FLEX-12 threshold in effect. */
	int low;                  /**< 1 while the balance is below the threshold. */
} autolic_flex_team_info;

/**
 * @brief Read a team's token position now (expired lots excluded, FLEX-5).
 * @param db the database.
 * @param team the team.
 * @param[out] info filled; its `version` must be set.
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_EVERSION; ::AUTOLIC_ENOTFOUND (team); a storage error.
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN int autolic_flex_team_get(autolic_db *db, autolic_id team,
                                         autolic_flex_team_info *info);

/**
 * @brief The team's balance at any instant, also in the past, computed from
 *        the ledger (FLEX-10, FLEX-11).
 *
 * Sum of the team's entries dated at or before `at`. SEAM-5: an expiry that is
 * due (at or before the clock's now) and not recorded yet counts as recorded,
 * from its instant on, so the result equals the sum of the entries
 * autolic_flex_ledger_open() lists up to `at`; an expiry after the clock's now
 * is not counted, also for an `at` after it. Without an overage policy it is
 * never negative (FLEX-5): a window reported late draws from each lot at most
 * the least the lot holds from the window's start on (SEAM-4).
 * @param db the database.
 * @param team the team.
 * @param at the instant.
 * @param[out] balance the balance.
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_ENOTFOUND (team); ::AUTOLIC_ENOMEM; a storage error.
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN int autolic_flex_balance_at(autolic_db *db, autolic_id team, autolic_time at,
                                           int64_t *balance);

/** @} */
/* ------------------------------------------------------------------ */
/** @name Lots */
/** @{ */

/** Current version of ::autolic_flex_lot_spec.
 * The library reads and fills only the fields of the version the caller
 * sets in `version`; it refuses 0 and newer versions with ::AUTOLIC_EVERSION (@ref abi). */
#define AUTOLIC_FLEX_LOT_SPEC_VERSION 1
/** Static initialiser for ::autolic_flex_lot_spec. */
#define AUTOLIC_FLEX_LOT_SPEC_INIT                                                                 \
	{                                                                                          \
		AUTOLIC_FLEX_LOT_SPEC_VERSION, NULL, 0, 0                                          \
	}

/** @brief A purchase of tokens (FLEX-1). */
typedef struct autolic_flex_lot_spec {
	unsigned int version;     /**< ::AUTOLIC_FLEX_LOT_SPEC_VERSION. */
	const char *subscription; /**< Token subscription ID: 1..::AUTOLIC_FLEX_SUBSCRIPTION_MAX
	                             bytes of UTF-8 without spaces or control characters (IN-1). */
	int64_t quantity;         /**< Tokens bought; 1..::AUTOLIC_FLEX_LOT_QUANTITY_MAX. */
	autolic_time
	    purchased; /**< Purchase time; 0 for the handle's clock time. Not in the future. */
} autolic_flex_lot_spec;

/**
 * @brief Initialise `s` to the defaults of ::AUTOLIC_FLEX_LOT_SPEC_INIT for `version`.
 *
 * Only the fields of that version are written (@ref abi); a binding or a
 * host that cannot use the macro calls this instead.
 * @param[out] s the struct to fill; must not be NULL.
 * @param version ::AUTOLIC_FLEX_LOT_SPEC_VERSION, or an older version.
 * @return 0; ::AUTOLIC_EINVAL when `s` is NULL; ::AUTOLIC_EVERSION when
 *         `version` is 0 or newer than this library knows (nothing written).
 * @par Thread-safety: safe.
 * @since 1.1
 */
AUTOLIC_EXTERN int autolic_flex_lot_spec_init(autolic_flex_lot_spec *s, unsigned int version);

/** Current version of ::autolic_flex_lot_info.
 * The library reads and fills only the fields of the version the caller
 * sets in `version`; it refuses 0 and newer versions with ::AUTOLIC_EVERSION (@ref abi). */
#define AUTOLIC_FLEX_LOT_INFO_VERSION 1

/** @brief A lot. Set `version` before the call. */
typedef struct autolic_flex_lot_info {
	unsigned int version; /**< ::AUTOLIC_FLEX_LOT_INFO_VERSION. */
	autolic_id id;        /**< The lot. */
	autolic_id team;      /**< The team holding it now. */
	char subscription[AUTOLIC_FLEX_SUBSCRIPTION_MAX + 1]; /**< Token subscription ID. */
	int64_t quantity;                                     /**< Tokens bought. */
	int64_t remaining;      /**< Tokens left: at least 0 and at most `quantity`, except
	                           that a refund gives back every token a window drew, also
	                           after an adjustment raised the lot meanwhile (FLEX-4). */
	autolic_time purchased; /**< Purchase time. */
	autolic_time expires;   /**< purchased + ::AUTOLIC_FLEX_LOT_SECONDS. */
	int expired;            /**< 1 once its expiry has passed (the rest is forfeited). */
} autolic_flex_lot_info;

/**
 * @brief Buy a lot of tokens for a team (FLEX-1).
 *
 * The lot is valid for 365 days from `purchased`. The PURCHASE ledger entry is
 * dated at the purchase. When the team owes overage tokens (FLEX-5 policy), the
 * new lot repays them first (a pair of ADJUST entries moves them). Low-balance
 * state is re-evaluated (FLEX-12).
 * @param db the database.
 * @param actor the acting account: an administrator of the team (ROLE-7).
 * @param team the team.
 * @param spec the purchase.
 * @param[out] lot the new lot's id (may be NULL).
 * @return 0; ::AUTOLIC_EINVAL (NULL, quantity below 1 or above ::AUTOLIC_FLEX_LOT_QUANTITY_MAX, bad
 * subscription ID, purchase in the future); ::AUTOLIC_EVERSION; ::AUTOLIC_EEXPIRED (bought 365 days
 * ago or more);
 *         ::AUTOLIC_ENOTFOUND (team); ::AUTOLIC_EPERM; ::AUTOLIC_ENOMEM; a storage error.
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN int autolic_flex_lot_buy(autolic_db *db, autolic_id actor, autolic_id team,
                                        const autolic_flex_lot_spec *spec, autolic_id *lot);

/**
 * @brief Read a lot.
 * @param db the database.
 * @param lot the lot.
 * @param[out] info filled; its `version` must be set.
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_EVERSION; ::AUTOLIC_ENOTFOUND; a storage error.
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN int autolic_flex_lot_get(autolic_db *db, autolic_id lot,
                                        autolic_flex_lot_info *info);

/**
 * @brief Record every expiry that is due for a team (FLEX-1).
 *
 * Every other call that changes a team's tokens does this first; this call
 * lets a host record expiries without other activity. Each lot whose expiry
 * has passed forfeits what is left as an EXPIRE entry dated at the expiry
 * instant (not when it was noticed), and ::AUTOLIC_EVENT_FLEX_LOT_EXPIRED is
 * sent. Recording a fact that time made true needs no acting account.
 * @param db the database.
 * @param team the team.
 * @param[out] expired number of lots that expired now (may be NULL).
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_ENOTFOUND (team); ::AUTOLIC_ENOMEM; a storage error.
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN int autolic_flex_expire(autolic_db *db, autolic_id team, size_t *expired);

/**
 * @brief Correct a lot's remaining tokens (an ADJUST ledger entry, FLEX-10).
 * @param db the database.
 * @param actor an administrator of the team (ROLE-7).
 * @param team the team holding the lot.
 * @param lot the lot; it must be unexpired.
 * @param delta tokens to add (negative to remove); not 0; the result must stay within [0,
 * quantity].
 * @return 0; ::AUTOLIC_EINVAL (delta 0 or out of range); ::AUTOLIC_ENOTFOUND (lot not in
 *         team); ::AUTOLIC_EEXPIRED; ::AUTOLIC_EPERM; ::AUTOLIC_ENOMEM; a storage error.
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN int autolic_flex_adjust(autolic_db *db, autolic_id actor, autolic_id team,
                                       autolic_id lot, int64_t delta);

/**
 * @brief Move a token subscription to another team (FLEX-9).
 *
 * Every unexpired lot of `subscription` held by `from` moves to `to`, keeping
 * its purchase time, expiry and remaining tokens (MOVE_OUT and MOVE_IN entries
 * per lot). User assignments, windows and any overage owed stay with `from`.
 * SEAM-4: a window is paid by the lots its team held at the instant it
 * opened, each at most the least it held there from then on, so a late report
 * of `from` cannot draw on the moved lots, nor a late report of `to` for a
 * window opened before they arrived (nor one of `from` opened before a lot
 * that came back left).
 * @param db the database.
 * @param actor an administrator of both teams (ROLE-7).
 * @param from the team holding the tokens.
 * @param to the receiving team (not `from`).
 * @param subscription the token subscription ID.
 * @param[out] moved tokens moved (may be NULL).
 * @return 0; ::AUTOLIC_EINVAL (NULL, same team, bad ID); ::AUTOLIC_ENOTFOUND (a team, or
 *         no unexpired lot of that subscription in `from`); ::AUTOLIC_EPERM (the actor
 *         does not manage both teams); ::AUTOLIC_ENOMEM; a storage error.
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN int autolic_flex_move(autolic_db *db, autolic_id actor, autolic_id from,
                                     autolic_id to, const char *subscription, int64_t *moved);

/** @} */
/* ------------------------------------------------------------------ */
/** @name Users, assignments and trials */
/** @{ */

/** Current version of ::autolic_flex_user_spec.
 * The library reads and fills only the fields of the version the caller
 * sets in `version`; it refuses 0 and newer versions with ::AUTOLIC_EVERSION (@ref abi). */
#define AUTOLIC_FLEX_USER_SPEC_VERSION 1
/** Static initialiser for ::autolic_flex_user_spec. */
#define AUTOLIC_FLEX_USER_SPEC_INIT                                                                \
	{                                                                                          \
		AUTOLIC_FLEX_USER_SPEC_VERSION, 0, NULL, 0, NULL, 0, 0                             \
	}

/** @brief Who to assign to Flex and which products they may use (FLEX-7). */
typedef struct autolic_flex_user_spec {
	unsigned int version; /**< ::AUTOLIC_FLEX_USER_SPEC_VERSION. */
	autolic_id account;   /**< An existing account, or 0 to name the person in `person`. */
	const char
	    *person; /**< `First Last <email>` or an email (ACCT-3); used when `account` is 0. */
	int all_products; /**< 1: every Flex product, including products added later. */
	const char *const
	    *products;     /**< Explicit product codes (when `all_products` is 0), each compared
	                      case-insensitively, stored in lower case (SEAM-1). */
	size_t n_products; /**< Number of `products`; at most ::AUTOLIC_FLEX_LIST_MAX. */
	int by_import;     /**< 1: assignment by import: nobody is notified (FLEX-7). */
} autolic_flex_user_spec;

/**
 * @brief Initialise `s` to the defaults of ::AUTOLIC_FLEX_USER_SPEC_INIT for `version`.
 *
 * Only the fields of that version are written (@ref abi); a binding or a
 * host that cannot use the macro calls this instead.
 * @param[out] s the struct to fill; must not be NULL.
 * @param version ::AUTOLIC_FLEX_USER_SPEC_VERSION, or an older version.
 * @return 0; ::AUTOLIC_EINVAL when `s` is NULL; ::AUTOLIC_EVERSION when
 *         `version` is 0 or newer than this library knows (nothing written).
 * @par Thread-safety: safe.
 * @since 1.1
 */
AUTOLIC_EXTERN int autolic_flex_user_spec_init(autolic_flex_user_spec *s, unsigned int version);

/**
 * @brief Assign a Flex user to a team, or replace their product list (FLEX-7).
 *
 * A person named by text whose email has no account gets a new account in
 * state invited (ACCT-3, ACCT-4: 7 days). Individual assignment notifies the
 * user (::AUTOLIC_EVENT_FLEX_ASSIGNED, plus ::AUTOLIC_EVENT_INVITATION_SENT for
 * a new person); assignment by import notifies nobody. While the team's
 * default assignments are enabled (FLEX-8) every Flex user's access is the
 * default set; the list given here applies once the defaults are cleared.
 *
 * A Flex user is a member of the team (SEAM-3): on every path (an existing
 * account or a person named by text, individually or by import) an account
 * that is not yet a member becomes a user of the team in the same
 * transaction, as a seat grant makes one; a member keeps its role. A refused
 * call adds no member. Enforces FLEX-7, ROLE-6, ROLE-7, ACCT-3, SEAM-3.
 * @param db the database.
 * @param actor an administrator of the team (ROLE-7).
 * @param team the team.
 * @param spec who and what.
 * @param[out] account the user's account id (may be NULL).
 * @return 0; ::AUTOLIC_EINVAL (NULL, malformed person, both `all_products` and a list,
 *         a bad or repeated code, list too long); ::AUTOLIC_EVERSION; ::AUTOLIC_ENOTFOUND
 *         (team, account or product); ::AUTOLIC_EPERM; ::AUTOLIC_ESTATE (`account`
 *         was removed: name the person by text to invite them again); ::AUTOLIC_ENOMEM;
 *         a storage error. Nothing changes on failure.
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN int autolic_flex_user_assign(autolic_db *db, autolic_id actor, autolic_id team,
                                            const autolic_flex_user_spec *spec,
                                            autolic_id *account);

/**
 * @brief Remove a Flex user from a team (their windows and usage history stay).
 *
 * Only the Flex assignment goes: the person stays a member of the team
 * (SEAM-3), as when a seat is revoked; autolic_account_remove() removes the
 * person, with every Flex assignment.
 * @param db the database.
 * @param actor an administrator of the team (ROLE-7).
 * @param team the team.
 * @param account the user.
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_ENOTFOUND (team, or not a Flex user of it);
 *         ::AUTOLIC_EPERM; ::AUTOLIC_ENOMEM; a storage error.
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN int autolic_flex_user_remove(autolic_db *db, autolic_id actor, autolic_id team,
                                            autolic_id account);

/**
 * @brief May this user use this product through this team's Flex tokens
 *        (FLEX-7, FLEX-8)?
 * @param db the database.
 * @param team the team.
 * @param account the user.
 * @param product the product code, compared case-insensitively, stored in lower case (SEAM-1).
 * @param[out] allowed 1 or 0.
 * @return 0; ::AUTOLIC_EINVAL; a storage error.
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN int autolic_flex_user_allowed(autolic_db *db, autolic_id team, autolic_id account,
                                             const char *product, int *allowed);

/**
 * @brief Set the team's default assignments (FLEX-8).
 *
 * With a non-empty set the defaults are enabled: every Flex user of the team,
 * existing or new, has exactly this set. Products added to the catalogue later
 * are not added. An empty set (n 0) disables the defaults; each user's own
 * assignment applies again. Changing the defaults notifies nobody.
 * @param db the database.
 * @param actor an administrator of the team (ROLE-7).
 * @param team the team.
 * @param products product codes, each compared case-insensitively, stored in lower case (SEAM-1);
 * two that differ only in case are one product listed twice (::AUTOLIC_EINVAL); may be NULL when n
 * is 0.
 * @param n number of products; at most ::AUTOLIC_FLEX_LIST_MAX.
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_ENOTFOUND (team or product); ::AUTOLIC_EPERM;
 *         ::AUTOLIC_ENOMEM; a storage error.
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN int autolic_flex_defaults_set(autolic_db *db, autolic_id actor, autolic_id team,
                                             const char *const *products, size_t n);

/**
 * @brief Record that an account is trying a product (FLEX-6 priority).
 *
 * A user inside a trial of a product consumes no tokens for it until the
 * trial ends; only the same account benefits.
 * @param db the database.
 * @param actor the account starting the trial (it must be `account`, ROLE-7).
 * @param account the account.
 * @param product the product code (in the catalogue), compared case-insensitively, stored in lower
 * case (SEAM-1).
 * @param start start of the trial.
 * @param end end of the trial (after start).
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_ENOTFOUND (account, product); ::AUTOLIC_EPERM;
 *         ::AUTOLIC_ENOMEM; a storage error.
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN int autolic_flex_trial_add(autolic_db *db, autolic_id actor, autolic_id account,
                                          const char *product, autolic_time start,
                                          autolic_time end);

/** @} */
/* ------------------------------------------------------------------ */
/** @name Usage reports from the host */
/** @{ */

/** Current version of ::autolic_flex_report_spec.
 * The library reads and fills only the fields of the version the caller
 * sets in `version`; it refuses 0 and newer versions with ::AUTOLIC_EVERSION (@ref abi). */
#define AUTOLIC_FLEX_REPORT_SPEC_VERSION 1
/** Static initialiser for ::autolic_flex_report_spec. */
#define AUTOLIC_FLEX_REPORT_SPEC_INIT                                                              \
	{                                                                                          \
		AUTOLIC_FLEX_REPORT_SPEC_VERSION, 0, NULL, 0, 0, NULL, 0, 0                        \
	}

/** @brief One usage report, as the host observed it. */
typedef struct autolic_flex_report_spec {
	unsigned int version; /**< ::AUTOLIC_FLEX_REPORT_SPEC_VERSION. */
	int kind;             /**< An ::autolic_flex_report_kind. */
	const char *key;      /**< FLEX-13 idempotency key: 1..::AUTOLIC_FLEX_KEY_MAX bytes of UTF-8
	                         without control characters (IN-1), unique per report. */
	autolic_time time;    /**< When the host observed it; not after the handle's clock. */
	autolic_id session;   /**< The session (ACTIVITY, IDLE, CLOSE); 0 for LAUNCH. */
	const char *product;  /**< LAUNCH: the product code, compared case-insensitively, stored in
	                         lower case (SEAM-1). */
	autolic_id team;      /**< LAUNCH: the team whose tokens pay. */
	autolic_id account;   /**< LAUNCH: the user (the acting account, ROLE-7). */
} autolic_flex_report_spec;

/**
 * @brief Initialise `s` to the defaults of ::AUTOLIC_FLEX_REPORT_SPEC_INIT for `version`.
 *
 * Only the fields of that version are written (@ref abi); a binding or a
 * host that cannot use the macro calls this instead.
 * @param[out] s the struct to fill; must not be NULL.
 * @param version ::AUTOLIC_FLEX_REPORT_SPEC_VERSION, or an older version.
 * @return 0; ::AUTOLIC_EINVAL when `s` is NULL; ::AUTOLIC_EVERSION when
 *         `version` is 0 or newer than this library knows (nothing written).
 * @par Thread-safety: safe.
 * @since 1.1
 */
AUTOLIC_EXTERN int autolic_flex_report_spec_init(autolic_flex_report_spec *s, unsigned int version);

/** Current version of ::autolic_flex_result.
 * The library reads and fills only the fields of the version the caller
 * sets in `version`; it refuses 0 and newer versions with ::AUTOLIC_EVERSION (@ref abi). */
#define AUTOLIC_FLEX_RESULT_VERSION 1

/** @brief What a usage report did. Set `version` before the call. */
typedef struct autolic_flex_result {
	unsigned int version; /**< ::AUTOLIC_FLEX_RESULT_VERSION. */
	autolic_id session;   /**< The session (new for a LAUNCH). */
	int reason; /**< ::autolic_flex_reason of the last window opened or joined (a rollover or
	               a resume that joins another session's window: IN_WINDOW); NONE when the
	               report entered no window. */
	int64_t charged;           /**< Tokens charged by this report. */
	int64_t refunded;          /**< Tokens refunded by this report (FLEX-4). */
	unsigned int windows;      /**< Windows this report opened. */
	autolic_time window_start; /**< The session's current window: the one its use is in at
	                              `time` (or was last in, while idle); 0 when the report
	                              refunded it or the session ended. */
	autolic_time window_end;   /**< End of that window, or 0. */
	int ended;    /**< 1 when the session was ended because a window could not be paid. */
	int end_code; /**< Why it ended (::AUTOLIC_ENOTOKENS), or 0. */
	autolic_time ended_at; /**< When it ended (the unpaid window's start), or 0. */
} autolic_flex_result;

/**
 * @brief Apply one usage report from the host (FLEX-3, FLEX-4, FLEX-5, FLEX-6, FLEX-13).
 *
 * - LAUNCH opens a session. Inside an open window of the same (user,
 *   product) nothing is charged; otherwise a 24-hour window opens at `time`
 *   and the rate in effect then is charged from the team's lots (FLEX-2), or
 *   nothing when the user holds a seat or an active trial (FLEX-6). A launch
 *   that would open a window the team cannot pay is refused.
 * - ACTIVITY / IDLE / CLOSE: an active session's use continues up to `time`;
 *   use that continues past a window's end opens and charges the next window
 *   at that end; use resumed after idle past a window's end opens one at the
 *   resume instant. Windows of one (user, product) never overlap: use at an
 *   instant inside a window (another session's too) joins it for free; a
 *   window opened where a later one exists (a report that came late, after
 *   another session opened that one) ends where the later one starts, so the
 *   use before it is charged once and the use after it joins it. If a window
 *   cannot be paid the session ends at its start,
 *   ::AUTOLIC_EVENT_FLEX_SESSION_ENDED is sent and the result says why (the
 *   call itself succeeds: the end is recorded). A session so ended accepts
 *   one CLOSE, not dated before its last report; a CLOSE always closes the
 *   session, also one that ran out of tokens on the way.
 * - CLOSE within 300 s of the launch that opened the session's window, with
 *   no other session of that product by that user open, refunds the window's
 *   charge to the lots it came from, every token, and discards the window
 *   (FLEX-4). A refund dated at or after a lot's expiry is forfeited there.
 *
 * Reports of one session must come in time order; they may come late, up to
 * the team's late-report horizon (autolic_flex_horizon_set()). SEAM-4: a
 * window is paid by the lots as they stood at the instant it opened, each at
 * most the least it holds in the team at any instant from then on (FLEX-5:
 * no balance goes below zero at any instant: a refund, an upward adjustment
 * or a move dated after the window gives it nothing), and an
 * expiry forfeits only what is left after the windows opened before it: a
 * report that crosses an expiry records it only after charging those
 * windows, and a late report for a window opened before an expiry already
 * recorded (and not yet final) is paid by the expired lot, the forfeiture
 * given back as an EXPIRE entry with a positive amount dated at the expiry.
 * @param db the database.
 * @param spec the report.
 * @param[out] result filled (also for ::AUTOLIC_EDUPLICATE); its `version` must be set. May be
 * NULL.
 * @return 0; ::AUTOLIC_EDUPLICATE (FLEX-13: this key was applied before; `result` holds the
 *         first result and nothing changed); ::AUTOLIC_EEXISTS (the key was used for a
 *         different report); ::AUTOLIC_EINVAL (NULL, bad kind, key, product or time,
 *         time in the future); ::AUTOLIC_EVERSION; ::AUTOLIC_ENOTFOUND (team, account,
 *         product, session); ::AUTOLIC_EPERM (FLEX-7: no Flex access to the product;
 *         ACCT-4: invitation expired); ::AUTOLIC_ENOTOKENS (FLEX-5: "not enough tokens");
 *         ::AUTOLIC_ESTATE (out of order: earlier than the session's last report; a LAUNCH
 *         in a gap before the latest window of its user and product; the session is
 *         closed, or ended and the report is not a CLOSE; SEAM-4: dated more than the
 *         team's late-report horizon before the clock's now);
 *         ::AUTOLIC_ENOMEM; a storage error. Nothing changes on failure.
 * @par Thread-safety: safe; concurrent launches never overdraw (FLEX-5).
 */
AUTOLIC_EXTERN int autolic_flex_report(autolic_db *db, const autolic_flex_report_spec *spec,
                                       autolic_flex_result *result);

/** @} */
/* ------------------------------------------------------------------ */
/** @name Ledger and usage reports */
/** @{ */

/** Current version of ::autolic_flex_entry.
 * The library reads and fills only the fields of the version the caller
 * sets in `version`; it refuses 0 and newer versions with ::AUTOLIC_EVERSION (@ref abi). */
#define AUTOLIC_FLEX_ENTRY_VERSION 1

/** @brief One ledger entry (FLEX-10). Set `version` before the call. */
typedef struct autolic_flex_entry {
	unsigned int version;  /**< ::AUTOLIC_FLEX_ENTRY_VERSION. */
	uint64_t seq;          /**< Order of recording in the team's ledger (increasing; unique
	                            within the team). */
	int type;              /**< An ::autolic_flex_entry_type. */
	autolic_time time;     /**< When it took effect. */
	autolic_time recorded; /**< When the library recorded it. */
	autolic_id team;       /**< The team whose balance changed. */
	autolic_id lot;        /**< The lot, or 0 for overage owed. */
	int64_t amount;        /**< Signed change of the balance. */
	autolic_id account;    /**< The user (CONSUME, REFUND) or acting account, or 0. */
	autolic_id window;     /**< The window (CONSUME, REFUND, and an EXPIRE that gives back
	                          part of a forfeiture to pay it, SEAM-4), or 0. */
	char product[AUTOLIC_FLEX_PRODUCT_MAX +
	             1]; /**< Product (CONSUME, REFUND), in lower case (SEAM-1), or "". */
	char subscription[AUTOLIC_FLEX_SUBSCRIPTION_MAX +
	                  1]; /**< The lot's token subscription ID, or "". */
} autolic_flex_entry;

/** Ledger iterator. Opaque. */
typedef struct autolic_flex_ledger_iter autolic_flex_ledger_iter;

/**
 * @brief List a team's ledger entries dated within [from, to) whose type is in `mask`
 *        (FLEX-10; FLEX-11 balance events with ::AUTOLIC_FLEX_MASK_EVENTS).
 *
 * The iterator is a snapshot taken by this call; it holds no lock. Entries
 * come in the order they were recorded. SEAM-5: an expiry that is due and not
 * recorded yet is listed, after the recorded entries, as the EXPIRE entry
 * autolic_flex_expire() would record now (dated at the expiry, `recorded`
 * the clock's now, numbered after the last entry), so the balance equals the
 * sum of the listed ledger at every read. Until the expiry is final, a late
 * report may still shrink it (SEAM-4).
 * @param db the database.
 * @param team the team.
 * @param from start of the period (inclusive).
 * @param to end of the period (exclusive; after from).
 * @param mask a set of ::AUTOLIC_FLEX_MASK bits.
 * @param[out] out the iterator; free it with autolic_flex_ledger_free().
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_ENOTFOUND (team); ::AUTOLIC_ENOMEM; a storage error.
 * @par Thread-safety: the call is safe; one iterator belongs to one thread at a time.
 */
AUTOLIC_EXTERN int autolic_flex_ledger_open(autolic_db *db, autolic_id team, autolic_time from,
                                            autolic_time to, unsigned int mask,
                                            autolic_flex_ledger_iter **out);

/**
 * @brief Next entry, in recording order.
 * @param it the iterator.
 * @param[out] entry filled; its `version` must be set.
 * @return 0; ::AUTOLIC_ITEROVER at the end; ::AUTOLIC_EINVAL; ::AUTOLIC_EVERSION.
 */
AUTOLIC_EXTERN int autolic_flex_ledger_next(autolic_flex_ledger_iter *it,
                                            autolic_flex_entry *entry);

/** @brief Free a ledger iterator. Accepts NULL. */
AUTOLIC_EXTERN void autolic_flex_ledger_free(autolic_flex_ledger_iter *it);

/** One lot's part of a charge. */
typedef struct autolic_flex_share {
	autolic_id lot; /**< The lot, or 0 for overage owed. */
	int64_t amount; /**< Tokens drawn from it. */
} autolic_flex_share;

/** Current version of ::autolic_flex_usage_row.
 * The library reads and fills only the fields of the version the caller
 * sets in `version`; it refuses 0 and newer versions with ::AUTOLIC_EVERSION (@ref abi). */
#define AUTOLIC_FLEX_USAGE_ROW_VERSION 1

/** @brief One day used (one window) of one product by one user (FLEX-11). Set `version` first. */
typedef struct autolic_flex_usage_row {
	unsigned int version;                       /**< ::AUTOLIC_FLEX_USAGE_ROW_VERSION. */
	autolic_time day;                           /**< Start of the window (the day used). */
	autolic_time day_end;                       /**< End of the window. */
	autolic_id window;                          /**< The window's id. */
	autolic_id account;                         /**< The user. */
	char email[255];                            /**< The user's email now. */
	char first_name[101];                       /**< The user's first name now. */
	char last_name[101];                        /**< The user's last name now. */
	char product[AUTOLIC_FLEX_PRODUCT_MAX + 1]; /**< The product, in lower case (SEAM-1). */
	autolic_id team;                            /**< The team whose tokens paid. */
	int64_t tokens; /**< Tokens it cost (0 when refunded, seat or trial). */
	int reason;     /**< ::autolic_flex_reason: CHARGED, SEAT, TRIAL or REFUNDED. */
	size_t n_lots;  /**< Number of `lots`. */
	const autolic_flex_share
	    *lots; /**< Lots charged; owned by the iterator, valid until the next call. */
} autolic_flex_usage_row;

/** Usage iterator. Opaque. */
typedef struct autolic_flex_usage_iter autolic_flex_usage_iter;

/**
 * @brief List a team's usage rows whose day starts within [from, to), by day (FLEX-11).
 *
 * Refunded windows appear with 0 tokens (FLEX-4), seat and trial use with 0
 * tokens and their reason (FLEX-6). A snapshot; it holds no lock.
 * @param db the database.
 * @param team the team.
 * @param from start of the period (inclusive).
 * @param to end (exclusive; after from).
 * @param[out] out the iterator; free it with autolic_flex_usage_free().
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_ENOTFOUND (team); ::AUTOLIC_ENOMEM; a storage error.
 * @par Thread-safety: the call is safe; one iterator belongs to one thread at a time.
 */
AUTOLIC_EXTERN int autolic_flex_usage_open(autolic_db *db, autolic_id team, autolic_time from,
                                           autolic_time to, autolic_flex_usage_iter **out);

/**
 * @brief Next usage row.
 * @param it the iterator.
 * @param[out] row filled; its `version` must be set.
 * @return 0; ::AUTOLIC_ITEROVER at the end; ::AUTOLIC_EINVAL; ::AUTOLIC_EVERSION.
 */
AUTOLIC_EXTERN int autolic_flex_usage_next(autolic_flex_usage_iter *it,
                                           autolic_flex_usage_row *row);

/** @brief Free a usage iterator. Accepts NULL. */
AUTOLIC_EXTERN void autolic_flex_usage_free(autolic_flex_usage_iter *it);

/** Receives CSV text; returns 0 to go on, anything else to stop (::AUTOLIC_EABORTED). */
typedef int (*autolic_flex_write_fn)(const char *data, size_t len, void *ctx);

/**
 * @brief Write the usage rows of autolic_flex_usage_open() as CSV (RFC 4180).
 *
 * Header: `day_used,email,first_name,last_name,product,team,team_name,tokens,reason,lots`;
 * `day_used` is ISO 8601 UTC (`2026-03-05T09:00:00Z`), `team` the team's id
 * and `team_name` its name (a column added after 1.0), `reason` one of
 * charged, seat, trial, refunded, `lots` is `lot:tokens` pairs joined by `;`.
 *
 * Safe to open in a spreadsheet (IN-2): a text cell (email, first_name,
 * last_name, product, team_name) that begins with `=`, `+`, `-`, `@`, a tab or a
 * carriage return is written with a single quote `'` before it and quoted
 * (`"'=SUM(1+1)"`), as the OWASP guidance on CSV injection describes, so that
 * no spreadsheet reads it as a formula; a cell holding a comma, a quote or a
 * line end is quoted as RFC 4180 asks. The columns the library itself writes
 * (`day_used`, `team`, `tokens`, `reason`, `lots`) are numbers, times and
 * fixed words and are never prefixed: a negative number stays a number.
 * @param db the database.
 * @param team the team.
 * @param from start of the period (inclusive).
 * @param to end (exclusive).
 * @param write receives the text, one line per call.
 * @param ctx passed to `write`.
 * @return 0; ::AUTOLIC_EABORTED (`write` returned nonzero); the errors of
 * autolic_flex_usage_open().
 * @par Thread-safety: safe; `write` runs outside the handle's lock.
 */
AUTOLIC_EXTERN int autolic_flex_usage_csv(autolic_db *db, autolic_id team, autolic_time from,
                                          autolic_time to, autolic_flex_write_fn write, void *ctx);

/**
 * @brief Verify a team's token invariants (FLEX-1, FLEX-10).
 *
 * Checks that the balance equals the sum of the ledger, that every lot's
 * remaining is at least 0, at most its quantity (plus what adjustments and
 * moves added, which a refund may give back on top) and equals the sum of that
 * lot's entries in the team's ledger, that expired lots hold nothing and
 * forfeited what they held just before their expiry, and that overage owed
 * matches its entries and stays within the policy's limit.
 * @param db the database.
 * @param team the team.
 * @return 0 when everything holds; ::AUTOLIC_ECORRUPT naming the first violation;
 *         ::AUTOLIC_EINVAL; ::AUTOLIC_ENOMEM; a storage error.
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN int autolic_flex_check(autolic_db *db, autolic_id team);

/** @} */

#ifdef __cplusplus
}
#endif
#endif
