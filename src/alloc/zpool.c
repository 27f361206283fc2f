/*
 * zpool.c - the zpool front end (zswapsim/zpool.h): type dispatch through
 * const ops tables, as the kernel's zpool_driver registry (≤6.17), plus
 * the two baseline allocators.
 *
 * What it models: "zsmalloc" is zsmalloc.c. The baselines are not kernel
 * allocators; they bound what zsmalloc's packing costs:
 *   "ideal"   every object is exactly its bytes: total pages =
 *             ceil(sum of requested sizes / 4096);
 *   "malloc"  one glibc malloc() per object: total pages =
 *             ceil(sum of (malloc_usable_size + 8) / 4096), i.e. the heap
 *             chunks including glibc's 8-byte chunk header.
 * Both hold the real bytes (one malloc per object), validate handles like
 * zsmalloc (handle.h), never span pages (no copies), never compact, and
 * honour ZSIM_FAULT_ZS_HANDLE. zbud and z3fold are not modelled.
 * How it differs from the kernel: zpool was removed in 6.18; we keep the
 * shape so baselines can stand in for zsmalloc.
 */
#include "alloc/zpool_internal.h"

#include <malloc.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc/handle.h"
#include "alloc/size_class.h"
#include "common/compiler.h"

int zsa_bad_handle(const struct zsim_zpool *pool, zsim_handle_t h, const char *op)
{
#ifndef NDEBUG
	const char *quiet = getenv("ZSIM_ZPOOL_NO_ASSERT");
	if (!quiet || !*quiet) {
		fprintf(stderr,
			"zswapsim: zpool \"%s\" (%s): %s of bad handle %#llx (freed, foreign "
			"or corrupt). Set ZSIM_ZPOOL_NO_ASSERT=1 to get ZSIM_EFAULT instead.\n",
			pool->name, pool->ops->name, op, (unsigned long long)h);
		abort();
	}
#else
	(void)pool;
	(void)h;
	(void)op;
#endif
	return ZSIM_EFAULT;
}

void zsa_pool_init_base(struct zsim_zpool *pool, const struct zsa_pool_ops *ops,
			const struct zsim_zpool_config *cfg)
{
	pool->ops = ops;
	const char *name = cfg->name && *cfg->name ? cfg->name : "zpool";
	snprintf(pool->name, sizeof(pool->name), "%s", name);
}

/* --- baselines ---------------------------------------------------------------- */

struct bl_cpu {
	bool busy;
	zsim_handle_t handle;
} __attribute__((aligned(ZSIM_CACHELINE)));

struct bl_pool {
	struct zsim_zpool base;
	bool ideal;
	struct zsim_fault_injector *fault;
	struct zsa_htab htab;
	unsigned nr_cpus;
	struct bl_cpu *cpu;
	_Atomic uint64_t bytes_used; /* requested bytes */
	_Atomic uint64_t chunk_bytes; /* glibc chunks (usable + header) */
	_Atomic uint64_t objs;
	_Atomic uint64_t meta_bytes;
};

static struct bl_pool *bl_of(struct zsim_zpool *p)
{
	return zsim_container_of(p, struct bl_pool, base);
}

static const struct bl_pool *bl_cof(const struct zsim_zpool *p)
{
	return zsim_container_of(p, const struct bl_pool, base);
}

static const struct zsa_pool_ops bl_ideal_ops, bl_malloc_ops;

static void bl_destroy(struct zsim_zpool *p)
{
	struct bl_pool *bp = bl_of(p);
	uint32_t n = atomic_load(&bp->htab.nr_cells);
	for (uint32_t i = 0; i < n; i++) {
		struct zsa_cell *c = zsa_htab_cell(&bp->htab, i);
		if (c && (atomic_load_explicit(&c->state, memory_order_relaxed) & 1u))
			free((void *)(uintptr_t)atomic_load_explicit(&c->loc, memory_order_relaxed));
	}
	zsa_htab_destroy(&bp->htab);
	free(bp->cpu);
	free(bp);
}

static int bl_create_common(const struct zsim_zpool_config *cfg, struct zsim_zpool **out,
			    bool ideal)
{
	unsigned nr_cpus = cfg->nr_cpus ? cfg->nr_cpus : 1;
	if (nr_cpus > 65536)
		return ZSIM_EINVAL;
	struct bl_pool *bp = calloc(1, sizeof(*bp));
	if (!bp)
		return ZSIM_ENOMEM;
	zsa_pool_init_base(&bp->base, ideal ? &bl_ideal_ops : &bl_malloc_ops, cfg);
	bp->ideal = ideal;
	bp->fault = cfg->fault;
	bp->nr_cpus = nr_cpus;
	zsa_htab_init(&bp->htab, &bp->meta_bytes);
	if (posix_memalign((void **)&bp->cpu, ZSIM_CACHELINE, nr_cpus * sizeof(*bp->cpu))) {
		bp->cpu = NULL;
		bl_destroy(&bp->base);
		return ZSIM_ENOMEM;
	}
	memset(bp->cpu, 0, nr_cpus * sizeof(*bp->cpu));
	atomic_fetch_add(&bp->meta_bytes, sizeof(*bp) + nr_cpus * sizeof(*bp->cpu));
	*out = &bp->base;
	return 0;
}

