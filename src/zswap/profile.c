/*
 * profile.c - kernel versions as named profiles: each fixes the behaviours
 * of mm/zswap.c and mm/zsmalloc.c that changed between releases. The table
 * here is the one source of truth; docs/profiles.md explains each column.
 *
 *   6.1     frontswap era: same-filled entries, non-exclusive loads, legacy
 *           limit arithmetic, zsmalloc ≤6.2 (4 pages max, used-percent rule,
 *           4 fullness groups), no reject_compress_fail counter.
 *   6.12    xarray trees, zeromap (zero pages never reach zswap), exclusive
 *           loads, zswap_check_limits, chain size 8, second chance LRU,
 *           large folios refused whole.
 *   6.13    6.12 + large-folio (mTHP) store, all-or-nothing.
 *   6.18    zpool removed: zsmalloc direct; incompressible pages stored raw
 *           when writeback is enabled; decompress_fail; obj_read API.
 *   latest  the 2026 mm tree: pool-lifetime per-CPU contexts, PAGE_SIZE
 *           dst buffer, SG reads, shrink_memcg walks 32 entries.
 */
#include <string.h>

#include "zswap/zswap_internal.h"

const struct zsim_profile zsim_profiles[] = {
	{
		.name = "6.1", .bit = ZSIM_P_6_1, .kernel = "6.1 LTS (Debian 12)",
		.zs_era = ZSIM_ZS_ERA_LEGACY, .chain_size = 4,
		.access = ZSIM_ZS_ACCESS_MAP,
		.zero_mode = ZSIM_ZERO_SAME_FILLED, .limits = ZSIM_LIMIT_LEGACY,
		.exclusive_loads = false, .store_large_folios = false,
		.incompressible_raw = false, .zs_enospc_too_big = false,
		.compress_fail_counter = false, .memcg_local_writeback = false,
		.second_chance = false, .ctx_pool_lifetime = false,
		.dst_buf_pages = 2, .shrink_nr_to_walk = 1,
		.decompress_fail_counter = false,
	},
	{
		.name = "6.12", .bit = ZSIM_P_6_12, .kernel = "6.12 LTS (Debian 13)",
		.zs_era = ZSIM_ZS_ERA_CHAIN, .chain_size = 8,
		.access = ZSIM_ZS_ACCESS_MAP,
		.zero_mode = ZSIM_ZERO_ZEROMAP, .limits = ZSIM_LIMIT_MODERN,
		.exclusive_loads = true, .store_large_folios = false,
		.large_refused_first = true,
		.incompressible_raw = false, .zs_enospc_too_big = true,
		.compress_fail_counter = true, .memcg_local_writeback = true,
		.second_chance = true, .ctx_pool_lifetime = false,
		.dst_buf_pages = 2, .shrink_nr_to_walk = 1,
		.decompress_fail_counter = false,
	},
	{
		.name = "6.13", .bit = ZSIM_P_6_13, .kernel = "6.13-6.17",
		.zs_era = ZSIM_ZS_ERA_CHAIN, .chain_size = 8,
		.access = ZSIM_ZS_ACCESS_MAP,
		.zero_mode = ZSIM_ZERO_ZEROMAP, .limits = ZSIM_LIMIT_MODERN,
		.exclusive_loads = true, .store_large_folios = true,
		.incompressible_raw = false, .zs_enospc_too_big = true,
		.compress_fail_counter = true, .memcg_local_writeback = true,
		.second_chance = true, .ctx_pool_lifetime = false,
		.dst_buf_pages = 2, .shrink_nr_to_walk = 1,
		.decompress_fail_counter = false,
	},
	{
		.name = "6.18", .bit = ZSIM_P_6_18, .kernel = "6.18",
		.zs_era = ZSIM_ZS_ERA_CHAIN, .chain_size = 8,
		.access = ZSIM_ZS_ACCESS_READ_BEGIN,
		.zero_mode = ZSIM_ZERO_ZEROMAP, .limits = ZSIM_LIMIT_MODERN,
		.exclusive_loads = true, .store_large_folios = true,
		.incompressible_raw = true, .zs_enospc_too_big = true,
		.compress_fail_counter = true, .memcg_local_writeback = true,
		.second_chance = true, .ctx_pool_lifetime = false,
		.dst_buf_pages = 2, .shrink_nr_to_walk = 1,
		.decompress_fail_counter = true,
	},
	{
		.name = "latest", .bit = ZSIM_P_LATEST, .kernel = "mm tree, 2026",
		.zs_era = ZSIM_ZS_ERA_CHAIN, .chain_size = 8,
		.access = ZSIM_ZS_ACCESS_SG,
		.zero_mode = ZSIM_ZERO_ZEROMAP, .limits = ZSIM_LIMIT_MODERN,
		.exclusive_loads = true, .store_large_folios = true,
		.incompressible_raw = true, .zs_enospc_too_big = true,
		.compress_fail_counter = true, .memcg_local_writeback = true,
		.second_chance = true, .ctx_pool_lifetime = true,
		.dst_buf_pages = 1, .shrink_nr_to_walk = 32,
		.decompress_fail_counter = true,
	},
};

const unsigned zsim_nr_profiles = sizeof(zsim_profiles) / sizeof(zsim_profiles[0]);

static const char *const profile_names[] = {"6.1", "6.12", "6.13", "6.18", "latest", NULL};

const struct zsim_profile *zsim_profile_find(const char *name)
{
	if (!name)
		return NULL;
	for (unsigned i = 0; i < zsim_nr_profiles; i++)
		if (!strcmp(zsim_profiles[i].name, name))
			return &zsim_profiles[i];
	return NULL;
}

const char *const *zsim_zswap_profiles(void)
{
	return profile_names;
}

int zsim_zswap_profile_bit(const char *name, unsigned *bit)
{
	if (!name || !bit)
		return ZSIM_EINVAL;
	const struct zsim_profile *p = zsim_profile_find(name);
	if (!p)
		return ZSIM_ENOENT;
	*bit = p->bit;
	return 0;
}
