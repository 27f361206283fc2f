/*
 * bench_zram.c - the zram write and read paths against the raw codec on
 * the same pages, in one run: µs per page and ours/raw for lz4 and zstd,
 * one thread (paired per 256 pages, thread CPU time, order alternating);
 * two threads against one for ours and for the raw compressor (the
 * machine's ceiling); and the simulator's metadata bytes per stored page.
 *
 * Raw: what a write cannot avoid, compressing the page into a 2-page
 * buffer (zcomp's) with LZ4_compress_default / ZSTD_compress_advanced at
 * the kernel's parameters; what a read cannot avoid, decompressing it.
 * Ours: zsim_zram_write (same-filled check, compression, zsmalloc, slot
 * table) and zsim_zram_read, profile 6.12. Reads are timed over the pages
 * zram keeps compressed (not same-filled, not huge) on both sides. Before
 * each write round the slots are discarded (untimed), as swap frees them.
 *
 * Usage: bench_zram [pages (32768)] [rounds (5; the first is the cold row)].
 * $ZSIM_BENCH_CORPUS: raw pages.
 */
#define ZSTD_STATIC_LINKING_ONLY
#include <lz4.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "benchutil.h"
#include "bench_zstd.h"

static size_t npages;
static unsigned char *pages;
static unsigned char *comp;     /* raw compressed pages, 2 pages each */
static size_t *clen;
static unsigned char *readable; /* zram keeps page i compressed */

#define PAIR_CHUNK 256

struct pair_sum {
	uint64_t ours_ns, raw_ns;
	size_t ours_n, raw_n;
};

static void raw_compress(int lz4, ZSTD_CCtx *cctx, size_t lo, size_t hi)
{
	ZSTD_parameters kp = zsim_bench_zstd_params(1); /* 6.12: zram's own backend */
	for (size_t i = lo; i < hi; i++) {
		const unsigned char *src = pages + i * ZSIM_PAGE_SIZE;
		unsigned char *dst = comp + i * 2 * ZSIM_PAGE_SIZE;
		if (lz4) {
			int n = LZ4_compress_default((const char *)src, (char *)dst, ZSIM_PAGE_SIZE,
						     2 * ZSIM_PAGE_SIZE);
			clen[i] = n > 0 ? (size_t)n : 0;
		} else {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
			size_t r = ZSTD_compress_advanced(cctx, dst, 2 * ZSIM_PAGE_SIZE, src,
							  ZSIM_PAGE_SIZE, NULL, 0, kp);
#pragma GCC diagnostic pop
			clen[i] = ZSTD_isError(r) ? 0 : r;
		}
	}
}

static size_t raw_decompress(int lz4, ZSTD_DCtx *dctx, size_t lo, size_t hi, unsigned char *out)
{
	size_t n = 0;
	for (size_t i = lo; i < hi; i++) {
		if (!readable[i])
			continue;
		const unsigned char *src = comp + i * 2 * ZSIM_PAGE_SIZE;
		if (lz4)
			LZ4_decompress_safe((const char *)src, (char *)out, (int)clen[i], ZSIM_PAGE_SIZE);
		else
			ZSTD_decompressDCtx(dctx, out, ZSIM_PAGE_SIZE, src, clen[i]);
		n++;
	}
	return n;
}

static struct zsim_zram *make(const char *codec, unsigned cpus)
{
	struct zsim_zram_config cfg;
	zsim_zram_config_init(&cfg);
	cfg.profile = "6.12";
	cfg.nr_cpus = cpus;
	struct zsim_zram *z;
	if (zsim_zram_create(&cfg, &z) || zsim_zram_set_comp_algorithm(z, codec) ||
	    zsim_zram_set_disksize(z, (uint64_t)npages * ZSIM_PAGE_SIZE)) {
		fprintf(stderr, "bench_zram: cannot make a %s device\n", codec);
		exit(1);
	}
	return z;
}

