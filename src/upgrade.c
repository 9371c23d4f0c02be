/* One-time upgrades of a store written by an older library (see upgrade.h). */
#include "upgrade.h"
#include "level.h"
#include "contract.h"
#include "flex.h"
#include "seat.h"
#include "core/error.h"
#include "core/product.h"

#include <string.h>

typedef struct {
	uint32_t level;      /* 0 when the record is absent */
	autolic_id contract; /* SEAM-1: a contract product with a code to normalise */
	char product[AL_PRODUCT_CAP];
	/* SEAM-3: an account outside a team it should be a member of: the
	 * holder of a seat of `seat_contract`, or a Flex user of `flex_team`
	 * (`removed`: a removed account still assigned) */
	autolic_id account, seat_contract, flex_team;
	int removed;
} level_args;

static int needed(const level_args *la)
{
	return la->contract || la->account;
}

static int check_fn(al_txn *t, void *arg)
{
	level_args *la = arg;
	la->contract = la->account = la->seat_contract = la->flex_team = 0;
	la->removed = 0;
	int rc = al_store_level_read(t, &la->level);
	if (!rc && la->level < AL_LEVEL_PRODUCT_CODES)
		rc = al_contract_old_code(t, &la->contract, la->product);
	if (!rc && !needed(la) && la->level < AL_LEVEL_MEMBERS)
		rc = al_seat_upgrade_members(t, 0, &la->seat_contract, &la->account);
	if (!rc && !needed(la) && la->level < AL_LEVEL_MEMBERS)
		rc = al_flex_upgrade_members(t, 0, &la->flex_team, &la->account, &la->removed);
	return rc;
}

static int upgrade_fn(al_txn *t, void *arg)
{
	(void)arg;
	uint32_t level;
	int rc = al_store_level_read(t, &level);
	if (rc || level >= AL_LEVEL_NOW)
		return rc; /* another handle upgraded it meanwhile */
	if (level < AL_LEVEL_PRODUCT_CODES) {
		rc = al_contract_upgrade_codes(t);
		if (!rc)
			rc = al_seat_upgrade_codes(t);
	}
	if (!rc && level < AL_LEVEL_MEMBERS) {
		autolic_id a, b;
		int removed;
		rc = al_seat_upgrade_members(t, 1, &a, &b);
		if (!rc)
			rc = al_flex_upgrade_members(t, 1, &a, &b, &removed);
	}
	return rc ? rc : al_store_level_write(t);
}

int al_store_upgrade(autolic_db *db)
{
	level_args la;
	memset(&la, 0, sizeof la);
	int rc = al_run(db, 0, check_fn, &la);
	if (rc || !needed(&la))
		return rc;
	rc = al_run(db, 1, upgrade_fn, NULL);
	if (rc == AUTOLIC_EREADONLY && la.contract)
		al_err_prefix(
		    "SEAM-1: contract %llu lists product '%s', stored before product codes "
		    "were stored in lower case; the store needs a one-time upgrade, which "
		    "a read-only store cannot take: open it once for writing",
		    (unsigned long long)la.contract, la.product);
	else if (rc == AUTOLIC_EREADONLY && la.seat_contract)
		al_err_prefix("SEAM-3: account %llu holds a seat of contract %llu but is not a "
		              "member of its team, stored before a seat made a member; the store "
		              "needs a one-time upgrade, which a read-only store cannot take: open "
		              "it once for writing",
		              (unsigned long long)la.account, (unsigned long long)la.seat_contract);
	else if (rc == AUTOLIC_EREADONLY)
		al_err_prefix("SEAM-3: account %llu is a Flex user of team %llu but %s, stored "
		              "before a Flex user was a member; the store needs a one-time "
		              "upgrade, which a read-only store cannot take: open it once for "
		              "writing",
		              (unsigned long long)la.account, (unsigned long long)la.flex_team,
		              la.removed ? "was removed" : "is not a member of it");
	else if (rc && la.contract)
		al_err_prefix("SEAM-1: upgrading the product codes of the store");
	else if (rc)
		al_err_prefix("SEAM-3: upgrading the team members of the store");
	return rc;
}
