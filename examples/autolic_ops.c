/*
 * autolic_ops — Fusion Operations from the command line: subscriptions of
 * user and shop-floor licences, the hub and its trial, users, operators,
 * production records, provisioning and the automatic deactivation of
 * operators (OPS-1..OPS-7).
 *
 * A complete example program for libautolic: copy it, build it with
 *     cc -o autolic_ops autolic_ops.c $(pkg-config --cflags --libs autolic)
 * and run `autolic_ops --help`. The state lives in a journal store (a file).
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
#include <stddef.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *prog = "autolic_ops";

static const char usage_text[] =
	"usage: autolic_ops [--store PATH] [--json] [--as EMAIL] [--tenant EMAIL] <command> [args]\n"
	"\n"
	"Fusion Operations: licences, operators, production records, provisioning.\n"
	"The hub is named by its tenant's email (--tenant; by default the --as account).\n"
	"\n"
	"Accounts\n"
	"  register PERSON [--language TAG]     add an account: \"First Last <email>\" or an email\n"
	"Subscriptions (OPS-2; each purchase is a new subscription, ROLE-9)\n"
	"  subscription buy user|shop-floor QUANTITY [--from TIME] [--until TIME]\n"
	"                                       (default term: one year from now)\n"
	"  subscription show NUMBER\n"
	"  subscription set-quantity NUMBER QUANTITY\n"
	"  subscription end NUMBER\n"
	"Hub (OPS-1)\n"
	"  hub create NAME [--trial-days N] [--trial-operators N]\n"
	"                                       without --tenant the tenant is chosen automatically\n"
	"  hub show\n"
	"  hub provision                        end the trial; excess operators are deactivated (OPS-5)\n"
	"  hub reconcile                        apply the deactivations that time made due\n"
	"  licences                             user and shop-floor licences: total, used, free\n"
	"  admin add|remove EMAIL               name or withdraw an admin of the tenant\n"
	"Users (OPS-2, OPS-7)\n"
	"  user add|deactivate|reactivate EMAIL\n"
	"  access EMAIL                         may this account use the hub now? (exit 5 if not)\n"
	"Operators (OPS-2..OPS-5)\n"
	"  operator add NUMBER NAME...          takes a shop-floor licence (OPS-4)\n"
	"  operator from-user EMAIL NUMBER      takes no licence (OPS-3)\n"
	"  operator list                        every operator of the hub, active or not\n"
	"  operator show NUMBER...\n"
	"  operator deactivate|reactivate NUMBER\n"
	"  operator transfer NUMBER NAME...\n"
	"  production NUMBER [--at TIME]        record a production by the operator (default: now)\n"
	"Payment (OPS-6)\n"
	"  payment late DUE                     a payment due at DUE is late\n"
	"  payment record                       the payment arrived\n"
	"\n"
	"Store\n"
	"  check                               check the whole store against the library's invariants:\n"
	"                                      prints ok, or the first problem and its rule (exit 6)\n"
	"\n"
	"Options\n"
	"  --store PATH    journal store (default: $AUTOLIC_STORE, else ./autolic.journal)\n"
	"  --json          print the result as one JSON object\n"
	"  --as EMAIL      the acting account; required by every command that changes state\n"
	"  --tenant EMAIL  the tenant whose hub is meant (default: the --as account)\n"
	"  --at TIME       when the host observed the event (production records)\n"
	"  --help          this text\n"
	"TIME is epoch seconds or ISO 8601 UTC (2025-03-03, 2025-03-03T09:30, 2025-03-03T09:30:00Z).\n"
	"Environment: AUTOLIC_NOW=TIME replaces the system clock (reproducible scripts).\n"
	"\n"
	"Exit codes: 0 ok, 1 other failure, 2 usage, 3 not found or invalid, 4 permission denied,\n"
	"5 refused by a rule (no licence, all operator licences in use, expired), 6 storage.\n";

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

/* Fields the sentence printed by say() already gives in text mode. */
static void j_int(const char *key, long long v)
{
	if (O.json)
		f_int(key, v);
}

