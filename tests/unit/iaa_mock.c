/*
 * iaa_mock.c - the in-process IAA device of the tests (see iaa_mock.h).
 *
 * Models what iaa.md §2 and §5.2 say a device does with a descriptor:
 * check it (known opcode and flags, reserved fields zero, record 64-byte
 * aligned, AECS 32-byte aligned and a multiple of 32 bytes, sizes within
 * the WQ's max transfer, buffers that do not overlap, BOF only on a WQ
 * that allows it), execute compress (fixed mode only: the AECS must hold
 * the RFC 1951 fixed tables and the 3 header bits) with the stand-in
 * encoder and decompress with the strict inflater (4 KiB history, stop at
 * the first EOB, SUPPRESS_OUTPUT honoured), and write the record: output
 * size, output bits, CRC-32 of the uncompressed data, bytes consumed, the
 * fault address for a page fault, status last. Differences from a real
 * device: one execution at a time (engines are not modelled; the timing
 * model is iaa_model.c), the bytes are the stand-in's, a misaligned
 * record or a descriptor without CRAV|RCR is only counted (a device would
 * raise a software error), and which status a given bad field gets where
 * several apply is our choice.
 */
#include "iaa_mock.h"

#include <poll.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "zswapsim/common.h"

#define MOCK_RING_MAX 4096
#define MOCK_INJECT_MAX 16

struct iaa_mock {
	struct iaa_mock_config cfg;
	pthread_mutex_t lock; /* ring, injections, stats */
	pthread_cond_t cond;
	pthread_mutex_t exec_lock; /* one execution at a time (the encoder) */
	struct zsim_iaa_desc *ring; /* [wq_size] */
	unsigned head, count;       /* oldest at head */
	unsigned busy;              /* submissions to refuse */
	unsigned executing;
	struct iaa_mock_inject inj[MOCK_INJECT_MAX];
	unsigned ninj;
	struct iaa_mock_stats st;
	struct zsim_iaa_enc *enc;
	struct zsim_iaa_aecs_comp fixed; /* what a fixed-mode AECS holds */
	bool stop;
	bool have_worker, have_reader;
	pthread_t worker, reader;
	int fd;
};

/* --- execution ------------------------------------------------------------ */

static bool overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

/* The first queued injection that applies to this descriptor, consumed. */
static bool take_injection(struct iaa_mock *m, unsigned op, struct iaa_mock_inject *out)
{
	bool hit = false;
	pthread_mutex_lock(&m->lock);
	for (unsigned i = 0; i < m->ninj; i++) {
		struct iaa_mock_inject *f = &m->inj[i];
		if (f->opcode ? f->opcode != op : op == ZSIM_IAA_OP_NOOP)
			continue;
		if (f->skip) {
			f->skip--;
			break;
		}
		*out = *f;
		if (--f->count == 0) {
			memmove(f, f + 1, (m->ninj - i - 1) * sizeof(*f));
			m->ninj--;
		}
		hit = true;
		break;
	}
	pthread_mutex_unlock(&m->lock);
	return hit;
}

static void count(struct iaa_mock *m, uint64_t *field)
{
	pthread_mutex_lock(&m->lock);
	(*field)++;
	pthread_mutex_unlock(&m->lock);
}

