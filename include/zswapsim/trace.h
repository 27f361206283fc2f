/*
 * zswapsim/trace.h - swap-event traces: the binary "ZSWT v1" container and
 * its CSV text form, a reader that never crashes on bad input, a writer, and
 * a converter between the two (docs/trace-format.md is the reference).
 *
 * A trace is the sequence of calls the kernel's swap layer makes into
 * zswap (store, load, invalidate), plus the events that change the scene
 * (swapon, swapoff, a memcg limit written, a phase mark). It models what a
 * kprobe/fentry capture on zswap_store/zswap_load/zswap_invalidate would
 * record; it carries page content by reference (a page of a corpus file,
 * zero, one repeated word, or a synthetic class of zswapsim/pagegen.h),
 * never the bytes themselves.
 *
 * Glossary
 *   event       one decoded record (struct zsim_trace_event).
 *   content     what a store writes: NONE, PAGE (pages N .. N+2^order-1
 *               of a corpus of raw 4096-byte pages), ZERO, SAME (one
 *               repeated 64-bit word) or CLASS (page i of the folio is
 *               zsim_page_fill(class, seed, i)).
 *   corpus      the pages PAGE content indexes: a file of raw 4096-byte
 *               pages, or the logical pages of a page store
 *               (zswapsim/pagestore.h), decoded by the caller.
 *   location    where an event came from: a CSV line (1-based) or the byte
 *               offset of a binary record.
 *
 * Differences from the recommended format (users-and-traces.md §2c): the
 * TLV tables are replaced by in-stream definition records (a fill value is
 * defined by a record before the first store that uses it), so a writer
 * can stream; CODEC_CLEN content is not implemented (the page store's clen
 * tables serve allocator-only sweeps instead: zswapsim-bench pagestore sizes).
 *
 * Errors: every reader function returns 0/1 or a negative ZSIM_E* code
 * (ZSIM_EIO I/O, ZSIM_EPARSE malformed input, ZSIM_ETRUNC truncated input),
 * and fills a struct zsim_trace_error whose `kind` tells the class of
 * problem and whose `message` names the file and the line or byte offset.
 * Threads: a reader or writer is used by one thread at a time.
 */
#ifndef ZSWAPSIM_TRACE_H
#define ZSWAPSIM_TRACE_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ZSIM_TRACE_MAGIC "ZSWT"
#define ZSIM_TRACE_VERSION 1
#define ZSIM_TRACE_HEADER_SIZE 128 /* bytes of the v1 binary header */
#define ZSIM_TRACE_RECORD_SIZE 40  /* bytes of one binary event record */
/* The exact first line of a CSV trace. */
#define ZSIM_TRACE_CSV_HEADER "ts_ns,op,cpu,memcg,swap_type,offset,order,content"
/* memcg_set value meaning "max" (no limit). */
#define ZSIM_TRACE_VALUE_MAX UINT64_MAX
/* CLASS seeds are stored in 56 bits. */
#define ZSIM_TRACE_SEED_MAX ((UINT64_C(1) << 56) - 1)
/* PAGE indexes are stored in 60 bits. */
#define ZSIM_TRACE_PAGE_MAX ((UINT64_C(1) << 60) - 1)
/* Highest memcg id a trace may name (the library's ZSIM_MAX_MEMCGS). */
#define ZSIM_TRACE_MEMCG_MAX 65535u
#define ZSIM_TRACE_MAX_ORDER 9
#define ZSIM_TRACE_MAX_SWAP_TYPES 32

enum zsim_trace_format {
	ZSIM_TRACE_FMT_AUTO = 0, /* read: by the first bytes; write: by the
				  * file name (.csv -> CSV, else binary) */
	ZSIM_TRACE_FMT_CSV = 1,
	ZSIM_TRACE_FMT_BINARY = 2,
};

