/*
 * test_iaa_mock.c - "deflate-iaa" end to end on the mock device
 * (iaa_mock.c): the driver's real descriptors, submissions, polling and
 * record handling, with no hardware. Round trips (sync and batched, in and
 * out of order, with a device thread), busy work queues, page faults,
 * error records, lost records, verify_compress, a dedicated WQ's credits,
 * and the device's own checks of bad descriptors.
 */
#include "testutil.h"

#include <zlib.h>

#include "iaa_mock.h"

static struct iaa_mock *mock;

static struct zsim_codec *plug(const struct iaa_mock_config *cfg, const char *spec)
{
	assert_int_equal(iaa_mock_create(cfg, &mock), 0);
	iaa_mock_plug(mock);
	struct zsim_codec *c;
	assert_int_equal(zsim_codec_create(spec, NULL, &c), 0);
	assert_string_equal(zsim_codec_ops(c)->driver_name, "deflate-iaa");
	return c;
}

static void unplug(struct zsim_codec *c)
{
	zsim_codec_destroy(c);
	iaa_mock_unplug();
	iaa_mock_destroy(mock);
	mock = NULL;
}

static uint64_t counter(const struct zsim_codec *c, const char *name)
{
	struct zsim_codec_counter ctr[32];
	int n = zsim_codec_counters(c, ctr, 32);
	assert_true(n > 0 && n <= 32);
	for (int i = 0; i < n; i++)
		if (!strcmp(ctr[i].name, name))
			return ctr[i].value;
	fail_msg("no counter %s", name);
	return 0;
}

/* zlib's raw inflate reads what the device wrote. */
static void zlib_inflates(const void *comp, size_t clen, const void *page)
{
	unsigned char out[ZSIM_PAGE_SIZE + 16];
	z_stream s = {0};
	assert_int_equal(inflateInit2(&s, -15), Z_OK);
	s.next_in = (Bytef *)(uintptr_t)comp;
	s.avail_in = (uInt)clen;
	s.next_out = out;
	s.avail_out = sizeof(out);
	assert_int_equal(inflate(&s, Z_FINISH), Z_STREAM_END);
	assert_int_equal(s.total_out, ZSIM_PAGE_SIZE);
	assert_memory_equal(out, page, ZSIM_PAGE_SIZE);
	inflateEnd(&s);
}

static size_t roundtrip(struct zsim_codec *c, const unsigned char *page)
{
	unsigned char comp[ZSIM_PAGE_SIZE], back[ZSIM_PAGE_SIZE];
	size_t clen = sizeof(comp), dlen = sizeof(back);
	assert_int_equal(zsim_codec_compress(c, page, ZSIM_PAGE_SIZE, comp, &clen), 0);
	assert_int_equal(comp[0] & 7, 3); /* one final fixed block */
	zlib_inflates(comp, clen, page);
	assert_int_equal(zsim_codec_decompress(c, comp, clen, back, &dlen), 0);
	assert_int_equal(dlen, ZSIM_PAGE_SIZE);
	assert_memory_equal(back, page, ZSIM_PAGE_SIZE);
	return clen;
}

static void test_probe_and_roundtrip(void **state)
{
	(void)state;
	struct iaa_mock_config cfg = {0};
	struct zsim_codec *c = plug(&cfg, "deflate-iaa");
	char why[128];
	assert_int_equal(zsim_codec_probe("deflate-iaa", why, sizeof(why)), 0);
	unsigned char page[ZSIM_PAGE_SIZE];
	unsigned n = 0;
	for (int cls = 0; cls < ZSIM_PAGE_CLASS_COUNT; cls++) {
		if (cls == ZSIM_PAGE_RANDOM)
			continue;
		for (unsigned i = 0; i < 4; i++, n++) {
			zsim_test_page((enum zsim_page_class)cls, i, page);
			roundtrip(c, page);
		}
	}
	/* An incompressible page: the device's 0x0A/0x19, the kernel's -E2BIG. */
	zsim_test_page(ZSIM_PAGE_RANDOM, 1, page);
	unsigned char comp[ZSIM_PAGE_SIZE];
	size_t clen = sizeof(comp);
	assert_int_equal(zsim_codec_compress(c, page, sizeof(page), comp, &clen), ZSIM_ENOSPC);
	assert_int_equal(counter(c, "compress_overflow"), 1);
	assert_int_equal(counter(c, "compress_jobs"), n + 1);
	assert_int_equal(counter(c, "decompress_jobs"), n);
	assert_int_equal(counter(c, "sw_fallback_compress") + counter(c, "sw_fallback_decompress"), 0);
	struct iaa_mock_stats st;
	iaa_mock_stats(mock, &st);
	assert_int_equal(st.compresses, n + 1);
	assert_int_equal(st.decompresses, n);
	assert_int_equal(st.invalid, 0);
	struct zsim_codec_timing t;
	assert_int_equal(zsim_codec_timing(c, &t), 0);
	assert_int_equal(t.sync_calls, 2 * n + 1);
	assert_int_equal(t.sync_ns, 0); /* no model: measured time only */
	assert_true(t.measured_ns > 0);
	unplug(c);
}

