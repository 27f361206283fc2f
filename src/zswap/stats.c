/*
 * stats.c - counters under the kernel's names: per-CPU blocks summed on
 * read (as vmstat's per-CPU counters), pool_total_size computed from the
 * allocators of all live pools (zswap_total_pages), and the JSON report
 * listing only the counters the profile's kernel has.
 */
#include <inttypes.h>
#include <string.h>

#include "zswap/zswap_internal.h"

uint64_t zsim_counter_sum(const struct zsim_zswap *z, enum zsim_ctr c)
{
	uint64_t s = 0;
	for (unsigned i = 0; i < z->nr_cpus; i++)
		s += atomic_load_explicit(&z->stats[i].v[c], memory_order_relaxed);
	return s;
}

int zsim_zswap_stats(const struct zsim_zswap *z, struct zsim_zswap_stats *st)
{
	if (!z || !st)
		return ZSIM_EINVAL;
	memset(st, 0, sizeof(*st));
#define ZSIM_SUM_(name, kind, profiles, desc) st->name = zsim_counter_sum(z, ZC_##name);
	ZSIM_ZSWAP_DEBUGFS_COUNTERS(ZSIM_SUM_)
	ZSIM_VMSTAT_COUNTERS(ZSIM_SUM_)
#undef ZSIM_SUM_
	st->pool_total_size = zsim_total_pages((struct zsim_zswap *)z) * ZSIM_PAGE_SIZE;
	return 0;
}

#define ZSIM_KIND_C 'C'
#define ZSIM_KIND_G 'G'
static const struct zsim_counter_info counter_table[] = {
#define ZSIM_INFO_ZSWAP_(name, kind, profiles, desc) {"zswap", #name, ZSIM_KIND_##kind, profiles, desc},
#define ZSIM_INFO_VM_(name, kind, profiles, desc) {"vmstat", #name, ZSIM_KIND_##kind, profiles, desc},
#define ZSIM_INFO_MEMCG_(name, kind, profiles, desc) {"memcg", #name, ZSIM_KIND_##kind, profiles, desc},
	ZSIM_ZSWAP_DEBUGFS_COUNTERS(ZSIM_INFO_ZSWAP_)
	ZSIM_VMSTAT_COUNTERS(ZSIM_INFO_VM_)
	ZSIM_MEMCG_COUNTERS(ZSIM_INFO_MEMCG_)
};

const struct zsim_counter_info *zsim_counters(size_t *count)
{
	if (count)
		*count = sizeof(counter_table) / sizeof(counter_table[0]);
	return counter_table;
}

int zsim_zswap_meta(const struct zsim_zswap *z, struct zsim_zswap_meta *m)
{
	if (!z || !m)
		return ZSIM_EINVAL;
	memset(m, 0, sizeof(*m));
	/* Every live entry is counted in stored_pages (same-filled ones too). */
	m->entries = zsim_counter_sum(z, ZC_stored_pages);
	m->allocator_pages = zsim_page_allocator_pages(z->pages);
	m->entry_bytes = zsim_objcache_bytes(z->entry_cache);
	for (unsigned t = 0; t < ZSIM_MAX_SWAPFILES; t++) {
		struct zsim_swap_info *si = (struct zsim_swap_info *)&z->swap[t];
		zsim_si_read_lock(si);
		for (unsigned i = 0; si->active && i < si->nr_trees; i++) {
			m->tree_bytes += zsim_xtree_memory(si->trees[i]);
			m->tree_nodes += zsim_xtree_nodes(si->trees[i]);
		}
		zsim_si_read_unlock(si);
	}
	return 0;
}

int zsim_zswap_write_json(const struct zsim_zswap *z, FILE *out)
{
	if (!z || !out)
		return ZSIM_EINVAL;
	struct zsim_zswap_stats st;
	zsim_zswap_stats(z, &st);
	const unsigned bit = z->prof->bit;
	int first;
	fprintf(out, "{\n  \"profile\": \"%s\",\n  \"zswap\": {", z->prof->name);
	first = 1;
#define ZSIM_JSON_(name, kind, profiles, desc)                                        \
	if ((profiles) & bit) {                                                       \
		fprintf(out, "%s\n    \"%s\": %" PRIu64, first ? "" : ",", #name, st.name); \
		first = 0;                                                            \
	}
	ZSIM_ZSWAP_DEBUGFS_COUNTERS(ZSIM_JSON_)
	fprintf(out, "\n  },\n  \"vmstat\": {");
	first = 1;
	ZSIM_VMSTAT_COUNTERS(ZSIM_JSON_)
#undef ZSIM_JSON_
	fprintf(out, "\n  },\n  \"memcg\": {");
	unsigned hw = zsim_zswap_memcg_count(z);
	int firstm = 1;
	for (unsigned id = 0; id < hw; id++) {
		struct zsim_memcg_stats ms;
		if (zsim_zswap_memcg_stats(z, id, &ms))
			continue;
		fprintf(out, "%s\n    \"%u\": {", firstm ? "" : ",", id);
		firstm = 0;
		first = 1;
#define ZSIM_JSON_M_(name, kind, profiles, desc)                                         \
	if ((profiles) & bit) {                                                          \
		fprintf(out, "%s\"%s\": %" PRIu64, first ? "" : ", ", #name, ms.name); \
		first = 0;                                                               \
	}
		ZSIM_MEMCG_COUNTERS(ZSIM_JSON_M_)
#undef ZSIM_JSON_M_
		fprintf(out, "}");
	}
	fprintf(out, "\n  }\n}\n");
	return ferror(out) ? ZSIM_EIO : 0;
}
