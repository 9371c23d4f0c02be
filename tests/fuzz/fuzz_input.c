/* Fuzz target "input": fuzzed text, times and counts in every public call
 * that takes them (IN-1, IN-2, IN-3), on a memory store holding a small
 * world (fz_populate() plus a second team, a developer hub and application,
 * Fusion Operations subscriptions, a hub, an operator and a user).
 *
 * The input is a sequence of steps, each 5 header bytes and a text:
 *   op     the call (op % 32, table below);
 *   field  low 3 bits: which argument gets the text, or a variant of the
 *          call; high 5 bits: a length to pad the text to with leading 'a's
 *          (none, or a length at and around each maximum);
 *   va, vb two values from a table of times and counts (the ends of the
 *          64-bit range and their neighbours, 0, negatives, the maxima of
 *          quantities, the clock and the clock a year away);
 *   len    the length of the text, which follows (any bytes; a 0 ends it).
 *
 * Oracles, after every step:
 *  - the call returns 0, or a negative AUTOLIC_E* code with a message;
 *  - a refused call (and any read) leaves the store as it was: a digest of
 *    every key and value, read through the storage vtable, is unchanged;
 *  - after a call that succeeded, every text the library returns for the
 *    objects of the world and those the input created is valid UTF-8 (no
 *    overlong form, surrogate or code point above U+10FFFF) without a control
 *    character (IN-1), and the usage CSV of both teams is valid UTF-8, has ten
 *    cells a row, and no user text cell begins with = + - @ tab or CR unless
 *    a quote ' comes first (IN-2);
 *  - autolic_db_check() and autolic_flex_check() pass. */
#include "fuzz_common.h"

#include <stdbool.h>

#define MAXSTEPS 24
#define NIDS     16

typedef struct ids {
	autolic_id v[NIDS];
	size_t n;
} ids;

typedef struct fz_input {
	fz_world w;
	autolic_storage st;
	autolic_id team2, hub, app, ops_hub, op, ops_user;
	uint64_t ops_sub;
	ids accounts, teams, hubs, apps, ophubs, ops, lots, contracts;
	autolic_id session, flex_user;
	char product[AUTOLIC_PRODUCT_MAX + 1]; /* the last product code set */
	unsigned seq;
	size_t step;
} fz_input;

static void fail(const fz_input *x, const char *what)
{
	fprintf(stderr, "input: step %zu: %s (%s)\n", x->step, what, autolic_errmsg());
	abort();
}

static void add_id(ids *l, autolic_id id)
{
	if (id && l->n < NIDS)
		l->v[l->n++] = id;
}

/* ---- values ---- */

#define V_NOW    0x7fffffffffff0001LL /* markers, replaced relative to the clock */
#define V_NOW_M1 0x7fffffffffff0002LL
#define V_NOW_P1 0x7fffffffffff0003LL
#define V_NOW_PY 0x7fffffffffff0004LL
#define V_NOW_MY 0x7fffffffffff0005LL

static const int64_t values[32] = {
    INT64_MIN,
    INT64_MIN + 1,
    INT64_MIN / 2,
    -AUTOLIC_FLEX_LOT_QUANTITY_MAX,
    -31622400,
    -86400,
    -1,
    0,
    1,
    2,
    5,
    7,
    100,
    86400,
    2592000,
    31622400,
    UINT32_MAX,
    (int64_t)UINT32_MAX + 1,
    AUTOLIC_SEATS_MAX,
    AUTOLIC_SEATS_MAX + 1,
    AUTOLIC_FLEX_LOT_QUANTITY_MAX,
    AUTOLIC_FLEX_LOT_QUANTITY_MAX + 1,
    INT64_MAX / 2,
    INT32_MAX,
    INT64_MAX - 86400,
    INT64_MAX - 1,
    INT64_MAX,
    V_NOW,
    V_NOW_M1,
    V_NOW_P1,
    V_NOW_PY,
    V_NOW_MY,
};

static int64_t sat_add(int64_t a, int64_t b)
{
	int64_t r;
	if (__builtin_add_overflow(a, b, &r))
		return b > 0 ? INT64_MAX : INT64_MIN;
	return r;
}

