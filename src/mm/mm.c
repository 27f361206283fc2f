/*
 * mm.c - the memory model above zswap (zswapsim/mm.h): regions of
 * anonymous pages owned by memcgs, a resident LRU per memcg, memcg charge
 * and memory.max enforcement by reclaim, memory.reclaim, MADV_PAGEOUT,
 * swap slot allocation and swap charging.
 *
 * Models mm/vmscan.c and mm/memcontrol.c in outline only (see the header
 * for what is and is not modelled): reclaim is a loop over the memcg
 * subtree taking SWAP_CLUSTER_MAX coldest pages per memcg per round, with
 * the zswap dynamic shrinker called once per round (do_shrink_slab's
 * arithmetic with its nr_deferred, mm_internal.h, shared with reclaim.c),
 * and in global reclaim zsmalloc's shrinker (compaction) the same way.
 * Layer: mm, above zswap; uses only the public API of the layers below.
 */
#include <stdlib.h>
#include <string.h>

#include "zswapsim/mm.h"
#include "mm/mm_internal.h"

#define SWAP_CLUSTER_MAX 32
#define MAX_RECLAIM_RETRIES 16
#define DEF_PRIORITY 12
#define SHRINK_BATCH 128

enum { PG_UNTOUCHED = 0, PG_RESIDENT, PG_SWAPPED };

struct mm_region;

struct mm_page {
	struct mm_page *prev, *next; /* the memcg's resident LRU */
	struct mm_region *region;
	unsigned char *data;         /* resident content */
	uint64_t slot;               /* swap slot while PG_SWAPPED */
	uint8_t state;
};

struct mm_region {
	unsigned memcg;
	uint64_t npages;
	struct mm_page *pages;
};

struct mm_memcg {
	unsigned id;
	struct mm_memcg *parent;
	struct mm_page *lru_head, *lru_tail; /* own resident pages, cold first */
	uint64_t lru_nr;
	int64_t anon_pages;   /* hierarchical */
	int64_t swap_pages;   /* hierarchical */
	int64_t swap_peak;
	uint64_t pgscan, pgsteal, kept, oom;
	uint64_t nr_deferred; /* the zswap shrinker's (do_shrink_slab) */
};

struct zsim_mm {
	struct zsim_mm_config cfg;
	struct zsim_zswap *z;
	struct mm_region **regions;
	uint64_t nr_regions, cap_regions;
	struct mm_memcg **memcgs; /* by id */
	unsigned nr_memcgs_cap;
	uint64_t *slot_bitmap;    /* used swap slots */
	uint64_t slot_hint, slots_used;
	int64_t resident_total;
};

/* ---- memcgs ------------------------------------------------------------ */

static int mm_memcg(struct zsim_mm *mm, unsigned id, struct mm_memcg **out)
{
	if (id > ZSIM_MAX_MEMCGS)
		return ZSIM_ERANGE;
	if (id < mm->nr_memcgs_cap && mm->memcgs[id]) {
		*out = mm->memcgs[id];
		return 0;
	}
	struct zsim_memcg_config c;
	int rc = zsim_zswap_memcg_config(mm->z, id, &c);
	if (rc == ZSIM_ENOENT) {
		rc = zsim_zswap_memcg_create(mm->z, id, 0);
		if (rc && rc != ZSIM_EEXIST)
			return rc;
		rc = zsim_zswap_memcg_config(mm->z, id, &c);
	}
	if (rc)
		return rc;
	struct mm_memcg *parent = NULL;
	if (id != 0) {
		rc = mm_memcg(mm, c.parent, &parent);
		if (rc)
			return rc;
	}
	if (id >= mm->nr_memcgs_cap) {
		unsigned cap = mm->nr_memcgs_cap ? mm->nr_memcgs_cap : 16;
		while (cap <= id)
			cap *= 2;
		struct mm_memcg **n = realloc(mm->memcgs, cap * sizeof(*n));
		if (!n)
			return ZSIM_ENOMEM;
		memset(n + mm->nr_memcgs_cap, 0, (cap - mm->nr_memcgs_cap) * sizeof(*n));
		mm->memcgs = n;
		mm->nr_memcgs_cap = cap;
	}
	struct mm_memcg *m = calloc(1, sizeof(*m));
	if (!m)
		return ZSIM_ENOMEM;
	m->id = id;
	m->parent = parent;
	mm->memcgs[id] = m;
	*out = m;
	return 0;
}

static void charge_anon(struct mm_memcg *m, int64_t n)
{
	for (; m; m = m->parent)
		m->anon_pages += n;
}

