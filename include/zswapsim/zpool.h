/*
 * zswapsim/zpool.h - the compressed-object allocators zswap stores into:
 * "zsmalloc" (a faithful re-implementation of mm/zsmalloc.c), and two
 * baselines that show what zsmalloc's packing costs: "ideal" (exactly the
 * object bytes, no overhead: the lower bound) and "malloc" (glibc malloc
 * per object, pages counted as the bytes it reports rounded up).
 *
 * The kernel's zpool layer (≤6.17) let zswap pick zbud/z3fold/zsmalloc;
 * 6.18 removed it and calls zsmalloc directly. We keep an interface of the
 * same shape so the baselines can stand in, and name it after the kernel's.
 *
 * Glossary (zsmalloc)
 *   page        a simulated physical page: 4 KiB of real memory from a
 *               zsim_page_allocator, which counts pages per NUMA node and
 *               can be told to fail (zswapsim/fault.h).
 *   zspage      a chain of 1..chain_size pages holding objects of one size
 *               class back to back; objects may straddle two pages.
 *   size class  32..4096 in steps of 16; each has pages-per-zspage chosen
 *               by the era's rule; classes with equal geometry merge.
 *   handle      an opaque, stable reference to an object; compaction moves
 *               objects but never invalidates handles.
 *   fullness    zspages are grouped by how full they are; allocation takes
 *               the fullest non-full zspage.
 *
 * Errors: ZSIM_EINVAL (size 0, bad config), ZSIM_ENOSPC (size > PAGE_SIZE,
 * as zs_malloc), ZSIM_ENOMEM (page, handle or descriptor allocation failed,
 * real or injected), ZSIM_EFAULT (a freed, foreign or corrupt handle,
 * double free). In debug builds (NDEBUG undefined) a bad handle also trips
 * an assertion, unless ZSIM_ZPOOL_NO_ASSERT is set in the environment.
 *
 * Threads: every function may be called from many threads at once, with
 * the kernel's lock granularity (per size class, plus a pool-wide rwlock
 * that compaction/migration take for writing). `cpu` arguments pick the
 * per-CPU mapping area (0..nr_cpus-1) as the kernel's per-CPU state does;
 * a caller must not use one cpu index from two threads at once.
 */
#ifndef ZSWAPSIM_ZPOOL_H
#define ZSWAPSIM_ZPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "fault.h"

