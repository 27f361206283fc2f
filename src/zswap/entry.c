/*
 * entry.c - zswap_entry allocation and freeing (zswap_entry_cache_alloc,
 * zswap_entry_free). An entry is 40 bytes from the instance's object
 * cache (alloc/objcache.h; the kernel's slab object is 56), packed 102 to
 * a page; allocation can be failed on purpose
 * (ZSIM_FAULT_ENTRY_ALLOC -> reject_kmemcache_fail).
 */

#include "zswap/zswap_internal.h"

int zsim_entry_alloc(struct zsim_zswap *z, struct zsim_entry **out)
{
	if (zsim_fault_should_fail(z->fault, ZSIM_FAULT_ENTRY_ALLOC))
		return ZSIM_ENOMEM;
	struct zsim_entry *e = zsim_objcache_alloc(z->entry_cache);
	if (!e)
		return ZSIM_ENOMEM;
	*out = e;
	return 0;
}

void zsim_entry_cache_free(struct zsim_zswap *z, struct zsim_entry *e)
{
	zsim_objcache_free(z->entry_cache, e);
}

unsigned zsim_entry_nid(const struct zsim_zswap *z, const struct zsim_entry *e)
{
	/* The entry's node: where its page lived, derived from the offset
	 * so that it is stable without storing it. */
	return z->nr_nodes > 1 ? (unsigned)(zsim_swp_offset(e->swp) % z->nr_nodes) : 0;
}

/*
 * Free an entry already erased from its tree: LRU del, zs_free, pool put,
 * uncharge, stats (the kernel's order). Context: the caller holds the slot.
 */
void zsim_entry_free(struct zsim_zswap *z, struct zsim_entry *e, unsigned cpu)
{
	struct zsim_memcg *m = atomic_load_explicit(&z->memcgs[e->memcg], memory_order_acquire);
	zsim_lru_del(z, e, zsim_entry_nid(z, e));
	if (e->length == 0) {
		zsim_count(z, cpu, ZC_same_filled_pages, -1);
	} else {
		struct zsim_pool *p = z->pools[e->pool_idx];
		zsim_zpool_free(p->zpool, e->handle);
		zsim_pool_put(z, p);
	}
	bool raw = zsim_entry_raw(z, e);
	zsim_memcg_charge(m, -(int64_t)e->length, -1, raw ? -1 : 0);
	if (raw)
		zsim_count(z, cpu, ZC_stored_incompressible_pages, -1);
	zsim_count(z, cpu, ZC_stored_pages, -1);
	zsim_entry_cache_free(z, e);
}
