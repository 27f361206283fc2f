/*
 * test_zswap_store.c - store/load/invalidate of single pages under every
 * profile: where pages go, the counters that move, exclusive loads
 * (property D), stale-entry replacement (property C), zero, same-filled
 * and incompressible pages, memcg charges, and bad input.
 */
#include "testutil.h"

static const char *const profiles[] = {"6.1", "6.12", "6.13", "6.18", "latest"};

static bool is_exclusive(const char *p)
{
	return strcmp(p, "6.1") != 0;
}

static void test_roundtrip_profiles(void **state)
{
	(void)state;
	unsigned char page[ZSIM_PAGE_SIZE], back[ZSIM_PAGE_SIZE];
	for (size_t k = 0; k < ZSIM_ARRAY_N(profiles); k++) {
		struct zsim_zswap *z = zsim_test_zswap(profiles[k], "zstd", 1ull << 30, 4096, NULL);
		const unsigned n = 64;
		for (unsigned i = 0; i < n; i++) {
			zsim_test_page(ZSIM_PAGE_TYPICAL, i, page);
			assert_int_equal(zsim_test_store(z, i, page, 0), ZSIM_WHERE_ZSWAP);
		}
		struct zsim_zswap_stats st;
		assert_int_equal(zsim_zswap_stats(z, &st), 0);
		assert_int_equal(st.stored_pages, n);
		assert_int_equal(st.zswpout, n);
		assert_int_equal(st.pswpout, 0);
		/* Few objects over many classes: whole zspages (up to 8 pages
		 * each) may cost more than the data; test_zswap_fidelity checks
		 * the exact figure. */
		assert_true(st.pool_total_size > 0);
		assert_int_equal(st.pool_total_size % ZSIM_PAGE_SIZE, 0);
		for (unsigned i = 0; i < n; i++) {
			zsim_test_page(ZSIM_PAGE_TYPICAL, i, page);
			enum zsim_swap_where from;
			assert_int_equal(zsim_zswap_load(z, 0, i, 0, 1, back, &from), 0);
			assert_int_equal(from, ZSIM_WHERE_ZSWAP);
			assert_memory_equal(page, back, ZSIM_PAGE_SIZE);
		}
		zsim_zswap_stats(z, &st);
		assert_int_equal(st.zswpin, n);
		/* Property D: an exclusive load frees the entry; a second
		 * load of the slot misses. 6.1 keeps it. */
		if (is_exclusive(profiles[k])) {
			assert_int_equal(st.stored_pages, 0);
			assert_int_equal(st.pool_total_size, 0);
			enum zsim_swap_where from;
			assert_int_equal(zsim_zswap_load(z, 0, 3, 0, 0, back, &from), ZSIM_ENOENT);
			assert_int_equal(from, ZSIM_WHERE_NONE);
		} else {
			assert_int_equal(st.stored_pages, n);
			assert_int_equal(zsim_zswap_load(z, 0, 3, 0, 0, back, NULL), 0);
			assert_int_equal(zsim_zswap_invalidate(z, 0, 0, n), 0);
			zsim_zswap_stats(z, &st);
			assert_int_equal(st.stored_pages, 0);
			assert_int_equal(st.pool_total_size, 0);
		}
		zsim_zswap_destroy(z);
	}
}

