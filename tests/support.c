#include "support.h"
#include "core/error.h"

#include <valgrind/valgrind.h>

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

autolic_time t_clock_fn(void *ctx)
{
	return ((t_clock *)ctx)->now;
}

static void copy(char *dst, size_t cap, const char *s)
{
	snprintf(dst, cap, "%s", s ? s : "");
}

void t_events_fn(const autolic_event *ev, void *ctx)
{
	t_events *e = ctx;
	assert_true(e->n < T_MAX_EVENTS);
	t_event *r = &e->v[e->n++];
	r->type = ev->type;
	r->recipient = ev->recipient;
	r->team = ev->team;
	r->object = ev->object;
	copy(r->product, sizeof r->product, ev->product);
	copy(r->rule, sizeof r->rule, ev->rule);
	copy(r->text, sizeof r->text, ev->text);
}

size_t t_events_count(const t_events *e, int type)
{
	size_t n = 0;
	for (size_t i = 0; i < e->n; i++)
		n += e->v[i].type == type;
	return n;
}

/* ---- faulty storage ---- */

static int fault(t_faulty *f)
{
	f->ops++;
	if (f->fail_at && (f->ops == f->fail_at || (f->persistent && f->ops > f->fail_at))) {
		f->fired++;
		autolic_storage_set_error("injected fault at operation %ld", f->ops);
		return f->fail_code ? f->fail_code : AUTOLIC_ESTORAGE;
	}
	return 0;
}

static int fy_begin(void *ctx, int w)
{
	t_faulty *f = ctx;
	int rc = fault(f);
	return rc ? rc : f->inner.begin(f->inner.ctx, w);
}

static int fy_get(void *ctx, const void *k, size_t kl, const void **v, size_t *vl)
{
	t_faulty *f = ctx;
	int rc = fault(f);
	return rc ? rc : f->inner.get(f->inner.ctx, k, kl, v, vl);
}

static int fy_put(void *ctx, const void *k, size_t kl, const void *v, size_t vl)
{
	t_faulty *f = ctx;
	int rc = fault(f);
	return rc ? rc : f->inner.put(f->inner.ctx, k, kl, v, vl);
}

static int fy_del(void *ctx, const void *k, size_t kl)
{
	t_faulty *f = ctx;
	int rc = fault(f);
	return rc ? rc : f->inner.del(f->inner.ctx, k, kl);
}

static int fy_scan(void *ctx, const void *s, size_t sl, const void *e, size_t el,
                   autolic_storage_scan_cb cb, void *arg)
{
	t_faulty *f = ctx;
	int rc = fault(f);
	return rc ? rc : f->inner.scan(f->inner.ctx, s, sl, e, el, cb, arg);
}

static int fy_commit(void *ctx)
{
	t_faulty *f = ctx;
	int rc = fault(f);
	if (!rc && f->conflicts > 0) {
		f->conflicts--;
		autolic_storage_set_error("injected serialisation conflict");
		rc = AUTOLIC_ECONFLICT;
	}
	if (rc)
		return rc; /* the library then calls rollback */
	f->commits++;
	return f->inner.commit(f->inner.ctx);
}

static int fy_rollback(void *ctx)
{
	t_faulty *f = ctx;
	f->rollbacks++;
	return f->inner.rollback(f->inner.ctx);
}

static int fy_savepoint(void *ctx)
{
	t_faulty *f = ctx;
	int rc = fault(f);
	return rc ? rc : f->inner.savepoint(f->inner.ctx);
}

static int fy_release(void *ctx)
{
	t_faulty *f = ctx;
	int rc = fault(f);
	return rc ? rc : f->inner.release(f->inner.ctx);
}

static int fy_rollback_to(void *ctx)
{
	t_faulty *f = ctx;
	return f->inner.rollback_to(f->inner.ctx);
}

static void fy_free(void *ctx)
{
	t_faulty *f = ctx;
	if (f->inner.free)
		f->inner.free(f->inner.ctx);
}

