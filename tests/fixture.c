/*
 * The set-up helpers of the suites, compiled once into the test support
 * library: the accounts, teams and contracts suites (tests/t_roles.h), the
 * seat suites (tests/seat_fixture.h) and the Flex suites
 * (tests/flex_fixture.h).
 */
#include "flex_fixture.h"
#include "t_roles.h"

#include <stdint.h>

/* ---- accounts, teams, contracts ---- */

int t_names(const char *msg, const char *needle)
{
	return !needle || strstr(msg, needle) != NULL;
}

/* Buy a contract of products[i] with q[i] seats each, term [start, end),
 * for `team` (0: a new team of the buyer's); asserts success. */
static autolic_id contract_buy(autolic_db *db, autolic_id actor, autolic_id team,
                               const char *const *products, const uint32_t *q, size_t n,
                               autolic_time start, autolic_time end, int auto_renew)
{
	autolic_contract_product_spec ps[8];
	assert_true(n <= 8);
	for (size_t i = 0; i < n; i++) {
		autolic_contract_product_spec p = AUTOLIC_CONTRACT_PRODUCT_SPEC_INIT;
		p.product = products[i];
		p.quantity = q[i];
		ps[i] = p;
	}
	autolic_contract_spec s = AUTOLIC_CONTRACT_SPEC_INIT;
	s.team = team;
	s.products = ps;
	s.nproducts = n;
	s.start = start;
	s.end = end;
	s.auto_renew = auto_renew;
	autolic_id id = 0;
	int rc = autolic_contract_buy(db, actor, &s, &id);
	if (rc)
		fail_msg("contract set-up: %d %s", rc, autolic_errmsg());
	return id;
}

autolic_id t_buy(autolic_db *db, autolic_id actor, autolic_id team, const char **products,
                 const uint32_t *q, size_t n, autolic_time now, int auto_renew)
{
	return contract_buy(db, actor, team, products, q, n, now, now + T_YEAR, auto_renew);
}

autolic_id t_buy1(autolic_db *db, autolic_id actor, autolic_id team, autolic_time now)
{
	const char *p[] = {"autocad", "revit"};
	uint32_t q[] = {5, 2};
	return t_buy(db, actor, team, p, q, 2, now, 0);
}

t_people *t_people_open(const char *team_name)
{
	t_people *x = calloc(1, sizeof *x);
	assert_non_null(x);
	x->c.now = T_NOW;
	x->db = t_open(&x->f, &x->c, &x->e, NULL);
	x->ann = t_register(x->db, "ann@example.com", "Ann", "Admin");
	x->bob = t_register(x->db, "bob@example.com", "Bob", "Builder");
	x->cat = t_register(x->db, "cat@example.com", "Cat", "Outsider");
	if (team_name) {
		autolic_team_spec s = AUTOLIC_TEAM_SPEC_INIT;
		s.name = team_name;
		T_OK(autolic_team_create(x->db, x->ann, &s, &x->team));
	}
	x->e.n = 0;
	return x;
}

int t_people_close(void **state)
{
	t_people *x = *state;
	autolic_db_close(x->db);
	free(x);
	return 0;
}

/* ---- seats ---- */

int seat_qty_fn(al_txn *t, void *arg)
{
	seat_qty_args *q = arg;
	return al_seat_quantity_changed(t, q->contract, q->product, q->quantity, &q->revoked);
}

