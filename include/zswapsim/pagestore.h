/*
 * zswapsim/pagestore.h - the page store (".zpk"): real 4 KiB pages kept
 * compactly, de-duplicated and zstd-compressed in seekable frames, with the
 * logical page sequence preserved; a writer, a reader that never crashes on
 * bad input, and a harvester that reads a live process's private anonymous
 * memory into a store. docs/page-store.md is the format's reference.
 *
 * Glossary
 *   logical page  page N of the store as it was added: what `page:N` in a
 *                 trace and `--corpus` mean. Duplicates keep their place.
 *   unique page   one distinct 4 KiB content; unique ids are given in the
 *                 order of first appearance (a page's id is at most one
 *                 more than the highest id before it).
 *   frame         a zstd frame holding `frame_pages` consecutive unique
 *                 pages; the frame table makes any page one frame decode.
 *   clen table    an optional side table: the length each unique page
 *                 compresses to with one codec spec (zswapsim/codec.h) into
 *                 a one-page buffer, as zswap compresses; lets allocator-only
 *                 sweeps skip compression.
 *   snapshot      a run of logical pages read from one process at one time
 *                 (harvest); a store may hold many.
 *
 * A raw page file (what zswapsim-bench --corpus took before) has no magic;
 * a page store starts with the 8 bytes ZSIM_PAGESTORE_MAGIC. Use
 * zsim_pagestore_probe() to tell them apart.
 *
 * Errors: negative ZSIM_E* codes (zswapsim/common.h). The reader returns
 * ZSIM_EIO (cannot read), ZSIM_EPARSE (not a page store or a malformed
 * one), ZSIM_ETRUNC (the file ends too early), ZSIM_EBADMSG (a checksum or
 * a compressed frame does not match), ZSIM_ERANGE (page index out of range,
 * or a count beyond the reader's limits), and fills a struct
 * zsim_pagestore_error whose message names the file and the byte offset of
 * the bad structure. The harvester adds ZSIM_EPERM (not allowed to read
 * the process) and ZSIM_ESRCH (the process vanished).
 *
 * Ownership: every object is owned by the caller that created it and freed
 * by the matching close. Buffers passed in are borrowed for the call only,
 * except the buffer of zsim_pagestore_open_memory(), which must outlive the
 * reader. Strings returned by the reader live as long as the reader.
 * Threads: a reader or writer is used by one thread at a time.
 */
#ifndef ZSWAPSIM_PAGESTORE_H
#define ZSWAPSIM_PAGESTORE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* "ZSPK" NUL CR LF ^Z: the first 8 bytes of every page store. */
#define ZSIM_PAGESTORE_MAGIC "ZSPK\0\r\n\x1a"
#define ZSIM_PAGESTORE_MAGIC_LEN 8
#define ZSIM_PAGESTORE_VERSION 1
#define ZSIM_PAGESTORE_FRAME_PAGES 64        /* default pages per frame */
#define ZSIM_PAGESTORE_MAX_FRAME_PAGES 1024
/* Unique pages are numbered in 32 bits. */
#define ZSIM_PAGESTORE_MAX_UNIQUE UINT32_MAX
/* A clen entry for a page that does not compress into one page. */
#define ZSIM_PAGESTORE_CLEN_NONE 0xFFFFu
#define ZSIM_PAGESTORE_MAX_CLEN 16           /* clen tables per store */
#define ZSIM_PAGESTORE_CLEN_SPEC_MAX 64

struct zsim_pagestore_error {
	int code;             /* the ZSIM_E* code returned */
	uint64_t byte_offset; /* where in the file the problem is (0 if none) */
	char message[400];    /* "FILE: byte N: what is wrong" */
};

/* 1 if the first bytes (n >= 8) are a page store's magic, else 0. */
ZSIM_API int zsim_pagestore_probe(const void *first_bytes, size_t n);
/* 1 if the file at path starts with the magic, 0 if it does not (a raw
 * page file, or shorter than 8 bytes), ZSIM_EIO if it cannot be read. */
