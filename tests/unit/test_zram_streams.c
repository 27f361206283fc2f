/*
 * test_zram_streams.c - the per-CPU compression streams and CPU hotplug:
 * a CPU taken offline loses its streams (zcomp_cpu_dead) and I/O naming it
 * runs on another CPU's; online makes them again; the last online CPU
 * cannot go; an out-of-range cpu index in I/O wraps (the kernel has no
 * such index). Threads writing and reading on a CPU while another thread
 * takes it offline and online keep every byte (run under TSan by the
 * tsan preset). Stream memory follows the online CPUs.
 */
#include "zram_testutil.h"

#include <pthread.h>

static void test_hotplug_rules(void **state)
{
	(void)state;
	for (unsigned p = 0; p < ZSIM_ARRAY_N(zt_profiles); p++) {
		struct zsim_zram *z = zt_new(zt_profiles[p]);
		assert_int_equal(zsim_zram_cpu_offline(z, 2), ZSIM_ERANGE);
		/* offline before disksize: its streams are never made */
		assert_int_equal(zsim_zram_cpu_offline(z, 1), 0);
		assert_int_equal(zsim_zram_cpu_offline(z, 0), ZSIM_EBUSY);
		assert_int_equal(zsim_zram_set_disksize(z, 64 * ZSIM_PAGE_SIZE), 0);
		struct zsim_zram_meta m1, m2;
		assert_int_equal(zsim_zram_meta(z, &m1), 0);
		unsigned char page[ZSIM_PAGE_SIZE];
		zsim_test_page(ZSIM_PAGE_TEXT, 5, page);
		assert_int_equal(zsim_zram_write(z, 3, page, 1), 0); /* runs on cpu 0 */
		zt_expect(z, 3, page);
		assert_int_equal(zsim_zram_write(z, 4, page, 7), 0); /* wraps */
		assert_int_equal(zsim_zram_cpu_online(z, 1), 0);
		assert_int_equal(zsim_zram_cpu_online(z, 1), 0); /* already */
		assert_int_equal(zsim_zram_meta(z, &m2), 0);
		assert_true(m2.stream_bytes > m1.stream_bytes);
		assert_int_equal(zsim_zram_cpu_offline(z, 0), 0);
		zt_expect(z, 3, page);
		zt_expect(z, 4, page);
		assert_int_equal(zsim_zram_cpu_offline(z, 1), ZSIM_EBUSY);
		zsim_zram_destroy(z);
	}
}

struct io {
	struct zsim_zram *z;
	uint32_t base;
	int failures;
};

static _Atomic int stop;

static void *io_main(void *arg)
{
	struct io *w = arg;
	unsigned char page[ZSIM_PAGE_SIZE], got[ZSIM_PAGE_SIZE];
	for (unsigned r = 0; r < 2000; r++) {
		uint32_t i = w->base + r % 32;
		zsim_test_page((enum zsim_page_class)(2 + r % 4), r, page);
		if (zsim_zram_write(w->z, i, page, 1))
			w->failures++;
		if (zsim_zram_read(w->z, i, got, 1) || memcmp(page, got, sizeof(page)))
			w->failures++;
	}
	return NULL;
}

static void *plug_main(void *arg)
{
	struct zsim_zram *z = arg;
	while (!atomic_load(&stop)) {
		zsim_zram_cpu_offline(z, 1);
		zsim_zram_cpu_online(z, 1);
	}
	return NULL;
}

static void test_hotplug_under_io(void **state)
{
	(void)state;
	for (unsigned p = 0; p < ZSIM_ARRAY_N(zt_profiles); p++) {
		struct zsim_zram *z = zt_dev(zt_profiles[p], "lz4", 128);
		struct io w[2] = {{z, 0, 0}, {z, 64, 0}};
		pthread_t t[2], h;
		atomic_store(&stop, 0);
		assert_int_equal(pthread_create(&h, NULL, plug_main, z), 0);
		for (int i = 0; i < 2; i++)
			assert_int_equal(pthread_create(&t[i], NULL, io_main, &w[i]), 0);
		for (int i = 0; i < 2; i++) {
			pthread_join(t[i], NULL);
			assert_int_equal(w[i].failures, 0);
		}
		atomic_store(&stop, 1);
		pthread_join(h, NULL);
		struct zsim_zram_stats st = zt_stats(z);
		assert_int_equal(st.pages_stored, 64);
		assert_int_equal(st.failed_writes + st.failed_reads, 0);
		printf("# %s: stream waits %llu\n", zt_profiles[p],
		       (unsigned long long)st.stream_contended);
		zsim_zram_destroy(z);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hotplug_rules),
		cmocka_unit_test(test_hotplug_under_io),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