static int64_t value(const fz_input *x, uint8_t i)
{
	int64_t v = values[i % 32];
	switch (v) {
	case V_NOW:
		return x->w.now;
	case V_NOW_M1:
		return sat_add(x->w.now, -1);
	case V_NOW_P1:
		return sat_add(x->w.now, 1);
	case V_NOW_PY:
		return sat_add(x->w.now, 31622400);
	case V_NOW_MY:
		return sat_add(x->w.now, -31622400);
	default:
		return v;
	}
}

static const size_t pads[32] = {0,   0,  0,  0,  0,   0,   0,   0,   1,   31,  32,
                                35,  36, 63, 64, 100, 101, 127, 128, 129, 254, 255,
                                256, 0,  0,  0,  0,   0,   0,   0,   0,   1000};

/* ---- the store digest: every key and value through the vtable ---- */

typedef struct digest {
	uint64_t h, n;
} digest;

static void mix(digest *d, const void *p, size_t n)
{
	const unsigned char *b = p;
	uint64_t len = n;
	for (size_t i = 0; i < sizeof len; i++)
		d->h = (d->h ^ (unsigned char)(len >> (8 * i))) * 0x100000001b3ULL;
	for (size_t i = 0; i < n; i++)
		d->h = (d->h ^ b[i]) * 0x100000001b3ULL;
}

static int dig_cb(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	digest *d = arg;
	mix(d, key, klen);
	mix(d, val, vlen);
	d->n++;
	return 0;
}

static digest store_digest(fz_input *x)
{
	digest d = {0xcbf29ce484222325ULL, 0};
	fz_ok("digest begin", x->st.begin(x->st.ctx, 0));
	fz_ok("digest scan", x->st.scan(x->st.ctx, "", 0, NULL, 0, dig_cb, &d));
	x->st.rollback(x->st.ctx);
	return d;
}

/* ---- IN-1: text as the library returns it ---- */

/* An independent strict UTF-8 reader: the length of the sequence at s, or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t len;
	uint32_t v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xc2 && c <= 0xdf) {
		len = 2, v = c & 0x1f, min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3, v = c & 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

static bool is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

/* Valid UTF-8 without control characters; with `lines`, \r and \n pass. */
static bool text_ok(const char *s, size_t n, bool lines)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = utf8_seq(u + i, n - i, &cp);
		if (!k)
			return false;
		if (is_control(cp) && !(lines && (cp == '\r' || cp == '\n')))
			return false;
		i += k;
	}
	return true;
}

static void text(const fz_input *x, const char *s, size_t cap, const char *what)
{
	size_t n = strnlen(s, cap);
	if (n == cap)
		fail(x, what); /* not terminated within its buffer */
	if (!text_ok(s, n, false)) {
		fprintf(stderr, "input: %s returned text that breaks IN-1\n", what);
		fail(x, what);
	}
}

#define TEXT(x, field, what) text((x), (field), sizeof(field), (what))

