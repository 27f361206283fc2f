/*
 * test_iaa_zswap.c - zswap on the IAA drivers: large-folio stores and
 * readahead loads through the batch interface give the same stored bytes
 * and counters with batching on and off (deflate-iaa-sim, and deflate-iaa
 * on the mock device, which writes the stand-in's bytes); the modelled
 * latency of the calling thread's last store/load
 * (zsim_zswap_last_modelled_ns) is the model's sum over the codec calls
 * made; with no device, a zswap asking for deflate-iaa fails cleanly.
 */
#include "testutil.h"

#include <pthread.h>

#include "iaa_mock.h"
#include "zswap/zswap_internal.h"

/* The model's figures with the default parameters (test_iaa_model.c). */
#define SYNC_C 3207ull /* one 4 KiB compress */
#define SYNC_D 2166ull /* one 4 KiB decompress */
/* n 4 KiB jobs submitted back to back on 8 engines, n <= 8. */
static uint64_t batch_c(unsigned n) { return 300ull * n + 2507 + 400; }
static uint64_t batch_d(unsigned n) { return 160ull * n + 1606 + 400; }

static struct zsim_zswap *make(const char *codec, int batch)
{
	struct zsim_zswap_config cfg;
	zsim_zswap_config_init(&cfg);
	cfg.profile = "6.13";
	cfg.compressor = codec;
	cfg.nr_cpus = 1;
	cfg.batch = batch;
	struct zsim_zswap *z;
	assert_int_equal(zsim_zswap_create(&cfg, &z), 0);
	assert_int_equal(zsim_zswap_swapon(z, 0, 4096), 0);
	return z;
}

/* The compressed bytes a slot holds (reaching into the internals). */
static size_t stored(struct zsim_zswap *z, uint64_t off, unsigned char *out)
{
	struct zsim_entry *e = zsim_xtree_load(zsim_swap_tree(&z->swap[0], off), off);
	if (!e || !e->length)
		return 0;
	struct zsim_pool *p = z->pools[e->pool_idx];
	unsigned char copy[ZSIM_PAGE_SIZE];
	const void *src;
	assert_int_equal(zsim_zpool_read_begin(p->zpool, e->handle, e->length, 0, copy, &src), 0);
	memcpy(out, src, e->length);
	zsim_zpool_read_end(p->zpool, e->handle, 0, src);
	return e->length;
}

static const unsigned orders[] = {0, 1, 2, 3, 4, 9, 4};

/* Store the folios; mod[k] gets each store's modelled latency. The last
 * folio has one random page (stored nowhere: the folio goes to the device). */
static uint64_t store_folios(struct zsim_zswap *z, uint64_t *mod)
{
	unsigned char *data = malloc(512 * ZSIM_PAGE_SIZE);
	uint64_t off = 0;
	for (size_t k = 0; k < ZSIM_ARRAY_N(orders); k++) {
		unsigned nr = 1u << orders[k];
		bool bad = k + 1 == ZSIM_ARRAY_N(orders);
		for (unsigned i = 0; i < nr; i++)
			zsim_test_page(bad && i == 11 ? ZSIM_PAGE_RANDOM : ZSIM_PAGE_TYPICAL, off + i,
				       data + (size_t)i * ZSIM_PAGE_SIZE);
		struct zsim_swap_folio f = {.offset = off, .order = orders[k], .data = data};
		enum zsim_swap_where w;
		assert_int_equal(zsim_zswap_store(z, &f, &w), 0);
		assert_int_equal(w, bad ? ZSIM_WHERE_DEVICE : ZSIM_WHERE_ZSWAP);
		if (mod)
			mod[k] = zsim_zswap_last_modelled_ns();
		off += nr;
	}
	free(data);
	return off;
}

/* Same counters, same compressed bytes in every slot. */
static void same_stored(struct zsim_zswap *a, struct zsim_zswap *b, uint64_t nslots)
{
	struct zsim_zswap_stats sa, sb;
	zsim_zswap_stats(a, &sa);
	zsim_zswap_stats(b, &sb);
	assert_memory_equal(&sa, &sb, sizeof(sa));
	assert_true(sa.stored_pages > 500);
	assert_int_equal(sa.reject_compress_fail, 1); /* the random page */
	unsigned char x[ZSIM_PAGE_SIZE], y[ZSIM_PAGE_SIZE];
	for (uint64_t s = 0; s < nslots; s++) {
		size_t la = stored(a, s, x), lb = stored(b, s, y);
		assert_int_equal(la, lb);
		assert_memory_equal(x, y, la);
	}
}

