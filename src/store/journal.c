/*
 * The journal-file store. The live state is an al_map in memory; the file is
 * an append-only log of framed records (see docs/journal-format.md):
 *
 *   header (64 bytes) | record* ;  record = 12-byte frame | payload
 *
 * A write transaction encodes its records into a buffer as it goes; commit
 * appends the buffer plus a commit record in one write under the transaction
 * lock, lets the next transaction start, and then waits for an fdatasync that
 * covers its bytes. The first waiter to find no sync running runs one for
 * everybody who has appended so far (leader/follower group commit).
 *
 * Each commit record states how far the file was already known to be synced
 * when it was written. On replay, damage at offset X is a torn tail when no
 * valid later record vouches for X having been synced, and corruption
 * otherwise: a crash can only tear bytes that were never synced.
 *
 * This file is the store: writing, group commit, compaction, the vtable and
 * opening. The replay is src/store/journal_replay.c; the format helpers both
 * share are in src/store/journal_internal.h.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "journal_internal.h"

#include "core/crc32c.h"
#include "core/error.h"
#include "core/structs.h"
#include "map.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- the store --------------------------------------------------------- */

typedef struct jr_save {
	size_t len;
	uint32_t ops;
} jr_save;

typedef struct jr {
	autolic_allocator alloc;
	al_journal_io io;
	char *path, *dir, *tmp_path;
	unsigned int flags;
	unsigned int ratio;
	uint64_t min_bytes;
	int readonly;
	int fd;
	al_map *map;

	/* format state of the current file */
	uint64_t generation, salt;
	al_gen_keys keys;
	uint64_t seq;         /* last committed sequence number */
	uint64_t append_off;  /* end of what has been written */
	uint64_t durable_off; /* end of what is known synced */
	uint64_t claimed;     /* largest synced-to value recorded in the file */
	uint64_t mark_end;    /* end of the last sync mark */
	uint64_t next_auto;   /* no automatic compaction before the file reaches this */

	pthread_mutex_t mu;
	pthread_cond_t txn_cv;
	pthread_cond_t sync_cv;
	int txn_active, txn_write;
	pthread_t owner;
	int syncing;
	int sticky;
	char sticky_msg[256];

	unsigned char *tx;
	size_t tx_len, tx_cap;
	uint32_t tx_ops;
	jr_save *sp;
	size_t sp_n, sp_cap;

	uint64_t n_commits, n_syncs, n_compactions;
} jr;

static int jr_begin(void *ctx, int write);

void *al_journal_lc_malloc(size_t n, void *ctx)
{
	(void)ctx;
	return malloc(n);
}
void *al_journal_lc_realloc(void *p, size_t n, void *ctx)
{
	(void)ctx;
	return realloc(p, n);
}
void al_journal_lc_free(void *p, void *ctx)
{
	(void)ctx;
	free(p);
}

static const char *errtext(int e, char *buf, size_t n)
{
#if defined(__GLIBC__) && defined(_GNU_SOURCE)
	return strerror_r(e, buf, n);
#else
	if (strerror_r(e, buf, n) != 0)
		snprintf(buf, n, "error %d", e);
	return buf;
#endif
}

/* ---- default I/O ---- */

static int sys_open(const char *path, int flags, mode_t mode, void *ctx)
{
	(void)ctx;
	return open(path, flags, mode);
}
static ssize_t sys_pread(int fd, void *buf, size_t n, off_t off, void *ctx)
{
	(void)ctx;
	return pread(fd, buf, n, off);
}
static ssize_t sys_pwrite(int fd, const void *buf, size_t n, off_t off, void *ctx)
{
	(void)ctx;
	return pwrite(fd, buf, n, off);
}
static int sys_fsync(int fd, void *ctx)
{
	(void)ctx;
	return fsync(fd);
}
static int sys_fdatasync(int fd, void *ctx)
{
	(void)ctx;
	return fdatasync(fd);
}
static int sys_ftruncate(int fd, off_t len, void *ctx)
{
	(void)ctx;
	return ftruncate(fd, len);
}
static int sys_rename(const char *from, const char *to, void *ctx)
{
	(void)ctx;
	return rename(from, to);
}
static int sys_unlink(const char *path, void *ctx)
{
	(void)ctx;
	return unlink(path);
}
static int sys_fsync_dir(const char *dir, void *ctx)
{
	(void)ctx;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	int e = errno;
	close(fd);
	errno = e;
	return rc;
}

static const al_journal_io default_io = {sys_open,      sys_pread,     sys_pwrite, sys_fsync,
                                         sys_fdatasync, sys_ftruncate, sys_rename, sys_unlink,
                                         sys_fsync_dir, NULL};

const al_journal_io *al_journal_default_io(void)
{
	return &default_io;
}

static int write_all(jr *j, int fd, const unsigned char *p, size_t n, uint64_t off)
{
	while (n) {
		ssize_t w = j->io.pwrite(fd, p, n, (off_t)off, j->io.ctx);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (w == 0) {
			errno = ENOSPC;
			return -1;
		}
		p += w;
		n -= (size_t)w;
		off += (uint64_t)w;
	}
	return 0;
}

/* ---- locking ---- */

#ifdef F_OFD_SETLK
/* A lock of type `type` on the one byte at `start`. */
static struct flock byte_lock(short type, off_t start)
{
	struct flock fl;
	memset(&fl, 0, sizeof fl);
	fl.l_type = type;
	fl.l_whence = SEEK_SET;
	fl.l_start = start;
	fl.l_len = 1;
	return fl;
}
#endif

