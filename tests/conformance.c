/*
 * Storage conformance suite: checks a backend against the contract written
 * in include/autolic/sys/storage.h. Every backend in the tree runs it.
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct conf {
	const t_backend *b;
	autolic_storage st;
	int open;
} conf;

static const t_backend *current;

static int conf_setup(void **state)
{
	conf *c = calloc(1, sizeof(*c));
	c->b = current;
	if (c->b->reset)
		c->b->reset(c->b->ctx);
	if (c->b->open(&c->st, c->b->ctx) != 0) {
		free(c);
		return -1;
	}
	c->open = 1;
	*state = c;
	return 0;
}

static int conf_teardown(void **state)
{
	conf *c = *state;
	if (c->open && c->st.free)
		c->st.free(c->st.ctx);
	if (c->b->reset)
		c->b->reset(c->b->ctx);
	free(c);
	return 0;
}

#define S (&((conf *)*state)->st)

static void put(autolic_storage *st, const char *k, const char *v)
{
	assert_int_equal(st->put(st->ctx, k, strlen(k), v, strlen(v)), 0);
}

static void expect(autolic_storage *st, const char *k, const char *v)
{
	const void *p;
	size_t n;
	int rc = st->get(st->ctx, k, strlen(k), &p, &n);
	if (!v) {
		assert_int_equal(rc, AUTOLIC_ENOTFOUND);
		return;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(n, strlen(v));
	assert_memory_equal(p, v, n);
}

typedef struct {
	char keys[64][32];
	int n, stop_after;
} collect;

static int collect_cb(const void *k, size_t kl, const void *v, size_t vl, void *arg)
{
	(void)v;
	(void)vl;
	collect *c = arg;
	assert_true(kl < 32);
	memcpy(c->keys[c->n], k, kl);
	c->keys[c->n][kl] = 0;
	c->n++;
	if (c->stop_after && c->n == c->stop_after)
		return 7;
	return 0;
}

static void t_get_put_del(void **state)
{
	autolic_storage *st = S;
	assert_int_equal(st->begin(st->ctx, 1), 0);
	expect(st, "a", NULL);
	put(st, "a", "1");
	expect(st, "a", "1");
	put(st, "a", "22");
	expect(st, "a", "22");
	assert_int_equal(st->del(st->ctx, "a", 1), 0);
	expect(st, "a", NULL);
	assert_int_equal(st->del(st->ctx, "a", 1), AUTOLIC_ENOTFOUND);
	put(st, "b", "");
	expect(st, "b", "");
	assert_int_equal(st->commit(st->ctx), 0);
	assert_int_equal(st->begin(st->ctx, 0), 0);
	expect(st, "b", "");
	expect(st, "a", NULL);
	assert_int_equal(st->rollback(st->ctx), 0);
}

static void t_rollback(void **state)
{
	autolic_storage *st = S;
	assert_int_equal(st->begin(st->ctx, 1), 0);
	put(st, "keep", "v1");
	put(st, "gone", "v");
	assert_int_equal(st->commit(st->ctx), 0);
	t_dump before;
	t_dump_store(st, &before);
	assert_int_equal(st->begin(st->ctx, 1), 0);
	put(st, "keep", "v2");
	assert_int_equal(st->del(st->ctx, "gone", 4), 0);
	put(st, "new", "n");
	put(st, "new", "n2");
	assert_int_equal(st->del(st->ctx, "new", 3), 0);
	put(st, "new2", "x");
	assert_int_equal(st->rollback(st->ctx), 0);
	t_dump after;
	t_dump_store(st, &after);
	assert_true(t_dump_equal(&before, &after));
	t_dump_free(&before);
	t_dump_free(&after);
}

static void t_order_and_ranges(void **state)
{
	autolic_storage *st = S;
	const char *keys[] = {"b", "a", "ab", "abc", "\x01", "\x7f", "a\x01", "c"};
	assert_int_equal(st->begin(st->ctx, 1), 0);
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
		put(st, keys[i], "v");
	unsigned char hi[2] = {0xff, 0x00};
	assert_int_equal(st->put(st->ctx, hi, 2, "h", 1), 0);
	assert_int_equal(st->put(st->ctx, hi, 1, "h", 1), 0);
	assert_int_equal(st->commit(st->ctx), 0);

	assert_int_equal(st->begin(st->ctx, 0), 0);
	collect c = {0};
	assert_int_equal(st->scan(st->ctx, "", 0, NULL, 0, collect_cb, &c), 0);
	assert_int_equal(c.n, 10);
	const char *want[] = {"\x01", "a", "a\x01", "ab", "abc", "b", "c", "\x7f"};
	for (int i = 0; i < 8; i++)
		assert_string_equal(c.keys[i], want[i]);
	assert_int_equal((unsigned char)c.keys[8][0], 0xff); /* "\xff" before "\xff\x00" */
	assert_int_equal(strlen(c.keys[8]), 1);

	memset(&c, 0, sizeof c); /* [a, b) */
	assert_int_equal(st->scan(st->ctx, "a", 1, "b", 1, collect_cb, &c), 0);
	assert_int_equal(c.n, 4);
	assert_string_equal(c.keys[0], "a");
	assert_string_equal(c.keys[3], "abc");

	memset(&c, 0, sizeof c); /* start between keys, end equal to a key is excluded */
	assert_int_equal(st->scan(st->ctx, "a\x02", 2, "abc", 3, collect_cb, &c), 0);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.keys[0], "ab");

	memset(&c, 0, sizeof c); /* empty range */
	assert_int_equal(st->scan(st->ctx, "x", 1, "y", 1, collect_cb, &c), 0);
	assert_int_equal(c.n, 0);

	memset(&c, 0, sizeof c); /* early stop returns the callback's value */
	c.stop_after = 3;
	assert_int_equal(st->scan(st->ctx, "", 0, NULL, 0, collect_cb, &c), 7);
	assert_int_equal(c.n, 3);
	assert_int_equal(st->rollback(st->ctx), 0);
}

