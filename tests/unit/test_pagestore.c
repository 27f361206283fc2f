/*
 * test_pagestore.c - the page store format: XXH64 against known values and
 * against zstd's own frame checksum, write/read round trips (duplicates
 * keep their logical place, many frames, metadata, snapshots, clen tables
 * equal to what the codecs produce), the empty store, and bad input: every
 * truncation and every single-byte change of a small store gives a clean
 * error naming a byte offset (at open, or at the latest when verifying).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "testutil.h"
#include "pagestore/pagestore_internal.h"

static char tmpdir[] = "/tmp/zsim-ps-XXXXXX";

static int setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void path_in(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", tmpdir, name);
}

static void test_xxh64(void **state)
{
	(void)state;
	/* Published values of the reference implementation. */
	assert_true(zsim_xxh64("", 0, 0) == UINT64_C(0xEF46DB3751D8E999));
	assert_true(zsim_xxh64("a", 1, 0) == UINT64_C(0xD24EC4F1A98C6E5B));
	assert_true(zsim_xxh64("abc", 3, 0) == UINT64_C(0x44BC2CF5AD770999));
	/* A zstd frame's checksum is the low 32 bits of XXH64(content, 0):
	 * check every length class of the tail (0..31) over a long input. */
	unsigned char data[4096 + 40], frame[ZSTD_COMPRESSBOUND(sizeof(data))];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 131 + (i >> 7));
	ZSTD_CCtx *c = ZSTD_createCCtx();
	ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
	for (size_t len = 0; len < sizeof(data); len += 37) {
		size_t n = ZSTD_compress2(c, frame, sizeof(frame), data, len);
		assert_false(ZSTD_isError(n));
		uint32_t want = zsim_get_le32(frame + n - 4);
		assert_int_equal(want, (uint32_t)zsim_xxh64(data, len, 0));
	}
	ZSTD_freeCCtx(c);
}

/* Page i of the test sequence: zero pages, a few repeated patterns, text
 * and random pages, so the store has duplicates far apart. */
static bool compressible_only; /* small stores for the corruption test */

static void test_page(uint64_t i, unsigned char *p)
{
	if (compressible_only && (i % 7 == 2 || i % 7 == 5)) {
		zsim_page_fill(ZSIM_PAGE_MOSTLY_ZERO, 7, i, p); /* still distinct */
		return;
	}
	switch (i % 7) {
	case 0: memset(p, 0, ZSIM_PAGE_SIZE); break;
	case 1: zsim_page_fill(ZSIM_PAGE_TEXT, 1, i % 5, p); break; /* 5 distinct */
	case 2: zsim_page_fill(ZSIM_PAGE_RANDOM, 2, i, p); break;   /* all distinct */
	case 3: zsim_page_fill(ZSIM_PAGE_POINTER, 3, i % 3, p); break;
	case 4: memset(p, 0xAB, ZSIM_PAGE_SIZE); break;
	case 5: zsim_page_fill(ZSIM_PAGE_TYPICAL, 5, i, p); break;
	default: zsim_page_fill(ZSIM_PAGE_MOSTLY_ZERO, 6, i % 2, p); break;
	}
}

static uint64_t expected_unique(uint64_t n)
{
	/* count distinct test pages among the first n */
	uint64_t u = 0;
	bool zero = false, ab = false, text[5] = {0}, ptr[3] = {0}, mz[2] = {0};
	for (uint64_t i = 0; i < n; i++) {
		switch (i % 7) {
		case 0: u += !zero; zero = true; break;
		case 1: u += !text[i % 5]; text[i % 5] = true; break;
		case 3: u += !ptr[i % 3]; ptr[i % 3] = true; break;
		case 4: u += !ab; ab = true; break;
		case 6: u += !mz[i % 2]; mz[i % 2] = true; break;
		default: u++; break;
		}
	}
	return u;
}

static const char *const clen_specs[] = {"lz4", "zstd"};

