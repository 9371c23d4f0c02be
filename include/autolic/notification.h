/**
 * @file autolic/notification.h
 * @brief Durable notifications: every notice the rules call for, recorded by
 *        the transaction of the change (NOTE-1), read back in commit order
 *        by named consumers that acknowledge what they delivered (NOTE-2).
 *
 * The event handler of ::autolic_db_options is best-effort: it runs after
 * commit in the process that made the call, and a crash between the two
 * loses it. The notices below are the durable copy of the same events:
 * read them with autolic_note_iter_new(), deliver, then acknowledge with
 * autolic_note_ack(). A host that crashes before it acknowledges is shown
 * the notice again (at-least-once delivery). See @ref notifications
 * "Notifications".
 */
#ifndef AUTOLIC_NOTIFICATION_H
#define AUTOLIC_NOTIFICATION_H

#include "db.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Longest consumer name, in bytes of UTF-8. */
#define AUTOLIC_NOTE_CONSUMER_MAX 64

/** Current version of ::autolic_notice. */
#define AUTOLIC_NOTICE_VERSION 1

/**
 * @brief One recorded notification. Filled by the library; set `version` first.
 *
 * A notice belongs to a stream: the team it concerns, or, for a notice
 * outside any team (invitations, Fusion Operations), the account it is for.
 * Each stream numbers its notices 1, 2, 3... in the order their
 * transactions committed (NOTE-2). Pointers stay valid until the iterator
 * that gave the notice is freed.
 */
typedef struct autolic_notice {
	unsigned int version; /**< ::AUTOLIC_NOTICE_VERSION. */
	int type;             /**< An ::autolic_event_type (tolerate unknown values). */
	autolic_time time;    /**< When the change was made. */
	uint64_t stream;      /**< Its stream (opaque; pass it to autolic_note_ack()). */
	uint64_t position;    /**< Its position in the stream, from 1. */
	autolic_id recipient; /**< Account to notify; 0 when none in particular. */
	autolic_id team;      /**< Team concerned, or 0. */
	autolic_id object;    /**< Object concerned (contract, lot, operator...), or 0. */
	const char *product;  /**< Product code concerned, or NULL. */
	const char *rule;     /**< The rule behind it, e.g. "FLEX-12". */
	const char *text;     /**< English description, rendered when read. */
	const int64_t
	    *numbers;    /**< The numbers the text names, in its order (ids, tokens, times). */
	size_t nnumbers; /**< How many `numbers` there are. */
} autolic_notice;

/**
 * @brief Register a named consumer of notifications (NOTE-2).
 *
 * A consumer (say "mailer", "audit") keeps its own position in every stream,
 * stored in the store: a new one starts before the first notice kept, so it
 * is shown every notice not yet trimmed.
 * @param db the database.
 * @param name 1..::AUTOLIC_NOTE_CONSUMER_MAX bytes of UTF-8 without control characters (IN-1).
 * @return 0; ::AUTOLIC_EINVAL (NULL db, bad name); ::AUTOLIC_EEXISTS; ::AUTOLIC_ENOMEM;
 *         a storage error.
 * @par Thread-safety: safe.
 * @since 1.1
 */
AUTOLIC_EXTERN int autolic_note_consumer_add(autolic_db *db, const char *name);

/**
 * @brief Forget a consumer and its positions; what only it held back may then be trimmed.
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_ENOTFOUND; ::AUTOLIC_ENOMEM; a storage error.
 * @par Thread-safety: safe.
 * @since 1.1
 */
AUTOLIC_EXTERN int autolic_note_consumer_remove(autolic_db *db, const char *name);

/** An iterator over notices. Opaque. */
typedef struct autolic_note_iter autolic_note_iter;

/**
 * @brief The notices a consumer has not acknowledged, read in one transaction (NOTE-2).
 *
 * Within a stream the notices come in commit order (their positions); the
 * streams are interleaved by time, then stream. A notice is shown again,
 * by this call and after any crash or restart, until the consumer
 * acknowledges it.
 * @param db the database.
 * @param consumer a registered consumer.
 * @param max at most this many notices; 0 for all.
 * @param[out] out the iterator; free it with autolic_note_iter_free(). Set to NULL on failure.
 * @return 0; ::AUTOLIC_EINVAL; ::AUTOLIC_ENOTFOUND (NOTE-2: no such consumer);
 *         ::AUTOLIC_ENOMEM; ::AUTOLIC_ECORRUPT; a storage error.
 * @par Thread-safety: safe; the iterator belongs to one thread at a time.
 * @since 1.1
 */
AUTOLIC_EXTERN int autolic_note_iter_new(autolic_db *db, const char *consumer, size_t max,
                                         autolic_note_iter **out);

/**
 * @brief The next notice.
 * @param it the iterator.
 * @param[in,out] n filled; set `n->version` first (kept as set).
 * @return 0; ::AUTOLIC_ITEROVER after the last one; ::AUTOLIC_EINVAL; ::AUTOLIC_EVERSION.
 * @par Thread-safety: one thread at a time per iterator.
 * @since 1.1
 */
AUTOLIC_EXTERN int autolic_note_iter_next(autolic_note_iter *it, autolic_notice *n);

/**
 * @brief Release an iterator (NULL is fine).
 * @since 1.1
 */
AUTOLIC_EXTERN void autolic_note_iter_free(autolic_note_iter *it);

/**
 * @brief Acknowledge a consumer's delivery of a stream up to `position` (NOTE-2).
 *
 * Every notice of the stream at or before `position` is then never shown to
 * this consumer again. Acknowledging a position at or before the
 * consumer's current one changes nothing (a host that delivered twice may
 * acknowledge twice).
 * @param db the database.
 * @param consumer a registered consumer.
 * @param stream a notice's `stream`.
 * @param position a notice's `position`.
 * @return 0; ::AUTOLIC_EINVAL (NULL, position 0, or beyond the stream's last
 *         notice); ::AUTOLIC_ENOTFOUND (consumer or stream); ::AUTOLIC_ENOMEM;
 *         a storage error.
 * @par Thread-safety: safe.
 * @since 1.1
 */
AUTOLIC_EXTERN int autolic_note_ack(autolic_db *db, const char *consumer, uint64_t stream,
                                    uint64_t position);

/**
 * @brief Trim notices every consumer acknowledged (the retention policy).
 *
 * Removes each notice that every registered consumer has acknowledged and
 * whose time is at least `keep` seconds before now; with no consumer
 * registered, every notice that old. The positions of later notices do not
 * change. One transaction. Notices stay until trimmed: a host calls this
 * from time to time, or its store grows by one record per notice.
 * @param db the database.
 * @param keep seconds to keep acknowledged notices (0: trim all acknowledged).
 * @param[out] removed how many were removed (may be NULL).
 * @return 0; ::AUTOLIC_EINVAL (NULL db, keep < 0); ::AUTOLIC_ENOMEM; ::AUTOLIC_ECORRUPT;
 *         a storage error.
 * @par Thread-safety: safe.
 * @since 1.1
 */
AUTOLIC_EXTERN int autolic_note_trim(autolic_db *db, autolic_time keep, size_t *removed);

#ifdef __cplusplus
}
#endif
#endif
