/*
 * The memory store and the ordered map under it, beyond the storage
 * conformance suite: bad arguments and misuse of the vtable, sizes no node
 * can hold, every allocation of a transaction failing in turn (the store is
 * then exactly as before and still works, nothing leaks), and the map against
 * a simple model through random transactions, savepoints and rollbacks.
 */
#include "support.h"

#include "core/error.h"
#include "store/map.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *storage_msg(void)
{
	return al_err_take_storage();
}

static void t_bad_arguments(void **state)
{
	(void)state;
	autolic_storage st;
	assert_int_equal(autolic_store_memory_new(NULL, NULL), AUTOLIC_EINVAL);
	assert_non_null(strstr(autolic_errmsg(), "out is NULL"));
	t_alloc ta = {0};
	autolic_allocator al = t_alloc_make(&ta);
	autolic_allocator broken = al;
	broken.realloc_fn = NULL;
	assert_int_equal(autolic_store_memory_new(&st, &broken), AUTOLIC_EINVAL);
	assert_non_null(strstr(autolic_errmsg(), "allocator must set"));
	broken = al;
	broken.free_fn = NULL;
	assert_int_equal(autolic_store_memory_new(&st, &broken), AUTOLIC_EINVAL);
	broken = al;
	broken.malloc_fn = NULL;
	assert_int_equal(autolic_store_memory_new(&st, &broken), AUTOLIC_EINVAL);
	assert_int_equal(ta.count, 0);
	/* releasing a store that was never made is harmless */
	assert_int_equal(autolic_store_memory_new(&st, NULL), 0);
	st.free(NULL);
	st.free(st.ctx);
}

static void t_misuse_of_savepoints(void **state)
{
	(void)state;
	autolic_storage st;
	assert_int_equal(autolic_store_memory_new(&st, NULL), 0);
	/* a savepoint needs a transaction */
	assert_int_equal(st.savepoint(st.ctx), AUTOLIC_ESTATE);
	assert_non_null(strstr(storage_msg(), "cannot mark a savepoint"));
	assert_int_equal(st.begin(st.ctx, 1), 0);
	/* release and rollback_to need a savepoint */
	assert_int_equal(st.release(st.ctx), AUTOLIC_ESTATE);
	assert_int_equal(st.rollback_to(st.ctx), AUTOLIC_ESTATE);
	assert_int_equal(st.put(st.ctx, "a", 1, "1", 1), 0);
	assert_int_equal(st.savepoint(st.ctx), 0);
	assert_int_equal(st.put(st.ctx, "b", 1, "2", 1), 0);
	assert_int_equal(st.rollback_to(st.ctx), 0);
	assert_int_equal(st.rollback_to(st.ctx), AUTOLIC_ESTATE); /* used up */
	const void *v;
	size_t vl;
	assert_int_equal(st.get(st.ctx, "b", 1, &v, &vl), AUTOLIC_ENOTFOUND);
	assert_int_equal(st.get(st.ctx, "a", 1, &v, &vl), 0);
	assert_int_equal(st.commit(st.ctx), 0);
	st.free(st.ctx);
}

static void t_sizes_no_node_can_hold(void **state)
{
	(void)state;
	autolic_storage st;
	assert_int_equal(autolic_store_memory_new(&st, NULL), 0);
	assert_int_equal(st.begin(st.ctx, 1), 0);
	/* A key longer than 4 GiB: refused before its bytes are read. */
	assert_int_equal(st.put(st.ctx, "k", (size_t)UINT32_MAX + 1, "v", 1), AUTOLIC_EINVAL);
	assert_non_null(strstr(storage_msg(), "is too long"));
	/* A value whose size overflows the node's: refused, not a short
	 * allocation overrun by the copy. */
	assert_int_equal(st.put(st.ctx, "k", 1, "v", SIZE_MAX - 4), AUTOLIC_ENOMEM);
	assert_non_null(strstr(storage_msg(), "out of memory storing"));
	/* nothing was stored; the empty key is a key like any other */
	const void *v;
	size_t vl;
	assert_int_equal(st.get(st.ctx, "k", 1, &v, &vl), AUTOLIC_ENOTFOUND);
	assert_int_equal(st.put(st.ctx, "", 0, "empty", 5), 0);
	assert_int_equal(st.put(st.ctx, "\0", 1, "", 0), 0);
	assert_int_equal(st.get(st.ctx, "", 0, &v, &vl), 0);
	assert_int_equal(vl, 5);
	assert_memory_equal(v, "empty", 5);
	assert_int_equal(st.del(st.ctx, "", 0), 0);
	assert_int_equal(st.del(st.ctx, "", 0), AUTOLIC_ENOTFOUND);
	assert_int_equal(st.get(st.ctx, "\0", 1, &v, &vl), 0);
	assert_int_equal(vl, 0);
	assert_int_equal(st.commit(st.ctx), 0);
	st.free(st.ctx);
}

