/*
 * Durable notifications (NOTE-1, NOTE-2): every event is recorded by the
 * transaction of its change and read back, in commit order per stream, by
 * named consumers that acknowledge what they delivered; fault loops over
 * writing, reading, acknowledging and trimming; a writer on the journal
 * store killed with SIGKILL at random points.
 */
#include "support.h"
#include "flex_fixture.h"
#include "notification.h"
#include "core/note.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define T0 1767225600LL /* 2026-01-01 */

/* The notices a consumer has not acknowledged, copied (at most 512). */
typedef struct seen {
	struct {
		autolic_notice n;
		char product[64], rule[32], text[512];
		int64_t numbers[16];
	} v[512];
	size_t n;
} seen;

static int read_notes(autolic_db *db, const char *consumer, size_t max, seen *s)
{
	s->n = 0;
	autolic_note_iter *it;
	int rc = autolic_note_iter_new(db, consumer, max, &it);
	if (rc)
		return rc;
	autolic_notice n = {.version = AUTOLIC_NOTICE_VERSION};
	while ((rc = autolic_note_iter_next(it, &n)) == 0) {
		assert_true(s->n < 512);
		assert_true(n.nnumbers <= 16);
		s->v[s->n].n = n;
		snprintf(s->v[s->n].product, 64, "%s", n.product ? n.product : "");
		snprintf(s->v[s->n].rule, 32, "%s", n.rule);
		snprintf(s->v[s->n].text, 512, "%s", n.text);
		if (n.nnumbers)
			memcpy(s->v[s->n].numbers, n.numbers, n.nnumbers * sizeof(int64_t));
		s->n++;
	}
	autolic_note_iter_free(it);
	return rc == AUTOLIC_ITEROVER ? 0 : rc;
}

static void must(int rc, const char *what)
{
	if (rc)
		fail_msg("%s: %d %s", what, rc, autolic_errmsg());
}

/* Acknowledge, for `consumer`, every notice of `s`. */
static void ack_all(autolic_db *db, const char *consumer, const seen *s)
{
	for (size_t i = 0; i < s->n; i++)
		must(autolic_note_ack(db, consumer, s->v[i].n.stream, s->v[i].n.position), "ack");
}

/* NOTE-1: every event the calls raised (invitation, role change, seat grant
 * and revocation, Flex assignment, low balance, lot expiry, order
 * confirmation) is recorded once, with the same fields and text. */
static void test_every_event_recorded(void **state)
{
	(void)state;
	fx x;
	fx_open(&x, T0);
	must(autolic_note_consumer_add(x.db, "audit"), "consumer");
	x.ev.n = 0;
	autolic_id inv;
	must(
	    autolic_account_invite_text(x.db, x.admin, x.team, "Nina New <nina@example.com>", &inv),
	    "invite");
	autolic_id c = fx_seat(x.db, x.admin, x.user, "inventor");
	must(autolic_seat_revoke(x.db, x.admin, c, "inventor", x.user), "revoke");
	must(autolic_team_add_admin(x.db, x.admin, x.team, x.user), "add admin");
	autolic_flex_user_spec us = AUTOLIC_FLEX_USER_SPEC_INIT;
	us.account = inv;
	us.all_products = 1;
	must(autolic_flex_user_assign(x.db, x.admin, x.team, &us, NULL), "assign");
	fx_buy(&x, 20, T0 - 364 * DAY); /* expires tomorrow, 14 tokens left */
	fx_buy(&x, 100, T0);
	autolic_flex_result res;
	for (int d = 0; d < 20 && fx_balance(&x) > 15; d++)
		must(fx_launch(&x, "maya", T0 + d * DAY, &res), "launch");
	assert_true(t_events_count(&x.ev, AUTOLIC_EVENT_FLEX_LOW_BALANCE) >= 1);
	assert_true(t_events_count(&x.ev, AUTOLIC_EVENT_FLEX_LOT_EXPIRED) == 1);
	assert_true(x.ev.n >= 8);

	static seen s;
	must(read_notes(x.db, "audit", 0, &s), "read");
	/* fx_open's own calls raised none but the set-up's */
	assert_true(s.n >= x.ev.n);
	int used[512] = {0};
	for (size_t i = 0; i < x.ev.n; i++) {
		const t_event *e = &x.ev.v[i];
		size_t j;
		for (j = 0; j < s.n; j++)
			if (!used[j] && s.v[j].n.type == e->type &&
			    s.v[j].n.recipient == e->recipient && s.v[j].n.team == e->team &&
			    s.v[j].n.object == e->object && !strcmp(s.v[j].product, e->product) &&
			    !strcmp(s.v[j].rule, e->rule) && !strcmp(s.v[j].text, e->text))
				break;
		if (j == s.n)
			fail_msg("event %zu (%d, %s: %s) has no notice", i, e->type, e->rule,
			         e->text);
		used[j] = 1;
	}
	/* the numbers that matter: FLEX-12 gives the team, the balance, the threshold */
	for (size_t j = 0; j < s.n; j++) {
		const autolic_notice *n = &s.v[j].n;
		if (n->type == AUTOLIC_EVENT_FLEX_LOW_BALANCE) {
			assert_int_equal(n->nnumbers, 3);
			assert_int_equal(s.v[j].numbers[0], (int64_t)x.team);
			assert_true(s.v[j].numbers[1] < s.v[j].numbers[2]);
			assert_int_equal(n->stream, x.team); /* the team's stream */
		}
		if (n->type == AUTOLIC_EVENT_INVITATION_SENT)
			assert_true(n->stream != x.team && n->team == 0 && n->recipient == inv);
	}
	/* within a stream: positions 1, 2, ... in order */
	for (size_t j = 0; j < s.n; j++)
		for (size_t k = j + 1; k < s.n; k++)
			if (s.v[k].n.stream == s.v[j].n.stream)
				assert_true(s.v[k].n.position > s.v[j].n.position);
	fx_close(&x);
}

