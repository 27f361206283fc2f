/*
 * zram_run.h - `--frontend zram` for run and compare (zram_run.c).
 */
#ifndef ZSIM_BENCH_ZRAM_RUN_H
#define ZSIM_BENCH_ZRAM_RUN_H

#include <stdbool.h>

/* True when the command line names the zram frontend (--frontend zram,
 * --frontend=zram, or zram in a comma list). */
bool bench_zram_requested(int argc, char **argv);
/* run / compare with zram (and zswap side by side in compare). Exit code. */
int bench_zram_main(int argc, char **argv);

#endif
