/*
 * lzo.c - the "lzo" algorithm (LZO1X-1).
 *
 * Models crypto/lzo.c. The kernel's lzo1x_1 (lib/lzo) is liblzo2's LZO1X-1
 * with a 2^13-entry hash instead of 2^14, so by default we compress with
 * lzorle.c's LZO1X-1 encoder at 13 bits and bitstream version 0 (no RLE),
 * which gives the kernel's bytes: all 16384 + 6981 pages of
 * scripts/kernel-check/codec-lengths.sh match 6.1 and 6.12 (liblzo2
 * matched on 57%). params=library compresses with liblzo2's
 * lzo1x_1_compress instead.
 * Output bound: kernels before "crypto: lzo - Fix compression buffer
 * overrun" (2025; in the 6.1 and 6.12 stable series since) called the
 * unbounded lzo1x_1_compress, so an oversized result reached the allocator
 * (ZSIM_CODEC_F_UNBOUNDED_OUTPUT); the fixed ones call
 * lzo1x_1_compress_safe and fail with -EINVAL. Either way we compress into
 * a worst-case scratch buffer owned by the context and return ZSIM_ENOSPC
 * if the result exceeds the caller's capacity, so nothing is ever overrun;
 * the profile decides which counter that moves.
 * Decompression is lzo1x_decompress_safe, which tells truncation
 * (ZSIM_ETRUNC), overflow (ZSIM_ENOSPC) and corruption (ZSIM_EBADMSG) apart.
 */
#include <lzo/lzo1x.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec_internal.h"

/* Largest input accepted. */
#define LZO_MAX_INPUT (1u << 20)

#define LZO_KERNEL_DBITS 13

struct lzo_ctx {
	int library; /* params=library: liblzo2's lzo1x_1_compress */
	size_t scratch_cap;
	unsigned char *scratch; /* worst-case output buffer */
	union {
		_Alignas(16) unsigned char wrkmem[LZO1X_1_MEM_COMPRESS];
		uint16_t dict[1u << LZO_KERNEL_DBITS];
	};
};

static pthread_once_t lzo_once = PTHREAD_ONCE_INIT;
static int lzo_init_rc;

static void lzo_do_init(void)
{
	lzo_init_rc = lzo_init();
}

static int lzo_ctx_alloc(const struct zsim_codec_params *p, void **out)
{
	pthread_once(&lzo_once, lzo_do_init);
	if (lzo_init_rc != LZO_E_OK)
		return ZSIM_ENODEV;
	struct lzo_ctx *c = aligned_alloc(16, (sizeof(struct lzo_ctx) + 15) & ~(size_t)15);
	if (!c)
		return ZSIM_ENOMEM;
	c->library = !!(p->flags & ZSIM_CODEC_P_LIBRARY_DEFAULTS);
	c->scratch_cap = ZSIM_LZO1X_WORST(2 * ZSIM_PAGE_SIZE);
	c->scratch = malloc(c->scratch_cap);
	if (!c->scratch) {
		free(c);
		return ZSIM_ENOMEM;
	}
	*out = c;
	return 0;
}

static void lzo_ctx_free(void *ctx)
{
	struct lzo_ctx *c = ctx;
	if (!c)
		return;
	free(c->scratch);
	free(c);
}

static size_t lzo_ctx_size(const void *ctx)
{
	const struct lzo_ctx *c = ctx;
	return sizeof(*c) + c->scratch_cap;
}

static int lzo_grow(struct lzo_ctx *c, size_t need)
{
	if (need <= c->scratch_cap)
		return 0;
	unsigned char *p = realloc(c->scratch, need);
	if (!p)
		return ZSIM_ENOMEM;
	c->scratch = p;
	c->scratch_cap = need;
	return 0;
}

static int lzo_compress(void *ctx, const void *src, size_t slen, void *dst,
			size_t *dlen)
{
	struct lzo_ctx *c = ctx;
	if (slen > LZO_MAX_INPUT)
		return ZSIM_EINVAL;
	int rc = lzo_grow(c, ZSIM_LZO1X_WORST(slen));
	if (rc)
		return rc;
	lzo_uint out = (lzo_uint)c->scratch_cap;
	if (!c->library)
		out = zsim_lzo1x_encode(src, slen, c->scratch, c->dict, LZO_KERNEL_DBITS, 0);
	else if (lzo1x_1_compress(src, (lzo_uint)slen, c->scratch, &out, c->wrkmem) != LZO_E_OK)
		return ZSIM_EINVAL;
	if (out > *dlen)
		return ZSIM_ENOSPC;
	memcpy(dst, c->scratch, out);
	*dlen = out;
	return 0;
}

static int lzo_decompress(void *ctx, const void *src, size_t slen, void *dst,
			  size_t *dlen)
{
	(void)ctx;
	lzo_uint out = (lzo_uint)*dlen;
	int r = lzo1x_decompress_safe(src, (lzo_uint)slen, dst, &out, NULL);
	switch (r) {
	case LZO_E_OK:
		*dlen = out;
		return 0;
	case LZO_E_INPUT_OVERRUN:
		return ZSIM_ETRUNC;
	case LZO_E_OUTPUT_OVERRUN:
		return ZSIM_ENOSPC;
	default:
		return ZSIM_EBADMSG;
	}
}

const struct zsim_codec_ops zsim_codec_lzo_ops = {
	.name = "lzo",
	.driver_name = "lzo-generic",
	.description = "LZO1X-1, the kernel's 2^13 hash (liblzo2 " LZO_VERSION_STRING " with params=library)",
	.priority = 100,
	.flags = ZSIM_CODEC_F_UNBOUNDED_OUTPUT,
	.ctx_alloc = lzo_ctx_alloc,
	.ctx_free = lzo_ctx_free,
	.ctx_size = lzo_ctx_size,
	.compress = lzo_compress,
	.decompress = lzo_decompress,
};
