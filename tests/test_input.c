/* Input rules through the public API: IN-1 (every stored text is valid UTF-8
 * without control characters, refused naming the field) and IN-2 (the usage
 * export neutralises cells a spreadsheet would read as a formula). */
#include "t_roles.h"

typedef struct {
	t_faulty f;
	t_clock c;
	t_events e;
	autolic_db *db;
	autolic_id ann, bob, team, team2, hub, ops_hub, op;
} fx;

static int setup(void **state)
{
	fx *x = calloc(1, sizeof *x);
	x->c.now = T_NOW;
	x->db = t_open(&x->f, &x->c, &x->e, NULL);
	x->ann = t_register(x->db, "ann@example.com", "Ann", "Admin");
	x->bob = t_register(x->db, "bob@example.com", "Bob", "User");
	autolic_team_spec ts = AUTOLIC_TEAM_SPEC_INIT;
	ts.name = "One";
	T_OK(autolic_team_create(x->db, x->ann, &ts, &x->team));
	ts.name = "Two";
	T_OK(autolic_team_create(x->db, x->ann, &ts, &x->team2));
	T_OK(autolic_hub_create(x->db, x->ann, x->team, "Hub", &x->hub));
	autolic_ops_subscription_spec ss = AUTOLIC_OPS_SUBSCRIPTION_SPEC_INIT;
	ss.tenant = x->ann;
	ss.kind = AUTOLIC_OPS_SHOP_FLOOR;
	ss.quantity = 5;
	ss.end = T_NOW + T_YEAR;
	uint64_t n = 0;
	T_OK(autolic_ops_subscription_buy(x->db, x->ann, &ss, &n));
	autolic_ops_hub_spec hs = AUTOLIC_OPS_HUB_SPEC_INIT;
	hs.name = "Plant";
	hs.tenant = x->ann;
	hs.trial_operators = 5;
	T_OK(autolic_ops_hub_create(x->db, x->ann, &hs, &x->ops_hub));
	autolic_ops_operator_spec os = AUTOLIC_OPS_OPERATOR_SPEC_INIT;
	os.number = "A1";
	os.name = "Alice";
	T_OK(autolic_ops_operator_add(x->db, x->ann, x->ops_hub, &os, &x->op));
	T_OK(autolic_flex_product_set(x->db, "autocad", "AutoCAD", 10));
	autolic_flex_lot_spec ls = AUTOLIC_FLEX_LOT_SPEC_INIT;
	ls.subscription = "TS-1";
	ls.quantity = 100;
	ls.purchased = T_NOW;
	autolic_id lot;
	T_OK(autolic_flex_lot_buy(x->db, x->ann, x->team, &ls, &lot));
	x->e.n = 0;
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	fx *x = *state;
	autolic_db_close(x->db);
	free(x);
	return 0;
}

/* ---- IN-1 ---- */

/* One entry point that stores a text: store `s` in the field. */
typedef struct {
	const char *field; /* the name the message must give */
	int (*store)(fx *x, const char *s);
	int ascii_only; /* the field takes no letters beyond ASCII (still a refusal) */
} text_field;

static int st_first(fx *x, const char *s)
{
	autolic_account_spec sp = AUTOLIC_ACCOUNT_SPEC_INIT;
	sp.email = "new@example.com";
	sp.first_name = s;
	autolic_id id;
	return autolic_account_register(x->db, &sp, &id);
}

static int st_last(fx *x, const char *s)
{
	autolic_account_spec sp = AUTOLIC_ACCOUNT_SPEC_INIT;
	sp.last_name = s;
	return autolic_account_update(x->db, x->bob, x->bob, &sp);
}

static int st_invite_first(fx *x, const char *s)
{
	autolic_account_spec sp = AUTOLIC_ACCOUNT_SPEC_INIT;
	sp.email = "inv@example.com";
	sp.first_name = s;
	autolic_id id;
	return autolic_account_invite(x->db, x->ann, x->team, &sp, &id);
}

static int st_email(fx *x, const char *s)
{
	char mail[64];
	snprintf(mail, sizeof mail, "a%s@example.com", s);
	autolic_account_spec sp = AUTOLIC_ACCOUNT_SPEC_INIT;
	sp.email = mail;
	autolic_id id;
	return autolic_account_register(x->db, &sp, &id);
}

static int st_team(fx *x, const char *s)
{
	autolic_team_spec ts = AUTOLIC_TEAM_SPEC_INIT;
	ts.name = s;
	autolic_id id;
	return autolic_team_create(x->db, x->ann, &ts, &id);
}

static int st_hub(fx *x, const char *s)
{
	autolic_id id;
	return autolic_hub_create(x->db, x->ann, x->team2, s, &id);
}

static int st_app(fx *x, const char *s)
{
	autolic_id id;
	return autolic_hub_app_create(x->db, x->ann, x->hub, s, &id);
}

