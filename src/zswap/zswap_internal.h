/*
 * zswap_internal.h - the structures of the zswap layer and what its files
 * share. Layer: zswap (includes common, codec, alloc, tree; never trace or
 * tools).
 *
 * Lock order (outermost first), as in mm/zswap.c with the swap cache:
 *   swap type lock (16-shard big-reader rwlock: a thread reads its own
 *     shard for store/load/invalidate, swapon/swapoff write all; stands
 *     for get_swap_device's percpu reference)
 *   -> slot lock (one bit per slot, stands for the folio lock + swap cache:
 *      a folio's slots are held by one acquisition, not a mutex per page;
 *      writeback only trylocks. Not a mutex held across the operation: the
 *      bucket mutex guarding the bits is a leaf, held inside swap.c only.
 *      While holding slots, writeback (memcg-local, from the store path)
 *      re-takes the swap type's read lock: a recursive read of a
 *      reader-preferring rwlock, which a waiting swapoff cannot block)
 *   -> pools_lock (rwlock: switches, unlinking and walks of the pools;
 *      the store path reads `current` without it, see struct zsim_zswap)
 *   -> acomp ctx mutex (per pool, per CPU)
 *   -> allocator locks (zsmalloc: pool rwlock -> class lock)
 *   -> tree lock (per 16384-slot tree; the xa_lock)
 *   -> LRU list lock (per memcg, per node; the list_lru lock)
 *   memcg creation takes memcg_lock alone; memcg charges are atomics.
 */
#ifndef ZSIM_ZSWAP_INTERNAL_H
#define ZSIM_ZSWAP_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "zswapsim/codec.h"
#include "zswapsim/fault.h"
#include "zswapsim/zpool.h"
#include "zswapsim/zswap.h"
#include "alloc/objcache.h"
#include "common/brlock.h"
#include "common/pcpu_ref.h"
#include "common/compiler.h"
#include "tree/xtree.h"

/* ---- profiles (profile.c) -------------------------------------------- */

enum zsim_zero_mode {
	ZSIM_ZERO_SAME_FILLED, /* ≤6.10: same-filled entries, no pool memory */
	ZSIM_ZERO_ZEROMAP,     /* 6.11+: zero pages kept by the swap layer */
};

enum zsim_limit_rule {
	ZSIM_LIMIT_LEGACY, /* ≤6.7: is_full strict >, can_accept strict < */
	ZSIM_LIMIT_MODERN, /* 6.8+: zswap_check_limits */
};

struct zsim_profile {
	const char *name;
	unsigned bit;                 /* ZSIM_P_* */
	const char *kernel;           /* kernel versions it stands for */
	enum zsim_zs_era zs_era;
	unsigned chain_size;          /* default pages per zspage limit */
	enum zsim_zs_access access;
	enum zsim_zero_mode zero_mode;
	enum zsim_limit_rule limits;
	bool exclusive_loads;
	bool store_large_folios;      /* 6.13+ */
	bool large_refused_first;     /* 6.12: a large folio is refused before
				       * anything else, stale entries of its
				       * slots left in the tree */
	bool incompressible_raw;      /* 6.18+: stored as-is if writeback on */
	bool zs_enospc_too_big;       /* zs_malloc(> PAGE) = -ENOSPC (6.3+),
				       * else -EINVAL (reject_alloc_fail) */
	bool compress_fail_counter;   /* reject_compress_fail exists (6.8+) */
	bool memcg_local_writeback;   /* 6.8+: shrink_memcg before rejecting */
	bool second_chance;           /* 6.12+ referenced bit */
	bool ctx_pool_lifetime;       /* latest: no hotplug teardown */
	unsigned dst_buf_pages;       /* acomp ctx buffer: 2 or 1 pages */
	unsigned shrink_nr_to_walk;   /* shrink_memcg walk: 1, latest 32 */
	bool decompress_fail_counter; /* 6.16+ */
	bool same_filled_lru;         /* same-filled entries on the LRU (no) */
};

