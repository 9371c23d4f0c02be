/*
 * The notification record (src/core/note.c, NOTE-1) and the id blocks
 * (src/core/seq.c), below the public calls.
 *
 * A notice keeps its message as the template and its arguments, and renders
 * the text when read. Every conversion a template may use (%d %i %u %x %s,
 * with no length, l, ll or z; %%) reads back as the text printf makes of the
 * same template and arguments, and its numbers in order. A template the
 * record cannot keep (widths, %c, %ls, more than 16 arguments) is kept
 * rendered, so its text is still exact. A damaged record (unknown argument
 * kind, too many arguments, a template that does not name its arguments, a
 * NUL inside a text, a record of another type) is AUTOLIC_ECORRUPT; an
 * allocation failure while reading is AUTOLIC_ENOMEM; nothing leaks.
 *
 * A handle keeps at most AL_SEQ_SLOTS sequences of ids (one more is
 * AUTOLIC_ESTORAGE, a fault of the library's own tables), and a counter at
 * the end of the id range is AUTOLIC_ESTORAGE, never an id used twice.
 */
#include "support.h"

#include "core/array.h"
#include "core/codec.h"
#include "core/db_internal.h"
#include "core/error.h"
#include "core/keys.h"
#include "core/note.h"
#include "core/txn.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#define TEAM 7

/* Append a notice of team TEAM with this template and arguments. */
static int append(al_txn *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc =
	    al_note_append(t, AUTOLIC_EVENT_SEAT_GRANTED, 3, TEAM, 9, "acad", "SEAT-3", fmt, ap);
	va_end(ap);
	return rc;
}

/* The text printf makes of the template and arguments. */
static void expect_text(char *dst, size_t cap, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(dst, cap, fmt, ap);
	va_end(ap);
}

/* Read notice `pos` of TEAM's stream back; 0 or the decoder's code. */
static int read_back(al_txn *t, uint64_t pos, al_note *out)
{
	al_key k;
	al_note_key(&k, al_note_stream(TEAM, 3), pos);
	al_buf b;
	al_buf_init(&b, t->a);
	int rc = al_txn_get(t, &k, &b);
	if (!rc)
		rc = al_note_decode(b.p, b.len, al_note_stream(TEAM, 3), pos, t->a, out);
	al_buf_free(&b);
	return rc;
}

typedef struct {
	char want[8][256];
	int64_t nums[8][12];
	size_t nnums[8];
	int n;
} cases;

static int append_fn(al_txn *t, void *arg)
{
	cases *c = arg;
	c->n = 0;
	int rc = 0;
	/* every kept conversion */
	rc = rc ? rc : append(t, "%d %i %u %x [%s]", -5, 6, 7u, 255u, "str");
	expect_text(c->want[c->n], 256, "%d %i %u %x [%s]", -5, 6, 7u, 255u, "str");
	c->nnums[c->n] = 4;
	memcpy(c->nums[c->n++], (int64_t[]){-5, 6, 7, 255}, 4 * sizeof(int64_t));
	rc = rc ? rc
	        : append(t, "%ld %lu %lx %lld %llu %llx %zu %zd %zx", -1L, 2UL, 0x1fUL, -3LL, 4ULL,
	                 0x2fULL, (size_t)9, (size_t)10, (size_t)11);
	expect_text(c->want[c->n], 256, "%ld %lu %lx %lld %llu %llx %zu %zu %zx", -1L, 2UL, 0x1fUL,
	            -3LL, 4ULL, 0x2fULL, (size_t)9, (size_t)10, (size_t)11);
	c->nnums[c->n] = 9;
	memcpy(c->nums[c->n++], (int64_t[]){-1, 2, 0x1f, -3, 4, 0x2f, 9, 10, 11},
	       9 * sizeof(int64_t));
	/* %% and a missing text */
	rc = rc ? rc : append(t, "100%% of %s[%s]", "seats", (const char *)NULL);
	snprintf(c->want[c->n], 256, "100%% of seats[]");
	c->nnums[c->n++] = 0;
	/* templates kept rendered: a width, %c, %ls */
	rc = rc ? rc : append(t, "%5d|%c|%ls", 42, 'y', L"w");
	expect_text(c->want[c->n], 256, "%5d|%c|%ls", 42, 'y', L"w");
	c->nnums[c->n++] = 0;
	/* more arguments than a record keeps */
	const char *many = "%d%d%d%d%d%d%d%d%d%d%d%d%d%d%d%d%d";
	rc = rc ? rc : append(t, many, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17);
	expect_text(c->want[c->n], 256, many, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
	            17);
	c->nnums[c->n++] = 0;
	return rc;
}

