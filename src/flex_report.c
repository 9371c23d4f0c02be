/*
 * Flex tokens: what a team's tokens look like (balance now and at any
 * instant, FLEX-10/11), the ledger and usage reports (iterators and CSV,
 * FLEX-11), and the invariant check (FLEX-1, FLEX-10).
 */
#include "flex_internal.h"
#include "core/snap.h"
#include "autolic/team.h"

#include <time.h>

/* ---- position now ---- */

static int team_get_fn(al_txn *t, uint64_t team, void *info)
{
	al_flex_team tf;
	int64_t left, unexpired;
	int rc = al_flex_team_load(t, team, &tf);
	if (!rc)
		rc = al_flex_position(t, &tf, &left, &unexpired);
	if (rc)
		return rc;
	autolic_flex_team_info *i = info;
	i->balance = left - tf.owed;
	i->owed = tf.owed;
	i->available = left + (tf.overage_limit > tf.owed ? tf.overage_limit - tf.owed : 0);
	i->unexpired_tokens = unexpired;
	i->threshold = al_flex_threshold(&tf, unexpired);
	i->low = al_flex_below(&tf, i->balance, unexpired);
	return 0;
}

int autolic_flex_team_get(autolic_db *db, autolic_id team, autolic_flex_team_info *info)
{
	al_err_clear();
	if (!db || !team || !info)
		return al_err(AUTOLIC_EINVAL, "db, team and info are required");
	int rc = al_struct_check(AL_FLEX_TEAM_INFO, info->version);
	if (rc)
		return rc;
	autolic_flex_team_info full;
	memset(&full, 0, sizeof full);
	rc = al_record_read(db, team, team_get_fn, &full, NULL);
	return rc ? rc : al_copy_out(info, &full, AL_FLEX_TEAM_INFO);
}

/* ---- balance at an instant, from the ledger ---- */

typedef struct {
	autolic_time at;
	int64_t sum;
} sum_scan;

static int sum_add(void *arg, const autolic_flex_entry *e)
{
	sum_scan *s = arg;
	if (e->time <= s->at)
		s->sum += e->amount;
	return 0;
}

/* SEAM-5: the EXPIRE entries that autolic_flex_expire() would record now
 * for the team's expiries that are due (FLEX-1): one per lot holding tokens
 * whose expiry is at or before the clock's now and not recorded yet, in the
 * order it records them (expiry, then lot id), dated at the expiry instant,
 * recorded now and numbered after the last ledger entry. A read call cannot
 * write, so it shows these in place of the entries. */
