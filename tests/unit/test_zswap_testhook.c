/*
 * test_zswap_testhook.c - the test hook zsim_zswap_test_corrupt_entry:
 * a flipped literal byte of an lz4 object loads with one byte changed; a
 * flipped header byte of a zstd object fails to decompress (ZSIM_EIO)
 * and keeps the entry; slots without an entry and bytes beyond the
 * object are refused without changing anything.
 */
#include "testutil.h"

static void test_flip_literal(void **state)
{
	(void)state;
	unsigned char page[ZSIM_PAGE_SIZE], back[ZSIM_PAGE_SIZE];
	struct zsim_zswap *z = zsim_test_zswap("6.12", "lz4", 1ull << 30, 64, NULL);
	zsim_test_page(ZSIM_PAGE_TEXT, 7, page);
	assert_int_equal(zsim_test_store(z, 3, page, 0), ZSIM_WHERE_ZSWAP);
	enum zsim_swap_where w;
	size_t len = 0;
	assert_int_equal(zsim_zswap_slot_state(z, 0, 3, &w, &len), 0);
	assert_true(len > 0 && len < ZSIM_PAGE_SIZE);
	/* lz4 ends with literals: its last byte is the page's last byte. */
	assert_int_equal(zsim_zswap_test_corrupt_entry(z, 0, 3, len - 1, 0x5a), 0);
	assert_int_equal(zsim_zswap_load(z, 0, 3, 0, 0, back, NULL), 0);
	assert_memory_not_equal(page, back, ZSIM_PAGE_SIZE);
	assert_int_equal(back[ZSIM_PAGE_SIZE - 1], page[ZSIM_PAGE_SIZE - 1] ^ 0x5a);
	assert_memory_equal(page, back, ZSIM_PAGE_SIZE - 1);
	zsim_zswap_destroy(z);
}

static void test_flip_header(void **state)
{
	(void)state;
	unsigned char page[ZSIM_PAGE_SIZE], back[ZSIM_PAGE_SIZE];
	struct zsim_zswap *z = zsim_test_zswap("6.18", "zstd", 1ull << 30, 64, NULL);
	zsim_test_page(ZSIM_PAGE_TYPICAL, 1, page);
	assert_int_equal(zsim_test_store(z, 5, page, 0), ZSIM_WHERE_ZSWAP);
	/* The zstd frame magic: the frame no longer parses. */
	assert_int_equal(zsim_zswap_test_corrupt_entry(z, 0, 5, 0, 0xff), 0);
	assert_int_equal(zsim_zswap_load(z, 0, 5, 0, 0, back, NULL), ZSIM_EIO);
	struct zsim_zswap_stats st;
	zsim_zswap_stats(z, &st);
	assert_int_equal(st.decompress_fail, 1);
	assert_int_equal(st.stored_pages, 1); /* kept */
	/* Flipping it back restores the page. */
	assert_int_equal(zsim_zswap_test_corrupt_entry(z, 0, 5, 0, 0xff), 0);
	assert_int_equal(zsim_zswap_load(z, 0, 5, 0, 0, back, NULL), 0);
	assert_memory_equal(page, back, ZSIM_PAGE_SIZE);
	zsim_zswap_destroy(z);
}

static void test_refusals(void **state)
{
	(void)state;
	unsigned char page[ZSIM_PAGE_SIZE], back[ZSIM_PAGE_SIZE];
	struct zsim_zswap *z = zsim_test_zswap("6.12", "lz4", 1ull << 30, 64, NULL);
	assert_int_equal(zsim_zswap_test_corrupt_entry(z, 0, 1, 0, 1), ZSIM_ENOENT);
	assert_int_equal(zsim_zswap_test_corrupt_entry(z, 0, 64, 0, 1), ZSIM_ERANGE);
	assert_int_equal(zsim_zswap_test_corrupt_entry(z, 1, 0, 0, 1), ZSIM_ESHUTDOWN);
	assert_int_equal(zsim_zswap_test_corrupt_entry(NULL, 0, 0, 0, 1), ZSIM_EINVAL);
	zsim_test_page(ZSIM_PAGE_TEXT, 2, page);
	assert_int_equal(zsim_test_store(z, 1, page, 0), ZSIM_WHERE_ZSWAP);
	size_t len = 0;
	enum zsim_swap_where w;
	zsim_zswap_slot_state(z, 0, 1, &w, &len);
	assert_int_equal(zsim_zswap_test_corrupt_entry(z, 0, 1, len, 1), ZSIM_ERANGE);
	assert_int_equal(zsim_zswap_load(z, 0, 1, 0, 0, back, NULL), 0);
	assert_memory_equal(page, back, ZSIM_PAGE_SIZE);
	/* Zero pages live in the zeromap (6.12): no zswap entry to corrupt. */
	memset(page, 0, sizeof(page));
	assert_int_equal(zsim_test_store(z, 2, page, 0), ZSIM_WHERE_ZEROMAP);
	assert_int_equal(zsim_zswap_test_corrupt_entry(z, 0, 2, 0, 1), ZSIM_ENOENT);
	zsim_zswap_destroy(z);
}

static void test_same_filled_61(void **state)
{
	(void)state;
	uint64_t page[ZSIM_PAGE_SIZE / 8], back[ZSIM_PAGE_SIZE / 8];
	struct zsim_zswap *z = zsim_test_zswap("6.1", "lz4", 1ull << 30, 64, NULL);
	for (size_t i = 0; i < ZSIM_ARRAY_N(page); i++)
		page[i] = 0x1122334455667788ull;
	assert_int_equal(zsim_test_store(z, 4, page, 0), ZSIM_WHERE_ZSWAP);
	assert_int_equal(zsim_zswap_test_corrupt_entry(z, 0, 4, 8, 1), ZSIM_ERANGE);
	assert_int_equal(zsim_zswap_test_corrupt_entry(z, 0, 4, 1, 0xff), 0);
	assert_int_equal(zsim_zswap_load(z, 0, 4, 0, 0, back, NULL), 0);
	assert_int_equal(back[0], 0x1122334455668888ull);
	zsim_zswap_destroy(z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flip_literal),
		cmocka_unit_test(test_flip_header),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_same_filled_61),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