static void write_store(const char *path, uint64_t n, unsigned frame_pages, bool clen)
{
	struct zsim_pagestore_writer_opts o = {.frame_pages = frame_pages,
					       .clen_specs = clen ? clen_specs : NULL,
					       .nr_clen_specs = clen ? 2 : 0};
	struct zsim_pagestore_writer *w;
	struct zsim_pagestore_error err;
	assert_int_equal(zsim_pagestore_writer_open(path, &o, &w, &err), 0);
	unsigned char page[ZSIM_PAGE_SIZE];
	for (uint64_t i = 0; i < n; i++) {
		test_page(i, page);
		uint64_t at;
		assert_int_equal(zsim_pagestore_add(w, page, 1, &at), 0);
		assert_int_equal(at, i);
		if (i == n / 2)
			assert_int_equal(zsim_pagestore_writer_snapshot(w, 42, "first", 1000, 0), 0);
	}
	assert_int_equal(zsim_pagestore_writer_meta(w, "tool", "test_pagestore"), 0);
	assert_int_equal(zsim_pagestore_writer_meta(w, "note", "a=b"), 0);
	assert_int_equal(zsim_pagestore_writer_meta(w, "note", "replaced"), 0);
	assert_int_equal(zsim_pagestore_writer_meta(w, "Bad Key", "x"), ZSIM_EINVAL);
	assert_int_equal(zsim_pagestore_writer_snapshot(w, 43, "second-name-longer-than-15", 2000,
							ZSIM_PAGESTORE_SNAP_EXIT),
			 0);
	struct zsim_pagestore_writer_stats st;
	zsim_pagestore_writer_stats(w, &st);
	assert_int_equal(st.pages, n);
	assert_int_equal(st.unique, expected_unique(n));
	assert_int_equal(zsim_pagestore_writer_close(w, &err), 0);
}

static void test_roundtrip(void **state)
{
	(void)state;
	char path[256];
	path_in(path, sizeof(path), "rt.zpk");
	const uint64_t n = 300;
	write_store(path, n, 4, true);
	assert_int_equal(zsim_pagestore_probe_file(path), 1);

	struct zsim_pagestore *ps;
	struct zsim_pagestore_error err;
	int rc = zsim_pagestore_open(path, &ps, &err);
	if (rc)
		fprintf(stderr, "%s\n", err.message);
	assert_int_equal(rc, 0);
	struct zsim_pagestore_info info;
	assert_int_equal(zsim_pagestore_info(ps, &info), 0);
	assert_int_equal(info.pages, n);
	assert_int_equal(info.unique, expected_unique(n));
	assert_int_equal(info.frames, (info.unique + 3) / 4);
	assert_int_equal(info.clen_tables, 2);
	assert_int_equal(info.snapshots, 2);
	assert_true(info.has_hashes);
	/* duplicates: far smaller than the raw pages */
	assert_true(info.file_bytes < n * ZSIM_PAGE_SIZE / 2);

	unsigned char want[ZSIM_PAGE_SIZE], got[ZSIM_PAGE_SIZE];
	/* every page, in a scattered order (the frame cache is exercised) */
	for (uint64_t k = 0; k < n; k++) {
		uint64_t i = (k * 97) % n;
		test_page(i, want);
		assert_int_equal(zsim_pagestore_read_page(ps, i, got), 0);
		assert_memory_equal(want, got, ZSIM_PAGE_SIZE);
	}
	assert_int_equal(zsim_pagestore_read_page(ps, n, got), ZSIM_ERANGE);
	uint64_t uid;
	assert_int_equal(zsim_pagestore_unique_id(ps, 0, &uid), 0);
	assert_int_equal(uid, 0);
	assert_int_equal(zsim_pagestore_unique_id(ps, 7, &uid), 0);
	assert_int_equal(uid, 0); /* page 7 is a zero page, like page 0 */

	/* ranges, in one call: all, and one starting mid-way */
	unsigned char *all = malloc(n * ZSIM_PAGE_SIZE);
	assert_non_null(all);
	assert_int_equal(zsim_pagestore_read_pages(ps, 0, n, all), 0);
	for (uint64_t i = 0; i < n; i++) {
		test_page(i, want);
		assert_memory_equal(want, all + i * ZSIM_PAGE_SIZE, ZSIM_PAGE_SIZE);
	}
	memset(all, 0x55, n * ZSIM_PAGE_SIZE);
	assert_int_equal(zsim_pagestore_read_pages(ps, 123, 50, all), 0);
	for (uint64_t i = 0; i < 50; i++) {
		test_page(123 + i, want);
		assert_memory_equal(want, all + i * ZSIM_PAGE_SIZE, ZSIM_PAGE_SIZE);
	}
	assert_int_equal(zsim_pagestore_read_pages(ps, 290, 11, all), ZSIM_ERANGE);
	free(all);
	assert_int_equal(zsim_pagestore_verify(ps), 0);

	/* metadata and snapshots */
	assert_string_equal(zsim_pagestore_meta(ps, "tool"), "test_pagestore");
	assert_string_equal(zsim_pagestore_meta(ps, "note"), "replaced");
	assert_null(zsim_pagestore_meta(ps, "absent"));
	struct zsim_pagestore_snapshot s;
	assert_int_equal(zsim_pagestore_snapshot(ps, 0, &s), 0);
	assert_int_equal(s.first_page, 0);
	assert_int_equal(s.pages, n / 2 + 1);
	assert_int_equal(s.pid, 42);
	assert_string_equal(s.comm, "first");
	assert_int_equal(zsim_pagestore_snapshot(ps, 1, &s), 0);
	assert_int_equal(s.first_page, n / 2 + 1);
	assert_int_equal(s.pages, n - n / 2 - 1);
	assert_int_equal(s.flags, ZSIM_PAGESTORE_SNAP_EXIT);
	assert_string_equal(s.comm, "second-name-lon"); /* 15 bytes kept */
	assert_int_equal(zsim_pagestore_snapshot(ps, 2, &s), ZSIM_ERANGE);

	/* clen tables equal what the codecs make of each page */
	for (unsigned t = 0; t < 2; t++) {
		const char *spec, *desc;
		assert_int_equal(zsim_pagestore_clen_table(ps, t, &spec, &desc), 0);
		assert_string_equal(spec, clen_specs[t]);
		assert_int_equal(zsim_pagestore_clen_find(ps, clen_specs[t]), (int)t);
		struct zsim_codec *c;
		assert_int_equal(zsim_codec_create(spec, NULL, &c), 0);
		unsigned char dst[ZSIM_PAGE_SIZE];
		for (uint64_t i = 0; i < n; i++) {
			test_page(i, want);
			size_t dlen = ZSIM_PAGE_SIZE;
			int crc = zsim_codec_compress(c, want, ZSIM_PAGE_SIZE, dst, &dlen);
			unsigned len;
			assert_int_equal(zsim_pagestore_clen(ps, t, i, &len), 0);
			if (crc)
				assert_int_equal(len, ZSIM_PAGESTORE_CLEN_NONE);
			else
				assert_int_equal(len, dlen);
			if (i % 7 == 2) /* random pages do not fit */
				assert_int_equal(len, ZSIM_PAGESTORE_CLEN_NONE);
		}
		zsim_codec_destroy(c);
	}
	assert_int_equal(zsim_pagestore_clen_find(ps, "lzo"), ZSIM_ENOENT);
	zsim_pagestore_close(ps);
}

