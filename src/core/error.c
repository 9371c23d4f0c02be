#include "error.h"
#include "autolic/sys/storage.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MSG_MAX (AUTOLIC_ERROR_MESSAGE_MAX + 1)

/* The calling thread's last failure: its fields and its message. */
static _Thread_local autolic_error_info last;
/* The names of last.numbers: call sites pass string literals, so a refusal
 * keeps the pointer and the name is copied only when the failure is read. */
static _Thread_local const char *num_name[AUTOLIC_ERROR_NUMBERS_MAX];
static _Thread_local char storage_msg[MSG_MAX];

const char *autolic_strerror(int code)
{
	switch (code) {
	case AUTOLIC_OK:
		return "success";
	case AUTOLIC_ERROR:
		return "error";
	case AUTOLIC_EINVAL:
		return "invalid argument";
	case AUTOLIC_ENOMEM:
		return "out of memory";
	case AUTOLIC_ENOTFOUND:
		return "not found";
	case AUTOLIC_EEXISTS:
		return "already exists";
	case AUTOLIC_EPERM:
		return "permission denied";
	case AUTOLIC_ENOSEAT:
		return "all seats in use";
	case AUTOLIC_ENOTOKENS:
		return "not enough tokens";
	case AUTOLIC_ENOLICENCE:
		return "no valid licence";
	case AUTOLIC_ENOOPLICENCE:
		return "all licences for operators are in use";
	case AUTOLIC_EEXPIRED:
		return "expired";
	case AUTOLIC_ECONFLICT:
		return "storage conflict persisted past the retry limit";
	case AUTOLIC_ELOCKED:
		return "store is locked by another process";
	case AUTOLIC_ECORRUPT:
		return "stored data is corrupt";
	case AUTOLIC_ESTORAGE:
		return "storage failure";
	case AUTOLIC_EABORTED:
		return "aborted";
	case AUTOLIC_EVERSION:
		return "unsupported version";
	case AUTOLIC_ESTATE:
		return "not valid in the current state";
	case AUTOLIC_EREADONLY:
		return "read-only";
	case AUTOLIC_EBUSY:
		return "busy";
	case AUTOLIC_ITEROVER:
		return "no more items";
	case AUTOLIC_EDUPLICATE:
		return "duplicate report";
	default:
		return "unknown error";
	}
}

const char *autolic_errmsg(void)
{
	return last.message;
}

/*
 * Messages are written on every refusal, and vsnprintf costs more than the
 * rest of a refused call. The conversions messages use are written here:
 * %s %c %d %u, %d and %u with l or ll, %zu, and %%. A format with anything
 * else (flags, width, precision, other conversions) goes to vsnprintf whole,
 * so every format gives exactly what vsnprintf gives.
 */
enum { MOD_NONE, MOD_L, MOD_LL, MOD_Z };

/* The length modifier at f (just after a '%'): *mod, and where the
 * conversion letter is. */
static const char *modifier(const char *f, int *mod)
{
	*mod = MOD_NONE;
	if (*f == 'l') {
		*mod = f[1] == 'l' ? MOD_LL : MOD_L;
		return f + (*mod == MOD_LL ? 2 : 1);
	}
	if (*f == 'z') {
		*mod = MOD_Z;
		return f + 1;
	}
	return f;
}

static int plain_format(const char *f)
{
	for (; (f = strchr(f, '%')) != NULL; f++) {
		if (*++f == '%')
			continue;
		int mod;
		f = modifier(f, &mod);
		if (*f == 'u' || (*f == 'd' && mod != MOD_Z) ||
		    ((*f == 's' || *f == 'c') && mod == MOD_NONE))
			continue;
		return 0;
	}
	return 1;
}

typedef struct fmt_out {
	char *p;
	size_t n, cap; /* n < cap: room for the terminator */
} fmt_out;

static void out_put(fmt_out *o, const char *s, size_t len)
{
	size_t room = o->cap - 1 - o->n;
	if (len > room)
		len = room;
	memcpy(o->p + o->n, s, len);
	o->n += len;
}

static void out_num(fmt_out *o, unsigned long long u, int neg)
{
	char b[24];
	size_t i = sizeof b;
	do
		b[--i] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (neg)
		b[--i] = '-';
	out_put(o, b + i, sizeof b - i);
}

