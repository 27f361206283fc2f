/*
 * test_zram_huge.c - huge pages: a page whose compressed length reaches
 * zsmalloc's huge_class_size is stored raw (PAGE_SIZE in compr_data_size,
 * one zsmalloc page, ZRAM_HUGE, huge_pages and huge_pages_since); one just
 * under the threshold is stored compressed; freeing drops huge_pages but
 * not huge_pages_since. The threshold is the era's (chain 4 in 6.1, 8
 * later) and the boundary is found with the codec itself.
 */
#include "zram_testutil.h"

static size_t clen(const char *alg, const void *page)
{
	struct zsim_codec *c;
	assert_int_equal(zsim_codec_create(alg, NULL, &c), 0);
	unsigned char out[2 * ZSIM_PAGE_SIZE];
	size_t n = sizeof(out);
	assert_int_equal(zsim_codec_compress(c, page, ZSIM_PAGE_SIZE, out, &n), 0);
	zsim_codec_destroy(c);
	return n;
}

static void test_huge_threshold(void **state)
{
	(void)state;
	for (unsigned p = 0; p < ZSIM_ARRAY_N(zt_profiles); p++) {
		struct zsim_zram *z = zt_dev(zt_profiles[p], "lz4", 256);
		size_t huge = zsim_zram_huge_class_size(z);
		assert_int_equal(huge, !strcmp(zt_profiles[p], "6.1") ? 3257 : 3625);
		/* find random-prefix lengths just below and at the threshold */
		unsigned char page[ZSIM_PAGE_SIZE], below[ZSIM_PAGE_SIZE], at[ZSIM_PAGE_SIZE];
		bool got_below = false, got_at = false;
		for (size_t r = 3000; r < 4096 && !(got_below && got_at); r++) {
			zsim_test_page_partly_random(page, r, 11);
			size_t n = clen("lz4", page);
			if (n < huge && n + 40 > huge && !got_below) {
				memcpy(below, page, sizeof(page));
				got_below = true;
			}
			if (n >= huge && !got_at) {
				memcpy(at, page, sizeof(page));
				got_at = true;
			}
		}
		assert_true(got_below && got_at);
		size_t nb = clen("lz4", below);
		assert_int_equal(zsim_zram_write(z, 0, below, 0), 0);
		assert_int_equal(zsim_zram_write(z, 1, at, 1), 0);
		zsim_test_page_partly_random(page, 4096, 12); /* does not shrink at all */
		assert_int_equal(zsim_zram_write(z, 2, page, 0), 0);
		struct zsim_zram_slot_info info;
		assert_int_equal(zsim_zram_slot_info(z, 0, &info), 0);
		assert_int_equal(info.flags & ZSIM_ZRAM_SLOT_HUGE, 0);
		assert_int_equal(info.size, nb);
		assert_int_equal(zsim_zram_slot_info(z, 1, &info), 0);
		assert_int_equal(info.flags & ZSIM_ZRAM_SLOT_HUGE, ZSIM_ZRAM_SLOT_HUGE);
		assert_int_equal(info.size, ZSIM_PAGE_SIZE);
		struct zsim_zram_stats st = zt_stats(z);
		assert_int_equal(st.huge_pages, 2);
		assert_int_equal(st.huge_pages_since, 2);
		assert_int_equal(st.compr_data_size, nb + 2 * ZSIM_PAGE_SIZE);
		assert_int_equal(st.orig_data_size, 3 * ZSIM_PAGE_SIZE);
		/* each huge object is one page; the other one page-class object
		 * sits in a zspage of its class */
		struct zsim_zpool_stats ps;
		assert_int_equal(zsim_zpool_stats(zsim_zram_zpool(z), &ps), 0);
		assert_int_equal(st.mem_used_total, ps.pages * ZSIM_PAGE_SIZE);
		assert_int_equal(ps.objs_used, 3);
		zt_expect(z, 0, below);
		zt_expect(z, 1, at);
		zt_expect(z, 2, page);
		/* overwrite the huge slot with a small page, free the other */
		zsim_test_page(ZSIM_PAGE_TEXT, 1, page);
		assert_int_equal(zsim_zram_write(z, 1, page, 0), 0);
		assert_int_equal(zsim_zram_discard(z, 2, 1), 0);
		st = zt_stats(z);
		assert_int_equal(st.huge_pages, 0);
		assert_int_equal(st.huge_pages_since, 2);
		assert_int_equal(st.compr_data_size, nb + clen("lz4", page));
		zsim_zram_destroy(z);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_huge_threshold),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
