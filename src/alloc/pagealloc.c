/*
 * pagealloc.c - simulated physical pages: the buddy allocator's order-0
 * alloc_pages_node()/__free_page() as zsmalloc uses them.
 *
 * What it models: every page is 4 KiB of real memory; pages are counted
 * per simulated NUMA node; a hard cap (max_pages) and the fault injector
 * (ZSIM_FAULT_PAGE_ALLOC) make allocation fail on purpose, so callers'
 * -ENOMEM paths can be reached.
 *
 * How it differs from the kernel: no zones, orders, watermarks or reclaim,
 * and a page's "node" is only a counter. An out-of-range node falls back
 * to node 0 (the kernel would use the local node for NUMA_NO_NODE).
 *
 * Where the memory comes from: pages are carved from 2 MiB arenas mapped
 * from the OS and advised for huge pages (common/osmem.h), so filling the
 * pool costs one fault per 2 MiB instead of one per page, and the pool's
 * pages sit under few TLB entries. Free pages are linked through their
 * own first words. Like the buddy allocator's per-CPU lists, each thread
 * frees to and allocates from a shard of its own (PA_SHARD_MAX freed pages
 * at most, moved PA_BATCH at a time to and from the shared free list, or
 * PA_BATCH fresh pages from the current arena; the shared lock is the
 * zone lock's counterpart), so no lock shared by all threads is taken per
 * page. Free pages stay with the allocator for reuse until
 * it is destroyed: its footprint is the pool's peak, rounded up to an
 * arena, plus the shards' free pages. Free pages are not counted as held.
 *
 * Arenas ahead of need: once the pool outgrows its first arena, a thread
 * of the allocator's own (started then) maps the next arena and faults it
 * in (MADV_POPULATE_WRITE, Linux 5.14+; else a write per 4 KiB) while the
 * current one is being carved, so that the OS's
 * zeroing of new memory (a 2 MiB clear, and on a VM the host's backing)
 * happens outside the store path, as the kernel's pages already exist.
 * Bound: one arena (2 MiB) ready beyond the arenas in use, prepared only
 * when the pool takes a new arena, i.e. grows past its previous peak; the
 * footprint is the peak rounded up to an arena plus that one (a pool
 * within its first arena has neither the thread nor the spare). A store
 * that needs an arena while the thread is still faulting one in waits for
 * it (what is left of that work) rather than mapping a second one and
 * faulting that in itself. An owner that knows it will take pages (swapon
 * of a large device) has the first arena faulted in by its own call
 * (zsim_pa_prefetch), as setup: the first store finds it ready, where a
 * thread started then had about a millisecond's head start on a fault
 * that takes 2-4 ms on a VM, and lost.
 *
 * Under AddressSanitizer every page is its own malloc() and goes straight
 * back to free(), so that an access past a page or to a freed page is
 * caught.
 */
#include "alloc/pagealloc.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "common/compiler.h"
#include "common/freechain.h"
#include "common/osmem.h"
#include "common/shard.h"

#define PA_MALLOC_PAGES ZSIM_ASAN

#define PA_SHARD_MAX 64 /* free pages a shard keeps before giving PA_BATCH back */
#define PA_BATCH 32     /* pages moved between a shard and the shared list */

/* A free page's first words link it (common/freechain.h): a shard gives
 * pages back to the shared list PA_BATCH at a time, as one chain. */

struct pa_shard {
	pthread_mutex_t lock;
	unsigned nr;                  /* pages on head */
	struct zsim_free_link *head;  /* freed pages, last freed first */
	unsigned char *bump, *bump_end; /* fresh pages, never touched yet */
} __attribute__((aligned(ZSIM_CACHELINE)));

struct zsim_page_allocator {
	struct pa_shard shard[ZSIM_SHARDS];
	unsigned nr_nodes;
	uint64_t max_pages;
	struct zsim_fault_injector *fault;
	_Atomic uint64_t pages;    /* held now, all nodes */
	_Atomic uint64_t failures; /* failed attempts (injected, cap, OS) */
	/* Lock order: a shard's lock, then this one. */
	pthread_mutex_t lock;
	struct zsim_free_link *chains;     /* shared free list: chains of PA_BATCH */
	unsigned char *bump, *bump_end;    /* never-used rest of the last arena */
	void **arenas;                     /* every arena, for destroy */
	size_t nr_arenas, cap_arenas;
	/* The arena populated ahead (under lock) and its thread. */
	unsigned char *ready;              /* mapped and faulted in, not yet used */
	bool want_ready;                   /* the thread should prepare one */
	bool preparing;                    /* the thread is faulting one in */
	bool stop;                         /* destroy: the thread exits */
	bool has_thread;
	bool thread_failed; /* pthread_create failed: arenas are mapped inline */
	pid_t thread_pid;                  /* a forked child has no such thread */
	pthread_cond_t cond;       /* to the thread: want_ready, stop */
	pthread_cond_t ready_cond; /* from the thread: preparing ended */
	pthread_t thread;
	_Atomic uint64_t node_pages[]; /* held now, per node */
};

