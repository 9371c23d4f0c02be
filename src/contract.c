/* Contracts and contract roles (ROLE-1..ROLE-9, APS-1). */
#include "contract_internal.h"
#include "contract.h"
#include "account.h"
#include "authz.h"
#include "core/idlist.h"
#include "core/record.h"
#include "names.h"
#include "seat.h"
#include "team.h"
#include "level.h"
#include "autolic/contract.h"
#include "core/error.h"
#include "core/text.h"
#include "core/timecalc.h"
#include "core/product.h"
#include "core/snap.h"

#include <stdio.h>
#include <string.h>

/* ---- buying (ROLE-1, ROLE-2, ROLE-9, APS-1) ---- */

/* A generated serial number: "NNN-NNNNNNNN" from a sequence value. */
static void make_serial(uint64_t seq, char *out, size_t cap)
{
	snprintf(out, cap, "%03llu-%08llu", (unsigned long long)(100 + (seq / 100000000ULL) % 900),
	         (unsigned long long)(seq % 100000000ULL));
}

static int serial_check(const char *s)
{
	return al_text_check(s, AUTOLIC_SERIAL_MAX,
	                     AL_TEXT_REQUIRED | AL_TEXT_NO_SPACE | AL_TEXT_ASCII, "ROLE-1",
	                     "serial number");
}

int al_contract_create(al_txn *t, al_contract_order *ba, autolic_id team)
{
	const autolic_contract_spec *sp = ba->spec;
	al_contract_rec r;
	memset(&r, 0, sizeof r);
	r.team = team;
	int rc = al_store_level_stamp(t); /* see src/level.h */
	if (!rc)
		rc = al_txn_seq_next(t, "contract", &r.id);
	if (rc)
		return rc;
	al_contract_number(r.id, r.number, sizeof r.number);
	r.manager = r.coordinator = r.buyer = ba->actor;
	r.start = sp->start;
	r.end = sp->end;
	r.created = t->now;
	r.auto_renew = sp->auto_renew != 0;
	r.nproducts = (uint32_t)sp->nproducts;
	for (size_t i = 0; !rc && i < sp->nproducts; i++) {
		al_contract_product_rec p;
		memset(&p, 0, sizeof p);
		memcpy(p.product, ba->codes[i], sizeof p.product);
		p.quantity = p.bought = sp->products[i].quantity;
		al_key k;
		if (sp->products[i].serial) {
			snprintf(p.serial, sizeof p.serial, "%s", sp->products[i].serial);
			al_key_init(&k, AL_K_SERIAL);
			al_key_str(&k, p.serial);
			rc = al_txn_exists(t, &k);
			if (rc == 1)
				rc = al_err(
				    AUTOLIC_EEXISTS,
				    "ROLE-1: serial number '%s' already belongs to a product",
				    p.serial);
		} else {
			/* skip any number a host already used as its own serial */
			do {
				autolic_id seq;
				rc = al_txn_seq_next(t, "serial", &seq);
				if (rc)
					break;
				make_serial(seq, p.serial, sizeof p.serial);
				al_key_init(&k, AL_K_SERIAL);
				al_key_str(&k, p.serial);
				rc = al_txn_exists(t, &k);
			} while (rc == 1);
		}
		if (!rc)
			rc = al_contract_product_rec_store(t, r.id, &p);
	}
	if (!rc)
		rc = al_contract_store(t, &r);
	if (!rc) {
		al_key k;
		al_key_init(&k, AL_K_CONTRACT_NUMBER);
		al_key_str(&k, r.number);
		rc = al_index_put(t, &k, AL_K_CONTRACT_NUMBER, r.id);
		if (!rc) {
			al_key_pair(&k, AL_K_TEAM_CONTRACT, r.team, r.id);
			rc = al_record_put_tag(t, &k, AL_K_TEAM_CONTRACT);
		}
	}
	if (!rc)
		rc = al_contract_role_bits_set(t, ba->actor, r.id, CR_MANAGER | CR_COORDINATOR);
	if (!rc)
		rc = al_txn_event(t, AUTOLIC_EVENT_ORDER_CONFIRMED, r.manager, r.team, r.id, NULL,
		                  "ROLE-6", "order confirmation: contract %s with %u product(s)",
		                  r.number, r.nproducts);
	if (!rc)
		ba->id = r.id;
	return rc;
}

