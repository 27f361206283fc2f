/*
 * spinmutex.h - the lock for what the kernel guards with a spinlock shared
 * by every CPU (zsmalloc's class->lock, the xarray's lock, list_lru's
 * lock): held for a few hundred nanoseconds, so a thread that finds it
 * taken spins a little before it sleeps (glibc's adaptive mutex) instead
 * of paying a futex sleep and wake-up, which costs more than the section
 * it waited for (two threads re-storing lz4 pages kept 0.85-0.87 of the
 * raw codec's two-thread scaling with plain mutexes, 0.89-0.91 with
 * these, alternating in one session). The exclusion is a mutex's; only
 * the waiting differs.
 */
#ifndef ZSIM_COMMON_SPINMUTEX_H
#define ZSIM_COMMON_SPINMUTEX_H

#include <pthread.h>

/* Return: pthread_mutex_init's (0 or an errno). */
static inline int zsim_spinmutex_init(pthread_mutex_t *m)
{
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
#ifdef __GLIBC__ /* PTHREAD_MUTEX_ADAPTIVE_NP: glibc's, declared without _GNU_SOURCE */
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ADAPTIVE_NP);
#endif
	int rc = pthread_mutex_init(m, &a);
	pthread_mutexattr_destroy(&a);
	return rc;
}

#endif
