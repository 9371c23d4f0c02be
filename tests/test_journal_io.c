/*
 * The journal store's error paths that tests/test_journal.c does not reach:
 *
 * - misuse of the vtable (no transaction, nesting, writes in a read
 *   transaction, records too large, savepoints missing), options and
 *   arguments;
 * - the I/O table failing on open, read (EINTR, EIO, a file shorter than its
 *   size said), truncate, sync and unlink, writes interrupted, short or
 *   making no progress, and the file replaced under the opener;
 * - compaction: the file's mode kept, a temporary file locked by another
 *   handle, snapshots larger than the write buffer and of more than 65,536
 *   keys, every allocation and every write of a large compaction failing;
 * - replay of crafted images: header fields, malformed records, sink errors;
 * - an existing journal opened while allocations fail in turn;
 * - a reader waiting for a sync that fails, a writer waiting for the
 *   transaction lock of a commit that fails.
 *
 * Files go to $AUTOLIC_TEST_DIR, else /dev/shm, else /tmp.
 */
#include "support.h"

#include "autolic/sys/journal.h"
#include "core/crc32c.h"
#include "core/error.h"
#include "store/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static const char *smsg(void)
{
	return al_err_take_storage();
}

/* ---- an I/O table that fails what it is told to ---- */

enum {
	X_OPEN,
	X_PREAD,
	X_PWRITE,
	X_FSYNC,
	X_FDATASYNC,
	X_FTRUNCATE,
	X_RENAME,
	X_UNLINK,
	X_FSYNC_DIR,
	X_N
};

typedef struct xio {
	pthread_mutex_t mu;
	long calls[X_N];
	int fail_op;  /* X_*, with fail_at */
	long fail_at; /* the Nth call of fail_op fails; 0: off */
	int persistent;
	int err; /* errno of the failure (EIO when 0) */
	long fired;
	int eintr;           /* pread/pwrite: fail this many calls with EINTR first */
	int short_writes;    /* pwrite writes at most half of what it is given */
	int zero_writes;     /* pwrite reports 0 bytes written */
	off_t pread_eof;     /* pread finds nothing at or past this offset (0: off) */
	int replace_on_open; /* opens of the journal after which it is replaced */
	int unlink_on_open;  /* opens of the journal after which it is removed */
	void (*on_fdatasync)(void);
} xio;

static xio g_x;

static void x_reset(void)
{
	memset(g_x.calls, 0, sizeof g_x.calls);
	g_x.fail_op = 0;
	g_x.fail_at = 0;
	g_x.persistent = 0;
	g_x.err = 0;
	g_x.fired = 0;
	g_x.eintr = 0;
	g_x.short_writes = 0;
	g_x.zero_writes = 0;
	g_x.pread_eof = 0;
	g_x.replace_on_open = 0;
	g_x.unlink_on_open = 0;
	g_x.on_fdatasync = NULL;
}

static void x_arm(int op, long nth_from_now, int err)
{
	pthread_mutex_lock(&g_x.mu);
	g_x.fail_op = op;
	g_x.fail_at = g_x.calls[op] + nth_from_now;
	g_x.err = err;
	g_x.fired = 0;
	pthread_mutex_unlock(&g_x.mu);
}

static int x_fail(int op)
{
	pthread_mutex_lock(&g_x.mu);
	long n = ++g_x.calls[op];
	int f = g_x.fail_at && g_x.fail_op == op &&
	        (n == g_x.fail_at || (g_x.persistent && n > g_x.fail_at));
	if (f)
		g_x.fired++;
	pthread_mutex_unlock(&g_x.mu);
	if (f)
		errno = g_x.err ? g_x.err : EIO;
	return f;
}

static int x_eintr(void)
{
	if (g_x.eintr > 0) {
		g_x.eintr--;
		errno = EINTR;
		return 1;
	}
	return 0;
}

/* Put a copy of the file at `path` in its place: same bytes, another inode. */
static void replace_file(const char *path)
{
	size_t len;
	unsigned char *b = t_read_file(path, &len);
	char tmp[320];
	snprintf(tmp, sizeof tmp, "%s.replacement", path);
	t_write_file(tmp, b, len);
	free(b);
	assert_int_equal(rename(tmp, path), 0);
}

static int x_open(const char *path, int flags, mode_t mode, void *ctx)
{
	(void)ctx;
	if (x_fail(X_OPEN))
		return -1;
	int fd = open(path, flags, mode);
	size_t n = strlen(path);
	int journal = !(n > 8 && strcmp(path + n - 8, ".compact") == 0);
	if (fd >= 0 && journal && g_x.replace_on_open > 0) {
		g_x.replace_on_open--;
		replace_file(path);
	} else if (fd >= 0 && journal && g_x.unlink_on_open > 0) {
		g_x.unlink_on_open--;
		assert_int_equal(unlink(path), 0);
	}
	return fd;
}

static ssize_t x_pread(int fd, void *b, size_t n, off_t off, void *ctx)
{
	(void)ctx;
	if (x_eintr() || x_fail(X_PREAD))
		return -1;
	if (g_x.pread_eof && off >= g_x.pread_eof)
		return 0;
	if (g_x.pread_eof && off + (off_t)n > g_x.pread_eof)
		n = (size_t)(g_x.pread_eof - off);
	return pread(fd, b, n, off);
}

static ssize_t x_pwrite(int fd, const void *b, size_t n, off_t off, void *ctx)
{
	(void)ctx;
	if (x_eintr() || x_fail(X_PWRITE))
		return -1;
	if (g_x.zero_writes)
		return 0;
	if (g_x.short_writes && n > 1)
		n /= 2;
	return pwrite(fd, b, n, off);
}

static int x_fsync(int fd, void *ctx)
{
	(void)ctx;
	return x_fail(X_FSYNC) ? -1 : fsync(fd);
}

static int x_fdatasync(int fd, void *ctx)
{
	(void)ctx;
	if (g_x.on_fdatasync)
		g_x.on_fdatasync();
	return x_fail(X_FDATASYNC) ? -1 : fdatasync(fd);
}

static int x_ftruncate(int fd, off_t len, void *ctx)
{
	(void)ctx;
	return x_fail(X_FTRUNCATE) ? -1 : ftruncate(fd, len);
}

static int x_rename(const char *a, const char *b, void *ctx)
{
	(void)ctx;
	return x_fail(X_RENAME) ? -1 : rename(a, b);
}

static int x_unlink(const char *p, void *ctx)
{
	(void)ctx;
	return x_fail(X_UNLINK) ? -1 : unlink(p);
}

static int x_fsync_dir(const char *dir, void *ctx)
{
	(void)ctx;
	return x_fail(X_FSYNC_DIR) ? -1 : al_journal_default_io()->fsync_dir(dir, NULL);
}

static const al_journal_io xio_table = {x_open,      x_pread,  x_pwrite, x_fsync,     x_fdatasync,
                                        x_ftruncate, x_rename, x_unlink, x_fsync_dir, NULL};

static int x_journal(autolic_storage *st, const char *p, const autolic_journal_options *o)
{
	return al_journal_open_io(st, p, o, &xio_table);
}

/* ---- misuse, options, arguments ---- */

typedef struct intruder {
	autolic_storage *st;
	int get_rc, rollback_rc;
} intruder;

static void *intruder_thread(void *p)
{
	intruder *in = p;
	const void *v;
	size_t vl;
	in->get_rc = in->st->get(in->st->ctx, "a", 1, &v, &vl);
	in->rollback_rc = in->st->rollback(in->st->ctx);
	return NULL;
}

