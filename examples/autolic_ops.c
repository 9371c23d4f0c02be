/*
 * autolic_ops — Fusion Operations from the command line: subscriptions of
 * user and shop-floor licences, the hub and its trial, users, operators,
 * production records, provisioning and the automatic deactivation of
 * operators (OPS-1..OPS-7).
 *
 * An example program for libautolic: copy it with common.c and common.h,
 * build it with
 *     cc -o autolic_ops autolic_ops.c common.c $(pkg-config --cflags --libs autolic)
 * and run `autolic_ops --help`. The state lives in a journal store (a file).
 *
 * It shares common.c and common.h (the command line, the store, the output
 * as text or JSON, errors) with the other two programs (docs/examples.md).
 */
#include "common.h"

#include <autolic/sys/journal.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
    "usage: autolic_ops [--store PATH] [--json] [--as EMAIL] [--tenant EMAIL] <command> [args]\n"
    "\n"
    "Fusion Operations: licences, operators, production records, provisioning.\n"
    "The hub is named by its tenant's email (--tenant; by default the --as account).\n"
    "\n"
    "Accounts\n"
    "  register PERSON [--language TAG]     add an account: \"First Last <email>\" or an email\n"
    "Subscriptions (OPS-2; each purchase is a new subscription, ROLE-9)\n"
    "  subscription buy user|shop-floor QUANTITY [--from TIME] [--until TIME]\n"
    "                                       (default term: one year from now)\n"
    "  subscription show NUMBER\n"
    "  subscription set-quantity NUMBER QUANTITY\n"
    "  subscription end NUMBER\n"
    "Hub (OPS-1)\n"
    "  hub create NAME [--trial-days N] [--trial-operators N]\n"
    "                                       without --tenant the tenant is chosen automatically\n"
    "  hub show\n"
    "  hub provision                        end the trial; excess operators are deactivated "
    "(OPS-5)\n"
    "  hub reconcile                        apply the deactivations that time made due\n"
    "  licences                             user and shop-floor licences: total, used, free\n"
    "  admin add|remove EMAIL               name or withdraw an admin of the tenant\n"
    "Users (OPS-2, OPS-7)\n"
    "  user add|deactivate|reactivate EMAIL\n"
    "  access EMAIL                         may this account use the hub now? (exit 5 if not)\n"
    "Operators (OPS-2..OPS-5)\n"
    "  operator add NUMBER NAME...          takes a shop-floor licence (OPS-4)\n"
    "  operator from-user EMAIL NUMBER      takes no licence (OPS-3)\n"
    "  operator list                        every operator of the hub, active or not\n"
    "  operator show NUMBER...\n"
    "  operator deactivate|reactivate NUMBER\n"
    "  operator transfer NUMBER NAME...\n"
    "  production NUMBER [--at TIME]        record a production by the operator (default: now)\n"
    "Payment (OPS-6)\n"
    "  payment late DUE                     a payment due at DUE is late\n"
    "  payment record                       the payment arrived\n"
    "\n"
    "Store\n"
    "  check                               check the whole store against the library's "
    "invariants:\n"
    "                                      prints ok, or the first problem and its rule (exit "
    "6)\n" NOTIFICATIONS_USAGE "\n"
    "Options\n"
    "  --store PATH    journal store (default: $AUTOLIC_STORE, else ./autolic.journal)\n"
    "  --json          print the result as one JSON object\n"
    "  --as EMAIL      the acting account; required by every command that changes state\n"
    "  --tenant EMAIL  the tenant whose hub is meant (default: the --as account)\n"
    "  --at TIME       when the host observed the event (production records)\n"
    "  --help          this text\n"
    "TIME is epoch seconds or ISO 8601 UTC (2025-03-03, 2025-03-03T09:30, 2025-03-03T09:30:00Z).\n"
    "Environment: AUTOLIC_NOW=TIME replaces the system clock (reproducible scripts).\n"
    "\n"
    "Exit codes: 0 ok, 1 other failure, 2 usage, 3 not found or invalid, 4 permission denied,\n"
    "5 refused by a rule (no licence, all operator licences in use, expired), 6 storage.\n";