static void check_texts(fz_input *x)
{
	autolic_db *db = x->w.db;
	for (size_t i = 0; i < x->accounts.n; i++) {
		autolic_account_info a = {.version = AUTOLIC_ACCOUNT_INFO_VERSION};
		if (autolic_account_get(db, x->accounts.v[i], &a) == 0) {
			TEXT(x, a.email, "account email");
			TEXT(x, a.first_name, "account first name");
			TEXT(x, a.last_name, "account last name");
			TEXT(x, a.language, "account language");
		}
	}
	for (size_t i = 0; i < x->teams.n; i++) {
		autolic_team_info t = {.version = AUTOLIC_TEAM_INFO_VERSION};
		if (autolic_team_get(db, x->teams.v[i], &t) == 0)
			TEXT(x, t.name, "team name");
	}
	for (size_t i = 0; i < x->hubs.n; i++) {
		autolic_hub_info h = {.version = AUTOLIC_HUB_INFO_VERSION};
		if (autolic_hub_get(db, x->hubs.v[i], &h) == 0)
			TEXT(x, h.name, "hub name");
	}
	for (size_t i = 0; i < x->apps.n; i++) {
		autolic_app_info a = {.version = AUTOLIC_APP_INFO_VERSION};
		if (autolic_hub_app_get(db, x->apps.v[i], &a) == 0)
			TEXT(x, a.name, "application name");
	}
	for (size_t i = 0; i < x->ophubs.n; i++) {
		autolic_ops_hub_info h = {.version = AUTOLIC_OPS_HUB_INFO_VERSION};
		if (autolic_ops_hub_get(db, x->ophubs.v[i], &h) == 0)
			TEXT(x, h.name, "ops hub name");
		autolic_ops_operator_iter *it = NULL;
		if (autolic_ops_operator_iter_new(db, x->ophubs.v[i], &it) == 0) {
			autolic_ops_operator_info o = {.version =
			                                   AUTOLIC_OPS_OPERATOR_INFO_VERSION};
			while (autolic_ops_operator_iter_next(it, &o) == 0) {
				TEXT(x, o.number, "operator number");
				TEXT(x, o.name, "operator name");
			}
			autolic_ops_operator_iter_free(it);
		}
	}
	const char *codes[3] = {"autocad", "revit", x->product};
	for (int i = 0; i < 3; i++) {
		autolic_flex_product_info p = {.version = AUTOLIC_FLEX_PRODUCT_INFO_VERSION};
		if (codes[i][0] && autolic_flex_product_get(db, codes[i], &p) == 0) {
			TEXT(x, p.code, "flex product code");
			TEXT(x, p.name, "flex product name");
		}
	}
	for (size_t i = 0; i < x->lots.n; i++) {
		autolic_flex_lot_info l = {.version = AUTOLIC_FLEX_LOT_INFO_VERSION};
		if (autolic_flex_lot_get(db, x->lots.v[i], &l) == 0)
			TEXT(x, l.subscription, "lot subscription");
	}
	for (size_t i = 0; i < x->contracts.n; i++) {
		autolic_contract_info c = {.version = AUTOLIC_CONTRACT_INFO_VERSION};
		if (autolic_contract_get(db, x->contracts.v[i], &c) == 0)
			TEXT(x, c.number, "contract number");
		autolic_seat_summary_iter *it = NULL;
		if (autolic_seat_contract_summary(db, x->contracts.v[i], &it) == 0) {
			autolic_seat_summary s = {.version = AUTOLIC_SEAT_SUMMARY_VERSION};
			while (autolic_seat_summary_iter_next(it, &s) == 0) {
				TEXT(x, s.product, "seat product");
				autolic_contract_product_info p = {
				    .version = AUTOLIC_CONTRACT_PRODUCT_INFO_VERSION};
				if (autolic_contract_product_get(db, x->w.admin, x->contracts.v[i],
				                                 s.product, &p) == 0) {
					TEXT(x, p.product, "contract product");
					TEXT(x, p.serial, "serial");
				}
			}
			autolic_seat_summary_iter_free(it);
		}
	}
}

/* ---- IN-2: the usage CSV ---- */

typedef struct csv {
	char *buf;
	size_t len, cap;
} csv;

static int csv_write(const char *data, size_t len, void *ctx)
{
	csv *c = ctx;
	if (c->len + len + 1 > c->cap) {
		size_t cap = (c->len + len + 1) * 2;
		char *nb = realloc(c->buf, cap);
		if (!nb)
			abort();
		c->buf = nb, c->cap = cap;
	}
	memcpy(c->buf + c->len, data, len);
	c->len += len;
	c->buf[c->len] = 0;
	return 0;
}

/* Columns holding user text (header: day_used,email,first_name,last_name,
 * product,team,team_name,tokens,reason,lots). */
static bool user_column(size_t col)
{
	return col == 1 || col == 2 || col == 3 || col == 4 || col == 6;
}

