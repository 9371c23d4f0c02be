/*
 * The journal-file store: replay -- reading a journal image, checking its
 * frames and commits, telling a torn tail from corruption, and delivering
 * committed records to a sink (docs/journal-format.md).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "journal_internal.h"

#include "core/crc32c.h"
#include "core/error.h"
#include "map.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- replay ------------------------------------------------------------ */

size_t al_journal_read_chunk;

/* Read from the file until the window holds `upto` bytes of the image or
 * the file ends (a file that shrank ends the image there). */
static int win_fill(al_rwin *w, uint64_t upto)
{
	while (w->base + w->have < upto) {
		ssize_t r = w->io->pread(w->fd, w->buf + w->have, w->cap - w->have,
		                         (off_t)(w->base + w->have), w->io->ctx);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return al_journal_open_error(w->name, "cannot read", errno);
		if (r == 0) {
			w->size = w->base + w->have;
			break;
		}
		w->have += (size_t)r;
	}
	return 0;
}

/* A window over an image of `size` bytes read from `io`, `chunk` bytes at
 * a time (its buffer: w->buf, freed by the caller with alloc). */
int al_journal_win_start(al_rwin *w, uint64_t size, size_t chunk, const al_journal_io *io, int fd,
                         const autolic_allocator *alloc, const char *name)
{
	size_t cap = size < chunk ? (size_t)size + 1 : chunk;
	unsigned char *b = alloc->malloc_fn(cap, alloc->ctx);
	if (!b) {
		autolic_storage_set_error("journal '%s': out of memory", name);
		return AUTOLIC_ENOMEM;
	}
	al_rwin v = {b, 0, size, 0, name, io, fd, alloc, b, cap};
	*w = v;
	return 0;
}

/*
 * Point *at to the image at `pos` and return how many of the `n` bytes from
 * there exist (fewer only at the end of the image), keeping the bytes from
 * `keep` (<= pos) in the window; or a negative error code, its message set.
 */
static int64_t win_need(al_rwin *w, uint64_t keep, uint64_t pos, uint64_t n,
                        const unsigned char **at)
{
	uint64_t want = n < w->size - pos ? n : w->size - pos;
	if (pos + want > w->base + w->have) { /* file mode: the whole buffer is always in */
		size_t kept = (size_t)(w->base + w->have - keep);
		uint64_t span = pos + want - keep;
		if (span > w->cap) {
			uint64_t c = (uint64_t)w->cap * 2 > span ? (uint64_t)w->cap * 2 : span;
			if (c > w->size - keep)
				c = w->size - keep;
			unsigned char *b =
			    c > SIZE_MAX ? NULL
			                 : w->alloc->realloc_fn(w->buf, (size_t)c, w->alloc->ctx);
			if (!b) {
				autolic_storage_set_error("journal '%s': out of memory reading a "
				                          "transaction of %llu bytes",
				                          w->name, (unsigned long long)span);
				return AUTOLIC_ENOMEM;
			}
			w->buf = b;
			w->cap = (size_t)c;
		}
		memmove(w->buf, w->buf + (keep - w->base), kept);
		w->p = w->buf;
		w->base = keep;
		w->have = kept;
		uint64_t full = w->size - keep < w->cap ? w->size : keep + w->cap;
		int rc = win_fill(w, full);
		if (rc)
			return rc;
		want = n < w->size - pos ? n : w->size - pos;
	}
	*at = w->p + (pos - w->base);
	return (int64_t)want;
}

/* Checks the frame at `pos`: 1 when it is whole and its CRC matches, with
 * *fp pointing to it; 0 with *why; or a negative error code (reading). */
static int frame_at(al_rwin *w, uint64_t keep, uint64_t pos, const al_gen_keys *k,
                    const unsigned char **fp, const char **why)
{
	const unsigned char *f;
	int64_t got = win_need(w, keep, pos, FRAME, &f);
	if (got < 0)
		return (int)got;
	if (got < FRAME) {
		*why = "record header cut short";
		return 0;
	}
	uint32_t n = get32(f + F_LEN);
	if (f[F_TAG] != k->tag[0] || f[F_TAG + 1] != k->tag[1] || f[F_TAG + 2] != k->tag[2] ||
	    f[F_TYPE] < REC_PUT || f[F_TYPE] > REC_MARK || n > MAX_PAYLOAD) {
		*why = "record header invalid";
		return 0;
	}
	if ((got = win_need(w, keep, pos, (uint64_t)FRAME + n, &f)) < 0)
		return (int)got;
	if ((uint64_t)got < (uint64_t)FRAME + n) {
		*why = "record cut short";
		return 0;
	}
	if (get32(f) != al_crc32c(k->seed, f + F_LEN, FRAME - F_LEN + n)) {
		*why = "record checksum mismatch";
		return 0;
	}
	*fp = f;
	return 1;
}

