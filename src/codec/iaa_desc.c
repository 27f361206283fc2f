/*
 * iaa_desc.c - building IAA descriptors and reading completion records,
 * for the "deflate-iaa" driver and for any device that executes them.
 *
 * Follows the kernel's fixed mode (drivers/crypto/intel/iaa, 6.8+, per
 * iaa.md §3.1): compress = opcode 0x43 with CRAV|RCR|RD_SRC2_AECS|CC,
 * compression flags FLUSH_OUTPUT|APPEND_EOB and the fixed AECS as source 2;
 * decompress = opcode 0x42 with CRAV|RCR|CC and the flags ENABLE|FLUSH|
 * STOP_ON_EOB|CHECK_EOB (stop at the first EOB), no AECS; the verify pass
 * is that decompress plus SUPPRESS_OUTPUT with the original as its
 * destination. Differences: CC and BOF come from the caller (userspace
 * sets CC only where GENCAP bit 2 says the device supports it, as QPL
 * does, and BOF where the WQ allows it); addresses are process virtual
 * addresses (SVA) rather than DMA addresses; PASID and priv stay 0 (the
 * CPU or the kernel's write() path fills them).
 * The fixed AECS is computed from RFC 1951 §3.2.6, not copied.
 */
#include "codec/iaa.h"

#include <string.h>
#include <time.h>

#include "zswapsim/common.h"

static uint64_t addr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

void zsim_iaa_aecs_fixed_init(struct zsim_iaa_aecs_comp *a)
{
	memset(a, 0, sizeof(*a));
	/* RFC 1951 fixed literal/length code: 0-143 8 bits from 0x30,
	 * 144-255 9 bits from 0x190, 256-279 7 bits from 0, 280-287 8 bits
	 * from 0xC0 (the AECS holds the 286 usable symbols). */
	for (unsigned s = 0; s < ZSIM_IAA_LL_SYMS; s++) {
		uint32_t e;
		if (s < 144)
			e = ZSIM_IAA_HUFF_ENTRY(8, 0x30 + s);
		else if (s < 256)
			e = ZSIM_IAA_HUFF_ENTRY(9, 0x190 + (s - 144));
		else if (s < 280)
			e = ZSIM_IAA_HUFF_ENTRY(7, s - 256);
		else
			e = ZSIM_IAA_HUFF_ENTRY(8, 0xc0 + (s - 280));
		a->ll_sym[s] = e;
	}
	for (unsigned s = 0; s < ZSIM_IAA_D_SYMS; s++)
		a->d_sym[s] = ZSIM_IAA_HUFF_ENTRY(5, s);
	/* The block header goes out before any data: BFINAL=1 in bit 0,
	 * BTYPE=01 in bits 1-2 (LSB first), so the first byte's low bits are
	 * 0b011. */
	a->num_acc_bits = 3;
	a->output_accum[0] = 0x03;
}

void zsim_iaa_desc_compress(struct zsim_iaa_desc *d, const void *src, uint32_t slen,
			    void *dst, uint32_t dcap, const struct zsim_iaa_aecs_comp *aecs,
			    struct zsim_iaa_crec *rec, uint32_t opf)
{
	memset(d, 0, sizeof(*d));
	d->op_flags = ((uint32_t)ZSIM_IAA_OP_COMPRESS << 24) |
		      ((ZSIM_IAA_OPF_CRAV | ZSIM_IAA_OPF_RCR | ZSIM_IAA_OPF_RD_SRC2_AECS | opf) &
		       ZSIM_IAA_OPF_MASK);
	d->completion_addr = addr(rec);
	d->src1_addr = addr(src);
	d->dst_addr = addr(dst);
	d->src1_size = slen;
	d->codec_flags = ZSIM_IAA_KERNEL_COMPF;
	d->src2_addr = addr(aecs);
	d->max_dst_size = dcap;
	d->src2_size = ZSIM_IAA_AECS_COMP_SIZE;
}

void zsim_iaa_desc_decompress(struct zsim_iaa_desc *d, const void *src, uint32_t slen,
			      void *dst, uint32_t dcap, struct zsim_iaa_crec *rec,
			      uint32_t opf)
{
	memset(d, 0, sizeof(*d));
	d->op_flags = ((uint32_t)ZSIM_IAA_OP_DECOMPRESS << 24) |
		      ((ZSIM_IAA_OPF_CRAV | ZSIM_IAA_OPF_RCR | opf) & ZSIM_IAA_OPF_MASK);
	d->completion_addr = addr(rec);
	d->src1_addr = addr(src);
	d->dst_addr = addr(dst);
	d->src1_size = slen;
	d->codec_flags = ZSIM_IAA_KERNEL_DECOMPF;
	d->max_dst_size = dcap;
}

