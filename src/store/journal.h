/*
 * Internal interface of the journal store: the file-I/O table that tests
 * replace to inject failures and crashes, the replay entry point the store
 * itself uses (so that tests can drive it over mutated buffers), and counters.
 * Nothing here is exported.
 */
#ifndef AL_STORE_JOURNAL_H
#define AL_STORE_JOURNAL_H

#include "autolic/sys/journal.h"

#include <sys/types.h>

/*
 * Every file operation that changes or syncs something goes through this
 * table, as does reading. Each function follows its POSIX namesake: it
 * returns -1 and sets errno on failure. `ctx` is the table's own `ctx`.
 * pwrite may write short; the store loops.
 */
typedef struct al_journal_io {
	int (*open)(const char *path, int flags, mode_t mode, void *ctx);
	ssize_t (*pread)(int fd, void *buf, size_t n, off_t off, void *ctx);
	ssize_t (*pwrite)(int fd, const void *buf, size_t n, off_t off, void *ctx);
	int (*fsync)(int fd, void *ctx);
	int (*fdatasync)(int fd, void *ctx);
	int (*ftruncate)(int fd, off_t len, void *ctx);
	int (*rename)(const char *from, const char *to, void *ctx);
	int (*unlink)(const char *path, void *ctx);
	/* Open the directory, fsync it, close it. */
	int (*fsync_dir)(const char *dir, void *ctx);
	void *ctx;
} al_journal_io;

/* The table of plain system calls. */
const al_journal_io *al_journal_default_io(void);

/* autolic_store_journal_open() with an I/O table (NULL: the default). The
 * table is copied. */
int al_journal_open_io(autolic_storage *out, const char *path, const autolic_journal_options *opts,
                       const al_journal_io *io);

/*
 * Replay. The replayer validates records and hands over the operations of
 * each whole transaction, in order, once its commit record has been checked.
 * A sink function returns 0 or an error code that stops the replay.
 */
typedef struct al_journal_sink {
	int (*put)(void *arg, const void *key, size_t klen, const void *val, size_t vlen);
	int (*del)(void *arg, const void *key, size_t klen);
	int (*commit)(void *arg, uint64_t seq); /* may be NULL */
	void *arg;
} al_journal_sink;

typedef struct al_journal_replay {
	uint64_t generation; /* from the header */
	uint64_t salt;       /* from the header */
	uint64_t base_seq;   /* sequence number before the file's first commit */
	uint64_t last_seq;   /* sequence number of the last commit replayed */
	uint64_t commits;    /* commit records replayed */
	uint64_t good_end;   /* end of the last whole commit (or mark): the valid length */
	uint64_t claimed;    /* largest offset the file itself vouches was synced */
	uint64_t mark_end;   /* end of the last sync mark (0: none) */
	uint64_t damage_off; /* offset of the first invalid record, when `damaged` */
	int damaged;         /* an invalid record was found (torn tail or damage) */
	int corrupt;         /* the damage lies before a durable commit */
	int uninitialised;   /* file shorter than a header and a prefix of one */
	char why[160];       /* what was wrong at damage_off */
} al_journal_replay;

/* Size of the file header, and of the sync mark a clean close appends. */
#define AL_JOURNAL_HEADER_SIZE 64u
#define AL_JOURNAL_MARK_SIZE   28u

/*
 * Replay `len` bytes of a journal image. Returns 0 (check res->damaged for a
 * discarded tail), AUTOLIC_ECORRUPT (res->corrupt; with `salvage` set 0 is
 * returned instead and the sink has seen everything before the damage),
 * AUTOLIC_EVERSION, or the first error of a sink. Sets an error message with
 * autolic_storage_set_error() naming `name` on failure.
 */
int al_journal_replay_buffer(const unsigned char *buf, size_t len, int salvage, const char *name,
                             const al_journal_sink *sink, al_journal_replay *res);

/* The same replay, reading the buffer `chunk` bytes at a time through the
 * window an open uses for a file: the same answers (fuzz_journal and the
 * journal suite compare the two). */
int al_journal_replay_chunked(const unsigned char *buf, size_t len, size_t chunk, int salvage,
                              const char *name, const al_journal_sink *sink,
                              al_journal_replay *res);

/* How many bytes an open reads at a time: 0 (the default) means 1 MiB.
 * Tests make it small so that the window moves and grows on every few
 * records. Set it before opening; it is not synchronised. */
extern size_t al_journal_read_chunk;

/* Counters of one open store, for tests and diagnostics. */
typedef struct al_journal_stats {
	uint64_t file_bytes; /* current length of the journal */
	uint64_t live_bytes; /* what a compacted file would take */
	uint64_t generation;
	uint64_t commits;     /* transactions appended by this handle */
	uint64_t syncs;       /* fdatasync calls made for commits */
	uint64_t compactions; /* completed compactions */
	int sticky;           /* a sticky error is set */
} al_journal_stats;

/* 0, or AUTOLIC_EINVAL when `st` is not a journal store. */
int al_journal_stats_get(const autolic_storage *st, al_journal_stats *out);

#endif
