/* The multi-process notification race, the second test of test_sqlite_procs
 * and test_pg_procs: see notes_race.c. */
#ifndef AL_NOTES_RACE_H
#define AL_NOTES_RACE_H

#include "procs_race.h"

/* The race as a cmocka test body: writers and consumers in forked processes
 * over one database (which may hold other data already). */
void notes_race(const procs_backend *b);

#endif
