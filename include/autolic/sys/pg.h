/**
 * @file autolic/sys/pg.h
 * @brief The PostgreSQL storage backend (separate library `libautolic-pg`).
 *
 * An optional backend built only when libpq is found. It lives in its own
 * shared library, `libautolic-pg` (pkg-config name `autolic-pg`), which
 * depends on `libautolic` and `libpq`; the core library itself never depends
 * on PostgreSQL. Hosts may use it as it is or copy it as an example of a
 * backend over a client/server database shared by several machines.
 *
 * @par Storage layout
 * One table, `autolic_kv (k bytea PRIMARY KEY, v bytea NOT NULL)`, and a
 * one-row table `autolic_meta` that records the schema version (1). Both are
 * created when missing, in the first schema of the connection's
 * `search_path` (choose another schema with `options='-csearch_path=...'` in
 * the connection string). bytea compares with memcmp and then by length,
 * which is exactly the key order of the storage contract
 * (include/autolic/sys/storage.h). A database holding a newer schema is
 * refused with ::AUTOLIC_EVERSION.
 *
 * @par Transactions and concurrency
 * A write transaction is `BEGIN ISOLATION LEVEL SERIALIZABLE`; a read-only
 * one is `BEGIN ISOLATION LEVEL SERIALIZABLE, READ ONLY` (not DEFERRABLE: a
 * read never waits for writers); with ::AUTOLIC_PG_KEY_LOCKS, READ COMMITTED
 * with key locks and REPEATABLE READ, READ ONLY. Writes are sent with the
 * next read or with the COMMIT, in one pipeline: a call costs one round trip
 * per read that reaches the server plus one. A serialisation failure (SQLSTATE 40001), a
 * deadlock (40P01) or a lock time-out (55P03) is answered with
 * ::AUTOLIC_ECONFLICT, upon which the library rolls back and retries the
 * whole call. Savepoints map to `SAVEPOINT` / `RELEASE` / `ROLLBACK TO`. All
 * statements are prepared once per connection and use binary parameters;
 * scans read the range in chunks ordered by key, never the whole table at
 * once.
 *
 * @par Connection loss
 * A connection lost inside a transaction fails the call with
 * ::AUTOLIC_ESTORAGE; the server discards the transaction, so nothing of the
 * call is applied. A connection lost while the `COMMIT` was under way fails
 * the call with ::AUTOLIC_ESTORAGE and a message saying that the outcome is
 * unknown: the call may or may not have been applied (see
 * @ref pg_backend "The PostgreSQL backend" for how a host handles it). The backend reconnects
 * (once) at the start of the next transaction, never in the middle of one.
 *
 * @par Threads and processes
 * One backend (one PostgreSQL connection) belongs to one database handle;
 * the library serialises the calls into it. Any number of handles, in any
 * number of processes on any number of machines, may share one database,
 * each with its own backend. A connection must not be carried across fork():
 * open it in the process that uses it.
 *
 * @par Python
 * The Python binding loads only `libautolic`; it declares nothing of this
 * library.
 */
#ifndef AUTOLIC_SYS_PG_H
#define AUTOLIC_SYS_PG_H

#include "../common.h"
#include "storage.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Current version of ::autolic_pg_options. */
#define AUTOLIC_PG_OPTIONS_VERSION 1

/** Default of autolic_pg_options::connect_timeout_s when the connection string sets none. */
#define AUTOLIC_PG_DEFAULT_CONNECT_TIMEOUT_S 10u

/**
 * @brief Flag for autolic_pg_options::flags: key locks instead of SERIALIZABLE.
 *
 * Write transactions run at READ COMMITTED and take advisory locks on what
 * they touch (the key, and for writes and scans the record's owner — the
 * key's first byte and the 8 bytes after it —, its record type and the
 * store), shared for reads and exclusive for writes, held until the end of
 * the transaction (two-phase locking); read-only transactions read one REPEATABLE READ snapshot.
 * Calls on different owners (teams, contracts, accounts) never wait for nor abort each other; calls
 * on one owner queue instead of failing and retrying. Every handle of a database must use the same
 * mode (see
 * @ref scaling "When one machine is not enough"): the first open with the
 * flag records it in `autolic_meta` (row `key_locks`), and an open without
 * it is then refused with ::AUTOLIC_EINVAL.
 */
