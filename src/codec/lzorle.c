/*
 * lzorle.c - the "lzo-rle" algorithm: LZO1X-1 with zero-run encoding,
 * zram's default compressor and one of zswap's choices. Written here from
 * the stream format (Documentation/staging/lzo.rst); liblzo2 has no RLE.
 *
 * Models crypto/lzo-rle.c over lib/lzo as in 5.1 .. 6.14 on x86-64/arm64:
 *   - the stream opens with the bitstream-version header 17, 1;
 *   - the encoder is LZO1X-1: a 2^13-entry hash of the 4-byte sequence at
 *     each probed position (multiplier 0x1824429d), probes that skip ahead
 *     faster the longer the current literal run grows, input cut into
 *     chunks of at most 0xbfff bytes with the dictionary cleared per chunk,
 *     and the match length measured 8 bytes at a time the way the 64-bit
 *     kernels do it (which caps it near a chunk's tail);
 *   - a probed 4-byte word of zeros starts a run of 4 .. 2051 zero bytes,
 *     written as the 4-byte M4 form whose distance field is all ones;
 *   - the output is not bounded by the request's dlen (kernels before the
 *     2025 lzorle1x_1_compress_safe), hence ZSIM_CODEC_F_UNBOUNDED_OUTPUT.
 *     We compress into a scratch buffer owned by the context and return
 *     ZSIM_ENOSPC when the result exceeds the caller's capacity.
 * The decoder follows lzo1x_decompress_safe's rules: it accepts streams with
 * and without the header (plain LZO1X from liblzo2 included), treats the RLE
 * form as a run only when the header's version byte is non-zero, requires
 * the 3-byte end marker with length 3, rejects trailing bytes, and checks
 * every length and distance: input that ends early is ZSIM_ETRUNC, output
 * overflow ZSIM_ENOSPC, a distance before the start of the output or any
 * other malformed instruction ZSIM_EBADMSG.
 * Differences: the encoder never emits the one long M4 copy that the
 * kernel's decoder would misread as a run (distance & 0x803f == 0x803f with
 * length 261 .. 264: possible only for inputs over 32 KiB, which zswap and
 * zram never compress); it shortens that match by a few bytes instead.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec_internal.h"

/* Largest input accepted by the driver (the format has no such limit). */
#define LZR_MAX_INPUT (1u << 20)

#define LZR_M2_MAX_LEN 8
#define LZR_M2_MAX_OFF 0x0800
#define LZR_M3_MAX_LEN 33
#define LZR_M3_MAX_OFF 0x4000
#define LZR_M4_MAX_LEN 9
#define LZR_M4_BASE 0x4000
#define LZR_RUN_MIN 4
#define LZR_RUN_MAX (2047 + LZR_RUN_MIN)
#define LZR_HASH_MUL 0x1824429du
/* The last bytes of a chunk are never probed; they end up as literals. */
#define LZR_TAIL 20
/* Chunk sizes: version 1 keeps distances below 0xbfff, the run marker. */
#define LZR_CHUNK_V0 0xc000u
#define LZR_CHUNK_V1 0xbfffu
#define LZR_KERNEL_DBITS 13

/* --- little helpers ---------------------------------------------------- */

static inline uint32_t load_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t load_le64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof(v));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

static inline uint64_t load_ne64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

/* --- encoder ----------------------------------------------------------- */

struct lzr_enc {
	uint8_t *op;
	uint8_t *data_start; /* first byte after the header */
	/* Where, relative to op, the next literal count of 1..3 goes: the
	 * low two bits of the last copy's second byte (-2) or of a run's
	 * second byte (-3). */
	int sbits;
	int rle;
};

/* The variable-length tail of a length: zero bytes worth 255 each, then
 * the remainder (1 .. 255). */
static uint8_t *put_extra(uint8_t *op, size_t extra)
{
	while (extra > 255) {
		*op++ = 0;
		extra -= 255;
	}
	*op++ = (uint8_t)extra;
	return op;
}

