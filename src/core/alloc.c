#include "alloc.h"

#include <stdlib.h>
#include <string.h>

static void *libc_malloc(size_t n, void *ctx)
{
	(void)ctx;
	return malloc(n);
}
static void *libc_realloc(void *p, size_t n, void *ctx)
{
	(void)ctx;
	return realloc(p, n);
}
static void libc_free(void *p, void *ctx)
{
	(void)ctx;
	free(p);
}

void al_alloc_init(al_alloc *a, const autolic_allocator *src)
{
	if (src) {
		*a = *src;
		return;
	}
	a->malloc_fn = libc_malloc;
	a->realloc_fn = libc_realloc;
	a->free_fn = libc_free;
	a->ctx = NULL;
}

int al_alloc_valid(const autolic_allocator *a)
{
	return a->malloc_fn && a->realloc_fn && a->free_fn;
}

void *al_malloc(const al_alloc *a, size_t n)
{
	return a->malloc_fn(n ? n : 1, a->ctx);
}

void *al_calloc(const al_alloc *a, size_t count, size_t n)
{
	if (n && count > SIZE_MAX / n)
		return NULL;
	void *p = al_malloc(a, count * n);
	if (p)
		memset(p, 0, count * n);
	return p;
}

void *al_realloc(const al_alloc *a, void *p, size_t n)
{
	return a->realloc_fn(p, n ? n : 1, a->ctx);
}

void al_free(const al_alloc *a, void *p)
{
	if (p)
		a->free_fn(p, a->ctx);
}
