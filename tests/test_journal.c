/*
 * The journal store: crash safety and its proofs.
 *
 * - truncation at every byte offset of a journal of more than 1,000 records;
 * - every bit of a journal of at least 64 KiB flipped;
 * - a fault layer under the file I/O that fails or crashes each step of a
 *   workload and of compactions;
 * - a child process killed with SIGKILL at random points (200 times, or
 *   AUTOLIC_LONG_TESTS=1 for 5,000);
 * - group commit, locking between processes, sticky errors, open errors.
 *
 * Files go to $AUTOLIC_TEST_DIR, else /dev/shm, else /tmp.
 */
#include "support.h"

#include "autolic/sys/journal.h"
#include "core/crc32c.h"
#include "core/error.h"
#include "store/journal.h"
#include "store/map.h"

#include <valgrind/valgrind.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- environment ------------------------------------------------------- */

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;
	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Under valgrind (or AUTOLIC_QUICK_TESTS=1) the exhaustive loops take a
 * sample: every offset and bit would take hours there. The full loops run in
 * the plain and sanitizer builds. */
static int quick_tests(void)
{
	const char *e = getenv("AUTOLIC_QUICK_TESTS");
	return RUNNING_ON_VALGRIND || (e && *e && strcmp(e, "0") != 0);
}

static int long_tests(void)
{
	const char *e = getenv("AUTOLIC_LONG_TESTS");
	return e && *e && strcmp(e, "0") != 0;
}

static off_t file_size(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return -1;
	return st.st_size;
}

static const char *storage_msg(void)
{
	return al_err_take_storage();
}

/* ---- model of the key/value state --------------------------------------- */

#define NKEYS 64

typedef struct model {
	unsigned char present[NKEYS];
	uint16_t len[NKEYS];
	uint32_t vseed[NKEYS];
} model;

static size_t key_of(unsigned id, char *k)
{
	/* keys of mixed lengths, not in id order */
	return (size_t)sprintf(k, "%c%02u%.*s", 'a' + (int)(id * 7 % 26), id, (int)(id % 6),
	                       "zzzzzz");
}

static void value_of(uint32_t vseed, size_t len, unsigned char *v)
{
	uint32_t x = vseed * 2654435761u + 1;
	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		v[i] = (unsigned char)x;
	}
}

static uint32_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (uint32_t)(*s >> 11);
}

static size_t model_count(const model *m)
{
	size_t n = 0;
	for (unsigned i = 0; i < NKEYS; i++)
		n += m->present[i];
	return n;
}

static int count_cb(const void *k, size_t kl, const void *v, size_t vl, void *arg)
{
	(void)k, (void)kl, (void)v, (void)vl;
	(*(size_t *)arg)++;
	return 0;
}

/* Does the store's committed state equal the model? (0 or a reason) */
static const char *store_differs(autolic_storage *st, const model *m)
{
	static unsigned char vb[4096];
	const char *why = NULL;
	if (st->begin(st->ctx, 0) != 0)
		return "begin failed";
	for (unsigned i = 0; i < NKEYS && !why; i++) {
		char k[16];
		size_t kl = key_of(i, k);
		const void *v;
		size_t vl;
		int rc = st->get(st->ctx, k, kl, &v, &vl);
		if (!m->present[i]) {
			if (rc != AUTOLIC_ENOTFOUND)
				why = "key present that should be absent";
			continue;
		}
		if (rc != 0) {
			why = "key missing";
			continue;
		}
		value_of(m->vseed[i], m->len[i], vb);
		if (vl != m->len[i] || memcmp(v, vb, vl) != 0)
			why = "value differs";
	}
	size_t n = 0;
	if (!why && st->scan(st->ctx, "", 0, NULL, 0, count_cb, &n) != 0)
		why = "scan failed";
	if (!why && n != model_count(m))
		why = "number of keys differs";
	st->rollback(st->ctx);
	return why;
}

static void assert_store_is(autolic_storage *st, const model *m)
{
	const char *why = store_differs(st, m);
	if (why)
		fail_msg("state differs from the model: %s", why);
}

/*
 * One random transaction: puts of mixed sizes, deletes, a savepoint rolled
 * back or released; committed (90%) or rolled back. `m` is updated only when
 * the commit succeeds. Returns the commit's result (0 for a rollback) and
 * sets *committed, *ops (records that reach the file).
 */
static int random_txn(autolic_storage *st, uint64_t *rng, model *m, int *committed, int *ops)
{
	static unsigned char vb[4096];
	model w = *m;
	int n = 1 + (int)(rnd(rng) % 8), logged = 0;
	*committed = 0;
	*ops = 0;
	int rc = st->begin(st->ctx, 1);
	if (rc)
		return rc;
	int sp = -1; /* index at which a savepoint was taken */
	model at_sp;
	for (int i = 0; i < n; i++) {
		if (sp < 0 && rnd(rng) % 10 == 0) {
			rc = st->savepoint(st->ctx);
			if (rc)
				goto fail;
			sp = logged;
			at_sp = w;
		}
		unsigned id = rnd(rng) % NKEYS;
		char k[16];
		size_t kl = key_of(id, k);
		if (w.present[id] && rnd(rng) % 4 == 0) {
			rc = st->del(st->ctx, k, kl);
			if (rc)
				goto fail;
			w.present[id] = 0;
		} else {
			uint32_t r = rnd(rng);
			size_t len = r % 100 < 3 ? 300 + r % 700 : r % 24;
			uint32_t vs = rnd(rng);
			value_of(vs, len, vb);
			rc = st->put(st->ctx, k, kl, vb, len);
			if (rc)
				goto fail;
			w.present[id] = 1;
			w.len[id] = (uint16_t)len;
			w.vseed[id] = vs;
		}
		logged++;
	}
	if (sp >= 0) {
		if (rnd(rng) % 2) {
			rc = st->rollback_to(st->ctx);
			if (rc)
				goto fail;
			w = at_sp;
			logged = sp;
		} else {
			rc = st->release(st->ctx);
			if (rc)
				goto fail;
		}
	}
	if (rnd(rng) % 10 == 0) {
		st->rollback(st->ctx);
		return 0;
	}
	rc = st->commit(st->ctx);
	if (rc) {
		st->rollback(st->ctx);
		return rc;
	}
	*m = w;
	*committed = 1;
	*ops = logged;
	return 0;
fail:
	st->rollback(st->ctx);
	return rc;
}

static uint64_t file_bytes(const autolic_storage *st)
{
	al_journal_stats s;
	assert_int_equal(al_journal_stats_get(st, &s), 0);
	return s.file_bytes;
}

/* ---- fault layer under the file I/O ------------------------------------ */

enum { F_OFF, F_ONCE, F_ALWAYS, F_CRASH };

#define FIO_FILES 8
typedef struct fio_file {
	int fd;
	char path[320];
	ino_t ino;
	off_t synced;
} fio_file;

typedef struct fio {
	long steps;   /* counted operations */
	long fail_at; /* step that fails / crashes; 0 off */
	int mode;
	int err;  /* errno injected (EIO by default) */
	int dead; /* crashed: nothing reaches the disk any more */
	long fired;
	long fdatasyncs, fsyncs, dirsyncs, renames, opens;
	unsigned sync_delay_us;
	int fail_open_errno; /* every open fails with this errno */
	pthread_mutex_t mu;
	/* for the "unsynced data lost" crash model */
	fio_file files[FIO_FILES];
	char pend_from[320], pend_to[320]; /* rename not yet made durable */
	int pend_rename, pend_had_target;
	char created[320]; /* file created, directory not synced */
} fio;

static fio g_fio;

static void fio_reset(int mode, long fail_at, int err)
{
	pthread_mutex_destroy(&g_fio.mu);
	memset(&g_fio, 0, sizeof g_fio);
	pthread_mutex_init(&g_fio.mu, NULL);
	g_fio.mode = mode;
	g_fio.fail_at = fail_at;
	g_fio.err = err ? err : EIO;
	for (int i = 0; i < FIO_FILES; i++)
		g_fio.files[i].fd = -1;
}

/* 0: go ahead; 1: fail now (errno set); 2: crash during this step */
static int fio_step(void)
{
	pthread_mutex_lock(&g_fio.mu);
	int r = 0;
	if (g_fio.dead) {
		r = 1;
	} else {
		long s = ++g_fio.steps;
		if (g_fio.mode != F_OFF && g_fio.fail_at &&
		    (s == g_fio.fail_at || (g_fio.mode == F_ALWAYS && s > g_fio.fail_at))) {
			g_fio.fired++;
			if (g_fio.mode == F_CRASH) {
				g_fio.dead = 1;
				r = 2;
			} else {
				r = 1;
			}
		}
	}
	pthread_mutex_unlock(&g_fio.mu);
	errno = g_fio.err;
	return r;
}

static fio_file *fio_find(int fd)
{
	for (int i = 0; i < FIO_FILES; i++)
		if (g_fio.files[i].fd == fd)
			return &g_fio.files[i];
	return NULL;
}

static int f_open(const char *path, int flags, mode_t mode, void *ctx)
{
	(void)ctx;
	if (g_fio.fail_open_errno) {
		errno = g_fio.fail_open_errno;
		return -1;
	}
	int creating = (flags & O_CREAT) && access(path, F_OK) != 0;
	if (fio_step())
		return -1;
	int fd = open(path, flags, mode);
	if (fd < 0)
		return -1;
	pthread_mutex_lock(&g_fio.mu);
	g_fio.opens++;
	fio_file *f = fio_find(-1);
	for (int i = 0; i < FIO_FILES; i++) /* a reused descriptor number */
		if (g_fio.files[i].fd == fd)
			f = &g_fio.files[i];
	if (f) {
		f->fd = fd;
		snprintf(f->path, sizeof f->path, "%s", path);
		struct stat st;
		int ok = fstat(fd, &st) == 0;
		f->ino = ok ? st.st_ino : 0;
		f->synced = creating || !ok ? 0 : st.st_size;
		if (flags & O_TRUNC)
			f->synced = 0;
	}
	if (creating)
		snprintf(g_fio.created, sizeof g_fio.created, "%s", path);
	pthread_mutex_unlock(&g_fio.mu);
	return fd;
}

