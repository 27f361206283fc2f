/*
 * size_class.c - zsmalloc's size classes, computed as zs_create_pool()
 * computes them (reference §2.2, Appendix A).
 *
 * What it models: 255 raw classes 32..4096 step 16; pages per zspage by
 * the era's rule (≤6.2 best used-percent up to 4 pages; 6.3+ least tail
 * waste up to CONFIG_ZSMALLOC_CHAIN_SIZE); the downward scan that merges a
 * raw class into the next larger one when both have the same pages and
 * objects per zspage; the huge-class threshold zs_huge_class_size().
 * How it differs from the kernel: nothing in the arithmetic; the table is a
 * plain value (no kmem_cache per class) so tests can inspect it.
 */
#include "alloc/size_class.h"

#include <string.h>

unsigned zsa_class_ppz(enum zsim_zs_era era, unsigned size, unsigned max_pages)
{
	unsigned best = 1;
	if (era == ZSIM_ZS_ERA_LEGACY) {
		/* First k with the strictly largest integer used-percent. */
		unsigned best_pct = 0;
		for (unsigned k = 1; k <= max_pages; k++) {
			unsigned span = k * ZSIM_PAGE_SIZE;
			unsigned pct = (span - span % size) * 100 / span;
			if (pct > best_pct) {
				best_pct = pct;
				best = k;
			}
		}
		return best;
	}
	if ((size & (size - 1)) == 0)
		return 1;
	/* First k with the strictly smallest tail waste. */
	unsigned best_waste = ~0u;
	for (unsigned k = 1; k <= max_pages; k++) {
		unsigned waste = (k * ZSIM_PAGE_SIZE) % size;
		if (waste < best_waste) {
			best_waste = waste;
			best = k;
		}
	}
	return best;
}

int zsa_class_table_build(struct zsa_class_table *t, enum zsim_zs_era era,
			  unsigned chain_size)
{
	unsigned maxp;
	if (era == ZSIM_ZS_ERA_LEGACY) {
		maxp = ZSA_LEGACY_MAX_PAGES;
	} else if (era == ZSIM_ZS_ERA_CHAIN) {
		maxp = chain_size ? chain_size : ZSA_CHAIN_DEFAULT;
		if (maxp < ZSA_CHAIN_MIN || maxp > ZSA_CHAIN_MAX)
			return ZSIM_EINVAL;
	} else {
		return ZSIM_EINVAL;
	}
	memset(t, 0, sizeof(*t));
	t->max_ppz = maxp;

	int prev = -1; /* last real class created (next larger index) */
	for (int i = ZSA_NR_RAW_CLASSES - 1; i >= 0; i--) {
		unsigned size = ZSA_MIN_ALLOC_SIZE + (unsigned)i * ZSA_CLASS_DELTA;
		if (size > ZSIM_PAGE_SIZE)
			size = ZSIM_PAGE_SIZE;
		unsigned ppz = zsa_class_ppz(era, size, maxp);
		unsigned objs = ppz * ZSIM_PAGE_SIZE / size;

		/* The first (largest) class that is not 1 page / 1 object sets
		 * the threshold; the request grows by the handle before the
		 * lookup, hence the - (HANDLE_SIZE - 1). */
		if (ppz != 1 && objs != 1 && !t->huge_class_size)
			t->huge_class_size = size - (ZSA_HANDLE_SIZE - 1);

		if (prev >= 0 && t->geom[prev].ppz == ppz && t->geom[prev].objs == objs) {
			t->real_of_raw[i] = (uint8_t)prev;
			t->geom[i] = t->geom[prev];
			continue;
		}
		t->real_of_raw[i] = (uint8_t)i;
		t->geom[i].size = (uint16_t)size;
		t->geom[i].objs = (uint16_t)objs;
		t->geom[i].ppz = (uint8_t)ppz;
		t->geom[i].huge = ppz == 1 && objs == 1;
		t->nr_real++;
		prev = i;
	}
	return 0;
}