static int check_fn(al_txn *t, void *arg)
{
	cases *c = arg;
	for (int i = 0; i < c->n; i++) {
		al_note n;
		int rc = read_back(t, (uint64_t)i + 1, &n);
		if (rc)
			fail_msg("notice %d: %d %s", i + 1, rc, autolic_errmsg());
		assert_string_equal(n.n.text, c->want[i]);
		assert_int_equal(n.n.nnumbers, c->nnums[i]);
		for (size_t j = 0; j < c->nnums[i]; j++)
			assert_int_equal(n.n.numbers[j], c->nums[i][j]);
		assert_string_equal(n.n.product, "acad");
		assert_string_equal(n.n.rule, "SEAT-3");
		assert_int_equal(n.n.team, TEAM);
		assert_int_equal(n.n.position, (uint64_t)i + 1);
		autolic_time at;
		al_key k;
		al_note_key(&k, al_note_stream(TEAM, 3), (uint64_t)i + 1);
		al_buf b;
		al_buf_init(&b, t->a);
		assert_int_equal(al_txn_get(t, &k, &b), 0);
		assert_int_equal(al_note_time(b.p, b.len, &at), 0);
		assert_int_equal(at, n.n.time);
		al_buf_free(&b);
		al_free(t->a, n.block);
	}
	/* the head holds the last position */
	al_key k;
	al_note_head_key(&k, al_note_stream(TEAM, 3));
	al_buf b;
	al_buf_init(&b, t->a);
	assert_int_equal(al_txn_get(t, &k, &b), 0);
	uint64_t last;
	assert_int_equal(al_note_head_decode(b.p, b.len, &last), 0);
	assert_int_equal(last, (uint64_t)c->n);
	al_buf_free(&b);
	return 0;
}

static autolic_db *open_store(t_faulty *f, t_clock *clock, t_alloc *ta, autolic_allocator *a)
{
	*a = t_alloc_make(ta);
	autolic_db *db = t_open(f, clock, NULL, a);
	assert_non_null(db);
	return db;
}

static void t_templates_read_back_as_printed(void **state)
{
	(void)state;
	t_faulty f;
	t_clock clock = {1767225600};
	t_alloc ta = {0};
	autolic_allocator a;
	autolic_db *db = open_store(&f, &clock, &ta, &a);
	cases c;
	assert_int_equal(al_run(db, 1, append_fn, &c), 0);
	assert_int_equal(al_run(db, 0, check_fn, &c), 0);
	autolic_db_close(db);
	assert_int_equal(ta.live, 0);
}

/* ---- damaged records ---- */

typedef enum { BAD_KIND, BAD_COUNT, BAD_TEMPLATE, BAD_NUL, BAD_TYPE } damage;

/* A notice record as al_note_append writes it, damaged as told. */
static void damaged(al_buf *b, damage d)
{
	al_rec_begin(b, d == BAD_TYPE ? AL_K_NOTE_HEAD : AL_K_NOTE);
	al_enc_u8(b, AUTOLIC_EVENT_SEAT_GRANTED);
	al_enc_i64(b, 1767225600);
	al_enc_u64(b, 3);
	al_enc_u64(b, TEAM);
	al_enc_u64(b, 9);
	if (d == BAD_NUL) { /* a product of 3 bytes with a NUL inside */
		al_enc_u8(b, 3);
		al_enc_u8(b, 0);
		al_buf_put(b, "a\0b", 3);
	} else {
		al_enc_str(b, "acad");
	}
	al_enc_str(b, "SEAT-3");
	al_enc_str(b, d == BAD_TEMPLATE ? "%d and %d" : "n=%d");
	al_enc_u8(b, d == BAD_COUNT ? 17 : 1);
	al_enc_u8(b, d == BAD_KIND ? 'q' : 'd');
	al_enc_i64(b, 4);
}

static void t_damaged_records_are_corrupt(void **state)
{
	(void)state;
	t_alloc ta = {0};
	autolic_allocator aa = t_alloc_make(&ta);
	al_alloc a;
	al_alloc_init(&a, &aa);
	for (damage d = BAD_KIND; d <= BAD_TYPE; d++) {
		al_buf b;
		al_buf_init(&b, &a);
		damaged(&b, d);
		al_note n;
		if (al_note_decode(b.p, b.len, 1, 1, &a, &n) != AUTOLIC_ECORRUPT)
			fail_msg("damage %d: not reported as corrupt (%s)", (int)d,
			         autolic_errmsg());
		al_buf_free(&b);
	}
	/* a head, a time and a notice read from bytes of another record */
	al_buf b;
	al_buf_init(&b, &a);
	al_rec_begin(&b, AL_K_SEQ);
	al_enc_u64(&b, 1);
	uint64_t last;
	autolic_time at;
	al_note n;
	assert_int_equal(al_note_head_decode(b.p, b.len, &last), AUTOLIC_ECORRUPT);
	assert_int_equal(al_note_time(b.p, b.len, &at), AUTOLIC_ECORRUPT);
	assert_int_equal(al_note_decode(b.p, b.len, 1, 1, &a, &n), AUTOLIC_ECORRUPT);
	/* an intact record read with no memory left */
	al_buf_free(&b);
	al_buf_init(&b, &a);
	al_rec_begin(&b, AL_K_NOTE);
	al_enc_u8(&b, AUTOLIC_EVENT_SEAT_GRANTED);
	al_enc_i64(&b, 1767225600);
	al_enc_u64(&b, 3);
	al_enc_u64(&b, TEAM);
	al_enc_u64(&b, 9);
	al_enc_str(&b, "acad");
	al_enc_str(&b, "SEAT-3");
	al_enc_str(&b, "n=%d");
	al_enc_u8(&b, 1);
	al_enc_u8(&b, 'd');
	al_enc_i64(&b, 4);
	ta.fail_at = ta.count + 1;
	assert_int_equal(al_note_decode(b.p, b.len, 1, 1, &a, &n), AUTOLIC_ENOMEM);
	ta.fail_at = 0;
	assert_int_equal(al_note_decode(b.p, b.len, 1, 1, &a, &n), 0);
	assert_string_equal(n.n.text, "n=4");
	al_free(&a, n.block);
	al_buf_free(&b);
	assert_int_equal(ta.live, 0);
}