static int bl_create_ideal(const struct zsim_zpool_config *cfg, struct zsim_zpool **out)
{
	return bl_create_common(cfg, out, true);
}

static int bl_create_malloc(const struct zsim_zpool_config *cfg, struct zsim_zpool **out)
{
	return bl_create_common(cfg, out, false);
}

static uint64_t chunk_size(void *p)
{
	return (uint64_t)malloc_usable_size(p) + sizeof(size_t);
}

static int bl_malloc(struct zsim_zpool *p, size_t size, unsigned nid, zsim_handle_t *h)
{
	struct bl_pool *bp = bl_of(p);
	(void)nid;
	if (!h || size == 0)
		return ZSIM_EINVAL;
	if (size > ZSIM_PAGE_SIZE)
		return ZSIM_ENOSPC;
	if (zsim_fault_should_fail(bp->fault, ZSIM_FAULT_ZS_HANDLE))
		return ZSIM_ENOMEM;
	uint32_t idx;
	if (zsa_htab_alloc(&bp->htab, &idx))
		return ZSIM_ENOMEM;
	void *mem = malloc(size);
	if (!mem) {
		zsa_htab_release(&bp->htab, idx);
		return ZSIM_ENOMEM;
	}
	struct zsa_cell *c = zsa_htab_cell(&bp->htab, idx);
	atomic_store_explicit(&c->loc, (uint64_t)(uintptr_t)mem, memory_order_relaxed);
	c->size = (uint16_t)size;
	c->obj_idx = 0;
	atomic_fetch_add_explicit(&bp->bytes_used, size, memory_order_relaxed);
	if (!bp->ideal)
		atomic_fetch_add_explicit(&bp->chunk_bytes, chunk_size(mem), memory_order_relaxed);
	atomic_fetch_add_explicit(&bp->objs, 1, memory_order_relaxed);
	*h = zsa_htab_publish(&bp->htab, idx, c);
	return 0;
}

static int bl_free(struct zsim_zpool *p, zsim_handle_t h)
{
	struct bl_pool *bp = bl_of(p);
	uint32_t st;
	struct zsa_cell *c = zsa_htab_get(&bp->htab, h, &st);
	if (!c || !zsa_htab_claim(&bp->htab, c, st))
		return zsa_bad_handle(p, h, "free");
	void *mem = (void *)(uintptr_t)atomic_load_explicit(&c->loc, memory_order_relaxed);
	atomic_fetch_sub_explicit(&bp->bytes_used, c->size, memory_order_relaxed);
	if (!bp->ideal)
		atomic_fetch_sub_explicit(&bp->chunk_bytes, chunk_size(mem), memory_order_relaxed);
	atomic_fetch_sub_explicit(&bp->objs, 1, memory_order_relaxed);
	free(mem);
	zsa_htab_release(&bp->htab, (uint32_t)h);
	return 0;
}

/* The object's memory, or NULL (after reporting) for a bad handle. */
static unsigned char *bl_obj(struct bl_pool *bp, zsim_handle_t h, const char *op,
			     size_t *size)
{
	uint32_t st;
	struct zsa_cell *c = zsa_htab_get(&bp->htab, h, &st);
	if (!c) {
		zsa_bad_handle(&bp->base, h, op);
		return NULL;
	}
	*size = c->size;
	return (unsigned char *)(uintptr_t)atomic_load_explicit(&c->loc, memory_order_relaxed);
}

static int bl_write(struct zsim_zpool *p, zsim_handle_t h, const void *src, size_t len,
		    unsigned cpu)
{
	struct bl_pool *bp = bl_of(p);
	if ((!src && len) || cpu >= bp->nr_cpus)
		return ZSIM_EINVAL;
	size_t size;
	unsigned char *mem = bl_obj(bp, h, "write", &size);
	if (!mem)
		return ZSIM_EFAULT;
	if (len > size)
		return ZSIM_EINVAL;
	memcpy(mem, src, len);
	return 0;
}

static int bl_read_begin(struct zsim_zpool *p, zsim_handle_t h, size_t len, unsigned cpu,
			 void *local_copy, const void **out)
{
	struct bl_pool *bp = bl_of(p);
	(void)local_copy;
	if (!out || cpu >= bp->nr_cpus)
		return ZSIM_EINVAL;
	size_t size;
	unsigned char *mem = bl_obj(bp, h, "read_begin", &size);
	if (!mem)
		return ZSIM_EFAULT;
	if (len > size)
		return ZSIM_EINVAL;
	*out = mem;
	return 0;
}

