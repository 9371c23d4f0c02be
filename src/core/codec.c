#include "codec.h"
#include "keys.h"
#include "error.h"

#include <string.h>

void al_buf_init(al_buf *b, const al_alloc *a)
{
	b->p = b->inline_bytes;
	b->len = 0;
	b->cap = sizeof b->inline_bytes;
	b->a = a;
	b->oom = 0;
}

void al_buf_free(al_buf *b)
{
	if (b->p != b->inline_bytes)
		al_free(b->a, b->p);
	b->p = b->inline_bytes;
	b->len = 0;
	b->cap = sizeof b->inline_bytes;
}

void al_buf_reset(al_buf *b)
{
	b->len = 0;
	b->oom = 0;
}

void al_buf_put_grow(al_buf *b, const void *p, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n > b->cap) {
		size_t cap = b->cap * 2;
		while (cap < b->len + n)
			cap *= 2;
		int own = b->p != b->inline_bytes;
		unsigned char *q = own ? al_realloc(b->a, b->p, cap) : al_malloc(b->a, cap);
		if (!q) {
			b->oom = 1;
			return;
		}
		if (!own && b->len)
			memcpy(q, b->p, b->len);
		b->p = q;
		b->cap = cap;
	}
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

int al_buf_check(const al_buf *b)
{
	return b->oom ? al_err(AUTOLIC_ENOMEM, "out of memory encoding a record") : 0;
}

void al_rec_begin_v(al_buf *b, uint8_t tag, uint8_t version)
{
	al_buf_reset(b);
	al_enc_u8(b, version);
	al_enc_u8(b, tag);
}

void al_rec_begin(al_buf *b, uint8_t tag)
{
	al_rec_begin_v(b, tag, AL_REC_V1);
}

void al_enc_str(al_buf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n > 0xffff) {
		b->oom = 1; /* callers validate lengths long before this */
		return;
	}
	unsigned char x[2] = {(unsigned char)n, (unsigned char)(n >> 8)};
	al_buf_put(b, x, 2);
	al_buf_put(b, s, n);
}

int al_rec_open(al_rd *r, const void *p, size_t len, uint8_t tag)
{
	r->p = p;
	r->len = len;
	r->pos = 0;
	r->bad = 0;
	r->version = 0;
	r->field = NULL;
	r->value = 0;
	if (len < 2)
		return al_err(AUTOLIC_ECORRUPT, "record of %zu bytes is too short", len);
	if (r->p[0] == 0) /* no format 0 was ever written: the byte is damaged */
		return al_err(AUTOLIC_ECORRUPT,
		              "record (tag 0x%02x) has format 0, which does not exist", r->p[1]);
	if (r->p[0] > AL_REC_VERSION)
		return al_err(AUTOLIC_EVERSION,
		              "record format %u is not supported (this library reads format %u)",
		              r->p[0], AL_REC_VERSION);
	if (r->p[1] != tag)
		return al_err(AUTOLIC_ECORRUPT, "record tag 0x%02x where 0x%02x was expected",
		              r->p[1], tag);
	r->version = r->p[0];
	r->pos = 2;
	return 0;
}

static size_t str_len(al_rd *r)
{
	const unsigned char *q = al_rd_take(r, 2);
	return q ? (size_t)q[0] | (size_t)q[1] << 8 : 0;
}

/* The next string's bytes when they would fit a destination of `cap` bytes
 * with their terminator and hold no NUL; NULL (reader marked bad) otherwise.
 * One check for al_dec_str and al_skip_str, so the two refuse alike. */
static const unsigned char *str_take(al_rd *r, size_t cap, size_t *n)
{
	*n = str_len(r);
	const unsigned char *q = al_rd_take(r, *n);
	if (!q || *n >= cap || memchr(q, 0, *n)) {
		r->bad = 1;
		return NULL;
	}
	return q;
}

void al_dec_str(al_rd *r, char *dst, size_t cap)
{
	size_t n;
	const unsigned char *q = str_take(r, cap, &n);
	if (!q) {
		memset(dst, 0, cap);
		return;
	}
	/* the whole buffer is written: public structs copy these arrays whole, and
	 * nothing of an earlier use may show after the terminator */
	memcpy(dst, q, n);
	memset(dst + n, 0, cap - n);
}

void al_skip_str(al_rd *r, size_t cap)
{
	size_t n;
	(void)str_take(r, cap, &n);
}

