/**
 * @file autolic/sys/sqlite.h
 * @brief The SQLite storage backend (separate library `libautolic-sqlite`).
 *
 * An optional backend built only when libsqlite3 is found. It lives in its
 * own shared library, `libautolic-sqlite` (pkg-config name `autolic-sqlite`),
 * which depends on `libautolic` and `libsqlite3`; the core library itself
 * never depends on SQLite. Hosts may use it as it is or copy it as an example
 * of a backend over a real database engine.
 *
 * @par Storage layout
 * One table, `autolic_kv (k BLOB PRIMARY KEY, v BLOB) WITHOUT ROWID`. SQLite
 * compares BLOBs with memcmp and then by length, which is exactly the key
 * order of the storage contract (include/autolic/sys/storage.h). The schema
 * version is kept in `PRAGMA user_version` (1); a file with a newer version is
 * refused with ::AUTOLIC_EVERSION.
 *
 * @par Transactions and concurrency
 * The database is put in WAL mode, so readers never block the writer. A write
 * transaction starts with `BEGIN IMMEDIATE`: writers from every connection and
 * every process serialise on SQLite's write lock, waiting up to the busy
 * timeout. A lock still held when the timeout runs out (`SQLITE_BUSY`,
 * `SQLITE_LOCKED`) is answered with ::AUTOLIC_ECONFLICT, upon which the
 * library rolls back and retries the whole call. Read-only transactions use a
 * deferred `BEGIN` and read one consistent snapshot. Savepoints map to
 * `SAVEPOINT` / `RELEASE` / `ROLLBACK TO`.
 *
 * @par Durability
 * `PRAGMA synchronous` is FULL by default: a commit returns only once the WAL
 * has been synced, so a committed call survives a power loss. NORMAL (in WAL
 * mode) keeps the database consistent after a crash but may lose the last
 * commits on a power loss; EXTRA also syncs the directory after unlinking
 * files. See @ref sqlite_backend "The SQLite backend".
 *
 * @par Threads and processes
 * One backend (one SQLite connection) belongs to one database handle; the
 * library serialises the calls into it. Any number of handles, in this or in
 * other processes, may open the same file, each with its own backend. A
 * connection must not be carried across fork(): open it in the process that
 * uses it.
 *
 * @par Python
 * The Python binding loads only `libautolic`; it declares nothing of this
 * library.
 */
#ifndef AUTOLIC_SYS_SQLITE_H
#define AUTOLIC_SYS_SQLITE_H

#include "../common.h"
#include "storage.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Current version of ::autolic_sqlite_options. */
#define AUTOLIC_SQLITE_OPTIONS_VERSION 1

/** Default of autolic_sqlite_options::busy_timeout_ms: wait up to 5 seconds for a lock. */
#define AUTOLIC_SQLITE_DEFAULT_BUSY_TIMEOUT_MS 5000u

/** @brief Synchronous level: the default, ::AUTOLIC_SQLITE_SYNC_FULL. */
#define AUTOLIC_SQLITE_SYNC_DEFAULT 0
/** @brief Synchronous level NORMAL: consistent after a crash, the last commits may be lost on a
 * power loss. */
#define AUTOLIC_SQLITE_SYNC_NORMAL 1
/** @brief Synchronous level FULL: every commit is on stable storage before it returns. */
#define AUTOLIC_SQLITE_SYNC_FULL 2
/** @brief Synchronous level EXTRA: FULL, and the directory is synced too. */
#define AUTOLIC_SQLITE_SYNC_EXTRA 3

/** Static initialiser for ::autolic_sqlite_options: all defaults. */
#define AUTOLIC_SQLITE_OPTIONS_INIT                                                                \
	{                                                                                          \
		AUTOLIC_SQLITE_OPTIONS_VERSION, 0u, 0u, AUTOLIC_SQLITE_SYNC_DEFAULT                \
	}

/**
 * @brief Options for autolic_store_sqlite_open().
 *
 * Initialise with ::AUTOLIC_SQLITE_OPTIONS_INIT or autolic_sqlite_options_init(),
 * then change the fields you need. Zero in a field means "the default".
 */
typedef struct autolic_sqlite_options {
	unsigned int version;         /**< ::AUTOLIC_SQLITE_OPTIONS_VERSION. */
	unsigned int flags;           /**< Reserved: must be 0 (other values are refused). */
	unsigned int busy_timeout_ms; /**< How long to wait for a lock before answering
	                                   ::AUTOLIC_ECONFLICT; 0 means
	                                   ::AUTOLIC_SQLITE_DEFAULT_BUSY_TIMEOUT_MS. */
	int synchronous;              /**< One of the AUTOLIC_SQLITE_SYNC_* levels. */
} autolic_sqlite_options;

/**
 * @brief Initialise `opts` to the defaults of the given struct version.
 * @param[out] opts the options to fill; must not be NULL.
 * @param version ::AUTOLIC_SQLITE_OPTIONS_VERSION (or an older version).
 * @return 0; ::AUTOLIC_EINVAL when `opts` is NULL; ::AUTOLIC_EVERSION when
 *         `version` is 0 or newer than this library knows.
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN int autolic_sqlite_options_init(autolic_sqlite_options *opts, unsigned int version);

/**
 * @brief Open (creating it when absent) an SQLite database file as a storage backend.
 *
 * Sets the busy timeout, switches the file to WAL mode, sets the synchronous
 * level and creates the key/value table when missing.
 *
 * @param[out] out filled with the vtable on success (left untouched on
 *             failure); give it to autolic_db_open(), which then owns it, or
 *             release it with `out->free(out->ctx)`.
 * @param path the database file (UTF-8). The directory must exist. A path of
 *             ":memory:" or "" is refused (WAL needs a file).
 * @param opts options, or NULL for the defaults.
 * @return 0; ::AUTOLIC_EINVAL (`out` or `path` NULL, empty or in-memory path,
 *         unknown flags, unknown synchronous level); ::AUTOLIC_EVERSION
 *         (options version unknown, or the file holds a newer schema);
 *         ::AUTOLIC_ENOMEM; ::AUTOLIC_ECONFLICT (the file stayed locked past
 *         the busy timeout while being set up); ::AUTOLIC_ECORRUPT (not an
 *         SQLite database, or damaged); ::AUTOLIC_EREADONLY (the file cannot
 *         be written); ::AUTOLIC_ESTORAGE (cannot open, cannot switch to WAL,
 *         other SQLite failures). autolic_errmsg() then names the path
 *         and gives SQLite's own explanation.
 * @par Thread-safety: safe; the returned backend belongs to one database handle.
 */
AUTOLIC_EXTERN int autolic_store_sqlite_open(autolic_storage *out, const char *path,
                                             const autolic_sqlite_options *opts);

#ifdef __cplusplus
}
#endif
#endif
