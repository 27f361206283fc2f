/*
 * test_zswap_writeback.c - writeback and shrinking: property F (second
 * chance: an entry is written back only on its second encounter; -EEXIST
 * stops the dynamic shrinker), property G (the shrinker count formula with
 * swap-in consumption and compression-ratio scaling), the global shrink
 * worker down to the accept threshold, bytes on the device after
 * writeback, and a failing device write that keeps the entry.
 */
#include <pthread.h>

#include "testutil.h"
#include "zswap/zswap_internal.h"

static struct zsim_zswap *make(const char *profile, int shrinker, uint64_t ram,
			       struct zsim_fault_injector *fi)
{
	struct zsim_zswap_config cfg;
	zsim_zswap_config_init(&cfg);
	cfg.profile = profile;
	cfg.compressor = "lz4";
	cfg.nr_cpus = 2;
	cfg.ram_bytes = ram;
	cfg.shrinker_enabled = shrinker;
	cfg.shrink_worker_inline = 1;
	cfg.fault = fi;
	struct zsim_zswap *z;
	assert_int_equal(zsim_zswap_create(&cfg, &z), 0);
	assert_int_equal(zsim_zswap_swapon_file(z, 0, 4096, NULL), 0);
	return z;
}

static void page_n(unsigned n, unsigned char *p)
{
	zsim_test_page(ZSIM_PAGE_TEXT, n, p);
}

/* Property F: second chance. */
static void test_second_chance(void **state)
{
	(void)state;
	struct zsim_zswap *z = make("6.12", 0, 1ull << 30, NULL);
	assert_int_equal(zsim_zswap_memcg_create(z, 1, 0), 0);
	unsigned char page[ZSIM_PAGE_SIZE], back[ZSIM_PAGE_SIZE];
	for (unsigned i = 0; i < 3; i++) {
		page_n(i, page);
		zsim_test_store(z, i, page, 1);
	}
	struct zsim_zswap_stats st;
	/* Walk 1 entry: the head is referenced, so it only rotates. */
	assert_int_equal(zsim_zswap_shrink_memcg(z, 1, 0), ZSIM_EAGAIN);
	assert_int_equal(zsim_zswap_shrink_memcg(z, 1, 0), ZSIM_EAGAIN);
	assert_int_equal(zsim_zswap_shrink_memcg(z, 1, 0), ZSIM_EAGAIN);
	zsim_zswap_stats(z, &st);
	assert_int_equal(st.written_back_pages, 0);
	/* Second encounter of entry 0: written back. */
	assert_int_equal(zsim_zswap_shrink_memcg(z, 1, 0), 0);
	zsim_zswap_stats(z, &st);
	assert_int_equal(st.written_back_pages, 1);
	assert_int_equal(st.zswpwb, 1);
	assert_int_equal(st.pswpout, 1);
	assert_int_equal(st.stored_pages, 2);
	struct zsim_memcg_stats m;
	zsim_zswap_memcg_stats(z, 1, &m);
	assert_int_equal(m.zswpwb, 1);
	/* The written-back page reads back from the device, exactly. */
	enum zsim_swap_where from;
	page_n(0, page);
	assert_int_equal(zsim_zswap_load(z, 0, 0, 1, 0, back, &from), 0);
	assert_int_equal(from, ZSIM_WHERE_DEVICE);
	assert_memory_equal(back, page, ZSIM_PAGE_SIZE);
	zsim_zswap_stats(z, &st);
	assert_int_equal(st.pswpin, 1);
	struct zsim_swap_stats ss;
	assert_int_equal(zsim_zswap_swap_stats(z, 0, &ss), 0);
	assert_int_equal(ss.bytes_written, ZSIM_PAGE_SIZE);
	assert_int_equal(ss.bytes_read, ZSIM_PAGE_SIZE);
	assert_int_equal(ss.device_pages, 1);
	/* An empty memcg: -ENOENT; writeback disabled: -ENOENT. */
	assert_int_equal(zsim_zswap_shrink_memcg(z, 7, 0), ZSIM_ENOENT);
	assert_int_equal(zsim_zswap_memcg_set(z, 1, "memory.zswap.writeback", "0"), 0);
	assert_int_equal(zsim_zswap_shrink_memcg(z, 1, 0), ZSIM_ENOENT);
	zsim_zswap_destroy(z);

	/* 6.1 has no memcg writeback at all. */
	z = make("6.1", 0, 1ull << 30, NULL);
	assert_int_equal(zsim_zswap_shrink_memcg(z, 0, 0), ZSIM_ENOTSUP);
	zsim_zswap_destroy(z);
}

