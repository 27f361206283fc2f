/*
 * iaa_codec.c - "deflate-iaa": compression on an Intel IAA device through a
 * user-type work queue (SVA), as the kernel's iaa_crypto driver does it
 * through its kernel WQs (drivers/crypto/intel/iaa, fixed mode, 6.8+, and
 * the out-of-tree batching series v13/v14 for the batch form).
 *
 * Per job: build the fixed-mode descriptor (iaa_desc.c), clear the
 * 64-byte-aligned completion record, hand the descriptor to the portal
 * (iaa_portal.c: ENQCMD, MOVDIR64B or write()), and poll the record's
 * status byte. What a finished record means follows the kernel's
 * check_completion: compress overflow (0x0A/0x19) is ZSIM_ENOSPC (the
 * kernel's -E2BIG), decompress overflow (0x0B) ZSIM_ENOSPC (-EOVERFLOW), a
 * decompress analytics error is redone in software (deflate_generic_
 * decompress), anything else fails the job (ZSIM_EIO). verify=1 runs the
 * mainline driver's verify_compress: a decompress of the output with
 * SUPPRESS_OUTPUT whose CRC must equal the compress CRC. The batch form
 * (max_batch 8, IAA_CRYPTO_MAX_BATCH_SIZE) submits every descriptor back
 * to back, then sweeps the records until all are done; a decompress batch
 * submits its two largest inputs first (v13 16/22).
 *
 * Where it differs from the kernel, because it runs in a process:
 *  - buffers are process memory reached through SVA, so the device may
 *    report a page fault (status 0x03, bit 7 for a write). Without
 *    block-on-fault the job is touched and resubmitted up to fault_retries
 *    times, then done in software (as Intel QPL does); the kernel's
 *    DMA-mapped buffers never fault.
 *  - a WQ that stays full (ENQCMD ZF=1 / write() EAGAIN) is retried up to
 *    `retries` times, then the job is done in software; the kernel's
 *    batching series retries descriptor allocation the same way but then
 *    fails the request.
 *  - compress has a software fallback too (the stand-in encoder, same
 *    format: one fixed-Huffman block, 4 KiB history), for the two cases
 *    above only; the kernel has none.
 *  - a record that never arrives (timeout_ms, default 1000) fails the job
 *    and disables the instance (later jobs: ZSIM_ENODEV), as the kernel
 *    disables iaa_crypto after 1,000,000 polls.
 *  - the fixed AECS is one copy per instance, not per device.
 * Every fallback and retry is counted apart (zsim_codec_counters).
 * Time: measured wall time only (zsim_codec_timing.measured_ns); the
 * modelled fields stay 0 and so do job.model_ns - this driver has no model.
 * With no device: ZSIM_ENODEV, and zsim_codec_probe("deflate-iaa") says why
 * in one line. Tests plug a mock device in through
 * zsim_iaa_set_portal_provider (iaa.h).
 * Spec keys: verify=0|1, bof=0|1 (block on fault where the WQ allows it;
 * default 1), cc=0|1 (cache control; default: where GENCAP bit 2 says so),
 * retries=N (1000), fault_retries=N (1), timeout_ms=N (1000),
 * wq=/dev/iax/wqD.Q (use this WQ only).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec_internal.h"
#include "codec/iaa.h"
#include "common/compiler.h"

#define HW_COUNTERS(X)                                                                 \
	X(compress_jobs)          /* compress jobs started */                          \
	X(decompress_jobs)        /* decompress jobs started */                        \
	X(wq_retries)             /* submissions the WQ refused (full), retried */     \
	X(page_faults)            /* records with status 0x03/0x04 */                  \
	X(fault_resubmits)        /* ... touched and submitted again */                \
	X(compress_overflow)      /* 0x0A/0x19: the output did not fit (-E2BIG) */     \
	X(decompress_overflow)    /* 0x0B: output beyond the capacity (-EOVERFLOW) */  \
	X(hw_errors)              /* other error records (analytics, invalid ...) */   \
	X(sw_fallback_compress)   /* compress jobs done in software */                 \
	X(sw_fallback_decompress) /* decompress jobs done in software */               \
	X(fallback_busy)          /* ... because the WQ stayed full */                 \
	X(fallback_fault)         /* ... because the page faults went on */            \
	X(fallback_error)         /* ... because the device refused the stream */      \
	X(verify_jobs)            /* verify_compress decompressions */                 \
	X(verify_failures)        /* ... whose CRC differed (or that failed) */        \
	X(timeouts)               /* records that never arrived */

