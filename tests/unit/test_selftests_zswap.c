/*
 * test_selftests_zswap.c - the kernel's cgroup zswap selftests
 * (tools/testing/selftests/cgroup/test_zswap.c), each written against the
 * memory model with the pass condition the kernel test checks (reference
 * §5). The helpers mirror the selftest's: allocate_bytes writes one byte
 * every 4095 bytes; allocate_and_read_bytes also reads them back.
 */
#include "testutil.h"

#define KB(x) ((uint64_t)(x) << 10)
#define MB(x) ((uint64_t)(x) << 20)

struct env {
	struct zsim_zswap *z;
	struct zsim_mm *mm;
};

static struct env setup(const char *profile)
{
	struct env e;
	struct zsim_zswap_config cfg;
	zsim_zswap_config_init(&cfg);
	cfg.profile = profile;
	cfg.compressor = "zstd";
	cfg.nr_cpus = 1;
	cfg.ram_bytes = 4ull << 30;
	cfg.shrink_worker_inline = 1;
	assert_int_equal(zsim_zswap_create(&cfg, &e.z), 0);
	struct zsim_mm_config mc = {.zswap = e.z, .swap_slots = 1u << 16};
	assert_int_equal(zsim_mm_create(&mc, &e.mm), 0);
	return e;
}

static void teardown(struct env *e)
{
	zsim_mm_destroy(e->mm);
	zsim_zswap_destroy(e->z);
}

/* The page the selftest's allocate_bytes leaves: 'a' every 4095 bytes. */
static void allocate_bytes_page(uint64_t p, unsigned char *page)
{
	memset(page, 0, ZSIM_PAGE_SIZE);
	uint64_t lo = p * ZSIM_PAGE_SIZE, hi = lo + ZSIM_PAGE_SIZE;
	for (uint64_t i = (lo + 4094) / 4095 * 4095; i < hi; i += 4095)
		page[i - lo] = 'a';
}

static uint64_t allocate_bytes(struct env *e, unsigned memcg, uint64_t size, bool read)
{
	uint64_t n = size / ZSIM_PAGE_SIZE, r;
	unsigned char page[ZSIM_PAGE_SIZE], back[ZSIM_PAGE_SIZE];
	assert_int_equal(zsim_mm_alloc(e->mm, memcg, n, &r), 0);
	for (uint64_t p = 0; p < n; p++) {
		allocate_bytes_page(p, page);
		assert_int_equal(zsim_mm_write(e->mm, r, p, page), 0);
	}
	if (read) {
		for (uint64_t p = 0; p < n; p++) {
			allocate_bytes_page(p, page);
			assert_int_equal(zsim_mm_read(e->mm, r, p, back), 0);
			assert_memory_equal(back, page, ZSIM_PAGE_SIZE);
		}
	}
	return r;
}

static struct zsim_memcg_stats memstat(struct env *e, unsigned memcg)
{
	struct zsim_memcg_stats st;
	assert_int_equal(zsim_zswap_memcg_stats(e->z, memcg, &st), 0);
	return st;
}

static void set(struct env *e, unsigned memcg, const char *key, const char *value)
{
	assert_int_equal(zsim_zswap_memcg_set(e->z, memcg, key, value), 0);
}

/* 1. test_zswap_usage: memory.max=1M, allocate 4M: zswpout increases. */
static void test_zswap_usage(void **state)
{
	(void)state;
	struct env e = setup("6.12");
	assert_int_equal(zsim_zswap_memcg_create(e.z, 1, 0), 0);
	set(&e, 1, "memory.max", "1M");
	allocate_bytes(&e, 1, MB(4), false);
	print_message("# zswpout %llu\n", (unsigned long long)memstat(&e, 1).zswpout);
	assert_true(memstat(&e, 1).zswpout > 0);
	teardown(&e);
}

/* 2. test_swapin_nozswap: memory.max=8M, zswap.max=0, allocate and read
 * 24M: swap.peak >= 8M and zswpout == 0. */
static void test_swapin_nozswap(void **state)
{
	(void)state;
	struct env e = setup("6.12");
	assert_int_equal(zsim_zswap_memcg_create(e.z, 1, 0), 0);
	set(&e, 1, "memory.max", "8M");
	set(&e, 1, "memory.zswap.max", "0");
	allocate_bytes(&e, 1, MB(24), true);
	struct zsim_mm_memcg_stats ms;
	assert_int_equal(zsim_mm_memcg_stats(e.mm, 1, &ms), 0);
	print_message("# swap.peak %llu KiB, zswpout %llu, pswpout-backed\n",
		      (unsigned long long)(ms.swap_peak >> 10), (unsigned long long)memstat(&e, 1).zswpout);
	assert_true(ms.swap_peak >= MB(8));
	assert_int_equal(memstat(&e, 1).zswpout, 0);
	teardown(&e);
}

