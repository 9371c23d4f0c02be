/**
 * @file autolic/seat.h
 * @brief Seats: granting and revoking product access within the seats a
 *        contract bought (SEAT-1..SEAT-5).
 *
 * A contract's product has a seat quantity. Granting a user access to the
 * product takes one seat, revoking it frees the seat (SEAT-1); a grant beyond
 * the quantity is refused with ::AUTOLIC_ENOSEAT and changes nothing (SEAT-2).
 * A seat makes a member (SEAM-3): every call that grants a seat
 * (autolic_seat_grant(), autolic_seat_set_access(), autolic_seat_import())
 * makes a holder who is not yet a member of the contract's team a user of
 * that team in the same transaction, without an invitation, so that the
 * team's administrators list it (autolic_contract_member_iter_new(),
 * autolic_account_iter_new()) and may remove it with autolic_account_remove(),
 * which frees every seat it holds (SEAT-4). A refused call adds no member.
 * The rules for a contract that ends or whose quantity shrinks are in the
 * guide @ref seats "Seat semantics".
 */
#ifndef AUTOLIC_SEAT_H
#define AUTOLIC_SEAT_H

#include "db.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Longest product code, in bytes: another name of ::AUTOLIC_PRODUCT_MAX, the
 * one maximum and alphabet of product codes in every noun (SEAM-1).
 */
#define AUTOLIC_SEAT_PRODUCT_MAX AUTOLIC_PRODUCT_MAX

/** How a seat was granted (see ::autolic_seat_entry). */
typedef enum autolic_seat_origin {
	AUTOLIC_SEAT_ORIGIN_GRANT =
	    1, /**< autolic_seat_grant(): one by one, the user was notified. */
	AUTOLIC_SEAT_ORIGIN_ACCESS =
	    2, /**< autolic_seat_set_access(): the "edit access" dialog, notified. */
	AUTOLIC_SEAT_ORIGIN_IMPORT = 3 /**< autolic_seat_import(): bulk, not notified (SEAT-3). */
} autolic_seat_origin;

/**
 * @brief The name of an ::autolic_seat_origin value, for logs and bindings.
 *
 * The names, in the order of the values: "grant", "access", "import".
 * @param origin a value of ::autolic_seat_origin.
 * @return a static lower-case string, the constant's name without its
 *         prefix; "unknown" for a value this library does not know (never NULL).
 * @par Thread-safety: safe.
 * @since 1.1
 */
AUTOLIC_EXTERN const char *autolic_seat_origin_name(int origin);

/** What a set call did, or would have done, for one product (see ::autolic_seat_result). */
typedef enum autolic_seat_action {
	AUTOLIC_SEAT_KEEP = 1,  /**< The user already held the seat; nothing to do. */
	AUTOLIC_SEAT_GRANT = 2, /**< A seat is granted. */
	AUTOLIC_SEAT_REVOKE = 3 /**< The seat is revoked. */
} autolic_seat_action;

/**
 * @brief The name of an ::autolic_seat_action value, for logs and bindings.
 *
 * The names, in the order of the values: "keep", "grant", "revoke".
 * @param action a value of ::autolic_seat_action.
 * @return a static lower-case string, the constant's name without its
 *         prefix; "unknown" for a value this library does not know (never NULL).
 * @par Thread-safety: safe.
 * @since 1.1
 */
AUTOLIC_EXTERN const char *autolic_seat_action_name(int action);

/** Current version of ::autolic_seat_summary.
 * The library reads and fills only the fields of the version the caller
 * sets in `version`; it refuses 0 and newer versions with ::AUTOLIC_EVERSION (@ref abi). */
#define AUTOLIC_SEAT_SUMMARY_VERSION 1

/** @brief Seats of one product of one contract (SEAT-2). Filled by the library; set `version`
 * first. */
typedef struct autolic_seat_summary {
	unsigned int version; /**< ::AUTOLIC_SEAT_SUMMARY_VERSION. */
	autolic_id contract;  /**< The contract. */
	autolic_id team;      /**< The contract's team. */
	char
	    product[AUTOLIC_SEAT_PRODUCT_MAX + 1]; /**< The product code, in lower case (SEAM-1). */
	uint32_t quantity;                         /**< Seats bought. */
	uint32_t granted;   /**< Seats granted (never more than `quantity`). */
	uint32_t available; /**< `quantity - granted`. */
	autolic_time start; /**< Start of the contract's term. */
	autolic_time end;   /**< End of the contract's term. */
	int active; /**< 1 when the term covers now; seats of an inactive contract grant nothing. */
} autolic_seat_summary;

/** Current version of ::autolic_seat_entry.
 * The library reads and fills only the fields of the version the caller
 * sets in `version`; it refuses 0 and newer versions with ::AUTOLIC_EVERSION (@ref abi). */
