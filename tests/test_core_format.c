/*
 * Messages are written by al_vfmt(), which formats the conversions messages
 * use itself and hands any other format to vsnprintf. Every case here is
 * compared with vsnprintf byte for byte, at every buffer size from 1 to past
 * the whole text, so that a cut message is cut where vsnprintf cuts it.
 */
#include "support.h"

#include "core/error.h"

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int g_cases;

/* al_vfmt and vsnprintf into buffers of every size up to 1 past the whole
 * text, plus the 512 bytes of a message; the guard bytes after each must
 * stay untouched. */
static void same_as_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void same_as_printf(const char *fmt, ...)
{
	char want[600], got[600];
	va_list ap, aq;
	va_start(ap, fmt);
	va_copy(aq, ap);
	int full = vsnprintf(want, sizeof want, fmt, aq);
	va_end(aq);
	assert_true(full >= 0 && full < 590);
	size_t sizes[600];
	size_t n = 0;
	for (size_t cap = 1; cap <= (size_t)full + 1; cap++)
		sizes[n++] = cap;
	sizes[n++] = 512;
	for (size_t i = 0; i < n; i++) {
		size_t cap = sizes[i];
		memset(want, 0x5a, sizeof want);
		memset(got, 0x5a, sizeof got);
		va_copy(aq, ap);
		vsnprintf(want, cap, fmt, aq);
		va_end(aq);
		va_copy(aq, ap);
		al_vfmt(got, cap, fmt, aq);
		va_end(aq);
		if (memcmp(want, got, sizeof want) != 0)
			fail_msg("format \"%s\", %zu bytes: \"%s\" instead of \"%s\"", fmt, cap,
			         got, want);
	}
	va_end(ap);
	g_cases++;
}

static void t_conversions_as_printf(void **state)
{
	(void)state;
	same_as_printf("plain text, no conversion");
	same_as_printf("%s", "");
	same_as_printf("100%% of %s", "seats");
	same_as_printf("%%%%%s%%", "x");
	same_as_printf("SEAT-2: all seats in use for product '%s' on contract %llu (%llu of %u)",
	               "acad", 18446744073709551615ULL, 0ULL, 4294967295u);
	same_as_printf("%d %d %d %d", 0, -1, INT_MAX, INT_MIN);
	same_as_printf("%u %u", 0u, UINT_MAX);
	same_as_printf("%ld %ld %lu %lu", LONG_MIN, LONG_MAX, 0UL, ULONG_MAX);
	same_as_printf("%lld %lld %lld", LLONG_MIN, LLONG_MAX, -1234567890123LL);
	same_as_printf("%llu", 10000000000000000000ULL);
	same_as_printf("%zu bytes, %zu more", (size_t)0, SIZE_MAX);
	same_as_printf("[%c%c%c]", 'a', '%', 'z');
	const char *volatile none = NULL; /* glibc prints "(null)" */
	same_as_printf("%s and %s", "(first)", none);
	same_as_printf("trailing number %d", 42);
	same_as_printf("%s%s%s%d%s", "a", "", "bc", 7, "d");
	char longs[400];
	memset(longs, 'w', sizeof longs - 1);
	longs[sizeof longs - 1] = 0;
	same_as_printf("long: %s then %llu", longs, 123456789ULL);
	print_message("%d formats written the same as vsnprintf at every size\n", g_cases);
}

/* Formats with anything else go to vsnprintf whole: flags, widths,
 * precisions, other conversions and modifiers. */
static void t_other_formats_go_to_printf(void **state)
{
	(void)state;
	g_cases = 0;
	same_as_printf("%02x", 10u);
	same_as_printf("%08llu and %s", 42ULL, "text");
	same_as_printf("%-5d|%5s|%.2s", 3, "ab", "abcdef");
	same_as_printf("%x %X %o", 255u, 255u, 8u);
	same_as_printf("%zd", (ssize_t)-5);
	same_as_printf("%p", (void *)0);
	same_as_printf("%+d % d", 5, 5);
	same_as_printf("%.3f", 2.5);
	same_as_printf("%hu %hhd", (unsigned short)65535, (signed char)-3);
	print_message("%d formats handed to vsnprintf\n", g_cases);
}

/* The messages the library sets go through it. */
static void t_messages_use_it(void **state)
{
	(void)state;
	assert_int_equal(
	    al_err(AUTOLIC_ENOSEAT, "SEAT-2: %s %llu (%llu of %u)", "acad", 7ULL, 3ULL, 3u),
	    AUTOLIC_ENOSEAT);
	assert_string_equal(autolic_errmsg(), "SEAT-2: acad 7 (3 of 3)");
	autolic_storage_set_error("backend: %s failed at %zu", "put", (size_t)12);
	assert_string_equal(al_err_take_storage(), "backend: put failed at 12");
	assert_string_equal(al_err_take_storage(), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_conversions_as_printf),
	    cmocka_unit_test(t_other_formats_go_to_printf),
	    cmocka_unit_test(t_messages_use_it),
	};
	return t_run_group("core/format", tests, NULL, NULL);
}
