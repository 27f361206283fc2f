/*
 * bench_tree.c - the entry tree (src/tree/xtree.c): ns per store, load and
 * erase over 1M entries, dense (ascending offsets), random order over the
 * same dense range, and sparse random (1M offsets among 64M slots), each
 * next to the ideal measured in the same run: a plain array indexed by
 * offset. Also the per-tree lock (mutex vs spinlock, uncontended), the way
 * zswap uses trees (one per 16384 slots), and tree bytes per entry for
 * dense and sparse patterns.
 *
 * Columns: bench, what, ours, raw (the array), unit, ours/raw.
 */
#include "benchutil.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "common/rand.h"
#include "tree/xtree.h"

#define N (1u << 20)
#define SPARSE_SPAN (UINT64_C(1) << 26)
#define BASE (UINT64_C(16384) * 1000)
#define CHUNK 16384

static volatile uintptr_t sink;

static void *E(uint64_t i)
{
	return (void *)(uintptr_t)(4 * (i + 1));
}

static void die(const char *what)
{
	fprintf(stderr, "bench_tree: %s failed\n", what);
	exit(1);
}

static double per_op(uint64_t t0, uint64_t n)
{
	return (double)(zsim_bench_now_ns() - t0) / (double)n;
}

/* ---- the lock -------------------------------------------------------- */

static void bench_locks(void)
{
	const unsigned iters = 20u * 1000 * 1000;
	pthread_mutex_t m;
	pthread_spinlock_t s;
	pthread_mutex_init(&m, NULL);
	pthread_spin_init(&s, PTHREAD_PROCESS_PRIVATE);
	double best_m = 1e9, best_s = 1e9;
	for (int rep = 0; rep < 3; rep++) {
		uint64_t t0 = zsim_bench_now_ns();
		for (unsigned i = 0; i < iters; i++) {
			pthread_mutex_lock(&m);
			sink++;
			pthread_mutex_unlock(&m);
		}
		double a = per_op(t0, iters);
		t0 = zsim_bench_now_ns();
		for (unsigned i = 0; i < iters; i++) {
			pthread_spin_lock(&s);
			sink++;
			pthread_spin_unlock(&s);
		}
		double b = per_op(t0, iters);
		best_m = a < best_m ? a : best_m;
		best_s = b < best_s ? b : best_s;
	}
	zsim_bench_row("tree", "lock+unlock: mutex vs spinlock", best_m, best_s, "ns/op");
	pthread_mutex_destroy(&m);
	pthread_spin_destroy(&s);
}

/* ---- one pattern: store, load, erase, against the array -------------- */

static double tree_store_all(struct zsim_xtree *t, const uint64_t *idx, size_t n)
{
	uint64_t t0 = zsim_bench_now_ns();
	for (size_t i = 0; i < n; i++) {
		void *old;
		if (zsim_xtree_store(t, idx[i], E(i), &old))
			die("store");
		sink += (uintptr_t)old;
	}
	return per_op(t0, n);
}

static void bench_pattern(const char *name, const uint64_t *idx, size_t n, uint64_t lo,
			  uint64_t span)
{
	char what[64];
	struct zsim_xtree *t;
	if (zsim_xtree_create(ZSIM_XTREE_DEFAULT_SHIFT, NULL, &t))
		die("create");
	void **arr = calloc(span, sizeof(void *));
	if (!arr)
		die("calloc");
	zsim_bench_prefault(arr, span * sizeof(void *));

	/* First pass: the heap grows, nodes come from fresh pages. */
	double cold = tree_store_all(t, idx, n);
	for (size_t i = 0; i < n; i++)
		zsim_xtree_erase(t, idx[i]);
	double ours = tree_store_all(t, idx, n);
	uint64_t t0 = zsim_bench_now_ns();
	for (size_t i = 0; i < n; i++) {
		void **slot = &arr[idx[i] - lo];
		sink += (uintptr_t)*slot;
		*slot = E(i);
	}
	double raw = per_op(t0, n);
	snprintf(what, sizeof(what), "store %s", name);
	zsim_bench_row("tree", what, ours, raw, "ns/op");
	snprintf(what, sizeof(what), "store %s, cold heap", name);
	zsim_bench_row("tree", what, cold, raw, "ns/op");

	size_t bytes = zsim_xtree_memory(t);
	uint64_t cnt = zsim_xtree_count(t); /* sparse picks may repeat */

	t0 = zsim_bench_now_ns();
	for (size_t i = 0; i < n; i++)
		sink += (uintptr_t)zsim_xtree_load(t, idx[i]);
	ours = per_op(t0, n);
	t0 = zsim_bench_now_ns();
	for (size_t i = 0; i < n; i++)
		sink += (uintptr_t)arr[idx[i] - lo];
	raw = per_op(t0, n);
	snprintf(what, sizeof(what), "load %s", name);
	zsim_bench_row("tree", what, ours, raw, "ns/op");
	/* The same array behind a mutex: a locked instruction per call stops
	 * the CPU from overlapping one call's cache misses with the next's. */
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	t0 = zsim_bench_now_ns();
	for (size_t i = 0; i < n; i++) {
		pthread_mutex_lock(&m);
		sink += (uintptr_t)arr[idx[i] - lo];
		pthread_mutex_unlock(&m);
	}
	raw = per_op(t0, n);
	snprintf(what, sizeof(what), "load %s vs array+mutex", name);
	zsim_bench_row("tree", what, ours, raw, "ns/op");

	t0 = zsim_bench_now_ns();
	for (size_t i = 0; i < n; i++)
		sink += (uintptr_t)zsim_xtree_erase(t, idx[i]);
	ours = per_op(t0, n);
	t0 = zsim_bench_now_ns();
	for (size_t i = 0; i < n; i++) {
		void **slot = &arr[idx[i] - lo];
		sink += (uintptr_t)*slot;
		*slot = NULL;
	}
	raw = per_op(t0, n);
	snprintf(what, sizeof(what), "erase %s", name);
	zsim_bench_row("tree", what, ours, raw, "ns/op");
	if (!zsim_xtree_empty(t))
		die("erase all");

	snprintf(what, sizeof(what), "bytes/entry %s", name);
	zsim_bench_row("tree", what, (double)bytes / (double)cnt,
		       (double)span * sizeof(void *) / (double)cnt, "B/entry");
	zsim_xtree_destroy(t);
	free(arr);
}