void al_vfmt(char *dst, size_t cap, const char *fmt, va_list ap)
{
	if (cap == 0)
		return;
	if (!plain_format(fmt)) {
		vsnprintf(dst, cap, fmt, ap);
		return;
	}
	fmt_out o = {dst, 0, cap};
	for (const char *f = fmt;;) {
		const char *pct = strchr(f, '%');
		size_t lit = pct ? (size_t)(pct - f) : strlen(f);
		out_put(&o, f, lit);
		if (!pct)
			break;
		int mod;
		f = modifier(pct + 1, &mod);
		switch (*f++) {
		case '%':
			out_put(&o, "%", 1);
			break;
		case 'c': {
			char c = (char)va_arg(ap, int);
			out_put(&o, &c, 1);
			break;
		}
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)"; /* as glibc prints it */
			out_put(&o, s, strlen(s));
			break;
		}
		case 'u':
			out_num(&o,
			        mod == MOD_Z    ? (unsigned long long)va_arg(ap, size_t)
			        : mod == MOD_LL ? va_arg(ap, unsigned long long)
			        : mod == MOD_L  ? (unsigned long long)va_arg(ap, unsigned long)
			                        : (unsigned long long)va_arg(ap, unsigned int),
			        0);
			break;
		default: { /* 'd' */
			long long v = mod == MOD_LL  ? va_arg(ap, long long)
			              : mod == MOD_L ? (long long)va_arg(ap, long)
			                             : (long long)va_arg(ap, int);
			out_num(&o, v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v,
			        v < 0);
			break;
		}
		}
	}
	dst[o.n] = 0;
}

/* The rule ID a message starts with: letters, '-', digits ("SEAT-2",
 * "FLEX-13"), followed by the end, ':', ' ', '(' or '/' ("ROLE-2/ROLE-4: ..."). */
static void rule_from(const char *m)
{
	last.rule[0] = 0;
	size_t i = 0;
	while (m[i] >= 'A' && m[i] <= 'Z')
		i++;
	if (i == 0 || m[i] != '-')
		return;
	size_t d = ++i;
	while (m[i] >= '0' && m[i] <= '9')
		i++;
	if (i == d || i > AUTOLIC_ERROR_RULE_MAX || (m[i] && !strchr(": (/", m[i])))
		return;
	memcpy(last.rule, m, i);
	last.rule[i] = 0;
}

int al_err(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	al_vfmt(last.message, sizeof last.message, fmt, ap);
	va_end(ap);
	last.code = code;
	last.object_count = last.number_count = 0;
	rule_from(last.message);
	return code;
}

void al_err_clear(void)
{
	last.message[0] = 0;
	last.code = 0;
	last.rule[0] = 0;
	last.object_count = last.number_count = 0;
}

int al_err_rule(const char *rule)
{
	size_t n = strlen(rule);
	if (n > AUTOLIC_ERROR_RULE_MAX)
		n = AUTOLIC_ERROR_RULE_MAX;
	memcpy(last.rule, rule, n);
	last.rule[n] = 0;
	return last.code;
}

/* Copy at most cap - 1 bytes of s into dst, terminated. */
static void field_copy(char *dst, size_t cap, const char *s)
{
	size_t n = s ? strnlen(s, cap - 1) : 0;
	memcpy(dst, s ? s : "", n);
	dst[n] = 0;
}

/* The bytes after the terminator of dst[cap], zeroed: a public struct never
 * carries stale bytes (done when the failure is read, not on each refusal). */
static void zero_tail(char *dst, size_t cap)
{
	size_t n = strnlen(dst, cap);
	memset(dst + n, 0, cap - n);
}

int al_err_obj(int kind, autolic_id id, const char *name)
{
	for (unsigned i = 0; i < last.object_count; i++) {
		autolic_error_object *o = &last.objects[i];
		if (o->kind == kind && o->id == id && !strcmp(o->name, name ? name : ""))
			return last.code; /* named once */
	}
	if (last.object_count < AUTOLIC_ERROR_OBJECTS_MAX) {
		autolic_error_object *o = &last.objects[last.object_count++];
		o->kind = kind;
		o->id = id;
		field_copy(o->name, sizeof o->name, name);
	}
	return last.code;
}

static int add_num(const char *name, int64_t value, int unit)
{
	if (last.number_count < AUTOLIC_ERROR_NUMBERS_MAX) {
		num_name[last.number_count] = name;
		autolic_error_number *n = &last.numbers[last.number_count++];
		n->value = value;
		n->unit = unit;
	}
	return last.code;
}

int al_err_num(const char *name, int64_t value)
{
	return add_num(name, value, AUTOLIC_UNIT_COUNT);
}

