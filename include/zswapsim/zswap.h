/*
 * zswapsim/zswap.h - the simulated zswap: a compressed cache in front of
 * swap devices, as mm/zswap.c implements it, under a chosen kernel profile.
 *
 * Glossary (the kernel's words, used throughout the library)
 *   profile     a kernel version's behaviour: "6.1", "6.12", "6.13",
 *               "6.18", "latest" (the 2026 mm tree). docs/profiles.md has
 *               the table of what each one changes.
 *   swap type   a swap device (0..ZSIM_MAX_SWAPFILES-1), made active by
 *               swapon with a number of slots; a slot is addressed by
 *               (type, offset).
 *   folio       2^order pages (order 0..9) swapped out together to the
 *               consecutive slots offset .. offset + 2^order - 1.
 *   pool        a compressor + an allocator (zsmalloc) pair, reference
 *               counted; the current pool takes new stores, older pools
 *               live until their last entry goes.
 *   acomp ctx   a per-CPU compression context of a pool: codec instance,
 *               destination buffer and mutex.
 *   entry       one stored page: its compressed length, allocator handle,
 *               pool, memcg and LRU position.
 *   tree        entries of a swap type, one xarray per 16384 slots.
 *   memcg       a simulated memory cgroup (id 0 is the root) that is
 *               charged for its entries and may limit them (zswap.max).
 *   zeromap     (6.12+) the swap layer's bitmap of zero-filled slots:
 *               zero pages never reach zswap.
 *
 * The swap layer around zswap is modelled too, since the kernel's counters
 * depend on it: a store that zswap refuses is written to the swap device
 * (pswpout) and a later load reads it back (pswpin); so no page is ever
 * lost, whatever zswap decides.
 *
 * Concurrency contract (the kernel's swap cache): operations on DIFFERENT
 * slots may run in parallel from any number of threads; operations on the
 * SAME slot must be serialized by the caller, as the folio lock and the
 * swap cache serialize them in the kernel. Internal writeback (issue 5)
 * takes its own slot locks and re-validates entries, as the kernel does.
 * `cpu` names the simulated CPU an operation runs on (0..nr_cpus-1): it
 * picks the per-CPU compression context. Two threads may use the same cpu;
 * they then serialize on that context's mutex, as migrated tasks do.
 *
 * Errors: ZSIM_EINVAL (NULL buffers, bad order), ZSIM_ERANGE (type, offset,
 * cpu or memcg out of range), ZSIM_ESHUTDOWN (swap type not active),
 * ZSIM_ENOENT (load of a slot that holds nothing), ZSIM_EIO (the swap device
 * failed a write or a read; decompression failed). A bad call changes no
 * state. A store zswap refuses is NOT an error: the kernel then writes the
 * folio to the swap device, and so does zsim_zswap_store, which returns 0
 * with *where = ZSIM_WHERE_DEVICE (or ZSIM_WHERE_KEPT) and counts the
 * reason (reject_*, pool_limit_hit ...).
 *
 * Ownership: the caller owns all buffers; the library copies what it keeps.
 */
#ifndef ZSWAPSIM_ZSWAP_H
#define ZSWAPSIM_ZSWAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common.h"
#include "fault.h"
#include "stats.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ZSIM_MAX_SWAPFILES 32
#define ZSIM_MAX_ORDER 9                    /* PMD-sized folio: 512 pages */
#define ZSIM_SWAP_ADDRESS_SPACE_SHIFT 14    /* 16384 slots (64 MiB) per tree */
#define ZSIM_MAX_MEMCGS 65535

/*
 * How the global shrink worker (the kernel's zswap-shrink work item) runs
 * relative to the stores that queue it.
 *   THREAD  on a host thread of its own, free running: counters depend on
 *           the host's thread timing (the library's historical default);
 *   INLINE  to completion inside the store that queued it (deterministic,
 *           but far more writeback than a kernel: docs/kernel-parity.md);
 *   SIM     a simulated work queue (src/zswap/workqueue.c): the worker
 *           runs at the kernel's points of preemption of the storing task
 *           in simulated time, on `sched.cpus` simulated CPUs; counters are
 *           a function of the inputs and `sched.seed` only.
 */
