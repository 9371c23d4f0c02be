/* Snapshot iterators: a call collects its rows in one transaction into an
 * array; the iterator then hands them out without touching storage, so it is
 * safe against concurrent change. Every public snapshot iterator is a struct
 * whose first member is an al_snap. */
#ifndef AL_CORE_SNAP_H
#define AL_CORE_SNAP_H

#include "alloc.h"
#include "structs.h"
#include "txn.h"

#include <stddef.h>

/* The head of a snapshot iterator: its allocator, the rows, their count and
 * the position of the next row. */
typedef struct al_snap {
	al_alloc a;
	void *v;
	size_t n, pos;
} al_snap;

/* The argument a fill function receives from al_snap_new(): `key` to list by
 * (a team, a contract, a hub, an account; 0 for "all" where the noun allows
 * it), the allocator for the rows, and where it leaves them. A fill function
 * runs inside al_run and may be retried: it starts with al_snap_fill_reset(). */
typedef struct al_snap_fill {
	autolic_id key;
	const al_alloc *a;
	void *v;
	size_t n;
} al_snap_fill;

/* Forget (and free) the rows of an earlier attempt. */
void al_snap_fill_reset(al_snap_fill *f);

/* Allocate an iterator of `size` bytes (>= sizeof(al_snap), an al_snap first)
 * and fill it by running `fn` in one read transaction. On failure nothing is
 * left allocated and *out is untouched. */
int al_snap_new(autolic_db *db, autolic_id key, al_txn_fn fn, size_t size, void **out);

/* Copy row *pos (of n rows of the newest version of `kind` at v) into out
 * and advance: only the bytes of out's version are written, its version is
 * kept (al_copy_out). AUTOLIC_EVERSION for a version the library does not
 * know, then AUTOLIC_ITEROVER past the end. */
int al_snap_next(const void *v, size_t n, size_t *pos, al_struct kind, void *out);

/* Release an iterator made by al_snap_new() (NULL is fine). */
void al_snap_free(al_snap *s);

#endif
