/* Fuzz target "journal": arbitrary bytes as a journal file.
 *
 * The bytes are replayed by al_journal_replay_buffer() twice (strict, then
 * salvaging) into a sink that checks what it is handed; the result must be
 * 0 or a clear error (AUTOLIC_ECORRUPT, AUTOLIC_EVERSION) with a message,
 * and the reported offsets must lie inside the input. When byte 0 is odd the
 * bytes are also written to a file in a temporary directory and opened as a
 * journal store read-only and salvaging, and a handle over it is read. */
#include "fuzz_common.h"
#include "core/error.h"
#include "store/journal.h"

#include <unistd.h>

typedef struct sink_state {
	uint64_t ops, commits;
} sink_state;

static int s_put(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
	sink_state *s = arg;
	if ((klen && !key) || (vlen && !val))
		abort();
	/* touch every byte handed over: ASan catches a view past the buffer */
	volatile unsigned char x = 0;
	for (size_t i = 0; i < klen; i++)
		x ^= ((const unsigned char *)key)[i];
	for (size_t i = 0; i < vlen; i++)
		x ^= ((const unsigned char *)val)[i];
	(void)x;
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
	sink_state s = {0, 0};
	al_journal_sink sink = {s_put, s_del, s_commit, &s};
	al_journal_replay res;
	memset(&res, 0, sizeof res);
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
