/*
 * kernel_codecs.c - run a kernel's own compressors (lib/zstd, lib/lz4,
 * lib/lzo from a linux-source tree, built by codec-lengths.sh with the
 * headers in shim/) the way its crypto drivers call them for zswap, and
 * print each page's compressed length.
 *
 * Usage: kernel_codecs ALG [CAPACITY] < pages > lengths
 *   ALG      zstd | lz4 | lzo | lzo-rle
 *   CAPACITY the request's dlen (default 4096: zswap passes PAGE_SIZE, and
 *            scomp hands the compressor that same dlen)
 * Raw 4096-byte pages on stdin; one line per page: the length, or "E"
 * where the crypto driver would return an error (output does not fit).
 *
 * How each driver calls its library (crypto/*.c in 6.1 and 6.12):
 *   zstd     one cctx in a workspace sized zstd_cctx_workspace_bound() of
 *            zstd_get_params(3, 0), kept for the tfm's life, and per page
 *            zstd_compress_cctx(cctx, dst, dlen, src, slen, &params);
 *   lz4      LZ4_compress_default(src, dst, slen, dlen, wrkmem);
 *   lzo      lzo1x_1_compress_safe(src, slen, dst, &len, wrkmem);
 *   lzo-rle  lzorle1x_1_compress_safe(...), the same.
 * Written for this project (MIT); it only calls the kernel's functions.
 */
#include <linux/lz4.h>
#include <linux/lzo.h>
#include <linux/zstd.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE 4096

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s zstd|lz4|lzo|lzo-rle [CAPACITY] < pages\n", argv[0]);
		return 2;
	}
	const char *alg = argv[1];
	size_t cap = argc > 2 ? strtoul(argv[2], NULL, 0) : PAGE;
	static unsigned char src[PAGE];
	unsigned char *dst = malloc(cap + 2 * PAGE);
	zstd_parameters params = zstd_get_params(3, 0);
	zstd_cctx *cctx = NULL;
	void *wrk;
	if (!strcmp(alg, "zstd")) {
		size_t n = zstd_cctx_workspace_bound(&params.cParams);
		wrk = malloc(n);
		cctx = wrk ? zstd_init_cctx(wrk, n) : NULL;
		if (!cctx) {
			fprintf(stderr, "%s: zstd_init_cctx failed\n", argv[0]);
			return 1;
		}
	} else if (!strcmp(alg, "lz4") || !strcmp(alg, "lzo") || !strcmp(alg, "lzo-rle")) {
		wrk = malloc(LZ4_MEM_COMPRESS > LZO1X_1_MEM_COMPRESS ? LZ4_MEM_COMPRESS
								      : LZO1X_1_MEM_COMPRESS);
	} else {
		fprintf(stderr, "%s: unknown algorithm %s\n", argv[0], alg);
		return 2;
	}
	if (!dst || !wrk)
		return 1;
	while (fread(src, 1, PAGE, stdin) == PAGE) {
		long n;
		if (cctx) {
			size_t r = zstd_compress_cctx(cctx, dst, cap, src, PAGE, &params);
			n = zstd_is_error(r) ? -1 : (long)r;
		} else if (!strcmp(alg, "lz4")) {
			int r = LZ4_compress_default((const char *)src, (char *)dst, PAGE, (int)cap, wrk);
			n = r > 0 ? r : -1;
		} else {
			size_t len = cap;
			int r = !strcmp(alg, "lzo") ? lzo1x_1_compress_safe(src, PAGE, dst, &len, wrk)
						    : lzorle1x_1_compress_safe(src, PAGE, dst, &len, wrk);
			n = r == LZO_E_OK ? (long)len : -1;
		}
		if (n < 0)
			printf("E\n");
		else
			printf("%ld\n", n);
	}
	return 0;
}