static void j_str(const char *key, const char *v)
{
	if (O.json)
		f_str(key, v);
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
	const char *as;        /* --as EMAIL */
	const char *tenant_email;
	const char *at_text;
	const char *from, *until, *language, *trial_days, *trial_operators;
	char **arg;            /* positional arguments after the command words */
	int narg;
	autolic_db *db;
	autolic_id actor;      /* 0 when --as was not given */
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

/* The hub of the tenant named by --tenant, else of the --as account. */
static int the_hub(cli *c, autolic_id *hub, autolic_id *tenant_out)
{
	const char *email = c->tenant_email ? c->tenant_email : c->as;
	if (!email)
		return usage_error("name the hub's tenant with --tenant EMAIL (or act as it with --as)");
	autolic_id tenant;
	int rc = account_id(c, email, &tenant);
	if (rc)
		return rc;
	rc = autolic_ops_hub_find(c->db, tenant, hub);
	if (rc) {
		char what[300];
		snprintf(what, sizeof what, "hub of %s", email);
		return fail(rc, what);
	}
	if (tenant_out)
		*tenant_out = tenant;
	return 0;
}

static int the_operator(cli *c, autolic_id hub, const char *number, autolic_id *op)
{
	int rc = autolic_ops_operator_find(c->db, hub, number, op);
	if (rc) {
		char what[100];
		snprintf(what, sizeof what, "operator %s", number);
		return fail(rc, what);
	}
	return 0;
}

static const char *kind_name(int kind)
{
	return kind == AUTOLIC_OPS_USER ? "user" : kind == AUTOLIC_OPS_SHOP_FLOOR ? "shop-floor" : "?";
}

static const char *reason_text(int reason)
{
	switch (reason) {
	case AUTOLIC_OPS_REASON_NONE: return "active";
	case AUTOLIC_OPS_REASON_MANUAL: return "deactivated by an administrator";
	case AUTOLIC_OPS_REASON_USER: return "OPS-3: the user it was created from is deactivated";
	case AUTOLIC_OPS_REASON_LICENCES:
		return "OPS-5: fewer shop-floor licences than active operators";
	default: return "?";
	}
}

/* ---------------------------------------------------------------- commands */

static int cmd_register(cli *c)
{
	if (c->narg != 1)
		return usage_error("register PERSON: give one \"First Last <email>\" or an email");
	char email[AUTOLIC_EMAIL_MAX + 1], first[AUTOLIC_NAME_MAX + 1], last[AUTOLIC_NAME_MAX + 1];
	int rc = autolic_person_parse(c->arg[0], email, first, last);
	if (rc)
		return fail(rc, "register");
	autolic_account_spec spec = AUTOLIC_ACCOUNT_SPEC_INIT;
	spec.email = email;
	spec.first_name = first;
	spec.last_name = last;
	spec.language = c->language;
	autolic_id id;
	rc = autolic_account_register(c->db, &spec, &id);
	if (rc)
		return fail(rc, "register");
	say("account %s registered (id %llu)", email, (unsigned long long)id);
	j_int("account", (long long)id);
	j_str("email", email);
	return 0;
}

static void show_subscription(const autolic_ops_subscription_info *s)
{
	char a[32], b[32];
	if (!O.json) {
		emit("subscription %llu: %u %s licences, %s to %s, %s\n",
		     (unsigned long long)s->number, s->quantity, kind_name(s->kind),
		     fmt_time(s->start, a), fmt_time(s->end, b), s->active ? "active" : "not active");
		return;
	}
	obj_begin("subscription", NULL);
	f_int("number", (long long)s->number);
	f_str("kind", kind_name(s->kind));
	f_int("quantity", s->quantity);
	f_time("start", s->start);
	f_time("end", s->end);
	f_bool("active", s->active);
	obj_end();
}

static int cmd_subscription(cli *c, const char *verb)
{
	int rc;
	uint64_t number = 0, quantity = 0, deactivated = 0;
	if (!strcmp(verb, "buy")) {
		if (c->narg != 2 || parse_u64(c->arg[1], &quantity) || quantity == 0 ||
		    quantity > UINT32_MAX)
			return usage_error("subscription buy user|shop-floor QUANTITY");
		int kind = !strcmp(c->arg[0], "user")         ? AUTOLIC_OPS_USER
		           : !strcmp(c->arg[0], "shop-floor") ? AUTOLIC_OPS_SHOP_FLOOR
		                                              : 0;
		if (!kind)
			return usage_error("subscription kind '%s': say user or shop-floor", c->arg[0]);
		if ((rc = need_actor(c)))
			return rc;
		autolic_ops_subscription_spec spec = AUTOLIC_OPS_SUBSCRIPTION_SPEC_INIT;
		if ((rc = account_id(c, c->tenant_email ? c->tenant_email : c->as, &spec.tenant)))
			return rc;
		spec.kind = kind;
		spec.quantity = (uint32_t)quantity;
		spec.start = c->now;
		if (c->from && parse_time(c->from, &spec.start))
			return usage_error("--from %s: not a time", c->from);
		spec.end = spec.start + 365 * 86400LL;
		if (c->until && parse_time(c->until, &spec.end))
			return usage_error("--until %s: not a time", c->until);
		rc = autolic_ops_subscription_buy(c->db, c->actor, &spec, &number);
		if (rc)
			return fail(rc, "subscription buy");
		say("subscription %llu bought", (unsigned long long)number);
	} else {
		if (c->narg < 1 || parse_u64(c->arg[0], &number))
			return usage_error("subscription %s NUMBER", verb);
		if (!strcmp(verb, "set-quantity")) {
			if (c->narg != 2 || parse_u64(c->arg[1], &quantity) || quantity > UINT32_MAX)
				return usage_error("subscription set-quantity NUMBER QUANTITY");
			if ((rc = need_actor(c)))
				return rc;
			rc = autolic_ops_subscription_set_quantity(c->db, c->actor, number,
			                                           (uint32_t)quantity, &deactivated);
			if (rc)
				return fail(rc, "subscription set-quantity");
			say("subscription %llu now has %llu licences; %llu operators deactivated",
			    (unsigned long long)number, (unsigned long long)quantity,
			    (unsigned long long)deactivated);
			j_int("deactivated", (long long)deactivated);
		} else if (!strcmp(verb, "end")) {
			if ((rc = need_actor(c)))
				return rc;
			rc = autolic_ops_subscription_end(c->db, c->actor, number, &deactivated);
			if (rc)
				return fail(rc, "subscription end");
			say("subscription %llu ended; %llu operators deactivated",
			    (unsigned long long)number, (unsigned long long)deactivated);
			j_int("deactivated", (long long)deactivated);
		} else if (strcmp(verb, "show")) {
			return usage_error("subscription %s: unknown (buy, show, set-quantity, end)", verb);
		}
	}
	autolic_ops_subscription_info s = {.version = AUTOLIC_OPS_SUBSCRIPTION_INFO_VERSION};
	rc = autolic_ops_subscription_get(c->db, number, &s);
	if (rc)
		return fail(rc, "subscription show");
	show_subscription(&s);
	return 0;
}

static void show_hub(const autolic_ops_hub_info *h)
{
	static const char *const states[] = {"?", "trial", "trial ended", "provisioned"};
	static const char *const pay[] = {"ok", "late: warning", "late: access blocked"};
	const char *state = states[h->state >= 1 && h->state <= 3 ? h->state : 0];
	const char *payment = pay[h->payment_state >= 0 && h->payment_state <= 2 ? h->payment_state : 0];
	char a[32], b[32];
	if (!O.json) {
		emit("hub %llu '%s': ", (unsigned long long)h->id, h->name);
		if (h->state == AUTOLIC_OPS_HUB_PROVISIONED)
			emit("provisioned since %s", fmt_time(h->provisioned, a));
		else
			emit("%s until %s (%lld days left), up to %llu licensed operators meanwhile",
			     state, fmt_time(h->trial_end, a), (long long)h->trial_days_left,
			     (unsigned long long)h->trial_operators);
		if (h->payment_state != AUTOLIC_OPS_PAYMENT_OK)
			emit("; payment due %s is %s (blocked from %s, %lld days left)",
			     fmt_time(h->payment_due, a), payment, fmt_time(h->payment_block, b),
			     (long long)h->payment_days_left);
		emit("\n");
		return;
	}
	obj_begin("hub", NULL);
	f_int("id", (long long)h->id);
	f_int("tenant", (long long)h->tenant);
	f_str("name", h->name);
	f_str("state", state);
	f_time("created", h->created);
	f_time("trial_end", h->trial_end);
	f_int("trial_days_left", h->trial_days_left);
	f_int("trial_operators", (long long)h->trial_operators);
	if (h->state == AUTOLIC_OPS_HUB_PROVISIONED)
		f_time("provisioned", h->provisioned);
	f_str("payment", payment);
	if (h->payment_state != AUTOLIC_OPS_PAYMENT_OK) {
		f_time("payment_due", h->payment_due);
		f_time("payment_block", h->payment_block);
		f_int("payment_days_left", h->payment_days_left);
	}
	obj_end();
}

static void show_licences(const autolic_ops_licence_info *l)
{
	if (!O.json) {
		emit("licences: user %llu of %llu used; ", (unsigned long long)l->user_used,
		     (unsigned long long)l->user_total);
		if (l->shop_floor_subscribed)
			emit("shop-floor %llu of %llu used, %llu free\n",
			     (unsigned long long)l->shop_floor_used,
			     (unsigned long long)l->shop_floor_total,
			     (unsigned long long)l->shop_floor_available);
		else
			emit("no shop-floor subscription\n");
		return;
	}
	obj_begin("licences", NULL);
	f_int("user_total", (long long)l->user_total);
	f_int("user_used", (long long)l->user_used);
	f_int("user_available", (long long)l->user_available);
	f_bool("shop_floor_subscribed", l->shop_floor_subscribed);
	f_int("shop_floor_total", (long long)l->shop_floor_total);
	f_int("shop_floor_used", (long long)l->shop_floor_used);
	f_int("shop_floor_available", (long long)l->shop_floor_available);
	obj_end();
}

static int print_licences(cli *c, autolic_id hub)
{
	autolic_ops_licence_info l = {.version = AUTOLIC_OPS_LICENCE_INFO_VERSION};
	int rc = autolic_ops_licences_get(c->db, hub, &l);
	if (rc)
		return fail(rc, "licences");
	show_licences(&l);
	return 0;
}

static int cmd_hub(cli *c, const char *verb)
{
	int rc;
	autolic_id hub = 0;
	uint64_t deactivated = 0;
	if (!strcmp(verb, "create")) {
		char name[AUTOLIC_OPS_HUB_NAME_MAX + 2];
		if (c->narg < 1)
			return usage_error("hub create NAME");
		if ((rc = need_actor(c)))
			return rc;
		autolic_ops_hub_spec spec = AUTOLIC_OPS_HUB_SPEC_INIT;
		spec.name = join_args(c, 0, name, sizeof name);
		if (c->tenant_email && (rc = account_id(c, c->tenant_email, &spec.tenant)))
			return rc;
		uint64_t v;
		if (c->trial_days) {
			if (parse_u64(c->trial_days, &v) || v > 366)
				return usage_error("--trial-days %s: a number of days", c->trial_days);
			spec.trial_period = (int64_t)v * 86400;
		}
		if (c->trial_operators) {
			if (parse_u64(c->trial_operators, &v))
				return usage_error("--trial-operators %s: a number", c->trial_operators);
			spec.trial_operators = v;
		}
		rc = autolic_ops_hub_create(c->db, c->actor, &spec, &hub);
		if (rc)
			return fail(rc, "hub create");
		say("hub created");
	} else {
		if ((rc = the_hub(c, &hub, NULL)))
			return rc;
		if (!strcmp(verb, "provision") || !strcmp(verb, "reconcile")) {
			if ((rc = need_actor(c)))
				return rc;
			int prov = !strcmp(verb, "provision");
			rc = prov ? autolic_ops_hub_provision(c->db, c->actor, hub, &deactivated)
			          : autolic_ops_hub_reconcile(c->db, c->actor, hub, &deactivated);
			if (rc)
				return fail(rc, prov ? "hub provision" : "hub reconcile");
			say("hub %s: %llu operator(s) deactivated", prov ? "provisioned" : "reconciled",
			    (unsigned long long)deactivated);
			j_int("deactivated", (long long)deactivated);
		} else if (strcmp(verb, "show")) {
			return usage_error("hub %s: unknown (create, show, provision, reconcile)", verb);
		}
	}
	autolic_ops_hub_info h = {.version = AUTOLIC_OPS_HUB_INFO_VERSION};
	if ((rc = autolic_ops_hub_get(c->db, hub, &h)))
		return fail(rc, "hub show");
	show_hub(&h);
	return print_licences(c, hub);
}


static int cmd_licences(cli *c)
{
	autolic_id hub;
	int rc = the_hub(c, &hub, NULL);
	return rc ? rc : print_licences(c, hub);
}

static int cmd_admin(cli *c, const char *verb)
{
	int rc;
	autolic_id tenant, account;
	if (c->narg != 1)
		return usage_error("admin add|remove EMAIL");
	if ((rc = need_actor(c)))
		return rc;
	if ((rc = account_id(c, c->tenant_email ? c->tenant_email : c->as, &tenant)) ||
	    (rc = account_id(c, c->arg[0], &account)))
		return rc;
	if (!strcmp(verb, "add"))
		rc = autolic_ops_admin_add(c->db, c->actor, tenant, account);
	else if (!strcmp(verb, "remove"))
		rc = autolic_ops_admin_remove(c->db, c->actor, tenant, account);
	else
		return usage_error("admin %s: unknown (add, remove)", verb);
	if (rc)
		return fail(rc, "admin");
	say("%s %s as an admin", c->arg[0], !strcmp(verb, "add") ? "named" : "withdrawn");
	return 0;
}

static int cmd_user(cli *c, const char *verb)
{
	int rc;
	autolic_id hub, account;
	if (c->narg != 1)
		return usage_error("user add|deactivate|reactivate EMAIL");
	if ((rc = need_actor(c)) || (rc = the_hub(c, &hub, NULL)) ||
	    (rc = account_id(c, c->arg[0], &account)))
		return rc;
	if (!strcmp(verb, "add"))
		rc = autolic_ops_user_add(c->db, c->actor, hub, account);
	else if (!strcmp(verb, "deactivate"))
		rc = autolic_ops_user_deactivate(c->db, c->actor, hub, account);
	else if (!strcmp(verb, "reactivate"))
		rc = autolic_ops_user_reactivate(c->db, c->actor, hub, account);
	else
		return usage_error("user %s: unknown (add, deactivate, reactivate)", verb);
	if (rc)
		return fail(rc, "user");
	say("user %s: %s done", c->arg[0], verb);
	return 0;
}

static int cmd_access(cli *c)
{
	int rc;
	autolic_id hub, account;
	if (c->narg != 1)
		return usage_error("access EMAIL");
	if ((rc = the_hub(c, &hub, NULL)) || (rc = account_id(c, c->arg[0], &account)))
		return rc;
	rc = autolic_ops_access_check(c->db, hub, account);
	if (rc)
		return fail(rc, "access");
	say("%s may use the hub", c->arg[0]);
	if (O.json)
		f_bool("access", 1);
	return 0;
}

static void print_operator(const autolic_ops_operator_info *op)
{
	const autolic_ops_operator_info o = *op;
	char a[32], b[32];
	if (!O.json) {
		emit("%-8s %-20s %-12s", o.number, o.name, o.active ? "active" : "DEACTIVATED");
		if (o.has_production)
			emit(" last production %s (%llu record%s)", fmt_time(o.last_production, a),
			     (unsigned long long)o.production_count, o.production_count == 1 ? "" : "s");
		else
			emit(" no production record");
		if (o.user)
			emit("; made from a user, takes no licence (OPS-3)");
		if (!o.active)
			emit("; since %s: %s", fmt_time(o.deactivated, b), reason_text(o.reason));
		emit("\n");
		return;
	}
	obj_begin(NULL, NULL);
	f_int("id", (long long)o.id);
	f_int("hub", (long long)o.hub);
	f_str("number", o.number);
	f_str("name", o.name);
	f_int("user", (long long)o.user);
	f_bool("active", o.active);
	f_int("reason", o.reason);
	f_str("status", reason_text(o.reason));
	if (!o.active)
		f_time("deactivated", o.deactivated);
	f_time("created", o.created);
	f_bool("has_production", o.has_production);
	if (o.has_production)
		f_time("last_production", o.last_production);
	f_int("production_count", (long long)o.production_count);
	obj_end();
}

static int show_operator(cli *c, autolic_id op)
{
	autolic_ops_operator_info o = {.version = AUTOLIC_OPS_OPERATOR_INFO_VERSION};
	int rc = autolic_ops_operator_get(c->db, op, &o);
	if (rc)
		return fail(rc, "operator show");
	print_operator(&o);
	return 0;
}

/* Every operator of the hub, from one snapshot (autolic_ops_operator_iter_*). */
static int list_operators(cli *c, autolic_id hub)
{
	autolic_ops_operator_iter *it;
	int rc = autolic_ops_operator_iter_new(c->db, hub, &it);
	if (rc)
		return fail(rc, "operator list");
	autolic_ops_operator_info o = {.version = AUTOLIC_OPS_OPERATOR_INFO_VERSION};
	arr_begin("operators");
	while ((rc = autolic_ops_operator_iter_next(it, &o)) == 0)
		print_operator(&o);
	arr_end();
	autolic_ops_operator_iter_free(it);
	return rc == AUTOLIC_ITEROVER ? 0 : fail(rc, "operator list");
}

static int cmd_operator(cli *c, const char *verb)
{
	int rc;
	autolic_id hub, op = 0;
	char name[AUTOLIC_OPS_OPERATOR_NAME_MAX + 2];
	if (strcmp(verb, "show") && strcmp(verb, "list") && (rc = need_actor(c)))
		return rc;
	if ((rc = the_hub(c, &hub, NULL)))
		return rc;
	if (!strcmp(verb, "list"))
		return c->narg ? usage_error("operator list (no arguments)") : list_operators(c, hub);
	if (!strcmp(verb, "show")) {
		if (c->narg < 1)
			return usage_error("operator show NUMBER...");
		arr_begin("operators");
		for (int i = 0; i < c->narg; i++) {
			if ((rc = the_operator(c, hub, c->arg[i], &op)) || (rc = show_operator(c, op)))
				return rc;
		}
		arr_end();
		return 0;
	}
	if (!strcmp(verb, "add")) {
		if (c->narg < 2)
			return usage_error("operator add NUMBER NAME...");
		autolic_ops_operator_spec spec = AUTOLIC_OPS_OPERATOR_SPEC_INIT;
		spec.number = c->arg[0];
		spec.name = join_args(c, 1, name, sizeof name);
		if ((rc = autolic_ops_operator_add(c->db, c->actor, hub, &spec, &op)))
			return fail(rc, "operator add");
		say("operator added; it takes a shop-floor licence (OPS-2)");
	} else if (!strcmp(verb, "from-user")) {
		autolic_id account;
		if (c->narg != 2)
			return usage_error("operator from-user EMAIL NUMBER");
		if ((rc = account_id(c, c->arg[0], &account)))
			return rc;
		rc = autolic_ops_operator_from_user(c->db, c->actor, hub, account, c->arg[1], &op);
		if (rc)
			return fail(rc, "operator from-user");
		say("operator created from user %s; it takes no shop-floor licence (OPS-3)", c->arg[0]);
	} else if (!strcmp(verb, "deactivate") || !strcmp(verb, "reactivate")) {
		if (c->narg != 1)
			return usage_error("operator %s NUMBER", verb);
		if ((rc = the_operator(c, hub, c->arg[0], &op)))
			return rc;
		rc = verb[0] == 'd' ? autolic_ops_operator_deactivate(c->db, c->actor, op)
		                    : autolic_ops_operator_reactivate(c->db, c->actor, op);
		if (rc)
			return fail(rc, verb[0] == 'd' ? "operator deactivate" : "operator reactivate");
		say("operator %s %sd", c->arg[0], verb);
	} else if (!strcmp(verb, "transfer")) {
		if (c->narg < 2)
			return usage_error("operator transfer NUMBER NAME...");
		if ((rc = the_operator(c, hub, c->arg[0], &op)))
			return rc;
		rc = autolic_ops_operator_transfer(c->db, c->actor, op, join_args(c, 1, name, sizeof name));
		if (rc)
			return fail(rc, "operator transfer");
		say("operator %s transferred to '%s'", c->arg[0], name);
	} else {
		return usage_error("operator %s: unknown (add, from-user, list, show, deactivate, reactivate, transfer)",
		                   verb);
	}
	arr_begin("operators");
	rc = show_operator(c, op);
	arr_end();
	if (rc == 0)
		rc = print_licences(c, hub);
	return rc;
}

static int cmd_production(cli *c)
{
	int rc;
	autolic_id hub, op;
	if (c->narg != 1)
		return usage_error("production NUMBER [--at TIME]");
	if ((rc = need_actor(c)) || (rc = the_hub(c, &hub, NULL)) ||
	    (rc = the_operator(c, hub, c->arg[0], &op)))
		return rc;
	autolic_time at = c->now;
	if (c->at_text && parse_time(c->at_text, &at))
		return usage_error("--at %s: not a time", c->at_text);
	if ((rc = autolic_ops_operator_record_production(c->db, c->actor, op, at)))
		return fail(rc, "production");
	char buf[32];
	say("production recorded at %s", fmt_time(at, buf));
	arr_begin("operators");
	rc = show_operator(c, op);
	arr_end();
	return rc;
}

static int cmd_payment(cli *c, const char *verb)
{
	int rc;
	autolic_id hub;
	if ((rc = need_actor(c)) || (rc = the_hub(c, &hub, NULL)))
		return rc;
	if (!strcmp(verb, "late")) {
		autolic_time due;
		if (c->narg != 1 || parse_time(c->arg[0], &due))
			return usage_error("payment late DUE (a time)");
		if ((rc = autolic_ops_payment_late(c->db, c->actor, hub, due)))
			return fail(rc, "payment late");
		say("payment recorded as late");
	} else if (!strcmp(verb, "record")) {
		if ((rc = autolic_ops_payment_record(c->db, c->actor, hub)))
			return fail(rc, "payment record");
		say("payment recorded");
	} else {
		return usage_error("payment %s: unknown (late, record)", verb);
	}
	autolic_ops_hub_info h = {.version = AUTOLIC_OPS_HUB_INFO_VERSION};
	if ((rc = autolic_ops_hub_get(c->db, hub, &h)))
		return fail(rc, "hub show");
	show_hub(&h);
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
	{"register", 0, NULL, cmd_register, ""},
	{"subscription", 1, cmd_subscription, NULL, "show"},
	{"hub", 1, cmd_hub, NULL, "show"},
	{"licences", 0, NULL, cmd_licences, "*"},
	{"admin", 1, cmd_admin, NULL, ""},
	{"user", 1, cmd_user, NULL, ""},
	{"access", 0, NULL, cmd_access, "*"},
	{"operator", 1, cmd_operator, NULL, "show"},
	{"production", 0, NULL, cmd_production, ""},
	{"payment", 1, cmd_payment, NULL, ""},
};

static const struct option {
	const char *name;
	size_t offset; /* of the `const char *` field in cli that receives the value */
} options[] = {
	{"--store", offsetof(cli, store)},
	{"--as", offsetof(cli, as)},
	{"--tenant", offsetof(cli, tenant_email)},
	{"--at", offsetof(cli, at_text)},
	{"--from", offsetof(cli, from)},
	{"--until", offsetof(cli, until)},
	{"--language", offsetof(cli, language)},
	{"--trial-days", offsetof(cli, trial_days)},
	{"--trial-operators", offsetof(cli, trial_operators)},
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
			if (i + 1 >= argc)
				return usage_error("%s needs a value", a);
			*(const char **)((char *)&c + options[k].offset) = argv[++i];
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
