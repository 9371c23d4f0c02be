/* The multi-process notification race shared by test_sqlite_notes and
 * test_pg_notes: see notes_race.c. */
#ifndef AL_NOTES_RACE_H
#define AL_NOTES_RACE_H

#include "procs_race.h"

/* The race as a cmocka test body: writers and consumers in forked processes
 * over one database; `dir` holds the consumers' logs. */
void notes_race(const procs_backend *b, const char *dir);

#endif
