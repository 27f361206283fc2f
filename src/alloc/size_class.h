/*
 * size_class.h - zsmalloc's size-class table (reference §2.1-2.2): which
 * real class serves each raw index, and each class's geometry.
 */
#ifndef ZSIM_ALLOC_SIZE_CLASS_H
#define ZSIM_ALLOC_SIZE_CLASS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zswapsim/zpool.h"

#define ZSA_HANDLE_SIZE 8u     /* ZS_HANDLE_SIZE: in-object handle header */
#define ZSA_MIN_ALLOC_SIZE 32u /* ZS_MIN_ALLOC_SIZE */
#define ZSA_CLASS_DELTA 16u    /* ZS_SIZE_CLASS_DELTA */
#define ZSA_NR_RAW_CLASSES 255u /* ZS_SIZE_CLASSES */
#define ZSA_LEGACY_MAX_PAGES 4u /* ≤6.2: ZS_MAX_ZSPAGE_ORDER 2 */
#define ZSA_CHAIN_MIN 4u
#define ZSA_CHAIN_MAX 16u
#define ZSA_CHAIN_DEFAULT 8u

struct zsa_class_geom {
	uint16_t size; /* object size including the handle header */
	uint16_t objs; /* objects per zspage */
	uint8_t ppz;   /* pages per zspage */
	bool huge;     /* 1 page, 1 object, no in-object header */
};

struct zsa_class_table {
	/* Real class index serving each raw index (== i for a real class). */
	uint8_t real_of_raw[ZSA_NR_RAW_CLASSES];
	/* Geometry, valid at real indices (and copied to aliases). */
	struct zsa_class_geom geom[ZSA_NR_RAW_CLASSES];
	unsigned nr_real;         /* distinct classes */
	unsigned huge_class_size; /* zs_huge_class_size() */
	unsigned max_ppz;         /* the era's max pages per zspage */
};

/*
 * Build the table the kernel builds in zs_create_pool() for one era:
 * LEGACY: best integer used-percent, at most 4 pages (chain_size ignored);
 * CHAIN: least tail waste over 1..chain_size pages (0 = 8), power-of-two
 * sizes 1 page.
 * Return: 0, or ZSIM_EINVAL for an unknown era or a chain size not in 4..16.
 */
int zsa_class_table_build(struct zsa_class_table *t, enum zsim_zs_era era,
			  unsigned chain_size);

/* Pages per zspage of one object size under an era's rule (max_pages is the
 * chain size, or 4 for LEGACY). Exposed for the tests. */
unsigned zsa_class_ppz(enum zsim_zs_era era, unsigned size, unsigned max_pages);

/* Raw class index of an object of `obj_size` bytes (handle included):
 * get_size_class_index(). */
static inline unsigned zsa_raw_index(size_t obj_size)
{
	if (obj_size <= ZSA_MIN_ALLOC_SIZE)
		return 0;
	size_t idx = (obj_size - ZSA_MIN_ALLOC_SIZE + ZSA_CLASS_DELTA - 1) / ZSA_CLASS_DELTA;
	return idx < ZSA_NR_RAW_CLASSES - 1 ? (unsigned)idx : ZSA_NR_RAW_CLASSES - 1;
}

/* Real class index serving an allocation of `len` payload bytes. */
static inline unsigned zsa_class_of_len(const struct zsa_class_table *t, size_t len)
{
	return t->real_of_raw[zsa_raw_index(len + ZSA_HANDLE_SIZE)];
}

#endif
