/*
 * codec_lengths.c - per-page compressed lengths from libzswapsim's codecs,
 * for scripts/kernel-check/codec-lengths.sh.
 *
 * Usage: codec_lengths SPEC [CAPACITY] < pages > lengths
 *        codec_lengths --gen N SEED > pages
 * The first reads raw 4096-byte pages on stdin, compresses each with one
 * instance of the codec SPEC (as a zswap pool does: one context, reused
 * page after page) into CAPACITY bytes (default 4096, zswap's dlen), and
 * prints one line per page: the length, or "E" if the codec failed (did
 * not fit). The second writes N pages of every pagegen class in class
 * order (zsim_page_fill(class, SEED, 0 .. N-1)), the synthetic pages of
 * tests/data/kernel-lengths/.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zswapsim/codec.h>
#include <zswapsim/pagegen.h>

static int gen(unsigned long n, unsigned long long seed)
{
	static unsigned char page[4096];
	for (int cls = 0; cls < ZSIM_PAGE_CLASS_COUNT; cls++)
		for (unsigned long i = 0; i < n; i++) {
			if (zsim_page_fill((enum zsim_page_class)cls, seed, i, page) ||
			    fwrite(page, 1, sizeof(page), stdout) != sizeof(page))
				return 1;
		}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "--gen"))
		return gen(strtoul(argv[2], NULL, 0), strtoull(argv[3], NULL, 0));
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s SPEC [CAPACITY] < pages\n", argv[0]);
		return 2;
	}
	size_t cap = argc > 2 ? strtoul(argv[2], NULL, 0) : 4096;
	struct zsim_codec *c;
	int rc = zsim_codec_create(argv[1], NULL, &c);
	if (rc) {
		fprintf(stderr, "%s: %s: %s\n", argv[0], argv[1], zsim_strerror(rc));
		return 1;
	}
	static unsigned char page[4096];
	unsigned char *dst = malloc(cap ? cap : 1);
	if (!dst)
		return 1;
	while (fread(page, 1, sizeof(page), stdin) == sizeof(page)) {
		size_t dlen = cap;
		rc = zsim_codec_compress(c, page, sizeof(page), dst, &dlen);
		if (rc)
			printf("E\n");
		else
			printf("%zu\n", dlen);
	}
	free(dst);
	zsim_codec_destroy(c);
	return 0;
}
