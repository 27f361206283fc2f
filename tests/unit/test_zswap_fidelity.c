/*
 * test_zswap_fidelity.c - the fidelity target: store every page of
 * a page set once and compare the simulator's counters with what the
 * kernel would report, computed here independently from first principles
 * (Appendix K of the reference): libzstd called the way lib/zstd's
 * zstd_compress_cctx calls it (lz4: our kernel-rule encoder, whose
 * lengths test_codec_kernel_lengths pins to lib/lz4's), the zero/same-filled rule of the profile, and zsmalloc's
 * class table built from the documented rule (not the library's):
 *   pool_total_size = sum over classes of ceil(objects / objs_per_zspage)
 *                     x pages_per_zspage x 4096.
 */
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>

#include "testutil.h"

#define NPAGES 700

struct cls {
	unsigned size, ppz, objs, real; /* real = index of the class used */
};

/* zsmalloc's size classes, from the documented rule (reference §2.2). */
static void build_classes(struct cls *c, bool legacy, unsigned chain)
{
	int prev = -1;
	for (int i = 254; i >= 0; i--) {
		unsigned size = 32 + 16 * (unsigned)i;
		if (size > 4096)
			size = 4096;
		unsigned best = 1;
		if (legacy) {
			unsigned best_used = 0;
			for (unsigned k = 1; k <= 4; k++) {
				unsigned waste = (k * 4096) % size;
				unsigned used = 100 * (k * 4096 - waste) / (k * 4096);
				if (used > best_used) {
					best_used = used;
					best = k;
				}
			}
		} else if (size & (size - 1)) {
			unsigned best_waste = UINT32_MAX;
			for (unsigned k = 1; k <= chain; k++) {
				unsigned waste = (k * 4096) % size;
				if (waste < best_waste) {
					best_waste = waste;
					best = k;
				}
			}
		}
		c[i].size = size;
		c[i].ppz = best;
		c[i].objs = best * 4096 / size;
		if (prev >= 0 && c[prev].ppz == c[i].ppz && c[prev].objs == c[i].objs)
			c[i].real = c[prev].real;
		else
			c[i].real = (unsigned)i, prev = i;
	}
}

static unsigned class_of(unsigned len)
{
	unsigned s = len + 8;
	unsigned idx = s <= 32 ? 0 : (s - 32 + 15) / 16;
	return idx > 254 ? 254 : idx;
}

struct expect {
	uint64_t stored, swpout_zero, same_filled, compress_fail, pswpout, bytes, pages;
};

static bool same_filled(const unsigned char *p, uint64_t *v)
{
	const uint64_t *w = (const uint64_t *)p;
	for (unsigned i = 1; i < ZSIM_PAGE_SIZE / 8; i++)
		if (w[i] != w[0])
			return false;
	*v = w[0];
	return true;
}

/* Kernel compressed length, or 0 if it does not fit in PAGE_SIZE. */
static size_t kernel_len(const char *codec, const unsigned char *page, void *ws)
{
	static unsigned char out[ZSIM_PAGE_SIZE];
	if (!strcmp(codec, "lz4")) {
		/* liblz4 1.9.4 is not the kernel's lz4 (it may start the last
		 * match one byte later, ~1% of pages): the kernel's lengths come
		 * from our kernel-rule encoder, which test_codec_kernel_lengths
		 * checks page by page against lib/lz4. */
		static struct zsim_codec *lz4;
		if (!lz4)
			assert_int_equal(zsim_codec_create("lz4", NULL, &lz4), 0);
		size_t n = ZSIM_PAGE_SIZE;
		return zsim_codec_compress(lz4, page, ZSIM_PAGE_SIZE, out, &n) ? 0 : n;
	}
	/* lib/zstd's zstd_compress_cctx(): reset, pledge, every parameter of
	 * zstd_get_params(3, 0) set explicitly, ZSTD_compress2 (which then
	 * adjusts them to the pledged 4096 bytes). */
	ZSTD_parameters p = ZSTD_getParams(3, 0, 0);
	ZSTD_CCtx_reset(ws, ZSTD_reset_session_and_parameters);
	ZSTD_CCtx_setPledgedSrcSize(ws, ZSIM_PAGE_SIZE);
	ZSTD_CCtx_setParameter(ws, ZSTD_c_windowLog, (int)p.cParams.windowLog);
	ZSTD_CCtx_setParameter(ws, ZSTD_c_hashLog, (int)p.cParams.hashLog);
	ZSTD_CCtx_setParameter(ws, ZSTD_c_chainLog, (int)p.cParams.chainLog);
	ZSTD_CCtx_setParameter(ws, ZSTD_c_searchLog, (int)p.cParams.searchLog);
	ZSTD_CCtx_setParameter(ws, ZSTD_c_minMatch, (int)p.cParams.minMatch);
	ZSTD_CCtx_setParameter(ws, ZSTD_c_targetLength, (int)p.cParams.targetLength);
	ZSTD_CCtx_setParameter(ws, ZSTD_c_strategy, (int)p.cParams.strategy);
	ZSTD_CCtx_setParameter(ws, ZSTD_c_contentSizeFlag, p.fParams.contentSizeFlag);
	ZSTD_CCtx_setParameter(ws, ZSTD_c_checksumFlag, p.fParams.checksumFlag);
	ZSTD_CCtx_setParameter(ws, ZSTD_c_dictIDFlag, !p.fParams.noDictIDFlag);
	size_t r = ZSTD_compress2(ws, out, ZSIM_PAGE_SIZE, page, ZSIM_PAGE_SIZE);
	return ZSTD_isError(r) ? 0 : r;
}