#define AUTOLIC_SEAT_ENTRY_VERSION 1

/** @brief One granted seat. Filled by the library; set `version` first. */
typedef struct autolic_seat_entry {
	unsigned int version; /**< ::AUTOLIC_SEAT_ENTRY_VERSION. */
	autolic_id contract;  /**< The contract the seat belongs to. */
	char
	    product[AUTOLIC_SEAT_PRODUCT_MAX + 1]; /**< The product code, in lower case (SEAM-1). */
	autolic_id user;                           /**< The account holding the seat. */
	autolic_time granted_at;                   /**< When it was granted. */
	autolic_id granted_by;                     /**< The administrator who granted it. */
	int origin;                                /**< An ::autolic_seat_origin. */
	int active;                                /**< 1 when the contract's term covers now. */
} autolic_seat_entry;

/** Current version of ::autolic_seat_result.
 * The library reads and fills only the fields of the version the caller
 * sets in `version`; it refuses 0 and newer versions with ::AUTOLIC_EVERSION (@ref abi). */
#define AUTOLIC_SEAT_RESULT_VERSION 1

/** @brief The outcome for one product (or one import line) of a set call. Set `version` first. */
typedef struct autolic_seat_result {
	unsigned int version; /**< ::AUTOLIC_SEAT_RESULT_VERSION. */
	autolic_id user;      /**< The account concerned. */
	char
	    product[AUTOLIC_SEAT_PRODUCT_MAX + 1]; /**< The product code, in lower case (SEAM-1). */
	int action;                                /**< An ::autolic_seat_action. */
	int status;                                /**< 0, or the error that refuses this item. */
	char message[256]; /**< Why it was refused (naming the rule); "" when `status` is 0. */
} autolic_seat_result;

/** @brief Per-item outcome of autolic_seat_set_access() or autolic_seat_import(). Opaque. */
typedef struct autolic_seat_report autolic_seat_report;
/** @brief Snapshot iterator over ::autolic_seat_entry items. Opaque. */
typedef struct autolic_seat_iter autolic_seat_iter;
/** @brief Snapshot iterator over ::autolic_seat_summary items. Opaque. */
typedef struct autolic_seat_summary_iter autolic_seat_summary_iter;

/**
 * @brief Read the seats of one product of a contract: quantity, granted and
 *        available (SEAT-2).
 * @param db the database.
 * @param contract the contract.
 * @param product the product code, compared case-insensitively, stored in lower case (SEAM-1).
 * @param[out] out filled; its `version` must be set by the caller.
 * @return 0; ::AUTOLIC_EINVAL (NULL, contract 0, malformed product code);
 *         ::AUTOLIC_EVERSION; ::AUTOLIC_ENOTFOUND (no such contract or product
 *         on it); ::AUTOLIC_ENOMEM; a storage error.
 * @par Thread-safety: safe on a shared handle.
 */
AUTOLIC_EXTERN int autolic_seat_summary_get(autolic_db *db, autolic_id contract,
                                            const char *product, autolic_seat_summary *out);

/**
 * @brief Grant `user` a seat of `product` on `contract`, and notify the user.
 *
 * Enforces SEAT-1 (one seat per user per product: a seat already held on this
 * contract or on another active contract is refused), SEAT-2 (no grant beyond
 * the quantity), SEAT-3 (emits ::AUTOLIC_EVENT_SEAT_GRANTED to the user),
 * SEAT-5 (the count is read and written in the grant's own transaction),
 * ROLE-6/ROLE-7 (the actor must be the contract manager or a software
 * coordinator of the contract), ACCT-4 (an expired invitation grants nothing)
 * and SEAM-3 (a user who is not a member of the contract's team becomes a
 * user of it; a member keeps its role).
 * @param db the database.
 * @param actor the administrator making the change.
 * @param contract the contract whose seat is taken.
 * @param product the product code, compared case-insensitively, stored in lower case (SEAM-1).
 * @param user the account receiving the seat (active or invited).
 * @return 0; ::AUTOLIC_EINVAL (NULL, an id of 0, malformed product code);
 *         ::AUTOLIC_ENOTFOUND (contract, product or user unknown);
 *         ::AUTOLIC_EPERM (ROLE-6); ::AUTOLIC_EEXPIRED (the contract ended, or
 *         the user's invitation expired); ::AUTOLIC_ESTATE (the contract has not
 *         started, or the user was removed); ::AUTOLIC_EEXISTS (SEAT-1);
 *         ::AUTOLIC_ENOSEAT (SEAT-2, all seats in use); ::AUTOLIC_ENOMEM;
 *         ::AUTOLIC_ECONFLICT; a storage error. Nothing changes on failure.
 * @par Thread-safety: safe on a shared handle; concurrent grants never exceed the quantity
 * (SEAT-5).
 */
