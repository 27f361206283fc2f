/*
 * deflate_isal.c - the "deflate" algorithm on Intel ISA-L's igzip
 * ("deflate-isal"), the fastest software deflate here.
 *
 * Models crypto/deflate.c's interface (raw DEFLATE, no header, output
 * bounded by the request's dlen) but not its bytes: igzip level 1 (its
 * default; levels 0..3 accepted) with a 2 KiB history (hist_bits 11, the
 * kernel's window, so every stream it writes is one the kernel's 2 KiB
 * inflate reads). igzip's 4-byte minimum match and its own Huffman
 * heuristics give other sizes than zlib: see docs/codecs.md. Registered
 * below deflate-zlib; reached by its driver name.
 * Compression is isal_deflate_stateless into the caller's buffer:
 * STATELESS_OVERFLOW is ZSIM_ENOSPC and igzip never writes past avail_out.
 * Decompression is isal_inflate_stateless: ISAL_END_INPUT (input ended
 * before the final block did) is ZSIM_ETRUNC, ISAL_OUT_OVERFLOW is
 * ZSIM_ENOSPC, ISAL_INVALID_BLOCK / _SYMBOL / _LOOKBACK are ZSIM_EBADMSG.
 * The inflate state (about 40 KiB) and the level buffer live in the
 * context; the stream struct is re-initialised per call, which allocates
 * nothing.
 */
#ifdef ZSIM_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#include <stdint.h>
#include <stdlib.h>

#include "codec/codec_internal.h"

#define ISAL_DEFAULT_LEVEL 1
#define ISAL_KERNEL_HIST_BITS 11

struct disal_ctx {
	int level;
	size_t level_buf_size;
	uint8_t *level_buf;
	struct isal_zstream zs;
	struct inflate_state is;
};

static size_t level_buf_size(int level)
{
	switch (level) {
	case 0:
		return ISAL_DEF_LVL0_DEFAULT;
	case 1:
		return ISAL_DEF_LVL1_DEFAULT;
	case 2:
		return ISAL_DEF_LVL2_DEFAULT;
	default:
		return ISAL_DEF_LVL3_DEFAULT;
	}
}

static void disal_ctx_free(void *ctx)
{
	struct disal_ctx *c = ctx;
	if (!c)
		return;
	free(c->level_buf);
	free(c);
}

static int disal_ctx_alloc(const struct zsim_codec_params *p, void **out)
{
	/* level 0 of the API means "default"; igzip's own level 0 cannot be
	 * asked for and is not needed (it is the IAA stand-in's business). */
	struct disal_ctx *c = calloc(1, sizeof(*c));
	if (!c)
		return ZSIM_ENOMEM;
	c->level = p->level;
	c->level_buf_size = level_buf_size(c->level);
	c->level_buf = malloc(c->level_buf_size);
	if (!c->level_buf) {
		free(c);
		return ZSIM_ENOMEM;
	}
	*out = c;
	return 0;
}

static size_t disal_ctx_size(const void *ctx)
{
	const struct disal_ctx *c = ctx;
	return sizeof(*c) + c->level_buf_size;
}

static int disal_compress(void *ctx, const void *src, size_t slen, void *dst,
			  size_t *dlen)
{
	struct disal_ctx *c = ctx;
	if (slen > UINT32_MAX)
		return ZSIM_EINVAL;
	struct isal_zstream *s = &c->zs;
	isal_deflate_stateless_init(s);
	s->level = (uint32_t)c->level;
	s->level_buf = c->level_buf;
	s->level_buf_size = (uint32_t)c->level_buf_size;
	s->hist_bits = ISAL_KERNEL_HIST_BITS;
	s->gzip_flag = IGZIP_DEFLATE;
	s->end_of_stream = 1;
	s->flush = NO_FLUSH;
	s->next_in = (uint8_t *)src;
	s->avail_in = (uint32_t)slen;
	s->next_out = dst;
	s->avail_out = *dlen > UINT32_MAX ? UINT32_MAX : (uint32_t)*dlen;
	int rc = isal_deflate_stateless(s);
	if (rc == STATELESS_OVERFLOW)
		return ZSIM_ENOSPC;
	if (rc != COMP_OK)
		return ZSIM_EINVAL;
	*dlen = s->total_out;
	return 0;
}

static int disal_decompress(void *ctx, const void *src, size_t slen, void *dst,
			    size_t *dlen)
{
	struct disal_ctx *c = ctx;
	if (slen > UINT32_MAX || *dlen > UINT32_MAX)
		return ZSIM_EINVAL;
	struct inflate_state *s = &c->is;
	isal_inflate_init(s);
	s->crc_flag = ISAL_DEFLATE;
	s->next_in = (uint8_t *)src;
	s->avail_in = (uint32_t)slen;
	s->next_out = dst;
	s->avail_out = (uint32_t)*dlen;
	switch (isal_inflate_stateless(s)) {
	case ISAL_DECOMP_OK:
		*dlen = s->total_out;
		return 0;
	case ISAL_END_INPUT:
		return ZSIM_ETRUNC;
	case ISAL_OUT_OVERFLOW:
		return ZSIM_ENOSPC;
	default:
		return ZSIM_EBADMSG;
	}
}

const struct zsim_codec_ops zsim_codec_deflate_isal_ops = {
	.name = "deflate",
	.driver_name = "deflate-isal",
	.description = "raw DEFLATE (ISA-L igzip), level 1, 2 KiB history: fastest, not kernel-identical",
	.priority = 100,
	.level_min = 1,
	.level_max = ISAL_DEF_MAX_LEVEL,
	.level_default = ISAL_DEFAULT_LEVEL,
	.ctx_alloc = disal_ctx_alloc,
	.ctx_free = disal_ctx_free,
	.ctx_size = disal_ctx_size,
	.compress = disal_compress,
	.decompress = disal_decompress,
};
#endif /* ZSIM_HAVE_ISAL */
