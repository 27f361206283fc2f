/*
 * zswapsim/zram.h - the simulated zram device: a compressed RAM block
 * device as drivers/block/zram/zram_drv.c and zcomp.c implement it, under
 * a chosen kernel profile, on the same codecs and the same zsmalloc code
 * that the zswap side uses (zswapsim/zpool.h): the same page gives the same
 * compressed length and lands in the same size class either way.
 *
 * Glossary (the kernel's words)
 *   profile      "6.1", "6.12" or "latest": which zram_drv.c/zcomp.c to
 *                follow (docs/zram.md, docs/profiles.md).
 *   disksize     the device's size in bytes; setting it initialises the
 *                device (the slot table, the zsmalloc pool, the streams).
 *   slot/index   one PAGE_SIZE block of the device, 0 .. disksize/4096-1.
 *   same-filled  a page of one repeated machine word (8 bytes): only the
 *                word is kept (ZRAM_SAME), no pool memory.
 *   huge         a page whose compressed length reaches zsmalloc's
 *                huge_class_size: stored uncompressed (ZRAM_HUGE).
 *   stream       a per-CPU compression stream (zcomp_strm) of one
 *                algorithm: codec, 2-page output buffer, local copy page.
 *   priority     0 is comp_algorithm; 1..3 the recompression algorithms
 *                (recomp_algorithm, 6.2+).
 *   backing dev  where `writeback` moves pages (ZRAM_WB); reads of such
 *                slots come back from it (bd_reads).
 *
 * The block API (write/read/discard/slot_free_notify) is the device: it
 * takes any page. The swap layer in front of it differs by profile: from
 * 6.12 the swap layer keeps zero-filled pages in its zeromap and never
 * sends them to zram, while 6.1 hands them to zram (same_pages). The
 * zsim_zram_swap_* helpers model that layer (pswpout, pswpin,
 * swpout_zero, swpin_zero); zsim_zram_swap_skips_zero() tells a caller
 * that drives the block API directly which rule the profile follows.
 *
 * Concurrency contract (the kernel's): I/O to different slots may run in
 * parallel from any number of threads; each slot has its own lock (a bit
 * lock in the table entry, as the kernel's). Writeback, recompression,
 * idle marking and compaction may run beside I/O. Configuration calls
 * (disksize, reset, comp_algorithm ...) take the device's init lock and
 * must not race with I/O on an uninitialised or resetting device, as the
 * kernel requires the device closed for reset. `cpu` names the simulated
 * CPU an operation runs on (0..nr_cpus-1): it picks the per-CPU stream;
 * two threads on one cpu serialize on that stream's lock.
 *
 * Errors: every function returns 0 (or a count) or a negative ZSIM_E*;
 * zsim_zram_last_error() gives the last message of the device (per device,
 * last writer wins). ZSIM_ENODEV: device not initialised (no disksize);
 * ZSIM_ERANGE: index past disksize; ZSIM_EBUSY: attribute that can only
 * change before disksize; ZSIM_ENOENT: algorithm the profile does not
 * have, or a read of a slot that holds nothing (the page is zero-filled,
 * as the kernel returns it); ZSIM_ENOMEM: a write that mem_limit refuses
 * or that zsmalloc cannot place (counted in failed_writes, as the kernel
 * does; the slot keeps its previous content); ZSIM_ENOTSUP: an attribute
 * the profile does not have.
 *
 * Ownership: the caller owns every buffer; the device copies what it keeps.
 */
#ifndef ZSWAPSIM_ZRAM_H
#define ZSWAPSIM_ZRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "fault.h"
#include "zpool.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ZSIM_ZRAM_MAX_COMPS 4 /* ZRAM_MAX_COMPS: primary + 3 secondaries */

