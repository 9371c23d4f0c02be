/* Account calls (ACCT-2..ACCT-5): registration, reads, invitations into a
 * team, acceptance, self-service edit, iteration and bulk import. The
 * records and pure rules are in src/account_records.c; the removal of an
 * account, which changes several nouns, is in src/cascade.c. */
#include "account.h"
#include "authz.h"
#include "core/idlist.h"
#include "core/record.h"
#include "names.h"
#include "team.h"
#include "core/error.h"
#include "core/snap.h"
#include "core/structs.h"
#include "core/text.h"
#include "core/timecalc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- public calls ---- */

typedef struct {
	autolic_account_info info;
} register_args;

static int register_fn(al_txn *t, void *arg)
{
	register_args *ra = arg;
	autolic_id existing;
	int rc = al_account_by_email(t, ra->info.email, &existing);
	if (rc == 0) {
		al_err(AUTOLIC_EEXISTS, "ACCT-1: the email '%s' already belongs to an account",
		       ra->info.email);
		return al_err_obj(AUTOLIC_OBJECT_ACCOUNT, existing, ra->info.email);
	}
	if (rc != AUTOLIC_ENOTFOUND)
		return rc;
	rc = al_txn_seq_next(t, "account", &ra->info.id);
	if (rc)
		return rc;
	ra->info.created = t->now;
	return al_account_store(t, &ra->info, 1);
}

/* Validate a spec into an info record (ACCT-1, ACCT-2). */
static int spec_to_info(const autolic_account_spec *spec, autolic_account_info *info)
{
	if (!spec)
		return al_err(AUTOLIC_EINVAL, "spec is NULL");
	autolic_account_spec in;
	int rc = al_copy_in(&in, spec, AL_ACCOUNT_SPEC);
	if (rc)
		return rc;
	spec = &in;
	memset(info, 0, sizeof(*info));
	info->version = AUTOLIC_ACCOUNT_INFO_VERSION;
	rc = autolic_email_normalize(spec->email, info->email, sizeof info->email);
	if (!rc && spec->first_name)
		rc = al_account_copy_name(info->first_name, spec->first_name,
		                          strlen(spec->first_name), "first name");
	if (!rc && spec->last_name)
		rc = al_account_copy_name(info->last_name, spec->last_name, strlen(spec->last_name),
		                          "last name");
	if (rc)
		return rc;
	const char *lang = spec->language ? spec->language : "en";
	size_t ll = strlen(lang);
	if (ll < 2 || ll > AUTOLIC_LANGUAGE_MAX) {
		al_err(AUTOLIC_EINVAL, "ACCT-2: language tag must be 2 to %d bytes",
		       AUTOLIC_LANGUAGE_MAX);
		return al_err_arg("language", "max", AUTOLIC_LANGUAGE_MAX);
	}
	for (size_t i = 0; i < ll; i++) {
		char c = lang[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-')) {
			al_err(AUTOLIC_EINVAL,
			       "ACCT-2: language tag '%s' may hold only letters, digits and '-'",
			       lang);
			return al_err_arg("language", "byte", (int64_t)i + 1);
		}
	}
	memcpy(info->language, lang, ll + 1);
	return 0;
}

int autolic_account_register(autolic_db *db, const autolic_account_spec *spec, autolic_id *id)
{
	if (!db)
		return al_err(AUTOLIC_EINVAL, "db is NULL");
	register_args ra;
	int rc = spec_to_info(spec, &ra.info);
	if (rc)
		return rc;
	ra.info.state = AUTOLIC_ACCOUNT_ACTIVE;
	rc = al_run(db, 1, register_fn, &ra);
	if (!rc && id)
		*id = ra.info.id;
	return rc;
}

static int check_info(const autolic_account_info *info)
{
	if (!info)
		return al_err(AUTOLIC_EINVAL, "info is NULL");
	return al_struct_check(AL_ACCOUNT_INFO, info->version);
}

static int get_fn(al_txn *t, uint64_t id, void *info)
{
	return al_account_load(t, id, info);
}