void t_faulty_wrap(t_faulty *f, const autolic_storage *inner, autolic_storage *out)
{
	memset(f, 0, sizeof(*f));
	f->inner = *inner;
	autolic_storage st = {
	    .version = AUTOLIC_STORAGE_VERSION,
	    .ctx = f,
	    .begin = fy_begin,
	    .get = fy_get,
	    .put = fy_put,
	    .del = fy_del,
	    .scan = fy_scan,
	    .commit = fy_commit,
	    .rollback = fy_rollback,
	    .free = fy_free,
	    .savepoint = inner->savepoint ? fy_savepoint : NULL,
	    .release = inner->release ? fy_release : NULL,
	    .rollback_to = inner->rollback_to ? fy_rollback_to : NULL,
	};
	*out = st;
}

/* ---- failing allocator ---- */

static int alloc_fault(t_alloc *a)
{
	a->count++;
	if (a->fail_at && (a->count == a->fail_at || (a->persistent && a->count > a->fail_at))) {
		a->fired++;
		return 1;
	}
	return 0;
}

static void *ta_malloc(size_t n, void *ctx)
{
	t_alloc *a = ctx;
	if (alloc_fault(a))
		return NULL;
	void *p = malloc(n);
	if (p)
		a->live++;
	return p;
}

static void *ta_realloc(void *p, size_t n, void *ctx)
{
	t_alloc *a = ctx;
	if (alloc_fault(a))
		return NULL;
	void *q = realloc(p, n);
	if (q && !p)
		a->live++;
	return q;
}

static void ta_free(void *p, void *ctx)
{
	t_alloc *a = ctx;
	if (p)
		a->live--;
	free(p);
}

autolic_allocator t_alloc_make(t_alloc *a)
{
	autolic_allocator al = {ta_malloc, ta_realloc, ta_free, a};
	return al;
}

/* ---- dumps ---- */

static void dump_put(t_dump *d, const void *p, size_t n)
{
	if (d->len + n > d->cap) {
		d->cap = (d->len + n) * 2 + 64;
		d->p = realloc(d->p, d->cap);
		assert_non_null(d->p);
	}
	memcpy(d->p + d->len, p, n);
	d->len += n;
}

static int dump_cb(const void *k, size_t kl, const void *v, size_t vl, void *arg)
{
	t_dump *d = arg;
	uint64_t l = kl;
	dump_put(d, &l, sizeof l);
	dump_put(d, k, kl);
	l = vl;
	dump_put(d, &l, sizeof l);
	dump_put(d, v, vl);
	return 0;
}

void t_dump_store(autolic_storage *st, t_dump *out)
{
	memset(out, 0, sizeof(*out));
	assert_int_equal(st->begin(st->ctx, 0), 0);
	assert_int_equal(st->scan(st->ctx, "", 0, NULL, 0, dump_cb, out), 0);
	assert_int_equal(st->rollback(st->ctx), 0);
}

int t_dump_equal(const t_dump *a, const t_dump *b)
{
	return a->len == b->len && (a->len == 0 || memcmp(a->p, b->p, a->len) == 0);
}

void t_dump_free(t_dump *d)
{
	free(d->p);
	memset(d, 0, sizeof(*d));
}

autolic_db *t_open(t_faulty *f, t_clock *c, t_events *e, const autolic_allocator *alloc)
{
	autolic_db_options o = AUTOLIC_DB_OPTIONS_INIT;
	autolic_storage mem, wrapped;
	if (f) {
		assert_int_equal(autolic_store_memory_new(&mem, NULL), 0);
		t_faulty_wrap(f, &mem, &wrapped);
		o.storage = &wrapped;
		/* injected conflicts never end by themselves: give up soon */
		o.retry_budget_ms = T_RETRY_BUDGET_MS;
	}
	if (c) {
		o.clock = t_clock_fn;
		o.clock_ctx = c;
	}
	if (e) {
		o.on_event = t_events_fn;
		o.event_ctx = e;
	}
	o.allocator = alloc;
	autolic_db *db = NULL;
	int rc = autolic_db_open(&db, &o);
	if (rc)
		fail_msg("autolic_db_open: %d %s", rc, autolic_errmsg());
	return db;
}

autolic_id t_register(autolic_db *db, const char *email, const char *first, const char *last)
{
	autolic_account_spec s = AUTOLIC_ACCOUNT_SPEC_INIT;
	s.email = email;
	s.first_name = first;
	s.last_name = last;
	autolic_id id = 0;
	int rc = autolic_account_register(db, &s, &id);
	if (rc)
		fail_msg("register %s: %d %s", email, rc, autolic_errmsg());
	return id;
}

