/* Accounts: ACCT-1..ACCT-5, adding, inviting, accepting, resending,
 * self-service edit, removal, bulk import and iteration. */
#include "t_roles.h"
#include "account.h"
#include "core/codec.h"
#include "core/keys.h"
#include "core/txn.h"

typedef t_people fx;

static int setup(void **state)
{
	*state = t_people_open("Office");
	return 0;
}

static autolic_account_info acct(fx *x, autolic_id id)
{
	autolic_account_info i = {.version = AUTOLIC_ACCOUNT_INFO_VERSION};
	T_OK(autolic_account_get(x->db, id, &i));
	return i;
}

static int role_of(fx *x, autolic_id a)
{
	int role = -1;
	T_OK(autolic_team_role_get(x->db, x->team, a, &role));
	return role;
}

/* ACCT-1: emails are validated and normalised. */
static void test_email_rules(void **state)
{
	(void)state;
	char out[AUTOLIC_EMAIL_MAX + 1];
	T_OK(autolic_email_normalize("Jo.Doe@Example.COM", out, sizeof out));
	assert_string_equal(out, "jo.doe@example.com");
	const char *bad[] = {"",
	                     "a@b",
	                     "no-at.example.com",
	                     "two@@example.com",
	                     "a@b@example.com",
	                     "sp ace@example.com",
	                     "tab\t@example.com",
	                     "a@example",
	                     ".a@example.com",
	                     "a.@example.com",
	                     "a..b@example.com",
	                     "a@.example.com",
	                     "a@example.com.",
	                     "<a>@example.com",
	                     "a,b@example.com",
	                     "a\x01@example.com"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		T_FAILS(AUTOLIC_EINVAL, "ACCT-1", autolic_email_normalize(bad[i], out, sizeof out));
	char longmail[300];
	memset(longmail, 'a', sizeof longmail);
	memcpy(longmail + 250, "@x.io", 6);
	T_FAILS(AUTOLIC_EINVAL, "ACCT-1", autolic_email_normalize(longmail, out, sizeof out));
	T_FAILS(AUTOLIC_EINVAL, "ACCT-1", autolic_email_normalize(NULL, out, sizeof out));
}

/* ACCT-3: the text form First Last <email>. */
static void test_person_parse(void **state)
{
	(void)state;
	char e[AUTOLIC_EMAIL_MAX + 1], f[AUTOLIC_NAME_MAX + 1], l[AUTOLIC_NAME_MAX + 1];
	T_OK(autolic_person_parse("  Marie Curie-Skłodowska <Marie@Example.org> ", e, f, l));
	assert_string_equal(e, "marie@example.org");
	assert_string_equal(f, "Marie");
	assert_string_equal(l, "Curie-Skłodowska");
	T_OK(autolic_person_parse("jean@example.fr", e, f, l));
	assert_string_equal(e, "jean@example.fr");
	assert_string_equal(f, "");
	T_FAILS(AUTOLIC_EINVAL, "ACCT-3", autolic_person_parse("Jean <jean@example.fr", e, f, l));
	T_FAILS(AUTOLIC_EINVAL, "ACCT-1", autolic_person_parse("Jean <jean>", e, f, l));
	T_FAILS(AUTOLIC_EINVAL, "UTF-8", autolic_person_parse("J\xff Doe <j@example.fr>", e, f, l));
}

/* ACCT-3: adding a new person invites them; an existing account is added by email. */
static void test_invite(void **state)
{
	fx *x = *state;
	autolic_id id;
	T_OK(autolic_account_invite_text(x->db, x->ann, x->team, "Carl Clerk <Carl@Example.com>",
	                                 &id));
	autolic_account_info i = acct(x, id);
	assert_string_equal(i.email, "carl@example.com");
	assert_string_equal(i.first_name, "Carl");
	assert_string_equal(i.last_name, "Clerk");
	assert_int_equal(i.state, AUTOLIC_ACCOUNT_INVITED);
	assert_int_equal(i.invitation_expires, T_NOW + 604800); /* ACCT-4 */
	assert_int_equal(i.invited_by, x->ann);
	assert_int_equal(role_of(x, id), AUTOLIC_TEAM_USER);
	assert_int_equal(t_events_count(&x->e, AUTOLIC_EVENT_INVITATION_SENT), 1);
	assert_int_equal(x->e.v[0].recipient, id);
	/* an existing account by its email alone: no invitation */
	x->e.n = 0;
	autolic_account_spec sp = AUTOLIC_ACCOUNT_SPEC_INIT;
	sp.email = "BOB@example.com";
	T_OK(autolic_account_invite(x->db, x->ann, x->team, &sp, &id));
	assert_int_equal(id, x->bob);
	assert_int_equal(acct(x, id).state, AUTOLIC_ACCOUNT_ACTIVE);
	assert_int_equal(x->e.n, 0);
	/* duplicate add */
	T_UNCHANGED(&x->f, T_FAILS(AUTOLIC_EEXISTS, "already a member",
	                           autolic_account_invite(x->db, x->ann, x->team, &sp, &id)));
	T_FAILS(AUTOLIC_EEXISTS, "already a member",
	        autolic_account_invite_text(x->db, x->ann, x->team, "carl@example.com", &id));
	/* ACCT-3: a new person needs names */
	T_UNCHANGED(&x->f, T_FAILS(AUTOLIC_EINVAL, "ACCT-3",
	                           autolic_account_invite_text(x->db, x->ann, x->team,
	                                                       "new@example.com", &id)));
}

static void test_invite_bad_input(void **state)
{
	fx *x = *state;
	autolic_id id;
	t_dump b, a;
	t_dump_store(&x->f.inner, &b);
	autolic_account_spec sp = AUTOLIC_ACCOUNT_SPEC_INIT;
	sp.email = "dan@example.com";
	sp.first_name = "Dan";
	sp.last_name = "D";
	T_FAILS(AUTOLIC_EINVAL, NULL, autolic_account_invite(NULL, x->ann, x->team, &sp, &id));
	T_FAILS(AUTOLIC_EINVAL, NULL, autolic_account_invite(x->db, x->ann, x->team, NULL, &id));
	T_FAILS(AUTOLIC_EINVAL, "ROLE-7", autolic_account_invite(x->db, 0, x->team, &sp, &id));
	T_FAILS(AUTOLIC_EINVAL, "team", autolic_account_invite(x->db, x->ann, 0, &sp, &id));
	T_FAILS(AUTOLIC_ENOTFOUND, "team 99", autolic_account_invite(x->db, x->ann, 99, &sp, &id));
	T_FAILS(AUTOLIC_EPERM, "ROLE-6", autolic_account_invite(x->db, x->bob, x->team, &sp, &id));
	T_FAILS(AUTOLIC_EPERM, "ROLE-7", autolic_account_invite(x->db, 99, x->team, &sp, &id));
	char longname[AUTOLIC_NAME_MAX + 2];
	memset(longname, 'n', sizeof longname - 1);
	longname[sizeof longname - 1] = 0;
	sp.first_name = longname;
	T_FAILS(AUTOLIC_EINVAL, "ACCT-2", autolic_account_invite(x->db, x->ann, x->team, &sp, &id));
	sp.first_name = "Dan";
	sp.email = "dan at example.com";
	T_FAILS(AUTOLIC_EINVAL, "ACCT-1", autolic_account_invite(x->db, x->ann, x->team, &sp, &id));
	sp.email = "dan@example.com";
	sp.language = "x";
	T_FAILS(AUTOLIC_EINVAL, "language",
	        autolic_account_invite(x->db, x->ann, x->team, &sp, &id));
	sp.version = 2;
	T_FAILS(AUTOLIC_EVERSION, NULL, autolic_account_invite(x->db, x->ann, x->team, &sp, &id));
	T_FAILS(AUTOLIC_EINVAL, "ACCT-3",
	        autolic_account_invite_text(x->db, x->ann, x->team, NULL, &id));
	t_dump_store(&x->f.inner, &a);
	assert_true(t_dump_equal(&a, &b));
	t_dump_free(&a);
	t_dump_free(&b);
	assert_int_equal(x->e.n, 0);
}

/* ACCT-4: 7 days exactly, measured by the injected clock; expired grants
 * nothing; resend starts a new period. */
static void test_invitation_expiry(void **state)
{
	fx *x = *state;
	autolic_id id;
	T_OK(autolic_account_invite_text(x->db, x->ann, x->team, "Carl Clerk <carl@example.com>",
	                                 &id));
	x->c.now = T_NOW + 604800 - 1;
	assert_int_equal(acct(x, id).state, AUTOLIC_ACCOUNT_INVITED);
	x->c.now = T_NOW + 604800;
	assert_int_equal(acct(x, id).state, AUTOLIC_ACCOUNT_EXPIRED);
	T_UNCHANGED(&x->f, T_FAILS(AUTOLIC_EEXPIRED, "ACCT-4", autolic_account_accept(x->db, id)));
	/* an expired invitation grants nothing: it cannot act */
	autolic_team_spec ts = AUTOLIC_TEAM_SPEC_INIT;
	ts.name = "Mine";
	T_FAILS(AUTOLIC_EPERM, "ACCT-4", autolic_team_create(x->db, id, &ts, NULL));
	/* resend: only an administrator of the person's team */
	T_FAILS(AUTOLIC_EPERM, "ROLE-6", autolic_account_resend(x->db, x->bob, id));
	x->e.n = 0;
	x->c.now = T_NOW + 10 * T_DAY;
	T_OK(autolic_account_resend(x->db, x->ann, id));
	assert_int_equal(t_events_count(&x->e, AUTOLIC_EVENT_INVITATION_RESENT), 1);
	assert_int_equal(x->e.v[0].recipient, id);
	autolic_account_info i = acct(x, id);
	assert_int_equal(i.state, AUTOLIC_ACCOUNT_INVITED);
	assert_int_equal(i.invitation_expires, T_NOW + 10 * T_DAY + 604800);
	x->c.now = T_NOW + 16 * T_DAY;
	T_OK(autolic_account_accept(x->db, id));
	assert_int_equal(acct(x, id).state, AUTOLIC_ACCOUNT_ACTIVE);
	/* active: nothing to accept or resend */
	T_FAILS(AUTOLIC_ESTATE, "ACCT-4", autolic_account_accept(x->db, id));
	T_FAILS(AUTOLIC_ESTATE, "ACCT-4", autolic_account_resend(x->db, x->ann, id));
	T_FAILS(AUTOLIC_ENOTFOUND, NULL, autolic_account_accept(x->db, 999));
	T_FAILS(AUTOLIC_EINVAL, NULL, autolic_account_accept(x->db, 0));
	T_FAILS(AUTOLIC_ENOTFOUND, NULL, autolic_account_resend(x->db, x->ann, 999));
}

/* ACCT-2: everyone edits their own details, nobody else's. */
static void test_self_edit(void **state)
{
	fx *x = *state;
	autolic_account_spec sp = AUTOLIC_ACCOUNT_SPEC_INIT;
	sp.first_name = "Robert";
	sp.language = "fr-CH";
	T_OK(autolic_account_update(x->db, x->bob, x->bob, &sp));
	autolic_account_info i = acct(x, x->bob);
	assert_string_equal(i.first_name, "Robert");
	assert_string_equal(i.last_name, "Builder");
	assert_string_equal(i.language, "fr-CH");
	assert_string_equal(i.email, "bob@example.com");
	sp.email = "Robert@Example.com";
	T_OK(autolic_account_update(x->db, x->bob, x->bob, &sp));
	autolic_id id;
	T_OK(autolic_account_find(x->db, "robert@example.com", &id));
	assert_int_equal(id, x->bob);
	T_FAILS(AUTOLIC_ENOTFOUND, NULL, autolic_account_find(x->db, "bob@example.com", &id));
	/* the old email is free again; a taken one is refused */
	sp.email = "ann@example.com";
	T_UNCHANGED(&x->f, T_FAILS(AUTOLIC_EEXISTS, "ACCT-1",
	                           autolic_account_update(x->db, x->bob, x->bob, &sp)));
	/* not another's details, even as an administrator */
	sp.email = NULL;
	T_UNCHANGED(&x->f, T_FAILS(AUTOLIC_EPERM, "ROLE-6",
	                           autolic_account_update(x->db, x->ann, x->bob, &sp)));
	sp.email = "bad";
	T_FAILS(AUTOLIC_EINVAL, "ACCT-1", autolic_account_update(x->db, x->bob, x->bob, &sp));
	sp.email = NULL;
	sp.last_name = "\x7f";
	T_FAILS(AUTOLIC_EINVAL, "ACCT-2", autolic_account_update(x->db, x->bob, x->bob, &sp));
	T_FAILS(AUTOLIC_EINVAL, NULL, autolic_account_update(x->db, x->bob, x->bob, NULL));
	T_FAILS(AUTOLIC_EINVAL, "ROLE-7", autolic_account_update(x->db, 0, x->bob, &sp));
	sp.last_name = NULL;
	T_FAILS(AUTOLIC_ENOTFOUND, NULL, autolic_account_update(x->db, x->bob, 999, &sp));
	/* the same email in another case is no change */
	sp.email = "ROBERT@example.com";
	T_OK(autolic_account_update(x->db, x->bob, x->bob, &sp));
}

/* Removing a user: leaves the team, grants nothing, cannot act (ROLE-6, ROLE-7). */
static void test_remove(void **state)
{
	fx *x = *state;
	autolic_id carl;
	T_OK(autolic_account_invite_text(x->db, x->ann, x->team, "Carl Clerk <carl@example.com>",
	                                 &carl));
	T_OK(autolic_account_accept(x->db, carl));
	/* a plain user may not remove */
	T_UNCHANGED(&x->f,
	            T_FAILS(AUTOLIC_EPERM, "ROLE-6", autolic_account_remove(x->db, carl, x->ann)));
	/* the primary admin must hand over first */
	T_OK(autolic_team_add_admin(x->db, x->ann, x->team, x->bob));
	T_FAILS(AUTOLIC_ESTATE, "ROLE-3", autolic_account_remove(x->db, x->bob, x->ann));
	T_OK(autolic_account_remove(x->db, x->ann, carl));
	assert_int_equal(acct(x, carl).state, AUTOLIC_ACCOUNT_REMOVED);
	assert_int_equal(role_of(x, carl), AUTOLIC_TEAM_NONE);
	T_FAILS(AUTOLIC_ESTATE, "removed", autolic_account_remove(x->db, x->ann, carl));
	autolic_team_spec ts = AUTOLIC_TEAM_SPEC_INIT;
	ts.name = "Mine";
	T_FAILS(AUTOLIC_EPERM, "removed", autolic_team_create(x->db, carl, &ts, NULL));
	autolic_account_spec sp = AUTOLIC_ACCOUNT_SPEC_INIT;
	sp.first_name = "C";
	T_FAILS(AUTOLIC_EPERM, "removed", autolic_account_update(x->db, carl, carl, &sp));
	T_FAILS(AUTOLIC_ESTATE, "ACCT-4", autolic_account_accept(x->db, carl));
	/* added again: invited again */
	autolic_id again;
	T_OK(autolic_account_invite_text(x->db, x->ann, x->team, "carl@example.com", &again));
	assert_int_equal(again, carl);
	assert_int_equal(acct(x, carl).state, AUTOLIC_ACCOUNT_INVITED);
	/* ROLE-2: a contract manager must hand over first */
	autolic_id c = t_buy1(x->db, x->ann, x->team, T_NOW);
	(void)c;
	T_FAILS(AUTOLIC_ESTATE, NULL, autolic_account_remove(x->db, x->bob, x->ann));
	T_FAILS(AUTOLIC_EINVAL, NULL, autolic_account_remove(x->db, x->ann, 0));
	T_FAILS(AUTOLIC_ENOTFOUND, NULL, autolic_account_remove(x->db, x->ann, 999));
}

/* ---- ACCT-5: bulk import ---- */

typedef struct {
	size_t n;
	size_t line[16];
	char reason[16][160];
} rejects;

static void on_reject(size_t line, const char *reason, void *ctx)
{
	rejects *r = ctx;
	assert_true(r->n < 16);
	r->line[r->n] = line;
	snprintf(r->reason[r->n], sizeof r->reason[0], "%s", reason);
	r->n++;
}

static void test_import_list(void **state)
{
	fx *x = *state;
	const char *text = "Carl Clerk <carl@example.com>\n"
	                   "\n"
	                   "  bob@example.com  \r\n"
	                   "Émile Zola <emile@example.fr>";
	size_t added = 0;
	rejects r = {0};
	T_OK(autolic_account_import(x->db, x->ann, x->team, text, AUTOLIC_IMPORT_LIST, on_reject,
	                            &r, &added));
	assert_int_equal(added, 3);
	assert_int_equal(r.n, 0);
	autolic_id id;
	T_OK(autolic_account_find(x->db, "emile@example.fr", &id));
	assert_string_equal(acct(x, id).first_name, "Émile");
	assert_int_equal(role_of(x, x->bob), AUTOLIC_TEAM_USER);
	assert_int_equal(t_events_count(&x->e, AUTOLIC_EVENT_INVITATION_SENT), 2);
}

/* ACCT-5: all or nothing, every rejected line with its number and reason. */
static void test_import_all_or_nothing(void **state)
{
	fx *x = *state;
	T_OK(autolic_account_invite_text(x->db, x->ann, x->team, "bob@example.com", NULL));
	const char *text = "Carl Clerk <carl@example.com>\n" /* 1 fine */
	                   "not an email\n"                  /* 2 ACCT-1 */
	                   "Dora Doe <dora@example.com\n"    /* 3 no '>' */
	                   "bob@example.com\n"               /* 4 already a member */
	                   "CARL@example.com\n"              /* 5 duplicate of 1 */
	                   "nonames@example.com\n";          /* 6 ACCT-3 */
	rejects r = {0};
	size_t added = 99;
	x->e.n = 0;
	t_dump b, a;
	t_dump_store(&x->f.inner, &b);
	T_FAILS(AUTOLIC_EINVAL, "ACCT-5",
	        autolic_account_import(x->db, x->ann, x->team, text, AUTOLIC_IMPORT_LIST, on_reject,
	                               &r, &added));
	assert_int_equal(added, 0);
	t_dump_store(&x->f.inner, &a);
	assert_true(t_dump_equal(&a, &b));
	t_dump_free(&a);
	t_dump_free(&b);
	assert_int_equal(x->e.n, 0);
	assert_int_equal(r.n, 5);
	size_t lines[] = {2, 3, 4, 5, 6};
	const char *why[] = {"ACCT-1", "ACCT-3", "already a member", "line 1", "ACCT-3"};
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(r.line[i], lines[i]);
		if (!strstr(r.reason[i], why[i]))
			fail_msg("line %zu: '%s' does not name '%s'", lines[i], r.reason[i],
			         why[i]);
	}
	autolic_id id;
	T_FAILS(AUTOLIC_ENOTFOUND, NULL, autolic_account_find(x->db, "carl@example.com", &id));
}

