/*
 * SEAM-3 across the nouns: everyone the team's seats or Flex tokens serve is
 * a member of the team. A Flex assignment makes a member as a seat grant
 * does; removing the member removes its Flex rights with its seats (SEAT-4);
 * a store written before (1.0, or any store without these members) is
 * upgraded once at open (store level 2, docs/record-format.md).
 */
#include "flex_fixture.h"
#include "t_roles.h"
#include "core/codec.h"
#include "core/keys.h"

#include <stdlib.h>
#include <string.h>

#define T0 1767225600 /* 2026-01-01T00:00:00Z */

/* ---- who the team's users are, by every listing ---- */

static int role_of(autolic_db *db, autolic_id team, autolic_id account)
{
	int role = -1;
	T_OK(autolic_team_role_get(db, team, account, &role));
	return role;
}

/* 1 when `account` is among the team's members by every listing (the
 * team's accounts, the account's teams, its role, and the members of
 * `contract` when not 0), 0 when in none; a listing that disagrees fails. */
static int member_everywhere(autolic_db *db, autolic_id team, autolic_id contract,
                             autolic_id account)
{
	int in_accounts = 0, in_teams = 0;
	autolic_account_iter *ai;
	T_OK(autolic_account_iter_new(db, team, &ai));
	autolic_account_info a = {.version = AUTOLIC_ACCOUNT_INFO_VERSION};
	while (autolic_account_iter_next(ai, &a) == 0)
		in_accounts |= a.id == account;
	autolic_account_iter_free(ai);
	autolic_team_iter *ti;
	T_OK(autolic_team_iter_new(db, account, &ti));
	autolic_team_membership tm = {.version = AUTOLIC_TEAM_MEMBERSHIP_VERSION};
	while (autolic_team_iter_next(ti, &tm) == 0)
		if (tm.team == team) {
			in_teams = 1;
			assert_int_equal(tm.role, role_of(db, team, account));
		}
	autolic_team_iter_free(ti);
	int in_contract = in_accounts;
	if (contract) {
		in_contract = 0;
		autolic_contract_member_iter *mi;
		T_OK(autolic_contract_member_iter_new(db, contract, &mi));
		autolic_contract_member m = {.version = AUTOLIC_CONTRACT_MEMBER_VERSION};
		while (autolic_contract_member_iter_next(mi, &m) == 0)
			in_contract |= m.account == account;
		autolic_contract_member_iter_free(mi);
	}
	int in_role = role_of(db, team, account) != AUTOLIC_TEAM_NONE;
	if (in_accounts != in_teams || in_accounts != in_role || in_accounts != in_contract)
		fail_msg(
		    "account %llu: team accounts %d, its teams %d, role %d, contract members %d",
		    (unsigned long long)account, in_accounts, in_teams, in_role, in_contract);
	return in_accounts;
}

static int flex_allowed(autolic_db *db, autolic_id team, autolic_id account, const char *product)
{
	int ok = -1;
	T_OK(autolic_flex_user_allowed(db, team, account, product, &ok));
	return ok;
}

static int assign(autolic_db *db, autolic_id actor, autolic_id team, autolic_id account,
                  const char *person, int by_import, autolic_id *id)
{
	autolic_flex_user_spec s = AUTOLIC_FLEX_USER_SPEC_INIT;
	s.account = account;
	s.person = person;
	s.all_products = 1;
	s.by_import = by_import;
	return autolic_flex_user_assign(db, actor, team, &s, id);
}

/* ---- Flex assignment makes a member ---- */

typedef struct world {
	t_faulty f;
	t_clock clock;
	t_events ev;
	autolic_db *db;
	autolic_id admin, sc, team, contract, u1, u2, outsider;
} world;