enum hw_counter {
#define X(n) HW_##n,
	HW_COUNTERS(X)
#undef X
	HW_NR_COUNTERS
};

static const char *const hw_counter_names[] = {
#define X(n) #n,
	HW_COUNTERS(X)
#undef X
};

enum slot_phase { SLOT_IDLE = 0, SLOT_MAIN, SLOT_VERIFY };

/* One job in flight: its record and descriptor, 64-byte aligned. */
struct slot {
	_Alignas(ZSIM_IAA_CREC_ALIGN) struct zsim_iaa_crec rec;
	_Alignas(ZSIM_IAA_DESC_SIZE) struct zsim_iaa_desc desc;
	struct zsim_codec_job *job;
	enum zsim_codec_op op;
	enum slot_phase phase;
	bool credit; /* submitted, record not read yet: holds a WQ credit */
	unsigned faults;
	uint32_t crc;  /* the compress CRC, for verify */
	uint32_t clen; /* the compressed length, while verifying */
	uint64_t deadline;
};

struct hw_ctx {
	struct zsim_iaa_portal portal;
	bool portal_open;
	struct zsim_iaa_aecs_comp *aecs; /* 32-byte aligned */
	struct slot *slots;              /* [ZSIM_IAA_MAX_BATCH] */
	struct zsim_iaa_enc *sw_enc;     /* the software fallback's encoder */
	/* parameters */
	bool verify;
	int bof, cc; /* -1: from the WQ / GENCAP */
	uint32_t opf; /* BOF / CC as resolved */
	unsigned retries, fault_retries;
	uint64_t timeout_ns;
	char wq_path[ZSIM_IAA_PATH_MAX];
	bool broken; /* a record never arrived: the device is off for us */
	/* the submission in flight */
	struct zsim_codec_job *jobs;
	unsigned n, left;
	struct zsim_codec_timing timing;
	uint64_t counters[HW_NR_COUNTERS];
};

/* --- parameters ------------------------------------------------------------ */

static int parse_uint(const char *v, unsigned long max, unsigned long *out)
{
	char *end;
	if (!*v || *v == '-')
		return ZSIM_EINVAL;
	unsigned long x = strtoul(v, &end, 10);
	if (*end || x > max)
		return ZSIM_EINVAL;
	*out = x;
	return 0;
}

static int hw_arg(void *arg, const char *key, const char *val)
{
	struct hw_ctx *c = arg;
	unsigned long x;
	int rc;
	if (!strcmp(key, "wq")) {
		if (strlen(val) >= sizeof(c->wq_path))
			return ZSIM_EINVAL;
		strcpy(c->wq_path, val);
		return 0;
	}
	if (!strcmp(key, "verify") || !strcmp(key, "bof") || !strcmp(key, "cc")) {
		if ((rc = parse_uint(val, 1, &x)))
			return rc;
		if (!strcmp(key, "verify"))
			c->verify = x;
		else if (!strcmp(key, "bof"))
			c->bof = (int)x;
		else
			c->cc = (int)x;
		return 0;
	}
	if (!strcmp(key, "retries") || !strcmp(key, "fault_retries")) {
		if ((rc = parse_uint(val, 1000000, &x)))
			return rc;
		if (!strcmp(key, "retries"))
			c->retries = (unsigned)x;
		else
			c->fault_retries = (unsigned)x;
		return 0;
	}
	if (!strcmp(key, "timeout_ms")) {
		if ((rc = parse_uint(val, 3600000, &x)) || !x)
			return ZSIM_EINVAL;
		c->timeout_ns = (uint64_t)x * 1000000ull;
		return 0;
	}
	return ZSIM_EPARSE;
}

