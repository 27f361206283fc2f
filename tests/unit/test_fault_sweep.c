/*
 * test_fault_sweep.c - failure injection at every fallible step, swept:
 * for each injection point a short scenario (stores of every kind and
 * folio order, loads, batch loads, writeback, a compressor switch,
 * compaction, invalidation) runs once to count that point's calls, then
 * once per N failing exactly the Nth call. Every run must recover cleanly:
 * each load returns the bytes last stored or a clean error, exactly one
 * failure was injected, the invariants hold at the end (stored_pages =
 * entries in slots = memcg charges; pool_total_size = allocator pages),
 * the counters account for the failure (the reject reason or vmstat
 * counter of each point, or the error the caller saw: table `account`),
 * and nothing leaks (ASan). On every profile swept all 12 points must be
 * covered, and every call site reached: the main scenario (zsmalloc, lz4)
 * reaches all but two, which get their own variant and sweep: the
 * baseline allocators' handle allocation (zpool "ideal" and "malloc") and
 * a decompression failure on the batched-decompress path (a batching
 * codec, deflate-iaa-sim with batch on, whose pool decompresses a batch
 * load's pages in one submission).
 */
#include "testutil.h"

#include <math.h>

#include "zswap/zswap_internal.h"

#define SLOTS 2048
/* Sweep at most this many call numbers per point (evenly spread). Under
 * ThreadSanitizer (the sweep is single-threaded: TSan adds nothing but
 * time) fewer, so the whole suite runs under it in CI. */
#if defined(__SANITIZE_THREAD__)
#define MAXN 40
#else
#define MAXN 400
#endif

/* The point being injected (-1: none): which clean errors are allowed. */
static int g_point = -1;

/* What a scenario runs on. */
struct variant {
	const char *name, *zpool, *compressor;
	int batch;
};
static const struct variant v_main = {"zsmalloc/lz4", "zsmalloc", "lz4", -1};
static const struct variant *g_var = &v_main;
static int g_measure = -1; /* the point whose calls the batch load makes are counted */

/* What the caller saw in the operation under way (reset by acct_begin),
 * and the calls of the measured point made inside the batch load. */
static struct obs {
	unsigned eio, enomem, fail, raw_stored;
	uint64_t batch_calls;
	bool batching_pool;
} g_obs;

struct acct {
	uint64_t failures;
	struct zsim_zswap_stats st;
};

static struct zsim_fault_injector *g_fi; /* the injector of the run */
static const char *g_profile;
static unsigned g_accounted;             /* injected failures checked */

static bool io_error_allowed(void)
{
	return g_point == ZSIM_FAULT_DEV_READ || g_point == ZSIM_FAULT_DECOMPRESS;
}

struct model {
	int8_t cls[SLOTS];
	uint64_t idx[SLOTS];
};

static void fill(struct model *m, uint64_t slot, enum zsim_page_class cls, uint64_t idx,
		 unsigned char *page)
{
	(void)m;
	zsim_page_fill(cls, 77, idx + slot * 1000, page);
}

/* Store a folio and update the model from the outcome. */
static void store(struct zsim_zswap *z, struct model *m, uint64_t off, unsigned order,
		  enum zsim_page_class cls, unsigned memcg, unsigned char *buf)
{
	unsigned nr = 1u << order;
	for (unsigned i = 0; i < nr; i++)
		fill(m, off + i, cls, 1, buf + (size_t)i * ZSIM_PAGE_SIZE);
	struct zsim_swap_folio f = {.offset = off, .order = order, .data = buf, .memcg = memcg};
	enum zsim_swap_where w;
	int rc = zsim_zswap_store(z, &f, &w);
	/* EIO: injected device write failure (the slots hold nothing);
	 * ENOMEM: the memcg could not be created (nothing changed) */
	assert_true(rc == 0 || (rc == ZSIM_EIO && g_point == ZSIM_FAULT_DEV_WRITE) ||
		    (rc == ZSIM_ENOMEM && g_point == ZSIM_FAULT_LRU_ALLOC));
	g_obs.eio += rc == ZSIM_EIO;
	g_obs.enomem += rc == ZSIM_ENOMEM;
	if (rc == ZSIM_ENOMEM)
		return;
	for (unsigned i = 0; i < nr; i++) {
		bool holds = rc == 0 && w != ZSIM_WHERE_KEPT;
		m->cls[off + i] = holds ? (int8_t)cls : -1;
		m->idx[off + i] = 1;
		enum zsim_swap_where sw;
		size_t len = 0;
		if (holds && zsim_zswap_slot_state(z, 0, off + i, &sw, &len) == 0 &&
		    sw == ZSIM_WHERE_ZSWAP && len == ZSIM_PAGE_SIZE)
			g_obs.raw_stored++; /* 6.18+: stored as it is */
	}
}

