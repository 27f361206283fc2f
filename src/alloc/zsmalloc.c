/*
 * zsmalloc.c - the zsmalloc pool: size classes, zspages, fullness groups,
 * zs_malloc/zs_free and the statistics (entry: zsa_zsmalloc_ops).
 *
 * What it models (reference §2): the class table of the era (size_class.c);
 * zspages of 1..chain_size simulated pages holding objects back to back
 * (straddling page boundaries), each allocated object headed by its handle
 * word, free slots linked LIFO through their first word; fullness groups
 * of the era (≤6.2: 4 groups, an inserted zspage goes behind the list head
 * when it holds fewer objects than the head; 6.3+: 12 used-ratio groups,
 * insertion at the head) and allocation from the fullest non-full zspage;
 * a zspage freed as soon as it becomes empty; pages_allocated and the
 * per-class OBJ_ALLOCATED/OBJ_USED counters exactly as the kernel moves
 * them; 6.11+ locking (per-class lock, pool rwlock, zspage lock).
 * How it differs from the kernel: handles are checked (handle.h) and cells
 * are 16 bytes; a handle header holds our cell index instead of a pointer;
 * pages come from zsim_page_allocator, not the buddy allocator; no page
 * migration, no movable-page isolation and no memcg charging; an empty
 * zspage that a (misbehaving) reader still pins is freed by the next
 * compaction instead of an async work item; metadata memory is counted
 * apart in meta_bytes.
 */
#include "alloc/zs_internal.h"

#include <stdio.h>
#include <stdlib.h>

#include "alloc/objcache.h"
#include "alloc/pagealloc.h"
#include "common/spinmutex.h"

/* --- fullness groups ------------------------------------------------------ */

int zs_fullness_group(const struct zs_pool *pool, const struct zs_class *c, unsigned inuse)
{
	if (inuse == 0)
		return ZS_GROUP_EMPTY;
	if (pool->era == ZSIM_ZS_ERA_LEGACY) {
		if (inuse == c->objs)
			return ZS_LEGACY_FULL;
		/* fullness_threshold_frac = 4 */
		if (inuse <= 3 * c->objs / 4)
			return ZS_LEGACY_ALMOST_EMPTY;
		return ZS_LEGACY_ALMOST_FULL;
	}
	if (inuse == c->objs)
		return ZS_RATIO_100;
	/* 1 of 127 would round to 0%: it still belongs in the 10% group. */
	return (int)(100 * inuse / c->objs) / 10 + 1;
}

void zs_insert(const struct zs_pool *pool, struct zs_class *c, struct zs_zspage *z, int fg)
{
	struct zs_zspage *head = c->lists[fg];
	c->nr_group[fg]++;
	z->fullness = (uint8_t)fg;
	z->isolated = 0;
	if (pool->era == ZSIM_ZS_ERA_LEGACY && head && z->inuse < head->inuse) {
		/* ≤6.2: keep the fuller zspage at the head */
		z->prev = head;
		z->next = head->next;
		if (head->next)
			head->next->prev = z;
		head->next = z;
		return;
	}
	z->prev = NULL;
	z->next = head;
	if (head)
		head->prev = z;
	c->lists[fg] = z;
}

void zs_remove(struct zs_class *c, struct zs_zspage *z)
{
	if (z->prev)
		z->prev->next = z->next;
	else
		c->lists[z->fullness] = z->next;
	if (z->next)
		z->next->prev = z->prev;
	z->prev = z->next = NULL;
	c->nr_group[z->fullness]--;
}

int zs_putback(const struct zs_pool *pool, struct zs_class *c, struct zs_zspage *z)
{
	int fg = zs_fullness_group(pool, c, z->inuse);
	zs_insert(pool, c, z, fg);
	return fg;
}

