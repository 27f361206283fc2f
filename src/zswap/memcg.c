/*
 * memcg.c - simulated memory cgroups as zswap sees them: a hierarchy with
 * memory.zswap.max, memory.zswap.writeback and memory.max, charged for the
 * compressed bytes of their entries, with memory.stat's zswap fields.
 *
 * Follows mm/memcontrol.c's zswap hooks (obj_cgroup_may_zswap,
 * obj_cgroup_charge_zswap, mem_cgroup_zswap_writeback_enabled). The root
 * (id 0) has no objcg, exactly as in the kernel: its pages are not charged,
 * and its stats are the sum of its children's. Differences: stats are
 * exact atomics instead of rstat (no flush lag); memcgs are never removed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "zswap/zswap_internal.h"

static void memcg_free(struct zsim_zswap *z, struct zsim_memcg *m)
{
	if (!m)
		return;
	if (m->lru)
		for (unsigned n = 0; n < z->nr_nodes; n++)
			zsim_lru_destroy(&m->lru[n]);
	free(m->lru);
	free(m);
}

static struct zsim_memcg *memcg_new(struct zsim_zswap *z, unsigned id, struct zsim_memcg *parent)
{
	if (zsim_fault_should_fail(z->fault, ZSIM_FAULT_LRU_ALLOC))
		return NULL;
	struct zsim_memcg *m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->lru = aligned_alloc(ZSIM_CACHELINE, sizeof(*m->lru) * z->nr_nodes);
	if (!m->lru) {
		free(m);
		return NULL;
	}
	memset(m->lru, 0, sizeof(*m->lru) * z->nr_nodes);
	for (unsigned n = 0; n < z->nr_nodes; n++)
		zsim_lru_init(&m->lru[n]);
	m->id = id;
	m->parent = parent;
	atomic_store(&m->zswap_max_pages, ZSIM_NO_LIMIT);
	atomic_store(&m->memory_max_bytes, ZSIM_NO_LIMIT);
	atomic_store(&m->writeback, 1);
	return m;
}

static int memcg_create_locked(struct zsim_zswap *z, unsigned id, unsigned parent,
			       struct zsim_memcg **out)
{
	if (id > ZSIM_MAX_MEMCGS || parent > ZSIM_MAX_MEMCGS)
		return ZSIM_ERANGE;
	if (atomic_load(&z->memcgs[id]))
		return ZSIM_EEXIST;
	struct zsim_memcg *p = NULL;
	if (id != 0) {
		p = atomic_load(&z->memcgs[parent]);
		if (!p)
			return ZSIM_ENOENT;
	}
	struct zsim_memcg *m = memcg_new(z, id, p);
	if (!m)
		return ZSIM_ENOMEM;
	if (p) {
		if (p->last_child)
			p->last_child->next_sibling = m;
		else
			p->first_child = m;
		p->last_child = m;
	}
	atomic_store(&z->memcgs[id], m);
	if (id + 1 > atomic_load(&z->memcg_hw))
		atomic_store(&z->memcg_hw, id + 1);
	if (out)
		*out = m;
	return 0;
}

int zsim_zswap_memcg_create(struct zsim_zswap *z, unsigned id, unsigned parent)
{
	if (!z)
		return ZSIM_EINVAL;
	if (id == 0)
		return ZSIM_EEXIST; /* the root always exists */
	if (id == parent)
		return ZSIM_EINVAL;
	pthread_mutex_lock(&z->memcg_lock);
	int rc = memcg_create_locked(z, id, parent, NULL);
	pthread_mutex_unlock(&z->memcg_lock);
	return rc;
}

/* Look up a memcg, creating it under the root on first use. */
int zsim_memcg_get(struct zsim_zswap *z, unsigned id, struct zsim_memcg **out)
{
	if (id > ZSIM_MAX_MEMCGS)
		return ZSIM_ERANGE;
	struct zsim_memcg *m = atomic_load_explicit(&z->memcgs[id], memory_order_acquire);
	if (zsim_likely(m != NULL)) {
		*out = m;
		return 0;
	}
	pthread_mutex_lock(&z->memcg_lock);
	int rc = 0;
	m = atomic_load(&z->memcgs[id]);
	if (!m)
		rc = memcg_create_locked(z, id, 0, &m);
	pthread_mutex_unlock(&z->memcg_lock);
	if (!rc)
		*out = m;
	return rc;
}