static uint8_t do_compress(struct iaa_mock *m, const struct zsim_iaa_desc *d,
			   struct zsim_iaa_crec *out)
{
	const struct zsim_iaa_aecs_comp *a = (const void *)(uintptr_t)d->src2_addr;
	if (!(d->op_flags & ZSIM_IAA_OPF_RD_SRC2_AECS)) {
		out->error_code = ZSIM_IAA_ERR_AECS; /* fixed mode needs its tables */
		return ZSIM_IAA_ST_ANALYTICS_ERROR;
	}
	if (d->src2_addr % ZSIM_IAA_AECS_ALIGN || d->src2_size % 32)
		return ZSIM_IAA_ST_ADDR_ALIGN;
	if (d->src2_size < ZSIM_IAA_AECS_COMP_SIZE)
		return ZSIM_IAA_ST_INVALID_SIZE;
	if (d->codec_flags != ZSIM_IAA_KERNEL_COMPF)
		return ZSIM_IAA_ST_INVALID_CODEC_FLAGS; /* only what fixed mode uses */
	if (a->num_acc_bits != m->fixed.num_acc_bits || a->output_accum[0] != m->fixed.output_accum[0] ||
	    memcmp(a->ll_sym, m->fixed.ll_sym, sizeof(a->ll_sym)) ||
	    memcmp(a->d_sym, m->fixed.d_sym, sizeof(a->d_sym))) {
		out->error_code = ZSIM_IAA_ERR_AECS;
		return ZSIM_IAA_ST_ANALYTICS_ERROR;
	}
	if (overlap(d->src1_addr, d->src1_size, d->dst_addr, d->max_dst_size))
		return ZSIM_IAA_ST_OVERLAP;
	const void *src = (const void *)(uintptr_t)d->src1_addr;
	void *dst = (void *)(uintptr_t)d->dst_addr;
	size_t len = d->max_dst_size;
	int rc = zsim_iaa_enc_compress(m->enc, src, d->src1_size, dst, &len);
	if (rc == ZSIM_ENOSPC) {
		out->error_code = ZSIM_IAA_ERR_OUTPUT_OVERFLOW;
		return ZSIM_IAA_ST_ANALYTICS_ERROR;
	}
	if (rc)
		return ZSIM_IAA_ST_INVALID_SIZE; /* beyond what the stand-in encodes */
	/* Valid bits in the last byte: decode our own output to the EOB. */
	struct zsim_iaa_inflate_info info;
	size_t olen = d->src1_size;
	void *tmp = malloc(olen);
	if (tmp && !zsim_iaa_inflate(dst, len, tmp, &olen, ZSIM_IAA_INF_STRICT, &info))
		out->output_bits = (uint8_t)(info.in_bits % 8 ? info.in_bits % 8 : 8);
	free(tmp);
	out->output_size = (uint32_t)len;
	out->bytes_completed = d->src1_size;
	out->crc = (uint32_t)crc32(0, src, d->src1_size);
	return ZSIM_IAA_ST_SUCCESS;
}

static uint8_t do_decompress(struct iaa_mock *m, const struct zsim_iaa_desc *d,
			     struct zsim_iaa_crec *out)
{
	(void)m;
	if (d->op_flags & (ZSIM_IAA_OPF_RD_SRC2_AECS | ZSIM_IAA_OPF_RD_SRC2_2ND)) {
		out->invalid_flags = d->op_flags & (ZSIM_IAA_OPF_RD_SRC2_AECS | ZSIM_IAA_OPF_RD_SRC2_2ND);
		return ZSIM_IAA_ST_INVALID_FLAGS; /* no stateful decompress here */
	}
	if (d->src2_addr || d->src2_size)
		return ZSIM_IAA_ST_NONZERO_RESERVED;
	if (!(d->codec_flags & ZSIM_IAA_DECOMPF_ENABLE))
		return ZSIM_IAA_ST_INVALID_CODEC_FLAGS;
	bool suppress = d->codec_flags & ZSIM_IAA_DECOMPF_SUPPRESS_OUTPUT;
	if (!suppress && overlap(d->src1_addr, d->src1_size, d->dst_addr, d->max_dst_size))
		return ZSIM_IAA_ST_OVERLAP;
	void *dst = suppress ? malloc(d->max_dst_size ? d->max_dst_size : 1)
			     : (void *)(uintptr_t)d->dst_addr;
	if (!dst)
		return ZSIM_IAA_ST_WATCHDOG;
	size_t len = d->max_dst_size;
	struct zsim_iaa_inflate_info info;
	int rc = zsim_iaa_inflate((const void *)(uintptr_t)d->src1_addr, d->src1_size, dst, &len,
				  ZSIM_IAA_INF_STRICT, &info);
	uint8_t st = ZSIM_IAA_ST_SUCCESS;
	out->bytes_completed = (uint32_t)info.in_bytes;
	if (rc) {
		st = info.status;
		out->error_code = info.error;
		out->output_size = (uint32_t)info.out_len;
	} else {
		out->output_size = (uint32_t)len;
		out->crc = (uint32_t)crc32(0, dst, (uInt)len);
	}
	if (suppress)
		free(dst);
	return st;
}

