/*
 * lz4.c - the "lz4" and "lz4hc" algorithms.
 *
 * Models crypto/lz4.c and crypto/lz4hc.c. "lz4" is LZ4_compress_default
 * (acceleration 1) with the output bounded by the request's dlen. The
 * kernel's lib/lz4 (LZ4 1.8-era, unchanged from 4.19 to 6.12) and liblz4
 * 1.9.4 differ in one rule at the end of a block: 1.9 may find the last
 * match at the position MFLIMIT (12) bytes before the end, the kernel stops
 * searching one byte earlier, so liblz4 is 1 to 6 bytes shorter on about 1%
 * of pages (181 of 16384 synthetic, 27 of 6981 corpus pages). So "lz4"
 * carries its own block encoder, written from the kernel's algorithm: one
 * 2^13-entry table of 16-bit positions (inputs under 64 KiB + 11; 2^12
 * 32-bit positions hashed on 5 bytes above that), the search step growing
 * by one every 64 misses, the catch-up backwards, the "next position"
 * check after each match, and the kernel's conservative output checks
 * when dlen is below LZ4_compressBound (so the same pages fail). Its
 * lengths are the kernel's on every page of
 * scripts/kernel-check/codec-lengths.sh (6.1 and 6.12). Like both LZ4s it
 * is compiled once per table kind and output bound (constants, so their
 * branches vanish) and copies literals a word at a time: 1.01-1.04x the
 * time of LZ4_compress_fast_extState per page (it was 1.09-1.14x).
 * params=library
 * compresses with liblz4's LZ4_compress_fast_extState instead; every
 * stream is decoded by liblz4.
 * "lz4hc" is liblz4's LZ4HC at LZ4HC_DEFAULT_CLEVEL (9), not checked
 * against lib/lz4 (zswap rarely uses it).
 * The kernel returns -EINVAL when the output does not fit; we return
 * ZSIM_ENOSPC (the codec contract) and zswap's profile maps it to the
 * kernel's counter. The compression state lives in the context, as the
 * kernel keeps it in the tfm's workspace: no allocation per call.
 */
#include <lz4.h>
#include <lz4hc.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec_internal.h"

struct lz4_ctx {
	int level;   /* lz4hc only */
	int library; /* lz4, params=library: liblz4's encoder */
	size_t state_size;
	_Alignas(16) unsigned char state[];
};

static int lz4_alloc(const struct zsim_codec_params *p, void **ctx, size_t state)
{
	struct lz4_ctx *c = aligned_alloc(16, (sizeof(*c) + state + 15) & ~(size_t)15);
	if (!c)
		return ZSIM_ENOMEM;
	c->level = p->level;
	c->library = !!(p->flags & ZSIM_CODEC_P_LIBRARY_DEFAULTS);
	c->state_size = state;
	*ctx = c;
	return 0;
}

/* The kernel encoder's table: 16 KiB (LZ4_MEMORY_USAGE 14) either way. */
#define LZ4K_TABLE_BYTES 16384u

static int lz4_ctx_alloc(const struct zsim_codec_params *p, void **ctx)
{
	size_t st = (size_t)LZ4_sizeofState();
	return lz4_alloc(p, ctx, st > LZ4K_TABLE_BYTES ? st : LZ4K_TABLE_BYTES);
}

static int lz4hc_ctx_alloc(const struct zsim_codec_params *p, void **ctx)
{
	return lz4_alloc(p, ctx, (size_t)LZ4_sizeofStateHC());
}

static void lz4_ctx_free(void *ctx)
{
	free(ctx);
}

static size_t lz4_ctx_size(const void *ctx)
{
	const struct lz4_ctx *c = ctx;
	return sizeof(*c) + c->state_size;
}


/* --- the kernel's LZ4 block encoder (see the header comment) ----------- */

