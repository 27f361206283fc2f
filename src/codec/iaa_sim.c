/*
 * iaa_sim.c - "deflate-iaa-sim": a software stand-in for the kernel's
 * deflate-iaa (Intel IAA, fixed mode, drivers/crypto/intel/iaa, 6.8+, and
 * the out-of-tree batching series v13/v14), with a timing model.
 *
 * What it reproduces: the format (raw DEFLATE, one final fixed-Huffman
 * block, 4 KiB history; iaa_fixed.c, zlib level 1 by default, see there
 * for why), the device's decompression limits (4 KiB distances, stop at
 * the first EOB; iaa_inflate.c) and the kernel's handling of them: a
 * compress that does not fit is ZSIM_ENOSPC (-E2BIG), a decompress
 * overflow ZSIM_ENOSPC (-EOVERFLOW), and any other decompress error is
 * redone by software deflate (deflate_generic_decompress), counted in
 * sw_fallback_decompress. verify_compress (verify=1) decompresses each
 * output and compares, as the mainline driver does by default; it is off
 * by default here as in the batching series, and as in the published
 * latencies the model is fitted to. max_batch is 8 with the async
 * submit/poll form; a decompress batch goes two largest first (v13 16/22).
 *
 * What it does not: the bytes are not the device's (no packaged encoder
 * reproduces IAA's parse, iaa.md §4.2), and time is a model (iaa_model.c,
 * iaa.md §4.4): each call and each submission reports the modelled
 * latency of the device, separate from the CPU time this process spends
 * (zsim_codec_timing); every model constant can be set in the spec, e.g.
 * "deflate-iaa-sim:engines=4,wait=irq". Work is done at submission;
 * poll then reveals the jobs in the order the model completes them, one
 * completion time per call, so a caller sees jobs finish independently.
 * All memory is allocated in ctx_alloc. It registers under the algorithm
 * "deflate-iaa" below the hardware driver (priority 100 against 300), so
 * only its own name reaches it: a missing device is never silently
 * replaced by the stand-in. docs/iaa.md.
 */
#include <stdlib.h>
#include <string.h>

#include "codec/codec_internal.h"
#include "codec/iaa.h"
#include "common/compiler.h"

#define SIM_COUNTERS(X)                                                              \
	X(compress_jobs)          /* pages compressed (sync and batched) */          \
	X(compress_overflow)      /* output did not fit: 0x0A/0x19, -E2BIG */        \
	X(decompress_jobs)        /* pages decompressed */                          \
	X(decompress_overflow)    /* output beyond capacity: 0x0B, -EOVERFLOW */     \
	X(decompress_hw_errors)   /* the device's decoder refused the stream */      \
	X(sw_fallback_decompress) /* ... and software deflate redid it */            \
	X(verify_jobs)            /* verify_compress decompressions */              \
	X(verify_failures)        /* output that did not decompress to the input */ \
	X(wq_retries)             /* modelled ENQCMD retries on a full WQ */

enum sim_counter {
#define X(n) SIM_##n,
	SIM_COUNTERS(X)
#undef X
	SIM_NR_COUNTERS
};

static const char *const sim_counter_names[] = {
#define X(n) #n,
	SIM_COUNTERS(X)
#undef X
};

struct sim_ctx {
	struct zsim_iaa_enc *enc;
	struct zsim_iaa_model_params model;
	uint8_t *scratch; /* the verify pass decodes here */
	/* The submission in flight. */
	struct zsim_codec_job *jobs;
	unsigned n, left;
	enum zsim_codec_op op;
	int result[ZSIM_IAA_MAX_BATCH];
	size_t out_len[ZSIM_IAA_MAX_BATCH];
	uint64_t done_ns[ZSIM_IAA_MAX_BATCH];
	uint64_t vclock;
	struct zsim_iaa_model_result res;
	struct zsim_codec_timing timing;
	uint64_t counters[SIM_NR_COUNTERS];
};

static int sim_arg(void *arg, const char *key, const char *val)
{
	struct sim_ctx *c = arg;
	int rc = zsim_iaa_model_set(&c->model, key, val);
	return rc == ZSIM_ENOENT ? ZSIM_EPARSE : rc;
}

static void sim_ctx_free(void *ctx)
{
	struct sim_ctx *c = ctx;
	if (!c)
		return;
	zsim_iaa_enc_destroy(c->enc);
	free(c->scratch);
	free(c);
}

