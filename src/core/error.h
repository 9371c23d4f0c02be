/* Per-thread detailed error messages. */
#ifndef AL_CORE_ERROR_H
#define AL_CORE_ERROR_H

#include "autolic/common.h"

#include <stdarg.h>
#include <stddef.h>

/* vsnprintf(dst, cap, fmt, ap): the same text, cut and terminated the same
 * way, faster for the conversions messages use (src/core/error.c). */
void al_vfmt(char *dst, size_t cap, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* Set the calling thread's message and return `code`. */
int al_err(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Clear the calling thread's message (a call that succeeds). */
void al_err_clear(void);
/* Prefix the current message: "<prefix>: <message>". */
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