static void test_zero_and_same_filled(void **state)
{
	(void)state;
	unsigned char zero[ZSIM_PAGE_SIZE] = {0}, same[ZSIM_PAGE_SIZE], back[ZSIM_PAGE_SIZE];
	zsim_test_page(ZSIM_PAGE_SAME, 1, same);
	struct zsim_zswap_stats st;
	enum zsim_swap_where from;

	/* 6.1: both become same-filled entries holding no pool memory. */
	struct zsim_zswap *z = zsim_test_zswap("6.1", "lz4", 1ull << 30, 64, NULL);
	assert_int_equal(zsim_test_store(z, 0, zero, 0), ZSIM_WHERE_ZSWAP);
	assert_int_equal(zsim_test_store(z, 1, same, 0), ZSIM_WHERE_ZSWAP);
	zsim_zswap_stats(z, &st);
	assert_int_equal(st.stored_pages, 2);
	assert_int_equal(st.same_filled_pages, 2);
	assert_int_equal(st.pool_total_size, 0);
	assert_int_equal(zsim_zswap_load(z, 0, 1, 0, 0, back, &from), 0);
	assert_memory_equal(back, same, ZSIM_PAGE_SIZE);
	zsim_zswap_destroy(z);

	/* 6.12: the zero page never reaches zswap; the same-filled one is
	 * compressed like any page. */
	z = zsim_test_zswap("6.12", "lz4", 1ull << 30, 64, NULL);
	assert_int_equal(zsim_test_store(z, 0, zero, 0), ZSIM_WHERE_ZEROMAP);
	assert_int_equal(zsim_test_store(z, 1, same, 0), ZSIM_WHERE_ZSWAP);
	zsim_zswap_stats(z, &st);
	assert_int_equal(st.swpout_zero, 1);
	assert_int_equal(st.stored_pages, 1);
	assert_int_equal(st.zswpout, 1);
	assert_true(st.pool_total_size > 0);
	memset(back, 0xff, sizeof(back));
	assert_int_equal(zsim_zswap_load(z, 0, 0, 0, 0, back, &from), 0);
	assert_int_equal(from, ZSIM_WHERE_ZEROMAP);
	assert_memory_equal(back, zero, ZSIM_PAGE_SIZE);
	zsim_zswap_stats(z, &st);
	assert_int_equal(st.swpin_zero, 1);
	/* The zeromap bit stays until the slot is freed. */
	assert_int_equal(zsim_zswap_load(z, 0, 0, 0, 0, back, &from), 0);
	assert_int_equal(zsim_zswap_invalidate(z, 0, 0, 1), 0);
	assert_int_equal(zsim_zswap_load(z, 0, 0, 0, 0, back, &from), ZSIM_ENOENT);
	zsim_zswap_destroy(z);
}

static void test_incompressible(void **state)
{
	(void)state;
	unsigned char rnd[ZSIM_PAGE_SIZE], back[ZSIM_PAGE_SIZE];
	zsim_test_page(ZSIM_PAGE_RANDOM, 7, rnd);
	struct zsim_zswap_stats st;
	enum zsim_swap_where from;
	struct {
		const char *profile, *codec;
		enum zsim_swap_where where;
		uint64_t compress_fail, compress_poor, alloc_fail, incompressible;
	} cases[] = {
		/* 6.1: a compressor error moved no counter at all. */
		{"6.1", "zstd", ZSIM_WHERE_DEVICE, 0, 0, 0, 0},
		/* 6.1 lzo: since the 2025 overrun fix lzo fails with -EINVAL
		 * like any compressor: no counter (checked on 6.1.192). */
		{"6.1", "lzo", ZSIM_WHERE_DEVICE, 0, 0, 0, 0},
		{"6.12", "zstd", ZSIM_WHERE_DEVICE, 1, 0, 0, 0},
		{"6.12", "lz4", ZSIM_WHERE_DEVICE, 1, 0, 0, 0},
		/* 6.12 lzo: the compressor fails (the overrun fix):
		 * reject_compress_fail, as Debian's 6.12.118 counts it. */
		{"6.12", "lzo", ZSIM_WHERE_DEVICE, 1, 0, 0, 0},
		{"6.12", "lzo-rle", ZSIM_WHERE_DEVICE, 1, 0, 0, 0},
		/* 6.18: stored raw (writeback enabled by default). */
		{"6.18", "zstd", ZSIM_WHERE_ZSWAP, 0, 0, 0, 1},
		{"latest", "lz4", ZSIM_WHERE_ZSWAP, 0, 0, 0, 1},
	};
	for (size_t k = 0; k < ZSIM_ARRAY_N(cases); k++) {
		struct zsim_zswap *z = zsim_test_zswap(cases[k].profile, cases[k].codec,
						       1ull << 30, 64, NULL);
		assert_int_equal(zsim_test_store(z, 9, rnd, 0), cases[k].where);
		zsim_zswap_stats(z, &st);
		assert_int_equal(st.reject_compress_fail, cases[k].compress_fail);
		assert_int_equal(st.reject_compress_poor, cases[k].compress_poor);
		assert_int_equal(st.reject_alloc_fail, cases[k].alloc_fail);
		assert_int_equal(st.stored_incompressible_pages, cases[k].incompressible);
		assert_int_equal(st.pswpout, cases[k].where == ZSIM_WHERE_DEVICE ? 1 : 0);
		if (cases[k].incompressible)
			assert_int_equal(st.pool_total_size, ZSIM_PAGE_SIZE);
		assert_int_equal(zsim_zswap_load(z, 0, 9, 0, 0, back, &from), 0);
		assert_int_equal(from, cases[k].where);
		assert_memory_equal(back, rnd, ZSIM_PAGE_SIZE);
		zsim_zswap_stats(z, &st);
		assert_int_equal(st.pswpin, cases[k].where == ZSIM_WHERE_DEVICE ? 1 : 0);
		assert_int_equal(st.stored_incompressible_pages, 0);
		zsim_zswap_destroy(z);
	}
	/* 6.18 with writeback disabled for the memcg: rejected instead, and
	 * (6.8+) the swap layer keeps the folio in memory: nothing written. */
	struct zsim_zswap *z = zsim_test_zswap("6.18", "zstd", 1ull << 30, 64, NULL);
	assert_int_equal(zsim_zswap_memcg_create(z, 5, 0), 0);
	assert_int_equal(zsim_zswap_memcg_set(z, 5, "memory.zswap.writeback", "0"), 0);
	assert_int_equal(zsim_test_store(z, 1, rnd, 5), ZSIM_WHERE_KEPT);
	zsim_zswap_stats(z, &st);
	assert_int_equal(st.reject_compress_fail, 1);
	assert_int_equal(st.stored_incompressible_pages, 0);
	assert_int_equal(st.pswpout, 0);
	assert_int_equal(zsim_zswap_load(z, 0, 1, 5, 0, back, NULL), ZSIM_ENOENT);
	/* With zswap disabled the writeback setting is ignored: device. */
	zsim_zswap_set_enabled(z, 0);
	assert_int_equal(zsim_test_store(z, 2, rnd, 5), ZSIM_WHERE_DEVICE);
	zsim_zswap_destroy(z);
}

