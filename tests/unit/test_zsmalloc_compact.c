/*
 * test_zsmalloc_compact.c - zs_compact: after random frees, compaction
 * keeps every object's bytes and handle, frees exactly what
 * zs_can_compact() promised (pages after = before - pages_compacted,
 * freeable 0 afterwards), and stops at a zspage a reader holds.
 */
#include "testutil.h"

#include "common/rand.h"

struct obj {
	zsim_handle_t h;
	uint32_t len, tag;
};

static void fill(unsigned char *buf, size_t len, uint32_t tag)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (unsigned char)((tag >> ((i & 3) * 8)) ^ (i * 13 + 7));
}

static void check(struct zsim_zpool *p, const struct obj *o)
{
	unsigned char local[ZSIM_PAGE_SIZE], want[ZSIM_PAGE_SIZE];
	const void *ptr;
	size_t sz;
	assert_int_equal(zsim_zpool_obj_size(p, o->h, &sz), 0);
	assert_int_equal(sz, o->len);
	assert_int_equal(zsim_zpool_read_begin(p, o->h, o->len, 0, local, &ptr), 0);
	fill(want, o->len, o->tag);
	assert_memory_equal(ptr, want, o->len);
	zsim_zpool_read_end(p, o->h, 0, ptr);
}

static uint64_t total_freeable(struct zsim_zpool *p, uint64_t *nonzero_classes)
{
	struct zsim_zs_class_stats rows[255];
	int n = zsim_zpool_class_stats(p, rows, 255);
	assert_true(n > 0);
	uint64_t sum = 0, nz = 0;
	for (int r = 0; r < n; r++) {
		sum += rows[r].freeable;
		nz += rows[r].freeable != 0;
		assert_int_equal(rows[r].freeable,
				 (rows[r].obj_allocated - rows[r].obj_used) /
					 rows[r].objs_per_zspage * rows[r].pages_per_zspage);
	}
	if (nonzero_classes)
		*nonzero_classes = nz;
	return sum;
}

static size_t random_len(struct zsim_rng *rng)
{
	uint64_t r = zsim_rng_below(rng, 100);
	if (r < 15)
		return 1 + zsim_rng_below(rng, 200);
	if (r < 92)
		return 200 + zsim_rng_below(rng, 3200);
	return 3400 + zsim_rng_below(rng, 697);
}

static void run_formula(enum zsim_zs_era era, unsigned chain, enum zsim_zs_access access,
			uint64_t seed, unsigned free_pct)
{
	struct zsim_rng rng;
	zsim_rng_seed(&rng, seed);
	struct zsim_zpool_config cfg = {.era = era, .chain_size = chain, .access = access};
	struct zsim_zpool *p;
	assert_int_equal(zsim_zpool_create(&cfg, &p), 0);
	enum { N = 12000 };
	struct obj *o = calloc(N, sizeof(*o));
	unsigned char buf[ZSIM_PAGE_SIZE];
	for (int i = 0; i < N; i++) {
		o[i].len = (uint32_t)random_len(&rng);
		o[i].tag = (uint32_t)zsim_rng_next(&rng);
		assert_int_equal(zsim_zpool_malloc(p, o[i].len, 0, &o[i].h), 0);
		fill(buf, o[i].len, o[i].tag);
		assert_int_equal(zsim_zpool_write(p, o[i].h, buf, o[i].len, 0), 0);
	}
	/* Free a random subset. */
	int live = 0;
	for (int i = 0; i < N; i++) {
		if (zsim_rng_below(&rng, 100) < free_pct)
			assert_int_equal(zsim_zpool_free(p, o[i].h), 0);
		else
			o[live++] = o[i];
	}
	struct zsim_zpool_stats before, after;
	assert_int_equal(zsim_zpool_stats(p, &before), 0);
	uint64_t freeable = total_freeable(p, NULL);
	assert_true(freeable > 0);
	assert_int_equal(before.freeable, freeable);

	int64_t freed = zsim_zpool_compact(p);
	assert_int_equal(zsim_zpool_stats(p, &after), 0);
	/* With no reader in the way, compaction frees exactly what
	 * zs_can_compact promised, and nothing is left to free. */
	assert_int_equal((uint64_t)freed, freeable);
	assert_int_equal(after.pages, before.pages - (uint64_t)freed);
	assert_int_equal(after.pages_compacted, before.pages_compacted + (uint64_t)freed);
	assert_int_equal(after.objs_used, before.objs_used);
	assert_int_equal(after.bytes_used, before.bytes_used);
	assert_true(after.zspages < before.zspages);
	assert_int_equal(total_freeable(p, NULL), 0);
	assert_int_equal(after.freeable, 0);
	assert_int_equal(zsim_zpool_compact(p), 0);

	/* Every object kept its bytes, size and handle. */
	for (int i = 0; i < live; i++)
		check(p, &o[i]);
	/* Handles still work for writing and freeing; new objects reuse the
	 * holes. */
	for (int i = 0; i < live; i += 3) {
		o[i].tag ^= 0xffffu;
		fill(buf, o[i].len, o[i].tag);
		assert_int_equal(zsim_zpool_write(p, o[i].h, buf, o[i].len, 0), 0);
	}
	for (int i = 0; i < live; i++)
		check(p, &o[i]);
	for (int i = 1; i < live; i += 2)
		assert_int_equal(zsim_zpool_free(p, o[i].h), 0);
	for (int i = 0; i < live; i += 2)
		check(p, &o[i]);
	/* and once more, from a second round of holes */
	freeable = total_freeable(p, NULL);
	assert_int_equal(zsim_zpool_stats(p, &before), 0);
	freed = zsim_zpool_compact(p);
	assert_int_equal((uint64_t)freed, freeable);
	assert_int_equal(zsim_zpool_total_pages(p), before.pages - (uint64_t)freed);
	for (int i = 0; i < live; i += 2)
		check(p, &o[i]);
	for (int i = 0; i < live; i += 2)
		assert_int_equal(zsim_zpool_free(p, o[i].h), 0);
	assert_int_equal(zsim_zpool_total_pages(p), 0);
	free(o);
	zsim_zpool_destroy(p);
}