const char *t_contract_number(autolic_db *db, autolic_id contract)
{
	static _Thread_local autolic_contract_info c;
	c.version = AUTOLIC_CONTRACT_INFO_VERSION;
	int rc = autolic_contract_get(db, contract, &c);
	if (rc)
		fail_msg("contract %llu: %d %s", (unsigned long long)contract, rc,
		         autolic_errmsg());
	return c.number;
}

/* Every state a fault loop reaches keeps the store's invariants. */
static void check_store(autolic_db *db, const char *when, int mode, long n)
{
	int rc = autolic_db_check(db);
	if (rc)
		fail_msg("mode %d N=%ld: autolic_db_check %s: %d %s", mode, n, when, rc,
		         autolic_errmsg());
}

static long fault_run(t_setup_fn setup, t_step_fn step, void *ctx, int mode, long n, int *fired)
{
	t_faulty f;
	t_alloc al = {0};
	autolic_allocator a = t_alloc_make(&al);
	t_clock clock = {1767225600}; /* 2026-01-01T00:00:00Z */
	autolic_db *db = t_open(&f, &clock, NULL, &a);
	if (setup) {
		int src = setup(db, &clock, ctx);
		if (src)
			fail_msg("fault loop setup failed: %d %s", src, autolic_errmsg());
	}
	check_store(db, "after the setup", mode, n);
	t_dump before, after;
	t_dump_store(&f.inner, &before);
	switch (mode) {
	case 0:
	case 1:
		f.fail_at = f.ops + n;
		f.persistent = mode == 1;
		break;
	default:
		al.fail_at = al.count + n;
		al.persistent = mode == 3;
	}
	int rc = step(db, &clock, ctx);
	*fired = f.fired > 0 || al.fired > 0;
	f.fail_at = 0;
	al.fail_at = 0;
	check_store(db, rc ? "after the failed step" : "after the step", mode, n);
	if (rc) {
		if (!*fired)
			fail_msg("step failed without a fault: %d %s", rc, autolic_errmsg());
		t_dump_store(&f.inner, &after);
		if (!t_dump_equal(&before, &after))
			fail_msg("mode %d N=%ld: failed call (%d: %s) changed the store", mode, n,
			         rc, autolic_errmsg());
		t_dump_free(&after);
		int rc2 = step(db, &clock, ctx);
		if (rc2)
			fail_msg("mode %d N=%ld: handle unusable after a fault: %d %s", mode, n,
			         rc2, autolic_errmsg());
		check_store(db, "after the retried step", mode, n);
	}
	t_dump_free(&before);
	autolic_db_close(db);
	if (al.live != 0)
		fail_msg("mode %d N=%ld: %ld allocations leaked", mode, n, al.live);
	return rc != 0;
}

long t_fault_loop(t_setup_fn setup, t_step_fn step, void *ctx)
{
	long failed_runs = 0;
	for (int mode = 0; mode < 4; mode++) {
		for (long n = 1;; n++) {
			int fired = 0;
			failed_runs += fault_run(setup, step, ctx, mode, n, &fired);
			if (!fired)
				break;
			if (n > 100000)
				fail_msg("fault loop does not terminate");
		}
	}
	return failed_runs;
}

/* ---- open file descriptors around every test ---- */

int t_fd_snapshot(t_fdset *s)
{
	s->n = 0;
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return -1;
	/* Valgrind keeps its own descriptors above the limit it reports. */
	long limit = -1;
	struct rlimit rl;
	if (RUNNING_ON_VALGRIND && getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY)
		limit = (long)rl.rlim_cur;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		char *end;
		long fd = strtol(e->d_name, &end, 10);
		if (e->d_name[0] == '.' || *end || fd == dirfd(d) || (limit >= 0 && fd >= limit))
			continue;
		if (s->n == s->cap) {
			s->cap = s->cap ? s->cap * 2 : 64;
			s->v = realloc(s->v, s->cap * sizeof *s->v);
			if (!s->v)
				abort();
		}
		t_fd *f = &s->v[s->n];
		memset(f, 0, sizeof *f);
		f->fd = (int)fd;
		char link[64];
		snprintf(link, sizeof link, "/proc/self/fd/%ld", fd);
		ssize_t l = readlink(link, f->target, sizeof f->target - 1);
		if (l < 0)
			continue; /* closed while we listed (another thread) */
		f->target[l] = 0;
		struct stat st;
		if (stat(link, &st) == 0) {
			f->dev = (unsigned long long)st.st_dev;
			f->ino = (unsigned long long)st.st_ino;
		}
		s->n++;
	}
	closedir(d);
	return 0;
}