/* mem_cgroup_iter: the pre-order successor of m (NULL: start at the root;
 * returns NULL at the end of a full walk). Context: memcg_lock held or
 * the hierarchy not changing. */
struct zsim_memcg *zsim_memcg_iter(struct zsim_zswap *z, struct zsim_memcg *m)
{
	if (!m)
		return atomic_load(&z->memcgs[0]);
	if (m->first_child)
		return m->first_child;
	for (; m; m = m->parent)
		if (m->next_sibling)
			return m->next_sibling;
	return NULL;
}

int zsim_memcg_init_root(struct zsim_zswap *z);
int zsim_memcg_init_root(struct zsim_zswap *z)
{
	z->memcgs = calloc(ZSIM_MAX_MEMCGS + 1, sizeof(*z->memcgs));
	if (!z->memcgs)
		return ZSIM_ENOMEM;
	struct zsim_memcg *root = memcg_new(z, 0, NULL);
	if (!root)
		return ZSIM_ENOMEM;
	atomic_store(&z->memcgs[0], root);
	atomic_store(&z->memcg_hw, 1);
	return 0;
}

void zsim_memcgs_destroy(struct zsim_zswap *z)
{
	if (!z->memcgs)
		return;
	unsigned hw = atomic_load(&z->memcg_hw);
	for (unsigned i = 0; i < hw; i++)
		memcg_free(z, atomic_load(&z->memcgs[i]));
	free(z->memcgs);
	z->memcgs = NULL;
}

/*
 * obj_cgroup_may_zswap: walk from the memcg up to, but excluding, the root.
 * "max" skips a level; 0 refuses at once; otherwise refuse when the level's
 * zswap usage in pages (bytes / PAGE_SIZE) is at or above its limit.
 */
bool zsim_memcg_may_zswap(struct zsim_memcg *m)
{
	for (; m && m->parent; m = m->parent) {
		uint64_t max = atomic_load_explicit(&m->zswap_max_pages, memory_order_relaxed);
		if (max == ZSIM_NO_LIMIT)
			continue;
		if (max == 0)
			return false;
		int64_t bytes = atomic_load_explicit(&m->zswap_bytes, memory_order_relaxed);
		uint64_t pages = bytes > 0 ? (uint64_t)bytes / ZSIM_PAGE_SIZE : 0;
		if (pages >= max)
			return false;
	}
	return true;
}

/* mem_cgroup_zswap_writeback_enabled: this memcg and every ancestor. */
bool zsim_memcg_wb_enabled(struct zsim_memcg *m)
{
	for (; m; m = m->parent)
		if (!atomic_load_explicit(&m->writeback, memory_order_relaxed))
			return false;
	return true;
}

/* obj_cgroup_charge_zswap / uncharge: the memcg and its ancestors. The
 * root itself has no objcg, so an entry of the root charges nothing. */
void zsim_memcg_charge(struct zsim_memcg *m, int64_t bytes, int64_t pages, int64_t incomp)
{
	if (!m || !m->parent)
		return;
	for (; m; m = m->parent) {
		atomic_fetch_add_explicit(&m->zswap_bytes, bytes, memory_order_relaxed);
		atomic_fetch_add_explicit(&m->zswapped_pages, pages, memory_order_relaxed);
		if (incomp)
			atomic_fetch_add_explicit(&m->zswap_incomp, incomp, memory_order_relaxed);
	}
}

#define MEMCG_EVENT_FN(field)                                               \
	void zsim_memcg_count_##field(struct zsim_memcg *m, uint64_t n)      \
	{                                                                    \
		if (!m || !m->parent)                                        \
			return;                                              \
		for (; m; m = m->parent)                                     \
			atomic_fetch_add_explicit(&m->field, n, memory_order_relaxed); \
	}
MEMCG_EVENT_FN(zswpout)
MEMCG_EVENT_FN(zswpin)
MEMCG_EVENT_FN(zswpwb)