const struct zsim_profile *zsim_profile_find(const char *name);
extern const struct zsim_profile zsim_profiles[];
extern const unsigned zsim_nr_profiles;

/* ---- counters (stats.c) ---------------------------------------------- */

#define ZSIM_CTR_ENUM_(name, kind, profiles, desc) ZC_##name,
enum zsim_ctr {
	ZSIM_ZSWAP_DEBUGFS_COUNTERS(ZSIM_CTR_ENUM_)
	ZSIM_VMSTAT_COUNTERS(ZSIM_CTR_ENUM_)
	ZC_COUNT
};

/* Per-CPU counter block: each simulated CPU adds to its own cache lines;
 * readers sum. Gauges are deltas whose sum is the value. */
struct zsim_pcpu_stats {
	_Alignas(ZSIM_CACHELINE) _Atomic uint64_t v[ZC_COUNT];
};

/* ---- memcgs (memcg.c) and LRU (lru.c) -------------------------------- */

struct zsim_entry;

/* One list_lru_one: the entries of one memcg on one node, FIFO. */
struct zsim_lru_list {
	_Alignas(ZSIM_CACHELINE) pthread_mutex_t lock;
	struct zsim_entry *head, *tail;
	uint64_t nr;
	_Atomic uint64_t nr_disk_swapins; /* lruvec counter for the shrinker */
};

#define ZSIM_NO_LIMIT UINT64_MAX

struct zsim_memcg {
	unsigned id;
	struct zsim_memcg *parent;          /* NULL for the root */
	_Atomic uint64_t zswap_max_pages;   /* memory.zswap.max in pages */
	_Atomic uint64_t memory_max_bytes;  /* memory.max */
	atomic_int writeback;               /* memory.zswap.writeback (own) */
	/* hierarchical stats (this memcg and its descendants) */
	_Atomic int64_t zswap_bytes;
	_Atomic int64_t zswapped_pages;
	_Atomic int64_t zswap_incomp;
	_Atomic uint64_t zswpout, zswpin, zswpwb;
	struct zsim_lru_list *lru;          /* [nr_nodes] */
	/* hierarchy, for pre-order walks (mem_cgroup_iter); set at creation */
	struct zsim_memcg *first_child, *last_child, *next_sibling;
	/* memory.swap.current / peak: slots this memcg owns */
	_Atomic int64_t swap_pages;
	_Atomic int64_t swap_peak;
};

/* ---- entries ----------------------------------------------------------- */

#define ZSIM_ENTRY_REFERENCED 0x1
#define ZSIM_ENTRY_ON_LRU 0x2

/* zswap_entry: 40 bytes (the kernel's is 56). */
struct zsim_entry {
	struct zsim_entry *lru_prev, *lru_next;
	union {
		zsim_handle_t handle; /* allocator handle (length > 0) */
		uint64_t value;       /* the repeated word (length == 0, 6.1) */
	};
	uint64_t swp;      /* swp_entry: type << 58 | offset */
	uint32_t length;   /* compressed bytes; 0 = same-filled */
	uint16_t memcg;    /* owner memcg id; 0 = root (no objcg) */
	uint8_t pool_idx;  /* pool id 1..255; 0 = none (same-filled) */
	uint8_t flags;     /* ZSIM_ENTRY_*; changed under the LRU lock once
			    * the entry is published */
};

#define ZSIM_SWP_TYPE_SHIFT 58
static inline uint64_t zsim_swp(unsigned type, uint64_t offset)
{
	return (uint64_t)type << ZSIM_SWP_TYPE_SHIFT | offset;
}
/* Stored as-is (6.18+): only those entries have length == PAGE_SIZE there;
 * before 6.18 such a length is a compressed object in the huge class. */
static inline bool zsim_entry_raw(const struct zsim_zswap *z, const struct zsim_entry *e);
static inline unsigned zsim_swp_type(uint64_t swp)
{
	return (unsigned)(swp >> ZSIM_SWP_TYPE_SHIFT);
}
static inline uint64_t zsim_swp_offset(uint64_t swp)
{
	return swp & ((1ull << ZSIM_SWP_TYPE_SHIFT) - 1);
}

