/*
 * test_zsmalloc_threads.c - zsmalloc on real pthreads: workers allocate,
 * write, read (read_begin and map), rewrite, free, hand objects to each
 * other and read a shared set, while compactors run zs_compact in a loop
 * and a watcher reads the statistics. Everything is checked by content.
 * Also: racing double frees (exactly one wins). Meant to run under TSan.
 */
#include "testutil.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

#include "common/rand.h"

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define OPS 6000
#else
#define OPS 40000
#endif
#define NWORKERS 6
#define NCOMPACTORS 2
#define LIVE_MAX 300
#define SHARED 200
#define XCHG 64

struct obj {
	zsim_handle_t h;
	uint32_t len, tag;
};

struct ctx {
	struct zsim_zpool *pool;
	struct obj shared[SHARED];
	pthread_mutex_t xlock;
	struct obj xq[XCHG];
	int xn;
	atomic_bool stop;
	_Atomic uint64_t compacted, compact_calls, errors;
};

struct worker {
	struct ctx *c;
	unsigned cpu;
	uint64_t seed;
	struct obj live[LIVE_MAX];
	int n;
};

static void fill(unsigned char *buf, size_t len, uint32_t tag)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (unsigned char)((tag >> ((i & 3) * 8)) + i * 29 + (i >> 6));
}

static int same(const unsigned char *buf, size_t len, uint32_t tag)
{
	unsigned char want[ZSIM_PAGE_SIZE];
	fill(want, len, tag);
	return memcmp(buf, want, len) == 0;
}

/* cmocka asserts are not thread-safe: workers count errors instead. */
static void err(struct ctx *c, const char *what, int rc)
{
	if (atomic_fetch_add(&c->errors, 1) < 10)
		fprintf(stderr, "thread error: %s (%d)\n", what, rc);
}

static void verify(struct worker *w, const struct obj *o, int how)
{
	struct ctx *c = w->c;
	unsigned char local[ZSIM_PAGE_SIZE];
	if (how == 0) {
		const void *ptr;
		int rc = zsim_zpool_read_begin(c->pool, o->h, o->len, w->cpu, local, &ptr);
		if (rc) {
			err(c, "read_begin", rc);
			return;
		}
		if (!same(ptr, o->len, o->tag))
			err(c, "content (read_begin)", 0);
		zsim_zpool_read_end(c->pool, o->h, w->cpu, ptr);
	} else if (how == 2) {
		struct zsim_zpool_seg seg[2];
		int ns = zsim_zpool_read_sg_begin(c->pool, o->h, o->len, seg);
		if (ns < 1) {
			err(c, "read_sg_begin", ns);
			return;
		}
		memcpy(local, seg[0].addr, seg[0].len);
		if (ns == 2)
			memcpy(local + seg[0].len, seg[1].addr, seg[1].len);
		if (!same(local, o->len, o->tag))
			err(c, "content (sg)", 0);
		zsim_zpool_read_sg_end(c->pool, o->h);
	} else {
		void *mp;
		int rc = zsim_zpool_map(c->pool, o->h, ZSIM_ZPOOL_MAP_RO, w->cpu, &mp);
		if (rc) {
			err(c, "map", rc);
			return;
		}
		if (!same(mp, o->len, o->tag))
			err(c, "content (map)", 0);
		zsim_zpool_unmap(c->pool, o->h, w->cpu);
	}
}

