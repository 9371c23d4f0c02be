/*
 * Fusion Operations: the pure rules (OPS-5 selection, days left, payment
 * state), apart from storage. Declared in src/ops.h.
 */
#include "ops.h"
#include "core/timecalc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY 86400

/* ---- pure rules ---- */

int al_ops_cand_cmp(const al_ops_cand *a, const al_ops_cand *b)
{
	if (a->has_production != b->has_production)
		return a->has_production ? 1 : -1; /* no production record first */
	if (a->has_production && a->last_production != b->last_production)
		return a->last_production < b->last_production ? -1 : 1;
	if (a->created != b->created)
		return a->created < b->created ? -1 : 1;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return 0;
}

static int cand_qsort_cmp(const void *a, const void *b)
{
	return al_ops_cand_cmp(a, b);
}

size_t al_ops_select_excess(al_ops_cand *c, size_t n, uint64_t licences)
{
	if ((uint64_t)n <= licences)
		return 0;
	if (n > 1)
		qsort(c, n, sizeof(*c), cand_qsort_cmp);
	return n - (size_t)licences;
}

int64_t al_ops_days_left(autolic_time now, autolic_time end)
{
	if (now >= end)
		return 0;
	int64_t left = al_time_sub_sat(end, now);
	return left / DAY + (left % DAY != 0);
}

int al_ops_payment_state(int late, autolic_time due, autolic_time now)
{
	if (!late)
		return AUTOLIC_OPS_PAYMENT_OK;
	return now < al_time_add_sat(due, AUTOLIC_OPS_PAYMENT_GRACE) ? AUTOLIC_OPS_PAYMENT_WARNING
	                                                             : AUTOLIC_OPS_PAYMENT_BLOCKED;
}
