/*
 * The notification record (NOTE-1): written by al_txn_event in the
 * transaction of the change, decoded and rendered by the reader
 * (src/notification.c). Layout in docs/record-format.md.
 */
#include "note.h"
#include "error.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define NOTE_ARGS_MAX 16

uint64_t al_note_stream(autolic_id team, autolic_id recipient)
{
	return team ? team : (recipient | AL_NOTE_ACCOUNT_STREAM);
}

void al_note_key(al_key *k, uint64_t stream, uint64_t pos)
{
	al_key_init(k, AL_K_NOTE);
	al_key_u64(k, stream);
	al_key_u64(k, pos);
}

void al_note_head_key(al_key *k, uint64_t stream)
{
	al_key_init(k, AL_K_NOTE_HEAD);
	al_key_u64(k, stream);
}

int al_note_head_decode(const void *p, size_t len, uint64_t *last)
{
	al_rd r;
	int rc = al_rec_open(&r, p, len, AL_K_NOTE_HEAD);
	if (rc)
		return rc;
	*last = al_dec_u64(&r);
	return al_rd_done(&r);
}

/* ---- the message: a template and its arguments ---- */

/* One conversion of a template: its letter ('d' signed, 'u' unsigned, 'x'
 * hexadecimal, 's' string) after the length modifier (none, l, ll, z). Sets
 * *len to the bytes of the whole "%..." spec. 0 for anything else. */
static char conv_at(const char *p, size_t *len, int *lng)
{
	size_t i = 1;
	*lng = 0;
	if (p[i] == 'z') {
		*lng = 3;
		i++;
	} else if (p[i] == 'l') {
		*lng = 1;
		i++;
		if (p[i] == 'l') {
			*lng = 2;
			i++;
		}
	}
	*len = i + 1;
	switch (p[i]) {
	case 'd':
	case 'i':
		return 'd';
	case 'u':
		return 'u';
	case 'x':
		return 'x';
	case 's':
		return *lng ? 0 : 's';
	default:
		return 0;
	}
}

/* The conversions of fmt in order, into conv (at most NOTE_ARGS_MAX); -1
 * when fmt holds one this record cannot keep (flags, widths, %c...). */
static int template_convs(const char *fmt, char *conv, int *lng)
{
	int n = 0;
	for (const char *p = fmt; *p; p++) {
		if (*p != '%')
			continue;
		if (p[1] == '%') {
			p++;
			continue;
		}
		if (n == NOTE_ARGS_MAX)
			return -1;
		size_t len;
		char c = conv_at(p, &len, &lng[n]);
		if (!c)
			return -1;
		conv[n++] = c;
		p += len - 1;
	}
	return n;
}

static int64_t arg_signed(va_list *ap, int lng)
{
	switch (lng) {
	case 0:
		return va_arg(*ap, int);
	case 1:
		return va_arg(*ap, long);
	case 3:
		return (int64_t)va_arg(*ap, size_t);
	default:
		return va_arg(*ap, long long);
	}
}

static uint64_t arg_unsigned(va_list *ap, int lng)
{
	switch (lng) {
	case 0:
		return va_arg(*ap, unsigned int);
	case 1:
		return va_arg(*ap, unsigned long);
	case 3:
		return va_arg(*ap, size_t);
	default:
		return va_arg(*ap, unsigned long long);
	}
}

/* The template and its arguments into b: str template, u8 count, then per
 * argument u8 letter and its value (u64, or str). A template the record
 * cannot keep is kept rendered, as "%s" with its text. */
