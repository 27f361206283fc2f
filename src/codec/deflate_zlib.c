/*
 * deflate_zlib.c - the "deflate" algorithm on zlib, with the kernel's
 * parameters ("deflate-zlib", the default driver for "deflate").
 *
 * Models crypto/deflate.c (unchanged in what matters from 2.6 to 6.12; the
 * 6.15 acomp rewrite keeps the parameters): raw DEFLATE with no zlib header,
 * zlib_deflateInit2(Z_DEFAULT_COMPRESSION = level 6, Z_DEFLATED,
 * windowBits -11 (a 2 KiB window, so matches reach back at most
 * 2048 - 262 bytes), memLevel MAX_MEM_LEVEL = 9, Z_DEFAULT_STRATEGY), one
 * deflateReset and one deflate(Z_FINISH) per page. Output that does not fit
 * the request's dlen is an error in the kernel (-EINVAL, zswap's
 * reject_compress_fail); here ZSIM_ENOSPC, and zlib never writes past the
 * capacity. The kernel's zlib is derived from zlib 1.1.3 and userspace's is
 * 1.2.13; for one 4 KiB block with these parameters both run the same lazy
 * matcher and block-type choice, but byte equality with a running kernel
 * has not been checked here.
 * Decompression is one inflate(Z_FINISH) into the caller's buffer.
 * Differences from the kernel: (1) the window is 32 KiB (windowBits -15)
 * rather than 2 KiB; zlib does not enforce the window for matches inside a
 * single output buffer anyway, so the same streams decode, and the larger
 * window lets us look past a full output buffer to tell ZSIM_ENOSPC from
 * truncation; (2) the kernel's "taste an extra zero byte" work-around
 * (which accepts some streams cut short by one byte) is not reproduced:
 * input that ends before the final block does is ZSIM_ETRUNC. Bytes after
 * the end of the stream are ignored, as in the kernel.
 * Both z_streams live in the context and are reset per call; every zlib
 * allocation happens in ctx_alloc (the inflate window is made there by a
 * warm-up call), none on the compress/decompress path.
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "codec/codec_internal.h"

#define DEFLATE_KERNEL_LEVEL 6 /* Z_DEFAULT_COMPRESSION */
#define DEFLATE_KERNEL_WBITS 11
#define DEFLATE_KERNEL_MEMLEVEL 9 /* MAX_MEM_LEVEL */
#define INFLATE_WBITS 15

struct dzlib_ctx {
	z_stream cs, ds;
	int cs_ok, ds_ok;
	size_t zbytes; /* what zlib allocated for both streams */
	unsigned char probe[64];
};

static voidpf dzlib_zalloc(voidpf opaque, uInt items, uInt size)
{
	struct dzlib_ctx *c = opaque;
	size_t n = (size_t)items * size;
	size_t *p = malloc(n + sizeof(max_align_t));
	if (!p)
		return Z_NULL;
	*p = n;
	c->zbytes += n;
	return (char *)p + sizeof(max_align_t);
}

static void dzlib_zfree(voidpf opaque, voidpf addr)
{
	struct dzlib_ctx *c = opaque;
	if (!addr)
		return;
	size_t *p = (size_t *)(void *)((char *)addr - sizeof(max_align_t));
	c->zbytes -= *p;
	free(p);
}

static void dzlib_ctx_free(void *ctx)
{
	struct dzlib_ctx *c = ctx;
	if (!c)
		return;
	if (c->cs_ok)
		deflateEnd(&c->cs);
	if (c->ds_ok)
		inflateEnd(&c->ds);
	free(c);
}

