/*
 * autolic_flex — Flex tokens from the command line: the product catalogue,
 * token lots, Flex users, the host's usage reports (launch, activity, idle,
 * close), the balance, the ledger and the usage report (FLEX-1..FLEX-13).
 *
 * An example program for libautolic: copy it with common.c and common.h,
 * build it with
 *     cc -o autolic_flex autolic_flex.c common.c $(pkg-config --cflags --libs autolic)
 * and run `autolic_flex --help`. The state lives in a journal store (a file).
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
    "usage: autolic_flex [--store PATH] [--json] [--as EMAIL] [--contract NUMBER | --team ID]\n"
    "                    <command> [args]\n"
    "\n"
    "Flex tokens. The team is named by --team ID or by one of its contracts\n"
    "(--contract NUMBER).\n"
    "\n"
    "Catalogue (data the host supplies)\n"
    "  product set CODE RATE [NAME...]     a Flex product and its daily rate in tokens (FLEX-3)\n"
    "  product show CODE\n"
    "Tokens (FLEX-1, FLEX-2, FLEX-10)\n"
    "  lot buy SUBSCRIPTION-ID QUANTITY [--at TIME]   buy a lot, valid 365 days from purchase\n"
    "  lot show LOT-ID\n"
    "  balance [--at TIME]                 the team's balance now (or at a past instant)\n"
    "  ledger [--from TIME] [--until TIME] [--events]  ledger entries (--events: purchases,\n"
    "                                      expiries and moves only)\n"
    "  expire                              record the expiries that are due\n"
    "Flex users (FLEX-7)\n"
    "  user assign PERSON (--all | --products CODE,CODE...)\n"
    "  user remove EMAIL\n"
    "Usage reports from the host; the --as account is the user (FLEX-3..FLEX-6, FLEX-13)\n"
    "  launch PRODUCT [--at TIME] [--key KEY]         a session starts\n"
    "  activity|idle|close SESSION [--at TIME] [--key KEY]\n"
    "                                      (the key defaults to one made of the report's fields)\n"
    "Reports (FLEX-11)\n"
    "  usage [--from TIME] [--until TIME] [--csv]     days used per user and product\n"
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
    "  --at TIME       when the host observed the event (default: now)\n"
    "  --help          this text\n"
    "TIME is epoch seconds or ISO 8601 UTC (2025-03-03, 2025-03-03T09:30, 2025-03-03T09:30:00Z).\n"
    "Environment: AUTOLIC_NOW=TIME replaces the system clock (reproducible scripts).\n"
    "\n"
    "Exit codes: 0 ok, 1 other failure, 2 usage, 3 not found or invalid, 4 permission denied,\n"
    "5 refused by a rule (not enough tokens, lot expired), 6 storage.\n";

/* The options of this program (--store and --as are common). */
struct cli_opts {
	const char *team_text, *contract_text, *at_text, *from, *until, *key, *all, *products,
	    *events, *csv;
};

/* ---------------------------------------------------------------- lookups */

/* The team named by --team or --contract. */
static int the_team(cli *c, autolic_id *team, int required)
{
	return team_named(c, c->o->team_text, c->o->contract_text, team, required);
}

/* --at, else now. */
static int the_time(cli *c, autolic_time *t)
{
	*t = c->now;
	if (c->o->at_text && parse_time(c->o->at_text, t))
		return usage_error("--at %s: not a time", c->o->at_text);
	return 0;
}

static const char *reason_name(int reason)
{
	switch (reason) {
	case AUTOLIC_FLEX_REASON_NONE:
		return "no window";
	case AUTOLIC_FLEX_REASON_CHARGED:
		return "charged";
	case AUTOLIC_FLEX_REASON_IN_WINDOW:
		return "inside an open window";
	case AUTOLIC_FLEX_REASON_SEAT:
		return "seat";
	case AUTOLIC_FLEX_REASON_TRIAL:
		return "trial";
	case AUTOLIC_FLEX_REASON_REFUNDED:
		return "refunded";
	default:
		return "?";
	}
}

