/* The memory store passes the storage conformance suite. */
#include "support.h"

static int open_memory(autolic_storage *out, void *ctx)
{
	(void)ctx;
	return autolic_store_memory_new(out, NULL);
}

int main(void)
{
	t_backend b = {"conformance/memory", open_memory, NULL, 0, NULL};
	return t_conformance_run(&b);
}