/* ---- allocation failures ---- */

static void t_create_out_of_memory(void **state)
{
	(void)state;
	for (int persistent = 0; persistent < 2; persistent++) {
		long n;
		for (n = 1;; n++) {
			t_alloc ta = {0};
			ta.fail_at = n;
			ta.persistent = persistent;
			autolic_allocator al = t_alloc_make(&ta);
			autolic_storage st;
			int rc = autolic_store_memory_new(&st, &al);
			if (!ta.fired) {
				assert_int_equal(rc, 0);
				st.free(st.ctx);
				assert_int_equal(ta.live, 0);
				break;
			}
			assert_int_equal(rc, AUTOLIC_ENOMEM);
			assert_non_null(
			    strstr(autolic_errmsg(), "out of memory creating the memory store"));
			assert_int_equal(ta.live, 0);
		}
		assert_true(n > 2); /* the store and its map */
	}
}

typedef struct kv {
	char k[16];
	size_t kl;
} kv;

static int dump_cb(const void *k, size_t kl, const void *v, size_t vl, void *arg)
{
	t_dump *d = arg;
	uint64_t l[2] = {kl, vl};
	d->p = realloc(d->p, d->len + sizeof l + kl + vl);
	assert_non_null(d->p);
	memcpy(d->p + d->len, l, sizeof l);
	memcpy(d->p + d->len + sizeof l, k, kl);
	memcpy(d->p + d->len + sizeof l + kl, v, vl);
	d->len += sizeof l + kl + vl;
	return 0;
}

static void dump(autolic_storage *st, t_dump *d)
{
	memset(d, 0, sizeof *d);
	assert_int_equal(st->begin(st->ctx, 0), 0);
	assert_int_equal(st->scan(st->ctx, "", 0, NULL, 0, dump_cb, d), 0);
	assert_int_equal(st->rollback(st->ctx), 0);
}

/* One transaction whose undo log (64 entries, then doubling) and savepoint
 * stack (8, then doubling) both have to grow, the log on a put and on a
 * delete: as N moves, the failing allocation lands on each. */
static int step_op(autolic_storage *st, int op, int i, int *failed_op)
{
	char k[16];
	int len = snprintf(k, sizeof k, "k%03d", i);
	*failed_op = op;
	if (op == 0)
		return st->put(st->ctx, k, (size_t)len, "value", 5);
	if (op == 1)
		return st->del(st->ctx, k, (size_t)len);
	return st->savepoint(st->ctx);
}

static int busy_txn(autolic_storage *st, int *failed_op)
{
	assert_int_equal(st->begin(st->ctx, 1), 0);
	int rc = 0;
	for (int i = 0; i < 64 && !rc; i++) { /* log entries 1..64 */
		rc = step_op(st, 0, i, failed_op);
		if (!rc && i % 6 == 0) /* 11 savepoints */
			rc = step_op(st, 2, i, failed_op);
	}
	if (!rc) /* entry 65: the log grows on a delete */
		rc = step_op(st, 1, 10, failed_op);
	for (int i = 0; i < 63 && !rc; i++) /* entries 66..128 */
		rc = step_op(st, 0, i, failed_op);
	if (!rc) /* entry 129: and again */
		rc = step_op(st, 1, 63, failed_op);
	if (!rc) {
		rc = step_op(st, 1, 999, failed_op);
		assert_int_equal(rc, AUTOLIC_ENOTFOUND);
		rc = 0;
	}
	if (rc)
		st->rollback(st->ctx);
	else
		assert_int_equal(st->commit(st->ctx), 0);
	return rc;
}