static void emit_literals(struct lzr_enc *e, const uint8_t *lit, size_t n)
{
	if (n == 0)
		return;
	if (n <= 3)
		e->op[e->sbits] |= (uint8_t)n; /* carried by the last copy */
	else if (n <= 18)
		*e->op++ = (uint8_t)(n - 3);
	else {
		*e->op++ = 0;
		e->op = put_extra(e->op, n - 18);
	}
	memcpy(e->op, lit, n);
	e->op += n;
}

static void emit_run(struct lzr_enc *e, size_t run)
{
	size_t r = run - LZR_RUN_MIN; /* 0 .. 2047: 3 bits here, 8 below */
	e->op[0] = (uint8_t)(0x18 | (r & 7));
	e->op[1] = 0xfc;
	e->op[2] = 0xff;
	e->op[3] = (uint8_t)(r >> 3);
	e->op += 4;
	e->sbits = -3;
}

static void emit_copy(struct lzr_enc *e, size_t len, size_t off)
{
	uint8_t *op = e->op;
	if (len <= LZR_M2_MAX_LEN && off <= LZR_M2_MAX_OFF) {
		off -= 1;
		*op++ = (uint8_t)(((len - 1) << 5) | ((off & 7) << 2));
		*op++ = (uint8_t)(off >> 3);
	} else {
		unsigned marker;
		size_t short_max;
		if (off <= LZR_M3_MAX_OFF) {
			off -= 1;
			marker = 0x20;
			short_max = LZR_M3_MAX_LEN;
		} else {
			off -= LZR_M4_BASE;
			marker = 0x10 | ((off >> 11) & 8);
			short_max = LZR_M4_MAX_LEN;
		}
		if (len <= short_max)
			*op++ = (uint8_t)(marker | (len - 2));
		else {
			*op++ = (uint8_t)marker;
			op = put_extra(op, len - short_max);
		}
		*op++ = (uint8_t)(off << 2);
		*op++ = (uint8_t)(off >> 6);
	}
	e->op = op;
	e->sbits = -2;
}

/* Length of the zero run at ip (whose first 4 bytes are zero), stopping at
 * `avail` bytes and at LZR_RUN_MAX. Never less than 4. */
static size_t zero_run(const uint8_t *ip, size_t avail)
{
	size_t cap = avail < LZR_RUN_MAX + 1 ? avail : LZR_RUN_MAX + 1;
	size_t n = LZR_RUN_MIN;
	while (n + 8 <= cap && load_ne64(ip + n) == 0)
		n += 8;
	while (n < cap && ip[n] == 0)
		n++;
	return n < LZR_RUN_MAX ? n : LZR_RUN_MAX;
}

/* Length of the match at ip against ref (4 bytes known equal), compared 8
 * bytes at a time; once a whole 8-byte step reaches `limit` the length
 * stops there, as in the 64-bit kernels. Reads stay below limit + 16. */
static size_t match_len(const uint8_t *ip, const uint8_t *ref, const uint8_t *limit)
{
	size_t n = 4;
	uint64_t x = load_le64(ip + n) ^ load_le64(ref + n);
	while (x == 0) {
		n += 8;
		x = load_le64(ip + n) ^ load_le64(ref + n);
		if (ip + n >= limit)
			return n;
	}
	return n + (size_t)(__builtin_ctzll(x) >> 3);
}

/*
 * One chunk [in, in + len), len > LZR_TAIL. `carry` literals that precede
 * `in` are still unwritten. Returns how many literals are unwritten at the
 * end (the chunk's tail plus, if nothing was written, the carry).
 */
