/* The ordered map behind the memory and journal stores (src/store/map.c),
 * against a plain model: random puts, deletes, gets and range scans, inside
 * and outside transactions, with nested savepoints, rollbacks and failed
 * allocations. After every change the map must hold exactly the model's
 * pairs; a failed put or delete changes nothing; a rollback restores the
 * state at begin (or at the savepoint) and never allocates; the tree's
 * structure check passes; and nothing leaks. */
#include "support.h"
#include "store/map_impl.h"

#include <stdlib.h>
#include <string.h>

/* ---- the tree's structure and sums: NULL when sound, else what is wrong;
 * `depth` (may be NULL) receives the number of levels ---- */

static const char *check_node(const al_map *m, const node *x, const ent *lo, const ent *hi,
                              size_t *count, size_t *payload, size_t *depth_out)
{
	if (x->n >= FAN)
		return "node over capacity";
	if (!m->logging && x->leaf && x->n == 0 && x != m->root)
		return "empty leaf at rest";
	for (unsigned i = 0; i < x->n; i++) {
		const ent *e = x->e[i];
		pfx p = key_pfx(e->data, e->klen);
		if (p.hi != x->p[i].hi || p.lo != x->p[i].lo)
			return "slot prefix differs from its key";
		if (i && cmp(e->data, e->klen, p, x->p[i - 1], x->e[i - 1]) <= 0)
			return "keys out of order in a node";
		if (lo && cmp(e->data, e->klen, p, key_pfx(lo->data, lo->klen), lo) < 0)
			return "key below its node's range";
		if (hi && cmp(e->data, e->klen, p, key_pfx(hi->data, hi->klen), hi) >= 0)
			return "key above its node's range";
		if (x->leaf) {
			(*count)++;
			*payload += (size_t)e->klen + e->vlen;
		}
	}
	if (x->leaf) {
		*depth_out = 1;
		return NULL;
	}
	size_t d0 = 0;
	for (unsigned i = 0; i <= x->n; i++) {
		if (x->c[i]->parent != x)
			return "child's parent pointer is wrong";
		size_t d;
		const char *why = check_node(m, x->c[i], i ? x->e[i - 1] : lo,
		                             i < x->n ? x->e[i] : hi, count, payload, &d);
		if (why)
			return why;
		if (i && d != d0)
			return "leaves at different depths";
		d0 = d;
	}
	*depth_out = d0 + 1;
	return NULL;
}

static const char *al_map_check(const al_map *m, size_t *depth)
{
	size_t count = 0, payload = 0, d = 0;
	if (m->root->parent)
		return "root has a parent";
	const char *why = check_node(m, m->root, NULL, NULL, &count, &payload, &d);
	if (!why && count != m->count)
		why = "entry count differs";
	if (!why && payload != m->payload)
		why = "payload differs";
	if (!why && !m->logging && m->empty)
		why = "leaves queued outside a transaction";
	if (depth)
		*depth = d;
	return why;
}

/* ---- model: sorted array of pairs ---- */

typedef struct {
	unsigned char k[40], v[48];
	size_t kl, vl;
} pair;

typedef struct {
	pair *v;
	size_t n, cap;
} model;

static int kcmp(const unsigned char *a, size_t al, const unsigned char *b, size_t bl)
{
	size_t n = al < bl ? al : bl;
	int c = n ? memcmp(a, b, n) : 0;
	return c ? c : (al < bl ? -1 : al > bl);
}

static size_t m_find(const model *m, const unsigned char *k, size_t kl, int *found)
{
	size_t lo = 0, hi = m->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (kcmp(m->v[mid].k, m->v[mid].kl, k, kl) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < m->n && kcmp(m->v[lo].k, m->v[lo].kl, k, kl) == 0;
	return lo;
}

static void m_put(model *m, const pair *p)
{
	int found;
	size_t i = m_find(m, p->k, p->kl, &found);
	if (found) {
		m->v[i] = *p;
		return;
	}
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 256;
		m->v = realloc(m->v, m->cap * sizeof *m->v);
		assert_non_null(m->v);
	}
	memmove(&m->v[i + 1], &m->v[i], (m->n - i) * sizeof *m->v);
	m->v[i] = *p;
	m->n++;
}

