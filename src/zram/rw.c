/*
 * rw.c - zram's I/O paths: zram_write_page (__zram_bvec_write in 6.1),
 * zram_read_page (__zram_bvec_read), discard, swap_slot_free_notify.
 *
 * Write: a same-filled page keeps only its word (no pool memory); else the
 * CPU's primary stream compresses it; a length >= huge_class_size is
 * stored raw as PAGE_SIZE bytes (ZRAM_HUGE); zs_malloc, then the mem_limit
 * check on the pool's total pages (a write over the limit frees the object
 * and fails with -ENOMEM, counted in failed_writes); then the old content
 * of the slot is freed and the new one published. A failed write leaves
 * the slot as it was. ≤6.14 first try zs_malloc holding the stream
 * (no direct reclaim); when that fails they drop the stream, count
 * writestall, allocate again and compress again (the slow path). Here a
 * failed allocation is an injected fault or the page allocator's cap;
 * the retry is the same call.
 * Read: same-filled pages are refilled, written-back ones come from the
 * backing device (bd_reads), huge ones are copied, the others are
 * decompressed with the stream of the slot's priority.
 * Not modelled: partial I/O (PAGE_SIZE > 4 KiB), bio splitting, the block
 * layer's own statistics beyond num_reads/num_writes.
 */
#include <string.h>

#include "zram/zram_internal.h"

static bool page_same_filled(const void *ptr, uint64_t *element)
{
	const uint64_t *page = ptr;
	unsigned last = ZSIM_PAGE_SIZE / sizeof(*page) - 1;
	uint64_t val = page[0];
	if (val != page[last])
		return false;
	for (unsigned pos = 1; pos < last; pos++)
		if (page[pos] != val)
			return false;
	*element = val;
	return true;
}

static void fill_page(void *ptr, uint64_t value)
{
	uint64_t *p = ptr;
	for (unsigned i = 0; i < ZSIM_PAGE_SIZE / sizeof(*p); i++)
		p[i] = value;
}

void zram_update_used_max(struct zsim_zram *z, uint64_t pages)
{
	uint64_t cur = atomic_load_explicit(&z->max_used_pages, memory_order_relaxed);
	while (cur < pages &&
	       !atomic_compare_exchange_weak_explicit(&z->max_used_pages, &cur, pages,
						      memory_order_relaxed, memory_order_relaxed))
		;
}

static int pool_write(struct zsim_zram *z, zsim_handle_t h, const void *src, unsigned len,
		      unsigned cpu)
{
	struct zram_cpu_area *a = &z->areas[cpu];
	pthread_mutex_lock(&a->lock);
	int rc = zsim_zpool_write(z->pool, h, src, len, cpu);
	pthread_mutex_unlock(&a->lock);
	return rc;
}

