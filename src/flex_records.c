/*
 * Flex tokens: argument checks and the record layer (keys, encoding,
 * load and store of products, team state, lots, ledger entries), with
 * the due expiries (FLEX-1) and the low-balance state (FLEX-12).
 */
#include "flex_internal.h"

/* ================================================================== */
/* Argument checks                                                      */
/* ================================================================== */

int al_flex_check_subscription(const char *s)
{
	return al_text_check(s, AUTOLIC_FLEX_SUBSCRIPTION_MAX, AL_TEXT_REQUIRED | AL_TEXT_NO_SPACE,
	                     "FLEX-1", "token subscription ID");
}

int al_flex_check_db_team(autolic_db *db, autolic_id team)
{
	al_err_clear();
	if (!db)
		return al_err(AUTOLIC_EINVAL, "db is NULL");
	if (!team)
		return al_err(AUTOLIC_EINVAL, "team id 0 is not valid");
	return 0;
}

/* Validate and normalise a product list (no repeats, SEAM-1). */
int al_flex_norm_list(const char *const *in, size_t n, char (*out)[AL_PRODUCT_CAP])
{
	if (n > AUTOLIC_FLEX_LIST_MAX)
		return al_err(AUTOLIC_EINVAL, "FLEX-7: at most %d products in a list, not %zu",
		              AUTOLIC_FLEX_LIST_MAX, n);
	if (n && !in)
		return al_err(AUTOLIC_EINVAL, "FLEX-7: product list is NULL");
	for (size_t i = 0; i < n; i++) {
		char field[48];
		snprintf(field, sizeof field, "product code of products[%zu]", i);
		int rc = al_product_norm(in[i], out[i], "FLEX-7", field);
		if (rc)
			return rc;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(out[i], out[j]))
				return al_err(
				    AUTOLIC_EINVAL,
				    "FLEX-7 (SEAM-1): product '%s' is listed twice: "
				    "products[%zu] '%s' and products[%zu] '%s' are one product "
				    "(codes compare case-insensitively)",
				    out[i], j, in[j], i, in[i]);
	}
	return 0;
}

/* ================================================================== */
/* Records                                                              */
/* ================================================================== */

/* ---- catalogue ---- */

static void product_key(al_key *k, const char *code)
{
	al_key_init(k, AL_K_FLEX_PRODUCT);
	al_key_str(k, code);
}

static int product_decode(const void *v, size_t len, void *rec)
{
	autolic_flex_product_info *p = rec;
	al_rd r;
	int rc = al_rec_open(&r, v, len, AL_K_FLEX_PRODUCT);
	if (rc)
		return rc;
	al_dec_str(&r, p->code, sizeof p->code);
	al_dec_str(&r, p->name, sizeof p->name);
	p->added = al_dec_i64(&r);
	p->rate = al_dec_i64(&r);
	p->rate_since = al_dec_i64(&r);
	return al_rd_done(&r);
}

int al_flex_product_load(al_txn *t, const char *code, autolic_flex_product_info *p)
{
	al_key k;
	product_key(&k, code);
	int rc = al_record_get(t, &k, product_decode, p);
	if (rc == AUTOLIC_ENOTFOUND)
		rc = al_err(AUTOLIC_ENOTFOUND, "FLEX-3: product '%s' is not in the Flex catalogue",
		            code);
	return rc;
}

static void product_encode(al_buf *b, const void *rec)
{
	const autolic_flex_product_info *p = rec;
	al_rec_begin(b, AL_K_FLEX_PRODUCT);
	al_enc_str(b, p->code);
	al_enc_str(b, p->name);
	al_enc_i64(b, p->added);
	al_enc_i64(b, p->rate);
	al_enc_i64(b, p->rate_since);
}

/* The rate history entry (FLEX-3): the rate alone. */
static void rate_encode(al_buf *b, const void *rec)
{
	const autolic_flex_product_info *p = rec;
	al_rec_begin(b, AL_K_FLEX_RATE);
	al_enc_i64(b, p->rate);
}

int al_flex_product_store(al_txn *t, const autolic_flex_product_info *p)
{
	al_key k;
	product_key(&k, p->code);
	int rc = al_record_put(t, &k, product_encode, p);
	if (!rc) {
		al_key_init(&k, AL_K_FLEX_RATE);
		al_key_str(&k, p->code);
		al_key_i64(&k, p->rate_since);
		rc = al_record_put(t, &k, rate_encode, p);
	}
	return rc;
}

