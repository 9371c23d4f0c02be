/*
 * A translating host: for refusals of every rule family (ACCT, ROLE, SEAT,
 * FLEX, OPS, APS, SEAM, IN, NOTE), 39 in all, this suite triggers each refusal
 * through the public API, reads it with autolic_error_last(), writes its own message
 * from the fields alone, with its own template table (in French, as a host
 * would) and its own time formatting. It then checks that the rendered text
 * and the library's English message say the same thing: the same rule ID,
 * the same object names (an email, a contract number, a team or hub name,
 * a product code), the same numbers, the same times (ISO-8601 UTC in both,
 * never epoch seconds), and that the English text never names an object by
 * its internal id when it has a name.
 */
#include "support.h"
#include "flex_fixture.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define T0 1767225600 /* 2026-01-01T00:00:00Z */

/* ---- the host's side: templates and rendering, from the fields only ---- */

/* {account} {team} {contract} {product} {lot} {hub} {devhub} {app}
 * {session} {operator} {subscription} {argument}: the first object of that
 * kind, by name (its id when it has no name), {account2} the second;
 * {n:NAME}: the number NAME; {t:NAME}: the time NAME. "[...]" is written only
 * when the error carries every field inside it. A template is chosen by the
 * rule ID and the code (0: any code). */
static const struct {
	const char *rule;
	int code;
	const char *text;
} templates[] = {
    {"ACCT-1", AUTOLIC_EEXISTS, "{rule} : l'adresse {account} a deja un compte"},
    {"ACCT-2", 0, "{rule} : la balise de langue ({argument}) doit avoir de 2 a {n:max} octets"},
    {"ACCT-5", 0,
     "{rule} : {n:rejected} fiches sur {n:records} refusees ; rien n'a ete ajoute a l'equipe "
     "{team}"},
    {"FLEX-6", 0, "{rule} : l'essai du {t:start} au {t:end} est vide"},
    {"OPS-3", 0, "{rule} : {account} est supprime ou son invitation a expire"},
    {"OPS-6", AUTOLIC_EINVAL,
     "{rule} : le paiement du {t:due} n'est pas encore en retard (il est {t:now})"},
    {"ACCT-3", 0, "{rule} : {account} est deja membre de l'equipe {team}"},
    {"ACCT-4", AUTOLIC_EEXPIRED, "{rule} : l'invitation de {account} a expire le {t:expired}"},
    {"ACCT-4", AUTOLIC_ESTATE, "{rule} : {account} n'a pas d'invitation en attente"},
    {"ROLE-3", 0,
     "{rule} : [seul l'administrateur principal de l'equipe {team} ({account2}) peut le "
     "faire, pas {account}][seul le gestionnaire du contrat {contract} ({account}) peut le "
     "ceder]"},
    {"ROLE-4", AUTOLIC_EEXISTS,
     "{rule} : {account} est deja coordinateur logiciel du contrat {contract}"},
    {"ROLE-8", 0,
     "{rule} : la mise a jour de {product} n'est pas offerte aux utilisateurs du contrat "
     "{contract}"},
    {"ROLE-9", 0,
     "{rule} : le contrat {contract} a ete achete avec {n:bought} places {product}, pas "
     "{n:asked}"},
    {"ROLE-1", 0,
     "{rule} : [le terme du {t:start} au {t:end} est vide][{n:quantity} places {product} : "
     "hors de 1 a {n:limit}]"},
    {"FLEX-11", 0, "{rule} : la periode du {t:from} au {t:to} est vide"},
    {"NOTE-2", 0, "{rule} : {argument} doit etre positif ou nul, pas {n:keep}"},
    {"ROLE-6", 0,
     "{rule} : {account} n'a pas ce droit[ dans l'equipe {team}][ sur le contrat {contract}]"},
    {"ROLE-7", 0, "{rule} : le compte {account} n'a pas accepte son invitation"},
    {"SEAT-1", 0, "{rule} : {account} a deja une place {product} sur le contrat {contract}"},
    {"SEAT-2", 0,
     "{rule} : les {n:limit} places {product} du contrat {contract} sont prises ({n:used} "
     "sur {n:limit})"},
    {"SEAT-4", 0, "{rule} : {account} a ete supprime et ne peut tenir aucune place"},
    {"FLEX-1", 0, "{rule} : l'achat du {t:purchased} est dans le futur (il est {t:now})"},
    {"FLEX-5", 0,
     "{rule} : l'equipe {team} a {n:available} jetons le {t:at}, {product} en demande "
     "{n:needed}"},
    {"FLEX-7", 0, "{rule} : {account} n'a pas acces a {product} dans l'equipe {team}"},
    {"FLEX-9", 0, "{rule} : l'equipe {team} n'a aucun lot de l'abonnement {lot}"},
    {"FLEX-10", 0, "{rule} : le lot {lot} contiendrait {n:would_hold} jetons (0 a {n:quantity})"},
    {"OPS-1", 0, "{rule} : l'essai du hub {hub} a pris fin le {t:ended}"},
    {"OPS-2", 0, "{rule} : les {n:limit} licences utilisateur du hub {hub} sont prises"},
    {"OPS-4", 0, "{rule} : licences d'operateurs du hub {hub} epuisees ({n:used} sur {n:limit})"},
    {"OPS-7", 0, "{rule} : {account} n'a pas de licence utilisateur du hub {hub}"},
    {"APS-2", 0, "{rule} : l'equipe {team} a deja un hub de developpement ({devhub})"},
    {"APS-3", 0, "{rule} : {account} n'administre pas l'equipe {team}"},
    {"APS-4", AUTOLIC_ESTATE, "{rule} : {account} n'est pas membre actif de l'equipe {team}"},
    {"APS-4", 0, "{rule} : {account} n'administre pas[ l'equipe {team}][ le hub {devhub}]"},
    {"SEAM-4", 0,
     "{rule} : le rapport du {t:at} est anterieur au delai de {n:horizon} s de l'equipe "
     "{team} (il est {t:now})"},
    {"IN-1", 0, "{rule} : {argument} contient un caractere de controle (octet {n:byte})"},
    {"IN-3", 0, "{rule} : {t:time} plus {n:added} secondes sort de l'intervalle des dates"},
};

