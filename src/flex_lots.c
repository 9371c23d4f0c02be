/*
 * Flex tokens: lots bought, expired, adjusted and moved
 * (FLEX-1, FLEX-9, FLEX-13).
 */
#include "flex_internal.h"

/* ================================================================== */
/* Lots: buy, expire, adjust, move                                      */
/* ================================================================== */

typedef struct {
	autolic_id actor, team;
	al_flex_lotrec l;
} buy_args;

static int buy_fn(al_txn *t, void *arg)
{
	buy_args *a = arg;
	al_flex_team tf;
	int rc = al_flex_team_admin_begin(t, a->team, a->actor, "FLEX-1", "buy Flex tokens", &tf);
	if (rc)
		return rc;
	al_flex_lotrec l = a->l;
	if (l.purchased == 0)
		l.purchased = t->now;
	char at[AL_TIME_TEXT_CAP], end[AL_TIME_TEXT_CAP];
	if (l.purchased > t->now) {
		al_err(AUTOLIC_EINVAL, "FLEX-1: the purchase time %s is in the future (now %s)",
		       al_time_text(at, l.purchased), al_time_text(end, t->now));
		al_err_time("purchased", l.purchased);
		return al_err_time("now", t->now);
	}
	rc = al_time_add(l.purchased, AUTOLIC_FLEX_LOT_SECONDS, &l.expires,
	                 "the lot's expiry (purchase + 365 days)");
	if (rc)
		return rc;
	if (l.expires <= t->now) {
		al_err(AUTOLIC_EEXPIRED,
		       "FLEX-1: a lot bought at %s expired at %s (365 days later)",
		       al_time_text(at, l.purchased), al_time_text(end, l.expires));
		al_err_time("purchased", l.purchased);
		return al_err_time("expired", l.expires);
	}
	l.team = a->team;
	rc = al_txn_seq_next(t, "flex.lot", &l.id);
	if (!rc)
		rc = al_flex_ledger_add(t, a->team, AUTOLIC_FLEX_PURCHASE, l.purchased, l.id,
		                        l.quantity, a->actor, 0, NULL, l.subscription);
	if (!rc && tf.owed > 0) {
		/* FLEX-5 overage policy: the next purchase repays what is owed first */
		int64_t m = tf.owed < l.quantity ? tf.owed : l.quantity;
		l.remaining -= m;
		tf.owed -= m;
		rc = al_flex_ledger_add(t, a->team, AUTOLIC_FLEX_ADJUST, l.purchased, l.id, -m,
		                        a->actor, 0, NULL, l.subscription);
		if (!rc)
			rc = al_flex_ledger_add(t, a->team, AUTOLIC_FLEX_ADJUST, l.purchased, 0, m,
			                        a->actor, 0, NULL, l.subscription);
	}
	al_key k;
	al_key_dated(&k, AL_K_FLEX_TEAM_LOT, a->team, l.expires, l.id);
	if (!rc)
		rc = al_record_put_empty(t, &k);
	al_key_dated(&k, AL_K_FLEX_TEAM_LIVE, a->team, l.expires, l.id);
	if (!rc && l.remaining > 0)
		rc = al_record_put_empty(t, &k);
	if (!rc)
		rc = al_flex_lot_store(t, &l);
	tf.left += l.remaining;
	tf.bought += l.quantity;
	if (l.expires < tf.next_expiry)
		tf.next_expiry = l.expires;
	if (!rc)
		rc = al_flex_low_update(t, &tf);
	if (!rc)
		a->l = l;
	return rc;
}

int autolic_flex_lot_buy(autolic_db *db, autolic_id actor, autolic_id team,
                         const autolic_flex_lot_spec *spec, autolic_id *lot)
{
	int rc = al_flex_check_db_team(db, team);
	if (rc)
		return rc;
	if (!spec)
		return al_err(AUTOLIC_EINVAL, "spec is NULL");
	autolic_flex_lot_spec in;
	if ((rc = al_copy_in(&in, spec, AL_FLEX_LOT_SPEC)) != 0)
		return rc;
	spec = &in;
	if ((rc = al_flex_check_subscription(spec->subscription)) != 0)
		return rc;
	if (spec->quantity < 1 || spec->quantity > AUTOLIC_FLEX_LOT_QUANTITY_MAX)
		return al_err(AUTOLIC_EINVAL, "FLEX-1: a lot holds 1 to %lld tokens, not %lld",
		              (long long)AUTOLIC_FLEX_LOT_QUANTITY_MAX, (long long)spec->quantity);
	if (spec->purchased < 0)
		return al_err(AUTOLIC_EINVAL, "FLEX-1: the purchase time may not be negative");
	buy_args a;
	memset(&a, 0, sizeof a);
	a.actor = actor;
	a.team = team;
	strcpy(a.l.subscription, spec->subscription);
	a.l.quantity = a.l.remaining = spec->quantity;
	a.l.credited = INT64_MIN;
	a.l.purchased = spec->purchased;
	rc = al_run(db, 1, buy_fn, &a);
	if (!rc && lot)
		*lot = a.l.id;
	return rc;
}

