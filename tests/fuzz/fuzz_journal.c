/* Fuzz target "journal": arbitrary bytes as a journal file.
 *
 * The bytes are replayed by al_journal_replay_buffer() twice (strict, then
 * salvaging) into a sink that checks what it is handed; the result must be
 * 0 or a clear error (AUTOLIC_ECORRUPT, AUTOLIC_EVERSION) with a message,
 * and the reported offsets must lie inside the input. Each replay is done
 * again by al_journal_replay_chunked() through a window of 1 to 96 bytes
 * (the way an open reads a file), which must give the same answer, hand
 * over the same operations and set the same message. When byte 0 is odd the
 * bytes are also written to a file in a temporary directory and opened as a
 * journal store read-only and salvaging, and a handle over it is read. */
#include "fuzz_common.h"
#include "core/error.h"
#include "store/journal.h"

#include <unistd.h>

typedef struct sink_state {
	uint64_t ops, commits, digest;
} sink_state;

static int s_put(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
	sink_state *s = arg;
	if ((klen && !key) || (vlen && !val))
		abort();
	/* touch every byte handed over: ASan catches a view past the buffer */
	uint64_t h = s->digest * 1099511628211u + klen * 131 + vlen;
	for (size_t i = 0; i < klen; i++)
		h = (h ^ ((const unsigned char *)key)[i]) * 1099511628211u;
	for (size_t i = 0; i < vlen; i++)
		h = (h ^ ((const unsigned char *)val)[i]) * 1099511628211u;
	s->digest = h;
	s->ops++;
	return 0;
}

static int s_del(void *arg, const void *key, size_t klen)
{
	return s_put(arg, key, klen, NULL, 0);
}

static int s_commit(void *arg, uint64_t seq)
{
	(void)seq;
	((sink_state *)arg)->commits++;
	return 0;
}

static void replay(const uint8_t *data, size_t size, int salvage)
{
	sink_state s = {0, 0, 0};
	al_journal_sink sink = {s_put, s_del, s_commit, &s};
	al_journal_replay res;
	memset(&res, 0, sizeof res);
	(void)al_err_take_storage(); /* one an earlier input's calls left behind */
	int rc = al_journal_replay_buffer(data, size, salvage, "fuzz.journal", &sink, &res);
	if (rc != 0 && rc != AUTOLIC_ECORRUPT && rc != AUTOLIC_EVERSION)
		abort(); /* the sink never fails: nothing else may come back */
	if (rc == AUTOLIC_ECORRUPT && !res.corrupt)
		abort(); /* corruption is flagged in the result too */
	const char *why = al_err_take_storage();
	if (rc && (!why || !why[0]))
		abort(); /* an error always says why */
	if (res.good_end > size || (res.damaged && res.damage_off > size))
		abort();
	if (!rc && res.commits != s.commits)
		abort();
	/* read as an open reads a file, through a window of a few bytes: the
	 * same result, the same operations handed over, the same message */
	char msg[sizeof res.why + 512];
	snprintf(msg, sizeof msg, "%s", why ? why : "");
	size_t chunk = 1 + (size ? data[size - 1] % 96 : 0);
	sink_state c = {0, 0, 0};
	al_journal_sink csink = {s_put, s_del, s_commit, &c};
	al_journal_replay cres;
	memset(&cres, 0, sizeof cres);
	int crc =
	    al_journal_replay_chunked(data, size, chunk, salvage, "fuzz.journal", &csink, &cres);
	if (crc != rc || memcmp(&cres, &res, sizeof res) != 0 || c.ops != s.ops ||
	    c.commits != s.commits || c.digest != s.digest ||
	    strcmp(al_err_take_storage(), msg) != 0)
		abort();
}

static void open_file(const uint8_t *data, size_t size)
{
	char dir[] = "/tmp/autolic-fuzz-XXXXXX";
	if (!mkdtemp(dir))
		return;
	char path[64];
	snprintf(path, sizeof path, "%s/j", dir);
	FILE *f = fopen(path, "wb");
	if (f) {
		fwrite(data, 1, size, f);
		fclose(f);
		autolic_journal_options o = AUTOLIC_JOURNAL_OPTIONS_INIT;
		o.flags = AUTOLIC_JOURNAL_READONLY | AUTOLIC_JOURNAL_READONLY_SALVAGE;
		autolic_storage st;
		if (autolic_store_journal_open(&st, path, &o) == 0) {
			fz_world w;
			memset(&w, 0, sizeof w);
			w.now = FZ_NOW;
			if (fz_open(&w, &st) == 0) {
				autolic_account_info ai = {.version = AUTOLIC_ACCOUNT_INFO_VERSION};
				for (autolic_id id = 1; id < 8; id++)
					(void)autolic_account_get(w.db, id, &ai);
				(void)autolic_flex_check(w.db, 1);
				autolic_db_close(w.db);
			}
		}
	}
	unlink(path);
	rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	replay(data, size, 0);
	replay(data, size, 1);
	if (size && (data[0] & 1))
		open_file(data, size);
	return 0;
}