static void t_vtable_misuse(void **state)
{
	(void)state;
	char p[300];
	t_path(p, sizeof p, "misuse.journal");
	unlink(p);
	autolic_storage st;
	assert_int_equal(autolic_store_journal_open(&st, p, NULL), 0);
	const void *v;
	size_t vl;
	/* nothing may be done outside a transaction */
	assert_int_equal(st.get(st.ctx, "a", 1, &v, &vl), AUTOLIC_ESTATE);
	assert_non_null(strstr(smsg(), "no transaction open on this thread"));
	assert_int_equal(st.put(st.ctx, "a", 1, "1", 1), AUTOLIC_ESTATE);
	assert_int_equal(st.del(st.ctx, "a", 1), AUTOLIC_ESTATE);
	assert_int_equal(st.scan(st.ctx, "", 0, NULL, 0, NULL, NULL), AUTOLIC_ESTATE);
	assert_int_equal(st.commit(st.ctx), AUTOLIC_ESTATE);
	assert_int_equal(st.savepoint(st.ctx), AUTOLIC_ESTATE);
	assert_int_equal(st.release(st.ctx), AUTOLIC_ESTATE);
	assert_int_equal(st.rollback_to(st.ctx), AUTOLIC_ESTATE);
	assert_int_equal(st.rollback(st.ctx), 0); /* harmless */

	/* a read transaction: no writes, no nesting */
	assert_int_equal(st.begin(st.ctx, 0), 0);
	assert_int_equal(st.put(st.ctx, "a", 1, "1", 1), AUTOLIC_EREADONLY);
	assert_non_null(strstr(smsg(), "write inside a read-only transaction"));
	assert_int_equal(st.del(st.ctx, "a", 1), AUTOLIC_EREADONLY);
	assert_int_equal(st.begin(st.ctx, 0), AUTOLIC_ESTATE);
	assert_non_null(strstr(smsg(), "already has a transaction open"));
	assert_int_equal(st.begin(st.ctx, 1), AUTOLIC_ESTATE);
	/* the counters may be read from inside one's own transaction */
	al_journal_stats s;
	assert_int_equal(al_journal_stats_get(&st, &s), 0);
	assert_int_equal(s.commits, 0);
	assert_int_equal(st.commit(st.ctx), 0);

	/* a write transaction: another thread can neither use nor end it */
	assert_int_equal(st.begin(st.ctx, 1), 0);
	assert_int_equal(st.put(st.ctx, "a", 1, "mine", 4), 0);
	intruder in = {&st, 0, 0};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, intruder_thread, &in), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(in.get_rc, AUTOLIC_ESTATE);
	assert_int_equal(in.rollback_rc, 0);
	assert_int_equal(st.get(st.ctx, "a", 1, &v, &vl), 0); /* still open, still ours */
	assert_memory_equal(v, "mine", 4);
	/* records too large, savepoints missing */
	/* the sizes are refused before the bytes are read */
	assert_int_equal(st.put(st.ctx, "k", 1, "v", (size_t)1 << 30), AUTOLIC_EINVAL);
	assert_non_null(strstr(smsg(), "too large"));
	assert_int_equal(st.put(st.ctx, "k", (size_t)1 << 30, "v", 1), AUTOLIC_EINVAL);
	assert_int_equal(st.del(st.ctx, "k", ((size_t)1 << 30) + 1), AUTOLIC_EINVAL);
	assert_non_null(strstr(smsg(), "key too large"));
	assert_int_equal(st.release(st.ctx), AUTOLIC_ESTATE);
	assert_non_null(strstr(smsg(), "no savepoint to release"));
	assert_int_equal(st.rollback_to(st.ctx), AUTOLIC_ESTATE);
	assert_non_null(strstr(smsg(), "no savepoint to roll back to"));
	/* the empty key, put and deleted, and a key that stays */
	assert_int_equal(st.put(st.ctx, "", 0, "e", 1), 0);
	assert_int_equal(st.put(st.ctx, "kept", 4, "yes", 3), 0);
	assert_int_equal(st.commit(st.ctx), 0);
	assert_int_equal(st.begin(st.ctx, 1), 0);
	assert_int_equal(st.del(st.ctx, "", 0), 0);
	assert_int_equal(st.commit(st.ctx), 0);
	/* closing with a transaction open drops it */
	assert_int_equal(st.begin(st.ctx, 1), 0);
	assert_int_equal(st.put(st.ctx, "dropped", 7, "1", 1), 0);
	st.free(st.ctx);
	st.free(NULL);

	assert_int_equal(autolic_store_journal_open(&st, p, NULL), 0);
	t_expect_kv(&st, "dropped", NULL);
	t_expect_kv(&st, "kept", "yes");
	assert_int_equal(st.begin(st.ctx, 0), 0);
	assert_int_equal(st.get(st.ctx, "", 0, &v, &vl), AUTOLIC_ENOTFOUND);
	assert_int_equal(st.rollback(st.ctx), 0);
	st.free(st.ctx);
	unlink(p);
}

static void t_options_and_arguments(void **state)
{
	(void)state;
	assert_int_equal(autolic_journal_options_init(NULL, AUTOLIC_JOURNAL_OPTIONS_VERSION),
	                 AUTOLIC_EINVAL);
	assert_non_null(strstr(smsg(), "opts is NULL"));
	char p[300];
	t_path(p, sizeof p, "options.journal");
	unlink(p);
	autolic_journal_options o = AUTOLIC_JOURNAL_OPTIONS_INIT;
	autolic_storage st;
	o.version = 0;
	assert_int_equal(autolic_store_journal_open(&st, p, &o), AUTOLIC_EVERSION);
	t_alloc ta = {0};
	autolic_allocator a = t_alloc_make(&ta);
	for (int missing = 0; missing < 3; missing++) {
		autolic_allocator b = a;
		if (missing == 0)
			b.malloc_fn = NULL;
		else if (missing == 1)
			b.realloc_fn = NULL;
		else
			b.free_fn = NULL;
		o = (autolic_journal_options)AUTOLIC_JOURNAL_OPTIONS_INIT;
		o.allocator = &b;
		assert_int_equal(autolic_store_journal_open(&st, p, &o), AUTOLIC_EINVAL);
		assert_non_null(strstr(autolic_errmsg(), "allocator is incomplete"));
	}
	assert_int_equal(ta.count, 0);
	assert_int_equal(access(p, F_OK), -1);
	/* the counters of something that is not a journal store */
	al_journal_stats s;
	assert_int_equal(al_journal_stats_get(NULL, &s), AUTOLIC_EINVAL);
	assert_int_equal(autolic_store_journal_open(&st, p, NULL), 0);
	assert_int_equal(al_journal_stats_get(&st, NULL), AUTOLIC_EINVAL);
	autolic_storage no_ctx = st;
	no_ctx.ctx = NULL;
	assert_int_equal(al_journal_stats_get(&no_ctx, &s), AUTOLIC_EINVAL);
	assert_int_equal(autolic_store_journal_compact(&no_ctx), AUTOLIC_EINVAL);
	st.free(st.ctx);
	unlink(p);
}

/* ---- the I/O table failing ---- */

static void make_journal(const char *p, int txns)
{
	unlink(p);
	autolic_storage st;
	assert_int_equal(autolic_store_journal_open(&st, p, NULL), 0);
	for (int i = 0; i < txns; i++) {
		char k[16], v[32];
		snprintf(k, sizeof k, "key%d", i);
		snprintf(v, sizeof v, "value of %d", i);
		t_commit_kv(&st, k, v);
	}
	st.free(st.ctx);
}