static const struct {
	const char *name;
	int kind;
} kinds[] = {
    {"account", AUTOLIC_OBJECT_ACCOUNT},
    {"team", AUTOLIC_OBJECT_TEAM},
    {"contract", AUTOLIC_OBJECT_CONTRACT},
    {"product", AUTOLIC_OBJECT_PRODUCT},
    {"lot", AUTOLIC_OBJECT_LOT},
    {"hub", AUTOLIC_OBJECT_OPS_HUB},
    {"devhub", AUTOLIC_OBJECT_HUB},
    {"app", AUTOLIC_OBJECT_APP},
    {"session", AUTOLIC_OBJECT_SESSION},
    {"operator", AUTOLIC_OBJECT_OPERATOR},
    {"subscription", AUTOLIC_OBJECT_SUBSCRIPTION},
    {"argument", AUTOLIC_OBJECT_ARGUMENT},
};

/* The host's own time text (not the library's); 0 when the C library cannot
 * write the year (beyond what struct tm holds: IN-3's ends of time). */
static int host_time(char *out, size_t cap, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm)) {
		snprintf(out, cap, "(hors du calendrier)");
		return 0;
	}
	strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return 1;
}

static const autolic_error_number *number_named(const autolic_error_info *e, const char *name)
{
	for (unsigned i = 0; i < e->number_count; i++)
		if (!strcmp(e->numbers[i].name, name))
			return &e->numbers[i];
	return NULL;
}