static void paired_round(int lz4, struct zsim_zram *z, int rep, struct pair_sum *wr,
			 struct pair_sum *rd)
{
	ZSTD_CCtx *cctx = ZSTD_createCCtx();
	ZSTD_DCtx *dctx = ZSTD_createDCtx();
	unsigned char out[ZSIM_PAGE_SIZE];
	zsim_zram_discard(z, 0, (uint32_t)npages);
	for (size_t lo = 0; lo < npages; lo += PAIR_CHUNK) {
		size_t hi = lo + PAIR_CHUNK < npages ? lo + PAIR_CHUNK : npages;
		int ours_first = ((lo / PAIR_CHUNK) + (size_t)rep) & 1;
		for (int side = 0; side < 2; side++) {
			uint64_t t0 = zsim_bench_cpu_ns();
			if ((side == 0) == ours_first) {
				for (size_t i = lo; i < hi; i++)
					zsim_zram_write(z, (uint32_t)i, pages + i * ZSIM_PAGE_SIZE, 0);
				wr->ours_ns += zsim_bench_cpu_ns() - t0;
				wr->ours_n += hi - lo;
			} else {
				raw_compress(lz4, cctx, lo, hi);
				wr->raw_ns += zsim_bench_cpu_ns() - t0;
				wr->raw_n += hi - lo;
			}
		}
	}
	/* which pages zram keeps compressed */
	for (size_t i = 0; i < npages; i++) {
		struct zsim_zram_slot_info info;
		zsim_zram_slot_info(z, (uint32_t)i, &info);
		readable[i] = info.allocated && !(info.flags & (ZSIM_ZRAM_SLOT_SAME | ZSIM_ZRAM_SLOT_HUGE));
	}
	for (size_t lo = 0; lo < npages; lo += PAIR_CHUNK) {
		size_t hi = lo + PAIR_CHUNK < npages ? lo + PAIR_CHUNK : npages;
		int ours_first = ((lo / PAIR_CHUNK) + (size_t)rep) & 1;
		for (int side = 0; side < 2; side++) {
			uint64_t t0 = zsim_bench_cpu_ns();
			if ((side == 0) == ours_first) {
				size_t n = 0;
				for (size_t i = lo; i < hi; i++)
					if (readable[i]) {
						zsim_zram_read(z, (uint32_t)i, out, 0);
						n++;
					}
				rd->ours_ns += zsim_bench_cpu_ns() - t0;
				rd->ours_n += n;
			} else {
				size_t n = raw_decompress(lz4, dctx, lo, hi, out);
				rd->raw_ns += zsim_bench_cpu_ns() - t0;
				rd->raw_n += n;
			}
		}
	}
	ZSTD_freeCCtx(cctx);
	ZSTD_freeDCtx(dctx);
}

static void pair_row(const char *what, const struct pair_sum *s)
{
	double ours = s->ours_n ? (double)s->ours_ns / 1e3 / (double)s->ours_n : 0;
	double raw = s->raw_n ? (double)s->raw_ns / 1e3 / (double)s->raw_n : 0;
	zsim_bench_row("zram", what, ours, raw, "us/page");
}

struct worker {
	struct zsim_zram *z; /* NULL: raw */
	int lz4;
	unsigned id, n;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	size_t lo = npages * w->id / w->n, hi = npages * (w->id + 1) / w->n;
	if (w->z) {
		for (size_t i = lo; i < hi; i++)
			zsim_zram_write(w->z, (uint32_t)i, pages + i * ZSIM_PAGE_SIZE, w->id);
	} else {
		ZSTD_CCtx *cctx = ZSTD_createCCtx();
		raw_compress(w->lz4, cctx, lo, hi);
		ZSTD_freeCCtx(cctx);
	}
	return NULL;
}

