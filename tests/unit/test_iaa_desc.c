/*
 * test_iaa_desc.c - the IAA descriptor, completion record and AECS, byte
 * for byte against the tables of iaa.md §2 (written out here by offset,
 * independently of the structs in iaa_hw.h), and what a record means
 * (iaa.md §3.1, the kernel's check_completion).
 */
#include "testutil.h"

#include "codec/iaa.h"

static void put(uint8_t *b, unsigned off, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		b[off + i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get(const uint8_t *b, unsigned off, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)b[off + i] << (8 * i);
	return v;
}

static _Alignas(64) struct zsim_iaa_crec rec;
static _Alignas(32) struct zsim_iaa_aecs_comp aecs;
static unsigned char src[4096], dst[4096];

static void test_compress_descriptor(void **state)
{
	(void)state;
	zsim_iaa_aecs_fixed_init(&aecs);
	struct zsim_iaa_desc d;
	memset(&d, 0xee, sizeof(d)); /* every byte must be written */
	zsim_iaa_desc_compress(&d, src, 4096, dst, 4096, &aecs, &rec, ZSIM_IAA_OPF_CC);
	uint8_t want[64] = {0};
	/* 4-7: flags CRAV 0x4 | RCR 0x8 | CC 0x100 | RD_SRC2_AECS 0x10000, opcode 0x43 */
	put(want, 4, 0x01010c, 3);
	want[7] = 0x43;
	put(want, 8, (uintptr_t)&rec, 8);
	put(want, 16, (uintptr_t)src, 8);
	put(want, 24, (uintptr_t)dst, 8);
	put(want, 32, 4096, 4);
	/* 36-37 interrupt handle 0; 38-39 compression flags FLUSH|APPEND_EOB */
	put(want, 38, 0x0006, 2);
	put(want, 40, (uintptr_t)&aecs, 8);
	put(want, 48, 4096, 4);
	put(want, 52, 1568, 4);
	/* 56-63 zero */
	assert_memory_equal(&d, want, 64);
	assert_int_equal(zsim_iaa_desc_opcode(&d), ZSIM_IAA_OP_COMPRESS);
	assert_int_equal(zsim_iaa_desc_flags(&d), ZSIM_IAA_KERNEL_COMP_OPF);

	/* BOF goes in bit 1 when the caller asks; nothing else moves. */
	zsim_iaa_desc_compress(&d, src, 100, dst, 200, &aecs, &rec, ZSIM_IAA_OPF_BOF);
	const uint8_t *b = (const uint8_t *)&d;
	assert_int_equal(get(b, 4, 3), 0x01000e);
	assert_int_equal(get(b, 32, 4), 100);
	assert_int_equal(get(b, 48, 4), 200);
}

static void test_decompress_descriptor(void **state)
{
	(void)state;
	struct zsim_iaa_desc d;
	memset(&d, 0xee, sizeof(d));
	zsim_iaa_desc_decompress(&d, src, 1234, dst, 4096, &rec, ZSIM_IAA_OPF_CC);
	uint8_t want[64] = {0};
	put(want, 4, 0x00010c, 3); /* CRAV | RCR | CC, no AECS */
	want[7] = 0x42;
	put(want, 8, (uintptr_t)&rec, 8);
	put(want, 16, (uintptr_t)src, 8);
	put(want, 24, (uintptr_t)dst, 8);
	put(want, 32, 1234, 4);
	/* decompression flags: enable, flush, stop on EOB, check EOB (any EOB) */
	put(want, 38, 0x000f, 2);
	put(want, 48, 4096, 4);
	assert_memory_equal(&d, want, 64);

	/* verify_compress: the output decompressed, output suppressed,
	 * destination = the original page, max = its size. */
	zsim_iaa_desc_verify(&d, dst, 1234, src, 4096, &rec, ZSIM_IAA_OPF_CC);
	put(want, 16, (uintptr_t)dst, 8);
	put(want, 24, (uintptr_t)src, 8);
	put(want, 38, 0x020f, 2);
	assert_memory_equal(&d, want, 64);

	zsim_iaa_desc_noop(&d, &rec);
	memset(want, 0, sizeof(want));
	put(want, 4, 0x00000c, 3);
	put(want, 8, (uintptr_t)&rec, 8);
	assert_memory_equal(&d, want, 64);
}

static void test_record_fields(void **state)
{
	(void)state;
	uint8_t raw[64] = {0};
	raw[0] = 0x83; /* page fault on a write */
	raw[1] = 17;
	put(raw, 4, 77, 4);
	put(raw, 8, 0x7f0012345678ull, 8);
	put(raw, 16, 0x40000, 4);
	put(raw, 24, 999, 4);
	raw[28] = 5;
	put(raw, 30, 0xbeef, 2);
	put(raw, 32, 0x934446d2u, 4);
	struct zsim_iaa_crec r;
	memcpy(&r, raw, 64);
	assert_int_equal(zsim_iaa_crec_status(&r), 0x83);
	assert_int_equal(r.error_code, 17);
	assert_int_equal(r.bytes_completed, 77);
	assert_int_equal(r.fault_addr, 0x7f0012345678ull);
	assert_int_equal(r.invalid_flags, 0x40000);
	assert_int_equal(r.output_size, 999);
	assert_int_equal(r.output_bits, 5);
	assert_int_equal(r.xor_checksum, 0xbeef);
	assert_int_equal(r.crc, 0x934446d2u);
	assert_int_equal(zsim_iaa_crec_result(&r, true), ZSIM_EFAULT);

	zsim_iaa_crec_clear(&r);
	uint8_t zero[64] = {0};
	assert_memory_equal(&r, zero, 64);
}

static void test_record_meaning(void **state)
{
	(void)state;
	struct zsim_iaa_crec r;
	const struct {
		uint8_t status, error;
		bool compress;
		int want;
	} cases[] = {
		{0x01, 0, true, 0},
		{0x01, 0, false, 0},
		{0x03, 0, true, ZSIM_EFAULT},
		{0x83, 0, false, ZSIM_EFAULT},
		{0x04, 0, true, ZSIM_EFAULT},
		{0x0a, 0x19, true, ZSIM_ENOSPC},   /* compress did not fit: -E2BIG */
		{0x0a, 0x19, false, ZSIM_EBADMSG}, /* not an overflow for decompress */
		{0x0a, 17, false, ZSIM_EBADMSG},   /* bad distance: software fallback */
		{0x0b, 0, false, ZSIM_ENOSPC},     /* decompress overflow: -EOVERFLOW */
		{0x10, 0, true, ZSIM_EIO},
		{0x11, 0, false, ZSIM_EIO},
		{0x24, 0, true, ZSIM_EIO},         /* watchdog */
	};
	for (size_t i = 0; i < ZSIM_ARRAY_N(cases); i++) {
		memset(&r, 0, sizeof(r));
		r.status = cases[i].status;
		r.error_code = cases[i].error;
		assert_int_equal(zsim_iaa_crec_result(&r, cases[i].compress), cases[i].want);
		assert_non_null(zsim_iaa_status_name(cases[i].status));
	}
	assert_string_equal(zsim_iaa_status_name(0x83), "page fault");
	assert_string_equal(zsim_iaa_status_name(0x0a), "analytics error");
}

/* The fixed-mode AECS: RFC 1951 §3.2.6 codes as (length << 15) | code, at
 * the offsets of iaa.md §2.3, and the 3 header bits in the accumulator. */
static void test_fixed_aecs(void **state)
{
	(void)state;
	zsim_iaa_aecs_fixed_init(&aecs);
	const uint8_t *b = (const uint8_t *)&aecs;
	assert_int_equal(sizeof(aecs), 1568);
	assert_int_equal(get(b, 0, 4), 0);  /* CRC seed */
	assert_int_equal(get(b, 4, 4), 0);  /* XOR seed */
	assert_int_equal(get(b, 28, 4), 3); /* accumulator bits */
	assert_int_equal(b[32], 0x03);      /* BFINAL=1, BTYPE=01 */
	assert_int_equal(get(b, 288 + 4 * 0, 4), 0x40030);     /* literal 0: 8 bits 0x30 */
	assert_int_equal(get(b, 288 + 4 * 143, 4), 0x400bf);   /* literal 143: 8 bits 0xbf */
	assert_int_equal(get(b, 288 + 4 * 144, 4), 0x48190);   /* literal 144: 9 bits 0x190 */
	assert_int_equal(get(b, 288 + 4 * 255, 4), 0x481ff);   /* literal 255: 9 bits 0x1ff */
	assert_int_equal(get(b, 288 + 4 * 256, 4), 0x38000);   /* EOB: 7 bits 0 */
	assert_int_equal(get(b, 288 + 4 * 279, 4), 0x38017);   /* 279: 7 bits 0x17 */
	assert_int_equal(get(b, 288 + 4 * 280, 4), 0x400c0);   /* 280: 8 bits 0xc0 */
	assert_int_equal(get(b, 288 + 4 * 285, 4), 0x400c5);
	assert_int_equal(get(b, 1432, 8), 0);                  /* reserved */
	assert_int_equal(get(b, 1440, 4), 0x28000);            /* distance 0: 5 bits 0 */
	assert_int_equal(get(b, 1440 + 4 * 29, 4), 0x2801d);   /* distance 29 */
	assert_int_equal(get(b, 1560, 8), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compress_descriptor),
		cmocka_unit_test(test_decompress_descriptor),
		cmocka_unit_test(test_record_fields),
		cmocka_unit_test(test_record_meaning),
		cmocka_unit_test(test_fixed_aecs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