static size_t random_len(struct zsim_rng *rng)
{
	uint64_t r = zsim_rng_below(rng, 100);
	if (r < 15)
		return 1 + zsim_rng_below(rng, 200);
	if (r < 93)
		return 200 + zsim_rng_below(rng, 3200);
	return 3400 + zsim_rng_below(rng, 697);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct ctx *c = w->c;
	struct zsim_rng rng;
	zsim_rng_seed(&rng, w->seed);
	unsigned char buf[ZSIM_PAGE_SIZE];
	for (int op = 0; op < OPS; op++) {
		uint64_t r = zsim_rng_below(&rng, 100);
		if (r < 30 && w->n < LIVE_MAX) {
			struct obj o = {.len = (uint32_t)random_len(&rng),
					.tag = (uint32_t)zsim_rng_next(&rng)};
			int rc = zsim_zpool_malloc(c->pool, o.len, w->cpu % 2, &o.h);
			if (rc) {
				err(c, "malloc", rc);
				continue;
			}
			fill(buf, o.len, o.tag);
			rc = zsim_zpool_write(c->pool, o.h, buf, o.len, w->cpu);
			if (rc)
				err(c, "write", rc);
			w->live[w->n++] = o;
		} else if (r < 50 && w->n) {
			int i = (int)zsim_rng_below(&rng, (uint64_t)w->n);
			verify(w, &w->live[i], (int)(op % 3));
			int rc = zsim_zpool_free(c->pool, w->live[i].h);
			if (rc)
				err(c, "free", rc);
			w->live[i] = w->live[--w->n];
		} else if (r < 75 && w->n) {
			verify(w, &w->live[zsim_rng_below(&rng, (uint64_t)w->n)], (int)(op % 3));
		} else if (r < 85 && w->n) {
			struct obj *o = &w->live[zsim_rng_below(&rng, (uint64_t)w->n)];
			o->tag = (uint32_t)zsim_rng_next(&rng);
			fill(buf, o->len, o->tag);
			if (op & 1) {
				int rc = zsim_zpool_write(c->pool, o->h, buf, o->len, w->cpu);
				if (rc)
					err(c, "rewrite", rc);
			} else {
				void *mp;
				int rc = zsim_zpool_map(c->pool, o->h, ZSIM_ZPOOL_MAP_RW, w->cpu, &mp);
				if (rc) {
					err(c, "map rw", rc);
					continue;
				}
				memcpy(mp, buf, o->len);
				zsim_zpool_unmap(c->pool, o->h, w->cpu);
			}
		} else if (r < 95) {
			verify(w, &c->shared[zsim_rng_below(&rng, SHARED)], (int)(op % 3));
		} else {
			/* hand an object to another thread, or adopt one */
			pthread_mutex_lock(&c->xlock);
			if ((op & 2) && w->n && c->xn < XCHG) {
				int i = (int)zsim_rng_below(&rng, (uint64_t)w->n);
				c->xq[c->xn++] = w->live[i];
				w->live[i] = w->live[--w->n];
			} else if (c->xn && w->n < LIVE_MAX) {
				w->live[w->n++] = c->xq[--c->xn];
			}
			pthread_mutex_unlock(&c->xlock);
		}
	}
	return NULL;
}

static void *compactor_main(void *arg)
{
	struct ctx *c = arg;
	while (!atomic_load(&c->stop)) {
		int64_t n = zsim_zpool_compact(c->pool);
		if (n < 0)
			err(c, "compact", (int)n);
		else
			atomic_fetch_add(&c->compacted, (uint64_t)n);
		atomic_fetch_add(&c->compact_calls, 1);
		sched_yield();
	}
	return NULL;
}

static void *watcher_main(void *arg)
{
	struct ctx *c = arg;
	while (!atomic_load(&c->stop)) {
		struct zsim_zpool_stats st;
		struct zsim_zs_class_stats rows[255];
		if (zsim_zpool_stats(c->pool, &st))
			err(c, "stats", 0);
		if (st.objs_used > st.objs_allocated)
			err(c, "stats: used > allocated", 0);
		int n = zsim_zpool_class_stats(c->pool, rows, 255);
		for (int i = 0; i < n; i++)
			if (rows[i].obj_used > rows[i].obj_allocated)
				err(c, "class stats: used > allocated", (int)i);
		(void)zsim_zpool_total_pages(c->pool);
	}
	return NULL;
}