/*
 * Exclusion uses an open-file-description lock on byte 0 (it conflicts
 * between handles of one process too, and is released when the descriptor
 * closes or the process dies). A classic process lock on byte 1 only
 * advertises the holder's pid, which F_GETLK can report.
 */
static int lock_fd(int fd, int exclusive, const char *path)
{
	short type = exclusive ? F_WRLCK : F_RDLCK;
#ifdef F_OFD_SETLK
	struct flock fl = byte_lock(type, 0);
	if (fcntl(fd, F_OFD_SETLK, &fl) == 0) {
		struct flock ad = byte_lock(type, 1);
		(void)fcntl(fd, F_SETLK, &ad); /* advisory pid only */
		return 0;
	}
	int e = errno;
	if (e == EAGAIN || e == EACCES) {
		struct flock q = byte_lock(F_WRLCK, 1);
		if (fcntl(fd, F_GETLK, &q) == 0 && q.l_type != F_UNLCK && q.l_pid > 0)
			autolic_storage_set_error("journal '%s' is locked by process %ld", path,
			                          (long)q.l_pid);
		else
			autolic_storage_set_error("journal '%s' is locked by another open handle "
			                          "(in this process, or one whose id is unknown)",
			                          path);
		return AUTOLIC_ELOCKED;
	}
#else
	if (flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0)
		return 0;
	int e = errno;
	if (e == EWOULDBLOCK) {
		autolic_storage_set_error("journal '%s' is locked by another open handle", path);
		return AUTOLIC_ELOCKED;
	}
#endif
	char eb[128];
	autolic_storage_set_error("journal '%s': cannot lock: %s", path, errtext(e, eb, sizeof eb));
	return AUTOLIC_ESTORAGE;
}

/* ---- helpers under the mutex ---- */

static void set_sticky(jr *j, const char *what, int e)
{
	char eb[128];
	if (!j->sticky) {
		j->sticky = 1;
		snprintf(
		    j->sticky_msg, sizeof j->sticky_msg,
		    "journal '%s': %s failed (%s); the store refuses further transactions until "
		    "it is closed and reopened",
		    j->path, what, errtext(e, eb, sizeof eb));
	}
	autolic_storage_set_error("%s", j->sticky_msg);
}

static int refuse_sticky(jr *j)
{
	autolic_storage_set_error("%s", j->sticky_msg);
	return AUTOLIC_ESTORAGE;
}

/* Wait (mutex held) until every byte below `target` is synced, running the
 * sync ourselves when nobody else is. */
static int wait_durable(jr *j, uint64_t target)
{
	/* Offsets belong to one file. A compaction starts only once everything
	 * is synced, so a target from before it is met whatever the offsets of
	 * the new file say. */
	const uint64_t gen = j->generation;
	while (j->generation == gen && j->durable_off < target) {
		if (j->sticky)
			return refuse_sticky(j);
		if (j->syncing) {
			pthread_cond_wait(&j->sync_cv, &j->mu);
			continue;
		}
		j->syncing = 1;
		uint64_t upto = j->append_off;
		int fd = j->fd;
		pthread_mutex_unlock(&j->mu);
		int rc = j->io.fdatasync(fd, j->io.ctx);
		int e = errno;
		pthread_mutex_lock(&j->mu);
		j->syncing = 0;
		j->n_syncs++;
		/* One sync at a time, and it started below upto: a success moves
		 * durable_off forward. */
		if (rc != 0)
			set_sticky(j, "fdatasync", e);
		else
			j->durable_off = upto;
		pthread_cond_broadcast(&j->sync_cv);
	}
	return 0;
}

/* Wait for the transaction lock and take it (mutex held; the calling thread
 * does not hold it). */
static void txn_wait(jr *j)
{
	while (j->txn_active)
		pthread_cond_wait(&j->txn_cv, &j->mu);
	j->txn_active = 1;
	j->owner = pthread_self();
	j->txn_write = 0;
}

/* The same for a caller that may already hold it: that is refused. */
static int txn_acquire(jr *j)
{
	if (j->txn_active && pthread_equal(j->owner, pthread_self())) {
		autolic_storage_set_error(
		    "journal '%s': this thread already has a transaction open", j->path);
		return AUTOLIC_ESTATE;
	}
	txn_wait(j);
	return 0;
}

static void txn_release(jr *j)
{
	j->txn_active = 0;
	j->tx_len = 0;
	j->tx_ops = 0;
	j->sp_n = 0;
	pthread_cond_broadcast(&j->txn_cv);
}

/* Is the calling thread the owner of the open transaction? (mutex not held) */
static int txn_mine(jr *j)
{
	pthread_mutex_lock(&j->mu);
	int ok = j->txn_active && pthread_equal(j->owner, pthread_self());
	pthread_mutex_unlock(&j->mu);
	if (!ok)
		autolic_storage_set_error("journal '%s': no transaction open on this thread",
		                          j->path);
	return ok;
}

static int tx_reserve(jr *j, size_t extra)
{
#if SIZE_MAX <= UINT32_MAX
	/* extra is at most a frame plus MAX_PAYLOAD, and tx_len no more than was
	 * allocated: only a 32-bit size_t can overflow here. */
	if (extra > SIZE_MAX - j->tx_len)
		return AUTOLIC_ENOMEM;
#endif
	size_t need = j->tx_len + extra;
	if (need <= j->tx_cap)
		return 0;
	size_t cap = j->tx_cap ? j->tx_cap : 4096;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	unsigned char *p = j->alloc.realloc_fn(j->tx, cap, j->alloc.ctx);
	if (!p) {
		autolic_storage_set_error("journal '%s': out of memory for the transaction buffer",
		                          j->path);
		return AUTOLIC_ENOMEM;
	}
	j->tx = p;
	j->tx_cap = cap;
	return 0;
}

