/*
 * zs_internal.h - zsmalloc's pool, size classes and zspages, shared by
 * zsmalloc.c (pool, alloc/free), zs_access.c (read/write/map) and
 * zs_compact.c (compaction).
 *
 * Lock order (6.11+ granularity; reference §2.8):
 *
 *   pool->lock (rwlock)  ->  class->lock (mutex)  ->  zspage->lock (trylock)
 *
 * pool->lock is the kernel's rwlock with the cost of a big-reader lock
 * (common/brlock.h): a reader writes only its thread's shard, so two
 * threads resolving handles do not bounce one cache line as the kernel's
 * readers do; compaction write-locks every shard.
 *
 * pool->lock   read: resolving a handle to its zspage (free, write, read,
 *              map, obj_size), held until the object's zspage is pinned
 *              or its class lock is taken. write: compaction. zs_malloc
 *              does not take it (as in the kernel).
 * class->lock  the class's fullness lists and counters, every zspage's
 *              inuse/freeobj/fullness/isolated, the free-list words and
 *              handle headers inside its objects, and the loc/obj_idx/size
 *              of the handle cells of its objects while they are
 *              allocated. Dropped while a new zspage's pages are allocated.
 * zspage->lock the kernel's zspage lock (~6.15+): a counter, > 0 = that
 *              many readers (read_begin..read_end, map..unmap), -1 = a
 *              writer. Readers take it under pool->lock (read) and hold it
 *              without any other lock while the caller works on the
 *              object. Writers (compaction's source, freeing an empty
 *              zspage) only trylock it and never wait: compaction stops
 *              the class, a free leaves the empty zspage for later.
 * htab         lock-free (handle.h); its grow_lock is a leaf.
 * per-CPU area owned by the caller that passes that cpu index.
 * Counters in struct zs_pool are atomics (no lock).
 *
 * A handle's cell is stable while the pool lock is read-held (only
 * compaction, a writer, moves objects) or while its zspage is pinned
 * (compaction skips pinned zspages).
 */
#ifndef ZSIM_ALLOC_ZS_INTERNAL_H
#define ZSIM_ALLOC_ZS_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "alloc/handle.h"
#include "alloc/size_class.h"
#include "alloc/zpool_internal.h"
#include "common/brlock.h"
#include "common/compiler.h"

#define ZS_NR_GROUPS_MAX 12
#define ZS_GROUP_EMPTY 0      /* both eras: inuse == 0 */
#define ZS_OBJ_END 0xffffu    /* end of a zspage's free list */
/* Legacy groups (≤6.2) */
#define ZS_LEGACY_ALMOST_EMPTY 1
#define ZS_LEGACY_ALMOST_FULL 2
#define ZS_LEGACY_FULL 3
/* Chain-era groups (6.3+): 0 = RATIO_0, 1..10 = 10%..99%, 11 = RATIO_100 */
#define ZS_RATIO_10 1
#define ZS_RATIO_99 10
#define ZS_RATIO_100 11

struct zs_class;

/* One zspage: the kernel's struct zspage plus its chain of pages. */
struct zs_zspage {
	struct zs_zspage *prev, *next; /* fullness list (class->lock) */
	struct zs_class *class;        /* immutable */
	_Atomic int lock;              /* zspage lock, see above */
	uint16_t inuse;                /* allocated objects (class->lock) */
	uint16_t freeobj;              /* free-list head (class->lock) */
	uint8_t fullness;              /* current group (class->lock) */
	uint8_t isolated;              /* off-list during compaction */
	uint16_t nid;                  /* node of its pages (immutable) */
	uint32_t huge_cell;            /* huge: the object's cell index
					* (zpdesc->handle); class->lock */
	void *pages[];                 /* ppz pages (immutable) */
};

