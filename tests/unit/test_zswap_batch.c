/*
 * test_zswap_batch.c - zswap compresses a large folio's pages in batches
 * through the codec's batch interface (submit, then poll). Results and
 * counters must be identical with batching on and off; per-CPU batch
 * buffers exist only for codecs that batch, and only with batching on.
 *
 * The batching codec here is a test driver: lz4 behind an asynchronous
 * submit/poll with max_batch 4 that completes two jobs per poll, in
 * reverse order, so a zswap that read results too early or out of order
 * would store wrong bytes.
 */
#include "testutil.h"

#include "codec/codec_internal.h"

struct abatch {
	void *lz4;
	struct zsim_codec_job *jobs;
	unsigned n, done;
	enum zsim_codec_op op;
	unsigned submits, polls;
};

static struct abatch *last_ctx;

static int ab_alloc(const struct zsim_codec_params *p, void **ctx)
{
	struct abatch *a = calloc(1, sizeof(*a));
	if (!a)
		return ZSIM_ENOMEM;
	int rc = zsim_codec_lz4_ops.ctx_alloc(p, &a->lz4);
	if (rc) {
		free(a);
		return rc;
	}
	last_ctx = a;
	*ctx = a;
	return 0;
}

static void ab_free(void *ctx)
{
	struct abatch *a = ctx;
	zsim_codec_lz4_ops.ctx_free(a->lz4);
	free(a);
}

static int ab_compress(void *ctx, const void *s, size_t sl, void *d, size_t *dl)
{
	return zsim_codec_lz4_ops.compress(((struct abatch *)ctx)->lz4, s, sl, d, dl);
}

static int ab_decompress(void *ctx, const void *s, size_t sl, void *d, size_t *dl)
{
	return zsim_codec_lz4_ops.decompress(((struct abatch *)ctx)->lz4, s, sl, d, dl);
}

static int ab_submit(void *ctx, enum zsim_codec_op op, struct zsim_codec_job *jobs, unsigned n)
{
	struct abatch *a = ctx;
	a->jobs = jobs;
	a->n = n;
	a->done = 0;
	a->op = op;
	a->submits++;
	for (unsigned i = 0; i < n; i++)
		jobs[i].status = 1; /* in flight */
	return 0;
}

static int ab_poll(void *ctx, struct zsim_codec_job *jobs, unsigned n)
{
	struct abatch *a = ctx;
	(void)jobs;
	a->polls++;
	for (unsigned k = 0; k < 2 && a->done < n; k++, a->done++) {
		struct zsim_codec_job *j = &a->jobs[n - 1 - a->done]; /* reverse order */
		j->dst_len = j->dst_cap;
		j->status = a->op == ZSIM_CODEC_COMPRESS
				    ? ab_compress(a, j->src, j->src_len, j->dst, &j->dst_len)
				    : ab_decompress(a, j->src, j->src_len, j->dst, &j->dst_len);
	}
	return (int)(n - a->done);
}

static const struct zsim_codec_ops abatch_ops = {
	.name = "lz4-abatch",
	.driver_name = "lz4-abatch-test",
	.description = "lz4 behind an asynchronous batch interface (test driver)",
	.priority = 1,
	.max_batch = 4,
	.ctx_alloc = ab_alloc,
	.ctx_free = ab_free,
	.compress = ab_compress,
	.decompress = ab_decompress,
	.batch_submit = ab_submit,
	.batch_poll = ab_poll,
};

static struct zsim_zswap *make(int batch)
{
	struct zsim_zswap_config cfg;
	zsim_zswap_config_init(&cfg);
	cfg.profile = "6.13";
	cfg.compressor = "lz4-abatch";
	cfg.nr_cpus = 1;
	cfg.batch = batch;
	struct zsim_zswap *z;
	assert_int_equal(zsim_zswap_create(&cfg, &z), 0);
	assert_int_equal(zsim_zswap_swapon(z, 0, 4096), 0);
	return z;
}