static void t_transaction_out_of_memory(void **state)
{
	(void)state;
	int seen[3] = {0, 0, 0};
	for (int persistent = 0; persistent < 2; persistent++) {
		long n;
		for (n = 1;; n++) {
			t_alloc ta = {0};
			autolic_allocator al = t_alloc_make(&ta);
			autolic_storage st;
			assert_int_equal(autolic_store_memory_new(&st, &al), 0);
			/* committed content to protect */
			assert_int_equal(st.begin(st.ctx, 1), 0);
			for (int i = 0; i < 100; i += 3) {
				char k[16];
				int len = snprintf(k, sizeof k, "k%03d", i);
				assert_int_equal(st.put(st.ctx, k, (size_t)len, "old", 3), 0);
			}
			assert_int_equal(st.commit(st.ctx), 0);
			t_dump before, after;
			dump(&st, &before);
			ta.fail_at = ta.count + n;
			ta.persistent = persistent;
			int op = -1;
			int rc = busy_txn(&st, &op);
			int fired = ta.fired > 0;
			ta.fail_at = 0;
			if (rc) {
				assert_true(fired);
				assert_int_equal(rc, AUTOLIC_ENOMEM);
				const char *m = storage_msg();
				const char *want[] = {"out of memory storing",
				                      "out of memory logging a delete",
				                      "cannot mark a savepoint"};
				if (!strstr(m, want[op]))
					fail_msg("N=%ld op %d: message \"%s\"", n, op, m);
				seen[op]++;
				dump(&st, &after);
				assert_true(t_dump_equal(&before, &after));
				t_dump_free(&after);
				/* the store still works */
				assert_int_equal(busy_txn(&st, &op), 0);
			}
			t_dump_free(&before);
			st.free(st.ctx);
			assert_int_equal(ta.live, 0);
			if (!fired)
				break;
		}
		print_message("memory store, allocations failing %s: %ld\n",
		              persistent ? "from then on" : "once", n - 1);
	}
	print_message("failures on puts %d, deletes %d, savepoints %d\n", seen[0], seen[1],
	              seen[2]);
	/* the failures landed on each kind of operation */
	assert_true(seen[0] > 0 && seen[1] > 0 && seen[2] > 0);
}

/* ---- the map against a model ---- */

/* Keys that are prefixes of one another, hold zero bytes, and the empty key. */
static const struct {
	const char *b;
	size_t n;
} KEYS[] = {
    {"", 0},     {"a", 1},        {"aa", 2},       {"aaa", 3},  {"ab", 2},   {"b", 1},
    {"ba", 2},   {"bab", 3},      {"\0", 1},       {"\0\0", 2}, {"a\0", 2},  {"a\0a", 3},
    {"\xff", 1}, {"\xff\xff", 2}, {"\xfe\xff", 2}, {"z", 1},    {"za", 2},   {"zz", 2},
    {"m", 1},    {"ma", 2},       {"mb", 2},       {"mab", 3},  {"\x01", 1}, {"\x7f\x80", 2},
};
#define MK ((int)(sizeof KEYS / sizeof *KEYS))

typedef struct model {
	int present[MK];
	unsigned val[MK];
} model;

static int model_find(const void *k, size_t kl)
{
	for (int i = 0; i < MK; i++)
		if (KEYS[i].n == kl && (kl == 0 || memcmp(KEYS[i].b, k, kl) == 0))
			return i;
	return -1;
}

typedef struct walk_state {
	const model *m;
	unsigned char last[8];
	size_t last_len;
	int first;
	size_t seen;
	int bad;
} walk_state;

static int walk_cb(const void *k, size_t kl, const void *v, size_t vl, void *arg)
{
	walk_state *w = arg;
	if (!w->first) {
		size_t n = kl < w->last_len ? kl : w->last_len;
		int c = n ? memcmp(w->last, k, n) : 0;
		if (c > 0 || (c == 0 && w->last_len >= kl))
			w->bad = 1; /* not strictly ascending */
	}
	w->first = 0;
	assert_true(kl <= sizeof w->last);
	if (kl)
		memcpy(w->last, k, kl);
	w->last_len = kl;
	int i = model_find(k, kl);
	unsigned x = 0;
	if (vl == sizeof x)
		memcpy(&x, v, sizeof x);
	if (i < 0 || !w->m->present[i] || vl != sizeof x || x != w->m->val[i])
		w->bad = 1;
	w->seen++;
	return 0;
}

