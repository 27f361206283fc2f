/*
 * test_handle_threads.c - the handle table's per-thread free lists: cells
 * freed by one thread are found by another before the table grows (so a
 * producer/consumer split, one thread storing and another loading, does
 * not grow it without bound), and threads allocating and freeing at once
 * never get the same cell twice, and a thread whose own list is empty takes
 * a batch from another's, not one cell per call. Runs under TSan in CI
 * (name: 'thread').
 */
#include "testutil.h"

#include <pthread.h>

#include "alloc/handle.h"

enum { N = 5000, THREADS = 4, ROUNDS = 200, BURST = 64 };

struct batch {
	struct zsa_htab *ht;
	uint32_t idx[N];
	unsigned n;
	int rc;
};

static void *alloc_all(void *arg)
{
	struct batch *b = arg;
	for (unsigned i = 0; i < b->n; i++) {
		b->rc = zsa_htab_alloc(b->ht, &b->idx[i]);
		if (b->rc)
			return NULL;
		struct zsa_cell *c = zsa_htab_cell(b->ht, b->idx[i]);
		if (!c) {
			b->rc = -1;
			return NULL;
		}
		zsa_htab_publish(b->ht, b->idx[i], c);
	}
	return NULL;
}

static void *free_all(void *arg)
{
	struct batch *b = arg;
	for (unsigned i = 0; i < b->n; i++) {
		struct zsa_cell *c = zsa_htab_cell(b->ht, b->idx[i]);
		if (!c || !zsa_htab_claim(b->ht, c, atomic_load(&c->state))) {
			b->rc = -1;
			return NULL;
		}
		zsa_htab_release(b->ht, b->idx[i]);
	}
	return NULL;
}

static void run_in_thread(void *(*fn)(void *), struct batch *b)
{
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, fn, b), 0);
	pthread_join(t, NULL);
	assert_int_equal(b->rc, 0);
}

/* Allocate on one thread, free on another, allocate again on a third:
 * the second round reuses the freed cells, wherever they were freed. */
static void test_freed_elsewhere_reused(void **state)
{
	(void)state;
	struct zsa_htab ht;
	zsa_htab_init(&ht, NULL);
	struct batch *b = calloc(1, sizeof(*b));
	assert_non_null(b);
	b->ht = &ht;
	b->n = N;
	run_in_thread(alloc_all, b);
	uint64_t bytes = zsa_htab_bytes(&ht);
	for (int round = 0; round < 3; round++) {
		run_in_thread(free_all, b);
		run_in_thread(alloc_all, b);
		assert_int_equal(zsa_htab_bytes(&ht), bytes);
	}
	run_in_thread(free_all, b);
	free(b);
	zsa_htab_destroy(&ht);
}

struct churn {
	struct zsa_htab *ht;
	_Atomic uint32_t *owner; /* per cell: thread id + 1 while held */
	unsigned id;
	int bad;
};

static void *churn(void *arg)
{
	struct churn *w = arg;
	uint32_t held[BURST];
	for (unsigned r = 0; r < ROUNDS; r++) {
		unsigned n = 1 + (r * 7 + w->id) % BURST;
		for (unsigned i = 0; i < n; i++) {
			if (zsa_htab_alloc(w->ht, &held[i])) {
				w->bad++;
				return NULL;
			}
			uint32_t none = 0;
			/* A cell handed to two threads at once shows here. */
			if (!atomic_compare_exchange_strong(&w->owner[held[i]], &none, w->id + 1))
				w->bad++;
			struct zsa_cell *c = zsa_htab_cell(w->ht, held[i]);
			if (!c) {
				w->bad++;
				return NULL;
			}
			zsa_htab_publish(w->ht, held[i], c);
		}
		for (unsigned i = 0; i < n; i++) {
			struct zsa_cell *c = zsa_htab_cell(w->ht, held[i]);
			if (!c || !zsa_htab_claim(w->ht, c, atomic_load(&c->state)))
				w->bad++;
			atomic_store(&w->owner[held[i]], 0);
			zsa_htab_release(w->ht, held[i]);
		}
	}
	return NULL;
}

static void test_threads_churn(void **state)
{
	(void)state;
	struct zsa_htab ht;
	zsa_htab_init(&ht, NULL);
	/* At most THREADS x BURST cells are held at once: one segment. */
	_Atomic uint32_t *owner = calloc(1u << 16, sizeof(*owner));
	assert_non_null(owner);
	struct churn w[THREADS];
	pthread_t t[THREADS];
	for (unsigned i = 0; i < THREADS; i++) {
		w[i] = (struct churn){.ht = &ht, .owner = owner, .id = i};
		assert_int_equal(pthread_create(&t[i], NULL, churn, &w[i]), 0);
	}
	for (unsigned i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	for (unsigned i = 0; i < THREADS; i++)
		assert_int_equal(w[i].bad, 0);
	assert_true(atomic_load(&ht.nr_cells) <= 1u << 16);
	free(owner);
	zsa_htab_destroy(&ht);
}

/* Cells on one shard's free list (walked without concurrent users). */
static unsigned list_len(struct zsa_htab *ht, unsigned shard)
{
	unsigned n = 0;
	uint32_t i1 = (uint32_t)atomic_load(&ht->free[shard].v);
	while (i1) {
		n++;
		i1 = (uint32_t)atomic_load(&zsa_htab_cell(ht, i1 - 1)->loc);
	}
	return n;
}

struct one {
	struct zsa_htab *ht;
	uint32_t idx;
	unsigned shard;
	int rc;
};

static void *alloc_one(void *arg)
{
	struct one *o = arg;
	o->shard = zsim_shard();
	o->rc = zsa_htab_alloc(o->ht, &o->idx);
	return NULL;
}

/* The grower's list holds the whole new segment; another thread's first
 * allocation moves ZSA_HT_STEAL cells to its own list (one returned), so
 * its next ZSA_HT_STEAL - 1 allocations touch no other thread's list. */
static void test_empty_list_takes_a_batch(void **state)
{
	(void)state;
	struct zsa_htab ht;
	zsa_htab_init(&ht, NULL);
	struct one a = {.ht = &ht}, b = {.ht = &ht};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, alloc_one, &a), 0);
	pthread_join(t, NULL);
	assert_int_equal(a.rc, 0);
	const unsigned seg = atomic_load(&ht.nr_cells);
	assert_int_equal(list_len(&ht, a.shard), seg - 1);
	/* The next thread made is numbered next: another shard. */
	assert_int_equal(pthread_create(&t, NULL, alloc_one, &b), 0);
	pthread_join(t, NULL);
	assert_int_equal(b.rc, 0);
	assert_int_not_equal(b.shard, a.shard);
	assert_int_equal(list_len(&ht, b.shard), ZSA_HT_STEAL - 1);
	assert_int_equal(list_len(&ht, a.shard), seg - 1 - ZSA_HT_STEAL);
	assert_true(b.idx != a.idx);
	assert_int_equal(atomic_load(&ht.nr_cells), seg); /* no growth */
	zsa_htab_destroy(&ht);
}

int main(void)
{
	zsim_test_seed();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_freed_elsewhere_reused),
		cmocka_unit_test(test_threads_churn),
		cmocka_unit_test(test_empty_list_takes_a_batch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
