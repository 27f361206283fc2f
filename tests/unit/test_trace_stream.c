/*
 * test_trace_stream.c - the stream forms of the trace and capture API
 * (zsim_trace_open_stream, zsim_trace_writer_open_stream,
 * zsim_trace_convert_stream, zsim_capture_convert_stream), used by the
 * fuzz targets on memory buffers: the same bytes out as the path forms
 * (which open their files and run the same code), errors named by the
 * stream's name, the caller's stream left open, bad arguments refused.
 */
#define _GNU_SOURCE
#include <unistd.h>

#include "testutil.h"

static char tmpdir[] = "/tmp/zsim-tstream-XXXXXX";
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

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *buf = NULL;
	size_t cap = 0;
	FILE *m = open_memstream(&buf, &cap);
	assert_non_null(m);
	char tmp[4096];
	size_t n;
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		assert_int_equal(fwrite(tmp, 1, n, m), n);
	fclose(f);
	assert_int_equal(fclose(m), 0);
	*len = cap;
	return buf;
}

/* capture -> binary trace -> CSV, once through files, once in memory:
 * the same bytes at each step. */
static void test_same_bytes_as_files(void **state)
{
	(void)state;
	char bin[512], csv[512];
	snprintf(bin, sizeof(bin), "%s/s.zswt", tmpdir);
	snprintf(csv, sizeof(csv), "%s/s.csv", tmpdir);
	struct zsim_capture_stats st_file, st_mem;
	struct zsim_trace_error err;
	assert_int_equal(zsim_capture_convert(sample, bin, NULL, &st_file, &err), 0);
	assert_int_equal(zsim_trace_convert(bin, csv, ZSIM_TRACE_FMT_CSV, NULL, &err), 0);

	size_t in_len, bin_len, csv_len;
	char *in = slurp(sample, &in_len), *bin_file = slurp(bin, &bin_len),
	     *csv_file = slurp(csv, &csv_len);
	FILE *fi = fmemopen(in, in_len, "rb");
	char *mbin = NULL, *mcsv = NULL;
	size_t mbin_len = 0, mcsv_len = 0;
	FILE *fo = open_memstream(&mbin, &mbin_len);
	assert_int_equal(zsim_capture_convert_stream(fi, "cap", fo, "bin", NULL, &st_mem, &err), 0);
	assert_int_equal(fclose(fo), 0);
	fclose(fi);
	assert_int_equal(st_mem.events, st_file.events);
	assert_true(st_mem.events > 0);
	assert_int_equal(mbin_len, bin_len);
	assert_memory_equal(mbin, bin_file, bin_len);

	fi = fmemopen(mbin, mbin_len, "rb");
	fo = open_memstream(&mcsv, &mcsv_len);
	uint64_t dropped = 0;
	assert_int_equal(zsim_trace_convert_stream(fi, "bin", fo, "csv", ZSIM_TRACE_FMT_CSV,
						   &dropped, &err), 0);
	assert_int_equal(fclose(fo), 0);
	fclose(fi);
	assert_int_equal(mcsv_len, csv_len);
	assert_memory_equal(mcsv, csv_file, csv_len);

	/* the reader on a stream reads what the file reader reads */
	struct zsim_trace_reader *r1, *r2;
	fi = fmemopen(mbin, mbin_len, "rb");
	assert_int_equal(zsim_trace_open_stream(fi, "bin", ZSIM_TRACE_FMT_AUTO, &r1, &err), 0);
	assert_int_equal(zsim_trace_open(bin, ZSIM_TRACE_FMT_AUTO, &r2, &err), 0);
	struct zsim_trace_event a, b;
	int ra, rb;
	uint64_t n = 0;
	do {
		ra = zsim_trace_read(r1, &a);
		rb = zsim_trace_read(r2, &b);
		assert_int_equal(ra, rb);
		if (ra == 1) {
			assert_true(a.ts_ns == b.ts_ns && a.offset == b.offset && a.op == b.op &&
				    a.memcg == b.memcg && a.content == b.content);
			n++;
		}
	} while (ra == 1);
	assert_int_equal(n, st_file.events);
	zsim_trace_close(r1);
	zsim_trace_close(r2);
	/* the caller's stream is still open */
	assert_true(ftell(fi) >= 0);
	assert_int_equal(fclose(fi), 0);
	free(in);
	free(bin_file);
	free(csv_file);
	free(mbin);
	free(mcsv);
}

static void test_errors_name_the_stream(void **state)
{
	(void)state;
	static char trunc[] = "ZSWT\x01";
	struct zsim_trace_error err;
	struct zsim_trace_reader *r = NULL;
	FILE *f = fmemopen(trunc, sizeof(trunc) - 1, "rb");
	int rc = zsim_trace_open_stream(f, "mem-trace", ZSIM_TRACE_FMT_AUTO, &r, &err);
	assert_true(rc == ZSIM_ETRUNC || rc == ZSIM_EPARSE);
	assert_null(r);
	assert_int_equal(err.code, rc);
	assert_true(strstr(err.message, "mem-trace") == err.message);
	assert_int_equal(fclose(f), 0);

	/* a capture that is not one: the error names the input */
	static char junk[] = "hello\n";
	f = fmemopen(junk, sizeof(junk) - 1, "rb");
	char *out = NULL;
	size_t out_len = 0;
	FILE *o = open_memstream(&out, &out_len);
	rc = zsim_capture_convert_stream(f, "mem-capture", o, "mem-out", NULL, NULL, &err);
	assert_true(rc < 0);
	assert_true(strstr(err.message, "mem-capture") == err.message);
	fclose(o);
	fclose(f);
	free(out);

	/* bad arguments */
	assert_int_equal(zsim_trace_open_stream(NULL, "x", ZSIM_TRACE_FMT_AUTO, &r, &err),
			 ZSIM_EINVAL);
	f = fmemopen(junk, sizeof(junk) - 1, "rb");
	assert_int_equal(zsim_trace_open_stream(f, NULL, ZSIM_TRACE_FMT_AUTO, &r, &err),
			 ZSIM_EINVAL);
	struct zsim_trace_writer *w = NULL;
	assert_int_equal(zsim_trace_writer_open_stream(f, "x", ZSIM_TRACE_FMT_AUTO, NULL, &w, &err),
			 ZSIM_EINVAL);
	assert_null(w);
	assert_true(zsim_capture_convert_stream(NULL, "x", f, "y", NULL, NULL, &err) < 0);
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_bytes_as_files),
		cmocka_unit_test(test_errors_name_the_stream),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