/* ROLE-1 and SEAM-1: the spec is valid; codes[i] = the normalised code of
 * products[i]. Two codes that differ only in case are one product, listed twice. */
int al_contract_spec_check(const autolic_contract_spec *sp, char (*codes)[AL_PRODUCT_CAP])
{
	int rc;
	if (!sp->products || sp->nproducts == 0)
		return al_err(AUTOLIC_EINVAL, "ROLE-1: a contract needs at least one product");
	if (sp->nproducts > AUTOLIC_CONTRACT_PRODUCTS_MAX)
		return al_err(AUTOLIC_EINVAL, "ROLE-1: at most %d products per contract, not %zu",
		              AUTOLIC_CONTRACT_PRODUCTS_MAX, sp->nproducts);
	rc = al_time_span_check("ROLE-1", "term", "start", "end", sp->start, sp->end);
	if (rc)
		return rc;
	for (size_t i = 0; i < sp->nproducts; i++) {
		const autolic_contract_product_spec *p = &sp->products[i];
		char field[48];
		snprintf(field, sizeof field, "product code of products[%zu]", i);
		rc = al_product_norm(p->product, codes[i], "ROLE-1", field);
		if (rc)
			return rc;
		if (p->quantity == 0 || p->quantity > AUTOLIC_SEATS_MAX) {
			al_err(AUTOLIC_EINVAL,
			       "ROLE-1: seat quantity of '%s' must be 1 to %u, not %u", codes[i],
			       AUTOLIC_SEATS_MAX, p->quantity);
			al_err_product(codes[i]);
			al_err_num("quantity", p->quantity);
			return al_err_num("limit", AUTOLIC_SEATS_MAX);
		}
		if (p->serial && (rc = serial_check(p->serial)) != 0)
			return rc;
		for (size_t j = 0; j < i; j++) {
			if (!strcmp(codes[j], codes[i]))
				return al_err(
				    AUTOLIC_EINVAL,
				    "ROLE-1 (SEAM-1): product '%s' is listed twice: "
				    "products[%zu] '%s' and products[%zu] '%s' are one product "
				    "(codes compare case-insensitively)",
				    codes[i], j, sp->products[j].product, i, p->product);
			if (p->serial && sp->products[j].serial &&
			    !strcmp(sp->products[j].serial, p->serial))
				return al_err(AUTOLIC_EINVAL,
				              "ROLE-1: serial number '%s' is listed twice",
				              p->serial);
		}
	}
	return 0;
}

/* The caller's spec and products, of the version each names, into `in` and
 * `products` (in->products then points there). The products array's stride
 * is that of the first product's version: a caller's array is of one version. */
int al_contract_spec_copy_in(const autolic_contract_spec *spec, autolic_contract_spec *in,
                             autolic_contract_product_spec *products)
{
	int rc = al_copy_in(in, spec, AL_CONTRACT_SPEC);
	if (rc || !in->products || in->nproducts == 0 ||
	    in->nproducts > AUTOLIC_CONTRACT_PRODUCTS_MAX)
		return rc; /* al_contract_spec_check() names what is missing */
	size_t stride = al_struct_stride(AL_CONTRACT_PRODUCT_SPEC, in->products[0].version);
	for (size_t i = 0; !rc && i < in->nproducts; i++)
		rc = al_copy_in(&products[i], (const char *)in->products + i * stride,
		                AL_CONTRACT_PRODUCT_SPEC);
	in->products = products;
	return rc;
}

/* ---- reading ---- */

static void al_contract_fill_info(const al_contract_rec *r, autolic_time now,
                                  autolic_contract_info *info)
{
	info->id = r->id;
	memcpy(info->number, r->number, sizeof info->number);
	info->team = r->team;
	info->manager = r->manager;
	info->coordinator = r->coordinator;
	info->buyer = r->buyer;
	info->start = r->start;
	info->end = r->end;
	info->auto_renew = r->auto_renew;
	info->status = al_contract_status_at(r->start, r->end, now);
	info->created = r->created;
	info->nproducts = r->nproducts;
}

