/*
 * test_zswap_pools.c - property E: a compressor switch makes a new current
 * pool while old entries stay readable in their old pool, which is freed
 * exactly when its last entry goes and counts in pool_total_size until
 * then. Also: per-CPU context memory and CPU hotplug by era.
 */
#include "testutil.h"

static void test_switch_and_lifetime(void **state)
{
	(void)state;
	struct zsim_zswap *z = zsim_test_zswap("6.12", "lz4", 1ull << 30, 1024, NULL);
	unsigned char page[ZSIM_PAGE_SIZE], back[ZSIM_PAGE_SIZE];
	for (unsigned i = 0; i < 10; i++) {
		zsim_test_page(ZSIM_PAGE_TEXT, i, page);
		zsim_test_store(z, i, page, 0);
	}
	struct zsim_zswap_stats st;
	zsim_zswap_stats(z, &st);
	uint64_t lz4_size = st.pool_total_size;
	assert_int_equal(zsim_zswap_nr_pools(z), 1);
	assert_int_equal(zsim_zswap_set_compressor(z, "nope"), ZSIM_ENOENT);
	assert_int_equal(zsim_zswap_set_compressor(z, "zstd:level=9,x=1"), ZSIM_EPARSE);
	assert_int_equal(zsim_zswap_nr_pools(z), 1);
	assert_int_equal(zsim_zswap_set_compressor(z, "lz4"), 0); /* same: no-op */
	assert_int_equal(zsim_zswap_nr_pools(z), 1);

	assert_int_equal(zsim_zswap_set_compressor(z, "zstd"), 0);
	assert_int_equal(zsim_zswap_nr_pools(z), 2);
	for (unsigned i = 10; i < 20; i++) {
		zsim_test_page(ZSIM_PAGE_TEXT, i, page);
		zsim_test_store(z, i, page, 0);
	}
	zsim_zswap_stats(z, &st);
	assert_true(st.pool_total_size > lz4_size); /* both pools count */
	/* Old entries decompress with their own pool's compressor. */
	for (unsigned i = 0; i < 9; i++) {
		zsim_test_page(ZSIM_PAGE_TEXT, i, page);
		assert_int_equal(zsim_zswap_load(z, 0, i, 0, i & 1, back, NULL), 0);
		assert_memory_equal(back, page, ZSIM_PAGE_SIZE);
		assert_int_equal(zsim_zswap_nr_pools(z), 2);
	}
	/* The last lz4 entry goes: its pool goes with it. */
	assert_int_equal(zsim_zswap_invalidate(z, 0, 9, 1), 0);
	assert_int_equal(zsim_zswap_nr_pools(z), 1);
	zsim_zswap_stats(z, &st);
	uint64_t zstd_only = st.pool_total_size;

	/* Switching back while the old pool lives reuses it. */
	assert_int_equal(zsim_zswap_set_compressor(z, "lz4"), 0);
	assert_int_equal(zsim_zswap_nr_pools(z), 2);
	zsim_test_page(ZSIM_PAGE_TEXT, 30, page);
	zsim_test_store(z, 30, page, 0);
	assert_int_equal(zsim_zswap_set_compressor(z, "zstd"), 0);
	assert_int_equal(zsim_zswap_nr_pools(z), 2); /* zstd pool resurrected */
	assert_int_equal(zsim_zswap_invalidate(z, 0, 30, 1), 0);
	assert_int_equal(zsim_zswap_nr_pools(z), 1);
	zsim_zswap_stats(z, &st);
	assert_int_equal(st.pool_total_size, zstd_only);
	zsim_zswap_destroy(z);
}

static void test_ctx_memory_and_hotplug(void **state)
{
	(void)state;
	/* ≤6.18: contexts follow CPU hotplug. */
	struct zsim_zswap *z = zsim_test_zswap("6.12", "zstd", 1ull << 30, 64, NULL);
	size_t cpu0 = zsim_zswap_ctx_memory(z, 0), cpu1 = zsim_zswap_ctx_memory(z, 1);
	size_t total = zsim_zswap_ctx_memory(z, UINT32_MAX);
	assert_true(cpu0 > 2 * ZSIM_PAGE_SIZE); /* codec + 2-page buffer */
	assert_int_equal(cpu0, cpu1);
	assert_int_equal(total, cpu0 + cpu1);
	assert_int_equal(zsim_zswap_cpu_offline(z, 1), 0);
	assert_int_equal(zsim_zswap_ctx_memory(z, 1), 0);
	assert_int_equal(zsim_zswap_cpu_offline(z, 0), ZSIM_EBUSY); /* last CPU */
	/* An operation on the offline CPU runs on an online one. */
	unsigned char page[ZSIM_PAGE_SIZE], back[ZSIM_PAGE_SIZE];
	zsim_test_page(ZSIM_PAGE_TEXT, 1, page);
	struct zsim_swap_folio f = {.offset = 3, .data = page, .cpu = 1};
	enum zsim_swap_where w;
	assert_int_equal(zsim_zswap_store(z, &f, &w), 0);
	assert_int_equal(w, ZSIM_WHERE_ZSWAP);
	assert_int_equal(zsim_zswap_load(z, 0, 3, 0, 1, back, NULL), 0);
	assert_memory_equal(back, page, ZSIM_PAGE_SIZE);
	assert_int_equal(zsim_zswap_cpu_online(z, 1), 0);
	assert_int_equal(zsim_zswap_ctx_memory(z, 1), cpu1);
	assert_int_equal(zsim_zswap_cpu_online(z, 9), ZSIM_ERANGE);
	/* A second pool adds its own contexts while the first lives. */
	zsim_test_store(z, 5, page, 0); /* keeps the zstd pool alive */
	size_t one_pool = zsim_zswap_ctx_memory(z, UINT32_MAX);
	assert_int_equal(zsim_zswap_set_compressor(z, "lz4"), 0);
	zsim_test_store(z, 4, page, 0);
	assert_int_equal(zsim_zswap_nr_pools(z), 2);
	assert_true(zsim_zswap_ctx_memory(z, UINT32_MAX) > one_pool);
	zsim_zswap_destroy(z);

	/* latest: contexts live as long as the pool; 1-page buffer. */
	z = zsim_test_zswap("latest", "zstd", 1ull << 30, 64, NULL);
	size_t l1 = zsim_zswap_ctx_memory(z, 1);
	assert_true(l1 > ZSIM_PAGE_SIZE && l1 < cpu1);
	assert_int_equal(zsim_zswap_cpu_offline(z, 1), 0);
	assert_int_equal(zsim_zswap_ctx_memory(z, 1), l1);
	zsim_zswap_destroy(z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_switch_and_lifetime),
		cmocka_unit_test(test_ctx_memory_and_hotplug),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
