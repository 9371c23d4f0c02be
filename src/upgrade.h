/*
 * Upgrades of a store written by an older library, run once when a handle
 * opens it (autolic_db_open). They change several nouns, so they live above
 * them; the core calls only al_store_upgrade().
 */
#ifndef AL_UPGRADE_H
#define AL_UPGRADE_H

#include "autolic/db.h"
#include "core/txn.h"

/* Bring the store behind `db` to this library's level inside one write
 * transaction, when it needs it (docs/record-format.md, "Store level"):
 * product codes (SEAM-1), then team members (SEAM-3). A store that needs
 * nothing is only read. 0, or the error of the first failure (the store then
 * unchanged); AUTOLIC_EREADONLY naming SEAM-1 or SEAM-3 when the store needs
 * the upgrade but refuses writes. */
int al_store_upgrade(autolic_db *db);

#endif
