/*
 * test_zsmalloc_classes.c - zsmalloc's size classes for chain sizes 4, 8
 * and 16 and the legacy era, checked against the rule of reference §2.2
 * re-computed here independently, against rows and check values of
 * Appendix A, and through real allocations (which class each length lands
 * in, huge threshold boundaries).
 */
#include "testutil.h"

#include "alloc/size_class.h"

/* --- the rule, written again from the reference text ---------------------- */

struct ref_class {
	unsigned size, ppz, objs;
	int real; /* index of the class serving this raw index */
};

struct ref_table {
	struct ref_class raw[255];
	unsigned nr_real;
	unsigned huge_threshold;
};

static unsigned ref_ppz(int legacy, unsigned size, unsigned maxp)
{
	unsigned best_k = 1;
	if (legacy) {
		int best = -1;
		for (unsigned k = 1; k <= maxp; k++) {
			unsigned total = k * 4096;
			int used_pct = (int)((total - total % size) * 100 / total);
			if (used_pct > best) {
				best = used_pct;
				best_k = k;
			}
		}
		return best_k;
	}
	for (unsigned s = size; s > 1; s /= 2)
		if (s % 2)
			goto not_pow2;
	return 1;
not_pow2:;
	long best = -1;
	for (unsigned k = 1; k <= maxp; k++) {
		long waste = (long)((k * 4096) % size);
		if (best < 0 || waste < best) {
			best = waste;
			best_k = k;
		}
	}
	return best_k;
}

static void ref_build(struct ref_table *t, int legacy, unsigned maxp)
{
	memset(t, 0, sizeof(*t));
	int last = -1;
	for (int i = 254; i >= 0; i--) {
		unsigned size = 32 + 16 * (unsigned)i;
		if (size > 4096)
			size = 4096;
		unsigned ppz = ref_ppz(legacy, size, maxp);
		unsigned objs = ppz * 4096 / size;
		if (!t->huge_threshold && ppz != 1 && objs != 1)
			t->huge_threshold = size - 7;
		t->raw[i].size = size;
		t->raw[i].ppz = ppz;
		t->raw[i].objs = objs;
		if (last >= 0 && t->raw[last].ppz == ppz && t->raw[last].objs == objs) {
			t->raw[i].real = last;
		} else {
			t->raw[i].real = i;
			last = i;
			t->nr_real++;
		}
	}
}

static unsigned ref_raw_of_len(size_t len)
{
	size_t s = len + 8;
	if (s <= 32)
		return 0;
	size_t idx = (s - 32 + 15) / 16;
	return idx > 254 ? 254 : (unsigned)idx;
}

/* --- helpers ---------------------------------------------------------------- */

static struct zsim_zpool *make_pool(enum zsim_zs_era era, unsigned chain)
{
	struct zsim_zpool_config cfg = {.era = era, .chain_size = chain};
	struct zsim_zpool *p;
	assert_int_equal(zsim_zpool_create(&cfg, &p), 0);
	return p;
}

static int read_rows(struct zsim_zpool *p, struct zsim_zs_class_stats *rows)
{
	int n = zsim_zpool_class_stats(p, rows, 255);
	assert_true(n > 0 && n <= 255);
	return n;
}

/* Every real class of the pool equals the independently computed one. */
static void check_against_ref(enum zsim_zs_era era, unsigned chain)
{
	int legacy = era == ZSIM_ZS_ERA_LEGACY;
	struct ref_table ref;
	ref_build(&ref, legacy, legacy ? 4 : (chain ? chain : 8));
	struct zsim_zpool *p = make_pool(era, chain);
	struct zsim_zs_class_stats rows[255];
	int n = read_rows(p, rows);
	assert_int_equal(n, ref.nr_real);
	assert_int_equal(zsim_zpool_huge_class_size(p), ref.huge_threshold);
	int r = 0;
	for (int i = 0; i < 255; i++) {
		if (ref.raw[i].real != i)
			continue;
		assert_true(r < n);
		assert_int_equal(rows[r].index, i);
		assert_int_equal(rows[r].size, ref.raw[i].size);
		assert_int_equal(rows[r].pages_per_zspage, ref.raw[i].ppz);
		assert_int_equal(rows[r].objs_per_zspage, ref.raw[i].objs);
		assert_int_equal(rows[r].huge, ref.raw[i].ppz == 1 && ref.raw[i].objs == 1);
		assert_int_equal(rows[r].obj_allocated, 0);
		r++;
	}
	/* The internal table agrees for every raw index and every length. */
	struct zsa_class_table t;
	assert_int_equal(zsa_class_table_build(&t, era, chain), 0);
	for (int i = 0; i < 255; i++)
		assert_int_equal(t.real_of_raw[i], ref.raw[i].real);
	for (size_t len = 1; len <= 4096; len++)
		assert_int_equal(zsa_class_of_len(&t, len), ref.raw[ref_raw_of_len(len)].real);
	zsim_zpool_destroy(p);
}