void t_fd_free(t_fdset *s)
{
	free(s->v);
	memset(s, 0, sizeof *s);
}

static const t_fd *fd_find(const t_fdset *s, int fd)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].fd == fd)
			return &s->v[i];
	return NULL;
}

static void fd_say(char *msg, size_t cap, size_t *used, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void fd_say(char *msg, size_t cap, size_t *used, const char *fmt, ...)
{
	if (*used >= cap)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(msg + *used, cap - *used, fmt, ap);
	va_end(ap);
	if (n > 0)
		*used += (size_t)n;
}

size_t t_fd_diff(const t_fdset *before, const t_fdset *after, char *msg, size_t cap)
{
	size_t diffs = 0, used = 0;
	if (cap)
		msg[0] = 0;
	for (size_t i = 0; i < after->n; i++) {
		const t_fd *a = &after->v[i], *b = fd_find(before, a->fd);
		if (!b) {
			diffs++;
			fd_say(msg, cap, &used, "descriptor %d leaked: %s\n", a->fd, a->target);
		} else if (a->dev != b->dev || a->ino != b->ino) {
			diffs++;
			fd_say(msg, cap, &used, "descriptor %d now refers to %s (was %s)\n", a->fd,
			       a->target, b->target);
		}
	}
	for (size_t i = 0; i < before->n; i++) {
		const t_fd *b = &before->v[i];
		if (!fd_find(after, b->fd)) {
			diffs++;
			fd_say(msg, cap, &used, "descriptor %d closed by the test: %s\n", b->fd,
			       b->target);
		}
	}
	return diffs;
}

/* The test being run: cmocka runs setup, test and teardown in turn, and
 * skips the teardown of a test that failed (the next setup starts over). */
static const struct CMUnitTest *fd_current;
static t_fdset fd_before;

static int fd_setup(void **state)
{
	const struct CMUnitTest *t = *state;
	fd_current = t;
	*state = t->initial_state;
	if (t_fd_snapshot(&fd_before) != 0) {
		print_error("cannot list /proc/self/fd\n");
		return -1;
	}
	return t->setup_func ? t->setup_func(state) : 0;
}

static int fd_teardown(void **state)
{
	const struct CMUnitTest *t = fd_current;
	int rc = t->teardown_func ? t->teardown_func(state) : 0;
	if (rc)
		return rc;
	t_fdset after = {0};
	char msg[2048];
	rc = t_fd_snapshot(&after);
	size_t diffs = rc ? 0 : t_fd_diff(&fd_before, &after, msg, sizeof msg);
	t_fd_free(&after);
	if (rc) {
		print_error("cannot list /proc/self/fd\n");
		return -1;
	}
	if (diffs) {
		print_error("%s: open descriptors differ after the test (%zu):\n%s", t->name, diffs,
		            msg);
		return -1;
	}
	return 0;
}

void t_fd_wrap(struct CMUnitTest *wrapped, const struct CMUnitTest *tests, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		wrapped[i].name = tests[i].name;
		wrapped[i].test_func = tests[i].test_func;
		wrapped[i].setup_func = fd_setup;
		wrapped[i].teardown_func = fd_teardown;
		wrapped[i].initial_state = (void *)&tests[i];
	}
}

void t_fd_done(void)
{
	t_fd_free(&fd_before);
}

static void open_checked(autolic_db *db, int mode, long at)
{
	if (autolic_db_check(db) != 0)
		fail_msg("mode %d, fault at %ld: autolic_db_check after the open: %s", mode, at,
		         autolic_errmsg());
}

