/*
 * test_shrink_sched.c - the shrink worker's simulated schedule
 * (ZSIM_SHRINK_SCHED_SIM, src/zswap/workqueue.c) and the worker's loop:
 * bit-for-bit determinism for a seed, the one-CPU rule (EEVDF: the
 * worker preempts the storing task at once while it has lag, else waits
 * for the task's deadline), the concurrent N-CPU mode, the worker's stop conditions
 * (16 failures on a referenced LRU, the accept threshold, -ENOENT memcgs
 * that are neither attempts nor resched points), the acceptance
 * hysteresis of the stores, that a store while the worker is idle takes
 * no lock shared between threads, and the API's errors.
 */
#define _GNU_SOURCE /* pthread_timedjoin_np */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "testutil.h"
#include "zswap/zswap_internal.h"

/* 200 pages of RAM: max 20% = 40 pool pages, accept 90% = 36. */
#define RAM (200 * ZSIM_PAGE_SIZE)

static struct zsim_zswap *make_sim(const struct zsim_sched_config *sc, unsigned ram_pages)
{
	struct zsim_zswap_config cfg;
	zsim_zswap_config_init(&cfg);
	cfg.profile = "6.12";
	cfg.compressor = "lz4";
	cfg.nr_cpus = 2; /* zsim_test_store uses CPU 1 */
	cfg.ram_bytes = (uint64_t)ram_pages * ZSIM_PAGE_SIZE;
	cfg.shrink_sched = ZSIM_SHRINK_SCHED_SIM;
	if (sc)
		cfg.sched = *sc;
	struct zsim_zswap *z;
	assert_int_equal(zsim_zswap_create(&cfg, &z), 0);
	assert_int_equal(zsim_zswap_swapon_memory(z, 0, 1 << 16), 0);
	return z;
}

/* A mix of page sizes: text pages and pages in the huge class. */
static void mixed_page(unsigned i, unsigned char *p)
{
	if (i % 3 == 0)
		zsim_test_page_partly_random(p, 3800, i + 1);
	else if (i % 3 == 1)
		zsim_test_page_partly_random(p, 1000 + (i * 37) % 2000, i + 7);
	else
		zsim_test_page(ZSIM_PAGE_TEXT, i, p);
}

struct outcome {
	struct zsim_zswap_stats st;
	struct zsim_sched_stats sc;
	uint64_t runs;
	unsigned char where[3000];
};

static void fill(const struct zsim_sched_config *sc, unsigned n, unsigned memcg,
		 struct outcome *o)
{
	struct zsim_zswap *z = make_sim(sc, 2000);
	if (memcg)
		assert_int_equal(zsim_zswap_memcg_create(z, memcg, 0), 0);
	unsigned char page[ZSIM_PAGE_SIZE];
	memset(o, 0, sizeof(*o));
	for (unsigned i = 0; i < n; i++) {
		mixed_page(i, page);
		o->where[i] = (unsigned char)zsim_test_store(z, i, page, memcg);
	}
	assert_int_equal(zsim_zswap_stats(z, &o->st), 0);
	assert_int_equal(zsim_zswap_sched_stats(z, &o->sc), 0);
	o->runs = zsim_zswap_shrink_worker_runs(z);
	zsim_zswap_destroy(z);
}

/* Same input, same seed: the same counters, outcomes and schedule, bit
 * for bit; another seed: another schedule. */
static void test_deterministic(void **state)
{
	(void)state;
	struct zsim_sched_config sc;
	zsim_sched_config_init(&sc);
	sc.seed = 7;
	for (unsigned cpus = 1; cpus <= 2; cpus++) {
		sc.cpus = cpus;
		static struct outcome a, b, c;
		fill(&sc, 3000, 1, &a);
		fill(&sc, 3000, 1, &b);
		assert_memory_equal(&a, &b, sizeof(a));
		assert_true(a.st.pool_limit_hit > 0);
		assert_true(a.st.written_back_pages > 0);
		assert_true(a.sc.runs > 0 && a.sc.runs == a.runs);
		sc.seed = 8;
		fill(&sc, 3000, 1, &c);
		assert_true(c.sc.now_ns != a.sc.now_ns);
		sc.seed = 7;
	}
}