static const char *entry_name(int type)
{
	static const char *const names[] = {"?",      "PURCHASE", "CONSUME", "REFUND",
	                                    "EXPIRE", "MOVE_OUT", "MOVE_IN", "ADJUST"};
	return names[type >= 1 && type <= 7 ? type : 0];
}

/* ---------------------------------------------------------------- catalogue */

static int cmd_product(cli *c, const char *verb)
{
	int rc;
	char name[AUTOLIC_FLEX_NAME_MAX + 2];
	if (!strcmp(verb, "set")) {
		uint64_t rate;
		if (c->narg < 2 || parse_u64(c->arg[1], &rate) || rate == 0 || rate > INT64_MAX)
			return usage_error("product set CODE RATE [NAME...]");
		join_args(c, 2, name, sizeof name);
		if ((rc = autolic_flex_product_set(c->db, c->arg[0], name[0] ? name : c->arg[0],
		                                   (int64_t)rate)))
			return fail(rc, "product set");
		say("Flex product %s: %llu tokens a day", c->arg[0], (unsigned long long)rate);
	} else if (strcmp(verb, "show") || c->narg != 1) {
		return usage_error("product set CODE RATE [NAME...] | product show CODE");
	}
	autolic_flex_product_info p = {.version = AUTOLIC_FLEX_PRODUCT_INFO_VERSION};
	if ((rc = autolic_flex_product_get(c->db, c->arg[0], &p)))
		return fail(rc, "product show");
	char a[32];
	if (O.json) {
		obj_begin("product", NULL);
		f_str("code", p.code);
		f_str("name", p.name);
		f_int("rate", p.rate);
		f_time("added", p.added);
		f_time("rate_since", p.rate_since);
		obj_end();
	} else {
		emit("%s (%s): %lld tokens a day since %s\n", p.code, p.name, (long long)p.rate,
		     fmt_time(p.rate_since, a));
	}
	return 0;
}

/* ---------------------------------------------------------------- tokens */

static int print_balance(cli *c, autolic_id team)
{
	autolic_flex_team_info ti = {.version = AUTOLIC_FLEX_TEAM_INFO_VERSION};
	int rc = autolic_flex_team_get(c->db, team, &ti);
	if (rc)
		return fail(rc, "balance");
	if (O.json) {
		obj_begin("balance", NULL);
		f_int("team", (long long)team);
		f_int("balance", ti.balance);
		f_int("available", ti.available);
		f_int("owed", ti.owed);
		f_int("unexpired_tokens", ti.unexpired_tokens);
		f_int("threshold", ti.threshold);
		f_bool("low", ti.low);
		obj_end();
	} else {
		emit("team %llu balance: %lld tokens (%lld available) of %lld bought in unexpired "
		     "lots%s\n",
		     (unsigned long long)team, (long long)ti.balance, (long long)ti.available,
		     (long long)ti.unexpired_tokens, ti.low ? "; LOW (FLEX-12)" : "");
	}
	return 0;
}

static int print_lot(cli *c, autolic_id lot)
{
	autolic_flex_lot_info l = {.version = AUTOLIC_FLEX_LOT_INFO_VERSION};
	int rc = autolic_flex_lot_get(c->db, lot, &l);
	if (rc)
		return fail(rc, "lot");
	char a[32], b[32];
	if (O.json) {
		obj_begin("lot", NULL);
		f_int("id", (long long)l.id);
		f_int("team", (long long)l.team);
		f_str("subscription", l.subscription);
		f_int("quantity", l.quantity);
		f_int("remaining", l.remaining);
		f_time("purchased", l.purchased);
		f_time("expires", l.expires);
		f_bool("expired", l.expired);
		obj_end();
	} else {
		emit("lot %llu (%s): %lld of %lld tokens left, bought %s, %s %s\n",
		     (unsigned long long)l.id, l.subscription, (long long)l.remaining,
		     (long long)l.quantity, fmt_time(l.purchased, a),
		     l.expired ? "expired" : "expires", fmt_time(l.expires, b));
	}
	return 0;
}

