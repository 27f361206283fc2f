/*
 * test_iaa_model.c - the IAA timing model (iaa_model.c) against the
 * published Sapphire Rapids figures it was fitted to (iaa.md §3.4/§4.4),
 * through the model itself and through "deflate-iaa-sim", and the spec
 * keys that override its parameters.
 *
 * Calibration (tolerance 5%, the spread between the published runs):
 *   4 KiB compress, sync          3,177 ns  Zanussi, iaa_crypto v11 cover
 *   4 KiB decompress, sync        2,235 ns  same
 *   8 x 4 KiB compress batch      5,472 ns  Sridhar, v13 08/22 (p50, 1 thread)
 * and, looser (10%), the "by_n" compress curve of 64 KiB folios with a
 * per-request software cost of 1 us (Glover's RFC, zram): by_1 34.5 us,
 * by_8 8.3 us, by_16 8.8 us.
 */
#include "testutil.h"

#include "codec/iaa.h"

#define TOL(pub, pct) ((double)(pub) * (pct) / 100.0)

static void near(uint64_t got, double published, double pct, const char *what)
{
	double d = (double)got - published;
	print_message("# %-34s model %6.0f ns, published %6.0f ns (%+.1f%%)\n", what, (double)got,
		      published, 100.0 * d / published);
	assert_true(d <= TOL(published, pct) && -d <= TOL(published, pct));
}

static uint64_t model(const struct zsim_iaa_model_params *p, enum zsim_codec_op op,
		      size_t bytes, unsigned n, struct zsim_iaa_model_result *res)
{
	struct zsim_iaa_model_job jobs[64];
	assert_true(n <= 64);
	for (unsigned i = 0; i < n; i++)
		jobs[i] = (struct zsim_iaa_model_job){.bytes = bytes};
	struct zsim_iaa_model_result r;
	zsim_iaa_model_batch(p, op, jobs, n, res ? res : &r);
	return (res ? res : &r)->latency_ns;
}

static void test_calibration(void **state)
{
	(void)state;
	struct zsim_iaa_model_params p;
	zsim_iaa_model_defaults(&p);
	struct zsim_iaa_model_result r;
	near(model(&p, ZSIM_CODEC_COMPRESS, 4096, 1, &r), 3177, 5, "4 KiB compress");
	assert_int_equal(r.latency_ns, 300 + 500 + 2007 + 400); /* t_sub + c0 + k*S + t_detect */
	assert_int_equal(r.cpu_ns, 300);
	assert_int_equal(r.device_ns, 2507);
	near(model(&p, ZSIM_CODEC_DECOMPRESS, 4096, 1, NULL), 2235, 5, "4 KiB decompress");
	near(model(&p, ZSIM_CODEC_COMPRESS, 4096, 8, &r), 5472, 5, "8 x 4 KiB compress batch");
	assert_int_equal(r.cpu_ns, 8 * 300);
	assert_int_equal(r.device_ns, 8 * 2507);
	assert_int_equal(r.retries, 0);

	/* by_n: one 64 KiB folio in n chunks, 1 us of software per request. */
	p.req_ns = 1000;
	near(model(&p, ZSIM_CODEC_COMPRESS, 65536, 1, NULL), 34500, 10, "64 KiB by_1 compress");
	near(model(&p, ZSIM_CODEC_COMPRESS, 8192, 8, NULL), 8300, 10, "64 KiB by_8 compress");
	near(model(&p, ZSIM_CODEC_COMPRESS, 4096, 16, NULL), 8800, 10, "64 KiB by_16 compress");
}

/* The same figures through the stand-in: job.model_ns and the timing. */
static void test_through_the_codec(void **state)
{
	(void)state;
	struct zsim_codec *c;
	assert_int_equal(zsim_codec_create("deflate-iaa-sim", NULL, &c), 0);
	assert_true(zsim_codec_ops(c)->flags & ZSIM_CODEC_F_STANDIN);
	unsigned char pages[8][ZSIM_PAGE_SIZE], out[8][ZSIM_PAGE_SIZE];
	for (unsigned i = 0; i < 8; i++)
		zsim_test_page(ZSIM_PAGE_TYPICAL, i, pages[i]);
	size_t clen = ZSIM_PAGE_SIZE;
	assert_int_equal(zsim_codec_compress(c, pages[0], ZSIM_PAGE_SIZE, out[0], &clen), 0);
	struct zsim_codec_timing t;
	assert_int_equal(zsim_codec_timing(c, &t), 0);
	assert_int_equal(t.sync_calls, 1);
	assert_int_equal(t.last_sync_ns, 3207);
	size_t dlen = ZSIM_PAGE_SIZE;
	assert_int_equal(zsim_codec_decompress(c, out[0], clen, pages[1] + 0, &dlen), ZSIM_OK);
	zsim_codec_timing(c, &t);
	assert_int_equal(t.last_sync_ns, 160 + 500 + 1106 + 400);
	assert_int_equal(t.sync_ns, 3207 + 2166);
	zsim_test_page(ZSIM_PAGE_TYPICAL, 1, pages[1]);

	struct zsim_codec_job jobs[8];
	for (unsigned i = 0; i < 8; i++)
		jobs[i] = (struct zsim_codec_job){.src = pages[i], .src_len = ZSIM_PAGE_SIZE,
						  .dst = out[i], .dst_cap = ZSIM_PAGE_SIZE};
	assert_int_equal(zsim_codec_submit(c, ZSIM_CODEC_COMPRESS, jobs, 8), 0);
	/* Polls reveal jobs as the model completes them: one per poll here,
	 * each noticed 300 ns after the previous. */
	int left, polls = 0;
	while ((left = zsim_codec_poll(c, jobs, 8)) > 0)
		polls++;
	assert_int_equal(left, 0);
	assert_int_equal(polls, 7);
	uint64_t last = 0;
	for (unsigned i = 0; i < 8; i++) {
		assert_int_equal(jobs[i].status, 0);
		assert_true(jobs[i].model_ns > last);
		last = jobs[i].model_ns;
	}
	zsim_codec_timing(c, &t);
	assert_int_equal(t.batches, 1);
	assert_int_equal(t.batch_jobs, 8);
	assert_int_equal(t.last_batch_ns, 5307);
	assert_int_equal(last, 5307);
	assert_true(t.measured_ns > 0); /* this machine's time, kept apart */
	zsim_codec_destroy(c);
}