/* Execute; 0 means "no record" (lost). */
static uint8_t run(struct iaa_mock *m, const struct zsim_iaa_desc *d, struct zsim_iaa_crec *out)
{
	uint32_t opf = d->op_flags & ZSIM_IAA_OPF_MASK;
	unsigned op = d->op_flags >> 24;
	if (opf & ~ZSIM_IAA_OPF_KNOWN) {
		out->invalid_flags = opf & ~ZSIM_IAA_OPF_KNOWN;
		return ZSIM_IAA_ST_INVALID_FLAGS;
	}
	if ((opf & ZSIM_IAA_OPF_BOF) && !m->cfg.block_on_fault) {
		out->invalid_flags = ZSIM_IAA_OPF_BOF;
		return ZSIM_IAA_ST_INVALID_FLAGS;
	}
	if ((d->pasid_priv >> 31) || d->num_inputs || (d->int_handle && !(opf & ZSIM_IAA_OPF_RCI)))
		return ZSIM_IAA_ST_NONZERO_RESERVED;
	if (op == ZSIM_IAA_OP_NOOP) {
		count(m, &m->st.noops);
		return ZSIM_IAA_ST_SUCCESS;
	}
	if (op != ZSIM_IAA_OP_COMPRESS && op != ZSIM_IAA_OP_DECOMPRESS)
		return ZSIM_IAA_ST_BAD_OPCODE;
	uint64_t max = m->cfg.max_transfer;
	if (!d->src1_size || d->src1_size > max || !d->max_dst_size || !d->src1_addr || !d->dst_addr)
		return ZSIM_IAA_ST_INVALID_SIZE;
	count(m, op == ZSIM_IAA_OP_COMPRESS ? &m->st.compresses : &m->st.decompresses);

	struct iaa_mock_inject f;
	bool bad_crc = false;
	if (take_injection(m, op, &f)) {
		bool bof = (opf & ZSIM_IAA_OPF_BOF) && m->cfg.block_on_fault;
		switch (f.kind) {
		case IAA_MOCK_FAULT_SRC:
		case IAA_MOCK_FAULT_DST:
			if (bof) {
				count(m, &m->st.blocked); /* the IOMMU resolved it; we went on */
				break;
			}
			count(m, &m->st.faults);
			if (f.kind == IAA_MOCK_FAULT_SRC) {
				out->fault_addr = d->src1_addr + d->src1_size / 2;
				return ZSIM_IAA_ST_PAGE_FAULT;
			}
			out->fault_addr = d->dst_addr;
			return ZSIM_IAA_ST_PAGE_FAULT | ZSIM_IAA_STATUS_WRITE_FAULT;
		case IAA_MOCK_STATUS:
			count(m, &m->st.injected);
			out->error_code = f.error;
			return f.status;
		case IAA_MOCK_BAD_CRC:
			count(m, &m->st.injected);
			bad_crc = true;
			break;
		case IAA_MOCK_LOSE:
			count(m, &m->st.injected);
			return 0;
		}
	}
	uint8_t st = op == ZSIM_IAA_OP_COMPRESS ? do_compress(m, d, out) : do_decompress(m, d, out);
	if (bad_crc)
		out->crc ^= 0x5a5a5a5au;
	return st;
}