static int st_ops_hub(fx *x, const char *s)
{
	autolic_ops_hub_spec hs = AUTOLIC_OPS_HUB_SPEC_INIT;
	hs.name = s;
	hs.tenant = x->ann;
	autolic_id id;
	return autolic_ops_hub_create(x->db, x->ann, &hs, &id);
}

static int st_operator(fx *x, const char *s)
{
	autolic_ops_operator_spec os = AUTOLIC_OPS_OPERATOR_SPEC_INIT;
	os.number = "B2";
	os.name = s;
	autolic_id id;
	return autolic_ops_operator_add(x->db, x->ann, x->ops_hub, &os, &id);
}

static int st_operator_transfer(fx *x, const char *s)
{
	return autolic_ops_operator_transfer(x->db, x->ann, x->op, s);
}

static int st_product_name(fx *x, const char *s)
{
	return autolic_flex_product_set(x->db, "revit", s, 5);
}

static int st_serial(fx *x, const char *s)
{
	autolic_contract_product_spec ps = AUTOLIC_CONTRACT_PRODUCT_SPEC_INIT;
	ps.product = "autocad";
	ps.quantity = 1;
	ps.serial = s;
	autolic_contract_spec cs = AUTOLIC_CONTRACT_SPEC_INIT;
	cs.team = x->team;
	cs.products = &ps;
	cs.nproducts = 1;
	cs.start = T_NOW;
	cs.end = T_NOW + T_YEAR;
	autolic_id id;
	return autolic_contract_buy(x->db, x->ann, &cs, &id);
}

static int st_subscription(fx *x, const char *s)
{
	autolic_flex_lot_spec ls = AUTOLIC_FLEX_LOT_SPEC_INIT;
	ls.subscription = s;
	ls.quantity = 1;
	ls.purchased = T_NOW;
	autolic_id lot;
	return autolic_flex_lot_buy(x->db, x->ann, x->team, &ls, &lot);
}

static int st_move(fx *x, const char *s)
{
	int64_t moved;
	return autolic_flex_move(x->db, x->ann, x->team, x->team2, s, &moved);
}

static int st_report_key(fx *x, const char *s)
{
	autolic_flex_report_spec r = AUTOLIC_FLEX_REPORT_SPEC_INIT;
	r.kind = AUTOLIC_FLEX_LAUNCH;
	r.key = s;
	r.time = T_NOW;
	r.product = "autocad";
	r.team = x->team;
	r.account = x->ann;
	autolic_flex_result res = {.version = AUTOLIC_FLEX_RESULT_VERSION};
	return autolic_flex_report(x->db, &r, &res);
}

static const text_field fields[] = {
    {"first name", st_first, 0},
    {"last name", st_last, 0},
    {"first name", st_invite_first, 0},
    {"email", st_email, 0},
    {"team name", st_team, 0},
    {"hub name", st_hub, 0},
    {"application name", st_app, 0},
    {"hub name", st_ops_hub, 0},
    {"operator name", st_operator, 0},
    {"operator name", st_operator_transfer, 0},
    {"product display name", st_product_name, 0},
    {"serial number", st_serial, 1},
    {"token subscription ID", st_subscription, 0},
    {"token subscription ID", st_move, 0},
    {"report idempotency key", st_report_key, 0},
};

/* Each is refused by every field (embedded in otherwise good text). */
static const char *const bad_text[] = {
    "x\xff",             /* a byte never in UTF-8 */
    "x\xc3",             /* a sequence cut short */
    "x\x80y",            /* a stray continuation byte */
    "x\xc0\xaf",         /* overlong '/' */
    "x\xe0\x80\xaf",     /* overlong, three bytes */
    "x\xed\xa0\x80",     /* a surrogate, U+D800 */
    "x\xf4\x90\x80\x80", /* above U+10FFFF */
    "x\x1b[31m",         /* ESC, a terminal escape sequence */
    "x\ty",              /* tab */
    "x\x7f",             /* DEL */
    "x\xc2\x9bm",        /* C1: CSI */
    "x\xc2\x85",         /* C1: NEL */
};

/* IN-1: every field that stores text refuses each bad text with EINVAL, a
 * message naming IN-1 and the field, and the store unchanged. */
static void test_text_refused(void **state)
{
	fx *x = *state;
	for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++)
		for (size_t b = 0; b < sizeof bad_text / sizeof bad_text[0]; b++) {
			t_dump before, after;
			t_dump_store(&x->f.inner, &before);
			int rc = fields[f].store(x, bad_text[b]);
			if (rc != AUTOLIC_EINVAL)
				fail_msg("%s (#%zu) with bad text #%zu: got %d (%s)",
				         fields[f].field, f, b, rc, autolic_errmsg());
			const char *m = autolic_errmsg();
			if (!strstr(m, "IN-1") || !strstr(m, fields[f].field))
				fail_msg("%s (#%zu) with bad text #%zu: message '%s' does not name "
				         "IN-1 and the field",
				         fields[f].field, f, b, m);
			t_dump_store(&x->f.inner, &after);
			assert_true(t_dump_equal(&before, &after));
			t_dump_free(&before);
			t_dump_free(&after);
		}
	assert_int_equal(x->e.n, 0);
}