static int sim_ctx_alloc(const struct zsim_codec_params *p, void **out)
{
	struct sim_ctx *c = calloc(1, sizeof(*c));
	if (!c)
		return ZSIM_ENOMEM;
	zsim_iaa_model_defaults(&c->model);
	int rc = zsim_iaa_args_each(p->args, sim_arg, c);
	if (!rc)
		rc = zsim_iaa_enc_create(p->level, &c->enc);
	if (!rc) {
		c->scratch = malloc(ZSIM_IAA_SIM_MAX_SRC);
		if (!c->scratch)
			rc = ZSIM_ENOMEM;
	}
	if (rc) {
		sim_ctx_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

static size_t sim_ctx_size(const void *ctx)
{
	const struct sim_ctx *c = ctx;
	return sizeof(*c) + zsim_iaa_enc_size(c->enc) + ZSIM_IAA_SIM_MAX_SRC;
}

/* The work of one compress job; *dlen is the capacity on entry. */
static int do_compress(struct sim_ctx *c, const void *src, size_t slen, void *dst,
		       size_t *dlen, bool *verified)
{
	*verified = false;
	if (!src || !dst || !slen)
		return ZSIM_EINVAL;
	c->counters[SIM_compress_jobs]++;
	int rc = zsim_iaa_enc_compress(c->enc, src, slen, dst, dlen);
	if (rc == ZSIM_ENOSPC)
		c->counters[SIM_compress_overflow]++;
	if (rc || !c->model.verify)
		return rc;
	/* verify_compress: the device decompresses the output (output
	 * suppressed) and the CRCs must agree. */
	*verified = true;
	c->counters[SIM_verify_jobs]++;
	size_t vlen = slen;
	int vrc = zsim_iaa_inflate(dst, *dlen, c->scratch, &vlen, ZSIM_IAA_INF_STRICT, NULL);
	if (vrc || vlen != slen || memcmp(c->scratch, src, slen)) {
		c->counters[SIM_verify_failures]++;
		return ZSIM_EIO;
	}
	return 0;
}

/* The work of one decompress job; *fallback says software redid it. */
static int do_decompress(struct sim_ctx *c, const void *src, size_t slen, void *dst,
			 size_t *dlen, bool *fallback)
{
	*fallback = false;
	if (!src || !dst)
		return ZSIM_EINVAL;
	if (!slen)
		return ZSIM_ETRUNC;
	c->counters[SIM_decompress_jobs]++;
	size_t cap = *dlen;
	struct zsim_iaa_inflate_info info;
	int rc = zsim_iaa_inflate(src, slen, dst, dlen, ZSIM_IAA_INF_STRICT, &info);
	if (!rc)
		return 0;
	if (info.status == ZSIM_IAA_ST_OUTPUT_OVERFLOW) {
		c->counters[SIM_decompress_overflow]++;
		return ZSIM_ENOSPC;
	}
	/* An analytics error: the kernel retries with software deflate. */
	c->counters[SIM_decompress_hw_errors]++;
	c->counters[SIM_sw_fallback_decompress]++;
	*fallback = true;
	*dlen = cap;
	return zsim_iaa_inflate(src, slen, dst, dlen, 0, NULL);
}

static void account_sync(struct sim_ctx *c, const struct zsim_iaa_model_result *r,
			 uint64_t t0)
{
	c->timing.sync_calls++;
	c->timing.last_sync_ns = r->latency_ns;
	c->timing.sync_ns += r->latency_ns;
	c->timing.cpu_ns += r->cpu_ns;
	c->timing.device_ns += r->device_ns;
	c->counters[SIM_wq_retries] += r->retries;
	c->timing.measured_ns += zsim_iaa_now_ns() - t0;
}

static int sim_compress(void *ctx, const void *src, size_t slen, void *dst, size_t *dlen)
{
	struct sim_ctx *c = ctx;
	uint64_t t0 = zsim_iaa_now_ns();
	struct zsim_iaa_model_job j = {.bytes = slen};
	int rc = do_compress(c, src, slen, dst, dlen, &j.verify);
	struct zsim_iaa_model_result r;
	zsim_iaa_model_batch(&c->model, ZSIM_CODEC_COMPRESS, &j, 1, &r);
	account_sync(c, &r, t0);
	return rc;
}

static int sim_decompress(void *ctx, const void *src, size_t slen, void *dst, size_t *dlen)
{
	struct sim_ctx *c = ctx;
	uint64_t t0 = zsim_iaa_now_ns();
	size_t cap = *dlen;
	struct zsim_iaa_model_job j = {0};
	int rc = do_decompress(c, src, slen, dst, dlen, &j.sw_fallback);
	j.bytes = rc ? cap : *dlen;
	struct zsim_iaa_model_result r;
	zsim_iaa_model_batch(&c->model, ZSIM_CODEC_DECOMPRESS, &j, 1, &r);
	account_sync(c, &r, t0);
	return rc;
}

static int sim_batch_submit(void *ctx, enum zsim_codec_op op, struct zsim_codec_job *jobs,
			    unsigned n)
{
	struct sim_ctx *c = ctx;
	if (n > ZSIM_IAA_MAX_BATCH || !n)
		return ZSIM_EINVAL;
	if (c->left)
		return ZSIM_EBUSY; /* one submission in flight per instance */
	uint64_t t0 = zsim_iaa_now_ns();
	/* Submission order: a decompress batch puts its two largest inputs
	 * first (they take longest), the rest in order. */
	unsigned order[ZSIM_IAA_MAX_BATCH];
	for (unsigned i = 0; i < n; i++)
		order[i] = i;
	if (op == ZSIM_CODEC_DECOMPRESS) {
		for (unsigned k = 0; k < 2 && k < n; k++) {
			unsigned best = k;
			for (unsigned i = k + 1; i < n; i++)
				if (jobs[order[i]].src_len > jobs[order[best]].src_len)
					best = i;
			unsigned t = order[best];
			memmove(order + k + 1, order + k, (best - k) * sizeof(order[0]));
			order[k] = t;
		}
	}
	struct zsim_iaa_model_job mj[ZSIM_IAA_MAX_BATCH];
	for (unsigned k = 0; k < n; k++) {
		struct zsim_codec_job *j = &jobs[order[k]];
		size_t len = j->dst_cap;
		mj[k] = (struct zsim_iaa_model_job){.bytes = j->src_len};
		int rc;
		if (op == ZSIM_CODEC_COMPRESS) {
			rc = do_compress(c, j->src, j->src_len, j->dst, &len, &mj[k].verify);
		} else {
			rc = do_decompress(c, j->src, j->src_len, j->dst, &len, &mj[k].sw_fallback);
			mj[k].bytes = rc ? j->dst_cap : len;
		}
		c->result[order[k]] = rc;
		c->out_len[order[k]] = rc ? 0 : len;
		j->status = 1;
		j->dst_len = 0;
		j->model_ns = 0;
	}
	zsim_iaa_model_batch(&c->model, op, mj, n, &c->res);
	for (unsigned k = 0; k < n; k++)
		c->done_ns[order[k]] = mj[k].done_ns;
	c->jobs = jobs;
	c->n = c->left = n;
	c->op = op;
	c->vclock = 0;
	c->timing.measured_ns += zsim_iaa_now_ns() - t0;
	return 0;
}

static int sim_batch_poll(void *ctx, struct zsim_codec_job *jobs, unsigned n)
{
	struct sim_ctx *c = ctx;
	if (!c->left)
		return 0;
	if (jobs != c->jobs || n != c->n)
		return ZSIM_EINVAL;
	uint64_t t0 = zsim_iaa_now_ns();
	/* One sweep: reveal what the model has finished by now; if nothing,
	 * the CPU spins until the next completion. */
	uint64_t next = UINT64_MAX;
	for (unsigned i = 0; i < n; i++)
		if (jobs[i].status == 1 && c->done_ns[i] < next)
			next = c->done_ns[i];
	if (next > c->vclock)
		c->vclock = next;
	for (unsigned i = 0; i < n; i++) {
		if (jobs[i].status != 1 || c->done_ns[i] > c->vclock)
			continue;
		jobs[i].status = c->result[i];
		jobs[i].dst_len = c->out_len[i];
		jobs[i].model_ns = c->done_ns[i];
		c->left--;
	}
	if (!c->left) {
		c->timing.batches++;
		c->timing.batch_jobs += n;
		c->timing.last_batch_ns = c->res.latency_ns;
		c->timing.batch_ns += c->res.latency_ns;
		c->timing.cpu_ns += c->res.cpu_ns;
		c->timing.device_ns += c->res.device_ns;
		c->counters[SIM_wq_retries] += c->res.retries;
		c->jobs = NULL;
	}
	c->timing.measured_ns += zsim_iaa_now_ns() - t0;
	return (int)c->left;
}

static int sim_timing(const void *ctx, struct zsim_codec_timing *t)
{
	const struct sim_ctx *c = ctx;
	*t = c->timing;
	return 0;
}

static int sim_counters(const void *ctx, struct zsim_codec_counter *out, size_t max)
{
	const struct sim_ctx *c = ctx;
	for (size_t i = 0; i < SIM_NR_COUNTERS && i < max; i++)
		out[i] = (struct zsim_codec_counter){sim_counter_names[i], c->counters[i]};
	return SIM_NR_COUNTERS;
}

const struct zsim_codec_ops zsim_codec_deflate_iaa_sim_ops = {
	.name = "deflate-iaa",
	.driver_name = "deflate-iaa-sim",
	.description = "stand-in for Intel IAA deflate-iaa (fixed Huffman, 4 KiB history, "
		       "zlib Z_FIXED): software with a modelled device time, not hardware",
	.priority = 100,
	.flags = ZSIM_CODEC_F_STANDIN | ZSIM_CODEC_F_ASYNC | ZSIM_CODEC_F_ARGS,
	.max_batch = ZSIM_IAA_MAX_BATCH,
	.level_min = 1,
	.level_max = 9,
	.level_default = 1,
	.ctx_alloc = sim_ctx_alloc,
	.ctx_free = sim_ctx_free,
	.ctx_size = sim_ctx_size,
	.compress = sim_compress,
	.decompress = sim_decompress,
	.batch_submit = sim_batch_submit,
	.batch_poll = sim_batch_poll,
	.timing = sim_timing,
	.counters = sim_counters,
};
