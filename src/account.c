/* Accounts (ACCT-1..ACCT-5). */
#include "account.h"
#include "core/error.h"

#include <string.h>

/* ---- pure rules ---- */

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

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
		return al_err(AUTOLIC_EINVAL, "ACCT-1: email '%s' must contain exactly one '@'", email);
	size_t local = (size_t)(at - email), domain = n - local - 1;
	if (local < 1 || local > 64)
		return al_err(AUTOLIC_EINVAL, "ACCT-1: the part before '@' must be 1 to 64 bytes");
	if (domain < 1 || domain > 253)
		return al_err(AUTOLIC_EINVAL, "ACCT-1: the domain must be 1 to 253 bytes");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)email[i];
		if (c <= 0x20 || c == 0x7f)
			return al_err(AUTOLIC_EINVAL,
			              "ACCT-1: email contains a space or control character at byte %zu", i);
		if (strchr("()<>[]\\,;:\"", c))
			return al_err(AUTOLIC_EINVAL, "ACCT-1: email contains '%c', which is not allowed", c);
	}
	const char *parts[2] = {email, at + 1};
	size_t lens[2] = {local, domain};
	for (int p = 0; p < 2; p++) {
		const char *s = parts[p];
		if (s[0] == '.' || s[lens[p] - 1] == '.')
			return al_err(AUTOLIC_EINVAL, "ACCT-1: email may not have a dot next to '@' or at an end");
		for (size_t i = 1; i < lens[p]; i++)
			if (s[i] == '.' && s[i - 1] == '.')
				return al_err(AUTOLIC_EINVAL, "ACCT-1: email may not contain '..'");
	}
	if (!memchr(at + 1, '.', domain))
		return al_err(AUTOLIC_EINVAL, "ACCT-1: the domain of '%s' has no dot", email);
	for (size_t i = 0; i <= n; i++)
		out[i] = (char)lower((unsigned char)email[i]);
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

static int copy_name(char *dst, const char *s, size_t n, const char *what)
{
	if (n > AUTOLIC_NAME_MAX)
		return al_err(AUTOLIC_EINVAL, "ACCT-2: %s is longer than %d bytes", what, AUTOLIC_NAME_MAX);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return al_err(AUTOLIC_EINVAL, "ACCT-2: %s contains a control character", what);
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
			return al_err(AUTOLIC_EINVAL, "ACCT-1: email longer than %d bytes", AUTOLIC_EMAIL_MAX);
		memcpy(addr, s, n);
		addr[n] = 0;
		return autolic_email_normalize(addr, email, AUTOLIC_EMAIL_MAX + 1);
	}
	const char *gt = strchr(lt, '>');
	if (!gt || *skip_space(gt + 1))
		return al_err(AUTOLIC_EINVAL,
		              "ACCT-3: expected 'First Last <email>', the '<' has no closing '>' at the end");
	size_t an = (size_t)(gt - lt - 1);
	if (an > AUTOLIC_EMAIL_MAX)
		return al_err(AUTOLIC_EINVAL, "ACCT-1: email longer than %d bytes", AUTOLIC_EMAIL_MAX);
	memcpy(addr, lt + 1, an);
	addr[an] = 0;
	int rc = autolic_email_normalize(addr, email, AUTOLIC_EMAIL_MAX + 1);
	if (rc)
		return rc;
	size_t nn = trim_len(s, (size_t)(lt - s));
	const char *sp = memchr(s, ' ', nn);
	if (!sp)
		return copy_name(first, s, nn, "first name");
	rc = copy_name(first, s, (size_t)(sp - s), "first name");
	if (rc)
		return rc;
	const char *rest = skip_space(sp);
	return copy_name(last, rest, nn - (size_t)(rest - s), "last name");
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
	al_key_init(k, AL_K_ACCOUNT);
	al_key_u64(k, id);
}

static void email_key(al_key *k, const char *email)
{
	al_key_init(k, AL_K_ACCOUNT_EMAIL);
	al_key_str(k, email);
}

int al_account_store(al_txn *t, const autolic_account_info *a, int index_email)
{
	al_key k;
	al_buf b;
	al_buf_init(&b, t->a);
	al_rec_begin(&b, AL_K_ACCOUNT);
	al_enc_u64(&b, a->id);
	al_enc_str(&b, a->email);
	al_enc_str(&b, a->first_name);
	al_enc_str(&b, a->last_name);
	al_enc_str(&b, a->language);
	al_enc_u8(&b, (uint8_t)a->state);
	al_enc_i64(&b, a->created);
	al_enc_i64(&b, a->invitation_expires);
	al_enc_u64(&b, a->invited_by);
	account_key(&k, a->id);
	int rc = al_txn_put(t, &k, &b);
	if (!rc && index_email) {
		al_rec_begin(&b, AL_K_ACCOUNT_EMAIL);
		al_enc_u64(&b, a->id);
		email_key(&k, a->email);
		rc = al_txn_put(t, &k, &b);
	}
	al_buf_free(&b);
	return rc;
}

