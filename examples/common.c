/*
 * The part the three command-line programs share: see common.h.
 */
#include "common.h"

#include <autolic/sys/journal.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

const char *prog = "autolic"; /* the program's name, for messages */

/* One exit code per class of library error. */
int exit_code(int rc)
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

const char *error_name(int rc)
{
	static const char *const names[] = {
	    "OK",        "ERROR",     "EINVAL",    "ENOMEM",     "ENOTFOUND",    "EEXISTS",
	    "EPERM",     "ENOSEAT",   "ENOTOKENS", "ENOLICENCE", "ENOOPLICENCE", "EEXPIRED",
	    "ECONFLICT", "ELOCKED",   "ECORRUPT",  "ESTORAGE",   "EABORTED",     "EVERSION",
	    "ESTATE",    "EREADONLY", "EBUSY",     "ITEROVER",   "EDUPLICATE"};
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
int parse_time(const char *s, autolic_time *value)
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
const char *fmt_time(autolic_time t, char *buf)
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

out O;

void emit(const char *fmt, ...)
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
 * hold such bytes: what is shown is made safe here whatever is stored (IN-1). */
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
void write_clean(FILE *f, const char *s, size_t n)
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
void flush_out(void)
{
	if (O.len && O.json)
		fwrite(O.buf, 1, O.len, stdout);
	else if (O.len)
		write_clean(stdout, O.buf, O.len);
	O.len = 0;
}

/* A JSON string, valid whatever the text holds: control characters as
 * \uXXXX (line ends as \n), bytes that are not UTF-8 as \ufffd. */
void json_string(const char *s)
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

void text_indent(void)
{
	for (int i = 0; i < O.depth; i++)
		emit("  ");
}

/* Open an object: `title` is its text heading (may be NULL), `key` its JSON key (NULL inside
 * arrays). */
void obj_begin(const char *key, const char *title)
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

void obj_end(void)
{
	O.depth--;
	if (O.json)
		emit("}");
}

void arr_begin(const char *key)
{
	if (O.json) {
		json_key(key);
		emit("[");
	}
	O.depth++;
	O.comma[O.depth] = 0;
}

void arr_end(void)
{
	O.depth--;
	if (O.json)
		emit("]");
}

void f_str(const char *key, const char *v)
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

void f_int(const char *key, long long v)
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

void f_bool(const char *key, int v)
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

void f_time(const char *key, autolic_time t)
{
	char buf[32];
	fmt_time(t, buf);
	if (O.json) {
		char epoch_key[64];
		snprintf(epoch_key, sizeof epoch_key, "%s_epoch", key);
		json_key(key);
		json_string(buf);
		json_key(epoch_key);
		emit("%lld", (long long)t);
	} else {
		text_indent();
		text_key(key);
		emit("%s\n", buf);
	}
}

/* Fields the sentence printed by say() already gives in text mode. */
void j_int(const char *key, long long v)
{
	if (O.json)
		f_int(key, v);
}

/* A sentence saying what was done: the "message" field in JSON. */
void say(const char *fmt, ...)
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

void j_str(const char *key, const char *v)
{
	if (O.json)
		f_str(key, v);
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
			emit("notify %s%s[%s] %s\n", to, to[0] ? " " : "", notes[i].rule,
			     notes[i].text);
		}
	}
}
/* With --json: replace what was emitted by an error object, left open so
 * that the caller may add fields; json_error_end() closes it. */
void json_error_begin(int rc, int code, const char *what, const char *msg)
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

void json_error_end(void)
{
	print_notes();
	obj_end();
	emit("\n");
}

/* Report a failure: message on stderr (and, with --json, an error object on stdout). */
int fail_msg(int rc, const char *what, const char *detail)
{
	char msg[1024];
	snprintf(msg, sizeof msg, "%s", detail);
	int code = exit_code(rc);
	/* the detailed message says what the code's text says, and more: one of them */
	fprintf(stderr, "%s: %s: ", prog, what);
	if (msg[0])
		write_clean(stderr, msg, strlen(msg));
	else
		fputs(autolic_strerror(rc), stderr);
	fputc('\n', stderr);
	if (O.json) {
		json_error_begin(rc, code, what, msg);
		json_error_end();
	}
	return code;
}

/* Report a failed library call with the library's detailed message. */
int fail(int rc, const char *what)
{
	return fail_msg(rc, what, autolic_errmsg());
}

/* A usage mistake: message on stderr, exit 2. */
int usage_error(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(see %s --help)\n", prog);
	return EXIT_USAGE;
}

