/*
 * bench_writeback.c - zswap writeback to a real swap file against what it
 * cannot avoid: decompressing each entry and writing its page to the file.
 *
 * Ours: fill zswap (lz4, profile 6.12, a temporary swap file), then call the
 * dynamic shrinker (zsim_zswap_shrinker_scan, as shrink_slab would) until
 * every entry is written back; time per written-back page, and the device
 * bytes the swap file received. The first LRU pass only clears the
 * referenced bits (second chance), as in the kernel; its time is included.
 * Raw: LZ4_decompress_safe of the same compressed pages + pwrite() of 4 KiB
 * at the slot's offset of another temporary file.
 *
 * Usage: bench_writeback [pages (16384)] [rounds (3)].
 */
#include <fcntl.h>
#include <lz4.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "benchutil.h"

static size_t npages;
static unsigned char *pages;

static double raw_writeback(int fd, const unsigned char *comp, const size_t *len)
{
	unsigned char out[ZSIM_PAGE_SIZE];
	size_t n = 0;
	uint64_t t0 = zsim_bench_now_ns();
	for (size_t i = 0; i < npages; i++) {
		if (!len[i])
			continue;
		LZ4_decompress_safe((const char *)comp + i * ZSIM_PAGE_SIZE, (char *)out, (int)len[i],
				    ZSIM_PAGE_SIZE);
		if (pwrite(fd, out, ZSIM_PAGE_SIZE, (off_t)(i * ZSIM_PAGE_SIZE)) != ZSIM_PAGE_SIZE)
			return -1;
		n++;
	}
	uint64_t t1 = zsim_bench_now_ns();
	return n ? (double)(t1 - t0) / 1e3 / (double)n : 0;
}

int main(int argc, char **argv)
{
	size_t want = argc > 1 ? strtoull(argv[1], NULL, 0) : 16384;
	int rounds = argc > 2 ? atoi(argv[2]) : 3;
	if (rounds < 1)
		rounds = 1;
	pages = zsim_bench_pages(want, 7, &npages);
	if (!pages)
		return 1;
	unsigned char *comp = malloc(npages * ZSIM_PAGE_SIZE);
	size_t *len = calloc(npages, sizeof(*len));
	char path[] = "/tmp/zswapsim-bench-wb-XXXXXX";
	int fd = mkstemp(path);
	if (!comp || !len || fd < 0)
		return 1;
	unlink(path);
	for (size_t i = 0; i < npages; i++) {
		int n = LZ4_compress_default((const char *)pages + i * ZSIM_PAGE_SIZE,
					     (char *)comp + i * ZSIM_PAGE_SIZE, ZSIM_PAGE_SIZE,
					     ZSIM_PAGE_SIZE);
		len[i] = n > 0 ? (size_t)n : 0;
	}
	printf("bench_writeback: %zu pages, lz4, profile 6.12, temporary swap file; best of %d\n",
	       npages, rounds);
	double best_ours = 1e30, best_raw = 1e30;
	uint64_t written = 0, bytes = 0, stored = 0;
	for (int r = 0; r < rounds; r++) {
		double raw = raw_writeback(fd, comp, len);
		if (raw < 0) {
			fprintf(stderr, "bench_writeback: pwrite failed\n");
			return 1;
		}
		best_raw = raw < best_raw ? raw : best_raw;

		struct zsim_zswap_config cfg;
		zsim_zswap_config_init(&cfg);
		cfg.profile = "6.12";
		cfg.compressor = "lz4";
		cfg.nr_cpus = 1;
		cfg.ram_bytes = 1ull << 40;
		cfg.shrinker_enabled = 1;
		struct zsim_zswap *z;
		if (zsim_zswap_create(&cfg, &z) || zsim_zswap_swapon(z, 0, npages)) {
			fprintf(stderr, "bench_writeback: cannot create zswap\n");
			return 1;
		}
		for (size_t i = 0; i < npages; i++) {
			struct zsim_swap_folio f = {.offset = i, .data = pages + i * ZSIM_PAGE_SIZE};
			zsim_zswap_store(z, &f, NULL);
		}
		struct zsim_zswap_stats st;
		zsim_zswap_stats(z, &st);
		stored = st.stored_pages;
		struct zsim_swap_stats ss;
		zsim_zswap_swap_stats(z, 0, &ss);
		uint64_t refused_bytes = ss.bytes_written; /* pages zswap refused */
		uint64_t t0 = zsim_bench_now_ns();
		/* Until two full LRU passes in a row write nothing back. */
		for (uint64_t idle = 0; idle < 2 * stored + 256;) {
			int64_t n = zsim_zswap_shrinker_scan(z, 0, 0, 128, 0);
			idle = n > 0 ? 0 : idle + 128;
		}
		uint64_t t1 = zsim_bench_now_ns();
		zsim_zswap_stats(z, &st);
		zsim_zswap_swap_stats(z, 0, &ss);
		written = st.written_back_pages;
		bytes = ss.bytes_written - refused_bytes;
		double ours = written ? (double)(t1 - t0) / 1e3 / (double)written : 0;
		best_ours = ours < best_ours ? ours : best_ours;
		zsim_zswap_destroy(z);
	}
	zsim_bench_row("writeback", "written-back page, lz4, file", best_ours, best_raw, "us/page");
	printf("note: %llu of %llu stored pages written back; writeback wrote %llu bytes to the "
	       "swap file (%.2f KiB per page)\n",
	       (unsigned long long)written, (unsigned long long)stored,
	       (unsigned long long)bytes, written ? (double)bytes / 1024.0 / (double)written : 0.0);
	close(fd);
	free(comp);
	free(len);
	free(pages);
	return 0;
}