/* Property C: a store to a slot that holds an entry replaces it; a failed
 * store removes the stale entry. */
static void test_stale_entries(void **state)
{
	(void)state;
	unsigned char a[ZSIM_PAGE_SIZE], b[ZSIM_PAGE_SIZE], rnd[ZSIM_PAGE_SIZE], back[ZSIM_PAGE_SIZE];
	zsim_test_page(ZSIM_PAGE_TEXT, 1, a);
	zsim_test_page(ZSIM_PAGE_POINTER, 2, b);
	zsim_test_page(ZSIM_PAGE_RANDOM, 3, rnd);
	for (size_t k = 0; k < ZSIM_ARRAY_N(profiles); k++) {
		struct zsim_zswap *z = zsim_test_zswap(profiles[k], "lz4", 1ull << 30, 64, NULL);
		struct zsim_zswap_stats st;
		zsim_test_store(z, 5, a, 0);
		zsim_test_store(z, 5, b, 0);
		zsim_zswap_stats(z, &st);
		assert_int_equal(st.stored_pages, 1);
		assert_int_equal(zsim_zswap_load(z, 0, 5, 0, 0, back, NULL), 0);
		assert_memory_equal(back, b, ZSIM_PAGE_SIZE);
		zsim_test_store(z, 6, a, 0);
		/* Under 6.18+ a random page is stored raw; force a real
		 * rejection there by disabling zswap. */
		if (!strcmp(profiles[k], "6.18") || !strcmp(profiles[k], "latest"))
			zsim_zswap_set_enabled(z, 0);
		assert_int_equal(zsim_test_store(z, 6, rnd, 0), ZSIM_WHERE_DEVICE);
		zsim_zswap_set_enabled(z, 1);
		enum zsim_swap_where w;
		size_t len;
		assert_int_equal(zsim_zswap_slot_state(z, 0, 6, &w, &len), 0);
		assert_int_equal(w, ZSIM_WHERE_DEVICE);
		assert_int_equal(zsim_zswap_load(z, 0, 6, 0, 0, back, NULL), 0);
		assert_memory_equal(back, rnd, ZSIM_PAGE_SIZE);
		zsim_zswap_stats(z, &st);
		assert_int_equal(st.stored_pages, is_exclusive(profiles[k]) ? 0 : 1);
		zsim_zswap_destroy(z);
	}
}

