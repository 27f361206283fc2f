/*
 * fuzz_decompress_lzo.c - libFuzzer target for LZO1X decoding, built so the
 * fuzzer sees the code it exercises: arbitrary bytes go to our own LZO1X
 * decoder (zsim_lzo1x_decode, src/codec/lzorle.c, instrumented with the
 * library) and, as the oracle, to the "lzo-generic" driver (liblzo2's
 * lzo1x_decompress_safe, which the fuzzer cannot see into: driven alone it
 * reached 37 edges). Both into a page and into a small buffer (allocated
 * to the byte, so ASan sees any overrun). Checked: each result is success
 * or a clean ZSIM_EBADMSG / ZSIM_ETRUNC / ZSIM_ENOSPC; where ours decodes
 * a stream into a page, liblzo2 decodes it to the same bytes; what decodes
 * into the small buffer decodes the same into the page. Ours is stricter,
 * as the kernel's lzo1x_decompress_safe is: it refuses an end marker whose
 * length field is not 1 (found by this target in its first seconds:
 * liblzo2 takes "10 00 00 00 20 00 00" as the end, the kernel does not),
 * so "liblzo2 decodes it" does not imply "ours does". Streams opening with the
 * kernel's LZO-RLE header (17, version) are kernel-only syntax: for them
 * only the first and last checks apply. The compress/decompress round
 * trip of our encoder is fuzz_decompress_lzorle's.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zswapsim/zswapsim.h"
#include "codec/codec_internal.h"

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
	return rc == 0 || rc == ZSIM_EBADMSG || rc == ZSIM_ETRUNC || rc == ZSIM_ENOSPC;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct zsim_codec *lib;
	if (!lib)
		CHECK(zsim_codec_create("lzo-generic", NULL, &lib) == 0);
	uint8_t *in = malloc(size ? size : 1);
	CHECK(in);
	memcpy(in, data, size);
	const size_t page = ZSIM_PAGE_SIZE;
	uint8_t *ours = malloc(page), *theirs = malloc(page);
	CHECK(ours && theirs);
	size_t olen = page, tlen = page;
	int orc = zsim_lzo1x_decode(in, size, ours, &olen);
	int trc = zsim_codec_decompress(lib, in, size, theirs, &tlen);
	CHECK(clean(orc) && clean(trc));
	CHECK(orc != 0 || olen <= page);
	const int kernel_header = size >= 5 && data[0] == 17;
	if (!kernel_header && orc == 0) {
		CHECK(trc == 0);
		CHECK(olen == tlen && !memcmp(ours, theirs, olen));
	}
	size_t cap = 1 + (size ? data[size - 1] : 0) % 256;
	uint8_t *small = malloc(cap);
	CHECK(small);
	size_t slen = cap;
	int src = zsim_lzo1x_decode(in, size, small, &slen);
	CHECK(clean(src));
	if (src == 0) {
		CHECK(slen <= cap);
		CHECK(orc == 0 && olen == slen && !memcmp(ours, small, slen));
	}
	free(small);
	free(ours);
	free(theirs);
	free(in);
	return 0;
}
