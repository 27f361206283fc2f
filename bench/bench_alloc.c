/*
 * bench_alloc.c - the allocator layer: how many pages zsmalloc holds for a
 * realistic set of compressed objects, next to the ideal byte count, per
 * era and chain size; and zsmalloc's malloc/free speed next to glibc's on
 * the same sizes, in the same run.
 *
 * Sizes: the pages of zsim_bench_pages() compressed with the kernel-mode
 * "zstd" and "lz4" codecs; pages that do not compress into PAGE_SIZE are
 * left out (zswap rejects them), and so are pages of one repeated word
 * (zswap keeps those out of the pool: same-filled ≤6.10, zeromap 6.11+).
 *
 * Usage: bench_alloc [pages (default 20000)] [rounds (default 5)]
 */
#include "benchutil.h"


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/compiler.h"

static int same_filled(const unsigned char *p)
{
	uint64_t w0, w;
	memcpy(&w0, p, 8);
	for (size_t i = 8; i < ZSIM_PAGE_SIZE; i += 8) {
		memcpy(&w, p + i, 8);
		if (w != w0)
			return 0;
	}
	return 1;
}

/* Compressed lengths of the compressible, non-same-filled pages. */
static size_t *compressed_sizes(const char *codec, const unsigned char *pages, size_t n,
				size_t *count)
{
	struct zsim_codec *c;
	if (zsim_codec_create(codec, NULL, &c)) {
		fprintf(stderr, "bench_alloc: codec %s not available\n", codec);
		return NULL;
	}
	size_t *sizes = malloc(n * sizeof(*sizes));
	unsigned char out[ZSIM_PAGE_SIZE];
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const unsigned char *pg = pages + i * ZSIM_PAGE_SIZE;
		if (same_filled(pg))
			continue;
		size_t len = ZSIM_PAGE_SIZE;
		if (zsim_codec_compress(c, pg, ZSIM_PAGE_SIZE, out, &len))
			continue;
		sizes[k++] = len;
	}
	zsim_codec_destroy(c);
	*count = k;
	return sizes;
}

static struct zsim_zpool *make_pool(const char *type, enum zsim_zs_era era, unsigned chain)
{
	struct zsim_zpool_config cfg = {.type = type, .era = era, .chain_size = chain,
					.access = ZSIM_ZS_ACCESS_READ_BEGIN};
	struct zsim_zpool *p;
	if (zsim_zpool_create(&cfg, &p)) {
		fprintf(stderr, "bench_alloc: cannot make a %s pool\n", type);
		exit(1);
	}
	return p;
}

/* Pages a pool holds once every object is stored. */
static uint64_t pages_for(struct zsim_zpool *p, const size_t *sizes, size_t n)
{
	zsim_handle_t h;
	for (size_t i = 0; i < n; i++)
		if (zsim_zpool_malloc(p, sizes[i], 0, &h)) {
			fprintf(stderr, "bench_alloc: malloc failed\n");
			exit(1);
		}
	uint64_t pages = zsim_zpool_total_pages(p);
	zsim_zpool_destroy(p);
	return pages;
}

static void footprint(const char *codec, const size_t *sizes, size_t n)
{
	uint64_t bytes = 0;
	for (size_t i = 0; i < n; i++)
		bytes += sizes[i];
	double ideal = (double)ZSIM_DIV_ROUND_UP(bytes, ZSIM_PAGE_SIZE);
	struct {
		const char *label;
		const char *type;
		enum zsim_zs_era era;
		unsigned chain;
	} cfgs[] = {
		{"legacy (6.1)", "zsmalloc", ZSIM_ZS_ERA_LEGACY, 0},
		{"chain 4", "zsmalloc", ZSIM_ZS_ERA_CHAIN, 4},
		{"chain 8 (6.3+)", "zsmalloc", ZSIM_ZS_ERA_CHAIN, 8},
		{"chain 16", "zsmalloc", ZSIM_ZS_ERA_CHAIN, 16},
		{"glibc malloc", "malloc", ZSIM_ZS_ERA_CHAIN, 0},
	};
	printf("# %s: %zu objects, %llu bytes, mean %.0f B, ideal %.0f pages\n", codec, n,
	       (unsigned long long)bytes, n ? (double)bytes / (double)n : 0.0, ideal);
	for (size_t i = 0; i < sizeof(cfgs) / sizeof(cfgs[0]); i++) {
		char what[64];
		snprintf(what, sizeof(what), "pages %s %s", codec, cfgs[i].label);
		double pages = (double)pages_for(make_pool(cfgs[i].type, cfgs[i].era, cfgs[i].chain),
						 sizes, n);
		zsim_bench_row("alloc", what, pages, ideal, "pages");
	}
}

static void shuffle(size_t *a, size_t n, uint64_t *x)
{
	for (size_t i = n; i > 1; i--) {
		*x = *x * 6364136223846793005ull + 1442695040888963407ull;
		size_t j = (size_t)((*x >> 33) % i);
		size_t t = a[i - 1];
		a[i - 1] = a[j];
		a[j] = t;
	}
}

/* Best-of-rounds ns per malloc and per free (frees in a random order, as
 * zswap invalidates entries), zsmalloc and glibc on the same sizes. */