/* The options of this program (--store and --as are common). */
struct cli_opts {
	const char *tenant_email, *at_text, *from, *until, *language, *trial_days, *trial_operators;
};

/* The hub of the tenant named by --tenant, else of the --as account. */
static int the_hub(cli *c, autolic_id *hub, autolic_id *tenant_out)
{
	const char *email = c->o->tenant_email ? c->o->tenant_email : c->as;
	if (!email)
		return usage_error(
		    "name the hub's tenant with --tenant EMAIL (or act as it with --as)");
	autolic_id tenant;
	int rc = account_id(c, email, &tenant);
	if (rc)
		return rc;
	rc = autolic_ops_hub_find(c->db, tenant, hub);
	if (rc) {
		char what[300];
		snprintf(what, sizeof what, "hub of %s", email);
		return fail(rc, what);
	}
	if (tenant_out)
		*tenant_out = tenant;
	return 0;
}

static int the_operator(cli *c, autolic_id hub, const char *number, autolic_id *op)
{
	int rc = autolic_ops_operator_find(c->db, hub, number, op);
	if (rc) {
		char what[100];
		snprintf(what, sizeof what, "operator %s", number);
		return fail(rc, what);
	}
	return 0;
}

static const char *kind_name(int kind)
{
	return kind == AUTOLIC_OPS_USER         ? "user"
	       : kind == AUTOLIC_OPS_SHOP_FLOOR ? "shop-floor"
	                                        : "?";
}

static const char *reason_text(int reason)
{
	switch (reason) {
	case AUTOLIC_OPS_REASON_NONE:
		return "active";
	case AUTOLIC_OPS_REASON_MANUAL:
		return "deactivated by an administrator";
	case AUTOLIC_OPS_REASON_USER:
		return "OPS-3: the user it was created from is deactivated";
	case AUTOLIC_OPS_REASON_LICENCES:
		return "OPS-5: fewer shop-floor licences than active operators";
	default:
		return "?";
	}
}

/* ---------------------------------------------------------------- commands */

static int cmd_register(cli *c)
{
	if (c->narg != 1)
		return usage_error("register PERSON: give one \"First Last <email>\" or an email");
	char email[AUTOLIC_EMAIL_MAX + 1], first[AUTOLIC_NAME_MAX + 1], last[AUTOLIC_NAME_MAX + 1];
	int rc = autolic_person_parse(c->arg[0], email, first, last);
	if (rc)
		return fail(rc, "register");
	autolic_account_spec spec = AUTOLIC_ACCOUNT_SPEC_INIT;
	spec.email = email;
	spec.first_name = first;
	spec.last_name = last;
	spec.language = c->o->language;
	autolic_id id;
	rc = autolic_account_register(c->db, &spec, &id);
	if (rc)
		return fail(rc, "register");
	say("account %s registered (id %llu)", email, (unsigned long long)id);
	j_int("account", (long long)id);
	j_str("email", email);
	return 0;
}

static void show_subscription(const autolic_ops_subscription_info *s)
{
	char a[32], b[32];
	if (!O.json) {
		emit("subscription %llu: %u %s licences, %s to %s, %s\n",
		     (unsigned long long)s->number, s->quantity, kind_name(s->kind),
		     fmt_time(s->start, a), fmt_time(s->end, b),
		     s->active ? "active" : "not active");
		return;
	}
	obj_begin("subscription", NULL);
	f_int("number", (long long)s->number);
	f_str("kind", kind_name(s->kind));
	f_int("quantity", s->quantity);
	f_time("start", s->start);
	f_time("end", s->end);
	f_bool("active", s->active);
	obj_end();
}

