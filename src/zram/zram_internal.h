/*
 * zram_internal.h - the structures of the zram layer and what its files
 * share. Layer: zram, above zswap (it reuses zswap's backing swap device,
 * src/zswap/swapdev.c, for its backing_dev), on the codecs and zsmalloc
 * (src/alloc through zswapsim/zpool.h: the same pool code zswap uses).
 *
 * Lock order (outermost first), as in zram_drv.c:
 *   init_lock (rwlock: attributes; the kernel's init_lock / dev_lock)
 *   -> slot lock (a bit in the slot's flags word: bit_spin_lock, or the
 *      sleeping wait_on_bit lock of later kernels; spins then yields here)
 *   -> stream lock (per algorithm, per CPU: local_lock / mutex)
 *   -> CPU area lock (per CPU: zsmalloc's per-CPU mapping area, which the
 *      kernel protects by running with preemption/migration disabled)
 *   -> zsmalloc's own locks
 *   bitmap_lock, wb_limit_lock and err_lock are leaves.
 * I/O takes no init_lock (the kernel's I/O path does not either).
 */
#ifndef ZSIM_ZRAM_INTERNAL_H
#define ZSIM_ZRAM_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "zswapsim/codec.h"
#include "zswapsim/zpool.h"
#include "zswapsim/zram.h"
#include "common/compiler.h"
#include "common/shard.h"

/* ---- profiles (profile.c) -------------------------------------------- */

struct zram_prof {
	const char *name;
	const char *kernel;
	enum zsim_zs_era zs_era;
	unsigned chain_size;
	enum zsim_zs_access access;
	const char *default_comp;      /* CONFIG_ZRAM_DEF_COMP */
	const char *const *algs;       /* zcomp backends, in the show order */
	bool crypto_extra_deflate;     /* 6.1: any crypto compressor (deflate)
					* is accepted though not listed */
	bool multi_comp;               /* recomp_algorithm, recompress,
					* ZRAM_INCOMPRESSIBLE (6.2+) */
	bool algorithm_params;         /* 6.12+ */
	bool max_comp_streams;         /* attribute present (≤6.14) */
	bool two_stage_alloc;          /* zs_malloc fast path, then writestall
					* + slow path + recompress (≤6.14) */
	bool invalid_io;               /* io_stat prints invalid_io (≤6.3) */
	bool swap_zeromap;             /* swap layer zeromap (6.12+) */
	bool own_backends;             /* zcomp's own backends (6.12+): zstd
					* with parameters for a known
					* PAGE_SIZE source; 6.1 goes through
					* the crypto API (unknown size) */
	bool swap_slots_cache;         /* freed swap entries wait in a per-CPU
					* cache of 64 (swap_slots.c, removed in 2025) */
	bool idle_skips_same_wb;       /* mark_idle skips SAME/WB (6.2+) */
	bool idle_clears;              /* mark_idle by age clears newer ones */
	bool pp_slots;                 /* post-processing buckets (6.12+) */
	bool stream_mutex;             /* preemptible mutex streams (6.15+) */
	bool bd_block0;                /* backing block 0 usable */
	bool wb_params;                /* writeback type=, page_indexes= */
	bool huge_without_stream;      /* write_incompressible_page (6.14+) */
	bool accessed_on_error;        /* zram_accessed after failed I/O (≤6.3) */
};

const struct zram_prof *zram_prof_find(const char *name);

/* ---- slots (slot.c) -------------------------------------------------- */

enum zram_flag_bits {
	ZRAM_LOCK = 0,
	ZRAM_SAME,
	ZRAM_WB,
	ZRAM_UNDER_WB,   /* 6.1 writeback in flight */
	ZRAM_PP_SLOT,    /* 6.12+ selected for post-processing */
	ZRAM_HUGE,
	ZRAM_IDLE,
	ZRAM_INCOMPRESSIBLE,
	ZRAM_PRIO_SHIFT, /* 2 bits of compression priority */
};
#define ZF(b) (1u << (b))
#define ZRAM_PRIO_MASK 3u

struct zram_slot {
	_Atomic uint32_t flags; /* lock bit, flags, priority */
	uint32_t size;          /* object size (under the slot lock) */
	uint64_t handle;        /* zsmalloc handle / same element / block */
	uint64_t ac_time;       /* last access (seconds) */
};

