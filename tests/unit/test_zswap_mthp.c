/*
 * test_zswap_mthp.c - property B: a large folio is stored all or nothing.
 * A failure injected at page k of an nr-page folio (entry allocation, tree
 * node, compressor) leaves no slot of the folio with an entry, stored_pages
 * and the memcg charge as they were, exactly one reject counter raised,
 * and the folio's bytes on the swap device. Also: 6.12 refuses large folios
 * whole, the refuse switch, zero folios and stale entries.
 */
#include "testutil.h"

#define ORDER 3
#define NR (1u << ORDER)

static void make_folio(unsigned char *f, uint64_t seed)
{
	for (unsigned i = 0; i < NR; i++)
		zsim_test_page(ZSIM_PAGE_TYPICAL, seed * 100 + i, f + (size_t)i * ZSIM_PAGE_SIZE);
}

static int store_folio(struct zsim_zswap *z, uint64_t off, const void *data, unsigned memcg,
		       enum zsim_swap_where *w)
{
	struct zsim_swap_folio f = {.type = 0, .offset = off, .order = ORDER, .data = data,
				    .memcg = memcg, .cpu = 1};
	return zsim_zswap_store(z, &f, w);
}

static void check_no_entries(struct zsim_zswap *z, uint64_t off, const unsigned char *data)
{
	unsigned char back[ZSIM_PAGE_SIZE];
	for (unsigned i = 0; i < NR; i++) {
		enum zsim_swap_where w;
		assert_int_equal(zsim_zswap_slot_state(z, 0, off + i, &w, NULL), 0);
		assert_int_equal(w, ZSIM_WHERE_DEVICE);
		assert_int_equal(zsim_zswap_load(z, 0, off + i, 0, 0, back, NULL), 0);
		assert_memory_equal(back, data + (size_t)i * ZSIM_PAGE_SIZE, ZSIM_PAGE_SIZE);
	}
}

static void test_success(void **state)
{
	(void)state;
	struct zsim_zswap *z = zsim_test_zswap("6.13", "lz4", 1ull << 30, 1024, NULL);
	unsigned char *data = malloc(NR * ZSIM_PAGE_SIZE);
	make_folio(data, 1);
	enum zsim_swap_where w;
	assert_int_equal(store_folio(z, 16, data, 0, &w), 0);
	assert_int_equal(w, ZSIM_WHERE_ZSWAP);
	struct zsim_zswap_stats st;
	zsim_zswap_stats(z, &st);
	assert_int_equal(st.stored_pages, NR);
	assert_int_equal(st.zswpout, NR);
	assert_int_equal(st.mthp_zswpout, 1);
	unsigned char back[ZSIM_PAGE_SIZE];
	for (unsigned i = 0; i < NR; i++) {
		assert_int_equal(zsim_zswap_load(z, 0, 16 + i, 0, 0, back, &w), 0);
		assert_int_equal(w, ZSIM_WHERE_ZSWAP);
		assert_memory_equal(back, data + (size_t)i * ZSIM_PAGE_SIZE, ZSIM_PAGE_SIZE);
	}
	free(data);
	zsim_zswap_destroy(z);
}

struct inject_case {
	enum zsim_fault_point point;
	size_t counter_offset; /* which reject counter must rise */
};

