/*
 * SEAM-1: one product identity. A product code names one product in
 * contracts, seats and Flex alike: codes compare case-insensitively and are
 * stored (and returned) in lower case, with one alphabet and one maximum.
 * A store written by 1.0, which kept codes as given, is read as if
 * normalised: the first writable open upgrades it (docs/record-format.md).
 */
#include "flex_fixture.h"
#include "t_roles.h"
#include "core/codec.h"
#include "core/keys.h"
#include "core/product.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

_Static_assert(AUTOLIC_SEAT_PRODUCT_MAX == AUTOLIC_PRODUCT_MAX, "one maximum (SEAM-1)");
_Static_assert(AUTOLIC_FLEX_PRODUCT_MAX == AUTOLIC_PRODUCT_MAX, "one maximum (SEAM-1)");

#define T0 1767225600 /* 2026-01-01T00:00:00Z */

static autolic_id buy(autolic_db *db, autolic_id admin, const char *const *codes,
                      const int64_t *qty, size_t n)
{
	return seat_contract(db, admin, 0, codes, qty, n, 1, INT64_MAX / 2);
}

/* FLEX-6 across case: a seat of `AutoCAD` makes a Flex launch free. */
static void test_seat_makes_flex_free_across_case(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	fx_buy(&x, 100, T0);
	fx_product(&x, "AutoCAD", 7); /* the catalogue's "autocad", rate now 7 */
	const char *code = "AutoCAD";
	int64_t one = 1;
	autolic_id c = buy(x.db, x.admin, &code, &one, 1);
	fx_check("grant", autolic_seat_grant(x.db, x.admin, c, "AutoCAD", x.user), 0);
	autolic_flex_result r;
	fx_check("launch", fx_launch(&x, "AutoCAD", T0 + HOUR, &r), 0);
	assert_int_equal(r.reason, AUTOLIC_FLEX_REASON_SEAT);
	assert_int_equal(r.charged, 0);
	/* and a launch spelled otherwise, in a later window */
	fx_check("launch", fx_launch(&x, "autocad", T0 + 2 * DAY, &r), 0);
	assert_int_equal(r.reason, AUTOLIC_FLEX_REASON_SEAT);
	assert_int_equal(r.charged, 0);
	assert_int_equal(fx_balance(&x), 100);
	fx_check("flex_check", autolic_flex_check(x.db, x.team), 0);
	fx_close(&x);
}

/* ROLE-1 with SEAM-1: one contract cannot list `AutoCAD` and `autocad`. */
static void test_contract_refuses_codes_differing_by_case(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	autolic_contract_product_spec ps[2] = {AUTOLIC_CONTRACT_PRODUCT_SPEC_INIT,
	                                       AUTOLIC_CONTRACT_PRODUCT_SPEC_INIT};
	ps[0].product = "AutoCAD";
	ps[0].quantity = 2;
	ps[1].product = "autocad";
	ps[1].quantity = 3;
	autolic_contract_spec cs = AUTOLIC_CONTRACT_SPEC_INIT;
	cs.products = ps;
	cs.nproducts = 2;
	cs.start = 1;
	cs.end = INT64_MAX / 2;
	t_dump before, after;
	t_dump_store(&x.f.inner, &before);
	autolic_id id = 0;
	T_FAILS(AUTOLIC_EINVAL, "SEAM-1", autolic_contract_buy(x.db, x.admin, &cs, &id));
	T_FAILS(AUTOLIC_EINVAL, "ROLE-1", autolic_contract_buy(x.db, x.admin, &cs, &id));
	T_FAILS(AUTOLIC_EINVAL, "'autocad' is listed twice",
	        autolic_contract_buy(x.db, x.admin, &cs, &id));
	t_dump_store(&x.f.inner, &after);
	assert_true(t_dump_equal(&before, &after));
	t_dump_free(&before);
	t_dump_free(&after);
	fx_close(&x);
}

