/*
 * iaa_fixed.c - the stand-in for IAA's fixed-mode compressor: raw DEFLATE
 * as one final block with the RFC 1951 fixed Huffman code, matches no
 * further back than 4 KiB, closed by an EOB and zero-padded to a byte.
 *
 * Models what the kernel's deflate-iaa (fixed mode, 6.8+) gets from the
 * device, following iaa.md §4.3. No packaged library reproduces IAA's
 * bytes; the encoder is zlib: deflateInit2(level, Z_DEFLATED, -12, 8,
 * Z_FIXED). It forces the fixed code, takes a 4 KiB window and, like IAA,
 * has a 3-byte minimum match, so its LZ77 parse is the closest to IAA's
 * (9 of 10 matches equal on the 191-byte hardware vector at levels 4-6, 6
 * of 10 at level 1). Level 1, the default, gives the ratio closest to the
 * published IAA-fixed ratio (iaa.md §4.2: 1.94 against a predicted 1.87
 * on 16,384 system-file pages).
 * Not offered: ISA-L igzip level 0 with IGZIP_HUFFTABLE_STATIC, which
 * iaa.md suggests as a faster encoder. Measured here (ISA-L 2.30) it
 * writes the fixed code behind a *dynamic* block header (first byte 0xed,
 * BTYPE=10), which is not the device's format.
 * Where the device and zlib differ: zlib may write a stored block when
 * fixed coding would expand the data; IAA never does.
 * When that output (or any output that is not one final fixed block)
 * comes back, the encoder writes a literals-only fixed block instead if it
 * fits, else reports the overflow (IAA's 0x0A/0x19) as ZSIM_ENOSPC. A
 * literals-only block is what IAA would produce give or take the few
 * matches incompressible data has, so sizes near the limit are estimates.
 * The z_stream and igzip's buffers are allocated once, in
 * zsim_iaa_enc_create; compressing allocates nothing.
 */
#include "codec/iaa.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "zswapsim/common.h"

#define IAA_ZLIB_WBITS 12   /* 4 KiB history */
#define IAA_ZLIB_MEMLEVEL 8 /* as iaa.md measured */

struct zsim_iaa_enc {
	int level;
	size_t zbytes;
	z_stream zs;
	bool zs_ok;
};

static voidpf enc_zalloc(voidpf opaque, uInt items, uInt size)
{
	struct zsim_iaa_enc *e = opaque;
	size_t n = (size_t)items * size;
	size_t *p = malloc(n + sizeof(max_align_t));
	if (!p)
		return Z_NULL;
	*p = n;
	e->zbytes += n;
	return (char *)p + sizeof(max_align_t);
}

static void enc_zfree(voidpf opaque, voidpf a)
{
	struct zsim_iaa_enc *e = opaque;
	if (!a)
		return;
	size_t *p = (size_t *)(void *)((char *)a - sizeof(max_align_t));
	e->zbytes -= *p;
	free(p);
}

void zsim_iaa_enc_destroy(struct zsim_iaa_enc *e)
{
	if (!e)
		return;
	if (e->zs_ok)
		deflateEnd(&e->zs);
	free(e);
}

int zsim_iaa_enc_create(int level, struct zsim_iaa_enc **out)
{
	*out = NULL;
	if (level < 1 || level > 9)
		return ZSIM_EINVAL;
	struct zsim_iaa_enc *e = calloc(1, sizeof(*e));
	if (!e)
		return ZSIM_ENOMEM;
	e->level = level;
	e->zs.zalloc = enc_zalloc;
	e->zs.zfree = enc_zfree;
	e->zs.opaque = e;
	int rc = deflateInit2(&e->zs, level, Z_DEFLATED, -IAA_ZLIB_WBITS, IAA_ZLIB_MEMLEVEL, Z_FIXED);
	if (rc != Z_OK) {
		free(e);
		return rc == Z_MEM_ERROR ? ZSIM_ENOMEM : ZSIM_EINVAL;
	}
	e->zs_ok = true;
	*out = e;
	return 0;
}