enum zsim_shrink_sched {
	ZSIM_SHRINK_SCHED_THREAD = 0,
	ZSIM_SHRINK_SCHED_INLINE = 1,
	ZSIM_SHRINK_SCHED_SIM = 2,
};

/*
 * The simulated schedule (ZSIM_SHRINK_SCHED_SIM). Times are simulated
 * nanoseconds of the machine being modelled; 0 in any field = default
 * (reject_ns and run_ns: in the default ratio to store_ns).
 * zsim_sched_config_init's values model the measured machine of
 * docs/kernel-parity.md (one vCPU under qemu TCG, HZ=250, EEVDF); the
 * costs' ratios come from traced kernel runs, their scale from the host.
 */
struct zsim_sched_config {
	unsigned cpus;        /* CPUs the storing task and the worker share:
			       * 1 = the worker runs only when the storing
			       * task is preempted, yields or sleeps; >= 2 =
			       * it runs concurrently (default 1) */
	uint64_t seed;        /* tick phase and cost jitter (default 1) */
	uint64_t store_ns;    /* reclaim's time for one page stored in zswap
			       * (43 us) */
	uint64_t iter_ns;     /* one shrink_worker loop iteration (memcg
			       * walk, LRU visit) without writeback */
	uint64_t wb_ns;       /* one entry written back (added to iter_ns;
			       * 75 us) */
	uint64_t tick_ns;     /* scheduler tick (4 ms: HZ=250) */
	uint64_t slice_ns;    /* base slice of the fair scheduler (0.75 ms) */
	uint64_t wake_ns;     /* wakeup latency of the worker on an idle CPU */
	uint64_t event_ns;    /* scheduler events between ticks (interrupts,
			       * I/O completions) come within this delay of
			       * a slice's end (0.25 ms); the tick bounds it */
	unsigned jitter_pct;  /* each cost varies by up to +-jitter_pct % */
	int scheduler;        /* enum zsim_cpu_sched; 0 = the profile's */
	uint64_t reject_ns;   /* reclaim's time for a page not stored in
			       * zswap (same-filled, or refused and written
			       * to the device): no compression (17 us) */
	uint64_t run_ns;      /* one run of the worker beyond its loop
			       * (wakeup, process_one_work, switches; 9 us) */
};

/* The fair scheduler the modelled kernel has: CFS (up to 6.5) lets a
 * woken worker that slept preempt the storing task at once; EEVDF (6.6+)
 * does so while the worker has lag, else protects the task's slice
 * (RUN_TO_PARITY). */
enum zsim_cpu_sched {
	ZSIM_CPU_SCHED_PROFILE = 0,
	ZSIM_CPU_SCHED_EEVDF = 1,
	ZSIM_CPU_SCHED_CFS = 2,
};

/* Fill sc with the defaults. */
ZSIM_API void zsim_sched_config_init(struct zsim_sched_config *sc);
/* "thread", "inline", "sim" -> enum zsim_shrink_sched; ZSIM_ENOENT else. */
ZSIM_API int zsim_shrink_sched_parse(const char *name, int *out);
ZSIM_API const char *zsim_shrink_sched_name(int sched);

/*
 * Settings of a simulated zswap. Two ways to fill it, both safe:
 *   - zsim_zswap_config_init(&cfg), then change fields: every field means
 *     what it says (enabled = 0 turns zswap off, accept_threshold_percent
 *     = 0 is a threshold of 0%);
 *   - a zeroed struct or designated initializers
 *     (struct zsim_zswap_config cfg = {.compressor = "lz4"}): every field
 *     left 0 or NULL takes its default, so a zeroed struct is the default
 *     zswap, enabled. To turn a boolean off in this form, set it to
 *     ZSIM_CONFIG_OFF (-1), which means off in both forms.
 * zsim_zswap_create tells the two apart by `initialized`, which only
 * zsim_zswap_config_init sets.
 */
#define ZSIM_CONFIG_ON 1
#define ZSIM_CONFIG_OFF (-1)
#define ZSIM_ZSWAP_CONFIG_INITIALIZED 0x7a737763u /* set by zsim_zswap_config_init */