/* The fixture at T0 with a contract of `qty` seats of "cad" (returned), and
 * the consumer `consumer` when not NULL. */
static autolic_id seat_setup(fx *x, int64_t qty, const char *consumer)
{
	fx_open(x, T0);
	const char *p = "cad";
	autolic_id c = seat_contract(x->db, x->admin, 0, &p, &qty, 1, 1, INT64_MAX / 2);
	if (consumer)
		must(autolic_note_consumer_add(x->db, consumer), "consumer");
	return c;
}

/* NOTE-1: a rolled-back call (a refused one, a batch rolled back, a call
 * that failed inside a batch) leaves no notice; a committed batch has all
 * of its own. */
static void test_rolled_back_leaves_none(void **state)
{
	(void)state;
	fx x;
	autolic_id c = seat_setup(&x, 1, "mailer");
	autolic_id other = t_register(x.db, "o@example.com", "O", "Ther");
	static seen s0, s;
	must(read_notes(x.db, "mailer", 0, &s0), "read");
	/* refused: SEAT-2 */
	must(autolic_seat_grant(x.db, x.admin, c, "cad", x.user), "grant");
	assert_int_equal(autolic_seat_grant(x.db, x.admin, c, "cad", other), AUTOLIC_ENOSEAT);
	must(read_notes(x.db, "mailer", 0, &s), "read");
	assert_int_equal(s.n, s0.n + 1);
	/* a batch rolled back */
	must(autolic_db_begin(x.db), "begin");
	must(autolic_seat_revoke(x.db, x.admin, c, "cad", x.user), "revoke in batch");
	must(autolic_seat_grant(x.db, x.admin, c, "cad", other), "grant in batch");
	must(autolic_db_rollback(x.db), "rollback");
	must(read_notes(x.db, "mailer", 0, &s), "read");
	assert_int_equal(s.n, s0.n + 1);
	/* a batch committed, with a refused call inside it */
	must(autolic_db_begin(x.db), "begin");
	must(autolic_seat_revoke(x.db, x.admin, c, "cad", x.user), "revoke in batch");
	assert_int_equal(autolic_seat_revoke(x.db, x.admin, c, "cad", x.user), AUTOLIC_ENOTFOUND);
	must(autolic_seat_grant(x.db, x.admin, c, "cad", other), "grant in batch");
	must(autolic_db_commit(x.db), "commit");
	must(read_notes(x.db, "mailer", 0, &s), "read");
	assert_int_equal(s.n, s0.n + 3);
	assert_int_equal(s.v[s.n - 2].n.type, AUTOLIC_EVENT_SEAT_REVOKED);
	assert_int_equal(s.v[s.n - 1].n.type, AUTOLIC_EVENT_SEAT_GRANTED);
	assert_int_equal(s.v[s.n - 1].n.recipient, other);
	assert_int_equal(s.v[s.n - 1].n.position, s.v[s.n - 2].n.position + 1);
	fx_close(&x);
}