autolic_id seat_contract(autolic_db *db, autolic_id manager, autolic_id coordinator,
                         const char *const *products, const int64_t *quantities, size_t n,
                         autolic_time start, autolic_time end)
{
	uint32_t q[8];
	assert_true(n <= 8);
	for (size_t i = 0; i < n; i++)
		q[i] = (uint32_t)quantities[i];
	autolic_id c = contract_buy(db, manager, 0, products, q, n, start, end, 0);
	if (coordinator && coordinator != manager) {
		autolic_account_info m = {.version = AUTOLIC_ACCOUNT_INFO_VERSION};
		autolic_account_info k = {.version = AUTOLIC_ACCOUNT_INFO_VERSION};
		autolic_contract_product_info pi = {.version =
		                                        AUTOLIC_CONTRACT_PRODUCT_INFO_VERSION};
		int rc = autolic_account_get(db, manager, &m);
		if (!rc)
			rc = autolic_account_get(db, coordinator, &k);
		if (!rc)
			rc = autolic_contract_product_get(db, manager, c, products[0], &pi);
		if (!rc)
			rc = autolic_contract_assign_coordinator(db, manager, pi.serial, m.email,
			                                         k.email);
		if (rc)
			fail_msg("coordinator set-up: %d %s", rc, autolic_errmsg());
	}
	return c;
}

autolic_id seat_contract_team(autolic_db *db, autolic_id contract)
{
	autolic_contract_info ci = {.version = AUTOLIC_CONTRACT_INFO_VERSION};
	int rc = autolic_contract_get(db, contract, &ci);
	if (rc)
		fail_msg("contract %llu: %d %s", (unsigned long long)contract, rc,
		         autolic_errmsg());
	return ci.team;
}

int seat_quantity(autolic_db *db, autolic_id contract, autolic_id manager, autolic_id coordinator,
                  const char *product, int64_t quantity, autolic_time start, autolic_time end,
                  uint32_t *revoked)
{
	(void)coordinator;
	(void)start;
	autolic_contract_info ci = {.version = AUTOLIC_CONTRACT_INFO_VERSION};
	int rc = autolic_contract_get(db, contract, &ci);
	if (!rc && end > ci.end)
		rc = autolic_contract_renew(db, manager, contract, end);
	if (rc)
		return rc;
	return autolic_contract_set_quantity(db, manager, contract, product, quantity, revoked);
}

/* ---- Flex ---- */

autolic_id fx_team(autolic_db *db, autolic_id admin)
{
	autolic_team_spec s = AUTOLIC_TEAM_SPEC_INIT;
	s.name = "Flex team";
	autolic_id team = 0;
	int rc = autolic_team_create(db, admin, &s, &team);
	if (rc)
		fail_msg("team set-up: %d %s", rc, autolic_errmsg());
	return team;
}

autolic_id fx_seat(autolic_db *db, autolic_id admin, autolic_id account, const char *product)
{
	int64_t one = 1;
	autolic_id c = seat_contract(db, admin, 0, &product, &one, 1, 1, INT64_MAX / 2);
	int rc = autolic_seat_grant(db, admin, c, product, account);
	if (rc)
		fail_msg("seat grant: %d %s", rc, autolic_errmsg());
	return c;
}

autolic_time fx_date(int y, int m, int d)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	return (autolic_time)timegm(&tm);
}

void fx_check(const char *what, int rc, int want)
{
	if (rc != want)
		fail_msg("%s: got %d, wanted %d: %s", what, rc, want, autolic_errmsg());
}

void fx_product(fx *x, const char *code, int64_t rate)
{
	fx_check("product_set", autolic_flex_product_set(x->db, code, NULL, rate), 0);
}

autolic_id fx_buy_in(fx *x, autolic_id team, const char *sub, int64_t qty, autolic_time purchased)
{
	autolic_flex_lot_spec s = AUTOLIC_FLEX_LOT_SPEC_INIT;
	s.subscription = sub;
	s.quantity = qty;
	s.purchased = purchased;
	autolic_id lot = 0;
	fx_check("lot_buy", autolic_flex_lot_buy(x->db, x->admin, team, &s, &lot), 0);
	return lot;
}

autolic_id fx_buy(fx *x, int64_t qty, autolic_time purchased)
{
	return fx_buy_in(x, x->team, "TS-1", qty, purchased);
}

void fx_assign_all(fx *x, autolic_id team, autolic_id account)
{
	autolic_flex_user_spec s = AUTOLIC_FLEX_USER_SPEC_INIT;
	s.account = account;
	s.all_products = 1;
	s.by_import = 1;
	fx_check("user_assign", autolic_flex_user_assign(x->db, x->admin, team, &s, NULL), 0);
}