static void load(struct zsim_zswap *z, struct model *m, uint64_t off, bool exclusive)
{
	unsigned char page[ZSIM_PAGE_SIZE], want[ZSIM_PAGE_SIZE];
	enum zsim_swap_where from;
	int rc = zsim_zswap_load(z, 0, off, 1, 0, page, &from);
	if (m->cls[off] < 0) {
		assert_int_equal(rc, ZSIM_ENOENT);
		return;
	}
	if (rc == ZSIM_EIO && io_error_allowed()) {
		g_obs.eio++;
		return; /* injected read or decompression failure: data kept */
	}
	assert_int_equal(rc, 0);
	fill(m, off, (enum zsim_page_class)m->cls[off], m->idx[off], want);
	assert_memory_equal(page, want, ZSIM_PAGE_SIZE);
	if (from == ZSIM_WHERE_ZSWAP && exclusive)
		m->cls[off] = -1;
}

static void check_invariants(struct zsim_zswap *z)
{
	struct zsim_zswap_stats st;
	struct zsim_zswap_meta meta;
	zsim_zswap_stats(z, &st);
	zsim_zswap_meta(z, &meta);
	uint64_t entries = 0, bytes = 0;
	for (uint64_t s = 0; s < SLOTS; s++) {
		enum zsim_swap_where w;
		size_t len;
		assert_int_equal(zsim_zswap_slot_state(z, 0, s, &w, &len), 0);
		if (w == ZSIM_WHERE_ZSWAP) {
			entries++;
			bytes += len;
		}
	}
	assert_int_equal(st.stored_pages, entries);
	assert_int_equal(meta.entries, entries);
	assert_int_equal(st.pool_total_size, meta.allocator_pages * ZSIM_PAGE_SIZE);
	struct zsim_memcg_stats root;
	zsim_zswap_memcg_stats(z, 0, &root);
	assert_int_equal(root.zswap, bytes);
	assert_int_equal(root.zswapped, entries * ZSIM_PAGE_SIZE);
}

static void check_account(int p, const char *op, const struct zsim_zswap_stats *d);

static void acct_begin(struct zsim_zswap *z, struct acct *a)
{
	uint64_t calls = g_obs.batch_calls;
	bool batching = g_obs.batching_pool;
	memset(&g_obs, 0, sizeof(g_obs));
	g_obs.batch_calls = calls;
	g_obs.batching_pool = batching;
	a->failures = g_fi && g_point >= 0 ? zsim_fault_failures(g_fi, (enum zsim_fault_point)g_point) : 0;
	if (z)
		zsim_zswap_stats(z, &a->st);
	else
		memset(&a->st, 0, sizeof(a->st));
}

/* After an operation: if the injected failure happened inside it, its
 * account (check_account) from the counters' change over the operation
 * and what the operation returned. */
static void acct_end(struct zsim_zswap *z, const struct acct *a, const char *op)
{
	if (!g_fi || g_point < 0 ||
	    zsim_fault_failures(g_fi, (enum zsim_fault_point)g_point) == a->failures)
		return;
	struct zsim_zswap_stats now, d;
	memset(&now, 0, sizeof(now));
	if (z)
		zsim_zswap_stats(z, &now);
	const uint64_t *x = (const uint64_t *)&now, *y = (const uint64_t *)&a->st;
	uint64_t *o = (uint64_t *)&d;
	for (size_t i = 0; i < sizeof(d) / sizeof(uint64_t); i++)
		o[i] = x[i] - y[i];
	check_account(g_point, op, &d);
	g_accounted++;
}

#define OP(z, name, stmt)                                                                          \
	do {                                                                                       \
		struct acct a_;                                                                    \
		acct_begin(z, &a_);                                                                \
		stmt;                                                                              \
		acct_end(z, &a_, name);                                                            \
	} while (0)

