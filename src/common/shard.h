/*
 * shard.h - which shard of a per-thread structure the calling thread uses.
 * The kernel indexes such structures by CPU (this_cpu_ptr); a simulator
 * thread is not pinned to a CPU, so threads are numbered in the order they
 * first ask and take shard (number % ZSIM_SHARDS). Used by the big-reader
 * locks, the per-CPU reference counts, the handle table's free lists and
 * the page allocator's free lists.
 */
#ifndef ZSIM_COMMON_SHARD_H
#define ZSIM_COMMON_SHARD_H

#include "common/compiler.h"

#define ZSIM_SHARDS 16

/* Bytes between two shards' fields: whatever the base's alignment, two
 * shards never share a cache line. */
#define ZSIM_SHARD_STRIDE 128

/* An array of shards is preceded by ZSIM_SHARD_LEAD bytes of padding in
 * its struct, so that shard 0, which its thread writes, never shares a
 * cache line with the fields before it, which every thread reads (a
 * misaligned base included: the last byte before and the first byte of
 * shard 0 are more than a line apart). Without it, the thread on shard 0
 * made every other thread miss on, e.g., the zsmalloc pool's ops pointer. */
#define ZSIM_SHARD_LEAD ZSIM_CACHELINE

extern _Thread_local unsigned zsim_thread_index_plus1 ZSIM_TLS_IE; /* 0: not numbered */
unsigned zsim_thread_index_slow(void);

/* A small number for the calling thread, fixed at its first call:
 * threads are numbered 0, 1, 2 ... in the order they first ask. */
static inline unsigned zsim_thread_index(void)
{
	unsigned v = zsim_thread_index_plus1;
	return zsim_likely(v) ? v - 1 : zsim_thread_index_slow();
}

/* The calling thread's shard, 0 .. ZSIM_SHARDS - 1. */
static inline unsigned zsim_shard(void)
{
	return zsim_thread_index() % ZSIM_SHARDS;
}

#endif
