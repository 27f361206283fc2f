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
 * Second scenario, a pool limit overflowed: the same pages stored with
 * max_pool_percent such that the pool holds about half of them; the shrink
 * worker (run inline, so deterministic) writes back from the LRU's tail
 * whenever a store hits the limit. Time per written-back page = (fill time
 * with the limit - fill time without) / pages written back.
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

	/* Pool limit overflow. ram such that 20% of it is half the pool the
	 * pages need without a limit. */
	uint64_t pool_pages = 0, wb = 0, dev_bytes = 0, lim_hits = 0;
	double extra = 1e30;
	for (int r = 0; r < rounds; r++) {
		uint64_t t[2];
		for (int limited = 0; limited < 2; limited++) {
			struct zsim_zswap_config cfg;
			zsim_zswap_config_init(&cfg);
			cfg.profile = "6.12";
			cfg.compressor = "lz4";
			cfg.nr_cpus = 1;
			cfg.shrink_worker_inline = 1;
			cfg.ram_bytes = limited ? pool_pages * ZSIM_PAGE_SIZE / 2 * 100 / 20
						: 1ull << 40;
			struct zsim_zswap *z;
			if (zsim_zswap_create(&cfg, &z) || zsim_zswap_swapon(z, 0, npages)) {
				fprintf(stderr, "bench_writeback: cannot create zswap\n");
				return 1;
			}
			uint64_t t0 = zsim_bench_now_ns();
			for (size_t i = 0; i < npages; i++) {
				struct zsim_swap_folio f = {.offset = i,
							    .data = pages + i * ZSIM_PAGE_SIZE};
				zsim_zswap_store(z, &f, NULL);
			}
			zsim_zswap_flush_shrink_work(z);
			t[limited] = zsim_bench_now_ns() - t0;
			struct zsim_zswap_stats st;
			zsim_zswap_stats(z, &st);
			struct zsim_swap_stats ss;
			zsim_zswap_swap_stats(z, 0, &ss);
			if (!limited) {
				pool_pages = st.pool_total_size / ZSIM_PAGE_SIZE;
			} else {
				wb = st.written_back_pages;
				lim_hits = st.pool_limit_hit;
				dev_bytes = ss.bytes_written;
			}
			zsim_zswap_destroy(z);
		}
		double e = wb ? ((double)t[1] - (double)t[0]) / 1e3 / (double)wb : 0;
		extra = e < extra ? e : extra;
	}
	zsim_bench_row("writeback", "pool limit: per written-back page", extra, best_raw, "us/page");
	printf("note: pool limit %llu pages (half the unlimited pool): %llu pool_limit_hit, "
	       "%llu pages written back; device writes %llu bytes = %llu written back + %llu "
	       "refused by zswap (limit or poor compression)\n",
	       (unsigned long long)(pool_pages / 2), (unsigned long long)lim_hits,
	       (unsigned long long)wb, (unsigned long long)dev_bytes,
	       (unsigned long long)wb * ZSIM_PAGE_SIZE,
	       (unsigned long long)(dev_bytes / ZSIM_PAGE_SIZE - wb) * ZSIM_PAGE_SIZE);
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
