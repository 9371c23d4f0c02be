/*
 * The per-test check of open file descriptors (tests/support.c): the set
 * comparison itself, and a whole suite run through it in a child process
 * (this program re-executed with --fake-suite) in which one test leaks a
 * descriptor and another closes one it did not open: both must fail, naming
 * the descriptor and its file, while a test whose own setup opens what its
 * own teardown closes passes. The fake suite has a group setup and
 * teardown and a test with its own fixtures and initial state, as cmocka
 * allows: the check must keep each of them.
 */
#include "support.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int open_file(const char *name)
{
	char p[320];
	t_path(p, sizeof p, name);
	int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	return fd;
}

/* ---- the comparison ---- */

static void t_diff_names_leaked_descriptor(void **state)
{
	(void)state;
	t_fdset a = {0}, b = {0};
	char msg[1024];
	assert_int_equal(t_fd_snapshot(&a), 0);
	assert_true(a.n >= 3); /* stdin, stdout, stderr at least */
	int fd = open_file("leaked.txt");
	assert_int_equal(t_fd_snapshot(&b), 0);
	assert_int_equal(t_fd_diff(&a, &b, msg, sizeof msg), 1);
	char want[64];
	snprintf(want, sizeof want, "descriptor %d leaked: ", fd);
	assert_non_null(strstr(msg, want));
	assert_non_null(strstr(msg, "/leaked.txt"));
	close(fd);
	/* closed again: no difference, and the listing's own descriptor never counts */
	assert_int_equal(t_fd_snapshot(&b), 0);
	assert_int_equal(t_fd_diff(&a, &b, msg, sizeof msg), 0);
	assert_string_equal(msg, "");
	assert_int_equal(b.n, a.n);
	t_fd_free(&a);
	t_fd_free(&b);
}

static void t_diff_compares_sets_not_counts(void **state)
{
	(void)state;
	t_fdset a = {0}, b = {0};
	char msg[1024];
	int fd = open_file("first.txt");
	assert_int_equal(t_fd_snapshot(&a), 0);
	/* the test closes a descriptor it did not open and opens another file:
	 * the same number, the same count, a different file */
	close(fd);
	int fd2 = open_file("second.txt");
	assert_int_equal(fd2, fd);
	assert_int_equal(t_fd_snapshot(&b), 0);
	assert_int_equal(b.n, a.n);
	assert_int_equal(t_fd_diff(&a, &b, msg, sizeof msg), 1);
	assert_non_null(strstr(msg, "now refers to"));
	assert_non_null(strstr(msg, "/second.txt (was "));
	assert_non_null(strstr(msg, "/first.txt)"));
	/* closed and nothing in its place */
	close(fd2);
	assert_int_equal(t_fd_snapshot(&b), 0);
	assert_int_equal(t_fd_diff(&a, &b, msg, sizeof msg), 1);
	char want[64];
	snprintf(want, sizeof want, "descriptor %d closed by the test: ", fd);
	assert_non_null(strstr(msg, want));
	assert_non_null(strstr(msg, "/first.txt"));
	/* a message buffer too small is cut, never overrun */
	char small[8];
	memset(small, 'x', sizeof small);
	assert_int_equal(t_fd_diff(&a, &b, small, 6), 1);
	assert_int_equal(strlen(small), 5);
	assert_int_equal(small[6], 'x');
	t_fd_free(&a);
	t_fd_free(&b);
}

/* ---- a fake suite, run in a child process ---- */

static int g_group_fd = -1;

static int fake_group_setup(void **state)
{
	(void)state;
	g_group_fd = open_file("group.txt");
	return 0;
}

static int fake_group_teardown(void **state)
{
	(void)state;
	if (g_group_fd >= 0)
		close(g_group_fd);
	return 0;
}

static void fake_leaks(void **state)
{
	(void)state;
	(void)open_file("fake-leak.txt");
}

static int g_initial = 7;
static int g_fixture_fd = -1;

static int fake_own_setup(void **state)
{
	/* the test's own setup sees its own initial state */
	assert_ptr_equal(*state, &g_initial);
	g_fixture_fd = open_file("fixture.txt");
	*state = &g_fixture_fd;
	return 0;
}

static int fake_own_teardown(void **state)
{
	assert_ptr_equal(*state, &g_fixture_fd);
	close(g_fixture_fd);
	printf("own teardown ran\n");
	return 0;
}

static void fake_clean_with_fixtures(void **state)
{
	assert_ptr_equal(*state, &g_fixture_fd);
	assert_true(g_fixture_fd >= 0);
}

static void fake_closes_foreign(void **state)
{
	(void)state;
	close(g_group_fd);
	g_group_fd = -1;
}

static int fake_suite(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(fake_leaks),
	    cmocka_unit_test_prestate_setup_teardown(fake_clean_with_fixtures, fake_own_setup,
	                                             fake_own_teardown, &g_initial),
	    cmocka_unit_test(fake_closes_foreign),
	};
	return t_run_group("fake", tests, fake_group_setup, fake_group_teardown);
}

static char g_self[1024];

static void t_leaking_suite_fails(void **state)
{
	(void)state;
	int p[2];
	assert_int_equal(pipe(p), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		close(p[1]);
		char *argv[] = {g_self, "--fake-suite", t_dir, NULL};
		execv(g_self, argv);
		_exit(127);
	}
	close(p[1]);
	static char out[16384];
	size_t got = 0;
	for (;;) {
		ssize_t r = read(p[0], out + got, sizeof out - 1 - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	out[got] = 0;
	close(p[0]);
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 2)
		fail_msg("the fake suite should fail 2 of 3 tests; status %d, output:\n%s", status,
		         out);
	assert_non_null(strstr(out, "fake_leaks: open descriptors differ"));
	assert_non_null(strstr(out, "/fake-leak.txt"));
	assert_non_null(strstr(out, "fake_closes_foreign: open descriptors differ"));
	assert_non_null(strstr(out, "closed by the test: "));
	assert_non_null(strstr(out, "/group.txt"));
	assert_non_null(strstr(out, "own teardown ran"));
	assert_null(strstr(out, "fake_clean_with_fixtures: open descriptors differ"));
	assert_non_null(strstr(out, "[       OK ] fake_clean_with_fixtures"));
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--fake-suite") == 0) {
		snprintf(t_dir, sizeof t_dir, "%s", argv[2]);
		return fake_suite();
	}
	ssize_t l = readlink("/proc/self/exe", g_self, sizeof g_self - 1);
	if (l <= 0) {
		perror("readlink /proc/self/exe");
		return 1;
	}
	g_self[l] = 0;
	if (t_dir_make("al-fdcheck"))
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_diff_names_leaked_descriptor),
	    cmocka_unit_test(t_diff_compares_sets_not_counts),
	    cmocka_unit_test(t_leaking_suite_fails),
	};
	int failed = t_run_group("fdcheck", tests, NULL, NULL);
	t_dir_remove();
	return failed;
}
