/*
 * test_pagealloc_threads.c - the page allocator under real threads: each
 * thread allocates and frees pages in bursts larger than a shard keeps,
 * and half of what it frees was allocated by its neighbour, so pages move
 * between threads' shards through the shared list. Every page a thread
 * holds carries its owner's pattern; any page handed to two owners at
 * once, or lost, shows up as a wrong pattern or a wrong count. And many
 * threads growing an allocator whose next arena is being faulted in by
 * its thread at once: each waits for that arena, and the first to wake
 * takes it; the others take from it rather than adding one each (which
 * once wrote past the end of the arena list: heap corruption). Runs under
 * TSan in CI (the name matches 'thread').
 */
#include "testutil.h"

#include <pthread.h>

#include "alloc/pagealloc.h"
#include "common/rand.h"

enum { THREADS = 4, ROUNDS = 40, BURST = 200 };

struct worker {
	struct zsim_page_allocator *pa;
	unsigned id;
	uint64_t seed;
	void *mine[BURST];
	/* Pages this thread hands to the next one, and takes from the previous. */
	void *handoff[BURST / 2];
	pthread_barrier_t *bar;
	struct worker *next;
	int bad;
};

static void stamp(void *page, unsigned id, unsigned i)
{
	uint32_t v = id << 16 | i;
	for (size_t k = 0; k < ZSIM_PAGE_SIZE / 4; k += 97)
		memcpy((unsigned char *)page + k * 4, &v, 4);
}

static int check(const void *page, unsigned id, unsigned i)
{
	uint32_t v = id << 16 | i, got;
	for (size_t k = 0; k < ZSIM_PAGE_SIZE / 4; k += 97) {
		memcpy(&got, (const unsigned char *)page + k * 4, 4);
		if (got != v)
			return 1;
	}
	return 0;
}

static void *run(void *arg)
{
	struct worker *w = arg;
	struct zsim_rng rng;
	zsim_rng_seed(&rng, w->seed);
	for (unsigned r = 0; r < ROUNDS; r++) {
		unsigned n = BURST / 2 + (unsigned)zsim_rng_below(&rng, BURST / 2 + 1);
		for (unsigned i = 0; i < n; i++) {
			unsigned nid = 0;
			w->mine[i] = zsim_pa_alloc(w->pa, &nid);
			if (!w->mine[i]) {
				w->bad++;
				n = i;
				break;
			}
			stamp(w->mine[i], w->id, i);
		}
		for (unsigned i = 0; i < n; i++)
			w->bad += check(w->mine[i], w->id, i);
		/* First half to the neighbour, the rest freed here. */
		unsigned give = n / 2;
		for (unsigned i = 0; i < give; i++)
			w->handoff[i] = w->mine[i];
		for (unsigned i = give; i < BURST / 2; i++)
			w->handoff[i] = NULL;
		for (unsigned i = give; i < n; i++)
			zsim_pa_free(w->pa, w->mine[i], 0);
		pthread_barrier_wait(w->bar);
		/* Free what the previous thread handed over (its id stamped). */
		struct worker *prev = w;
		while (prev->next != w)
			prev = prev->next;
		for (unsigned i = 0; i < BURST / 2 && prev->handoff[i]; i++) {
			w->bad += check(prev->handoff[i], prev->id, i);
			zsim_pa_free(w->pa, prev->handoff[i], 0);
		}
		pthread_barrier_wait(w->bar);
	}
	return NULL;
}

