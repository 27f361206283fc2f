/*
 * test_zswap_threads.c - stores, loads and invalidates on real threads,
 * each thread owning its slots (the swap cache contract), while another
 * thread switches the compressor and takes CPUs offline and online.
 * Every load is checked against a reference map of slot -> bytes; at the
 * end stored_pages must equal the entries found slot by slot. Run under
 * TSan in CI.
 */
#include <pthread.h>

#include "testutil.h"

#define THREADS 4
#define SLOTS_PER_THREAD 512
#define OPS 3000

struct worker {
	struct zsim_zswap *z;
	unsigned id;
	uint64_t seed;
	/* reference: class/seed of the page in each slot, or -1 */
	int ref_class[SLOTS_PER_THREAD];
	uint64_t ref_index[SLOTS_PER_THREAD];
	unsigned long mismatches, ops;
	bool exclusive;
};

static atomic_int stop_churn;

static uint64_t next(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	unsigned char page[8 * ZSIM_PAGE_SIZE], back[ZSIM_PAGE_SIZE];
	uint64_t x = w->seed;
	uint64_t base = (uint64_t)w->id * SLOTS_PER_THREAD;
	for (unsigned i = 0; i < SLOTS_PER_THREAD; i++)
		w->ref_class[i] = -1;
	for (unsigned op = 0; op < OPS; op++) {
		unsigned slot = (unsigned)(next(&x) % SLOTS_PER_THREAD) & ~7u;
		unsigned kind = (unsigned)(next(&x) % 10);
		unsigned cpu = (unsigned)(next(&x) % 2);
		if (kind < 5) {
			unsigned order = next(&x) % 4 == 0 ? 3 : 0;
			unsigned nr = 1u << order;
			for (unsigned k = 0; k < nr; k++) {
				int cls = (int)(next(&x) % ZSIM_PAGE_CLASS_COUNT);
				uint64_t idx = next(&x);
				zsim_page_fill((enum zsim_page_class)cls, 1, idx, page + (size_t)k * ZSIM_PAGE_SIZE);
				w->ref_class[slot + k] = cls;
				w->ref_index[slot + k] = idx;
			}
			struct zsim_swap_folio f = {.offset = base + slot, .order = order,
						    .data = page, .memcg = w->id % 3, .cpu = cpu};
			int src = zsim_zswap_store(w->z, &f, NULL);
			if (src) {
				print_message("# store slot %u order %u: %s\n", slot, order,
					      zsim_strerror(src));
				w->mismatches++;
			}
		} else if (kind < 8) {
			enum zsim_swap_where from;
			int rc = zsim_zswap_load(w->z, 0, base + slot, w->id % 3, cpu, back, &from);
			if (w->ref_class[slot] < 0) {
				if (rc != ZSIM_ENOENT) {
					print_message("# load of empty slot %u: %d\n", slot, rc);
					w->mismatches++;
				}
			} else {
				zsim_page_fill((enum zsim_page_class)w->ref_class[slot], 1,
					       w->ref_index[slot], page);
				if (rc || memcmp(page, back, ZSIM_PAGE_SIZE)) {
					print_message("# load slot %u class %d from %d: %s\n", slot,
						      w->ref_class[slot], (int)from,
						      rc ? zsim_strerror(rc) : "wrong bytes");
					w->mismatches++;
				}
				/* An exclusive load from zswap empties the slot:
				 * the swap cache holds the only copy now. */
				if (!rc && from == ZSIM_WHERE_ZSWAP && w->exclusive)
					w->ref_class[slot] = -1;
			}
		} else {
			int irc = zsim_zswap_invalidate(w->z, 0, base + slot, 8);
			if (irc) {
				print_message("# invalidate slot %u: %s\n", slot, zsim_strerror(irc));
				w->mismatches++;
			}
			for (unsigned k = 0; k < 8; k++)
				w->ref_class[slot + k] = -1;
		}
		w->ops++;
	}
	return NULL;
}

static void *churn_main(void *arg)
{
	struct zsim_zswap *z = arg;
	const char *codecs[] = {"lz4", "zstd", "lzo"};
	unsigned i = 0;
	while (!atomic_load(&stop_churn)) {
		zsim_zswap_set_compressor(z, codecs[i % 3]);
		zsim_zswap_cpu_offline(z, i % 2);
		zsim_zswap_cpu_online(z, i % 2);
		i++;
	}
	return NULL;
}

static void run(const char *profile)
{
	struct zsim_zswap *z = zsim_test_zswap(profile, "lz4", 1ull << 30,
					       THREADS * SLOTS_PER_THREAD, NULL);
	static struct worker w[THREADS];
	pthread_t t[THREADS], churn;
	atomic_store(&stop_churn, 0);
	for (unsigned i = 0; i < THREADS; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].z = z;
		w[i].id = i;
		w[i].seed = zsim_test_seed() * 31 + i + 1;
		w[i].exclusive = strcmp(profile, "6.1") != 0;
		assert_int_equal(pthread_create(&t[i], NULL, worker_main, &w[i]), 0);
	}
	assert_int_equal(pthread_create(&churn, NULL, churn_main, z), 0);
	for (unsigned i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	atomic_store(&stop_churn, 1);
	pthread_join(churn, NULL);

	uint64_t entries = 0;
	for (unsigned i = 0; i < THREADS; i++) {
		assert_int_equal(w[i].mismatches, 0);
		for (unsigned s = 0; s < SLOTS_PER_THREAD; s++) {
			enum zsim_swap_where where;
			assert_int_equal(zsim_zswap_slot_state(z, 0, (uint64_t)i * SLOTS_PER_THREAD + s,
							       &where, NULL), 0);
			entries += where == ZSIM_WHERE_ZSWAP;
			assert_true((where == ZSIM_WHERE_NONE) == (w[i].ref_class[s] < 0));
		}
	}
	struct zsim_zswap_stats st;
	zsim_zswap_stats(z, &st);
	assert_int_equal(st.stored_pages, entries);
	struct zsim_zswap_meta m;
	zsim_zswap_meta(z, &m);
	assert_int_equal(m.entries, entries);
	zsim_zswap_destroy(z);
}

static void test_threads_6_13(void **state)
{
	(void)state;
	run("6.13");
}

static void test_threads_latest(void **state)
{
	(void)state;
	run("latest");
}

static void test_threads_6_1(void **state)
{
	(void)state;
	run("6.1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threads_6_13),
		cmocka_unit_test(test_threads_latest),
		cmocka_unit_test(test_threads_6_1),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
