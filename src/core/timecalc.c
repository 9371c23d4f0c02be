/* IN-3: time arithmetic in range (see timecalc.h). */
#include "timecalc.h"
#include "error.h"

int al_time_add(autolic_time a, int64_t b, autolic_time *out, const char *field)
{
	autolic_time r;
	if (__builtin_add_overflow(a, b, &r)) {
		char at[AL_TIME_TEXT_CAP];
		al_err(AUTOLIC_EINVAL,
		       "IN-3: %s is out of range: %s + %lld seconds does not fit in a time", field,
		       al_time_text(at, a), (long long)b);
		al_err_time("time", a);
		return al_err_seconds("added", b);
	}
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

const char *al_time_text(char buf[AL_TIME_TEXT_CAP], autolic_time t)
{
	/* days since 1970-01-01 and the second of the day, rounded down */
	int64_t days = t / 86400, sec = t % 86400;
	if (sec < 0) {
		sec += 86400;
		days--;
	}
	/* the civil date of `days` (proleptic Gregorian, 400-year eras) */
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int day = (int)(doy - (153 * mp + 2) / 5 + 1);
	int month = (int)(mp < 10 ? mp + 3 : mp - 9);
	int64_t year = yoe + era * 400 + (month <= 2);
	/* written by hand: messages show times on refusals, and snprintf()
	 * costs more than the rest of many refused calls */
	char *p = buf;
	if (year < 0 || year > 9999)
		*p++ = year < 0 ? '-' : '+';
	uint64_t y = year < 0 ? 0 - (uint64_t)year : (uint64_t)year;
	char rev[24];
	int n = 0;
	do
		rev[n++] = (char)('0' + y % 10);
	while ((y /= 10) != 0);
	while (n < 4)
		rev[n++] = '0';
	while (n)
		*p++ = rev[--n];
	const int parts[5] = {month, day, (int)(sec / 3600), (int)(sec / 60 % 60), (int)(sec % 60)};
	static const char sep[5] = {'-', '-', 'T', ':', ':'};
	for (int i = 0; i < 5; i++) {
		*p++ = sep[i];
		*p++ = (char)('0' + parts[i] / 10);
		*p++ = (char)('0' + parts[i] % 10);
	}
	*p++ = 'Z';
	*p = 0;
	return buf;
}

int al_time_span_check(const char *rule, const char *what, const char *from_name,
                       const char *to_name, autolic_time from, autolic_time to)
{
	if (to > from)
		return 0;
	char a[AL_TIME_TEXT_CAP], b[AL_TIME_TEXT_CAP];
	al_err(AUTOLIC_EINVAL, "%s: the %s must end after it starts, not %s to %s", rule, what,
	       al_time_text(a, from), al_time_text(b, to));
	al_err_time(from_name, from);
	return al_err_time(to_name, to);
}
