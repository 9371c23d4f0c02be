#include "snap.h"
#include "error.h"

#include <string.h>

void al_snap_fill_reset(al_snap_fill *f)
{
	if (f->drop && f->v)
		f->drop(f->a, f->v, f->n);
	al_free(f->a, f->v);
	f->v = NULL;
	f->n = f->cap = 0;
}

int al_snap_open(autolic_db *db, const al_snap_spec *spec, void **out)
{
	const al_alloc *a = al_db_alloc(db);
	al_snap *it = al_calloc(a, 1, spec->size);
	if (!it)
		return al_err(AUTOLIC_ENOMEM, "out of memory creating an iterator");
	it->a = *a;
	it->drop = spec->drop;
	al_snap_fill f = {.key = spec->key, .a = &it->a, .ctx = spec->ctx, .drop = spec->drop};
	int rc = al_run(db, 0, spec->fill, &f);
	if (rc) {
		al_snap_fill_reset(&f);
		al_free(&it->a, it);
		return rc;
	}
	it->v = f.v;
	it->n = f.n;
	*out = it;
	return 0;
}

int al_snap_new(autolic_db *db, autolic_id key, al_txn_fn fn, size_t size, void **out)
{
	al_snap_spec spec = {.key = key, .fill = fn, .size = size};
	return al_snap_open(db, &spec, out);
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
	if (s->drop && s->v)
		s->drop(&a, s->v, s->n);
	al_free(&a, s->v);
	al_free(&a, s);
}
