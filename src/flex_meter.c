/*
 * Flex tokens: metering -- sessions, reports, windows, charges and
 * refunds (FLEX-2..FLEX-5). The model is explained in docs/metering.md.
 * Reads and the invariant check: src/flex_report.c.
 */
#include "flex_internal.h"

/* ================================================================== */
/* Windows and sessions                                                 */
/* ================================================================== */

typedef struct {
	autolic_id id, team, account;
	char product[AL_PRODUCT_CAP];
	int state;
	autolic_time last, launch, own_start;
	/* the session's current window: the one its use is in, or was last in
	 * while idle (FLEX-3); kept from record format 3 on, else derived */
	autolic_time cur_start;
	int cur_known;
} sess_rec;

typedef struct {
	autolic_id id, team, opener;
	autolic_time start, end, opener_launch;
	int64_t rate, tokens;
	int reason;
	size_t n;
	al_flex_draw *draws; /* allocated */
} win_rec;

static void win_free(al_txn *t, win_rec *w)
{
	al_free(t->a, w->draws);
	w->draws = NULL;
	w->n = 0;
}

static void window_key(al_key *k, autolic_id account, const char *product, autolic_time start)
{
	al_key_id(k, AL_K_FLEX_WINDOW, account);
	al_key_str(k, product);
	al_key_i64(k, start);
}

static void enc_draws(al_buf *b, const al_flex_draw *d, size_t n)
{
	al_enc_u32(b, (uint32_t)n);
	for (size_t i = 0; i < n; i++) {
		al_enc_u64(b, d[i].lot);
		al_enc_i64(b, d[i].amount);
	}
}

int al_flex_dec_draws(al_rd *r, const al_alloc *a, al_flex_draw **out, size_t *n)
{
	uint32_t c = al_dec_count(r, UINT32_MAX, 16, "lot count");
	*out = NULL;
	*n = 0;
	if (r->bad)
		return al_rd_done(r);
	if (c) {
		*out = al_calloc(a, c, sizeof(**out));
		if (!*out)
			return al_err(AUTOLIC_ENOMEM, "out of memory reading lots");
	}
	for (uint32_t i = 0; i < c; i++) {
		(*out)[i].lot = al_dec_u64(r);
		(*out)[i].amount = al_dec_i64(r);
	}
	*n = c;
	return 0;
}

/* Decode a window; its list of lots charged only when `draws` (a refund
 * needs it; finding the current window does not). */
static int win_decode(al_txn *t, const void *val, size_t vlen, win_rec *w, int draws)
{
	al_rd r;
	int rc = al_rec_open(&r, val, vlen, AL_K_FLEX_WINDOW);
	if (rc)
		return rc;
	w->id = al_dec_u64(&r);
	w->team = al_dec_u64(&r);
	w->start = al_dec_i64(&r);
	w->end = al_dec_i64(&r);
	w->opener = al_dec_u64(&r);
	w->opener_launch = al_dec_i64(&r);
	w->rate = al_dec_i64(&r);
	w->tokens = al_dec_i64(&r);
	w->reason =
	    al_dec_enum(&r, AUTOLIC_FLEX_REASON_NONE, AUTOLIC_FLEX_REASON_REFUNDED, "reason");
	if (draws) {
		rc = al_flex_dec_draws(&r, t->a, &w->draws, &w->n);
	} else {
		uint32_t c = al_dec_count(&r, UINT32_MAX, 16, "lot count");
		if (r.bad)
			rc = al_rd_done(&r);
		else
			al_rd_take(&r, (size_t)c * 16);
		w->draws = NULL;
		w->n = 0;
	}
	if (!rc && (rc = al_rd_done(&r)) != 0)
		win_free(t, w);
	return rc;
}

static void win_encode(al_buf *b, const void *rec)
{
	const win_rec *w = rec;
	al_rec_begin(b, AL_K_FLEX_WINDOW);
	al_enc_u64(b, w->id);
	al_enc_u64(b, w->team);
	al_enc_i64(b, w->start);
	al_enc_i64(b, w->end);
	al_enc_u64(b, w->opener);
	al_enc_i64(b, w->opener_launch);
	al_enc_i64(b, w->rate);
	al_enc_i64(b, w->tokens);
	al_enc_u8(b, (uint8_t)w->reason);
	enc_draws(b, w->draws, w->n);
}

static int win_store(al_txn *t, autolic_id account, const char *product, const win_rec *w)
{
	al_key k;
	window_key(&k, account, product, w->start);
	return al_record_put(t, &k, win_encode, w);
}

static int usage_store(al_txn *t, autolic_id account, const char *product, const win_rec *w)
{
	al_key k;
	al_buf b;
	al_buf_init(&b, t->a);
	al_rec_begin(&b, AL_K_FLEX_USAGE);
	al_enc_u64(&b, account);
	al_enc_str(&b, product);
	al_enc_i64(&b, w->end);
	al_enc_i64(&b, w->tokens);
	al_enc_u8(&b, (uint8_t)w->reason);
	enc_draws(&b, w->reason == AUTOLIC_FLEX_REASON_REFUNDED ? NULL : w->draws,
	          w->reason == AUTOLIC_FLEX_REASON_REFUNDED ? 0 : w->n);
	al_key_dated(&k, AL_K_FLEX_USAGE, w->team, w->start, w->id);
	int rc = al_txn_put(t, &k, &b);
	al_buf_free(&b);
	return rc;
}

/* One scan over the windows of (account, product) starting at or after
 * `from`: the last one starting at or before `upto`, the one starting exactly
 * at `own` (when `own_w` is given), and whether one starts after `upto`.
 * Own's lots are read when session `refund_by` opened it within the refund
 * time of `refund_at` (FLEX-4 may give them back). */
typedef struct {
	al_txn *t;
	autolic_time upto, own, refund_at;
	autolic_id refund_by;
	win_rec *last, *own_w;
	int found, own_found, later;
	autolic_time later_start; /* the first window starting after `upto` */
} win_scan;

