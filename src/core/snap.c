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

int al_snap_next(const void *v, size_t n, size_t *pos, al_struct kind, void *out)
{
	unsigned int version;
	memcpy(&version, out, sizeof version);
	int rc = al_struct_check(kind, version);
	if (rc || *pos >= n)
		return rc ? rc : AUTOLIC_ITEROVER;
	rc = al_copy_out(out, (const char *)v + *pos * al_struct_get(kind)->full, kind);
	(*pos)++;
	return rc;
}

void al_snap_free(al_snap *s)
{
	if (!s)
		return;
	al_alloc a = s->a;
	al_free(&a, s->v);
	al_free(&a, s);
}