static int cget_fn(al_txn *t, uint64_t id, void *r)
{
	return al_contract_load_rec(t, id, r);
}

int autolic_contract_get(autolic_db *db, autolic_id contract, autolic_contract_info *info)
{
	if (!db || !info)
		return al_err(AUTOLIC_EINVAL, "db and info are required");
	int rc = al_struct_check(AL_CONTRACT_INFO, info->version);
	if (rc)
		return rc;
	al_contract_rec r;
	autolic_time now;
	rc = al_record_read(db, contract, cget_fn, &r, &now);
	if (rc)
		return rc;
	autolic_contract_info full;
	al_contract_fill_info(&r, now, &full);
	return al_copy_out(info, &full, AL_CONTRACT_INFO);
}

typedef struct {
	const char *number;
	autolic_id id;
} cfind_args;

static int cfind_fn(al_txn *t, void *arg)
{
	cfind_args *fa = arg;
	al_key k;
	al_key_init(&k, AL_K_CONTRACT_NUMBER);
	al_key_str(&k, fa->number);
	int rc = al_index_get(t, &k, AL_K_CONTRACT_NUMBER, &fa->id);
	if (rc == AUTOLIC_ENOTFOUND)
		rc = al_err(AUTOLIC_ENOTFOUND, "no contract has the number '%s'", fa->number);
	return rc;
}

int autolic_contract_find(autolic_db *db, const char *number, autolic_id *contract)
{
	if (!db || !number || !contract)
		return al_err(AUTOLIC_EINVAL, "db, number and contract are required");
	size_t n = strlen(number);
	if (n == 0 || n > AUTOLIC_CONTRACT_NUMBER_MAX)
		return al_err(AUTOLIC_EINVAL, "contract number must be 1 to %d bytes",
		              AUTOLIC_CONTRACT_NUMBER_MAX);
	cfind_args fa = {number, 0};
	int rc = al_run(db, 0, cfind_fn, &fa);
	if (!rc)
		*contract = fa.id;
	return rc;
}

/* Who the actor is to the contract, for the ROLE-6 matrix; `product` NULL
 * when no particular product is concerned. */
static int al_contract_subject(al_txn *t, const al_contract_rec *r, autolic_id actor,
                               const char *product, al_subject *s)
{
	memset(s, 0, sizeof(*s));
	al_account_brief a; /* only its state is read */
	int rc = al_account_brief_load(t, actor, &a);
	if (rc == AUTOLIC_ENOTFOUND)
		return 0;
	if (rc)
		return rc;
	s->active = a.state == AUTOLIC_ACCOUNT_ACTIVE;
	s->manager = actor == r->manager;
	s->coordinator = actor == r->coordinator;
	int role;
	rc = al_team_role(t, r->team, actor, &role);
	if (rc)
		return rc;
	s->user = role != AL_ROLE_NONE;
	if (product && s->user)
		rc = al_seat_held(t, actor, product, t->now, &s->granted);
	return rc;
}

/* Refuse with ROLE-7's reason when the actor cannot act at all, else with ROLE-6's. */
static int require(al_txn *t, const al_contract_rec *r, autolic_id actor, const char *product,
                   int fn)
{
	int rc = al_authz_actor(t, actor, NULL);
	if (rc)
		return rc;
	al_subject s;
	rc = al_contract_subject(t, r, actor, product, &s);
	if (rc)
		return rc;
	if (al_authz_allowed(fn, &s))
		return 0;
	const char *why = s.user ? (product ? "a user without this product" : "a user of the team")
	                         : "no role on this contract";
	return al_authz_deny(t, fn, actor, why);
}

/* A contract and one of its products. */
static int load_with_product(al_txn *t, autolic_id contract, const char *product,
                             al_contract_rec *r, al_contract_product_rec *p)
{
	int rc = al_contract_load_rec(t, contract, r);
	if (!rc)
		rc = al_contract_product_rec_load(t, contract, product, p);
	return rc;
}

typedef struct {
	autolic_id actor, contract;
	char product[AL_PRODUCT_CAP];
	al_contract_product_rec p;
} pget_args;

