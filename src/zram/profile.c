/*
 * profile.c - the zram profiles: which drivers/block/zram/zram_drv.c and
 * zcomp.c each follows. The table here is the one source of truth;
 * docs/zram.md and docs/profiles.md explain each column.
 *
 *   6.1     crypto-API streams under a per-CPU local_lock (compression
 *           runs with preemption disabled), two-stage zs_malloc
 *           (writestall), io_stat with invalid_io, no recompression, no
 *           algorithm_params, swap layer hands zero pages to zram,
 *           zsmalloc ≤6.2 (4 pages max per zspage).
 *   6.12    own zcomp backends with algorithm_params (level, dict),
 *           recomp_algorithm/recompress, writeback of incompressible
 *           pages, post-processing buckets; still local_lock streams and
 *           the two-stage allocation; the swap layer's zeromap keeps zero
 *           pages away from zram; zsmalloc chain size 8.
 *   latest  the 2025-2026 tree: preemptible per-CPU streams under a mutex,
 *           one-stage allocation (writestall gone, debug_stat prints 0),
 *           huge pages written without holding a stream, sleeping slot
 *           locks, max_comp_streams removed, writeback type=/page_indexes=,
 *           backing block 0 usable, zs_obj_read API.
 * Not modelled: 842 (no codec here), zstd dictionaries, deflate.winbits,
 * writeback_compressed and writeback_batch_size (latest).
 */
#include <string.h>

#include "zram/zram_internal.h"

static const char *const algs_6_1[] = {"lzo", "lzo-rle", "lz4", "lz4hc", "zstd", NULL};
static const char *const algs_6_12[] = {"lzo-rle", "lzo", "lz4", "lz4hc", "zstd", "deflate", NULL};

static const struct zram_prof zram_profiles[] = {
	{
		.name = "6.1", .kernel = "6.1 LTS (Debian 12)",
		.zs_era = ZSIM_ZS_ERA_LEGACY, .chain_size = 4, .access = ZSIM_ZS_ACCESS_MAP,
		.default_comp = "lzo-rle", .algs = algs_6_1, .crypto_extra_deflate = true,
		.multi_comp = false, .algorithm_params = false, .max_comp_streams = true,
		.two_stage_alloc = true, .invalid_io = true, .swap_zeromap = false,
		.swap_slots_cache = true,
		.idle_skips_same_wb = false, .idle_clears = false, .pp_slots = false,
		.stream_mutex = false, .bd_block0 = false, .wb_params = false,
		.huge_without_stream = false, .accessed_on_error = true,
	},
	{
		.name = "6.12", .kernel = "6.12 LTS (Debian 13)",
		.zs_era = ZSIM_ZS_ERA_CHAIN, .chain_size = 8, .access = ZSIM_ZS_ACCESS_MAP,
		.default_comp = "lzo-rle", .algs = algs_6_12, .crypto_extra_deflate = false,
		.multi_comp = true, .algorithm_params = true, .max_comp_streams = true,
		.two_stage_alloc = true, .invalid_io = false, .swap_zeromap = true, .own_backends = true,
		.swap_slots_cache = true,
		.idle_skips_same_wb = true, .idle_clears = false, .pp_slots = true,
		.stream_mutex = false, .bd_block0 = false, .wb_params = false,
		.huge_without_stream = false, .accessed_on_error = false,
	},
	{
		.name = "latest", .kernel = "2026 tree (6.19+)",
		.zs_era = ZSIM_ZS_ERA_CHAIN, .chain_size = 8, .access = ZSIM_ZS_ACCESS_READ_BEGIN,
		.default_comp = "lzo-rle", .algs = algs_6_12, .crypto_extra_deflate = false,
		.multi_comp = true, .algorithm_params = true, .max_comp_streams = false,
		.two_stage_alloc = false, .invalid_io = false, .swap_zeromap = true, .own_backends = true,
		.idle_skips_same_wb = true, .idle_clears = true, .pp_slots = true,
		.stream_mutex = true, .bd_block0 = true, .wb_params = true,
		.huge_without_stream = true, .accessed_on_error = false,
	},
};

static const char *const zram_profile_names[] = {"6.1", "6.12", "latest", NULL};

const struct zram_prof *zram_prof_find(const char *name)
{
	if (!name)
		return NULL;
	for (unsigned i = 0; i < ZSIM_ARRAY_SIZE(zram_profiles); i++)
		if (!strcmp(zram_profiles[i].name, name))
			return &zram_profiles[i];
	return NULL;
}

const char *const *zsim_zram_profiles(void)
{
	return zram_profile_names;
}
