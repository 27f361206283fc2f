/*
 * iaa_inflate.c - a raw DEFLATE decoder (RFC 1951: stored, fixed and
 * dynamic blocks) that can behave like IAA's decompressor as the kernel
 * drives it, or like the kernel's generic software deflate it falls back to.
 *
 * Strict mode models the device with the kernel's decompression flags
 * (ENABLE|FLUSH|STOP_ON_EOB|CHECK_EOB, iaa.md §2.1/§3.1): it stops at the
 * first EOB whether or not that block is final, and rejects a distance
 * beyond the 4 KiB history (status 0x0A, error 17), which zlib does not do
 * when the whole output sits in one buffer. Failures carry the status and
 * error code a device would write (QPL's numbering); which code the
 * hardware picks for a truncated stream is inferred (BIGHDR inside a
 * header, BAD_EOF elsewhere), not measured. A stored block ends decoding
 * in strict mode as an EOB would (inferred).
 * Permissive mode is the fallback: a 32 KiB window, blocks up to the one
 * marked final, bytes after it ignored, like crypto/deflate.c.
 * Code-length rules follow zlib's: an over-subscribed code is an error, an
 * incomplete one too unless it is a single code of length 1.
 * No allocation: the tables live on the stack (about 2.5 KiB); the fixed
 * code's tables are built once.
 */
#include "codec/iaa.h"

#include <pthread.h>
#include <string.h>

#include "zswapsim/common.h"

#define FAST_BITS 9
#define MAX_CODE_BITS 15
#define WINDOW_PERMISSIVE 32768u

struct huff {
	uint16_t fast[1u << FAST_BITS]; /* (symbol << 4) | length; 0: slow path */
	uint16_t count[MAX_CODE_BITS + 1];
	uint16_t symbol[288];
};

struct bitin {
	const uint8_t *start, *p, *end;
	uint64_t buf; /* bits above cnt are always zero */
	unsigned cnt;
};

/* A failed decode: the ZSIM_E* code and what the device would report. */
struct fail {
	int rc;
	uint8_t status, error;
};

static const uint16_t len_base[29] = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,
				      15, 17, 19, 23, 27, 31, 35, 43, 51,  59,
				      67, 83, 99, 115, 131, 163, 195, 227, 258};
static const uint8_t len_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
				      2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
static const uint16_t dist_base[30] = {1,    2,    3,    4,    5,    7,     9,     13,
				       17,   25,   33,   49,   65,   97,    129,   193,
				       257,  385,  513,  769,  1025, 1537,  2049,  3073,
				       4097, 6145, 8193, 12289, 16385, 24577};