/* NOTE-2: two consumers keep their own positions; an acknowledged notice is
 * never shown again to that consumer; acknowledging again or lower changes
 * nothing; errors name the rule. */
static void test_consumers_and_ack(void **state)
{
	(void)state;
	fx x;
	autolic_id c = seat_setup(&x, 5, "mailer");
	must(autolic_note_consumer_add(x.db, "audit"), "audit");
	assert_int_equal(autolic_note_consumer_add(x.db, "audit"), AUTOLIC_EEXISTS);
	assert_int_equal(autolic_note_consumer_add(x.db, "bad\nname"), AUTOLIC_EINVAL);
	assert_int_equal(autolic_note_consumer_add(x.db, ""), AUTOLIC_EINVAL);
	autolic_note_iter *it = (autolic_note_iter *)&x;
	assert_int_equal(autolic_note_iter_new(x.db, "nobody", 0, &it), AUTOLIC_ENOTFOUND);
	assert_null(it);
	assert_non_null(strstr(autolic_errmsg(), "NOTE-2"));
	static seen s, m, a;
	must(read_notes(x.db, "mailer", 0, &s), "read");
	size_t base = s.n;
	/* acknowledge everything the mailer saw, stream by stream */
	ack_all(x.db, "mailer", &s);
	must(read_notes(x.db, "mailer", 0, &m), "read");
	assert_int_equal(m.n, 0);
	must(autolic_seat_grant(x.db, x.admin, c, "cad", x.user), "grant");
	must(autolic_seat_revoke(x.db, x.admin, c, "cad", x.user), "revoke");
	must(read_notes(x.db, "mailer", 0, &m), "read");
	assert_int_equal(m.n, 2);
	assert_int_equal(m.v[0].n.type, AUTOLIC_EVENT_SEAT_GRANTED);
	assert_int_equal(m.v[1].n.type, AUTOLIC_EVENT_SEAT_REVOKED);
	must(read_notes(x.db, "audit", 0, &a), "read");
	assert_int_equal(a.n, base + 2);
	/* max: the first one only */
	must(read_notes(x.db, "mailer", 1, &m), "read");
	assert_int_equal(m.n, 1);
	assert_int_equal(m.v[0].n.type, AUTOLIC_EVENT_SEAT_GRANTED);
	uint64_t st = m.v[0].n.stream, p = m.v[0].n.position;
	must(autolic_note_ack(x.db, "mailer", st, p), "ack");
	must(autolic_note_ack(x.db, "mailer", st, p), "ack again");
	must(autolic_note_ack(x.db, "mailer", st, p - 1), "ack lower");
	must(read_notes(x.db, "mailer", 0, &m), "read");
	assert_int_equal(m.n, 1);
	assert_int_equal(m.v[0].n.position, p + 1);
	/* refusals */
	assert_int_equal(autolic_note_ack(x.db, "mailer", st, p + 2), AUTOLIC_EINVAL);
	assert_non_null(strstr(autolic_errmsg(), "NOTE-2"));
	assert_int_equal(autolic_note_ack(x.db, "mailer", st, 0), AUTOLIC_EINVAL);
	assert_int_equal(autolic_note_ack(x.db, "mailer", 999999, 1), AUTOLIC_ENOTFOUND);
	assert_int_equal(autolic_note_ack(x.db, "nobody", st, 1), AUTOLIC_ENOTFOUND);
	assert_int_equal(autolic_note_ack(NULL, "mailer", st, 1), AUTOLIC_EINVAL);
	/* a removed consumer is gone with its positions; a new one of that name sees all */
	must(autolic_note_consumer_remove(x.db, "mailer"), "remove");
	assert_int_equal(autolic_note_consumer_remove(x.db, "mailer"), AUTOLIC_ENOTFOUND);
	must(autolic_note_consumer_add(x.db, "mailer"), "again");
	must(read_notes(x.db, "mailer", 0, &m), "read");
	assert_int_equal(m.n, base + 2);
	fx_close(&x);
}