static void speed(const size_t *sizes, size_t n, int rounds)
{
	void **ptrs = malloc(n * sizeof(*ptrs));
	zsim_handle_t *h = malloc(n * sizeof(*h));
	size_t *order = malloc(n * sizeof(*order));
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	uint64_t x = 42;
	shuffle(order, n, &x);
	double best[4] = {1e30, 1e30, 1e30, 1e30};
	struct zsim_zpool *p = make_pool("zsmalloc", ZSIM_ZS_ERA_CHAIN, 8);
	for (int r = 0; r < rounds; r++) {
		uint64_t t0 = zsim_bench_now_ns();
		for (size_t i = 0; i < n; i++)
			if (zsim_zpool_malloc(p, sizes[i], 0, &h[i]))
				exit(1);
		uint64_t t1 = zsim_bench_now_ns();
		for (size_t i = 0; i < n; i++)
			zsim_zpool_free(p, h[order[i]]);
		uint64_t t2 = zsim_bench_now_ns();
		for (size_t i = 0; i < n; i++)
			if (!(ptrs[i] = malloc(sizes[i])))
				exit(1);
		uint64_t t3 = zsim_bench_now_ns();
		for (size_t i = 0; i < n; i++)
			free(ptrs[order[i]]);
		uint64_t t4 = zsim_bench_now_ns();
		double v[4] = {(double)(t1 - t0), (double)(t2 - t1), (double)(t3 - t2),
			       (double)(t4 - t3)};
		for (int k = 0; k < 4; k++)
			if (v[k] / (double)n < best[k])
				best[k] = v[k] / (double)n;
	}
	/* Steady state: n live objects; replace a random one, n * 4 times. */
	uint64_t churn_zs = ~0ull, churn_libc = ~0ull;
	size_t steps = n * 4;
	for (int r = 0; r < rounds; r++) {
		uint64_t y = 7;
		for (size_t i = 0; i < n; i++)
			if (zsim_zpool_malloc(p, sizes[i], 0, &h[i]))
				exit(1);
		uint64_t t0 = zsim_bench_now_ns();
		for (size_t s = 0; s < steps; s++) {
			y = y * 6364136223846793005ull + 1442695040888963407ull;
			size_t i = (size_t)((y >> 33) % n), k = (size_t)((y >> 13) % n);
			zsim_zpool_free(p, h[i]);
			if (zsim_zpool_malloc(p, sizes[k], 0, &h[i]))
				exit(1);
		}
		uint64_t t1 = zsim_bench_now_ns();
		for (size_t i = 0; i < n; i++)
			zsim_zpool_free(p, h[i]);
		y = 7;
		for (size_t i = 0; i < n; i++)
			ptrs[i] = malloc(sizes[i]);
		uint64_t t2 = zsim_bench_now_ns();
		for (size_t s = 0; s < steps; s++) {
			y = y * 6364136223846793005ull + 1442695040888963407ull;
			size_t i = (size_t)((y >> 33) % n), k = (size_t)((y >> 13) % n);
			free(ptrs[i]);
			if (!(ptrs[i] = malloc(sizes[k])))
				exit(1);
		}
		uint64_t t3 = zsim_bench_now_ns();
		for (size_t i = 0; i < n; i++)
			free(ptrs[i]);
		if (t1 - t0 < churn_zs)
			churn_zs = t1 - t0;
		if (t3 - t2 < churn_libc)
			churn_libc = t3 - t2;
	}
	zsim_zpool_destroy(p);
	zsim_bench_row("alloc", "malloc ns/op zsmalloc vs glibc", best[0], best[2], "ns/op");
	zsim_bench_row("alloc", "free ns/op zsmalloc vs glibc", best[1], best[3], "ns/op");
	zsim_bench_row("alloc", "malloc+free ns zsmalloc vs glibc", best[0] + best[1],
		       best[2] + best[3], "ns/pair");
	zsim_bench_row("alloc", "steady free+malloc zsmalloc vs glibc",
		       (double)churn_zs / (double)steps, (double)churn_libc / (double)steps,
		       "ns/pair");
	free(ptrs);
	free(h);
	free(order);
}

int main(int argc, char **argv)
{
	size_t want = argc > 1 ? strtoul(argv[1], NULL, 0) : 20000;
	int rounds = argc > 2 ? atoi(argv[2]) : 5;
	if (!want || rounds < 1) {
		fprintf(stderr, "usage: bench_alloc [pages] [rounds]\n");
		return 2;
	}
	size_t n;
	unsigned char *pages = zsim_bench_pages(want, 1, &n);
	if (!pages)
		return 1;
	printf("%-10s %-34s %12s %12s %-8s %8s\n", "bench", "what", "ours", "raw", "unit",
	       "ours/raw");
	size_t *zsizes = NULL, nz = 0;
	const char *codecs[] = {"zstd", "lz4"};
	for (size_t c = 0; c < 2; c++) {
		size_t count;
		size_t *sizes = compressed_sizes(codecs[c], pages, n, &count);
		if (!sizes)
			continue;
		footprint(codecs[c], sizes, count);
		if (!zsizes) {
			zsizes = sizes;
			nz = count;
		} else {
			free(sizes);
		}
	}
	if (zsizes && nz) {
		printf("# speed on the %zu %s sizes, best of %d rounds, chain 8\n", nz,
		       "first codec's", rounds);
		speed(zsizes, nz, rounds);
	}
	free(zsizes);
	free(pages);
	return 0;
}
