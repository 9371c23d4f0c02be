/*
 * FALLBACK — delete this file when the real nouns land on main.
 *
 * Flex (src/flex.c) calls two cross-noun contracts that are declared but
 * not yet implemented on main: al_team_check and al_team_require_admin
 * (src/team.h, branch `roles`). These WEAK definitions let the library link
 * and the Flex tests run before teams merge; the strong definitions in
 * src/team.c replace them. (al_seat_held is the real one from src/seat.c.)
 *
 *   al_team_check          0 for any nonzero team id
 *   al_team_require_admin  0 (everyone is an administrator)
 */
#include "core/error.h"
#include "team.h"

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