/* One field's text; 0 when the error does not carry it. */
static int field_text(const autolic_error_info *e, const char *field, char *out, size_t cap)
{
	if (!strcmp(field, "rule")) {
		snprintf(out, cap, "%s", e->rule);
		return 1;
	}
	if (!strncmp(field, "n:", 2) || !strncmp(field, "t:", 2)) {
		const autolic_error_number *n = number_named(e, field + 2);
		if (!n)
			return 0;
		if (field[0] == 't') {
			assert_int_equal(n->unit, AUTOLIC_UNIT_TIME);
			host_time(out, cap, n->value);
		} else {
			assert_int_not_equal(n->unit, AUTOLIC_UNIT_TIME);
			snprintf(out, cap, "%lld", (long long)n->value);
		}
		return 1;
	}
	/* "account2": the second object of the kind */
	char kind[32];
	unsigned nth = 1;
	snprintf(kind, sizeof kind, "%s", field);
	size_t len = strlen(kind);
	if (len && kind[len - 1] >= '2' && kind[len - 1] <= '4') {
		nth = (unsigned)(kind[len - 1] - '0');
		kind[len - 1] = 0;
	}
	for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
		if (strcmp(kind, kinds[k].name))
			continue;
		for (unsigned i = 0, seen = 0; i < e->object_count; i++)
			if (e->objects[i].kind == kinds[k].kind && ++seen == nth) {
				if (e->objects[i].name[0])
					snprintf(out, cap, "%s", e->objects[i].name);
				else
					snprintf(out, cap, "#%llu",
					         (unsigned long long)e->objects[i].id);
				return 1;
			}
		return 0;
	}
	fail_msg("unknown template field {%s}", field);
	return 0;
}

/* Write the template from `tpl` up to `stop` (or its end) into out[*n..];
 * 0, with *n where it was, when a field is missing. */
static int fill(const autolic_error_info *e, const char *tpl, const char *stop, char *out,
                size_t cap, size_t *n)
{
	size_t start = *n;
	for (const char *p = tpl; *p && p != stop && *n + 1 < cap;) {
		if (*p == '[') {
			const char *end = strchr(p, ']');
			assert_non_null(end);
			size_t at = *n;
			if (!fill(e, p + 1, end, out, cap, n))
				*n = at; /* an optional part whose fields are not all there */
			out[*n] = 0;
			p = end + 1;
			continue;
		}
		if (*p != '{') {
			out[(*n)++] = *p++;
			out[*n] = 0;
			continue;
		}
		const char *end = strchr(p, '}');
		assert_non_null(end);
		char field[32], text[AUTOLIC_ERROR_NAME_MAX + 1];
		snprintf(field, sizeof field, "%.*s", (int)(end - p - 1), p + 1);
		if (!field_text(e, field, text, sizeof text)) {
			*n = start;
			out[*n] = 0;
			return 0;
		}
		*n += (size_t)snprintf(out + *n, cap - *n, "%s", text);
		p = end + 1;
	}
	return 1;
}

static void render(const autolic_error_info *e, char *out, size_t cap)
{
	const char *tpl = NULL;
	for (size_t i = 0; i < sizeof templates / sizeof *templates && !tpl; i++)
		if (!strcmp(templates[i].rule, e->rule) &&
		    (!templates[i].code || templates[i].code == e->code))
			tpl = templates[i].text;
	if (!tpl)
		fail_msg("no template for rule '%s' code %d (message: %s)", e->rule, e->code,
		         e->message);
	size_t n = 0;
	out[0] = 0;
	if (!fill(e, tpl, NULL, out, cap, &n))
		fail_msg("%s: the error lacks a field its template needs: %s", e->rule, tpl);
}

