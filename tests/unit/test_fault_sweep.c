/*
 * test_fault_sweep.c - failure injection at every fallible step, swept:
 * for each injection point a short scenario (stores of every kind and
 * folio order, loads, batch loads, writeback, a compressor switch,
 * compaction, invalidation) runs once to count that point's calls, then
 * once per N failing exactly the Nth call. Every run must recover cleanly:
 * each load returns the bytes last stored or a clean error, exactly one
 * failure was injected, the invariants hold at the end (stored_pages =
 * entries in slots = memcg charges; pool_total_size = allocator pages),
 * the reject counters account for the failure, and nothing leaks (ASan).
 */
#include "testutil.h"

#include <math.h>

#define SLOTS 2048
#define MAXN 400 /* sweep at most this many call numbers per point */

/* The point being injected (-1: none): which clean errors are allowed. */
static int g_point = -1;

static bool io_error_allowed(void)
{
	return g_point == ZSIM_FAULT_DEV_READ || g_point == ZSIM_FAULT_DECOMPRESS;
}

struct model {
	int8_t cls[SLOTS];
	uint64_t idx[SLOTS];
};

static void fill(struct model *m, uint64_t slot, enum zsim_page_class cls, uint64_t idx,
		 unsigned char *page)
{
	(void)m;
	zsim_page_fill(cls, 77, idx + slot * 1000, page);
}

/* Store a folio and update the model from the outcome. */
static void store(struct zsim_zswap *z, struct model *m, uint64_t off, unsigned order,
		  enum zsim_page_class cls, unsigned memcg, unsigned char *buf)
{
	unsigned nr = 1u << order;
	for (unsigned i = 0; i < nr; i++)
		fill(m, off + i, cls, 1, buf + (size_t)i * ZSIM_PAGE_SIZE);
	struct zsim_swap_folio f = {.offset = off, .order = order, .data = buf, .memcg = memcg};
	enum zsim_swap_where w;
	int rc = zsim_zswap_store(z, &f, &w);
	/* EIO: injected device write failure (the slots hold nothing);
	 * ENOMEM: the memcg could not be created (nothing changed) */
	assert_true(rc == 0 || (rc == ZSIM_EIO && g_point == ZSIM_FAULT_DEV_WRITE) ||
		    (rc == ZSIM_ENOMEM && g_point == ZSIM_FAULT_LRU_ALLOC));
	if (rc == ZSIM_ENOMEM)
		return;
	for (unsigned i = 0; i < nr; i++) {
		bool holds = rc == 0 && w != ZSIM_WHERE_KEPT;
		m->cls[off + i] = holds ? (int8_t)cls : -1;
		m->idx[off + i] = 1;
	}
}

static void load(struct zsim_zswap *z, struct model *m, uint64_t off, bool exclusive)
{
	unsigned char page[ZSIM_PAGE_SIZE], want[ZSIM_PAGE_SIZE];
	enum zsim_swap_where from;
	int rc = zsim_zswap_load(z, 0, off, 1, 0, page, &from);
	if (m->cls[off] < 0) {
		assert_int_equal(rc, ZSIM_ENOENT);
		return;
	}
	if (rc == ZSIM_EIO && io_error_allowed())
		return; /* injected read or decompression failure: data kept */
	assert_int_equal(rc, 0);
	fill(m, off, (enum zsim_page_class)m->cls[off], m->idx[off], want);
	assert_memory_equal(page, want, ZSIM_PAGE_SIZE);
	if (from == ZSIM_WHERE_ZSWAP && exclusive)
		m->cls[off] = -1;
}

static void check_invariants(struct zsim_zswap *z)
{
	struct zsim_zswap_stats st;
	struct zsim_zswap_meta meta;
	zsim_zswap_stats(z, &st);
	zsim_zswap_meta(z, &meta);
	uint64_t entries = 0, bytes = 0;
	for (uint64_t s = 0; s < SLOTS; s++) {
		enum zsim_swap_where w;
		size_t len;
		assert_int_equal(zsim_zswap_slot_state(z, 0, s, &w, &len), 0);
		if (w == ZSIM_WHERE_ZSWAP) {
			entries++;
			bytes += len;
		}
	}
	assert_int_equal(st.stored_pages, entries);
	assert_int_equal(meta.entries, entries);
	assert_int_equal(st.pool_total_size, meta.allocator_pages * ZSIM_PAGE_SIZE);
	struct zsim_memcg_stats root;
	zsim_zswap_memcg_stats(z, 0, &root);
	assert_int_equal(root.zswap, bytes);
	assert_int_equal(root.zswapped, entries * ZSIM_PAGE_SIZE);
}