static void check_map(al_map *m, const model *md)
{
	walk_state w = {md, {0}, 0, 1, 0, 0};
	assert_int_equal(al_map_scan(m, "", 0, NULL, 0, walk_cb, &w), 0);
	assert_false(w.bad);
	size_t n = 0, payload = 0;
	for (int i = 0; i < MK; i++) {
		if (md->present[i]) {
			n++;
			payload += KEYS[i].n + sizeof(unsigned);
		}
	}
	assert_int_equal(w.seen, n);
	assert_int_equal(al_map_count(m), n);
	assert_int_equal(al_map_payload(m), payload);
}

static void t_map_random_against_model(void **state)
{
	(void)state;
	al_map *m;
	assert_int_equal(al_map_new(&m, NULL), 0);
	model md, saved[16], committed;
	memset(&md, 0, sizeof md);
	committed = md;
	uint64_t rng = 0x5EED;
	int nsaves = 0, in_txn = 0;
	for (int step = 0; step < 20000; step++) {
		rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
		unsigned r = (unsigned)(rng >> 20);
		int i = (int)(r % MK);
		const char *k = KEYS[i].b;
		size_t kl = KEYS[i].n;
		switch (r / MK % 16) {
		case 0:
			if (!in_txn) {
				al_map_txn_begin(m);
				in_txn = 1;
				nsaves = 0;
				committed = md;
			}
			break;
		case 1:
			if (in_txn) {
				al_map_txn_commit(m);
				in_txn = 0;
				check_map(m, &md);
			}
			break;
		case 2:
			if (in_txn) {
				al_map_txn_rollback(m);
				in_txn = 0;
				md = committed;
				check_map(m, &md);
			}
			break;
		case 3:
			if (!in_txn) {
				assert_int_equal(al_map_savepoint(m), AUTOLIC_ESTATE);
			} else if (nsaves < 16) {
				assert_int_equal(al_map_savepoint(m), 0);
				saved[nsaves++] = md;
			}
			break;
		case 4:
			if (in_txn && nsaves) {
				assert_int_equal(al_map_rollback_to(m), 0);
				md = saved[--nsaves];
				check_map(m, &md);
			} else if (in_txn) {
				assert_int_equal(al_map_rollback_to(m), AUTOLIC_ESTATE);
			}
			break;
		case 5:
			if (in_txn && nsaves) {
				assert_int_equal(al_map_release(m), 0);
				nsaves--;
			} else if (in_txn) {
				assert_int_equal(al_map_release(m), AUTOLIC_ESTATE);
			}
			break;
		case 6:
		case 7:
		case 8: {
			int rc = al_map_del(m, k, kl);
			assert_int_equal(rc, md.present[i] ? 0 : AUTOLIC_ENOTFOUND);
			md.present[i] = 0;
			break;
		}
		default: {
			unsigned v = r;
			assert_int_equal(al_map_put(m, k, kl, &v, sizeof v), 0);
			md.present[i] = 1;
			md.val[i] = v;
		}
		}
		const void *v;
		size_t vl;
		int rc = al_map_get(m, k, kl, &v, &vl);
		assert_int_equal(rc, md.present[i] ? 0 : AUTOLIC_ENOTFOUND);
	}
	check_map(m, &md);
	/* no start bound is the same as the empty key */
	walk_state w = {&md, {0}, 0, 1, 0, 0};
	assert_int_equal(al_map_scan(m, NULL, 0, NULL, 0, walk_cb, &w), 0);
	assert_false(w.bad);
	assert_int_equal(w.seen, al_map_count(m));
	al_map_free(m); /* also drops an open transaction */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_bad_arguments),
	    cmocka_unit_test(t_misuse_of_savepoints),
	    cmocka_unit_test(t_sizes_no_node_can_hold),
	    cmocka_unit_test(t_create_out_of_memory),
	    cmocka_unit_test(t_transaction_out_of_memory),
	    cmocka_unit_test(t_map_random_against_model),
	};
	return t_run_group("store/memory", tests, NULL, NULL);
}
