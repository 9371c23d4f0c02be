/* Load and store of whole records, for the nouns' records floors: encode a
 * record and store it under its key in one call; one-id index records (a
 * key that names the id of another record); and the get-through-index load
 * (read the id an index key holds, then load the record it names). */
#ifndef AL_CORE_RECORD_H
#define AL_CORE_RECORD_H

#include "txn.h"

/* Write `rec` into b, starting with al_rec_begin() or al_rec_begin_v(). */
typedef void (*al_record_encode_fn)(al_buf *b, const void *rec);
/* Read a record of `len` bytes at p into `rec` (al_rec_open() first). */
typedef int (*al_record_decode_fn)(const void *p, size_t len, void *rec);

/* Encode `rec` with `enc` and store it under k. */
int al_record_put(al_txn *t, const al_key *k, al_record_encode_fn enc, const void *rec);

/* Load the record under k and decode it with `dec`: AUTOLIC_ENOTFOUND
 * without a message when there is none. */
int al_record_get(al_txn *t, const al_key *k, al_record_decode_fn dec, void *rec);

/* Store an empty value under k (an index entry whose key says it all). */
int al_record_put_empty(al_txn *t, const al_key *k);

/* Store a record that holds only its tag `tag` under k (an index entry
 * whose key says it all, in the records' format). */
int al_record_put_tag(al_txn *t, const al_key *k, uint8_t tag);

/* Store the index record of tag `tag` holding `id` under k. */
int al_index_put(al_txn *t, const al_key *k, uint8_t tag, uint64_t id);

/* The id held by the index record of tag `tag` under k: AUTOLIC_ENOTFOUND
 * without a message when there is none. */
int al_index_get(al_txn *t, const al_key *k, uint8_t tag, uint64_t *id);

/* Get through an index: the index record of tag `tag` under `ix` holds an
 * owner id; the record is stored under (prefix, owner, id) and decoded with
 * `dec`. AUTOLIC_ENOTFOUND without a message when the index has no entry;
 * AUTOLIC_ECORRUPT ("<what> <id> is indexed but missing") when the record it
 * names is absent. */
int al_index_load(al_txn *t, const al_key *ix, uint8_t tag, uint8_t prefix, uint64_t id,
                  al_record_decode_fn dec, void *rec, const char *what);

/* Load a record by id: the noun's load function, for al_record_read(). */
typedef int (*al_record_load_fn)(al_txn *t, uint64_t id, void *rec);

/* Run `load(t, id, rec)` in one read transaction (the public get calls);
 * *now, unless NULL, receives the transaction's time. */
int al_record_read(autolic_db *db, uint64_t id, al_record_load_fn load, void *rec,
                   autolic_time *now);

#endif