char *al_dec_strdup(al_rd *r, const al_alloc *a)
{
	size_t n = str_len(r);
	const unsigned char *q = al_rd_take(r, n);
	if (!q || memchr(q, 0, n)) {
		r->bad = 1;
		return NULL;
	}
	char *s = al_malloc(a, n + 1);
	if (s) {
		memcpy(s, q, n);
		s[n] = 0;
	}
	return s;
}

/* Every tag the library stores, named for messages (keys.h). */
static const struct {
	uint8_t tag;
	const char *name;
} rec_names[] = {
    {AL_K_SEQ, "sequence"},
    {AL_K_SCHEMA, "schema"},
    {AL_K_ACCOUNT, "account"},
    {AL_K_ACCOUNT_EMAIL, "account email index"},
    {AL_K_TEAM, "team"},
    {AL_K_TEAM_MEMBER, "team member"},
    {AL_K_MEMBER_TEAM, "member team index"},
    {AL_K_CONTRACT, "contract"},
    {AL_K_CONTRACT_NUMBER, "contract number"},
    {AL_K_TEAM_CONTRACT, "team contract index"},
    {AL_K_SERIAL, "serial number"},
    {AL_K_CONTRACT_PRODUCT, "contract product"},
    {AL_K_CONTRACT_OFFER, "update offer"},
    {AL_K_ACCOUNT_CONTRACT, "contract role"},
    {AL_K_SEAT, "seat"},
    {AL_K_ACCOUNT_SEAT, "account seat index"},
    {AL_K_SEAT_COUNT, "seat count"},
    {AL_K_FLEX_PRODUCT, "Flex product"},
    {AL_K_FLEX_RATE, "Flex rate"},
    {AL_K_FLEX_TEAM, "Flex team"},
    {AL_K_FLEX_LOT, "Flex lot"},
    {AL_K_FLEX_TEAM_LOT, "Flex lot expiry index"},
    {AL_K_FLEX_TEAM_OLD, "Flex expired lot index"},
    {AL_K_FLEX_LEDGER, "Flex ledger entry"},
    {AL_K_FLEX_USER, "Flex assignment"},
    {AL_K_FLEX_WINDOW, "Flex window"},
    {AL_K_FLEX_SESSION, "Flex session"},
    {AL_K_FLEX_OPEN, "Flex open session index"},
    {AL_K_FLEX_IDEM, "Flex idempotency"},
    {AL_K_FLEX_USAGE, "Flex usage"},
    {AL_K_FLEX_TRIAL, "Flex trial"},
    {AL_K_FLEX_TEAM_LIVE, "Flex live lot index"},
    {AL_K_OPS_HUB, "operations hub"},
    {AL_K_OPS_TENANT_HUB, "operations tenant"},
    {AL_K_OPS_ADMIN, "operations administrator"},
    {AL_K_OPS_ADMIN_OF, "operations administrator index"},
    {AL_K_OPS_SUB, "operations subscription"},
    {AL_K_OPS_SUB_NUMBER, "operations subscription number"},
    {AL_K_OPS_USER, "operations user"},
    {AL_K_OPS_OPERATOR, "operator"},
    {AL_K_OPS_OP_NUMBER, "operator number"},
    {AL_K_OPS_OP_HUB, "operator hub"},
    {AL_K_OPS_USER_OP, "operator user index"},
    {AL_K_HUB, "developer hub"},
    {AL_K_TEAM_HUB, "team hub"},
    {AL_K_HUB_APP, "application"},
    {AL_K_HUB_APPS, "hub application index"},
    {AL_K_HUB_ADMIN, "hub administrator"},
    {AL_K_ACCOUNT_HUB, "account hub index"},
    {AL_K_NOTE, "notice"},
    {AL_K_NOTE_HEAD, "notice stream"},
    {AL_K_NOTE_CONSUMER, "notice consumer"},
    {AL_K_NOTE_POS, "notice position"},
};

const char *al_rec_name(uint8_t tag)
{
	for (size_t i = 0; i < sizeof rec_names / sizeof rec_names[0]; i++)
		if (rec_names[i].tag == tag)
			return rec_names[i].name;
	return "unknown";
}

int al_rd_done(const al_rd *r)
{
	uint8_t tag = r->len > 1 ? r->p[1] : 0;
	if (r->field)
		return al_err(AUTOLIC_ECORRUPT, "%s record (tag 0x%02x) holds an invalid %s (%llu)",
		              al_rec_name(tag), tag, r->field, (unsigned long long)r->value);
	if (r->bad || r->pos != r->len)
		return al_err(AUTOLIC_ECORRUPT,
		              "record (tag 0x%02x) is truncated or has trailing bytes",
		              r->len > 1 ? r->p[1] : 0);
	return 0;
}