static uint64_t live_estimate(const jr *j)
{
	uint64_t n = al_map_count(j->map);
	return HDR_SIZE + n * (FRAME + 4) + al_map_payload(j->map) +
	       (n / SNAPSHOT_TXN_OPS + 1) * (FRAME + COMMIT_LEN) + FRAME + MARK_LEN;
}

/* ---- compaction ---- */

typedef struct snap {
	jr *j;
	int fd;
	al_gen_keys keys;
	unsigned char *buf;
	size_t len, cap;
	uint64_t off; /* file offset of buf[0] */
	uint64_t seq;
	uint32_t ops;
	int err; /* errno of a failed write */
} snap;

static int snap_flush(snap *s)
{
	if (write_all(s->j, s->fd, s->buf, s->len, s->off) != 0) {
		s->err = errno;
		return AUTOLIC_ESTORAGE;
	}
	s->off += s->len;
	s->len = 0;
	return 0;
}

static int snap_room(snap *s, size_t n)
{
	if (s->len + n <= s->cap)
		return 0;
	int rc = snap_flush(s);
	if (rc)
		return rc;
	if (n > s->cap) {
		unsigned char *p = s->j->alloc.realloc_fn(s->buf, n, s->j->alloc.ctx);
		if (!p)
			return AUTOLIC_ENOMEM;
		s->buf = p;
		s->cap = n;
	}
	return 0;
}

static int snap_commit(snap *s)
{
	int rc = snap_room(s, FRAME + COMMIT_LEN);
	if (rc)
		return rc;
	unsigned char pl[COMMIT_LEN];
	uint64_t at = s->off + s->len;
	memset(pl, 0, sizeof pl);
	put64(pl, ++s->seq);
	/* The whole file is synced before it replaces the journal. */
	put64(pl + 8, at);
	put32(pl + 16, s->ops);
	frame_encode(s->buf + s->len, REC_COMMIT, &s->keys, pl, sizeof pl, NULL, 0, NULL, 0);
	s->len += FRAME + COMMIT_LEN;
	s->ops = 0;
	return 0;
}

static int snap_entry(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	snap *s = arg;
	int rc = snap_room(s, put_size(klen, vlen));
	if (rc)
		return rc;
	unsigned char kl[4];
	put32(kl, (uint32_t)klen);
	frame_encode(s->buf + s->len, REC_PUT, &s->keys, kl, 4, key, klen, val, vlen);
	s->len += put_size(klen, vlen);
	if (++s->ops == SNAPSHOT_TXN_OPS)
		return snap_commit(s);
	return 0;
}

static uint64_t fresh_salt(uint64_t avoid)
{
	uint64_t s = 0;
	for (int tries = 0; tries < 4; tries++) {
		if (getrandom(&s, sizeof s, GRND_NONBLOCK) == (ssize_t)sizeof s && s && s != avoid)
			return s;
	}
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	s = (uint64_t)ts.tv_nsec * 0x9E3779B97F4A7C15ull ^ (uint64_t)ts.tv_sec ^
	    (uint64_t)getpid() << 32 ^ (uint64_t)(uintptr_t)&s;
	return s && s != avoid ? s : avoid + 0x9E3779B97F4A7C15ull;
}

/*
 * Write the map as a snapshot into the temporary file, sync it, rename it
 * over the journal, sync the directory, and switch to it. Called with the
 * mutex held and the transaction lock owned by this thread, everything
 * appended already synced.
 */
static int compact_locked(jr *j)
{
	/* Once everything appended is synced no sync is running, and none can
	 * start: one starts only below append_off, which cannot grow while we
	 * hold the transaction lock. So the old descriptor is ours to close. */
	int rc = wait_durable(j, j->append_off);
	if (rc)
		return rc;
	pthread_mutex_unlock(&j->mu);

	char eb[128];
	const char *step = NULL;
	int e = 0;
	snap s;
	memset(&s, 0, sizeof s);
	s.j = j;
	uint64_t gen = j->generation + 1, salt = fresh_salt(j->salt);
	s.keys = keys_for(gen, salt);
	s.seq = j->seq;
	s.cap = 256 * 1024;
	s.buf = j->alloc.malloc_fn(s.cap, j->alloc.ctx);
	s.fd = -1;
	if (!s.buf) {
		rc = AUTOLIC_ENOMEM;
		goto fail;
	}
	s.fd = j->io.open(j->tmp_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600, j->io.ctx);
	if (s.fd < 0) {
		e = errno;
		step = "creating the temporary file";
		rc = AUTOLIC_ESTORAGE;
		goto fail;
	}
	rc = lock_fd(s.fd, 1, j->tmp_path);
	if (rc)
		goto fail_quiet;
	header_encode(s.buf, gen, salt, j->seq);
	s.len = HDR_SIZE;
	rc = al_map_scan(j->map, "", 0, NULL, 0, snap_entry, &s);
	if (!rc && s.ops)
		rc = snap_commit(&s);
	if (!rc) {
		/* A mark vouching for the whole snapshot, so that damage anywhere in
		 * it reads as corruption, never as a torn tail. */
		rc = snap_room(&s, FRAME + MARK_LEN);
		if (!rc) {
			unsigned char pl[MARK_LEN];
			uint64_t at = s.off + s.len;
			put64(pl, s.seq);
			put64(pl + 8, at);
			frame_encode(s.buf + s.len, REC_MARK, &s.keys, pl, sizeof pl, NULL, 0, NULL,
			             0);
			s.len += FRAME + MARK_LEN;
			rc = snap_flush(&s);
		}
	}
	if (rc) {
		e = s.err;
		step = "writing the snapshot";
		goto fail;
	}
	struct stat st;
	if (fstat(j->fd, &st) == 0 && (st.st_mode & 07777) != 0600)
		(void)fchmod(s.fd, st.st_mode & 07777);
	if (j->io.fsync(s.fd, j->io.ctx) != 0) {
		e = errno;
		step = "syncing the snapshot";
		rc = AUTOLIC_ESTORAGE;
		goto fail;
	}
	if (j->io.rename(j->tmp_path, j->path, j->io.ctx) != 0) {
		e = errno;
		step = "renaming the snapshot over the journal";
		rc = AUTOLIC_ESTORAGE;
		goto fail;
	}
	/* From here the path names the new file: switch to it whatever follows. */
	int dir_rc = j->io.fsync_dir(j->dir, j->io.ctx);
	int dir_e = errno;
	pthread_mutex_lock(&j->mu);
	close(j->fd);
	j->fd = s.fd;
	j->generation = gen;
	j->salt = salt;
	j->keys = s.keys;
	j->seq = s.seq;
	j->append_off = j->durable_off = j->claimed = j->mark_end = s.off;
	j->n_compactions++;
	j->alloc.free_fn(s.buf, j->alloc.ctx);
	if (dir_rc != 0) {
		set_sticky(j, "syncing the directory after compaction", dir_e);
		return AUTOLIC_ESTORAGE;
	}
	return 0;

fail: /* every failure but ENOMEM names its step */
	if (rc == AUTOLIC_ENOMEM)
		autolic_storage_set_error("journal '%s': out of memory while compacting", j->path);
	else
		autolic_storage_set_error("journal '%s': compaction failed %s: %s (the journal is "
		                          "unchanged)",
		                          j->path, step, errtext(e, eb, sizeof eb));
fail_quiet:
	if (s.fd >= 0) {
		close(s.fd);
		(void)j->io.unlink(j->tmp_path, j->io.ctx);
	}
	j->alloc.free_fn(s.buf, j->alloc.ctx);
	pthread_mutex_lock(&j->mu);
	return rc;
}

