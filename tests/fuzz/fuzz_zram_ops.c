/*
 * fuzz_zram_ops.c - libFuzzer target: the input picks a zram profile and
 * algorithm, then is a sequence of operations on one device (write of any
 * content class, read, discard, slot free notify, swap-layer store/load/
 * free, idle marking, writeback, recompression, compaction, mem_limit, and
 * attribute stores with text taken from the input), checked against a
 * reference model of slot -> expected bytes. A read must return the bytes
 * last written successfully (or zeros and ZSIM_ENOENT for an empty slot).
 * Page contents come from the bank of fuzz_bank.h, generated once.
 * Any mismatch, crash or sanitizer report is a finding.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zswapsim/zswapsim.h"
#include "fuzz_bank.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SLOTS 64

struct ref {
	int8_t cls;   /* -1: zram holds nothing */
	uint8_t seed;
};

static const char *const profiles[] = {"6.1", "6.12", "latest"};
static const char *const algs[] = {"lz4", "zstd", "lzo", "lzo-rle", "lz4hc", "deflate"};
static const char *const attrs[] = {"idle",       "writeback",   "recompress", "mem_limit",
				    "compact",    "algorithm_params", "recomp_algorithm",
				    "writeback_limit", "writeback_limit_enable", "mem_used_max",
				    "max_comp_streams", "comp_algorithm", "disksize", "reset"};

static void check(int ok)
{
	if (!ok)
		abort();
}

/* The bank page a reference names (slot i, seed from the input). */
static const unsigned char *page_of(const struct ref *r, uint32_t i)
{
	return fuzz_bank_page((unsigned)r->cls, r->seed + i);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 3)
		return 0;
	struct zsim_zram_config cfg;
	zsim_zram_config_init(&cfg);
	cfg.profile = profiles[data[0] % 3];
	cfg.nr_cpus = 1 + data[1] % 3;
	struct zsim_zram *z;
	check(zsim_zram_create(&cfg, &z) == 0);
	check(zsim_zram_set_comp_algorithm(z, algs[data[2] % 6]) == 0);
	if (strcmp(cfg.profile, "6.1"))
		check(zsim_zram_store(z, "recomp_algorithm", "algo=zstd priority=1") == 0);
	check(zsim_zram_set_backing_dev(z, NULL, 16) == 0);
	check(zsim_zram_set_disksize(z, SLOTS * ZSIM_PAGE_SIZE) == 0);
	struct ref ref[SLOTS];
	bool zm[SLOTS]; /* the swap layer's zeromap bit */
	for (unsigned i = 0; i < SLOTS; i++) {
		ref[i].cls = -1;
		zm[i] = false;
	}
	static const unsigned char zero[ZSIM_PAGE_SIZE];
	unsigned char got[ZSIM_PAGE_SIZE];
	const unsigned char *page;
	size_t p = 3;
	while (p + 3 <= size) {
		uint8_t op = data[p], a = data[p + 1], b = data[p + 2];
		p += 3;
		uint32_t i = a % SLOTS;
		unsigned cpu = b % 4;
		int rc;
		switch (op % 12) {
		case 0: case 1: case 2: { /* write */
			struct ref r = {(int8_t)(b % ZSIM_PAGE_CLASS_COUNT), op};
			page = page_of(&r, i);
			rc = zsim_zram_write(z, i, page, cpu);
			check(rc == 0 || rc == ZSIM_ENOMEM);
			if (!rc)
				ref[i] = r;
			break;
		}
		case 3: case 4: /* read */
			rc = zsim_zram_read(z, i, got, cpu);
			if (ref[i].cls == -1) {
				check(rc == ZSIM_ENOENT);
				page = zero;
			} else {
				check(rc == 0);
				page = page_of(&ref[i], i);
			}
			check(!memcmp(page, got, ZSIM_PAGE_SIZE));
			break;
		case 5: /* free */
			if (b & 1)
				check(zsim_zram_slot_free_notify(z, i) == 0);
			else
				check(zsim_zram_discard(z, i, 1) == 0);
			ref[i].cls = -1;
			break;
		case 6: { /* swap layer */
			struct ref r = {(int8_t)(b % ZSIM_PAGE_CLASS_COUNT), op};
			if (b & 0x80) {
				rc = zsim_zram_swap_in(z, i, got, cpu, NULL);
				if (zm[i]) {
					check(rc == 0);
					page = zero;
				} else if (ref[i].cls == -1) {
					check(rc == ZSIM_ENOENT);
					page = zero;
				} else {
					check(rc == 0);
					page = page_of(&ref[i], i);
				}
				check(!memcmp(page, got, ZSIM_PAGE_SIZE));
			} else if (b & 0x40) {
				check(zsim_zram_swap_free(z, i) == 0);
				ref[i].cls = -1;
				zm[i] = false;
			} else {
				page = page_of(&r, i);
				enum zsim_zram_where w;
				rc = zsim_zram_swap_out(z, i, page, cpu, &w);
				check(rc == 0 || rc == ZSIM_ENOMEM);
				if (!rc && w == ZSIM_ZRAM_IN_ZEROMAP) {
					zm[i] = true; /* zram keeps what it held */
				} else {
					zm[i] = false;
					if (!rc)
						ref[i] = r;
				}
			}
			break;
		}
		case 7:
			zsim_zram_store(z, "idle", (b & 1) ? "all" : "1");
			zsim_zram_set_time(z, a);
			break;
		case 8:
			zsim_zram_store(z, "writeback", (b & 3) == 0 ? "idle" : (b & 3) == 1 ? "huge"
								 : (b & 3) == 2 ? "huge_idle" : "page_index=3");
			break;
		case 9:
			zsim_zram_store(z, "recompress", (b & 1) ? "type=huge" : "type=idle threshold=100");
			break;
		case 10:
			zsim_zram_set_mem_limit(z, (uint64_t)(b % 8) * 4 * ZSIM_PAGE_SIZE);
			zsim_zram_compact(z);
			break;
		default: { /* an attribute store with text from the input */
			size_t n = a % 24;
			if (p + n > size)
				n = size - p;
			char text[32];
			memcpy(text, data + p, n);
			text[n] = 0;
			p += n;
			const char *attr = attrs[b % (sizeof(attrs) / sizeof(attrs[0]))];
			if (!strcmp(attr, "disksize") || !strcmp(attr, "reset") ||
			    !strcmp(attr, "comp_algorithm"))
				break; /* would change the device under the model */
			zsim_zram_store(z, attr, text);
			char buf[512];
			zsim_zram_show(z, "mm_stat", buf, sizeof(buf));
			zsim_zram_show(z, "recomp_algorithm", buf, sizeof(buf));
			break;
		}
		}
	}
	/* everything still reads back; the counters add up */
	uint64_t live = 0;
	for (uint32_t i = 0; i < SLOTS; i++) {
		int rc = zsim_zram_swap_in(z, i, got, 0, NULL);
		if (zm[i]) {
			check(rc == 0);
			continue;
		}
		if (ref[i].cls == -1) {
			check(rc == ZSIM_ENOENT);
			continue;
		}
		check(rc == 0);
		page = page_of(&ref[i], i);
		check(!memcmp(page, got, ZSIM_PAGE_SIZE));
	}
	struct zsim_zram_stats st;
	check(zsim_zram_stats(z, &st) == 0);
	(void)live;
	zsim_zram_destroy(z);
	return 0;
}
