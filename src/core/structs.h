/* The versioned public structs (docs/abi.md): the size of each version, and
 * the one way the library reads, fills and initialises them.
 *
 * A caller compiled against version N of a struct passes a buffer of version
 * N's size. The library never writes past it: every struct it fills for a
 * caller goes through al_copy_out(), every `_init()` through al_struct_init(),
 * and every struct it reads is checked with al_struct_check() (or copied with
 * al_copy_in() when the library keeps a copy). Adding a field to a struct is
 * one line in the table of src/core/structs.c, besides the header. */
#ifndef AL_CORE_STRUCTS_H
#define AL_CORE_STRUCTS_H

#include <stddef.h>

/* Every versioned struct the library reads from or writes for a caller. */
typedef enum al_struct {
	AL_ACCOUNT_SPEC,
	AL_ACCOUNT_INFO,
	AL_TEAM_SPEC,
	AL_TEAM_INFO,
	AL_TEAM_MEMBERSHIP,
	AL_CONTRACT_PRODUCT_SPEC,
	AL_CONTRACT_SPEC,
	AL_CONTRACT_INFO,
	AL_CONTRACT_PRODUCT_INFO,
	AL_CONTRACT_MEMBER,
	AL_SEAT_SUMMARY,
	AL_SEAT_ENTRY,
	AL_SEAT_RESULT,
	AL_HUB_INFO,
	AL_APP_INFO,
	AL_FLEX_PRODUCT_INFO,
	AL_FLEX_POLICY,
	AL_FLEX_TEAM_INFO,
	AL_FLEX_LOT_SPEC,
	AL_FLEX_LOT_INFO,
	AL_FLEX_USER_SPEC,
	AL_FLEX_REPORT_SPEC,
	AL_FLEX_RESULT,
	AL_FLEX_ENTRY,
	AL_FLEX_USAGE_ROW,
	AL_OPS_HUB_SPEC,
	AL_OPS_HUB_INFO,
	AL_OPS_SUBSCRIPTION_SPEC,
	AL_OPS_SUBSCRIPTION_INFO,
	AL_OPS_LICENCE_INFO,
	AL_OPS_OPERATOR_SPEC,
	AL_OPS_OPERATOR_INFO,
	AL_DB_OPTIONS,
	AL_JOURNAL_OPTIONS,
	AL_STORAGE,
	AL_ERROR_INFO,
	AL_STRUCT_COUNT
} al_struct;

/* One struct: its versions' sizes, oldest first (sizes[v - 1] is the bytes
 * of version v, up to the end of its last field), and the defaults of its
 * newest version (the `_INIT` macro), NULL for all zero. */
typedef struct al_struct_row {
	const char *name;
	const size_t *sizes;
	unsigned int versions; /* the newest version: the number of sizes */
	size_t full;           /* sizeof the newest version */
	size_t align;          /* its alignment; a new version never raises it */
	const void *defaults;
} al_struct_row;

/* The row of `kind`. */
const al_struct_row *al_struct_get(al_struct kind);

/* For the tests only: use `row` for `kind` (NULL: the table's row again) and
 * return the row set before. A test describes a struct as if it had grown,
 * its last fields a newer version, and proves that every call passes an
 * older caller only that version's bytes. Not thread-safe. */
const al_struct_row *al_struct_override(al_struct kind, const al_struct_row *row);

/* 0 when `version` is one the library knows for `kind`; otherwise
 * AUTOLIC_EVERSION naming the struct (0 and newer versions). */
int al_struct_check(al_struct kind, unsigned int version);

/* The bytes of version `version` of `kind`, 0 for an unknown version. */
size_t al_struct_size(al_struct kind, unsigned int version);

/* The distance between two elements of an array of version `version`
 * (its size rounded up to the struct's alignment), 0 for an unknown version. */
size_t al_struct_stride(al_struct kind, unsigned int version);

/* Fill the caller's `dst` from the library's newest-version `src`: only the
 * bytes of the version `dst` holds are written and `dst`'s version is kept.
 * AUTOLIC_EVERSION (nothing written) when that version is unknown. */
int al_copy_out(void *dst, const void *src, al_struct kind);

/* Read the caller's `src` into the library's newest-version `dst`: the
 * defaults, then the bytes of the version `src` holds (its version is kept).
 * AUTOLIC_EVERSION (dst untouched) when that version is unknown. */
int al_copy_in(void *dst, const void *src, al_struct kind);

/* The public `_init(s, version)` calls: the defaults of `version` written
 * over that version's bytes, `version` set. AUTOLIC_EINVAL for NULL,
 * AUTOLIC_EVERSION for an unknown version (nothing written). */
int al_struct_init(void *dst, al_struct kind, unsigned int version);

/* The same three over a row given by the caller (the tests' grown structs). */
int al_copy_out_row(void *dst, const void *src, const al_struct_row *row);
int al_copy_in_row(void *dst, const void *src, const al_struct_row *row);
int al_struct_init_row(void *dst, const al_struct_row *row, unsigned int version);

#endif
