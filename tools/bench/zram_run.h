/*
 * zram_run.h - `--frontend zram` for run and compare (zram_run.c), and
 * the zram replay that `size` shares with them.
 */
#ifndef ZSIM_BENCH_ZRAM_RUN_H
#define ZSIM_BENCH_ZRAM_RUN_H

#include <stdbool.h>

#include "bench.h"

/* True when the command line names the zram frontend (--frontend zram,
 * --frontend=zram, or zram in a comma list). */
bool bench_zram_requested(int argc, char **argv);
/* run / compare with zram (and zswap side by side in compare). Exit code. */
int bench_zram_main(int argc, char **argv);

#define BENCH_ZRAM_MARKS 8

/* One replay into a zram device (or, in compare, into zswap). */
struct bench_zram_result {
	/* in: frontend name, profile (NULL = 6.12), comp_algorithm (NULL =
	 * the profile's default; set to it by the replay), simulated CPUs
	 * (0 = 2), progress bar allowed */
	const char *frontend, *profile, *compressor;
	unsigned nr_cpus;
	bool progress;
	/* out */
	int status;
	char err[256];
	/* zram */
	struct zsim_zram_stats zs;
	char mm_stat[160], io_stat[80], bd_stat[80], debug_stat[80];
	uint64_t other_types, refused, verify_mismatch, loads_missed, header;
	uint64_t beyond;        /* pages stored past disksize: not on the device */
	/* the counters at each mark event (trace op mark), in order */
	uint64_t mark_id[BENCH_ZRAM_MARKS];
	struct zsim_zram_stats mark_stats[BENCH_ZRAM_MARKS];
	size_t nmarks;
	/* zswap */
	struct zsim_zswap_stats ws;
	/* common */
	uint64_t stored_pages, pool_bytes, to_disk;
	struct bench_hist store, load;
	double wall_s;
};

/* Replay the input's events into one zram device used as swap type 0:
 * mem_limit (0 = none), disksize (0 = the largest slot the input uses),
 * --verify. r->store and r->load must be initialised (bench_hist_init).
 * Sets r->status (0 or a BX_* code, with r->err). */
void bench_zram_replay(const struct bench_input *in, uint64_t mem_limit, uint64_t disksize,
		       bool verify, struct bench_zram_result *r);

#endif