static void test_chain4_rule(void **state)
{
	(void)state;
	check_against_ref(ZSIM_ZS_ERA_CHAIN, 4);
}

static void test_chain8_rule(void **state)
{
	(void)state;
	check_against_ref(ZSIM_ZS_ERA_CHAIN, 8);
	check_against_ref(ZSIM_ZS_ERA_CHAIN, 0); /* 0 = default 8 */
}

static void test_chain16_rule(void **state)
{
	(void)state;
	check_against_ref(ZSIM_ZS_ERA_CHAIN, 16);
}

static void test_all_chain_sizes_and_legacy(void **state)
{
	(void)state;
	for (unsigned c = 4; c <= 16; c++)
		check_against_ref(ZSIM_ZS_ERA_CHAIN, c);
	check_against_ref(ZSIM_ZS_ERA_LEGACY, 0);
	check_against_ref(ZSIM_ZS_ERA_LEGACY, 8); /* chain size ignored */
}

/* Appendix A check values. */
static void test_check_values(void **state)
{
	(void)state;
	struct {
		enum zsim_zs_era era;
		unsigned chain, nr_real, huge;
	} cv[] = {
		{ZSIM_ZS_ERA_CHAIN, 8, 119, 3625},
		{ZSIM_ZS_ERA_CHAIN, 4, 69, 3257},
		{ZSIM_ZS_ERA_CHAIN, 16, 192, 3833},
		{ZSIM_ZS_ERA_LEGACY, 0, 69, 3257},
	};
	for (size_t i = 0; i < ZSIM_ARRAY_N(cv); i++) {
		struct zsim_zpool *p = make_pool(cv[i].era, cv[i].chain);
		struct zsim_zs_class_stats rows[255];
		assert_int_equal(read_rows(p, rows), cv[i].nr_real);
		assert_int_equal(zsim_zpool_huge_class_size(p), cv[i].huge);
		/* Class 0 (32 B) always holds 128 objects in one page; the
		 * last class is raw 254: 4096 B, huge, 1 page, 1 object. */
		int n = (int)cv[i].nr_real;
		assert_int_equal(rows[0].size, 32);
		assert_int_equal(rows[0].objs_per_zspage, 128);
		assert_int_equal(rows[0].pages_per_zspage, 1);
		assert_int_equal(rows[n - 1].index, 254);
		assert_int_equal(rows[n - 1].size, 4096);
		assert_true(rows[n - 1].huge);
		assert_int_equal(rows[n - 1].pages_per_zspage, 1);
		assert_int_equal(rows[n - 1].objs_per_zspage, 1);
		for (int r = 0; r < n - 1; r++)
			assert_false(rows[r].huge);
		zsim_zpool_destroy(p);
	}
}

struct row {
	unsigned idx, size, ppz, objs;
};

static void spot_check(enum zsim_zs_era era, unsigned chain, const struct row *want,
		       size_t n)
{
	struct zsim_zpool *p = make_pool(era, chain);
	struct zsim_zs_class_stats rows[255];
	int nr = read_rows(p, rows);
	for (size_t i = 0; i < n; i++) {
		int found = 0;
		for (int r = 0; r < nr; r++) {
			if (rows[r].index != want[i].idx)
				continue;
			found = 1;
			assert_int_equal(rows[r].size, want[i].size);
			assert_int_equal(rows[r].pages_per_zspage, want[i].ppz);
			assert_int_equal(rows[r].objs_per_zspage, want[i].objs);
		}
		if (!found)
			fail_msg("class %u missing", want[i].idx);
	}
	zsim_zpool_destroy(p);
}

