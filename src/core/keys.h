/*
 * Key layout. Every stored record's key starts with one prefix byte naming
 * its type; integers follow big-endian (signed ones with the sign bit
 * flipped) so that range scans return them in numeric order; strings end
 * with a 0 byte so that no key is a prefix of another's string part.
 *
 * Prefixes are never reused. Each noun owns one range of 16.
 */
#ifndef AL_CORE_KEYS_H
#define AL_CORE_KEYS_H

#include <stddef.h>
#include <stdint.h>

enum al_prefix {
	/* 0x01-0x0f core */
	AL_K_SEQ = 0x01,    /* name -> u64 last id issued */
	AL_K_SCHEMA = 0x02, /* -> schema record (format of the whole store) */
	/* 0x10 accounts */
	AL_K_ACCOUNT = 0x10,       /* id -> account */
	AL_K_ACCOUNT_EMAIL = 0x11, /* normalised email -> id */
	/* 0x20 teams */
	AL_K_TEAM = 0x20,        /* id -> team */
	AL_K_TEAM_MEMBER = 0x21, /* team, account -> member record (role) */
	AL_K_MEMBER_TEAM = 0x22, /* account, team -> (empty) */
	/* 0x30 contracts and roles */
	AL_K_CONTRACT = 0x30,         /* id -> contract */
	AL_K_CONTRACT_NUMBER = 0x31,  /* number -> id */
	AL_K_TEAM_CONTRACT = 0x32,    /* team, contract -> (empty) */
	AL_K_SERIAL = 0x33,           /* serial number -> contract id, product code */
	AL_K_CONTRACT_PRODUCT = 0x34, /* contract, product code -> quantity, serial */
	AL_K_CONTRACT_OFFER = 0x35,   /* contract, product, update code -> (empty): ROLE-8 offers */
	AL_K_ACCOUNT_CONTRACT =
	    0x36, /* account, contract -> role bits (1 manager, 2 coordinator) */
	/* 0x40 seats */
	AL_K_SEAT = 0x40,         /* contract, product, account -> grant */
	AL_K_ACCOUNT_SEAT = 0x41, /* account, contract, product -> (empty) */
	AL_K_SEAT_COUNT = 0x42,   /* contract, product -> u64 granted */
	/* 0x50 Flex (src/flex_*.c) */
	AL_K_FLEX_FIRST = 0x50,
	AL_K_FLEX_PRODUCT = 0x50, /* code -> catalogue product (name, added, current rate) */
	AL_K_FLEX_RATE = 0x51,    /* code, i64 effective -> rate (FLEX-3 rate history) */
	AL_K_FLEX_TEAM = 0x52,    /* team -> policy, overage owed, low flag, defaults (FLEX-5/8/12),
	                             sums of its lots (format 2, docs/record-format.md) */
	AL_K_FLEX_LOT = 0x53,     /* lot -> lot; lot, team, i64 time, seq -> amount: the lot's
	                             ledger entries by team and time (SEAM-4, format 3) */
	AL_K_FLEX_TEAM_LOT = 0x54, /* team, i64 expires, lot -> (empty): unexpired lots by expiry */
	AL_K_FLEX_TEAM_OLD = 0x55, /* team, lot -> (empty): lots whose expiry was recorded */
	AL_K_FLEX_LEDGER = 0x56,   /* team, u64 seq -> ledger entry (FLEX-10) */
	AL_K_FLEX_USER = 0x57,     /* team, account -> Flex assignment (FLEX-7) */
	AL_K_FLEX_WINDOW = 0x58,   /* account, product, i64 start -> window (FLEX-3) */
	AL_K_FLEX_SESSION = 0x59,  /* session -> session */
	AL_K_FLEX_OPEN = 0x5a,     /* account, product, session -> (empty): sessions not closed */
	AL_K_FLEX_IDEM = 0x5b,     /* idempotency key -> report and first result (FLEX-13) */
	AL_K_FLEX_USAGE = 0x5c,    /* team, i64 day, window -> usage row (FLEX-11) */
	AL_K_FLEX_TRIAL = 0x5d,    /* account, product, i64 start -> end (FLEX-6) */
	AL_K_FLEX_TEAM_LIVE = 0x5e, /* team, i64 expires, lot -> (empty): the lots of 0x54 that
	                               still hold tokens, so a charge reads only those (FLEX-2) */
	AL_K_FLEX_LAST = 0x5f,
	/* 0x60 Fusion Operations (src/ops*.c) */
	AL_K_OPS_FIRST = 0x60,
	AL_K_OPS_HUB = 0x60,        /* hub id -> hub */
	AL_K_OPS_TENANT_HUB = 0x61, /* tenant account -> hub id (one hub per tenant) */
	AL_K_OPS_ADMIN = 0x62,      /* tenant, admin account -> (empty) */
	AL_K_OPS_ADMIN_OF = 0x63,   /* admin account, tenant -> (empty) */
	AL_K_OPS_SUB = 0x64,        /* tenant, subscription number -> subscription */
	AL_K_OPS_SUB_NUMBER = 0x65, /* subscription number -> tenant */
	AL_K_OPS_USER = 0x66,       /* hub, account -> hub user (user licence) */
	AL_K_OPS_OPERATOR = 0x67,   /* hub, operator id -> operator */
	AL_K_OPS_OP_NUMBER = 0x68,  /* hub, operator number -> operator id */
	AL_K_OPS_OP_HUB = 0x69,     /* operator id -> hub id */
	AL_K_OPS_USER_OP = 0x6a,    /* hub, account, operator id -> (empty): OPS-3 operators */
	AL_K_OPS_LAST = 0x6f,
	/* 0x70 developer hubs (APS-2..APS-4) */
	AL_K_HUB_FIRST = 0x70,
	AL_K_HUB = 0x70,         /* id -> hub (team, name, created) */
	AL_K_TEAM_HUB = 0x71,    /* team -> hub id (APS-2: at most one) */
	AL_K_HUB_APP = 0x72,     /* application id -> (hub, name) */
	AL_K_HUB_APPS = 0x73,    /* hub, application -> (empty) */
	AL_K_HUB_ADMIN = 0x74,   /* hub, account -> (empty): appointed hub admins */
	AL_K_ACCOUNT_HUB = 0x75, /* account, hub -> (empty): reverse of AL_K_HUB_ADMIN */
	AL_K_HUB_LAST = 0x7f,
	/* 0x80 reports and idempotency */
	AL_K_REPORT_FIRST = 0x80,
	AL_K_REPORT_LAST = 0x8f,
	/* 0x90 notifications (NOTE-1, NOTE-2: src/core/note.c, src/notification.c) */
	AL_K_NOTE_FIRST = 0x90,
	AL_K_NOTE = 0x90,          /* stream, u64 position -> notice */
	AL_K_NOTE_HEAD = 0x91,     /* stream -> u64 last position given */
	AL_K_NOTE_CONSUMER = 0x92, /* consumer name -> consumer (created) */
	AL_K_NOTE_POS = 0x93,      /* consumer name, stream -> u64 last position acknowledged */
	AL_K_NOTE_LAST = 0x9f
};

#define AL_KEY_MAX 600

typedef struct al_key {
	unsigned char b[AL_KEY_MAX];
	size_t len;
	int overflow;
} al_key;

void al_key_init(al_key *k, uint8_t prefix);
void al_key_u64(al_key *k, uint64_t v);
void al_key_i64(al_key *k, int64_t v);
void al_key_str(al_key *k, const char *s);
/* The common shapes: prefix, id; prefix, a, b; prefix, owner, instant, id
 * (an index by time of an owner's records). */
void al_key_id(al_key *k, uint8_t prefix, uint64_t id);
void al_key_pair(al_key *k, uint8_t prefix, uint64_t a, uint64_t b);
void al_key_dated(al_key *k, uint8_t prefix, uint64_t owner, int64_t when, uint64_t id);
/* Smallest key greater than every key that starts with k (for range ends).
 * 0, or -1 when k is all 0xff bytes (no upper bound). */
int al_key_prefix_end(const al_key *k, al_key *end);
/* Read back an integer at byte offset `at` of a key. */
uint64_t al_key_get_u64(const unsigned char *key, size_t at);
int64_t al_key_get_i64(const unsigned char *key, size_t at);

#endif
