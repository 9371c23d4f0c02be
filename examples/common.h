/*
 * The part the three command-line programs share (autolic_admin,
 * autolic_flex, autolic_ops): the command line, the store, the output as text
 * or JSON, times, notifications and errors. A program built from these
 * examples needs this file, common.c, and its own program file:
 *     cc -o autolic_admin autolic_admin.c common.c $(pkg-config --cflags --libs autolic)
 *
 * Conventions (docs/examples.md):
 *   - results on stdout, as text or (with --json) one JSON object per run;
 *   - diagnostics on stderr;
 *   - exit codes: 0 ok, 1 other, 2 usage, 3 not found or invalid,
 *     4 permission denied, 5 refused by a rule, 6 storage;
 *   - AUTOLIC_NOW (epoch seconds or ISO 8601) replaces the system clock;
 *   - in JSON a time is ISO 8601 UTC text ("2026-12-07T21:00:00Z") and the
 *     same instant in epoch seconds beside it, under the key with "_epoch"
 *     added ("until", "until_epoch").
 */
#ifndef AUTOLIC_EXAMPLES_COMMON_H
#define AUTOLIC_EXAMPLES_COMMON_H

#include <autolic.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---------------------------------------------------------------- exit codes */

enum {
	EXIT_OTHER = 1,
	EXIT_USAGE = 2,
	EXIT_INVALID = 3,
	EXIT_DENIED = 4,
	EXIT_REFUSED = 5,
	EXIT_STORAGE = 6
};

/* One exit code per class of library error. */
int exit_code(int rc);
/* The name of an AUTOLIC_E* code without its prefix ("ENOSEAT"). */
const char *error_name(int rc);

/* ---------------------------------------------------------------- time */

/* Epoch seconds, or ISO 8601 UTC: YYYY-MM-DD[(T| )HH:MM[:SS]][Z]. 0, or -1
 * when `s` is neither. */
int parse_time(const char *s, autolic_time *value);
/* ISO 8601 UTC text of a time; `buf` holds at least 32 bytes. */
const char *fmt_time(autolic_time t, char *buf);

/* ---------------------------------------------------------------- output */

/*
 * Results go through a small emitter so that every command prints the same
 * data as text ("key  value" lines) or as JSON (one object). Output is kept
 * in a buffer and written at the end: with --json a failure replaces it with
 * an error object, so stdout always holds one valid JSON document.
 */
typedef struct out {
	int json;
	int depth;
	int comma[16]; /* JSON: a value was already written at this depth */
	char *buf;
	size_t len, cap;
} out;

extern out O;
/* The running program's name, for messages. */
extern const char *prog;

void emit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Write text for a terminal: control characters other than line ends shown
 * as \uXXXX, bytes that are not UTF-8 as U+FFFD; never a raw escape sequence. */
void write_clean(FILE *f, const char *s, size_t n);
/* Write what was emitted to stdout and forget it. */
void flush_out(void);
/* A JSON string, valid whatever the text holds. */
void json_string(const char *s);
void text_indent(void);

/* Open an object: `title` is its text heading (may be NULL), `key` its JSON
 * key (NULL inside arrays). */
void obj_begin(const char *key, const char *title);
void obj_end(void);
void arr_begin(const char *key);
void arr_end(void);
void f_str(const char *key, const char *v);
void f_int(const char *key, long long v);
void f_bool(const char *key, int v);
/* A time: ISO 8601 text (and in JSON, "<key>_epoch" beside it). */
void f_time(const char *key, autolic_time t);
/* Fields the sentence printed by say() already gives in text mode. */
void j_int(const char *key, long long v);
void j_str(const char *key, const char *v);
/* A sentence saying what was done: the "message" field in JSON. */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---------------------------------------------------------------- command line */

struct cli_opts; /* each program's own options: `const char *` fields only */

typedef struct cli {
	const char *store; /* --store PATH */
	const char *as;    /* --as EMAIL */
	char **arg;        /* positional arguments after the command words */
	int narg;
	autolic_db *db;
	autolic_id actor; /* 0 when --as was not given */
	autolic_time now;
	struct cli_opts *o;
} cli;

/* A command: its name, whether it takes a verb, the function that runs it,
 * and the verbs that only read (space-separated, "*" for all). */
typedef struct cli_command {
	const char *name;
	int has_verb;
	int (*run)(cli *c, const char *verb);
	int (*run0)(cli *c);
	const char *readonly_verbs;
} cli_command;

/* An option of the program: the offset of its `const char *` field in
 * struct cli_opts; an option without a value (a flag) receives "1". */
typedef struct cli_option {
	const char *name;
	size_t offset;
	int has_value;
} cli_option;

typedef struct cli_program {
	const char *name;
	const char *usage;
	const cli_command *commands;
	size_t ncommands;
	const cli_option *options;
	size_t noptions;
} cli_program;

#define CLI_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The whole run: parse the command line (the program's options into
 * `opts`), open the store, run the command, print its result and
 * notifications. The exit status. */
int cli_main(const cli_program *p, struct cli_opts *opts, int argc, char **argv);

/* Report a failure: message on stderr (and, with --json, an error object on
 * stdout); the exit code. */
int fail_msg(int rc, const char *what, const char *detail);
/* Report a failed library call with the library's detailed message. */
int fail(int rc, const char *what);
/* With --json: replace what was emitted by an error object, left open so
 * that the caller may add fields; json_error_end() closes it. */
void json_error_begin(int rc, int code, const char *what, const char *msg);
void json_error_end(void);
/* A usage mistake: message on stderr, exit 2. */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

int parse_u64(const char *s, uint64_t *value);
/* Join arguments from index i on with spaces (names given without quotes). */
const char *join_args(cli *c, int i, char *buf, size_t len);
/* Look up an account by email. */
int account_id(cli *c, const char *email, autolic_id *id);
/* Usage error unless --as names the acting account. */
int need_actor(cli *c);
/* The contract named by its number. */
int the_contract(cli *c, const char *number, autolic_id *contract);
/* The team named by --team ID (`team_text`), or by one of its contracts
 * (--contract NUMBER); 0 when neither is given and the team is not
 * `required`. */
int team_named(cli *c, const char *team_text, const char *contract_text, autolic_id *team,
               int required);
/* The whole store against the library's invariants (autolic_db_check). */
int cmd_check(cli *c);

/* Recorded notifications (NOTE-1, NOTE-2): consumers, reading, acknowledging,
 * trimming; `ack` with --follow keeps delivering until interrupted. Every
 * program lists it as {"notifications", 1, cmd_notifications, NULL, "list"}
 * with NOTIFICATIONS_USAGE in its usage text. */
int cmd_notifications(cli *c, const char *verb);
#define NOTIFICATIONS_USAGE                                                                        \
	"  notifications add|remove NAME       a consumer of the recorded notifications "          \
	"(NOTE-2)\n"                                                                               \
	"  notifications list NAME [MAX]       what NAME has not acknowledged, in commit order\n"  \
	"  notifications ack NAME [MAX] [--follow]\n"                                              \
	"                                      print them, then acknowledge them: never shown\n"   \
	"                                      again; --follow keeps polling (JSON: one per "      \
	"line)\n"                                                                                  \
	"  notifications trim [SECONDS]        remove what every consumer acknowledged\n"

#endif
