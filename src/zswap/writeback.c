/*
 * writeback.c - zswap writeback and shrinking: the LRU walk with second
 * chance, writing one entry back to the swap device, shrink_memcg, the
 * global shrink worker, and the dynamic (memory pressure) shrinker.
 *
 * Follows mm/zswap.c of 6.8+ (shrink_memcg_cb, zswap_writeback_entry,
 * shrink_memcg, shrink_worker, zswap_shrinker_count/scan) and 6.12's
 * second-chance `referenced` bit; 6.1 (frontswap, zsmalloc) had no
 * writeback at all: its shrink worker's zpool_shrink failed and counted
 * reject_reclaim_fail, which is what the 6.1 profile does.
 * Differences:
 *  - the new swap cache folio of the kernel is our slot lock, taken with
 *    trylock: a held lock (a concurrent load, store or invalidate of that
 *    slot) is the kernel's -EEXIST;
 *  - the page is written to the device before the entry is erased (the
 *    kernel erases, then submits asynchronous I/O): a failed write leaves
 *    the entry in zswap, so nothing is ever lost;
 *  - the worker runs on a simulated work queue (workqueue.c: at the
 *    storing task's points of preemption in simulated time), on its own
 *    host thread, or inline at the end of the store that queued it
 *    (enum zsim_shrink_sched). For the simulated queue the loop is a
 *    state machine (zsim_shrink_run_begin/step), one iteration a step.
 */
#include <stdlib.h>
#include <string.h>

#include "zswap/zswap_internal.h"

#define MAX_RECLAIM_RETRIES 16

/*
 * zswap_writeback_entry: `e` may already be freed; it is only compared
 * with what the tree holds until the slot is pinned.
 * Return: 0 written back; -EEXIST slot busy (in the "swap cache");
 * -ENOMEM entry gone or folio allocation failed; -ENOENT swap type gone;
 * -EIO decompression or device write failed (the entry stays).
 */
static int writeback_entry(struct zsim_zswap *z, struct zsim_entry *e, uint64_t swp,
			   unsigned cpu)
{
	const unsigned type = zsim_swp_type(swp);
	const uint64_t off = zsim_swp_offset(swp);
	if (zsim_fault_should_fail(z->fault, ZSIM_FAULT_WB_FOLIO))
		return ZSIM_ENOMEM;
	struct zsim_swap_info *si;
	if (zsim_swap_get(z, type, off, 1, &si))
		return ZSIM_ENOENT;
	if (!zsim_slot_trylock(z, type, off)) {
		zsim_swap_put(si);
		return ZSIM_EEXIST;
	}
	int rc = 0;
	struct zsim_xtree *tree = zsim_swap_tree(si, off);
	if (zsim_xtree_load(tree, off) != e) {
		rc = ZSIM_ENOMEM; /* invalidated, or the slot was reused */
		goto out;
	}
	unsigned char page[ZSIM_PAGE_SIZE];
	if (zsim_entry_decompress(z, e, cpu, page)) {
		if (z->prof->decompress_fail_counter)
			zsim_count(z, cpu, ZC_decompress_fail, 1);
		rc = ZSIM_EIO;
		goto out;
	}
	if (zsim_fault_should_fail(z->fault, ZSIM_FAULT_DEV_WRITE))
		rc = ZSIM_EIO;
	else
		rc = zsim_swapdev_write(si->dev, off, page);
	if (rc) {
		rc = ZSIM_EIO;
		goto out;
	}
	if (zsim_xtree_cmp_erase(tree, off, e)) {
		struct zsim_memcg *m = atomic_load(&z->memcgs[e->memcg]);
		zsim_count(z, cpu, ZC_zswpwb, 1);
		zsim_memcg_count_zswpwb(m, 1);
		zsim_count(z, cpu, ZC_pswpout, 1);
		zsim_entry_free(z, e, cpu);
	}
out:
	zsim_slots_unlock(z, type, off, 1);
	zsim_swap_put(si);
	return rc;
}

struct walk {
	bool dynamic;        /* the dynamic shrinker: -EEXIST stops the walk */
	bool hit_swapcache;
	unsigned long scanned, written;
};

