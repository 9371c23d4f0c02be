/*
 * autolic_db_check() and the decoders' range checks: a store built through
 * the public calls passes; each record damaged raw (written through the
 * storage layer, as a faulty disk or a foreign writer would) is reported as
 * AUTOLIC_ECORRUPT naming the broken rule or the record and field, never
 * trusted.
 */
#include "seat_fixture.h"
#include "flex_fixture.h"

#include "autolic/hub.h"
#include "autolic/ops.h"
#include "core/codec.h"
#include "core/keys.h"
#include "core/txn.h"
#include "team.h"

#include <stdio.h>
#include <string.h>

#define T0 1767225600LL /* 2026-01-01 */

typedef struct world {
	fx x;          /* a team with Flex state, its admin and a user */
	autolic_id c;  /* a contract of the team: 'cad', 3 seats, 2 granted */
	autolic_id u2; /* the second seat holder */
	autolic_id hub;
} world;

static void must(int rc, const char *what)
{
	if (rc)
		fail_msg("%s: %d %s", what, rc, autolic_errmsg());
}

static void world_open(world *w)
{
	memset(w, 0, sizeof *w);
	fx_open(&w->x, T0);
	fx *x = &w->x;
	w->u2 = t_register(x->db, "u2@example.com", "Una", "Two");
	autolic_contract_product_spec ps = AUTOLIC_CONTRACT_PRODUCT_SPEC_INIT;
	ps.product = "cad";
	ps.quantity = 3;
	autolic_contract_spec cs = AUTOLIC_CONTRACT_SPEC_INIT;
	cs.products = &ps;
	cs.nproducts = 1;
	cs.team = x->team;
	cs.start = T0 - DAY;
	cs.end = T0 + 365 * DAY;
	must(autolic_contract_buy(x->db, x->admin, &cs, &w->c), "buy");
	must(autolic_seat_grant(x->db, x->admin, w->c, "cad", x->user), "grant");
	must(autolic_seat_grant(x->db, x->admin, w->c, "cad", w->u2), "grant");
	/* Flex: a lot and a charged window, with an idempotency key */
	fx_buy(x, 50, T0 - DAY);
	autolic_flex_result res;
	must(fx_launch(x, "autocad", T0, &res), "launch");
	/* Fusion Operations: a subscription, a hub in trial with an operator */
	autolic_ops_subscription_spec ss = AUTOLIC_OPS_SUBSCRIPTION_SPEC_INIT;
	ss.tenant = x->admin;
	ss.kind = AUTOLIC_OPS_SHOP_FLOOR;
	ss.quantity = 2;
	ss.end = T0 + 365 * DAY;
	must(autolic_ops_subscription_buy(x->db, x->admin, &ss, NULL), "subscription");
	autolic_ops_hub_spec hs = AUTOLIC_OPS_HUB_SPEC_INIT;
	hs.name = "Plant";
	hs.tenant = x->admin;
	hs.trial_operators = 3;
	must(autolic_ops_hub_create(x->db, x->admin, &hs, &w->hub), "hub");
	autolic_ops_operator_spec os = AUTOLIC_OPS_OPERATOR_SPEC_INIT;
	os.number = "OP-1";
	os.name = "Op One";
	must(autolic_ops_operator_add(x->db, x->admin, w->hub, &os, NULL), "operator");
	must(autolic_db_check(x->db), "check of the intact store");
}

/* ---- raw access to the stored records ---- */

typedef struct raw {
	al_key k;                           /* the record to change (found by prefix when `find`) */
	int find;                           /* take the first key under k instead */
	void (*edit)(al_buf *b, void *arg); /* NULL: delete the record */
	void *arg;
} raw;

static int first_cb(const void *key, size_t kl, const void *v, size_t vl, void *arg)
{
	(void)v, (void)vl;
	al_key *k = arg;
	memcpy(k->b, key, kl);
	k->len = kl;
	return 1; /* stop at the first */
}

