/*
 * zs_compact.c - zs_compact(): move objects out of sparse zspages into
 * fuller ones and free the emptied zspages (reference §2.7).
 *
 * What it models: single flight (compaction_in_progress); classes from the
 * highest index down, aliases skipped; per class, under pool->lock (write)
 * and class->lock, while zs_can_compact() > 0:
 *   6.3+ (CHAIN era, the 6.11+ loop): dst = fullest non-full zspage
 *     (99% -> 10%), src = emptiest (10% -> 99%), both taken off their
 *     lists; src write-trylocked (a reader holds it: stop the class);
 *     objects of src move in slot order into dst until dst is full or src
 *     empty; src goes back (freed if empty, pages_freed += ppz); when dst
 *     fills it goes back and the locks are dropped and retaken.
 *   ≤6.2 (LEGACY era, the 6.1 loop): src = ALMOST_EMPTY then ALMOST_FULL,
 *     drained into successive dst zspages (ALMOST_FULL then ALMOST_EMPTY);
 *     no dst left stops the class; locks dropped and retaken per src.
 * A moved object keeps its bytes and its handle: only the handle cell's
 * location is rewritten. pages_compacted grows by the pages freed.
 * How it differs from the kernel: the 6.1 loop waited for the zspage
 * migrate lock; here, as in the latest kernels, a src a reader holds stops
 * the class instead (readers may hold it for as long as they like); the
 * "lock contended" early exits are not modelled (nothing else waits on a
 * spinning CPU here); empty zspages left behind by a free that found them
 * pinned are freed first (the kernel's async free work), and are not
 * counted as compacted.
 */
#include "alloc/zs_internal.h"

/* Move allocated slot k of src into a free slot of dst. */
static void move_object(struct zs_pool *pool, struct zs_class *c, struct zs_zspage *src,
			unsigned k, struct zs_zspage *dst)
{
	uint32_t cell;
	if (c->huge)
		cell = src->huge_cell;
	else
		cell = (uint32_t)(zs_word_get(zs_slot_word(src, c->size, k)) >> 1);
	unsigned d = zs_obj_take(c, dst, cell);
	/* zs_object_copy: the whole slot, header included, either side may
	 * straddle a page boundary. */
	uint32_t s_lin = (uint32_t)k * c->size, d_lin = (uint32_t)d * c->size;
	size_t left = c->size;
	while (left) {
		uint32_t so = s_lin & (ZSIM_PAGE_SIZE - 1), dof = d_lin & (ZSIM_PAGE_SIZE - 1);
		size_t n = ZSIM_MIN(left, (size_t)(ZSIM_PAGE_SIZE - so));
		n = ZSIM_MIN(n, (size_t)(ZSIM_PAGE_SIZE - dof));
		memcpy((unsigned char *)dst->pages[d_lin >> ZSIM_PAGE_SHIFT] + dof,
		       (const unsigned char *)src->pages[s_lin >> ZSIM_PAGE_SHIFT] + so, n);
		s_lin += (uint32_t)n;
		d_lin += (uint32_t)n;
		left -= n;
	}
	/* record_obj: the handle now points at the new place */
	struct zsa_cell *ce = zsa_htab_cell(&pool->htab, cell);
	atomic_store_explicit(&ce->loc, (uint64_t)(uintptr_t)dst, memory_order_relaxed);
	ce->obj_idx = (uint16_t)d;
	zs_obj_put(c, src, k);
}

/* find_alloced_obj: the first allocated slot >= *k, or objs. */
static unsigned next_allocated(const struct zs_class *c, const struct zs_zspage *z, unsigned k)
{
	if (c->huge)
		return k == 0 && z->inuse ? 0 : c->objs;
	for (; k < c->objs; k++)
		if (zs_word_get(zs_slot_word(z, c->size, k)) & 1u)
			break;
	return k;
}

static struct zs_zspage *isolate(struct zs_class *c, int from, int to)
{
	int step = from <= to ? 1 : -1;
	for (int fg = from;; fg += step) {
		struct zs_zspage *z = c->lists[fg];
		if (z) {
			zs_remove(c, z);
			z->isolated = 1;
			return z;
		}
		if (fg == to)
			return NULL;
	}
}

static void lock_class(struct zs_pool *pool, struct zs_class *c)
{
	zsim_brlock_write_lock(&pool->lock);
	pthread_mutex_lock(&c->lock);
}

static void unlock_class(struct zs_pool *pool, struct zs_class *c)
{
	pthread_mutex_unlock(&c->lock);
	zsim_brlock_write_unlock(&pool->lock);
}

/* Put src back; free it if it is empty. Return: pages freed. */
static uint64_t putback_src(struct zs_pool *pool, struct zs_class *c, struct zs_zspage *src)
{
	zs_write_unlock(src);
	if (zs_putback(pool, c, src) != ZS_GROUP_EMPTY)
		return 0;
	/* We hold pool->lock for writing: no reader can pin it now. */
	if (!zs_write_trylock(src))
		return 0;
	zs_remove(c, src);
	zs_free_zspage(pool, c, src);
	return c->ppz;
}

