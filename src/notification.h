/* Notifications (NOTE-1, NOTE-2), for the other nouns and the tests.
 * Implemented in src/notification.c; the record is src/core/note.h. */
#ifndef AL_NOTIFICATION_H
#define AL_NOTIFICATION_H

#include "core/txn.h"

/* The last position given in `stream` (0 when none). */
int al_note_head(al_txn *t, uint64_t stream, uint64_t *last);
/* The last position `consumer` acknowledged in `stream` (0 when none). */
int al_note_position(al_txn *t, const char *consumer, uint64_t stream, uint64_t *pos);

/* The notifications' part of autolic_db_check(): every notice decodes and
 * stands at or before its stream's head (NOTE-1); every position belongs to
 * a consumer and stands at or before its stream's head (NOTE-2). */
int al_note_check_all(al_txn *t);

#endif
