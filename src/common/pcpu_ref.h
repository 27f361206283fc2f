/*
 * pcpu_ref.h - a reference count whose gets and puts touch only the
 * calling thread's cache line while the object is alive for sure: the
 * kernel's percpu_ref (lib/percpu-refcount.c), which zswap pools use.
 *
 * In per-CPU mode the count is the atomic part (the base reference) plus
 * per-thread-shard deltas, which may be negative (a get on one thread, its
 * put on another) and are never compared with zero: the base reference
 * keeps the object alive. zsim_pcpu_ref_kill() switches for good to atomic
 * mode, folding the deltas into the atomic part; from then on a put that
 * brings it to zero reports it. Where the kernel waits an RCU grace period
 * for in-flight per-CPU operations, the switch here raises a flag and
 * waits until no thread is inside a per-CPU get or put: each marks itself
 * in its shard (on the same cache line as its delta) and checks the flag
 * after (a Dekker handshake, sequentially consistent on both sides).
 */
#ifndef ZSIM_COMMON_PCPU_REF_H
#define ZSIM_COMMON_PCPU_REF_H

#include <stdatomic.h>
#include <stdbool.h>

#include <pthread.h>

#include "common/shard.h"

union zsim_pcpu_ref_shard {
	struct {
		_Atomic long delta;      /* this shard's gets minus puts */
		_Atomic unsigned inside; /* threads in a per-CPU get/put now */
	} s;
	char pad[ZSIM_SHARD_STRIDE];
};

struct zsim_pcpu_ref {
	_Atomic bool killing;     /* set once: no new per-CPU operation */
	_Atomic bool atomic_mode; /* set once, after the deltas are folded */
	_Atomic long count;       /* the whole count once in atomic mode */
	pthread_mutex_t kill_lock;
	char lead[ZSIM_SHARD_LEAD];
	union zsim_pcpu_ref_shard shard[ZSIM_SHARDS];
};

/* Per-CPU mode, count `initial` (the base reference). Return: 0 or ZSIM_ENOMEM. */
int zsim_pcpu_ref_init(struct zsim_pcpu_ref *r, long initial);
void zsim_pcpu_ref_destroy(struct zsim_pcpu_ref *r);

/* n more references if the count is not zero (percpu_ref_tryget):
 * always in per-CPU mode, inc-not-zero in atomic mode. */
bool zsim_pcpu_ref_tryget(struct zsim_pcpu_ref *r, long n);
/* n more references; the caller holds one. */
void zsim_pcpu_ref_get(struct zsim_pcpu_ref *r, long n);
/* Drop n references. Return: true if that made the count zero (atomic
 * mode only; the caller then frees the object). */
bool zsim_pcpu_ref_put(struct zsim_pcpu_ref *r, long n);
/* Switch to atomic mode (percpu_ref_kill without the put: the caller
 * drops its base reference with zsim_pcpu_ref_put afterwards). Idempotent. */
void zsim_pcpu_ref_kill(struct zsim_pcpu_ref *r);
/* The count now (exact in atomic mode; a snapshot otherwise). */
long zsim_pcpu_ref_read(struct zsim_pcpu_ref *r);

#endif