void iaa_mock_execute(struct iaa_mock *m, const struct zsim_iaa_desc *d)
{
	pthread_mutex_lock(&m->exec_lock);
	count(m, &m->st.executed);
	uint32_t opf = d->op_flags & ZSIM_IAA_OPF_MASK;
	if (!(opf & ZSIM_IAA_OPF_CRAV) || !(opf & ZSIM_IAA_OPF_RCR) || !d->completion_addr ||
	    d->completion_addr % ZSIM_IAA_CREC_ALIGN) {
		count(m, &m->st.invalid); /* nowhere valid to write a record */
		pthread_mutex_unlock(&m->exec_lock);
		return;
	}
	struct zsim_iaa_crec out;
	memset(&out, 0, sizeof(out));
	uint8_t st = run(m, d, &out);
	unsigned code = st & ZSIM_IAA_STATUS_MASK;
	if (st && code != ZSIM_IAA_ST_SUCCESS && code != ZSIM_IAA_ST_PAGE_FAULT &&
	    code != ZSIM_IAA_ST_ANALYTICS_ERROR && code != ZSIM_IAA_ST_OUTPUT_OVERFLOW)
		count(m, &m->st.invalid);
	if (st) {
		/* Everything but the status, then the status with release: a
		 * poller that sees it sees the rest. */
		struct zsim_iaa_crec *r = (struct zsim_iaa_crec *)(uintptr_t)d->completion_addr;
		memcpy((char *)r + 1, (const char *)&out + 1, sizeof(out) - 1);
		__atomic_store_n(&r->status, st, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&m->exec_lock);
}

/* --- the work queue -------------------------------------------------------- */

/* Take one queued descriptor (oldest, or newest when lifo); false if none. */
static bool pop(struct iaa_mock *m, bool lifo, struct zsim_iaa_desc *d)
{
	if (!m->count)
		return false;
	unsigned size = m->cfg.wq_size;
	unsigned at = lifo ? (m->head + m->count - 1) % size : m->head;
	*d = m->ring[at];
	if (!lifo)
		m->head = (m->head + 1) % size;
	m->count--;
	m->executing++;
	return true;
}

static void done_one(struct iaa_mock *m)
{
	pthread_mutex_lock(&m->lock);
	m->executing--;
	pthread_cond_broadcast(&m->cond);
	pthread_mutex_unlock(&m->lock);
}

static void *worker_main(void *arg)
{
	struct iaa_mock *m = arg;
	pthread_mutex_lock(&m->lock);
	for (;;) {
		struct zsim_iaa_desc d;
		while (!m->stop && !m->count)
			pthread_cond_wait(&m->cond, &m->lock);
		if (!pop(m, m->cfg.lifo, &d))
			break; /* stopping, and nothing left */
		pthread_mutex_unlock(&m->lock);
		iaa_mock_execute(m, &d);
		done_one(m);
		pthread_mutex_lock(&m->lock);
	}
	pthread_mutex_unlock(&m->lock);
	return NULL;
}

void iaa_mock_drain(struct iaa_mock *m)
{
	for (;;) {
		struct zsim_iaa_desc d;
		pthread_mutex_lock(&m->lock);
		if (m->have_worker) {
			while (m->count || m->executing)
				pthread_cond_wait(&m->cond, &m->lock);
			pthread_mutex_unlock(&m->lock);
			return;
		}
		bool got = pop(m, m->cfg.lifo, &d);
		pthread_mutex_unlock(&m->lock);
		if (!got)
			return;
		iaa_mock_execute(m, &d);
		done_one(m);
	}
}

static int mock_submit(struct zsim_iaa_portal *p, const struct zsim_iaa_desc *d)
{
	struct iaa_mock *m = p->priv;
	pthread_mutex_lock(&m->lock);
	int rc = 0;
	if (m->busy || m->count >= m->cfg.wq_size) {
		if (m->busy)
			m->busy--;
		if (m->cfg.dedicated) {
			m->st.dropped++; /* MOVDIR64B is posted: nobody hears of it */
		} else {
			m->st.refused++;
			rc = ZSIM_IAA_RETRY;
		}
	} else {
		m->ring[(m->head + m->count) % m->cfg.wq_size] = *d;
		m->count++;
		m->st.submitted++;
		if (m->count > m->st.max_queued)
			m->st.max_queued = m->count;
		pthread_cond_broadcast(&m->cond);
	}
	pthread_mutex_unlock(&m->lock);
	return rc;
}

/* Without a device thread, the waiting CPU lets the device run one step. */
static void mock_progress(struct zsim_iaa_portal *p)
{
	struct iaa_mock *m = p->priv;
	struct zsim_iaa_desc d;
	pthread_mutex_lock(&m->lock);
	bool got = pop(m, m->cfg.lifo, &d);
	pthread_mutex_unlock(&m->lock);
	if (got) {
		iaa_mock_execute(m, &d);
		done_one(m);
	}
}

/* Closing the file drains the process's work (the kernel does that on
 * release), so no record lands in freed memory. */
static void mock_close(struct zsim_iaa_portal *p)
{
	iaa_mock_drain(p->priv);
}

static const struct zsim_iaa_portal_ops mock_ops_threaded = {
	.name = "mock", .submit = mock_submit, .close = mock_close,
};
static const struct zsim_iaa_portal_ops mock_ops_inline = {
	.name = "mock", .submit = mock_submit, .progress = mock_progress, .close = mock_close,
};

static int mock_open(void *arg, struct zsim_iaa_portal *p)
{
	struct iaa_mock *m = arg;
	p->ops = m->cfg.threaded ? &mock_ops_threaded : &mock_ops_inline;
	p->priv = m;
	p->fd = -1;
	snprintf(p->wq.path, sizeof(p->wq.path), "mock:wq0.0");
	snprintf(p->wq.device, sizeof(p->wq.device), "iax0");
	snprintf(p->wq.name, sizeof(p->wq.name), "wq0.0");
	p->wq.shared = !m->cfg.dedicated;
	p->wq.block_on_fault = m->cfg.block_on_fault;
	p->wq.size = p->wq.threshold = m->cfg.wq_size;
	p->wq.engines = 8;
	p->wq.version = 0x100;
	p->wq.max_transfer = m->cfg.max_transfer;
	p->wq.gen_cap = m->cfg.gen_cap;
	return 0;
}

void iaa_mock_plug(struct iaa_mock *m)
{
	zsim_iaa_set_portal_provider(mock_open, m);
}

void iaa_mock_unplug(void)
{
	zsim_iaa_set_portal_provider(NULL, NULL);
}

void iaa_mock_busy(struct iaa_mock *m, unsigned n)
{
	pthread_mutex_lock(&m->lock);
	m->busy = n;
	pthread_mutex_unlock(&m->lock);
}

void iaa_mock_inject(struct iaa_mock *m, const struct iaa_mock_inject *f)
{
	pthread_mutex_lock(&m->lock);
	if (m->ninj < MOCK_INJECT_MAX) {
		m->inj[m->ninj] = *f;
		if (!m->inj[m->ninj].count)
			m->inj[m->ninj].count = 1;
		m->ninj++;
	}
	pthread_mutex_unlock(&m->lock);
}

void iaa_mock_stats(struct iaa_mock *m, struct iaa_mock_stats *s)
{
	pthread_mutex_lock(&m->lock);
	*s = m->st;
	pthread_mutex_unlock(&m->lock);
}

/* --- the write() path: descriptors through a FIFO --------------------------- */

static void *reader_main(void *arg)
{
	struct iaa_mock *m = arg;
	for (;;) {
		pthread_mutex_lock(&m->lock);
		bool stop = m->stop;
		pthread_mutex_unlock(&m->lock);
		if (stop)
			break;
		struct pollfd pfd = {.fd = m->fd, .events = POLLIN};
		if (poll(&pfd, 1, 20) <= 0)
			continue;
		struct zsim_iaa_desc d;
		ssize_t n = read(m->fd, &d, sizeof(d));
		if (n != (ssize_t)sizeof(d))
			continue; /* the kernel passes whole descriptors only */
		count(m, &m->st.submitted);
		iaa_mock_execute(m, &d);
	}
	return NULL;
}

int iaa_mock_serve_fd(struct iaa_mock *m, int fd)
{
	if (m->have_reader)
		return ZSIM_EBUSY;
	m->fd = fd;
	if (pthread_create(&m->reader, NULL, reader_main, m))
		return ZSIM_ENOMEM;
	m->have_reader = true;
	return 0;
}

/* --- life ------------------------------------------------------------------ */

int iaa_mock_create(const struct iaa_mock_config *cfg, struct iaa_mock **out)
{
	struct iaa_mock *m = calloc(1, sizeof(*m));
	if (!m)
		return ZSIM_ENOMEM;
	m->cfg = *cfg;
	if (!m->cfg.wq_size)
		m->cfg.wq_size = 128;
	if (m->cfg.wq_size > MOCK_RING_MAX)
		m->cfg.wq_size = MOCK_RING_MAX;
	if (!m->cfg.max_transfer)
		m->cfg.max_transfer = 2u << 20;
	m->fd = -1;
	pthread_mutex_init(&m->lock, NULL);
	pthread_mutex_init(&m->exec_lock, NULL);
	pthread_cond_init(&m->cond, NULL);
	zsim_iaa_aecs_fixed_init(&m->fixed);
	m->ring = calloc(m->cfg.wq_size, sizeof(*m->ring));
	int rc = m->ring ? zsim_iaa_enc_create(1, &m->enc) : ZSIM_ENOMEM;
	if (!rc && m->cfg.threaded) {
		if (pthread_create(&m->worker, NULL, worker_main, m))
			rc = ZSIM_ENOMEM;
		else
			m->have_worker = true;
	}
	if (rc) {
		iaa_mock_destroy(m);
		return rc;
	}
	*out = m;
	return 0;
}

void iaa_mock_destroy(struct iaa_mock *m)
{
	if (!m)
		return;
	pthread_mutex_lock(&m->lock);
	m->stop = true;
	pthread_cond_broadcast(&m->cond);
	pthread_mutex_unlock(&m->lock);
	if (m->have_worker)
		pthread_join(m->worker, NULL);
	if (m->have_reader)
		pthread_join(m->reader, NULL);
	zsim_iaa_enc_destroy(m->enc);
	free(m->ring);
	pthread_cond_destroy(&m->cond);
	pthread_mutex_destroy(&m->exec_lock);
	pthread_mutex_destroy(&m->lock);
	free(m);
}