static ssize_t f_pread(int fd, void *b, size_t n, off_t off, void *ctx)
{
	(void)ctx;
	return pread(fd, b, n, off);
}

static ssize_t f_pwrite(int fd, const void *b, size_t n, off_t off, void *ctx)
{
	(void)ctx;
	int r = fio_step();
	if (r == 2 && n > 1) /* torn: the first half reaches the file */
		(void)!pwrite(fd, b, n / 2, off);
	if (r) {
		errno = g_fio.err;
		return -1;
	}
	return pwrite(fd, b, n, off);
}

static void mark_synced(int fd)
{
	pthread_mutex_lock(&g_fio.mu);
	fio_file *f = fio_find(fd);
	struct stat st;
	if (f && fstat(fd, &st) == 0)
		f->synced = st.st_size;
	pthread_mutex_unlock(&g_fio.mu);
}

static int f_fsync(int fd, void *ctx)
{
	(void)ctx;
	if (fio_step())
		return -1;
	g_fio.fsyncs++;
	mark_synced(fd);
	return fsync(fd);
}

static int f_fdatasync(int fd, void *ctx)
{
	(void)ctx;
	if (fio_step())
		return -1;
	if (g_fio.sync_delay_us)
		usleep(g_fio.sync_delay_us);
	pthread_mutex_lock(&g_fio.mu);
	g_fio.fdatasyncs++;
	pthread_mutex_unlock(&g_fio.mu);
	mark_synced(fd);
	return fdatasync(fd);
}

static int f_ftruncate(int fd, off_t len, void *ctx)
{
	(void)ctx;
	if (fio_step())
		return -1;
	return ftruncate(fd, len);
}

static int f_rename(const char *from, const char *to, void *ctx)
{
	(void)ctx;
	if (fio_step())
		return -1;
	char keep[340];
	snprintf(keep, sizeof keep, "%s.undo", to);
	unlink(keep);
	int had = link(to, keep) == 0;
	if (rename(from, to) != 0) {
		int e = errno;
		if (had)
			unlink(keep);
		errno = e;
		return -1;
	}
	g_fio.renames++;
	pthread_mutex_lock(&g_fio.mu);
	g_fio.pend_rename = 1;
	g_fio.pend_had_target = had;
	snprintf(g_fio.pend_from, sizeof g_fio.pend_from, "%s", from);
	snprintf(g_fio.pend_to, sizeof g_fio.pend_to, "%s", to);
	for (int i = 0; i < FIO_FILES; i++)
		if (g_fio.files[i].fd >= 0 && strcmp(g_fio.files[i].path, from) == 0)
			snprintf(g_fio.files[i].path, sizeof g_fio.files[i].path, "%s", to);
	pthread_mutex_unlock(&g_fio.mu);
	return 0;
}

static int f_unlink(const char *path, void *ctx)
{
	(void)ctx;
	if (fio_step())
		return -1;
	return unlink(path);
}