int zram_write_page(struct zsim_zram *z, uint32_t index, const void *page, unsigned cpu)
{
	const struct zram_prof *prof = z->prof;
	uint64_t element;
	zsim_handle_t h = 0;
	unsigned comp_len = 0;
	int rc;

	cpu = ZRAM_CPU_OF(z, cpu);
	if (page_same_filled(page, &element)) {
		zram_slot_lock(z, index);
		zram_slot_free(z, index);
		zram_set(&z->table[index], ZRAM_SAME);
		z->table[index].handle = element;
		zram_slot_unlock(z, index);
		zstat_add(z, same_pages, 1);
		zstat_add(z, pages_stored, 1);
		return 0;
	}

	struct zram_comp *comp = z->comps[0];
	struct zram_strm *s = zram_stream_get(comp, cpu);
compress_again:
	rc = zram_compress(s, page, &comp_len);
	if (rc) {
		zram_stream_put(s);
		if (h)
			zsim_zpool_free(z->pool, h);
		return zram_err(z, rc, "Compression failed! err=%d", rc);
	}
	bool huge = comp_len >= z->huge_class_size;
	if (huge) {
		comp_len = ZSIM_PAGE_SIZE;
		/* write_incompressible_page: no stream held. */
		if (prof->huge_without_stream && s) {
			zram_stream_put(s);
			s = NULL;
		}
	}
	if (!h) {
		rc = zsim_zpool_malloc(z->pool, comp_len, cpu % z->nr_nodes, &h);
		if (rc && prof->two_stage_alloc) {
			/* The slow path: drop the stream, allocate with
			 * direct reclaim allowed, compress again. */
			zram_stream_put(s);
			s = NULL;
			zstat_add(z, writestall, 1);
			rc = zsim_zpool_malloc(z->pool, comp_len, cpu % z->nr_nodes, &h);
			if (rc)
				return zram_err(z, rc, "write: zs_malloc(%u) failed", comp_len);
			s = zram_stream_get(comp, cpu);
			if (!huge)
				goto compress_again;
		} else if (rc) {
			if (s)
				zram_stream_put(s);
			return zram_err(z, rc, "write: zs_malloc(%u) failed", comp_len);
		}
	}

	uint64_t alloced = zsim_zpool_total_pages(z->pool);
	zram_update_used_max(z, alloced);
	uint64_t limit = atomic_load_explicit(&z->limit_pages, memory_order_relaxed);
	if (limit && alloced > limit) {
		if (s)
			zram_stream_put(s);
		zsim_zpool_free(z->pool, h);
		return zram_err(z, ZSIM_ENOMEM, "write: mem_limit %llu pages exceeded (%llu)",
				(unsigned long long)limit, (unsigned long long)alloced);
	}
	rc = pool_write(z, h, huge ? page : s->buffer, comp_len, s ? s->cpu : cpu);
	if (s)
		zram_stream_put(s);
	if (rc) {
		zsim_zpool_free(z->pool, h);
		return zram_err(z, rc, "write: zs_obj_write failed");
	}

	zram_slot_lock(z, index);
	zram_slot_free(z, index);
	struct zram_slot *slot = &z->table[index];
	if (huge) {
		zram_set(slot, ZRAM_HUGE);
		zstat_add(z, huge_pages, 1);
		zstat_add(z, huge_pages_since, 1);
	}
	slot->handle = h;
	slot->size = comp_len;
	zram_slot_unlock(z, index);
	zstat_add(z, pages_stored, 1);
	zstat_add(z, compr_data_size, comp_len);
	return 0;
}

int zram_read_from_pool(struct zsim_zram *z, uint32_t index, void *page, unsigned cpu)
{
	struct zram_slot *slot = &z->table[index];
	cpu = ZRAM_CPU_OF(z, cpu);
	if (zram_test(slot, ZRAM_SAME) || !slot->handle) {
		fill_page(page, slot->handle);
		return 0;
	}
	unsigned size = slot->size;
	struct zram_cpu_area *a = &z->areas[cpu];
	const void *src;
	int rc;
	if (size == ZSIM_PAGE_SIZE) {
		/* A huge object fills its one-page zspage: never spans. */
		pthread_mutex_lock(&a->lock);
		rc = zsim_zpool_read_begin(z->pool, slot->handle, size, cpu, NULL, &src);
		if (!rc) {
			memcpy(page, src, ZSIM_PAGE_SIZE);
			zsim_zpool_read_end(z->pool, slot->handle, cpu, src);
		}
		pthread_mutex_unlock(&a->lock);
		return rc;
	}
	unsigned prio = zram_prio(slot);
	struct zram_comp *comp = z->comps[prio] ? z->comps[prio] : z->comps[0];
	struct zram_strm *s = zram_stream_get(comp, cpu);
	cpu = s->cpu; /* the CPU whose stream it got (another if cpu is offline) */
	a = &z->areas[cpu];
	pthread_mutex_lock(&a->lock);
	rc = zsim_zpool_read_begin(z->pool, slot->handle, size, cpu, s->local_copy, &src);
	if (!rc) {
		rc = zram_decompress(s, src, size, page);
		zsim_zpool_read_end(z->pool, slot->handle, cpu, src);
	}
	pthread_mutex_unlock(&a->lock);
	zram_stream_put(s);
	return rc;
}

int zram_read_page(struct zsim_zram *z, uint32_t index, void *page, unsigned cpu,
		   bool *unalloc)
{
	struct zram_slot *slot = &z->table[index];
	*unalloc = false;
	zram_slot_lock(z, index);
	if (zram_test(slot, ZRAM_WB)) {
		uint64_t blk = slot->handle;
		zram_slot_unlock(z, index);
		return zram_bdev_read(z, blk, page);
	}
	*unalloc = !zram_allocated(slot);
	int rc = zram_read_from_pool(z, index, page, cpu);
	zram_slot_unlock(z, index);
	if (rc)
		zram_err(z, rc, "Decompression failed! err=%d, page=%u", rc, index);
	return rc;
}