static void check_csv(fz_input *x, autolic_id team)
{
	csv c = {0};
	int rc = autolic_flex_usage_csv(x->w.db, team, 0, INT64_MAX, csv_write, &c);
	if (rc) {
		if (rc > 0 || !*autolic_errmsg())
			fail(x, "usage CSV failed without a message");
		free(c.buf);
		return;
	}
	if (getenv("FZ_VERBOSE") && c.len)
		fprintf(stderr, "usage CSV of team %llu:\n%s", (unsigned long long)team, c.buf);
	if (!text_ok(c.buf ? c.buf : "", c.len, true))
		fail(x, "IN-1: the usage CSV is not valid UTF-8 without control characters");
	size_t i = 0, row = 0;
	while (i < c.len) {
		size_t col = 0;
		for (;;) { /* one cell */
			char cell[2] = {0, 0};
			size_t got = 0;
			if (i < c.len && c.buf[i] == '"') {
				i++;
				for (;;) {
					if (i >= c.len)
						fail(x, "IN-2: CSV: a quoted cell is not closed");
					if (c.buf[i] == '"') {
						if (i + 1 < c.len && c.buf[i + 1] == '"')
							i++;
						else
							break;
					}
					if (got < 2)
						cell[got++] = c.buf[i];
					i++;
				}
				i++;
			} else {
				while (i < c.len && c.buf[i] != ',' && c.buf[i] != '\r' &&
				       c.buf[i] != '\n') {
					if (c.buf[i] == '"')
						fail(x,
						     "IN-2: CSV: a quote inside an unquoted cell");
					if (got < 2)
						cell[got++] = c.buf[i];
					i++;
				}
			}
			if (row > 0 && user_column(col) && got &&
			    strchr("=+-@\t\r", cell[0]) != NULL)
				fail(x,
				     "IN-2: a CSV cell of user text begins with = + - @ tab or CR");
			col++;
			if (i < c.len && c.buf[i] == ',') {
				i++;
				continue;
			}
			break;
		}
		if (i < c.len && c.buf[i] == '\r')
			i++;
		if (i >= c.len || c.buf[i] != '\n')
			fail(x, "IN-2: CSV: a row does not end with a line end");
		i++;
		if (col != 10)
			fail(x, "IN-2: CSV: a row has not ten cells");
		row++;
	}
	if (row == 0)
		fail(x, "usage CSV without a header");
	free(c.buf);
}

/* ---- the world ---- */

static void setup(fz_input *x)
{
	fz_world *w = &x->w;
	w->now = FZ_NOW;
	fz_ok("memory store", autolic_store_memory_new(&x->st, NULL));
	fz_ok("open", fz_open(w, &x->st));
	fz_populate(w);
	autolic_db *db = w->db;
	autolic_team_spec ts = AUTOLIC_TEAM_SPEC_INIT;
	ts.name = "Second team";
	fz_ok("team 2", autolic_team_create(db, w->admin, &ts, &x->team2));
	fz_ok("hub", autolic_hub_create(db, w->admin, w->team, "Fuzz hub", &x->hub));
	fz_ok("app", autolic_hub_app_create(db, w->admin, x->hub, "Fuzz app", &x->app));
	autolic_ops_subscription_spec ss = AUTOLIC_OPS_SUBSCRIPTION_SPEC_INIT;
	ss.tenant = w->admin;
	ss.kind = AUTOLIC_OPS_SHOP_FLOOR;
	ss.quantity = 5;
	ss.end = w->now + 31622400;
	fz_ok("ops subscription", autolic_ops_subscription_buy(db, w->admin, &ss, &x->ops_sub));
	ss.kind = AUTOLIC_OPS_USER;
	uint64_t n;
	fz_ok("ops subscription", autolic_ops_subscription_buy(db, w->admin, &ss, &n));
	ss.tenant = w->users[3]; /* a tenant without a hub, for ops hub names */
	fz_ok("ops subscription", autolic_ops_subscription_buy(db, w->users[3], &ss, &n));
	autolic_ops_hub_spec hs = AUTOLIC_OPS_HUB_SPEC_INIT;
	hs.name = "Plant";
	hs.tenant = w->admin;
	fz_ok("ops hub", autolic_ops_hub_create(db, w->admin, &hs, &x->ops_hub));
	autolic_ops_operator_spec os = AUTOLIC_OPS_OPERATOR_SPEC_INIT;
	os.number = "A1";
	os.name = "Alice";
	fz_ok("operator", autolic_ops_operator_add(db, w->admin, x->ops_hub, &os, &x->op));
	fz_ok("ops user", autolic_ops_user_add(db, w->admin, x->ops_hub, w->users[2]));
	add_id(&x->accounts, w->admin);
	for (int i = 0; i < FZ_USERS; i++)
		add_id(&x->accounts, w->users[i]);
	add_id(&x->teams, w->team);
	add_id(&x->teams, x->team2);
	add_id(&x->hubs, x->hub);
	add_id(&x->apps, x->app);
	add_id(&x->ophubs, x->ops_hub);
	add_id(&x->lots, w->lot);
	add_id(&x->contracts, w->contract);
	x->flex_user = w->users[1];
	strcpy(x->product, "autocad");
}