static struct pa_shard *my_shard(struct zsim_page_allocator *pa)
{
	return &pa->shard[zsim_shard()];
}

int zsim_page_allocator_create(const struct zsim_page_allocator_config *cfg,
			       struct zsim_page_allocator **out)
{
	if (!out)
		return ZSIM_EINVAL;
	*out = NULL;
	unsigned nodes = cfg && cfg->nr_nodes ? cfg->nr_nodes : 1;
	if (nodes > 1024)
		return ZSIM_EINVAL;
	size_t sz = sizeof(struct zsim_page_allocator) + nodes * sizeof(_Atomic uint64_t);
	sz = (sz + ZSIM_CACHELINE - 1) / ZSIM_CACHELINE * ZSIM_CACHELINE;
	struct zsim_page_allocator *pa = aligned_alloc(ZSIM_CACHELINE, sz);
	if (!pa)
		return ZSIM_ENOMEM;
	memset(pa, 0, sz);
	pa->nr_nodes = nodes;
	pthread_mutex_init(&pa->lock, NULL);
	pthread_cond_init(&pa->cond, NULL);
	pthread_cond_init(&pa->ready_cond, NULL);
	for (unsigned i = 0; i < ZSIM_SHARDS; i++)
		pthread_mutex_init(&pa->shard[i].lock, NULL);
	if (cfg) {
		pa->max_pages = cfg->max_pages;
		pa->fault = cfg->fault;
	}
	*out = pa;
	return 0;
}

int zsim_page_allocator_destroy(struct zsim_page_allocator *pa)
{
	if (!pa)
		return 0;
	if (atomic_load(&pa->pages))
		return ZSIM_EBUSY;
	pthread_mutex_lock(&pa->lock);
	const bool joined = pa->has_thread && pa->thread_pid == getpid();
	pa->stop = true;
	pthread_cond_signal(&pa->cond);
	pthread_mutex_unlock(&pa->lock);
	if (joined)
		pthread_join(pa->thread, NULL);
	zsim_os_unmap(pa->ready, ZSIM_OS_HUGE_SIZE);
	pthread_cond_destroy(&pa->cond);
	pthread_cond_destroy(&pa->ready_cond);
	for (size_t i = 0; i < pa->nr_arenas; i++)
		zsim_os_unmap(pa->arenas[i], ZSIM_OS_HUGE_SIZE);
	free(pa->arenas);
	for (unsigned i = 0; i < ZSIM_SHARDS; i++)
		pthread_mutex_destroy(&pa->shard[i].lock);
	pthread_mutex_destroy(&pa->lock);
	free(pa);
	return 0;
}

uint64_t zsim_page_allocator_pages(const struct zsim_page_allocator *pa)
{
	return pa ? atomic_load_explicit(&pa->pages, memory_order_relaxed) : 0;
}

uint64_t zsim_page_allocator_node_pages(const struct zsim_page_allocator *pa, unsigned nid)
{
	if (!pa || nid >= pa->nr_nodes)
		return 0;
	return atomic_load_explicit(&pa->node_pages[nid], memory_order_relaxed);
}

uint64_t zsim_page_allocator_failures(const struct zsim_page_allocator *pa)
{
	return pa ? atomic_load_explicit(&pa->failures, memory_order_relaxed) : 0;
}

unsigned zsim_pa_nr_nodes(const struct zsim_page_allocator *pa)
{
	return pa->nr_nodes;
}

uint64_t zsim_pa_mapped_bytes(struct zsim_page_allocator *pa)
{
	pthread_mutex_lock(&pa->lock);
	uint64_t n = (uint64_t)(pa->nr_arenas + (pa->ready != NULL)) * ZSIM_OS_HUGE_SIZE;
	pthread_mutex_unlock(&pa->lock);
	return n;
}