#define AUTOLIC_PG_KEY_LOCKS 0x1u

/** Static initialiser for ::autolic_pg_options: all defaults. */
#define AUTOLIC_PG_OPTIONS_INIT                                                                    \
	{                                                                                          \
		AUTOLIC_PG_OPTIONS_VERSION, 0u, 0u, 0u, 0u                                         \
	}

/**
 * @brief Options for autolic_store_pg_open().
 *
 * Initialise with ::AUTOLIC_PG_OPTIONS_INIT or autolic_pg_options_init(), then
 * change the fields you need. Zero in a field means "the default".
 */
typedef struct autolic_pg_options {
	unsigned int version;              /**< ::AUTOLIC_PG_OPTIONS_VERSION. */
	unsigned int flags;                /**< 0, or ::AUTOLIC_PG_KEY_LOCKS (other bits are
	                                        refused). */
	unsigned int connect_timeout_s;    /**< Seconds to wait for a connection (at open and
	                                        at each reconnect); 0 means the connection
	                                        string's `connect_timeout`, or
	                                        ::AUTOLIC_PG_DEFAULT_CONNECT_TIMEOUT_S when it
	                                        sets none. */
	unsigned int statement_timeout_ms; /**< PostgreSQL's `statement_timeout` for the
	                                        session: a statement running longer is
	                                        cancelled and the call fails with
	                                        ::AUTOLIC_ESTORAGE; 0 keeps the server's
	                                        setting. */
	unsigned int lock_timeout_ms;      /**< PostgreSQL's `lock_timeout` for the session: a
	                                        row lock awaited longer is answered with
	                                        ::AUTOLIC_ECONFLICT (the call is retried);
	                                        0 keeps the server's setting. */
} autolic_pg_options;

/**
 * @brief Initialise `opts` to the defaults of the given struct version.
 * @param[out] opts the options to fill; must not be NULL.
 * @param version ::AUTOLIC_PG_OPTIONS_VERSION (or an older version).
 * @return 0; ::AUTOLIC_EINVAL when `opts` is NULL; ::AUTOLIC_EVERSION when
 *         `version` is 0 or newer than this library knows.
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN int autolic_pg_options_init(autolic_pg_options *opts, unsigned int version);

/**
 * @brief Connect to a PostgreSQL database and use it as a storage backend.
 *
 * Connects, applies the session options, creates the tables when missing
 * (under an advisory lock, so that concurrent first opens agree), checks the
 * schema version and prepares the statements.
 *
 * @param[out] out filled with the vtable on success (left untouched on
 *             failure); give it to autolic_db_open(), which then owns it, or
 *             release it with `out->free(out->ctx)`.
 * @param conninfo a libpq connection string, keyword/value
 *             (`"host=db1 dbname=licences user=app"`) or URI
 *             (`"postgresql://app@db1/licences"`); multi-host strings with
 *             `target_session_attrs=read-write` are fine. It is never copied
 *             into a message (it may hold a password).
 * @param opts options, or NULL for the defaults.
 * @return 0; ::AUTOLIC_EINVAL (`out` or `conninfo` NULL, a malformed
 *         connection string, unknown flags, no ::AUTOLIC_PG_KEY_LOCKS on a
 *         database used with it); ::AUTOLIC_EVERSION (options
 *         version unknown, or the database holds a newer schema);
 *         ::AUTOLIC_ENOMEM; ::AUTOLIC_EREADONLY (the tables are missing and the
 *         session is read-only); ::AUTOLIC_ESTORAGE (cannot connect, refused
 *         authentication, missing privileges, other server failures).
 *         autolic_errmsg() then gives PostgreSQL's own explanation.
 * @par Thread-safety: safe; the returned backend belongs to one database handle.
 */
AUTOLIC_EXTERN int autolic_store_pg_open(autolic_storage *out, const char *conninfo,
                                         const autolic_pg_options *opts);

#ifdef __cplusplus
}
#endif
#endif
