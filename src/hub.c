/* Developer hubs (APS-2..APS-4). */
#include "hub.h"
#include "idlist.h"
#include "core/error.h"

static void admin_keys(al_key *fwd, al_key *rev, autolic_id hub, autolic_id account)
{
	al_key_init(fwd, AL_K_HUB_ADMIN);
	al_key_u64(fwd, hub);
	al_key_u64(fwd, account);
	al_key_init(rev, AL_K_ACCOUNT_HUB);
	al_key_u64(rev, account);
	al_key_u64(rev, hub);
}

int al_hub_forget_account(al_txn *t, autolic_id account)
{
	al_key k, fwd, rev;
	al_idlist l;
	al_key_init(&k, AL_K_ACCOUNT_HUB);
	al_key_u64(&k, account);
	al_idlist_init(&l, t->a, 9);
	int rc = al_idlist_scan(t, &k, &l);
	for (size_t i = 0; !rc && i < l.n; i++) {
		admin_keys(&fwd, &rev, l.v[i], account);
		rc = al_txn_del(t, &fwd);
		if (!rc)
			rc = al_txn_del(t, &rev);
	}
	al_idlist_free(&l);
	return rc;
}