int autolic_account_get(autolic_db *db, autolic_id id, autolic_account_info *info)
{
	if (!db)
		return al_err(AUTOLIC_EINVAL, "db is NULL");
	int rc = check_info(info);
	if (rc)
		return rc;
	autolic_account_info full = {0};
	rc = al_record_read(db, id, get_fn, &full, NULL);
	return rc ? rc : al_copy_out(info, &full, AL_ACCOUNT_INFO);
}

typedef struct {
	char email[AUTOLIC_EMAIL_MAX + 1];
	autolic_id id;
} find_args;

static int find_fn(al_txn *t, void *arg)
{
	find_args *fa = arg;
	return al_account_by_email(t, fa->email, &fa->id);
}

int autolic_account_find(autolic_db *db, const char *email, autolic_id *id)
{
	if (!db || !id)
		return al_err(AUTOLIC_EINVAL, "db and id are required");
	find_args fa;
	int rc = autolic_email_normalize(email, fa.email, sizeof fa.email);
	if (rc)
		return rc;
	rc = al_run(db, 0, find_fn, &fa);
	if (!rc)
		*id = fa.id;
	return rc;
}

/* ---- adding people to a team (ACCT-3, ROLE-6) ---- */

typedef struct {
	autolic_id actor, team;
	autolic_account_info info; /* validated person */
	autolic_id id;
} invite_args;

static int invite_fn(al_txn *t, void *arg)
{
	invite_args *ia = arg;
	int rc = al_team_require_admin(t, ia->team, ia->actor, "ROLE-6", "adding users");
	if (rc)
		return rc;
	autolic_id existing;
	rc = al_account_by_email(t, ia->info.email, &existing);
	if (!rc) {
		int role;
		rc = al_team_role(t, ia->team, existing, &role);
		al_name team;
		if (!rc && role != AL_ROLE_NONE && !(rc = al_name_team(t, ia->team, &team))) {
			al_err(AUTOLIC_EEXISTS, "ACCT-3: %s is already a member of team %s",
			       ia->info.email, team.s);
			al_err_obj(AUTOLIC_OBJECT_ACCOUNT, existing, ia->info.email);
			return al_err_team(ia->team, &team);
		}
		if (rc)
			return rc;
	} else if (rc != AUTOLIC_ENOTFOUND) {
		return rc;
	}
	int invited;
	rc = al_account_invite(t, ia->info.email, ia->info.first_name, ia->info.last_name,
	                       ia->info.language, ia->actor, 0, &ia->id, &invited);
	if (!rc)
		rc = al_team_member_set(t, ia->team, ia->id, AL_ROLE_USER);
	return rc;
}

static int invite_common(autolic_db *db, autolic_id actor, autolic_id team, invite_args *ia,
                         autolic_id *id)
{
	int rc = al_authz_actor_given(actor);
	if (rc)
		return rc;
	if (!team)
		return al_err(AUTOLIC_EINVAL, "team is required");
	ia->actor = actor;
	ia->team = team;
	ia->id = 0;
	rc = al_run(db, 1, invite_fn, ia);
	if (!rc && id)
		*id = ia->id;
	return rc;
}

int autolic_account_invite(autolic_db *db, autolic_id actor, autolic_id team,
                           const autolic_account_spec *spec, autolic_id *id)
{
	if (!db)
		return al_err(AUTOLIC_EINVAL, "db is NULL");
	invite_args ia;
	int rc = spec_to_info(spec, &ia.info);
	return rc ? rc : invite_common(db, actor, team, &ia, id);
}

int autolic_account_invite_text(autolic_db *db, autolic_id actor, autolic_id team,
                                const char *person, autolic_id *id)
{
	if (!db)
		return al_err(AUTOLIC_EINVAL, "db is NULL");
	invite_args ia;
	memset(&ia, 0, sizeof ia);
	int rc = autolic_person_parse(person, ia.info.email, ia.info.first_name, ia.info.last_name);
	if (rc)
		return rc;
	snprintf(ia.info.language, sizeof ia.info.language, "en");
	return invite_common(db, actor, team, &ia, id);
}

/* ---- accepting and resending (ACCT-4) ---- */