/* Every contract call takes any spelling and returns the lower-case code. */
static void test_contract_codes_stored_lower(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	const char *codes[] = {"AutoCAD", "Revit"};
	int64_t qty[] = {3, 2};
	autolic_id c = buy(x.db, x.admin, codes, qty, 2);
	autolic_contract_product_info pi = {.version = AUTOLIC_CONTRACT_PRODUCT_INFO_VERSION};
	fx_check("product_get", autolic_contract_product_get(x.db, x.admin, c, "AUTOCAD", &pi), 0);
	assert_string_equal(pi.product, "autocad");
	assert_int_equal(pi.quantity, 3);
	fx_check("download", autolic_contract_download_check(x.db, x.admin, c, "aUtOcAd"), 0);
	fx_check("offer", autolic_contract_update_offer(x.db, x.admin, c, "REVIT", "SP1", 1), 0);
	fx_check("update", autolic_contract_update_check(x.db, x.admin, c, "revit", "SP1"), 0);
	fx_check("notify", autolic_contract_download_notify(x.db, c, "Revit", "SP1"), 0);
	uint32_t revoked = 9;
	fx_check("quantity",
	         autolic_contract_set_quantity(x.db, x.admin, c, "AutoCad", 1, &revoked), 0);
	assert_int_equal(revoked, 0);
	fx_check("product_get", autolic_contract_product_get(x.db, x.admin, c, "autocad", &pi), 0);
	assert_int_equal(pi.quantity, 1);
	autolic_seat_summary_iter *it;
	fx_check("summary", autolic_seat_contract_summary(x.db, c, &it), 0);
	autolic_seat_summary s = {.version = AUTOLIC_SEAT_SUMMARY_VERSION};
	int n = 0;
	while (autolic_seat_summary_iter_next(it, &s) == 0) {
		assert_true(!strcmp(s.product, "autocad") || !strcmp(s.product, "revit"));
		n++;
	}
	assert_int_equal(n, 2);
	autolic_seat_summary_iter_free(it);
	fx_close(&x);
}

/* SEAT-1 with SEAM-1: a user cannot hold a seat of `AutoCAD` and one of
 * `autocad`, on one contract or on two. */
static void test_one_seat_per_product_across_case(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	const char *upper = "AutoCAD", *lower = "autocad";
	int64_t two = 2;
	autolic_id c1 = buy(x.db, x.admin, &upper, &two, 1);
	autolic_id c2 = buy(x.db, x.admin, &lower, &two, 1);
	fx_check("grant", autolic_seat_grant(x.db, x.admin, c1, "AutoCAD", x.user), 0);
	/* the same seat, spelled otherwise: SEAT-1 sees it held */
	T_FAILS(AUTOLIC_EEXISTS, "SEAT-1",
	        autolic_seat_grant(x.db, x.admin, c1, "autocad", x.user));
	/* the same product on another active contract */
	T_FAILS(AUTOLIC_EEXISTS, "SEAT-1",
	        autolic_seat_grant(x.db, x.admin, c2, "AUTOCAD", x.user));
	T_FAILS(AUTOLIC_EEXISTS, "SEAT-1",
	        autolic_seat_grant(x.db, x.admin, c2, "autocad", x.user));
	const char *both[] = {"AutoCAD", "autocad"};
	T_FAILS(AUTOLIC_EINVAL, "SEAM-1",
	        autolic_seat_set_access(x.db, x.admin, c1, x.user, both, 2, NULL));
	autolic_seat_summary sm = {.version = AUTOLIC_SEAT_SUMMARY_VERSION};
	fx_check("summary", autolic_seat_summary_get(x.db, c1, "AUTOCAD", &sm), 0);
	assert_string_equal(sm.product, "autocad");
	assert_int_equal(sm.granted, 1);
	autolic_seat_iter *it;
	fx_check("user_products", autolic_seat_user_products(x.db, x.user, &it), 0);
	autolic_seat_entry e = {.version = AUTOLIC_SEAT_ENTRY_VERSION};
	fx_check("next", autolic_seat_iter_next(it, &e), 0);
	assert_string_equal(e.product, "autocad");
	assert_int_equal(e.contract, c1);
	assert_int_equal(autolic_seat_iter_next(it, &e), AUTOLIC_ITEROVER);
	autolic_seat_iter_free(it);
	fx_check("product_users", autolic_seat_product_users(x.db, c1, "AutoCad", &it), 0);
	fx_check("next", autolic_seat_iter_next(it, &e), 0);
	assert_int_equal(e.user, x.user);
	autolic_seat_iter_free(it);
	/* set_access keeps the seat whatever the spelling, revoke frees it */
	const char *one[] = {"AUTOCAD"};
	autolic_seat_report *rep = NULL;
	fx_check("set_access", autolic_seat_set_access(x.db, x.admin, c1, x.user, one, 1, &rep), 0);
	autolic_seat_result res = {.version = AUTOLIC_SEAT_RESULT_VERSION};
	fx_check("report", autolic_seat_report_get(rep, 0, &res), 0);
	assert_int_equal(res.action, AUTOLIC_SEAT_KEEP);
	assert_string_equal(res.product, "autocad");
	autolic_seat_report_free(rep);
	fx_check("revoke", autolic_seat_revoke(x.db, x.admin, c1, "Autocad", x.user), 0);
	fx_check("grant", autolic_seat_grant(x.db, x.admin, c2, "AutoCAD", x.user), 0);
	const char *users_products[] = {"REVIT"};
	autolic_id users[] = {x.user};
	T_FAILS(AUTOLIC_ENOTFOUND, "revit",
	        autolic_seat_import(x.db, x.admin, c2, users, users_products, 1, NULL));
	fx_close(&x);
}