static void test_import_csv(void **state)
{
	fx *x = *state;
	const char *text = "\xef\xbb\xbf"
	                   "Email,First Name,Last Name,Language,Notes\r\n"
	                   "carl@example.com,Carl,Clerk,de,\"likes, commas\"\r\n"
	                   "\"dora@example.com\",\"Dora \"\"DD\"\"\",\"Doe\",,\"two\nlines\"\r\n"
	                   "erin@example.com,Érin,Ödegaard,fr-CH,\r\n";
	rejects r = {0};
	size_t added = 0;
	T_OK(autolic_account_import(x->db, x->ann, x->team, text, AUTOLIC_IMPORT_CSV, on_reject, &r,
	                            &added));
	assert_int_equal(added, 3);
	autolic_id id;
	T_OK(autolic_account_find(x->db, "dora@example.com", &id));
	autolic_account_info i = acct(x, id);
	assert_string_equal(i.first_name, "Dora \"DD\"");
	assert_string_equal(i.language, "en");
	T_OK(autolic_account_find(x->db, "carl@example.com", &id));
	assert_string_equal(acct(x, id).language, "de");
	T_OK(autolic_account_find(x->db, "erin@example.com", &id));
	assert_string_equal(acct(x, id).last_name, "Ödegaard");
}

static void test_import_csv_errors(void **state)
{
	fx *x = *state;
	rejects r = {0};
	/* line numbers count the quoted newline of record 2 */
	const char *text = "email,first_name,last_name\n"
	                   "carl@example.com,Carl,Clerk\n"
	                   "dora@example.com,\"Dora\nD\",Doe\n"
	                   "bad@,X,Y\n"
	                   "erin@example.com,Erin\n"
	                   "fay@example.com,\"Fay,Doe\n";
	T_FAILS(AUTOLIC_EINVAL, "ACCT-5",
	        autolic_account_import(x->db, x->ann, x->team, text, AUTOLIC_IMPORT_CSV, on_reject,
	                               &r, NULL));
	assert_int_equal(r.n, 4);
	assert_int_equal(r.line[0], 3); /* Dora: control character (newline) in the name */
	assert_non_null(strstr(r.reason[0], "ACCT-2"));
	assert_int_equal(r.line[1], 5);
	assert_non_null(strstr(r.reason[1], "ACCT-1"));
	assert_int_equal(r.line[2], 6);
	assert_non_null(strstr(r.reason[2], "fields"));
	assert_int_equal(r.line[3], 7);
	assert_non_null(strstr(r.reason[3], "unterminated"));
	/* whole-call errors */
	T_FAILS(AUTOLIC_EINVAL, "email",
	        autolic_account_import(x->db, x->ann, x->team, "name,first\nx,y\n",
	                               AUTOLIC_IMPORT_CSV, NULL, NULL, NULL));
	T_FAILS(AUTOLIC_EINVAL, "twice",
	        autolic_account_import(x->db, x->ann, x->team, "email,email\n", AUTOLIC_IMPORT_CSV,
	                               NULL, NULL, NULL));
	T_FAILS(AUTOLIC_EINVAL, "no person",
	        autolic_account_import(x->db, x->ann, x->team, "email\n\n", AUTOLIC_IMPORT_CSV,
	                               NULL, NULL, NULL));
	T_FAILS(AUTOLIC_EINVAL, "no person",
	        autolic_account_import(x->db, x->ann, x->team, "", AUTOLIC_IMPORT_LIST, NULL, NULL,
	                               NULL));
	T_FAILS(AUTOLIC_EINVAL, "format",
	        autolic_account_import(x->db, x->ann, x->team, "a@b.c", 9, NULL, NULL, NULL));
	T_FAILS(AUTOLIC_EINVAL, NULL,
	        autolic_account_import(x->db, x->ann, x->team, NULL, AUTOLIC_IMPORT_LIST, NULL,
	                               NULL, NULL));
	T_FAILS(AUTOLIC_EPERM, "ROLE-6",
	        autolic_account_import(x->db, x->bob, x->team, "carl@example.com",
	                               AUTOLIC_IMPORT_LIST, NULL, NULL, NULL));
	T_FAILS(AUTOLIC_ENOTFOUND, NULL,
	        autolic_account_import(x->db, x->ann, 77, "carl@example.com", AUTOLIC_IMPORT_LIST,
	                               NULL, NULL, NULL));
}

