/*
 * tree/xtree.h - the entry tree: an xarray-like radix tree mapping a swap
 * offset to a zswap entry, one per 16384-slot chunk of a swap type, as
 * zswap has used the xarray since 6.9 (see xtree.c for the model and how
 * it differs from lib/xarray.c).
 *
 * Entries are opaque, non-NULL, 4-byte aligned pointers owned by the
 * caller; the tree never dereferences or frees them. Indexes are any
 * uint64_t (zswap passes the full swap offset, not the offset in the chunk).
 *
 * Locking: every tree has its own lock (the xa_lock), a leaf lock. Every
 * function below takes it for the whole call and releases it before
 * returning, loads included (there is no RCU here). While holding it the
 * tree calls only malloc/free and, before each node allocation, the fault
 * injector (which takes its own internal lock, nested inside this one).
 * Calls on different trees never contend. No function may be called on a
 * tree from inside zsim_xtree_for_each()'s callback on that same tree.
 *
 * Errors: 0 or a negative ZSIM_E* code (zswapsim/common.h); the global
 * errno is untouched.
 */
#ifndef ZSIM_TREE_XTREE_H
#define ZSIM_TREE_XTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zswapsim/common.h"

struct zsim_fault_injector;
struct zsim_xtree; /* opaque */

/* 64 slots per node, as XA_CHUNK_SHIFT in the kernel. */
#define ZSIM_XTREE_DEFAULT_SHIFT 6
#define ZSIM_XTREE_MIN_SHIFT 1
#define ZSIM_XTREE_MAX_SHIFT 8

/*
 * zsim_xtree_create - make an empty tree.
 * @chunk_shift: log2 of the slots per node, 1..8; ZSIM_XTREE_DEFAULT_SHIFT
 *               in production, 1 or 2 in tests so trees get deep quickly.
 * @fault: injector asked (ZSIM_FAULT_TREE_NODE) before every node
 *         allocation; may be NULL. It must outlive the tree.
 * Context: any; allocates the tree struct (not subject to injection).
 * Return: 0, ZSIM_EINVAL (bad shift or NULL @out) or ZSIM_ENOMEM.
 */
int zsim_xtree_create(unsigned chunk_shift, struct zsim_fault_injector *fault,
		      struct zsim_xtree **out);

/*
 * zsim_xtree_destroy - free every node and the tree. Entries are not freed
 * (the caller owns them). NULL is a no-op.
 * Context: no other thread may use the tree any more.
 */
void zsim_xtree_destroy(struct zsim_xtree *t);

/*
 * zsim_xtree_store - store @entry at @index (xa_store).
 * @old: receives the entry replaced, or NULL; may be NULL itself.
 * Context: takes the tree lock; may allocate up to 2 * (64 / chunk_shift)
 * nodes, all before linking any, so a failure leaves the tree unchanged.
 * Return: 0; ZSIM_ENOMEM if a node allocation failed (real or injected),
 * then the tree is unchanged and *old is NULL; ZSIM_EINVAL if @entry is
 * NULL or not 4-byte aligned (*old is NULL).
 */
int zsim_xtree_store(struct zsim_xtree *t, uint64_t index, void *entry, void **old);

/*
 * zsim_xtree_load - the entry at @index (xa_load).
 * Context: takes the tree lock.
 * Return: the entry, or NULL if the slot is empty.
 */
void *zsim_xtree_load(struct zsim_xtree *t, uint64_t index);

/*
 * zsim_xtree_erase - remove the entry at @index (xa_erase). Nodes left
 * empty are freed and the tree's height shrinks when it can.
 * Context: takes the tree lock; never allocates.
 * Return: the entry removed, or NULL if the slot was empty.
 */
void *zsim_xtree_erase(struct zsim_xtree *t, uint64_t index);

