/* SEAM-1: the one product code normaliser (see product.h). */
#include "product.h"
#include "error.h"

#include <string.h>

static int code_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '-' || c == '_';
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + ('a' - 'A')) : c;
}

/* `tag` follows the rule in every message: " (SEAM-1)" for product codes. */
static int check_code(const char *code, size_t max, const char *rule, const char *field,
                      const char *tag)
{
	if (!code) {
		al_err(AUTOLIC_EINVAL, "%s%s: %s is NULL; it must be 1 to %zu bytes", rule, tag,
		       field, max);
		return al_err_arg(field, "max", (int64_t)max);
	}
	size_t n = strnlen(code, max + 1);
	if (n == 0 || n > max) {
		al_err(AUTOLIC_EINVAL, "%s%s: %s must be 1 to %zu bytes, not %s", rule, tag, field,
		       max, n ? "longer" : "empty");
		return al_err_arg(field, "max", (int64_t)max);
	}
	for (size_t i = 0; i < n; i++)
		if (!code_byte((unsigned char)code[i])) {
			al_err(AUTOLIC_EINVAL,
			       "%s%s: %s may hold only ASCII letters, digits, '.', '-' and '_'; "
			       "byte %zu "
			       "is 0x%02x",
			       rule, tag, field, i + 1, (unsigned)(unsigned char)code[i]);
			return al_err_arg(field, "byte", (int64_t)(i + 1));
		}
	return 0;
}

int al_code_check(const char *code, size_t max, const char *rule, const char *field)
{
	return check_code(code, max, rule, field, "");
}

int al_product_norm(const char *code, char *out, const char *rule, const char *field)
{
	int rc = check_code(code, AUTOLIC_PRODUCT_MAX, rule, field, " (SEAM-1)");
	if (rc)
		return rc;
	size_t i = 0;
	for (; code[i]; i++)
		out[i] = lower(code[i]);
	out[i] = 0;
	return 0;
}

int al_product_is_norm(const char *s, size_t n)
{
	if (n == 0 || n > AUTOLIC_PRODUCT_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!code_byte((unsigned char)s[i]) || lower(s[i]) != s[i])
			return 0;
	return 1;
}

void al_product_fold(char *s)
{
	for (; *s; s++)
		*s = lower(*s);
}