/* Iterators: stable order, and a snapshot unaffected by later changes. */
static void test_iterator(void **state)
{
	fx *x = *state;
	T_OK(autolic_account_invite_text(x->db, x->ann, x->team, "Carl Clerk <carl@example.com>",
	                                 NULL));
	autolic_account_iter *all = NULL, *team = NULL;
	T_OK(autolic_account_iter_new(x->db, 0, &all));
	T_OK(autolic_account_iter_new(x->db, x->team, &team));
	/* change after the snapshot */
	t_register(x->db, "late@example.com", "Late", "Comer");
	autolic_account_info i = {.version = AUTOLIC_ACCOUNT_INFO_VERSION};
	const char *want[] = {"ann@example.com", "bob@example.com", "cat@example.com",
	                      "carl@example.com"};
	for (int k = 0; k < 4; k++) {
		T_OK(autolic_account_iter_next(all, &i));
		assert_string_equal(i.email, want[k]);
	}
	assert_int_equal(autolic_account_iter_next(all, &i), AUTOLIC_ITEROVER);
	T_OK(autolic_account_iter_next(team, &i));
	assert_int_equal(i.id, x->ann);
	T_OK(autolic_account_iter_next(team, &i));
	assert_string_equal(i.email, "carl@example.com");
	assert_int_equal(autolic_account_iter_next(team, &i), AUTOLIC_ITEROVER);
	i.version = 0;
	T_FAILS(AUTOLIC_EVERSION, NULL, autolic_account_iter_next(team, &i));
	T_FAILS(AUTOLIC_EINVAL, NULL, autolic_account_iter_next(NULL, &i));
	autolic_account_iter_free(all);
	autolic_account_iter_free(team);
	autolic_account_iter_free(NULL);
	autolic_account_iter *it = (autolic_account_iter *)1;
	T_FAILS(AUTOLIC_ENOTFOUND, NULL, autolic_account_iter_new(x->db, 99, &it));
	assert_null(it);
	T_FAILS(AUTOLIC_EINVAL, NULL, autolic_account_iter_new(x->db, 0, NULL));
}