static int accept_fn(al_txn *t, void *arg)
{
	al_account_args *aa = arg;
	autolic_account_info a;
	int rc = al_account_load(t, aa->account, &a);
	if (rc)
		return rc;
	if (a.state == AUTOLIC_ACCOUNT_EXPIRED)
		return al_err(
		    AUTOLIC_EEXPIRED,
		    "ACCT-4: the invitation of %s expired; an administrator must resend it",
		    a.email);
	if (a.state != AUTOLIC_ACCOUNT_INVITED) {
		al_err(AUTOLIC_ESTATE, "ACCT-4: %s has no pending invitation (it is %s)", a.email,
		       a.state == AUTOLIC_ACCOUNT_ACTIVE ? "already active" : "removed");
		return al_err_obj(AUTOLIC_OBJECT_ACCOUNT, a.id, a.email);
	}
	a.state = AUTOLIC_ACCOUNT_ACTIVE;
	a.invitation_expires = 0;
	return al_account_store(t, &a, 0);
}

int autolic_account_accept(autolic_db *db, autolic_id account)
{
	if (!db)
		return al_err(AUTOLIC_EINVAL, "db is NULL");
	if (!account)
		return al_err(AUTOLIC_EINVAL, "account is required");
	al_account_args aa = {account, account};
	return al_run(db, 1, accept_fn, &aa);
}

/* The actor administers a team the account belongs to (ROLE-6: manage users). */
static int require_admin_of_member(al_txn *t, autolic_id actor, autolic_id account,
                                   const char *what)
{
	int rc = al_authz_actor(t, actor, NULL);
	if (rc)
		return rc;
	al_idlist l;
	al_idlist_init(&l, t->a, 9);
	rc = al_team_list_of_account(t, account, &l);
	int ok = 0;
	for (size_t i = 0; !rc && i < l.n && !ok; i++) {
		int role;
		rc = al_team_role(t, l.v[i], actor, &role);
		ok = !rc && (role == AL_ROLE_PRIMARY || role == AL_ROLE_SECONDARY);
	}
	al_idlist_free(&l);
	if (rc)
		return rc;
	al_name who, whom;
	if (!ok && !(rc = al_name_account(t, actor, &who)) &&
	    !(rc = al_name_account(t, account, &whom))) {
		al_err(
		    AUTOLIC_EPERM,
		    "ROLE-6: permission denied: %s needs an administrator of a team of %s; %s is "
		    "not one",
		    what, whom.s, who.s);
		al_err_account(actor, &who);
		return al_err_account(account, &whom);
	}
	if (rc)
		return rc;
	return 0;
}

static int resend_fn(al_txn *t, void *arg)
{
	al_account_args *aa = arg;
	autolic_account_info a;
	int rc = al_account_load(t, aa->account, &a);
	if (!rc)
		rc = require_admin_of_member(t, aa->actor, aa->account, "resending an invitation");
	if (rc)
		return rc;
	if (a.state != AUTOLIC_ACCOUNT_INVITED && a.state != AUTOLIC_ACCOUNT_EXPIRED) {
		al_err(AUTOLIC_ESTATE, "ACCT-4: %s has no invitation to resend (it is %s)", a.email,
		       a.state == AUTOLIC_ACCOUNT_ACTIVE ? "active" : "removed");
		return al_err_obj(AUTOLIC_OBJECT_ACCOUNT, a.id, a.email);
	}
	rc = al_time_add(t->now, AL_INVITATION_PERIOD, &a.invitation_expires,
	                 "the invitation's expiry (the clock + 7 days)");
	if (rc)
		return rc;
	a.state = AUTOLIC_ACCOUNT_INVITED;
	a.invited_by = aa->actor;
	rc = al_account_store(t, &a, 0);
	if (!rc)
		rc = al_txn_event(t, AUTOLIC_EVENT_INVITATION_RESENT, a.id, 0, a.id, NULL, "ACCT-4",
		                  "the invitation of %s was sent again; it expires in 7 days",
		                  a.email);
	return rc;
}