/* Operations (the binary op byte; the CSV names are in brackets). */
enum zsim_trace_op {
	ZSIM_TRACE_STORE = 1,      /* [store] swap out a folio */
	ZSIM_TRACE_LOAD = 2,       /* [load] swap in the 2^order pages */
	ZSIM_TRACE_INVALIDATE = 3, /* [invalidate] free 2^order slots */
	ZSIM_TRACE_WRITEBACK = 4,  /* [writeback] observed writeback; replay
				    * ignores it (a validation oracle) */
	ZSIM_TRACE_SWAPON = 5,     /* [swapon] offset = number of slots */
	ZSIM_TRACE_SWAPOFF = 6,    /* [swapoff] */
	ZSIM_TRACE_MEMCG_SET = 7,  /* [memcg_set] a memcg limit file written */
	ZSIM_TRACE_MARK = 8,       /* [mark] phase boundary, offset = phase */
	ZSIM_TRACE_OP_MAX = 8,
};

enum zsim_trace_content_kind {
	ZSIM_TRACE_CONTENT_NONE = 0,
	ZSIM_TRACE_CONTENT_PAGE = 1,  /* content = first corpus page */
	ZSIM_TRACE_CONTENT_ZERO = 2,
	ZSIM_TRACE_CONTENT_SAME = 3,  /* content = the repeated 64-bit word */
	ZSIM_TRACE_CONTENT_CLASS = 4, /* content = seed, page_class = class */
};

/* The memcg files a memcg_set event may write (stored in `order`). */
enum zsim_trace_memcg_key {
	ZSIM_TRACE_MEMORY_MAX = 0,          /* memory.max (bytes or max) */
	ZSIM_TRACE_MEMORY_ZSWAP_MAX = 1,    /* memory.zswap.max (bytes or max) */
	ZSIM_TRACE_MEMORY_ZSWAP_WB = 2,     /* memory.zswap.writeback (0/1) */
	ZSIM_TRACE_MEMCG_KEY_COUNT = 3,
};

/* One decoded event. */
struct zsim_trace_event {
	uint64_t ts_ns;     /* capture time, ns since t0 (replay ignores it) */
	uint64_t offset;    /* store/load/invalidate: first slot (aligned to
			     * 2^order); swapon: number of slots; memcg_set:
			     * the value (ZSIM_TRACE_VALUE_MAX = "max");
			     * mark: the phase number */
	uint64_t content;   /* see enum zsim_trace_content_kind */
	uint32_t memcg;     /* memcg id, 0 = root, created on first use */
	uint32_t pid;       /* binary only (0 = unknown) */
	uint16_t cpu;       /* simulated CPU that issued the op */
	uint8_t op;         /* enum zsim_trace_op */
	uint8_t order;      /* folio order 0..9; memcg_set: the key */
	uint8_t swap_type;  /* 0..31 */
	uint8_t content_kind; /* enum zsim_trace_content_kind */
	uint8_t page_class; /* CLASS: enum zsim_page_class */
	uint8_t flags;      /* binary only: carried, not interpreted */
	uint8_t result;     /* binary only: captured outcome, carried */
};

/* Header of a binary trace (CSV traces report zeros and version 1). */
struct zsim_trace_header {
	unsigned version;       /* ZSIM_TRACE_VERSION */
	unsigned page_shift;    /* 12 */
	unsigned nr_cpus;       /* CPUs of the captured machine; 0 unknown */
	unsigned clock;         /* 0 = CLOCK_MONOTONIC ns since t0 */
	unsigned capture;       /* enum zsim_trace_capture */
	uint64_t record_count;  /* binary: 40-byte records after the header,
				 * definition records included; 0 = unknown */
	char kernel_release[40];
	char compressor[32];    /* active at capture */
};

enum zsim_trace_capture {
	ZSIM_TRACE_CAPTURE_UNKNOWN = 0,
	ZSIM_TRACE_CAPTURE_FENTRY = 1,
	ZSIM_TRACE_CAPTURE_KPROBE = 2,
	ZSIM_TRACE_CAPTURE_BLKTRACE = 3,
	ZSIM_TRACE_CAPTURE_SYNTHETIC = 4,
	ZSIM_TRACE_CAPTURE_CONVERTED = 5,
};