/* ---- fault loops ---- */

/* The brief read (src/account.h) against the full one: same result, same
 * fields, same error and message, for every state and every malformed record. */
typedef struct {
	autolic_id id;
	int rc_full, rc_brief;
	autolic_account_info full;
	al_account_brief brief;
	char msg_full[256], msg_brief[256];
} brief_args;

static int brief_fn(al_txn *t, void *arg)
{
	brief_args *a = arg;
	a->rc_full = al_account_load(t, a->id, &a->full);
	snprintf(a->msg_full, sizeof a->msg_full, "%s", a->rc_full ? autolic_errmsg() : "");
	a->rc_brief = al_account_brief_load(t, a->id, &a->brief);
	snprintf(a->msg_brief, sizeof a->msg_brief, "%s", a->rc_brief ? autolic_errmsg() : "");
	return 0;
}

/* Both reads of `id`; they must agree. The brief result is returned. */
static brief_args brief_both(fx *x, autolic_id id)
{
	brief_args a;
	memset(&a, 0, sizeof a);
	a.id = id;
	T_OK(al_run(x->db, 0, brief_fn, &a));
	assert_int_equal(a.rc_brief, a.rc_full);
	assert_string_equal(a.msg_brief, a.msg_full);
	if (!a.rc_full) {
		assert_int_equal(a.brief.id, a.full.id);
		assert_int_equal(a.brief.state, a.full.state);
		assert_int_equal(a.brief.created, a.full.created);
		assert_int_equal(a.brief.invitation_expires, a.full.invitation_expires);
		assert_int_equal(a.brief.invited_by, a.full.invited_by);
	}
	return a;
}