static void t_open_io_failures(void **state)
{
	(void)state;
	char p[300], tmp[320];
	t_path(p, sizeof p, "openio.journal");
	snprintf(tmp, sizeof tmp, "%s.compact", p);
	autolic_storage st;
	make_journal(p, 3);
	size_t len0;
	unsigned char *orig = t_read_file(p, &len0);

	/* the kernel out of memory opening it */
	x_reset();
	x_arm(X_OPEN, 1, ENOMEM);
	g_x.persistent = 1;
	assert_int_equal(x_journal(&st, p, NULL), AUTOLIC_ENOMEM);
	assert_non_null(strstr(smsg(), "cannot open: out of memory"));

	/* a quota, read-only opens refused, something that is not a file */
	x_arm(X_OPEN, 1, EDQUOT);
	assert_int_equal(x_journal(&st, p, NULL), AUTOLIC_ESTORAGE);
	assert_non_null(strstr(smsg(), "the disk is full"));
	autolic_journal_options rdo = AUTOLIC_JOURNAL_OPTIONS_INIT;
	rdo.flags = AUTOLIC_JOURNAL_READONLY;
	x_reset();
	x_arm(X_OPEN, 1, EACCES);
	assert_int_equal(x_journal(&st, p, &rdo), AUTOLIC_ESTORAGE);
	assert_non_null(strstr(smsg(), "cannot open: Permission denied"));
	x_reset();
	assert_int_equal(x_journal(&st, "/dev/null", NULL), AUTOLIC_EINVAL);
	assert_non_null(strstr(smsg(), "not a regular file"));

	/* reads interrupted, then failing, then finding less than the size said */
	x_reset();
	g_x.eintr = 2;
	assert_int_equal(x_journal(&st, p, NULL), 0);
	t_expect_kv(&st, "key2", "value of 2");
	st.free(st.ctx);
	x_reset();
	x_arm(X_PREAD, 1, EIO);
	assert_int_equal(x_journal(&st, p, NULL), AUTOLIC_ESTORAGE);
	assert_non_null(strstr(smsg(), "cannot read: Input/output error"));
	/* the file as long as its header and first transaction: the rest is
	 * not there to be replayed */
	x_reset();
	make_journal(p, 1);
	size_t one;
	free(t_read_file(p, &one));
	make_journal(p, 3);
	g_x.pread_eof = (off_t)one - AL_JOURNAL_MARK_SIZE; /* the close's sync mark */
	assert_int_equal(x_journal(&st, p, NULL), 0);
	t_expect_kv(&st, "key0", "value of 0");
	t_expect_kv(&st, "key1", NULL);
	st.free(st.ctx);
	free(orig);
	make_journal(p, 3);
	orig = t_read_file(p, &len0);

	/* a torn tail that cannot be cut off */
	unsigned char *torn = malloc(len0 + 5);
	memcpy(torn, orig, len0);
	memcpy(torn + len0, "\x01\x02\x03\x04\x05", 5);
	t_write_file(p, torn, len0 + 5);
	free(torn);
	x_reset();
	x_arm(X_FTRUNCATE, 1, EIO);
	assert_int_equal(x_journal(&st, p, NULL), AUTOLIC_ESTORAGE);
	assert_non_null(strstr(smsg(), "cannot cut off the torn tail"));
	/* read-only, nothing is cut: the tail is just not replayed */
	autolic_journal_options ro = AUTOLIC_JOURNAL_OPTIONS_INIT;
	ro.flags = AUTOLIC_JOURNAL_READONLY;
	assert_int_equal(x_journal(&st, p, &ro), 0);
	t_expect_kv(&st, "key2", "value of 2");
	st.free(st.ctx);

	/* the replayed state cannot be made durable */
	t_write_file(p, orig, len0);
	x_reset();
	x_arm(X_FSYNC, 1, EIO);
	assert_int_equal(x_journal(&st, p, NULL), AUTOLIC_ESTORAGE);
	assert_non_null(strstr(smsg(), "cannot sync the journal"));

	/* a stale compaction file that cannot be removed (ENOENT is fine) */
	t_write_file(tmp, "stale", 5);
	x_reset();
	x_arm(X_UNLINK, 1, EACCES);
	assert_int_equal(x_journal(&st, p, NULL), AUTOLIC_ESTORAGE);
	assert_non_null(strstr(smsg(), "cannot remove the stale compaction file"));
	assert_int_equal(access(tmp, F_OK), 0);
	x_reset();
	assert_int_equal(x_journal(&st, p, NULL), 0);
	assert_int_equal(access(tmp, F_OK), -1);
	st.free(st.ctx);

	/* a header never finished (a prefix of one) that cannot be reset */
	t_write_file(p, orig, 10);
	x_reset();
	x_arm(X_FTRUNCATE, 1, EIO);
	assert_int_equal(x_journal(&st, p, NULL), AUTOLIC_ESTORAGE);
	assert_non_null(strstr(smsg(), "cannot reset the unfinished header"));
	x_reset();
	assert_int_equal(x_journal(&st, p, NULL), 0); /* now it can */
	t_commit_kv(&st, "fresh", "start");
	st.free(st.ctx);
	free(orig);
	unlink(p);
}

static void t_interrupted_short_and_stuck_writes(void **state)
{
	(void)state;
	char p[300];
	t_path(p, sizeof p, "writes.journal");
	unlink(p);
	autolic_storage st;
	x_reset();
	assert_int_equal(x_journal(&st, p, NULL), 0);
	/* interrupted and short writes are resumed */
	g_x.eintr = 3;
	t_commit_kv(&st, "a", "interrupted");
	g_x.short_writes = 1;
	t_commit_kv(&st, "b", "written a few bytes at a time, but written all the same");
	g_x.short_writes = 0;
	assert_true(g_x.calls[X_PWRITE] > 6);
	/* a write that makes no progress is a full disk: the handle stops */
	g_x.zero_writes = 1;
	assert_int_equal(st.begin(st.ctx, 1), 0);
	assert_int_equal(st.put(st.ctx, "c", 1, "lost", 4), 0);
	assert_int_equal(st.commit(st.ctx), AUTOLIC_ESTORAGE);
	assert_non_null(strstr(smsg(), "writing a commit failed (No space left on device)"));
	g_x.zero_writes = 0;
	assert_int_equal(st.begin(st.ctx, 0), AUTOLIC_ESTORAGE);
	st.free(st.ctx);
	assert_int_equal(autolic_store_journal_open(&st, p, NULL), 0);
	t_expect_kv(&st, "a", "interrupted");
	t_expect_kv(&st, "b", "written a few bytes at a time, but written all the same");
	t_expect_kv(&st, "c", NULL);
	st.free(st.ctx);
	unlink(p);
}

/* Another handle's compaction renames a new file over the path between an
 * open and its lock: the opener retries, and gives up if it keeps happening. */
static void t_replaced_while_opening(void **state)
{
	(void)state;
	char p[300];
	t_path(p, sizeof p, "replaced.journal");
	make_journal(p, 2);
	autolic_storage st;
	x_reset();
	g_x.replace_on_open = 1;
	assert_int_equal(x_journal(&st, p, NULL), 0);
	t_expect_kv(&st, "key1", "value of 1");
	t_commit_kv(&st, "after", "replacement");
	st.free(st.ctx);
	/* removed (by a host's cleanup) between the open and the lock: a new
	 * journal in its place */
	x_reset();
	g_x.unlink_on_open = 1;
	assert_int_equal(x_journal(&st, p, NULL), 0);
	assert_int_equal(st.begin(st.ctx, 0), 0);
	const void *v;
	size_t vl;
	assert_int_equal(st.get(st.ctx, "after", 5, &v, &vl), AUTOLIC_ENOTFOUND);
	assert_int_equal(st.rollback(st.ctx), 0);
	t_commit_kv(&st, "after", "replacement");
	st.free(st.ctx);
	x_reset();
	g_x.replace_on_open = 1000;
	assert_int_equal(x_journal(&st, p, NULL), AUTOLIC_EBUSY);
	assert_non_null(strstr(smsg(), "keeps being replaced while opening it"));
	/* the file is intact; every descriptor was closed (checked after the test) */
	x_reset();
	assert_int_equal(autolic_store_journal_open(&st, p, NULL), 0);
	t_expect_kv(&st, "after", "replacement");
	st.free(st.ctx);
	unlink(p);
}

/* ---- compaction ---- */

static void t_compaction_keeps_mode(void **state)
{
	(void)state;
	char p[300];
	t_path(p, sizeof p, "mode.journal");
	/* an empty store compacts to a header and a mark */
	make_journal(p, 0);
	autolic_storage e;
	assert_int_equal(autolic_store_journal_open(&e, p, NULL), 0);
	assert_int_equal(autolic_store_journal_compact(&e), 0);
	al_journal_stats es;
	assert_int_equal(al_journal_stats_get(&e, &es), 0);
	assert_int_equal(es.file_bytes, AL_JOURNAL_HEADER_SIZE + AL_JOURNAL_MARK_SIZE);
	e.free(e.ctx);
	make_journal(p, 4);
	assert_int_equal(chmod(p, 0640), 0);
	autolic_storage st;
	assert_int_equal(autolic_store_journal_open(&st, p, NULL), 0);
	assert_int_equal(autolic_store_journal_compact(&st), 0);
	struct stat s;
	assert_int_equal(stat(p, &s), 0);
	assert_int_equal(s.st_mode & 07777, 0640);
	st.free(st.ctx);
	unlink(p);
}