static int f_fsync_dir(const char *dir, void *ctx)
{
	(void)ctx;
	if (fio_step())
		return -1;
	g_fio.dirsyncs++;
	pthread_mutex_lock(&g_fio.mu);
	if (g_fio.pend_rename && g_fio.pend_had_target) {
		char keep[340];
		snprintf(keep, sizeof keep, "%s.undo", g_fio.pend_to);
		unlink(keep);
	}
	g_fio.pend_rename = 0;
	g_fio.created[0] = 0;
	pthread_mutex_unlock(&g_fio.mu);
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

static const al_journal_io fault_io = {f_open,      f_pread,  f_pwrite, f_fsync,     f_fdatasync,
                                       f_ftruncate, f_rename, f_unlink, f_fsync_dir, NULL};

/* Undo what a power cut would have lost: data not synced, a rename or a
 * creation whose directory was not synced. Call after the store is freed. */
static void fio_power_cut(void)
{
	if (g_fio.pend_rename) {
		char keep[340];
		snprintf(keep, sizeof keep, "%s.undo", g_fio.pend_to);
		assert_int_equal(rename(g_fio.pend_to, g_fio.pend_from), 0);
		if (g_fio.pend_had_target)
			assert_int_equal(rename(keep, g_fio.pend_to), 0);
		g_fio.pend_rename = 0;
	}
	if (g_fio.created[0])
		unlink(g_fio.created);
	for (int i = 0; i < FIO_FILES; i++) {
		fio_file *f = &g_fio.files[i];
		struct stat st;
		if (f->fd < 0 || !f->path[0] || stat(f->path, &st) != 0 || st.st_ino != f->ino)
			continue;
		if (st.st_size > f->synced)
			assert_int_equal(truncate(f->path, f->synced), 0);
	}
}

/* ---- tests: basics ----------------------------------------------------- */

static void t_crc32c(void **state)
{
	(void)state;
	assert_int_equal(al_crc32c(0, "123456789", 9), 0xE3069283u);
	assert_int_equal(al_crc32c_sw(0, "123456789", 9), 0xE3069283u);
	unsigned char b[4100];
	uint64_t s = 7;
	for (size_t i = 0; i < sizeof b; i++)
		b[i] = (unsigned char)rnd(&s);
	for (size_t off = 0; off < 9; off++)
		for (size_t len = 0; len + off <= sizeof b; len += 1 + len / 3) {
			uint32_t a = al_crc32c(0, b + off, len);
			assert_int_equal(a, al_crc32c_sw(0, b + off, len));
			size_t h = len / 3;
			assert_int_equal(a,
			                 al_crc32c(al_crc32c(0, b + off, h), b + off + h, len - h));
		}
}

static void t_create_mode_reopen_and_db(void **state)
{
	(void)state;
	int fds = count_fds();
	char p[300];
	t_path(p, sizeof p, "basic.journal");
	unlink(p);
	fio_reset(F_OFF, 0, 0);
	autolic_storage st;
	assert_int_equal(al_journal_open_io(&st, p, NULL, &fault_io), 0);
	struct stat sb;
	assert_int_equal(stat(p, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_true(g_fio.dirsyncs >= 1); /* creating the file synced its directory */
	assert_int_equal(file_size(p), AL_JOURNAL_HEADER_SIZE);
	assert_int_equal(st.begin(st.ctx, 1), 0);
	assert_int_equal(st.put(st.ctx, "k", 1, "v", 1), 0);
	assert_int_equal(st.commit(st.ctx), 0);
	assert_true(g_fio.fdatasyncs >= 1); /* the commit was synced */
	/* a database handle over the journal, end to end */
	autolic_db_options o = AUTOLIC_DB_OPTIONS_INIT;
	o.storage = &st;
	autolic_db *db = NULL;
	assert_int_equal(autolic_db_open(&db, &o), 0);
	autolic_id id = t_register(db, "ann@example.com", "Ann", "Lee");
	assert_true(id != 0);
	autolic_db_close(db);

	assert_int_equal(autolic_store_journal_open(&st, p, NULL), 0);
	const void *v;
	size_t vl;
	assert_int_equal(st.begin(st.ctx, 0), 0);
	assert_int_equal(st.get(st.ctx, "k", 1, &v, &vl), 0);
	assert_int_equal(vl, 1);
	size_t n = 0;
	assert_int_equal(st.scan(st.ctx, "", 0, NULL, 0, count_cb, &n), 0);
	assert_true(n > 1); /* the account's records came back too */
	assert_int_equal(st.rollback(st.ctx), 0);
	st.free(st.ctx);
	unlink(p);
	assert_int_equal(count_fds(), fds);
}

static void t_open_errors(void **state)
{
	(void)state;
	int fds = count_fds();
	autolic_storage st;
	char p[300];
	memset(&st, 0, sizeof st);

	assert_int_equal(autolic_store_journal_open(NULL, "x", NULL), AUTOLIC_EINVAL);
	assert_int_equal(autolic_store_journal_open(&st, NULL, NULL), AUTOLIC_EINVAL);
	assert_int_equal(autolic_store_journal_open(&st, "", NULL), AUTOLIC_EINVAL);
	autolic_journal_options o;
	assert_int_equal(autolic_journal_options_init(&o, 0), AUTOLIC_EVERSION);
	assert_int_equal(autolic_journal_options_init(&o, 99), AUTOLIC_EVERSION);
	assert_int_equal(autolic_journal_options_init(&o, AUTOLIC_JOURNAL_OPTIONS_VERSION), 0);
	o.version = 2;
	assert_int_equal(autolic_store_journal_open(&st, "x", &o), AUTOLIC_EVERSION);
	o.version = AUTOLIC_JOURNAL_OPTIONS_VERSION;
	o.flags = 0x100;
	assert_int_equal(autolic_store_journal_open(&st, "x", &o), AUTOLIC_EINVAL);
	assert_non_null(strstr(storage_msg(), "unknown flags"));

	/* a directory */
	assert_int_equal(autolic_store_journal_open(&st, t_dir, NULL), AUTOLIC_EINVAL);
	assert_non_null(strstr(storage_msg(), "directory"));
	o.flags = AUTOLIC_JOURNAL_READONLY;
	assert_int_equal(autolic_store_journal_open(&st, t_dir, &o), AUTOLIC_EINVAL);
	assert_non_null(strstr(storage_msg(), "directory"));

	/* read-only open of a missing file */
	t_path(p, sizeof p, "missing.journal");
	unlink(p);
	assert_int_equal(autolic_store_journal_open(&st, p, &o), AUTOLIC_ENOTFOUND);
	assert_int_equal(file_size(p), -1);

	/* a missing directory */
	t_path(p, sizeof p, "no/such/dir.journal");
	assert_int_equal(autolic_store_journal_open(&st, p, NULL), AUTOLIC_ESTORAGE);
	assert_non_null(strstr(storage_msg(), "No such file"));

	/* unreadable (the tests may run as root, so the refusal is injected) */
	t_path(p, sizeof p, "unreadable.journal");
	fio_reset(F_OFF, 0, 0);
	g_fio.fail_open_errno = EACCES;
	assert_int_equal(al_journal_open_io(&st, p, NULL, &fault_io), AUTOLIC_ESTORAGE);
	assert_non_null(strstr(storage_msg(), "Permission denied"));

	/* a full disk while creating: clear error, no file left behind */
	t_path(p, sizeof p, "full.journal");
	unlink(p);
	fio_reset(F_ONCE, 2, ENOSPC); /* step 1 is the open, 2 the header write */
	assert_int_equal(al_journal_open_io(&st, p, NULL, &fault_io), AUTOLIC_ESTORAGE);
	assert_non_null(strstr(storage_msg(), "disk is full"));
	assert_int_equal(file_size(p), -1);

	/* a file of another format */
	t_path(p, sizeof p, "other.journal");
	const char *text = "This is a plain text file, certainly not a journal of any sort.\n";
	t_write_file(p, (const unsigned char *)text, strlen(text));
	assert_int_equal(autolic_store_journal_open(&st, p, NULL), AUTOLIC_ECORRUPT);
	assert_non_null(strstr(storage_msg(), "not a libautolic journal"));
	assert_int_equal(file_size(p), (off_t)strlen(text)); /* untouched */
	t_write_file(p, (const unsigned char *)"PK\3\4", 4); /* shorter than a header */
	assert_int_equal(autolic_store_journal_open(&st, p, NULL), AUTOLIC_ECORRUPT);

	/* a journal of a newer format version */
	unlink(p);
	assert_int_equal(autolic_store_journal_open(&st, p, NULL), 0);
	st.free(st.ctx);
	size_t len;
	unsigned char *b = t_read_file(p, &len);
	b[8] = 2;
	uint32_t c = al_crc32c(0, b, 60);
	for (int i = 0; i < 4; i++)
		b[60 + i] = (unsigned char)(c >> (8 * i));
	t_write_file(p, b, len);
	free(b);
	assert_int_equal(autolic_store_journal_open(&st, p, NULL), AUTOLIC_EVERSION);
	assert_non_null(strstr(storage_msg(), "format version 2"));

	/* an empty file (created by someone else) becomes a journal */
	t_write_file(p, (const unsigned char *)"", 0);
	assert_int_equal(autolic_store_journal_open(&st, p, NULL), 0);
	st.free(st.ctx);
	assert_int_equal(file_size(p), AL_JOURNAL_HEADER_SIZE);
	unlink(p);

	/* compaction of something that is not a journal store */
	autolic_storage mem;
	assert_int_equal(autolic_store_memory_new(&mem, NULL), 0);
	assert_int_equal(autolic_store_journal_compact(&mem), AUTOLIC_EINVAL);
	assert_int_equal(autolic_store_journal_compact(NULL), AUTOLIC_EINVAL);
	mem.free(mem.ctx);
	assert_int_equal(count_fds(), fds);
}

static void t_same_process_lock_and_readonly(void **state)
{
	(void)state;
	int fds = count_fds();
	char p[300];
	t_path(p, sizeof p, "lock1.journal");
	unlink(p);
	autolic_storage a, b;
	assert_int_equal(autolic_store_journal_open(&a, p, NULL), 0);
	assert_int_equal(autolic_store_journal_open(&b, p, NULL), AUTOLIC_ELOCKED);
	assert_non_null(strstr(storage_msg(), "locked"));
	autolic_journal_options o = AUTOLIC_JOURNAL_OPTIONS_INIT;
	o.flags = AUTOLIC_JOURNAL_READONLY;
	assert_int_equal(autolic_store_journal_open(&b, p, &o), AUTOLIC_ELOCKED);
	assert_int_equal(a.begin(a.ctx, 1), 0);
	assert_int_equal(a.put(a.ctx, "x", 1, "1", 1), 0);
	assert_int_equal(a.commit(a.ctx), 0);
	a.free(a.ctx);
	/* read-only handles share the file but refuse writes */
	assert_int_equal(autolic_store_journal_open(&a, p, &o), 0);
	assert_int_equal(autolic_store_journal_open(&b, p, &o), 0);
	autolic_storage w;
	assert_int_equal(autolic_store_journal_open(&w, p, NULL), AUTOLIC_ELOCKED);
	assert_int_equal(b.begin(b.ctx, 1), 0);
	assert_int_equal(b.put(b.ctx, "y", 1, "1", 1), AUTOLIC_EREADONLY);
	assert_int_equal(b.del(b.ctx, "x", 1), AUTOLIC_EREADONLY);
	assert_int_equal(b.commit(b.ctx), 0);
	assert_int_equal(autolic_store_journal_compact(&b), AUTOLIC_EREADONLY);
	a.free(a.ctx);
	b.free(b.ctx);
	unlink(p);
	assert_int_equal(count_fds(), fds);
}

static void t_lock_two_processes(void **state)
{
	(void)state;
	char p[300];
	t_path(p, sizeof p, "lock2.journal");
	unlink(p);
	int ready[2], hold[2];
	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(hold), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		autolic_storage st;
		char c = autolic_store_journal_open(&st, p, NULL) == 0 ? 'y' : 'n';
		(void)!write(ready[1], &c, 1);
		(void)!read(hold[0], &c, 1); /* wait to be killed */
		_exit(0);
	}
	char c = 0;
	assert_int_equal(read(ready[0], &c, 1), 1);
	assert_int_equal(c, 'y');
	autolic_storage st;
	assert_int_equal(autolic_store_journal_open(&st, p, NULL), AUTOLIC_ELOCKED);
	char want[64];
	snprintf(want, sizeof want, "locked by process %ld", (long)pid);
	const char *msg = storage_msg();
	if (!strstr(msg, want))
		fail_msg("expected '%s' in '%s'", want, msg);
	/* the lock dies with its holder */
	kill(pid, SIGKILL);
	int ws;
	assert_int_equal(waitpid(pid, &ws, 0), pid);
	assert_int_equal(autolic_store_journal_open(&st, p, NULL), 0);
	st.free(st.ctx);
	close(ready[0]);
	close(ready[1]);
	close(hold[0]);
	close(hold[1]);
	unlink(p);
}

/* ---- truncation at every byte offset ---------------------------------- */

typedef struct built {
	unsigned char *img;
	size_t len;
	size_t ntx;     /* committed transactions */
	uint64_t *end;  /* end[k]: file length after commit k+1 */
	model *after;   /* after[k]: state after k commits */
	size_t records; /* operation records in the file */
} built;

static void built_free(built *b)
{
	free(b->img);
	free(b->end);
	free(b->after);
}

/* Write a journal with random transactions until it holds at least
 * `min_records` operation records and `min_bytes` bytes. With `crash_image`,
 * the image is taken before close (no closing mark). */
static void build_journal(const char *p, uint64_t seed, size_t min_records, size_t min_bytes,
                          int crash_image, built *b)
{
	memset(b, 0, sizeof *b);
	unlink(p);
	autolic_journal_options o = AUTOLIC_JOURNAL_OPTIONS_INIT;
	o.flags = AUTOLIC_JOURNAL_NO_AUTO_COMPACT;
	autolic_storage st;
	assert_int_equal(autolic_store_journal_open(&st, p, &o), 0);
	size_t cap = 64;
	b->end = malloc(cap * sizeof *b->end);
	b->after = malloc((cap + 1) * sizeof *b->after);
	memset(&b->after[0], 0, sizeof(model));
	model m = b->after[0];
	uint64_t rng = seed;
	while (b->records < min_records || file_bytes(&st) < min_bytes) {
		int committed, ops;
		assert_int_equal(random_txn(&st, &rng, &m, &committed, &ops), 0);
		if (!committed || !ops)
			continue; /* nothing reached the file */
		if (b->ntx == cap) {
			cap *= 2;
			b->end = realloc(b->end, cap * sizeof *b->end);
			b->after = realloc(b->after, (cap + 1) * sizeof *b->after);
		}
		b->end[b->ntx] = file_bytes(&st);
		b->after[++b->ntx] = m;
		b->records += (size_t)ops;
	}
	if (crash_image)
		b->img = t_read_file(p, &b->len);
	st.free(st.ctx);
	if (!crash_image)
		b->img = t_read_file(p, &b->len);
}

/* Commits wholly inside the first t bytes. */
static size_t commits_within(const built *b, uint64_t t)
{
	size_t lo = 0, hi = b->ntx;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (b->end[mid] <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void t_truncate_every_offset(void **state)
{
	(void)state;
	int fds = count_fds();
	char p[300];
	t_path(p, sizeof p, "trunc.journal");
	built b;
	build_journal(p, 0x7E57, 1000, 0, 0, &b);
	assert_true(b.records >= 1000);
	double t0 = now_s();
	int fd = -1;
	off_t cur = -1; /* length of the file as the last open left it */
	unsigned long reopened = 0, appended = 0;
	size_t stride = quick_tests() ? 41 : 1;
	for (size_t t = 0; t <= b.len; t = t == b.len           ? t + 1
	                                   : t + stride < b.len ? t + stride
	                                                        : b.len) {
		if (cur < AL_JOURNAL_HEADER_SIZE || (size_t)cur > t) {
			t_write_file(p, b.img, t);
		} else {
			fd = open(p, O_WRONLY);
			assert_true(fd >= 0);
			assert_int_equal(pwrite(fd, b.img + cur, t - (size_t)cur, cur),
			                 (ssize_t)(t - (size_t)cur));
			close(fd);
		}
		autolic_storage st;
		int rc = autolic_store_journal_open(&st, p, NULL);
		if (rc)
			fail_msg("reopen at offset %zu: %d %s", t, rc, storage_msg());
		size_t k = commits_within(&b, t);
		const char *why = store_differs(&st, &b.after[k]);
		if (why)
			fail_msg("offset %zu: %s (expected %zu commits)", t, why, k);
		uint64_t want_len = t < AL_JOURNAL_HEADER_SIZE ? AL_JOURNAL_HEADER_SIZE
		                    : k                        ? b.end[k - 1]
		                                               : AL_JOURNAL_HEADER_SIZE;
		if (t == b.len)
			want_len = b.len; /* whole file, closing mark included */
		if (file_bytes(&st) != want_len)
			fail_msg("offset %zu: valid length %llu, expected %llu", t,
			         (unsigned long long)file_bytes(&st), (unsigned long long)want_len);
		if (t % 97 == 0) {
			/* the cut file takes new commits */
			assert_int_equal(st.begin(st.ctx, 1), 0);
			assert_int_equal(st.put(st.ctx, "after", 5, "x", 1), 0);
			assert_int_equal(st.commit(st.ctx), 0);
			appended++;
			st.free(st.ctx);
			t_write_file(p, b.img, 0);
			cur = -1;
		} else {
			st.free(st.ctx);
			/* close may add a mark vouching for what it replayed */
			cur = file_size(p);
			if ((uint64_t)cur != want_len &&
			    (uint64_t)cur != want_len + AL_JOURNAL_MARK_SIZE)
				fail_msg("offset %zu: file left at %lld bytes, expected %llu", t,
				         (long long)cur, (unsigned long long)want_len);
			if ((uint64_t)cur != want_len) {
				assert_int_equal(truncate(p, (off_t)want_len), 0);
				cur = (off_t)want_len;
			}
			if (t < AL_JOURNAL_HEADER_SIZE)
				cur =
				    -1; /* it got a header of its own: not a prefix of the image */
		}
		reopened++;
	}
	print_message("truncation: %zu records, %zu commits, %zu bytes, %lu reopens (%lu with a "
	              "new commit) in %.1f s\n",
	              b.records, b.ntx, b.len, reopened, appended, now_s() - t0);
	built_free(&b);
	unlink(p);
	assert_int_equal(count_fds(), fds);
}

/* ---- every bit flipped -------------------------------------------------- */

#define MAX_DIGESTS 8192
typedef struct dsink {
	uint32_t dig;
	uint64_t n;
	uint32_t at[MAX_DIGESTS];
} dsink;

static int d_put(void *arg, const void *k, size_t kl, const void *v, size_t vl)
{
	dsink *d = arg;
	d->dig ^= (uint32_t)(kl * 131 + vl);
	if ((const unsigned char *)k + kl == v) /* one pass when they are adjacent */
		d->dig = al_crc32c(d->dig, k, kl + vl);
	else
		d->dig = al_crc32c(al_crc32c(d->dig, k, kl), v, vl);
	return 0;
}

static int d_del(void *arg, const void *k, size_t kl)
{
	dsink *d = arg;
	d->dig = al_crc32c(d->dig ^ (uint32_t)(kl * 131 + 0x80000000u), k, kl);
	return 0;
}

static int d_commit(void *arg, uint64_t seq)
{
	dsink *d = arg;
	(void)seq;
	if (d->n < MAX_DIGESTS)
		d->at[d->n] = d->dig;
	d->n++;
	return 0;
}

static int m_put(void *arg, const void *k, size_t kl, const void *v, size_t vl)
{
	return al_map_put(arg, k, kl, v, vl);
}

static int m_del(void *arg, const void *k, size_t kl)
{
	int rc = al_map_del(arg, k, kl);
	return rc == AUTOLIC_ENOTFOUND ? 0 : rc;
}

static const char *map_differs(al_map *map, const model *m)
{
	static unsigned char vb[4096];
	for (unsigned i = 0; i < NKEYS; i++) {
		char k[16];
		size_t kl = key_of(i, k);
		const void *v;
		size_t vl;
		int rc = al_map_get(map, k, kl, &v, &vl);
		if (!m->present[i]) {
			if (rc != AUTOLIC_ENOTFOUND)
				return "extra key";
			continue;
		}
		if (rc)
			return "missing key";
		value_of(m->vseed[i], m->len[i], vb);
		if (vl != m->len[i] || memcmp(v, vb, vl))
			return "value differs";
	}
	return al_map_count(map) == model_count(m) ? NULL : "key count differs";
}

/*
 * Flip each bit of bytes [from, to) of the image and judge the replay:
 * - flips in the header: ECORRUPT;
 * - flips vouched for by a later record: ECORRUPT, and the salvage replay
 *   yields exactly the commits before the damaged transaction;
 * - otherwise (the unvouched tail): success with exactly the commits before
 *   the damaged transaction.
 * `tail_from`: first byte that no later record vouches for.
 */
static void flip_range(built *b, size_t from, size_t to, size_t tail_from, const uint32_t *want,
                       unsigned long *flips, unsigned long *corrupt, unsigned long *tails)
{
	dsink *d = malloc(sizeof *d);
	assert_non_null(d);
	size_t stride = quick_tests() ? 53 : 1;
	for (size_t i = from; i < to; i += (i < AL_JOURNAL_HEADER_SIZE ? 1 : stride)) {
		/* the transaction holding byte i: commits before it survive */
		size_t k = commits_within(b, i);
		for (int bit = 0; bit < 8; bit++) {
			b->img[i] ^= (unsigned char)(1u << bit);
			int vouched = i < tail_from;
			al_journal_sink sink = {d_put, d_del, d_commit, d};
			al_journal_replay res;
			int rc;
			/* the plain replay: for one bit of each byte (it differs from
			 * the salvage replay only in what it returns at the end) */
			if (bit == (int)(i % 8)) {
				memset(d, 0, sizeof *d);
				rc = al_journal_replay_buffer(b->img, b->len, 0, "flip", &sink,
				                              &res);
				int want_rc =
				    i < AL_JOURNAL_HEADER_SIZE || vouched ? AUTOLIC_ECORRUPT : 0;
				if (rc != want_rc)
					fail_msg("flip at %zu bit %d: rc %d, expected %d", i, bit,
					         rc, want_rc);
				if (!rc && (d->n != k || d->dig != want[k]))
					fail_msg("flip at %zu bit %d: %llu commits replayed, "
					         "expected %zu",
					         i, bit, (unsigned long long)d->n, k);
			}
			/* the salvage replay: exactly the commits before the damage */
			memset(d, 0, sizeof *d);
			rc = al_journal_replay_buffer(b->img, b->len, 1, "flip", &sink, &res);
			if (i < AL_JOURNAL_HEADER_SIZE) {
				if (rc != AUTOLIC_ECORRUPT)
					fail_msg("header flip at %zu bit %d: rc %d", i, bit, rc);
			} else {
				if (rc != 0)
					fail_msg("flip at %zu bit %d (salvage): rc %d", i, bit, rc);
				if (!res.damaged || res.corrupt != vouched)
					fail_msg("flip at %zu bit %d: damaged %d corrupt %d", i,
					         bit, res.damaged, res.corrupt);
				if (d->n != k || res.commits != k || d->dig != want[k] ||
				    res.good_end != (k ? b->end[k - 1] : AL_JOURNAL_HEADER_SIZE))
					fail_msg("flip at %zu bit %d: %llu commits replayed, "
					         "expected %zu",
					         i, bit, (unsigned long long)d->n, k);
				if (!vouched)
					(*tails)++;
			}
			if (i < AL_JOURNAL_HEADER_SIZE || i < tail_from)
				(*corrupt)++;
			(*flips)++;
			/* now and then the same through the window an open reads a
			 * file with, a chunk of 1 to 97 bytes at a time */
			if ((i * 8 + (size_t)bit) % 61 == 0) {
				al_journal_replay cres;
				dsink *c = calloc(1, sizeof *c);
				al_journal_sink cs = {d_put, d_del, d_commit, c};
				int crc = al_journal_replay_chunked(b->img, b->len, 1 + i % 97, 1,
				                                    "flip", &cs, &cres);
				if (crc != rc || memcmp(&cres, &res, sizeof res) != 0 ||
				    c->n != d->n || c->dig != d->dig)
					fail_msg(
					    "flip at %zu bit %d: read in chunks of %zu, another "
					    "result: rc %d/%d, commits %llu/%llu, valid length "
					    "%llu/%llu, damage at %llu/%llu",
					    i, bit, 1 + i % 97, crc, rc, (unsigned long long)c->n,
					    (unsigned long long)d->n,
					    (unsigned long long)cres.good_end,
					    (unsigned long long)res.good_end,
					    (unsigned long long)cres.damage_off,
					    (unsigned long long)res.damage_off);
				free(c);
			}
			/* now and then the full state, through a real map */
			if ((i * 8 + (size_t)bit) % 509 == 0) {
				al_map *map;
				assert_int_equal(al_map_new(&map, NULL), 0);
				al_journal_sink ms = {m_put, m_del, NULL, map};
				rc = al_journal_replay_buffer(b->img, b->len, 1, "flip", &ms, &res);
				if (i >= AL_JOURNAL_HEADER_SIZE) {
					assert_int_equal(rc, 0);
					const char *why = map_differs(map, &b->after[k]);
					if (why)
						fail_msg("flip at %zu bit %d: %s", i, bit, why);
				}
				al_map_free(map);
			}
			b->img[i] ^= (unsigned char)(1u << bit);
		}
	}
	free(d);
}

static void t_flip_every_bit(void **state)
{
	(void)state;
	char p[300];
	t_path(p, sizeof p, "flip.journal");
	double t0 = now_s();
	built b;
	build_journal(p, 0xF11B, 0, 64 * 1024, 0, &b);
	assert_true(b.len >= 64 * 1024);
	assert_true(b.ntx < MAX_DIGESTS);
	/* reference digests from the intact image */
	dsink *ref = calloc(1, sizeof *ref);
	al_journal_sink sink = {d_put, d_del, d_commit, ref};
	al_journal_replay res;
	assert_int_equal(al_journal_replay_buffer(b.img, b.len, 0, "ref", &sink, &res), 0);
	assert_int_equal(res.commits, b.ntx);
	assert_false(res.damaged);
	uint32_t *want = calloc(b.ntx + 1, sizeof *want);
	for (size_t k = 0; k < b.ntx; k++)
		want[k + 1] = ref->at[k];
	/* the replay of the intact image is the state the store had */
	al_map *map;
	assert_int_equal(al_map_new(&map, NULL), 0);
	al_journal_sink ms = {m_put, m_del, NULL, map};
	assert_int_equal(al_journal_replay_buffer(b.img, b.len, 0, "ref", &ms, &res), 0);
	assert_null(map_differs(map, &b.after[b.ntx]));
	al_map_free(map);

	/* Closed cleanly: everything up to the closing mark is vouched for. */
	unsigned long flips = 0, corrupt = 0, tails = 0;
	flip_range(&b, 0, b.len, b.end[b.ntx - 1], want, &flips, &corrupt, &tails);
	print_message("bit flips (closed journal, %zu bytes, %zu commits): %lu flips, %lu "
	              "corruption errors, %lu discarded tails\n",
	              b.len, b.ntx, flips, corrupt, tails);
	if (!quick_tests())
		assert_int_equal(flips, b.len * 8);

	/* Taken before close (as after a crash): the last transaction is not
	 * vouched for, so damage in it reads as a torn tail. */
	built c;
	build_journal(p, 0xF11B, 0, 64 * 1024, 1, &c);
	assert_int_equal(c.ntx, b.ntx);
	assert_int_equal(c.len, b.end[b.ntx - 1]);
	unsigned long f2 = 0, c2 = 0, t2 = 0;
	size_t last_start = c.ntx > 1 ? c.end[c.ntx - 2] : AL_JOURNAL_HEADER_SIZE;
	size_t from = c.ntx > 3 ? c.end[c.ntx - 4] : AL_JOURNAL_HEADER_SIZE;
	flip_range(&c, from, c.len, last_start, want, &f2, &c2, &t2);
	flip_range(&c, 0, AL_JOURNAL_HEADER_SIZE, 0, want, &f2, &c2, &t2);
	print_message("bit flips (crash image, last 3 transactions and header): %lu flips, %lu "
	              "corruption errors, %lu discarded tails; %.1f s in all\n",
	              f2, c2, t2, now_s() - t0);
	assert_true(t2 > 0 && c2 > 0);
	free(want);
	free(ref);
	built_free(&b);
	built_free(&c);
	unlink(p);
}

/* ---- damage, junk, salvage, generations --------------------------------- */

static void t_junk_damage_salvage(void **state)
{
	(void)state;
	int fds = count_fds();
	char p[300];
	t_path(p, sizeof p, "junk.journal");
	built b;
	build_journal(p, 0x1234, 200, 0, 0, &b);
	autolic_storage st;

	/* junk and zeros after the end: discarded and cut off */
	for (int kind = 0; kind < 3; kind++) {
		size_t extra = 5000;
		unsigned char *img = malloc(b.len + extra);
		memcpy(img, b.img, b.len);
		uint64_t s = 99 + (uint64_t)kind;
		for (size_t i = 0; i < extra; i++)
			img[b.len + i] = kind == 0   ? 0
			                 : kind == 1 ? (unsigned char)rnd(&s)
			                             : b.img[AL_JOURNAL_HEADER_SIZE + i % 300];
		t_write_file(p, img, b.len + extra);
		free(img);
		assert_int_equal(autolic_store_journal_open(&st, p, NULL), 0);
		assert_store_is(&st, &b.after[b.ntx]);
		st.free(st.ctx);
		assert_int_equal(file_size(p), (off_t)b.len);
	}

	/* damage before the last commit: corruption, named by offset */
	size_t k = b.ntx / 2;
	size_t off = b.end[k] + 20; /* inside transaction k+1 */
	b.img[off] ^= 0x40;
	t_write_file(p, b.img, b.len);
	assert_int_equal(autolic_store_journal_open(&st, p, NULL), AUTOLIC_ECORRUPT);
	char want[64];
	snprintf(want, sizeof want, "damaged at offset %llu", (unsigned long long)b.end[k]);
	const char *msg = storage_msg();
	if (!strstr(msg, want))
		fail_msg("expected '%s' in '%s'", want, msg);
	assert_int_equal(file_size(p), (off_t)b.len); /* nothing cut */
	/* salvage: read-only, up to the damage */
	autolic_journal_options o = AUTOLIC_JOURNAL_OPTIONS_INIT;
	o.flags = AUTOLIC_JOURNAL_READONLY_SALVAGE;
	assert_int_equal(autolic_store_journal_open(&st, p, &o), 0);
	assert_store_is(&st, &b.after[k + 1]);
	assert_int_equal(st.begin(st.ctx, 1), 0);
	assert_int_equal(st.put(st.ctx, "w", 1, "1", 1), AUTOLIC_EREADONLY);
	assert_int_equal(st.rollback(st.ctx), 0);
	assert_int_equal(autolic_store_journal_compact(&st), AUTOLIC_EREADONLY);
	st.free(st.ctx);
	assert_int_equal(file_size(p), (off_t)b.len);
	b.img[off] ^= 0x40;

	/* generations: after compaction, records of the old generation appended
	 * to the new file are never replayed */
	t_write_file(p, b.img, b.len);
	assert_int_equal(autolic_store_journal_open(&st, p, NULL), 0);
	al_journal_stats s0, s1;
	assert_int_equal(al_journal_stats_get(&st, &s0), 0);
	assert_int_equal(autolic_store_journal_compact(&st), 0);
	assert_int_equal(al_journal_stats_get(&st, &s1), 0);
	assert_int_equal(s1.generation, s0.generation + 1);
	assert_true(s1.file_bytes < s0.file_bytes);
	assert_store_is(&st, &b.after[b.ntx]);
	st.free(st.ctx);
	size_t nlen;
	unsigned char *n = t_read_file(p, &nlen);
	unsigned char *mix = malloc(nlen + b.len);
	memcpy(mix, n, nlen);
	/* the old records from its first commit on, then everything after */
	memcpy(mix + nlen, b.img + AL_JOURNAL_HEADER_SIZE, b.len - AL_JOURNAL_HEADER_SIZE);
	t_write_file(p, mix, nlen + b.len - AL_JOURNAL_HEADER_SIZE);
	assert_int_equal(autolic_store_journal_open(&st, p, NULL), 0);
	assert_store_is(&st, &b.after[b.ntx]);
	st.free(st.ctx);
	assert_int_equal(file_size(p), (off_t)nlen);
	free(n);
	free(mix);
	built_free(&b);
	unlink(p);
	assert_int_equal(count_fds(), fds);
}

/* A header whose generation or salt was changed, its checksum recomputed:
 * the records after it no longer match it. That is damage, never a torn
 * tail: the writable open refuses and leaves every byte in place, and a
 * salvage open still reads the records. */
static void t_header_edit_is_damage(void **state)
{
	(void)state;
	int fds = count_fds();
	char p[300];
	t_path(p, sizeof p, "header_edit.journal");
	for (int crash = 0; crash < 2; crash++) {
		built b;
		build_journal(p, 0x4EAD + (uint64_t)crash, 300, 32 * 1024, crash, &b);
		for (int field = 16; field <= 24; field += 8) { /* generation, salt */
			unsigned char *img = malloc(b.len);
			memcpy(img, b.img, b.len);
			img[field] ^= 0x01;
			uint32_t c = al_crc32c(0, img, 60);
			for (int i = 0; i < 4; i++)
				img[60 + i] = (unsigned char)(c >> (8 * i));
			t_write_file(p, img, b.len);
			autolic_storage st;
			assert_int_equal(autolic_store_journal_open(&st, p, NULL),
			                 AUTOLIC_ECORRUPT);
			const char *msg = storage_msg();
			if (!strstr(msg, "another generation or salt"))
				fail_msg("unexpected message '%s'", msg);
			size_t now_len;
			unsigned char *now = t_read_file(p, &now_len);
			assert_int_equal(now_len, b.len); /* same bytes: nothing cut */
			assert_memory_equal(now, img, b.len);
			free(now);
			/* the replay entry point agrees, buffer and chunked */
			al_journal_replay res;
			dsink *d = calloc(1, sizeof *d);
			al_journal_sink sink = {d_put, d_del, d_commit, d};
			assert_int_equal(al_journal_replay_buffer(img, b.len, 0, "x", &sink, &res),
			                 AUTOLIC_ECORRUPT);
			assert_true(res.corrupt);
			memset(d, 0, sizeof *d);
			assert_int_equal(
			    al_journal_replay_chunked(img, b.len, 4096, 1, "x", &sink, &res), 0);
			assert_true(res.corrupt);
			assert_int_equal(d->n, b.ntx); /* salvage delivers every commit */
			free(d);
			/* salvage: read-only, every committed record */
			autolic_journal_options o = AUTOLIC_JOURNAL_OPTIONS_INIT;
			o.flags = AUTOLIC_JOURNAL_READONLY_SALVAGE;
			assert_int_equal(autolic_store_journal_open(&st, p, &o), 0);
			assert_store_is(&st, &b.after[b.ntx]);
			assert_int_equal(st.begin(st.ctx, 1), 0);
			assert_int_equal(st.put(st.ctx, "w", 1, "1", 1), AUTOLIC_EREADONLY);
			assert_int_equal(st.rollback(st.ctx), 0);
			st.free(st.ctx);
			now = t_read_file(p, &now_len);
			assert_int_equal(now_len, b.len);
			assert_memory_equal(now, img, b.len);
			free(now);
			free(img);
		}
		/* a torn first transaction under the intact header stays a torn tail */
		size_t cut = (size_t)(AL_JOURNAL_HEADER_SIZE + b.end[0]) / 2;
		t_write_file(p, b.img, cut);
		autolic_storage st;
		assert_int_equal(autolic_store_journal_open(&st, p, NULL), 0);
		assert_store_is(&st, &b.after[0]);
		st.free(st.ctx);
		assert_int_equal(file_size(p), (off_t)AL_JOURNAL_HEADER_SIZE);
		built_free(&b);
	}
	unlink(p);
	assert_int_equal(count_fds(), fds);
}

static void t_compaction_auto_and_host(void **state)
{
	(void)state;
	int fds = count_fds();
	char p[300];
	t_path(p, sizeof p, "compact.journal");
	unlink(p);
	autolic_journal_options o = AUTOLIC_JOURNAL_OPTIONS_INIT;
	o.compact_min_bytes = 16 * 1024;
	o.compact_ratio_percent = 100;
	autolic_storage st;
	assert_int_equal(autolic_store_journal_open(&st, p, &o), 0);
	model m;
	memset(&m, 0, sizeof m);
	uint64_t rng = 42;
	uint64_t max_len = 0;
	for (int i = 0; i < 3000; i++) {
		int c, ops;
		assert_int_equal(random_txn(&st, &rng, &m, &c, &ops), 0);
		al_journal_stats s;
		assert_int_equal(al_journal_stats_get(&st, &s), 0);
		if (s.file_bytes > max_len)
			max_len = s.file_bytes;
		/* the documented bound: never far past min or (1 + ratio) x live */
		uint64_t bound =
		    s.live_bytes * 2 > o.compact_min_bytes ? s.live_bytes * 2 : o.compact_min_bytes;
		assert_true(s.file_bytes <= bound + 4096);
	}
	al_journal_stats s;
	assert_int_equal(al_journal_stats_get(&st, &s), 0);
	assert_true(s.compactions >= 3);
	print_message("auto compaction: %llu compactions over 3000 transactions, largest file %llu "
	              "bytes, live %llu\n",
	              (unsigned long long)s.compactions, (unsigned long long)max_len,
	              (unsigned long long)s.live_bytes);
	assert_store_is(&st, &m);
	struct stat sb;
	assert_int_equal(stat(p, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	st.free(st.ctx);
	assert_int_equal(autolic_store_journal_open(&st, p, NULL), 0);
	assert_store_is(&st, &m);
	/* a transaction open on this thread blocks compaction from it */
	assert_int_equal(st.begin(st.ctx, 1), 0);
	assert_int_equal(autolic_store_journal_compact(&st), AUTOLIC_ESTATE);
	assert_int_equal(st.rollback(st.ctx), 0);
	assert_int_equal(autolic_store_journal_compact(&st), 0);
	st.free(st.ctx);
	char tmp[320];
	snprintf(tmp, sizeof tmp, "%s.compact", p);
	assert_int_equal(file_size(tmp), -1);
	/* a stale compaction file is removed at open */
	t_write_file(tmp, (const unsigned char *)"stale", 5);
	assert_int_equal(autolic_store_journal_open(&st, p, NULL), 0);
	assert_int_equal(file_size(tmp), -1);
	assert_store_is(&st, &m);
	st.free(st.ctx);
	/* through a symbolic link: compaction replaces the file, not the link */
	char link_path[300];
	t_path(link_path, sizeof link_path, "link.journal");
	unlink(link_path);
	assert_int_equal(symlink(p, link_path), 0);
	assert_int_equal(autolic_store_journal_open(&st, link_path, NULL), 0);
	assert_int_equal(autolic_store_journal_compact(&st), 0);
	assert_store_is(&st, &m);
	st.free(st.ctx);
	struct stat lsb;
	assert_int_equal(lstat(link_path, &lsb), 0);
	assert_true(S_ISLNK(lsb.st_mode));
	assert_int_equal(autolic_store_journal_open(&st, p, NULL), 0);
	assert_store_is(&st, &m);
	st.free(st.ctx);
	unlink(link_path);
	unlink(p);
	assert_int_equal(count_fds(), fds);
}

/* ---- sticky errors ------------------------------------------------------ */

static void t_sticky_after_failed_sync_or_write(void **state)
{
	(void)state;
	int fds = count_fds();
	char p[300];
	t_path(p, sizeof p, "sticky.journal");
	for (int which = 0; which < 2; which++) {
		unlink(p);
		fio_reset(F_OFF, 0, 0);
		autolic_storage st;
		assert_int_equal(al_journal_open_io(&st, p, NULL, &fault_io), 0);
		assert_int_equal(st.begin(st.ctx, 1), 0);
		assert_int_equal(st.put(st.ctx, "a", 1, "1", 1), 0);
		assert_int_equal(st.commit(st.ctx), 0);
		/* the next step is the commit's write (0) or its fdatasync (1) */
		g_fio.mode = F_ONCE;
		g_fio.fail_at = g_fio.steps + 1 + which;
		g_fio.err = which ? EIO : ENOSPC;
		assert_int_equal(st.begin(st.ctx, 1), 0);
		assert_int_equal(st.put(st.ctx, "b", 1, "2", 1), 0);
		assert_int_equal(st.commit(st.ctx), AUTOLIC_ESTORAGE);
		assert_non_null(
		    strstr(storage_msg(), which ? "fdatasync failed" : "writing a commit failed"));
		assert_int_equal(st.rollback(st.ctx), 0);
		assert_int_equal(g_fio.fired, 1);
		/* the I/O works again, the handle still refuses */
		assert_int_equal(st.begin(st.ctx, 1), AUTOLIC_ESTORAGE);
		assert_non_null(strstr(storage_msg(), "until it is closed and reopened"));
		assert_int_equal(st.begin(st.ctx, 0), AUTOLIC_ESTORAGE);
		assert_int_equal(autolic_store_journal_compact(&st), AUTOLIC_ESTORAGE);
		al_journal_stats s;
		assert_int_equal(al_journal_stats_get(&st, &s), 0);
		assert_int_equal(s.sticky, 1);
		st.free(st.ctx);
		/* reopening reads what is on disk: "a" for sure */
		assert_int_equal(autolic_store_journal_open(&st, p, NULL), 0);
		const void *v;
		size_t vl;
		assert_int_equal(st.begin(st.ctx, 0), 0);
		assert_int_equal(st.get(st.ctx, "a", 1, &v, &vl), 0);
		int b = st.get(st.ctx, "b", 1, &v, &vl);
		assert_true(b == 0 || b == AUTOLIC_ENOTFOUND);
		if (which == 0)
			assert_int_equal(b, AUTOLIC_ENOTFOUND); /* the write never happened */
		st.rollback(st.ctx);
		st.free(st.ctx);
	}
	unlink(p);
	assert_int_equal(count_fds(), fds);
}

/* ---- allocation failures ------------------------------------------------- */

static void t_alloc_failures(void **state)
{
	(void)state;
	int fds = count_fds();
	char p[300];
	t_path(p, sizeof p, "alloc.journal");
	for (int persistent = 0; persistent < 2; persistent++) {
		long n;
		for (n = 1;; n++) {
			unlink(p);
			t_alloc ta;
			memset(&ta, 0, sizeof ta);
			ta.fail_at = n;
			ta.persistent = persistent;
			autolic_allocator al = t_alloc_make(&ta);
			autolic_journal_options o = AUTOLIC_JOURNAL_OPTIONS_INIT;
			o.allocator = &al;
			o.compact_min_bytes = 700;
			o.compact_ratio_percent = 40;
			model m;
			memset(&m, 0, sizeof m);
			autolic_storage st;
			int rc = autolic_store_journal_open(&st, p, &o);
			if (rc) {
				assert_int_equal(rc, AUTOLIC_ENOMEM);
				assert_non_null(strstr(storage_msg(), "out of memory"));
			} else {
				uint64_t rng = 0xA110C;
				for (int i = 0; i < 20; i++) {
					if (i == 8) {
						rc = autolic_store_journal_compact(&st);
						assert_true(rc == 0 || rc == AUTOLIC_ENOMEM);
					}
					int c, ops;
					rc = random_txn(&st, &rng, &m, &c, &ops);
					assert_true(rc == 0 || rc == AUTOLIC_ENOMEM);
				}
				st.free(st.ctx);
			}
			if (ta.live != 0)
				fail_msg("allocation %ld failing: %ld blocks leaked", n, ta.live);
			/* what the failures left on disk is exactly what succeeded */
			assert_int_equal(autolic_store_journal_open(&st, p, NULL), 0);
			const char *why = store_differs(&st, &m);
			if (why)
				fail_msg("allocation %ld failing (persistent %d): %s", n,
				         persistent, why);
			st.free(st.ctx);
			if (!ta.fired)
				break;
		}
		print_message("allocation failures (%s): %ld allocations failed in turn\n",
		              persistent ? "from then on" : "once", n - 1);
	}
	unlink(p);
	assert_int_equal(count_fds(), fds);
}

/* ---- fault layer: every step of a workload and of compactions ----------- */

#define WL_TXNS 30
static uint64_t g_wl_compactions;

/* Open, run transactions with a host compaction in the middle and automatic
 * ones on the way, close. Returns the number of acknowledged commits; sets
 * *inflight when a commit failed (it may or may not have reached the disk). */
static int workload(const char *p, model *states, int *inflight)
{
	autolic_journal_options o = AUTOLIC_JOURNAL_OPTIONS_INIT;
	o.compact_min_bytes = 700;
	o.compact_ratio_percent = 40;
	autolic_storage st;
	*inflight = 0;
	if (al_journal_open_io(&st, p, &o, &fault_io) != 0)
		return 0;
	uint64_t rng = 0xFA17;
	model m;
	memset(&m, 0, sizeof m);
	int acked = 0;
	for (int i = 0; acked < WL_TXNS; i++) {
		if (i == 6 || i == 20) {
			int rc = autolic_store_journal_compact(&st);
			if (rc) {
				al_journal_stats s;
				assert_int_equal(al_journal_stats_get(&st, &s), 0);
				if (s.sticky)
					break;
			}
		}
		int c, ops;
		if (random_txn(&st, &rng, &m, &c, &ops) != 0) {
			*inflight = 1; /* it may or may not have reached the disk */
			break;
		}
		if (c)
			states[++acked] = m;
	}
	al_journal_stats s;
	assert_int_equal(al_journal_stats_get(&st, &s), 0);
	g_wl_compactions = s.compactions;
	st.free(st.ctx);
	return acked;
}

/* The states after each commit of the workload, run without faults. */
static int workload_states(const char *p, model *states)
{
	unlink(p);
	fio_reset(F_OFF, 0, 0);
	int inflight;
	memset(&states[0], 0, sizeof(model));
	int n = workload(p, states, &inflight);
	assert_int_equal(n, WL_TXNS);
	assert_int_equal(inflight, 0);
	/* the host's compaction and automatic ones are part of the workload */
	if (g_wl_compactions < 3)
		fail_msg("workload made %llu compactions", (unsigned long long)g_wl_compactions);
	return (int)g_fio.steps;
}

static void t_fault_every_step(void **state)
{
	(void)state;
	int fds = count_fds();
	char p[300];
	t_path(p, sizeof p, "fault.journal");
	model ref[WL_TXNS + 1];
	long clean_steps = workload_states(p, ref);
	struct {
		int mode, err, power_cut;
		const char *name;
	} modes[] = {
	    {F_ONCE, EIO, 0, "fail once (EIO)"},
	    {F_ONCE, ENOSPC, 0, "fail once (ENOSPC)"},
	    {F_ALWAYS, EIO, 0, "fail from then on"},
	    {F_CRASH, EIO, 0, "crash, page cache kept"},
	    {F_CRASH, EIO, 1, "crash, unsynced data and renames lost"},
	};
	double t0 = now_s();
	unsigned long runs = 0;
	for (size_t mi = 0; mi < sizeof modes / sizeof *modes; mi++) {
		long n;
		for (n = 1;; n++) {
			unlink(p);
			fio_reset(modes[mi].mode, n, modes[mi].err);
			model got[WL_TXNS + 1];
			memset(&got[0], 0, sizeof(model));
			int inflight;
			int acked = workload(p, got, &inflight);
			runs++;
			if (!g_fio.fired) {
				assert_int_equal(acked, WL_TXNS);
				break;
			}
			/* every acknowledged commit is identical to the reference */
			for (int i = 1; i <= acked; i++)
				assert_memory_equal(&got[i], &ref[i], sizeof(model));
			if (modes[mi].power_cut)
				fio_power_cut();
			autolic_storage st;
			int rc = autolic_store_journal_open(&st, p, NULL);
			if (rc)
				fail_msg("%s at step %ld: reopen failed %d: %s", modes[mi].name, n,
				         rc, storage_msg());
			const char *why = store_differs(&st, &ref[acked]);
			if (why && inflight && acked < WL_TXNS)
				why = store_differs(&st, &ref[acked + 1]);
			if (why)
				fail_msg("%s at step %ld: %d acknowledged, inflight %d: %s",
				         modes[mi].name, n, acked, inflight, why);
			st.free(st.ctx);
			char tmp[320];
			snprintf(tmp, sizeof tmp, "%s.compact", p);
			assert_int_equal(file_size(tmp), -1);
			snprintf(tmp, sizeof tmp, "%s.undo", p);
			unlink(tmp);
			if (count_fds() != fds)
				fail_msg("%s at step %ld: descriptor leak", modes[mi].name, n);
		}
		print_message("fault layer, %s: %ld steps faulted\n", modes[mi].name, n - 1);
		assert_int_equal(n - 1, clean_steps);
	}
	print_message("fault layer: %ld steps in a clean run, %lu runs in %.1f s\n", clean_steps,
	              runs, now_s() - t0);
	unlink(p);
	assert_int_equal(count_fds(), fds);
}

/* ---- group commit --------------------------------------------------------- */

#define GC_THREADS 8
#define GC_COMMITS 40

typedef struct gc_arg {
	autolic_storage *st;
	int id;
	int failures;
} gc_arg;

static void *gc_thread(void *p)
{
	gc_arg *a = p;
	for (int i = 0; i < GC_COMMITS; i++) {
		char k[32], v[32];
		int kl = snprintf(k, sizeof k, "t%d-%03d", a->id, i);
		int vl = snprintf(v, sizeof v, "value %d/%d", a->id, i);
		if (a->st->begin(a->st->ctx, 1) != 0 ||
		    a->st->put(a->st->ctx, k, (size_t)kl, v, (size_t)vl) != 0 ||
		    a->st->commit(a->st->ctx) != 0)
			a->failures++;
	}
	return NULL;
}

typedef struct rd_arg {
	autolic_storage *st;
	volatile int *stop;
	long reads, failures;
} rd_arg;

/* Readers interleave with the writers; each sees only synced commits. */
static void *rd_thread(void *p)
{
	rd_arg *a = p;
	while (!__atomic_load_n(a->stop, __ATOMIC_ACQUIRE)) {
		size_t n = 0;
		if (a->st->begin(a->st->ctx, 0) != 0 ||
		    a->st->scan(a->st->ctx, "", 0, NULL, 0, count_cb, &n) != 0)
			a->failures++;
		a->st->rollback(a->st->ctx);
		a->reads++;
		usleep(3000);
	}
	return NULL;
}

/* Host compactions racing with the committers. */
static void *compactor_thread(void *p)
{
	rd_arg *a = p;
	for (int i = 0; i < 6; i++) {
		usleep(15000);
		if (autolic_store_journal_compact(a->st) != 0)
			a->failures++;
		a->reads++;
	}
	return NULL;
}

static void t_group_commit(void **state)
{
	(void)state;
	int fds = count_fds();
	char p[300];
	t_path(p, sizeof p, "group.journal");
	unlink(p);
	fio_reset(F_OFF, 0, 0);
	g_fio.sync_delay_us = 2000; /* a disk that takes 2 ms per sync */
	autolic_storage st;
	assert_int_equal(al_journal_open_io(&st, p, NULL, &fault_io), 0);
	long before = g_fio.fdatasyncs;
	pthread_t th[GC_THREADS];
	gc_arg args[GC_THREADS];
	double t0 = now_s();
	for (int i = 0; i < GC_THREADS; i++) {
		args[i].st = &st;
		args[i].id = i;
		args[i].failures = 0;
		assert_int_equal(pthread_create(&th[i], NULL, gc_thread, &args[i]), 0);
	}
	volatile int stop = 0;
	rd_arg ra[3] = {{&st, &stop, 0, 0}, {&st, &stop, 0, 0}, {&st, &stop, 0, 0}};
	pthread_t rt[3];
	for (int i = 0; i < 3; i++)
		assert_int_equal(
		    pthread_create(&rt[i], NULL, i < 2 ? rd_thread : compactor_thread, &ra[i]), 0);
	for (int i = 0; i < GC_THREADS; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(args[i].failures, 0);
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < 3; i++) {
		pthread_join(rt[i], NULL);
		assert_int_equal(ra[i].failures, 0);
		assert_true(ra[i].reads > 0);
	}
	al_journal_stats gs;
	assert_int_equal(al_journal_stats_get(&st, &gs), 0);
	assert_int_equal(gs.compactions, 6);
	long syncs = g_fio.fdatasyncs - before;
	long commits = GC_THREADS * GC_COMMITS;
	print_message("group commit: %ld commits from %d threads shared %ld fdatasyncs (%.1f per "
	              "sync) in %.2f s\n",
	              commits, GC_THREADS, syncs, (double)commits / (double)syncs, now_s() - t0);
	assert_true(syncs * 2 <= commits);
	st.free(st.ctx);
	g_fio.sync_delay_us = 0;
	assert_int_equal(autolic_store_journal_open(&st, p, NULL), 0);
	assert_int_equal(st.begin(st.ctx, 0), 0);
	size_t n = 0;
	assert_int_equal(st.scan(st.ctx, "", 0, NULL, 0, count_cb, &n), 0);
	assert_int_equal(n, (size_t)commits);
	st.rollback(st.ctx);
	st.free(st.ctx);
	unlink(p);
	assert_int_equal(count_fds(), fds);
}

/* ---- SIGKILL at random points ----------------------------------------------- */

#define KV 50

static void kill_value(uint64_t i, char *v, size_t *vl)
{
	*vl = (size_t)snprintf(v, 160, "value of %llu ", (unsigned long long)i);
	size_t extra = (size_t)(i * 37 % 120);
	memset(v + *vl, 'a' + (int)(i % 26), extra);
	*vl += extra;
}

/* The state after transactions 1..i, kept incrementally by the parent. */
typedef struct kmodel {
	uint64_t upto;
	int present[KV];
	uint64_t from[KV];
} kmodel;

static void kmodel_step(kmodel *m, uint64_t i)
{
	m->present[i % KV] = 1;
	m->from[i % KV] = i;
	if (i % 5 == 0)
		m->present[(i + 17) % KV] = 0;
	m->upto = i;
}

static int kill_child_txn(autolic_storage *st, uint64_t i)
{
	char k[16], v[200];
	size_t vl;
	int rc = st->begin(st->ctx, 1);
	if (rc)
		return rc;
	unsigned char n[8];
	for (int b = 0; b < 8; b++)
		n[b] = (unsigned char)(i >> (8 * b));
	rc = st->put(st->ctx, "n", 1, n, 8);
	snprintf(k, sizeof k, "v%02u", (unsigned)(i % KV));
	kill_value(i, v, &vl);
	if (!rc)
		rc = st->put(st->ctx, k, 3, v, vl);
	if (!rc && i % 5 == 0) {
		snprintf(k, sizeof k, "v%02u", (unsigned)((i + 17) % KV));
		rc = st->del(st->ctx, k, 3);
		if (rc == AUTOLIC_ENOTFOUND)
			rc = 0;
	}
	if (!rc)
		rc = st->commit(st->ctx);
	if (rc)
		st->rollback(st->ctx);
	return rc;
}

static uint64_t read_n(autolic_storage *st)
{
	const void *v;
	size_t vl;
	uint64_t n = 0;
	if (st->get(st->ctx, "n", 1, &v, &vl) == 0 && vl == 8)
		for (int b = 0; b < 8; b++)
			n |= (uint64_t)((const unsigned char *)v)[b] << (8 * b);
	return n;
}

/* The library's records beside the raw keys: a contract of one team whose
 * seat the child grants and revokes between its raw commits, so that every
 * recovery also holds records autolic_db_check() can judge. */
#define KILL_MANAGER "kill.manager@example.com"
#define KILL_USER    "kill.user@example.com"

static autolic_db *kill_db(autolic_storage *st)
{
	autolic_db_options o = AUTOLIC_DB_OPTIONS_INIT;
	o.storage = st;
	autolic_db *db = NULL;
	return autolic_db_open(&db, &o) == 0 ? db : NULL;
}

static void kill_setup(const char *p, autolic_id *contract, autolic_id *manager, autolic_id *user)
{
	autolic_storage st;
	assert_int_equal(autolic_store_journal_open(&st, p, NULL), 0);
	autolic_db *db = kill_db(&st);
	assert_non_null(db);
	*manager = t_register(db, KILL_MANAGER, "Kim", "Manager");
	*user = t_register(db, KILL_USER, "Kai", "User");
	autolic_contract_product_spec ps = AUTOLIC_CONTRACT_PRODUCT_SPEC_INIT;
	ps.product = "cad";
	ps.quantity = 1;
	autolic_contract_spec cs = AUTOLIC_CONTRACT_SPEC_INIT;
	cs.products = &ps;
	cs.nproducts = 1;
	cs.start = autolic_db_now(db) - 86400;
	cs.end = cs.start + 3650 * 86400LL;
	assert_int_equal(autolic_contract_buy(db, *manager, &cs, contract), 0);
	autolic_db_close(db);
}

static void kill_child(const char *p, int ackfd, autolic_id contract, autolic_id manager,
                       autolic_id user)
{
	autolic_journal_options o = AUTOLIC_JOURNAL_OPTIONS_INIT;
	o.compact_min_bytes = 8192;
	o.compact_ratio_percent = 50;
	autolic_storage st;
	if (autolic_store_journal_open(&st, p, &o) != 0)
		_exit(3);
	autolic_storage raw = st; /* the handle owns it; raw commits go between its calls */
	autolic_db *db = kill_db(&st);
	if (!db)
		_exit(7);
	if (raw.begin(raw.ctx, 0) != 0)
		_exit(4);
	uint64_t i = read_n(&raw);
	raw.rollback(raw.ctx);
	for (;;) {
		i++;
		if (kill_child_txn(&raw, i) != 0)
			_exit(5);
		if (write(ackfd, &i, sizeof i) != (ssize_t)sizeof i)
			_exit(6);
		int rc = i % 2 ? autolic_seat_grant(db, manager, contract, "cad", user)
		               : autolic_seat_revoke(db, manager, contract, "cad", user);
		if (rc == AUTOLIC_ESTORAGE || rc == AUTOLIC_ECORRUPT || rc == AUTOLIC_ENOMEM)
			_exit(8);
	}
}

static const char *kill_check(autolic_storage *st, const kmodel *m)
{
	char k[16], v[200];
	size_t vl;
	for (unsigned j = 0; j < KV; j++) {
		const void *got;
		size_t gl;
		snprintf(k, sizeof k, "v%02u", j);
		int rc = st->get(st->ctx, k, 3, &got, &gl);
		if (!m->present[j]) {
			if (rc != AUTOLIC_ENOTFOUND)
				return "key present that a later transaction deleted";
			continue;
		}
		if (rc)
			return "key missing";
		kill_value(m->from[j], v, &vl);
		if (gl != vl || memcmp(got, v, vl))
			return "value not from the right transaction";
	}
	return NULL;
}

static void t_sigkill_random(void **state)
{
	(void)state;
	int fds = count_fds();
	char p[300];
	t_path(p, sizeof p, "kill.journal");
	unlink(p);
	int kills = long_tests() ? 5000 : quick_tests() ? 10 : 200;
	kmodel m;
	memset(&m, 0, sizeof m);
	uint64_t rng = (uint64_t)time(NULL) | 1;
	uint64_t seed0 = rng;
	uint64_t max_acked = 0;
	autolic_id contract, manager, user;
	kill_setup(p, &contract, &manager, &user);
	double t0 = now_s();
	for (int it = 0; it < kills; it++) {
		int pp[2];
		assert_int_equal(pipe(pp), 0);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			close(pp[0]);
			kill_child(p, pp[1], contract, manager, user);
		}
		close(pp[1]);
		/* a random point: during open and replay, commits, compactions */
		unsigned span = it % 4 == 0 ? 3000 : 25000;
		if (quick_tests())
			span *= 20; /* everything is slower there */
		usleep(rnd(&rng) % span);
		kill(pid, SIGKILL);
		int ws;
		assert_int_equal(waitpid(pid, &ws, 0), pid);
		if (!WIFSIGNALED(ws))
			fail_msg("child exited by itself (status %d) at kill %d", WEXITSTATUS(ws),
			         it);
		uint64_t a, last = 0;
		while (read(pp[0], &a, sizeof a) == (ssize_t)sizeof a)
			last = a;
		close(pp[0]);
		if (last > max_acked)
			max_acked = last;
		autolic_storage st;
		int rc = autolic_store_journal_open(&st, p, NULL);
		if (rc)
			fail_msg("kill %d (seed %llu): reopen failed %d: %s", it,
			         (unsigned long long)seed0, rc, storage_msg());
		assert_int_equal(st.begin(st.ctx, 0), 0);
		uint64_t n = read_n(&st);
		if (n < max_acked)
			fail_msg(
			    "kill %d (seed %llu): acknowledged commit %llu lost (journal has %llu)",
			    it, (unsigned long long)seed0, (unsigned long long)max_acked,
			    (unsigned long long)n);
		if (n < m.upto)
			fail_msg("kill %d: commit %llu was seen before and is gone now (%llu)", it,
			         (unsigned long long)m.upto, (unsigned long long)n);
		while (m.upto < n)
			kmodel_step(&m, m.upto + 1);
		const char *why = kill_check(&st, &m);
		if (why)
			fail_msg("kill %d (seed %llu): %s at commit %llu", it,
			         (unsigned long long)seed0, why, (unsigned long long)n);
		st.rollback(st.ctx);
		/* the library's records of the recovered state keep their invariants */
		autolic_db *db = kill_db(&st);
		if (!db)
			fail_msg("kill %d: autolic_db_open: %s", it, autolic_errmsg());
		rc = autolic_db_check(db);
		if (rc)
			fail_msg("kill %d (seed %llu): autolic_db_check: %d %s", it,
			         (unsigned long long)seed0, rc, autolic_errmsg());
		autolic_db_close(db);
	}
	print_message("SIGKILL: %d kills, %llu commits acknowledged and all found, %.1f s "
	              "(seed %llu)\n",
	              kills, (unsigned long long)max_acked, now_s() - t0,
	              (unsigned long long)seed0);
	assert_true(max_acked > 0);
	unlink(p);
	char tmp[320];
	snprintf(tmp, sizeof tmp, "%s.compact", p);
	unlink(tmp);
	assert_int_equal(count_fds(), fds);
}

/* ---- main ------------------------------------------------------------------- */

/* Opening failures are described by autolic_errmsg() too, like every public call. */
static void t_open_error_message(void **state)
{
	(void)state;
	autolic_storage st;
	assert_int_equal(autolic_store_journal_open(&st, "/", NULL), AUTOLIC_EINVAL);
	assert_true(strlen(autolic_errmsg()) > 0);
	assert_non_null(strstr(autolic_errmsg(), "/"));
	assert_int_equal(autolic_store_journal_compact(NULL), AUTOLIC_EINVAL);
	assert_non_null(strstr(autolic_errmsg(), "not a journal store"));
}

int main(int argc, char **argv)
{
	if (argc > 1)
		cmocka_set_test_filter(argv[1]); /* e.g. "t_group_commit" */
	if (t_dir_make("al-journal"))
		return 1;
	pthread_mutex_init(&g_fio.mu, NULL);
	/* Every open in this suite reads the file 61 bytes at a time (less than
	 * a header): the truncation, damage, salvage and fault runs then replay
	 * through a window that moves and grows on nearly every record. The
	 * other suites open with the default chunk. */
	al_journal_read_chunk = 61;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_crc32c),
	    cmocka_unit_test(t_create_mode_reopen_and_db),
	    cmocka_unit_test(t_open_errors),
	    cmocka_unit_test(t_same_process_lock_and_readonly),
	    cmocka_unit_test(t_lock_two_processes),
	    cmocka_unit_test(t_sticky_after_failed_sync_or_write),
	    cmocka_unit_test(t_junk_damage_salvage),
	    cmocka_unit_test(t_header_edit_is_damage),
	    cmocka_unit_test(t_compaction_auto_and_host),
	    cmocka_unit_test(t_group_commit),
	    cmocka_unit_test(t_fault_every_step),
	    cmocka_unit_test(t_alloc_failures),
	    cmocka_unit_test(t_open_error_message),
	    cmocka_unit_test(t_truncate_every_offset),
	    cmocka_unit_test(t_flip_every_bit),
	    cmocka_unit_test(t_sigkill_random),
	};
	int failed = t_run_group("journal", tests, NULL, NULL);
	t_dir_remove();
	pthread_mutex_destroy(&g_fio.mu);
	return failed;
}
