/*
 * Memory of the memory store (docs/performance.md): bytes per user, per seat grant and
 * per Flex ledger entry, each measured twice on a fresh handle:
 *
 * - requested: the bytes the library asks for, through a counting
 *   autolic_allocator (bench.h);
 * - with malloc blocks: the growth of glibc's own accounting of the blocks in
 *   use (mallinfo2: uordblks + hblkhd) with the libc allocator, so the block
 *   headers and rounding of every allocation are included.
 *
 * Users: N accounts registered. Seat grants: one contract of N seats, every
 * user granted one (the seat records, the account's index, the count kept
 * per product). Ledger entries: N adjustments of a lot, each writing one
 * ADJUST entry; the lot, the team and the sequence are rewritten in place.
 */
#include "bench.h"
#include "autolic.h"

#include <malloc.h>

static autolic_time fixed_clock(void *ctx)
{
	return *(autolic_time *)ctx;
}

#define MUST(call, what)                                                                           \
	do {                                                                                       \
		int rc_ = (call);                                                                  \
		if (rc_)                                                                           \
			BENCH_FAIL("memory: %s: %d %s", what, rc_, autolic_errmsg());              \
	} while (0)

/* Bytes in use now: the counting allocator's, or glibc's blocks. */
typedef struct {
	bench_count *count; /* NULL: the libc allocator */
} meter;

static size_t in_use(const meter *m)
{
	if (m->count)
		return m->count->bytes;
	struct mallinfo2 mi = mallinfo2();
	return mi.uordblks + mi.hblkhd;
}

typedef struct {
	double user, grant, entry;
} per;

static void measure(size_t n, bench_count *count, per *out)
{
	meter m = {count};
	autolic_allocator al;
	autolic_time now = 1767225600;
	autolic_db_options o = AUTOLIC_DB_OPTIONS_INIT;
	o.clock = fixed_clock;
	o.clock_ctx = &now;
	if (count) {
		al = bench_counting(count);
		o.allocator = &al;
	}
	autolic_db *db;
	MUST(autolic_db_open(&db, &o), "open");
	autolic_id *uid = malloc((n + 1) * sizeof *uid);
	autolic_account_spec as = AUTOLIC_ACCOUNT_SPEC_INIT;
	char email[64];
	as.first_name = "User";
	as.last_name = "Bench";
	/* the administrator first, so that the users are all alike */
	as.email = "admin@example.com";
	MUST(autolic_account_register(db, &as, &uid[n]), "register");
	size_t base = in_use(&m);
	for (size_t i = 0; i < n; i++) {
		snprintf(email, sizeof email, "user%zu@example.com", i);
		as.email = email;
		MUST(autolic_account_register(db, &as, &uid[i]), "register");
	}
	out->user = ((double)in_use(&m) - (double)base) / (double)n;

	autolic_id mgr = uid[n];
	autolic_contract_product_spec ps = AUTOLIC_CONTRACT_PRODUCT_SPEC_INIT;
	ps.product = "acad";
	ps.quantity = (uint32_t)n;
	autolic_contract_spec cs = AUTOLIC_CONTRACT_SPEC_INIT;
	cs.products = &ps;
	cs.nproducts = 1;
	cs.start = now - 86400;
	cs.end = now + 365 * 86400;
	autolic_id k;
	MUST(autolic_contract_buy(db, mgr, &cs, &k), "contract");
	base = in_use(&m);
	for (size_t i = 0; i < n; i++)
		MUST(autolic_seat_grant(db, mgr, k, "acad", uid[i]), "grant");
	out->grant = ((double)in_use(&m) - (double)base) / (double)n;

	autolic_team_spec ts = AUTOLIC_TEAM_SPEC_INIT;
	ts.name = "Flex";
	autolic_id team, lot;
	MUST(autolic_team_create(db, mgr, &ts, &team), "team");
	autolic_flex_lot_spec ls = AUTOLIC_FLEX_LOT_SPEC_INIT;
	ls.subscription = "TS-1";
	ls.quantity = 1000;
	MUST(autolic_flex_lot_buy(db, mgr, team, &ls, &lot), "buy");
	MUST(autolic_flex_adjust(db, mgr, team, lot, -1), "adjust"); /* records exist from here */
	base = in_use(&m);
	for (size_t i = 0; i < n; i++)
		MUST(autolic_flex_adjust(db, mgr, team, lot, i % 2 ? -1 : 1), "adjust");
	out->entry = ((double)in_use(&m) - (double)base) / (double)n;
	autolic_db_close(db);
	free(uid);
}

int main(int argc, char **argv)
{
	bench_opts o = bench_parse(argc, argv);
	size_t n = bench_n(&o, 100000, 1000);
	bench_count cnt = {0, 0, 0};
	per req, blk;
	measure(n, &cnt, &req);
	if (cnt.bytes || cnt.blocks)
		BENCH_FAIL("memory: %zu bytes in %zu blocks left after close", cnt.bytes,
		           cnt.blocks);
	measure(n, NULL, &blk);

	char size[64], res[96];
	snprintf(size, sizeof size, "%zu users", n);
	snprintf(res, sizeof res, "%.0f B/user requested, %.0f B/user with malloc blocks", req.user,
	         blk.user);
	bench_row("Memory", "libautolic memory store", size, res,
	          "account record and email index; requested: counting allocator; blocks: "
	          "glibc mallinfo2 growth");
	snprintf(size, sizeof size, "%zu seat grants", n);
	snprintf(res, sizeof res, "%.0f B/grant requested, %.0f B/grant with malloc blocks",
	         req.grant, blk.grant);
	bench_row("Memory", "libautolic memory store", size, res,
	          "grant record and the account's index (SEAT-1)");
	snprintf(size, sizeof size, "%zu ledger entries", n);
	snprintf(res, sizeof res, "%.0f B/entry requested, %.0f B/entry with malloc blocks",
	         req.entry, blk.entry);
	bench_row("Memory", "libautolic memory store", size, res,
	          "one ADJUST entry per autolic_flex_adjust() (FLEX-10)");
	return 0;
}