/* Rows copied from Appendix A. */
static void test_appendix_rows(void **state)
{
	(void)state;
	static const struct row a1[] = {
		{0, 32, 1, 128},  {1, 48, 3, 256},  {3, 80, 1, 51},   {9, 176, 4, 93},
		{11, 208, 3, 59}, {35, 592, 4, 27}, {40, 672, 1, 6},  {62, 1024, 1, 4},
		{83, 1360, 1, 3}, {126, 2048, 1, 2}, {168, 2720, 2, 3}, {190, 3072, 3, 4},
		{202, 3264, 4, 5}, {254, 4096, 1, 1},
	};
	static const struct row a2[] = {
		{3, 80, 5, 256},   {5, 112, 7, 256},  {7, 144, 7, 199},  {41, 688, 8, 47},
		{49, 816, 1, 5},   {55, 912, 7, 31},  {87, 1424, 8, 23}, {118, 1920, 8, 17},
		{134, 2176, 8, 15}, {211, 3408, 5, 6}, {217, 3504, 6, 7}, {222, 3584, 7, 8},
		{225, 3632, 8, 9}, {254, 4096, 1, 1},
	};
	spot_check(ZSIM_ZS_ERA_CHAIN, 4, a1, ZSIM_ARRAY_N(a1));
	spot_check(ZSIM_ZS_ERA_CHAIN, 8, a2, ZSIM_ARRAY_N(a2));
	/* Legacy equals chain 4 except size 208: ppz 2, 39 objects. */
	static const struct row legacy208[] = {{11, 208, 2, 39}};
	spot_check(ZSIM_ZS_ERA_LEGACY, 0, legacy208, 1);
	struct zsim_zs_class_stats l[255], c4[255];
	struct zsim_zpool *pl = make_pool(ZSIM_ZS_ERA_LEGACY, 0);
	struct zsim_zpool *p4 = make_pool(ZSIM_ZS_ERA_CHAIN, 4);
	int nl = read_rows(pl, l), n4 = read_rows(p4, c4);
	assert_int_equal(nl, n4);
	int differ = 0;
	for (int r = 0; r < nl; r++) {
		assert_int_equal(l[r].index, c4[r].index);
		if (l[r].pages_per_zspage != c4[r].pages_per_zspage) {
			differ++;
			assert_int_equal(l[r].size, 208);
		}
	}
	assert_int_equal(differ, 1);
	zsim_zpool_destroy(pl);
	zsim_zpool_destroy(p4);
}

/* Histograms of pages per zspage (reference §2.2 table). */
static void test_ppz_histograms(void **state)
{
	(void)state;
	static const unsigned h4[5] = {0, 20, 11, 20, 18};
	static const unsigned h8[9] = {0, 14, 7, 14, 10, 24, 7, 26, 17};
	struct zsim_zs_class_stats rows[255];
	struct zsim_zpool *p = make_pool(ZSIM_ZS_ERA_CHAIN, 4);
	unsigned got4[17] = {0}, got8[17] = {0};
	int n = read_rows(p, rows);
	for (int r = 0; r < n; r++)
		got4[rows[r].pages_per_zspage]++;
	zsim_zpool_destroy(p);
	p = make_pool(ZSIM_ZS_ERA_CHAIN, 8);
	n = read_rows(p, rows);
	for (int r = 0; r < n; r++)
		got8[rows[r].pages_per_zspage]++;
	zsim_zpool_destroy(p);
	for (int k = 1; k <= 4; k++)
		assert_int_equal(got4[k], h4[k]);
	for (int k = 1; k <= 8; k++)
		assert_int_equal(got8[k], h8[k]);
}

/* Allocations land where the lookup says: for every length 1..4096, the
 * class whose obj_used grows is the reference's class. */
static void test_lookup_by_allocation(void **state)
{
	(void)state;
	unsigned chains[] = {4, 8, 16};
	for (size_t ci = 0; ci < ZSIM_ARRAY_N(chains); ci++) {
		struct ref_table ref;
		ref_build(&ref, 0, chains[ci]);
		struct zsim_zpool *p = make_pool(ZSIM_ZS_ERA_CHAIN, chains[ci]);
		struct zsim_zs_class_stats rows[255];
		int n = read_rows(p, rows);
		int row_of[255];
		for (int r = 0; r < n; r++)
			row_of[rows[r].index] = r;
		uint64_t used[255] = {0};
		for (size_t len = 1; len <= 4096; len++) {
			zsim_handle_t h;
			assert_int_equal(zsim_zpool_malloc(p, len, 0, &h), 0);
			used[row_of[ref.raw[ref_raw_of_len(len)].real]]++;
		}
		read_rows(p, rows);
		for (int r = 0; r < n; r++)
			assert_int_equal(rows[r].obj_used, used[r]);
		zsim_zpool_destroy(p);
	}
}

