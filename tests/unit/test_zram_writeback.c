/*
 * test_zram_writeback.c - CONFIG_ZRAM_WRITEBACK: backing_dev only before
 * disksize, writeback of idle / huge / huge_idle / incompressible slots
 * and of one page_index, writeback_limit with its enable, bd_stat, and
 * reads of written-back slots coming back from the device (bd_reads) with
 * the bytes last written; an overwrite or a free releases the block.
 * Same-filled slots are never written back. Both the memory device and a
 * real file.
 */
#include "zram_testutil.h"

#include <unistd.h>

#define N 64

static unsigned char pages[N][ZSIM_PAGE_SIZE];

static struct zsim_zram *wb_dev(const char *profile, const char *path, uint64_t bd_pages)
{
	struct zsim_zram *z = zt_new(profile);
	assert_int_equal(zsim_zram_set_comp_algorithm(z, "lz4"), 0);
	assert_int_equal(zsim_zram_set_backing_dev(z, path, bd_pages), 0);
	assert_int_equal(zsim_zram_set_disksize(z, N * ZSIM_PAGE_SIZE), 0);
	assert_int_equal(zsim_zram_set_backing_dev(z, NULL, 8), ZSIM_EBUSY);
	for (uint32_t i = 0; i < N; i++) {
		if (i % 4 == 3)
			zsim_test_page_partly_random(pages[i], 4000, i); /* huge */
		else if (i % 8 == 0)
			memset(pages[i], 0x11, ZSIM_PAGE_SIZE); /* same-filled */
		else
			zsim_test_page(ZSIM_PAGE_TYPICAL, i, pages[i]);
		assert_int_equal(zsim_zram_write(z, i, pages[i], i & 1), 0);
	}
	return z;
}

static void check_all(struct zsim_zram *z)
{
	for (uint32_t i = 0; i < N; i++)
		zt_expect(z, i, pages[i]);
}

static void test_writeback_modes(void **state)
{
	(void)state;
	for (unsigned p = 0; p < ZSIM_ARRAY_N(zt_profiles); p++) {
		struct zsim_zram *z = zt_new(zt_profiles[p]);
		assert_int_equal(zsim_zram_set_disksize(z, 1 << 20), 0);
		assert_int_equal(zsim_zram_store(z, "writeback", "idle"), ZSIM_ENODEV);
		zsim_zram_destroy(z);

		z = wb_dev(zt_profiles[p], NULL, 256);
		char buf[128];
		assert_true(zsim_zram_show(z, "backing_dev", buf, sizeof(buf)) > 0);
		assert_string_equal(buf, "(memory)\n");
		assert_int_equal(zsim_zram_store(z, "writeback", "bogus"), ZSIM_EINVAL);
		/* huge: the 16 huge slots go, reads come from the device */
		assert_int_equal(zsim_zram_store(z, "writeback", "huge"), 0);
		struct zsim_zram_stats st = zt_stats(z);
		assert_int_equal(st.bd_writes, 16);
		assert_int_equal(st.bd_count, 16);
		assert_int_equal(st.huge_pages, 0);
		assert_int_equal(st.huge_pages_since, 16);
		assert_int_equal(st.pages_stored, N);
		struct zsim_zram_slot_info info;
		assert_int_equal(zsim_zram_slot_info(z, 3, &info), 0);
		assert_int_equal(info.flags & ZSIM_ZRAM_SLOT_WB, ZSIM_ZRAM_SLOT_WB);
		check_all(z);
		assert_int_equal(zt_stats(z).bd_reads, 16);

		/* idle: nothing is idle yet (reads touched everything) */
		assert_int_equal(zsim_zram_store(z, "writeback", "idle"), 0);
		assert_int_equal(zt_stats(z).bd_writes, 16);
		assert_int_equal(zsim_zram_store(z, "idle", "all"), 0);
		/* touch slot 1 after the marking: not idle any more */
		zt_expect(z, 1, pages[1]);
		assert_int_equal(zsim_zram_store(z, "writeback", "idle"), 0);
		st = zt_stats(z);
		/* 64 - 16 huge (already on the device) - 8 same - slot 1 */
		assert_int_equal(st.bd_writes, 16 + 39);
		assert_int_equal(st.bd_count, 55);
		assert_int_equal(st.same_pages, 8);
		check_all(z);

		/* overwrite and free release blocks */
		zsim_test_page(ZSIM_PAGE_TEXT, 99, pages[2]);
		assert_int_equal(zsim_zram_write(z, 2, pages[2], 0), 0);
		assert_int_equal(zsim_zram_slot_free_notify(z, 3), 0);
		memset(pages[3], 0, ZSIM_PAGE_SIZE);
		st = zt_stats(z);
		assert_int_equal(st.bd_count, 53);
		assert_int_equal(st.pages_stored, N - 1);
		assert_true(zsim_zram_show(z, "bd_stat", buf, sizeof(buf)) > 0);
		char want[128];
		snprintf(want, sizeof(want), "%8d %8llu %8d\n", 53,
			 (unsigned long long)st.bd_reads, 55);
		assert_string_equal(buf, want);
		unsigned char got[ZSIM_PAGE_SIZE];
		assert_int_equal(zsim_zram_read(z, 3, got, 0), ZSIM_ENOENT);
		for (uint32_t i = 0; i < N; i++)
			if (i != 3)
				zt_expect(z, i, pages[i]);
		zsim_zram_destroy(z);
	}
}