/* Batches: in order with a device thread, out of order (newest first)
 * without one; the results equal the synchronous ones. */
static void batch_run(bool threaded, bool lifo)
{
	struct iaa_mock_config cfg = {.threaded = threaded, .lifo = lifo};
	struct zsim_codec *c = plug(&cfg, "deflate-iaa");
	enum { N = 19 };
	unsigned char *pages = malloc(N * ZSIM_PAGE_SIZE), *comp = malloc(N * ZSIM_PAGE_SIZE);
	unsigned char *back = malloc(N * ZSIM_PAGE_SIZE), ref[ZSIM_PAGE_SIZE];
	struct zsim_codec_job jobs[N];
	for (unsigned i = 0; i < N; i++) {
		zsim_test_page(i == 7 ? ZSIM_PAGE_RANDOM : (enum zsim_page_class)(i % 3), i,
			       pages + (size_t)i * ZSIM_PAGE_SIZE);
		jobs[i] = (struct zsim_codec_job){.src = pages + (size_t)i * ZSIM_PAGE_SIZE,
						  .src_len = ZSIM_PAGE_SIZE,
						  .dst = comp + (size_t)i * ZSIM_PAGE_SIZE,
						  .dst_cap = ZSIM_PAGE_SIZE};
	}
	assert_int_equal(zsim_codec_batch(c, ZSIM_CODEC_COMPRESS, jobs, N), 0);
	for (unsigned i = 0; i < N; i++) {
		size_t rlen = sizeof(ref);
		int rc = zsim_codec_compress(c, jobs[i].src, ZSIM_PAGE_SIZE, ref, &rlen);
		assert_int_equal(jobs[i].status, rc);
		if (rc) {
			assert_int_equal(i, 7);
			continue;
		}
		assert_int_equal(jobs[i].dst_len, rlen);
		assert_memory_equal(jobs[i].dst, ref, rlen);
	}
	/* Decompress the batch back (skipping the page that did not fit). */
	struct zsim_codec_job dj[N];
	unsigned k = 0;
	for (unsigned i = 0; i < N; i++) {
		if (jobs[i].status)
			continue;
		dj[k++] = (struct zsim_codec_job){.src = jobs[i].dst, .src_len = jobs[i].dst_len,
						  .dst = back + (size_t)i * ZSIM_PAGE_SIZE,
						  .dst_cap = ZSIM_PAGE_SIZE};
	}
	assert_int_equal(zsim_codec_batch(c, ZSIM_CODEC_DECOMPRESS, dj, k), 0);
	for (unsigned i = 0; i < k; i++) {
		assert_int_equal(dj[i].status, 0);
		assert_int_equal(dj[i].dst_len, ZSIM_PAGE_SIZE);
	}
	for (unsigned i = 0; i < N; i++)
		if (i != 7)
			assert_memory_equal(back + (size_t)i * ZSIM_PAGE_SIZE,
					    pages + (size_t)i * ZSIM_PAGE_SIZE, ZSIM_PAGE_SIZE);
	struct zsim_codec_timing t;
	zsim_codec_timing(c, &t);
	assert_int_equal(t.batches, 3 + 3); /* 19 = 8 + 8 + 3, 18 = 8 + 8 + 2 */
	assert_int_equal(t.batch_jobs, N + k);
	struct iaa_mock_stats st;
	iaa_mock_stats(mock, &st);
	if (!threaded)
		assert_true(st.max_queued == 8); /* a whole batch was in the WQ at once */
	free(pages);
	free(comp);
	free(back);
	unplug(c);
}

static void test_batches(void **state)
{
	(void)state;
	batch_run(false, false);
	batch_run(false, true);
	batch_run(true, false);
}

