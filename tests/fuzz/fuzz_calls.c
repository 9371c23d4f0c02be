/* Fuzz target "calls": a byte-driven sequence of public calls on a journal
 * store in a temporary directory, checked step by step against a small
 * reference model of the seat rules, with the Flex invariant check after
 * every step and simulated crashes (the handle and the store are closed and
 * the journal reopened; everything committed must be there).
 *
 * Each step takes two bytes: an operation and an argument. The model keeps
 * the quantity of each product of the contract and who holds which seat:
 *  - SEAT-2: granted never above quantity; a grant that succeeds found a free
 *    seat;
 *  - SEAT-1 (one seat per user per product): a grant to a holder never
 *    succeeds; a revoke succeeds only for a holder;
 *  - after every step the library's seat listing equals the model,
 *    autolic_flex_check() passes (FLEX-1, FLEX-10) and so does the whole-store
 *    check, autolic_db_check(). */
#include "fuzz_common.h"

#include "store/journal.h"

#include <unistd.h>

#define NP 2

typedef struct model {
	int64_t qty[NP];
	int held[NP][FZ_USERS];
} model;

static void fail(const char *what, size_t step)
{
	fprintf(stderr, "calls: step %zu: %s (%s)\n", step, what, autolic_errmsg());
	abort();
}

/* Syncs are no-ops: the simulated crash loses no page cache, and fuzzing
 * is not slowed down by the disk. Everything else is the real I/O. */
static int no_fsync(int fd, void *ctx)
{
	(void)fd;
	(void)ctx;
	return 0;
}

static int no_fsync_dir(const char *d, void *ctx)
{
	(void)d;
	(void)ctx;
	return 0;
}

static int open_store(fz_world *w, const char *path)
{
	autolic_journal_options o = AUTOLIC_JOURNAL_OPTIONS_INIT;
	autolic_storage st;
	al_journal_io io = *al_journal_default_io();
	io.fsync = io.fdatasync = no_fsync;
	io.fsync_dir = no_fsync_dir;
	int rc = al_journal_open_io(&st, path, &o, &io);
	if (rc)
		return rc;
	return fz_open(w, &st);
}