int al_account_call(autolic_db *db, autolic_id actor, autolic_id account, al_txn_fn fn)
{
	int rc = al_authz_call_check(db, actor);
	if (rc)
		return rc;
	if (!account)
		return al_err(AUTOLIC_EINVAL, "account is required");
	al_account_args aa = {actor, account};
	return al_run(db, 1, fn, &aa);
}

int autolic_account_resend(autolic_db *db, autolic_id actor, autolic_id account)
{
	return al_account_call(db, actor, account, resend_fn);
}

/* ---- self-service edit (ACCT-2) ---- */

typedef struct {
	autolic_id actor, account;
	const autolic_account_spec *spec;
	char email[AUTOLIC_EMAIL_MAX + 1];
} update_args;

static int update_fn(al_txn *t, void *arg)
{
	update_args *ua = arg;
	autolic_account_info a;
	int rc = al_authz_actor_over(t, ua->actor, ua->account, &a);
	if (rc)
		return rc;
	al_subject s = {1, 0, 0, 0, 0, ua->actor == ua->account};
	if (!al_authz_allowed(AL_FN_EDIT_SELF, &s))
		return al_authz_deny(t, AL_FN_EDIT_SELF, ua->actor,
		                     "only one's own details may be edited (ACCT-2)");
	const autolic_account_spec *sp = ua->spec;
	if (sp->first_name)
		snprintf(a.first_name, sizeof a.first_name, "%s", sp->first_name);
	if (sp->last_name)
		snprintf(a.last_name, sizeof a.last_name, "%s", sp->last_name);
	if (sp->language)
		snprintf(a.language, sizeof a.language, "%s", sp->language);
	int new_email = sp->email && strcmp(ua->email, a.email) != 0;
	if (new_email) {
		autolic_id other;
		rc = al_account_by_email(t, ua->email, &other);
		if (!rc) {
			al_err(AUTOLIC_EEXISTS,
			       "ACCT-1: the email '%s' already belongs to another account",
			       ua->email);
			return al_err_obj(AUTOLIC_OBJECT_ACCOUNT, other, ua->email);
		}
		if (rc != AUTOLIC_ENOTFOUND)
			return rc;
		al_key k;
		al_account_email_key(&k, a.email);
		rc = al_txn_del(t, &k);
		if (rc)
			return rc;
		snprintf(a.email, sizeof a.email, "%s", ua->email);
	}
	return al_account_store(t, &a, new_email);
}

int autolic_account_update(autolic_db *db, autolic_id actor, autolic_id account,
                           const autolic_account_spec *spec)
{
	if (!db || !spec)
		return al_err(AUTOLIC_EINVAL, "db and spec are required");
	int rc = al_authz_actor_given(actor);
	if (rc)
		return rc;
	if (!account)
		return al_err(AUTOLIC_EINVAL, "account is required");
	autolic_account_spec in;
	rc = al_copy_in(&in, spec, AL_ACCOUNT_SPEC);
	if (rc)
		return rc;
	spec = &in;
	/* validate every given field the way a new account's would be */
	autolic_account_spec probe = in;
	if (!probe.email)
		probe.email = "probe@example.com";
	autolic_account_info scratch;
	update_args ua = {actor, account, spec, ""};
	rc = spec_to_info(&probe, &scratch);
	if (rc)
		return rc;
	if (spec->email)
		memcpy(ua.email, scratch.email, sizeof ua.email);
	return al_run(db, 1, update_fn, &ua);
}

/* ---- iteration (snapshots) ---- */

struct autolic_account_iter {
	al_snap s; /* of autolic_account_info */
};

static int snap_fn(al_txn *t, void *arg)
{
	al_snap_fill *sa = arg; /* key: the team, or 0 for every account */
	al_snap_fill_reset(sa);
	al_idlist l;
	al_idlist_init(&l, t->a, 1);
	al_key k;
	int rc;
	if (sa->key) {
		rc = al_team_check(t, sa->key);
		if (!rc)
			rc = al_team_list_members(t, sa->key, &l);
	} else {
		al_key_init(&k, AL_K_ACCOUNT);
		rc = al_idlist_scan(t, &k, &l);
	}
	autolic_account_info *v = NULL;
	if (!rc && l.n && !(v = al_calloc(sa->a, l.n, sizeof(*v))))
		rc = al_err(AUTOLIC_ENOMEM, "out of memory taking a snapshot of %zu accounts", l.n);
	for (size_t i = 0; !rc && i < l.n; i++) {
		rc = al_account_load(t, l.v[i], &v[i]);
		v[i].version = AUTOLIC_ACCOUNT_INFO_VERSION;
	}
	sa->v = v; /* freed by al_snap_new or the next attempt on failure */
	if (!rc)
		sa->n = l.n;
	al_idlist_free(&l);
	return rc;
}