/* fix_fullness_group: move only when the group changes. */
static int fix_fullness(const struct zs_pool *pool, struct zs_class *c, struct zs_zspage *z)
{
	int fg = zs_fullness_group(pool, c, z->inuse);
	if (fg != z->fullness) {
		zs_remove(c, z);
		zs_insert(pool, c, z, fg);
	}
	return fg;
}

/* find_get_zspage: the fullest non-full zspage (group 0 included). */
static struct zs_zspage *find_get_zspage(const struct zs_pool *pool, struct zs_class *c)
{
	int top = pool->era == ZSIM_ZS_ERA_LEGACY ? ZS_LEGACY_ALMOST_FULL : ZS_RATIO_99;
	for (int fg = top; fg >= 0; fg--)
		if (c->lists[fg])
			return c->lists[fg];
	return NULL;
}

/* --- objects --------------------------------------------------------------- */

unsigned zs_obj_take(struct zs_class *c, struct zs_zspage *z, uint32_t cell)
{
	unsigned k = z->freeobj;
	unsigned char *w = zs_slot_word(z, c->size, k);
	z->freeobj = (uint16_t)(zs_word_get(w) >> 1);
	if (c->huge)
		z->huge_cell = cell; /* no in-object header */
	else
		zs_word_set(w, ((uint64_t)cell << 1) | 1u);
	z->inuse++;
	return k;
}

void zs_obj_put(struct zs_class *c, struct zs_zspage *z, unsigned k)
{
	zs_word_set(zs_slot_word(z, c->size, k), (uint64_t)z->freeobj << 1);
	z->freeobj = (uint16_t)k;
	z->inuse--;
}

void zs_copy_out(const struct zs_zspage *z, uint32_t lin, void *dst, size_t len)
{
	unsigned char *d = dst;
	while (len) {
		uint32_t off = lin & (ZSIM_PAGE_SIZE - 1);
		size_t n = ZSIM_MIN(len, (size_t)(ZSIM_PAGE_SIZE - off));
		memcpy(d, (const unsigned char *)z->pages[lin >> ZSIM_PAGE_SHIFT] + off, n);
		d += n;
		lin += (uint32_t)n;
		len -= n;
	}
}

void zs_copy_in(struct zs_zspage *z, uint32_t lin, const void *src, size_t len)
{
	const unsigned char *s = src;
	while (len) {
		uint32_t off = lin & (ZSIM_PAGE_SIZE - 1);
		size_t n = ZSIM_MIN(len, (size_t)(ZSIM_PAGE_SIZE - off));
		memcpy((unsigned char *)z->pages[lin >> ZSIM_PAGE_SHIFT] + off, s, n);
		s += n;
		lin += (uint32_t)n;
		len -= n;
	}
}

/* --- zspages ----------------------------------------------------------------- */

static size_t zspage_desc_size(const struct zs_class *c)
{
	return sizeof(struct zs_zspage) + c->ppz * sizeof(void *);
}

/*
 * alloc_zspage: descriptor first (ZSIM_FAULT_ZS_DESC), then the pages one
 * by one on node nid; any failure gives back what was taken.
 * Context: no lock held (the kernel drops the class lock here too).
 */
static struct zs_zspage *alloc_zspage(struct zs_pool *pool, struct zs_class *c, unsigned nid)
{
	if (zsim_fault_should_fail(pool->fault, ZSIM_FAULT_ZS_DESC))
		return NULL;
	size_t dsz = zspage_desc_size(c);
	struct zs_zspage *z = zsim_objcache_alloc(pool->desc_cache[c->ppz]);
	if (!z)
		return NULL;
	unsigned node = nid;
	for (unsigned i = 0; i < c->ppz; i++) {
		z->pages[i] = zsim_pa_alloc(pool->pa, &node);
		if (!z->pages[i]) {
			while (i--)
				zsim_pa_free(pool->pa, z->pages[i], node);
			zsim_objcache_free(pool->desc_cache[c->ppz], z);
			return NULL;
		}
	}
	z->prev = z->next = NULL;
	z->class = c;
	atomic_init(&z->lock, 0);
	z->inuse = 0;
	z->freeobj = 0;
	z->fullness = ZS_GROUP_EMPTY;
	z->isolated = 0;
	z->nid = (uint16_t)node;
	z->huge_cell = 0;
	/* init_zspage: link every slot 0 -> 1 -> ... -> objs-1 -> end */
	for (unsigned k = 0; k < c->objs; k++) {
		uint64_t next = k + 1 < c->objs ? k + 1 : ZS_OBJ_END;
		zs_word_set(zs_slot_word(z, c->size, k), next << 1);
	}
	atomic_fetch_add_explicit(&pool->meta_bytes, dsz, memory_order_relaxed);
	return z;
}

