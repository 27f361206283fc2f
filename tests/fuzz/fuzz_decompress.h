/*
 * fuzz_decompress.h - the body shared by the fuzz_decompress_<algo>
 * targets: arbitrary bytes go to zsim_codec_decompress with a 4096-byte and
 * with a small capacity (each buffer allocated to the byte, so ASan sees
 * any read or write past it), and the same bytes, used as a page, go
 * through a compress/decompress round trip. Any result other than success
 * or a clean ZSIM_EBADMSG / ZSIM_ETRUNC / ZSIM_ENOSPC aborts, as does
 * success with an output longer than the capacity or two decodes of one
 * input that disagree.
 * FUZZ_SLACK_SENSITIVE marks a decoder whose acceptance of malformed input
 * depends on spare room in the output buffer: LZ4_decompress_safe checks
 * the block's end rules (last match at least 12 bytes before the end)
 * against the buffer's end, so a stream that breaks them decodes into a
 * page but not into a buffer of exactly its size (found by this target;
 * the kernel's LZ4 is the same code). For such a decoder only "what fits a
 * small buffer decodes the same in a large one" is checked.
 */
#ifndef ZSIM_FUZZ_DECOMPRESS_H
#define ZSIM_FUZZ_DECOMPRESS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zswapsim/zswapsim.h"

#define FUZZ_CHECK(cond)                                                              \
	do {                                                                          \
		if (!(cond)) {                                                        \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
				#cond);                                               \
			abort();                                                      \
		}                                                                     \
	} while (0)

static int fuzz_clean(int rc)
{
	return rc == 0 || rc == ZSIM_EBADMSG || rc == ZSIM_ETRUNC || rc == ZSIM_ENOSPC;
}

/* One instance per process. A driver not built in: nothing to fuzz, the
 * process exits 77 (ctest "Skipped", never a pass). */
static struct zsim_codec *fuzz_codec(const char *driver)
{
	static struct zsim_codec *c;
	static int tried;
	if (!tried) {
		tried = 1;
		int rc = zsim_codec_create(driver, NULL, &c);
		if (rc == ZSIM_ENOENT) {
			fprintf(stderr, "# SKIP: %s not built in: nothing to fuzz\n", driver);
			_Exit(77);
		}
		FUZZ_CHECK(rc == 0);
	}
	return c;
}

#define FUZZ_SLACK_SENSITIVE 1u

static int fuzz_decompress(const char *driver, unsigned flags, const uint8_t *data,
			   size_t size)
{
	struct zsim_codec *c = fuzz_codec(driver);
	if (!c)
		return 0;
	const size_t page = ZSIM_PAGE_SIZE;

	/* The input in a buffer of exactly its size. */
	uint8_t *in = malloc(size ? size : 1);
	FUZZ_CHECK(in);
	memcpy(in, data, size);

	/* 1. A page-sized output. */
	uint8_t *big = malloc(page);
	FUZZ_CHECK(big);
	size_t big_len = page;
	int big_rc = zsim_codec_decompress(c, in, size, big, &big_len);
	FUZZ_CHECK(fuzz_clean(big_rc));
	FUZZ_CHECK(big_rc != 0 || big_len <= page);

	/* 2. A small output, its size taken from the input. */
	size_t cap = 1 + (size ? data[size - 1] : 0) % 256;
	uint8_t *small = malloc(cap);
	FUZZ_CHECK(small);
	size_t small_len = cap;
	int small_rc = zsim_codec_decompress(c, in, size, small, &small_len);
	FUZZ_CHECK(fuzz_clean(small_rc));
	if (small_rc == 0) {
		/* What fits a small buffer decodes the same in a large one. */
		FUZZ_CHECK(small_len <= cap);
		FUZZ_CHECK(big_rc == 0 && big_len == small_len);
		FUZZ_CHECK(!memcmp(big, small, small_len));
	} else if (big_rc == 0 && big_len <= cap && !(flags & FUZZ_SLACK_SENSITIVE)) {
		FUZZ_CHECK(!"decoded into a page but not into a buffer it fits");
	}

	/* 3. The bytes as a page (zero-padded): compress, decompress, compare;
	 * and compress into the small buffer: fits or ZSIM_ENOSPC. */
	if (size <= page) {
		uint8_t *pg = calloc(1, page);
		uint8_t *comp = malloc(page);
		FUZZ_CHECK(pg && comp);
		memcpy(pg, data, size);
		size_t clen = page;
		int rc = zsim_codec_compress(c, pg, page, comp, &clen);
		FUZZ_CHECK(rc == 0 || rc == ZSIM_ENOSPC);
		if (rc == 0) {
			FUZZ_CHECK(clen <= page);
			size_t dlen = page;
			FUZZ_CHECK(zsim_codec_decompress(c, comp, clen, big, &dlen) == 0);
			FUZZ_CHECK(dlen == page && !memcmp(big, pg, page));
			size_t slen = cap;
			rc = zsim_codec_compress(c, pg, page, small, &slen);
			FUZZ_CHECK(rc == 0 || rc == ZSIM_ENOSPC);
			if (rc == 0) {
				FUZZ_CHECK(slen <= cap);
				dlen = page;
				FUZZ_CHECK(zsim_codec_decompress(c, small, slen, big, &dlen) == 0);
				FUZZ_CHECK(dlen == page && !memcmp(big, pg, page));
			}
		}
		free(pg);
		free(comp);
	}
	free(small);
	free(big);
	free(in);
	return 0;
}

#define ZSIM_FUZZ_DECOMPRESS_TARGET(driver, flags)                              \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);           \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)            \
	{                                                                       \
		return fuzz_decompress(driver, flags, data, size);              \
	}

#endif