/* NOTE-2: the streams interleave by time; each keeps its own order. */
static void test_order_across_streams(void **state)
{
	(void)state;
	fx x;
	autolic_id c = seat_setup(&x, 5, "mailer");
	static seen s;
	must(read_notes(x.db, "mailer", 0, &s), "read");
	ack_all(x.db, "mailer", &s);
	x.clock.now = T0 + 10;
	must(autolic_seat_grant(x.db, x.admin, c, "cad", x.user), "grant");
	x.clock.now = T0 + 20;
	autolic_id inv;
	must(
	    autolic_account_invite_text(x.db, x.admin, x.team, "Nina New <nina@example.com>", &inv),
	    "invite");
	x.clock.now = T0 + 30;
	must(autolic_seat_revoke(x.db, x.admin, c, "cad", x.user), "revoke");
	must(read_notes(x.db, "mailer", 0, &s), "read");
	assert_int_equal(s.n, 3);
	assert_int_equal(s.v[0].n.type, AUTOLIC_EVENT_SEAT_GRANTED);
	assert_int_equal(s.v[1].n.type, AUTOLIC_EVENT_INVITATION_SENT);
	assert_int_equal(s.v[2].n.type, AUTOLIC_EVENT_SEAT_REVOKED);
	assert_true(s.v[0].n.stream == s.v[2].n.stream && s.v[1].n.stream != s.v[0].n.stream);
	assert_int_equal(s.v[1].n.position, 1); /* the invitee's own stream */
	fx_close(&x);
}

/* NOTE-2 retention: trimming removes only what every consumer acknowledged,
 * and only once it is `keep` seconds old; positions go on after it. */
static void test_trim(void **state)
{
	(void)state;
	fx x;
	autolic_id c = seat_setup(&x, 5, NULL);
	size_t removed = 99;
	must(autolic_note_consumer_add(x.db, "mailer"), "mailer");
	must(autolic_note_consumer_add(x.db, "audit"), "audit");
	static seen s, a;
	must(read_notes(x.db, "mailer", 0, &s), "read");
	assert_true(s.n > 0);
	ack_all(x.db, "mailer", &s);
	must(autolic_note_trim(x.db, 0, &removed), "trim");
	assert_int_equal(removed, 0); /* audit holds them */
	must(read_notes(x.db, "audit", 0, &a), "read");
	assert_int_equal(a.n, s.n);
	ack_all(x.db, "audit", &a);
	x.clock.now = T0 + 100;
	must(autolic_note_trim(x.db, 101, &removed), "trim, too young");
	assert_int_equal(removed, 0);
	assert_int_equal(autolic_note_trim(x.db, -1, &removed), AUTOLIC_EINVAL);
	must(autolic_note_trim(x.db, 100, &removed), "trim");
	assert_int_equal(removed, s.n);
	/* a new consumer sees nothing trimmed; later notices go on numbering */
	must(autolic_note_consumer_add(x.db, "late"), "late");
	must(read_notes(x.db, "late", 0, &a), "read");
	assert_int_equal(a.n, 0);
	must(autolic_seat_grant(x.db, x.admin, c, "cad", x.user), "grant");
	must(read_notes(x.db, "late", 0, &a), "read");
	assert_int_equal(a.n, 1);
	uint64_t last = 0;
	for (size_t i = 0; i < s.n; i++)
		if (s.v[i].n.stream == a.v[0].n.stream && s.v[i].n.position > last)
			last = s.v[i].n.position;
	assert_int_equal(a.v[0].n.position, last + 1);
	fx_close(&x);
}

/* Retention without consumers: every notice old enough counts as
 * acknowledged, so a host that only uses the event handler can bound its store. */
static void test_trim_without_consumers(void **state)
{
	(void)state;
	fx x;
	autolic_id c = seat_setup(&x, 5, NULL);
	x.clock.now = T0 + 10;
	must(autolic_seat_grant(x.db, x.admin, c, "cad", x.user), "grant");
	size_t removed = 99;
	must(autolic_note_trim(x.db, 11, &removed), "trim, too young");
	assert_int_equal(removed, 0);
	must(autolic_note_trim(x.db, 10, &removed), "trim");
	assert_int_equal(removed, 1); /* the purchase's, at T0 */
	must(autolic_note_trim(x.db, 0, &removed), "trim");
	assert_int_equal(removed, 1); /* the grant's, at T0 + 10 */
	must(autolic_note_consumer_add(x.db, "late"), "late");
	static seen a;
	must(read_notes(x.db, "late", 0, &a), "read");
	assert_int_equal(a.n, 0);
	fx_close(&x);
}

/* Damage put straight into the store. */
typedef struct damage {
	int kind; /* 0 a notice whose template and arguments disagree, 1 a
	             position beyond the head, 2 a position of no consumer */
	uint64_t stream, pos;
} damage;