struct zsim_zram_config {
	const char *profile;  /* "6.1", "6.12", "latest"; default "6.12" */
	unsigned nr_cpus;     /* simulated CPUs (streams per algorithm); 0 = 2 */
	unsigned nr_nodes;    /* simulated NUMA nodes; 0 = 1 */
	unsigned chain_size;  /* zsmalloc chain size (6.3+ era); 0 = profile's */
	/* Restrict the algorithms the kernel was built with (a kernel config:
	 * "lz4,lz4hc,zstd,deflate" is Debian 6.12's); NULL = the profile's
	 * upstream list. The default algorithm must be in it, else the first
	 * one listed becomes the default. */
	const char *algorithms;
	/* Share an existing page allocator (e.g. to set a global cap); NULL:
	 * the device's pool makes its own. Borrowed. */
	struct zsim_page_allocator *pages;
	struct zsim_fault_injector *fault; /* borrowed; may be NULL */
};

ZSIM_API void zsim_zram_config_init(struct zsim_zram_config *cfg);

struct zsim_zram;

/* zram_add: an uninitialised device with the profile's default
 * comp_algorithm. ZSIM_ENOENT unknown profile, ZSIM_EINVAL bad numbers. */
ZSIM_API int zsim_zram_create(const struct zsim_zram_config *cfg, struct zsim_zram **out);
/* zram_remove: frees everything (stored pages, pool, streams, backing). */
ZSIM_API void zsim_zram_destroy(struct zsim_zram *z);

/* Names of the zram profiles, NULL-terminated. */
ZSIM_API const char *const *zsim_zram_profiles(void);
ZSIM_API const char *zsim_zram_profile_name(const struct zsim_zram *z);
/* Last error message of this device ("" if none). */
ZSIM_API const char *zsim_zram_last_error(const struct zsim_zram *z);

/* --- attributes (sysfs: /sys/block/zramN/...) --------------------------- */

/*
 * Write `value` to attribute `attr` as `echo value > /sys/block/zram0/attr`
 * does: disksize (memparse: K/M/G suffixes), reset, comp_algorithm,
 * algorithm_params (6.12+: "priority=N level=N" / "algo=NAME level=N"),
 * recomp_algorithm (6.2+: "algo=NAME priority=N"), mem_limit, mem_used_max
 * ("0"), max_comp_streams (≤6.12: accepted, ignored), compact, idle ("all"
 * or an age in seconds), writeback (6.1: idle|huge|huge_idle|page_index=N;
 * later also incompressible, type=..., page_indexes=A-B), writeback_limit,
 * writeback_limit_enable, recompress (6.2+: type=idle|huge|huge_idle
 * threshold=N algo=NAME priority=N max_pages=N). The backing device is
 * set with zsim_zram_set_backing_dev (it names no real block device).
 * Returns 0 or the kernel's error as a ZSIM_E* code.
 */
ZSIM_API int zsim_zram_store(struct zsim_zram *z, const char *attr, const char *value);
/*
 * Read attribute `attr` into buf as the kernel's show() prints it:
 * mm_stat, io_stat, bd_stat, debug_stat, disksize, initstate,
 * comp_algorithm ("lzo [lzo-rle] lz4 ..."), recomp_algorithm,
 * max_comp_streams (≤6.12), backing_dev, writeback_limit,
 * writeback_limit_enable. Returns the length written (NUL excluded), or
 * ZSIM_ENOSPC if buf is too small, ZSIM_ENOENT unknown attribute,
 * ZSIM_ENOTSUP not in this profile.
 */
ZSIM_API int zsim_zram_show(struct zsim_zram *z, const char *attr, char *buf, size_t len);

/* Typed forms of the main attributes (same rules and errors). */
ZSIM_API int zsim_zram_set_comp_algorithm(struct zsim_zram *z, const char *alg);
ZSIM_API int zsim_zram_set_recomp_algorithm(struct zsim_zram *z, const char *alg,
					    unsigned priority);
/* algorithm_params: level for priority prio (0 = the backend's default).
 * A dictionary is not modelled: ZSIM_ENOTSUP. */