static void run(enum zsim_zs_era era, enum zsim_zs_access access, uint64_t seed)
{
	struct ctx *c = calloc(1, sizeof(*c));
	struct zsim_page_allocator_config pc = {.nr_nodes = 2};
	struct zsim_page_allocator *pa;
	assert_int_equal(zsim_page_allocator_create(&pc, &pa), 0);
	struct zsim_zpool_config cfg = {.era = era, .chain_size = 8, .access = access,
					.nr_cpus = NWORKERS + 1, .pages = pa};
	assert_int_equal(zsim_zpool_create(&cfg, &c->pool), 0);
	pthread_mutex_init(&c->xlock, NULL);
	struct zsim_rng rng;
	zsim_rng_seed(&rng, seed);
	unsigned char buf[ZSIM_PAGE_SIZE];
	for (int i = 0; i < SHARED; i++) {
		struct obj *o = &c->shared[i];
		o->len = (uint32_t)random_len(&rng);
		o->tag = (uint32_t)zsim_rng_next(&rng);
		assert_int_equal(zsim_zpool_malloc(c->pool, o->len, 0, &o->h), 0);
		fill(buf, o->len, o->tag);
		assert_int_equal(zsim_zpool_write(c->pool, o->h, buf, o->len, NWORKERS), 0);
	}
	struct worker *w = calloc(NWORKERS, sizeof(*w));
	pthread_t tw[NWORKERS], tc[NCOMPACTORS], tv;
	for (int i = 0; i < NWORKERS; i++) {
		w[i].c = c;
		w[i].cpu = (unsigned)i;
		w[i].seed = seed * 1000003u + (uint64_t)i;
		assert_int_equal(pthread_create(&tw[i], NULL, worker_main, &w[i]), 0);
	}
	for (int i = 0; i < NCOMPACTORS; i++)
		assert_int_equal(pthread_create(&tc[i], NULL, compactor_main, c), 0);
	assert_int_equal(pthread_create(&tv, NULL, watcher_main, c), 0);
	for (int i = 0; i < NWORKERS; i++)
		pthread_join(tw[i], NULL);
	atomic_store(&c->stop, true);
	for (int i = 0; i < NCOMPACTORS; i++)
		pthread_join(tc[i], NULL);
	pthread_join(tv, NULL);
	assert_int_equal(atomic_load(&c->errors), 0);

	/* Quiet now: everything still reads back, the books balance. */
	struct zsim_zpool_stats st;
	assert_int_equal(zsim_zpool_stats(c->pool, &st), 0);
	assert_int_equal(st.pages_compacted, atomic_load(&c->compacted));
	assert_int_equal(st.pages, zsim_page_allocator_pages(pa));
	uint64_t live = SHARED + (uint64_t)c->xn;
	for (int i = 0; i < NWORKERS; i++)
		live += (uint64_t)w[i].n;
	assert_int_equal(st.objs_used, live);
	print_message("# era %d access %d: %llu compactions, %llu pages compacted, %llu live\n",
		      era, access, (unsigned long long)atomic_load(&c->compact_calls),
		      (unsigned long long)st.pages_compacted, (unsigned long long)live);
	struct worker *w0 = &w[0];
	for (int i = 0; i < NWORKERS; i++)
		for (int k = 0; k < w[i].n; k++)
			verify(w0, &w[i].live[k], k & 1);
	for (int k = 0; k < SHARED; k++)
		verify(w0, &c->shared[k], k & 1);
	assert_int_equal(atomic_load(&c->errors), 0);
	/* A last compaction leaves nothing freeable. */
	zsim_zpool_compact(c->pool);
	struct zsim_zs_class_stats rows[255];
	int n = zsim_zpool_class_stats(c->pool, rows, 255);
	for (int r = 0; r < n; r++)
		assert_int_equal(rows[r].freeable, 0);
	for (int i = 0; i < NWORKERS; i++)
		for (int k = 0; k < w[i].n; k++)
			assert_int_equal(zsim_zpool_free(c->pool, w[i].live[k].h), 0);
	for (int k = 0; k < c->xn; k++)
		assert_int_equal(zsim_zpool_free(c->pool, c->xq[k].h), 0);
	for (int k = 0; k < SHARED; k++)
		assert_int_equal(zsim_zpool_free(c->pool, c->shared[k].h), 0);
	assert_int_equal(zsim_zpool_total_pages(c->pool), 0);
	zsim_zpool_destroy(c->pool);
	assert_int_equal(zsim_page_allocator_destroy(pa), 0);
	pthread_mutex_destroy(&c->xlock);
	free(w);
	free(c);
}

