/* Randomised Flex operations: 100,000 mixed calls (purchases, launches,
 * activity, idle, close, duplicates, moves, adjustments, policy changes,
 * late-report horizons, expiries, time jumps), in rounds on fresh handles so
 * that each check stays cheap. Reports come late (launches up to three days,
 * session reports anywhere since the session's last one), so windows are
 * charged across expiries that other calls recorded (SEAM-4). After every
 * step the invariant check (FLEX-1, FLEX-10, SEAM-4) runs on both teams and
 * must pass, and the balance now equals the sum of the listed ledger, due
 * expiries included (SEAM-5); every 8th step the balance at now computed
 * from the ledger must equal it too, and without overage it is never
 * negative (FLEX-5). */
#include "flex_fixture.h"

#include <stdlib.h>

#define OPS_TOTAL     100000
#define OPS_PER_ROUND 200
#define MAX_SESSIONS  64

static uint64_t rng;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int64_t below(int64_t n)
{
	return (int64_t)(next() % (uint64_t)n);
}

typedef struct {
	autolic_id id;
	autolic_time last;
	int open;
} sess;

static long outcomes[4]; /* launches charged, refunds, sessions ended, launches refused */

static const char *products[] = {"autocad", "revit", "maya"};

static long gave_back; /* EXPIRE entries giving back a forfeiture (SEAM-4) */

/* The sum of the listed ledger; counts into gave_back when `count`. */
static int64_t ledger_sum(fx *x, autolic_id team, int count)
{
	autolic_flex_ledger_iter *it;
	fx_check(
	    "ledger",
	    autolic_flex_ledger_open(x->db, team, INT64_MIN, INT64_MAX, AUTOLIC_FLEX_MASK_ALL, &it),
	    0);
	autolic_flex_entry e;
	e.version = AUTOLIC_FLEX_ENTRY_VERSION;
	int64_t sum = 0;
	while (autolic_flex_ledger_next(it, &e) == 0) {
		sum += e.amount;
		gave_back += count && e.type == AUTOLIC_FLEX_EXPIRE && e.amount > 0;
	}
	autolic_flex_ledger_free(it);
	return sum;
}

static void check_all(fx *x, autolic_id *teams, const int64_t *limit, long step)
{
	for (int i = 0; i < 2; i++) {
		int rc = autolic_flex_check(x->db, teams[i]);
		if (rc)
			fail_msg("step %ld: invariant broken in team %llu: %s", step,
			         (unsigned long long)teams[i], autolic_errmsg());
		autolic_flex_team_info ti;
		ti.version = AUTOLIC_FLEX_TEAM_INFO_VERSION;
		fx_check("team", autolic_flex_team_get(x->db, teams[i], &ti), 0);
		int64_t listed = ledger_sum(x, teams[i], 0);
		if (listed != ti.balance)
			fail_msg("step %ld: balance %lld but the listed ledger sums to %lld", step,
			         (long long)ti.balance, (long long)listed);
		if (step % 8)
			continue; /* the cross-check below is dearer: every 8th step */
		int64_t b;
		fx_check("balance_at", autolic_flex_balance_at(x->db, teams[i], x->clock.now, &b),
		         0);
		if (b != ti.balance)
			fail_msg("step %ld: balance %lld now but %lld from the ledger", step,
			         (long long)ti.balance, (long long)b);
		if (ti.balance < -limit[i] || ti.owed > limit[i] || ti.available < 0)
			fail_msg("step %ld: balance %lld, owed %lld beyond limit %lld", step,
			         (long long)ti.balance, (long long)ti.owed, (long long)limit[i]);
	}
}

static int acceptable(int rc)
{
	return rc == 0 || rc == AUTOLIC_ENOTOKENS || rc == AUTOLIC_ESTATE ||
	       rc == AUTOLIC_EDUPLICATE || rc == AUTOLIC_EEXISTS || rc == AUTOLIC_ENOTFOUND ||
	       rc == AUTOLIC_EINVAL || rc == AUTOLIC_EEXPIRED || rc == AUTOLIC_EPERM;
}

