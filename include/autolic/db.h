/**
 * @file autolic/db.h
 * @brief The database handle: open over a storage backend, clock, allocator,
 *        events, and host batches.
 */
#ifndef AUTOLIC_DB_H
#define AUTOLIC_DB_H

#include "common.h"
#include "sys/storage.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief An open database. Opaque.
 *
 * @par Thread-safety
 * A handle may be used from several threads at once: every call runs as one
 * transaction and calls are serialised on the handle. A batch opened with
 * autolic_db_begin() belongs to its thread; calls from other threads wait
 * until it ends.
 */
typedef struct autolic_db autolic_db;

/** Kinds of ::autolic_event. New kinds are only ever appended. */
typedef enum autolic_event_type {
	AUTOLIC_EVENT_INVITATION_SENT = 1,   /**< ACCT-3: an invitation was sent to `recipient`. */
	AUTOLIC_EVENT_INVITATION_RESENT = 2, /**< ACCT-4: an invitation was sent again. */
	AUTOLIC_EVENT_ROLE_CHANGED = 3,      /**< ROLE-3/ROLE-4: `recipient`'s rights changed. */
	AUTOLIC_EVENT_ORDER_CONFIRMED =
	    4,                           /**< ROLE-6: order confirmation to the contract manager. */
	AUTOLIC_EVENT_SEAT_GRANTED = 5,  /**< SEAT-3: `recipient` was granted `product`. */
	AUTOLIC_EVENT_SEAT_REVOKED = 6,  /**< SEAT-3: `recipient` lost `product`. */
	AUTOLIC_EVENT_FLEX_ASSIGNED = 7, /**< FLEX-7: `recipient` may now use Flex products. */
	AUTOLIC_EVENT_FLEX_LOW_BALANCE =
	    8, /**< FLEX-12: the team's balance fell below its threshold; one event per
	          administrator of the team (`recipient`). */
	AUTOLIC_EVENT_FLEX_SESSION_ENDED =
	    9, /**< FLEX-3/5: a session ended because a window could not be paid. */
	AUTOLIC_EVENT_OPERATOR_DEACTIVATED =
	    10, /**< OPS-3/OPS-5: an operator was deactivated (see `text`). */
	AUTOLIC_EVENT_DOWNLOAD_AVAILABLE = 11, /**< ROLE-6/8: a new download is offered. */
	AUTOLIC_EVENT_PAYMENT_LATE = 12,       /**< OPS-6: a payment is late. */
	AUTOLIC_EVENT_FLEX_LOT_EXPIRED = 13    /**< FLEX-1: what was left of a lot was forfeited. */
} autolic_event_type;

/**
 * @brief The name of an ::autolic_event_type value, for logs and bindings.
 *
 * The names, in the order of the values: "invitation_sent", "invitation_resent",
 * "role_changed", "order_confirmed", "seat_granted", "seat_revoked", "flex_assigned",
 * "flex_low_balance", "flex_session_ended", "operator_deactivated", "download_available",
 * "payment_late", "flex_lot_expired".
 * @param type a value of ::autolic_event_type.
 * @return a static lower-case string, the constant's name without its
 *         prefix; "unknown" for a value this library does not know (never NULL).
 * @par Thread-safety: safe.
 * @since 1.1
 */
AUTOLIC_EXTERN const char *autolic_event_type_name(int type);

/** Current version of ::autolic_event. */
#define AUTOLIC_EVENT_VERSION 1

/**
 * @brief A notification for the host (to send an e-mail, say).
 *
 * Delivered only after the transaction that caused it committed, exactly
 * once, to the handler of the process that made the call: best-effort, since
 * a process that stops between the commit and the handler loses it. The
 * same transaction records it as an ::autolic_notice for delivery at least
 * once (NOTE-1, autolic_note_iter_new()). Pointers are valid only during
 * the handler call.
 */
typedef struct autolic_event {
	unsigned int version; /**< ::AUTOLIC_EVENT_VERSION. */
	int type;             /**< An ::autolic_event_type (tolerate unknown values). */
	autolic_time time;    /**< When it happened. */
	autolic_id recipient; /**< Account to notify; 0 when none in particular. */
	autolic_id team;      /**< Team concerned, or 0. */
	autolic_id object;    /**< Object concerned (contract, lot, operator...), or 0. */
	const char *product;  /**< Product code concerned, or NULL. */
	const char *rule;     /**< The rule behind it (@ref rules), e.g. "SEAT-3". */
	const char *text;     /**< English description. */
} autolic_event;