int al_account_load(al_txn *t, autolic_id id, autolic_account_info *a)
{
	al_key k;
	al_buf b;
	al_rd r;
	account_key(&k, id);
	al_buf_init(&b, t->a);
	int rc = al_txn_get(t, &k, &b);
	if (rc == AUTOLIC_ENOTFOUND)
		rc = al_err(AUTOLIC_ENOTFOUND, "account %llu does not exist", (unsigned long long)id);
	if (!rc)
		rc = al_rec_open(&r, b.p, b.len, AL_K_ACCOUNT);
	if (!rc) {
		a->id = al_dec_u64(&r);
		al_dec_str(&r, a->email, sizeof a->email);
		al_dec_str(&r, a->first_name, sizeof a->first_name);
		al_dec_str(&r, a->last_name, sizeof a->last_name);
		al_dec_str(&r, a->language, sizeof a->language);
		a->state = al_dec_u8(&r);
		a->created = al_dec_i64(&r);
		a->invitation_expires = al_dec_i64(&r);
		a->invited_by = al_dec_u64(&r);
		rc = al_rd_done(&r);
	}
	al_buf_free(&b);
	if (!rc)
		a->state = al_account_state_at(a->state, a->invitation_expires, t->now);
	return rc;
}

int al_account_by_email(al_txn *t, const char *email, autolic_id *id)
{
	al_key k;
	al_buf b;
	al_rd r;
	email_key(&k, email);
	al_buf_init(&b, t->a);
	int rc = al_txn_get(t, &k, &b);
	if (rc == AUTOLIC_ENOTFOUND)
		rc = al_err(AUTOLIC_ENOTFOUND, "no account has the email '%s'", email);
	if (!rc)
		rc = al_rec_open(&r, b.p, b.len, AL_K_ACCOUNT_EMAIL);
	if (!rc) {
		*id = al_dec_u64(&r);
		rc = al_rd_done(&r);
	}
	al_buf_free(&b);
	return rc;
}

/* ---- public calls ---- */

typedef struct {
	autolic_account_info info;
} register_args;

static int register_fn(al_txn *t, void *arg)
{
	register_args *ra = arg;
	autolic_id existing;
	int rc = al_account_by_email(t, ra->info.email, &existing);
	if (rc == 0)
		return al_err(AUTOLIC_EEXISTS, "ACCT-1: the email '%s' already belongs to account %llu",
		              ra->info.email, (unsigned long long)existing);
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
	if (spec->version == 0 || spec->version > AUTOLIC_ACCOUNT_SPEC_VERSION)
		return al_err(AUTOLIC_EVERSION, "autolic_account_spec version %u is not supported",
		              spec->version);
	memset(info, 0, sizeof(*info));
	info->version = AUTOLIC_ACCOUNT_INFO_VERSION;
	int rc = autolic_email_normalize(spec->email, info->email, sizeof info->email);
	if (!rc && spec->first_name)
		rc = copy_name(info->first_name, spec->first_name, strlen(spec->first_name), "first name");
	if (!rc && spec->last_name)
		rc = copy_name(info->last_name, spec->last_name, strlen(spec->last_name), "last name");
	if (rc)
		return rc;
	const char *lang = spec->language ? spec->language : "en";
	size_t ll = strlen(lang);
	if (ll < 2 || ll > AUTOLIC_LANGUAGE_MAX)
		return al_err(AUTOLIC_EINVAL, "ACCT-2: language tag must be 2 to %d bytes",
		              AUTOLIC_LANGUAGE_MAX);
	for (size_t i = 0; i < ll; i++) {
		char c = lang[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'))
			return al_err(AUTOLIC_EINVAL, "ACCT-2: language tag '%s' may hold only letters, digits and '-'", lang);
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
	if (info->version == 0 || info->version > AUTOLIC_ACCOUNT_INFO_VERSION)
		return al_err(AUTOLIC_EVERSION, "autolic_account_info version %u is not supported",
		              info->version);
	return 0;
}

typedef struct {
	autolic_id id;
	autolic_account_info info;
} get_args;

static int get_fn(al_txn *t, void *arg)
{
	get_args *ga = arg;
	return al_account_load(t, ga->id, &ga->info);
}

int autolic_account_get(autolic_db *db, autolic_id id, autolic_account_info *info)
{
	if (!db)
		return al_err(AUTOLIC_EINVAL, "db is NULL");
	int rc = check_info(info);
	if (rc)
		return rc;
	get_args ga = {id, {0}};
	rc = al_run(db, 0, get_fn, &ga);
	if (!rc) {
		ga.info.version = info->version;
		*info = ga.info;
	}
	return rc;
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
