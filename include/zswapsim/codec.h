/*
 * zswapsim/codec.h - compressor plugins, modelled on the kernel's crypto
 * compression API (scomp/acomp).
 *
 * Glossary
 *   algorithm   what zswap's `compressor` parameter names: "lz4", "zstd" ...
 *   driver      one implementation of an algorithm ("lz4-generic"); several
 *               drivers may implement one algorithm, and a lookup by the
 *               algorithm name picks the one with the highest priority, as
 *               crypto_alloc_acomp() does.
 *   ops         a driver's const table of callbacks (struct zsim_codec_ops).
 *   codec       an instance: one driver plus one private context (the
 *               kernel's tfm + request). zswap keeps one per simulated CPU.
 *   batch       several independent pages in one call; drivers that declare
 *               max_batch > 1 also offer an asynchronous submit/poll form.
 *   stand-in    a software driver standing in for hardware (deflate-iaa-sim
 *               for Intel IAA): same format, and a timing model whose
 *               modelled latencies are reported apart from measured time.
 *
 * Contract shared by every driver (the zswap store path relies on it):
 *   - compress: *dst_len is the capacity on entry and the produced length on
 *     return. Output that would exceed the capacity returns ZSIM_ENOSPC; it
 *     never writes past dst + capacity. zswap passes exactly PAGE_SIZE.
 *   - decompress: corrupt input returns ZSIM_EBADMSG, input that ends early
 *     ZSIM_ETRUNC (where the format lets the two be told apart; otherwise
 *     ZSIM_EBADMSG), output larger than the capacity ZSIM_ENOSPC. Never
 *     reads past src + src_len nor writes past dst + capacity.
 *
 * Ownership: an ops table passed to zsim_codec_register() is borrowed and
 * must stay valid until zsim_codec_unregister() returns. A struct
 * zsim_codec is owned by its creator and freed with zsim_codec_destroy().
 *
 * Threads: the registry is thread-safe. A struct zsim_codec is not; use one
 * per thread (zswap's per-CPU contexts each own one, under a mutex).
 */
#ifndef ZSWAPSIM_CODEC_H
#define ZSWAPSIM_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ZSIM_CODEC_NAME_MAX 64

/* Flags of a driver (struct zsim_codec_ops.flags). */
enum zsim_codec_flags {
	/* A software stand-in for hardware: its name says so and every report
	 * that shows it marks it as a stand-in. */
	ZSIM_CODEC_F_STANDIN = 1u << 0,
	/* Completes asynchronously (the kernel's acomp with a callback). */
	ZSIM_CODEC_F_ASYNC = 1u << 1,
	/* Runs on hardware (an accelerator reached through a device). */
	ZSIM_CODEC_F_HARDWARE = 1u << 2,
	/* The kernel's driver does not bound its output by the request's
	 * dlen (lzo, lzo-rle): an oversized result reaches the allocator,
	 * which refuses it with -ENOSPC (reject_compress_poor), whereas a
	 * bounded driver fails inside the compressor (reject_compress_fail).
	 * Our driver still returns ZSIM_ENOSPC and never overruns; the flag
	 * only tells zswap which counter the kernel would move. */
	ZSIM_CODEC_F_UNBOUNDED_OUTPUT = 1u << 3,
	/* Takes driver-specific spec keys ("deflate-iaa-sim:engines=4"):
	 * keys other than level/params reach ctx_alloc in params->args.
	 * Without the flag such keys are a ZSIM_EPARSE. */
	ZSIM_CODEC_F_ARGS = 1u << 4,
};

/* Flags of an instance's parameters (struct zsim_codec_params.flags). */
enum zsim_codec_param_flags {
	/* Use the library's own choice instead of the kernel's: zstd, the
	 * library's parameters for the actual input size (ZSTD_compressCCtx)
	 * instead of level 3's for an unknown size with the input's size
	 * pledged; lzo, liblzo2's lzo1x_1_compress (2^14 hash) instead of the
	 * kernel's 2^13; lz4, liblz4's encoder instead of lib/lz4's rules. */
	ZSIM_CODEC_P_LIBRARY_DEFAULTS = 1u << 0,
	/* zstd: the kernel's calls with the parameters for a KNOWN 4096-byte
	 * source (zstd_get_params(level, PAGE_SIZE)), as zram's own zstd
	 * backend (6.12+) asks, instead of crypto/zstd.c's unknown size
	 * (spec "params=page"). Other drivers ignore it. */
	ZSIM_CODEC_P_PAGE_SIZED = 1u << 1,
};

struct zsim_codec_params {
	int level;      /* compression level; 0 = the driver's (kernel) default */
	unsigned flags; /* ZSIM_CODEC_P_* */
	/* Driver-specific "key=value,key=value" (drivers with
	 * ZSIM_CODEC_F_ARGS; NULL or "" for none). zsim_codec_create copies
	 * it into the instance, which owns what zsim_codec_params returns. */
	const char *args;
};