static void test_memcg_charges(void **state)
{
	(void)state;
	struct zsim_zswap *z = zsim_test_zswap("6.12", "zstd", 1ull << 30, 256, NULL);
	assert_int_equal(zsim_zswap_memcg_create(z, 1, 0), 0);
	assert_int_equal(zsim_zswap_memcg_create(z, 2, 1), 0);
	assert_int_equal(zsim_zswap_memcg_create(z, 2, 1), ZSIM_EEXIST);
	assert_int_equal(zsim_zswap_memcg_create(z, 3, 99), ZSIM_ENOENT);
	unsigned char page[ZSIM_PAGE_SIZE];
	uint64_t expect_bytes = 0;
	struct zsim_codec *c;
	assert_int_equal(zsim_codec_create("zstd", NULL, &c), 0);
	for (unsigned i = 0; i < 20; i++) {
		zsim_test_page(ZSIM_PAGE_TEXT, i, page);
		unsigned char out[ZSIM_PAGE_SIZE];
		size_t len = sizeof(out);
		assert_int_equal(zsim_codec_compress(c, page, sizeof(page), out, &len), 0);
		expect_bytes += len;
		zsim_test_store(z, i, page, 2);
	}
	zsim_codec_destroy(c);
	struct zsim_memcg_stats m2, m1, root;
	assert_int_equal(zsim_zswap_memcg_stats(z, 2, &m2), 0);
	assert_int_equal(zsim_zswap_memcg_stats(z, 1, &m1), 0);
	assert_int_equal(zsim_zswap_memcg_stats(z, 0, &root), 0);
	assert_int_equal(m2.zswap, expect_bytes);
	assert_int_equal(m2.zswapped, 20 * ZSIM_PAGE_SIZE);
	assert_int_equal(m2.zswpout, 20);
	assert_memory_equal(&m1, &m2, sizeof(m1)); /* hierarchical */
	assert_int_equal(root.zswap, expect_bytes);
	/* A store of the root memcg charges nothing (no objcg). */
	zsim_test_page(ZSIM_PAGE_TEXT, 99, page);
	zsim_test_store(z, 100, page, 0);
	assert_int_equal(zsim_zswap_memcg_stats(z, 0, &root), 0);
	assert_int_equal(root.zswap, expect_bytes);
	/* memory.zswap.max = 0 sends everything of memcg 2 to the device. */
	assert_int_equal(zsim_zswap_memcg_set(z, 1, "memory.zswap.max", "0"), 0);
	assert_int_equal(zsim_test_store(z, 50, page, 2), ZSIM_WHERE_DEVICE);
	assert_int_equal(zsim_zswap_memcg_set(z, 1, "memory.zswap.max", "max"), 0);
	assert_int_equal(zsim_test_store(z, 51, page, 2), ZSIM_WHERE_ZSWAP);
	/* Loads uncharge. */
	unsigned char back[ZSIM_PAGE_SIZE];
	for (unsigned i = 0; i < 20; i++)
		assert_int_equal(zsim_zswap_load(z, 0, i, 2, 0, back, NULL), 0);
	assert_int_equal(zsim_zswap_memcg_stats(z, 2, &m2), 0);
	assert_int_equal(m2.zswpin, 20);
	assert_int_equal(m2.zswapped, ZSIM_PAGE_SIZE); /* slot 51 */
	/* Bad cgroup files and values. */
	assert_int_equal(zsim_zswap_memcg_set(z, 2, "memory.zswap.max", "-5"), ZSIM_EINVAL);
	assert_int_equal(zsim_zswap_memcg_set(z, 2, "memory.zswap.writeback", "2"), ZSIM_EINVAL);
	assert_int_equal(zsim_zswap_memcg_set(z, 2, "memory.nope", "1"), ZSIM_ENOENT);
	assert_int_equal(zsim_zswap_memcg_set(z, 70000, "memory.max", "1"), ZSIM_ERANGE);
	zsim_zswap_destroy(z);
}

