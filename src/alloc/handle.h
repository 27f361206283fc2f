/*
 * handle.h - the handle table: zsmalloc's zs_handle slab (one 8-byte cell
 * per object holding its location) made checkable. Every pool type uses it.
 *
 * A handle is (pool tag:8 | generation:24 | cell index:32). The cell keeps
 * the full generation and an "allocated" bit; a handle is accepted only if
 * its tag is the pool's, its index is in the table, the cell is allocated
 * and the generations agree. Freeing bumps the generation, so a freed,
 * double-freed, foreign or garbage handle is refused without touching
 * anything. (A handle 2^24 frees of the same cell old would pass again:
 * the price of 8-byte handles.)
 *
 * Cells live in segments that are never moved or freed before the table
 * is destroyed (segment k > 0 holds 2^(k+9) cells), so a cell pointer
 * stays valid for the table's life and lookups need no lock. Free cells
 * form lock-free LIFOs (Treiber stacks whose heads carry an ABA tag), one
 * per thread shard as the kernel's slab has per-CPU freelists: a thread
 * frees to and allocates from its own, takes from another's only when
 * its own is empty (then ZSA_HT_STEAL of them at once, as a slab refills
 * its per-CPU cache in batches), and grows the table only when all are.
 *
 * Locking: the table itself needs none for lookup, alloc and release
 * (atomics); grow_lock serialises growth only. The cell's loc/obj_idx/size
 * fields belong to the pool type using the table, which says under which
 * lock they change (zs_internal.h for zsmalloc).
 */
#ifndef ZSIM_ALLOC_HANDLE_H
#define ZSIM_ALLOC_HANDLE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "zswapsim/zpool.h"
#include "common/shard.h"

struct zsa_cell {
	/* Allocated: the owner's location word (zsmalloc: the zspage; the
	 * baselines: the object's memory). Free: index + 1 of the next free
	 * cell (0 ends the list). */
	_Atomic uint64_t loc;
	/* (generation << 1) | allocated */
	_Atomic uint32_t state;
	uint16_t obj_idx; /* zsmalloc: object index within the zspage */
	uint16_t size;    /* requested size (1..4096) */
};

#define ZSA_HT_SEGMENTS 23 /* covers 2^32 cells */
#define ZSA_HT_SEG0_SHIFT 10
#define ZSA_HT_STEAL 32 /* cells taken at once from another shard */

union zsa_free_head {
	_Atomic uint64_t v; /* (aba tag << 32) | (index + 1); index + 1 == 0: empty */
	char pad[ZSIM_SHARD_STRIDE];
};

struct zsa_htab {
	_Atomic(struct zsa_cell *) seg[ZSA_HT_SEGMENTS];
	char lead[ZSIM_SHARD_LEAD];
	union zsa_free_head free[ZSIM_SHARDS]; /* one per thread shard */
	_Atomic uint32_t nr_cells;  /* cells in segments published so far */
	unsigned nr_segs;           /* under grow_lock */
	pthread_mutex_t grow_lock;
	uint32_t gen_base;          /* first generation of every cell */
	uint8_t tag;                /* this table's (pool's) tag, never 0 */
	_Atomic uint64_t *meta_bytes; /* bookkeeping bytes sink */
};

/* Make an empty table; meta_bytes (may be NULL) is charged for segments. */
void zsa_htab_init(struct zsa_htab *ht, _Atomic uint64_t *meta_bytes);
void zsa_htab_destroy(struct zsa_htab *ht);

static inline struct zsa_cell *zsa_htab_cell(struct zsa_htab *ht, uint32_t idx)
{
	unsigned k;
	uint32_t off;
	if (idx < (1u << ZSA_HT_SEG0_SHIFT)) {
		k = 0;
		off = idx;
	} else {
		unsigned lg = 31u - (unsigned)__builtin_clz(idx);
		k = lg - (ZSA_HT_SEG0_SHIFT - 1);
		off = idx - (1u << lg);
	}
	struct zsa_cell *s = atomic_load_explicit(&ht->seg[k], memory_order_acquire);
	return s ? &s[off] : NULL;
}

/*
 * Take a free cell (grow the table if none is left). The cell is not yet
 * allocated: fill its fields, then zsa_htab_publish().
 * Context: any thread; lock-free except growth (grow_lock, may malloc).
 * Return: 0 and *idx, or ZSIM_ENOMEM (growth failed or table full).
 */
int zsa_htab_alloc(struct zsa_htab *ht, uint32_t *idx);
/* Give back a cell: taken by zsa_htab_alloc and never published, or
 * claimed by zsa_htab_claim. */
void zsa_htab_release(struct zsa_htab *ht, uint32_t idx);

/* Mark the cell allocated and return its handle. */
static inline zsim_handle_t zsa_htab_publish(struct zsa_htab *ht, uint32_t idx,
					     struct zsa_cell *c)
{
	uint32_t st = atomic_load_explicit(&c->state, memory_order_relaxed) | 1u;
	atomic_store_explicit(&c->state, st, memory_order_release);
	return ((uint64_t)ht->tag << 56) | ((uint64_t)((st >> 1) & 0xffffffu) << 32) | idx;
}

/* The handle of an allocated cell (from its index and current state). */
static inline zsim_handle_t zsa_htab_handle_of(const struct zsa_htab *ht, uint32_t idx,
					       uint32_t state)
{
	return ((uint64_t)ht->tag << 56) | ((uint64_t)((state >> 1) & 0xffffffu) << 32) | idx;
}

/*
 * Resolve a handle to its cell if the handle is live; *state gets the
 * state word seen (for zsa_htab_claim / re-checks).
 * Return: the cell, or NULL for any handle that is not live in this table.
 */
static inline struct zsa_cell *zsa_htab_get(struct zsa_htab *ht, zsim_handle_t h,
					    uint32_t *state)
{
	if ((uint8_t)(h >> 56) != ht->tag)
		return NULL;
	uint32_t idx = (uint32_t)h;
	if (idx >= atomic_load_explicit(&ht->nr_cells, memory_order_acquire))
		return NULL;
	struct zsa_cell *c = zsa_htab_cell(ht, idx);
	if (!c)
		return NULL;
	uint32_t st = atomic_load_explicit(&c->state, memory_order_acquire);
	if (!(st & 1u) || ((st >> 1) & 0xffffffu) != ((h >> 32) & 0xffffffu))
		return NULL;
	*state = st;
	return c;
}

/* Still the same live object as when *state was read? */
static inline bool zsa_htab_still(struct zsa_cell *c, uint32_t state)
{
	return atomic_load_explicit(&c->state, memory_order_acquire) == state;
}

/*
 * Claim a live cell for freeing: one caller wins, every other (a racing
 * double free) loses. The winner owns the cell until zsa_htab_release().
 */
static inline bool zsa_htab_claim(struct zsa_htab *ht, struct zsa_cell *c, uint32_t state)
{
	uint32_t freed = ((state >> 1) + 1u) << 1;
	(void)ht;
	return atomic_compare_exchange_strong_explicit(&c->state, &state, freed,
						       memory_order_acq_rel,
						       memory_order_relaxed);
}

/* Bytes of cells held by the table (bookkeeping, not modelled memory). */
uint64_t zsa_htab_bytes(const struct zsa_htab *ht);

/* Next pool tag (1..255), distinct for the last 255 pools made. */
uint8_t zsa_next_pool_tag(void);

#endif