static void test_formula_chain8(void **state)
{
	(void)state;
	run_formula(ZSIM_ZS_ERA_CHAIN, 8, ZSIM_ZS_ACCESS_READ_BEGIN, zsim_test_seed(), 60);
	run_formula(ZSIM_ZS_ERA_CHAIN, 8, ZSIM_ZS_ACCESS_SG, zsim_test_seed() + 1, 30);
}

static void test_formula_chain4_16(void **state)
{
	(void)state;
	run_formula(ZSIM_ZS_ERA_CHAIN, 4, ZSIM_ZS_ACCESS_READ_BEGIN, zsim_test_seed() + 2, 50);
	run_formula(ZSIM_ZS_ERA_CHAIN, 16, ZSIM_ZS_ACCESS_MAP, zsim_test_seed() + 3, 75);
}

static void test_formula_legacy(void **state)
{
	(void)state;
	run_formula(ZSIM_ZS_ERA_LEGACY, 0, ZSIM_ZS_ACCESS_MAP, zsim_test_seed() + 4, 60);
	run_formula(ZSIM_ZS_ERA_LEGACY, 0, ZSIM_ZS_ACCESS_READ_BEGIN, zsim_test_seed() + 5, 90);
}

/*
 * A reader holds an object of the zspage compaction would empty: the
 * class stops there (the zspage lock is only trylocked), the reader's
 * pointer stays good; after read_end the class compacts fully.
 */