static int parse_bytes_or_max(const char *v, uint64_t *out)
{
	if (!strcmp(v, "max")) {
		*out = ZSIM_NO_LIMIT;
		return 0;
	}
	char *end;
	/* digits first: strtoull would take " -1" as 2^64 - 1 */
	if (*v < '0' || *v > '9')
		return ZSIM_EINVAL;
	errno = 0;
	unsigned long long x = strtoull(v, &end, 10);
	if (errno == ERANGE)
		return ZSIM_ERANGE;
	uint64_t mul = 1;
	if (*end == 'K' || *end == 'k')
		mul = 1024ull, end++;
	else if (*end == 'M' || *end == 'm')
		mul = 1024ull * 1024, end++;
	else if (*end == 'G' || *end == 'g')
		mul = 1024ull * 1024 * 1024, end++;
	if (*end)
		return ZSIM_EINVAL;
	if (mul > 1 && x > UINT64_MAX / mul)
		return ZSIM_ERANGE;
	*out = x * mul;
	return 0;
}

int zsim_zswap_memcg_set(struct zsim_zswap *z, unsigned id, const char *key,
			 const char *value)
{
	if (!z || !key || !value)
		return ZSIM_EINVAL;
	struct zsim_memcg *m;
	int rc = zsim_memcg_get(z, id, &m);
	if (rc)
		return rc;
	if (!strcmp(key, "memory.zswap.max")) {
		uint64_t b;
		rc = parse_bytes_or_max(value, &b);
		if (rc)
			return rc;
		if (id == 0)
			return ZSIM_EINVAL; /* the root has no zswap.max file */
		atomic_store(&m->zswap_max_pages, b == ZSIM_NO_LIMIT ? ZSIM_NO_LIMIT : b / ZSIM_PAGE_SIZE);
		return 0;
	}
	if (!strcmp(key, "memory.max")) {
		uint64_t b;
		rc = parse_bytes_or_max(value, &b);
		if (rc)
			return rc;
		if (id == 0)
			return ZSIM_EINVAL;
		atomic_store(&m->memory_max_bytes, b);
		return 0;
	}
	if (!strcmp(key, "memory.zswap.writeback")) {
		if (strcmp(value, "0") && strcmp(value, "1"))
			return ZSIM_EINVAL;
		atomic_store(&m->writeback, value[0] == '1');
		return 0;
	}
	return ZSIM_ENOENT;
}

int zsim_zswap_memcg_stats(const struct zsim_zswap *z, unsigned id,
			   struct zsim_memcg_stats *st)
{
	if (!z || !st)
		return ZSIM_EINVAL;
	if (id > ZSIM_MAX_MEMCGS)
		return ZSIM_ERANGE;
	struct zsim_memcg *m = atomic_load(&z->memcgs[id]);
	if (!m)
		return ZSIM_ENOENT;
	memset(st, 0, sizeof(*st));
	int64_t b = atomic_load(&m->zswap_bytes), p = atomic_load(&m->zswapped_pages),
		inc = atomic_load(&m->zswap_incomp);
	st->zswap = b > 0 ? (uint64_t)b : 0;
	st->zswapped = p > 0 ? (uint64_t)p * ZSIM_PAGE_SIZE : 0;
	st->zswap_incomp = inc > 0 ? (uint64_t)inc : 0;
	st->zswpout = atomic_load(&m->zswpout);
	st->zswpin = atomic_load(&m->zswpin);
	st->zswpwb = atomic_load(&m->zswpwb);
	return 0;
}

unsigned zsim_zswap_memcg_count(const struct zsim_zswap *z)
{
	return z ? atomic_load(&((struct zsim_zswap *)z)->memcg_hw) : 0;
}

bool zsim_zswap_memcg_exists(const struct zsim_zswap *z, unsigned id)
{
	return z && id <= ZSIM_MAX_MEMCGS && atomic_load(&((struct zsim_zswap *)z)->memcgs[id]) != NULL;
}

int zsim_zswap_memcg_config(const struct zsim_zswap *z, unsigned id, struct zsim_memcg_config *c)
{
	if (!z || !c)
		return ZSIM_EINVAL;
	if (id > ZSIM_MAX_MEMCGS)
		return ZSIM_ERANGE;
	struct zsim_memcg *m = atomic_load(&z->memcgs[id]);
	if (!m)
		return ZSIM_ENOENT;
	c->parent = m->parent ? m->parent->id : 0;
	c->memory_max = atomic_load(&m->memory_max_bytes);
	uint64_t zp = atomic_load(&m->zswap_max_pages);
	c->zswap_max = zp == ZSIM_NO_LIMIT ? UINT64_MAX : zp * ZSIM_PAGE_SIZE;
	c->writeback = atomic_load(&m->writeback);
	c->writeback_effective = zsim_memcg_wb_enabled(m);
	return 0;
}