static int pget_fn(al_txn *t, void *arg)
{
	pget_args *pa = arg;
	al_contract_rec r;
	int rc = load_with_product(t, pa->contract, pa->product, &r, &pa->p);
	if (!rc)
		rc = require(t, &r, pa->actor, pa->product, AL_FN_SERIALS);
	return rc;
}

int autolic_contract_product_get(autolic_db *db, autolic_id actor, autolic_id contract,
                                 const char *product, autolic_contract_product_info *info)
{
	if (!db || !info)
		return al_err(AUTOLIC_EINVAL, "db and info are required");
	int rc = al_authz_actor_given(actor);
	if (!rc)
		rc = al_struct_check(AL_CONTRACT_PRODUCT_INFO, info->version);
	pget_args pa;
	if (!rc)
		rc = al_product_norm(product, pa.product, "ROLE-6", "product code");
	if (rc)
		return rc;
	pa.actor = actor;
	pa.contract = contract;
	rc = al_run(db, 0, pget_fn, &pa);
	if (rc)
		return rc;
	autolic_contract_product_info full = {
	    .contract = contract, .quantity = pa.p.quantity, .bought = pa.p.bought};
	memcpy(full.product, pa.p.product, sizeof full.product);
	memcpy(full.serial, pa.p.serial, sizeof full.serial);
	return al_copy_out(info, &full, AL_CONTRACT_PRODUCT_INFO);
}

/* ---- contract roles (ROLE-2, ROLE-3, ROLE-4) ---- */

static int status_require_active(const al_contract_rec *r, autolic_time now, const char *rule)
{
	int st = al_contract_status_at(r->start, r->end, now);
	if (st == AUTOLIC_CONTRACT_PENDING)
		al_err(AUTOLIC_ESTATE, "%s: the term of contract %s has not started", rule,
		       r->number);
	else if (st == AUTOLIC_CONTRACT_EXPIRED)
		al_err(AUTOLIC_EEXPIRED, "%s: contract %s has ended", rule, r->number);
	else
		return 0;
	return al_err_contract(r->id);
}

typedef struct {
	autolic_id actor, contract, other;
	int flag;
	autolic_time when;
	const char *product, *update;
} op_args;

int al_contract_transfer_check(al_txn *t, autolic_id actor, autolic_id contract,
                               autolic_id new_manager, autolic_id *team)
{
	al_contract_rec r;
	int rc = al_contract_load_rec(t, contract, &r);
	if (!rc)
		rc = al_authz_actor(t, actor, NULL);
	if (rc)
		return rc;
	al_name who;
	if (actor != r.manager) {
		if ((rc = al_name_account(t, r.manager, &who)) != 0)
			return rc;
		al_err(
		    AUTOLIC_EPERM,
		    "ROLE-3: permission denied: only the contract manager of %s (%s) may hand it "
		    "over",
		    r.number, who.s);
		al_err_contract(r.id);
		return al_err_account(r.manager, &who);
	}
	if (al_contract_renewal_holds_manager(&r, t->now)) {
		al_err(AUTOLIC_ESTATE,
		       "ROLE-3: contract %s is on automatic renewal; it must run to its end and a "
		       "new contract be taken out",
		       r.number);
		return al_err_contract(r.id);
	}
	al_account_brief nm; /* only that it exists */
	rc = al_account_brief_load(t, new_manager, &nm);
	if (rc)
		return rc;
	if (new_manager == r.manager) {
		if ((rc = al_name_account(t, new_manager, &who)) != 0)
			return rc;
		al_err(AUTOLIC_ESTATE, "ROLE-3: %s is already the contract manager of %s", who.s,
		       r.number);
		al_err_account(new_manager, &who);
		return al_err_contract(r.id);
	}
	*team = r.team;
	return 0;
}

typedef struct {
	autolic_id actor;
	const char *serial;
	char current[AUTOLIC_EMAIL_MAX + 1];
	char email[AUTOLIC_EMAIL_MAX + 1];
	char first[AUTOLIC_NAME_MAX + 1], last[AUTOLIC_NAME_MAX + 1];
} coord_args;