/* A slot held by a concurrent operation (a folio in the swap cache) is
 * -EEXIST: it counts reject_reclaim_fail and stops the dynamic shrinker's
 * walk (SHRINK_STOP), but not shrink_memcg's. The slot is held here with
 * the internal slot lock, exactly what a load in progress holds. */
static void test_swapcache_stops_shrinker(void **state)
{
	(void)state;
	struct zsim_zswap *z = make("6.12", 1, 1ull << 30, NULL);
	assert_int_equal(zsim_zswap_memcg_create(z, 1, 0), 0);
	unsigned char page[ZSIM_PAGE_SIZE];
	for (unsigned i = 0; i < 4; i++) {
		page_n(i, page);
		zsim_test_store(z, i, page, 1);
	}
	/* One pass clears every referenced bit; nothing written: STOP. */
	assert_int_equal(zsim_zswap_shrinker_scan(z, 1, 0, 4, 0), ZSIM_SHRINK_STOP);
	struct zsim_zswap_stats st;
	zsim_zswap_stats(z, &st);
	assert_int_equal(st.reject_reclaim_fail, 0);

	zsim_slots_lock(z, 0, 0, 1); /* slot 0 is "in the swap cache" */
	assert_int_equal(zsim_zswap_shrinker_scan(z, 1, 0, 4, 0), ZSIM_SHRINK_STOP);
	zsim_zswap_stats(z, &st);
	assert_int_equal(st.reject_reclaim_fail, 1);
	assert_int_equal(st.written_back_pages, 0); /* the walk stopped there */
	zsim_slots_unlock(z, 0, 0, 1);

	/* Entry 0 was rotated; the next two are written back. */
	assert_int_equal(zsim_zswap_shrinker_scan(z, 1, 0, 2, 0), 2);
	zsim_zswap_stats(z, &st);
	assert_int_equal(st.written_back_pages, 2);
	enum zsim_swap_where w;
	assert_int_equal(zsim_zswap_slot_state(z, 0, 0, &w, NULL), 0);
	assert_int_equal(w, ZSIM_WHERE_ZSWAP);
	assert_int_equal(zsim_zswap_slot_state(z, 0, 1, &w, NULL), 0);
	assert_int_equal(w, ZSIM_WHERE_DEVICE);

	/* shrink_memcg does not stop on -EEXIST: it reports -EAGAIN. */
	zsim_slots_lock(z, 0, 3, 1);
	assert_int_equal(zsim_zswap_shrink_memcg(z, 1, 0), ZSIM_EAGAIN);
	zsim_slots_unlock(z, 0, 3, 1);
	zsim_zswap_destroy(z);
}

