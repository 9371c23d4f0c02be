/*
 * Flex tokens: the pure rules (lot order, allocation, the window state
 * machine of FLEX-2..FLEX-5); no storage. See docs/metering.md.
 */
#include "flex_internal.h"

/* ================================================================== */
/* Pure rules                                                          */
/* ================================================================== */

int al_flex_lot_cmp(const al_flex_lot *a, const al_flex_lot *b)
{
	if (a->expires != b->expires)
		return a->expires < b->expires ? -1 : 1;
	if (a->remaining != b->remaining)
		return a->remaining < b->remaining ? -1 : 1;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return 0;
}

static int lot_qcmp(const void *a, const void *b)
{
	return al_flex_lot_cmp(a, b);
}

void al_flex_lot_sort(al_flex_lot *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof(*v), lot_qcmp);
}

int al_flex_lot_usable(const al_flex_lot *l, autolic_time at)
{
	return l->purchased <= at && at < l->expires && l->remaining > 0;
}

int64_t al_flex_usable(const al_flex_lot *v, size_t n, autolic_time at)
{
	int64_t sum = 0;
	for (size_t i = 0; i < n; i++)
		if (al_flex_lot_usable(&v[i], at))
			sum += v[i].remaining;
	return sum;
}

int64_t al_flex_allocate(al_flex_lot *v, size_t n, autolic_time at, int64_t amount,
                         al_flex_draw *out, size_t *nout)
{
	al_flex_lot_sort(v, n);
	*nout = 0;
	for (size_t i = 0; i < n && amount > 0; i++) {
		if (!al_flex_lot_usable(&v[i], at))
			continue;
		int64_t take = v[i].remaining < amount ? v[i].remaining : amount;
		v[i].remaining -= take;
		amount -= take;
		out[*nout].lot = v[i].id;
		out[*nout].amount = take;
		(*nout)++;
	}
	return amount;
}

void al_flex_step(const al_flex_input *in, al_flex_plan *p)
{
	memset(p, 0, sizeof(*p));
	if (in->kind == AUTOLIC_FLEX_LAUNCH) {
		p->new_state = AL_FS_ACTIVE;
		if (in->win.exists && in->at >= in->win.start && in->at < in->win.end) {
			p->join = 1; /* FLEX-3: relaunch inside an open window is free */
			return;
		}
		if (in->later) {
			p->rc = AUTOLIC_ESTATE;
			p->why =
			    "FLEX-3: this launch falls before the latest window of this user and "
			    "product and inside none; windows are opened in time order";
			return;
		}
		p->open = AL_FO_LAUNCH;
		p->first = in->at;
		p->n_open = 1;
		return;
	}
	if (in->state == AL_FS_CLOSED) {
		p->rc = AUTOLIC_ESTATE;
		p->why = "FLEX-3: the session is already closed";
		return;
	}
	if (in->state == AL_FS_ENDED && in->kind != AUTOLIC_FLEX_CLOSE) {
		p->rc = AUTOLIC_ESTATE;
		p->why = "FLEX-5: the session was ended because a window could not be paid; "
		         "launch again";
		return;
	}
	if (in->at < in->last) {
		p->rc = AUTOLIC_ESTATE;
		p->why =
		    "FLEX-3: out of order: the report is earlier than the session's last report";
		return;
	}
	if (in->state == AL_FS_ENDED) {
		p->new_state = AL_FS_CLOSED; /* the host acknowledges the end */
		return;
	}
	p->new_state = in->kind == AUTOLIC_FLEX_ACTIVITY ? AL_FS_ACTIVE
	               : in->kind == AUTOLIC_FLEX_IDLE   ? AL_FS_IDLE
	                                                 : AL_FS_CLOSED;
	if (in->state == AL_FS_ACTIVE) {
		/* In use from `last` up to `at`: crossing a window's end opens the next
		 * one at that very end, as often as needed. */
		if (in->win.exists && in->at >= in->win.end) {
			p->open = AL_FO_ROLLOVER;
			p->first = in->win.end;
			p->n_open = (uint64_t)((in->at - in->win.end) / WINDOW) + 1;
		} else if (!in->win.exists && in->kind != AUTOLIC_FLEX_CLOSE) {
			p->open = AL_FO_RESUME;
			p->first = in->at;
			p->n_open = 1;
		}
	} else if (in->kind == AUTOLIC_FLEX_ACTIVITY &&
	           (!in->win.exists || in->at >= in->win.end)) {
		/* idle time is not use: the next window opens when use resumes */
		p->open = AL_FO_RESUME;
		p->first = in->at;
		p->n_open = 1;
	}
	if (in->kind == AUTOLIC_FLEX_CLOSE && p->open == AL_FO_NONE && in->own.exists &&
	    in->own.opener == in->session &&
	    in->at - in->own.opener_launch <= AUTOLIC_FLEX_REFUND_SECONDS && in->others_open == 0)
		p->refund = 1; /* FLEX-4 */
}
