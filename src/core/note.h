/*
 * The notification record (NOTE-1): every event a call raises is also
 * written, by the same transaction, as a compact record in its stream. A
 * stream is the team the notice concerns, or for a notice outside any team
 * (invitations, Fusion Operations) the account it is for; each stream
 * numbers its notices 1, 2, ... in commit order (docs/notifications.md).
 * The reader, consumers and trimming are the notification noun's
 * (src/notification.c); the record, its keys and the append live here so
 * that the transaction runner can write it where the event is raised.
 */
#ifndef AL_CORE_NOTE_H
#define AL_CORE_NOTE_H

#include "autolic/notification.h"
#include "txn.h"

#include <stdarg.h>

/* A stream that is an account, not a team: the high bit of the stream id. */
#define AL_NOTE_ACCOUNT_STREAM (UINT64_C(1) << 63)

/* The stream of a notice about `team` (0: none) for `recipient`. */
uint64_t al_note_stream(autolic_id team, autolic_id recipient);

/* Keys: a notice (stream, position) and a stream's head (its last position). */
void al_note_key(al_key *k, uint64_t stream, uint64_t pos);
void al_note_head_key(al_key *k, uint64_t stream);

/* Record the notice in its stream: the next position of the stream's head,
 * the fields, and the message as its template `fmt` and the arguments `ap`
 * (the text is rendered when read). 0 or an error (storage, ENOMEM). */
int al_note_append(al_txn *t, int type, autolic_id recipient, autolic_id team, autolic_id object,
                   const char *product, const char *rule, const char *fmt, va_list ap);

/* Read a stream head record: its last position. */
int al_note_head_decode(const void *p, size_t len, uint64_t *last);

/* A notice read back: strings and numbers live in `block`, one allocation
 * (freed with al_free). */
typedef struct al_note {
	autolic_notice n;
	void *block;
} al_note;

/* Decode the notice record at key (stream, pos) and render its text. 0,
 * AUTOLIC_ENOMEM, AUTOLIC_EVERSION or AUTOLIC_ECORRUPT. */
int al_note_decode(const void *p, size_t len, uint64_t stream, uint64_t pos, const al_alloc *a,
                   al_note *out);

/* The time a notice record holds, without decoding the rest (for trimming):
 * 0, or AUTOLIC_ECORRUPT / AUTOLIC_EVERSION. */
int al_note_time(const void *p, size_t len, autolic_time *time);

#endif