#define ZSIM_CODEC_ARGS_MAX 256 /* bytes of args an instance keeps, NUL included */

/* Direction of a batch job. */
enum zsim_codec_op { ZSIM_CODEC_COMPRESS = 0, ZSIM_CODEC_DECOMPRESS = 1 };

/* One unit of a batch: one page in, one buffer out. */
struct zsim_codec_job {
	const void *src;
	size_t src_len;
	void *dst;
	size_t dst_cap; /* capacity of dst */
	size_t dst_len; /* out: produced length */
	int status;     /* out: 0 or ZSIM_E*; 1 while in flight (async) */
	/* out: modelled latency of this job in ns, from the submission's
	 * first descriptor to the moment its completion is noticed (drivers
	 * with a timing model; 0 otherwise). A model, not a measurement. */
	uint64_t model_ns;
};

/*
 * Time of an instance, for drivers that model a device (deflate-iaa-sim)
 * or measure one (deflate-iaa). Modelled figures say what the modelled
 * hardware would take; `measured_ns` is what this machine actually spent
 * inside the driver. Counts and sums run from the instance's creation.
 */
struct zsim_codec_timing {
	uint64_t sync_calls;    /* zsim_codec_compress/_decompress calls */
	uint64_t batches;       /* submissions through submit/poll (or batch) */
	uint64_t batch_jobs;    /* jobs in those submissions */
	uint64_t last_sync_ns;  /* modelled latency of the last sync call */
	uint64_t last_batch_ns; /* modelled latency of the last submission:
				 * first descriptor to last completion noticed */
	uint64_t sync_ns;       /* sum of modelled sync latencies */
	uint64_t batch_ns;      /* sum of modelled submission latencies */
	uint64_t cpu_ns;        /* modelled CPU work of the caller (descriptor
				 * submission, retries, software fallbacks);
				 * the rest of a latency is waiting */
	uint64_t device_ns;     /* modelled engine busy time */
	uint64_t measured_ns;   /* measured: wall time spent in the driver */
};

/* One named counter of a driver (e.g. "sw_fallback_decompress"). */
struct zsim_codec_counter {
	const char *name; /* static string */
	uint64_t value;
};

struct zsim_codec_ops {
	const char *name;        /* algorithm, e.g. "lz4" (required) */
	const char *driver_name; /* unique implementation name (required) */
	const char *description; /* one line for listings (optional) */
	int priority;            /* highest wins for lookups by algorithm */
	unsigned flags;          /* ZSIM_CODEC_F_* */
	unsigned max_batch;      /* 0/1: no batching; else batch_* required */
	/* Accepted levels; all 0 when the driver takes no level. */
	int level_min, level_max, level_default;

	/* Make a private context (may be NULL-returning for stateless codecs:
	 * set *ctx = NULL and return 0). Required. */
	int (*ctx_alloc)(const struct zsim_codec_params *params, void **ctx);
	void (*ctx_free)(void *ctx);
	/* Bytes held by the context (for per-CPU memory reports). Optional. */
	size_t (*ctx_size)(const void *ctx);

	int (*compress)(void *ctx, const void *src, size_t src_len, void *dst,
			size_t *dst_len);
	int (*decompress)(void *ctx, const void *src, size_t src_len, void *dst,
			  size_t *dst_len);

	/* Optional asynchronous batch form (max_batch > 1): submit up to
	 * max_batch jobs, then poll until every job's status is not 1.
	 * submit returns 0 or an error for the whole submission; poll returns
	 * the number of jobs still in flight (0 when done) or an error. */
	int (*batch_submit)(void *ctx, enum zsim_codec_op op,
			    struct zsim_codec_job *jobs, unsigned n);
	int (*batch_poll)(void *ctx, struct zsim_codec_job *jobs, unsigned n);

	/* Optional: fill *t (see struct zsim_codec_timing); 0 or ZSIM_E*. */
	int (*timing)(const void *ctx, struct zsim_codec_timing *t);
	/* Optional: copy up to max counters; return how many the driver has. */
	int (*counters)(const void *ctx, struct zsim_codec_counter *out, size_t max);
	/* Optional: can an instance be made here? 0, or ZSIM_ENODEV (or
	 * another ZSIM_E*) with one line in why saying what is missing. */
	int (*probe)(char *why, size_t len);
};

/* --- registry --------------------------------------------------------- */

/* Register a driver. ZSIM_EEXIST if a driver of that name exists,
 * ZSIM_EINVAL if a required field is missing. The built-in drivers are
 * registered on first use of the registry. */
ZSIM_API int zsim_codec_register(const struct zsim_codec_ops *ops);
/* ZSIM_EBUSY while instances of it are alive, ZSIM_ENOENT if unknown. */
ZSIM_API int zsim_codec_unregister(const char *driver_name);
/* Find the highest-priority driver whose algorithm name or driver name is
 * `name`. ZSIM_ENOENT if none. */
