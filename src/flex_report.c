/*
 * Flex tokens: what a team's tokens look like (balance now and at any
 * instant, FLEX-10/11), the ledger and usage reports (iterators and CSV,
 * FLEX-11), and the invariant check (FLEX-1, FLEX-10).
 */
#include "flex_internal.h"
#include "core/snap.h"

#include "account.h"
#include "team.h"
#include "autolic/team.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- position now ---- */

typedef struct {
	autolic_id team;
	autolic_flex_team_info info;
} team_get_args;

static int team_get_fn(al_txn *t, void *arg)
{
	team_get_args *a = arg;
	al_flex_team tf;
	int64_t left, unexpired;
	int rc = al_flex_team_load(t, a->team, &tf);
	if (!rc)
		rc = al_flex_position(t, &tf, &left, &unexpired);
	if (rc)
		return rc;
	autolic_flex_team_info *i = &a->info;
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
	if (info->version == 0 || info->version > AUTOLIC_FLEX_TEAM_INFO_VERSION)
		return al_err(AUTOLIC_EVERSION,
		              "autolic_flex_team_info version %u is not supported", info->version);
	team_get_args a;
	memset(&a, 0, sizeof a);
	a.team = team;
	int rc = al_run(db, 0, team_get_fn, &a);
	if (!rc) {
		a.info.version = info->version;
		*info = a.info;
	}
	return rc;
}

/* ---- balance at an instant, from the ledger ---- */

typedef struct {
	autolic_time at;
	int64_t sum;
} sum_scan;

static int sum_cb(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	sum_scan *s = arg;
	autolic_flex_entry e;
	int rc = al_flex_entry_decode(key, klen, val, vlen, &e);
	if (!rc && e.time <= s->at)
		s->sum += e.amount;
	return rc;
}

