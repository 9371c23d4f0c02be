/*
 * autolic_admin — administration from the command line: accounts and
 * invitations, contracts and their roles, seats, and bulk imports
 * (ACCT-1..5, ROLE-1..9, SEAT-1..5).
 *
 * An example program for libautolic: copy it with common.c and common.h,
 * build it with
 *     cc -o autolic_admin autolic_admin.c common.c $(pkg-config --cflags --libs autolic)
 * and run `autolic_admin --help`. The state lives in a journal store (a file).
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
    "usage: autolic_admin [--store PATH] [--json] [--as EMAIL] <command> [args]\n"
    "\n"
    "Administration: accounts, contracts and roles, seats, imports.\n"
    "A contract is named by its number (as printed by `contract buy`); a team by\n"
    "--team ID or by one of its contracts with --contract NUMBER.\n"
    "\n"
    "Accounts (ACCT-1..ACCT-5)\n"
    "  register PERSON [--language TAG]    a person signs in: \"First Last <email>\" or an email\n"
    "  account show EMAIL\n"
    "  account list [--team ID | --contract NUMBER]\n"
    "  account edit [--first NAME] [--last NAME] [--email EMAIL] [--language TAG]\n"
    "                                      edit your own details (the --as account)\n"
    "  account accept                      the --as account accepts its invitation\n"
    "  account resend EMAIL                send an invitation again (7 more days)\n"
    "  account remove EMAIL                remove a user; frees every seat they held (SEAT-4)\n"
    "  invite PERSON... (--team ID | --contract NUMBER)\n"
    "                                      add people one by one; new people are invited\n"
    "  import FILE [--format csv|list] (--team ID | --contract NUMBER)\n"
    "                                      add people in bulk, all or nothing (\"-\" reads stdin)\n"
    "Contracts and roles (ROLE-1..ROLE-9)\n"
    "  contract buy PRODUCT=SEATS... [--from TIME] [--until TIME] [--auto-renew] [--team ID]\n"
    "                                      the buyer becomes contract manager (default term: 1 "
    "year)\n"
    "  contract show NUMBER                roles, term, products, serials and seats\n"
    "  contract list [--team ID]\n"
    "  contract members NUMBER\n"
    "  contract coordinator SERIAL CURRENT-EMAIL NEW-PERSON\n"
    "                                      assign the software coordinator (ROLE-4)\n"
    "  contract manager NUMBER EMAIL       hand the contract, and the team, over (ROLE-3, SEAM-2)\n"
    "  contract auto-renew NUMBER on|off\n"
    "  contract renew NUMBER UNTIL         extend the term\n"
    "Seats (SEAT-1..SEAT-5)\n"
    "  seat grant NUMBER PRODUCT EMAIL...  one by one, each user notified; stops at a refusal\n"
    "  seat revoke NUMBER PRODUCT EMAIL\n"
    "  seat list NUMBER [PRODUCT]          seats bought, granted, available (and who holds them)\n"
    "  seat user EMAIL                     the seats a user holds\n"
    "  seat import NUMBER FILE             lines \"email,product\": all or nothing, no "
    "notification\n"
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
    "  --help          this text\n"
    "TIME is epoch seconds or ISO 8601 UTC (2025-03-03, 2025-03-03T09:30, 2025-03-03T09:30:00Z).\n"
    "Environment: AUTOLIC_NOW=TIME replaces the system clock (reproducible scripts).\n"
    "\n"
    "Exit codes: 0 ok, 1 other failure, 2 usage, 3 not found or invalid, 4 permission denied,\n"
    "5 refused by a rule (all seats in use, invitation expired), 6 storage.\n";

/* The options of this program (--store and --as are common). */
struct cli_opts {
	const char *team_text, *contract_text, *from, *until, *language, *auto_renew, *format,
	    *first, *last, *email;
};

/* ---------------------------------------------------------------- lookups */

/* The team named by --team or --contract. */
static int the_team(cli *c, autolic_id *team, int required)
{
	return team_named(c, c->o->team_text, c->o->contract_text, team, required);
}

static const char *state_name(int state)
{
	switch (state) {
	case AUTOLIC_ACCOUNT_INVITED:
		return "invited";
	case AUTOLIC_ACCOUNT_ACTIVE:
		return "active";
	case AUTOLIC_ACCOUNT_EXPIRED:
		return "invitation expired";
	case AUTOLIC_ACCOUNT_REMOVED:
		return "removed";
	default:
		return "?";
	}
}