static void world_open(world *w)
{
	memset(w, 0, sizeof(*w));
	w->clock.now = T0;
	w->db = t_open(&w->f, &w->clock, &w->ev, NULL);
	w->admin = t_register(w->db, "admin@example.com", "Ada", "Admin");
	w->sc = t_register(w->db, "sc@example.com", "Sam", "Coordinator");
	w->u1 = t_register(w->db, "u1@example.com", "Una", "One");
	w->u2 = t_register(w->db, "u2@example.com", "Ugo", "Two");
	w->outsider = t_register(w->db, "out@example.com", "Otto", "Side");
	w->team = fx_team(w->db, w->admin);
	w->contract = t_buy1(w->db, w->admin, w->team, T0);
	T_OK(autolic_team_add_admin(w->db, w->admin, w->team, w->sc));
	T_OK(autolic_flex_product_set(w->db, "autocad", NULL, 7));
	w->ev.n = 0;
}

/* FLEX-7, SEAM-3: assigning an existing account that belongs to no team,
 * individually, makes it a user of the team (no invitation: it exists), seen
 * by every listing, with the contract's members too. */
static void flex_assign_makes_member(void **state)
{
	(void)state;
	world w;
	world_open(&w);
	assert_int_equal(member_everywhere(w.db, w.team, w.contract, w.u1), 0);
	T_OK(assign(w.db, w.sc, w.team, w.u1, NULL, 0, NULL));
	assert_int_equal(role_of(w.db, w.team, w.u1), AUTOLIC_TEAM_USER);
	assert_int_equal(member_everywhere(w.db, w.team, w.contract, w.u1), 1);
	assert_int_equal(t_events_count(&w.ev, AUTOLIC_EVENT_FLEX_ASSIGNED), 1);
	assert_int_equal(t_events_count(&w.ev, AUTOLIC_EVENT_INVITATION_SENT), 0);
	autolic_account_info a = {.version = AUTOLIC_ACCOUNT_INFO_VERSION};
	T_OK(autolic_account_get(w.db, w.u1, &a));
	assert_int_equal(a.state, AUTOLIC_ACCOUNT_ACTIVE);
	/* assigning again (a new list) keeps one membership */
	T_OK(assign(w.db, w.admin, w.team, w.u1, NULL, 0, NULL));
	assert_int_equal(role_of(w.db, w.team, w.u1), AUTOLIC_TEAM_USER);
	/* administrators keep their role */
	T_OK(assign(w.db, w.admin, w.team, w.sc, NULL, 0, NULL));
	T_OK(assign(w.db, w.admin, w.team, w.admin, NULL, 0, NULL));
	assert_int_equal(role_of(w.db, w.team, w.sc), AUTOLIC_TEAM_SECONDARY);
	assert_int_equal(role_of(w.db, w.team, w.admin), AUTOLIC_TEAM_PRIMARY);
	autolic_db_close(w.db);
}

/* SEAM-3 on the other paths: a new person named by text is invited
 * (ACCT-3) and is a member at once; by import, nobody is notified and the
 * account (existing or invited) is a member just the same. */
static void flex_invite_and_import_make_members(void **state)
{
	(void)state;
	world w;
	world_open(&w);
	autolic_id newbie = 0;
	T_OK(assign(w.db, w.admin, w.team, 0, "Nina New <nina@example.com>", 0, &newbie));
	autolic_account_info a = {.version = AUTOLIC_ACCOUNT_INFO_VERSION};
	T_OK(autolic_account_get(w.db, newbie, &a));
	assert_int_equal(a.state, AUTOLIC_ACCOUNT_INVITED);
	assert_int_equal(role_of(w.db, w.team, newbie), AUTOLIC_TEAM_USER);
	assert_int_equal(member_everywhere(w.db, w.team, w.contract, newbie), 1);
	assert_int_equal(t_events_count(&w.ev, AUTOLIC_EVENT_INVITATION_SENT), 1);
	assert_int_equal(t_events_count(&w.ev, AUTOLIC_EVENT_FLEX_ASSIGNED), 1);
	/* ACCT-4: accepting keeps the membership */
	T_OK(autolic_account_accept(w.db, newbie));
	assert_int_equal(role_of(w.db, w.team, newbie), AUTOLIC_TEAM_USER);
	w.ev.n = 0;
	T_OK(assign(w.db, w.admin, w.team, w.u2, NULL, 1, NULL));
	autolic_id imported = 0;
	T_OK(assign(w.db, w.admin, w.team, 0, "Ian Port <ian@example.com>", 1, &imported));
	assert_int_equal(member_everywhere(w.db, w.team, w.contract, w.u2), 1);
	assert_int_equal(member_everywhere(w.db, w.team, w.contract, imported), 1);
	assert_int_equal(role_of(w.db, w.team, imported), AUTOLIC_TEAM_USER);
	assert_int_equal(w.ev.n, 0); /* FLEX-7: by import, nobody is notified */
	/* a person already in the team is not added again (ACCT-3) */
	autolic_account_spec sp = AUTOLIC_ACCOUNT_SPEC_INIT;
	sp.email = "u2@example.com";
	T_FAILS(AUTOLIC_EEXISTS, NULL, autolic_account_invite(w.db, w.admin, w.team, &sp, NULL));
	autolic_db_close(w.db);
}

