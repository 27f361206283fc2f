/*
 * test_reclaimer.c - memory.reclaim for callers that own their pages
 * (zsim_reclaimer_*): every page the caller has is swapped out in LRU
 * order; with the dynamic shrinker off nothing is written back; with it on
 * the shrinker's 128-entry walks first rotate every referenced entry, so a
 * small reclaim writes nothing back and a large one does, and the pages it
 * wrote back count toward the request; two runs give the same counters;
 * bad arguments and the caller's errors come back as codes.
 */
#include "testutil.h"

#define N 6000

struct caller {
	struct zsim_zswap *z;
	uint64_t n, next;  /* pages, next to swap out */
	uint64_t calls;
	int fail_at;       /* evict call that fails with ZSIM_EIO; 0 = never */
};

static uint64_t c_pages(void *arg, unsigned memcg)
{
	struct caller *c = arg;
	(void)memcg;
	return c->n - c->next;
}

static int c_evict(void *arg, unsigned memcg, uint64_t nr, uint64_t *scanned,
		   uint64_t *reclaimed, uint64_t *writeback)
{
	struct caller *c = arg;
	if (++c->calls == (uint64_t)c->fail_at)
		return ZSIM_EIO;
	*scanned = *reclaimed = *writeback = 0;
	unsigned char page[ZSIM_PAGE_SIZE];
	for (; nr && c->next < c->n; nr--, c->next++) {
		zsim_test_page(ZSIM_PAGE_TYPICAL, c->next, page);
		struct zsim_swap_folio f = {.type = 0, .offset = c->next + 1, .data = page,
					    .memcg = memcg, .cpu = 0};
		enum zsim_swap_where w;
		assert_int_equal(zsim_zswap_store(c->z, &f, &w), 0);
		(*scanned)++;
		if (w == ZSIM_WHERE_DEVICE)
			(*writeback)++;
		else
			(*reclaimed)++;
	}
	return 0;
}

static const struct zsim_reclaim_ops ops = {.lru_pages = c_pages, .evict = c_evict};

static struct zsim_zswap *make(bool shrinker)
{
	struct zsim_zswap_config zc;
	zsim_zswap_config_init(&zc);
	zc.profile = "6.12";
	zc.compressor = "lz4";
	zc.nr_cpus = 1;
	zc.ram_bytes = 1ull << 30;
	zc.shrinker_enabled = shrinker;
	struct zsim_zswap *z;
	assert_int_equal(zsim_zswap_create(&zc, &z), 0);
	assert_int_equal(zsim_zswap_swapon(z, 0, N + 1), 0);
	assert_int_equal(zsim_zswap_memcg_create(z, 1, 0), 0);
	return z;
}

/* Reclaim `ask` pages of N in one write; the zswap counters after it. */
static void run(bool shrinker, uint64_t ask, struct zsim_zswap_stats *st,
		struct zsim_reclaimer_stats *rs, uint64_t *left)
{
	struct caller c = {.z = make(shrinker), .n = N};
	struct zsim_reclaimer *r;
	assert_int_equal(zsim_reclaimer_create(c.z, 0, &r), 0);
	uint64_t got = 0;
	int rc = zsim_reclaimer_memory_reclaim(r, 1, ask, &ops, &c, &got);
	assert_true(rc == 0 || rc == ZSIM_EAGAIN);
	assert_true(rc == ZSIM_EAGAIN || got >= ask);
	assert_int_equal(zsim_zswap_stats(c.z, st), 0);
	assert_int_equal(zsim_reclaimer_stats(r, 1, rs), 0);
	*left = N - c.next;
	zsim_reclaimer_destroy(r);
	zsim_zswap_destroy(c.z);
}

static void test_shrinker_off(void **state)
{
	(void)state;
	struct zsim_zswap_stats st;
	struct zsim_reclaimer_stats rs;
	uint64_t left;
	run(false, N + 100, &st, &rs, &left);
	assert_int_equal(left, 0); /* everything went, then EAGAIN */
	assert_int_equal(st.written_back_pages, 0);
	assert_int_equal(rs.slab_calls, 0);
	assert_int_equal(st.zswpout + st.reject_compress_fail + st.swpout_zero, N);
}

static void test_shrinker_on(void **state)
{
	(void)state;
	struct zsim_zswap_stats st, st2;
	struct zsim_reclaimer_stats rs, rs2;
	uint64_t left, left2;
	/* A small request: the shrinker is called but every entry it walks
	 * is still referenced (rotated), so nothing is written back. */
	run(true, 256, &st, &rs, &left);
	assert_true(rs.slab_calls > 0);
	assert_int_equal(st.written_back_pages, 0);
	assert_true(left >= N - 512);
	/* Everything: the walks get past the rotated entries and write back;
	 * each entry written back was a page reclaimed. */
	run(true, N + 100, &st, &rs, &left);
	assert_int_equal(left, 0);
	assert_true(st.written_back_pages > 0);
	assert_int_equal(rs.slab_freed, st.written_back_pages);
	assert_int_equal(rs.swapcache_reclaimed + rs.swapcache_left, st.written_back_pages);
	assert_int_equal(st.stored_pages + st.written_back_pages, st.zswpout);
	/* Deterministic. */
	run(true, N + 100, &st2, &rs2, &left2);
	assert_memory_equal(&st, &st2, sizeof(st));
	assert_memory_equal(&rs, &rs2, sizeof(rs));
}

static void test_errors(void **state)
{
	(void)state;
	struct caller c = {.z = make(true), .n = N, .fail_at = 3};
	struct zsim_reclaimer *r;
	assert_int_equal(zsim_reclaimer_create(NULL, 0, &r), ZSIM_EINVAL);
	assert_int_equal(zsim_reclaimer_create(c.z, 0, NULL), ZSIM_EINVAL);
	assert_int_equal(zsim_reclaimer_create(c.z, 0, &r), 0);
	uint64_t got = 7;
	struct zsim_reclaim_ops none = {0};
	assert_int_equal(zsim_reclaimer_memory_reclaim(r, 1, 10, &none, &c, &got), ZSIM_EINVAL);
	assert_int_equal(got, 0);
	assert_int_equal(zsim_reclaimer_memory_reclaim(NULL, 1, 10, &ops, &c, NULL), ZSIM_EINVAL);
	assert_int_equal(zsim_reclaimer_memory_reclaim(r, ZSIM_MAX_MEMCGS + 1, 10, &ops, &c, NULL),
			 ZSIM_EINVAL);
	/* The caller's error ends the reclaim, with what was done so far. */
	assert_int_equal(zsim_reclaimer_memory_reclaim(r, 1, N, &ops, &c, &got), ZSIM_EIO);
	assert_int_equal(got, 2 * 64);
	struct zsim_reclaimer_stats rs;
	assert_int_equal(zsim_reclaimer_stats(NULL, 1, &rs), ZSIM_EINVAL);
	assert_int_equal(zsim_reclaimer_stats(r, 1, NULL), ZSIM_EINVAL);
	zsim_reclaimer_destroy(r);
	zsim_reclaimer_destroy(NULL);
	zsim_zswap_destroy(c.z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shrinker_off),
		cmocka_unit_test(test_shrinker_on),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
