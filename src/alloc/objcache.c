/*
 * objcache.c - fixed-size metadata objects from pages faulted in ahead
 * (objcache.h); what zswap's entries come from.
 *
 * What it models: the kernel's slab cache for a metadata object
 * (zswap_entry_cache): objects packed into pages, per-CPU free lists,
 * memory that already exists when a store asks for an object.
 *
 * How it differs from the kernel: pages are never given back before
 * destroy (no slab shrinking), so the footprint is the peak number of
 * objects, packed (4096 / size per page; the kernel's slab rounds the
 * object up to its alignment as this does to 8 bytes); no per-node
 * partial lists; no object poisoning. It exists for speed, not for a
 * counter: malloc() of each object grew the thread's heap one mprotect()
 * and one page fault at a time in the store path (4-5 % of an lz4 store
 * on a VM), and a 40-byte object costs 48 there.
 *
 * Where pages come from: until the owner says many objects will come
 * (zsim_objcache_prefetch, at swapon of a large device), one aligned 4 KiB
 * malloc() per page, so that a small instance (a test, a fuzz input) does
 * not pay for a 2 MiB arena; from then on, the page allocator that call
 * lends (alloc/pagealloc.h; zswap's, shared with its memory swap devices),
 * its first arena faulted in by that call and each next one by its thread.
 *
 * Layout: each thread frees to and allocates from its own shard
 * (common/shard.h). A shard that holds more than CACHE_SHARD_MAX free
 * objects gives CACHE_BATCH of them to the shared list as one chain, so a
 * thread that only frees (a writeback worker) does not hoard objects that
 * a storing thread then carves new pages for. An empty shard takes a
 * chain back, else carves a new page.
 *
 * Under AddressSanitizer every object is its own malloc(), so that a use
 * after free of an entry is caught.
 */
#include "alloc/objcache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "alloc/pagealloc.h"
#include "common/compiler.h"
#include "common/freechain.h"
#include "common/shard.h"
#include "zswapsim/zswapsim.h"

#define CACHE_MALLOC ZSIM_ASAN

#define CACHE_BATCH 64      /* objects moved between a shard and the shared list */
#define CACHE_SHARD_MAX 256 /* free objects a shard keeps before giving a batch back */

struct oc_shard {
	pthread_mutex_t lock;
	unsigned nr;
	struct zsim_free_link *head;
} __attribute__((aligned(ZSIM_CACHELINE)));

struct zsim_objcache {
	struct oc_shard shard[ZSIM_SHARDS];
	size_t size;
	unsigned per_page;
	struct zsim_page_allocator *pa; /* borrowed; set once by prefetch (under lock) */
	_Atomic uint64_t live; /* objects handed out (AddressSanitizer's count) */
	/* Lock order: a shard's lock, then this one. */
	pthread_mutex_t lock;
	struct zsim_free_link *chains;
	uintptr_t *pages; /* every page carved, for destroy; bit 0: malloc'd */
	size_t nr_pages, cap_pages;
};

int zsim_objcache_create(size_t obj_size, struct zsim_objcache **out)
{
	if (!out)
		return ZSIM_EINVAL;
	*out = NULL;
	if (obj_size < sizeof(struct zsim_free_link) || obj_size > 1024)
		return ZSIM_EINVAL;
	struct zsim_objcache *c = aligned_alloc(ZSIM_CACHELINE, sizeof(*c));
	if (!c)
		return ZSIM_ENOMEM;
	memset(c, 0, sizeof(*c));
	c->size = (obj_size + 7) & ~(size_t)7;
	c->per_page = (unsigned)(ZSIM_PAGE_SIZE / c->size);
	pthread_mutex_init(&c->lock, NULL);
	for (unsigned i = 0; i < ZSIM_SHARDS; i++)
		pthread_mutex_init(&c->shard[i].lock, NULL);
	*out = c;
	return 0;
}

void zsim_objcache_destroy(struct zsim_objcache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nr_pages; i++) {
		void *page = (void *)(c->pages[i] & ~(uintptr_t)1);
		if (c->pages[i] & 1)
			free(page);
		else
			zsim_pa_free(c->pa, page, 0);
	}
	free(c->pages);
	for (unsigned i = 0; i < ZSIM_SHARDS; i++)
		pthread_mutex_destroy(&c->shard[i].lock);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

