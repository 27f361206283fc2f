/*
 * test_codec_lzorle.c - the "lzo-rle" driver: byte-exact agreement of its
 * LZO1X-1 core with liblzo2, golden streams derived by hand from the format
 * (Documentation/staging/lzo.rst), the zero-run path (long runs, runs at the
 * ends, runs across pages and chunks, runs of exactly 4), compatibility with
 * plain LZO1X streams both ways, and the decoder's error rules.
 */
#include "testutil.h"

#include <lzo/lzo1x.h>
#include <lzo/lzoconf.h>

#include "codec/codec_internal.h"

#define BIG (200u * 1024)

static uint16_t dict[1u << 15];
static unsigned char wrk[LZO1X_1_15_MEM_COMPRESS];
static unsigned char in_buf[BIG], a_buf[ZSIM_LZO1X_WORST(BIG)], b_buf[ZSIM_LZO1X_WORST(BIG)];
static unsigned char out_buf[BIG + 64];

static struct zsim_codec *make(void)
{
	struct zsim_codec *c;
	assert_int_equal(zsim_codec_create("lzo-rle", NULL, &c), 0);
	return c;
}

/* Compress with the driver, decompress, compare; returns the length. */
static size_t roundtrip(struct zsim_codec *c, const unsigned char *src, size_t n,
			unsigned char *comp)
{
	size_t clen = ZSIM_LZO1X_WORST(n);
	assert_int_equal(zsim_codec_compress(c, src, n, comp, &clen), 0);
	assert_true(clen <= ZSIM_LZO1X_WORST(n));
	memset(out_buf, 0xa5, sizeof(out_buf));
	size_t dlen = n;
	assert_int_equal(zsim_codec_decompress(c, comp, clen, out_buf, &dlen), 0);
	assert_int_equal(dlen, n);
	assert_memory_equal(out_buf, src, n);
	assert_int_equal(out_buf[n], 0xa5);
	return clen;
}

/* Does the stream use the run instruction? Rewrite its version byte to 0:
 * a run then reads as an M4 copy from 48 KiB back, which cannot decode
 * the same bytes (inputs here are under 48 KiB). */
static bool uses_runs(const unsigned char *comp, size_t clen, const unsigned char *src,
		      size_t n)
{
	static unsigned char tmp[ZSIM_LZO1X_WORST(BIG)];
	assert_true(clen >= 5 && comp[0] == 17 && comp[1] == 1);
	memcpy(tmp, comp, clen);
	tmp[1] = 0;
	size_t dlen = n;
	int rc = zsim_lzo1x_decode(tmp, clen, out_buf, &dlen);
	return rc != 0 || dlen != n || memcmp(out_buf, src, n) != 0;
}

static void fill_noise(unsigned char *p, size_t n, uint64_t seed)
{
	uint64_t x = seed * 2654435761u + 1;
	for (size_t i = 0; i < n; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		p[i] = (unsigned char)(1 + (x >> 33) % 255); /* never zero */
	}
}

/* ---------------------------------------------------------------------- */

/* Version 0 of our encoder is LZO1X-1: with liblzo2's hash sizes it must
 * give liblzo2's bytes exactly, pages and multi-chunk inputs alike.
 * (lzo1x_1_15_compress is left out: that variant probes differently.) */
