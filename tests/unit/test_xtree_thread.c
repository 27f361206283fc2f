/*
 * test_xtree_thread.c - the entry tree under threads: threads on private
 * trees (no contention, nothing shared), and threads on one tree with
 * disjoint index sets that share leaves (interleaved indexes) and force
 * the root to grow and shrink (far indexes), with a reader walking the
 * tree meanwhile. Named *_thread so CI runs it under TSan.
 *
 * cmocka's assertions are not thread-safe, so worker threads count
 * mismatches and the main thread asserts on the counts.
 */
#include "testutil.h"

#include <pthread.h>
#include <stdatomic.h>

#include "common/rand.h"
#include "tree/xtree.h"

#define NWORK 4
#define NKEYS 2048
#define NOPS 200000

struct worker {
	struct zsim_xtree *t;
	unsigned id;
	uint64_t seed;
	void *ref[NKEYS];   /* the reference: what key k should hold */
	uint64_t bad;
};

static void *E(unsigned id, uint64_t serial)
{
	return (void *)(uintptr_t)(4 * (1 + ((uint64_t)id << 40) + serial));
}

/* Worker @id's key k: interleaved with the other workers in a shared
 * chunk for the low half, alone in a far range for the high half. */
static uint64_t key_index(unsigned id, unsigned k)
{
	if (k < NKEYS / 2)
		return 16384 * 9 + (uint64_t)k * NWORK + id;
	return ((uint64_t)(id + 1) << (20 + 8 * id)) + k * 3;
}

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	struct zsim_rng r;
	zsim_rng_seed(&r, w->seed);
	uint64_t serial = 0;
	for (unsigned op = 0; op < NOPS; op++) {
		unsigned k = (unsigned)zsim_rng_below(&r, NKEYS);
		uint64_t i = key_index(w->id, k);
		void *cur = w->ref[k], *e, *old;
		int err;
		switch (zsim_rng_below(&r, 6)) {
		case 0:
		case 1:
			e = E(w->id, serial++);
			if (zsim_xtree_store(w->t, i, e, &old) || old != cur)
				w->bad++;
			w->ref[k] = e;
			break;
		case 2:
			if (zsim_xtree_load(w->t, i) != cur)
				w->bad++;
			break;
		case 3:
			if (zsim_xtree_erase(w->t, i) != cur)
				w->bad++;
			w->ref[k] = NULL;
			break;
		case 4:
			if (zsim_xtree_cmp_erase(w->t, i, cur) != (cur != NULL))
				w->bad++;
			w->ref[k] = NULL;
			break;
		default:
			e = E(w->id, serial++);
			if (zsim_xtree_cmpxchg(w->t, i, cur, e, &err) != cur || err)
				w->bad++;
			w->ref[k] = e;
			break;
		}
	}
	return NULL;
}

struct reader {
	struct zsim_xtree *t;
	atomic_int stop;
	uint64_t bad, rounds;
	uint64_t last;
};

static int order_fn(uint64_t index, void *entry, void *arg)
{
	struct reader *rd = arg;
	if ((rd->rounds && index <= rd->last) || !entry || ((uintptr_t)entry & 3))
		rd->bad++;
	rd->last = index;
	rd->rounds = 1;
	return 0;
}

static void *reader_run(void *arg)
{
	struct reader *rd = arg;
	while (!atomic_load(&rd->stop)) {
		rd->rounds = 0;
		zsim_xtree_for_each(rd->t, order_fn, rd);
		(void)zsim_xtree_any_in_range(rd->t, 16384 * 9, 16384 * 10 - 1);
		uint64_t at = 0;
		(void)zsim_xtree_find(rd->t, &at, UINT64_MAX);
		if (zsim_xtree_check(rd->t))
			rd->bad++;
		(void)zsim_xtree_count(rd->t);
		(void)zsim_xtree_memory(rd->t);
	}
	return NULL;
}

static void verify_and_empty(struct zsim_xtree *t, struct worker *w)
{
	for (unsigned k = 0; k < NKEYS; k++) {
		uint64_t i = key_index(w->id, k);
		assert_ptr_equal(zsim_xtree_load(t, i), w->ref[k]);
		assert_ptr_equal(zsim_xtree_erase(t, i), w->ref[k]);
	}
}

static void test_private_trees(void **state)
{
	(void)state;
	static struct worker w[NWORK];
	pthread_t th[NWORK];
	uint64_t seed = zsim_test_seed();
	for (unsigned i = 0; i < NWORK; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		assert_int_equal(zsim_xtree_create(1 + i % 3, NULL, &w[i].t), 0);
		w[i].id = i;
		w[i].seed = seed + i;
	}
	for (unsigned i = 0; i < NWORK; i++)
		assert_int_equal(pthread_create(&th[i], NULL, worker_run, &w[i]), 0);
	for (unsigned i = 0; i < NWORK; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	for (unsigned i = 0; i < NWORK; i++) {
		assert_int_equal(w[i].bad, 0);
		assert_int_equal(zsim_xtree_check(w[i].t), 0);
		verify_and_empty(w[i].t, &w[i]);
		assert_true(zsim_xtree_empty(w[i].t));
		assert_int_equal(zsim_xtree_memory(w[i].t), zsim_xtree_base_size());
		zsim_xtree_destroy(w[i].t);
	}
}

static void shared_tree(unsigned shift)
{
	static struct worker w[NWORK];
	pthread_t th[NWORK], rth;
	struct reader rd = {0};
	struct zsim_xtree *t;
	assert_int_equal(zsim_xtree_create(shift, NULL, &t), 0);
	uint64_t seed = zsim_test_seed();
	for (unsigned i = 0; i < NWORK; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].t = t;
		w[i].id = i;
		w[i].seed = seed * 7 + i + shift;
	}
	rd.t = t;
	atomic_init(&rd.stop, 0);
	assert_int_equal(pthread_create(&rth, NULL, reader_run, &rd), 0);
	for (unsigned i = 0; i < NWORK; i++)
		assert_int_equal(pthread_create(&th[i], NULL, worker_run, &w[i]), 0);
	for (unsigned i = 0; i < NWORK; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	atomic_store(&rd.stop, 1);
	assert_int_equal(pthread_join(rth, NULL), 0);
	assert_int_equal(rd.bad, 0);
	assert_int_equal(zsim_xtree_check(t), 0);
	uint64_t total = 0;
	for (unsigned i = 0; i < NWORK; i++) {
		assert_int_equal(w[i].bad, 0);
		for (unsigned k = 0; k < NKEYS; k++)
			total += w[i].ref[k] != NULL;
	}
	assert_int_equal(zsim_xtree_count(t), total);
	for (unsigned i = 0; i < NWORK; i++)
		verify_and_empty(t, &w[i]);
	assert_true(zsim_xtree_empty(t));
	assert_int_equal(zsim_xtree_memory(t), zsim_xtree_base_size());
	zsim_xtree_destroy(t);
}

static void test_shared_tree(void **state)
{
	(void)state;
	shared_tree(2);
	shared_tree(ZSIM_XTREE_DEFAULT_SHIFT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_private_trees),
		cmocka_unit_test(test_shared_tree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