static int damage_fn(al_txn *t, void *arg)
{
	damage *d = arg;
	al_key k;
	al_buf b;
	al_buf_init(&b, t->a);
	if (d->kind == 0) {
		al_rec_begin(&b, AL_K_NOTE);
		al_enc_u8(&b, AUTOLIC_EVENT_SEAT_GRANTED);
		al_enc_i64(&b, T0);
		for (int i = 0; i < 3; i++)
			al_enc_u64(&b, 1);
		al_enc_str(&b, "cad");
		al_enc_str(&b, "SEAT-3");
		al_enc_str(&b, "%s and %s"); /* two conversions, one argument */
		al_enc_u8(&b, 1);
		al_enc_u8(&b, 's');
		al_enc_str(&b, "one");
		al_note_key(&k, d->stream, d->pos);
	} else {
		al_rec_begin(&b, AL_K_NOTE_POS);
		al_enc_u64(&b, d->pos);
		al_key_init(&k, AL_K_NOTE_POS);
		al_key_str(&k, d->kind == 1 ? "mailer" : "ghost");
		al_key_u64(&k, d->stream);
	}
	int rc = al_txn_put(t, &k, &b);
	al_buf_free(&b);
	return rc;
}

/* autolic_db_check() reads every notice (NOTE-1) and every position (NOTE-2):
 * damage to either is reported, naming the rule; a notice that cannot be
 * rendered is refused by the reader, never shown garbled. */
static void test_check_damage(void **state)
{
	(void)state;
	for (int kind = 0; kind < 3; kind++) {
		fx x;
		autolic_id c = seat_setup(&x, 5, "mailer");
		must(autolic_seat_grant(x.db, x.admin, c, "cad", x.user), "grant");
		static seen s;
		must(read_notes(x.db, "mailer", 0, &s), "read");
		const autolic_notice *last = &s.v[s.n - 1].n;
		must(autolic_db_check(x.db), "check before");
		damage d = {kind, last->stream, kind == 0 ? last->position : last->position + 1};
		must(al_run(x.db, 1, damage_fn, &d), "damage");
		assert_int_equal(autolic_db_check(x.db), AUTOLIC_ECORRUPT);
		if (kind == 0) {
			assert_non_null(strstr(autolic_errmsg(), "notice"));
			assert_int_equal(read_notes(x.db, "mailer", 0, &s), AUTOLIC_ECORRUPT);
		} else {
			assert_non_null(strstr(autolic_errmsg(), "NOTE-2"));
			assert_non_null(
			    strstr(autolic_errmsg(), kind == 1 ? "beyond" : "no consumer"));
		}
		fx_close(&x);
	}
}

/* ---- fault loops: nothing changes on failure (state and positions) ---- */

typedef struct floop {
	autolic_id admin, user, contract;
} floop;

static int fl_setup(autolic_db *db, t_clock *c, void *ctx)
{
	floop *f = ctx;
	c->now = T0;
	f->admin = t_register(db, "admin@example.com", "Ada", "Admin");
	f->user = t_register(db, "user@example.com", "Ugo", "User");
	const char *p = "cad";
	int64_t q = 3;
	f->contract = seat_contract(db, f->admin, 0, &p, &q, 1, 1, INT64_MAX / 2);
	int rc = autolic_note_consumer_add(db, "mailer");
	if (!rc)
		rc = autolic_note_consumer_add(db, "audit");
	return rc;
}

static int fl_grant(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	floop *f = ctx;
	return autolic_seat_grant(db, f->admin, f->contract, "cad", f->user);
}

static int fl_read(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	(void)ctx;
	autolic_note_iter *it;
	int rc = autolic_note_iter_new(db, "mailer", 0, &it);
	if (rc)
		return rc;
	autolic_notice n = {.version = AUTOLIC_NOTICE_VERSION};
	size_t k = 0;
	while (autolic_note_iter_next(it, &n) == 0)
		k++;
	autolic_note_iter_free(it);
	return k > 0 ? 0 : AUTOLIC_ERROR;
}

/* Acknowledge the first notice of each stream the mailer has unread. */
static int fl_ack(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	(void)ctx;
	autolic_note_iter *it;
	int rc = autolic_note_iter_new(db, "mailer", 0, &it);
	if (rc)
		return rc;
	autolic_notice n = {.version = AUTOLIC_NOTICE_VERSION};
	if (autolic_note_iter_next(it, &n) == 0)
		rc = autolic_note_ack(db, "mailer", n.stream, n.position);
	autolic_note_iter_free(it);
	return rc;
}