/* The Flex catalogue, user lists, defaults and trials by any spelling. */
static void test_flex_codes_by_any_case(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	fx_buy(&x, 100, T0);
	fx_product(&x, "NavisWorks", 5);
	autolic_flex_product_info pi = {.version = AUTOLIC_FLEX_PRODUCT_INFO_VERSION};
	fx_check("product_get", autolic_flex_product_get(x.db, "NAVISWORKS", &pi), 0);
	assert_string_equal(pi.code, "navisworks");
	autolic_id u2 = t_register(x.db, "u2@example.com", "U", "Two");
	autolic_flex_user_spec us = AUTOLIC_FLEX_USER_SPEC_INIT;
	const char *list[] = {"NavisWorks", "REVIT"};
	us.account = u2;
	us.products = list;
	us.n_products = 2;
	us.by_import = 1;
	fx_check("assign", autolic_flex_user_assign(x.db, x.admin, x.team, &us, NULL), 0);
	int ok = 0;
	fx_check("allowed", autolic_flex_user_allowed(x.db, x.team, u2, "navisworks", &ok), 0);
	assert_int_equal(ok, 1);
	fx_check("allowed", autolic_flex_user_allowed(x.db, x.team, u2, "Maya", &ok), 0);
	assert_int_equal(ok, 0);
	const char *dup[] = {"Revit", "REVIT"};
	T_FAILS(AUTOLIC_EINVAL, "SEAM-1", autolic_flex_defaults_set(x.db, x.admin, x.team, dup, 2));
	const char *defaults[] = {"MAYA"};
	fx_check("defaults", autolic_flex_defaults_set(x.db, x.admin, x.team, defaults, 1), 0);
	fx_check("allowed", autolic_flex_user_allowed(x.db, x.team, u2, "maya", &ok), 0);
	assert_int_equal(ok, 1);
	fx_check("trial", autolic_flex_trial_add(x.db, x.user, x.user, "Maya", T0, T0 + 10 * DAY),
	         0);
	autolic_flex_result r;
	fx_check("launch", fx_launch(&x, "mAyA", T0 + HOUR, &r), 0);
	assert_int_equal(r.reason, AUTOLIC_FLEX_REASON_TRIAL);
	assert_int_equal(r.charged, 0);
	fx_check("flex_check", autolic_flex_check(x.db, x.team), 0);
	fx_close(&x);
}

/* One alphabet and one maximum: every noun takes a 63-byte code, refuses a
 * 64-byte one and a byte outside the alphabet, each naming its rule and
 * SEAM-1. */
static void test_one_alphabet_one_maximum(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	char max[AUTOLIC_PRODUCT_MAX + 1], over[AUTOLIC_PRODUCT_MAX + 2];
	memset(max, 'P', sizeof max - 1);
	max[sizeof max - 1] = 0;
	memset(over, 'p', sizeof over - 1);
	over[sizeof over - 1] = 0;
	const char *code = max;
	int64_t one = 1;
	autolic_id c = buy(x.db, x.admin, &code, &one, 1);
	fx_check("grant", autolic_seat_grant(x.db, x.admin, c, max, x.user), 0);
	fx_product(&x, max, 3);
	autolic_seat_iter *it;
	fx_check("user_products", autolic_seat_user_products(x.db, x.user, &it), 0);
	autolic_seat_entry e = {.version = AUTOLIC_SEAT_ENTRY_VERSION};
	fx_check("next", autolic_seat_iter_next(it, &e), 0);
	assert_int_equal(strlen(e.product), AUTOLIC_PRODUCT_MAX);
	assert_int_equal(e.product[0], 'p');
	autolic_seat_iter_free(it);
	autolic_flex_result r;
	fx_check("launch", fx_launch(&x, max, T0 + HOUR, &r), 0);
	assert_int_equal(r.reason, AUTOLIC_FLEX_REASON_SEAT);
	autolic_contract_product_info pi = {.version = AUTOLIC_CONTRACT_PRODUCT_INFO_VERSION};
	autolic_flex_product_info fi = {.version = AUTOLIC_FLEX_PRODUCT_INFO_VERSION};
	const char *bad[] = {over, "auto cad", "auto+cad", "", NULL};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *b = bad[i];
		T_FAILS(AUTOLIC_EINVAL, "ROLE-6 (SEAM-1)",
		        autolic_contract_product_get(x.db, x.admin, c, b, &pi));
		T_FAILS(AUTOLIC_EINVAL, "SEAT-1 (SEAM-1)",
		        autolic_seat_grant(x.db, x.admin, c, b, x.user));
		T_FAILS(AUTOLIC_EINVAL, "FLEX-3 (SEAM-1)", autolic_flex_product_get(x.db, b, &fi));
		T_FAILS(AUTOLIC_EINVAL, "FLEX-6 (SEAM-1)",
		        autolic_flex_trial_add(x.db, x.user, x.user, b, T0, T0 + DAY));
	}
	T_FAILS(AUTOLIC_EINVAL, "longer", autolic_seat_grant(x.db, x.admin, c, over, x.user));
	T_FAILS(AUTOLIC_EINVAL, "byte 5 is 0x2b",
	        autolic_seat_grant(x.db, x.admin, c, "auto+cad", x.user));
	fx_close(&x);
}