/* One CPU, EEVDF: a worker woken with no lag is placed level with the
 * storing task, which keeps the CPU until its deadline is renewed (a
 * slice, seen at the next event); the worker, having waited, sleeps
 * with lag, so the next refusal preempts the task at once (at this
 * store's point of preemption). No jitter, no interrupts before the
 * tick. */
static void test_one_cpu_eevdf_lag(void **state)
{
	(void)state;
	struct zsim_sched_config sc;
	zsim_sched_config_init(&sc);
	sc.store_ns = 100;
	sc.reject_ns = 100;
	sc.run_ns = 1;
	sc.iter_ns = 10;
	sc.wb_ns = 10;
	sc.slice_ns = 1000;
	sc.event_ns = 1;           /* a deadline is seen within 1 ns */
	sc.tick_ns = 1000000000;
	sc.jitter_pct = 0;
	struct zsim_zswap *z = make_sim(&sc, 200);
	assert_int_equal(zsim_zswap_memcg_create(z, 1, 0), 0);
	unsigned char page[ZSIM_PAGE_SIZE];
	for (unsigned i = 0; i < 40; i++) {
		zsim_test_page_partly_random(page, 3800, i + 1);
		assert_int_equal(zsim_test_store(z, i, page, 1), ZSIM_WHERE_ZSWAP);
	}
	struct zsim_sched_stats st;
	assert_int_equal(zsim_zswap_sched_stats(z, &st), 0);
	assert_int_equal(st.queued, 0);
	assert_int_equal(st.now_ns, 4000);
	/* Full: the refusal queues the worker with lag 0; the task's
	 * deadline had passed, so the wakeup renews it (a slice from now)
	 * and the task, eligible, keeps the CPU until then: 10 stores. */
	unsigned k;
	for (k = 0; k < 30; k++) {
		zsim_test_page_partly_random(page, 3800, 500 + k);
		assert_int_equal(zsim_test_store(z, 100 + k, page, 1), ZSIM_WHERE_DEVICE);
		assert_int_equal(zsim_zswap_sched_stats(z, &st), 0);
		if (st.runs == 1)
			break;
	}
	assert_int_equal(st.queued, 1);
	assert_true(k == 9 || k == 10);
	/* A fresh LRU: 16 rotations (failures), then it sleeps with the lag
	 * it earned while it waited. */
	assert_int_equal(zsim_zswap_shrink_worker_runs(z), 1);
	/* The next refusal queues it again and it runs at once. */
	zsim_test_page_partly_random(page, 3800, 600);
	zsim_test_store(z, 200, page, 1);
	assert_int_equal(zsim_zswap_sched_stats(z, &st), 0);
	assert_int_equal(st.queued, 2);
	assert_int_equal(st.runs, 2);
	/* Each run spends some of the lag: eventually the task is eligible
	 * again and keeps its slice: some refusal then does not run it. */
	uint64_t runs = st.runs;
	for (k = 0; k < 200; k++) {
		zsim_test_page_partly_random(page, 3800, 700 + k);
		zsim_test_store(z, 300 + k, page, 1);
		assert_int_equal(zsim_zswap_sched_stats(z, &st), 0);
		if (st.runs == runs)
			break;
		runs = st.runs;
	}
	assert_true(k >= 1 && k < 200);
	zsim_zswap_destroy(z);
}

/* 6.1 (CFS): the worker, woken after a sleep, preempts the storing task
 * at its next point of preemption: one run per refused store while the
 * pool is over its limit (each a failed zpool_shrink); refusals under the
 * hysteresis alone do not queue it. */