static void lru_move_tail_locked(struct zsim_lru_list *l, struct zsim_entry *e)
{
	if (l->tail == e)
		return;
	if (e->lru_prev)
		e->lru_prev->lru_next = e->lru_next;
	else
		l->head = e->lru_next;
	e->lru_next->lru_prev = e->lru_prev;
	e->lru_prev = l->tail;
	e->lru_next = NULL;
	l->tail->lru_next = e;
	l->tail = e;
}

/* list_lru_walk_one with shrink_memcg_cb. */
static void lru_walk(struct zsim_zswap *z, struct zsim_lru_list *l, unsigned long nr_to_walk,
		     struct walk *w, unsigned cpu)
{
	pthread_mutex_lock(&l->lock);
restart:;
	struct zsim_entry *e = l->head;
	while (e && nr_to_walk) {
		struct zsim_entry *next = e->lru_next;
		nr_to_walk--;
		w->scanned++;
		if (z->prof->second_chance && (e->flags & ZSIM_ENTRY_REFERENCED)) {
			e->flags &= (uint8_t)~ZSIM_ENTRY_REFERENCED;
			lru_move_tail_locked(l, e); /* LRU_ROTATE */
			e = next;
			continue;
		}
		/* Rotate before dropping the lock: a failure leaves it
		 * rotated; success or invalidation unlinks it. */
		lru_move_tail_locked(l, e);
		uint64_t swp = e->swp;
		pthread_mutex_unlock(&l->lock);
		int rc = writeback_entry(z, e, swp, cpu);
		pthread_mutex_lock(&l->lock);
		if (rc) {
			zsim_count(z, cpu, ZC_reject_reclaim_fail, 1);
			if (rc == ZSIM_EEXIST && w->dynamic) {
				w->hit_swapcache = true; /* LRU_STOP: warm pages */
				break;
			}
		} else {
			w->written++;
			zsim_count(z, cpu, ZC_written_back_pages, 1);
		}
		goto restart; /* LRU_RETRY / LRU_REMOVED_RETRY */
	}
	pthread_mutex_unlock(&l->lock);
}

/*
 * shrink_memcg: write back up to shrink_nr_to_walk entries of this memcg
 * on each node. Return: 0 something written back; -ENOENT writeback off
 * or nothing to scan; -EAGAIN scanned but nothing written back.
 */
static int shrink_memcg_n(struct zsim_zswap *z, struct zsim_memcg *m, unsigned cpu,
			  unsigned long *written)
{
	*written = 0;
	if (!zsim_memcg_wb_enabled(m))
		return ZSIM_ENOENT;
	struct walk w = {0};
	for (unsigned nid = 0; nid < z->nr_nodes; nid++)
		lru_walk(z, &m->lru[nid], z->prof->shrink_nr_to_walk, &w, cpu);
	*written = w.written;
	if (!w.scanned)
		return ZSIM_ENOENT;
	return w.written ? 0 : ZSIM_EAGAIN;
}

int zsim_shrink_memcg(struct zsim_zswap *z, struct zsim_memcg *m, unsigned cpu)
{
	unsigned long written;
	return shrink_memcg_n(z, m, cpu, &written);
}

/*
 * shrink_worker: write back until the pool is at the accept threshold
 * (read once, at the start), one memcg of the round-robin cursor per
 * iteration. A pass over the whole hierarchy that found no memcg to
 * attempt, or an attempt that wrote nothing back (a referenced entry
 * rotated, a slot in the swap cache, a failed write), is a failure; the
 * 16th ends the run. Only an attempt or the end of a pass reaches the
 * loop's cond_resched(); a memcg with nothing to scan (-ENOENT) does not.
 */
void zsim_shrink_run_begin(struct zsim_zswap *z, struct zsim_shrink_run *r)
{
	atomic_fetch_add(&z->shrink_runs, 1);
	uint64_t maxp = atomic_load(&z->max_pool_percent);
	r->thr = z->totalram_pages * maxp / 100 * atomic_load(&z->accept_thr_percent) / 100;
	r->failures = 0;
	r->attempts = 0;
}

