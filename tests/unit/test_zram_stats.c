/*
 * test_zram_stats.c - the text of mm_stat, io_stat, bd_stat and
 * debug_stat exactly as each profile's kernel prints it (field order,
 * widths, the literal 0 that replaced invalid_io from 6.4 and writestall
 * from 6.15), and the values: orig_data_size = pages stored x 4096 (same,
 * huge and written-back pages included), compr_data_size = the sum of the
 * stored lengths (huge = 4096), mem_used_total = zsmalloc pages x 4096,
 * pages_compacted from zsmalloc after compact.
 */
#include "zram_testutil.h"

static void test_format_exact(void **state)
{
	(void)state;
	struct zsim_zram_stats st;
	memset(&st, 0, sizeof(st));
	st.orig_data_size = 1234567890;
	st.compr_data_size = 7;
	st.mem_used_total = 4096;
	st.mem_limit = 0;
	st.mem_used_max = 8192;
	st.same_pages = 3;
	st.pages_compacted = 0;
	st.huge_pages = 12;
	st.huge_pages_since = 123456789012ull;
	st.failed_reads = 1;
	st.failed_writes = 2;
	st.invalid_io = 5;
	st.notify_free = 9;
	st.bd_count = 4;
	st.bd_reads = 5;
	st.bd_writes = 6;
	st.writestall = 8;
	st.miss_free = 2;
	char buf[256];
	const char *mm = "1234567890        7     4096        0     8192        3        0       12 "
			 "123456789012\n";
	for (unsigned p = 0; p < ZSIM_ARRAY_N(zt_profiles); p++) {
		assert_int_equal(zsim_zram_format_stat(zt_profiles[p], "mm_stat", &st, buf, sizeof(buf)),
				 (int)strlen(mm));
		assert_string_equal(buf, mm);
		assert_true(zsim_zram_format_stat(zt_profiles[p], "bd_stat", &st, buf, sizeof(buf)) > 0);
		assert_string_equal(buf, "       4        5        6\n");
	}
	assert_true(zsim_zram_format_stat("6.1", "io_stat", &st, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "       1        2        5        9\n");
	assert_true(zsim_zram_format_stat("6.12", "io_stat", &st, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "       1        2 0        9\n");
	assert_true(zsim_zram_format_stat("latest", "io_stat", &st, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "       1        2 0        9\n");
	assert_true(zsim_zram_format_stat("6.1", "debug_stat", &st, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "version: 1\n       8        2\n");
	assert_true(zsim_zram_format_stat("6.12", "debug_stat", &st, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "version: 1\n       8        2\n");
	assert_true(zsim_zram_format_stat("latest", "debug_stat", &st, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "version: 1\n0        2\n");
	/* errors */
	assert_int_equal(zsim_zram_format_stat("5.10", "mm_stat", &st, buf, sizeof(buf)),
			 ZSIM_ENOENT);
	assert_int_equal(zsim_zram_format_stat("6.1", "nope", &st, buf, sizeof(buf)), ZSIM_ENOENT);
	assert_int_equal(zsim_zram_format_stat("6.1", "mm_stat", &st, buf, 10), ZSIM_ENOSPC);
}

static void test_values(void **state)
{
	(void)state;
	for (unsigned p = 0; p < ZSIM_ARRAY_N(zt_profiles); p++) {
		struct zsim_zram *z = zt_dev(zt_profiles[p], "zstd", 1024);
		unsigned char page[ZSIM_PAGE_SIZE];
		struct zsim_codec *c;
		/* zram's own zstd backend (6.12+): a known 4096-byte source. */
		const char *spec = strcmp(zt_profiles[p], "6.1") ? "zstd:params=page" : "zstd";
		assert_int_equal(zsim_codec_create(spec, NULL, &c), 0);
		uint64_t sum = 0, same = 0, huge = 0;
		size_t hcs = zsim_zram_huge_class_size(z);
		for (uint32_t i = 0; i < 600; i++) {
			enum zsim_page_class cls = (enum zsim_page_class)(i % ZSIM_PAGE_CLASS_COUNT);
			zsim_test_page(cls, i, page);
			assert_int_equal(zsim_zram_write(z, i, page, i & 1), 0);
			struct zsim_zram_slot_info info;
			assert_int_equal(zsim_zram_slot_info(z, i, &info), 0);
			if (info.flags & ZSIM_ZRAM_SLOT_SAME) {
				same++;
				continue;
			}
			unsigned char out[2 * ZSIM_PAGE_SIZE];
			size_t n = sizeof(out);
			assert_int_equal(zsim_codec_compress(c, page, ZSIM_PAGE_SIZE, out, &n), 0);
			if (n >= hcs) {
				huge++;
				n = ZSIM_PAGE_SIZE;
			}
			assert_int_equal(info.size, n);
			sum += n;
		}
		zsim_codec_destroy(c);
		struct zsim_zram_stats st = zt_stats(z);
		assert_int_equal(st.orig_data_size, 600ull * ZSIM_PAGE_SIZE);
		assert_int_equal(st.compr_data_size, sum);
		assert_int_equal(st.same_pages, same);
		assert_true(same >= 170); /* zero and same classes, some mostly-zero */
		assert_int_equal(st.huge_pages, huge);
		assert_true(huge >= 85);
		assert_int_equal(st.mem_used_total,
				 zsim_zpool_total_pages(zsim_zram_zpool(z)) * ZSIM_PAGE_SIZE);
		assert_int_equal(st.mem_used_max, st.mem_used_total);
		/* free every other page, compact: pages_compacted moves */
		for (uint32_t i = 0; i < 600; i += 2)
			assert_int_equal(zsim_zram_slot_free_notify(z, i), 0);
		int64_t freed = zsim_zram_compact(z);
		assert_true(freed >= 0);
		st = zt_stats(z);
		assert_int_equal(st.pages_compacted, (uint64_t)freed);
		assert_int_equal(st.orig_data_size, 300ull * ZSIM_PAGE_SIZE);
		char buf[256], want[256];
		assert_true(zsim_zram_show(z, "mm_stat", buf, sizeof(buf)) > 0);
		assert_true(zsim_zram_format_stat(zt_profiles[p], "mm_stat", &st, want, sizeof(want)) > 0);
		assert_string_equal(buf, want);
		assert_true(zsim_zram_show(z, "io_stat", buf, sizeof(buf)) > 0);
		assert_string_equal(buf, !strcmp(zt_profiles[p], "6.1")
						 ? "       0        0        0      300\n"
						 : "       0        0 0      300\n");
		assert_int_equal(zsim_zram_store(z, "compact", "1"), 0);
		zsim_zram_destroy(z);
	}
}

static void test_meta(void **state)
{
	(void)state;
	struct zsim_zram *z = zt_dev("6.12", "lz4", 4096);
	struct zsim_zram_meta m;
	assert_int_equal(zsim_zram_meta(z, &m), 0);
	assert_true(m.table_bytes >= 4096 * 16);
	assert_true(m.stream_bytes >= 2 * 3 * ZSIM_PAGE_SIZE);
	zsim_zram_destroy(z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_exact),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_meta),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
