/*
 * zstd.c - the "zstd" algorithm on libzstd.
 *
 * Models crypto/zstd.c (6.x): level 3 by default, parameters chosen for an
 * UNKNOWN source size (ZSTD_getParams(level, 0, 0)) and then the input size
 * pledged by compressing with them through the advanced API, as the kernel's
 * zstd_compress_cctx() does. That reproduces the kernel's compressed
 * lengths byte for byte (reference Appendix K). With params=library the
 * driver instead uses ZSTD_compressCCtx(level), whose small-input
 * parameters come out about 0.5% smaller than the kernel.
 * Contexts (CCtx + DCtx) are allocated once per instance, as the kernel
 * keeps them in the tfm's workspace.
 */
#define ZSTD_STATIC_LINKING_ONLY
#include <stdlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "codec/codec_internal.h"

#define ZSTD_KERNEL_DEFAULT_LEVEL 3

struct zstd_ctx {
	ZSTD_CCtx *cctx;
	ZSTD_DCtx *dctx;
	int level;
	int library;
	ZSTD_parameters kparams; /* kernel mode: getParams(level, 0, 0) */
};

static int zstd_ctx_alloc(const struct zsim_codec_params *p, void **out)
{
	struct zstd_ctx *c = calloc(1, sizeof(*c));
	if (!c)
		return ZSIM_ENOMEM;
	c->cctx = ZSTD_createCCtx();
	c->dctx = ZSTD_createDCtx();
	if (!c->cctx || !c->dctx) {
		ZSTD_freeCCtx(c->cctx);
		ZSTD_freeDCtx(c->dctx);
		free(c);
		return ZSIM_ENOMEM;
	}
	c->level = p->level;
	c->library = !!(p->flags & ZSIM_CODEC_P_LIBRARY_DEFAULTS);
	c->kparams = ZSTD_getParams(c->level, 0, 0);
	*out = c;
	return 0;
}

static void zstd_ctx_free(void *ctx)
{
	struct zstd_ctx *c = ctx;
	if (!c)
		return;
	ZSTD_freeCCtx(c->cctx);
	ZSTD_freeDCtx(c->dctx);
	free(c);
}

static size_t zstd_ctx_size(const void *ctx)
{
	const struct zstd_ctx *c = ctx;
	return sizeof(*c) + ZSTD_sizeof_CCtx(c->cctx) + ZSTD_sizeof_DCtx(c->dctx);
}

static int map_zstd_error(size_t r)
{
	switch (ZSTD_getErrorCode(r)) {
	case ZSTD_error_dstSize_tooSmall:
		return ZSIM_ENOSPC;
	case ZSTD_error_srcSize_wrong:
		return ZSIM_ETRUNC;
	case ZSTD_error_memory_allocation:
		return ZSIM_ENOMEM;
	case ZSTD_error_parameter_unsupported:
	case ZSTD_error_parameter_outOfBound:
		return ZSIM_EINVAL;
	default:
		return ZSIM_EBADMSG;
	}
}

static int zstd_compress(void *ctx, const void *src, size_t slen, void *dst,
			 size_t *dlen)
{
	struct zstd_ctx *c = ctx;
	size_t r;
	if (c->library)
		r = ZSTD_compressCCtx(c->cctx, dst, *dlen, src, slen, c->level);
	else {
		/* The kernel's own call (zstd_compress_cctx); deprecated in
		 * libzstd in favour of ZSTD_compress2, which would re-derive
		 * parameters for the small input and lose fidelity. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
		r = ZSTD_compress_advanced(c->cctx, dst, *dlen, src, slen, NULL, 0,
					   c->kparams);
#pragma GCC diagnostic pop
	}
	if (ZSTD_isError(r)) {
		int e = map_zstd_error(r);
		return e == ZSIM_ETRUNC || e == ZSIM_EBADMSG ? ZSIM_ENOSPC : e;
	}
	*dlen = r;
	return 0;
}

static int zstd_decompress(void *ctx, const void *src, size_t slen, void *dst,
			   size_t *dlen)
{
	struct zstd_ctx *c = ctx;
	size_t r = ZSTD_decompressDCtx(c->dctx, dst, *dlen, src, slen);
	if (ZSTD_isError(r))
		return map_zstd_error(r);
	*dlen = r;
	return 0;
}

const struct zsim_codec_ops zsim_codec_zstd_ops = {
	.name = "zstd",
	.driver_name = "zstd-generic",
	.description = "Zstandard (libzstd " ZSTD_VERSION_STRING "), kernel parameters by default",
	.priority = 100,
	.level_min = -22,
	.level_max = 22,
	.level_default = ZSTD_KERNEL_DEFAULT_LEVEL,
	.ctx_alloc = zstd_ctx_alloc,
	.ctx_free = zstd_ctx_free,
	.ctx_size = zstd_ctx_size,
	.compress = zstd_compress,
	.decompress = zstd_decompress,
};