static void t_own_writes_visible(void **state)
{
	autolic_storage *st = S;
	assert_int_equal(st->begin(st->ctx, 1), 0);
	put(st, "k1", "a");
	put(st, "k2", "b");
	put(st, "k3", "c");
	assert_int_equal(st->commit(st->ctx), 0);
	assert_int_equal(st->begin(st->ctx, 1), 0);
	assert_int_equal(st->del(st->ctx, "k2", 2), 0);
	put(st, "k4", "d");
	collect c = {0};
	assert_int_equal(st->scan(st->ctx, "k", 1, "l", 1, collect_cb, &c), 0);
	assert_int_equal(c.n, 3);
	assert_string_equal(c.keys[0], "k1");
	assert_string_equal(c.keys[1], "k3");
	assert_string_equal(c.keys[2], "k4");
	assert_int_equal(st->rollback(st->ctx), 0);
}

static void t_binary_and_large(void **state)
{
	autolic_storage *st = S;
	size_t n = 1 << 20;
	unsigned char *big = malloc(n);
	for (size_t i = 0; i < n; i++)
		big[i] = (unsigned char)(i * 7 + 3);
	unsigned char key[5] = {0, 1, 0, 255, 0};
	assert_int_equal(st->begin(st->ctx, 1), 0);
	assert_int_equal(st->put(st->ctx, key, 5, big, n), 0);
	assert_int_equal(st->commit(st->ctx), 0);
	assert_int_equal(st->begin(st->ctx, 0), 0);
	const void *p;
	size_t l;
	assert_int_equal(st->get(st->ctx, key, 5, &p, &l), 0);
	assert_int_equal(l, n);
	assert_memory_equal(p, big, n);
	assert_int_equal(st->get(st->ctx, key, 4, &p, &l), AUTOLIC_ENOTFOUND);
	assert_int_equal(st->rollback(st->ctx), 0);
	free(big);
}

static void t_savepoints(void **state)
{
	autolic_storage *st = S;
	if (!st->savepoint) {
		assert_null(st->release);
		assert_null(st->rollback_to);
		skip();
	}
	assert_int_equal(st->begin(st->ctx, 1), 0);
	put(st, "x", "0");
	assert_int_equal(st->savepoint(st->ctx), 0);
	put(st, "x", "1");
	put(st, "y", "1");
	assert_int_equal(st->savepoint(st->ctx), 0);
	put(st, "x", "2");
	assert_int_equal(st->del(st->ctx, "y", 1), 0);
	assert_int_equal(st->rollback_to(st->ctx), 0);
	expect(st, "x", "1");
	expect(st, "y", "1");
	assert_int_equal(st->savepoint(st->ctx), 0);
	put(st, "z", "3");
	assert_int_equal(st->release(st->ctx), 0);
	assert_int_equal(st->rollback_to(st->ctx), 0);
	expect(st, "x", "0");
	expect(st, "y", NULL);
	expect(st, "z", NULL);
	put(st, "w", "4");
	assert_int_equal(st->commit(st->ctx), 0);
	assert_int_equal(st->begin(st->ctx, 0), 0);
	expect(st, "x", "0");
	expect(st, "w", "4");
	expect(st, "z", NULL);
	assert_int_equal(st->rollback(st->ctx), 0);
}