static int raw_fn(al_txn *t, void *arg)
{
	raw *r = arg;
	if (r->find) {
		al_key p = r->k;
		int rc = al_txn_scan_prefix(t, &p, first_cb, &r->k);
		if (rc != 1)
			return rc ? rc : AUTOLIC_ENOTFOUND;
		r->find = 0;
	}
	if (!r->edit)
		return al_txn_del(t, &r->k);
	al_buf b;
	al_buf_init(&b, t->a);
	int rc = al_txn_get(t, &r->k, &b);
	if (!rc) {
		r->edit(&b, r->arg);
		rc = al_txn_put_raw(t, &r->k, b.p, b.len);
	}
	al_buf_free(&b);
	return rc;
}

static void raw_apply(world *w, raw *r)
{
	must(al_run(w->x.db, 1, raw_fn, r), "raw write");
}

/* Set the byte at offset `at` (a negative offset counts from the end). */
typedef struct byte_at {
	long at;
	unsigned char v;
} byte_at;

static void set_byte(al_buf *b, void *arg)
{
	byte_at *e = arg;
	size_t i = e->at < 0 ? b->len - (size_t)(-e->at) : (size_t)e->at;
	b->p[i] = e->v;
}

/* Replace the record by a u64 record of the same tag: the seat count. */
static void set_u64(al_buf *b, void *arg)
{
	uint64_t v = *(uint64_t *)arg;
	for (int i = 0; i < 8; i++)
		b->p[2 + i] = (unsigned char)(v >> (8 * i));
}

/* Add to the u64 at offset len-16 (a hub's count of licensed operators). */
static void bump_u64_at_end16(al_buf *b, void *arg)
{
	(void)arg;
	b->p[b->len - 16]++;
}

static void expect_corrupt(world *w, const char *want)
{
	int rc = autolic_db_check(w->x.db);
	const char *msg = autolic_errmsg();
	if (rc != AUTOLIC_ECORRUPT || !strstr(msg, want))
		fail_msg("autolic_db_check: %d '%s', expected AUTOLIC_ECORRUPT naming '%s'", rc,
		         msg, want);
}

/* ---- tests ---- */

static void test_intact_store_passes(void **state)
{
	(void)state;
	world w;
	world_open(&w);
	assert_int_equal(autolic_db_check(NULL), AUTOLIC_EINVAL);
	/* later calls keep it consistent: a revoke, a quantity cut, a hand-over */
	must(autolic_seat_revoke(w.x.db, w.x.admin, w.c, "cad", w.u2), "revoke");
	must(autolic_db_check(w.x.db), "check after a revoke");
	must(autolic_team_add_admin(w.x.db, w.x.admin, w.x.team, w.u2), "add admin");
	must(autolic_db_check(w.x.db), "check after an admin");
	fx_close(&w.x);
}

/* A seat count of 4294967295 for a product of 3 seats: the summary reports
 * it (SEAT-2) instead of showing 0 available; the check names SEAT-1 (the
 * count is not the grants). */
static void test_seat_count_damaged(void **state)
{
	(void)state;
	world w;
	world_open(&w);
	uint64_t v = 4294967295u;
	raw r = {.edit = set_u64, .arg = &v};
	al_key_init(&r.k, AL_K_SEAT_COUNT);
	al_key_u64(&r.k, w.c);
	al_key_str(&r.k, "cad");
	raw_apply(&w, &r);
	autolic_seat_summary s;
	memset(&s, 0, sizeof s);
	s.version = AUTOLIC_SEAT_SUMMARY_VERSION;
	assert_int_equal(autolic_seat_summary_get(w.x.db, w.c, "cad", &s), AUTOLIC_ECORRUPT);
	assert_non_null(strstr(autolic_errmsg(), "SEAT-2"));
	autolic_id u3 = t_register(w.x.db, "u3@example.com", "U", "Three");
	assert_int_equal(autolic_seat_grant(w.x.db, w.x.admin, w.c, "cad", u3), AUTOLIC_ECORRUPT);
	expect_corrupt(&w, "SEAT-1");
	/* a count no u32 quantity can reach: the record itself is refused */
	v = (uint64_t)1 << 40;
	raw_apply(&w, &r);
	assert_int_equal(autolic_seat_summary_get(w.x.db, w.c, "cad", &s), AUTOLIC_ECORRUPT);
	assert_non_null(strstr(autolic_errmsg(), "seat count record"));
	expect_corrupt(&w, "granted count");
	fx_close(&w.x);
}