static int cmd_lot(cli *c, const char *verb)
{
	int rc;
	uint64_t v;
	if (!strcmp(verb, "show")) {
		if (c->narg != 1 || parse_u64(c->arg[0], &v))
			return usage_error("lot show LOT-ID");
		return print_lot(c, v);
	}
	if (strcmp(verb, "buy"))
		return usage_error("lot %s: unknown (buy, show)", verb);
	if (c->narg != 2 || parse_u64(c->arg[1], &v) || v == 0 || v > INT64_MAX)
		return usage_error("lot buy SUBSCRIPTION-ID QUANTITY");
	autolic_id team, lot;
	autolic_flex_lot_spec spec = AUTOLIC_FLEX_LOT_SPEC_INIT;
	if ((rc = need_actor(c)) || (rc = the_team(c, &team, 1)) ||
	    (rc = the_time(c, &spec.purchased)))
		return rc;
	spec.subscription = c->arg[0];
	spec.quantity = (int64_t)v;
	if ((rc = autolic_flex_lot_buy(c->db, c->actor, team, &spec, &lot)))
		return fail(rc, "lot buy");
	say("%llu tokens bought", (unsigned long long)v);
	if ((rc = print_lot(c, lot)))
		return rc;
	return print_balance(c, team);
}

static int cmd_balance(cli *c)
{
	int rc;
	autolic_id team = 0;
	if (c->narg != 0)
		return usage_error("balance [--at TIME]");
	if ((rc = the_team(c, &team, 1)))
		return rc;
	if (!c->o->at_text)
		return print_balance(c, team);
	autolic_time at;
	int64_t balance;
	if ((rc = the_time(c, &at)))
		return rc;
	if ((rc = autolic_flex_balance_at(c->db, team, at, &balance)))
		return fail(rc, "balance");
	char a[32];
	if (O.json) {
		f_time("at", at);
		f_int("balance", balance);
	} else {
		emit("team %llu balance at %s: %lld tokens\n", (unsigned long long)team,
		     fmt_time(at, a), (long long)balance);
	}
	return 0;
}

/* The period of a report: --from/--until, by default everything up to now. */
static int the_period(cli *c, autolic_time *from, autolic_time *to)
{
	*from = 0;
	*to = c->now + 1;
	if (c->o->from && parse_time(c->o->from, from))
		return usage_error("--from %s: not a time", c->o->from);
	if (c->o->until && parse_time(c->o->until, to))
		return usage_error("--until %s: not a time", c->o->until);
	return 0;
}

static int cmd_ledger(cli *c)
{
	int rc;
	autolic_id team = 0;
	autolic_time from, to;
	if (c->narg != 0)
		return usage_error("ledger [--from TIME] [--until TIME] [--events]");
	if ((rc = the_team(c, &team, 1)) || (rc = the_period(c, &from, &to)))
		return rc;
	autolic_flex_ledger_iter *it;
	unsigned mask = c->o->events ? AUTOLIC_FLEX_MASK_EVENTS : AUTOLIC_FLEX_MASK_ALL;
	if ((rc = autolic_flex_ledger_open(c->db, team, from, to, mask, &it)))
		return fail(rc, "ledger");
	autolic_flex_entry e = {.version = AUTOLIC_FLEX_ENTRY_VERSION};
	char a[32], who[AUTOLIC_EMAIL_MAX + 2];
	arr_begin("entries");
	while ((rc = autolic_flex_ledger_next(it, &e)) == 0) {
		autolic_account_info ai = {.version = AUTOLIC_ACCOUNT_INFO_VERSION};
		snprintf(who, sizeof who, "%s",
		         e.account && autolic_account_get(c->db, e.account, &ai) == 0 ? ai.email
		                                                                      : "");
		if (O.json) {
			obj_begin(NULL, NULL);
			f_int("seq", (long long)e.seq);
			f_str("type", entry_name(e.type));
			f_time("time", e.time);
			f_int("lot", (long long)e.lot);
			f_int("amount", e.amount);
			f_str("account", who);
			f_str("product", e.product);
			f_str("subscription", e.subscription);
			obj_end();
		} else {
			emit("%s  %-8s %+6lld  lot %llu (%s)  %s %s\n", fmt_time(e.time, a),
			     entry_name(e.type), (long long)e.amount, (unsigned long long)e.lot,
			     e.subscription, who, e.product);
		}
	}
	arr_end();
	autolic_flex_ledger_free(it);
	return rc == AUTOLIC_ITEROVER ? 0 : fail(rc, "ledger");
}