struct zsim_zswap_config {
	const char *profile;      /* "6.1" "6.12" "6.13" "6.18" "latest"; default "6.12" */
	const char *compressor;   /* codec spec (zswapsim/codec.h); default "zstd" */
	const char *zpool;        /* "zsmalloc" (default), "ideal", "malloc" */
	unsigned chain_size;      /* zsmalloc pages per zspage; 0 = the profile's */
	unsigned max_pool_percent;         /* default 20 (zeroed form: 0 = 20) */
	unsigned accept_threshold_percent; /* default 90 (zeroed form: 0 = 90) */
	uint64_t ram_bytes;       /* simulated totalram; default 8 GiB */
	unsigned nr_cpus;         /* simulated CPUs; 0 = this machine's */
	unsigned nr_nodes;        /* simulated NUMA nodes; 0 = 1 */
	int enabled;              /* zswap enabled: > 0 on, ZSIM_CONFIG_OFF off;
				   * default on (0: off after config_init, on
				   * in the zeroed form) */
	int shrinker_enabled;     /* dynamic shrinker (6.8+): > 0 on; default off */
	int refuse_large_folios;  /* refuse large folios even where the
				   * profile stores them: > 0 on; default off */
	int same_filled_pages_enabled; /* 6.1 param: > 0 on, ZSIM_CONFIG_OFF
				   * off; default on (0 as for `enabled`) */
	int batch;                /* the out-of-tree IAA batching series
				   * (Sridhar, v13/v14), which no released
				   * kernel has: 1 compresses large folios in
				   * batches through the codec's batch
				   * interface where the codec batches;
				   * -1 (default, the profile's: no batching)
				   * and 0 store page by page as the kernel
				   * does. Counters are identical either way;
				   * the modelled latency differs. */
	int shrink_worker_inline; /* run the global shrink worker in the
				   * store that queues it (deterministic)
				   * instead of on its own thread; default 0.
				   * Same as shrink_sched = ZSIM_SHRINK_SCHED_INLINE */
	int shrink_sched;         /* enum zsim_shrink_sched: how the global
				   * shrink worker is scheduled; default
				   * ZSIM_SHRINK_SCHED_THREAD */
	struct zsim_sched_config sched; /* ZSIM_SHRINK_SCHED_SIM only; set by
				   * zsim_zswap_config_init; zero times take
				   * the defaults, jitter_pct 0 is none */
	struct zsim_fault_injector *fault; /* borrowed; may be NULL */
	unsigned initialized;     /* ZSIM_ZSWAP_CONFIG_INITIALIZED after
				   * zsim_zswap_config_init; leave it alone */
};

/* Fill cfg with the defaults above (and mark it initialized). */
ZSIM_API void zsim_zswap_config_init(struct zsim_zswap_config *cfg);

struct zsim_zswap;

/* ZSIM_ENOENT unknown profile/compressor/zpool, ZSIM_EINVAL bad numbers. */
ZSIM_API int zsim_zswap_create(const struct zsim_zswap_config *cfg,
			       struct zsim_zswap **out);
/* Frees everything, stored entries included. */
ZSIM_API void zsim_zswap_destroy(struct zsim_zswap *z);

/* Names of the profiles, NULL-terminated. */
ZSIM_API const char *const *zsim_zswap_profiles(void);
ZSIM_API const char *zsim_zswap_profile_name(const struct zsim_zswap *z);
/* The profile's ZSIM_P_* bit (zswapsim/stats.h), to test a counter's
 * `profiles` mask from zsim_counters(): 0 and *bit set, or ZSIM_EINVAL
 * (NULL argument) or ZSIM_ENOENT (no profile of that name). */
ZSIM_API int zsim_zswap_profile_bit(const char *name, unsigned *bit);

/* --- swap devices ------------------------------------------------------ */

enum zsim_swapdev_kind {
	ZSIM_SWAPDEV_MEMORY = 0, /* pages kept in memory */
	ZSIM_SWAPDEV_FILE = 1,   /* a real file, page at offset x 4096 */
};

/* swapon: activate `type` with nr_slots slots (1 .. 2^32), backed by a
 * real file: an unlinked temporary file in $TMPDIR (default /tmp), page at
 * offset x 4096. ZSIM_EBUSY if already active, ZSIM_EIO if the file cannot
 * be made. */