/* zswap's layout: trees[offset >> 14], each indexed by the full offset. */
static void bench_zswap_layout(const uint64_t *idx, size_t n)
{
	const size_t ntrees = N / CHUNK;
	struct zsim_xtree *trees[N / CHUNK];
	for (size_t i = 0; i < ntrees; i++)
		if (zsim_xtree_create(ZSIM_XTREE_DEFAULT_SHIFT, NULL, &trees[i]))
			die("create");
	void **arr = calloc(N, sizeof(void *));
	if (!arr)
		die("calloc");
	zsim_bench_prefault(arr, N * sizeof(void *));
	for (int warm = 0; warm < 2; warm++) /* grow the heap once */
		for (size_t i = 0; i < n; i++) {
			struct zsim_xtree *t = trees[idx[i] / CHUNK];
			if (!warm && zsim_xtree_store(t, BASE + idx[i], E(i), NULL))
				die("store");
			if (warm)
				zsim_xtree_erase(t, BASE + idx[i]);
		}
	uint64_t t0 = zsim_bench_now_ns();
	for (size_t i = 0; i < n; i++) {
		void *old;
		if (zsim_xtree_store(trees[idx[i] / CHUNK], BASE + idx[i], E(i), &old))
			die("store");
		sink += (uintptr_t)old;
	}
	double st = per_op(t0, n);
	t0 = zsim_bench_now_ns();
	for (size_t i = 0; i < n; i++)
		sink += (uintptr_t)zsim_xtree_load(trees[idx[i] / CHUNK], BASE + idx[i]);
	double ld = per_op(t0, n);
	size_t bytes = 0;
	for (size_t i = 0; i < ntrees; i++)
		bytes += zsim_xtree_memory(trees[i]);
	t0 = zsim_bench_now_ns();
	for (size_t i = 0; i < n; i++)
		sink += (uintptr_t)zsim_xtree_erase(trees[idx[i] / CHUNK], BASE + idx[i]);
	double er = per_op(t0, n);
	/* Array baseline, same order. */
	t0 = zsim_bench_now_ns();
	for (size_t i = 0; i < n; i++) {
		sink += (uintptr_t)arr[idx[i]];
		arr[idx[i]] = E(i);
	}
	double rst = per_op(t0, n);
	t0 = zsim_bench_now_ns();
	for (size_t i = 0; i < n; i++)
		sink += (uintptr_t)arr[idx[i]];
	double rld = per_op(t0, n);
	t0 = zsim_bench_now_ns();
	for (size_t i = 0; i < n; i++) {
		sink += (uintptr_t)arr[idx[i]];
		arr[idx[i]] = NULL;
	}
	double rer = per_op(t0, n);
	zsim_bench_row("tree", "store 64 trees/16384, random", st, rst, "ns/op");
	zsim_bench_row("tree", "load 64 trees/16384, random", ld, rld, "ns/op");
	zsim_bench_row("tree", "erase 64 trees/16384, random", er, rer, "ns/op");
	zsim_bench_row("tree", "bytes/entry 64 trees/16384", (double)bytes / (double)n, 8.0,
		       "B/entry");
	for (size_t i = 0; i < ntrees; i++)
		zsim_xtree_destroy(trees[i]);
	free(arr);
}