enum zsim_shrink_step zsim_shrink_run_step(struct zsim_zswap *z, struct zsim_shrink_run *r,
					   unsigned *written)
{
	*written = 0;
	if (z->prof->limits == ZSIM_LIMIT_LEGACY) {
		/* 6.1: zpool_shrink on zsmalloc (no evict) fails. */
		zsim_count(z, 0, ZC_reject_reclaim_fail, 1);
		return ZSIM_STEP_STOP;
	}
	enum zsim_shrink_step kind = ZSIM_STEP_RESCHED;
	pthread_mutex_lock(&z->memcg_lock);
	struct zsim_memcg *m = zsim_memcg_iter(z, z->shrink_cursor);
	z->shrink_cursor = m;
	pthread_mutex_unlock(&z->memcg_lock);
	if (!m) {
		/* a full pass over the hierarchy ended */
		if (!r->attempts && ++r->failures == MAX_RECLAIM_RETRIES)
			return ZSIM_STEP_STOP;
		r->attempts = 0;
	} else {
		unsigned long n;
		int rc = shrink_memcg_n(z, m, 0, &n);
		*written = (unsigned)n;
		if (rc == ZSIM_ENOENT) {
			kind = ZSIM_STEP_CONTINUE;
		} else {
			++r->attempts;
			if (rc && ++r->failures == MAX_RECLAIM_RETRIES)
				return ZSIM_STEP_STOP;
		}
	}
	return zsim_total_pages(z) > r->thr ? kind : ZSIM_STEP_STOP;
}

static void shrink_worker_run(struct zsim_zswap *z)
{
	struct zsim_shrink_run r;
	unsigned written;
	zsim_shrink_run_begin(z, &r);
	while (zsim_shrink_run_step(z, &r, &written) != ZSIM_STEP_STOP)
		;
}

static void *shrink_thread_main(void *arg)
{
	struct zsim_zswap *z = arg;
	pthread_mutex_lock(&z->shrink_lock);
	for (;;) {
		while (!z->shrink_pending && !z->shrink_exit)
			pthread_cond_wait(&z->shrink_cond, &z->shrink_lock);
		if (z->shrink_exit)
			break;
		z->shrink_pending = false;
		z->shrink_running = true;
		pthread_mutex_unlock(&z->shrink_lock);
		shrink_worker_run(z);
		pthread_mutex_lock(&z->shrink_lock);
		z->shrink_running = false;
		pthread_cond_broadcast(&z->shrink_idle);
	}
	pthread_mutex_unlock(&z->shrink_lock);
	return NULL;
}

/* queue_work(shrink_wq, &zswap_shrink_work): a no-op while pending. */
void zsim_shrink_queue(struct zsim_zswap *z)
{
	if (z->prof->limits == ZSIM_LIMIT_LEGACY) {
		/* ≤6.7 queued the worker only when is_full (cur > max), not
		 * for a store refused under the acceptance hysteresis. */
		uint64_t max = z->totalram_pages * atomic_load(&z->max_pool_percent) / 100;
		if (zsim_total_pages(z) <= max)
			return;
	}
	pthread_mutex_lock(&z->shrink_lock);
	if (z->shrink_sched == ZSIM_SHRINK_SCHED_SIM) {
		zsim_wq_queue(z);
		pthread_mutex_unlock(&z->shrink_lock);
		return;
	}
	if (z->shrink_inline) {
		/* One worker at a time (max_active 1): a queue while it runs
		 * makes it run once more. */
		if (z->shrink_running) {
			z->shrink_pending = true;
			pthread_mutex_unlock(&z->shrink_lock);
			return;
		}
		z->shrink_running = true;
		do {
			z->shrink_pending = false;
			pthread_mutex_unlock(&z->shrink_lock);
			shrink_worker_run(z);
			pthread_mutex_lock(&z->shrink_lock);
		} while (z->shrink_pending);
		z->shrink_running = false;
		pthread_cond_broadcast(&z->shrink_idle);
		pthread_mutex_unlock(&z->shrink_lock);
		return;
	}
	if (!z->shrink_thread_started) {
		if (pthread_create(&z->shrink_thread, NULL, shrink_thread_main, z) == 0)
			z->shrink_thread_started = true;
	}
	z->shrink_pending = true;
	pthread_cond_signal(&z->shrink_cond);
	pthread_mutex_unlock(&z->shrink_lock);
}

int zsim_writeback_init(struct zsim_zswap *z)
{
	pthread_mutex_init(&z->shrink_lock, NULL);
	pthread_cond_init(&z->shrink_cond, NULL);
	pthread_cond_init(&z->shrink_idle, NULL);
	return 0;
}