int parse_u64(const char *s, uint64_t *value)
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
const char *join_args(cli *c, int i, char *buf, size_t len)
{
	buf[0] = '\0';
	for (; i < c->narg; i++) {
		size_t used = strlen(buf);
		snprintf(buf + used, len - used, "%s%s", used ? " " : "", c->arg[i]);
	}
	return buf;
}

/* Look up an account by email. */
int account_id(cli *c, const char *email, autolic_id *id)
{
	int rc = autolic_account_find(c->db, email, id);
	if (rc) {
		char what[300];
		snprintf(what, sizeof what, "account %s", email);
		return fail(rc, what);
	}
	return 0;
}

int need_actor(cli *c)
{
	if (!c->as)
		return usage_error(
		    "this command changes state: name the acting account with --as EMAIL (ROLE-7)");
	return 0;
}

/* ---------------------------------------------------------------- lookups */

/* The contract named by its number. */
int the_contract(cli *c, const char *number, autolic_id *contract)
{
	int rc = autolic_contract_find(c->db, number, contract);
	if (rc) {
		char what[100];
		snprintf(what, sizeof what, "contract %s", number);
		return fail(rc, what);
	}
	return 0;
}

int team_named(cli *c, const char *team_text, const char *contract_text, autolic_id *team,
               int required)
{
	uint64_t v;
	*team = 0;
	if (team_text) {
		if (parse_u64(team_text, &v) || v == 0)
			return usage_error("--team %s: a team id", team_text);
		*team = v;
		return 0;
	}
	if (contract_text) {
		autolic_id contract;
		int rc = the_contract(c, contract_text, &contract);
		if (rc)
			return rc;
		autolic_contract_info ci = {.version = AUTOLIC_CONTRACT_INFO_VERSION};
		if ((rc = autolic_contract_get(c->db, contract, &ci)))
			return fail(rc, "contract");
		*team = ci.team;
		return 0;
	}
	if (required)
		return usage_error("name the team with --team ID or --contract NUMBER");
	return 0;
}

/* The whole store against the library's invariants (autolic_db_check):
 * "ok", or the first problem, its rule named, and exit status 1. */
int cmd_check(cli *c)
{
	int rc = autolic_db_check(c->db);
	if (rc)
		return fail(rc, "check");
	say("ok");
	return 0;
}

/* ---------------------------------------------------------------- notifications */

static int follow;                    /* --follow */
static volatile sig_atomic_t stopped; /* SIGINT or SIGTERM during --follow */

static void on_stop(int sig)
{
	(void)sig;
	stopped = 1;
}

static int open_store(cli *c, int readonly, autolic_time *now, int have_now);

/* One recorded notice: a line of text, or an object in JSON. */
static void print_notice(cli *c, const autolic_notice *n)
{
	char to[AUTOLIC_EMAIL_MAX + 1] = "", when[32];
	autolic_account_info a = {.version = AUTOLIC_ACCOUNT_INFO_VERSION};
	if (n->recipient && autolic_account_get(c->db, n->recipient, &a) == 0)
		snprintf(to, sizeof to, "%s", a.email);
	int account_stream = (n->stream >> 63) != 0;
	unsigned long long sid = (unsigned long long)(n->stream & ~(UINT64_C(1) << 63));
	if (!O.json) {
		emit("%s  %s %llu #%llu  [%s] %s%s%s\n", fmt_time(n->time, when),
		     account_stream ? "account" : "team", sid, (unsigned long long)n->position,
		     n->rule, to, to[0] ? ": " : "", n->text);
		return;
	}
	obj_begin(NULL, NULL);
	f_int("stream", (long long)n->stream);
	f_str("stream_of", account_stream ? "account" : "team");
	f_int("stream_id", (long long)sid);
	f_int("position", (long long)n->position);
	f_int("type", n->type);
	f_str("rule", n->rule);
	f_time("time", n->time);
	f_str("to", to);
	f_int("recipient", (long long)n->recipient);
	f_int("team", (long long)n->team);
	f_int("object", (long long)n->object);
	if (n->product)
		f_str("product", n->product);
	f_str("text", n->text);
	arr_begin("numbers");
	for (size_t i = 0; i < n->nnumbers; i++) {
		json_key(NULL);
		emit("%lld", (long long)n->numbers[i]);
	}
	arr_end();
	obj_end();
}

/* Print what `name` has not acknowledged (at most `max`, 0: all); with `ack`,
 * acknowledge each stream up to the last notice printed. The count in *shown. */
