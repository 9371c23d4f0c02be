#include "idlist.h"
#include "error.h"

void al_idlist_init(al_idlist *l, const al_alloc *a, size_t at)
{
	al_array_init(l, a);
	l->at = at;
}

void al_idlist_free(al_idlist *l)
{
	al_array_free(l);
}

int al_idlist_push(al_idlist *l, autolic_id id)
{
	return al_array_push(l, id);
}

int al_idlist_collect(const void *key, size_t klen, const void *val, size_t vlen, void *arg)
{
	(void)val;
	(void)vlen;
	al_idlist *l = arg;
	size_t at = l->at == AL_IDLIST_LAST ? (klen > 8 ? klen - 8 : klen) : l->at;
	if (at > klen || klen - at < 8)
		return al_err(AUTOLIC_ECORRUPT, "index key of %zu bytes is too short", klen);
	return al_idlist_push(l, al_key_get_u64(key, at));
}

int al_idlist_scan(al_txn *t, const al_key *prefix, al_idlist *l)
{
	return al_txn_scan_prefix(t, prefix, al_idlist_collect, l);
}

int al_idlist_scan_of(al_txn *t, uint8_t prefix, autolic_id owner, al_idlist *l)
{
	al_key k;
	al_key_id(&k, prefix, owner);
	l->at = 9;
	return al_idlist_scan(t, &k, l);
}
