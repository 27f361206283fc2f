/*
 * pcpu_ref.c - per-CPU reference counts (pcpu_ref.h). A per-CPU get or
 * put marks itself inside its thread's shard, checks that no kill has
 * begun, adds to the shard's delta and unmarks itself: three atomics on a
 * line no other thread writes (unless more than 16 threads share shards).
 * A kill raises `killing`, waits for every shard to be empty of
 * operations, then folds the deltas; operations that saw `killing` go to
 * the atomic count, which they may touch only once atomic_mode is set.
 */
#include "common/pcpu_ref.h"

#include <sched.h>

#include "zswapsim/common.h"

int zsim_pcpu_ref_init(struct zsim_pcpu_ref *r, long initial)
{
	atomic_init(&r->killing, false);
	atomic_init(&r->atomic_mode, false);
	atomic_init(&r->count, initial);
	for (unsigned i = 0; i < ZSIM_SHARDS; i++) {
		atomic_init(&r->shard[i].s.delta, 0);
		atomic_init(&r->shard[i].s.inside, 0);
	}
	return pthread_mutex_init(&r->kill_lock, NULL) ? ZSIM_ENOMEM : 0;
}

void zsim_pcpu_ref_destroy(struct zsim_pcpu_ref *r)
{
	pthread_mutex_destroy(&r->kill_lock);
}

/* Add n to this thread's delta if no kill has begun. */
static bool pcpu_add(struct zsim_pcpu_ref *r, long n)
{
	if (atomic_load_explicit(&r->killing, memory_order_relaxed))
		return false;
	union zsim_pcpu_ref_shard *sh = &r->shard[zsim_shard()];
	atomic_fetch_add_explicit(&sh->s.inside, 1, memory_order_seq_cst);
	bool ok = !atomic_load_explicit(&r->killing, memory_order_seq_cst);
	if (ok)
		atomic_fetch_add_explicit(&sh->s.delta, n, memory_order_relaxed);
	atomic_fetch_sub_explicit(&sh->s.inside, 1, memory_order_release);
	return ok;
}

/* A kill has begun: wait until its deltas are folded into count. */
static void wait_atomic(struct zsim_pcpu_ref *r)
{
	while (!atomic_load_explicit(&r->atomic_mode, memory_order_acquire))
		sched_yield();
}

bool zsim_pcpu_ref_tryget(struct zsim_pcpu_ref *r, long n)
{
	if (pcpu_add(r, n))
		return true;
	wait_atomic(r);
	long c = atomic_load_explicit(&r->count, memory_order_relaxed);
	while (c > 0)
		if (atomic_compare_exchange_weak_explicit(&r->count, &c, c + n, memory_order_acquire,
							  memory_order_relaxed))
			return true;
	return false;
}

void zsim_pcpu_ref_get(struct zsim_pcpu_ref *r, long n)
{
	if (pcpu_add(r, n))
		return;
	wait_atomic(r);
	atomic_fetch_add_explicit(&r->count, n, memory_order_relaxed);
}

bool zsim_pcpu_ref_put(struct zsim_pcpu_ref *r, long n)
{
	if (pcpu_add(r, -n))
		return false;
	wait_atomic(r);
	return atomic_fetch_sub_explicit(&r->count, n, memory_order_acq_rel) == n;
}

void zsim_pcpu_ref_kill(struct zsim_pcpu_ref *r)
{
	pthread_mutex_lock(&r->kill_lock);
	if (!atomic_load_explicit(&r->atomic_mode, memory_order_relaxed)) {
		atomic_store_explicit(&r->killing, true, memory_order_seq_cst);
		long sum = 0;
		for (unsigned i = 0; i < ZSIM_SHARDS; i++) {
			union zsim_pcpu_ref_shard *sh = &r->shard[i];
			/* An operation that marked itself before our flag was
			 * visible to it adds its delta: wait for it. */
			while (atomic_load_explicit(&sh->s.inside, memory_order_seq_cst))
				sched_yield();
			sum += atomic_exchange_explicit(&sh->s.delta, 0, memory_order_acquire);
		}
		atomic_fetch_add_explicit(&r->count, sum, memory_order_relaxed);
		atomic_store_explicit(&r->atomic_mode, true, memory_order_release);
	}
	pthread_mutex_unlock(&r->kill_lock);
}

long zsim_pcpu_ref_read(struct zsim_pcpu_ref *r)
{
	if (atomic_load_explicit(&r->atomic_mode, memory_order_acquire))
		return atomic_load_explicit(&r->count, memory_order_acquire);
	/* A snapshot: exact when nothing runs concurrently. */
	long c = atomic_load_explicit(&r->count, memory_order_relaxed);
	for (unsigned i = 0; i < ZSIM_SHARDS; i++)
		c += atomic_load_explicit(&r->shard[i].s.delta, memory_order_relaxed);
	if (atomic_load_explicit(&r->atomic_mode, memory_order_acquire))
		return atomic_load_explicit(&r->count, memory_order_acquire);
	return c;
}