/* Give pages and descriptor back (no counters: the zspage was never
 * accounted, or the caller fixed them). */
static void release_zspage(struct zs_pool *pool, struct zs_zspage *z)
{
	struct zs_class *c = z->class;
	for (unsigned i = 0; i < c->ppz; i++)
		zsim_pa_free(pool->pa, z->pages[i], z->nid);
	atomic_fetch_sub_explicit(&pool->meta_bytes, zspage_desc_size(c), memory_order_relaxed);
	zsim_objcache_free(pool->desc_cache[c->ppz], z);
}

void zs_free_zspage(struct zs_pool *pool, struct zs_class *c, struct zs_zspage *z)
{
	c->obj_allocated -= c->objs;
	c->zspages--;
	atomic_fetch_sub_explicit(&pool->pages_allocated, c->ppz, memory_order_relaxed);
	release_zspage(pool, z);
}

void zs_free_deferred(struct zs_pool *pool, struct zs_class *c)
{
	struct zs_zspage *z = c->lists[ZS_GROUP_EMPTY];
	while (z) {
		struct zs_zspage *next = z->next;
		if (z->inuse == 0 && zs_write_trylock(z)) {
			zs_remove(c, z);
			zs_free_zspage(pool, c, z);
		}
		z = next;
	}
}

/* --- zs_malloc / zs_free ------------------------------------------------------ */

/*
 * zs_malloc: handle cell (ZSIM_FAULT_ZS_HANDLE), then a slot in the
 * fullest non-full zspage of the class, or in a new zspage.
 * Context: takes class->lock (not pool->lock); may allocate memory.
 * Return: 0, ZSIM_EINVAL (size 0), ZSIM_ENOSPC (size > PAGE_SIZE),
 * ZSIM_ENOMEM (handle, descriptor or page allocation failed).
 */
static int zs_malloc(struct zsim_zpool *p, size_t size, unsigned nid, zsim_handle_t *h)
{
	struct zs_pool *pool = zs_pool_of(p);
	if (!h || size == 0)
		return ZSIM_EINVAL;
	if (size > ZSIM_PAGE_SIZE)
		return ZSIM_ENOSPC;
	if (zsim_fault_should_fail(pool->fault, ZSIM_FAULT_ZS_HANDLE))
		return ZSIM_ENOMEM;
	uint32_t cell;
	if (zsa_htab_alloc(&pool->htab, &cell))
		return ZSIM_ENOMEM;
	struct zsa_cell *ce = zsa_htab_cell(&pool->htab, cell);
	struct zs_class *c = pool->size_class[zsa_raw_index(size + ZSA_HANDLE_SIZE)];

	pthread_mutex_lock(&c->lock);
	struct zs_zspage *z = find_get_zspage(pool, c);
	unsigned k;
	if (zsim_likely(z != NULL)) {
		k = zs_obj_take(c, z, cell);
		fix_fullness(pool, c, z);
	} else {
		pthread_mutex_unlock(&c->lock);
		z = alloc_zspage(pool, c, nid);
		if (!z) {
			zsa_htab_release(&pool->htab, cell);
			return ZSIM_ENOMEM;
		}
		pthread_mutex_lock(&c->lock);
		k = zs_obj_take(c, z, cell);
		zs_insert(pool, c, z, zs_fullness_group(pool, c, z->inuse));
		atomic_fetch_add_explicit(&pool->pages_allocated, c->ppz, memory_order_relaxed);
		c->obj_allocated += c->objs;
		c->zspages++;
	}
	c->obj_used++;
	c->bytes_used += size;
	/* record_obj, under the class lock so compaction sees it whole */
	atomic_store_explicit(&ce->loc, (uint64_t)(uintptr_t)z, memory_order_relaxed);
	ce->obj_idx = (uint16_t)k;
	ce->size = (uint16_t)size;
	*h = zsa_htab_publish(&pool->htab, cell, ce);
	pthread_mutex_unlock(&c->lock);
	return 0;
}