/* An account's email, or "#id" when it cannot be read. */
static const char *email_of(cli *c, autolic_id id, char *buf, size_t len)
{
	autolic_account_info a = {.version = AUTOLIC_ACCOUNT_INFO_VERSION};
	if (id == 0)
		snprintf(buf, len, "-");
	else if (autolic_account_get(c->db, id, &a) == 0)
		snprintf(buf, len, "%s", a.email);
	else
		snprintf(buf, len, "#%llu", (unsigned long long)id);
	return buf;
}

/* ---------------------------------------------------------------- accounts */

static void print_account(const autolic_account_info *a, int brief)
{
	char t[32], name[2 * AUTOLIC_NAME_MAX + 2];
	snprintf(name, sizeof name, "%s%s%s", a->first_name,
	         a->first_name[0] && a->last_name[0] ? " " : "", a->last_name);
	if (!O.json) {
		emit("%-36s %-24s %s", a->email, name, state_name(a->state));
		if (a->state == AUTOLIC_ACCOUNT_INVITED || a->state == AUTOLIC_ACCOUNT_EXPIRED)
			emit(" (invitation %s %s)",
			     a->state == AUTOLIC_ACCOUNT_INVITED ? "valid until" : "expired",
			     fmt_time(a->invitation_expires, t));
		if (!brief)
			emit("; id %llu, language %s, since %s", (unsigned long long)a->id,
			     a->language, fmt_time(a->created, t));
		emit("\n");
		return;
	}
	obj_begin(NULL, NULL);
	f_int("id", (long long)a->id);
	f_str("email", a->email);
	f_str("first_name", a->first_name);
	f_str("last_name", a->last_name);
	f_str("language", a->language);
	f_str("state", state_name(a->state));
	f_time("created", a->created);
	if (a->invitation_expires)
		f_time("invitation_expires", a->invitation_expires);
	f_int("invited_by", (long long)a->invited_by);
	obj_end();
}

static int print_account_id(cli *c, autolic_id id, int brief)
{
	autolic_account_info a = {.version = AUTOLIC_ACCOUNT_INFO_VERSION};
	int rc = autolic_account_get(c->db, id, &a);
	if (rc)
		return fail(rc, "account");
	print_account(&a, brief);
	return 0;
}

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
	if ((rc = autolic_account_register(c->db, &spec, &id)))
		return fail(rc, "register");
	say("account registered");
	arr_begin("accounts");
	rc = print_account_id(c, id, 1);
	arr_end();
	return rc;
}

static int cmd_account(cli *c, const char *verb)
{
	int rc;
	autolic_id id;
	if (!strcmp(verb, "show")) {
		if (c->narg < 1)
			return usage_error("account show EMAIL...");
		arr_begin("accounts");
		for (int i = 0; i < c->narg; i++)
			if ((rc = account_id(c, c->arg[i], &id)) ||
			    (rc = print_account_id(c, id, 0)))
				return rc;
		arr_end();
		return 0;
	}
	if (!strcmp(verb, "list")) {
		autolic_id team;
		autolic_account_iter *it;
		autolic_account_info a = {.version = AUTOLIC_ACCOUNT_INFO_VERSION};
		if (c->narg != 0)
			return usage_error("account list [--team ID | --contract NUMBER]");
		if ((rc = the_team(c, &team, 0)))
			return rc;
		if ((rc = autolic_account_iter_new(c->db, team, &it)))
			return fail(rc, "account list");
		arr_begin("accounts");
		while ((rc = autolic_account_iter_next(it, &a)) == 0)
			print_account(&a, 1);
		arr_end();
		autolic_account_iter_free(it);
		return rc == AUTOLIC_ITEROVER ? 0 : fail(rc, "account list");
	}
	if ((rc = need_actor(c)))
		return rc;
	if (!strcmp(verb, "edit")) {
		autolic_account_spec spec = AUTOLIC_ACCOUNT_SPEC_INIT;
		spec.email = c->o->email;
		spec.first_name = c->o->first;
		spec.last_name = c->o->last;
		spec.language = c->o->language;
		if (c->narg != 0 ||
		    (!c->o->email && !c->o->first && !c->o->last && !c->o->language))
			return usage_error("account edit [--first NAME] [--last NAME] [--email "
			                   "EMAIL] [--language TAG]");
		if ((rc = autolic_account_update(c->db, c->actor, c->actor, &spec)))
			return fail(rc, "account edit");
		say("details updated");
		id = c->actor;
	} else if (!strcmp(verb, "accept")) {
		if (c->narg != 0)
			return usage_error(
			    "account accept: the --as account accepts its own invitation");
		if ((rc = autolic_account_accept(c->db, c->actor)))
			return fail(rc, "account accept");
		say("invitation accepted");
		id = c->actor;
	} else if (!strcmp(verb, "resend") || !strcmp(verb, "remove")) {
		if (c->narg != 1)
			return usage_error("account %s EMAIL", verb);
		if ((rc = account_id(c, c->arg[0], &id)))
			return rc;
		int resend = !strcmp(verb, "resend");
		rc = resend ? autolic_account_resend(c->db, c->actor, id)
		            : autolic_account_remove(c->db, c->actor, id);
		if (rc)
			return fail(rc, resend ? "account resend" : "account remove");
		say(resend ? "invitation sent again"
		           : "account removed; every seat it held is free (SEAT-4)");
	} else {
		return usage_error("account %s: unknown (show, list, edit, accept, resend, remove)",
		                   verb);
	}
	arr_begin("accounts");
	rc = print_account_id(c, id, 1);
	arr_end();
	return rc;
}

