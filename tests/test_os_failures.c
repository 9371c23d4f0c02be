/*
 * Failures of the operating system calls the library makes directly (not
 * through the journal's I/O table): creating mutexes and condition
 * variables, random bytes for a journal's salt, stat of the journal, file
 * locks, and opening the directory to sync it. The program is linked with
 * --wrap for each (tests/os_failures.cmake): the wrappers below pass every
 * call through to the real function unless the test armed a failure.
 */
#include "support.h"

#include "autolic/sys/journal.h"
#include "core/error.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- the wrappers ---- */

enum { W_MUTEX, W_COND, W_RANDOM, W_FSTAT, W_FCNTL_LOCK, W_OPEN_DIR, W_N };

typedef struct wrap_ctl {
	long calls[W_N];
	long fail_at[W_N]; /* the Nth call from arming fails; 0: off */
	int persistent[W_N];
	int err[W_N];
	long fired[W_N];
	int random_mode; /* 1: getrandom yields random_value every time */
	uint64_t random_value;
} wrap_ctl;

static wrap_ctl g_w;

static void w_reset(void)
{
	memset(&g_w, 0, sizeof g_w);
}

static void w_arm(int which, long nth, int err, int persistent)
{
	g_w.fail_at[which] = g_w.calls[which] + nth;
	g_w.err[which] = err;
	g_w.persistent[which] = persistent;
	g_w.fired[which] = 0;
}

static int w_fail(int which)
{
	long n = ++g_w.calls[which];
	long at = g_w.fail_at[which];
	if (at && (n == at || (g_w.persistent[which] && n > at))) {
		g_w.fired[which]++;
		return g_w.err[which];
	}
	return 0;
}

int __real_pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *a);
int __wrap_pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *a);
int __wrap_pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *a)
{
	int e = w_fail(W_MUTEX);
	return e ? e : __real_pthread_mutex_init(m, a);
}

int __real_pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *a);
int __wrap_pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *a);
int __wrap_pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *a)
{
	int e = w_fail(W_COND);
	return e ? e : __real_pthread_cond_init(c, a);
}

ssize_t __real_getrandom(void *buf, size_t n, unsigned int flags);
ssize_t __wrap_getrandom(void *buf, size_t n, unsigned int flags);
ssize_t __wrap_getrandom(void *buf, size_t n, unsigned int flags)
{
	int e = w_fail(W_RANDOM);
	if (e) {
		errno = e;
		return -1;
	}
	if (g_w.random_mode && n == sizeof g_w.random_value) {
		memcpy(buf, &g_w.random_value, n);
		return (ssize_t)n;
	}
	return __real_getrandom(buf, n, flags);
}

int __real_fstat(int fd, struct stat *st);
int __wrap_fstat(int fd, struct stat *st);
int __wrap_fstat(int fd, struct stat *st)
{
	int e = w_fail(W_FSTAT);
	if (e) {
		errno = e;
		return -1;
	}
	return __real_fstat(fd, st);
}

/* The library calls fcntl only for locks, with a struct flock argument. */
int __real_fcntl(int fd, int cmd, ...);
int __wrap_fcntl(int fd, int cmd, ...);
int __wrap_fcntl(int fd, int cmd, ...)
{
	va_list ap;
	va_start(ap, cmd);
	struct flock *fl = va_arg(ap, struct flock *);
	va_end(ap);
	if (cmd == F_OFD_SETLK) {
		int e = w_fail(W_FCNTL_LOCK);
		if (e) {
			errno = e;
			return -1;
		}
	}
	return __real_fcntl(fd, cmd, fl);
}

int __real_open(const char *path, int flags, ...);
int __wrap_open(const char *path, int flags, ...);
int __wrap_open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	if (flags & O_CREAT) {
		va_list ap;
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	if (flags & O_DIRECTORY) {
		int e = w_fail(W_OPEN_DIR);
		if (e) {
			errno = e;
			return -1;
		}
	}
	return __real_open(path, flags, mode);
}

/* ---- helpers ---- */

static uint64_t header_salt(const char *p)
{
	unsigned char h[32];
	int fd = open(p, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, h, sizeof h, 0), (ssize_t)sizeof h);
	close(fd);
	uint64_t s = 0;
	for (int i = 7; i >= 0; i--)
		s = s << 8 | h[24 + i];
	return s;
}

/* ---- tests ---- */

