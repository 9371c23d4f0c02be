/**
 * @file autolic/sys/journal.h
 * @brief The journal-file store: the durable built-in storage backend.
 *
 * A journal store keeps the whole key/value state in memory and appends every
 * committed transaction to one file: records framed with their length and a
 * CRC32C, followed by a commit record. A commit returns success only once its
 * bytes are on stable storage (fdatasync); concurrent commits from several
 * threads share one fdatasync (group commit). On open the file is replayed up
 * to the last whole commit; a torn tail left by a crash is cut off, damage
 * before the last durable commit is reported as ::AUTOLIC_ECORRUPT. The file
 * is compacted (live state written to a temporary file, synced, renamed over
 * the journal, directory synced) on request or automatically. The byte layout
 * and the recovery rules are described in @ref journal_format "The journal file".
 *
 * @par Locking
 * A writable open takes an exclusive lock on the file; a second open, from
 * this or another process, fails with ::AUTOLIC_ELOCKED (and names the
 * holder's process id when the system reports it). Read-only opens take a
 * shared lock. Locks are released on close and when the process dies.
 *
 * @par Threads
 * One journal store may be used by several threads (and so by several
 * database handles of one process) at once: transactions are serialised by
 * an internal lock, and commits that arrive together share one fdatasync.
 * Each transaction belongs to the thread that began it.
 *
 * @par Failures
 * After a failed write or fdatasync the store refuses every further
 * transaction with ::AUTOLIC_ESTORAGE (a sticky error) until it is closed and
 * opened again, which re-reads what really is on disk.
 */
#ifndef AUTOLIC_SYS_JOURNAL_H
#define AUTOLIC_SYS_JOURNAL_H

#include "../common.h"
#include "storage.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Current version of ::autolic_journal_options.
 * The library reads and fills only the fields of the version the caller
 * sets in `version`; it refuses 0 and newer versions with ::AUTOLIC_EVERSION (@ref abi). */
#define AUTOLIC_JOURNAL_OPTIONS_VERSION 1

/**
 * @brief Flag: open read-only. The file must exist; it is never written,
 * truncated nor compacted; writes get ::AUTOLIC_EREADONLY. Takes a shared
 * lock, so several read-only opens may coexist but not with a writer.
 */
#define AUTOLIC_JOURNAL_READONLY 0x1u

/**
 * @brief Flag: salvage a damaged journal. Implies ::AUTOLIC_JOURNAL_READONLY.
 * Where a normal open fails with ::AUTOLIC_ECORRUPT, this one succeeds with
 * the state of the last whole commit before the damage.
 */
#define AUTOLIC_JOURNAL_READONLY_SALVAGE 0x2u

/** @brief Flag: never compact automatically (autolic_store_journal_compact() still works). */
#define AUTOLIC_JOURNAL_NO_AUTO_COMPACT 0x4u

/** Default of autolic_journal_options::compact_ratio_percent: compact when dead bytes exceed live
 * bytes. */
#define AUTOLIC_JOURNAL_DEFAULT_COMPACT_RATIO 100u

/** Default of autolic_journal_options::compact_min_bytes: never compact a file smaller than 1 MiB
 * automatically. */
#define AUTOLIC_JOURNAL_DEFAULT_COMPACT_MIN ((uint64_t)1 << 20)

/** Static initialiser for ::autolic_journal_options: all defaults. */
#define AUTOLIC_JOURNAL_OPTIONS_INIT                                                               \
	{                                                                                          \
		AUTOLIC_JOURNAL_OPTIONS_VERSION, 0u, 0u, 0u, NULL                                  \
	}

/**
 * @brief Options for autolic_store_journal_open().
 *
 * Initialise with ::AUTOLIC_JOURNAL_OPTIONS_INIT or
 * autolic_journal_options_init(), then change the fields you need. Zero in a
 * numeric field means "the default".
 */