/* A full WQ: retried while it refuses; after `retries` refusals the job
 * is done in software, counted apart. A tiny WQ takes a batch bit by bit. */
static void test_busy_queue(void **state)
{
	(void)state;
	struct iaa_mock_config cfg = {0};
	struct zsim_codec *c = plug(&cfg, "deflate-iaa:retries=3");
	unsigned char page[ZSIM_PAGE_SIZE];
	zsim_test_page(ZSIM_PAGE_TEXT, 4, page);
	iaa_mock_busy(mock, 2);
	size_t hw = roundtrip(c, page);
	assert_int_equal(counter(c, "wq_retries"), 2);
	assert_int_equal(counter(c, "fallback_busy"), 0);
	iaa_mock_busy(mock, 10); /* more than 1 + retries */
	size_t sw = roundtrip(c, page);
	assert_int_equal(hw, sw); /* the software fallback writes the same format */
	assert_int_equal(counter(c, "fallback_busy"), 2);
	assert_int_equal(counter(c, "sw_fallback_compress"), 1);
	assert_int_equal(counter(c, "wq_retries"), 2 + 4 + 4); /* the decompress too */
	assert_int_equal(counter(c, "sw_fallback_decompress"), 1);
	unplug(c);

	cfg.wq_size = 2;
	c = plug(&cfg, "deflate-iaa");
	struct zsim_codec_job jobs[8];
	unsigned char out[8][ZSIM_PAGE_SIZE];
	for (unsigned i = 0; i < 8; i++)
		jobs[i] = (struct zsim_codec_job){.src = page, .src_len = sizeof(page),
						  .dst = out[i], .dst_cap = ZSIM_PAGE_SIZE};
	assert_int_equal(zsim_codec_batch(c, ZSIM_CODEC_COMPRESS, jobs, 8), 0);
	for (unsigned i = 0; i < 8; i++) {
		assert_int_equal(jobs[i].status, 0);
		assert_int_equal(jobs[i].dst_len, hw);
	}
	struct iaa_mock_stats st;
	iaa_mock_stats(mock, &st);
	assert_true(st.refused > 0);
	assert_int_equal(st.max_queued, 2);
	assert_int_equal(counter(c, "wq_retries"), st.refused);
	assert_int_equal(counter(c, "fallback_busy"), 0);
	unplug(c);
}

/* A dedicated WQ never hears "full": the driver counts its credits. */
static void test_dedicated_credits(void **state)
{
	(void)state;
	struct iaa_mock_config cfg = {.dedicated = true, .wq_size = 3};
	struct zsim_codec *c = plug(&cfg, "deflate-iaa");
	unsigned char page[ZSIM_PAGE_SIZE], out[8][ZSIM_PAGE_SIZE];
	zsim_test_page(ZSIM_PAGE_TYPICAL, 2, page);
	struct zsim_codec_job jobs[8];
	for (unsigned i = 0; i < 8; i++)
		jobs[i] = (struct zsim_codec_job){.src = page, .src_len = sizeof(page),
						  .dst = out[i], .dst_cap = ZSIM_PAGE_SIZE};
	assert_int_equal(zsim_codec_batch(c, ZSIM_CODEC_COMPRESS, jobs, 8), 0);
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(jobs[i].status, 0);
	struct iaa_mock_stats st;
	iaa_mock_stats(mock, &st);
	assert_int_equal(st.dropped, 0);
	assert_int_equal(st.max_queued, 3);
	assert_true(counter(c, "wq_retries") > 0);
	unplug(c);
}

/* Page faults without block-on-fault: touch and resubmit; when they go
 * on, software. With block-on-fault the device waits and nobody sees it. */