/* ---- pools (pool.c) ---------------------------------------------------- */

/* ZSWAP_MAX_BATCH_SIZE: pages per store_pages call. */
#define ZSIM_STORE_BATCH 8

struct zsim_acomp_ctx {
	_Alignas(ZSIM_CACHELINE) pthread_mutex_t lock;
	struct zsim_codec *codec;  /* NULL while the CPU is offline */
	unsigned char *buffer;     /* nbufs x buf_size */
	size_t buf_size;           /* dst_buf_pages x PAGE_SIZE */
	unsigned nbufs;            /* the codec's batch size when batching, else 1 */
	size_t buffer_size;        /* nbufs x buf_size */
	bool numa;                 /* buffer from numa_alloc_onnode */
};

struct zsim_pool {
	unsigned idx;
	/* base ref (current) + entries + users: per-CPU while current (the
	 * kernel's percpu_ref), atomic once a switch killed it */
	struct zsim_pcpu_ref ref;
	char spec[128];            /* compressor spec as given */
	char desc[160];            /* driver:params */
	unsigned codec_flags;      /* ZSIM_CODEC_F_* of the driver */
	unsigned compr_batch;      /* pages per compress request: the codec's
				    * batch size (<= 8) when it batches and
				    * batching is on, else 1 */
	bool timed;                /* the codec reports timing (zsim_codec_timing) */
	struct zsim_zpool *zpool;
	struct zsim_acomp_ctx *ctx; /* [nr_cpus] */
	struct zsim_pool *retired_next; /* on z->retired once dead */
};

/*
 * Modelled codec time of the calling thread's current store or load
 * (zsim_zswap_last_modelled_ns): zsim_model_begin at the start of the
 * public call, zsim_model_end at its end; in between each codec use adds
 * the growth of the instance's modelled sums (sync + batch), read under
 * the context mutex so no other thread's calls are counted.
 */
extern _Thread_local uint64_t zsim_model_acc ZSIM_TLS_IE;
void zsim_model_begin(void);
void zsim_model_end(void);

static inline uint64_t zsim_model_mark(const struct zsim_pool *p, const struct zsim_codec *c)
{
	struct zsim_codec_timing t;
	if (!p->timed || zsim_codec_timing(c, &t))
		return 0;
	return t.sync_ns + t.batch_ns;
}

static inline void zsim_model_add(const struct zsim_pool *p, const struct zsim_codec *c,
				  uint64_t mark)
{
	if (p->timed)
		zsim_model_acc += zsim_model_mark(p, c) - mark;
}

/* ---- swap types and devices (swapdev.c, swap.c) ----------------------- */

struct zsim_swapdev;

struct zsim_swap_info {
	/* A big-reader lock: swapon/swapoff write-lock it, a store or a load
	 * read-locks its thread's shard only, so readers on different threads
	 * never share a cache line (the kernel's get_swap_device() uses a
	 * percpu_ref for the same reason). */
	struct zsim_brlock lock;
	bool active;
	uint64_t nr_slots;
	unsigned nr_trees;
	struct zsim_xtree **trees;   /* [nr_trees] */
	_Atomic uint64_t *zeromap;   /* bitmap of zero-filled slots */
	uint64_t *slot_busy;         /* bitmap of held slots (slot locks, swap.c);
				      * a group's bits under its bucket's mutex */
	struct zsim_swapdev *dev;
};

void zsim_si_read_lock(struct zsim_swap_info *si);
void zsim_si_read_unlock(struct zsim_swap_info *si);
void zsim_si_write_lock(struct zsim_swap_info *si);
void zsim_si_write_unlock(struct zsim_swap_info *si);

/* Swap devices of this many slots (32 MiB) or more have the first 2 MiB
 * of the pool's pages, and of the side pages (entries and memory devices'
 * slots), faulted in at swapon (zsim_pa_prefetch), and each next 2 MiB by
 * the page allocators' threads; smaller ones (tests, fuzz inputs) are not
 * worth a thread and 2 MiB each. */