/* Classes of bad input (struct zsim_trace_error.kind). */
enum zsim_trace_errc {
	ZSIM_TRACE_OK = 0,
	ZSIM_TRACE_E_IO,        /* cannot open, read or write the file */
	ZSIM_TRACE_E_MAGIC,     /* not a ZSWT file */
	ZSIM_TRACE_E_VERSION,   /* a ZSWT version this reader does not know */
	ZSIM_TRACE_E_HEADER,    /* bad header field, or wrong CSV header line */
	ZSIM_TRACE_E_TRUNCATED, /* file ends inside the header or a record, or
				 * holds fewer records than its header says */
	ZSIM_TRACE_E_SYNTAX,    /* CSV field count, line too long, NUL byte;
				 * binary reserved bytes not zero */
	ZSIM_TRACE_E_OP,        /* unknown op */
	ZSIM_TRACE_E_NUMBER,    /* not a number, or does not fit its field */
	ZSIM_TRACE_E_RANGE,     /* order > 9, swap type > 31, unaligned
				 * offset, memcg or cpu too large ... */
	ZSIM_TRACE_E_CONTENT,   /* malformed or misplaced content */
	ZSIM_TRACE_E_CORPUS,    /* page:N outside the corpus */
	ZSIM_TRACE_ERRC_COUNT
};

struct zsim_trace_error {
	enum zsim_trace_errc kind;
	int code;              /* ZSIM_EIO, ZSIM_EPARSE or ZSIM_ETRUNC */
	uint64_t line;         /* CSV line (1-based); 0 if not a CSV line */
	uint64_t byte_offset;  /* binary: offset of the record; else 0 */
	char message[400];     /* "FILE:LINE: ..." or "FILE: byte N: ..." */
};

/* Short stable name of an error class ("truncated", "unknown-op" ...). */
ZSIM_API const char *zsim_trace_errc_name(enum zsim_trace_errc kind);

/* --- names and content ---------------------------------------------------- */

/* CSV name of an op ("store" ...), NULL if unknown. */
ZSIM_API const char *zsim_trace_op_name(unsigned op);
/* Op by CSV name: 0 and *op, or ZSIM_ENOENT. */
ZSIM_API int zsim_trace_op_from_name(const char *name, unsigned *op);
ZSIM_API const char *zsim_trace_memcg_key_name(unsigned key);

/* Format an event's CSV content field ("page:12", "zero",
 * "fill:0x00000000deadbeef", "class:typical:42", "memory.max=max", "").
 * Returns the length, or ZSIM_ENOSPC / ZSIM_EINVAL. */
ZSIM_API int zsim_trace_content_format(const struct zsim_trace_event *ev,
				       char *buf, size_t len);

/* Check an event against the format's rules (order, alignment, ranges,
 * content allowed for the op). Returns ZSIM_TRACE_OK or the class, and a
 * one-line reason in why (may be NULL). */
ZSIM_API enum zsim_trace_errc zsim_trace_event_check(const struct zsim_trace_event *ev,
						     char *why, size_t why_len);

/*
 * Page i (0 .. 2^order-1) of a store's content into page (4096 bytes).
 * PAGE reads corpus page content+i (ZSIM_ERANGE if beyond corpus_pages).
 * ZSIM_EINVAL for events without content.
 */
ZSIM_API int zsim_trace_content_page(const struct zsim_trace_event *ev, unsigned i,
				     const void *corpus, uint64_t corpus_pages,
				     void *page);

/* --- reader --------------------------------------------------------------- */

struct zsim_trace_reader;

/*
 * Open a trace (path "-" = standard input). fmt AUTO reads the first bytes:
 * "ZSWT" is binary, anything else CSV. On error returns ZSIM_EIO /
 * ZSIM_EPARSE / ZSIM_ETRUNC and fills *err (may be NULL).
 */
ZSIM_API int zsim_trace_open(const char *path, enum zsim_trace_format fmt,
			     struct zsim_trace_reader **out,
			     struct zsim_trace_error *err);
/*
 * The same on a stream the caller opened and keeps (a file, a pipe, or a
 * buffer in memory through fmemopen(3)): read from its current position;
 * `name` stands for it in error messages (copied). zsim_trace_close does
 * not close f. ZSIM_EINVAL for a NULL f or name.
 */
