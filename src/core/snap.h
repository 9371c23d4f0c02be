/* Snapshot iterators: a call collects its rows in one transaction into an
 * array; the iterator then hands them out without touching storage, so it is
 * safe against concurrent change. */
#ifndef AL_CORE_SNAP_H
#define AL_CORE_SNAP_H

#include <stddef.h>

/* Copy row *pos (of n rows of `size` bytes at v) into out and advance; the
 * caller's leading `unsigned int version` field is kept. AUTOLIC_ITEROVER
 * past the end. */
int al_snap_next(const void *v, size_t n, size_t *pos, size_t size, void *out);

#endif