static int cmd_expire(cli *c)
{
	autolic_id team = 0;
	size_t n = 0;
	int rc = the_team(c, &team, 1);
	if (rc)
		return rc;
	if ((rc = autolic_flex_expire(c->db, team, &n)))
		return fail(rc, "expire");
	say("%zu lot(s) expired (FLEX-1)", n);
	return print_balance(c, team);
}

/* ---------------------------------------------------------------- users */

static int cmd_user(cli *c, const char *verb)
{
	int rc;
	autolic_id team, account;
	if ((rc = need_actor(c)) || (rc = the_team(c, &team, 1)))
		return rc;
	if (!strcmp(verb, "remove")) {
		if (c->narg != 1)
			return usage_error("user remove EMAIL");
		if ((rc = account_id(c, c->arg[0], &account)))
			return rc;
		if ((rc = autolic_flex_user_remove(c->db, c->actor, team, account)))
			return fail(rc, "user remove");
		say("%s is no longer a Flex user", c->arg[0]);
		return 0;
	}
	if (strcmp(verb, "assign"))
		return usage_error("user %s: unknown (assign, remove)", verb);
	char person[600], list[1024];
	const char *codes[AUTOLIC_FLEX_LIST_MAX];
	size_t n = 0;
	if (c->narg < 1 || (!c->o->all == !c->o->products))
		return usage_error("user assign PERSON (--all | --products CODE,CODE...)");
	if (c->o->products) {
		snprintf(list, sizeof list, "%s", c->o->products);
		for (char *p = list, *comma; p && *p && n < AUTOLIC_FLEX_LIST_MAX; p = comma) {
			comma = strchr(p, ',');
			if (comma)
				*comma++ = '\0';
			codes[n++] = p;
		}
	}
	autolic_flex_user_spec spec = AUTOLIC_FLEX_USER_SPEC_INIT;
	spec.person = join_args(c, 0, person, sizeof person);
	spec.all_products = c->o->all != NULL;
	spec.products = n ? codes : NULL;
	spec.n_products = n;
	if ((rc = autolic_flex_user_assign(c->db, c->actor, team, &spec, &account)))
		return fail(rc, "user assign");
	say("%s may use %s through the team's tokens", person,
	    c->o->all ? "every Flex product" : c->o->products);
	return 0;
}

/* ---------------------------------------------------------------- usage reports */