static void test_cfs_one_run_per_refusal(void **state)
{
	(void)state;
	struct zsim_zswap_config cfg;
	zsim_zswap_config_init(&cfg);
	cfg.profile = "6.1";
	cfg.compressor = "lz4";
	cfg.nr_cpus = 2;
	cfg.ram_bytes = RAM;
	cfg.shrink_sched = ZSIM_SHRINK_SCHED_SIM;
	struct zsim_zswap *z;
	assert_int_equal(zsim_zswap_create(&cfg, &z), 0);
	assert_int_equal(zsim_zswap_swapon_memory(z, 0, 4096), 0);
	unsigned char page[ZSIM_PAGE_SIZE];
	for (unsigned i = 0; i < 60; i++) {
		zsim_test_page_partly_random(page, 3800, i + 1);
		zsim_test_store(z, i, page, 0);
	}
	struct zsim_zswap_stats st;
	zsim_zswap_stats(z, &st);
	assert_true(st.pool_limit_hit >= 10);
	assert_int_equal(st.reject_reclaim_fail, st.pool_limit_hit);
	assert_int_equal(zsim_zswap_shrink_worker_runs(z), st.pool_limit_hit);
	zsim_zswap_destroy(z);

	/* The same with EEVDF forced: the task keeps its slice, fewer runs. */
	cfg.sched.scheduler = ZSIM_CPU_SCHED_EEVDF;
	assert_int_equal(zsim_zswap_create(&cfg, &z), 0);
	assert_int_equal(zsim_zswap_swapon_memory(z, 0, 4096), 0);
	for (unsigned i = 0; i < 60; i++) {
		zsim_test_page_partly_random(page, 3800, i + 1);
		zsim_test_store(z, i, page, 0);
	}
	struct zsim_zswap_stats st2;
	zsim_zswap_stats(z, &st2);
	assert_int_equal(st2.pool_limit_hit, st.pool_limit_hit);
	assert_true(st2.reject_reclaim_fail < st.reject_reclaim_fail);
	zsim_zswap_destroy(z);
}

/* Two CPUs: the worker runs concurrently, without the task yielding. */
static void test_two_cpus_concurrent(void **state)
{
	(void)state;
	struct zsim_sched_config sc;
	zsim_sched_config_init(&sc);
	sc.cpus = 2;
	sc.store_ns = 100;
	sc.reject_ns = 100;
	sc.run_ns = 1;
	sc.iter_ns = 10;
	sc.wb_ns = 10;
	sc.wake_ns = 185; /* queued 65 ns into the refused page: runnable at 4250 */
	sc.slice_ns = 1000000000; /* the task never yields */
	sc.jitter_pct = 0;
	struct zsim_zswap *z = make_sim(&sc, 200);
	unsigned char page[ZSIM_PAGE_SIZE];
	for (unsigned i = 0; i < 40; i++) {
		zsim_test_page_partly_random(page, 3800, i + 1);
		zsim_test_store(z, i, page, 0);
	}
	zsim_test_page_partly_random(page, 3800, 999);
	assert_int_equal(zsim_test_store(z, 100, page, 0), ZSIM_WHERE_DEVICE);
	struct zsim_sched_stats st;
	assert_int_equal(zsim_zswap_sched_stats(z, &st), 0);
	assert_int_equal(st.queued, 1);
	assert_int_equal(st.runs, 0); /* wakes 250 ns later */
	zsim_test_store(z, 101, page, 0); /* ends at 4200 */
	assert_int_equal(zsim_zswap_sched_stats(z, &st), 0);
	assert_int_equal(st.runs, 0);
	zsim_test_store(z, 102, page, 0); /* ends at 4300: the worker began at 4250 */
	assert_int_equal(zsim_zswap_sched_stats(z, &st), 0);
	assert_int_equal(st.runs, 1);
	assert_true(st.iterations > 0);
	zsim_zswap_destroy(z);
}

/* The worker's loop, step by step: on a referenced LRU it stops after 16
 * failures (rotations); on a rotated one it writes back until the pool is
 * at the accept threshold. A memcg with nothing to scan is no attempt and
 * no resched point. */