ZSIM_API int zsim_pagestore_probe_file(const char *path);

/* --- reader --------------------------------------------------------------- */

struct zsim_pagestore;

struct zsim_pagestore_info {
	unsigned version;
	unsigned frame_pages;
	uint64_t pages;        /* logical pages */
	uint64_t unique;       /* unique pages */
	uint64_t frames;
	uint64_t file_bytes;   /* size of the store */
	uint64_t frame_bytes;  /* compressed page data (all frames) */
	unsigned clen_tables;
	uint64_t snapshots;
	int has_hashes;        /* unique pages carry hashes (checked on read) */
};

/*
 * Open and check a store: header, section table, page map, frame table and
 * side tables are read and validated; frames are decoded on demand. On
 * error *out is NULL and *err (may be NULL) says what and where.
 */
ZSIM_API int zsim_pagestore_open(const char *path, struct zsim_pagestore **out,
				 struct zsim_pagestore_error *err);
/* The same on a buffer (borrowed: it must outlive the reader); `name`
 * prefixes messages (may be NULL). */
ZSIM_API int zsim_pagestore_open_memory(const void *buf, size_t len, const char *name,
					struct zsim_pagestore **out,
					struct zsim_pagestore_error *err);
ZSIM_API void zsim_pagestore_close(struct zsim_pagestore *ps);

ZSIM_API int zsim_pagestore_info(const struct zsim_pagestore *ps,
				 struct zsim_pagestore_info *info);
/* The unique id of logical page `page`. ZSIM_ERANGE past the end. */
ZSIM_API int zsim_pagestore_unique_id(const struct zsim_pagestore *ps, uint64_t page,
				      uint64_t *uid);
/* Logical page `page` into buf (4096 bytes). Decodes its frame if not
 * cached (a few frames are kept). ZSIM_ERANGE, or a decode error with
 * the details in zsim_pagestore_last_error(). */
ZSIM_API int zsim_pagestore_read_page(struct zsim_pagestore *ps, uint64_t page, void *buf);
/* Unique page `uid` into buf. */
ZSIM_API int zsim_pagestore_read_unique(struct zsim_pagestore *ps, uint64_t uid, void *buf);
/*
 * Logical pages [first, first + n) into buf (n x 4096 bytes), decoding
 * each frame once (duplicates are copied from their first occurrence when
 * it lies in the range). Reading the whole store this way needs no memory
 * beyond buf and one frame.
 */
ZSIM_API int zsim_pagestore_read_pages(struct zsim_pagestore *ps, uint64_t first, uint64_t n,
				       void *buf);
/* Decode every frame and check every page against its hash. 0 or the
 * first error. */
ZSIM_API int zsim_pagestore_verify(struct zsim_pagestore *ps);
/* The error of the last failed call on ps. */
ZSIM_API const struct zsim_pagestore_error *zsim_pagestore_last_error(const struct zsim_pagestore *ps);

/* clen tables: index 0 .. info.clen_tables-1. The spec the lengths were
 * made with ("lz4", "zstd:level=3") and the codec's own description. */
ZSIM_API int zsim_pagestore_clen_table(const struct zsim_pagestore *ps, unsigned index,
				       const char **spec, const char **describe);
/* Index of the table made with `spec` (exact match), or ZSIM_ENOENT. */
ZSIM_API int zsim_pagestore_clen_find(const struct zsim_pagestore *ps, const char *spec);
/* Compressed length of logical page `page` in table `index`:
 * 1..4096, or ZSIM_PAGESTORE_CLEN_NONE if it did not fit a page. */
ZSIM_API int zsim_pagestore_clen(const struct zsim_pagestore *ps, unsigned index,
				 uint64_t page, unsigned *len);

/* Metadata written by the producer ("tool", "command", "created" ...):
 * the value, or NULL. zsim_pagestore_meta_at walks all pairs (ZSIM_ERANGE
 * past the last). */
ZSIM_API const char *zsim_pagestore_meta(const struct zsim_pagestore *ps, const char *key);
ZSIM_API int zsim_pagestore_meta_at(const struct zsim_pagestore *ps, unsigned i,
				    const char **key, const char **value);

