/*
 * mm_internal.h - what the mm layer's files share: do_shrink_slab for
 * zswap's memcg-aware shrinker (mm.c's memory model and reclaim.c's
 * memory.reclaim replay).
 */
#ifndef ZSIM_MM_INTERNAL_H
#define ZSIM_MM_INTERNAL_H

#include <stdint.h>

#include "zswapsim/zswap.h"

#define ZSIM_SHRINK_BATCH 128
#define ZSIM_DEFAULT_SEEKS 2

/* do_shrink_slab for zswap's shrinker on (memcg, node 0) at `priority`:
 * delta = (count >> priority) * 4 / DEFAULT_SEEKS, plus *nr_deferred >>
 * priority, at most twice the count, scanned in batches of 128 while a
 * batch (or the whole count) is left; a batch that writes nothing back
 * ends it; the work not done goes back to *nr_deferred (capped at twice
 * the count). Returns the entries written back; *count_out (may be NULL)
 * gets the count (0: the shrinker was not called), *scanned_out (may be
 * NULL) the objects walked. */
uint64_t zsim_mm_shrink_zswap(struct zsim_zswap *z, unsigned memcg, int priority, unsigned cpu,
			      uint64_t *nr_deferred, uint64_t *count_out, uint64_t *scanned_out);

#endif
