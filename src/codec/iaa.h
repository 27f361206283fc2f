/*
 * iaa.h - what the IAA files of the codec layer share inside the library
 * (and with the unit tests, which reach internals). Layer: codec.
 *
 *   iaa_hw.h       descriptor, completion record and AECS layouts
 *   iaa_desc.c     descriptor builders, the fixed-mode AECS, record mapping
 *   iaa_fixed.c    the stand-in encoder: one final fixed-Huffman block
 *   iaa_inflate.c  an inflater with IAA's limits (4 KiB history, stop at
 *                  the first EOB) and a permissive mode for the fallback
 *   iaa_model.c    the timing model (iaa.md §4.4)
 *   iaa_accfg.c    discovery through a dlopen'ed libaccel-config
 *   iaa_portal.c   submission: ENQCMD / MOVDIR64B on a mapped portal, or
 *                  write() on the WQ's file; a test may plug its own portal
 *   iaa_codec.c    "deflate-iaa", the hardware driver
 *   iaa_sim.c      "deflate-iaa-sim", the software stand-in with the model
 * The mock device the tests plug into the portal is tests/unit/iaa_mock.c.
 */
#ifndef ZSIM_CODEC_IAA_H
#define ZSIM_CODEC_IAA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "codec/iaa_hw.h"
#include "zswapsim/codec.h"

/* Largest job the stand-in takes: zlib's fixed block stays single below
 * 16 KiB of symbols (memLevel 8), and zswap's jobs are 4 KiB pages. */
#define ZSIM_IAA_SIM_MAX_SRC 16384u
#define ZSIM_IAA_MAX_BATCH 8u /* IAA_CRYPTO_MAX_BATCH_SIZE = engines per device */

/* --- iaa_desc.c ---------------------------------------------------------- */

/* Fill the AECS for fixed mode: RFC 1951 fixed codes, and the accumulator
 * preloaded with the 3 header bits BFINAL=1, BTYPE=01. */
void zsim_iaa_aecs_fixed_init(struct zsim_iaa_aecs_comp *a);

/* Descriptors as the kernel's fixed mode builds them; `opf` adds operation
 * flags (BOF where the WQ allows it, CC where GENCAP says so). Every other
 * byte is zero. */
void zsim_iaa_desc_compress(struct zsim_iaa_desc *d, const void *src, uint32_t slen,
			    void *dst, uint32_t dcap, const struct zsim_iaa_aecs_comp *aecs,
			    struct zsim_iaa_crec *rec, uint32_t opf);
void zsim_iaa_desc_decompress(struct zsim_iaa_desc *d, const void *src, uint32_t slen,
			      void *dst, uint32_t dcap, struct zsim_iaa_crec *rec,
			      uint32_t opf);
/* verify_compress: decompress `comp` with SUPPRESS_OUTPUT (dst = the
 * original, never written) so the record's CRC can be compared. */
void zsim_iaa_desc_verify(struct zsim_iaa_desc *d, const void *comp, uint32_t clen,
			  const void *orig, uint32_t olen, struct zsim_iaa_crec *rec,
			  uint32_t opf);
void zsim_iaa_desc_noop(struct zsim_iaa_desc *d, struct zsim_iaa_crec *rec);

static inline unsigned zsim_iaa_desc_opcode(const struct zsim_iaa_desc *d)
{
	return d->op_flags >> 24;
}
static inline uint32_t zsim_iaa_desc_flags(const struct zsim_iaa_desc *d)
{
	return d->op_flags & ZSIM_IAA_OPF_MASK;
}

/* Read the status byte the device writes last (acquire), and clear a
 * record before (re)submission. */
static inline uint8_t zsim_iaa_crec_status(const struct zsim_iaa_crec *r)
{
	return __atomic_load_n(&r->status, __ATOMIC_ACQUIRE);
}
void zsim_iaa_crec_clear(struct zsim_iaa_crec *r);

/* What a finished record means for the caller, as the kernel reads it
 * (check_completion): 0 success; ZSIM_ENOSPC compress overflow (0x0A/0x19,
 * the kernel's -E2BIG) or decompress overflow (0x0B, -EOVERFLOW);
 * ZSIM_EBADMSG another analytics error (the kernel falls back to software
 * for a decompress); ZSIM_EFAULT a page fault (touch and resubmit);
 * ZSIM_EIO anything else (watchdog, invalid descriptor). */
int zsim_iaa_crec_result(const struct zsim_iaa_crec *r, bool compress);
const char *zsim_iaa_status_name(unsigned status);

/* --- iaa_fixed.c: the stand-in encoder ------------------------------------ */

/* zlib deflateInit2(level, Z_DEFLATED, -12, 8, Z_FIXED): the parse
 * closest to IAA's. level 1..9. */
struct zsim_iaa_enc;
int zsim_iaa_enc_create(int level, struct zsim_iaa_enc **out);
void zsim_iaa_enc_destroy(struct zsim_iaa_enc *e);
size_t zsim_iaa_enc_size(const struct zsim_iaa_enc *e);
/* Compress into one final fixed-Huffman block (BFINAL=1, BTYPE=01, EOB,
 * zero-padded to a byte), distances <= 4096. ZSIM_ENOSPC when it does not
 * fit *dlen (the device's 0x0A/0x19, never a stored block); ZSIM_EINVAL
 * for src_len 0 or above ZSIM_IAA_SIM_MAX_SRC. Allocates nothing. */
