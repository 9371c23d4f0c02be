/*
 * IN-1: one check for every text the library stores. Each noun passes every
 * string it is about to store (names, serials, subscription IDs, keys)
 * through al_text_check() first, so that a stored text is always valid UTF-8
 * (no overlong forms, no surrogates, nothing above U+10FFFF) without control
 * characters (C0, DEL, C1), within its length in bytes.
 */
#ifndef AL_CORE_TEXT_H
#define AL_CORE_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Flags of al_text_check(). */
#define AL_TEXT_REQUIRED 1u /* NULL or "" is refused (else both pass) */
#define AL_TEXT_NO_SPACE 2u /* U+0020 is refused too */
#define AL_TEXT_ASCII    4u /* only ASCII (with the above: printable ASCII) */

/* Check the `n` bytes at `s` (NULL passes as empty) against IN-1: at most
 * `max` bytes, valid UTF-8, no control character, and the flags above. 0, or
 * AUTOLIC_EINVAL with a message "<rule> (IN-1): <field> ..." naming the
 * caller's rule (or "IN-1: <field> ..." when `rule` is NULL), the field and
 * the byte at fault. */
int al_text_check_n(const char *s, size_t n, size_t max, unsigned flags, const char *rule,
                    const char *field);

/* The same for a 0-terminated string. */
int al_text_check(const char *s, size_t max, unsigned flags, const char *rule, const char *field);

/* Decode the UTF-8 sequence at s[0..n), n >= 1: its length in bytes with the
 * code point in *cp, or 0 when it is not valid UTF-8 (overlong, surrogate,
 * above U+10FFFF, cut short, stray continuation byte). */
size_t al_utf8_next(const unsigned char *s, size_t n, uint32_t *cp);

/* 1 when the code point is a control character: C0, DEL or C1. */
static inline int al_text_is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

#endif
