/*
 * custom_codec.c - register a codec at run time and use it by name.
 *
 * "zero-rle" is a toy run-length coder for zero bytes: a stream of
 * (zero_run_len u16, literal_len u16, literals...) records. It shows the
 * whole driver contract: ENOSPC on overflow, EBADMSG/ETRUNC on bad input,
 * and a higher priority making it the driver that a lookup returns.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <zswapsim/zswapsim.h>

static int rle_ctx_alloc(const struct zsim_codec_params *p, void **ctx)
{
	(void)p;
	*ctx = NULL; /* stateless */
	return 0;
}

static int put16(unsigned char *dst, size_t cap, size_t *pos, unsigned v)
{
	if (*pos + 2 > cap)
		return ZSIM_ENOSPC;
	dst[(*pos)++] = (unsigned char)(v & 0xff);
	dst[(*pos)++] = (unsigned char)(v >> 8);
	return 0;
}

static int rle_compress(void *ctx, const void *src, size_t slen, void *dst, size_t *dlen)
{
	(void)ctx;
	const unsigned char *s = src;
	unsigned char *d = dst;
	size_t i = 0, o = 0;
	while (i < slen) {
		size_t z = 0, l = 0;
		while (i + z < slen && s[i + z] == 0 && z < 65535)
			z++;
		while (i + z + l < slen && s[i + z + l] != 0 && l < 65535)
			l++;
		if (put16(d, *dlen, &o, (unsigned)z) || put16(d, *dlen, &o, (unsigned)l) ||
		    o + l > *dlen)
			return ZSIM_ENOSPC;
		memcpy(d + o, s + i + z, l);
		o += l;
		i += z + l;
	}
	*dlen = o;
	return 0;
}

static int rle_decompress(void *ctx, const void *src, size_t slen, void *dst, size_t *dlen)
{
	(void)ctx;
	const unsigned char *s = src;
	unsigned char *d = dst;
	size_t i = 0, o = 0;
	while (i < slen) {
		if (i + 4 > slen)
			return ZSIM_ETRUNC;
		size_t z = s[i] | (size_t)s[i + 1] << 8, l = s[i + 2] | (size_t)s[i + 3] << 8;
		i += 4;
		if (z == 0 && l == 0)
			return ZSIM_EBADMSG;
		if (i + l > slen)
			return ZSIM_ETRUNC;
		if (o + z + l > *dlen)
			return ZSIM_ENOSPC;
		memset(d + o, 0, z);
		memcpy(d + o + z, s + i, l);
		o += z + l;
		i += l;
	}
	*dlen = o;
	return 0;
}

static const struct zsim_codec_ops zero_rle_ops = {
	.name = "zero-rle",
	.driver_name = "zero-rle-example",
	.description = "toy zero run-length coder (examples/custom_codec.c)",
	.priority = 10,
	.ctx_alloc = rle_ctx_alloc,
	.compress = rle_compress,
	.decompress = rle_decompress,
};

int main(void)
{
	int rc = zsim_codec_register(&zero_rle_ops);
	if (rc) {
		fprintf(stderr, "register: %s\n", zsim_strerror(rc));
		return 1;
	}
	struct zsim_codec *c;
	rc = zsim_codec_create("zero-rle", NULL, &c);
	if (rc) {
		fprintf(stderr, "create: %s\n", zsim_strerror(rc));
		return 1;
	}
	unsigned char page[ZSIM_PAGE_SIZE], comp[ZSIM_PAGE_SIZE], back[ZSIM_PAGE_SIZE];
	zsim_page_fill(ZSIM_PAGE_MOSTLY_ZERO, 7, 0, page);
	size_t clen = sizeof(comp), dlen = sizeof(back);
	rc = zsim_codec_compress(c, page, sizeof(page), comp, &clen);
	if (!rc)
		rc = zsim_codec_decompress(c, comp, clen, back, &dlen);
	if (rc || dlen != sizeof(page) || memcmp(page, back, sizeof(page))) {
		fprintf(stderr, "round trip: %s\n", zsim_strerror(rc));
		return 1;
	}
	printf("zero-rle: mostly-zero page 4096 -> %zu bytes\n", clen);
	/* Still in use: cannot be unregistered. */
	if (zsim_codec_unregister("zero-rle-example") != ZSIM_EBUSY)
		return 1;
	zsim_codec_destroy(c);
	rc = zsim_codec_unregister("zero-rle-example");
	if (rc) {
		fprintf(stderr, "unregister: %s\n", zsim_strerror(rc));
		return 1;
	}
	return 0;
}