AUTOLIC_EXTERN int autolic_seat_grant(autolic_db *db, autolic_id actor, autolic_id contract,
                                      const char *product, autolic_id user);

/**
 * @brief Revoke `user`'s seat of `product` on `contract`, freeing it, and
 *        notify the user (SEAT-1, SEAT-3).
 *
 * Allowed on an ended contract and for removed or expired accounts (clean-up).
 * @param db the database.
 * @param actor the administrator making the change (ROLE-6, ROLE-7).
 * @param contract the contract.
 * @param product the product code, compared case-insensitively, stored in lower case (SEAM-1).
 * @param user the account losing the seat.
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_ENOTFOUND (contract or product
 *         unknown, or the user holds no such seat); ::AUTOLIC_EPERM;
 *         ::AUTOLIC_ENOMEM; ::AUTOLIC_ECONFLICT; a storage error. Nothing
 *         changes on failure.
 * @par Thread-safety: safe on a shared handle.
 */
AUTOLIC_EXTERN int autolic_seat_revoke(autolic_db *db, autolic_id actor, autolic_id contract,
                                       const char *product, autolic_id user);

/**
 * @brief Set the products `user` holds on `contract` to exactly `products`
 *        (the "edit access" dialog: tick products, save), in one call.
 *
 * Products listed and not held are granted, products held on this contract
 * and not listed are revoked, the others are kept. All-or-nothing: when any
 * grant is refused, nothing changes and the call returns the first item's
 * error; the report then tells every product's outcome. Each change notifies
 * the user (SEAT-3). A granted product makes the user a member of the
 * contract's team (SEAM-3). Enforces SEAT-1, SEAT-2, SEAT-3, SEAT-5, ROLE-6,
 * ROLE-7, SEAM-3.
 * @param db the database.
 * @param actor the administrator making the change.
 * @param contract the contract.
 * @param user the account whose access is edited (active or invited).
 * @param products the product codes to hold, each compared case-insensitively, stored in lower case
 * (SEAM-1); two that differ only in case are one product listed twice (::AUTOLIC_EINVAL); may be
 * NULL when `n` is 0 (revoke all).
 * @param n number of codes; the same code may not appear twice.
 * @param[out] report may be NULL; receives the per-product outcome once the
 *        products were checked, that is when the call returns 0 or a product's
 *        refusal (::AUTOLIC_ENOTFOUND, ::AUTOLIC_EEXPIRED, ::AUTOLIC_ESTATE,
 *        ::AUTOLIC_EEXISTS, ::AUTOLIC_ENOSEAT); NULL when the call failed
 *        before (bad argument, permission, unknown user) or on a storage or
 *        memory failure. The caller frees it with autolic_seat_report_free().
 *        Products are reported in the order given, then revoked products in
 *        code order.
 * @return 0; ::AUTOLIC_EINVAL (NULL, id 0, malformed or repeated code);
 *         ::AUTOLIC_ENOTFOUND (user unknown, or a product unknown on the
 *         contract); ::AUTOLIC_EPERM; ::AUTOLIC_EEXPIRED; ::AUTOLIC_ESTATE;
 *         ::AUTOLIC_EEXISTS; ::AUTOLIC_ENOSEAT; ::AUTOLIC_ENOMEM;
 *         ::AUTOLIC_ECONFLICT; a storage error.
 * @par Thread-safety: safe on a shared handle.
 */
AUTOLIC_EXTERN int autolic_seat_set_access(autolic_db *db, autolic_id actor, autolic_id contract,
                                           autolic_id user, const char *const *products, size_t n,
                                           autolic_seat_report **report);

/**
 * @brief Grant seats in bulk (a list or CSV import): line i grants
 *        `products[i]` on `contract` to `users[i]`. No one is notified (SEAT-3).
 *
 * All-or-nothing (ACCT-5): when any line is refused nothing changes, the call
 * returns the first refused line's error, and the report gives every line's
 * outcome with its reason. A line whose user already holds that seat on this
 * contract is reported as ::AUTOLIC_SEAT_KEEP (an import can be replayed).
 * Every user of a granted or kept line is a member of the contract's team
 * afterwards (SEAM-3).
 * Enforces SEAT-1, SEAT-2, SEAT-3, SEAT-5, ROLE-6, ROLE-7, ACCT-4, ACCT-5, SEAM-3.
 * @param db the database.
 * @param actor the administrator making the change.
 * @param contract the contract.
 * @param users the accounts, `n` of them.
 * @param products the product codes, `n` of them, each compared case-insensitively, stored in lower
 * case (SEAM-1).
 * @param n number of lines (1 or more).
 * @param[out] report may be NULL; as for autolic_seat_set_access(), one result per line in order.
 * @return 0; ::AUTOLIC_EINVAL (NULL, n 0, a user id 0 or a malformed code,
 *         naming the line); ::AUTOLIC_EPERM; ::AUTOLIC_ENOTFOUND;
 *         ::AUTOLIC_EEXPIRED; ::AUTOLIC_ESTATE; ::AUTOLIC_EEXISTS;
 *         ::AUTOLIC_ENOSEAT; ::AUTOLIC_ENOMEM; ::AUTOLIC_ECONFLICT; a storage error.
 * @par Thread-safety: safe on a shared handle.
 */