/* ROLE-7, SEAM-3: a refused assignment adds no member and no account. */
static void flex_refused_assign_adds_no_member(void **state)
{
	(void)state;
	world w;
	world_open(&w);
	/* ROLE-6: not an administrator of the team */
	T_UNCHANGED(&w.f, T_FAILS(AUTOLIC_EPERM, "FLEX-7",
	                          assign(w.db, w.outsider, w.team, w.u1, NULL, 0, NULL)));
	T_UNCHANGED(
	    &w.f, T_FAILS(AUTOLIC_EPERM, "FLEX-7",
	                  assign(w.db, w.u1, w.team, 0, "Rex Refused <rex@example.com>", 0, NULL)));
	/* an unknown product, after the account and before the membership */
	autolic_flex_user_spec s = AUTOLIC_FLEX_USER_SPEC_INIT;
	const char *nope[] = {"nope"};
	s.account = w.u1;
	s.products = nope;
	s.n_products = 1;
	T_UNCHANGED(&w.f, T_FAILS(AUTOLIC_ENOTFOUND, NULL,
	                          autolic_flex_user_assign(w.db, w.admin, w.team, &s, NULL)));
	s.account = 0;
	s.person = "Rex Refused <rex@example.com>";
	T_UNCHANGED(&w.f, T_FAILS(AUTOLIC_ENOTFOUND, NULL,
	                          autolic_flex_user_assign(w.db, w.admin, w.team, &s, NULL)));
	/* SEAM-3: a removed account is a member of nothing, so no Flex user */
	T_OK(assign(w.db, w.admin, w.team, w.u2, NULL, 1, NULL));
	T_OK(autolic_account_remove(w.db, w.admin, w.u2));
	T_UNCHANGED(&w.f, T_FAILS(AUTOLIC_ESTATE, "FLEX-7",
	                          assign(w.db, w.admin, w.team, w.u2, NULL, 0, NULL)));
	assert_int_equal(w.ev.n, 0);
	assert_int_equal(member_everywhere(w.db, w.team, w.contract, w.u1), 0);
	assert_int_equal(member_everywhere(w.db, w.team, w.contract, w.u2), 0);
	autolic_id rex = 0;
	assert_int_equal(autolic_account_find(w.db, "rex@example.com", &rex), AUTOLIC_ENOTFOUND);
	autolic_db_close(w.db);
}

/* FLEX-7: removing the Flex assignment leaves the member in the team, as
 * revoking a seat does; SEAT-4, SEAM-3: a team administrator removes the
 * person, and their Flex rights go with their seats, in every team; a
 * removed person invited again has none until assigned again. */
