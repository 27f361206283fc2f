/*
 * bench_ops.c - a fixed amount of zswap work for instruction counting
 * (bench/instr runs it under callgrind) and for profiling (perf): store
 * every page of the bench page set, load every page back, `rounds` times,
 * on `threads` threads that each take every threads-th swap cluster. Instruction
 * counts do not depend on what else the machine runs, so bench/instr's
 * "instructions of zsim_zswap_store / instructions of the codec's compress"
 * is the noise-free form of bench_zswap's time ratio (it leaves out cache
 * misses, which bench_zswap includes).
 *
 * Usage: bench_ops [codec (lz4)] [pages (4096)] [profile (6.12)]
 *                  [threads (1)] [rounds (2)].
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "benchutil.h"

static struct zsim_zswap *z;
static unsigned char *pages;
static size_t n;
static unsigned nthreads = 1;
static pthread_barrier_t bar;
static int rounds = 2;

static void *worker(void *arg)
{
	unsigned id = (unsigned)(uintptr_t)arg;
	unsigned char back[ZSIM_PAGE_SIZE];
	for (int round = 0; round < rounds; round++) {
		for (size_t i = zsim_bench_first_slot(id); i < n; i = zsim_bench_next_slot(i, nthreads)) {
			struct zsim_swap_folio f = {.offset = i, .data = pages + i * ZSIM_PAGE_SIZE,
						    .cpu = id};
			zsim_zswap_store(z, &f, NULL);
		}
		pthread_barrier_wait(&bar);
		for (size_t i = zsim_bench_first_slot(id); i < n; i = zsim_bench_next_slot(i, nthreads))
			zsim_zswap_load_slot(z, &(struct zsim_swap_slot){.offset = i, .cpu = id}, back, NULL);
		pthread_barrier_wait(&bar);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	const char *codec = argc > 1 ? argv[1] : "lz4";
	size_t want = argc > 2 ? strtoull(argv[2], NULL, 0) : 4096;
	if (argc > 4)
		nthreads = (unsigned)atoi(argv[4]);
	if (argc > 5)
		rounds = atoi(argv[5]);
	if (nthreads < 1 || nthreads > 64 || rounds < 1) {
		fprintf(stderr, "bench_ops: threads 1..64, rounds >= 1\n");
		return 1;
	}
	pages = zsim_bench_pages(want, 42, &n);
	if (!pages)
		return 1;
	struct zsim_zswap_config cfg;
	zsim_zswap_config_init(&cfg);
	cfg.profile = argc > 3 ? argv[3] : "6.12";
	cfg.compressor = codec;
	cfg.nr_cpus = nthreads;
	cfg.ram_bytes = 1ull << 40;
	int rc = zsim_zswap_create(&cfg, &z);
	if (!rc)
		rc = zsim_zswap_swapon_memory(z, 0, n);
	if (rc) {
		fprintf(stderr, "bench_ops: %s\n", zsim_strerror(rc));
		return 1;
	}
	pthread_barrier_init(&bar, NULL, nthreads);
	pthread_t t[64];
	for (unsigned i = 0; i < nthreads; i++)
		pthread_create(&t[i], NULL, worker, (void *)(uintptr_t)i);
	for (unsigned i = 0; i < nthreads; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&bar);
	zsim_zswap_destroy(z);
	free(pages);
	return 0;
}