/* --- opening a work queue -------------------------------------------------- */

/* The first discovered WQ that opens (or the one named by wq=). */
static int open_wq(struct hw_ctx *c)
{
	bool used;
	int rc = zsim_iaa_portal_provided(&c->portal, &used);
	if (used)
		return rc ? rc : 0;
	struct zsim_iaa_wq_info *wqs = malloc(sizeof(*wqs) * ZSIM_IAA_MAX_WQS);
	if (!wqs)
		return ZSIM_ENOMEM;
	char why[160];
	int n = zsim_iaa_discover(wqs, ZSIM_IAA_MAX_WQS, why, sizeof(why));
	rc = n > 0 ? ZSIM_ENODEV : n;
	for (int i = 0; i < n && rc; i++) {
		if (c->wq_path[0] && strcmp(c->wq_path, wqs[i].path))
			continue;
		rc = zsim_iaa_portal_open(&wqs[i], &c->portal, why, sizeof(why));
	}
	free(wqs);
	return rc ? ZSIM_ENODEV : 0;
}

static void hw_ctx_free(void *ctx)
{
	struct hw_ctx *c = ctx;
	if (!c)
		return;
	/* Closing the portal drains the device's work for us before the
	 * records and the AECS go. */
	if (c->portal_open)
		zsim_iaa_portal_close(&c->portal);
	zsim_iaa_enc_destroy(c->sw_enc);
	free(c->slots);
	free(c->aecs);
	free(c);
}

static int hw_ctx_alloc(const struct zsim_codec_params *p, void **out)
{
	struct hw_ctx *c = calloc(1, sizeof(*c));
	if (!c)
		return ZSIM_ENOMEM;
	c->bof = -1;
	c->cc = -1;
	c->retries = 1000;
	c->fault_retries = 1;
	c->timeout_ns = 1000000000ull;
	c->portal.fd = -1;
	int rc = zsim_iaa_args_each(p->args, hw_arg, c);
	if (!rc) {
		c->aecs = aligned_alloc(ZSIM_IAA_AECS_ALIGN, sizeof(*c->aecs));
		c->slots = aligned_alloc(ZSIM_IAA_CREC_ALIGN, sizeof(*c->slots) * ZSIM_IAA_MAX_BATCH);
		if (!c->aecs || !c->slots)
			rc = ZSIM_ENOMEM;
	}
	if (!rc)
		rc = zsim_iaa_enc_create(1, &c->sw_enc);
	if (!rc) {
		memset(c->slots, 0, sizeof(*c->slots) * ZSIM_IAA_MAX_BATCH);
		zsim_iaa_aecs_fixed_init(c->aecs);
		rc = open_wq(c);
	}
	if (rc) {
		hw_ctx_free(c);
		return rc;
	}
	c->portal_open = true;
	/* BOF only where the WQ allows it (otherwise the descriptor is
	 * invalid); CC where GENCAP bit 2 says the device writes to cache. */
	bool bof = c->bof < 0 ? c->portal.wq.block_on_fault : (c->bof && c->portal.wq.block_on_fault);
	bool cc = c->cc < 0 ? ((c->portal.wq.gen_cap >> 2) & 1) != 0 : c->cc != 0;
	c->opf = (bof ? ZSIM_IAA_OPF_BOF : 0) | (cc ? ZSIM_IAA_OPF_CC : 0);
	*out = c;
	return 0;
}

static size_t hw_ctx_size(const void *ctx)
{
	const struct hw_ctx *c = ctx;
	return sizeof(*c) + sizeof(*c->aecs) + sizeof(*c->slots) * ZSIM_IAA_MAX_BATCH +
	       zsim_iaa_enc_size(c->sw_enc);
}

