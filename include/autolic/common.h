/**
 * @file autolic/common.h
 * @brief Export macro, versions, error codes, identifiers, allocator and the
 *        per-thread error (message and fields) shared by every libautolic header.
 */
#ifndef AUTOLIC_COMMON_H
#define AUTOLIC_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** @cond INTERNAL */
#if defined(AUTOLIC_STATIC)
#define AUTOLIC_EXTERN
#elif defined(AUTOLIC_BUILDING)
#define AUTOLIC_EXTERN __attribute__((visibility("default")))
#else
#define AUTOLIC_EXTERN
#endif
/** @endcond */

/** Major version: changes only when the ABI breaks (it is the SONAME). */
#define AUTOLIC_VERSION_MAJOR 1
/** Minor version: new functionality, backwards compatible. */
#define AUTOLIC_VERSION_MINOR 1
/** Patch version: fixes only. */
#define AUTOLIC_VERSION_PATCH 0
/** The version as one comparable number: major*10000 + minor*100 + patch. */
#define AUTOLIC_VERSION_NUMBER                                                                     \
	(AUTOLIC_VERSION_MAJOR * 10000 + AUTOLIC_VERSION_MINOR * 100 + AUTOLIC_VERSION_PATCH)

/**
 * @brief Error codes. Every function returns 0 or one of these (negative).
 *
 * Codes are never renumbered nor reused; new codes are only ever added after
 * the last one. A host must treat an unknown negative code as a generic error.
 */
typedef enum autolic_error {
	AUTOLIC_OK = 0,     /**< Success. */
	AUTOLIC_ERROR = -1, /**< Generic failure (see the message). */
	AUTOLIC_EINVAL =
	    -2, /**< An argument is invalid (NULL, empty, too long, malformed, out of range). */
	AUTOLIC_ENOMEM = -3,     /**< An allocation failed; nothing was changed. */
	AUTOLIC_ENOTFOUND = -4,  /**< The named object does not exist. */
	AUTOLIC_EEXISTS = -5,    /**< The object already exists (duplicate add). */
	AUTOLIC_EPERM = -6,      /**< Permission denied to the acting account (ROLE-6, ROLE-7). */
	AUTOLIC_ENOSEAT = -7,    /**< All seats in use (SEAT-2). */
	AUTOLIC_ENOTOKENS = -8,  /**< Not enough tokens (FLEX-5). */
	AUTOLIC_ENOLICENCE = -9, /**< No valid licence (OPS-6, OPS-7). */
	AUTOLIC_ENOOPLICENCE = -10, /**< All licences for operators are in use (OPS-4). */
	AUTOLIC_EEXPIRED = -11,     /**< The object has expired (invitation, lot, contract). */
	AUTOLIC_ECONFLICT =
	    -12, /**< A storage serialisation conflict persisted past the retry limit. */
	AUTOLIC_ELOCKED = -13,  /**< The store is locked by another process. */
	AUTOLIC_ECORRUPT = -14, /**< Stored data is damaged. */
	AUTOLIC_ESTORAGE = -15, /**< The storage backend failed (I/O, connection). */
	AUTOLIC_EABORTED = -16, /**< A host callback asked to stop, or the batch was aborted. */
	AUTOLIC_EVERSION =
	    -17, /**< A struct or stored record has a version this library does not know. */
	AUTOLIC_ESTATE = -18,    /**< The call is not valid in the object's current state. */
	AUTOLIC_EREADONLY = -19, /**< The store or handle is read-only. */
	AUTOLIC_EBUSY = -20, /**< The handle is busy (a batch is open on another thread, or handles
	                        are still open). */
	AUTOLIC_ITEROVER = -21,  /**< An iterator has no more items (not a failure). */
	AUTOLIC_EDUPLICATE = -22 /**< A report with this idempotency key was already applied
	                            (FLEX-13); the first result is returned. */
} autolic_error;

/**
 * @brief Longest product code, in bytes: the one maximum of every noun (SEAM-1).
 *
 * A product code is 1 to this many bytes of ASCII letters, digits, '.', '-'
 * and '_'. It names one product wherever it appears (contract products,
 * seats, the Flex catalogue, Flex user lists, defaults, trials and reports):
 * codes compare case-insensitively and are stored, and returned, in lower
 * case, so `AutoCAD` and `autocad` are the same product.
 * ::AUTOLIC_SEAT_PRODUCT_MAX and ::AUTOLIC_FLEX_PRODUCT_MAX are other names of it.
 */
#define AUTOLIC_PRODUCT_MAX 63

/** Identifier of a stored object (account, team, contract, ...). 0 is never a valid id. */
typedef uint64_t autolic_id;

