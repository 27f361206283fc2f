/* A program built against the installed libzswapsim: round-trips a page. */
#include <stdio.h>
#include <string.h>
#include <zswapsim/zswapsim.h>

int main(void)
{
	struct zsim_codec *c;
	int rc = zsim_codec_create("lz4", NULL, &c);
	if (rc) {
		fprintf(stderr, "zsim_codec_create: %s\n", zsim_strerror(rc));
		return 1;
	}
	unsigned char page[ZSIM_PAGE_SIZE], comp[ZSIM_PAGE_SIZE], back[ZSIM_PAGE_SIZE];
	for (unsigned i = 0; i < sizeof(page); i++)
		page[i] = (unsigned char)(i / 64);
	size_t clen = sizeof(comp), dlen = sizeof(back);
	rc = zsim_codec_compress(c, page, sizeof(page), comp, &clen);
	if (!rc)
		rc = zsim_codec_decompress(c, comp, clen, back, &dlen);
	zsim_codec_destroy(c);
	if (rc || dlen != sizeof(page) || memcmp(page, back, sizeof(page))) {
		fprintf(stderr, "round trip failed: %s\n", zsim_strerror(rc));
		return 1;
	}
	printf("libzswapsim %s: lz4 page %zu -> %zu bytes\n", zsim_version_string(),
	       sizeof(page), clen);
	return 0;
}
