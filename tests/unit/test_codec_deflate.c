/*
 * test_codec_deflate.c - the "deflate" drivers: deflate-zlib gives exactly
 * what zlib gives with crypto/deflate.c's parameters; every driver's output
 * is raw DEFLATE that every other driver reads; hand-derived streams; the
 * priority order; and clean errors for truncated, corrupt and oversized
 * input (buffers allocated to the byte so ASan sees any overrun).
 */
#include "testutil.h"

#include <stdio.h>
#include <zlib.h>

#include "codec/codec_internal.h"

static const char *const drivers[] = {"deflate-zlib", "deflate-libdeflate", "deflate-isal"};

static struct zsim_codec *make_opt(const char *name)
{
	struct zsim_codec *c;
	int rc = zsim_codec_create(name, NULL, &c);
	if (rc == ZSIM_ENOENT) {
		zsim_test_skip_note("%s not built in", name);
		return NULL;
	}
	assert_int_equal(rc, 0);
	return c;
}

/* zlib with the kernel's parameters, called directly. */
static size_t zlib_kernel(const void *src, size_t n, void *dst, size_t cap, int wbits)
{
	z_stream s;
	memset(&s, 0, sizeof(s));
	assert_int_equal(deflateInit2(&s, Z_DEFAULT_COMPRESSION, Z_DEFLATED, wbits, 9,
				      Z_DEFAULT_STRATEGY), Z_OK);
	s.next_in = (Bytef *)src;
	s.avail_in = (uInt)n;
	s.next_out = dst;
	s.avail_out = (uInt)cap;
	int rc = deflate(&s, Z_FINISH);
	size_t out = rc == Z_STREAM_END ? s.total_out : 0;
	deflateEnd(&s);
	return out;
}

/* Inflate with a 2 KiB window one output byte per call, so that every
 * match goes through zlib's window and a distance beyond 2 KiB is refused
 * (a single-buffer inflate would not check it). Returns true if the
 * stream decodes to `want`. */
static bool inflates_with_2k_window(const void *src, size_t n, const void *want, size_t wn)
{
	z_stream s;
	memset(&s, 0, sizeof(s));
	assert_int_equal(inflateInit2(&s, -11), Z_OK);
	unsigned char out[ZSIM_PAGE_SIZE];
	s.next_in = (Bytef *)src;
	s.avail_in = (uInt)n;
	int rc = Z_OK;
	size_t got = 0;
	while (rc == Z_OK && got < sizeof(out)) {
		s.next_out = out + got;
		s.avail_out = 1;
		rc = inflate(&s, Z_NO_FLUSH);
		got = s.total_out;
	}
	if (rc == Z_OK)
		rc = inflate(&s, Z_FINISH);
	inflateEnd(&s);
	return rc == Z_STREAM_END && got == wn && !memcmp(out, want, wn);
}

static void test_kernel_parameters(void **state)
{
	(void)state;
	struct zsim_codec *c = make_opt("deflate");
	assert_non_null(c);
	assert_string_equal(zsim_codec_ops(c)->driver_name, "deflate-zlib");
	assert_int_equal(zsim_codec_params(c).level, 6);
	unsigned char page[ZSIM_PAGE_SIZE], ours[ZSIM_PAGE_SIZE], ref[ZSIM_PAGE_SIZE],
		wide[ZSIM_PAGE_SIZE];
	unsigned differ_from_wide = 0, pages = 0;
	for (int cls = 0; cls < ZSIM_PAGE_CLASS_COUNT; cls++) {
		if (cls == ZSIM_PAGE_RANDOM)
			continue;
		for (unsigned i = 0; i < 12; i++) {
			zsim_test_page((enum zsim_page_class)cls, i, page);
			size_t clen = sizeof(ours);
			assert_int_equal(zsim_codec_compress(c, page, sizeof(page), ours, &clen), 0);
			size_t rlen = zlib_kernel(page, sizeof(page), ref, sizeof(ref), -11);
			assert_int_equal(clen, rlen);
			assert_memory_equal(ours, ref, clen);
			size_t wlen = zlib_kernel(page, sizeof(page), wide, sizeof(wide), -15);
			differ_from_wide += wlen != clen || memcmp(wide, ours, clen);
			/* The kernel's own inflate (2 KiB window) reads it. */
			assert_true(inflates_with_2k_window(ours, clen, page, sizeof(page)));
			pages++;
		}
	}
	print_message("# %u pages identical to zlib(6, -11, 9); %u differ from a 32 KiB window\n",
		      pages, differ_from_wide);
	/* The window parameter is in effect. */
	assert_true(differ_from_wide > 0);
	zsim_codec_destroy(c);
}

