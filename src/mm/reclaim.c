/*
 * reclaim.c - a write to memory.reclaim for callers that own their pages
 * (zswapsim/mm.h, zsim_reclaimer_*): memory_reclaim's batching, the
 * priority loop of try_to_free_mem_cgroup_pages with MGLRU's generations
 * (counts only), and shrink_slab for the memcg's zswap shrinker with
 * do_shrink_slab's arithmetic and its nr_deferred.
 *
 * Models mm/memcontrol.c memory_reclaim, mm/vmscan.c do_try_to_free_pages,
 * shrink_node_memcgs (one memcg), try_to_shrink_lruvec, get_nr_to_scan,
 * evict_folios, try_to_inc_min_seq/inc_max_seq, lru_gen_add_folio's
 * placement, and do_shrink_slab of 6.8+ (checked against 6.12.118).
 * Differences: a priority's eviction stops once the call's target is met.
 * The kernel's should_abort_scan never stops cgroup reclaim there, but
 * without the stop the calls overshoot, are too few to get the shrinker's
 * 128-entry walks past the referenced entries, and nothing is written back
 * during the first write to memory.reclaim, where 6.12.118 wrote back 512
 * entries (two diagnostic boots printing the counters after each write,
 * docs/kernel-parity.md); what makes the kernel's calls that many is not
 * known. Generations hold counts; the caller's pages are one generation;
 * aging's page-table walk promotes them only the first time (accessed
 * once, before the reclaim); I/O takes no time, but the per-CPU add batch
 * decides where a written-back folio lands.
 * Layer: mm, above zswap; uses only the public API of the layers below.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "zswapsim/mm.h"
#include "mm/mm_internal.h"

#define SWAP_CLUSTER_MAX 32
#define MAX_RECLAIM_RETRIES 16
#define DEF_PRIORITY 12
#define MIN_LRU_BATCH 64
#define PAGEVEC_SIZE 31

#define MIN_NR_GENS 2
#define MAX_NR_GENS 4

/* One memcg's lruvec as MGLRU keeps it, in counts: the caller's pages
 * (all in one generation: they were faulted in together) and the folios
 * zswap wrote back, by generation, either at the list's tail (scanned
 * before the caller's pages of that generation) or at its head (after). */
struct rc_memcg {
	bool init;
	uint64_t min_seq, max_seq;
	uint64_t caller_seq;      /* the generation of the caller's pages */
	bool caller_young;        /* accessed since the last aging */
	uint64_t tail[MAX_NR_GENS], head[MAX_NR_GENS];
	uint64_t pending;         /* written back, in the per-CPU add batch */
	uint64_t nr_deferred;     /* the zswap shrinker's, node 0 */
};

struct zsim_reclaimer {
	struct zsim_zswap *z;
	unsigned cpu;
	struct rc_memcg *m; /* by memcg id */
	unsigned nr_m;
	struct zsim_reclaimer_stats st;
};

int zsim_reclaimer_create(struct zsim_zswap *z, unsigned cpu, struct zsim_reclaimer **out)
{
	if (!z || !out)
		return ZSIM_EINVAL;
	struct zsim_reclaimer *r = calloc(1, sizeof(*r));
	if (!r)
		return ZSIM_ENOMEM;
	r->z = z;
	r->cpu = cpu;
	*out = r;
	return 0;
}

void zsim_reclaimer_destroy(struct zsim_reclaimer *r)
{
	if (!r)
		return;
	free(r->m);
	free(r);
}

static struct rc_memcg *rc_memcg(struct zsim_reclaimer *r, unsigned id)
{
	if (id >= r->nr_m) {
		unsigned n = r->nr_m ? r->nr_m : 16;
		while (n <= id)
			n *= 2;
		struct rc_memcg *m = realloc(r->m, n * sizeof(*m));
		if (!m)
			return NULL;
		memset(m + r->nr_m, 0, (n - r->nr_m) * sizeof(*m));
		r->m = m;
		r->nr_m = n;
	}
	return &r->m[id];
}

/* do_shrink_slab for zswap's shrinker (mm_internal.h), shared with mm.c. */
uint64_t zsim_mm_shrink_zswap(struct zsim_zswap *z, unsigned memcg, int priority, unsigned cpu,
			      uint64_t *nr_deferred, uint64_t *count_out, uint64_t *scanned_out)
{
	uint64_t freeable = zsim_zswap_shrinker_count(z, memcg, 0), freed = 0, scanned = 0;
	if (count_out)
		*count_out = freeable;
	if (scanned_out)
		*scanned_out = 0;
	if (!freeable)
		return 0;
	uint64_t nr = *nr_deferred;
	*nr_deferred = 0;
	uint64_t delta = (freeable >> priority) * 4 / ZSIM_DEFAULT_SEEKS;
	uint64_t total = (nr >> priority) + delta;
	if (total > 2 * freeable)
		total = 2 * freeable;
	uint64_t walked = 0;
	while (total >= ZSIM_SHRINK_BATCH || total >= freeable) {
		uint64_t n = total < ZSIM_SHRINK_BATCH ? total : ZSIM_SHRINK_BATCH;
		int64_t ret = zsim_zswap_shrinker_scan(z, memcg, 0, n, cpu);
		walked += n;
		if (ret < 0) /* SHRINK_STOP */
			break;
		freed += (uint64_t)ret;
		total -= n;
		scanned += n;
	}
	uint64_t next = nr + delta > scanned ? nr + delta - scanned : 0;
	*nr_deferred = next < 2 * freeable ? next : 2 * freeable;
	if (scanned_out)
		*scanned_out = walked;
	return freed;
}

