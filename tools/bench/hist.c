/*
 * hist.c - latency histogram with logarithmic buckets (HdrHistogram-like:
 * 16 linear sub-buckets per power of two, so a percentile is within 6.25%
 * of the true value), constant memory whatever the number of operations.
 * Not a kernel model; the kernel's latency figures come from bpftrace
 * histograms of the same power-of-two shape.
 */
#include <string.h>

#include "bench.h"

void bench_hist_init(struct bench_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

static unsigned bucket_of(uint64_t v)
{
	const unsigned S = BENCH_HIST_SUB_BITS;
	if (v < (1u << S))
		return (unsigned)v;
	unsigned e = 63u - (unsigned)__builtin_clzll(v); /* >= S */
	unsigned m = (unsigned)(v >> (e - S)) & ((1u << S) - 1);
	return ((e - S + 1) << S) + m;
}

static void bucket_range(unsigned idx, uint64_t *lo, uint64_t *width)
{
	const unsigned S = BENCH_HIST_SUB_BITS;
	if (idx < (1u << S)) {
		*lo = idx;
		*width = 1;
		return;
	}
	unsigned e = (idx >> S) + S - 1;
	unsigned m = idx & ((1u << S) - 1);
	*lo = ((uint64_t)((1u << S) + m)) << (e - S);
	*width = UINT64_C(1) << (e - S);
}

void bench_hist_add(struct bench_hist *h, uint64_t v)
{
	h->b[bucket_of(v)]++;
	h->count++;
	h->sum += v;
	if (v > h->max)
		h->max = v;
	if (v < h->min)
		h->min = v;
}

void bench_hist_merge(struct bench_hist *dst, const struct bench_hist *src)
{
	for (unsigned i = 0; i < BENCH_HIST_BUCKETS; i++)
		dst->b[i] += src->b[i];
	dst->count += src->count;
	dst->sum += src->sum;
	if (src->max > dst->max)
		dst->max = src->max;
	if (src->min < dst->min)
		dst->min = src->min;
}

uint64_t bench_hist_quantile(const struct bench_hist *h, double q)
{
	if (!h->count)
		return 0;
	if (q >= 1.0)
		return h->max;
	uint64_t rank = (uint64_t)(q * (double)h->count);
	if (rank >= h->count)
		rank = h->count - 1;
	uint64_t seen = 0;
	for (unsigned i = 0; i < BENCH_HIST_BUCKETS; i++) {
		seen += h->b[i];
		if (seen > rank) {
			uint64_t lo, w;
			bucket_range(i, &lo, &w);
			uint64_t mid = lo + w / 2;
			if (mid > h->max)
				mid = h->max;
			if (mid < h->min)
				mid = h->min;
			return mid;
		}
	}
	return h->max;
}