AUTOLIC_EXTERN int autolic_seat_import(autolic_db *db, autolic_id actor, autolic_id contract,
                                       const autolic_id *users, const char *const *products,
                                       size_t n, autolic_seat_report **report);

/**
 * @brief Number of items in a report.
 * @param report the report, or NULL (0).
 * @return the count.
 * @par Thread-safety: a report belongs to one thread at a time.
 */
AUTOLIC_EXTERN size_t autolic_seat_report_count(const autolic_seat_report *report);

/**
 * @brief Read item `i` of a report.
 * @param report the report.
 * @param i index, below autolic_seat_report_count().
 * @param[out] out filled; its `version` must be set by the caller.
 * @return 0; ::AUTOLIC_EINVAL (NULL, index out of range); ::AUTOLIC_EVERSION.
 */
AUTOLIC_EXTERN int autolic_seat_report_get(const autolic_seat_report *report, size_t i,
                                           autolic_seat_result *out);

/**
 * @brief Free a report. Accepts NULL.
 * @param report the report.
 */
AUTOLIC_EXTERN void autolic_seat_report_free(autolic_seat_report *report);

/**
 * @brief List the seats `user` holds, on every contract, as a snapshot taken
 *        in one transaction. Ordered by contract, then product code.
 * @param db the database.
 * @param user the account.
 * @param[out] out the iterator; free it with autolic_seat_iter_free().
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_ENOTFOUND (no such account);
 *         ::AUTOLIC_ENOMEM; a storage error.
 * @par Thread-safety: safe on a shared handle; the iterator belongs to one thread at a time.
 */
AUTOLIC_EXTERN int autolic_seat_user_products(autolic_db *db, autolic_id user,
                                              autolic_seat_iter **out);

/**
 * @brief List the users holding a seat of `product` on `contract`, as a
 *        snapshot. Ordered by grant, oldest first.
 * @param db the database.
 * @param contract the contract.
 * @param product the product code, compared case-insensitively, stored in lower case (SEAM-1).
 * @param[out] out the iterator; free it with autolic_seat_iter_free().
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_ENOTFOUND (contract or product
 *         unknown); ::AUTOLIC_ENOMEM; a storage error.
 * @par Thread-safety: as autolic_seat_user_products().
 */
AUTOLIC_EXTERN int autolic_seat_product_users(autolic_db *db, autolic_id contract,
                                              const char *product, autolic_seat_iter **out);

/**
 * @brief Next seat of an iterator.
 * @param it the iterator.
 * @param[out] out filled; its `version` must be set by the caller.
 * @return 0; ::AUTOLIC_ITEROVER when there are no more; ::AUTOLIC_EINVAL; ::AUTOLIC_EVERSION.
 */
AUTOLIC_EXTERN int autolic_seat_iter_next(autolic_seat_iter *it, autolic_seat_entry *out);

/**
 * @brief Free an iterator. Accepts NULL.
 * @param it the iterator.
 */
AUTOLIC_EXTERN void autolic_seat_iter_free(autolic_seat_iter *it);

/**
 * @brief Per-product seat summary of a contract (SEAT-2), as a snapshot.
 *        Ordered by product code.
 * @param db the database.
 * @param contract the contract.
 * @param[out] out the iterator; free it with autolic_seat_summary_iter_free().
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_ENOTFOUND (the contract is unknown
 *         to seats); ::AUTOLIC_ENOMEM; a storage error.
 * @par Thread-safety: as autolic_seat_user_products().
 */
AUTOLIC_EXTERN int autolic_seat_contract_summary(autolic_db *db, autolic_id contract,
                                                 autolic_seat_summary_iter **out);

/**
 * @brief Next product of a summary iterator.
 * @param it the iterator.
 * @param[out] out filled; its `version` must be set by the caller.
 * @return 0; ::AUTOLIC_ITEROVER when there are no more; ::AUTOLIC_EINVAL; ::AUTOLIC_EVERSION.
 */
AUTOLIC_EXTERN int autolic_seat_summary_iter_next(autolic_seat_summary_iter *it,
                                                  autolic_seat_summary *out);

/**
 * @brief Free a summary iterator. Accepts NULL.
 * @param it the iterator.
 */
AUTOLIC_EXTERN void autolic_seat_summary_iter_free(autolic_seat_summary_iter *it);

#ifdef __cplusplus
}
#endif
#endif