/* The check the upgrade uses to find codes stored before SEAM-1 says yes
 * exactly to what the normaliser writes: every byte value at the end of
 * codes of every length from the empty one to one byte over the maximum,
 * and it reads only the `n` bytes it is given. */
static void test_normalised_code_check(void **state)
{
	(void)state;
	char s[AUTOLIC_PRODUCT_MAX + 2], out[AL_PRODUCT_CAP];
	for (size_t n = 0; n <= AUTOLIC_PRODUCT_MAX + 1; n++) {
		for (int c = 1; c < 256; c++) {
			memset(s, 'a', n);
			if (n)
				s[n - 1] = (char)c;
			s[n] = 0;
			int want = al_product_norm(s, out, "SEAT-1", "product") == 0 &&
			           strcmp(out, s) == 0;
			if (al_product_is_norm(s, n) != want)
				fail_msg("'%s' (%zu bytes): al_product_is_norm says %d", s, n,
				         !want);
		}
	}
	assert_true(al_product_is_norm("cad-2.x_9", 9));
	assert_false(al_product_is_norm("Cad", 3));
	assert_false(al_product_is_norm("", 0));
	memset(s, 'p', sizeof s); /* no terminator */
	assert_true(al_product_is_norm(s, AUTOLIC_PRODUCT_MAX));
	assert_false(al_product_is_norm(s, AUTOLIC_PRODUCT_MAX + 1));
	s[3] = 'P';
	assert_true(al_product_is_norm(s, 3));
	assert_false(al_product_is_norm(s, 4));
}

/* ---- stores written by 1.0 ---- */

/* A store a test can reopen: the memory store outlives the handles. */
typedef struct legacy {
	autolic_storage mem;    /* owns the data */
	autolic_storage shared; /* mem without its free slot, for the handles */
	t_clock clock;
	t_events ev;
} legacy;

static autolic_db *legacy_open(legacy *l, const autolic_storage *st, const autolic_allocator *a,
                               int *rc)
{
	return t_open_on(st ? st : &l->shared, &l->clock, &l->ev, a, rc);
}

typedef struct kv {
	unsigned char *k, *v;
	size_t kl, vl;
} kv;

typedef struct kvs {
	kv *v;
	size_t n;
	const char *needle;
} kvs;

static int has(const void *p, size_t n, const char *needle)
{
	return memmem(p, n, needle, strlen(needle)) != NULL;
}

static int collect_cb(const void *key, size_t kl, const void *val, size_t vl, void *arg)
{
	kvs *c = arg;
	if (c->needle && !has(key, kl, c->needle) && !has(val, vl, c->needle))
		return 0;
	c->v = realloc(c->v, (c->n + 1) * sizeof(*c->v));
	kv *e = &c->v[c->n++];
	e->k = malloc(kl + 1);
	e->v = malloc(vl + 1);
	memcpy(e->k, key, kl);
	memcpy(e->v, val, vl);
	e->kl = kl;
	e->vl = vl;
	return 0;
}

static void kvs_free(kvs *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].k);
		free(c->v[i].v);
	}
	free(c->v);
}

static void respell(unsigned char *p, size_t n, const char *from, const char *to)
{
	size_t l = strlen(from);
	for (unsigned char *q = p; (q = memmem(q, n - (size_t)(q - p), from, l)) != NULL; q += l)
		memcpy(q, to, l);
}

/* Make the store what a 1.0 library would have written had it been given
 * `code` where this library was given `stand_in` (same length): 1.0 kept a
 * product code as given in contract product, serial, offer and seat keys
 * and records. */
static void legacy_respell(autolic_storage *st, const char *stand_in, const char *code)
{
	assert_int_equal(strlen(stand_in), strlen(code));
	kvs c = {NULL, 0, stand_in};
	assert_int_equal(st->begin(st->ctx, 1), 0);
	assert_int_equal(st->scan(st->ctx, "", 0, NULL, 0, collect_cb, &c), 0);
	assert_true(c.n > 0);
	for (size_t i = 0; i < c.n; i++) {
		kv *e = &c.v[i];
		assert_int_equal(st->del(st->ctx, e->k, e->kl), 0);
		respell(e->k, e->kl, stand_in, code);
		respell(e->v, e->vl, stand_in, code);
		assert_int_equal(st->put(st->ctx, e->k, e->kl, e->v, e->vl), 0);
	}
	assert_int_equal(st->commit(st->ctx), 0);
	kvs_free(&c);
}

