/*
 * zswapsim/fault.h - failure injection at every fallible step, so that
 * every reject path of the kernel (reject_kmemcache_fail, reject_alloc_fail,
 * reject_compress_fail, a failed device write ...) can be reached on
 * purpose, as sqlite's anomaly tests do.
 *
 * An injector is a set of rules, one per injection point. Components that
 * are given an injector (zsmalloc's page allocator, the zswap instance ...)
 * ask it before each fallible step; with no injector nothing ever fails.
 * Rules can fail exactly the Nth call, every Nth call, or each call with a
 * probability from a seeded stream. Calls and failures are counted per
 * point, which is how a test sweeps "fail at call 1, 2, ... N". Calls are
 * counted only while some rule is active; to count without failing, set a
 * rule with nth = UINT64_MAX.
 *
 * Threads: all functions are thread-safe; rule changes take effect for the
 * calls that start after them.
 * Ownership: the creator owns the injector; it must outlive every component
 * it was given to.
 */
#ifndef ZSWAPSIM_FAULT_H
#define ZSWAPSIM_FAULT_H

#include <stdint.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

enum zsim_fault_point {
	ZSIM_FAULT_PAGE_ALLOC,     /* a simulated physical page (zspage page) */
	ZSIM_FAULT_ZS_HANDLE,      /* zsmalloc handle cell (zs_handle slab) */
	ZSIM_FAULT_ZS_DESC,        /* zspage descriptor (zspage slab) */
	ZSIM_FAULT_ENTRY_ALLOC,    /* zswap_entry slab (reject_kmemcache_fail) */
	ZSIM_FAULT_TREE_NODE,      /* entry tree node (xa_store -ENOMEM) */
	ZSIM_FAULT_COMPRESS,       /* the compressor returns an error */
	ZSIM_FAULT_DECOMPRESS,     /* the decompressor returns an error */
	ZSIM_FAULT_DEV_WRITE,      /* backing swap device write */
	ZSIM_FAULT_DEV_READ,       /* backing swap device read */
	ZSIM_FAULT_LRU_ALLOC,      /* memcg list_lru sublist allocation */
	ZSIM_FAULT_POOL_CREATE,    /* zswap pool creation (compressor switch) */
	ZSIM_FAULT_WB_FOLIO,       /* writeback's swapcache folio allocation */
	ZSIM_FAULT_POINT_COUNT
};

struct zsim_fault_rule {
	uint64_t nth;       /* fail exactly the nth call (1-based); 0 = off */
	uint64_t every;     /* fail every `every`-th call; 0 = off */
	double probability; /* fail each call with this probability, 0..1 (NaN
			     * is ZSIM_EINVAL from zsim_fault_set); 0 = off */
	uint64_t seed;      /* seed of the probability stream */
	uint64_t max_failures; /* stop failing after this many; 0 = no cap */
};

struct zsim_fault_injector;

ZSIM_API int zsim_fault_create(struct zsim_fault_injector **out);
ZSIM_API void zsim_fault_destroy(struct zsim_fault_injector *f);
/* Set (or with rule == NULL, clear) the rule of one point; resets that
 * point's call and failure counts. */
ZSIM_API int zsim_fault_set(struct zsim_fault_injector *f,
			    enum zsim_fault_point point,
			    const struct zsim_fault_rule *rule);
/* Clear every rule and count. */
ZSIM_API void zsim_fault_reset(struct zsim_fault_injector *f);
ZSIM_API uint64_t zsim_fault_calls(const struct zsim_fault_injector *f,
				   enum zsim_fault_point point);
ZSIM_API uint64_t zsim_fault_failures(const struct zsim_fault_injector *f,
				      enum zsim_fault_point point);
ZSIM_API const char *zsim_fault_point_name(enum zsim_fault_point point);
/* Point by name ("page_alloc", "tree_node" ...): 0 or ZSIM_ENOENT. */
ZSIM_API int zsim_fault_point_from_name(const char *name,
					enum zsim_fault_point *point);

/* Called by components before a fallible step: true = fail this call.
 * f == NULL never fails (and costs one branch). */
ZSIM_API int zsim_fault_should_fail(struct zsim_fault_injector *f,
				    enum zsim_fault_point point);

#ifdef __cplusplus
}
#endif
#endif
