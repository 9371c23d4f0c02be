#include "snap.h"
#include "autolic/common.h"

#include <string.h>

int al_snap_next(const void *v, size_t n, size_t *pos, size_t size, void *out)
{
	if (*pos >= n)
		return AUTOLIC_ITEROVER;
	unsigned int version;
	memcpy(&version, out, sizeof version);
	memcpy(out, (const char *)v + *pos * size, size);
	memcpy(out, &version, sizeof version);
	(*pos)++;
	return 0;
}
