/*
 * zs_access.c - reading and writing zsmalloc objects, by era (reference
 * §2.6): zs_map_object/zs_unmap_object (≤~6.15), zs_obj_read_begin/end and
 * zs_obj_write (~6.15+), and zs_obj_read_sg_begin/end (latest: one or two
 * segments in place, nothing copied, nothing counted).
 *
 * What it models: an object is resolved under pool->lock (read) and its
 * zspage pinned (zspage read lock) until read_end/unmap, so compaction
 * cannot move it; an object in one page is handed out in place; an object
 * that spans two pages is copied - MAP: the whole slot (class size) into
 * the per-CPU vm_buf on map unless WO, and size - 8 bytes back on unmap
 * unless RO, with one mapping per CPU; READ_BEGIN: handle + len bytes into
 * the caller's local_copy when off + 8 + len > PAGE_SIZE. span_copies and
 * span_copy_bytes count these copies with the kernel's byte counts.
 * How it differs from the kernel: no kmap, no preemption or page-fault
 * disabling (a mapping may be held across sleeps, and the CPU index is the
 * caller's promise); local_copy receives only the len payload bytes, while
 * the count includes the 8-byte header the kernel copies too; for SG
 * (where the kernel hands the decompressor two segments and zsmalloc
 * copies nothing) a spanning read through read_begin still needs one
 * contiguous buffer, so it is copied and counted as len bytes (the copy
 * the decompression side makes of a two-segment source); writes in the
 * MAP era count the unmap copy that zswap's map(WO)+memcpy+unmap made.
 */
#include "alloc/zs_internal.h"

/*
 * Resolve a handle and pin its zspage.
 * Context: takes pool->lock (read) briefly; returns with the zspage pinned.
 * Return: 0, or ZSIM_EFAULT (after zsa_bad_handle) for a dead handle.
 */
static int resolve_pin(struct zs_pool *pool, zsim_handle_t h, const char *op,
		       struct zsa_cell **cep, struct zs_zspage **zp)
{
	uint32_t st;
	struct zs_zspage *z = NULL;
	zsim_brlock_read_lock(&pool->lock);
	struct zsa_cell *ce = zsa_htab_get(&pool->htab, h, &st);
	if (ce) {
		z = (struct zs_zspage *)(uintptr_t)atomic_load_explicit(&ce->loc,
									memory_order_relaxed);
		if (!zs_pin(z)) {
			ce = NULL;
		} else if (!zsa_htab_still(ce, st)) {
			/* freed while we pinned: a caller bug, refuse it */
			zs_unpin(z);
			ce = NULL;
		}
	}
	zsim_brlock_read_unlock(&pool->lock);
	*cep = ce;
	*zp = z;
	if (!ce) {
		zsa_bad_handle(&pool->base, h, op);
		return ZSIM_EFAULT;
	}
	return 0;
}

/* resolve_pin for an access of len bytes: ZSIM_EINVAL (nothing pinned)
 * if the object is shorter. */
static int resolve_pin_len(struct zs_pool *pool, zsim_handle_t h, const char *op, size_t len,
			   struct zsa_cell **cep, struct zs_zspage **zp)
{
	int rc = resolve_pin(pool, h, op, cep, zp);
	if (!rc && len > (*cep)->size) {
		zs_unpin(*zp);
		rc = ZSIM_EINVAL;
	}
	return rc;
}

/* Unpin, refusing to go below zero (a read_end without read_begin). */
static bool checked_unpin(struct zs_zspage *z)
{
	int v = atomic_load_explicit(&z->lock, memory_order_relaxed);
	do {
		if (v <= 0)
			return false;
	} while (!atomic_compare_exchange_weak_explicit(&z->lock, &v, v - 1,
							 memory_order_release,
							 memory_order_relaxed));
	return true;
}

/* End a read that pinned the object's zspage (read_begin outside the MAP
 * era, read_sg_begin). The object is pinned, so its cell cannot change
 * under us: no lock needed, as in zs_obj_read_end(). */