/* Property G: count = (LRU length - recent disk swap-ins) x backing/stored. */
static void test_shrinker_count(void **state)
{
	(void)state;
	struct zsim_zswap *z = make("6.12", 1, 1ull << 30, NULL);
	assert_int_equal(zsim_zswap_memcg_create(z, 1, 0), 0);
	unsigned char page[ZSIM_PAGE_SIZE], back[ZSIM_PAGE_SIZE];
	const unsigned n = 40;
	for (unsigned i = 0; i < n; i++) {
		page_n(i, page);
		zsim_test_store(z, i, page, 1);
	}
	struct zsim_memcg_stats m;
	zsim_zswap_memcg_stats(z, 1, &m);
	uint64_t backing = m.zswap / ZSIM_PAGE_SIZE, stored = m.zswapped / ZSIM_PAGE_SIZE;
	assert_int_equal(stored, n);
	uint64_t expect = (n / stored) * backing + ((n % stored) * backing) / stored;
	assert_int_equal(zsim_zswap_shrinker_count(z, 1, 0), expect);
	/* Disk swap-ins protect entries: put 10 pages on the device and
	 * read them back in memcg 1. */
	zsim_zswap_set_enabled(z, 0);
	for (unsigned i = 0; i < 10; i++) {
		page_n(1000 + i, page);
		zsim_test_store(z, 100 + i, page, 1);
	}
	zsim_zswap_set_enabled(z, 1);
	for (unsigned i = 0; i < 10; i++)
		assert_int_equal(zsim_zswap_load(z, 0, 100 + i, 1, 0, back, NULL), 0);
	uint64_t freeable = n - 10;
	expect = (freeable / stored) * backing + ((freeable % stored) * backing) / stored;
	assert_int_equal(zsim_zswap_shrinker_count(z, 1, 0), expect);
	/* The swap-ins were consumed: the next count is the full one. */
	expect = (n / stored) * backing + ((n % stored) * backing) / stored;
	assert_int_equal(zsim_zswap_shrinker_count(z, 1, 0), expect);
	/* Disabled shrinker or writeback: 0. */
	assert_int_equal(zsim_zswap_memcg_set(z, 1, "memory.zswap.writeback", "0"), 0);
	assert_int_equal(zsim_zswap_shrinker_count(z, 1, 0), 0);
	assert_int_equal(zsim_zswap_shrinker_scan(z, 1, 0, 10, 0), ZSIM_SHRINK_STOP);
	zsim_zswap_destroy(z);
	z = make("6.12", 0, 1ull << 30, NULL);
	page_n(1, page);
	zsim_test_store(z, 1, page, 2);
	assert_int_equal(zsim_zswap_shrinker_count(z, 2, 0), 0);
	zsim_zswap_destroy(z);
}

/* The global worker writes back until the pool is at the threshold.
 * 200 pages of RAM, max 20% = 40 pages, accept 90% = 36; huge-class pages
 * cost one pool page each. With 6.12's walk of one entry per
 * shrink_memcg, a fresh LRU only rotates referenced entries: each call
 * fails, and the worker gives up after 16 failures. The third run meets
 * rotated (unreferenced) entries and writes back down to 36 pages. */
static uint64_t fill_and_overflow(struct zsim_zswap *z, unsigned extra_stores, uint64_t *wb)
{
	unsigned char page[ZSIM_PAGE_SIZE];
	struct zsim_zswap_stats st;
	for (unsigned i = 0; i < 40; i++) {
		zsim_test_page_partly_random(page, 3800, i + 1);
		assert_int_equal(zsim_test_store(z, i, page, 1), ZSIM_WHERE_ZSWAP);
	}
	for (unsigned k = 0; k < extra_stores; k++) {
		zsim_test_page_partly_random(page, 3800, 99 + k);
		zsim_test_store(z, 100 + k, page, 1); /* refused: full; queues the worker */
		assert_int_equal(zsim_zswap_flush_shrink_work(z), 0);
		zsim_zswap_stats(z, &st);
		wb[k] = st.written_back_pages;
	}
	zsim_zswap_stats(z, &st);
	return st.pool_total_size / ZSIM_PAGE_SIZE;
}