/* After a commit (mutex held, no transaction owned): compact when due. */
static void maybe_auto_compact(jr *j)
{
	/* (A commit that wrote something was made on a writable handle.) */
	if ((j->flags & AUTOLIC_JOURNAL_NO_AUTO_COMPACT) || j->sticky ||
	    j->append_off < j->min_bytes || j->append_off < j->next_auto)
		return;
	txn_wait(j); /* the committing thread has just released it */
	uint64_t live = live_estimate(j);
	uint64_t due = live + live / 100 * j->ratio + (live % 100) * j->ratio / 100;
	if (j->append_off > due && !j->sticky) {
		if (compact_locked(j) != 0 && !j->sticky)
			j->next_auto = j->append_off * 2; /* back off; the journal is intact */
	} else {
		j->next_auto = due > j->min_bytes ? due : j->min_bytes;
	}
	txn_release(j);
}

/* ---- vtable ---- */

/*
 * A reader takes the transaction lock only at a moment when everything
 * appended is synced, so that it never sees a commit that could still fail,
 * and never holds up writers while it waits for a sync.
 */
static int reader_acquire(jr *j)
{
	if (j->txn_active && pthread_equal(j->owner, pthread_self()))
		return txn_acquire(j); /* reports the nesting */
	for (;;) {
		int rc = wait_durable(j, j->append_off);
		if (rc)
			return rc;
		if (!j->txn_active && j->durable_off >= j->append_off) {
			txn_wait(j);
			return 0;
		}
		if (j->txn_active)
			pthread_cond_wait(&j->txn_cv, &j->mu);
	}
}

static int jr_begin(void *ctx, int write)
{
	jr *j = ctx;
	pthread_mutex_lock(&j->mu);
	int rc;
	if (j->sticky)
		rc = refuse_sticky(j);
	else
		rc = write ? txn_acquire(j) : reader_acquire(j);
	if (!rc && j->sticky) {
		txn_release(j);
		rc = refuse_sticky(j);
	}
	if (!rc) {
		j->txn_write = write != 0;
		al_map_txn_begin(j->map);
	}
	pthread_mutex_unlock(&j->mu);
	return rc;
}

static int jr_get(void *ctx, const void *key, size_t klen, const void **val, size_t *vlen)
{
	jr *j = ctx;
	if (!txn_mine(j))
		return AUTOLIC_ESTATE;
	return al_map_get(j->map, key, klen, val, vlen);
}

static int check_writable(jr *j)
{
	if (!txn_mine(j))
		return AUTOLIC_ESTATE;
	if (j->readonly) {
		autolic_storage_set_error("journal '%s' is open read-only", j->path);
		return AUTOLIC_EREADONLY;
	}
	if (!j->txn_write) {
		autolic_storage_set_error("journal '%s': write inside a read-only transaction",
		                          j->path);
		return AUTOLIC_EREADONLY;
	}
	return 0;
}

static int jr_put(void *ctx, const void *key, size_t klen, const void *val, size_t vlen)
{
	jr *j = ctx;
	int rc = check_writable(j);
	if (rc)
		return rc;
	/* The commit record counts operations in 32 bits (like jr_del). */
	if (klen > MAX_PAYLOAD - 4 || vlen > MAX_PAYLOAD - 4 - klen || j->tx_ops == UINT32_MAX) {
		autolic_storage_set_error("journal '%s': key and value too large (%zu + %zu bytes; "
		                          "at most %u per record) or transaction too long",
		                          j->path, klen, vlen, (unsigned)(MAX_PAYLOAD - 4));
		return AUTOLIC_EINVAL;
	}
	size_t n = put_size(klen, vlen);
	rc = tx_reserve(j, n);
	if (rc)
		return rc;
	rc = al_map_put(j->map, key, klen, val, vlen); /* sizes checked: only ENOMEM */
	if (rc) {
		autolic_storage_set_error("journal '%s': out of memory", j->path);
		return rc;
	}
	unsigned char kl[4];
	put32(kl, (uint32_t)klen);
	frame_encode(j->tx + j->tx_len, REC_PUT, &j->keys, kl, 4, key, klen, val, vlen);
	j->tx_len += n;
	j->tx_ops++;
	return 0;
}