static void store_folios(struct zsim_zswap *z)
{
	unsigned char *data = malloc(512 * ZSIM_PAGE_SIZE);
	uint64_t off = 0;
	const unsigned orders[] = {0, 2, 3, 4, 9, 1};
	for (size_t k = 0; k < ZSIM_ARRAY_N(orders); k++) {
		unsigned nr = 1u << orders[k];
		for (unsigned i = 0; i < nr; i++) /* one random page in the 2M folio */
			zsim_test_page(k == 4 && i == 77 ? ZSIM_PAGE_RANDOM : ZSIM_PAGE_TYPICAL,
				       off + i, data + (size_t)i * ZSIM_PAGE_SIZE);
		struct zsim_swap_folio f = {.offset = off, .order = orders[k], .data = data};
		enum zsim_swap_where w;
		assert_int_equal(zsim_zswap_store(z, &f, &w), 0);
		assert_int_equal(w, k == 4 ? ZSIM_WHERE_DEVICE : ZSIM_WHERE_ZSWAP);
		off += nr;
	}
	free(data);
}

static void test_batch_on_off_identical(void **state)
{
	(void)state;
	assert_int_equal(zsim_codec_register(&abatch_ops), 0);
	struct zsim_zswap *on = make(1), *off = make(0);
	store_folios(on);
	store_folios(off);
	struct zsim_zswap_stats a, b;
	zsim_zswap_stats(on, &a);
	zsim_zswap_stats(off, &b);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_true(a.stored_pages > 0);
	assert_int_equal(a.reject_compress_fail, 1); /* the random page */
	/* Same slots, same compressed lengths, same bytes back. */
	unsigned char x[ZSIM_PAGE_SIZE], y[ZSIM_PAGE_SIZE];
	for (uint64_t s = 0; s < 1 + 4 + 8 + 16 + 512 + 2; s++) {
		enum zsim_swap_where wa, wb;
		size_t la, lb;
		assert_int_equal(zsim_zswap_slot_state(on, 0, s, &wa, &la), 0);
		assert_int_equal(zsim_zswap_slot_state(off, 0, s, &wb, &lb), 0);
		assert_int_equal(wa, wb);
		assert_int_equal(la, lb);
		assert_int_equal(zsim_zswap_load(on, 0, s, 0, 0, x, NULL), 0);
		assert_int_equal(zsim_zswap_load(off, 0, s, 0, 0, y, NULL), 0);
		assert_memory_equal(x, y, ZSIM_PAGE_SIZE);
	}
	/* Batch buffers cost memory only where batching is on. */
	size_t mem_on = zsim_zswap_ctx_memory(on, 0), mem_off = zsim_zswap_ctx_memory(off, 0);
	assert_int_equal(mem_on - mem_off, 3 * 2 * ZSIM_PAGE_SIZE); /* 4 buffers vs 1, 2 pages each */
	zsim_zswap_destroy(on);
	zsim_zswap_destroy(off);
	assert_int_equal(zsim_codec_unregister("lz4-abatch-test"), 0);
}

/* The batch interface is really used with batching on (submissions and
 * polls happen), and not at all with batching off. */
static void test_batch_interface_used(void **state)
{
	(void)state;
	assert_int_equal(zsim_codec_register(&abatch_ops), 0);
	unsigned char *data = malloc(8 * ZSIM_PAGE_SIZE);
	for (unsigned i = 0; i < 8; i++)
		zsim_test_page(ZSIM_PAGE_TEXT, i, data + (size_t)i * ZSIM_PAGE_SIZE);
	struct zsim_swap_folio f = {.offset = 0, .order = 3, .data = data};
	for (int batch = -1; batch <= 1; batch++) { /* -1: the profile's (no batching) */
		struct zsim_zswap *z = make(batch);
		struct abatch *ctx = last_ctx; /* the pool's only per-CPU context */
		assert_non_null(ctx);
		ctx->submits = ctx->polls = 0;
		assert_int_equal(zsim_zswap_store(z, &f, NULL), 0);
		if (batch > 0) {
			assert_int_equal(ctx->submits, 2); /* 8 pages in batches of 4 */
			assert_int_equal(ctx->polls, 4);   /* two jobs per poll */
		} else {
			assert_int_equal(ctx->submits, 0);
		}
		zsim_zswap_destroy(z);
	}
	free(data);
	assert_int_equal(zsim_codec_unregister("lz4-abatch-test"), 0);
}