static int m_del(model *m, const unsigned char *k, size_t kl)
{
	int found;
	size_t i = m_find(m, k, kl, &found);
	if (!found)
		return 0;
	memmove(&m->v[i], &m->v[i + 1], (m->n - i - 1) * sizeof *m->v);
	m->n--;
	return 1;
}

static void m_copy(model *dst, const model *src)
{
	if (dst->cap < src->n) {
		dst->cap = src->n + 16;
		dst->v = realloc(dst->v, dst->cap * sizeof *dst->v);
		assert_non_null(dst->v);
	}
	if (src->n)
		memcpy(dst->v, src->v, src->n * sizeof *src->v);
	dst->n = src->n;
}

/* ---- random keys shaped like the stores' ---- */

static uint64_t rng;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static unsigned below(unsigned n)
{
	return (unsigned)(next() % n);
}

static uint64_t seqno;

static void random_key(pair *p)
{
	unsigned kind = below(6);
	p->kl = 0;
	if (kind == 0) {
		/* short keys over a tiny alphabet: many are prefixes of others */
		p->kl = below(5);
		for (size_t i = 0; i < p->kl; i++)
			p->k[i] = (unsigned char)(below(3) == 0 ? 0 : below(2) ? 0xff : 'a');
	} else if (kind == 1 || kind == 2) {
		/* a shared 16-byte start, then 0..10 bytes: the part past the
		 * prefix the nodes keep decides */
		memset(p->k, 0x56, 16);
		p->k[15] = (unsigned char)below(2);
		p->kl = 14 + below(13);
		for (size_t i = 16; i < p->kl; i++)
			p->k[i] = (unsigned char)below(3);
	} else if (kind == 3) {
		/* ids in order, as sequences hand them out: appends */
		p->k[0] = 0x59;
		uint64_t s = seqno++;
		for (int b = 0; b < 8; b++)
			p->k[1 + b] = (unsigned char)(s >> (56 - 8 * b));
		p->kl = 9;
	} else {
		/* prefix, a small id, a string, a time: index keys */
		p->k[0] = (unsigned char)(0x40 + below(3));
		uint64_t id = below(40);
		for (int b = 0; b < 8; b++)
			p->k[1 + b] = (unsigned char)(id >> (56 - 8 * b));
		p->kl = 9;
		unsigned sl = below(6);
		for (unsigned i = 0; i < sl; i++)
			p->k[p->kl++] = (unsigned char)('a' + below(3));
		p->k[p->kl++] = 0;
		uint64_t t = below(500);
		for (int b = 0; b < 8; b++)
			p->k[p->kl++] = (unsigned char)(t >> (56 - 8 * b));
	}
	p->vl = below(49);
	for (size_t i = 0; i < p->vl; i++)
		p->v[i] = (unsigned char)next();
}

/* A key already in the model, most of the time, else a random one. */
static void some_key(const model *m, pair *p)
{
	if (m->n && below(4)) {
		*p = m->v[below((unsigned)m->n)];
		return;
	}
	random_key(p);
}

/* ---- comparing ---- */

typedef struct {
	const model *m;
	size_t i, end;
	const char *why;
} scan_cmp;

static int scan_cb(const void *k, size_t kl, const void *v, size_t vl, void *arg)
{
	scan_cmp *s = arg;
	if (s->i >= s->end) {
		s->why = "scan returned a key past its end";
		return 1;
	}
	const pair *p = &s->m->v[s->i++];
	if (kcmp(k, kl, p->k, p->kl) || vl != p->vl || (vl && memcmp(v, p->v, vl))) {
		s->why = "scan returned another pair";
		return 1;
	}
	return 0;
}