static void test_core_matches_liblzo2(void **state)
{
	(void)state;
	assert_int_equal(lzo_init(), LZO_E_OK);
	struct {
		unsigned bits;
		int (*fn)(const lzo_bytep, lzo_uint, lzo_bytep, lzo_uintp, lzo_voidp);
	} variants[] = {
		{14, lzo1x_1_compress},
		{11, lzo1x_1_11_compress},
		{12, lzo1x_1_12_compress},
	};
	size_t sizes[] = {ZSIM_PAGE_SIZE, 21, 22, 300, 3 * ZSIM_PAGE_SIZE + 7, 0xc000,
			  0xc000 + 21, BIG};
	unsigned mismatches = 0, cases = 0;
	for (size_t v = 0; v < ZSIM_ARRAY_N(variants); v++) {
		for (int cls = 0; cls < ZSIM_PAGE_CLASS_COUNT; cls++) {
			for (size_t s = 0; s < ZSIM_ARRAY_N(sizes); s++) {
				size_t n = sizes[s];
				for (size_t off = 0; off < n; off += ZSIM_PAGE_SIZE) {
					unsigned char page[ZSIM_PAGE_SIZE];
					zsim_test_page((enum zsim_page_class)((cls + off / 4096) %
									      ZSIM_PAGE_CLASS_COUNT),
						       s * 1000 + off / 4096, page);
					memcpy(in_buf + off, page, n - off < sizeof(page) ? n - off : sizeof(page));
				}
				size_t la = zsim_lzo1x_encode(in_buf, n, a_buf, dict,
							      variants[v].bits, 0);
				lzo_uint lb = sizeof(b_buf);
				assert_int_equal(variants[v].fn(in_buf, n, b_buf, &lb, wrk), LZO_E_OK);
				cases++;
				if (la != lb || memcmp(a_buf, b_buf, la)) {
					mismatches++;
					print_message("# d_bits %u class %d size %zu: ours %zu, liblzo2 %lu\n",
						      variants[v].bits, cls, n, la, (unsigned long)lb);
				}
			}
		}
	}
	print_message("# %u/%u inputs byte-identical to liblzo2\n", cases - mismatches, cases);
	assert_int_equal(mismatches, 0);
}

/* A zero page, by hand: 5 literals (the encoder's first probe is at byte
 * 5), a run of 2051 (the longest), a run of 2020 (up to the 20-byte tail
 * that is never probed), the 20-byte tail as a long literal run, the end
 * marker. */
static void test_golden_zero_page(void **state)
{
	(void)state;
	unsigned char want[41] = {
		0x11, 0x01,                         /* header: version 1 */
		0x02, 0, 0, 0, 0, 0,                /* 0000LLLL: 2 + 3 = 5 literals */
		0x1f, 0xfc, 0xff, 0xff,             /* run: (0xff << 3 | 7) + 4 = 2051 */
		0x18, 0xfc, 0xff, 0xfc,             /* run: (0xfc << 3 | 0) + 4 = 2020 */
		0x00, 0x02,                         /* 0000 + extension: 15 + 2 + 3 = 20 */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0x11, 0x00, 0x00,                   /* end of stream */
	};
	unsigned char page[ZSIM_PAGE_SIZE] = {0}, comp[ZSIM_PAGE_SIZE];
	struct zsim_codec *c = make();
	size_t clen = sizeof(comp);
	assert_int_equal(zsim_codec_compress(c, page, sizeof(page), comp, &clen), 0);
	assert_int_equal(clen, sizeof(want));
	assert_memory_equal(comp, want, sizeof(want));
	roundtrip(c, page, sizeof(page), comp);
	zsim_codec_destroy(c);
}

/* A page of 'A': 5 literals, then one M3 copy from distance 5 whose length
 * stops at the first 8-byte step that reaches the 20-byte tail (4076),
 * then the 15 bytes left as literals. No run: the word is not zero. */
static void test_golden_same_page(void **state)
{
	(void)state;
	unsigned char want[46], *w = want;
	*w++ = 0x11, *w++ = 0x01;
	*w++ = 0x02;
	memset(w, 'A', 5), w += 5;
	*w++ = 0x20;                  /* 001 00000: M3, length in extension */
	memset(w, 0, 15), w += 15;    /* 15 x 255 ... */
	*w++ = 0xda;                  /* ... + 218 + 31 + 2 = 4076 */
	*w++ = 4 << 2, *w++ = 0;      /* distance 4 + 1, 0 literals follow */
	*w++ = 12;                    /* 12 + 3 = 15 literals */
	memset(w, 'A', 15), w += 15;
	*w++ = 0x11, *w++ = 0, *w++ = 0;
	assert_int_equal(w - want, sizeof(want));

	unsigned char page[ZSIM_PAGE_SIZE], comp[ZSIM_PAGE_SIZE];
	memset(page, 'A', sizeof(page));
	struct zsim_codec *c = make();
	size_t clen = sizeof(comp);
	assert_int_equal(zsim_codec_compress(c, page, sizeof(page), comp, &clen), 0);
	assert_int_equal(clen, sizeof(want));
	assert_memory_equal(comp, want, sizeof(want));
	zsim_codec_destroy(c);
}

