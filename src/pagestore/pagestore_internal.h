/*
 * pagestore_internal.h - the page store's on-disk layout (docs/page-store.md
 * is the reference; the numbers here must match it), the XXH64 hash the
 * format uses for de-duplication and checksums, and little-endian helpers.
 * Layer "pagestore": includes the public headers, src/common and zstd.
 * No kernel counterpart: the kernel keeps no page corpus.
 */
#ifndef ZSIM_PAGESTORE_INTERNAL_H
#define ZSIM_PAGESTORE_INTERNAL_H

#include <stdint.h>
#include <string.h>

#include "common/endian.h"
#include "zswapsim/pagestore.h"

/* File header: 64 bytes at offset 0. */
#define PS_HEADER_SIZE 64u
#define PS_H_MAGIC 0        /* 8 bytes */
#define PS_H_VERSION 8      /* u16 */
#define PS_H_HEADER_SIZE 10 /* u16 */
#define PS_H_PAGE_SIZE 12   /* u32 */
#define PS_H_FRAME_PAGES 16 /* u32 */
#define PS_H_FLAGS 20       /* u32, 0 */
#define PS_H_PAGES 24       /* u64 */
#define PS_H_UNIQUE 32      /* u64 */
#define PS_H_TOC_OFFSET 40  /* u64; 0 = the writer did not finish */
#define PS_H_TOC_COUNT 48   /* u32 */
#define PS_H_RESERVED 52    /* u32, 0 */
#define PS_H_CHECKSUM 56    /* u64: XXH64(bytes 0..55, seed 0) */

/* Section table entry: 48 bytes each {u32 type, u32 encoding, u64 offset,
 * u64 stored size, u64 raw size, u64 XXH64 of the stored bytes, u64 0};
 * the table is followed by an 8-byte XXH64 of the entries. */
#define PS_TOC_ENTRY_SIZE 48u
#define PS_TOC_MAX 64u

enum ps_section {
	PS_SEC_FRAMES = 1,    /* raw: frames x {u64 offset, u32 size, u32 low 32 bits
			       * of XXH64 of the frame's stored bytes} */
	PS_SEC_MAP = 2,       /* logical page -> unique id, u32 each */
	PS_SEC_HASHES = 3,    /* unique x {u64 xxh64 seed 0, u64 xxh64 seed 1} */
	PS_SEC_CLEN = 4,      /* 128-byte head + unique x u16 */
	PS_SEC_META = 5,      /* "key=value\n" lines */
	PS_SEC_SNAPSHOTS = 6, /* 48-byte records */
};

enum ps_encoding { PS_ENC_RAW = 0, PS_ENC_ZSTD = 1 };

#define PS_FRAME_ENTRY_SIZE 16u
#define PS_HASH_ENTRY_SIZE 16u
#define PS_CLEN_HEAD_SIZE 128u
#define PS_SNAP_ENTRY_SIZE 48u
/* Second hash lane's seed: 128 bits of hash per page decide duplicates. */
#define PS_HASH_SEED2 UINT64_C(0x9E3779B97F4A7C15)

/* Reader limits (a hostile header cannot make the reader allocate more). */
#define PS_MAX_PAGES (UINT64_C(1) << 32)        /* logical pages */
#define PS_MAX_META_BYTES (1u << 20)
#define PS_MAX_SNAPSHOTS (UINT64_C(1) << 24)

uint64_t zsim_xxh64(const void *data, size_t len, uint64_t seed);

/* Fill err (may be NULL): "NAME: byte OFF: message" (OFF omitted if
 * has_off is 0). Returns code. */
int zsim_ps_error(struct zsim_pagestore_error *err, int code, const char *name, int has_off,
		  uint64_t off, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

#endif