static int lot_get_fn(al_txn *t, uint64_t id, void *l)
{
	return al_flex_lot_load(t, id, l);
}

int autolic_flex_lot_get(autolic_db *db, autolic_id lot, autolic_flex_lot_info *info)
{
	al_err_clear();
	if (!db || !info)
		return al_err(AUTOLIC_EINVAL, "db and info are required");
	int rc = al_struct_check(AL_FLEX_LOT_INFO, info->version);
	if (rc)
		return rc;
	al_flex_lotrec l = {0};
	autolic_time now = 0;
	if ((rc = al_record_read(db, lot, lot_get_fn, &l, &now)) != 0)
		return rc;
	autolic_flex_lot_info full = {.id = l.id,
	                              .team = l.team,
	                              .quantity = l.quantity,
	                              .purchased = l.purchased,
	                              .expires = l.expires,
	                              .expired = l.expired || l.expires <= now};
	memcpy(full.subscription, l.subscription, sizeof full.subscription);
	/* an expiry not recorded yet still forfeits (FLEX-1) */
	full.remaining = full.expired ? 0 : l.remaining;
	return al_copy_out(info, &full, AL_FLEX_LOT_INFO);
}

typedef struct {
	autolic_id team;
	size_t expired;
} expire_args;

static int expire_fn(al_txn *t, void *arg)
{
	expire_args *a = arg;
	al_flex_team tf;
	int rc = al_flex_team_load(t, a->team, &tf);
	if (!rc)
		rc = al_flex_expire_due(t, &tf, t->now, &a->expired);
	if (!rc)
		rc = al_flex_low_update(t, &tf);
	return rc;
}

int autolic_flex_expire(autolic_db *db, autolic_id team, size_t *expired)
{
	int rc = al_flex_check_db_team(db, team);
	if (rc)
		return rc;
	expire_args a = {team, 0};
	rc = al_run(db, 1, expire_fn, &a);
	if (!rc && expired)
		*expired = a.expired;
	return rc;
}

typedef struct {
	autolic_id actor, team, lot;
	int64_t delta;
} adjust_args;

static int adjust_fn(al_txn *t, void *arg)
{
	adjust_args *a = arg;
	al_flex_team tf;
	al_flex_lotrec l;
	int rc =
	    al_flex_team_admin_begin(t, a->team, a->actor, "FLEX-10", "adjust Flex tokens", &tf);
	if (!rc)
		rc = al_flex_lot_load(t, a->lot, &l);
	if (rc)
		return rc;
	if (l.team != a->team) {
		al_name team;
		if ((rc = al_name_team(t, a->team, &team)) != 0)
			return rc;
		al_err(AUTOLIC_ENOTFOUND,
		       "FLEX-10: lot %llu (subscription '%s') is not held by team %s",
		       (unsigned long long)a->lot, l.subscription, team.s);
		al_err_obj(AUTOLIC_OBJECT_LOT, a->lot, l.subscription);
		return al_err_team(a->team, &team);
	}
	if (l.expired) {
		char at[AL_TIME_TEXT_CAP];
		al_err(AUTOLIC_EEXPIRED, "FLEX-1: lot %llu (subscription '%s') expired at %s",
		       (unsigned long long)a->lot, l.subscription, al_time_text(at, l.expires));
		al_err_obj(AUTOLIC_OBJECT_LOT, a->lot, l.subscription);
		return al_err_time("expired", l.expires);
	}
	if (l.remaining + a->delta < 0 || l.remaining + a->delta > l.quantity) {
		al_err(AUTOLIC_EINVAL,
		       "FLEX-10: lot %llu (subscription '%s') would hold %lld tokens; it must stay "
		       "within 0..%lld",
		       (unsigned long long)a->lot, l.subscription,
		       (long long)(l.remaining + a->delta), (long long)l.quantity);
		al_err_obj(AUTOLIC_OBJECT_LOT, a->lot, l.subscription);
		al_err_num("would_hold", l.remaining + a->delta);
		return al_err_num("quantity", l.quantity);
	}
	int64_t before = l.remaining;
	l.remaining += a->delta;
	if (a->delta > 0 && t->now > l.credited)
		l.credited = t->now;
	rc = al_flex_ledger_add(t, a->team, AUTOLIC_FLEX_ADJUST, t->now, l.id, a->delta, a->actor,
	                        0, NULL, l.subscription);
	if (!rc)
		rc = al_flex_lot_save(t, &tf, &l, before);
	return rc ? rc : al_flex_low_update(t, &tf);
}

