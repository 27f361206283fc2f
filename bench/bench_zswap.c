/*
 * bench_zswap.c - the zswap store and load paths against the raw codec on
 * the same pages, in one run: µs per page and the ratio ours/raw, for lz4
 * and zstd (kernel parameters), one thread and two (next to the raw
 * compressor's own two-thread scaling: the machine's ceiling); plus metadata bytes
 * per stored page (entry + tree).
 *
 * The raw baseline is what a store and a load cannot avoid: compressing
 * the page into a PAGE_SIZE buffer (LZ4_compress_default /
 * ZSTD_compress_advanced with the kernel's parameters) and decompressing
 * it. Ours is zsim_zswap_store / zsim_zswap_load (profile 6.12: exclusive
 * loads, so a load also frees the entry). Loads are timed over the pages
 * zswap took, on both sides. The one-thread rows pair ours and raw on
 * each 256 pages in turn (thread CPU time), so that a noisy neighbour
 * on a shared VM, whose bursts last longer than a pair, weighs on both
 * sides alike; the sums over all warm rounds give the ratio.
 *
 * Last, the IAA stand-in (deflate-iaa-sim, profile 6.13 so large folios
 * are stored): the modelled device latency of one folio store
 * (zsim_zswap_last_modelled_ns), batched ("ours") against one page at a
 * time ("raw" column), for 4 KiB, 16 KiB, 64 KiB and 2 MiB folios made
 * of the set's pages that the stand-in compresses into a page (a folio
 * with one that does not is refused whole); and the wall time this
 * machine spent on them, which batching does not change. The modelled figures are a model
 * of Sapphire Rapids (docs/iaa.md), not a measurement.
 *
 * Usage: bench_zswap [pages (32768)] [rounds (5; the first is the cold row;
 * the scaling rows are the best of this many)]. $ZSIM_BENCH_CORPUS: raw pages.
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

#define MAX_ROUNDS 64

struct raw_out {
	unsigned char *buf; /* npages x PAGE_SIZE compressed */
	size_t *len;
};

/* Pages per pair: ours and raw run back to back on the same PAIR_CHUNK
 * pages (1 MiB), so a neighbour's burst on a shared machine lands on both
 * sides of a pair alike; which side goes first alternates, so the second
 * side's warmer cache favours neither. */
#define PAIR_CHUNK 256

struct pair_sum {
	uint64_t ours_ns, raw_ns; /* thread CPU time */
	size_t ours_n, raw_n;     /* operations timed */
};

/* The raw compressor over pages [lo, hi) into o. */
static void raw_compress(int lz4, ZSTD_CCtx *cctx, struct raw_out *o, size_t lo, size_t hi)
{
	ZSTD_parameters kp = zsim_bench_zstd_params(0);
	for (size_t i = lo; i < hi; i++) {
		const unsigned char *src = pages + i * ZSIM_PAGE_SIZE;
		unsigned char *dst = o->buf + i * ZSIM_PAGE_SIZE;
		if (lz4) {
			int n = LZ4_compress_default((const char *)src, (char *)dst, ZSIM_PAGE_SIZE, ZSIM_PAGE_SIZE);
			o->len[i] = n > 0 ? (size_t)n : 0;
		} else {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
			size_t r = ZSTD_compress_advanced(cctx, dst, ZSIM_PAGE_SIZE, src, ZSIM_PAGE_SIZE, NULL, 0, kp);
#pragma GCC diagnostic pop
			o->len[i] = ZSTD_isError(r) ? 0 : r;
		}
	}
}

/* The raw decompressor over the pages of [lo, hi) that zswap holds
 * (in_zswap[i]); returns how many. */
static size_t raw_decompress(int lz4, ZSTD_DCtx *dctx, const struct raw_out *o,
			     const unsigned char *in_zswap, size_t lo, size_t hi)
{
	unsigned char out[ZSIM_PAGE_SIZE];
	size_t n = 0;
	for (size_t i = lo; i < hi; i++) {
		if (!in_zswap[i] || !o->len[i])
			continue;
		const unsigned char *src = o->buf + i * ZSIM_PAGE_SIZE;
		if (lz4)
			LZ4_decompress_safe((const char *)src, (char *)out, (int)o->len[i], ZSIM_PAGE_SIZE);
		else
			ZSTD_decompressDCtx(dctx, out, ZSIM_PAGE_SIZE, src, o->len[i]);
		n++;
	}
	return n;
}