static void unpin_handle(struct zs_pool *pool, zsim_handle_t h, const char *op)
{
	uint32_t st;
	struct zsa_cell *ce = zsa_htab_get(&pool->htab, h, &st);
	if (!ce) {
		zsa_bad_handle(&pool->base, h, op);
		return;
	}
	struct zs_zspage *z =
		(struct zs_zspage *)(uintptr_t)atomic_load_explicit(&ce->loc, memory_order_relaxed);
	if (!checked_unpin(z))
		zsa_bad_handle(&pool->base, h, op);
}

static void count_span(struct zs_cpu_area *a, uint64_t bytes)
{
	atomic_fetch_add_explicit(&a->span_copy_bytes, bytes, memory_order_relaxed);
	atomic_fetch_add_explicit(&a->span_copies, 1, memory_order_relaxed);
}

static unsigned hdr_of(const struct zs_class *c)
{
	return c->huge ? 0 : ZSA_HANDLE_SIZE;
}

/* zs_obj_write (and, in the MAP era, zswap's map(WO) + memcpy + unmap). */
int zs_write(struct zsim_zpool *p, zsim_handle_t h, const void *src, size_t len, unsigned cpu)
{
	struct zs_pool *pool = zs_pool_of(p);
	if ((!src && len) || cpu >= pool->nr_cpus)
		return ZSIM_EINVAL;
	struct zsa_cell *ce;
	struct zs_zspage *z;
	int rc = resolve_pin_len(pool, h, "write", len, &ce, &z);
	if (rc)
		return rc;
	const struct zs_class *c = z->class;
	uint32_t slot = (uint32_t)ce->obj_idx * c->size;
	zs_copy_in(z, slot + hdr_of(c), src, len);
	if (pool->access == ZSIM_ZS_ACCESS_MAP &&
	    (slot & (ZSIM_PAGE_SIZE - 1)) + c->size > ZSIM_PAGE_SIZE)
		count_span(&pool->cpu[cpu], c->size - hdr_of(c));
	zs_unpin(z);
	return 0;
}

/* Map a slot for the per-CPU area (map, or read_begin in the MAP era). */
static void area_map(struct zs_pool *pool, struct zs_cpu_area *a, zsim_handle_t h,
		     struct zs_zspage *z, unsigned k, enum zsim_zpool_map_mode mode, void **out)
{
	const struct zs_class *c = z->class;
	uint32_t slot = (uint32_t)k * c->size;
	uint32_t off = slot & (ZSIM_PAGE_SIZE - 1);
	a->zspage = z;
	a->handle = h;
	a->lin = slot;
	a->mode = (uint8_t)mode;
	a->busy = true;
	if (off + c->size <= ZSIM_PAGE_SIZE) {
		a->spanned = false;
		*out = (unsigned char *)z->pages[slot >> ZSIM_PAGE_SHIFT] + off + hdr_of(c);
		return;
	}
	a->spanned = true;
	if (mode != ZSIM_ZPOOL_MAP_WO) {
		zs_copy_out(z, slot, a->vm_buf, c->size);
		count_span(a, c->size);
	}
	*out = a->vm_buf + hdr_of(c);
	(void)pool;
}

static void area_unmap(struct zs_cpu_area *a)
{
	struct zs_zspage *z = a->zspage;
	const struct zs_class *c = z->class;
	if (a->spanned && a->mode != ZSIM_ZPOOL_MAP_RO) {
		unsigned hdr = hdr_of(c);
		zs_copy_in(z, a->lin + hdr, a->vm_buf + hdr, c->size - hdr);
		count_span(a, c->size - hdr);
	}
	a->busy = false;
	a->zspage = NULL;
	checked_unpin(z);
}