static int jr_del(void *ctx, const void *key, size_t klen)
{
	jr *j = ctx;
	int rc = check_writable(j);
	if (rc)
		return rc;
	if (klen > MAX_PAYLOAD || j->tx_ops == UINT32_MAX) {
		autolic_storage_set_error("journal '%s': key too large or transaction too long",
		                          j->path);
		return AUTOLIC_EINVAL;
	}
	rc = tx_reserve(j, FRAME + klen);
	if (rc)
		return rc;
	rc = al_map_del(j->map, key, klen);
	if (rc) {
		if (rc == AUTOLIC_ENOMEM)
			autolic_storage_set_error("journal '%s': out of memory", j->path);
		return rc;
	}
	frame_encode(j->tx + j->tx_len, REC_DEL, &j->keys, key, klen, NULL, 0, NULL, 0);
	j->tx_len += FRAME + klen;
	j->tx_ops++;
	return 0;
}

static int jr_scan(void *ctx, const void *start, size_t slen, const void *end, size_t elen,
                   autolic_storage_scan_cb cb, void *arg)
{
	jr *j = ctx;
	if (!txn_mine(j))
		return AUTOLIC_ESTATE;
	return al_map_scan(j->map, start, slen, end, elen, cb, arg);
}

static int jr_commit(void *ctx)
{
	jr *j = ctx;
	if (!txn_mine(j))
		return AUTOLIC_ESTATE;
	int rc;
	if (!j->tx_ops) {
		/* Nothing to write; still answer only for durable state. */
		pthread_mutex_lock(&j->mu);
		al_map_txn_commit(j->map);
		txn_release(j);
		rc = j->txn_write ? wait_durable(j, j->append_off) : 0;
		pthread_mutex_unlock(&j->mu);
		return rc;
	}
	rc = tx_reserve(j, FRAME + COMMIT_LEN);
	if (rc) {
		pthread_mutex_lock(&j->mu);
		al_map_txn_rollback(j->map);
		txn_release(j);
		pthread_mutex_unlock(&j->mu);
		return rc;
	}
	pthread_mutex_lock(&j->mu);
	uint64_t off = j->append_off, claim = j->durable_off;
	int fd = j->fd;
	pthread_mutex_unlock(&j->mu);

	unsigned char pl[COMMIT_LEN];
	memset(pl, 0, sizeof pl);
	put64(pl, j->seq + 1);
	put64(pl + 8, claim);
	put32(pl + 16, j->tx_ops);
	frame_encode(j->tx + j->tx_len, REC_COMMIT, &j->keys, pl, sizeof pl, NULL, 0, NULL, 0);
	size_t n = j->tx_len + FRAME + COMMIT_LEN;
	int wrc = write_all(j, fd, j->tx, n, off);
	int e = errno;

	pthread_mutex_lock(&j->mu);
	if (wrc != 0) {
		set_sticky(j, "writing a commit", e);
		al_map_txn_rollback(j->map);
		txn_release(j);
		pthread_mutex_unlock(&j->mu);
		return AUTOLIC_ESTORAGE;
	}
	j->append_off = off + n;
	if (claim > j->claimed)
		j->claimed = claim;
	j->seq++;
	j->n_commits++;
	al_map_txn_commit(j->map);
	uint64_t target = j->append_off;
	txn_release(j);
	rc = wait_durable(j, target);
	if (!rc)
		maybe_auto_compact(j);
	pthread_mutex_unlock(&j->mu);
	return rc;
}

static int jr_rollback(void *ctx)
{
	jr *j = ctx;
	pthread_mutex_lock(&j->mu);
	if (j->txn_active && pthread_equal(j->owner, pthread_self())) {
		al_map_txn_rollback(j->map);
		txn_release(j);
	}
	pthread_mutex_unlock(&j->mu);
	return 0;
}

static int jr_savepoint(void *ctx)
{
	jr *j = ctx;
	if (!txn_mine(j))
		return AUTOLIC_ESTATE;
	if (j->sp_n == j->sp_cap) {
		size_t cap = j->sp_cap ? j->sp_cap * 2 : 8;
		jr_save *p = j->alloc.realloc_fn(j->sp, cap * sizeof *p, j->alloc.ctx);
		if (!p) {
			autolic_storage_set_error("journal '%s': out of memory for a savepoint",
			                          j->path);
			return AUTOLIC_ENOMEM;
		}
		j->sp = p;
		j->sp_cap = cap;
	}
	int rc = al_map_savepoint(j->map); /* inside a transaction: only ENOMEM */
	if (rc) {
		autolic_storage_set_error("journal '%s': out of memory for a savepoint", j->path);
		return rc;
	}
	j->sp[j->sp_n].len = j->tx_len;
	j->sp[j->sp_n].ops = j->tx_ops;
	j->sp_n++;
	return 0;
}

/* A release or rollback needs a savepoint of this thread's transaction. */
static int savepoint_open(jr *j, const char *what)
{
	if (!txn_mine(j))
		return AUTOLIC_ESTATE;
	if (!j->sp_n) {
		autolic_storage_set_error("journal '%s': no savepoint to %s", j->path, what);
		return AUTOLIC_ESTATE;
	}
	return 0;
}

