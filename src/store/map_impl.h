/*
 * The layout of the ordered map (src/store/map.c): private to it and to its
 * test (tests/test_map.c), which checks the tree's structure.
 */
#ifndef AL_STORE_MAP_IMPL_H
#define AL_STORE_MAP_IMPL_H

#include "map.h"
#include "core/alloc.h"

#include <string.h>

#define FAN     32 /* slots of a node; one spare for the entry that splits it */
#define NO_SLOT 0xff

typedef struct ent {
	uint32_t klen, vlen;
	unsigned char data[]; /* key, then value */
} ent;

/* Key bytes 0..7 and 8..15, big-endian, zero-padded. */
typedef struct pfx {
	uint64_t hi, lo;
} pfx;

typedef struct node node;
struct node {
	node *parent;
	uint16_t n; /* entries (leaf) or separators (inner: n + 1 children) */
	uint8_t leaf;
	uint8_t queued; /* on the list of leaves to free if still empty */
	uint8_t last;   /* leaf: slot of the latest insert, or NO_SLOT */
	node *next_empty;
	pfx p[FAN];
	ent *e[FAN]; /* leaf: entries; inner: separator keys */
	node *c[];   /* inner only: FAN + 1 children */
};

#define LEAF_SIZE  (sizeof(node))
#define INNER_SIZE (sizeof(node) + (FAN + 1) * sizeof(node *))

/* Values of at most this many bytes replaced by a value of the same length
 * are overwritten in place, the old bytes kept in the undo record: a
 * counter or a fixed-size record updated in a transaction allocates
 * nothing. */
#define INPLACE_MAX 64

typedef struct undo {
	ent *old;    /* entry replaced or deleted, or NULL */
	ent *new;    /* entry inserted (or overwritten in place), or NULL for a delete */
	int inplace; /* new's value was overwritten; its old bytes are in `bytes` */
	unsigned char bytes[INPLACE_MAX];
} undo;

struct al_map {
	al_alloc alloc;
	node *root;
	size_t count, payload;
	int logging;
	undo *log;
	size_t nlog, caplog;
	size_t *saves;
	size_t nsaves, capsaves;
	node *empty; /* leaves emptied during the transaction */
};

/* ---- keys ---- */

static inline uint64_t be64(const unsigned char *b)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t v;
	memcpy(&v, b, 8);
	return __builtin_bswap64(v);
#else
	return (uint64_t)b[0] << 56 | (uint64_t)b[1] << 48 | (uint64_t)b[2] << 40 |
	       (uint64_t)b[3] << 32 | (uint64_t)b[4] << 24 | (uint64_t)b[5] << 16 |
	       (uint64_t)b[6] << 8 | (uint64_t)b[7];
#endif
}

static inline pfx key_pfx(const unsigned char *k, size_t n)
{
	if (n >= 16) {
		pfx r = {be64(k), be64(k + 8)};
		return r;
	}
	unsigned char b[16] = {0};
	if (n)
		memcpy(b, k, n);
	pfx r = {be64(b), be64(b + 8)};
	return r;
}

/* Order of key k (prefix kp) against the key of a slot (prefix sp, entry e):
 * unsigned bytes, a shorter key before its extensions. */
static inline int cmp(const unsigned char *k, size_t kl, pfx kp, pfx sp, const ent *e)
{
	if (kp.hi != sp.hi)
		return kp.hi < sp.hi ? -1 : 1;
	if (kp.lo != sp.lo)
		return kp.lo < sp.lo ? -1 : 1;
	/* equal first 16 bytes (zero-padded): when either key is that short it
	 * is a prefix of the other, so the shorter one comes first */
	if (kl <= 16 || e->klen <= 16)
		return kl < e->klen ? -1 : kl > e->klen;
	size_t a = kl - 16, b = e->klen - 16, n = a < b ? a : b;
	int c = memcmp(k + 16, e->data + 16, n);
	if (c)
		return c;
	return a < b ? -1 : a > b;
}

/* A binary search in a node reads 4 or 5 of its cache lines one after the
 * other; when the node is not in cache each is a miss. Asking for the
 * prefixes and pointers at once overlaps those misses. */
static inline void prefetch_node(const node *x)
{
#if defined(__GNUC__)
	const char *b = (const char *)x->p;
	for (size_t off = 0; off < sizeof x->p + sizeof x->e; off += 64)
		__builtin_prefetch(b + off);
#else
	(void)x;
#endif
}

#endif