static int cmd_invite(cli *c)
{
	int rc;
	autolic_id team, id;
	if (c->narg < 1)
		return usage_error("invite PERSON... (--team ID | --contract NUMBER)");
	if ((rc = need_actor(c)) || (rc = the_team(c, &team, 1)))
		return rc;
	arr_begin("accounts");
	for (int i = 0; i < c->narg; i++) {
		if ((rc = autolic_account_invite_text(c->db, c->actor, team, c->arg[i], &id)))
			return fail(rc, c->arg[i]);
		if ((rc = print_account_id(c, id, 1)))
			return rc;
	}
	arr_end();
	return 0;
}

/* Read a whole file ("-": stdin) into a NUL-terminated buffer. */
static char *read_file(const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f)
		return NULL;
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	while (buf) {
		size_t n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
		if (n == 0)
			break;
		if (cap - len - 1 == 0) {
			char *p = realloc(buf, cap * 2);
			if (!p) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = p;
			cap *= 2;
		}
	}
	if (buf)
		buf[len] = '\0';
	if (f != stdin)
		fclose(f);
	return buf;
}

/* Rejected lines of an import, reported after the call. */
typedef struct rejected {
	size_t line;
	char reason[256];
} rejected;

typedef struct rejections {
	rejected *v;
	size_t n;
} rejections;

static void on_rejected(size_t line, const char *reason, void *ctx)
{
	rejections *r = ctx;
	rejected *grown = realloc(r->v, (r->n + 1) * sizeof *r->v);
	if (!grown)
		return;
	r->v = grown;
	r->v[r->n].line = line;
	snprintf(r->v[r->n].reason, sizeof r->v[r->n].reason, "%s", reason);
	r->n++;
}

/* ACCT-5: every rejected line with its reason (on stderr, or in the JSON error). */
static void print_rejections(const rejections *r)
{
	if (O.json) {
		arr_begin("rejected");
		for (size_t i = 0; i < r->n; i++) {
			obj_begin(NULL, NULL);
			f_int("line", (long long)r->v[i].line);
			f_str("reason", r->v[i].reason);
			obj_end();
		}
		arr_end();
	} else {
		for (size_t i = 0; i < r->n; i++)
			fprintf(stderr, "  line %zu refused: %s\n", r->v[i].line, r->v[i].reason);
	}
}

static int cmd_import(cli *c)
{
	int rc;
	autolic_id team = 0;
	if (c->narg != 1)
		return usage_error(
		    "import FILE [--format csv|list] (--team ID | --contract NUMBER)");
	const char *fmt = c->o->format;
	if (!fmt) {
		size_t n = strlen(c->arg[0]);
		fmt = n > 4 && !strcmp(c->arg[0] + n - 4, ".csv") ? "csv" : "list";
	}
	int format = !strcmp(fmt, "csv")    ? AUTOLIC_IMPORT_CSV
	             : !strcmp(fmt, "list") ? AUTOLIC_IMPORT_LIST
	                                    : 0;
	if (!format)
		return usage_error("--format %s: csv or list", fmt);
	if ((rc = need_actor(c)) || (rc = the_team(c, &team, 1)))
		return rc;
	char *text = read_file(c->arg[0]);
	if (!text) {
		fprintf(stderr, "%s: %s: %s\n", prog, c->arg[0], strerror(errno));
		return EXIT_INVALID;
	}
	rejections r = {NULL, 0};
	size_t added = 0;
	rc = autolic_account_import(c->db, c->actor, team, text, format, on_rejected, &r, &added);
	free(text);
	if (rc) {
		/* ACCT-5: all or nothing; every rejected line is told with its reason. */
		char msg[1024];
		snprintf(msg, sizeof msg, "%s", autolic_errmsg());
		int code = fail(rc, "import");
		if (O.json)
			json_error_begin(rc, code, "import", msg);
		print_rejections(&r);
		if (O.json)
			json_error_end();
		free(r.v);
		return code;
	}
	free(r.v);
	say("%zu people added to team %llu", added, (unsigned long long)team);
	j_int("added", (long long)added);
	return 0;
}

