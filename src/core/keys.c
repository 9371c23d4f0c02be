#include "keys.h"

#include <string.h>

void al_key_init(al_key *k, uint8_t prefix)
{
	k->b[0] = prefix;
	k->len = 1;
	k->overflow = 0;
}

static void put(al_key *k, const void *p, size_t n)
{
	if (k->overflow || k->len + n > AL_KEY_MAX) {
		k->overflow = 1;
		return;
	}
	memcpy(k->b + k->len, p, n);
	k->len += n;
}

void al_key_u64(al_key *k, uint64_t v)
{
	unsigned char x[8];
	for (int i = 0; i < 8; i++)
		x[i] = (unsigned char)(v >> (56 - 8 * i));
	put(k, x, 8);
}

void al_key_i64(al_key *k, int64_t v)
{
	al_key_u64(k, (uint64_t)v ^ (1ULL << 63));
}

void al_key_str(al_key *k, const char *s)
{
	put(k, s, strlen(s) + 1);
}

void al_key_id(al_key *k, uint8_t prefix, uint64_t id)
{
	al_key_init(k, prefix);
	al_key_u64(k, id);
}

void al_key_pair(al_key *k, uint8_t prefix, uint64_t a, uint64_t b)
{
	al_key_id(k, prefix, a);
	al_key_u64(k, b);
}

void al_key_dated(al_key *k, uint8_t prefix, uint64_t owner, int64_t when, uint64_t id)
{
	al_key_id(k, prefix, owner);
	al_key_i64(k, when);
	al_key_u64(k, id);
}

int al_key_prefix_end(const al_key *k, al_key *end)
{
	*end = *k;
	while (end->len) {
		if (end->b[end->len - 1] != 0xff) {
			end->b[end->len - 1]++;
			return 0;
		}
		end->len--;
	}
	return -1;
}

uint64_t al_key_get_u64(const unsigned char *key, size_t at)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | key[at + i];
	return v;
}

int64_t al_key_get_i64(const unsigned char *key, size_t at)
{
	return (int64_t)(al_key_get_u64(key, at) ^ (1ULL << 63));
}
