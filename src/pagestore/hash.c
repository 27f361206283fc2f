/*
 * hash.c - XXH64, the page store's hash: two lanes (seeds 0 and
 * PS_HASH_SEED2) give the 128 bits that decide whether two pages are the
 * same, and seed 0 alone checksums the header, section table and frames.
 * Written from the published XXH64 specification; the low 32 bits of
 * XXH64(content, 0) are what a zstd frame's checksum holds, which the unit
 * test uses as an independent check. Also the error formatter shared by
 * the reader and the writer. No kernel counterpart.
 */
#include <stdarg.h>
#include <stdio.h>

#include "pagestore_internal.h"

#define P1 UINT64_C(0x9E3779B185EBCA87)
#define P2 UINT64_C(0xC2B2AE3D27D4EB4F)
#define P3 UINT64_C(0x165667B19E3779F9)
#define P4 UINT64_C(0x85EBCA77C2B2AE63)
#define P5 UINT64_C(0x27D4EB2F165667C5)

static inline uint64_t rotl(uint64_t x, unsigned r)
{
	return (x << r) | (x >> (64 - r));
}

static inline uint64_t xround(uint64_t acc, uint64_t in)
{
	acc += in * P2;
	acc = rotl(acc, 31);
	return acc * P1;
}

static inline uint64_t xmerge(uint64_t acc, uint64_t v)
{
	acc ^= xround(0, v);
	return acc * P1 + P4;
}

uint64_t zsim_xxh64(const void *data, size_t len, uint64_t seed)
{
	const unsigned char *p = data, *end = p + len;
	uint64_t h;
	if (len >= 32) {
		uint64_t v1 = seed + P1 + P2, v2 = seed + P2, v3 = seed, v4 = seed - P1;
		const unsigned char *limit = end - 32;
		do {
			v1 = xround(v1, zsim_get_le64(p));
			v2 = xround(v2, zsim_get_le64(p + 8));
			v3 = xround(v3, zsim_get_le64(p + 16));
			v4 = xround(v4, zsim_get_le64(p + 24));
			p += 32;
		} while (p <= limit);
		h = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18);
		h = xmerge(h, v1);
		h = xmerge(h, v2);
		h = xmerge(h, v3);
		h = xmerge(h, v4);
	} else {
		h = seed + P5;
	}
	h += (uint64_t)len;
	while (p + 8 <= end) {
		h ^= xround(0, zsim_get_le64(p));
		h = rotl(h, 27) * P1 + P4;
		p += 8;
	}
	if (p + 4 <= end) {
		h ^= (uint64_t)zsim_get_le32(p) * P1;
		h = rotl(h, 23) * P2 + P3;
		p += 4;
	}
	while (p < end) {
		h ^= (uint64_t)*p * P5;
		h = rotl(h, 11) * P1;
		p++;
	}
	h ^= h >> 33;
	h *= P2;
	h ^= h >> 29;
	h *= P3;
	h ^= h >> 32;
	return h;
}

int zsim_ps_error(struct zsim_pagestore_error *err, int code, const char *name, int has_off,
		  uint64_t off, const char *fmt, ...)
{
	if (!err)
		return code;
	err->code = code;
	err->byte_offset = has_off ? off : 0;
	int n;
	if (has_off)
		n = snprintf(err->message, sizeof(err->message), "%s: byte %llu: ",
			     name ? name : "page store", (unsigned long long)off);
	else
		n = snprintf(err->message, sizeof(err->message), "%s: ",
			     name ? name : "page store");
	if (n < 0)
		n = 0;
	if ((size_t)n < sizeof(err->message)) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->message + n, sizeof(err->message) - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return code;
}
