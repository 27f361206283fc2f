/*
 * swap.c - the swap layer in front of a zram device, as far as its
 * counters depend on it: mkswap's header in slot 0, swap_writepage
 * (pswpout; from 6.12 zero-filled pages go to the swap zeromap instead,
 * swpout_zero, and never reach zram), swap_read_folio (pswpin, or
 * swpin_zero from the zeromap) and the freeing of a swap entry (zeromap
 * bit cleared, then swap_slot_free_notify, which the kernel calls for
 * every freed slot). Until the swap slots cache went (2025) a freed entry first waits in the freeing
 * CPU's swap slots cache (free_swap_slot): the 65th free returns the 64
 * waiting ones to the device at once (swapcache_free_entries), so zram
 * hears of them, and notify_free counts them, in batches; the last up to
 * 64 stay until more frees come or the caches are drained (swapoff, CPU
 * offline: zsim_zram_swap_drain). Not modelled: the swap cache,
 * readahead, large folios.
 */
#include <string.h>

#include "zram/zram_internal.h"

int zsim_zram_swap_skips_zero(const struct zsim_zram *z)
{
	return z ? (z->prof->swap_zeromap ? 1 : 0) : ZSIM_EINVAL;
}

static bool page_is_zero(const void *page)
{
	const uint64_t *p = page;
	for (unsigned i = 0; i < ZSIM_PAGE_SIZE / 8; i++)
		if (p[i])
			return false;
	return true;
}

static void bit_set(_Atomic uint64_t *map, uint32_t index, bool on)
{
	uint64_t bit = 1ull << (index % 64);
	if (on)
		atomic_fetch_or_explicit(&map[index / 64], bit, memory_order_relaxed);
	else
		atomic_fetch_and_explicit(&map[index / 64], ~bit, memory_order_relaxed);
}

static void zeromap_set(struct zsim_zram *z, uint32_t index, bool on)
{
	bit_set(z->zeromap, index, on);
}

static bool zeromap_test(struct zsim_zram *z, uint32_t index)
{
	return atomic_load_explicit(&z->zeromap[index / 64], memory_order_relaxed) &
	       (1ull << (index % 64));
}

static int check(struct zsim_zram *z, uint32_t index)
{
	if (!z)
		return ZSIM_EINVAL;
	if (!z->disksize)
		return zram_err(z, ZSIM_ENODEV, "swap: device not initialised");
	if (index >= z->nr_slots)
		return zram_err(z, ZSIM_ERANGE, "swap: slot %u beyond disksize", index);
	return 0;
}

static int entry_free(struct zsim_zram *z, uint32_t index);

/* A slot whose free still waits in a swap slots cache is used again: free
 * it now, so that the cache's later flush cannot free the new content
 * (the kernel cannot get here: such a slot is not allocatable). */
void zram_swap_flush_pending(struct zsim_zram *z, uint32_t index)
{
	uint64_t bit = 1ull << (index % 64);
	if (!(atomic_load_explicit(&z->free_pending[index / 64], memory_order_relaxed) & bit))
		return;
	for (unsigned cpu = 0; cpu < z->nr_cpus; cpu++) {
		struct zram_slots_ret *c = &z->slots_ret[cpu];
		pthread_mutex_lock(&c->lock);
		for (unsigned i = 0; i < c->n; i++) {
			if (c->index[i] != index)
				continue;
			c->index[i] = c->index[--c->n];
			entry_free(z, index);
			break;
		}
		pthread_mutex_unlock(&c->lock);
	}
}

int zsim_zram_mkswap(struct zsim_zram *z, unsigned cpu)
{
	int rc = check(z, 0);
	if (rc)
		return rc;
	uint8_t page[ZSIM_PAGE_SIZE];
	memset(page, 0, sizeof(page));
	/* union swap_header: info at byte 1024 (version, last_page,
	 * nr_badpages, uuid, volume label), magic in the last 10 bytes. */
	uint32_t version = 1, last_page = (uint32_t)(z->nr_slots - 1), nr_bad = 0;
	memcpy(page + 1024, &version, 4);
	memcpy(page + 1028, &last_page, 4);
	memcpy(page + 1032, &nr_bad, 4);
	static const uint8_t uuid[16] = {0x5a, 0x52, 0x41, 0x4d, 0x2d, 0x53, 0x49, 0x4d,
					 0x8e, 0x11, 0x4c, 0x3a, 0x9d, 0x27, 0x61, 0x0f};
	memcpy(page + 1036, uuid, sizeof(uuid));
	memcpy(page + ZSIM_PAGE_SIZE - 10, "SWAPSPACE2", 10);
	return zsim_zram_write(z, 0, page, cpu);
}