#define ZSIM_PREFETCH_MIN_SLOTS 8192u

/* A device whose slots are memory: its pages come from pages (borrowed:
 * must outlive the device; shared with other users), or from a page
 * allocator of its own when pages is NULL. */
int zsim_swapdev_create_memory(uint64_t nr_slots, struct zsim_page_allocator *pages,
			       struct zsim_swapdev **out);
int zsim_swapdev_create_file(uint64_t nr_slots, const char *path,
			     struct zsim_swapdev **out);
void zsim_swapdev_destroy(struct zsim_swapdev *d);
int zsim_swapdev_write(struct zsim_swapdev *d, uint64_t offset, const void *page);
int zsim_swapdev_read(struct zsim_swapdev *d, uint64_t offset, void *page);
void zsim_swapdev_discard(struct zsim_swapdev *d, uint64_t offset);
bool zsim_swapdev_has(struct zsim_swapdev *d, uint64_t offset);
uint64_t zsim_swapdev_bytes_written(const struct zsim_swapdev *d);
uint64_t zsim_swapdev_bytes_read(const struct zsim_swapdev *d);
uint64_t zsim_swapdev_count(const struct zsim_swapdev *d);
int zsim_swapdev_kind(const struct zsim_swapdev *d);

/* ---- the shrink worker and its simulated work queue ------------------- */

/* One run of shrink_worker, as a state machine the work queue steps. */
struct zsim_shrink_run {
	uint64_t thr;      /* accept threshold in pages, read at the start */
	int failures, attempts;
	bool first;        /* workqueue.c: the run's first iteration not yet charged */
};

enum zsim_shrink_step {
	ZSIM_STEP_STOP,     /* the run ended (below thr, or 16 failures) */
	ZSIM_STEP_RESCHED,  /* an iteration that ended at cond_resched() */
	ZSIM_STEP_CONTINUE, /* an iteration without one (-ENOENT memcg) */
};

void zsim_shrink_run_begin(struct zsim_zswap *z, struct zsim_shrink_run *r);
/* One loop iteration; *written = entries it wrote back. */
enum zsim_shrink_step zsim_shrink_run_step(struct zsim_zswap *z, struct zsim_shrink_run *r,
					   unsigned *written);

/* workqueue.c: the simulated schedule (ZSIM_SHRINK_SCHED_SIM). */
/* A word alone on its cache lines. */
union zsim_wq_word {
	_Atomic uint64_t v;
	char pad[ZSIM_SHARD_STRIDE];
};

struct zsim_wq {
	struct zsim_sched_config cfg;
	/* A store's fast path (workqueue.c): while the worker is neither
	 * queued nor running (idle), a store only moves the task's clock, so
	 * it adds its time to its thread's shard of `deferred` without
	 * shrink_lock; whoever takes the lock folds the shards into now and
	 * vt first. Read by every store, written when the worker's state
	 * changes, so kept by the read-only cfg. */
	_Atomic bool idle;
	uint64_t now;          /* simulated time of the storing task */
	uint64_t tick_phase;   /* first tick, in [0, tick_ns) */
	uint64_t task_pick;    /* when the storing task last got the CPU */
	uint64_t runnable_at;  /* when the worker became runnable */
	uint64_t wk_now;       /* cpus >= 2: the worker's CPU clock */
	bool pending;          /* WORK_STRUCT_PENDING */
	bool active;           /* a run started and not finished */
	uint64_t resched_at;   /* one CPU, worker runnable: when the storing
				* task is told to reschedule */
	/* EEVDF on one CPU: the storing task's (t) and the worker's (w)
	 * virtual runtimes and deadlines (equal weights: virtual time is
	 * CPU time), the worker's lag kept while it sleeps, and the
	 * scheduler's flags. */
	int64_t vt, vw, dt, dw, wlag;
	bool w_delayed;        /* asleep but still queued (DELAY_DEQUEUE) */
	bool t_protect;        /* RUN_TO_PARITY: no new deadline since picked */
	uint64_t t_seen;       /* q->now when dt was last brought up to date */
	struct zsim_shrink_run run;
	struct zsim_sched_stats st;
	char lead[ZSIM_SHARD_LEAD];
	/* splitmix64 state (cost jitter, events), drawn with an atomic add
	 * so that the fast path draws without the lock, in the same sequence
	 * as under it; every store writes it, so it has lines of its own */
	union zsim_wq_word rng;
	union zsim_wq_word deferred[ZSIM_SHARDS];
};

