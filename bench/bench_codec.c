/*
 * bench_codec.c - every registered codec driver on the realistic page set
 * (zsim_bench_pages), next to the raw library call it stands for:
 * compression ratio and microseconds per 4 KiB page to compress and to
 * decompress, measured in the same run on the same pages, best of several
 * repetitions (ours and raw interleaved, so drift hits both alike).
 *
 * Ratio = input bytes / stored bytes, where a page whose compressed form
 * does not fit in 4096 bytes is stored as 4096 (zswap would reject it and
 * the page stays uncompressed in swap). Decompression times cover the pages
 * that fit. The raw baselines:
 *   lz4      LZ4_compress_default / LZ4_decompress_safe
 *   lz4hc    LZ4_compress_HC level 9 / LZ4_decompress_safe
 *   zstd     ZSTD_compress_advanced with the parameters the kernel
 *            compresses a page with (bench_zstd.h) / ZSTD_decompressDCtx
 *   lzo      lzo1x_1_compress / lzo1x_decompress_safe
 *   lzo-rle  the same liblzo2 pair: the nearest library (no RLE in it)
 *   deflate  zlib deflate(level 6, windowBits -11, memLevel 9) / inflate;
 *            libdeflate level 5; ISA-L igzip level 1, hist_bits 11
 *   deflate-iaa-sim  zlib deflate(level 1, windowBits -12, memLevel 8,
 *            Z_FIXED) / raw inflate: the stand-in's encoder without its
 *            IAA checks (strict decoder, literal block for stored ones)
 * A driver with no known library counterpart prints its own figures only;
 * one that cannot be created here (deflate-iaa without a device) says why.
 * A driver with a timing model (deflate-iaa-sim) also prints its modelled
 * device latency per page: synchronous compress and decompress, and
 * compress in batches of the driver's batch size - a model of the
 * hardware, not this machine's time (docs/iaa.md).
 *
 * Usage: bench_codec [-n PAGES] [-r REPS] [-s SEED]   (4096 pages, 5 reps)
 * Set ZSIM_BENCH_CORPUS to a file of raw 4 KiB pages to use real memory.
 */
#define ZSTD_STATIC_LINKING_ONLY
#include <lz4.h>
#include <lz4hc.h>
#include <lzo/lzo1x.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>
#if __has_include(<libdeflate.h>)
#include <libdeflate.h>
#define HAVE_LIBDEFLATE 1
#endif
#if __has_include(<isa-l/igzip_lib.h>)
#include <isa-l/igzip_lib.h>
#define HAVE_ISAL 1
#endif

#include "benchutil.h"
#include "bench_zstd.h"

#define PAGE ZSIM_PAGE_SIZE
#define MIN2(a, b) ((a) < (b) ? (a) : (b))

/* --- raw library baselines --------------------------------------------- */

struct raw_state {
	void *a, *b;
	ZSTD_parameters zp; /* zstd: the kernel's (bench_zstd.h) */
	unsigned char *scratch;
	size_t scratch_cap;
};

struct raw {
	const char *driver;
	int (*init)(struct raw_state *s);
	void (*fini)(struct raw_state *s);
	/* 0 and *out set, or nonzero when the page does not fit in cap */
	int (*comp)(struct raw_state *s, const unsigned char *src, unsigned char *dst,
		    size_t cap, size_t *out);
	int (*decomp)(struct raw_state *s, const unsigned char *src, size_t n,
		      unsigned char *dst, size_t cap, size_t *out);
};

static void raw_fini_free(struct raw_state *s)
{
	free(s->a);
	free(s->b);
	free(s->scratch);
}

static int lz4_comp(struct raw_state *s, const unsigned char *src, unsigned char *dst,
		    size_t cap, size_t *out)
{
	(void)s;
	int n = LZ4_compress_default((const char *)src, (char *)dst, PAGE, (int)cap);
	*out = (size_t)n;
	return n <= 0;
}

