/*
 * W2: seat churn at the seat limit (docs/performance.md). (The memory cost of a user
 * and of a seat grant is measured by bench_mem.c.)
 *
 * U users, one contract with one product of Q = U/10 seats, filled to the
 * limit; then OPS operations, each on a random user: revoke when the user
 * holds a seat, grant otherwise (refused with AUTOLIC_ENOSEAT, SEAT-2, when
 * all seats are in use). The reference applies the same rules on SQLite
 * :memory: (see ref below), one transaction per operation; the final grants must be equal
 * and every operation must have the same outcome, or the run fails.
 */
#include "bench.h"
#include "autolic.h"

#include <sqlite3.h>

static autolic_time fixed_clock(void *ctx)
{
	return *(autolic_time *)ctx;
}

static void sq(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		BENCH_FAIL("sqlite: %s: %s", sql, err ? err : "?");
}

/* SQLite reference of the rules a grant and a revoke apply, as the library
 * applies them: the actor administers the contract's users (ROLE), the
 * product is on the contract and the contract is active (SEAT-1), a grant
 * goes to an active account (ACCT) and is refused when all seats are in use
 * (SEAT-2); 0 granted/revoked, 1 refused. The product's count of grants is
 * kept in its row and updated with each grant and revoke, as the library
 * keeps it (counting the grants on every call would cost a scan the rule
 * does not need). */
typedef struct ref {
	sqlite3 *db;
	sqlite3_stmt *begin, *commit, *role, *product, *account, *has, *ins, *del, *inc, *dec;
	int64_t manager, now;
} ref;

static void step_done(sqlite3 *db, sqlite3_stmt *s)
{
	if (sqlite3_step(s) != SQLITE_DONE)
		BENCH_FAIL("sqlite: %s", sqlite3_errmsg(db));
	sqlite3_reset(s);
}

static void step_row(sqlite3 *db, sqlite3_stmt *s)
{
	if (sqlite3_step(s) != SQLITE_ROW)
		BENCH_FAIL("sqlite: expected a row: %s", sqlite3_errmsg(db));
}

static int ref_op(ref *r, int64_t user)
{
	int out = 0;
	step_done(r->db, r->begin);
	sqlite3_bind_int64(r->role, 1, r->manager);
	step_row(r->db, r->role);
	if (sqlite3_column_int(r->role, 0) != 1)
		BENCH_FAIL("reference: the manager lost the role");
	sqlite3_reset(r->role);
	step_row(r->db, r->product);
	int64_t quantity = sqlite3_column_int64(r->product, 0);
	int64_t used = sqlite3_column_int64(r->product, 1);
	if (r->now < sqlite3_column_int64(r->product, 2) ||
	    r->now >= sqlite3_column_int64(r->product, 3))
		BENCH_FAIL("reference: contract not active");
	sqlite3_reset(r->product);
	sqlite3_bind_int64(r->has, 1, user);
	int held = sqlite3_step(r->has) == SQLITE_ROW;
	sqlite3_reset(r->has);
	sqlite3_bind_int64(r->account, 1, user);
	step_row(r->db, r->account);
	int active = sqlite3_column_int(r->account, 0) == 1;
	sqlite3_reset(r->account);
	if (held) {
		sqlite3_bind_int64(r->del, 1, user);
		step_done(r->db, r->del);
		step_done(r->db, r->dec);
	} else if (!active) {
		BENCH_FAIL("reference: account not active");
	} else if (used >= quantity) {
		out = 1;
	} else {
		sqlite3_bind_int64(r->ins, 1, user);
		step_done(r->db, r->ins);
		step_done(r->db, r->inc);
	}
	step_done(r->db, r->commit);
	return out;
}

