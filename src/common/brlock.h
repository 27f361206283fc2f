/*
 * brlock.h - a big-reader lock: a reader/writer lock whose readers on
 * different threads never write the same cache line. Each thread
 * read-locks the shard its thread index picks; a writer write-locks every
 * shard in order. Models nothing in the kernel by itself: it is how the
 * simulator gives the read sides that the kernel makes cheap (percpu_ref,
 * RCU) or that it leaves as one rwlock_t (zsmalloc's pool->lock) a cost
 * that does not grow with the number of threads. The exclusion is the
 * rwlock's; only the cost differs.
 */
#ifndef ZSIM_COMMON_BRLOCK_H
#define ZSIM_COMMON_BRLOCK_H

#include <pthread.h>
#include <stdbool.h>

#include "common/shard.h"

union zsim_brlock_shard {
	pthread_rwlock_t l;
	char pad[ZSIM_SHARD_STRIDE];
};

struct zsim_brlock {
	char lead[ZSIM_SHARD_LEAD];
	union zsim_brlock_shard s[ZSIM_SHARDS];
};

/* prefer_writer: a waiting writer blocks new readers (glibc's
 * PREFER_WRITER_NONRECURSIVE), so that a steady stream of readers cannot
 * starve it. Return: 0 or ZSIM_ENOMEM. */
int zsim_brlock_init(struct zsim_brlock *b, bool prefer_writer);
void zsim_brlock_destroy(struct zsim_brlock *b);

static inline void zsim_brlock_read_lock(struct zsim_brlock *b)
{
	pthread_rwlock_rdlock(&b->s[zsim_shard()].l);
}

/* By the thread that read-locked b (it unlocks the same shard). */
static inline void zsim_brlock_read_unlock(struct zsim_brlock *b)
{
	pthread_rwlock_unlock(&b->s[zsim_shard()].l);
}

void zsim_brlock_write_lock(struct zsim_brlock *b);
void zsim_brlock_write_unlock(struct zsim_brlock *b);

#endif
