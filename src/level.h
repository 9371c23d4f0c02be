/*
 * The store's level record, below every noun: the calls that create a team
 * or buy a contract stamp it, and the one-time upgrades (src/upgrade.c) read
 * and write it. Implemented in src/level.c.
 */
#ifndef AL_LEVEL_H
#define AL_LEVEL_H

#include "core/txn.h"

/*
 * The store's level, kept in the schema record (key AL_K_SCHEMA alone):
 *   absent  written by 1.0.0, or by a later library that never had to
 *           upgrade it and never created a team or bought a contract in it
 *   1       product codes normalised (SEAM-1)
 *   2       every seat holder and every Flex user a member of the team (SEAM-3)
 * Each level includes the ones below it.
 */
#define AL_LEVEL_PRODUCT_CODES 1u
#define AL_LEVEL_MEMBERS       2u
#define AL_LEVEL_NOW           AL_LEVEL_MEMBERS

/* The stored level into *level (0 when the record is absent). */
int al_store_level_read(al_txn *t, uint32_t *level);
/* Store AL_LEVEL_NOW. */
int al_store_level_write(al_txn *t);

/* Record this library's level in the store when it holds a lower one (or
 * none), inside `t`. Every handle checked its store at open, so whatever it
 * writes is at this level: the calls that create a team or buy a contract
 * call it, so that a store this library created is never scanned at open. */
int al_store_level_stamp(al_txn *t);

#endif
