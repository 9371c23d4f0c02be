/*
 * W2: seat churn at the seat limit (issue 11). (The memory cost of a user
 * and of a seat grant is measured by bench_mem.c.)
 *
 * U users, one contract with one product of Q = U/10 seats, filled to the
 * limit; then OPS operations, each on a random user: revoke when the user
 * holds a seat, grant otherwise (refused with AUTOLIC_ENOSEAT, SEAT-2, when
 * all seats are in use). The reference applies the same rule on SQLite
 * :memory:, one transaction per operation; the final grants must be equal
 * and every operation must have the same outcome, or the run fails.
 */
#include "bench.h"
#include "autolic.h"

#include <sqlite3.h>

static autolic_time fixed_clock(void *ctx) { return *(autolic_time *)ctx; }

static void sq(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		BENCH_FAIL("sqlite: %s: %s", sql, err ? err : "?");
}

/* SQLite reference of SEAT-1/SEAT-2: 0 granted/revoked, 1 refused. */
typedef struct ref {
	sqlite3 *db;
	sqlite3_stmt *begin, *commit, *has, *count, *ins, *del;
	long quantity;
} ref;

static int step_int(sqlite3_stmt *s)
{
	int r = sqlite3_step(s);
	long v = r == SQLITE_ROW ? (long)sqlite3_column_int64(s, 0) : -1;
	sqlite3_reset(s);
	return (int)v;
}
static void step_done(sqlite3 *db, sqlite3_stmt *s)
{
	if (sqlite3_step(s) != SQLITE_DONE)
		BENCH_FAIL("sqlite: %s", sqlite3_errmsg(db));
	sqlite3_reset(s);
}

static int ref_op(ref *r, int64_t user)
{
	int out = 0;
	step_done(r->db, r->begin);
	sqlite3_bind_int64(r->has, 1, user);
	if (step_int(r->has) > 0) {
		sqlite3_bind_int64(r->del, 1, user);
		step_done(r->db, r->del);
	} else if (step_int(r->count) >= r->quantity) {
		out = 1;
	} else {
		sqlite3_bind_int64(r->ins, 1, user);
		step_done(r->db, r->ins);
	}
	step_done(r->db, r->commit);
	return out;
}

