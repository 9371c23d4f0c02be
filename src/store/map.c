/*
 * Ordered map as a treap whose priorities are a hash of the key: the shape
 * depends only on the set of keys, so relinking a node on rollback restores
 * exactly the tree that was. Each node holds its key and value inline.
 */
#include "map.h"
#include "core/alloc.h"

#include <string.h>

typedef struct node {
	struct node *left, *right;
	uint32_t prio;
	uint32_t klen;
	size_t vlen;
	unsigned char data[]; /* key, then value */
} node;

typedef struct undo {
	node *old; /* node replaced or deleted, or NULL */
	node *new; /* node inserted, or NULL for a delete */
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
};

static uint32_t key_prio(const unsigned char *k, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ k[i]) * 1099511628211ULL;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return (uint32_t)h;
}

static int keycmp(const unsigned char *a, size_t al, const unsigned char *b, size_t bl)
{
	size_t n = al < bl ? al : bl;
	int c = n ? memcmp(a, b, n) : 0;
	if (c)
		return c;
	return al < bl ? -1 : al > bl;
}

int al_map_new(al_map **out, const autolic_allocator *alloc)
{
	al_alloc a;
	al_alloc_init(&a, alloc);
	al_map *m = al_calloc(&a, 1, sizeof(*m));
	if (!m)
		return AUTOLIC_ENOMEM;
	m->alloc = a;
	*out = m;
	return 0;
}

