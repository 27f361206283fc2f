/*
 * iaa_portal.c - handing descriptors to an IAA work queue from userspace.
 *
 * Follows iaa.md §1.3 (and Intel QPL's hw_queue.cpp): open the WQ's
 * character device, map its 4 KiB portal and submit with ENQCMD on a
 * shared WQ (non-posted: ZF=1 means the WQ is full, retry) or MOVDIR64B on
 * a dedicated one (posted: no feedback, so descriptors in flight are
 * counted against the WQ size). When the mapping is refused (EPERM without
 * CAP_SYS_RAWIO on kernels >= 6.9.1 and backports, INTEL-SA-01084) or the
 * CPU lacks the instruction, write(2) of the 64-byte descriptor does the
 * same through the kernel (EAGAIN: retry). The path is proven with a NOOP
 * before use, as QPL does. Unlike the kernel's iaa_crypto, which owns
 * kernel-type WQs and submits with iosubmit_cmds512, this is the user-WQ
 * path. Each open is a separate file: a dedicated WQ admits one opener.
 * The submission is a small ops table so tests can put a mock device in
 * its place (zsim_iaa_set_portal_provider).
 * Instructions are emitted as bytes so no -menqcmd/-mmovdir64b is needed;
 * CPUID leaf 7 says whether they exist (ECX bit 29 ENQCMD, 28 MOVDIR64B).
 */
#include "codec/iaa.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#if defined(__x86_64__)
#include <cpuid.h>
#endif

#include "zswapsim/common.h"

#define PROBE_TIMEOUT_NS 100000000ull /* 100 ms for the NOOP */
#define PROBE_RETRIES 1000

static bool cpu_has(unsigned ecx_bit)
{
#if defined(__x86_64__)
	unsigned a, b, c, d;
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return false;
	return (c >> ecx_bit) & 1;
#else
	(void)ecx_bit;
	return false;
#endif
}

static void cpu_relax(void)
{
	zsim_iaa_cpu_relax();
}

/* --- every path: a dedicated WQ's credits ------------------------------- */

int zsim_iaa_portal_submit(struct zsim_iaa_portal *p, const struct zsim_iaa_desc *d)
{
	/* MOVDIR64B is posted: a dedicated WQ drops what overflows it, so
	 * the submitter must never have more than its size in flight. */
	if (!p->wq.shared && p->inflight >= (p->wq.size ? p->wq.size : 1))
		return ZSIM_IAA_RETRY;
	int rc = p->ops->submit(p, d);
	if (!rc && !p->wq.shared)
		p->inflight++;
	return rc;
}

void zsim_iaa_portal_complete(struct zsim_iaa_portal *p)
{
	if (!p->wq.shared && p->inflight)
		p->inflight--;
	if (p->ops->complete)
		p->ops->complete(p);
}

/* --- the three real submission paths ------------------------------------ */

static void *portal_slot(struct zsim_iaa_portal *p)
{
	void *at = (char *)p->map + (size_t)p->slot * ZSIM_IAA_DESC_SIZE;
	p->slot = (p->slot + 1) % (ZSIM_IAA_PORTAL_SIZE / ZSIM_IAA_DESC_SIZE);
	return at;
}

static int enqcmd_submit(struct zsim_iaa_portal *p, const struct zsim_iaa_desc *d)
{
#if defined(__x86_64__)
	uint8_t retry;
	void *at = portal_slot(p);
	/* Earlier stores (descriptor, cleared record) before the enqueue. */
	__asm__ __volatile__("sfence\n\t"
			     ".byte 0xf2, 0x0f, 0x38, 0xf8, 0x02\n\t" /* enqcmd (%rdx), %rax */
			     "setz %0"
			     : "=r"(retry)
			     : "a"(at), "d"(d)
			     : "memory", "cc");
	return retry ? ZSIM_IAA_RETRY : 0;
#else
	(void)p;
	(void)d;
	return ZSIM_EIO;
#endif
}

static int movdir64b_submit(struct zsim_iaa_portal *p, const struct zsim_iaa_desc *d)
{
#if defined(__x86_64__)
	void *at = portal_slot(p);
	__asm__ __volatile__("sfence\n\t"
			     ".byte 0x66, 0x0f, 0x38, 0xf8, 0x02" /* movdir64b (%rdx), %rax */
			     :
			     : "a"(at), "d"(d)
			     : "memory");
	return 0;
#else
	(void)p;
	(void)d;
	return ZSIM_EIO;
#endif
}

static int write_submit(struct zsim_iaa_portal *p, const struct zsim_iaa_desc *d)
{
	int saved = errno;
	ssize_t n = write(p->fd, d, sizeof(*d));
	int err = errno;
	errno = saved;
	if (n == (ssize_t)sizeof(*d))
		return 0;
	if (n < 0 && (err == EAGAIN || err == EBUSY || err == EINTR))
		return ZSIM_IAA_RETRY;
	return ZSIM_EIO;
}

static void real_close(struct zsim_iaa_portal *p)
{
	int saved = errno;
	if (p->map)
		munmap(p->map, ZSIM_IAA_PORTAL_SIZE);
	p->map = NULL;
	/* The kernel drains the PASID's work in flight on release. */
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	errno = saved;
}