/* The rendered text and the English message say the same thing. */
static void same_content(const autolic_error_info *e, const char *rendered)
{
	char msg[AUTOLIC_ERROR_MESSAGE_MAX + 1];
	snprintf(msg, sizeof msg, "%s", e->message);
	/* the rule */
	assert_true(e->rule[0]);
	assert_int_equal(strncmp(msg, e->rule, strlen(e->rule)), 0);
	assert_non_null(strstr(rendered, e->rule));
	/* every object by the name its user knows, in both */
	for (unsigned i = 0; i < e->object_count; i++) {
		const autolic_error_object *o = &e->objects[i];
		if (!o->name[0])
			continue;
		if (!strstr(msg, o->name))
			fail_msg("%s: '%s' is not in the message '%s'", e->rule, o->name, msg);
		if (!strstr(rendered, o->name))
			fail_msg("%s: '%s' is not in the rendering '%s'", e->rule, o->name,
			         rendered);
		/* a named object is never shown by its internal id */
		char by_id[64];
		static const char *const words[] = {"account", "team", "contract", "hub"};
		for (size_t w = 0; w < 4; w++) {
			snprintf(by_id, sizeof by_id, "%s %llu", words[w],
			         (unsigned long long)o->id);
			if (o->kind != AUTOLIC_OBJECT_LOT && o->kind != AUTOLIC_OBJECT_SESSION &&
			    strstr(msg, by_id))
				fail_msg("%s: the message names '%s' by its id: %s", e->rule,
				         o->name, msg);
		}
	}
	/* every number in both; times as ISO-8601 UTC, never as epoch seconds */
	for (unsigned i = 0; i < e->number_count; i++) {
		const autolic_error_number *n = &e->numbers[i];
		char text[64], raw[32];
		snprintf(raw, sizeof raw, "%lld", (long long)n->value);
		if (n->unit == AUTOLIC_UNIT_TIME) {
			if (strstr(msg, raw))
				fail_msg("%s: the message shows the time %s in epoch seconds: %s",
				         e->rule, raw, msg);
			if (!host_time(text, sizeof text, n->value))
				continue; /* the host cannot write that year; the library can */
		} else {
			snprintf(text, sizeof text, "%s", raw);
		}
		if (!strstr(msg, text))
			fail_msg("%s: %s %s is not in the message '%s'", e->rule, n->name, text,
			         msg);
		if (!strstr(rendered, text))
			fail_msg("%s: %s %s is not in the rendering '%s'", e->rule, n->name, text,
			         rendered);
	}
}

/* ---- the refusals ---- */

typedef struct world {
	fx x; /* admin@example.com administers "Flex team"; jean.dupont is its Flex user */
	autolic_id bob; /* bob@example.com, in no team */
} world;

static autolic_id contract_of(world *w, const char *product, int64_t seats)
{
	return seat_contract(w->x.db, w->x.admin, 0, &product, &seats, 1, T0 - DAY, T0 + 365 * DAY);
}

/* `actor` invites `email` to the team: the call's result, the account in *id. */
static int invite(world *w, autolic_id actor, const char *email, autolic_id *id)
{
	autolic_account_spec s = AUTOLIC_ACCOUNT_SPEC_INIT;
	s.email = email;
	s.first_name = "In";
	s.last_name = "Vited";
	return autolic_account_invite(w->x.db, actor, w->x.team, &s, id);
}

static autolic_id invited(world *w, const char *email)
{
	autolic_id id = 0;
	fx_check("invite", invite(w, w->x.admin, email, &id), 0);
	return id;
}

static autolic_id ops_hub(world *w, uint64_t trial_ops, int shop_floor, int users)
{
	for (int kind = 0; kind < 2; kind++) {
		int q = kind ? users : shop_floor;
		if (!q)
			continue;
		autolic_ops_subscription_spec s = AUTOLIC_OPS_SUBSCRIPTION_SPEC_INIT;
		s.tenant = w->x.admin;
		s.kind = kind ? AUTOLIC_OPS_USER : AUTOLIC_OPS_SHOP_FLOOR;
		s.quantity = (uint32_t)q;
		s.end = T0 + 365 * DAY;
		fx_check("ops buy", autolic_ops_subscription_buy(w->x.db, w->x.admin, &s, NULL), 0);
	}
	autolic_ops_hub_spec h = AUTOLIC_OPS_HUB_SPEC_INIT;
	h.name = "Plant Lyon";
	h.tenant = w->x.admin;
	h.trial_operators = trial_ops;
	autolic_id hub = 0;
	fx_check("hub", autolic_ops_hub_create(w->x.db, w->x.admin, &h, &hub), 0);
	return hub;
}

static int op_add(world *w, autolic_id hub, const char *number)
{
	autolic_ops_operator_spec s = AUTOLIC_OPS_OPERATOR_SPEC_INIT;
	s.number = number;
	s.name = "Someone";
	return autolic_ops_operator_add(w->x.db, w->x.admin, hub, &s, NULL);
}