ZSIM_API int zsim_zswap_swapon(struct zsim_zswap *z, unsigned type,
			       uint64_t nr_slots);
/* swapon backed by the file at `path` (created if needed; must be
 * readable and writable: ZSIM_EIO otherwise). A device that later fails to
 * write (a full disk, /dev/full) makes the writes fail with ZSIM_EIO:
 * refused stores report it, writeback keeps the entry in zswap. */
ZSIM_API int zsim_zswap_swapon_file(struct zsim_zswap *z, unsigned type,
				    uint64_t nr_slots, const char *path);
/* swapon backed by memory (no file I/O; for fast sweeps). */
ZSIM_API int zsim_zswap_swapon_memory(struct zsim_zswap *z, unsigned type,
				      uint64_t nr_slots);

struct zsim_swap_stats {
	uint64_t nr_slots;
	uint64_t device_pages;   /* slots whose page is on the device */
	uint64_t bytes_written;  /* device writes: refused stores + writeback */
	uint64_t bytes_read;     /* device reads: swap-ins from the device */
	int kind;                /* enum zsim_swapdev_kind */
};
ZSIM_API int zsim_zswap_swap_stats(const struct zsim_zswap *z, unsigned type,
				   struct zsim_swap_stats *st);
/* swapoff: every slot of the type is freed (the kernel's try_to_unuse
 * swaps them in first; here their contents are dropped). */
ZSIM_API int zsim_zswap_swapoff(struct zsim_zswap *z, unsigned type);

/* --- store / load / invalidate ----------------------------------------- */

/* Where a page went on store, or came from on load. */
enum zsim_swap_where {
	ZSIM_WHERE_NONE = 0,
	ZSIM_WHERE_ZSWAP,   /* compressed in zswap (or same-filled entry) */
	ZSIM_WHERE_ZEROMAP, /* zero-filled slot in the swap zeromap (6.12+) */
	ZSIM_WHERE_DEVICE,  /* the backing swap device */
	ZSIM_WHERE_KEPT,    /* store only: not swapped out; zswap refused it
			     * and the memcg's zswap writeback is off, so the
			     * kernel keeps the folio in memory (6.8+) */
};

struct zsim_swap_folio {
	unsigned type;       /* swap type */
	uint64_t offset;     /* first slot */
	unsigned order;      /* 0..9: 2^order pages */
	const void *data;    /* 2^order x 4096 bytes */
	unsigned memcg;      /* owner memcg id (0 = root) */
	unsigned cpu;        /* simulated CPU */
};

/*
 * Swap out a folio (swap_writeout + zswap_store). Returns 0 and sets
 * *where (may be NULL) to where the folio went: zswap, the zeromap or, if
 * zswap refused it, the swap device; or ZSIM_WHERE_KEPT when zswap refused
 * it and the memcg has memory.zswap.writeback=0 (6.8+): the folio stays in
 * memory and its slots hold nothing. A refusal is never an error code (the
 * reason is in the counters: reject_*, pool_limit_hit); ZSIM_REJECTED is
 * not returned. Errors: ZSIM_EINVAL (NULL folio or data, order > 9),
 * ZSIM_ERANGE (type, slots, cpu or memcg out of range), ZSIM_ESHUTDOWN
 * (type not swapped on), ZSIM_EIO (zswap refused and the device write
 * failed: the slots hold nothing, the caller keeps the folio).
 * A large folio is all-or-nothing: on any failure no slot keeps an entry.
 */
ZSIM_API int zsim_zswap_store(struct zsim_zswap *z, const struct zsim_swap_folio *f,
			      enum zsim_swap_where *where);

/*
 * Swap in one page (zswap_load, else the zeromap, else the device) into
 * page (4096 bytes). Exclusive loads (6.8+) free the zswap entry; the
 * zeromap bit and the device copy stay until invalidate. ZSIM_ENOENT if the
 * slot holds nothing (a miss); ZSIM_EIO if decompression failed (the entry
 * is kept, decompress_fail counts it). `memcg` is the faulting task's
 * memcg: a read from the device counts in its nr_disk_swapins, which the
 * dynamic shrinker consumes.
 */
ZSIM_API int zsim_zswap_load(struct zsim_zswap *z, unsigned type, uint64_t offset,
			     unsigned memcg, unsigned cpu, void *page,
			     enum zsim_swap_where *from);

