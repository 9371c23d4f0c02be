/*
 * The ABI of the versioned structs (docs/abi.md): a caller compiled against
 * version N of a struct passes a buffer of version N's size, and the library
 * reads and writes only those bytes.
 *
 * - Every call that fills a struct is given a buffer of version 1's size
 *   followed by canary bytes: the canary must survive.
 * - Every struct is then described as if it had grown: its last field
 *   becomes a version 2 (al_struct_override), so a version 1 caller's buffer
 *   ends before it. Every call must still leave the canary alone, a version 2
 *   caller must get the whole struct, and a version 3 one AUTOLIC_EVERSION.
 *   A struct the library reads from the caller is passed the same way with
 *   the canary over its last field: the library must use that field's
 *   default, never the bytes past the caller's version.
 * - The `_init()` calls write the `_INIT` macro's values, only the bytes of
 *   the version asked; the `_name()` calls name every value of every enum.
 */
#include "support.h"
#include "core/structs.h"

#include <stdalign.h>
#include <stdio.h>
#include <string.h>

#define T0                1767225600 /* 2026-01-01T00:00:00Z */
#define DAY               86400
#define CANARY            0xA5
#define UPTO(type, field) (offsetof(type, field) + sizeof(((type *)0)->field))

#define OK(call)                                                                                   \
	do {                                                                                       \
		int rc_ = (call);                                                                  \
		if (rc_)                                                                           \
			fail_msg("%s: %d %s", #call, rc_, autolic_errmsg());                       \
	} while (0)

/* Everything the calls read: one of each noun. */
typedef struct world {
	t_clock clock;
	autolic_db *db;
	autolic_id admin, user, team, contract, hub, app, lot, session, tenant, ops_hub, op;
	uint64_t sub;
	autolic_seat_report *report;
	unsigned keys;
} world;

static world W;

static int setup(void **state)
{
	(void)state;
	memset(&W, 0, sizeof W);
	W.clock.now = T0;
	autolic_db_options o;
	OK(autolic_db_options_init(&o, AUTOLIC_DB_OPTIONS_VERSION));
	o.clock = t_clock_fn;
	o.clock_ctx = &W.clock;
	OK(autolic_db_open(&W.db, &o));
	W.admin = t_register(W.db, "ann@example.com", "Ann", "Admin");
	W.user = t_register(W.db, "bob@example.com", "Bob", "User");
	W.tenant = t_register(W.db, "tia@example.com", "Tia", "Tenant");

	autolic_team_spec ts;
	OK(autolic_team_spec_init(&ts, AUTOLIC_TEAM_SPEC_VERSION));
	ts.name = "Team";
	OK(autolic_team_create(W.db, W.admin, &ts, &W.team));
	OK(autolic_account_invite_text(W.db, W.admin, W.team, "bob@example.com", NULL));

	autolic_contract_product_spec ps;
	OK(autolic_contract_product_spec_init(&ps, AUTOLIC_CONTRACT_PRODUCT_SPEC_VERSION));
	ps.product = "cad";
	ps.quantity = 5;
	autolic_contract_spec cs;
	OK(autolic_contract_spec_init(&cs, AUTOLIC_CONTRACT_SPEC_VERSION));
	cs.team = W.team;
	cs.products = &ps;
	cs.nproducts = 1;
	cs.start = T0 - DAY;
	cs.end = T0 + 365 * DAY;
	OK(autolic_contract_buy(W.db, W.admin, &cs, &W.contract));
	const char *cad = "cad";
	OK(autolic_seat_set_access(W.db, W.admin, W.contract, W.user, &cad, 1, &W.report));

	OK(autolic_hub_create(W.db, W.admin, W.team, "Hub", &W.hub));
	OK(autolic_hub_app_create(W.db, W.admin, W.hub, "App", &W.app));

	OK(autolic_flex_product_set(W.db, "flexcad", "Flex CAD", 2));
	autolic_flex_lot_spec ls;
	OK(autolic_flex_lot_spec_init(&ls, AUTOLIC_FLEX_LOT_SPEC_VERSION));
	ls.subscription = "S-1";
	ls.quantity = 100;
	OK(autolic_flex_lot_buy(W.db, W.admin, W.team, &ls, &W.lot));
	autolic_flex_user_spec us;
	OK(autolic_flex_user_spec_init(&us, AUTOLIC_FLEX_USER_SPEC_VERSION));
	us.account = W.user;
	us.all_products = 1;
	OK(autolic_flex_user_assign(W.db, W.admin, W.team, &us, NULL));
	autolic_flex_report_spec rs;
	OK(autolic_flex_report_spec_init(&rs, AUTOLIC_FLEX_REPORT_SPEC_VERSION));
	rs.kind = AUTOLIC_FLEX_LAUNCH;
	rs.key = "launch";
	rs.time = T0;
	rs.product = "flexcad";
	rs.team = W.team;
	rs.account = W.user;
	autolic_flex_result res = {.version = AUTOLIC_FLEX_RESULT_VERSION};
	OK(autolic_flex_report(W.db, &rs, &res));
	W.session = res.session;

	autolic_ops_subscription_spec ss;
	OK(autolic_ops_subscription_spec_init(&ss, AUTOLIC_OPS_SUBSCRIPTION_SPEC_VERSION));
	ss.tenant = W.tenant;
	ss.kind = AUTOLIC_OPS_SHOP_FLOOR;
	ss.quantity = 3;
	ss.end = T0 + 365 * DAY;
	OK(autolic_ops_subscription_buy(W.db, W.tenant, &ss, &W.sub));
	autolic_ops_hub_spec hs;
	OK(autolic_ops_hub_spec_init(&hs, AUTOLIC_OPS_HUB_SPEC_VERSION));
	hs.name = "Plant";
	OK(autolic_ops_hub_create(W.db, W.tenant, &hs, &W.ops_hub));
	autolic_ops_operator_spec os;
	OK(autolic_ops_operator_spec_init(&os, AUTOLIC_OPS_OPERATOR_SPEC_VERSION));
	os.number = "O1";
	os.name = "Olga";
	OK(autolic_ops_operator_add(W.db, W.tenant, W.ops_hub, &os, &W.op));
	return 0;
}

/* A test that failed half-way leaves no grown struct behind. */
static int no_overrides(void **state)
{
	(void)state;
	for (int k = 0; k < AL_STRUCT_COUNT; k++)
		al_struct_override((al_struct)k, NULL);
	return 0;
}

static int teardown(void **state)
{
	no_overrides(state);
	autolic_seat_report_free(W.report);
	autolic_db_close(W.db);
	return 0;
}

/* ---- a caller's buffer: `version`, then zeros up to that version's size,
 * then canary bytes to the end ---- */

typedef struct cbuf {
	alignas(16) unsigned char b[4096];
	size_t n; /* the bytes the caller's version holds */
} cbuf;

static void *cbuf_make(cbuf *c, al_struct kind, unsigned int version)
{
	c->n = al_struct_size(kind, version);
	assert_true(c->n >= sizeof version && c->n < sizeof c->b);
	memset(c->b, CANARY, sizeof c->b);
	memset(c->b, 0, c->n);
	memcpy(c->b, &version, sizeof version);
	return c->b;
}

static void cbuf_check(const cbuf *c, al_struct kind, const char *call)
{
	for (size_t i = c->n; i < sizeof c->b; i++)
		if (c->b[i] != CANARY)
			fail_msg("%s wrote byte %zu of a %s of %zu bytes", call, i,
			         al_struct_get(kind)->name, c->n);
}

/* ---- every call that fills a struct, by the struct it fills; each returns
 * the number of structs it filled (at least one) ---- */

typedef int (*fill_fn)(void *buf);

#define ONE(call)                                                                                  \
	do {                                                                                       \
		OK(call);                                                                          \
		return 1;                                                                          \
	} while (0)

/* An iterator: open, then next into `buf` until AUTOLIC_ITEROVER. */
#define DRAIN(type, open, next, free_)                                                             \
	do {                                                                                       \
		type *it_ = NULL;                                                                  \
		OK(open);                                                                          \
		int n_ = 0, rc_;                                                                   \
		while ((rc_ = next(it_, buf)) == 0)                                                \
			n_++;                                                                      \
		free_(it_);                                                                        \
		if (rc_ != AUTOLIC_ITEROVER)                                                       \
			fail_msg("%s: %d %s", #next, rc_, autolic_errmsg());                       \
		assert_true(n_ > 0);                                                               \
		return n_;                                                                         \
	} while (0)

static int f_account_get(void *buf)
{
	ONE(autolic_account_get(W.db, W.user, buf));
}
static int f_account_iter(void *buf)
{
	DRAIN(autolic_account_iter, autolic_account_iter_new(W.db, W.team, &it_),
	      autolic_account_iter_next, autolic_account_iter_free);
}
static int f_team_get(void *buf)
{
	ONE(autolic_team_get(W.db, W.team, buf));
}
static int f_team_iter(void *buf)
{
	DRAIN(autolic_team_iter, autolic_team_iter_new(W.db, W.user, &it_), autolic_team_iter_next,
	      autolic_team_iter_free);
}
static int f_contract_get(void *buf)
{
	ONE(autolic_contract_get(W.db, W.contract, buf));
}
static int f_contract_iter(void *buf)
{
	DRAIN(autolic_contract_iter, autolic_contract_iter_new(W.db, W.team, &it_),
	      autolic_contract_iter_next, autolic_contract_iter_free);
}
static int f_contract_product_get(void *buf)
{
	ONE(autolic_contract_product_get(W.db, W.admin, W.contract, "cad", buf));
}
static int f_contract_members(void *buf)
{
	DRAIN(autolic_contract_member_iter,
	      autolic_contract_member_iter_new(W.db, W.contract, &it_),
	      autolic_contract_member_iter_next, autolic_contract_member_iter_free);
}
static int f_seat_summary_get(void *buf)
{
	ONE(autolic_seat_summary_get(W.db, W.contract, "cad", buf));
}
static int f_seat_summaries(void *buf)
{
	DRAIN(autolic_seat_summary_iter, autolic_seat_contract_summary(W.db, W.contract, &it_),
	      autolic_seat_summary_iter_next, autolic_seat_summary_iter_free);
}
static int f_seat_user_products(void *buf)
{
	DRAIN(autolic_seat_iter, autolic_seat_user_products(W.db, W.user, &it_),
	      autolic_seat_iter_next, autolic_seat_iter_free);
}
static int f_seat_product_users(void *buf)
{
	DRAIN(autolic_seat_iter, autolic_seat_product_users(W.db, W.contract, "cad", &it_),
	      autolic_seat_iter_next, autolic_seat_iter_free);
}
static int f_seat_report_get(void *buf)
{
	ONE(autolic_seat_report_get(W.report, 0, buf));
}
static int f_hub_get(void *buf)
{
	ONE(autolic_hub_get(W.db, W.hub, buf));
}
static int f_app_get(void *buf)
{
	ONE(autolic_hub_app_get(W.db, W.app, buf));
}
static int f_flex_product_get(void *buf)
{
	ONE(autolic_flex_product_get(W.db, "flexcad", buf));
}
static int f_flex_policy_get(void *buf)
{
	ONE(autolic_flex_policy_get(W.db, W.team, buf));
}
static int f_flex_team_get(void *buf)
{
	ONE(autolic_flex_team_get(W.db, W.team, buf));
}
static int f_flex_lot_get(void *buf)
{
	ONE(autolic_flex_lot_get(W.db, W.lot, buf));
}
static int f_error_last(void *buf)
{
	/* a refusal (SEAT-2: no seats of an unknown product), then its fields */
	if (autolic_seat_grant(W.db, W.admin, W.contract, "no-such-product", W.user) == 0)
		fail_msg("the refusal to read was granted");
	ONE(autolic_error_last(buf));
}
static int f_flex_report(void *buf)
{
	char key[32];
	snprintf(key, sizeof key, "activity-%u", ++W.keys);
	autolic_flex_report_spec s = AUTOLIC_FLEX_REPORT_SPEC_INIT;
	s.kind = AUTOLIC_FLEX_ACTIVITY;
	s.key = key;
	s.time = T0;
	s.session = W.session;
	ONE(autolic_flex_report(W.db, &s, buf));
}
static int f_flex_ledger(void *buf)
{
	DRAIN(autolic_flex_ledger_iter,
	      autolic_flex_ledger_open(W.db, W.team, 0, T0 + DAY, AUTOLIC_FLEX_MASK_ALL, &it_),
	      autolic_flex_ledger_next, autolic_flex_ledger_free);
}
static int f_flex_usage(void *buf)
{
	DRAIN(autolic_flex_usage_iter, autolic_flex_usage_open(W.db, W.team, 0, T0 + DAY, &it_),
	      autolic_flex_usage_next, autolic_flex_usage_free);
}
static int f_ops_hub_get(void *buf)
{
	ONE(autolic_ops_hub_get(W.db, W.ops_hub, buf));
}
static int f_ops_subscription_get(void *buf)
{
	ONE(autolic_ops_subscription_get(W.db, W.sub, buf));
}
static int f_ops_licences_get(void *buf)
{
	ONE(autolic_ops_licences_get(W.db, W.ops_hub, buf));
}
static int f_ops_operator_get(void *buf)
{
	ONE(autolic_ops_operator_get(W.db, W.op, buf));
}
static int f_ops_operators(void *buf)
{
	DRAIN(autolic_ops_operator_iter, autolic_ops_operator_iter_new(W.db, W.ops_hub, &it_),
	      autolic_ops_operator_iter_next, autolic_ops_operator_iter_free);
}

/* One call that fills `kind`, and where version 1 of that struct would end
 * had its last field come in version 2. */
typedef struct filler {
	al_struct kind;
	size_t v1_if_grown;
	fill_fn fill;
	const char *call;
} filler;

#define FILL(kind, type, before_last, fn)                                                          \
	{                                                                                          \
		kind, UPTO(type, before_last), fn, #fn                                             \
	}

static const filler fillers[] = {
    FILL(AL_ACCOUNT_INFO, autolic_account_info, invitation_expires, f_account_get),
    FILL(AL_ACCOUNT_INFO, autolic_account_info, invitation_expires, f_account_iter),
    FILL(AL_TEAM_INFO, autolic_team_info, primary, f_team_get),
    FILL(AL_TEAM_MEMBERSHIP, autolic_team_membership, name, f_team_iter),
    FILL(AL_CONTRACT_INFO, autolic_contract_info, created, f_contract_get),
    FILL(AL_CONTRACT_INFO, autolic_contract_info, created, f_contract_iter),
    FILL(AL_CONTRACT_PRODUCT_INFO, autolic_contract_product_info, serial, f_contract_product_get),
    FILL(AL_CONTRACT_MEMBER, autolic_contract_member, team_role, f_contract_members),
    FILL(AL_SEAT_SUMMARY, autolic_seat_summary, end, f_seat_summary_get),
    FILL(AL_SEAT_SUMMARY, autolic_seat_summary, end, f_seat_summaries),
    FILL(AL_SEAT_ENTRY, autolic_seat_entry, origin, f_seat_user_products),
    FILL(AL_SEAT_ENTRY, autolic_seat_entry, origin, f_seat_product_users),
    FILL(AL_SEAT_RESULT, autolic_seat_result, status, f_seat_report_get),
    FILL(AL_HUB_INFO, autolic_hub_info, created, f_hub_get),
    FILL(AL_APP_INFO, autolic_app_info, name, f_app_get),
    FILL(AL_FLEX_PRODUCT_INFO, autolic_flex_product_info, added, f_flex_product_get),
    FILL(AL_FLEX_POLICY, autolic_flex_policy, overage_limit, f_flex_policy_get),
    FILL(AL_FLEX_TEAM_INFO, autolic_flex_team_info, threshold, f_flex_team_get),
    FILL(AL_FLEX_LOT_INFO, autolic_flex_lot_info, expires, f_flex_lot_get),
    FILL(AL_FLEX_RESULT, autolic_flex_result, end_code, f_flex_report),
    FILL(AL_FLEX_ENTRY, autolic_flex_entry, product, f_flex_ledger),
    FILL(AL_FLEX_USAGE_ROW, autolic_flex_usage_row, n_lots, f_flex_usage),
    FILL(AL_OPS_HUB_INFO, autolic_ops_hub_info, payment_block, f_ops_hub_get),
    FILL(AL_OPS_SUBSCRIPTION_INFO, autolic_ops_subscription_info, end, f_ops_subscription_get),
    FILL(AL_OPS_LICENCE_INFO, autolic_ops_licence_info, shop_floor_used, f_ops_licences_get),
    FILL(AL_OPS_OPERATOR_INFO, autolic_ops_operator_info, last_production, f_ops_operator_get),
    FILL(AL_OPS_OPERATOR_INFO, autolic_ops_operator_info, last_production, f_ops_operators),
    FILL(AL_ERROR_INFO, autolic_error_info, numbers, f_error_last),
};

#define NFILLERS (sizeof fillers / sizeof fillers[0])

/* Every struct the library fills for a caller has a call here. */
static void test_every_filled_struct_is_covered(void **state)
{
	(void)state;
	static const al_struct filled[] = {AL_ACCOUNT_INFO,
	                                   AL_TEAM_INFO,
	                                   AL_TEAM_MEMBERSHIP,
	                                   AL_CONTRACT_INFO,
	                                   AL_CONTRACT_PRODUCT_INFO,
	                                   AL_CONTRACT_MEMBER,
	                                   AL_SEAT_SUMMARY,
	                                   AL_SEAT_ENTRY,
	                                   AL_SEAT_RESULT,
	                                   AL_HUB_INFO,
	                                   AL_APP_INFO,
	                                   AL_FLEX_PRODUCT_INFO,
	                                   AL_FLEX_POLICY,
	                                   AL_FLEX_TEAM_INFO,
	                                   AL_FLEX_LOT_INFO,
	                                   AL_FLEX_RESULT,
	                                   AL_FLEX_ENTRY,
	                                   AL_FLEX_USAGE_ROW,
	                                   AL_OPS_HUB_INFO,
	                                   AL_OPS_SUBSCRIPTION_INFO,
	                                   AL_OPS_LICENCE_INFO,
	                                   AL_OPS_OPERATOR_INFO,
	                                   AL_ERROR_INFO};
	for (size_t k = 0; k < sizeof filled / sizeof filled[0]; k++) {
		int seen = 0;
		for (size_t i = 0; i < NFILLERS; i++)
			seen |= fillers[i].kind == filled[k];
		if (!seen)
			fail_msg("no call fills %s in this test", al_struct_get(filled[k])->name);
	}
}

/* A version 1 buffer: nothing past version 1's bytes is written. */
static void test_version_1_buffers(void **state)
{
	(void)state;
	for (size_t i = 0; i < NFILLERS; i++) {
		cbuf c;
		fillers[i].fill(cbuf_make(&c, fillers[i].kind, 1));
		cbuf_check(&c, fillers[i].kind, fillers[i].call);
		unsigned int v;
		memcpy(&v, c.b, sizeof v);
		assert_int_equal(v, 1);
	}
}

/* `kind` described as if its last fields, from byte `v1`, were version 2. */
typedef struct grown {
	size_t sizes[2];
	al_struct_row row;
} grown;

static void grow(grown *g, al_struct kind, size_t v1)
{
	const al_struct_row *real = al_struct_get(kind);
	g->sizes[0] = v1;
	g->sizes[1] = real->sizes[real->versions - 1];
	g->row = *real;
	g->row.sizes = g->sizes;
	g->row.versions = 2;
	assert_null(al_struct_override(kind, &g->row));
}

/* A caller of version 1 of a grown struct: its buffer ends before the new
 * field and stays whole; version 2 gets every field; version 3 is refused. */
static void test_grown_structs_fill_only_the_callers_version(void **state)
{
	(void)state;
	for (size_t i = 0; i < NFILLERS; i++) {
		const filler *f = &fillers[i];
		grown g;
		grow(&g, f->kind, f->v1_if_grown);
		cbuf c1, c2;
		f->fill(cbuf_make(&c1, f->kind, 1));
		cbuf_check(&c1, f->kind, f->call);
		f->fill(cbuf_make(&c2, f->kind, 2));
		cbuf_check(&c2, f->kind, f->call);
		assert_true(c2.n > c1.n);
		unsigned int v;
		memcpy(&v, c1.b, sizeof v);
		assert_int_equal(v, 1);
		memcpy(&v, c2.b, sizeof v);
		assert_int_equal(v, 2);
		assert_ptr_equal(al_struct_override(f->kind, NULL), &g.row);
	}
}

/* Version 3 of a grown struct is refused by the calls themselves. */
static void test_grown_struct_newer_version_refused(void **state)
{
	(void)state;
	grown g;
	grow(&g, AL_ACCOUNT_INFO, UPTO(autolic_account_info, invitation_expires));
	cbuf c;
	void *b = cbuf_make(&c, AL_ACCOUNT_INFO, 1);
	unsigned int three = 3;
	memcpy(b, &three, sizeof three);
	assert_int_equal(autolic_account_get(W.db, W.user, b), AUTOLIC_EVERSION);
	assert_non_null(strstr(autolic_errmsg(), "autolic_account_info version 3"));
	for (size_t i = sizeof three; i < sizeof c.b; i++)
		assert_int_equal(c.b[i], i < c.n ? 0 : CANARY);
	al_struct_override(AL_ACCOUNT_INFO, NULL);
}

/* ---- structs the library reads: the canary lies over the last field of a
 * grown struct, where a version 1 caller has no field at all ---- */

static void *spec_v1(cbuf *c, al_struct kind, size_t v1, const void *spec, grown *g)
{
	grow(g, kind, v1);
	cbuf_make(c, kind, 1);
	memcpy(c->b + sizeof(unsigned int), (const char *)spec + sizeof(unsigned int),
	       v1 - sizeof(unsigned int));
	return c->b;
}

static void test_grown_structs_read_only_the_callers_version(void **state)
{
	(void)state;
	cbuf c;
	grown g;

	/* the language a version 1 caller cannot give is the default, "en" */
	autolic_account_spec as = AUTOLIC_ACCOUNT_SPEC_INIT;
	as.email = "cy@example.com";
	as.first_name = "Cy";
	as.last_name = "New";
	autolic_id cy = 0;
	OK(autolic_account_register(
	    W.db, spec_v1(&c, AL_ACCOUNT_SPEC, UPTO(autolic_account_spec, last_name), &as, &g),
	    &cy));
	al_struct_override(AL_ACCOUNT_SPEC, NULL);
	autolic_account_info ai = {.version = AUTOLIC_ACCOUNT_INFO_VERSION};
	OK(autolic_account_get(W.db, cy, &ai));
	assert_string_equal(ai.language, "en");

	/* the low-balance threshold is the default, -1 */
	autolic_flex_policy pol = {AUTOLIC_FLEX_POLICY_VERSION, 7, 0};
	OK(autolic_flex_policy_set(
	    W.db, W.admin, W.team,
	    spec_v1(&c, AL_FLEX_POLICY, UPTO(autolic_flex_policy, overage_limit), &pol, &g)));
	al_struct_override(AL_FLEX_POLICY, NULL);
	autolic_flex_policy got = {AUTOLIC_FLEX_POLICY_VERSION, 0, 0};
	OK(autolic_flex_policy_get(W.db, W.team, &got));
	assert_int_equal(got.overage_limit, 7);
	assert_int_equal(got.low_threshold, -1);

	/* the lot's purchase time is the default, the clock's time */
	autolic_flex_lot_spec ls = AUTOLIC_FLEX_LOT_SPEC_INIT;
	ls.subscription = "S-2";
	ls.quantity = 10;
	ls.purchased = T0 - DAY;
	autolic_id lot = 0;
	OK(autolic_flex_lot_buy(
	    W.db, W.admin, W.team,
	    spec_v1(&c, AL_FLEX_LOT_SPEC, UPTO(autolic_flex_lot_spec, quantity), &ls, &g), &lot));
	al_struct_override(AL_FLEX_LOT_SPEC, NULL);
	autolic_flex_lot_info li = {.version = AUTOLIC_FLEX_LOT_INFO_VERSION};
	OK(autolic_flex_lot_get(W.db, lot, &li));
	assert_int_equal(li.purchased, T0);
	assert_int_equal(li.quantity, 10);

	/* the trial's operators are the default */
	autolic_id tenant = t_register(W.db, "ted@example.com", "Ted", "Tenant");
	autolic_ops_subscription_spec ss = AUTOLIC_OPS_SUBSCRIPTION_SPEC_INIT;
	ss.tenant = tenant;
	ss.kind = AUTOLIC_OPS_USER;
	ss.quantity = 1;
	ss.end = T0 + DAY;
	uint64_t sub = 0;
	OK(autolic_ops_subscription_buy(W.db, tenant, &ss, &sub));
	autolic_ops_hub_spec hs = AUTOLIC_OPS_HUB_SPEC_INIT;
	hs.name = "Second plant";
	hs.trial_operators = 1;
	autolic_id hub = 0;
	OK(autolic_ops_hub_create(
	    W.db, tenant,
	    spec_v1(&c, AL_OPS_HUB_SPEC, UPTO(autolic_ops_hub_spec, trial_period), &hs, &g), &hub));
	al_struct_override(AL_OPS_HUB_SPEC, NULL);
	autolic_ops_hub_info hi = {.version = AUTOLIC_OPS_HUB_INFO_VERSION};
	OK(autolic_ops_hub_get(W.db, hub, &hi));
	assert_int_equal(hi.trial_operators, AUTOLIC_OPS_TRIAL_OPERATORS);

	/* a contract without auto-renewal; its products are an array of
	 * version 1 elements, each shorter than the library's: the serial a
	 * version 1 product cannot give is generated */
	grown gp;
	grow(&gp, AL_CONTRACT_PRODUCT_SPEC, UPTO(autolic_contract_product_spec, quantity));
	size_t stride = al_struct_stride(AL_CONTRACT_PRODUCT_SPEC, 1);
	assert_true(stride < sizeof(autolic_contract_product_spec));
	alignas(16) unsigned char arr[2 * sizeof(autolic_contract_product_spec)];
	memset(arr, CANARY, sizeof arr);
	const char *codes[2] = {"plm", "cam"};
	for (int i = 0; i < 2; i++) {
		autolic_contract_product_spec p = AUTOLIC_CONTRACT_PRODUCT_SPEC_INIT;
		p.product = codes[i];
		p.quantity = (uint32_t)(2 + i);
		memcpy(arr + (size_t)i * stride, &p, UPTO(autolic_contract_product_spec, quantity));
	}
	autolic_contract_spec cs = AUTOLIC_CONTRACT_SPEC_INIT;
	cs.team = W.team;
	cs.products = (const autolic_contract_product_spec *)(const void *)arr;
	cs.nproducts = 2;
	cs.start = T0;
	cs.end = T0 + DAY;
	cs.auto_renew = 1;
	autolic_id k = 0;
	OK(autolic_contract_buy(
	    W.db, W.admin, spec_v1(&c, AL_CONTRACT_SPEC, UPTO(autolic_contract_spec, end), &cs, &g),
	    &k));
	al_struct_override(AL_CONTRACT_SPEC, NULL);
	al_struct_override(AL_CONTRACT_PRODUCT_SPEC, NULL);
	autolic_contract_info ki = {.version = AUTOLIC_CONTRACT_INFO_VERSION};
	OK(autolic_contract_get(W.db, k, &ki));
	assert_int_equal(ki.auto_renew, 0);
	assert_int_equal(ki.nproducts, 2);
	for (int i = 0; i < 2; i++) {
		autolic_contract_product_info pi = {.version =
		                                        AUTOLIC_CONTRACT_PRODUCT_INFO_VERSION};
		OK(autolic_contract_product_get(W.db, W.admin, k, codes[i], &pi));
		assert_int_equal(pi.quantity, 2 + i);
		assert_true(pi.serial[0] != 0);
	}

	/* a storage vtable of version 1 has no rollback_to: without savepoint
	 * and release it is complete */
	autolic_storage mem;
	OK(autolic_store_memory_new(&mem, NULL));
	mem.savepoint = NULL;
	mem.release = NULL;
	mem.rollback_to = NULL;
	autolic_db_options o;
	OK(autolic_db_options_init(&o, AUTOLIC_DB_OPTIONS_VERSION));
	o.storage = spec_v1(&c, AL_STORAGE, UPTO(autolic_storage, release), &mem, &g);
	autolic_db *db = NULL;
	int rc = autolic_db_open(&db, &o);
	al_struct_override(AL_STORAGE, NULL);
	if (rc)
		mem.free(mem.ctx);
	assert_int_equal(rc, 0);
	autolic_db_close(db);
}

/* ---- _init(): the _INIT macro's values, only the bytes of the version ---- */

typedef int (*init_fn)(void *s, unsigned int version);

typedef struct initer {
	al_struct kind;
	size_t v1_if_grown;
	init_fn init;
	const void *macro; /* the _INIT macro's value */
} initer;

#define INIT_OF(kind, type, before_last, fn, macro)                                                \
	{                                                                                          \
		kind, UPTO(type, before_last), (init_fn)(void (*)(void))fn, &(const type)macro     \
	}

static const autolic_storage storage_zero = {.version = AUTOLIC_STORAGE_VERSION};
/* At file scope: the macros' values have static storage, their padding zero
 * like the library's defaults. */
static const initer inits[] = {
    INIT_OF(AL_ACCOUNT_SPEC, autolic_account_spec, last_name, autolic_account_spec_init,
            AUTOLIC_ACCOUNT_SPEC_INIT),
    INIT_OF(AL_TEAM_SPEC, autolic_team_spec, version, autolic_team_spec_init,
            AUTOLIC_TEAM_SPEC_INIT),
    INIT_OF(AL_CONTRACT_PRODUCT_SPEC, autolic_contract_product_spec, quantity,
            autolic_contract_product_spec_init, AUTOLIC_CONTRACT_PRODUCT_SPEC_INIT),
    INIT_OF(AL_CONTRACT_SPEC, autolic_contract_spec, end, autolic_contract_spec_init,
            AUTOLIC_CONTRACT_SPEC_INIT),
    INIT_OF(AL_FLEX_POLICY, autolic_flex_policy, overage_limit, autolic_flex_policy_init,
            AUTOLIC_FLEX_POLICY_INIT),
    INIT_OF(AL_FLEX_LOT_SPEC, autolic_flex_lot_spec, quantity, autolic_flex_lot_spec_init,
            AUTOLIC_FLEX_LOT_SPEC_INIT),
    INIT_OF(AL_FLEX_USER_SPEC, autolic_flex_user_spec, n_products, autolic_flex_user_spec_init,
            AUTOLIC_FLEX_USER_SPEC_INIT),
    INIT_OF(AL_FLEX_REPORT_SPEC, autolic_flex_report_spec, team, autolic_flex_report_spec_init,
            AUTOLIC_FLEX_REPORT_SPEC_INIT),
    INIT_OF(AL_OPS_HUB_SPEC, autolic_ops_hub_spec, trial_period, autolic_ops_hub_spec_init,
            AUTOLIC_OPS_HUB_SPEC_INIT),
    INIT_OF(AL_OPS_SUBSCRIPTION_SPEC, autolic_ops_subscription_spec, start,
            autolic_ops_subscription_spec_init, AUTOLIC_OPS_SUBSCRIPTION_SPEC_INIT),
    INIT_OF(AL_OPS_OPERATOR_SPEC, autolic_ops_operator_spec, number, autolic_ops_operator_spec_init,
            AUTOLIC_OPS_OPERATOR_SPEC_INIT),
    INIT_OF(AL_DB_OPTIONS, autolic_db_options, event_ctx, autolic_db_options_init,
            AUTOLIC_DB_OPTIONS_INIT),
    INIT_OF(AL_JOURNAL_OPTIONS, autolic_journal_options, compact_min_bytes,
            autolic_journal_options_init, AUTOLIC_JOURNAL_OPTIONS_INIT),
    {AL_STORAGE, UPTO(autolic_storage, release), (init_fn)(void (*)(void))autolic_storage_init,
     &storage_zero},
};

static void test_init_functions(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof inits / sizeof inits[0]; i++) {
		const initer *t = &inits[i];
		const char *name = al_struct_get(t->kind)->name;
		cbuf c;
		/* the macro's values, version 1's bytes, nothing more */
		cbuf_make(&c, t->kind, 1);
		memset(c.b, CANARY, c.n);
		assert_int_equal(t->init(c.b, 1), 0);
		cbuf_check(&c, t->kind, name);
		/* the macro names the current version; version 1 was asked for */
		unsigned char want[sizeof c.b];
		memcpy(want, t->macro, c.n);
		unsigned int v1 = 1;
		memcpy(want, &v1, sizeof v1);
		if (memcmp(c.b, want, c.n))
			fail_msg("%s_init() differs from its _INIT macro", name);
		/* the current version: the whole macro */
		unsigned int cur = al_struct_get(t->kind)->versions;
		if (cur > 1) {
			cbuf_make(&c, t->kind, cur);
			memset(c.b, CANARY, c.n);
			assert_int_equal(t->init(c.b, cur), 0);
			cbuf_check(&c, t->kind, name);
			if (memcmp(c.b, t->macro, c.n))
				fail_msg("%s_init(version %u) differs from its _INIT macro", name,
				         cur);
		}
		/* 0 and newer versions: refused, nothing written */
		memset(c.b, CANARY, sizeof c.b);
		assert_int_equal(t->init(c.b, 0), AUTOLIC_EVERSION);
		assert_int_equal(t->init(c.b, al_struct_get(t->kind)->versions + 1),
		                 AUTOLIC_EVERSION);
		assert_non_null(strstr(autolic_errmsg(), name));
		c.n = 0;
		cbuf_check(&c, t->kind, name);
		assert_int_equal(t->init(NULL, 1), AUTOLIC_EINVAL);
		/* grown: version 1 stops before the new field */
		grown g;
		grow(&g, t->kind, t->v1_if_grown);
		cbuf_make(&c, t->kind, 1);
		assert_int_equal(t->init(c.b, 1), 0);
		cbuf_check(&c, t->kind, name);
		cbuf_make(&c, t->kind, 2);
		assert_int_equal(t->init(c.b, 2), 0);
		cbuf_check(&c, t->kind, name);
		unsigned int v;
		memcpy(&v, c.b, sizeof v);
		assert_int_equal(v, 2);
		assert_int_equal(
		    memcmp(c.b + sizeof v, (const char *)t->macro + sizeof v, c.n - sizeof v), 0);
		al_struct_override(t->kind, NULL);
	}
}

/* ---- the table itself ---- */

static void test_table_describes_the_headers(void **state)
{
	(void)state;
	for (int k = 0; k < AL_STRUCT_COUNT; k++) {
		const al_struct_row *r = al_struct_get((al_struct)k);
		assert_non_null(r->name);
		assert_true(r->versions >= 1);
		/* versions only grow */
		for (unsigned int v = 1; v < r->versions; v++)
			assert_true(r->sizes[v - 1] < r->sizes[v]);
		/* the newest version is the whole struct: no field after the
		 * last one the table names */
		size_t last = r->sizes[r->versions - 1];
		if (r->full - last >= r->align)
			fail_msg("%s: the newest version ends at byte %zu of %zu: a field "
			         "was added without its version",
			         r->name, last, r->full);
		assert_int_equal(al_struct_stride((al_struct)k, r->versions), r->full);
		assert_int_equal(al_struct_size((al_struct)k, 0), 0);
		assert_int_equal(al_struct_size((al_struct)k, r->versions + 1), 0);
	}
}

/* The helpers on a struct of the test's own, with two versions. */
typedef struct two {
	unsigned int version;
	int32_t a; /* version 1 */
	int64_t b; /* version 2 */
} two;

static void test_copy_helpers_on_a_two_version_struct(void **state)
{
	(void)state;
	static const two defaults = {2, 0, -5};
	static const size_t sizes[] = {UPTO(two, a), UPTO(two, b)};
	const al_struct_row row = {"two", sizes, 2, sizeof(two), alignof(two), &defaults};
	const two full = {2, 11, 22};

	alignas(16) unsigned char out[64];
	memset(out, CANARY, sizeof out);
	unsigned int v1 = 1;
	memcpy(out, &v1, sizeof v1);
	assert_int_equal(al_copy_out_row(out, &full, &row), 0);
	two seen;
	memcpy(&seen, out, sizes[0]);
	assert_int_equal(seen.version, 1);
	assert_int_equal(seen.a, 11);
	for (size_t i = sizes[0]; i < sizeof out; i++)
		assert_int_equal(out[i], CANARY);

	two in;
	assert_int_equal(al_copy_in_row(&in, out, &row), 0);
	assert_int_equal(in.version, 1);
	assert_int_equal(in.a, 11);
	assert_int_equal(in.b, -5); /* the default, not the canary */

	memset(out, CANARY, sizeof out);
	assert_int_equal(al_struct_init_row(out, &row, 1), 0);
	for (size_t i = sizes[0]; i < sizeof out; i++)
		assert_int_equal(out[i], CANARY);
	unsigned int three = 3;
	memcpy(out, &three, sizeof three);
	assert_int_equal(al_copy_out_row(out, &full, &row), AUTOLIC_EVERSION);
	assert_non_null(strstr(autolic_errmsg(), "two version 3 is not supported (1..2)"));
	assert_int_equal(al_copy_in_row(&in, out, &row), AUTOLIC_EVERSION);
	assert_int_equal(in.a, 11); /* untouched */
}

/* ---- names of the enums' values ---- */

typedef const char *(*name_fn)(int);

typedef struct named {
	const char *what;
	name_fn name;
	int first, last;
} named;

static void test_names_of_every_value(void **state)
{
	(void)state;
	const named all[] = {
	    {"account state", autolic_account_state_name, AUTOLIC_ACCOUNT_INVITED,
	     AUTOLIC_ACCOUNT_REMOVED},
	    {"import format", autolic_import_format_name, AUTOLIC_IMPORT_LIST, AUTOLIC_IMPORT_CSV},
	    {"team role", autolic_team_role_name, AUTOLIC_TEAM_NONE, AUTOLIC_TEAM_USER},
	    {"contract status", autolic_contract_status_name, AUTOLIC_CONTRACT_PENDING,
	     AUTOLIC_CONTRACT_EXPIRED},
	    {"event type", autolic_event_type_name, AUTOLIC_EVENT_INVITATION_SENT,
	     AUTOLIC_EVENT_FLEX_LOT_EXPIRED},
	    {"seat origin", autolic_seat_origin_name, AUTOLIC_SEAT_ORIGIN_GRANT,
	     AUTOLIC_SEAT_ORIGIN_IMPORT},
	    {"seat action", autolic_seat_action_name, AUTOLIC_SEAT_KEEP, AUTOLIC_SEAT_REVOKE},
	    {"flex entry type", autolic_flex_entry_type_name, AUTOLIC_FLEX_PURCHASE,
	     AUTOLIC_FLEX_ADJUST},
	    {"flex report kind", autolic_flex_report_kind_name, AUTOLIC_FLEX_LAUNCH,
	     AUTOLIC_FLEX_CLOSE},
	    {"flex reason", autolic_flex_reason_name, AUTOLIC_FLEX_REASON_NONE,
	     AUTOLIC_FLEX_REASON_REFUNDED},
	    {"ops kind", autolic_ops_kind_name, AUTOLIC_OPS_USER, AUTOLIC_OPS_SHOP_FLOOR},
	    {"ops hub state", autolic_ops_hub_state_name, AUTOLIC_OPS_HUB_TRIAL,
	     AUTOLIC_OPS_HUB_PROVISIONED},
	    {"ops payment state", autolic_ops_payment_state_name, AUTOLIC_OPS_PAYMENT_OK,
	     AUTOLIC_OPS_PAYMENT_BLOCKED},
	    {"ops reason", autolic_ops_reason_name, AUTOLIC_OPS_REASON_NONE,
	     AUTOLIC_OPS_REASON_LICENCES},
	    {"object kind", autolic_object_kind_name, AUTOLIC_OBJECT_NONE, AUTOLIC_OBJECT_ARGUMENT},
	    {"error unit", autolic_error_unit_name, AUTOLIC_UNIT_COUNT, AUTOLIC_UNIT_SECONDS},
	};
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
		const named *e = &all[i];
		for (int v = e->first; v <= e->last; v++) {
			const char *n = e->name(v);
			assert_non_null(n);
			if (!strcmp(n, "unknown"))
				fail_msg("%s %d has no name", e->what, v);
			for (int w = e->first; w < v; w++)
				if (!strcmp(n, e->name(w)))
					fail_msg("%s %d and %d are both '%s'", e->what, w, v, n);
		}
		const int outside[] = {e->first - 1, e->last + 1, INT32_MIN, INT32_MAX};
		for (size_t j = 0; j < 4; j++)
			assert_string_equal(e->name(outside[j]), "unknown");
	}
	assert_string_equal(autolic_event_type_name(AUTOLIC_EVENT_SEAT_GRANTED), "seat_granted");
	assert_string_equal(autolic_flex_reason_name(AUTOLIC_FLEX_REASON_IN_WINDOW), "in_window");
	assert_string_equal(autolic_ops_hub_state_name(AUTOLIC_OPS_HUB_TRIAL_ENDED), "trial_ended");
	assert_string_equal(autolic_team_role_name(AUTOLIC_TEAM_SECONDARY), "secondary");
	assert_string_equal(autolic_object_kind_name(AUTOLIC_OBJECT_OPS_HUB), "ops_hub");
	assert_string_equal(autolic_error_unit_name(AUTOLIC_UNIT_SECONDS), "seconds");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_filled_struct_is_covered),
	    cmocka_unit_test_setup_teardown(test_version_1_buffers, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_grown_structs_fill_only_the_callers_version, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_grown_struct_newer_version_refused, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_grown_structs_read_only_the_callers_version, setup,
	                                    teardown),
	    cmocka_unit_test_teardown(test_init_functions, no_overrides),
	    cmocka_unit_test(test_table_describes_the_headers),
	    cmocka_unit_test(test_copy_helpers_on_a_two_version_struct),
	    cmocka_unit_test(test_names_of_every_value),
	};
	return t_run_group("abi_structs", tests, NULL, NULL);
}
