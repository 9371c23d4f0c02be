/**
 * @file autolic/sys/storage.h
 * @brief The storage vtable: how a host plugs its own persistence into libautolic.
 *
 * A backend is an ordered key/value store with transactions. The library is
 * its only client through a given ::autolic_storage and never calls it from
 * two threads at once for one database handle; a backend shared by several
 * handles or processes must give serialisable transactions itself (or answer
 * ::AUTOLIC_ECONFLICT, upon which the library retries the whole call).
 *
 * @par Contract
 * - Keys and values are byte strings of any content. Keys compare as unsigned
 *   bytes (memcmp), a shorter key before its extensions.
 * - Every get, put, del and scan happens between begin and commit/rollback.
 *   Reads see the transaction's own writes. After rollback the store is
 *   exactly as before begin.
 * - Buffers passed to the backend belong to the library and are valid only
 *   during the call: the backend copies what it keeps. Buffers the backend
 *   hands out (get, scan) stay the backend's; they must stay valid until the
 *   next call into the backend (get) or until the scan callback returns (scan).
 *   The library copies them at once. The library never calls into the backend
 *   from inside a scan callback.
 * - Return 0 on success, ::AUTOLIC_ENOTFOUND from get/del when the key is
 *   absent, ::AUTOLIC_ECONFLICT when the transaction lost a serialisation race
 *   (the library rolls back and retries), ::AUTOLIC_ENOMEM, ::AUTOLIC_ELOCKED,
 *   ::AUTOLIC_EREADONLY, ::AUTOLIC_ECORRUPT or ::AUTOLIC_ESTORAGE otherwise. A
 *   backend may describe a failure with autolic_storage_set_error(); the
 *   library forgets any such message before each call into the backend, so a
 *   message set by a call that then succeeds never describes a later failure.
 * - After a failed commit the library calls rollback; the transaction must then
 *   have no effect.
 * - Optional slots may be NULL: savepoint/release/rollback_to (without them a
 *   failed call inside a host batch aborts the whole batch).
 *
 * New slots are only ever appended; @ref AUTOLIC_STORAGE_VERSION grows with them.
 */
#ifndef AUTOLIC_SYS_STORAGE_H
#define AUTOLIC_SYS_STORAGE_H

#include "../common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Current version of ::autolic_storage.
 * The library reads and fills only the fields of the version the caller
 * sets in `version`; it refuses 0 and newer versions with ::AUTOLIC_EVERSION (@ref abi). */
#define AUTOLIC_STORAGE_VERSION 1

/**
 * @brief Scan callback: one key/value pair, in key order.
 * @return 0 to continue, any other value to stop (the scan then returns it).
 */
typedef int (*autolic_storage_scan_cb)(const void *key, size_t klen, const void *val, size_t vlen,
                                       void *arg);

/** @brief The storage vtable. Fill it, then pass it in ::autolic_db_options. */
typedef struct autolic_storage {
	unsigned int version; /**< Set to ::AUTOLIC_STORAGE_VERSION. */
	void *ctx;            /**< The backend's own state, passed to every slot. */

	/** Start a transaction. `write` is 0 for a read-only transaction. */
	int (*begin)(void *ctx, int write);
	/** Look up `key`; on success set `*val`/`*vlen` (see buffer ownership). */
	int (*get)(void *ctx, const void *key, size_t klen, const void **val, size_t *vlen);
	/** Insert or replace `key`. */
	int (*put)(void *ctx, const void *key, size_t klen, const void *val, size_t vlen);
	/** Delete `key`; ::AUTOLIC_ENOTFOUND when absent. */
	int (*del)(void *ctx, const void *key, size_t klen);
	/**
	 * Call `cb` for each key k with start <= k < end in ascending order.
	 * `end` NULL means no upper bound. Returns 0, the callback's non-zero
	 * value, or an error code.
	 */
	int (*scan)(void *ctx, const void *start, size_t slen, const void *end, size_t elen,
	            autolic_storage_scan_cb cb, void *arg);
	/** Make the transaction durable (as the backend promises) and end it. */
	int (*commit)(void *ctx);
	/** Undo the transaction and end it. Must not fail in a way that leaves it half-applied. */
	int (*rollback)(void *ctx);
	/** Release the backend. Called once, by autolic_db_close(); may be NULL. */
	void (*free)(void *ctx);

	/** Optional: mark a savepoint inside the current transaction (nestable). */
	int (*savepoint)(void *ctx);
	/** Optional: forget the innermost savepoint, keeping its changes. */
	int (*release)(void *ctx);
	/** Optional: undo back to the innermost savepoint and forget it. */
	int (*rollback_to)(void *ctx);
} autolic_storage;

/**
 * @brief Initialise a vtable for `version`: `version` set, every slot and
 *        `ctx` NULL.
 *
 * A backend starts from it and fills its slots, so that a backend compiled
 * against an older header leaves the slots it does not know empty (@ref abi).
 * Only the bytes of that version are written.
 * @param[out] s the vtable to fill; must not be NULL.
 * @param version ::AUTOLIC_STORAGE_VERSION, or an older version.
 * @return 0; ::AUTOLIC_EINVAL when `s` is NULL; ::AUTOLIC_EVERSION when
 *         `version` is 0 or newer than this library knows (nothing written).
 * @par Thread-safety: safe.
 * @since 1.1
 */
AUTOLIC_EXTERN int autolic_storage_init(autolic_storage *s, unsigned int version);

/**
 * @brief For backends: describe the failure being returned, printf-style.
 *
 * The text becomes part of autolic_errmsg() for the call that failed.
 * @par Thread-safety: per thread.
 */
AUTOLIC_EXTERN void autolic_storage_set_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/**
 * @brief For backends' own public functions (open, maintenance): publish the
 *        failure text as autolic_errmsg() and return `rc`.
 *
 * Inside a transaction the library reads the text a backend left with
 * autolic_storage_set_error() itself. A backend's own entry points, such as an
 * open function, run outside any library call: they end with
 * `return autolic_storage_result(rc);` so that the caller reads the reason with
 * autolic_errmsg(), as for every other call.
 * @param rc 0 or an AUTOLIC_E* code.
 * @return `rc` unchanged. When `rc` is 0 the thread's message is cleared; otherwise it
 *         becomes the text last set by autolic_storage_set_error() on this thread,
 *         or autolic_strerror(rc) when none is pending. A backend starts its entry
 *         point with `autolic_storage_set_error("%s", "")` so that no older text is
 *         reused.
 * @par Thread-safety: per thread.
 */
AUTOLIC_EXTERN int autolic_storage_result(int rc);

/**
 * @brief Create a new, empty memory store (the default backend).
 *
 * An ordered map with real transactions and savepoints. Transactions of one
 * store are serialised by an internal lock, so one store may back several
 * database handles of one process.
 * @param[out] out filled with the vtable; give it to autolic_db_open(), which
 *             then owns it, or release it with `out->free(out->ctx)`.
 * @param alloc allocator for the store's memory, or NULL for libc.
 * @return 0, ::AUTOLIC_EINVAL, ::AUTOLIC_ENOMEM.
 */
AUTOLIC_EXTERN int autolic_store_memory_new(autolic_storage *out, const autolic_allocator *alloc);

#ifdef __cplusplus
}
#endif
#endif