/*
 * After damage at `x`: does any valid commit or mark beyond it vouch that
 * the bytes at `x` had been synced? Candidates are found by their tag in
 * `rest`, the image from `x` to its end.
 */
static int later_claim_covers(const unsigned char *rest, size_t len, uint64_t x,
                              const al_gen_keys *k, uint64_t *claim_at)
{
	al_rwin w = {rest, 0, len, len, NULL, NULL, -1, NULL, NULL, 0};
	size_t from = 1 + F_TAG;
	while (from < len) {
		const unsigned char *hit = memchr(rest + from, k->tag[0], len - from);
		if (!hit)
			break;
		size_t t = (size_t)(hit - rest);
		from = t + 1;
		size_t p = t - F_TAG;
		const unsigned char *f;
		const char *why;
		if (p + FRAME > len || rest[t + 1] != k->tag[1] || rest[t + 2] != k->tag[2])
			continue;
		int type = rest[p + F_TYPE];
		uint32_t n = get32(rest + p + F_LEN);
		if ((type != REC_COMMIT || n != COMMIT_LEN) && (type != REC_MARK || n != MARK_LEN))
			continue;
		if (frame_at(&w, p, p, k, &f, &why) != 1)
			continue;
		uint64_t claim = get64(f + FRAME + 8);
		if (claim > x && claim <= x + p) {
			*claim_at = x + p;
			return 1;
		}
	}
	return 0;
}

/*
 * The seed a record was written with, recovered from its CRC: the CRC is
 * affine in its seed, and one step of the register is invertible, so
 * CRC32C(seed, d) = C gives back the seed. A record of the journal's own
 * generation gives the header's seed; one of another generation or salt
 * gives theirs.
 */
static uint32_t seed_of(const unsigned char *f, uint32_t n)
{
	const uint32_t poly = 0x82F63B78u;
	/* the register's contribution: ~C ^ raw(0, d), with raw(0, d) = ~CRC(~0, d) */
	uint32_t r = get32(f) ^ al_crc32c(0xFFFFFFFFu, f + F_LEN, FRAME - F_LEN + n);
	for (size_t i = 0; i < 8 * ((size_t)FRAME - F_LEN + n); i++)
		r = r & 0x80000000u ? ((r ^ poly) << 1) | 1u : r << 1;
	return ~r;
}

/*
 * After damage at `x` that no later record vouches for: is `rest` (the image
 * from `x`) a whole transaction framed with other keys than the header's?
 * Its frames are walked by their lengths, all with the first one's tag, up
 * to the first commit record (sync marks may come before it); the seed
 * recovered from that commit must differ from the header's, check every
 * record before it, count them and carry the next sequence number. A crash
 * tears the header's own records; whole records of another generation or
 * salt after the header mean that the header no longer matches its records
 * (it was changed): damage, never a torn tail. On 1, *other holds the keys
 * the records were written with and *first_seq the sequence of their first
 * commit.
 */
static int foreign_records(const unsigned char *rest, size_t len, const al_gen_keys *k,
                           uint64_t last_seq, al_gen_keys *other, uint64_t *first_seq)
{
	size_t p = 0;
	uint64_t ops = 0;
	if (len < FRAME)
		return 0;
	memcpy(other->tag, rest + F_TAG, 3);
	while (p + FRAME <= len) {
		const unsigned char *f = rest + p;
		uint32_t n = get32(f + F_LEN);
		if (memcmp(f + F_TAG, other->tag, 3) != 0 || f[F_TYPE] < REC_PUT ||
		    f[F_TYPE] > REC_MARK || n > MAX_PAYLOAD || n > len - p - FRAME)
			return 0;
		if (f[F_TYPE] == REC_MARK) { /* a clean close before the first commit */
			if (n != MARK_LEN || ops != 0 || get64(f + FRAME) != last_seq)
				return 0;
			p += FRAME + n;
			continue;
		}
		if (f[F_TYPE] != REC_COMMIT) {
			ops++;
			p += FRAME + n;
			continue;
		}
		if (n != COMMIT_LEN || ops == 0 || get32(f + FRAME + 16) != ops ||
		    get64(f + FRAME) != last_seq + 1)
			return 0;
		other->seed = seed_of(f, n);
		if (other->seed == k->seed)
			return 0;
		/* every record before the commit checks out under the recovered seed */
		for (size_t q = 0; q < p;) {
			uint32_t m = get32(rest + q + F_LEN);
			if (get32(rest + q) !=
			    al_crc32c(other->seed, rest + q + F_LEN, FRAME - F_LEN + m))
				return 0;
			q += FRAME + m;
		}
		*first_seq = last_seq + 1;
		return 1;
	}
	return 0;
}