int al_err_time(const char *name, autolic_time t)
{
	return add_num(name, t, AUTOLIC_UNIT_TIME);
}

int al_err_seconds(const char *name, int64_t s)
{
	return add_num(name, s, AUTOLIC_UNIT_SECONDS);
}

int al_err_arg(const char *field, const char *num, int64_t value)
{
	al_err_obj(AUTOLIC_OBJECT_ARGUMENT, 0, field);
	return num ? al_err_num(num, value) : last.code;
}

int al_name_fallback(int rc, autolic_id id, al_name *n)
{
	if (rc && rc != AUTOLIC_ENOTFOUND && rc != AUTOLIC_ECORRUPT && rc != AUTOLIC_EVERSION)
		return rc;
	if (rc || !n->s[0])
		snprintf(n->s, sizeof n->s, "#%llu", (unsigned long long)id);
	return 0;
}

int al_err_account(autolic_id account, const al_name *n)
{
	return al_err_obj(AUTOLIC_OBJECT_ACCOUNT, account, n->s);
}

int al_err_team(autolic_id team, const al_name *n)
{
	return al_err_obj(AUTOLIC_OBJECT_TEAM, team, n->s);
}

int al_err_product(const char *code)
{
	return al_err_obj(AUTOLIC_OBJECT_PRODUCT, 0, code);
}

void al_err_save(autolic_error_info *to)
{
	al_err_snapshot(to);
}

int al_err_restore(const autolic_error_info *from)
{
	last = *from;
	for (unsigned i = 0; i < last.number_count && i < AUTOLIC_ERROR_NUMBERS_MAX; i++)
		num_name[i] = last.numbers[i].name;
	return last.code;
}

void al_err_snapshot(autolic_error_info *e)
{
	*e = last;
	/* slots past the counts were written by earlier failures: empty them */
	memset(e->objects + e->object_count, 0,
	       (AUTOLIC_ERROR_OBJECTS_MAX - e->object_count) * sizeof *e->objects);
	memset(e->numbers + e->number_count, 0,
	       (AUTOLIC_ERROR_NUMBERS_MAX - e->number_count) * sizeof *e->numbers);
	for (unsigned i = 0; i < e->object_count; i++)
		zero_tail(e->objects[i].name, sizeof e->objects[i].name);
	for (unsigned i = 0; i < e->number_count; i++) {
		field_copy(e->numbers[i].name, sizeof e->numbers[i].name, num_name[i]);
		zero_tail(e->numbers[i].name, sizeof e->numbers[i].name);
	}
	zero_tail(e->rule, sizeof e->rule);
	zero_tail(e->message, sizeof e->message);
}

void al_err_prefix(const char *fmt, ...)
{
	char head[MSG_MAX], old[MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(head, sizeof head, fmt, ap);
	va_end(ap);
	size_t h = strlen(head);
	if (!strncmp(last.message, head, h) && !strncmp(last.message + h, ": ", 2))
		return; /* it says so already: never "ROLE-7: ROLE-7: ..." */
	memcpy(old, last.message, sizeof old);
	if (h > MSG_MAX - 3)
		h = MSG_MAX - 3;
	memcpy(last.message, head, h);
	memcpy(last.message + h, ": ", 2);
	size_t o = strlen(old);
	if (o > MSG_MAX - 3 - h)
		o = MSG_MAX - 3 - h;
	memcpy(last.message + h + 2, old, o);
	last.message[h + 2 + o] = 0;
	if (!last.rule[0])
		rule_from(last.message);
}

void autolic_storage_set_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	al_vfmt(storage_msg, sizeof storage_msg, fmt, ap);
	va_end(ap);
}

void al_err_storage_reset(void)
{
	storage_msg[0] = 0;
}

const char *al_err_take_storage(void)
{
	static _Thread_local char taken[MSG_MAX];
	memcpy(taken, storage_msg, strlen(storage_msg) + 1);
	storage_msg[0] = 0;
	return taken;
}

int autolic_storage_result(int rc)
{
	if (!rc) {
		al_err_clear();
		return 0;
	}
	return al_err(rc, "%s", storage_msg[0] ? storage_msg : autolic_strerror(rc));
}

int al_version_check(unsigned int v, unsigned int known, const char *what)
{
	if (v == 0 || v > known)
		return al_err(AUTOLIC_EVERSION, "%s version %u is not supported (1..%u)", what, v,
		              known);
	return 0;
}