static int due_entries(al_txn *t, const al_flex_team *tf, autolic_flex_entry **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (t->now < tf->next_expiry)
		return 0; /* nothing of the team's is due */
	autolic_id seq;
	al_flex_lotrec *v;
	size_t nv;
	int rc = al_txn_seq_peek_in(t, "flex.ledger", tf->id, NULL, &seq);
	if (!rc)
		rc = al_flex_lots_of(t, tf->id, 0, &v, &nv);
	if (rc)
		return rc;
	if (nv && !(*out = al_calloc(t->a, nv, sizeof(**out))))
		rc = al_err(AUTOLIC_ENOMEM, "out of memory listing the ledger");
	for (size_t i = 0; !rc && i < nv; i++) {
		const al_flex_lotrec *l = &v[i];
		if (l->expires > t->now)
			break; /* the index is in expiry order */
		if (l->remaining == 0)
			continue; /* its expiry forfeits nothing: no entry */
		autolic_flex_entry *e = &(*out)[(*n)++];
		e->version = AUTOLIC_FLEX_ENTRY_VERSION;
		e->seq = ++seq;
		e->team = tf->id;
		e->type = AUTOLIC_FLEX_EXPIRE;
		e->time = l->expires;
		e->recorded = t->now;
		e->lot = l->id;
		e->amount = -l->remaining;
		memcpy(e->subscription, l->subscription, sizeof e->subscription);
	}
	al_free(t->a, v);
	if (rc) {
		al_free(t->a, *out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

/* One entry of a team's ledger, handed to a walk's function. */
typedef int (*entry_fn)(void *arg, const autolic_flex_entry *e);

typedef struct {
	entry_fn fn;
	void *arg;
} entry_walk;

static int walk_cb(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	entry_walk *w = arg;
	autolic_flex_entry e;
	int rc = al_flex_entry_decode(key, klen, val, vlen, &e);
	return rc ? rc : w->fn(w->arg, &e);
}

/* Hand `fn` each entry of the team's ledger in order and then, with `due`,
 * the expiries that are due as they will be recorded (SEAM-5); *tf receives
 * the team's Flex state. */
static int ledger_walk(al_txn *t, autolic_id team, int due, al_flex_team *tf, entry_fn fn,
                       void *arg)
{
	int rc = al_flex_team_load(t, team, tf);
	if (rc)
		return rc;
	al_key k;
	al_key_id(&k, AL_K_FLEX_LEDGER, team);
	entry_walk w = {fn, arg};
	if ((rc = al_txn_scan_prefix(t, &k, walk_cb, &w)) != 0 || !due)
		return rc;
	autolic_flex_entry *v;
	size_t n;
	if ((rc = due_entries(t, tf, &v, &n)) != 0)
		return rc;
	for (size_t i = 0; !rc && i < n; i++)
		rc = fn(arg, &v[i]);
	al_free(t->a, v);
	return rc;
}

typedef struct {
	autolic_id team;
	autolic_time at;
	int64_t balance;
} balance_args;

static int balance_fn(al_txn *t, void *arg)
{
	balance_args *a = arg;
	al_flex_team tf;
	sum_scan s = {a->at, 0};
	/* SEAM-5: an expiry that is due counts as recorded */
	int rc = ledger_walk(t, a->team, 1, &tf, sum_add, &s);
	if (!rc)
		a->balance = s.sum;
	return rc;
}

int autolic_flex_balance_at(autolic_db *db, autolic_id team, autolic_time at, int64_t *balance)
{
	al_err_clear();
	if (!db || !team || !balance)
		return al_err(AUTOLIC_EINVAL, "db, team and balance are required");
	balance_args a = {team, at, 0};
	int rc = al_run(db, 0, balance_fn, &a);
	if (!rc)
		*balance = a.balance;
	return rc;
}

/* ---- ledger iterator ---- */

struct autolic_flex_ledger_iter {
	al_snap s; /* of autolic_flex_entry */
};

typedef struct {
	autolic_time from, to;
	unsigned int mask;
} ledger_args;

/* Keep `e` when it is in the listing's period and mask. */
static int ledger_keep(void *arg, const autolic_flex_entry *e)
{
	al_snap_fill *f = arg;
	const ledger_args *a = f->ctx;
	if (e->time < a->from || e->time >= a->to || !(a->mask & AUTOLIC_FLEX_MASK(e->type)))
		return 0;
	autolic_flex_entry *p = al_array_append(f->a, &f->v, &f->n, &f->cap, sizeof(*p));
	if (!p)
		return AUTOLIC_ENOMEM;
	*p = *e;
	return 0;
}

static int ledger_fn(al_txn *t, void *arg)
{
	al_snap_fill *f = arg; /* key: the team */
	al_snap_fill_reset(f);
	al_flex_team tf;
	/* SEAM-5: the expiries that are due, as they will be recorded */
	return ledger_walk(t, f->key, 1, &tf, ledger_keep, f);
}

/* The arguments of a read over a team's period (FLEX-11): *out cleared. */
static int period_check(autolic_db *db, autolic_id team, autolic_time from, autolic_time to,
                        void **out)
{
	al_err_clear();
	if (out)
		*out = NULL;
	if (!db || !team || !out)
		return al_err(AUTOLIC_EINVAL, "db, team and out are required");
	return al_time_span_check("FLEX-11", "period", "from", "to", from, to);
}

int autolic_flex_ledger_open(autolic_db *db, autolic_id team, autolic_time from, autolic_time to,
                             unsigned int mask, autolic_flex_ledger_iter **out)
{
	int rc = period_check(db, team, from, to, (void **)out);
	if (rc)
		return rc;
	ledger_args a = {from, to, mask};
	al_snap_spec spec = {team, &a, ledger_fn, sizeof(autolic_flex_ledger_iter), NULL};
	return al_snap_open(db, &spec, (void **)out);
}

AL_SNAP_ITER_FNS(autolic_flex_ledger, autolic_flex_ledger_iter, autolic_flex_entry, AL_FLEX_ENTRY,
                 "iterator and entry are required")

/* ---- usage iterator ---- */

typedef struct urow {
	autolic_flex_usage_row row;
	autolic_flex_share *lots;
} urow;

struct autolic_flex_usage_iter {
	al_snap s;                                 /* of urow */
	char team_name[AUTOLIC_TEAM_NAME_MAX + 1]; /* for the CSV's team_name column */
};

/* The lots each row owns. */
static void usage_drop(const al_alloc *a, void *v, size_t n)
{
	urow *u = v;
	for (size_t i = 0; i < n; i++)
		al_free(a, u[i].lots);
}

static int usage_cb(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	al_snap_fill *f = arg;
	if (klen != 25)
		return al_err(AUTOLIC_ECORRUPT, "Flex usage record: bad key");
	if (al_array_grow(f->a, &f->v, &f->cap, f->n + 1, sizeof(urow)))
		return AUTOLIC_ENOMEM;
	urow *u = (urow *)f->v + f->n;
	memset(u, 0, sizeof(*u));
	al_rd r;
	int rc = al_rec_open(&r, val, vlen, AL_K_FLEX_USAGE);
	if (rc)
		return rc;
	autolic_flex_usage_row *row = &u->row;
	row->team = al_key_get_u64(key, 1);
	row->day = al_key_get_i64(key, 9);
	row->window = al_key_get_u64(key, 17);
	row->account = al_dec_u64(&r);
	al_dec_str(&r, row->product, sizeof row->product);
	row->day_end = al_dec_i64(&r);
	row->tokens = al_dec_i64(&r);
	row->reason =
	    al_dec_enum(&r, AUTOLIC_FLEX_REASON_NONE, AUTOLIC_FLEX_REASON_REFUNDED, "reason");
	al_flex_draw *d;
	size_t n;
	if ((rc = al_flex_dec_draws(&r, f->a, &d, &n)) != 0)
		return rc;
	if ((rc = al_rd_done(&r)) != 0) {
		al_free(f->a, d);
		return rc;
	}
	/* al_flex_draw and autolic_flex_share have the same members */
	u->lots = (autolic_flex_share *)(void *)d;
	row->n_lots = n;
	f->n++;
	return 0;
}

typedef struct {
	autolic_time from, to;
	char team_name[AUTOLIC_TEAM_NAME_MAX + 1];
} usage_args;

static int usage_fn(al_txn *t, void *arg)
{
	al_snap_fill *f = arg; /* key: the team */
	usage_args *a = f->ctx;
	al_snap_fill_reset(f);
	int rc = al_team_name(t, f->key, a->team_name, sizeof a->team_name);
	if (rc)
		return rc;
	al_key s, e;
	al_key_id(&s, AL_K_FLEX_USAGE, f->key);
	e = s;
	al_key_i64(&s, a->from);
	al_key_i64(&e, a->to);
	if ((rc = al_txn_scan(t, &s, &e, usage_cb, f)) != 0)
		return rc;
	for (size_t i = 0; i < f->n; i++) {
		autolic_flex_usage_row *row = &((urow *)f->v)[i].row;
		autolic_account_info acc;
		if ((rc = al_account_load(t, row->account, &acc)) != 0)
			return rc;
		memcpy(row->email, acc.email, sizeof row->email);
		memcpy(row->first_name, acc.first_name, sizeof row->first_name);
		memcpy(row->last_name, acc.last_name, sizeof row->last_name);
	}
	return 0;
}

int autolic_flex_usage_open(autolic_db *db, autolic_id team, autolic_time from, autolic_time to,
                            autolic_flex_usage_iter **out)
{
	int rc = period_check(db, team, from, to, (void **)out);
	if (rc)
		return rc;
	usage_args a = {from, to, ""};
	al_snap_spec spec = {team, &a, usage_fn, sizeof(autolic_flex_usage_iter), usage_drop};
	rc = al_snap_open(db, &spec, (void **)out);
	if (!rc)
		memcpy((*out)->team_name, a.team_name, sizeof a.team_name);
	return rc;
}

int autolic_flex_usage_next(autolic_flex_usage_iter *it, autolic_flex_usage_row *row)
{
	al_err_clear();
	if (!it || !row)
		return al_err(AUTOLIC_EINVAL, "iterator and row are required");
	int rc = al_struct_check(AL_FLEX_USAGE_ROW, row->version);
	if (rc)
		return rc;
	if (it->s.pos >= it->s.n)
		return AUTOLIC_ITEROVER;
	urow *u = (urow *)it->s.v + it->s.pos++;
	autolic_flex_usage_row full = u->row;
	full.lots = u->lots;
	return al_copy_out(row, &full, AL_FLEX_USAGE_ROW);
}

void autolic_flex_usage_free(autolic_flex_usage_iter *it)
{
	al_snap_free(it ? &it->s : NULL);
}

/* ---- CSV ---- */

/* One text cell (RFC 4180): quoted when it holds a comma, a quote or a line
 * end. IN-2: a cell a spreadsheet would read as a formula (it starts with
 * '=', '+', '-', '@', a tab or a carriage return) is neutralised as the OWASP
 * guidance on CSV injection describes: a single quote goes before it and the
 * cell is quoted. Only text cells pass here (names, emails, products, the
 * team's name); the numbers and times the library writes itself do not. */
static void csv_field(al_buf *b, const char *s)
{
	int formula = s[0] && strchr("=+-@\t\r", s[0]) != NULL;
	if (!formula && !strpbrk(s, ",\"\r\n")) {
		al_buf_put(b, s, strlen(s));
		return;
	}
	al_buf_put(b, formula ? "\"'" : "\"", formula ? 2 : 1);
	for (; *s; s++) {
		if (*s == '"')
			al_buf_put(b, "\"", 1);
		al_buf_put(b, s, 1);
	}
	al_buf_put(b, "\"", 1);
}

static const char *reason_name(int reason)
{
	switch (reason) {
	case AUTOLIC_FLEX_REASON_CHARGED:
		return "charged";
	case AUTOLIC_FLEX_REASON_SEAT:
		return "seat";
	case AUTOLIC_FLEX_REASON_TRIAL:
		return "trial";
	case AUTOLIC_FLEX_REASON_REFUNDED:
		return "refunded";
	default:
		return "other";
	}
}

static void csv_row(al_buf *b, const autolic_flex_usage_row *r, const char *team_name)
{
	char tmp[64];
	al_time_text(tmp, r->day); /* the one ISO-8601 writer of the library */
	al_buf_put(b, tmp, strlen(tmp));
	const char *text[] = {r->email, r->first_name, r->last_name, r->product};
	for (size_t i = 0; i < 4; i++) {
		al_buf_put(b, ",", 1);
		csv_field(b, text[i]);
	}
	int n = snprintf(tmp, sizeof tmp, ",%llu,", (unsigned long long)r->team);
	al_buf_put(b, tmp, (size_t)n);
	csv_field(b, team_name);
	n = snprintf(tmp, sizeof tmp, ",%lld,%s,", (long long)r->tokens, reason_name(r->reason));
	al_buf_put(b, tmp, (size_t)n);
	for (size_t i = 0; i < r->n_lots; i++) {
		n = snprintf(tmp, sizeof tmp, "%s%llu:%lld", i ? ";" : "",
		             (unsigned long long)r->lots[i].lot, (long long)r->lots[i].amount);
		al_buf_put(b, tmp, (size_t)n);
	}
	al_buf_put(b, "\r\n", 2);
}

int autolic_flex_usage_csv(autolic_db *db, autolic_id team, autolic_time from, autolic_time to,
                           autolic_flex_write_fn write, void *ctx)
{
	if (!write)
		return al_err(AUTOLIC_EINVAL, "write is NULL");
	autolic_flex_usage_iter *it;
	int rc = autolic_flex_usage_open(db, team, from, to, &it);
	if (rc)
		return rc;
	al_buf b;
	al_buf_init(&b, &it->s.a);
	static const char head[] =
	    "day_used,email,first_name,last_name,product,team,team_name,tokens,reason,lots\r\n";
	al_buf_put(&b, head, sizeof head - 1);
	autolic_flex_usage_row row;
	row.version = AUTOLIC_FLEX_USAGE_ROW_VERSION;
	for (int first = 1;; first = 0) {
		if (!first) {
			rc = autolic_flex_usage_next(it, &row);
			if (rc == AUTOLIC_ITEROVER) {
				rc = 0;
				break;
			}
			if (rc)
				break;
			al_buf_reset(&b);
			csv_row(&b, &row, it->team_name);
		}
		if ((rc = al_buf_check(&b)) != 0)
			break;
		if (write((const char *)b.p, b.len, ctx)) {
			rc = al_err(AUTOLIC_EABORTED, "FLEX-11: the CSV writer asked to stop");
			break;
		}
	}
	al_buf_free(&b);
	autolic_flex_usage_free(it);
	return rc;
}

/* ---- FLEX-1 / FLEX-10 invariant check ---- */

typedef struct {
	autolic_id lot;
	int64_t amount;
	autolic_time time;
	int raise; /* a positive ADJUST or a MOVE_IN: may lift the lot above its quantity
	              once a refund gives back what it drew before */
} lot_sum;

typedef struct {
	AL_ARRAY(lot_sum);
	int64_t total;
} check_scan;

static int check_add(void *arg, const autolic_flex_entry *e)
{
	check_scan *c = arg;
	c->total += e->amount;
	lot_sum *x = al_array_add(c);
	if (!x)
		return AUTOLIC_ENOMEM;
	x->lot = e->lot;
	x->amount = e->amount;
	x->time = e->time;
	x->raise =
	    (e->type == AUTOLIC_FLEX_ADJUST && e->amount > 0) || e->type == AUTOLIC_FLEX_MOVE_IN;
	return 0;
}

static int sum_cmp(const void *a, const void *b)
{
	autolic_id x = ((const lot_sum *)a)->lot, y = ((const lot_sum *)b)->lot;
	return x < y ? -1 : x > y;
}

/* Sum of a lot's entries; `*before` (may be NULL) the sum of those dated
 * before `expires` (what the lot held just before its expiry, SEAM-4), `*raised`
 * (may be NULL) the sum of its positive ADJUST and MOVE_IN entries. */
static int64_t sum_for(const lot_sum *v, size_t n, autolic_id lot, autolic_time expires,
                       int64_t *before, int64_t *raised)
{
	int64_t s = 0, x = 0, up = 0;
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (v[mid].lot < lot)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < n && v[lo].lot == lot; lo++) {
		s += v[lo].amount;
		if (v[lo].time < expires)
			x += v[lo].amount;
		if (v[lo].raise)
			up += v[lo].amount;
	}
	if (before)
		*before = x;
	if (raised)
		*raised = up;
	return s;
}

/* Sums over the lots whose expiry is not recorded (the team record keeps
 * them, FLEX-12) and how many of those hold tokens (the live index). */
typedef struct {
	int64_t left, bought;
	size_t live;
	autolic_time first_expiry;
} check_sums;

static int live_count_cb(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	(void)key;
	(void)klen;
	(void)val;
	(void)vlen;
	(*(size_t *)arg)++;
	return 0;
}

static int check_lots(al_txn *t, al_flex_team *tf, check_scan *c, int64_t *left, size_t *count,
                      int old, check_sums *sums)
{
	al_flex_lotrec *v;
	size_t n;
	int rc = al_flex_lots_of(t, tf->id, old, &v, &n);
	if (rc)
		return rc;
	*count += n;
	for (size_t i = 0; !rc && i < n; i++) {
		al_flex_lotrec *l = &v[i];
		int64_t forfeit, raised;
		int64_t s = sum_for(c->v, c->n, l->id, l->expires, &forfeit, &raised);
		if (l->team != tf->id)
			rc = al_err(AUTOLIC_ECORRUPT,
			            "FLEX-9: lot %llu is indexed under team %llu but held by %llu",
			            (unsigned long long)l->id, (unsigned long long)tf->id,
			            (unsigned long long)l->team);
		else if (l->remaining < 0 ||
		         (l->remaining > l->quantity && l->remaining > l->quantity + raised))
			rc = al_err(AUTOLIC_ECORRUPT,
			            "FLEX-1: lot %llu holds %lld tokens, outside 0..%lld",
			            (unsigned long long)l->id, (long long)l->remaining,
			            (long long)(l->quantity + raised));
		else if (old && (!l->expired || l->remaining))
			rc = al_err(AUTOLIC_ECORRUPT,
			            "FLEX-1: expired lot %llu still holds %lld tokens",
			            (unsigned long long)l->id, (long long)l->remaining);
		else if (!old && l->expired)
			rc = al_err(AUTOLIC_ECORRUPT,
			            "FLEX-1: lot %llu is marked expired but still indexed",
			            (unsigned long long)l->id);
		else if (s != l->remaining)
			rc = al_err(AUTOLIC_ECORRUPT,
			            "FLEX-10: lot %llu holds %lld tokens but its ledger entries "
			            "sum to %lld",
			            (unsigned long long)l->id, (long long)l->remaining,
			            (long long)s);
		else if (old && l->expires > tf->last_expired)
			rc =
			    al_err(AUTOLIC_ECORRUPT,
			           "SEAM-4: team %llu records no expiry after %lld, but lot %llu's "
			           "expiry at %lld is recorded",
			           (unsigned long long)tf->id, (long long)tf->last_expired,
			           (unsigned long long)l->id, (long long)l->expires);
		else if (old && l->forfeit_known && l->forfeited != forfeit)
			rc = al_err(AUTOLIC_ECORRUPT,
			            "SEAM-4: lot %llu records %lld tokens forfeited but held %lld "
			            "before its expiry",
			            (unsigned long long)l->id, (long long)l->forfeited,
			            (long long)forfeit);
		*left += l->remaining;
		if (!rc && !old) {
			sums->left += l->remaining;
			sums->bought += l->quantity;
			if (l->expires < sums->first_expiry)
				sums->first_expiry = l->expires;
			al_key k;
			al_key_dated(&k, AL_K_FLEX_TEAM_LIVE, tf->id, l->expires, l->id);
			int in = tf->unindexed ? l->remaining > 0 : al_txn_exists(t, &k);
			if (in < 0)
				rc = in;
			else if (in != (l->remaining > 0))
				rc = al_err(AUTOLIC_ECORRUPT,
				            "FLEX-2: lot %llu holds %lld tokens but is %slisted as "
				            "holding tokens",
				            (unsigned long long)l->id, (long long)l->remaining,
				            in ? "" : "not ");
			sums->live += in == 1;
		}
	}
	al_free(t->a, v);
	return rc;
}

typedef struct {
	autolic_id team;
} check_args;

static int check_fn(al_txn *t, void *arg)
{
	check_args *a = arg;
	al_flex_team tf;
	check_scan c = {.total = 0};
	al_array_init(&c, t->a);
	int rc = ledger_walk(t, a->team, 0, &tf, check_add, &c);
	al_key k;
	if (!rc && c.n)
		qsort(c.v, c.n, sizeof(*c.v), sum_cmp);
	int64_t left = 0;
	size_t lots = 0, live = 0;
	check_sums sums = {0, 0, 0, INT64_MAX};
	if (!rc)
		rc = check_lots(t, &tf, &c, &left, &lots, 0, &sums);
	if (!rc)
		rc = check_lots(t, &tf, &c, &left, &lots, 1, &sums);
	if (!rc) {
		al_key_id(&k, AL_K_FLEX_TEAM_LIVE, a->team);
		rc = al_txn_scan_prefix(t, &k, live_count_cb, &live);
	}
	if (!rc && (sums.left != tf.left || sums.bought != tf.bought))
		rc = al_err(AUTOLIC_ECORRUPT,
		            "FLEX-12: team %llu records %lld tokens left of %lld bought in its "
		            "unexpired lots, but they hold %lld of %lld",
		            (unsigned long long)a->team, (long long)tf.left, (long long)tf.bought,
		            (long long)sums.left, (long long)sums.bought);
	else if (!rc && tf.next_expiry > sums.first_expiry)
		rc = al_err(AUTOLIC_ECORRUPT,
		            "FLEX-1: team %llu expects no expiry before %lld, but a lot expires at "
		            "%lld",
		            (unsigned long long)a->team, (long long)tf.next_expiry,
		            (long long)sums.first_expiry);
	else if (!rc && !tf.unindexed && live != sums.live)
		rc = al_err(AUTOLIC_ECORRUPT,
		            "FLEX-2: team %llu lists %zu lots as holding tokens, not %zu",
		            (unsigned long long)a->team, live, sums.live);
	int64_t owed_sum = rc ? 0 : -sum_for(c.v, c.n, 0, 0, NULL, NULL);
	if (!rc && (tf.owed < 0 || tf.owed > tf.overage_limit))
		rc = al_err(AUTOLIC_ECORRUPT, "FLEX-5: team %llu owes %lld tokens, outside 0..%lld",
		            (unsigned long long)a->team, (long long)tf.owed,
		            (long long)tf.overage_limit);
	else if (!rc && owed_sum != tf.owed)
		rc = al_err(AUTOLIC_ECORRUPT,
		            "FLEX-10: team %llu owes %lld but its overage entries sum to %lld",
		            (unsigned long long)a->team, (long long)tf.owed, (long long)owed_sum);
	else if (!rc && left - tf.owed != c.total)
		rc = al_err(AUTOLIC_ECORRUPT,
		            "FLEX-10: team %llu has a balance of %lld but its ledger sums to %lld",
		            (unsigned long long)a->team, (long long)(left - tf.owed),
		            (long long)c.total);
	/* entries of lots the team no longer holds (moved away) must cancel out */
	for (size_t i = 0; !rc && i < c.n;) {
		size_t j = i;
		int64_t s = 0;
		while (j < c.n && c.v[j].lot == c.v[i].lot)
			s += c.v[j++].amount;
		if (c.v[i].lot) {
			al_flex_lotrec l;
			rc = al_flex_lot_load(t, c.v[i].lot, &l);
			if (!rc && l.team != a->team && s != 0)
				rc = al_err(AUTOLIC_ECORRUPT,
				            "FLEX-9: lot %llu left team %llu but its entries there "
				            "sum to %lld",
				            (unsigned long long)l.id, (unsigned long long)a->team,
				            (long long)s);
		}
		i = j;
	}
	al_free(t->a, c.v);
	return rc;
}

int autolic_flex_check(autolic_db *db, autolic_id team)
{
	al_err_clear();
	if (!db || !team)
		return al_err(AUTOLIC_EINVAL, "db and team are required");
	check_args a = {team};
	return al_run(db, 0, check_fn, &a);
}

/* Every team with Flex state, as autolic_flex_check() checks one. */
int al_flex_check_all(al_txn *t)
{
	al_idlist teams;
	al_idlist_init(&teams, t->a, 1);
	al_key k;
	al_key_init(&k, AL_K_FLEX_TEAM);
	int rc = al_idlist_scan(t, &k, &teams);
	for (size_t i = 0; !rc && i < teams.n; i++) {
		check_args a = {teams.v[i]};
		rc = check_fn(t, &a);
	}
	al_idlist_free(&teams);
	if (!rc)
		rc = al_flex_idem_check_all(t);
	return rc;
}
