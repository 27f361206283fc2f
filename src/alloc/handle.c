/*
 * handle.c - the handle table (see handle.h): our form of zsmalloc's
 * zs_handle slab cache.
 *
 * What it models: one small cell per object, allocated before the object
 * and freed after it (cache_alloc_handle/cache_free_handle), which stores
 * the object's location so compaction can move objects by rewriting only
 * the cell. ZSIM_FAULT_ZS_HANDLE is checked by the callers.
 * How it differs from the kernel: a cell is 16 bytes (location, generation,
 * object index, requested size) instead of 8, so that any handle can be
 * checked; cells are never returned to libc before the pool is destroyed
 * (a slab would give empty slabs back); the memory is bookkeeping, counted
 * in meta_bytes, not in the simulated pages.
 */
#include "alloc/handle.h"

#include <stdlib.h>
#include <string.h>

static _Atomic uint32_t pool_tag_counter;
static _Atomic uint32_t gen_counter;

uint8_t zsa_next_pool_tag(void)
{
	uint32_t n = atomic_fetch_add_explicit(&pool_tag_counter, 1, memory_order_relaxed);
	return (uint8_t)(n % 255u + 1u);
}

void zsa_htab_init(struct zsa_htab *ht, _Atomic uint64_t *meta_bytes)
{
	memset(ht, 0, sizeof(*ht));
	pthread_mutex_init(&ht->grow_lock, NULL);
	ht->tag = zsa_next_pool_tag();
	/* Different pools start their generations far apart, so the first
	 * handle of one pool is not also a live handle of another. */
	uint32_t n = atomic_fetch_add_explicit(&gen_counter, 1, memory_order_relaxed);
	ht->gen_base = (n * 0x9e3779b1u) & 0x7fffffffu;
	ht->meta_bytes = meta_bytes;
}

static uint32_t seg_cells(unsigned k)
{
	return k == 0 ? 1u << ZSA_HT_SEG0_SHIFT : 1u << (k + ZSA_HT_SEG0_SHIFT - 1);
}

void zsa_htab_destroy(struct zsa_htab *ht)
{
	for (unsigned k = 0; k < ZSA_HT_SEGMENTS; k++) {
		struct zsa_cell *s = atomic_load_explicit(&ht->seg[k], memory_order_relaxed);
		if (!s)
			continue;
		if (ht->meta_bytes)
			atomic_fetch_sub_explicit(ht->meta_bytes,
						  (uint64_t)seg_cells(k) * sizeof(*s),
						  memory_order_relaxed);
		free(s);
		atomic_store_explicit(&ht->seg[k], NULL, memory_order_relaxed);
	}
	pthread_mutex_destroy(&ht->grow_lock);
}

uint64_t zsa_htab_bytes(const struct zsa_htab *ht)
{
	uint64_t b = 0;
	for (unsigned k = 0; k < ZSA_HT_SEGMENTS; k++)
		if (atomic_load_explicit(&ht->seg[k], memory_order_relaxed))
			b += (uint64_t)seg_cells(k) * sizeof(struct zsa_cell);
	return b;
}

static _Atomic uint64_t *my_head(struct zsa_htab *ht)
{
	return &ht->free[zsim_shard()].v;
}

/* Push the chain first..last (already linked through loc) on a free list. */
static void push_chain(_Atomic uint64_t *head, uint32_t first, struct zsa_cell *last)
{
	uint64_t old = atomic_load_explicit(head, memory_order_relaxed);
	uint64_t nw;
	do {
		atomic_store_explicit(&last->loc, (uint32_t)old, memory_order_relaxed);
		nw = (((old >> 32) + 1) << 32) | ((uint64_t)first + 1);
	} while (!atomic_compare_exchange_weak_explicit(head, &old, nw, memory_order_release,
							memory_order_relaxed));
}

void zsa_htab_release(struct zsa_htab *ht, uint32_t idx)
{
	push_chain(my_head(ht), idx, zsa_htab_cell(ht, idx));
}

/* Pop one cell from a free list. Return: its index + 1, or 0 if empty. */
static uint32_t pop(struct zsa_htab *ht, _Atomic uint64_t *head)
{
	uint64_t old = atomic_load_explicit(head, memory_order_acquire);
	while ((uint32_t)old) {
		/* The cell may be taken and reused under us; its memory stays
		 * valid, and the ABA tag makes the CAS fail in that case. */
		struct zsa_cell *c = zsa_htab_cell(ht, (uint32_t)old - 1);
		uint64_t next = (uint32_t)atomic_load_explicit(&c->loc, memory_order_relaxed);
		uint64_t nw = (((old >> 32) + 1) << 32) | next;
		if (atomic_compare_exchange_weak_explicit(head, &old, nw, memory_order_acquire,
							  memory_order_acquire))
			return (uint32_t)old;
	}
	return 0;
}