/* Delete every record whose key prefix is in [from, to). */
static void legacy_drop(autolic_storage *st, unsigned char from, unsigned char to)
{
	kvs c = {NULL, 0, NULL};
	assert_int_equal(st->begin(st->ctx, 1), 0);
	assert_int_equal(st->scan(st->ctx, &from, 1, &to, 1, collect_cb, &c), 0);
	for (size_t i = 0; i < c.n; i++)
		assert_int_equal(st->del(st->ctx, c.v[i].k, c.v[i].kl), 0);
	assert_int_equal(st->commit(st->ctx), 0);
	kvs_free(&c);
}

/* The number of stored records whose key or value holds `needle`. */
static size_t stored_with(autolic_storage *st, const char *needle)
{
	kvs c = {NULL, 0, needle};
	assert_int_equal(st->begin(st->ctx, 0), 0);
	assert_int_equal(st->scan(st->ctx, "", 0, NULL, 0, collect_cb, &c), 0);
	assert_int_equal(st->rollback(st->ctx), 0);
	size_t n = c.n;
	kvs_free(&c);
	return n;
}

/* The product the serial index names for `serial`. */
static void serial_product(autolic_storage *st, const char *serial, autolic_id *contract,
                           char *product)
{
	al_key k;
	al_key_init(&k, AL_K_SERIAL);
	al_key_str(&k, serial);
	const void *v;
	size_t vl;
	assert_int_equal(st->begin(st->ctx, 0), 0);
	assert_int_equal(st->get(st->ctx, k.b, k.len, &v, &vl), 0);
	al_rd r;
	assert_int_equal(al_rec_open(&r, v, vl, AL_K_SERIAL), 0);
	*contract = al_dec_u64(&r);
	al_dec_str(&r, product, AUTOLIC_PRODUCT_MAX + 1);
	assert_int_equal(al_rd_done(&r), 0);
	assert_int_equal(st->rollback(st->ctx), 0);
}

typedef struct legacy_ids {
	autolic_id admin, team, u1, u2, u3, u4, u5, c1, c2;
	char serial_upper[AUTOLIC_SERIAL_MAX + 1], serial_lower[AUTOLIC_SERIAL_MAX + 1];
	autolic_time u1_upper_at;
} legacy_ids;

/*
 * Build, as 1.0 would have, a store where contract c1 lists `AutoCAD` (2
 * seats) and `autocad` (3 seats) and `Revit` (1 seat): u1 holds a seat of
 * `AutoCAD` (granted first) and one of `autocad`, u2 one of `AutoCAD`, u3
 * one of `autocad`, u4 one of `Revit`; `AutoCAD` update SP1 is offered.
 * Contract c2 lists `AutoCAD` alone, u5 holds its seat. Flex lists `autocad`.
 * This library refuses these spellings, so the store is written with
 * stand-ins of the same length, then respelled in place.
 */
