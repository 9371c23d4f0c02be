/*
 * Notifications (NOTE-1, NOTE-2): named consumers, reading the notices a
 * consumer has not acknowledged in commit order, acknowledgement and
 * trimming. The record itself and its append, which every call that raises
 * an event makes in its own transaction, are in src/core/note.c.
 *
 * Positions are kept per stream (a team, or an account for notices outside
 * any team): no record is written by every call of every team, and within a
 * stream the head record every append rewrites makes positions follow
 * commit order (docs/notifications.md).
 */
#include "notification.h"
#include "core/error.h"
#include "core/note.h"
#include "core/text.h"
#include "core/timecalc.h"
#include "core/txn.h"

#include <inttypes.h>
#include <string.h>

/* ---- records ---- */

static void consumer_key(al_key *k, const char *name)
{
	al_key_init(k, AL_K_NOTE_CONSUMER);
	al_key_str(k, name);
}

static void pos_key(al_key *k, const char *name, uint64_t stream)
{
	al_key_init(k, AL_K_NOTE_POS);
	al_key_str(k, name);
	if (stream != UINT64_MAX)
		al_key_u64(k, stream);
}

static int name_check(const char *name)
{
	return al_text_check(name, AUTOLIC_NOTE_CONSUMER_MAX, AL_TEXT_REQUIRED, "NOTE-2",
	                     "consumer name");
}

static int consumer_exists(al_txn *t, const char *name)
{
	al_key k;
	consumer_key(&k, name);
	int rc = al_txn_exists(t, &k);
	if (rc == 0)
		return al_err(AUTOLIC_ENOTFOUND, "NOTE-2: no notification consumer '%s'", name);
	return rc < 0 ? rc : 0;
}

/* A u64 record of `tag` (a stream head, a position). */
static int u64_decode(const void *p, size_t len, uint8_t tag, uint64_t *v)
{
	al_rd r;
	int rc = al_rec_open(&r, p, len, tag);
	if (rc)
		return rc;
	*v = al_dec_u64(&r);
	return al_rd_done(&r);
}

/* The u64 at k (0 when absent). */
static int u64_get(al_txn *t, const al_key *k, uint8_t tag, uint64_t *v)
{
	al_buf b;
	al_buf_init(&b, t->a);
	*v = 0;
	int rc = al_txn_get(t, k, &b);
	if (!rc)
		rc = u64_decode(b.p, b.len, tag, v);
	else if (rc == AUTOLIC_ENOTFOUND)
		rc = 0;
	al_buf_free(&b);
	return rc;
}

/* Room for one more item of `size` bytes in the array *v of *cap items
 * holding n: 0, or AUTOLIC_ENOMEM naming `what`. */
static int room(const al_alloc *a, void **v, size_t *cap, size_t n, size_t size, const char *what)
{
	if (n < *cap)
		return 0;
	size_t c = *cap ? *cap * 2 : 16;
	void *g = al_realloc(a, *v, c * size);
	if (!g)
		return al_err(AUTOLIC_ENOMEM, "out of memory %s", what);
	*v = g;
	*cap = c;
	return 0;
}

int al_note_head(al_txn *t, uint64_t stream, uint64_t *last)
{
	al_key k;
	al_note_head_key(&k, stream);
	return u64_get(t, &k, AL_K_NOTE_HEAD, last);
}

int al_note_position(al_txn *t, const char *consumer, uint64_t stream, uint64_t *pos)
{
	al_key k;
	pos_key(&k, consumer, stream);
	return u64_get(t, &k, AL_K_NOTE_POS, pos);
}

/* (stream, value) pairs gathered by a scan of heads or positions. */
typedef struct {
	uint64_t stream, v;
} stream_pos;

typedef struct {
	stream_pos *v;
	size_t n, cap;
	const al_alloc *a;
	size_t at; /* byte offset of the stream in the key */
	uint8_t tag;
} pos_vec;