static void flex_member_removed_by_admin(void **state)
{
	(void)state;
	world w;
	world_open(&w);
	autolic_id other = fx_team(w.db, w.admin);
	T_OK(assign(w.db, w.sc, w.team, w.u1, NULL, 0, NULL));
	T_OK(assign(w.db, w.admin, other, w.u1, NULL, 1, NULL));
	T_OK(autolic_seat_grant(w.db, w.admin, w.contract, "revit", w.u1));
	assert_int_equal(flex_allowed(w.db, w.team, w.u1, "autocad"), 1);
	/* taking the Flex assignment away keeps the member */
	T_OK(autolic_flex_user_remove(w.db, w.admin, other, w.u1));
	assert_int_equal(flex_allowed(w.db, other, w.u1, "autocad"), 0);
	assert_int_equal(role_of(w.db, other, w.u1), AUTOLIC_TEAM_USER);
	T_OK(assign(w.db, w.admin, other, w.u1, NULL, 1, NULL));
	/* a Flex user of a team the secondary administrator does not run: refused */
	T_UNCHANGED(&w.f,
	            T_FAILS(AUTOLIC_EPERM, "ROLE-6", autolic_account_remove(w.db, w.sc, w.u1)));
	/* the primary runs both: the seat and both assignments go */
	T_OK(autolic_account_remove(w.db, w.admin, w.u1));
	assert_int_equal(flex_allowed(w.db, w.team, w.u1, "autocad"), 0);
	assert_int_equal(flex_allowed(w.db, other, w.u1, "autocad"), 0);
	assert_int_equal(member_everywhere(w.db, w.team, w.contract, w.u1), 0);
	assert_int_equal(member_everywhere(w.db, other, 0, w.u1), 0);
	autolic_seat_summary sm = {.version = AUTOLIC_SEAT_SUMMARY_VERSION};
	T_OK(autolic_seat_summary_get(w.db, w.contract, "revit", &sm));
	assert_int_equal(sm.granted, 0);
	/* invited again (ACCT-3), the person uses no token until assigned again */
	autolic_id again = 0;
	T_OK(
	    autolic_account_invite_text(w.db, w.admin, w.team, "Una One <u1@example.com>", &again));
	assert_int_equal(again, w.u1);
	T_OK(autolic_account_accept(w.db, w.u1));
	assert_int_equal(flex_allowed(w.db, w.team, w.u1, "autocad"), 0);
	autolic_flex_lot_spec ls = AUTOLIC_FLEX_LOT_SPEC_INIT;
	ls.subscription = "TS-1";
	ls.quantity = 100;
	T_OK(autolic_flex_lot_buy(w.db, w.admin, w.team, &ls, NULL));
	autolic_flex_report_spec rs = AUTOLIC_FLEX_REPORT_SPEC_INIT;
	rs.kind = AUTOLIC_FLEX_LAUNCH;
	rs.key = "members-1";
	rs.time = T0;
	rs.product = "autocad";
	rs.team = w.team;
	rs.account = w.u1;
	autolic_flex_result r = {.version = AUTOLIC_FLEX_RESULT_VERSION};
	T_FAILS(AUTOLIC_EPERM, "FLEX-7", autolic_flex_report(w.db, &rs, &r));
	autolic_db_close(w.db);
}

/* ---- stores written before SEAM-3 (store level 2) ---- */

/* A store that outlives its handles. */
typedef struct old_store {
	autolic_storage mem;    /* owns the data */
	autolic_storage shared; /* mem without its free slot, for the handles */
	t_clock clock;
	t_events ev;
	autolic_id admin, sc, team, contract, holder, flexer, gone;
} old_store;

static autolic_db *old_open(old_store *o, const autolic_storage *st, const autolic_allocator *a,
                            int *rc)
{
	return t_open_on(st ? st : &o->shared, &o->clock, &o->ev, a, rc);
}

static void raw_del(autolic_storage *st, const al_key *k)
{
	assert_int_equal(st->begin(st->ctx, 1), 0);
	assert_int_equal(st->del(st->ctx, k->b, k->len), 0);
	assert_int_equal(st->commit(st->ctx), 0);
}

static void raw_put(autolic_storage *st, const al_key *k, const void *v, size_t vl)
{
	assert_int_equal(st->begin(st->ctx, 1), 0);
	assert_int_equal(st->put(st->ctx, k->b, k->len, v, vl), 0);
	assert_int_equal(st->commit(st->ctx), 0);
}