void zsim_wq_init(struct zsim_zswap *z, const struct zsim_sched_config *cfg);
/* queue_work(). Context: shrink_lock held. */
void zsim_wq_queue(struct zsim_zswap *z);
/* Before a store of nr pages: charge reclaim's time up to zswap_store. */
void zsim_wq_before_store(struct zsim_zswap *z, unsigned nr);
/* After a store of nr pages (stored in zswap or not): charge the rest of
 * its time, then a point of preemption. */
void zsim_wq_after_store(struct zsim_zswap *z, unsigned nr, bool stored);
/* flush_work(). Context: shrink_lock held. */
void zsim_wq_flush(struct zsim_zswap *z);

/* ---- the instance ------------------------------------------------------ */

#define ZSIM_MAX_POOLS 256 /* ids 1..255 */
#define ZSIM_SLOT_LOCKS 1024 /* buckets of slot groups; power of two */
/* Slots per group: a swap cluster (SWAPFILE_CLUSTER, 512 on x86-64), so an
 * aligned folio of any order up to ZSIM_MAX_ORDER lies in one group. */
#define ZSIM_SLOT_GROUP_SHIFT ZSIM_MAX_ORDER

/* The guard of the held-slot bits of the groups hashed to it (swap.c). */
struct zsim_slot_bucket {
	pthread_mutex_t lock;
	pthread_cond_t wake; /* a held slot was released */
	unsigned waiters;
};

struct zsim_zswap {
	const struct zsim_profile *prof;
	char compressor[128];
	char zpool_type[32];
	unsigned chain_size;
	_Atomic unsigned max_pool_percent;
	_Atomic unsigned accept_thr_percent;
	uint64_t totalram_pages;
	unsigned nr_cpus;
	unsigned nr_nodes;
	atomic_int enabled;
	int shrinker_enabled;
	int refuse_large_folios;
	int same_filled_enabled;
	int batch;                    /* -1 auto, 0 off, 1 on */
	struct zsim_fault_injector *fault;
	struct zsim_page_allocator *pages;
	bool pages_are_pool;          /* zsmalloc: the allocator's page count
				       * is the pools' total (no pool walk) */
	struct zsim_objcache *entry_cache; /* zswap_entry_cache */
	/* The side pages: memory the simulator holds beside the pools (the
	 * entry cache's pages, memory swap devices' slots), from one page
	 * allocator, so that one spare arena and one thread serve both.
	 * Not counted in any pool's pages. */
	struct zsim_page_allocator *side_pages;

	/* pools */
	pthread_rwlock_t pools_lock;
	pthread_mutex_t switch_lock;  /* serializes compressor switches */
	struct zsim_pool *pools[ZSIM_MAX_POOLS];
	unsigned current_pool;        /* 0 = none */
	/* The current pool for the store fast path: read without a lock,
	 * referenced with inc-not-zero. A pool's struct outlives its last
	 * reference on `retired` (its zpool and contexts are freed at once),
	 * so a reader that raced with its death still reads a valid ref of
	 * 0 and retries: the RCU grace period of the kernel's
	 * zswap_pool_current_get(), paid in a few hundred bytes per pool. */
	_Atomic(struct zsim_pool *) current;
	struct zsim_pool *retired;    /* under pools_lock (write) */
	atomic_bool reached_full;

	/* CPUs */
	pthread_mutex_t hotplug_lock;
	atomic_bool *cpu_online;      /* [nr_cpus] */