static struct expect compute(const char *profile, const char *codec, const unsigned char *pages)
{
	bool legacy = !strcmp(profile, "6.1");
	struct cls c[255];
	build_classes(c, legacy, legacy ? 4 : 8);
	uint64_t count[255] = {0};
	struct expect e = {0};
	ZSTD_CCtx *cctx = ZSTD_createCCtx();
	for (unsigned i = 0; i < NPAGES; i++) {
		const unsigned char *p = pages + (size_t)i * ZSIM_PAGE_SIZE;
		uint64_t v;
		bool sf = same_filled(p, &v);
		if (!legacy && sf && v == 0) {
			e.swpout_zero++;
			continue;
		}
		if (legacy && sf) {
			e.stored++;
			e.same_filled++;
			continue;
		}
		size_t len = kernel_len(codec, p, cctx);
		if (!len) {
			if (!legacy)
				e.compress_fail++;
			e.pswpout++;
			continue;
		}
		e.stored++;
		e.bytes += len;
		count[c[class_of((unsigned)len)].real]++;
	}
	ZSTD_freeCCtx(cctx);
	for (unsigned i = 0; i < 255; i++)
		if (count[i])
			e.pages += (count[i] + c[i].objs - 1) / c[i].objs * c[i].ppz;
	return e;
}

static void run(const char *profile, const char *codec)
{
	unsigned char *pages = malloc((size_t)NPAGES * ZSIM_PAGE_SIZE);
	/* A mix of every class, heavy on typical pages. */
	for (unsigned i = 0; i < NPAGES; i++) {
		enum zsim_page_class cl = (enum zsim_page_class)(i % 11 < ZSIM_PAGE_CLASS_COUNT
									? i % 11 : ZSIM_PAGE_TYPICAL);
		zsim_test_page(cl, i, pages + (size_t)i * ZSIM_PAGE_SIZE);
	}
	struct expect e = compute(profile, codec, pages);
	struct zsim_zswap *z = zsim_test_zswap(profile, codec, 64ull << 30, NPAGES, NULL);
	assert_int_equal(zsim_zswap_memcg_create(z, 1, 0), 0);
	for (unsigned i = 0; i < NPAGES; i++)
		zsim_test_store(z, i, pages + (size_t)i * ZSIM_PAGE_SIZE, 1);
	struct zsim_zswap_stats st;
	struct zsim_memcg_stats m;
	zsim_zswap_stats(z, &st);
	zsim_zswap_memcg_stats(z, 1, &m);
	print_message("# %s %s: stored %llu (expect %llu), pool %llu pages (expect %llu), "
		      "memcg zswap %llu B (expect %llu)\n",
		      profile, codec, (unsigned long long)st.stored_pages, (unsigned long long)e.stored,
		      (unsigned long long)(st.pool_total_size / ZSIM_PAGE_SIZE),
		      (unsigned long long)e.pages, (unsigned long long)m.zswap,
		      (unsigned long long)e.bytes);
	assert_int_equal(st.stored_pages, e.stored);
	assert_int_equal(st.swpout_zero, e.swpout_zero);
	assert_int_equal(st.same_filled_pages, e.same_filled);
	assert_int_equal(st.reject_compress_fail, e.compress_fail);
	assert_int_equal(st.reject_compress_poor + st.reject_alloc_fail + st.reject_kmemcache_fail, 0);
	assert_int_equal(st.pswpout, e.pswpout);
	assert_int_equal(m.zswap, e.bytes);
	assert_int_equal(m.zswapped, e.stored * ZSIM_PAGE_SIZE);
	assert_int_equal(st.pool_total_size, e.pages * ZSIM_PAGE_SIZE);
	zsim_zswap_destroy(z);
	free(pages);
}

static void test_6_12_zstd(void **s) { (void)s; run("6.12", "zstd"); }
static void test_6_12_lz4(void **s) { (void)s; run("6.12", "lz4"); }
static void test_6_1_zstd(void **s) { (void)s; run("6.1", "zstd"); }
static void test_6_1_lz4(void **s) { (void)s; run("6.1", "lz4"); }
static void test_6_13_zstd(void **s) { (void)s; run("6.13", "zstd"); }

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_6_12_zstd), cmocka_unit_test(test_6_12_lz4),
		cmocka_unit_test(test_6_1_zstd), cmocka_unit_test(test_6_1_lz4),
		cmocka_unit_test(test_6_13_zstd),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
