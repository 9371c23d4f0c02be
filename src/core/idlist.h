/* A list of ids gathered by a key scan (scan callbacks may not touch
 * storage, so callers collect first and load afterwards): a core array of
 * ids (core/array.h) and the byte offset of the id inside each key. */
#ifndef AL_CORE_IDLIST_H
#define AL_CORE_IDLIST_H

#include "array.h"
#include "txn.h"

typedef struct al_idlist {
	AL_ARRAY(autolic_id);
	size_t at; /* byte offset of the id inside each key */
} al_idlist;

void al_idlist_init(al_idlist *l, const al_alloc *a, size_t at);
void al_idlist_free(al_idlist *l);
int al_idlist_push(al_idlist *l, autolic_id id);
/* Append the u64 at offset l->at of every key starting with `prefix`. */
int al_idlist_scan(al_txn *t, const al_key *prefix, al_idlist *l);

#endif
