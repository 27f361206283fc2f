/*
 * store.c - swap-out of a folio: the swap layer's zero check, zswap_store
 * (limits with hysteresis, per-page compress + allocate + insert, the
 * all-or-nothing unwind of a large folio) and the fall back to the swap
 * device when zswap refuses.
 *
 * Follows mm/zswap.c zswap_store() of the profile's era (see profile.c):
 *   6.1   frontswap store: stale entry dropped first, memcg then global
 *         limit (legacy arithmetic), same-filled entries, compressor errors
 *         (lzo's overrun included, since the 2025 fix) uncounted;
 *   6.12  zeromap before zswap, zswap_check_limits, large folios refused
 *         before anything else (the kernel leaves stale entries of their
 *         slots, which it cannot have; we drop them: no stale loads);
 *   6.13+ large folios stored page by page (zswap_store_page: each page
 *         allocated, compressed, placed and inserted before the next),
 *         all or nothing;
 *   6.18+ pages that do not compress are stored raw when writeback is on.
 * The out-of-tree IAA batching series (config.batch = 1) compresses up to
 * 8 pages per request instead (store_pages).
 * Differences: memcg-local writeback before a zswap.max rejection and the
 * shrink worker come with the writeback layer; a store is synchronous.
 */
#include <stdlib.h>
#include <string.h>

#include "zswap/zswap_internal.h"

/* Is the page one repeated machine word? (zswap_is_page_same_filled) */
static bool page_same_filled(const void *page, uint64_t *value)
{
	/* Every word equals the first iff the page equals itself shifted by
	 * one word; libc's vectorised memcmp makes this several times faster
	 * than a word loop on long runs (mostly-zero pages). */
	const unsigned char *b = page;
	uint64_t v;
	memcpy(&v, b, sizeof(v));
	uint64_t last;
	memcpy(&last, b + ZSIM_PAGE_SIZE - sizeof(last), sizeof(last));
	if (last != v || memcmp(b, b + sizeof(v), ZSIM_PAGE_SIZE - sizeof(v)))
		return false;
	*value = v;
	return true;
}

static bool folio_zero_filled(const unsigned char *data, unsigned nr)
{
	uint64_t v;
	for (unsigned i = 0; i < nr; i++)
		if (!page_same_filled(data + (size_t)i * ZSIM_PAGE_SIZE, &v) || v != 0)
			return false;
	return true;
}

/*
 * Global limit with acceptance hysteresis. Returns true to reject.
 * 6.8+ (zswap_check_limits): full at cur >= max; refilling resumes once
 * cur <= max * accept% / 100. ≤6.7: is_full is cur > max (strict) and
 * can_accept is cur < totalram * acc% / 100 * max% / 100 (strict, the
 * other rounding order). pool_limit_hit counts only the calls that see the
 * pool at or over max (the is_full branch).
 */
static bool check_limits(struct zsim_zswap *z, unsigned cpu)
{
	uint64_t cur = zsim_total_pages(z);
	uint64_t maxp = atomic_load_explicit(&z->max_pool_percent, memory_order_relaxed);
	uint64_t accp = atomic_load_explicit(&z->accept_thr_percent, memory_order_relaxed);
	if (z->prof->limits == ZSIM_LIMIT_MODERN) {
		uint64_t max_pages = z->totalram_pages * maxp / 100;
		uint64_t thr_pages = max_pages * accp / 100;
		if (cur >= max_pages) {
			zsim_count(z, cpu, ZC_pool_limit_hit, 1);
			atomic_store(&z->reached_full, true);
		} else if (atomic_load(&z->reached_full) && cur <= thr_pages) {
			atomic_store(&z->reached_full, false);
		}
		return atomic_load(&z->reached_full);
	}
	uint64_t max_pages = z->totalram_pages * maxp / 100;
	uint64_t acc_pages = z->totalram_pages * accp / 100 * maxp / 100;
	if (cur > max_pages) {
		zsim_count(z, cpu, ZC_pool_limit_hit, 1);
		atomic_store(&z->reached_full, true);
		return true;
	}
	if (atomic_load(&z->reached_full)) {
		if (!(cur < acc_pages))
			return true;
		atomic_store(&z->reached_full, false);
	}
	return false;
}