struct zsim_zram;
void zram_slot_lock(struct zsim_zram *z, uint32_t index);
bool zram_slot_trylock(struct zsim_zram *z, uint32_t index);
void zram_slot_unlock(struct zsim_zram *z, uint32_t index);
static inline bool zram_test(const struct zram_slot *s, unsigned bit)
{
	return atomic_load_explicit(&s->flags, memory_order_relaxed) & ZF(bit);
}
static inline void zram_set(struct zram_slot *s, unsigned bit)
{
	atomic_fetch_or_explicit(&s->flags, ZF(bit), memory_order_relaxed);
}
static inline void zram_clear(struct zram_slot *s, unsigned bit)
{
	atomic_fetch_and_explicit(&s->flags, ~ZF(bit), memory_order_relaxed);
}
static inline unsigned zram_prio(const struct zram_slot *s)
{
	return (atomic_load_explicit(&s->flags, memory_order_relaxed) >> ZRAM_PRIO_SHIFT) &
	       ZRAM_PRIO_MASK;
}
void zram_set_prio(struct zram_slot *s, unsigned prio);
bool zram_allocated(const struct zram_slot *s);
/* zram_free_page / slot_free: slot lock held. */
void zram_slot_free(struct zsim_zram *z, uint32_t index);
/* zram_accessed / mark_slot_accessed: slot lock held. */
void zram_slot_accessed(struct zsim_zram *z, uint32_t index);

/* ---- the swap layer's per-CPU cache of freed entries (swap.c) ------- */

#define ZRAM_SWAP_SLOTS_CACHE_SIZE 64 /* SWAP_SLOTS_CACHE_SIZE */
struct zram_slots_ret {
	pthread_mutex_t lock;         /* the cache's free_lock */
	unsigned n;
	uint32_t index[ZRAM_SWAP_SLOTS_CACHE_SIZE];
} __attribute__((aligned(ZSIM_CACHELINE)));

/* A slot used again while its free waits in a swap slots cache is freed
 * first (swap.c); the block I/O entry points call it too. */
void zram_swap_flush_pending(struct zsim_zram *z, uint32_t index);
/* attrs.c: a decimal attribute value; 0 or ZSIM_EINVAL. */
int zram_parse_u64(const char *s, uint64_t *out);

/* ---- compression streams (zcomp.c) ---------------------------------- */

struct zram_strm {
	pthread_mutex_t lock;
	struct zsim_codec *codec; /* NULL while the CPU is offline */
	uint8_t *buffer;          /* 2 x PAGE_SIZE, as zcomp's */
	uint8_t *local_copy;      /* PAGE_SIZE: objects spanning pages */
	unsigned cpu;             /* the CPU it belongs to */
} __attribute__((aligned(ZSIM_CACHELINE)));

struct zram_comp {
	char name[ZSIM_CODEC_NAME_MAX];
	int level;
	unsigned codec_flags;   /* ZSIM_CODEC_P_*: the backend's parameters */
	unsigned nr;
	struct zram_strm *streams;
	_Atomic uint64_t *contended; /* shared counter of the device */
};

int zram_comp_create(const char *alg, int level, unsigned codec_flags, unsigned nr_cpus,
		     const bool *online,
		     _Atomic uint64_t *contended, struct zram_comp **out);
/* CPU hotplug: make / free one CPU's stream (under its lock). */
int zram_comp_cpu_up(struct zram_comp *c, unsigned cpu);
void zram_comp_cpu_dead(struct zram_comp *c, unsigned cpu);
void zram_comp_destroy(struct zram_comp *c);
struct zram_strm *zram_stream_get(struct zram_comp *c, unsigned cpu);
void zram_stream_put(struct zram_strm *s);
/* Compress one page into s->buffer; *len the produced length. */
int zram_compress(struct zram_strm *s, const void *src, unsigned *len);
int zram_decompress(struct zram_strm *s, const void *src, unsigned len, void *dst);
size_t zram_comp_memory(const struct zram_comp *c);
bool zram_alg_available(const struct zsim_zram *z, const char *alg);

/* ---- the device ------------------------------------------------------ */

/* The kernel's counters are atomic64_t shared by all CPUs; here each
 * thread shard (common/shard.h) has its own copy and a read sums them, so
 * that two threads do not bounce one line per page. Gauges may go below
 * zero in one shard; the sum (mod 2^64) is exact. */
struct zram_stats {
	_Atomic uint64_t compr_data_size, pages_stored, same_pages, huge_pages,
		huge_pages_since, failed_reads, failed_writes, invalid_io, notify_free,
		bd_count, bd_reads, bd_writes, writestall, miss_free, num_reads, num_writes,
		pswpout, pswpin, swpout_zero, swpin_zero, recompressed, recompress_tried;
} __attribute__((aligned(ZSIM_SHARD_STRIDE)));

#define zstat_add(z, f, n) \
	atomic_fetch_add_explicit(&(z)->stats[zsim_shard()].f, (n), memory_order_relaxed)