static void on_import_error(size_t line, const char *reason, void *ctx)
{
	(void)line;
	if (!reason || !*reason)
		fail(ctx, "import error without a reason");
}

/* ---- one step ---- */

/* The newest team (the second team of the set-up, or one the input named):
 * its name is user text in the usage CSV. */
static autolic_id newest(const fz_input *x)
{
	return x->teams.v[x->teams.n - 1];
}

/* Runs call `op`; returns its result and sets *reads when it must not
 * change the store whatever its result. */
static int call(fz_input *x, uint8_t op, uint8_t field, int64_t va, int64_t vb, const char *t,
                bool *reads)
{
	fz_world *w = &x->w;
	autolic_db *db = w->db;
	unsigned f = field & 7;
	char alt[48];
	snprintf(alt, sizeof alt, "n%u@example.com", x->seq++);
	autolic_id id = 0;
	int rc;
	switch (op % 32) {
	case 0:   /* register */
	case 1: { /* invite */
		autolic_account_spec s = AUTOLIC_ACCOUNT_SPEC_INIT;
		s.email = f % 4 == 0 ? t : alt;
		s.first_name = f % 4 == 1 ? t : "First";
		s.last_name = f % 4 == 2 ? t : "Last";
		s.language = f % 4 == 3 ? t : NULL;
		rc = op % 32 == 0 ? autolic_account_register(db, &s, &id)
		                  : autolic_account_invite(db, w->admin, w->team, &s, &id);
		if (!rc)
			add_id(&x->accounts, id);
		return rc;
	}
	case 2:
		rc = autolic_account_invite_text(db, w->admin, f & 1 ? x->team2 : w->team, t, &id);
		if (!rc)
			add_id(&x->accounts, id);
		return rc;
	case 3: { /* a user edits its own details; NULL keeps a field */
		autolic_account_spec s = AUTOLIC_ACCOUNT_SPEC_INIT;
		s.email = f % 4 == 0 ? t : NULL;
		s.first_name = f % 4 == 1 ? t : NULL;
		s.last_name = f % 4 == 2 ? t : NULL;
		s.language = f % 4 == 3 ? t : NULL;
		autolic_id who = f & 4 ? x->flex_user : w->users[1];
		return autolic_account_update(db, who, who, &s);
	}
	case 4: {
		size_t added = 0;
		return autolic_account_import(db, w->admin, w->team, t,
		                              f & 1 ? AUTOLIC_IMPORT_CSV : AUTOLIC_IMPORT_LIST,
		                              on_import_error, x, &added);
	}
	case 5: { /* person parse: no store at all */
		char email[AUTOLIC_EMAIL_MAX + 1], first[AUTOLIC_NAME_MAX + 1],
		    last[AUTOLIC_NAME_MAX + 1];
		*reads = true;
		rc = autolic_person_parse(t, email, first, last);
		if (!rc) {
			TEXT(x, email, "parsed email");
			TEXT(x, first, "parsed first name");
			TEXT(x, last, "parsed last name");
		}
		return rc;
	}
	case 6: {
		autolic_team_spec s = AUTOLIC_TEAM_SPEC_INIT;
		s.name = t;
		rc = autolic_team_create(db, w->admin, &s, &id);
		if (!rc)
			add_id(&x->teams, id);
		return rc;
	}
	case 7: /* a developer hub for the newest team (one per team, APS-2) */
		rc = autolic_hub_create(db, w->admin, x->teams.v[x->teams.n - 1], t, &id);
		if (!rc)
			add_id(&x->hubs, id);
		return rc;
	case 8:
		rc = autolic_hub_app_create(db, w->admin, x->hub, t, &id);
		if (!rc)
			add_id(&x->apps, id);
		return rc;
	case 9: {
		autolic_ops_hub_spec s = AUTOLIC_OPS_HUB_SPEC_INIT;
		s.name = t;
		s.tenant = w->users[3];
		if (f & 1)
			s.trial_period = va;
		if (f & 2)
			s.trial_operators = (uint64_t)vb;
		rc = autolic_ops_hub_create(db, w->users[3], &s, &id);
		if (!rc)
			add_id(&x->ophubs, id);
		return rc;
	}
	case 10: {
		autolic_ops_operator_spec s = AUTOLIC_OPS_OPERATOR_SPEC_INIT;
		char num[24];
		snprintf(num, sizeof num, "N%u", x->seq);
		s.number = f & 1 ? t : num;
		s.name = f & 1 ? "Operator" : t;
		rc = autolic_ops_operator_add(db, w->admin, x->ops_hub, &s, &id);
		if (!rc)
			x->op = id;
		return rc;
	}
	case 11:
		return autolic_ops_operator_transfer(db, w->admin, x->op, t);
	case 12:
		rc = autolic_ops_operator_from_user(db, w->admin, x->ops_hub, w->users[2], t, &id);
		if (!rc)
			x->op = id;
		return rc;
	case 13: /* catalogue: a code, or a display name; a rate */
		if (f & 1) {
			rc = autolic_flex_product_set(db, t, f & 2 ? t : NULL, f & 4 ? va : 3);
			if (!rc)
				snprintf(x->product, sizeof x->product, "%s", t);
			return rc;
		}
		return autolic_flex_product_set(db, x->product, t, f & 4 ? va : 3);
	case 14: {
		autolic_flex_lot_spec s = AUTOLIC_FLEX_LOT_SPEC_INIT;
		s.subscription = t;
		s.quantity = f & 1 ? va : 50;
		s.purchased = f & 2 ? vb : w->now;
		rc = autolic_flex_lot_buy(db, w->admin, f & 4 ? newest(x) : w->team, &s, &id);
		if (!rc)
			add_id(&x->lots, id);
		return rc;
	}
	case 15: { /* launch: key, product, time */
		char key[24];
		snprintf(key, sizeof key, "k%u", x->seq);
		autolic_flex_report_spec s = AUTOLIC_FLEX_REPORT_SPEC_INIT;
		s.kind = AUTOLIC_FLEX_LAUNCH;
		s.key = f & 1 ? t : key;
		s.product = f & 2 ? t : x->product;
		s.time = f & 4 ? va : w->now;
		s.team = vb & 1 ? newest(x) : w->team;
		s.account = x->flex_user;
		autolic_flex_result r = {.version = AUTOLIC_FLEX_RESULT_VERSION};
		rc = autolic_flex_report(db, &s, &r);
		if (!rc)
			x->session = r.session;
		return rc;
	}
	case 16: { /* activity, idle or close on the last session */
		autolic_flex_report_spec s = AUTOLIC_FLEX_REPORT_SPEC_INIT;
		s.kind = AUTOLIC_FLEX_ACTIVITY + (int)(f % 3);
		s.key = t;
		s.session = x->session;
		s.time = f & 4 ? w->now : va;
		s.account = x->flex_user;
		autolic_flex_result r = {.version = AUTOLIC_FLEX_RESULT_VERSION};
		return autolic_flex_report(db, &s, &r);
	}
	case 17: { /* a contract: serial or product text; quantity and term */
		autolic_contract_product_spec p = AUTOLIC_CONTRACT_PRODUCT_SPEC_INIT;
		p.product = f & 1 ? "autocad" : t;
		p.serial = f & 1 ? t : NULL;
		p.quantity = f & 2 ? (uint32_t)va : 2;
		autolic_contract_spec s = AUTOLIC_CONTRACT_SPEC_INIT;
		s.team = w->team;
		s.products = &p;
		s.nproducts = 1;
		s.start = f & 4 ? vb : w->now;
		s.end = f & 4 ? va : sat_add(w->now, 31622400);
		rc = autolic_contract_buy(db, w->admin, &s, &id);
		if (!rc)
			add_id(&x->contracts, id);
		return rc;
	}
	case 18: /* contract number, serial, coordinator emails */
		switch (f % 4) {
		case 0:
			*reads = true;
			return autolic_contract_find(db, t, &id);
		case 1:
			return autolic_contract_assign_coordinator(
			    db, w->admin, t, "admin@example.com", "user0@example.com");
		case 2: {
			autolic_contract_product_info p = {
			    .version = AUTOLIC_CONTRACT_PRODUCT_INFO_VERSION};
			fz_ok("product", autolic_contract_product_get(db, w->admin, w->contract,
			                                              "autocad", &p));
			return autolic_contract_assign_coordinator(db, w->admin, p.serial, t,
			                                           "user0@example.com");
		}
		default: {
			autolic_contract_product_info p = {
			    .version = AUTOLIC_CONTRACT_PRODUCT_INFO_VERSION};
			fz_ok("product", autolic_contract_product_get(db, w->admin, w->contract,
			                                              "autocad", &p));
			return autolic_contract_assign_coordinator(db, w->admin, p.serial,
			                                           "admin@example.com", t);
		}
		}
	case 19: /* update codes */
		if (f & 2) {
			*reads = true;
			return autolic_contract_update_check(db, w->admin, w->contract,
			                                     f & 1 ? t : "autocad", t);
		}
		return autolic_contract_update_offer(db, w->admin, w->contract,
		                                     f & 1 ? t : "autocad", t, (int)(f >> 2));
	case 20: /* the clock reads anything */
		*reads = true;
		w->now = va;
		return 0;
	case 21: /* time passes, or goes back */
		*reads = true;
		w->now = sat_add(w->now, va);
		return 0;
	case 22: {
		uint32_t revoked = 0;
		return autolic_contract_set_quantity(db, w->admin,
		                                     x->contracts.v[x->contracts.n - 1],
		                                     f & 1 ? "revit" : "autocad", va, &revoked);
	}
	case 23:
		if (f & 1)
			return autolic_contract_set_auto_renew(db, w->admin, w->contract, (int)va);
		return autolic_contract_renew(db, w->admin, x->contracts.v[x->contracts.n - 1], va);
	case 24:
		switch (f % 3) {
		case 0:
			return autolic_flex_adjust(db, w->admin, w->team, w->lot, va);
		case 1:
			return autolic_flex_horizon_set(db, w->admin, w->team, va);
		default: {
			size_t n = 0;
			return autolic_flex_expire(db, w->team, &n);
		}
		}
	case 25:
		return autolic_flex_trial_add(db, x->flex_user, x->flex_user,
		                              f & 1 ? t : x->product, va, vb);
	case 26: {
		uint64_t n = 0;
		switch (f % 6) {
		case 0:
			return autolic_ops_payment_late(db, w->admin, x->ops_hub, va);
		case 1:
			return autolic_ops_operator_record_production(db, w->admin, x->op, va);
		case 2: {
			autolic_ops_subscription_spec s = AUTOLIC_OPS_SUBSCRIPTION_SPEC_INIT;
			s.tenant = w->admin;
			s.kind = AUTOLIC_OPS_SHOP_FLOOR;
			s.quantity = (uint32_t)va;
			s.start = vb;
			s.end = sat_add(vb, 31622400);
			return autolic_ops_subscription_buy(db, w->admin, &s, &n);
		}
		case 3:
			return autolic_ops_subscription_set_quantity(db, w->admin, x->ops_sub,
			                                             (uint32_t)va, &n);
		case 4:
			return autolic_ops_payment_record(db, w->admin, x->ops_hub);
		default:
			return autolic_ops_hub_provision(db, w->admin, x->ops_hub, &n);
		}
	}
	case 27: /* reads with times and text */
		*reads = true;
		switch (f) {
		case 0: {
			int64_t b = 0;
			return autolic_flex_balance_at(db, w->team, va, &b);
		}
		case 1: {
			autolic_flex_ledger_iter *it = NULL;
			rc = autolic_flex_ledger_open(db, w->team, va, vb, AUTOLIC_FLEX_MASK_ALL,
			                              &it);
			if (!rc) {
				autolic_flex_entry e = {.version = AUTOLIC_FLEX_ENTRY_VERSION};
				while (autolic_flex_ledger_next(it, &e) == 0)
					;
				autolic_flex_ledger_free(it);
			}
			return rc;
		}
		case 2: {
			autolic_flex_usage_iter *it = NULL;
			rc = autolic_flex_usage_open(db, w->team, va, vb, &it);
			if (!rc) {
				autolic_flex_usage_row r = {.version =
				                                AUTOLIC_FLEX_USAGE_ROW_VERSION};
				while (autolic_flex_usage_next(it, &r) == 0) {
					TEXT(x, r.email, "usage email");
					TEXT(x, r.first_name, "usage first name");
					TEXT(x, r.last_name, "usage last name");
					TEXT(x, r.product, "usage product");
				}
				autolic_flex_usage_free(it);
			}
			return rc;
		}
		case 3:
			return autolic_account_find(db, t, &id);
		case 4:
			return autolic_ops_operator_find(db, x->ops_hub, t, &id);
		case 5: {
			autolic_flex_product_info p = {.version =
			                                   AUTOLIC_FLEX_PRODUCT_INFO_VERSION};
			return autolic_flex_product_get(db, t, &p);
		}
		case 6: {
			autolic_seat_summary s = {.version = AUTOLIC_SEAT_SUMMARY_VERSION};
			return autolic_seat_summary_get(db, w->contract, t, &s);
		}
		default: {
			int allowed = 0;
			return autolic_flex_user_allowed(db, w->team, x->flex_user, t, &allowed);
		}
		}
	case 28: { /* a Flex user named by text */
		autolic_flex_user_spec s = AUTOLIC_FLEX_USER_SPEC_INIT;
		s.person = t;
		s.all_products = 1;
		s.by_import = (int)(f & 1);
		rc = autolic_flex_user_assign(db, w->admin, va & 1 ? newest(x) : w->team, &s, &id);
		if (!rc) {
			add_id(&x->accounts, id);
			x->flex_user = id;
		}
		return rc;
	}
	case 29: {
		int64_t moved = 0;
		return autolic_flex_move(db, w->admin, f & 1 ? newest(x) : w->team,
		                         f & 1 ? w->team : newest(x), t, &moved);
	}
	case 30:
		if (f & 1) {
			const char *products[1] = {t};
			autolic_seat_report *rep = NULL;
			rc = autolic_seat_set_access(db, w->admin, w->contract, w->users[2],
			                             products, 1, &rep);
			autolic_seat_report_free(rep);
			return rc;
		}
		return f & 2 ? autolic_seat_revoke(db, w->admin, w->contract, t, w->users[0])
		             : autolic_seat_grant(db, w->admin, w->contract, t, w->users[3]);
	default: {
		const char *products[1] = {t};
		return autolic_flex_defaults_set(db, w->admin, w->team, products, f & 1 ? 1 : 0);
	}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static fz_input x;
	static int verbose = -1; /* FZ_VERBOSE set: every step and its result on stderr */
	if (verbose < 0)
		verbose = getenv("FZ_VERBOSE") != NULL;
	memset(&x, 0, sizeof x);
	setup(&x);
	if (autolic_db_check(x.w.db))
		fail(&x, "store invariant after the set-up");
	size_t i = 0;
	char *t = malloc(1024 + 1);
	if (!t)
		abort();
	for (x.step = 1; x.step <= MAXSTEPS && i + 5 <= size; x.step++) {
		uint8_t op = data[i], field = data[i + 1], a = data[i + 2], b = data[i + 3];
		size_t len = data[i + 4];
		i += 5;
		if (len > size - i)
			len = size - i;
		size_t pad = pads[(field >> 3) % 32];
		size_t n = 0;
		if (pad > len)
			for (; n < pad - len; n++)
				t[n] = 'a';
		memcpy(t + n, data + i, len);
		t[n + len] = 0;
		i += len;
		digest before = store_digest(&x);
		bool reads = false;
		int rc = call(&x, op, field, value(&x, a), value(&x, b), t, &reads);
		if (verbose)
			fprintf(stderr, "step %zu: op %u field %u [%s]: %d %s\n", x.step, op % 32,
			        field & 7, t, rc, rc ? autolic_errmsg() : "");
		if (rc > 0 || rc < AUTOLIC_EDUPLICATE)
			fail(&x, "a result that is not 0 or an AUTOLIC_E* code");
		if (rc < 0 && !*autolic_errmsg())
			fail(&x, "refused without a message");
		if (rc < 0 || reads) {
			digest after = store_digest(&x);
			if (after.h != before.h || after.n != before.n)
				fail(&x, "a refused call or a read changed the store");
		}
		if (rc == 0 && !reads) {
			check_texts(&x);
			check_csv(&x, x.w.team);
			check_csv(&x, newest(&x));
		}
		if (autolic_flex_check(x.w.db, x.w.team) || autolic_flex_check(x.w.db, newest(&x)))
			fail(&x, "FLEX invariant");
		if (autolic_db_check(x.w.db))
			fail(&x, "store invariant (autolic_db_check)");
	}
	check_texts(&x);
	check_csv(&x, x.w.team);
	check_csv(&x, newest(&x));
	free(t);
	autolic_db_close(x.w.db);
	return 0;
}