/*
 * zsim_xtree_cmp_erase - erase @index only if it holds @expected: the
 * writeback re-validation by pointer identity (kernel-zswap.md 1.11).
 * Context: takes the tree lock; never allocates.
 * Return: true if the slot held @expected (non-NULL) and is now empty;
 * false otherwise (also for @expected == NULL), the tree unchanged.
 */
bool zsim_xtree_cmp_erase(struct zsim_xtree *t, uint64_t index, void *expected);

/*
 * zsim_xtree_cmpxchg - if the slot at @index holds @expected (NULL = the
 * slot is empty), store @repl there (@repl NULL = erase) (xa_cmpxchg).
 * @err: set to 0, or to the error; may be NULL.
 * Context: takes the tree lock; allocates only when @expected is NULL,
 * @repl is not and the slot is empty.
 * Return: what the slot held before the call (equal to @expected iff the
 * exchange happened). On failure returns NULL with *err set and the tree
 * unchanged: ZSIM_ENOMEM (only possible when @expected == NULL and
 * @repl != NULL) or ZSIM_EINVAL (@repl not 4-byte aligned).
 */
void *zsim_xtree_cmpxchg(struct zsim_xtree *t, uint64_t index, void *expected,
			 void *repl, int *err);

/*
 * zsim_xtree_any_in_range - is any index in [@first, @last] present?
 * (zswap_is_present over a folio's slots.)
 * Context: takes the tree lock.
 * Return: true if at least one entry lies in the range; false if none or
 * if @first > @last.
 */
bool zsim_xtree_any_in_range(struct zsim_xtree *t, uint64_t first, uint64_t last);

/*
 * zsim_xtree_find - the first entry at an index in [*@index, @max]
 * (xa_find). On success *@index is set to its index.
 * Context: takes the tree lock.
 * Return: the entry, or NULL (and *@index untouched) if there is none.
 */
void *zsim_xtree_find(struct zsim_xtree *t, uint64_t *index, uint64_t max);

/* Context: take the tree lock. Return: true if no entry is present. */
bool zsim_xtree_empty(struct zsim_xtree *t);
/* Context: take the tree lock. Return: the number of entries present. */
uint64_t zsim_xtree_count(struct zsim_xtree *t);
/* Context: take the tree lock. Return: bytes of the nodes plus the tree
 * struct, as requested from malloc (its per-block overhead excluded). */
size_t zsim_xtree_memory(struct zsim_xtree *t);
/* Context: take the tree lock. Return: the number of nodes allocated. */
uint64_t zsim_xtree_nodes(struct zsim_xtree *t);
/* Context: take the tree lock. Return: levels of nodes (0 when empty,
 * 1 when the root is a leaf). */
unsigned zsim_xtree_height(struct zsim_xtree *t);

/* Bytes of one node of a tree with this chunk shift (0 if out of range). */
size_t zsim_xtree_node_size(unsigned chunk_shift);
/* Bytes of an empty tree: zsim_xtree_memory() of a tree with no node. */
size_t zsim_xtree_base_size(void);

/*
 * zsim_xtree_for_each - call @fn(index, entry, @arg) for every entry in
 * ascending index order; stop at the first non-zero return.
 * Context: takes the tree lock for the whole walk; @fn runs under it and
 * must neither modify the tree nor call any zsim_xtree_* on it.
 * Return: the non-zero value that stopped the walk, else 0.
 */
int zsim_xtree_for_each(struct zsim_xtree *t,
			int (*fn)(uint64_t index, void *entry, void *arg), void *arg);

/*
 * zsim_xtree_check - verify the tree's invariants (for tests): shifts and
 * per-node counts consistent, no empty node, the root not reducible, the
 * entry and node totals right, every entry 4-byte aligned.
 * Context: takes the tree lock; O(nodes).
 * Return: 0, or ZSIM_EFAULT if an invariant is broken.
 */
int zsim_xtree_check(struct zsim_xtree *t);

#endif /* ZSIM_TREE_XTREE_H */
