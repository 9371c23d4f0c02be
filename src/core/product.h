/*
 * SEAM-1: one product identity. Every noun that takes, stores or compares a
 * product code passes it through al_product_norm() first, so that a code has
 * one alphabet, one maximum (AUTOLIC_PRODUCT_MAX) and one spelling (ASCII
 * lower case) in contracts, seats and Flex alike.
 */
#ifndef AL_CORE_PRODUCT_H
#define AL_CORE_PRODUCT_H

#include "autolic/common.h"

#include <stddef.h>

/* Room for one product code and its terminator. */
#define AL_PRODUCT_CAP (AUTOLIC_PRODUCT_MAX + 1)

/* Validate `code`: 1..AUTOLIC_PRODUCT_MAX bytes of ASCII letters, digits,
 * '.', '-' and '_'; write it with its letters in lower case into `out`
 * (AL_PRODUCT_CAP bytes; may be `code` itself). 0, or AUTOLIC_EINVAL with a
 * message naming `rule` (the caller's rule) with SEAM-1, and `field` (the
 * argument, e.g. "products[2]"); `out` is then untouched. */
int al_product_norm(const char *code, char *out, const char *rule, const char *field);

/* The same alphabet, 1..`max` bytes, for codes that are not products and
 * keep their case (ROLE-8 update codes): 0 or AUTOLIC_EINVAL naming `rule`
 * and `field`. */
int al_code_check(const char *code, size_t max, const char *rule, const char *field);

/* 1 when the `n` bytes at `s` (no terminator needed) are a code as
 * al_product_norm() writes it, 0 otherwise. */
int al_product_is_norm(const char *s, size_t n);

/* Fold the letters of the NUL-terminated `s` to lower case in place
 * (for codes read from a store written before SEAM-1). */
void al_product_fold(char *s);

#endif
