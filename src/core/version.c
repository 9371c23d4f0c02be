#include "autolic/common.h"

#define STR2(x) #x
#define STR(x)  STR2(x)

const char *autolic_version(int *major, int *minor, int *patch)
{
	if (major)
		*major = AUTOLIC_VERSION_MAJOR;
	if (minor)
		*minor = AUTOLIC_VERSION_MINOR;
	if (patch)
		*patch = AUTOLIC_VERSION_PATCH;
	return STR(AUTOLIC_VERSION_MAJOR) "." STR(AUTOLIC_VERSION_MINOR) "." STR(
	    AUTOLIC_VERSION_PATCH);
}
