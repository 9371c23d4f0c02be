/*
 * CRC32C, table-driven (slicing-by-8) with an SSE4.2 fast path chosen once at
 * run time. The tables are built on first use under pthread_once so that no
 * 8 KiB literal sits in the source.
 */
#include "crc32c.h"

#include <pthread.h>
#include <string.h>

#define AL_CRC32C_POLY 0x82F63B78u

static uint32_t crc_table[8][256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;
static uint32_t (*crc_impl)(uint32_t, const unsigned char *, size_t);

static uint32_t crc_sw_raw(uint32_t crc, const unsigned char *p, size_t len)
{
	while (len && ((uintptr_t)p & 7u)) {
		crc = crc_table[0][(crc ^ *p++) & 0xFFu] ^ (crc >> 8);
		len--;
	}
	while (len >= 8) {
		uint32_t lo = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		              (uint32_t)p[3] << 24;
		uint32_t hi = (uint32_t)p[4] | (uint32_t)p[5] << 8 | (uint32_t)p[6] << 16 |
		              (uint32_t)p[7] << 24;
		lo ^= crc;
		crc = crc_table[7][lo & 0xFFu] ^ crc_table[6][(lo >> 8) & 0xFFu] ^
		      crc_table[5][(lo >> 16) & 0xFFu] ^ crc_table[4][lo >> 24] ^
		      crc_table[3][hi & 0xFFu] ^ crc_table[2][(hi >> 8) & 0xFFu] ^
		      crc_table[1][(hi >> 16) & 0xFFu] ^ crc_table[0][hi >> 24];
		p += 8;
		len -= 8;
	}
	while (len--)
		crc = crc_table[0][(crc ^ *p++) & 0xFFu] ^ (crc >> 8);
	return crc;
}

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#define AL_CRC32C_HAVE_HW 1
__attribute__((target("sse4.2"))) static uint32_t crc_hw_raw(uint32_t crc, const unsigned char *p,
                                                             size_t len)
{
	while (len && ((uintptr_t)p & 7u)) {
		crc = __builtin_ia32_crc32qi(crc, *p++);
		len--;
	}
#if defined(__x86_64__)
	uint64_t c64 = crc;
	while (len >= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		c64 = __builtin_ia32_crc32di(c64, w);
		p += 8;
		len -= 8;
	}
	crc = (uint32_t)c64;
#endif
	while (len >= 4) {
		uint32_t w;
		memcpy(&w, p, 4);
		crc = __builtin_ia32_crc32si(crc, w);
		p += 4;
		len -= 4;
	}
	while (len--)
		crc = __builtin_ia32_crc32qi(crc, *p++);
	return crc;
}
#endif

static void crc_init(void)
{
	for (uint32_t n = 0; n < 256; n++) {
		uint32_t c = n;
		for (int k = 0; k < 8; k++)
			c = (c & 1u) ? (c >> 1) ^ AL_CRC32C_POLY : c >> 1;
		crc_table[0][n] = c;
	}
	for (uint32_t n = 0; n < 256; n++) {
		uint32_t c = crc_table[0][n];
		for (int k = 1; k < 8; k++) {
			c = crc_table[0][c & 0xFFu] ^ (c >> 8);
			crc_table[k][n] = c;
		}
	}
	uint32_t (*impl)(uint32_t, const unsigned char *, size_t) = crc_sw_raw;
#ifdef AL_CRC32C_HAVE_HW
	__builtin_cpu_init();
	if (__builtin_cpu_supports("sse4.2"))
		impl = crc_hw_raw;
#endif
	/* published last: a reader that sees it also sees the tables */
	__atomic_store_n(&crc_impl, impl, __ATOMIC_RELEASE);
}

uint32_t al_crc32c(uint32_t crc, const void *buf, size_t len)
{
	uint32_t (*impl)(uint32_t, const unsigned char *, size_t) =
	    __atomic_load_n(&crc_impl, __ATOMIC_ACQUIRE);
	if (!impl) {
		pthread_once(&crc_once, crc_init);
		impl = crc_impl;
	}
	return ~impl(~crc, (const unsigned char *)buf, len);
}

uint32_t al_crc32c_sw(uint32_t crc, const void *buf, size_t len)
{
	pthread_once(&crc_once, crc_init);
	return ~crc_sw_raw(~crc, (const unsigned char *)buf, len);
}