/* One slot and who touches it: the fields of struct zsim_swap_folio that a
 * load needs, by name, so that type, memcg and cpu cannot be swapped by
 * position. */
struct zsim_swap_slot {
	unsigned type;       /* swap type */
	uint64_t offset;     /* slot */
	unsigned memcg;      /* the faulting task's memcg (0 = root) */
	unsigned cpu;        /* simulated CPU */
};

/*
 * zsim_zswap_load with the slot named by fields:
 *   zsim_zswap_load_slot(z, &(struct zsim_swap_slot){.type = 0, .offset = n},
 *                        page, &from);
 * Same results and errors as zsim_zswap_load (ZSIM_EINVAL for a NULL slot).
 */
ZSIM_API int zsim_zswap_load_slot(struct zsim_zswap *z, const struct zsim_swap_slot *slot,
				  void *page, enum zsim_swap_where *from);

/*
 * Swap in several slots at once, as readahead does (up to
 * ZSIM_LOAD_BATCH_MAX distinct slots of one type): page i of `pages`
 * (n x 4096 bytes) and results[i] are what zsim_zswap_load of offsets[i]
 * would give; from may be NULL. Zswap entries of a pool whose codec
 * batches are decompressed together through its batch interface; counters
 * are identical to n single loads. Returns 0 when it ran (see results),
 * ZSIM_EINVAL/ZSIM_ERANGE/ZSIM_ESHUTDOWN for a bad call (nothing done).
 */
#define ZSIM_LOAD_BATCH_MAX 64
ZSIM_API int zsim_zswap_load_batch(struct zsim_zswap *z, unsigned type,
				   const uint64_t *offsets, unsigned n, unsigned memcg,
				   unsigned cpu, void *pages, enum zsim_swap_where *from,
				   int *results);

/*
 * Modelled device latency in ns of the calling thread's most recent
 * zsim_zswap_store (a single page or a large folio), zsim_zswap_load or
 * zsim_zswap_load_batch: the sum, over the codec calls that operation
 * made, of their modelled latencies - one per synchronous compress or
 * decompress, one per batch submission (first descriptor to last
 * completion noticed). Decompressions for writeback done inside the call
 * count too. 0 when the pool's codec has no timing model (every software
 * codec, and "deflate-iaa", which measures rather than models), when the
 * operation ran no codec (zeromap, device, a refusal before compressing),
 * and before the thread's first such call. Thread-local: other threads'
 * operations do not change it. A model (deflate-iaa-sim, docs/iaa.md),
 * not a measurement; compare it with batching on and off (config.batch).
 */
ZSIM_API uint64_t zsim_zswap_last_modelled_ns(void);

/* Free nr slots starting at offset (zswap_invalidate + the slot's zeromap
 * bit and device copy). Slots that hold nothing are skipped. */
ZSIM_API int zsim_zswap_invalidate(struct zsim_zswap *z, unsigned type,
				   uint64_t offset, unsigned nr);

/* What the slot holds now, without loading it. */
ZSIM_API int zsim_zswap_slot_state(struct zsim_zswap *z, unsigned type,
				   uint64_t offset, enum zsim_swap_where *where,
				   size_t *compressed_len);

/* --- runtime parameters ------------------------------------------------ */

/* /sys/module/zswap/parameters/compressor: a new current pool; old entries
 * stay in their pool until they go. ZSIM_ENOENT unknown codec. */
ZSIM_API int zsim_zswap_set_compressor(struct zsim_zswap *z, const char *spec);
ZSIM_API int zsim_zswap_set_enabled(struct zsim_zswap *z, int enabled);
ZSIM_API int zsim_zswap_set_max_pool_percent(struct zsim_zswap *z, unsigned pct);
ZSIM_API int zsim_zswap_set_accept_threshold_percent(struct zsim_zswap *z, unsigned pct);

/* Pools alive now (current + retired), and their pages. */
ZSIM_API unsigned zsim_zswap_nr_pools(const struct zsim_zswap *z);

/* --- simulated CPUs ---------------------------------------------------- */

