/*
 * bench_zstd.h - the raw zstd baseline's parameters: what the kernel
 * compresses a page with, so that the raw call does the library's work
 * byte for byte.
 *
 * crypto/zstd.c (5.16 to 6.12) sets level 3's row for an unknown source
 * size (window 21, hash 17, chain 16) on the context and pledges the
 * 4096-byte input, and libzstd then shrinks the row to the input
 * (ZSTD_adjustCParams: window 12, hash 13, chain 12); zram's own backend
 * (6.12+) starts from the row for a known 4096-byte input. Handing the
 * unshrunk row to ZSTD_compress_advanced, as the benchmarks did before,
 * compresses 2 of 3 pages differently (and faster: its tables are 16
 * times larger) than the kernel and the library do; with these
 * parameters the raw output equals the library's (bench_codec's ratio
 * row reads 1.000x).
 */
#ifndef ZSIM_BENCH_ZSTD_H
#define ZSIM_BENCH_ZSTD_H

#ifndef ZSTD_STATIC_LINKING_ONLY
#define ZSTD_STATIC_LINKING_ONLY
#endif
#include <zstd.h>

/* page_sized: 0 for crypto/zstd.c (zswap, zram before 6.12), 1 for zram's
 * own backend (params=page). */
static inline ZSTD_parameters zsim_bench_zstd_params(int page_sized)
{
	ZSTD_parameters p = ZSTD_getParams(3, page_sized ? 4096 : 0, 0);
	p.cParams = ZSTD_adjustCParams(p.cParams, 4096, 0);
	return p;
}

#endif