static int deliver(cli *c, const char *name, size_t max, int ack, size_t *shown)
{
	autolic_note_iter *it;
	*shown = 0;
	int rc = autolic_note_iter_new(c->db, name, max, &it);
	if (rc)
		return fail(rc, "notifications");
	autolic_notice n = {.version = AUTOLIC_NOTICE_VERSION};
	uint64_t st[256], pos[256];
	size_t ns = 0;
	while ((rc = autolic_note_iter_next(it, &n)) == 0) {
		size_t k = 0;
		while (k < ns && st[k] != n.stream)
			k++;
		if (k == ns && ns == sizeof st / sizeof st[0])
			break; /* the rest is shown next time */
		if (k == ns)
			st[ns++] = n.stream;
		pos[k] = n.position;
		if (follow && O.json) {
			print_notice(c, &n);
			emit("\n");
			O.comma[0] = 0;
		} else {
			print_notice(c, &n);
		}
		(*shown)++;
	}
	autolic_note_iter_free(it);
	if (rc && rc != AUTOLIC_ITEROVER)
		return fail(rc, "notifications");
	/* printed first, acknowledged after: a crash in between shows them again */
	flush_out();
	fflush(stdout);
	for (size_t k = 0; ack && k < ns; k++)
		if ((rc = autolic_note_ack(c->db, name, st[k], pos[k])) != 0)
			return fail(rc, "acknowledge");
	return 0;
}

int cmd_notifications(cli *c, const char *verb)
{
	uint64_t v = 0;
	if (!strcmp(verb, "trim")) {
		if (c->narg > 1 || (c->narg == 1 && (parse_u64(c->arg[0], &v) || v > INT64_MAX)))
			return usage_error("notifications trim [SECONDS]");
		size_t removed;
		int rc = autolic_note_trim(c->db, (autolic_time)v, &removed);
		if (rc)
			return fail(rc, "trim");
		j_int("removed", (long long)removed);
		say("%zu notification(s) removed", removed);
		return 0;
	}
	if (c->narg < 1)
		return usage_error("notifications %s needs a consumer NAME", verb);
	const char *name = c->arg[0];
	if (!strcmp(verb, "add") || !strcmp(verb, "remove")) {
		if (c->narg != 1)
			return usage_error("notifications %s NAME", verb);
		int add = verb[0] == 'a';
		int rc = add ? autolic_note_consumer_add(c->db, name)
		             : autolic_note_consumer_remove(c->db, name);
		if (rc)
			return fail(rc, add ? "add consumer" : "remove consumer");
		say("consumer %s %s", name, add ? "added" : "removed");
		return 0;
	}
	int ack = !strcmp(verb, "ack");
	if (!ack && strcmp(verb, "list"))
		return usage_error("notifications add|remove|list|ack|trim");
	if (c->narg > 2 || (c->narg == 2 && (parse_u64(c->arg[1], &v) || v > SIZE_MAX)))
		return usage_error("notifications %s NAME [MAX]", verb);
	if (follow && !ack)
		return usage_error("--follow goes with notifications ack");
	size_t shown;
	if (!follow) {
		arr_begin("notifications");
		int rc = deliver(c, name, (size_t)v, ack, &shown);
		if (rc)
			return rc;
		arr_end();
		j_int("count", (long long)shown);
		if (!O.json && !shown)
			say("nothing new for %s", name);
		else if (!O.json && ack)
			say("%zu notification(s) acknowledged for %s", shown, name);
		return 0;
	}
	/* --follow: the store is opened for each round, so that other programs
	 * may use it in between (a journal store has one user at a time) */
	signal(SIGINT, on_stop);
	signal(SIGTERM, on_stop);
	int have_now = getenv("AUTOLIC_NOW") && *getenv("AUTOLIC_NOW");
	for (;;) {
		int rc = deliver(c, name, (size_t)v, 1, &shown);
		if (rc)
			return rc;
		autolic_db_close(c->db);
		c->db = NULL;
		if (!stopped)
			sleep(1); /* a signal ends it early */
		if (stopped)
			return 0;
		if ((rc = open_store(c, 0, &c->now, have_now)) != 0)
			return rc;
	}
}

/* Is `word` one of the space-separated words of `list`? */
static int word_in(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list; n && (p = strstr(p, word)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return 1;
	return 0;
}

/* The directory part of a path ("." when it has none). */
static const char *dir_of(const char *path, char *buf, size_t len)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return ".";
	size_t n = slash == path ? 1 : (size_t)(slash - path);
	snprintf(buf, len, "%.*s", (int)(n < len ? n : len - 1), path);
	return buf;
}