ZSIM_API int zsim_zram_set_algorithm_level(struct zsim_zram *z, unsigned prio, int level);
ZSIM_API int zsim_zram_set_disksize(struct zsim_zram *z, uint64_t bytes);
ZSIM_API int zsim_zram_reset(struct zsim_zram *z);
ZSIM_API int zsim_zram_set_mem_limit(struct zsim_zram *z, uint64_t bytes);
/* compact: zs_compact; returns pages freed (>= 0). */
ZSIM_API int64_t zsim_zram_compact(struct zsim_zram *z);

/*
 * backing_dev (CONFIG_ZRAM_WRITEBACK): before disksize. path NULL = a
 * device in memory; else a file (created if needed) of nr_pages pages.
 * ZSIM_EBUSY after disksize, ZSIM_EINVAL nr_pages 0, ZSIM_EIO the file.
 */
ZSIM_API int zsim_zram_set_backing_dev(struct zsim_zram *z, const char *path,
				       uint64_t nr_pages);

/* idle: mark slots idle whose last access is at least age_sec old (0 =
 * all, the "all" form). The device's clock is zsim_zram_set_time. */
ZSIM_API int zsim_zram_mark_idle(struct zsim_zram *z, uint64_t age_sec);
/* The simulated boottime in seconds that stamps each access (ac_time). */
ZSIM_API void zsim_zram_set_time(struct zsim_zram *z, uint64_t seconds);

/* --- block I/O -------------------------------------------------------- */

/* Write one page (PAGE_SIZE bytes) to slot `index`. */
ZSIM_API int zsim_zram_write(struct zsim_zram *z, uint32_t index, const void *page,
			     unsigned cpu);
/* Read slot `index` into page (PAGE_SIZE bytes). */
ZSIM_API int zsim_zram_read(struct zsim_zram *z, uint32_t index, void *page, unsigned cpu);
/* REQ_OP_DISCARD of nr slots from index: each is freed, notify_free += 1. */
ZSIM_API int zsim_zram_discard(struct zsim_zram *z, uint32_t index, uint32_t nr);
/* swap_slot_free_notify: notify_free += 1, then the slot is freed unless
 * its lock is held (miss_free += 1). */
ZSIM_API int zsim_zram_slot_free_notify(struct zsim_zram *z, uint32_t index);

/* --- the swap layer in front of zram ----------------------------------- */

/* 1 when the profile's swap layer keeps zero-filled pages in its zeromap
 * and never writes them to zram (6.12+), 0 when it writes them (6.1). */
ZSIM_API int zsim_zram_swap_skips_zero(const struct zsim_zram *z);

enum zsim_zram_where {
	ZSIM_ZRAM_IN_DEVICE = 0,  /* the page went to / came from zram */
	ZSIM_ZRAM_IN_ZEROMAP = 1, /* the swap layer's zeromap (6.12+) */
};
/* mkswap: write the swap header to slot 0 (as mkswap does before swapon;
 * it is one stored page in mm_stat from then on). Label/UUID fixed. */
ZSIM_API int zsim_zram_mkswap(struct zsim_zram *z, unsigned cpu);
/* swap_writepage of one page to swap slot `index`: zero pages to the
 * zeromap where the profile does so (swpout_zero), else a zram write
 * (pswpout). where may be NULL. */
ZSIM_API int zsim_zram_swap_out(struct zsim_zram *z, uint32_t index, const void *page,
				unsigned cpu, enum zsim_zram_where *where);
/* swap_read_folio: from the zeromap (swpin_zero) or zram (pswpin). */
ZSIM_API int zsim_zram_swap_in(struct zsim_zram *z, uint32_t index, void *page,
			       unsigned cpu, enum zsim_zram_where *where);
/* The swap entry is freed: zeromap bit cleared, then swap_slot_free_notify
 * (the kernel calls it for every freed slot). */