static void test_threads_churn(void **state)
{
	(void)state;
	struct zsim_page_allocator *pa;
	assert_int_equal(zsim_page_allocator_create(NULL, &pa), 0);
	pthread_barrier_t bar;
	pthread_barrier_init(&bar, NULL, THREADS);
	struct worker *w = calloc(THREADS, sizeof(*w));
	assert_non_null(w);
	pthread_t t[THREADS];
	uint64_t seed = zsim_test_seed();
	for (unsigned i = 0; i < THREADS; i++)
		w[i] = (struct worker){.pa = pa, .id = i + 1, .seed = seed + i, .bar = &bar,
				       .next = &w[(i + 1) % THREADS]};
	for (unsigned i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, run, &w[i]), 0);
	for (unsigned i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	for (unsigned i = 0; i < THREADS; i++)
		assert_int_equal(w[i].bad, 0);
	assert_int_equal(zsim_page_allocator_pages(pa), 0);
	/* Peak use is at most THREADS x BURST pages; the footprint stays near it. */
	uint64_t mapped = zsim_pa_mapped_bytes(pa);
	if (mapped)
		assert_true(mapped <= (uint64_t)THREADS * BURST * ZSIM_PAGE_SIZE + (8u << 20));
	assert_int_equal(zsim_page_allocator_destroy(pa), 0);
	pthread_barrier_destroy(&bar);
	free(w);
}

enum { GROW_THREADS = 8, GROW_PAGES = 2048 }; /* 32 arenas of 2 MiB in all */

struct grower {
	struct zsim_page_allocator *pa;
	pthread_barrier_t *bar;
	void *pages[GROW_PAGES];
	int bad;
};

static void *grow(void *arg)
{
	struct grower *g = arg;
	pthread_barrier_wait(g->bar);
	for (unsigned i = 0; i < GROW_PAGES; i++) {
		unsigned nid = 0;
		g->pages[i] = zsim_pa_alloc(g->pa, &nid);
		if (!g->pages[i]) {
			g->bad++;
			break;
		}
		*(volatile uintptr_t *)g->pages[i] = (uintptr_t)g->pages[i];
	}
	return NULL;
}

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t) * (void *const *)a, y = (uintptr_t) * (void *const *)b;
	return x < y ? -1 : x > y;
}

static void test_threads_grow_together(void **state)
{
	(void)state;
	for (int round = 0; round < 4; round++) {
		struct zsim_page_allocator *pa;
		assert_int_equal(zsim_page_allocator_create(NULL, &pa), 0);
		zsim_pa_prefetch(pa); /* the first arena now, its thread from then on */
		pthread_barrier_t bar;
		pthread_barrier_init(&bar, NULL, GROW_THREADS);
		struct grower *g = calloc(GROW_THREADS, sizeof(*g));
		void **all = malloc(sizeof(void *) * GROW_THREADS * GROW_PAGES);
		assert_non_null(g);
		assert_non_null(all);
		pthread_t t[GROW_THREADS];
		for (unsigned i = 0; i < GROW_THREADS; i++) {
			g[i] = (struct grower){.pa = pa, .bar = &bar};
			assert_int_equal(pthread_create(&t[i], NULL, grow, &g[i]), 0);
		}
		for (unsigned i = 0; i < GROW_THREADS; i++)
			pthread_join(t[i], NULL);
		size_t n = 0;
		for (unsigned i = 0; i < GROW_THREADS; i++) {
			assert_int_equal(g[i].bad, 0);
			for (unsigned k = 0; k < GROW_PAGES; k++) {
				/* still the value its owner wrote: no page given twice */
				assert_true(*(uintptr_t *)g[i].pages[k] == (uintptr_t)g[i].pages[k]);
				all[n++] = g[i].pages[k];
			}
		}
		qsort(all, n, sizeof(*all), cmp_ptr);
		for (size_t k = 1; k < n; k++)
			assert_true(all[k] != all[k - 1]);
		/* 32 arenas' worth of pages: dense, plus the one prepared ahead
		 * and the shards' unfinished batches (32 pages each). An arena
		 * added by every waiting thread would show here (it left the
		 * arena just added mostly unused). */
		if (zsim_pa_mapped_bytes(pa))
			assert_true(zsim_pa_mapped_bytes(pa) <= (uint64_t)(32 + 2) * (2u << 20));
		for (size_t k = 0; k < n; k++)
			zsim_pa_free(pa, all[k], 0);
		assert_int_equal(zsim_page_allocator_destroy(pa), 0);
		pthread_barrier_destroy(&bar);
		free(all);
		free(g);
	}
}

int main(void)
{
	zsim_test_seed();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threads_churn),
		cmocka_unit_test(test_threads_grow_together),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
