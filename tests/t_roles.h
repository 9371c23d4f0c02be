/* Helpers shared by the accounts, teams, contracts and roles suites, defined
 * in tests/fixture.c. */
#ifndef T_ROLES_H
#define T_ROLES_H

#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 1 when the message names the needle (NULL: anything goes). */
int t_names(const char *msg, const char *needle);

#define T_NOW  1767225600 /* 2026-01-01T00:00:00Z */
#define T_DAY  86400
#define T_YEAR (365 * T_DAY)

/* Assert a call fails with `code` and that the message names `needle`. */
#define T_FAILS(code, needle, call)                                                                \
	do {                                                                                       \
		int t_rc_ = (call);                                                                \
		if (t_rc_ != (code))                                                               \
			fail_msg("%s: expected %d, got %d (%s)", #call, (code), t_rc_,             \
			         autolic_errmsg());                                                \
		if (!t_names(autolic_errmsg(), (needle)))                                          \
			fail_msg("%s: message '%s' does not name '%s'", #call, autolic_errmsg(),   \
			         (needle));                                                        \
	} while (0)

#define T_OK(call)                                                                                 \
	do {                                                                                       \
		int t_rc_ = (call);                                                                \
		if (t_rc_)                                                                         \
			fail_msg("%s: %d (%s)", #call, t_rc_, autolic_errmsg());                   \
	} while (0)

/* Buy a one-year contract of the given products (quantities q[i]) starting now. */
autolic_id t_buy(autolic_db *db, autolic_id actor, autolic_id team, const char **products,
                 const uint32_t *q, size_t n, autolic_time now, int auto_renew);
/* The same with autocad (5 seats) and revit (2), no auto-renewal. */
autolic_id t_buy1(autolic_db *db, autolic_id actor, autolic_id team, autolic_time now);

/* The set-up of the accounts, teams and contracts suites: a memory store
 * behind the fault-injecting wrapper `f`, the clock `c` at T_NOW, the event
 * log `e`, and three registered accounts: ann (Ann Admin), bob (Bob
 * Builder) and cat (Cat Outsider). With a team name, ann creates that team
 * (`team`; else 0). The events of the set-up are cleared. */
typedef struct t_people {
	t_faulty f;
	t_clock c;
	t_events e;
	autolic_db *db;
	autolic_id ann, bob, cat;
	autolic_id team;
} t_people;
t_people *t_people_open(const char *team_name);
/* A cmocka teardown closing the t_people in *state. */
int t_people_close(void **state);

/* Store dump helpers over a t_faulty: assert a call changed nothing. */
#define T_UNCHANGED(f, call)                                                                       \
	do {                                                                                       \
		t_dump t_b_, t_a_;                                                                 \
		t_dump_store(&(f)->inner, &t_b_);                                                  \
		call;                                                                              \
		t_dump_store(&(f)->inner, &t_a_);                                                  \
		assert_true(t_dump_equal(&t_b_, &t_a_));                                           \
		t_dump_free(&t_b_);                                                                \
		t_dump_free(&t_a_);                                                                \
	} while (0)

#endif
