/* The PostgreSQL server of the pg tests. Each test program gets its own
 * throw-away server, started at its first use through tests/pg_server.sh and
 * removed at exit (or, if the program dies, by the script's watchdog). When
 * AUTOLIC_PG_CONNINFO is set (tests/pg_server.sh run, or a server of your
 * own), that server is used instead. */
#ifndef AL_PG_HARNESS_H
#define AL_PG_HARNESS_H

#include <libpq-fe.h>

/* The server's connection string; NULL (after printing why) when no server
 * could be started. Sets AUTOLIC_PG_CONNINFO for forked children. */
const char *t_pg_conninfo(void);

/* The connection string with more keyword=value pairs appended (static buffer). */
const char *t_pg_conninfo_with(const char *extra);

/* 1 when the server was started by this harness (it may be stopped and started). */
int t_pg_own_server(void);

/* Stop ("server-stop") or start again ("server-start") the server; 0 on success. */
int t_pg_server(const char *what);

/* A raw libpq connection for test set-up and interference (asserts). */
PGconn *t_pg_raw(const char *extra);
/* Run `sql` on `c`; asserts it succeeds. Returns the first column of the first row
 * (static buffer, "" when none). */
const char *t_pg_exec(PGconn *c, const char *sql);

/* Empty the key/value table (when it exists). */
void t_pg_truncate(void);

#endif