/* Streams derived by hand from RFC 1951. */
static void test_golden(void **state)
{
	(void)state;
	/* "a": BFINAL 1, BTYPE 01 (fixed); literal 97 = 8-bit code 10010001;
	 * end of block = 7 zero bits. */
	static const unsigned char a_stream[] = {0x4b, 0x04, 0x00};
	/* "aaaaaaaaaa": 'a', then length 9 (code 263 = 0000111) at distance 1
	 * (distance code 0 = 00000), end of block. */
	static const unsigned char a10_stream[] = {0x4b, 0x84, 0x03, 0x00};
	/* A stored block: BFINAL 1, BTYPE 00, LEN 5, NLEN ~5, "hello". */
	static const unsigned char stored[] = {0x01, 0x05, 0x00, 0xfa, 0xff, 'h', 'e', 'l', 'l', 'o'};
	/* The same with distance 2 (code 1 = 00001) after a single byte:
	 * before the start of the output. */
	static const unsigned char far[] = {0x4b, 0x84, 0x43, 0x00};

	for (size_t d = 0; d < ZSIM_ARRAY_N(drivers); d++) {
		struct zsim_codec *c = make_opt(drivers[d]);
		if (!c)
			continue;
		unsigned char out[64];
		size_t dlen = sizeof(out);
		assert_int_equal(zsim_codec_decompress(c, a_stream, sizeof(a_stream), out, &dlen), 0);
		assert_int_equal(dlen, 1);
		assert_int_equal(out[0], 'a');
		dlen = sizeof(out);
		assert_int_equal(zsim_codec_decompress(c, a10_stream, sizeof(a10_stream), out, &dlen), 0);
		assert_int_equal(dlen, 10);
		assert_memory_equal(out, "aaaaaaaaaa", 10);
		dlen = sizeof(out);
		assert_int_equal(zsim_codec_decompress(c, stored, sizeof(stored), out, &dlen), 0);
		assert_int_equal(dlen, 5);
		assert_memory_equal(out, "hello", 5);
		dlen = 9;
		assert_int_equal(zsim_codec_decompress(c, a10_stream, sizeof(a10_stream), out, &dlen),
				 ZSIM_ENOSPC);
		dlen = sizeof(out);
		assert_int_equal(zsim_codec_decompress(c, far, sizeof(far), out, &dlen), ZSIM_EBADMSG);
		/* BTYPE 11 is reserved. */
		static const unsigned char reserved[] = {0x07, 0x00};
		dlen = sizeof(out);
		assert_int_equal(zsim_codec_decompress(c, reserved, sizeof(reserved), out, &dlen),
				 ZSIM_EBADMSG);
		zsim_codec_destroy(c);
	}

	/* And the kernel-faithful compressor writes exactly those bytes. */
	struct zsim_codec *z = make_opt("deflate-zlib");
	unsigned char comp[64];
	size_t clen = sizeof(comp);
	assert_int_equal(zsim_codec_compress(z, "a", 1, comp, &clen), 0);
	assert_int_equal(clen, sizeof(a_stream));
	assert_memory_equal(comp, a_stream, clen);
	/* zlib never matches against position 0 (its hash chains use 0 as
	 * "none"), so it writes 'a', 'a', then length 8 (code 262 = 0000110)
	 * at distance 1, end of block. */
	static const unsigned char a10_zlib[] = {0x4b, 0x4c, 0x84, 0x01, 0x00};
	clen = sizeof(comp);
	assert_int_equal(zsim_codec_compress(z, "aaaaaaaaaa", 10, comp, &clen), 0);
	assert_int_equal(clen, sizeof(a10_zlib));
	assert_memory_equal(comp, a10_zlib, clen);
	unsigned char out[16];
	size_t dlen = sizeof(out);
	assert_int_equal(zsim_codec_decompress(z, a10_zlib, sizeof(a10_zlib), out, &dlen), 0);
	assert_int_equal(dlen, 10);
	assert_memory_equal(out, "aaaaaaaaaa", 10);
	zsim_codec_destroy(z);
}