/** Event handler. Runs on the thread that made the call, after commit, outside the handle's lock.
 */
typedef void (*autolic_event_fn)(const autolic_event *event, void *ctx);

/** Clock: the current UTC time in seconds. */
typedef autolic_time (*autolic_clock_fn)(void *ctx);

/** Current version of ::autolic_db_options.
 * The library reads and fills only the fields of the version the caller
 * sets in `version`; it refuses 0 and newer versions with ::AUTOLIC_EVERSION (@ref abi). */
#define AUTOLIC_DB_OPTIONS_VERSION 2
/** Static initialiser for ::autolic_db_options. */
#define AUTOLIC_DB_OPTIONS_INIT                                                                    \
	{                                                                                          \
		AUTOLIC_DB_OPTIONS_VERSION, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0               \
	}
/** Default of autolic_db_options.retry_budget_ms: 5 seconds. */
#define AUTOLIC_DEFAULT_RETRY_BUDGET_MS 5000u

/** @brief Options for autolic_db_open(). Initialise with ::AUTOLIC_DB_OPTIONS_INIT or
 * autolic_db_options_init(). */
typedef struct autolic_db_options {
	unsigned int version;               /**< ::AUTOLIC_DB_OPTIONS_VERSION. */
	const autolic_storage *storage;     /**< Backend; NULL for a new memory store. */
	autolic_clock_fn clock;             /**< Clock; NULL for the system clock. */
	void *clock_ctx;                    /**< Passed to `clock`. */
	const autolic_allocator *allocator; /**< Allocator; NULL for libc. Copied. */
	autolic_event_fn on_event;          /**< Event handler, or NULL. */
	void *event_ctx;                    /**< Passed to `on_event`. */
	unsigned int max_retries; /**< At most this many attempts of a call that keeps losing
	                               races (::AUTOLIC_ECONFLICT); 0 (the default): as many as
	                               `retry_budget_ms` allows. */
	/** Since version 2: how long a call may keep re-running after lost races
	 *  (serialisation failures, a busy file lock, a failed begin), in
	 *  milliseconds, back-off pauses included; 0 for
	 *  ::AUTOLIC_DEFAULT_RETRY_BUDGET_MS. A version 1 struct has no such
	 *  field: its calls get the default. */
	unsigned int retry_budget_ms;
} autolic_db_options;

/**
 * @brief Initialise `opts` to defaults.
 * @return 0, or ::AUTOLIC_EVERSION when `version` is 0 or newer than this library knows.
 */
AUTOLIC_EXTERN int autolic_db_options_init(autolic_db_options *opts, unsigned int version);

/**
 * @brief Open a database.
 *
 * A store written by libautolic 1.0, which kept product codes as given, is
 * read as if normalised (SEAM-1): when it holds a product code that is not in
 * lower case, this call upgrades it in one write transaction before it
 * returns (re-keying contract products, offers and seats under the lower-case
 * codes and merging codes of one contract that differ only in case; see
 * @ref record_format_level "Store level" in the record format guide). In the same transaction it
 * makes every seat holder and every Flex user who is not a member of the team a user of it, and
 * drops the Flex assignments of removed accounts (SEAM-3). It runs once; a store that needs nothing
 * is only read.
 * @param[out] out the new handle; set to NULL on failure.
 * @param opts options, or NULL for all defaults (memory store, system clock, libc).
 * @return 0; ::AUTOLIC_EINVAL (out NULL, incomplete storage vtable);
 *         ::AUTOLIC_EVERSION (options or storage version unknown); ::AUTOLIC_ENOMEM;
 *         ::AUTOLIC_EREADONLY (the store needs the upgrade but refuses writes,
 *         e.g. a journal opened read-only: the message names SEAM-1, a
 *         contract and its code, or SEAM-3 and an account outside its team;
 *         open it once for writing); a storage error
 *         (the store is then unchanged).
 * @par Ownership: on success the handle owns `opts->storage` (the vtable is
 *      copied and its `free` slot is called by autolic_db_close()); on failure
 *      the caller keeps it.
 */