static int r_seat2(world *w)
{
	autolic_id c = contract_of(w, "autocad", 1);
	fx_check("grant", autolic_seat_grant(w->x.db, w->x.admin, c, "autocad", w->x.user), 0);
	return autolic_seat_grant(w->x.db, w->x.admin, c, "AutoCAD", w->bob);
}

static int r_seat1(world *w)
{
	autolic_id c = contract_of(w, "revit", 3);
	fx_check("grant", autolic_seat_grant(w->x.db, w->x.admin, c, "revit", w->bob), 0);
	return autolic_seat_grant(w->x.db, w->x.admin, c, "revit", w->bob);
}

static int r_seat4(world *w)
{
	autolic_id c = contract_of(w, "revit", 3);
	fx_check("remove", autolic_account_remove(w->x.db, w->x.admin, w->x.user), 0);
	return autolic_seat_grant(w->x.db, w->x.admin, c, "revit", w->x.user);
}

static int r_acct4(world *w)
{
	autolic_id c = contract_of(w, "revit", 3);
	autolic_id inv = invited(w, "late.comer@example.com");
	w->x.clock.now += 30 * DAY;
	return autolic_seat_grant(w->x.db, w->x.admin, c, "revit", inv);
}

static int r_role3(world *w)
{
	return autolic_team_set_primary(w->x.db, w->x.user, w->x.team, w->x.user);
}

static int r_role6(world *w)
{
	return invite(w, w->x.user, "friend@example.com", NULL);
}

static int r_role7(world *w)
{
	autolic_id inv = invited(w, "not.yet@example.com");
	autolic_team_spec s = AUTOLIC_TEAM_SPEC_INIT;
	s.name = "Side team";
	return autolic_team_create(w->x.db, inv, &s, NULL);
}

static int r_flex1(world *w)
{
	autolic_flex_lot_spec s = AUTOLIC_FLEX_LOT_SPEC_INIT;
	s.subscription = "TS-9";
	s.quantity = 10;
	s.purchased = w->x.clock.now + DAY;
	return autolic_flex_lot_buy(w->x.db, w->x.admin, w->x.team, &s, NULL);
}

static int r_flex5(world *w)
{
	fx_buy(&w->x, 5, T0);
	autolic_flex_result r;
	return fx_launch(&w->x, "revit", T0 + HOUR, &r);
}

static int r_flex7(world *w)
{
	fx_buy(&w->x, 100, T0);
	autolic_flex_result r;
	return fx_launch_in(&w->x, w->x.team, w->x.admin, "maya", T0 + HOUR, NULL, &r);
}

static int r_flex9(world *w)
{
	autolic_team_spec s = AUTOLIC_TEAM_SPEC_INIT;
	s.name = "Other team";
	autolic_id other = 0;
	fx_check("team", autolic_team_create(w->x.db, w->x.admin, &s, &other), 0);
	return autolic_flex_move(w->x.db, w->x.admin, w->x.team, other, "TS-404", NULL);
}

static int r_flex10(world *w)
{
	autolic_id lot = fx_buy(&w->x, 50, T0);
	return autolic_flex_adjust(w->x.db, w->x.admin, w->x.team, lot, 60);
}

static int r_ops1(world *w)
{
	autolic_id hub = ops_hub(w, 5, 0, 1);
	fx_check("user add", autolic_ops_user_add(w->x.db, w->x.admin, hub, w->bob), 0);
	w->x.clock.now += 60 * DAY; /* past the trial, never provisioned */
	return autolic_ops_access_check(w->x.db, hub, w->bob);
}

static int r_ops2(world *w)
{
	autolic_id hub = ops_hub(w, 5, 0, 1);
	fx_check("user add", autolic_ops_user_add(w->x.db, w->x.admin, hub, w->bob), 0);
	return autolic_ops_user_add(w->x.db, w->x.admin, hub, w->x.user);
}

static int r_ops4(world *w)
{
	autolic_id hub = ops_hub(w, 5, 2, 0);
	fx_check("provision", autolic_ops_hub_provision(w->x.db, w->x.admin, hub, NULL), 0);
	fx_check("op 1", op_add(w, hub, "A1"), 0);
	fx_check("op 2", op_add(w, hub, "A2"), 0);
	return op_add(w, hub, "A3");
}

