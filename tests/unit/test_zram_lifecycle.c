/*
 * test_zram_lifecycle.c - a zram device's life and its bad calls: profiles
 * and their default algorithm, disksize/reset, comp_algorithm per profile
 * (and -EBUSY once initialised), I/O before disksize, a write past
 * disksize (invalid_io in 6.1 only), a read of a never-written slot (zero
 * page, ZSIM_ENOENT), a write that mem_limit refuses (failed_writes, the
 * slot keeps its old page), discard and slot free notify, and the
 * attributes each profile has or lacks.
 */
#include "zram_testutil.h"

static void test_profiles_and_defaults(void **state)
{
	(void)state;
	const char *const *names = zsim_zram_profiles();
	assert_string_equal(names[0], "6.1");
	assert_string_equal(names[1], "6.12");
	assert_string_equal(names[2], "latest");
	assert_null(names[3]);
	struct zsim_zram_config cfg;
	zsim_zram_config_init(&cfg);
	cfg.profile = "5.4";
	struct zsim_zram *z;
	assert_int_equal(zsim_zram_create(&cfg, &z), ZSIM_ENOENT);

	char buf[256];
	z = zt_new("6.1");
	assert_string_equal(zsim_zram_profile_name(z), "6.1");
	assert_int_equal(zsim_zram_show(z, "comp_algorithm", buf, sizeof(buf)), 30);
	assert_string_equal(buf, "lzo [lzo-rle] lz4 lz4hc zstd \n");
	assert_true(zsim_zram_show(z, "initstate", buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "0\n");
	zsim_zram_destroy(z);

	z = zt_new("6.12");
	assert_true(zsim_zram_show(z, "comp_algorithm", buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "[lzo-rle] lzo lz4 lz4hc zstd deflate \n");
	zsim_zram_destroy(z);

	/* A kernel built with only some backends (Debian 6.12). */
	zsim_zram_config_init(&cfg);
	cfg.algorithms = "lz4,lz4hc,zstd,deflate";
	assert_int_equal(zsim_zram_create(&cfg, &z), 0);
	assert_true(zsim_zram_show(z, "comp_algorithm", buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "[lz4] lz4hc zstd deflate \n");
	assert_int_equal(zsim_zram_set_comp_algorithm(z, "lzo"), ZSIM_ENOENT);
	assert_non_null(strstr(zsim_zram_last_error(z), "lzo"));
	zsim_zram_destroy(z);
}

static void test_comp_algorithm_rules(void **state)
{
	(void)state;
	for (unsigned p = 0; p < ZSIM_ARRAY_N(zt_profiles); p++) {
		struct zsim_zram *z = zt_new(zt_profiles[p]);
		assert_int_equal(zsim_zram_set_comp_algorithm(z, "nope"), ZSIM_ENOENT);
		assert_int_equal(zsim_zram_set_comp_algorithm(z, "842"), ZSIM_ENOENT);
		assert_int_equal(zsim_zram_set_comp_algorithm(z, "lz4"), 0);
		assert_int_equal(zsim_zram_store(z, "comp_algorithm", "zstd\n"), 0);
		assert_int_equal(zsim_zram_store(z, "disksize", "1M"), 0);
		assert_int_equal(zsim_zram_set_comp_algorithm(z, "lz4"), ZSIM_EBUSY);
		assert_int_equal(zsim_zram_set_disksize(z, 1 << 20), ZSIM_EBUSY);
		char buf[128];
		assert_true(zsim_zram_show(z, "disksize", buf, sizeof(buf)) > 0);
		assert_string_equal(buf, "1048576\n");
		assert_non_null(strstr((zsim_zram_show(z, "comp_algorithm", buf, sizeof(buf)), buf),
				       "[zstd]"));
		/* reset: back to the default algorithm, uninitialised */
		assert_int_equal(zsim_zram_store(z, "reset", "1"), 0);
		assert_true(zsim_zram_show(z, "initstate", buf, sizeof(buf)) > 0);
		assert_string_equal(buf, "0\n");
		assert_non_null(strstr((zsim_zram_show(z, "comp_algorithm", buf, sizeof(buf)), buf),
				       "[lzo-rle]"));
		assert_int_equal(zsim_zram_store(z, "reset", "0"), ZSIM_EINVAL);
		assert_int_equal(zsim_zram_store(z, "disksize", "0"), ZSIM_EINVAL);
		assert_int_equal(zsim_zram_store(z, "disksize", "x"), ZSIM_EINVAL);
		assert_int_equal(zsim_zram_store(z, "no_such_attr", "1"), ZSIM_ENOENT);
		zsim_zram_destroy(z);
	}
}

static void test_attributes_per_profile(void **state)
{
	(void)state;
	char buf[128];
	struct zsim_zram *z = zt_new("6.1");
	assert_int_equal(zsim_zram_store(z, "recomp_algorithm", "algo=zstd priority=1"),
			 ZSIM_ENOTSUP);
	assert_int_equal(zsim_zram_store(z, "algorithm_params", "level=3"), ZSIM_ENOTSUP);
	assert_int_equal(zsim_zram_store(z, "max_comp_streams", "4"), 0);
	assert_true(zsim_zram_show(z, "max_comp_streams", buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "2\n");
	zsim_zram_destroy(z);

	z = zt_new("6.12");
	assert_int_equal(zsim_zram_store(z, "recomp_algorithm", "algo=zstd priority=1"), 0);
	assert_int_equal(zsim_zram_store(z, "recomp_algorithm", "algo=zstd priority=4"),
			 ZSIM_EINVAL);
	assert_int_equal(zsim_zram_store(z, "recomp_algorithm", "priority=2"), ZSIM_EINVAL);
	assert_int_equal(zsim_zram_store(z, "algorithm_params", "algo=zstd level=9"), 0);
	assert_int_equal(zsim_zram_store(z, "algorithm_params", "algo=lz4 level=9"), ZSIM_EINVAL);
	assert_int_equal(zsim_zram_store(z, "algorithm_params", "dict=/x"), ZSIM_ENOTSUP);
	assert_true(zsim_zram_show(z, "recomp_algorithm", buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "#1: "));
	assert_non_null(strstr(buf, "[zstd]"));
	assert_int_equal(zsim_zram_store(z, "max_comp_streams", "4"), 0);
	zsim_zram_destroy(z);

	z = zt_new("latest");
	assert_int_equal(zsim_zram_store(z, "max_comp_streams", "4"), ZSIM_ENOTSUP);
	assert_int_equal(zsim_zram_show(z, "max_comp_streams", buf, sizeof(buf)), ZSIM_ENOTSUP);
	zsim_zram_destroy(z);
}

static void test_io_errors(void **state)
{
	(void)state;
	unsigned char page[ZSIM_PAGE_SIZE], got[ZSIM_PAGE_SIZE];
	zsim_test_page(ZSIM_PAGE_TEXT, 1, page);
	for (unsigned p = 0; p < ZSIM_ARRAY_N(zt_profiles); p++) {
		struct zsim_zram *z = zt_new(zt_profiles[p]);
		assert_int_equal(zsim_zram_write(z, 0, page, 0), ZSIM_ENODEV);
		assert_int_equal(zsim_zram_read(z, 0, got, 0), ZSIM_ENODEV);
		assert_int_equal(zsim_zram_set_disksize(z, 16 * ZSIM_PAGE_SIZE - 100), 0);
		/* rounded up to whole pages: 16 slots */
		assert_int_equal(zsim_zram_write(z, 15, page, 0), 0);
		assert_int_equal(zsim_zram_write(z, 16, page, 0), ZSIM_ERANGE);
		assert_non_null(strstr(zsim_zram_last_error(z), "beyond disksize"));
		assert_int_equal(zsim_zram_read(z, 99, got, 0), ZSIM_ERANGE);
		assert_int_equal(zsim_zram_write(z, 0, NULL, 0), ZSIM_EINVAL);
		struct zsim_zram_stats st = zt_stats(z);
		assert_int_equal(st.invalid_io, !strcmp(zt_profiles[p], "6.1") ? 2 : 0);
		assert_int_equal(st.failed_writes, 0);
		/* never written: zeros, ZSIM_ENOENT, not a failed read */
		memset(got, 0xaa, sizeof(got));
		assert_int_equal(zsim_zram_read(z, 3, got, 1), ZSIM_ENOENT);
		for (unsigned i = 0; i < ZSIM_PAGE_SIZE; i++)
			assert_int_equal(got[i], 0);
		zt_expect(z, 15, page);
		st = zt_stats(z);
		assert_int_equal(st.failed_reads, 0);
		assert_int_equal(st.num_reads, 2);
		assert_int_equal(st.num_writes, 1);
		assert_int_equal(st.pages_stored, 1);
		zsim_zram_destroy(z);
	}
}

static void test_mem_limit(void **state)
{
	(void)state;
	for (unsigned p = 0; p < ZSIM_ARRAY_N(zt_profiles); p++) {
		struct zsim_zram *z = zt_dev(zt_profiles[p], "lz4", 4096);
		unsigned char page[ZSIM_PAGE_SIZE], first[ZSIM_PAGE_SIZE];
		/* 8 pages of pool at most */
		assert_int_equal(zsim_zram_store(z, "mem_limit", "32K"), 0);
		zsim_test_page_partly_random(first, 3900, 7); /* huge: a page each */
		assert_int_equal(zsim_zram_write(z, 0, first, 0), 0);
		uint32_t i, failed_at = 0;
		for (i = 1; i < 64; i++) {
			zsim_test_page_partly_random(page, 3900, 100 + i);
			int rc = zsim_zram_write(z, i, page, i & 1);
			if (rc) {
				assert_int_equal(rc, ZSIM_ENOMEM);
				assert_non_null(strstr(zsim_zram_last_error(z), "mem_limit"));
				failed_at = i;
				break;
			}
		}
		assert_int_equal(failed_at, 8);
		struct zsim_zram_stats st = zt_stats(z);
		assert_int_equal(st.failed_writes, 1);
		assert_int_equal(st.mem_limit, 32768);
		assert_int_equal(st.mem_used_total, 8 * ZSIM_PAGE_SIZE);
		/* the kernel updates mem_used_max before the check */
		assert_int_equal(st.mem_used_max, 9 * ZSIM_PAGE_SIZE);
		assert_int_equal(st.pages_stored, 8);
		/* a refused overwrite keeps the old page */
		assert_int_equal(zsim_zram_write(z, 0, page, 0), ZSIM_ENOMEM);
		zt_expect(z, 0, first);
		st = zt_stats(z);
		assert_int_equal(st.failed_writes, 2);
		char buf[64];
		assert_int_equal(zsim_zram_store(z, "mem_used_max", "0"), 0);
		assert_int_equal(zsim_zram_store(z, "mem_used_max", "5"), ZSIM_EINVAL);
		assert_int_equal(zt_stats(z).mem_used_max, 8 * ZSIM_PAGE_SIZE);
		/* raising the limit lets the write through */
		assert_int_equal(zsim_zram_set_mem_limit(z, 0), 0);
		assert_int_equal(zsim_zram_write(z, 0, page, 0), 0);
		zt_expect(z, 0, page);
		(void)buf;
		zsim_zram_destroy(z);
	}
}

static void test_discard_and_notify(void **state)
{
	(void)state;
	for (unsigned p = 0; p < ZSIM_ARRAY_N(zt_profiles); p++) {
		struct zsim_zram *z = zt_dev(zt_profiles[p], NULL, 64);
		unsigned char page[ZSIM_PAGE_SIZE];
		for (uint32_t i = 0; i < 8; i++) {
			zsim_test_page(ZSIM_PAGE_TYPICAL, i, page);
			assert_int_equal(zsim_zram_write(z, i, page, i & 1), 0);
		}
		struct zsim_zram_stats st = zt_stats(z);
		assert_int_equal(st.pages_stored, 8);
		assert_true(st.mem_used_total > 0);
		assert_int_equal(zsim_zram_discard(z, 0, 4), 0);
		assert_int_equal(zsim_zram_slot_free_notify(z, 5), 0);
		assert_int_equal(zsim_zram_slot_free_notify(z, 40), 0); /* empty: counted */
		assert_int_equal(zsim_zram_discard(z, 60, 8), ZSIM_ERANGE);
		st = zt_stats(z);
		assert_int_equal(st.notify_free, 6);
		assert_int_equal(st.miss_free, 0);
		assert_int_equal(st.pages_stored, 3);
		for (uint32_t i = 0; i < 6; i++) {
			unsigned char got[ZSIM_PAGE_SIZE];
			assert_int_equal(zsim_zram_read(z, i, got, 0), i == 4 ? 0 : ZSIM_ENOENT);
		}
		/* reset frees everything and zeroes the stats */
		assert_int_equal(zsim_zram_reset(z), 0);
		st = zt_stats(z);
		assert_int_equal(st.pages_stored, 0);
		assert_int_equal(st.mem_used_total, 0);
		assert_int_equal(st.notify_free, 0);
		zsim_zram_destroy(z);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_profiles_and_defaults),
		cmocka_unit_test(test_comp_algorithm_rules),
		cmocka_unit_test(test_attributes_per_profile),
		cmocka_unit_test(test_io_errors),
		cmocka_unit_test(test_mem_limit),
		cmocka_unit_test(test_discard_and_notify),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
