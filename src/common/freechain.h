/*
 * freechain.h - free lists of a per-thread shard that give their surplus
 * to a shared list, and take it back, a batch at a time: the shape of the
 * kernel's per-CPU page lists against the zone's, and of a slab's per-CPU
 * caches. A free object's first two words link it: `next` within its
 * list, and, on the first object of a batch given to the shared list,
 * `next_chain` to the next batch, so giving and taking a batch are O(1)
 * under the shared lock. Used by the page allocator (free pages) and the
 * object cache (free entries); the locking is the caller's.
 */
#ifndef ZSIM_COMMON_FREECHAIN_H
#define ZSIM_COMMON_FREECHAIN_H

struct zsim_free_link {
	struct zsim_free_link *next;
	struct zsim_free_link *next_chain;
};

/* Detach the `batch` objects at the head of *head (the most recently
 * freed; the list holds more than that) as one chain; returns its first.
 * Context: the shard's lock. */
static inline struct zsim_free_link *zsim_chain_cut(struct zsim_free_link **head, unsigned batch)
{
	struct zsim_free_link *first = *head, *last = first;
	for (unsigned i = 1; i < batch; i++)
		last = last->next;
	*head = last->next;
	last->next = NULL;
	return first;
}

/* Put a chain from zsim_chain_cut on the shared list. Context: its lock. */
static inline void zsim_chain_give(struct zsim_free_link **shared, struct zsim_free_link *chain)
{
	chain->next_chain = *shared;
	*shared = chain;
}

/* Take a chain off the shared list (NULL-terminated through `next`), or
 * NULL when it is empty. Context: its lock. */
static inline struct zsim_free_link *zsim_chain_take(struct zsim_free_link **shared)
{
	struct zsim_free_link *chain = *shared;
	if (chain)
		*shared = chain->next_chain;
	return chain;
}

#endif