static int pos_cb(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	pos_vec *pv = arg;
	if (klen != pv->at + 8)
		return al_err(AUTOLIC_ECORRUPT, "%s key of %zu bytes", al_rec_name(pv->tag), klen);
	int rc =
	    room(pv->a, (void **)&pv->v, &pv->cap, pv->n, sizeof(*pv->v), "listing notice streams");
	if (rc)
		return rc;
	stream_pos *s = &pv->v[pv->n];
	s->stream = al_key_get_u64(key, pv->at);
	rc = u64_decode(val, vlen, pv->tag, &s->v);
	if (!rc)
		pv->n++;
	return rc;
}

/* Every stream head (name NULL), or every position of consumer `name`. */
static int pos_scan(al_txn *t, const char *name, pos_vec *pv)
{
	memset(pv, 0, sizeof *pv);
	pv->a = t->a;
	al_key k;
	if (name) {
		pos_key(&k, name, UINT64_MAX);
		pv->tag = AL_K_NOTE_POS;
	} else {
		al_key_init(&k, AL_K_NOTE_HEAD);
		pv->tag = AL_K_NOTE_HEAD;
	}
	pv->at = k.len;
	return al_txn_scan_prefix(t, &k, pos_cb, pv);
}

/* The consumer's position in `stream` from its sorted positions (cursor *j). */
static uint64_t pos_of(const pos_vec *pos, size_t *j, uint64_t stream)
{
	while (*j < pos->n && pos->v[*j].stream < stream)
		(*j)++;
	return *j < pos->n && pos->v[*j].stream == stream ? pos->v[*j].v : 0;
}

/* ---- consumers ---- */

typedef struct {
	const char *name;
	int add;
} consumer_args;

static int consumer_fn(al_txn *t, void *arg)
{
	consumer_args *ca = arg;
	al_key k;
	consumer_key(&k, ca->name);
	int rc = al_txn_exists(t, &k);
	if (rc < 0)
		return rc;
	if (ca->add) {
		if (rc)
			return al_err(AUTOLIC_EEXISTS, "NOTE-2: notification consumer '%s' exists",
			              ca->name);
		al_buf b;
		al_buf_init(&b, t->a);
		al_rec_begin(&b, AL_K_NOTE_CONSUMER);
		al_enc_i64(&b, t->now);
		rc = al_txn_put(t, &k, &b);
		al_buf_free(&b);
		return rc;
	}
	if (!rc)
		return al_err(AUTOLIC_ENOTFOUND, "NOTE-2: no notification consumer '%s'", ca->name);
	rc = al_txn_del(t, &k);
	pos_vec pv = {0};
	if (!rc)
		rc = pos_scan(t, ca->name, &pv);
	for (size_t i = 0; !rc && i < pv.n; i++) {
		pos_key(&k, ca->name, pv.v[i].stream);
		rc = al_txn_del(t, &k);
	}
	al_free(t->a, pv.v);
	return rc;
}

static int consumer_call(autolic_db *db, const char *name, int add)
{
	if (!db)
		return al_err(AUTOLIC_EINVAL, "db is required");
	int rc = name_check(name);
	if (rc)
		return rc;
	consumer_args ca = {name, add};
	return al_run(db, 1, consumer_fn, &ca);
}

int autolic_note_consumer_add(autolic_db *db, const char *name)
{
	return consumer_call(db, name, 1);
}

int autolic_note_consumer_remove(autolic_db *db, const char *name)
{
	return consumer_call(db, name, 0);
}

/* ---- reading (NOTE-2) ---- */

struct autolic_note_iter {
	al_alloc a;
	al_note *v;
	size_t n, pos;
};

typedef struct {
	const char *consumer;
	size_t max;
	al_note *v; /* the notices read, stream after stream, each in position order */
	size_t n, cap;
	size_t limit; /* of the stream being scanned */
	const al_alloc *a;
} read_args;