/* One real size class (merged raw classes point to it). */
struct zs_class {
	/* First cache line: what every zs_malloc/zs_free writes or reads
	 * under the lock, so that threads sharing the class move one line
	 * between CPUs per call, not three. */
	pthread_mutex_t lock;
	uint64_t obj_used;       /* class_stat ZS_OBJS_INUSE */
	uint64_t bytes_used;     /* requested bytes of live objects */
	unsigned size, objs;     /* immutable */
	/* Changed only when a zspage is made, freed or changes group. */
	unsigned ppz, index;     /* immutable */
	bool huge;               /* immutable */
	struct zs_zspage *lists[ZS_NR_GROUPS_MAX];
	uint64_t nr_group[ZS_NR_GROUPS_MAX]; /* zspages per group */
	uint64_t obj_allocated;  /* class_stat ZS_OBJS_ALLOCATED */
	uint64_t zspages;        /* live zspages */
} __attribute__((aligned(ZSIM_CACHELINE)));
_Static_assert(offsetof(struct zs_class, objs) + sizeof(unsigned) <= ZSIM_CACHELINE,
	       "the class's hot fields fit its first cache line");

/* The kernel's per-CPU mapping_area (vm_buf) plus what map/unmap and a
 * MAP-era read_begin need to remember. Used only by the caller that owns
 * the cpu index; the counters are read by stats from any thread. */
struct zs_cpu_area {
	unsigned char *vm_buf;     /* ZSIM_PAGE_SIZE */
	struct zs_zspage *zspage;  /* pinned while mapped */
	zsim_handle_t handle;
	uint32_t lin;              /* linear offset of the mapped slot */
	uint8_t mode;              /* enum zsim_zpool_map_mode */
	bool busy, spanned;
	_Atomic uint64_t span_copy_bytes, span_copies;
} __attribute__((aligned(ZSIM_CACHELINE)));

struct zs_pool {
	struct zsim_zpool base;
	struct zsim_brlock lock;            /* pool->lock (a big-reader lock) */
	struct zs_class *size_class[ZSA_NR_RAW_CLASSES]; /* raw -> real */
	struct zs_class *classes;           /* nr_real, ascending index */
	unsigned nr_real;
	struct zsa_class_table table;
	enum zsim_zs_era era;
	enum zsim_zs_access access;
	unsigned nr_groups;                 /* 4 or 12 */
	struct zsim_page_allocator *pa;
	bool own_pa;
	/* zspage descriptors (the kernel's zspage cache), one cache per
	 * zspage length in use: packed in malloc()'d 4 KiB pages, none taken
	 * from pa (whose pages are the pool's size) */
	struct zsim_objcache *desc_cache[ZSA_CHAIN_MAX + 1];
	struct zsim_fault_injector *fault;
	struct zsa_htab htab;
	struct zs_cpu_area *cpu;
	unsigned nr_cpus;
	_Atomic uint64_t pages_allocated;   /* zs_get_total_pages */
	_Atomic uint64_t pages_compacted;   /* zs_pool_stats */
	_Atomic uint64_t meta_bytes;
	atomic_bool compaction_in_progress;
};

static inline struct zs_pool *zs_pool_of(struct zsim_zpool *p)
{
	return zsim_container_of(p, struct zs_pool, base);
}

static inline const struct zs_pool *zs_cpool_of(const struct zsim_zpool *p)
{
	return zsim_container_of(p, const struct zs_pool, base);
}

/* --- zspage lock ------------------------------------------------------- */

/* Reader side; fails only if a writer holds it (never for a live object:
 * see the comment at the top). */
static inline bool zs_pin(struct zs_zspage *z)
{
	int v = atomic_load_explicit(&z->lock, memory_order_relaxed);
	do {
		if (v < 0)
			return false;
	} while (!atomic_compare_exchange_weak_explicit(&z->lock, &v, v + 1,
							 memory_order_acquire,
							 memory_order_relaxed));
	return true;
}

static inline void zs_unpin(struct zs_zspage *z)
{
	atomic_fetch_sub_explicit(&z->lock, 1, memory_order_release);
}