/* 3. test_zswapin: memory.max=8M, zswap.max=max, allocate and read 32M:
 * zswpin >= 24M / PAGE_SIZE. */
static void test_zswapin(void **state)
{
	(void)state;
	struct env e = setup("6.12");
	assert_int_equal(zsim_zswap_memcg_create(e.z, 1, 0), 0);
	set(&e, 1, "memory.max", "8M");
	allocate_bytes(&e, 1, MB(32), true);
	print_message("# zswpin %llu (need %llu)\n", (unsigned long long)memstat(&e, 1).zswpin,
		      (unsigned long long)(MB(24) / ZSIM_PAGE_SIZE));
	assert_true(memstat(&e, 1).zswpin >= MB(24) / ZSIM_PAGE_SIZE);
	teardown(&e);
}

/* 4/5. The writeback tests' child: 1024 pages, each half an increasing
 * byte ramp and half zero; reclaim 4M (all to zswap); read zswap.current
 * (U); read everything back; zswap.max = U/2; reclaim 4M again.
 * Returns the second reclaim's result. */
static int attempt_writeback(struct env *e, unsigned memcg)
{
	const uint64_t n = 1024;
	uint64_t r;
	unsigned char page[ZSIM_PAGE_SIZE], back[ZSIM_PAGE_SIZE];
	assert_int_equal(zsim_mm_alloc(e->mm, memcg, n, &r), 0);
	for (uint64_t p = 0; p < n; p++) {
		for (unsigned i = 0; i < ZSIM_PAGE_SIZE; i++)
			page[i] = i < ZSIM_PAGE_SIZE / 2 ? (unsigned char)(i % 256) : 0;
		assert_int_equal(zsim_mm_write(e->mm, r, p, page), 0);
	}
	assert_int_equal(zsim_mm_reclaim(e->mm, memcg, MB(4)), 0);
	uint64_t u = memstat(e, memcg).zswap;
	assert_true(u > 0);
	for (uint64_t p = 0; p < n; p++) {
		assert_int_equal(zsim_mm_read(e->mm, r, p, back), 0);
		assert_int_equal(back[100], 100);
		assert_int_equal(back[3000], 0);
	}
	char half[32];
	snprintf(half, sizeof(half), "%llu", (unsigned long long)(u / 2));
	set(e, memcg, "memory.zswap.max", half);
	return zsim_mm_reclaim(e->mm, memcg, MB(4));
}

static void writeback_case(bool enabled, bool in_child)
{
	struct env e = setup("6.12");
	assert_int_equal(zsim_zswap_memcg_create(e.z, 1, 0), 0);
	set(&e, 1, "memory.zswap.writeback", enabled ? "1" : "0");
	unsigned target = 1;
	if (in_child) {
		/* The child's own setting is 1; the parent's governs. */
		assert_int_equal(zsim_zswap_memcg_create(e.z, 2, 1), 0);
		set(&e, 2, "memory.zswap.writeback", "1");
		target = 2;
	}
	assert_int_equal(memstat(&e, target).zswpwb, 0);
	int rc = attempt_writeback(&e, target);
	print_message("# writeback %s%s: reclaim %s, zswpwb %llu, zswap %llu B\n",
		      enabled ? "enabled" : "disabled", in_child ? " (child)" : "", zsim_strerror(rc),
		      (unsigned long long)memstat(&e, target).zswpwb,
		      (unsigned long long)memstat(&e, target).zswap);
	if (enabled) {
		assert_int_equal(rc, 0);
		assert_true(memstat(&e, target).zswpwb > 0);
	} else {
		assert_int_equal(rc, ZSIM_EAGAIN);
		assert_int_equal(memstat(&e, target).zswpwb, 0);
	}
	teardown(&e);
}

static void test_zswap_writeback_enabled(void **state)
{
	(void)state;
	writeback_case(true, false);
	writeback_case(true, true);
}

static void test_zswap_writeback_disabled(void **state)
{
	(void)state;
	writeback_case(false, false);
	writeback_case(false, true);
}

/* 6. test_no_kmem_bypass: pages that global reclaim (kswapd in the kernel,
 * not the owner's context) puts into zswap are charged to their owner:
 * stored_pages x PAGE_SIZE - the memcg's zswapped < 25% of it. */