/* What the kernel would count for a page the compressor could not fit
 * (rc is the codec's error, ZSIM_ENOSPC for "does not fit"); -1 = none.
 * lzo and lzo-rle included: since "crypto: lzo - Fix compression buffer
 * overrun" (2025, in the 6.1 and 6.12 stable series every profile stands
 * for) they fail with -EINVAL instead of writing past PAGE_SIZE, so they
 * count as any codec does (checked on Debian's 6.1.192 and 6.12.118).
 * Before the fix, zs_malloc(> PAGE_SIZE) refused the overrun:
 * reject_compress_poor (6.3+) or reject_alloc_fail. */
static int reject_counter_for(const struct zsim_zswap *z, const struct zsim_pool *p, int rc)
{
	(void)p;
	(void)rc;
	return z->prof->compress_fail_counter ? ZC_reject_compress_fail : -1;
}

struct store_ctx {
	struct zsim_zswap *z;
	struct zsim_swap_info *si;
	struct zsim_pool *pool;
	struct zsim_memcg *memcg;
	unsigned cpu;
	unsigned nid;
	bool wb_enabled;
	long pool_refs; /* committed entries that hold a pool reference */
};

/* Free what store_pages allocated for pages [from, n) of a batch. */
static void unwind_batch(struct store_ctx *s, struct zsim_entry **e, const bool *have_handle,
			 unsigned from, unsigned n)
{
	for (unsigned i = from; i < n; i++) {
		if (have_handle[i])
			zsim_zpool_free(s->pool->zpool, e[i]->handle);
		else if (e[i]->length == 0 && e[i]->pool_idx == 0 && have_handle[ZSIM_STORE_BATCH + i])
			zsim_count(s->z, s->cpu, ZC_same_filled_pages, -1);
		zsim_entry_cache_free(s->z, e[i]);
	}
}

/*
 * zswap_store_pages of the out-of-tree IAA batching series: store up to
 * ZSIM_STORE_BATCH pages starting at `offset`.
 * Entries are allocated up front; the pages are compressed under the CPU's
 * context, all in one batch request when the codec batches (and batching
 * is on), else one by one; each result is then allocated and written in
 * page order, and the entries are published in the tree in page order.
 * The first failing page ends the batch with exactly one reject counter
 * (or none, where the era counted none). Entries already in the tree are
 * erased by the folio-level unwind.
 */
