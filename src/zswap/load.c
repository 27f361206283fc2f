/*
 * load.c - swap-in of one page: zswap_load, else the swap layer's zeromap,
 * else the swap device.
 *
 * Follows zswap_load() by era: 6.1 keeps the entry (non-exclusive); 6.8+
 * frees it after a successful decompression (exclusive: the swap cache copy
 * is now the only one). The compressed object is read through the
 * allocator's access API of the era (zs_map_object with its per-CPU copy
 * of spanning objects, zs_obj_read_begin with a local copy, or the SG
 * read), decompressed with the per-CPU context, and must produce exactly
 * PAGE_SIZE bytes; otherwise decompress_fail (6.16+) counts it, the entry
 * is kept and the load returns ZSIM_EIO (the kernel's SIGBUS; 6.1 BUGs).
 * A read from the device counts pswpin and the memcg's nr_disk_swapins.
 */
#include <string.h>

#include "zswap/zswap_internal.h"

int zsim_entry_decompress(struct zsim_zswap *z, struct zsim_entry *e, unsigned cpu,
			  void *page)
{
	if (e->length == 0) {
		uint64_t *w = page;
		for (size_t i = 0; i < ZSIM_PAGE_SIZE / sizeof(uint64_t); i++)
			w[i] = e->value;
		return 0;
	}
	struct zsim_pool *p = z->pools[e->pool_idx];
	struct zsim_acomp_ctx *ctx = zsim_acomp_ctx_lock(z, p, cpu, NULL);
	if (!ctx)
		return ZSIM_ENOMEM;
	const void *src;
	int rc = zsim_zpool_read_begin(p->zpool, e->handle, e->length, cpu, ctx->buffer, &src);
	if (!rc) {
		if (zsim_entry_raw(z, e)) {
			memcpy(page, src, ZSIM_PAGE_SIZE);
		} else if (zsim_fault_should_fail(z->fault, ZSIM_FAULT_DECOMPRESS)) {
			rc = ZSIM_EBADMSG;
		} else {
			size_t dlen = ZSIM_PAGE_SIZE;
			rc = zsim_codec_decompress(ctx->codec, src, e->length, page, &dlen);
			if (!rc && dlen != ZSIM_PAGE_SIZE)
				rc = ZSIM_EBADMSG;
		}
		zsim_zpool_read_end(p->zpool, e->handle, cpu, src);
	}
	zsim_acomp_ctx_unlock(ctx);
	return rc;
}

int zsim_zswap_load(struct zsim_zswap *z, unsigned type, uint64_t offset, unsigned memcg_id,
		    unsigned cpu, void *page, enum zsim_swap_where *from)
{
	if (from)
		*from = ZSIM_WHERE_NONE;
	if (!z || !page)
		return ZSIM_EINVAL;
	if (cpu >= z->nr_cpus)
		return ZSIM_ERANGE;
	struct zsim_memcg *memcg;
	int rc = zsim_memcg_get(z, memcg_id, &memcg);
	if (rc)
		return rc;
	struct zsim_swap_info *si;
	rc = zsim_swap_get(z, type, offset, 1, &si);
	if (rc)
		return rc;
	cpu = zsim_cpu_resolve(z, cpu);
	zsim_slots_lock(z, type, offset, 1);
	struct zsim_xtree *tree = zsim_swap_tree(si, offset);
	struct zsim_entry *e = zsim_xtree_load(tree, offset);
	if (e) {
		rc = zsim_entry_decompress(z, e, cpu, page);
		if (rc) {
			if (z->prof->decompress_fail_counter)
				zsim_count(z, cpu, ZC_decompress_fail, 1);
			zsim_slots_unlock(z, type, offset, 1);
			zsim_swap_put(si);
			return ZSIM_EIO;
		}
		zsim_count(z, cpu, ZC_zswpin, 1);
		struct zsim_memcg *owner = atomic_load(&z->memcgs[e->memcg]);
		zsim_memcg_count_zswpin(owner, 1);
		if (z->prof->exclusive_loads) {
			/* The folio is dirty now; the slot's zswap copy goes. */
			if (zsim_xtree_cmp_erase(tree, offset, e))
				zsim_entry_free(z, e, cpu);
		}
		if (from)
			*from = ZSIM_WHERE_ZSWAP;
	} else if (zsim_zeromap_test(si, offset)) {
		memset(page, 0, ZSIM_PAGE_SIZE);
		zsim_count(z, cpu, ZC_swpin_zero, 1);
		if (from)
			*from = ZSIM_WHERE_ZEROMAP;
	} else if (zsim_swapdev_has(si->dev, offset)) {
		rc = zsim_fault_should_fail(z->fault, ZSIM_FAULT_DEV_READ)
			     ? ZSIM_EIO
			     : zsim_swapdev_read(si->dev, offset, page);
		if (rc) {
			zsim_slots_unlock(z, type, offset, 1);
			zsim_swap_put(si);
			return rc == ZSIM_ENOENT ? ZSIM_ENOENT : ZSIM_EIO;
		}
		zsim_count(z, cpu, ZC_pswpin, 1);
		atomic_fetch_add_explicit(&memcg->lru[zsim_cpu_node(z, cpu)].nr_disk_swapins, 1,
					  memory_order_relaxed);
		if (from)
			*from = ZSIM_WHERE_DEVICE;
	} else {
		rc = ZSIM_ENOENT;
	}
	zsim_slots_unlock(z, type, offset, 1);
	zsim_swap_put(si);
	return rc;
}
