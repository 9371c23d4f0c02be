/* The allocator every internal allocation goes through. */
#ifndef AL_CORE_ALLOC_H
#define AL_CORE_ALLOC_H

#include "autolic/common.h"

typedef autolic_allocator al_alloc;

/* Copy `src`, or the libc allocator when NULL. */
void al_alloc_init(al_alloc *a, const autolic_allocator *src);
/* 1 when all three functions are set. */
int al_alloc_valid(const autolic_allocator *a);

void *al_malloc(const al_alloc *a, size_t n);
void *al_calloc(const al_alloc *a, size_t count, size_t n);
void *al_realloc(const al_alloc *a, void *p, size_t n);
void al_free(const al_alloc *a, void *p);

#endif