static int jr_release(void *ctx)
{
	jr *j = ctx;
	int rc = savepoint_open(j, "release");
	if (rc)
		return rc;
	(void)al_map_release(j->map); /* the map holds one savepoint per entry of sp */
	j->sp_n--;
	return 0;
}

static int jr_rollback_to(void *ctx)
{
	jr *j = ctx;
	int rc = savepoint_open(j, "roll back to");
	if (rc)
		return rc;
	(void)al_map_rollback_to(j->map);
	j->sp_n--;
	j->tx_len = j->sp[j->sp_n].len;
	j->tx_ops = j->sp[j->sp_n].ops;
	return 0;
}

static void jr_destroy(jr *j)
{
	if (j->fd >= 0)
		close(j->fd);
	al_map_free(j->map);
	pthread_mutex_destroy(&j->mu);
	pthread_cond_destroy(&j->txn_cv);
	pthread_cond_destroy(&j->sync_cv);
	autolic_allocator a = j->alloc;
	a.free_fn(j->tx, a.ctx);
	a.free_fn(j->sp, a.ctx);
	a.free_fn(j->path, a.ctx);
	a.free_fn(j->dir, a.ctx);
	a.free_fn(j->tmp_path, a.ctx);
	a.free_fn(j, a.ctx);
}

static void jr_free(void *ctx)
{
	jr *j = ctx;
	if (!j)
		return;
	pthread_mutex_lock(&j->mu);
	if (j->txn_active)
		al_map_txn_rollback(j->map);
	/* Leave a mark vouching for everything written, so that later damage
	 * anywhere in the file reads as corruption rather than a torn tail. */
	if (!j->readonly && !j->sticky && j->claimed < j->append_off &&
	    j->mark_end != j->append_off && j->durable_off == j->append_off) {
		unsigned char rec[FRAME + MARK_LEN], pl[MARK_LEN];
		put64(pl, j->seq);
		put64(pl + 8, j->append_off);
		frame_encode(rec, REC_MARK, &j->keys, pl, sizeof pl, NULL, 0, NULL, 0);
		if (write_all(j, j->fd, rec, sizeof rec, j->append_off) == 0)
			(void)j->io.fdatasync(j->fd, j->io.ctx);
	}
	pthread_mutex_unlock(&j->mu);
	jr_destroy(j);
}

/* ---- open ---- */

static char *dup_str(const autolic_allocator *a, const char *s, const char *suffix)
{
	size_t n = strlen(s), m = suffix ? strlen(suffix) : 0;
	char *p = a->malloc_fn(n + m + 1, a->ctx);
	if (p) {
		memcpy(p, s, n);
		if (m)
			memcpy(p + n, suffix, m);
		p[n + m] = '\0';
	}
	return p;
}

static char *dir_of(const autolic_allocator *a, const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return dup_str(a, ".", NULL);
	size_t n = slash == path ? 1 : (size_t)(slash - path);
	char *p = a->malloc_fn(n + 1, a->ctx);
	if (p) {
		memcpy(p, path, n);
		p[n] = '\0';
	}
	return p;
}

int al_journal_open_error(const char *path, const char *what, int e)
{
	char eb[128];
	if (e == EISDIR) {
		autolic_storage_set_error("journal '%s': path is a directory", path);
		return AUTOLIC_EINVAL;
	}
	if (e == ENOSPC || e == EDQUOT) {
		autolic_storage_set_error("journal '%s': %s: the disk is full (%s)", path, what,
		                          errtext(e, eb, sizeof eb));
		return AUTOLIC_ESTORAGE;
	}
	if (e == ENOMEM) {
		autolic_storage_set_error("journal '%s': %s: out of memory", path, what);
		return AUTOLIC_ENOMEM;
	}
	autolic_storage_set_error("journal '%s': %s: %s", path, what, errtext(e, eb, sizeof eb));
	return AUTOLIC_ESTORAGE;
}

static int sink_put(void *arg, const void *k, size_t kl, const void *v, size_t vl)
{
	return al_map_put(arg, k, kl, v, vl);
}

/* Outside a transaction the map's delete cannot fail; a key already absent
 * is fine. */
static int sink_del(void *arg, const void *k, size_t kl)
{
	(void)al_map_del(arg, k, kl);
	return 0;
}

/* Open and lock the file, retrying when a compaction by another handle
 * replaced it between our open and our lock. */
static int open_locked(jr *j, int *created)
{
	*created = 0;
	for (int attempt = 0; attempt < 8; attempt++) {
		int fd;
		if (j->readonly) {
			fd = j->io.open(j->path, O_RDONLY | O_CLOEXEC, 0, j->io.ctx);
			if (fd < 0 && errno == ENOENT) {
				autolic_storage_set_error(
				    "journal '%s' does not exist (read-only open)", j->path);
				return AUTOLIC_ENOTFOUND;
			}
		} else {
			fd = j->io.open(j->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600,
			                j->io.ctx);
			if (fd >= 0)
				*created = 1;
			else if (errno == EEXIST)
				fd = j->io.open(j->path, O_RDWR | O_CLOEXEC, 0, j->io.ctx);
			if (fd < 0 && errno == ENOENT && attempt + 1 < 8)
				continue; /* removed between the two opens */
		}
		if (fd < 0)
			return al_journal_open_error(j->path, "cannot open", errno);
		struct stat fst, pst;
		if (fstat(fd, &fst) != 0) {
			int e = errno;
			close(fd);
			return al_journal_open_error(j->path, "cannot stat", e);
		}
		if (!S_ISREG(fst.st_mode)) {
			close(fd);
			autolic_storage_set_error("journal '%s': %s", j->path,
			                          S_ISDIR(fst.st_mode) ? "path is a directory"
			                                               : "not a regular file");
			return AUTOLIC_EINVAL;
		}
		int rc = lock_fd(fd, !j->readonly, j->path);
		if (rc) {
			close(fd);
			return rc;
		}
		if (stat(j->path, &pst) == 0 && pst.st_dev == fst.st_dev &&
		    pst.st_ino == fst.st_ino) {
			j->fd = fd;
			return 0;
		}
		close(fd);
		*created = 0;
	}
	autolic_storage_set_error("journal '%s' keeps being replaced while opening it", j->path);
	return AUTOLIC_EBUSY;
}

