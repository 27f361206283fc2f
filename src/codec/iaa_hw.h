/*
 * iaa_hw.h - the Intel IAA (In-Memory Analytics Accelerator) structures a
 * program hands to the device and gets back: the 64-byte work descriptor,
 * the 64-byte completion record, the compress AECS (Analytics Engine
 * Configuration and State), and their opcodes, flags, status and error
 * codes. Pure layout, no code.
 *
 * Layouts follow /work/shared/reference/iaa.md §2 (drawn from the uapi
 * <linux/idxd.h> of 6.1, Intel QPL's hw_definitions and the kernel's
 * iaa_crypto.h). Fields are plain fixed-width integers at their natural
 * alignment rather than bitfields, so every offset is checked below and
 * the layout does not depend on the compiler's bitfield order; the device
 * reads them little-endian, as the x86 host writes them.
 */
#ifndef ZSIM_CODEC_IAA_HW_H
#define ZSIM_CODEC_IAA_HW_H

#include <stddef.h>
#include <stdint.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "IAA descriptors are little-endian; this layout assumes a little-endian host"
#endif

/* --- sizes and alignment ------------------------------------------------- */

#define ZSIM_IAA_DESC_SIZE 64
#define ZSIM_IAA_CREC_SIZE 64
#define ZSIM_IAA_CREC_ALIGN 64 /* IAA (not DSA's 32): status 0x1B otherwise */
#define ZSIM_IAA_AECS_ALIGN 32 /* source 2: status 0x1C otherwise */
#define ZSIM_IAA_AECS_COMP_SIZE 1568 /* 0x620 */
#define ZSIM_IAA_PORTAL_SIZE 4096
#define ZSIM_IAA_HISTORY 4096 /* IAA compresses and decompresses with a 4 KiB window */

/* --- opcodes (descriptor byte 7) ---------------------------------------- */

enum zsim_iaa_opcode {
	ZSIM_IAA_OP_NOOP = 0x00,
	ZSIM_IAA_OP_DECOMPRESS = 0x42,
	ZSIM_IAA_OP_COMPRESS = 0x43,
	ZSIM_IAA_OP_CRC64 = 0x44,
};

/* --- operation flags (descriptor bytes 4-6, 24 bits) ---------------------- */

#define ZSIM_IAA_OPF_FENCE 0x000001u
#define ZSIM_IAA_OPF_BOF 0x000002u   /* block on fault (only if the WQ allows) */
#define ZSIM_IAA_OPF_CRAV 0x000004u  /* completion record address valid */
#define ZSIM_IAA_OPF_RCR 0x000008u   /* request completion record */
#define ZSIM_IAA_OPF_RCI 0x000010u   /* request completion interrupt */
#define ZSIM_IAA_OPF_CC 0x000100u    /* cache control: write destination to cache */
#define ZSIM_IAA_OPF_RD_SRC2_AECS 0x010000u  /* source 2 is an AECS to read */
#define ZSIM_IAA_OPF_RD_SRC2_2ND 0x020000u   /* source 2 is a second filter input */
#define ZSIM_IAA_OPF_WR_SRC2_AECS 0x040000u  /* write the AECS back: always */
#define ZSIM_IAA_OPF_WR_SRC2_OVFL 0x080000u  /* write the AECS back: on overflow */
#define ZSIM_IAA_OPF_SRC2_STS 0x100000u
#define ZSIM_IAA_OPF_CRC_RFC3720 0x200000u   /* CRC-32C instead of CRC-32 */
#define ZSIM_IAA_OPF_AECS_RW_TGLS 0x400000u  /* double-buffered AECS toggle */
#define ZSIM_IAA_OPF_MASK 0xffffffu
/* Flags this library knows; a mock device rejects the others (0x11). */
#define ZSIM_IAA_OPF_KNOWN                                                            \
	(ZSIM_IAA_OPF_FENCE | ZSIM_IAA_OPF_BOF | ZSIM_IAA_OPF_CRAV | ZSIM_IAA_OPF_RCR | \
	 ZSIM_IAA_OPF_RCI | ZSIM_IAA_OPF_CC | ZSIM_IAA_OPF_RD_SRC2_AECS |              \
	 ZSIM_IAA_OPF_RD_SRC2_2ND | ZSIM_IAA_OPF_WR_SRC2_AECS | ZSIM_IAA_OPF_WR_SRC2_OVFL | \
	 ZSIM_IAA_OPF_SRC2_STS | ZSIM_IAA_OPF_CRC_RFC3720 | ZSIM_IAA_OPF_AECS_RW_TGLS)