int zsim_iaa_enc_compress(struct zsim_iaa_enc *e, const void *src, size_t slen, void *dst,
			  size_t *dlen);
/* Size of the literals-only fixed block for src (what the encoder writes
 * when the library's own choice was a stored block). */
size_t zsim_iaa_fixed_literal_size(const void *src, size_t slen);
size_t zsim_iaa_fixed_literal_write(const void *src, size_t slen, void *dst, size_t cap);

/* --- iaa_inflate.c ------------------------------------------------------- */

enum zsim_iaa_inflate_flags {
	/* IAA's decompressor as the kernel drives it: distances beyond 4 KiB
	 * are an error (0x0A/17) and decoding stops at the first EOB. */
	ZSIM_IAA_INF_STRICT = 1u << 0,
};

struct zsim_iaa_inflate_info {
	size_t in_bytes;   /* input bytes consumed (up to the end of the last block) */
	uint64_t in_bits;  /* input bits consumed */
	size_t out_len;    /* output produced before success or the error */
	uint8_t status;    /* the record status a device would write */
	uint8_t error;     /* and its error code with status 0x0A */
};

/* Raw DEFLATE (stored, fixed and dynamic blocks). Returns 0 and sets *dlen,
 * or ZSIM_ENOSPC (output beyond *dlen), ZSIM_ETRUNC (input ended early),
 * ZSIM_EBADMSG (invalid stream, or a strict-mode distance beyond 4 KiB).
 * Never reads past src + slen nor writes past dst + *dlen. Without
 * STRICT it reads to the end of the BFINAL block with a 32 KiB window, as
 * the kernel's generic deflate does. `info` may be NULL. */
int zsim_iaa_inflate(const void *src, size_t slen, void *dst, size_t *dlen, unsigned flags,
		     struct zsim_iaa_inflate_info *info);

/* --- iaa_model.c: the timing model --------------------------------------- */

enum zsim_iaa_wait { ZSIM_IAA_WAIT_POLL = 0, ZSIM_IAA_WAIT_IRQ = 1 };
enum zsim_iaa_submit { ZSIM_IAA_SUBMIT_DIRECT = 0, ZSIM_IAA_SUBMIT_WRITE = 1 };

/* Every constant of iaa.md §4.4; times in ns, streaming costs in ps/byte. */
struct zsim_iaa_model_params {
	unsigned devices;      /* IAA devices the jobs are spread over (round-robin) */
	unsigned engines;      /* engines per device (SPR: 8) */
	unsigned wq_size;      /* WQ entries per device (SPR: 128 in total) */
	uint32_t sub_c_ns;     /* CPU per compress descriptor (build + submit) */
	uint32_t sub_d_ns;     /* CPU per decompress descriptor */
	uint32_t write_ns;     /* extra CPU per descriptor on the write() path */
	uint32_t c0_ns;        /* engine fixed cost, compress */
	uint32_t c_ps_per_b;   /* compress streaming cost per input byte */
	uint32_t d0_ns;        /* engine fixed cost, decompress */
	uint32_t d_ps_per_b;   /* decompress streaming cost per output byte */
	uint32_t detect_ns;    /* noticing a completion by polling */
	uint32_t irq_ns;       /* extra for the interrupt path (async_irq) */
	uint32_t retry_ns;     /* one ENQCMD retry on a full WQ */
	uint32_t sw_d_ps_per_b; /* software deflate decompress (the fallback) */
	uint32_t req_ns;       /* software overhead per request (crypto API / zram) */
	enum zsim_iaa_wait wait;
	enum zsim_iaa_submit submit;
	bool verify;           /* verify_compress: one decompress after each compress */
};

void zsim_iaa_model_defaults(struct zsim_iaa_model_params *p);
/* Set one parameter by its spec key (engines=8, c_ps_per_b=490, wait=irq
 * ...). 0, ZSIM_ENOENT for a key the model does not know, ZSIM_EINVAL for
 * a bad value. */
int zsim_iaa_model_set(struct zsim_iaa_model_params *p, const char *key, const char *val);
/* Engine time for one job: S = input bytes (compress) or output bytes
 * (decompress). */
uint64_t zsim_iaa_model_service_ns(const struct zsim_iaa_model_params *p,
				   enum zsim_codec_op op, size_t bytes);

struct zsim_iaa_model_job {
	size_t bytes;      /* in: S (input for compress, output for decompress) */
	bool verify;       /* in: compress followed by the verify decompress */
	bool sw_fallback;  /* in: decompress that the device refused (software redo) */
	uint64_t done_ns;  /* out: completion noticed, from the first submission */
};
struct zsim_iaa_model_result {
	uint64_t latency_ns; /* first submission to the last completion noticed */
	uint64_t cpu_ns;     /* the caller's own work: submissions, retries, fallbacks */
	uint64_t device_ns;  /* engine busy time */
	unsigned retries;    /* ENQCMD retries on a full WQ */
};
/* Jobs submitted back to back in the order given, on an idle device. */
void zsim_iaa_model_batch(const struct zsim_iaa_model_params *p, enum zsim_codec_op op,
			  struct zsim_iaa_model_job *jobs, unsigned n,
			  struct zsim_iaa_model_result *res);

