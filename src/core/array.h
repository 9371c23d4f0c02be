/* A growable array of one element type, grown through the db's allocator.
 *
 * AL_ARRAY(T) declares the fields (v, n, cap, a) of a typed array; a struct
 * may embed them as its first member and add fields of its own. The macros
 * work on any struct with those four fields:
 *
 *	typedef AL_ARRAY(autolic_id) al_id_array;
 *	al_id_array ids;
 *	al_array_init(&ids, t->a);
 *	int rc = al_array_push(&ids, id);
 *	...
 *	al_array_free(&ids);
 *
 * Growth doubles the capacity; a size whose byte count would overflow
 * size_t, or a failed allocation, is AUTOLIC_ENOMEM (message set) and leaves
 * the array as it was. */
#ifndef AL_CORE_ARRAY_H
#define AL_CORE_ARRAY_H

#include "alloc.h"

#include <stddef.h>

#define AL_ARRAY(T)                                                                                \
	struct {                                                                                   \
		T *v;                                                                              \
		size_t n, cap;                                                                     \
		const al_alloc *a;                                                                 \
	}

/* Make *vp (a pointer to `size`-byte elements, of capacity *cap) hold at
 * least `need` elements. `vp` is the address of the element pointer. 0, or
 * AUTOLIC_ENOMEM with *vp and *cap unchanged. The first allocation holds
 * `first` elements (or `need`, if more); each later one doubles. */
int al_array_grow_to(const al_alloc *a, void *vp, size_t *cap, size_t need, size_t size,
                     size_t first);

/* al_array_grow_to() with room for 4 elements first. Inline: most calls find
 * room and return at once, on paths as hot as a store's every write. */
static inline int al_array_grow(const al_alloc *a, void *vp, size_t *cap, size_t need, size_t size)
{
	return need <= *cap ? 0 : al_array_grow_to(a, vp, cap, need, size, 4);
}

#define al_array_init(arr, alloc) ((arr)->v = NULL, (arr)->n = (arr)->cap = 0, (arr)->a = (alloc))

/* Room for `need` elements in all: 0 or AUTOLIC_ENOMEM. */
#define al_array_reserve(arr, need)                                                                \
	al_array_grow((arr)->a, &(arr)->v, &(arr)->cap, (need), sizeof(*(arr)->v))

/* Append `val`: 0 or AUTOLIC_ENOMEM (the array unchanged). */
#define al_array_push(arr, val)                                                                    \
	(al_array_reserve((arr), (arr)->n + 1) ? AUTOLIC_ENOMEM : ((arr)->v[(arr)->n++] = (val), 0))

/* The element-level form of al_array_add(): a zeroed new element at index
 * *n of the array at *vp (then *n is one more), or NULL (AUTOLIC_ENOMEM set). */
void *al_array_append(const al_alloc *a, void *vp, size_t *n, size_t *cap, size_t size);

/* A zeroed new last element, or NULL (AUTOLIC_ENOMEM set) when out of memory. */
#define al_array_add(arr)                                                                          \
	al_array_append((arr)->a, &(arr)->v, &(arr)->n, &(arr)->cap, sizeof(*(arr)->v))

/* Release the elements; the array is empty and may be used again. */
#define al_array_free(arr) (al_free((arr)->a, (arr)->v), (arr)->v = NULL, (arr)->n = (arr)->cap = 0)

#endif