/* Streams written by hand, decoded. */
static void test_golden_decode(void **state)
{
	(void)state;
	unsigned char out[512];
	size_t dlen;

	/* "hello", a run of 100 zeros carrying 2 literals, "xy", end. */
	const unsigned char s1[] = {0x11, 0x01, 22, 'h', 'e', 'l', 'l', 'o',
				    0x18, 0xfe, 0xff, 12, 'x', 'y', 0x11, 0x00, 0x00};
	dlen = sizeof(out);
	assert_int_equal(zsim_lzo1x_decode(s1, sizeof(s1), out, &dlen), 0);
	assert_int_equal(dlen, 107);
	assert_memory_equal(out, "hello", 5);
	for (int i = 5; i < 105; i++)
		assert_int_equal(out[i], 0);
	assert_memory_equal(out + 105, "xy", 2);

	/* The same body under version 0 (no header): the run is an M4 copy
	 * of 263 bytes from far behind the output's start. */
	dlen = sizeof(out);
	assert_int_equal(zsim_lzo1x_decode(s1 + 2, sizeof(s1) - 2, out, &dlen), ZSIM_EBADMSG);
	/* ... and a header with version byte 0 means version 0 too. */
	unsigned char s1v0[sizeof(s1)];
	memcpy(s1v0, s1, sizeof(s1));
	s1v0[1] = 0;
	dlen = sizeof(out);
	assert_int_equal(zsim_lzo1x_decode(s1v0, sizeof(s1v0), out, &dlen), ZSIM_EBADMSG);

	/* Exactly the threshold: a run of 4 ("18 fc ff 00"), and the longest
	 * (2051, "1f fc ff ff") overflowing a 512-byte buffer. */
	const unsigned char s2[] = {0x11, 0x01, 18, 'a', 0x18, 0xfc, 0xff, 0x00, 0x11, 0x00, 0x00};
	dlen = sizeof(out);
	assert_int_equal(zsim_lzo1x_decode(s2, sizeof(s2), out, &dlen), 0);
	assert_int_equal(dlen, 5);
	assert_memory_equal(out, "a\0\0\0\0", 5);
	const unsigned char s3[] = {0x11, 0x01, 18, 'a', 0x1f, 0xfc, 0xff, 0xff, 0x11, 0x00, 0x00};
	dlen = sizeof(out);
	assert_int_equal(zsim_lzo1x_decode(s3, sizeof(s3), out, &dlen), ZSIM_ENOSPC);
	static unsigned char big[4096];
	dlen = sizeof(big);
	assert_int_equal(zsim_lzo1x_decode(s3, sizeof(s3), big, &dlen), 0);
	assert_int_equal(dlen, 2052);

	/* Plain LZO1X by hand: 1 literal, then (state 1) 0000DDSS + H:
	 * a 2-byte copy from distance 1: "aaa". */
	const unsigned char s4[] = {18, 'a', 0x00, 0x00, 0x11, 0x00, 0x00};
	dlen = sizeof(out);
	assert_int_equal(zsim_lzo1x_decode(s4, sizeof(s4), out, &dlen), 0);
	assert_int_equal(dlen, 3);
	assert_memory_equal(out, "aaa", 3);

	/* Distance 2 with one byte written: before the output's start. */
	const unsigned char s5[] = {18, 'a', 0x04, 0x00, 0x11, 0x00, 0x00};
	dlen = sizeof(out);
	assert_int_equal(zsim_lzo1x_decode(s5, sizeof(s5), out, &dlen), ZSIM_EBADMSG);

	/* End marker with length 4 instead of 3: malformed. */
	const unsigned char s6[] = {22, 'a', 'b', 'c', 'd', 'e', 0x12, 0x00, 0x00};
	dlen = sizeof(out);
	assert_int_equal(zsim_lzo1x_decode(s6, sizeof(s6), out, &dlen), ZSIM_EBADMSG);

	/* A byte after the end marker: rejected, as the kernel does. */
	const unsigned char s7[] = {18, 'a', 0x00, 0x00, 0x11, 0x00, 0x00, 0x00};
	dlen = sizeof(out);
	assert_int_equal(zsim_lzo1x_decode(s7, sizeof(s7), out, &dlen), ZSIM_EBADMSG);

	/* Ends inside a run instruction, inside literals, before the end
	 * marker: truncated. Too short to hold anything: truncated. */
	for (size_t cut = 0; cut < sizeof(s1); cut++) {
		dlen = sizeof(out);
		int rc = zsim_lzo1x_decode(s1, cut, out, &dlen);
		if (cut >= 5)
			assert_int_equal(rc, ZSIM_ETRUNC);
		else
			assert_true(rc == ZSIM_ETRUNC || rc == ZSIM_EBADMSG);
	}

	/* An empty input's LZO1X stream is the bare end marker. */
	const unsigned char s8[] = {0x11, 0x00, 0x00};
	dlen = sizeof(out);
	assert_int_equal(zsim_lzo1x_decode(s8, sizeof(s8), out, &dlen), 0);
	assert_int_equal(dlen, 0);

	/* A literal-length extension of 255s: 0000 0000, 00, 01 = 15 + 255 +
	 * 1 + 3 = 274 literals, checked against the input's end. */
	unsigned char s9[3 + 274 + 3];
	s9[0] = 0x00, s9[1] = 0x00, s9[2] = 0x01;
	memset(s9 + 3, 'z', 274);
	s9[277] = 0x11, s9[278] = 0, s9[279] = 0;
	dlen = sizeof(out);
	assert_int_equal(zsim_lzo1x_decode(s9, sizeof(s9), out, &dlen), 0);
	assert_int_equal(dlen, 274);
	dlen = 273;
	assert_int_equal(zsim_lzo1x_decode(s9, sizeof(s9), out, &dlen), ZSIM_ENOSPC);
	dlen = sizeof(out);
	assert_int_equal(zsim_lzo1x_decode(s9, 200, out, &dlen), ZSIM_ETRUNC);
}