static int cmd_subscription(cli *c, const char *verb)
{
	int rc;
	uint64_t number = 0, quantity = 0, deactivated = 0;
	if (!strcmp(verb, "buy")) {
		if (c->narg != 2 || parse_u64(c->arg[1], &quantity) || quantity == 0 ||
		    quantity > UINT32_MAX)
			return usage_error("subscription buy user|shop-floor QUANTITY");
		int kind = !strcmp(c->arg[0], "user")         ? AUTOLIC_OPS_USER
		           : !strcmp(c->arg[0], "shop-floor") ? AUTOLIC_OPS_SHOP_FLOOR
		                                              : 0;
		if (!kind)
			return usage_error("subscription kind '%s': say user or shop-floor",
			                   c->arg[0]);
		if ((rc = need_actor(c)))
			return rc;
		autolic_ops_subscription_spec spec = AUTOLIC_OPS_SUBSCRIPTION_SPEC_INIT;
		if ((rc = account_id(c, c->o->tenant_email ? c->o->tenant_email : c->as,
		                     &spec.tenant)))
			return rc;
		spec.kind = kind;
		spec.quantity = (uint32_t)quantity;
		spec.start = c->now;
		if (c->o->from && parse_time(c->o->from, &spec.start))
			return usage_error("--from %s: not a time", c->o->from);
		spec.end = spec.start + 365 * 86400LL;
		if (c->o->until && parse_time(c->o->until, &spec.end))
			return usage_error("--until %s: not a time", c->o->until);
		rc = autolic_ops_subscription_buy(c->db, c->actor, &spec, &number);
		if (rc)
			return fail(rc, "subscription buy");
		say("subscription %llu bought", (unsigned long long)number);
	} else {
		if (c->narg < 1 || parse_u64(c->arg[0], &number))
			return usage_error("subscription %s NUMBER", verb);
		if (!strcmp(verb, "set-quantity")) {
			if (c->narg != 2 || parse_u64(c->arg[1], &quantity) ||
			    quantity > UINT32_MAX)
				return usage_error("subscription set-quantity NUMBER QUANTITY");
			if ((rc = need_actor(c)))
				return rc;
			rc = autolic_ops_subscription_set_quantity(
			    c->db, c->actor, number, (uint32_t)quantity, &deactivated);
			if (rc)
				return fail(rc, "subscription set-quantity");
			say("subscription %llu now has %llu licences; %llu operators deactivated",
			    (unsigned long long)number, (unsigned long long)quantity,
			    (unsigned long long)deactivated);
			j_int("deactivated", (long long)deactivated);
		} else if (!strcmp(verb, "end")) {
			if ((rc = need_actor(c)))
				return rc;
			rc = autolic_ops_subscription_end(c->db, c->actor, number, &deactivated);
			if (rc)
				return fail(rc, "subscription end");
			say("subscription %llu ended; %llu operators deactivated",
			    (unsigned long long)number, (unsigned long long)deactivated);
			j_int("deactivated", (long long)deactivated);
		} else if (strcmp(verb, "show")) {
			return usage_error(
			    "subscription %s: unknown (buy, show, set-quantity, end)", verb);
		}
	}
	autolic_ops_subscription_info s = {.version = AUTOLIC_OPS_SUBSCRIPTION_INFO_VERSION};
	rc = autolic_ops_subscription_get(c->db, number, &s);
	if (rc)
		return fail(rc, "subscription show");
	show_subscription(&s);
	return 0;
}

static void show_hub(const autolic_ops_hub_info *h)
{
	static const char *const states[] = {"?", "trial", "trial ended", "provisioned"};
	static const char *const pay[] = {"ok", "late: warning", "late: access blocked"};
	const char *state = states[h->state >= 1 && h->state <= 3 ? h->state : 0];
	const char *payment =
	    pay[h->payment_state >= 0 && h->payment_state <= 2 ? h->payment_state : 0];
	char a[32], b[32];
	if (!O.json) {
		emit("hub %llu '%s': ", (unsigned long long)h->id, h->name);
		if (h->state == AUTOLIC_OPS_HUB_PROVISIONED)
			emit("provisioned since %s", fmt_time(h->provisioned, a));
		else
			emit(
			    "%s until %s (%lld days left), up to %llu licensed operators meanwhile",
			    state, fmt_time(h->trial_end, a), (long long)h->trial_days_left,
			    (unsigned long long)h->trial_operators);
		if (h->payment_state != AUTOLIC_OPS_PAYMENT_OK)
			emit("; payment due %s is %s (blocked from %s, %lld days left)",
			     fmt_time(h->payment_due, a), payment, fmt_time(h->payment_block, b),
			     (long long)h->payment_days_left);
		emit("\n");
		return;
	}
	obj_begin("hub", NULL);
	f_int("id", (long long)h->id);
	f_int("tenant", (long long)h->tenant);
	f_str("name", h->name);
	f_str("state", state);
	f_time("created", h->created);
	f_time("trial_end", h->trial_end);
	f_int("trial_days_left", h->trial_days_left);
	f_int("trial_operators", (long long)h->trial_operators);
	if (h->state == AUTOLIC_OPS_HUB_PROVISIONED)
		f_time("provisioned", h->provisioned);
	f_str("payment", payment);
	if (h->payment_state != AUTOLIC_OPS_PAYMENT_OK) {
		f_time("payment_due", h->payment_due);
		f_time("payment_block", h->payment_block);
		f_int("payment_days_left", h->payment_days_left);
	}
	obj_end();
}

