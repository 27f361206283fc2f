/*
 * pcpu_ref.c - per-CPU reference counts (pcpu_ref.h). A per-CPU get or
 * put read-locks its thread's shard of the mode lock and adds to its
 * thread's delta: two uncontended atomics and a store on lines no other
 * thread writes. Atomic mode is read without the lock once set, since it
 * is never cleared.
 */
#include "common/pcpu_ref.h"

int zsim_pcpu_ref_init(struct zsim_pcpu_ref *r, long initial)
{
	atomic_init(&r->atomic_mode, false);
	atomic_init(&r->count, initial);
	for (unsigned i = 0; i < ZSIM_BRLOCK_SHARDS; i++)
		atomic_init(&r->delta[i].v, 0);
	return zsim_brlock_init(&r->mode, false);
}

void zsim_pcpu_ref_destroy(struct zsim_pcpu_ref *r)
{
	zsim_brlock_destroy(&r->mode);
}

/* Add n to this thread's delta if still in per-CPU mode. */
static bool pcpu_add(struct zsim_pcpu_ref *r, long n)
{
	if (atomic_load_explicit(&r->atomic_mode, memory_order_acquire))
		return false;
	bool done = false;
	zsim_brlock_read_lock(&r->mode);
	if (!atomic_load_explicit(&r->atomic_mode, memory_order_relaxed)) {
		atomic_fetch_add_explicit(&r->delta[zsim_thread_index() % ZSIM_BRLOCK_SHARDS].v, n,
					  memory_order_relaxed);
		done = true;
	}
	zsim_brlock_read_unlock(&r->mode);
	return done;
}

bool zsim_pcpu_ref_tryget(struct zsim_pcpu_ref *r, long n)
{
	if (pcpu_add(r, n))
		return true;
	long c = atomic_load_explicit(&r->count, memory_order_relaxed);
	while (c > 0)
		if (atomic_compare_exchange_weak_explicit(&r->count, &c, c + n, memory_order_acquire,
							  memory_order_relaxed))
			return true;
	return false;
}

void zsim_pcpu_ref_get(struct zsim_pcpu_ref *r, long n)
{
	if (!pcpu_add(r, n))
		atomic_fetch_add_explicit(&r->count, n, memory_order_relaxed);
}

bool zsim_pcpu_ref_put(struct zsim_pcpu_ref *r, long n)
{
	if (pcpu_add(r, -n))
		return false;
	return atomic_fetch_sub_explicit(&r->count, n, memory_order_acq_rel) == n;
}

void zsim_pcpu_ref_kill(struct zsim_pcpu_ref *r)
{
	zsim_brlock_write_lock(&r->mode);
	if (!atomic_load_explicit(&r->atomic_mode, memory_order_relaxed)) {
		long sum = 0;
		for (unsigned i = 0; i < ZSIM_BRLOCK_SHARDS; i++)
			sum += atomic_exchange_explicit(&r->delta[i].v, 0, memory_order_relaxed);
		atomic_fetch_add_explicit(&r->count, sum, memory_order_relaxed);
		atomic_store_explicit(&r->atomic_mode, true, memory_order_release);
	}
	zsim_brlock_write_unlock(&r->mode);
}

long zsim_pcpu_ref_read(struct zsim_pcpu_ref *r)
{
	if (atomic_load_explicit(&r->atomic_mode, memory_order_acquire))
		return atomic_load_explicit(&r->count, memory_order_acquire);
	zsim_brlock_read_lock(&r->mode);
	long c = atomic_load_explicit(&r->count, memory_order_relaxed);
	if (!atomic_load_explicit(&r->atomic_mode, memory_order_relaxed))
		for (unsigned i = 0; i < ZSIM_BRLOCK_SHARDS; i++)
			c += atomic_load_explicit(&r->delta[i].v, memory_order_relaxed);
	zsim_brlock_read_unlock(&r->mode);
	return c;
}