struct zsim_pagestore_snapshot {
	uint64_t first_page;  /* logical page where the snapshot starts */
	uint64_t pages;
	uint64_t time_ns;     /* since the harvest started */
	uint32_t pid;
	uint32_t flags;       /* ZSIM_PAGESTORE_SNAP_* */
	char comm[16];        /* the process's name (/proc/PID/comm) */
};
#define ZSIM_PAGESTORE_SNAP_EXIT 1u     /* taken at the process's exit */
#define ZSIM_PAGESTORE_SNAP_STACK 2u    /* the stack and environment were
					 * included (--include-stack) */
#define ZSIM_PAGESTORE_SNAP_STOP 4u     /* taken at a chosen stop (time,
					 * memory size or signal), after
					 * which the process was killed */
ZSIM_API int zsim_pagestore_snapshot(const struct zsim_pagestore *ps, uint64_t i,
				     struct zsim_pagestore_snapshot *snap);

/* --- writer --------------------------------------------------------------- */

struct zsim_pagestore_writer;

struct zsim_pagestore_writer_opts {
	unsigned frame_pages;   /* 0 = ZSIM_PAGESTORE_FRAME_PAGES */
	int zstd_level;         /* 0 = 3; 1..22 (19 for small published corpora) */
	int no_hashes;          /* 1: omit the hash table (no read-back check) */
	/* codec specs to precompute clen tables for (may be NULL / 0) */
	const char *const *clen_specs;
	unsigned nr_clen_specs;
};

struct zsim_pagestore_writer_stats {
	uint64_t pages;          /* logical pages added */
	uint64_t unique;         /* distinct pages */
	uint64_t bytes_written;  /* store bytes so far (frames) */
	uint64_t snapshots;
};

/*
 * Create a store at path (o may be NULL). The data goes to a temporary
 * file next to it, renamed to path by a successful close, so an
 * interrupted writer never leaves a half store behind. ZSIM_EIO cannot
 * create, ZSIM_ENOENT a clen codec is unknown, ZSIM_EINVAL bad options.
 */
ZSIM_API int zsim_pagestore_writer_open(const char *path,
					const struct zsim_pagestore_writer_opts *o,
					struct zsim_pagestore_writer **out,
					struct zsim_pagestore_error *err);
/* Append n pages (n x 4096 bytes). *first (may be NULL) = the logical
 * index of the first. ZSIM_ERANGE past 2^32 unique pages, ZSIM_EIO. */
ZSIM_API int zsim_pagestore_add(struct zsim_pagestore_writer *w, const void *pages,
				uint64_t n, uint64_t *first);
/* Metadata pair (key: [a-z0-9_.-]+, no newline in either). Later pairs
 * with the same key replace earlier ones. */
ZSIM_API int zsim_pagestore_writer_meta(struct zsim_pagestore_writer *w, const char *key,
					const char *value);
/* Record a snapshot: the pages added since the previous snapshot mark (or
 * the start) are attributed to it. */
ZSIM_API int zsim_pagestore_writer_snapshot(struct zsim_pagestore_writer *w, uint32_t pid,
					    const char *comm, uint64_t time_ns, uint32_t flags);
ZSIM_API void zsim_pagestore_writer_stats(const struct zsim_pagestore_writer *w,
					  struct zsim_pagestore_writer_stats *st);
/* Finish: last frame, tables, header; rename into place. Frees w in any
 * case; on failure nothing is left at path. 0, ZSIM_EIO or ZSIM_ENOMEM. */
ZSIM_API int zsim_pagestore_writer_close(struct zsim_pagestore_writer *w,
					 struct zsim_pagestore_error *err);
/* Give up: remove the temporary file, free w. */
ZSIM_API void zsim_pagestore_writer_abort(struct zsim_pagestore_writer *w);

/* --- harvest: a live process's memory into a store ---------------------- */