void zsim_writeback_stop(struct zsim_zswap *z)
{
	pthread_mutex_lock(&z->shrink_lock);
	z->shrink_exit = true;
	pthread_cond_broadcast(&z->shrink_cond);
	bool started = z->shrink_thread_started;
	pthread_mutex_unlock(&z->shrink_lock);
	if (started)
		pthread_join(z->shrink_thread, NULL);
	pthread_mutex_destroy(&z->shrink_lock);
	pthread_cond_destroy(&z->shrink_cond);
	pthread_cond_destroy(&z->shrink_idle);
}

int zsim_zswap_flush_shrink_work(struct zsim_zswap *z)
{
	if (!z)
		return ZSIM_EINVAL;
	pthread_mutex_lock(&z->shrink_lock);
	if (z->shrink_sched == ZSIM_SHRINK_SCHED_SIM)
		zsim_wq_flush(z);
	while (z->shrink_pending || z->shrink_running)
		pthread_cond_wait(&z->shrink_idle, &z->shrink_lock);
	pthread_mutex_unlock(&z->shrink_lock);
	return 0;
}

uint64_t zsim_zswap_shrink_worker_runs(const struct zsim_zswap *z)
{
	return z ? atomic_load(&((struct zsim_zswap *)z)->shrink_runs) : 0;
}

int zsim_zswap_shrink_memcg(struct zsim_zswap *z, unsigned memcg, unsigned cpu)
{
	if (!z)
		return ZSIM_EINVAL;
	if (cpu >= z->nr_cpus)
		return ZSIM_ERANGE;
	struct zsim_memcg *m;
	int rc = zsim_memcg_get(z, memcg, &m);
	if (rc)
		return rc;
	if (!z->prof->memcg_local_writeback)
		return ZSIM_ENOTSUP;
	return zsim_shrink_memcg(z, m, zsim_cpu_resolve(z, cpu));
}

/* mult_frac(x, n, d) without overflow of x * n. */
static uint64_t mult_frac(uint64_t x, uint64_t n, uint64_t d)
{
	return (x / d) * n + ((x % d) * n) / d;
}

uint64_t zsim_zswap_shrinker_count(struct zsim_zswap *z, unsigned memcg, unsigned nid)
{
	if (!z || nid >= z->nr_nodes || memcg > ZSIM_MAX_MEMCGS)
		return 0;
	struct zsim_memcg *m = atomic_load(&z->memcgs[memcg]);
	if (!m || !z->shrinker_enabled || !z->prof->memcg_local_writeback ||
	    !zsim_memcg_wb_enabled(m))
		return 0;
	int64_t b = atomic_load(&m->zswap_bytes), p = atomic_load(&m->zswapped_pages);
	uint64_t backing = b > 0 ? (uint64_t)b / ZSIM_PAGE_SIZE : 0;
	uint64_t stored = p > 0 ? (uint64_t)p : 0;
	if (!stored)
		return 0;
	struct zsim_lru_list *l = &m->lru[nid];
	pthread_mutex_lock(&l->lock);
	uint64_t freeable = l->nr;
	pthread_mutex_unlock(&l->lock);
	if (!freeable)
		return 0;
	/* Recent swap-ins from disk protect as many LRU entries. */
	uint64_t cur = atomic_load(&l->nr_disk_swapins), remain;
	do {
		remain = freeable >= cur ? 0 : cur - freeable;
	} while (!atomic_compare_exchange_weak(&l->nr_disk_swapins, &cur, remain));
	freeable -= cur - remain;
	if (!freeable)
		return 0;
	return mult_frac(freeable, backing, stored);
}

int64_t zsim_zswap_shrinker_scan(struct zsim_zswap *z, unsigned memcg, unsigned nid,
				 uint64_t nr_to_scan, unsigned cpu)
{
	if (!z || nid >= z->nr_nodes || memcg > ZSIM_MAX_MEMCGS || cpu >= z->nr_cpus)
		return ZSIM_EINVAL;
	struct zsim_memcg *m = atomic_load(&z->memcgs[memcg]);
	if (!m)
		return ZSIM_ENOENT;
	if (!z->shrinker_enabled || !z->prof->memcg_local_writeback || !zsim_memcg_wb_enabled(m))
		return ZSIM_SHRINK_STOP;
	struct walk w = {.dynamic = true};
	lru_walk(z, &m->lru[nid], nr_to_scan, &w, zsim_cpu_resolve(z, cpu));
	if (w.hit_swapcache || !w.written)
		return ZSIM_SHRINK_STOP;
	return (int64_t)w.written;
}
