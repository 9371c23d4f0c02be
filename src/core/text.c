/* IN-1: the one check for stored text (see text.h). */
#include "text.h"
#include "error.h"

#include "autolic/common.h"

#include <string.h>

size_t al_utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c = s[0], min;
	size_t len;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xe0) == 0xc0) {
		len = 2, min = 0x80, c &= 0x1f;
	} else if ((c & 0xf0) == 0xe0) {
		len = 3, min = 0x800, c &= 0x0f;
	} else if ((c & 0xf8) == 0xf0) {
		len = 4, min = 0x10000, c &= 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t j = 1; j < len; j++) {
		if ((s[j] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[j] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

int al_text_check_n(const char *s, size_t n, size_t max, unsigned flags, const char *rule,
                    const char *field)
{
	/* "IN-1: ..." alone, or "<rule> (IN-1): ..." after the caller's own rule */
	const char *r = rule ? rule : "", *sep = rule ? " (" : "", *end = rule ? ")" : "";
	if (!s)
		n = 0;
	if (n == 0) {
		if (!(flags & AL_TEXT_REQUIRED))
			return 0;
		al_err(AUTOLIC_EINVAL, "%s%sIN-1%s: %s is required", r, sep, end, field);
		return al_err_arg(field, NULL, 0);
	}
	if (n > max) {
		al_err(AUTOLIC_EINVAL, "%s%sIN-1%s: %s is longer than %zu bytes", r, sep, end,
		       field, max);
		return al_err_arg(field, "max", (int64_t)max);
	}
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = al_utf8_next(u + i, n - i, &cp);
		if (!len)
			al_err(AUTOLIC_EINVAL, "%s%sIN-1%s: %s is not valid UTF-8 at byte %zu", r,
			       sep, end, field, i + 1);
		else if (al_text_is_control(cp))
			al_err(AUTOLIC_EINVAL,
			       "%s%sIN-1%s: %s contains a control character U+%04X at byte %zu", r,
			       sep, end, field, (unsigned)cp, i + 1);
		else if ((flags & AL_TEXT_NO_SPACE) && cp == ' ')
			al_err(AUTOLIC_EINVAL, "%s%sIN-1%s: %s may not contain a space (byte %zu)",
			       r, sep, end, field, i + 1);
		else if ((flags & AL_TEXT_ASCII) && cp >= 0x80)
			al_err(AUTOLIC_EINVAL,
			       "%s%sIN-1%s: %s may hold only ASCII, not U+%04X at byte %zu", r, sep,
			       end, field, (unsigned)cp, i + 1);
		else {
			i += len;
			continue;
		}
		return al_err_arg(field, "byte", (int64_t)(i + 1));
	}
	return 0;
}

int al_text_check(const char *s, size_t max, unsigned flags, const char *rule, const char *field)
{
	return al_text_check_n(s, s ? strlen(s) : 0, max, flags, rule, field);
}