/* ---- memory per entry for dense and sparse fills of one chunk -------- */

static void chunk_fill(const char *name, unsigned shift, uint64_t stride, double fraction,
		       uint64_t seed)
{
	struct zsim_xtree *t;
	struct zsim_rng r;
	zsim_rng_seed(&r, seed);
	if (zsim_xtree_create(shift, NULL, &t))
		die("create");
	uint64_t n = 0;
	for (uint64_t i = 0; i < CHUNK; i += stride) {
		if (fraction < 1.0 && zsim_rng_double(&r) >= fraction)
			continue;
		if (zsim_xtree_store(t, BASE + i, E(i), NULL))
			die("store");
		n++;
	}
	char what[64];
	snprintf(what, sizeof(what), "bytes/entry chunk %s sh%u", name, shift);
	zsim_bench_row("tree", what, (double)zsim_xtree_memory(t) / (double)n,
		       (double)CHUNK * sizeof(void *) / (double)n, "B/entry");
	zsim_xtree_destroy(t);
}

#ifdef __GLIBC__
/* What malloc really hands out for a dense 1M-entry tree, per entry. */
static void malloc_real(const uint64_t *idx, size_t n)
{
	struct zsim_xtree *t;
	struct mallinfo2 a = mallinfo2();
	if (zsim_xtree_create(ZSIM_XTREE_DEFAULT_SHIFT, NULL, &t))
		die("create");
	for (size_t i = 0; i < n; i++)
		if (zsim_xtree_store(t, idx[i], E(i), NULL))
			die("store");
	struct mallinfo2 b = mallinfo2();
	double real = (double)((b.uordblks + b.hblkhd) - (a.uordblks + a.hblkhd)) / (double)n;
	zsim_bench_row("tree", "bytes/entry dense 1M (malloc)", real,
		       (double)zsim_xtree_memory(t) / (double)n, "B/entry");
	zsim_xtree_destroy(t);
}
#endif

int main(void)
{
#ifdef __GLIBC__
	/* Keep freed node memory in the heap between passes, as a long-running
	 * process would, instead of trimming it back to the kernel. */
	mallopt(M_TRIM_THRESHOLD, 1 << 30);
	mallopt(M_MMAP_THRESHOLD, 1 << 30);
#endif
	uint64_t *dense = malloc(N * sizeof(uint64_t));
	uint64_t *shuf = malloc(N * sizeof(uint64_t));
	uint64_t *sparse = malloc(N * sizeof(uint64_t));
	uint64_t *perm = malloc(N * sizeof(uint64_t));
	if (!dense || !shuf || !sparse || !perm)
		die("malloc");
	struct zsim_rng r;
	zsim_rng_seed(&r, 20261121);
	for (uint64_t i = 0; i < N; i++) {
		dense[i] = BASE + i;
		perm[i] = i;
	}
	for (uint64_t i = N - 1; i > 0; i--) {
		uint64_t j = zsim_rng_below(&r, i + 1), x = perm[i];
		perm[i] = perm[j];
		perm[j] = x;
	}
	for (uint64_t i = 0; i < N; i++) {
		shuf[i] = BASE + perm[i];
		sparse[i] = BASE + zsim_rng_below(&r, SPARSE_SPAN);
	}

	printf("%-10s %-34s %12s %12s %-8s %8s\n", "bench", "what", "ours", "raw", "unit",
	       "ratio");
	bench_locks();
	bench_pattern("dense 1M", dense, N, BASE, N);
	bench_pattern("random 1M dense", shuf, N, BASE, N);
	bench_pattern("sparse 1M in 64M", sparse, N, BASE, SPARSE_SPAN);
	bench_zswap_layout(perm, N);
#ifdef __GLIBC__
	malloc_real(dense, N);
#endif
	chunk_fill("dense", 6, 1, 1.0, 1);
	chunk_fill("every 2nd", 6, 2, 1.0, 1);
	chunk_fill("every 64th", 6, 64, 1.0, 1);
	chunk_fill("random 50%", 6, 1, 0.5, 1);
	chunk_fill("random 10%", 6, 1, 0.1, 1);
	chunk_fill("random 1%", 6, 1, 0.01, 1);
	chunk_fill("dense", 4, 1, 1.0, 1);
	chunk_fill("random 10%", 4, 1, 0.1, 1);
	chunk_fill("dense", 8, 1, 1.0, 1);
	free(dense);
	free(shuf);
	free(sparse);
	free(perm);
	return 0;
}
