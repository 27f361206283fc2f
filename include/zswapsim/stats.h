/*
 * zswapsim/stats.h - every counter the simulator reports, under the
 * kernel's own names, from one X-macro list that drives the stats struct,
 * the JSON report and docs/counters.md.
 *
 * Each entry: X(name, kind, profiles, "when it moves")
 *   kind      C (event counter, only grows) or G (gauge, goes up and down)
 *   profiles  the kernel profiles that have this counter (ZSIM_P_* bits);
 *             reports list a counter only where the profile has it.
 */
#ifndef ZSWAPSIM_STATS_H
#define ZSWAPSIM_STATS_H

#include <stdint.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Profile bits (see zswapsim/zswap.h and docs/profiles.md). */
#define ZSIM_P_6_1 (1u << 0)
#define ZSIM_P_6_12 (1u << 1)
#define ZSIM_P_6_13 (1u << 2)
#define ZSIM_P_6_18 (1u << 3)
#define ZSIM_P_LATEST (1u << 4)
#define ZSIM_P_ALL (ZSIM_P_6_1 | ZSIM_P_6_12 | ZSIM_P_6_13 | ZSIM_P_6_18 | ZSIM_P_LATEST)
#define ZSIM_P_6_8_PLUS (ZSIM_P_6_12 | ZSIM_P_6_13 | ZSIM_P_6_18 | ZSIM_P_LATEST)
#define ZSIM_P_6_18_PLUS (ZSIM_P_6_18 | ZSIM_P_LATEST)

/* /sys/kernel/debug/zswap/ */
#define ZSIM_ZSWAP_DEBUGFS_COUNTERS(X) \
	X(pool_limit_hit, C, ZSIM_P_ALL, "a store found the pool at or over max_pool_percent") \
	X(reject_reclaim_fail, C, ZSIM_P_ALL, "a writeback attempt failed (6.1: the shrink before a store failed)") \
	X(reject_alloc_fail, C, ZSIM_P_ALL, "zsmalloc or an entry-tree node could not be allocated") \
	X(reject_kmemcache_fail, C, ZSIM_P_ALL, "the zswap_entry could not be allocated") \
	X(reject_compress_fail, C, ZSIM_P_6_8_PLUS, "the compressor failed, or its output did not fit (6.8+)") \
	X(reject_compress_poor, C, ZSIM_P_ALL, "the allocator refused the compressed size with -ENOSPC") \
	X(written_back_pages, C, ZSIM_P_ALL, "an entry was written back to the swap device") \
	X(decompress_fail, C, ZSIM_P_6_18_PLUS, "a load or writeback could not decompress an entry") \
	X(duplicate_entry, C, ZSIM_P_6_1, "a store found an entry already in the slot (6.1)") \
	X(pool_total_size, G, ZSIM_P_ALL, "bytes: pages held by the allocator pools of all pools x 4096") \
	X(stored_pages, G, ZSIM_P_ALL, "entries currently in zswap (incl. same-filled and raw)") \
	X(same_filled_pages, G, ZSIM_P_6_1, "entries of one repeated word, holding no pool memory (6.1)") \
	X(stored_incompressible_pages, G, ZSIM_P_6_18_PLUS, "entries stored raw because they did not compress (6.18+)")

/* /proc/vmstat */
#define ZSIM_VMSTAT_COUNTERS(X) \
	X(zswpout, C, ZSIM_P_ALL, "pages stored into zswap") \
	X(zswpin, C, ZSIM_P_ALL, "pages loaded from zswap") \
	X(zswpwb, C, ZSIM_P_6_8_PLUS, "pages written back from zswap to the swap device") \
	X(pswpout, C, ZSIM_P_ALL, "pages written to the swap device (zswap refused them, or writeback)") \
	X(pswpin, C, ZSIM_P_ALL, "pages read from the swap device") \
	X(swpout_zero, C, ZSIM_P_6_12 | ZSIM_P_6_13 | ZSIM_P_6_18_PLUS, "zero-filled pages kept in the swap zeromap, never reaching zswap") \
	X(swpin_zero, C, ZSIM_P_6_12 | ZSIM_P_6_13 | ZSIM_P_6_18_PLUS, "pages swapped in from the zeromap") \
	X(mthp_zswpout, C, ZSIM_P_6_13 | ZSIM_P_6_18_PLUS, "large folios stored in zswap (sum of the per-size mTHP zswpout stats)") \
	X(mthp_swpout, C, ZSIM_P_6_12 | ZSIM_P_6_13 | ZSIM_P_6_18_PLUS, "large folios written to the swap device whole (sum of the per-size mTHP swpout stats)")

/* memory.stat of a memcg (hierarchical: a parent includes its children) */
#define ZSIM_MEMCG_COUNTERS(X) \
	X(zswap, G, ZSIM_P_ALL, "bytes: compressed bytes charged (sum of entry lengths)") \
	X(zswapped, G, ZSIM_P_ALL, "bytes: pages in zswap x 4096") \
	X(zswpout, C, ZSIM_P_ALL, "pages of this memcg stored into zswap") \
	X(zswpin, C, ZSIM_P_ALL, "pages of this memcg loaded from zswap") \
	X(zswpwb, C, ZSIM_P_6_8_PLUS, "pages of this memcg written back") \
	X(zswap_incomp, G, ZSIM_P_LATEST, "entries of this memcg stored raw (2026)")

#define ZSIM_STATS_FIELD_(name, kind, profiles, desc) uint64_t name;

/* debugfs + vmstat, one snapshot. */
struct zsim_zswap_stats {
	ZSIM_ZSWAP_DEBUGFS_COUNTERS(ZSIM_STATS_FIELD_)
	ZSIM_VMSTAT_COUNTERS(ZSIM_STATS_FIELD_)
};

struct zsim_memcg_stats {
	ZSIM_MEMCG_COUNTERS(ZSIM_STATS_FIELD_)
};

#ifdef __cplusplus
}
#endif
#endif