static void same(al_map *map, const model *m, long step)
{
	const char *why = al_map_check(map, NULL);
	if (why)
		fail_msg("step %ld: structure: %s", step, why);
	if (al_map_count(map) != m->n)
		fail_msg("step %ld: %zu keys, model %zu", step, al_map_count(map), m->n);
	scan_cmp s = {m, 0, m->n, NULL};
	int rc = al_map_scan(map, NULL, 0, NULL, 0, scan_cb, &s);
	if (rc || s.why || s.i != m->n)
		fail_msg("step %ld: full scan: %s (%zu of %zu)", step, s.why ? s.why : "short", s.i,
		         m->n);
}

static void check_get(al_map *map, const model *m, const pair *p, long step)
{
	const void *v;
	size_t vl;
	int found;
	size_t i = m_find(m, p->k, p->kl, &found);
	int rc = al_map_get(map, p->k, p->kl, &v, &vl);
	if (!found) {
		if (rc != AUTOLIC_ENOTFOUND)
			fail_msg("step %ld: get found a deleted key", step);
		return;
	}
	if (rc || vl != m->v[i].vl || (vl && memcmp(v, m->v[i].v, vl)))
		fail_msg("step %ld: get returned another value", step);
}

static void check_range(al_map *map, const model *m, long step)
{
	pair a, b;
	some_key(m, &a);
	some_key(m, &b);
	if (kcmp(a.k, a.kl, b.k, b.kl) > 0) {
		pair t = a;
		a = b;
		b = t;
	}
	int found;
	size_t from = m_find(m, a.k, a.kl, &found);
	int open_end = below(4) == 0;
	size_t to = open_end ? m->n : m_find(m, b.k, b.kl, &found);
	scan_cmp s = {m, from, to, NULL};
	int rc = al_map_scan(map, a.k, a.kl, open_end ? NULL : b.k, b.kl, scan_cb, &s);
	if (rc || s.why || s.i != to)
		fail_msg("step %ld: range scan: %s", step, s.why ? s.why : "short");
	/* a callback's stop value comes back */
	if (m->n > from + 1) {
		scan_cmp one = {m, from, from + 1, NULL};
		rc = al_map_scan(map, a.k, a.kl, NULL, 0, scan_cb, &one);
		if (rc != 1 || one.i != from + 1)
			fail_msg("step %ld: scan did not stop", step);
	}
}

/* ---- the random walk ---- */

