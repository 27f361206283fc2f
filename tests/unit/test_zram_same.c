/*
 * test_zram_same.c - same-filled pages: any page of one repeated 8-byte
 * word (zero or not) keeps only the word (ZRAM_SAME, same_pages, no pool
 * memory, nothing in compr_data_size), reads refill it, an overwrite or a
 * free releases it; a page differing in its last word is compressed. The
 * swap layer in front: 6.1 sends zero pages to zram (same_pages), 6.12+
 * keep them in the zeromap (swpout_zero) and zram never sees them.
 */
#include "zram_testutil.h"

static void fill_word(unsigned char *page, uint64_t w)
{
	for (unsigned i = 0; i < ZSIM_PAGE_SIZE; i += 8)
		memcpy(page + i, &w, 8);
}

static void test_same_filled(void **state)
{
	(void)state;
	const uint64_t words[] = {0, 0xffffffffffffffffull, 0x0123456789abcdefull, 0x2a};
	for (unsigned p = 0; p < ZSIM_ARRAY_N(zt_profiles); p++) {
		struct zsim_zram *z = zt_dev(zt_profiles[p], "lz4", 64);
		unsigned char page[ZSIM_PAGE_SIZE];
		for (unsigned i = 0; i < ZSIM_ARRAY_N(words); i++) {
			fill_word(page, words[i]);
			assert_int_equal(zsim_zram_write(z, i, page, 0), 0);
			struct zsim_zram_slot_info info;
			assert_int_equal(zsim_zram_slot_info(z, i, &info), 0);
			assert_true(info.allocated);
			assert_int_equal(info.flags & ZSIM_ZRAM_SLOT_SAME, ZSIM_ZRAM_SLOT_SAME);
			assert_int_equal(info.element, words[i]);
			assert_int_equal(info.size, 0);
			zt_expect(z, i, page);
		}
		struct zsim_zram_stats st = zt_stats(z);
		assert_int_equal(st.same_pages, 4);
		assert_int_equal(st.pages_stored, 4);
		assert_int_equal(st.orig_data_size, 4 * ZSIM_PAGE_SIZE);
		assert_int_equal(st.compr_data_size, 0);
		assert_int_equal(st.mem_used_total, 0);

		/* the last word differs: not same-filled */
		fill_word(page, 7);
		page[ZSIM_PAGE_SIZE - 1] = 1;
		assert_int_equal(zsim_zram_write(z, 10, page, 1), 0);
		st = zt_stats(z);
		assert_int_equal(st.same_pages, 4);
		assert_true(st.compr_data_size > 0);
		assert_true(st.mem_used_total > 0);
		zt_expect(z, 10, page);
		/* a byte in the middle differs */
		fill_word(page, 7);
		page[2000] = 9;
		assert_int_equal(zsim_zram_write(z, 11, page, 1), 0);
		assert_int_equal(zt_stats(z).same_pages, 4);
		zt_expect(z, 11, page);

		/* overwrite a same page with a compressed one, then free */
		assert_int_equal(zsim_zram_write(z, 0, page, 0), 0);
		assert_int_equal(zt_stats(z).same_pages, 3);
		assert_int_equal(zsim_zram_slot_free_notify(z, 1), 0);
		st = zt_stats(z);
		assert_int_equal(st.same_pages, 2);
		assert_int_equal(st.pages_stored, 5);
		zsim_zram_destroy(z);
	}
}