static uint64_t compact_class_chain(struct zs_pool *pool, struct zs_class *c)
{
	struct zs_zspage *dst = NULL, *src = NULL;
	uint64_t freed = 0;
	lock_class(pool, c);
	zs_free_deferred(pool, c);
	while (zs_can_compact(c)) {
		if (!dst) {
			dst = isolate(c, ZS_RATIO_99, ZS_RATIO_10);
			if (!dst)
				break;
		}
		src = isolate(c, ZS_RATIO_10, ZS_RATIO_99);
		if (!src)
			break;
		if (!zs_write_trylock(src))
			break; /* a reader holds it: stop this class */
		/* migrate_zspage */
		for (unsigned k = next_allocated(c, src, 0); k < c->objs;
		     k = next_allocated(c, src, k + 1)) {
			move_object(pool, c, src, k, dst);
			if (dst->inuse == c->objs || src->inuse == 0)
				break;
		}
		freed += putback_src(pool, c, src);
		src = NULL;
		if (dst->inuse == c->objs) {
			zs_putback(pool, c, dst);
			dst = NULL;
			unlock_class(pool, c);
			lock_class(pool, c);
		}
	}
	if (src)
		zs_putback(pool, c, src);
	if (dst)
		zs_putback(pool, c, dst);
	unlock_class(pool, c);
	return freed;
}

static uint64_t compact_class_legacy(struct zs_pool *pool, struct zs_class *c)
{
	struct zs_zspage *src = NULL;
	bool src_locked = false;
	uint64_t freed = 0;
	lock_class(pool, c);
	zs_free_deferred(pool, c);
	while ((src = isolate(c, ZS_LEGACY_ALMOST_EMPTY, ZS_LEGACY_ALMOST_FULL))) {
		if (!zs_write_trylock(src))
			break;
		src_locked = true;
		if (!zs_can_compact(c))
			break;
		unsigned k = 0;
		struct zs_zspage *dst;
		while ((dst = isolate(c, ZS_LEGACY_ALMOST_FULL, ZS_LEGACY_ALMOST_EMPTY))) {
			/* 6.1 migrate_zspage: 0 = src drained, else dst full */
			bool drained = false;
			for (;;) {
				k = next_allocated(c, src, k);
				if (k >= c->objs) {
					drained = true;
					break;
				}
				if (dst->inuse == c->objs)
					break;
				move_object(pool, c, src, k, dst);
				k++;
			}
			if (drained)
				break;
			zs_putback(pool, c, dst);
		}
		if (!dst)
			break; /* no slot left anywhere */
		zs_putback(pool, c, dst);
		src_locked = false;
		freed += putback_src(pool, c, src);
		src = NULL;
		unlock_class(pool, c);
		lock_class(pool, c);
	}
	if (src) {
		if (src_locked)
			zs_write_unlock(src);
		zs_putback(pool, c, src);
	}
	unlock_class(pool, c);
	return freed;
}

/*
 * Whether a class has anything for compaction to do: objects to move, or
 * empty zspages left by a free that found them pinned. Asked under the
 * class lock alone, so that a pass over a pool whose classes are mostly
 * empty does not take the pool lock's 16 shards for writing once per class
 * (the kernel's single rwlock costs one atomic; ours costs 16). What the
 * pass does is unchanged: a class skipped here would have left the loops
 * below at once. (6.1's loop isolates and puts back a zspage before it
 * asks zs_can_compact(), which can reorder a list, so there a class is
 * skipped only when it has no zspage that loop could isolate.)
 */
static bool class_has_work(const struct zs_pool *pool, struct zs_class *c)
{
	pthread_mutex_lock(&c->lock);
	bool work = c->lists[ZS_GROUP_EMPTY] != NULL;
	if (pool->era == ZSIM_ZS_ERA_LEGACY)
		work = work || c->lists[ZS_LEGACY_ALMOST_EMPTY] || c->lists[ZS_LEGACY_ALMOST_FULL];
	else
		work = work || zs_can_compact(c);
	pthread_mutex_unlock(&c->lock);
	return work;
}

int64_t zs_compact(struct zsim_zpool *p)
{
	struct zs_pool *pool = zs_pool_of(p);
	if (atomic_exchange(&pool->compaction_in_progress, true))
		return 0;
	uint64_t freed = 0;
	for (unsigned i = pool->nr_real; i-- > 0;) {
		struct zs_class *c = &pool->classes[i];
		if (!class_has_work(pool, c))
			continue;
		freed += pool->era == ZSIM_ZS_ERA_LEGACY ? compact_class_legacy(pool, c)
							 : compact_class_chain(pool, c);
	}
	atomic_fetch_add(&pool->pages_compacted, freed);
	atomic_store(&pool->compaction_in_progress, false);
	return (int64_t)freed;
}