static bool store_pages(struct store_ctx *s, uint64_t offset, const unsigned char *data, unsigned n)
{
	struct zsim_zswap *z = s->z;
	struct zsim_entry *e[ZSIM_STORE_BATCH];
	/* [0..B): has a zsmalloc handle; [B..2B): counted as same-filled */
	bool have[2 * ZSIM_STORE_BATCH] = {false};
	const unsigned type = (unsigned)(s->si - z->swap);
	unsigned i;

	for (i = 0; i < n; i++) {
		if (zsim_entry_alloc(z, &e[i])) {
			zsim_count(z, s->cpu, ZC_reject_kmemcache_fail, 1);
			unwind_batch(s, e, have, 0, i);
			return false;
		}
		e[i]->flags = 0;
		e[i]->swp = zsim_swp(type, offset + i);
		e[i]->memcg = (uint16_t)s->memcg->id;
		e[i]->length = 0;
		e[i]->pool_idx = 0;
	}

	/* 6.1 same-filled pages become entries with no pool memory. */
	bool same[ZSIM_STORE_BATCH] = {false};
	unsigned to_compress = 0;
	for (i = 0; i < n; i++) {
		uint64_t value;
		if (z->prof->zero_mode == ZSIM_ZERO_SAME_FILLED && z->same_filled_enabled &&
		    page_same_filled(data + (size_t)i * ZSIM_PAGE_SIZE, &value)) {
			same[i] = true;
			e[i]->value = value;
		} else {
			to_compress++;
		}
	}

	struct zsim_acomp_ctx *ctx = NULL;
	struct zsim_codec_job jobs[ZSIM_STORE_BATCH];
	bool batched = false;
	uint64_t mark = 0;
	unsigned ccpu = s->cpu; /* the CPU of the context held: its mapping area */
	if (to_compress) {
		ctx = zsim_acomp_ctx_lock(z, s->pool, s->cpu, &ccpu);
		if (!ctx) {
			zsim_count(z, s->cpu, ZC_reject_alloc_fail, 1);
			unwind_batch(s, e, have, 0, n);
			return false;
		}
		mark = zsim_model_mark(s->pool, ctx->codec);
		batched = s->pool->compr_batch > 1 && n > 1;
		if (batched) {
			unsigned k = 0;
			for (i = 0; i < n; i++) {
				if (same[i])
					continue;
				jobs[k++] = (struct zsim_codec_job){
					.src = data + (size_t)i * ZSIM_PAGE_SIZE, .src_len = ZSIM_PAGE_SIZE,
					.dst = ctx->buffer + (size_t)i * ctx->buf_size, .dst_cap = ZSIM_PAGE_SIZE};
			}
			if (zsim_codec_batch(ctx->codec, ZSIM_CODEC_COMPRESS, jobs, k))
				for (unsigned j = 0; j < k; j++)
					jobs[j].status = ZSIM_EIO;
		}
	}

	unsigned failed = n, job = 0;
	for (i = 0; i < n && failed == n; i++) {
		const unsigned char *page = data + (size_t)i * ZSIM_PAGE_SIZE;
		if (same[i]) {
			zsim_count(z, s->cpu, ZC_same_filled_pages, 1);
			have[ZSIM_STORE_BATCH + i] = true;
			continue;
		}
		size_t dlen = ZSIM_PAGE_SIZE; /* the request's dlen: exactly PAGE_SIZE */
		const unsigned char *src;
		int rc;
		if (batched) {
			struct zsim_codec_job *j = &jobs[job++];
			src = j->dst;
			rc = j->status;
			dlen = j->dst_len;
		} else {
			src = ctx->buffer;
			rc = zsim_codec_compress(ctx->codec, page, ZSIM_PAGE_SIZE, ctx->buffer, &dlen);
		}
		if (zsim_fault_should_fail(z->fault, ZSIM_FAULT_COMPRESS))
			rc = ZSIM_EINVAL;
		if (z->prof->incompressible_raw && (rc || dlen == 0 || dlen >= ZSIM_PAGE_SIZE)) {
			/* 6.18+: store as-is iff this memcg may write back. */
			if (!s->wb_enabled) {
				zsim_count(z, s->cpu, ZC_reject_compress_fail, 1);
				failed = i;
				break;
			}
			dlen = ZSIM_PAGE_SIZE;
			src = page;
		} else if (rc) {
			int c = reject_counter_for(z, s->pool, rc);
			if (c >= 0)
				zsim_count(z, s->cpu, (enum zsim_ctr)c, 1);
			failed = i;
			break;
		}
		rc = zsim_zpool_malloc(s->pool->zpool, dlen, s->nid, &e[i]->handle);
		if (rc) {
			zsim_count(z, s->cpu, rc == ZSIM_ENOSPC ? ZC_reject_compress_poor : ZC_reject_alloc_fail, 1);
			failed = i;
			break;
		}
		have[i] = true;
		zsim_zpool_write(s->pool->zpool, e[i]->handle, src, dlen, ccpu);
		e[i]->length = (uint32_t)dlen;
		e[i]->pool_idx = (uint8_t)s->pool->idx;
	}
	if (ctx) {
		zsim_model_add(s->pool, ctx->codec, mark);
		zsim_acomp_ctx_unlock(ctx);
	}
	if (failed != n) {
		unwind_batch(s, e, have, 0, n);
		return false;
	}

	for (i = 0; i < n; i++) {
		struct zsim_xtree *tree = zsim_swap_tree(s->si, offset + i);
		void *old = NULL;
		if (zsim_xtree_store(tree, offset + i, e[i], &old)) {
			/* xa_store could not allocate a node. */
			zsim_count(z, s->cpu, ZC_reject_alloc_fail, 1);
			unwind_batch(s, e, have, i, n);
			return false;
		}
		if (old) {
			/* A stale copy of this slot (re-dirtied and re-swapped). */
			if (z->prof->zero_mode == ZSIM_ZERO_SAME_FILLED)
				zsim_count(z, s->cpu, ZC_duplicate_entry, 1);
			zsim_entry_free(z, old, s->cpu);
		}
		/* Commit: nothing below can fail. */
		struct zsim_entry *en = e[i];
		if (en->length)
			s->pool_refs++; /* taken in one go by zswap_store_folio */
		bool raw = zsim_entry_raw(z, en);
		zsim_memcg_charge(s->memcg, en->length, 1, raw ? 1 : 0);
		zsim_count(z, s->cpu, ZC_stored_pages, 1);
		if (raw)
			zsim_count(z, s->cpu, ZC_stored_incompressible_pages, 1);
		en->flags |= ZSIM_ENTRY_REFERENCED;
		if (en->length || z->prof->zero_mode == ZSIM_ZERO_ZEROMAP)
			zsim_lru_add(z, en, zsim_entry_nid(z, en)); /* last: publishes to writeback */
	}
	return true;
}