static bool any_free(struct zsa_htab *ht)
{
	for (unsigned s = 0; s < ZSIM_SHARDS; s++)
		if ((uint32_t)atomic_load_explicit(&ht->free[s].v, memory_order_acquire))
			return true;
	return false;
}

static int grow(struct zsa_htab *ht)
{
	pthread_mutex_lock(&ht->grow_lock);
	/* Someone else may have grown (or freed) while we waited. */
	if (any_free(ht)) {
		pthread_mutex_unlock(&ht->grow_lock);
		return 0;
	}
	unsigned k = ht->nr_segs;
	if (k >= ZSA_HT_SEGMENTS) {
		pthread_mutex_unlock(&ht->grow_lock);
		return ZSIM_ENOMEM;
	}
	uint32_t n = seg_cells(k);
	uint32_t base = k == 0 ? 0 : n; /* segment k > 0 starts at its size */
	if (k == ZSA_HT_SEGMENTS - 1)
		n--; /* keep index 0xffffffff unused */
	struct zsa_cell *s = malloc((size_t)n * sizeof(*s));
	if (!s) {
		pthread_mutex_unlock(&ht->grow_lock);
		return ZSIM_ENOMEM;
	}
	for (uint32_t i = 0; i < n; i++) {
		atomic_init(&s[i].loc, i + 1 < n ? (uint64_t)base + i + 2 : 0);
		atomic_init(&s[i].state, ht->gen_base << 1);
		s[i].obj_idx = 0;
		s[i].size = 0;
	}
	if (ht->meta_bytes)
		atomic_fetch_add_explicit(ht->meta_bytes, (uint64_t)n * sizeof(*s),
					  memory_order_relaxed);
	atomic_store_explicit(&ht->seg[k], s, memory_order_release);
	atomic_store_explicit(&ht->nr_cells, base + n, memory_order_release);
	ht->nr_segs = k + 1;
	push_chain(my_head(ht), base, &s[n - 1]);
	pthread_mutex_unlock(&ht->grow_lock);
	return 0;
}

/*
 * Own list empty: take up to ZSA_HT_STEAL cells from another shard's list
 * at once, return the first and keep the rest on our own list. Taking one
 * cell at a time would have two threads popping the same list cell after
 * cell (the head's line and neighbouring cells moving between CPUs on
 * every allocation), as right after a growth, when every new cell is on
 * the grower's list. A slab refills its per-CPU cache in batches the same
 * way. Return: index + 1 of a cell, or 0 if the victim's list was empty.
 * Kept out of line: zsa_htab_alloc's own-list pop is on every store, this
 * runs once per 32 cells at most (inlined, the one-thread store measured
 * about 2 % slower, alternating builds).
 */
__attribute__((noinline, cold)) static uint32_t steal(struct zsa_htab *ht, _Atomic uint64_t *victim,
						    _Atomic uint64_t *mine)
{
	uint32_t got = pop(ht, victim);
	if (!got)
		return 0;
	const uint32_t first = pop(ht, victim);
	if (!first)
		return got;
	uint32_t last = first, i1;
	for (unsigned n = 2; n < ZSA_HT_STEAL && (i1 = pop(ht, victim)); n++) {
		atomic_store_explicit(&zsa_htab_cell(ht, last - 1)->loc, i1, memory_order_relaxed);
		last = i1;
	}
	push_chain(mine, first - 1, zsa_htab_cell(ht, last - 1));
	return got;
}

int zsa_htab_alloc(struct zsa_htab *ht, uint32_t *idx)
{
	unsigned me = zsim_shard();
	_Atomic uint64_t *mine = &ht->free[me].v;
	for (;;) {
		uint32_t i1 = pop(ht, mine);
		for (unsigned k = 1; !i1 && k < ZSIM_SHARDS; k++)
			i1 = steal(ht, &ht->free[(me + k) % ZSIM_SHARDS].v, mine);
		if (i1) {
			*idx = i1 - 1;
			return 0;
		}
		int rc = grow(ht);
		if (rc)
			return rc;
	}
}
