/*
 * SQLite backend specifics (the storage contract itself is checked by
 * test_conformance_sqlite): options and bad input, WAL mode on the file,
 * schema version, damaged files, lock time-outs answered as ECONFLICT (the
 * runner retries, then gives up with a clear message), readers not blocked
 * by a writer, and host batches using savepoints.
 */
#include "support.h"

#include "autolic/sys/sqlite.h"
#include "core/error.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[256];
static char path[300];

static void remove_db(void)
{
	char side[320];
	unlink(path);
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
}

static int fresh(void **state)
{
	(void)state;
	remove_db();
	return 0;
}

static autolic_db *open_db(unsigned timeout_ms, unsigned retries)
{
	autolic_storage st;
	autolic_sqlite_options so = AUTOLIC_SQLITE_OPTIONS_INIT;
	so.busy_timeout_ms = timeout_ms;
	int rc = autolic_store_sqlite_open(&st, path, &so);
	if (rc)
		fail_msg("open: %d %s", rc, autolic_errmsg());
	autolic_db_options o;
	autolic_db_options_init(&o, AUTOLIC_DB_OPTIONS_VERSION);
	o.storage = &st;
	o.max_retries = retries;
	autolic_db *db = NULL;
	rc = autolic_db_open(&db, &o);
	if (rc)
		fail_msg("db open: %d %s", rc, autolic_errmsg());
	return db;
}

static void t_options_and_bad_input(void **state)
{
	(void)state;
	autolic_sqlite_options o;
	assert_int_equal(autolic_sqlite_options_init(NULL, 1), AUTOLIC_EINVAL);
	assert_int_equal(autolic_sqlite_options_init(&o, 0), AUTOLIC_EVERSION);
	assert_int_equal(autolic_sqlite_options_init(&o, AUTOLIC_SQLITE_OPTIONS_VERSION + 1),
	                 AUTOLIC_EVERSION);
	assert_int_equal(autolic_sqlite_options_init(&o, AUTOLIC_SQLITE_OPTIONS_VERSION), 0);
	assert_int_equal(o.version, AUTOLIC_SQLITE_OPTIONS_VERSION);
	assert_int_equal(o.busy_timeout_ms, 0);
	assert_int_equal(o.synchronous, AUTOLIC_SQLITE_SYNC_DEFAULT);

	autolic_storage st;
	assert_int_equal(autolic_store_sqlite_open(NULL, path, NULL), AUTOLIC_EINVAL);
	assert_int_equal(autolic_store_sqlite_open(&st, NULL, NULL), AUTOLIC_EINVAL);
	assert_int_equal(autolic_store_sqlite_open(&st, "", NULL), AUTOLIC_EINVAL);
	assert_int_equal(autolic_store_sqlite_open(&st, ":memory:", NULL), AUTOLIC_EINVAL);
	assert_non_null(strstr(autolic_errmsg(), "WAL"));
	o.version = AUTOLIC_SQLITE_OPTIONS_VERSION + 1;
	assert_int_equal(autolic_store_sqlite_open(&st, path, &o), AUTOLIC_EVERSION);
	o.version = AUTOLIC_SQLITE_OPTIONS_VERSION;
	o.flags = 1;
	assert_int_equal(autolic_store_sqlite_open(&st, path, &o), AUTOLIC_EINVAL);
	assert_non_null(strstr(autolic_errmsg(), "flags"));
	o.flags = 0;
	o.synchronous = AUTOLIC_SQLITE_SYNC_EXTRA + 1;
	assert_int_equal(autolic_store_sqlite_open(&st, path, &o), AUTOLIC_EINVAL);
	o.synchronous = -1;
	assert_int_equal(autolic_store_sqlite_open(&st, path, &o), AUTOLIC_EINVAL);
	char missing[400];
	snprintf(missing, sizeof missing, "%s/no/such/dir/x.db", dir);
	assert_int_equal(autolic_store_sqlite_open(&st, missing, NULL), AUTOLIC_ESTORAGE);
	assert_non_null(strstr(autolic_errmsg(), missing));
	/* nothing was created by the refused opens */
	assert_int_equal(access(path, F_OK), -1);

	/* every synchronous level opens */
	for (int lvl = AUTOLIC_SQLITE_SYNC_DEFAULT; lvl <= AUTOLIC_SQLITE_SYNC_EXTRA; lvl++) {
		o.synchronous = lvl;
		assert_int_equal(autolic_store_sqlite_open(&st, path, &o), 0);
		assert_string_equal(autolic_errmsg(), "");
		st.free(st.ctx);
	}
}

