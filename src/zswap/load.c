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
	/* The allocator's per-CPU mapping area is the one of the CPU whose
	 * context we hold (its mutex is what serializes that area): after a
	 * hotplug race it need not be `cpu`. */
	struct zsim_acomp_ctx *ctx = zsim_acomp_ctx_lock(z, p, cpu, &cpu);
	if (!ctx)
		return ZSIM_ENOMEM;
	const void *src;
	uint64_t mark = zsim_model_mark(p, ctx->codec);
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
	zsim_model_add(p, ctx->codec, mark);
	zsim_acomp_ctx_unlock(ctx);
	return rc;
}

/* After a successful decompression of `e` at `offset`: the counters, and
 * the exclusive load's erase. Context: the slot is held. */
static void loaded_from_zswap(struct zsim_zswap *z, struct zsim_xtree *tree, uint64_t offset,
			      struct zsim_entry *e, unsigned cpu)
{
	zsim_count(z, cpu, ZC_zswpin, 1);
	zsim_memcg_count_zswpin(atomic_load(&z->memcgs[e->memcg]), 1);
	if (z->prof->exclusive_loads) {
		/* The folio is dirty now; the slot's zswap copy goes. */
		if (zsim_xtree_cmp_erase(tree, offset, e))
			zsim_entry_free(z, e, cpu);
	}
}

/* One slot, its lock held: zswap, else the zeromap, else the device. */
static int load_locked(struct zsim_zswap *z, struct zsim_swap_info *si, uint64_t offset,
		       struct zsim_memcg *memcg, unsigned cpu, void *page,
		       enum zsim_swap_where *from)
{
	struct zsim_xtree *tree = zsim_swap_tree(si, offset);
	struct zsim_entry *e = zsim_xtree_load(tree, offset);
	int rc = 0;
	if (e) {
		if (zsim_entry_decompress(z, e, cpu, page)) {
			if (z->prof->decompress_fail_counter)
				zsim_count(z, cpu, ZC_decompress_fail, 1);
			return ZSIM_EIO; /* the entry is kept */
		}
		loaded_from_zswap(z, tree, offset, e, cpu);
		*from = ZSIM_WHERE_ZSWAP;
	} else if (zsim_zeromap_test(si, offset)) {
		memset(page, 0, ZSIM_PAGE_SIZE);
		zsim_count(z, cpu, ZC_swpin_zero, 1);
		*from = ZSIM_WHERE_ZEROMAP;
	} else if (zsim_swapdev_has(si->dev, offset)) {
		rc = zsim_fault_should_fail(z->fault, ZSIM_FAULT_DEV_READ)
			     ? ZSIM_EIO
			     : zsim_swapdev_read(si->dev, offset, page);
		if (rc)
			return rc == ZSIM_ENOENT ? ZSIM_ENOENT : ZSIM_EIO;
		zsim_count(z, cpu, ZC_pswpin, 1);
		atomic_fetch_add_explicit(&memcg->lru[zsim_cpu_node(z, cpu)].nr_disk_swapins, 1,
					  memory_order_relaxed);
		*from = ZSIM_WHERE_DEVICE;
	} else {
		rc = ZSIM_ENOENT;
	}
	return rc;
}

static int load(struct zsim_zswap *z, unsigned type, uint64_t offset, unsigned memcg_id,
		unsigned cpu, void *page, enum zsim_swap_where *from)
{
	enum zsim_swap_where w = ZSIM_WHERE_NONE;
	if (from)
		*from = w;
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
	rc = load_locked(z, si, offset, memcg, cpu, page, &w);
	zsim_slots_unlock(z, type, offset, 1);
	zsim_swap_put(si);
	if (from)
		*from = w;
	return rc;
}

/*
 * Swap-in of several slots at once (readahead): each slot as
 * zsim_zswap_load would do it, but the zswap entries of a pool whose codec
 * batches are decompressed together through the batch interface. Counters
 * and results are identical to n single loads.
 */
static int load_batch(struct zsim_zswap *z, unsigned type, const uint64_t *offsets,
		      unsigned n, unsigned memcg_id, unsigned cpu, void *pages,
		      enum zsim_swap_where *from, int *results)
{
	if (!z || !offsets || !pages || !results || n == 0 || n > ZSIM_LOAD_BATCH_MAX)
		return ZSIM_EINVAL;
	if (cpu >= z->nr_cpus)
		return ZSIM_ERANGE;
	struct zsim_memcg *memcg;
	int rc = zsim_memcg_get(z, memcg_id, &memcg);
	if (rc)
		return rc;
	struct zsim_swap_info *si;
	rc = zsim_swap_get(z, type, 0, 1, &si);
	if (rc)
		return rc;
	for (unsigned i = 0; i < n; i++) {
		if (offsets[i] >= si->nr_slots) {
			zsim_swap_put(si);
			return ZSIM_ERANGE;
		}
		for (unsigned j = 0; j < i; j++) {
			if (offsets[j] == offsets[i]) {
				zsim_swap_put(si);
				return ZSIM_EINVAL; /* one slot twice */
			}
		}
	}
	cpu = zsim_cpu_resolve(z, cpu);
	zsim_slots_lock_set(z, type, offsets, n);
	unsigned char *out = pages;
	bool done[ZSIM_LOAD_BATCH_MAX] = {false};