ZSIM_API int zsim_codec_lookup(const char *name,
			       const struct zsim_codec_ops **ops);
/* Copy up to `max` registered drivers into out[] (sorted by algorithm,
 * then priority descending); returns the total number registered. */
ZSIM_API int zsim_codec_list(const struct zsim_codec_ops **out, size_t max);

/* A compression library the drivers are built on, and its version as it
 * reports it at run time ("lz4", "1.9.4"). */
struct zsim_codec_library {
	const char *name;
	const char *version;
};
/* The libraries this build links (lz4, zstd, lzo2, zlib, and libdeflate
 * and isa-l where built with them): a static array of *n entries, valid for
 * the life of the process. */
ZSIM_API const struct zsim_codec_library *zsim_codec_libraries(size_t *n);

/* --- instances -------------------------------------------------------- */

struct zsim_codec;

/*
 * Make an instance from a spec: "NAME" or "NAME:key=value,key=value".
 * Keys: level=N; params=kernel|library (zstd, lz4, lzo: see
 * ZSIM_CODEC_P_LIBRARY_DEFAULTS); any other key goes to a driver flagged
 * ZSIM_CODEC_F_ARGS (params.args), else it is a ZSIM_EPARSE. NAME is an
 * algorithm or a driver name.
 * `params`, when not NULL, overrides what the spec says.
 * Errors: ZSIM_ENOENT unknown name, ZSIM_EPARSE bad spec, ZSIM_EINVAL bad
 * level, ZSIM_ENODEV driver present but its device is not.
 */
ZSIM_API int zsim_codec_create(const char *spec,
			       const struct zsim_codec_params *params,
			       struct zsim_codec **out);
ZSIM_API void zsim_codec_destroy(struct zsim_codec *codec);

ZSIM_API const struct zsim_codec_ops *zsim_codec_ops(const struct zsim_codec *c);
/* Parameters in effect (level resolved to the driver's default). */
ZSIM_API struct zsim_codec_params zsim_codec_params(const struct zsim_codec *c);
/* "zstd-generic:level=3,params=kernel" style description, for reports. */
ZSIM_API int zsim_codec_describe(const struct zsim_codec *c, char *buf,
				 size_t len);
/* Bytes of memory the instance holds (context included). */
ZSIM_API size_t zsim_codec_memory(const struct zsim_codec *c);
/* Largest batch the driver takes in one submission (1 if it does not). */
ZSIM_API unsigned zsim_codec_max_batch(const struct zsim_codec *c);

ZSIM_API int zsim_codec_compress(struct zsim_codec *c, const void *src,
				 size_t src_len, void *dst, size_t *dst_len);
ZSIM_API int zsim_codec_decompress(struct zsim_codec *c, const void *src,
				   size_t src_len, void *dst, size_t *dst_len);

/*
 * Run n jobs and wait for all of them. Drivers that batch get them in
 * submissions of up to max_batch; the others run one at a time. Returns 0
 * when every job ran (each job's own status says how it went) or an error
 * that prevented running them.
 */
ZSIM_API int zsim_codec_batch(struct zsim_codec *c, enum zsim_codec_op op,
			      struct zsim_codec_job *jobs, unsigned n);
/* Asynchronous form: submit (n <= max batch) then poll until it returns 0.
 * Non-batching drivers complete every job inside submit. */
ZSIM_API int zsim_codec_submit(struct zsim_codec *c, enum zsim_codec_op op,
			       struct zsim_codec_job *jobs, unsigned n);
ZSIM_API int zsim_codec_poll(struct zsim_codec *c, struct zsim_codec_job *jobs,
			     unsigned n);

/*
 * Modelled and measured time of an instance (see struct
 * zsim_codec_timing). ZSIM_ENOTSUP when the driver neither models nor
 * measures a device (every software codec).
 */
ZSIM_API int zsim_codec_timing(const struct zsim_codec *c, struct zsim_codec_timing *t);
/* The driver's own counters (fallbacks, retries, faults ...): copies up to
 * max into out and returns how many there are (0 for most drivers). */
ZSIM_API int zsim_codec_counters(const struct zsim_codec *c,
				 struct zsim_codec_counter *out, size_t max);
/*
 * Could an instance of `name` (algorithm or driver) be made on this
 * machine? 0 with "available" in why, ZSIM_ENOENT for an unknown name, or
 * the driver's error (ZSIM_ENODEV for hardware that is absent) with one
 * line saying why, e.g. "no enabled IAA work queue (libaccel-config found
 * 0 IAX devices)". why may be NULL.
 */
ZSIM_API int zsim_codec_probe(const char *name, char *why, size_t len);

#ifdef __cplusplus
}
#endif
#endif /* ZSWAPSIM_CODEC_H */