/* Each driver's output is plain raw DEFLATE: every decoder reads it. */
static void test_cross_decode(void **state)
{
	(void)state;
	struct zsim_codec *c[ZSIM_ARRAY_N(drivers)];
	for (size_t d = 0; d < ZSIM_ARRAY_N(drivers); d++)
		c[d] = make_opt(drivers[d]);
	unsigned char page[ZSIM_PAGE_SIZE], comp[ZSIM_PAGE_SIZE], out[ZSIM_PAGE_SIZE];
	for (int cls = 0; cls < ZSIM_PAGE_CLASS_COUNT; cls++) {
		for (unsigned i = 0; i < 6; i++) {
			zsim_test_page((enum zsim_page_class)cls, 40 + i, page);
			for (size_t e = 0; e < ZSIM_ARRAY_N(drivers); e++) {
				if (!c[e])
					continue;
				size_t clen = sizeof(comp);
				int rc = zsim_codec_compress(c[e], page, sizeof(page), comp, &clen);
				if (cls == ZSIM_PAGE_RANDOM) {
					assert_int_equal(rc, ZSIM_ENOSPC);
					continue;
				}
				assert_int_equal(rc, 0);
				for (size_t d = 0; d < ZSIM_ARRAY_N(drivers); d++) {
					if (!c[d])
						continue;
					size_t dlen = sizeof(out);
					assert_int_equal(zsim_codec_decompress(c[d], comp, clen, out, &dlen), 0);
					assert_int_equal(dlen, sizeof(page));
					assert_memory_equal(out, page, sizeof(page));
				}
			}
		}
	}
	for (size_t d = 0; d < ZSIM_ARRAY_N(drivers); d++)
		zsim_codec_destroy(c[d]);
}

/* Truncation, corruption, small buffers: a clean code, never an overrun. */
static void test_hostile_input(void **state)
{
	(void)state;
	uint64_t x = zsim_test_seed();
	for (size_t d = 0; d < ZSIM_ARRAY_N(drivers); d++) {
		struct zsim_codec *c = make_opt(drivers[d]);
		if (!c)
			continue;
		unsigned char page[ZSIM_PAGE_SIZE], comp[ZSIM_PAGE_SIZE];
		for (int cls = 0; cls < ZSIM_PAGE_CLASS_COUNT - 1; cls++) {
			zsim_test_page((enum zsim_page_class)cls, 3, page);
			size_t clen = sizeof(comp);
			assert_int_equal(zsim_codec_compress(c, page, sizeof(page), comp, &clen), 0);

			/* Exact fit decodes; one byte less is ENOSPC. */
			unsigned char *o = malloc(ZSIM_PAGE_SIZE);
			size_t dlen = ZSIM_PAGE_SIZE;
			assert_int_equal(zsim_codec_decompress(c, comp, clen, o, &dlen), 0);
			dlen = ZSIM_PAGE_SIZE - 1;
			assert_int_equal(zsim_codec_decompress(c, comp, clen, o, &dlen), ZSIM_ENOSPC);
			free(o);

			for (size_t cut = 1; cut < clen; cut++) {
				unsigned char *in = malloc(cut);
				memcpy(in, comp, cut);
				o = malloc(ZSIM_PAGE_SIZE);
				dlen = ZSIM_PAGE_SIZE;
				int rc = zsim_codec_decompress(c, in, cut, o, &dlen);
				if (rc == 0)
					assert_true(dlen < ZSIM_PAGE_SIZE);
				else if (!strcmp(drivers[d], "deflate-libdeflate"))
					assert_int_equal(rc, ZSIM_EBADMSG); /* cannot tell */
				else
					assert_int_equal(rc, ZSIM_ETRUNC);
				free(o);
				free(in);
			}
			for (int t = 0; t < 400; t++) {
				unsigned char *bad = malloc(clen);
				memcpy(bad, comp, clen);
				for (int f = 0; f < 1 + t % 3; f++) {
					x = x * 6364136223846793005ull + 1442695040888963407ull;
					bad[(x >> 33) % clen] ^= (unsigned char)(1u << ((x >> 20) & 7));
				}
				size_t cap = (t & 1) ? ZSIM_PAGE_SIZE : 1 + (size_t)(x >> 40) % 600;
				o = malloc(cap);
				dlen = cap;
				int rc = zsim_codec_decompress(c, bad, clen, o, &dlen);
				assert_true(rc == 0 || rc == ZSIM_EBADMSG || rc == ZSIM_ETRUNC ||
					    rc == ZSIM_ENOSPC);
				if (rc == 0)
					assert_true(dlen <= cap);
				free(o);
				free(bad);
			}
		}
		/* Bytes after the final block are ignored, as in the kernel. */
		zsim_test_page(ZSIM_PAGE_TEXT, 1, page);
		size_t clen = sizeof(comp) - 8;
		assert_int_equal(zsim_codec_compress(c, page, sizeof(page), comp, &clen), 0);
		memset(comp + clen, 0x5a, 8);
		unsigned char out[ZSIM_PAGE_SIZE];
		size_t dlen = sizeof(out);
		assert_int_equal(zsim_codec_decompress(c, comp, clen + 8, out, &dlen), 0);
		assert_int_equal(dlen, sizeof(page));
		zsim_codec_destroy(c);
	}
}