/*
 * What a harvest reads: the private anonymous pages of a process (pages
 * whose /proc/PID/pagemap entry is present and not file-backed or shared:
 * the pages reclaim would swap), from every private mapping, in address
 * order, through /proc/PID/mem. Skipped unless include_stack is set: the
 * main thread's stack ([stack]) and any page holding the argument or
 * environment block (/proc/PID/stat arg_start..env_end), since they carry
 * environment variables and secrets. [vvar], [vdso], [vsyscall] are never
 * read; swapped-out pages are counted, not read (reading would swap them
 * in).
 */
struct zsim_harvest_opts {
	int include_stack;      /* 1: also the stack and the env/arg block */
	unsigned interval_ms;   /* run: snapshot every interval (0 = only at exit) */
	int no_follow;          /* run: harvest only the command, not the
				 * processes it starts */
	/* called after each snapshot (may be NULL) */
	void (*progress)(const struct zsim_pagestore_writer_stats *st,
			 const struct zsim_pagestore_snapshot *snap, void *arg);
	void *progress_arg;
	/* run: stop at a chosen moment instead of the command's exit: take a
	 * last snapshot of every live process (ZSIM_PAGESTORE_SNAP_STOP), kill
	 * them and return 0 (res->stopped says why). 0 / NULL = never. */
	uint64_t stop_after_ms;       /* this long after the start */
	uint64_t stop_at_anon_bytes;  /* once the harvested processes'
				       * resident anonymous memory (RssAnon,
				       * summed) reaches this */
	const volatile sig_atomic_t *stop_flag; /* once *stop_flag is non-zero
						 * (set from a signal handler) */
};

enum zsim_harvest_stop {
	ZSIM_HARVEST_RAN_TO_EXIT = 0, /* the command exited by itself */
	ZSIM_HARVEST_STOP_TIME = 1,
	ZSIM_HARVEST_STOP_MEMORY = 2,
	ZSIM_HARVEST_STOP_SIGNAL = 3,
};

struct zsim_harvest_result {
	uint64_t snapshots;
	uint64_t pages;             /* pages read into the store */
	uint64_t skipped_stack;     /* present pages skipped: stack/env/args */
	uint64_t skipped_swapped;   /* anonymous pages found swapped out */
	uint64_t unreadable;        /* present pages /proc/PID/mem refused */
	uint64_t processes;         /* distinct processes harvested */
	int exit_status;            /* run: the command's wait status */
	int stopped;                /* run: enum zsim_harvest_stop */
};

/*
 * One snapshot of process `pid` (which the caller may read: its own child,
 * or any process of the same user where Yama's ptrace_scope is 0, or any
 * as root). flags: ZSIM_PAGESTORE_SNAP_*. res (may be NULL) accumulates.
 * ZSIM_EPERM not allowed, ZSIM_ESRCH gone, ZSIM_EIO other failures; err
 * says which file and why.
 */
ZSIM_API int zsim_harvest_pid(struct zsim_pagestore_writer *w, int pid,
			      const struct zsim_harvest_opts *o, uint64_t time_ns,
			      uint32_t flags, struct zsim_harvest_result *res,
			      struct zsim_pagestore_error *err);

/*
 * Run argv[0] (searched in PATH) with argv as its own child under ptrace
 * and harvest it: every interval_ms while it runs, and at its exit, in the
 * ptrace exit stop (PTRACE_O_TRACEEXIT): the process has called exit but
 * its memory is still mapped, so the final state is read before it is
 * reaped. Processes the command starts are traced and harvested the same
 * way unless no_follow. Returns 0 when the command ran to its end (its
 * status is in res->exit_status), ZSIM_ENOENT if it could not be started,
 * ZSIM_EPERM if ptrace is refused, or the writer's error.
 */
ZSIM_API int zsim_harvest_run(struct zsim_pagestore_writer *w, char *const argv[],
			      const struct zsim_harvest_opts *o,
			      struct zsim_harvest_result *res,
			      struct zsim_pagestore_error *err);

#ifdef __cplusplus
}
#endif
#endif /* ZSWAPSIM_PAGESTORE_H */