typedef struct {
	autolic_id id;
	const char *email;
	size_t email_len; /* bytes of `email` written (it may hold a NUL) */
	int trailing;     /* one byte more than the record has */
} raw_account;

/* Store an account record by hand, laid out as docs/record-format.md says. */
static int raw_account_fn(al_txn *t, void *arg)
{
	const raw_account *ra = arg;
	al_buf b;
	al_buf_init(&b, t->a);
	al_rec_begin(&b, AL_K_ACCOUNT);
	al_enc_u64(&b, ra->id);
	unsigned char n[2] = {(unsigned char)ra->email_len, (unsigned char)(ra->email_len >> 8)};
	al_buf_put(&b, n, 2);
	al_buf_put(&b, ra->email, ra->email_len);
	al_enc_str(&b, "Raw");
	al_enc_str(&b, "Record");
	al_enc_str(&b, "de");
	al_enc_u8(&b, AUTOLIC_ACCOUNT_INVITED);
	al_enc_i64(&b, 11);
	al_enc_i64(&b, 22);
	al_enc_u64(&b, 33);
	if (ra->trailing)
		al_enc_u8(&b, 0);
	al_key k;
	al_key_init(&k, AL_K_ACCOUNT);
	al_key_u64(&k, ra->id);
	int rc = al_buf_check(&b);
	if (!rc)
		rc = al_txn_put(t, &k, &b);
	al_buf_free(&b);
	return rc;
}