static void test_empty_and_abort(void **state)
{
	(void)state;
	char path[256];
	path_in(path, sizeof(path), "empty.zpk");
	struct zsim_pagestore_writer *w;
	assert_int_equal(zsim_pagestore_writer_open(path, NULL, &w, NULL), 0);
	assert_int_equal(zsim_pagestore_writer_close(w, NULL), 0);
	struct zsim_pagestore *ps;
	assert_int_equal(zsim_pagestore_open(path, &ps, NULL), 0);
	struct zsim_pagestore_info info;
	zsim_pagestore_info(ps, &info);
	assert_int_equal(info.pages, 0);
	assert_int_equal(info.unique, 0);
	unsigned char page[ZSIM_PAGE_SIZE];
	assert_int_equal(zsim_pagestore_read_page(ps, 0, page), ZSIM_ERANGE);
	assert_int_equal(zsim_pagestore_read_pages(ps, 0, 0, page), 0);
	zsim_pagestore_close(ps);

	/* abort leaves nothing behind, not even the temporary file */
	path_in(path, sizeof(path), "aborted.zpk");
	assert_int_equal(zsim_pagestore_writer_open(path, NULL, &w, NULL), 0);
	memset(page, 1, sizeof(page));
	assert_int_equal(zsim_pagestore_add(w, page, 1, NULL), 0);
	zsim_pagestore_writer_abort(w);
	assert_int_equal(access(path, F_OK), -1);
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "ls %s | grep -q aborted", tmpdir);
	assert_int_not_equal(system(cmd), 0);

	/* bad options */
	struct zsim_pagestore_writer_opts o = {.frame_pages = 5000};
	struct zsim_pagestore_error err;
	assert_int_equal(zsim_pagestore_writer_open(path, &o, &w, &err), ZSIM_EINVAL);
	const char *bad[] = {"no-such-codec"};
	o = (struct zsim_pagestore_writer_opts){.clen_specs = bad, .nr_clen_specs = 1};
	assert_int_equal(zsim_pagestore_writer_open(path, &o, &w, &err), ZSIM_ENOENT);
	assert_non_null(strstr(err.message, "no-such-codec"));
	assert_int_equal(zsim_pagestore_writer_open("/nonexistent-dir/x.zpk", NULL, &w, &err),
			 ZSIM_EIO);
	assert_non_null(strstr(err.message, "/nonexistent-dir/x.zpk"));
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	unsigned char *b = malloc(*len);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, *len, f), *len);
	fclose(f);
	return b;
}