static inline bool zs_write_trylock(struct zs_zspage *z)
{
	int v = 0;
	return atomic_compare_exchange_strong_explicit(&z->lock, &v, -1,
						       memory_order_acquire,
						       memory_order_relaxed);
}

static inline void zs_write_unlock(struct zs_zspage *z)
{
	atomic_store_explicit(&z->lock, 0, memory_order_release);
}

/* --- object layout ------------------------------------------------------ */

/* The 8-byte word at the start of slot k: handle header when allocated
 * ((cell << 1) | 1), free-list link when free (next << 1). A slot starts at
 * a multiple of 16, so the word never straddles a page. */
static inline unsigned char *zs_slot_word(const struct zs_zspage *z, unsigned size,
					  unsigned k)
{
	uint32_t lin = (uint32_t)k * size;
	return (unsigned char *)z->pages[lin >> ZSIM_PAGE_SHIFT] + (lin & (ZSIM_PAGE_SIZE - 1));
}

static inline uint64_t zs_word_get(const unsigned char *p)
{
	uint64_t w;
	memcpy(&w, p, sizeof(w));
	return w;
}

static inline void zs_word_set(unsigned char *p, uint64_t w)
{
	memcpy(p, &w, sizeof(w));
}

/* Copy len bytes at linear offset lin of a zspage out to dst / in from
 * src (at most two pages for one object). */
void zs_copy_out(const struct zs_zspage *z, uint32_t lin, void *dst, size_t len);
void zs_copy_in(struct zs_zspage *z, uint32_t lin, const void *src, size_t len);

/* --- class internals (zsmalloc.c), all under class->lock ------------------ */

int zs_fullness_group(const struct zs_pool *pool, const struct zs_class *c, unsigned inuse);
/* insert_zspage / remove_zspage / putback_zspage / fix_fullness_group */
void zs_insert(const struct zs_pool *pool, struct zs_class *c, struct zs_zspage *z, int fg);
void zs_remove(struct zs_class *c, struct zs_zspage *z);
int zs_putback(const struct zs_pool *pool, struct zs_class *c, struct zs_zspage *z);
/* obj_malloc without the class counters: take a free slot for cell. */
unsigned zs_obj_take(struct zs_class *c, struct zs_zspage *z, uint32_t cell);
/* obj_free without the class counters. */
void zs_obj_put(struct zs_class *c, struct zs_zspage *z, unsigned k);
/* __free_zspage: z is empty, off every list, and write-locked by the
 * caller (or unreachable). Frees pages and descriptor, fixes counters. */
void zs_free_zspage(struct zs_pool *pool, struct zs_class *c, struct zs_zspage *z);
/* Free the empty zspages a free could not (they were pinned). */
void zs_free_deferred(struct zs_pool *pool, struct zs_class *c);

/* zs_can_compact(), under class->lock. */
static inline uint64_t zs_can_compact(const struct zs_class *c)
{
	if (c->obj_allocated <= c->obj_used)
		return 0;
	return (c->obj_allocated - c->obj_used) / c->objs * c->ppz;
}

/* --- entry points in other files ---------------------------------------- */

int zs_write(struct zsim_zpool *p, zsim_handle_t h, const void *src, size_t len,
	     unsigned cpu);
int zs_read_begin(struct zsim_zpool *p, zsim_handle_t h, size_t len, unsigned cpu,
		  void *local_copy, const void **out);
void zs_read_end(struct zsim_zpool *p, zsim_handle_t h, unsigned cpu, const void *ptr);
int zs_read_sg_begin(struct zsim_zpool *p, zsim_handle_t h, size_t len,
		     struct zsim_zpool_seg seg[2]);
void zs_read_sg_end(struct zsim_zpool *p, zsim_handle_t h);
int zs_map(struct zsim_zpool *p, zsim_handle_t h, enum zsim_zpool_map_mode mode,
	   unsigned cpu, void **out);
void zs_unmap(struct zsim_zpool *p, zsim_handle_t h, unsigned cpu);
int64_t zs_compact(struct zsim_zpool *p);

#endif