static void test_page_faults(void **state)
{
	(void)state;
	struct iaa_mock_config cfg = {0};
	struct zsim_codec *c = plug(&cfg, "deflate-iaa");
	unsigned char page[ZSIM_PAGE_SIZE];
	zsim_test_page(ZSIM_PAGE_TEXT, 9, page);
	struct iaa_mock_inject f = {.kind = IAA_MOCK_FAULT_DST, .opcode = ZSIM_IAA_OP_COMPRESS};
	iaa_mock_inject(mock, &f);
	f = (struct iaa_mock_inject){.kind = IAA_MOCK_FAULT_SRC, .opcode = ZSIM_IAA_OP_DECOMPRESS};
	iaa_mock_inject(mock, &f);
	roundtrip(c, page);
	assert_int_equal(counter(c, "page_faults"), 2);
	assert_int_equal(counter(c, "fault_resubmits"), 2);
	assert_int_equal(counter(c, "fallback_fault"), 0);
	/* Twice in a row with fault_retries=1: software. */
	f = (struct iaa_mock_inject){.kind = IAA_MOCK_FAULT_SRC, .count = 2,
				     .opcode = ZSIM_IAA_OP_COMPRESS};
	iaa_mock_inject(mock, &f);
	roundtrip(c, page);
	assert_int_equal(counter(c, "page_faults"), 4);
	assert_int_equal(counter(c, "fault_resubmits"), 3);
	assert_int_equal(counter(c, "fallback_fault"), 1);
	assert_int_equal(counter(c, "sw_fallback_compress"), 1);
	struct iaa_mock_stats st;
	iaa_mock_stats(mock, &st);
	assert_int_equal(st.faults, 4);
	unplug(c);

	/* A block-on-fault WQ: BOF in every descriptor, faults absorbed. */
	cfg.block_on_fault = true;
	c = plug(&cfg, "deflate-iaa");
	f = (struct iaa_mock_inject){.kind = IAA_MOCK_FAULT_DST, .count = 3};
	iaa_mock_inject(mock, &f);
	roundtrip(c, page);
	roundtrip(c, page);
	assert_int_equal(counter(c, "page_faults"), 0);
	iaa_mock_stats(mock, &st);
	assert_int_equal(st.blocked, 3);
	assert_int_equal(st.invalid, 0);
	unplug(c);

	/* bof=0 on that WQ: faults come back to the driver again. */
	c = plug(&cfg, "deflate-iaa:bof=0");
	iaa_mock_inject(mock, &f);
	roundtrip(c, page); /* compress: fault, resubmit, fault, software; decompress: fault, resubmit */
	assert_int_equal(counter(c, "page_faults"), 3);
	assert_int_equal(counter(c, "fallback_fault"), 1);
	unplug(c);
}

/* Error records, as the kernel reads them. */
static void test_error_records(void **state)
{
	(void)state;
	struct iaa_mock_config cfg = {0};
	struct zsim_codec *c = plug(&cfg, "deflate-iaa");
	unsigned char page[ZSIM_PAGE_SIZE], comp[2 * ZSIM_PAGE_SIZE], back[2 * ZSIM_PAGE_SIZE];
	zsim_test_page(ZSIM_PAGE_TYPICAL, 1, page);
	size_t clen = ZSIM_PAGE_SIZE;
	assert_int_equal(zsim_codec_compress(c, page, sizeof(page), comp, &clen), 0);

	/* Compress: an injected overflow is ENOSPC, a watchdog EIO. */
	struct iaa_mock_inject f = {.kind = IAA_MOCK_STATUS, .status = 0x0a, .error = 0x19,
				    .opcode = ZSIM_IAA_OP_COMPRESS};
	iaa_mock_inject(mock, &f);
	size_t l = ZSIM_PAGE_SIZE;
	assert_int_equal(zsim_codec_compress(c, page, sizeof(page), back, &l), ZSIM_ENOSPC);
	f.status = 0x24;
	f.error = 0;
	iaa_mock_inject(mock, &f);
	l = ZSIM_PAGE_SIZE;
	assert_int_equal(zsim_codec_compress(c, page, sizeof(page), back, &l), ZSIM_EIO);
	assert_int_equal(counter(c, "hw_errors"), 1);
	assert_int_equal(counter(c, "compress_overflow"), 1);

	/* Decompress: an analytics error is redone by software deflate. */
	f = (struct iaa_mock_inject){.kind = IAA_MOCK_STATUS, .status = 0x0a, .error = 13,
				     .opcode = ZSIM_IAA_OP_DECOMPRESS};
	iaa_mock_inject(mock, &f);
	size_t dlen = ZSIM_PAGE_SIZE;
	assert_int_equal(zsim_codec_decompress(c, comp, clen, back, &dlen), 0);
	assert_memory_equal(back, page, ZSIM_PAGE_SIZE);
	assert_int_equal(counter(c, "fallback_error"), 1);
	assert_int_equal(counter(c, "sw_fallback_decompress"), 1);
	/* ... an output overflow is not (ENOSPC) ... */
	dlen = 100;
	assert_int_equal(zsim_codec_decompress(c, comp, clen, back, &dlen), ZSIM_ENOSPC);
	assert_int_equal(counter(c, "decompress_overflow"), 1);
	/* ... and neither is an invalid-descriptor record (EIO). */
	f.status = 0x11;
	iaa_mock_inject(mock, &f);
	dlen = ZSIM_PAGE_SIZE;
	assert_int_equal(zsim_codec_decompress(c, comp, clen, back, &dlen), ZSIM_EIO);

	/* A stream the device cannot read (a match 4100 bytes back, beyond
	 * its 4 KiB history) is read by the software fallback. */
	static unsigned char big[8192];
	const size_t blen = 8000;
	zsim_test_page(ZSIM_PAGE_RANDOM, 3, big);
	zsim_test_page(ZSIM_PAGE_RANDOM, 4, big + 4096);
	memcpy(big + 4100, big, blen - 4100);
	z_stream s = {0};
	assert_int_equal(deflateInit2(&s, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), Z_OK);
	s.next_in = big;
	s.avail_in = (uInt)blen;
	s.next_out = comp;
	s.avail_out = sizeof(comp);
	assert_int_equal(deflate(&s, Z_FINISH), Z_STREAM_END);
	clen = s.total_out;
	deflateEnd(&s);
	dlen = sizeof(back);
	uint64_t before = counter(c, "fallback_error");
	assert_int_equal(zsim_codec_decompress(c, comp, clen, back, &dlen), 0);
	assert_int_equal(dlen, blen);
	assert_memory_equal(back, big, blen);
	assert_int_equal(counter(c, "fallback_error"), before + 1);
	unplug(c);
}

