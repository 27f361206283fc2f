/*
 * lru.c - the zswap LRU: a list per (memcg, node), as the memcg- and
 * NUMA-aware list_lru of 6.8+. Entries are added at the tail on store
 * (after the tree insert, so writeback only finds finished entries) and
 * walked from the head, so the order is FIFO with second chance (6.12+).
 * Differences: 6.1's LRU lived inside zbud/z3fold (zsmalloc had none, so
 * 6.1 + zsmalloc never writes back); we keep the lists in every profile
 * and the writeback code decides per profile.
 */
#include "common/spinmutex.h"
#include "zswap/zswap_internal.h"

int zsim_lru_init(struct zsim_lru_list *l)
{
	l->head = l->tail = NULL;
	l->nr = 0;
	atomic_store(&l->nr_disk_swapins, 0);
	return zsim_spinmutex_init(&l->lock) ? ZSIM_ENOMEM : 0;
}

void zsim_lru_destroy(struct zsim_lru_list *l)
{
	pthread_mutex_destroy(&l->lock);
}

static struct zsim_lru_list *entry_list(struct zsim_zswap *z, const struct zsim_entry *e,
					unsigned nid)
{
	struct zsim_memcg *m = atomic_load_explicit(&z->memcgs[e->memcg], memory_order_acquire);
	return &m->lru[nid];
}

void zsim_lru_add(struct zsim_zswap *z, struct zsim_entry *e, unsigned nid)
{
	struct zsim_lru_list *l = entry_list(z, e, nid);
	pthread_mutex_lock(&l->lock);
	e->lru_next = NULL;
	e->lru_prev = l->tail;
	if (l->tail)
		l->tail->lru_next = e;
	else
		l->head = e;
	l->tail = e;
	l->nr++;
	e->flags |= ZSIM_ENTRY_ON_LRU;
	pthread_mutex_unlock(&l->lock);
}

void zsim_lru_del(struct zsim_zswap *z, struct zsim_entry *e, unsigned nid)
{
	struct zsim_lru_list *l = entry_list(z, e, nid);
	pthread_mutex_lock(&l->lock);
	if (e->flags & ZSIM_ENTRY_ON_LRU) {
		if (e->lru_prev)
			e->lru_prev->lru_next = e->lru_next;
		else
			l->head = e->lru_next;
		if (e->lru_next)
			e->lru_next->lru_prev = e->lru_prev;
		else
			l->tail = e->lru_prev;
		l->nr--;
		e->flags &= (uint8_t)~ZSIM_ENTRY_ON_LRU;
		e->lru_prev = e->lru_next = NULL;
	}
	pthread_mutex_unlock(&l->lock);
}
