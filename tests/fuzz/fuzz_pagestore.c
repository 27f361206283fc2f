/*
 * fuzz_pagestore.c - libFuzzer target: arbitrary bytes opened as a page
 * store from memory (zsim_pagestore_open_memory). Opening must either
 * succeed or fail with a clean code (ZSIM_EPARSE, ZSIM_ETRUNC,
 * ZSIM_EBADMSG, ZSIM_ERANGE) whose message names the byte offset; an open
 * store must answer every query (pages, ranges, clen tables, metadata,
 * snapshots, verify) with success or a clean code, and a page read must
 * equal the read of its unique page. Crashes, sanitizer reports, leaks and
 * allocations past libFuzzer's limit are findings. Each input is tried
 * as it is and once more with every checksum recomputed (header, section
 * table, sections, frames), so mutations get past the checksums into the
 * parsers behind them. Seeds: tests/fuzz/corpus/pagestore/ (small stores
 * made by the writer).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zswapsim/zswapsim.h"
#include "pagestore/pagestore_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                   \
	do {                                                                          \
		if (!(cond)) {                                                        \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                      \
		}                                                                     \
	} while (0)

static int clean(int rc)
{
	return rc == ZSIM_EPARSE || rc == ZSIM_ETRUNC || rc == ZSIM_EBADMSG || rc == ZSIM_ERANGE;
}

#define MAX_READ 512 /* pages read per input, so huge claimed stores stay fast */

static int try_store(const uint8_t *data, size_t size)
{
	struct zsim_pagestore *ps;
	struct zsim_pagestore_error err;
	memset(&err, 0, sizeof(err));
	int rc = zsim_pagestore_open_memory(data, size, "fuzz", &ps, &err);
	if (rc) {
		CHECK(clean(rc));
		CHECK(err.code == rc);
		CHECK(strncmp(err.message, "fuzz: byte ", 11) == 0);
		CHECK(ps == NULL);
		return 0;
	}
	struct zsim_pagestore_info info;
	CHECK(zsim_pagestore_info(ps, &info) == 0);
	CHECK(info.unique <= info.pages);
	CHECK(info.file_bytes == size);
	static unsigned char a[ZSIM_PAGE_SIZE], b[ZSIM_PAGE_SIZE];
	static unsigned char range[8 * ZSIM_PAGE_SIZE];
	uint64_t n = info.pages < MAX_READ ? info.pages : MAX_READ;
	for (uint64_t p = 0; p < n; p++) {
		uint64_t uid;
		CHECK(zsim_pagestore_unique_id(ps, p, &uid) == 0);
		CHECK(uid < info.unique);
		rc = zsim_pagestore_read_page(ps, p, a);
		if (rc) {
			CHECK(clean(rc));
			CHECK(strncmp(zsim_pagestore_last_error(ps)->message, "fuzz: byte ", 11) == 0);
			continue;
		}
		CHECK(zsim_pagestore_read_unique(ps, uid, b) == 0);
		CHECK(memcmp(a, b, sizeof(a)) == 0);
		for (unsigned t = 0; t < info.clen_tables; t++) {
			unsigned len;
			CHECK(zsim_pagestore_clen(ps, t, p, &len) == 0);
			CHECK((len >= 1 && len <= ZSIM_PAGE_SIZE) || len == ZSIM_PAGESTORE_CLEN_NONE);
		}
	}
	CHECK(zsim_pagestore_read_page(ps, info.pages, a) == ZSIM_ERANGE);
	uint64_t rn = info.pages < 8 ? info.pages : 8;
	rc = zsim_pagestore_read_pages(ps, 0, rn, range);
	CHECK(rc == 0 || clean(rc));
	if (!rc)
		for (uint64_t p = 0; p < rn; p++) {
			CHECK(zsim_pagestore_read_page(ps, p, a) == 0);
			CHECK(memcmp(a, range + p * ZSIM_PAGE_SIZE, ZSIM_PAGE_SIZE) == 0);
		}
	for (unsigned t = 0; t < info.clen_tables; t++) {
		const char *spec, *desc;
		CHECK(zsim_pagestore_clen_table(ps, t, &spec, &desc) == 0);
		CHECK(zsim_pagestore_clen_find(ps, spec) == (int)t);
		CHECK(strlen(spec) < ZSIM_PAGESTORE_CLEN_SPEC_MAX);
	}
	const char *k, *v;
	for (unsigned m = 0; zsim_pagestore_meta_at(ps, m, &k, &v) == 0; m++)
		CHECK(zsim_pagestore_meta(ps, k) != NULL && v != NULL);
	uint64_t end = 0;
	for (uint64_t s = 0; s < info.snapshots; s++) {
		struct zsim_pagestore_snapshot sn;
		CHECK(zsim_pagestore_snapshot(ps, s, &sn) == 0);
		CHECK(sn.first_page >= end && sn.first_page + sn.pages <= info.pages);
		end = sn.first_page + sn.pages;
	}
	if (info.frames <= 64) {
		rc = zsim_pagestore_verify(ps);
		CHECK(rc == 0 || clean(rc));
	}
	zsim_pagestore_close(ps);
	return 0;
}

/* Recompute every checksum the input's own structure points at. */
static void fix_checksums(uint8_t *b, size_t size)
{
	if (size < PS_HEADER_SIZE)
		return;
	uint64_t toc = zsim_get_le64(b + PS_H_TOC_OFFSET);
	uint32_t n = zsim_get_le32(b + PS_H_TOC_COUNT);
	if (n <= PS_TOC_MAX && toc >= PS_HEADER_SIZE && toc <= size &&
	    (uint64_t)n * PS_TOC_ENTRY_SIZE + 8 <= size - toc) {
		for (uint32_t i = 0; i < n; i++) {
			uint8_t *e = b + toc + (size_t)i * PS_TOC_ENTRY_SIZE;
			uint64_t off = zsim_get_le64(e + 8), st = zsim_get_le64(e + 16);
			if (off > size || st > size - off)
				continue;
			if (zsim_get_le32(e) == PS_SEC_FRAMES && zsim_get_le32(e + 4) == PS_ENC_RAW)
				for (uint64_t f = 0; f + PS_FRAME_ENTRY_SIZE <= st; f += PS_FRAME_ENTRY_SIZE) {
					uint8_t *fe = b + off + f;
					uint64_t fo = zsim_get_le64(fe);
					uint32_t fs = zsim_get_le32(fe + 8);
					if (fo <= size && fs <= size - fo)
						zsim_put_le32(fe + 12, (uint32_t)zsim_xxh64(b + fo, fs, 0));
				}
			zsim_put_le64(e + 32, zsim_xxh64(b + off, (size_t)st, 0));
		}
		size_t len = (size_t)n * PS_TOC_ENTRY_SIZE;
		zsim_put_le64(b + toc + len, zsim_xxh64(b + toc, len, 0));
	}
	zsim_put_le64(b + PS_H_CHECKSUM, zsim_xxh64(b, PS_H_CHECKSUM, 0));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	try_store(data, size);
	uint8_t *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	fix_checksums(copy, size);
	try_store(copy, size);
	free(copy);
	return 0;
}