/* --- jobs ------------------------------------------------------------------ */

static void finish(struct hw_ctx *c, struct slot *s, int rc, size_t len)
{
	s->job->status = rc;
	s->job->dst_len = rc ? 0 : len;
	s->phase = SLOT_IDLE;
	c->left--;
}

enum fallback_reason { FB_BUSY = HW_fallback_busy, FB_FAULT = HW_fallback_fault,
		       FB_ERROR = HW_fallback_error };

/* Do the job in software: the stand-in encoder (the device's format) or
 * a permissive inflate (the kernel's deflate-generic). */
static void fallback(struct hw_ctx *c, struct slot *s, enum fallback_reason why)
{
	struct zsim_codec_job *j = s->job;
	size_t len = j->dst_cap;
	int rc;
	c->counters[why]++;
	if (s->op == ZSIM_CODEC_COMPRESS) {
		c->counters[HW_sw_fallback_compress]++;
		rc = zsim_iaa_enc_compress(c->sw_enc, j->src, j->src_len, j->dst, &len);
	} else {
		c->counters[HW_sw_fallback_decompress]++;
		rc = zsim_iaa_inflate(j->src, j->src_len, j->dst, &len, 0, NULL);
	}
	finish(c, s, rc, len);
}

/* A record has arrived: its descriptor has left the WQ. */
static void release_credit(struct hw_ctx *c, struct slot *s)
{
	if (s->credit) {
		s->credit = false;
		zsim_iaa_portal_complete(&c->portal);
	}
}

/* Clear the record and hand the descriptor over, retrying while the WQ
 * is full; meanwhile records that arrive give their credits back (a
 * dedicated WQ). 0, ZSIM_IAA_RETRY (still full after `retries`) or
 * ZSIM_EIO. */
static int submit(struct hw_ctx *c, struct slot *s)
{
	zsim_iaa_crec_clear(&s->rec);
	for (unsigned i = 0;; i++) {
		int rc = zsim_iaa_portal_submit(&c->portal, &s->desc);
		if (rc != ZSIM_IAA_RETRY) {
			s->credit = rc == 0;
			s->deadline = zsim_iaa_now_ns() + c->timeout_ns;
			return rc;
		}
		c->counters[HW_wq_retries]++;
		if (i >= c->retries)
			return ZSIM_IAA_RETRY;
		if (c->portal.ops->progress)
			c->portal.ops->progress(&c->portal);
		else
			zsim_iaa_cpu_relax();
		for (unsigned k = 0; k < c->n; k++)
			if (c->slots[k].credit && zsim_iaa_crec_status(&c->slots[k].rec))
				release_credit(c, &c->slots[k]);
	}
}

static void submitted(struct hw_ctx *c, struct slot *s, int rc)
{
	if (rc == ZSIM_IAA_RETRY) {
		fallback(c, s, FB_BUSY);
	} else if (rc) {
		c->counters[HW_hw_errors]++;
		fallback(c, s, FB_ERROR);
	}
}