/* zsim_zswap_store of pages [lo, hi); in_zswap[i] says where each went. */
static void ours_store(struct zsim_zswap *z, unsigned char *in_zswap, size_t lo, size_t hi)
{
	for (size_t i = lo; i < hi; i++) {
		struct zsim_swap_folio f = {.offset = i, .data = pages + i * ZSIM_PAGE_SIZE};
		enum zsim_swap_where where = ZSIM_WHERE_NONE;
		if (zsim_zswap_store(z, &f, &where)) {
			fprintf(stderr, "bench_zswap: store %zu failed\n", i);
			exit(1);
		}
		in_zswap[i] = where == ZSIM_WHERE_ZSWAP;
	}
}

/* zsim_zswap_load of the pages of [lo, hi) that zswap holds (the rest are
 * device reads, not zswap's); returns how many. */
static size_t ours_load(struct zsim_zswap *z, const unsigned char *in_zswap, size_t lo, size_t hi)
{
	unsigned char back[ZSIM_PAGE_SIZE];
	size_t n = 0;
	for (size_t i = lo; i < hi; i++) {
		if (!in_zswap[i])
			continue;
		if (zsim_zswap_load_slot(z, &(struct zsim_swap_slot){.offset = i}, back, NULL)) {
			fprintf(stderr, "bench_zswap: load %zu failed\n", i);
			exit(1);
		}
		n++;
	}
	return n;
}

/*
 * One round on one thread: every page stored (ours) and compressed (raw)
 * in pairs of PAIR_CHUNK pages, then every page zswap took loaded back
 * (ours, exclusive: the entry goes) and decompressed (raw), in pairs too.
 */
static void paired_round(int lz4, struct zsim_zswap *z, struct raw_out *o, unsigned char *in_zswap,
			 struct pair_sum *st, struct pair_sum *ld)
{
	ZSTD_CCtx *cctx = ZSTD_createCCtx();
	ZSTD_DCtx *dctx = ZSTD_createDCtx();
	for (int phase = 0; phase < 2; phase++) {
		struct pair_sum *sum = phase ? ld : st;
		for (size_t lo = 0, k = 0; lo < npages; lo += PAIR_CHUNK, k++) {
			size_t hi = lo + PAIR_CHUNK < npages ? lo + PAIR_CHUNK : npages;
			for (int side = 0; side < 2; side++) {
				int ours = (int)((k + (size_t)side) & 1);
				uint64_t t0 = zsim_bench_cpu_ns();
				size_t n = hi - lo;
				if (phase == 0 && ours)
					ours_store(z, in_zswap, lo, hi);
				else if (phase == 0)
					raw_compress(lz4, cctx, o, lo, hi);
				else if (ours)
					n = ours_load(z, in_zswap, lo, hi);
				else
					n = raw_decompress(lz4, dctx, o, in_zswap, lo, hi);
				uint64_t dt = zsim_bench_cpu_ns() - t0;
				if (ours)
					sum->ours_ns += dt, sum->ours_n += n;
				else
					sum->raw_ns += dt, sum->raw_n += n;
			}
		}
	}
	ZSTD_freeCCtx(cctx);
	ZSTD_freeDCtx(dctx);
}

static void pair_row(const char *what, const struct pair_sum *p)
{
	double ours = p->ours_n ? (double)p->ours_ns / 1e3 / (double)p->ours_n : 0;
	double raw = p->raw_n ? (double)p->raw_ns / 1e3 / (double)p->raw_n : 0;
	zsim_bench_row("zswap", what, ours, raw, "us/page");
}

struct worker {
	struct zsim_zswap *z;
	unsigned id, nthreads;
	int load;
};