static int r_ops7(world *w)
{
	autolic_id hub = ops_hub(w, 5, 0, 1);
	return autolic_ops_access_check(w->x.db, hub, w->bob);
}

static int r_aps3(world *w)
{
	return autolic_hub_create(w->x.db, w->x.user, w->x.team, "Dev hub", NULL);
}

static int r_seam4(world *w)
{
	fx_buy(&w->x, 100, T0);
	w->x.clock.now = T0 + 5 * DAY;
	autolic_flex_result r;
	return fx_launch(&w->x, "revit", T0 + HOUR, &r);
}

static int r_in1(world *w)
{
	autolic_team_spec s = AUTOLIC_TEAM_SPEC_INIT;
	s.name = "Bad\x01Name";
	return autolic_team_create(w->x.db, w->x.admin, &s, NULL);
}

static int r_in3(world *w)
{
	w->x.clock.now = INT64_MAX - 10;
	return invite(w, w->x.admin, "far.future@example.com", NULL);
}

static int r_acct1(world *w)
{
	autolic_account_spec s = AUTOLIC_ACCOUNT_SPEC_INIT;
	s.email = "Admin@Example.com";
	return autolic_account_register(w->x.db, &s, NULL);
}

static int r_acct3(world *w)
{
	return invite(w, w->x.admin, "jean.dupont@example.com", NULL);
}

static int r_acct4_state(world *w)
{
	return autolic_account_accept(w->x.db, w->x.user);
}

static int r_role6_contract(world *w)
{
	autolic_id c = contract_of(w, "revit", 3);
	return autolic_seat_grant(w->x.db, w->x.user, c, "revit", w->bob);
}

static int r_role3_contract(world *w)
{
	autolic_id c = contract_of(w, "revit", 3);
	return autolic_contract_transfer_manager(w->x.db, w->x.user, c, w->x.user);
}

static int r_aps2(world *w)
{
	fx_check("hub", autolic_hub_create(w->x.db, w->x.admin, w->x.team, "Dev hub", NULL), 0);
	return autolic_hub_create(w->x.db, w->x.admin, w->x.team, "Second hub", NULL);
}

static int r_aps4(world *w)
{
	autolic_id hub = 0;
	fx_check("hub", autolic_hub_create(w->x.db, w->x.admin, w->x.team, "Dev hub", &hub), 0);
	return autolic_hub_add_admin(w->x.db, w->x.admin, hub, w->bob);
}

static const char *serial_of(world *w, autolic_id c, const char *product,
                             autolic_contract_product_info *pi)
{
	pi->version = AUTOLIC_CONTRACT_PRODUCT_INFO_VERSION;
	fx_check("product", autolic_contract_product_get(w->x.db, w->x.admin, c, product, pi), 0);
	return pi->serial;
}

static int r_role4(world *w)
{
	autolic_contract_product_info pi;
	autolic_id c = contract_of(w, "revit", 3);
	return autolic_contract_assign_coordinator(w->x.db, w->x.admin,
	                                           serial_of(w, c, "revit", &pi),
	                                           "admin@example.com", "admin@example.com");
}

static int r_role8(world *w)
{
	autolic_id c = contract_of(w, "revit", 3);
	fx_check("grant", autolic_seat_grant(w->x.db, w->x.admin, c, "revit", w->x.user), 0);
	return autolic_contract_update_check(w->x.db, w->x.user, c, "Revit", "2027.1");
}

static int r_role9(world *w)
{
	autolic_id c = contract_of(w, "revit", 3);
	return autolic_contract_set_quantity(w->x.db, w->x.admin, c, "Revit", 5, NULL);
}

static int r_role1(world *w, autolic_time end, uint32_t quantity)
{
	autolic_contract_product_spec p = AUTOLIC_CONTRACT_PRODUCT_SPEC_INIT;
	p.product = "AutoCAD";
	p.quantity = quantity;
	autolic_contract_spec s = AUTOLIC_CONTRACT_SPEC_INIT;
	s.products = &p;
	s.nproducts = 1;
	s.start = T0;
	s.end = end;
	return autolic_contract_buy(w->x.db, w->x.admin, &s, NULL);
}

