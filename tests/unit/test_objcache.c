/*
 * test_objcache.c - the metadata object cache (alloc/objcache.h): objects
 * are distinct, aligned and hold what is written to them, from malloc()'d
 * pages and, once prefetched, from the page allocator lent to it (and
 * given back to it at destroy, which the lender sees); freed objects
 * are reused before a new page is carved; bad sizes are refused; and, with
 * real threads, a thread that only frees does not make one that only
 * allocates carve pages without end (the shared list carries objects
 * between them). Every object carries its owner's stamp, so one handed
 * to two owners at once shows up as a wrong stamp. Runs under TSan in CI
 * (the whole suite does).
 */
#include "testutil.h"

#include <pthread.h>

#include "alloc/objcache.h"

enum { OBJ = 40, N = 5000 };

struct obj {
	uint64_t stamp;
	unsigned char pad[OBJ - sizeof(uint64_t)];
};

static void test_bad_args(void **state)
{
	(void)state;
	struct zsim_objcache *c = (void *)1;
	assert_int_equal(zsim_objcache_create(8, &c), ZSIM_EINVAL); /* below two pointers */
	assert_null(c);
	assert_int_equal(zsim_objcache_create(4096, &c), ZSIM_EINVAL);
	assert_int_equal(zsim_objcache_create(OBJ, NULL), ZSIM_EINVAL);
	zsim_objcache_destroy(NULL);
}

static void test_distinct_reused(void **state)
{
	(void)state;
	struct zsim_objcache *c;
	struct zsim_page_allocator *pa;
	assert_int_equal(zsim_page_allocator_create(NULL, &pa), 0);
	assert_int_equal(zsim_objcache_create(OBJ, &c), 0);
	zsim_objcache_prefetch(c, NULL); /* ignored: pages stay malloc()'d */
	struct obj **o = calloc(N, sizeof(*o));
	assert_non_null(o);
	for (unsigned i = 0; i < N; i++) {
		/* Halfway, the owner announces many objects: pages from then on
		 * come from the lent page allocator, the first half's stay
		 * malloc()'d; both kinds are given back by destroy. */
		if (i == N / 2) {
			assert_int_equal(zsim_page_allocator_pages(pa), 0);
			zsim_objcache_prefetch(c, pa);
		}
		o[i] = zsim_objcache_alloc(c);
		assert_non_null(o[i]);
		assert_int_equal((uintptr_t)o[i] % 8, 0);
		o[i]->stamp = 0x5eed0000u + i;
		memset(o[i]->pad, (int)(i & 0xff), sizeof(o[i]->pad));
	}
	for (unsigned i = 0; i < N; i++) {
		assert_int_equal(o[i]->stamp, 0x5eed0000u + i);
		for (size_t k = 0; k < sizeof(o[i]->pad); k++)
			assert_int_equal(o[i]->pad[k], i & 0xff);
	}
	/* Packed: no more pages than the objects need, plus one. */
	uint64_t bytes = zsim_objcache_bytes(c);
	assert_true(bytes >= (uint64_t)N * OBJ);
	assert_true(bytes <= ((uint64_t)N / (ZSIM_PAGE_SIZE / OBJ) + 2) * ZSIM_PAGE_SIZE);
	/* Free all, allocate all again: the cache does not grow. */
	for (unsigned i = 0; i < N; i++)
		zsim_objcache_free(c, o[i]);
	for (unsigned i = 0; i < N; i++)
		assert_non_null(o[i] = zsim_objcache_alloc(c));
	assert_true(zsim_objcache_bytes(c) <= bytes);
	for (unsigned i = 0; i < N; i++)
		zsim_objcache_free(c, o[i]);
	zsim_objcache_free(c, NULL);
	if (zsim_objcache_bytes(c) > (uint64_t)N / 2 * OBJ) /* not under ASan */
		assert_true(zsim_page_allocator_pages(pa) > 0);
	zsim_objcache_destroy(c);
	/* Every page went back to the lender: it can be destroyed. */
	assert_int_equal(zsim_page_allocator_pages(pa), 0);
	assert_int_equal(zsim_page_allocator_destroy(pa), 0);
	free(o);
}

/* --- threads: one allocates, one frees what it is handed ------------------- */

enum { ROUNDS = 200, BATCH = 500 };

struct pipe {
	struct zsim_objcache *c;
	pthread_barrier_t bar;
	struct obj *slot[BATCH];
	int bad;
};

static void *producer(void *arg)
{
	struct pipe *p = arg;
	for (unsigned r = 0; r < ROUNDS; r++) {
		for (unsigned i = 0; i < BATCH; i++) {
			p->slot[i] = zsim_objcache_alloc(p->c);
			if (!p->slot[i]) {
				p->bad++;
				continue;
			}
			p->slot[i]->stamp = (uint64_t)r << 32 | i;
		}
		pthread_barrier_wait(&p->bar); /* the consumer takes them */
		pthread_barrier_wait(&p->bar); /* and has freed them */
	}
	return NULL;
}

static void *consumer(void *arg)
{
	struct pipe *p = arg;
	int bad = 0;
	for (unsigned r = 0; r < ROUNDS; r++) {
		pthread_barrier_wait(&p->bar);
		for (unsigned i = 0; i < BATCH; i++) {
			if (!p->slot[i])
				continue;
			if (p->slot[i]->stamp != ((uint64_t)r << 32 | i))
				bad++;
			zsim_objcache_free(p->c, p->slot[i]);
		}
		pthread_barrier_wait(&p->bar);
	}
	return (void *)(intptr_t)bad;
}

static void test_threads_handoff(void **state)
{
	(void)state;
	struct pipe *p = calloc(1, sizeof(*p));
	assert_non_null(p);
	assert_int_equal(zsim_objcache_create(OBJ, &p->c), 0);
	pthread_barrier_init(&p->bar, NULL, 2);
	pthread_t a, b;
	assert_int_equal(pthread_create(&a, NULL, producer, p), 0);
	assert_int_equal(pthread_create(&b, NULL, consumer, p), 0);
	void *bad;
	pthread_join(a, NULL);
	pthread_join(b, &bad);
	assert_int_equal(p->bad, 0);
	assert_int_equal((intptr_t)bad, 0);
	/* ROUNDS x BATCH objects passed through, at most BATCH alive at once:
	 * the footprint is that peak plus what the consumer's shard may
	 * keep, not ROUNDS x BATCH. */
	uint64_t cap = ((uint64_t)BATCH * 3 / (ZSIM_PAGE_SIZE / OBJ) + 4) * ZSIM_PAGE_SIZE;
	assert_true(zsim_objcache_bytes(p->c) <= cap);
	zsim_objcache_destroy(p->c);
	pthread_barrier_destroy(&p->bar);
	free(p);
}

int main(void)
{
	zsim_test_seed();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_args),
		cmocka_unit_test(test_distinct_reused),
		cmocka_unit_test(test_threads_handoff),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