static int coord_fn(al_txn *t, void *arg)
{
	coord_args *ca = arg;
	autolic_id cid;
	char product[AUTOLIC_PRODUCT_MAX + 1];
	al_contract_rec r;
	int rc = al_contract_by_serial(t, ca->serial, &cid, product, sizeof product);
	if (rc) {
		if (rc == AUTOLIC_ENOTFOUND)
			al_err_prefix("ROLE-4");
		return rc;
	}
	rc = al_contract_load_rec(t, cid, &r);
	if (!rc)
		rc = require(t, &r, ca->actor, NULL, AL_FN_ASSIGN_COORDINATOR);
	if (rc)
		return rc;
	autolic_account_info cur;
	rc = al_account_load(t, r.coordinator, &cur);
	if (rc)
		return rc;
	if (strcmp(cur.email, ca->current) != 0) {
		al_err(AUTOLIC_EINVAL,
		       "ROLE-4: '%s' is not the current software coordinator of contract %s",
		       ca->current, r.number);
		return al_err_contract(r.id);
	}
	autolic_id nid;
	int invited;
	/* A removed account is not brought back by a coordinator change: the
	 * administrators invite the person again first (ROLE-4, SEAT-4). */
	rc = al_account_by_email(t, ca->email, &nid);
	if (!rc) {
		al_account_brief who;
		rc = al_account_brief_load(t, nid, &who);
		if (!rc && who.state == AUTOLIC_ACCOUNT_REMOVED) {
			al_err(AUTOLIC_ESTATE,
			       "ROLE-4: the account of %s was removed; invite the person again "
			       "before making them software coordinator of contract %s",
			       ca->email, r.number);
			al_err_obj(AUTOLIC_OBJECT_ACCOUNT, nid, ca->email);
			return al_err_contract(r.id);
		}
	}
	if (rc && rc != AUTOLIC_ENOTFOUND)
		return rc;
	al_err_clear(); /* a new person: the lookup's message describes nothing */
	rc = al_account_invite(t, ca->email, ca->first, ca->last, NULL, ca->actor, 0, &nid,
	                       &invited);
	if (rc)
		return rc;
	if (nid == r.coordinator) {
		al_err(AUTOLIC_EEXISTS,
		       "ROLE-4: %s is already the software coordinator of contract %s", ca->email,
		       r.number);
		al_err_obj(AUTOLIC_OBJECT_ACCOUNT, nid, ca->email);
		return al_err_contract(r.id);
	}
	autolic_id former = r.coordinator;
	r.coordinator = nid;
	rc = al_contract_store(t, &r);
	if (!rc)
		rc = al_contract_role_bits_change(t, former, r.id, 0, CR_COORDINATOR);
	if (!rc)
		rc = al_contract_role_bits_change(t, nid, r.id, CR_COORDINATOR, 0);
	if (!rc)
		rc = al_team_raise_to_admin(t, r.team, nid);
	if (!rc)
		rc = al_txn_event(t, AUTOLIC_EVENT_ROLE_CHANGED, nid, r.team, r.id, NULL, "ROLE-4",
		                  "you are now the software coordinator of contract %s", r.number);
	if (!rc)
		rc = al_txn_event(
		    t, AUTOLIC_EVENT_ROLE_CHANGED, former, r.team, r.id, NULL, "ROLE-4",
		    "you are no longer the software coordinator of contract %s", r.number);
	return rc;
}

int autolic_contract_assign_coordinator(autolic_db *db, autolic_id actor, const char *serial,
                                        const char *current_email, const char *new_coordinator)
{
	int rc = al_authz_call_check(db, actor);
	if (rc)
		return rc;
	if (!serial || !*serial || !current_email || !new_coordinator)
		return al_err(AUTOLIC_EINVAL,
		              "ROLE-4: the serial number, the current coordinator's email and the "
		              "new coordinator are required");
	if (strlen(serial) > AUTOLIC_SERIAL_MAX)
		return al_err(AUTOLIC_EINVAL, "ROLE-4: serial number longer than %d bytes",
		              AUTOLIC_SERIAL_MAX);
	coord_args ca;
	ca.actor = actor;
	ca.serial = serial;
	rc = autolic_email_normalize(current_email, ca.current, sizeof ca.current);
	if (!rc)
		rc = autolic_person_parse(new_coordinator, ca.email, ca.first, ca.last);
	if (rc)
		return rc;
	return al_run(db, 1, coord_fn, &ca);
}