int zs_read_begin(struct zsim_zpool *p, zsim_handle_t h, size_t len, unsigned cpu,
		  void *local_copy, const void **out)
{
	struct zs_pool *pool = zs_pool_of(p);
	if (!out || cpu >= pool->nr_cpus)
		return ZSIM_EINVAL;
	struct zs_cpu_area *a = &pool->cpu[cpu];
	if (pool->access == ZSIM_ZS_ACCESS_MAP && a->busy)
		return ZSIM_EBUSY;
	struct zsa_cell *ce;
	struct zs_zspage *z;
	int rc = resolve_pin_len(pool, h, "read_begin", len, &ce, &z);
	if (rc)
		return rc;
	const struct zs_class *c = z->class;
	unsigned k = ce->obj_idx;
	if (pool->access == ZSIM_ZS_ACCESS_MAP) {
		void *ptr;
		area_map(pool, a, h, z, k, ZSIM_ZPOOL_MAP_RO, &ptr);
		*out = ptr;
		return 0;
	}
	uint32_t slot = (uint32_t)k * c->size;
	uint32_t off = slot & (ZSIM_PAGE_SIZE - 1);
	unsigned hdr = hdr_of(c);
	if (off + hdr + len <= ZSIM_PAGE_SIZE) {
		*out = (const unsigned char *)z->pages[slot >> ZSIM_PAGE_SHIFT] + off + hdr;
		return 0;
	}
	if (!local_copy) {
		zs_unpin(z);
		return ZSIM_EINVAL;
	}
	zs_copy_out(z, slot + hdr, local_copy, len);
	count_span(a, pool->access == ZSIM_ZS_ACCESS_SG ? len : len + hdr);
	*out = local_copy;
	return 0;
}

void zs_read_end(struct zsim_zpool *p, zsim_handle_t h, unsigned cpu, const void *ptr)
{
	struct zs_pool *pool = zs_pool_of(p);
	(void)ptr;
	if (pool->access == ZSIM_ZS_ACCESS_MAP) {
		if (cpu >= pool->nr_cpus || !pool->cpu[cpu].busy || pool->cpu[cpu].handle != h) {
			zsa_bad_handle(p, h, "read_end");
			return;
		}
		area_unmap(&pool->cpu[cpu]);
		return;
	}
	unpin_handle(pool, h, "read_end");
}

/* zs_obj_read_sg_begin: payload starts in the slot's first page (a slot
 * starts at most 16 bytes before a page end), so at most two segments. */
int zs_read_sg_begin(struct zsim_zpool *p, zsim_handle_t h, size_t len,
		     struct zsim_zpool_seg seg[2])
{
	struct zs_pool *pool = zs_pool_of(p);
	if (!seg)
		return ZSIM_EINVAL;
	struct zsa_cell *ce;
	struct zs_zspage *z;
	int rc = resolve_pin_len(pool, h, "read_sg_begin", len, &ce, &z);
	if (rc)
		return rc;
	const struct zs_class *c = z->class;
	uint32_t lin = (uint32_t)ce->obj_idx * c->size + hdr_of(c);
	uint32_t off = lin & (ZSIM_PAGE_SIZE - 1);
	size_t first = ZSIM_MIN(len, (size_t)(ZSIM_PAGE_SIZE - off));
	seg[0].addr = (const unsigned char *)z->pages[lin >> ZSIM_PAGE_SHIFT] + off;
	seg[0].len = first;
	if (first == len)
		return 1;
	seg[1].addr = z->pages[(lin >> ZSIM_PAGE_SHIFT) + 1];
	seg[1].len = len - first;
	return 2;
}

void zs_read_sg_end(struct zsim_zpool *p, zsim_handle_t h)
{
	unpin_handle(zs_pool_of(p), h, "read_sg_end");
}

int zs_map(struct zsim_zpool *p, zsim_handle_t h, enum zsim_zpool_map_mode mode,
	   unsigned cpu, void **out)
{
	struct zs_pool *pool = zs_pool_of(p);
	if (!out || cpu >= pool->nr_cpus || (unsigned)mode > ZSIM_ZPOOL_MAP_RW)
		return ZSIM_EINVAL;
	struct zs_cpu_area *a = &pool->cpu[cpu];
	if (a->busy)
		return ZSIM_EBUSY;
	struct zsa_cell *ce;
	struct zs_zspage *z;
	int rc = resolve_pin(pool, h, "map", &ce, &z);
	if (rc)
		return rc;
	area_map(pool, a, h, z, ce->obj_idx, mode, out);
	return 0;
}

void zs_unmap(struct zsim_zpool *p, zsim_handle_t h, unsigned cpu)
{
	struct zs_pool *pool = zs_pool_of(p);
	if (cpu >= pool->nr_cpus || !pool->cpu[cpu].busy || pool->cpu[cpu].handle != h) {
		zsa_bad_handle(p, h, "unmap");
		return;
	}
	area_unmap(&pool->cpu[cpu]);
}
