#include "array.h"
#include "error.h"

#include <stdint.h>
#include <string.h>

int al_array_grow_to(const al_alloc *a, void *vp, size_t *cap, size_t need, size_t size,
                     size_t first)
{
	if (need <= *cap)
		return 0;
	size_t c = *cap ? *cap : first ? first : 1;
	while (c < need)
		c = c > SIZE_MAX / 2 ? need : c * 2;
	if (size && c > SIZE_MAX / size)
		return al_err(AUTOLIC_ENOMEM, "out of memory: %zu elements of %zu bytes", need,
		              size);
	void *old;
	memcpy(&old, vp, sizeof old);
	void *p = al_realloc(a, old, c * size);
	if (!p)
		return al_err(AUTOLIC_ENOMEM, "out of memory growing a list to %zu elements", need);
	memcpy(vp, &p, sizeof p);
	*cap = c;
	return 0;
}

void *al_array_append(const al_alloc *a, void *vp, size_t *n, size_t *cap, size_t size)
{
	if (*n == SIZE_MAX) {
		al_err(AUTOLIC_ENOMEM, "out of memory: a list of %zu elements is full", *n);
		return NULL;
	}
	if (al_array_grow(a, vp, cap, *n + 1, size))
		return NULL;
	unsigned char *v;
	memcpy(&v, vp, sizeof v);
	unsigned char *e = v + *n * size;
	memset(e, 0, size);
	(*n)++;
	return e;
}