static void job_start(struct hw_ctx *c, struct slot *s, struct zsim_codec_job *j,
		      enum zsim_codec_op op)
{
	s->job = j;
	s->op = op;
	s->phase = SLOT_MAIN;
	s->faults = 0;
	j->status = 1;
	j->dst_len = 0;
	j->model_ns = 0;
	c->counters[op == ZSIM_CODEC_COMPRESS ? HW_compress_jobs : HW_decompress_jobs]++;
	if (!j->src || !j->dst || (op == ZSIM_CODEC_COMPRESS && !j->src_len)) {
		finish(c, s, ZSIM_EINVAL, 0);
		return;
	}
	if (!j->src_len) {
		finish(c, s, ZSIM_ETRUNC, 0);
		return;
	}
	if (c->broken) {
		finish(c, s, ZSIM_ENODEV, 0);
		return;
	}
	uint64_t max = c->portal.wq.max_transfer ? c->portal.wq.max_transfer : (uint64_t)UINT32_MAX;
	if (j->src_len > max || j->src_len > UINT32_MAX) {
		/* Beyond one descriptor: the device cannot take it. */
		c->counters[HW_hw_errors]++;
		fallback(c, s, FB_ERROR);
		return;
	}
	uint32_t cap = j->dst_cap > UINT32_MAX ? UINT32_MAX : (uint32_t)j->dst_cap;
	if (op == ZSIM_CODEC_COMPRESS)
		zsim_iaa_desc_compress(&s->desc, j->src, (uint32_t)j->src_len, j->dst, cap, c->aecs,
				       &s->rec, c->opf);
	else
		zsim_iaa_desc_decompress(&s->desc, j->src, (uint32_t)j->src_len, j->dst, cap,
					 &s->rec, c->opf);
	submitted(c, s, submit(c, s));
}

/* Is [addr] inside one of the descriptor's buffers (the only memory we
 * touch on a fault), and may it be written? */
static bool fault_in_job(const struct slot *s, uint64_t addr, bool write, bool *writable)
{
	const struct zsim_iaa_desc *d = &s->desc;
	bool in_src = addr >= d->src1_addr && addr - d->src1_addr < d->src1_size;
	bool in_dst = addr >= d->dst_addr && addr - d->dst_addr < d->max_dst_size;
	/* The verify pass's destination is the caller's const source page. */
	*writable = in_dst && s->phase == SLOT_MAIN;
	return write ? in_dst : (in_src || in_dst);
}

/* A page fault without block-on-fault: bring the page in as the device
 * would need it (read; read and write back for a write fault), then
 * resubmit the whole descriptor - IAA has no partial completion. */
static void page_fault(struct hw_ctx *c, struct slot *s, uint8_t status)
{
	c->counters[HW_page_faults]++;
	bool write = status & ZSIM_IAA_STATUS_WRITE_FAULT, writable;
	uint64_t addr = s->rec.fault_addr;
	if (s->faults++ >= c->fault_retries || !fault_in_job(s, addr, write, &writable)) {
		if (s->phase == SLOT_VERIFY) {
			c->counters[HW_verify_failures]++;
			finish(c, s, ZSIM_EIO, 0);
		} else {
			fallback(c, s, FB_FAULT);
		}
		return;
	}
	volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)addr;
	uint8_t v = *p;
	if (write && writable)
		*p = v;
	c->counters[HW_fault_resubmits]++;
	int rc = submit(c, s);
	if (rc && s->phase == SLOT_VERIFY) {
		c->counters[HW_verify_failures]++;
		finish(c, s, ZSIM_EIO, 0);
	} else {
		submitted(c, s, rc);
	}
}