static void test_shrink_worker(void **state)
{
	(void)state;
	uint64_t wb[3];
	struct zsim_zswap *z = make("6.12", 0, 200 * ZSIM_PAGE_SIZE, NULL);
	assert_int_equal(zsim_zswap_memcg_create(z, 1, 0), 0);
	assert_int_equal(fill_and_overflow(z, 3, wb), 36);
	assert_int_equal(wb[0], 0);
	assert_int_equal(wb[1], 0);
	assert_int_equal(wb[2], 4);
	assert_int_equal(zsim_zswap_shrink_worker_runs(z), 3);
	struct zsim_zswap_stats st;
	zsim_zswap_stats(z, &st);
	assert_int_equal(st.pswpout, 3 + 4); /* 3 refused stores + 4 written back */
	assert_int_equal(st.reject_reclaim_fail, 0); /* rotations are not failures */
	/* Every page is still readable, from zswap or the device. */
	unsigned char page[ZSIM_PAGE_SIZE], back[ZSIM_PAGE_SIZE];
	for (unsigned i = 0; i < 40; i++) {
		zsim_test_page_partly_random(page, 3800, i + 1);
		assert_int_equal(zsim_zswap_load(z, 0, i, 1, 0, back, NULL), 0);
		assert_memory_equal(back, page, ZSIM_PAGE_SIZE);
	}
	zsim_zswap_destroy(z);

	/* latest walks 32 entries per call: 32 rotations fail once, the next
	 * call rotates the 8 left and writes back the 24 it then meets,
	 * overshooting the threshold as the kernel does. */
	z = make("latest", 0, 200 * ZSIM_PAGE_SIZE, NULL);
	assert_int_equal(zsim_zswap_memcg_create(z, 1, 0), 0);
	assert_int_equal(fill_and_overflow(z, 1, wb), 16);
	assert_int_equal(wb[0], 24);
	zsim_zswap_destroy(z);

	/* 6.1 + zsmalloc: the worker cannot write back; it fails. */
	z = make("6.1", 0, 200 * ZSIM_PAGE_SIZE, NULL);
	unsigned char p2[ZSIM_PAGE_SIZE];
	for (unsigned i = 0; i < 42; i++) {
		zsim_test_page_partly_random(p2, 3800, i + 1);
		zsim_test_store(z, i, p2, 0);
	}
	zsim_zswap_stats(z, &st);
	assert_int_equal(st.pool_limit_hit, 1);
	assert_int_equal(st.reject_reclaim_fail, 1);
	assert_int_equal(st.written_back_pages, 0);
	zsim_zswap_destroy(z);
}

/* The worker on its own thread, as the kernel's work queue. */
static void test_shrink_worker_thread(void **state)
{
	(void)state;
	struct zsim_zswap_config cfg;
	zsim_zswap_config_init(&cfg);
	cfg.compressor = "lz4";
	cfg.nr_cpus = 2;
	cfg.ram_bytes = 200 * ZSIM_PAGE_SIZE;
	struct zsim_zswap *z;
	assert_int_equal(zsim_zswap_create(&cfg, &z), 0);
	assert_int_equal(zsim_zswap_swapon(z, 0, 256), 0);
	unsigned char page[ZSIM_PAGE_SIZE];
	for (unsigned i = 0; i < 40; i++) {
		zsim_test_page_partly_random(page, 3800, i + 1);
		zsim_test_store(z, i, page, 0);
	}
	/* Each refused store queues the worker thread; let each run finish
	 * so the runs are as in the inline test (0, 0, then write back). */
	for (unsigned k = 0; k < 5; k++) {
		zsim_test_page_partly_random(page, 3800, 100 + k);
		zsim_test_store(z, 100 + k, page, 0);
		assert_int_equal(zsim_zswap_flush_shrink_work(z), 0);
	}
	struct zsim_zswap_stats st;
	zsim_zswap_stats(z, &st);
	assert_true(st.written_back_pages > 0);
	assert_true(st.pool_total_size / ZSIM_PAGE_SIZE <= 40);
	zsim_zswap_destroy(z);
}