static void round_run(long *step, long *counts)
{
	fx x;
	fx_open(&x, fx_date(2026, 1, 1));
	autolic_id teams[2] = {x.team, fx_team(x.db, x.admin)};
	int64_t limit[2] = {0, 0};
	autolic_id users[4] = {x.user};
	for (int i = 1; i < 4; i++) {
		char email[32];
		snprintf(email, sizeof email, "user%d@example.com", i);
		users[i] = t_register(x.db, email, "U", "Ser");
	}
	for (int t = 0; t < 2; t++)
		for (int i = 0; i < 4; i++)
			if (t == 0 || i)
				fx_assign_all(&x, teams[t], users[i]);
	sess s[MAX_SESSIONS];
	size_t ns = 0;
	autolic_id lots[64];
	size_t nl = 0;
	char last_key[32] = "";
	for (int i = 0; i < OPS_PER_ROUND; i++, (*step)++) {
		int op = (int)below(100);
		int t = (int)below(2);
		int rc = 0;
		autolic_flex_result r;
		if (op < 12) { /* buy, sometimes back-dated */
			autolic_flex_lot_spec ls = AUTOLIC_FLEX_LOT_SPEC_INIT;
			ls.subscription = below(2) ? "TS-A" : "TS-B";
			ls.quantity = 1 + below(40);
			int64_t age = below(8);
			/* a quarter of the lots expire within two days, so that late
			 * reports straddle expiries (SEAM-4) */
			ls.purchased = x.clock.now -
			               (age < 4   ? below(3 * DAY)
			                : age < 6 ? below(360 * DAY)
			                          : AUTOLIC_FLEX_LOT_SECONDS - 1 - below(2 * DAY));
			autolic_id lot;
			rc = autolic_flex_lot_buy(x.db, x.admin, teams[t], &ls, &lot);
			if (!rc && nl < 64)
				lots[nl++] = lot;
			counts[0]++;
		} else if (op < 40) { /* launch, maybe reported late */
			autolic_id u = users[below(4)];
			const char *key = fx_key(&x);
			snprintf(last_key, sizeof last_key, "%s", key);
			autolic_time at =
			    x.clock.now - (below(8) ? below(2 * HOUR) : below(3 * DAY));
			rc = fx_launch_in(&x, teams[t], u, products[below(3)], at, key, &r);
			outcomes[0] += !rc && r.charged > 0;
			outcomes[3] += rc == AUTOLIC_ENOTOKENS;
			if (!rc && ns < MAX_SESSIONS) {
				s[ns].id = r.session;
				s[ns].last = at;
				s[ns].open = 1;
				ns++;
			}
			counts[1]++;
		} else if (op < 45) { /* a duplicate of the last launch */
			if (last_key[0]) {
				autolic_flex_report_spec q = AUTOLIC_FLEX_REPORT_SPEC_INIT;
				q.kind = AUTOLIC_FLEX_LAUNCH;
				q.key = last_key;
				q.time = x.clock.now;
				q.team = teams[t];
				q.account = users[0];
				q.product = "autocad";
				r.version = AUTOLIC_FLEX_RESULT_VERSION;
				rc = autolic_flex_report(x.db, &q, &r);
			}
			counts[2]++;
		} else if (op < 70) { /* activity, idle or close on a session */
			if (ns) {
				sess *c = &s[below((int64_t)ns)];
				int kind = AUTOLIC_FLEX_ACTIVITY + (int)below(3);
				/* late but in order: anywhere since the session's last report */
				autolic_time at = below(2)
				                      ? x.clock.now
				                      : c->last + below(x.clock.now - c->last + 1);
				rc = fx_report(&x, kind, c->id, at, &r);
				if (!rc)
					c->last = r.ended ? r.ended_at : at;
				outcomes[1] += !rc && r.refunded > 0;
				outcomes[2] += !rc && r.ended;
				if (!rc && (kind == AUTOLIC_FLEX_CLOSE || r.ended))
					c->open = 0;
				if (!rc && kind == AUTOLIC_FLEX_CLOSE) {
					*c = s[--ns]; /* forget closed sessions */
				}
			}
			counts[3]++;
		} else if (op < 85) { /* time passes */
			int64_t j = below(20)   ? below(3 * HOUR)
			            : below(40) ? below(3 * DAY)
			                        : below(60 * DAY);
			x.clock.now += j;
			counts[4]++;
		} else if (op < 89) { /* move a subscription */
			rc = autolic_flex_move(x.db, x.admin, teams[t], teams[1 - t],
			                       below(2) ? "TS-A" : "TS-B", NULL);
			counts[5]++;
		} else if (op < 93) { /* adjust a lot */
			if (nl) {
				autolic_flex_lot_info li;
				li.version = AUTOLIC_FLEX_LOT_INFO_VERSION;
				autolic_id lot = lots[below((int64_t)nl)];
				fx_check("lot", autolic_flex_lot_get(x.db, lot, &li), 0);
				int64_t d = below(11) - 5;
				rc = autolic_flex_adjust(x.db, x.admin, li.team, lot, d ? d : 1);
			}
			counts[6]++;
		} else if (op < 94) { /* late-report horizon (SEAM-4) */
			rc = autolic_flex_horizon_set(x.db, x.admin, teams[t],
			                              below(4) ? AUTOLIC_FLEX_HORIZON_DEFAULT
			                                       : below(5 * DAY));
			counts[9]++;
		} else if (op < 96) { /* overage policy on or off */
			autolic_flex_policy p = AUTOLIC_FLEX_POLICY_INIT;
			p.overage_limit = below(2) ? below(15) : 0;
			p.low_threshold = below(2) ? -1 : below(30);
			rc = autolic_flex_policy_set(x.db, x.admin, teams[t], &p);
			if (!rc)
				limit[t] = p.overage_limit;
			counts[7]++;
		} else { /* record expiries */
			rc = autolic_flex_expire(x.db, teams[t], NULL);
			counts[8]++;
		}
		if (!acceptable(rc))
			fail_msg("step %ld op %d: unexpected %d %s", *step, op, rc,
			         autolic_errmsg());
		check_all(&x, teams, limit, *step);
	}
	ledger_sum(&x, teams[0], 1);
	ledger_sum(&x, teams[1], 1);
	fx_close(&x);
}