void zsim_objcache_prefetch(struct zsim_objcache *c, struct zsim_page_allocator *pa)
{
	if (!c || !pa || CACHE_MALLOC)
		return;
	pthread_mutex_lock(&c->lock);
	if (!c->pa)
		c->pa = pa;
	pa = c->pa;
	pthread_mutex_unlock(&c->lock);
	zsim_pa_prefetch(pa); /* no-op once it has an arena */
}

uint64_t zsim_objcache_bytes(struct zsim_objcache *c)
{
	if (CACHE_MALLOC)
		return atomic_load_explicit(&c->live, memory_order_relaxed) * c->size;
	pthread_mutex_lock(&c->lock);
	uint64_t n = (uint64_t)c->nr_pages * ZSIM_PAGE_SIZE;
	pthread_mutex_unlock(&c->lock);
	return n;
}

/* An empty shard takes a chain from the shared list, else a new page cut
 * into objects. Context: s->lock held; takes c->lock.
 * Return: 0 or ZSIM_ENOMEM. */
static int refill(struct zsim_objcache *c, struct oc_shard *s)
{
	pthread_mutex_lock(&c->lock);
	if (c->chains) {
		s->head = zsim_chain_take(&c->chains);
		s->nr = CACHE_BATCH;
		pthread_mutex_unlock(&c->lock);
		return 0;
	}
	if (c->nr_pages == c->cap_pages) {
		size_t cap = c->cap_pages ? c->cap_pages * 2 : 64;
		uintptr_t *p = realloc(c->pages, cap * sizeof(*p));
		if (!p) {
			pthread_mutex_unlock(&c->lock);
			return ZSIM_ENOMEM;
		}
		c->pages = p;
		c->cap_pages = cap;
	}
	unsigned nid = 0;
	unsigned char *page = c->pa ? zsim_pa_alloc(c->pa, &nid)
				    : aligned_alloc(ZSIM_PAGE_SIZE, ZSIM_PAGE_SIZE);
	if (!page) {
		pthread_mutex_unlock(&c->lock);
		return ZSIM_ENOMEM;
	}
	c->pages[c->nr_pages++] = (uintptr_t)page | (c->pa ? 0 : 1);
	pthread_mutex_unlock(&c->lock);
	/* Objects in address order: the first one out is at the page's start. */
	struct zsim_free_link *head = NULL;
	for (unsigned i = c->per_page; i-- > 0;) {
		struct zsim_free_link *f = (struct zsim_free_link *)(page + (size_t)i * c->size);
		f->next = head;
		head = f;
	}
	s->head = head;
	s->nr = c->per_page;
	return 0;
}

void *zsim_objcache_alloc(struct zsim_objcache *c)
{
	if (CACHE_MALLOC) {
		void *p = malloc(c->size);
		if (p)
			atomic_fetch_add_explicit(&c->live, 1, memory_order_relaxed);
		return p;
	}
	struct oc_shard *s = &c->shard[zsim_shard()];
	pthread_mutex_lock(&s->lock);
	struct zsim_free_link *f = NULL;
	if (s->head || refill(c, s) == 0) {
		f = s->head;
		s->head = f->next;
		s->nr--;
	}
	pthread_mutex_unlock(&s->lock);
	return f;
}

void zsim_objcache_free(struct zsim_objcache *c, void *obj)
{
	if (!obj)
		return;
	if (CACHE_MALLOC) {
		atomic_fetch_sub_explicit(&c->live, 1, memory_order_relaxed);
		free(obj);
		return;
	}
	struct oc_shard *s = &c->shard[zsim_shard()];
	struct zsim_free_link *f = obj;
	pthread_mutex_lock(&s->lock);
	f->next = s->head;
	s->head = f;
	if (++s->nr > CACHE_SHARD_MAX) {
		/* The CACHE_BATCH most recently freed go back as one chain. */
		struct zsim_free_link *chain = zsim_chain_cut(&s->head, CACHE_BATCH);
		s->nr -= CACHE_BATCH;
		pthread_mutex_lock(&c->lock);
		zsim_chain_give(&c->chains, chain);
		pthread_mutex_unlock(&c->lock);
	}
	pthread_mutex_unlock(&s->lock);
}