static void show_licences(const autolic_ops_licence_info *l)
{
	if (!O.json) {
		emit("licences: user %llu of %llu used; ", (unsigned long long)l->user_used,
		     (unsigned long long)l->user_total);
		if (l->shop_floor_subscribed)
			emit("shop-floor %llu of %llu used, %llu free\n",
			     (unsigned long long)l->shop_floor_used,
			     (unsigned long long)l->shop_floor_total,
			     (unsigned long long)l->shop_floor_available);
		else
			emit("no shop-floor subscription\n");
		return;
	}
	obj_begin("licences", NULL);
	f_int("user_total", (long long)l->user_total);
	f_int("user_used", (long long)l->user_used);
	f_int("user_available", (long long)l->user_available);
	f_bool("shop_floor_subscribed", l->shop_floor_subscribed);
	f_int("shop_floor_total", (long long)l->shop_floor_total);
	f_int("shop_floor_used", (long long)l->shop_floor_used);
	f_int("shop_floor_available", (long long)l->shop_floor_available);
	obj_end();
}

static int print_licences(cli *c, autolic_id hub)
{
	autolic_ops_licence_info l = {.version = AUTOLIC_OPS_LICENCE_INFO_VERSION};
	int rc = autolic_ops_licences_get(c->db, hub, &l);
	if (rc)
		return fail(rc, "licences");
	show_licences(&l);
	return 0;
}

static int cmd_hub(cli *c, const char *verb)
{
	int rc;
	autolic_id hub = 0;
	uint64_t deactivated = 0;
	if (!strcmp(verb, "create")) {
		char name[AUTOLIC_OPS_HUB_NAME_MAX + 2];
		if (c->narg < 1)
			return usage_error("hub create NAME");
		if ((rc = need_actor(c)))
			return rc;
		autolic_ops_hub_spec spec = AUTOLIC_OPS_HUB_SPEC_INIT;
		spec.name = join_args(c, 0, name, sizeof name);
		if (c->o->tenant_email && (rc = account_id(c, c->o->tenant_email, &spec.tenant)))
			return rc;
		uint64_t v;
		if (c->o->trial_days) {
			if (parse_u64(c->o->trial_days, &v) || v > 366)
				return usage_error("--trial-days %s: a number of days",
				                   c->o->trial_days);
			spec.trial_period = (int64_t)v * 86400;
		}
		if (c->o->trial_operators) {
			if (parse_u64(c->o->trial_operators, &v))
				return usage_error("--trial-operators %s: a number",
				                   c->o->trial_operators);
			spec.trial_operators = v;
		}
		rc = autolic_ops_hub_create(c->db, c->actor, &spec, &hub);
		if (rc)
			return fail(rc, "hub create");
		say("hub created");
	} else {
		if ((rc = the_hub(c, &hub, NULL)))
			return rc;
		if (!strcmp(verb, "provision") || !strcmp(verb, "reconcile")) {
			if ((rc = need_actor(c)))
				return rc;
			int prov = !strcmp(verb, "provision");
			rc = prov ? autolic_ops_hub_provision(c->db, c->actor, hub, &deactivated)
			          : autolic_ops_hub_reconcile(c->db, c->actor, hub, &deactivated);
			if (rc)
				return fail(rc, prov ? "hub provision" : "hub reconcile");
			say("hub %s: %llu operator(s) deactivated",
			    prov ? "provisioned" : "reconciled", (unsigned long long)deactivated);
			j_int("deactivated", (long long)deactivated);
		} else if (strcmp(verb, "show")) {
			return usage_error("hub %s: unknown (create, show, provision, reconcile)",
			                   verb);
		}
	}
	autolic_ops_hub_info h = {.version = AUTOLIC_OPS_HUB_INFO_VERSION};
	if ((rc = autolic_ops_hub_get(c->db, hub, &h)))
		return fail(rc, "hub show");
	show_hub(&h);
	return print_licences(c, hub);
}