ZSIM_API int zsim_zram_swap_free(struct zsim_zram *z, uint32_t index);

/* --- state and statistics -------------------------------------------- */

/* Slot flags as block_state shows them. */
enum zsim_zram_slot_flags {
	ZSIM_ZRAM_SLOT_SAME = 1u << 0,           /* 's' */
	ZSIM_ZRAM_SLOT_WB = 1u << 1,             /* 'w' */
	ZSIM_ZRAM_SLOT_HUGE = 1u << 2,           /* 'h' */
	ZSIM_ZRAM_SLOT_IDLE = 1u << 3,           /* 'i' */
	ZSIM_ZRAM_SLOT_INCOMPRESSIBLE = 1u << 4, /* 'n' */
};
struct zsim_zram_slot_info {
	bool allocated;
	unsigned flags;        /* ZSIM_ZRAM_SLOT_* */
	unsigned size;         /* object size in the pool (0 same/wb) */
	unsigned priority;     /* algorithm priority that compressed it ('r' if > 0) */
	uint64_t element;      /* same-filled word */
	uint64_t ac_time;      /* last access, seconds (zsim_zram_set_time) */
};
ZSIM_API int zsim_zram_slot_info(struct zsim_zram *z, uint32_t index,
				 struct zsim_zram_slot_info *info);

struct zsim_zram_stats {
	/* mm_stat, in its order */
	uint64_t orig_data_size, compr_data_size, mem_used_total, mem_limit, mem_used_max,
		same_pages, pages_compacted, huge_pages, huge_pages_since;
	/* io_stat (invalid_io: 6.1 only; later kernels print 0) */
	uint64_t failed_reads, failed_writes, invalid_io, notify_free;
	/* bd_stat, in 4K units */
	uint64_t bd_count, bd_reads, bd_writes;
	/* debug_stat (writestall: ≤6.12; later kernels print 0) */
	uint64_t writestall, miss_free;
	/* the block layer's /sys/block/zram0/stat reads and writes (pages) */
	uint64_t num_reads, num_writes;
	/* the swap layer (zsim_zram_swap_*), /proc/vmstat names */
	uint64_t pswpout, pswpin, swpout_zero, swpin_zero;
	/* not in the kernel: recompression results, stream lock contention */
	uint64_t recompressed, recompress_tried, stream_contended;
	uint64_t disksize;
	uint64_t pages_stored; /* orig_data_size / PAGE_SIZE */
};
ZSIM_API int zsim_zram_stats(struct zsim_zram *z, struct zsim_zram_stats *st);

/* Format one of mm_stat, io_stat, bd_stat, debug_stat from a snapshot as
 * the named profile's kernel prints it. Returns the length or ZSIM_E*. */
ZSIM_API int zsim_zram_format_stat(const char *profile, const char *attr,
				   const struct zsim_zram_stats *st, char *buf, size_t len);

/* Memory the simulator keeps per device, apart from the modelled pool:
 * slot table, streams (codec contexts + buffers), zsmalloc bookkeeping. */
struct zsim_zram_meta {
	uint64_t table_bytes;   /* the slot table (kernel: 16 B/slot + actime) */
	uint64_t stream_bytes;  /* per-CPU streams of every algorithm */
	uint64_t zpool_meta_bytes;
};
ZSIM_API int zsim_zram_meta(struct zsim_zram *z, struct zsim_zram_meta *m);
/* The device's zsmalloc pool (NULL before disksize). Borrowed; valid until
 * reset or destroy. For comparing accounting with the zswap side. */
ZSIM_API struct zsim_zpool *zsim_zram_zpool(struct zsim_zram *z);
/* huge_class_size: compressed lengths >= this are stored raw. */
ZSIM_API size_t zsim_zram_huge_class_size(const struct zsim_zram *z);

#ifdef __cplusplus
}
#endif

#endif /* ZSWAPSIM_ZRAM_H */