	/* swap */
	struct zsim_swap_info swap[ZSIM_MAX_SWAPFILES];
	union {
		struct zsim_slot_bucket b;
		char pad[2 * ZSIM_CACHELINE];
	} slot_locks[ZSIM_SLOT_LOCKS];

	/* memcgs */
	pthread_mutex_t memcg_lock;
	_Atomic(struct zsim_memcg *) *memcgs; /* [ZSIM_MAX_MEMCGS + 1] */
	_Atomic unsigned memcg_hw;            /* highest id + 1 */

	/* shrinking (writeback.c, workqueue.c) */
	int shrink_inline;             /* run the worker in the caller */
	int shrink_sched;              /* enum zsim_shrink_sched */
	struct zsim_wq wq;             /* SIM: under shrink_lock */
	pthread_mutex_t shrink_lock;   /* cursor, pending, running */
	pthread_cond_t shrink_cond;
	pthread_cond_t shrink_idle;
	struct zsim_memcg *shrink_cursor;
	bool shrink_pending, shrink_running, shrink_exit, shrink_thread_started;
	pthread_t shrink_thread;
	_Atomic uint64_t shrink_runs;

	/* counters */
	struct zsim_pcpu_stats *stats; /* [nr_cpus] */
};

static inline bool zsim_entry_raw(const struct zsim_zswap *z, const struct zsim_entry *e)
{
	return z->prof->incompressible_raw && e->length == ZSIM_PAGE_SIZE;
}

/* counters */
static inline void zsim_count(struct zsim_zswap *z, unsigned cpu, enum zsim_ctr c, int64_t n)
{
	atomic_fetch_add_explicit(&z->stats[cpu].v[c], (uint64_t)n, memory_order_relaxed);
}
uint64_t zsim_counter_sum(const struct zsim_zswap *z, enum zsim_ctr c);

/* pools */
int zsim_pool_create(struct zsim_zswap *z, const char *spec, struct zsim_pool **out);
struct zsim_pool *zsim_pool_current_get(struct zsim_zswap *z);
void zsim_pool_get(struct zsim_pool *p, long n);
void zsim_pool_put(struct zsim_zswap *z, struct zsim_pool *p);
uint64_t zsim_total_pages(struct zsim_zswap *z);
void zsim_pools_destroy_all(struct zsim_zswap *z);
/* Lock and return the ctx of `cpu` (or the next online CPU) in `pool`. */
struct zsim_acomp_ctx *zsim_acomp_ctx_lock(struct zsim_zswap *z, struct zsim_pool *p,
					   unsigned cpu, unsigned *used_cpu);
void zsim_acomp_ctx_unlock(struct zsim_acomp_ctx *ctx);
int zsim_ctx_populate(struct zsim_zswap *z, struct zsim_pool *p, unsigned cpu);
void zsim_ctx_release(struct zsim_acomp_ctx *ctx);

/* memcgs */
int zsim_memcg_get(struct zsim_zswap *z, unsigned id, struct zsim_memcg **out);
void zsim_memcgs_destroy(struct zsim_zswap *z);
bool zsim_memcg_may_zswap(struct zsim_memcg *m);
struct zsim_memcg *zsim_memcg_iter(struct zsim_zswap *z, struct zsim_memcg *m);
bool zsim_memcg_wb_enabled(struct zsim_memcg *m);
void zsim_memcg_charge(struct zsim_memcg *m, int64_t bytes, int64_t pages, int64_t incomp);
void zsim_memcg_count_zswpout(struct zsim_memcg *m, uint64_t n);
void zsim_memcg_count_zswpin(struct zsim_memcg *m, uint64_t n);
void zsim_memcg_count_zswpwb(struct zsim_memcg *m, uint64_t n);

/* LRU */
int zsim_lru_init(struct zsim_lru_list *l);
void zsim_lru_destroy(struct zsim_lru_list *l);
void zsim_lru_add(struct zsim_zswap *z, struct zsim_entry *e, unsigned nid);
void zsim_lru_del(struct zsim_zswap *z, struct zsim_entry *e, unsigned nid);