static void notes_free(const al_alloc *a, al_note *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		al_free(a, v[i].block);
	al_free(a, v);
}

static int note_cb(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	read_args *ra = arg;
	if (klen != 17)
		return al_err(AUTOLIC_ECORRUPT, "notice key of %zu bytes", klen);
	int rc = room(ra->a, (void **)&ra->v, &ra->cap, ra->n, sizeof(*ra->v), "reading notices");
	if (!rc)
		rc = al_note_decode(val, vlen, al_key_get_u64(key, 1), al_key_get_u64(key, 9),
		                    ra->a, &ra->v[ra->n]);
	if (rc)
		return rc;
	ra->n++;
	return ra->limit && --ra->limit == 0 ? 1 : 0;
}

static int read_fn(al_txn *t, void *arg)
{
	read_args *ra = arg;
	notes_free(ra->a, ra->v, ra->n);
	ra->v = NULL;
	ra->n = ra->cap = 0;
	int rc = consumer_exists(t, ra->consumer);
	if (rc)
		return rc;
	pos_vec heads, pos;
	memset(&pos, 0, sizeof pos);
	rc = pos_scan(t, NULL, &heads);
	if (!rc)
		rc = pos_scan(t, ra->consumer, &pos);
	size_t j = 0;
	for (size_t i = 0; !rc && i < heads.n; i++) {
		uint64_t stream = heads.v[i].stream, acked = pos_of(&pos, &j, stream);
		if (heads.v[i].v <= acked)
			continue;
		al_key s, e;
		al_note_key(&s, stream, acked + 1);
		al_note_key(&e, stream, heads.v[i].v);
		al_key_prefix_end(&e, &e); /* past the last position */
		ra->limit = ra->max;
		rc = al_txn_scan(t, &s, &e, note_cb, ra);
		if (rc == 1)
			rc = 0;
	}
	al_free(t->a, heads.v);
	al_free(t->a, pos.v);
	return rc;
}

/* Interleave the streams' runs by (time, stream), each run kept in order;
 * keep the first `max` (0: all). Frees `v` and what is left out, also on
 * failure. */
static int merge(const al_alloc *a, al_note *v, size_t n, size_t max, al_note **out, size_t *nout)
{
	*out = NULL;
	*nout = 0;
	if (!n)
		return 0;
	size_t keep = max && max < n ? max : n;
	size_t *head = al_malloc(a, n * sizeof(size_t) * 2);
	al_note *res = al_malloc(a, keep * sizeof(*res));
	if (!head || !res) {
		al_free(a, head);
		al_free(a, res);
		notes_free(a, v, n);
		return al_err(AUTOLIC_ENOMEM, "out of memory ordering %zu notices", n);
	}
	/* runs: [start, end) of each stream */
	size_t *end = head + n, runs = 0;
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || v[i].n.stream != v[i - 1].n.stream) {
			head[runs] = i;
			if (runs)
				end[runs - 1] = i;
			runs++;
		}
	}
	end[runs - 1] = n;
	for (size_t k = 0; k < keep; k++) {
		size_t best = SIZE_MAX;
		for (size_t r = 0; r < runs; r++) {
			if (head[r] == end[r])
				continue;
			const autolic_notice *c = &v[head[r]].n;
			if (best == SIZE_MAX || c->time < v[head[best]].n.time ||
			    (c->time == v[head[best]].n.time && c->stream < v[head[best]].n.stream))
				best = r;
		}
		res[k] = v[head[best]];
		v[head[best]].block = NULL;
		head[best]++;
	}
	for (size_t i = 0; i < n; i++)
		al_free(a, v[i].block);
	al_free(a, head);
	al_free(a, v);
	*out = res;
	*nout = keep;
	return 0;
}