/* Counts equal to the grants, but the product's quantity lowered raw below
 * them (to 1 of the 3 bought, with 2 granted): SEAT-2. */
static void test_seat_count_above_quantity(void **state)
{
	(void)state;
	world w;
	world_open(&w);
	byte_at e = {7, 1}; /* 'cad' (2 + 3 bytes), then the quantity's low byte */
	raw r = {.edit = set_byte, .arg = &e};
	al_key_init(&r.k, AL_K_CONTRACT_PRODUCT);
	al_key_u64(&r.k, w.c);
	al_key_str(&r.k, "cad");
	raw_apply(&w, &r);
	expect_corrupt(&w, "SEAT-2");
	fx_close(&w.x);
}

/* One grant less than the count says (its records deleted raw). */
static void test_seat_grant_missing(void **state)
{
	(void)state;
	world w;
	world_open(&w);
	raw r = {.find = 1};
	al_key_init(&r.k, AL_K_ACCOUNT_SEAT);
	raw_apply(&w, &r);
	expect_corrupt(&w, "SEAT-1");
	fx_close(&w.x);
}

/* A secondary administrator's role record made primary: two primaries. */
static void test_role_damaged(void **state)
{
	(void)state;
	world w;
	world_open(&w);
	must(autolic_team_add_admin(w.x.db, w.x.admin, w.x.team, w.u2), "add admin");
	byte_at e = {2, AL_ROLE_PRIMARY};
	raw r = {.edit = set_byte, .arg = &e};
	al_key_init(&r.k, AL_K_TEAM_MEMBER);
	al_key_u64(&r.k, w.x.team);
	al_key_u64(&r.k, w.u2);
	raw_apply(&w, &r);
	expect_corrupt(&w, "ROLE-3");
	/* a role outside the enum is refused by the decoder */
	e.v = 9;
	raw_apply(&w, &r);
	expect_corrupt(&w, "role 9");
	fx_close(&w.x);
}

/* Another account given the contract manager's role bit: two managers. */
typedef struct put_args {
	al_key k;
	const unsigned char *v;
	size_t n;
} put_args;

static int put_fn(al_txn *t, void *arg)
{
	put_args *p = arg;
	return al_txn_put_raw(t, &p->k, p->v, p->n);
}

static void test_second_manager(void **state)
{
	(void)state;
	world w;
	world_open(&w);
	must(autolic_team_add_admin(w.x.db, w.x.admin, w.x.team, w.u2), "add admin");
	unsigned char rec[] = {AL_REC_V1, AL_K_ACCOUNT_CONTRACT, 1};
	put_args pa = {.v = rec, .n = sizeof rec};
	al_key_init(&pa.k, AL_K_ACCOUNT_CONTRACT);
	al_key_u64(&pa.k, w.u2);
	al_key_u64(&pa.k, w.c);
	must(al_run(w.x.db, 1, put_fn, &pa), "raw put");
	expect_corrupt(&w, "ROLE-2");
	/* role bits outside 1..3 are refused by the decoder */
	rec[2] = 4;
	must(al_run(w.x.db, 1, put_fn, &pa), "raw put");
	expect_corrupt(&w, "role bits (4)");
	fx_close(&w.x);
}

