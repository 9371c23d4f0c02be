/* Test support shared by every suite. */
#ifndef AL_TEST_SUPPORT_H
#define AL_TEST_SUPPORT_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "autolic.h"

/* A clock the test moves by hand. */
typedef struct t_clock {
	autolic_time now;
} t_clock;
autolic_time t_clock_fn(void *ctx);

/* Records every delivered event. */
#define T_MAX_EVENTS 256
typedef struct t_event {
	int type;
	autolic_id recipient, team, object;
	char product[64], rule[32], text[512];
} t_event;
typedef struct t_events {
	t_event v[T_MAX_EVENTS];
	size_t n;
} t_events;
void t_events_fn(const autolic_event *ev, void *ctx);
size_t t_events_count(const t_events *e, int type);

/* Storage wrapper that fails the Nth operation (begin, get, put, del, scan,
 * commit, savepoint, release count; rollback never fails), once or from then
 * on, or answers AUTOLIC_ECONFLICT for the next `conflicts` commits. */
typedef struct t_faulty {
	autolic_storage inner;
	long ops;     /* operations counted so far */
	long fail_at; /* 0: off */
	int persistent;
	int fail_code; /* default AUTOLIC_ESTORAGE */
	long fired;
	int conflicts; /* commits still to answer with ECONFLICT */
	long commits, rollbacks;
} t_faulty;
/* Wrap `inner` (taken over) into `out`; `f` must outlive the store. */
void t_faulty_wrap(t_faulty *f, const autolic_storage *inner, autolic_storage *out);

/* Allocator that fails the Nth allocation (once or from then on) and counts
 * live blocks. */
typedef struct t_alloc {
	long count, fail_at;
	int persistent;
	long fired;
	long live;
} t_alloc;
autolic_allocator t_alloc_make(t_alloc *a);

/* The retry budget of the handles t_open() makes over a faulty store. */
#define T_RETRY_BUDGET_MS 200u

/* Whole content of a store (committed state), as one comparable byte string. */
typedef struct t_dump {
	unsigned char *p;
	size_t len, cap;
} t_dump;
void t_dump_store(autolic_storage *st, t_dump *out);
int t_dump_equal(const t_dump *a, const t_dump *b);
void t_dump_free(t_dump *d);

/* Open a db over `st` (not taken over) with clock `c`, events `e` and
 * allocator `a` (any may be NULL); *rc gets autolic_db_open()'s result. */
autolic_db *t_open_on(const autolic_storage *st, t_clock *c, t_events *e,
                      const autolic_allocator *a, int *rc);

/* An open that may upgrade a store, failed at every point: each storage
 * operation and each allocation in turn, once and from then on (4 modes).
 * `open` opens the store `mem` through `st` (a faulty wrapper of `shared`)
 * with allocator `al`; an open that failed must return NULL, leave nothing
 * allocated and `mem` unchanged; one that succeeded (fault or not) must pass
 * autolic_db_check(). The first open a mode does not fault is handed to
 * `done` (which closes it) before `rebuild` puts the old store back, as after
 * every successful open. Returns the number of faulted opens. */
typedef struct t_open_faults {
	autolic_storage *mem;
	const autolic_storage *shared;
	autolic_db *(*open)(void *ctx, const autolic_storage *st, const autolic_allocator *al,
	                    int *rc);
	void (*done)(void *ctx, autolic_db *db);
	void (*rebuild)(void *ctx);
	void *ctx;
} t_open_faults;
long t_open_fault_loop(const t_open_faults *c);

/* Open a db over a memory store wrapped by `f` with clock `c` and events `e`
 * (any may be NULL). */
autolic_db *t_open(t_faulty *f, t_clock *c, t_events *e, const autolic_allocator *alloc);

/* Register an account and return its id (asserts success). */
autolic_id t_register(autolic_db *db, const char *email, const char *first, const char *last);
/* The number of a contract, as users know it (valid until the next call on this thread). */
const char *t_contract_number(autolic_db *db, autolic_id contract);

/* ---- the suite's scratch directory and raw storage helpers ---- */

/* The directory t_dir_make() made: `prefix`-XXXXXX under $AUTOLIC_TEST_DIR,
 * else /dev/shm when it is writable, else /tmp. Both return 0, or -1 after
 * printing why; t_dir_remove() removes it with everything in it. */
