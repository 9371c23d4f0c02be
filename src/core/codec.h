/*
 * Versioned binary record encoding (docs/record-format.md).
 * A record is: format version byte, record tag byte, then fields in a fixed
 * order: integers little-endian fixed width, strings as u16 length + bytes.
 * Writers latch the first allocation failure; readers latch the first
 * overrun, so callers check once at the end.
 */
#ifndef AL_CORE_CODEC_H
#define AL_CORE_CODEC_H

#include "alloc.h"

#include <string.h>

/* Record format versions (docs/record-format.md). A record is written at
 * the oldest version that has its layout, so a store stays readable by
 * older libraries except where a layout changed; a reader accepts every
 * version up to AL_REC_VERSION and decodes by the version it finds. */
#define AL_REC_V1 1 /* libautolic 1.0.0 */
#define AL_REC_V2 2 /* the Flex team record carries its lots' sums (after 1.0.0) */
#define AL_REC_V3                                                                                  \
	3 /* the Flex team record carries its late-report horizon and latest recorded expiry, a    \
	     Flex lot record what its expiry forfeited (1.1) */
#define AL_REC_VERSION AL_REC_V3

/* Bytes of a buffer kept inside it: most records fit, so reading or
 * writing one allocates nothing. */
#define AL_BUF_INLINE 192

/* A growable byte buffer. It points into itself until it outgrows its
 * inline bytes: never copy one by value. */
typedef struct al_buf {
	unsigned char *p;
	size_t len, cap;
	const al_alloc *a;
	int oom;
	unsigned char inline_bytes[AL_BUF_INLINE];
} al_buf;

void al_buf_init(al_buf *b, const al_alloc *a);
void al_buf_free(al_buf *b);
void al_buf_reset(al_buf *b);
/* al_buf_put when the bytes do not fit: grows the buffer. */
void al_buf_put_grow(al_buf *b, const void *p, size_t n);
/* 0, or AUTOLIC_ENOMEM (with message) when any write failed. */
int al_buf_check(const al_buf *b);

/* Records are written field by field on every call: the common case (the
 * bytes fit) is inline. */
static inline void al_buf_put(al_buf *b, const void *p, size_t n)
{
	if (b->oom || b->cap - b->len < n) {
		al_buf_put_grow(b, p, n);
		return;
	}
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

/* Start a record of `tag` at format AL_REC_V1; al_rec_begin_v at `version`. */
void al_rec_begin(al_buf *b, uint8_t tag);
void al_rec_begin_v(al_buf *b, uint8_t tag, uint8_t version);
static inline void al_enc_u8(al_buf *b, uint8_t v)
{
	al_buf_put(b, &v, 1);
}
static inline void al_enc_u32(al_buf *b, uint32_t v)
{
	unsigned char x[4];
	for (int i = 0; i < 4; i++)
		x[i] = (unsigned char)(v >> (8 * i));
	al_buf_put(b, x, 4);
}
static inline void al_enc_u64(al_buf *b, uint64_t v)
{
	unsigned char x[8];
	for (int i = 0; i < 8; i++)
		x[i] = (unsigned char)(v >> (8 * i));
	al_buf_put(b, x, 8);
}
static inline void al_enc_i64(al_buf *b, int64_t v)
{
	al_enc_u64(b, (uint64_t)v);
}
void al_enc_str(al_buf *b, const char *s);

typedef struct al_rd {
	const unsigned char *p;
	size_t len, pos;
	int bad;
	uint8_t version;   /* the record's format version, set by al_rec_open */
	const char *field; /* the first field found out of its range (al_rd_check) */
	uint64_t value;    /* and the value it held */
} al_rd;

/* Check version and tag. 0, AUTOLIC_EVERSION or AUTOLIC_ECORRUPT (message set). */
int al_rec_open(al_rd *r, const void *p, size_t len, uint8_t tag);

/* The next n bytes, or NULL (and the reader marked bad) past the end. */
static inline const unsigned char *al_rd_take(al_rd *r, size_t n)
{
	if (r->bad || r->len - r->pos < n) {
		r->bad = 1;
		return NULL;
	}
	const unsigned char *q = r->p + r->pos;
	r->pos += n;
	return q;
}
static inline uint8_t al_dec_u8(al_rd *r)
{
	const unsigned char *q = al_rd_take(r, 1);
	return q ? q[0] : 0;
}
/* The next n bytes (at most 8) as a little-endian integer. */
static inline uint64_t al_dec_le(al_rd *r, int n)
{
	const unsigned char *q = al_rd_take(r, (size_t)n);
	uint64_t v = 0;
	for (int i = 0; q && i < n; i++)
		v |= (uint64_t)q[i] << (8 * i);
	return v;
}
static inline uint32_t al_dec_u32(al_rd *r)
{
	return (uint32_t)al_dec_le(r, 4);
}
static inline uint64_t al_dec_u64(al_rd *r)
{
	return al_dec_le(r, 8);
}
static inline int64_t al_dec_i64(al_rd *r)
{
	return (int64_t)al_dec_u64(r);
}
/* Copy into dst (capacity cap including NUL), zero-filling the rest of dst;
 * too long is corruption (dst is then all zero). */
void al_dec_str(al_rd *r, char *dst, size_t cap);
/* Check the next string as al_dec_str would for a destination of `cap`
 * bytes (in bounds, shorter than cap, no NUL) and step over it, copying
 * nothing: for readers that do not need the field. */
void al_skip_str(al_rd *r, size_t cap);
/* Copy into a new allocation. */
char *al_dec_strdup(al_rd *r, const al_alloc *a);
/* A field's value checked against its range (an enum, a boolean, a count):
 * when `ok` is false the record is corrupt, and al_rd_done names the first
 * such field, its value and the record. */
static inline void al_rd_check(al_rd *r, int ok, const char *field, uint64_t value)
{
	if (!ok && !r->bad) {
		r->bad = 1;
		r->field = field;
		r->value = value;
	}
}
/* A boolean byte (0 or 1). */
static inline int al_dec_bool(al_rd *r, const char *field)
{
	uint8_t v = al_dec_u8(r);
	al_rd_check(r, v <= 1, field, v);
	return v;
}
/* A byte holding one of lo..hi. */
static inline int al_dec_enum(al_rd *r, int lo, int hi, const char *field)
{
	uint8_t v = al_dec_u8(r);
	al_rd_check(r, v >= lo && v <= hi, field, v);
	return v;
}
/* A u32 list count: at most `max`, and no more items than the bytes left
 * could hold at `min_size` bytes each. */
static inline uint32_t al_dec_count(al_rd *r, uint32_t max, size_t min_size, const char *field)
{
	uint32_t n = al_dec_u32(r);
	al_rd_check(r, n <= max && (uint64_t)n * min_size <= r->len - r->pos, field, n);
	return r->bad ? 0 : n;
}
/* 0 when every read was in bounds, every checked field in its range and
 * the record was consumed exactly; AUTOLIC_ECORRUPT naming the record
 * otherwise. */
int al_rd_done(const al_rd *r);
/* What a record tag (its key prefix) names, for messages: "seat count";
 * "unknown" for a tag the library does not store. */
const char *al_rec_name(uint8_t tag);

#endif
