/*
 * FALLBACK — delete this file when the real nouns land on main.
 *
 * Flex (src/flex.c) calls three cross-noun contracts that are declared but
 * not yet implemented on main: al_team_check and al_team_require_admin
 * (src/team.h, branch `roles`) and al_seat_held (src/seat.h, branch `seats`).
 * These WEAK definitions let the library link and the Flex tests run before
 * those branches merge; the strong definitions in src/team.c and src/seat.c
 * replace them automatically. Delete each piece when its noun lands.
 *
 *   al_team_check          0 for any nonzero team id
 *   al_team_require_admin  0 (everyone is an administrator)
 *   al_seat_held           what al_flex_fallback_seat_set() recorded (tests only)
 */
#include "core/error.h"
#include "seat.h"
#include "team.h"

#include <pthread.h>
#include <string.h>

/* Non-zero while this fallback provides the team contracts: tests that need
 * real teams (unknown team, non-administrator) check it. */
__attribute__((weak)) int al_flex_fallback_teams = 1;

__attribute__((weak)) int al_team_check(al_txn *t, autolic_id team)
{
	(void)t;
	return team ? 0 : al_err(AUTOLIC_ENOTFOUND, "team 0 does not exist");
}

__attribute__((weak)) int al_team_require_admin(al_txn *t, autolic_id team, autolic_id actor,
                                                const char *rule, const char *what)
{
	(void)t;
	(void)team;
	(void)actor;
	(void)rule;
	(void)what;
	return 0;
}

/* Seat holders for tests, until src/seat.c exists. */
#define FALLBACK_SEATS 64
static struct {
	autolic_id account;
	char product[64];
} seats[FALLBACK_SEATS];
static size_t n_seats;
static pthread_mutex_t seats_mu = PTHREAD_MUTEX_INITIALIZER;

void al_flex_fallback_seat_set(autolic_id account, const char *product, int held);
void al_flex_fallback_seat_set(autolic_id account, const char *product, int held)
{
	pthread_mutex_lock(&seats_mu);
	size_t i = 0;
	while (i < n_seats && !(seats[i].account == account && !strcmp(seats[i].product, product)))
		i++;
	if (held && i == n_seats && n_seats < FALLBACK_SEATS) {
		seats[n_seats].account = account;
		strncpy(seats[n_seats].product, product, sizeof seats[0].product - 1);
		n_seats++;
	} else if (!held && i < n_seats) {
		seats[i] = seats[--n_seats];
	}
	pthread_mutex_unlock(&seats_mu);
}

__attribute__((weak)) int al_seat_held(al_txn *t, autolic_id account, const char *product, int *held)
{
	(void)t;
	*held = 0;
	pthread_mutex_lock(&seats_mu);
	for (size_t i = 0; i < n_seats; i++)
		if (seats[i].account == account && !strcmp(seats[i].product, product))
			*held = 1;
	pthread_mutex_unlock(&seats_mu);
	return 0;
}