static void *run_worker(void *arg)
{
	struct worker *w = arg;
	unsigned char back[ZSIM_PAGE_SIZE];
	for (size_t i = zsim_bench_first_slot(w->id); i < npages;
	     i = zsim_bench_next_slot(i, w->nthreads)) {
		if (w->load) {
			zsim_zswap_load_slot(w->z, &(struct zsim_swap_slot){.offset = i, .cpu = w->id}, back,
					     NULL);
		} else {
			struct zsim_swap_folio f = {.offset = i, .data = pages + i * ZSIM_PAGE_SIZE,
						    .cpu = w->id};
			zsim_zswap_store(w->z, &f, NULL);
		}
	}
	return NULL;
}

struct raw_worker {
	const char *codec;
	unsigned id, nthreads;
};

static void *raw_worker_main(void *arg)
{
	struct raw_worker *w = arg;
	unsigned char out[ZSIM_PAGE_SIZE];
	ZSTD_CCtx *cctx = ZSTD_createCCtx();
	ZSTD_parameters kp = zsim_bench_zstd_params(0);
	for (size_t i = zsim_bench_first_slot(w->id); i < npages;
	     i = zsim_bench_next_slot(i, w->nthreads)) {
		const unsigned char *src = pages + i * ZSIM_PAGE_SIZE;
		if (!strcmp(w->codec, "lz4")) {
			LZ4_compress_default((const char *)src, (char *)out, ZSIM_PAGE_SIZE, ZSIM_PAGE_SIZE);
		} else {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
			ZSTD_compress_advanced(cctx, out, ZSIM_PAGE_SIZE, src, ZSIM_PAGE_SIZE, NULL, 0, kp);
#pragma GCC diagnostic pop
		}
	}
	ZSTD_freeCCtx(cctx);
	return NULL;
}

/* Wall time of the raw compressor over all pages on nthreads threads. */
static uint64_t raw_phase(const char *codec, unsigned nthreads)
{
	pthread_t t[8];
	struct raw_worker w[8];
	uint64_t t0 = zsim_bench_now_ns();
	for (unsigned i = 0; i < nthreads; i++) {
		w[i] = (struct raw_worker){.codec = codec, .id = i, .nthreads = nthreads};
		pthread_create(&t[i], NULL, raw_worker_main, &w[i]);
	}
	for (unsigned i = 0; i < nthreads; i++)
		pthread_join(t[i], NULL);
	return zsim_bench_now_ns() - t0;
}

/* Wall time (ns) of nthreads threads storing (or loading) their share. */
static uint64_t run_phase(struct zsim_zswap *z, unsigned nthreads, int load)
{
	pthread_t t[8];
	struct worker w[8];
	uint64_t t0 = zsim_bench_now_ns();
	for (unsigned i = 0; i < nthreads; i++) {
		w[i] = (struct worker){.z = z, .id = i, .nthreads = nthreads, .load = load};
		pthread_create(&t[i], NULL, run_worker, &w[i]);
	}
	for (unsigned i = 0; i < nthreads; i++)
		pthread_join(t[i], NULL);
	return zsim_bench_now_ns() - t0;
}

static struct zsim_zswap *make(const char *codec, unsigned cpus)
{
	struct zsim_zswap_config cfg;
	zsim_zswap_config_init(&cfg);
	cfg.profile = "6.12";
	cfg.compressor = codec;
	cfg.nr_cpus = cpus;
	cfg.ram_bytes = 1ull << 40; /* no pool limit in the way */
	struct zsim_zswap *z;
	/* A memory swap device: a page zswap refuses costs a copy, not a
	 * write() to a file, so the figure is zswap's and not the disk's. */
	if (zsim_zswap_create(&cfg, &z) || zsim_zswap_swapon_memory(z, 0, npages)) {
		fprintf(stderr, "bench_zswap: cannot create zswap (%s)\n", codec);
		exit(1);
	}
	return z;
}

static unsigned char *iaa_pages; /* the set's pages that compress */
static size_t iaa_npages;