/*
 * zs_free: resolve under pool->lock (read), claim the handle (a racing
 * double free loses), free the slot under class->lock, free the zspage if
 * it became empty and no reader pins it.
 * Return: 0 or ZSIM_EFAULT.
 */
static int zs_free(struct zsim_zpool *p, zsim_handle_t h)
{
	struct zs_pool *pool = zs_pool_of(p);
	uint32_t st;
	zsim_brlock_read_lock(&pool->lock);
	struct zsa_cell *ce = zsa_htab_get(&pool->htab, h, &st);
	if (!ce || !zsa_htab_claim(&pool->htab, ce, st)) {
		zsim_brlock_read_unlock(&pool->lock);
		return zsa_bad_handle(p, h, "free");
	}
	struct zs_zspage *z =
		(struct zs_zspage *)(uintptr_t)atomic_load_explicit(&ce->loc, memory_order_relaxed);
	unsigned k = ce->obj_idx;
	size_t size = ce->size;
	struct zs_class *c = z->class;
	pthread_mutex_lock(&c->lock);
	zsim_brlock_read_unlock(&pool->lock);

	zs_obj_put(c, z, k);
	c->obj_used--;
	c->bytes_used -= size;
	if (fix_fullness(pool, c, z) == ZS_GROUP_EMPTY && zs_write_trylock(z)) {
		zs_remove(c, z);
		zs_free_zspage(pool, c, z);
	}
	pthread_mutex_unlock(&c->lock);
	zsa_htab_release(&pool->htab, (uint32_t)h);
	return 0;
}

static int zs_obj_size(struct zsim_zpool *p, zsim_handle_t h, size_t *size)
{
	struct zs_pool *pool = zs_pool_of(p);
	if (!size)
		return ZSIM_EINVAL;
	uint32_t st;
	zsim_brlock_read_lock(&pool->lock);
	struct zsa_cell *ce = zsa_htab_get(&pool->htab, h, &st);
	if (ce)
		*size = ce->size;
	zsim_brlock_read_unlock(&pool->lock);
	return ce ? 0 : zsa_bad_handle(p, h, "obj_size");
}

/* --- statistics ------------------------------------------------------------------ */

static uint64_t zs_total_pages(const struct zsim_zpool *p)
{
	return atomic_load_explicit(&zs_cpool_of(p)->pages_allocated, memory_order_relaxed);
}

static size_t zs_huge_class_size(const struct zsim_zpool *p)
{
	return zs_cpool_of(p)->table.huge_class_size;
}

/* zs_lookup_class_index: the real class serving get_size_class_index(size),
 * with no handle added (zram compares the classes of two lengths). */
static unsigned zs_lookup_class_index(const struct zsim_zpool *p, size_t size)
{
	return zs_cpool_of(p)->table.real_of_raw[zsa_raw_index(size)];
}