typedef struct {
	int64_t rate;
	int found;
} rate_scan;

static int rate_cb(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	(void)key;
	(void)klen;
	rate_scan *rs = arg;
	al_rd r;
	int rc = al_rec_open(&r, val, vlen, AL_K_FLEX_RATE);
	if (rc)
		return rc;
	rs->rate = al_dec_i64(&r);
	rs->found = 1;
	return al_rd_done(&r);
}

static int first_cb(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	int rc = rate_cb(key, klen, val, vlen, arg);
	return rc ? rc : 1; /* stop after the first */
}

/* FLEX-3: the rate in effect at `at` (windows opened before the product's
 * first rate use that first rate). */
int al_flex_rate_at(al_txn *t, const char *code, autolic_time at, int64_t *rate)
{
	al_key s, e;
	rate_scan rs = {0, 0};
	al_key_init(&s, AL_K_FLEX_RATE);
	al_key_str(&s, code);
	e = s;
	al_key_i64(&e, at == INT64_MAX ? at : at + 1);
	int rc = al_txn_scan(t, &s, &e, rate_cb, &rs);
	if (!rc && !rs.found) {
		rc = al_txn_scan_prefix(t, &s, first_cb, &rs);
		if (rc == 1)
			rc = 0;
	}
	if (!rc && !rs.found)
		rc = al_err(AUTOLIC_ECORRUPT, "FLEX-3: product '%s' has no rate", code);
	*rate = rs.rate;
	return rc;
}

/* ---- team state ---- */

/* A team record of format 1 (libautolic 1.0.0) has no sums, and its lots
 * have no live index: both follow from the lots whose expiry is not
 * recorded. In a write call the index is written at once, so that a charge
 * in the same call reads it, and the record is written in format 2 when the
 * call stores it; a read call only derives the sums (tf->unindexed). */
static int team_upgrade(al_txn *t, al_flex_team *tf)
{
	al_flex_lotrec *v;
	size_t n;
	int rc = al_flex_lots_of(t, tf->id, 0, &v, &n);
	for (size_t i = 0; !rc && i < n; i++) {
		tf->left += v[i].remaining;
		tf->bought += v[i].quantity;
		if (v[i].expires < tf->next_expiry)
			tf->next_expiry = v[i].expires;
		if (t->write && v[i].remaining > 0) {
			al_key k;
			al_key_dated(&k, AL_K_FLEX_TEAM_LIVE, tf->id, v[i].expires, v[i].id);
			rc = al_record_put_empty(t, &k);
		}
	}
	al_free(t->a, v);
	tf->unindexed = !t->write;
	return rc;
}