static int win_cb(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	win_scan *ws = arg;
	autolic_time start = al_key_get_i64(key, klen - 8);
	if (start > ws->upto) {
		ws->later = 1;
		ws->later_start = start;
		return 1;
	}
	if (ws->found) {
		win_free(ws->t, ws->last);
		ws->found = 0;
	}
	int rc = win_decode(ws->t, val, vlen, ws->last, 0);
	if (rc)
		return rc;
	ws->found = 1;
	if (ws->own_w && start == ws->own && !ws->own_found) {
		int refundable =
		    ws->last->opener == ws->refund_by &&
		    ws->refund_at - ws->last->opener_launch <= AUTOLIC_FLEX_REFUND_SECONDS;
		if ((rc = win_decode(ws->t, val, vlen, ws->own_w, refundable)) != 0)
			return rc;
		ws->own_found = 1;
	}
	return 0;
}

/* What win_find() looks for: the windows of (account, product) starting in
 * [from, upto]; with own_w, also the one starting exactly at `own`, its lots
 * read when session `refund_by` opened it within the refund time of
 * `refund_at`. */
typedef struct {
	autolic_id account;
	const char *product;
	autolic_time from, upto;
	win_rec *own_w;
	autolic_time own;
	autolic_id refund_by;
	autolic_time refund_at;
} win_query;

/* What it found: the last window (in *last), the own window (in *q->own_w),
 * and the start of the first window after `upto` (INT64_MAX: none). */
typedef struct {
	int found, own_found, later;
	autolic_time later_start;
} win_found;

static int win_find(al_txn *t, const win_query *q, win_rec *last, win_found *f)
{
	al_key s, e;
	window_key(&s, q->account, q->product, q->from);
	window_key(&e, q->account, q->product, INT64_MAX);
	win_scan ws = {t, q->upto, q->own, q->refund_at, q->refund_by, last, q->own_w, 0, 0, 0, 0};
	memset(last, 0, sizeof(*last));
	if (q->own_w)
		memset(q->own_w, 0, sizeof(*q->own_w));
	int rc = al_txn_scan(t, &s, &e, win_cb, &ws);
	if (rc == 1)
		rc = 0;
	if (rc) {
		if (ws.found)
			win_free(t, last);
		if (ws.own_found)
			win_free(t, q->own_w);
		ws.found = ws.own_found = ws.later = 0;
	}
	f->found = ws.found;
	f->later = ws.later;
	f->later_start = ws.later ? ws.later_start : INT64_MAX;
	f->own_found = ws.own_found;
	return rc;
}

static void win_to_pure(const win_rec *w, int found, al_flex_win *p)
{
	memset(p, 0, sizeof(*p));
	if (!found)
		return;
	p->exists = 1;
	p->start = w->start;
	p->end = w->end;
	p->opener = w->opener;
	p->opener_launch = w->opener_launch;
}

static void open_key(al_key *k, autolic_id account, const char *product, autolic_id session)
{
	al_key_id(k, AL_K_FLEX_OPEN, account);
	al_key_str(k, product);
	if (session)
		al_key_u64(k, session);
}

static int sess_decode(const void *v, size_t len, void *rec)
{
	sess_rec *s = rec;
	al_rd r;
	int rc = al_rec_open(&r, v, len, AL_K_FLEX_SESSION);
	if (rc)
		return rc;
	s->id = al_dec_u64(&r);
	s->team = al_dec_u64(&r);
	s->account = al_dec_u64(&r);
	al_dec_str(&r, s->product, sizeof s->product);
	s->state = al_dec_enum(&r, AL_FS_NONE, AL_FS_ENDED, "state");
	s->last = al_dec_i64(&r);
	s->launch = al_dec_i64(&r);
	s->own_start = al_dec_i64(&r);
	s->cur_known = r.version >= AL_REC_V3;
	s->cur_start = s->cur_known ? al_dec_i64(&r) : s->own_start;
	return al_rd_done(&r);
}

static int sess_load(al_txn *t, autolic_id id, sess_rec *s)
{
	al_key k;
	al_key_id(&k, AL_K_FLEX_SESSION, id);
	int rc = al_record_get(t, &k, sess_decode, s);
	if (rc == AUTOLIC_ENOTFOUND)
		rc = al_err(AUTOLIC_ENOTFOUND, "FLEX-3: session %llu is unknown",
		            (unsigned long long)id);
	return rc;
}

static void sess_encode(al_buf *b, const void *rec)
{
	const sess_rec *s = rec;
	al_rec_begin_v(b, AL_K_FLEX_SESSION, AL_REC_V3);
	al_enc_u64(b, s->id);
	al_enc_u64(b, s->team);
	al_enc_u64(b, s->account);
	al_enc_str(b, s->product);
	al_enc_u8(b, (uint8_t)s->state);
	al_enc_i64(b, s->last);
	al_enc_i64(b, s->launch);
	al_enc_i64(b, s->own_start);
	al_enc_i64(b, s->cur_start);
}

static int sess_store(al_txn *t, const sess_rec *s)
{
	al_key k;
	al_key_id(&k, AL_K_FLEX_SESSION, s->id);
	return al_record_put(t, &k, sess_encode, s);
}

/* ---- charging and refunding (FLEX-2, FLEX-4, FLEX-5) ---- */

static al_flex_lotrec *find_lot(al_flex_lotrec *v, size_t n, autolic_id id)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].id == id)
			return &v[i];
	return NULL;
}

/* One lot's entries in one team dated after an instant, from the lot's
 * entry index (time order), for lot_cap(). */
typedef struct {
	AL_ARRAY(al_flex_draw); /* (time, amount) */
	int64_t sum;
} cap_scan;

static int cap_cb(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	cap_scan *c = arg;
	al_rd r;
	int rc = al_rec_open(&r, val, vlen, AL_K_FLEX_LOT);
	if (rc)
		return rc;
	int64_t amount = al_dec_i64(&r);
	if ((rc = al_rd_done(&r)) != 0)
		return rc;
	if (klen != 33)
		return al_err(AUTOLIC_ECORRUPT, "FLEX-10: malformed lot entry key");
	al_flex_draw *d = al_array_add(c);
	if (!d)
		return AUTOLIC_ENOMEM;
	d->lot = (autolic_id)al_key_get_i64(key, 17); /* the instant */
	d->amount = amount;
	c->sum += amount;
	return 0;
}

