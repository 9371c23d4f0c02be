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

#define AL_REC_VERSION 1

typedef struct al_buf {
	unsigned char *p;
	size_t len, cap;
	const al_alloc *a;
	int oom;
} al_buf;

void al_buf_init(al_buf *b, const al_alloc *a);
void al_buf_free(al_buf *b);
void al_buf_reset(al_buf *b);
void al_buf_put(al_buf *b, const void *p, size_t n);
/* 0, or AUTOLIC_ENOMEM (with message) when any write failed. */
int al_buf_check(const al_buf *b);

void al_rec_begin(al_buf *b, uint8_t tag);
void al_enc_u8(al_buf *b, uint8_t v);
void al_enc_u32(al_buf *b, uint32_t v);
void al_enc_u64(al_buf *b, uint64_t v);
void al_enc_i64(al_buf *b, int64_t v);
void al_enc_str(al_buf *b, const char *s);

typedef struct al_rd {
	const unsigned char *p;
	size_t len, pos;
	int bad;
} al_rd;

/* Check version and tag. 0, AUTOLIC_EVERSION or AUTOLIC_ECORRUPT (message set). */
int al_rec_open(al_rd *r, const void *p, size_t len, uint8_t tag);
uint8_t al_dec_u8(al_rd *r);
uint32_t al_dec_u32(al_rd *r);
uint64_t al_dec_u64(al_rd *r);
int64_t al_dec_i64(al_rd *r);
/* Copy into dst (capacity cap including NUL), zero-filling the rest of dst;
 * too long is corruption (dst is then all zero). */
void al_dec_str(al_rd *r, char *dst, size_t cap);
/* Copy into a new allocation. */
char *al_dec_strdup(al_rd *r, const al_alloc *a);
/* 0 when every read was in bounds and the record was consumed exactly. */
int al_rd_done(const al_rd *r);

#endif