int al_flex_team_load(al_txn *t, autolic_id team, al_flex_team *tf)
{
	tf->id = team;
	tf->overage_limit = tf->owed = tf->left = tf->bought = 0;
	tf->low_threshold = -1;
	tf->low = 0;
	tf->n_defaults = 0;
	tf->next_expiry = INT64_MAX;
	tf->horizon = AUTOLIC_FLEX_HORIZON_DEFAULT;
	tf->last_expired = INT64_MIN;
	tf->as_loaded.stored = 0;
	tf->unindexed = 0;
	al_key k;
	al_buf b;
	al_rd r;
	al_key_id(&k, AL_K_FLEX_TEAM, team);
	al_buf_init(&b, t->a);
	int rc = al_txn_get_rec(t, &k, AL_K_FLEX_TEAM, &b, &r, NULL);
	if (rc == AUTOLIC_ENOTFOUND) {
		/* no Flex state yet: the defaults, if the team exists (teams are
		 * never deleted, so a team with a Flex record exists) */
		rc = al_team_check(t, team);
	} else if (!rc) {
		tf->overage_limit = al_dec_i64(&r);
		tf->low_threshold = al_dec_i64(&r);
		tf->owed = al_dec_i64(&r);
		tf->low = al_dec_bool(&r, "low-balance flag");
		uint32_t n = al_dec_count(&r, AUTOLIC_FLEX_LIST_MAX, 2, "default product count");
		for (uint32_t i = 0; i < n && i < AUTOLIC_FLEX_LIST_MAX; i++)
			al_dec_str(&r, tf->defaults[i], sizeof tf->defaults[i]);
		tf->n_defaults = n <= AUTOLIC_FLEX_LIST_MAX ? n : 0;
		if (r.version >= AL_REC_V2) {
			tf->left = al_dec_i64(&r);
			tf->bought = al_dec_i64(&r);
			tf->next_expiry = al_dec_i64(&r);
		}
		if (r.version >= AL_REC_V3) {
			tf->horizon = al_dec_i64(&r);
			tf->last_expired = al_dec_i64(&r);
		}
		rc = al_rd_done(&r);
		/* a format 1 record is written again, in format 2, by the call */
		tf->as_loaded.stored = r.version >= AL_REC_V2;
		if (!rc &&
		    (tf->overage_limit < 0 || tf->overage_limit > AUTOLIC_FLEX_LOT_QUANTITY_MAX ||
		     tf->low_threshold < -1 || tf->low_threshold > AUTOLIC_FLEX_LOT_QUANTITY_MAX ||
		     tf->owed < 0 || tf->owed > AUTOLIC_FLEX_LOT_QUANTITY_MAX || tf->left < 0 ||
		     tf->bought < 0 || tf->horizon < 0 || tf->horizon > AUTOLIC_FLEX_HORIZON_MAX))
			rc = al_err(AUTOLIC_ECORRUPT,
			            "FLEX-5: team %llu Flex record is out of range",
			            (unsigned long long)team);
		if (!rc && r.version < AL_REC_V2)
			rc = team_upgrade(t, tf);
		/* before format 3 the latest recorded expiry was not kept: every
		 * recorded expiry was due when recorded and precedes every lot
		 * still unrecorded */
		if (!rc && r.version < AL_REC_V3)
			tf->last_expired =
			    tf->next_expiry - 1 < t->now ? tf->next_expiry - 1 : t->now;
	}
	al_buf_free(&b);
	tf->as_loaded.overage_limit = tf->overage_limit;
	tf->as_loaded.low_threshold = tf->low_threshold;
	tf->as_loaded.owed = tf->owed;
	tf->as_loaded.left = tf->left;
	tf->as_loaded.bought = tf->bought;
	tf->as_loaded.next_expiry = tf->next_expiry;
	tf->as_loaded.horizon = tf->horizon;
	tf->as_loaded.last_expired = tf->last_expired;
	tf->as_loaded.low = tf->low;
	tf->as_loaded.n_defaults = tf->n_defaults;
	return rc;
}

static void team_encode(al_buf *b, const void *rec)
{
	const al_flex_team *tf = rec;
	al_rec_begin_v(b, AL_K_FLEX_TEAM, AL_REC_V3);
	al_enc_i64(b, tf->overage_limit);
	al_enc_i64(b, tf->low_threshold);
	al_enc_i64(b, tf->owed);
	al_enc_u8(b, (uint8_t)tf->low);
	al_enc_u32(b, (uint32_t)tf->n_defaults);
	for (size_t i = 0; i < tf->n_defaults; i++)
		al_enc_str(b, tf->defaults[i]);
	al_enc_i64(b, tf->left);
	al_enc_i64(b, tf->bought);
	al_enc_i64(b, tf->next_expiry);
	al_enc_i64(b, tf->horizon);
	al_enc_i64(b, tf->last_expired);
}

int al_flex_team_store(al_txn *t, const al_flex_team *tf)
{
	al_key k;
	al_key_id(&k, AL_K_FLEX_TEAM, tf->id);
	return al_record_put(t, &k, team_encode, tf);
}

/* ---- lots ---- */

static int lot_decode(const void *v, size_t len, void *rec)
{
	al_flex_lotrec *l = rec;
	al_rd r;
	int rc = al_rec_open(&r, v, len, AL_K_FLEX_LOT);
	if (rc)
		return rc;
	l->id = al_dec_u64(&r);
	l->team = al_dec_u64(&r);
	al_dec_str(&r, l->subscription, sizeof l->subscription);
	l->quantity = al_dec_i64(&r);
	l->remaining = al_dec_i64(&r);
	l->purchased = al_dec_i64(&r);
	l->expires = al_dec_i64(&r);
	l->expired = al_dec_bool(&r, "expired flag");
	l->forfeited = r.version >= AL_REC_V3 ? al_dec_i64(&r) : 0;
	l->forfeit_known = r.version >= AL_REC_V3;
	l->credited = r.version >= AL_REC_V3 ? al_dec_i64(&r) : INT64_MIN;
	l->cap = 0;
	return al_rd_done(&r);
}