static void t_handle_mutex_fails(void **state)
{
	(void)state;
	t_alloc ta = {0};
	autolic_allocator al = t_alloc_make(&ta);
	autolic_db_options o = AUTOLIC_DB_OPTIONS_INIT;
	o.allocator = &al;
	autolic_db *db = NULL;
	/* the handle's own mutex */
	w_reset();
	w_arm(W_MUTEX, 1, EAGAIN, 0);
	assert_int_equal(autolic_db_open(&db, &o), AUTOLIC_ENOMEM);
	assert_string_equal(autolic_errmsg(), "cannot create the handle's mutex");
	assert_null(db);
	assert_int_equal(ta.live, 0);
	/* the default memory store's */
	w_arm(W_MUTEX, 2, EAGAIN, 0);
	assert_int_equal(autolic_db_open(&db, &o), AUTOLIC_ENOMEM);
	assert_string_equal(autolic_errmsg(), "cannot create the memory store");
	assert_int_equal(ta.live, 0);
	autolic_storage st;
	w_arm(W_MUTEX, 1, ENOMEM, 0);
	assert_int_equal(autolic_store_memory_new(&st, &al), AUTOLIC_ENOMEM);
	assert_string_equal(autolic_errmsg(), "cannot create the memory store's mutex");
	assert_int_equal(ta.live, 0);
	/* and then it works */
	assert_int_equal(autolic_db_open(&db, &o), 0);
	t_register(db, "ok@example.com", "O", "K");
	autolic_db_close(db);
	assert_int_equal(ta.live, 0);
}

static void t_journal_locks_fail(void **state)
{
	(void)state;
	char p[300];
	t_path(p, sizeof p, "locks.journal");
	unlink(p);
	t_alloc ta = {0};
	autolic_allocator al = t_alloc_make(&ta);
	autolic_journal_options o = AUTOLIC_JOURNAL_OPTIONS_INIT;
	o.allocator = &al;
	autolic_storage st;
	/* its mutex, then each of its two condition variables */
	for (int which = 0; which < 3; which++) {
		w_reset();
		if (which == 0)
			w_arm(W_MUTEX, 1, EAGAIN, 0);
		else
			w_arm(W_COND, (long)which, EAGAIN, 0);
		assert_int_equal(autolic_store_journal_open(&st, p, &o), AUTOLIC_ENOMEM);
		assert_non_null(strstr(autolic_errmsg(), "cannot create its locks"));
		assert_int_equal(ta.live, 0);
		assert_int_equal(access(p, F_OK), -1); /* nothing created */
	}
	w_reset();
	assert_int_equal(autolic_store_journal_open(&st, p, &o), 0);
	st.free(st.ctx);
	assert_int_equal(ta.live, 0);
	unlink(p);
}

/* A new generation never reuses the salt of the one before, even when the
 * random source fails or repeats itself. */
static void t_journal_salt_without_randomness(void **state)
{
	(void)state;
	char p[300];
	t_path(p, sizeof p, "salt.journal");
	unlink(p);
	autolic_storage st;
	/* no random bytes at all: a salt from the clock */
	w_reset();
	w_arm(W_RANDOM, 1, ENOSYS, 1);
	assert_int_equal(autolic_store_journal_open(&st, p, NULL), 0);
	assert_int_equal(g_w.fired[W_RANDOM], 4);
	uint64_t s1 = header_salt(p);
	assert_true(s1 != 0);
	t_commit_kv(&st, "a", "1");
	assert_int_equal(autolic_store_journal_compact(&st), 0);
	uint64_t s2 = header_salt(p);
	assert_true(s2 != 0 && s2 != s1);
	st.free(st.ctx);
	/* the same bytes every time: the first salt is taken, the next is not */
	unlink(p);
	w_reset();
	g_w.random_mode = 1;
	g_w.random_value = 0x1122334455667788ull;
	assert_int_equal(autolic_store_journal_open(&st, p, NULL), 0);
	assert_true(header_salt(p) == 0x1122334455667788ull);
	t_commit_kv(&st, "b", "2");
	assert_int_equal(autolic_store_journal_compact(&st), 0);
	assert_true(header_salt(p) != 0x1122334455667788ull);
	t_expect_kv(&st, "b", "2");
	/* all zero bytes are no salt either */
	g_w.random_value = 0;
	assert_int_equal(autolic_store_journal_compact(&st), 0);
	assert_true(header_salt(p) != 0);
	st.free(st.ctx);
	w_reset();
	assert_int_equal(autolic_store_journal_open(&st, p, NULL), 0);
	t_expect_kv(&st, "b", "2");
	st.free(st.ctx);
	unlink(p);
}

static void t_journal_directory_cannot_be_synced(void **state)
{
	(void)state;
	char p[300];
	t_path(p, sizeof p, "dirsync.journal");
	unlink(p);
	autolic_storage st;
	w_reset();
	w_arm(W_OPEN_DIR, 1, EMFILE, 0);
	assert_int_equal(autolic_store_journal_open(&st, p, NULL), AUTOLIC_ESTORAGE);
	assert_non_null(strstr(autolic_errmsg(), "cannot sync the directory of the new journal"));
	assert_int_equal(access(p, F_OK), -1); /* the file it created is gone */
	/* after a compaction: the new file is in place, the handle refuses more */
	w_reset();
	assert_int_equal(autolic_store_journal_open(&st, p, NULL), 0);
	t_commit_kv(&st, "k", "v");
	w_arm(W_OPEN_DIR, 1, EMFILE, 0);
	assert_int_equal(autolic_store_journal_compact(&st), AUTOLIC_ESTORAGE);
	assert_non_null(strstr(autolic_errmsg(), "syncing the directory after compaction failed"));
	assert_int_equal(st.begin(st.ctx, 0), AUTOLIC_ESTORAGE);
	st.free(st.ctx);
	w_reset();
	assert_int_equal(autolic_store_journal_open(&st, p, NULL), 0);
	t_expect_kv(&st, "k", "v");
	st.free(st.ctx);
	unlink(p);
}