static int cmd_licences(cli *c)
{
	autolic_id hub;
	int rc = the_hub(c, &hub, NULL);
	return rc ? rc : print_licences(c, hub);
}

static int cmd_admin(cli *c, const char *verb)
{
	int rc;
	autolic_id tenant, account;
	if (c->narg != 1)
		return usage_error("admin add|remove EMAIL");
	if ((rc = need_actor(c)))
		return rc;
	if ((rc = account_id(c, c->o->tenant_email ? c->o->tenant_email : c->as, &tenant)) ||
	    (rc = account_id(c, c->arg[0], &account)))
		return rc;
	if (!strcmp(verb, "add"))
		rc = autolic_ops_admin_add(c->db, c->actor, tenant, account);
	else if (!strcmp(verb, "remove"))
		rc = autolic_ops_admin_remove(c->db, c->actor, tenant, account);
	else
		return usage_error("admin %s: unknown (add, remove)", verb);
	if (rc)
		return fail(rc, "admin");
	say("%s %s as an admin", c->arg[0], !strcmp(verb, "add") ? "named" : "withdrawn");
	return 0;
}

static int cmd_user(cli *c, const char *verb)
{
	int rc;
	autolic_id hub, account;
	if (c->narg != 1)
		return usage_error("user add|deactivate|reactivate EMAIL");
	if ((rc = need_actor(c)) || (rc = the_hub(c, &hub, NULL)) ||
	    (rc = account_id(c, c->arg[0], &account)))
		return rc;
	if (!strcmp(verb, "add"))
		rc = autolic_ops_user_add(c->db, c->actor, hub, account);
	else if (!strcmp(verb, "deactivate"))
		rc = autolic_ops_user_deactivate(c->db, c->actor, hub, account);
	else if (!strcmp(verb, "reactivate"))
		rc = autolic_ops_user_reactivate(c->db, c->actor, hub, account);
	else
		return usage_error("user %s: unknown (add, deactivate, reactivate)", verb);
	if (rc)
		return fail(rc, "user");
	say("user %s: %s done", c->arg[0], verb);
	return 0;
}

static int cmd_access(cli *c)
{
	int rc;
	autolic_id hub, account;
	if (c->narg != 1)
		return usage_error("access EMAIL");
	if ((rc = the_hub(c, &hub, NULL)) || (rc = account_id(c, c->arg[0], &account)))
		return rc;
	rc = autolic_ops_access_check(c->db, hub, account);
	if (rc)
		return fail(rc, "access");
	say("%s may use the hub", c->arg[0]);
	if (O.json)
		f_bool("access", 1);
	return 0;
}

static void print_operator(const autolic_ops_operator_info *op)
{
	const autolic_ops_operator_info o = *op;
	char a[32], b[32];
	if (!O.json) {
		emit("%-8s %-20s %-12s", o.number, o.name, o.active ? "active" : "DEACTIVATED");
		if (o.has_production)
			emit(" last production %s (%llu record%s)", fmt_time(o.last_production, a),
			     (unsigned long long)o.production_count,
			     o.production_count == 1 ? "" : "s");
		else
			emit(" no production record");
		if (o.user)
			emit("; made from a user, takes no licence (OPS-3)");
		if (!o.active)
			emit("; since %s: %s", fmt_time(o.deactivated, b), reason_text(o.reason));
		emit("\n");
		return;
	}
	obj_begin(NULL, NULL);
	f_int("id", (long long)o.id);
	f_int("hub", (long long)o.hub);
	f_str("number", o.number);
	f_str("name", o.name);
	f_int("user", (long long)o.user);
	f_bool("active", o.active);
	f_int("reason", o.reason);
	f_str("status", reason_text(o.reason));
	if (!o.active)
		f_time("deactivated", o.deactivated);
	f_time("created", o.created);
	f_bool("has_production", o.has_production);
	if (o.has_production)
		f_time("last_production", o.last_production);
	f_int("production_count", (long long)o.production_count);
	obj_end();
}