extern char t_dir[256];
int t_dir_make(const char *prefix);
int t_dir_remove(void);
/* t_dir/name into out. */
void t_path(char *out, size_t n, const char *name);
/* The whole file, malloc'd with one spare byte (*len its size); write a
 * whole file (created 0600 or truncated). Both assert success. */
unsigned char *t_read_file(const char *path, size_t *len);
void t_write_file(const char *path, const void *b, size_t len);
/* Put k = v in a write transaction of its own on a storage (asserts the
 * commit, naming the storage's message); expect k = v in a read transaction
 * (v NULL: k is absent). */
void t_commit_kv(autolic_storage *st, const char *k, const char *v);
void t_expect_kv(autolic_storage *st, const char *k, const char *v);

/* Storage conformance suite: runs every contract check as a cmocka group on a
 * backend made by `open` (empty after `reset`). `durable` backends must keep
 * committed state across free + open. Returns the number of failed tests. */
typedef struct t_backend {
	const char *name;
	int (*open)(autolic_storage *out, void *ctx);
	void (*reset)(void *ctx);
	int durable;
	void *ctx;
} t_backend;
int t_conformance_run(const t_backend *b);

/* ---- open file descriptors, checked around every test ----
 *
 * Every cmocka test of every suite runs through t_run_group(): it wraps
 * each test's own setup and teardown so that the set of open descriptors
 * (number and the file each refers to, from /proc/self/fd) is taken before
 * the test's setup and compared after its teardown; a difference fails the
 * test naming each descriptor and its readlink() target. Suites call
 * t_run_group() where plain cmocka calls cmocka_run_group_tests_name(), and
 * tests/CMakeLists.txt refuses a tests/test_*.c that calls cmocka's runner
 * itself. Under valgrind the tool's own descriptors (at or above the soft
 * RLIMIT_NOFILE it gives the program) are left out. Forked children are not
 * checked. */
typedef struct t_fd {
	int fd;
	unsigned long long dev, ino; /* the open file (stat through the link) */
	char target[256];            /* readlink() of /proc/self/fd/N */
} t_fd;
typedef struct t_fdset {
	t_fd *v;
	size_t n, cap;
} t_fdset;
/* Fill `s` (reused, grown with malloc) with the open descriptors; 0 or -1
 * when /proc/self/fd cannot be read. */
int t_fd_snapshot(t_fdset *s);
void t_fd_free(t_fdset *s);
/* Compare; returns the number of differences and writes one line for each
 * into msg (descriptors opened and left open, closed, or now referring to
 * another file). */
size_t t_fd_diff(const t_fdset *before, const t_fdset *after, char *msg, size_t cap);
/* Copy the n tests into `wrapped` with the check around each (the copies
 * point at `tests`, which must outlive the run); t_fd_done() frees what the
 * checks kept once the group has run. */
void t_fd_wrap(struct CMUnitTest *wrapped, const struct CMUnitTest *tests, size_t n);
void t_fd_done(void);
/* Run the array `tests` as the cmocka group `name`, each test checked;
 * returns the number of failed tests, as cmocka_run_group_tests_name(). */
#define t_run_group(name, tests, group_setup, group_teardown)                                      \
	__extension__({                                                                            \
		struct CMUnitTest t_wrapped_[sizeof(tests) / sizeof((tests)[0])];                  \
		t_fd_wrap(t_wrapped_, tests, sizeof(tests) / sizeof((tests)[0]));                  \
		int t_failed_ =                                                                    \
		    cmocka_run_group_tests_name(name, t_wrapped_, group_setup, group_teardown);    \
		t_fd_done();                                                                       \
		t_failed_;                                                                         \
	})

/* The fault loop. For each of four modes (the Nth storage operation fails
 * once / from then on; the Nth allocation fails once / from then on) and
 * N = 1, 2, ... until no fault fires: open a fresh db over a faulty memory
 * store with a counting allocator and a fixed clock, run `setup` without
 * faults, dump the store, arm the fault, run `step`. When `step` fails, the
 * store must equal the dump and `step` must then succeed unfaulted (the
 * handle still works); when it succeeds, a fault fired must not have gone
 * unnoticed... unless it hit a lookup whose miss is expected, so only the
 * failure path is judged. After close no allocation may be live. Returns
 * the number of faulted runs. */
typedef int (*t_setup_fn)(autolic_db *db, t_clock *clock, void *ctx);
typedef int (*t_step_fn)(autolic_db *db, t_clock *clock, void *ctx);
long t_fault_loop(t_setup_fn setup, t_step_fn step, void *ctx);

#endif