static int fl_trim_setup(autolic_db *db, t_clock *c, void *ctx)
{
	int rc = fl_setup(db, c, ctx);
	floop *f = ctx;
	if (!rc)
		rc = autolic_seat_grant(db, f->admin, f->contract, "cad", f->user);
	const char *who[] = {"mailer", "audit"};
	for (int w = 0; !rc && w < 2; w++) {
		autolic_note_iter *it;
		rc = autolic_note_iter_new(db, who[w], 0, &it);
		autolic_notice n = {.version = AUTOLIC_NOTICE_VERSION};
		while (!rc && autolic_note_iter_next(it, &n) == 0)
			rc = autolic_note_ack(db, who[w], n.stream, n.position);
		autolic_note_iter_free(it);
	}
	c->now = T0 + 50;
	return rc;
}

static int fl_trim(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	(void)ctx;
	size_t removed;
	int rc = autolic_note_trim(db, 10, &removed);
	return rc ? rc : removed > 0 ? 0 : AUTOLIC_ERROR;
}

static int fl_consumer_add(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	(void)ctx;
	return autolic_note_consumer_add(db, "pager");
}

static int fl_consumer_remove(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	(void)ctx;
	return autolic_note_consumer_remove(db, "audit");
}

/* The fault loop of `step` after `setup`; prints and returns the number of faulted runs. */
static long floop_run(t_setup_fn setup, t_step_fn step, const char *what)
{
	floop f;
	long runs = t_fault_loop(setup, step, &f);
	print_message("%s: %ld faulted runs, the store unchanged by each\n", what, runs);
	return runs;
}

/* NOTE-1: a notifying call failed at every storage operation and every
 * allocation leaves the store (notices, stream heads, positions) as it was. */
static void test_fault_write(void **state)
{
	(void)state;
	assert_true(floop_run(fl_setup, fl_grant, "NOTE-1 write (seat grant)") > 10);
}

/* NOTE-2: reading, acknowledging, trimming and managing consumers, failed at
 * every step, change nothing and leak nothing. */
static void test_fault_read(void **state)
{
	(void)state;
	assert_true(floop_run(fl_setup, fl_read, "NOTE-2 read") > 5);
}

static void test_fault_ack(void **state)
{
	(void)state;
	assert_true(floop_run(fl_setup, fl_ack, "NOTE-2 acknowledge") > 5);
}

static void test_fault_trim(void **state)
{
	(void)state;
	assert_true(floop_run(fl_trim_setup, fl_trim, "NOTE-2 trim") > 5);
}

static void test_fault_consumers(void **state)
{
	(void)state;
	assert_true(floop_run(fl_setup, fl_consumer_add, "NOTE-2 consumer add") > 3);
	assert_true(floop_run(fl_trim_setup, fl_consumer_remove, "NOTE-2 consumer remove") > 3);
}

/* ---- SIGKILL on the journal store ---- */

/* What the killed writer reports on its pipe after each call returned. */
typedef struct kmsg {
	int what; /* 1 a toggle committed, 2 an acknowledgement, 0 nothing */
	int consumer;
	uint64_t position;
} kmsg;

static const char *const kconsumers[] = {"mailer", "audit"};

static autolic_db *kopen(const char *path, t_clock *c)
{
	autolic_storage st;
	if (autolic_store_journal_open(&st, path, NULL))
		return NULL;
	autolic_db_options o = AUTOLIC_DB_OPTIONS_INIT;
	o.storage = &st;
	o.clock = t_clock_fn;
	o.clock_ctx = c;
	autolic_db *db = NULL;
	if (autolic_db_open(&db, &o))
		st.free(st.ctx);
	return db;
}

static void kwrite(int fd, int what, int consumer, uint64_t position)
{
	kmsg m = {what, consumer, position};
	if (write(fd, &m, sizeof m) != (ssize_t)sizeof m)
		_exit(3);
}

/* The writer: toggles one seat (SEAT-3 notices), rolls back batches that
 * would notify, acknowledges what its consumers read and trims, until killed. */