/* A member missing from the account -> team index. */
static void test_member_index(void **state)
{
	(void)state;
	world w;
	world_open(&w);
	raw r = {0};
	al_key_init(&r.k, AL_K_MEMBER_TEAM);
	al_key_u64(&r.k, w.u2);
	al_key_u64(&r.k, w.x.team);
	raw_apply(&w, &r);
	expect_corrupt(&w, "SEAM-3");
	fx_close(&w.x);
}

/* Both membership records of an account removed: the index agrees with
 * itself, but the account still holds a seat of the team (SEAM-3). */
static void drop_member(world *w, autolic_id account)
{
	raw r = {0};
	al_key_init(&r.k, AL_K_MEMBER_TEAM);
	al_key_u64(&r.k, account);
	al_key_u64(&r.k, w->x.team);
	raw_apply(w, &r);
	memset(&r, 0, sizeof r);
	al_key_init(&r.k, AL_K_TEAM_MEMBER);
	al_key_u64(&r.k, w->x.team);
	al_key_u64(&r.k, account);
	raw_apply(w, &r);
}

static void test_seat_holder_not_member(void **state)
{
	(void)state;
	world w;
	world_open(&w);
	drop_member(&w, w.u2);
	expect_corrupt(&w, "SEAM-3");
	assert_non_null(strstr(autolic_errmsg(), "holds a seat"));
	fx_close(&w.x);
}

/* A Flex user (no seat) left outside the team (SEAM-3). */
static void test_flex_user_not_member(void **state)
{
	(void)state;
	world w;
	world_open(&w);
	autolic_id u3 = t_register(w.x.db, "u3@example.com", "Uma", "Three");
	fx_assign_all(&w.x, w.x.team, u3);
	must(autolic_db_check(w.x.db), "check after the assignment");
	drop_member(&w, u3);
	expect_corrupt(&w, "SEAM-3");
	assert_non_null(strstr(autolic_errmsg(), "Flex user"));
	fx_close(&w.x);
}

/* An email index entry removed. */
static void test_email_index(void **state)
{
	(void)state;
	world w;
	world_open(&w);
	raw r = {0};
	al_key_init(&r.k, AL_K_ACCOUNT_EMAIL);
	al_key_str(&r.k, "u2@example.com");
	raw_apply(&w, &r);
	expect_corrupt(&w, "ACCT-1");
	fx_close(&w.x);
}

/* A hub counting one licensed operator more than it holds. */
static void test_operator_licence_count(void **state)
{
	(void)state;
	world w;
	world_open(&w);
	raw r = {.edit = bump_u64_at_end16};
	al_key_init(&r.k, AL_K_OPS_HUB);
	al_key_u64(&r.k, w.hub);
	raw_apply(&w, &r);
	expect_corrupt(&w, "OPS-4");
	fx_close(&w.x);
}

/* A ledger entry with a valid record but an entry type of 131 or 186: the
 * ledger reader refuses it (it used to shift by the type) and so does the
 * check. */
static void test_ledger_type(void **state)
{
	(void)state;
	unsigned char types[] = {0, 8, 131, 186};
	for (size_t i = 0; i < sizeof types; i++) {
		world w;
		world_open(&w);
		byte_at e = {2, types[i]};
		raw r = {.find = 1, .edit = set_byte, .arg = &e};
		al_key_init(&r.k, AL_K_FLEX_LEDGER);
		al_key_u64(&r.k, w.x.team);
		raw_apply(&w, &r);
		autolic_flex_ledger_iter *it = NULL;
		int rc = autolic_flex_ledger_open(w.x.db, w.x.team, 0, INT64_MAX,
		                                  AUTOLIC_FLEX_MASK_ALL, &it);
		if (!rc) {
			autolic_flex_entry en;
			memset(&en, 0, sizeof en);
			en.version = AUTOLIC_FLEX_ENTRY_VERSION;
			while ((rc = autolic_flex_ledger_next(it, &en)) == 0)
				;
			autolic_flex_ledger_free(it);
		}
		assert_int_equal(rc, AUTOLIC_ECORRUPT);
		char want[64];
		snprintf(want, sizeof want, "invalid entry type (%u)", types[i]);
		if (!strstr(autolic_errmsg(), want))
			fail_msg("ledger: '%s', expected '%s'", autolic_errmsg(), want);
		expect_corrupt(&w, want);
		fx_close(&w.x);
	}
}