/* ... and the same pages and counters after loading every slot. */
static void same_everything(struct zsim_zswap *a, struct zsim_zswap *b, uint64_t nslots)
{
	same_stored(a, b, nslots);
	struct zsim_zswap_stats sa, sb;
	unsigned char x[ZSIM_PAGE_SIZE], y[ZSIM_PAGE_SIZE];
	for (uint64_t s = 0; s < nslots; s++) {
		assert_int_equal(zsim_zswap_load(a, 0, s, 0, 0, x, NULL), 0);
		assert_int_equal(zsim_zswap_load(b, 0, s, 0, 0, y, NULL), 0);
		assert_memory_equal(x, y, ZSIM_PAGE_SIZE);
	}
	zsim_zswap_stats(a, &sa);
	zsim_zswap_stats(b, &sb);
	assert_memory_equal(&sa, &sb, sizeof(sa));
}

/* The table: modelled latency per folio, batched vs not. */
static void test_sim_batch_on_off(void **state)
{
	(void)state;
	struct zsim_zswap *on = make("deflate-iaa-sim", 1), *off = make("deflate-iaa-sim", 0);
	uint64_t mon[ZSIM_ARRAY_N(orders)], moff[ZSIM_ARRAY_N(orders)];
	uint64_t n = store_folios(on, mon);
	store_folios(off, moff);
	for (size_t k = 0; k + 1 < ZSIM_ARRAY_N(orders); k++) {
		unsigned nr = 1u << orders[k];
		uint64_t want_on = nr == 1 ? SYNC_C : (nr / 8) * batch_c(8) + (nr % 8 ? batch_c(nr % 8) : 0);
		print_message("# order %u (%4u KiB): batched %8.1f us, one by one %8.1f us, x%.2f\n",
			      orders[k], nr * 4, mon[k] / 1e3, moff[k] / 1e3,
			      (double)moff[k] / (double)mon[k]);
		assert_int_equal(moff[k], nr * SYNC_C);
		assert_int_equal(mon[k], want_on);
	}
	/* The folio with the random page stops at the batch holding it. */
	assert_int_equal(mon[6], 2 * batch_c(8));
	assert_int_equal(moff[6], 12 * SYNC_C);
	same_everything(on, off, n);
	zsim_zswap_destroy(on);
	zsim_zswap_destroy(off);
}

static void *other_thread(void *arg)
{
	struct zsim_zswap *z = arg;
	unsigned char page[ZSIM_PAGE_SIZE];
	zsim_test_page(ZSIM_PAGE_TEXT, 1, page);
	struct zsim_swap_folio f = {.offset = 4000, .data = page};
	assert_int_equal(zsim_zswap_store(z, &f, NULL), 0);
	assert_int_equal(zsim_zswap_last_modelled_ns(), SYNC_C);
	return NULL;
}

