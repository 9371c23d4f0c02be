/*
 * Many processes, one database, notifications (NOTE-1, NOTE-2), the second
 * test of test_sqlite_procs and test_pg_procs: WRITERS
 * forked processes toggle seats on the contracts of two teams at once (each
 * grant and revocation records a SEAT-3 notice in its team's stream) while
 * two consumer processes ("mailer", "audit") read what they have not
 * acknowledged, log it and acknowledge it, until the writers are done and
 * nothing is left. Afterwards, for each consumer and each stream, the
 * notices it was shown are exactly positions 1..last, each once, in
 * increasing order: a notice that committed after one the consumer had read
 * at a higher position would have been skipped (the outbox gap) and shows up
 * here as a hole. Each stream holds exactly as many notices as the writers'
 * calls that succeeded on that team, and both consumers saw the same ones.
 */
#include "notes_race.h"
#include "flex_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define WRITERS 3
#define TOGGLES 40 /* per writer and team */
#define TEAMS   2

/* One product per team: a user holds at most one seat per product (SEAT-1). */
static const char *const products[TEAMS] = {"cad", "cam"};

static const procs_backend *be;

static autolic_time race_clock(void *ctx)
{
	(void)ctx;
	return 1767225600; /* one instant: order comes from the positions alone */
}

static autolic_db *open_db(void)
{
	autolic_storage st;
	if (be->open(&st, be->ctx)) {
		fprintf(stderr, "%s open: %s\n", be->name, autolic_errmsg());
		return NULL;
	}
	autolic_db_options o = AUTOLIC_DB_OPTIONS_INIT;
	o.storage = &st;
	o.clock = race_clock;
	autolic_db *db = NULL;
	if (autolic_db_open(&db, &o)) {
		fprintf(stderr, "db open: %s\n", autolic_errmsg());
		st.free(st.ctx);
		return NULL;
	}
	return db;
}

typedef struct shared {
	autolic_id admin[TEAMS], team[TEAMS], contract[TEAMS];
	autolic_id user[WRITERS];
} shared;

/* One line of a consumer's log. */
typedef struct logrec {
	uint64_t stream, position;
	int type;
	autolic_id recipient;
} logrec;

static void writer(const shared *sh, int w, int fd)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	autolic_db *db = open_db();
	if (!db)
		_exit(2);
	long ok[TEAMS] = {0, 0};
	for (int i = 0; i < TOGGLES; i++)
		for (int t = 0; t < TEAMS; t++) {
			int rc = i % 2 ? autolic_seat_revoke(db, sh->admin[t], sh->contract[t],
			                                     products[t], sh->user[w])
			               : autolic_seat_grant(db, sh->admin[t], sh->contract[t],
			                                    products[t], sh->user[w]);
			if (rc) {
				fprintf(stderr, "writer %d: %d %s\n", w, rc, autolic_errmsg());
				_exit(3);
			}
			ok[t]++;
		}
	autolic_db_close(db);
	if (write(fd, ok, sizeof ok) != (ssize_t)sizeof ok)
		_exit(4);
	_exit(0);
}

static void consumer(const char *name, const char *log, const char *done)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive a failed test */
	autolic_db *db = open_db();
	FILE *f = fopen(log, "wb");
	if (!db || !f)
		_exit(2);
	for (;;) {
		int finished = access(done, F_OK) == 0; /* before the read: then it is the last */
		autolic_note_iter *it;
		int rc = autolic_note_iter_new(db, name, 16, &it);
		if (rc) {
			fprintf(stderr, "%s read: %d %s\n", name, rc, autolic_errmsg());
			_exit(3);
		}
		autolic_notice n = {.version = AUTOLIC_NOTICE_VERSION};
		uint64_t st[64], pos[64];
		size_t ns = 0, shown = 0;
		while (autolic_note_iter_next(it, &n) == 0) {
			logrec r;
			memset(&r, 0, sizeof r); /* the padding too: the record is written whole */
			r.stream = n.stream;
			r.position = n.position;
			r.type = n.type;
			r.recipient = n.recipient;
			if (fwrite(&r, sizeof r, 1, f) != 1)
				_exit(4);
			size_t k;
			for (k = 0; k < ns && st[k] != n.stream; k++)
				;
			if (k == ns && ns < 64)
				st[ns++] = n.stream;
			pos[k] = n.position;
			shown++;
		}
		autolic_note_iter_free(it);
		fflush(f);
		for (size_t k = 0; k < ns; k++)
			if (autolic_note_ack(db, name, st[k], pos[k])) {
				fprintf(stderr, "%s ack: %s\n", name, autolic_errmsg());
				_exit(5);
			}
		if (!shown && finished)
			break;
	}
	fclose(f);
	autolic_db_close(db);
	_exit(0);
}

