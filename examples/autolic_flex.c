/*
 * autolic_flex — Flex tokens from the command line: the product catalogue,
 * token lots, Flex users, the host's usage reports (launch, activity, idle,
 * close), the balance, the ledger and the usage report (FLEX-1..FLEX-13).
 *
 * A complete example program for libautolic: copy it, build it with
 *     cc -o autolic_flex autolic_flex.c $(pkg-config --cflags --libs autolic)
 * and run `autolic_flex --help`. The state lives in a journal store (a file).
 *
 * Conventions shared by the example programs (docs/examples.md):
 *   - results on stdout, as text or (with --json) one JSON object per run;
 *   - diagnostics on stderr;
 *   - exit codes: 0 ok, 1 other, 2 usage, 3 not found or invalid,
 *     4 permission denied, 5 refused by a rule, 6 storage;
 *   - AUTOLIC_NOW (epoch seconds or ISO 8601) replaces the system clock.
 */
#include <autolic.h>
#include <autolic/sys/journal.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *prog = "autolic_flex";

static const char usage_text[] =
	"usage: autolic_flex [--store PATH] [--json] [--as EMAIL] [--contract NUMBER | --team ID]\n"
	"                    <command> [args]\n"
	"\n"
	"Flex tokens. The team is named by --team ID or by one of its contracts\n"
	"(--contract NUMBER).\n"
	"\n"
	"Catalogue (data the host supplies)\n"
	"  product set CODE RATE [NAME...]     a Flex product and its daily rate in tokens (FLEX-3)\n"
	"  product show CODE\n"
	"Tokens (FLEX-1, FLEX-2, FLEX-10)\n"
	"  lot buy SUBSCRIPTION-ID QUANTITY [--at TIME]   buy a lot, valid 365 days from purchase\n"
	"  lot show LOT-ID\n"
	"  balance [--at TIME]                 the team's balance now (or at a past instant)\n"
	"  ledger [--from TIME] [--until TIME] [--events]  ledger entries (--events: purchases,\n"
	"                                      expiries and moves only)\n"
	"  expire                              record the expiries that are due\n"
	"Flex users (FLEX-7)\n"
	"  user assign PERSON (--all | --products CODE,CODE...)\n"
	"  user remove EMAIL\n"
	"Usage reports from the host; the --as account is the user (FLEX-3..FLEX-6, FLEX-13)\n"
	"  launch PRODUCT [--at TIME] [--key KEY]         a session starts\n"
	"  activity|idle|close SESSION [--at TIME] [--key KEY]\n"
	"                                      (the key defaults to one made of the report's fields)\n"
	"Reports (FLEX-11)\n"
	"  usage [--from TIME] [--until TIME] [--csv]     days used per user and product\n"
	"\n"
	"Store\n"
	"  check                               check the whole store against the library's invariants:\n"
	"                                      prints ok, or the first problem and its rule (exit 6)\n"
	"\n"
	"Options\n"
	"  --store PATH    journal store (default: $AUTOLIC_STORE, else ./autolic.journal)\n"
	"  --json          print the result as one JSON object\n"
	"  --as EMAIL      the acting account; required by every command that changes state\n"
	"  --at TIME       when the host observed the event (default: now)\n"
	"  --help          this text\n"
	"TIME is epoch seconds or ISO 8601 UTC (2025-03-03, 2025-03-03T09:30, 2025-03-03T09:30:00Z).\n"
	"Environment: AUTOLIC_NOW=TIME replaces the system clock (reproducible scripts).\n"
	"\n"
	"Exit codes: 0 ok, 1 other failure, 2 usage, 3 not found or invalid, 4 permission denied,\n"
	"5 refused by a rule (not enough tokens, lot expired), 6 storage.\n";

/* ---------------------------------------------------------------- exit codes */

enum {
	EXIT_OTHER = 1,
	EXIT_USAGE = 2,
	EXIT_INVALID = 3,
	EXIT_DENIED = 4,
	EXIT_REFUSED = 5,
	EXIT_STORAGE = 6
};

/* One exit code per class of library error. */
static int exit_code(int rc)
{
	switch (rc) {
	case AUTOLIC_OK:
		return 0;
	case AUTOLIC_EINVAL:
	case AUTOLIC_ENOTFOUND:
	case AUTOLIC_EEXISTS:
	case AUTOLIC_ESTATE:
		return EXIT_INVALID;
	case AUTOLIC_EPERM:
		return EXIT_DENIED;
	case AUTOLIC_ENOSEAT:
	case AUTOLIC_ENOTOKENS:
	case AUTOLIC_ENOLICENCE:
	case AUTOLIC_ENOOPLICENCE:
	case AUTOLIC_EEXPIRED:
		return EXIT_REFUSED;
	case AUTOLIC_ECONFLICT:
	case AUTOLIC_ELOCKED:
	case AUTOLIC_ECORRUPT:
	case AUTOLIC_ESTORAGE:
	case AUTOLIC_EREADONLY:
	case AUTOLIC_EBUSY:
		return EXIT_STORAGE;
	default:
		return EXIT_OTHER;
	}
}

static const char *error_name(int rc)
{
	static const char *const names[] = {
		"OK", "ERROR", "EINVAL", "ENOMEM", "ENOTFOUND", "EEXISTS", "EPERM", "ENOSEAT",
		"ENOTOKENS", "ENOLICENCE", "ENOOPLICENCE", "EEXPIRED", "ECONFLICT", "ELOCKED",
		"ECORRUPT", "ESTORAGE", "EABORTED", "EVERSION", "ESTATE", "EREADONLY", "EBUSY",
		"ITEROVER", "EDUPLICATE"};
	if (rc <= 0 && -rc < (int)(sizeof names / sizeof names[0]))
		return names[-rc];
	return "EUNKNOWN";
}