int autolic_account_iter_new(autolic_db *db, autolic_id team, autolic_account_iter **out)
{
	if (out)
		*out = NULL;
	if (!db || !out)
		return al_err(AUTOLIC_EINVAL, "db and out are required");
	return al_snap_new(db, team, snap_fn, sizeof(autolic_account_iter), (void **)out);
}

int autolic_account_iter_next(autolic_account_iter *it, autolic_account_info *info)
{
	al_err_clear();
	if (!it)
		return al_err(AUTOLIC_EINVAL, "iterator is NULL");
	int rc = check_info(info);
	if (rc)
		return rc;
	return al_snap_next(it->s.v, it->s.n, &it->s.pos, AL_ACCOUNT_INFO, info);
}

void autolic_account_iter_free(autolic_account_iter *it)
{
	al_snap_free(it ? &it->s : NULL);
}

/* ---- bulk import (ACCT-5) ---- */

typedef struct import_rec {
	size_t line;
	autolic_account_info info; /* email, names, language */
	int bad;                   /* rejected while parsing */
	char reason[160];
} import_rec;

typedef struct import_set {
	const al_alloc *a;
	import_rec *v;
	size_t n, cap;
} import_set;

static import_rec *import_push(import_set *s, size_t line)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		import_rec *v = al_realloc(s->a, s->v, cap * sizeof(*v));
		if (!v)
			return NULL;
		s->v = v;
		s->cap = cap;
	}
	import_rec *r = &s->v[s->n++];
	memset(r, 0, sizeof(*r));
	r->line = line;
	r->info.version = AUTOLIC_ACCOUNT_INFO_VERSION;
	return r;
}

static void import_reject(import_rec *r, const char *reason)
{
	r->bad = 1;
	snprintf(r->reason, sizeof r->reason, "%s", reason);
}

/* One CSV field: quoted (RFC 4180) or bare. *p advances past it; returns
 * the field in dst (truncation is reported by returning 2), 1 on an
 * unterminated quote, 0 otherwise. Counts newlines inside quotes. */
static int csv_field(const char **p, char *dst, size_t cap, size_t *line)
{
	const char *s = *p;
	size_t n = 0;
	int over = 0;
	if (*s == '"') {
		s++;
		for (;;) {
			if (!*s) {
				*p = s;
				dst[n < cap ? n : cap - 1] = 0;
				return 1;
			}
			if (*s == '"') {
				if (s[1] == '"') {
					s++;
				} else {
					s++;
					break;
				}
			}
			if (*s == '\n')
				(*line)++;
			if (n + 1 < cap)
				dst[n++] = *s;
			else
				over = 1;
			s++;
		}
		/* anything after the closing quote up to the separator is kept */
	}
	while (*s && *s != ',' && *s != '\n' && *s != '\r') {
		if (n + 1 < cap)
			dst[n++] = *s;
		else
			over = 1;
		s++;
	}
	dst[n] = 0;
	*p = s;
	return over ? 2 : 0;
}

enum { COL_EMAIL, COL_FIRST, COL_LAST, COL_LANG, COL_OTHER };