static int zs_stats(const struct zsim_zpool *p, struct zsim_zpool_stats *st)
{
	struct zs_pool *pool = (struct zs_pool *)zs_cpool_of(p);
	memset(st, 0, sizeof(*st));
	for (unsigned i = 0; i < pool->nr_real; i++) {
		struct zs_class *c = &pool->classes[i];
		pthread_mutex_lock(&c->lock);
		st->objs_allocated += c->obj_allocated;
		st->objs_used += c->obj_used;
		st->bytes_used += c->bytes_used;
		st->zspages += c->zspages;
		st->freeable += zs_can_compact(c);
		pthread_mutex_unlock(&c->lock);
	}
	st->pages = atomic_load(&pool->pages_allocated);
	st->pages_compacted = atomic_load(&pool->pages_compacted);
	for (unsigned i = 0; i < pool->nr_cpus; i++) {
		st->span_copy_bytes += atomic_load_explicit(&pool->cpu[i].span_copy_bytes,
							    memory_order_relaxed);
		st->span_copies += atomic_load_explicit(&pool->cpu[i].span_copies,
							memory_order_relaxed);
	}
	st->meta_bytes = atomic_load(&pool->meta_bytes);
	return 0;
}

static int zs_class_stats(const struct zsim_zpool *p, struct zsim_zs_class_stats *rows,
			  size_t max)
{
	struct zs_pool *pool = (struct zs_pool *)zs_cpool_of(p);
	if (!rows && max)
		return ZSIM_EINVAL;
	for (unsigned i = 0; i < pool->nr_real && i < max; i++) {
		struct zs_class *c = &pool->classes[i];
		struct zsim_zs_class_stats *r = &rows[i];
		memset(r, 0, sizeof(*r));
		r->index = c->index;
		r->size = c->size;
		r->pages_per_zspage = c->ppz;
		r->objs_per_zspage = c->objs;
		r->huge = c->huge;
		pthread_mutex_lock(&c->lock);
		for (unsigned g = 0; g < pool->nr_groups; g++)
			r->fullness[g] = c->nr_group[g];
		r->obj_allocated = c->obj_allocated;
		r->obj_used = c->obj_used;
		r->freeable = zs_can_compact(c);
		pthread_mutex_unlock(&c->lock);
		r->pages_used = r->obj_allocated / c->objs * c->ppz;
	}
	return (int)pool->nr_real;
}

/* --- pool lifetime --------------------------------------------------------------- */

static void zs_destroy(struct zsim_zpool *p)
{
	struct zs_pool *pool = zs_pool_of(p);
	for (unsigned i = 0; i < pool->nr_real; i++) {
		struct zs_class *c = &pool->classes[i];
		for (unsigned g = 0; g < ZS_NR_GROUPS_MAX; g++) {
			struct zs_zspage *z = c->lists[g];
			while (z) {
				struct zs_zspage *next = z->next;
				atomic_fetch_sub_explicit(&pool->pages_allocated, c->ppz,
							  memory_order_relaxed);
				release_zspage(pool, z);
				z = next;
			}
		}
		pthread_mutex_destroy(&c->lock);
	}
	if (pool->cpu) {
		for (unsigned i = 0; i < pool->nr_cpus; i++)
			free(pool->cpu[i].vm_buf);
		free(pool->cpu);
	}
	free(pool->classes);
	for (unsigned i = 0; i <= ZSA_CHAIN_MAX; i++)
		zsim_objcache_destroy(pool->desc_cache[i]);
	zsa_htab_destroy(&pool->htab);
	zsim_brlock_destroy(&pool->lock);
	if (pool->own_pa)
		zsim_page_allocator_destroy(pool->pa);
	free(pool);
}