int al_flex_lot_load(al_txn *t, autolic_id id, al_flex_lotrec *l)
{
	al_key k;
	al_key_id(&k, AL_K_FLEX_LOT, id);
	int rc = al_record_get(t, &k, lot_decode, l);
	if (rc == AUTOLIC_ENOTFOUND)
		rc = al_err(AUTOLIC_ENOTFOUND, "FLEX-1: lot %llu does not exist",
		            (unsigned long long)id);
	if (!rc &&
	    (l->quantity < 1 || l->quantity > AUTOLIC_FLEX_LOT_QUANTITY_MAX || l->remaining < 0 ||
	     l->remaining > 2 * AUTOLIC_FLEX_LOT_QUANTITY_MAX || l->forfeited < 0))
		rc =
		    al_err(AUTOLIC_ECORRUPT, "FLEX-1: lot %llu record holds %lld of %lld tokens",
		           (unsigned long long)id, (long long)l->remaining, (long long)l->quantity);
	return rc;
}

static void lot_encode(al_buf *b, const void *rec)
{
	const al_flex_lotrec *l = rec;
	/* format 3 only for a lot that forfeited something or was credited
	 * after its purchase (SEAM-4) */
	int v3 = l->expired || l->forfeited || l->credited != INT64_MIN;
	al_rec_begin_v(b, AL_K_FLEX_LOT, v3 ? AL_REC_V3 : AL_REC_V1);
	al_enc_u64(b, l->id);
	al_enc_u64(b, l->team);
	al_enc_str(b, l->subscription);
	al_enc_i64(b, l->quantity);
	al_enc_i64(b, l->remaining);
	al_enc_i64(b, l->purchased);
	al_enc_i64(b, l->expires);
	al_enc_u8(b, (uint8_t)l->expired);
	if (v3) {
		al_enc_i64(b, l->forfeited);
		al_enc_i64(b, l->credited);
	}
}

int al_flex_lot_store(al_txn *t, const al_flex_lotrec *l)
{
	al_key k;
	al_key_id(&k, AL_K_FLEX_LOT, l->id);
	return al_record_put(t, &k, lot_encode, l);
}

/* Store a lot whose remaining tokens changed from `before`, its team and
 * expiry state unchanged: the team's sums and the live index follow. The lot
 * is tf's team's or, for a refund to a lot that moved away meanwhile
 * (FLEX-9), another team's, whose record is updated here. */
int al_flex_lot_save(al_txn *t, al_flex_team *tf, const al_flex_lotrec *l, int64_t before)
{
	int counted = !l->expired && l->remaining != before; /* an expired lot is in neither
	                                                        the sums nor the live index */
	al_flex_team other, *owner = tf;
	int rc = 0;
	if (counted && l->team != tf->id) {
		/* loaded before the lot is stored: a format 1 record derives its sums
		 * from the lots as they were */
		rc = al_flex_team_load(t, l->team, &other);
		owner = &other;
	}
	if (!rc)
		rc = al_flex_lot_store(t, l);
	if (rc || !counted)
		return rc;
	owner->left += l->remaining - before;
	if (owner == &other)
		rc = al_flex_team_store(t, &other);
	if (!rc && (before > 0) != (l->remaining > 0)) {
		al_key k;
		al_key_dated(&k, AL_K_FLEX_TEAM_LIVE, l->team, l->expires, l->id);
		rc = l->remaining > 0 ? al_record_put_empty(t, &k) : al_txn_del(t, &k);
	}
	return rc;
}

/* Load the team's lots whose expiry is not recorded yet (old = 0) or whose
 * expiry is recorded (old = 1), as an allocated array. */