static int cmd_report(cli *c, int kind, const char *name)
{
	int rc;
	char key[AUTOLIC_FLEX_KEY_MAX + 1], a[32], b[32];
	autolic_flex_report_spec spec = AUTOLIC_FLEX_REPORT_SPEC_INIT;
	uint64_t session = 0;
	spec.kind = kind;
	if (kind == AUTOLIC_FLEX_LAUNCH) {
		if (c->narg != 1)
			return usage_error("launch PRODUCT [--at TIME] [--key KEY]");
		if ((rc = need_actor(c)) || (rc = the_team(c, &spec.team, 1)))
			return rc;
		spec.product = c->arg[0];
		spec.account = c->actor;
	} else {
		if (c->narg != 1 || parse_u64(c->arg[0], &session) || session == 0)
			return usage_error("%s SESSION [--at TIME] [--key KEY]", name);
		spec.session = session;
	}
	if ((rc = the_time(c, &spec.time)))
		return rc;
	/* FLEX-13: the same report sent twice must carry the same key; by
	 * default the key is made of what identifies the report. */
	if (c->o->key)
		snprintf(key, sizeof key, "%s", c->o->key);
	else if (kind == AUTOLIC_FLEX_LAUNCH)
		snprintf(key, sizeof key, "launch:%llu:%s:%lld", (unsigned long long)spec.account,
		         spec.product, (long long)spec.time);
	else
		snprintf(key, sizeof key, "%s:%llu:%lld", name, (unsigned long long)session,
		         (long long)spec.time);
	spec.key = key;
	autolic_flex_result r = {.version = AUTOLIC_FLEX_RESULT_VERSION};
	rc = autolic_flex_report(c->db, &spec, &r);
	if (rc && rc != AUTOLIC_EDUPLICATE)
		return fail(rc, name);
	if (rc == AUTOLIC_EDUPLICATE)
		say("report %s was applied before (FLEX-13): its first result, nothing charged "
		    "again",
		    key);
	if (O.json) {
		f_int("session", (long long)r.session);
		f_bool("duplicate", rc == AUTOLIC_EDUPLICATE);
		f_str("reason", reason_name(r.reason));
		f_int("charged", r.charged);
		f_int("refunded", r.refunded);
		f_int("windows", r.windows);
		if (r.window_start) {
			f_time("window_start", r.window_start);
			f_time("window_end", r.window_end);
		}
		f_bool("ended", r.ended);
	} else {
		static const char *const done[] = {"?", "opened", "in use", "idle", "closed"};
		emit("session %llu %s at %s: ", (unsigned long long)r.session, done[kind],
		     fmt_time(spec.time, a));
		if (r.refunded)
			emit("%lld tokens refunded (FLEX-4: closed within 5 minutes)",
			     (long long)r.refunded);
		else if (r.charged)
			emit("%lld tokens charged", (long long)r.charged);
		else if (kind == AUTOLIC_FLEX_LAUNCH)
			emit("nothing charged (%s)", reason_name(r.reason));
		else
			emit("nothing charged");
		if (r.window_start && !r.refunded)
			emit("; window %s to %s", fmt_time(r.window_start, a),
			     fmt_time(r.window_end, b));
		if (r.ended)
			emit("; the session ENDED: %s", autolic_strerror(r.end_code));
		emit("\n");
	}
	if (kind == AUTOLIC_FLEX_LAUNCH)
		return print_balance(c, spec.team);
	return 0;
}

static int cmd_launch(cli *c)
{
	return cmd_report(c, AUTOLIC_FLEX_LAUNCH, "launch");
}

static int cmd_activity(cli *c)
{
	return cmd_report(c, AUTOLIC_FLEX_ACTIVITY, "activity");
}

static int cmd_idle(cli *c)
{
	return cmd_report(c, AUTOLIC_FLEX_IDLE, "idle");
}

static int cmd_close(cli *c)
{
	return cmd_report(c, AUTOLIC_FLEX_CLOSE, "close");
}

/* ---------------------------------------------------------------- usage report */

static int csv_out(const char *data, size_t len, void *ctx)
{
	(void)ctx;
	emit("%.*s", (int)len, data);
	return 0;
}

