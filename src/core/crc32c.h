/*
 * CRC32C (Castagnoli, reflected polynomial 0x82F63B78), as used by iSCSI,
 * ext4 and many storage formats. Check value: al_crc32c(0, "123456789", 9)
 * is 0xE3069283.
 */
#ifndef AL_CORE_CRC32C_H
#define AL_CORE_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/*
 * Extend `crc` (0 to start) over `len` bytes of `buf` and return the new
 * value; al_crc32c(al_crc32c(0, a, n), b, m) equals the CRC of a followed by b.
 * Thread-safe. Uses the SSE4.2 instruction when the CPU has it, otherwise a
 * slicing-by-8 table.
 */
uint32_t al_crc32c(uint32_t crc, const void *buf, size_t len);

/* The portable table path only; exposed so that tests can compare the two. */
uint32_t al_crc32c_sw(uint32_t crc, const void *buf, size_t len);

#endif