/* --- compression flags (descriptor bytes 38-39 for opcode 0x43) ----------- */

#define ZSIM_IAA_COMPF_STATS_MODE 0x0001u
#define ZSIM_IAA_COMPF_FLUSH_OUTPUT 0x0002u
#define ZSIM_IAA_COMPF_END_SHIFT 2 /* bits 3:2 end processing */
#define ZSIM_IAA_COMPF_END_MASK 0x000cu
#define ZSIM_IAA_COMPF_APPEND_EOB 0x0004u     /* end processing 1 */
#define ZSIM_IAA_COMPF_EOB_STORED 0x0008u     /* end processing 2 */
#define ZSIM_IAA_COMPF_EOB_FINAL_STORED 0x000cu /* end processing 3 */
#define ZSIM_IAA_COMPF_LITERALS_ONLY 0x0010u
#define ZSIM_IAA_COMPF_BIG_ENDIAN 0x0020u

/* --- decompression flags (descriptor bytes 38-39 for opcode 0x42) --------- */

#define ZSIM_IAA_DECOMPF_ENABLE 0x0001u
#define ZSIM_IAA_DECOMPF_FLUSH_OUTPUT 0x0002u
#define ZSIM_IAA_DECOMPF_STOP_ON_EOB 0x0004u  /* QPL's name; the kernel calls it CHECK */
#define ZSIM_IAA_DECOMPF_CHECK_EOB 0x0008u    /* QPL's name; the kernel calls it STOP */
#define ZSIM_IAA_DECOMPF_BFINAL_EOB 0x0010u   /* only a BFINAL block's EOB counts */
#define ZSIM_IAA_DECOMPF_BIG_ENDIAN 0x0020u
#define ZSIM_IAA_DECOMPF_SUPPRESS_OUTPUT 0x0200u

/* What the kernel's fixed mode sets (iaa_crypto.h, 6.8+). */
#define ZSIM_IAA_KERNEL_COMP_OPF \
	(ZSIM_IAA_OPF_CRAV | ZSIM_IAA_OPF_RCR | ZSIM_IAA_OPF_RD_SRC2_AECS | ZSIM_IAA_OPF_CC)
#define ZSIM_IAA_KERNEL_DECOMP_OPF (ZSIM_IAA_OPF_CRAV | ZSIM_IAA_OPF_RCR | ZSIM_IAA_OPF_CC)
#define ZSIM_IAA_KERNEL_COMPF (ZSIM_IAA_COMPF_FLUSH_OUTPUT | ZSIM_IAA_COMPF_APPEND_EOB)
#define ZSIM_IAA_KERNEL_DECOMPF                                                  \
	(ZSIM_IAA_DECOMPF_ENABLE | ZSIM_IAA_DECOMPF_FLUSH_OUTPUT |                  \
	 ZSIM_IAA_DECOMPF_STOP_ON_EOB | ZSIM_IAA_DECOMPF_CHECK_EOB)

/* --- completion status (record byte 0) ---------------------------------- */

#define ZSIM_IAA_STATUS_MASK 0x3fu
#define ZSIM_IAA_STATUS_WRITE_FAULT 0x80u /* with a page-fault status: on a write */

enum zsim_iaa_status {
	ZSIM_IAA_ST_NONE = 0x00, /* still in flight */
	ZSIM_IAA_ST_SUCCESS = 0x01,
	ZSIM_IAA_ST_PAGE_FAULT = 0x03,    /* fault without block-on-fault */
	ZSIM_IAA_ST_PAGE_FAULT_IR = 0x04,
	ZSIM_IAA_ST_ANALYTICS_ERROR = 0x0a, /* see error_code */
	ZSIM_IAA_ST_OUTPUT_OVERFLOW = 0x0b, /* decompress output > max_dst_size */
	ZSIM_IAA_ST_BAD_OPCODE = 0x10,
	ZSIM_IAA_ST_INVALID_FLAGS = 0x11,
	ZSIM_IAA_ST_NONZERO_RESERVED = 0x12,
	ZSIM_IAA_ST_INVALID_SIZE = 0x13,
	ZSIM_IAA_ST_OVERLAP = 0x16,
	ZSIM_IAA_ST_CREC_ALIGN = 0x1b,
	ZSIM_IAA_ST_ADDR_ALIGN = 0x1c, /* AECS address or size not a multiple of 32 */
	ZSIM_IAA_ST_TRANSLATION_FAIL = 0x22,
	ZSIM_IAA_ST_WATCHDOG = 0x24,
	ZSIM_IAA_ST_INVALID_CODEC_FLAGS = 0x30,
};