int zsim_zram_swap_out(struct zsim_zram *z, uint32_t index, const void *page, unsigned cpu,
		       enum zsim_zram_where *where)
{
	int rc = check(z, index);
	if (rc)
		return rc;
	if (!page)
		return ZSIM_EINVAL;
	zram_swap_flush_pending(z, index);
	if (z->prof->swap_zeromap && page_is_zero(page)) {
		zeromap_set(z, index, true);
		zstat_add(z, swpout_zero, 1);
		if (where)
			*where = ZSIM_ZRAM_IN_ZEROMAP;
		return 0;
	}
	if (z->prof->swap_zeromap)
		zeromap_set(z, index, false);
	rc = zsim_zram_write(z, index, page, cpu);
	if (rc)
		return rc;
	zstat_add(z, pswpout, 1);
	if (where)
		*where = ZSIM_ZRAM_IN_DEVICE;
	return 0;
}

int zsim_zram_swap_in(struct zsim_zram *z, uint32_t index, void *page, unsigned cpu,
		      enum zsim_zram_where *where)
{
	int rc = check(z, index);
	if (rc)
		return rc;
	if (!page)
		return ZSIM_EINVAL;
	zram_swap_flush_pending(z, index);
	if (z->prof->swap_zeromap && zeromap_test(z, index)) {
		memset(page, 0, ZSIM_PAGE_SIZE);
		zstat_add(z, swpin_zero, 1);
		if (where)
			*where = ZSIM_ZRAM_IN_ZEROMAP;
		return 0;
	}
	rc = zsim_zram_read(z, index, page, cpu);
	if (rc)
		return rc;
	zstat_add(z, pswpin, 1);
	if (where)
		*where = ZSIM_ZRAM_IN_DEVICE;
	return 0;
}

/* swap_entry_free's part that reaches zram: zeromap bit, then notify. */
static int entry_free(struct zsim_zram *z, uint32_t index)
{
	bit_set(z->free_pending, index, false);
	zeromap_set(z, index, false);
	return zsim_zram_slot_free_notify(z, index);
}

int zsim_zram_swap_free_on(struct zsim_zram *z, uint32_t index, unsigned cpu)
{
	int rc = check(z, index);
	if (rc)
		return rc;
	if (cpu >= z->nr_cpus)
		return zram_err(z, ZSIM_ERANGE, "swap_free: cpu %u: the device has %u CPUs", cpu,
				z->nr_cpus);
	if (!z->prof->swap_slots_cache)
		return entry_free(z, index);
	zram_swap_flush_pending(z, index); /* freed twice: the first free goes now */
	struct zram_slots_ret *c = &z->slots_ret[cpu];
	pthread_mutex_lock(&c->lock);
	if (c->n >= ZRAM_SWAP_SLOTS_CACHE_SIZE) {
		for (unsigned i = 0; i < c->n; i++)
			entry_free(z, c->index[i]);
		c->n = 0;
	}
	c->index[c->n++] = index;
	bit_set(z->free_pending, index, true);
	pthread_mutex_unlock(&c->lock);
	return 0;
}

int zsim_zram_swap_free(struct zsim_zram *z, uint32_t index)
{
	return zsim_zram_swap_free_on(z, index, 0);
}

int zsim_zram_swap_drain(struct zsim_zram *z)
{
	if (!z)
		return ZSIM_EINVAL;
	for (unsigned cpu = 0; cpu < z->nr_cpus; cpu++) {
		struct zram_slots_ret *c = &z->slots_ret[cpu];
		pthread_mutex_lock(&c->lock);
		for (unsigned i = 0; i < c->n; i++)
			if (z->disksize && c->index[i] < z->nr_slots)
				entry_free(z, c->index[i]);
		c->n = 0;
		pthread_mutex_unlock(&c->lock);
	}
	return 0;
}
