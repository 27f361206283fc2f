/*
 * zswapsim/capture.h - live-kernel captures turned into traces. The
 * bpftrace script scripts/capture/zswap-capture.bt (docs/capture.md)
 * records every zswap_store, zswap_load and zswap_invalidate call of a
 * running kernel with its swap type, offset, folio order, CPU, pid,
 * memory cgroup and the kernel's result, as lines of text ("zswap-capture
 * v1"). zsim_capture_convert turns such a file into a trace
 * (zswapsim/trace.h) that zswapsim-bench replays.
 *
 * What a capture cannot say: the content of a stored page (the script
 * reads no page data). The converter fills it by policy: CLASS (default)
 * gives stores the kernel accepted the `stored_class` (typical: about
 * 2.7x with lz4-class codecs) and stores it refused the `rejected_class`
 * (random: incompressible), each folio with its own seed; PAGE gives
 * accepted stores the next pages of a corpus (page:N, a page store or raw
 * page file, in order, wrapping around) and refused ones the rejected
 * class; FIXED gives every store one class. Zero-filled pages never reach
 * zswap_store on 6.12+ kernels (the swap layer's zeromap takes them), so
 * they are absent from captures of those kernels and from the trace.
 *
 * Memory cgroups are renumbered: the root cgroup (id 1) and "no memcg"
 * become memcg 0, the others 1, 2, ... in order of first appearance.
 * Swap types get a swapon event at the start, sized to the highest slot
 * the capture touches (rounded up to 16384 slots) unless swap_slots says.
 * Events are re-ordered by time within a window (per-CPU buffers reach
 * user space out of order).
 *
 * Errors: as the trace reader's (struct zsim_trace_error, "FILE:LINE:
 * ..."): ZSIM_EIO cannot read/write, ZSIM_EPARSE malformed line, header
 * or value, ZSIM_ERANGE a value the trace format cannot hold. A failed
 * conversion removes the output file.
 */
#ifndef ZSWAPSIM_CAPTURE_H
#define ZSWAPSIM_CAPTURE_H

#include <stdint.h>

#include "common.h"
#include "pagegen.h"
#include "trace.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The first line of a capture file. */
#define ZSIM_CAPTURE_MAGIC "# zswap-capture 1"

/* What the converter writes in a trace event's `result` byte (binary
 * traces; CSV drops it): the kernel's outcome, a validation oracle. */
enum zsim_capture_result {
	ZSIM_CAPTURE_RESULT_UNKNOWN = 0,
	ZSIM_CAPTURE_STORED = 1,     /* zswap_store returned true */
	ZSIM_CAPTURE_REJECTED = 2,   /* zswap_store returned false */
	ZSIM_CAPTURE_LOAD_HIT = 3,   /* zswap_load filled the folio */
	ZSIM_CAPTURE_LOAD_MISS = 4,  /* not in zswap: zeromap or the device */
	ZSIM_CAPTURE_LOAD_ERROR = 5, /* zswap_load failed (-EIO, -EINVAL ...) */
};
/* Set in a converted event's `flags`: `result` holds a captured outcome. */
#define ZSIM_CAPTURE_FLAG_RESULT 0x80u

enum zsim_capture_content {
	ZSIM_CAPTURE_CONTENT_CLASS = 0, /* accepted: stored_class, refused: rejected_class */
	ZSIM_CAPTURE_CONTENT_PAGE = 1,  /* accepted: next corpus pages; refused: rejected_class */
	ZSIM_CAPTURE_CONTENT_FIXED = 2, /* every store: stored_class */
};

/* How zswap_load's return value reads (it changed from bool to int). */
enum zsim_capture_load_ret {
	ZSIM_CAPTURE_LOAD_RET_AUTO = 0, /* from the header's load_ret= line */
	ZSIM_CAPTURE_LOAD_RET_BOOL = 1, /* 1 = loaded, 0 = not in zswap */
	ZSIM_CAPTURE_LOAD_RET_INT = 2,  /* 0 = loaded, -ENOENT = not in zswap, <0 error */
};

struct zsim_capture_opts {
	enum zsim_capture_content content;
	enum zsim_page_class stored_class;   /* default (0 = zero is not
					      * allowed here): see _init */
	enum zsim_page_class rejected_class;
	uint64_t corpus_pages;    /* PAGE: pages of the corpus (> 0) */
	uint64_t seed;            /* CLASS/FIXED seeds derive from it */
	enum zsim_capture_load_ret load_ret;
	uint64_t swap_slots;      /* slots per swap type; 0 = from the capture */
	enum zsim_trace_format out_fmt; /* AUTO: by the output's name */
	unsigned reorder_window;  /* events held back for re-ordering; 0 = 65536 */
};

/* Defaults: CLASS, typical / random, seed 1, AUTO everything. */
ZSIM_API void zsim_capture_opts_init(struct zsim_capture_opts *o);

#define ZSIM_CAPTURE_MAX_MEMCG_MAP 64

struct zsim_capture_stats {
	uint64_t lines;
	uint64_t events;          /* trace events written (swapons included) */
	uint64_t stores, stores_rejected, store_pages;
	uint64_t loads, load_hits, load_misses, load_errors;
	uint64_t invalidates;
	uint64_t lost;            /* events bpftrace reported lost */
	uint64_t late;            /* events that arrived later than the
				   * re-order window allowed (kept, time clamped) */
	unsigned swap_types;
	uint64_t slots[ZSIM_TRACE_MAX_SWAP_TYPES]; /* swapon size per type */
	unsigned memcgs;          /* distinct memcgs (0 included) */
	/* cgroup id of memcg i, for i < min(memcgs, ZSIM_CAPTURE_MAX_MEMCG_MAP) */
	uint64_t memcg_cgroup_id[ZSIM_CAPTURE_MAX_MEMCG_MAP];
	char kernel_release[40];
	enum zsim_capture_load_ret load_ret; /* the reading used */
};

/*
 * Convert capture file `in` (a regular file: it is read twice) to trace
 * `out`. o and st may be NULL. Returns 0, or an error with *err filled
 * (may be NULL); on error `out` is removed.
 */
ZSIM_API int zsim_capture_convert(const char *in, const char *out,
				  const struct zsim_capture_opts *o,
				  struct zsim_capture_stats *st, struct zsim_trace_error *err);
/*
 * The same between streams the caller opened and keeps: `in` must be
 * seekable (it is read twice; a file or fmemopen(3)), `out` takes the
 * trace (a file or open_memstream(3); out_fmt AUTO means BINARY). The
 * names stand for them in messages. Nothing is removed on error.
 */
ZSIM_API int zsim_capture_convert_stream(FILE *in, const char *in_name, FILE *out,
					 const char *out_name,
					 const struct zsim_capture_opts *o,
					 struct zsim_capture_stats *st,
					 struct zsim_trace_error *err);

#ifdef __cplusplus
}
#endif
#endif /* ZSWAPSIM_CAPTURE_H */