static int open_store(cli *c, int readonly, autolic_time *now, int have_now)
{
	char what[300], buf[4096];
	struct stat sb;
	snprintf(what, sizeof what, "store %s", c->store);
	const char *dir = dir_of(c->store, buf, sizeof buf);
	int found = stat(dir, &sb) == 0;
	if (!found || !S_ISDIR(sb.st_mode)) {
		/* Not "no such store yet": a command that changes state could not
		 * create it either. */
		char msg[sizeof buf + 64];
		snprintf(msg, sizeof msg, "the directory %s %s", dir,
		         found                                 ? "is not a directory"
		         : errno == ENOENT || errno == ENOTDIR ? "does not exist"
		                                               : strerror(errno));
		return fail_msg(AUTOLIC_ENOTFOUND, what, msg);
	}
	autolic_storage st;
	autolic_journal_options jo = AUTOLIC_JOURNAL_OPTIONS_INIT;
	if (readonly)
		jo.flags = AUTOLIC_JOURNAL_READONLY;
	int rc = autolic_store_journal_open(&st, c->store, &jo);
	if (rc) {
		if (rc == AUTOLIC_ENOTFOUND && readonly)
			return fail_msg(rc, what,
			                "no such store yet (commands that change state create it)");
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

int cli_main(const cli_program *p, struct cli_opts *opts, int argc, char **argv)
{
	cli cl = {.o = opts}, *c = &cl;
	char *pos[64];
	int npos = 0, json = 0;
	prog = p->name;
	c->store = getenv("AUTOLIC_STORE");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(p->usage, stdout);
			return 0;
		}
		if (!strcmp(a, "--json")) {
			json = 1;
			continue;
		}
		if (!strcmp(a, "--follow")) {
			follow = 1;
			continue;
		}
		if (a[0] == '-' && a[1] == '-') {
			const char **field = NULL;
			int has_value = 1;
			if (!strcmp(a, "--store")) {
				field = &c->store;
			} else if (!strcmp(a, "--as")) {
				field = &c->as;
			} else {
				for (size_t k = 0; k < p->noptions && !field; k++) {
					if (strcmp(a, p->options[k].name))
						continue;
					field =
					    (const char **)((char *)c->o + p->options[k].offset);
					has_value = p->options[k].has_value;
				}
			}
			if (!field)
				return usage_error("unknown option %s", a);
			if (!has_value) {
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
		fputs(p->usage, stderr);
		return EXIT_USAGE;
	}
	const cli_command *cmd = NULL;
	for (size_t k = 0; k < p->ncommands; k++)
		if (!strcmp(pos[0], p->commands[k].name))
			cmd = &p->commands[k];
	if (!cmd)
		return usage_error("unknown command '%s'", pos[0]);
	if (follow && cmd->run != cmd_notifications)
		return usage_error("--follow goes with notifications ack");
	const char *verb = "";
	if (cmd->has_verb) {
		if (npos < 2)
			return usage_error("%s needs a subcommand", cmd->name);
		verb = pos[1];
	}
	c->arg = pos + 1 + cmd->has_verb;
	c->narg = npos - 1 - cmd->has_verb;
	if (!c->store || !*c->store)
		c->store = "autolic.journal";

	int have_now = 0;
	const char *env_now = getenv("AUTOLIC_NOW");
	if (env_now && *env_now) {
		if (parse_time(env_now, &c->now))
			return usage_error("AUTOLIC_NOW=%s: not a time", env_now);
		have_now = 1;
	}
	int readonly = !strcmp(cmd->readonly_verbs, "*") || word_in(cmd->readonly_verbs, verb);
	int rc = open_store(c, readonly, &c->now, have_now);
	if (rc) {
		flush_out();
		return rc;
	}
	notes_db = c->db;
	if (!have_now)
		c->now = autolic_db_now(c->db);
	if (c->as && (rc = account_id(c, c->as, &c->actor)))
		goto done;

	if (O.json && !follow) {
		obj_begin(NULL, NULL);
		f_bool("ok", 1);
	}
	rc = cmd->has_verb ? cmd->run(c, verb) : cmd->run0(c);
	if (rc == 0 && !follow) {
		print_notes();
		if (O.json) {
			obj_end();
			emit("\n");
		}
	}
done:
	flush_out();
	autolic_db_close(c->db);
	free(notes);
	free(O.buf);
	return rc;
}
