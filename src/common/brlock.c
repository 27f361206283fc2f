/*
 * brlock.c - the big-reader lock's writer side and setup (brlock.h).
 */
#define _GNU_SOURCE /* pthread_rwlockattr_setkind_np */
#include "common/brlock.h"

#include "zswapsim/common.h"

int zsim_brlock_init(struct zsim_brlock *b, bool prefer_writer)
{
	pthread_rwlockattr_t ra;
	if (pthread_rwlockattr_init(&ra))
		return ZSIM_ENOMEM;
	if (prefer_writer)
		pthread_rwlockattr_setkind_np(&ra, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	unsigned i;
	for (i = 0; i < ZSIM_SHARDS; i++)
		if (pthread_rwlock_init(&b->s[i].l, &ra))
			break;
	pthread_rwlockattr_destroy(&ra);
	if (i == ZSIM_SHARDS)
		return 0;
	while (i--)
		pthread_rwlock_destroy(&b->s[i].l);
	return ZSIM_ENOMEM;
}

void zsim_brlock_destroy(struct zsim_brlock *b)
{
	for (unsigned i = 0; i < ZSIM_SHARDS; i++)
		pthread_rwlock_destroy(&b->s[i].l);
}

void zsim_brlock_write_lock(struct zsim_brlock *b)
{
	for (unsigned i = 0; i < ZSIM_SHARDS; i++)
		pthread_rwlock_wrlock(&b->s[i].l);
}

void zsim_brlock_write_unlock(struct zsim_brlock *b)
{
	for (unsigned i = ZSIM_SHARDS; i-- > 0;)
		pthread_rwlock_unlock(&b->s[i].l);
}