static void iaa_pages_make(void)
{
	struct zsim_codec *c;
	iaa_pages = malloc(npages * ZSIM_PAGE_SIZE);
	if (!iaa_pages || zsim_codec_create("deflate-iaa-sim", NULL, &c))
		exit(1);
	unsigned char out[ZSIM_PAGE_SIZE];
	for (size_t i = 0; i < npages; i++) {
		size_t len = sizeof(out);
		if (zsim_codec_compress(c, pages + i * ZSIM_PAGE_SIZE, ZSIM_PAGE_SIZE, out, &len))
			continue;
		memcpy(iaa_pages + iaa_npages++ * ZSIM_PAGE_SIZE, pages + i * ZSIM_PAGE_SIZE,
		       ZSIM_PAGE_SIZE);
	}
	zsim_codec_destroy(c);
}

/* Store every folio of `order` from iaa_pages; per stored folio: mean
 * modelled latency (us) and wall time (us). */
static double iaa_folios(int batch, unsigned order, double *wall_us)
{
	struct zsim_zswap_config cfg;
	zsim_zswap_config_init(&cfg);
	cfg.profile = "6.13";
	cfg.compressor = "deflate-iaa-sim";
	cfg.nr_cpus = 1;
	cfg.batch = batch;
	cfg.ram_bytes = 1ull << 40;
	struct zsim_zswap *z;
	if (zsim_zswap_create(&cfg, &z) || zsim_zswap_swapon(z, 0, npages)) {
		fprintf(stderr, "bench_zswap: cannot create zswap (deflate-iaa-sim)\n");
		exit(1);
	}
	const size_t nr = (size_t)1 << order;
	double model = 0, wall = 0;
	size_t stored = 0;
	for (size_t off = 0; off + nr <= iaa_npages; off += nr) {
		struct zsim_swap_folio f = {.offset = off, .order = order,
					    .data = iaa_pages + off * ZSIM_PAGE_SIZE};
		enum zsim_swap_where w;
		uint64_t t0 = zsim_bench_now_ns();
		if (zsim_zswap_store(z, &f, &w))
			exit(1);
		uint64_t t1 = zsim_bench_now_ns();
		if (w != ZSIM_WHERE_ZSWAP)
			continue;
		model += (double)zsim_zswap_last_modelled_ns();
		wall += (double)(t1 - t0);
		stored++;
	}
	zsim_zswap_destroy(z);
	*wall_us = stored ? wall / 1e3 / (double)stored : 0;
	return stored ? model / 1e3 / (double)stored : 0;
}