/* Readahead: a batch load of mixed slots equals single loads, counter for
 * counter, and decompresses through the batch interface. */
static void test_load_batch(void **state)
{
	(void)state;
	assert_int_equal(zsim_codec_register(&abatch_ops), 0);
	struct zsim_zswap *a = make(1);
	struct abatch *actx = last_ctx; /* a's only per-CPU context */
	struct zsim_zswap *b = make(1);
	store_folios(a);
	store_folios(b);
	/* a zero page in the zeromap, a miss */
	unsigned char zero[ZSIM_PAGE_SIZE] = {0};
	struct zsim_swap_folio f = {.offset = 1000, .data = zero};
	assert_int_equal(zsim_zswap_store(a, &f, NULL), 0);
	assert_int_equal(zsim_zswap_store(b, &f, NULL), 0);
	const uint64_t offs[] = {13, 14, 15, 300, 1000, 1001, 16, 17, 18, 19, 20, 541, 2, 3};
	const unsigned n = ZSIM_ARRAY_N(offs);
	unsigned char *pa = malloc(n * ZSIM_PAGE_SIZE), pb[ZSIM_PAGE_SIZE];
	enum zsim_swap_where fa[ZSIM_ARRAY_N(offs)], fb;
	int ra[ZSIM_ARRAY_N(offs)];
	actx->submits = 0;
	assert_int_equal(zsim_zswap_load_batch(a, 0, offs, n, 0, 0, pa, fa, ra), 0);
	assert_true(actx->submits >= 3);
	for (unsigned i = 0; i < n; i++) {
		int rb = zsim_zswap_load(b, 0, offs[i], 0, 0, pb, &fb);
		assert_int_equal(ra[i], rb);
		assert_int_equal(fa[i], fb);
		if (!rb)
			assert_memory_equal(pa + (size_t)i * ZSIM_PAGE_SIZE, pb, ZSIM_PAGE_SIZE);
	}
	assert_int_equal(ra[5], ZSIM_ENOENT);
	assert_int_equal(fa[4], ZSIM_WHERE_ZEROMAP);
	assert_int_equal(fa[3], ZSIM_WHERE_DEVICE);
	struct zsim_zswap_stats sa, sb;
	zsim_zswap_stats(a, &sa);
	zsim_zswap_stats(b, &sb);
	assert_memory_equal(&sa, &sb, sizeof(sa));
	/* Bad calls change nothing. */
	const uint64_t dup[] = {40, 40};
	assert_int_equal(zsim_zswap_load_batch(a, 0, dup, 2, 0, 0, pa, NULL, ra), ZSIM_EINVAL);
	const uint64_t far[] = {40, 1u << 30};
	assert_int_equal(zsim_zswap_load_batch(a, 0, far, 2, 0, 0, pa, NULL, ra), ZSIM_ERANGE);
	assert_int_equal(zsim_zswap_load_batch(a, 0, offs, 0, 0, 0, pa, NULL, ra), ZSIM_EINVAL);
	zsim_zswap_stats(a, &sb);
	assert_memory_equal(&sa, &sb, sizeof(sa));
	free(pa);
	zsim_zswap_destroy(a);
	zsim_zswap_destroy(b);
	assert_int_equal(zsim_codec_unregister("lz4-abatch-test"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_batch_on_off_identical),
		cmocka_unit_test(test_batch_interface_used),
		cmocka_unit_test(test_load_batch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
