/* Seats: SEAT-1..SEAT-5, ROLE-6/7 for who may change them, FLEX-6's al_seat_held. */
#include "seat_fixture.h"
#include "team.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T0  1700000000
#define DAY 86400

typedef struct fx {
	t_faulty f;
	t_clock c;
	t_events e;
	t_alloc al;
	autolic_allocator alloc;
	autolic_db *db;
	autolic_id cm, sc, outsider, u[6];
	autolic_id k; /* acad: 2 seats, revit: 3, maya: 1 */
} fx;

static const char *K_PRODUCTS[] = {"acad", "revit", "maya"};
static const int64_t K_QTY[] = {2, 3, 1};

static int setup(void **state)
{
	fx *x = calloc(1, sizeof(*x));
	assert_non_null(x);
	x->c.now = T0;
	x->alloc = t_alloc_make(&x->al);
	x->db = t_open(&x->f, &x->c, &x->e, &x->alloc);
	x->cm = t_register(x->db, "cm@example.com", "Carla", "Manager");
	x->sc = t_register(x->db, "sc@example.com", "Sam", "Coordinator");
	x->outsider = t_register(x->db, "out@example.com", "Otto", "Side");
	for (int i = 0; i < 6; i++) {
		char email[64];
		snprintf(email, sizeof email, "user%d@example.com", i);
		x->u[i] = t_register(x->db, email, "User", "Number");
	}
	x->k = seat_contract(x->db, x->cm, x->sc, K_PRODUCTS, K_QTY, 3, T0 - DAY, T0 + 365 * DAY);
	x->e.n = 0;
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	fx *x = *state;
	autolic_db_close(x->db);
	assert_int_equal(x->al.live, 0);
	free(x);
	return 0;
}

static void dump(fx *x, t_dump *d)
{
	t_dump_store(&x->f.inner, d);
}

/* Run `call`, expect `code`, and check the store and the events did not move. */
#define EXPECT_REFUSED(x, code, call)                                                              \
	do {                                                                                       \
		t_dump before_, after_;                                                            \
		size_t ev_ = (x)->e.n;                                                             \
		dump((x), &before_);                                                               \
		int rc_ = (call);                                                                  \
		if (rc_ != (code))                                                                 \
			fail_msg("%s: got %d (%s), expected %d", #call, rc_, autolic_errmsg(),     \
			         (code));                                                          \
		dump((x), &after_);                                                                \
		assert_true(t_dump_equal(&before_, &after_));                                      \
		assert_int_equal((x)->e.n, ev_);                                                   \
		t_dump_free(&before_);                                                             \
		t_dump_free(&after_);                                                              \
	} while (0)