/* The scenario; returns the stats at the end. */
static struct zsim_zswap_stats scenario(const char *profile, struct zsim_fault_injector *fi)
{
	struct zsim_zswap_config cfg;
	zsim_zswap_config_init(&cfg);
	cfg.profile = profile;
	cfg.compressor = g_var->compressor;
	cfg.zpool = g_var->zpool;
	cfg.batch = g_var->batch;
	cfg.nr_cpus = 2;
	cfg.ram_bytes = 512 * ZSIM_PAGE_SIZE; /* pool limit 102 pages: the worker runs */
	cfg.shrink_worker_inline = 1;
	cfg.shrinker_enabled = 1;
	cfg.fault = fi;
	struct zsim_zswap *z;
	struct zsim_zswap_stats none = {0};
	int rc;
	g_fi = fi;
	z = NULL;
	OP(NULL, "create", {
		rc = zsim_zswap_create(&cfg, &z);
		g_obs.fail += rc != 0;
	});
	if (fi && (rc == ZSIM_ENOMEM || rc == ZSIM_EINVAL)) {
		/* the root memcg's or the first pool's allocation failed:
		 * a clean error, nothing created */
		assert_null(z);
		return none;
	}
	assert_int_equal(rc, 0);
	{
		struct zsim_pool *cur = atomic_load(&z->current);
		g_obs.batching_pool = cur && cur->compr_batch > 1;
	}
	assert_int_equal(zsim_zswap_swapon_file(z, 0, SLOTS, NULL), 0);
	OP(z, "memcg_create", {
		rc = zsim_zswap_memcg_create(z, 1, 0);
		g_obs.enomem += rc == ZSIM_ENOMEM;
	});
	assert_true(rc == 0 || (rc == ZSIM_ENOMEM && g_point == ZSIM_FAULT_LRU_ALLOC));
	zsim_zswap_memcg_set(z, 1, "memory.zswap.max", "96K");
	bool excl = strcmp(profile, "6.1") != 0;
	static struct model m;
	memset(m.cls, -1, sizeof(m.cls));
	unsigned char *buf = malloc(64 * ZSIM_PAGE_SIZE);
	const enum zsim_page_class classes[] = {ZSIM_PAGE_TYPICAL, ZSIM_PAGE_TEXT, ZSIM_PAGE_ZERO,
						ZSIM_PAGE_SAME, ZSIM_PAGE_RANDOM, ZSIM_PAGE_POINTER};
	for (unsigned i = 0; i < 60; i++)
		OP(z, "store", store(z, &m, i, 0, classes[i % 6], 1 + i % 2, buf));
	OP(z, "store", store(z, &m, 64, 3, ZSIM_PAGE_TEXT, 1, buf));
	OP(z, "store", store(z, &m, 128, 5, ZSIM_PAGE_TYPICAL, 2, buf));
	for (unsigned i = 0; i < 60; i += 3)
		OP(z, "load", load(z, &m, i, excl));
	uint64_t offs[] = {64, 65, 66, 1, 4, 7, 129, 130};
	unsigned char *pages = malloc(8 * ZSIM_PAGE_SIZE);
	int res[8];
	enum zsim_swap_where from[8];
	uint64_t calls0 = fi && g_measure >= 0 ? zsim_fault_calls(fi, (enum zsim_fault_point)g_measure) : 0;
	struct acct ab;
	acct_begin(z, &ab);
	assert_int_equal(zsim_zswap_load_batch(z, 0, offs, 8, 1, 1, pages, from, res), 0);
	uint64_t calls1 = fi && g_measure >= 0 ? zsim_fault_calls(fi, (enum zsim_fault_point)g_measure) : 0;
	g_obs.batch_calls = calls1 - calls0;
	for (unsigned i = 0; i < 8; i++) {
		uint64_t o = offs[i];
		if (m.cls[o] < 0) {
			assert_int_equal(res[i], ZSIM_ENOENT);
		} else if (res[i] == 0) {
			unsigned char want[ZSIM_PAGE_SIZE];
			fill(&m, o, (enum zsim_page_class)m.cls[o], m.idx[o], want);
			assert_memory_equal(pages + (size_t)i * ZSIM_PAGE_SIZE, want, ZSIM_PAGE_SIZE);
			if (from[i] == ZSIM_WHERE_ZSWAP && excl)
				m.cls[o] = -1;
		} else {
			assert_int_equal(res[i], ZSIM_EIO);
			assert_true(io_error_allowed());
			g_obs.eio++;
		}
	}
	acct_end(z, &ab, "load_batch");
	OP(z, "shrink_memcg", zsim_zswap_shrink_memcg(z, 2, 0));
	OP(z, "shrink_memcg", zsim_zswap_shrink_memcg(z, 2, 0));
	OP(z, "shrinker_scan", zsim_zswap_shrinker_scan(z, 2, 0, 16, 0));
	OP(z, "set_compressor", {
		rc = zsim_zswap_set_compressor(z, "zstd");
		g_obs.fail += rc != 0;
	});
	assert_true(rc == 0 || (rc == ZSIM_EINVAL && g_point == ZSIM_FAULT_POOL_CREATE));
	for (unsigned i = 200; i < 300; i++)
		OP(z, "store", store(z, &m, i, 0, classes[i % 6], 2, buf));
	OP(z, "store", store(z, &m, 320, 4, ZSIM_PAGE_POINTER, 1, buf));
	OP(z, "compact", zsim_zswap_compact(z));
	OP(z, "invalidate", zsim_zswap_invalidate(z, 0, 200, 20));
	for (unsigned i = 200; i < 220; i++)
		m.cls[i] = -1;
	for (uint64_t s = 0; s < SLOTS; s++)
		if (m.cls[s] >= 0)
			OP(z, "load", load(z, &m, s, excl));
	OP(z, "flush_shrink_work", zsim_zswap_flush_shrink_work(z));
	check_invariants(z);
	struct zsim_zswap_stats st;
	zsim_zswap_stats(z, &st);
	free(buf);
	free(pages);
	zsim_zswap_destroy(z);
	return st;
}