static int lz4hc_comp(struct raw_state *s, const unsigned char *src, unsigned char *dst,
		      size_t cap, size_t *out)
{
	(void)s;
	int n = LZ4_compress_HC((const char *)src, (char *)dst, PAGE, (int)cap, 9);
	*out = (size_t)n;
	return n <= 0;
}

static int lz4_decomp(struct raw_state *s, const unsigned char *src, size_t n,
		      unsigned char *dst, size_t cap, size_t *out)
{
	(void)s;
	int r = LZ4_decompress_safe((const char *)src, (char *)dst, (int)n, (int)cap);
	*out = (size_t)r;
	return r < 0;
}

static int zstd_init(struct raw_state *s)
{
	s->a = ZSTD_createCCtx();
	s->b = ZSTD_createDCtx();
	s->zp = zsim_bench_zstd_params(0);
	return s->a && s->b ? 0 : -1;
}

static void zstd_fini(struct raw_state *s)
{
	ZSTD_freeCCtx(s->a);
	ZSTD_freeDCtx(s->b);
}

static int zstd_comp(struct raw_state *s, const unsigned char *src, unsigned char *dst,
		     size_t cap, size_t *out)
{
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
	size_t r = ZSTD_compress_advanced(s->a, dst, cap, src, PAGE, NULL, 0, s->zp);
#pragma GCC diagnostic pop
	*out = r;
	return ZSTD_isError(r);
}

static int zstd_decomp(struct raw_state *s, const unsigned char *src, size_t n,
		       unsigned char *dst, size_t cap, size_t *out)
{
	size_t r = ZSTD_decompressDCtx(s->b, dst, cap, src, n);
	*out = r;
	return ZSTD_isError(r);
}

static int lzo_raw_init(struct raw_state *s)
{
	if (lzo_init() != LZO_E_OK)
		return -1;
	s->a = malloc(LZO1X_1_MEM_COMPRESS);
	s->scratch_cap = PAGE + PAGE / 8 + 128;
	s->scratch = malloc(s->scratch_cap);
	return s->a && s->scratch ? 0 : -1;
}

static int lzo_comp(struct raw_state *s, const unsigned char *src, unsigned char *dst,
		    size_t cap, size_t *out)
{
	/* Unbounded, as the kernel calls it: into scratch, then the fit. */
	lzo_uint n = s->scratch_cap;
	if (lzo1x_1_compress(src, PAGE, s->scratch, &n, s->a) != LZO_E_OK || n > cap)
		return 1;
	memcpy(dst, s->scratch, n);
	*out = n;
	return 0;
}

static int lzo_decomp(struct raw_state *s, const unsigned char *src, size_t n,
		      unsigned char *dst, size_t cap, size_t *out)
{
	(void)s;
	lzo_uint o = cap;
	int r = lzo1x_decompress_safe(src, n, dst, &o, NULL);
	*out = o;
	return r != LZO_E_OK;
}