/* SEAM-4, FLEX-5: what lot `l` (held by `team`) may pay for a window opened
 * at `at`: the least it holds in the team at any instant from `at` on, up to
 * its expiry once that is due (the expiry takes what is left), so that no
 * balance goes below zero at any instant. A lot bought after `at`, expiring
 * by then, or that came into the team after it (it held nothing there
 * before), pays nothing. Only a lot credited after `at` (a refund, an upward
 * adjustment, a move in) has its entries dated after `at` read: otherwise
 * what it holds only fell since. */
static int lot_cap(al_txn *t, al_flex_lotrec *l, autolic_id team, autolic_time at)
{
	l->cap = 0;
	if (l->team != team || at < l->purchased || at >= l->expires)
		return 0;
	if (l->credited <= at) {
		l->cap = l->expired ? l->forfeited : l->remaining;
		return 0;
	}
	cap_scan c = {.sum = 0};
	al_array_init(&c, t->a);
	al_key from, pre, end;
	al_flex_lot_entry_key(&from, l->id, team, at < INT64_MAX ? at + 1 : at, 0);
	al_key_pair(&pre, AL_K_FLEX_LOT, l->id, team);
	int rc = al_key_prefix_end(&pre, &end);
	if (!rc)
		rc = al_txn_scan(t, &from, &end, cap_cb, &c);
	if (!rc) {
		/* what it holds at an instant: all its entries (0 once its expiry is
		 * recorded), less those dated after that instant */
		autolic_time upto = l->expires <= t->now ? l->expires : INT64_MAX;
		int64_t total = l->expired ? 0 : l->remaining;
		int64_t after = c.sum, low = total - after;
		for (size_t i = 0; i < c.n && (autolic_time)c.v[i].lot < upto; i++) {
			after -= c.v[i].amount;
			if ((i + 1 == c.n || c.v[i + 1].lot != c.v[i].lot) && total - after < low)
				low = total - after;
		}
		l->cap = low > 0 ? low : 0;
	}
	al_free(t->a, c.v);
	return rc;
}

/* The team's lots that hold tokens, in key order (expiry, then id), a few
 * keys per scan: a charge usually needs only the first one or two. */
#define LIVE_BATCH 4

typedef struct {
	autolic_id id[LIVE_BATCH];
	autolic_time expires[LIVE_BATCH];
	size_t n;
	al_key last;
} live_batch;

static int live_cb(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	(void)val;
	(void)vlen;
	live_batch *lb = arg;
	if (klen != 25)
		return al_err(AUTOLIC_ECORRUPT, "FLEX-2: malformed live lot key");
	lb->id[lb->n] = al_key_get_u64(key, 17);
	lb->expires[lb->n] = al_key_get_i64(key, 9);
	if (++lb->n < LIVE_BATCH)
		return 0;
	memcpy(lb->last.b, key, klen); /* the next batch starts after it */
	lb->last.len = klen;
	lb->last.overflow = 0;
	return 1;
}

/* Load, in expiry order, the live lots a charge of `amount` at `at` may
 * draw from: all of them when they do not cover it, else those up to the
 * expiry at which they do, that expiry complete (FLEX-2 orders lots of one
 * expiry by remaining, then id, so every lot of it is a candidate). The
 * allocation over them equals the allocation over all the team's lots.
 * `*usable` is what they hold usable at `at`; `*later` what lots bought
 * after `at` hold (for the refusal's message). */
static int live_lots(al_txn *t, autolic_id team, autolic_time at, int64_t amount,
                     al_flex_lotrec **out, size_t *n, int64_t *usable, int64_t *later)
{
	al_key from, end;
	al_key_id(&from, AL_K_FLEX_TEAM_LIVE, team);
	al_key_prefix_end(&from, &end);
	al_flex_lotrec *v = NULL;
	size_t cap = 0;
	int covered = 0, more = 1, rc = 0;
	autolic_time cover_exp = 0;
	*n = 0;
	*usable = *later = 0;
	while (!rc && more) {
		live_batch lb;
		lb.n = 0;
		rc = al_txn_scan(t, &from, &end, live_cb, &lb);
		if (rc == 1)
			rc = 0;
		more = lb.n == LIVE_BATCH;
		for (size_t i = 0; !rc && i < lb.n; i++) {
			if (covered && lb.expires[i] != cover_exp) {
				more = 0;
				break;
			}
			if ((rc = al_array_grow(t->a, &v, &cap, *n + 1, sizeof(*v))) != 0)
				break;
			al_flex_lotrec *l = &v[*n];
			rc = al_flex_lot_load(t, lb.id[i], l);
			if (!rc && (l->team != team || l->expires != lb.expires[i] || l->expired ||
			            l->remaining == 0))
				rc = al_err(AUTOLIC_ECORRUPT,
				            "FLEX-2: lot %llu is listed as holding tokens for team "
				            "%llu but does not",
				            (unsigned long long)l->id, (unsigned long long)team);
			if (rc)
				break;
			if ((rc = lot_cap(t, l, team, at)) != 0)
				break;
			(*n)++;
			*usable += l->cap;
			if (l->purchased > at)
				*later += l->remaining;
			if (!covered && *usable >= amount) {
				covered = 1;
				cover_exp = l->expires;
			}
		}
		if (more) {
			/* go on after the last key read: that key with a 0 byte appended
			 * is the next possible one */
			from = lb.last;
			from.b[from.len++] = 0;
		}
	}
	if (rc) {
		al_free(t->a, v);
		v = NULL;
		*n = 0;
	}
	*out = v;
	return rc;
}

/* SEAM-4: the team's lots whose recorded expiry may still give back what it
 * forfeited to pay for use at `at`: the expiry is after `at` and not final
 * (within the horizon), the lot was bought at or before `at`. Allocated;
 * `*usable` is what they forfeited. */
