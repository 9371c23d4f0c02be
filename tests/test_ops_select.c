/* OPS-5 selection as a pure function: the example of docs/rules.md, the order and its
 * tie-break, and a property test against two brute-force references. */
#include "support.h"
#include "ops.h"

#include <string.h>

#define PROPERTY_CASES 12000

static al_ops_cand cand(autolic_id id, autolic_time created, int has, autolic_time last)
{
	al_ops_cand c = {id, created, last, has};
	return c;
}

/* OPS-5: the example of docs/rules.md. 3 licences, 5 active operators during the trial
 * -> 2 deactivated: first the one with no production record, then the one
 * whose last production record is the oldest. */
static void test_ops5_example(void **state)
{
	(void)state;
	al_ops_cand c[5] = {
	    cand(1, 100, 1, 5000), cand(2, 100, 1, 1000), cand(3, 100, 0, 0),
	    cand(4, 100, 1, 9000), cand(5, 100, 1, 3000),
	};
	size_t k = al_ops_select_excess(c, 5, 3);
	assert_int_equal(k, 2);
	assert_int_equal(c[0].id, 3); /* no production record */
	assert_int_equal(c[1].id, 2); /* oldest last production */
}

/* OPS-5: nothing to do when the licences cover every active operator. */
static void test_ops5_no_excess(void **state)
{
	(void)state;
	al_ops_cand c[3] = {cand(1, 1, 0, 0), cand(2, 2, 1, 5), cand(3, 3, 1, 7)};
	assert_int_equal(al_ops_select_excess(c, 3, 3), 0);
	assert_int_equal(al_ops_select_excess(c, 3, 10), 0);
	assert_int_equal(al_ops_select_excess(NULL, 0, 0), 0);
	/* zero licences: every one goes */
	assert_int_equal(al_ops_select_excess(c, 3, 0), 3);
}

/* OPS-5 tie-break (docs/operators.md): equal production state and time ->
 * older creation first -> lower id first. */
static void test_ops5_tie_break(void **state)
{
	(void)state;
	al_ops_cand c[6] = {
	    cand(10, 50, 0, 0),  cand(4, 50, 0, 0),   cand(7, 20, 0, 0),
	    cand(9, 10, 1, 300), cand(2, 30, 1, 300), cand(1, 30, 1, 300),
	};
	size_t k = al_ops_select_excess(c, 6, 0);
	assert_int_equal(k, 6);
	autolic_id want[6] = {7, 4, 10, 9, 1, 2};
	for (int i = 0; i < 6; i++)
		assert_int_equal(c[i].id, want[i]);
	/* a production record at time 0 still counts as a record */
	al_ops_cand d[2] = {cand(1, 0, 1, 0), cand(2, 5, 0, 0)};
	assert_int_equal(al_ops_select_excess(d, 2, 1), 1);
	assert_int_equal(d[0].id, 2);
}

static void test_days_left(void **state)
{
	(void)state;
	assert_int_equal(al_ops_days_left(0, 86400), 1);
	assert_int_equal(al_ops_days_left(0, 86401), 2);
	assert_int_equal(al_ops_days_left(1, 86400), 1);
	assert_int_equal(al_ops_days_left(86400, 86400), 0);
	assert_int_equal(al_ops_days_left(90000, 86400), 0);
	assert_int_equal(al_ops_days_left(0, 30 * 86400), 30);
}

/* OPS-6: warning for exactly 30 days after the due date, then blocked. */
static void test_ops6_payment_state(void **state)
{
	(void)state;
	assert_int_equal(al_ops_payment_state(0, 0, 1000), AUTOLIC_OPS_PAYMENT_OK);
	assert_int_equal(al_ops_payment_state(1, 1000, 1000), AUTOLIC_OPS_PAYMENT_WARNING);
	assert_int_equal(al_ops_payment_state(1, 1000, 1000 + 2592000 - 1),
	                 AUTOLIC_OPS_PAYMENT_WARNING);
	assert_int_equal(al_ops_payment_state(1, 1000, 1000 + 2592000),
	                 AUTOLIC_OPS_PAYMENT_BLOCKED);
}

/* ---- property test ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	uint64_t x = rng_state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static uint64_t below(uint64_t n)
{
	return rnd() % n;
}

/* The rule as docs/rules.md words it, written independently of al_ops_cand_cmp:
 * 1 when `a` must be deactivated before `b`. */