static void test_no_kmem_bypass(void **state)
{
	(void)state;
	struct zsim_zswap_config cfg;
	zsim_zswap_config_init(&cfg);
	cfg.compressor = "zstd";
	cfg.nr_cpus = 1;
	cfg.ram_bytes = MB(64);
	cfg.max_pool_percent = 50;
	cfg.shrink_worker_inline = 1;
	struct zsim_zswap *z;
	assert_int_equal(zsim_zswap_create(&cfg, &z), 0);
	struct zsim_mm *mm;
	struct zsim_mm_config mc = {.zswap = z, .swap_slots = 1u << 16, .ram_bytes = MB(32)};
	assert_int_equal(zsim_mm_create(&mc, &mm), 0);
	assert_int_equal(zsim_zswap_memcg_create(z, 1, 0), 0);
	struct env e = {z, mm};
	allocate_bytes(&e, 1, MB(48), false); /* no memcg limit: global pressure */
	struct zsim_zswap_stats st;
	zsim_zswap_stats(z, &st);
	uint64_t stored = st.stored_pages * ZSIM_PAGE_SIZE, charged = memstat(&e, 1).zswapped;
	assert_true(st.stored_pages > (MB(32) / 5) / ZSIM_PAGE_SIZE / 4);
	print_message("# stored %llu B, charged to the owner %llu B\n", (unsigned long long)stored,
		      (unsigned long long)charged);
	assert_true(stored - charged < stored / 4);
	teardown(&e);
}

/* 7. test_no_invasive_cgroup_shrink: writeback for one memcg's zswap.max
 * never touches another memcg's entries. */
static void test_no_invasive_cgroup_shrink(void **state)
{
	(void)state;
	struct env e = setup("6.12");
	assert_int_equal(zsim_zswap_memcg_create(e.z, 1, 0), 0); /* wb_group */
	assert_int_equal(zsim_zswap_memcg_create(e.z, 2, 0), 0); /* control */
	set(&e, 1, "memory.max", "32M");
	set(&e, 1, "memory.zswap.max", "64K");
	set(&e, 2, "memory.max", "32M");
	allocate_bytes(&e, 2, MB(64), false);
	assert_true(memstat(&e, 2).zswapped >= 1);
	allocate_bytes(&e, 1, MB(64), false);
	print_message("# wb_group zswpwb %llu, control zswpwb %llu zswapped %llu\n",
		      (unsigned long long)memstat(&e, 1).zswpwb, (unsigned long long)memstat(&e, 2).zswpwb,
		      (unsigned long long)memstat(&e, 2).zswapped);
	assert_true(memstat(&e, 1).zswpwb > 0);
	assert_int_equal(memstat(&e, 2).zswpwb, 0);
	teardown(&e);
}

/* 8. test_zswap_incompressible (2026): 4M of random data paged out
 * (MADV_PAGEOUT) under memory.max=32M: the memcg's zswap_incomp > 0,
 * a gauge that drops when the pages go. */
static void test_zswap_incompressible(void **state)
{
	(void)state;
	struct env e = setup("latest");
	assert_int_equal(zsim_zswap_memcg_create(e.z, 1, 0), 0);
	set(&e, 1, "memory.max", "32M");
	uint64_t n = MB(4) / ZSIM_PAGE_SIZE, r;
	unsigned char page[ZSIM_PAGE_SIZE];
	assert_int_equal(zsim_mm_alloc(e.mm, 1, n, &r), 0);
	for (uint64_t p = 0; p < n; p++) {
		zsim_test_page(ZSIM_PAGE_RANDOM, p, page);
		assert_int_equal(zsim_mm_write(e.mm, r, p, page), 0);
	}
	assert_int_equal(zsim_mm_pageout(e.mm, r, 0, n), 0);
	print_message("# zswap_incomp %llu\n", (unsigned long long)memstat(&e, 1).zswap_incomp);
	assert_true(memstat(&e, 1).zswap_incomp > 0);
	assert_int_equal(zsim_mm_free(e.mm, r), 0);
	assert_int_equal(memstat(&e, 1).zswap_incomp, 0);
	teardown(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zswap_usage),
		cmocka_unit_test(test_swapin_nozswap),
		cmocka_unit_test(test_zswapin),
		cmocka_unit_test(test_zswap_writeback_enabled),
		cmocka_unit_test(test_zswap_writeback_disabled),
		cmocka_unit_test(test_no_kmem_bypass),
		cmocka_unit_test(test_no_invasive_cgroup_shrink),
		cmocka_unit_test(test_zswap_incompressible),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