static int deliver(const unsigned char *b, size_t len, const al_journal_sink *sink)
{
	size_t pos = 0;
	while (pos < len) {
		uint32_t n = get32(b + pos + F_LEN);
		const unsigned char *pl = b + pos + FRAME;
		int rc;
		if (b[pos + F_TYPE] == REC_PUT) {
			uint32_t kl = get32(pl);
			rc = sink->put(sink->arg, pl + 4, kl, pl + 4 + kl, n - 4 - kl);
		} else {
			rc = sink->del(sink->arg, pl, n);
		}
		if (rc)
			return rc;
		pos += FRAME + n;
	}
	return 0;
}

/* The header: 1 to go on, 0 when the replay ends here (res says why), or a
 * negative error code. */
static int replay_header(al_rwin *w, al_journal_replay *res)
{
	const unsigned char *h;
	int64_t got = win_need(w, 0, 0, HDR_SIZE, &h);
	if (got < 0)
		return (int)got;
	if (got < HDR_SIZE) {
		if (memcmp(h, MAGIC, (size_t)got < sizeof MAGIC ? (size_t)got : sizeof MAGIC) != 0)
			goto bad_magic;
		/* A header is written and synced before any record: a file this
		 * short never held a commit. */
		res->uninitialised = 1;
		return 0;
	}
	if (memcmp(h, MAGIC, sizeof MAGIC) != 0)
		goto bad_magic;
	if (get32(h + 60) != al_crc32c(0, h, 60) || get32(h + 12) != HDR_SIZE) {
		autolic_storage_set_error("journal '%s': file header is damaged (offset 0)",
		                          w->name);
		res->corrupt = 1;
		return AUTOLIC_ECORRUPT;
	}
	if (get32(h + 8) != FORMAT_VERSION) {
		autolic_storage_set_error(
		    "journal '%s' has format version %u; this library reads version %u", w->name,
		    (unsigned)get32(h + 8), FORMAT_VERSION);
		return AUTOLIC_EVERSION;
	}
	res->generation = get64(h + 16);
	res->salt = get64(h + 24);
	res->base_seq = get64(h + 32);
	res->last_seq = res->base_seq;
	res->claimed = HDR_SIZE;
	return 1;
bad_magic:
	autolic_storage_set_error("'%s' is not a libautolic journal (bad magic)", w->name);
	res->corrupt = 1;
	return AUTOLIC_ECORRUPT;
}

/* Replay the records from the header on with keys `k`, as far as they are
 * valid: *stop is where the reading stopped, *txn_start the start of the
 * transaction it was in, *ops its records so far, *why what stopped it.
 * 0, or a negative error code (reading, or a sink's). */
static int replay_records(al_rwin *w, const al_gen_keys *k, const al_journal_sink *sink,
                          al_journal_replay *res, uint64_t *stop, uint64_t *txn_at,
                          uint64_t *ops_out, const char **why_out)
{
	int rc;
	uint64_t pos = HDR_SIZE, txn_start = HDR_SIZE, good_end = HDR_SIZE;
	/* Operations since the last commit. Wider than the commit record's
	 * count, so it cannot wrap: a longer run fails the count check. */
	uint64_t ops = 0;
	const char *why = NULL;
	while (pos < w->size) {
		const unsigned char *f;
		if ((rc = frame_at(w, txn_start, pos, k, &f, &why)) < 0)
			return rc;
		if (!rc)
			break;
		uint32_t n = get32(f + F_LEN);
		const unsigned char *pl = f + FRAME;
		int type = f[F_TYPE];
		if (type == REC_PUT) {
			if (n < 4 || get32(pl) > n - 4) {
				why = "malformed put record";
				break;
			}
			ops++;
		} else if (type == REC_DEL) {
			ops++;
		} else {
			uint64_t seq = get64(pl), claim = get64(pl + 8);
			if (type == REC_COMMIT) {
				if (n != COMMIT_LEN || seq != res->last_seq + 1 ||
				    get32(pl + 16) != ops || claim > pos) {
					why = "commit record does not match its transaction";
					break;
				}
				/* the transaction's records lie in the window before this one */
				rc =
				    deliver(f - (pos - txn_start), (size_t)(pos - txn_start), sink);
				if (!rc && sink->commit)
					rc = sink->commit(sink->arg, seq);
				if (rc) {
					if (rc == AUTOLIC_ENOMEM)
						autolic_storage_set_error(
						    "journal '%s': out of memory while replaying",
						    w->name);
					return rc;
				}
				res->last_seq = seq;
				res->commits++;
			} else {
				if (n != MARK_LEN || ops != 0 || seq != res->last_seq ||
				    claim > pos) {
					why = "sync mark does not match the journal";
					break;
				}
			}
			if (claim > res->claimed)
				res->claimed = claim;
			ops = 0;
			good_end = txn_start = pos + FRAME + n;
			if (type == REC_MARK)
				res->mark_end = good_end;
		}
		pos += FRAME + n;
	}
	res->good_end = good_end;
	*stop = pos;
	*txn_at = txn_start;
	*ops_out = ops;
	*why_out = why;
	return 0;
}