static bool clean_code(int rc)
{
	return rc == ZSIM_EPARSE || rc == ZSIM_ETRUNC || rc == ZSIM_EBADMSG || rc == ZSIM_ERANGE;
}

/* Open a (possibly damaged) image; 0 if it opened and verified, else the
 * error, whose message must name the byte offset. */
static int try_image(const unsigned char *b, size_t len)
{
	struct zsim_pagestore *ps;
	struct zsim_pagestore_error err;
	memset(&err, 0, sizeof(err));
	int rc = zsim_pagestore_open_memory(b, len, "img", &ps, &err);
	if (rc) {
		assert_true(clean_code(rc));
		assert_int_equal(err.code, rc);
		assert_non_null(strstr(err.message, "img: byte "));
		return rc;
	}
	rc = zsim_pagestore_verify(ps);
	if (rc) {
		const struct zsim_pagestore_error *e = zsim_pagestore_last_error(ps);
		assert_true(clean_code(rc));
		assert_non_null(strstr(e->message, "img: byte "));
	} else {
		/* a store that verifies reads every page */
		struct zsim_pagestore_info info;
		zsim_pagestore_info(ps, &info);
		unsigned char page[ZSIM_PAGE_SIZE];
		for (uint64_t i = 0; i < info.pages; i++)
			assert_int_equal(zsim_pagestore_read_page(ps, i, page), 0);
	}
	zsim_pagestore_close(ps);
	return rc;
}

static void test_corruption(void **state)
{
	(void)state;
	char path[256];
	path_in(path, sizeof(path), "small.zpk");
	compressible_only = true;
	write_store(path, 40, 4, true);
	compressible_only = false;
	size_t len;
	unsigned char *img = slurp(path, &len);
	assert_int_equal(try_image(img, len), 0);

	/* every truncation */
	for (size_t cut = 0; cut < len; cut++) {
		int rc = try_image(img, cut);
		assert_int_not_equal(rc, 0);
		if (cut >= ZSIM_PAGESTORE_MAGIC_LEN && cut < PS_HEADER_SIZE)
			assert_int_equal(rc, ZSIM_ETRUNC);
	}
	/* every single-byte change is detected (every byte is under a
	 * checksum): at open, or by verify */
	unsigned char *bad = malloc(len);
	assert_non_null(bad);
	for (size_t i = 0; i < len; i++) {
		memcpy(bad, img, len);
		bad[i] ^= (unsigned char)(1u << (i % 8));
		if (try_image(bad, len) == 0)
			fprintf(stderr, "undetected change at byte %zu of %zu\n", i, len);
		assert_int_not_equal(try_image(bad, len), 0);
	}
	/* a raw page file, and an unfinished store */
	memset(bad, 0, len);
	assert_int_equal(zsim_pagestore_probe(bad, len), 0);
	struct zsim_pagestore *ps;
	struct zsim_pagestore_error err;
	assert_int_equal(zsim_pagestore_open_memory(bad, len, "raw", &ps, &err), ZSIM_EPARSE);
	assert_non_null(strstr(err.message, "not a page store"));
	memcpy(bad, ZSIM_PAGESTORE_MAGIC, ZSIM_PAGESTORE_MAGIC_LEN);
	assert_int_equal(zsim_pagestore_open_memory(bad, len, "half", &ps, &err), ZSIM_EPARSE);
	assert_non_null(strstr(err.message, "did not finish"));
	assert_int_equal(err.byte_offset, PS_H_TOC_OFFSET);
	/* a truncated file on disk names its offset too */
	path_in(path, sizeof(path), "cut.zpk");
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(img, 1, len - 10, f), len - 10);
	fclose(f);
	assert_int_equal(zsim_pagestore_open(path, &ps, &err), ZSIM_ETRUNC);
	assert_non_null(strstr(err.message, "cut.zpk: byte "));
	assert_non_null(strstr(err.message, "truncated"));
	free(bad);
	free(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xxh64),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_empty_and_abort),
		cmocka_unit_test(test_corruption),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