static int header_col(const char *h)
{
	char low[32];
	size_t n = 0;
	for (; *h == ' '; h++)
		;
	for (; *h && n + 1 < sizeof low; h++)
		low[n++] = (char)al_account_lower((unsigned char)*h);
	while (n && low[n - 1] == ' ')
		n--;
	low[n] = 0;
	static const struct {
		const char *name;
		int col;
	} names[] = {
	    {"email", COL_EMAIL},      {"e-mail", COL_EMAIL},     {"email address", COL_EMAIL},
	    {"first_name", COL_FIRST}, {"first name", COL_FIRST}, {"firstname", COL_FIRST},
	    {"last_name", COL_LAST},   {"last name", COL_LAST},   {"lastname", COL_LAST},
	    {"language", COL_LANG},    {"lang", COL_LANG}};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(low, names[i].name))
			return names[i].col;
	return COL_OTHER;
}

#define CSV_MAX_COLS  32
#define CSV_FIELD_MAX 512

/* Validate one record's fields into r (ACCT-1, ACCT-2). */
static void import_fill(import_rec *r, const char *email, const char *first, const char *last,
                        const char *lang)
{
	autolic_account_spec sp = AUTOLIC_ACCOUNT_SPEC_INIT;
	sp.email = email;
	sp.first_name = first;
	sp.last_name = last;
	sp.language = lang && *lang ? lang : NULL;
	if (spec_to_info(&sp, &r->info))
		import_reject(r, autolic_errmsg());
}

static int parse_csv(const char *text, import_set *set)
{
	const char *p = text;
	if ((unsigned char)p[0] == 0xef && (unsigned char)p[1] == 0xbb &&
	    (unsigned char)p[2] == 0xbf)
		p += 3;
	int cols[CSV_MAX_COLS];
	size_t ncols = 0, line = 1;
	char *field = al_malloc(set->a, CSV_FIELD_MAX * 5);
	if (!field)
		return al_err(AUTOLIC_ENOMEM, "out of memory reading the import");
	int rc = 0, have_email = 0;
	/* header */
	for (;;) {
		if (ncols == CSV_MAX_COLS) {
			rc = al_err(AUTOLIC_EINVAL,
			            "ACCT-5: line 1: the CSV header has more than %d columns",
			            CSV_MAX_COLS);
			break;
		}
		if (csv_field(&p, field, CSV_FIELD_MAX, &line) == 1) {
			rc = al_err(AUTOLIC_EINVAL,
			            "ACCT-5: line 1: unterminated quote in the CSV header");
			break;
		}
		cols[ncols] = header_col(field);
		for (size_t i = 0; i < ncols; i++)
			if (cols[i] == cols[ncols] && cols[i] != COL_OTHER) {
				rc =
				    al_err(AUTOLIC_EINVAL,
				           "ACCT-5: line 1: the CSV header names column '%s' twice",
				           field);
				break;
			}
		if (rc)
			break;
		have_email |= cols[ncols] == COL_EMAIL;
		ncols++;
		if (*p != ',')
			break;
		p++;
	}
	if (!rc && !have_email)
		rc = al_err(AUTOLIC_EINVAL, "ACCT-5: line 1: the CSV header has no 'email' column");
	if (*p == '\r')
		p++;
	if (*p == '\n')
		p++, line++;
	char *f[5];
	for (int i = 0; i < 5; i++)
		f[i] = field + i * CSV_FIELD_MAX;
	while (!rc && *p) {
		size_t start = line;
		/* a blank line is skipped */
		if (*p == '\n' || (*p == '\r' && p[1] == '\n')) {
			p += *p == '\r' ? 2 : 1;
			line++;
			continue;
		}
		for (int i = 0; i < 5; i++)
			f[i][0] = 0;
		size_t nf = 0;
		int unterminated = 0, over = 0;
		for (;;) {
			int slot = nf < ncols ? cols[nf] : COL_OTHER;
			int r = csv_field(&p, f[slot], CSV_FIELD_MAX, &line);
			unterminated |= r == 1;
			over |= r == 2 && slot != COL_OTHER;
			nf++;
			if (*p != ',')
				break;
			p++;
		}
		if (*p == '\r')
			p++;
		if (*p == '\n')
			p++, line++;
		if (set->n >= AUTOLIC_IMPORT_MAX) {
			rc = al_err(AUTOLIC_EINVAL, "ACCT-5: more than %d records in one import",
			            AUTOLIC_IMPORT_MAX);
			break;
		}
		import_rec *r = import_push(set, start);
		if (!r) {
			rc = al_err(AUTOLIC_ENOMEM, "out of memory reading the import");
			break;
		}
		if (unterminated)
			import_reject(r, "ACCT-5: unterminated quoted field");
		else if (nf != ncols) {
			char why[96];
			snprintf(why, sizeof why,
			         "ACCT-5: expected %zu fields as in the header, found %zu", ncols,
			         nf);
			import_reject(r, why);
		} else if (over)
			import_reject(r, "ACCT-5: a field is longer than allowed");
		else
			import_fill(r, f[COL_EMAIL], f[COL_FIRST], f[COL_LAST], f[COL_LANG]);
	}
	al_free(set->a, field);
	return rc;
}

