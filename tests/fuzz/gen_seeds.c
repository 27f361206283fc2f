/*
 * gen_seeds.c - writes the seed corpora of the fuzz_decompress_<algo>
 * targets: for each, the driver's own output for a handful of page classes
 * plus a few hand-made streams. Run from the source tree after a build of
 * the fuzz preset:
 *   build/fuzz/tests/fuzz/zsim_fuzz_seeds tests/fuzz/corpus
 * Deterministic (fixed seed), so the committed files only change when a
 * compressor does.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "zswapsim/zswapsim.h"

static const struct {
	const char *target, *driver;
} targets[] = {
	{"decompress_lz4", "lz4-generic"},
	{"decompress_zstd", "zstd-generic"},
	{"decompress_lzo", "lzo-generic"},
	{"decompress_lzorle", "lzo-rle-generic"},
	{"decompress_deflate_zlib", "deflate-zlib"},
	{"decompress_deflate_libdeflate", "deflate-libdeflate"},
	{"decompress_deflate_isal", "deflate-isal"},
	{"decompress_deflate_iaa_sim", "deflate-iaa-sim"},
};

static const enum zsim_page_class classes[] = {
	ZSIM_PAGE_ZERO, ZSIM_PAGE_MOSTLY_ZERO, ZSIM_PAGE_TEXT, ZSIM_PAGE_POINTER,
	ZSIM_PAGE_TYPICAL,
};

static int write_file(const char *dir, const char *name, const void *p, size_t n)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n) {
		perror(path);
		if (f)
			fclose(f);
		return 1;
	}
	return fclose(f) != 0;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
		return 2;
	}
	int bad = 0;
	for (size_t t = 0; t < sizeof(targets) / sizeof(targets[0]); t++) {
		struct zsim_codec *c;
		if (zsim_codec_create(targets[t].driver, NULL, &c)) {
			fprintf(stderr, "%s not built in, skipped\n", targets[t].driver);
			continue;
		}
		char dir[400];
		snprintf(dir, sizeof(dir), "%s/%s", argv[1], targets[t].target);
		if (mkdir(dir, 0755) && errno != EEXIST) {
			perror(dir);
			return 1;
		}
		for (size_t k = 0; k < sizeof(classes) / sizeof(classes[0]); k++) {
			unsigned char page[ZSIM_PAGE_SIZE], comp[ZSIM_PAGE_SIZE];
			zsim_page_fill(classes[k], 20261121, k, page);
			size_t clen = sizeof(comp);
			if (zsim_codec_compress(c, page, sizeof(page), comp, &clen))
				continue;
			bad |= write_file(dir, zsim_page_class_name(classes[k]), comp, clen);
		}
		if (strstr(targets[t].driver, "lzo-rle")) {
			/* "hello", a run of 100 zeros with 2 literals, "xy". */
			static const unsigned char rle[] = {0x11, 0x01, 22, 'h', 'e', 'l', 'l', 'o',
							    0x18, 0xfe, 0xff, 12, 'x', 'y', 0x11, 0, 0};
			/* Plain LZO1X, no header: "aaa". */
			static const unsigned char v0[] = {18, 'a', 0x00, 0x00, 0x11, 0x00, 0x00};
			bad |= write_file(dir, "hand-rle", rle, sizeof(rle));
			bad |= write_file(dir, "hand-v0", v0, sizeof(v0));
		}
		if (strstr(targets[t].driver, "deflate")) {
			/* Fixed Huffman "aaaaaaaaaa"; a stored "hello". */
			static const unsigned char fixed[] = {0x4b, 0x84, 0x03, 0x00};
			static const unsigned char stored[] = {0x01, 0x05, 0x00, 0xfa, 0xff,
							       'h', 'e', 'l', 'l', 'o'};
			bad |= write_file(dir, "hand-fixed", fixed, sizeof(fixed));
			bad |= write_file(dir, "hand-stored", stored, sizeof(stored));
		}
		zsim_codec_destroy(c);
	}
	return bad;
}
