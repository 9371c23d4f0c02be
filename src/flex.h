/*
 * Flex tokens, internal: the pure rules (lot order and allocation, the window
 * state machine), apart from storage so that they are tested on their own
 * (src/flex_rules.c).
 */
#ifndef AL_FLEX_H
#define AL_FLEX_H

#include "autolic/flex.h"

#include <stddef.h>
#include <stdint.h>

/* ---- FLEX-2: lot order and the allocation of one charge ---- */

typedef struct al_flex_lot {
	autolic_id id;
	autolic_time purchased, expires;
	int64_t quantity, remaining;
} al_flex_lot;

typedef struct al_flex_draw {
	autolic_id lot;
	int64_t amount;
} al_flex_draw;

/* FLEX-2 order: earliest expiry, then smallest remaining, then lower lot id
 * (lot ids grow with purchase order, so the older of two identical lots). */
int al_flex_lot_cmp(const al_flex_lot *a, const al_flex_lot *b);
void al_flex_lot_sort(al_flex_lot *v, size_t n);
/* A lot may pay for use at `at`: bought at or before it, expiring after it,
 * something left. */
int al_flex_lot_usable(const al_flex_lot *l, autolic_time at);
/* Tokens usable at `at`. */
int64_t al_flex_usable(const al_flex_lot *v, size_t n, autolic_time at);
/* Draw `amount` from the lots usable at `at` in FLEX-2 order (sorts `v`,
 * lowers `remaining`). Writes one draw per lot touched into `out` (room for
 * n). Returns the part that could not be drawn (0 when covered). */
int64_t al_flex_allocate(al_flex_lot *v, size_t n, autolic_time at, int64_t amount,
                         al_flex_draw *out, size_t *nout);

/* ---- FLEX-3/4: the window state machine ---- */

enum al_flex_sstate {
	AL_FS_NONE = 0,   /* no session yet (launch) */
	AL_FS_ACTIVE = 1, /* in use since its last report */
	AL_FS_IDLE = 2,   /* idle since its last report */
	AL_FS_CLOSED = 3,
	AL_FS_ENDED = 4 /* ended because a window could not be paid (FLEX-5) */
};

/* A window of one (user, product). */
typedef struct al_flex_win {
	int exists;
	autolic_time start, end;
	autolic_id opener;          /* session whose launch opened it; 0 otherwise */
	autolic_time opener_launch; /* that launch's time */
} al_flex_win;

typedef struct al_flex_input {
	int kind; /* autolic_flex_report_kind */
	autolic_time at;
	/* session (not for a launch) */
	autolic_id session;
	int state;         /* enum al_flex_sstate */
	autolic_time last; /* time of the session's last report */
	al_flex_win own;   /* the window the session's launch opened or joined */
	/* LAUNCH: the latest window starting at or before `at`, and whether a
	 * window starts after `at`. Other kinds: the session's current window
	 * (FLEX-3: the one its use is in, or was last in while idle); the caller
	 * walks the windows the plan opens, joining those that exist. */
	al_flex_win win;
	int later;
	int others_open; /* other open sessions of this (user, product) */
} al_flex_input;

enum al_flex_open {
	AL_FO_NONE = 0,
	AL_FO_LAUNCH = 1,  /* one window at `at`, opened by this session's launch */
	AL_FO_RESUME = 2,  /* one window at `at` (use resumed after idle) */
	AL_FO_ROLLOVER = 3 /* windows back to back from the current window's end, each
	                      joined when one starts there (at most n) */
};

typedef struct al_flex_plan {
	int rc; /* 0 or AUTOLIC_ESTATE (why says why) */
	const char *why;
	int join;           /* LAUNCH inside `win`: nothing charged */
	int open;           /* enum al_flex_open */
	autolic_time first; /* start of the first window to open */
	uint64_t n_open;    /* windows to open, each AUTOLIC_FLEX_WINDOW_SECONDS after the last */
	int refund;         /* FLEX-4: refund and discard the session's own window */
	int new_state;      /* enum al_flex_sstate */
} al_flex_plan;

/* Given the window state and one report, decide what happens (pure). */
void al_flex_step(const al_flex_input *in, al_flex_plan *out);

/* ---- for the other nouns (storage; implemented in src/flex_records.c and the Flex call files)
 * ---- */

struct al_txn;
/* SEAT-4, SEAM-3: drop the account's Flex assignment in the team, if it has
 * one (the removal of the account calls it for each of its teams). */
int al_flex_user_forget(struct al_txn *t, autolic_id team, autolic_id account);
/* Stores written before SEAM-3 (src/upgrade.c): with `apply` 0, find the
 * first Flex assignment whose account is not a member of the team (*team,
 * *account; 0 when none), or whose account was removed (*removed 1); with
 * `apply` 1, make every such account a user of the team and drop the
 * assignments of removed accounts. */
int al_flex_upgrade_members(struct al_txn *t, int apply, autolic_id *team, autolic_id *account,
                            int *removed);

#endif
