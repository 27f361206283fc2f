/*
 * zstd.c - the "zstd" algorithm on libzstd.
 *
 * Models crypto/zstd.c with lib/zstd's zstd_compress_cctx() (5.16 to
 * 6.12): the parameters are zstd_get_params(3, 0), i.e. level 3's row for
 * an UNKNOWN source size (window 21, chain 16, hash 17, search 1, min
 * match 5, dfast, content size on, no checksum, dictID on), set one by one
 * on the context, the source size pledged, then ZSTD_compress2(). Because
 * the size is pledged, libzstd shrinks those parameters to the 4096-byte
 * input (ZSTD_adjustCParams: window 12, hash 13, chain 12) before it
 * compresses. We make the same calls, so with libzstd 1.5.4 the lengths
 * are 6.12's (lib/zstd 1.5.2) byte for byte: 6981 of 6981 corpus pages and
 * 7000 synthetic ones (docs/codecs.md, scripts/kernel-check/codec-lengths.sh).
 * 6.1's lib/zstd is 1.4.10, whose dfast parser differs: the same calls give
 * 6.1's exact length on about half the pages (0.1% fewer bytes in total).
 * The sticky parameters are set once per context; ZSTD_compress2() resets
 * the session and pledges the input's size itself, which is what the
 * kernel's reset + setPledgedSrcSize does. With params=library the driver
 * instead uses ZSTD_compressCCtx(level), libzstd's small-input table.
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
};

/* The kernel's zstd_cctx_init(): every parameter of zstd_get_params(level,
 * src_size) set explicitly, so none comes from libzstd's small-input table
 * by accident: src_size 0 (unknown) is crypto/zstd.c's, as zswap and 6.1's
 * zram use it; 4096 is zram's own backend (6.12+, params=page). */
static size_t zstd_set_kernel_params(ZSTD_CCtx *cctx, int level, unsigned long long src_size)
{
	const ZSTD_parameters p = ZSTD_getParams(level, src_size, 0);
	const struct {
		ZSTD_cParameter k;
		int v;
	} set[] = {
		{ZSTD_c_windowLog, (int)p.cParams.windowLog},
		{ZSTD_c_hashLog, (int)p.cParams.hashLog},
		{ZSTD_c_chainLog, (int)p.cParams.chainLog},
		{ZSTD_c_searchLog, (int)p.cParams.searchLog},
		{ZSTD_c_minMatch, (int)p.cParams.minMatch},
		{ZSTD_c_targetLength, (int)p.cParams.targetLength},
		{ZSTD_c_strategy, (int)p.cParams.strategy},
		{ZSTD_c_contentSizeFlag, p.fParams.contentSizeFlag},
		{ZSTD_c_checksumFlag, p.fParams.checksumFlag},
		{ZSTD_c_dictIDFlag, !p.fParams.noDictIDFlag},
	};
	size_t r = ZSTD_CCtx_reset(cctx, ZSTD_reset_session_and_parameters);
	for (size_t i = 0; i < sizeof(set) / sizeof(set[0]) && !ZSTD_isError(r); i++)
		r = ZSTD_CCtx_setParameter(cctx, set[i].k, set[i].v);
	return r;
}

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
	if (!c->library && ZSTD_isError(zstd_set_kernel_params(c->cctx, c->level,
						     (p->flags & ZSIM_CODEC_P_PAGE_SIZED) ? 4096 : 0))) {
		ZSTD_freeCCtx(c->cctx);
		ZSTD_freeDCtx(c->dctx);
		free(c);
		return ZSIM_EINVAL;
	}
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
	else
		r = ZSTD_compress2(c->cctx, dst, *dlen, src, slen);
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