/* Flags, enums and quantities of other records: an account state, an
 * operator flag, a contract product's quantity, a seat's origin, a Flex
 * team's flag, a session's state, a stored report's kind; the message names
 * the record, its tag and the field. */
static void test_other_enums(void **state)
{
	(void)state;
	struct {
		uint8_t prefix;
		long at;
		unsigned char v;
		const char *want;
	} cases[] = {
	    /* the state before 3 x 8 bytes */
	    {AL_K_ACCOUNT, -25, 9, "account record (tag 0x10) holds an invalid state (9)"},
	    /* see op_store */
	    {AL_K_OPS_OPERATOR, -35, 2,
	     "operator record (tag 0x67) holds an invalid active flag (2)"},
	    /* 'cad' (2 + 3 bytes) then quantity: above the 3 seats bought (ROLE-9) */
	    {AL_K_CONTRACT_PRODUCT, 7, 9,
	     "contract product record (tag 0x34) holds an invalid quantity "
	     "(above the seats bought) (9)"},
	    {AL_K_SEAT, -1, 4, "seat record (tag 0x40) holds an invalid origin (4)"},
	    /* three i64 policy fields, then the low-balance flag */
	    {AL_K_FLEX_TEAM, 26, 2,
	     "Flex team record (tag 0x52) holds an invalid low-balance flag (2)"},
	    /* three ids, then 'autocad' (2 + 7 bytes), then the state */
	    {AL_K_FLEX_SESSION, 35, 9, "Flex session record (tag 0x59) holds an invalid state (9)"},
	    /* the report kind comes first */
	    {AL_K_FLEX_IDEM, 2, 0,
	     "Flex idempotency record (tag 0x5b) holds an invalid report kind (0)"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		world w;
		world_open(&w);
		byte_at e = {cases[i].at, cases[i].v};
		raw r = {.find = 1, .edit = set_byte, .arg = &e};
		al_key_init(&r.k, cases[i].prefix);
		raw_apply(&w, &r);
		expect_corrupt(&w, cases[i].want);
		fx_close(&w.x);
	}
}

/* ---- record names ---- */

static int tags_cb(const void *key, size_t kl, const void *v, size_t vl, void *arg)
{
	(void)v, (void)vl;
	unsigned char *seen = arg;
	if (kl == 0)
		return AUTOLIC_ECORRUPT;
	seen[*(const unsigned char *)key] = 1;
	return 0;
}

static int tags_fn(al_txn *t, void *arg)
{
	al_key from;
	al_key_init(&from, 0);
	return al_txn_scan(t, &from, NULL, tags_cb, arg);
}

/* The decoders name the record they refuse ("seat count record (tag 0x42)
 * holds an invalid ..."). The world above, with a developer hub, an
 * application and an appointed hub administrator, an update offer, a Fusion
 * Operations admin, user and operator made from that user, a Flex trial and
 * an expired lot, a notification consumer's acknowledgement, stores records of every tag the
 * library has: each tag stored has a name, no other tag has a name ("unknown"), and no two tags
 * share one. */
static void test_record_names(void **state)
{
	(void)state;
	world w;
	world_open(&w);
	fx *x = &w.x;
	autolic_id dev_hub, u3 = t_register(x->db, "u3@example.com", "Ugo", "Three");
	must(autolic_hub_create(x->db, x->admin, x->team, "Dev", &dev_hub), "developer hub");
	must(autolic_hub_app_create(x->db, x->admin, dev_hub, "App", NULL), "application");
	must(autolic_hub_add_admin(x->db, x->admin, dev_hub, x->user), "hub admin");
	must(autolic_contract_update_offer(x->db, x->admin, w.c, "CAD", "cad-2027", 1), "offer");
	must(autolic_ops_admin_add(x->db, x->admin, x->admin, u3), "operations admin");
	autolic_ops_subscription_spec ss = AUTOLIC_OPS_SUBSCRIPTION_SPEC_INIT;
	ss.tenant = x->admin;
	ss.kind = AUTOLIC_OPS_USER;
	ss.quantity = 1;
	ss.end = T0 + 365 * DAY;
	must(autolic_ops_subscription_buy(x->db, x->admin, &ss, NULL), "user subscription");
	must(autolic_ops_user_add(x->db, x->admin, w.hub, w.u2), "operations user");
	must(autolic_ops_operator_from_user(x->db, x->admin, w.hub, w.u2, "OP-2", NULL),
	     "operator from a user");
	must(autolic_flex_trial_add(x->db, x->user, x->user, "revit", T0, T0 + 7 * DAY), "trial");
	fx_buy(x, 5, T0 - 300 * DAY); /* it expires 65 days after T0 */
	autolic_flex_result res;
	must(fx_launch(x, "maya", T0 + 70 * DAY, &res), "launch after the expiry");
	must(autolic_db_check(x->db), "check");
	/* NOTE-2: a consumer that acknowledged a notice */
	must(autolic_note_consumer_add(x->db, "mailer"), "notification consumer");
	autolic_note_iter *it;
	must(autolic_note_iter_new(x->db, "mailer", 1, &it), "notices");
	autolic_notice n = {.version = AUTOLIC_NOTICE_VERSION};
	must(autolic_note_iter_next(it, &n), "a notice");
	must(autolic_note_ack(x->db, "mailer", n.stream, n.position), "acknowledgement");
	autolic_note_iter_free(it);

	unsigned char stored[256] = {0};
	must(al_run(x->db, 0, tags_fn, stored), "scan");
	int kinds = 0;
	for (int tag = 0; tag < 256; tag++) {
		const char *name = al_rec_name((uint8_t)tag);
		int named = strcmp(name, "unknown") != 0;
		kinds += stored[tag];
		if (stored[tag] && !named)
			fail_msg("records of tag 0x%02x are stored but have no name", tag);
		if (!stored[tag] && named)
			fail_msg("tag 0x%02x is named '%s' but no record has it", tag, name);
		for (int other = tag + 1; named && other < 256; other++)
			if (!strcmp(name, al_rec_name((uint8_t)other)))
				fail_msg("tags 0x%02x and 0x%02x are both named '%s'", tag, other,
				         name);
	}
	assert_int_equal(kinds, 53); /* keys.h: every prefix but the range markers */
	assert_string_equal(al_rec_name(AL_K_SEAT_COUNT), "seat count");
	assert_string_equal(al_rec_name(0x00), "unknown");
	assert_string_equal(al_rec_name(AL_K_REPORT_FIRST), "unknown");
	assert_string_equal(al_rec_name(0xff), "unknown");
	fx_close(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_intact_store_passes),
	    cmocka_unit_test(test_seat_count_damaged),
	    cmocka_unit_test(test_seat_count_above_quantity),
	    cmocka_unit_test(test_seat_grant_missing),
	    cmocka_unit_test(test_role_damaged),
	    cmocka_unit_test(test_second_manager),
	    cmocka_unit_test(test_member_index),
	    cmocka_unit_test(test_seat_holder_not_member),
	    cmocka_unit_test(test_flex_user_not_member),
	    cmocka_unit_test(test_email_index),
	    cmocka_unit_test(test_operator_licence_count),
	    cmocka_unit_test(test_ledger_type),
	    cmocka_unit_test(test_other_enums),
	    cmocka_unit_test(test_record_names),
	};
	return t_run_group("db_check", tests, NULL, NULL);
}