static void enc_message(al_buf *b, const char *fmt, va_list ap)
{
	char conv[NOTE_ARGS_MAX];
	int lng[NOTE_ARGS_MAX];
	int n = template_convs(fmt, conv, lng);
	if (n < 0) {
		char text[512];
		vsnprintf(text, sizeof text, fmt, ap);
		al_enc_str(b, "%s");
		al_enc_u8(b, 1);
		al_enc_u8(b, 's');
		al_enc_str(b, text);
		return;
	}
	al_enc_str(b, fmt);
	al_enc_u8(b, (uint8_t)n);
	va_list aq;
	va_copy(aq, ap);
	for (int i = 0; i < n; i++) {
		al_enc_u8(b, (uint8_t)conv[i]);
		if (conv[i] == 's') {
			const char *s = va_arg(aq, const char *);
			al_enc_str(b, s ? s : "");
		} else if (conv[i] == 'd') {
			al_enc_i64(b, arg_signed(&aq, lng[i]));
		} else {
			al_enc_u64(b, arg_unsigned(&aq, lng[i]));
		}
	}
	va_end(aq);
}

int al_note_append(al_txn *t, int type, autolic_id recipient, autolic_id team, autolic_id object,
                   const char *product, const char *rule, const char *fmt, va_list ap)
{
	uint64_t stream = al_note_stream(team, recipient), last = 0;
	al_key k;
	al_note_head_key(&k, stream);
	al_buf b;
	al_buf_init(&b, t->a);
	int rc = al_txn_get(t, &k, &b);
	if (!rc)
		rc = al_note_head_decode(b.p, b.len, &last);
	else if (rc == AUTOLIC_ENOTFOUND)
		rc = 0;
	if (!rc) {
		al_rec_begin(&b, AL_K_NOTE_HEAD);
		al_enc_u64(&b, last + 1);
		rc = al_txn_put(t, &k, &b);
	}
	if (!rc) {
		al_rec_begin(&b, AL_K_NOTE);
		al_enc_u8(&b, (uint8_t)type);
		al_enc_i64(&b, t->now);
		al_enc_u64(&b, recipient);
		al_enc_u64(&b, team);
		al_enc_u64(&b, object);
		al_enc_str(&b, product ? product : "");
		al_enc_str(&b, rule ? rule : "");
		enc_message(&b, fmt, ap);
		al_note_key(&k, stream, last + 1);
		rc = al_txn_put(t, &k, &b);
	}
	al_buf_free(&b);
	return rc;
}

/* ---- reading back ---- */

int al_note_time(const void *p, size_t len, autolic_time *time)
{
	al_rd r;
	int rc = al_rec_open(&r, p, len, AL_K_NOTE);
	if (rc)
		return rc;
	(void)al_dec_u8(&r);
	*time = al_dec_i64(&r);
	return r.bad ? al_rd_done(&r) : 0;
}

/* A string field in place: its bytes and length (no copy). */
static const char *dec_span(al_rd *r, size_t *n)
{
	const unsigned char *q = al_rd_take(r, 2);
	*n = q ? (size_t)q[0] | (size_t)q[1] << 8 : 0;
	const unsigned char *s = al_rd_take(r, *n);
	if (s && memchr(s, 0, *n))
		r->bad = 1;
	return s ? (const char *)s : "";
}

typedef struct {
	char conv;
	int64_t num;
	const char *s;
	size_t sn;
} note_arg;

/* Render the template with its arguments into dst (cap bytes; NULL to
 * measure). The length of the text, without its NUL. */
static size_t render(char *dst, size_t cap, const char *tpl, size_t tn, const note_arg *args)
{
	size_t out = 0;
	int ai = 0;
#define EMIT(p, n)                                                                                 \
	do {                                                                                       \
		if (dst && out + (n) < cap)                                                        \
			memcpy(dst + out, (p), (n));                                               \
		out += (n);                                                                        \
	} while (0)
	for (size_t i = 0; i < tn; i++) {
		if (tpl[i] != '%' || i + 1 >= tn) {
			EMIT(tpl + i, 1);
			continue;
		}
		if (tpl[i + 1] == '%') {
			EMIT("%", 1);
			i++;
			continue;
		}
		size_t len;
		int lng;
		(void)conv_at(tpl + i, &len, &lng);
		/* al_note_decode() checked that the template names exactly these
		 * arguments, in order: the next one is this conversion's */
		const note_arg *a = &args[ai++];
		char c = a->conv;
		char num[32];
		int k = 0;
		if (c == 's') {
			EMIT(a->s, a->sn);
		} else {
			if (c == 'd')
				k = snprintf(num, sizeof num, "%" PRId64, a->num);
			else if (c == 'u')
				k = snprintf(num, sizeof num, "%" PRIu64, (uint64_t)a->num);
			else
				k = snprintf(num, sizeof num, "%" PRIx64, (uint64_t)a->num);
			EMIT(num, (size_t)k);
		}
		i += len - 1;
	}
#undef EMIT
	if (dst && cap)
		dst[out < cap ? out : cap - 1] = 0;
	return out;
}