static int cmd_usage(cli *c)
{
	int rc;
	autolic_id team = 0;
	autolic_time from, to;
	if (c->narg != 0)
		return usage_error("usage [--from TIME] [--until TIME] [--csv]");
	if ((rc = the_team(c, &team, 1)) || (rc = the_period(c, &from, &to)))
		return rc;
	if (c->o->csv) {
		if (O.json)
			return usage_error("--csv and --json: choose one");
		if ((rc = autolic_flex_usage_csv(c->db, team, from, to, csv_out, NULL)))
			return fail(rc, "usage");
		return 0;
	}
	autolic_team_info ti = {.version = AUTOLIC_TEAM_INFO_VERSION};
	if ((rc = autolic_team_get(c->db, team, &ti)))
		return fail(rc, "usage");
	autolic_flex_usage_iter *it;
	if ((rc = autolic_flex_usage_open(c->db, team, from, to, &it)))
		return fail(rc, "usage");
	autolic_flex_usage_row row = {.version = AUTOLIC_FLEX_USAGE_ROW_VERSION};
	long long total = 0;
	char a[32];
	if (!O.json)
		emit("%-20s %-36s %-18s %-10s %6s  %-10s %s\n", "day used", "user", "name",
		     "product", "tokens", "reason", "lots");
	arr_begin("rows");
	while ((rc = autolic_flex_usage_next(it, &row)) == 0) {
		char name[2 * 101 + 1], lots[256] = "";
		snprintf(name, sizeof name, "%s %s", row.first_name, row.last_name);
		for (size_t i = 0; i < row.n_lots; i++) {
			size_t used = strlen(lots);
			snprintf(lots + used, sizeof lots - used, "%s%llu:%lld", i ? ";" : "",
			         (unsigned long long)row.lots[i].lot,
			         (long long)row.lots[i].amount);
		}
		total += row.tokens;
		if (O.json) {
			obj_begin(NULL, NULL);
			f_time("day", row.day);
			f_str("email", row.email);
			f_str("first_name", row.first_name);
			f_str("last_name", row.last_name);
			f_str("product", row.product);
			f_int("team", (long long)row.team);
			f_str("team_name", ti.name);
			f_int("tokens", row.tokens);
			f_str("reason", reason_name(row.reason));
			arr_begin("lots");
			for (size_t i = 0; i < row.n_lots; i++) {
				obj_begin(NULL, NULL);
				f_int("lot", (long long)row.lots[i].lot);
				f_int("tokens", (long long)row.lots[i].amount);
				obj_end();
			}
			arr_end();
			obj_end();
		} else {
			emit("%-20s %-36s %-18s %-10s %6lld  %-10s %s\n", fmt_time(row.day, a),
			     row.email, name, row.product, (long long)row.tokens,
			     reason_name(row.reason), lots);
		}
	}
	arr_end();
	autolic_flex_usage_free(it);
	if (rc != AUTOLIC_ITEROVER)
		return fail(rc, "usage");
	if (O.json)
		f_int("total", total);
	else
		emit("%-20s %-36s %-18s %-10s %6lld\n", "total", "", "", "", total);
	return 0;
}

/* ---------------------------------------------------------------- main */

static const cli_command commands[] = {
    {"check", 0, NULL, cmd_check, "*"},
    {"notifications", 1, cmd_notifications, NULL, "list"},
    {"product", 1, cmd_product, NULL, "show"},
    {"lot", 1, cmd_lot, NULL, "show"},
    {"balance", 0, NULL, cmd_balance, "*"},
    {"ledger", 0, NULL, cmd_ledger, "*"},
    {"expire", 0, NULL, cmd_expire, ""},
    {"user", 1, cmd_user, NULL, ""},
    {"launch", 0, NULL, cmd_launch, ""},
    {"activity", 0, NULL, cmd_activity, ""},
    {"idle", 0, NULL, cmd_idle, ""},
    {"close", 0, NULL, cmd_close, ""},
    {"usage", 0, NULL, cmd_usage, "*"},
};

/* Options; those without a value (flags) receive "1". */
static const cli_option options[] = {
    {"--team", offsetof(struct cli_opts, team_text), 1},
    {"--contract", offsetof(struct cli_opts, contract_text), 1},
    {"--at", offsetof(struct cli_opts, at_text), 1},
    {"--from", offsetof(struct cli_opts, from), 1},
    {"--until", offsetof(struct cli_opts, until), 1},
    {"--key", offsetof(struct cli_opts, key), 1},
    {"--all", offsetof(struct cli_opts, all), 0},
    {"--products", offsetof(struct cli_opts, products), 1},
    {"--events", offsetof(struct cli_opts, events), 0},
    {"--csv", offsetof(struct cli_opts, csv), 0},
};

int main(int argc, char **argv)
{
	static struct cli_opts o;
	static const cli_program p = {"autolic_flex",      usage_text, commands,
	                              CLI_COUNT(commands), options,    CLI_COUNT(options)};
	return cli_main(&p, &o, argc, argv);
}
