/*
 * test_zram_shared.c - zram and zswap share the compressor and the pool
 * code: on the shipped corpus (pages harvested from a build of this
 * project) and on synthetic pages, the same pages give the same
 * compressed lengths page by page and the same zsmalloc pages in total
 * (zram's mem_used_total = zswap's pool_total_size), under 6.1 and 6.12,
 * lz4 and zstd. zram's own zstd backend (6.12+) takes the parameters for
 * a known 4096-byte source where zswap's crypto/zstd.c takes an unknown
 * size, so there zswap is given the backend's parameters ("zstd:
 * params=page") to compare the pool code alone. Pages zswap refuses (longer than a page compressed) are
 * left out, and in 6.12 the non-zero same-filled ones (zswap compresses
 * them; zram keeps the word); zero pages go to the swap zeromap in both
 * from 6.12. zram stores pages at or over huge_class_size raw, zswap
 * compressed: both take one page of the huge class.
 */
#include "zram_testutil.h"

static unsigned char *corpus_pages;
static uint64_t corpus_n;

static int setup(void **state)
{
	(void)state;
	const char *d = getenv("ZSIM_TEST_DATA");
	char path[512];
	snprintf(path, sizeof(path), "%s/../../corpus/zswapsim-build.zpk", d ? d : "tests/data");
	struct zsim_pagestore *ps;
	if (zsim_pagestore_open(path, &ps, NULL))
		return 0; /* synthetic pages only */
	struct zsim_pagestore_info info;
	zsim_pagestore_info(ps, &info);
	corpus_n = info.pages;
	corpus_pages = malloc(corpus_n * ZSIM_PAGE_SIZE);
	if (!corpus_pages || zsim_pagestore_read_pages(ps, 0, corpus_n, corpus_pages))
		corpus_n = 0;
	zsim_pagestore_close(ps);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(corpus_pages);
	return 0;
}

static bool same_filled(const unsigned char *p)
{
	uint64_t w, v;
	memcpy(&w, p, 8);
	for (unsigned i = 8; i < ZSIM_PAGE_SIZE; i += 8) {
		memcpy(&v, p + i, 8);
		if (v != w)
			return false;
	}
	return true;
}