/* ---- managing the contract (ROLE-6) ---- */

static int renew_flag_fn(al_txn *t, void *arg)
{
	op_args *oa = arg;
	al_contract_rec r;
	int rc = al_contract_load_rec(t, oa->contract, &r);
	if (!rc)
		rc = require(t, &r, oa->actor, NULL, AL_FN_MANAGE_CONTRACT);
	if (rc)
		return rc;
	if (oa->when) {
		if (oa->when <= r.end) {
			al_err(AUTOLIC_EINVAL,
			       "ROLE-6: the new end must be after the current end of contract %s",
			       r.number);
			return al_err_contract(r.id);
		}
		r.end = oa->when;
	} else {
		if (al_contract_status_at(r.start, r.end, t->now) == AUTOLIC_CONTRACT_EXPIRED) {
			al_err(AUTOLIC_EEXPIRED,
			       "ROLE-6: contract %s has ended; its renewal cannot change",
			       r.number);
			return al_err_contract(r.id);
		}
		r.auto_renew = oa->flag != 0;
	}
	return al_contract_store(t, &r);
}

int autolic_contract_set_auto_renew(autolic_db *db, autolic_id actor, autolic_id contract, int on)
{
	int rc = al_authz_call_check(db, actor);
	if (rc)
		return rc;
	op_args oa = {actor, contract, 0, on, 0, NULL, NULL};
	return al_run(db, 1, renew_flag_fn, &oa);
}

int autolic_contract_renew(autolic_db *db, autolic_id actor, autolic_id contract,
                           autolic_time new_end)
{
	int rc = al_authz_call_check(db, actor);
	if (rc)
		return rc;
	if (new_end <= 0)
		return al_err(AUTOLIC_EINVAL, "new_end must be a positive time");
	op_args oa = {actor, contract, 0, 0, new_end, NULL, NULL};
	return al_run(db, 1, renew_flag_fn, &oa);
}

/* ---- downloads and updates (ROLE-6, ROLE-8) ---- */

static int access_fn(al_txn *t, void *arg)
{
	op_args *oa = arg;
	al_contract_rec r;
	al_contract_product_rec p;
	int rc = load_with_product(t, oa->contract, oa->product, &r, &p);
	if (rc)
		return rc;
	int fn = oa->flag; /* AL_FN_DOWNLOAD, AL_FN_UPDATES, or -1 for offering */
	if (fn < 0) {
		rc = require(t, &r, oa->actor, NULL, AL_FN_MANAGE_USERS);
		if (rc) {
			if (rc == AUTOLIC_EPERM)
				al_err_prefix("ROLE-8");
			return rc;
		}
		rc = status_require_active(&r, t->now, "ROLE-8");
		if (rc)
			return rc;
		al_key k;
		al_contract_offer_key(&k, r.id, p.product, oa->update);
		if (oa->other)
			return al_record_put_tag(t, &k, AL_K_CONTRACT_OFFER);
		rc = al_txn_del(t, &k);
		return rc == AUTOLIC_ENOTFOUND ? 0 : rc;
	}
	rc = require(t, &r, oa->actor, p.product, fn);
	if (!rc)
		rc = status_require_active(&r, t->now, "ROLE-6");
	if (rc || fn != AL_FN_UPDATES || oa->actor == r.manager || oa->actor == r.coordinator)
		return rc;
	/* ROLE-8: users get only what their administrators offered */
	al_key k;
	al_contract_offer_key(&k, r.id, p.product, oa->update);
	rc = al_txn_exists(t, &k);
	if (rc == 0) {
		al_err(AUTOLIC_EPERM,
		       "ROLE-8: permission denied: update '%s' of '%s' is not offered to the users "
		       "of contract %s",
		       oa->update, p.product, r.number);
		al_err_contract(r.id);
		return al_err_product(p.product);
	}
	return rc < 0 ? rc : 0;
}