static void charge_swap(struct mm_memcg *m, int64_t n)
{
	for (; m; m = m->parent) {
		m->swap_pages += n;
		if (m->swap_pages > m->swap_peak)
			m->swap_peak = m->swap_pages;
	}
}

static uint64_t memcg_current(struct zsim_mm *mm, struct mm_memcg *m)
{
	struct zsim_memcg_stats st;
	uint64_t zswap = zsim_zswap_memcg_stats(mm->z, m->id, &st) ? 0 : st.zswap;
	return (uint64_t)(m->anon_pages > 0 ? m->anon_pages : 0) * ZSIM_PAGE_SIZE + zswap;
}

static bool in_subtree(const struct mm_memcg *m, const struct mm_memcg *root)
{
	for (; m; m = m->parent)
		if (m == root)
			return true;
	return false;
}

/* ---- the resident LRU -------------------------------------------------- */

static void lru_del(struct mm_memcg *m, struct mm_page *p)
{
	if (p->prev)
		p->prev->next = p->next;
	else
		m->lru_head = p->next;
	if (p->next)
		p->next->prev = p->prev;
	else
		m->lru_tail = p->prev;
	p->prev = p->next = NULL;
	m->lru_nr--;
}

static void lru_add_tail(struct mm_memcg *m, struct mm_page *p)
{
	p->next = NULL;
	p->prev = m->lru_tail;
	if (m->lru_tail)
		m->lru_tail->next = p;
	else
		m->lru_head = p;
	m->lru_tail = p;
	m->lru_nr++;
}

/* ---- swap slots -------------------------------------------------------- */

static int slot_alloc(struct zsim_mm *mm, uint64_t *slot)
{
	uint64_t n = mm->cfg.swap_slots;
	if (mm->slots_used >= n)
		return ZSIM_ENOSPC;
	for (uint64_t k = 0; k < n; k++) {
		uint64_t s = (mm->slot_hint + k) % n;
		uint64_t *w = &mm->slot_bitmap[s >> 6];
		if (!(*w & (1ull << (s & 63)))) {
			*w |= 1ull << (s & 63);
			mm->slot_hint = s + 1;
			mm->slots_used++;
			*slot = s;
			return 0;
		}
	}
	return ZSIM_ENOSPC;
}

static void slot_free(struct zsim_mm *mm, uint64_t s)
{
	zsim_zswap_invalidate(mm->z, mm->cfg.swap_type, s, 1);
	mm->slot_bitmap[s >> 6] &= ~(1ull << (s & 63));
	mm->slots_used--;
}

/* ---- swap out / in ----------------------------------------------------- */

/* Swap out one resident page: 1 reclaimed, 0 kept (refused and writeback
 * off, or no swap space), or an error. */
static int swap_out(struct zsim_mm *mm, struct mm_page *p)
{
	struct mm_memcg *m = mm->memcgs[p->region->memcg];
	uint64_t slot;
	if (slot_alloc(mm, &slot))
		return 0;
	struct zsim_swap_folio f = {.type = mm->cfg.swap_type, .offset = slot, .order = 0,
				    .data = p->data, .memcg = m->id, .cpu = mm->cfg.cpu};
	enum zsim_swap_where w;
	int rc = zsim_zswap_store(mm->z, &f, &w);
	if (rc || w == ZSIM_WHERE_KEPT) {
		slot_free(mm, slot);
		if (!rc)
			m->kept++;
		/* activate: give it another round */
		lru_del(m, p);
		lru_add_tail(m, p);
		return rc ? rc : 0;
	}
	lru_del(m, p);
	free(p->data);
	p->data = NULL;
	p->slot = slot;
	p->state = PG_SWAPPED;
	charge_anon(m, -1);
	charge_swap(m, 1);
	mm->resident_total--;
	return 1;
}

/* do_shrink_slab's arithmetic for one shrinker: scan (freeable >>
 * priority) * 4 / seeks (DEFAULT_SEEKS = 2) in batches of 128. Returns the
 * objects to scan now. */
static uint64_t slab_scan_total(uint64_t freeable, int priority)
{
	uint64_t total = (freeable >> priority) * 4 / 2;
	return total > freeable * 2 ? freeable * 2 : total;
}

/* zsmalloc's shrinker (zs_shrinker_count/scan): not memcg-aware, so it
 * runs only when reclaim is global (the root memcg's); a scan compacts
 * every class of every pool, whatever the count asked for. */