/* The store level record: -1 when absent. */
static long stored_level(autolic_storage *st)
{
	al_key k;
	al_key_init(&k, AL_K_SCHEMA);
	const void *v;
	size_t vl;
	long level = -1;
	assert_int_equal(st->begin(st->ctx, 0), 0);
	int rc = st->get(st->ctx, k.b, k.len, &v, &vl);
	if (rc == 0) {
		al_rd r;
		assert_int_equal(al_rec_open(&r, v, vl, AL_K_SCHEMA), 0);
		level = al_dec_u32(&r);
		assert_int_equal(al_rd_done(&r), 0);
	} else {
		assert_int_equal(rc, AUTOLIC_ENOTFOUND);
	}
	assert_int_equal(st->rollback(st->ctx), 0);
	return level;
}

static void set_level(autolic_storage *st, long level)
{
	al_key k;
	al_key_init(&k, AL_K_SCHEMA);
	if (level < 0) {
		raw_del(st, &k);
		return;
	}
	al_alloc a;
	al_alloc_init(&a, NULL);
	al_buf b;
	al_buf_init(&b, &a);
	al_rec_begin(&b, AL_K_SCHEMA);
	al_enc_u32(&b, (uint32_t)level);
	raw_put(st, &k, b.p, b.len);
	al_buf_free(&b);
}

/* Take `account` out of `team` as a library before SEAM-3 left it. */
static void unjoin(autolic_storage *st, autolic_id team, autolic_id account)
{
	al_key k;
	al_key_init(&k, AL_K_TEAM_MEMBER);
	al_key_u64(&k, team);
	al_key_u64(&k, account);
	raw_del(st, &k);
	al_key_init(&k, AL_K_MEMBER_TEAM);
	al_key_u64(&k, account);
	al_key_u64(&k, team);
	raw_del(st, &k);
}

static void flex_user_key(al_key *k, autolic_id team, autolic_id account)
{
	al_key_init(k, AL_K_FLEX_USER);
	al_key_u64(k, team);
	al_key_u64(k, account);
}

/*
 * Build, as a library before SEAM-3 would have left it, a store at `level`
 * (-1: no level record, as 1.0 wrote it; 1: upgraded for SEAM-1 only):
 * `holder` holds a seat of the team's contract and `flexer` is a Flex user
 * of the team (by import), neither a member; `sc`, a secondary
 * administrator, is a Flex user too; `gone` was a Flex user and was removed,
 * which left the assignment behind. With `members` 1 the store is the same
 * but holder and flexer are members: it needs nothing.
 */
static void old_build(old_store *o, long level, int members)
{
	memset(o, 0, sizeof(*o));
	o->clock.now = T0;
	assert_int_equal(autolic_store_memory_new(&o->mem, NULL), 0);
	o->shared = o->mem;
	o->shared.free = NULL;
	int rc;
	autolic_db *db = old_open(o, NULL, NULL, &rc);
	assert_int_equal(rc, 0);
	o->admin = t_register(db, "admin@example.com", "Ada", "Admin");
	o->sc = t_register(db, "sc@example.com", "Sam", "Coordinator");
	o->holder = t_register(db, "holder@example.com", "Hal", "Holder");
	o->flexer = t_register(db, "flexer@example.com", "Flo", "Flexer");
	o->gone = t_register(db, "gone@example.com", "Guy", "Gone");
	o->team = fx_team(db, o->admin);
	o->contract = t_buy1(db, o->admin, o->team, T0);
	T_OK(autolic_team_add_admin(db, o->admin, o->team, o->sc));
	T_OK(autolic_flex_product_set(db, "autocad", NULL, 7));
	T_OK(autolic_seat_grant(db, o->admin, o->contract, "autocad", o->holder));
	T_OK(assign(db, o->admin, o->team, o->flexer, NULL, 1, NULL));
	T_OK(assign(db, o->admin, o->team, o->sc, NULL, 1, NULL));
	T_OK(assign(db, o->admin, o->team, o->gone, NULL, 1, NULL));
	T_OK(autolic_account_remove(db, o->admin, o->gone));
	autolic_db_close(db);
	/* the assignment `gone` kept before removal dropped it */
	al_key k;
	const void *v;
	size_t vl;
	flex_user_key(&k, o->team, o->flexer);
	assert_int_equal(o->mem.begin(o->mem.ctx, 0), 0);
	assert_int_equal(o->mem.get(o->mem.ctx, k.b, k.len, &v, &vl), 0);
	void *rec = malloc(vl);
	assert_non_null(rec);
	memcpy(rec, v, vl);
	assert_int_equal(o->mem.rollback(o->mem.ctx), 0);
	flex_user_key(&k, o->team, o->gone);
	raw_put(&o->mem, &k, rec, vl);
	free(rec);
	if (!members) {
		unjoin(&o->mem, o->team, o->holder);
		unjoin(&o->mem, o->team, o->flexer);
	}
	set_level(&o->mem, level);
	o->ev.n = 0;
}