static int show_operator(cli *c, autolic_id op)
{
	autolic_ops_operator_info o = {.version = AUTOLIC_OPS_OPERATOR_INFO_VERSION};
	int rc = autolic_ops_operator_get(c->db, op, &o);
	if (rc)
		return fail(rc, "operator show");
	print_operator(&o);
	return 0;
}

/* Every operator of the hub, from one snapshot (autolic_ops_operator_iter_*). */
static int list_operators(cli *c, autolic_id hub)
{
	autolic_ops_operator_iter *it;
	int rc = autolic_ops_operator_iter_new(c->db, hub, &it);
	if (rc)
		return fail(rc, "operator list");
	autolic_ops_operator_info o = {.version = AUTOLIC_OPS_OPERATOR_INFO_VERSION};
	arr_begin("operators");
	while ((rc = autolic_ops_operator_iter_next(it, &o)) == 0)
		print_operator(&o);
	arr_end();
	autolic_ops_operator_iter_free(it);
	return rc == AUTOLIC_ITEROVER ? 0 : fail(rc, "operator list");
}

static int cmd_operator(cli *c, const char *verb)
{
	int rc;
	autolic_id hub, op = 0;
	char name[AUTOLIC_OPS_OPERATOR_NAME_MAX + 2];
	if (strcmp(verb, "show") && strcmp(verb, "list") && (rc = need_actor(c)))
		return rc;
	if ((rc = the_hub(c, &hub, NULL)))
		return rc;
	if (!strcmp(verb, "list"))
		return c->narg ? usage_error("operator list (no arguments)")
		               : list_operators(c, hub);
	if (!strcmp(verb, "show")) {
		if (c->narg < 1)
			return usage_error("operator show NUMBER...");
		arr_begin("operators");
		for (int i = 0; i < c->narg; i++) {
			if ((rc = the_operator(c, hub, c->arg[i], &op)) ||
			    (rc = show_operator(c, op)))
				return rc;
		}
		arr_end();
		return 0;
	}
	if (!strcmp(verb, "add")) {
		if (c->narg < 2)
			return usage_error("operator add NUMBER NAME...");
		autolic_ops_operator_spec spec = AUTOLIC_OPS_OPERATOR_SPEC_INIT;
		spec.number = c->arg[0];
		spec.name = join_args(c, 1, name, sizeof name);
		if ((rc = autolic_ops_operator_add(c->db, c->actor, hub, &spec, &op)))
			return fail(rc, "operator add");
		say("operator added; it takes a shop-floor licence (OPS-2)");
	} else if (!strcmp(verb, "from-user")) {
		autolic_id account;
		if (c->narg != 2)
			return usage_error("operator from-user EMAIL NUMBER");
		if ((rc = account_id(c, c->arg[0], &account)))
			return rc;
		rc = autolic_ops_operator_from_user(c->db, c->actor, hub, account, c->arg[1], &op);
		if (rc)
			return fail(rc, "operator from-user");
		say("operator created from user %s; it takes no shop-floor licence (OPS-3)",
		    c->arg[0]);
	} else if (!strcmp(verb, "deactivate") || !strcmp(verb, "reactivate")) {
		if (c->narg != 1)
			return usage_error("operator %s NUMBER", verb);
		if ((rc = the_operator(c, hub, c->arg[0], &op)))
			return rc;
		rc = verb[0] == 'd' ? autolic_ops_operator_deactivate(c->db, c->actor, op)
		                    : autolic_ops_operator_reactivate(c->db, c->actor, op);
		if (rc)
			return fail(rc,
			            verb[0] == 'd' ? "operator deactivate" : "operator reactivate");
		say("operator %s %sd", c->arg[0], verb);
	} else if (!strcmp(verb, "transfer")) {
		if (c->narg < 2)
			return usage_error("operator transfer NUMBER NAME...");
		if ((rc = the_operator(c, hub, c->arg[0], &op)))
			return rc;
		rc = autolic_ops_operator_transfer(c->db, c->actor, op,
		                                   join_args(c, 1, name, sizeof name));
		if (rc)
			return fail(rc, "operator transfer");
		say("operator %s transferred to '%s'", c->arg[0], name);
	} else {
		return usage_error("operator %s: unknown (add, from-user, list, show, deactivate, "
		                   "reactivate, transfer)",
		                   verb);
	}
	arr_begin("operators");
	rc = show_operator(c, op);
	arr_end();
	if (rc == 0)
		rc = print_licences(c, hub);
	return rc;
}