/* Give an empty (or never initialised) file its header. */
static int init_file(jr *j, size_t old_len)
{
	unsigned char h[HDR_SIZE];
	j->generation = 1;
	j->salt = fresh_salt(0);
	j->seq = 0;
	j->keys = keys_for(j->generation, j->salt);
	header_encode(h, j->generation, j->salt, 0);
	if (old_len && j->io.ftruncate(j->fd, 0, j->io.ctx) != 0)
		return al_journal_open_error(j->path, "cannot reset the unfinished header", errno);
	if (write_all(j, j->fd, h, HDR_SIZE, 0) != 0)
		return al_journal_open_error(j->path, "cannot write the header", errno);
	if (j->io.fsync(j->fd, j->io.ctx) != 0)
		return al_journal_open_error(j->path, "cannot sync the new journal", errno);
	if (j->io.fsync_dir(j->dir, j->io.ctx) != 0)
		return al_journal_open_error(j->path,
		                             "cannot sync the directory of the new journal", errno);
	j->append_off = j->durable_off = j->claimed = HDR_SIZE;
	return 0;
}

static int load(jr *j)
{
	struct stat st;
	if (fstat(j->fd, &st) != 0)
		return al_journal_open_error(j->path, "cannot stat", errno);
	size_t chunk = al_journal_read_chunk ? al_journal_read_chunk : WIN_CHUNK;
	al_rwin w;
	int rc = al_journal_win_start(&w, (uint64_t)st.st_size, chunk, &j->io, j->fd, &j->alloc,
	                              j->path);
	if (rc)
		return rc;
	al_journal_sink sink = {sink_put, sink_del, NULL, j->map};
	al_journal_replay res;
	rc = al_journal_replay_image(&w, (j->flags & AUTOLIC_JOURNAL_READONLY_SALVAGE) != 0, &sink,
	                             &res);
	j->alloc.free_fn(w.buf, j->alloc.ctx);
	uint64_t len = w.size;
	if (rc)
		return rc;
	if (res.uninitialised) {
		if (j->readonly) {
			j->append_off = j->durable_off = j->claimed = len;
			return 0;
		}
		return init_file(j, (size_t)len);
	}
	j->generation = res.generation;
	j->salt = res.salt;
	j->keys = keys_for(res.generation, res.salt);
	j->seq = res.last_seq;
	j->append_off = j->durable_off = res.good_end;
	j->claimed = res.claimed;
	j->mark_end = res.mark_end;
	if (j->readonly)
		return 0;
	if (res.damaged && j->io.ftruncate(j->fd, (off_t)res.good_end, j->io.ctx) != 0)
		return al_journal_open_error(j->path, "cannot cut off the torn tail", errno);
	/* What we replayed may still sit only in the page cache (the previous
	 * writer may have died before its sync): make it durable before anything
	 * is built on it. */
	if (j->io.fsync(j->fd, j->io.ctx) != 0)
		return al_journal_open_error(j->path, "cannot sync the journal", errno);
	if (j->io.unlink(j->tmp_path, j->io.ctx) != 0 && errno != ENOENT)
		return al_journal_open_error(j->tmp_path, "cannot remove the stale compaction file",
		                             errno);
	return 0;
}

int autolic_journal_options_init(autolic_journal_options *opts, unsigned int version)
{
	if (!opts) {
		autolic_storage_set_error("autolic_journal_options_init: opts is NULL");
		return AUTOLIC_EINVAL;
	}
	int rc = al_struct_init(opts, AL_JOURNAL_OPTIONS, version);
	if (rc) /* the store's own calls leave their text for autolic_storage_result() too */
		autolic_storage_set_error("autolic_journal_options_init: %s", autolic_errmsg());
	return rc;
}

