/*
 * Upgrades of a store written by an older library, run once when a handle
 * opens it (autolic_db_open). They change several nouns, so they live above
 * them; the core calls only al_store_upgrade().
 */
#ifndef AL_UPGRADE_H
#define AL_UPGRADE_H

#include "autolic/db.h"

/* Bring the store behind `db` to this library's level inside one write
 * transaction, when it needs it (docs/record-format.md, "Product codes").
 * A store that needs nothing is only read. 0, or the error of the first
 * failure (the store then unchanged); AUTOLIC_EREADONLY naming SEAM-1 when
 * the store needs the upgrade but refuses writes. */
int al_store_upgrade(autolic_db *db);

#endif
