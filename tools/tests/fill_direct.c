/*
 * fill_direct.c - the fill workload written straight against the library,
 * as the oracle of test_bench_fill.sh: store page i of a raw corpus at
 * slot i of swap type 0 (order 0, CPU (i / 512) mod cpus, as the bench
 * spreads its chunks), then print the library's own JSON counters. The
 * bench's report must hold exactly the same counters.
 * usage: fill_direct CORPUS PROFILE COMPRESSOR CPUS
 */
#include <stdio.h>
#include <stdlib.h>

#include "zswapsim/zswapsim.h"

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: fill_direct CORPUS PROFILE COMPRESSOR CPUS\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 3;
	}
	struct zsim_zswap_config cfg;
	zsim_zswap_config_init(&cfg);
	cfg.profile = argv[2];
	cfg.compressor = argv[3];
	cfg.nr_cpus = (unsigned)atoi(argv[4]);
	cfg.shrink_worker_inline = 1;
	struct zsim_zswap *z;
	int rc = zsim_zswap_create(&cfg, &z);
	if (rc) {
		fprintf(stderr, "zsim_zswap_create: %s\n", zsim_strerror(rc));
		return 1;
	}
	fseek(f, 0, SEEK_END);
	const long pages = ftell(f) / ZSIM_PAGE_SIZE;
	rewind(f);
	if ((rc = zsim_zswap_swapon_memory(z, 0, (uint64_t)pages))) {
		fprintf(stderr, "swapon: %s\n", zsim_strerror(rc));
		return 1;
	}
	static unsigned char page[ZSIM_PAGE_SIZE];
	for (long i = 0; i < pages; i++) {
		if (fread(page, 1, sizeof(page), f) != sizeof(page)) {
			fprintf(stderr, "%s: short read\n", argv[1]);
			return 3;
		}
		struct zsim_swap_folio fo = {
			.type = 0, .offset = (uint64_t)i, .order = 0, .data = page, .memcg = 0,
			.cpu = (unsigned)((i >> 9) % cfg.nr_cpus),
		};
		if ((rc = zsim_zswap_store(z, &fo, NULL))) {
			fprintf(stderr, "store %ld: %s\n", i, zsim_strerror(rc));
			return 1;
		}
	}
	fclose(f);
	zsim_zswap_write_json(z, stdout);
	zsim_zswap_destroy(z);
	return 0;
}
