/* The database handle's insides, for the core only. */
#ifndef AL_CORE_DB_INTERNAL_H
#define AL_CORE_DB_INTERNAL_H

#include "txn.h"

#include <pthread.h>

/* A block of ids of one store-wide sequence that the handle reserved
 * (src/core/seq.c): next..end-1 are its to give. */
#define AL_SEQ_SLOTS 16
typedef struct al_seq_block {
	const char *name;
	uint64_t next, end;
	uint32_t grow; /* size of the next block */
} al_seq_block;

struct autolic_db {
	al_alloc alloc;
	autolic_storage st;
	autolic_clock_fn clock;
	void *clock_ctx;
	autolic_event_fn on_event;
	void *event_ctx;
	unsigned int max_retries; /* 0: bounded by the time budget alone */
	unsigned int retry_budget_ms;
	uint64_t rng; /* back-off jitter */
	al_seq_block seq[AL_SEQ_SLOTS];
	pthread_mutex_t mu;
	int batch; /* a host batch is open (owned by batch_owner) */
	pthread_t batch_owner;
	int batch_aborted;
	al_evq batch_events;
};

void al_deliver(autolic_db *db, al_evq *q);
/* 1 when the calling thread has a host batch open on db. */
int al_db_owns_batch(autolic_db *db);
/* Normalise a backend failure and describe it: "storage <op> failed: ...". */
int al_storage_err(int rc, const char *op);

#endif
