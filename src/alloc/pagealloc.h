/*
 * pagealloc.h - internal side of the simulated physical page allocator
 * (zswapsim/zpool.h declares the public part). zsmalloc takes its zspage
 * pages from here one order-0 page at a time, as alloc_pages_node() does.
 */
#ifndef ZSIM_ALLOC_PAGEALLOC_H
#define ZSIM_ALLOC_PAGEALLOC_H

#include "zswapsim/zpool.h"

/*
 * Allocate one simulated page (ZSIM_PAGE_SIZE bytes of real memory, its
 * content undefined) on node *nid. An out-of-range *nid (NUMA_NO_NODE
 * style, e.g. UINT_MAX) falls back to node 0; *nid is set to the node used.
 * Context: any thread; takes the calling thread's shard lock, and once
 * per PA_BATCH pages the allocator's shared lock (may map a new 2 MiB
 * arena from the OS); never sleeps otherwise.
 * Return: the page, or NULL when the fault injector fails the call
 * (ZSIM_FAULT_PAGE_ALLOC), max_pages would be exceeded, or libc is out of
 * memory; each NULL counts in zsim_page_allocator_failures().
 */
void *zsim_pa_alloc(struct zsim_page_allocator *pa, unsigned *nid);

/* Return a page from zsim_pa_alloc() to node nid (the node it came from). */
void zsim_pa_free(struct zsim_page_allocator *pa, void *page, unsigned nid);

/* Fault the first arena in now, in the caller, before any page is asked
 * for, and start the thread that prepares each next arena while the
 * current one is carved (by default that starts with the second arena):
 * setup for an owner that knows it will take pages (swapon of a large
 * device). Costs the caller one 2 MiB fault (2-4 ms on a VM). No-op once
 * an arena is mapped, and under AddressSanitizer. */
void zsim_pa_prefetch(struct zsim_page_allocator *pa);

/* Bytes mapped from the OS for pages (held, free, never used, and the
 * arena populated ahead; 0 under AddressSanitizer, where pages come from
 * malloc). Takes the shared lock. */
uint64_t zsim_pa_mapped_bytes(struct zsim_page_allocator *pa);

/* Number of simulated nodes (>= 1). */
unsigned zsim_pa_nr_nodes(const struct zsim_page_allocator *pa);

#endif