static void run(uint64_t seed, long steps, unsigned max_keys)
{
	rng = seed;
	seqno = 0;
	t_alloc ta = {0};
	autolic_allocator a = t_alloc_make(&ta);
	al_map *map;
	assert_int_equal(al_map_new(&map, &a), 0);
	model m = {0}, at_begin = {0}, saves[8] = {{0}};
	int in_txn = 0, nsaves = 0;
	long failed = 0, rollbacks = 0;
	size_t max_depth = 0;
	for (long step = 0; step < steps; step++) {
		unsigned op = below(100);
		pair p;
		if (op >= 90 && m.n < max_keys * 3 / 4)
			op = 0; /* bursts of deletes once the map is big enough */
		if (op < 55) {
			/* put, now and then with an allocation failing */
			random_key(&p);
			if (m.n >= max_keys)
				some_key(&m, &p);
			if (m.n && below(3) == 0) {
				/* a new value of the same length: overwritten in place */
				p = m.v[below((unsigned)m.n)];
				for (size_t i = 0; i < p.vl; i++)
					p.v[i] = (unsigned char)next();
			}
			int fail = below(8) == 0;
			if (fail) {
				ta.fail_at = ta.count + 1 + below(3);
				ta.persistent = below(2);
			}
			int rc = al_map_put(map, p.k, p.kl, p.v, p.vl);
			ta.fail_at = 0;
			if (rc == AUTOLIC_ENOMEM && fail)
				failed++;
			else if (rc)
				fail_msg("step %ld: put: %d", step, rc);
			else
				m_put(&m, &p);
		} else if (op < 68) {
			some_key(&m, &p);
			int fail = below(8) == 0;
			if (fail) {
				ta.fail_at = ta.count + 1;
				ta.persistent = 1;
			}
			int rc = al_map_del(map, p.k, p.kl);
			ta.fail_at = 0;
			int found;
			m_find(&m, p.k, p.kl, &found);
			if (rc == AUTOLIC_ENOMEM && fail && found) {
				failed++;
			} else if (found ? rc != 0 : rc != AUTOLIC_ENOTFOUND) {
				fail_msg("step %ld: del: %d (present %d)", step, rc, found);
			} else {
				m_del(&m, p.k, p.kl);
			}
		} else if (op < 76) {
			some_key(&m, &p);
			check_get(map, &m, &p, step);
		} else if (op < 80) {
			check_range(map, &m, step);
		} else if (op < 85) {
			/* begin, or commit, or roll back */
			if (!in_txn) {
				al_map_txn_begin(map);
				m_copy(&at_begin, &m);
				in_txn = 1;
				nsaves = 0;
			} else {
				long before = ta.count;
				ta.fail_at = ta.count + 1; /* rollback and commit never allocate */
				ta.persistent = 1;
				if (below(2)) {
					al_map_txn_commit(map);
				} else {
					al_map_txn_rollback(map);
					m_copy(&m, &at_begin);
					rollbacks++;
				}
				ta.fail_at = 0;
				if (ta.count != before)
					fail_msg("step %ld: commit or rollback allocated", step);
				in_txn = 0;
			}
		} else if (op < 90) {
			/* savepoints */
			if (!in_txn) {
				assert_int_equal(al_map_savepoint(map), AUTOLIC_ESTATE);
				assert_int_equal(al_map_rollback_to(map), AUTOLIC_ESTATE);
			} else if (nsaves < 8 && below(2)) {
				assert_int_equal(al_map_savepoint(map), 0);
				m_copy(&saves[nsaves++], &m);
			} else if (nsaves) {
				long before = ta.count;
				if (below(2)) {
					assert_int_equal(al_map_rollback_to(map), 0);
					m_copy(&m, &saves[--nsaves]);
					rollbacks++;
				} else {
					assert_int_equal(al_map_release(map), 0);
					nsaves--;
				}
				if (ta.count != before)
					fail_msg("step %ld: savepoint rollback allocated", step);
			}
		} else {
			/* a burst of deletes: leaves empty out */
			for (int j = 0; j < 40 && m.n; j++) {
				p = m.v[below((unsigned)m.n)];
				assert_int_equal(al_map_del(map, p.k, p.kl), 0);
				m_del(&m, p.k, p.kl);
			}
		}
		if (m.n < 200 || (m.n < 2000 && step % 16 == 0) || step % 1024 == 0) {
			same(map, &m, step);
			size_t d = 0;
			assert_null(al_map_check(map, &d));
			if (d > max_depth)
				max_depth = d;
		}
	}
	if (in_txn)
		al_map_txn_commit(map);
	same(map, &m, steps);
	print_message("seed %llu: %ld steps, %zu keys, depth up to %zu, %ld failed changes, %ld "
	              "rollbacks\n",
	              (unsigned long long)seed, steps, m.n, max_depth, failed, rollbacks);
	assert_true(failed > 0 && rollbacks > 0);
	al_map_free(map);
	assert_int_equal(ta.live, 0);
	free(m.v);
	free(at_begin.v);
	for (int i = 0; i < 8; i++)
		free(saves[i].v);
	if (max_keys > 5000)
		assert_true(max_depth >= 3); /* inner nodes split too */
}

static void test_map_small(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 40; seed++)
		run(seed * 7919, 3000, 120);
}

static void test_map_large(void **state)
{
	(void)state;
	run(0x5eed, 50000, 20000);
}

/* Everything deleted, in a transaction that then commits: the tree shrinks
 * back to one empty leaf; rolled back, every key is back. */