static int reclaim_lots(al_txn *t, const al_flex_team *tf, autolic_time at, al_flex_lotrec **out,
                        size_t *n, int64_t *usable)
{
	*out = NULL;
	*n = 0;
	*usable = 0;
	autolic_time final = al_flex_final_upto(t, tf);
	if (at >= tf->last_expired || tf->last_expired <= final)
		return 0; /* no recorded expiry after `at` is still open */
	al_flex_lotrec *v;
	size_t nv, k = 0;
	int rc = al_flex_lots_of(t, tf->id, 1, &v, &nv);
	if (rc)
		return rc;
	for (size_t i = 0; !rc && i < nv; i++) {
		al_flex_lotrec *l = &v[i];
		if (l->forfeited > 0 && l->expires > final &&
		    (rc = lot_cap(t, l, tf->id, at)) == 0 && l->cap > 0) {
			*usable += l->cap;
			v[k++] = *l;
		}
	}
	if (k && !rc) {
		*out = v;
		*n = k;
	} else {
		al_free(t->a, v);
		*usable = 0;
	}
	return rc;
}

/* Charge `w->rate` for a window opened at w->start: draws in FLEX-2 order
 * among the lots as they stood at that instant (SEAM-4: an expired lot whose
 * expiry is after it and not final pays from what it forfeited), one
 * CONSUME entry per lot; AUTOLIC_ENOTOKENS (nothing written) when those lots
 * plus any overage allowance do not cover it. */
static int charge(al_txn *t, al_flex_team *tf, autolic_id account, const char *product, win_rec *w)
{
	al_flex_lotrec *v = NULL, *old;
	size_t n = 0, nold;
	int64_t usable, later, reclaim;
	int rc = reclaim_lots(t, tf, w->start, &old, &nold, &reclaim);
	if (!rc)
		rc = live_lots(t, tf->id, w->start, w->rate - reclaim, &v, &n, &usable, &later);
	size_t cap = n;
	if (!rc && nold && !(rc = al_array_grow(t->a, &v, &cap, n + nold, sizeof(*v)))) {
		memcpy(v + n, old, nold * sizeof(*v));
		n += nold;
		usable += reclaim;
	}
	al_free(t->a, old);
	if (rc) {
		al_free(t->a, v);
		return rc;
	}
	al_flex_lot *pure = al_calloc(t->a, n + 1, sizeof(*pure));
	w->draws = al_calloc(t->a, n + 1, sizeof(*w->draws));
	if (!pure || !w->draws) {
		rc = al_err(AUTOLIC_ENOMEM, "out of memory charging a window");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		pure[i].id = v[i].id;
		pure[i].purchased = v[i].purchased;
		pure[i].expires = v[i].expires;
		pure[i].quantity = v[i].quantity;
		pure[i].remaining = v[i].cap;
	}
	int64_t headroom = tf->overage_limit > tf->owed ? tf->overage_limit - tf->owed : 0;
	if (usable + headroom < w->rate) {
		/* a window a session rolls over into (no opener) ends the session
		 * when unpaid, and follow_up() drops this refusal: only a launch's
		 * is written out, with the names it needs */
		if (!w->opener) {
			rc = AUTOLIC_ENOTOKENS;
			goto out;
		}
		al_name team;
		char at[AL_TIME_TEXT_CAP];
		if ((rc = al_name_team(t, tf->id, &team)) != 0)
			goto out;
		al_err(
		    AUTOLIC_ENOTOKENS,
		    "FLEX-5: not enough tokens: team %s has %lld available at %s and product '%s' "
		    "needs %lld%s",
		    team.s, (long long)(usable + headroom), al_time_text(at, w->start), product,
		    (long long)w->rate,
		    later ? " (lots bought after that instant cannot pay for it, FLEX-1)" : "");
		al_err_team(tf->id, &team);
		al_err_product(product);
		al_err_num("available", usable + headroom);
		al_err_num("needed", w->rate);
		rc = al_err_time("at", w->start);
		goto out;
	}
	int64_t shortfall = al_flex_allocate(pure, n, w->start, w->rate, w->draws, &w->n);
	for (size_t i = 0; !rc && i < w->n; i++) {
		al_flex_lotrec *l = find_lot(v, n, w->draws[i].lot);
		int64_t amount = w->draws[i].amount, before = l->remaining;
		rc = al_flex_ledger_add(t, tf->id, AUTOLIC_FLEX_CONSUME, w->start, l->id, -amount,
		                        account, w->id, product, l->subscription);
		if (l->expired) {
			/* SEAM-4: the expiry forfeits that much less; the balance after
			 * it is unchanged, before it lower by the use */
			l->forfeited -= amount;
			if (!rc)
				rc = al_flex_ledger_add(t, tf->id, AUTOLIC_FLEX_EXPIRE, l->expires,
				                        l->id, amount, account, w->id, product,
				                        l->subscription);
		} else {
			l->remaining -= amount;
		}
		if (!rc)
			rc = al_flex_lot_save(t, tf, l, before);
	}
	if (!rc && shortfall > 0) {
		/* FLEX-5 overage policy (off by default): the team owes the rest */
		tf->owed += shortfall;
		w->draws[w->n].lot = 0;
		w->draws[w->n].amount = shortfall;
		w->n++;
		rc = al_flex_ledger_add(t, tf->id, AUTOLIC_FLEX_CONSUME, w->start, 0, -shortfall,
		                        account, w->id, product, NULL);
	}
	w->tokens = w->rate;
out:
	al_free(t->a, pure);
	al_free(t->a, v);
	return rc;
}

static int refund_lot(al_txn *t, al_flex_team *tf, al_flex_lotrec *l, int64_t give, autolic_time at,
                      autolic_id account, const win_rec *w, const char *product)
{
	int64_t before = l->remaining;
	l->remaining += give;
	if (at > l->credited)
		l->credited = at;
	int rc = al_flex_ledger_add(t, l->team, AUTOLIC_FLEX_REFUND, at, l->id, give, account,
	                            w->id, product, l->subscription);
	if (!rc && (l->expired || l->expires <= t->now)) {
		/* the lot expired meanwhile: what comes back is forfeited, at the
		 * refund or, when that came first, at the expiry (SEAM-4) */
		l->remaining -= give;
		/* SEAM-4: a late window may take back what the lot held before its
		 * expiry, never what came back at or after it */
		if (at < l->expires)
			l->forfeited += give;
		rc = al_flex_ledger_add(t, l->team, AUTOLIC_FLEX_EXPIRE,
		                        at > l->expires ? at : l->expires, l->id, -give, 0, 0, NULL,
		                        l->subscription);
	}
	return rc ? rc : al_flex_lot_save(t, tf, l, before);
}