static void test_bad_input(void **state)
{
	(void)state;
	struct zsim_zswap *z = zsim_test_zswap("6.13", "lz4", 1ull << 30, 64, NULL);
	unsigned char page[ZSIM_PAGE_SIZE * 2], back[ZSIM_PAGE_SIZE];
	zsim_test_page(ZSIM_PAGE_TEXT, 1, page);
	zsim_test_store(z, 1, page, 0);
	struct zsim_zswap_stats before, after;
	zsim_zswap_stats(z, &before);
	struct zsim_swap_folio f = {.type = 0, .offset = 0, .order = 0, .data = page};
	assert_int_equal(zsim_zswap_store(NULL, &f, NULL), ZSIM_EINVAL);
	assert_int_equal(zsim_zswap_store(z, NULL, NULL), ZSIM_EINVAL);
	f.data = NULL;
	assert_int_equal(zsim_zswap_store(z, &f, NULL), ZSIM_EINVAL);
	f.data = page;
	f.order = 10;
	assert_int_equal(zsim_zswap_store(z, &f, NULL), ZSIM_EINVAL);
	f.order = 1;
	f.offset = 63; /* the folio would run past the last slot */
	assert_int_equal(zsim_zswap_store(z, &f, NULL), ZSIM_ERANGE);
	f.order = 0;
	f.offset = 64;
	assert_int_equal(zsim_zswap_store(z, &f, NULL), ZSIM_ERANGE);
	f.offset = 0;
	f.type = 3; /* not swapped on */
	assert_int_equal(zsim_zswap_store(z, &f, NULL), ZSIM_ESHUTDOWN);
	f.type = 40;
	assert_int_equal(zsim_zswap_store(z, &f, NULL), ZSIM_ERANGE);
	f.type = 0;
	f.cpu = 7;
	assert_int_equal(zsim_zswap_store(z, &f, NULL), ZSIM_ERANGE);
	f.cpu = 0;
	f.memcg = 1000000;
	assert_int_equal(zsim_zswap_store(z, &f, NULL), ZSIM_ERANGE);
	assert_int_equal(zsim_zswap_load(z, 0, 1, 0, 0, NULL, NULL), ZSIM_EINVAL);
	assert_int_equal(zsim_zswap_load(z, 0, 64, 0, 0, back, NULL), ZSIM_ERANGE);
	assert_int_equal(zsim_zswap_load(z, 5, 1, 0, 0, back, NULL), ZSIM_ESHUTDOWN);
	assert_int_equal(zsim_zswap_invalidate(z, 0, 60, 10), ZSIM_ERANGE);
	assert_int_equal(zsim_zswap_swapon(z, 0, 10), ZSIM_EBUSY);
	assert_int_equal(zsim_zswap_swapon(z, 32, 10), ZSIM_ERANGE);
	assert_int_equal(zsim_zswap_swapon(z, 1, 0), ZSIM_ERANGE);
	assert_int_equal(zsim_zswap_swapoff(z, 2), ZSIM_ESHUTDOWN);
	zsim_zswap_stats(z, &after);
	assert_memory_equal(&before, &after, sizeof(before)); /* no state change */
	assert_int_equal(zsim_zswap_load(z, 0, 1, 0, 0, back, NULL), 0);
	assert_memory_equal(back, page, ZSIM_PAGE_SIZE); /* nothing lost */

	struct zsim_zswap_config cfg;
	zsim_zswap_config_init(&cfg);
	struct zsim_zswap *bad;
	cfg.profile = "5.4";
	assert_int_equal(zsim_zswap_create(&cfg, &bad), ZSIM_ENOENT);
	cfg.profile = "6.12";
	cfg.compressor = "nope";
	assert_int_equal(zsim_zswap_create(&cfg, &bad), ZSIM_ENOENT);
	cfg.compressor = "lz4";
	cfg.zpool = "zbud";
	assert_int_equal(zsim_zswap_create(&cfg, &bad), ZSIM_ENOENT);
	cfg.zpool = "zsmalloc";
	cfg.max_pool_percent = 101;
	assert_int_equal(zsim_zswap_create(&cfg, &bad), ZSIM_EINVAL);
	cfg.max_pool_percent = 20;
	cfg.chain_size = 17;
	assert_int_equal(zsim_zswap_create(&cfg, &bad), ZSIM_EINVAL);
	zsim_zswap_destroy(z);
}

/* Swapoff drops every slot; a swapped-off type refuses operations. */
static void test_swapoff(void **state)
{
	(void)state;
	struct zsim_zswap *z = zsim_test_zswap("6.12", "lz4", 1ull << 30, 40000, NULL);
	unsigned char page[ZSIM_PAGE_SIZE], back[ZSIM_PAGE_SIZE];
	for (unsigned i = 0; i < 100; i++) {
		zsim_test_page(ZSIM_PAGE_TYPICAL, i, page);
		zsim_test_store(z, i * 397, page, 0); /* spans three trees */
	}
	struct zsim_zswap_stats st;
	zsim_zswap_stats(z, &st);
	assert_int_equal(st.stored_pages, 100);
	assert_int_equal(zsim_zswap_swapoff(z, 0), 0);
	zsim_zswap_stats(z, &st);
	assert_int_equal(st.stored_pages, 0);
	assert_int_equal(st.pool_total_size, 0);
	assert_int_equal(zsim_zswap_load(z, 0, 0, 0, 0, back, NULL), ZSIM_ESHUTDOWN);
	assert_int_equal(zsim_zswap_swapon(z, 0, 10), 0);
	assert_int_equal(zsim_zswap_load(z, 0, 0, 0, 0, back, NULL), ZSIM_ENOENT);
	zsim_zswap_destroy(z);
}