AUTOLIC_EXTERN int autolic_db_open(autolic_db **out, const autolic_db_options *opts);

/**
 * @brief Close a handle and free everything it owns. Accepts NULL.
 *
 * An open batch is rolled back. No other call may be in progress on the handle.
 */
AUTOLIC_EXTERN void autolic_db_close(autolic_db *db);

/**
 * @brief Start a host batch: the calls made by this thread until
 *        autolic_db_commit() or autolic_db_rollback() form one transaction.
 *
 * A call that fails inside the batch leaves the batch as it was before that
 * call when the backend has savepoints (the memory and journal stores do);
 * otherwise the batch is aborted and autolic_db_commit() returns
 * ::AUTOLIC_EABORTED. Events are delivered after the batch commits.
 * @return 0; ::AUTOLIC_EBUSY when this thread already has a batch open;
 *         a storage error.
 */
AUTOLIC_EXTERN int autolic_db_begin(autolic_db *db);

/**
 * @brief Commit the batch of the calling thread.
 * @return 0; ::AUTOLIC_ESTATE when no batch is open on this thread;
 *         ::AUTOLIC_EABORTED when a failed call aborted it (it is rolled back);
 *         a storage error (the batch is rolled back).
 */
AUTOLIC_EXTERN int autolic_db_commit(autolic_db *db);

/**
 * @brief Roll back the batch of the calling thread; its events are dropped.
 * @return 0; ::AUTOLIC_ESTATE when no batch is open on this thread.
 */
AUTOLIC_EXTERN int autolic_db_rollback(autolic_db *db);

/**
 * @brief The time the handle's clock reads now.
 */
AUTOLIC_EXTERN autolic_time autolic_db_now(autolic_db *db);

/**
 * @brief Check the whole store against the library's invariants, in one
 *        read-only transaction.
 *
 * Every record is decoded (each enum, flag and count in its range) and the
 * records are checked against each other, in this order:
 * - accounts: the email index gives each account's email to that account
 *   and holds nothing else (ACCT-1);
 * - teams: exactly one primary administrator, the one the team names
 *   (ROLE-3); member records and the account -> team index agree both ways
 *   (SEAM-3);
 * - contracts: listed by their team (APS-1); exactly one contract manager,
 *   the one the contract names, holding the manager role (ROLE-2), who is a
 *   member of the team (SEAM-2);
 * - seats: each product's count equals its grants and every grant is in its
 *   holder's index (SEAT-1, SEAT-5); no count exceeds the product's quantity
 *   (SEAT-2); no removed account holds a seat (SEAT-4);
 * - Flex: every team with Flex state passes autolic_flex_check() (FLEX-1,
 *   FLEX-2, FLEX-5, FLEX-9, FLEX-10, FLEX-12) and every stored report names a
 *   session that exists (FLEX-13);
 * - Fusion Operations: each hub's counts of licences in use are its active
 *   users and its active operators holding a shop-floor licence (OPS-2,
 *   OPS-4);
 * - members: every seat holder and every Flex user is a member of the team
 *   (SEAM-3; the open of a store written before makes them members);
 * - notifications: every notice decodes and stands at or before its
 *   stream's last position (NOTE-1); every acknowledged position belongs to
 *   a consumer and stands at or before it (NOTE-2).
 *
 * One state a store written by 1.0 may hold is not reported, because the
 * library realigns it lazily (@ref accounts_and_roles "Accounts, teams, contracts and roles"): a
 * contract manager who is not the team's primary administrator (SEAM-2; the team's next hand-over
 * aligns them).
 *
 * The check stops at the first problem: the message names the broken
 * invariant's rule ID and the record ("SEAT-1: product 'cad' on contract 3
 * counts 2 seats granted but holds 1 grants"). It reads every record once and
 * a few index entries per record: linear in the size of the store.
 * @param db the database.
 * @return 0 when every invariant holds; ::AUTOLIC_ECORRUPT naming the first
 *         broken one; ::AUTOLIC_EINVAL (NULL db); ::AUTOLIC_ENOMEM; a storage
 *         error.
 * @par Thread-safety: safe; it sees one consistent snapshot of the store.
 * @since 1.1
 */
AUTOLIC_EXTERN int autolic_db_check(autolic_db *db);

#ifdef __cplusplus
}
#endif
#endif