/* FLEX-4: give a window's charge back to the lots it came from. */
static int refund(al_txn *t, al_flex_team *tf, autolic_id account, const char *product,
                  const win_rec *w, autolic_time at, int64_t *refunded)
{
	int rc = 0;
	*refunded = 0;
	for (size_t i = 0; !rc && i < w->n; i++) {
		int64_t amount = w->draws[i].amount;
		if (w->draws[i].lot) {
			al_flex_lotrec l;
			rc = al_flex_lot_load(t, w->draws[i].lot, &l);
			/* every token drawn comes back to its lot, also when an
			 * adjustment raised the lot meanwhile (it may then hold more
			 * than it was bought with) */
			if (!rc)
				rc = refund_lot(t, tf, &l, amount, at, account, w, product);
			*refunded += amount;
			continue;
		}
		/* overage part: cancel what is still owed, give the rest to the
		 * newest lots with room (a purchase repaid it meanwhile) */
		int64_t give = tf->owed < amount ? tf->owed : amount;
		if (give > 0) {
			tf->owed -= give;
			rc = al_flex_ledger_add(t, tf->id, AUTOLIC_FLEX_REFUND, at, 0, give,
			                        account, w->id, product, NULL);
		}
		int64_t rest = amount - give;
		al_flex_lotrec *v;
		size_t n;
		if (!rc && rest > 0 && (rc = al_flex_lots_of(t, tf->id, 0, &v, &n)) == 0) {
			for (size_t j = n; !rc && j-- > 0 && rest > 0;) {
				int64_t room = v[j].quantity - v[j].remaining;
				int64_t g = room < rest ? room : rest;
				if (g > 0 && v[j].expires > t->now) {
					rc = refund_lot(t, tf, &v[j], g, at, account, w, product);
					rest -= g;
				}
			}
			al_free(t->a, v);
		}
		*refunded += amount;
	}
	return rc;
}

/* Open a window at `start` for the session's (user, product), ending no
 * later than `limit` (the start of a later window: windows never overlap):
 * FLEX-6 priority first, then the rate in effect at `start` (FLEX-3). */
static int window_open(al_txn *t, al_flex_team *tf, const sess_rec *s, autolic_time start,
                       autolic_time limit, autolic_id opener, win_rec *w)
{
	memset(w, 0, sizeof(*w));
	w->team = tf->id;
	w->start = start;
	w->end = start + WINDOW < limit ? start + WINDOW : limit;
	w->opener = opener;
	w->opener_launch = opener ? start : 0;
	int held = 0;
	autolic_time trial_end = 0;
	int rc = al_flex_rate_at(t, s->product, start, &w->rate);
	if (!rc)
		rc = al_seat_held(t, s->account, s->product, start, &held);
	if (!rc && !held)
		rc = al_flex_trial_at(t, s->account, s->product, start, &trial_end);
	if (!rc)
		rc = al_txn_seq_next(t, "flex.window", &w->id);
	if (rc)
		return rc;
	if (held) {
		w->reason = AUTOLIC_FLEX_REASON_SEAT;
	} else if (trial_end) {
		w->reason = AUTOLIC_FLEX_REASON_TRIAL;
		if (trial_end < w->end)
			w->end = trial_end; /* tokens are used once the trial ends */
	} else {
		w->reason = AUTOLIC_FLEX_REASON_CHARGED;
		rc = charge(t, tf, s->account, s->product, w);
	}
	if (!rc)
		rc = win_store(t, s->account, s->product, w);
	if (!rc)
		rc = usage_store(t, s->account, s->product, w);
	if (rc)
		win_free(t, w);
	return rc;
}

/* ---- reports ---- */

typedef struct {
	int kind;
	char key[AUTOLIC_FLEX_KEY_MAX + 1];
	autolic_time at;
	autolic_id session, team, account;
	char product[AL_PRODUCT_CAP];
	autolic_flex_result res;
} report_args;

static void idem_key(al_key *k, const char *key)
{
	al_key_init(k, AL_K_FLEX_IDEM);
	al_key_str(k, key);
}

static void enc_result(al_buf *b, const report_args *a)
{
	al_enc_u8(b, (uint8_t)a->kind);
	al_enc_i64(b, a->at);
	al_enc_u64(b, a->session);
	al_enc_u64(b, a->team);
	al_enc_u64(b, a->account);
	al_enc_str(b, a->product);
	const autolic_flex_result *r = &a->res;
	al_enc_u64(b, r->session);
	al_enc_u8(b, (uint8_t)r->reason);
	al_enc_i64(b, r->charged);
	al_enc_i64(b, r->refunded);
	al_enc_u32(b, r->windows);
	al_enc_i64(b, r->window_start);
	al_enc_i64(b, r->window_end);
	al_enc_u8(b, (uint8_t)r->ended);
	al_enc_i64(b, r->end_code);
	al_enc_i64(b, r->ended_at);
}

/* The stored report and first result of an idempotency key (FLEX-13). */
static int idem_decode(al_rd *r, report_args *f)
{
	memset(f, 0, sizeof *f);
	f->kind = al_dec_enum(r, AUTOLIC_FLEX_LAUNCH, AUTOLIC_FLEX_CLOSE, "report kind");
	f->at = al_dec_i64(r);
	f->session = al_dec_u64(r);
	f->team = al_dec_u64(r);
	f->account = al_dec_u64(r);
	al_dec_str(r, f->product, sizeof f->product);
	autolic_flex_result *res = &f->res;
	res->session = al_dec_u64(r);
	res->reason =
	    al_dec_enum(r, AUTOLIC_FLEX_REASON_NONE, AUTOLIC_FLEX_REASON_REFUNDED, "reason");
	res->charged = al_dec_i64(r);
	res->refunded = al_dec_i64(r);
	res->windows = al_dec_u32(r);
	res->window_start = al_dec_i64(r);
	res->window_end = al_dec_i64(r);
	res->ended = al_dec_bool(r, "ended flag");
	res->end_code = (int)al_dec_i64(r);
	res->ended_at = al_dec_i64(r);
	return al_rd_done(r);
}