static const struct zsim_iaa_portal_ops enqcmd_ops = {
	.name = "enqcmd", .submit = enqcmd_submit, .close = real_close,
};
static const struct zsim_iaa_portal_ops movdir64b_ops = {
	.name = "movdir64b", .submit = movdir64b_submit, .close = real_close,
};
static const struct zsim_iaa_portal_ops write_ops = {
	.name = "write", .submit = write_submit, .close = real_close,
};

/* Submit a NOOP and wait for its record: the whole path works. */
static int probe_noop(struct zsim_iaa_portal *p, uint8_t *status)
{
	_Alignas(ZSIM_IAA_CREC_ALIGN) struct zsim_iaa_crec rec;
	_Alignas(ZSIM_IAA_DESC_SIZE) struct zsim_iaa_desc d;
	zsim_iaa_crec_clear(&rec);
	zsim_iaa_desc_noop(&d, &rec);
	int rc = ZSIM_IAA_RETRY;
	for (int i = 0; i < PROBE_RETRIES && rc == ZSIM_IAA_RETRY; i++) {
		rc = zsim_iaa_portal_submit(p, &d);
		if (rc == ZSIM_IAA_RETRY)
			cpu_relax();
	}
	*status = 0;
	if (rc)
		return ZSIM_EIO;
	uint64_t deadline = zsim_iaa_now_ns() + PROBE_TIMEOUT_NS;
	for (unsigned spin = 0;; spin++) {
		uint8_t st = zsim_iaa_crec_status(&rec);
		if (st) {
			*status = st;
			zsim_iaa_portal_complete(p);
			return (st & ZSIM_IAA_STATUS_MASK) == ZSIM_IAA_ST_SUCCESS ? 0 : ZSIM_EIO;
		}
		if (p->ops->progress)
			p->ops->progress(p);
		else
			cpu_relax();
		if ((spin & 1023) == 0 && zsim_iaa_now_ns() > deadline)
			break;
	}
	/* The record lives on this stack: close the file (which drains the
	 * PASID's work) before returning, so a late NOOP cannot land here. */
	real_close(p);
	return ZSIM_EIO;
}

int zsim_iaa_portal_open(const struct zsim_iaa_wq_info *wq, struct zsim_iaa_portal *p,
			 char *why, size_t len)
{
	char none[1];
	if (!why || !len) {
		why = none;
		len = sizeof(none);
	}
	memset(p, 0, sizeof(*p));
	p->wq = *wq;
	int saved = errno;
	p->fd = open(wq->path, O_RDWR | O_CLOEXEC);
	if (p->fd < 0) {
		snprintf(why, len, "IAA unavailable: open %s: %s", wq->path, strerror(errno));
		errno = saved;
		return ZSIM_ENODEV;
	}
	bool insn = wq->shared ? cpu_has(29) : cpu_has(28);
	if (insn) {
		void *m = mmap(NULL, ZSIM_IAA_PORTAL_SIZE, PROT_WRITE, MAP_SHARED | MAP_POPULATE,
			       p->fd, 0);
		p->map = m == MAP_FAILED ? NULL : m;
	}
	errno = saved;
	p->ops = p->map ? (wq->shared ? &enqcmd_ops : &movdir64b_ops) : &write_ops;
	uint8_t st;
	int rc = probe_noop(p, &st);
	if (rc && p->map && p->fd >= 0) {
		munmap(p->map, ZSIM_IAA_PORTAL_SIZE);
		p->map = NULL;
		p->ops = &write_ops;
		rc = probe_noop(p, &st);
	}
	if (rc) {
		snprintf(why, len, "IAA unavailable: %s: a NOOP descriptor %s (status 0x%02x)",
			 wq->path, st ? "failed" : "did not complete", st);
		real_close(p);
		return ZSIM_ENODEV;
	}
	return 0;
}

void zsim_iaa_portal_close(struct zsim_iaa_portal *p)
{
	if (p && p->ops && p->ops->close)
		p->ops->close(p);
	if (p)
		p->ops = NULL;
}

/* --- the test seam ------------------------------------------------------- */

static pthread_mutex_t provider_lock = PTHREAD_MUTEX_INITIALIZER;
static zsim_iaa_portal_open_fn provider_fn;
static void *provider_arg;

void zsim_iaa_set_portal_provider(zsim_iaa_portal_open_fn fn, void *arg)
{
	pthread_mutex_lock(&provider_lock);
	provider_fn = fn;
	provider_arg = arg;
	pthread_mutex_unlock(&provider_lock);
}

bool zsim_iaa_portal_provider_set(void)
{
	pthread_mutex_lock(&provider_lock);
	bool set = provider_fn != NULL;
	pthread_mutex_unlock(&provider_lock);
	return set;
}

int zsim_iaa_portal_provided(struct zsim_iaa_portal *p, bool *used)
{
	pthread_mutex_lock(&provider_lock);
	zsim_iaa_portal_open_fn fn = provider_fn;
	void *arg = provider_arg;
	pthread_mutex_unlock(&provider_lock);
	*used = fn != NULL;
	if (!fn)
		return 0;
	memset(p, 0, sizeof(*p));
	p->fd = -1;
	return fn(arg, p);
}
