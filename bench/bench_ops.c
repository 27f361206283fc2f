/*
 * bench_ops.c - a fixed amount of zswap work for instruction counting
 * (bench/instr runs it under callgrind): store every page of the bench
 * page set, load every page back, twice, on one thread. Instruction counts
 * do not depend on what else the machine runs, so bench/instr's
 * "instructions of zsim_zswap_store / instructions of the codec's compress"
 * is the noise-free form of bench_zswap's time ratio (it leaves out cache
 * misses, which bench_zswap includes).
 *
 * Usage: bench_ops [codec (lz4)] [pages (4096)] [profile (6.12)].
 */
#include <stdio.h>
#include <stdlib.h>

#include "benchutil.h"

int main(int argc, char **argv)
{
	const char *codec = argc > 1 ? argv[1] : "lz4";
	size_t want = argc > 2 ? strtoull(argv[2], NULL, 0) : 4096, n;
	unsigned char *pages = zsim_bench_pages(want, 42, &n);
	if (!pages)
		return 1;
	struct zsim_zswap_config cfg;
	zsim_zswap_config_init(&cfg);
	cfg.profile = argc > 3 ? argv[3] : "6.12";
	cfg.compressor = codec;
	cfg.nr_cpus = 1;
	cfg.ram_bytes = 1ull << 40;
	struct zsim_zswap *z;
	int rc = zsim_zswap_create(&cfg, &z);
	if (!rc)
		rc = zsim_zswap_swapon_memory(z, 0, n);
	if (rc) {
		fprintf(stderr, "bench_ops: %s\n", zsim_strerror(rc));
		return 1;
	}
	unsigned char back[ZSIM_PAGE_SIZE];
	for (int round = 0; round < 2; round++) {
		for (size_t i = 0; i < n; i++) {
			struct zsim_swap_folio f = {.offset = i, .data = pages + i * ZSIM_PAGE_SIZE};
			zsim_zswap_store(z, &f, NULL);
		}
		for (size_t i = 0; i < n; i++)
			zsim_zswap_load(z, 0, i, 0, 0, back, NULL);
	}
	zsim_zswap_destroy(z);
	free(pages);
	return 0;
}