ZSIM_API unsigned zsim_zswap_nr_cpus(const struct zsim_zswap *z);
/* CPU hotplug: offline/online of a simulated CPU, safe while stores run.
 * Up to 6.18 offline frees that CPU's contexts in every pool (the hotplug
 * "dead" callback) and online re-creates them; from "latest" on they live
 * as long as the pool. An operation naming an offline CPU runs on the next
 * online one, as a migrated task would. ZSIM_EBUSY when offlining the last
 * online CPU. */
ZSIM_API int zsim_zswap_cpu_offline(struct zsim_zswap *z, unsigned cpu);
ZSIM_API int zsim_zswap_cpu_online(struct zsim_zswap *z, unsigned cpu);

/* Memory the per-CPU compression contexts hold (codec state + buffers),
 * for one CPU over all pools, or in total (cpu = UINT32_MAX). */
ZSIM_API size_t zsim_zswap_ctx_memory(const struct zsim_zswap *z, unsigned cpu);

/* --- memcgs ------------------------------------------------------------ */

/* Create memcg `id` under `parent` (ZSIM_EEXIST if it exists). Operations
 * naming an unknown memcg create it under the root. */
ZSIM_API int zsim_zswap_memcg_create(struct zsim_zswap *z, unsigned id,
				     unsigned parent);
/* Set a cgroup file: "memory.zswap.max" ("max" or bytes),
 * "memory.zswap.writeback" ("0"/"1"), "memory.max" ("max" or bytes). */
ZSIM_API int zsim_zswap_memcg_set(struct zsim_zswap *z, unsigned id,
				  const char *key, const char *value);
ZSIM_API int zsim_zswap_memcg_stats(const struct zsim_zswap *z, unsigned id,
				    struct zsim_memcg_stats *st);
/* A memcg's settings as the cgroup files read back. */
struct zsim_memcg_config {
	unsigned parent;       /* parent id (0 for the root itself) */
	uint64_t memory_max;   /* bytes; UINT64_MAX = "max" */
	uint64_t zswap_max;    /* bytes; UINT64_MAX = "max" */
	int writeback;         /* this memcg's own memory.zswap.writeback */
	int writeback_effective; /* AND over it and its ancestors */
};
ZSIM_API int zsim_zswap_memcg_config(const struct zsim_zswap *z, unsigned id,
				     struct zsim_memcg_config *c);
/* Highest memcg id in use + 1. */
ZSIM_API unsigned zsim_zswap_memcg_count(const struct zsim_zswap *z);
ZSIM_API bool zsim_zswap_memcg_exists(const struct zsim_zswap *z, unsigned id);

/* --- writeback and shrinking ------------------------------------------ */

/* Wait until the global shrink worker is idle (flush_work). */
ZSIM_API int zsim_zswap_flush_shrink_work(struct zsim_zswap *z);
/* How many times the shrink worker has run. */
ZSIM_API uint64_t zsim_zswap_shrink_worker_runs(const struct zsim_zswap *z);

/*
 * The simulated schedule (ZSIM_SHRINK_SCHED_SIM; ZSIM_ENOTSUP otherwise).
 * A store is one page of reclaim (its time is charged after it) followed
 * by a point of preemption (shrink_folio_list's cond_resched). Callers
 * that model reclaim add its other scheduling points:
 *   zsim_zswap_sched_yield(z, 0)   cond_resched with the task's slice
 *                                  used up / end of a reclaim pass: a
 *                                  runnable worker gets one quantum;
 *   zsim_zswap_sched_yield(z, ns)  the task sleeps ns (throttling, I/O
 *                                  wait, the end of a memory.reclaim
 *                                  write): the worker runs meanwhile.
 */
ZSIM_API int zsim_zswap_sched_yield(struct zsim_zswap *z, uint64_t sleep_ns);

struct zsim_sched_stats {
	uint64_t now_ns;       /* simulated time */
	uint64_t queued;       /* queue_work calls that queued (not pending) */
	uint64_t runs;         /* worker runs started */
	uint64_t preempted;    /* times the worker lost the CPU mid-run */
	uint64_t iterations;   /* worker loop iterations */
	uint64_t worker_ns;    /* simulated time the worker ran */
};
ZSIM_API int zsim_zswap_sched_stats(const struct zsim_zswap *z, struct zsim_sched_stats *st);
/* shrink_memcg (6.8+): write back up to the profile's walk (1 entry; 32 in
 * "latest") of the memcg's LRU per node. 0 something written back,
 * ZSIM_ENOENT writeback disabled or nothing to scan, ZSIM_EAGAIN scanned
 * but nothing written back, ZSIM_ENOTSUP in profiles without it. */