static void test_swap_layer_zero_pages(void **state)
{
	(void)state;
	for (unsigned p = 0; p < ZSIM_ARRAY_N(zt_profiles); p++) {
		bool zeromap = strcmp(zt_profiles[p], "6.1") != 0;
		struct zsim_zram *z = zt_dev(zt_profiles[p], NULL, 64);
		assert_int_equal(zsim_zram_swap_skips_zero(z), zeromap ? 1 : 0);
		assert_int_equal(zsim_zram_mkswap(z, 0), 0);
		struct zsim_zram_stats st = zt_stats(z);
		assert_int_equal(st.pages_stored, 1); /* the swap header */
		assert_true(st.mem_used_total > 0);

		unsigned char zero[ZSIM_PAGE_SIZE] = {0}, page[ZSIM_PAGE_SIZE], got[ZSIM_PAGE_SIZE];
		enum zsim_zram_where w;
		for (uint32_t i = 1; i <= 8; i++) {
			assert_int_equal(zsim_zram_swap_out(z, i, zero, 0, &w), 0);
			assert_int_equal(w, zeromap ? ZSIM_ZRAM_IN_ZEROMAP : ZSIM_ZRAM_IN_DEVICE);
		}
		zsim_test_page(ZSIM_PAGE_TEXT, 3, page);
		assert_int_equal(zsim_zram_swap_out(z, 9, page, 1, &w), 0);
		assert_int_equal(w, ZSIM_ZRAM_IN_DEVICE);
		st = zt_stats(z);
		assert_int_equal(st.same_pages, zeromap ? 0 : 8);
		assert_int_equal(st.swpout_zero, zeromap ? 8 : 0);
		assert_int_equal(st.pswpout, zeromap ? 1 : 9);
		assert_int_equal(st.pages_stored, zeromap ? 2 : 10);
		for (uint32_t i = 1; i <= 9; i++) {
			memset(got, 0x55, sizeof(got));
			assert_int_equal(zsim_zram_swap_in(z, i, got, 0, &w), 0);
			assert_memory_equal(got, i == 9 ? page : zero, ZSIM_PAGE_SIZE);
		}
		st = zt_stats(z);
		assert_int_equal(st.swpin_zero, zeromap ? 8 : 0);
		assert_int_equal(st.pswpin, zeromap ? 1 : 9);
		for (uint32_t i = 1; i <= 9; i++)
			assert_int_equal(zsim_zram_swap_free(z, i), 0);
		/* In 6.1 and 6.12 the frees wait in the CPU's swap slots cache. */
		bool cached = strcmp(zt_profiles[p], "latest") != 0;
		st = zt_stats(z);
		assert_int_equal(st.notify_free, cached ? 0 : 9);
		assert_int_equal(st.pages_stored, cached ? (zeromap ? 2 : 10) : 1);
		assert_int_equal(zsim_zram_swap_drain(z), 0);
		st = zt_stats(z);
		assert_int_equal(st.notify_free, 9);
		assert_int_equal(st.pages_stored, 1);
		assert_int_equal(st.same_pages, 0);
		/* a freed zeromap slot no longer reads as zero-from-zeromap */
		assert_int_equal(zsim_zram_swap_in(z, 2, got, 0, &w), ZSIM_ENOENT);
		zsim_zram_destroy(z);
	}
}

/* The swap slots cache (6.1, 6.12): the 65th free on a CPU hands the 64
 * waiting entries to zram at once; each CPU has its own cache. */
static void test_swap_slots_cache(void **state)
{
	(void)state;
	struct zsim_zram *z = zt_dev("6.12", NULL, 512);
	unsigned char page[ZSIM_PAGE_SIZE];
	for (uint32_t i = 1; i <= 200; i++) {
		zsim_test_page(ZSIM_PAGE_TEXT, i, page);
		assert_int_equal(zsim_zram_swap_out(z, i, page, 0, NULL), 0);
	}
	for (uint32_t i = 1; i <= 64; i++)
		assert_int_equal(zsim_zram_swap_free_on(z, i, 0), 0);
	assert_int_equal(zt_stats(z).notify_free, 0);
	assert_int_equal(zsim_zram_swap_free_on(z, 65, 0), 0);
	assert_int_equal(zt_stats(z).notify_free, 64);
	assert_int_equal(zt_stats(z).pages_stored, 200 - 64);
	/* CPU 1's cache is apart from CPU 0's. */
	for (uint32_t i = 66; i <= 130; i++)
		assert_int_equal(zsim_zram_swap_free_on(z, i, 1), 0);
	assert_int_equal(zt_stats(z).notify_free, 128);
	assert_int_equal(zsim_zram_swap_free_on(z, 131, 9), ZSIM_ERANGE);
	/* A slot used again while its free waits (the kernel cannot, the API
	 * can): the free happens first, and the cache's later flush must not
	 * take the new page with it. */
	assert_int_equal(zsim_zram_swap_free_on(z, 131, 0), 0);
	zsim_test_page(ZSIM_PAGE_TYPICAL, 131, page);
	assert_int_equal(zsim_zram_swap_out(z, 131, page, 0, NULL), 0);
	assert_int_equal(zt_stats(z).notify_free, 129);
	assert_int_equal(zsim_zram_swap_drain(z), 0);
	unsigned char got[ZSIM_PAGE_SIZE];
	assert_int_equal(zsim_zram_swap_in(z, 131, got, 0, NULL), 0);
	assert_memory_equal(got, page, ZSIM_PAGE_SIZE);
	/* 1..131 freed, 131 written again */
	assert_int_equal(zt_stats(z).notify_free, 131);
	assert_int_equal(zt_stats(z).pages_stored, 200 - 131 + 1);
	zsim_zram_destroy(z);
	/* latest: no cache, each free reaches zram at once. */
	z = zt_dev("latest", NULL, 64);
	zsim_test_page(ZSIM_PAGE_TEXT, 1, page);
	assert_int_equal(zsim_zram_swap_out(z, 1, page, 0, NULL), 0);
	assert_int_equal(zsim_zram_swap_free_on(z, 1, 0), 0);
	assert_int_equal(zt_stats(z).notify_free, 1);
	zsim_zram_destroy(z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_filled),
		cmocka_unit_test(test_swap_layer_zero_pages),
		cmocka_unit_test(test_swap_slots_cache),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