static void ledger_prefix(al_key *k, autolic_id team)
{
	al_key_init(k, AL_K_FLEX_LEDGER);
	al_key_u64(k, team);
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

typedef struct {
	autolic_id team;
	autolic_time at;
	int64_t balance;
} balance_args;

static int balance_fn(al_txn *t, void *arg)
{
	balance_args *a = arg;
	al_flex_team tf;
	int rc = al_flex_team_load(t, a->team, &tf);
	if (rc)
		return rc;
	sum_scan s = {a->at, 0};
	al_key k;
	ledger_prefix(&k, a->team);
	if ((rc = al_txn_scan_prefix(t, &k, sum_cb, &s)) != 0)
		return rc;
	/* SEAM-5: an expiry that is due counts as recorded */
	autolic_flex_entry *due;
	size_t n;
	if ((rc = due_entries(t, &tf, &due, &n)) != 0)
		return rc;
	for (size_t i = 0; i < n; i++)
		if (due[i].time <= a->at)
			s.sum += due[i].amount;
	al_free(t->a, due);
	a->balance = s.sum;
	return 0;
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
	al_alloc a;
	autolic_flex_entry *v;
	size_t n, cap, pos;
	autolic_time from, to;
	unsigned int mask;
};

/* Keep `e` when it is in the iterator's period and mask. */
static int ledger_keep(autolic_flex_ledger_iter *it, const autolic_flex_entry *e)
{
	if (e->time < it->from || e->time >= it->to || !(it->mask & AUTOLIC_FLEX_MASK(e->type)))
		return 0;
	if (it->n == it->cap) {
		size_t cap = it->cap ? it->cap * 2 : 16;
		autolic_flex_entry *p = al_realloc(&it->a, it->v, cap * sizeof(*p));
		if (!p)
			return al_err(AUTOLIC_ENOMEM, "out of memory listing the ledger");
		it->v = p;
		it->cap = cap;
	}
	it->v[it->n++] = *e;
	return 0;
}

static int ledger_cb(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	autolic_flex_entry e;
	int rc = al_flex_entry_decode(key, klen, val, vlen, &e);
	return rc ? rc : ledger_keep(arg, &e);
}

typedef struct {
	autolic_id team;
	autolic_flex_ledger_iter *it;
} ledger_args;

static int ledger_fn(al_txn *t, void *arg)
{
	ledger_args *a = arg;
	a->it->n = 0; /* a retried attempt starts over */
	al_flex_team tf;
	int rc = al_flex_team_load(t, a->team, &tf);
	if (rc)
		return rc;
	al_key k;
	ledger_prefix(&k, a->team);
	if ((rc = al_txn_scan_prefix(t, &k, ledger_cb, a->it)) != 0)
		return rc;
	/* SEAM-5: the expiries that are due, as they will be recorded */
	autolic_flex_entry *due;
	size_t n;
	if ((rc = due_entries(t, &tf, &due, &n)) != 0)
		return rc;
	for (size_t i = 0; !rc && i < n; i++)
		rc = ledger_keep(a->it, &due[i]);
	al_free(t->a, due);
	return rc;
}

int autolic_flex_ledger_open(autolic_db *db, autolic_id team, autolic_time from, autolic_time to,
                             unsigned int mask, autolic_flex_ledger_iter **out)
{
	al_err_clear();
	if (out)
		*out = NULL;
	if (!db || !team || !out)
		return al_err(AUTOLIC_EINVAL, "db, team and out are required");
	if (to <= from)
		return al_err(AUTOLIC_EINVAL, "FLEX-11: the period must end after it starts");
	const al_alloc *al = al_db_alloc(db);
	autolic_flex_ledger_iter *it = al_calloc(al, 1, sizeof(*it));
	if (!it)
		return al_err(AUTOLIC_ENOMEM, "out of memory");
	it->a = *al;
	it->from = from;
	it->to = to;
	it->mask = mask;
	ledger_args a = {team, it};
	int rc = al_run(db, 0, ledger_fn, &a);
	if (rc) {
		autolic_flex_ledger_free(it);
		return rc;
	}
	*out = it;
	return 0;
}

int autolic_flex_ledger_next(autolic_flex_ledger_iter *it, autolic_flex_entry *entry)
{
	al_err_clear();
	if (!it || !entry)
		return al_err(AUTOLIC_EINVAL, "iterator and entry are required");
	int rc = al_version_check(entry->version, AUTOLIC_FLEX_ENTRY_VERSION, "autolic_flex_entry");
	return rc ? rc : al_snap_next(it->v, it->n, &it->pos, sizeof *entry, entry);
}

void autolic_flex_ledger_free(autolic_flex_ledger_iter *it)
{
	if (!it)
		return;
	al_alloc a = it->a;
	al_free(&a, it->v);
	al_free(&a, it);
}

/* ---- usage iterator ---- */

typedef struct urow {
	autolic_flex_usage_row row;
	autolic_flex_share *lots;
} urow;

struct autolic_flex_usage_iter {
	al_alloc a;
	char team_name[AUTOLIC_TEAM_NAME_MAX + 1]; /* for the CSV's team_name column */
	urow *v;
	size_t n, cap, pos;
};

static void usage_clear(autolic_flex_usage_iter *it)
{
	for (size_t i = 0; i < it->n; i++)
		al_free(&it->a, it->v[i].lots);
	it->n = 0;
}

static int usage_cb(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	autolic_flex_usage_iter *it = arg;
	if (klen != 25)
		return al_err(AUTOLIC_ECORRUPT, "Flex usage record: bad key");
	if (it->n == it->cap) {
		size_t cap = it->cap ? it->cap * 2 : 16;
		urow *p = al_realloc(&it->a, it->v, cap * sizeof(*p));
		if (!p)
			return al_err(AUTOLIC_ENOMEM, "out of memory listing usage");
		it->v = p;
		it->cap = cap;
	}
	urow *u = &it->v[it->n];
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
	if ((rc = al_flex_dec_draws(&r, &it->a, &d, &n)) != 0)
		return rc;
	if ((rc = al_rd_done(&r)) != 0) {
		al_free(&it->a, d);
		return rc;
	}
	/* al_flex_draw and autolic_flex_share have the same members */
	u->lots = (autolic_flex_share *)(void *)d;
	row->n_lots = n;
	it->n++;
	return 0;
}

typedef struct {
	autolic_id team;
	autolic_time from, to;
	autolic_flex_usage_iter *it;
} usage_args;

static int usage_fn(al_txn *t, void *arg)
{
	usage_args *a = arg;
	usage_clear(a->it);
	int rc = al_team_name(t, a->team, a->it->team_name, sizeof a->it->team_name);
	if (rc)
		return rc;
	al_key s, e;
	al_key_init(&s, AL_K_FLEX_USAGE);
	al_key_u64(&s, a->team);
	e = s;
	al_key_i64(&s, a->from);
	al_key_i64(&e, a->to);
	if ((rc = al_txn_scan(t, &s, &e, usage_cb, a->it)) != 0)
		return rc;
	for (size_t i = 0; i < a->it->n; i++) {
		autolic_flex_usage_row *row = &a->it->v[i].row;
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
	al_err_clear();
	if (out)
		*out = NULL;
	if (!db || !team || !out)
		return al_err(AUTOLIC_EINVAL, "db, team and out are required");
	if (to <= from)
		return al_err(AUTOLIC_EINVAL, "FLEX-11: the period must end after it starts");
	const al_alloc *al = al_db_alloc(db);
	autolic_flex_usage_iter *it = al_calloc(al, 1, sizeof(*it));
	if (!it)
		return al_err(AUTOLIC_ENOMEM, "out of memory");
	it->a = *al;
	usage_args a = {team, from, to, it};
	int rc = al_run(db, 0, usage_fn, &a);
	if (rc) {
		autolic_flex_usage_free(it);
		return rc;
	}
	*out = it;
	return 0;
}

int autolic_flex_usage_next(autolic_flex_usage_iter *it, autolic_flex_usage_row *row)
{
	al_err_clear();
	if (!it || !row)
		return al_err(AUTOLIC_EINVAL, "iterator and row are required");
	int rc = al_version_check(row->version, AUTOLIC_FLEX_USAGE_ROW_VERSION,
	                          "autolic_flex_usage_row");
	if (rc)
		return rc;
	if (it->pos >= it->n)
		return AUTOLIC_ITEROVER;
	unsigned int version = row->version;
	urow *u = &it->v[it->pos++];
	*row = u->row;
	row->version = version;
	row->lots = u->lots;
	return 0;
}

void autolic_flex_usage_free(autolic_flex_usage_iter *it)
{
	if (!it)
		return;
	al_alloc a = it->a;
	usage_clear(it);
	al_free(&a, it->v);
	al_free(&a, it);
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
	struct tm tm;
	time_t tt = (time_t)r->day;
	if (gmtime_r(&tt, &tm))
		strftime(tmp, sizeof tmp, "%Y-%m-%dT%H:%M:%SZ", &tm);
	else
		snprintf(tmp, sizeof tmp, "%lld", (long long)r->day);
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
	al_buf_init(&b, &it->a);
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
	const al_alloc *a;
	lot_sum *v;
	size_t n, cap;
	int64_t total;
} check_scan;

static int check_cb(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	check_scan *c = arg;
	autolic_flex_entry e;
	int rc = al_flex_entry_decode(key, klen, val, vlen, &e);
	if (rc)
		return rc;
	c->total += e.amount;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		lot_sum *p = al_realloc(c->a, c->v, cap * sizeof(*p));
		if (!p)
			return al_err(AUTOLIC_ENOMEM, "out of memory checking the ledger");
		c->v = p;
		c->cap = cap;
	}
	c->v[c->n].lot = e.lot;
	c->v[c->n].amount = e.amount;
	c->v[c->n].time = e.time;
	c->v[c->n].raise = (e.type == AUTOLIC_FLEX_ADJUST && e.amount > 0) ||
	                   e.type == AUTOLIC_FLEX_MOVE_IN;
	c->n++;
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
			al_flex_live_key(&k, tf->id, l->expires, l->id);
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
	int rc = al_flex_team_load(t, a->team, &tf);
	if (rc)
		return rc;
	check_scan c = {t->a, NULL, 0, 0, 0};
	al_key k;
	ledger_prefix(&k, a->team);
	rc = al_txn_scan_prefix(t, &k, check_cb, &c);
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
		al_flex_live_key(&k, a->team, 0, 0);
		k.len = 9; /* the team's part of the key */
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
	al_flex_ids teams = {NULL, 0, 0, t->a};
	al_key k;
	al_key_init(&k, AL_K_FLEX_TEAM);
	int rc = al_txn_scan_prefix(t, &k, al_flex_collect_cb, &teams);
	for (size_t i = 0; !rc && i < teams.n; i++) {
		check_args a = {teams.v[i]};
		rc = check_fn(t, &a);
	}
	al_flex_ids_free(&teams);
	if (!rc)
		rc = al_flex_idem_check_all(t);
	return rc;
}