long t_open_fault_loop(const t_open_faults *c)
{
	t_dump before, now;
	t_dump_store(c->mem, &before);
	long faulted = 0;
	for (int mode = 0; mode < 4; mode++) {
		for (long at = 1;; at++) {
			t_faulty f;
			t_alloc ta;
			memset(&ta, 0, sizeof ta);
			autolic_storage wrapped;
			t_faulty_wrap(&f, c->shared, &wrapped);
			autolic_allocator al = t_alloc_make(&ta);
			if (mode < 2) {
				f.fail_at = at;
				f.persistent = mode == 1;
			} else {
				ta.fail_at = at;
				ta.persistent = mode == 3;
			}
			int rc;
			autolic_db *db = c->open(c->ctx, &wrapped, &al, &rc);
			long fired = mode < 2 ? f.fired : ta.fired;
			f.fail_at = 0;
			ta.fail_at = 0;
			if (!fired || rc == 0) {
				assert_int_equal(rc, 0);
				open_checked(db, mode, at);
				if (fired) {
					faulted++; /* a fault the open did not need to notice */
					autolic_db_close(db);
				} else {
					c->done(c->ctx, db);
				}
				c->rebuild(c->ctx);
				if (!fired)
					break;
				continue;
			}
			faulted++;
			assert_null(db);
			assert_int_equal(ta.live, 0);
			t_dump_store(c->mem, &now);
			if (!t_dump_equal(&before, &now))
				fail_msg("mode %d, fault at %ld: the failed open changed the store "
				         "(%d %s)",
				         mode, at, rc, autolic_errmsg());
			t_dump_free(&now);
		}
	}
	t_dump_free(&before);
	return faulted;
}

autolic_db *t_open_on(const autolic_storage *st, t_clock *c, t_events *e,
                      const autolic_allocator *a, int *rc)
{
	autolic_db_options opts = AUTOLIC_DB_OPTIONS_INIT;
	opts.storage = st;
	if (c) {
		opts.clock = t_clock_fn;
		opts.clock_ctx = c;
	}
	if (e) {
		opts.on_event = t_events_fn;
		opts.event_ctx = e;
	}
	opts.allocator = a;
	autolic_db *db = NULL;
	*rc = autolic_db_open(&db, &opts);
	return db;
}

char t_dir[256];

int t_dir_make(const char *prefix)
{
	const char *base = getenv("AUTOLIC_TEST_DIR");
	if (!base)
		base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(t_dir, sizeof t_dir, "%s/%s-XXXXXX", base, prefix);
	if (!mkdtemp(t_dir)) {
		perror("mkdtemp");
		return -1;
	}
	return 0;
}

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int t_dir_remove(void)
{
	if (nftw(t_dir, remove_one, 16, FTW_DEPTH | FTW_PHYS) != 0) {
		fprintf(stderr, "could not remove %s\n", t_dir);
		return -1;
	}
	return 0;
}

void t_path(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", t_dir, name);
}

unsigned char *t_read_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	struct stat st;
	assert_int_equal(fstat(fd, &st), 0);
	unsigned char *b = malloc((size_t)st.st_size + 1);
	assert_non_null(b);
	size_t got = 0;
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, b + got, (size_t)st.st_size - got);
		assert_true(r > 0);
		got += (size_t)r;
	}
	close(fd);
	*len = got;
	return b;
}

void t_write_file(const char *path, const void *b, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fd, (const unsigned char *)b + off, len - off);
		assert_true(w > 0);
		off += (size_t)w;
	}
	close(fd);
}

void t_commit_kv(autolic_storage *st, const char *k, const char *v)
{
	assert_int_equal(st->begin(st->ctx, 1), 0);
	assert_int_equal(st->put(st->ctx, k, strlen(k), v, strlen(v)), 0);
	int rc = st->commit(st->ctx);
	if (rc)
		fail_msg("commit of %s: %d %s", k, rc, al_err_take_storage());
}

void t_expect_kv(autolic_storage *st, const char *k, const char *v)
{
	assert_int_equal(st->begin(st->ctx, 0), 0);
	const void *got;
	size_t gl;
	int rc = st->get(st->ctx, k, strlen(k), &got, &gl);
	if (!v) {
		assert_int_equal(rc, AUTOLIC_ENOTFOUND);
	} else {
		assert_int_equal(rc, 0);
		assert_int_equal(gl, strlen(v));
		assert_memory_equal(got, v, gl);
	}
	assert_int_equal(st->rollback(st->ctx), 0);
}