static logrec *read_log(const char *log, size_t *n)
{
	FILE *f = fopen(log, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	fseek(f, 0, SEEK_SET);
	*n = (size_t)len / sizeof(logrec);
	logrec *v = malloc(*n * sizeof *v + 1);
	assert_non_null(v);
	assert_int_equal(fread(v, sizeof *v, *n, f), *n);
	fclose(f);
	return v;
}

void notes_race(const procs_backend *b)
{
	be = b;
	const char *base = getenv("AUTOLIC_TEST_DIR");
	char dir[256];
	snprintf(dir, sizeof dir, "%s/al-notes-race-XXXXXX", base ? base : "/tmp");
	assert_non_null(mkdtemp(dir));
	shared sh;
	autolic_db *db = open_db();
	assert_non_null(db);
	for (int t = 0; t < TEAMS; t++) {
		char email[64];
		snprintf(email, sizeof email, "admin%d@example.com", t);
		sh.admin[t] = t_register(db, email, "Ada", "Admin");
		int64_t q = WRITERS;
		sh.contract[t] =
		    seat_contract(db, sh.admin[t], 0, &products[t], &q, 1, 1, INT64_MAX / 2);
		/* the contract's own team: its stream */
		autolic_contract_info ci = {.version = AUTOLIC_CONTRACT_INFO_VERSION};
		assert_int_equal(autolic_contract_get(db, sh.contract[t], &ci), 0);
		sh.team[t] = ci.team;
	}
	for (int w = 0; w < WRITERS; w++) {
		char email[64];
		snprintf(email, sizeof email, "writer%d@example.com", w);
		sh.user[w] = t_register(db, email, "Wri", "Ter");
	}
	const char *names[] = {"mailer", "audit"};
	for (int c = 0; c < 2; c++)
		assert_int_equal(autolic_note_consumer_add(db, names[c]), 0);
	autolic_db_close(db);

	char logs[2][320], done[320];
	for (int c = 0; c < 2; c++)
		snprintf(logs[c], sizeof logs[c], "%s/%s.log", dir, names[c]);
	snprintf(done, sizeof done, "%s/done", dir);
	unlink(done);
	pid_t cons[2], wr[WRITERS];
	for (int c = 0; c < 2; c++) {
		cons[c] = fork();
		assert_true(cons[c] >= 0);
		if (cons[c] == 0)
			consumer(names[c], logs[c], done);
	}
	int pp[2];
	assert_int_equal(pipe(pp), 0);
	for (int w = 0; w < WRITERS; w++) {
		wr[w] = fork();
		assert_true(wr[w] >= 0);
		if (wr[w] == 0) {
			close(pp[0]);
			writer(&sh, w, pp[1]);
		}
	}
	close(pp[1]);
	long calls[TEAMS] = {0, 0};
	for (int w = 0; w < WRITERS; w++) {
		int ws;
		assert_int_equal(waitpid(wr[w], &ws, 0), wr[w]);
		if (!WIFEXITED(ws) || WEXITSTATUS(ws)) {
			for (int c = 0; c < 2; c++) {
				kill(cons[c], SIGKILL);
				waitpid(cons[c], NULL, 0);
			}
			close(pp[0]);
			fail_msg("writer %d failed (status %d)", w, ws);
		}
		long ok[TEAMS];
		assert_int_equal(read(pp[0], ok, sizeof ok), (ssize_t)sizeof ok);
		for (int t = 0; t < TEAMS; t++)
			calls[t] += ok[t];
	}
	close(pp[0]);
	FILE *d = fopen(done, "w");
	assert_non_null(d);
	fclose(d);
	for (int c = 0; c < 2; c++) {
		int ws;
		assert_int_equal(waitpid(cons[c], &ws, 0), cons[c]);
		if (!WIFEXITED(ws) || WEXITSTATUS(ws))
			fail_msg("consumer %s failed (status %d)", names[c], ws);
	}

	/* the setup's own notices come first in each stream: positions 1..base */
	size_t n[2];
	logrec *log[2];
	for (int c = 0; c < 2; c++)
		log[c] = read_log(logs[c], &n[c]);
	assert_int_equal(n[0], n[1]);
	for (int t = 0; t < TEAMS; t++) {
		uint64_t next[2] = {1, 1};
		for (int c = 0; c < 2; c++)
			for (size_t i = 0; i < n[c]; i++) {
				const logrec *r = &log[c][i];
				if (r->stream != sh.team[t])
					continue;
				if (r->position != next[c])
					fail_msg("%s, team %d: shown position %llu, expected %llu "
					         "(a notice "
					         "skipped or shown twice)",
					         names[c], t, (unsigned long long)r->position,
					         (unsigned long long)next[c]);
				next[c]++;
			}
		assert_int_equal(next[0], next[1]);
		/* the seat notices: exactly the calls that succeeded */
		long seat = 0;
		for (size_t i = 0; i < n[0]; i++)
			if (log[0][i].stream == sh.team[t] &&
			    (log[0][i].type == AUTOLIC_EVENT_SEAT_GRANTED ||
			     log[0][i].type == AUTOLIC_EVENT_SEAT_REVOKED))
				seat++;
		assert_int_equal(seat, calls[t]);
	}
	/* both consumers saw the same notices */
	for (size_t i = 0; i < n[0]; i++) {
		size_t j;
		for (j = 0; j < n[1]; j++)
			if (log[1][j].stream == log[0][i].stream &&
			    log[1][j].position == log[0][i].position)
				break;
		assert_true(j < n[1]);
		assert_int_equal(log[1][j].type, log[0][i].type);
		assert_int_equal(log[1][j].recipient, log[0][i].recipient);
	}
	print_message("%s: %d writers, %ld + %ld notifying calls, %zu notices shown to each of 2 "
	              "consumers, in order, none skipped or repeated\n",
	              b->name, WRITERS, calls[0], calls[1], n[0]);
	for (int c = 0; c < 2; c++) {
		free(log[c]);
		unlink(logs[c]);
	}
	unlink(done);
	rmdir(dir);
}