static size_t encode_chunk(struct lzr_enc *e, const uint8_t *in, size_t len,
			   size_t carry, uint16_t *dict, unsigned d_bits)
{
	const uint8_t *const limit = in + len - LZR_TAIL;
	const unsigned shift = 32 - d_bits;
	const uint8_t *anchor = in; /* first byte of this chunk not yet written */
	const uint8_t *ip = in + (carry < 4 ? 4 - carry : 0);

	ip += 1 + ((size_t)(ip - anchor) >> 5);
	while (ip < limit) {
		uint32_t dv = load_le32(ip);
		const uint8_t *ref = NULL;
		size_t run = 0;

		if (dv == 0 && e->rle) {
			run = zero_run(ip, (size_t)(limit - ip));
		} else {
			uint32_t h = (uint32_t)(dv * LZR_HASH_MUL) >> shift;
			ref = in + dict[h];
			dict[h] = (uint16_t)(ip - in);
			if (load_le32(ref) != dv) {
				/* Probe further ahead the longer the literals run. */
				ip += 1 + ((size_t)(ip - anchor) >> 5);
				continue;
			}
		}

		emit_literals(e, anchor - carry, (size_t)(ip - anchor) + carry);
		carry = 0;
		if (run) {
			emit_run(e, run);
			ip += run;
		} else {
			size_t n = match_len(ip, ref, limit);
			size_t off = (size_t)(ip - ref);
			/* Keep a long M4 copy from looking like a run marker to
			 * the decoder (only reachable above 32 KiB). */
			if (e->rle && off >= 2 * LZR_M4_BASE &&
			    ((off - LZR_M4_BASE) & 0x3f) == 0x3f &&
			    n >= LZR_M4_MAX_LEN + 252 && n <= LZR_M4_MAX_LEN + 255)
				n = LZR_M4_MAX_LEN + 251;
			emit_copy(e, n, off);
			ip += n;
		}
		anchor = ip;
	}
	return (size_t)(in + len - anchor) + carry;
}

size_t zsim_lzo1x_encode(const void *src, size_t src_len, void *dst, uint16_t *dict,
			 unsigned d_bits, unsigned version)
{
	const uint8_t *ip = src;
	struct lzr_enc e = {.op = dst, .sbits = -2, .rle = version != 0};
	size_t chunk = LZR_CHUNK_V0;
	if (version) {
		*e.op++ = 17;
		*e.op++ = (uint8_t)version;
		chunk = LZR_CHUNK_V1;
	}
	e.data_start = e.op;

	size_t left = src_len, carry = 0;
	while (left > LZR_TAIL) {
		size_t n = left < chunk ? left : chunk;
		memset(dict, 0, sizeof(*dict) << d_bits);
		carry = encode_chunk(&e, ip, n, carry, dict, d_bits);
		ip += n;
		left -= n;
	}
	carry += left;

	if (carry) {
		const uint8_t *lit = (const uint8_t *)src + src_len - carry;
		if (e.op == e.data_start && carry <= 238) {
			/* Nothing but literals: the first-byte form. */
			*e.op++ = (uint8_t)(17 + carry);
			memcpy(e.op, lit, carry);
			e.op += carry;
		} else {
			emit_literals(&e, lit, carry);
		}
	}
	/* End of stream: an M4 copy of length 3 from distance 16384. */
	e.op[0] = 0x11;
	e.op[1] = 0;
	e.op[2] = 0;
	e.op += 3;
	return (size_t)(e.op - (uint8_t *)dst);
}

/* --- decoder ----------------------------------------------------------- */

/*
 * The extension of a length whose short field was zero: zero bytes worth
 * 255 each, then a non-zero byte, added to *len. At least one byte is
 * available on entry. Returns 0, ZSIM_ETRUNC when the input ends inside it
 * or ZSIM_EBADMSG for a count that would overflow.
 */
static int read_extra(const uint8_t **pip, const uint8_t *ie, size_t *len)
{
	const uint8_t *ip = *pip, *first = ip;
	while (*ip == 0) {
		ip++;
		if (ip == ie)
			return ZSIM_ETRUNC;
	}
	size_t zeros = (size_t)(ip - first);
	if (zeros > SIZE_MAX / 255 - 2)
		return ZSIM_EBADMSG;
	*len += zeros * 255 + *ip++;
	*pip = ip;
	return 0;
}

/*
 * Invariant at the top of the loop, as in the kernel: at least 3 input
 * bytes remain (every stream ends with the 3-byte end marker), so an
 * instruction byte and up to two operand bytes can be read without a
 * check; longer reads are checked.
 */