/* A record that never comes: the job fails after timeout_ms and the
 * instance is off from then on, as the kernel disables iaa_crypto. */
static void test_lost_record(void **state)
{
	(void)state;
	struct iaa_mock_config cfg = {0};
	struct zsim_codec *c = plug(&cfg, "deflate-iaa:timeout_ms=20");
	unsigned char page[ZSIM_PAGE_SIZE], comp[ZSIM_PAGE_SIZE];
	zsim_test_page(ZSIM_PAGE_TEXT, 1, page);
	struct iaa_mock_inject f = {.kind = IAA_MOCK_LOSE};
	iaa_mock_inject(mock, &f);
	size_t clen = sizeof(comp);
	assert_int_equal(zsim_codec_compress(c, page, sizeof(page), comp, &clen), ZSIM_EIO);
	assert_int_equal(counter(c, "timeouts"), 1);
	clen = sizeof(comp);
	assert_int_equal(zsim_codec_compress(c, page, sizeof(page), comp, &clen), ZSIM_ENODEV);
	unplug(c);
}

/* verify_compress: every compress is followed by a suppressed-output
 * decompress whose CRC must match; a mismatch fails the compress. */
static void test_verify(void **state)
{
	(void)state;
	struct iaa_mock_config cfg = {.threaded = true};
	struct zsim_codec *c = plug(&cfg, "deflate-iaa:verify=1");
	unsigned char page[ZSIM_PAGE_SIZE], comp[ZSIM_PAGE_SIZE];
	zsim_test_page(ZSIM_PAGE_POINTER, 1, page);
	roundtrip(c, page);
	roundtrip(c, page);
	assert_int_equal(counter(c, "verify_jobs"), 2);
	assert_int_equal(counter(c, "verify_failures"), 0);
	struct iaa_mock_inject f = {.kind = IAA_MOCK_BAD_CRC, .opcode = ZSIM_IAA_OP_DECOMPRESS};
	iaa_mock_inject(mock, &f);
	size_t clen = sizeof(comp);
	assert_int_equal(zsim_codec_compress(c, page, sizeof(page), comp, &clen), ZSIM_EIO);
	assert_int_equal(counter(c, "verify_failures"), 1);
	struct iaa_mock_stats st;
	iaa_mock_stats(mock, &st);
	assert_int_equal(st.decompresses, 2 + 2 + 1);
	unplug(c);
}