/* FLEX-13: a key seen before answers with its first result. */
static int idem_check(al_txn *t, report_args *a, int *seen)
{
	al_key k;
	al_buf b;
	al_rd r;
	idem_key(&k, a->key);
	al_buf_init(&b, t->a);
	*seen = 0;
	int rc = al_txn_get_rec(t, &k, AL_K_FLEX_IDEM, &b, &r, NULL);
	if (rc == AUTOLIC_ENOTFOUND) {
		al_buf_free(&b);
		return 0;
	}
	if (!rc) {
		report_args f;
		rc = idem_decode(&r, &f);
		if (!rc) {
			*seen = 1;
			if (f.kind != a->kind || f.at != a->at || f.session != a->session ||
			    f.team != a->team || f.account != a->account ||
			    strcmp(f.product, a->product))
				rc = al_err(
				    AUTOLIC_EEXISTS,
				    "FLEX-13: idempotency key '%s' was used for a different report",
				    a->key);
			else
				a->res = f.res;
		}
	}
	al_buf_free(&b);
	return rc;
}

static void idem_encode(al_buf *b, const void *rec)
{
	const report_args *a = rec;
	al_rec_begin(b, AL_K_FLEX_IDEM);
	enc_result(b, a);
}

static int idem_store(al_txn *t, const report_args *a)
{
	al_key k;
	idem_key(&k, a->key);
	return al_record_put(t, &k, idem_encode, a);
}

static int count_others(al_txn *t, const sess_rec *s, int *others)
{
	al_idlist ids;
	al_idlist_init(&ids, t->a, AL_IDLIST_LAST);
	al_key k;
	open_key(&k, s->account, s->product, 0);
	int rc = al_idlist_scan(t, &k, &ids);
	*others = 0;
	for (size_t i = 0; i < ids.n; i++)
		*others += ids.v[i] != s->id;
	al_idlist_free(&ids);
	return rc;
}

static int launch(al_txn *t, report_args *a)
{
	al_account_brief acc; /* only its state is checked */
	autolic_flex_product_info p;
	al_flex_team tf;
	int ok = 0;
	int rc = al_flex_team_load(t, a->team, &tf);
	if (!rc)
		rc = al_flex_horizon_check(t, &tf, a->at);
	if (!rc)
		rc = al_account_brief_load(t, a->account, &acc);
	if (!rc)
		rc = al_flex_product_load(t, a->product, &p);
	if (rc)
		return rc;
	if (acc.state == AUTOLIC_ACCOUNT_EXPIRED || acc.state == AUTOLIC_ACCOUNT_REMOVED) {
		al_name who;
		if ((rc = al_name_account(t, a->account, &who)) != 0)
			return rc;
		al_err(AUTOLIC_EPERM, "ACCT-4: %s is %s and grants nothing", who.s,
		       acc.state == AUTOLIC_ACCOUNT_EXPIRED ? "an expired invitation" : "removed");
		return al_err_account(a->account, &who);
	}
	if ((rc = al_flex_allowed_for(t, &tf, a->team, a->account, a->product, 1, &ok)) != 0)
		return rc;
	if (!ok) {
		al_name who, team;
		if ((rc = al_name_account(t, a->account, &who)) != 0 ||
		    (rc = al_name_team(t, a->team, &team)) != 0)
			return rc;
		al_err(AUTOLIC_EPERM, "FLEX-7: %s has no Flex access to product '%s' in team %s",
		       who.s, a->product, team.s);
		al_err_account(a->account, &who);
		al_err_product(a->product);
		return al_err_team(a->team, &team);
	}
	/* SEAM-4: the expiries up to the launch instant first; those after it
	 * only once the window opened before them is paid */
	if ((rc = al_flex_expire_due(t, &tf, a->at, NULL)) != 0)
		return rc;

	/* the window holding `at` starts within (at - 24 h, at] */
	al_flex_input in;
	memset(&in, 0, sizeof in);
	in.kind = AUTOLIC_FLEX_LAUNCH;
	in.at = a->at;
	win_rec cur;
	win_query q = {a->account, a->product, a->at - WINDOW + 1, a->at, NULL, 0, 0, 0};
	win_found wf;
	rc = win_find(t, &q, &cur, &wf);
	if (rc)
		return rc;
	int found = wf.found, later = wf.later;
	win_to_pure(&cur, found, &in.win);
	in.later = later;
	al_flex_plan plan;
	al_flex_step(&in, &plan);
	if (plan.rc) {
		if (found)
			win_free(t, &cur);
		char at[AL_TIME_TEXT_CAP];
		al_err(plan.rc, "%s (launch at %s)", plan.why, al_time_text(at, a->at));
		return al_err_time("at", a->at);
	}
	sess_rec s;
	memset(&s, 0, sizeof s);
	s.team = a->team;
	s.account = a->account;
	strcpy(s.product, a->product);
	s.state = AL_FS_ACTIVE;
	s.last = s.launch = a->at;
	rc = al_txn_seq_next(t, "flex.session", &s.id);
	autolic_flex_result *res = &a->res;
	if (!rc && plan.join) {
		s.own_start = s.cur_start = cur.start;
		res->reason = AUTOLIC_FLEX_REASON_IN_WINDOW;
		res->window_start = cur.start;
		res->window_end = cur.end;
	} else if (!rc) {
		win_rec w;
		rc = window_open(t, &tf, &s, a->at, INT64_MAX, s.id, &w);
		if (!rc) {
			s.own_start = s.cur_start = w.start;
			res->reason = w.reason;
			res->charged = w.tokens;
			res->windows = 1;
			res->window_start = w.start;
			res->window_end = w.end;
			win_free(t, &w);
		}
	}
	if (found)
		win_free(t, &cur);
	res->session = s.id;
	al_key k;
	open_key(&k, s.account, s.product, s.id);
	if (!rc)
		rc = al_flex_expire_due(t, &tf, t->now, NULL);
	if (!rc)
		rc = sess_store(t, &s);
	if (!rc)
		rc = al_record_put_empty(t, &k);
	if (!rc)
		rc = al_flex_low_update(t, &tf);
	return rc;
}

