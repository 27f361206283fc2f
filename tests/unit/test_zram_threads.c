/*
 * test_zram_threads.c - real threads on one device: each thread owns a
 * range of slots and writes, overwrites, reads (comparing every byte with
 * what it last wrote), frees and discards them, on its own simulated CPU
 * and on a shared one (two threads on one stream); meanwhile another
 * thread marks idle, writes back idle pages, recompresses and compacts.
 * At the end the counters add up and every live slot reads back. Run
 * under TSan by the tsan preset.
 */
#include "zram_testutil.h"

#include <pthread.h>

#define THREADS 4
#define SLOTS_PER 256
#define ROUNDS 1500

struct worker {
	struct zsim_zram *z;
	unsigned id, cpu;
	unsigned char (*last)[ZSIM_PAGE_SIZE];
	bool *live;
	uint64_t seed;
	int failures;
};

static uint64_t next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void make_page(unsigned char *page, uint64_t r)
{
	switch (r % 5) {
	case 0: memset(page, (int)(r >> 8), ZSIM_PAGE_SIZE); break; /* same-filled */
	case 1: zsim_test_page_partly_random(page, 3900, r); break;   /* huge */
	default: zsim_test_page((enum zsim_page_class)(2 + r % 4), r, page); break;
	}
}

static void *work(void *arg)
{
	struct worker *w = arg;
	unsigned char page[ZSIM_PAGE_SIZE];
	uint32_t base = w->id * SLOTS_PER;
	for (unsigned r = 0; r < ROUNDS; r++) {
		uint64_t x = next(&w->seed);
		uint32_t k = (uint32_t)(x % SLOTS_PER), idx = base + k;
		switch ((x >> 20) % 8) {
		case 0: case 1: case 2: case 3:
			make_page(w->last[k], x >> 24);
			if (zsim_zram_write(w->z, idx, w->last[k], w->cpu))
				w->failures++;
			w->live[k] = true;
			break;
		case 4: case 5: case 6: {
			int rc = zsim_zram_read(w->z, idx, page, w->cpu);
			if (w->live[k]) {
				if (rc || memcmp(page, w->last[k], ZSIM_PAGE_SIZE))
					w->failures++;
			} else if (rc != ZSIM_ENOENT) {
				w->failures++;
			}
			break;
		}
		default:
			if (x & (1u << 30))
				zsim_zram_slot_free_notify(w->z, idx);
			else
				zsim_zram_discard(w->z, idx, 1);
			w->live[k] = false;
			break;
		}
	}
	return NULL;
}

static _Atomic int stop;

static void *maintain(void *arg)
{
	struct zsim_zram *z = arg;
	int rounds = 0;
	while (!atomic_load(&stop) || rounds < 3) {
		zsim_zram_store(z, "idle", "all");
		zsim_zram_store(z, "writeback", "idle");
		if (strcmp(zsim_zram_profile_name(z), "6.1"))
			zsim_zram_store(z, "recompress", "type=huge");
		zsim_zram_compact(z);
		rounds++;
	}
	return NULL;
}

static void run(const char *profile)
{
	struct zsim_zram *z = zt_new(profile);
	assert_int_equal(zsim_zram_set_comp_algorithm(z, "lz4"), 0);
	if (strcmp(profile, "6.1"))
		assert_int_equal(zsim_zram_store(z, "recomp_algorithm", "algo=zstd priority=1"), 0);
	assert_int_equal(zsim_zram_set_backing_dev(z, NULL, THREADS * SLOTS_PER * 4), 0);
	assert_int_equal(zsim_zram_set_disksize(z, THREADS * SLOTS_PER * ZSIM_PAGE_SIZE), 0);
	static unsigned char last[THREADS][SLOTS_PER][ZSIM_PAGE_SIZE];
	static bool live[THREADS][SLOTS_PER];
	memset(live, 0, sizeof(live));
	struct worker w[THREADS];
	pthread_t t[THREADS], m;
	atomic_store(&stop, 0);
	assert_int_equal(pthread_create(&m, NULL, maintain, z), 0);
	for (unsigned i = 0; i < THREADS; i++) {
		/* threads 2 and 3 share cpu 1 with thread 1 */
		w[i] = (struct worker){z, i, i == 0 ? 0 : 1, last[i], live[i],
				       zsim_test_seed() * 31 + i + 1, 0};
		assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
	}
	for (unsigned i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].failures, 0);
	}
	atomic_store(&stop, 1);
	pthread_join(m, NULL);
	uint64_t nlive = 0;
	for (unsigned i = 0; i < THREADS; i++)
		for (uint32_t k = 0; k < SLOTS_PER; k++) {
			unsigned char page[ZSIM_PAGE_SIZE];
			int rc = zsim_zram_read(z, i * SLOTS_PER + k, page, 0);
			if (live[i][k]) {
				nlive++;
				assert_int_equal(rc, 0);
				assert_memory_equal(page, last[i][k], ZSIM_PAGE_SIZE);
			} else {
				assert_int_equal(rc, ZSIM_ENOENT);
			}
		}
	struct zsim_zram_stats st = zt_stats(z);
	assert_int_equal(st.pages_stored, nlive);
	assert_int_equal(st.failed_writes, 0);
	assert_int_equal(st.failed_reads, 0);
	assert_true(st.bd_writes > 0);
	assert_true(st.stream_contended > 0 || THREADS < 3);
	printf("# %s: live %llu, written back %llu, bd_reads %llu, recompressed %llu, "
	       "stream contention %llu, miss_free %llu\n",
	       profile, (unsigned long long)nlive, (unsigned long long)st.bd_writes,
	       (unsigned long long)st.bd_reads, (unsigned long long)st.recompressed,
	       (unsigned long long)st.stream_contended, (unsigned long long)st.miss_free);
	/* everything freed: nothing left in the pool or on the device */
	assert_int_equal(zsim_zram_discard(z, 0, THREADS * SLOTS_PER), 0);
	st = zt_stats(z);
	assert_int_equal(st.pages_stored, 0);
	assert_int_equal(st.compr_data_size, 0);
	assert_int_equal(st.bd_count, 0);
	assert_int_equal(st.same_pages, 0);
	assert_int_equal(st.huge_pages, 0);
	zsim_zram_destroy(z);
}

static void test_threads_6_1(void **state) { (void)state; run("6.1"); }
static void test_threads_6_12(void **state) { (void)state; run("6.12"); }
static void test_threads_latest(void **state) { (void)state; run("latest"); }

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threads_6_1),
		cmocka_unit_test(test_threads_6_12),
		cmocka_unit_test(test_threads_latest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