static int goes_before(const al_ops_cand *a, const al_ops_cand *b)
{
	/* key: (has production, last production or 0, created, id), lexicographic */
	int64_t ka[4] = {a->has_production, a->has_production ? a->last_production : 0, a->created,
	                 (int64_t)a->id};
	int64_t kb[4] = {b->has_production, b->has_production ? b->last_production : 0, b->created,
	                 (int64_t)b->id};
	for (int i = 0; i < 4; i++)
		if (ka[i] != kb[i])
			return ka[i] < kb[i];
	return 0;
}

static void random_cands(al_ops_cand *c, size_t n)
{
	/* small ranges on purpose, so that ties on every key happen often */
	uint64_t tspan = 1 + below(6);
	for (size_t i = 0; i < n; i++) {
		c[i].id = 0;
		c[i].created = (autolic_time)below(tspan);
		c[i].has_production = below(3) != 0;
		c[i].last_production = (autolic_time)below(tspan) - 2; /* negative too */
	}
	/* unique ids in random order */
	for (size_t i = 0; i < n; i++)
		c[i].id = i + 1 + (autolic_id)below(3) * 1000;
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < i; j++)
			if (c[j].id == c[i].id) {
				c[i].id += 100000;
				j = (size_t)-1;
			}
	}
	for (size_t i = n; i > 1; i--) {
		size_t j = below(i);
		al_ops_cand tmp = c[i - 1];
		c[i - 1] = c[j];
		c[j] = tmp;
	}
}

/* Reference 1 (n <= 12): enumerate every subset of size k and keep those in
 * which no kept operator goes before a chosen one. Exactly one must exist
 * and it must be what the function chose. */
static void check_by_subsets(const al_ops_cand *in, size_t n, uint64_t lic, const al_ops_cand *out,
                             size_t k)
{
	size_t want_k = n > lic ? n - (size_t)lic : 0;
	assert_int_equal(k, want_k);
	unsigned found = 0, valid = 0;
	for (unsigned mask = 0; mask < (1u << n); mask++) {
		if ((size_t)__builtin_popcount(mask) != want_k)
			continue;
		int ok = 1;
		for (size_t s = 0; ok && s < n; s++) {
			if (!(mask & (1u << s)))
				continue;
			for (size_t u = 0; ok && u < n; u++)
				if (!(mask & (1u << u)) && goes_before(&in[u], &in[s]))
					ok = 0;
		}
		if (ok) {
			valid++;
			found = mask;
		}
	}
	assert_int_equal(valid, 1);
	/* same set */
	for (size_t i = 0; i < n; i++) {
		int chosen = 0;
		for (size_t j = 0; j < k; j++)
			chosen |= out[j].id == in[i].id;
		assert_int_equal(chosen, (found >> i) & 1u);
	}
}

/* Reference 2 (any n): pick the first to deactivate k times by linear scan. */
static void check_by_repeated_min(const al_ops_cand *in, size_t n, uint64_t lic,
                                  const al_ops_cand *out, size_t k)
{
	size_t want_k = n > lic ? n - (size_t)lic : 0;
	assert_int_equal(k, want_k);
	int taken[128] = {0};
	for (size_t step = 0; step < want_k; step++) {
		size_t best = n;
		for (size_t i = 0; i < n; i++)
			if (!taken[i] && (best == n || goes_before(&in[i], &in[best])))
				best = i;
		taken[best] = 1;
		assert_int_equal(out[step].id, in[best].id); /* same order too */
	}
}

static void test_ops5_property(void **state)
{
	(void)state;
	al_ops_cand in[128], work[128];
	long cases = 0, with_excess = 0;
	for (int i = 0; i < PROPERTY_CASES; i++) {
		int small = i % 2 == 0;
		size_t n = small ? (size_t)below(13) : (size_t)below(128);
		random_cands(in, n);
		uint64_t lic = below(n + 3);
		memcpy(work, in, n * sizeof(*in));
		size_t k = al_ops_select_excess(work, n, lic);
		/* the output is a permutation of the input */
		for (size_t a = 0; a < n; a++) {
			int seen = 0;
			for (size_t b = 0; b < n; b++)
				seen += work[b].id == in[a].id && work[b].created == in[a].created;
			assert_int_equal(seen, 1);
		}
		if (small)
			check_by_subsets(in, n, lic, work, k);
		check_by_repeated_min(in, n, lic, work, k);
		cases++;
		with_excess += k > 0;
	}
	assert_true(cases >= 10000);
	assert_true(with_excess > cases / 3); /* the generator exercises the interesting path */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ops5_example),       cmocka_unit_test(test_ops5_no_excess),
	    cmocka_unit_test(test_ops5_tie_break),     cmocka_unit_test(test_days_left),
	    cmocka_unit_test(test_ops6_payment_state), cmocka_unit_test(test_ops5_property),
	};
	return t_run_group("ops/select", tests, NULL, NULL);
}