/* The huge threshold is exactly the boundary of the huge class, and a
 * PAGE_SIZE object is huge. */
static void test_huge_boundary(void **state)
{
	(void)state;
	enum zsim_zs_era eras[] = {ZSIM_ZS_ERA_CHAIN, ZSIM_ZS_ERA_CHAIN, ZSIM_ZS_ERA_CHAIN,
				   ZSIM_ZS_ERA_LEGACY};
	unsigned chains[] = {4, 8, 16, 0};
	for (size_t i = 0; i < ZSIM_ARRAY_N(chains); i++) {
		struct zsim_zpool *p = make_pool(eras[i], chains[i]);
		size_t hs = zsim_zpool_huge_class_size(p);
		struct zsim_zs_class_stats rows[255];
		int n = read_rows(p, rows);
		zsim_handle_t h;
		assert_int_equal(zsim_zpool_malloc(p, hs - 1, 0, &h), 0);
		read_rows(p, rows);
		assert_int_equal(rows[n - 1].obj_used, 0);
		assert_int_equal(rows[n - 2].obj_used, 1);
		assert_int_equal(rows[n - 2].size, hs - 1 + 8); /* largest normal class */
		assert_int_equal(zsim_zpool_malloc(p, hs, 0, &h), 0);
		assert_int_equal(zsim_zpool_malloc(p, 4096, 0, &h), 0);
		read_rows(p, rows);
		assert_int_equal(rows[n - 1].obj_used, 2);
		assert_int_equal(rows[n - 1].pages_used, 2);
		zsim_zpool_destroy(p);
	}
}

static void test_bad_config(void **state)
{
	(void)state;
	struct zsa_class_table t;
	assert_int_equal(zsa_class_table_build(&t, ZSIM_ZS_ERA_CHAIN, 3), ZSIM_EINVAL);
	assert_int_equal(zsa_class_table_build(&t, ZSIM_ZS_ERA_CHAIN, 17), ZSIM_EINVAL);
	assert_int_equal(zsa_class_table_build(&t, (enum zsim_zs_era)7, 8), ZSIM_EINVAL);
	struct zsim_zpool_config cfg = {.era = ZSIM_ZS_ERA_CHAIN, .chain_size = 2};
	struct zsim_zpool *p = (struct zsim_zpool *)&cfg;
	assert_int_equal(zsim_zpool_create(&cfg, &p), ZSIM_EINVAL);
	assert_null(p);
	cfg.chain_size = 8;
	cfg.access = (enum zsim_zs_access)9;
	assert_int_equal(zsim_zpool_create(&cfg, &p), ZSIM_EINVAL);
	cfg.access = ZSIM_ZS_ACCESS_SG;
	cfg.type = "zbud";
	assert_int_equal(zsim_zpool_create(&cfg, &p), ZSIM_ENOENT);
	/* The baselines have no classes. */
	cfg.type = "ideal";
	assert_int_equal(zsim_zpool_create(&cfg, &p), 0);
	assert_string_equal(zsim_zpool_type(p), "ideal");
	assert_int_equal(zsim_zpool_class_stats(p, NULL, 0), ZSIM_ENOTSUP);
	assert_int_equal(zsim_zpool_huge_class_size(p), 0);
	zsim_zpool_destroy(p);
	/* NULL config: a zsmalloc pool of the default era. */
	assert_int_equal(zsim_zpool_create(NULL, &p), 0);
	assert_string_equal(zsim_zpool_type(p), "zsmalloc");
	assert_int_equal(zsim_zpool_class_stats(p, NULL, 0), 69);
	zsim_zpool_destroy(p);
}

int main(void)
{
	zsim_test_seed();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chain4_rule),
		cmocka_unit_test(test_chain8_rule),
		cmocka_unit_test(test_chain16_rule),
		cmocka_unit_test(test_all_chain_sizes_and_legacy),
		cmocka_unit_test(test_check_values),
		cmocka_unit_test(test_appendix_rows),
		cmocka_unit_test(test_ppz_histograms),
		cmocka_unit_test(test_lookup_by_allocation),
		cmocka_unit_test(test_huge_boundary),
		cmocka_unit_test(test_bad_config),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