static void t_compaction_temporary_file_locked(void **state)
{
	(void)state;
	char p[300], tmp[320];
	t_path(p, sizeof p, "tmplock.journal");
	snprintf(tmp, sizeof tmp, "%s.compact", p);
	make_journal(p, 4);
	autolic_storage st;
	assert_int_equal(autolic_store_journal_open(&st, p, NULL), 0);
	size_t len0;
	unsigned char *before = t_read_file(p, &len0);
	/* someone holds a lock on the temporary file */
	int fd = open(tmp, O_RDWR | O_CREAT, 0600);
	assert_true(fd >= 0);
	struct flock fl;
	memset(&fl, 0, sizeof fl);
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	fl.l_len = 1;
	assert_int_equal(fcntl(fd, F_OFD_SETLK, &fl), 0);
	assert_int_equal(autolic_store_journal_compact(&st), AUTOLIC_ELOCKED);
	assert_non_null(strstr(autolic_errmsg(), "is locked"));
	close(fd);
	/* the journal is unchanged and the store goes on */
	size_t len1;
	unsigned char *after = t_read_file(p, &len1);
	assert_int_equal(len1, len0);
	assert_memory_equal(after, before, len0);
	free(before);
	free(after);
	t_commit_kv(&st, "still", "working");
	assert_int_equal(autolic_store_journal_compact(&st), 0);
	t_expect_kv(&st, "key3", "value of 3");
	st.free(st.ctx);
	unlink(p);
	unlink(tmp);
}

#define SNAP_BUF (256u * 1024u) /* the compaction's write buffer (journal.c) */

static void fill(unsigned char *v, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		v[i] = (unsigned char)(seed + i * 7 + (i >> 9));
}

static void put_big(autolic_storage *st, const char *k, size_t n, unsigned seed)
{
	unsigned char *v = malloc(n);
	assert_non_null(v);
	fill(v, n, seed);
	assert_int_equal(st->begin(st->ctx, 1), 0);
	assert_int_equal(st->put(st->ctx, k, strlen(k), v, n), 0);
	assert_int_equal(st->commit(st->ctx), 0);
	free(v);
}

static void expect_big(autolic_storage *st, const char *k, size_t n, unsigned seed)
{
	unsigned char *v = malloc(n);
	assert_non_null(v);
	fill(v, n, seed);
	assert_int_equal(st->begin(st->ctx, 0), 0);
	const void *got;
	size_t gl;
	assert_int_equal(st->get(st->ctx, k, strlen(k), &got, &gl), 0);
	assert_int_equal(gl, n);
	assert_memory_equal(got, v, n);
	assert_int_equal(st->rollback(st->ctx), 0);
	free(v);
}

/* A snapshot of more than the write buffer, with one value larger than it,
 * and of more keys than one snapshot transaction holds (65,536). */
static void t_compaction_large_snapshot(void **state)
{
	(void)state;
	char p[300];
	t_path(p, sizeof p, "large.journal");
	unlink(p);
	autolic_journal_options o = AUTOLIC_JOURNAL_OPTIONS_INIT;
	o.flags = AUTOLIC_JOURNAL_NO_AUTO_COMPACT;
	autolic_storage st;
	assert_int_equal(autolic_store_journal_open(&st, p, &o), 0);
	put_big(&st, "a-huge", SNAP_BUF + 4000, 1);
	const int nkeys = 70000;
	assert_int_equal(st.begin(st.ctx, 1), 0);
	for (int i = 0; i < nkeys; i++) {
		char k[16];
		int kl = snprintf(k, sizeof k, "k%06d", i);
		assert_int_equal(st.put(st.ctx, k, (size_t)kl, &i, sizeof i), 0);
	}
	assert_int_equal(st.commit(st.ctx), 0);
	put_big(&st, "z-huge", SNAP_BUF * 2, 2);
	assert_int_equal(autolic_store_journal_compact(&st), 0);
	st.free(st.ctx);
	assert_int_equal(autolic_store_journal_open(&st, p, NULL), 0);
	expect_big(&st, "a-huge", SNAP_BUF + 4000, 1);
	expect_big(&st, "z-huge", SNAP_BUF * 2, 2);
	assert_int_equal(st.begin(st.ctx, 0), 0);
	for (int i = 0; i < nkeys; i += 997) {
		char k[16];
		int kl = snprintf(k, sizeof k, "k%06d", i);
		const void *v;
		size_t vl;
		assert_int_equal(st.get(st.ctx, k, (size_t)kl, &v, &vl), 0);
		assert_int_equal(vl, sizeof i);
		assert_memory_equal(v, &i, sizeof i);
	}
	assert_int_equal(st.rollback(st.ctx), 0);
	al_journal_stats s;
	assert_int_equal(al_journal_stats_get(&st, &s), 0);
	assert_int_equal(s.generation, 2);
	st.free(st.ctx);
	unlink(p);
}

/*
 * Every allocation and every write of a compaction failing in turn. Layout
 * "fits": header and one record leave less room than a commit record in the
 * write buffer, so the first write is made for the commit record. Layout
 * "huge": a second value larger than the buffer (written before it, then the
 * buffer grows for it). Layout "mark": see MARK_FIT_VALUE.
 */
#define FIT_VALUE (SNAP_BUF - AL_JOURNAL_HEADER_SIZE - (12 + 4 + 3) - 10)
/* Layout "mark": header, record and commit record leave less room than the
 * final sync mark. */
#define MARK_FIT_VALUE (FIT_VALUE - 36)

static size_t big_len(int layout)
{
	return layout == 2 ? MARK_FIT_VALUE : FIT_VALUE;
}

static void compaction_content(autolic_storage *st, int layout)
{
	put_big(st, "big", big_len(layout), 3);
	if (layout == 1)
		put_big(st, "huge", SNAP_BUF + 100, 4);
}

static void compaction_expect(autolic_storage *st, int layout)
{
	expect_big(st, "big", big_len(layout), 3);
	if (layout == 1)
		expect_big(st, "huge", SNAP_BUF + 100, 4);
}

static void t_compaction_faults(void **state)
{
	(void)state;
	char p[300], tmp[320];
	t_path(p, sizeof p, "cfault.journal");
	snprintf(tmp, sizeof tmp, "%s.compact", p);
	autolic_journal_options o = AUTOLIC_JOURNAL_OPTIONS_INIT;
	o.flags = AUTOLIC_JOURNAL_NO_AUTO_COMPACT;
	long runs[3][2] = {{0, 0}, {0, 0}, {0, 0}};
	for (int layout = 0; layout < 3; layout++) {
		for (int kind = 0; kind < 2; kind++) { /* 0 allocations, 1 writes */
			long n;
			for (n = 1;; n++) {
				unlink(p);
				x_reset();
				t_alloc ta = {0};
				autolic_allocator al = t_alloc_make(&ta);
				o.allocator = &al;
				autolic_storage st;
				assert_int_equal(x_journal(&st, p, &o), 0);
				compaction_content(&st, layout);
				size_t len0;
				unsigned char *before = t_read_file(p, &len0);
				if (kind == 0)
					ta.fail_at = ta.count + n;
				else
					x_arm(X_PWRITE, n, EIO);
				int rc = autolic_store_journal_compact(&st);
				int fired = kind == 0 ? ta.fired > 0 : g_x.fired > 0;
				ta.fail_at = 0;
				x_reset();
				if (rc) {
					assert_true(fired);
					if (kind == 0) {
						assert_int_equal(rc, AUTOLIC_ENOMEM);
						assert_non_null(
						    strstr(autolic_errmsg(),
						           "out of memory while compacting"));
					} else {
						assert_int_equal(rc, AUTOLIC_ESTORAGE);
						assert_non_null(strstr(
						    autolic_errmsg(),
						    "compaction failed writing the snapshot"));
					}
					/* the journal is as it was, the temporary file gone */
					size_t len1;
					unsigned char *after = t_read_file(p, &len1);
					assert_int_equal(len1, len0);
					assert_memory_equal(after, before, len0);
					free(after);
					assert_int_equal(access(tmp, F_OK), -1);
					runs[layout][kind]++;
				}
				free(before);
				compaction_expect(&st, layout);
				t_commit_kv(&st, "after", "compaction");
				st.free(st.ctx);
				assert_int_equal(ta.live, 0);
				o.allocator = NULL;
				assert_int_equal(autolic_store_journal_open(&st, p, &o), 0);
				compaction_expect(&st, layout);
				t_expect_kv(&st, "after", "compaction");
				st.free(st.ctx);
				if (!fired)
					break;
			}
		}
	}
	print_message("compaction faults: allocations %ld + %ld + %ld, writes %ld + %ld + %ld\n",
	              runs[0][0], runs[1][0], runs[2][0], runs[0][1], runs[1][1], runs[2][1]);
	/* "fits": the buffer; a write for the commit record's room, and the last.
	 * "layout": the buffer and its growth; a write before the layout record, one
	 * for the commit record, and the last. "mark": a write for the mark's
	 * room, and the last. */
	assert_int_equal(runs[0][0], 1);
	assert_int_equal(runs[0][1], 2);
	assert_int_equal(runs[1][0], 2);
	assert_int_equal(runs[1][1], 3);
	assert_int_equal(runs[2][0], 1);
	assert_int_equal(runs[2][1], 2);
	unlink(p);
}