static void run_pinned(enum zsim_zs_era era, enum zsim_zs_access access, int how)
{
	struct zsim_zpool_config cfg = {.era = era, .chain_size = 8, .access = access,
					.nr_cpus = 2};
	struct zsim_zpool *p;
	assert_int_equal(zsim_zpool_create(&cfg, &p), 0);
	enum { O = 93 }; /* class 176: 4 pages, 93 objects in both eras */
	struct obj o[3 * O];
	unsigned char buf[ZSIM_PAGE_SIZE];
	for (int i = 0; i < 3 * O; i++) {
		o[i].len = 168;
		o[i].tag = (uint32_t)i * 2654435761u;
		assert_int_equal(zsim_zpool_malloc(p, o[i].len, 0, &o[i].h), 0);
		fill(buf, o[i].len, o[i].tag);
		assert_int_equal(zsim_zpool_write(p, o[i].h, buf, o[i].len, 0), 0);
	}
	/* A keeps 13 (h0..12), B and C keep 73 each: 120 free slots */
	bool freed_obj[3 * O] = {false};
	for (int i = 13; i < O; i++)
		freed_obj[i] = true;
	for (int i = O + 73; i < 2 * O; i++)
		freed_obj[i] = true;
	for (int i = 2 * O + 73; i < 3 * O; i++)
		freed_obj[i] = true;
	for (int i = 0; i < 3 * O; i++)
		if (freed_obj[i])
			assert_int_equal(zsim_zpool_free(p, o[i].h), 0);
	assert_int_equal(total_freeable(p, NULL), 4);

	const void *ptr = NULL;
	void *mp = NULL;
	struct zsim_zpool_seg seg[2];
	unsigned char local[ZSIM_PAGE_SIZE];
	const unsigned char *view;
	if (how == 1) {
		assert_int_equal(zsim_zpool_map(p, o[5].h, ZSIM_ZPOOL_MAP_RO, 1, &mp), 0);
		view = mp;
	} else if (how == 2) {
		/* slot 5 of class 176 is inside the first page: one segment */
		assert_int_equal(zsim_zpool_read_sg_begin(p, o[5].h, o[5].len, seg), 1);
		view = seg[0].addr;
	} else {
		assert_int_equal(zsim_zpool_read_begin(p, o[5].h, o[5].len, 1, local, &ptr), 0);
		view = ptr;
	}
	assert_int_equal(zsim_zpool_compact(p), 0);
	assert_int_equal(total_freeable(p, NULL), 4);
	unsigned char want[ZSIM_PAGE_SIZE];
	fill(want, o[5].len, o[5].tag);
	assert_memory_equal(view, want, o[5].len);
	/* other zspages of the class are still usable meanwhile */
	for (int i = 0; i < 3 * O; i++)
		if (!freed_obj[i] && i != 5)
			check(p, &o[i]);
	if (how == 1)
		zsim_zpool_unmap(p, o[5].h, 1);
	else if (how == 2)
		zsim_zpool_read_sg_end(p, o[5].h);
	else
		zsim_zpool_read_end(p, o[5].h, 1, ptr);

	assert_int_equal(zsim_zpool_compact(p), 4);
	assert_int_equal(total_freeable(p, NULL), 0);
	assert_int_equal(zsim_zpool_total_pages(p), 8);
	for (int i = 0; i < 3 * O; i++)
		if (!freed_obj[i])
			check(p, &o[i]);
	struct zsim_zpool_stats st;
	assert_int_equal(zsim_zpool_stats(p, &st), 0);
	assert_int_equal(st.pages_compacted, 4);
	zsim_zpool_destroy(p);
}

static void test_pinned_zspage(void **state)
{
	(void)state;
	run_pinned(ZSIM_ZS_ERA_CHAIN, ZSIM_ZS_ACCESS_READ_BEGIN, 0);
	run_pinned(ZSIM_ZS_ERA_CHAIN, ZSIM_ZS_ACCESS_SG, 1);
	run_pinned(ZSIM_ZS_ERA_CHAIN, ZSIM_ZS_ACCESS_SG, 2);
	run_pinned(ZSIM_ZS_ERA_LEGACY, ZSIM_ZS_ACCESS_MAP, 0);
	run_pinned(ZSIM_ZS_ERA_LEGACY, ZSIM_ZS_ACCESS_READ_BEGIN, 1);
	run_pinned(ZSIM_ZS_ERA_LEGACY, ZSIM_ZS_ACCESS_MAP, 2);
}

/*
 * A caller that frees an object it still has mapped (a bug the kernel does
 * not catch either) leaves an empty zspage the free cannot release; it
 * stays counted until compaction releases it (the kernel's deferred free).
 */