static int zs_create(const struct zsim_zpool_config *cfg, struct zsim_zpool **out)
{
	struct zsa_class_table table;
	int rc = zsa_class_table_build(&table, cfg->era, cfg->chain_size);
	if (rc)
		return rc;
	if ((unsigned)cfg->access > ZSIM_ZS_ACCESS_SG)
		return ZSIM_EINVAL;
	unsigned nr_cpus = cfg->nr_cpus ? cfg->nr_cpus : 1;
	if (nr_cpus > 65536)
		return ZSIM_EINVAL;

	struct zs_pool *pool = calloc(1, sizeof(*pool));
	if (!pool)
		return ZSIM_ENOMEM;
	zsa_pool_init_base(&pool->base, &zsa_zsmalloc_ops, cfg);
	pool->table = table;
	pool->era = cfg->era;
	pool->access = cfg->access;
	pool->nr_groups = cfg->era == ZSIM_ZS_ERA_LEGACY ? 4 : 12;
	pool->fault = cfg->fault;
	pool->nr_cpus = nr_cpus;
	zsa_htab_init(&pool->htab, &pool->meta_bytes);

	/* A steady stream of readers must not starve compaction. */
	if (zsim_brlock_init(&pool->lock, true)) {
		zsa_htab_destroy(&pool->htab);
		free(pool);
		return ZSIM_ENOMEM;
	}

	size_t csz = table.nr_real * sizeof(struct zs_class);
	size_t asz = nr_cpus * sizeof(struct zs_cpu_area);
	if (posix_memalign((void **)&pool->classes, ZSIM_CACHELINE, csz)) {
		pool->classes = NULL;
		goto nomem;
	}
	memset(pool->classes, 0, csz);
	unsigned pos = 0;
	int real_pos[ZSA_NR_RAW_CLASSES];
	for (unsigned i = 0; i < ZSA_NR_RAW_CLASSES; i++) {
		if (table.real_of_raw[i] != i)
			continue;
		struct zs_class *c = &pool->classes[pos];
		zsim_spinmutex_init(&c->lock);
		c->size = table.geom[i].size;
		c->objs = table.geom[i].objs;
		c->ppz = table.geom[i].ppz;
		c->huge = table.geom[i].huge;
		c->index = i;
		real_pos[i] = (int)pos++;
		if (!pool->desc_cache[c->ppz] &&
		    zsim_objcache_create(zspage_desc_size(c), &pool->desc_cache[c->ppz]))
			goto nomem;
	}
	pool->nr_real = pos;
	for (unsigned i = 0; i < ZSA_NR_RAW_CLASSES; i++)
		pool->size_class[i] = &pool->classes[real_pos[table.real_of_raw[i]]];

	if (posix_memalign((void **)&pool->cpu, ZSIM_CACHELINE, asz)) {
		pool->cpu = NULL;
		goto nomem;
	}
	memset(pool->cpu, 0, asz);
	for (unsigned i = 0; i < nr_cpus; i++) {
		pool->cpu[i].vm_buf = malloc(ZSIM_PAGE_SIZE);
		if (!pool->cpu[i].vm_buf)
			goto nomem;
	}

	if (cfg->pages) {
		pool->pa = cfg->pages;
	} else {
		struct zsim_page_allocator_config pc = {.nr_nodes = 1, .fault = cfg->fault};
		if (zsim_page_allocator_create(&pc, &pool->pa))
			goto nomem;
		pool->own_pa = true;
	}
	atomic_fetch_add_explicit(&pool->meta_bytes,
				  sizeof(*pool) + csz + asz + (uint64_t)nr_cpus * ZSIM_PAGE_SIZE,
				  memory_order_relaxed);
	*out = &pool->base;
	return 0;
nomem:
	zs_destroy(&pool->base);
	return ZSIM_ENOMEM;
}

const struct zsa_pool_ops zsa_zsmalloc_ops = {
	.name = "zsmalloc",
	.create = zs_create,
	.destroy = zs_destroy,
	.malloc = zs_malloc,
	.free = zs_free,
	.write = zs_write,
	.read_begin = zs_read_begin,
	.read_end = zs_read_end,
	.read_sg_begin = zs_read_sg_begin,
	.read_sg_end = zs_read_sg_end,
	.map = zs_map,
	.unmap = zs_unmap,
	.obj_size = zs_obj_size,
	.total_pages = zs_total_pages,
	.compact = zs_compact,
	.huge_class_size = zs_huge_class_size,
	.lookup_class_index = zs_lookup_class_index,
	.stats = zs_stats,
	.class_stats = zs_class_stats,
};