static void t_wal_and_schema(void **state)
{
	(void)state;
	autolic_storage st;
	assert_int_equal(autolic_store_sqlite_open(&st, path, NULL), 0);
	st.free(st.ctx);
	sqlite3 *raw;
	assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_prepare_v2(raw, "PRAGMA journal_mode", -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(q, 0), "wal");
	sqlite3_finalize(q);
	/* a newer schema is refused, not misread */
	assert_int_equal(sqlite3_exec(raw, "PRAGMA user_version=2", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
	assert_int_equal(autolic_store_sqlite_open(&st, path, NULL), AUTOLIC_EVERSION);
	assert_non_null(strstr(autolic_errmsg(), "schema version 2"));
}

static void t_not_a_database(void **state)
{
	(void)state;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	char junk[4096];
	memset(junk, 'x', sizeof junk);
	assert_int_equal(write(fd, junk, sizeof junk), (ssize_t)sizeof junk);
	close(fd);
	autolic_storage st;
	assert_int_equal(autolic_store_sqlite_open(&st, path, NULL), AUTOLIC_ECORRUPT);
	assert_non_null(strstr(autolic_errmsg(), path));
}

/* A writer holding the lock past the busy timeout: the other handle's write
 * call is retried by the runner and then fails with ECONFLICT and a message
 * naming the lock; it succeeds once the lock is gone. Readers are not blocked. */
static void t_lock_timeout_is_conflict(void **state)
{
	(void)state;
	autolic_db *a = open_db(50, 3);
	autolic_db *b = open_db(50, 3);
	autolic_id first = t_register(a, "first@example.com", "First", "One");
	assert_int_equal(autolic_db_begin(a), 0); /* holds SQLite's write lock */
	t_register(a, "inbatch@example.com", "In", "Batch");

	autolic_account_spec s = AUTOLIC_ACCOUNT_SPEC_INIT;
	s.email = "second@example.com";
	s.first_name = "Second";
	s.last_name = "Two";
	autolic_id id = 0;
	assert_int_equal(autolic_account_register(b, &s, &id), AUTOLIC_ECONFLICT);
	assert_non_null(strstr(autolic_errmsg(), "gave up after 3 attempts"));
	assert_non_null(strstr(autolic_errmsg(), "locked"));
	/* WAL: a reader sees the last committed state while the writer works */
	autolic_account_info info = {.version = AUTOLIC_ACCOUNT_INFO_VERSION};
	assert_int_equal(autolic_account_get(b, first, &info), 0);

	assert_int_equal(autolic_db_commit(a), 0);
	assert_int_equal(autolic_account_register(b, &s, &id), 0);
	assert_int_equal(autolic_account_get(a, id, &info), 0);
	assert_string_equal(info.email, "second@example.com");
	autolic_db_close(a);
	autolic_db_close(b);
}

/* A failed call inside a host batch is undone by ROLLBACK TO its savepoint;
 * the batch's other work commits. */
static void t_batch_savepoints(void **state)
{
	(void)state;
	autolic_db *db = open_db(0, 0);
	assert_int_equal(autolic_db_begin(db), 0);
	autolic_id one = t_register(db, "one@example.com", "One", "Batch");
	autolic_account_spec s = AUTOLIC_ACCOUNT_SPEC_INIT;
	s.email = "one@example.com";
	s.first_name = "Dup";
	s.last_name = "Licate";
	autolic_id id = 0;
	assert_int_equal(autolic_account_register(db, &s, &id), AUTOLIC_EEXISTS);
	autolic_id two = t_register(db, "two@example.com", "Two", "Batch");
	assert_int_equal(autolic_db_commit(db), 0);
	autolic_db_close(db);

	db = open_db(0, 0); /* durable */
	autolic_account_info info = {.version = AUTOLIC_ACCOUNT_INFO_VERSION};
	assert_int_equal(autolic_account_get(db, one, &info), 0);
	assert_string_equal(info.first_name, "One");
	assert_int_equal(autolic_account_get(db, two, &info), 0);
	/* a rolled-back batch leaves nothing */
	assert_int_equal(autolic_db_begin(db), 0);
	autolic_id three = t_register(db, "three@example.com", "Three", "Gone");
	assert_int_equal(autolic_db_rollback(db), 0);
	assert_int_equal(autolic_account_get(db, three, &info), AUTOLIC_ENOTFOUND);
	autolic_db_close(db);
}

/* The backend used directly and wrongly: a second begin, a value too large
 * for SQLite to bind (2 GiB, refused before its bytes are read), rollbacks
 * with nothing open, a handle closed with a transaction open (rolled back). */
static void t_backend_misuse(void **state)
{
	(void)state;
	autolic_storage st;
	assert_int_equal(autolic_store_sqlite_open(&st, path, NULL), 0);
	assert_int_equal(st.begin(st.ctx, 1), 0);
	assert_int_equal(st.begin(st.ctx, 0), AUTOLIC_ESTORAGE);
	assert_string_equal(al_err_take_storage(), "sqlite begin: a transaction is already open");
	assert_int_equal(st.put(st.ctx, "k", 1, "v", (size_t)0x80000000u), AUTOLIC_ESTORAGE);
	assert_string_equal(al_err_take_storage(), "sqlite put: string or blob too big");
	assert_int_equal(st.put(st.ctx, "k", 1, "v", 1), 0);
	assert_int_equal(st.commit(st.ctx), 0);
	assert_int_equal(st.rollback(st.ctx), 0); /* nothing open: nothing to do */
	assert_int_equal(st.begin(st.ctx, 1), 0);
	assert_int_equal(st.put(st.ctx, "gone", 4, "x", 1), 0);
	st.free(st.ctx);
	st.free(NULL);
	assert_int_equal(autolic_store_sqlite_open(&st, path, NULL), 0);
	const void *v;
	size_t vl;
	assert_int_equal(st.begin(st.ctx, 0), 0);
	assert_int_equal(st.get(st.ctx, "gone", 4, &v, &vl), AUTOLIC_ENOTFOUND);
	assert_int_equal(st.get(st.ctx, "k", 1, &v, &vl), 0);
	assert_int_equal(vl, 1);
	assert_memory_equal(v, "v", 1);
	assert_int_equal(st.rollback(st.ctx), 0);

	/* the table dropped behind its back: every access fails, and says why */
	sqlite3 *raw;
	assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
	assert_int_equal(sqlite3_exec(raw, "DROP TABLE autolic_kv", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
	assert_int_equal(st.begin(st.ctx, 1), 0);
	assert_int_equal(st.get(st.ctx, "k", 1, &v, &vl), AUTOLIC_ESTORAGE);
	assert_string_equal(al_err_take_storage(), "sqlite get: no such table: autolic_kv");
	assert_int_equal(st.del(st.ctx, "k", 1), AUTOLIC_ESTORAGE);
	assert_string_equal(al_err_take_storage(), "sqlite del: no such table: autolic_kv");
	assert_int_equal(st.scan(st.ctx, "", 0, NULL, 0, NULL, NULL), AUTOLIC_ESTORAGE);
	assert_string_equal(al_err_take_storage(), "sqlite scan: no such table: autolic_kv");
	assert_int_equal(st.rollback(st.ctx), 0);
	st.free(st.ctx);
}

int main(void)
{
	const char *base = getenv("AUTOLIC_TEST_DIR");
	if (!base)
		base = "/tmp";
	snprintf(dir, sizeof dir, "%s/al-sqlite-XXXXXX", base);
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof path, "%s/t.db", dir);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(t_options_and_bad_input, fresh),
	    cmocka_unit_test_setup(t_wal_and_schema, fresh),
	    cmocka_unit_test_setup(t_not_a_database, fresh),
	    cmocka_unit_test_setup(t_lock_timeout_is_conflict, fresh),
	    cmocka_unit_test_setup(t_batch_savepoints, fresh),
	    cmocka_unit_test_setup(t_backend_misuse, fresh),
	};
	int failed = t_run_group("sqlite", tests, NULL, NULL);
	remove_db();
	rmdir(dir);
	return failed;
}