/* FLEX-3: use of the session's (user, product) at `x` needs a window. Windows
 * never overlap: use at `x` joins the window holding it; else a window opens
 * at `x`, ending no later than the next window (a report that comes late
 * may find one there: the use before it is charged, the use after it joins
 * it; nothing is charged twice). `*w` is the window entered, `*opened`
 * whether this call opened it. */
static int window_enter(al_txn *t, al_flex_team *tf, const sess_rec *s, autolic_time x, win_rec *w,
                        int *opened)
{
	*opened = 0;
	win_query q = {s->account, s->product, x - WINDOW + 1, x, NULL, 0, 0, 0};
	win_found wf;
	int rc = win_find(t, &q, w, &wf);
	if (rc)
		return rc;
	int found = wf.found;
	autolic_time next = wf.later_start;
	if (found && x < w->end)
		return 0; /* joined: nothing charged */
	if (found)
		win_free(t, w);
	rc = window_open(t, tf, s, x, next, 0, w);
	if (!rc)
		*opened = 1;
	return rc;
}

static int follow_up(al_txn *t, report_args *a)
{
	sess_rec s;
	al_flex_team tf;
	int rc = sess_load(t, a->session, &s);
	if (!rc)
		rc = al_flex_team_load(t, s.team, &tf);
	if (!rc)
		rc = al_flex_horizon_check(t, &tf, a->at);
	if (rc)
		return rc;
	/* SEAM-4: expiries older than the horizon are final: recorded first */
	autolic_time final = al_flex_final_upto(t, &tf);
	al_flex_input in;
	memset(&in, 0, sizeof in);
	in.kind = a->kind;
	in.at = a->at;
	in.session = s.id;
	in.state = s.state;
	in.last = s.last;
	win_rec own, cur;
	win_found wf = {0, 0, 0, INT64_MAX};
	if (!s.cur_known) {
		/* a session recorded before format 3: its current window is the latest
		 * one starting at or before its last report */
		win_query q = {s.account, s.product, s.own_start, s.last, NULL, 0, 0, 0};
		rc = win_find(t, &q, &cur, &wf);
		if (!rc && wf.found) {
			s.cur_start = cur.start;
			win_free(t, &cur);
		}
	}
	win_query q = {.account = s.account,
	               .product = s.product,
	               .from = s.cur_start,
	               .upto = s.cur_start,
	               .own_w = &own,
	               .own = s.cur_start,
	               .refund_by = s.id,
	               .refund_at = a->at};
	if (!rc)
		rc = win_find(t, &q, &cur, &wf);
	int own_found = wf.own_found, cur_found = wf.found;
	/* FLEX-4: other open sessions matter only to a close that could refund */
	if (!rc && a->kind == AUTOLIC_FLEX_CLOSE && own_found && own.opener == s.id &&
	    a->at - own.opener_launch <= AUTOLIC_FLEX_REFUND_SECONDS)
		rc = count_others(t, &s, &in.others_open);
	win_to_pure(&own, own_found, &in.own);
	win_to_pure(&cur, cur_found, &in.win);
	if (cur_found)
		win_free(t, &cur);
	int has_cur = cur_found;
	autolic_time cur_end = in.win.end;
	al_flex_plan plan;
	if (!rc) {
		al_flex_step(&in, &plan);
		if (plan.rc) {
			char at[AL_TIME_TEXT_CAP];
			al_err(plan.rc, "%s (session %llu, report at %s)", plan.why,
			       (unsigned long long)s.id, al_time_text(at, a->at));
			al_err_obj(AUTOLIC_OBJECT_SESSION, s.id, "");
			rc = al_err_time("at", a->at);
		}
	}
	autolic_flex_result *res = &a->res;
	res->session = s.id;
	if (!rc && plan.open) {
		/* Windows follow each other from the current end (a trial may end
		 * one early, so this walks actual ends rather than plan.n_open). */
		autolic_time x = plan.first;
		while (!rc) {
			win_rec w;
			int opened = 0;
			/* SEAM-4: an expiry is recorded only after every window opened
			 * before it is paid */
			rc = al_flex_expire_due(t, &tf, x > final ? x : final, NULL);
			if (!rc)
				rc = window_enter(t, &tf, &s, x, &w, &opened);
			if (rc == AUTOLIC_ENOTOKENS) {
				/* FLEX-5: the session ends where the unpaid window would start */
				rc = 0;
				al_err_clear();
				res->ended = 1;
				res->end_code = AUTOLIC_ENOTOKENS;
				res->ended_at = x;
				break;
			}
			if (rc)
				break;
			if (opened) {
				res->charged += w.tokens;
				res->windows++;
				res->reason = w.reason;
			} else {
				res->reason = AUTOLIC_FLEX_REASON_IN_WINDOW; /* joined */
			}
			has_cur = 1;
			s.cur_start = w.start;
			cur_end = w.end;
			win_free(t, &w);
			if (plan.open != AL_FO_ROLLOVER || a->at < cur_end)
				break;
			x = cur_end;
		}
	}
	if (!rc && has_cur && !res->ended) {
		res->window_start = s.cur_start;
		res->window_end = cur_end;
	}
	if (!rc)
		rc = al_flex_expire_due(t, &tf, t->now, NULL);
	if (!rc && plan.refund) {
		rc = refund(t, &tf, s.account, s.product, &own, a->at, &res->refunded);
		al_key k;
		window_key(&k, s.account, s.product, own.start);
		if (!rc)
			rc = al_txn_del(t, &k);
		own.reason = AUTOLIC_FLEX_REASON_REFUNDED;
		own.tokens = 0;
		if (!rc)
			rc = usage_store(t, s.account, s.product, &own);
		res->reason = AUTOLIC_FLEX_REASON_REFUNDED;
		res->window_start = res->window_end = 0;
	}
	if (own_found)
		win_free(t, &own);
	if (rc)
		return rc;
	int was_open = s.state == AL_FS_ACTIVE || s.state == AL_FS_IDLE;
	/* a close ends the session also when its use ran out of tokens (FLEX-5):
	 * later reports of it are refused */
	s.state = a->kind == AUTOLIC_FLEX_CLOSE ? AL_FS_CLOSED
	          : res->ended                  ? AL_FS_ENDED
	                                        : plan.new_state;
	s.last = a->at;
	s.cur_known = 1;
	if (was_open && (s.state == AL_FS_CLOSED || s.state == AL_FS_ENDED)) {
		al_key k;
		open_key(&k, s.account, s.product, s.id);
		rc = al_txn_del(t, &k);
	}
	if (!rc && res->ended)
		rc = al_txn_event(
		    t, AUTOLIC_EVENT_FLEX_SESSION_ENDED, s.account, s.team, s.id, s.product,
		    "FLEX-5",
		    "session %llu of '%s' ended at %lld: not enough tokens to open the next "
		    "window",
		    (unsigned long long)s.id, s.product, (long long)res->ended_at);
	if (!rc)
		rc = sess_store(t, &s);
	if (!rc)
		rc = al_flex_low_update(t, &tf);
	return rc;
}