/*
 * zswap_store_page (6.13+; the only shape before, for one page): one page,
 * start to finish, before the next page begins: entry, compression (or a
 * 6.1 same-filled entry), zs_malloc and the object's copy, the tree store
 * (a stale entry of the slot is freed here, so its zsmalloc object is free
 * before the next page allocates), then the charges. A failure counts its
 * one reject reason and leaves the pages stored before it to the folio's
 * unwind.
 */
static bool store_page(struct store_ctx *s, uint64_t offset, const unsigned char *page)
{
	struct zsim_zswap *z = s->z;
	struct zsim_entry *e;
	const unsigned type = (unsigned)(s->si - z->swap);

	if (zsim_entry_alloc(z, &e)) {
		zsim_count(z, s->cpu, ZC_reject_kmemcache_fail, 1);
		return false;
	}
	e->flags = 0;
	e->swp = zsim_swp(type, offset);
	e->memcg = (uint16_t)s->memcg->id;
	e->length = 0;
	e->pool_idx = 0;

	uint64_t value;
	bool same = z->prof->zero_mode == ZSIM_ZERO_SAME_FILLED && z->same_filled_enabled &&
		    page_same_filled(page, &value);
	if (same) {
		e->value = value;
	} else {
		unsigned ccpu = s->cpu; /* the CPU of the context held: its mapping area */
		struct zsim_acomp_ctx *ctx = zsim_acomp_ctx_lock(z, s->pool, s->cpu, &ccpu);
		if (!ctx) {
			zsim_count(z, s->cpu, ZC_reject_alloc_fail, 1);
			zsim_entry_cache_free(z, e);
			return false;
		}
		uint64_t mark = zsim_model_mark(s->pool, ctx->codec);
		size_t dlen = ZSIM_PAGE_SIZE; /* the request's dlen: exactly PAGE_SIZE */
		const unsigned char *src = ctx->buffer;
		int rc = zsim_codec_compress(ctx->codec, page, ZSIM_PAGE_SIZE, ctx->buffer, &dlen);
		if (zsim_fault_should_fail(z->fault, ZSIM_FAULT_COMPRESS))
			rc = ZSIM_EINVAL;
		int reject = -1;
		bool failed = false;
		if (z->prof->incompressible_raw && (rc || dlen == 0 || dlen >= ZSIM_PAGE_SIZE)) {
			/* 6.18+: store as-is iff this memcg may write back. */
			if (!s->wb_enabled) {
				reject = ZC_reject_compress_fail;
				failed = true;
			} else {
				dlen = ZSIM_PAGE_SIZE;
				src = page;
			}
		} else if (rc) {
			reject = reject_counter_for(z, s->pool, rc);
			failed = true;
		}
		if (!failed) {
			rc = zsim_zpool_malloc(s->pool->zpool, dlen, s->nid, &e->handle);
			if (rc) {
				reject = rc == ZSIM_ENOSPC ? ZC_reject_compress_poor : ZC_reject_alloc_fail;
				failed = true;
			} else {
				zsim_zpool_write(s->pool->zpool, e->handle, src, dlen, ccpu);
				e->length = (uint32_t)dlen;
				e->pool_idx = (uint8_t)s->pool->idx;
			}
		}
		zsim_model_add(s->pool, ctx->codec, mark);
		zsim_acomp_ctx_unlock(ctx);
		if (failed) {
			if (reject >= 0)
				zsim_count(z, s->cpu, (enum zsim_ctr)reject, 1);
			zsim_entry_cache_free(z, e);
			return false;
		}
	}

	struct zsim_xtree *tree = zsim_swap_tree(s->si, offset);
	void *old = NULL;
	if (zsim_xtree_store(tree, offset, e, &old)) {
		/* xa_store could not allocate a node. */
		zsim_count(z, s->cpu, ZC_reject_alloc_fail, 1);
		if (e->length)
			zsim_zpool_free(s->pool->zpool, e->handle);
		zsim_entry_cache_free(z, e);
		return false;
	}
	if (old) {
		/* A stale copy of this slot (re-dirtied and re-swapped). */
		if (z->prof->zero_mode == ZSIM_ZERO_SAME_FILLED)
			zsim_count(z, s->cpu, ZC_duplicate_entry, 1);
		zsim_entry_free(z, old, s->cpu);
	}
	/* Commit: nothing below can fail. */
	if (same)
		zsim_count(z, s->cpu, ZC_same_filled_pages, 1);
	if (e->length)
		s->pool_refs++; /* taken in one go by zswap_store_folio */
	bool raw = zsim_entry_raw(z, e);
	zsim_memcg_charge(s->memcg, e->length, 1, raw ? 1 : 0);
	zsim_count(z, s->cpu, ZC_stored_pages, 1);
	if (raw)
		zsim_count(z, s->cpu, ZC_stored_incompressible_pages, 1);
	e->flags |= ZSIM_ENTRY_REFERENCED;
	if (e->length || z->prof->zero_mode == ZSIM_ZERO_ZEROMAP)
		zsim_lru_add(z, e, zsim_entry_nid(z, e)); /* last: publishes to writeback */
	return true;
}