static void raw_store(fx *x, autolic_id id, const char *email, size_t len, int trailing)
{
	raw_account ra = {id, email, len, trailing};
	T_OK(al_run(x->db, 1, raw_account_fn, &ra));
}

static void test_brief_load(void **state)
{
	fx *x = *state;
	/* active */
	brief_args a = brief_both(x, x->ann);
	assert_int_equal(a.rc_brief, 0);
	assert_int_equal(a.brief.id, x->ann);
	assert_int_equal(a.brief.state, AUTOLIC_ACCOUNT_ACTIVE);
	/* invited, then expired by the clock alone (ACCT-4) */
	autolic_id carl;
	T_OK(autolic_account_invite_text(x->db, x->ann, x->team, "Carl Clerk <carl@example.com>",
	                                 &carl));
	a = brief_both(x, carl);
	assert_int_equal(a.brief.state, AUTOLIC_ACCOUNT_INVITED);
	assert_int_equal(a.brief.invitation_expires, T_NOW + 604800);
	assert_int_equal(a.brief.invited_by, x->ann);
	assert_int_equal(a.brief.created, T_NOW);
	x->c.now = T_NOW + 604800;
	a = brief_both(x, carl);
	assert_int_equal(a.brief.state, AUTOLIC_ACCOUNT_EXPIRED);
	/* removed */
	x->c.now = T_NOW;
	autolic_id dora;
	T_OK(autolic_account_invite_text(x->db, x->ann, x->team, "Dora Desk <dora@example.com>",
	                                 &dora));
	T_OK(autolic_account_accept(x->db, dora));
	T_OK(autolic_account_remove(x->db, x->ann, dora));
	a = brief_both(x, dora);
	assert_int_equal(a.brief.state, AUTOLIC_ACCOUNT_REMOVED);
	/* missing: the same error and message */
	a = brief_both(x, 999);
	assert_int_equal(a.rc_brief, AUTOLIC_ENOTFOUND);
	assert_string_equal(a.msg_brief, "account 999 does not exist");

	/* a well-formed record written by hand: the fields after the strings
	 * are where the full read finds them */
	raw_store(x, 500, "raw@example.com", 15, 0);
	a = brief_both(x, 500);
	assert_int_equal(a.rc_brief, 0);
	assert_int_equal(a.brief.id, 500);
	assert_int_equal(a.brief.created, 11);
	assert_int_equal(a.brief.invitation_expires, 22);
	assert_int_equal(a.brief.invited_by, 33);
	assert_int_equal(a.brief.state, AUTOLIC_ACCOUNT_EXPIRED); /* 22 is long past */
	assert_string_equal(a.full.email, "raw@example.com");
	assert_string_equal(a.full.language, "de");

	/* malformed strings and trailing bytes: both refuse, with one message */
	raw_store(x, 501, "r\0w@example.com", 15, 0); /* an embedded NUL */
	a = brief_both(x, 501);
	assert_int_equal(a.rc_brief, AUTOLIC_ECORRUPT);
	char longest[AUTOLIC_EMAIL_MAX + 1];
	memset(longest, 'e', sizeof longest);
	raw_store(x, 502, longest, AUTOLIC_EMAIL_MAX, 0); /* fits */
	a = brief_both(x, 502);
	assert_int_equal(a.rc_brief, 0);
	raw_store(x, 503, longest, AUTOLIC_EMAIL_MAX + 1, 0); /* one byte too long */
	a = brief_both(x, 503);
	assert_int_equal(a.rc_brief, AUTOLIC_ECORRUPT);
	raw_store(x, 504, "raw@example.com", 15, 1);
	a = brief_both(x, 504);
	assert_int_equal(a.rc_brief, AUTOLIC_ECORRUPT);
	assert_non_null(strstr(a.msg_brief, "truncated or has trailing bytes"));
}