/* ---- replay of crafted images ---- */

static void put32le(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void put64le(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

typedef struct image {
	unsigned char b[4096];
	size_t len;
	uint32_t seed;
	unsigned char tag[3];
} image;

/* docs/journal-format.md: header, then frames of crc, length, type, tag. */
static void img_header(image *im, uint64_t gen, uint64_t salt, uint32_t hdr_size)
{
	memset(im, 0, sizeof *im);
	memcpy(im->b,
	       "\x89"
	       "ALJRNL\n",
	       8);
	put32le(im->b + 8, 1);
	put32le(im->b + 12, hdr_size);
	put64le(im->b + 16, gen);
	put64le(im->b + 24, salt);
	put32le(im->b + 60, al_crc32c(0, im->b, 60));
	im->len = AL_JOURNAL_HEADER_SIZE;
	unsigned char k[16];
	put64le(k, gen);
	put64le(k + 8, salt);
	im->seed = al_crc32c(0, k, 16);
	for (int i = 0; i < 3; i++) {
		unsigned char t = (unsigned char)(salt >> (8 * i));
		im->tag[i] = t ? t : 0x5A;
	}
}

static void img_frame(image *im, int type, const void *pl, size_t n)
{
	unsigned char *f = im->b + im->len;
	put32le(f + 4, (uint32_t)n);
	f[8] = (unsigned char)type;
	memcpy(f + 9, im->tag, 3);
	memcpy(f + 12, pl, n);
	put32le(f, al_crc32c(im->seed, f + 4, 8 + n));
	im->len += 12 + n;
}

static void img_put(image *im, const char *k, const char *v)
{
	unsigned char pl[256];
	uint32_t kl = (uint32_t)strlen(k), vl = (uint32_t)strlen(v);
	put32le(pl, kl);
	memcpy(pl + 4, k, kl);
	memcpy(pl + 4 + kl, v, vl);
	img_frame(im, 1, pl, 4 + kl + vl);
}

static void img_commit(image *im, uint64_t seq, uint32_t ops)
{
	unsigned char pl[24] = {0};
	put64le(pl, seq);
	put64le(pl + 8, AL_JOURNAL_HEADER_SIZE);
	put32le(pl + 16, ops);
	img_frame(im, 3, pl, sizeof pl);
}

typedef struct sink_log {
	int puts, commits;
	uint64_t last_seq;
	int fail_code; /* returned by put once puts reaches fail_after */
	int fail_after;
} sink_log;

static int s_put(void *arg, const void *k, size_t kl, const void *v, size_t vl)
{
	(void)k, (void)kl, (void)v, (void)vl;
	sink_log *s = arg;
	if (s->fail_code && s->puts == s->fail_after)
		return s->fail_code;
	s->puts++;
	return 0;
}

static int s_del(void *arg, const void *k, size_t kl)
{
	(void)arg, (void)k, (void)kl;
	return 0;
}

static int s_commit(void *arg, uint64_t seq)
{
	sink_log *s = arg;
	s->commits++;
	s->last_seq = seq;
	return 0;
}

static void t_replay_crafted_images(void **state)
{
	(void)state;
	sink_log log;
	al_journal_sink sink = {s_put, s_del, s_commit, &log};
	al_journal_replay res;
	image im;

	/* a well-formed image: the commit callback sees each sequence number */
	img_header(&im, 3, 0x00AB00CDull, AL_JOURNAL_HEADER_SIZE);
	img_put(&im, "a", "1");
	img_put(&im, "b", "2");
	img_commit(&im, 1, 2);
	img_put(&im, "c", "3");
	img_commit(&im, 2, 1);
	memset(&log, 0, sizeof log);
	assert_int_equal(al_journal_replay_buffer(im.b, im.len, 0, "good", &sink, &res), 0);
	assert_int_equal(log.puts, 3);
	assert_int_equal(log.commits, 2);
	assert_int_equal(log.last_seq, 2);
	assert_false(res.damaged);
	assert_int_equal(res.generation, 3);

	/* a sink failing stops the replay with its code; out of memory is named */
	memset(&log, 0, sizeof log);
	log.fail_code = AUTOLIC_ENOMEM;
	log.fail_after = 2;
	assert_int_equal(al_journal_replay_buffer(im.b, im.len, 0, "sinkfail", &sink, &res),
	                 AUTOLIC_ENOMEM);
	assert_non_null(strstr(smsg(), "journal 'sinkfail': out of memory while replaying"));
	assert_int_equal(log.commits, 1);
	memset(&log, 0, sizeof log);
	log.fail_code = AUTOLIC_EABORTED;
	log.fail_after = 0;
	smsg();
	assert_int_equal(al_journal_replay_buffer(im.b, im.len, 0, "sinkfail", &sink, &res),
	                 AUTOLIC_EABORTED);
	assert_string_equal(smsg(), "");
	assert_int_equal(log.commits, 0);

	/* a put record too short for its key length: damage at that record, a
	 * torn tail since nothing later vouches for it */
	image bad = im;
	bad.len = AL_JOURNAL_HEADER_SIZE;
	img_put(&bad, "a", "1");
	img_commit(&bad, 1, 1);
	size_t damage_at = bad.len;
	img_frame(&bad, 1, "\x01\x00", 2);
	memset(&log, 0, sizeof log);
	assert_int_equal(al_journal_replay_buffer(bad.b, bad.len, 0, "short", &sink, &res), 0);
	assert_true(res.damaged);
	assert_false(res.corrupt);
	assert_int_equal(res.damage_off, damage_at);
	assert_string_equal(res.why, "malformed put record");
	assert_int_equal(res.good_end, damage_at);
	assert_int_equal(log.commits, 1);
	/* a key length beyond the record */
	bad.len = damage_at;
	img_frame(&bad, 1,
	          "\x09\x00\x00\x00"
	          "ab",
	          6);
	assert_int_equal(al_journal_replay_buffer(bad.b, bad.len, 0, "short", &sink, &res), 0);
	assert_string_equal(res.why, "malformed put record");

	/* commit records and sync marks that do not fit where they stand */
	struct {
		int type;
		size_t n;
		uint64_t seq, claim;
		uint32_t ops;
		const char *why;
	} odd[] = {
	    {3, 20, 2, AL_JOURNAL_HEADER_SIZE, 0, "commit record does not match its transaction"},
	    {3, 24, 2, 1u << 20, 0, "commit record does not match its transaction"},
	    {4, 20, 1, AL_JOURNAL_HEADER_SIZE, 0, "sync mark does not match the journal"},
	    {4, 16, 5, AL_JOURNAL_HEADER_SIZE, 0, "sync mark does not match the journal"},
	    {4, 16, 1, 1u << 20, 0, "sync mark does not match the journal"},
	};
	for (size_t i = 0; i < sizeof odd / sizeof *odd; i++) {
		bad = im;
		bad.len = AL_JOURNAL_HEADER_SIZE;
		img_put(&bad, "a", "1");
		img_commit(&bad, 1, 1);
		size_t at = bad.len;
		unsigned char pl[24] = {0};
		put64le(pl, odd[i].seq);
		put64le(pl + 8, odd[i].claim);
		put32le(pl + 16, odd[i].ops);
		img_frame(&bad, odd[i].type, pl, odd[i].n);
		assert_int_equal(al_journal_replay_buffer(bad.b, bad.len, 0, "odd", &sink, &res),
		                 0);
		assert_true(res.damaged);
		assert_int_equal(res.damage_off, at);
		assert_string_equal(res.why, odd[i].why);
	}

	/* a header whose checksum holds but whose size field is wrong */
	img_header(&bad, 1, 1, 128);
	assert_int_equal(al_journal_replay_buffer(bad.b, bad.len, 0, "hdr", &sink, &res),
	                 AUTOLIC_ECORRUPT);
	assert_non_null(strstr(smsg(), "file header is damaged"));
	assert_true(res.corrupt);

	/* no name: the message says what it was */
	assert_int_equal(al_journal_replay_buffer((const unsigned char *)"NOTAJOURNAL", 11, 0, NULL,
	                                          &sink, &res),
	                 AUTOLIC_ECORRUPT);
	assert_non_null(strstr(smsg(), "'(buffer)' is not a libautolic journal"));
}

/* Frame the following records with the keys of another generation. */
static void img_keys_of(image *im, uint64_t gen, uint64_t salt)
{
	image other;
	img_header(&other, gen, salt, AL_JOURNAL_HEADER_SIZE);
	im->seed = other.seed;
	memcpy(im->tag, other.tag, 3);
}

/* Records after the header framed with another generation's keys: damage
 * the header no longer describes, refused by a writable replay and read by a
 * salvage only when they start right after the header (nothing else was
 * delivered then). Records that fail their checksums under the keys their
 * commit record was written with are no such records but a torn tail. */
static void t_replay_other_keys(void **state)
{
	(void)state;
	sink_log log;
	al_journal_sink sink = {s_put, s_del, s_commit, &log};
	al_journal_replay res;
	image im;
	const uint64_t salt = 0x00AB00CDull;
	char want[200];

	/* a commit of the header's keys, then one of generation 2's */
	img_header(&im, 3, salt, AL_JOURNAL_HEADER_SIZE);
	img_put(&im, "a", "1");
	img_commit(&im, 1, 1);
	size_t at = im.len;
	img_keys_of(&im, 2, salt);
	img_put(&im, "b", "2");
	img_commit(&im, 2, 1);
	memset(&log, 0, sizeof log);
	assert_int_equal(al_journal_replay_buffer(im.b, im.len, 0, "later", &sink, &res),
	                 AUTOLIC_ECORRUPT);
	snprintf(want, sizeof want,
	         "journal 'later' is damaged: the records at offset %zu were written with "
	         "another generation or salt than the file header holds (generation 3)",
	         at);
	assert_non_null(strstr(smsg(), want));
	assert_true(res.corrupt);
	/* salvage: what lies before them, and not them */
	memset(&log, 0, sizeof log);
	assert_int_equal(al_journal_replay_buffer(im.b, im.len, 1, "later", &sink, &res), 0);
	assert_true(res.corrupt);
	assert_int_equal(res.damage_off, at);
	assert_int_equal(res.good_end, at);
	assert_int_equal(res.commits, 1);
	assert_int_equal(log.commits, 1);
	assert_int_equal(log.puts, 1);
	assert_int_equal(res.last_seq, 1);

	/* the second transaction's put damaged after it was framed, with the
	 * keys of generation 2 or the header's own (its commit damaged too):
	 * no keys check both records, so it is a torn tail after the first */
	for (int own = 0; own < 2; own++) {
		img_header(&im, 3, salt, AL_JOURNAL_HEADER_SIZE);
		img_put(&im, "a", "1");
		img_commit(&im, 1, 1);
		at = im.len;
		if (!own)
			img_keys_of(&im, 2, salt);
		img_put(&im, "b", "2");
		img_commit(&im, 2, 1);
		im.b[at + 12 + 4 + 1] ^= 0x20; /* the put's value: "b" then "2" */
		if (own)
			im.b[im.len - 1] ^= 0x01; /* the commit's reserved bytes */
		for (int salvage = 0; salvage < 2; salvage++) {
			memset(&log, 0, sizeof log);
			int rc = al_journal_replay_buffer(im.b, im.len, salvage, "t", &sink, &res);
			assert_int_equal(rc, 0);
			assert_true(res.damaged);
			assert_false(res.corrupt);
			assert_int_equal(res.damage_off, at);
			assert_int_equal(res.good_end, at);
			assert_int_equal(log.commits, 1);
			assert_int_equal(res.last_seq, 1);
		}
	}

	/* generation 2's records right after the header: a salvage reads them
	 * all, and a sink failing while it does stops it with its code */
	img_header(&im, 3, salt, AL_JOURNAL_HEADER_SIZE);
	img_keys_of(&im, 2, salt);
	img_put(&im, "a", "1");
	img_commit(&im, 1, 1);
	img_put(&im, "b", "2");
	img_commit(&im, 2, 1);
	memset(&log, 0, sizeof log);
	assert_int_equal(al_journal_replay_buffer(im.b, im.len, 0, "first", &sink, &res),
	                 AUTOLIC_ECORRUPT);
	assert_int_equal(log.commits, 0);
	memset(&log, 0, sizeof log);
	assert_int_equal(al_journal_replay_buffer(im.b, im.len, 1, "first", &sink, &res), 0);
	assert_true(res.corrupt);
	assert_int_equal(log.commits, 2);
	assert_int_equal(log.puts, 2);
	assert_int_equal(res.last_seq, 2);
	assert_int_equal(res.good_end, im.len);
	memset(&log, 0, sizeof log);
	log.fail_code = AUTOLIC_ENOMEM;
	log.fail_after = 1;
	assert_int_equal(al_journal_replay_buffer(im.b, im.len, 1, "first", &sink, &res),
	                 AUTOLIC_ENOMEM);
	assert_non_null(strstr(smsg(), "journal 'first': out of memory while replaying"));
	assert_int_equal(log.commits, 1);
	memset(&log, 0, sizeof log);
	log.fail_code = AUTOLIC_EABORTED;
	log.fail_after = 0;
	assert_int_equal(al_journal_replay_buffer(im.b, im.len, 1, "first", &sink, &res),
	                 AUTOLIC_EABORTED);
	assert_int_equal(log.commits, 0);
}

/* ---- an existing journal opened while allocations fail ---- */

/* Open the journal at `p` with its n-th allocation failing (and every later
 * one when `persistent`), n = 1, 2, ... until an open allocates no more: each
 * open either fails with AUTOLIC_ENOMEM and "out of memory" or succeeds and
 * passes `check`; nothing leaks and the file keeps its `len` bytes `orig`.
 * Returns the failed opens; *named counts those whose message holds `needle`. */
static long open_while_memory_fails(const char *p, int persistent, const unsigned char *orig,
                                    size_t len, void (*check)(autolic_storage *),
                                    const char *needle, long *named)
{
	long failed = 0;
	for (long n = 1;; n++) {
		t_alloc ta = {0};
		ta.fail_at = n;
		ta.persistent = persistent;
		autolic_allocator al = t_alloc_make(&ta);
		autolic_journal_options o = AUTOLIC_JOURNAL_OPTIONS_INIT;
		o.allocator = &al;
		autolic_storage st;
		int rc = autolic_store_journal_open(&st, p, &o);
		if (rc) {
			assert_int_equal(rc, AUTOLIC_ENOMEM);
			assert_non_null(strstr(autolic_errmsg(), "out of memory"));
			failed++;
			if (named && needle && strstr(autolic_errmsg(), needle))
				(*named)++;
		} else {
			ta.fail_at = 0;
			check(&st);
			st.free(st.ctx);
		}
		assert_int_equal(ta.live, 0);
		size_t len1;
		unsigned char *now = t_read_file(p, &len1);
		assert_int_equal(len1, len);
		assert_memory_equal(now, orig, len);
		free(now);
		if (!ta.fired)
			return failed;
	}
}

static void oom_check(autolic_storage *st)
{
	t_expect_kv(st, "key03", NULL);
	t_expect_kv(st, "key11", "value 11, long enough to be a separate allocation");
}

static void t_open_existing_out_of_memory(void **state)
{
	(void)state;
	char p[300];
	t_path(p, sizeof p, "oomopen.journal");
	unlink(p);
	autolic_storage st;
	assert_int_equal(autolic_store_journal_open(&st, p, NULL), 0);
	for (int i = 0; i < 12; i++) {
		char k[16], v[64];
		snprintf(k, sizeof k, "key%02d", i);
		snprintf(v, sizeof v, "value %d, long enough to be a separate allocation", i);
		t_commit_kv(&st, k, v);
	}
	assert_int_equal(st.begin(st.ctx, 1), 0);
	assert_int_equal(st.del(st.ctx, "key03", 5), 0);
	assert_int_equal(st.commit(st.ctx), 0);
	st.free(st.ctx);
	size_t len0;
	unsigned char *orig = t_read_file(p, &len0);
	long failed = 0;
	for (int persistent = 0; persistent < 2; persistent++)
		failed += open_while_memory_fails(p, persistent, orig, len0, oom_check, NULL, NULL);
	/* the handle, its paths, the map, the file buffer, and the replay */
	assert_true(failed > 2 * 12);
	free(orig);
	unlink(p);
}

static void big_check(autolic_storage *st)
{
	expect_big(st, "big", 5000, 7);
}

/* The open reads the file a chunk at a time (al_journal_read_chunk): a read
 * that fails, is interrupted or finds the file shorter than its size, after
 * the first chunk, and a transaction larger than the window when memory runs
 * out, each give the answer the whole-file read gives. */
static void t_open_reads_in_chunks(void **state)
{
	(void)state;
	char p[300];
	t_path(p, sizeof p, "chunks.journal");
	unlink(p);
	autolic_storage st;
	assert_int_equal(autolic_store_journal_open(&st, p, NULL), 0);
	for (int i = 0; i < 20; i++) {
		char k[16], v[32];
		snprintf(k, sizeof k, "key%d", i);
		snprintf(v, sizeof v, "value of %d", i);
		t_commit_kv(&st, k, v);
	}
	put_big(&st, "big", 5000, 7); /* one transaction of 5 KB */
	t_commit_kv(&st, "last", "after the big one");
	st.free(st.ctx);
	size_t len0;
	unsigned char *orig = t_read_file(p, &len0);
	al_journal_read_chunk = 64;

	/* the whole file, 64 bytes at a time, interrupted twice on the way */
	x_reset();
	g_x.eintr = 2;
	assert_int_equal(x_journal(&st, p, NULL), 0);
	assert_true(g_x.calls[X_PREAD] > 20);
	t_expect_kv(&st, "key19", "value of 19");
	expect_big(&st, "big", 5000, 7);
	t_expect_kv(&st, "last", "after the big one");
	st.free(st.ctx);

	/* a read failing half-way: nothing is opened, the file is untouched */
	for (long nth = 2; nth <= 12; nth += 5) {
		x_reset();
		x_arm(X_PREAD, nth, EIO);
		assert_int_equal(x_journal(&st, p, NULL), AUTOLIC_ESTORAGE);
		assert_non_null(strstr(smsg(), "cannot read: Input/output error"));
		size_t len1;
		unsigned char *now = t_read_file(p, &len1);
		assert_int_equal(len1, len0);
		assert_memory_equal(now, orig, len0);
		free(now);
	}

	/* the file ending inside the big transaction (shorter than its size
	 * said): everything before it is replayed, it and the rest are not */
	x_reset();
	g_x.pread_eof = (off_t)(len0 - 400);
	assert_int_equal(x_journal(&st, p, NULL), 0);
	t_expect_kv(&st, "key19", "value of 19");
	t_expect_kv(&st, "big", NULL);
	t_expect_kv(&st, "last", NULL);
	st.free(st.ctx);
	t_write_file(p, orig, len0);

	/* no memory to grow the window for the big transaction */
	long enomem = 0;
	open_while_memory_fails(p, 0, orig, len0, big_check, "out of memory reading a transaction",
	                        &enomem);
	assert_true(enomem > 0);
	size_t len1;
	unsigned char *now;

	/* damage in the first record, vouched for by the commits after it: the
	 * rest of the file is read to find them; a read failing anywhere, that
	 * search included, is a read failure, and the file stays as it is */
	unsigned char *bad = malloc(len0);
	assert_non_null(bad);
	memcpy(bad, orig, len0);
	bad[AL_JOURNAL_HEADER_SIZE + 14] ^= 0x40;
	t_write_file(p, bad, len0);
	x_reset();
	assert_int_equal(x_journal(&st, p, NULL), AUTOLIC_ECORRUPT);
	long reads = g_x.calls[X_PREAD];
	assert_true(reads > 2);
	for (long nth = 1; nth <= reads; nth++) {
		x_reset();
		x_arm(X_PREAD, nth, EIO);
		assert_int_equal(x_journal(&st, p, NULL), AUTOLIC_ESTORAGE);
		assert_non_null(strstr(smsg(), "cannot read: Input/output error"));
	}
	now = t_read_file(p, &len1);
	assert_int_equal(len1, len0);
	assert_memory_equal(now, bad, len0);
	free(now);
	free(bad);
	al_journal_read_chunk = 0;
	free(orig);
	unlink(p);
}

/* ---- threads waiting on a failure ---- */

static pid_t gettid_(void)
{
	return (pid_t)syscall(SYS_gettid);
}

/* Wait until thread `tid` sleeps (it has nothing else to wait for than the
 * store's condition variables), for at most 10 s: the assertions hold
 * whichever way the race goes, this only makes the intended order likely. */
static void wait_sleeping(pid_t tid)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/self/task/%ld/stat", (long)tid);
	for (int i = 0; i < 10000; i++) {
		int fd = open(path, O_RDONLY);
		if (fd >= 0) {
			ssize_t r = read(fd, buf, sizeof buf - 1);
			close(fd);
			if (r > 0) {
				buf[r] = 0;
				const char *paren = strrchr(buf, ')');
				if (paren && paren[1] == ' ' && paren[2] == 'S')
					return;
			}
		}
		struct timespec ts = {0, 1000000};
		nanosleep(&ts, NULL);
	}
}

typedef struct waiter {
	autolic_storage *st;
	int write;
	pid_t tid; /* atomic */
	int rc;
	char msg[512];
} waiter;

static void *waiter_thread(void *p)
{
	waiter *w = p;
	__atomic_store_n(&w->tid, gettid_(), __ATOMIC_RELEASE);
	w->rc = w->st->begin(w->st->ctx, w->write);
	snprintf(w->msg, sizeof w->msg, "%s", smsg());
	if (!w->rc)
		w->st->rollback(w->st->ctx);
	return NULL;
}

static waiter g_reader;
static pthread_t g_reader_thread;

/* Runs on the committing thread, inside its fdatasync, the store's mutex
 * released: start a reader, let it wait for this sync, then fail. */
static void start_reader_in_sync(void)
{
	g_x.on_fdatasync = NULL;
	assert_int_equal(pthread_create(&g_reader_thread, NULL, waiter_thread, &g_reader), 0);
	while (!__atomic_load_n(&g_reader.tid, __ATOMIC_ACQUIRE))
		sched_yield();
	wait_sleeping(__atomic_load_n(&g_reader.tid, __ATOMIC_ACQUIRE));
	x_arm(X_FDATASYNC, 1, EIO);
}

static void t_reader_waits_for_failing_sync(void **state)
{
	(void)state;
	char p[300];
	t_path(p, sizeof p, "rsync.journal");
	unlink(p);
	autolic_storage st;
	x_reset();
	assert_int_equal(x_journal(&st, p, NULL), 0);
	t_commit_kv(&st, "a", "1");
	memset(&g_reader, 0, sizeof g_reader);
	g_reader.st = &st;
	g_reader.write = 0;
	g_x.on_fdatasync = start_reader_in_sync;
	assert_int_equal(st.begin(st.ctx, 1), 0);
	assert_int_equal(st.put(st.ctx, "b", 1, "2", 1), 0);
	assert_int_equal(st.commit(st.ctx), AUTOLIC_ESTORAGE);
	assert_non_null(strstr(smsg(), "fdatasync failed"));
	assert_int_equal(pthread_join(g_reader_thread, NULL), 0);
	/* the reader never saw state that might not be durable */
	assert_int_equal(g_reader.rc, AUTOLIC_ESTORAGE);
	assert_non_null(strstr(g_reader.msg, "fdatasync failed"));
	st.free(st.ctx);
	unlink(p);
}

static void t_writer_waits_for_failing_commit(void **state)
{
	(void)state;
	char p[300];
	t_path(p, sizeof p, "wlock.journal");
	unlink(p);
	autolic_storage st;
	x_reset();
	assert_int_equal(x_journal(&st, p, NULL), 0);
	assert_int_equal(st.begin(st.ctx, 1), 0);
	assert_int_equal(st.put(st.ctx, "x", 1, "1", 1), 0);
	waiter w;
	memset(&w, 0, sizeof w);
	w.st = &st;
	w.write = 1;
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, waiter_thread, &w), 0);
	while (!__atomic_load_n(&w.tid, __ATOMIC_ACQUIRE))
		sched_yield();
	wait_sleeping(w.tid); /* waiting for our transaction lock */
	x_arm(X_PWRITE, 1, EIO);
	assert_int_equal(st.commit(st.ctx), AUTOLIC_ESTORAGE);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(w.rc, AUTOLIC_ESTORAGE);
	assert_non_null(strstr(w.msg, "writing a commit failed"));
	st.free(st.ctx);
	unlink(p);
}