static const uint8_t dist_extra[30] = {0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
				       6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
static const uint8_t cl_order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

static void refill(struct bitin *b)
{
	while (b->cnt <= 56 && b->p < b->end) {
		b->buf |= (uint64_t)*b->p++ << b->cnt;
		b->cnt += 8;
	}
}

static bool need(struct bitin *b, unsigned n)
{
	if (b->cnt < n)
		refill(b);
	return b->cnt >= n;
}

static uint32_t take(struct bitin *b, unsigned n)
{
	uint32_t v = (uint32_t)(b->buf & ((1ull << n) - 1));
	b->buf >>= n;
	b->cnt -= n;
	return v;
}

static uint32_t rev(uint32_t code, unsigned len)
{
	uint32_t r = 0;
	for (unsigned i = 0; i < len; i++) {
		r = (r << 1) | (code & 1);
		code >>= 1;
	}
	return r;
}

/* Build a decoding table; 0, or -1 for an over-subscribed or (other than
 * a single 1-bit code) incomplete set. An empty set builds and then fails
 * on first use. */
static int huff_build(struct huff *h, const uint8_t *lens, unsigned n)
{
	memset(h->count, 0, sizeof(h->count));
	for (unsigned s = 0; s < n; s++)
		h->count[lens[s]]++;
	memset(h->fast, 0, sizeof(h->fast));
	if (h->count[0] == n)
		return 0;
	int left = 1;
	unsigned max = 0;
	for (unsigned l = 1; l <= MAX_CODE_BITS; l++) {
		left <<= 1;
		left -= h->count[l];
		if (left < 0)
			return -1;
		if (h->count[l])
			max = l;
	}
	if (left > 0 && max != 1)
		return -1;
	uint16_t offs[MAX_CODE_BITS + 2];
	offs[1] = 0;
	for (unsigned l = 1; l <= MAX_CODE_BITS; l++)
		offs[l + 1] = (uint16_t)(offs[l] + h->count[l]);
	uint32_t next[MAX_CODE_BITS + 1];
	uint32_t code = 0;
	next[0] = 0;
	for (unsigned l = 1; l <= MAX_CODE_BITS; l++) {
		code = (code + h->count[l - 1] * (l > 1)) << 1;
		next[l] = code;
	}
	for (unsigned s = 0; s < n; s++) {
		unsigned l = lens[s];
		if (!l)
			continue;
		h->symbol[offs[l]++] = (uint16_t)s;
		uint32_t c = next[l]++;
		if (l <= FAST_BITS) {
			uint16_t e = (uint16_t)((s << 4) | l);
			for (uint32_t i = rev(c, l); i < (1u << FAST_BITS); i += 1u << l)
				h->fast[i] = e;
		}
	}
	return 0;
}

/* Returns the symbol, -1 for no such code, -2 for input that ended. */
static int decode_slow(struct bitin *b, const struct huff *h)
{
	int code = 0, first = 0, index = 0;
	for (unsigned l = 1; l <= MAX_CODE_BITS; l++) {
		if (!need(b, 1))
			return -2;
		code |= (int)take(b, 1);
		int count = h->count[l];
		if (code - count < first)
			return h->symbol[index + (code - first)];
		index += count;
		first += count;
		first <<= 1;
		code <<= 1;
	}
	return -1;
}

static inline int decode(struct bitin *b, const struct huff *h)
{
	if (b->cnt < FAST_BITS)
		refill(b);
	uint16_t e = h->fast[b->buf & ((1u << FAST_BITS) - 1)];
	if (e) {
		unsigned l = e & 15;
		if (l > b->cnt)
			return -2;
		b->buf >>= l;
		b->cnt -= l;
		return e >> 4;
	}
	return decode_slow(b, h);
}

static struct huff fixed_lit, fixed_dist;
static pthread_once_t fixed_once = PTHREAD_ONCE_INIT;

static void fixed_build(void)
{
	uint8_t l[288];
	unsigned s = 0;
	for (; s < 144; s++)
		l[s] = 8;
	for (; s < 256; s++)
		l[s] = 9;
	for (; s < 280; s++)
		l[s] = 7;
	for (; s < 288; s++)
		l[s] = 8;
	huff_build(&fixed_lit, l, 288);
	for (s = 0; s < 30; s++)
		l[s] = 5;
	/* Distance codes 30 and 31 exist in the fixed code but are invalid;
	 * build all 32 so they decode and are then rejected. */
	l[30] = l[31] = 5;
	huff_build(&fixed_dist, l, 32);
}

static int fail(struct fail *f, int rc, uint8_t status, uint8_t error)
{
	f->rc = rc;
	f->status = status;
	f->error = error;
	return rc;
}

static int bad(struct fail *f, uint8_t error)
{
	return fail(f, ZSIM_EBADMSG, ZSIM_IAA_ST_ANALYTICS_ERROR, error);
}

static int trunc_err(struct fail *f, bool header)
{
	return fail(f, ZSIM_ETRUNC, ZSIM_IAA_ST_ANALYTICS_ERROR,
		    header ? ZSIM_IAA_ERR_BIGHDR : ZSIM_IAA_ERR_BAD_EOF);
}

static int overflow(struct fail *f)
{
	return fail(f, ZSIM_ENOSPC, ZSIM_IAA_ST_OUTPUT_OVERFLOW, 0);
}

static int read_dynamic(struct bitin *b, struct huff *lit, struct huff *dist, struct fail *f)
{
	if (!need(b, 14))
		return trunc_err(f, true);
	unsigned hlit = take(b, 5) + 257, hdist = take(b, 5) + 1, hclen = take(b, 4) + 4;
	if (hlit > 286)
		return bad(f, ZSIM_IAA_ERR_TOO_MANY_LL_CODES);
	if (hdist > 30)
		return bad(f, ZSIM_IAA_ERR_TOO_MANY_D_CODES);
	uint8_t lens[286 + 30];
	uint8_t cl[19] = {0};
	for (unsigned i = 0; i < hclen; i++) {
		if (!need(b, 3))
			return trunc_err(f, true);
		cl[cl_order[i]] = (uint8_t)take(b, 3);
	}
	struct huff clh;
	if (huff_build(&clh, cl, 19) || clh.count[0] == 19)
		return bad(f, ZSIM_IAA_ERR_BAD_CL_CODE_LEN);
	unsigned n = 0, total = hlit + hdist;
	while (n < total) {
		int sym = decode(b, &clh);
		if (sym == -2)
			return trunc_err(f, true);
		if (sym < 0)
			return bad(f, ZSIM_IAA_ERR_UNDEF_CL_CODE);
		if (sym < 16) {
			lens[n++] = (uint8_t)sym;
			continue;
		}
		unsigned rep;
		uint8_t val = 0;
		if (sym == 16) {
			if (n == 0)
				return bad(f, n < hlit ? ZSIM_IAA_ERR_FIRST_LL_CODE_16
						       : ZSIM_IAA_ERR_FIRST_D_CODE_16);
			val = lens[n - 1];
			if (!need(b, 2))
				return trunc_err(f, true);
			rep = 3 + take(b, 2);
		} else if (sym == 17) {
			if (!need(b, 3))
				return trunc_err(f, true);
			rep = 3 + take(b, 3);
		} else {
			if (!need(b, 7))
				return trunc_err(f, true);
			rep = 11 + take(b, 7);
		}
		if (n + rep > total)
			return bad(f, n < hlit ? ZSIM_IAA_ERR_WRONG_NUM_LL_CODES
					       : ZSIM_IAA_ERR_WRONG_NUM_DIST_CODES);
		while (rep--)
			lens[n++] = val;
	}
	if (lens[256] == 0)
		return bad(f, ZSIM_IAA_ERR_NO_LL_CODE);
	if (huff_build(lit, lens, hlit))
		return bad(f, ZSIM_IAA_ERR_BAD_LL_CODE_LEN);
	if (huff_build(dist, lens + hlit, hdist))
		return bad(f, ZSIM_IAA_ERR_BAD_DIST_CODE_LEN);
	return 0;
}

static int codes(struct bitin *b, const struct huff *lit, const struct huff *dist, uint8_t *out,
		 size_t cap, size_t *pos, unsigned max_dist, struct fail *f)
{
	size_t o = *pos;
	int rc = 0;
	for (;;) {
		int sym = decode(b, lit);
		if (sym < 256) {
			if (sym == -2) {
				rc = trunc_err(f, false);
				break;
			}
			if (sym < 0) {
				rc = bad(f, ZSIM_IAA_ERR_BAD_LL_CODE);
				break;
			}
			if (o >= cap) {
				rc = overflow(f);
				break;
			}
			out[o++] = (uint8_t)sym;
			continue;
		}
		if (sym == 256)
			break;
		sym -= 257;
		if (sym >= 29) {
			rc = bad(f, ZSIM_IAA_ERR_BAD_LEN);
			break;
		}
		if (!need(b, len_extra[sym])) {
			rc = trunc_err(f, false);
			break;
		}
		size_t len = len_base[sym] + take(b, len_extra[sym]);
		int ds = decode(b, dist);
		if (ds == -2) {
			rc = trunc_err(f, false);
			break;
		}
		if (ds < 0 || ds >= 30) {
			rc = bad(f, ZSIM_IAA_ERR_BAD_D_CODE);
			break;
		}
		if (!need(b, dist_extra[ds])) {
			rc = trunc_err(f, false);
			break;
		}
		size_t d = dist_base[ds] + take(b, dist_extra[ds]);
		if (d > max_dist) {
			rc = bad(f, ZSIM_IAA_ERR_BAD_DIST);
			break;
		}
		if (d > o) {
			rc = bad(f, ZSIM_IAA_ERR_REF_BEFORE_START);
			break;
		}
		if (len > cap - o) {
			/* The device writes what fits, then reports the overflow. */
			size_t fit = cap - o;
			for (size_t i = 0; i < fit; i++, o++)
				out[o] = out[o - d];
			rc = overflow(f);
			break;
		}
		const uint8_t *from = out + o - d;
		uint8_t *to = out + o;
		if (d >= len) {
			memcpy(to, from, len);
		} else {
			for (size_t i = 0; i < len; i++)
				to[i] = from[i];
		}
		o += len;
	}
	*pos = o;
	return rc;
}

static int stored(struct bitin *b, uint8_t *out, size_t cap, size_t *pos, struct fail *f)
{
	take(b, b->cnt & 7); /* to a byte boundary */
	if (!need(b, 32))
		return trunc_err(f, true);
	uint32_t len = take(b, 16), nlen = take(b, 16);
	if (len != (~nlen & 0xffffu))
		return bad(f, ZSIM_IAA_ERR_INVALID_STORED_LEN);
	size_t o = *pos;
	/* Whole bytes still in the bit buffer come first. */
	while (len && b->cnt >= 8) {
		if (o >= cap) {
			*pos = o;
			return overflow(f);
		}
		out[o++] = (uint8_t)take(b, 8);
		len--;
	}
	size_t avail = (size_t)(b->end - b->p);
	size_t n = len < avail ? len : avail; /* what the input holds */
	size_t room = cap - o;
	if (n > room) {
		/* The output fills before the input runs out. */
		memcpy(out + o, b->p, room);
		b->p += room;
		*pos = o + room;
		return overflow(f);
	}
	memcpy(out + o, b->p, n);
	b->p += n;
	*pos = o + n;
	if (n < len)
		return trunc_err(f, false);
	return 0;
}

int zsim_iaa_inflate(const void *src, size_t slen, void *dst, size_t *dlen, unsigned flags,
		     struct zsim_iaa_inflate_info *info)
{
	pthread_once(&fixed_once, fixed_build);
	bool strict = flags & ZSIM_IAA_INF_STRICT;
	unsigned max_dist = strict ? ZSIM_IAA_HISTORY : WINDOW_PERMISSIVE;
	struct bitin b = {.start = src, .p = src, .end = (const uint8_t *)src + slen};
	struct fail f = {0, ZSIM_IAA_ST_SUCCESS, 0};
	size_t cap = *dlen, pos = 0;
	struct huff lit, dist;
	int rc = 0;
	for (;;) {
		if (!need(&b, 3)) {
			rc = trunc_err(&f, true);
			break;
		}
		unsigned final = take(&b, 1), type = take(&b, 2);
		if (type == 0) {
			rc = stored(&b, dst, cap, &pos, &f);
		} else if (type == 1) {
			rc = codes(&b, &fixed_lit, &fixed_dist, dst, cap, &pos, max_dist, &f);
		} else if (type == 2) {
			rc = read_dynamic(&b, &lit, &dist, &f);
			if (!rc)
				rc = codes(&b, &lit, &dist, dst, cap, &pos, max_dist, &f);
		} else {
			rc = bad(&f, ZSIM_IAA_ERR_INVALID_BLOCK_TYPE);
		}
		if (rc || strict || final)
			break;
	}
	if (info) {
		/* Bits still buffered were read ahead, not consumed. */
		uint64_t read = (uint64_t)(b.p - b.start) * 8;
		info->in_bits = read - b.cnt;
		info->in_bytes = (size_t)((info->in_bits + 7) / 8);
		info->out_len = pos;
		info->status = f.status;
		info->error = f.error;
	}
	if (rc)
		return rc;
	*dlen = pos;
	return 0;
}
