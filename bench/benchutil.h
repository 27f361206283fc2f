/*
 * benchutil.h - timing helpers shared by the benchmarks: a monotonic clock,
 * a realistic page set, and a uniform way to print "ours vs raw" rows.
 */
#ifndef ZSIM_BENCHUTIL_H
#define ZSIM_BENCHUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "zswapsim/zswapsim.h"

/* Nanoseconds from CLOCK_MONOTONIC. */
uint64_t zsim_bench_now_ns(void);
/* CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID): what one-thread
 * comparisons use, so that time the thread spends descheduled on a busy
 * machine counts for neither side. */
uint64_t zsim_bench_cpu_ns(void);

/* A realistic page set: n pages mixing the synthetic classes in the
 * proportions of the bench tool's default ("typical" dominated, with zero,
 * text, pointer and random pages). Caller frees with free(). Also loads
 * raw 4 KiB pages from $ZSIM_BENCH_CORPUS when set. */
unsigned char *zsim_bench_pages(size_t n, uint64_t seed, size_t *n_out);

/* Thread `id` of `n` takes swap clusters id, id + n, ... of
 * ZSIM_BENCH_CLUSTER slots, as the kernel gives each CPU a swap cluster of
 * its own to allocate slots from: two threads rarely store into the same
 * tree leaf. Iterate with first_slot(id), then next_slot(i, n). */
#define ZSIM_BENCH_CLUSTER 512

static inline size_t zsim_bench_first_slot(unsigned id)
{
	return (size_t)id * ZSIM_BENCH_CLUSTER;
}

static inline size_t zsim_bench_next_slot(size_t i, unsigned n)
{
	i++;
	return i % ZSIM_BENCH_CLUSTER ? i : i + (size_t)(n - 1) * ZSIM_BENCH_CLUSTER;
}

/* Write one byte of every 4 KiB page of [p, p + bytes) so that the first
 * touch's page faults are paid here, not in a timed loop. A memset of zero
 * straight after malloc does not do this: the compiler folds the pair into
 * calloc, which leaves fresh mmap'd pages untouched. */
void zsim_bench_prefault(void *p, size_t bytes);

/* What new memory costs this machine, as the tool's allocators take it:
 * bytes (a multiple of 2 MiB) mapped in 2 MiB-aligned, huge-page-advised
 * arenas and faulted in with MADV_POPULATE_WRITE (a write per 4 KiB where
 * that is missing), then given back. Returns the wall ns per 4 KiB of that
 * first use; *reused_ns gets the same for an immediate second round, which
 * takes back the pages just freed. Both include the OS zeroing a page; on
 * a VM whose host backs guest memory lazily (or takes freed memory back)
 * the first also pays the host's fault and can cost many times the
 * second. */
double zsim_bench_fresh_memory_ns(size_t bytes, double *reused_ns);

/* Print one row: name, our figure, the raw baseline, and ours/raw. */
void zsim_bench_row(const char *bench, const char *what, double ours,
		    double raw, const char *unit);

#endif