static void ref_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK)
		BENCH_FAIL("sqlite: %s: %s", sql, sqlite3_errmsg(db));
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
	r.manager = (int64_t)users;
	r.now = now;
	sqlite3_open(":memory:", &r.db);
	sq(r.db, "CREATE TABLE accounts(id INTEGER PRIMARY KEY, active INTEGER)");
	sq(r.db, "CREATE TABLE members(contract INTEGER, account INTEGER, role INTEGER,"
	         " PRIMARY KEY(contract, account)) WITHOUT ROWID");
	sq(r.db, "CREATE TABLE products(contract INTEGER, product TEXT, quantity INTEGER,"
	         " used INTEGER, start INTEGER, end INTEGER, PRIMARY KEY(contract, product)) "
	         "WITHOUT ROWID");
	sq(r.db, "CREATE TABLE grants(contract INTEGER, product TEXT, user INTEGER,"
	         " PRIMARY KEY(contract, product, user)) WITHOUT ROWID");
	sq(r.db, "BEGIN");
	sqlite3_stmt *acc;
	ref_prepare(r.db, "INSERT INTO accounts VALUES(?, 1)", &acc);
	for (size_t i = 0; i <= users; i++) {
		sqlite3_bind_int64(acc, 1, (int64_t)i);
		step_done(r.db, acc);
	}
	sqlite3_finalize(acc);
	char sql[256];
	snprintf(sql, sizeof sql, "INSERT INTO members VALUES(1, %zu, 1)", users);
	sq(r.db, sql);
	snprintf(sql, sizeof sql, "INSERT INTO products VALUES(1, 'acad', %u, 0, %lld, %lld)",
	         quantity, (long long)cs.start, (long long)cs.end);
	sq(r.db, sql);
	sq(r.db, "COMMIT");
	ref_prepare(r.db, "BEGIN IMMEDIATE", &r.begin);
	ref_prepare(r.db, "COMMIT", &r.commit);
	ref_prepare(r.db, "SELECT role FROM members WHERE contract=1 AND account=?", &r.role);
	ref_prepare(
	    r.db,
	    "SELECT quantity, used, start, end FROM products WHERE contract=1 AND product='acad'",
	    &r.product);
	ref_prepare(r.db, "SELECT active FROM accounts WHERE id=?", &r.account);
	ref_prepare(r.db, "SELECT 1 FROM grants WHERE contract=1 AND product='acad' AND user=?",
	            &r.has);
	ref_prepare(r.db, "INSERT INTO grants VALUES(1,'acad',?)", &r.ins);
	ref_prepare(r.db, "DELETE FROM grants WHERE contract=1 AND product='acad' AND user=?",
	            &r.del);
	ref_prepare(r.db, "UPDATE products SET used=used+1 WHERE contract=1 AND product='acad'",
	            &r.inc);
	ref_prepare(r.db, "UPDATE products SET used=used-1 WHERE contract=1 AND product='acad'",
	            &r.dec);

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

	/* The two sides take turns, a tenth of the operations at a time, so
	 * that a machine shared with others slows both alike. */
	size_t block = ops / 10 ? ops / 10 : 1;
	double lib_s = 0, ref_s = 0;
	for (size_t from = 0; from < ops; from += block) {
		size_t to = from + block < ops ? from + block : ops;
		double a = bench_now();
		for (size_t i = from; i < to; i++) {
			uint32_t u = seq[i];
			int rc = held[u] ? autolic_seat_revoke(db, mgr, k, "acad", uid[u])
			                 : autolic_seat_grant(db, mgr, k, "acad", uid[u]);
			if (rc == 0)
				held[u] = !held[u];
			else if (rc != AUTOLIC_ENOSEAT)
				BENCH_FAIL("seat op: %d %s", rc, autolic_errmsg());
			out[i] = rc != 0;
		}
		lib_s += bench_now() - a;
		a = bench_now();
		for (size_t i = from; i < to; i++)
			if (ref_op(&r, (int64_t)seq[i]) != out[i])
				BENCH_FAIL("W2: operation %zu differs from the reference", i);
		ref_s += bench_now() - a;
	}

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
	snprintf(note, sizeof note, "%.1fx the reference; %zu final grants equal", ref_s / lib_s,
	         ln);
	bench_row("W2 seat churn", "libautolic memory store", size, res, note);
	snprintf(res, sizeof res, "%.0f ops/s", (double)ops / ref_s);
	bench_row("W2 seat churn", "SQLite :memory:, txn per op", size, res,
	          "same checks (ROLE admin, contract active, account active, SEAT-1/SEAT-2), count "
	          "kept in the product row, same sequence, the two sides taking turns every tenth");

	autolic_db_close(db);
	sqlite3_stmt *all_st[] = {r.begin, r.commit, r.role, r.product, r.account,
	                          r.has,   r.ins,    r.del,  r.inc,     r.dec};
	for (size_t i = 0; i < sizeof all_st / sizeof all_st[0]; i++)
		sqlite3_finalize(all_st[i]);
	sqlite3_close(r.db);
	free(uid);
	free(held);
	free(rheld);
	free(lheld);
	free(seq);
	free(out);
	return 0;
}
