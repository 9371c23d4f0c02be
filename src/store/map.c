/*
 * Ordered map as a B+tree. A node holds, per slot, the first 16 bytes of a
 * key as two big-endian integers and a pointer to the entry (key and value
 * in one allocation), so a lookup compares integers inside a few nodes and
 * reads one entry; a binary tree would touch one node per level, and on a
 * large store each of those is a cache miss (docs/performance.md).
 *
 * Inner nodes hold separator keys, owned copies: child i holds the keys k
 * with sep[i-1] <= k < sep[i]. Leaves hold at most FAN - 1 entries at rest.
 *
 * Transactions keep an undo log of entry pointers, and rollback never
 * allocates: during a transaction nodes are split but never merged or
 * freed, so the leaves only ever cover finer ranges, and an entry deleted
 * earlier in the transaction finds its leaf holding no more entries than
 * when it was deleted. Leaves left empty are freed when the transaction
 * ends (at once outside one); leaves that still hold entries are never
 * merged.
 */
#include "map_impl.h"
#include "core/alloc.h"
#include "core/array.h"

#include <string.h>

/* First slot whose key is >= k. */
static unsigned lower(const node *x, const unsigned char *k, size_t kl, pfx kp)
{
	unsigned lo = 0, hi = x->n;
	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		if (cmp(k, kl, kp, x->p[mid], x->e[mid]) > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The child of an inner node that covers k: the number of separators <= k. */
static unsigned child_for(const node *x, const unsigned char *k, size_t kl, pfx kp)
{
	unsigned lo = 0, hi = x->n;
	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		if (cmp(k, kl, kp, x->p[mid], x->e[mid]) >= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static node *leaf_for(const al_map *m, const unsigned char *k, size_t kl, pfx kp)
{
	node *x = m->root;
	while (!x->leaf) {
		x = x->c[child_for(x, k, kl, kp)];
		prefetch_node(x);
	}
	return x;
}

static unsigned child_index(const node *pa, const node *x)
{
	unsigned i = 0;
	while (pa->c[i] != x)
		i++;
	return i;
}

/* ---- allocation ---- */

static ent *ent_new(al_map *m, const void *key, size_t klen, const void *val, size_t vlen)
{
	ent *e = al_malloc(&m->alloc, sizeof(ent) + klen + vlen);
	if (!e)
		return NULL;
	e->klen = (uint32_t)klen;
	e->vlen = (uint32_t)vlen;
	if (klen)
		memcpy(e->data, key, klen);
	if (vlen)
		memcpy(e->data + klen, val, vlen);
	return e;
}

static void ent_free(al_map *m, ent *e)
{
	al_free(&m->alloc, e);
}

static node *node_new(al_map *m, int leaf)
{
	node *x = al_malloc(&m->alloc, leaf ? LEAF_SIZE : INNER_SIZE);
	if (!x)
		return NULL;
	x->parent = NULL;
	x->n = 0;
	x->leaf = (uint8_t)leaf;
	x->queued = 0;
	x->last = NO_SLOT;
	x->next_empty = NULL;
	return x;
}

static void node_free(al_map *m, node *x)
{
	al_free(&m->alloc, x);
}

/* Live entries: count and payload. */
static void account_in(al_map *m, const ent *e, int sign)
{
	if (sign > 0) {
		m->count++;
		m->payload += (size_t)e->klen + e->vlen;
	} else {
		m->count--;
		m->payload -= (size_t)e->klen + e->vlen;
	}
}

int al_map_new(al_map **out, const autolic_allocator *alloc)
{
	al_alloc a;
	al_alloc_init(&a, alloc);
	al_map *m = al_calloc(&a, 1, sizeof(*m));
	if (!m)
		return AUTOLIC_ENOMEM;
	m->alloc = a;
	m->root = node_new(m, 1);
	if (!m->root) {
		al_free(&a, m);
		return AUTOLIC_ENOMEM;
	}
	*out = m;
	return 0;
}

static void free_tree(al_map *m, node *x)
{
	if (x->leaf) {
		for (unsigned i = 0; i < x->n; i++)
			al_free(&m->alloc, x->e[i]);
	} else {
		for (unsigned i = 0; i <= x->n; i++)
			free_tree(m, x->c[i]);
		for (unsigned i = 0; i < x->n; i++)
			al_free(&m->alloc, x->e[i]);
	}
	al_free(&m->alloc, x);
}

void al_map_free(al_map *m)
{
	if (!m)
		return;
	al_map_txn_rollback(m);
	free_tree(m, m->root);
	al_free(&m->alloc, m->log);
	al_free(&m->alloc, m->saves);
	al_alloc a = m->alloc;
	al_free(&a, m);
}

/* ---- removing empty leaves (never inside a transaction) ---- */

/* Take child ci out of inner node pa with the separator next to it. */
static void cut_child(al_map *m, node *pa, unsigned ci)
{
	unsigned s = ci ? ci - 1 : 0; /* the removed child's range joins a neighbour's */
	ent_free(m, pa->e[s]);
	memmove(&pa->p[s], &pa->p[s + 1], (pa->n - s - 1) * sizeof(pfx));
	memmove(&pa->e[s], &pa->e[s + 1], (pa->n - s - 1) * sizeof(ent *));
	memmove(&pa->c[ci], &pa->c[ci + 1], (pa->n - ci) * sizeof(node *));
	pa->n--;
}

/* Free nodes from x up to and including top (a chain of only children). */
static void free_chain(al_map *m, node *x, node *top)
{
	for (;;) {
		node *up = x->parent;
		node_free(m, x);
		if (x == top)
			return;
		x = up;
	}
}

/* Free the empty leaf x (not the root), and every inner node left without
 * children. The climb ends below the root: the root never keeps a single
 * child (see the end of this function), so it has another child to keep. */
static void drop_leaf(al_map *m, node *x)
{
	node *top = x; /* the highest node that goes with x */
	while (top->parent->n == 0)
		top = top->parent; /* x's branch was its parent's only child */
	cut_child(m, top->parent, child_index(top->parent, top));
	free_chain(m, x, top);
	/* a root left with one child hands over to it */
	while (!m->root->leaf && m->root->n == 0) {
		node *r = m->root;
		m->root = r->c[0];
		m->root->parent = NULL;
		node_free(m, r);
	}
}

/* Note that leaf x has no entries left. */
static void emptied(al_map *m, node *x, int now)
{
	if (x == m->root)
		return;
	if (now) {
		drop_leaf(m, x);
	} else if (!x->queued) {
		x->queued = 1;
		x->next_empty = m->empty;
		m->empty = x;
	}
}

static void sweep(al_map *m)
{
	while (m->empty) {
		node *x = m->empty;
		m->empty = x->next_empty;
		x->queued = 0;
		x->next_empty = NULL;
		if (x->n == 0 && x != m->root)
			drop_leaf(m, x);
	}
}

/* ---- reading ---- */

int al_map_get(const al_map *m, const void *key, size_t klen, const void **val, size_t *vlen)
{
	pfx kp = key_pfx(key, klen);
	const node *x = leaf_for(m, key, klen, kp);
	unsigned i = lower(x, key, klen, kp);
	if (i == x->n || cmp(key, klen, kp, x->p[i], x->e[i]) != 0)
		return AUTOLIC_ENOTFOUND;
	*val = x->e[i]->data + x->e[i]->klen;
	*vlen = x->e[i]->vlen;
	return 0;
}

#define MAX_DEPTH 64 /* far more levels than any tree this process can hold */

int al_map_scan(const al_map *m, const void *start, size_t slen, const void *end, size_t elen,
                autolic_storage_scan_cb cb, void *arg)
{
	if (!start)
		slen = 0;
	pfx sp = key_pfx(start, slen), ep = {0, 0};
	if (end)
		ep = key_pfx(end, elen);
	/* the path down to the first leaf, to step from leaf to leaf */
	const node *path[MAX_DEPTH];
	unsigned at[MAX_DEPTH];
	int depth = 0;
	const node *x = m->root;
	while (!x->leaf) {
		unsigned ci = child_for(x, start, slen, sp);
		path[depth] = x;
		at[depth++] = ci;
		x = x->c[ci];
		prefetch_node(x);
	}
	unsigned i = lower(x, start, slen, sp);
	for (;;) {
		for (; i < x->n; i++) {
			const ent *e = x->e[i];
			if (end && cmp(end, elen, ep, x->p[i], e) <= 0)
				return 0;
			int rc = cb(e->data, e->klen, e->data + e->klen, e->vlen, arg);
			if (rc)
				return rc;
		}
		/* the next leaf: up to the first ancestor with a child to the right */
		while (depth > 0 && at[depth - 1] == path[depth - 1]->n)
			depth--;
		if (depth == 0)
			return 0;
		const node *pa = path[depth - 1];
		unsigned s = at[depth - 1]; /* separator s bounds the next subtree from below */
		if (end && cmp(end, elen, ep, pa->p[s], pa->e[s]) <= 0)
			return 0; /* it starts at or past the end: nothing more to read */
		at[depth - 1] = s + 1;
		x = pa->c[s + 1];
		while (!x->leaf) {
			path[depth] = x;
			at[depth++] = 0;
			x = x->c[0];
		}
		i = 0;
	}
}

size_t al_map_count(const al_map *m)
{
	return m->count;
}
size_t al_map_payload(const al_map *m)
{
	return m->payload;
}

/* ---- changing ---- */

static int reserve_log(al_map *m)
{
	if (!m->logging || m->nlog < m->caplog)
		return 0;
	return al_array_grow_to(&m->alloc, &m->log, &m->caplog, m->nlog + 1, sizeof(*m->log), 64);
}

/* A displaced entry is kept for rollback while logging, freed otherwise. */
static void retire(al_map *m, ent *old, ent *new)
{
	if (old)
		account_in(m, old, -1);
	if (m->logging) {
		m->log[m->nlog].old = old;
		m->log[m->nlog].new = new;
		m->log[m->nlog].inplace = 0;
		m->nlog++;
	} else if (old) {
		al_free(&m->alloc, old);
	}
}

static void slot_insert(node *x, unsigned i, pfx p, ent *e)
{
	memmove(&x->p[i + 1], &x->p[i], (x->n - i) * sizeof(pfx));
	memmove(&x->e[i + 1], &x->e[i], (x->n - i) * sizeof(ent *));
	x->p[i] = p;
	x->e[i] = e;
	x->n++;
}

static void slot_remove(node *x, unsigned i)
{
	memmove(&x->p[i], &x->p[i + 1], (x->n - i - 1) * sizeof(pfx));
	memmove(&x->e[i], &x->e[i + 1], (x->n - i - 1) * sizeof(ent *));
	x->n--;
}

/* What inserting into a full leaf needs, allocated before anything changes
 * so that a failed put leaves the map as it was. */
typedef struct split_plan {
	node *nodes[64]; /* one per level that splits, the leaf's first */
	size_t n, used;
	node *root; /* a new root when the old one splits */
	ent *sep;   /* copy of the first key of the new leaf */
} split_plan;

static void plan_free(al_map *m, split_plan *s)
{
	/* the new root is allocated last: a plan that failed has none, and a
	 * split uses it */
	for (size_t i = s->used; i < s->n; i++)
		al_free(&m->alloc, s->nodes[i]);
	if (s->sep)
		al_free(&m->alloc, s->sep);
}

/* Leaf x (full) receives entry e at slot i: the first slot of the right
 * leaf. Keys often arrive in order (ids from a sequence), and not always at
 * the end of a leaf: other keys may follow them. An insert right after the
 * leaf's previous one keeps the run on the left and moves only the keys
 * after it to the right, so the run's leaves end up full and the next
 * inserts land in a leaf of their own; any other insert splits in the
 * middle. */
static unsigned split_at(const node *x, unsigned i)
{
	if (i == FAN - 1)
		return FAN - 1;
	if (x->last != NO_SLOT && i == x->last + 1u && i + 1 >= FAN / 2)
		return i + 1;
	return FAN / 2;
}

static int plan_split(al_map *m, node *x, unsigned i, const ent *e, split_plan *s)
{
	memset(s, 0, sizeof(*s));
	unsigned h = split_at(x, i);
	/* the first key of the new right leaf, once e is in place */
	const ent *first = h == i ? e : x->e[h < i ? h : h - 1];
	s->sep = ent_new(m, first->data, first->klen, NULL, 0);
	if (!s->sep)
		return AUTOLIC_ENOMEM;
	node *y = x;
	while (y && y->n == FAN - 1 && s->n < sizeof s->nodes / sizeof s->nodes[0]) {
		s->nodes[s->n] = node_new(m, y == x);
		if (!s->nodes[s->n]) {
			plan_free(m, s);
			return AUTOLIC_ENOMEM;
		}
		s->n++;
		y = y->parent;
	}
	if (!y) {
		s->root = node_new(m, 0);
		if (!s->root) {
			plan_free(m, s);
			return AUTOLIC_ENOMEM;
		}
	}
	return 0;
}

/* Leaf x holds FAN entries after inserting at slot i: split it, and every
 * ancestor that fills up, with the nodes of the plan. */
static void split(al_map *m, node *x, unsigned i, unsigned h, split_plan *s)
{
	node *r = s->nodes[s->used++];
	r->n = (uint16_t)(FAN - h);
	memcpy(r->p, &x->p[h], r->n * sizeof(pfx));
	memcpy(r->e, &x->e[h], r->n * sizeof(ent *));
	x->n = (uint16_t)h;
	x->last = i < h ? (uint8_t)i : NO_SLOT;
	r->last = i < h ? NO_SLOT : (uint8_t)(i - h);
	ent *sep = s->sep;
	s->sep = NULL;
	pfx sp = r->p[0];
	node *left = x, *right = r;
	for (;;) {
		node *pa = left->parent;
		if (!pa) {
			node *root = s->root;
			s->root = NULL;
			root->n = 1;
			root->p[0] = sp;
			root->e[0] = sep;
			root->c[0] = left;
			root->c[1] = right;
			left->parent = right->parent = root;
			m->root = root;
			return;
		}
		unsigned ci = child_index(pa, left);
		memmove(&pa->c[ci + 2], &pa->c[ci + 1], (pa->n - ci) * sizeof(node *));
		slot_insert(pa, ci, sp, sep);
		pa->c[ci + 1] = right;
		right->parent = pa;
		if (pa->n < FAN)
			return;
		/* pa holds FAN separators: the middle one moves up */
		node *q = s->nodes[s->used++];
		unsigned mid = FAN / 2;
		q->n = (uint16_t)(FAN - mid - 1);
		memcpy(q->p, &pa->p[mid + 1], q->n * sizeof(pfx));
		memcpy(q->e, &pa->e[mid + 1], q->n * sizeof(ent *));
		memcpy(q->c, &pa->c[mid + 1], (q->n + 1u) * sizeof(node *));
		for (unsigned j = 0; j <= q->n; j++)
			q->c[j]->parent = q;
		sp = pa->p[mid];
		sep = pa->e[mid];
		pa->n = (uint16_t)mid;
		left = pa;
		right = q;
	}
}

int al_map_put(al_map *m, const void *key, size_t klen, const void *val, size_t vlen)
{
	if (klen > UINT32_MAX)
		return AUTOLIC_EINVAL;
	if (vlen > UINT32_MAX || vlen > SIZE_MAX - sizeof(ent) - klen)
		return AUTOLIC_ENOMEM; /* no entry can hold it */
	if (reserve_log(m))
		return AUTOLIC_ENOMEM;
	pfx kp = key_pfx(key, klen);
	node *x = leaf_for(m, key, klen, kp);
	unsigned i = lower(x, key, klen, kp);
	int found = i < x->n && cmp(key, klen, kp, x->p[i], x->e[i]) == 0;
	if (found && x->e[i]->vlen == vlen && vlen <= INPLACE_MAX) {
		ent *cur = x->e[i];
		unsigned char *v = cur->data + cur->klen;
		if (m->logging) {
			undo *u = &m->log[m->nlog++];
			u->old = NULL;
			u->new = cur;
			u->inplace = 1;
			memcpy(u->bytes, v, vlen);
		}
		if (vlen)
			memmove(v, val, vlen);
		return 0;
	}
	ent *e = ent_new(m, key, klen, val, vlen);
	if (!e)
		return AUTOLIC_ENOMEM;
	if (found) {
		ent *old = x->e[i];
		x->e[i] = e;
		account_in(m, e, 1);
		retire(m, old, e);
		return 0;
	}
	split_plan s;
	int full = x->n == FAN - 1;
	unsigned h = full ? split_at(x, i) : 0;
	if (full && plan_split(m, x, i, e, &s)) {
		al_free(&m->alloc, e);
		return AUTOLIC_ENOMEM;
	}
	slot_insert(x, i, kp, e);
	if (full) {
		split(m, x, i, h, &s);
		plan_free(m, &s); /* nothing is left over; kept for symmetry */
	} else {
		x->last = (uint8_t)i;
	}
	account_in(m, e, 1);
	retire(m, NULL, e);
	return 0;
}

int al_map_del(al_map *m, const void *key, size_t klen)
{
	pfx kp = key_pfx(key, klen);
	node *x = leaf_for(m, key, klen, kp);
	unsigned i = lower(x, key, klen, kp);
	if (i == x->n || cmp(key, klen, kp, x->p[i], x->e[i]) != 0)
		return AUTOLIC_ENOTFOUND;
	if (reserve_log(m))
		return AUTOLIC_ENOMEM;
	ent *old = x->e[i];
	slot_remove(x, i);
	retire(m, old, NULL);
	if (x->n == 0)
		emptied(m, x, !m->logging);
	return 0;
}

/* ---- transactions ---- */

void al_map_txn_begin(al_map *m)
{
	m->logging = 1;
	m->nlog = 0;
	m->nsaves = 0;
}

static void forget_log(al_map *m, size_t from)
{
	for (size_t i = from; i < m->nlog; i++)
		if (m->log[i].old)
			ent_free(m, m->log[i].old);
	m->nlog = from;
}

static void undo_to(al_map *m, size_t to)
{
	while (m->nlog > to) {
		undo *u = &m->log[--m->nlog];
		if (u->inplace) {
			memcpy(u->new->data + u->new->klen, u->bytes, u->new->vlen);
			continue;
		}
		const ent *k = u->new ? u->new : u->old;
		pfx kp = key_pfx(k->data, k->klen);
		node *x = leaf_for(m, k->data, k->klen, kp);
		unsigned i = lower(x, k->data, k->klen, kp);
		if (u->new) {
			/* the entry this change put in place is at slot i */
			if (u->old) {
				x->e[i] = u->old;
				account_in(m, u->old, 1);
			} else {
				slot_remove(x, i);
				if (x->n == 0)
					emptied(m, x, 0);
			}
			account_in(m, u->new, -1);
			al_free(&m->alloc, u->new);
		} else {
			/* a delete: the leaf has room again (see the top of this file) */
			slot_insert(x, i, kp, u->old);
			account_in(m, u->old, 1);
		}
	}
}

void al_map_txn_commit(al_map *m)
{
	forget_log(m, 0);
	m->logging = 0;
	m->nsaves = 0;
	sweep(m);
}

void al_map_txn_rollback(al_map *m)
{
	undo_to(m, 0);
	m->logging = 0;
	m->nsaves = 0;
	sweep(m);
}

int al_map_savepoint(al_map *m)
{
	if (!m->logging)
		return AUTOLIC_ESTATE;
	if (al_array_grow(&m->alloc, &m->saves, &m->capsaves, m->nsaves + 1, sizeof(*m->saves)))
		return AUTOLIC_ENOMEM;
	m->saves[m->nsaves++] = m->nlog;
	return 0;
}

int al_map_release(al_map *m)
{
	if (!m->nsaves)
		return AUTOLIC_ESTATE;
	m->nsaves--;
	return 0;
}

int al_map_rollback_to(al_map *m)
{
	if (!m->nsaves)
		return AUTOLIC_ESTATE;
	undo_to(m, m->saves[--m->nsaves]);
	return 0;
}