static void shrink_slab_zsmalloc(struct zsim_mm *mm, int priority)
{
	uint64_t freeable = zsim_zswap_compact_count(mm->z);
	if (!freeable)
		return;
	uint64_t total = slab_scan_total(freeable, priority);
	if (total >= SHRINK_BATCH || (total && total >= freeable))
		(void)zsim_zswap_compact(mm->z);
}

/* shrink_slab for the zswap shrinker over the subtree, at `priority`; in
 * global reclaim zsmalloc's own shrinker too. */
static void shrink_slab(struct zsim_mm *mm, struct mm_memcg *root, int priority)
{
	if (!root->parent)
		shrink_slab_zsmalloc(mm, priority);
	for (unsigned id = 0; id < mm->nr_memcgs_cap; id++) {
		struct mm_memcg *c = mm->memcgs[id];
		if (!c || !in_subtree(c, root))
			continue;
		(void)zsim_mm_shrink_zswap(mm->z, c->id, priority, mm->cfg.cpu, &c->nr_deferred,
					   NULL, NULL);
	}
}

/* try_to_free_mem_cgroup_pages: up to `target` pages from the subtree. */
static uint64_t try_to_free(struct zsim_mm *mm, struct mm_memcg *root, uint64_t target)
{
	uint64_t reclaimed = 0;
	for (int priority = DEF_PRIORITY; priority >= 0 && reclaimed < target; priority--) {
		for (unsigned id = 0; id < mm->nr_memcgs_cap && reclaimed < target; id++) {
			struct mm_memcg *c = mm->memcgs[id];
			if (!c || !c->lru_nr || !in_subtree(c, root))
				continue;
			/* scan lru_size >> priority, at least a cluster */
			uint64_t scan = c->lru_nr >> priority;
			if (scan < SWAP_CLUSTER_MAX)
				scan = SWAP_CLUSTER_MAX;
			for (uint64_t k = 0; k < scan && c->lru_head && reclaimed < target; k++) {
				c->pgscan++;
				int r = swap_out(mm, c->lru_head);
				if (r > 0) {
					c->pgsteal++;
					reclaimed++;
				}
			}
		}
		shrink_slab(mm, root, priority);
	}
	return reclaimed;
}

/* memory.max of `m` and its ancestors, then the global RAM limit. */
static int enforce_limits(struct zsim_mm *mm, struct mm_memcg *m)
{
	int rc = 0;
	for (struct mm_memcg *a = m; a && a->parent; a = a->parent) {
		struct zsim_memcg_config c;
		if (zsim_zswap_memcg_config(mm->z, a->id, &c) || c.memory_max == UINT64_MAX)
			continue;
		int retries = MAX_RECLAIM_RETRIES;
		uint64_t cur;
		while ((cur = memcg_current(mm, a)) > c.memory_max) {
			uint64_t excess = (cur - c.memory_max + ZSIM_PAGE_SIZE - 1) / ZSIM_PAGE_SIZE;
			if (excess < SWAP_CLUSTER_MAX)
				excess = SWAP_CLUSTER_MAX;
			if (!try_to_free(mm, a, excess) && retries-- <= 0) {
				m->oom++;
				rc = ZSIM_ENOMEM;
				break;
			}
		}
	}
	if (mm->cfg.ram_bytes) {
		uint64_t limit = mm->cfg.ram_bytes / ZSIM_PAGE_SIZE;
		int retries = MAX_RECLAIM_RETRIES;
		struct mm_memcg *root = mm->memcgs[0];
		while ((uint64_t)mm->resident_total > limit) {
			if (!try_to_free(mm, root, SWAP_CLUSTER_MAX) && retries-- <= 0) {
				m->oom++;
				rc = ZSIM_ENOMEM;
				break;
			}
		}
	}
	return rc;
}

/* Make a page resident (fault it in), charging its memcg. */
static int fault_in(struct zsim_mm *mm, struct mm_page *p, bool write_all)
{
	struct mm_memcg *m = mm->memcgs[p->region->memcg];
	if (p->state == PG_RESIDENT) {
		lru_del(m, p);
		lru_add_tail(m, p); /* touched: now the hottest */
		return 0;
	}
	unsigned char *data = malloc(ZSIM_PAGE_SIZE);
	if (!data)
		return ZSIM_ENOMEM;
	if (p->state == PG_SWAPPED) {
		enum zsim_swap_where from;
		int rc = zsim_zswap_load_slot(
			mm->z, &(struct zsim_swap_slot){.type = mm->cfg.swap_type, .offset = p->slot,
							.memcg = m->id, .cpu = mm->cfg.cpu},
			data, &from);
		if (rc) {
			free(data);
			return rc; /* the page stays swapped: nothing lost */
		}
		slot_free(mm, p->slot);
		charge_swap(m, -1);
	} else if (!write_all) {
		memset(data, 0, ZSIM_PAGE_SIZE);
	}
	p->data = data;
	p->state = PG_RESIDENT;
	lru_add_tail(m, p);
	charge_anon(m, 1);
	mm->resident_total++;
	return enforce_limits(mm, m);
}