int main(int argc, char **argv)
{
	bench_opts o = bench_parse(argc, argv);
	size_t users = bench_n(&o, 100000, 100);
	size_t ops = bench_n(&o, 1000000, 1000);
	uint32_t quantity = (uint32_t)(users / 10);
	autolic_time now = 1767225600;

	autolic_db_options dopt = AUTOLIC_DB_OPTIONS_INIT;
	dopt.clock = fixed_clock;
	dopt.clock_ctx = &now;
	autolic_db *db;
	if (autolic_db_open(&db, &dopt))
		BENCH_FAIL("db open: %s", autolic_errmsg());

	autolic_id *uid = malloc((users + 1) * sizeof *uid);
	char *held = calloc(users, 1);
	char email[64];
	for (size_t i = 0; i <= users; i++) {
		autolic_account_spec s = AUTOLIC_ACCOUNT_SPEC_INIT;
		snprintf(email, sizeof email, "user%zu@example.com", i);
		s.email = email;
		s.first_name = "User";
		s.last_name = "Bench";
		if (autolic_account_register(db, &s, &uid[i]))
			BENCH_FAIL("register: %s", autolic_errmsg());
	}
	autolic_id mgr = uid[users];

	autolic_contract_product_spec ps = AUTOLIC_CONTRACT_PRODUCT_SPEC_INIT;
	ps.product = "acad";
	ps.quantity = quantity;
	autolic_contract_spec cs = AUTOLIC_CONTRACT_SPEC_INIT;
	cs.products = &ps;
	cs.nproducts = 1;
	cs.start = now - 86400;
	cs.end = now + 365 * 86400;
	autolic_id k;
	if (autolic_contract_buy(db, mgr, &cs, &k))
		BENCH_FAIL("contract: %s", autolic_errmsg());

	ref r = {0};
	r.quantity = quantity;
	sqlite3_open(":memory:", &r.db);
	sq(r.db, "CREATE TABLE grants(contract INTEGER, product TEXT, user INTEGER,"
	         " PRIMARY KEY(contract, product, user)) WITHOUT ROWID");
	sqlite3_prepare_v2(r.db, "BEGIN IMMEDIATE", -1, &r.begin, NULL);
	sqlite3_prepare_v2(r.db, "COMMIT", -1, &r.commit, NULL);
	sqlite3_prepare_v2(r.db, "SELECT count(*) FROM grants WHERE contract=1 AND product='acad' AND user=?",
	                   -1, &r.has, NULL);
	sqlite3_prepare_v2(r.db, "SELECT count(*) FROM grants WHERE contract=1 AND product='acad'", -1,
	                   &r.count, NULL);
	sqlite3_prepare_v2(r.db, "INSERT INTO grants VALUES(1,'acad',?)", -1, &r.ins, NULL);
	sqlite3_prepare_v2(r.db, "DELETE FROM grants WHERE contract=1 AND product='acad' AND user=?", -1,
	                   &r.del, NULL);

	/* fill to the limit */
	for (uint32_t i = 0; i < quantity; i++) {
		if (autolic_seat_grant(db, mgr, k, "acad", uid[i]))
			BENCH_FAIL("grant: %s", autolic_errmsg());
		held[i] = 1;
		ref_op(&r, (int64_t)i);
	}

	/* the operation sequence, drawn once so both sides see the same */
	uint32_t *seq = malloc(ops * sizeof *seq);
	uint64_t seed = 7;
	for (size_t i = 0; i < ops; i++)
		seq[i] = (uint32_t)(bench_rand(&seed) % users);
	int *out = malloc(ops * sizeof *out);

	double a = bench_now();
	for (size_t i = 0; i < ops; i++) {
		uint32_t u = seq[i];
		int rc = held[u] ? autolic_seat_revoke(db, mgr, k, "acad", uid[u])
		                 : autolic_seat_grant(db, mgr, k, "acad", uid[u]);
		if (rc == 0)
			held[u] = !held[u];
		else if (rc != AUTOLIC_ENOSEAT)
			BENCH_FAIL("seat op: %d %s", rc, autolic_errmsg());
		out[i] = rc != 0;
	}
	double lib_s = bench_now() - a;

	a = bench_now();
	for (size_t i = 0; i < ops; i++)
		if (ref_op(&r, (int64_t)seq[i]) != out[i])
			BENCH_FAIL("W2: operation %zu differs from the reference", i);
	double ref_s = bench_now() - a;

	/* final grants equal */
	sqlite3_stmt *all;
	sqlite3_prepare_v2(r.db, "SELECT user FROM grants ORDER BY user", -1, &all, NULL);
	char *rheld = calloc(users, 1);
	size_t rn = 0, ln = 0;
	while (sqlite3_step(all) == SQLITE_ROW) {
		rheld[sqlite3_column_int64(all, 0)] = 1;
		rn++;
	}
	sqlite3_finalize(all);
	autolic_seat_iter *it;
	if (autolic_seat_product_users(db, k, "acad", &it))
		BENCH_FAIL("product users: %s", autolic_errmsg());
	autolic_seat_entry e = {.version = AUTOLIC_SEAT_ENTRY_VERSION};
	int irc;
	char *lheld = calloc(users, 1);
	while ((irc = autolic_seat_iter_next(it, &e)) == 0) {
		size_t i = (size_t)(e.user - uid[0]); /* ids are dense in registration order */
		if (i >= users || uid[i] != e.user)
			BENCH_FAIL("W2: unexpected holder %llu", (unsigned long long)e.user);
		lheld[i] = 1;
		ln++;
	}
	autolic_seat_iter_free(it);
	if (ln != rn || memcmp(lheld, rheld, users) != 0)
		BENCH_FAIL("W2: final grants differ (libautolic %zu, reference %zu)", ln, rn);

	char size[96], res[64], note[128];
	snprintf(size, sizeof size, "%zu users, %zu ops, %u seats", users, ops, quantity);
	snprintf(res, sizeof res, "%.0f ops/s", (double)ops / lib_s);
	snprintf(note, sizeof note, "%.1fx the reference; %zu final grants equal", ref_s / lib_s, ln);
	bench_row("W2 seat churn", "libautolic memory store", size, res, note);
	snprintf(res, sizeof res, "%.0f ops/s", (double)ops / ref_s);
	bench_row("W2 seat churn", "SQLite :memory:, txn per op", size, res, "same rule, same sequence");

	autolic_db_close(db);
	sqlite3_finalize(r.begin); sqlite3_finalize(r.commit); sqlite3_finalize(r.has);
	sqlite3_finalize(r.count); sqlite3_finalize(r.ins); sqlite3_finalize(r.del);
	sqlite3_close(r.db);
	free(uid); free(held); free(rheld); free(lheld); free(seq); free(out);
	return 0;
}