int zsim_lzo1x_decode(const void *src, size_t src_len, void *dst, size_t *dst_len)
{
	const uint8_t *ip = src;
	const uint8_t *const ie = ip + src_len;
	uint8_t *const out = dst;
	uint8_t *op = out;
	uint8_t *const oe = out + *dst_len;
	unsigned state = 0; /* literals after the last instruction; 4 = a run of them */
	size_t lit, len, dist;
	int rle = 0, rc;

	if (src_len < 3)
		return ZSIM_ETRUNC;
	if (src_len >= 5 && ip[0] == 17) {
		rle = ip[1] != 0;
		ip += 2;
	}
	if (*ip > 17) {
		/* First byte: a literal run of 1..238 with no instruction. */
		lit = (size_t)(*ip++ - 17);
		if (lit < 4)
			goto trailing_literals;
		len = lit;
		goto literal_run;
	}

	for (;;) {
		unsigned insn = *ip++;
		if (insn < 16) {
			if (state == 0) {
				/* 0000LLLL: a run of 4 or more literals. */
				len = insn;
				if (len == 0) {
					len = 15;
					if ((rc = read_extra(&ip, ie, &len)))
						return rc;
				}
				len += 3;
literal_run:
				if ((size_t)(oe - op) < len)
					return ZSIM_ENOSPC;
				if ((size_t)(ie - ip) < len || (size_t)(ie - ip) - len < 3)
					return ZSIM_ETRUNC;
				memcpy(op, ip, len);
				op += len;
				ip += len;
				state = 4;
				continue;
			}
			/* 0000DDSS + H: 2 bytes within 1 KiB after 1..3 literals,
			 * 3 bytes from 2..3 KiB after a literal run. */
			lit = insn & 3;
			dist = 1 + (insn >> 2) + ((size_t)*ip++ << 2);
			if (state == 4) {
				dist += LZR_M2_MAX_OFF;
				len = 3;
			} else {
				len = 2;
			}
		} else if (insn >= 64) {
			/* 1LLDDDSS / 01LDDDSS + H: 3..8 bytes within 2 KiB. */
			lit = insn & 3;
			dist = 1 + ((insn >> 2) & 7) + ((size_t)*ip++ << 3);
			len = (insn >> 5) + 1;
		} else if (insn >= 32) {
			/* 001LLLLL + LE16: within 16 KiB. */
			len = insn & 31;
			if (len == 0) {
				len = 31;
				if ((rc = read_extra(&ip, ie, &len)))
					return rc;
				if (ie - ip < 2)
					return ZSIM_ETRUNC;
			}
			len += 2;
			unsigned v = (unsigned)ip[0] | (unsigned)ip[1] << 8;
			ip += 2;
			dist = 1 + (v >> 2);
			lit = v & 3;
		} else {
			/* 0001HLLL + LE16: 16..48 KiB, the end marker, or a run. */
			if (ie - ip < 2)
				return ZSIM_ETRUNC;
			unsigned v = (unsigned)ip[0] | (unsigned)ip[1] << 8;
			if (rle && (insn & 0xf8) == 0x18 && (v & 0xfffc) == 0xfffc) {
				if (ie - ip < 3)
					return ZSIM_ETRUNC;
				len = ((insn & 7) | ((size_t)ip[2] << 3)) + LZR_RUN_MIN;
				if ((size_t)(oe - op) < len)
					return ZSIM_ENOSPC;
				memset(op, 0, len);
				op += len;
				ip += 3;
				lit = v & 3;
				goto trailing_literals;
			}
			len = insn & 7;
			if (len == 0) {
				len = 7;
				if ((rc = read_extra(&ip, ie, &len)))
					return rc;
				if (ie - ip < 2)
					return ZSIM_ETRUNC;
				v = (unsigned)ip[0] | (unsigned)ip[1] << 8;
			}
			len += 2;
			ip += 2;
			lit = v & 3;
			dist = ((size_t)(insn & 8) << 11) + (v >> 2);
			if (dist == 0) {
				/* End of stream: length 3, nothing after it. */
				if (len != 3 || ip != ie)
					return ZSIM_EBADMSG;
				*dst_len = (size_t)(op - out);
				return 0;
			}
			dist += LZR_M4_BASE;
		}

		if (dist > (size_t)(op - out))
			return ZSIM_EBADMSG; /* before the start of the output */
		if ((size_t)(oe - op) < len)
			return ZSIM_ENOSPC;
		{
			const uint8_t *m = op - dist;
			if (dist >= len) {
				memcpy(op, m, len);
				op += len;
			} else {
				/* Overlapping: byte by byte repeats the pattern. */
				for (size_t i = 0; i < len; i++)
					op[i] = m[i];
				op += len;
			}
		}
trailing_literals:
		/* 0..3 literals follow; the next instruction's meaning
		 * depends on how many. */
		state = (unsigned)lit;
		if ((size_t)(ie - ip) < lit + 3)
			return ZSIM_ETRUNC;
		if ((size_t)(oe - op) < lit)
			return ZSIM_ENOSPC;
		for (size_t i = 0; i < lit; i++)
			op[i] = ip[i];
		op += lit;
		ip += lit;
	}
}

