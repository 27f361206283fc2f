/*
 * zswapsim/mm.h - a memory model that drives zswap the way the kernel's
 * reclaim does: simulated processes own regions of anonymous pages in a
 * memcg; touching a page makes it resident (charged to the memcg); when a
 * memcg goes over memory.max, or on a memory.reclaim request, its coldest
 * resident pages are swapped out through zsim_zswap_store; touching a
 * swapped page swaps it back in through zsim_zswap_load. This turns a
 * workload description into the stream of store/load/invalidate
 * operations the kernel would see.
 *
 * What it models (mm/vmscan.c, mm/memcontrol.c, heavily simplified):
 *   - memory.current = resident anon pages x 4096 + the memcg's zswap
 *     compressed bytes (zswap charges them as kernel memory), hierarchical;
 *   - reclaim takes the least recently touched resident pages of the memcg
 *     and its descendants, one SWAP_CLUSTER_MAX (32) batch per memcg per
 *     round, and runs the zswap dynamic shrinker once per round when it is
 *     enabled (shrink_slab with priority 12 down to 0, seeks 2, batch 128,
 *     the work not done deferred to the next call, per memcg);
 *     memory.reclaim gives up with ZSIM_EAGAIN after 16 rounds without
 *     progress, as the kernel's MAX_RECLAIM_RETRIES;
 *   - a swap slot is charged to the memcg (memory.swap.current, peak) from
 *     swap-out until the page is swapped in or freed;
 *   - a swapped-in page's slot is freed at once (the kernel's
 *     should_try_to_free_swap when the swap cache holds the only user).
 * Not modelled: file pages, active/inactive lists and refaults (the LRU is
 * one list by last touch), kswapd watermarks (a global RAM limit triggers
 * direct reclaim instead), THP in the memory model (order-0 pages only),
 * OOM kills (an allocation that cannot be reclaimed for returns ZSIM_ENOMEM).
 *
 * Threads: a zsim_mm is single-threaded (one simulated workload); the zswap
 * instance under it may be shared with other users.
 * Ownership: the mm borrows the zswap instance, which must outlive it.
 */
#ifndef ZSWAPSIM_MM_H
#define ZSWAPSIM_MM_H

#include <stdint.h>

#include "common.h"
#include "zswap.h"