int al_journal_open_io(autolic_storage *out, const char *path, const autolic_journal_options *opts,
                       const al_journal_io *io)
{
	if (!out || !path || !*path) {
		autolic_storage_set_error("autolic_store_journal_open: %s is %s",
		                          !out ? "out" : "path", !out || !path ? "NULL" : "empty");
		return AUTOLIC_EINVAL;
	}
	autolic_journal_options o = AUTOLIC_JOURNAL_OPTIONS_INIT;
	if (opts && al_copy_in(&o, opts, AL_JOURNAL_OPTIONS)) {
		autolic_storage_set_error("autolic_store_journal_open: %s", autolic_errmsg());
		return AUTOLIC_EVERSION;
	}
	const unsigned int known = AUTOLIC_JOURNAL_READONLY | AUTOLIC_JOURNAL_READONLY_SALVAGE |
	                           AUTOLIC_JOURNAL_NO_AUTO_COMPACT;
	if (o.flags & ~known) {
		autolic_storage_set_error("autolic_store_journal_open: unknown flags 0x%x",
		                          o.flags & ~known);
		return AUTOLIC_EINVAL;
	}
	autolic_allocator a = {al_journal_lc_malloc, al_journal_lc_realloc, al_journal_lc_free,
	                       NULL};
	if (o.allocator) {
		if (!o.allocator->malloc_fn || !o.allocator->realloc_fn || !o.allocator->free_fn) {
			autolic_storage_set_error(
			    "autolic_store_journal_open: allocator is incomplete");
			return AUTOLIC_EINVAL;
		}
		a = *o.allocator;
	}
	jr *j = a.malloc_fn(sizeof *j, a.ctx);
	if (!j) {
		autolic_storage_set_error("journal '%s': out of memory", path);
		return AUTOLIC_ENOMEM;
	}
	memset(j, 0, sizeof *j);
	j->alloc = a;
	j->io = io ? *io : default_io;
	j->fd = -1;
	j->flags = o.flags;
	j->readonly =
	    (o.flags & (AUTOLIC_JOURNAL_READONLY | AUTOLIC_JOURNAL_READONLY_SALVAGE)) != 0;
	j->ratio = o.compact_ratio_percent ? o.compact_ratio_percent
	                                   : AUTOLIC_JOURNAL_DEFAULT_COMPACT_RATIO;
	j->min_bytes =
	    o.compact_min_bytes ? o.compact_min_bytes : AUTOLIC_JOURNAL_DEFAULT_COMPACT_MIN;
	int mu_ok = pthread_mutex_init(&j->mu, NULL) == 0;
	int c1_ok = pthread_cond_init(&j->txn_cv, NULL) == 0;
	int c2_ok = pthread_cond_init(&j->sync_cv, NULL) == 0;
	if (!mu_ok || !c1_ok || !c2_ok) {
		if (mu_ok)
			pthread_mutex_destroy(&j->mu);
		if (c1_ok)
			pthread_cond_destroy(&j->txn_cv);
		if (c2_ok)
			pthread_cond_destroy(&j->sync_cv);
		a.free_fn(j, a.ctx);
		autolic_storage_set_error("journal '%s': cannot create its locks", path);
		return AUTOLIC_ENOMEM;
	}
	/* Compaction renames over the path: through a symbolic link it would
	 * replace the link, so work on the file the link names. */
	char *resolved = NULL;
	struct stat lst;
	if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode))
		resolved = realpath(path, NULL);
	j->path = dup_str(&a, resolved ? resolved : path, NULL);
	free(resolved);
	j->tmp_path = j->path ? dup_str(&a, j->path, ".compact") : NULL;
	j->dir = j->path ? dir_of(&a, j->path) : NULL;
	int rc = 0, created = 0;
	if (!j->path || !j->tmp_path || !j->dir || al_map_new(&j->map, &a) != 0) {
		autolic_storage_set_error("journal '%s': out of memory", path);
		rc = AUTOLIC_ENOMEM;
	}
	if (!rc)
		rc = open_locked(j, &created);
	if (!rc)
		rc = load(j);
	if (rc) {
		if (created && j->fd >= 0)
			(void)j->io.unlink(j->path, j->io.ctx);
		jr_destroy(j);
		return rc;
	}
	uint64_t live = live_estimate(j);
	j->next_auto = live + live / 100 * j->ratio;
	memset(out, 0, sizeof *out);
	out->version = AUTOLIC_STORAGE_VERSION;
	out->ctx = j;
	out->begin = jr_begin;
	out->get = jr_get;
	out->put = jr_put;
	out->del = jr_del;
	out->scan = jr_scan;
	out->commit = jr_commit;
	out->rollback = jr_rollback;
	out->free = jr_free;
	out->savepoint = jr_savepoint;
	out->release = jr_release;
	out->rollback_to = jr_rollback_to;
	return 0;
}

int autolic_store_journal_open(autolic_storage *out, const char *path,
                               const autolic_journal_options *opts)
{
	return autolic_storage_result(al_journal_open_io(out, path, opts, NULL));
}

static jr *as_journal(const autolic_storage *st)
{
	if (!st || st->begin != jr_begin || !st->ctx) {
		autolic_storage_set_error("not a journal store");
		return NULL;
	}
	return st->ctx;
}

int autolic_store_journal_compact(const autolic_storage *st)
{
	jr *j = as_journal(st);
	if (!j)
		return autolic_storage_result(AUTOLIC_EINVAL);
	pthread_mutex_lock(&j->mu);
	int rc = 0;
	if (j->readonly) {
		autolic_storage_set_error("journal '%s' is open read-only; it cannot be compacted",
		                          j->path);
		rc = AUTOLIC_EREADONLY;
	} else if (j->sticky) {
		rc = refuse_sticky(j);
	} else {
		rc = txn_acquire(j);
		if (!rc) {
			rc = compact_locked(j);
			txn_release(j);
		}
	}
	pthread_mutex_unlock(&j->mu);
	return autolic_storage_result(rc);
}

int al_journal_stats_get(const autolic_storage *st, al_journal_stats *out)
{
	jr *j = as_journal(st);
	if (!j || !out)
		return AUTOLIC_EINVAL;
	pthread_mutex_lock(&j->mu);
	int mine = j->txn_active && pthread_equal(j->owner, pthread_self());
	if (!mine)
		txn_wait(j);
	out->file_bytes = j->append_off;
	out->live_bytes = live_estimate(j);
	out->generation = j->generation;
	out->commits = j->n_commits;
	out->syncs = j->n_syncs;
	out->compactions = j->n_compactions;
	out->sticky = j->sticky;
	if (!mine)
		txn_release(j);
	pthread_mutex_unlock(&j->mu);
	return 0;
}
