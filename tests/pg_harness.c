/* The PostgreSQL server of the pg tests: see pg_harness.h. */
#include "pg_harness.h"
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef AUTOLIC_PG_SERVER_SH
#error "AUTOLIC_PG_SERVER_SH (the path of tests/pg_server.sh) must be defined"
#endif

static char conninfo[512];
static char dir[512];
static pid_t owner;

static const char *script(void)
{
	const char *s = getenv("AUTOLIC_PG_SERVER_SH");
	return s && *s ? s : AUTOLIC_PG_SERVER_SH;
}

/* Run the script with `a1` and `a2`; its standard output goes to `out`. */
static int run_script(const char *a1, const char *a2, char *out, size_t n)
{
	int fd[2];
	if (pipe(fd) != 0)
		return -1;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(fd[0]);
		dup2(fd[1], 1);
		close(fd[1]);
		execl("/bin/bash", "bash", script(), a1, a2, (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	size_t len = 0;
	for (;;) {
		char buf[256];
		ssize_t r = read(fd[0], buf, sizeof buf);
		if (r <= 0)
			break;
		for (ssize_t i = 0; i < r; i++)
			if (out && len + 1 < n)
				out[len++] = buf[i];
	}
	if (out && n)
		out[len] = 0;
	close(fd[0]);
	int status = 0;
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void stop_server(void)
{
	if (owner && getpid() == owner && dir[0])
		run_script("stop", dir, NULL, 0);
}

const char *t_pg_conninfo(void)
{
	if (conninfo[0])
		return conninfo;
	const char *env = getenv("AUTOLIC_PG_CONNINFO");
	if (env && *env) {
		snprintf(conninfo, sizeof conninfo, "%s", env);
		const char *d = getenv("AUTOLIC_PG_DIR");
		if (d)
			snprintf(dir, sizeof dir, "%s", d);
		return conninfo;
	}
	char pid[32], out[1200];
	snprintf(pid, sizeof pid, "%ld", (long)getpid());
	int rc = run_script("start", pid, out, sizeof out);
	char *nl = strchr(out, '\n');
	if (rc != 0 || !nl) {
		fprintf(stderr, "pg harness: %s start failed (exit %d): no PostgreSQL server\n",
		        script(), rc);
		return NULL;
	}
	*nl = 0;
	if (strlen(out) >= sizeof dir || strlen(nl + 1) >= sizeof conninfo) {
		fprintf(stderr, "pg harness: unexpected output of %s start\n", script());
		return NULL;
	}
	memcpy(dir, out, strlen(out) + 1);
	memcpy(conninfo, nl + 1, strlen(nl + 1) + 1);
	size_t l = strlen(conninfo);
	while (l && (conninfo[l - 1] == '\n' || conninfo[l - 1] == ' '))
		conninfo[--l] = 0;
	owner = getpid();
	atexit(stop_server);
	setenv("AUTOLIC_PG_CONNINFO", conninfo, 1);
	setenv("AUTOLIC_PG_DIR", dir, 1);
	return conninfo;
}

const char *t_pg_conninfo_with(const char *extra)
{
	static char buf[1024];
	const char *c = t_pg_conninfo();
	assert_non_null(c);
	snprintf(buf, sizeof buf, "%s %s", c, extra ? extra : "");
	return buf;
}

int t_pg_own_server(void)
{
	t_pg_conninfo();
	return dir[0] != 0;
}

int t_pg_server(const char *what)
{
	if (!t_pg_own_server())
		return -1;
	return run_script(what, dir, NULL, 0);
}

static void quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

PGconn *t_pg_raw(const char *extra)
{
	PGconn *c = PQconnectdb(t_pg_conninfo_with(extra));
	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("raw connection: %s", PQerrorMessage(c));
	PQsetNoticeProcessor(c, quiet, NULL);
	return c;
}

const char *t_pg_exec(PGconn *c, const char *sql)
{
	static char first[512];
	PQsetNoticeProcessor(c, quiet, NULL);
	PGresult *r = PQexec(c, sql);
	ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		char msg[512];
		snprintf(msg, sizeof msg, "%s", r ? PQresultErrorMessage(r) : PQerrorMessage(c));
		PQclear(r);
		fail_msg("%s: %s", sql, msg);
	}
	first[0] = 0;
	if (st == PGRES_TUPLES_OK && PQntuples(r) > 0 && PQnfields(r) > 0)
		snprintf(first, sizeof first, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	return first;
}

void t_pg_truncate(void)
{
	PGconn *c = t_pg_raw(NULL);
	t_pg_exec(c, "DO $$ BEGIN IF to_regclass('autolic_kv') IS NOT NULL THEN "
	             "TRUNCATE autolic_kv; END IF; IF to_regclass('autolic_meta') IS NOT NULL "
	             "THEN DELETE FROM autolic_meta WHERE name = 'key_locks'; END IF; END $$");
	PQfinish(c);
}
