/*
 * swap.c - the swap layer in front of a zram device, as far as its
 * counters depend on it: mkswap's header in slot 0, swap_writepage
 * (pswpout; from 6.12 zero-filled pages go to the swap zeromap instead,
 * swpout_zero, and never reach zram), swap_read_folio (pswpin, or
 * swpin_zero from the zeromap) and the freeing of a swap entry (zeromap
 * bit cleared, then swap_slot_free_notify, which the kernel calls for
 * every freed slot). Not modelled: the swap cache, the per-CPU swap slot
 * caches that free entries in batches, readahead, large folios.
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

static void zeromap_set(struct zsim_zram *z, uint32_t index, bool on)
{
	uint64_t bit = 1ull << (index % 64);
	if (on)
		atomic_fetch_or_explicit(&z->zeromap[index / 64], bit, memory_order_relaxed);
	else
		atomic_fetch_and_explicit(&z->zeromap[index / 64], ~bit, memory_order_relaxed);
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
	if (z->prof->swap_zeromap && page_is_zero(page)) {
		zeromap_set(z, index, true);
		atomic_fetch_add_explicit(&z->stats.swpout_zero, 1, memory_order_relaxed);
		if (where)
			*where = ZSIM_ZRAM_IN_ZEROMAP;
		return 0;
	}
	if (z->prof->swap_zeromap)
		zeromap_set(z, index, false);
	rc = zsim_zram_write(z, index, page, cpu);
	if (rc)
		return rc;
	atomic_fetch_add_explicit(&z->stats.pswpout, 1, memory_order_relaxed);
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
	if (z->prof->swap_zeromap && zeromap_test(z, index)) {
		memset(page, 0, ZSIM_PAGE_SIZE);
		atomic_fetch_add_explicit(&z->stats.swpin_zero, 1, memory_order_relaxed);
		if (where)
			*where = ZSIM_ZRAM_IN_ZEROMAP;
		return 0;
	}
	rc = zsim_zram_read(z, index, page, cpu);
	if (rc)
		return rc;
	atomic_fetch_add_explicit(&z->stats.pswpin, 1, memory_order_relaxed);
	if (where)
		*where = ZSIM_ZRAM_IN_DEVICE;
	return 0;
}

int zsim_zram_swap_free(struct zsim_zram *z, uint32_t index)
{
	int rc = check(z, index);
	if (rc)
		return rc;
	zeromap_set(z, index, false);
	return zsim_zram_slot_free_notify(z, index);
}