int autolic_note_iter_new(autolic_db *db, const char *consumer, size_t max, autolic_note_iter **out)
{
	if (out)
		*out = NULL;
	if (!db || !out)
		return al_err(AUTOLIC_EINVAL, "db and out are required");
	int rc = name_check(consumer);
	if (rc)
		return rc;
	const al_alloc *a = al_db_alloc(db);
	read_args ra = {consumer, max, NULL, 0, 0, 0, a};
	autolic_note_iter *it = al_calloc(a, 1, sizeof(*it));
	if (!it)
		return al_err(AUTOLIC_ENOMEM, "out of memory allocating a notice iterator");
	rc = al_run(db, 0, read_fn, &ra);
	if (!rc)
		rc = merge(a, ra.v, ra.n, max, &it->v, &it->n);
	else
		notes_free(a, ra.v, ra.n);
	if (rc) {
		al_free(a, it);
		return rc;
	}
	it->a = *a;
	*out = it;
	return 0;
}

int autolic_note_iter_next(autolic_note_iter *it, autolic_notice *n)
{
	al_err_clear();
	if (!it || !n)
		return al_err(AUTOLIC_EINVAL, "iterator and notice are required");
	int rc = al_version_check(n->version, AUTOLIC_NOTICE_VERSION, "autolic_notice");
	if (rc)
		return rc;
	if (it->pos >= it->n)
		return AUTOLIC_ITEROVER;
	unsigned int version = n->version;
	*n = it->v[it->pos++].n;
	n->version = version;
	return 0;
}

void autolic_note_iter_free(autolic_note_iter *it)
{
	if (!it)
		return;
	al_alloc a = it->a;
	notes_free(&a, it->v, it->n);
	al_free(&a, it);
}

/* ---- acknowledgement (NOTE-2) ---- */

typedef struct {
	const char *consumer;
	uint64_t stream, position;
} ack_args;

static int ack_fn(al_txn *t, void *arg)
{
	ack_args *aa = arg;
	int rc = consumer_exists(t, aa->consumer);
	if (rc)
		return rc;
	uint64_t last, cur;
	rc = al_note_head(t, aa->stream, &last);
	if (rc)
		return rc;
	if (!last)
		return al_err(AUTOLIC_ENOTFOUND, "NOTE-2: no notice stream %" PRIu64, aa->stream);
	if (aa->position > last) {
		al_err(AUTOLIC_EINVAL,
		       "NOTE-2: position %" PRIu64 " is beyond the last notice (%" PRIu64
		       ") of stream %" PRIu64,
		       aa->position, last, aa->stream);
		al_err_num("position", (int64_t)aa->position);
		return al_err_num("last", (int64_t)last);
	}
	rc = al_note_position(t, aa->consumer, aa->stream, &cur);
	if (rc || aa->position <= cur)
		return rc; /* already acknowledged: nothing shown again, nothing to write */
	al_key k;
	pos_key(&k, aa->consumer, aa->stream);
	al_buf b;
	al_buf_init(&b, t->a);
	al_rec_begin(&b, AL_K_NOTE_POS);
	al_enc_u64(&b, aa->position);
	rc = al_txn_put(t, &k, &b);
	al_buf_free(&b);
	return rc;
}

int autolic_note_ack(autolic_db *db, const char *consumer, uint64_t stream, uint64_t position)
{
	if (!db)
		return al_err(AUTOLIC_EINVAL, "db is required");
	int rc = name_check(consumer);
	if (rc)
		return rc;
	if (position == 0)
		return al_err(AUTOLIC_EINVAL, "NOTE-2: positions start at 1");
	ack_args aa = {consumer, stream, position};
	return al_run(db, 1, ack_fn, &aa);
}

/* ---- retention ---- */

typedef struct {
	autolic_time keep;
	size_t removed;
} trim_args;

/* Consumer names gathered by a scan. */
typedef struct {
	char **v;
	size_t n, cap;
	const al_alloc *a;
} name_vec;

