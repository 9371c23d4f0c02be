/* Per-thread detailed error messages. */
#ifndef AL_CORE_ERROR_H
#define AL_CORE_ERROR_H

#include "autolic/common.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* vsnprintf(dst, cap, fmt, ap): the same text, cut and terminated the same
 * way, faster for the conversions messages use (src/core/error.c). */
void al_vfmt(char *dst, size_t cap, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* Set the calling thread's message and return `code`. */
int al_err(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Clear the calling thread's message and fields (a call that succeeds). */
void al_err_clear(void);

/*
 * The fields of the last failure (autolic_error_last()). al_err() sets the
 * code and the message, takes the rule ID from the message's start ("SEAT-2:
 * ...") and forgets the objects and numbers of any earlier failure; a call
 * site then attaches what decided the refusal, after al_err():
 *
 *	rc = al_err(AUTOLIC_ENOSEAT, "SEAT-2: all %u seats of '%s' on contract %s "
 *	            "are in use", ...);
 *	al_err_obj(AUTOLIC_OBJECT_CONTRACT, c->id, c->number);
 *	al_err_obj(AUTOLIC_OBJECT_PRODUCT, 0, product);
 *	al_err_num("used", n);
 *	return al_err_num("limit", quantity);
 *
 * Each returns the current code. A number's name is kept by its pointer until
 * the failure is read: pass a string literal. Objects past AUTOLIC_ERROR_OBJECTS_MAX and
 * numbers past AUTOLIC_ERROR_NUMBERS_MAX are dropped; an object already named
 * is not named twice.
 */
int al_err_obj(int kind, autolic_id id, const char *name);
int al_err_num(const char *name, int64_t value);
/* The argument `field` refused (AUTOLIC_OBJECT_ARGUMENT) and, when `num` is
 * not NULL, the number that decided it (a byte position, a maximum...). */
int al_err_arg(const char *field, const char *num, int64_t value);
/* A number that is a point in time (AUTOLIC_UNIT_TIME) or a duration. */
int al_err_time(const char *name, autolic_time t);
int al_err_seconds(const char *name, int64_t seconds);
/* Objects as their users know them, for refusals: the message's text and the
 * object attached come from one al_name, written before al_err() by the
 * noun's al_name_*() (src/names.h). al_name_fallback() ends those: a missing
 * or damaged record is named by its id ("#12") and 0 returned; any other
 * failure `rc` is returned. */
typedef struct al_name {
	char s[AUTOLIC_ERROR_NAME_MAX + 1];
} al_name;
int al_name_fallback(int rc, autolic_id id, al_name *n);
/* Attach an account (by email), a team (by name), a product (by code). */
int al_err_account(autolic_id account, const al_name *n);
int al_err_team(autolic_id team, const al_name *n);
int al_err_product(const char *code);
/* Set the rule ID when the message does not start with it. */
int al_err_rule(const char *rule);
/* Keep the whole failure (fields and message) to report it later, e.g. the
 * first failure of a batch of items; restore returns its code. */
void al_err_save(autolic_error_info *to);
/* The failure as autolic_error_last() gives it: the slots past the counts and
 * the bytes after each terminator zeroed (src/core/error_last.c). */
void al_err_snapshot(autolic_error_info *e);
int al_err_restore(const autolic_error_info *from);
/* Prefix the current message: "<prefix>: <message>" (the fields are kept; the
 * rule ID is taken from the prefix when the message had none). A message that
 * starts with "<prefix>: " already is left as it is. */
void al_err_prefix(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Message a storage backend left with autolic_storage_set_error(), taken once. */
const char *al_err_take_storage(void);
/* Forget any such message: called before each call into the backend, so that
 * a message describes the call that failed, never an earlier one that set a
 * message and then succeeded. */
void al_err_storage_reset(void);

/* A backend's own public calls publish their failure with autolic_storage_result()
 * (include/autolic/sys/storage.h). */

/* Versioned structs: 0 and versions newer than `known` are AUTOLIC_EVERSION
 * naming the struct `what`. */
int al_version_check(unsigned int v, unsigned int known, const char *what);

#endif