/*
 * zswap_store: true if every page of the folio is now in zswap. On false
 * every slot of the folio is left without an entry (stale ones included).
 */
static bool zswap_store_folio(struct zsim_zswap *z, struct zsim_swap_info *si,
			      const struct zsim_swap_folio *f, struct zsim_memcg *memcg,
			      unsigned cpu)
{
	const unsigned nr = 1u << f->order;
	const unsigned char *data = f->data;
	bool ret = false;
	struct zsim_pool *pool = NULL;

	/* 6.12 refuses a large folio first of all, leaving any stale entries
	 * of its slots in the tree. The kernel cannot have any there (6.12
	 * never swaps a large folio in while zswap has ever been enabled), but
	 * a caller of this API can: their stale copies are dropped, as below,
	 * so that no load ever returns an older page than the one stored
	 * (found by fuzz_ops). Counters are the same either way. */
	if (nr > 1 && z->prof->large_refused_first)
		goto check_old;
	if (!atomic_load_explicit(&z->enabled, memory_order_relaxed))
		goto check_old;
	if (nr > 1 && (!z->prof->store_large_folios || z->refuse_large_folios))
		goto check_old;
	if (z->prof->limits == ZSIM_LIMIT_LEGACY) {
		/* frontswap invalidated the old copy before calling zswap. */
		for (unsigned i = 0; i < nr; i++)
			zsim_invalidate_entry(z, si, f->offset + i, cpu);
	}
	/* memory.zswap.max of the folio's memcg and its ancestors. Over it,
	 * 6.8+ first writes back this memcg's own entries and stores anyway
	 * if that freed something; 6.1 simply refused. */
	if (memcg->parent && !zsim_memcg_may_zswap(memcg)) {
		if (!z->prof->memcg_local_writeback || zsim_shrink_memcg(z, memcg, cpu))
			goto check_old;
	}
	if (check_limits(z, cpu))
		goto check_old;
	pool = zsim_pool_current_get(z);
	if (!pool)
		goto check_old;

	struct store_ctx s = {
		.z = z, .si = si, .pool = pool, .memcg = memcg, .cpu = cpu,
		.nid = zsim_cpu_node(z, cpu),
		.wb_enabled = zsim_memcg_wb_enabled(memcg),
	};
	/* Page by page as the kernel does; in batches of the codec's batch
	 * size only under the out-of-tree IAA batching series (config.batch). */
	unsigned i;
	if (pool->compr_batch > 1) {
		const unsigned step = pool->compr_batch;
		for (i = 0; i < nr; i += step) {
			unsigned n = ZSIM_MIN(step, nr - i);
			if (!store_pages(&s, f->offset + i, data + (size_t)i * ZSIM_PAGE_SIZE, n))
				break;
		}
	} else {
		for (i = 0; i < nr; i++)
			if (!store_page(&s, f->offset + i, data + (size_t)i * ZSIM_PAGE_SIZE))
				break;
	}
	ret = i >= nr;
	/* Each committed entry holds a pool reference. The one this store
	 * took becomes the first entry's; the others are added at once (one
	 * add instead of one per entry plus the put). Before anything below
	 * can free an entry of this folio. */
	if (s.pool_refs > 1)
		zsim_pool_get(pool, s.pool_refs - 1);
	else if (s.pool_refs == 0)
		zsim_pool_put(z, pool);
	if (ret) {
		zsim_count(z, cpu, ZC_zswpout, nr);
		zsim_memcg_count_zswpout(memcg, nr);
		if (nr > 1)
			zsim_count(z, cpu, ZC_mthp_zswpout, 1);
	}
check_old:
	if (!ret) {
		/* Erase every slot of the folio: the pages stored by this call
		 * (the unwind) and stale copies from an earlier swap-out. */
		for (unsigned k = 0; k < nr; k++)
			zsim_invalidate_entry(z, si, f->offset + k, cpu);
	}
	return ret;
}