/* shrink_slab for the memcg's zswap shrinker. Each full per-CPU add batch
 * of written-back folios reaches the LRU while its folios are still under
 * writeback; when their I/O completes, folio_rotate_reclaimable moves them
 * to the tail of the oldest generation: the next to be reclaimed. The rest
 * waits for lru_add_drain. */
static void shrink_slab(struct zsim_reclaimer *r, unsigned memcg, struct rc_memcg *m,
			int priority)
{
	uint64_t count, walked;
	uint64_t freed = zsim_mm_shrink_zswap(r->z, memcg, priority, r->cpu, &m->nr_deferred,
					      &count, &walked);
	if (!count)
		return;
	r->st.slab_calls++;
	r->st.slab_scanned += walked;
	r->st.slab_freed += freed;
	m->pending += freed;
	uint64_t full = m->pending / PAGEVEC_SIZE * PAGEVEC_SIZE;
	m->tail[m->min_seq % MAX_NR_GENS] += full;
	m->pending -= full;
}

static uint64_t gen_pages(const struct rc_memcg *m, uint64_t seq, uint64_t caller)
{
	unsigned g = (unsigned)(seq % MAX_NR_GENS);
	return m->tail[g] + m->head[g] + (m->caller_seq == seq ? caller : 0);
}

/* try_to_inc_min_seq: past empty generations, keeping MIN_NR_GENS. */
static bool inc_min_seq(struct rc_memcg *m, uint64_t caller)
{
	bool moved = false;
	while (m->min_seq + MIN_NR_GENS <= m->max_seq && !gen_pages(m, m->min_seq, caller)) {
		m->min_seq++;
		moved = true;
	}
	return moved;
}

/* try_to_inc_max_seq: a new youngest generation; the oldest is folded into
 * the next when all MAX_NR_GENS are in use; the page-table walk moves the
 * caller's pages accessed since the last aging into the new generation
 * (swap-cache folios are not mapped: they stay). */
static void inc_max_seq(struct rc_memcg *m)
{
	if (m->max_seq - m->min_seq + 1 >= MAX_NR_GENS) {
		unsigned o = (unsigned)(m->min_seq % MAX_NR_GENS),
			 n = (unsigned)((m->min_seq + 1) % MAX_NR_GENS);
		m->head[n] += m->tail[o] + m->head[o];
		m->tail[o] = m->head[o] = 0;
		if (m->caller_seq == m->min_seq)
			m->caller_seq++;
		m->min_seq++;
	}
	m->max_seq++;
	unsigned g = (unsigned)(m->max_seq % MAX_NR_GENS);
	m->tail[g] = m->head[g] = 0;
	if (m->caller_young) {
		m->caller_seq = m->max_seq;
		m->caller_young = false;
	}
}

/* lru_add_drain: the written-back folios reach the LRU, clean (their I/O
 * is done: fast device), not active, so lru_gen_add_folio puts them at the
 * head of the oldest generation when only MIN_NR_GENS + 1 remain, of the
 * second oldest otherwise. */
static void lru_add_drain(struct rc_memcg *m)
{
	if (!m->pending)
		return;
	uint64_t seq = m->min_seq + MIN_NR_GENS >= m->max_seq ? m->min_seq : m->min_seq + 1;
	m->head[seq % MAX_NR_GENS] += m->pending;
	m->pending = 0;
}

/* get_nr_to_scan: the pages to scan at this priority, or <= 0 to stop
 * (having aged the lruvec instead). */
static int64_t get_nr_to_scan(struct rc_memcg *m, uint64_t caller, int priority)
{
	bool must = m->min_seq + MIN_NR_GENS > m->max_seq;
	uint64_t size = 0;
	if (!must)
		for (uint64_t seq = m->min_seq; seq <= m->max_seq; seq++)
			size += gen_pages(m, seq, caller);
	bool age = must || m->min_seq + MIN_NR_GENS == m->max_seq;
	if (!age || priority == DEF_PRIORITY)
		return (int64_t)(size >> priority);
	inc_max_seq(m);
	return -1;
}

/* evict_folios: isolate up to MIN_LRU_BATCH folios of the oldest
 * generation, tail first, and reclaim them. Returns the pages scanned. */
