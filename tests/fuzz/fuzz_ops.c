/*
 * fuzz_ops.c - libFuzzer target: the input is a sequence of operations on
 * the public API (store of any folio order and content class, load, batch
 * load, invalidate, writeback, shrinker, compaction, compressor switch, CPU
 * hotplug, memcg settings, limit changes), run on one zswap instance and
 * checked against a reference model of slot -> expected bytes (pages from
 * the bank of fuzz_bank.h, generated once per process). Any mismatch,
 * crash or sanitizer report is a finding.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "zswapsim/zswapsim.h"
#include "fuzz_bank.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SLOTS 256

struct ref {
	int8_t cls;   /* -1: the slot holds nothing */
	uint8_t idx;  /* page = fuzz_bank_page(cls, idx) */
};

static const char *const profiles[] = {"6.1", "6.12", "6.13", "6.18", "latest"};
static const char *const codecs[] = {"lz4", "zstd", "lzo", "lzo-rle", "deflate", "lz4hc", "zstd:level=1"};

static void check(int ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	struct zsim_zswap_config cfg;
	zsim_zswap_config_init(&cfg);
	cfg.profile = profiles[data[0] % 5];
	cfg.compressor = codecs[data[1] % 7];
	cfg.nr_cpus = 2;
	cfg.ram_bytes = 256 * ZSIM_PAGE_SIZE;
	cfg.shrink_worker_inline = 1;
	cfg.shrinker_enabled = 1;
	struct zsim_zswap *z;
	if (zsim_zswap_create(&cfg, &z))
		return 0;
	bool excl = data[0] % 5 != 0;
	check(zsim_zswap_swapon(z, 0, SLOTS) == 0);
	struct ref ref[SLOTS];
	for (int i = 0; i < SLOTS; i++)
		ref[i].cls = -1;
	static unsigned char buf[16 * 4096], page[4096];
	size_t p = 2;
	while (p + 3 <= size) {
		uint8_t op = data[p], a = data[p + 1], b = data[p + 2];
		p += 3;
		switch (op % 12) {
		case 0:
		case 1:
		case 2: { /* store */
			unsigned order = b % 5, nr = 1u << order;
			unsigned slot = (a % (SLOTS / nr)) * nr;
			int8_t cls = (int8_t)((b >> 3) % ZSIM_PAGE_CLASS_COUNT);
			for (unsigned i = 0; i < nr; i++)
				memcpy(buf + (size_t)i * 4096, fuzz_bank_page((unsigned)cls, a + i), 4096);
			struct zsim_swap_folio f = {.offset = slot, .order = order, .data = buf,
						    .memcg = b % 3, .cpu = a & 1};
			enum zsim_swap_where w;
			check(zsim_zswap_store(z, &f, &w) == 0);
			for (unsigned i = 0; i < nr; i++)
				ref[slot + i] = (struct ref){w == ZSIM_WHERE_KEPT ? -1 : cls, (uint8_t)(a + i)};
			break;
		}
		case 3:
		case 4: { /* load */
			unsigned slot = a % SLOTS;
			enum zsim_swap_where from;
			int rc = zsim_zswap_load_slot(
				z, &(struct zsim_swap_slot){.offset = slot, .memcg = b % 3, .cpu = b & 1},
				page, &from);
			if (ref[slot].cls < 0) {
				check(rc == ZSIM_ENOENT);
			} else {
				check(rc == 0);
				check(!memcmp(fuzz_bank_page((unsigned)ref[slot].cls, ref[slot].idx),
					      page, 4096));
				if (from == ZSIM_WHERE_ZSWAP && excl)
					ref[slot].cls = -1;
			}
			break;
		}
		case 5: { /* invalidate */
			unsigned slot = a % SLOTS, n = 1 + b % 8;
			if (slot + n > SLOTS)
				n = SLOTS - slot;
			check(zsim_zswap_invalidate(z, 0, slot, n) == 0);
			for (unsigned i = 0; i < n; i++)
				ref[slot + i].cls = -1;
			break;
		}
		case 6:
			zsim_zswap_shrink_memcg(z, b % 3, a & 1);
			break;
		case 7:
			zsim_zswap_shrinker_scan(z, b % 3, 0, a, 0);
			break;
		case 8:
			zsim_zswap_compact(z);
			break;
		case 9:
			zsim_zswap_set_compressor(z, codecs[a % 7]);
			break;
		case 10:
			if (a & 1)
				zsim_zswap_cpu_offline(z, b & 1);
			else
				zsim_zswap_cpu_online(z, b & 1);
			break;
		case 11:
			if (a % 3 == 0)
				zsim_zswap_memcg_set(z, 1 + b % 2, "memory.zswap.max", (b & 4) ? "max" : "64K");
			else if (a % 3 == 1)
				zsim_zswap_memcg_set(z, 1 + b % 2, "memory.zswap.writeback", (b & 8) ? "1" : "0");
			else
				zsim_zswap_set_max_pool_percent(z, b % 101);
			break;
		}
	}
	/* Every slot still reads back what the model says. */
	for (unsigned s = 0; s < SLOTS; s++) {
		int rc = zsim_zswap_load_slot(z, &(struct zsim_swap_slot){.offset = s}, page, NULL);
		check(ref[s].cls < 0 ? rc == ZSIM_ENOENT : rc == 0);
	}
	struct zsim_zswap_stats st;
	struct zsim_zswap_meta m;
	zsim_zswap_stats(z, &st);
	zsim_zswap_meta(z, &m);
	check(st.stored_pages == m.entries);
	check(st.pool_total_size == m.allocator_pages * ZSIM_PAGE_SIZE);
	zsim_zswap_destroy(z);
	return 0;
}