static void test_priorities_and_levels(void **state)
{
	(void)state;
	const struct zsim_codec_ops *ops;
	assert_int_equal(zsim_codec_lookup("deflate", &ops), 0);
	assert_string_equal(ops->driver_name, "deflate-zlib");
	int zprio = ops->priority;
	for (size_t d = 1; d < ZSIM_ARRAY_N(drivers); d++) {
		if (zsim_codec_lookup(drivers[d], &ops))
			continue;
		assert_string_equal(ops->name, "deflate");
		assert_true(ops->priority < zprio);
	}
	struct zsim_codec *c;
	assert_int_equal(zsim_codec_create("deflate:level=1", NULL, &c), 0);
	char desc[128];
	assert_int_equal(zsim_codec_describe(c, desc, sizeof(desc)), 0);
	assert_string_equal(desc, "deflate-zlib:level=1");
	zsim_codec_destroy(c);
	assert_int_equal(zsim_codec_create("deflate:level=10", NULL, &c), ZSIM_EINVAL);
	if (!zsim_codec_lookup("deflate-libdeflate", &ops)) {
		assert_int_equal(zsim_codec_create("deflate-libdeflate:level=12", NULL, &c), 0);
		zsim_codec_destroy(c);
	}
	if (!zsim_codec_lookup("deflate-isal", &ops)) {
		for (int l = 1; l <= 3; l++) {
			char spec[64];
			snprintf(spec, sizeof(spec), "deflate-isal:level=%d", l);
			assert_int_equal(zsim_codec_create(spec, NULL, &c), 0);
			unsigned char page[ZSIM_PAGE_SIZE], comp[ZSIM_PAGE_SIZE], out[ZSIM_PAGE_SIZE];
			zsim_test_page(ZSIM_PAGE_TYPICAL, (uint64_t)l, page);
			size_t clen = sizeof(comp), dlen = sizeof(out);
			assert_int_equal(zsim_codec_compress(c, page, sizeof(page), comp, &clen), 0);
			assert_int_equal(zsim_codec_decompress(c, comp, clen, out, &dlen), 0);
			assert_memory_equal(out, page, sizeof(page));
			/* A 2 KiB history: the kernel's 2 KiB inflate reads it. */
			assert_true(inflates_with_2k_window(comp, clen, page, sizeof(page)));
			zsim_codec_destroy(c);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_parameters),
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_cross_decode),
		cmocka_unit_test(test_hostile_input),
		cmocka_unit_test(test_priorities_and_levels),
	};
	return zsim_test_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