/* ---------------------------------------------------------------- contracts */

static const char *status_name(int status)
{
	switch (status) {
	case AUTOLIC_CONTRACT_PENDING:
		return "not started";
	case AUTOLIC_CONTRACT_ACTIVE:
		return "active";
	case AUTOLIC_CONTRACT_EXPIRED:
		return "ended";
	default:
		return "?";
	}
}

/* A contract: its roles and term; with `products`, each product's serial
 * (when the actor may see it, ROLE-6) and seats (SEAT-2). */
static int print_contract(cli *c, autolic_id contract, int products)
{
	autolic_contract_info ci = {.version = AUTOLIC_CONTRACT_INFO_VERSION};
	int rc = autolic_contract_get(c->db, contract, &ci);
	if (rc)
		return fail(rc, "contract");
	char m[AUTOLIC_EMAIL_MAX + 2], s[AUTOLIC_EMAIL_MAX + 2], a[32], b[32];
	email_of(c, ci.manager, m, sizeof m);
	email_of(c, ci.coordinator, s, sizeof s);
	if (O.json) {
		obj_begin(NULL, NULL);
		f_int("id", (long long)ci.id);
		f_str("number", ci.number);
		f_int("team", (long long)ci.team);
		f_str("manager", m);
		f_str("coordinator", s);
		f_time("start", ci.start);
		f_time("end", ci.end);
		f_bool("auto_renew", ci.auto_renew);
		f_str("status", status_name(ci.status));
	} else {
		emit("contract %s (team %llu): %s, %s to %s%s\n", ci.number,
		     (unsigned long long)ci.team, status_name(ci.status), fmt_time(ci.start, a),
		     fmt_time(ci.end, b), ci.auto_renew ? ", automatic renewal on" : "");
		emit("  contract manager      %s\n  software coordinator  %s\n", m, s);
	}
	if (products) {
		autolic_seat_summary_iter *it;
		autolic_seat_summary sm = {.version = AUTOLIC_SEAT_SUMMARY_VERSION};
		if ((rc = autolic_seat_contract_summary(c->db, contract, &it)))
			return fail(rc, "seats");
		arr_begin("products");
		while ((rc = autolic_seat_summary_iter_next(it, &sm)) == 0) {
			autolic_contract_product_info pi = {
			    .version = AUTOLIC_CONTRACT_PRODUCT_INFO_VERSION};
			const char *serial = "(hidden: ROLE-6)";
			if (c->actor && autolic_contract_product_get(c->db, c->actor, contract,
			                                             sm.product, &pi) == 0)
				serial = pi.serial;
			if (O.json) {
				obj_begin(NULL, NULL);
				f_str("product", sm.product);
				f_str("serial", serial);
				f_int("quantity", sm.quantity);
				f_int("granted", sm.granted);
				f_int("available", sm.available);
				obj_end();
			} else {
				emit("  %-16s serial %-16s seats %u, granted %u, available %u\n",
				     sm.product, serial, sm.quantity, sm.granted, sm.available);
			}
		}
		arr_end();
		autolic_seat_summary_iter_free(it);
		if (rc != AUTOLIC_ITEROVER)
			return fail(rc, "seats");
	}
	if (O.json)
		obj_end();
	return 0;
}