/* ---- a transaction while allocations fail in turn ---- */

/* Sizes of what the transaction buffer holds (journal.c): a put frame is
 * 12 + 4 + key + value bytes, a delete frame 12 + key, a commit 12 + 24. */
#define TX_FIRST 4096u

static int jtxn_step(autolic_storage *st, int op, int i, const char *val, size_t vlen, int *failed)
{
	char k[8];
	snprintf(k, sizeof k, "k%03d", i);
	*failed = op;
	if (op == 0)
		return st->put(st->ctx, k, 4, val, vlen);
	if (op == 1)
		return st->del(st->ctx, k, 4);
	return st->savepoint(st->ctx);
}

/* A delete first (the buffer is allocated for it), 63 puts and 11
 * savepoints, a delete as the 65th change (the map's undo log grows), and a
 * last put sized so that the commit record no longer fits the buffer. */
static int jtxn(autolic_storage *st, int *failed)
{
	assert_int_equal(st->begin(st->ctx, 1), 0);
	size_t used = 0;
	int rc = jtxn_step(st, 1, 0, NULL, 0, failed);
	used += 12 + 4;
	for (int i = 1; i < 64 && !rc; i++) {
		rc = jtxn_step(st, 0, i, "v", 1, failed);
		used += 12 + 4 + 4 + 1;
		if (!rc && i % 6 == 0)
			rc = jtxn_step(st, 2, i, NULL, 0, failed);
	}
	if (!rc) {
		rc = jtxn_step(st, 1, 2, NULL, 0, failed);
		used += 12 + 4;
	}
	static char fill_value[TX_FIRST];
	size_t last = TX_FIRST - 10 - used - (12 + 4 + 4);
	memset(fill_value, 'f', last);
	if (!rc)
		rc = jtxn_step(st, 0, 999, fill_value, last, failed);
	if (!rc) {
		*failed = 3;
		rc = st->commit(st->ctx);
	}
	if (rc)
		st->rollback(st->ctx);
	return rc;
}