static int zlib_init(struct raw_state *s)
{
	z_stream *c = calloc(1, sizeof(*c)), *d = calloc(1, sizeof(*d));
	s->a = c;
	s->b = d;
	if (!c || !d)
		return -1;
	if (deflateInit2(c, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -11, 9, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	return inflateInit2(d, -15) == Z_OK ? 0 : -1;
}

static void zlib_fini(struct raw_state *s)
{
	deflateEnd(s->a);
	inflateEnd(s->b);
	raw_fini_free(s);
}

static int zlib_comp(struct raw_state *s, const unsigned char *src, unsigned char *dst,
		     size_t cap, size_t *out)
{
	z_stream *z = s->a;
	deflateReset(z);
	z->next_in = (Bytef *)src;
	z->avail_in = PAGE;
	z->next_out = dst;
	z->avail_out = (uInt)cap;
	int r = deflate(z, Z_FINISH);
	*out = z->total_out;
	return r != Z_STREAM_END;
}

static int zlib_decomp(struct raw_state *s, const unsigned char *src, size_t n,
		       unsigned char *dst, size_t cap, size_t *out)
{
	z_stream *z = s->b;
	inflateReset(z);
	z->next_in = (Bytef *)src;
	z->avail_in = (uInt)n;
	z->next_out = dst;
	z->avail_out = (uInt)cap;
	int r = inflate(z, Z_FINISH);
	*out = z->total_out;
	return r != Z_STREAM_END;
}

/* The stand-in's encoder: fixed Huffman, 4 KiB window, level 1. */
static int zlib_fixed_init(struct raw_state *s)
{
	z_stream *c = calloc(1, sizeof(*c)), *d = calloc(1, sizeof(*d));
	s->a = c;
	s->b = d;
	if (!c || !d)
		return -1;
	if (deflateInit2(c, 1, Z_DEFLATED, -12, 8, Z_FIXED) != Z_OK)
		return -1;
	return inflateInit2(d, -15) == Z_OK ? 0 : -1;
}

#ifdef HAVE_LIBDEFLATE
static int ldf_init(struct raw_state *s)
{
	s->a = libdeflate_alloc_compressor(5);
	s->b = libdeflate_alloc_decompressor();
	return s->a && s->b ? 0 : -1;
}

static void ldf_fini(struct raw_state *s)
{
	libdeflate_free_compressor(s->a);
	libdeflate_free_decompressor(s->b);
}

static int ldf_comp(struct raw_state *s, const unsigned char *src, unsigned char *dst,
		    size_t cap, size_t *out)
{
	*out = libdeflate_deflate_compress(s->a, src, PAGE, dst, cap);
	return *out == 0;
}

static int ldf_decomp(struct raw_state *s, const unsigned char *src, size_t n,
		      unsigned char *dst, size_t cap, size_t *out)
{
	return libdeflate_deflate_decompress(s->b, src, n, dst, cap, out) != LIBDEFLATE_SUCCESS;
}
#endif

#ifdef HAVE_ISAL
static int isal_init(struct raw_state *s)
{
	s->a = malloc(sizeof(struct isal_zstream));
	s->b = malloc(sizeof(struct inflate_state));
	s->scratch_cap = ISAL_DEF_LVL1_DEFAULT;
	s->scratch = malloc(s->scratch_cap);
	return s->a && s->b && s->scratch ? 0 : -1;
}

static int isal_comp(struct raw_state *s, const unsigned char *src, unsigned char *dst,
		     size_t cap, size_t *out)
{
	struct isal_zstream *z = s->a;
	isal_deflate_stateless_init(z);
	z->level = 1;
	z->level_buf = s->scratch;
	z->level_buf_size = (uint32_t)s->scratch_cap;
	z->hist_bits = 11;
	z->end_of_stream = 1;
	z->next_in = (uint8_t *)src;
	z->avail_in = PAGE;
	z->next_out = dst;
	z->avail_out = (uint32_t)cap;
	int r = isal_deflate_stateless(z);
	*out = z->total_out;
	return r != COMP_OK;
}

static int isal_decomp(struct raw_state *s, const unsigned char *src, size_t n,
		       unsigned char *dst, size_t cap, size_t *out)
{
	struct inflate_state *z = s->b;
	isal_inflate_init(z);
	z->next_in = (uint8_t *)src;
	z->avail_in = (uint32_t)n;
	z->next_out = dst;
	z->avail_out = (uint32_t)cap;
	int r = isal_inflate_stateless(z);
	*out = z->total_out;
	return r != ISAL_DECOMP_OK;
}
#endif

static const struct raw raws[] = {
	{"lz4-generic", NULL, NULL, lz4_comp, lz4_decomp},
	{"lz4hc-generic", NULL, NULL, lz4hc_comp, lz4_decomp},
	{"zstd-generic", zstd_init, zstd_fini, zstd_comp, zstd_decomp},
	{"lzo-generic", lzo_raw_init, raw_fini_free, lzo_comp, lzo_decomp},
	{"lzo-rle-generic", lzo_raw_init, raw_fini_free, lzo_comp, lzo_decomp},
	{"deflate-zlib", zlib_init, zlib_fini, zlib_comp, zlib_decomp},
	{"deflate-iaa-sim", zlib_fixed_init, zlib_fini, zlib_comp, zlib_decomp},
#ifdef HAVE_LIBDEFLATE
	{"deflate-libdeflate", ldf_init, ldf_fini, ldf_comp, ldf_decomp},
#endif
#ifdef HAVE_ISAL
	{"deflate-isal", isal_init, raw_fini_free, isal_comp, isal_decomp},
#endif
};

/* --- measurement -------------------------------------------------------- */

struct result {
	double ratio;    /* input / stored bytes */
	double fit;      /* share of pages that fit */
	double comp_us;  /* best, per page */
	double decomp_us;
	int ok;
};

struct buffers {
	const unsigned char *pages;
	size_t n;
	unsigned char *comp; /* n slots of PAGE */
	size_t *clen;        /* 0: did not fit */
	unsigned char out[PAGE];
};

static double per_page_us(uint64_t ns, size_t pages)
{
	return pages ? (double)ns / 1000.0 / (double)pages : 0.0;
}

static int ours_compress(struct zsim_codec *c, struct buffers *b, uint64_t *ns)
{
	uint64_t t0 = zsim_bench_now_ns();
	for (size_t i = 0; i < b->n; i++) {
		size_t len = PAGE;
		int rc = zsim_codec_compress(c, b->pages + i * PAGE, PAGE, b->comp + i * PAGE, &len);
		if (rc && rc != ZSIM_ENOSPC)
			return rc;
		b->clen[i] = rc ? 0 : len;
	}
	*ns = zsim_bench_now_ns() - t0;
	return 0;
}

static int ours_decompress(struct zsim_codec *c, struct buffers *b, uint64_t *ns, size_t *count)
{
	size_t k = 0;
	uint64_t t0 = zsim_bench_now_ns();
	for (size_t i = 0; i < b->n; i++) {
		if (!b->clen[i])
			continue;
		size_t len = PAGE;
		int rc = zsim_codec_decompress(c, b->comp + i * PAGE, b->clen[i], b->out, &len);
		if (rc || len != PAGE)
			return rc ? rc : ZSIM_EBADMSG;
		k++;
	}
	*ns = zsim_bench_now_ns() - t0;
	*count = k;
	return 0;
}

static int raw_compress(const struct raw *r, struct raw_state *s, struct buffers *b, uint64_t *ns)
{
	uint64_t t0 = zsim_bench_now_ns();
	for (size_t i = 0; i < b->n; i++) {
		size_t len = 0;
		int bad = r->comp(s, b->pages + i * PAGE, b->comp + i * PAGE, PAGE, &len);
		b->clen[i] = bad ? 0 : len;
	}
	*ns = zsim_bench_now_ns() - t0;
	return 0;
}

static int raw_decompress(const struct raw *r, struct raw_state *s, struct buffers *b,
			  uint64_t *ns, size_t *count)
{
	size_t k = 0;
	uint64_t t0 = zsim_bench_now_ns();
	for (size_t i = 0; i < b->n; i++) {
		if (!b->clen[i])
			continue;
		size_t len = 0;
		if (r->decomp(s, b->comp + i * PAGE, b->clen[i], b->out, PAGE, &len) || len != PAGE)
			return -1;
		k++;
	}
	*ns = zsim_bench_now_ns() - t0;
	*count = k;
	return 0;
}

static void summarize(const struct buffers *b, struct result *res)
{
	size_t stored = 0, fit = 0;
	for (size_t i = 0; i < b->n; i++) {
		stored += b->clen[i] ? b->clen[i] : PAGE;
		fit += b->clen[i] != 0;
	}
	res->ratio = (double)(b->n * PAGE) / (double)stored;
	res->fit = (double)fit / (double)b->n;
}

static uint64_t modelled_sum(const struct zsim_codec *c)
{
	struct zsim_codec_timing t;
	return zsim_codec_timing(c, &t) ? 0 : t.sync_ns + t.batch_ns;
}

/* Modelled device latency per page (drivers with a timing model). */
static void bench_model(struct zsim_codec *c, const struct zsim_codec_ops *ops, struct buffers *b)
{
	uint64_t m0 = modelled_sum(c);
	for (size_t i = 0; i < b->n; i++) {
		size_t len = PAGE;
		zsim_codec_compress(c, b->pages + i * PAGE, PAGE, b->comp + i * PAGE, &len);
		b->clen[i] = len < PAGE ? len : 0;
	}
	uint64_t m1 = modelled_sum(c);
	if (m1 == m0)
		return; /* no model */
	size_t k = 0;
	for (size_t i = 0; i < b->n; i++) {
		size_t len = PAGE;
		if (b->clen[i] && !zsim_codec_decompress(c, b->comp + i * PAGE, b->clen[i], b->out, &len))
			k++;
	}
	uint64_t m2 = modelled_sum(c);
	enum { B = 64 };
	struct zsim_codec_job jobs[B];
	for (size_t i = 0; i < b->n; i += B) {
		unsigned n = (unsigned)MIN2((size_t)B, b->n - i);
		for (unsigned j = 0; j < n; j++)
			jobs[j] = (struct zsim_codec_job){.src = b->pages + (i + j) * PAGE,
							  .src_len = PAGE,
							  .dst = b->comp + (i + j) * PAGE,
							  .dst_cap = PAGE};
		zsim_codec_batch(c, ZSIM_CODEC_COMPRESS, jobs, n);
	}
	uint64_t m3 = modelled_sum(c);
	char what[64];
	snprintf(what, sizeof(what), "%s modelled compress", ops->driver_name);
	zsim_bench_row("codec", what, per_page_us(m1 - m0, b->n), 0, "us/page");
	snprintf(what, sizeof(what), "%s modelled decompress", ops->driver_name);
	zsim_bench_row("codec", what, per_page_us(m2 - m1, k), 0, "us/page");
	snprintf(what, sizeof(what), "%s modelled batch of %u", ops->driver_name,
		 zsim_codec_max_batch(c));
	zsim_bench_row("codec", what, per_page_us(m3 - m2, b->n), 0, "us/page");
}

static void bench_driver(const struct zsim_codec_ops *ops, struct buffers *ob,
			 struct buffers *rb, unsigned reps)
{
	struct zsim_codec *c;
	char why[160];
	if (zsim_codec_probe(ops->driver_name, why, sizeof(why))) {
		printf("# %s: skipped: %s\n", ops->driver_name, why);
		return;
	}
	int rc = zsim_codec_create(ops->driver_name, NULL, &c);
	if (rc) {
		printf("# %s: skipped: %s\n", ops->driver_name, zsim_strerror(rc));
		return;
	}
	const struct raw *r = NULL;
	for (size_t i = 0; i < sizeof(raws) / sizeof(raws[0]); i++)
		if (!strcmp(raws[i].driver, ops->driver_name))
			r = &raws[i];
	struct raw_state st = {0};
	if (r && r->init && r->init(&st)) {
		printf("# %s: raw baseline failed to start\n", ops->driver_name);
		r = NULL;
	}

	struct result ours = {.comp_us = 1e30, .decomp_us = 1e30, .ok = 1};
	struct result raw = {.comp_us = 1e30, .decomp_us = 1e30, .ok = r != NULL};
	for (unsigned rep = 0; rep < reps; rep++) {
		uint64_t ns;
		size_t k;
		if (ours.ok && !ours_compress(c, ob, &ns)) {
			ours.comp_us = MIN2(ours.comp_us, per_page_us(ns, ob->n));
		} else {
			ours.ok = 0;
		}
		if (raw.ok && !raw_compress(r, &st, rb, &ns))
			raw.comp_us = MIN2(raw.comp_us, per_page_us(ns, rb->n));
		if (ours.ok && !ours_decompress(c, ob, &ns, &k))
			ours.decomp_us = MIN2(ours.decomp_us, per_page_us(ns, k));
		else
			ours.ok = 0;
		if (raw.ok && !raw_decompress(r, &st, rb, &ns, &k))
			raw.decomp_us = MIN2(raw.decomp_us, per_page_us(ns, k));
		else
			raw.ok = 0;
	}
	if (!ours.ok) {
		printf("# %s: a page failed to round-trip\n", ops->driver_name);
	} else {
		summarize(ob, &ours);
		if (raw.ok)
			summarize(rb, &raw);
		char what[64];
		snprintf(what, sizeof(what), "%s ratio", ops->driver_name);
		zsim_bench_row("codec", what, ours.ratio, raw.ok ? raw.ratio : 0, "x");
		snprintf(what, sizeof(what), "%s fit", ops->driver_name);
		zsim_bench_row("codec", what, 100 * ours.fit, raw.ok ? 100 * raw.fit : 0, "%");
		snprintf(what, sizeof(what), "%s compress", ops->driver_name);
		zsim_bench_row("codec", what, ours.comp_us, raw.ok ? raw.comp_us : 0, "us/page");
		snprintf(what, sizeof(what), "%s decompress", ops->driver_name);
		zsim_bench_row("codec", what, ours.decomp_us, raw.ok ? raw.decomp_us : 0, "us/page");
		bench_model(c, ops, ob);
	}
	fflush(stdout);
	if (r && r->fini)
		r->fini(&st);
	zsim_codec_destroy(c);
}

int main(int argc, char **argv)
{
	size_t n = 4096;
	unsigned reps = 5;
	uint64_t seed = 20261121;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-n") && i + 1 < argc)
			n = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "-r") && i + 1 < argc)
			reps = (unsigned)strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "-s") && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 0);
		else {
			fprintf(stderr, "usage: %s [-n PAGES] [-r REPS] [-s SEED]\n", argv[0]);
			return 2;
		}
	}
	if (!n || !reps) {
		fprintf(stderr, "bench_codec: PAGES and REPS must be positive\n");
		return 2;
	}
	size_t got;
	unsigned char *pages = zsim_bench_pages(n, seed, &got);
	struct buffers *ob = calloc(1, sizeof(*ob)), *rb = calloc(1, sizeof(*rb));
	if (!pages || !ob || !rb)
		return 1;
	ob->pages = rb->pages = pages;
	ob->n = rb->n = got;
	ob->comp = malloc(got * PAGE);
	rb->comp = malloc(got * PAGE);
	ob->clen = calloc(got, sizeof(size_t));
	rb->clen = calloc(got, sizeof(size_t));
	if (!ob->comp || !rb->comp || !ob->clen || !rb->clen)
		return 1;

	const struct zsim_codec_ops *list[64];
	int total = zsim_codec_list(list, 64);
	if (total < 0)
		return 1;
	printf("# bench_codec: %zu pages, best of %u, ratio = input / stored (a page that does not fit counts 4096)\n",
	       got, reps);
	printf("%-10s %-34s %12s %12s %-8s %8s\n", "bench", "what", "ours", "raw", "unit", "ours/raw");
	for (int i = 0; i < total && i < 64; i++)
		bench_driver(list[i], ob, rb, reps);

	free(ob->comp);
	free(rb->comp);
	free(ob->clen);
	free(rb->clen);
	free(ob);
	free(rb);
	free(pages);
	return 0;
}
