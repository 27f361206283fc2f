/*
 * codec_roundtrip.c - compress and decompress a set of synthetic pages
 * through every registered codec and print the ratio of each, with the
 * pages that do not fit in PAGE_SIZE (what zswap would reject).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zswapsim/zswapsim.h>

#define NPAGES 256

int main(void)
{
	static unsigned char pages[NPAGES][ZSIM_PAGE_SIZE];
	static unsigned char comp[2 * ZSIM_PAGE_SIZE], back[ZSIM_PAGE_SIZE];
	for (unsigned i = 0; i < NPAGES; i++)
		zsim_page_fill((enum zsim_page_class)(i % ZSIM_PAGE_CLASS_COUNT), 1, i, pages[i]);

	const struct zsim_codec_ops *ops[64];
	int n = zsim_codec_list(ops, 64);
	if (n < 0) {
		fprintf(stderr, "zsim_codec_list: %s\n", zsim_strerror(n));
		return 1;
	}
	printf("%-22s %-10s %8s %8s\n", "driver", "algorithm", "ratio", "nofit");
	int failures = 0;
	for (int k = 0; k < n && k < 64; k++) {
		struct zsim_codec *c;
		/* A driver whose hardware is not here says why in one line. */
		char why[160];
		int rc = zsim_codec_probe(ops[k]->driver_name, why, sizeof(why));
		if (!rc && (rc = zsim_codec_create(ops[k]->driver_name, NULL, &c)))
			snprintf(why, sizeof(why), "%s", zsim_strerror(rc));
		if (rc) {
			printf("%-22s %-10s unavailable: %s\n", ops[k]->driver_name, ops[k]->name, why);
			continue;
		}
		size_t in = 0, out = 0;
		unsigned nofit = 0;
		for (unsigned i = 0; i < NPAGES; i++) {
			size_t clen = ZSIM_PAGE_SIZE;
			rc = zsim_codec_compress(c, pages[i], ZSIM_PAGE_SIZE, comp, &clen);
			if (rc == ZSIM_ENOSPC) { /* zswap would not store this page compressed */
				nofit++;
				continue;
			}
			size_t dlen = ZSIM_PAGE_SIZE;
			if (!rc)
				rc = zsim_codec_decompress(c, comp, clen, back, &dlen);
			if (rc || dlen != ZSIM_PAGE_SIZE || memcmp(back, pages[i], ZSIM_PAGE_SIZE)) {
				fprintf(stderr, "%s: page %u failed: %s\n", ops[k]->driver_name, i,
					zsim_strerror(rc));
				failures++;
				break;
			}
			in += ZSIM_PAGE_SIZE;
			out += clen;
		}
		char desc[128];
		zsim_codec_describe(c, desc, sizeof(desc));
		printf("%-22s %-10s %8.3f %8u   %s\n", ops[k]->driver_name, ops[k]->name,
		       out ? (double)in / (double)out : 0.0, nofit, desc);
		zsim_codec_destroy(c);
	}
	return failures ? 1 : 0;
}