#define LZ4K_MINMATCH 4
#define LZ4K_LASTLITERALS 5
#define LZ4K_MFLIMIT 12
#define LZ4K_SKIPTRIGGER 6
#define LZ4K_MAX_DISTANCE 65535
#define LZ4K_SMALL_LIMIT (65536 + LZ4K_MFLIMIT - 1)

#define LZ4K_INLINE static inline __attribute__((always_inline))

LZ4K_INLINE uint32_t lz4k_rd32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

LZ4K_INLINE uint64_t lz4k_rd64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

/* The table and the input's base; `small` is a constant in each of the
 * encoder's instances (16-bit positions, a 13-bit hash of 4 bytes). */
struct lz4k {
	const uint8_t *base;
	void *table;
};

LZ4K_INLINE uint32_t lz4k_hash(bool small, const uint8_t *p)
{
	if (small)
		return (lz4k_rd32(p) * 2654435761u) >> (32 - 13);
	/* 5 bytes (little-endian), 12 bits */
	return (uint32_t)(((lz4k_rd64(p) << 24) * 889523592379ull) >> (64 - 12));
}

LZ4K_INLINE void lz4k_put_h(const struct lz4k *k, bool small, const uint8_t *p, uint32_t h)
{
	if (small)
		((uint16_t *)k->table)[h] = (uint16_t)(p - k->base);
	else
		((uint32_t *)k->table)[h] = (uint32_t)(p - k->base);
}

LZ4K_INLINE const uint8_t *lz4k_get_h(const struct lz4k *k, bool small, uint32_t h)
{
	return k->base + (small ? ((const uint16_t *)k->table)[h] : ((const uint32_t *)k->table)[h]);
}

LZ4K_INLINE bool lz4k_far(bool small, const uint8_t *m, const uint8_t *ip)
{
	return !small && (size_t)(ip - m) > LZ4K_MAX_DISTANCE;
}

/* Common bytes of a and b, stopping at a's limit. */
LZ4K_INLINE size_t lz4k_count(const uint8_t *a, const uint8_t *b, const uint8_t *limit)
{
	const uint8_t *start = a;
	while (a + 8 <= limit) {
		uint64_t d = lz4k_rd64(a) ^ lz4k_rd64(b);
		if (d)
			return (size_t)(a - start) + ((unsigned)__builtin_ctzll(d) >> 3);
		a += 8;
		b += 8;
	}
	while (a < limit && *a == *b)
		a++, b++;
	return (size_t)(a - start);
}

LZ4K_INLINE uint8_t *lz4k_put_len(uint8_t *op, size_t n)
{
	for (; n >= 255; n -= 255)
		*op++ = 255;
	*op++ = (uint8_t)n;
	return op;
}

/* n bytes from s to d, in 8-byte words: may write up to 7 bytes past d + n
 * (the caller has checked the room), as liblz4's wild copy does. */
LZ4K_INLINE void lz4k_wild_copy(uint8_t *d, const uint8_t *s, size_t n)
{
	uint8_t *const e = d + n;
	do {
		memcpy(d, s, 8);
		d += 8;
		s += 8;
	} while (d < e);
}

/*
 * LZ4 block of src into dst (cap bytes): its length, or 0 if the kernel's
 * checks say it does not fit. table: LZ4K_TABLE_BYTES. `small` and
 * `limited` are constants in each of the four instances below, as liblz4
 * and lib/lz4 make them template parameters: the branches they decide are
 * compiled away.
 */
