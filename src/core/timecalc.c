/* IN-3: time arithmetic in range (see timecalc.h). */
#include "timecalc.h"
#include "error.h"

int al_time_add(autolic_time a, int64_t b, autolic_time *out, const char *field)
{
	autolic_time r;
	if (__builtin_add_overflow(a, b, &r))
		return al_err(
		    AUTOLIC_EINVAL,
		    "IN-3: %s is out of range: %lld + %lld seconds does not fit in a time", field,
		    (long long)a, (long long)b);
	*out = r;
	return 0;
}

autolic_time al_time_add_sat(autolic_time a, int64_t b)
{
	autolic_time r;
	if (__builtin_add_overflow(a, b, &r))
		return b < 0 ? INT64_MIN : INT64_MAX;
	return r;
}

int64_t al_time_sub_sat(autolic_time a, autolic_time b)
{
	int64_t r;
	if (__builtin_sub_overflow(a, b, &r))
		return b > 0 ? INT64_MIN : INT64_MAX;
	return r;
}