static void t_journal_stat_fails(void **state)
{
	(void)state;
	char p[300];
	t_path(p, sizeof p, "stat.journal");
	unlink(p);
	autolic_storage st;
	assert_int_equal(autolic_store_journal_open(&st, p, NULL), 0);
	t_commit_kv(&st, "k", "v");
	st.free(st.ctx);
	/* the descriptor just opened, then the one being read */
	for (long nth = 1; nth <= 2; nth++) {
		w_reset();
		w_arm(W_FSTAT, nth, EIO, 0);
		assert_int_equal(autolic_store_journal_open(&st, p, NULL), AUTOLIC_ESTORAGE);
		assert_non_null(strstr(autolic_errmsg(), "cannot stat: Input/output error"));
	}
	/* a compaction that cannot read the journal's mode gives the new file 0600 */
	assert_int_equal(chmod(p, 0640), 0);
	w_reset();
	assert_int_equal(autolic_store_journal_open(&st, p, NULL), 0);
	w_arm(W_FSTAT, 1, EIO, 0);
	assert_int_equal(autolic_store_journal_compact(&st), 0);
	assert_int_equal(g_w.fired[W_FSTAT], 1);
	struct stat s;
	assert_int_equal(stat(p, &s), 0);
	assert_int_equal(s.st_mode & 07777, 0600);
	t_expect_kv(&st, "k", "v");
	st.free(st.ctx);
	unlink(p);
}

/* A file system without locks (NFS without its lock daemon answers ENOLCK). */
static void t_journal_locks_unsupported(void **state)
{
	(void)state;
	char p[300], tmp[320];
	t_path(p, sizeof p, "nolock.journal");
	snprintf(tmp, sizeof tmp, "%s.compact", p);
	unlink(p);
	autolic_storage st;
	w_reset();
	w_arm(W_FCNTL_LOCK, 1, ENOLCK, 0);
	assert_int_equal(autolic_store_journal_open(&st, p, NULL), AUTOLIC_ESTORAGE);
	assert_non_null(strstr(autolic_errmsg(), "cannot lock: No locks available"));
	/* The file it created is left, empty: without the lock it cannot know
	 * that no other opener has taken it since. The next open initialises it. */
	struct stat s;
	assert_int_equal(stat(p, &s), 0);
	assert_int_equal(s.st_size, 0);
	/* EACCES is how some systems say another holder has it */
	w_reset();
	w_arm(W_FCNTL_LOCK, 1, EACCES, 0);
	assert_int_equal(autolic_store_journal_open(&st, p, NULL), AUTOLIC_ELOCKED);
	assert_non_null(strstr(autolic_errmsg(), "is locked by another open handle"));
	/* the compaction's temporary file: the compaction fails, nothing else */
	w_reset();
	assert_int_equal(autolic_store_journal_open(&st, p, NULL), 0);
	t_commit_kv(&st, "k", "v");
	w_arm(W_FCNTL_LOCK, 1, ENOLCK, 0);
	assert_int_equal(autolic_store_journal_compact(&st), AUTOLIC_ESTORAGE);
	assert_non_null(strstr(autolic_errmsg(), "cannot lock"));
	assert_int_equal(access(tmp, F_OK), -1);
	t_commit_kv(&st, "k2", "v2");
	assert_int_equal(autolic_store_journal_compact(&st), 0);
	st.free(st.ctx);
	w_reset();
	assert_int_equal(autolic_store_journal_open(&st, p, NULL), 0);
	t_expect_kv(&st, "k", "v");
	t_expect_kv(&st, "k2", "v2");
	st.free(st.ctx);
	unlink(p);
}

int main(void)
{
	if (t_dir_make("al-os"))
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_handle_mutex_fails),
	    cmocka_unit_test(t_journal_locks_fail),
	    cmocka_unit_test(t_journal_salt_without_randomness),
	    cmocka_unit_test(t_journal_directory_cannot_be_synced),
	    cmocka_unit_test(t_journal_stat_fails),
	    cmocka_unit_test(t_journal_locks_unsupported),
	};
	int failed = t_run_group("os_failures", tests, NULL, NULL);
	t_dir_remove();
	return failed;
}