static uint64_t rejects(const struct zsim_zswap_stats *s)
{
	return s->reject_alloc_fail + s->reject_kmemcache_fail + s->reject_compress_fail +
	       s->reject_compress_poor + s->reject_reclaim_fail + s->decompress_fail;
}

/*
 * The account of one injected failure, from the counters' change over the
 * operation it happened in (`d`, the kernel's names) and what that
 * operation returned (g_obs):
 *   page_alloc, zs_handle, zs_desc, tree_node: zswap_reject_alloc_fail
 *     (zs_malloc or xa_store failed in a store); in the instance's or a
 *     switch's pool creation, that creation fails;
 *   entry_alloc: zswap_reject_kmemcache_fail;
 *   compress: zswap_reject_compress_fail, or (6.18+, writeback allowed) the
 *     page stored as it is;
 *   decompress: -EIO to the load, with zswap_decompress_fail on the
 *     profiles that count it; in writeback, zswap_reject_reclaim_fail;
 *   dev_write: -EIO to the store (the folio stays dirty), or in writeback
 *     zswap_reject_reclaim_fail;
 *   dev_read: -EIO to the load;
 *   lru_alloc: -ENOMEM to the memcg's creation or to the store;
 *   pool_create: the creation or the switch fails;
 *   wb_folio: zswap_reject_reclaim_fail.
 */