/* The zero-run path on inputs built around runs. */
static void test_zero_runs(void **state)
{
	(void)state;
	struct zsim_codec *c = make();
	unsigned char *p = in_buf;
	size_t clen;

	/* Runs at the start and at the end of a page. */
	fill_noise(p, 4096, 1);
	memset(p, 0, 1000);
	memset(p + 3000, 0, 1096);
	clen = roundtrip(c, p, 4096, a_buf);
	assert_true(uses_runs(a_buf, clen, p, 4096));
	assert_true(clen < 2000 + 100);

	/* A page that is zero except its last byte, and except its first. */
	memset(p, 0, 4096);
	p[4095] = 7;
	clen = roundtrip(c, p, 4096, a_buf);
	assert_true(uses_runs(a_buf, clen, p, 4096) && clen < 64);
	memset(p, 0, 4096);
	p[0] = 7;
	clen = roundtrip(c, p, 4096, a_buf);
	assert_true(uses_runs(a_buf, clen, p, 4096) && clen < 64);

	/* Runs of every length from 1 to 40 and around 2051 between noise:
	 * below 4 they are literals, from 4 on runs. */
	for (size_t len = 1; len <= 2100; len += (len < 40 || (len > 2040 && len < 2060)) ? 1 : 97) {
		fill_noise(p, 4096, len);
		for (size_t at = 37; at + len < 4096 - 64; at += len + 61)
			memset(p + at, 0, len);
		clen = roundtrip(c, p, 4096, a_buf);
		if (len >= 8)
			assert_true(uses_runs(a_buf, clen, p, 4096));
	}

	/* Exactly the threshold, everywhere: "xxxx0000" repeated. A run of 4
	 * costs 4 bytes and 4 literals before it 5: the pattern behind the
	 * n/8 in ZSIM_LZO1X_WORST (the x000 windows soon repeat, so matches
	 * keep the real page well below that bound). */
	fill_noise(p, 4096, 99);
	for (size_t i = 4; i < 4096; i += 8)
		memset(p + i, 0, 4);
	clen = roundtrip(c, p, 4096, a_buf);
	assert_true(uses_runs(a_buf, clen, p, 4096));
	print_message("# xxxx0000 page: %zu bytes (bound %u)\n", clen,
		      (unsigned)ZSIM_LZO1X_WORST(4096));
	/* The first 32 groups, before any x000 can repeat, cost 9 bytes per 8. */
	clen = roundtrip(c, p, 256 + 20, a_buf);
	assert_true(clen >= 2 + 1 + 12 + 4 + 31 * 9);

	/* Multi-page inputs: runs across the 4 KiB boundaries. */
	size_t n = 3 * ZSIM_PAGE_SIZE;
	fill_noise(p, n, 5);
	memset(p + 4000, 0, 200);           /* across 4096 */
	memset(p + 8000, 0, 300);           /* across 8192 */
	memset(p + 8192 - 2, 0, 4);         /* 4 zeros straddling 8192 */
	memset(p + 12288 - 700, 0, 700);    /* to the very end */
	clen = roundtrip(c, p, n, a_buf);
	assert_true(uses_runs(a_buf, clen, p, n));
	memset(p, 0, n);                    /* 12 KiB of zeros: runs of 2051 */
	clen = roundtrip(c, p, n, a_buf);
	assert_true(clen < 100);

	/* Beyond one chunk (0xbfff bytes): a run across the chunk boundary
	 * and long matches from far back (M4, 16..48 KiB). */
	n = BIG;
	for (size_t off = 0; off < n; off += 4096)
		zsim_test_page(ZSIM_PAGE_TYPICAL, off / 4096, p + off);
	memcpy(p + 40000, p + 2000, 9000);  /* M4 distances */
	memset(p + 0xbfff - 1000, 0, 3000);
	memset(p + 2 * 0xbfff - 5, 0, 10);
	roundtrip(c, p, n, a_buf);
	zsim_codec_destroy(c);
}