static int r_role1_term(world *w)
{
	return r_role1(w, T0 - DAY, 3);
}

static int r_role1_quantity(world *w)
{
	return r_role1(w, T0 + DAY, 0);
}

static int r_flex11(world *w)
{
	autolic_flex_usage_iter *it = NULL;
	return autolic_flex_usage_open(w->x.db, w->x.team, T0 + DAY, T0, &it);
}

static int r_note2(world *w)
{
	return autolic_note_trim(w->x.db, -5, NULL);
}

static int r_acct2(world *w)
{
	autolic_account_spec s = AUTOLIC_ACCOUNT_SPEC_INIT;
	s.email = "new.comer@example.com";
	s.language = "x";
	return autolic_account_register(w->x.db, &s, NULL);
}

/* The host hears of each rejected line; the call's failure, fields and all,
 * is the summary afterwards. */
static void rejected_line(size_t line, const char *reason, void *ctx)
{
	(void)reason;
	*(size_t *)ctx = line;
}

static int r_acct5(world *w)
{
	size_t line = 0;
	int rc = autolic_account_import(w->x.db, w->x.admin, w->x.team,
	                                "bob@example.com\njean.dupont@example.com\n",
	                                AUTOLIC_IMPORT_LIST, rejected_line, &line, NULL);
	assert_int_equal(line, 2);
	return rc;
}

static int r_flex6(world *w)
{
	return autolic_flex_trial_add(w->x.db, w->x.user, w->x.user, "maya", T0 + DAY, T0);
}

static int r_ops3(world *w)
{
	autolic_id hub = ops_hub(w, 5, 0, 2);
	fx_check("user add", autolic_ops_user_add(w->x.db, w->x.admin, hub, w->x.user), 0);
	fx_check("deactivate", autolic_ops_user_deactivate(w->x.db, w->x.admin, hub, w->x.user), 0);
	fx_check("remove", autolic_account_remove(w->x.db, w->x.admin, w->x.user), 0);
	return autolic_ops_user_reactivate(w->x.db, w->x.admin, hub, w->x.user);
}

static int r_ops6(world *w)
{
	autolic_id hub = ops_hub(w, 5, 0, 1);
	return autolic_ops_payment_late(w->x.db, w->x.admin, hub, w->x.clock.now + DAY);
}