static void names_free(name_vec *nv)
{
	for (size_t i = 0; i < nv->n; i++)
		al_free(nv->a, nv->v[i]);
	al_free(nv->a, nv->v);
}

static int name_cb(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	(void)val;
	(void)vlen;
	name_vec *nv = arg;
	if (klen < 2 || ((const char *)key)[klen - 1] != 0)
		return al_err(AUTOLIC_ECORRUPT, "notice consumer key of %zu bytes", klen);
	int rc = room(nv->a, (void **)&nv->v, &nv->cap, nv->n, sizeof(*nv->v),
	              "listing notification consumers");
	if (rc)
		return rc;
	char *s = al_malloc(nv->a, klen - 1);
	if (!s)
		return al_err(AUTOLIC_ENOMEM, "out of memory listing notification consumers");
	memcpy(s, (const char *)key + 1, klen - 1);
	nv->v[nv->n++] = s;
	return 0;
}

/* The positions of a stream's notices whose time is at or before a bound. */
typedef struct {
	uint64_t *v;
	size_t n, cap;
	const al_alloc *a;
	autolic_time before;
} old_vec;

static int old_cb(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	old_vec *ov = arg;
	autolic_time time;
	int rc = al_note_time(val, vlen, &time);
	if (rc || time > ov->before)
		return rc;
	rc = room(ov->a, (void **)&ov->v, &ov->cap, ov->n, sizeof(*ov->v), "trimming notices");
	if (rc)
		return rc;
	if (klen != 17)
		return al_err(AUTOLIC_ECORRUPT, "notice key of %zu bytes", klen);
	ov->v[ov->n++] = al_key_get_u64(key, 9);
	return 0;
}

static int trim_fn(al_txn *t, void *arg)
{
	trim_args *ta = arg;
	ta->removed = 0;
	name_vec names = {NULL, 0, 0, t->a};
	pos_vec heads = {0};
	old_vec old = {NULL, 0, 0, t->a, al_time_add_sat(t->now, -ta->keep)};
	al_key k;
	al_key_init(&k, AL_K_NOTE_CONSUMER);
	int rc = al_txn_scan_prefix(t, &k, name_cb, &names);
	if (!rc) /* with no consumer, every notice counts as acknowledged */
		rc = pos_scan(t, NULL, &heads);
	for (size_t i = 0; !rc && i < heads.n; i++) {
		uint64_t stream = heads.v[i].stream, upto = heads.v[i].v;
		for (size_t c = 0; !rc && upto && c < names.n; c++) {
			uint64_t p;
			rc = al_note_position(t, names.v[c], stream, &p);
			if (p < upto)
				upto = p;
		}
		if (rc || !upto)
			continue;
		al_key s, e;
		al_note_key(&s, stream, 1);
		al_note_key(&e, stream, upto);
		al_key_prefix_end(&e, &e);
		old.n = 0;
		rc = al_txn_scan(t, &s, &e, old_cb, &old);
		for (size_t o = 0; !rc && o < old.n; o++) {
			al_note_key(&k, stream, old.v[o]);
			rc = al_txn_del(t, &k);
		}
		if (!rc)
			ta->removed += old.n;
	}
	names_free(&names);
	al_free(t->a, heads.v);
	al_free(t->a, old.v);
	return rc;
}

int autolic_note_trim(autolic_db *db, autolic_time keep, size_t *removed)
{
	if (removed)
		*removed = 0;
	if (!db)
		return al_err(AUTOLIC_EINVAL, "db is required");
	if (keep < 0) {
		al_err(AUTOLIC_EINVAL, "NOTE-2: keep must be 0 or more seconds, not %lld",
		       (long long)keep);
		al_err_arg("keep", NULL, 0);
		return al_err_seconds("keep", keep);
	}
	trim_args ta = {keep, 0};
	int rc = al_run(db, 1, trim_fn, &ta);
	if (!rc && removed)
		*removed = ta.removed;
	return rc;
}