static void bl_read_end(struct zsim_zpool *p, zsim_handle_t h, unsigned cpu, const void *ptr)
{
	size_t size;
	(void)cpu;
	(void)ptr;
	bl_obj(bl_of(p), h, "read_end", &size);
}

static int bl_read_sg_begin(struct zsim_zpool *p, zsim_handle_t h, size_t len,
			    struct zsim_zpool_seg seg[2])
{
	if (!seg)
		return ZSIM_EINVAL;
	size_t size;
	unsigned char *mem = bl_obj(bl_of(p), h, "read_sg_begin", &size);
	if (!mem)
		return ZSIM_EFAULT;
	if (len > size)
		return ZSIM_EINVAL;
	seg[0].addr = mem;
	seg[0].len = len;
	return 1;
}

static void bl_read_sg_end(struct zsim_zpool *p, zsim_handle_t h)
{
	size_t size;
	bl_obj(bl_of(p), h, "read_sg_end", &size);
}

static int bl_map(struct zsim_zpool *p, zsim_handle_t h, enum zsim_zpool_map_mode mode,
		  unsigned cpu, void **out)
{
	struct bl_pool *bp = bl_of(p);
	if (!out || cpu >= bp->nr_cpus || (unsigned)mode > ZSIM_ZPOOL_MAP_RW)
		return ZSIM_EINVAL;
	if (bp->cpu[cpu].busy)
		return ZSIM_EBUSY;
	size_t size;
	unsigned char *mem = bl_obj(bp, h, "map", &size);
	if (!mem)
		return ZSIM_EFAULT;
	bp->cpu[cpu].busy = true;
	bp->cpu[cpu].handle = h;
	*out = mem;
	return 0;
}

static void bl_unmap(struct zsim_zpool *p, zsim_handle_t h, unsigned cpu)
{
	struct bl_pool *bp = bl_of(p);
	if (cpu >= bp->nr_cpus || !bp->cpu[cpu].busy || bp->cpu[cpu].handle != h) {
		zsa_bad_handle(p, h, "unmap");
		return;
	}
	bp->cpu[cpu].busy = false;
}

static int bl_obj_size(struct zsim_zpool *p, zsim_handle_t h, size_t *size)
{
	if (!size)
		return ZSIM_EINVAL;
	return bl_obj(bl_of(p), h, "obj_size", size) ? 0 : ZSIM_EFAULT;
}

static uint64_t bl_total_pages(const struct zsim_zpool *p)
{
	const struct bl_pool *bp = bl_cof(p);
	uint64_t b = bp->ideal ? atomic_load_explicit(&bp->bytes_used, memory_order_relaxed)
			       : atomic_load_explicit(&bp->chunk_bytes, memory_order_relaxed);
	return ZSIM_DIV_ROUND_UP(b, ZSIM_PAGE_SIZE);
}

static int64_t bl_compact(struct zsim_zpool *p)
{
	(void)p;
	return 0;
}

static size_t bl_huge_class_size(const struct zsim_zpool *p)
{
	(void)p;
	return 0;
}

static int bl_stats(const struct zsim_zpool *p, struct zsim_zpool_stats *st)
{
	const struct bl_pool *bp = bl_cof(p);
	memset(st, 0, sizeof(*st));
	st->pages = bl_total_pages(p);
	st->objs_allocated = st->objs_used = atomic_load(&bp->objs);
	st->bytes_used = atomic_load(&bp->bytes_used);
	st->meta_bytes = atomic_load(&bp->meta_bytes);
	return 0;
}

static int bl_class_stats(const struct zsim_zpool *p, struct zsim_zs_class_stats *rows,
			  size_t max)
{
	(void)p;
	(void)rows;
	(void)max;
	return ZSIM_ENOTSUP;
}

#define BL_OPS(NAME, CREATE)                                                  \
	{                                                                     \
		.name = NAME, .create = CREATE, .destroy = bl_destroy,       \
		.malloc = bl_malloc, .free = bl_free, .write = bl_write,     \
		.read_begin = bl_read_begin, .read_end = bl_read_end,        \
		.read_sg_begin = bl_read_sg_begin,                           \
		.read_sg_end = bl_read_sg_end,                               \
		.map = bl_map, .unmap = bl_unmap, .obj_size = bl_obj_size,   \
		.total_pages = bl_total_pages, .compact = bl_compact,        \
		.huge_class_size = bl_huge_class_size, .stats = bl_stats,    \
		.class_stats = bl_class_stats,                               \
	}

static const struct zsa_pool_ops bl_ideal_ops = BL_OPS("ideal", bl_create_ideal);
static const struct zsa_pool_ops bl_malloc_ops = BL_OPS("malloc", bl_create_malloc);

