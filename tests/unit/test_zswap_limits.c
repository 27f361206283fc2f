/*
 * test_zswap_limits.c - property A: the pool limit and its acceptance
 * hysteresis at the exact boundaries, in the 6.8+ arithmetic
 * (zswap_check_limits) and the ≤6.7 one (is_full / can_accept).
 *
 * Every page stored here compresses to ~3.8 KB, which lands in zsmalloc's
 * huge class: one page of pool per stored page, so the pool size in pages
 * equals the number of entries and the boundaries can be walked exactly.
 */
#include "testutil.h"

#define RAM_PAGES 100 /* max_pool_percent 20 -> 20 pages */

static struct zsim_zswap *make(const char *profile, unsigned accept)
{
	struct zsim_zswap *z = zsim_test_zswap(profile, "zstd", RAM_PAGES * ZSIM_PAGE_SIZE, 256, NULL);
	assert_int_equal(zsim_zswap_set_max_pool_percent(z, 20), 0);
	assert_int_equal(zsim_zswap_set_accept_threshold_percent(z, accept), 0);
	return z;
}

static enum zsim_swap_where store_huge(struct zsim_zswap *z, uint64_t off)
{
	unsigned char page[ZSIM_PAGE_SIZE];
	zsim_test_page_partly_random(page, 3800, off + 1);
	return zsim_test_store(z, off, page, 0);
}

static uint64_t pool_pages(struct zsim_zswap *z)
{
	struct zsim_zswap_stats st;
	zsim_zswap_stats(z, &st);
	return st.pool_total_size / ZSIM_PAGE_SIZE;
}

static uint64_t limit_hits(struct zsim_zswap *z)
{
	struct zsim_zswap_stats st;
	zsim_zswap_stats(z, &st);
	return st.pool_limit_hit;
}

/* Free stored slots from the top until the pool holds `pages` pages. */
static void shrink_to(struct zsim_zswap *z, uint64_t *next_free, uint64_t pages)
{
	while (pool_pages(z) > pages) {
		assert_true(*next_free > 0);
		(*next_free)--;
		assert_int_equal(zsim_zswap_invalidate(z, 0, *next_free, 1), 0);
	}
	assert_int_equal(pool_pages(z), pages);
}

static void test_modern_hysteresis(void **state)
{
	(void)state;
	struct zsim_zswap *z = make("6.12", 50); /* max 20, threshold 10 */
	uint64_t off = 0;
	for (; off < 20; off++)
		assert_int_equal(store_huge(z, off), ZSIM_WHERE_ZSWAP);
	assert_int_equal(pool_pages(z), 20);
	assert_int_equal(limit_hits(z), 0);
	/* cur (20) >= max (20): refused, counted once. */
	assert_int_equal(store_huge(z, 200), ZSIM_WHERE_DEVICE);
	assert_int_equal(limit_hits(z), 1);
	/* Down to 11 > threshold: still refused, but not a limit hit. */
	shrink_to(z, &off, 11);
	assert_int_equal(store_huge(z, 201), ZSIM_WHERE_DEVICE);
	assert_int_equal(limit_hits(z), 1);
	/* At the threshold (cur <= thr) refilling resumes. */
	shrink_to(z, &off, 10);
	assert_int_equal(store_huge(z, off), ZSIM_WHERE_ZSWAP);
	off++;
	assert_int_equal(store_huge(z, off), ZSIM_WHERE_ZSWAP);
	off++;
	/* Fill to 19: accepted; at 20 the next one is refused again. */
	while (pool_pages(z) < 20) {
		assert_int_equal(store_huge(z, off), ZSIM_WHERE_ZSWAP);
		off++;
	}
	assert_int_equal(store_huge(z, 202), ZSIM_WHERE_DEVICE);
	assert_int_equal(limit_hits(z), 2);
	zsim_zswap_destroy(z);
}

/* accept_threshold_percent = 100 disables the hysteresis. */
static void test_no_hysteresis(void **state)
{
	(void)state;
	struct zsim_zswap *z = make("6.13", 100);
	uint64_t off = 0;
	for (; off < 20; off++)
		assert_int_equal(store_huge(z, off), ZSIM_WHERE_ZSWAP);
	assert_int_equal(store_huge(z, 200), ZSIM_WHERE_DEVICE);
	shrink_to(z, &off, 19);
	assert_int_equal(store_huge(z, off), ZSIM_WHERE_ZSWAP);
	zsim_zswap_destroy(z);
}

/* ≤6.7: full only when cur > max; accept again only when
 * cur < totalram * acc% / 100 * max% / 100 (strict). */
static void test_legacy_hysteresis(void **state)
{
	(void)state;
	struct zsim_zswap *z = make("6.1", 50); /* max 20, accept below 10 */
	uint64_t off = 0;
	for (; off < 21; off++) /* 20 is not > 20: the 21st page is taken */
		assert_int_equal(store_huge(z, off), ZSIM_WHERE_ZSWAP);
	assert_int_equal(pool_pages(z), 21);
	assert_int_equal(limit_hits(z), 0);
	assert_int_equal(store_huge(z, 200), ZSIM_WHERE_DEVICE);
	assert_int_equal(limit_hits(z), 1);
	shrink_to(z, &off, 10);
	assert_int_equal(store_huge(z, 201), ZSIM_WHERE_DEVICE); /* 10 is not < 10 */
	assert_int_equal(limit_hits(z), 1);
	shrink_to(z, &off, 9);
	assert_int_equal(store_huge(z, off), ZSIM_WHERE_ZSWAP);
	zsim_zswap_destroy(z);
}

static void test_disabled(void **state)
{
	(void)state;
	struct zsim_zswap *z = make("6.12", 90);
	assert_int_equal(store_huge(z, 1), ZSIM_WHERE_ZSWAP);
	assert_int_equal(zsim_zswap_set_enabled(z, 0), 0);
	assert_int_equal(store_huge(z, 2), ZSIM_WHERE_DEVICE);
	/* Loads still work while disabled. */
	unsigned char back[ZSIM_PAGE_SIZE], page[ZSIM_PAGE_SIZE];
	zsim_test_page_partly_random(page, 3800, 2);
	assert_int_equal(zsim_zswap_load(z, 0, 1, 0, 0, back, NULL), 0);
	assert_memory_equal(back, page, ZSIM_PAGE_SIZE);
	assert_int_equal(zsim_zswap_set_max_pool_percent(z, 101), ZSIM_EINVAL);
	zsim_zswap_destroy(z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modern_hysteresis),
		cmocka_unit_test(test_no_hysteresis),
		cmocka_unit_test(test_legacy_hysteresis),
		cmocka_unit_test(test_disabled),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