static int fl_setup(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	(void)ctx;
	autolic_id a = t_register(db, "ann@example.com", "Ann", "A");
	t_register(db, "bob@example.com", "Bob", "B");
	autolic_team_spec s = AUTOLIC_TEAM_SPEC_INIT;
	s.name = "T";
	int rc = autolic_team_create(db, a, &s, NULL);
	if (!rc)
		rc = autolic_account_invite_text(db, a, 1, "Inv Ited <inv@example.com>", NULL);
	if (!rc)
		rc = autolic_account_invite_text(db, a, 1, "bob@example.com", NULL);
	return rc;
}

static int fl_invite(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	(void)ctx;
	return autolic_account_invite_text(db, 1, 1, "New Person <new@example.com>", NULL);
}

static int fl_accept(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	(void)ctx;
	return autolic_account_accept(db, 3);
}

static int fl_resend(autolic_db *db, t_clock *c, void *ctx)
{
	(void)ctx;
	c->now += 8 * T_DAY;
	return autolic_account_resend(db, 1, 3);
}

static int fl_update(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	(void)ctx;
	autolic_account_spec sp = AUTOLIC_ACCOUNT_SPEC_INIT;
	sp.email = "bobby@example.com";
	sp.first_name = "Bobby";
	return autolic_account_update(db, 2, 2, &sp);
}