static void check_account(int p, const char *op, const struct zsim_zswap_stats *d)
{
	const struct obs *o = &g_obs;
	const bool dfc = strcmp(g_profile, "6.18") == 0 || strcmp(g_profile, "latest") == 0;
	bool ok;
	switch (p) {
	case ZSIM_FAULT_PAGE_ALLOC:
	case ZSIM_FAULT_ZS_HANDLE:
	case ZSIM_FAULT_ZS_DESC:
	case ZSIM_FAULT_TREE_NODE:
		ok = d->reject_alloc_fail >= 1 || o->fail;
		break;
	case ZSIM_FAULT_ENTRY_ALLOC:
		ok = d->reject_kmemcache_fail >= 1;
		break;
	case ZSIM_FAULT_COMPRESS:
		ok = d->reject_compress_fail >= 1 || o->raw_stored;
		break;
	case ZSIM_FAULT_DECOMPRESS:
		ok = (o->eio && (!dfc || d->decompress_fail >= 1)) ||
		     (d->reject_reclaim_fail >= 1 && (!dfc || d->decompress_fail >= 1));
		break;
	case ZSIM_FAULT_DEV_WRITE:
		ok = o->eio || d->reject_reclaim_fail >= 1;
		break;
	case ZSIM_FAULT_DEV_READ:
		ok = o->eio;
		break;
	case ZSIM_FAULT_LRU_ALLOC:
		ok = o->enomem || o->fail;
		break;
	case ZSIM_FAULT_POOL_CREATE:
		ok = o->fail;
		break;
	case ZSIM_FAULT_WB_FOLIO:
		ok = d->reject_reclaim_fail >= 1;
		break;
	default:
		ok = false;
	}
	if (!ok)
		print_message("# %s %s: a failure in %s left no account (rejects: alloc %llu "
			      "kmemcache %llu compress %llu reclaim %llu decompress_fail %llu; "
			      "eio %u enomem %u fail %u raw %u)\n",
			      g_profile, zsim_fault_point_name((enum zsim_fault_point)p), op,
			      (unsigned long long)d->reject_alloc_fail,
			      (unsigned long long)d->reject_kmemcache_fail,
			      (unsigned long long)d->reject_compress_fail,
			      (unsigned long long)d->reject_reclaim_fail,
			      (unsigned long long)d->decompress_fail, o->eio, o->enomem, o->fail,
			      o->raw_stored);
	assert_true(ok);
}

/* Sweep point p on the current variant: count its calls, then fail each
 * Nth in turn (at most maxn of them). Returns the calls counted. */
static uint64_t sweep_point(const char *profile, int p, unsigned maxn, unsigned *runs,
			    uint64_t *batch_calls)
{
	g_profile = profile;
	struct zsim_fault_injector *fi;
	assert_int_equal(zsim_fault_create(&fi), 0);
	struct zsim_fault_rule count = {.nth = UINT64_MAX};
	zsim_fault_set(fi, (enum zsim_fault_point)p, &count);
	g_point = -1;
	g_measure = p;
	memset(&g_obs, 0, sizeof(g_obs));
	scenario(profile, fi);
	uint64_t calls = zsim_fault_calls(fi, (enum zsim_fault_point)p);
	if (batch_calls)
		*batch_calls = g_obs.batching_pool ? g_obs.batch_calls : 0;
	zsim_fault_destroy(fi);
	g_point = p;
	uint64_t step = calls > maxn ? calls / maxn + 1 : 1;
	for (uint64_t n = 1; n <= calls; n += step) {
		assert_int_equal(zsim_fault_create(&fi), 0);
		struct zsim_fault_rule r = {.nth = n};
		zsim_fault_set(fi, (enum zsim_fault_point)p, &r);
		memset(&g_obs, 0, sizeof(g_obs));
		g_accounted = 0;
		scenario(profile, fi);
		uint64_t failures = zsim_fault_failures(fi, (enum zsim_fault_point)p);
		/* the Nth call of a run may not come (an earlier failure
		 * changes the run); when it does, it fails once */
		assert_true(failures <= 1);
		/* every injected failure was accounted inside its operation */
		assert_int_equal(g_accounted, failures);
		zsim_fault_destroy(fi);
		(*runs)++;
	}
	g_point = -1;
	g_measure = -1;
	return calls;
}