/*
 * Two memory devices large enough to fault their memory ahead (8192 slots
 * or more) share the instance's side page allocator with the entry cache:
 * refused pages land in device slots, stored ones in entries, all come
 * back intact; swapping one device off gives its pages back while the
 * other's stay readable, and the instance is destroyed with the second
 * device still on (under ASan, any page given back twice or kept after
 * its allocator is gone shows up).
 */
static void test_memory_devices_share_side_pages(void **state)
{
	(void)state;
	enum { SLOTS = 8192, N = 600 };
	struct zsim_zswap_config cfg;
	zsim_zswap_config_init(&cfg);
	cfg.profile = "6.12";
	cfg.compressor = "lz4";
	cfg.ram_bytes = 1ull << 32;
	struct zsim_zswap *z;
	assert_int_equal(zsim_zswap_create(&cfg, &z), 0);
	assert_int_equal(zsim_zswap_swapon_memory(z, 0, SLOTS), 0);
	assert_int_equal(zsim_zswap_swapon_memory(z, 1, SLOTS), 0);
	unsigned char page[ZSIM_PAGE_SIZE], back[ZSIM_PAGE_SIZE];
	for (unsigned type = 0; type < 2; type++)
		for (unsigned i = 0; i < N; i++) {
			/* every third page random: refused, written to the device */
			enum zsim_page_class cls = i % 3 ? ZSIM_PAGE_TYPICAL : ZSIM_PAGE_RANDOM;
			zsim_test_page(cls, type * N + i, page);
			enum zsim_swap_where w;
			struct zsim_swap_folio f = {.type = type, .offset = i * 7, .data = page};
			assert_int_equal(zsim_zswap_store(z, &f, &w), 0);
			assert_int_equal(w, i % 3 ? ZSIM_WHERE_ZSWAP : ZSIM_WHERE_DEVICE);
		}
	for (unsigned type = 0; type < 2; type++)
		for (unsigned i = 0; i < N; i++) {
			zsim_test_page(i % 3 ? ZSIM_PAGE_TYPICAL : ZSIM_PAGE_RANDOM, type * N + i, page);
			assert_int_equal(zsim_zswap_load(z, type, i * 7, 0, 0, back, NULL), 0);
			assert_memory_equal(back, page, ZSIM_PAGE_SIZE);
		}
	struct zsim_zswap_meta m;
	assert_int_equal(zsim_zswap_meta(z, &m), 0);
	assert_int_equal(m.entries, 0); /* exclusive loads took them all */
	assert_int_equal(zsim_zswap_swapoff(z, 0), 0);
	for (unsigned i = 0; i < N; i += 3) { /* type 1's device pages stay */
		zsim_test_page(ZSIM_PAGE_RANDOM, N + i, page);
		assert_int_equal(zsim_zswap_load(z, 1, i * 7, 0, 0, back, NULL), 0);
		assert_memory_equal(back, page, ZSIM_PAGE_SIZE);
	}
	zsim_zswap_destroy(z);
}

static void test_json(void **state)
{
	(void)state;
	struct zsim_zswap *z = zsim_test_zswap("6.1", "lz4", 1ull << 30, 64, NULL);
	unsigned char page[ZSIM_PAGE_SIZE];
	zsim_test_page(ZSIM_PAGE_TEXT, 1, page);
	zsim_test_store(z, 1, page, 4);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(zsim_zswap_write_json(z, f), 0);
	fclose(f);
	assert_non_null(strstr(buf, "\"same_filled_pages\": 0"));
	assert_non_null(strstr(buf, "\"stored_pages\": 1"));
	assert_null(strstr(buf, "reject_compress_fail")); /* not in 6.1 */
	assert_null(strstr(buf, "swpout_zero"));
	assert_non_null(strstr(buf, "\"4\": {"));
	free(buf);
	zsim_zswap_destroy(z);
	size_t n;
	const struct zsim_counter_info *ci = zsim_counters(&n);
	assert_true(n > 20);
	for (size_t i = 0; i < n; i++)
		assert_true(ci[i].description[0] && (ci[i].kind == 'C' || ci[i].kind == 'G'));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_profiles),
		cmocka_unit_test(test_zero_and_same_filled),
		cmocka_unit_test(test_incompressible),
		cmocka_unit_test(test_stale_entries),
		cmocka_unit_test(test_memcg_charges),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_swapoff),
		cmocka_unit_test(test_memory_devices_share_side_pages),
		cmocka_unit_test(test_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