static void kchild(const char *path, int fd, autolic_id admin, autolic_id user, autolic_id c,
                   uint64_t seed)
{
	t_clock clk = {T0 + 1000};
	autolic_db *db = kopen(path, &clk);
	if (!db)
		_exit(2);
	uint64_t r = seed;
	for (;;) {
		r = r * 6364136223846793005ULL + 1442695040888963407ULL;
		unsigned op = (unsigned)(r >> 33) % 8;
		clk.now++;
		autolic_seat_summary sum = {.version = AUTOLIC_SEAT_SUMMARY_VERSION};
		if (autolic_seat_summary_get(db, c, "cad", &sum))
			_exit(4);
		if (op <= 3) {
			int rc = sum.granted ? autolic_seat_revoke(db, admin, c, "cad", user)
			                     : autolic_seat_grant(db, admin, c, "cad", user);
			if (rc)
				_exit(5);
			kwrite(fd, 1, 0, 0);
		} else if (op == 4) {
			/* a batch that would notify, rolled back */
			if (autolic_db_begin(db))
				_exit(6);
			int rc = sum.granted ? autolic_seat_revoke(db, admin, c, "cad", user)
			                     : autolic_seat_grant(db, admin, c, "cad", user);
			if (rc || autolic_db_rollback(db))
				_exit(7);
		} else if (op <= 6) {
			int who = op - 5;
			autolic_note_iter *it;
			if (autolic_note_iter_new(db, kconsumers[who], 1 + (r >> 40) % 4, &it))
				_exit(8);
			autolic_notice n = {.version = AUTOLIC_NOTICE_VERSION}, last = n;
			while (autolic_note_iter_next(it, &n) == 0)
				last = n;
			autolic_note_iter_free(it);
			if (last.position) {
				if (autolic_note_ack(db, kconsumers[who], last.stream,
				                     last.position))
					_exit(9);
				kwrite(fd, 2, who, last.position);
			}
		} else {
			size_t removed;
			if (autolic_note_trim(db, 0, &removed))
				_exit(10);
		}
	}
}

typedef struct kraw_args {
	const char *consumer; /* NULL: the stream's head */
	uint64_t stream, v;
} kraw_args;

static int kraw_fn(al_txn *t, void *arg)
{
	kraw_args *a = arg;
	return a->consumer ? al_note_position(t, a->consumer, a->stream, &a->v)
	                   : al_note_head(t, a->stream, &a->v);
}

/* A stream's head (consumer NULL) or a consumer's position in it, as stored. */
static uint64_t kraw(autolic_db *db, const char *consumer, uint64_t stream)
{
	kraw_args a = {consumer, stream, 0};
	must(al_run(db, 0, kraw_fn, &a), "raw read");
	return a.v;
}

/* NOTE-1, NOTE-2: a writer killed at >= 200 random points. After each
 * reopen: every committed toggle has its notice (the stream's notices
 * alternate grant, revoke, as the seat's state says, so a rolled-back call
 * left none); each consumer's position is at least what it was told was
 * acknowledged; it is shown every notice after its position, contiguous,
 * up to the stream's last, and none at or before it. */