int al_note_decode(const void *p, size_t len, uint64_t stream, uint64_t pos, const al_alloc *a,
                   al_note *out)
{
	memset(out, 0, sizeof *out);
	al_rd r;
	int rc = al_rec_open(&r, p, len, AL_K_NOTE);
	if (rc)
		return rc;
	autolic_notice *n = &out->n;
	n->version = AUTOLIC_NOTICE_VERSION;
	n->stream = stream;
	n->position = pos;
	n->type = al_dec_u8(&r);
	n->time = al_dec_i64(&r);
	n->recipient = al_dec_u64(&r);
	n->team = al_dec_u64(&r);
	n->object = al_dec_u64(&r);
	size_t lp, lr, lt;
	const char *product = dec_span(&r, &lp);
	const char *rule = dec_span(&r, &lr);
	const char *tpl = dec_span(&r, &lt);
	int nargs = al_dec_u8(&r);
	al_rd_check(&r, nargs <= NOTE_ARGS_MAX, "argument count", (uint64_t)nargs);
	note_arg args[NOTE_ARGS_MAX];
	size_t nnum = 0;
	for (int i = 0; !r.bad && i < nargs; i++) {
		note_arg *g = &args[i];
		g->conv = (char)al_dec_u8(&r);
		if (g->conv == 's') {
			g->s = dec_span(&r, &g->sn);
		} else {
			al_rd_check(&r, g->conv == 'd' || g->conv == 'u' || g->conv == 'x',
			            "argument kind", (uint8_t)g->conv);
			g->num = al_dec_i64(&r);
			nnum++;
		}
	}
	/* the template must name exactly the kept arguments, in order */
	char conv[NOTE_ARGS_MAX];
	int lng[NOTE_ARGS_MAX];
	if (!r.bad) {
		char tcopy[1024];
		int ok = lt < sizeof tcopy;
		if (ok) {
			memcpy(tcopy, tpl, lt);
			tcopy[lt] = 0;
			int tn = template_convs(tcopy, conv, lng);
			ok = tn == nargs;
			for (int i = 0; ok && i < nargs; i++)
				ok = conv[i] == args[i].conv;
		}
		al_rd_check(&r, ok, "message template", (uint64_t)lt);
	}
	rc = al_rd_done(&r);
	if (rc)
		return rc;
	size_t ltext = render(NULL, 0, tpl, lt, args);
	size_t size = nnum * sizeof(int64_t) + lp + 1 + lr + 1 + ltext + 1;
	unsigned char *blk = al_malloc(a, size);
	if (!blk)
		return al_err(AUTOLIC_ENOMEM,
		              "out of memory reading notice %" PRIu64 " of stream %" PRIu64, pos,
		              stream);
	int64_t *nums = (int64_t *)(void *)blk;
	size_t j = 0;
	for (int i = 0; i < nargs; i++)
		if (args[i].conv != 's')
			nums[j++] = args[i].num;
	char *s = (char *)(blk + nnum * sizeof(int64_t));
	memcpy(s, product, lp);
	s[lp] = 0;
	n->product = lp ? s : NULL;
	s += lp + 1;
	memcpy(s, rule, lr);
	s[lr] = 0;
	n->rule = s;
	s += lr + 1;
	render(s, ltext + 1, tpl, lt, args);
	n->text = s;
	n->numbers = nnum ? nums : NULL;
	n->nnumbers = nnum;
	out->block = blk;
	return 0;
}