static int report_fn(al_txn *t, void *arg)
{
	report_args *a = arg;
	unsigned int version = a->res.version;
	memset(&a->res, 0, sizeof a->res);
	a->res.version = version;
	if (a->at > t->now) {
		char at[AL_TIME_TEXT_CAP], now[AL_TIME_TEXT_CAP];
		al_err(AUTOLIC_EINVAL, "FLEX-3: the report time %s is after the clock's %s",
		       al_time_text(at, a->at), al_time_text(now, t->now));
		al_err_time("at", a->at);
		return al_err_time("now", t->now);
	}
	int seen;
	int rc = idem_check(t, a, &seen);
	if (rc || seen)
		return rc ? rc
		          : al_err(AUTOLIC_EDUPLICATE,
		                   "FLEX-13: the report with key '%s' was already applied; first "
		                   "result "
		                   "returned",
		                   a->key);
	rc = a->kind == AUTOLIC_FLEX_LAUNCH ? launch(t, a) : follow_up(t, a);
	return rc ? rc : idem_store(t, a);
}

int autolic_flex_report(autolic_db *db, const autolic_flex_report_spec *spec,
                        autolic_flex_result *result)
{
	al_err_clear();
	if (!db || !spec)
		return al_err(AUTOLIC_EINVAL, "db and spec are required");
	autolic_flex_report_spec in;
	int rc = al_copy_in(&in, spec, AL_FLEX_REPORT_SPEC);
	if (!rc && result)
		rc = al_struct_check(AL_FLEX_RESULT, result->version);
	if (rc)
		return rc;
	spec = &in;
	report_args args;
	report_args *a = &args;
	memset(a, 0, sizeof(*a));
	size_t kl = spec->key ? strlen(spec->key) : 0;
	autolic_time wend;
	if (spec->kind < AUTOLIC_FLEX_LAUNCH || spec->kind > AUTOLIC_FLEX_CLOSE)
		rc = al_err(AUTOLIC_EINVAL, "FLEX-3: unknown report kind %d", spec->kind);
	else if (kl < 1 || kl > AUTOLIC_FLEX_KEY_MAX)
		rc = al_err(AUTOLIC_EINVAL,
		            "FLEX-13: every report needs an idempotency key of 1 to %d bytes",
		            AUTOLIC_FLEX_KEY_MAX);
	else if (al_text_check(spec->key, AUTOLIC_FLEX_KEY_MAX, AL_TEXT_REQUIRED, "FLEX-13",
	                       "report idempotency key"))
		rc = AUTOLIC_EINVAL;
	else if (spec->time <= 0)
		rc = al_err(AUTOLIC_EINVAL, "FLEX-3: the report time must be positive");
	else if (al_time_add(spec->time, WINDOW, &wend, "the report time's window end"))
		rc = AUTOLIC_EINVAL;
	else if (spec->kind == AUTOLIC_FLEX_LAUNCH) {
		if (!spec->team || !spec->account)
			rc = al_err(AUTOLIC_EINVAL, "FLEX-3: a launch names its team and account");
		else
			rc = al_product_norm(spec->product, a->product, "FLEX-3", "product code");
		if (!rc && spec->session)
			rc = al_err(AUTOLIC_EINVAL,
			            "FLEX-3: a launch starts a session; session must be 0");
	} else if (!spec->session) {
		rc = al_err(AUTOLIC_EINVAL, "FLEX-3: activity, idle and close name their session");
	}
	if (!rc) {
		a->kind = spec->kind;
		memcpy(a->key, spec->key, kl + 1);
		a->at = spec->time;
		if (spec->kind == AUTOLIC_FLEX_LAUNCH) {
			a->team = spec->team;
			a->account = spec->account;
		} else {
			a->session = spec->session;
		}
		a->res.version = AUTOLIC_FLEX_RESULT_VERSION;
		rc = al_run(db, 1, report_fn, a);
		if (result && (rc == 0 || rc == AUTOLIC_EDUPLICATE))
			al_copy_out(result, &a->res, AL_FLEX_RESULT); /* its version was checked */
	}
	return rc;
}

/* ---- the whole-store check (autolic_db_check) ---- */

typedef struct idem_scan {
	al_idlist sessions; /* the sessions the stored results name */
} idem_scan;

static int idem_cb(const void *key, size_t kl, const void *v, size_t vl, void *arg)
{
	(void)key, (void)kl;
	idem_scan *is = arg;
	al_rd r;
	report_args f;
	int rc = al_rec_open(&r, v, vl, AL_K_FLEX_IDEM);
	if (!rc)
		rc = idem_decode(&r, &f);
	if (!rc && f.res.session)
		rc = al_idlist_push(&is->sessions, f.res.session);
	return rc;
}

int al_flex_idem_check_all(al_txn *t)
{
	idem_scan is;
	al_idlist_init(&is.sessions, t->a, 0);
	al_key k;
	al_key_init(&k, AL_K_FLEX_IDEM);
	int rc = al_txn_scan_prefix(t, &k, idem_cb, &is);
	for (size_t i = 0; !rc && i < is.sessions.n; i++) {
		sess_rec s;
		rc = sess_load(t, is.sessions.v[i], &s);
		if (rc == AUTOLIC_ENOTFOUND)
			rc = al_err(
			    AUTOLIC_ECORRUPT,
			    "FLEX-13: a stored report names session %llu, which does not exist",
			    (unsigned long long)is.sessions.v[i]);
	}
	al_idlist_free(&is.sessions);
	return rc;
}