/* SEAM-3 on a store written before it: the first writable open makes the
 * seat holder and the Flex user members (users) of the team, keeps the
 * administrator's role, drops the assignment of the removed account, and
 * records level 2; nobody is notified; opening again writes nothing; the
 * team's administrators may now remove them (SEAT-4). */
static void upgrade_makes_members(void **state)
{
	(void)state;
	for (long level = -1; level <= 1; level += 2) {
		old_store o;
		old_build(&o, level, 0);
		int rc;
		autolic_db *db = old_open(&o, NULL, NULL, &rc);
		assert_int_equal(rc, 0);
		autolic_db_close(db);
		assert_int_equal(stored_level(&o.mem), 2);
		t_dump before, after;
		t_dump_store(&o.mem, &before);
		db = old_open(&o, NULL, NULL, &rc);
		assert_int_equal(rc, 0);
		t_dump_store(&o.mem, &after);
		assert_true(t_dump_equal(&before, &after)); /* run once */
		t_dump_free(&before);
		t_dump_free(&after);
		assert_int_equal(o.ev.n, 0);
		assert_int_equal(role_of(db, o.team, o.holder), AUTOLIC_TEAM_USER);
		assert_int_equal(role_of(db, o.team, o.flexer), AUTOLIC_TEAM_USER);
		assert_int_equal(role_of(db, o.team, o.sc), AUTOLIC_TEAM_SECONDARY);
		assert_int_equal(role_of(db, o.team, o.admin), AUTOLIC_TEAM_PRIMARY);
		assert_int_equal(member_everywhere(db, o.team, o.contract, o.holder), 1);
		assert_int_equal(member_everywhere(db, o.team, o.contract, o.flexer), 1);
		assert_int_equal(member_everywhere(db, o.team, o.contract, o.gone), 0);
		assert_int_equal(flex_allowed(db, o.team, o.gone, "autocad"), 0);
		assert_int_equal(flex_allowed(db, o.team, o.flexer, "autocad"), 1);
		/* the secondary administrator removes both */
		T_OK(autolic_account_remove(db, o.sc, o.holder));
		T_OK(autolic_account_remove(db, o.sc, o.flexer));
		assert_int_equal(flex_allowed(db, o.team, o.flexer, "autocad"), 0);
		autolic_seat_summary sm = {.version = AUTOLIC_SEAT_SUMMARY_VERSION};
		T_OK(autolic_seat_summary_get(db, o.contract, "autocad", &sm));
		assert_int_equal(sm.granted, 0);
		autolic_db_close(db);
		o.mem.free(o.mem.ctx);
	}
}

/* A storage wrapper that counts scans and may refuse every write. */
typedef struct probe {
	autolic_storage inner;
	int readonly;
	long scans, writes;
} probe;