/* ---- public API -------------------------------------------------------- */

int zsim_mm_create(const struct zsim_mm_config *cfg, struct zsim_mm **out)
{
	if (!cfg || !cfg->zswap || !out)
		return ZSIM_EINVAL;
	struct zsim_mm *mm = calloc(1, sizeof(*mm));
	if (!mm)
		return ZSIM_ENOMEM;
	mm->cfg = *cfg;
	mm->z = cfg->zswap;
	if (!mm->cfg.swap_slots)
		mm->cfg.swap_slots = 1u << 20;
	mm->slot_bitmap = calloc((mm->cfg.swap_slots + 63) / 64, sizeof(uint64_t));
	int rc = mm->slot_bitmap ? 0 : ZSIM_ENOMEM;
	if (!rc)
		rc = cfg->swap_file ? zsim_zswap_swapon_file(mm->z, cfg->swap_type, mm->cfg.swap_slots, NULL)
				    : zsim_zswap_swapon(mm->z, cfg->swap_type, mm->cfg.swap_slots);
	struct mm_memcg *root;
	if (!rc)
		rc = mm_memcg(mm, 0, &root);
	if (rc) {
		free(mm->slot_bitmap);
		free(mm->memcgs ? mm->memcgs[0] : NULL);
		free(mm->memcgs);
		free(mm);
		return rc;
	}
	*out = mm;
	return 0;
}

static int region_get(struct zsim_mm *mm, uint64_t region, struct mm_region **r)
{
	if (region >= mm->nr_regions || !mm->regions[region])
		return ZSIM_ENOENT;
	*r = mm->regions[region];
	return 0;
}

int zsim_mm_alloc(struct zsim_mm *mm, unsigned memcg, uint64_t npages, uint64_t *region)
{
	if (!mm || !region || !npages || npages > (1ull << 32))
		return ZSIM_EINVAL;
	struct mm_memcg *m;
	int rc = mm_memcg(mm, memcg, &m);
	if (rc)
		return rc;
	if (mm->nr_regions == mm->cap_regions) {
		uint64_t cap = mm->cap_regions ? mm->cap_regions * 2 : 8;
		struct mm_region **n = realloc(mm->regions, cap * sizeof(*n));
		if (!n)
			return ZSIM_ENOMEM;
		mm->regions = n;
		mm->cap_regions = cap;
	}
	struct mm_region *r = calloc(1, sizeof(*r));
	if (!r)
		return ZSIM_ENOMEM;
	r->pages = calloc(npages, sizeof(*r->pages));
	if (!r->pages) {
		free(r);
		return ZSIM_ENOMEM;
	}
	r->memcg = memcg;
	r->npages = npages;
	for (uint64_t i = 0; i < npages; i++)
		r->pages[i].region = r;
	*region = mm->nr_regions;
	mm->regions[mm->nr_regions++] = r;
	return 0;
}

int zsim_mm_free(struct zsim_mm *mm, uint64_t region)
{
	if (!mm)
		return ZSIM_EINVAL;
	struct mm_region *r;
	int rc = region_get(mm, region, &r);
	if (rc)
		return rc;
	struct mm_memcg *m = mm->memcgs[r->memcg];
	for (uint64_t i = 0; i < r->npages; i++) {
		struct mm_page *p = &r->pages[i];
		if (p->state == PG_RESIDENT) {
			lru_del(m, p);
			free(p->data);
			charge_anon(m, -1);
			mm->resident_total--;
		} else if (p->state == PG_SWAPPED) {
			slot_free(mm, p->slot);
			charge_swap(m, -1);
		}
	}
	free(r->pages);
	free(r);
	mm->regions[region] = NULL;
	return 0;
}