static int parse_list(const char *text, import_set *set)
{
	const char *p = text;
	if ((unsigned char)p[0] == 0xef && (unsigned char)p[1] == 0xbb &&
	    (unsigned char)p[2] == 0xbf)
		p += 3;
	char buf[AUTOLIC_EMAIL_MAX + 2 * AUTOLIC_NAME_MAX + 16];
	size_t line = 0;
	while (*p) {
		line++;
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		const char *next = e ? e + 1 : p + n;
		if (n && p[n - 1] == '\r')
			n--;
		size_t i = 0;
		while (i < n && (p[i] == ' ' || p[i] == '\t'))
			i++;
		if (i == n) {
			p = next;
			continue;
		}
		if (set->n >= AUTOLIC_IMPORT_MAX)
			return al_err(AUTOLIC_EINVAL, "ACCT-5: more than %d records in one import",
			              AUTOLIC_IMPORT_MAX);
		import_rec *r = import_push(set, line);
		if (!r)
			return al_err(AUTOLIC_ENOMEM, "out of memory reading the import");
		if (n >= sizeof buf) {
			import_reject(r, "ACCT-5: the line is too long for a person");
		} else {
			memcpy(buf, p, n);
			buf[n] = 0;
			char email[AUTOLIC_EMAIL_MAX + 1], first[AUTOLIC_NAME_MAX + 1],
			    last[AUTOLIC_NAME_MAX + 1];
			if (autolic_person_parse(buf, email, first, last))
				import_reject(r, autolic_errmsg());
			else
				import_fill(r, email, first, last, NULL);
		}
		p = next;
	}
	return 0;
}

static int cmp_email(const void *a, const void *b)
{
	const import_rec *const *x = a, *const *y = b;
	int c = strcmp((*x)->info.email, (*y)->info.email);
	return c ? c : ((*x)->line > (*y)->line) - ((*x)->line < (*y)->line);
}

/* ACCT-5: the same person twice in one import is rejected (the later lines). */
static int import_duplicates(import_set *set)
{
	if (set->n < 2)
		return 0;
	import_rec **idx = al_malloc(set->a, set->n * sizeof(*idx));
	if (!idx)
		return al_err(AUTOLIC_ENOMEM, "out of memory checking the import for duplicates");
	size_t m = 0;
	for (size_t i = 0; i < set->n; i++)
		if (!set->v[i].bad)
			idx[m++] = &set->v[i];
	qsort(idx, m, sizeof(*idx), cmp_email);
	for (size_t i = 1; i < m; i++)
		if (!strcmp(idx[i]->info.email, idx[i - 1]->info.email)) {
			size_t j = i - 1;
			while (j > 0 && !strcmp(idx[j - 1]->info.email, idx[i]->info.email))
				j--;
			char why[96];
			snprintf(why, sizeof why,
			         "ACCT-5: the same person is already listed on line %zu",
			         idx[j]->line);
			import_reject(idx[i], why);
		}
	al_free(set->a, idx);
	return 0;
}

typedef struct {
	autolic_id actor, team;
	import_set *set;
	int *bad; /* per record: rejected inside the transaction */
	size_t rejected, added;
} import_args;