int al_journal_replay_image(al_rwin *w, int salvage, const al_journal_sink *sink,
                            al_journal_replay *res)
{
	memset(res, 0, sizeof *res);
	int rc = replay_header(w, res);
	if (rc <= 0)
		return rc;
	const al_gen_keys k = keys_for(res->generation, res->salt);
	uint64_t pos, txn_start, ops;
	const char *why;
	if ((rc = replay_records(w, &k, sink, res, &pos, &txn_start, &ops, &why)) < 0)
		return rc;
	uint64_t good_end = res->good_end;
	if (pos >= w->size && ops == 0)
		return 0;
	/* Invalid bytes, or whole records of a transaction whose commit is
	 * missing: the damage starts where the reading stopped. */
	if (pos >= w->size) {
		why = "transaction without a commit record";
		pos = txn_start;
	}
	res->damaged = 1;
	res->damage_off = pos;
	snprintf(res->why, sizeof res->why, "%s", why);
	/* the rest of the image, read whole: only a damaged journal gets here */
	const unsigned char *rest;
	int64_t got = win_need(w, pos, pos, w->size - pos, &rest);
	if (got < 0)
		return (int)got;
	uint64_t claim_at = 0;
	if (later_claim_covers(rest, (size_t)got, pos, &k, &claim_at)) {
		res->corrupt = 1;
		if (salvage)
			return 0;
		autolic_storage_set_error("journal '%s' is damaged at offset %llu (%s) before a "
		                          "durable commit at offset %llu; "
		                          "open it with AUTOLIC_JOURNAL_READONLY_SALVAGE to read "
		                          "the state before offset %llu",
		                          w->name, (unsigned long long)pos, why,
		                          (unsigned long long)claim_at,
		                          (unsigned long long)good_end);
		return AUTOLIC_ECORRUPT;
	}
	al_gen_keys other;
	uint64_t first_seq;
	if (foreign_records(rest, (size_t)got, &k, res->last_seq, &other, &first_seq)) {
		res->corrupt = 1;
		if (!salvage) {
			autolic_storage_set_error(
			    "journal '%s' is damaged: the records at offset %llu were written with "
			    "another generation or salt than the file header holds (generation "
			    "%llu); open it with AUTOLIC_JOURNAL_READONLY_SALVAGE to read them",
			    w->name, (unsigned long long)pos, (unsigned long long)res->generation);
			return AUTOLIC_ECORRUPT;
		}
		/* Salvage: nothing was delivered yet when the records start right
		 * after the header (a commit read before them would end past it);
		 * read them with the keys they were written with. */
		if (pos != HDR_SIZE)
			return 0;
		res->last_seq = first_seq - 1;
		res->claimed = HDR_SIZE;
		res->mark_end = 0;
		if ((rc = replay_records(w, &other, sink, res, &pos, &txn_start, &ops, &why)) < 0)
			return rc;
	}
	return 0;
}

int al_journal_replay_buffer(const unsigned char *buf, size_t len, int salvage, const char *name,
                             const al_journal_sink *sink, al_journal_replay *res)
{
	al_rwin w = {buf, 0, len, len, name ? name : "(buffer)", NULL, -1, NULL, NULL, 0};
	return al_journal_replay_image(&w, salvage, sink, res);
}

/* A buffer read as the open reads a file, `chunk` bytes at a time. */
typedef struct mem_file {
	const unsigned char *b;
	size_t len;
} mem_file;

static ssize_t mem_pread(int fd, void *buf, size_t n, off_t off, void *ctx)
{
	(void)fd;
	const mem_file *m = ctx;
	size_t at = (uint64_t)off < m->len ? (size_t)off : m->len;
	size_t k = m->len - at < n ? m->len - at : n;
	memcpy(buf, m->b + at, k);
	return (ssize_t)k;
}

int al_journal_replay_chunked(const unsigned char *buf, size_t len, size_t chunk, int salvage,
                              const char *name, const al_journal_sink *sink, al_journal_replay *res)
{
	mem_file m = {buf, len};
	al_journal_io io = *al_journal_default_io();
	io.pread = mem_pread;
	io.ctx = &m;
	const autolic_allocator libc = {al_journal_lc_malloc, al_journal_lc_realloc,
	                                al_journal_lc_free, NULL};
	al_rwin w;
	int rc = al_journal_win_start(&w, len, chunk ? chunk : 1, &io, -1, &libc,
	                              name ? name : "(buffer)");
	if (!rc) {
		rc = al_journal_replay_image(&w, salvage, sink, res);
		free(w.buf);
	}
	return rc;
}