/* IN-1: good UTF-8 (letters beyond ASCII, up to four bytes) is stored and read
 * back byte for byte where the field takes it. */
static void test_text_accepted(void **state)
{
	fx *x = *state;
	const char *name = "Zo\xc3\xab \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80";
	T_OK(st_team(x, name));
	T_OK(st_product_name(x, name));
	T_OK(st_operator(x, name));
	T_OK(st_app(x, name));
	T_OK(st_last(x, name));
	autolic_flex_product_info p = {.version = AUTOLIC_FLEX_PRODUCT_INFO_VERSION};
	T_OK(autolic_flex_product_get(x->db, "revit", &p));
	assert_string_equal(p.name, name);
	autolic_account_info a = {.version = AUTOLIC_ACCOUNT_INFO_VERSION};
	T_OK(autolic_account_get(x->db, x->bob, &a));
	assert_string_equal(a.last_name, name);
	/* the serial number keeps its narrower alphabet: printable ASCII, no space */
	T_FAILS(AUTOLIC_EINVAL, "serial number", st_serial(x, "S\xc3\xab"));
	T_FAILS(AUTOLIC_EINVAL, "serial number", st_serial(x, "S 1"));
	T_OK(st_serial(x, "SN-0001"));
	/* names may be empty where they were, required where they were */
	T_OK(st_product_name(x, ""));
	T_FAILS(AUTOLIC_EINVAL, "team name", st_team(x, ""));
	T_FAILS(AUTOLIC_EINVAL, "team name", st_team(x, NULL));
	char big[AUTOLIC_TEAM_NAME_MAX + 2];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = 0;
	T_FAILS(AUTOLIC_EINVAL, "longer than", st_team(x, big));
	big[AUTOLIC_TEAM_NAME_MAX] = 0;
	T_OK(st_team(x, big));
}

/* ---- IN-2 ---- */

typedef struct {
	char buf[8192];
	size_t len;
} csv_out;

static int csv_write(const char *data, size_t len, void *ctx)
{
	csv_out *o = ctx;
	assert_true(o->len + len < sizeof o->buf);
	memcpy(o->buf + o->len, data, len);
	o->len += len;
	o->buf[o->len] = 0;
	return 0;
}

/* IN-2: a user who names themself like a formula gets a neutralised cell in
 * the administrator's usage export: a single quote before it, quoted; the
 * library's own numbers are left as they are. */
static void test_csv_neutralised(void **state)
{
	fx *x = *state;
	autolic_flex_user_spec us = AUTOLIC_FLEX_USER_SPEC_INIT;
	us.account = x->bob;
	us.all_products = 1;
	autolic_id who;
	T_OK(autolic_flex_user_assign(x->db, x->ann, x->team, &us, &who));
	autolic_flex_report_spec r = AUTOLIC_FLEX_REPORT_SPEC_INIT;
	r.kind = AUTOLIC_FLEX_LAUNCH;
	r.key = "k1";
	r.time = T_NOW;
	r.product = "autocad";
	r.team = x->team;
	r.account = x->bob;
	autolic_flex_result res = {.version = AUTOLIC_FLEX_RESULT_VERSION};
	T_OK(autolic_flex_report(x->db, &r, &res));
	static const struct {
		const char *name, *cell;
	} cases[] = {
	    {"=HYPERLINK(\"http://evil.example\",\"x\")",
	     ",\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\","},
	    {"+1+1", ",\"'+1+1\","},
	    {"-2+3", ",\"'-2+3\","},
	    {"@SUM(1+1)", ",\"'@SUM(1+1)\","},
	    {"=1", ",\"'=1\","},
	    {"Plain, with comma", ",\"Plain, with comma\","},
	    {"Safe=1", ",Safe=1,"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		autolic_account_spec sp = AUTOLIC_ACCOUNT_SPEC_INIT;
		sp.first_name = cases[i].name;
		T_OK(autolic_account_update(x->db, x->bob, x->bob, &sp));
		csv_out o = {.len = 0};
		T_OK(autolic_flex_usage_csv(x->db, x->team, 0, INT64_MAX, csv_write, &o));
		if (!strstr(o.buf, cases[i].cell))
			fail_msg("first name '%s': no cell %s in\n%s", cases[i].name, cases[i].cell,
			         o.buf);
		/* the library's own columns: team id and tokens stay bare numbers */
		char tail[64];
		snprintf(tail, sizeof tail, ",autocad,%llu,One,10,charged,",
		         (unsigned long long)x->team);
		if (!strstr(o.buf, tail))
			fail_msg("no '%s' in\n%s", tail, o.buf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_text_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_text_accepted, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_csv_neutralised, setup, teardown),
	};
	return t_run_group("input", tests, NULL, NULL);
}