static void legacy_build(legacy *l, legacy_ids *ids)
{
	memset(l, 0, sizeof(*l));
	l->clock.now = T0;
	assert_int_equal(autolic_store_memory_new(&l->mem, NULL), 0);
	l->shared = l->mem;
	l->shared.free = NULL;
	int rc;
	autolic_db *db = legacy_open(l, NULL, NULL, &rc);
	assert_int_equal(rc, 0);
	ids->admin = t_register(db, "admin@example.com", "Ada", "Admin");
	ids->u1 = t_register(db, "u1@example.com", "U", "One");
	ids->u2 = t_register(db, "u2@example.com", "U", "Two");
	ids->u3 = t_register(db, "u3@example.com", "U", "Three");
	ids->u4 = t_register(db, "u4@example.com", "U", "Four");
	ids->u5 = t_register(db, "u5@example.com", "U", "Five");
	ids->team = fx_team(db, ids->admin);
	const char *codes[] = {"qqqqqqq", "autocad", "rrrrr"};
	int64_t qty[] = {2, 3, 1};
	ids->c1 = buy(db, ids->admin, codes, qty, 3);
	ids->c2 = buy(db, ids->admin, codes, qty, 1);
	assert_int_equal(autolic_seat_grant(db, ids->admin, ids->c1, "qqqqqqq", ids->u1), 0);
	ids->u1_upper_at = l->clock.now;
	l->clock.now += 60;
	assert_int_equal(autolic_seat_grant(db, ids->admin, ids->c1, "qqqqqqq", ids->u2), 0);
	assert_int_equal(autolic_seat_grant(db, ids->admin, ids->c1, "autocad", ids->u1), 0);
	assert_int_equal(autolic_seat_grant(db, ids->admin, ids->c1, "autocad", ids->u3), 0);
	assert_int_equal(autolic_seat_grant(db, ids->admin, ids->c1, "rrrrr", ids->u4), 0);
	assert_int_equal(autolic_seat_grant(db, ids->admin, ids->c2, "qqqqqqq", ids->u5), 0);
	assert_int_equal(
	    autolic_contract_update_offer(db, ids->admin, ids->c1, "qqqqqqq", "SP1", 1), 0);
	assert_int_equal(autolic_flex_product_set(db, "autocad", NULL, 7), 0);
	autolic_flex_lot_spec ls = AUTOLIC_FLEX_LOT_SPEC_INIT;
	ls.subscription = "TS-1";
	ls.quantity = 100;
	ls.purchased = T0;
	assert_int_equal(autolic_flex_lot_buy(db, ids->admin, ids->team, &ls, NULL), 0);
	autolic_flex_user_spec us = AUTOLIC_FLEX_USER_SPEC_INIT;
	us.all_products = 1;
	us.by_import = 1;
	us.account = ids->u2;
	assert_int_equal(autolic_flex_user_assign(db, ids->admin, ids->team, &us, NULL), 0);
	autolic_contract_product_info pi = {.version = AUTOLIC_CONTRACT_PRODUCT_INFO_VERSION};
	assert_int_equal(autolic_contract_product_get(db, ids->admin, ids->c1, "qqqqqqq", &pi), 0);
	strcpy(ids->serial_upper, pi.serial);
	assert_int_equal(autolic_contract_product_get(db, ids->admin, ids->c1, "autocad", &pi), 0);
	strcpy(ids->serial_lower, pi.serial);
	autolic_db_close(db);
	/* 1.0 wrote no store level (this library records it with the first team) */
	al_key k;
	al_key_init(&k, AL_K_SCHEMA);
	assert_int_equal(l->mem.begin(l->mem.ctx, 1), 0);
	assert_int_equal(l->mem.del(l->mem.ctx, k.b, k.len), 0);
	assert_int_equal(l->mem.commit(l->mem.ctx), 0);
	/* nor notices (NOTE-1 is 1.1) */
	legacy_drop(&l->mem, AL_K_NOTE_FIRST, AL_K_NOTE_LAST + 1);
	legacy_respell(&l->mem, "qqqqqqq", "AutoCAD");
	legacy_respell(&l->mem, "rrrrr", "Revit");
	assert_int_equal(stored_with(&l->mem, "qqqqqqq"), 0);
	assert_true(stored_with(&l->mem, "AutoCAD") > 0);
}