/* The thread that keeps one arena ready (see the head of this file). */
static void *populater(void *arg)
{
	struct zsim_page_allocator *pa = arg;
	pthread_mutex_lock(&pa->lock);
	for (;;) {
		while (!pa->stop && !pa->want_ready)
			pthread_cond_wait(&pa->cond, &pa->lock);
		if (pa->stop)
			break;
		pa->want_ready = false;
		pa->preparing = true;
		pthread_mutex_unlock(&pa->lock);
		unsigned char *m = zsim_os_map_populated(ZSIM_OS_HUGE_SIZE);
		pthread_mutex_lock(&pa->lock);
		pa->preparing = false;
		pthread_cond_broadcast(&pa->ready_cond);
		if (!m)
			continue; /* the store path maps its own */
		if (pa->ready || pa->stop) {
			zsim_os_unmap(m, ZSIM_OS_HUGE_SIZE);
			continue;
		}
		pa->ready = m;
	}
	pthread_mutex_unlock(&pa->lock);
	return NULL;
}

/* Start the thread, idle. Context: pa->lock held. Return: whether it runs. */
static bool start_thread(struct zsim_page_allocator *pa)
{
	if (pa->has_thread)
		return true;
	if (pa->thread_failed)
		return false; /* it could not start: maps stay inline */
	if (pthread_create(&pa->thread, NULL, populater, pa)) {
		pa->thread_failed = true;
		return false;
	}
	pa->has_thread = true;
	pa->thread_pid = getpid();
	return true;
}

/* Ask for the next arena ahead. Context: pa->lock held. */
static void want_next(struct zsim_page_allocator *pa)
{
	if (!start_thread(pa))
		return;
	pa->want_ready = true;
	pthread_cond_signal(&pa->cond);
}

/* No arena mapped or ready yet, and not being destroyed. Context: pa->lock. */
static bool wants_first(const struct zsim_page_allocator *pa)
{
	return !pa->nr_arenas && !pa->ready && !pa->stop;
}

void zsim_pa_prefetch(struct zsim_page_allocator *pa)
{
	if (PA_MALLOC_PAGES)
		return;
	pthread_mutex_lock(&pa->lock);
	const bool want = wants_first(pa);
	pthread_mutex_unlock(&pa->lock);
	if (!want)
		return;
	unsigned char *m = zsim_os_map_populated(ZSIM_OS_HUGE_SIZE); /* the caller's time, outside the lock */
	pthread_mutex_lock(&pa->lock);
	if (m && wants_first(pa)) {
		pa->ready = m;
		m = NULL;
		/* idle until the first arena is taken; then it prepares the
		 * next while the first is carved */
		start_thread(pa);
	}
	pthread_mutex_unlock(&pa->lock);
	zsim_os_unmap(m, ZSIM_OS_HUGE_SIZE);
}

/* A new arena becomes the bump region: the one prepared ahead, or one
 * mapped now. Context: pa->lock held (dropped while waiting for the
 * thread's arena: another refill may add one meanwhile, so everything is
 * decided after the wait). Return: 0 with pa->bump < pa->bump_end, or
 * ZSIM_ENOMEM. */
static int add_arena(struct zsim_page_allocator *pa)
{
	/* The thread is faulting the next one in: what is left of that costs
	 * less than mapping another and faulting all of it here. (A forked
	 * child has no such thread.) */
	while (!pa->ready && pa->preparing && pa->thread_pid == getpid())
		pthread_cond_wait(&pa->ready_cond, &pa->lock);
	/* Another refill added an arena while we waited: take from it. (The
	 * room in `arenas` was checked before the wait once, and a second
	 * thread past that check wrote one slot beyond it.) */
	if (pa->bump < pa->bump_end)
		return 0;
	if (pa->nr_arenas == pa->cap_arenas) {
		size_t cap = pa->cap_arenas ? pa->cap_arenas * 2 : 16;
		void **a = realloc(pa->arenas, cap * sizeof(*a));
		if (!a)
			return ZSIM_ENOMEM;
		pa->arenas = a;
		pa->cap_arenas = cap;
	}
	unsigned char *m = pa->ready;
	pa->ready = NULL;
	if (!m)
		m = zsim_os_map_huge(ZSIM_OS_HUGE_SIZE);
	if (!m)
		return ZSIM_ENOMEM;
	pa->arenas[pa->nr_arenas++] = m;
	pa->bump = m;
	pa->bump_end = m + ZSIM_OS_HUGE_SIZE;
	/* A pool that fits its first arena (most instances: tests, small
	 * replays, one per fuzzer input) never pays for the thread or a
	 * second arena; one that outgrows it has the next arena prepared
	 * from then on. */
	if (pa->nr_arenas > 1 || pa->has_thread)
		want_next(pa);
	return 0;
}