void fx_open_with(fx *x, autolic_time now, const autolic_allocator *alloc)
{
	memset(x, 0, sizeof(*x));
	x->clock.now = now;
	x->db = t_open(&x->f, &x->clock, &x->ev, alloc);
	x->admin = t_register(x->db, "admin@example.com", "Ada", "Admin");
	x->user = t_register(x->db, "jean.dupont@example.com", "Jean", "Dupont");
	x->team = fx_team(x->db, x->admin);
	fx_product(x, "autocad", 7);
	fx_product(x, "revit", 10);
	fx_product(x, "maya", 6);
	fx_assign_all(x, x->team, x->user);
}

void fx_open(fx *x, autolic_time now)
{
	fx_open_with(x, now, NULL);
}

void fx_close(fx *x)
{
	autolic_db_close(x->db);
	x->db = NULL;
}

const char *fx_key(fx *x)
{
	static __thread char buf[32];
	snprintf(buf, sizeof buf, "k%u", ++x->keyn);
	return buf;
}

/* Send the report, moving the clock forward to its time first. */
static int submit(fx *x, const autolic_flex_report_spec *s, autolic_flex_result *res)
{
	if (x->clock.now < s->time)
		x->clock.now = s->time;
	res->version = AUTOLIC_FLEX_RESULT_VERSION;
	return autolic_flex_report(x->db, s, res);
}

int fx_launch_in(fx *x, autolic_id team, autolic_id account, const char *product, autolic_time at,
                 const char *key, autolic_flex_result *res)
{
	autolic_flex_report_spec s = AUTOLIC_FLEX_REPORT_SPEC_INIT;
	s.kind = AUTOLIC_FLEX_LAUNCH;
	s.key = key ? key : fx_key(x);
	s.time = at;
	s.product = product;
	s.team = team;
	s.account = account;
	return submit(x, &s, res);
}

int fx_launch(fx *x, const char *product, autolic_time at, autolic_flex_result *res)
{
	return fx_launch_in(x, x->team, x->user, product, at, NULL, res);
}

int fx_report(fx *x, int kind, autolic_id session, autolic_time at, autolic_flex_result *res)
{
	autolic_flex_report_spec s = AUTOLIC_FLEX_REPORT_SPEC_INIT;
	s.kind = kind;
	s.key = fx_key(x);
	s.time = at;
	s.session = session;
	return submit(x, &s, res);
}

int64_t fx_balance_of(fx *x, autolic_id team)
{
	autolic_flex_team_info i;
	i.version = AUTOLIC_FLEX_TEAM_INFO_VERSION;
	fx_check("team_get", autolic_flex_team_get(x->db, team, &i), 0);
	return i.balance;
}

int64_t fx_balance(fx *x)
{
	return fx_balance_of(x, x->team);
}

int64_t fx_remaining(fx *x, autolic_id lot)
{
	autolic_flex_lot_info i;
	i.version = AUTOLIC_FLEX_LOT_INFO_VERSION;
	fx_check("lot_get", autolic_flex_lot_get(x->db, lot, &i), 0);
	return i.remaining;
}

int64_t fx_used(fx *x, autolic_id team)
{
	autolic_flex_ledger_iter *it;
	fx_check("ledger_open",
	         autolic_flex_ledger_open(x->db, team, INT64_MIN, INT64_MAX,
	                                  AUTOLIC_FLEX_MASK(AUTOLIC_FLEX_CONSUME) |
	                                      AUTOLIC_FLEX_MASK(AUTOLIC_FLEX_REFUND),
	                                  &it),
	         0);
	autolic_flex_entry e;
	e.version = AUTOLIC_FLEX_ENTRY_VERSION;
	int64_t used = 0;
	while (autolic_flex_ledger_next(it, &e) == 0)
		used -= e.amount;
	autolic_flex_ledger_free(it);
	return used;
}

void fx_invariants(fx *x, autolic_id team)
{
	fx_check("flex_check", autolic_flex_check(x->db, team), 0);
}