/** A point in time: UTC seconds since the Unix epoch. */
typedef int64_t autolic_time;

/**
 * @brief Allocator triple used for every allocation the library makes.
 *
 * All three functions must be set. `realloc_fn` must behave like realloc(3).
 * The library never frees with one allocator memory obtained from another.
 */
typedef struct autolic_allocator {
	void *(*malloc_fn)(size_t size, void *ctx);             /**< Like malloc(3). */
	void *(*realloc_fn)(void *ptr, size_t size, void *ctx); /**< Like realloc(3). */
	void (*free_fn)(void *ptr, void *ctx);                  /**< Like free(3); accepts NULL. */
	void *ctx;                                              /**< Passed to each function. */
} autolic_allocator;

/**
 * @brief Static English text for an error code.
 * @param code a value of ::autolic_error (unknown codes are tolerated).
 * @return a static NUL-terminated string; never NULL.
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN const char *autolic_strerror(int code);

/**
 * @brief The detailed message of the last failure on the calling thread.
 *
 * It names the argument or the rule at fault (by its ID, see @ref rules) and
 * the objects by the names their users know, for example "SEAT-2: all seats
 * in use for product 'autocad' on contract AL-00001001-7 (5 of 5)"; times are
 * ISO-8601 UTC. autolic_error_last() gives the same failure as fields.
 * @return a NUL-terminated string owned by the library, valid until the next
 *         libautolic call on this thread; "" when the last call succeeded.
 * @par Thread-safety: the message is per thread.
 */
AUTOLIC_EXTERN const char *autolic_errmsg(void);

/** Current version of ::autolic_error_info. */
#define AUTOLIC_ERROR_INFO_VERSION 1
/** Longest rule ID in ::autolic_error_info, in bytes ("FLEX-13"). */
#define AUTOLIC_ERROR_RULE_MAX 15
/** Most objects one error names. */
#define AUTOLIC_ERROR_OBJECTS_MAX 4
/** Most numbers one error carries. */
#define AUTOLIC_ERROR_NUMBERS_MAX 4
/** Longest display name of an object in an error, in bytes (an email is at most 254). */
#define AUTOLIC_ERROR_NAME_MAX 255
/** Longest name of a number in an error, in bytes ("used", "limit"...). */
#define AUTOLIC_ERROR_LABEL_MAX 23
/** Longest message in an error, in bytes: the text of autolic_errmsg(). */
#define AUTOLIC_ERROR_MESSAGE_MAX 511

/**
 * @brief Kinds of the objects an error names (::autolic_error_object).
 *
 * New kinds are only ever appended; a host treats an unknown kind as "some
 * object" and shows its name.
 */
typedef enum autolic_object_kind {
	/** No object (an unused slot). */
	AUTOLIC_OBJECT_NONE = 0,
	/** An account; name: its email. */
	AUTOLIC_OBJECT_ACCOUNT = 1,
	/** A team; name: the team's name. */
	AUTOLIC_OBJECT_TEAM = 2,
	/** A contract; name: its contract number. */
	AUTOLIC_OBJECT_CONTRACT = 3,
	/** A product; id 0, name: its code in lower case (SEAM-1). */
	AUTOLIC_OBJECT_PRODUCT = 4,
	/** A Flex lot; name: its token subscription ID (id 0: every lot of it). */
	AUTOLIC_OBJECT_LOT = 5,
	/** A Flex session; name: "" (it has only its id). */
	AUTOLIC_OBJECT_SESSION = 6,
	/** A Fusion Operations hub; name: the hub's name. */
	AUTOLIC_OBJECT_OPS_HUB = 7,
	/** A Fusion Operations subscription; name: "" (its number is the id). */
	AUTOLIC_OBJECT_SUBSCRIPTION = 8,
	/** A Fusion Operations operator; name: its number in its hub. */
	AUTOLIC_OBJECT_OPERATOR = 9,
	/** A developer hub; name: the hub's name. */
	AUTOLIC_OBJECT_HUB = 10,
	/** A developer hub's application; name: the application's name. */
	AUTOLIC_OBJECT_APP = 11,
	/** An argument of the call; id 0, name: the parameter's name. */
	AUTOLIC_OBJECT_ARGUMENT = 12
} autolic_object_kind;

/**
 * @brief The name of an ::autolic_object_kind value, for logs and bindings.
 *
 * The names, in the order of the values: "none", "account", "team",
 * "contract", "product", "lot", "session", "ops_hub", "subscription",
 * "operator", "hub", "app", "argument".
 * @param kind a value of ::autolic_object_kind.
 * @return a static lower-case string, the constant's name without its
 *         prefix; "unknown" for a value this library does not know (never NULL).
 * @par Thread-safety: safe.
 * @since 1.1
 */