static int contract_buy(cli *c)
{
	int rc;
	autolic_contract_product_spec ps[AUTOLIC_CONTRACT_PRODUCTS_MAX];
	char codes[AUTOLIC_CONTRACT_PRODUCTS_MAX][AUTOLIC_PRODUCT_MAX + 1];
	if (c->narg < 1 || c->narg > AUTOLIC_CONTRACT_PRODUCTS_MAX)
		return usage_error("contract buy PRODUCT=SEATS... (for example autocad=5 revit=2)");
	for (int i = 0; i < c->narg; i++) {
		const char *eq = strchr(c->arg[i], '=');
		uint64_t q;
		if (!eq || eq == c->arg[i] || (size_t)(eq - c->arg[i]) > AUTOLIC_PRODUCT_MAX ||
		    parse_u64(eq + 1, &q) || q > UINT32_MAX)
			return usage_error("'%s': write PRODUCT=SEATS, for example autocad=5",
			                   c->arg[i]);
		snprintf(codes[i], sizeof codes[i], "%.*s", (int)(eq - c->arg[i]), c->arg[i]);
		autolic_contract_product_spec p = AUTOLIC_CONTRACT_PRODUCT_SPEC_INIT;
		p.product = codes[i];
		p.quantity = (uint32_t)q;
		ps[i] = p;
	}
	if ((rc = need_actor(c)))
		return rc;
	autolic_contract_spec spec = AUTOLIC_CONTRACT_SPEC_INIT;
	if ((rc = the_team(c, &spec.team, 0)))
		return rc;
	spec.products = ps;
	spec.nproducts = (size_t)c->narg;
	spec.start = c->now;
	if (c->o->from && parse_time(c->o->from, &spec.start))
		return usage_error("--from %s: not a time", c->o->from);
	spec.end = spec.start + 365 * 86400LL;
	if (c->o->until && parse_time(c->o->until, &spec.end))
		return usage_error("--until %s: not a time", c->o->until);
	spec.auto_renew = c->o->auto_renew != NULL;
	autolic_id id;
	if ((rc = autolic_contract_buy(c->db, c->actor, &spec, &id)))
		return fail(rc, "contract buy");
	say("contract bought; %s is its contract manager (ROLE-2)", c->as);
	arr_begin("contracts");
	rc = print_contract(c, id, 1);
	arr_end();
	return rc;
}

static int contract_members(cli *c, autolic_id contract)
{
	autolic_contract_member_iter *it;
	autolic_contract_member mb = {.version = AUTOLIC_CONTRACT_MEMBER_VERSION};
	int rc = autolic_contract_member_iter_new(c->db, contract, &it);
	if (rc)
		return fail(rc, "contract members");
	arr_begin("members");
	while ((rc = autolic_contract_member_iter_next(it, &mb)) == 0) {
		char e[AUTOLIC_EMAIL_MAX + 2], roles[80] = "";
		email_of(c, mb.account, e, sizeof e);
		if (mb.roles & AUTOLIC_CONTRACT_ROLE_MANAGER)
			strcat(roles, "contract manager, ");
		if (mb.roles & AUTOLIC_CONTRACT_ROLE_COORDINATOR)
			strcat(roles, "software coordinator, ");
		if (mb.roles & AUTOLIC_CONTRACT_ROLE_USER)
			strcat(roles, "user, ");
		if (*roles)
			roles[strlen(roles) - 2] = '\0';
		if (O.json) {
			obj_begin(NULL, NULL);
			f_int("account", (long long)mb.account);
			f_str("email", e);
			f_str("roles", roles);
			f_str("state", state_name(mb.state));
			obj_end();
		} else {
			emit("  %-36s %-40s %s\n", e, roles, state_name(mb.state));
		}
	}
	arr_end();
	autolic_contract_member_iter_free(it);
	return rc == AUTOLIC_ITEROVER ? 0 : fail(rc, "contract members");
}