int main(int argc, char **argv)
{
	size_t want = argc > 1 ? strtoull(argv[1], NULL, 0) : 32768;
	int rounds = argc > 2 ? atoi(argv[2]) : 5;
	if (rounds < 2)
		rounds = 2;
	if (rounds > MAX_ROUNDS)
		rounds = MAX_ROUNDS;
	pages = zsim_bench_pages(want, 42, &npages);
	if (!pages)
		return 1;
	struct raw_out o = {malloc(npages * ZSIM_PAGE_SIZE), calloc(npages, sizeof(size_t))};
	printf("bench_zswap: %zu pages, profile 6.12; %d rounds of ours and raw paired per %d pages (thread CPU time)\n",
	       npages, rounds, PAIR_CHUNK);
	printf("%-10s %-34s %12s %12s %-8s %8s\n", "bench", "what", "ours", "raw", "unit", "ours/raw");
	const char *codecs[] = {"lz4", "zstd"};
	unsigned char *in_zswap = calloc(npages, 1);
	zsim_bench_prefault(o.buf, npages * ZSIM_PAGE_SIZE); /* the raw side's faults out of the cold row */
	for (int c = 0; c < 2; c++) {
		/* Round 1 also pays for first-touching the allocator's pages
		 * (the "cold" row); later rounds reuse them, as a long replay
		 * does, and are summed. */
		struct pair_sum cold = {0}, cold_ld = {0}, st = {0}, ld = {0};
		struct zsim_zswap *z = make(codecs[c], 1);
		int lz4 = !strcmp(codecs[c], "lz4");
		for (int rep = 0; rep < rounds; rep++)
			paired_round(lz4, z, &o, in_zswap, rep ? &st : &cold, rep ? &ld : &cold_ld);
		zsim_zswap_destroy(z);
		char what[64];
		snprintf(what, sizeof(what), "store %s, 1 thread", codecs[c]);
		pair_row(what, &st);
		snprintf(what, sizeof(what), "load %s, 1 thread", codecs[c]);
		pair_row(what, &ld);
		snprintf(what, sizeof(what), "store %s, cold allocator", codecs[c]);
		pair_row(what, &cold);
	}
	free(in_zswap);
	/* Scaling: throughput with 2 threads over 1 (pages/s ratio), ours
	 * and, as the machine's own ceiling, the raw compressor's. Ours on a
	 * first fill (the allocator maps its pages) and warm (a fill, all
	 * loaded back, then the timed fill), each the best of `rounds`
	 * (a phase lasts 0.1-0.3 s, and on a shared host a neighbour's burst
	 * in the one- or the two-thread phase moves the ratio by 10 %;
	 * best of three left 0.67-0.98 between runs of one build). */
	for (int c = 0; c < 2; c++) {
		double cold[2] = {0}, warm[2] = {0}, raw[2] = {0};
		for (int rep = 0; rep < rounds; rep++) {
			for (unsigned t = 0; t < 2; t++) {
				struct zsim_zswap *z = make(codecs[c], 2);
				double tc = (double)npages / ((double)run_phase(z, t + 1, 0) / 1e9);
				run_phase(z, t + 1, 1);
				double tw = (double)npages / ((double)run_phase(z, t + 1, 0) / 1e9);
				zsim_zswap_destroy(z);
				double tr = (double)npages / ((double)raw_phase(codecs[c], t + 1) / 1e9);
				cold[t] = tc > cold[t] ? tc : cold[t];
				warm[t] = tw > warm[t] ? tw : warm[t];
				raw[t] = tr > raw[t] ? tr : raw[t];
			}
		}
		char what[64];
		snprintf(what, sizeof(what), "store %s 2 thr vs 1 (pages/s)", codecs[c]);
		zsim_bench_row("scaling", what, warm[1], warm[0], "pages/s");
		snprintf(what, sizeof(what), "store %s 2 vs 1, first fill", codecs[c]);
		zsim_bench_row("scaling", what, cold[1], cold[0], "pages/s");
		snprintf(what, sizeof(what), "raw %s 2 thr vs 1 (pages/s)", codecs[c]);
		zsim_bench_row("scaling", what, raw[1], raw[0], "pages/s");
	}
	/* Metadata per stored page. */
	struct zsim_zswap *z = make("lz4", 1);
	run_phase(z, 1, 0);
	struct zsim_zswap_meta m;
	zsim_zswap_meta(z, &m);
	double per = m.entries ? (double)(m.entry_bytes + m.tree_bytes) / (double)m.entries : 0;
	zsim_bench_row("meta", "entry + tree bytes per stored page", per, 64.0, "bytes");
	printf("meta: %llu entries, entry %llu B, tree %llu B (%llu nodes); target <= 64 B/page\n",
	       (unsigned long long)m.entries, (unsigned long long)m.entry_bytes,
	       (unsigned long long)m.tree_bytes, (unsigned long long)m.tree_nodes);
	zsim_zswap_destroy(z);

	/* The IAA stand-in's modelled folio latency, batched vs not. */
	static const unsigned orders[] = {0, 2, 4, 9};
	iaa_pages_make();
	printf("iaa: %zu of %zu pages compress into a page with the stand-in\n", iaa_npages, npages);
	for (size_t k = 0; k < sizeof(orders) / sizeof(orders[0]); k++) {
		double wb, wu;
		double mb = iaa_folios(-1, orders[k], &wb), mu = iaa_folios(0, orders[k], &wu);
		char what[64];
		snprintf(what, sizeof(what), "iaa-sim %u KiB folio, modelled", 4u << orders[k]);
		zsim_bench_row("iaa", what, mb, mu, "us/folio");
		snprintf(what, sizeof(what), "iaa-sim %u KiB folio, this CPU", 4u << orders[k]);
		zsim_bench_row("iaa", what, wb, wu, "us/folio");
	}
	free(iaa_pages);
	free(o.buf);
	free(o.len);
	free(pages);
	return 0;
}
