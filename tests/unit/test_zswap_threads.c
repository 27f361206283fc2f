/*
 * test_zswap_threads.c - stores, loads and invalidates on real threads,
 * each thread owning its slots (the swap cache contract), while another
 * thread switches the compressor and takes CPUs offline and online.
 * Single pages go anywhere, order-3 folios at aligned slots; a load reads
 * every page of an aligned group of 8 (one by one or as one batch) and
 * compares each against a reference map of slot -> bytes; at the end
 * stored_pages must equal the entries found slot by slot, and every page
 * still held is read back and compared. Run under TSan in CI.
 */
#include <pthread.h>

#include "testutil.h"

#include "common/compiler.h"

#define THREADS 4
#define SLOTS_PER_THREAD 512
#define OPS 3000
#define FOLIO 8 /* pages of the large folios stored (order 3) */

struct worker {
	struct zsim_zswap *z;
	unsigned id;
	uint64_t seed;
	/* reference: class/seed of the page in each slot, or -1 */
	int ref_class[SLOTS_PER_THREAD];
	uint64_t ref_index[SLOTS_PER_THREAD];
	unsigned long mismatches, ops, checked;
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

/* Compare one loaded page with the reference; update the reference after
 * an exclusive load from zswap. */
static void check_page(struct worker *w, unsigned slot, int rc, enum zsim_swap_where from,
		       const unsigned char *back, unsigned char *want)
{
	if (w->ref_class[slot] < 0) {
		if (rc != ZSIM_ENOENT) {
			print_message("# load of empty slot %u: %d\n", slot, rc);
			w->mismatches++;
		}
		return;
	}
	zsim_page_fill((enum zsim_page_class)w->ref_class[slot], 1, w->ref_index[slot], want);
	if (rc || memcmp(want, back, ZSIM_PAGE_SIZE)) {
		print_message("# load slot %u class %d from %d: %s\n", slot, w->ref_class[slot],
			      (int)from, rc ? zsim_strerror(rc) : "wrong bytes");
		w->mismatches++;
	}
	w->checked++;
	/* An exclusive load from zswap empties the slot: the swap cache
	 * holds the only copy now. */
	if (!rc && from == ZSIM_WHERE_ZSWAP && w->exclusive)
		w->ref_class[slot] = -1;
}

/* Load all FOLIO slots of the group holding `slot`, one by one or as one
 * batch (readahead), and compare every page: a large folio's pages are
 * each checked, not only its first. */
static void load_group(struct worker *w, uint64_t base, unsigned slot, unsigned cpu, bool batch,
		       unsigned char *pages, unsigned char *want)
{
	unsigned first = slot & ~(FOLIO - 1);
	enum zsim_swap_where from[FOLIO];
	int res[FOLIO];
	if (batch) {
		uint64_t offs[FOLIO];
		for (unsigned k = 0; k < FOLIO; k++)
			offs[k] = base + first + k;
		int rc = zsim_zswap_load_batch(w->z, 0, offs, FOLIO, w->id % 3, cpu, pages, from,
					       res);
		if (rc) {
			print_message("# load_batch at %u: %s\n", first, zsim_strerror(rc));
			w->mismatches++;
			return;
		}
	} else {
		for (unsigned k = 0; k < FOLIO; k++)
			res[k] = zsim_zswap_load(w->z, 0, base + first + k, w->id % 3, cpu,
						 pages + (size_t)k * ZSIM_PAGE_SIZE, &from[k]);
	}
	for (unsigned k = 0; k < FOLIO; k++)
		check_page(w, first + k, res[k], from[k], pages + (size_t)k * ZSIM_PAGE_SIZE, want);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	unsigned char page[FOLIO * ZSIM_PAGE_SIZE], back[FOLIO * ZSIM_PAGE_SIZE];
	unsigned char want[ZSIM_PAGE_SIZE];
	uint64_t x = w->seed;
	uint64_t base = (uint64_t)w->id * SLOTS_PER_THREAD;
	for (unsigned i = 0; i < SLOTS_PER_THREAD; i++)
		w->ref_class[i] = -1;
	for (unsigned op = 0; op < OPS; op++) {
		unsigned slot = (unsigned)(next(&x) % SLOTS_PER_THREAD);
		unsigned kind = (unsigned)(next(&x) % 10);
		unsigned cpu = (unsigned)(next(&x) % 2);
		if (kind < 5) {
			/* single pages anywhere, order-3 folios aligned */
			unsigned order = next(&x) % 4 == 0 ? 3 : 0;
			unsigned nr = 1u << order;
			if (order)
				slot &= ~(nr - 1);
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
			load_group(w, base, slot, cpu, kind == 7, back, want);
		} else {
			/* a single slot or a whole aligned group */
			unsigned first = kind == 8 ? slot : slot & ~(FOLIO - 1);
			unsigned nr = kind == 8 ? 1 : FOLIO;
			int irc = zsim_zswap_invalidate(w->z, 0, base + first, nr);
			if (irc) {
				print_message("# invalidate slot %u: %s\n", first, zsim_strerror(irc));
				w->mismatches++;
			}
			for (unsigned k = 0; k < nr; k++)
				w->ref_class[first + k] = -1;
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
	/* entry_bytes: the entry cache's whole pages (under ASan, where each
	 * entry is its own malloc(), live entries x 40), so at least every
	 * live entry's 40 bytes. */
	assert_true(m.entry_bytes >= entries * 40);
	if (!ZSIM_ASAN)
		assert_int_equal(m.entry_bytes % ZSIM_PAGE_SIZE, 0);
	else
		assert_int_equal(m.entry_bytes, entries * 40);
	/* Every page still held, of every folio stored, read back and compared. */
	unsigned long checked = 0, held = 0;
	unsigned char *pages = malloc(FOLIO * ZSIM_PAGE_SIZE), want[ZSIM_PAGE_SIZE];
	assert_non_null(pages);
	for (unsigned i = 0; i < THREADS; i++) {
		for (unsigned s = 0; s < SLOTS_PER_THREAD; s++)
			held += w[i].ref_class[s] >= 0;
		for (unsigned g = 0; g < SLOTS_PER_THREAD; g += FOLIO)
			load_group(&w[i], (uint64_t)i * SLOTS_PER_THREAD, g, 0, g % 16 == 0, pages,
				   want);
		assert_int_equal(w[i].mismatches, 0);
		checked += w[i].checked;
	}
	free(pages);
	print_message("# %s: %lu pages compared (%lu at the end)\n", profile, checked, held);
	assert_true(held > 0);
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