int al_flex_lots_of(al_txn *t, autolic_id team, int old, al_flex_lotrec **out, size_t *n)
{
	al_idlist ids;
	al_idlist_init(&ids, t->a, AL_IDLIST_LAST);
	al_key k;
	al_key_id(&k, old ? AL_K_FLEX_TEAM_OLD : AL_K_FLEX_TEAM_LOT, team);
	*out = NULL;
	*n = 0;
	int rc = al_idlist_scan(t, &k, &ids);
	if (!rc && ids.n) {
		*out = al_calloc(t->a, ids.n, sizeof(**out));
		if (!*out)
			rc = al_err(AUTOLIC_ENOMEM, "out of memory loading lots");
	}
	for (size_t i = 0; !rc && i < ids.n; i++)
		rc = al_flex_lot_load(t, ids.v[i], &(*out)[i]);
	if (rc) {
		al_free(t->a, *out);
		*out = NULL;
	} else {
		*n = ids.n;
	}
	al_idlist_free(&ids);
	return rc;
}

/* ---- ledger ---- */

int al_flex_ledger_add(al_txn *t, autolic_id team, int type, autolic_time when, autolic_id lot,
                       int64_t amount, autolic_id account, autolic_id window, const char *product,
                       const char *subscription)
{
	autolic_id seq;
	int rc = al_txn_seq_next_in(t, "flex.ledger", team, NULL, &seq); /* the team's order */
	if (rc)
		return rc;
	al_key k;
	al_buf b;
	al_buf_init(&b, t->a);
	al_rec_begin(&b, AL_K_FLEX_LEDGER);
	al_enc_u8(&b, (uint8_t)type);
	al_enc_i64(&b, when);
	al_enc_i64(&b, t->now);
	al_enc_u64(&b, lot);
	al_enc_i64(&b, amount);
	al_enc_u64(&b, account);
	al_enc_u64(&b, window);
	al_enc_str(&b, product ? product : "");
	al_enc_str(&b, subscription ? subscription : "");
	al_key_pair(&k, AL_K_FLEX_LEDGER, team, seq);
	rc = al_txn_put(t, &k, &b);
	if (!rc && lot) {
		/* SEAM-4: the lot's entries by team and time, for lot_cap() */
		al_buf_reset(&b);
		al_rec_begin(&b, AL_K_FLEX_LOT);
		al_enc_i64(&b, amount);
		al_flex_lot_entry_key(&k, lot, team, when, seq);
		rc = al_txn_put(t, &k, &b);
	}
	al_buf_free(&b);
	return rc;
}

void al_flex_lot_entry_key(al_key *k, autolic_id lot, autolic_id team, autolic_time when,
                           uint64_t seq)
{
	al_key_pair(k, AL_K_FLEX_LOT, lot, team);
	al_key_i64(k, when);
	al_key_u64(k, seq);
}

int al_flex_entry_decode(const void *key, size_t klen, const void *val, size_t vlen,
                         autolic_flex_entry *e)
{
	al_rd r;
	int rc = al_rec_open(&r, val, vlen, AL_K_FLEX_LEDGER);
	if (rc)
		return rc;
	e->team = al_key_get_u64(key, 1);
	e->seq = al_key_get_u64(key, klen - 8);
	e->type = al_dec_enum(&r, AUTOLIC_FLEX_PURCHASE, AUTOLIC_FLEX_ADJUST, "entry type");
	e->time = al_dec_i64(&r);
	e->recorded = al_dec_i64(&r);
	e->lot = al_dec_u64(&r);
	e->amount = al_dec_i64(&r);
	e->account = al_dec_u64(&r);
	e->window = al_dec_u64(&r);
	al_dec_str(&r, e->product, sizeof e->product);
	al_dec_str(&r, e->subscription, sizeof e->subscription);
	return al_rd_done(&r);
}

/* ---- FLEX-1: expiry ---- */

/* The lots of the expiry index due at `now`, and the first expiry after it. */
typedef struct {
	al_idlist ids;
	autolic_time now, next;
} due_scan;

static int due_cb(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	due_scan *d = arg;
	autolic_time expires = al_key_get_i64(key, 9);
	if (expires > d->now) {
		d->next = expires;
		return 1;
	}
	return al_idlist_collect(key, klen, val, vlen, &d->ids);
}

