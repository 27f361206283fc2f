#include "benchutil.h"

#include "common/osmem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

uint64_t zsim_bench_cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t zsim_bench_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static unsigned char *load_corpus(const char *path, size_t n, size_t *n_out)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	unsigned char *buf = malloc(n * ZSIM_PAGE_SIZE);
	size_t got = buf ? fread(buf, ZSIM_PAGE_SIZE, n, f) : 0;
	fclose(f);
	if (!got) {
		free(buf);
		return NULL;
	}
	*n_out = got;
	return buf;
}

unsigned char *zsim_bench_pages(size_t n, uint64_t seed, size_t *n_out)
{
	const char *corpus = getenv("ZSIM_BENCH_CORPUS");
	if (corpus && *corpus) {
		unsigned char *b = load_corpus(corpus, n, n_out);
		if (b)
			return b;
		fprintf(stderr, "bench: cannot read %s, using synthetic pages\n", corpus);
	}
	/* Mix per 20 pages: 10 typical, 3 text, 3 pointer, 2 mostly-zero,
	 * 1 zero, 1 random. */
	static const enum zsim_page_class mix[20] = {
		ZSIM_PAGE_TYPICAL, ZSIM_PAGE_TEXT, ZSIM_PAGE_TYPICAL, ZSIM_PAGE_POINTER,
		ZSIM_PAGE_TYPICAL, ZSIM_PAGE_MOSTLY_ZERO, ZSIM_PAGE_TYPICAL, ZSIM_PAGE_TEXT,
		ZSIM_PAGE_TYPICAL, ZSIM_PAGE_POINTER, ZSIM_PAGE_TYPICAL, ZSIM_PAGE_ZERO,
		ZSIM_PAGE_TYPICAL, ZSIM_PAGE_TEXT, ZSIM_PAGE_TYPICAL, ZSIM_PAGE_POINTER,
		ZSIM_PAGE_TYPICAL, ZSIM_PAGE_MOSTLY_ZERO, ZSIM_PAGE_TYPICAL, ZSIM_PAGE_RANDOM,
	};
	unsigned char *buf = malloc(n * ZSIM_PAGE_SIZE);
	if (!buf)
		return NULL;
	for (size_t i = 0; i < n; i++)
		zsim_page_fill(mix[i % 20], seed, i, buf + i * ZSIM_PAGE_SIZE);
	*n_out = n;
	return buf;
}

void zsim_bench_prefault(void *p, size_t bytes)
{
	volatile unsigned char *c = p;
	for (size_t i = 0; i < bytes; i += 4096)
		c[i] = 0;
}

/* One round: map and fault in every arena as the allocators do (kept, as
 * a growing pool keeps its arenas), then unmap them all; ns per 4 KiB of
 * the mapping part, or -1 if memory ran out. */
static double fresh_round(size_t bytes)
{
	const size_t n = bytes / ZSIM_OS_HUGE_SIZE;
	void **arena = calloc(n, sizeof(*arena));
	if (!arena)
		return -1;
	double ns = -1;
	size_t i = 0;
	const uint64_t t0 = zsim_bench_now_ns();
	while (i < n && (arena[i] = zsim_os_map_populated(ZSIM_OS_HUGE_SIZE)))
		i++;
	if (i == n)
		ns = (double)(zsim_bench_now_ns() - t0) / (double)(bytes / 4096);
	while (i--)
		zsim_os_unmap(arena[i], ZSIM_OS_HUGE_SIZE);
	free(arena);
	return ns;
}

double zsim_bench_fresh_memory_ns(size_t bytes, double *reused_ns)
{
	bytes = (bytes + ZSIM_OS_HUGE_SIZE - 1) / ZSIM_OS_HUGE_SIZE * ZSIM_OS_HUGE_SIZE;
	if (!bytes)
		bytes = ZSIM_OS_HUGE_SIZE;
	double first = fresh_round(bytes);
	*reused_ns = fresh_round(bytes);
	return first;
}

void zsim_bench_row(const char *bench, const char *what, double ours, double raw,
		    const char *unit)
{
	printf("%-10s %-34s %12.3f %12.3f %-8s %7.3fx\n", bench, what, ours, raw, unit,
	       raw > 0 ? ours / raw : 0.0);
}