static void compare(fz_world *w, const model *m, size_t step)
{
	for (int p = 0; p < NP; p++) {
		autolic_seat_summary ss = {.version = AUTOLIC_SEAT_SUMMARY_VERSION};
		if (autolic_seat_summary_get(w->db, w->contract, fz_products[p], &ss))
			fail("seat summary", step);
		int n = 0;
		for (int u = 0; u < FZ_USERS; u++)
			n += m->held[p][u];
		if (ss.granted > ss.quantity)
			fail("SEAT-2: more seats granted than bought", step);
		if ((int64_t)ss.quantity != m->qty[p] || (int)ss.granted != n)
			fail("seat summary differs from the model", step);
	}
	for (int u = 0; u < FZ_USERS; u++) {
		int got[NP] = {0, 0};
		autolic_seat_iter *it = NULL;
		if (autolic_seat_user_products(w->db, w->users[u], &it))
			fail("user products", step);
		autolic_seat_entry e = {.version = AUTOLIC_SEAT_ENTRY_VERSION};
		while (autolic_seat_iter_next(it, &e) == 0)
			for (int p = 0; p < NP; p++)
				if (e.contract == w->contract && !strcmp(e.product, fz_products[p]))
					got[p]++;
		autolic_seat_iter_free(it);
		for (int p = 0; p < NP; p++)
			if (got[p] != m->held[p][u])
				fail("SEAT-1: user's seats differ from the model", step);
		int role = AUTOLIC_TEAM_NONE;
		if (autolic_team_role_get(w->db, w->team, w->users[u], &role))
			fail("team role", step);
		for (int p = 0; p < NP; p++)
			if (m->held[p][u] && role == AUTOLIC_TEAM_NONE)
				fail("SEAM-3: a seat holder is not a member of the team", step);
	}
	if (autolic_flex_check(w->db, w->team))
		fail("FLEX invariant", step);
	if (autolic_db_check(w->db))
		fail("store invariant (autolic_db_check)", step);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 64)
		size = 64; /* 32 steps: enough to combine every call, cheap per input */
	char dir[] = "/tmp/autolic-fuzz-XXXXXX";
	if (!mkdtemp(dir))
		abort();
	char path[64];
	snprintf(path, sizeof path, "%s/j", dir);
	fz_world w;
	memset(&w, 0, sizeof w);
	w.now = FZ_NOW;
	fz_ok("open", open_store(&w, path));
	fz_populate(&w);
	model m = {{2, 1}, {{0}}};
	m.held[0][0] = 1;
	autolic_id sessions[8] = {0};
	size_t nsess = 0;
	unsigned keyn = 0, regn = 0;
	compare(&w, &m, 0);
	for (size_t i = 0; i + 1 < size; i += 2) {
		size_t step = i / 2 + 1;
		uint8_t op = data[i], arg = data[i + 1];
		int p = arg & 1, u = (arg >> 1) % FZ_USERS;
		int rc;
		switch (op % 9) {
		case 0: { /* grant */
			int n = 0;
			for (int k = 0; k < FZ_USERS; k++)
				n += m.held[p][k];
			rc = autolic_seat_grant(w.db, w.admin, w.contract, fz_products[p],
			                        w.users[u]);
			if (!rc) {
				if (m.held[p][u])
					fail("SEAT-1: second seat of a product granted", step);
				if (n >= m.qty[p])
					fail("SEAT-2: seat granted beyond the quantity", step);
				m.held[p][u] = 1;
			} else if (!m.held[p][u] && n < m.qty[p]) {
				fail("grant of a free seat refused", step);
			}
			break;
		}
		case 1: /* revoke */
			rc = autolic_seat_revoke(w.db, w.admin, w.contract, fz_products[p],
			                         w.users[u]);
			if ((rc == 0) != m.held[p][u])
				fail("revoke disagrees with the model", step);
			m.held[p][u] = 0;
			break;
		case 2: { /* change the quantity: revoked seats are re-read */
			uint32_t revoked = 0;
			int64_t q = (arg >> 3) % 4;
			rc = autolic_contract_set_quantity(w.db, w.admin, w.contract,
			                                   fz_products[p], q, &revoked);
			if (!rc) {
				m.qty[p] = q;
				int n = 0;
				for (int k = 0; k < FZ_USERS; k++) {
					autolic_seat_iter *it = NULL;
					int has = 0;
					if (autolic_seat_user_products(w.db, w.users[k], &it))
						fail("user products", step);
					autolic_seat_entry e = {.version =
					                            AUTOLIC_SEAT_ENTRY_VERSION};
					while (autolic_seat_iter_next(it, &e) == 0)
						has |= e.contract == w.contract &&
						       !strcmp(e.product, fz_products[p]);
					autolic_seat_iter_free(it);
					if (m.held[p][k] && !has)
						n++;
					if (has && !m.held[p][k])
						fail("quantity change granted a seat", step);
					m.held[p][k] = has;
				}
				if ((uint32_t)n != revoked)
					fail("revoked count differs", step);
			}
			break;
		}
		case 3: { /* register an account */
			char email[48];
			snprintf(email, sizeof email, "new%u@example.com", regn++);
			autolic_account_spec s = AUTOLIC_ACCOUNT_SPEC_INIT;
			s.email = email;
			s.first_name = "New";
			s.last_name = "User";
			autolic_id id = 0;
			if (autolic_account_register(w.db, &s, &id) || !id)
				fail("register", step);
			break;
		}
		case 4: { /* Flex lot purchase */
			autolic_flex_lot_spec ls = AUTOLIC_FLEX_LOT_SPEC_INIT;
			char sub[16];
			snprintf(sub, sizeof sub, "TS-%u", (unsigned)arg);
			ls.subscription = sub;
			ls.quantity = arg % 50;
			ls.purchased = w.now;
			rc = autolic_flex_lot_buy(w.db, w.admin, w.team, &ls, NULL);
			if (rc && ls.quantity > 0 && rc != AUTOLIC_EEXISTS &&
			    rc != AUTOLIC_EDUPLICATE)
				fail("lot purchase", step);
			break;
		}
		case 5:
		case 6: { /* Flex launch, or a report on an open session */
			char key[24];
			snprintf(key, sizeof key, "k%u", ++keyn);
			autolic_flex_report_spec rs = AUTOLIC_FLEX_REPORT_SPEC_INIT;
			rs.key = key;
			rs.time = w.now;
			rs.product = fz_products[p];
			rs.team = w.team;
			rs.account = w.users[1 + (u % 2)];
			autolic_flex_result res = {.version = AUTOLIC_FLEX_RESULT_VERSION};
			if (op % 9 == 5 || !nsess) {
				rs.kind = AUTOLIC_FLEX_LAUNCH;
				rc = autolic_flex_report(w.db, &rs, &res);
				if (!rc && nsess < 8)
					sessions[nsess++] = res.session;
			} else {
				size_t s = (size_t)(arg >> 3) % nsess;
				rs.kind = AUTOLIC_FLEX_ACTIVITY + (arg >> 6) % 3;
				rs.session = sessions[s];
				rs.account = w.users[1];
				rc = autolic_flex_report(w.db, &rs, &res);
			}
			if (rc && rc != AUTOLIC_ENOTOKENS && rc != AUTOLIC_EPERM &&
			    rc != AUTOLIC_ESTATE && rc != AUTOLIC_ENOTFOUND && rc != AUTOLIC_EINVAL)
				fail("flex report", step);
			break;
		}
		case 7: /* time passes */
			w.now += (autolic_time)arg * 97;
			break;
		default: /* crash: close everything and reopen the journal */
			autolic_db_close(w.db);
			w.db = NULL;
			if (open_store(&w, path))
				fail("reopen after a crash", step);
			break;
		}
		compare(&w, &m, step);
	}
	autolic_db_close(w.db);
	char f[96];
	snprintf(f, sizeof f, "%s/j", dir);
	unlink(f);
	rmdir(dir);
	return 0;
}