/* Opening a 1.0 store with duplicates by case merges them; nothing bought is lost. */
static void test_legacy_store_upgrade(void **state)
{
	(void)state;
	legacy l;
	legacy_ids ids;
	legacy_build(&l, &ids);
	int rc;
	autolic_db *db = legacy_open(&l, NULL, NULL, &rc);
	assert_int_equal(rc, 0);
	/* no product code is stored in its 1.0 spelling any more */
	assert_int_equal(stored_with(&l.mem, "AutoCAD"), 0);
	assert_int_equal(stored_with(&l.mem, "Revit"), 0);
	/* c1: `AutoCAD` and `autocad` are one product with both quantities */
	autolic_contract_info ci = {.version = AUTOLIC_CONTRACT_INFO_VERSION};
	assert_int_equal(autolic_contract_get(db, ids.c1, &ci), 0);
	assert_int_equal(ci.nproducts, 2);
	autolic_contract_product_info pi = {.version = AUTOLIC_CONTRACT_PRODUCT_INFO_VERSION};
	assert_int_equal(autolic_contract_product_get(db, ids.admin, ids.c1, "AutoCAD", &pi), 0);
	assert_string_equal(pi.product, "autocad");
	assert_int_equal(pi.quantity, 5);
	assert_int_equal(pi.bought, 5);
	assert_string_equal(pi.serial, ids.serial_lower);
	/* both serial numbers name it */
	autolic_id sc;
	char sp[AUTOLIC_PRODUCT_MAX + 1];
	serial_product(&l.mem, ids.serial_upper, &sc, sp);
	assert_int_equal(sc, ids.c1);
	assert_string_equal(sp, "autocad");
	serial_product(&l.mem, ids.serial_lower, &sc, sp);
	assert_string_equal(sp, "autocad");
	assert_int_equal(autolic_contract_product_get(db, ids.admin, ids.c1, "REVIT", &pi), 0);
	assert_string_equal(pi.product, "revit");
	assert_int_equal(pi.quantity, 1);
	/* seats: u1 keeps one (the earlier grant), u2 and u3 theirs */
	autolic_seat_summary sm = {.version = AUTOLIC_SEAT_SUMMARY_VERSION};
	assert_int_equal(autolic_seat_summary_get(db, ids.c1, "autocad", &sm), 0);
	assert_int_equal(sm.quantity, 5);
	assert_int_equal(sm.granted, 3);
	autolic_seat_iter *it;
	autolic_seat_entry e = {.version = AUTOLIC_SEAT_ENTRY_VERSION};
	assert_int_equal(autolic_seat_user_products(db, ids.u1, &it), 0);
	assert_int_equal(autolic_seat_iter_next(it, &e), 0);
	assert_string_equal(e.product, "autocad");
	assert_int_equal(e.contract, ids.c1);
	assert_int_equal(e.granted_at, ids.u1_upper_at);
	assert_int_equal(autolic_seat_iter_next(it, &e), AUTOLIC_ITEROVER);
	autolic_seat_iter_free(it);
	assert_int_equal(autolic_seat_product_users(db, ids.c1, "AUTOCAD", &it), 0);
	size_t n = 0;
	while (autolic_seat_iter_next(it, &e) == 0)
		n++;
	assert_int_equal(n, 3);
	autolic_seat_iter_free(it);
	/* the counts agree with the grants: two more seats, then none */
	autolic_id more[3];
	for (int i = 0; i < 3; i++) {
		char email[32];
		snprintf(email, sizeof email, "m%d@example.com", i);
		more[i] = t_register(db, email, "M", "More");
	}
	assert_int_equal(autolic_seat_grant(db, ids.admin, ids.c1, "AutoCAD", more[0]), 0);
	assert_int_equal(autolic_seat_grant(db, ids.admin, ids.c1, "autocad", more[1]), 0);
	T_FAILS(AUTOLIC_ENOSEAT, "SEAT-2",
	        autolic_seat_grant(db, ids.admin, ids.c1, "autocad", more[2]));
	T_FAILS(AUTOLIC_EEXISTS, "SEAT-1",
	        autolic_seat_grant(db, ids.admin, ids.c1, "AutoCAD", ids.u1));
	assert_int_equal(autolic_seat_summary_get(db, ids.c1, "revit", &sm), 0);
	assert_int_equal(sm.granted, 1);
	/* c2 kept its product and seat under the new spelling */
	assert_int_equal(autolic_seat_summary_get(db, ids.c2, "autocad", &sm), 0);
	assert_int_equal(sm.quantity, 2);
	assert_int_equal(sm.granted, 1);
	/* the offer follows the product: a seat holder may download SP1 (ROLE-8)
	 * until it is withdrawn */
	assert_int_equal(autolic_contract_update_check(db, ids.u2, ids.c1, "AutoCAD", "SP1"), 0);
	assert_int_equal(autolic_contract_update_offer(db, ids.admin, ids.c1, "autocad", "SP1", 0),
	                 0);
	T_FAILS(AUTOLIC_EPERM, "ROLE-8",
	        autolic_contract_update_check(db, ids.u2, ids.c1, "autocad", "SP1"));
	/* FLEX-6: u2's seat of (1.0) `AutoCAD` makes a launch of `autocad` free */
	autolic_flex_report_spec rs = AUTOLIC_FLEX_REPORT_SPEC_INIT;
	rs.kind = AUTOLIC_FLEX_LAUNCH;
	rs.key = "legacy-1";
	rs.time = T0 + HOUR;
	rs.product = "autocad";
	rs.team = ids.team;
	rs.account = ids.u2;
	l.clock.now = T0 + HOUR;
	autolic_flex_result r = {.version = AUTOLIC_FLEX_RESULT_VERSION};
	assert_int_equal(autolic_flex_report(db, &rs, &r), 0);
	assert_int_equal(r.reason, AUTOLIC_FLEX_REASON_SEAT);
	assert_int_equal(r.charged, 0);
	assert_int_equal(autolic_flex_check(db, ids.team), 0);
	autolic_db_close(db);
	/* the upgrade ran once: opening again writes nothing */
	t_dump before, after;
	t_dump_store(&l.mem, &before);
	db = legacy_open(&l, NULL, NULL, &rc);
	assert_int_equal(rc, 0);
	autolic_db_close(db);
	t_dump_store(&l.mem, &after);
	assert_true(t_dump_equal(&before, &after));
	t_dump_free(&before);
	t_dump_free(&after);
	l.mem.free(l.mem.ctx);
}

/* The upgrade is one transaction: a storage or allocation failure at any
 * point of the open leaves the 1.0 store as it was, and a later open
 * upgrades it. */
typedef struct legacy_case {
	legacy l;
	legacy_ids ids;
} legacy_case;

