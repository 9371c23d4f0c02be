/* Fuzz target "record": the record decoder and the real record loaders.
 *
 * Input byte 0 chooses the mode:
 *  - bit 7 set: the codec alone. Byte 1 is the tag, the following bytes
 *    drive a sequence of al_dec_* reads over the rest of the input (the
 *    record); every read must stay in bounds and al_rd_done must agree.
 *  - otherwise: a small world is built on a memory store, the input selects
 *    one stored record (byte 1) and how to damage it (byte 0: replace it
 *    with the rest of the input, xor the rest into it, or truncate it), and
 *    every public getter and iterator is called. Each must return 0 or an
 *    error code, never crash or read out of bounds. */
#include "fuzz_common.h"
#include "core/codec.h"
#include "core/keys.h"

typedef struct rec_list {
	unsigned char key[64][AL_KEY_MAX];
	size_t klen[64];
	unsigned char *val[64];
	size_t vlen[64];
	size_t n;
} rec_list;

static int collect(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	rec_list *l = arg;
	if (l->n < 64 && klen <= AL_KEY_MAX) {
		memcpy(l->key[l->n], key, klen);
		l->klen[l->n] = klen;
		l->val[l->n] = malloc(vlen ? vlen : 1);
		memcpy(l->val[l->n], val, vlen);
		l->vlen[l->n] = vlen;
		l->n++;
	}
	return 0;
}

static void codec_only(const uint8_t *data, size_t size)
{
	if (size < 3)
		return;
	uint8_t tag = data[1];
	size_t nops = data[2] & 0x1f;
	const uint8_t *ops = data + 3;
	if (nops > size - 3)
		nops = size - 3;
	const uint8_t *rec = ops + nops;
	size_t rlen = size - 3 - nops;
	al_rd r;
	if (al_rec_open(&r, rec, rlen, tag))
		return;
	char s[24];
	al_alloc a;
	al_alloc_init(&a, NULL); /* libc */
	for (size_t i = 0; i < nops; i++) {
		switch (ops[i] % 6) {
		case 0:
			(void)al_dec_u8(&r);
			break;
		case 1:
			(void)al_dec_u32(&r);
			break;
		case 2:
			(void)al_dec_u64(&r);
			break;
		case 3:
			(void)al_dec_i64(&r);
			break;
		case 4:
			al_dec_str(&r, s, sizeof s);
			break;
		default: {
			char *d = al_dec_strdup(&r, &a);
			if (d)
				al_free(&a, d);
		}
		}
		if (r.pos > r.len)
			abort(); /* a read went past the record */
	}
	int done = al_rd_done(&r);
	if (done == 0 && (r.bad || r.pos != r.len))
		abort(); /* claimed consumed exactly when it was not */
}

static void read_everything(fz_world *w)
{
	autolic_db *db = w->db;
	autolic_account_info ai = {.version = AUTOLIC_ACCOUNT_INFO_VERSION};
	(void)autolic_account_get(db, w->admin, &ai);
	for (int i = 0; i < FZ_USERS; i++)
		(void)autolic_account_get(db, w->users[i], &ai);
	autolic_team_info ti = {.version = AUTOLIC_TEAM_INFO_VERSION};
	(void)autolic_team_get(db, w->team, &ti);
	autolic_contract_info ci = {.version = AUTOLIC_CONTRACT_INFO_VERSION};
	(void)autolic_contract_get(db, w->contract, &ci);
	autolic_contract_iter *cit = NULL;
	if (autolic_contract_iter_new(db, w->team, &cit) == 0) {
		while (autolic_contract_iter_next(cit, &ci) == 0)
			;
		autolic_contract_iter_free(cit);
	}
	for (int p = 0; p < 2; p++) {
		autolic_contract_product_info pi = {.version =
		                                        AUTOLIC_CONTRACT_PRODUCT_INFO_VERSION};
		(void)autolic_contract_product_get(db, w->admin, w->contract, fz_products[p], &pi);
		autolic_seat_summary ss = {.version = AUTOLIC_SEAT_SUMMARY_VERSION};
		/* damaged data may say anything; only memory safety is checked */
		(void)autolic_seat_summary_get(db, w->contract, fz_products[p], &ss);
	}
	for (int i = 0; i < FZ_USERS; i++) {
		autolic_seat_iter *sit = NULL;
		if (autolic_seat_user_products(db, w->users[i], &sit) == 0) {
			autolic_seat_entry e = {.version = AUTOLIC_SEAT_ENTRY_VERSION};
			while (autolic_seat_iter_next(sit, &e) == 0)
				;
			autolic_seat_iter_free(sit);
		}
	}
	autolic_flex_lot_info li = {.version = AUTOLIC_FLEX_LOT_INFO_VERSION};
	(void)autolic_flex_lot_get(db, w->lot, &li);
	autolic_flex_team_info fi = {.version = AUTOLIC_FLEX_TEAM_INFO_VERSION};
	(void)autolic_flex_team_get(db, w->team, &fi);
	(void)autolic_flex_check(db, w->team);
	/* A state change over damaged data must also fail cleanly. */
	(void)autolic_seat_grant(db, w->admin, w->contract, "autocad", w->users[2]);
	autolic_flex_report_spec rs = AUTOLIC_FLEX_REPORT_SPEC_INIT;
	rs.kind = AUTOLIC_FLEX_LAUNCH;
	rs.key = "fz-launch";
	rs.time = w->now;
	rs.product = "revit";
	rs.team = w->team;
	rs.account = w->users[1];
	autolic_flex_result res = {.version = AUTOLIC_FLEX_RESULT_VERSION};
	(void)autolic_flex_report(db, &rs, &res);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	if (data[0] & 0x80) {
		codec_only(data, size);
		return 0;
	}
	fz_world w;
	memset(&w, 0, sizeof w);
	w.now = FZ_NOW;
	autolic_storage st;
	fz_ok("memory store", autolic_store_memory_new(&st, NULL));
	fz_ok("open", fz_open(&w, &st));
	fz_populate(&w);

	static rec_list l;
	l.n = 0;
	fz_ok("begin", st.begin(st.ctx, 0));
	fz_ok("scan", st.scan(st.ctx, "", 0, NULL, 0, collect, &l));
	st.rollback(st.ctx);
	if (l.n) {
		size_t i = data[1] % l.n;
		const uint8_t *rest = data + 2;
		size_t rlen = size - 2;
		unsigned char *v = NULL;
		size_t vlen = 0;
		switch (data[0] % 3) {
		case 0: /* replace */
			v = malloc(rlen ? rlen : 1);
			memcpy(v, rest, rlen);
			vlen = rlen;
			break;
		case 1: /* xor the rest into the stored record */
			v = malloc(l.vlen[i] ? l.vlen[i] : 1);
			memcpy(v, l.val[i], l.vlen[i]);
			vlen = l.vlen[i];
			for (size_t k = 0; k < rlen && k < vlen; k++)
				v[k] ^= rest[k];
			break;
		default: /* truncate */
			v = malloc(l.vlen[i] ? l.vlen[i] : 1);
			vlen = rlen ? rest[0] % (l.vlen[i] + 1) : 0;
			memcpy(v, l.val[i], vlen);
		}
		fz_ok("begin", st.begin(st.ctx, 1));
		fz_ok("put", st.put(st.ctx, l.key[i], l.klen[i], v, vlen));
		fz_ok("commit", st.commit(st.ctx));
		free(v);
		read_everything(&w);
	}
	for (size_t i = 0; i < l.n; i++)
		free(l.val[i]);
	autolic_db_close(w.db);
	return 0;
}