/* --- driver ------------------------------------------------------------ */

struct lzorle_ctx {
	size_t scratch_cap;
	uint8_t *scratch; /* worst-case output buffer */
	uint16_t dict[1u << LZR_KERNEL_DBITS];
};

static int lzorle_ctx_alloc(const struct zsim_codec_params *p, void **out)
{
	(void)p;
	struct lzorle_ctx *c = malloc(sizeof(*c));
	if (!c)
		return ZSIM_ENOMEM;
	c->scratch_cap = ZSIM_LZO1X_WORST(2 * ZSIM_PAGE_SIZE);
	c->scratch = malloc(c->scratch_cap);
	if (!c->scratch) {
		free(c);
		return ZSIM_ENOMEM;
	}
	*out = c;
	return 0;
}

static void lzorle_ctx_free(void *ctx)
{
	struct lzorle_ctx *c = ctx;
	if (!c)
		return;
	free(c->scratch);
	free(c);
}

static size_t lzorle_ctx_size(const void *ctx)
{
	const struct lzorle_ctx *c = ctx;
	return sizeof(*c) + c->scratch_cap;
}

static int lzorle_compress(void *ctx, const void *src, size_t slen, void *dst,
			   size_t *dlen)
{
	struct lzorle_ctx *c = ctx;
	if (slen > LZR_MAX_INPUT)
		return ZSIM_EINVAL;
	size_t worst = ZSIM_LZO1X_WORST(slen);
	if (*dlen >= worst) {
		/* Cannot overflow: write straight into the caller's buffer. */
		*dlen = zsim_lzo1x_encode(src, slen, dst, c->dict, LZR_KERNEL_DBITS, 1);
		return 0;
	}
	if (worst > c->scratch_cap) {
		/* Only for inputs above two pages; zswap never gets here. */
		uint8_t *p = realloc(c->scratch, worst);
		if (!p)
			return ZSIM_ENOMEM;
		c->scratch = p;
		c->scratch_cap = worst;
	}
	size_t n = zsim_lzo1x_encode(src, slen, c->scratch, c->dict, LZR_KERNEL_DBITS, 1);
	if (n > *dlen)
		return ZSIM_ENOSPC;
	memcpy(dst, c->scratch, n);
	*dlen = n;
	return 0;
}

static int lzorle_decompress(void *ctx, const void *src, size_t slen, void *dst,
			     size_t *dlen)
{
	(void)ctx;
	return zsim_lzo1x_decode(src, slen, dst, dlen);
}

const struct zsim_codec_ops zsim_codec_lzorle_ops = {
	.name = "lzo-rle",
	.driver_name = "lzo-rle-generic",
	.description = "LZO1X-1 with zero-run encoding (own implementation of the kernel's lzo-rle)",
	.priority = 100,
	.flags = ZSIM_CODEC_F_UNBOUNDED_OUTPUT,
	.ctx_alloc = lzorle_ctx_alloc,
	.ctx_free = lzorle_ctx_free,
	.ctx_size = lzorle_ctx_size,
	.compress = lzorle_compress,
	.decompress = lzorle_decompress,
};