static void sweep(const char *profile)
{
	unsigned covered = 0, runs = 0;
	g_var = &v_main;
	g_point = -1;
	memset(&g_obs, 0, sizeof(g_obs));
	struct zsim_zswap_stats base = scenario(profile, NULL);
	for (int p = 0; p < ZSIM_FAULT_POINT_COUNT; p++) {
		uint64_t calls = sweep_point(profile, p, MAXN, &runs, NULL);
		covered += calls > 0;
		print_message("# %s: %-12s %llu calls swept\n", profile,
			      zsim_fault_point_name((enum zsim_fault_point)p), (unsigned long long)calls);
		if (!calls)
			print_message("# %s: %s never called\n", profile,
				      zsim_fault_point_name((enum zsim_fault_point)p));
	}
	print_message("# %s: injection points covered: %u of %d, %u runs; baseline %llu rejects\n",
		      profile, covered, ZSIM_FAULT_POINT_COUNT, runs, (unsigned long long)rejects(&base));
	assert_int_equal(covered, ZSIM_FAULT_POINT_COUNT);

	/* The call sites the main scenario cannot reach. */
	static const struct variant baseline[] = {
		{"ideal/lz4", "ideal", "lz4", -1},
		{"malloc/lz4", "malloc", "lz4", -1},
	};
	for (size_t v = 0; v < ZSIM_ARRAY_N(baseline); v++) {
		g_var = &baseline[v];
		memset(&g_obs, 0, sizeof(g_obs));
		base = scenario(profile, NULL);
		/* no zsmalloc here: every zs_handle call is the baseline
		 * allocator's handle allocation */
		uint64_t calls = sweep_point(profile, ZSIM_FAULT_ZS_HANDLE, MAXN / 4, &runs, NULL);
		print_message("# %s: %s: zs_handle %llu calls swept\n", profile, g_var->name,
			      (unsigned long long)calls);
		assert_true(calls > 0);
		assert_int_equal(sweep_point(profile, ZSIM_FAULT_ZS_DESC, 1, &runs, NULL), 0);
	}
	static const struct variant batching = {"zsmalloc/deflate-iaa-sim+batch", "zsmalloc",
						"deflate-iaa-sim", 1};
	g_var = &batching;
	memset(&g_obs, 0, sizeof(g_obs));
	base = scenario(profile, NULL);
	uint64_t in_batch = 0;
	uint64_t calls = sweep_point(profile, ZSIM_FAULT_DECOMPRESS, MAXN / 4, &runs, &in_batch);
	/* decompress calls inside the batch load, on a pool that batches:
	 * the batched-decompress path's injection site */
	print_message("# %s: %s: decompress %llu calls swept, %llu in the batch load\n", profile,
		      g_var->name, (unsigned long long)calls, (unsigned long long)in_batch);
	assert_true(in_batch > 0);
	g_var = &v_main;
	print_message("# %s: %u runs in all\n", profile, runs);
}

static void test_sweep_6_13(void **state)
{
	(void)state;
	sweep("6.13");
}

static void test_sweep_6_18(void **state)
{
	(void)state;
	sweep("6.18");
}

/* A probability outside 0..1, NaN and infinities included, is refused and
 * leaves the point's rule as it was. */
static void test_rule_range(void **state)
{
	(void)state;
	struct zsim_fault_injector *fi;
	assert_int_equal(zsim_fault_create(&fi), 0);
	const double bad[] = {NAN, -NAN, INFINITY, -INFINITY, -0.001, 1.0000001, 2};
	for (size_t i = 0; i < ZSIM_ARRAY_N(bad); i++) {
		struct zsim_fault_rule r = {.probability = bad[i]};
		assert_int_equal(zsim_fault_set(fi, ZSIM_FAULT_COMPRESS, &r), ZSIM_EINVAL);
	}
	assert_int_equal(zsim_fault_should_fail(fi, ZSIM_FAULT_COMPRESS), 0);
	struct zsim_fault_rule one = {.probability = 1};
	assert_int_equal(zsim_fault_set(fi, ZSIM_FAULT_COMPRESS, &one), 0);
	assert_int_equal(zsim_fault_should_fail(fi, ZSIM_FAULT_COMPRESS), 1);
	struct zsim_fault_rule nan_rule = {.probability = NAN};
	assert_int_equal(zsim_fault_set(fi, ZSIM_FAULT_COMPRESS, &nan_rule), ZSIM_EINVAL);
	assert_int_equal(zsim_fault_should_fail(fi, ZSIM_FAULT_COMPRESS), 1);
	struct zsim_fault_rule zero = {.probability = 0};
	assert_int_equal(zsim_fault_set(fi, ZSIM_FAULT_COMPRESS, &zero), 0);
	assert_int_equal(zsim_fault_should_fail(fi, ZSIM_FAULT_COMPRESS), 0);
	assert_int_equal(zsim_fault_set(fi, ZSIM_FAULT_POINT_COUNT, &zero), ZSIM_EINVAL);
	zsim_fault_destroy(fi);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule_range),
		cmocka_unit_test(test_sweep_6_13),
		cmocka_unit_test(test_sweep_6_18),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
