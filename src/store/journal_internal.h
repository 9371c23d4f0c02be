/*
 * The journal-file store, internal: the format constants and the helpers
 * shared by src/store/journal_replay.c (reading and recovery) and
 * src/store/journal.c (the store: writing, compaction, open). The format
 * helpers are inline: the replay spends much of its time in them. See
 * docs/journal-format.md.
 */
#ifndef AL_JOURNAL_INTERNAL_H
#define AL_JOURNAL_INTERNAL_H

#include "journal.h"
#include "core/crc32c.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

/* ---- format ------------------------------------------------------------ */

#define FORMAT_VERSION   1u
#define HDR_SIZE         AL_JOURNAL_HEADER_SIZE
#define FRAME            12u /* crc u32, length u32, type u8, tag u8[3] */
#define F_LEN            4u
#define F_TYPE           8u
#define F_TAG            9u
#define COMMIT_LEN       24u /* seq u64, synced-to u64, op count u32, reserved u32 */
#define MARK_LEN         16u /* seq u64, synced-to u64 */
#define MAX_PAYLOAD      ((uint32_t)1 << 30)
#define SNAPSHOT_TXN_OPS 65536u
_Static_assert(AL_JOURNAL_MARK_SIZE == FRAME + MARK_LEN, "mark size");

enum { REC_PUT = 1, REC_DEL = 2, REC_COMMIT = 3, REC_MARK = 4 };

static const unsigned char MAGIC[8] = {0x89, 'A', 'L', 'J', 'R', 'N', 'L', '\n'};

static inline void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static inline void put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* Little-endian loads; the replay spends much of its time here. */
static inline uint32_t get32(const unsigned char *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint32_t v;
	memcpy(&v, p, sizeof v);
	return v;
#else
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
#endif
}

static inline uint64_t get64(const unsigned char *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* What a generation contributes to every record frame. */
typedef struct al_gen_keys {
	uint32_t seed;        /* initial CRC value of every record */
	unsigned char tag[3]; /* frame bytes 5..7: cheap resynchronisation filter */
} al_gen_keys;

static inline al_gen_keys keys_for(uint64_t generation, uint64_t salt)
{
	unsigned char b[16];
	al_gen_keys k;
	put64(b, generation);
	put64(b + 8, salt);
	k.seed = al_crc32c(0, b, sizeof b);
	for (int i = 0; i < 3; i++) {
		unsigned char t = (unsigned char)(salt >> (8 * i));
		k.tag[i] = t ? t : 0x5A;
	}
	return k;
}

static inline void header_encode(unsigned char h[HDR_SIZE], uint64_t generation, uint64_t salt,
                                 uint64_t base_seq)
{
	memset(h, 0, HDR_SIZE);
	memcpy(h, MAGIC, sizeof MAGIC);
	put32(h + 8, FORMAT_VERSION);
	put32(h + 12, HDR_SIZE);
	put64(h + 16, generation);
	put64(h + 24, salt);
	put64(h + 32, base_seq);
	put32(h + 60, al_crc32c(0, h, 60));
}

/* Frame a record whose payload is the concatenation of up to three pieces.
 * One CRC covers the frame from its length field on and the payload, which
 * follow each other, so checking a record costs one pass. */
static inline void frame_encode(unsigned char *dst, int type, const al_gen_keys *k, const void *a,
                                size_t an, const void *b, size_t bn, const void *c, size_t cn)
{
	unsigned char *pl = dst + FRAME;
	size_t n = 0;
	if (an)
		memcpy(pl, a, an);
	n += an;
	if (bn)
		memcpy(pl + n, b, bn);
	n += bn;
	if (cn)
		memcpy(pl + n, c, cn);
	n += cn;
	put32(dst + F_LEN, (uint32_t)n);
	dst[F_TYPE] = (unsigned char)type;
	memcpy(dst + F_TAG, k->tag, 3);
	put32(dst, al_crc32c(k->seed, dst + F_LEN, FRAME - F_LEN + n));
}

static inline size_t put_size(size_t klen, size_t vlen)
{
	return FRAME + 4 + klen + vlen;
}

/* ---- replay ------------------------------------------------------------ */

/*
 * The image being replayed, seen through a window: a whole buffer (tests,
 * fuzzing), or the file read a chunk at a time, so that opening a large
 * journal does not hold the file in memory next to the records built from
 * it. The window keeps every byte from the start of the open transaction
 * (its records are delivered once its commit is checked), so it grows only
 * when one transaction is larger than a chunk.
 */
#define WIN_CHUNK ((size_t)1 << 20)

typedef struct al_rwin {
	const unsigned char *p; /* the bytes base .. base + have of the image */
	uint64_t base, size;    /* size: length of the image */
	size_t have;
	const char *name;
	/* file mode only (io set): the buffer p points into */
	const al_journal_io *io;
	int fd;
	const autolic_allocator *alloc;
	unsigned char *buf;
	size_t cap;
} al_rwin;

/* A window over an image of `size` bytes read from `io`, `chunk` bytes at
 * a time (its buffer: w->buf, freed by the caller with alloc). */
int al_journal_win_start(al_rwin *w, uint64_t size, size_t chunk, const al_journal_io *io, int fd,
                         const autolic_allocator *alloc, const char *name);
int al_journal_replay_image(al_rwin *w, int salvage, const al_journal_sink *sink,
                            al_journal_replay *res);
void *al_journal_lc_malloc(size_t n, void *ctx);
void *al_journal_lc_realloc(void *p, size_t n, void *ctx);
void al_journal_lc_free(void *p, void *ctx);
int al_journal_open_error(const char *path, const char *what, int e);

#endif