static void test_random_100k(void **state)
{
	(void)state;
	const char *env = getenv("FLEX_SEED");
	rng = env ? strtoull(env, NULL, 0) : 0x9e3779b97f4a7c15ULL;
	if (!rng)
		rng = 1;
	print_message("seed 0x%llx\n", (unsigned long long)rng);
	long step = 0;
	long counts[10] = {0};
	while (step < OPS_TOTAL)
		round_run(&step, counts);
	print_message(
	    "%ld steps: buy %ld, launch %ld, duplicate %ld, report %ld, time %ld, move %ld, "
	    "adjust %ld, policy %ld, expire %ld, horizon %ld\n",
	    step, counts[0], counts[1], counts[2], counts[3], counts[4], counts[5], counts[6],
	    counts[7], counts[8], counts[9]);
	print_message(
	    "launches charged %ld, refunded %ld, sessions ended unpaid %ld, launches refused "
	    "%ld\n",
	    outcomes[0], outcomes[1], outcomes[2], outcomes[3]);
	print_message("forfeitures given back to pay a late window: %ld\n", gave_back);
	assert_true(step >= OPS_TOTAL);
	assert_true(outcomes[0] > 1000 && outcomes[1] > 10 && outcomes[2] > 10 &&
	            outcomes[3] > 100 && gave_back > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_random_100k),
	};
	return t_run_group("flex/random", tests, NULL, NULL);
}