static int check_io(struct zsim_zram *z, uint32_t index, const void *page)
{
	if (!z || !page)
		return ZSIM_EINVAL;
	if (!z->disksize)
		return zram_err(z, ZSIM_ENODEV, "I/O to an uninitialised device (no disksize)");
	if (index >= z->nr_slots) {
		/* ≤6.3 valid_io_request counted it; later the block layer
		 * fails the bio before zram sees it. */
		if (z->prof->invalid_io)
			zstat_add(z, invalid_io, 1);
		return zram_err(z, ZSIM_ERANGE, "I/O at page %u beyond disksize (%llu pages)",
				index, (unsigned long long)z->nr_slots);
	}
	return 0;
}

static void accessed(struct zsim_zram *z, uint32_t index)
{
	zram_slot_lock(z, index);
	zram_slot_accessed(z, index);
	zram_slot_unlock(z, index);
}

int zsim_zram_write(struct zsim_zram *z, uint32_t index, const void *page, unsigned cpu)
{
	int rc = check_io(z, index, page);
	if (rc)
		return rc;
	zram_swap_flush_pending(z, index);
	zstat_add(z, num_writes, 1);
	rc = zram_write_page(z, index, page, cpu);
	if (rc)
		zstat_add(z, failed_writes, 1);
	if (!rc || z->prof->accessed_on_error)
		accessed(z, index);
	return rc;
}

int zsim_zram_read(struct zsim_zram *z, uint32_t index, void *page, unsigned cpu)
{
	int rc = check_io(z, index, page);
	if (rc)
		return rc;
	bool unalloc;
	zram_swap_flush_pending(z, index);
	zstat_add(z, num_reads, 1);
	rc = zram_read_page(z, index, page, cpu, &unalloc);
	if (rc)
		zstat_add(z, failed_reads, 1);
	if (!rc || z->prof->accessed_on_error)
		accessed(z, index);
	if (!rc && unalloc)
		return zram_err(z, ZSIM_ENOENT,
				"read of page %u that holds nothing (zero-filled, as the kernel returns it)",
				index);
	return rc;
}

int zsim_zram_discard(struct zsim_zram *z, uint32_t index, uint32_t nr)
{
	static const char one[1];
	int rc = check_io(z, index, one);
	if (rc)
		return rc;
	if ((uint64_t)index + nr > z->nr_slots)
		return zram_err(z, ZSIM_ERANGE, "discard past disksize");
	for (uint32_t i = index; i < index + nr; i++) {
		zram_swap_flush_pending(z, i);
		zram_slot_lock(z, i);
		zram_slot_free(z, i);
		zram_slot_unlock(z, i);
		zstat_add(z, notify_free, 1);
	}
	return 0;
}

int zsim_zram_slot_free_notify(struct zsim_zram *z, uint32_t index)
{
	static const char one[1];
	int rc = check_io(z, index, one);
	if (rc)
		return rc;
	zstat_add(z, notify_free, 1);
	if (!zram_slot_trylock(z, index)) {
		zstat_add(z, miss_free, 1);
		return 0;
	}
	zram_slot_free(z, index);
	zram_slot_unlock(z, index);
	return 0;
}

int zsim_zram_slot_info(struct zsim_zram *z, uint32_t index, struct zsim_zram_slot_info *info)
{
	static const char one[1];
	if (!info)
		return ZSIM_EINVAL;
	int rc = check_io(z, index, one);
	if (rc)
		return rc;
	struct zram_slot *s = &z->table[index];
	memset(info, 0, sizeof(*info));
	zram_slot_lock(z, index);
	info->allocated = zram_allocated(s);
	if (zram_test(s, ZRAM_SAME)) {
		info->flags |= ZSIM_ZRAM_SLOT_SAME;
		info->element = s->handle;
	}
	if (zram_test(s, ZRAM_WB))
		info->flags |= ZSIM_ZRAM_SLOT_WB;
	if (zram_test(s, ZRAM_HUGE))
		info->flags |= ZSIM_ZRAM_SLOT_HUGE;
	if (zram_test(s, ZRAM_IDLE))
		info->flags |= ZSIM_ZRAM_SLOT_IDLE;
	if (zram_test(s, ZRAM_INCOMPRESSIBLE))
		info->flags |= ZSIM_ZRAM_SLOT_INCOMPRESSIBLE;
	info->size = s->size;
	info->priority = zram_prio(s);
	info->ac_time = s->ac_time;
	zram_slot_unlock(z, index);
	return 0;
}