static void t_transaction_out_of_memory(void **state)
{
	(void)state;
	char p[300];
	t_path(p, sizeof p, "txoom.journal");
	int seen[4] = {0, 0, 0, 0};
	for (int persistent = 0; persistent < 2; persistent++) {
		for (long n = 1;; n++) {
			make_journal(p, 0);
			autolic_storage st;
			assert_int_equal(autolic_store_journal_open(&st, p, NULL), 0);
			t_commit_kv(&st, "k000", "old0");
			t_commit_kv(&st, "k002", "old2");
			st.free(st.ctx);
			t_alloc ta = {0};
			autolic_allocator al = t_alloc_make(&ta);
			autolic_journal_options o = AUTOLIC_JOURNAL_OPTIONS_INIT;
			o.allocator = &al;
			assert_int_equal(autolic_store_journal_open(&st, p, &o), 0);
			ta.fail_at = ta.count + n;
			ta.persistent = persistent;
			int op = -1;
			int rc = jtxn(&st, &op);
			int fired = ta.fired > 0;
			ta.fail_at = 0;
			if (rc) {
				assert_true(fired);
				assert_int_equal(rc, AUTOLIC_ENOMEM);
				assert_non_null(strstr(smsg(), "out of memory"));
				seen[op]++;
				t_expect_kv(&st, "k000", "old0"); /* nothing of it applied */
				t_expect_kv(&st, "k002", "old2");
				t_expect_kv(&st, "k001", NULL);
				assert_int_equal(jtxn(&st, &op), 0); /* and the store goes on */
			}
			t_expect_kv(&st, "k000", NULL);
			t_expect_kv(&st, "k063", "v");
			st.free(st.ctx);
			assert_int_equal(ta.live, 0);
			if (!fired)
				break;
		}
	}
	print_message("journal transaction out of memory: puts %d, deletes %d, savepoints %d, "
	              "commits %d\n",
	              seen[0], seen[1], seen[2], seen[3]);
	assert_true(seen[0] > 0 && seen[1] > 1 && seen[2] > 0 && seen[3] > 0);
	unlink(p);
}