/* Error codes (record byte 1) with status ZSIM_IAA_ST_ANALYTICS_ERROR
 * (numbering as in Intel QPL's hw_status.h). */
enum zsim_iaa_error {
	ZSIM_IAA_ERR_OK = 0,
	ZSIM_IAA_ERR_BIGHDR = 1,          /* input ended inside a block header */
	ZSIM_IAA_ERR_UNDEF_CL_CODE = 2,
	ZSIM_IAA_ERR_FIRST_LL_CODE_16 = 3,
	ZSIM_IAA_ERR_FIRST_D_CODE_16 = 4,
	ZSIM_IAA_ERR_NO_LL_CODE = 5,
	ZSIM_IAA_ERR_WRONG_NUM_LL_CODES = 6,
	ZSIM_IAA_ERR_WRONG_NUM_DIST_CODES = 7,
	ZSIM_IAA_ERR_BAD_CL_CODE_LEN = 8,
	ZSIM_IAA_ERR_BAD_LL_CODE_LEN = 9,
	ZSIM_IAA_ERR_BAD_DIST_CODE_LEN = 10,
	ZSIM_IAA_ERR_BAD_LL_CODE = 11,
	ZSIM_IAA_ERR_BAD_D_CODE = 12,
	ZSIM_IAA_ERR_INVALID_BLOCK_TYPE = 13,
	ZSIM_IAA_ERR_INVALID_STORED_LEN = 14,
	ZSIM_IAA_ERR_BAD_EOF = 15,        /* stream ended without the expected EOB */
	ZSIM_IAA_ERR_BAD_LEN = 16,
	ZSIM_IAA_ERR_BAD_DIST = 17,       /* distance 0 or beyond the 4 KiB history */
	ZSIM_IAA_ERR_REF_BEFORE_START = 18,
	ZSIM_IAA_ERR_TIMEOUT = 19,
	ZSIM_IAA_ERR_AECS = 22,
	ZSIM_IAA_ERR_OUTPUT_OVERFLOW = 25, /* 0x19: compress output did not fit */
	ZSIM_IAA_ERR_ZVERIFY = 29,
	ZSIM_IAA_ERR_TOO_MANY_LL_CODES = 35,
	ZSIM_IAA_ERR_TOO_MANY_D_CODES = 36,
};

/* --- the 64-byte descriptor (iaa.md §2.1) -------------------------------- */

struct zsim_iaa_desc {
	uint32_t pasid_priv;      /*  0: PASID[19:0], priv[31]; 0 from userspace */
	uint32_t op_flags;        /*  4: flags[23:0] | opcode << 24 */
	uint64_t completion_addr; /*  8: 64-byte aligned */
	uint64_t src1_addr;       /* 16: input */
	uint64_t dst_addr;        /* 24: output */
	uint32_t src1_size;       /* 32 */
	uint16_t int_handle;      /* 36: 0 unless RCI */
	uint16_t codec_flags;     /* 38: compression or decompression flags */
	uint64_t src2_addr;       /* 40: AECS, 32-byte aligned */
	uint32_t max_dst_size;    /* 48: overflow is an error, never truncation */
	uint32_t src2_size;       /* 52: AECS size, a multiple of 32 */
	uint32_t filter_flags;    /* 56: compression-2 flags on IAA 2.0 */
	uint32_t num_inputs;      /* 60: 0 for (de)compress */
};

/* --- the 64-byte completion record (iaa.md §2.2) -------------------------- */

struct zsim_iaa_crec {
	uint8_t status;           /*  0: written last by the device */
	uint8_t error_code;       /*  1 */
	uint8_t fault_info;       /*  2 */
	uint8_t rsvd0;            /*  3 */
	uint32_t bytes_completed; /*  4: input bytes consumed */
	uint64_t fault_addr;      /*  8: with status 0x03/0x04 */
	uint32_t invalid_flags;   /* 16 */
	uint32_t rsvd1;           /* 20 */
	uint32_t output_size;     /* 24: bytes written (compress) / produced */
	uint8_t output_bits;      /* 28: valid bits in the last output byte */
	uint8_t rsvd2;            /* 29 */
	uint16_t xor_checksum;    /* 30 */
	uint32_t crc;             /* 32: CRC-32 of the uncompressed data */
	uint32_t min, max, sum;   /* 36, 40, 44: filter aggregates */
	uint64_t rsvd3[2];        /* 48 */
};

/* --- the compress AECS (iaa.md §2.3) ------------------------------------ */