static void free_tree(al_map *m, node *n)
{
	while (n) {
		free_tree(m, n->left);
		node *r = n->right;
		al_free(&m->alloc, n);
		n = r;
	}
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

static const node *find(const al_map *m, const void *key, size_t klen)
{
	const node *n = m->root;
	while (n) {
		int c = keycmp(key, klen, n->data, n->klen);
		if (!c)
			return n;
		n = c < 0 ? n->left : n->right;
	}
	return NULL;
}

int al_map_get(const al_map *m, const void *key, size_t klen, const void **val, size_t *vlen)
{
	const node *n = find(m, key, klen);
	if (!n)
		return AUTOLIC_ENOTFOUND;
	*val = n->data + n->klen;
	*vlen = n->vlen;
	return 0;
}

/* Split t into keys < k (l) and keys > k (r). t holds no node with key k:
 * see link_node(). */
static void split(node *t, const unsigned char *k, size_t kl, node **l, node **r)
{
	while (t) {
		if (keycmp(t->data, t->klen, k, kl) < 0) {
			*l = t;
			l = &t->right;
			t = t->right;
		} else {
			*r = t;
			r = &t->left;
			t = t->left;
		}
	}
	*l = *r = NULL;
}

static node *merge(node *a, node *b)
{
	node *root = NULL, **link = &root;
	while (a && b) {
		if (a->prio >= b->prio) {
			*link = a;
			link = &a->right;
			a = a->right;
		} else {
			*link = b;
			link = &b->left;
			b = b->left;
		}
	}
	*link = a ? a : b;
	return root;
}

/* Link node n in place of any node with its key; return the node displaced.
 * A node with n's key has n's priority, and every node on the way down to it
 * has at least that priority (heap order), so the descent meets it before it
 * stops: the subtree split below holds no node with that key. */
static node *link_node(al_map *m, node *n)
{
	node **at = &m->root;
	while (*at && (*at)->prio >= n->prio) {
		int c = keycmp(n->data, n->klen, (*at)->data, (*at)->klen);
		if (!c) {
			node *old = *at;
			n->left = old->left;
			n->right = old->right;
			*at = n;
			return old;
		}
		at = c < 0 ? &(*at)->left : &(*at)->right;
	}
	split(*at, n->data, n->klen, &n->left, &n->right);
	*at = n;
	return NULL;
}

/* Unlink the node with this key and return it, or NULL. */
static node *unlink_key(al_map *m, const void *key, size_t klen)
{
	node **at = &m->root;
	while (*at) {
		int c = keycmp(key, klen, (*at)->data, (*at)->klen);
		if (!c) {
			node *n = *at;
			*at = merge(n->left, n->right);
			n->left = n->right = NULL;
			return n;
		}
		at = c < 0 ? &(*at)->left : &(*at)->right;
	}
	return NULL;
}

static void account_in(al_map *m, const node *n, int sign)
{
	if (sign > 0) {
		m->count++;
		m->payload += n->klen + n->vlen;
	} else {
		m->count--;
		m->payload -= n->klen + n->vlen;
	}
}

static int reserve_log(al_map *m)
{
	if (!m->logging || m->nlog < m->caplog)
		return 0;
	size_t cap = m->caplog ? m->caplog * 2 : 64;
	undo *p = al_realloc(&m->alloc, m->log, cap * sizeof(*p));
	if (!p)
		return AUTOLIC_ENOMEM;
	m->log = p;
	m->caplog = cap;
	return 0;
}

/* A displaced node is kept for rollback while logging, freed otherwise. */
static void retire(al_map *m, node *old, node *new)
{
	if (old)
		account_in(m, old, -1);
	if (m->logging) {
		m->log[m->nlog].old = old;
		m->log[m->nlog].new = new;
		m->nlog++;
	} else if (old) {
		al_free(&m->alloc, old);
	}
}

int al_map_put(al_map *m, const void *key, size_t klen, const void *val, size_t vlen)
{
	if (klen > UINT32_MAX)
		return AUTOLIC_EINVAL;
	if (vlen > SIZE_MAX - sizeof(node) - klen)
		return AUTOLIC_ENOMEM; /* no allocation could hold it */
	if (reserve_log(m))
		return AUTOLIC_ENOMEM;
	node *n = al_malloc(&m->alloc, sizeof(node) + klen + vlen);
	if (!n)
		return AUTOLIC_ENOMEM;
	n->left = n->right = NULL;
	n->klen = (uint32_t)klen;
	n->vlen = vlen;
	if (klen)
		memcpy(n->data, key, klen);
	if (vlen)
		memcpy(n->data + klen, val, vlen);
	n->prio = key_prio(n->data, klen);
	node *old = link_node(m, n);
	account_in(m, n, 1);
	retire(m, old, n);
	return 0;
}

int al_map_del(al_map *m, const void *key, size_t klen)
{
	/* The log has room before anything is unlinked: a failure changes nothing. */
	if (reserve_log(m))
		return AUTOLIC_ENOMEM;
	node *old = unlink_key(m, key, klen);
	if (!old)
		return AUTOLIC_ENOTFOUND;
	retire(m, old, NULL);
	return 0;
}

typedef struct {
	const void *start, *end;
	size_t slen, elen;
	autolic_storage_scan_cb cb;
	void *arg;
} scan_state;

/* In-order walk below n of keys in [start, end); returns 1 past end. */
static int walk(const node *n, const scan_state *s, int *rc)
{
	while (n) {
		int lo = !s->start || keycmp(n->data, n->klen, s->start, s->slen) >= 0;
		if (lo && n->left && walk(n->left, s, rc))
			return 1;
		if (lo) {
			if (s->end && keycmp(n->data, n->klen, s->end, s->elen) >= 0)
				return 1;
			*rc = s->cb(n->data, n->klen, n->data + n->klen, n->vlen, s->arg);
			if (*rc)
				return 1;
		}
		n = n->right;
	}
	return 0;
}

int al_map_scan(const al_map *m, const void *start, size_t slen, const void *end, size_t elen,
                autolic_storage_scan_cb cb, void *arg)
{
	scan_state s = {start, end, slen, elen, cb, arg};
	int rc = 0;
	walk(m->root, &s, &rc);
	return rc;
}

size_t al_map_count(const al_map *m) { return m->count; }
size_t al_map_payload(const al_map *m) { return m->payload; }

void al_map_txn_begin(al_map *m)
{
	m->logging = 1;
	m->nlog = 0;
	m->nsaves = 0;
}

static void forget_log(al_map *m, size_t from)
{
	for (size_t i = from; i < m->nlog; i++) {
		al_free(&m->alloc, m->log[i].old);
	}
	m->nlog = from;
}

static void undo_to(al_map *m, size_t to)
{
	while (m->nlog > to) {
		undo *u = &m->log[--m->nlog];
		if (u->new) {
			node *n = unlink_key(m, u->new->data, u->new->klen);
			account_in(m, n, -1);
			al_free(&m->alloc, n);
		}
		if (u->old) {
			u->old->left = u->old->right = NULL;
			link_node(m, u->old);
			account_in(m, u->old, 1);
		}
	}
}

void al_map_txn_commit(al_map *m)
{
	forget_log(m, 0);
	m->logging = 0;
	m->nsaves = 0;
}

void al_map_txn_rollback(al_map *m)
{
	undo_to(m, 0);
	m->logging = 0;
	m->nsaves = 0;
}

int al_map_savepoint(al_map *m)
{
	if (!m->logging)
		return AUTOLIC_ESTATE;
	if (m->nsaves == m->capsaves) {
		size_t cap = m->capsaves ? m->capsaves * 2 : 8;
		size_t *p = al_realloc(&m->alloc, m->saves, cap * sizeof(*p));
		if (!p)
			return AUTOLIC_ENOMEM;
		m->saves = p;
		m->capsaves = cap;
	}
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
