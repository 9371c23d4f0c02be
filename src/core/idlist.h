/* A list of ids gathered by a key scan (scan callbacks may not touch
 * storage, so callers collect first and load afterwards): a core array of
 * ids (core/array.h) and the byte offset of the id inside each key. */
#ifndef AL_CORE_IDLIST_H
#define AL_CORE_IDLIST_H

#include "array.h"
#include "txn.h"

/* The offset that names the last 8 bytes of each key, whatever its length. */
#define AL_IDLIST_LAST ((size_t)-1)

typedef struct al_idlist {
	AL_ARRAY(autolic_id);
	size_t at; /* byte offset of the id inside each key */
} al_idlist;

void al_idlist_init(al_idlist *l, const al_alloc *a, size_t at);
void al_idlist_free(al_idlist *l);
int al_idlist_push(al_idlist *l, autolic_id id);
/* Append the u64 at offset l->at of every key starting with `prefix`. */
int al_idlist_scan(al_txn *t, const al_key *prefix, al_idlist *l);
/* Append the second id of every key (prefix, owner, id ...): l->at becomes 9. */
int al_idlist_scan_of(al_txn *t, uint8_t prefix, autolic_id owner, al_idlist *l);

/* The scan callback of al_idlist_scan() (arg: the al_idlist), for scans that
 * filter or stop on their own: AUTOLIC_ECORRUPT for a key too short to hold
 * the id (a key of the last-8-bytes form needs a prefix byte before it). */
int al_idlist_collect(const void *key, size_t klen, const void *val, size_t vlen, void *arg);

#endif