static int access_call(autolic_db *db, autolic_id actor, autolic_id contract, const char *product,
                       const char *update, int fn, int offered)
{
	int rc = al_authz_call_check(db, actor);
	if (rc)
		return rc;
	const char *rule = fn == AL_FN_DOWNLOAD ? "ROLE-6" : "ROLE-8";
	char code[AL_PRODUCT_CAP];
	rc = al_product_norm(product, code, rule, "product code");
	if (!rc && fn != AL_FN_DOWNLOAD)
		rc = al_code_check(update, AUTOLIC_UPDATE_MAX, "ROLE-8", "update code");
	if (rc)
		return rc;
	op_args oa = {actor, contract, (autolic_id)(offered != 0), fn, 0, code, update};
	return al_run(db, fn < 0, access_fn, &oa);
}

int autolic_contract_download_check(autolic_db *db, autolic_id actor, autolic_id contract,
                                    const char *product)
{
	return access_call(db, actor, contract, product, NULL, AL_FN_DOWNLOAD, 0);
}

int autolic_contract_update_check(autolic_db *db, autolic_id actor, autolic_id contract,
                                  const char *product, const char *update)
{
	return access_call(db, actor, contract, product, update, AL_FN_UPDATES, 0);
}

int autolic_contract_update_offer(autolic_db *db, autolic_id actor, autolic_id contract,
                                  const char *product, const char *update, int offered)
{
	return access_call(db, actor, contract, product, update, -1, offered);
}

static int notify_fn(al_txn *t, void *arg)
{
	op_args *oa = arg;
	al_contract_rec r;
	al_contract_product_rec p;
	int rc = load_with_product(t, oa->contract, oa->product, &r, &p);
	if (rc)
		return rc;
	/* ROLE-6: the coordinator column alone receives new-download notices */
	al_subject s = {1, 0, 1, 0, 0, 0};
	if (!al_authz_allowed(AL_FN_DOWNLOAD_NOTICE, &s))
		return 0;
	return al_txn_event(t, AUTOLIC_EVENT_DOWNLOAD_AVAILABLE, r.coordinator, r.team, r.id,
	                    p.product, "ROLE-6", "update '%s' of '%s' is available for contract %s",
	                    oa->update, p.product, r.number);
}

int autolic_contract_download_notify(autolic_db *db, autolic_id contract, const char *product,
                                     const char *update)
{
	if (!db)
		return al_err(AUTOLIC_EINVAL, "db is NULL");
	char code[AL_PRODUCT_CAP];
	int rc = al_product_norm(product, code, "ROLE-6", "product code");
	if (!rc)
		rc = al_code_check(update, AUTOLIC_UPDATE_MAX, "ROLE-8", "update code");
	if (rc)
		return rc;
	op_args oa = {0, contract, 0, 0, 0, code, update};
	return al_run(db, 1, notify_fn, &oa); /* NOTE-1: the notice is recorded */
}

/* ---- iteration (snapshots) ---- */

struct autolic_contract_iter {
	al_snap s; /* of autolic_contract_info */
};

struct autolic_contract_member_iter {
	al_snap s; /* of autolic_contract_member */
};

static int contracts_snap_fn(al_txn *t, void *arg)
{
	al_snap_fill *sa = arg; /* key: the team, or 0 for every contract */
	al_snap_fill_reset(sa);
	al_idlist l;
	al_key k;
	int rc = 0;
	if (sa->key) {
		rc = al_team_check(t, sa->key);
		al_key_id(&k, AL_K_TEAM_CONTRACT, sa->key);
		al_idlist_init(&l, t->a, 9);
	} else {
		al_key_init(&k, AL_K_CONTRACT);
		al_idlist_init(&l, t->a, 1);
	}
	if (!rc)
		rc = al_idlist_scan(t, &k, &l);
	autolic_contract_info *v = NULL;
	if (!rc && l.n && !(v = al_calloc(sa->a, l.n, sizeof(*v))))
		rc =
		    al_err(AUTOLIC_ENOMEM, "out of memory taking a snapshot of %zu contracts", l.n);
	for (size_t i = 0; !rc && i < l.n; i++) {
		al_contract_rec r;
		rc = al_contract_load_rec(t, l.v[i], &r);
		if (!rc)
			al_contract_fill_info(&r, t->now, &v[i]);
	}
	sa->v = v; /* freed by al_snap_new or the next attempt on failure */
	if (!rc)
		sa->n = l.n;
	al_idlist_free(&l);
	return rc;
}