size_t zsim_iaa_enc_size(const struct zsim_iaa_enc *e)
{
	if (!e)
		return 0;
	return sizeof(*e) + e->zbytes;
}

/* --- literals-only fixed block ------------------------------------------- */

static unsigned lit_bits(uint8_t c)
{
	return c < 144 ? 8 : 9;
}

size_t zsim_iaa_fixed_literal_size(const void *src, size_t slen)
{
	const uint8_t *s = src;
	uint64_t bits = 3 + 7; /* header, EOB */
	for (size_t i = 0; i < slen; i++)
		bits += lit_bits(s[i]);
	return (size_t)((bits + 7) / 8);
}

static uint32_t reverse_bits(uint32_t code, unsigned len)
{
	uint32_t r = 0;
	for (unsigned i = 0; i < len; i++) {
		r = (r << 1) | (code & 1);
		code >>= 1;
	}
	return r;
}

size_t zsim_iaa_fixed_literal_write(const void *src, size_t slen, void *dst, size_t cap)
{
	size_t need = zsim_iaa_fixed_literal_size(src, slen);
	if (need > cap)
		return 0;
	const uint8_t *s = src;
	uint8_t *o = dst;
	uint64_t acc = 0x3; /* BFINAL=1, BTYPE=01 */
	unsigned nacc = 3;
	size_t pos = 0;
	for (size_t i = 0; i < slen; i++) {
		unsigned len = lit_bits(s[i]);
		uint32_t code = s[i] < 144 ? 0x30u + s[i] : 0x190u + (s[i] - 144u);
		acc |= (uint64_t)reverse_bits(code, len) << nacc;
		nacc += len;
		while (nacc >= 8) {
			o[pos++] = (uint8_t)acc;
			acc >>= 8;
			nacc -= 8;
		}
	}
	nacc += 7; /* EOB: seven zero bits */
	while (nacc >= 8) {
		o[pos++] = (uint8_t)acc;
		acc >>= 8;
		nacc -= 8;
	}
	if (nacc)
		o[pos++] = (uint8_t)acc;
	return pos;
}

/* --- the encoder ----------------------------------------------------------- */

static int enc_zlib(struct zsim_iaa_enc *e, const void *src, size_t slen, void *dst,
		    size_t *dlen)
{
	z_stream *s = &e->zs;
	if (deflateReset(s) != Z_OK)
		return ZSIM_EINVAL;
	s->next_in = (Bytef *)(uintptr_t)src;
	s->avail_in = (uInt)slen;
	s->next_out = dst;
	s->avail_out = *dlen > UINT32_MAX ? UINT32_MAX : (uInt)*dlen;
	int rc = deflate(s, Z_FINISH);
	if (rc != Z_STREAM_END)
		return rc == Z_OK || rc == Z_BUF_ERROR ? ZSIM_ENOSPC : ZSIM_EINVAL;
	*dlen = s->total_out;
	return 0;
}


int zsim_iaa_enc_compress(struct zsim_iaa_enc *e, const void *src, size_t slen, void *dst,
			  size_t *dlen)
{
	if (!slen || slen > ZSIM_IAA_SIM_MAX_SRC)
		return ZSIM_EINVAL;
	size_t cap = *dlen, got = cap;
	int rc = enc_zlib(e, src, slen, dst, &got);
	if (rc == ZSIM_ENOSPC) {
		/* zlib's stream did not fit: a stored block would not either,
		 * and the fixed block is no smaller than the stored one zlib
		 * would have preferred, so the device overflows. */
		return ZSIM_ENOSPC;
	}
	if (rc)
		return rc;
	/* One final fixed block: the first three bits are 1, 1, 0. */
	if (got > 0 && (((const uint8_t *)dst)[0] & 0x7) == 0x3) {
		*dlen = got;
		return 0;
	}
	/* A stored block (or several blocks): IAA writes fixed codes anyway. */
	size_t n = zsim_iaa_fixed_literal_write(src, slen, dst, cap);
	if (!n)
		return ZSIM_ENOSPC;
	*dlen = n;
	return 0;
}