LZ4K_INLINE size_t lz4k_encode(void *table, const uint8_t *src, size_t n, uint8_t *dst,
			       size_t cap, const bool small, const bool limited)
{
	const struct lz4k k = {.base = src, .table = table};
	memset(table, 0, LZ4K_TABLE_BYTES);
	const uint8_t *ip = src, *anchor = src, *const iend = src + n;
	/* (inputs shorter than MFLIMIT + 1 never use the limits) */
	const uint8_t *const mflimit = n > LZ4K_MFLIMIT ? iend - LZ4K_MFLIMIT : src;
	const uint8_t *const matchlimit = n > LZ4K_MFLIMIT ? iend - LZ4K_LASTLITERALS : src;
	uint8_t *op = dst, *const olimit = dst + cap;
	uint32_t fh;

	if (n < LZ4K_MFLIMIT + 1)
		goto last_literals;
	lz4k_put_h(&k, small, ip, lz4k_hash(small, ip));
	fh = lz4k_hash(small, ++ip);

	for (;;) {
		const uint8_t *match;
		uint8_t *token;
		{
			/* Search: the step grows by one every 64 misses. */
			const uint8_t *fip = ip;
			unsigned step = 1, tries = 1u << LZ4K_SKIPTRIGGER;
			do {
				uint32_t h = fh;
				ip = fip;
				fip += step;
				step = tries++ >> LZ4K_SKIPTRIGGER;
				if (__builtin_expect(fip > mflimit, 0))
					goto last_literals;
				match = lz4k_get_h(&k, small, h);
				fh = lz4k_hash(small, fip);
				lz4k_put_h(&k, small, ip, h);
			} while (lz4k_far(small, match, ip) || lz4k_rd32(match) != lz4k_rd32(ip));
		}
		while (ip > anchor && match > src && ip[-1] == match[-1])
			ip--, match--;
		{
			size_t lit = (size_t)(ip - anchor);
			token = op++;
			if (limited && op + lit + (2 + 1 + LZ4K_LASTLITERALS) + lit / 255 > olimit)
				return 0;
			if (lit >= 15) {
				*token = 15 << 4;
				op = lz4k_put_len(op, lit - 15);
			} else {
				*token = (uint8_t)(lit << 4);
			}
			/* Room for the word copy's overrun: a sequence's literals
			 * are followed by at least an offset and the last
			 * literals' token and 5 bytes (8 in all), which the output
			 * holds when it is not limited (cap >= the bound) and
			 * which the check above makes room for when it is. */
			if (op + lit + 8 <= olimit)
				lz4k_wild_copy(op, anchor, lit);
			else
				memcpy(op, anchor, lit);
			op += lit;
		}
		for (;;) {
			/* Offset and match length */
			size_t off = (size_t)(ip - match);
			*op++ = (uint8_t)off;
			*op++ = (uint8_t)(off >> 8);
			size_t mc = lz4k_count(ip + LZ4K_MINMATCH, match + LZ4K_MINMATCH, matchlimit);
			ip += LZ4K_MINMATCH + mc;
			if (limited && op + (1 + LZ4K_LASTLITERALS) + (mc >> 8) > olimit)
				return 0;
			if (mc >= 15) {
				*token = (uint8_t)(*token + 15);
				op = lz4k_put_len(op, mc - 15);
			} else {
				*token = (uint8_t)(*token + mc);
			}
			anchor = ip;
			if (ip > mflimit)
				goto last_literals;
			lz4k_put_h(&k, small, ip - 2, lz4k_hash(small, ip - 2));
			/* A match right here continues without literals. */
			uint32_t h = lz4k_hash(small, ip);
			match = lz4k_get_h(&k, small, h);
			lz4k_put_h(&k, small, ip, h);
			if (lz4k_far(small, match, ip) || lz4k_rd32(match) != lz4k_rd32(ip))
				break;
			token = op++;
			*token = 0;
		}
		fh = lz4k_hash(small, ++ip);
	}

last_literals:
	{
		size_t last = (size_t)(iend - anchor);
		if (limited && (size_t)(op - dst) + last + 1 + (last + 255 - 15) / 255 > cap)
			return 0;
		if (last >= 15) {
			*op++ = 15 << 4;
			op = lz4k_put_len(op, last - 15);
		} else {
			*op++ = (uint8_t)(last << 4);
		}
		memcpy(op, anchor, last);
		op += last;
	}
	return (size_t)(op - dst);
}