/*
 * Shard s has no page left: it takes a chain of PA_BATCH freed pages from
 * the shared list, else a range of up to PA_BATCH fresh pages (not
 * touched here: the first touch, and with it the page fault, happens
 * outside any lock). Context: s->lock held; takes pa->lock.
 * Return: 0, or ZSIM_ENOMEM when the OS gives no memory.
 */
static int refill(struct zsim_page_allocator *pa, struct pa_shard *s)
{
	int rc = 0;
	pthread_mutex_lock(&pa->lock);
	if (pa->chains) {
		s->head = zsim_chain_take(&pa->chains);
		s->nr = PA_BATCH;
	} else if (pa->bump < pa->bump_end || (rc = add_arena(pa)) == 0) {
		size_t left = (size_t)(pa->bump_end - pa->bump);
		size_t take = ZSIM_MIN(left, (size_t)PA_BATCH * ZSIM_PAGE_SIZE);
		s->bump = pa->bump;
		s->bump_end = pa->bump + take;
		pa->bump += take;
	}
	pthread_mutex_unlock(&pa->lock);
	return rc;
}

/* Shard s holds more than PA_SHARD_MAX freed pages: PA_BATCH of them go
 * to the shared list as one chain. Context: s->lock held; takes pa->lock. */
static void drain(struct zsim_page_allocator *pa, struct pa_shard *s)
{
	struct zsim_free_link *chain = zsim_chain_cut(&s->head, PA_BATCH);
	s->nr -= PA_BATCH;
	pthread_mutex_lock(&pa->lock);
	zsim_chain_give(&pa->chains, chain);
	pthread_mutex_unlock(&pa->lock);
}

static void *page_get(struct zsim_page_allocator *pa)
{
	if (PA_MALLOC_PAGES)
		return malloc(ZSIM_PAGE_SIZE);
	struct pa_shard *s = my_shard(pa);
	void *page = NULL;
	pthread_mutex_lock(&s->lock);
	if (!s->head && s->bump == s->bump_end && refill(pa, s))
		goto out;
	if (s->head) {
		page = s->head;
		s->head = s->head->next;
		s->nr--;
	} else {
		page = s->bump;
		s->bump += ZSIM_PAGE_SIZE;
	}
out:
	pthread_mutex_unlock(&s->lock);
	return page;
}

static void page_put(struct zsim_page_allocator *pa, void *page)
{
	if (PA_MALLOC_PAGES) {
		free(page);
		return;
	}
	struct pa_shard *s = my_shard(pa);
	struct zsim_free_link *f = page;
	pthread_mutex_lock(&s->lock);
	f->next = s->head;
	s->head = f;
	if (++s->nr > PA_SHARD_MAX)
		drain(pa, s);
	pthread_mutex_unlock(&s->lock);
}

void *zsim_pa_alloc(struct zsim_page_allocator *pa, unsigned *nid)
{
	if (*nid >= pa->nr_nodes)
		*nid = 0;
	if (zsim_fault_should_fail(pa->fault, ZSIM_FAULT_PAGE_ALLOC))
		goto fail;
	uint64_t held = atomic_fetch_add_explicit(&pa->pages, 1, memory_order_relaxed) + 1;
	if (pa->max_pages && held > pa->max_pages) {
		atomic_fetch_sub_explicit(&pa->pages, 1, memory_order_relaxed);
		goto fail;
	}
	void *page = page_get(pa);
	if (!page) {
		atomic_fetch_sub_explicit(&pa->pages, 1, memory_order_relaxed);
		goto fail;
	}
	atomic_fetch_add_explicit(&pa->node_pages[*nid], 1, memory_order_relaxed);
	return page;
fail:
	atomic_fetch_add_explicit(&pa->failures, 1, memory_order_relaxed);
	return NULL;
}

void zsim_pa_free(struct zsim_page_allocator *pa, void *page, unsigned nid)
{
	if (!page)
		return;
	page_put(pa, page);
	atomic_fetch_sub_explicit(&pa->node_pages[nid], 1, memory_order_relaxed);
	atomic_fetch_sub_explicit(&pa->pages, 1, memory_order_relaxed);
}
