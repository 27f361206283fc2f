/*
 * lz4.c - the "lz4" and "lz4hc" algorithms on liblz4.
 *
 * Models crypto/lz4.c and crypto/lz4hc.c: LZ4_compress_default semantics
 * (acceleration 1) with the output bounded by the request's dlen, and
 * LZ4HC at LZ4HC_DEFAULT_CLEVEL (9). The kernel returns -EINVAL when the
 * output does not fit; we return ZSIM_ENOSPC (the codec contract) and
 * zswap's profile maps it to the kernel's counter. liblz4 1.9.4 and the
 * kernel's lz4 give the same length for almost every page (about 0.004% of
 * bytes differ), which is why lz4 fidelity is "within 0.05%".
 * The compression state lives in the context (LZ4_compress_fast_extState),
 * as the kernel keeps it in the tfm's workspace: no allocation per call.
 */
#include <lz4.h>
#include <lz4hc.h>
#include <stdlib.h>

#include "codec/codec_internal.h"

struct lz4_ctx {
	int level; /* lz4hc only */
	size_t state_size;
	_Alignas(16) unsigned char state[];
};

static int lz4_alloc(const struct zsim_codec_params *p, void **ctx, size_t state)
{
	struct lz4_ctx *c = aligned_alloc(16, (sizeof(*c) + state + 15) & ~(size_t)15);
	if (!c)
		return ZSIM_ENOMEM;
	c->level = p->level;
	c->state_size = state;
	*ctx = c;
	return 0;
}

static int lz4_ctx_alloc(const struct zsim_codec_params *p, void **ctx)
{
	return lz4_alloc(p, ctx, (size_t)LZ4_sizeofState());
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

static int lz4_compress(void *ctx, const void *src, size_t slen, void *dst,
			size_t *dlen)
{
	struct lz4_ctx *c = ctx;
	if (slen > LZ4_MAX_INPUT_SIZE || *dlen > (size_t)INT32_MAX)
		return ZSIM_EINVAL;
	int n = LZ4_compress_fast_extState(c->state, src, dst, (int)slen, (int)*dlen, 1);
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
	.description = "LZ4 (liblz4 " LZ4_VERSION_STRING "), acceleration 1 as the kernel",
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