/* ---------------------------------------------------------------- time */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* Epoch seconds, or ISO 8601 UTC: YYYY-MM-DD[(T| )HH:MM[:SS]][Z]. */
static int parse_time(const char *s, autolic_time *value)
{
	char *end;
	if (*s == '\0')
		return -1;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (*end == '\0' && errno == 0 && (isdigit((unsigned char)s[0]) || s[0] == '-')) {
		*value = (autolic_time)v;
		return 0;
	}
	int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
		return -1;
	const char *p = s + n;
	if (*p == 'T' || *p == ' ') {
		int k = 0;
		if (sscanf(p + 1, "%2d:%2d%n", &h, &mi, &k) != 2 || k != 5)
			return -1;
		p += 1 + k;
		if (*p == ':') {
			if (sscanf(p + 1, "%2d%n", &sec, &k) != 1 || k != 2)
				return -1;
			p += 1 + k;
		}
	}
	if (*p == 'Z')
		p++;
	if (*p != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -1;
	*value = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	return 0;
}

/* ISO 8601 UTC text of a time; `buf` holds at least 32 bytes. */
static const char *fmt_time(autolic_time t, char *buf)
{
	int64_t days = t / 86400, rem = t % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	int64_t y;
	int m, d;
	civil_from_days(days, &y, &m, &d);
	snprintf(buf, 32, "%04lld-%02d-%02dT%02d:%02d:%02dZ", (long long)y, m, d, (int)(rem / 3600),
	         (int)(rem / 60 % 60), (int)(rem % 60));
	return buf;
}

/* The clock given to the library: AUTOLIC_NOW when set, else the system's. */
static autolic_time fixed_clock(void *ctx)
{
	return *(const autolic_time *)ctx;
}

/* ---------------------------------------------------------------- output */

/*
 * Results go through a small emitter so that every command prints the same
 * data as text ("key  value" lines) or as JSON (one object). Output is kept
 * in a buffer and written at the end: with --json a failure replaces it with
 * an error object, so stdout always holds one valid JSON document.
 */
typedef struct out {
	int json;
	int depth;
	int comma[16]; /* JSON: a value was already written at this depth */
	char *buf;
	size_t len, cap;
} out;

static out O;

static void emit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void emit(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (O.len + (size_t)n + 1 > O.cap) {
		size_t cap = (O.cap ? O.cap * 2 : 4096) + (size_t)n;
		char *p = realloc(O.buf, cap);
		if (!p) {
			fprintf(stderr, "%s: out of memory\n", prog);
			exit(EXIT_OTHER);
		}
		O.buf = p;
		O.cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(O.buf + O.len, O.cap - O.len, fmt, ap);
	va_end(ap);
	O.len += (size_t)n;
}

/* Length of the UTF-8 sequence at p (1 to 4 bytes; p ends with a 0 byte)
 * with its code point in *cp, or 0 when the bytes are not UTF-8 (overlong,
 * surrogate, above U+10FFFF, cut short). Stores written by older versions may
 * hold such bytes: what is shown is made safe here whatever is stored (IN-1).
 * The three administration programs each carry this copy, so that each stays
 * one file a user can copy. */
static size_t utf8_seq(const unsigned char *p, unsigned *cp)
{
	unsigned c = p[0], min;
	size_t len;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xe0) == 0xc0) {
		len = 2, min = 0x80, c &= 0x1f;
	} else if ((c & 0xf0) == 0xe0) {
		len = 3, min = 0x800, c &= 0x0f;
	} else if ((c & 0xf8) == 0xf0) {
		len = 4, min = 0x10000, c &= 0x07;
	} else {
		return 0;
	}
	for (size_t j = 1; j < len; j++) {
		if ((p[j] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[j] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* 1 for a control character: C0, DEL or C1. */
static int is_control(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

/* Write text for a terminal: control characters other than line ends (LF,
 * CR LF) shown as \uXXXX, bytes that are not UTF-8 as U+FFFD; never a raw
 * escape sequence. */
static void write_clean(FILE *f, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	while (p < end) {
		unsigned cp = 0;
		size_t len = *p ? utf8_seq(p, &cp) : 0;
		if (!len || len > (size_t)(end - p)) {
			fputs("\xef\xbf\xbd", f); /* U+FFFD */
			p++;
			continue;
		}
		if (cp == '\r' && p + 1 < end && p[1] == '\n') {
			len = 2; /* CR LF: a CSV line end */
		} else if (is_control(cp) && cp != '\n') {
			fprintf(f, "\\u%04x", cp);
			p += len;
			continue;
		}
		fwrite(p, 1, len, f);
		p += len;
	}
}

/* Write what was emitted to stdout and forget it. */
static void flush_out(void)
{
	if (O.len && O.json)
		fwrite(O.buf, 1, O.len, stdout);
	else if (O.len)
		write_clean(stdout, O.buf, O.len);
	O.len = 0;
}

/* A JSON string, valid whatever the text holds: control characters as
 * \uXXXX (line ends as \n), bytes that are not UTF-8 as \ufffd. */
static void json_string(const char *s)
{
	emit("\"");
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		unsigned cp;
		size_t len = utf8_seq(p, &cp);
		if (!len) {
			emit("\\ufffd");
			len = 1;
		} else if (cp == '"' || cp == '\\') {
			emit("\\%c", (char)cp);
		} else if (cp == '\n') {
			emit("\\n");
		} else if (is_control(cp)) {
			emit("\\u%04x", cp);
		} else {
			emit("%.*s", (int)len, (const char *)p);
		}
		p += len;
	}
	emit("\"");
}

static void json_key(const char *key)
{
	if (O.comma[O.depth])
		emit(",");
	O.comma[O.depth] = 1;
	if (key) {
		json_string(key);
		emit(":");
	}
}

/* Text mode shows a JSON key with spaces: "last_production" -> "last production". */
static void text_key(const char *key)
{
	char k[64];
	size_t i = 0;
	for (; key[i] && i < sizeof k - 1; i++)
		k[i] = key[i] == '_' ? ' ' : key[i];
	k[i] = '\0';
	emit("%-22s ", k);
}

static void text_indent(void)
{
	for (int i = 0; i < O.depth; i++)
		emit("  ");
}

/* Open an object: `title` is its text heading (may be NULL), `key` its JSON key (NULL inside arrays). */
static void obj_begin(const char *key, const char *title)
{
	if (O.json) {
		json_key(key);
		emit("{");
	} else if (title) {
		text_indent();
		emit("%s\n", title);
	}
	O.depth++;
	O.comma[O.depth] = 0;
}

static void obj_end(void)
{
	O.depth--;
	if (O.json)
		emit("}");
}

static void arr_begin(const char *key)
{
	if (O.json) {
		json_key(key);
		emit("[");
	}
	O.depth++;
	O.comma[O.depth] = 0;
}

static void arr_end(void)
{
	O.depth--;
	if (O.json)
		emit("]");
}

static void f_str(const char *key, const char *v)
{
	if (O.json) {
		json_key(key);
		json_string(v);
	} else {
		text_indent();
		text_key(key);
		emit("%s\n", v);
	}
}

static void f_int(const char *key, long long v)
{
	if (O.json) {
		json_key(key);
		emit("%lld", v);
	} else {
		text_indent();
		text_key(key);
		emit("%lld\n", v);
	}
}

static void f_bool(const char *key, int v)
{
	if (O.json) {
		json_key(key);
		emit("%s", v ? "true" : "false");
	} else {
		text_indent();
		text_key(key);
		emit("%s\n", v ? "yes" : "no");
	}
}

static void f_time(const char *key, autolic_time t)
{
	char buf[32];
	if (O.json) {
		json_key(key);
		emit("%lld", (long long)t);
	} else {
		text_indent();
		text_key(key);
		emit("%s\n", fmt_time(t, buf));
	}
}

/* A sentence saying what was done: the "message" field in JSON. */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (O.json) {
		json_key("message");
		json_string(buf);
	} else {
		text_indent();
		emit("%s\n", buf);
	}
}

/* ---------------------------------------------------------------- events */

/* Notifications (autolic_event) are delivered after commit; they are kept
 * here and printed after the command's result. */
typedef struct note {
	int type;
	unsigned long long object;
	autolic_id recipient;
	char rule[16];
	char text[512];
} note;

static note *notes;
static size_t nnotes;
static autolic_db *notes_db; /* to print each recipient's email */

/* The email of a notification's recipient ("" when none or unreadable). */
static const char *recipient_email(const note *n, char *buf, size_t len)
{
	autolic_account_info a = {.version = AUTOLIC_ACCOUNT_INFO_VERSION};
	buf[0] = '\0';
	if (n->recipient && notes_db && autolic_account_get(notes_db, n->recipient, &a) == 0)
		snprintf(buf, len, "%s", a.email);
	return buf;
}

static void on_event(const autolic_event *ev, void *ctx)
{
	(void)ctx;
	note *grown = realloc(notes, (nnotes + 1) * sizeof *notes);
	if (!grown)
		return; /* a notification lost from the printout; the change itself stands */
	notes = grown;
	note *n = &notes[nnotes++];
	n->type = ev->type;
	n->object = (unsigned long long)ev->object;
	n->recipient = ev->recipient;
	snprintf(n->rule, sizeof n->rule, "%s", ev->rule ? ev->rule : "");
	snprintf(n->text, sizeof n->text, "%s", ev->text ? ev->text : "");
}

static void print_notes(void)
{
	char to[AUTOLIC_EMAIL_MAX + 1];
	if (nnotes == 0)
		return;
	if (O.json) {
		arr_begin("events");
		for (size_t i = 0; i < nnotes; i++) {
			obj_begin(NULL, NULL);
			f_int("type", notes[i].type);
			f_str("rule", notes[i].rule);
			f_str("to", recipient_email(&notes[i], to, sizeof to));
			f_int("object", (long long)notes[i].object);
			f_str("text", notes[i].text);
			obj_end();
		}
		arr_end();
	} else {
		for (size_t i = 0; i < nnotes; i++) {
			recipient_email(&notes[i], to, sizeof to);
			emit("notify %s%s[%s] %s\n", to, to[0] ? " " : "", notes[i].rule, notes[i].text);
		}
	}
}

/* ---------------------------------------------------------------- command line */

typedef struct cli {
	const char *store;
	const char *as; /* --as EMAIL */
	const char *team_text, *contract_text;
	const char *at_text, *from, *until, *key, *all, *products, *events, *csv;
	char **arg; /* positional arguments after the command words */
	int narg;
	autolic_db *db;
	autolic_id actor; /* 0 when --as was not given */
	autolic_time now;
} cli;

/* With --json: replace what was emitted by an error object, left open so
 * that the caller may add fields; json_error_end() closes it. */
static void json_error_begin(int rc, int code, const char *what, const char *msg)
{
	O.len = 0;
	O.depth = 0;
	O.comma[0] = 0;
	obj_begin(NULL, NULL);
	f_bool("ok", 0);
	f_str("error", error_name(rc));
	f_int("code", rc);
	f_int("exit", code);
	f_str("what", what);
	f_str("message", msg[0] ? msg : autolic_strerror(rc));
}

static void json_error_end(void)
{
	print_notes();
	obj_end();
	emit("\n");
}

/* Report a failure: message on stderr (and, with --json, an error object on stdout). */
static int fail_msg(int rc, const char *what, const char *detail)
{
	char msg[1024];
	snprintf(msg, sizeof msg, "%s", detail);
	int code = exit_code(rc);
	fprintf(stderr, "%s: %s: %s%s", prog, what, autolic_strerror(rc), msg[0] ? ": " : "");
	write_clean(stderr, msg, strlen(msg));
	fputc('\n', stderr);
	if (O.json) {
		json_error_begin(rc, code, what, msg);
		json_error_end();
	}
	return code;
}

/* Report a failed library call with the library's detailed message. */
static int fail(int rc, const char *what)
{
	return fail_msg(rc, what, autolic_errmsg());
}

/* A usage mistake: message on stderr, exit 2. */
static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(see %s --help)\n", prog);
	return EXIT_USAGE;
}

static int parse_u64(const char *s, uint64_t *value)
{
	char *end;
	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (*end || errno)
		return -1;
	*value = v;
	return 0;
}

/* Join arguments from index i on with spaces (names given without quotes). */
static const char *join_args(cli *c, int i, char *buf, size_t len)
{
	buf[0] = '\0';
	for (; i < c->narg; i++) {
		size_t used = strlen(buf);
		snprintf(buf + used, len - used, "%s%s", used ? " " : "", c->arg[i]);
	}
	return buf;
}

/* Look up an account by email. */
static int account_id(cli *c, const char *email, autolic_id *id)
{
	int rc = autolic_account_find(c->db, email, id);
	if (rc) {
		char what[300];
		snprintf(what, sizeof what, "account %s", email);
		return fail(rc, what);
	}
	return 0;
}

static int need_actor(cli *c)
{
	if (!c->as)
		return usage_error("this command changes state: name the acting account with --as EMAIL (ROLE-7)");
	return 0;
}

/* ---------------------------------------------------------------- lookups */

/* The team named by --team ID, or by --contract NUMBER. */
static int the_team(cli *c, autolic_id *team)
{
	uint64_t v;
	if (c->team_text) {
		if (parse_u64(c->team_text, &v) || v == 0)
			return usage_error("--team %s: a team id", c->team_text);
		*team = v;
		return 0;
	}
	if (!c->contract_text)
		return usage_error("name the team with --team ID or --contract NUMBER");
	autolic_id contract;
	int rc = autolic_contract_find(c->db, c->contract_text, &contract);
	if (rc)
		return fail(rc, c->contract_text);
	autolic_contract_info ci = {.version = AUTOLIC_CONTRACT_INFO_VERSION};
	if ((rc = autolic_contract_get(c->db, contract, &ci)))
		return fail(rc, "contract");
	*team = ci.team;
	return 0;
}

/* --at, else now. */
static int the_time(cli *c, autolic_time *t)
{
	*t = c->now;
	if (c->at_text && parse_time(c->at_text, t))
		return usage_error("--at %s: not a time", c->at_text);
	return 0;
}

static const char *reason_name(int reason)
{
	switch (reason) {
	case AUTOLIC_FLEX_REASON_NONE: return "no window";
	case AUTOLIC_FLEX_REASON_CHARGED: return "charged";
	case AUTOLIC_FLEX_REASON_IN_WINDOW: return "inside an open window";
	case AUTOLIC_FLEX_REASON_SEAT: return "seat";
	case AUTOLIC_FLEX_REASON_TRIAL: return "trial";
	case AUTOLIC_FLEX_REASON_REFUNDED: return "refunded";
	default: return "?";
	}
}

static const char *entry_name(int type)
{
	static const char *const names[] = {"?",      "PURCHASE", "CONSUME", "REFUND",
	                                    "EXPIRE", "MOVE_OUT", "MOVE_IN", "ADJUST"};
	return names[type >= 1 && type <= 7 ? type : 0];
}

/* ---------------------------------------------------------------- catalogue */

static int cmd_product(cli *c, const char *verb)
{
	int rc;
	char name[AUTOLIC_FLEX_NAME_MAX + 2];
	if (!strcmp(verb, "set")) {
		uint64_t rate;
		if (c->narg < 2 || parse_u64(c->arg[1], &rate) || rate == 0 || rate > INT64_MAX)
			return usage_error("product set CODE RATE [NAME...]");
		join_args(c, 2, name, sizeof name);
		if ((rc = autolic_flex_product_set(c->db, c->arg[0], name[0] ? name : c->arg[0],
		                                   (int64_t)rate)))
			return fail(rc, "product set");
		say("Flex product %s: %llu tokens a day", c->arg[0], (unsigned long long)rate);
	} else if (strcmp(verb, "show") || c->narg != 1) {
		return usage_error("product set CODE RATE [NAME...] | product show CODE");
	}
	autolic_flex_product_info p = {.version = AUTOLIC_FLEX_PRODUCT_INFO_VERSION};
	if ((rc = autolic_flex_product_get(c->db, c->arg[0], &p)))
		return fail(rc, "product show");
	char a[32];
	if (O.json) {
		obj_begin("product", NULL);
		f_str("code", p.code);
		f_str("name", p.name);
		f_int("rate", p.rate);
		f_time("added", p.added);
		f_time("rate_since", p.rate_since);
		obj_end();
	} else {
		emit("%s (%s): %lld tokens a day since %s\n", p.code, p.name, (long long)p.rate,
		     fmt_time(p.rate_since, a));
	}
	return 0;
}

/* ---------------------------------------------------------------- tokens */

static int print_balance(cli *c, autolic_id team)
{
	autolic_flex_team_info ti = {.version = AUTOLIC_FLEX_TEAM_INFO_VERSION};
	int rc = autolic_flex_team_get(c->db, team, &ti);
	if (rc)
		return fail(rc, "balance");
	if (O.json) {
		obj_begin("balance", NULL);
		f_int("team", (long long)team);
		f_int("balance", ti.balance);
		f_int("available", ti.available);
		f_int("owed", ti.owed);
		f_int("unexpired_tokens", ti.unexpired_tokens);
		f_int("threshold", ti.threshold);
		f_bool("low", ti.low);
		obj_end();
	} else {
		emit("team %llu balance: %lld tokens (%lld available) of %lld bought in unexpired lots%s\n",
		     (unsigned long long)team, (long long)ti.balance, (long long)ti.available,
		     (long long)ti.unexpired_tokens, ti.low ? "; LOW (FLEX-12)" : "");
	}
	return 0;
}

static int print_lot(cli *c, autolic_id lot)
{
	autolic_flex_lot_info l = {.version = AUTOLIC_FLEX_LOT_INFO_VERSION};
	int rc = autolic_flex_lot_get(c->db, lot, &l);
	if (rc)
		return fail(rc, "lot");
	char a[32], b[32];
	if (O.json) {
		obj_begin("lot", NULL);
		f_int("id", (long long)l.id);
		f_int("team", (long long)l.team);
		f_str("subscription", l.subscription);
		f_int("quantity", l.quantity);
		f_int("remaining", l.remaining);
		f_time("purchased", l.purchased);
		f_time("expires", l.expires);
		f_bool("expired", l.expired);
		obj_end();
	} else {
		emit("lot %llu (%s): %lld of %lld tokens left, bought %s, %s %s\n",
		     (unsigned long long)l.id, l.subscription, (long long)l.remaining,
		     (long long)l.quantity, fmt_time(l.purchased, a), l.expired ? "expired" : "expires",
		     fmt_time(l.expires, b));
	}
	return 0;
}

static int cmd_lot(cli *c, const char *verb)
{
	int rc;
	uint64_t v;
	if (!strcmp(verb, "show")) {
		if (c->narg != 1 || parse_u64(c->arg[0], &v))
			return usage_error("lot show LOT-ID");
		return print_lot(c, v);
	}
	if (strcmp(verb, "buy"))
		return usage_error("lot %s: unknown (buy, show)", verb);
	if (c->narg != 2 || parse_u64(c->arg[1], &v) || v == 0 || v > INT64_MAX)
		return usage_error("lot buy SUBSCRIPTION-ID QUANTITY");
	autolic_id team, lot;
	autolic_flex_lot_spec spec = AUTOLIC_FLEX_LOT_SPEC_INIT;
	if ((rc = need_actor(c)) || (rc = the_team(c, &team)) || (rc = the_time(c, &spec.purchased)))
		return rc;
	spec.subscription = c->arg[0];
	spec.quantity = (int64_t)v;
	if ((rc = autolic_flex_lot_buy(c->db, c->actor, team, &spec, &lot)))
		return fail(rc, "lot buy");
	say("%llu tokens bought", (unsigned long long)v);
	if ((rc = print_lot(c, lot)))
		return rc;
	return print_balance(c, team);
}

static int cmd_balance(cli *c)
{
	int rc;
	autolic_id team = 0;
	if (c->narg != 0)
		return usage_error("balance [--at TIME]");
	if ((rc = the_team(c, &team)))
		return rc;
	if (!c->at_text)
		return print_balance(c, team);
	autolic_time at;
	int64_t balance;
	if ((rc = the_time(c, &at)))
		return rc;
	if ((rc = autolic_flex_balance_at(c->db, team, at, &balance)))
		return fail(rc, "balance");
	char a[32];
	if (O.json) {
		f_time("at", at);
		f_int("balance", balance);
	} else {
		emit("team %llu balance at %s: %lld tokens\n", (unsigned long long)team, fmt_time(at, a),
		     (long long)balance);
	}
	return 0;
}

/* The period of a report: --from/--until, by default everything up to now. */
static int the_period(cli *c, autolic_time *from, autolic_time *to)
{
	*from = 0;
	*to = c->now + 1;
	if (c->from && parse_time(c->from, from))
		return usage_error("--from %s: not a time", c->from);
	if (c->until && parse_time(c->until, to))
		return usage_error("--until %s: not a time", c->until);
	return 0;
}

static int cmd_ledger(cli *c)
{
	int rc;
	autolic_id team = 0;
	autolic_time from, to;
	if (c->narg != 0)
		return usage_error("ledger [--from TIME] [--until TIME] [--events]");
	if ((rc = the_team(c, &team)) || (rc = the_period(c, &from, &to)))
		return rc;
	autolic_flex_ledger_iter *it;
	unsigned mask = c->events ? AUTOLIC_FLEX_MASK_EVENTS : AUTOLIC_FLEX_MASK_ALL;
	if ((rc = autolic_flex_ledger_open(c->db, team, from, to, mask, &it)))
		return fail(rc, "ledger");
	autolic_flex_entry e = {.version = AUTOLIC_FLEX_ENTRY_VERSION};
	char a[32], who[AUTOLIC_EMAIL_MAX + 2];
	arr_begin("entries");
	while ((rc = autolic_flex_ledger_next(it, &e)) == 0) {
		autolic_account_info ai = {.version = AUTOLIC_ACCOUNT_INFO_VERSION};
		snprintf(who, sizeof who, "%s",
		         e.account && autolic_account_get(c->db, e.account, &ai) == 0 ? ai.email : "");
		if (O.json) {
			obj_begin(NULL, NULL);
			f_int("seq", (long long)e.seq);
			f_str("type", entry_name(e.type));
			f_time("time", e.time);
			f_int("lot", (long long)e.lot);
			f_int("amount", e.amount);
			f_str("account", who);
			f_str("product", e.product);
			f_str("subscription", e.subscription);
			obj_end();
		} else {
			emit("%s  %-8s %+6lld  lot %llu (%s)  %s %s\n", fmt_time(e.time, a), entry_name(e.type),
			     (long long)e.amount, (unsigned long long)e.lot, e.subscription, who, e.product);
		}
	}
	arr_end();
	autolic_flex_ledger_free(it);
	return rc == AUTOLIC_ITEROVER ? 0 : fail(rc, "ledger");
}

static int cmd_expire(cli *c)
{
	autolic_id team = 0;
	size_t n = 0;
	int rc = the_team(c, &team);
	if (rc)
		return rc;
	if ((rc = autolic_flex_expire(c->db, team, &n)))
		return fail(rc, "expire");
	say("%zu lot(s) expired (FLEX-1)", n);
	return print_balance(c, team);
}

/* ---------------------------------------------------------------- users */

static int cmd_user(cli *c, const char *verb)
{
	int rc;
	autolic_id team, account;
	if ((rc = need_actor(c)) || (rc = the_team(c, &team)))
		return rc;
	if (!strcmp(verb, "remove")) {
		if (c->narg != 1)
			return usage_error("user remove EMAIL");
		if ((rc = account_id(c, c->arg[0], &account)))
			return rc;
		if ((rc = autolic_flex_user_remove(c->db, c->actor, team, account)))
			return fail(rc, "user remove");
		say("%s is no longer a Flex user", c->arg[0]);
		return 0;
	}
	if (strcmp(verb, "assign"))
		return usage_error("user %s: unknown (assign, remove)", verb);
	char person[600], list[1024];
	const char *codes[AUTOLIC_FLEX_LIST_MAX];
	size_t n = 0;
	if (c->narg < 1 || (!c->all == !c->products))
		return usage_error("user assign PERSON (--all | --products CODE,CODE...)");
	if (c->products) {
		snprintf(list, sizeof list, "%s", c->products);
		for (char *p = list, *comma; p && *p && n < AUTOLIC_FLEX_LIST_MAX; p = comma) {
			comma = strchr(p, ',');
			if (comma)
				*comma++ = '\0';
			codes[n++] = p;
		}
	}
	autolic_flex_user_spec spec = AUTOLIC_FLEX_USER_SPEC_INIT;
	spec.person = join_args(c, 0, person, sizeof person);
	spec.all_products = c->all != NULL;
	spec.products = n ? codes : NULL;
	spec.n_products = n;
	if ((rc = autolic_flex_user_assign(c->db, c->actor, team, &spec, &account)))
		return fail(rc, "user assign");
	say("%s may use %s through the team's tokens", person,
	    c->all ? "every Flex product" : c->products);
	return 0;
}

/* ---------------------------------------------------------------- usage reports */

static int cmd_report(cli *c, int kind, const char *name)
{
	int rc;
	char key[AUTOLIC_FLEX_KEY_MAX + 1], a[32], b[32];
	autolic_flex_report_spec spec = AUTOLIC_FLEX_REPORT_SPEC_INIT;
	uint64_t session = 0;
	spec.kind = kind;
	if (kind == AUTOLIC_FLEX_LAUNCH) {
		if (c->narg != 1)
			return usage_error("launch PRODUCT [--at TIME] [--key KEY]");
		if ((rc = need_actor(c)) || (rc = the_team(c, &spec.team)))
			return rc;
		spec.product = c->arg[0];
		spec.account = c->actor;
	} else {
		if (c->narg != 1 || parse_u64(c->arg[0], &session) || session == 0)
			return usage_error("%s SESSION [--at TIME] [--key KEY]", name);
		spec.session = session;
	}
	if ((rc = the_time(c, &spec.time)))
		return rc;
	/* FLEX-13: the same report sent twice must carry the same key; by
	 * default the key is made of what identifies the report. */
	if (c->key)
		snprintf(key, sizeof key, "%s", c->key);
	else if (kind == AUTOLIC_FLEX_LAUNCH)
		snprintf(key, sizeof key, "launch:%llu:%s:%lld", (unsigned long long)spec.account,
		         spec.product, (long long)spec.time);
	else
		snprintf(key, sizeof key, "%s:%llu:%lld", name, (unsigned long long)session,
		         (long long)spec.time);
	spec.key = key;
	autolic_flex_result r = {.version = AUTOLIC_FLEX_RESULT_VERSION};
	rc = autolic_flex_report(c->db, &spec, &r);
	if (rc && rc != AUTOLIC_EDUPLICATE)
		return fail(rc, name);
	if (rc == AUTOLIC_EDUPLICATE)
		say("report %s was applied before (FLEX-13): its first result, nothing charged again", key);
	if (O.json) {
		f_int("session", (long long)r.session);
		f_bool("duplicate", rc == AUTOLIC_EDUPLICATE);
		f_str("reason", reason_name(r.reason));
		f_int("charged", r.charged);
		f_int("refunded", r.refunded);
		f_int("windows", r.windows);
		if (r.window_start) {
			f_time("window_start", r.window_start);
			f_time("window_end", r.window_end);
		}
		f_bool("ended", r.ended);
	} else {
		static const char *const done[] = {"?", "opened", "in use", "idle", "closed"};
		emit("session %llu %s at %s: ", (unsigned long long)r.session, done[kind],
		     fmt_time(spec.time, a));
		if (r.refunded)
			emit("%lld tokens refunded (FLEX-4: closed within 5 minutes)", (long long)r.refunded);
		else if (r.charged)
			emit("%lld tokens charged", (long long)r.charged);
		else if (kind == AUTOLIC_FLEX_LAUNCH)
			emit("nothing charged (%s)", reason_name(r.reason));
		else
			emit("nothing charged");
		if (r.window_start && !r.refunded)
			emit("; window %s to %s", fmt_time(r.window_start, a), fmt_time(r.window_end, b));
		if (r.ended)
			emit("; the session ENDED: %s", autolic_strerror(r.end_code));
		emit("\n");
	}
	if (kind == AUTOLIC_FLEX_LAUNCH)
		return print_balance(c, spec.team);
	return 0;
}

static int cmd_launch(cli *c) { return cmd_report(c, AUTOLIC_FLEX_LAUNCH, "launch"); }

static int cmd_activity(cli *c) { return cmd_report(c, AUTOLIC_FLEX_ACTIVITY, "activity"); }

static int cmd_idle(cli *c) { return cmd_report(c, AUTOLIC_FLEX_IDLE, "idle"); }

static int cmd_close(cli *c) { return cmd_report(c, AUTOLIC_FLEX_CLOSE, "close"); }

/* ---------------------------------------------------------------- usage report */

static int csv_out(const char *data, size_t len, void *ctx)
{
	(void)ctx;
	emit("%.*s", (int)len, data);
	return 0;
}

static int cmd_usage(cli *c)
{
	int rc;
	autolic_id team = 0;
	autolic_time from, to;
	if (c->narg != 0)
		return usage_error("usage [--from TIME] [--until TIME] [--csv]");
	if ((rc = the_team(c, &team)) || (rc = the_period(c, &from, &to)))
		return rc;
	if (c->csv) {
		if (O.json)
			return usage_error("--csv and --json: choose one");
		if ((rc = autolic_flex_usage_csv(c->db, team, from, to, csv_out, NULL)))
			return fail(rc, "usage");
		return 0;
	}
	autolic_flex_usage_iter *it;
	if ((rc = autolic_flex_usage_open(c->db, team, from, to, &it)))
		return fail(rc, "usage");
	autolic_flex_usage_row row = {.version = AUTOLIC_FLEX_USAGE_ROW_VERSION};
	long long total = 0;
	char a[32];
	if (!O.json)
		emit("%-20s %-36s %-18s %-10s %6s  %-10s %s\n", "day used", "user", "name", "product",
		     "tokens", "reason", "lots");
	arr_begin("rows");
	while ((rc = autolic_flex_usage_next(it, &row)) == 0) {
		char name[2 * 101 + 1], lots[256] = "";
		snprintf(name, sizeof name, "%s %s", row.first_name, row.last_name);
		for (size_t i = 0; i < row.n_lots; i++) {
			size_t used = strlen(lots);
			snprintf(lots + used, sizeof lots - used, "%s%llu:%lld", i ? ";" : "",
			         (unsigned long long)row.lots[i].lot, (long long)row.lots[i].amount);
		}
		total += row.tokens;
		if (O.json) {
			obj_begin(NULL, NULL);
			f_time("day", row.day);
			f_str("email", row.email);
			f_str("first_name", row.first_name);
			f_str("last_name", row.last_name);
			f_str("product", row.product);
			f_int("team", (long long)row.team);
			f_int("tokens", row.tokens);
			f_str("reason", reason_name(row.reason));
			f_str("lots", lots);
			obj_end();
		} else {
			emit("%-20s %-36s %-18s %-10s %6lld  %-10s %s\n", fmt_time(row.day, a), row.email, name,
			     row.product, (long long)row.tokens, reason_name(row.reason), lots);
		}
	}
	arr_end();
	autolic_flex_usage_free(it);
	if (rc != AUTOLIC_ITEROVER)
		return fail(rc, "usage");
	if (O.json)
		f_int("total", total);
	else
		emit("%-20s %-36s %-18s %-10s %6lld\n", "total", "", "", "", total);
	return 0;
}

/* ---------------------------------------------------------------- main */

/* The whole store against the library's invariants (autolic_db_check):
 * "ok", or the first problem, its rule named, and exit status 1. */
static int cmd_check(cli *c)
{
	int rc = autolic_db_check(c->db);
	if (rc)
		return fail(rc, "check");
	say("ok");
	return 0;
}

/* Commands: name, whether they take a verb, whether they only read. */
static const struct command {
	const char *name;
	int has_verb;
	int (*run)(cli *c, const char *verb);
	int (*run0)(cli *c);
	const char *readonly_verbs; /* space-separated verbs that only read, "*" for all */
} commands[] = {
	{"check", 0, NULL, cmd_check, "*"},
	{"product", 1, cmd_product, NULL, "show"},
	{"lot", 1, cmd_lot, NULL, "show"},
	{"balance", 0, NULL, cmd_balance, "*"},
	{"ledger", 0, NULL, cmd_ledger, "*"},
	{"expire", 0, NULL, cmd_expire, ""},
	{"user", 1, cmd_user, NULL, ""},
	{"launch", 0, NULL, cmd_launch, ""},
	{"activity", 0, NULL, cmd_activity, ""},
	{"idle", 0, NULL, cmd_idle, ""},
	{"close", 0, NULL, cmd_close, ""},
	{"usage", 0, NULL, cmd_usage, "*"},
};

/* Options; those without a value (flags) receive "1". */
static const struct option {
	const char *name;
	size_t offset; /* of the `const char *` field in cli that receives the value */
	int has_value;
} options[] = {
	{"--store", offsetof(cli, store), 1},
	{"--as", offsetof(cli, as), 1},
	{"--team", offsetof(cli, team_text), 1},
	{"--contract", offsetof(cli, contract_text), 1},
	{"--at", offsetof(cli, at_text), 1},
	{"--from", offsetof(cli, from), 1},
	{"--until", offsetof(cli, until), 1},
	{"--key", offsetof(cli, key), 1},
	{"--all", offsetof(cli, all), 0},
	{"--products", offsetof(cli, products), 1},
	{"--events", offsetof(cli, events), 0},
	{"--csv", offsetof(cli, csv), 0},
};

/* Is `word` one of the space-separated words of `list`? */
static int word_in(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list; n && (p = strstr(p, word)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return 1;
	return 0;
}

static int open_store(cli *c, int readonly, autolic_time *now, int have_now)
{
	autolic_storage st;
	autolic_journal_options jo = AUTOLIC_JOURNAL_OPTIONS_INIT;
	if (readonly)
		jo.flags = AUTOLIC_JOURNAL_READONLY;
	int rc = autolic_store_journal_open(&st, c->store, &jo);
	if (rc) {
		char what[300];
		snprintf(what, sizeof what, "store %s", c->store);
		if (rc == AUTOLIC_ENOTFOUND && readonly)
			return fail_msg(rc, what, "no such store yet (commands that change state create it)");
		return fail(rc, what);
	}
	autolic_db_options opts = AUTOLIC_DB_OPTIONS_INIT;
	opts.storage = &st;
	if (have_now) {
		opts.clock = fixed_clock;
		opts.clock_ctx = now;
	}
	opts.on_event = on_event;
	rc = autolic_db_open(&c->db, &opts);
	if (rc) {
		st.free(st.ctx);
		return fail(rc, "open");
	}
	return 0;
}

int main(int argc, char **argv)
{
	cli c = {0};
	char *pos[64];
	int npos = 0, json = 0;
	c.store = getenv("AUTOLIC_STORE");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(usage_text, stdout);
			return 0;
		}
		if (!strcmp(a, "--json")) {
			json = 1;
			continue;
		}
		if (a[0] == '-' && a[1] == '-') {
			size_t k = 0, n = sizeof options / sizeof options[0];
			while (k < n && strcmp(a, options[k].name))
				k++;
			if (k == n)
				return usage_error("unknown option %s", a);
			const char **field = (const char **)((char *)&c + options[k].offset);
			if (!options[k].has_value) {
				*field = "1";
				continue;
			}
			if (i + 1 >= argc)
				return usage_error("%s needs a value", a);
			*field = argv[++i];
			continue;
		}
		if (npos == (int)(sizeof pos / sizeof pos[0]))
			return usage_error("too many arguments");
		pos[npos++] = argv[i];
	}
	O.json = json;
	if (npos == 0) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	const struct command *cmd = NULL;
	for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
		if (!strcmp(pos[0], commands[k].name))
			cmd = &commands[k];
	if (!cmd)
		return usage_error("unknown command '%s'", pos[0]);
	const char *verb = "";
	if (cmd->has_verb) {
		if (npos < 2)
			return usage_error("%s needs a subcommand", cmd->name);
		verb = pos[1];
	}
	c.arg = pos + 1 + cmd->has_verb;
	c.narg = npos - 1 - cmd->has_verb;
	if (!c.store || !*c.store)
		c.store = "autolic.journal";

	int have_now = 0;
	const char *env_now = getenv("AUTOLIC_NOW");
	if (env_now && *env_now) {
		if (parse_time(env_now, &c.now))
			return usage_error("AUTOLIC_NOW=%s: not a time", env_now);
		have_now = 1;
	}
	int readonly = !strcmp(cmd->readonly_verbs, "*") || word_in(cmd->readonly_verbs, verb);
	int rc = open_store(&c, readonly, &c.now, have_now);
	if (rc) {
		flush_out();
		return rc;
	}
	notes_db = c.db;
	if (!have_now)
		c.now = autolic_db_now(c.db);
	if (c.as && (rc = account_id(&c, c.as, &c.actor)))
		goto done;

	if (O.json) {
		obj_begin(NULL, NULL);
		f_bool("ok", 1);
	}
	rc = cmd->has_verb ? cmd->run(&c, verb) : cmd->run0(&c);
	if (rc == 0) {
		print_notes();
		if (O.json) {
			obj_end();
			emit("\n");
		}
	}
done:
	flush_out();
	autolic_db_close(c.db);
	free(notes);
	free(O.buf);
	return rc;
}