/* The kernel's decoder reads plain LZO1X; so does ours: liblzo2's
 * streams from its fast and its best compressor decode. */
static void test_reads_liblzo2_streams(void **state)
{
	(void)state;
	static unsigned char wrk999[LZO1X_999_MEM_COMPRESS];
	struct zsim_codec *c = make();
	unsigned char page[ZSIM_PAGE_SIZE];
	for (int cls = 0; cls < ZSIM_PAGE_CLASS_COUNT; cls++) {
		for (unsigned i = 0; i < 6; i++) {
			zsim_test_page((enum zsim_page_class)cls, 500 + i, page);
			for (int which = 0; which < 2; which++) {
				lzo_uint lb = sizeof(b_buf);
				int r = which ? lzo1x_999_compress(page, sizeof(page), b_buf, &lb, wrk999)
					      : lzo1x_1_compress(page, sizeof(page), b_buf, &lb, wrk);
				assert_int_equal(r, LZO_E_OK);
				size_t dlen = sizeof(out_buf);
				assert_int_equal(zsim_codec_decompress(c, b_buf, lb, out_buf, &dlen), 0);
				assert_int_equal(dlen, sizeof(page));
				assert_memory_equal(out_buf, page, sizeof(page));
			}
		}
	}
	zsim_codec_destroy(c);
}

/* Our output without any run instruction is plain LZO1X once the 2-byte
 * header is gone: liblzo2's safe decoder reads it. With runs it cannot. */
static void test_liblzo2_reads_ours(void **state)
{
	(void)state;
	struct zsim_codec *c = make();
	unsigned char page[ZSIM_PAGE_SIZE];
	unsigned with = 0, without = 0;
	for (int cls = 0; cls < ZSIM_PAGE_CLASS_COUNT; cls++) {
		for (unsigned i = 0; i < 16; i++) {
			zsim_test_page((enum zsim_page_class)cls, 900 + i, page);
			size_t clen = ZSIM_LZO1X_WORST(sizeof(page));
			assert_int_equal(zsim_codec_compress(c, page, sizeof(page), a_buf, &clen), 0);
			lzo_uint dl = sizeof(out_buf);
			int r = lzo1x_decompress_safe(a_buf + 2, clen - 2, out_buf, &dl, NULL);
			bool same = r == LZO_E_OK && dl == sizeof(page) &&
				    !memcmp(out_buf, page, sizeof(page));
			if (uses_runs(a_buf, clen, page, sizeof(page))) {
				with++;
				assert_false(same);
			} else {
				without++;
				assert_true(same);
			}
		}
	}
	print_message("# %u pages without runs read by liblzo2, %u with runs refused\n",
		      without, with);
	assert_true(with > 0 && without > 0);
	zsim_codec_destroy(c);
}