static int cmd_contract(cli *c, const char *verb)
{
	int rc;
	autolic_id contract;
	if (!strcmp(verb, "buy"))
		return contract_buy(c);
	if (!strcmp(verb, "list")) {
		autolic_id team;
		autolic_contract_iter *it;
		autolic_contract_info ci = {.version = AUTOLIC_CONTRACT_INFO_VERSION};
		if ((rc = the_team(c, &team, 0)))
			return rc;
		if ((rc = autolic_contract_iter_new(c->db, team, &it)))
			return fail(rc, "contract list");
		arr_begin("contracts");
		while ((rc = autolic_contract_iter_next(it, &ci)) == 0)
			if ((rc = print_contract(c, ci.id, 0)))
				break;
		arr_end();
		autolic_contract_iter_free(it);
		return rc == AUTOLIC_ITEROVER ? 0 : rc > 0 ? rc : fail(rc, "contract list");
	}
	if (!strcmp(verb, "coordinator")) {
		char person[600];
		if (c->narg < 3)
			return usage_error("contract coordinator SERIAL CURRENT-EMAIL NEW-PERSON");
		if ((rc = need_actor(c)))
			return rc;
		join_args(c, 2, person, sizeof person);
		rc = autolic_contract_assign_coordinator(c->db, c->actor, c->arg[0], c->arg[1],
		                                         person);
		if (rc)
			return fail(rc, "contract coordinator");
		say("software coordinator of the contract with serial %s is now %s (ROLE-4)",
		    c->arg[0], person);
		return 0;
	}
	if (c->narg < 1)
		return usage_error("contract %s NUMBER", verb);
	if ((rc = the_contract(c, c->arg[0], &contract)))
		return rc;
	if (!strcmp(verb, "show")) {
		arr_begin("contracts");
		rc = print_contract(c, contract, 1);
		arr_end();
		return rc;
	}
	if (!strcmp(verb, "members"))
		return contract_members(c, contract);
	if ((rc = need_actor(c)))
		return rc;
	if (!strcmp(verb, "manager")) {
		autolic_id to;
		if (c->narg != 2)
			return usage_error("contract manager NUMBER EMAIL");
		if ((rc = account_id(c, c->arg[1], &to)))
			return rc;
		if ((rc = autolic_contract_transfer_manager(c->db, c->actor, contract, to)))
			return fail(rc, "contract manager");
		say("%s is now the contract manager and the team's primary administrator (ROLE-3, "
		    "SEAM-2)",
		    c->arg[1]);
	} else if (!strcmp(verb, "auto-renew")) {
		if (c->narg != 2 || (strcmp(c->arg[1], "on") && strcmp(c->arg[1], "off")))
			return usage_error("contract auto-renew NUMBER on|off");
		rc = autolic_contract_set_auto_renew(c->db, c->actor, contract,
		                                     !strcmp(c->arg[1], "on"));
		if (rc)
			return fail(rc, "contract auto-renew");
		say("automatic renewal %s", c->arg[1]);
	} else if (!strcmp(verb, "renew")) {
		autolic_time until;
		if (c->narg != 2 || parse_time(c->arg[1], &until))
			return usage_error("contract renew NUMBER UNTIL (a time)");
		if ((rc = autolic_contract_renew(c->db, c->actor, contract, until)))
			return fail(rc, "contract renew");
		say("term extended");
	} else {
		return usage_error("contract %s: unknown (buy, show, list, members, coordinator, "
		                   "manager, auto-renew, renew)",
		                   verb);
	}
	arr_begin("contracts");
	rc = print_contract(c, contract, 0);
	arr_end();
	return rc;
}

/* ---------------------------------------------------------------- seats */

static int print_seat_summary(cli *c, autolic_id contract, const char *product)
{
	autolic_seat_summary sm = {.version = AUTOLIC_SEAT_SUMMARY_VERSION};
	int rc = autolic_seat_summary_get(c->db, contract, product, &sm);
	if (rc)
		return fail(rc, "seats");
	if (O.json) {
		obj_begin("seats", NULL);
		f_str("product", sm.product);
		f_int("quantity", sm.quantity);
		f_int("granted", sm.granted);
		f_int("available", sm.available);
		f_bool("active", sm.active);
		obj_end();
	} else {
		emit("%s: %u of %u seats granted, %u available\n", sm.product, sm.granted,
		     sm.quantity, sm.available);
	}
	return 0;
}

static void print_seat(cli *c, const autolic_seat_entry *e, int by_user)
{
	static const char *const origins[] = {"?", "granted", "access edited", "imported"};
	const char *origin = origins[e->origin >= 1 && e->origin <= 3 ? e->origin : 0];
	char who[AUTOLIC_EMAIL_MAX + 2], t[32];
	email_of(c, e->user, who, sizeof who);
	if (O.json) {
		autolic_contract_info ci = {.version = AUTOLIC_CONTRACT_INFO_VERSION};
		obj_begin(NULL, NULL);
		if (autolic_contract_get(c->db, e->contract, &ci) == 0)
			f_str("contract", ci.number);
		f_str("product", e->product);
		f_str("user", who);
		f_time("granted_at", e->granted_at);
		f_str("origin", origin);
		f_bool("active", e->active);
		obj_end();
	} else if (by_user) {
		autolic_contract_info ci = {.version = AUTOLIC_CONTRACT_INFO_VERSION};
		if (autolic_contract_get(c->db, e->contract, &ci))
			snprintf(ci.number, sizeof ci.number, "#%llu",
			         (unsigned long long)e->contract);
		emit("  %-16s on %-16s %s %s%s\n", e->product, ci.number, origin,
		     fmt_time(e->granted_at, t), e->active ? "" : " (contract not active)");
	} else {
		emit("  %-36s %s %s\n", who, origin, fmt_time(e->granted_at, t));
	}
}