static void test_worker_stop_conditions(void **state)
{
	(void)state;
	struct zsim_sched_config sc;
	zsim_sched_config_init(&sc);
	sc.slice_ns = UINT64_C(1) << 50; /* the worker never runs on its own */
	sc.tick_ns = UINT64_C(1) << 52;
	struct zsim_zswap *z = make_sim(&sc, 200);
	assert_int_equal(zsim_zswap_memcg_create(z, 1, 0), 0);
	assert_int_equal(zsim_zswap_memcg_create(z, 2, 0), 0); /* stays empty */
	unsigned char page[ZSIM_PAGE_SIZE];
	for (unsigned i = 0; i < 40; i++) {
		zsim_test_page_partly_random(page, 3800, i + 1);
		assert_int_equal(zsim_test_store(z, i, page, 1), ZSIM_WHERE_ZSWAP);
	}
	struct zsim_shrink_run r;
	unsigned written, steps = 0, cont = 0;
	enum zsim_shrink_step k;
	zsim_shrink_run_begin(z, &r);
	assert_int_equal(r.thr, 36);
	do {
		k = zsim_shrink_run_step(z, &r, &written);
		assert_int_equal(written, 0);
		cont += k == ZSIM_STEP_CONTINUE;
		steps++;
	} while (k != ZSIM_STEP_STOP);
	assert_int_equal(r.failures, 16);
	/* per pass: root (-ENOENT), memcg 1 (a failed attempt), memcg 2
	 * (-ENOENT), the end of the pass; the 16th failure ends it at memcg 1 */
	assert_int_equal(cont, 2 * 16 - 1);
	assert_int_equal(steps, 4 * 15 + 2);
	struct zsim_zswap_stats st;
	zsim_zswap_stats(z, &st);
	assert_int_equal(st.written_back_pages, 0);
	assert_int_equal(st.reject_reclaim_fail, 0);
	/* Rotate the other 24; then a run writes back exactly down to 36. */
	for (unsigned i = 0; i < 24; i++)
		assert_int_equal(zsim_zswap_shrink_memcg(z, 1, 0), ZSIM_EAGAIN);
	zsim_shrink_run_begin(z, &r);
	unsigned total = 0;
	do {
		k = zsim_shrink_run_step(z, &r, &written);
		total += written;
	} while (k != ZSIM_STEP_STOP);
	assert_int_equal(total, 4);
	/* The round-robin cursor stayed at memcg 1: this run starts at
	 * memcg 2 (-ENOENT) and the end of a pass without an attempt in it,
	 * which is a failure. */
	assert_int_equal(r.failures, 1);
	zsim_zswap_stats(z, &st);
	assert_int_equal(st.pool_total_size / ZSIM_PAGE_SIZE, 36);
	zsim_zswap_destroy(z);
}

/* Acceptance hysteresis (6.8+): full at max; refused (without counting a
 * limit hit) while above the threshold; accepted again at or below it. */
