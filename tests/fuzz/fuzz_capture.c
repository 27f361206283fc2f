/*
 * fuzz_capture.c - libFuzzer target for the capture converter
 * (zsim_capture_convert, zswapsim/capture.h): arbitrary bytes as a
 * bpftrace capture file, converted to a binary trace with options taken
 * from the input's last byte (content CLASS/PAGE/FIXED, load_ret
 * AUTO/BOOL/INT, a small or the default re-order window, swap_slots from
 * the capture or fixed). The conversion must succeed or fail with a clean
 * code (ZSIM_EPARSE, ZSIM_ETRUNC, ZSIM_ERANGE, ZSIM_EIO) and a one-line
 * message naming the input or output; a converted trace must read back
 * without error, every event passing zsim_trace_event_check, and hold as
 * many events as the statistics say. Seeds: tests/fuzz/corpus/capture/
 * (tests/data/capture-sample.txt and variants). No file I/O: the input
 * and the trace stay in memory (zsim_capture_convert_stream).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "zswapsim/zswapsim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                   \
	do {                                                                          \
		if (!(cond)) {                                                        \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                      \
		}                                                                     \
	} while (0)

static int clean(int rc)
{
	return rc == ZSIM_EPARSE || rc == ZSIM_ETRUNC || rc == ZSIM_ERANGE || rc == ZSIM_EIO;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t sel = size ? data[size - 1] : 0;
	/* all in memory: the capture through fmemopen(3) on the input, the
	 * trace into an open_memstream(3) buffer (zsim_capture_convert runs
	 * the same code between the files it opens) */
	static char empty[1];
	FILE *in = fmemopen(size ? (void *)data : empty, size, "rb");
	CHECK(in);
	char *trace = NULL;
	size_t trace_len = 0;
	FILE *out = open_memstream(&trace, &trace_len);
	CHECK(out);

	struct zsim_capture_opts o;
	zsim_capture_opts_init(&o);
	switch (sel & 3) {
	case 1:
		o.content = ZSIM_CAPTURE_CONTENT_PAGE;
		o.corpus_pages = 1 + (sel >> 4);
		break;
	case 2: o.content = ZSIM_CAPTURE_CONTENT_FIXED; break;
	default: break;
	}
	o.load_ret = (enum zsim_capture_load_ret)((sel >> 2) % 3);
	if (sel & 0x40)
		o.reorder_window = 1 + (sel & 7);
	if (sel & 0x80)
		o.swap_slots = 1u << 14;
	o.out_fmt = ZSIM_TRACE_FMT_BINARY;

	struct zsim_capture_stats st;
	struct zsim_trace_error err;
	memset(&err, 0, sizeof(err));
	int rc = zsim_capture_convert_stream(in, "fuzz-capture", out, "fuzz-trace", &o, &st, &err);
	CHECK(fclose(out) == 0);
	fclose(in);
	if (rc) {
		CHECK(clean(rc));
		CHECK(err.code == rc);
		CHECK(err.message[0] && !strchr(err.message, '\n'));
		CHECK(strstr(err.message, "fuzz-") == err.message);
		free(trace);
		return 0;
	}
	struct zsim_trace_reader *r;
	FILE *tf = fmemopen(trace_len ? trace : empty, trace_len, "rb");
	CHECK(tf);
	CHECK(zsim_trace_open_stream(tf, "fuzz-trace", ZSIM_TRACE_FMT_BINARY, &r, &err) == 0);
	struct zsim_trace_event ev;
	uint64_t n = 0;
	int got;
	while ((got = zsim_trace_read(r, &ev)) == 1) {
		char why[200];
		CHECK(zsim_trace_event_check(&ev, why, sizeof(why)) == ZSIM_TRACE_OK);
		if (o.content == ZSIM_CAPTURE_CONTENT_PAGE && ev.content_kind == ZSIM_TRACE_CONTENT_PAGE)
			CHECK(ev.content + (1u << ev.order) <= o.corpus_pages);
		n++;
	}
	CHECK(got == 0);
	CHECK(n == st.events);
	CHECK(st.load_hits + st.load_misses + st.load_errors == st.loads);
	zsim_trace_close(r);
	fclose(tf);
	free(trace);
	return 0;
}