/* Look at one slot's record; acts on it if it arrived. */
static void check_slot(struct hw_ctx *c, struct slot *s, uint64_t now)
{
	uint8_t st = zsim_iaa_crec_status(&s->rec);
	if (!st) {
		if (now > s->deadline) {
			/* The device lost it: no further use of this one. */
			c->counters[HW_timeouts]++;
			c->broken = true;
			finish(c, s, ZSIM_EIO, 0);
		}
		return;
	}
	release_credit(c, s);
	const struct zsim_iaa_crec *r = &s->rec;
	unsigned code = st & ZSIM_IAA_STATUS_MASK;
	if (code == ZSIM_IAA_ST_PAGE_FAULT || code == ZSIM_IAA_ST_PAGE_FAULT_IR) {
		page_fault(c, s, st);
		return;
	}
	struct zsim_codec_job *j = s->job;
	if (s->phase == SLOT_VERIFY) {
		if (code == ZSIM_IAA_ST_SUCCESS && r->crc == s->crc &&
		    r->output_size == j->src_len) {
			finish(c, s, 0, s->clen);
		} else {
			c->counters[HW_verify_failures]++;
			finish(c, s, ZSIM_EIO, 0);
		}
		return;
	}
	if (code == ZSIM_IAA_ST_SUCCESS) {
		size_t out = r->output_size;
		if (out > j->dst_cap || (s->op == ZSIM_CODEC_COMPRESS && out == 0)) {
			c->counters[HW_hw_errors]++; /* a record we cannot believe */
			finish(c, s, ZSIM_EIO, 0);
		} else if (s->op == ZSIM_CODEC_COMPRESS && c->verify) {
			c->counters[HW_verify_jobs]++;
			s->crc = r->crc;
			s->clen = (uint32_t)out;
			s->phase = SLOT_VERIFY;
			s->faults = 0;
			zsim_iaa_desc_verify(&s->desc, j->dst, (uint32_t)out, j->src,
					     (uint32_t)j->src_len, &s->rec, c->opf);
			if (submit(c, s)) {
				c->counters[HW_verify_failures]++;
				finish(c, s, ZSIM_EIO, 0);
			}
		} else {
			finish(c, s, 0, out);
		}
		return;
	}
	int rc = zsim_iaa_crec_result(r, s->op == ZSIM_CODEC_COMPRESS);
	if (s->op == ZSIM_CODEC_COMPRESS) {
		if (rc == ZSIM_ENOSPC) {
			c->counters[HW_compress_overflow]++;
		} else {
			c->counters[HW_hw_errors]++;
			rc = ZSIM_EIO;
		}
		finish(c, s, rc, 0);
		return;
	}
	if (rc == ZSIM_ENOSPC) {
		c->counters[HW_decompress_overflow]++;
		finish(c, s, rc, 0);
	} else if (code == ZSIM_IAA_ST_ANALYTICS_ERROR) {
		c->counters[HW_hw_errors]++;
		fallback(c, s, FB_ERROR); /* deflate_generic_decompress */
	} else {
		c->counters[HW_hw_errors]++;
		finish(c, s, ZSIM_EIO, 0);
	}
}

/* One sweep over the slots in flight; returns how many are left. */
static unsigned sweep(struct hw_ctx *c)
{
	if (c->portal.ops->progress)
		c->portal.ops->progress(&c->portal);
	uint64_t now = zsim_iaa_now_ns();
	unsigned before = c->left;
	for (unsigned i = 0; i < c->n && c->left; i++)
		if (c->slots[i].phase != SLOT_IDLE)
			check_slot(c, &c->slots[i], now);
	if (c->left == before && !c->portal.ops->progress)
		zsim_iaa_cpu_relax();
	return c->left;
}

/* Submission order: a decompress batch puts its two largest inputs first
 * (they take longest); everything else in order. */