static void test_hysteresis(void **state)
{
	(void)state;
	struct zsim_sched_config sc;
	zsim_sched_config_init(&sc);
	sc.slice_ns = UINT64_C(1) << 50; /* no worker: writeback by hand */
	sc.tick_ns = UINT64_C(1) << 52;
	struct zsim_zswap *z = make_sim(&sc, 200);
	assert_int_equal(zsim_zswap_memcg_create(z, 1, 0), 0);
	unsigned char page[ZSIM_PAGE_SIZE];
	for (unsigned i = 0; i < 40; i++) {
		zsim_test_page_partly_random(page, 3800, i + 1);
		assert_int_equal(zsim_test_store(z, i, page, 1), ZSIM_WHERE_ZSWAP);
	}
	struct zsim_zswap_stats st;
	zsim_test_page_partly_random(page, 3800, 77);
	assert_int_equal(zsim_test_store(z, 100, page, 1), ZSIM_WHERE_DEVICE);
	zsim_zswap_stats(z, &st);
	assert_int_equal(st.pool_limit_hit, 1);
	for (unsigned i = 0; i < 40; i++) /* rotate every entry once */
		assert_int_equal(zsim_zswap_shrink_memcg(z, 1, 0), ZSIM_EAGAIN);
	assert_int_equal(zsim_zswap_shrink_memcg(z, 1, 0), 0);
	assert_int_equal(zsim_zswap_shrink_memcg(z, 1, 0), 0); /* 38 pages */
	assert_int_equal(zsim_test_store(z, 101, page, 1), ZSIM_WHERE_DEVICE);
	assert_int_equal(zsim_test_store(z, 102, page, 1), ZSIM_WHERE_DEVICE);
	zsim_zswap_stats(z, &st);
	assert_int_equal(st.pool_limit_hit, 1); /* below max: no hit */
	assert_int_equal(zsim_zswap_shrink_memcg(z, 1, 0), 0);
	assert_int_equal(zsim_test_store(z, 103, page, 1), ZSIM_WHERE_DEVICE); /* 37 > 36 */
	assert_int_equal(zsim_zswap_shrink_memcg(z, 1, 0), 0);                 /* 36 */
	assert_int_equal(zsim_test_store(z, 104, page, 1), ZSIM_WHERE_ZSWAP);
	assert_int_equal(zsim_test_store(z, 105, page, 1), ZSIM_WHERE_ZSWAP); /* 38 < 40 */
	zsim_zswap_stats(z, &st);
	assert_int_equal(st.pool_limit_hit, 1);
	assert_int_equal(st.written_back_pages, 4);
	/* The refusals queued the worker; flush_work runs it: from 38 pages
	 * down to the threshold (entries 4 and 5, rotated before). */
	assert_int_equal(zsim_zswap_flush_shrink_work(z), 0);
	zsim_zswap_stats(z, &st);
	assert_int_equal(st.pool_total_size / ZSIM_PAGE_SIZE, 36);
	assert_int_equal(st.written_back_pages, 6);
	zsim_zswap_destroy(z);
}

/* Several host threads storing at once share the one storing task's
 * clock; the worker runs in whichever thread reaches a point of
 * preemption. Every page ends up somewhere and the books balance. */
struct thr_arg {
	struct zsim_zswap *z;
	unsigned base;
};

static void *store_thread(void *p)
{
	struct thr_arg *a = p;
	unsigned char page[ZSIM_PAGE_SIZE];
	for (unsigned i = 0; i < 1500; i++) {
		mixed_page(a->base + i, page);
		struct zsim_swap_folio f = {.type = 0, .offset = a->base + i, .order = 0,
					    .data = page, .memcg = 0, .cpu = a->base ? 1 : 0};
		if (zsim_zswap_store(a->z, &f, NULL))
			return (void *)1;
	}
	return NULL;
}

static void test_threads_share_the_clock(void **state)
{
	(void)state;
	struct zsim_zswap *z = make_sim(NULL, 2000);
	pthread_t t[2];
	struct thr_arg a[2] = {{z, 0}, {z, 20000}};
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, store_thread, &a[i]), 0);
	for (int i = 0; i < 2; i++) {
		void *rv;
		pthread_join(t[i], &rv);
		assert_null(rv);
	}
	struct zsim_zswap_stats st;
	struct zsim_sched_stats sc;
	assert_int_equal(zsim_zswap_stats(z, &st), 0);
	assert_int_equal(zsim_zswap_sched_stats(z, &sc), 0);
	assert_true(st.pool_limit_hit > 0);
	assert_int_equal(sc.runs, zsim_zswap_shrink_worker_runs(z));
	/* every page: in zswap, on the device (refused) or written back */
	assert_int_equal(st.zswpout + st.pswpout - st.written_back_pages + st.swpout_zero, 3000);
	assert_int_equal(st.stored_pages, st.zswpout - st.written_back_pages);
	zsim_zswap_destroy(z);
}

/* A store while the worker is idle only moves the task's clock, without
 * shrink_lock (the lock two storing threads would otherwise share on
 * every page): it completes while another thread holds the lock, and the
 * time it took shows on the clock once folded in. */