static int print_seats(cli *c, autolic_seat_iter *it, int by_user)
{
	autolic_seat_entry e = {.version = AUTOLIC_SEAT_ENTRY_VERSION};
	int rc;
	arr_begin("holders");
	while ((rc = autolic_seat_iter_next(it, &e)) == 0)
		print_seat(c, &e, by_user);
	arr_end();
	autolic_seat_iter_free(it);
	return rc == AUTOLIC_ITEROVER ? 0 : fail(rc, "seats");
}

/* Lines "email,product" of a seat import. */
static int seat_import(cli *c, autolic_id contract)
{
	char *text = read_file(c->arg[1]);
	if (!text) {
		fprintf(stderr, "%s: %s: %s\n", prog, c->arg[1], strerror(errno));
		return EXIT_INVALID;
	}
	size_t cap = 16, n = 0;
	autolic_id *users = malloc(cap * sizeof *users);
	const char **products = malloc(cap * sizeof *products);
	int rc = 0;
	size_t lineno = 0;
	for (char *line = text, *next; line && *line && !rc; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		size_t len = strlen(line);
		if (len && line[len - 1] == '\r')
			line[--len] = '\0';
		if (len == 0)
			continue;
		char *comma = strchr(line, ',');
		if (!comma) {
			fprintf(stderr, "%s: %s line %zu: write email,product\n", prog, c->arg[1],
			        lineno);
			rc = EXIT_INVALID;
			break;
		}
		*comma = '\0';
		if (n == cap) {
			cap *= 2;
			autolic_id *u = realloc(users, cap * sizeof *users);
			const char **p = realloc(products, cap * sizeof *products);
			users = u ? u : users;
			products = p ? p : products;
			if (!u || !p) {
				rc = fail(AUTOLIC_ENOMEM, "seat import");
				break;
			}
		}
		if ((rc = account_id(c, line, &users[n])))
			break;
		products[n++] = comma + 1;
	}
	autolic_seat_report *rep = NULL;
	if (!rc && n == 0)
		rc = usage_error("seat import: %s holds no line", c->arg[1]);
	if (!rc) {
		int lrc = autolic_seat_import(c->db, c->actor, contract, users, products, n, &rep);
		if (lrc) {
			char msg[1024];
			snprintf(msg, sizeof msg, "%s", autolic_errmsg());
			rc = fail(lrc, "seat import");
			if (O.json)
				json_error_begin(lrc, rc, "seat import", msg);
		} else {
			say("%zu lines imported (no one is notified: SEAT-3)", n);
		}
		/* The per-line report; after a refusal (nothing changed) it says why. */
		arr_begin("lines");
		for (size_t i = 0; i < autolic_seat_report_count(rep); i++) {
			static const char *const act[] = {"?", "kept", "granted", "revoked"};
			autolic_seat_result r = {.version = AUTOLIC_SEAT_RESULT_VERSION};
			char who[AUTOLIC_EMAIL_MAX + 2];
			if (autolic_seat_report_get(rep, i, &r))
				continue;
			email_of(c, r.user, who, sizeof who);
			const char *a = r.status
			                    ? "refused"
			                    : act[r.action >= 1 && r.action <= 3 ? r.action : 0];
			if (O.json) {
				obj_begin(NULL, NULL);
				f_int("line", (long long)i + 1);
				f_str("user", who);
				f_str("product", r.product);
				f_str("action", a);
				if (r.status)
					f_str("reason", r.message);
				obj_end();
			} else {
				if (lrc)
					fprintf(stderr, "  line %zu: %s %s: %s%s%s\n", i + 1, who,
					        r.product, a, r.status ? ": " : "", r.message);
				else
					emit("  line %zu: %s %s: %s\n", i + 1, who, r.product, a);
			}
		}
		arr_end();
		if (lrc && O.json)
			json_error_end();
		autolic_seat_report_free(rep);
	}
	free(users);
	free(products);
	free(text);
	return rc;
}