#define ZSIM_IAA_LL_SYMS 286
#define ZSIM_IAA_D_SYMS 30
/* A Huffman table entry: (code length << 15) | code, the code MSB-first. */
#define ZSIM_IAA_HUFF_ENTRY(len, code) (((uint32_t)(len) << 15) | (uint32_t)(code))

struct zsim_iaa_aecs_comp {
	uint32_t crc_seed;            /*    0 */
	uint32_t xor_seed;            /*    4 */
	uint32_t rsvd0[5];            /*    8 */
	uint32_t num_acc_bits;        /*   28: bits preloaded into the output */
	uint8_t output_accum[256];    /*   32 */
	uint32_t ll_sym[ZSIM_IAA_LL_SYMS]; /* 288 */
	uint32_t rsvd1[2];            /* 1432 */
	uint32_t d_sym[ZSIM_IAA_D_SYMS];   /* 1440 */
	uint32_t rsvd2[2];            /* 1560 */
};

/* The layouts, checked against iaa.md's tables. */
_Static_assert(sizeof(struct zsim_iaa_desc) == ZSIM_IAA_DESC_SIZE, "descriptor is 64 bytes");
_Static_assert(offsetof(struct zsim_iaa_desc, op_flags) == 4, "op flags at 4");
_Static_assert(offsetof(struct zsim_iaa_desc, completion_addr) == 8, "record address at 8");
_Static_assert(offsetof(struct zsim_iaa_desc, src1_addr) == 16, "source 1 at 16");
_Static_assert(offsetof(struct zsim_iaa_desc, dst_addr) == 24, "destination at 24");
_Static_assert(offsetof(struct zsim_iaa_desc, src1_size) == 32, "source 1 size at 32");
_Static_assert(offsetof(struct zsim_iaa_desc, int_handle) == 36, "interrupt handle at 36");
_Static_assert(offsetof(struct zsim_iaa_desc, codec_flags) == 38, "(de)compression flags at 38");
_Static_assert(offsetof(struct zsim_iaa_desc, src2_addr) == 40, "source 2 at 40");
_Static_assert(offsetof(struct zsim_iaa_desc, max_dst_size) == 48, "max destination at 48");
_Static_assert(offsetof(struct zsim_iaa_desc, src2_size) == 52, "source 2 size at 52");
_Static_assert(offsetof(struct zsim_iaa_desc, filter_flags) == 56, "filter flags at 56");
_Static_assert(offsetof(struct zsim_iaa_desc, num_inputs) == 60, "input elements at 60");

_Static_assert(sizeof(struct zsim_iaa_crec) == ZSIM_IAA_CREC_SIZE, "record is 64 bytes");
_Static_assert(offsetof(struct zsim_iaa_crec, error_code) == 1, "error code at 1");
_Static_assert(offsetof(struct zsim_iaa_crec, fault_info) == 2, "fault info at 2");
_Static_assert(offsetof(struct zsim_iaa_crec, bytes_completed) == 4, "bytes completed at 4");
_Static_assert(offsetof(struct zsim_iaa_crec, fault_addr) == 8, "fault address at 8");
_Static_assert(offsetof(struct zsim_iaa_crec, invalid_flags) == 16, "invalid flags at 16");
_Static_assert(offsetof(struct zsim_iaa_crec, output_size) == 24, "output size at 24");
_Static_assert(offsetof(struct zsim_iaa_crec, output_bits) == 28, "output bits at 28");
_Static_assert(offsetof(struct zsim_iaa_crec, xor_checksum) == 30, "xor checksum at 30");
_Static_assert(offsetof(struct zsim_iaa_crec, crc) == 32, "crc at 32");
_Static_assert(offsetof(struct zsim_iaa_crec, min) == 36, "min at 36");
_Static_assert(offsetof(struct zsim_iaa_crec, sum) == 44, "sum at 44");

_Static_assert(sizeof(struct zsim_iaa_aecs_comp) == ZSIM_IAA_AECS_COMP_SIZE, "AECS is 1568 bytes");
_Static_assert(ZSIM_IAA_AECS_COMP_SIZE % 32 == 0, "AECS size is a multiple of 32");
_Static_assert(offsetof(struct zsim_iaa_aecs_comp, num_acc_bits) == 28, "accumulator bits at 28");
_Static_assert(offsetof(struct zsim_iaa_aecs_comp, output_accum) == 32, "accumulator at 32");
_Static_assert(offsetof(struct zsim_iaa_aecs_comp, ll_sym) == 288, "literal/length table at 288");
_Static_assert(offsetof(struct zsim_iaa_aecs_comp, d_sym) == 1440, "distance table at 1440");

#endif