static void test_failure_at_page_k(void **state)
{
	(void)state;
	const struct inject_case cases[] = {
		{ZSIM_FAULT_ENTRY_ALLOC, offsetof(struct zsim_zswap_stats, reject_kmemcache_fail)},
		{ZSIM_FAULT_TREE_NODE, offsetof(struct zsim_zswap_stats, reject_alloc_fail)},
		{ZSIM_FAULT_COMPRESS, offsetof(struct zsim_zswap_stats, reject_compress_fail)},
	};
	unsigned char *data = malloc(NR * ZSIM_PAGE_SIZE), *old = malloc(NR * ZSIM_PAGE_SIZE);
	make_folio(data, 2);
	make_folio(old, 3);
	for (size_t c = 0; c < ZSIM_ARRAY_N(cases); c++) {
		for (unsigned k = 0; k < NR; k++) {
			/* The tree only allocates nodes for new indexes: sweep
			 * the Nth node allocation instead of page k. */
			struct zsim_fault_injector *fi;
			assert_int_equal(zsim_fault_create(&fi), 0);
			struct zsim_zswap *z = zsim_test_zswap("6.13", "zstd", 1ull << 30, 4096, fi);
			assert_int_equal(zsim_zswap_memcg_create(z, 3, 0), 0);
			/* A stale copy in the same slots, and an unrelated entry. */
			assert_int_equal(store_folio(z, 64, old, 3, NULL), 0);
			unsigned char page[ZSIM_PAGE_SIZE];
			zsim_test_page(ZSIM_PAGE_TEXT, 5, page);
			zsim_test_store(z, 1, page, 3);
			struct zsim_zswap_stats before, after;
			struct zsim_memcg_stats mb, ma;
			zsim_zswap_stats(z, &before);
			zsim_zswap_memcg_stats(z, 3, &mb);

			uint64_t base = 64;
			if (cases[c].point == ZSIM_FAULT_TREE_NODE) {
				/* fresh slots far away need new nodes */
				base = 2048 + 64 * k;
			}
			struct zsim_fault_rule r = {.nth = k + 1};
			if (cases[c].point == ZSIM_FAULT_TREE_NODE)
				r.nth = 1;
			assert_int_equal(zsim_fault_set(fi, cases[c].point, &r), 0);
			enum zsim_swap_where w;
			assert_int_equal(store_folio(z, base, data, 3, &w), 0);
			zsim_fault_set(fi, cases[c].point, NULL);
			assert_int_equal(w, ZSIM_WHERE_DEVICE);
			check_no_entries(z, base, data);

			zsim_zswap_stats(z, &after);
			zsim_zswap_memcg_stats(z, 3, &ma);
			/* stored pages: only the stale copy (if overwritten) went */
			uint64_t stale = base == 64 ? NR : 0;
			assert_int_equal(after.stored_pages, before.stored_pages - stale);
			assert_int_equal(after.zswpout, before.zswpout);
			assert_int_equal(after.pswpout, before.pswpout + NR);
			assert_int_equal(ma.zswapped, mb.zswapped - stale * ZSIM_PAGE_SIZE);
			/* exactly one reject counter rose, by one */
			uint64_t rejects_before = before.reject_kmemcache_fail + before.reject_alloc_fail +
						  before.reject_compress_fail + before.reject_compress_poor;
			uint64_t rejects_after = after.reject_kmemcache_fail + after.reject_alloc_fail +
						 after.reject_compress_fail + after.reject_compress_poor;
			assert_int_equal(rejects_after, rejects_before + 1);
			uint64_t cb, ca;
			memcpy(&cb, (char *)&before + cases[c].counter_offset, 8);
			memcpy(&ca, (char *)&after + cases[c].counter_offset, 8);
			assert_int_equal(ca, cb + 1);
			/* the unrelated entry is intact */
			unsigned char back[ZSIM_PAGE_SIZE];
			assert_int_equal(zsim_zswap_load(z, 0, 1, 0, 0, back, &w), 0);
			assert_int_equal(w, ZSIM_WHERE_ZSWAP);
			assert_memory_equal(back, page, ZSIM_PAGE_SIZE);
			zsim_zswap_destroy(z);
			zsim_fault_destroy(fi);
			if (cases[c].point == ZSIM_FAULT_TREE_NODE)
				break; /* one placement suffices */
		}
	}
	free(data);
	free(old);
}

static void test_refused_large_folios(void **state)
{
	(void)state;
	unsigned char *data = malloc(NR * ZSIM_PAGE_SIZE);
	make_folio(data, 4);
	struct zsim_zswap_stats st;
	enum zsim_swap_where w;
	/* 6.12 has no mTHP zswap store: the folio goes to the device whole. */
	struct zsim_zswap *z = zsim_test_zswap("6.12", "lz4", 1ull << 30, 1024, NULL);
	assert_int_equal(store_folio(z, 0, data, 0, &w), 0);
	assert_int_equal(w, ZSIM_WHERE_DEVICE);
	zsim_zswap_stats(z, &st);
	assert_int_equal(st.stored_pages, 0);
	assert_int_equal(st.pswpout, NR);
	assert_int_equal(st.mthp_swpout, 1);
	assert_int_equal(st.reject_alloc_fail + st.reject_compress_fail + st.reject_kmemcache_fail, 0);
	check_no_entries(z, 0, data);
	zsim_zswap_destroy(z);

	/* The switch refuses them where the profile would store them. */
	struct zsim_zswap_config cfg;
	zsim_zswap_config_init(&cfg);
	cfg.profile = "6.13";
	cfg.nr_cpus = 2;
	cfg.refuse_large_folios = 1;
	assert_int_equal(zsim_zswap_create(&cfg, &z), 0);
	assert_int_equal(zsim_zswap_swapon(z, 0, 64), 0);
	assert_int_equal(store_folio(z, 8, data, 0, &w), 0);
	assert_int_equal(w, ZSIM_WHERE_DEVICE);
	zsim_zswap_destroy(z);

	/* A zero folio goes to the zeromap, all its pages. */
	z = zsim_test_zswap("6.13", "lz4", 1ull << 30, 1024, NULL);
	memset(data, 0, NR * ZSIM_PAGE_SIZE);
	assert_int_equal(store_folio(z, 0, data, 0, &w), 0);
	assert_int_equal(w, ZSIM_WHERE_ZEROMAP);
	zsim_zswap_stats(z, &st);
	assert_int_equal(st.swpout_zero, NR);
	zsim_zswap_destroy(z);
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_success),
		cmocka_unit_test(test_failure_at_page_k),
		cmocka_unit_test(test_refused_large_folios),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
