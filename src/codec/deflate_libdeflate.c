/*
 * deflate_libdeflate.c - the "deflate" algorithm on libdeflate
 * ("deflate-libdeflate"), a faster stand-in for the kernel's zlib deflate.
 *
 * Models crypto/deflate.c's interface (raw DEFLATE, no header, output
 * bounded by the request's dlen) but not its bytes: libdeflate has its own
 * matchers and block splitting, a fixed 32 KiB window (the kernel uses
 * 2 KiB) and its own level scale. Level 5 by default, the one whose sizes
 * come closest to the kernel's; still only about 1 page in 8 gets the
 * kernel's exact length (docs/codecs.md). Its streams are valid DEFLATE,
 * but ones with distances over 2 KiB are not what the kernel would write,
 * so it registers below deflate-zlib and is reached by its driver name.
 * Decompression is libdeflate_deflate_decompress with the output length
 * returned: LIBDEFLATE_BAD_DATA is ZSIM_EBADMSG; libdeflate cannot tell
 * truncated input from corrupt input, so truncation is ZSIM_EBADMSG too.
 * libdeflate reads up to 8 zero bytes past a truncated input before it
 * gives up, and those can decode to up to 64 x 258 bytes of output; so a
 * LIBDEFLATE_INSUFFICIENT_SPACE is retried once into a scratch buffer that
 * much larger, and only a stream that still decodes or still overflows
 * there is ZSIM_ENOSPC. Bytes after the end of the stream are ignored, as
 * in the kernel.
 * Compressor, decompressor and the retry buffer for page-sized outputs are
 * allocated once per context.
 */
#ifdef ZSIM_HAVE_LIBDEFLATE
#include <libdeflate.h>
#include <stdlib.h>

#include "codec/codec_internal.h"

/* Of libdeflate's levels, 5 gives page sizes closest to the kernel's zlib
 * level 6 (docs/codecs.md: mean |difference| 10.6 bytes, 72% of pages
 * within 1%, 0.4% smaller in aggregate) and is faster than its 6. */
#define LIBDEFLATE_DEFAULT_LEVEL 5
/* What 8 overread zero bytes (64 bits) can still produce: 64 matches of 258. */
#define LIBDEFLATE_OVERREAD_OUT (64u * 258)
#define LIBDEFLATE_RETRY_CAP (2 * ZSIM_PAGE_SIZE + LIBDEFLATE_OVERREAD_OUT)

struct dlibd_ctx {
	struct libdeflate_compressor *comp;
	struct libdeflate_decompressor *decomp;
	unsigned char retry[LIBDEFLATE_RETRY_CAP];
};

static void dlibd_ctx_free(void *ctx)
{
	struct dlibd_ctx *c = ctx;
	if (!c)
		return;
	libdeflate_free_compressor(c->comp);
	libdeflate_free_decompressor(c->decomp);
	free(c);
}

static int dlibd_ctx_alloc(const struct zsim_codec_params *p, void **out)
{
	struct dlibd_ctx *c = calloc(1, sizeof(*c));
	if (!c)
		return ZSIM_ENOMEM;
	c->comp = libdeflate_alloc_compressor(p->level);
	c->decomp = libdeflate_alloc_decompressor();
	if (!c->comp || !c->decomp) {
		dlibd_ctx_free(c);
		return ZSIM_ENOMEM;
	}
	*out = c;
	return 0;
}

static size_t dlibd_ctx_size(const void *ctx)
{
	(void)ctx;
	/* libdeflate does not report its sizes; these are its 1.14 figures
	 * for the greedy/lazy levels and the decompressor, near enough for
	 * a memory report. */
	return sizeof(struct dlibd_ctx) + 600u * 1024 + 12u * 1024;
}

static int dlibd_compress(void *ctx, const void *src, size_t slen, void *dst,
			  size_t *dlen)
{
	struct dlibd_ctx *c = ctx;
	size_t n = libdeflate_deflate_compress(c->comp, src, slen, dst, *dlen);
	if (n == 0)
		return ZSIM_ENOSPC;
	*dlen = n;
	return 0;
}

static int dlibd_decompress(void *ctx, const void *src, size_t slen, void *dst,
			    size_t *dlen)
{
	struct dlibd_ctx *c = ctx;
	size_t n = 0;
	enum libdeflate_result r =
		libdeflate_deflate_decompress(c->decomp, src, slen, dst, *dlen, &n);
	if (r == LIBDEFLATE_SUCCESS) {
		*dlen = n;
		return 0;
	}
	if (r != LIBDEFLATE_INSUFFICIENT_SPACE)
		return ZSIM_EBADMSG;
	/* Error path only: does the stream overflow for real, or did the
	 * zero bytes libdeflate reads past a truncated input make it up? */
	size_t big = *dlen + LIBDEFLATE_OVERREAD_OUT;
	unsigned char *tmp = big <= sizeof(c->retry) ? c->retry : malloc(big);
	if (!tmp)
		return ZSIM_ENOMEM;
	r = libdeflate_deflate_decompress(c->decomp, src, slen, tmp, big, &n);
	if (tmp != c->retry)
		free(tmp);
	return r == LIBDEFLATE_BAD_DATA ? ZSIM_EBADMSG : ZSIM_ENOSPC;
}

const struct zsim_codec_ops zsim_codec_deflate_libdeflate_ops = {
	.name = "deflate",
	.driver_name = "deflate-libdeflate",
	.description = "raw DEFLATE (libdeflate " LIBDEFLATE_VERSION_STRING "), level 5, 32 KiB window: fast, not kernel-identical",
	.priority = 200,
	.level_min = 1,
	.level_max = 12,
	.level_default = LIBDEFLATE_DEFAULT_LEVEL,
	.ctx_alloc = dlibd_ctx_alloc,
	.ctx_free = dlibd_ctx_free,
	.ctx_size = dlibd_ctx_size,
	.compress = dlibd_compress,
	.decompress = dlibd_decompress,
};
#endif /* ZSIM_HAVE_LIBDEFLATE */