static void test_map_empty_out(void **state)
{
	(void)state;
	t_alloc ta = {0};
	autolic_allocator a = t_alloc_make(&ta);
	al_map *map;
	assert_int_equal(al_map_new(&map, &a), 0);
	long empty_blocks = 0;
	unsigned char k[9] = {0x59};
	for (int round = 0; round < 2; round++) {
		for (uint32_t i = 0; i < 5000; i++) {
			k[5] = (unsigned char)(i >> 24);
			k[6] = (unsigned char)(i >> 16);
			k[7] = (unsigned char)(i >> 8);
			k[8] = (unsigned char)i;
			assert_int_equal(al_map_put(map, k, 9, "v", 1), 0);
		}
		size_t depth;
		assert_null(al_map_check(map, &depth));
		assert_true(depth >= 3);
		al_map_txn_begin(map);
		for (uint32_t i = 0; i < 5000; i++) {
			k[5] = (unsigned char)(i >> 24);
			k[6] = (unsigned char)(i >> 16);
			k[7] = (unsigned char)(i >> 8);
			k[8] = (unsigned char)i;
			assert_int_equal(al_map_del(map, k, 9), 0);
		}
		assert_int_equal(al_map_count(map), 0);
		if (round == 0) {
			al_map_txn_rollback(map);
			assert_int_equal(al_map_count(map), 5000);
			assert_null(al_map_check(map, NULL));
			for (uint32_t i = 0; i < 5000; i++) {
				k[5] = (unsigned char)(i >> 24);
				k[6] = (unsigned char)(i >> 16);
				k[7] = (unsigned char)(i >> 8);
				k[8] = (unsigned char)i;
				assert_int_equal(al_map_del(map, k, 9), 0);
			}
		} else {
			al_map_txn_commit(map);
		}
		assert_null(al_map_check(map, &depth));
		assert_int_equal(depth, 1);
		/* one empty leaf again, plus the undo log's array, which stays:
		 * every node and separator of the 5,000 keys was freed */
		if (round == 0)
			empty_blocks = ta.live;
		else
			assert_int_equal(ta.live, empty_blocks);
		assert_true(ta.live <= 3);
	}
	al_map_free(map);
	assert_int_equal(ta.live, 0);
}

/* The structure check itself: each kind of damage it looks for is made by
 * hand in a sound tree and named, then undone. */
static void test_map_check_catches(void **state)
{
	(void)state;
	t_alloc ta = {0};
	autolic_allocator a = t_alloc_make(&ta);
	al_map *map;
	assert_int_equal(al_map_new(&map, &a), 0);
	unsigned char k[4] = {0x10};
	for (uint32_t i = 0; i < 200; i++) {
		k[2] = (unsigned char)(i >> 8);
		k[3] = (unsigned char)i;
		assert_int_equal(al_map_put(map, k, 4, "v", 1), 0);
	}
	size_t depth;
	assert_null(al_map_check(map, &depth));
	assert_int_equal(depth, 2);
	node *root = map->root, *leaf = root->c[1];
	assert_true(leaf->n >= 2);

	ent *e0 = leaf->e[0];
	pfx p0 = leaf->p[0];
	leaf->e[0] = leaf->e[1];
	leaf->p[0] = leaf->p[1];
	assert_string_equal(al_map_check(map, NULL), "keys out of order in a node");
	leaf->p[0] = p0;
	assert_string_equal(al_map_check(map, NULL), "slot prefix differs from its key");
	leaf->e[0] = e0;

	ent *l0 = root->c[0]->e[0];
	root->c[0]->e[0] = leaf->e[leaf->n - 1];
	root->c[0]->p[0] = leaf->p[leaf->n - 1];
	assert_string_equal(al_map_check(map, NULL), "key above its node's range");
	root->c[0]->e[0] = l0;
	root->c[0]->p[0] = key_pfx(l0->data, l0->klen);

	leaf->parent = NULL;
	assert_string_equal(al_map_check(map, NULL), "child's parent pointer is wrong");
	leaf->parent = root;
	map->count++;
	assert_string_equal(al_map_check(map, NULL), "entry count differs");
	map->count--;
	map->payload++;
	assert_string_equal(al_map_check(map, NULL), "payload differs");
	map->payload--;
	assert_null(al_map_check(map, NULL));
	al_map_free(map);
	assert_int_equal(ta.live, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_map_small),
	    cmocka_unit_test(test_map_large),
	    cmocka_unit_test(test_map_empty_out),
	    cmocka_unit_test(test_map_check_catches),
	};
	return t_run_group("store/map", tests, NULL, NULL);
}