static size_t lz4k_compress(void *table, const uint8_t *src, size_t n, uint8_t *dst, size_t cap)
{
	const bool small = n < LZ4K_SMALL_LIMIT;
	if (cap < (size_t)LZ4_COMPRESSBOUND(n))
		return small ? lz4k_encode(table, src, n, dst, cap, true, true)
			     : lz4k_encode(table, src, n, dst, cap, false, true);
	return small ? lz4k_encode(table, src, n, dst, cap, true, false)
		     : lz4k_encode(table, src, n, dst, cap, false, false);
}

static int lz4_compress(void *ctx, const void *src, size_t slen, void *dst,
			size_t *dlen)
{
	struct lz4_ctx *c = ctx;
	if (slen > LZ4_MAX_INPUT_SIZE || *dlen > (size_t)INT32_MAX)
		return ZSIM_EINVAL;
	int n;
	if (c->library)
		n = LZ4_compress_fast_extState(c->state, src, dst, (int)slen, (int)*dlen, 1);
	else
		n = (int)lz4k_compress(c->state, src, slen, dst, *dlen);
	if (n <= 0)
		return ZSIM_ENOSPC;
	*dlen = (size_t)n;
	return 0;
}

static int lz4hc_compress(void *ctx, const void *src, size_t slen, void *dst,
			  size_t *dlen)
{
	struct lz4_ctx *c = ctx;
	if (slen > LZ4_MAX_INPUT_SIZE || *dlen > (size_t)INT32_MAX)
		return ZSIM_EINVAL;
	int n = LZ4_compress_HC_extStateHC(c->state, src, dst, (int)slen, (int)*dlen, c->level);
	if (n <= 0)
		return ZSIM_ENOSPC;
	*dlen = (size_t)n;
	return 0;
}

/*
 * LZ4's block format has no end marker, so a truncated block and a
 * corrupt one look alike to LZ4_decompress_safe: both are ZSIM_EBADMSG.
 * An output that would exceed the capacity is told apart by retrying
 * into a larger scratch buffer only when the first attempt failed.
 */
static int lz4_decompress(void *ctx, const void *src, size_t slen, void *dst,
			  size_t *dlen)
{
	(void)ctx;
	if (slen > (size_t)INT32_MAX || *dlen > (size_t)INT32_MAX)
		return ZSIM_EINVAL;
	int n = LZ4_decompress_safe(src, dst, (int)slen, (int)*dlen);
	if (n < 0) {
		/* Would it have fitted a bigger buffer? Then it is ENOSPC. */
		size_t big = *dlen * 4 + 4096;
		char *tmp = malloc(big);
		if (!tmp)
			return ZSIM_ENOMEM;
		int m = LZ4_decompress_safe(src, tmp, (int)slen, (int)big);
		free(tmp);
		return m >= 0 ? ZSIM_ENOSPC : ZSIM_EBADMSG;
	}
	*dlen = (size_t)n;
	return 0;
}

const struct zsim_codec_ops zsim_codec_lz4_ops = {
	.name = "lz4",
	.driver_name = "lz4-generic",
	.description = "LZ4, the kernel's block encoder (liblz4 " LZ4_VERSION_STRING " decodes; params=library encodes)",
	.priority = 100,
	.ctx_alloc = lz4_ctx_alloc,
	.ctx_free = lz4_ctx_free,
	.ctx_size = lz4_ctx_size,
	.compress = lz4_compress,
	.decompress = lz4_decompress,
};

const struct zsim_codec_ops zsim_codec_lz4hc_ops = {
	.name = "lz4hc",
	.driver_name = "lz4hc-generic",
	.description = "LZ4 HC (liblz4 " LZ4_VERSION_STRING "), kernel default level 9",
	.priority = 100,
	.level_min = 1,
	.level_max = LZ4HC_CLEVEL_MAX,
	.level_default = LZ4HC_CLEVEL_DEFAULT,
	.ctx_alloc = lz4hc_ctx_alloc,
	.ctx_free = lz4_ctx_free,
	.ctx_size = lz4_ctx_size,
	.compress = lz4hc_compress,
	.decompress = lz4_decompress,
};
