/*
 * test_zram_recompress.c - idle marking by age and "all", and
 * recompression (6.2+): lz4 primary with zstd as secondary; idle-only and
 * huge-only selection, threshold, max_pages, algo=, the priority each
 * slot records, the incompressible mark for pages no secondary can shrink
 * (and writeback of those), and that every page still reads back. 6.1
 * has no recompression.
 */
#include "zram_testutil.h"

#define N 48

static unsigned char pages[N][ZSIM_PAGE_SIZE];

static struct zsim_zram *dev(const char *profile)
{
	struct zsim_zram *z = zt_new(profile);
	assert_int_equal(zsim_zram_set_comp_algorithm(z, "lz4"), 0);
	if (strcmp(profile, "6.1"))
		assert_int_equal(zsim_zram_store(z, "recomp_algorithm", "algo=zstd priority=1"), 0);
	assert_int_equal(zsim_zram_set_backing_dev(z, NULL, 128), 0);
	assert_int_equal(zsim_zram_set_disksize(z, N * ZSIM_PAGE_SIZE), 0);
	for (uint32_t i = 0; i < N; i++) {
		if (i % 6 == 5)
			zsim_test_page_partly_random(pages[i], 4096, i); /* incompressible */
		else
			zsim_test_page(i % 2 ? ZSIM_PAGE_TEXT : ZSIM_PAGE_POINTER, i, pages[i]);
		zsim_zram_set_time(z, i);
		assert_int_equal(zsim_zram_write(z, i, pages[i], i & 1), 0);
	}
	return z;
}

static unsigned count_flag(struct zsim_zram *z, unsigned flag)
{
	unsigned n = 0;
	for (uint32_t i = 0; i < N; i++) {
		struct zsim_zram_slot_info info;
		assert_int_equal(zsim_zram_slot_info(z, i, &info), 0);
		n += (info.flags & flag) != 0;
	}
	return n;
}

static void test_idle_by_age(void **state)
{
	(void)state;
	for (unsigned p = 0; p < ZSIM_ARRAY_N(zt_profiles); p++) {
		struct zsim_zram *z = dev(zt_profiles[p]);
		zsim_zram_set_time(z, 100);
		/* written at t = i: older than 100 - 70 = 30 → slots 0..29 */
		assert_int_equal(zsim_zram_store(z, "idle", "70"), 0);
		assert_int_equal(count_flag(z, ZSIM_ZRAM_SLOT_IDLE), 30);
		struct zsim_zram_slot_info info;
		assert_int_equal(zsim_zram_slot_info(z, 29, &info), 0);
		assert_int_equal(info.ac_time, 29);
		assert_int_equal(zsim_zram_store(z, "idle", "xyz"), ZSIM_EINVAL);
		assert_int_equal(zsim_zram_mark_idle(z, 0), 0);
		assert_int_equal(count_flag(z, ZSIM_ZRAM_SLOT_IDLE), N);
		/* an access clears it */
		zt_expect(z, 4, pages[4]);
		assert_int_equal(count_flag(z, ZSIM_ZRAM_SLOT_IDLE), N - 1);
		zsim_zram_destroy(z);
	}
}

static void test_recompress(void **state)
{
	(void)state;
	struct zsim_zram *z = dev("6.1");
	assert_int_equal(zsim_zram_store(z, "recompress", "type=idle"), ZSIM_ENOTSUP);
	zsim_zram_destroy(z);

	for (unsigned p = 1; p < ZSIM_ARRAY_N(zt_profiles); p++) {
		z = dev(zt_profiles[p]);
		struct zsim_zram_stats before = zt_stats(z);
		assert_int_equal(before.huge_pages, N / 6);
		assert_int_equal(zsim_zram_store(z, "recompress", "threshold=5000"), ZSIM_EINVAL);
		assert_int_equal(zsim_zram_store(z, "recompress", "algo=lz4hc"), ZSIM_EINVAL);
		assert_int_equal(zsim_zram_store(z, "recompress", "type"), ZSIM_EINVAL);
		/* idle only: nothing idle yet */
		assert_int_equal(zsim_zram_store(z, "recompress", "type=idle"), 0);
		assert_int_equal(zt_stats(z).recompress_tried, 0);
		/* mark slots written before t = 24 idle (0..23), recompress them,
		 * at most 10 */
		zsim_zram_set_time(z, 30);
		assert_int_equal(zsim_zram_store(z, "idle", "6"), 0);
		assert_int_equal(zsim_zram_store(z, "recompress", "type=idle max_pages=10"), 0);
		struct zsim_zram_stats st = zt_stats(z);
		assert_int_equal(st.recompress_tried, 10);
		assert_true(st.recompressed > 0);
		assert_true(st.compr_data_size < before.compr_data_size);
		assert_int_equal(st.pages_stored, N);
		/* the largest objects went first: the huge (random) ones, which
		 * zstd cannot shrink: marked incompressible */
		unsigned incompressible = count_flag(z, ZSIM_ZRAM_SLOT_INCOMPRESSIBLE);
		assert_int_equal(incompressible, 4);
		unsigned r = 0;
		for (uint32_t i = 0; i < N; i++) {
			struct zsim_zram_slot_info info;
			assert_int_equal(zsim_zram_slot_info(z, i, &info), 0);
			if (info.priority == 1) {
				r++;
				assert_true(i < 24);
				assert_int_equal(info.flags & ZSIM_ZRAM_SLOT_IDLE, 0);
			}
		}
		assert_int_equal(r, st.recompressed);
		for (uint32_t i = 0; i < N; i++)
			zt_expect(z, i, pages[i]);

		/* everything, by algorithm name; incompressible ones are skipped */
		uint64_t tried = st.recompress_tried;
		assert_int_equal(zsim_zram_store(z, "recompress", "algo=zstd"), 0);
		st = zt_stats(z);
		/* not the 4 incompressible, not those already at priority 1 */
		assert_int_equal(st.recompress_tried - tried, N - 4 - r);
		assert_int_equal(st.huge_pages, N / 6 - 0); /* random pages stay huge */
		assert_int_equal(count_flag(z, ZSIM_ZRAM_SLOT_INCOMPRESSIBLE), N / 6);
		/* threshold: objects already below it are left alone */
		assert_int_equal(zsim_zram_store(z, "writeback", "incompressible"), 0);
		assert_int_equal(zt_stats(z).bd_writes, N / 6);
		for (uint32_t i = 0; i < N; i++)
			zt_expect(z, i, pages[i]);
		zsim_zram_destroy(z);
	}
}

static void test_recompress_threshold(void **state)
{
	(void)state;
	for (unsigned p = 1; p < ZSIM_ARRAY_N(zt_profiles); p++) {
		struct zsim_zram *z = dev(zt_profiles[p]);
		/* only objects of at least 3000 bytes: the huge ones, and the
		 * new object must be below it too */
		assert_int_equal(zsim_zram_store(z, "recompress", "type=huge threshold=3000"), 0);
		struct zsim_zram_stats st = zt_stats(z);
		assert_int_equal(st.recompress_tried, N / 6);
		assert_int_equal(st.recompressed, 0);
		for (uint32_t i = 0; i < N; i++)
			zt_expect(z, i, pages[i]);
		zsim_zram_destroy(z);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_idle_by_age),
		cmocka_unit_test(test_recompress),
		cmocka_unit_test(test_recompress_threshold),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