static int dzlib_ctx_alloc(const struct zsim_codec_params *p, void **out)
{
	struct dzlib_ctx *c = calloc(1, sizeof(*c));
	if (!c)
		return ZSIM_ENOMEM;
	c->cs.zalloc = c->ds.zalloc = dzlib_zalloc;
	c->cs.zfree = c->ds.zfree = dzlib_zfree;
	c->cs.opaque = c->ds.opaque = c;
	int rc = deflateInit2(&c->cs, p->level, Z_DEFLATED, -DEFLATE_KERNEL_WBITS,
			      DEFLATE_KERNEL_MEMLEVEL, Z_DEFAULT_STRATEGY);
	c->cs_ok = rc == Z_OK;
	if (rc == Z_OK) {
		rc = inflateInit2(&c->ds, -INFLATE_WBITS);
		c->ds_ok = rc == Z_OK;
	}
	if (rc == Z_OK) {
		/* Warm-up: a one-byte stored block inflated without Z_FINISH
		 * makes zlib allocate its window now rather than on the first
		 * stream that overflows the caller's buffer. */
		static const unsigned char stored[] = {0x01, 0x01, 0x00, 0xfe, 0xff, 'A'};
		unsigned char byte;
		c->ds.next_in = (Bytef *)stored;
		c->ds.avail_in = sizeof(stored);
		c->ds.next_out = &byte;
		c->ds.avail_out = 1;
		rc = inflate(&c->ds, Z_NO_FLUSH);
		rc = (rc == Z_STREAM_END && byte == 'A') ? Z_OK : Z_DATA_ERROR;
	}
	if (rc != Z_OK) {
		dzlib_ctx_free(c);
		return rc == Z_MEM_ERROR ? ZSIM_ENOMEM : ZSIM_EINVAL;
	}
	*out = c;
	return 0;
}

static size_t dzlib_ctx_size(const void *ctx)
{
	const struct dzlib_ctx *c = ctx;
	return sizeof(*c) + c->zbytes;
}

static int dzlib_compress(void *ctx, const void *src, size_t slen, void *dst,
			  size_t *dlen)
{
	struct dzlib_ctx *c = ctx;
	if (slen > UINT32_MAX || *dlen > UINT32_MAX)
		return ZSIM_EINVAL;
	if (deflateReset(&c->cs) != Z_OK)
		return ZSIM_EINVAL;
	c->cs.next_in = (Bytef *)src;
	c->cs.avail_in = (uInt)slen;
	c->cs.next_out = dst;
	c->cs.avail_out = (uInt)*dlen;
	int rc = deflate(&c->cs, Z_FINISH);
	if (rc != Z_STREAM_END)
		return rc == Z_OK || rc == Z_BUF_ERROR ? ZSIM_ENOSPC : ZSIM_EINVAL;
	*dlen = c->cs.total_out;
	return 0;
}

static int dzlib_decompress(void *ctx, const void *src, size_t slen, void *dst,
			    size_t *dlen)
{
	struct dzlib_ctx *c = ctx;
	z_stream *s = &c->ds;
	if (slen > UINT32_MAX || *dlen > UINT32_MAX)
		return ZSIM_EINVAL;
	if (inflateReset(s) != Z_OK)
		return ZSIM_EINVAL;
	s->next_in = (Bytef *)src;
	s->avail_in = (uInt)slen;
	s->next_out = dst;
	s->avail_out = (uInt)*dlen;
	int rc = inflate(s, Z_FINISH);
	if (rc == Z_STREAM_END) {
		*dlen = s->total_out;
		return 0;
	}
	if (rc == Z_DATA_ERROR)
		return ZSIM_EBADMSG;
	if (rc == Z_MEM_ERROR)
		return ZSIM_ENOMEM;
	if (rc != Z_OK && rc != Z_BUF_ERROR)
		return ZSIM_EINVAL;
	if (s->avail_out == 0) {
		/* The buffer is full: would the stream write more? (Even with
		 * no input left, zlib may hold bits that decode to more.) */
		size_t before = s->total_out;
		s->next_out = c->probe;
		s->avail_out = sizeof(c->probe);
		rc = inflate(s, Z_FINISH);
		if (s->total_out > before)
			return ZSIM_ENOSPC;
		if (rc == Z_STREAM_END) {
			*dlen = before;
			return 0;
		}
		if (rc == Z_DATA_ERROR)
			return ZSIM_EBADMSG;
	}
	return ZSIM_ETRUNC; /* the input ended before the final block did */
}

const struct zsim_codec_ops zsim_codec_deflate_zlib_ops = {
	.name = "deflate",
	.driver_name = "deflate-zlib",
	.description = "raw DEFLATE (zlib " ZLIB_VERSION "), the kernel's level 6, 2 KiB window, memLevel 9",
	.priority = 300,
	.level_min = 1,
	.level_max = 9,
	.level_default = DEFLATE_KERNEL_LEVEL,
	.ctx_alloc = dzlib_ctx_alloc,
	.ctx_free = dzlib_ctx_free,
	.ctx_size = dzlib_ctx_size,
	.compress = dzlib_compress,
	.decompress = dzlib_decompress,
};