static autolic_db *legacy_open_fn(void *ctx, const autolic_storage *st, const autolic_allocator *al,
                                  int *rc)
{
	return legacy_open(&((legacy_case *)ctx)->l, st, al, rc);
}

/* The open that met no fault lowered every code. */
static void legacy_upgraded(void *ctx, autolic_db *db)
{
	legacy_case *lc = ctx;
	autolic_db_close(db);
	assert_int_equal(stored_with(&lc->l.mem, "AutoCAD"), 0);
}

static void legacy_rebuild(void *ctx)
{
	legacy_case *lc = ctx;
	lc->l.mem.free(lc->l.mem.ctx);
	legacy_build(&lc->l, &lc->ids);
}

static void test_legacy_upgrade_atomic(void **state)
{
	(void)state;
	legacy_case lc;
	legacy_build(&lc.l, &lc.ids);
	t_open_faults c = {&lc.l.mem,       &lc.l.shared,   legacy_open_fn,
	                   legacy_upgraded, legacy_rebuild, &lc};
	assert_true(t_open_fault_loop(&c) > 10);
	lc.l.mem.free(lc.l.mem.ctx);
}

/* A read-only store that needs the upgrade is refused, untouched; the first
 * writable open upgrades it; read-only opens then work. On a journal file. */
static void test_legacy_journal_readonly(void **state)
{
	(void)state;
	legacy l;
	legacy_ids ids;
	legacy_build(&l, &ids);
	char dir[] = "/tmp/autolic-product-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[64];
	snprintf(path, sizeof path, "%s/store.journal", dir);
	/* copy the 1.0 store into a journal file, as is */
	autolic_storage j;
	assert_int_equal(autolic_store_journal_open(&j, path, NULL), 0);
	kvs all = {NULL, 0, NULL};
	assert_int_equal(l.mem.begin(l.mem.ctx, 0), 0);
	assert_int_equal(l.mem.scan(l.mem.ctx, "", 0, NULL, 0, collect_cb, &all), 0);
	assert_int_equal(l.mem.rollback(l.mem.ctx), 0);
	assert_int_equal(j.begin(j.ctx, 1), 0);
	for (size_t i = 0; i < all.n; i++)
		assert_int_equal(j.put(j.ctx, all.v[i].k, all.v[i].kl, all.v[i].v, all.v[i].vl), 0);
	assert_int_equal(j.commit(j.ctx), 0);
	j.free(j.ctx);
	kvs_free(&all);
	l.mem.free(l.mem.ctx);

	autolic_journal_options jo;
	assert_int_equal(autolic_journal_options_init(&jo, AUTOLIC_JOURNAL_OPTIONS_VERSION), 0);
	jo.flags = AUTOLIC_JOURNAL_READONLY;
	assert_int_equal(autolic_store_journal_open(&j, path, &jo), 0);
	int rc;
	autolic_db *db = legacy_open(&l, &j, NULL, &rc);
	assert_null(db);
	assert_int_equal(rc, AUTOLIC_EREADONLY);
	assert_non_null(strstr(autolic_errmsg(), "SEAM-1"));
	assert_non_null(strstr(autolic_errmsg(), "AutoCAD"));
	assert_true(stored_with(&j, "AutoCAD") > 0);
	j.free(j.ctx); /* a failed open leaves the storage to its caller */

	assert_int_equal(autolic_store_journal_open(&j, path, NULL), 0);
	db = legacy_open(&l, &j, NULL, &rc);
	assert_int_equal(rc, 0);
	autolic_db_close(db);

	assert_int_equal(autolic_store_journal_open(&j, path, &jo), 0);
	db = legacy_open(&l, &j, NULL, &rc);
	assert_int_equal(rc, 0);
	autolic_contract_product_info pi = {.version = AUTOLIC_CONTRACT_PRODUCT_INFO_VERSION};
	assert_int_equal(autolic_contract_product_get(db, ids.admin, ids.c2, "AutoCAD", &pi), 0);
	assert_string_equal(pi.product, "autocad");
	autolic_db_close(db);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_seat_makes_flex_free_across_case),
	    cmocka_unit_test(test_contract_refuses_codes_differing_by_case),
	    cmocka_unit_test(test_contract_codes_stored_lower),
	    cmocka_unit_test(test_one_seat_per_product_across_case),
	    cmocka_unit_test(test_flex_codes_by_any_case),
	    cmocka_unit_test(test_one_alphabet_one_maximum),
	    cmocka_unit_test(test_normalised_code_check),
	    cmocka_unit_test(test_legacy_store_upgrade),
	    cmocka_unit_test(test_legacy_upgrade_atomic),
	    cmocka_unit_test(test_legacy_journal_readonly),
	};
	return t_run_group("product", tests, NULL, NULL);
}