static int cmd_production(cli *c)
{
	int rc;
	autolic_id hub, op;
	if (c->narg != 1)
		return usage_error("production NUMBER [--at TIME]");
	if ((rc = need_actor(c)) || (rc = the_hub(c, &hub, NULL)) ||
	    (rc = the_operator(c, hub, c->arg[0], &op)))
		return rc;
	autolic_time at = c->now;
	if (c->o->at_text && parse_time(c->o->at_text, &at))
		return usage_error("--at %s: not a time", c->o->at_text);
	if ((rc = autolic_ops_operator_record_production(c->db, c->actor, op, at)))
		return fail(rc, "production");
	char buf[32];
	say("production recorded at %s", fmt_time(at, buf));
	arr_begin("operators");
	rc = show_operator(c, op);
	arr_end();
	return rc;
}

static int cmd_payment(cli *c, const char *verb)
{
	int rc;
	autolic_id hub;
	if ((rc = need_actor(c)) || (rc = the_hub(c, &hub, NULL)))
		return rc;
	if (!strcmp(verb, "late")) {
		autolic_time due;
		if (c->narg != 1 || parse_time(c->arg[0], &due))
			return usage_error("payment late DUE (a time)");
		if ((rc = autolic_ops_payment_late(c->db, c->actor, hub, due)))
			return fail(rc, "payment late");
		say("payment recorded as late");
	} else if (!strcmp(verb, "record")) {
		if ((rc = autolic_ops_payment_record(c->db, c->actor, hub)))
			return fail(rc, "payment record");
		say("payment recorded");
	} else {
		return usage_error("payment %s: unknown (late, record)", verb);
	}
	autolic_ops_hub_info h = {.version = AUTOLIC_OPS_HUB_INFO_VERSION};
	if ((rc = autolic_ops_hub_get(c->db, hub, &h)))
		return fail(rc, "hub show");
	show_hub(&h);
	return 0;
}

/* ---------------------------------------------------------------- main */

static const cli_command commands[] = {
    {"check", 0, NULL, cmd_check, "*"},
    {"notifications", 1, cmd_notifications, NULL, "list"},
    {"register", 0, NULL, cmd_register, ""},
    {"subscription", 1, cmd_subscription, NULL, "show"},
    {"hub", 1, cmd_hub, NULL, "show"},
    {"licences", 0, NULL, cmd_licences, "*"},
    {"admin", 1, cmd_admin, NULL, ""},
    {"user", 1, cmd_user, NULL, ""},
    {"access", 0, NULL, cmd_access, "*"},
    {"operator", 1, cmd_operator, NULL, "show"},
    {"production", 0, NULL, cmd_production, ""},
    {"payment", 1, cmd_payment, NULL, ""},
};

/* Options; those without a value (flags) receive "1". */
static const cli_option options[] = {
    {"--tenant", offsetof(struct cli_opts, tenant_email), 1},
    {"--at", offsetof(struct cli_opts, at_text), 1},
    {"--from", offsetof(struct cli_opts, from), 1},
    {"--until", offsetof(struct cli_opts, until), 1},
    {"--language", offsetof(struct cli_opts, language), 1},
    {"--trial-days", offsetof(struct cli_opts, trial_days), 1},
    {"--trial-operators", offsetof(struct cli_opts, trial_operators), 1},
};

int main(int argc, char **argv)
{
	static struct cli_opts o;
	static const cli_program p = {"autolic_ops",       usage_text, commands,
	                              CLI_COUNT(commands), options,    CLI_COUNT(options)};
	return cli_main(&p, &o, argc, argv);
}