void zsim_mm_destroy(struct zsim_mm *mm)
{
	if (!mm)
		return;
	for (uint64_t i = 0; i < mm->nr_regions; i++)
		if (mm->regions[i])
			zsim_mm_free(mm, i);
	zsim_zswap_swapoff(mm->z, mm->cfg.swap_type);
	for (unsigned i = 0; i < mm->nr_memcgs_cap; i++)
		free(mm->memcgs[i]);
	free(mm->memcgs);
	free(mm->regions);
	free(mm->slot_bitmap);
	free(mm);
}

static int page_get(struct zsim_mm *mm, uint64_t region, uint64_t page, struct mm_page **p)
{
	if (!mm)
		return ZSIM_EINVAL;
	struct mm_region *r;
	int rc = region_get(mm, region, &r);
	if (rc)
		return rc;
	if (page >= r->npages)
		return ZSIM_ERANGE;
	*p = &r->pages[page];
	return 0;
}

int zsim_mm_write(struct zsim_mm *mm, uint64_t region, uint64_t page, const void *data)
{
	struct mm_page *p;
	int rc = page_get(mm, region, page, &p);
	if (rc)
		return rc;
	bool fresh = p->state == PG_UNTOUCHED;
	rc = fault_in(mm, p, data != NULL && fresh);
	if (p->state == PG_RESIDENT && data)
		memcpy(p->data, data, ZSIM_PAGE_SIZE);
	return rc;
}

int zsim_mm_read(struct zsim_mm *mm, uint64_t region, uint64_t page, void *out)
{
	struct mm_page *p;
	int rc = page_get(mm, region, page, &p);
	if (rc)
		return rc;
	if (p->state == PG_UNTOUCHED) {
		/* A read of an untouched anonymous page maps the zero page:
		 * nothing becomes resident. */
		if (out)
			memset(out, 0, ZSIM_PAGE_SIZE);
		return 0;
	}
	rc = fault_in(mm, p, false);
	if (out && p->state == PG_RESIDENT)
		memcpy(out, p->data, ZSIM_PAGE_SIZE);
	return rc;
}

int zsim_mm_reclaim(struct zsim_mm *mm, unsigned memcg, uint64_t bytes)
{
	if (!mm)
		return ZSIM_EINVAL;
	struct mm_memcg *m;
	int rc = mm_memcg(mm, memcg, &m);
	if (rc)
		return rc;
	uint64_t target = (bytes + ZSIM_PAGE_SIZE - 1) / ZSIM_PAGE_SIZE, done = 0;
	int retries = MAX_RECLAIM_RETRIES;
	while (done < target) {
		uint64_t batch = (target - done) / 4;
		if (batch < SWAP_CLUSTER_MAX)
			batch = SWAP_CLUSTER_MAX;
		uint64_t r = try_to_free(mm, m, batch);
		if (!r && !retries--)
			return ZSIM_EAGAIN;
		done += r;
	}
	return 0;
}

int zsim_mm_pageout(struct zsim_mm *mm, uint64_t region, uint64_t first, uint64_t n)
{
	if (!mm)
		return ZSIM_EINVAL;
	struct mm_region *r;
	int rc = region_get(mm, region, &r);
	if (rc)
		return rc;
	if (first > r->npages || n > r->npages - first)
		return ZSIM_ERANGE;
	struct mm_memcg *m = mm->memcgs[r->memcg];
	for (uint64_t i = first; i < first + n; i++) {
		struct mm_page *p = &r->pages[i];
		if (p->state != PG_RESIDENT)
			continue;
		m->pgscan++;
		int s = swap_out(mm, p);
		if (s < 0)
			return s;
		m->pgsteal += (uint64_t)s;
	}
	return 0;
}

int zsim_mm_memcg_stats(struct zsim_mm *mm, unsigned memcg, struct zsim_mm_memcg_stats *st)
{
	if (!mm || !st)
		return ZSIM_EINVAL;
	struct mm_memcg *m;
	int rc = mm_memcg(mm, memcg, &m);
	if (rc)
		return rc;
	memset(st, 0, sizeof(*st));
	st->memory_current = memcg_current(mm, m);
	st->anon = (uint64_t)(m->anon_pages > 0 ? m->anon_pages : 0) * ZSIM_PAGE_SIZE;
	st->swap_current = (uint64_t)(m->swap_pages > 0 ? m->swap_pages : 0) * ZSIM_PAGE_SIZE;
	st->swap_peak = (uint64_t)m->swap_peak * ZSIM_PAGE_SIZE;
	st->pgscan = m->pgscan;
	st->pgsteal = m->pgsteal;
	st->swapouts_kept = m->kept;
	st->oom = m->oom;
	return 0;
}
