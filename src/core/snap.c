#include "snap.h"
#include "error.h"

#include <string.h>

void al_snap_fill_reset(al_snap_fill *f)
{
	al_free(f->a, f->v);
	f->v = NULL;
	f->n = 0;
}

int al_snap_new(autolic_db *db, autolic_id key, al_txn_fn fn, size_t size, void **out)
{
	const al_alloc *a = al_db_alloc(db);
	al_snap *it = al_calloc(a, 1, size);
	if (!it)
		return al_err(AUTOLIC_ENOMEM, "out of memory creating an iterator");
	it->a = *a;
	al_snap_fill f = {key, &it->a, NULL, 0};
	int rc = al_run(db, 0, fn, &f);
	if (rc) {
		al_free(&it->a, f.v);
		al_free(&it->a, it);
		return rc;
	}
	it->v = f.v;
	it->n = f.n;
	*out = it;
	return 0;
}

int al_snap_next(const void *v, size_t n, size_t *pos, size_t size, void *out)
{
	if (*pos >= n)
		return AUTOLIC_ITEROVER;
	unsigned int version;
	memcpy(&version, out, sizeof version);
	memcpy(out, (const char *)v + *pos * size, size);
	memcpy(out, &version, sizeof version);
	(*pos)++;
	return 0;
}

void al_snap_free(al_snap *s)
{
	if (!s)
		return;
	al_alloc a = s->a;
	al_free(&a, s->v);
	al_free(&a, s);
}