static int members_snap_fn(al_txn *t, void *arg)
{
	al_snap_fill *sa = arg; /* key: the contract */
	al_snap_fill_reset(sa);
	al_contract_rec r;
	int rc = al_contract_load_rec(t, sa->key, &r);
	if (rc)
		return rc;
	al_idlist l;
	al_idlist_init(&l, t->a, 9);
	rc = al_team_list_members(t, r.team, &l);
	autolic_contract_member *v = NULL;
	if (!rc && l.n && !(v = al_calloc(sa->a, l.n, sizeof(*v))))
		rc = al_err(AUTOLIC_ENOMEM, "out of memory taking a snapshot of %zu members", l.n);
	for (size_t i = 0; !rc && i < l.n; i++) {
		al_account_brief a; /* only its state is read */
		v[i].account = l.v[i];
		v[i].roles = AUTOLIC_CONTRACT_ROLE_USER |
		             (l.v[i] == r.manager ? AUTOLIC_CONTRACT_ROLE_MANAGER : 0u) |
		             (l.v[i] == r.coordinator ? AUTOLIC_CONTRACT_ROLE_COORDINATOR : 0u);
		rc = al_team_role(t, r.team, l.v[i], &v[i].team_role);
		if (!rc)
			rc = al_account_brief_load(t, l.v[i], &a);
		if (!rc)
			v[i].state = a.state;
	}
	sa->v = v; /* freed by al_snap_new or the next attempt on failure */
	if (!rc)
		sa->n = l.n;
	al_idlist_free(&l);
	return rc;
}

int autolic_contract_iter_new(autolic_db *db, autolic_id team, autolic_contract_iter **out)
{
	if (out)
		*out = NULL;
	if (!db || !out)
		return al_err(AUTOLIC_EINVAL, "db and out are required");
	return al_snap_new(db, team, contracts_snap_fn, sizeof(autolic_contract_iter),
	                   (void **)out);
}

AL_SNAP_ITER_FNS(autolic_contract_iter, autolic_contract_iter, autolic_contract_info,
                 AL_CONTRACT_INFO, "iterator and info are required")

int autolic_contract_member_iter_new(autolic_db *db, autolic_id contract,
                                     autolic_contract_member_iter **out)
{
	if (out)
		*out = NULL;
	if (!db || !out)
		return al_err(AUTOLIC_EINVAL, "db and out are required");
	return al_snap_new(db, contract, members_snap_fn, sizeof(autolic_contract_member_iter),
	                   (void **)out);
}

AL_SNAP_ITER_FNS(autolic_contract_member_iter, autolic_contract_member_iter,
                 autolic_contract_member, AL_CONTRACT_MEMBER, "iterator and member are required")

/* ---- seat quantity (ROLE-6 renewal terms, ROLE-9) ---- */

int al_contract_quantity_set(al_txn *t, autolic_id actor, autolic_id contract, const char *product,
                             int64_t quantity)
{
	al_contract_rec r;
	al_contract_product_rec p;
	int rc = al_contract_load_rec(t, contract, &r);
	if (!rc)
		rc = al_contract_product_rec_load(t, contract, product, &p);
	if (!rc)
		rc = require(t, &r, actor, NULL, AL_FN_MANAGE_CONTRACT);
	if (rc)
		return rc;
	if (quantity > (int64_t)p.bought) {
		al_err(
		    AUTOLIC_EINVAL,
		    "ROLE-9: contract %s was bought with %u seats of '%s'; more seats need a new "
		    "contract, not %lld here",
		    r.number, p.bought, p.product, (long long)quantity);
		al_err_contract(r.id);
		al_err_product(p.product);
		al_err_num("bought", p.bought);
		return al_err_num("asked", quantity);
	}
	p.quantity = (uint32_t)quantity;
	return al_contract_product_rec_store(t, r.id, &p);
}
