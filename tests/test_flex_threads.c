/* FLEX-5 and FLEX-13 under concurrency: many threads launching at once
 * against a small balance never overdraw it, and one report sent by several
 * threads with the same key is charged once. Run it under the tsan preset. */
#include "flex_fixture.h"

#include <pthread.h>

#define THREADS          8
#define USERS_PER_THREAD 4
#define ROUNDS           20

#define T0 (fx_date(2026, 3, 5) + 9 * HOUR)

typedef struct {
	autolic_db *db;
	autolic_id team;
	autolic_id users[USERS_PER_THREAD];
	int round;
	int shared_key; /* all threads send the same launch */
	int ok, refused, duplicate, other;
	autolic_time at;
} worker;

static void *run(void *arg)
{
	worker *w = arg;
	for (int i = 0; i < USERS_PER_THREAD; i++) {
		char key[64];
		snprintf(key, sizeof key, "r%d-u%llu", w->round,
		         (unsigned long long)(w->shared_key ? w->users[0] : w->users[i]));
		autolic_flex_report_spec s = AUTOLIC_FLEX_REPORT_SPEC_INIT;
		s.kind = AUTOLIC_FLEX_LAUNCH;
		s.key = key;
		s.time = w->at;
		s.product = "autocad";
		s.team = w->team;
		s.account = w->shared_key ? w->users[0] : w->users[i];
		autolic_flex_result r;
		r.version = AUTOLIC_FLEX_RESULT_VERSION;
		int rc = autolic_flex_report(w->db, &s, &r);
		if (rc == 0)
			w->ok++;
		else if (rc == AUTOLIC_ENOTOKENS)
			w->refused++;
		else if (rc == AUTOLIC_EDUPLICATE)
			w->duplicate++;
		else
			w->other++;
		autolic_flex_team_info ti;
		ti.version = AUTOLIC_FLEX_TEAM_INFO_VERSION;
		if (autolic_flex_team_get(w->db, w->team, &ti) || ti.balance < 0)
			w->other++;
	}
	return NULL;
}

static void test_no_overdraw(void **state)
{
	(void)state;
	fx x;
	memset(&x, 0, sizeof x);
	x.clock.now = T0;
	x.db = t_open(NULL, &x.clock, NULL, NULL); /* no event recorder: it is not thread-safe */
	x.admin = t_register(x.db, "admin@example.com", "A", "Dmin");
	fx_product(&x, "autocad", 7);
	worker w[THREADS];
	for (int round = 0; round < ROUNDS; round++) {
		x.team = fx_team(x.db, x.admin);
		fx_buy(&x, 49 + round % 7, T0 - DAY); /* room for exactly 7 windows */
		for (int t = 0; t < THREADS; t++) {
			memset(&w[t], 0, sizeof w[t]);
			w[t].db = x.db;
			w[t].team = x.team;
			w[t].round = round;
			w[t].at = T0;
			for (int u = 0; u < USERS_PER_THREAD; u++) {
				char email[64];
				snprintf(email, sizeof email, "r%d.t%d.u%d@example.com", round, t,
				         u);
				w[t].users[u] = t_register(x.db, email, "U", "Ser");
				fx_assign_all(&x, x.team, w[t].users[u]);
			}
		}
		pthread_t th[THREADS];
		for (int t = 0; t < THREADS; t++)
			assert_int_equal(pthread_create(&th[t], NULL, run, &w[t]), 0);
		int ok = 0, refused = 0;
		for (int t = 0; t < THREADS; t++) {
			pthread_join(th[t], NULL);
			ok += w[t].ok;
			refused += w[t].refused;
			assert_int_equal(w[t].other, 0);
		}
		/* FLEX-5: exactly as many windows as the balance pays for */
		assert_int_equal(ok, 7);
		assert_int_equal(refused, THREADS * USERS_PER_THREAD - 7);
		assert_int_equal(fx_balance(&x), round % 7);
		fx_invariants(&x, x.team);
	}
	autolic_db_close(x.db);
}

/* FLEX-13: the same launch sent by every thread at once is charged once. */
static void test_same_key_once(void **state)
{
	(void)state;
	fx x;
	memset(&x, 0, sizeof x);
	x.clock.now = T0;
	x.db = t_open(NULL, &x.clock, NULL, NULL);
	x.admin = t_register(x.db, "admin@example.com", "A", "Dmin");
	fx_product(&x, "autocad", 7);
	x.team = fx_team(x.db, x.admin);
	fx_buy(&x, 100, T0 - DAY);
	autolic_id u = t_register(x.db, "solo@example.com", "S", "Olo");
	fx_assign_all(&x, x.team, u);
	worker w[THREADS];
	pthread_t th[THREADS];
	for (int t = 0; t < THREADS; t++) {
		memset(&w[t], 0, sizeof w[t]);
		w[t].db = x.db;
		w[t].team = x.team;
		w[t].shared_key = 1;
		w[t].at = T0;
		for (int i = 0; i < USERS_PER_THREAD; i++)
			w[t].users[i] = u;
		assert_int_equal(pthread_create(&th[t], NULL, run, &w[t]), 0);
	}
	int ok = 0, dup = 0;
	for (int t = 0; t < THREADS; t++) {
		pthread_join(th[t], NULL);
		ok += w[t].ok;
		dup += w[t].duplicate;
		assert_int_equal(w[t].other, 0);
	}
	assert_int_equal(ok, 1);
	assert_int_equal(dup, THREADS * USERS_PER_THREAD - 1);
	assert_int_equal(fx_balance(&x), 93);
	fx_invariants(&x, x.team);
	autolic_db_close(x.db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_no_overdraw),
	    cmocka_unit_test(test_same_key_once),
	};
	return t_run_group("flex/threads", tests, NULL, NULL);
}