static void test_idle_store_takes_no_lock(void **state)
{
	(void)state;
	struct zsim_zswap *z = make_sim(NULL, 1u << 20); /* no pool limit near */
	struct zsim_sched_stats sc;
	assert_int_equal(zsim_zswap_sched_stats(z, &sc), 0);
	const uint64_t t0 = sc.now_ns;
	struct thr_arg a = {z, 0};
	pthread_t t;
	pthread_mutex_lock(&z->shrink_lock);
	assert_int_equal(pthread_create(&t, NULL, store_thread, &a), 0);
	struct timespec deadline;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 60; /* a deadlock guard, not a timing */
	void *rv = NULL;
	int joined = pthread_timedjoin_np(t, &rv, &deadline);
	pthread_mutex_unlock(&z->shrink_lock);
	if (joined)
		pthread_join(t, &rv);
	assert_int_equal(joined, 0);
	assert_null(rv);
	assert_int_equal(zsim_zswap_sched_stats(z, &sc), 0);
	assert_int_equal(sc.queued, 0);
	/* 1500 pages of 43 us (stored) or 17 us (refused), +-25 % each */
	assert_true(sc.now_ns - t0 >= 1500ull * 12750 && sc.now_ns - t0 <= 1500ull * 53750);
	zsim_zswap_destroy(z);
}

static void test_api(void **state)
{
	(void)state;
	int v;
	assert_int_equal(zsim_shrink_sched_parse("sim", &v), 0);
	assert_int_equal(v, ZSIM_SHRINK_SCHED_SIM);
	assert_int_equal(zsim_shrink_sched_parse("inline", &v), 0);
	assert_int_equal(v, ZSIM_SHRINK_SCHED_INLINE);
	assert_int_equal(zsim_shrink_sched_parse("thread", &v), 0);
	assert_int_equal(v, ZSIM_SHRINK_SCHED_THREAD);
	assert_int_equal(zsim_shrink_sched_parse("fast", &v), ZSIM_ENOENT);
	assert_int_equal(zsim_shrink_sched_parse(NULL, &v), ZSIM_EINVAL);
	assert_string_equal(zsim_shrink_sched_name(ZSIM_SHRINK_SCHED_SIM), "sim");

	struct zsim_zswap_config cfg;
	zsim_zswap_config_init(&cfg);
	struct zsim_zswap *z;
	cfg.shrink_sched = 9;
	assert_int_equal(zsim_zswap_create(&cfg, &z), ZSIM_EINVAL);
	cfg.shrink_sched = ZSIM_SHRINK_SCHED_THREAD;
	cfg.nr_cpus = 1;
	assert_int_equal(zsim_zswap_create(&cfg, &z), 0);
	struct zsim_sched_stats st;
	assert_int_equal(zsim_zswap_sched_yield(z, 0), ZSIM_ENOTSUP);
	assert_int_equal(zsim_zswap_sched_stats(z, &st), ZSIM_ENOTSUP);
	zsim_zswap_destroy(z);
	assert_int_equal(zsim_zswap_sched_yield(NULL, 0), ZSIM_EINVAL);

	/* A sleep of the task: simulated time moves on by the sleep. */
	z = make_sim(NULL, 200);
	assert_int_equal(zsim_zswap_sched_yield(z, 5000), 0);
	assert_int_equal(zsim_zswap_sched_stats(z, &st), 0);
	assert_int_equal(st.now_ns, 5000);
	assert_int_equal(zsim_zswap_sched_stats(z, NULL), ZSIM_EINVAL);
	zsim_zswap_destroy(z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_one_cpu_eevdf_lag),
		cmocka_unit_test(test_cfs_one_run_per_refusal),
		cmocka_unit_test(test_two_cpus_concurrent),
		cmocka_unit_test(test_worker_stop_conditions),
		cmocka_unit_test(test_hysteresis),
		cmocka_unit_test(test_threads_share_the_clock),
		cmocka_unit_test(test_idle_store_takes_no_lock),
		cmocka_unit_test(test_api),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
