/*
 * test_capture.c - converting a live-kernel capture (the hand-written
 * tests/data/capture-sample.txt, in the format scripts/capture writes)
 * into a trace: swapon sizes, time order restored, memcg renumbering, the
 * kernel's results decoded from raw return registers (bool low byte, int
 * low 32 bits), the content policies (classes, corpus pages with
 * wrap-around), the binary form keeping pid/result, and malformed input
 * reported with its line. The converted trace replays through zswap.
 */
#define _GNU_SOURCE
#include <unistd.h>

#include "testutil.h"

static char tmpdir[] = "/tmp/zsim-cap-XXXXXX";
static char sample[512];

static int setup(void **state)
{
	(void)state;
	const char *d = getenv("ZSIM_TEST_DATA");
	snprintf(sample, sizeof(sample), "%s/capture-sample.txt", d ? d : "tests/data");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static size_t read_all(const char *path, struct zsim_trace_event *ev, size_t max,
		       struct zsim_trace_header *h)
{
	struct zsim_trace_reader *r;
	struct zsim_trace_error err;
	int rc = zsim_trace_open(path, ZSIM_TRACE_FMT_AUTO, &r, &err);
	if (rc)
		fprintf(stderr, "%s\n", err.message);
	assert_int_equal(rc, 0);
	if (h)
		zsim_trace_reader_header(r, h);
	size_t n = 0;
	while (n < max && (rc = zsim_trace_read(r, &ev[n])) == 1)
		n++;
	assert_int_equal(rc, 0);
	zsim_trace_close(r);
	return n;
}

static void test_convert_classes(void **state)
{
	(void)state;
	char out[512];
	snprintf(out, sizeof(out), "%s/sample.csv", tmpdir);
	struct zsim_capture_stats st;
	struct zsim_trace_error err;
	int rc = zsim_capture_convert(sample, out, NULL, &st, &err);
	if (rc)
		fprintf(stderr, "%s\n", err.message);
	assert_int_equal(rc, 0);
	assert_int_equal(st.stores, 7);
	assert_int_equal(st.stores_rejected, 1);
	assert_int_equal(st.store_pages, 10);
	assert_int_equal(st.loads, 4);
	assert_int_equal(st.load_hits, 2);
	assert_int_equal(st.load_misses, 1);
	assert_int_equal(st.load_errors, 1);
	assert_int_equal(st.invalidates, 3);
	assert_int_equal(st.lost, 3);
	assert_int_equal(st.late, 0);
	assert_int_equal(st.swap_types, 2);
	assert_int_equal(st.slots[0], 16384);
	assert_int_equal(st.slots[1], 32768); /* slot 20000, rounded up */
	assert_int_equal(st.memcgs, 3);
	assert_int_equal(st.memcg_cgroup_id[1], 4242);
	assert_int_equal(st.memcg_cgroup_id[2], 5151);
	assert_string_equal(st.kernel_release, "6.18.44-sample");
	assert_int_equal(st.load_ret, ZSIM_CAPTURE_LOAD_RET_INT);
	assert_int_equal(st.events, 2 + 7 + 4 + 3);

	struct zsim_trace_event ev[32];
	size_t n = read_all(out, ev, 32, NULL);
	assert_int_equal(n, st.events);
	assert_int_equal(ev[0].op, ZSIM_TRACE_SWAPON);
	assert_int_equal(ev[0].swap_type, 0);
	assert_int_equal(ev[0].offset, 16384);
	assert_int_equal(ev[1].op, ZSIM_TRACE_SWAPON);
	assert_int_equal(ev[1].swap_type, 1);
	/* time order restored: the order-2 store from CPU 1 came first in
	 * the file but happened after the store at offset 8 */
	uint64_t last = 0;
	for (size_t i = 2; i < n; i++) {
		assert_true(ev[i].ts_ns >= last);
		last = ev[i].ts_ns;
	}
	assert_int_equal(ev[2].ts_ns, 0); /* relative to the first event */
	const struct zsim_trace_event *big = &ev[2 + 6];
	assert_int_equal(big->op, ZSIM_TRACE_STORE);
	assert_int_equal(big->offset, 16);
	assert_int_equal(big->order, 2);
	assert_int_equal(big->cpu, 1);
	assert_int_equal(big->memcg, 1);
	/* accepted stores are typical, the refused one (offset 8) random;
	 * the store whose register held garbage above a true byte counts as
	 * accepted */
	for (size_t i = 2; i < 2 + 7; i++) {
		assert_int_equal(ev[i].op, ZSIM_TRACE_STORE);
		assert_int_equal(ev[i].content_kind, ZSIM_TRACE_CONTENT_CLASS);
		assert_int_equal(ev[i].page_class, ev[i].offset == 8 ? ZSIM_PAGE_RANDOM
								      : ZSIM_PAGE_TYPICAL);
		if (ev[i].offset == 8)
			assert_int_equal(ev[i].memcg, 2);
	}
	/* seeds differ between stores */
	assert_true(ev[2].content != ev[3].content);
	/* loads and invalidates carry no content */
	assert_int_equal(ev[2 + 7].op, ZSIM_TRACE_LOAD);
	assert_int_equal(ev[2 + 7].content_kind, ZSIM_TRACE_CONTENT_NONE);
	assert_int_equal(ev[n - 1].op, ZSIM_TRACE_INVALIDATE);
	assert_int_equal(ev[n - 1].swap_type, 1);
	assert_int_equal(ev[n - 1].offset, 20000);

	/* a window too small to re-order: late events are kept, their time
	 * clamped so the trace stays monotonic */
	struct zsim_capture_opts o;
	zsim_capture_opts_init(&o);
	o.reorder_window = 1;
	assert_int_equal(zsim_capture_convert(sample, out, &o, &st, &err), 0);
	assert_int_equal(st.late, 3);
	n = read_all(out, ev, 32, NULL);
	last = 0;
	for (size_t i = 2; i < n; i++) {
		assert_true(ev[i].ts_ns >= last);
		last = ev[i].ts_ns;
	}
}

static void test_convert_binary_and_pages(void **state)
{
	(void)state;
	char out[512];
	snprintf(out, sizeof(out), "%s/sample.zswt", tmpdir);
	struct zsim_capture_opts o;
	zsim_capture_opts_init(&o);
	o.content = ZSIM_CAPTURE_CONTENT_PAGE;
	o.corpus_pages = 6;
	struct zsim_capture_stats st;
	struct zsim_trace_error err;
	assert_int_equal(zsim_capture_convert(sample, out, &o, &st, &err), 0);
	struct zsim_trace_event ev[32];
	struct zsim_trace_header h;
	size_t n = read_all(out, ev, 32, &h);
	assert_int_equal(n, st.events);
	assert_int_equal(h.capture, ZSIM_TRACE_CAPTURE_KPROBE);
	assert_int_equal(h.nr_cpus, 4);
	assert_string_equal(h.kernel_release, "6.18.44-sample");
	assert_string_equal(h.compressor, "zstd");
	/* accepted stores in time order: offsets 0,1,2,3 take pages 0..3,
	 * offset 8 is refused (random), offset 20000 takes page 4, the
	 * order-2 folio at 16 needs 4 pages: 5+4 > 6 wraps to page 0 */
	uint64_t want_page[] = {0, 1, 2, 3, UINT64_MAX, 4, 0};
	for (size_t i = 0; i < 7; i++) {
		const struct zsim_trace_event *e = &ev[2 + i];
		assert_int_equal(e->op, ZSIM_TRACE_STORE);
		assert_int_equal(e->pid, i == 6 ? 312 : 311);
		assert_true(e->flags & ZSIM_CAPTURE_FLAG_RESULT);
		if (want_page[i] == UINT64_MAX) {
			assert_int_equal(e->content_kind, ZSIM_TRACE_CONTENT_CLASS);
			assert_int_equal(e->result, ZSIM_CAPTURE_REJECTED);
		} else {
			assert_int_equal(e->content_kind, ZSIM_TRACE_CONTENT_PAGE);
			assert_int_equal(e->content, want_page[i]);
			assert_int_equal(e->result, ZSIM_CAPTURE_STORED);
		}
	}
	/* loads in time order: hit, miss (-ENOENT), hit, error (-EIO) */
	const uint8_t want_load[] = {ZSIM_CAPTURE_LOAD_HIT, ZSIM_CAPTURE_LOAD_MISS,
				     ZSIM_CAPTURE_LOAD_HIT, ZSIM_CAPTURE_LOAD_ERROR};
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(ev[9 + i].result, want_load[i]);

	/* the same capture read as a bool kernel: 0 = miss, low byte 1 = hit */
	o.load_ret = ZSIM_CAPTURE_LOAD_RET_BOOL;
	assert_int_equal(zsim_capture_convert(sample, out, &o, &st, &err), 0);
	assert_int_equal(st.load_hits, 0);
	assert_int_equal(st.load_misses, 2);
	assert_int_equal(st.load_errors, 2);
}

/* The converted trace replays: every store lands somewhere, loads of
 * stored slots hit. */
static void test_replay(void **state)
{
	(void)state;
	char out[512];
	snprintf(out, sizeof(out), "%s/replay.csv", tmpdir);
	assert_int_equal(zsim_capture_convert(sample, out, NULL, NULL, NULL), 0);
	struct zsim_trace_event ev[32];
	size_t n = read_all(out, ev, 32, NULL);
	struct zsim_zswap_config cfg;
	zsim_zswap_config_init(&cfg);
	cfg.nr_cpus = 4;
	struct zsim_zswap *z;
	assert_int_equal(zsim_zswap_create(&cfg, &z), 0);
	static unsigned char buf[4 * ZSIM_PAGE_SIZE], page[ZSIM_PAGE_SIZE];
	unsigned loads_ok = 0;
	for (size_t i = 0; i < n; i++) {
		const struct zsim_trace_event *e = &ev[i];
		switch (e->op) {
		case ZSIM_TRACE_SWAPON:
			assert_int_equal(zsim_zswap_swapon_memory(z, e->swap_type, e->offset), 0);
			break;
		case ZSIM_TRACE_STORE: {
			for (unsigned p = 0; p < (1u << e->order); p++)
				assert_int_equal(zsim_trace_content_page(e, p, NULL, 0,
									 buf + p * ZSIM_PAGE_SIZE),
						 0);
			struct zsim_swap_folio f = {e->swap_type, e->offset, e->order, buf,
						    e->memcg, e->cpu};
			assert_int_equal(zsim_zswap_store(z, &f, NULL), 0);
			break;
		}
		case ZSIM_TRACE_LOAD:
			if (zsim_zswap_load(z, e->swap_type, e->offset, e->memcg, e->cpu, page,
					    NULL) == 0)
				loads_ok++;
			break;
		case ZSIM_TRACE_INVALIDATE:
			assert_int_equal(zsim_zswap_invalidate(z, e->swap_type, e->offset, 1), 0);
			break;
		}
	}
	assert_int_equal(loads_ok, 4); /* every loaded slot had been stored */
	zsim_zswap_destroy(z);
}

static int convert_text(const char *text, struct zsim_trace_error *err)
{
	char in[512], out[512];
	snprintf(in, sizeof(in), "%s/bad.txt", tmpdir);
	snprintf(out, sizeof(out), "%s/bad.csv", tmpdir);
	FILE *f = fopen(in, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	int rc = zsim_capture_convert(in, out, NULL, NULL, err);
	if (rc)
		assert_int_equal(access(out, F_OK), -1); /* no half output */
	return rc;
}

#define HDR "# zswap-capture 1\n# load_ret=int\n"

static void test_bad_input(void **state)
{
	(void)state;
	struct zsim_trace_error err;
	assert_int_equal(convert_text("S 1 0 1 1 0 0 0 1\n", &err), ZSIM_EPARSE);
	assert_int_equal(err.kind, ZSIM_TRACE_E_MAGIC);
	assert_non_null(strstr(err.message, "bad.txt:1: not a zswap capture"));
	assert_int_equal(convert_text("", &err), ZSIM_EPARSE);
	assert_int_equal(convert_text(HDR "S 1 0 1 1 0 0 0\n", &err), ZSIM_EPARSE);
	assert_int_equal(err.kind, ZSIM_TRACE_E_SYNTAX);
	assert_int_equal(err.line, 3);
	assert_non_null(strstr(err.message, "bad.txt:3:"));
	assert_int_equal(convert_text(HDR "X 1 0 1 1 0 0 0 1\n", &err), ZSIM_EPARSE);
	assert_int_equal(err.kind, ZSIM_TRACE_E_OP);
	assert_int_equal(convert_text(HDR "S 1 0 1 1 0 abc 0 1\n", &err), ZSIM_EPARSE);
	assert_int_equal(err.kind, ZSIM_TRACE_E_NUMBER);
	assert_int_equal(convert_text(HDR "S 1 0 1 1 0 4 3 1\n", &err), ZSIM_EPARSE);
	assert_int_equal(err.kind, ZSIM_TRACE_E_RANGE);
	assert_non_null(strstr(err.message, "not aligned"));
	assert_int_equal(convert_text(HDR "S 1 0 1 1 32 0 0 1\n", &err), ZSIM_EPARSE);
	assert_int_equal(err.kind, ZSIM_TRACE_E_RANGE);
	assert_int_equal(convert_text(HDR "S 1 0 1 1 0 0 10 1\n", &err), ZSIM_EPARSE);
	assert_int_equal(convert_text(HDR "I 1 0 1 0 0 0 1 0\n", &err), ZSIM_EPARSE);
	assert_int_equal(convert_text("# zswap-capture 1\nL 1 0 1 1 0 0 0 0\n", &err),
			 ZSIM_EPARSE);
	assert_int_equal(err.kind, ZSIM_TRACE_E_HEADER);
	assert_non_null(strstr(err.message, "load_ret"));
	assert_int_equal(convert_text("# zswap-capture 1\n# load_ret=maybe\n", &err), ZSIM_EPARSE);
	/* a header with no events converts to an empty trace */
	assert_int_equal(convert_text(HDR, &err), 0);
	/* not a regular file */
	assert_int_equal(zsim_capture_convert("/dev/null", "/tmp/x.csv", NULL, NULL, &err),
			 ZSIM_EIO);
	struct zsim_capture_opts o;
	zsim_capture_opts_init(&o);
	o.content = ZSIM_CAPTURE_CONTENT_PAGE; /* no corpus size */
	assert_int_equal(zsim_capture_convert(sample, "/tmp/x.csv", &o, NULL, &err), ZSIM_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_convert_classes),
		cmocka_unit_test(test_convert_binary_and_pages),
		cmocka_unit_test(test_replay),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