static const struct zsa_pool_ops *const drivers[] = {
	&zsa_zsmalloc_ops,
	&bl_ideal_ops,
	&bl_malloc_ops,
};

/* --- public entry points -------------------------------------------------------- */

int zsim_zpool_create(const struct zsim_zpool_config *cfg, struct zsim_zpool **out)
{
	static const struct zsim_zpool_config defaults;
	if (!out)
		return ZSIM_EINVAL;
	*out = NULL;
	if (!cfg)
		cfg = &defaults;
	const char *type = cfg->type && *cfg->type ? cfg->type : "zsmalloc";
	for (size_t i = 0; i < ZSIM_ARRAY_SIZE(drivers); i++)
		if (!strcmp(type, drivers[i]->name))
			return drivers[i]->create(cfg, out);
	return ZSIM_ENOENT;
}

void zsim_zpool_destroy(struct zsim_zpool *pool)
{
	if (pool)
		pool->ops->destroy(pool);
}

const char *zsim_zpool_type(const struct zsim_zpool *pool)
{
	return pool ? pool->ops->name : "";
}

int zsim_zpool_malloc(struct zsim_zpool *pool, size_t size, unsigned nid,
		      zsim_handle_t *handle)
{
	if (!pool)
		return ZSIM_EINVAL;
	return pool->ops->malloc(pool, size, nid, handle);
}

int zsim_zpool_free(struct zsim_zpool *pool, zsim_handle_t handle)
{
	if (!pool)
		return ZSIM_EINVAL;
	return pool->ops->free(pool, handle);
}

int zsim_zpool_write(struct zsim_zpool *pool, zsim_handle_t handle, const void *src,
		     size_t len, unsigned cpu)
{
	if (!pool)
		return ZSIM_EINVAL;
	return pool->ops->write(pool, handle, src, len, cpu);
}

int zsim_zpool_read_begin(struct zsim_zpool *pool, zsim_handle_t handle, size_t len,
			  unsigned cpu, void *local_copy, const void **out)
{
	if (!pool)
		return ZSIM_EINVAL;
	return pool->ops->read_begin(pool, handle, len, cpu, local_copy, out);
}

void zsim_zpool_read_end(struct zsim_zpool *pool, zsim_handle_t handle, unsigned cpu,
			 const void *ptr)
{
	if (pool)
		pool->ops->read_end(pool, handle, cpu, ptr);
}

int zsim_zpool_read_sg_begin(struct zsim_zpool *pool, zsim_handle_t handle, size_t len,
			     struct zsim_zpool_seg seg[2])
{
	if (!pool)
		return ZSIM_EINVAL;
	return pool->ops->read_sg_begin(pool, handle, len, seg);
}

void zsim_zpool_read_sg_end(struct zsim_zpool *pool, zsim_handle_t handle)
{
	if (pool)
		pool->ops->read_sg_end(pool, handle);
}

int zsim_zpool_map(struct zsim_zpool *pool, zsim_handle_t handle,
		   enum zsim_zpool_map_mode mode, unsigned cpu, void **out)
{
	if (!pool)
		return ZSIM_EINVAL;
	return pool->ops->map(pool, handle, mode, cpu, out);
}

void zsim_zpool_unmap(struct zsim_zpool *pool, zsim_handle_t handle, unsigned cpu)
{
	if (pool)
		pool->ops->unmap(pool, handle, cpu);
}

int zsim_zpool_obj_size(struct zsim_zpool *pool, zsim_handle_t handle, size_t *size)
{
	if (!pool)
		return ZSIM_EINVAL;
	return pool->ops->obj_size(pool, handle, size);
}

uint64_t zsim_zpool_total_pages(const struct zsim_zpool *pool)
{
	return pool ? pool->ops->total_pages(pool) : 0;
}

int64_t zsim_zpool_compact(struct zsim_zpool *pool)
{
	return pool ? pool->ops->compact(pool) : 0;
}

size_t zsim_zpool_huge_class_size(const struct zsim_zpool *pool)
{
	return pool ? pool->ops->huge_class_size(pool) : 0;
}

unsigned zsim_zpool_lookup_class_index(const struct zsim_zpool *pool, size_t size)
{
	if (pool && pool->ops->lookup_class_index)
		return pool->ops->lookup_class_index(pool, size);
	return zsa_raw_index(size);
}

int zsim_zpool_stats(const struct zsim_zpool *pool, struct zsim_zpool_stats *st)
{
	if (!pool || !st)
		return ZSIM_EINVAL;
	return pool->ops->stats(pool, st);
}

int zsim_zpool_class_stats(const struct zsim_zpool *pool, struct zsim_zs_class_stats *rows,
			   size_t max)
{
	if (!pool)
		return ZSIM_EINVAL;
	return pool->ops->class_stats(pool, rows, max);
}