#define OK(call)                                                                                   \
	do {                                                                                       \
		int rc_ = (call);                                                                  \
		if (rc_)                                                                           \
			fail_msg("%s: %d %s", #call, rc_, autolic_errmsg());                       \
	} while (0)

static autolic_seat_summary summary(fx *x, autolic_id contract, const char *product)
{
	autolic_seat_summary s = {.version = AUTOLIC_SEAT_SUMMARY_VERSION};
	OK(autolic_seat_summary_get(x->db, contract, product, &s));
	return s;
}

static uint32_t granted(fx *x, autolic_id contract, const char *product)
{
	return summary(x, contract, product).granted;
}

/* Products a user holds, as "contract:product,..." */
static void holdings(fx *x, autolic_id user, char *out, size_t cap)
{
	autolic_seat_iter *it;
	OK(autolic_seat_user_products(x->db, user, &it));
	autolic_seat_entry e = {.version = AUTOLIC_SEAT_ENTRY_VERSION};
	out[0] = 0;
	int rc;
	while ((rc = autolic_seat_iter_next(it, &e)) == 0) {
		size_t l = strlen(out);
		snprintf(out + l, cap - l, "%s%llu:%s", l ? "," : "",
		         (unsigned long long)e.contract, e.product);
	}
	assert_int_equal(rc, AUTOLIC_ITEROVER);
	autolic_seat_iter_free(it);
}

static size_t count_users(fx *x, autolic_id contract, const char *product, autolic_id *ids)
{
	autolic_seat_iter *it;
	OK(autolic_seat_product_users(x->db, contract, product, &it));
	autolic_seat_entry e = {.version = AUTOLIC_SEAT_ENTRY_VERSION};
	size_t n = 0;
	while (autolic_seat_iter_next(it, &e) == 0) {
		if (ids)
			ids[n] = e.user;
		n++;
	}
	autolic_seat_iter_free(it);
	return n;
}

/* An account stored in a given state (invitations come with contracts/teams). */
typedef struct acct_args {
	autolic_account_info info;
} acct_args;

static int acct_fn(al_txn *t, void *arg)
{
	acct_args *a = arg;
	int rc = al_txn_seq_next(t, "account", &a->info.id);
	return rc ? rc : al_account_store(t, &a->info, 1);
}

static autolic_id account_in_state(fx *x, const char *email, int state, autolic_time inv_expires)
{
	acct_args a;
	memset(&a, 0, sizeof a);
	a.info.version = AUTOLIC_ACCOUNT_INFO_VERSION;
	snprintf(a.info.email, sizeof a.info.email, "%s", email);
	snprintf(a.info.language, sizeof a.info.language, "en");
	a.info.state = state;
	a.info.created = x->c.now;
	a.info.invitation_expires = inv_expires;
	OK(al_run(x->db, 1, acct_fn, &a));
	return a.info.id;
}

typedef struct held_args {
	autolic_id account;
	const char *product;
	int held;
	autolic_time at; /* 0: the clock's now */
} held_args;

static int held_fn(al_txn *t, void *arg)
{
	held_args *h = arg;
	return al_seat_held(t, h->account, h->product, h->at ? h->at : t->now, &h->held);
}

static int held_at(fx *x, autolic_id account, const char *product, autolic_time at)
{
	held_args h = {account, product, -1, at};
	OK(al_run(x->db, 0, held_fn, &h));
	return h.held;
}

static int held(fx *x, autolic_id account, const char *product)
{
	return held_at(x, account, product, 0);
}

static int release_fn(al_txn *t, void *arg)
{
	return al_seat_release_all(t, *(autolic_id *)arg);
}

/* ---- SEAT-1 ---- */

/* SEAT-1: granting takes one seat, revoking frees it. */
static void seat1_grant_takes_revoke_frees(void **state)
{
	fx *x = *state;
	OK(autolic_seat_grant(x->db, x->cm, x->k, "revit", x->u[0]));
	autolic_seat_summary s = summary(x, x->k, "revit");
	assert_int_equal(s.quantity, 3);
	assert_int_equal(s.granted, 1);
	assert_int_equal(s.available, 2);
	assert_int_equal(s.active, 1);
	assert_int_equal(s.team, seat_contract_team(x->db, x->k));
	OK(autolic_seat_grant(x->db, x->sc, x->k, "revit", x->u[1])); /* the coordinator may too */
	assert_int_equal(granted(x, x->k, "revit"), 2);
	OK(autolic_seat_revoke(x->db, x->cm, x->k, "revit", x->u[0]));
	s = summary(x, x->k, "revit");
	assert_int_equal(s.granted, 1);
	assert_int_equal(s.available, 2);
	assert_string_equal(autolic_errmsg(), "");
	char h[256];
	holdings(x, x->u[1], h, sizeof h);
	char want[64];
	snprintf(want, sizeof want, "%llu:revit", (unsigned long long)x->k);
	assert_string_equal(h, want);
	holdings(x, x->u[0], h, sizeof h);
	assert_string_equal(h, "");
}

/* SEAT-1: at most one seat per user per product, on this or another active contract. */
static void seat1_one_seat_per_user_per_product(void **state)
{
	fx *x = *state;
	OK(autolic_seat_grant(x->db, x->cm, x->k, "revit", x->u[0]));
	EXPECT_REFUSED(x, AUTOLIC_EEXISTS,
	               autolic_seat_grant(x->db, x->cm, x->k, "revit", x->u[0]));
	assert_non_null(strstr(autolic_errmsg(), "SEAT-1"));
	assert_int_equal(granted(x, x->k, "revit"), 1);
	/* another product is another seat */
	OK(autolic_seat_grant(x->db, x->cm, x->k, "acad", x->u[0]));
	/* a second active contract for the same product */
	const char *p[] = {"revit"};
	const int64_t q[] = {5};
	autolic_id k2 = seat_contract(x->db, x->cm, 0, p, q, 1, T0 - DAY, T0 + DAY);
	EXPECT_REFUSED(x, AUTOLIC_EEXISTS, autolic_seat_grant(x->db, x->cm, k2, "revit", x->u[0]));
	assert_non_null(strstr(autolic_errmsg(), "SEAT-1"));
	OK(autolic_seat_grant(x->db, x->cm, k2, "revit", x->u[1]));
	/* an ended contract's grant grants nothing, so it does not block a new one */
	const char *p4[] = {"maya"};
	autolic_id k4 = seat_contract(x->db, x->cm, 0, p4, q, 1, T0 - DAY, T0 + DAY);
	OK(autolic_seat_grant(x->db, x->cm, k4, "maya", x->u[2]));
	x->c.now = T0 + 2 * DAY; /* k4 ended */
	OK(autolic_seat_grant(x->db, x->cm, x->k, "maya", x->u[2]));
}

/* ---- SEAT-2 ---- */

/* SEAT-2: a grant beyond the quantity is refused, changes nothing, and
 * the availability is readable. */
static void seat2_beyond_quantity_refused(void **state)
{
	fx *x = *state;
	OK(autolic_seat_grant(x->db, x->cm, x->k, "acad", x->u[0]));
	OK(autolic_seat_grant(x->db, x->cm, x->k, "acad", x->u[1]));
	autolic_seat_summary s = summary(x, x->k, "acad");
	assert_int_equal(s.available, 0);
	char number[32];
	snprintf(number, sizeof number, "contract %s", t_contract_number(x->db, x->k));
	EXPECT_REFUSED(x, AUTOLIC_ENOSEAT, autolic_seat_grant(x->db, x->cm, x->k, "acad", x->u[2]));
	assert_non_null(strstr(autolic_errmsg(), "SEAT-2: all seats in use"));
	assert_non_null(strstr(autolic_errmsg(), "2 of 2"));
	/* the same refusal as fields: the contract by its number, the product, 2 of 2 */
	assert_non_null(strstr(autolic_errmsg(), number));
	autolic_error_info e = {.version = AUTOLIC_ERROR_INFO_VERSION};
	assert_int_equal(autolic_error_last(&e), 0);
	assert_int_equal(e.code, AUTOLIC_ENOSEAT);
	assert_string_equal(e.rule, "SEAT-2");
	assert_int_equal(e.object_count, 2);
	assert_int_equal(e.objects[0].kind, AUTOLIC_OBJECT_CONTRACT);
	assert_int_equal(e.objects[0].id, x->k);
	assert_string_equal(e.objects[0].name, number + strlen("contract "));
	assert_int_equal(e.objects[1].kind, AUTOLIC_OBJECT_PRODUCT);
	assert_string_equal(e.objects[1].name, "acad");
	assert_int_equal(e.number_count, 2);
	assert_string_equal(e.numbers[0].name, "used");
	assert_int_equal(e.numbers[0].value, 2);
	assert_string_equal(e.numbers[1].name, "limit");
	assert_int_equal(e.numbers[1].value, 2);
	assert_int_equal(granted(x, x->k, "acad"), 2);
	/* freeing one lets the next in */
	OK(autolic_seat_revoke(x->db, x->cm, x->k, "acad", x->u[0]));
	OK(autolic_seat_grant(x->db, x->cm, x->k, "acad", x->u[2]));
	assert_int_equal(summary(x, x->k, "acad").available, 0);
}

/* SEAT-2: the per-contract summary lists every product, granted or not. */
static void seat2_contract_summary(void **state)
{
	fx *x = *state;
	OK(autolic_seat_grant(x->db, x->cm, x->k, "revit", x->u[0]));
	OK(autolic_seat_grant(x->db, x->cm, x->k, "revit", x->u[1]));
	OK(autolic_seat_grant(x->db, x->cm, x->k, "maya", x->u[1]));
	autolic_seat_summary_iter *it;
	OK(autolic_seat_contract_summary(x->db, x->k, &it));
	autolic_seat_summary s = {.version = AUTOLIC_SEAT_SUMMARY_VERSION};
	const char *want_p[] = {"acad", "maya", "revit"}; /* product code order */
	uint32_t want_q[] = {2, 1, 3}, want_g[] = {0, 1, 2};
	for (int i = 0; i < 3; i++) {
		OK(autolic_seat_summary_iter_next(it, &s));
		assert_string_equal(s.product, want_p[i]);
		assert_int_equal(s.quantity, want_q[i]);
		assert_int_equal(s.granted, want_g[i]);
		assert_int_equal(s.available, want_q[i] - want_g[i]);
		assert_int_equal(s.contract, x->k);
	}
	assert_int_equal(autolic_seat_summary_iter_next(it, &s), AUTOLIC_ITEROVER);
	autolic_seat_summary_iter_free(it);
	/* product users: oldest grant first */
	autolic_id ids[4];
	OK(autolic_seat_grant(x->db, x->cm, x->k, "revit", x->u[5]));
	assert_int_equal(count_users(x, x->k, "revit", ids), 3);
	assert_int_equal(ids[0], x->u[0]);
	assert_int_equal(ids[1], x->u[1]);
	assert_int_equal(ids[2], x->u[5]);
	autolic_seat_iter *ui;
	OK(autolic_seat_product_users(x->db, x->k, "revit", &ui));
	autolic_seat_entry e = {.version = AUTOLIC_SEAT_ENTRY_VERSION};
	/* a successful call leaves no message, even after a refusal */
	assert_int_equal(autolic_seat_grant(x->db, x->cm, x->k, "nosuch", x->u[0]),
	                 AUTOLIC_ENOTFOUND);
	assert_string_not_equal(autolic_errmsg(), "");
	OK(autolic_seat_iter_next(ui, &e));
	assert_string_equal(autolic_errmsg(), "");
	assert_int_equal(e.granted_by, x->cm);
	assert_int_equal(e.granted_at, T0);
	assert_int_equal(e.origin, AUTOLIC_SEAT_ORIGIN_GRANT);
	assert_int_equal(e.active, 1);
	autolic_seat_iter_free(ui);
	/* snapshot: a later change does not show in an iterator taken before */
	OK(autolic_seat_contract_summary(x->db, x->k, &it));
	OK(autolic_seat_grant(x->db, x->cm, x->k, "acad", x->u[0]));
	assert_int_equal(autolic_seat_grant(x->db, x->cm, x->k, "nosuch", x->u[0]),
	                 AUTOLIC_ENOTFOUND);
	OK(autolic_seat_summary_iter_next(it, &s));
	assert_string_equal(autolic_errmsg(), "");
	assert_string_equal(s.product, "acad");
	assert_int_equal(s.granted, 0);
	autolic_seat_summary_iter_free(it);
}

/* ---- SEAT-3 ---- */

/* SEAT-3: grants and revokes one by one notify the user; an import does not. */
static void seat3_notifications(void **state)
{
	fx *x = *state;
	OK(autolic_seat_grant(x->db, x->cm, x->k, "revit", x->u[0]));
	assert_int_equal(x->e.n, 1);
	t_event *ev = &x->e.v[0];
	assert_int_equal(ev->type, AUTOLIC_EVENT_SEAT_GRANTED);
	assert_int_equal(ev->recipient, x->u[0]);
	assert_int_equal(ev->object, x->k);
	assert_int_equal(ev->team, seat_contract_team(x->db, x->k));
	assert_string_equal(ev->product, "revit");
	assert_string_equal(ev->rule, "SEAT-3");
	OK(autolic_seat_revoke(x->db, x->sc, x->k, "revit", x->u[0]));
	assert_int_equal(x->e.n, 2);
	assert_int_equal(x->e.v[1].type, AUTOLIC_EVENT_SEAT_REVOKED);
	assert_int_equal(x->e.v[1].recipient, x->u[0]);
	/* bulk import: no notification */
	autolic_id users[] = {x->u[0], x->u[1], x->u[1]};
	const char *prods[] = {"revit", "revit", "acad"};
	OK(autolic_seat_import(x->db, x->cm, x->k, users, prods, 3, NULL));
	assert_int_equal(x->e.n, 2);
	assert_int_equal(granted(x, x->k, "revit"), 2);
	assert_int_equal(granted(x, x->k, "acad"), 1);
	autolic_seat_iter *it;
	OK(autolic_seat_product_users(x->db, x->k, "acad", &it));
	autolic_seat_entry e = {.version = AUTOLIC_SEAT_ENTRY_VERSION};
	OK(autolic_seat_iter_next(it, &e));
	assert_int_equal(e.origin, AUTOLIC_SEAT_ORIGIN_IMPORT);
	autolic_seat_iter_free(it);
	/* the edit-access dialog is one user's edit: it notifies each change */
	const char *set[] = {"maya"};
	OK(autolic_seat_set_access(x->db, x->cm, x->k, x->u[1], set, 1, NULL));
	assert_int_equal(t_events_count(&x->e, AUTOLIC_EVENT_SEAT_GRANTED), 2);
	assert_int_equal(t_events_count(&x->e, AUTOLIC_EVENT_SEAT_REVOKED), 3);
}

/* ---- SEAT-4 ---- */

/* SEAT-4: removing a user frees every seat they held, in one transaction. */
static void seat4_release_all(void **state)
{
	fx *x = *state;
	const char *p[] = {"revit"};
	const int64_t q[] = {1};
	autolic_id k2 =
	    seat_contract(x->db, x->cm, 0, p, q, 1, T0 - 10 * DAY, T0 - DAY); /* ended */
	OK(autolic_seat_grant(x->db, x->cm, x->k, "acad", x->u[0]));
	OK(autolic_seat_grant(x->db, x->cm, x->k, "maya", x->u[0]));
	OK(autolic_seat_grant(x->db, x->cm, x->k, "acad", x->u[1]));
	EXPECT_REFUSED(x, AUTOLIC_EEXPIRED,
	               autolic_seat_import(x->db, x->cm, k2, &x->u[0], p, 1, NULL));
	x->c.now = T0 - 5 * DAY; /* k2 active: the grant there is made in its term */
	OK(autolic_seat_grant(x->db, x->cm, k2, "revit", x->u[0]));
	x->c.now = T0;
	size_t ev = x->e.n;
	autolic_id who = x->u[0];
	OK(al_run(x->db, 1, release_fn, &who));
	char h[256];
	holdings(x, x->u[0], h, sizeof h);
	assert_string_equal(h, "");
	assert_int_equal(granted(x, x->k, "acad"), 1); /* u1 keeps theirs */
	assert_int_equal(granted(x, x->k, "maya"), 0);
	assert_int_equal(granted(x, k2, "revit"), 0);
	assert_int_equal(x->e.n, ev); /* the removal notifies, not the seats */
	/* freed seats are grantable again */
	OK(autolic_seat_grant(x->db, x->cm, x->k, "maya", x->u[2]));
	/* SEAT-4 atomically: a storage failure part-way leaves every seat held */
	OK(autolic_seat_grant(x->db, x->cm, x->k, "acad", x->u[0]));
	OK(autolic_seat_grant(x->db, x->cm, x->k, "revit", x->u[0]));
	t_dump before, after;
	dump(x, &before);
	for (long n = 1;; n++) {
		x->f.fail_at = n;
		x->f.fired = 0;
		int rc = al_run(x->db, 1, release_fn, &who);
		x->f.fail_at = 0;
		if (autolic_db_check(x->db) != 0)
			fail_msg("fault %ld: autolic_db_check: %s", n, autolic_errmsg());
		if (!x->f.fired) {
			OK(rc);
			break;
		}
		assert_int_not_equal(rc, 0);
		dump(x, &after);
		assert_true(t_dump_equal(&before, &after));
		t_dump_free(&after);
	}
	t_dump_free(&before);
	holdings(x, x->u[0], h, sizeof h);
	assert_string_equal(h, "");
}

/* ---- edit access as a set ---- */

static autolic_seat_result item(autolic_seat_report *r, size_t i)
{
	autolic_seat_result res = {.version = AUTOLIC_SEAT_RESULT_VERSION};
	OK(autolic_seat_report_get(r, i, &res));
	return res;
}

/* All-or-nothing edit of one user's products, with a result per product. */
static void set_access_all_or_nothing(void **state)
{
	fx *x = *state;
	OK(autolic_seat_grant(x->db, x->cm, x->k, "acad", x->u[0]));
	OK(autolic_seat_grant(x->db, x->cm, x->k, "revit", x->u[0]));
	OK(autolic_seat_grant(x->db, x->cm, x->k, "maya", x->u[5])); /* maya is full */
	x->e.n = 0;
	const char *want[] = {"revit", "maya"};
	autolic_seat_report *r = NULL;
	EXPECT_REFUSED(x, AUTOLIC_ENOSEAT,
	               autolic_seat_set_access(x->db, x->cm, x->k, x->u[0], want, 2, &r));
	assert_non_null(strstr(autolic_errmsg(), "SEAT-2"));
	assert_non_null(r);
	assert_int_equal(autolic_seat_report_count(r), 3);
	autolic_seat_result a = item(r, 0), b = item(r, 1), c = item(r, 2);
	assert_string_equal(a.product, "revit");
	assert_int_equal(a.action, AUTOLIC_SEAT_KEEP);
	assert_int_equal(a.status, 0);
	assert_string_equal(b.product, "maya");
	assert_int_equal(b.action, AUTOLIC_SEAT_GRANT);
	assert_int_equal(b.status, AUTOLIC_ENOSEAT);
	assert_non_null(strstr(b.message, "SEAT-2"));
	assert_string_equal(c.product, "acad");
	assert_int_equal(c.action, AUTOLIC_SEAT_REVOKE);
	assert_int_equal(c.status, 0);
	assert_int_equal(c.user, x->u[0]);
	autolic_seat_result bad = {.version = AUTOLIC_SEAT_RESULT_VERSION};
	assert_int_equal(autolic_seat_report_get(r, 3, &bad), AUTOLIC_EINVAL);
	autolic_seat_report_free(r);
	/* free maya, save again: applied as a whole */
	OK(autolic_seat_revoke(x->db, x->cm, x->k, "maya", x->u[5]));
	x->e.n = 0;
	OK(autolic_seat_set_access(x->db, x->cm, x->k, x->u[0], want, 2, &r));
	assert_int_equal(autolic_seat_report_count(r), 3);
	assert_int_equal(item(r, 1).action, AUTOLIC_SEAT_GRANT);
	assert_int_equal(item(r, 1).status, 0);
	autolic_seat_report_free(r);
	char h[256], w[256];
	holdings(x, x->u[0], h, sizeof h);
	snprintf(w, sizeof w, "%llu:maya,%llu:revit", (unsigned long long)x->k,
	         (unsigned long long)x->k);
	assert_string_equal(h, w);
	assert_int_equal(t_events_count(&x->e, AUTOLIC_EVENT_SEAT_GRANTED), 1);
	assert_int_equal(t_events_count(&x->e, AUTOLIC_EVENT_SEAT_REVOKED), 1);
	assert_int_equal(granted(x, x->k, "acad"), 0);
	/* an empty set revokes everything on this contract only */
	const char *p[] = {"acad"};
	const int64_t q[] = {1};
	autolic_id k2 = seat_contract(x->db, x->cm, 0, p, q, 1, T0 - DAY, T0 + DAY);
	OK(autolic_seat_grant(x->db, x->cm, k2, "acad", x->u[0]));
	OK(autolic_seat_set_access(x->db, x->cm, x->k, x->u[0], NULL, 0, NULL));
	holdings(x, x->u[0], h, sizeof h);
	snprintf(w, sizeof w, "%llu:acad", (unsigned long long)k2);
	assert_string_equal(h, w);
	/* an unknown product is reported for that product */
	const char *unknown[] = {"revit", "inventor"};
	EXPECT_REFUSED(x, AUTOLIC_ENOTFOUND,
	               autolic_seat_set_access(x->db, x->cm, x->k, x->u[0], unknown, 2, &r));
	assert_int_equal(item(r, 0).status, 0);
	assert_int_equal(item(r, 1).status, AUTOLIC_ENOTFOUND);
	autolic_seat_report_free(r);
}

/* ACCT-5: an import is all-or-nothing and reports each line. */
static void import_all_or_nothing(void **state)
{
	fx *x = *state;
	autolic_id users[] = {x->u[0], 424242, x->u[1], x->u[2]};
	const char *prods[] = {"revit", "revit", "acad", "inventor"};
	autolic_seat_report *r = NULL;
	EXPECT_REFUSED(x, AUTOLIC_ENOTFOUND,
	               autolic_seat_import(x->db, x->cm, x->k, users, prods, 4, &r));
	assert_non_null(strstr(autolic_errmsg(), "line 2"));
	assert_int_equal(autolic_seat_report_count(r), 4);
	assert_int_equal(item(r, 0).status, 0);
	assert_int_equal(item(r, 1).status, AUTOLIC_ENOTFOUND);
	assert_int_equal(item(r, 1).user, 424242);
	assert_int_equal(item(r, 2).status, 0);
	assert_int_equal(item(r, 3).status, AUTOLIC_ENOTFOUND);
	assert_non_null(strstr(item(r, 3).message, "inventor"));
	autolic_seat_report_free(r);
	/* replaying an import keeps what is held */
	OK(autolic_seat_import(x->db, x->cm, x->k, users, prods, 1, NULL));
	OK(autolic_seat_import(x->db, x->cm, x->k, users, prods, 1, &r));
	assert_int_equal(item(r, 0).action, AUTOLIC_SEAT_KEEP);
	autolic_seat_report_free(r);
	assert_int_equal(granted(x, x->k, "revit"), 1);
	/* SEAT-2 inside an import: the third maya line has no seat */
	autolic_id mu[] = {x->u[3], x->u[4]};
	const char *mp[] = {"maya", "maya"};
	EXPECT_REFUSED(x, AUTOLIC_ENOSEAT, autolic_seat_import(x->db, x->cm, x->k, mu, mp, 2, &r));
	assert_int_equal(item(r, 0).status, 0);
	assert_int_equal(item(r, 1).status, AUTOLIC_ENOSEAT);
	autolic_seat_report_free(r);
	assert_int_equal(x->e.n, 0);
}

/* ---- SEAM-3: a seat makes a member ---- */

static int team_role_of(fx *x, autolic_id team, autolic_id account)
{
	int role = -1;
	OK(autolic_team_role_get(x->db, team, account, &role));
	return role;
}

/* Every listing of the team's users, asked whether `account` is in it:
 * 0 in none, 1 in all; a listing that disagrees fails the test. */
static int listed_everywhere(fx *x, autolic_id contract, autolic_id account)
{
	autolic_id team = seat_contract_team(x->db, contract);
	int in_contract = 0, in_accounts = 0, in_teams = 0;
	autolic_contract_member_iter *mi;
	OK(autolic_contract_member_iter_new(x->db, contract, &mi));
	autolic_contract_member m = {.version = AUTOLIC_CONTRACT_MEMBER_VERSION};
	while (autolic_contract_member_iter_next(mi, &m) == 0)
		if (m.account == account) {
			in_contract = 1;
			assert_true(m.roles & AUTOLIC_CONTRACT_ROLE_USER);
			assert_int_equal(m.team_role, team_role_of(x, team, account));
		}
	autolic_contract_member_iter_free(mi);
	autolic_account_iter *ai;
	OK(autolic_account_iter_new(x->db, team, &ai));
	autolic_account_info a = {.version = AUTOLIC_ACCOUNT_INFO_VERSION};
	while (autolic_account_iter_next(ai, &a) == 0)
		in_accounts |= a.id == account;
	autolic_account_iter_free(ai);
	autolic_team_iter *ti;
	OK(autolic_team_iter_new(x->db, account, &ti));
	autolic_team_membership tm = {.version = AUTOLIC_TEAM_MEMBERSHIP_VERSION};
	while (autolic_team_iter_next(ti, &tm) == 0)
		if (tm.team == team) {
			in_teams = 1;
			assert_int_equal(tm.role, team_role_of(x, team, account));
		}
	autolic_team_iter_free(ti);
	int in_role = team_role_of(x, team, account) != AUTOLIC_TEAM_NONE;
	if (in_contract != in_accounts || in_contract != in_teams || in_contract != in_role)
		fail_msg(
		    "account %llu: contract members %d, team accounts %d, its teams %d, role %d",
		    (unsigned long long)account, in_contract, in_accounts, in_teams, in_role);
	return in_contract;
}

/* SEAM-3: a single grant to a registered account that belongs to no team
 * makes it a user of the contract's team, without an invitation; its
 * administrators see it and may remove it, which frees its seats (SEAT-4). */
static void seam3_grant_makes_member(void **state)
{
	fx *x = *state;
	autolic_id team = seat_contract_team(x->db, x->k);
	assert_int_equal(listed_everywhere(x, x->k, x->u[0]), 0);
	OK(autolic_seat_grant(x->db, x->cm, x->k, "acad", x->u[0]));
	OK(autolic_seat_grant(x->db, x->sc, x->k, "revit", x->u[0]));
	assert_int_equal(team_role_of(x, team, x->u[0]), AUTOLIC_TEAM_USER);
	assert_int_equal(listed_everywhere(x, x->k, x->u[0]), 1);
	assert_int_equal(t_events_count(&x->e, AUTOLIC_EVENT_INVITATION_SENT), 0);
	assert_int_equal(t_events_count(&x->e, AUTOLIC_EVENT_SEAT_GRANTED), 2);
	autolic_account_info a = {.version = AUTOLIC_ACCOUNT_INFO_VERSION};
	OK(autolic_account_get(x->db, x->u[0], &a));
	assert_int_equal(a.state, AUTOLIC_ACCOUNT_ACTIVE); /* nothing to accept */
	/* ROLE-6 U*: the member downloads what it was granted, nothing else */
	OK(autolic_contract_download_check(x->db, x->u[0], x->k, "acad"));
	assert_int_equal(autolic_contract_download_check(x->db, x->u[0], x->k, "maya"),
	                 AUTOLIC_EPERM);
	autolic_contract_product_info pi = {.version = AUTOLIC_CONTRACT_PRODUCT_INFO_VERSION};
	OK(autolic_contract_product_get(x->db, x->u[0], x->k, "acad", &pi));
	/* APS-4: a member of the team may be appointed a hub administrator */
	autolic_id hub = 0;
	OK(autolic_hub_create(x->db, x->cm, team, "Hub", &hub));
	OK(autolic_hub_add_admin(x->db, x->cm, hub, x->u[0]));
	/* SEAT-4: the coordinator removes the user; both seats go with it */
	OK(autolic_account_remove(x->db, x->sc, x->u[0]));
	assert_int_equal(granted(x, x->k, "acad"), 0);
	assert_int_equal(granted(x, x->k, "revit"), 0);
	char h[256];
	holdings(x, x->u[0], h, sizeof h);
	assert_string_equal(h, "");
	assert_int_equal(listed_everywhere(x, x->k, x->u[0]), 0);
}

/* SEAM-3 on every path that grants: set_access and import make members
 * too (an import keeping a seat as well); a member keeps its role. */
static void seam3_every_grant_path(void **state)
{
	fx *x = *state;
	autolic_id team = seat_contract_team(x->db, x->k);
	const char *acad[] = {"acad"};
	OK(autolic_seat_set_access(x->db, x->sc, x->k, x->u[1], acad, 1, NULL));
	assert_int_equal(team_role_of(x, team, x->u[1]), AUTOLIC_TEAM_USER);
	assert_int_equal(listed_everywhere(x, x->k, x->u[1]), 1);
	autolic_id users[] = {x->u[2], x->u[3]};
	const char *prods[] = {"revit", "revit"};
	OK(autolic_seat_import(x->db, x->cm, x->k, users, prods, 2, NULL));
	assert_int_equal(listed_everywhere(x, x->k, x->u[2]), 1);
	assert_int_equal(listed_everywhere(x, x->k, x->u[3]), 1);
	/* an import that keeps a seat keeps the member */
	OK(autolic_seat_import(x->db, x->cm, x->k, users, prods, 1, NULL));
	assert_int_equal(team_role_of(x, team, x->u[2]), AUTOLIC_TEAM_USER);
	/* administrators stay what they are */
	OK(autolic_seat_grant(x->db, x->cm, x->k, "maya", x->sc));
	OK(autolic_seat_grant(x->db, x->cm, x->k, "revit", x->cm));
	assert_int_equal(team_role_of(x, team, x->sc), AUTOLIC_TEAM_SECONDARY);
	assert_int_equal(team_role_of(x, team, x->cm), AUTOLIC_TEAM_PRIMARY);
	/* a revoke leaves the member a member: removal is autolic_account_remove */
	OK(autolic_seat_revoke(x->db, x->cm, x->k, "acad", x->u[1]));
	assert_int_equal(listed_everywhere(x, x->k, x->u[1]), 1);
	OK(autolic_account_remove(x->db, x->cm, x->u[1]));
	assert_int_equal(listed_everywhere(x, x->k, x->u[1]), 0);
}

/* SEAM-3, ROLE-7: a refused grant adds no member, on every path. */
static void seam3_refused_grant_adds_no_member(void **state)
{
	fx *x = *state;
	OK(autolic_seat_grant(x->db, x->cm, x->k, "maya", x->u[0]));
	/* SEAT-2: no seat left */
	EXPECT_REFUSED(x, AUTOLIC_ENOSEAT, autolic_seat_grant(x->db, x->cm, x->k, "maya", x->u[1]));
	/* ROLE-6: not an administrator of the contract */
	EXPECT_REFUSED(x, AUTOLIC_EPERM,
	               autolic_seat_grant(x->db, x->outsider, x->k, "acad", x->u[1]));
	/* set_access: one product refused refuses the whole call */
	const char *two[] = {"acad", "maya"};
	EXPECT_REFUSED(x, AUTOLIC_ENOSEAT,
	               autolic_seat_set_access(x->db, x->cm, x->k, x->u[1], two, 2, NULL));
	/* import: all or nothing */
	autolic_id users[] = {x->u[1], x->u[2]};
	const char *prods[] = {"acad", "maya"};
	EXPECT_REFUSED(x, AUTOLIC_ENOSEAT,
	               autolic_seat_import(x->db, x->cm, x->k, users, prods, 2, NULL));
	assert_int_equal(listed_everywhere(x, x->k, x->u[1]), 0);
	assert_int_equal(listed_everywhere(x, x->k, x->u[2]), 0);
	assert_int_equal(listed_everywhere(x, x->k, x->u[0]), 1);
}

/* A store written by 1.0: `user` holds a seat but is no member of `team`. */
typedef struct legacy_args {
	autolic_id team, user;
} legacy_args;

static int legacy_fn(al_txn *t, void *arg)
{
	legacy_args *a = arg;
	return al_team_member_set(t, a->team, a->user, AL_ROLE_NONE);
}

/* SEAM-3 on a store written by 1.0: a seat holder outside the team cannot
 * be removed by the team's administrators until a grant path covers its seat
 * again; an import line keeping the seat makes it a member. */
static void seam3_store_of_1_0(void **state)
{
	fx *x = *state;
	autolic_id team = seat_contract_team(x->db, x->k);
	OK(autolic_seat_grant(x->db, x->cm, x->k, "acad", x->u[0]));
	legacy_args la = {team, x->u[0]};
	OK(al_run(x->db, 1, legacy_fn, &la));
	assert_int_equal(listed_everywhere(x, x->k, x->u[0]), 0);
	EXPECT_REFUSED(x, AUTOLIC_EPERM, autolic_account_remove(x->db, x->cm, x->u[0]));
	autolic_id users[] = {x->u[0]};
	const char *prods[] = {"acad"};
	autolic_seat_report *r = NULL;
	OK(autolic_seat_import(x->db, x->cm, x->k, users, prods, 1, &r));
	assert_int_equal(item(r, 0).action, AUTOLIC_SEAT_KEEP);
	autolic_seat_report_free(r);
	assert_int_equal(listed_everywhere(x, x->k, x->u[0]), 1);
	OK(autolic_account_remove(x->db, x->cm, x->u[0]));
	assert_int_equal(granted(x, x->k, "acad"), 0);
}

/* ---- quantity reduction and contract end (docs/seats.md) ---- */

/* Reduction: the most recent grants are revoked first, never more grants than seats. */
static void quantity_reduction_newest_first(void **state)
{
	fx *x = *state;
	const char *p[] = {"revit"};
	const int64_t q[] = {4};
	autolic_time s = T0 - DAY, e = T0 + DAY;
	autolic_id k = seat_contract(x->db, x->cm, 0, p, q, 1, s, e);
	/* grant order u3, u0, u2, u1 (all at the same second: the sequence decides) */
	int order[] = {3, 0, 2, 1};
	for (int i = 0; i < 4; i++)
		OK(autolic_seat_grant(x->db, x->cm, k, "revit", x->u[order[i]]));
	x->e.n = 0;
	uint32_t revoked = 0;
	OK(seat_quantity(x->db, k, x->cm, 0, "revit", 2, s, e, &revoked));
	assert_int_equal(revoked, 2);
	autolic_id ids[4];
	assert_int_equal(count_users(x, k, "revit", ids), 2);
	assert_int_equal(ids[0], x->u[3]);
	assert_int_equal(ids[1], x->u[0]);
	autolic_seat_summary sm = summary(x, k, "revit");
	assert_int_equal(sm.quantity, 2);
	assert_int_equal(sm.granted, 2);
	assert_int_equal(sm.available, 0);
	/* the users who lost their seat are told why */
	assert_int_equal(x->e.n, 2);
	assert_int_equal(x->e.v[0].type, AUTOLIC_EVENT_SEAT_REVOKED);
	assert_int_equal(x->e.v[0].recipient, x->u[1]);
	assert_int_equal(x->e.v[1].recipient, x->u[2]);
	assert_string_equal(x->e.v[0].rule, "SEAT-2");
	/* growing again revokes nothing and lets grants in */
	OK(seat_quantity(x->db, k, x->cm, 0, "revit", 3, s, e, &revoked));
	assert_int_equal(revoked, 0);
	OK(autolic_seat_grant(x->db, x->cm, k, "revit", x->u[1]));
	/* bad input: a negative quantity changes nothing */
	EXPECT_REFUSED(x, AUTOLIC_EINVAL,
	               seat_quantity(x->db, k, x->cm, 0, "revit", -1, s, e, NULL));
	assert_int_equal(granted(x, k, "revit"), 3);
	/* down to 0: every grant goes, and a grant is refused naming the 0 quantity */
	OK(seat_quantity(x->db, k, x->cm, 0, "revit", 0, s, e, &revoked));
	assert_int_equal(revoked, 3);
	assert_int_equal(granted(x, k, "revit"), 0);
	EXPECT_REFUSED(x, AUTOLIC_ENOSEAT, autolic_seat_grant(x->db, x->cm, k, "revit", x->u[0]));
	assert_non_null(strstr(autolic_errmsg(), "quantity 0"));
}

/* Contract end: grants stay recorded but grant nothing; no new grants; revoke still works;
 * a renewal of the same contract revives them (docs/seats.md). */
static void contract_end_rule(void **state)
{
	fx *x = *state;
	const char *p[] = {"revit"};
	const int64_t q[] = {2};
	autolic_time s = T0 - DAY, e = T0 + DAY;
	autolic_id k = seat_contract(x->db, x->cm, 0, p, q, 1, s, e);
	OK(autolic_seat_grant(x->db, x->cm, k, "revit", x->u[0]));
	OK(autolic_seat_grant(x->db, x->cm, k, "revit", x->u[1]));
	assert_int_equal(held(x, x->u[0], "revit"), 1);
	/* FLEX-6 asks at the time a window opens, which may differ from now */
	assert_int_equal(held_at(x, x->u[0], "revit", e - 1), 1);
	assert_int_equal(held_at(x, x->u[0], "revit", e), 0);
	assert_int_equal(held_at(x, x->u[0], "revit", s - 1), 0);
	x->c.now = e; /* the term is [start, end) */
	assert_int_equal(held(x, x->u[0], "revit"), 0);
	assert_int_equal(held_at(x, x->u[0], "revit", e - 1), 1);
	autolic_seat_summary sm = summary(x, k, "revit");
	assert_int_equal(sm.active, 0);
	assert_int_equal(sm.granted, 2);
	OK(autolic_seat_revoke(x->db, x->cm, k, "revit", x->u[1]));
	EXPECT_REFUSED(x, AUTOLIC_EEXPIRED, autolic_seat_grant(x->db, x->cm, k, "revit", x->u[2]));
	assert_non_null(strstr(autolic_errmsg(), "ended"));
	/* renewal: the same contract's term extended */
	OK(seat_quantity(x->db, k, x->cm, 0, "revit", 2, s, e + 365 * DAY, NULL));
	assert_int_equal(held(x, x->u[0], "revit"), 1);
	/* a contract not started yet takes no grant */
	autolic_id later = seat_contract(x->db, x->cm, 0, p, q, 1, e + 10 * DAY, e + 20 * DAY);
	EXPECT_REFUSED(x, AUTOLIC_ESTATE,
	               autolic_seat_grant(x->db, x->cm, later, "revit", x->u[3]));
}

/* FLEX-6 reads al_seat_held: same account, same product, active contract only. */
static void flex6_seat_held(void **state)
{
	fx *x = *state;
	OK(autolic_seat_grant(x->db, x->cm, x->k, "revit", x->u[0]));
	assert_int_equal(held(x, x->u[0], "revit"), 1);
	assert_int_equal(held(x, x->u[0], "acad"), 0);
	assert_int_equal(held(x, x->u[1], "revit"), 0);
	/* ACCT-4: an invitation that expires after the grant grants nothing */
	autolic_id inv = account_in_state(x, "inv@example.com", AUTOLIC_ACCOUNT_INVITED, T0 + 100);
	OK(autolic_seat_grant(x->db, x->cm, x->k, "revit", inv));
	assert_int_equal(held(x, inv, "revit"), 1);
	x->c.now = T0 + 100;
	assert_int_equal(held(x, inv, "revit"), 0);
	/* its callers have read the account; one that does not exist holds nothing */
	held_args h = {999999, "revit", -1, 0};
	assert_int_equal(al_run(x->db, 0, held_fn, &h), 0);
	assert_int_equal(h.held, 0);
}

/* ---- ROLE-6 / ROLE-7 ---- */

/* ROLE-6/ROLE-7: only the contract manager or software coordinator changes seats. */
static void role6_only_admins(void **state)
{
	fx *x = *state;
	OK(autolic_seat_grant(x->db, x->cm, x->k, "revit", x->u[0]));
	EXPECT_REFUSED(x, AUTOLIC_EPERM,
	               autolic_seat_grant(x->db, x->u[0], x->k, "revit", x->u[1]));
	assert_non_null(strstr(autolic_errmsg(), "ROLE-6"));
	EXPECT_REFUSED(x, AUTOLIC_EPERM,
	               autolic_seat_grant(x->db, x->outsider, x->k, "revit", x->outsider));
	EXPECT_REFUSED(x, AUTOLIC_EPERM,
	               autolic_seat_revoke(x->db, x->u[0], x->k, "revit", x->u[0]));
	const char *set[] = {"acad"};
	autolic_seat_report *r = (autolic_seat_report *)1;
	EXPECT_REFUSED(x, AUTOLIC_EPERM,
	               autolic_seat_set_access(x->db, x->u[1], x->k, x->u[1], set, 1, &r));
	assert_null(r);
	EXPECT_REFUSED(x, AUTOLIC_EPERM,
	               autolic_seat_import(x->db, x->u[1], x->k, &x->u[1], set, 1, &r));
	assert_null(r);
	EXPECT_REFUSED(x, AUTOLIC_EINVAL, autolic_seat_grant(x->db, 0, x->k, "revit", x->u[1]));
	assert_non_null(strstr(autolic_errmsg(), "ROLE-7"));
}

/* ---- bad input ---- */

static void bad_input(void **state)
{
	fx *x = *state;
	OK(autolic_seat_grant(x->db, x->cm, x->k, "revit", x->u[0]));
	/* unknown contract, product, user */
	EXPECT_REFUSED(x, AUTOLIC_ENOTFOUND,
	               autolic_seat_grant(x->db, x->cm, 77777, "revit", x->u[1]));
	assert_non_null(strstr(autolic_errmsg(), "77777"));
	EXPECT_REFUSED(x, AUTOLIC_ENOTFOUND,
	               autolic_seat_grant(x->db, x->cm, x->k, "inventor", x->u[1]));
	assert_non_null(strstr(autolic_errmsg(), "inventor"));
	EXPECT_REFUSED(x, AUTOLIC_ENOTFOUND,
	               autolic_seat_grant(x->db, x->cm, x->k, "revit", 88888));
	assert_non_null(strstr(autolic_errmsg(), "88888"));
	EXPECT_REFUSED(x, AUTOLIC_ENOTFOUND,
	               autolic_seat_revoke(x->db, x->cm, 77777, "revit", x->u[0]));
	EXPECT_REFUSED(x, AUTOLIC_ENOTFOUND,
	               autolic_seat_revoke(x->db, x->cm, x->k, "inventor", x->u[0]));
	EXPECT_REFUSED(x, AUTOLIC_ENOTFOUND,
	               autolic_seat_revoke(x->db, x->cm, x->k, "revit", 88888));
	assert_non_null(strstr(autolic_errmsg(), "88888"));
	/* revoke of a seat not held */
	char want[300];
	snprintf(want, sizeof want,
	         "SEAT-1: user1@example.com holds no seat of 'revit' on contract %s",
	         t_contract_number(x->db, x->k));
	EXPECT_REFUSED(x, AUTOLIC_ENOTFOUND,
	               autolic_seat_revoke(x->db, x->cm, x->k, "revit", x->u[1]));
	assert_string_equal(autolic_errmsg(), want);
	/* an invited account may be granted; an expired invitation may not (ACCT-4) */
	autolic_id inv = account_in_state(x, "inv@example.com", AUTOLIC_ACCOUNT_INVITED, T0 + 10);
	autolic_id exp = account_in_state(x, "exp@example.com", AUTOLIC_ACCOUNT_INVITED, T0 - 1);
	autolic_id rem = account_in_state(x, "rem@example.com", AUTOLIC_ACCOUNT_REMOVED, 0);
	OK(autolic_seat_grant(x->db, x->cm, x->k, "acad", inv));
	/* the refusals name the account by its email and the time in ISO-8601 UTC:
	 * the whole text is checked */
	EXPECT_REFUSED(x, AUTOLIC_EEXPIRED, autolic_seat_grant(x->db, x->cm, x->k, "acad", exp));
	assert_string_equal(autolic_errmsg(),
	                    "ACCT-4: the invitation of exp@example.com expired at "
	                    "2023-11-14T22:13:19Z; an expired invitation grants nothing (resend "
	                    "it first)");
	EXPECT_REFUSED(x, AUTOLIC_ESTATE, autolic_seat_grant(x->db, x->cm, x->k, "acad", rem));
	assert_string_equal(autolic_errmsg(),
	                    "SEAT-4: rem@example.com was removed and may hold no seat");
	const char *one[] = {"maya"};
	autolic_seat_report *r;
	EXPECT_REFUSED(x, AUTOLIC_EEXPIRED,
	               autolic_seat_set_access(x->db, x->cm, x->k, exp, one, 1, &r));
	assert_int_equal(item(r, 0).status, AUTOLIC_EEXPIRED);
	autolic_seat_report_free(r);
	EXPECT_REFUSED(x, AUTOLIC_ESTATE,
	               autolic_seat_import(x->db, x->cm, x->k, &rem, one, 1, NULL));
	/* arguments */
	EXPECT_REFUSED(x, AUTOLIC_EINVAL, autolic_seat_grant(NULL, x->cm, x->k, "revit", x->u[1]));
	EXPECT_REFUSED(x, AUTOLIC_EINVAL, autolic_seat_grant(x->db, x->cm, 0, "revit", x->u[1]));
	EXPECT_REFUSED(x, AUTOLIC_EINVAL, autolic_seat_grant(x->db, x->cm, x->k, "revit", 0));
	EXPECT_REFUSED(x, AUTOLIC_EINVAL, autolic_seat_grant(x->db, x->cm, x->k, NULL, x->u[1]));
	EXPECT_REFUSED(x, AUTOLIC_EINVAL, autolic_seat_grant(x->db, x->cm, x->k, "", x->u[1]));
	EXPECT_REFUSED(x, AUTOLIC_EINVAL,
	               autolic_seat_grant(x->db, x->cm, x->k, "re vit", x->u[1]));
	char longp[80];
	memset(longp, 'a', sizeof longp - 1);
	longp[sizeof longp - 1] = 0;
	EXPECT_REFUSED(x, AUTOLIC_EINVAL, autolic_seat_grant(x->db, x->cm, x->k, longp, x->u[1]));
	EXPECT_REFUSED(x, AUTOLIC_EINVAL, autolic_seat_revoke(x->db, x->cm, x->k, NULL, x->u[0]));
	const char *dup[] = {"revit", "revit"};
	EXPECT_REFUSED(x, AUTOLIC_EINVAL,
	               autolic_seat_set_access(x->db, x->cm, x->k, x->u[1], dup, 2, &r));
	assert_null(r);
	assert_non_null(strstr(autolic_errmsg(), "twice"));
	EXPECT_REFUSED(x, AUTOLIC_EINVAL,
	               autolic_seat_set_access(x->db, x->cm, x->k, x->u[1], NULL, 1, NULL));
	EXPECT_REFUSED(x, AUTOLIC_EINVAL,
	               autolic_seat_import(x->db, x->cm, x->k, &x->u[1], one, 0, NULL));
	autolic_id zero = 0;
	EXPECT_REFUSED(x, AUTOLIC_EINVAL,
	               autolic_seat_import(x->db, x->cm, x->k, &zero, one, 1, NULL));
	const char *badp[] = {"bad\tcode"};
	EXPECT_REFUSED(x, AUTOLIC_EINVAL,
	               autolic_seat_import(x->db, x->cm, x->k, &x->u[1], badp, 1, NULL));
	assert_non_null(strstr(autolic_errmsg(), "line 1"));
	/* reads */
	autolic_seat_summary s = {0};
	assert_int_equal(autolic_seat_summary_get(x->db, x->k, "revit", &s), AUTOLIC_EVERSION);
	s.version = AUTOLIC_SEAT_SUMMARY_VERSION + 1;
	assert_int_equal(autolic_seat_summary_get(x->db, x->k, "revit", &s), AUTOLIC_EVERSION);
	s.version = AUTOLIC_SEAT_SUMMARY_VERSION;
	assert_int_equal(autolic_seat_summary_get(x->db, 77777, "revit", &s), AUTOLIC_ENOTFOUND);
	assert_int_equal(autolic_seat_summary_get(x->db, x->k, "inventor", &s), AUTOLIC_ENOTFOUND);
	assert_int_equal(autolic_seat_summary_get(x->db, x->k, NULL, &s), AUTOLIC_EINVAL);
	autolic_seat_iter *it = (autolic_seat_iter *)1;
	assert_int_equal(autolic_seat_user_products(x->db, 88888, &it), AUTOLIC_ENOTFOUND);
	assert_null(it);
	assert_int_equal(autolic_seat_user_products(x->db, 0, &it), AUTOLIC_EINVAL);
	assert_int_equal(autolic_seat_product_users(x->db, x->k, "inventor", &it),
	                 AUTOLIC_ENOTFOUND);
	assert_int_equal(autolic_seat_product_users(x->db, 77777, "revit", &it), AUTOLIC_ENOTFOUND);
	autolic_seat_summary_iter *si;
	assert_int_equal(autolic_seat_contract_summary(x->db, 77777, &si), AUTOLIC_ENOTFOUND);
	assert_int_equal(autolic_seat_contract_summary(x->db, 0, &si), AUTOLIC_EINVAL);
	OK(autolic_seat_user_products(x->db, x->u[0], &it));
	autolic_seat_entry e = {0};
	assert_int_equal(autolic_seat_iter_next(it, &e), AUTOLIC_EVERSION);
	assert_int_equal(autolic_seat_iter_next(it, NULL), AUTOLIC_EINVAL);
	autolic_seat_iter_free(it);
	autolic_seat_iter_free(NULL);
	autolic_seat_summary_iter_free(NULL);
	autolic_seat_report_free(NULL);
	assert_int_equal(autolic_seat_report_count(NULL), 0);
}

/* ---- SEAT-5 with serialisation conflicts (one process; threads: test_seat_threads.c) ---- */

/* SEAT-5: a call retried after a conflict counts its seat once and notifies once. */
static void seat5_conflict_retry(void **state)
{
	fx *x = *state;
	x->f.conflicts = 3;
	OK(autolic_seat_grant(x->db, x->cm, x->k, "acad", x->u[0]));
	assert_int_equal(x->f.conflicts, 0);
	assert_int_equal(granted(x, x->k, "acad"), 1);
	assert_int_equal(x->e.n, 1);
	x->f.conflicts = 2;
	const char *set[] = {"acad", "maya"};
	autolic_seat_report *r;
	OK(autolic_seat_set_access(x->db, x->cm, x->k, x->u[1], set, 2, &r));
	assert_int_equal(autolic_seat_report_count(r), 2);
	autolic_seat_report_free(r);
	x->f.conflicts = 2;
	EXPECT_REFUSED(x, AUTOLIC_ENOSEAT, autolic_seat_grant(x->db, x->cm, x->k, "acad", x->u[2]));
	x->f.conflicts = 100; /* past the retry limit */
	EXPECT_REFUSED(x, AUTOLIC_ECONFLICT,
	               autolic_seat_grant(x->db, x->cm, x->k, "revit", x->u[2]));
	x->f.conflicts = 0;
	assert_int_equal(granted(x, x->k, "acad"), 2);
	assert_int_equal(granted(x, x->k, "maya"), 1);
}

/* ---- fault loop ---- */

typedef int (*op_fn)(fx *x, void **out);

static int op_grant(fx *x, void **out)
{
	(void)out;
	return autolic_seat_grant(x->db, x->cm, x->k, "revit", x->u[2]);
}

static int op_revoke(fx *x, void **out)
{
	(void)out;
	return autolic_seat_revoke(x->db, x->sc, x->k, "acad", x->u[0]);
}

static int op_set_access(fx *x, void **out)
{
	const char *set[] = {"revit", "maya"};
	return autolic_seat_set_access(x->db, x->cm, x->k, x->u[0], set, 2,
	                               (autolic_seat_report **)out);
}

static int op_set_access_refused(fx *x, void **out)
{
	const char *set[] = {"revit", "acad"}; /* acad is full for u3 */
	return autolic_seat_set_access(x->db, x->cm, x->k, x->u[3], set, 2,
	                               (autolic_seat_report **)out);
}

static int op_import(fx *x, void **out)
{
	autolic_id users[] = {x->u[3], x->u[4], x->u[1]};
	const char *prods[] = {"revit", "maya", "acad"}; /* the last one is kept */
	return autolic_seat_import(x->db, x->cm, x->k, users, prods, 3,
	                           (autolic_seat_report **)out);
}

static int op_reduce(fx *x, void **out)
{
	(void)out;
	seat_qty_args q = {x->k, "acad", 1, 0};
	return al_run(x->db, 1, seat_qty_fn, &q);
}

static int op_release(fx *x, void **out)
{
	(void)out;
	return al_run(x->db, 1, release_fn, &x->u[0]);
}

static int op_user_products(fx *x, void **out)
{
	return autolic_seat_user_products(x->db, x->u[0], (autolic_seat_iter **)out);
}

static int op_product_users(fx *x, void **out)
{
	return autolic_seat_product_users(x->db, x->k, "acad", (autolic_seat_iter **)out);
}

static int op_summary(fx *x, void **out)
{
	return autolic_seat_contract_summary(x->db, x->k, (autolic_seat_summary_iter **)out);
}

static int op_summary_get(fx *x, void **out)
{
	(void)out;
	autolic_seat_summary s = {.version = AUTOLIC_SEAT_SUMMARY_VERSION};
	return autolic_seat_summary_get(x->db, x->k, "acad", &s);
}

static void free_out(op_fn op, void *out)
{
	if (!out)
		return;
	if (op == op_user_products || op == op_product_users)
		autolic_seat_iter_free(out);
	else if (op == op_summary)
		autolic_seat_summary_iter_free(out);
	else
		autolic_seat_report_free(out);
}

/* The state every fault-loop run starts from: acad full (u0, u1), maya u5. */
static void fault_scene(fx *x)
{
	OK(autolic_seat_grant(x->db, x->cm, x->k, "acad", x->u[0]));
	OK(autolic_seat_grant(x->db, x->cm, x->k, "acad", x->u[1]));
	OK(autolic_seat_grant(x->db, x->cm, x->k, "revit", x->u[0]));
	OK(autolic_seat_grant(x->db, x->cm, x->k, "revit", x->u[1]));
	x->e.n = 0;
}

/* mode 0: storage once, 1: storage from then on, 2: allocation once, 3: allocation from then on */
static long fault_loop(op_fn op, int mode, int expected)
{
	long n;
	for (n = 1;; n++) {
		fx *x;
		setup((void **)&x);
		fault_scene(x);
		t_dump before, after;
		dump(x, &before);
		long live = x->al.live;
		void *out = NULL;
		if (mode < 2) {
			x->f.fail_at = n;
			x->f.persistent = mode;
			x->f.fired = 0;
			x->f.ops = 0;
		} else {
			x->al.fail_at = x->al.count + n;
			x->al.persistent = mode - 2;
			x->al.fired = 0;
		}
		int rc = op(x, &out);
		long fired = mode < 2 ? x->f.fired : x->al.fired;
		x->f.fail_at = 0;
		x->al.fail_at = 0;
		if (autolic_db_check(x->db) != 0)
			fail_msg("fault %ld (mode %d): autolic_db_check: %s", n, mode,
			         autolic_errmsg());
		if (!fired) {
			if (rc != expected)
				fail_msg("fault loop: no fault at %ld, got %d (%s)", n, rc,
				         autolic_errmsg());
			free_out(op, out);
			t_dump_free(&before);
			teardown((void **)&x);
			break;
		}
		if (rc == expected && expected == 0)
			fail_msg("fault %ld (mode %d) fired but the call succeeded", n, mode);
		if (rc == 0 || rc == expected) {
			/* a refusal that the fault did not change: still nothing changed */
			free_out(op, out);
			out = NULL;
		}
		assert_null(out);
		assert_int_not_equal(rc, 0);
		dump(x, &after);
		if (!t_dump_equal(&before, &after))
			fail_msg("fault %ld (mode %d): store changed (rc %d: %s)", n, mode, rc,
			         autolic_errmsg());
		assert_int_equal(x->e.n, 0);
		assert_int_equal(x->al.live, live);
		t_dump_free(&after);
		t_dump_free(&before);
		/* the handle still works */
		out = NULL;
		assert_int_equal(op(x, &out), expected);
		free_out(op, out);
		teardown((void **)&x);
	}
	return n;
}

static void fault_loops(void **state)
{
	(void)state;
	struct {
		const char *name;
		op_fn op;
		int expected;
	} ops[] = {
	    {"grant", op_grant, 0},
	    {"revoke", op_revoke, 0},
	    {"set_access", op_set_access, 0},
	    {"set_access refused", op_set_access_refused, AUTOLIC_ENOSEAT},
	    {"import", op_import, 0},
	    {"quantity reduction", op_reduce, 0},
	    {"release_all", op_release, 0},
	    {"user_products", op_user_products, 0},
	    {"product_users", op_product_users, 0},
	    {"contract_summary", op_summary, 0},
	    {"summary_get", op_summary_get, 0},
	};
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
		for (int mode = 0; mode < 4; mode++) {
			long n = fault_loop(ops[i].op, mode, ops[i].expected);
			if (getenv("SEAT_FAULT_VERBOSE"))
				printf("fault loop %-20s mode %d: %ld faults\n", ops[i].name, mode,
				       n - 1);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(seat1_grant_takes_revoke_frees, setup, teardown),
	    cmocka_unit_test_setup_teardown(seat1_one_seat_per_user_per_product, setup, teardown),
	    cmocka_unit_test_setup_teardown(seat2_beyond_quantity_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(seat2_contract_summary, setup, teardown),
	    cmocka_unit_test_setup_teardown(seat3_notifications, setup, teardown),
	    cmocka_unit_test_setup_teardown(seat4_release_all, setup, teardown),
	    cmocka_unit_test_setup_teardown(set_access_all_or_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(import_all_or_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(seam3_grant_makes_member, setup, teardown),
	    cmocka_unit_test_setup_teardown(seam3_every_grant_path, setup, teardown),
	    cmocka_unit_test_setup_teardown(seam3_refused_grant_adds_no_member, setup, teardown),
	    cmocka_unit_test_setup_teardown(seam3_store_of_1_0, setup, teardown),
	    cmocka_unit_test_setup_teardown(quantity_reduction_newest_first, setup, teardown),
	    cmocka_unit_test_setup_teardown(contract_end_rule, setup, teardown),
	    cmocka_unit_test_setup_teardown(flex6_seat_held, setup, teardown),
	    cmocka_unit_test_setup_teardown(role6_only_admins, setup, teardown),
	    cmocka_unit_test_setup_teardown(bad_input, setup, teardown),
	    cmocka_unit_test_setup_teardown(seat5_conflict_retry, setup, teardown),
	    cmocka_unit_test(fault_loops),
	};
	return t_run_group("seat", tests, NULL, NULL);
}