int al_flex_expire_due(al_txn *t, al_flex_team *tf, autolic_time upto, size_t *count)
{
	if (count)
		*count = 0;
	if (upto > t->now)
		upto = t->now; /* nothing after now is due */
	if (upto < tf->next_expiry)
		return 0; /* no lot of the team expires before next_expiry */
	autolic_id team = tf->id;
	due_scan d = {.now = upto, .next = INT64_MAX};
	al_idlist_init(&d.ids, t->a, AL_IDLIST_LAST);
	al_key s, k;
	al_key_id(&s, AL_K_FLEX_TEAM_LOT, team);
	int rc = al_txn_scan_prefix(t, &s, due_cb, &d);
	if (rc == 1)
		rc = 0;
	al_idlist ids = d.ids;
	if (!rc)
		tf->next_expiry = d.next;
	for (size_t i = 0; !rc && i < ids.n; i++) {
		al_flex_lotrec l;
		rc = al_flex_lot_load(t, ids.v[i], &l);
		if (rc)
			break;
		tf->left -= l.remaining;
		tf->bought -= l.quantity;
		if (l.expires > tf->last_expired)
			tf->last_expired = l.expires;
		if (l.remaining > 0) {
			al_key_dated(&k, AL_K_FLEX_TEAM_LIVE, team, l.expires, l.id);
			rc = al_txn_del(t, &k);
		}
		if (!rc && l.remaining > 0) {
			/* dated at the expiry instant, whenever it is noticed */
			rc = al_flex_ledger_add(t, team, AUTOLIC_FLEX_EXPIRE, l.expires, l.id,
			                        -l.remaining, 0, 0, NULL, l.subscription);
			if (!rc)
				rc = al_txn_event(
				    t, AUTOLIC_EVENT_FLEX_LOT_EXPIRED, 0, team, l.id, NULL,
				    "FLEX-1",
				    "%lld tokens of lot %llu (subscription %s) expired and were "
				    "forfeited",
				    (long long)l.remaining, (unsigned long long)l.id,
				    l.subscription);
			if (count && !rc)
				(*count)++;
		}
		l.forfeited += l.remaining;
		l.remaining = 0;
		l.expired = 1;
		if (!rc)
			rc = al_flex_lot_store(t, &l);
		al_key_dated(&k, AL_K_FLEX_TEAM_LOT, team, l.expires, l.id);
		if (!rc)
			rc = al_txn_del(t, &k);
		al_key_pair(&k, AL_K_FLEX_TEAM_OLD, team, l.id);
		if (!rc)
			rc = al_record_put_empty(t, &k);
	}
	al_idlist_free(&ids);
	return rc;
}

autolic_time al_flex_final_upto(const al_txn *t, const al_flex_team *tf)
{
	/* now - horizon - 1, saturating (IN-3) */
	return al_time_add_sat(al_time_add_sat(t->now, -tf->horizon), -1);
}

/* SEAM-4: a report dated before the team's late-report horizon changes
 * nothing (report_fn has checked `at` is positive and not after now). */
int al_flex_horizon_check(al_txn *t, const al_flex_team *tf, autolic_time at)
{
	if (t->now - at <= tf->horizon)
		return 0;
	al_name team;
	char when[AL_TIME_TEXT_CAP], now[AL_TIME_TEXT_CAP];
	int rc = al_name_team(t, tf->id, &team);
	if (rc)
		return rc;
	al_err(AUTOLIC_ESTATE,
	       "SEAM-4: the report at %s is older than the late-report horizon of team %s, %lld s "
	       "before the clock's %s; it is refused",
	       al_time_text(when, at), team.s, (long long)tf->horizon, al_time_text(now, t->now));
	al_err_team(tf->id, &team);
	al_err_time("at", at);
	al_err_seconds("horizon", tf->horizon);
	return al_err_time("now", t->now);
}

/* ---- FLEX-12: low balance ---- */

/* Balance and unexpired quantity of the team's lots now. */
int al_flex_position(al_txn *t, const al_flex_team *tf, int64_t *lots_left, int64_t *unexpired)
{
	if (t->now < tf->next_expiry) {
		/* no lot of the team has expired: the record's sums are exact */
		*lots_left = tf->left;
		*unexpired = tf->bought;
		return 0;
	}
	al_flex_lotrec *v;
	size_t n;
	int rc = al_flex_lots_of(t, tf->id, 0, &v, &n);
	if (rc)
		return rc;
	*lots_left = *unexpired = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i].expires <= t->now)
			continue; /* not recorded yet, but expired (read calls) */
		*lots_left += v[i].remaining;
		*unexpired += v[i].quantity;
	}
	al_free(t->a, v);
	return 0;
}