ZSIM_API int zsim_trace_open_stream(FILE *f, const char *name, enum zsim_trace_format fmt,
				    struct zsim_trace_reader **out,
				    struct zsim_trace_error *err);
/* Reject PAGE content beyond corpus_pages pages (ZSIM_TRACE_E_CORPUS);
 * default: unchecked. 0 = no corpus: any PAGE content is an error. */
ZSIM_API void zsim_trace_set_corpus_pages(struct zsim_trace_reader *r,
					  uint64_t corpus_pages);
ZSIM_API enum zsim_trace_format zsim_trace_reader_format(const struct zsim_trace_reader *r);
ZSIM_API int zsim_trace_reader_header(const struct zsim_trace_reader *r,
				      struct zsim_trace_header *h);
/*
 * Next event: 1 and *ev, 0 at the end, or a negative code with the details
 * in zsim_trace_reader_error(). Errors are sticky: later calls return the
 * same code. Definition records are consumed internally.
 */
ZSIM_API int zsim_trace_read(struct zsim_trace_reader *r, struct zsim_trace_event *ev);
/* Where the last event returned came from: CSV line or binary offset. */
ZSIM_API uint64_t zsim_trace_reader_location(const struct zsim_trace_reader *r);
ZSIM_API const struct zsim_trace_error *zsim_trace_reader_error(const struct zsim_trace_reader *r);
ZSIM_API void zsim_trace_close(struct zsim_trace_reader *r);

/* --- writer --------------------------------------------------------------- */

struct zsim_trace_writer;

/* Create (truncate) a trace (path "-" = standard output). fmt AUTO picks
 * CSV for a name ending in ".csv", binary otherwise. hdr may be NULL
 * (CSV ignores it). */
ZSIM_API int zsim_trace_writer_open(const char *path, enum zsim_trace_format fmt,
				    const struct zsim_trace_header *hdr,
				    struct zsim_trace_writer **out,
				    struct zsim_trace_error *err);
/* The same on a stream the caller opened and keeps (a file, or memory
 * through open_memstream(3)); fmt CSV or BINARY (not AUTO); the binary
 * event count is patched if f can seek. zsim_trace_writer_close flushes
 * f but does not close it. */
ZSIM_API int zsim_trace_writer_open_stream(FILE *f, const char *name,
					   enum zsim_trace_format fmt,
					   const struct zsim_trace_header *hdr,
					   struct zsim_trace_writer **out,
					   struct zsim_trace_error *err);
/* Append one event; ZSIM_EINVAL if zsim_trace_event_check refuses it (the
 * file is unchanged), ZSIM_EIO on a write error. */
ZSIM_API int zsim_trace_write(struct zsim_trace_writer *w, const struct zsim_trace_event *ev);
/* Events written so far. */
ZSIM_API uint64_t zsim_trace_writer_count(const struct zsim_trace_writer *w);
/* Flush, patch the binary header's event count (seekable files), close.
 * Returns 0 or ZSIM_EIO; frees w in any case. */
ZSIM_API int zsim_trace_writer_close(struct zsim_trace_writer *w);

/* --- converter ------------------------------------------------------------ */

/*
 * Copy every event of `in` to `out` (formats as above; AUTO picks the
 * output format by name). Fields the target form cannot carry (pid, flags,
 * result, header strings in CSV) are dropped; *dropped (may be NULL)
 * counts the events that lost one. Returns 0 or the reader's/writer's error
 * with *err filled; a failed conversion removes `out` (unless "-").
 */
ZSIM_API int zsim_trace_convert(const char *in, const char *out,
				enum zsim_trace_format out_fmt, uint64_t *dropped,
				struct zsim_trace_error *err);
/* The same between two streams the caller opened and keeps (read as
 * AUTO; out_fmt CSV or BINARY); nothing is removed on failure. */
ZSIM_API int zsim_trace_convert_stream(FILE *in, const char *in_name, FILE *out,
				       const char *out_name, enum zsim_trace_format out_fmt,
				       uint64_t *dropped, struct zsim_trace_error *err);

#ifdef __cplusplus
}
#endif
#endif /* ZSWAPSIM_TRACE_H */