static uint64_t sim_batch_ns(const char *spec, unsigned n)
{
	struct zsim_codec *c;
	int rc = zsim_codec_create(spec, NULL, &c);
	assert_int_equal(rc, 0);
	static unsigned char pages[8][ZSIM_PAGE_SIZE], out[8][ZSIM_PAGE_SIZE];
	struct zsim_codec_job jobs[8];
	for (unsigned i = 0; i < n; i++) {
		zsim_test_page(ZSIM_PAGE_TEXT, i, pages[i]);
		jobs[i] = (struct zsim_codec_job){.src = pages[i], .src_len = ZSIM_PAGE_SIZE,
						  .dst = out[i], .dst_cap = ZSIM_PAGE_SIZE};
	}
	assert_int_equal(zsim_codec_batch(c, ZSIM_CODEC_COMPRESS, jobs, n), 0);
	struct zsim_codec_timing t;
	zsim_codec_timing(c, &t);
	zsim_codec_destroy(c);
	return n == 1 && !t.batches ? t.last_sync_ns : t.last_batch_ns;
}

/* Every parameter can be set in the spec; the effects are the model's. */
static void test_overrides(void **state)
{
	(void)state;
	/* One engine: the batch runs back to back on it. */
	assert_int_equal(sim_batch_ns("deflate-iaa-sim:engines=1", 8), 300 + 8 * 2507 + 400);
	/* Interrupts instead of polling: +3.6 us (async_irq - sync). */
	assert_int_equal(sim_batch_ns("deflate-iaa-sim:wait=irq", 8), 5307 + 3600);
	/* The write() path: +750 ns of CPU per descriptor (an estimate). */
	assert_int_equal(sim_batch_ns("deflate-iaa-sim:submit=write", 8), 8 * 1050 + 2507 + 400);
	/* Two devices share the batch: the same here (the CPU is the limit). */
	assert_int_equal(sim_batch_ns("deflate-iaa-sim:devices=2", 8), 5307);
	/* Per-job cost as a function of size. */
	assert_int_equal(sim_batch_ns("deflate-iaa-sim:c0_ns=100,c_ps_per_b=1000", 8),
			 2400 + 100 + 4096 + 400);
	/* verify_compress: each compress is followed by a decompress. */
	uint64_t v = sim_batch_ns("deflate-iaa-sim:verify=1", 1);
	assert_int_equal(v, 3207 + 160 + 1606 + 400);

	/* A WQ smaller than the batch: the submitter retries. */
	struct zsim_iaa_model_params p;
	zsim_iaa_model_defaults(&p);
	assert_int_equal(zsim_iaa_model_set(&p, "wq_size", "1"), 0);
	assert_int_equal(zsim_iaa_model_set(&p, "engines", "1"), 0);
	struct zsim_iaa_model_result r;
	model(&p, ZSIM_CODEC_COMPRESS, 4096, 4, &r);
	assert_true(r.retries > 0);
	assert_true(r.cpu_ns > 4 * 300);

	/* Bad keys and values. */
	struct zsim_codec *c;
	assert_int_equal(zsim_codec_create("deflate-iaa-sim:warp=9", NULL, &c), ZSIM_EPARSE);
	assert_int_equal(zsim_codec_create("deflate-iaa-sim:engines=0", NULL, &c), ZSIM_EINVAL);
	assert_int_equal(zsim_codec_create("deflate-iaa-sim:engines=x", NULL, &c), ZSIM_EINVAL);
	assert_int_equal(zsim_codec_create("deflate-iaa-sim:wait=sleep", NULL, &c), ZSIM_EINVAL);
	assert_int_equal(zsim_codec_create("lz4:engines=8", NULL, &c), ZSIM_EPARSE);
	assert_int_equal(zsim_codec_create("deflate-iaa-sim:engines=8,wq_size=32,level=4", NULL, &c), 0);
	char desc[160];
	assert_int_equal(zsim_codec_describe(c, desc, sizeof(desc)), 0);
	assert_string_equal(desc, "deflate-iaa-sim:level=4,engines=8,wq_size=32 (stand-in)");
	zsim_codec_destroy(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_calibration),
		cmocka_unit_test(test_through_the_codec),
		cmocka_unit_test(test_overrides),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