int64_t al_flex_threshold(const al_flex_team *tf, int64_t unexpired)
{
	/* unexpired * P / 100 without overflowing for large sums (exact for unexpired >= 0) */
	return tf->low_threshold >= 0
	           ? tf->low_threshold
	           : unexpired / 100 * AUTOLIC_FLEX_LOW_DEFAULT_PERCENT +
	                 unexpired % 100 * AUTOLIC_FLEX_LOW_DEFAULT_PERCENT / 100;
}

int al_flex_below(const al_flex_team *tf, int64_t balance, int64_t unexpired)
{
	if (tf->low_threshold >= 0)
		return balance < tf->low_threshold;
	/* balance < unexpired * P / 100 (exact), without overflowing for large values */
	int64_t t = al_flex_threshold(tf, unexpired);
	return balance < t ||
	       (balance == t && unexpired % 100 * AUTOLIC_FLEX_LOW_DEFAULT_PERCENT % 100 != 0);
}

/* FLEX-12: one notice per administrator (primary and secondary) of the team,
 * ascending by account id. */
static int low_notify(al_txn *t, const al_flex_team *tf, int64_t balance, int64_t threshold)
{
	al_idlist l;
	al_idlist_init(&l, t->a, 1);
	int rc = al_team_list_members(t, tf->id, &l);
	for (size_t i = 0; !rc && i < l.n; i++) {
		int role;
		rc = al_team_role(t, tf->id, l.v[i], &role);
		if (rc || (role != AL_ROLE_PRIMARY && role != AL_ROLE_SECONDARY))
			continue;
		rc = al_txn_event(
		    t, AUTOLIC_EVENT_FLEX_LOW_BALANCE, l.v[i], tf->id, 0, NULL, "FLEX-12",
		    "the Flex balance of team %llu fell to %lld tokens, below its "
		    "threshold of %lld",
		    (unsigned long long)tf->id, (long long)balance, (long long)threshold);
	}
	al_idlist_free(&l);
	return rc;
}

/* Re-evaluate the low-balance state; notify once per crossing (delivered
 * after commit) and store the team record. */
int al_flex_low_update(al_txn *t, al_flex_team *tf)
{
	/* every write call records the due expiries first, so the team's sums
	 * are exactly its unexpired lots now */
	int rc = 0;
	int64_t unexpired = tf->bought;
	int64_t balance = tf->left - tf->owed;
	int below = al_flex_below(tf, balance, unexpired);
	if (below && !tf->low)
		rc = low_notify(t, tf, balance, al_flex_threshold(tf, unexpired));
	tf->low = below;
	if (rc ||
	    (tf->as_loaded.stored && tf->as_loaded.overage_limit == tf->overage_limit &&
	     tf->as_loaded.low_threshold == tf->low_threshold && tf->as_loaded.owed == tf->owed &&
	     tf->as_loaded.left == tf->left && tf->as_loaded.bought == tf->bought &&
	     tf->as_loaded.next_expiry == tf->next_expiry && tf->as_loaded.low == tf->low &&
	     tf->as_loaded.horizon == tf->horizon &&
	     tf->as_loaded.last_expired == tf->last_expired &&
	     tf->as_loaded.n_defaults == tf->n_defaults))
		return rc; /* nothing to write back */
	return al_flex_team_store(t, tf);
}

/* Load the team, record due expiries: the start of every call that changes
 * a team's tokens. */
int al_flex_team_begin(al_txn *t, autolic_id team, al_flex_team *tf)
{
	int rc = al_flex_team_load(t, team, tf);
	return rc ? rc : al_flex_expire_due(t, tf, t->now, NULL);
}

static int team_admin(al_txn *t, autolic_id team, autolic_id actor, const char *rule,
                      const char *what, int begin, al_flex_team *tf)
{
	int rc = begin ? al_flex_team_begin(t, team, tf) : al_flex_team_load(t, team, tf);
	return rc ? rc : al_team_require_admin(t, team, actor, rule, what);
}

int al_flex_team_admin_load(al_txn *t, autolic_id team, autolic_id actor, const char *rule,
                            const char *what, al_flex_team *tf)
{
	return team_admin(t, team, actor, rule, what, 0, tf);
}

int al_flex_team_admin_begin(al_txn *t, autolic_id team, autolic_id actor, const char *rule,
                             const char *what, al_flex_team *tf)
{
	return team_admin(t, team, actor, rule, what, 1, tf);
}