static void compare(const char *profile, const char *alg, const unsigned char *pages, uint64_t n)
{
	const char *spec = !strcmp(alg, "zstd") && strcmp(profile, "6.1") ? "zstd:params=page" : alg;
	struct zsim_zswap_config cfg;
	zsim_zswap_config_init(&cfg);
	cfg.profile = profile;
	cfg.compressor = spec;
	cfg.nr_cpus = 1;
	cfg.ram_bytes = 64ull << 30;
	struct zsim_zswap *zs;
	assert_int_equal(zsim_zswap_create(&cfg, &zs), 0);
	assert_int_equal(zsim_zswap_swapon_memory(zs, 0, n + 1), 0);

	struct zsim_zram_config zc;
	zsim_zram_config_init(&zc);
	zc.profile = profile;
	zc.nr_cpus = 1;
	struct zsim_zram *zr;
	assert_int_equal(zsim_zram_create(&zc, &zr), 0);
	assert_int_equal(zsim_zram_set_comp_algorithm(zr, alg), 0);
	assert_int_equal(zsim_zram_set_disksize(zr, (n + 1) * ZSIM_PAGE_SIZE), 0);
	size_t hcs = zsim_zram_huge_class_size(zr);

	struct zsim_codec *c;
	assert_int_equal(zsim_codec_create(spec, NULL, &c), 0);
	bool zeromap = zsim_zram_swap_skips_zero(zr) == 1;
	uint64_t used = 0, zswap_bytes = 0, zram_bytes = 0, huge = 0, same = 0;
	for (uint64_t i = 0; i < n; i++) {
		const unsigned char *p = pages + i * ZSIM_PAGE_SIZE;
		unsigned char out[2 * ZSIM_PAGE_SIZE];
		size_t len = sizeof(out);
		assert_int_equal(zsim_codec_compress(c, p, ZSIM_PAGE_SIZE, out, &len), 0);
		bool sf = same_filled(p);
		bool zero = sf && p[0] == 0 && !memcmp(p, p + 1, ZSIM_PAGE_SIZE - 1);
		if (len > ZSIM_PAGE_SIZE && !sf)
			continue; /* zswap refuses it */
		if (zeromap && sf && !zero)
			continue; /* zswap compresses it, zram keeps the word */
		struct zsim_swap_folio f = {0, used, 0, p, 1, 0};
		enum zsim_swap_where w;
		assert_int_equal(zsim_zswap_store(zs, &f, &w), 0);
		assert_int_equal(zsim_zram_swap_out(zr, (uint32_t)used, p, 0, NULL), 0);
		struct zsim_zram_slot_info info;
		assert_int_equal(zsim_zram_slot_info(zr, (uint32_t)used, &info), 0);
		used++;
		if (zero && zeromap) {
			assert_int_equal(w, ZSIM_WHERE_ZEROMAP);
			assert_false(info.allocated);
			continue;
		}
		assert_int_equal(w, ZSIM_WHERE_ZSWAP);
		if (sf) {
			same++;
			assert_int_equal(info.flags, ZSIM_ZRAM_SLOT_SAME);
			continue;
		}
		zswap_bytes += len;
		if (len >= hcs) {
			huge++;
			assert_int_equal(info.size, ZSIM_PAGE_SIZE);
			zram_bytes += ZSIM_PAGE_SIZE;
		} else {
			assert_int_equal(info.size, len); /* the same compressed length */
			zram_bytes += len;
		}
	}
	zsim_codec_destroy(c);
	struct zsim_zswap_stats ss;
	assert_int_equal(zsim_zswap_stats(zs, &ss), 0);
	struct zsim_memcg_stats ms;
	assert_int_equal(zsim_zswap_memcg_stats(zs, 1, &ms), 0);
	struct zsim_zram_stats rs = zt_stats(zr);
	assert_true(rs.mem_used_total > 0);
	assert_int_equal(rs.mem_used_total, ss.pool_total_size); /* same zsmalloc pages */
	assert_int_equal(rs.pages_stored, ss.stored_pages);
	assert_int_equal(ms.zswap, zswap_bytes);
	assert_int_equal(rs.compr_data_size, zram_bytes);
	assert_int_equal(rs.huge_pages, huge);
	assert_int_equal(rs.same_pages, same);
	if (!zeromap)
		assert_int_equal(ss.same_filled_pages, same);
	printf("# %s %s: %llu pages, pool %llu pages both, %llu huge, %llu same, "
	       "compr zram %llu / zswap %llu bytes\n",
	       profile, alg, (unsigned long long)used,
	       (unsigned long long)(rs.mem_used_total / ZSIM_PAGE_SIZE), (unsigned long long)huge,
	       (unsigned long long)same, (unsigned long long)zram_bytes,
	       (unsigned long long)zswap_bytes);
	zsim_zram_destroy(zr);
	zsim_zswap_destroy(zs);
}

static void test_corpus(void **state)
{
	(void)state;
	if (!corpus_n) {
		printf("# corpus not found: skipped\n");
		skip();
	}
	const char *profiles[] = {"6.1", "6.12"}, *algs[] = {"lz4", "zstd"};
	for (unsigned p = 0; p < 2; p++)
		for (unsigned a = 0; a < 2; a++)
			compare(profiles[p], algs[a], corpus_pages, corpus_n);
}

static void test_synthetic(void **state)
{
	(void)state;
	enum { N = 3000 };
	unsigned char *pages = malloc((size_t)N * ZSIM_PAGE_SIZE);
	assert_non_null(pages);
	for (unsigned i = 0; i < N; i++) {
		if (i % 10 == 9)
			zsim_test_page_partly_random(pages + (size_t)i * ZSIM_PAGE_SIZE,
						     3300 + (i % 700), i);
		else
			zsim_test_page((enum zsim_page_class)(i % ZSIM_PAGE_CLASS_COUNT), i,
				       pages + (size_t)i * ZSIM_PAGE_SIZE);
	}
	const char *profiles[] = {"6.1", "6.12", "latest"};
	for (unsigned p = 0; p < 3; p++) {
		compare(profiles[p], "lz4", pages, N);
		compare(profiles[p], "zstd", pages, N);
	}
	free(pages);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus),
		cmocka_unit_test(test_synthetic),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
