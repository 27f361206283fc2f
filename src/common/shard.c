/*
 * shard.c - thread numbering for per-thread shards (shard.h): the first
 * call on a thread takes the next number.
 */
#include "common/shard.h"

#include <stdatomic.h>

static _Atomic unsigned next_index;
_Thread_local unsigned zsim_thread_index_plus1 ZSIM_TLS_IE;

unsigned zsim_thread_index_slow(void)
{
	zsim_thread_index_plus1 = atomic_fetch_add_explicit(&next_index, 1, memory_order_relaxed) + 1;
	return zsim_thread_index_plus1 - 1;
}