/* A compaction asked for while another thread's commit waits for a sync
 * that then fails: the compaction refuses, the journal stays as it was. */
typedef struct bg_commit {
	autolic_storage *st;
	pid_t main_tid;
	int in_sync; /* atomic */
	int rc;
} bg_commit;

static bg_commit *g_bg;

static void fail_sync_when_main_waits(void)
{
	g_x.on_fdatasync = NULL;
	__atomic_store_n(&g_bg->in_sync, 1, __ATOMIC_RELEASE);
	wait_sleeping(g_bg->main_tid);
	x_arm(X_FDATASYNC, 1, EIO);
}

static void *bg_commit_thread(void *p)
{
	bg_commit *b = p;
	assert_int_equal(b->st->begin(b->st->ctx, 1), 0);
	assert_int_equal(b->st->put(b->st->ctx, "bg", 2, "1", 1), 0);
	b->rc = b->st->commit(b->st->ctx);
	return NULL;
}

static void t_compaction_waits_for_failing_sync(void **state)
{
	(void)state;
	char p[300];
	t_path(p, sizeof p, "csync.journal");
	unlink(p);
	autolic_storage st;
	x_reset();
	assert_int_equal(x_journal(&st, p, NULL), 0);
	t_commit_kv(&st, "a", "1");
	bg_commit b = {&st, gettid_(), 0, 0};
	g_bg = &b;
	g_x.on_fdatasync = fail_sync_when_main_waits;
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, bg_commit_thread, &b), 0);
	while (!__atomic_load_n(&b.in_sync, __ATOMIC_ACQUIRE))
		sched_yield();
	int rc = autolic_store_journal_compact(&st);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(b.rc, AUTOLIC_ESTORAGE);
	assert_int_equal(rc, AUTOLIC_ESTORAGE);
	assert_non_null(strstr(autolic_errmsg(), "fdatasync failed"));
	al_journal_stats s;
	assert_int_equal(al_journal_stats_get(&st, &s), 0);
	assert_int_equal(s.compactions, 0);
	assert_int_equal(s.sticky, 1);
	st.free(st.ctx);
	x_reset();
	assert_int_equal(autolic_store_journal_open(&st, p, NULL), 0);
	t_expect_kv(&st, "a", "1");
	st.free(st.ctx);
	unlink(p);
}

int main(void)
{
	if (t_dir_make("al-journal-io"))
		return 1;
	pthread_mutex_init(&g_x.mu, NULL);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_vtable_misuse),
	    cmocka_unit_test(t_options_and_arguments),
	    cmocka_unit_test(t_open_io_failures),
	    cmocka_unit_test(t_interrupted_short_and_stuck_writes),
	    cmocka_unit_test(t_replaced_while_opening),
	    cmocka_unit_test(t_compaction_keeps_mode),
	    cmocka_unit_test(t_compaction_temporary_file_locked),
	    cmocka_unit_test(t_compaction_large_snapshot),
	    cmocka_unit_test(t_compaction_faults),
	    cmocka_unit_test(t_replay_crafted_images),
	    cmocka_unit_test(t_replay_other_keys),
	    cmocka_unit_test(t_open_existing_out_of_memory),
	    cmocka_unit_test(t_open_reads_in_chunks),
	    cmocka_unit_test(t_reader_waits_for_failing_sync),
	    cmocka_unit_test(t_writer_waits_for_failing_commit),
	    cmocka_unit_test(t_transaction_out_of_memory),
	    cmocka_unit_test(t_compaction_waits_for_failing_sync),
	};
	int failed = t_run_group("journal/io", tests, NULL, NULL);
	t_dir_remove();
	pthread_mutex_destroy(&g_x.mu);
	return failed;
}