	/* Gather compressed entries of batching pools and run them in
	 * submissions of the pool's batch size. */
	for (unsigned i = 0; i < n; i++) {
		if (done[i])
			continue;
		struct zsim_xtree *tree = zsim_swap_tree(si, offsets[i]);
		struct zsim_entry *e = zsim_xtree_load(tree, offsets[i]);
		struct zsim_pool *p = e && e->length && !zsim_entry_raw(z, e) ? z->pools[e->pool_idx] : NULL;
		if (!p || p->compr_batch <= 1)
			continue;
		unsigned idx[ZSIM_STORE_BATCH], k = 0;
		struct zsim_entry *ents[ZSIM_STORE_BATCH];
		for (unsigned j = i; j < n && k < p->compr_batch; j++) {
			if (done[j])
				continue;
			struct zsim_entry *f = zsim_xtree_load(zsim_swap_tree(si, offsets[j]), offsets[j]);
			if (f && f->length && !zsim_entry_raw(z, f) && z->pools[f->pool_idx] == p) {
				idx[k] = j;
				ents[k++] = f;
			}
		}
		unsigned ccpu; /* the CPU of the context held: its mapping area */
		struct zsim_acomp_ctx *ctx = zsim_acomp_ctx_lock(z, p, cpu, &ccpu);
		if (!ctx)
			continue; /* left for the one-by-one pass */
		struct zsim_codec_job jobs[ZSIM_STORE_BATCH];
		unsigned ok = 0;
		for (unsigned q = 0; q < k; q++) {
			/* Each object into its own batch buffer: eras that map
			 * objects (zs_map_object) have one per-CPU mapping,
			 * so a batch cannot keep several mapped at once. */
			unsigned char *buf = ctx->buffer + (size_t)q * ctx->buf_size;
			const void *src;
			if (zsim_zpool_read_begin(p->zpool, ents[q]->handle, ents[q]->length, ccpu,
						  buf, &src))
				break;
			if (src != buf)
				memcpy(buf, src, ents[q]->length);
			zsim_zpool_read_end(p->zpool, ents[q]->handle, ccpu, src);
			jobs[q] = (struct zsim_codec_job){.src = buf, .src_len = ents[q]->length,
							  .dst = out + (size_t)idx[q] * ZSIM_PAGE_SIZE,
							  .dst_cap = ZSIM_PAGE_SIZE};
			ok++;
		}
		uint64_t mark = zsim_model_mark(p, ctx->codec);
		if (ok && zsim_codec_batch(ctx->codec, ZSIM_CODEC_DECOMPRESS, jobs, ok))
			for (unsigned q = 0; q < ok; q++)
				jobs[q].status = ZSIM_EIO;
		zsim_model_add(p, ctx->codec, mark);
		zsim_acomp_ctx_unlock(ctx);
		for (unsigned q = 0; q < ok; q++) {
			unsigned j = idx[q];
			done[j] = true;
			int st = jobs[q].status;
			if (!st && zsim_fault_should_fail(z->fault, ZSIM_FAULT_DECOMPRESS))
				st = ZSIM_EBADMSG;
			if (st || jobs[q].dst_len != ZSIM_PAGE_SIZE) {
				if (z->prof->decompress_fail_counter)
					zsim_count(z, cpu, ZC_decompress_fail, 1);
				results[j] = ZSIM_EIO;
				if (from)
					from[j] = ZSIM_WHERE_NONE;
				continue;
			}
			loaded_from_zswap(z, zsim_swap_tree(si, offsets[j]), offsets[j], ents[q], cpu);
			results[j] = 0;
			if (from)
				from[j] = ZSIM_WHERE_ZSWAP;
		}
	}
	/* Everything else one by one. */
	for (unsigned i = 0; i < n; i++) {
		if (done[i])
			continue;
		enum zsim_swap_where w = ZSIM_WHERE_NONE;
		results[i] = load_locked(z, si, offsets[i], memcg, cpu, out + (size_t)i * ZSIM_PAGE_SIZE, &w);
		if (from)
			from[i] = w;
	}
	zsim_slots_unlock_set(z, type, offsets, n);
	zsim_swap_put(si);
	return 0;
}

int zsim_zswap_load(struct zsim_zswap *z, unsigned type, uint64_t offset, unsigned memcg_id,
		    unsigned cpu, void *page, enum zsim_swap_where *from)
{
	zsim_model_begin();
	int rc = load(z, type, offset, memcg_id, cpu, page, from);
	zsim_model_end();
	return rc;
}

int zsim_zswap_load_slot(struct zsim_zswap *z, const struct zsim_swap_slot *slot, void *page,
			 enum zsim_swap_where *from)
{
	if (!slot) {
		if (from)
			*from = ZSIM_WHERE_NONE;
		return ZSIM_EINVAL;
	}
	return zsim_zswap_load(z, slot->type, slot->offset, slot->memcg, slot->cpu, page, from);
}

int zsim_zswap_load_batch(struct zsim_zswap *z, unsigned type, const uint64_t *offsets,
			  unsigned n, unsigned memcg_id, unsigned cpu, void *pages,
			  enum zsim_swap_where *from, int *results)
{
	zsim_model_begin();
	int rc = load_batch(z, type, offsets, n, memcg_id, cpu, pages, from, results);
	zsim_model_end();
	return rc;
}