static int pr_begin(void *c, int write)
{
	probe *p = c;
	if (write && p->readonly)
		return AUTOLIC_EREADONLY;
	p->writes += write;
	return p->inner.begin(p->inner.ctx, write);
}
static int pr_get(void *c, const void *k, size_t kl, const void **v, size_t *vl)
{
	probe *p = c;
	return p->inner.get(p->inner.ctx, k, kl, v, vl);
}
static int pr_put(void *c, const void *k, size_t kl, const void *v, size_t vl)
{
	probe *p = c;
	return p->inner.put(p->inner.ctx, k, kl, v, vl);
}
static int pr_del(void *c, const void *k, size_t kl)
{
	probe *p = c;
	return p->inner.del(p->inner.ctx, k, kl);
}
static int pr_scan(void *c, const void *s, size_t sl, const void *e, size_t el,
                   autolic_storage_scan_cb cb, void *arg)
{
	probe *p = c;
	p->scans++;
	return p->inner.scan(p->inner.ctx, s, sl, e, el, cb, arg);
}
static int pr_commit(void *c)
{
	probe *p = c;
	return p->inner.commit(p->inner.ctx);
}
static int pr_rollback(void *c)
{
	probe *p = c;
	return p->inner.rollback(p->inner.ctx);
}

static autolic_storage probe_wrap(probe *p, const autolic_storage *inner, int readonly)
{
	memset(p, 0, sizeof(*p));
	p->inner = *inner;
	p->readonly = readonly;
	autolic_storage st = {
	    .version = AUTOLIC_STORAGE_VERSION,
	    .ctx = p,
	    .begin = pr_begin,
	    .get = pr_get,
	    .put = pr_put,
	    .del = pr_del,
	    .scan = pr_scan,
	    .commit = pr_commit,
	    .rollback = pr_rollback,
	};
	return st;
}

/* A read-only store that needs the upgrade is refused, untouched, naming
 * SEAM-3; one that needs nothing opens read-only; after a writable open
 * the read-only one opens too. */