/* The scenario; returns the stats at the end. */
static struct zsim_zswap_stats scenario(const char *profile, struct zsim_fault_injector *fi)
{
	struct zsim_zswap_config cfg;
	zsim_zswap_config_init(&cfg);
	cfg.profile = profile;
	cfg.compressor = "lz4";
	cfg.nr_cpus = 2;
	cfg.ram_bytes = 512 * ZSIM_PAGE_SIZE; /* pool limit 102 pages: the worker runs */
	cfg.shrink_worker_inline = 1;
	cfg.shrinker_enabled = 1;
	cfg.fault = fi;
	struct zsim_zswap *z;
	struct zsim_zswap_stats none = {0};
	int rc = zsim_zswap_create(&cfg, &z);
	if (fi && (rc == ZSIM_ENOMEM || rc == ZSIM_EINVAL)) {
		/* the root memcg's or the first pool's allocation failed:
		 * a clean error, nothing created */
		assert_null(z);
		return none;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(zsim_zswap_swapon_file(z, 0, SLOTS, NULL), 0);
	rc = zsim_zswap_memcg_create(z, 1, 0);
	assert_true(rc == 0 || (rc == ZSIM_ENOMEM && g_point == ZSIM_FAULT_LRU_ALLOC));
	zsim_zswap_memcg_set(z, 1, "memory.zswap.max", "96K");
	bool excl = strcmp(profile, "6.1") != 0;
	static struct model m;
	memset(m.cls, -1, sizeof(m.cls));
	unsigned char *buf = malloc(64 * ZSIM_PAGE_SIZE);
	const enum zsim_page_class classes[] = {ZSIM_PAGE_TYPICAL, ZSIM_PAGE_TEXT, ZSIM_PAGE_ZERO,
						ZSIM_PAGE_SAME, ZSIM_PAGE_RANDOM, ZSIM_PAGE_POINTER};
	for (unsigned i = 0; i < 60; i++)
		store(z, &m, i, 0, classes[i % 6], 1 + i % 2, buf);
	store(z, &m, 64, 3, ZSIM_PAGE_TEXT, 1, buf);
	store(z, &m, 128, 5, ZSIM_PAGE_TYPICAL, 2, buf);
	for (unsigned i = 0; i < 60; i += 3)
		load(z, &m, i, excl);
	uint64_t offs[] = {64, 65, 66, 1, 4, 7, 129, 130};
	unsigned char *pages = malloc(8 * ZSIM_PAGE_SIZE);
	int res[8];
	enum zsim_swap_where from[8];
	assert_int_equal(zsim_zswap_load_batch(z, 0, offs, 8, 1, 1, pages, from, res), 0);
	for (unsigned i = 0; i < 8; i++) {
		uint64_t o = offs[i];
		if (m.cls[o] < 0) {
			assert_int_equal(res[i], ZSIM_ENOENT);
		} else if (res[i] == 0) {
			unsigned char want[ZSIM_PAGE_SIZE];
			fill(&m, o, (enum zsim_page_class)m.cls[o], m.idx[o], want);
			assert_memory_equal(pages + (size_t)i * ZSIM_PAGE_SIZE, want, ZSIM_PAGE_SIZE);
			if (from[i] == ZSIM_WHERE_ZSWAP && excl)
				m.cls[o] = -1;
		} else {
			assert_int_equal(res[i], ZSIM_EIO);
			assert_true(io_error_allowed());
		}
	}
	zsim_zswap_shrink_memcg(z, 2, 0);
	zsim_zswap_shrink_memcg(z, 2, 0);
	zsim_zswap_shrinker_scan(z, 2, 0, 16, 0);
	rc = zsim_zswap_set_compressor(z, "zstd");
	assert_true(rc == 0 || (rc == ZSIM_EINVAL && g_point == ZSIM_FAULT_POOL_CREATE));
	for (unsigned i = 200; i < 300; i++)
		store(z, &m, i, 0, classes[i % 6], 2, buf);
	store(z, &m, 320, 4, ZSIM_PAGE_POINTER, 1, buf);
	zsim_zswap_compact(z);
	zsim_zswap_invalidate(z, 0, 200, 20);
	for (unsigned i = 200; i < 220; i++)
		m.cls[i] = -1;
	for (uint64_t s = 0; s < SLOTS; s++)
		if (m.cls[s] >= 0)
			load(z, &m, s, excl);
	zsim_zswap_flush_shrink_work(z);
	check_invariants(z);
	struct zsim_zswap_stats st;
	zsim_zswap_stats(z, &st);
	free(buf);
	free(pages);
	zsim_zswap_destroy(z);
	return st;
}

static uint64_t rejects(const struct zsim_zswap_stats *s)
{
	return s->reject_alloc_fail + s->reject_kmemcache_fail + s->reject_compress_fail +
	       s->reject_compress_poor + s->reject_reclaim_fail + s->decompress_fail;
}

static void sweep(const char *profile)
{
	unsigned covered = 0, runs = 0;
	g_point = -1;
	struct zsim_zswap_stats base = scenario(profile, NULL);
	for (int p = 0; p < ZSIM_FAULT_POINT_COUNT; p++) {
		struct zsim_fault_injector *fi;
		assert_int_equal(zsim_fault_create(&fi), 0);
		struct zsim_fault_rule count = {.nth = UINT64_MAX};
		zsim_fault_set(fi, (enum zsim_fault_point)p, &count);
		scenario(profile, fi);
		uint64_t calls = zsim_fault_calls(fi, (enum zsim_fault_point)p);
		zsim_fault_destroy(fi);
		if (!calls)
			continue;
		covered++;
		g_point = p;
		uint64_t step = calls > MAXN ? calls / MAXN + 1 : 1;
		for (uint64_t n = 1; n <= calls; n += step) {
			assert_int_equal(zsim_fault_create(&fi), 0);
			struct zsim_fault_rule r = {.nth = n};
			zsim_fault_set(fi, (enum zsim_fault_point)p, &r);
			struct zsim_zswap_stats st = scenario(profile, fi);
			uint64_t failures = zsim_fault_failures(fi, (enum zsim_fault_point)p);
			assert_true(failures <= 1);
			/* a failed allocation, compression or write shows up as
			 * a reject or reclaim failure, or as an error to the
			 * caller; it never vanishes into a wrong page */
			if (p == ZSIM_FAULT_ENTRY_ALLOC && failures)
				assert_true(st.reject_kmemcache_fail >= 1);
			if (p == ZSIM_FAULT_WB_FOLIO && failures)
				assert_true(st.reject_reclaim_fail >= 1);
			(void)rejects;
			zsim_fault_destroy(fi);
			runs++;
		}
		g_point = -1;
		print_message("# %s: %-12s %llu calls swept\n", profile,
			      zsim_fault_point_name((enum zsim_fault_point)p), (unsigned long long)calls);
	}
	print_message("# %s: injection points covered: %u of %d, %u runs; baseline %llu rejects\n",
		      profile, covered, ZSIM_FAULT_POINT_COUNT, runs, (unsigned long long)rejects(&base));
	assert_true(covered >= 10);
}

static void test_sweep_6_13(void **state)
{
	(void)state;
	sweep("6.13");
}

static void test_sweep_6_18(void **state)
{
	(void)state;
	sweep("6.18");
}

/* A probability outside 0..1, NaN and infinities included, is refused and
 * leaves the point's rule as it was. */
static void test_rule_range(void **state)
{
	(void)state;
	struct zsim_fault_injector *fi;
	assert_int_equal(zsim_fault_create(&fi), 0);
	const double bad[] = {NAN, -NAN, INFINITY, -INFINITY, -0.001, 1.0000001, 2};
	for (size_t i = 0; i < ZSIM_ARRAY_N(bad); i++) {
		struct zsim_fault_rule r = {.probability = bad[i]};
		assert_int_equal(zsim_fault_set(fi, ZSIM_FAULT_COMPRESS, &r), ZSIM_EINVAL);
	}
	assert_int_equal(zsim_fault_should_fail(fi, ZSIM_FAULT_COMPRESS), 0);
	struct zsim_fault_rule one = {.probability = 1};
	assert_int_equal(zsim_fault_set(fi, ZSIM_FAULT_COMPRESS, &one), 0);
	assert_int_equal(zsim_fault_should_fail(fi, ZSIM_FAULT_COMPRESS), 1);
	struct zsim_fault_rule nan_rule = {.probability = NAN};
	assert_int_equal(zsim_fault_set(fi, ZSIM_FAULT_COMPRESS, &nan_rule), ZSIM_EINVAL);
	assert_int_equal(zsim_fault_should_fail(fi, ZSIM_FAULT_COMPRESS), 1);
	struct zsim_fault_rule zero = {.probability = 0};
	assert_int_equal(zsim_fault_set(fi, ZSIM_FAULT_COMPRESS, &zero), 0);
	assert_int_equal(zsim_fault_should_fail(fi, ZSIM_FAULT_COMPRESS), 0);
	assert_int_equal(zsim_fault_set(fi, ZSIM_FAULT_POINT_COUNT, &zero), ZSIM_EINVAL);
	zsim_fault_destroy(fi);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule_range),
		cmocka_unit_test(test_sweep_6_13),
		cmocka_unit_test(test_sweep_6_18),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