static void test_page_index_and_limit(void **state)
{
	(void)state;
	for (unsigned p = 0; p < ZSIM_ARRAY_N(zt_profiles); p++) {
		struct zsim_zram *z = wb_dev(zt_profiles[p], NULL, 256);
		assert_int_equal(zsim_zram_store(z, "writeback", "page_index=5"), 0);
		assert_int_equal(zsim_zram_store(z, "writeback", "page_index=8"), 0); /* same */
		assert_int_equal(zsim_zram_store(z, "writeback", "page_index=64"),
				 !strcmp(zt_profiles[p], "latest") ? ZSIM_ERANGE : ZSIM_EINVAL);
		assert_int_equal(zt_stats(z).bd_writes, 1);
		zt_expect(z, 5, pages[5]);

		/* a limit of 3 pages (4K units) */
		assert_int_equal(zsim_zram_store(z, "writeback_limit", "3"), 0);
		assert_int_equal(zsim_zram_store(z, "writeback_limit_enable", "1"), 0);
		assert_int_equal(zsim_zram_store(z, "idle", "all"), 0);
		assert_int_equal(zsim_zram_store(z, "writeback", "idle"), ZSIM_EIO);
		struct zsim_zram_stats st = zt_stats(z);
		assert_int_equal(st.bd_writes, 4);
		char buf[32];
		assert_true(zsim_zram_show(z, "writeback_limit", buf, sizeof(buf)) > 0);
		assert_string_equal(buf, "0\n");
		/* disabled: no limit */
		assert_int_equal(zsim_zram_store(z, "writeback_limit_enable", "0"), 0);
		assert_int_equal(zsim_zram_store(z, "writeback", "huge_idle"), 0);
		assert_true(zt_stats(z).bd_writes > 4);
		check_all(z);
		zsim_zram_destroy(z);
	}
}

static void test_device_full_and_file(void **state)
{
	(void)state;
	char path[] = "/tmp/zram-wb-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	for (unsigned p = 0; p < ZSIM_ARRAY_N(zt_profiles); p++) {
		/* 6 blocks; ≤6.12 never use block 0 */
		struct zsim_zram *z = wb_dev(zt_profiles[p], path, 6);
		assert_int_equal(zsim_zram_store(z, "idle", "all"), 0);
		assert_int_equal(zsim_zram_store(z, "writeback", "idle"), ZSIM_ENOSPC);
		struct zsim_zram_stats st = zt_stats(z);
		unsigned want = !strcmp(zt_profiles[p], "latest") ? 6 : 5;
		assert_int_equal(st.bd_writes, want);
		assert_int_equal(st.bd_count, want);
		check_all(z);
		assert_int_equal(zt_stats(z).bd_reads, want);
		zsim_zram_destroy(z);
	}
	unlink(path);
}

static void test_incompressible_mode(void **state)
{
	(void)state;
	struct zsim_zram *z = wb_dev("6.1", NULL, 64);
	assert_int_equal(zsim_zram_store(z, "writeback", "incompressible"), ZSIM_EINVAL);
	zsim_zram_destroy(z);
	for (unsigned p = 1; p < ZSIM_ARRAY_N(zt_profiles); p++) {
		z = wb_dev(zt_profiles[p], NULL, 64);
		/* nothing is marked incompressible without recompression */
		assert_int_equal(zsim_zram_store(z, "writeback", "incompressible"), 0);
		assert_int_equal(zt_stats(z).bd_writes, 0);
		zsim_zram_destroy(z);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_writeback_modes),
		cmocka_unit_test(test_page_index_and_limit),
		cmocka_unit_test(test_device_full_and_file),
		cmocka_unit_test(test_incompressible_mode),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
