/*
 * W3: OPS-5 deactivation selection over n operators (docs/performance.md).
 * libautolic: al_ops_select_excess() (src/ops.h) on plain structs.
 * Reference: the same order as SQL on an in-memory SQLite table
 * (ORDER BY has_production, last_production, created, id LIMIT excess).
 * The run fails unless both choose the same operators in the same order.
 */
#include "bench.h"
#include "ops.h"

#include <sqlite3.h>

static void sq(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		BENCH_FAIL("sqlite: %s: %s", sql, err ? err : "?");
}

int main(int argc, char **argv)
{
	bench_opts o = bench_parse(argc, argv);
	size_t n = bench_n(&o, 1000000, 1000);
	uint64_t licences = n / 2;
	al_ops_cand *c = malloc(n * sizeof *c);
	if (!c)
		BENCH_FAIL("out of memory");
	uint64_t seed = 3;
	const autolic_time t0 = 1767225600;
	for (size_t i = 0; i < n; i++) {
		c[i].id = (autolic_id)(i + 1);
		/* coarse times so that ties on last_production and created happen */
		c[i].created = t0 - (autolic_time)(bench_rand(&seed) % 1000) * 86400;
		c[i].has_production = bench_rand(&seed) % 10 != 0;
		c[i].last_production =
		    c[i].has_production ? t0 - (autolic_time)(bench_rand(&seed) % 365) * 86400 : 0;
	}
	/* shuffle so the input is not in id order */
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = (size_t)(bench_rand(&seed) % (i + 1));
		al_ops_cand t = c[i];
		c[i] = c[j];
		c[j] = t;
	}

	sqlite3 *db;
	if (sqlite3_open(":memory:", &db) != SQLITE_OK)
		BENCH_FAIL("sqlite open");
	sq(db, "CREATE TABLE op(id INTEGER PRIMARY KEY, created INTEGER, has_production INTEGER,"
	       " last_production INTEGER)");
	sq(db, "BEGIN");
	sqlite3_stmt *ins;
	sqlite3_prepare_v2(db, "INSERT INTO op VALUES(?,?,?,?)", -1, &ins, NULL);
	for (size_t i = 0; i < n; i++) {
		sqlite3_bind_int64(ins, 1, (sqlite3_int64)c[i].id);
		sqlite3_bind_int64(ins, 2, c[i].created);
		sqlite3_bind_int64(ins, 3, c[i].has_production);
		sqlite3_bind_int64(ins, 4, c[i].last_production);
		if (sqlite3_step(ins) != SQLITE_DONE)
			BENCH_FAIL("sqlite insert: %s", sqlite3_errmsg(db));
		sqlite3_reset(ins);
	}
	sqlite3_finalize(ins);
	sq(db, "COMMIT");

	double a = bench_now();
	size_t k = al_ops_select_excess(c, n, licences);
	double lib_s = bench_now() - a;

	a = bench_now();
	sqlite3_stmt *q;
	sqlite3_prepare_v2(db,
	                   "SELECT id FROM op ORDER BY has_production, last_production, created, id"
	                   " LIMIT max(0, (SELECT count(*) FROM op) - ?)",
	                   -1, &q, NULL);
	sqlite3_bind_int64(q, 1, (sqlite3_int64)licences);
	autolic_id *ref = malloc(n * sizeof *ref);
	size_t rk = 0;
	while (sqlite3_step(q) == SQLITE_ROW)
		ref[rk++] = (autolic_id)sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	double ref_s = bench_now() - a;

	if (rk != k)
		BENCH_FAIL("W3: libautolic selects %zu operators, the reference %zu", k, rk);
	for (size_t i = 0; i < k; i++)
		if (ref[i] != c[i].id)
			BENCH_FAIL("W3: position %zu differs: libautolic %llu, reference %llu", i,
			           (unsigned long long)c[i].id, (unsigned long long)ref[i]);

	char size[64], r[64], note[96];
	snprintf(size, sizeof size, "%zu operators, %llu licences", n,
	         (unsigned long long)licences);
	snprintf(r, sizeof r, "%.3f s", lib_s);
	snprintf(note, sizeof note, "selects %zu; equal to the reference", k);
	bench_row("W3 deactivation (OPS-5)", "libautolic al_ops_select_excess", size, r, note);
	snprintf(r, sizeof r, "%.3f s", ref_s);
	bench_row("W3 deactivation (OPS-5)", "SQLite :memory: ORDER BY", size, r,
	          "query only, rows loaded before");
	free(ref);
	free(c);
	sqlite3_close(db);
	return 0;
}