AUTOLIC_EXTERN const char *autolic_object_kind_name(int kind);

/** @brief One object an error names. */
typedef struct autolic_error_object {
	/** An ::autolic_object_kind. */
	int kind;
	/** Its identifier, or 0 when it has none (a product, an argument). */
	autolic_id id;
	/** The name the user knows it by (see the kind), or "". */
	char name[AUTOLIC_ERROR_NAME_MAX + 1];
} autolic_error_object;

/** Units of ::autolic_error_number values. */
typedef enum autolic_error_unit {
	/** A count or an amount (seats, tokens, operators...). */
	AUTOLIC_UNIT_COUNT = 0,
	/** A point in time: ::autolic_time, UTC seconds since the epoch. */
	AUTOLIC_UNIT_TIME = 1,
	/** A duration in seconds. */
	AUTOLIC_UNIT_SECONDS = 2
} autolic_error_unit;

/**
 * @brief The name of an ::autolic_error_unit value, for logs and bindings.
 *
 * The names, in the order of the values: "count", "time", "seconds".
 * @param unit a value of ::autolic_error_unit.
 * @return a static lower-case string, the constant's name without its
 *         prefix; "unknown" for a value this library does not know (never NULL).
 * @par Thread-safety: safe.
 * @since 1.1
 */
AUTOLIC_EXTERN const char *autolic_error_unit_name(int unit);

/** @brief One number that decided an error, e.g. "used" 3 and "limit" 3. */
typedef struct autolic_error_number {
	/** What it is: "used", "limit", "ended"... */
	char name[AUTOLIC_ERROR_LABEL_MAX + 1];
	/** Its value. */
	int64_t value;
	/** An ::autolic_error_unit. */
	int unit;
} autolic_error_number;

/**
 * @brief The last failure on the calling thread, as fields (autolic_error_last()).
 *
 * Everything a host needs to write its own message, in any language, without
 * reading the English one: the code, the rule that refused, the objects
 * involved with the names their users know, and the numbers that decided it.
 * Set `version` before the call.
 */
typedef struct autolic_error_info {
	/** ::AUTOLIC_ERROR_INFO_VERSION. */
	unsigned int version;
	/** The ::autolic_error code; 0 when the last call succeeded. */
	int code;
	/** The rule ID that refused ("SEAT-2"), or "" when no rule did (a bad
	 * handle, a storage failure). */
	char rule[AUTOLIC_ERROR_RULE_MAX + 1];
	/** Objects filled in `objects`, 0 to ::AUTOLIC_ERROR_OBJECTS_MAX. */
	unsigned int object_count;
	/** The objects involved, the one refused first. */
	autolic_error_object objects[AUTOLIC_ERROR_OBJECTS_MAX];
	/** Numbers filled in `numbers`, 0 to ::AUTOLIC_ERROR_NUMBERS_MAX. */
	unsigned int number_count;
	/** The numbers that decided it. */
	autolic_error_number numbers[AUTOLIC_ERROR_NUMBERS_MAX];
	/** The English message, as autolic_errmsg(). */
	char message[AUTOLIC_ERROR_MESSAGE_MAX + 1];
} autolic_error_info;

/**
 * @brief The last failure on the calling thread, as fields a host can act on
 *        and translate.
 *
 * The same failure autolic_errmsg() describes: the code, the rule ID, the
 * objects named (kind, id and the name the user knows: an email, a contract
 * number, a product code, a team name) and the numbers that decided it
 * ("used" 3, "limit" 3; times as ::AUTOLIC_UNIT_TIME). A call that fails
 * before any rule is applied (a NULL argument, a storage failure) has an
 * empty `rule` and may name no object. See @ref errors.
 *
 * This call does not change the thread's last failure: reading it twice
 * gives the same answer.
 * @param[out] out its `version` set by the caller (::AUTOLIC_ERROR_INFO_VERSION);
 *        every field of that version is written. After a successful call
 *        `code` is 0 and the rest empty.
 * @return 0; AUTOLIC_EINVAL when `out` is NULL, AUTOLIC_EVERSION when its
 *         version is 0 or unknown (then nothing is written and the last
 *         failure is kept).
 * @par Thread-safety: the failure is per thread.
 */
AUTOLIC_EXTERN int autolic_error_last(autolic_error_info *out);

/**
 * @brief Runtime version of the library.
 * @param[out] major may be NULL
 * @param[out] minor may be NULL
 * @param[out] patch may be NULL
 * @return the version string, for example "0.1.0" (static).
 */
AUTOLIC_EXTERN const char *autolic_version(int *major, int *minor, int *patch);

#ifdef __cplusplus
}
#endif
#endif