/* A device that cannot be written: the entry stays, nothing is lost. */
static void test_device_write_failure(void **state)
{
	(void)state;
	struct zsim_fault_injector *fi;
	assert_int_equal(zsim_fault_create(&fi), 0);
	struct zsim_zswap *z = make("6.12", 0, 1ull << 30, fi);
	unsigned char page[ZSIM_PAGE_SIZE], back[ZSIM_PAGE_SIZE];
	page_n(5, page);
	zsim_test_store(z, 5, page, 0);
	assert_int_equal(zsim_zswap_shrink_memcg(z, 0, 0), ZSIM_EAGAIN); /* rotate */
	struct zsim_fault_rule r = {.every = 1};
	assert_int_equal(zsim_fault_set(fi, ZSIM_FAULT_DEV_WRITE, &r), 0);
	assert_int_equal(zsim_zswap_shrink_memcg(z, 0, 0), ZSIM_EAGAIN);
	struct zsim_zswap_stats st;
	zsim_zswap_stats(z, &st);
	assert_int_equal(st.reject_reclaim_fail, 1);
	assert_int_equal(st.written_back_pages, 0);
	assert_int_equal(st.stored_pages, 1);
	enum zsim_swap_where from;
	assert_int_equal(zsim_zswap_load(z, 0, 5, 0, 0, back, &from), 0);
	assert_int_equal(from, ZSIM_WHERE_ZSWAP);
	assert_memory_equal(back, page, ZSIM_PAGE_SIZE);
	/* A refused store whose device write fails reports ZSIM_EIO and
	 * leaves the slot empty; the caller still has its page. */
	zsim_test_page(ZSIM_PAGE_RANDOM, 1, page);
	struct zsim_swap_folio f = {.offset = 9, .data = page};
	assert_int_equal(zsim_zswap_store(z, &f, NULL), ZSIM_EIO);
	assert_int_equal(zsim_zswap_load(z, 0, 9, 0, 0, back, NULL), ZSIM_ENOENT);
	zsim_zswap_destroy(z);
	zsim_fault_destroy(fi);
}

/* A real device that refuses writes (/dev/full: ENOSPC): a refused store
 * reports ZSIM_EIO, writeback keeps the entry, nothing is lost; a path
 * that cannot be opened for writing is a clean error at swapon. */
static void test_full_and_readonly_device(void **state)
{
	(void)state;
	struct zsim_zswap_config cfg;
	zsim_zswap_config_init(&cfg);
	cfg.compressor = "lz4";
	cfg.nr_cpus = 1;
	struct zsim_zswap *z;
	assert_int_equal(zsim_zswap_create(&cfg, &z), 0);
	assert_int_equal(zsim_zswap_swapon_file(z, 1, 64, "/proc/version/swap"), ZSIM_EIO);
	assert_int_equal(zsim_zswap_swapon_file(z, 1, 64, "/nonexistent-dir/swap"), ZSIM_EIO);
	assert_int_equal(zsim_zswap_swapon_file(z, 0, 64, "/dev/full"), 0);
	unsigned char page[ZSIM_PAGE_SIZE], back[ZSIM_PAGE_SIZE];
	zsim_test_page(ZSIM_PAGE_RANDOM, 1, page);
	struct zsim_swap_folio f = {.offset = 3, .data = page};
	assert_int_equal(zsim_zswap_store(z, &f, NULL), ZSIM_EIO);
	zsim_test_page(ZSIM_PAGE_TEXT, 2, page);
	f.offset = 4;
	enum zsim_swap_where w;
	assert_int_equal(zsim_zswap_store(z, &f, &w), 0);
	assert_int_equal(w, ZSIM_WHERE_ZSWAP);
	assert_int_equal(zsim_zswap_shrink_memcg(z, 0, 0), ZSIM_EAGAIN); /* rotation */
	assert_int_equal(zsim_zswap_shrink_memcg(z, 0, 0), ZSIM_EAGAIN); /* ENOSPC */
	struct zsim_zswap_stats st;
	zsim_zswap_stats(z, &st);
	assert_int_equal(st.reject_reclaim_fail, 1);
	assert_int_equal(st.stored_pages, 1);
	assert_int_equal(zsim_zswap_load(z, 0, 4, 0, 0, back, &w), 0);
	assert_int_equal(w, ZSIM_WHERE_ZSWAP);
	assert_memory_equal(back, page, ZSIM_PAGE_SIZE);
	struct zsim_swap_stats ss;
	assert_int_equal(zsim_zswap_swap_stats(z, 0, &ss), 0);
	assert_int_equal(ss.bytes_written, 0);
	assert_int_equal(ss.kind, ZSIM_SWAPDEV_FILE);
	zsim_zswap_destroy(z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_second_chance),
		cmocka_unit_test(test_swapcache_stops_shrinker),
		cmocka_unit_test(test_shrinker_count),
		cmocka_unit_test(test_shrink_worker),
		cmocka_unit_test(test_shrink_worker_thread),
		cmocka_unit_test(test_device_write_failure),
		cmocka_unit_test(test_full_and_readonly_device),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