void zsim_iaa_desc_verify(struct zsim_iaa_desc *d, const void *comp, uint32_t clen,
			  const void *orig, uint32_t olen, struct zsim_iaa_crec *rec,
			  uint32_t opf)
{
	/* The destination is the original page and is never written. */
	zsim_iaa_desc_decompress(d, comp, clen, (void *)(uintptr_t)orig, olen, rec, opf);
	d->codec_flags |= ZSIM_IAA_DECOMPF_SUPPRESS_OUTPUT;
}

void zsim_iaa_desc_noop(struct zsim_iaa_desc *d, struct zsim_iaa_crec *rec)
{
	memset(d, 0, sizeof(*d));
	d->op_flags = ((uint32_t)ZSIM_IAA_OP_NOOP << 24) | ZSIM_IAA_OPF_CRAV | ZSIM_IAA_OPF_RCR;
	d->completion_addr = addr(rec);
}

void zsim_iaa_crec_clear(struct zsim_iaa_crec *r)
{
	/* Everything but the status first, then the status with release, so
	 * a device never sees a half-cleared record with status 0. */
	memset((char *)r + 1, 0, sizeof(*r) - 1);
	__atomic_store_n(&r->status, 0, __ATOMIC_RELEASE);
}

int zsim_iaa_crec_result(const struct zsim_iaa_crec *r, bool compress)
{
	unsigned st = zsim_iaa_crec_status(r) & ZSIM_IAA_STATUS_MASK;
	switch (st) {
	case ZSIM_IAA_ST_SUCCESS:
		return 0;
	case ZSIM_IAA_ST_PAGE_FAULT:
	case ZSIM_IAA_ST_PAGE_FAULT_IR:
		return ZSIM_EFAULT;
	case ZSIM_IAA_ST_OUTPUT_OVERFLOW:
		return ZSIM_ENOSPC;
	case ZSIM_IAA_ST_ANALYTICS_ERROR:
		if (r->error_code == ZSIM_IAA_ERR_OUTPUT_OVERFLOW)
			return compress ? ZSIM_ENOSPC : ZSIM_EBADMSG;
		return ZSIM_EBADMSG;
	default:
		return ZSIM_EIO;
	}
}

const char *zsim_iaa_status_name(unsigned status)
{
	switch (status & ZSIM_IAA_STATUS_MASK) {
	case ZSIM_IAA_ST_NONE: return "in flight";
	case ZSIM_IAA_ST_SUCCESS: return "success";
	case ZSIM_IAA_ST_PAGE_FAULT: return "page fault";
	case ZSIM_IAA_ST_PAGE_FAULT_IR: return "page fault (IR)";
	case ZSIM_IAA_ST_ANALYTICS_ERROR: return "analytics error";
	case ZSIM_IAA_ST_OUTPUT_OVERFLOW: return "output overflow";
	case ZSIM_IAA_ST_BAD_OPCODE: return "unsupported opcode";
	case ZSIM_IAA_ST_INVALID_FLAGS: return "invalid operation flags";
	case ZSIM_IAA_ST_NONZERO_RESERVED: return "non-zero reserved field";
	case ZSIM_IAA_ST_INVALID_SIZE: return "invalid transfer size";
	case ZSIM_IAA_ST_OVERLAP: return "overlapping buffers";
	case ZSIM_IAA_ST_CREC_ALIGN: return "completion record misaligned";
	case ZSIM_IAA_ST_ADDR_ALIGN: return "AECS misaligned";
	case ZSIM_IAA_ST_TRANSLATION_FAIL: return "translation failure";
	case ZSIM_IAA_ST_WATCHDOG: return "watchdog expired";
	case ZSIM_IAA_ST_INVALID_CODEC_FLAGS: return "invalid (de)compression flags";
	default: return "device error";
	}
}

int zsim_iaa_args_each(const char *args, int (*fn)(void *arg, const char *k, const char *v),
		       void *arg)
{
	if (!args)
		return 0;
	const char *s = args;
	while (*s) {
		const char *end = strchr(s, ',');
		size_t len = end ? (size_t)(end - s) : strlen(s);
		char kv[ZSIM_IAA_PATH_MAX + 16];
		if (len == 0 || len >= sizeof(kv))
			return ZSIM_EPARSE;
		memcpy(kv, s, len);
		kv[len] = '\0';
		char *eq = strchr(kv, '=');
		if (!eq || eq == kv)
			return ZSIM_EPARSE;
		*eq = '\0';
		int rc = fn(arg, kv, eq + 1);
		if (rc)
			return rc;
		if (!end)
			break;
		s = end + 1;
		if (!*s)
			return ZSIM_EPARSE;
	}
	return 0;
}

uint64_t zsim_iaa_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