int autolic_flex_adjust(autolic_db *db, autolic_id actor, autolic_id team, autolic_id lot,
                        int64_t delta)
{
	int rc = al_flex_check_db_team(db, team);
	if (rc)
		return rc;
	if (!lot)
		return al_err(AUTOLIC_EINVAL, "lot id 0 is not valid");
	if (delta == 0 || delta < -AUTOLIC_FLEX_LOT_SECONDS * 1000 ||
	    delta > AUTOLIC_FLEX_LOT_SECONDS * 1000)
		return al_err(AUTOLIC_EINVAL, "FLEX-10: an adjustment must change the balance");
	adjust_args a = {actor, team, lot, delta};
	return al_run(db, 1, adjust_fn, &a);
}

typedef struct {
	autolic_id actor, from, to;
	const char *sub;
	int64_t moved;
} move_args;

static int move_fn(al_txn *t, void *arg)
{
	move_args *a = arg;
	al_flex_team from, to;
	int rc = al_flex_team_begin(t, a->from, &from);
	if (!rc)
		rc = al_flex_team_begin(t, a->to, &to);
	if (!rc)
		rc = al_team_require_admin(t, a->from, a->actor, "FLEX-9",
		                           "move Flex tokens out of the team");
	if (!rc)
		rc = al_team_require_admin(t, a->to, a->actor, "FLEX-9",
		                           "move Flex tokens into the team");
	if (rc)
		return rc;
	al_flex_lotrec *v;
	size_t n, moved_lots = 0;
	rc = al_flex_lots_of(t, a->from, 0, &v, &n);
	if (rc)
		return rc;
	a->moved = 0;
	for (size_t i = 0; !rc && i < n; i++) {
		al_flex_lotrec *l = &v[i];
		if (strcmp(l->subscription, a->sub))
			continue;
		moved_lots++;
		if (l->remaining > 0) {
			rc = al_flex_ledger_add(t, a->from, AUTOLIC_FLEX_MOVE_OUT, t->now, l->id,
			                        -l->remaining, a->actor, 0, NULL, l->subscription);
			if (!rc)
				rc = al_flex_ledger_add(t, a->to, AUTOLIC_FLEX_MOVE_IN, t->now,
				                        l->id, l->remaining, a->actor, 0, NULL,
				                        l->subscription);
		}
		al_key k;
		al_key_dated(&k, AL_K_FLEX_TEAM_LOT, a->from, l->expires, l->id);
		if (!rc)
			rc = al_txn_del(t, &k);
		al_key_dated(&k, AL_K_FLEX_TEAM_LOT, a->to, l->expires, l->id);
		if (!rc)
			rc = al_record_put_empty(t, &k);
		if (l->remaining > 0) {
			al_key_dated(&k, AL_K_FLEX_TEAM_LIVE, a->from, l->expires, l->id);
			if (!rc)
				rc = al_txn_del(t, &k);
			al_key_dated(&k, AL_K_FLEX_TEAM_LIVE, a->to, l->expires, l->id);
			if (!rc)
				rc = al_record_put_empty(t, &k);
		}
		from.left -= l->remaining;
		from.bought -= l->quantity;
		to.left += l->remaining;
		to.bought += l->quantity;
		if (l->expires < to.next_expiry)
			to.next_expiry = l->expires;
		l->team = a->to; /* purchase time and expiry are kept (FLEX-9) */
		if (t->now > l->credited)
			l->credited = t->now; /* it holds nothing in `to` before now */
		if (!rc)
			rc = al_flex_lot_store(t, l);
		a->moved += l->remaining;
	}
	al_free(t->a, v);
	al_name team;
	if (!rc && !moved_lots && (rc = al_name_team(t, a->from, &team)) == 0) {
		al_err(AUTOLIC_ENOTFOUND,
		       "FLEX-9: team %s holds no unexpired lot of token subscription '%s'", team.s,
		       a->sub);
		al_err_team(a->from, &team);
		rc = al_err_obj(AUTOLIC_OBJECT_LOT, 0, a->sub);
	}
	if (!rc)
		rc = al_flex_low_update(t, &from);
	if (!rc)
		rc = al_flex_low_update(t, &to);
	return rc;
}

int autolic_flex_move(autolic_db *db, autolic_id actor, autolic_id from, autolic_id to,
                      const char *subscription, int64_t *moved)
{
	int rc = al_flex_check_db_team(db, from);
	if (!rc)
		rc = al_flex_check_db_team(db, to);
	if (!rc)
		rc = al_flex_check_subscription(subscription);
	if (rc)
		return rc;
	if (from == to)
		return al_err(AUTOLIC_EINVAL,
		              "FLEX-9: tokens move to another team, not to team %llu itself",
		              (unsigned long long)from);
	move_args a = {actor, from, to, subscription, 0};
	rc = al_run(db, 1, move_fn, &a);
	if (!rc && moved)
		*moved = a.moved;
	return rc;
}