/* --- iaa_accfg.c: discovery ------------------------------------------------- */

#define ZSIM_IAA_PATH_MAX 128
#define ZSIM_IAA_MAX_WQS 64

struct zsim_iaa_wq_info {
	char path[ZSIM_IAA_PATH_MAX]; /* /dev/iax/wqD.Q */
	char device[32];              /* iax1 */
	char name[32];                /* wq1.0 */
	bool shared;                  /* shared (ENQCMD) or dedicated (MOVDIR64B) */
	bool block_on_fault;
	unsigned size, threshold, engines, version;
	int priority, numa_node;
	uint64_t max_transfer, gen_cap;
};

/* Enabled user-type WQs of enabled IAX devices, shared ones first, then by
 * priority. Returns the number found (0 ... max) or ZSIM_ENODEV, with a
 * one-line reason in `why` either way (e.g. "no enabled IAA work queue
 * (libaccel-config found 0 IAX devices)"). The library is dlopen'ed:
 * $ZSIM_ACCFG_LIB overrides "libaccel-config.so.1". */
int zsim_iaa_discover(struct zsim_iaa_wq_info *out, size_t max, char *why, size_t why_len);

/* --- iaa_portal.c: submission ----------------------------------------------- */

#define ZSIM_IAA_RETRY 1 /* submit: the WQ is full (ENQCMD ZF=1, write EAGAIN) */

struct zsim_iaa_portal;
struct zsim_iaa_portal_ops {
	const char *name; /* "enqcmd", "movdir64b", "write", "mock" ... */
	/* Hand one descriptor to the WQ: 0 accepted, ZSIM_IAA_RETRY, or
	 * ZSIM_EIO. The caller zeroed the record's status first. */
	int (*submit)(struct zsim_iaa_portal *p, const struct zsim_iaa_desc *d);
	/* Called while waiting on a record (NULL: the CPU pauses). A mock
	 * device runs its queue here. */
	void (*progress)(struct zsim_iaa_portal *p);
	/* A record was consumed (optional; the credits of a dedicated WQ
	 * are kept by zsim_iaa_portal_submit/_complete). */
	void (*complete)(struct zsim_iaa_portal *p);
	void (*close)(struct zsim_iaa_portal *p);
};

struct zsim_iaa_portal {
	const struct zsim_iaa_portal_ops *ops;
	void *priv;                  /* the implementation's */
	struct zsim_iaa_wq_info wq;  /* what the portal submits to */
	int fd;
	void *map;                   /* mapped portal page, or NULL */
	unsigned slot;               /* next 64-byte slot in the portal page */
	unsigned inflight;           /* dedicated WQ: descriptors not yet consumed */
};

/* Open a discovered WQ: open(2), map the portal (ENQCMD for a shared WQ,
 * MOVDIR64B for a dedicated one, if the CPU has them) or fall back to
 * write(2), then prove the path with a NOOP. ZSIM_ENODEV with `why`. */
int zsim_iaa_portal_open(const struct zsim_iaa_wq_info *wq, struct zsim_iaa_portal *p,
			 char *why, size_t why_len);
void zsim_iaa_portal_close(struct zsim_iaa_portal *p);
/* Submit through p->ops, keeping a dedicated WQ's credits: ZSIM_IAA_RETRY
 * when size descriptors are in flight. complete() gives one back once a
 * record has been read. Every submitter goes through these two. */
int zsim_iaa_portal_submit(struct zsim_iaa_portal *p, const struct zsim_iaa_desc *d);
void zsim_iaa_portal_complete(struct zsim_iaa_portal *p);

/* Tests plug a device here: while set, "deflate-iaa" skips discovery and
 * opens its portal with fn(arg, p) (0 or ZSIM_E*). NULL restores the real
 * path. Not thread-safe against concurrent codec creation. */
typedef int (*zsim_iaa_portal_open_fn)(void *arg, struct zsim_iaa_portal *p);
void zsim_iaa_set_portal_provider(zsim_iaa_portal_open_fn fn, void *arg);
/* For iaa_codec.c: open through the provider if one is set (*used says
 * whether one was); its result otherwise. */
int zsim_iaa_portal_provided(struct zsim_iaa_portal *p, bool *used);
bool zsim_iaa_portal_provider_set(void);

/* What a CPU does while it waits on a record (PAUSE on x86). */
static inline void zsim_iaa_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

/* Split "k=v,k=v" (a driver's params.args) and call fn on each pair;
 * stops at the first non-zero return. ZSIM_EPARSE for a malformed list. */
int zsim_iaa_args_each(const char *args, int (*fn)(void *arg, const char *k, const char *v),
		       void *arg);
/* Monotonic nanoseconds (CLOCK_MONOTONIC). */
uint64_t zsim_iaa_now_ns(void);

#endif