ZSIM_API int zsim_zswap_shrink_memcg(struct zsim_zswap *z, unsigned memcg, unsigned cpu);

/* The dynamic shrinker (6.8+, shrinker_enabled): what the kernel's
 * shrink_slab would call for (memcg, node) under memory pressure.
 * count = LRU length less recent disk swap-ins, scaled by the compression
 * ratio; scan walks nr_to_scan entries and returns the number written back
 * or ZSIM_SHRINK_STOP (nothing written, or a slot found in the swap cache). */
#define ZSIM_SHRINK_STOP (-1)
ZSIM_API uint64_t zsim_zswap_shrinker_count(struct zsim_zswap *z, unsigned memcg, unsigned nid);
ZSIM_API int64_t zsim_zswap_shrinker_scan(struct zsim_zswap *z, unsigned memcg, unsigned nid,
					  uint64_t nr_to_scan, unsigned cpu);

/* zs_compact on every live pool (zsmalloc's shrinker, which the kernel
 * runs under memory pressure; zswap itself never calls it). Returns the
 * pages freed (>= 0). */
ZSIM_API int64_t zsim_zswap_compact(struct zsim_zswap *z);
/* zs_shrinker_count over every live pool: the pages compaction could free
 * now (sum of zs_can_compact over the classes). 0 for a NULL z. */
ZSIM_API uint64_t zsim_zswap_compact_count(struct zsim_zswap *z);

/* --- counters ---------------------------------------------------------- */

ZSIM_API int zsim_zswap_stats(const struct zsim_zswap *z, struct zsim_zswap_stats *st);

/* Memory the simulator itself uses for metadata (entries + trees), the
 * entries counted, and so the bytes per stored page. */
struct zsim_zswap_meta {
	uint64_t allocator_pages; /* pages the simulated page allocator holds
				   * (zsmalloc pools of this instance): an
				   * independent count of pool_total_size */
	uint64_t entries;
	uint64_t entry_bytes;   /* the entry cache's pages (live and free entries, packed) */
	uint64_t tree_bytes;    /* all trees' nodes */
	uint64_t tree_nodes;
};
ZSIM_API int zsim_zswap_meta(const struct zsim_zswap *z, struct zsim_zswap_meta *m);

/* Counters as JSON: {"zswap": {debugfs}, "vmstat": {...}, "memcg":
 * {"0": {...}, ...}}, only the counters the profile has. */
ZSIM_API int zsim_zswap_write_json(const struct zsim_zswap *z, FILE *out);

/* Every counter with its description, for --help and docs. */
struct zsim_counter_info {
	const char *group;   /* "zswap", "vmstat", "memcg" */
	const char *name;
	char kind;           /* 'C' counter, 'G' gauge */
	unsigned profiles;   /* ZSIM_P_* bits */
	const char *description;
};
ZSIM_API const struct zsim_counter_info *zsim_counters(size_t *count);

/* --- test hooks ---------------------------------------------------------- */

/*
 * TEST HOOK, not a kernel interface: XOR byte `byte` of the object stored
 * for slot (type, offset) with xor_mask, in place, as a bit flip in a
 * zsmalloc page would (for a 6.1 same-filled entry, byte 0..7 of the
 * repeated word). A later load then fails to decompress (ZSIM_EIO,
 * decompress_fail) or returns different bytes, which is what tests of a
 * verifier need. zsim_zswap_slot_state gives the object's length.
 * Returns 0, ZSIM_ENOENT (no zswap entry in the slot), ZSIM_ERANGE (byte
 * beyond the object, or a bad slot), ZSIM_ESHUTDOWN (type not active).
 * Context: takes the slot lock; safe against concurrent operations.
 */
ZSIM_API int zsim_zswap_test_corrupt_entry(struct zsim_zswap *z, unsigned type,
					   uint64_t offset, size_t byte, uint8_t xor_mask);

#ifdef __cplusplus
}
#endif
#endif