static const struct refusal {
	const char *rule;
	int code;
	int (*call)(world *w);
	unsigned objects; /* at least this many objects named */
	unsigned numbers; /* at least this many numbers carried */
} refusals[] = {
    {"ACCT-1", AUTOLIC_EEXISTS, r_acct1, 1, 0},
    {"ACCT-3", AUTOLIC_EEXISTS, r_acct3, 2, 0},
    {"ACCT-4", AUTOLIC_ESTATE, r_acct4_state, 1, 0},
    {"ROLE-6", AUTOLIC_EPERM, r_role6_contract, 2, 0},
    {"ROLE-3", AUTOLIC_EPERM, r_role3_contract, 2, 0},
    {"APS-2", AUTOLIC_EEXISTS, r_aps2, 2, 0},
    {"APS-4", AUTOLIC_ESTATE, r_aps4, 2, 0},
    {"SEAT-2", AUTOLIC_ENOSEAT, r_seat2, 2, 0},
    {"SEAT-1", AUTOLIC_EEXISTS, r_seat1, 3, 0},
    {"SEAT-4", AUTOLIC_ESTATE, r_seat4, 1, 0},
    {"ACCT-4", AUTOLIC_EEXPIRED, r_acct4, 1, 0},
    {"ROLE-3", AUTOLIC_EPERM, r_role3, 3, 0},
    {"ROLE-6", AUTOLIC_EPERM, r_role6, 2, 0},
    {"ROLE-7", AUTOLIC_EPERM, r_role7, 1, 0},
    {"FLEX-1", AUTOLIC_EINVAL, r_flex1, 0, 0},
    {"FLEX-5", AUTOLIC_ENOTOKENS, r_flex5, 2, 0},
    {"FLEX-7", AUTOLIC_EPERM, r_flex7, 3, 0},
    {"FLEX-9", AUTOLIC_ENOTFOUND, r_flex9, 2, 0},
    {"FLEX-10", AUTOLIC_EINVAL, r_flex10, 1, 0},
    {"OPS-1", AUTOLIC_ENOLICENCE, r_ops1, 1, 0},
    {"OPS-2", AUTOLIC_ENOSEAT, r_ops2, 1, 0},
    {"OPS-4", AUTOLIC_ENOOPLICENCE, r_ops4, 1, 0},
    {"OPS-7", AUTOLIC_ENOLICENCE, r_ops7, 2, 0},
    {"APS-3", AUTOLIC_EPERM, r_aps3, 2, 0},
    {"SEAM-4", AUTOLIC_ESTATE, r_seam4, 1, 0},
    {"IN-1", AUTOLIC_EINVAL, r_in1, 1, 0},
    {"IN-3", AUTOLIC_EINVAL, r_in3, 0, 0},
    {"ROLE-4", AUTOLIC_EEXISTS, r_role4, 2, 0},
    {"ROLE-8", AUTOLIC_EPERM, r_role8, 2, 0},
    {"ROLE-9", AUTOLIC_EINVAL, r_role9, 2, 2},
    {"NOTE-2", AUTOLIC_EINVAL, r_note2, 1, 1},
    {"ROLE-1", AUTOLIC_EINVAL, r_role1_term, 0, 2},
    {"ROLE-1", AUTOLIC_EINVAL, r_role1_quantity, 1, 2},
    {"FLEX-11", AUTOLIC_EINVAL, r_flex11, 0, 2},
    {"ACCT-2", AUTOLIC_EINVAL, r_acct2, 1, 1},
    {"ACCT-5", AUTOLIC_EINVAL, r_acct5, 1, 2},
    {"FLEX-6", AUTOLIC_EINVAL, r_flex6, 0, 2},
    {"OPS-3", AUTOLIC_ESTATE, r_ops3, 1, 0},
    {"OPS-6", AUTOLIC_EINVAL, r_ops6, 0, 2},
};

static void t_render_every_refusal(void **state)
{
	(void)state;
	const char *families[] = {"ACCT-", "ROLE-", "SEAT-", "FLEX-",
	                          "OPS-",  "APS-",  "SEAM-", "IN-"};
	unsigned seen[8] = {0};
	for (size_t i = 0; i < sizeof refusals / sizeof *refusals; i++) {
		const struct refusal *r = &refusals[i];
		world w;
		fx_open(&w.x, T0);
		w.bob = t_register(w.x.db, "bob@example.com", "Bob", "Byte");
		int rc = r->call(&w);
		autolic_error_info e = {.version = AUTOLIC_ERROR_INFO_VERSION};
		assert_int_equal(autolic_error_last(&e), 0);
		if (rc != r->code || strcmp(e.rule, r->rule))
			fail_msg("%s: got %d rule '%s', wanted %d %s: %s", r->rule, rc, e.rule,
			         r->code, r->rule, e.message);
		assert_int_equal(e.code, rc);
		assert_string_equal(e.message, autolic_errmsg());
		if (e.object_count < r->objects)
			fail_msg("%s: %u objects named, wanted %u: %s", r->rule, e.object_count,
			         r->objects, e.message);
		if (e.number_count < r->numbers)
			fail_msg("%s: %u numbers carried, wanted %u: %s", r->rule, e.number_count,
			         r->numbers, e.message);
		char rendered[1024];
		render(&e, rendered, sizeof rendered);
		same_content(&e, rendered);
		print_message("%-7s %s\n        %s\n", r->rule, e.message, rendered);
		for (size_t f = 0; f < 8; f++)
			if (!strncmp(e.rule, families[f], strlen(families[f])))
				seen[f]++;
		fx_close(&w.x);
	}
	for (size_t f = 0; f < 8; f++)
		if (!seen[f])
			fail_msg("no refusal of the family %s", families[f]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_render_every_refusal),
	};
	return t_run_group("error_render", tests, NULL, NULL);
}