static int store(struct zsim_zswap *z, const struct zsim_swap_folio *f,
		 enum zsim_swap_where *where)
{
	if (where)
		*where = ZSIM_WHERE_NONE;
	if (!z || !f || !f->data)
		return ZSIM_EINVAL;
	if (f->order > ZSIM_MAX_ORDER)
		return ZSIM_EINVAL;
	if (f->cpu >= z->nr_cpus)
		return ZSIM_ERANGE;
	const unsigned nr = 1u << f->order;
	struct zsim_memcg *memcg;
	int rc = zsim_memcg_get(z, f->memcg, &memcg);
	if (rc)
		return rc;
	struct zsim_swap_info *si;
	rc = zsim_swap_get(z, f->type, f->offset, nr, &si);
	if (rc)
		return rc;
	const unsigned cpu = zsim_cpu_resolve(z, f->cpu);
	const unsigned char *data = f->data;
	enum zsim_swap_where w;
	zsim_slots_lock(z, f->type, f->offset, nr);

	/* 6.12+: the swap layer keeps zero-filled folios in its zeromap. */
	if (z->prof->zero_mode == ZSIM_ZERO_ZEROMAP && folio_zero_filled(data, nr)) {
		for (unsigned i = 0; i < nr; i++) {
			zsim_invalidate_entry(z, si, f->offset + i, cpu);
			zsim_zeromap_set(si, f->offset + i, true);
			zsim_swapdev_discard(si->dev, f->offset + i);
		}
		zsim_count(z, cpu, ZC_swpout_zero, nr);
		w = ZSIM_WHERE_ZEROMAP;
		goto out;
	}
	for (unsigned i = 0; i < nr; i++)
		zsim_zeromap_set(si, f->offset + i, false);

