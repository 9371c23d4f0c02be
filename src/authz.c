/* Authorization: the ROLE-6 matrix (pure) and the ROLE-7 actor check. */
#include "authz.h"
#include "account.h"
#include "names.h"
#include "core/error.h"

/* ROLE-6, transcribed row by row. 'y' allowed, '*' allowed for products the
 * user has been granted (U*), '-' not allowed. Columns: CM, SC, U. */
static const char matrix[AL_FN_COUNT][3] = {
    [AL_FN_SUBSCRIBE] = {'y', '-', '-'},       [AL_FN_ORDER_CONTACT] = {'y', '-', '-'},
    [AL_FN_MANAGE_CONTRACT] = {'y', '-', '-'}, [AL_FN_ASSIGN_COORDINATOR] = {'y', '-', '-'},
    [AL_FN_MANAGE_USERS] = {'y', 'y', '-'},    [AL_FN_DOWNLOAD_NOTICE] = {'-', 'y', '-'},
    [AL_FN_EDIT_SELF] = {'y', 'y', 'y'},       [AL_FN_DOWNLOAD] = {'y', 'y', '*'},
    [AL_FN_UPDATES] = {'y', 'y', '*'},         [AL_FN_SERIALS] = {'y', 'y', '*'},
};

static const char *const names[AL_FN_COUNT] = {
    [AL_FN_SUBSCRIBE] = "subscribing to products and services",
    [AL_FN_ORDER_CONTACT] = "being the contract's primary contact",
    [AL_FN_MANAGE_CONTRACT] = "managing contracts and renewal terms",
    [AL_FN_ASSIGN_COORDINATOR] = "assigning the software coordinator",
    [AL_FN_MANAGE_USERS] = "adding, removing and managing users and their access",
    [AL_FN_DOWNLOAD_NOTICE] = "receiving notifications of new downloads",
    [AL_FN_EDIT_SELF] = "editing personal details",
    [AL_FN_DOWNLOAD] = "downloading and activating products",
    [AL_FN_UPDATES] = "downloading updates",
    [AL_FN_SERIALS] = "seeing serial numbers",
};

static int cell(char c, int granted)
{
	return c == 'y' || (c == '*' && granted);
}

int al_authz_allowed(int fn, const al_subject *s)
{
	if (fn < 0 || fn >= AL_FN_COUNT || !s || !s->active)
		return 0;
	const char *row = matrix[fn];
	/* Personal details are one's own: the role gives no right over another's. */
	if (fn == AL_FN_EDIT_SELF)
		return s->self;
	/* ROLE-5: managers and coordinators are users too; the admin columns are
	 * wider than U's in every row, so the user column adds nothing for them. */
	return (s->manager && cell(row[0], s->granted)) ||
	       (s->coordinator && cell(row[1], s->granted)) ||
	       (s->user && cell(row[2], s->granted));
}

const char *al_authz_fn_name(int fn)
{
	return fn >= 0 && fn < AL_FN_COUNT ? names[fn] : "an unknown function";
}

int al_authz_deny(al_txn *t, int fn, autolic_id actor, const char *why)
{
	al_name who;
	int rc = al_name_account(t, actor, &who);
	if (rc)
		return rc;
	al_err(AUTOLIC_EPERM, "ROLE-6: permission denied: %s is not allowed to %s (%s)",
	       al_authz_fn_name(fn), who.s, why);
	return al_err_account(actor, &who);
}

int al_authz_actor_given(autolic_id actor)
{
	return actor ? 0 : al_err(AUTOLIC_EINVAL, "ROLE-7: the acting account is required");
}

int al_authz_call_check(const autolic_db *db, autolic_id actor)
{
	return db ? al_authz_actor_given(actor) : al_err(AUTOLIC_EINVAL, "db is NULL");
}

int al_authz_actor(al_txn *t, autolic_id actor, autolic_account_info *out)
{
	/* only the state is checked: the strings are read when the caller wants them */
	autolic_account_info full;
	al_account_brief a;
	int rc = out ? al_account_load(t, actor, &full) : al_account_brief_load(t, actor, &a);
	if (!rc && out)
		a.state = full.state;
	if (rc == AUTOLIC_ENOTFOUND) {
		al_err(AUTOLIC_EPERM,
		       "ROLE-7: permission denied: acting account %llu does not exist",
		       (unsigned long long)actor);
		return al_err_obj(AUTOLIC_OBJECT_ACCOUNT, actor, "");
	}
	if (rc)
		return rc;
	if (a.state != AUTOLIC_ACCOUNT_ACTIVE) {
		al_name who;
		if ((rc = al_name_account(t, actor, &who)) != 0)
			return rc;
		if (a.state == AUTOLIC_ACCOUNT_INVITED)
			al_err(AUTOLIC_EPERM,
			       "ROLE-7: permission denied: acting account %s has not accepted its "
			       "invitation",
			       who.s);
		else if (a.state == AUTOLIC_ACCOUNT_EXPIRED)
			al_err(AUTOLIC_EPERM,
			       "ACCT-4: permission denied: the invitation of acting account %s "
			       "expired "
			       "and grants nothing",
			       who.s);
		else
			al_err(AUTOLIC_EPERM,
			       "ROLE-7: permission denied: acting account %s was removed", who.s);
		return al_err_account(actor, &who);
	}
	if (out)
		*out = full;
	return 0;
}

int al_authz_actor_over(al_txn *t, autolic_id actor, autolic_id account, autolic_account_info *info)
{
	int rc = al_account_load(t, account, info);
	return rc ? rc : al_authz_actor(t, actor, NULL);
}