#ifdef __cplusplus
extern "C" {
#endif

/* --- simulated physical pages ----------------------------------------- */

struct zsim_page_allocator;

struct zsim_page_allocator_config {
	unsigned nr_nodes;   /* simulated NUMA nodes (>= 1; 0 means 1) */
	uint64_t max_pages;  /* hard cap on pages held at once (0 = none) */
	struct zsim_fault_injector *fault; /* ZSIM_FAULT_PAGE_ALLOC (may be NULL) */
};

/* Real memory comes from the OS in 2 MiB regions advised for huge pages;
 * freed pages are kept for reuse until the allocator is destroyed, so the
 * process holds the peak of pages held, rounded up to 2 MiB, plus up to 96
 * free pages per thread that allocates, plus one 2 MiB region faulted in
 * ahead of need by a thread of the allocator's (started with its first
 * region) once it has needed a second. The allocator owns that memory and
 * that thread; destroy gives both back. */
ZSIM_API int zsim_page_allocator_create(const struct zsim_page_allocator_config *cfg,
					struct zsim_page_allocator **out);
/* ZSIM_EBUSY if pages are still held. */
ZSIM_API int zsim_page_allocator_destroy(struct zsim_page_allocator *pa);
/* Pages currently held (all nodes, or one node). */
ZSIM_API uint64_t zsim_page_allocator_pages(const struct zsim_page_allocator *pa);
ZSIM_API uint64_t zsim_page_allocator_node_pages(const struct zsim_page_allocator *pa,
						 unsigned nid);
/* Allocation attempts that failed (injected or over max_pages). */
ZSIM_API uint64_t zsim_page_allocator_failures(const struct zsim_page_allocator *pa);

/* --- pools -------------------------------------------------------------- */

/* zsmalloc era: the rules that changed between kernel versions. */
enum zsim_zs_era {
	/* ≤6.2: at most 4 pages per zspage chosen by best used-percent,
	 * 4 fullness groups (empty, almost empty, almost full, full). */
	ZSIM_ZS_ERA_LEGACY = 0,
	/* 6.3+: CONFIG_ZSMALLOC_CHAIN_SIZE (4..16, default 8), least tail
	 * waste, 12 fullness groups by used ratio. */
	ZSIM_ZS_ERA_CHAIN = 1,
};

/* How zswap reads an object back, by era (what it costs on the load path). */
enum zsim_zs_access {
	/* ≤~6.15 zs_map_object: an object spanning two pages is copied into
	 * the per-CPU vm_buf on map (and back on unmap for WO/RW). */
	ZSIM_ZS_ACCESS_MAP = 0,
	/* ~6.15+ zs_obj_read_begin: direct pointer in one page, else copied
	 * into the caller's local_copy buffer. */
	ZSIM_ZS_ACCESS_READ_BEGIN = 1,
	/* latest zs_obj_read_sg_begin: no copy in zsmalloc (1-2 segments). */
	ZSIM_ZS_ACCESS_SG = 2,
};

struct zsim_zpool_config {
	const char *type;        /* "zsmalloc" (default), "ideal", "malloc" */
	const char *name;        /* pool name for reports (default "zpool") */
	enum zsim_zs_era era;
	unsigned chain_size;     /* ZSIM_ZS_ERA_CHAIN: 4..16; 0 = 8 */
	enum zsim_zs_access access;
	unsigned nr_cpus;        /* per-CPU mapping areas; 0 = 1 */
	struct zsim_page_allocator *pages; /* NULL: the pool makes its own */
	struct zsim_fault_injector *fault; /* ZSIM_FAULT_ZS_HANDLE, _ZS_DESC */
};

struct zsim_zpool;
typedef uint64_t zsim_handle_t; /* 0 is never a valid handle */

ZSIM_API int zsim_zpool_create(const struct zsim_zpool_config *cfg,
			       struct zsim_zpool **out);
/* Frees every object still allocated, then the pool. */
ZSIM_API void zsim_zpool_destroy(struct zsim_zpool *pool);
ZSIM_API const char *zsim_zpool_type(const struct zsim_zpool *pool);

/* zs_malloc(pool, size, gfp, nid). The object's bytes are undefined until
 * written. nid picks the node of new pages (ignored by the baselines). */
ZSIM_API int zsim_zpool_malloc(struct zsim_zpool *pool, size_t size,
			       unsigned nid, zsim_handle_t *handle);
ZSIM_API int zsim_zpool_free(struct zsim_zpool *pool, zsim_handle_t handle);

/* zs_obj_write: copy len bytes (<= the allocated size) into the object. */
ZSIM_API int zsim_zpool_write(struct zsim_zpool *pool, zsim_handle_t handle,
			      const void *src, size_t len, unsigned cpu);
/*
 * zs_obj_read_begin/end: *out points at the object's first len bytes,
 * contiguous. With ZSIM_ZS_ACCESS_READ_BEGIN/SG a spanning object is copied
 * into local_copy (len bytes, caller-owned, may be NULL only if the caller
 * knows the object does not span); with ZSIM_ZS_ACCESS_MAP into the per-CPU
 * buffer. The object stays pinned against compaction until read_end.
 */
ZSIM_API int zsim_zpool_read_begin(struct zsim_zpool *pool, zsim_handle_t handle,
				   size_t len, unsigned cpu, void *local_copy,
				   const void **out);
ZSIM_API void zsim_zpool_read_end(struct zsim_zpool *pool, zsim_handle_t handle,
				  unsigned cpu, const void *ptr);

/* zs_obj_read_sg_begin/end (latest kernels): the object's first len bytes
 * as 1 segment, or 2 when they cross a page boundary, with no copy (and
 * nothing counted in span_copy_*). Works in every access mode and needs no
 * cpu; the object stays pinned against compaction until read_sg_end.
 * Returns the number of segments (1 or 2), or ZSIM_EINVAL (len larger than
 * the object, NULL seg) / ZSIM_EFAULT. The baselines give 1 segment. */
struct zsim_zpool_seg {
	const void *addr;
	size_t len;
};
ZSIM_API int zsim_zpool_read_sg_begin(struct zsim_zpool *pool, zsim_handle_t handle,
				      size_t len, struct zsim_zpool_seg seg[2]);
ZSIM_API void zsim_zpool_read_sg_end(struct zsim_zpool *pool, zsim_handle_t handle);

enum zsim_zpool_map_mode { ZSIM_ZPOOL_MAP_RO, ZSIM_ZPOOL_MAP_WO, ZSIM_ZPOOL_MAP_RW };
/* zs_map_object/zs_unmap_object (≤~6.15 API): whole object, one mapping
 * per cpu at a time (ZSIM_EBUSY otherwise). Spanning objects go through
 * the per-CPU buffer: copied in on map unless WO, back on unmap unless RO. */
ZSIM_API int zsim_zpool_map(struct zsim_zpool *pool, zsim_handle_t handle,
			    enum zsim_zpool_map_mode mode, unsigned cpu, void **out);
ZSIM_API void zsim_zpool_unmap(struct zsim_zpool *pool, zsim_handle_t handle,
			       unsigned cpu);

/* Usable size of the object (what malloc was asked for). */
ZSIM_API int zsim_zpool_obj_size(struct zsim_zpool *pool, zsim_handle_t handle,
				 size_t *size);

/* zs_get_total_pages: pages held by zspages (baselines: bytes rounded up
 * to pages). pool_total_size is this × PAGE_SIZE. */
ZSIM_API uint64_t zsim_zpool_total_pages(const struct zsim_zpool *pool);
/* zs_compact: returns pages freed by this call (>= 0). Concurrent callers
 * return 0 at once (single flight), as compaction_in_progress does. */
ZSIM_API int64_t zsim_zpool_compact(struct zsim_zpool *pool);
/* The smallest compressed length that lands in the huge class
 * (zs_huge_class_size; zram reads it). 0 for the baselines. */
ZSIM_API size_t zsim_zpool_huge_class_size(const struct zsim_zpool *pool);

/* zs_lookup_class_index: the size class (real index) that a request of
 * `size` bytes maps to, no handle added; zram's recompression keeps a new
 * object only if it lands in a lower class. Baselines: size / 16 rounded
 * up, as the raw class index. */
ZSIM_API unsigned zsim_zpool_lookup_class_index(const struct zsim_zpool *pool, size_t size);

struct zsim_zpool_stats {
	uint64_t pages;            /* zs_get_total_pages */
	uint64_t objs_allocated;   /* object slots in live zspages */
	uint64_t objs_used;        /* allocated objects */
	uint64_t bytes_used;       /* sum of requested sizes of live objects */
	uint64_t pages_compacted;  /* zs_pool_stats.pages_compacted (monotonic) */
	uint64_t span_copy_bytes;  /* bytes copied for objects spanning pages */
	uint64_t span_copies;      /* number of such copies */
	uint64_t zspages;          /* live zspages */
	uint64_t meta_bytes;       /* memory the simulator uses for bookkeeping
				    * (handles, descriptors), kept apart from
				    * the modelled pages */
	uint64_t freeable;         /* sum of zs_can_compact over classes: the
				    * pool shrinker's count (0 for baselines) */
};
ZSIM_API int zsim_zpool_stats(const struct zsim_zpool *pool,
			      struct zsim_zpool_stats *st);

/* One row of debugfs zsmalloc/<pool>/classes. */
struct zsim_zs_class_stats {
	unsigned index;           /* real class index (0..254) */
	unsigned size;            /* object size including the handle */
	unsigned pages_per_zspage;
	unsigned objs_per_zspage;
	bool huge;
	uint64_t fullness[12];    /* zspages per group: CHAIN era: [0]=empty,
				   * [1..10]=10%..99%, [11]=100%; LEGACY era:
				   * [0]=empty,[1]=almost_empty,[2]=almost_full,
				   * [3]=full */
	uint64_t obj_allocated;
	uint64_t obj_used;
	uint64_t pages_used;
	uint64_t freeable;        /* zs_can_compact */
};
/* Fill up to max rows (real classes only, ascending index); returns the
 * number of real classes. ZSIM_ENOTSUP for the baselines. */
ZSIM_API int zsim_zpool_class_stats(const struct zsim_zpool *pool,
				    struct zsim_zs_class_stats *rows, size_t max);

#ifdef __cplusplus
}
#endif
#endif