static int cmd_seat(cli *c, const char *verb)
{
	int rc;
	autolic_id contract, user;
	autolic_seat_iter *it;
	if (!strcmp(verb, "user")) {
		if (c->narg != 1)
			return usage_error("seat user EMAIL");
		if ((rc = account_id(c, c->arg[0], &user)))
			return rc;
		if ((rc = autolic_seat_user_products(c->db, user, &it)))
			return fail(rc, "seat user");
		return print_seats(c, it, 1);
	}
	if (c->narg < 1)
		return usage_error("seat %s NUMBER ...", verb);
	if ((rc = the_contract(c, c->arg[0], &contract)))
		return rc;
	if (!strcmp(verb, "list")) {
		if (c->narg == 1) {
			arr_begin("contracts");
			rc = print_contract(c, contract, 1);
			arr_end();
			return rc;
		}
		if ((rc = print_seat_summary(c, contract, c->arg[1])))
			return rc;
		if ((rc = autolic_seat_product_users(c->db, contract, c->arg[1], &it)))
			return fail(rc, "seat list");
		return print_seats(c, it, 0);
	}
	if ((rc = need_actor(c)))
		return rc;
	if (!strcmp(verb, "import")) {
		if (c->narg != 2)
			return usage_error("seat import NUMBER FILE");
		return seat_import(c, contract);
	}
	if (!strcmp(verb, "grant")) {
		if (c->narg < 3)
			return usage_error("seat grant NUMBER PRODUCT EMAIL...");
		for (int i = 2; i < c->narg; i++) {
			if ((rc = account_id(c, c->arg[i], &user)))
				return rc;
			rc = autolic_seat_grant(c->db, c->actor, contract, c->arg[1], user);
			if (rc) {
				/* The seats granted before the refusal stay granted: in
				 * text mode their lines are printed before the refusal. */
				if (!O.json)
					flush_out();
				char what[300];
				snprintf(what, sizeof what, "seat grant %s to %s", c->arg[1],
				         c->arg[i]);
				return fail(rc, what);
			}
			say("%s granted to %s", c->arg[1], c->arg[i]);
		}
	} else if (!strcmp(verb, "revoke")) {
		if (c->narg != 3)
			return usage_error("seat revoke NUMBER PRODUCT EMAIL");
		if ((rc = account_id(c, c->arg[2], &user)))
			return rc;
		if ((rc = autolic_seat_revoke(c->db, c->actor, contract, c->arg[1], user)))
			return fail(rc, "seat revoke");
		say("%s revoked from %s; the seat is free", c->arg[1], c->arg[2]);
	} else {
		return usage_error("seat %s: unknown (grant, revoke, list, user, import)", verb);
	}
	return print_seat_summary(c, contract, c->arg[1]);
}

/* ---------------------------------------------------------------- main */

static const cli_command commands[] = {
    {"check", 0, NULL, cmd_check, "*"},
    {"notifications", 1, cmd_notifications, NULL, "list"},
    {"register", 0, NULL, cmd_register, ""},
    {"account", 1, cmd_account, NULL, "show list"},
    {"invite", 0, NULL, cmd_invite, ""},
    {"import", 0, NULL, cmd_import, ""},
    {"contract", 1, cmd_contract, NULL, "show list members"},
    {"seat", 1, cmd_seat, NULL, "list user"},
};

/* Options; those without a value (flags) receive "1". */
static const cli_option options[] = {
    {"--team", offsetof(struct cli_opts, team_text), 1},
    {"--contract", offsetof(struct cli_opts, contract_text), 1},
    {"--from", offsetof(struct cli_opts, from), 1},
    {"--until", offsetof(struct cli_opts, until), 1},
    {"--language", offsetof(struct cli_opts, language), 1},
    {"--auto-renew", offsetof(struct cli_opts, auto_renew), 0},
    {"--format", offsetof(struct cli_opts, format), 1},
    {"--first", offsetof(struct cli_opts, first), 1},
    {"--last", offsetof(struct cli_opts, last), 1},
    {"--email", offsetof(struct cli_opts, email), 1},
};

int main(int argc, char **argv)
{
	static struct cli_opts o;
	static const cli_program p = {"autolic_admin",     usage_text, commands,
	                              CLI_COUNT(commands), options,    CLI_COUNT(options)};
	return cli_main(&p, &o, argc, argv);
}