/* Wall time of writing all pages with n threads (ours, or raw if !z). */
static uint64_t phase(struct zsim_zram *z, int lz4, unsigned n)
{
	pthread_t t[2];
	struct worker w[2];
	if (z)
		zsim_zram_discard(z, 0, (uint32_t)npages);
	uint64_t t0 = zsim_bench_now_ns();
	for (unsigned i = 0; i < n; i++) {
		w[i] = (struct worker){z, lz4, i, n};
		pthread_create(&t[i], NULL, worker_main, &w[i]);
	}
	for (unsigned i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	return zsim_bench_now_ns() - t0;
}

int main(int argc, char **argv)
{
	size_t want = argc > 1 ? strtoull(argv[1], NULL, 0) : 32768;
	int rounds = argc > 2 ? atoi(argv[2]) : 5;
	if (rounds < 2)
		rounds = 2;
	pages = zsim_bench_pages(want, 42, &npages);
	if (!pages)
		return 1;
	comp = malloc(npages * 2 * ZSIM_PAGE_SIZE);
	clen = calloc(npages, sizeof(*clen));
	readable = calloc(npages, 1);
	if (!comp || !clen || !readable)
		return 1;
	zsim_bench_prefault(comp, npages * 2 * ZSIM_PAGE_SIZE); /* the raw side's faults out of the cold row */
	printf("bench_zram: %zu pages, profile 6.12; %d rounds of ours and raw paired per %d pages (thread CPU time)\n",
	       npages, rounds, PAIR_CHUNK);
	printf("%-10s %-34s %12s %12s %-8s %8s\n", "bench", "what", "ours", "raw", "unit", "ours/raw");
	const char *codecs[] = {"lz4", "zstd"};
	for (int c = 0; c < 2; c++) {
		struct pair_sum cold = {0}, cold_rd = {0}, wr = {0}, rd = {0};
		struct zsim_zram *z = make(codecs[c], 1);
		int lz4 = !strcmp(codecs[c], "lz4");
		for (int rep = 0; rep < rounds; rep++)
			paired_round(lz4, z, rep, rep ? &wr : &cold, rep ? &rd : &cold_rd);
		zsim_zram_destroy(z);
		char what[64];
		snprintf(what, sizeof(what), "write %s, 1 thread", codecs[c]);
		pair_row(what, &wr);
		snprintf(what, sizeof(what), "read %s, 1 thread", codecs[c]);
		pair_row(what, &rd);
		snprintf(what, sizeof(what), "write %s, cold allocator", codecs[c]);
		pair_row(what, &cold);
	}
	for (int c = 0; c < 2; c++) {
		int lz4 = !strcmp(codecs[c], "lz4");
		double ours[2] = {0}, raw[2] = {0};
		for (int rep = 0; rep < 3; rep++) {
			for (unsigned t = 0; t < 2; t++) {
				struct zsim_zram *z = make(codecs[c], 2);
				phase(z, lz4, t + 1); /* warm the allocator */
				double to = (double)npages / ((double)phase(z, lz4, t + 1) / 1e9);
				zsim_zram_destroy(z);
				double tr = (double)npages / ((double)phase(NULL, lz4, t + 1) / 1e9);
				ours[t] = to > ours[t] ? to : ours[t];
				raw[t] = tr > raw[t] ? tr : raw[t];
			}
		}
		char what[64];
		snprintf(what, sizeof(what), "write %s 2 thr vs 1 (pages/s)", codecs[c]);
		zsim_bench_row("scaling", what, ours[1], ours[0], "pages/s");
		snprintf(what, sizeof(what), "raw %s 2 thr vs 1 (pages/s)", codecs[c]);
		zsim_bench_row("scaling", what, raw[1], raw[0], "pages/s");
	}
	struct zsim_zram *z = make("lz4", 1);
	phase(z, 1, 1);
	struct zsim_zram_meta m;
	struct zsim_zram_stats st;
	zsim_zram_meta(z, &m);
	zsim_zram_stats(z, &st);
	double per = st.pages_stored
			     ? (double)(m.table_bytes + m.zpool_meta_bytes) / (double)st.pages_stored
			     : 0;
	zsim_bench_row("meta", "table + zsmalloc bytes per stored page", per, 24.0, "bytes");
	printf("meta: %llu pages stored (disksize %zu pages), table %llu B, zsmalloc %llu B, "
	       "streams %llu B; kernel: 16 B/slot table (+8 with ac_time)\n",
	       (unsigned long long)st.pages_stored, npages, (unsigned long long)m.table_bytes,
	       (unsigned long long)m.zpool_meta_bytes, (unsigned long long)m.stream_bytes);
	zsim_zram_destroy(z);
	free(pages);
	free(comp);
	free(clen);
	free(readable);
	return 0;
}
