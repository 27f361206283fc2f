/*
 * test_zswap_compact.c - zsmalloc's shrinker over zswap's pools: the count
 * (zs_shrinker_count: zs_can_compact over the classes) is what a compaction
 * then frees, a churned pool shrinks to it, every page still reads back;
 * and the memory model runs the shrinker in global reclaim only, with
 * do_shrink_slab's arithmetic (a reclaim that struggles, down to priority
 * 0, compacts; memcg reclaim never does).
 */
#include "testutil.h"

#define N 4096

static void test_count_then_compact(void **state)
{
	(void)state;
	struct zsim_zswap *z = zsim_test_zswap("6.12", "lz4", 8ull << 30, N, NULL);
	unsigned char page[ZSIM_PAGE_SIZE];
	for (uint64_t i = 0; i < N; i++) {
		zsim_test_page(ZSIM_PAGE_TYPICAL, i, page);
		assert_int_equal(zsim_test_store(z, i, page, 0), ZSIM_WHERE_ZSWAP);
	}
	assert_int_equal(zsim_zswap_compact_count(z), 0); /* nothing freed yet */
	/* Churn: free three pages of every four. */
	for (uint64_t i = 0; i < N; i++)
		if (i % 4)
			assert_int_equal(zsim_zswap_invalidate(z, 0, i, 1), 0);
	struct zsim_zswap_stats before, after;
	assert_int_equal(zsim_zswap_stats(z, &before), 0);
	uint64_t freeable = zsim_zswap_compact_count(z);
	assert_true(freeable > 0);
	assert_int_equal(zsim_zswap_compact(z), (int64_t)freeable);
	assert_int_equal(zsim_zswap_compact_count(z), 0);
	assert_int_equal(zsim_zswap_stats(z, &after), 0);
	assert_int_equal(after.pool_total_size, before.pool_total_size - freeable * ZSIM_PAGE_SIZE);
	unsigned char got[ZSIM_PAGE_SIZE];
	for (uint64_t i = 0; i < N; i += 4) {
		zsim_test_page(ZSIM_PAGE_TYPICAL, i, page);
		assert_int_equal(zsim_zswap_load(z, 0, i, 0, 0, got, NULL), 0);
		assert_memory_equal(got, page, ZSIM_PAGE_SIZE);
	}
	assert_int_equal(zsim_zswap_compact_count(NULL), 0);
	zsim_zswap_destroy(z);
}

/* Fill through the mm, churn by freeing regions, then make reclaim
 * struggle (a memcg whose refused pages stay in memory) so that priority
 * falls: global reclaim compacts, memcg reclaim does not. */
static uint64_t churn_then_reclaim(bool global)
{
	struct zsim_zswap_config zc;
	zsim_zswap_config_init(&zc);
	zc.profile = "6.12";
	zc.compressor = "lz4";
	zc.nr_cpus = 1;
	struct zsim_zswap *z;
	assert_int_equal(zsim_zswap_create(&zc, &z), 0);
	struct zsim_mm_config mc = {.zswap = z, .swap_slots = 1 << 16,
				    .ram_bytes = global ? 64 * ZSIM_PAGE_SIZE : 0};
	struct zsim_mm *mm;
	assert_int_equal(zsim_mm_create(&mc, &mm), 0);
	assert_int_equal(zsim_zswap_memcg_create(z, 1, 0), 0);
	unsigned char page[ZSIM_PAGE_SIZE];
	uint64_t reg[16];
	for (unsigned r = 0; r < 16; r++) {
		assert_int_equal(zsim_mm_alloc(mm, 1, 256, &reg[r]), 0);
		for (uint64_t i = 0; i < 256; i++) {
			zsim_test_page(ZSIM_PAGE_TYPICAL, r * 256 + i, page);
			assert_int_equal(zsim_mm_write(mm, reg[r], i, page), 0);
		}
		if (!global)
			zsim_mm_reclaim(mm, 1, 256 * ZSIM_PAGE_SIZE);
	}
	for (unsigned r = 0; r < 16; r++)
		if (r % 4)
			assert_int_equal(zsim_mm_free(mm, reg[r]), 0);
	assert_true(zsim_zswap_compact_count(z) > 0);
	/* From now on zswap refuses and the memcg may not write back: the
	 * new pages stay, reclaim fails and its priority falls to 0. */
	assert_int_equal(zsim_zswap_memcg_set(z, 1, "memory.zswap.max", "0"), 0);
	assert_int_equal(zsim_zswap_memcg_set(z, 1, "memory.zswap.writeback", "0"), 0);
	uint64_t extra;
	assert_int_equal(zsim_mm_alloc(mm, 1, 128, &extra), 0);
	for (uint64_t i = 0; i < 128; i++) {
		zsim_test_page(ZSIM_PAGE_TEXT, i, page);
		(void)zsim_mm_write(mm, extra, i, page);
	}
	if (!global)
		(void)zsim_mm_reclaim(mm, 1, 128 * ZSIM_PAGE_SIZE);
	uint64_t left = zsim_zswap_compact_count(z);
	/* Every page the mm still holds reads back (with zswap open again, so
	 * that faulting them in can reclaim). */
	assert_int_equal(zsim_zswap_memcg_set(z, 1, "memory.zswap.max", "max"), 0);
	assert_int_equal(zsim_zswap_memcg_set(z, 1, "memory.zswap.writeback", "1"), 0);
	assert_int_equal(zsim_mm_free(mm, extra), 0);
	for (unsigned r = 0; r < 16; r += 4)
		for (uint64_t i = 0; i < 256; i++) {
			unsigned char got[ZSIM_PAGE_SIZE];
			zsim_test_page(ZSIM_PAGE_TYPICAL, r * 256 + i, page);
			assert_int_equal(zsim_mm_read(mm, reg[r], i, got), 0);
			assert_memory_equal(got, page, ZSIM_PAGE_SIZE);
		}
	zsim_mm_destroy(mm);
	zsim_zswap_destroy(z);
	return left;
}

static void test_global_reclaim_compacts(void **state)
{
	(void)state;
	assert_int_equal(churn_then_reclaim(true), 0);
}

static void test_memcg_reclaim_does_not(void **state)
{
	(void)state;
	assert_true(churn_then_reclaim(false) > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_count_then_compact),
		cmocka_unit_test(test_global_reclaim_compacts),
		cmocka_unit_test(test_memcg_reclaim_does_not),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