#ifdef __cplusplus
extern "C" {
#endif

struct zsim_mm_config {
	struct zsim_zswap *zswap; /* required, borrowed */
	unsigned swap_type;       /* swapped on by the mm (default 0) */
	uint64_t swap_slots;      /* size of the swap device; default 1 Mi slots */
	int swap_file;            /* back the swap type by a real file (default
				   * 0: memory) */
	uint64_t ram_bytes;       /* global limit on resident pages; 0 = none */
	unsigned cpu;             /* simulated CPU the workload runs on */
};

struct zsim_mm;

ZSIM_API int zsim_mm_create(const struct zsim_mm_config *cfg, struct zsim_mm **out);
/* Frees every region (and their swap slots) and swaps the type off. */
ZSIM_API void zsim_mm_destroy(struct zsim_mm *mm);

/* mmap of npages anonymous pages owned by `memcg`. Pages read as zero
 * until written and are not resident until touched. */
ZSIM_API int zsim_mm_alloc(struct zsim_mm *mm, unsigned memcg, uint64_t npages,
			   uint64_t *region);
/* munmap: resident pages and swap slots are freed. */
ZSIM_API int zsim_mm_free(struct zsim_mm *mm, uint64_t region);

/* Write a whole page (data == NULL: touch for write, keep the content). */
ZSIM_API int zsim_mm_write(struct zsim_mm *mm, uint64_t region, uint64_t page,
			   const void *data);
/* Read a page into out (may be NULL: touch for read only). */
ZSIM_API int zsim_mm_read(struct zsim_mm *mm, uint64_t region, uint64_t page, void *out);

/* memory.reclaim: reclaim `bytes` from the memcg and its descendants.
 * 0 when done, ZSIM_EAGAIN when reclaim could not make enough progress
 * (as the kernel's write to memory.reclaim fails with -EAGAIN). */
ZSIM_API int zsim_mm_reclaim(struct zsim_mm *mm, unsigned memcg, uint64_t bytes);
/* madvise(MADV_PAGEOUT) of [first, first + n) of a region. */
ZSIM_API int zsim_mm_pageout(struct zsim_mm *mm, uint64_t region, uint64_t first, uint64_t n);

struct zsim_mm_memcg_stats {
	uint64_t memory_current; /* bytes: resident + zswap, hierarchical */
	uint64_t anon;           /* bytes of resident anon pages, hierarchical */
	uint64_t swap_current;   /* bytes of swap slots charged, hierarchical */
	uint64_t swap_peak;      /* high-water mark of swap_current */
	uint64_t pgscan;         /* pages scanned by reclaim (own) */
	uint64_t pgsteal;        /* pages reclaimed (own) */
	uint64_t swapouts_kept;  /* refused by zswap and kept (writeback off) */
	uint64_t oom;            /* allocations that could not be reclaimed for */
};
ZSIM_API int zsim_mm_memcg_stats(struct zsim_mm *mm, unsigned memcg,
				 struct zsim_mm_memcg_stats *st);


/* ---- memory.reclaim for callers that own their pages ------------------
 * The control flow of a write to memory.reclaim on 6.8+ with MGLRU
 * (mm/memcontrol.c memory_reclaim, mm/vmscan.c try_to_free_mem_cgroup_pages,
 * lru_gen_shrink_lruvec, shrink_slab/do_shrink_slab), for a caller that
 * keeps its own LRU and swaps its own pages out (zswapsim-kcheck replays a
 * real kernel's pages in the kernel's order):
 *   - memory_reclaim asks try_to_free_mem_cgroup_pages for a quarter of
 *     what is left (at least SWAP_CLUSTER_MAX = 32) until the request is
 *     met; 16 calls that reclaim nothing end it with ZSIM_EAGAIN;
 *   - each call walks the priorities 12 down to 0 and stops after the one
 *     that met its target. At each priority MGLRU evicts (the memcg's
 *     pages >> priority) from its oldest generation in batches of
 *     MIN_LRU_BATCH = 64, stopping once the call's target is met (where
 *     the kernel would finish the priority: src/mm/reclaim.c says why), or ages
 *     the lruvec instead (a new generation) when only MIN_NR_GENS + 1 are
 *     left (never at priority 12); then shrink_slab runs the memcg's zswap
 *     shrinker: do_shrink_slab's delta = (count >> priority) * 4 /
 *     DEFAULT_SEEKS, plus nr_deferred >> priority, capped at twice the
 *     count, scanned in batches of 128 while at least a batch (or the whole
 *     count) is left; a batch that writes nothing back ends the call; what
 *     was not scanned is deferred to the next call (per memcg, capped at
 *     twice the count);
 *   - folios zswap writes back join the memcg's LRU through the per-CPU
 *     add batch (31): a full batch arrives under writeback and is rotated
 *     to the tail of the oldest generation when its I/O completes (reclaimed
 *     next); the rest arrive at the next lru_add_drain with their I/O done,
 *     at the head of the second oldest generation. They count toward the
 *     target when reclaimed.
 * Not modelled: file pages, the memcg's descendants (the caller reclaims
 * one memcg), I/O time (a page zswap refused is written and freed within
 * its batch). The caller's pages start in the youngest generation,
 * accessed (just faulted in): the first aging keeps them young.
 * Threads: one reclaimer per simulated task; not thread-safe.
 * Ownership: borrows the zswap instance, which must outlive it.
 */
struct zsim_reclaim_ops {
	/* The memcg's pages the caller can still evict (its LRU's length). */
	uint64_t (*lru_pages)(void *arg, unsigned memcg);
	/* Evict up to nr of the memcg's coldest pages (swap them out through
	 * zsim_zswap_store): *scanned pages taken off the LRU, *reclaimed of
	 * them freed (stored by zswap), *writeback of them written to the swap
	 * device (zswap refused them): freed once their I/O is done. 0 or a
	 * negative error code, which ends the reclaim. */
	int (*evict)(void *arg, unsigned memcg, uint64_t nr, uint64_t *scanned,
		     uint64_t *reclaimed, uint64_t *writeback);
};

/* Totals over every memcg, but swapcache_left (the memcg's). */
struct zsim_reclaimer_stats {
	uint64_t calls;            /* try_to_free_mem_cgroup_pages calls */
	uint64_t priorities;       /* priority levels walked */
	uint64_t slab_calls;       /* do_shrink_slab calls with a count */
	uint64_t slab_scanned;     /* objects the shrinker walked */
	uint64_t slab_freed;       /* entries it wrote back */
	uint64_t swapcache_reclaimed; /* written-back folios reclaimed */
	uint64_t swapcache_left;   /* written-back folios not yet reclaimed */
};

struct zsim_reclaimer;

ZSIM_API int zsim_reclaimer_create(struct zsim_zswap *z, unsigned cpu,
				   struct zsim_reclaimer **out);
ZSIM_API void zsim_reclaimer_destroy(struct zsim_reclaimer *r);
/* One write of nr_pages pages to the memcg's memory.reclaim. *reclaimed
 * (may be NULL) gets what it reclaimed. 0 done, ZSIM_EAGAIN not enough
 * progress (the kernel's -EAGAIN), or the error of ops->evict. */
ZSIM_API int zsim_reclaimer_memory_reclaim(struct zsim_reclaimer *r, unsigned memcg,
					   uint64_t nr_pages, const struct zsim_reclaim_ops *ops,
					   void *arg, uint64_t *reclaimed);
ZSIM_API int zsim_reclaimer_stats(const struct zsim_reclaimer *r, unsigned memcg,
				  struct zsim_reclaimer_stats *st);

#ifdef __cplusplus
}
#endif
#endif