typedef struct autolic_journal_options {
	unsigned int version; /**< ::AUTOLIC_JOURNAL_OPTIONS_VERSION. */
	unsigned int flags; /**< Bitwise or of AUTOLIC_JOURNAL_* flags; unknown bits are refused. */
	/**
	 * Automatic compaction runs after a commit when the file holds more than
	 * this many dead bytes per hundred live bytes (live bytes: the size the
	 * state would take once compacted). 0 means
	 * ::AUTOLIC_JOURNAL_DEFAULT_COMPACT_RATIO.
	 */
	unsigned int compact_ratio_percent;
	/** Automatic compaction never runs on a file smaller than this; 0 means
	 * ::AUTOLIC_JOURNAL_DEFAULT_COMPACT_MIN. */
	uint64_t compact_min_bytes;
	/** Allocator for the store's memory, or NULL for libc. Copied. */
	const autolic_allocator *allocator;
} autolic_journal_options;

/**
 * @brief Initialise `opts` to the defaults of the given struct version.
 * @param[out] opts the options to fill; must not be NULL.
 * @param version ::AUTOLIC_JOURNAL_OPTIONS_VERSION (or an older version).
 * @return 0; ::AUTOLIC_EINVAL when `opts` is NULL; ::AUTOLIC_EVERSION when
 *         `version` is 0 or newer than this library knows.
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN int autolic_journal_options_init(autolic_journal_options *opts,
                                                unsigned int version);

/**
 * @brief Open (creating it when absent) a journal file as a storage backend.
 *
 * A new file is created with mode 0600 and its directory is synced. An
 * existing file is replayed to its last whole commit; a torn tail is cut off
 * (writable opens only) and the file synced before the call returns. A stale
 * compaction temporary (`path` + ".compact") is removed.
 *
 * @param[out] out filled with the vtable on success (left untouched on
 *             failure). Give it to autolic_db_open(), which then owns it, or
 *             release it with `out->free(out->ctx)`.
 * @param[in] path file name; copied. Its directory must exist.
 * @param[in] opts options, or NULL for all defaults. Not kept.
 * @return 0 on success, or:
 *         - ::AUTOLIC_EINVAL: `out` or `path` NULL or empty, unknown flags,
 *           `path` names a directory or something other than a regular file;
 *         - ::AUTOLIC_EVERSION: `opts->version` unknown, or the file has a
 *           newer format version than this library reads;
 *         - ::AUTOLIC_ELOCKED: another handle or process holds the lock (the
 *           message names the process id when known);
 *         - ::AUTOLIC_ECORRUPT: the file is not a libautolic journal, or it is
 *           damaged before its last durable commit (the message gives the
 *           byte offset; see ::AUTOLIC_JOURNAL_READONLY_SALVAGE);
 *         - ::AUTOLIC_ENOTFOUND: read-only open of a file that does not exist;
 *         - ::AUTOLIC_EBUSY: the file kept being replaced (compacted by its
 *           holder) while this call tried to open and lock it;
 *         - ::AUTOLIC_ESTORAGE: the system refused (permission, full disk,
 *           I/O error); the message carries the system's reason;
 *         - ::AUTOLIC_ENOMEM.
 *         Every failure is described with autolic_storage_set_error(); a file
 *         this call created is removed again when the call fails.
 * @par Thread-safety: safe; the returned store may be shared by threads.
 */
AUTOLIC_EXTERN int autolic_store_journal_open(autolic_storage *out, const char *path,
                                              const autolic_journal_options *opts);

/**
 * @brief Compact a journal now: write the live state to a new file, sync it,
 *        rename it over the journal and sync the directory.
 *
 * Waits for any transaction in progress to end. A crash at any step leaves
 * either the complete old file or the complete new one. When the call fails
 * before the rename, the old file and the store are untouched and usable;
 * when it fails after (the directory sync), the store turns read-refusing
 * with a sticky ::AUTOLIC_ESTORAGE.
 *
 * @param[in] st a store filled by autolic_store_journal_open() (the caller's
 *            copy of the vtable stays valid while a database handle owns it).
 * @return 0; ::AUTOLIC_EINVAL when `st` is not a journal store;
 *         ::AUTOLIC_EREADONLY for a read-only store; ::AUTOLIC_ESTATE when
 *         called by a thread that has a transaction open on it;
 *         ::AUTOLIC_ESTORAGE on an I/O failure or after an earlier sticky
 *         error; ::AUTOLIC_ENOMEM.
 * @par Thread-safety: safe.
 */
AUTOLIC_EXTERN int autolic_store_journal_compact(const autolic_storage *st);

#ifdef __cplusplus
}
#endif
#endif
