/*
 * IN-3: time arithmetic that stays in range. Every sum or difference of
 * times and periods the library computes goes through these, so that a
 * clock or an argument near either end of the 64-bit range never overflows:
 * a time the library would store or act on is refused (al_time_add), a time
 * it only shows or compares saturates at the end of the range
 * (al_time_add_sat, al_time_sub_sat).
 */
#ifndef AL_CORE_TIMECALC_H
#define AL_CORE_TIMECALC_H

#include "autolic/common.h"

#include <stdint.h>

/* *out = a + b, or AUTOLIC_EINVAL "IN-3: <field> ..." naming the field when
 * the sum does not fit (*out is then left alone). */
int al_time_add(autolic_time a, int64_t b, autolic_time *out, const char *field);

/* a + b, or INT64_MIN / INT64_MAX when the sum does not fit. */
autolic_time al_time_add_sat(autolic_time a, int64_t b);

/* a - b, or INT64_MIN / INT64_MAX when the difference does not fit. */
int64_t al_time_sub_sat(autolic_time a, autolic_time b);

/* A time as people read it in messages: ISO-8601 UTC, "2026-02-01T00:00:00Z";
 * a year outside 0..9999 is written with its sign and all its digits
 * ("+292277026596-12-04T15:30:07Z"). Returns buf. */
#define AL_TIME_TEXT_CAP 32
const char *al_time_text(char buf[AL_TIME_TEXT_CAP], autolic_time t);

/* 0 when `to` is after `from`; else AUTOLIC_EINVAL "<rule>: the <what> must
 * end after it starts, not <from> to <to>" carrying both times as numbers
 * named `from_name` and `to_name` (string literals). */
int al_time_span_check(const char *rule, const char *what, const char *from_name,
                       const char *to_name, autolic_time from, autolic_time to);

#endif
