/*
 * test_pcpu_ref_threads.c - the per-CPU reference count zswap pools use
 * (common/pcpu_ref.h): its single-thread rules, and threads that get on
 * one thread and put on another while the count is killed under them,
 * after which exactly the base reference must be left. Runs under TSan
 * in CI (name: 'thread').
 */
#include "testutil.h"

#include <pthread.h>

#include "common/pcpu_ref.h"

static void test_rules(void **state)
{
	(void)state;
	struct zsim_pcpu_ref r;
	assert_int_equal(zsim_pcpu_ref_init(&r, 1), 0);
	assert_true(zsim_pcpu_ref_tryget(&r, 1));
	zsim_pcpu_ref_get(&r, 3);
	assert_int_equal(zsim_pcpu_ref_read(&r), 5);
	/* Per-CPU mode: never reports zero, the base ref is held. */
	assert_false(zsim_pcpu_ref_put(&r, 4));
	assert_int_equal(zsim_pcpu_ref_read(&r), 1);
	zsim_pcpu_ref_get(&r, 2);
	zsim_pcpu_ref_kill(&r);
	zsim_pcpu_ref_kill(&r); /* idempotent */
	assert_int_equal(zsim_pcpu_ref_read(&r), 3);
	assert_true(zsim_pcpu_ref_tryget(&r, 1));
	assert_false(zsim_pcpu_ref_put(&r, 3));
	assert_true(zsim_pcpu_ref_put(&r, 1)); /* the last one */
	assert_int_equal(zsim_pcpu_ref_read(&r), 0);
	assert_false(zsim_pcpu_ref_tryget(&r, 1)); /* dead stays dead */
	zsim_pcpu_ref_destroy(&r);
}

enum { THREADS = 4, OPS = 20000, HANDOFF = 64 };

struct worker {
	struct zsim_pcpu_ref *r;
	unsigned id;
	_Atomic long *owed; /* refs this thread got for the next one to put */
	_Atomic long *mine; /* refs the previous thread got for this one */
	pthread_barrier_t *bar;
	int bad;
};

static void *run(void *arg)
{
	struct worker *w = arg;
	for (unsigned i = 0; i < OPS; i++) {
		if (!zsim_pcpu_ref_tryget(w->r, 1)) {
			w->bad++; /* the base ref is held: never dead */
			continue;
		}
		if (i % 3 == 0) {
			atomic_fetch_add(w->owed, 1); /* the next thread puts it */
		} else if (zsim_pcpu_ref_put(w->r, 1)) {
			w->bad++;
		}
		long n = atomic_exchange(w->mine, 0);
		if (n && zsim_pcpu_ref_put(w->r, n))
			w->bad++;
		if (i == OPS / 2)
			pthread_barrier_wait(w->bar); /* the main thread kills here */
	}
	return NULL;
}

static void test_threads_kill_midway(void **state)
{
	(void)state;
	struct zsim_pcpu_ref r;
	assert_int_equal(zsim_pcpu_ref_init(&r, 1), 0);
	pthread_barrier_t bar;
	pthread_barrier_init(&bar, NULL, THREADS + 1);
	_Atomic long owed[THREADS];
	struct worker w[THREADS];
	pthread_t t[THREADS];
	for (unsigned i = 0; i < THREADS; i++)
		atomic_init(&owed[i], 0);
	for (unsigned i = 0; i < THREADS; i++)
		w[i] = (struct worker){.r = &r, .id = i, .owed = &owed[i],
				       .mine = &owed[(i + THREADS - 1) % THREADS], .bar = &bar};
	for (unsigned i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, run, &w[i]), 0);
	pthread_barrier_wait(&bar);
	zsim_pcpu_ref_kill(&r); /* while the threads go on */
	for (unsigned i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	for (unsigned i = 0; i < THREADS; i++) {
		assert_int_equal(w[i].bad, 0);
		long n = atomic_load(&owed[i]);
		if (n)
			assert_false(zsim_pcpu_ref_put(&r, n));
	}
	assert_int_equal(zsim_pcpu_ref_read(&r), 1);
	assert_true(zsim_pcpu_ref_put(&r, 1));
	pthread_barrier_destroy(&bar);
	zsim_pcpu_ref_destroy(&r);
}

int main(void)
{
	zsim_test_seed();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_threads_kill_midway),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
