/* Accounts: the pure rules (email, person), the records, the invitation of
 * a person (ACCT-1, ACCT-3, ACCT-4) and the accounts' part of the
 * whole-store check. Every noun reads accounts through these; the account
 * calls are in src/account.c. */
#include "account.h"
#include "core/idlist.h"
#include "core/record.h"
#include "names.h"
#include "core/error.h"
#include "core/text.h"
#include "core/timecalc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- pure rules ---- */

int al_account_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

int autolic_email_normalize(const char *email, char *out, size_t outlen)
{
	al_err_clear();
	if (!email)
		return al_err(AUTOLIC_EINVAL, "ACCT-1: email is NULL");
	if (!out || outlen == 0)
		return al_err(AUTOLIC_EINVAL, "output buffer is NULL or empty");
	size_t n = strlen(email);
	if (n < 3 || n > AUTOLIC_EMAIL_MAX)
		return al_err(AUTOLIC_EINVAL, "ACCT-1: email must be 3 to %d bytes, not %zu",
		              AUTOLIC_EMAIL_MAX, n);
	if (n + 1 > outlen)
		return al_err(AUTOLIC_EINVAL, "output buffer of %zu bytes is too small", outlen);
	const char *at = strchr(email, '@');
	if (!at || strchr(at + 1, '@'))
		return al_err(AUTOLIC_EINVAL, "ACCT-1: email '%s' must contain exactly one '@'",
		              email);
	size_t local = (size_t)(at - email), domain = n - local - 1;
	if (local < 1 || local > 64)
		return al_err(AUTOLIC_EINVAL, "ACCT-1: the part before '@' must be 1 to 64 bytes");
	if (domain < 1 || domain > 253)
		return al_err(AUTOLIC_EINVAL, "ACCT-1: the domain must be 1 to 253 bytes");
	int rc = al_text_check_n(email, n, AUTOLIC_EMAIL_MAX, AL_TEXT_NO_SPACE, "ACCT-1", "email");
	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)email[i];
		if (strchr("()<>[]\\,;:\"", c))
			return al_err(AUTOLIC_EINVAL,
			              "ACCT-1: email contains '%c', which is not allowed", c);
	}
	const char *parts[2] = {email, at + 1};
	size_t lens[2] = {local, domain};
	for (int p = 0; p < 2; p++) {
		const char *s = parts[p];
		if (s[0] == '.' || s[lens[p] - 1] == '.')
			return al_err(AUTOLIC_EINVAL,
			              "ACCT-1: email may not have a dot next to '@' or at an end");
		for (size_t i = 1; i < lens[p]; i++)
			if (s[i] == '.' && s[i - 1] == '.')
				return al_err(AUTOLIC_EINVAL, "ACCT-1: email may not contain '..'");
	}
	if (!memchr(at + 1, '.', domain))
		return al_err(AUTOLIC_EINVAL, "ACCT-1: the domain of '%s' has no dot", email);
	for (size_t i = 0; i <= n; i++)
		out[i] = (char)al_account_lower((unsigned char)email[i]);
	return 0;
}