/* ---- the whole-store check (autolic_db_check) ---- */

/* The head of `stream` among the sorted heads (0 when it has none). */
static uint64_t head_of(const pos_vec *heads, uint64_t stream)
{
	size_t lo = 0, hi = heads->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (heads->v[mid].stream < stream)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < heads->n && heads->v[lo].stream == stream ? heads->v[lo].v : 0;
}

typedef struct {
	const pos_vec *heads;
	const al_alloc *a;
	name_vec names; /* consumers named by position records, one per record */
	pos_vec pos;    /* their streams and positions, in the same order */
} check_scan;

/* NOTE-1: each notice decodes and stands at or before its stream's head. */
static int check_note_cb(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	check_scan *cs = arg;
	if (klen != 17)
		return al_err(AUTOLIC_ECORRUPT, "notice key of %zu bytes", klen);
	uint64_t stream = al_key_get_u64(key, 1), pos = al_key_get_u64(key, 9);
	al_note n;
	int rc = al_note_decode(val, vlen, stream, pos, cs->a, &n);
	if (rc)
		return rc;
	al_free(cs->a, n.block);
	uint64_t head = head_of(cs->heads, stream);
	if (pos == 0 || pos > head)
		return al_err(AUTOLIC_ECORRUPT,
		              "NOTE-1: notice %" PRIu64 " of stream %" PRIu64
		              " stands beyond the stream's last position (%" PRIu64 ")",
		              pos, stream, head);
	return 0;
}

/* The position records: each one's consumer and stream. */
static int check_pos_cb(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	check_scan *cs = arg;
	const char *k = key;
	const char *end = klen > 9 ? memchr(k + 1, 0, klen - 9) : NULL;
	if (!end || (size_t)(end - k) + 9 != klen)
		return al_err(AUTOLIC_ECORRUPT, "notice position key of %zu bytes", klen);
	int rc = name_cb(key, (size_t)(end - k) + 1, NULL, 0, &cs->names);
	if (!rc) {
		cs->pos.at = klen - 8;
		rc = pos_cb(key, klen, val, vlen, &cs->pos);
	}
	return rc;
}

int al_note_check_all(al_txn *t)
{
	pos_vec heads = {0};
	check_scan cs = {&heads, t->a, {NULL, 0, 0, t->a}, {0}};
	cs.pos.a = t->a;
	cs.pos.tag = AL_K_NOTE_POS;
	int rc = pos_scan(t, NULL, &heads);
	al_key k;
	al_key_init(&k, AL_K_NOTE);
	if (!rc)
		rc = al_txn_scan_prefix(t, &k, check_note_cb, &cs);
	al_key_init(&k, AL_K_NOTE_POS);
	if (!rc)
		rc = al_txn_scan_prefix(t, &k, check_pos_cb, &cs);
	/* NOTE-2: a position belongs to a consumer and stands at or before its head */
	for (size_t i = 0; !rc && i < cs.pos.n; i++) {
		const char *name = cs.names.v[i];
		uint64_t stream = cs.pos.v[i].stream, pos = cs.pos.v[i].v;
		rc = consumer_exists(t, name);
		if (rc == AUTOLIC_ENOTFOUND)
			rc = al_err(AUTOLIC_ECORRUPT,
			            "NOTE-2: a position of stream %" PRIu64
			            " is kept for '%s', which is no consumer",
			            stream, name);
		uint64_t head = head_of(&heads, stream);
		if (!rc && pos > head)
			rc = al_err(AUTOLIC_ECORRUPT,
			            "NOTE-2: consumer '%s' acknowledged position %" PRIu64
			            " of stream %" PRIu64 ", beyond its last (%" PRIu64 ")",
			            name, pos, stream, head);
	}
	names_free(&cs.names);
	al_free(t->a, cs.pos.v);
	al_free(t->a, heads.v);
	return rc;
}
