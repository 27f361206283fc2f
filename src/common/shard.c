/*
 * shard.c - thread numbering for per-thread shards (shard.h).
 */
#include "common/shard.h"

#include <stdatomic.h>

static _Atomic unsigned next_index;
static _Thread_local unsigned index_plus1; /* 0: not numbered yet */

unsigned zsim_thread_index(void)
{
	if (__builtin_expect(!index_plus1, 0))
		index_plus1 = atomic_fetch_add_explicit(&next_index, 1, memory_order_relaxed) + 1;
	return index_plus1 - 1;
}
