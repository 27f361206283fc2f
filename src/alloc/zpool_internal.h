/*
 * zpool_internal.h - the allocator drivers behind zswapsim/zpool.h, as the
 * kernel's zpool_driver ops table: every pool starts with struct zsim_zpool
 * whose ops say which driver ("zsmalloc", "ideal", "malloc") it is.
 */
#ifndef ZSIM_ALLOC_ZPOOL_INTERNAL_H
#define ZSIM_ALLOC_ZPOOL_INTERNAL_H

#include <stdbool.h>

#include "zswapsim/zpool.h"

struct zsa_pool_ops {
	const char *name;
	int (*create)(const struct zsim_zpool_config *cfg, struct zsim_zpool **out);
	void (*destroy)(struct zsim_zpool *pool);
	int (*malloc)(struct zsim_zpool *pool, size_t size, unsigned nid, zsim_handle_t *h);
	int (*free)(struct zsim_zpool *pool, zsim_handle_t h);
	int (*write)(struct zsim_zpool *pool, zsim_handle_t h, const void *src, size_t len,
		     unsigned cpu);
	int (*read_begin)(struct zsim_zpool *pool, zsim_handle_t h, size_t len, unsigned cpu,
			  void *local_copy, const void **out);
	void (*read_end)(struct zsim_zpool *pool, zsim_handle_t h, unsigned cpu,
			 const void *ptr);
	int (*read_sg_begin)(struct zsim_zpool *pool, zsim_handle_t h, size_t len,
			     struct zsim_zpool_seg seg[2]);
	void (*read_sg_end)(struct zsim_zpool *pool, zsim_handle_t h);
	int (*map)(struct zsim_zpool *pool, zsim_handle_t h, enum zsim_zpool_map_mode mode,
		   unsigned cpu, void **out);
	void (*unmap)(struct zsim_zpool *pool, zsim_handle_t h, unsigned cpu);
	int (*obj_size)(struct zsim_zpool *pool, zsim_handle_t h, size_t *size);
	uint64_t (*total_pages)(const struct zsim_zpool *pool);
	int64_t (*compact)(struct zsim_zpool *pool);
	size_t (*huge_class_size)(const struct zsim_zpool *pool);
	/* zs_lookup_class_index; NULL: the raw index of size (baselines) */
	unsigned (*lookup_class_index)(const struct zsim_zpool *pool, size_t size);
	int (*stats)(const struct zsim_zpool *pool, struct zsim_zpool_stats *st);
	int (*class_stats)(const struct zsim_zpool *pool, struct zsim_zs_class_stats *rows,
			   size_t max);
};

struct zsim_zpool {
	const struct zsa_pool_ops *ops;
	char name[32];
};

extern const struct zsa_pool_ops zsa_zsmalloc_ops;

/* Fill the common part of a new pool. */
void zsa_pool_init_base(struct zsim_zpool *pool, const struct zsa_pool_ops *ops,
			const struct zsim_zpool_config *cfg);

/*
 * Report a bad handle given to `op`: in debug builds (NDEBUG undefined)
 * print it and abort, unless ZSIM_ZPOOL_NO_ASSERT is set (non-empty) in
 * the environment at the time of the call.
 * Return: ZSIM_EFAULT (when it returns).
 */
int zsa_bad_handle(const struct zsim_zpool *pool, zsim_handle_t h, const char *op);

#endif