#define zstat_sub(z, f, n) \
	atomic_fetch_sub_explicit(&(z)->stats[zsim_shard()].f, (n), memory_order_relaxed)

struct zram_cpu_area {
	pthread_mutex_t lock;
} __attribute__((aligned(ZSIM_CACHELINE)));

struct zsim_swapdev;

struct zsim_zram {
	const struct zram_prof *prof;
	pthread_rwlock_t init_lock;
	unsigned nr_cpus, nr_nodes, chain_size;
	struct zsim_page_allocator *pages; /* borrowed or NULL */
	struct zsim_fault_injector *fault;
	char algs_allowed[256];            /* config.algorithms ("" = all) */
	const char *default_comp;

	char comp_algs[ZSIM_ZRAM_MAX_COMPS][ZSIM_CODEC_NAME_MAX]; /* "" unset */
	int levels[ZSIM_ZRAM_MAX_COMPS];
	struct zram_comp *comps[ZSIM_ZRAM_MAX_COMPS];
	unsigned num_active_comps;

	uint64_t disksize; /* 0: not initialised */
	uint64_t nr_slots;
	struct zram_slot *table;
	struct zsim_zpool *pool;
	size_t huge_class_size;
	struct zram_cpu_area *areas; /* nr_cpus */
	bool *cpu_online;            /* nr_cpus; under init_lock */
	struct zram_slots_ret *slots_ret; /* nr_cpus: the swap layer's caches of
					   * freed entries (swap.c) */
	_Atomic uint64_t limit_pages;

	/* backing device (writeback.c) */
	struct zsim_swapdev *bdev;
	char bd_path[256];
	uint64_t bd_nr_pages;
	uint64_t *bitmap;
	pthread_mutex_t bitmap_lock;
	pthread_mutex_t wb_limit_lock;
	bool wb_limit_enable;
	uint64_t bd_wb_limit;

	/* the swap layer's zeromap (swap.c) */
	_Atomic uint64_t *zeromap;
	/* slots whose free waits in a swap slots cache (swap.c): the kernel
	 * never hands them out again before the free, so a caller that uses
	 * one anyway gets it freed first */
	_Atomic uint64_t *free_pending;

	_Atomic uint64_t now;
	struct zram_stats stats[ZSIM_SHARDS];
	_Atomic uint64_t max_used_pages;   /* a maximum: one shared word */
	_Atomic uint64_t stream_contended; /* counted only when a lock waits */

	pthread_mutex_t err_lock;
	char err[256];
};

int zram_err(struct zsim_zram *z, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* rw.c */
int zram_write_page(struct zsim_zram *z, uint32_t index, const void *page, unsigned cpu);
/* Read the slot's page; slot lock NOT held. *unalloc set when the slot
 * held nothing (the page is zero-filled). */
int zram_read_page(struct zsim_zram *z, uint32_t index, void *page, unsigned cpu,
		   bool *unalloc);
/* read_from_zspool: slot lock held, slot not WB. */
int zram_read_from_pool(struct zsim_zram *z, uint32_t index, void *page, unsigned cpu);
void zram_update_used_max(struct zsim_zram *z, uint64_t pages);

/* writeback.c */
void zram_bdev_reset(struct zsim_zram *z);
void zram_bdev_free_block(struct zsim_zram *z, uint64_t blk);
int zram_bdev_read(struct zsim_zram *z, uint64_t blk, void *page);
int zram_writeback_store(struct zsim_zram *z, const char *buf);
/* Post-processing selection (6.12 and later): the slots `pick` accepts, marked
 * ZRAM_PP_SLOT, largest object-size bucket first. */
int zram_pp_scan(struct zsim_zram *z, uint64_t lo, uint64_t hi,
		 bool (*pick)(struct zsim_zram *, struct zram_slot *, unsigned), unsigned arg,
		 uint32_t **out, uint64_t *nout);
void zram_pp_release(struct zsim_zram *z, uint32_t index);

/* recompress.c */
int zram_recompress_store(struct zsim_zram *z, const char *buf);
int zram_mark_idle(struct zsim_zram *z, uint64_t age_sec, bool all);

/* Simple "key=value key=value" walker (the kernel's next_arg). Returns the
 * rest; *key and *val point into buf (modified in place); *val "" if none. */
char *zram_next_arg(char *args, char **key, char **val);
/* memparse: number with K/M/G/T/P/E suffix. Returns 0 or ZSIM_EINVAL. */
int zram_memparse(const char *s, uint64_t *out, const char **end);

#define ZRAM_CPU_OF(z, cpu) ((cpu) % (z)->nr_cpus)

#endif