static int fl_remove(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	(void)ctx;
	return autolic_account_remove(db, 1, 2);
}

static int fl_import(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	(void)ctx;
	return autolic_account_import(
	    db, 1, 1, "email,first_name,last_name\nx@example.com,X,Y\nz@example.com,Z,W\n",
	    AUTOLIC_IMPORT_CSV, NULL, NULL, NULL);
}

static int fl_iter(autolic_db *db, t_clock *c, void *ctx)
{
	(void)c;
	(void)ctx;
	autolic_account_iter *it;
	int rc = autolic_account_iter_new(db, 1, &it);
	if (rc)
		return rc;
	autolic_account_info i = {.version = AUTOLIC_ACCOUNT_INFO_VERSION};
	while ((rc = autolic_account_iter_next(it, &i)) == 0)
		;
	autolic_account_iter_free(it);
	return rc == AUTOLIC_ITEROVER ? 0 : rc;
}

static void test_fault_loop(void **state)
{
	(void)state;
	assert_true(t_fault_loop(fl_setup, fl_invite, NULL) > 5);
	assert_true(t_fault_loop(fl_setup, fl_accept, NULL) > 3);
	assert_true(t_fault_loop(fl_setup, fl_update, NULL) > 3);
	assert_true(t_fault_loop(fl_setup, fl_remove, NULL) > 5);
	assert_true(t_fault_loop(fl_setup, fl_import, NULL) > 5);
	assert_true(t_fault_loop(fl_setup, fl_iter, NULL) > 3);
}

static void test_fault_loop_resend(void **state)
{
	(void)state;
	assert_true(t_fault_loop(fl_setup, fl_resend, NULL) > 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_email_rules),
	    cmocka_unit_test(test_person_parse),
	    cmocka_unit_test_setup_teardown(test_invite, setup, t_people_close),
	    cmocka_unit_test_setup_teardown(test_invite_bad_input, setup, t_people_close),
	    cmocka_unit_test_setup_teardown(test_invitation_expiry, setup, t_people_close),
	    cmocka_unit_test_setup_teardown(test_self_edit, setup, t_people_close),
	    cmocka_unit_test_setup_teardown(test_remove, setup, t_people_close),
	    cmocka_unit_test_setup_teardown(test_import_list, setup, t_people_close),
	    cmocka_unit_test_setup_teardown(test_import_all_or_nothing, setup, t_people_close),
	    cmocka_unit_test_setup_teardown(test_import_csv, setup, t_people_close),
	    cmocka_unit_test_setup_teardown(test_import_csv_errors, setup, t_people_close),
	    cmocka_unit_test_setup_teardown(test_iterator, setup, t_people_close),
	    cmocka_unit_test_setup_teardown(test_brief_load, setup, t_people_close),
	    cmocka_unit_test(test_fault_loop),
	    cmocka_unit_test(test_fault_loop_resend),
	};
	return t_run_group("account", tests, NULL, NULL);
}