static void upgrade_refused_read_only(void **state)
{
	(void)state;
	old_store o;
	old_build(&o, -1, 0);
	t_dump before, now;
	t_dump_store(&o.mem, &before);
	probe p;
	autolic_storage ro = probe_wrap(&p, &o.shared, 1);
	int rc;
	autolic_db *db = old_open(&o, &ro, NULL, &rc);
	assert_null(db);
	assert_int_equal(rc, AUTOLIC_EREADONLY);
	assert_non_null(strstr(autolic_errmsg(), "SEAM-3"));
	assert_non_null(strstr(autolic_errmsg(), "read-only"));
	t_dump_store(&o.mem, &now);
	assert_true(t_dump_equal(&before, &now));
	t_dump_free(&now);
	t_dump_free(&before);
	/* only the removed account's assignment left to drop: still an upgrade */
	db = old_open(&o, NULL, NULL, &rc);
	assert_int_equal(rc, 0);
	autolic_db_close(db);
	o.mem.free(o.mem.ctx);
	old_build(&o, -1, 1);
	ro = probe_wrap(&p, &o.shared, 1);
	db = old_open(&o, &ro, NULL, &rc);
	assert_null(db);
	assert_int_equal(rc, AUTOLIC_EREADONLY);
	assert_non_null(strstr(autolic_errmsg(), "was removed"));
	db = old_open(&o, NULL, NULL, &rc);
	assert_int_equal(rc, 0);
	autolic_db_close(db);
	ro = probe_wrap(&p, &o.shared, 1);
	db = old_open(&o, &ro, NULL, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(role_of(db, o.team, o.flexer), AUTOLIC_TEAM_USER);
	autolic_db_close(db);
	o.mem.free(o.mem.ctx);
}

/* The upgrade is one transaction: a storage or allocation failure at any
 * point of the open leaves the store as it was, and a later open upgrades
 * it. */
static autolic_db *old_open_fn(void *ctx, const autolic_storage *st, const autolic_allocator *al,
                               int *rc)
{
	return old_open(ctx, st, al, rc);
}

/* The open that met no fault upgraded the store to members. */
static void old_upgraded(void *ctx, autolic_db *db)
{
	old_store *o = ctx;
	int rc;
	autolic_db_close(db);
	assert_int_equal(stored_level(&o->mem), 2);
	db = old_open(o, NULL, NULL, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(role_of(db, o->team, o->holder), AUTOLIC_TEAM_USER);
	assert_int_equal(role_of(db, o->team, o->flexer), AUTOLIC_TEAM_USER);
	autolic_db_close(db);
}

static void old_rebuild(void *ctx)
{
	old_store *o = ctx;
	o->mem.free(o->mem.ctx);
	old_build(o, -1, 0);
}

static void upgrade_atomic(void **state)
{
	(void)state;
	old_store o;
	old_build(&o, -1, 0);
	t_open_faults c = {&o.mem, &o.shared, old_open_fn, old_upgraded, old_rebuild, &o};
	assert_true(t_open_fault_loop(&c) > 10);
	o.mem.free(o.mem.ctx);
}

/* A store this library creates records its level with its first team (or
 * contract), so that no open scans it; a store without the record that
 * needs nothing is read at each open, never written, until a team or a
 * contract is created in it. */
static void new_store_records_level(void **state)
{
	(void)state;
	old_store o;
	memset(&o, 0, sizeof o);
	o.clock.now = T0;
	assert_int_equal(autolic_store_memory_new(&o.mem, NULL), 0);
	o.shared = o.mem;
	o.shared.free = NULL;
	int rc;
	autolic_db *db = old_open(&o, NULL, NULL, &rc);
	assert_int_equal(rc, 0);
	autolic_id admin = t_register(db, "admin@example.com", "Ada", "Admin");
	assert_int_equal(stored_level(&o.mem), -1); /* no team yet: nothing to say */
	fx_team(db, admin);
	assert_int_equal(stored_level(&o.mem), 2);
	autolic_db_close(db);
	probe p;
	autolic_storage st = probe_wrap(&p, &o.shared, 0);
	db = old_open(&o, &st, NULL, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(p.scans, 0);
	assert_int_equal(p.writes, 0);
	autolic_db_close(db);
	o.mem.free(o.mem.ctx);

	/* a purchase that creates the team records it too */
	assert_int_equal(autolic_store_memory_new(&o.mem, NULL), 0);
	o.shared = o.mem;
	o.shared.free = NULL;
	db = old_open(&o, NULL, NULL, &rc);
	assert_int_equal(rc, 0);
	admin = t_register(db, "admin@example.com", "Ada", "Admin");
	t_buy1(db, admin, 0, T0);
	autolic_db_close(db);
	assert_int_equal(stored_level(&o.mem), 2);
	o.mem.free(o.mem.ctx);

	/* a store without the record that needs nothing */
	old_build(&o, -1, 1);
	al_key k;
	flex_user_key(&k, o.team, o.gone);
	raw_del(&o.mem, &k);
	t_dump before, after;
	t_dump_store(&o.mem, &before);
	st = probe_wrap(&p, &o.shared, 0);
	db = old_open(&o, &st, NULL, &rc);
	assert_int_equal(rc, 0);
	assert_true(p.scans > 0);
	assert_int_equal(p.writes, 0);
	t_dump_store(&o.mem, &after);
	assert_true(t_dump_equal(&before, &after));
	t_dump_free(&before);
	t_dump_free(&after);
	/* buying into the existing team records the level */
	t_buy1(db, o.admin, o.team, T0);
	autolic_db_close(db);
	assert_int_equal(stored_level(&o.mem), 2);
	st = probe_wrap(&p, &o.shared, 0);
	db = old_open(&o, &st, NULL, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(p.scans, 0);
	autolic_db_close(db);
	o.mem.free(o.mem.ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(flex_assign_makes_member),
	    cmocka_unit_test(flex_invite_and_import_make_members),
	    cmocka_unit_test(flex_refused_assign_adds_no_member),
	    cmocka_unit_test(flex_member_removed_by_admin),
	    cmocka_unit_test(upgrade_makes_members),
	    cmocka_unit_test(upgrade_refused_read_only),
	    cmocka_unit_test(upgrade_atomic),
	    cmocka_unit_test(new_store_records_level),
	};
	return t_run_group("members", tests, NULL, NULL);
}