/* ---- id blocks ---- */

static const char *const seq_names[AL_SEQ_SLOTS + 1] = {"s0",  "s1",  "s2",  "s3",  "s4",  "s5",
                                                        "s6",  "s7",  "s8",  "s9",  "s10", "s11",
                                                        "s12", "s13", "s14", "s15", "s16"};

static int slots_fn(al_txn *t, void *arg)
{
	(void)arg;
	autolic_id id;
	int rc = 0;
	for (size_t i = 0; !rc && i < AL_SEQ_SLOTS; i++)
		rc = al_txn_seq_next(t, seq_names[i], &id);
	if (rc)
		return rc;
	return al_txn_seq_next(t, seq_names[AL_SEQ_SLOTS], &id);
}

static int exhausted_fn(al_txn *t, void *arg)
{
	(void)arg;
	al_key k;
	al_key_init(&k, AL_K_SEQ);
	al_key_str(&k, "account");
	al_buf b;
	al_buf_init(&b, t->a);
	al_rec_begin(&b, AL_K_SEQ);
	al_enc_u64(&b, UINT64_MAX);
	int rc = al_txn_put(t, &k, &b);
	al_buf_free(&b);
	return rc;
}

static void t_id_blocks_refuse_what_they_cannot_number(void **state)
{
	(void)state;
	t_faulty f;
	t_clock clock = {1767225600};
	t_alloc ta = {0};
	autolic_allocator a;
	autolic_db *db = open_store(&f, &clock, &ta, &a);
	/* one sequence more than a handle keeps: refused, nothing stored */
	assert_int_equal(al_run(db, 1, slots_fn, NULL), AUTOLIC_ESTORAGE);
	assert_non_null(strstr(autolic_errmsg(), "id sequences"));
	autolic_db_close(db);
	/* a counter at the end of the range: no id is handed out twice */
	db = open_store(&f, &clock, &ta, &a);
	assert_int_equal(al_run(db, 1, exhausted_fn, NULL), 0);
	autolic_id id = 0;
	autolic_account_spec sp = AUTOLIC_ACCOUNT_SPEC_INIT;
	sp.email = "ada@example.com";
	sp.first_name = "Ada";
	sp.last_name = "Lovelace";
	assert_int_equal(autolic_account_register(db, &sp, &id), AUTOLIC_ESTORAGE);
	assert_non_null(strstr(autolic_errmsg(), "exhausted"));
	assert_int_equal(id, 0);
	autolic_db_close(db);
	assert_int_equal(ta.live, 0);
}

/* ---- the growable array's first allocation ---- */

static void t_array_first_allocation(void **state)
{
	(void)state;
	t_alloc ta = {0};
	autolic_allocator aa = t_alloc_make(&ta);
	al_alloc a;
	al_alloc_init(&a, &aa);
	uint64_t *v = NULL;
	size_t cap = 0;
	/* a first size of 0 still makes room: one element */
	assert_int_equal(al_array_grow_to(&a, &v, &cap, 1, sizeof *v, 0), 0);
	assert_int_equal(cap, 1);
	assert_int_equal(al_array_grow_to(&a, &v, &cap, 3, sizeof *v, 0), 0);
	assert_int_equal(cap, 4);
	/* room enough: nothing asked of the allocator */
	long asked = ta.count;
	assert_int_equal(al_array_grow_to(&a, &v, &cap, 4, sizeof *v, 0), 0);
	assert_int_equal(ta.count, asked);
	assert_int_equal(cap, 4);
	al_free(&a, v);
	assert_int_equal(ta.live, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_templates_read_back_as_printed),
	    cmocka_unit_test(t_damaged_records_are_corrupt),
	    cmocka_unit_test(t_id_blocks_refuse_what_they_cannot_number),
	    cmocka_unit_test(t_array_first_allocation),
	};
	return t_run_group("core_note", tests, NULL, NULL);
}