static void test_deferred_free(void **state)
{
	(void)state;
	struct zsim_zpool_config cfg = {.era = ZSIM_ZS_ERA_CHAIN, .access = ZSIM_ZS_ACCESS_MAP};
	struct zsim_zpool *p;
	assert_int_equal(zsim_zpool_create(&cfg, &p), 0);
	zsim_handle_t h;
	assert_int_equal(zsim_zpool_malloc(p, 3600, 0, &h), 0); /* 8 pages */
	void *mp;
	assert_int_equal(zsim_zpool_map(p, h, ZSIM_ZPOOL_MAP_RO, 0, &mp), 0);
	assert_int_equal(zsim_zpool_free(p, h), 0);
	assert_int_equal(zsim_zpool_total_pages(p), 8);
	zsim_zpool_unmap(p, h, 0);
	struct zsim_zs_class_stats rows[255];
	int n = zsim_zpool_class_stats(p, rows, 255);
	assert_int_equal(rows[n - 2].fullness[0], 1);
	assert_int_equal(rows[n - 2].obj_used, 0);
	assert_int_equal(zsim_zpool_compact(p), 0); /* not counted as compacted */
	assert_int_equal(zsim_zpool_total_pages(p), 0);
	n = zsim_zpool_class_stats(p, rows, 255);
	assert_int_equal(rows[n - 2].fullness[0], 0);
	assert_int_equal(rows[n - 2].obj_allocated, 0);
	/* An empty zspage left behind is also reused by the next malloc. */
	assert_int_equal(zsim_zpool_malloc(p, 3600, 0, &h), 0);
	assert_int_equal(zsim_zpool_map(p, h, ZSIM_ZPOOL_MAP_RO, 0, &mp), 0);
	assert_int_equal(zsim_zpool_free(p, h), 0);
	zsim_zpool_unmap(p, h, 0);
	assert_int_equal(zsim_zpool_malloc(p, 3600, 0, &h), 0);
	assert_int_equal(zsim_zpool_total_pages(p), 8);
	assert_int_equal(zsim_zpool_free(p, h), 0);
	assert_int_equal(zsim_zpool_total_pages(p), 0);
	zsim_zpool_destroy(p);
}

/* A compaction that moves objects across page boundaries into slots that
 * straddle differently: one class, many rounds, content checked. */
static void test_many_rounds_one_class(void **state)
{
	(void)state;
	struct zsim_rng rng;
	zsim_rng_seed(&rng, zsim_test_seed() ^ 0xc0);
	for (int era = 0; era < 2; era++) {
		struct zsim_zpool_config cfg = {.era = (enum zsim_zs_era)era, .chain_size = 8};
		struct zsim_zpool *p;
		assert_int_equal(zsim_zpool_create(&cfg, &p), 0);
		enum { N = 2000 };
		struct obj o[N];
		unsigned char buf[ZSIM_PAGE_SIZE];
		int live = 0;
		uint64_t total_freed = 0;
		for (int round = 0; round < 20; round++) {
			while (live < N) {
				struct obj *x = &o[live++];
				x->len = 673 + (uint32_t)zsim_rng_below(&rng, 16); /* class 688 */
				x->tag = (uint32_t)zsim_rng_next(&rng);
				assert_int_equal(zsim_zpool_malloc(p, x->len, 0, &x->h), 0);
				fill(buf, x->len, x->tag);
				assert_int_equal(zsim_zpool_write(p, x->h, buf, x->len, 0), 0);
			}
			int keep = 0;
			for (int i = 0; i < live; i++) {
				if (zsim_rng_below(&rng, 100) < 45)
					assert_int_equal(zsim_zpool_free(p, o[i].h), 0);
				else
					o[keep++] = o[i];
			}
			live = keep;
			uint64_t want = total_freeable(p, NULL);
			uint64_t pages = zsim_zpool_total_pages(p);
			int64_t freed = zsim_zpool_compact(p);
			assert_int_equal((uint64_t)freed, want);
			assert_int_equal(zsim_zpool_total_pages(p), pages - want);
			total_freed += (uint64_t)freed;
			for (int i = 0; i < live; i++)
				check(p, &o[i]);
		}
		struct zsim_zpool_stats st;
		assert_int_equal(zsim_zpool_stats(p, &st), 0);
		assert_int_equal(st.pages_compacted, total_freed);
		zsim_zpool_destroy(p);
	}
}

int main(void)
{
	zsim_test_seed();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formula_chain8),
		cmocka_unit_test(test_formula_chain4_16),
		cmocka_unit_test(test_formula_legacy),
		cmocka_unit_test(test_pinned_zspage),
		cmocka_unit_test(test_deferred_free),
		cmocka_unit_test(test_many_rounds_one_class),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
