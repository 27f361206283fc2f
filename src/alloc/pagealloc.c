/*
 * pagealloc.c - simulated physical pages: the buddy allocator's order-0
 * alloc_pages_node()/__free_page() as zsmalloc uses them.
 *
 * What it models: every page is 4 KiB of real memory; pages are counted
 * per simulated NUMA node; a hard cap (max_pages) and the fault injector
 * (ZSIM_FAULT_PAGE_ALLOC) make allocation fail on purpose, so callers'
 * -ENOMEM paths can be reached.
 * How it differs from the kernel: no zones, orders, watermarks or reclaim;
 * a page is a plain libc allocation and its "node" is only a counter. An
 * out-of-range node falls back to node 0 (the kernel would use the local
 * node for NUMA_NO_NODE). Like the buddy allocator's per-CPU lists, freed
 * pages wait in a small cache (PA_CACHE_PAGES, 1 MiB) for the next
 * allocation, so a store/load churn does not go back to malloc and the
 * kernel's page faults each time; cached pages are not counted as held.
 */
#include "alloc/pagealloc.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#define PA_CACHE_PAGES 256

struct zsim_page_allocator {
	unsigned nr_nodes;
	uint64_t max_pages;
	struct zsim_fault_injector *fault;
	_Atomic uint64_t pages;    /* held now, all nodes */
	_Atomic uint64_t failures; /* failed attempts (injected, cap, libc) */
	pthread_mutex_t cache_lock;
	unsigned nr_cached;
	void *cache[PA_CACHE_PAGES];
	_Atomic uint64_t node_pages[]; /* held now, per node */
};

int zsim_page_allocator_create(const struct zsim_page_allocator_config *cfg,
			       struct zsim_page_allocator **out)
{
	if (!out)
		return ZSIM_EINVAL;
	*out = NULL;
	unsigned nodes = cfg && cfg->nr_nodes ? cfg->nr_nodes : 1;
	if (nodes > 1024)
		return ZSIM_EINVAL;
	struct zsim_page_allocator *pa =
		calloc(1, sizeof(*pa) + nodes * sizeof(pa->node_pages[0]));
	if (!pa)
		return ZSIM_ENOMEM;
	pa->nr_nodes = nodes;
	pthread_mutex_init(&pa->cache_lock, NULL);
	if (cfg) {
		pa->max_pages = cfg->max_pages;
		pa->fault = cfg->fault;
	}
	*out = pa;
	return 0;
}

int zsim_page_allocator_destroy(struct zsim_page_allocator *pa)
{
	if (!pa)
		return 0;
	if (atomic_load(&pa->pages))
		return ZSIM_EBUSY;
	for (unsigned i = 0; i < pa->nr_cached; i++)
		free(pa->cache[i]);
	pthread_mutex_destroy(&pa->cache_lock);
	free(pa);
	return 0;
}

uint64_t zsim_page_allocator_pages(const struct zsim_page_allocator *pa)
{
	return pa ? atomic_load_explicit(&pa->pages, memory_order_relaxed) : 0;
}

uint64_t zsim_page_allocator_node_pages(const struct zsim_page_allocator *pa, unsigned nid)
{
	if (!pa || nid >= pa->nr_nodes)
		return 0;
	return atomic_load_explicit(&pa->node_pages[nid], memory_order_relaxed);
}

uint64_t zsim_page_allocator_failures(const struct zsim_page_allocator *pa)
{
	return pa ? atomic_load_explicit(&pa->failures, memory_order_relaxed) : 0;
}

unsigned zsim_pa_nr_nodes(const struct zsim_page_allocator *pa)
{
	return pa->nr_nodes;
}

void *zsim_pa_alloc(struct zsim_page_allocator *pa, unsigned *nid)
{
	if (*nid >= pa->nr_nodes)
		*nid = 0;
	if (zsim_fault_should_fail(pa->fault, ZSIM_FAULT_PAGE_ALLOC))
		goto fail;
	uint64_t held = atomic_fetch_add_explicit(&pa->pages, 1, memory_order_relaxed) + 1;
	if (pa->max_pages && held > pa->max_pages) {
		atomic_fetch_sub_explicit(&pa->pages, 1, memory_order_relaxed);
		goto fail;
	}
	void *page = NULL;
	pthread_mutex_lock(&pa->cache_lock);
	if (pa->nr_cached)
		page = pa->cache[--pa->nr_cached];
	pthread_mutex_unlock(&pa->cache_lock);
	if (!page)
		page = malloc(ZSIM_PAGE_SIZE);
	if (!page) {
		atomic_fetch_sub_explicit(&pa->pages, 1, memory_order_relaxed);
		goto fail;
	}
	atomic_fetch_add_explicit(&pa->node_pages[*nid], 1, memory_order_relaxed);
	return page;
fail:
	atomic_fetch_add_explicit(&pa->failures, 1, memory_order_relaxed);
	return NULL;
}

void zsim_pa_free(struct zsim_page_allocator *pa, void *page, unsigned nid)
{
	if (!page)
		return;
	pthread_mutex_lock(&pa->cache_lock);
	if (pa->nr_cached < PA_CACHE_PAGES) {
		pa->cache[pa->nr_cached++] = page;
		page = NULL;
	}
	pthread_mutex_unlock(&pa->cache_lock);
	free(page);
	atomic_fetch_sub_explicit(&pa->node_pages[nid], 1, memory_order_relaxed);
	atomic_fetch_sub_explicit(&pa->pages, 1, memory_order_relaxed);
}