/* Corrupt and truncated versions of real streams: a clean error or some
 * output, never past the buffers (ASan watches). */
static void test_decoder_hostile(void **state)
{
	(void)state;
	struct zsim_codec *c = make();
	unsigned char page[ZSIM_PAGE_SIZE], comp[ZSIM_LZO1X_WORST(ZSIM_PAGE_SIZE)];
	uint64_t x = zsim_test_seed();
	for (int cls = 0; cls < ZSIM_PAGE_CLASS_COUNT; cls++) {
		zsim_test_page((enum zsim_page_class)cls, 77, page);
		size_t clen = sizeof(comp);
		assert_int_equal(zsim_codec_compress(c, page, sizeof(page), comp, &clen), 0);
		for (size_t cut = 0; cut < clen; cut++) {
			unsigned char *exact = malloc(cut ? cut : 1);
			memcpy(exact, comp, cut);
			size_t dlen = sizeof(page);
			int rc = zsim_lzo1x_decode(exact, cut, out_buf, &dlen);
			/* Every stream ends with its 3-byte marker: a cut loses
			 * it, except that a 3-byte prefix "11 01 00" is itself
			 * a valid empty LZO1X stream (end marker, 1 literal
			 * bit set), as the kernel reads it too. */
			if (rc == 0)
				assert_true(cut == 3 && dlen == 0);
			else
				assert_true(rc == ZSIM_ETRUNC || rc == ZSIM_EBADMSG);
			free(exact);
		}
		for (int t = 0; t < 2000; t++) {
			unsigned char *bad = malloc(clen);
			memcpy(bad, comp, clen);
			for (int f = 0; f < 1 + t % 3; f++) {
				x = x * 6364136223846793005ull + 1442695040888963407ull;
				bad[(x >> 33) % clen] = (unsigned char)(x >> 13);
			}
			size_t cap = (t & 1) ? sizeof(page) : (size_t)(x >> 40) % 300;
			unsigned char *o = malloc(cap ? cap : 1);
			size_t dlen = cap;
			int rc = zsim_lzo1x_decode(bad, clen, o, &dlen);
			assert_true(rc == 0 || rc == ZSIM_EBADMSG || rc == ZSIM_ETRUNC ||
				    rc == ZSIM_ENOSPC);
			if (rc == 0)
				assert_true(dlen <= cap);
			free(o);
			free(bad);
		}
	}
	zsim_codec_destroy(c);
}

static void test_driver_properties(void **state)
{
	(void)state;
	const struct zsim_codec_ops *ops;
	assert_int_equal(zsim_codec_lookup("lzo-rle", &ops), 0);
	assert_string_equal(ops->driver_name, "lzo-rle-generic");
	assert_true(ops->flags & ZSIM_CODEC_F_UNBOUNDED_OUTPUT);
	struct zsim_codec *c = make();
	assert_true(zsim_codec_memory(c) >= sizeof(uint16_t) << 13);
	/* Incompressible: the result is larger than the page; nothing is
	 * written past the capacity. */
	unsigned char page[ZSIM_PAGE_SIZE], comp[ZSIM_PAGE_SIZE + 16];
	zsim_test_page(ZSIM_PAGE_RANDOM, 1, page);
	memset(comp, 0xee, sizeof(comp));
	size_t clen = ZSIM_PAGE_SIZE;
	assert_int_equal(zsim_codec_compress(c, page, sizeof(page), comp, &clen), ZSIM_ENOSPC);
	for (size_t i = 0; i < sizeof(comp); i++)
		assert_int_equal(comp[i], 0xee);
	zsim_codec_destroy(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_core_matches_liblzo2),
		cmocka_unit_test(test_golden_zero_page),
		cmocka_unit_test(test_golden_same_page),
		cmocka_unit_test(test_golden_decode),
		cmocka_unit_test(test_zero_runs),
		cmocka_unit_test(test_reads_liblzo2_streams),
		cmocka_unit_test(test_liblzo2_reads_ours),
		cmocka_unit_test(test_decoder_hostile),
		cmocka_unit_test(test_driver_properties),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