static int evict_folios(struct zsim_reclaimer *r, unsigned memcg, struct rc_memcg *m,
			const struct zsim_reclaim_ops *ops, void *arg, uint64_t *reclaimed)
{
	uint64_t caller = ops->lru_pages(arg, memcg), n = MIN_LRU_BATCH, scanned = 0;
	*reclaimed = 0;
	int rc = 0;
	if (m->max_seq - m->min_seq + 1 > MIN_NR_GENS) {
		unsigned g = (unsigned)(m->min_seq % MAX_NR_GENS);
		uint64_t t = m->tail[g] < n ? m->tail[g] : n;
		m->tail[g] -= t;
		n -= t;
		scanned += t;
		*reclaimed += t;
		r->st.swapcache_reclaimed += t;
		if (n && caller && m->caller_seq == m->min_seq) {
			uint64_t s = 0, got = 0, wb = 0;
			rc = ops->evict(arg, memcg, n, &s, &got, &wb);
			/* Pages zswap refused went to the device: clean
			 * again by the end of the batch, they are freed by
			 * evict_folios' retry. */
			*reclaimed += got + wb;
			scanned += s;
			n = s < n ? n - s : 0;
			caller = ops->lru_pages(arg, memcg);
		}
		uint64_t h = m->head[g] < n ? m->head[g] : n;
		m->head[g] -= h;
		scanned += h;
		*reclaimed += h;
		r->st.swapcache_reclaimed += h;
	}
	scanned += inc_min_seq(m, caller);
	if (m->max_seq - m->min_seq + 1 == MIN_NR_GENS)
		scanned = 0;
	if (rc)
		return rc;
	return (int)scanned;
}

/* try_to_free_mem_cgroup_pages for one memcg: the pages reclaimed. */
static int try_to_free(struct zsim_reclaimer *r, unsigned memcg, struct rc_memcg *m,
		       uint64_t nr_to_reclaim, const struct zsim_reclaim_ops *ops, void *arg,
		       uint64_t *out)
{
	uint64_t reclaimed = 0;
	r->st.calls++;
	for (int prio = DEF_PRIORITY; prio >= 0; prio--) {
		r->st.priorities++;
		lru_add_drain(m);
		uint64_t scanned = 0;
		for (;;) {
			int64_t to_scan = get_nr_to_scan(m, ops->lru_pages(arg, memcg), prio);
			if (to_scan <= 0)
				break;
			uint64_t got;
			int delta = evict_folios(r, memcg, m, ops, arg, &got);
			reclaimed += got;
			if (delta < 0) {
				*out = reclaimed;
				return delta;
			}
			if (!delta)
				break;
			scanned += (uint64_t)delta;
			if (scanned >= (uint64_t)to_scan)
				break;
			if (reclaimed >= nr_to_reclaim)
				break;
		}
		shrink_slab(r, memcg, m, prio);
		if (reclaimed >= nr_to_reclaim)
			break;
	}
	*out = reclaimed;
	return 0;
}

int zsim_reclaimer_memory_reclaim(struct zsim_reclaimer *r, unsigned memcg, uint64_t nr_pages,
				  const struct zsim_reclaim_ops *ops, void *arg,
				  uint64_t *reclaimed)
{
	if (reclaimed)
		*reclaimed = 0;
	if (!r || !ops || !ops->lru_pages || !ops->evict || memcg > ZSIM_MAX_MEMCGS)
		return ZSIM_EINVAL;
	struct rc_memcg *m = rc_memcg(r, memcg);
	if (!m)
		return ZSIM_ENOMEM;
	if (!m->init) {
		/* lru_gen_init_lruvec; the caller's pages were just faulted in:
		 * the youngest generation, accessed. */
		m->init = true;
		m->max_seq = MIN_NR_GENS + 1;
		m->caller_seq = m->max_seq;
		m->caller_young = true;
	}
	uint64_t done = 0;
	int retries = MAX_RECLAIM_RETRIES;
	while (done < nr_pages) {
		uint64_t batch = (nr_pages - done) / 4, got = 0;
		if (batch < SWAP_CLUSTER_MAX)
			batch = SWAP_CLUSTER_MAX;
		int rc = try_to_free(r, memcg, m, batch, ops, arg, &got);
		done += got;
		if (reclaimed)
			*reclaimed = done;
		if (rc)
			return rc;
		if (!got && !retries--)
			return ZSIM_EAGAIN;
	}
	return 0;
}

int zsim_reclaimer_stats(const struct zsim_reclaimer *r, unsigned memcg,
			 struct zsim_reclaimer_stats *st)
{
	if (!r || !st)
		return ZSIM_EINVAL;
	*st = r->st;
	st->swapcache_left = 0;
	if (memcg < r->nr_m) {
		const struct rc_memcg *m = &r->m[memcg];
		st->swapcache_left = m->pending;
		for (unsigned g = 0; g < MAX_NR_GENS; g++)
			st->swapcache_left += m->tail[g] + m->head[g];
	}
	return 0;
}