/* The device's own checks, with descriptors built by hand. */
static void test_device_checks(void **state)
{
	(void)state;
	struct iaa_mock_config cfg = {0};
	assert_int_equal(iaa_mock_create(&cfg, &mock), 0);
	static _Alignas(64) struct zsim_iaa_crec rec[2];
	static _Alignas(32) struct zsim_iaa_aecs_comp aecs[2];
	static unsigned char src[ZSIM_PAGE_SIZE], dst[ZSIM_PAGE_SIZE];
	zsim_test_page(ZSIM_PAGE_TEXT, 0, src);
	zsim_iaa_aecs_fixed_init(&aecs[0]);
	struct zsim_iaa_desc d;
#define EXPECT(status)                                                          \
	do {                                                                    \
		zsim_iaa_crec_clear(&rec[0]);                                   \
		iaa_mock_execute(mock, &d);                                     \
		assert_int_equal(zsim_iaa_crec_status(&rec[0]), (status));      \
	} while (0)
	zsim_iaa_desc_compress(&d, src, 4096, dst, 4096, &aecs[0], &rec[0], 0);
	EXPECT(ZSIM_IAA_ST_SUCCESS);
	assert_int_equal(rec[0].bytes_completed, 4096);
	assert_int_equal(rec[0].crc, (uint32_t)crc32(0, src, 4096));
	assert_true(rec[0].output_bits >= 1 && rec[0].output_bits <= 8);
	d.op_flags = (d.op_flags & 0xffffff) | (0x55u << 24);
	EXPECT(ZSIM_IAA_ST_BAD_OPCODE);
	zsim_iaa_desc_compress(&d, src, 4096, dst, 4096, &aecs[0], &rec[0], 1u << 23);
	EXPECT(ZSIM_IAA_ST_INVALID_FLAGS);
	assert_int_equal(rec[0].invalid_flags, 1u << 23);
	zsim_iaa_desc_compress(&d, src, 4096, dst, 4096, &aecs[0], &rec[0], ZSIM_IAA_OPF_BOF);
	EXPECT(ZSIM_IAA_ST_INVALID_FLAGS); /* BOF on a WQ without block_on_fault */
	zsim_iaa_desc_compress(&d, src, 4096, dst, 4096, &aecs[0], &rec[0], 0);
	d.num_inputs = 1;
	EXPECT(ZSIM_IAA_ST_NONZERO_RESERVED);
	zsim_iaa_desc_compress(&d, src, 4096, dst, 4096,
			       (void *)((char *)&aecs[0] + 16), &rec[0], 0);
	EXPECT(ZSIM_IAA_ST_ADDR_ALIGN);
	zsim_iaa_desc_compress(&d, src, 4096, src + 100, 4096, &aecs[0], &rec[0], 0);
	EXPECT(ZSIM_IAA_ST_OVERLAP);
	zsim_iaa_desc_compress(&d, src, 0, dst, 4096, &aecs[0], &rec[0], 0);
	EXPECT(ZSIM_IAA_ST_INVALID_SIZE);
	memset(&aecs[1], 0, sizeof(aecs[1])); /* not the fixed tables */
	zsim_iaa_desc_compress(&d, src, 4096, dst, 4096, &aecs[1], &rec[0], 0);
	EXPECT(ZSIM_IAA_ST_ANALYTICS_ERROR);
	assert_int_equal(rec[0].error_code, ZSIM_IAA_ERR_AECS);
	zsim_iaa_desc_compress(&d, src, 4096, dst, 10, &aecs[0], &rec[0], 0);
	EXPECT(ZSIM_IAA_ST_ANALYTICS_ERROR);
	assert_int_equal(rec[0].error_code, ZSIM_IAA_ERR_OUTPUT_OVERFLOW);
	zsim_iaa_desc_noop(&d, &rec[0]);
	EXPECT(ZSIM_IAA_ST_SUCCESS);
	/* A misaligned record: nothing can be written; the device counts it. */
	zsim_iaa_desc_noop(&d, (struct zsim_iaa_crec *)((char *)&rec[0] + 8));
	zsim_iaa_crec_clear(&rec[0]);
	iaa_mock_execute(mock, &d);
	assert_int_equal(zsim_iaa_crec_status(&rec[0]), 0);
	struct iaa_mock_stats st;
	iaa_mock_stats(mock, &st);
	assert_true(st.invalid >= 7);
	iaa_mock_destroy(mock);
	mock = NULL;
#undef EXPECT
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe_and_roundtrip),
		cmocka_unit_test(test_batches),
		cmocka_unit_test(test_busy_queue),
		cmocka_unit_test(test_dedicated_credits),
		cmocka_unit_test(test_page_faults),
		cmocka_unit_test(test_error_records),
		cmocka_unit_test(test_lost_record),
		cmocka_unit_test(test_verify),
		cmocka_unit_test(test_device_checks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
