/*
 * Ordered in-memory map of byte keys to byte values (a B+tree, src/store/map.c),
 * with an undo log for transactions and nested savepoints. The live state of
 * the memory store and of the journal store. Not thread-safe: callers
 * serialise.
 *
 * Failure atomicity: put/del either fully apply (and are logged) or leave the
 * map untouched. Rollback never allocates and so never fails: replaced and
 * deleted entries are kept aside in the undo log and put back.
 */
#ifndef AL_STORE_MAP_H
#define AL_STORE_MAP_H

#include "autolic/sys/storage.h"

typedef struct al_map al_map;

int al_map_new(al_map **out, const autolic_allocator *alloc);
void al_map_free(al_map *m);

/* Returns 0 with *val and *vlen pointing into the map (valid until the next
 * change), or AUTOLIC_ENOTFOUND. */
int al_map_get(const al_map *m, const void *key, size_t klen, const void **val, size_t *vlen);
/* Copies key and value. 0, AUTOLIC_EINVAL (key longer than 4 GiB) or
 * AUTOLIC_ENOMEM (map unchanged; also for a value of 4 GiB or more, which
 * no entry can hold). */
int al_map_put(al_map *m, const void *key, size_t klen, const void *val, size_t vlen);
/* 0, AUTOLIC_ENOTFOUND or AUTOLIC_ENOMEM (map unchanged). */
int al_map_del(al_map *m, const void *key, size_t klen);
/* start <= key < end (end NULL: unbounded), ascending; stops at the first
 * non-zero callback value and returns it. The map must not change during it. */
int al_map_scan(const al_map *m, const void *start, size_t slen, const void *end, size_t elen,
                autolic_storage_scan_cb cb, void *arg);

size_t al_map_count(const al_map *m);   /* live keys */
size_t al_map_payload(const al_map *m); /* bytes of live keys and values */

/* Transactions: between txn_begin and txn_commit/txn_rollback every change is
 * logged. Savepoints nest inside a transaction. Outside a transaction changes
 * are applied without a log. */
void al_map_txn_begin(al_map *m);
void al_map_txn_commit(al_map *m);
void al_map_txn_rollback(al_map *m);
int al_map_savepoint(al_map *m);   /* 0, AUTOLIC_ESTATE (no transaction) or AUTOLIC_ENOMEM */
int al_map_release(al_map *m);     /* 0 or AUTOLIC_ESTATE (no savepoint) */
int al_map_rollback_to(al_map *m); /* 0 or AUTOLIC_ESTATE (no savepoint) */

#endif