/* Random operations against a reference array, with commits and rollbacks. */
#define RK 512
typedef struct {
	int present[RK];
	unsigned val[RK];
} model;

static unsigned rnd(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

static void mkkey(char *b, int i)
{
	snprintf(b, 16, "r%04d", i);
}

static void check_model(autolic_storage *st, const model *m)
{
	char k[16], v[16];
	for (int i = 0; i < RK; i++) {
		mkkey(k, i);
		if (m->present[i]) {
			snprintf(v, sizeof v, "%u", m->val[i]);
			expect(st, k, v);
		} else {
			expect(st, k, NULL);
		}
	}
}

static void t_random_against_model(void **state)
{
	autolic_storage *st = S;
	model committed = {{0}, {0}}, work;
	unsigned seed = 12345;
	char k[16], v[16];
	for (int round = 0; round < 200; round++) {
		work = committed;
		assert_int_equal(st->begin(st->ctx, 1), 0);
		int ops = (int)(rnd(&seed) % 40);
		for (int j = 0; j < ops; j++) {
			int i = (int)(rnd(&seed) % RK);
			mkkey(k, i);
			if (rnd(&seed) % 3) {
				work.present[i] = 1;
				work.val[i] = rnd(&seed);
				snprintf(v, sizeof v, "%u", work.val[i]);
				put(st, k, v);
			} else {
				int rc = st->del(st->ctx, k, strlen(k));
				assert_int_equal(rc, work.present[i] ? 0 : AUTOLIC_ENOTFOUND);
				work.present[i] = 0;
			}
		}
		check_model(st, &work);
		if (rnd(&seed) % 4) {
			assert_int_equal(st->commit(st->ctx), 0);
			committed = work;
		} else {
			assert_int_equal(st->rollback(st->ctx), 0);
		}
	}
	assert_int_equal(st->begin(st->ctx, 0), 0);
	check_model(st, &committed);
	assert_int_equal(st->rollback(st->ctx), 0);
}

static void t_durable_reopen(void **state)
{
	conf *c = *state;
	if (!c->b->durable)
		skip();
	autolic_storage *st = &c->st;
	assert_int_equal(st->begin(st->ctx, 1), 0);
	put(st, "stay", "1");
	assert_int_equal(st->commit(st->ctx), 0);
	assert_int_equal(st->begin(st->ctx, 1), 0);
	put(st, "lost", "1");
	assert_int_equal(st->rollback(st->ctx), 0);
	t_dump before;
	t_dump_store(st, &before);
	st->free(st->ctx);
	c->open = 0;
	assert_int_equal(c->b->open(&c->st, c->b->ctx), 0);
	c->open = 1;
	t_dump after;
	t_dump_store(&c->st, &after);
	assert_true(t_dump_equal(&before, &after));
	t_dump_free(&before);
	t_dump_free(&after);
}

int t_conformance_run(const t_backend *b)
{
	current = b;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(t_get_put_del, conf_setup, conf_teardown),
	    cmocka_unit_test_setup_teardown(t_rollback, conf_setup, conf_teardown),
	    cmocka_unit_test_setup_teardown(t_order_and_ranges, conf_setup, conf_teardown),
	    cmocka_unit_test_setup_teardown(t_own_writes_visible, conf_setup, conf_teardown),
	    cmocka_unit_test_setup_teardown(t_binary_and_large, conf_setup, conf_teardown),
	    cmocka_unit_test_setup_teardown(t_savepoints, conf_setup, conf_teardown),
	    cmocka_unit_test_setup_teardown(t_random_against_model, conf_setup, conf_teardown),
	    cmocka_unit_test_setup_teardown(t_durable_reopen, conf_setup, conf_teardown),
	};
	return t_run_group(b->name, tests, NULL, NULL);
}