static void test_modelled_loads(void **state)
{
	(void)state;
	struct zsim_zswap *on = make("deflate-iaa-sim", 1), *off = make("deflate-iaa-sim", 0);
	store_folios(on, NULL);
	store_folios(off, NULL);
	unsigned char page[ZSIM_PAGE_SIZE], *pages = malloc(16 * ZSIM_PAGE_SIZE);
	assert_int_equal(zsim_zswap_load(on, 0, 40, 0, 0, page, NULL), 0);
	assert_int_equal(zsim_zswap_last_modelled_ns(), SYNC_D);
	/* Readahead of 10 compressed slots, a miss and a device slot. */
	const uint64_t offs[] = {100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 4095, 550};
	int res[ZSIM_ARRAY_N(offs)];
	enum zsim_swap_where from[ZSIM_ARRAY_N(offs)];
	assert_int_equal(zsim_zswap_load_batch(on, 0, offs, ZSIM_ARRAY_N(offs), 0, 0, pages, from,
					       res), 0);
	assert_int_equal(res[10], ZSIM_ENOENT);
	assert_int_equal(from[11], ZSIM_WHERE_DEVICE);
	/* Two submissions: 8 + 2 jobs. */
	uint64_t b = zsim_zswap_last_modelled_ns();
	print_message("# readahead of 10 zswap pages: batched %.1f us\n", b / 1e3);
	assert_int_equal(b, batch_d(8) + batch_d(2));
	assert_int_equal(zsim_zswap_load_batch(off, 0, offs, ZSIM_ARRAY_N(offs), 0, 0, pages, from,
					       res), 0);
	print_message("# readahead of 10 zswap pages: one by one %.1f us\n",
		      zsim_zswap_last_modelled_ns() / 1e3);
	assert_int_equal(zsim_zswap_last_modelled_ns(), 10 * SYNC_D);
	/* Per thread: another thread's store leaves ours alone. */
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, other_thread, on), 0);
	pthread_join(t, NULL);
	assert_int_equal(zsim_zswap_last_modelled_ns(), 10 * SYNC_D);
	/* No codec ran: 0. */
	assert_int_equal(zsim_zswap_load(on, 0, 550, 0, 0, page, NULL), 0); /* the device */
	assert_int_equal(zsim_zswap_last_modelled_ns(), 0);
	free(pages);
	zsim_zswap_destroy(on);
	zsim_zswap_destroy(off);

	/* A codec without a model: 0. */
	struct zsim_zswap *z = make("lz4", 1);
	zsim_test_page(ZSIM_PAGE_TEXT, 1, page);
	struct zsim_swap_folio f = {.offset = 1, .data = page};
	assert_int_equal(zsim_zswap_store(z, &f, NULL), 0);
	assert_int_equal(zsim_zswap_last_modelled_ns(), 0);
	zsim_zswap_destroy(z);
}

/* deflate-iaa with no device: a clean error, nothing else. */
static void test_no_device(void **state)
{
	(void)state;
	char why[160];
	int rc = zsim_codec_probe("deflate-iaa", why, sizeof(why));
	if (rc == 0) {
		zsim_test_skip("an IAA work queue is here (%s)", why);
	}
	assert_int_equal(rc, ZSIM_ENODEV);
	assert_null(strchr(why, '\n'));
	print_message("# probe: %s\n", why);
	struct zsim_zswap_config cfg;
	zsim_zswap_config_init(&cfg);
	cfg.compressor = "deflate-iaa";
	cfg.nr_cpus = 1;
	struct zsim_zswap *z = NULL;
	assert_int_equal(zsim_zswap_create(&cfg, &z), ZSIM_ENODEV);
	assert_null(z);
	/* The stand-in is there, and says it is one. */
	assert_int_equal(zsim_codec_probe("deflate-iaa-sim", why, sizeof(why)), 0);
}

/* The hardware path on the mock: the same bytes as the stand-in (the mock
 * executes with the stand-in's encoder), identical with batching on and
 * off, and no modelled time (the driver measures). */
static void test_mock_batch_on_off(void **state)
{
	(void)state;
	struct iaa_mock *m;
	struct iaa_mock_config cfg = {.threaded = true};
	assert_int_equal(iaa_mock_create(&cfg, &m), 0);
	iaa_mock_plug(m);
	struct zsim_zswap *on = make("deflate-iaa", 1), *off = make("deflate-iaa", 0);
	struct zsim_zswap *sim = make("deflate-iaa-sim", 1);
	uint64_t mod[ZSIM_ARRAY_N(orders)];
	uint64_t n = store_folios(on, mod);
	for (size_t k = 0; k < ZSIM_ARRAY_N(orders); k++)
		assert_int_equal(mod[k], 0);
	store_folios(off, NULL);
	store_folios(sim, NULL);
	same_stored(on, sim, n);
	same_everything(on, off, n);
	zsim_zswap_destroy(on);
	zsim_zswap_destroy(off);
	zsim_zswap_destroy(sim);
	struct iaa_mock_stats st;
	iaa_mock_stats(m, &st);
	assert_true(st.compresses > 2 * 500);
	assert_int_equal(st.invalid, 0);
	iaa_mock_unplug();
	iaa_mock_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_device),
		cmocka_unit_test(test_sim_batch_on_off),
		cmocka_unit_test(test_modelled_loads),
		cmocka_unit_test(test_mock_batch_on_off),
	};
	return zsim_test_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