/* entries */
int zsim_entry_alloc(struct zsim_zswap *z, struct zsim_entry **out);
/* zswap_entry_cache_free: give back an entry that holds nothing (never
 * published, or unwound). */
void zsim_entry_cache_free(struct zsim_zswap *z, struct zsim_entry *e);
/* zswap_entry_free: LRU del, zs_free, pool put, uncharge, stats. */
void zsim_entry_free(struct zsim_zswap *z, struct zsim_entry *e, unsigned cpu);
unsigned zsim_entry_nid(const struct zsim_zswap *z, const struct zsim_entry *e);
/* Decompress (or fill) an entry into page. Context: the slot is held. */
int zsim_entry_decompress(struct zsim_zswap *z, struct zsim_entry *e, unsigned cpu, void *page);

/* swap types */
int zsim_swap_get(struct zsim_zswap *z, unsigned type, uint64_t offset, uint64_t nr,
		  struct zsim_swap_info **out);
void zsim_swap_put(struct zsim_swap_info *si);
static inline struct zsim_xtree *zsim_swap_tree(struct zsim_swap_info *si, uint64_t offset)
{
	return si->trees[offset >> ZSIM_SWAP_ADDRESS_SPACE_SHIFT];
}
/* Erase and free the entry at offset, if any (zswap_invalidate of one). */
void zsim_invalidate_entry(struct zsim_zswap *z, struct zsim_swap_info *si,
			   uint64_t offset, unsigned cpu);
bool zsim_zeromap_test(struct zsim_swap_info *si, uint64_t offset);
void zsim_zeromap_set(struct zsim_swap_info *si, uint64_t offset, bool on);

/* Slot locks: the folio lock + swap cache of the kernel. A caller holding
 * a slot owns it as the kernel's thread owning the locked swap-cache folio
 * does: store and load lock their folio's slots (one acquisition per folio
 * however large, one bit per slot, see swap.c); a batch load locks its
 * slots in ascending order; writeback only trylocks one slot, and fails
 * (the kernel's -EEXIST: the slot is in the swap cache) exactly when that
 * slot is held, by any thread, the caller included. The caller holds the
 * swap type's read lock (zsim_swap_get). */
static inline unsigned zsim_slot_lock_idx(unsigned type, uint64_t offset)
{
	uint64_t h = ((offset >> ZSIM_SLOT_GROUP_SHIFT) ^ ((uint64_t)type << 40)) *
		     0x9e3779b97f4a7c15ull;
	return (unsigned)(h >> 52) & (ZSIM_SLOT_LOCKS - 1);
}
void zsim_slot_locks_init(struct zsim_zswap *z);
void zsim_slot_locks_destroy(struct zsim_zswap *z);
void zsim_slots_lock(struct zsim_zswap *z, unsigned type, uint64_t offset, unsigned nr);
void zsim_slots_unlock(struct zsim_zswap *z, unsigned type, uint64_t offset, unsigned nr);
bool zsim_slot_trylock(struct zsim_zswap *z, unsigned type, uint64_t offset);
void zsim_slots_lock_set(struct zsim_zswap *z, unsigned type, const uint64_t *offsets, unsigned n);
void zsim_slots_unlock_set(struct zsim_zswap *z, unsigned type, const uint64_t *offsets, unsigned n);

/* writeback.c: queue the global shrink worker (runs it inline or wakes
 * its thread, per configuration). */
void zsim_shrink_queue(struct zsim_zswap *z);
int zsim_shrink_memcg(struct zsim_zswap *z, struct zsim_memcg *m, unsigned cpu);
int zsim_writeback_init(struct zsim_zswap *z);
void zsim_writeback_stop(struct zsim_zswap *z);

unsigned zsim_cpu_resolve(const struct zsim_zswap *z, unsigned cpu);
static inline unsigned zsim_cpu_node(const struct zsim_zswap *z, unsigned cpu)
{
	return cpu % z->nr_nodes;
}

#endif