static const char *skip_space(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static size_t trim_len(const char *s, size_t n)
{
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n;
}

int al_account_copy_name(char *dst, const char *s, size_t n, const char *what)
{
	int rc = al_text_check_n(s, n, AUTOLIC_NAME_MAX, 0, "ACCT-2", what);
	if (rc)
		return rc;
	memcpy(dst, s, n);
	dst[n] = 0;
	return 0;
}

int autolic_person_parse(const char *text, char *email, char *first, char *last)
{
	al_err_clear();
	if (!text || !email || !first || !last)
		return al_err(AUTOLIC_EINVAL, "ACCT-3: text and every output buffer are required");
	const char *s = skip_space(text);
	const char *lt = strchr(s, '<');
	char addr[AUTOLIC_EMAIL_MAX + 2];
	first[0] = last[0] = 0;
	if (!lt) {
		size_t n = trim_len(s, strlen(s));
		if (n > AUTOLIC_EMAIL_MAX)
			return al_err(AUTOLIC_EINVAL, "ACCT-1: email longer than %d bytes",
			              AUTOLIC_EMAIL_MAX);
		memcpy(addr, s, n);
		addr[n] = 0;
		return autolic_email_normalize(addr, email, AUTOLIC_EMAIL_MAX + 1);
	}
	const char *gt = strchr(lt, '>');
	if (!gt || *skip_space(gt + 1))
		return al_err(
		    AUTOLIC_EINVAL,
		    "ACCT-3: expected 'First Last <email>', the '<' has no closing '>' at the end");
	size_t an = (size_t)(gt - lt - 1);
	if (an > AUTOLIC_EMAIL_MAX)
		return al_err(AUTOLIC_EINVAL, "ACCT-1: email longer than %d bytes",
		              AUTOLIC_EMAIL_MAX);
	memcpy(addr, lt + 1, an);
	addr[an] = 0;
	int rc = autolic_email_normalize(addr, email, AUTOLIC_EMAIL_MAX + 1);
	if (rc)
		return rc;
	size_t nn = trim_len(s, (size_t)(lt - s));
	const char *sp = memchr(s, ' ', nn);
	if (!sp)
		return al_account_copy_name(first, s, nn, "first name");
	rc = al_account_copy_name(first, s, (size_t)(sp - s), "first name");
	if (rc)
		return rc;
	const char *rest = skip_space(sp);
	return al_account_copy_name(last, rest, nn - (size_t)(rest - s), "last name");
}

int al_account_state_at(int stored_state, autolic_time invitation_expires, autolic_time now)
{
	if (stored_state == AUTOLIC_ACCOUNT_INVITED && now >= invitation_expires)
		return AUTOLIC_ACCOUNT_EXPIRED;
	return stored_state;
}

/* ---- records ---- */

static void account_key(al_key *k, autolic_id id)
{
	al_key_id(k, AL_K_ACCOUNT, id);
}

void al_account_email_key(al_key *k, const char *email)
{
	al_key_init(k, AL_K_ACCOUNT_EMAIL);
	al_key_str(k, email);
}

static void account_encode(al_buf *b, const void *rec)
{
	const autolic_account_info *a = rec;
	al_rec_begin(b, AL_K_ACCOUNT);
	al_enc_u64(b, a->id);
	al_enc_str(b, a->email);
	al_enc_str(b, a->first_name);
	al_enc_str(b, a->last_name);
	al_enc_str(b, a->language);
	al_enc_u8(b, (uint8_t)a->state);
	al_enc_i64(b, a->created);
	al_enc_i64(b, a->invitation_expires);
	al_enc_u64(b, a->invited_by);
}

int al_account_store(al_txn *t, const autolic_account_info *a, int index_email)
{
	al_key k;
	account_key(&k, a->id);
	int rc = al_record_put(t, &k, account_encode, a);
	if (!rc && index_email) {
		al_account_email_key(&k, a->email);
		rc = al_index_put(t, &k, AL_K_ACCOUNT_EMAIL, a->id);
	}
	return rc;
}

/* The one reader of the account record's field order. The strings are
 * checked either way but copied only into `full` (NULL: skipped), so a
 * brief read refuses exactly the records a full read refuses. */
static int account_decode(al_rd *r, al_account_brief *b, autolic_account_info *full)
{
	b->id = al_dec_u64(r);
	if (full) {
		al_dec_str(r, full->email, sizeof full->email);
		al_dec_str(r, full->first_name, sizeof full->first_name);
		al_dec_str(r, full->last_name, sizeof full->last_name);
		al_dec_str(r, full->language, sizeof full->language);
	} else { /* sizeof does not evaluate `full` */
		al_skip_str(r, sizeof full->email);
		al_skip_str(r, sizeof full->first_name);
		al_skip_str(r, sizeof full->last_name);
		al_skip_str(r, sizeof full->language);
	}
	b->state = al_dec_enum(r, AUTOLIC_ACCOUNT_INVITED, AUTOLIC_ACCOUNT_REMOVED, "state");
	b->created = al_dec_i64(r);
	b->invitation_expires = al_dec_i64(r);
	b->invited_by = al_dec_u64(r);
	return al_rd_done(r);
}

/* Read account `id` into `b` (and `full` when not NULL); the state is the
 * effective one at t->now. */
static int account_read(al_txn *t, autolic_id id, al_account_brief *b, autolic_account_info *full)
{
	al_key k;
	al_buf buf;
	al_rd r;
	int decoded = 0;
	account_key(&k, id);
	al_buf_init(&buf, t->a);
	int rc = al_txn_get(t, &k, &buf);
	if (rc == AUTOLIC_ENOTFOUND)
		rc = al_err(AUTOLIC_ENOTFOUND, "account %llu does not exist",
		            (unsigned long long)id);
	if (!rc)
		rc = al_rec_open(&r, buf.p, buf.len, AL_K_ACCOUNT);
	if (!rc) {
		rc = account_decode(&r, b, full);
		decoded = 1;
	}
	al_buf_free(&buf);
	if (!rc)
		b->state = al_account_state_at(b->state, b->invitation_expires, t->now);
	/* a full read leaves `full` as it always has: untouched when nothing was
	 * decoded, every field decoded otherwise */
	if (full && decoded) {
		full->id = b->id;
		full->state = b->state;
		full->created = b->created;
		full->invitation_expires = b->invitation_expires;
		full->invited_by = b->invited_by;
	}
	return rc;
}

int al_account_load(al_txn *t, autolic_id id, autolic_account_info *a)
{
	al_account_brief b;
	return account_read(t, id, &b, a);
}

int al_account_brief_load(al_txn *t, autolic_id id, al_account_brief *b)
{
	return account_read(t, id, b, NULL);
}

int al_account_by_email(al_txn *t, const char *email, autolic_id *id)
{
	al_key k;
	al_account_email_key(&k, email);
	int rc = al_index_get(t, &k, AL_K_ACCOUNT_EMAIL, id);
	if (rc == AUTOLIC_ENOTFOUND)
		rc = al_err(AUTOLIC_ENOTFOUND, "no account has the email '%s'", email);
	return rc;
}

/* ---- invitations (ACCT-3, ACCT-4) ---- */

int al_account_invite(al_txn *t, const char *email, const char *first, const char *last,
                      const char *language, autolic_id invited_by, int quiet, autolic_id *id,
                      int *invited)
{
	autolic_account_info a;
	autolic_id existing;
	*invited = 0;
	int rc = al_account_by_email(t, email, &existing);
	int is_new = rc == AUTOLIC_ENOTFOUND;
	if (rc && rc != AUTOLIC_ENOTFOUND)
		return rc;
	if (!rc) {
		rc = al_account_load(t, existing, &a);
		if (rc)
			return rc;
		*id = existing;
		if (a.state != AUTOLIC_ACCOUNT_REMOVED)
			return 0;
		/* a removed person added again is invited again */
		if (first && *first)
			snprintf(a.first_name, sizeof a.first_name, "%s", first);
		if (last && *last)
			snprintf(a.last_name, sizeof a.last_name, "%s", last);
	} else {
		if (!first || !*first || !last || !*last)
			return al_err(AUTOLIC_EINVAL,
			              "ACCT-3: '%s' has no account; a new person needs a first "
			              "name, a last name and an email",
			              email);
		memset(&a, 0, sizeof a);
		a.version = AUTOLIC_ACCOUNT_INFO_VERSION;
		rc = al_txn_seq_next(t, "account", &a.id);
		if (rc)
			return rc;
		snprintf(a.email, sizeof a.email, "%s", email);
		snprintf(a.first_name, sizeof a.first_name, "%s", first);
		snprintf(a.last_name, sizeof a.last_name, "%s", last);
		snprintf(a.language, sizeof a.language, "%s", language ? language : "en");
		a.created = t->now;
	}
	rc = al_time_add(t->now, AL_INVITATION_PERIOD, &a.invitation_expires,
	                 "the invitation's expiry (the clock + 7 days)");
	if (rc)
		return rc;
	a.state = AUTOLIC_ACCOUNT_INVITED;
	a.invited_by = invited_by;
	rc = al_account_store(t, &a, is_new);
	if (!rc && !quiet)
		rc = al_txn_event(t, AUTOLIC_EVENT_INVITATION_SENT, a.id, 0, a.id, NULL, "ACCT-3",
		                  "%s %s <%s> is invited; the invitation expires in 7 days",
		                  a.first_name, a.last_name, a.email);
	if (!rc) {
		*id = a.id;
		*invited = 1;
	}
	return rc;
}

/* ---- the whole-store check (autolic_db_check) ---- */

static int count_cb(const void *key, size_t kl, const void *v, size_t vl, void *arg)
{
	(void)key, (void)kl, (void)v, (void)vl;
	++*(size_t *)arg;
	return 0;
}

int al_account_check_all(al_txn *t)
{
	al_idlist ids;
	al_key k;
	size_t emails = 0;
	al_idlist_init(&ids, t->a, 1);
	al_key_init(&k, AL_K_ACCOUNT);
	int rc = al_idlist_scan(t, &k, &ids);
	autolic_account_info a;
	for (size_t i = 0; !rc && i < ids.n; i++) {
		autolic_id found = 0;
		a.version = AUTOLIC_ACCOUNT_INFO_VERSION;
		if ((rc = al_account_load(t, ids.v[i], &a)) != 0)
			break;
		rc = al_account_by_email(t, a.email, &found);
		if (rc == AUTOLIC_ENOTFOUND || (!rc && found != a.id))
			rc =
			    al_err(AUTOLIC_ECORRUPT,
			           "ACCT-1: account %llu has the email '%s', which the email index "
			           "gives to %s %llu",
			           (unsigned long long)a.id, a.email,
			           found ? "account" : "no account", (unsigned long long)found);
	}
	al_key_init(&k, AL_K_ACCOUNT_EMAIL);
	if (!rc)
		rc = al_txn_scan_prefix(t, &k, count_cb, &emails);
	if (!rc && emails != ids.n)
		rc = al_err(AUTOLIC_ECORRUPT,
		            "ACCT-1: %zu accounts but %zu entries in the email index", ids.n,
		            emails);
	al_idlist_free(&ids);
	return rc;
}

int al_name_account(al_txn *t, autolic_id account, al_name *n)
{
	autolic_account_info a;
	int rc = al_account_load(t, account, &a);
	n->s[0] = 0;
	if (!rc)
		snprintf(n->s, sizeof n->s, "%s", a.email);
	return al_name_fallback(rc, account, n);
}
