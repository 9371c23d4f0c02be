/* Test helper: write text that IN-1 now refuses into a journal store, the way
 * a store written by an earlier version may hold it. Every stored value that
 * contains MARKER gets it replaced by the bytes HEX (as many bytes as MARKER
 * has, so that the record stays well formed), through the storage vtable.
 *
 *   raw_text STORE MARKER HEX     e.g. raw_text t.journal QQQQ ff1b5b32
 */
#include <autolic.h>
#include <autolic/sys/journal.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	unsigned char *key, *val;
	size_t klen, vlen;
} pair;

typedef struct {
	const char *marker;
	size_t mlen;
	pair *v;
	size_t n;
} found;

static int collect(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	found *f = arg;
	if (!memmem(val, vlen, f->marker, f->mlen))
		return 0;
	pair *v = realloc(f->v, (f->n + 1) * sizeof *v);
	if (!v)
		return AUTOLIC_ENOMEM;
	f->v = v;
	pair *p = &v[f->n++];
	p->key = malloc(klen ? klen : 1);
	p->val = malloc(vlen);
	if (!p->key || !p->val)
		return AUTOLIC_ENOMEM;
	memcpy(p->key, key, klen);
	memcpy(p->val, val, vlen);
	p->klen = klen;
	p->vlen = vlen;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 4 || strlen(argv[3]) != 2 * strlen(argv[2])) {
		fprintf(stderr,
		        "usage: raw_text STORE MARKER HEX (HEX: as many bytes as MARKER)\n");
		return 2;
	}
	size_t mlen = strlen(argv[2]);
	unsigned char bytes[256];
	if (mlen > sizeof bytes)
		return 2;
	for (size_t i = 0; i < mlen; i++) {
		unsigned b;
		if (sscanf(argv[3] + 2 * i, "%2x", &b) != 1)
			return 2;
		bytes[i] = (unsigned char)b;
	}
	autolic_storage st;
	int rc = autolic_store_journal_open(&st, argv[1], NULL);
	if (rc) {
		fprintf(stderr, "raw_text: %s: %d\n", argv[1], rc);
		return 1;
	}
	found f = {argv[2], mlen, NULL, 0};
	rc = st.begin(st.ctx, 1);
	if (!rc)
		rc = st.scan(st.ctx, "", 0, NULL, 0, collect, &f);
	for (size_t i = 0; !rc && i < f.n; i++) {
		unsigned char *at;
		while ((at = memmem(f.v[i].val, f.v[i].vlen, argv[2], mlen)) != NULL)
			memcpy(at, bytes, mlen);
		rc = st.put(st.ctx, f.v[i].key, f.v[i].klen, f.v[i].val, f.v[i].vlen);
	}
	if (!rc)
		rc = f.n ? st.commit(st.ctx) : (st.rollback(st.ctx), 3);
	else
		st.rollback(st.ctx);
	for (size_t i = 0; i < f.n; i++) {
		free(f.v[i].key);
		free(f.v[i].val);
	}
	free(f.v);
	st.free(st.ctx);
	if (rc)
		fprintf(stderr, "raw_text: %s\n", rc == 3 ? "marker not found" : "failed");
	else
		printf("%zu records rewritten\n", f.n);
	return rc ? 1 : 0;
}