static void test_chain_read_begin(void **state)
{
	(void)state;
	run(ZSIM_ZS_ERA_CHAIN, ZSIM_ZS_ACCESS_READ_BEGIN, zsim_test_seed());
}

static void test_chain_sg(void **state)
{
	(void)state;
	run(ZSIM_ZS_ERA_CHAIN, ZSIM_ZS_ACCESS_SG, zsim_test_seed() + 1);
}

static void test_legacy_map(void **state)
{
	(void)state;
	run(ZSIM_ZS_ERA_LEGACY, ZSIM_ZS_ACCESS_MAP, zsim_test_seed() + 2);
}

/* --- racing double frees -------------------------------------------------------- */

#define RACE_N 4000

struct race {
	struct zsim_zpool *pool;
	zsim_handle_t h[RACE_N];
	_Atomic int wins[RACE_N];
	pthread_barrier_t go;
};

static void *racer(void *arg)
{
	struct race *r = arg;
	pthread_barrier_wait(&r->go);
	for (int i = 0; i < RACE_N; i++)
		if (zsim_zpool_free(r->pool, r->h[i]) == 0)
			atomic_fetch_add(&r->wins[i], 1);
	return NULL;
}

static void test_racing_double_free(void **state)
{
	(void)state;
	setenv("ZSIM_ZPOOL_NO_ASSERT", "1", 1);
	const char *types[] = {"zsmalloc", "malloc"};
	for (size_t t = 0; t < ZSIM_ARRAY_N(types); t++) {
		struct race *r = calloc(1, sizeof(*r));
		struct zsim_zpool_config cfg = {.type = types[t], .era = ZSIM_ZS_ERA_CHAIN};
		assert_int_equal(zsim_zpool_create(&cfg, &r->pool), 0);
		for (int i = 0; i < RACE_N; i++)
			assert_int_equal(zsim_zpool_malloc(r->pool, 1 + (size_t)(i * 37) % 4096, 0,
							   &r->h[i]), 0);
		pthread_barrier_init(&r->go, NULL, 3);
		pthread_t t1, t2, t3;
		pthread_create(&t1, NULL, racer, r);
		pthread_create(&t2, NULL, racer, r);
		pthread_create(&t3, NULL, racer, r);
		pthread_join(t1, NULL);
		pthread_join(t2, NULL);
		pthread_join(t3, NULL);
		for (int i = 0; i < RACE_N; i++)
			assert_int_equal(atomic_load(&r->wins[i]), 1);
		struct zsim_zpool_stats st;
		assert_int_equal(zsim_zpool_stats(r->pool, &st), 0);
		assert_int_equal(st.objs_used, 0);
		assert_int_equal(st.pages, 0);
		pthread_barrier_destroy(&r->go);
		zsim_zpool_destroy(r->pool);
		free(r);
	}
	unsetenv("ZSIM_ZPOOL_NO_ASSERT");
}

int main(void)
{
	zsim_test_seed();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chain_read_begin),
		cmocka_unit_test(test_chain_sg),
		cmocka_unit_test(test_legacy_map),
		cmocka_unit_test(test_racing_double_free),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