	if (zswap_store_folio(z, si, f, memcg, cpu)) {
		for (unsigned i = 0; i < nr; i++)
			zsim_swapdev_discard(si->dev, f->offset + i);
		w = ZSIM_WHERE_ZSWAP;
		goto out;
	}
	for (unsigned i = 0; i < nr; i++)
		zsim_swapdev_discard(si->dev, f->offset + i);

	/* 6.8+: with zswap on and this memcg's writeback off, the swap layer
	 * does not write the folio either: it stays in memory. */
	if (z->prof->memcg_local_writeback && atomic_load(&z->enabled) &&
	    !zsim_memcg_wb_enabled(memcg)) {
		w = ZSIM_WHERE_KEPT;
		goto out;
	}

	/* zswap refused: __swap_writepage to the device, whole. */
	for (unsigned i = 0; i < nr && !rc; i++) {
		if (zsim_fault_should_fail(z->fault, ZSIM_FAULT_DEV_WRITE))
			rc = ZSIM_EIO;
		else
			rc = zsim_swapdev_write(si->dev, f->offset + i, data + (size_t)i * ZSIM_PAGE_SIZE);
	}
	if (rc) {
		/* The write failed: the slots hold nothing; the caller still
		 * has the folio (the kernel keeps it dirty in memory). */
		for (unsigned i = 0; i < nr; i++)
			zsim_swapdev_discard(si->dev, f->offset + i);
		zsim_slots_unlock(z, f->type, f->offset, nr);
		zsim_swap_put(si);
		return rc;
	}
	zsim_count(z, cpu, ZC_pswpout, nr);
	if (nr > 1)
		zsim_count(z, cpu, ZC_mthp_swpout, 1);
	w = ZSIM_WHERE_DEVICE;
out:
	zsim_slots_unlock(z, f->type, f->offset, nr);
	zsim_swap_put(si);
	if (w != ZSIM_WHERE_ZSWAP && w != ZSIM_WHERE_ZEROMAP && atomic_load(&z->reached_full))
		zsim_shrink_queue(z);
	if (where)
		*where = w;
	return 0;
}

int zsim_zswap_store(struct zsim_zswap *z, const struct zsim_swap_folio *f,
		     enum zsim_swap_where *where)
{
	enum zsim_swap_where w = ZSIM_WHERE_NONE;
	if (z && f && z->shrink_sched == ZSIM_SHRINK_SCHED_SIM && f->order <= ZSIM_MAX_ORDER)
		zsim_wq_before_store(z, 1u << f->order);
	zsim_model_begin();
	int rc = store(z, f, &w);
	zsim_model_end();
	if (where)
		*where = w;
	if (!rc && z->shrink_sched == ZSIM_SHRINK_SCHED_SIM) /* cond_resched: workqueue.c */
		zsim_wq_after_store(z, 1u << f->order, w == ZSIM_WHERE_ZSWAP);
	return rc;
}
