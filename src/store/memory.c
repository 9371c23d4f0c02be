/* The memory store: the map behind the storage vtable, one transaction at a time. */
#include "map.h"
#include "core/alloc.h"
#include "core/error.h"

#include <pthread.h>

typedef struct mem_store {
	al_alloc alloc;
	al_map *map;
	pthread_mutex_t mu; /* held from begin to commit/rollback */
} mem_store;

static int mem_begin(void *ctx, int write)
{
	(void)write;
	mem_store *s = ctx;
	pthread_mutex_lock(&s->mu);
	al_map_txn_begin(s->map);
	return 0;
}

static int mem_get(void *ctx, const void *k, size_t kl, const void **v, size_t *vl)
{
	mem_store *s = ctx;
	return al_map_get(s->map, k, kl, v, vl);
}

static int mem_put(void *ctx, const void *k, size_t kl, const void *v, size_t vl)
{
	mem_store *s = ctx;
	int rc = al_map_put(s->map, k, kl, v, vl);
	if (rc == AUTOLIC_EINVAL)
		autolic_storage_set_error("memory store: key of %zu bytes is too long", kl);
	else if (rc)
		autolic_storage_set_error("memory store: out of memory storing %zu + %zu bytes", kl,
		                          vl);
	return rc;
}

static int mem_del(void *ctx, const void *k, size_t kl)
{
	mem_store *s = ctx;
	int rc = al_map_del(s->map, k, kl);
	if (rc == AUTOLIC_ENOMEM)
		autolic_storage_set_error("memory store: out of memory logging a delete");
	return rc;
}

static int mem_scan(void *ctx, const void *start, size_t sl, const void *end, size_t el,
                    autolic_storage_scan_cb cb, void *arg)
{
	mem_store *s = ctx;
	return al_map_scan(s->map, start, sl, end, el, cb, arg);
}

static int mem_commit(void *ctx)
{
	mem_store *s = ctx;
	al_map_txn_commit(s->map);
	pthread_mutex_unlock(&s->mu);
	return 0;
}

static int mem_rollback(void *ctx)
{
	mem_store *s = ctx;
	al_map_txn_rollback(s->map);
	pthread_mutex_unlock(&s->mu);
	return 0;
}

static int mem_savepoint(void *ctx)
{
	mem_store *s = ctx;
	int rc = al_map_savepoint(s->map);
	if (rc)
		autolic_storage_set_error("memory store: cannot mark a savepoint");
	return rc;
}

static int mem_release(void *ctx)
{
	mem_store *s = ctx;
	return al_map_release(s->map);
}

static int mem_rollback_to(void *ctx)
{
	mem_store *s = ctx;
	return al_map_rollback_to(s->map);
}

static void mem_free(void *ctx)
{
	mem_store *s = ctx;
	if (!s)
		return;
	al_map_free(s->map);
	pthread_mutex_destroy(&s->mu);
	al_alloc a = s->alloc;
	al_free(&a, s);
}

int autolic_store_memory_new(autolic_storage *out, const autolic_allocator *alloc)
{
	if (!out)
		return al_err(AUTOLIC_EINVAL, "out is NULL");
	if (alloc && !al_alloc_valid(alloc))
		return al_err(AUTOLIC_EINVAL,
		              "allocator must set malloc_fn, realloc_fn and free_fn");
	al_alloc a;
	al_alloc_init(&a, alloc);
	mem_store *s = al_calloc(&a, 1, sizeof(*s));
	if (!s)
		return al_err(AUTOLIC_ENOMEM, "out of memory creating the memory store");
	s->alloc = a;
	if (al_map_new(&s->map, alloc)) {
		al_free(&a, s);
		return al_err(AUTOLIC_ENOMEM, "out of memory creating the memory store");
	}
	if (pthread_mutex_init(&s->mu, NULL)) {
		al_map_free(s->map);
		al_free(&a, s);
		return al_err(AUTOLIC_ENOMEM, "cannot create the memory store's mutex");
	}
	autolic_storage st = {
	    .version = AUTOLIC_STORAGE_VERSION,
	    .ctx = s,
	    .begin = mem_begin,
	    .get = mem_get,
	    .put = mem_put,
	    .del = mem_del,
	    .scan = mem_scan,
	    .commit = mem_commit,
	    .rollback = mem_rollback,
	    .free = mem_free,
	    .savepoint = mem_savepoint,
	    .release = mem_release,
	    .rollback_to = mem_rollback_to,
	};
	*out = st;
	return 0;
}