static void test_sigkill_journal(void **state)
{
	(void)state;
	char dir[] = "/tmp/autolic-note-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[300];
	snprintf(path, sizeof path, "%s/notes.journal", dir);
	const char *e = getenv("AUTOLIC_QUICK_TESTS");
	int kills = e && *e && strcmp(e, "0") != 0 ? 20 : 200;
	uint64_t seed = (uint64_t)time(NULL) * 2654435761u | 1;
	t_clock clk = {T0};
	autolic_db *db = kopen(path, &clk);
	assert_non_null(db);
	autolic_id admin = t_register(db, "admin@example.com", "Ada", "Admin");
	autolic_id user = t_register(db, "user@example.com", "Ugo", "User");
	autolic_team_spec ts = AUTOLIC_TEAM_SPEC_INIT;
	ts.name = "Soak";
	autolic_id team;
	must(autolic_team_create(db, admin, &ts, &team), "team");
	const char *p = "cad";
	int64_t q = 1;
	autolic_id c = seat_contract(db, admin, 0, &p, &q, 1, 1, INT64_MAX / 2);
	for (int w = 0; w < 2; w++)
		must(autolic_note_consumer_add(db, kconsumers[w]), "consumer");
	uint64_t base = kraw(db, NULL, team);
	autolic_db_close(db);
	uint64_t known = 0, acked[2] = {0, 0}, toggles = 0, acks = 0;
	for (int it = 0; it < kills; it++) {
		int pp[2];
		assert_int_equal(pipe(pp), 0);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			close(pp[0]);
			kchild(path, pp[1], admin, user, c, seed + (uint64_t)it * 7919);
		}
		close(pp[1]);
		seed = seed * 6364136223846793005ULL + 1;
		usleep((useconds_t)((seed >> 33) % (it % 4 == 0 ? 3000 : 30000)));
		kill(pid, SIGKILL);
		int ws;
		assert_int_equal(waitpid(pid, &ws, 0), pid);
		if (!WIFSIGNALED(ws))
			fail_msg("writer exited by itself (status %d) at kill %d", WEXITSTATUS(ws),
			         it);
		uint64_t reported = 0;
		kmsg m;
		while (read(pp[0], &m, sizeof m) == (ssize_t)sizeof m) {
			if (m.what == 1)
				reported++;
			else if (m.what == 2 && m.position > acked[m.consumer])
				acked[m.consumer] = m.position;
			acks += m.what == 2;
		}
		close(pp[0]);
		toggles += reported;
		db = kopen(path, &clk);
		if (!db)
			fail_msg("kill %d: reopen: %s", it, autolic_errmsg());
		uint64_t head = kraw(db, NULL, team), n = head - base;
		/* every committed toggle has its notice; at most one more committed
		 * than the writer lived to report */
		if (head < base || n < known + reported || n > known + reported + 1)
			fail_msg("kill %d: %llu notices after %llu known and %llu reported toggles",
			         it, (unsigned long long)n, (unsigned long long)known,
			         (unsigned long long)reported);
		known = n;
		autolic_seat_summary sum = {.version = AUTOLIC_SEAT_SUMMARY_VERSION};
		must(autolic_seat_summary_get(db, c, "cad", &sum), "summary");
		if (sum.granted != (n % 2))
			fail_msg("kill %d: %llu notices but %u seats granted", it,
			         (unsigned long long)n, sum.granted);
		for (int w = 0; w < 2; w++) {
			uint64_t pos = kraw(db, kconsumers[w], team);
			if (pos < acked[w] || pos > head)
				fail_msg("kill %d: %s at %llu, told %llu, head %llu", it,
				         kconsumers[w], (unsigned long long)pos,
				         (unsigned long long)acked[w], (unsigned long long)head);
			autolic_note_iter *ni;
			must(autolic_note_iter_new(db, kconsumers[w], 0, &ni), "read");
			autolic_notice nb = {.version = AUTOLIC_NOTICE_VERSION}, *x = &nb;
			uint64_t next = pos + 1;
			while (autolic_note_iter_next(ni, &nb) == 0) {
				if (x->stream != team)
					continue;
				if (x->position != next)
					fail_msg("kill %d: %s shown %llu, expected %llu", it,
					         kconsumers[w], (unsigned long long)x->position,
					         (unsigned long long)next);
				int want = x->position > base && (x->position - base) % 2
				               ? AUTOLIC_EVENT_SEAT_GRANTED
				               : AUTOLIC_EVENT_SEAT_REVOKED;
				if (x->position > base && x->type != want)
					fail_msg("kill %d: notice %llu is %d, not %d", it,
					         (unsigned long long)x->position, x->type, want);
				next++;
			}
			autolic_note_iter_free(ni);
			if (next != head + 1)
				fail_msg("kill %d: %s shown up to %llu of %llu", it, kconsumers[w],
				         (unsigned long long)next - 1, (unsigned long long)head);
		}
		must(autolic_db_check(db), "check");
		autolic_db_close(db);
	}
	print_message("SIGKILL: %d kills, %llu toggles reported, %llu notices, %llu "
	              "acknowledgements, none lost or shown again\n",
	              kills, (unsigned long long)toggles, (unsigned long long)known,
	              (unsigned long long)acks);
	assert_true(known > 0 && acks > 0);
	unlink(path);
	char tmp[320];
	snprintf(tmp, sizeof tmp, "%s.compact", path);
	unlink(tmp);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_event_recorded),
	    cmocka_unit_test(test_rolled_back_leaves_none),
	    cmocka_unit_test(test_consumers_and_ack),
	    cmocka_unit_test(test_order_across_streams),
	    cmocka_unit_test(test_trim),
	    cmocka_unit_test(test_trim_without_consumers),
	    cmocka_unit_test(test_check_damage),
	    cmocka_unit_test(test_fault_write),
	    cmocka_unit_test(test_fault_read),
	    cmocka_unit_test(test_fault_ack),
	    cmocka_unit_test(test_fault_trim),
	    cmocka_unit_test(test_fault_consumers),
	    cmocka_unit_test(test_sigkill_journal),
	};
	return t_run_group("notification", tests, NULL, NULL);
}