static void order_jobs(const struct zsim_codec_job *jobs, unsigned n, enum zsim_codec_op op,
		       unsigned *order)
{
	for (unsigned i = 0; i < n; i++)
		order[i] = i;
	if (op != ZSIM_CODEC_DECOMPRESS)
		return;
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

static int start(struct hw_ctx *c, enum zsim_codec_op op, struct zsim_codec_job *jobs,
		 unsigned n)
{
	if (!n || n > ZSIM_IAA_MAX_BATCH)
		return ZSIM_EINVAL;
	if (c->left)
		return ZSIM_EBUSY; /* one submission in flight per instance */
	unsigned order[ZSIM_IAA_MAX_BATCH];
	order_jobs(jobs, n, op, order);
	c->jobs = jobs;
	c->n = c->left = n;
	for (unsigned k = 0; k < n; k++)
		job_start(c, &c->slots[order[k]], &jobs[order[k]], op);
	return 0;
}

static int hw_batch_submit(void *ctx, enum zsim_codec_op op, struct zsim_codec_job *jobs,
			   unsigned n)
{
	struct hw_ctx *c = ctx;
	uint64_t t0 = zsim_iaa_now_ns();
	int rc = start(c, op, jobs, n);
	if (!rc) {
		c->timing.batches++;
		c->timing.batch_jobs += n;
	}
	c->timing.measured_ns += zsim_iaa_now_ns() - t0;
	return rc;
}

static int hw_batch_poll(void *ctx, struct zsim_codec_job *jobs, unsigned n)
{
	struct hw_ctx *c = ctx;
	if (!c->left)
		return 0;
	if (jobs != c->jobs || n != c->n)
		return ZSIM_EINVAL;
	uint64_t t0 = zsim_iaa_now_ns();
	unsigned left = sweep(c);
	c->timing.measured_ns += zsim_iaa_now_ns() - t0;
	return (int)left;
}

/* A synchronous call: one job, submitted and polled to its end. */
static int run_sync(struct hw_ctx *c, enum zsim_codec_op op, const void *src, size_t slen,
		    void *dst, size_t *dlen)
{
	uint64_t t0 = zsim_iaa_now_ns();
	struct zsim_codec_job j = {.src = src, .src_len = slen, .dst = dst, .dst_cap = *dlen};
	int rc = start(c, op, &j, 1);
	while (!rc && sweep(c))
		;
	if (!rc) {
		rc = j.status;
		if (!rc)
			*dlen = j.dst_len;
	}
	c->timing.sync_calls++;
	c->timing.measured_ns += zsim_iaa_now_ns() - t0;
	return rc;
}

static int hw_compress(void *ctx, const void *src, size_t slen, void *dst, size_t *dlen)
{
	return run_sync(ctx, ZSIM_CODEC_COMPRESS, src, slen, dst, dlen);
}

static int hw_decompress(void *ctx, const void *src, size_t slen, void *dst, size_t *dlen)
{
	return run_sync(ctx, ZSIM_CODEC_DECOMPRESS, src, slen, dst, dlen);
}

static int hw_timing(const void *ctx, struct zsim_codec_timing *t)
{
	const struct hw_ctx *c = ctx;
	*t = c->timing;
	return 0;
}

static int hw_counters(const void *ctx, struct zsim_codec_counter *out, size_t max)
{
	const struct hw_ctx *c = ctx;
	for (size_t i = 0; i < HW_NR_COUNTERS && i < max; i++)
		out[i] = (struct zsim_codec_counter){hw_counter_names[i], c->counters[i]};
	return HW_NR_COUNTERS;
}

static int hw_probe(char *why, size_t len)
{
	if (zsim_iaa_portal_provider_set()) {
		snprintf(why, len, "a test device is plugged in");
		return 0;
	}
	struct zsim_iaa_wq_info *wqs = malloc(sizeof(*wqs) * ZSIM_IAA_MAX_WQS);
	if (!wqs) {
		snprintf(why, len, "out of memory");
		return ZSIM_ENOMEM;
	}
	int n = zsim_iaa_discover(wqs, ZSIM_IAA_MAX_WQS, why, len);
	free(wqs);
	return n > 0 ? 0 : n;
}

const struct zsim_codec_ops zsim_codec_deflate_iaa_ops = {
	.name = "deflate-iaa",
	.driver_name = "deflate-iaa",
	.description = "Intel IAA hardware, fixed Huffman, 4 KiB history (a user work queue "
		       "found through libaccel-config)",
	.priority = 300,
	.flags = ZSIM_CODEC_F_HARDWARE | ZSIM_CODEC_F_ASYNC | ZSIM_CODEC_F_ARGS,
	.max_batch = ZSIM_IAA_MAX_BATCH,
	.ctx_alloc = hw_ctx_alloc,
	.ctx_free = hw_ctx_free,
	.ctx_size = hw_ctx_size,
	.compress = hw_compress,
	.decompress = hw_decompress,
	.batch_submit = hw_batch_submit,
	.batch_poll = hw_batch_poll,
	.timing = hw_timing,
	.counters = hw_counters,
	.probe = hw_probe,
};
