/* Snapshot iterators: a call collects its rows in one transaction into an
 * array; the iterator then hands them out without touching storage, so it is
 * safe against concurrent change. Every public snapshot iterator is a struct
 * whose first member is an al_snap. */
#ifndef AL_CORE_SNAP_H
#define AL_CORE_SNAP_H

#include "alloc.h"
#include "error.h"
#include "structs.h"
#include "txn.h"

#include <stddef.h>

/* Release what `n` rows at v own (not the rows themselves). */
typedef void (*al_snap_drop_fn)(const al_alloc *a, void *v, size_t n);

/* The head of a snapshot iterator: its allocator, the rows, their count,
 * the position of the next row and what releases the rows' own memory. */
typedef struct al_snap {
	al_alloc a;
	void *v;
	size_t n, pos;
	al_snap_drop_fn drop;
} al_snap;

/* The argument a fill function receives from al_snap_new(): `key` to list by
 * (a team, a contract, a hub, an account; 0 for "all" where the noun allows
 * it), the call's other arguments (`ctx`, al_snap_open()), the allocator for
 * the rows, and where it leaves them (`cap` rows allocated: rows may be added
 * with al_array_append(f->a, &f->v, &f->n, &f->cap, size)). A fill function
 * runs inside al_run and may be retried: it starts with al_snap_fill_reset(). */
typedef struct al_snap_fill {
	autolic_id key;
	const al_alloc *a;
	void *v;
	size_t n, cap;
	void *ctx;
	al_snap_drop_fn drop;
} al_snap_fill;

/* What al_snap_open() makes: an iterator struct of `size` bytes (>=
 * sizeof(al_snap), an al_snap first) filled by `fill` with `key` and `ctx`;
 * `drop` (or NULL) releases what rows own. */
typedef struct al_snap_spec {
	autolic_id key;
	void *ctx;
	al_txn_fn fill;
	size_t size;
	al_snap_drop_fn drop;
} al_snap_spec;

/* Forget (and free) the rows of an earlier attempt. */
void al_snap_fill_reset(al_snap_fill *f);

/* Allocate an iterator of `size` bytes (>= sizeof(al_snap), an al_snap first)
 * and fill it by running `fn` in one read transaction. On failure nothing is
 * left allocated and *out is untouched. */
int al_snap_new(autolic_db *db, autolic_id key, al_txn_fn fn, size_t size, void **out);
/* The same with every choice of al_snap_spec. */
int al_snap_open(autolic_db *db, const al_snap_spec *spec, void **out);

/* Copy row *pos (of n rows of the newest version of `kind` at v) into out
 * and advance: only the bytes of out's version are written, its version is
 * kept (al_copy_out). AUTOLIC_EVERSION for a version the library does not
 * know, then AUTOLIC_ITEROVER past the end. */
int al_snap_next(const void *v, size_t n, size_t *pos, al_struct kind, void *out);

/* Release an iterator made by al_snap_new() (NULL is fine). */
void al_snap_free(al_snap *s);

/* Define the public `<name>_next` and `<name>_free` of the snapshot iterator
 * type `iter` (an al_snap `s` first) whose rows are the versioned struct `row`
 * of kind `kind`: _next clears the message, refuses a missing iterator or row
 * with AUTOLIC_EINVAL and the message `missing`, then hands out the next row
 * (al_snap_next). */
#define AL_SNAP_ITER_FNS(name, iter, row, kind, missing)                                           \
	int name##_next(iter *it, row *out)                                                        \
	{                                                                                          \
		al_err_clear();                                                                    \
		if (!it || !out)                                                                   \
			return al_err(AUTOLIC_EINVAL, missing);                                    \
		return al_snap_next(it->s.v, it->s.n, &it->s.pos, kind, out);                      \
	}                                                                                          \
	void name##_free(iter *it)                                                                 \
	{                                                                                          \
		al_snap_free(it ? &it->s : NULL);                                                  \
	}

#endif