static int import_fn(al_txn *t, void *arg)
{
	import_args *ia = arg;
	import_set *set = ia->set;
	ia->rejected = ia->added = 0;
	memset(ia->bad, 0, set->n * sizeof(*ia->bad));
	int rc = al_team_require_admin(t, ia->team, ia->actor, "ROLE-6", "adding users");
	if (rc)
		return rc;
	for (size_t i = 0; i < set->n; i++) {
		import_rec *r = &set->v[i];
		if (r->bad) {
			ia->rejected++;
			continue;
		}
		autolic_id id;
		rc = al_account_by_email(t, r->info.email, &id);
		if (rc == AUTOLIC_ENOTFOUND) {
			rc = 0;
			if (!r->info.first_name[0] || !r->info.last_name[0]) {
				ia->bad[i] = 1; /* ACCT-3 */
				ia->rejected++;
			}
			continue;
		}
		if (rc)
			return rc;
		int role;
		rc = al_team_role(t, ia->team, id, &role);
		if (rc)
			return rc;
		if (role != AL_ROLE_NONE) {
			ia->bad[i] = 2;
			ia->rejected++;
		}
	}
	if (ia->rejected) {
		al_name tn;
		if ((rc = al_name_team(t, ia->team, &tn)) != 0)
			return rc;
		al_err(AUTOLIC_EINVAL,
		       "ACCT-5: %zu of %zu records rejected; nothing was added to team '%s'",
		       ia->rejected, set->n, tn.s);
		al_err_team(ia->team, &tn);
		al_err_num("rejected", (int64_t)ia->rejected);
		return al_err_num("records", (int64_t)set->n);
	}
	for (size_t i = 0; !rc && i < set->n; i++) {
		import_rec *r = &set->v[i];
		autolic_id id;
		int invited;
		rc = al_account_invite(t, r->info.email, r->info.first_name, r->info.last_name,
		                       r->info.language, ia->actor, 0, &id, &invited);
		if (!rc)
			rc = al_team_member_set(t, ia->team, id, AL_ROLE_USER);
		if (!rc)
			ia->added++;
	}
	return rc;
}

int autolic_account_import(autolic_db *db, autolic_id actor, autolic_id team, const char *text,
                           int format, autolic_import_error_fn on_error, void *ctx, size_t *added)
{
	if (added)
		*added = 0;
	if (!db || !text)
		return al_err(AUTOLIC_EINVAL, "db and text are required");
	int rc = al_authz_actor_given(actor);
	if (rc)
		return rc;
	if (!team)
		return al_err(AUTOLIC_EINVAL, "team is required");
	if (format != AUTOLIC_IMPORT_LIST && format != AUTOLIC_IMPORT_CSV)
		return al_err(AUTOLIC_EINVAL, "ACCT-5: unknown import format %d", format);
	import_set set = {al_db_alloc(db), NULL, 0, 0};
	rc = format == AUTOLIC_IMPORT_CSV ? parse_csv(text, &set) : parse_list(text, &set);
	if (!rc && set.n == 0)
		rc = al_err(AUTOLIC_EINVAL, "ACCT-5: the import holds no person");
	if (!rc)
		rc = import_duplicates(&set);
	int *bad = NULL;
	if (!rc && !(bad = al_calloc(set.a, set.n, sizeof(*bad))))
		rc = al_err(AUTOLIC_ENOMEM, "out of memory checking the import");
	import_args ia = {actor, team, &set, bad, 0, 0};
	if (!rc)
		rc = al_run(db, 1, import_fn, &ia);
	if (rc && ia.rejected && on_error) {
		/* keep the summary failure (message and fields) across the callbacks */
		autolic_error_info summary;
		al_err_save(&summary);
		for (size_t i = 0; i < set.n; i++) {
			const import_rec *r = &set.v[i];
			if (r->bad)
				on_error(r->line, r->reason, ctx);
			else if (bad[i] == 1)
				on_error(r->line,
				         "ACCT-3: this person has no account; a new person needs a "
				         "first and a last name",
				         ctx);
			else if (bad[i] == 2)
				on_error(r->line,
				         "ACCT-5: this person is already a member of the team",
				         ctx);
		}
		al_err_restore(&summary);
	}
	if (!rc && added)
		*added = ia.added;
	al_free(set.a, bad);
	al_free(set.a, set.v);
	return rc;
}
