/*
 * test_xtree.c - the entry tree (src/tree/xtree.c): store/load/erase and
 * the old entry returned, compare-and-erase, cmpxchg, range queries,
 * ordered walks, index boundaries, a seeded random run against a sorted
 * array at chunk shifts 1, 2, 3 and 6 (tiny fan-outs make deep trees with
 * few entries, as tools/testing/radix-tree does), node allocation failures
 * injected at every call in turn, and memory accounting.
 * The multi-threaded test is test_xtree_thread.c (CI runs it under TSan).
 */
#include "testutil.h"

#include <stdio.h>

#include "common/rand.h"
#include "tree/xtree.h"

static const unsigned shifts[] = {1, 2, 3, 6};

/* Fake entries: never dereferenced, 4-byte aligned, never NULL. */
static void *E(uint64_t n)
{
	return (void *)(uintptr_t)(4 * (n + 1));
}

static struct zsim_xtree *mk(unsigned shift, struct zsim_fault_injector *f)
{
	struct zsim_xtree *t;
	assert_int_equal(zsim_xtree_create(shift, f, &t), 0);
	assert_non_null(t);
	return t;
}

static void assert_accounting(struct zsim_xtree *t, unsigned shift)
{
	assert_int_equal(zsim_xtree_check(t), 0);
	assert_int_equal(zsim_xtree_memory(t),
			 zsim_xtree_base_size() + zsim_xtree_nodes(t) * zsim_xtree_node_size(shift));
}

/* ---- a sorted-array reference map ------------------------------------ */

struct ref {
	uint64_t *idx;
	void **val;
	size_t n, cap;
};

static size_t ref_lb(const struct ref *r, uint64_t i)
{
	size_t lo = 0, hi = r->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r->idx[mid] < i)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void *ref_get(const struct ref *r, uint64_t i)
{
	size_t p = ref_lb(r, i);
	return p < r->n && r->idx[p] == i ? r->val[p] : NULL;
}

static void *ref_set(struct ref *r, uint64_t i, void *v)
{
	size_t p = ref_lb(r, i);
	if (p < r->n && r->idx[p] == i) {
		void *old = r->val[p];
		r->val[p] = v;
		return old;
	}
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 64;
		r->idx = realloc(r->idx, r->cap * sizeof(*r->idx));
		r->val = realloc(r->val, r->cap * sizeof(*r->val));
		assert_non_null(r->idx);
		assert_non_null(r->val);
	}
	memmove(r->idx + p + 1, r->idx + p, (r->n - p) * sizeof(*r->idx));
	memmove(r->val + p + 1, r->val + p, (r->n - p) * sizeof(*r->val));
	r->idx[p] = i;
	r->val[p] = v;
	r->n++;
	return NULL;
}

static void *ref_del(struct ref *r, uint64_t i)
{
	size_t p = ref_lb(r, i);
	if (p == r->n || r->idx[p] != i)
		return NULL;
	void *old = r->val[p];
	memmove(r->idx + p, r->idx + p + 1, (r->n - p - 1) * sizeof(*r->idx));
	memmove(r->val + p, r->val + p + 1, (r->n - p - 1) * sizeof(*r->val));
	r->n--;
	return old;
}

static bool ref_any(const struct ref *r, uint64_t first, uint64_t last)
{
	if (first > last)
		return false;
	size_t p = ref_lb(r, first);
	return p < r->n && r->idx[p] <= last;
}

static void ref_free(struct ref *r)
{
	free(r->idx);
	free(r->val);
	memset(r, 0, sizeof(*r));
}

struct walk_cmp {
	const struct ref *r;
	size_t pos;
	int bad;
};

static int walk_cmp_fn(uint64_t index, void *entry, void *arg)
{
	struct walk_cmp *w = arg;
	if (w->pos >= w->r->n || w->r->idx[w->pos] != index || w->r->val[w->pos] != entry)
		w->bad = 1;
	w->pos++;
	return 0;
}

/* The tree holds exactly what the reference holds, in the same order. */
static void assert_same(struct zsim_xtree *t, const struct ref *r, unsigned shift)
{
	struct walk_cmp w = {r, 0, 0};
	assert_int_equal(zsim_xtree_for_each(t, walk_cmp_fn, &w), 0);
	assert_int_equal(w.bad, 0);
	assert_int_equal(w.pos, r->n);
	assert_int_equal(zsim_xtree_count(t), r->n);
	assert_int_equal(zsim_xtree_empty(t), r->n == 0);
	for (size_t i = 0; i < r->n; i++)
		assert_ptr_equal(zsim_xtree_load(t, r->idx[i]), r->val[i]);
	assert_accounting(t, shift);
}

/* ---- basic operations ------------------------------------------------ */

static void test_create_args(void **state)
{
	(void)state;
	struct zsim_xtree *t = (void *)1;
	assert_int_equal(zsim_xtree_create(0, NULL, &t), ZSIM_EINVAL);
	assert_null(t);
	assert_int_equal(zsim_xtree_create(9, NULL, &t), ZSIM_EINVAL);
	assert_int_equal(zsim_xtree_create(6, NULL, NULL), ZSIM_EINVAL);
	for (unsigned s = ZSIM_XTREE_MIN_SHIFT; s <= ZSIM_XTREE_MAX_SHIFT; s++) {
		t = mk(s, NULL);
		assert_true(zsim_xtree_empty(t));
		assert_int_equal(zsim_xtree_count(t), 0);
		assert_int_equal(zsim_xtree_nodes(t), 0);
		assert_int_equal(zsim_xtree_height(t), 0);
		assert_int_equal(zsim_xtree_memory(t), zsim_xtree_base_size());
		assert_int_equal(zsim_xtree_node_size(s), 8 + (sizeof(void *) << s));
		zsim_xtree_destroy(t);
	}
	assert_int_equal(zsim_xtree_node_size(0), 0);
	zsim_xtree_destroy(NULL);
}

static void test_store_load_erase(void **state)
{
	(void)state;
	for (size_t k = 0; k < ZSIM_ARRAY_N(shifts); k++) {
		struct zsim_xtree *t = mk(shifts[k], NULL);
		void *old = E(99);
		assert_int_equal(zsim_xtree_store(t, 5, E(1), &old), 0);
		assert_null(old);
		assert_ptr_equal(zsim_xtree_load(t, 5), E(1));
		assert_null(zsim_xtree_load(t, 4));
		assert_null(zsim_xtree_load(t, 6));
		assert_int_equal(zsim_xtree_count(t), 1);
		/* Replace: the old entry comes back, the count stays. */
		assert_int_equal(zsim_xtree_store(t, 5, E(2), &old), 0);
		assert_ptr_equal(old, E(1));
		assert_int_equal(zsim_xtree_count(t), 1);
		/* old may be NULL. */
		assert_int_equal(zsim_xtree_store(t, 7, E(3), NULL), 0);
		assert_int_equal(zsim_xtree_count(t), 2);
		/* Invalid entries leave the tree alone. */
		old = E(99);
		assert_int_equal(zsim_xtree_store(t, 5, NULL, &old), ZSIM_EINVAL);
		assert_null(old);
		assert_int_equal(zsim_xtree_store(t, 5, (void *)(uintptr_t)0x1002, &old),
				 ZSIM_EINVAL);
		assert_int_equal(zsim_xtree_store(t, 5, (void *)(uintptr_t)0x1001, &old),
				 ZSIM_EINVAL);
		assert_ptr_equal(zsim_xtree_load(t, 5), E(2));
		assert_int_equal(zsim_xtree_store(NULL, 5, E(1), &old), ZSIM_EINVAL);
		/* Erase returns the entry, then NULL. */
		assert_ptr_equal(zsim_xtree_erase(t, 5), E(2));
		assert_null(zsim_xtree_erase(t, 5));
		assert_null(zsim_xtree_load(t, 5));
		assert_null(zsim_xtree_erase(t, 123456789));
		assert_ptr_equal(zsim_xtree_load(t, 7), E(3));
		assert_accounting(t, shifts[k]);
		assert_ptr_equal(zsim_xtree_erase(t, 7), E(3));
		assert_true(zsim_xtree_empty(t));
		assert_int_equal(zsim_xtree_nodes(t), 0);
		assert_int_equal(zsim_xtree_memory(t), zsim_xtree_base_size());
		zsim_xtree_destroy(t);
	}
}

static void test_cmp_erase(void **state)
{
	(void)state;
	for (size_t k = 0; k < ZSIM_ARRAY_N(shifts); k++) {
		struct zsim_xtree *t = mk(shifts[k], NULL);
		uint64_t at = 16384 * 7 + 300;
		assert_int_equal(zsim_xtree_store(t, at, E(1), NULL), 0);
		assert_int_equal(zsim_xtree_store(t, at + 1, E(2), NULL), 0);
		/* Wrong pointer: the slot was reused, writeback must back off. */
		assert_false(zsim_xtree_cmp_erase(t, at, E(2)));
		assert_false(zsim_xtree_cmp_erase(t, at, NULL));
		assert_false(zsim_xtree_cmp_erase(t, at + 2, E(1)));
		assert_false(zsim_xtree_cmp_erase(t, 3, E(1)));
		assert_ptr_equal(zsim_xtree_load(t, at), E(1));
		assert_true(zsim_xtree_cmp_erase(t, at, E(1)));
		assert_null(zsim_xtree_load(t, at));
		assert_false(zsim_xtree_cmp_erase(t, at, E(1)));
		assert_int_equal(zsim_xtree_count(t), 1);
		assert_true(zsim_xtree_cmp_erase(t, at + 1, E(2)));
		assert_true(zsim_xtree_empty(t));
		assert_int_equal(zsim_xtree_memory(t), zsim_xtree_base_size());
		assert_false(zsim_xtree_cmp_erase(NULL, at, E(1)));
		zsim_xtree_destroy(t);
	}
}

static void test_cmpxchg(void **state)
{
	(void)state;
	for (size_t k = 0; k < ZSIM_ARRAY_N(shifts); k++) {
		struct zsim_xtree *t = mk(shifts[k], NULL);
		int err = 1;
		/* NULL -> entry: insert. */
		assert_null(zsim_xtree_cmpxchg(t, 40, NULL, E(1), &err));
		assert_int_equal(err, 0);
		assert_ptr_equal(zsim_xtree_load(t, 40), E(1));
		/* NULL -> entry on an occupied slot: no change, current returned. */
		assert_ptr_equal(zsim_xtree_cmpxchg(t, 40, NULL, E(2), &err), E(1));
		assert_int_equal(err, 0);
		assert_ptr_equal(zsim_xtree_load(t, 40), E(1));
		/* Mismatch. */
		assert_ptr_equal(zsim_xtree_cmpxchg(t, 40, E(5), E(2), &err), E(1));
		assert_ptr_equal(zsim_xtree_load(t, 40), E(1));
		/* Match: replace in place. */
		assert_ptr_equal(zsim_xtree_cmpxchg(t, 40, E(1), E(2), &err), E(1));
		assert_ptr_equal(zsim_xtree_load(t, 40), E(2));
		assert_int_equal(zsim_xtree_count(t), 1);
		/* Same pointer: no-op. */
		assert_ptr_equal(zsim_xtree_cmpxchg(t, 40, E(2), E(2), NULL), E(2));
		/* Match to NULL: erase, nodes freed. */
		assert_ptr_equal(zsim_xtree_cmpxchg(t, 40, E(2), NULL, &err), E(2));
		assert_null(zsim_xtree_load(t, 40));
		assert_true(zsim_xtree_empty(t));
		assert_int_equal(zsim_xtree_nodes(t), 0);
		/* NULL -> NULL on an empty slot: nothing. */
		assert_null(zsim_xtree_cmpxchg(t, 40, NULL, NULL, &err));
		assert_int_equal(err, 0);
		assert_true(zsim_xtree_empty(t));
		/* Insert into an existing leaf (no allocation). */
		assert_int_equal(zsim_xtree_store(t, 41, E(3), NULL), 0);
		assert_null(zsim_xtree_cmpxchg(t, 40, NULL, E(4), &err));
		assert_int_equal(err, 0);
		assert_int_equal(zsim_xtree_count(t), 2);
		/* Misaligned replacement. */
		assert_null(zsim_xtree_cmpxchg(t, 40, E(4), (void *)(uintptr_t)6, &err));
		assert_int_equal(err, ZSIM_EINVAL);
		assert_ptr_equal(zsim_xtree_load(t, 40), E(4));
		assert_accounting(t, shifts[k]);
		zsim_xtree_destroy(t);
	}
}

static void test_any_in_range_find(void **state)
{
	(void)state;
	for (size_t k = 0; k < ZSIM_ARRAY_N(shifts); k++) {
		struct zsim_xtree *t = mk(shifts[k], NULL);
		assert_false(zsim_xtree_any_in_range(t, 0, UINT64_MAX));
		const uint64_t base = 16384 * 33;
		const uint64_t at[] = {base + 10, base + 64, base + 511, base + 512, base + 16383};
		for (size_t i = 0; i < ZSIM_ARRAY_N(at); i++)
			assert_int_equal(zsim_xtree_store(t, at[i], E(i), NULL), 0);
		assert_true(zsim_xtree_any_in_range(t, 0, UINT64_MAX));
		assert_false(zsim_xtree_any_in_range(t, 0, base + 9));
		assert_true(zsim_xtree_any_in_range(t, 0, base + 10));
		assert_true(zsim_xtree_any_in_range(t, base + 10, base + 10));
		assert_false(zsim_xtree_any_in_range(t, base + 11, base + 63));
		assert_true(zsim_xtree_any_in_range(t, base + 11, base + 64));
		assert_false(zsim_xtree_any_in_range(t, base + 65, base + 510));
		assert_true(zsim_xtree_any_in_range(t, base + 512, base + 512));
		assert_false(zsim_xtree_any_in_range(t, base + 513, base + 16382));
		assert_true(zsim_xtree_any_in_range(t, base + 16383, UINT64_MAX));
		assert_false(zsim_xtree_any_in_range(t, base + 16384, UINT64_MAX));
		assert_false(zsim_xtree_any_in_range(t, base + 64, base + 10)); /* first > last */
		/* A 512-slot folio (order 9) straddling entries or not. */
		assert_true(zsim_xtree_any_in_range(t, base, base + 511));
		assert_true(zsim_xtree_any_in_range(t, base + 512, base + 1023));
		assert_false(zsim_xtree_any_in_range(t, base + 1024, base + 1535));
		/* find walks the entries in order. */
		uint64_t i = 0;
		for (size_t n = 0; n < ZSIM_ARRAY_N(at); n++) {
			assert_ptr_equal(zsim_xtree_find(t, &i, UINT64_MAX), E(n));
			assert_int_equal(i, at[n]);
			i++;
		}
		assert_null(zsim_xtree_find(t, &i, UINT64_MAX));
		assert_int_equal(i, base + 16384);
		i = base + 11;
		assert_null(zsim_xtree_find(t, &i, base + 63));
		assert_int_equal(i, base + 11);
		zsim_xtree_destroy(t);
	}
}

struct collect {
	uint64_t idx[64];
	size_t n;
	size_t stop_at;
};

static int collect_fn(uint64_t index, void *entry, void *arg)
{
	struct collect *c = arg;
	assert_ptr_equal(entry, E(index & 0xffff));
	c->idx[c->n++] = index;
	return c->n == c->stop_at ? 42 : 0;
}

static void test_for_each_order(void **state)
{
	(void)state;
	const uint64_t at[] = {UINT64_MAX, 0, 16384, 16383, 1, (uint64_t)1 << 63,
			       ((uint64_t)1 << 63) - 1, 1000000, 64, 63, 4096};
	for (size_t k = 0; k < ZSIM_ARRAY_N(shifts); k++) {
		struct zsim_xtree *t = mk(shifts[k], NULL);
		for (size_t i = 0; i < ZSIM_ARRAY_N(at); i++)
			assert_int_equal(zsim_xtree_store(t, at[i], E(at[i] & 0xffff), NULL), 0);
		struct collect c = {.n = 0, .stop_at = 0};
		assert_int_equal(zsim_xtree_for_each(t, collect_fn, &c), 0);
		assert_int_equal(c.n, ZSIM_ARRAY_N(at));
		for (size_t i = 1; i < c.n; i++)
			assert_true(c.idx[i - 1] < c.idx[i]);
		assert_int_equal(c.idx[0], 0);
		assert_int_equal(c.idx[c.n - 1], UINT64_MAX);
		/* Early stop returns the callback's value. */
		struct collect s = {.n = 0, .stop_at = 3};
		assert_int_equal(zsim_xtree_for_each(t, collect_fn, &s), 42);
		assert_int_equal(s.n, 3);
		assert_int_equal(s.idx[2], c.idx[2]);
		assert_int_equal(zsim_xtree_for_each(t, NULL, NULL), ZSIM_EINVAL);
		zsim_xtree_destroy(t);
		/* An empty tree visits nothing. */
		t = mk(shifts[k], NULL);
		assert_int_equal(zsim_xtree_for_each(t, collect_fn, &c), 0);
		zsim_xtree_destroy(t);
	}
}

/* ---- boundaries, height ---------------------------------------------- */

static void test_boundaries(void **state)
{
	(void)state;
	for (unsigned s = ZSIM_XTREE_MIN_SHIFT; s <= ZSIM_XTREE_MAX_SHIFT; s++) {
		struct zsim_xtree *t = mk(s, NULL);
		unsigned full = (64 + s - 1) / s; /* levels to cover 64 bits */
		assert_int_equal(zsim_xtree_store(t, 0, E(0), NULL), 0);
		assert_int_equal(zsim_xtree_height(t), 1);
		assert_int_equal(zsim_xtree_store(t, UINT64_MAX, E(1), NULL), 0);
		assert_int_equal(zsim_xtree_height(t), full);
		assert_int_equal(zsim_xtree_nodes(t), 2 * full - 1);
		assert_ptr_equal(zsim_xtree_load(t, 0), E(0));
		assert_ptr_equal(zsim_xtree_load(t, UINT64_MAX), E(1));
		assert_null(zsim_xtree_load(t, UINT64_MAX - 1));
		assert_null(zsim_xtree_load(t, 1));
		assert_true(zsim_xtree_any_in_range(t, UINT64_MAX, UINT64_MAX));
		assert_false(zsim_xtree_any_in_range(t, 1, UINT64_MAX - 1));
		assert_accounting(t, s);
		/* Erasing one end shrinks the tree to a single leaf. */
		assert_ptr_equal(zsim_xtree_erase(t, 0), E(0));
		assert_int_equal(zsim_xtree_height(t), 1);
		assert_int_equal(zsim_xtree_nodes(t), 1);
		assert_ptr_equal(zsim_xtree_load(t, UINT64_MAX), E(1));
		assert_accounting(t, s);
		/* The chunk boundary 16383 | 16384. */
		assert_int_equal(zsim_xtree_store(t, 16383, E(2), NULL), 0);
		assert_int_equal(zsim_xtree_store(t, 16384, E(3), NULL), 0);
		assert_ptr_equal(zsim_xtree_load(t, 16383), E(2));
		assert_ptr_equal(zsim_xtree_load(t, 16384), E(3));
		assert_null(zsim_xtree_load(t, 16385));
		assert_null(zsim_xtree_load(t, 16382));
		assert_true(zsim_xtree_any_in_range(t, 0, 16383));
		assert_false(zsim_xtree_any_in_range(t, 0, 16382));
		assert_true(zsim_xtree_any_in_range(t, 16384, 16384));
		assert_accounting(t, s);
		assert_ptr_equal(zsim_xtree_erase(t, UINT64_MAX), E(1));
		assert_accounting(t, s);
		assert_ptr_equal(zsim_xtree_erase(t, 16383), E(2));
		assert_accounting(t, s);
		assert_int_equal(zsim_xtree_height(t), 1);
		assert_ptr_equal(zsim_xtree_erase(t, 16384), E(3));
		assert_int_equal(zsim_xtree_memory(t), zsim_xtree_base_size());
		zsim_xtree_destroy(t);
	}
}

/* A tree that holds one 16384-slot chunk is as short as the chunk needs,
 * whatever the chunk's offset: the root carries the prefix. */
static void test_chunk_height(void **state)
{
	(void)state;
	const uint64_t ks[] = {0, 1, 1000, (uint64_t)1 << 30, (UINT64_MAX >> 14)};
	for (size_t j = 0; j < ZSIM_ARRAY_N(ks); j++) {
		struct zsim_xtree *t = mk(ZSIM_XTREE_DEFAULT_SHIFT, NULL);
		uint64_t base = ks[j] << 14;
		for (uint64_t i = 0; i < 16384; i++)
			assert_int_equal(zsim_xtree_store(t, base + i, E(i), NULL), 0);
		assert_int_equal(zsim_xtree_height(t), 3);
		assert_int_equal(zsim_xtree_nodes(t), 256 + 4 + 1);
		assert_accounting(t, ZSIM_XTREE_DEFAULT_SHIFT);
		for (uint64_t i = 0; i < 16384; i++)
			assert_ptr_equal(zsim_xtree_erase(t, base + i), E(i));
		assert_int_equal(zsim_xtree_nodes(t), 0);
		zsim_xtree_destroy(t);
	}
}

/* ---- randomized, against the reference ------------------------------- */

static uint64_t pick_index(struct zsim_rng *r, const struct ref *ref, uint64_t base)
{
	switch (zsim_rng_below(r, 8)) {
	case 0: /* an index already present */
		if (ref->n)
			return ref->idx[zsim_rng_below(r, ref->n)];
		/* fall through */
	case 1:
	case 2:
	case 3: /* the chunk: small, dense */
		return base + zsim_rng_below(r, 16384);
	case 4: /* a few neighbouring chunks */
		return base - 16384 + zsim_rng_below(r, 4 * 16384);
	case 5: /* anywhere */
		return zsim_rng_next(r);
	case 6: /* the extremes */
		return zsim_rng_below(r, 2) ? zsim_rng_below(r, 8) : UINT64_MAX - zsim_rng_below(r, 8);
	default: /* near a power of two */
		return ((uint64_t)1 << zsim_rng_below(r, 64)) - 4 + zsim_rng_below(r, 8);
	}
}

static void random_run(unsigned shift, uint64_t seed, unsigned ops)
{
	struct zsim_rng r;
	zsim_rng_seed(&r, seed ^ (shift * 0x9e3779b97f4a7c15ull));
	struct zsim_xtree *t = mk(shift, NULL);
	struct ref ref = {0};
	uint64_t base = (zsim_rng_below(&r, 1u << 20) + 1) << 14;
	uint64_t serial = 0;
	for (unsigned op = 0; op < ops; op++) {
		uint64_t i = pick_index(&r, &ref, base);
		/* Bias the mix towards growth first, then shrinking. */
		bool grow = (op / (ops / 4)) % 2 == 0;
		unsigned what = (unsigned)zsim_rng_below(&r, 10);
		void *old, *e, *cur;
		int err;
		switch (what) {
		case 0:
		case 1:
		case 2:
			if (!grow && what)
				goto erase;
			e = E(serial++);
			assert_int_equal(zsim_xtree_store(t, i, e, &old), 0);
			assert_ptr_equal(old, ref_set(&ref, i, e));
			break;
		case 3:
			assert_ptr_equal(zsim_xtree_load(t, i), ref_get(&ref, i));
			break;
		case 4:
		erase:
			assert_ptr_equal(zsim_xtree_erase(t, i), ref_del(&ref, i));
			break;
		case 5: /* compare-and-erase, right or wrong pointer */
			cur = ref_get(&ref, i);
			e = zsim_rng_below(&r, 2) && cur ? cur : E(serial + 7);
			assert_int_equal(zsim_xtree_cmp_erase(t, i, e), cur && cur == e);
			if (cur == e)
				ref_del(&ref, i);
			break;
		case 6: /* cmpxchg with every shape of (expected, repl) */
			cur = ref_get(&ref, i);
			switch (zsim_rng_below(&r, 4)) {
			case 0: e = NULL; break;
			case 1: e = cur; break;
			case 2: e = E(serial + 9); break;
			default: e = cur ? cur : NULL; break;
			}
			old = zsim_rng_below(&r, 3) ? E(serial++) : NULL;
			assert_ptr_equal(zsim_xtree_cmpxchg(t, i, e, old, &err), cur);
			assert_int_equal(err, 0);
			if (cur == e) {
				if (old)
					ref_set(&ref, i, old);
				else
					ref_del(&ref, i);
			}
			break;
		case 7: { /* range query */
			uint64_t len = (uint64_t)1 << zsim_rng_below(&r, 20);
			uint64_t last = i + len < i ? UINT64_MAX : i + len;
			if (zsim_rng_below(&r, 4) == 0)
				last = i - len; /* often first > last */
			assert_int_equal(zsim_xtree_any_in_range(t, i, last), ref_any(&ref, i, last));
			break;
		}
		case 8: { /* find */
			uint64_t at = i, max = zsim_rng_below(&r, 2) ? UINT64_MAX : i + 100000;
			if (max < i)
				max = UINT64_MAX;
			size_t p = ref_lb(&ref, i);
			void *want = p < ref.n && ref.idx[p] <= max ? ref.val[p] : NULL;
			assert_ptr_equal(zsim_xtree_find(t, &at, max), want);
			assert_int_equal(at, want ? ref.idx[p] : i);
			break;
		}
		default: /* a neighbour: often in the same leaf */
			assert_ptr_equal(zsim_xtree_load(t, i + 1), ref_get(&ref, i + 1));
			break;
		}
		if (op % 2048 == 0)
			assert_same(t, &ref, shift);
	}
	assert_same(t, &ref, shift);
	/* Empty it in random order: memory returns to the empty size. */
	while (ref.n) {
		size_t p = zsim_rng_below(&r, ref.n);
		uint64_t i = ref.idx[p];
		assert_ptr_equal(zsim_xtree_erase(t, i), ref_del(&ref, i));
		if (ref.n % 97 == 0)
			assert_accounting(t, shift);
	}
	assert_true(zsim_xtree_empty(t));
	assert_int_equal(zsim_xtree_nodes(t), 0);
	assert_int_equal(zsim_xtree_memory(t), zsim_xtree_base_size());
	ref_free(&ref);
	zsim_xtree_destroy(t);
}

static void test_random_vs_reference(void **state)
{
	(void)state;
	uint64_t seed = zsim_test_seed();
	for (size_t k = 0; k < ZSIM_ARRAY_N(shifts); k++)
		for (uint64_t rep = 0; rep < 4; rep++)
			random_run(shifts[k], seed + rep, 40000);
	random_run(ZSIM_XTREE_MAX_SHIFT, seed, 40000);
	random_run(5, seed, 40000);
}

/* ---- injected node allocation failures ------------------------------- */

struct snap {
	struct ref ref;
	uint64_t nodes;
	size_t memory;
	unsigned height;
};

static int snap_fn(uint64_t index, void *entry, void *arg)
{
	ref_set(arg, index, entry);
	return 0;
}

static void snap_take(struct zsim_xtree *t, struct snap *s)
{
	memset(s, 0, sizeof(*s));
	assert_int_equal(zsim_xtree_for_each(t, snap_fn, &s->ref), 0);
	s->nodes = zsim_xtree_nodes(t);
	s->memory = zsim_xtree_memory(t);
	s->height = zsim_xtree_height(t);
}

static void snap_assert(struct zsim_xtree *t, struct snap *s, unsigned shift)
{
	assert_same(t, &s->ref, shift);
	assert_int_equal(zsim_xtree_nodes(t), s->nodes);
	assert_int_equal(zsim_xtree_memory(t), s->memory);
	assert_int_equal(zsim_xtree_height(t), s->height);
}

/* Fail exactly the Nth node allocation, for N = 1, 2 ... until a store
 * needs fewer than N: each failed store leaves the tree as it was. */
static void test_fault_nth_sweep(void **state)
{
	(void)state;
	struct zsim_fault_injector *f;
	assert_int_equal(zsim_fault_create(&f), 0);
	for (size_t k = 0; k < ZSIM_ARRAY_N(shifts); k++) {
		unsigned shift = shifts[k];
		/* Targets that need: a first leaf, a new path under the root,
		 * growth from a leaf, growth to the full 64-bit height. */
		const uint64_t targets[] = {16384 * 5 + 1, 16384 * 5 + 9000, 16384 * 5 + 1000000,
					    UINT64_MAX, 1};
		struct zsim_xtree *t = mk(shift, f);
		for (size_t j = 0; j < ZSIM_ARRAY_N(targets); j++) {
			for (int via_cmpxchg = 0; via_cmpxchg < 2; via_cmpxchg++) {
				struct snap s;
				snap_take(t, &s);
				uint64_t n;
				bool stored = false;
				for (n = 1; !stored; n++) {
					struct zsim_fault_rule rule = {.nth = n};
					assert_int_equal(zsim_fault_set(f, ZSIM_FAULT_TREE_NODE, &rule), 0);
					void *old = E(77);
					int rc;
					if (via_cmpxchg) {
						int err = 0;
						old = zsim_xtree_cmpxchg(t, targets[j], NULL, E(j), &err);
						rc = err;
					} else {
						rc = zsim_xtree_store(t, targets[j], E(j), &old);
					}
					assert_null(old);
					uint64_t calls = zsim_fault_calls(f, ZSIM_FAULT_TREE_NODE);
					if (rc) {
						assert_int_equal(rc, ZSIM_ENOMEM);
						assert_int_equal(zsim_fault_failures(f, ZSIM_FAULT_TREE_NODE), 1);
						assert_int_equal(calls, n);
						snap_assert(t, &s, shift);
					} else {
						/* Fewer allocations than n were needed. */
						assert_true(calls < n);
						assert_int_equal(zsim_fault_failures(f, ZSIM_FAULT_TREE_NODE), 0);
						assert_ptr_equal(zsim_xtree_load(t, targets[j]), E(j));
						assert_int_equal(zsim_xtree_nodes(t), s.nodes + calls);
						stored = true;
					}
				}
				zsim_fault_set(f, ZSIM_FAULT_TREE_NODE, NULL);
				ref_free(&s.ref);
				if (!via_cmpxchg) /* undo, to redo it by cmpxchg */
					assert_ptr_equal(zsim_xtree_erase(t, targets[j]), E(j));
			}
		}
		assert_accounting(t, shift);
		zsim_xtree_destroy(t);
	}
	zsim_fault_destroy(f);
}

/* A random workload with every Nth node allocation failing: a failed
 * store changes nothing; the tree always equals the reference. */
static void test_fault_every_nth(void **state)
{
	(void)state;
	struct zsim_fault_injector *f;
	assert_int_equal(zsim_fault_create(&f), 0);
	uint64_t seed = zsim_test_seed();
	for (size_t k = 0; k < ZSIM_ARRAY_N(shifts); k++) {
		for (uint64_t every = 1; every <= 9; every += 2) {
			unsigned shift = shifts[k];
			struct zsim_rng r;
			zsim_rng_seed(&r, seed + every * 31 + shift);
			struct zsim_fault_rule rule = {.every = every};
			assert_int_equal(zsim_fault_set(f, ZSIM_FAULT_TREE_NODE, &rule), 0);
			struct zsim_xtree *t = mk(shift, f);
			struct ref ref = {0};
			uint64_t base = 16384 * 12345, serial = 0, failed = 0;
			for (unsigned op = 0; op < 6000; op++) {
				uint64_t i = pick_index(&r, &ref, base);
				if (zsim_rng_below(&r, 3) == 0) {
					assert_ptr_equal(zsim_xtree_erase(t, i), ref_del(&ref, i));
					continue;
				}
				void *old = E(77), *e = E(serial++);
				int rc = zsim_xtree_store(t, i, e, &old);
				if (rc) {
					assert_int_equal(rc, ZSIM_ENOMEM);
					assert_null(old);
					failed++;
				} else {
					assert_ptr_equal(old, ref_set(&ref, i, e));
				}
				assert_ptr_equal(zsim_xtree_load(t, i), ref_get(&ref, i));
				if (op % 512 == 0)
					assert_same(t, &ref, shift);
			}
			assert_true(failed > 0);
			assert_same(t, &ref, shift);
			ref_free(&ref);
			zsim_xtree_destroy(t); /* ASan: no leak */
		}
	}
	zsim_fault_destroy(f);
}

/* ---- memory accounting ----------------------------------------------- */

static void test_memory(void **state)
{
	(void)state;
	const size_t empty = zsim_xtree_base_size();
	/* Dense chunk at the default shift: about 8 bytes per entry. */
	struct zsim_xtree *t = mk(ZSIM_XTREE_DEFAULT_SHIFT, NULL);
	uint64_t base = 16384 * 4242;
	for (uint64_t i = 0; i < 16384; i++)
		assert_int_equal(zsim_xtree_store(t, base + i, E(i), NULL), 0);
	double per = (double)(zsim_xtree_memory(t) - empty) / 16384;
	print_message("# dense 16384-slot chunk, shift 6: %.2f bytes/entry (%llu nodes)\n", per,
		      (unsigned long long)zsim_xtree_nodes(t));
	assert_true(per < 8.5);
	/* Erasing from the middle frees leaves as they empty. */
	for (uint64_t i = 64; i < 128; i++)
		zsim_xtree_erase(t, base + i);
	assert_int_equal(zsim_xtree_nodes(t), 260);
	for (uint64_t i = 0; i < 16384; i++)
		zsim_xtree_erase(t, base + i);
	assert_int_equal(zsim_xtree_memory(t), empty);
	zsim_xtree_destroy(t);

	/* Deep trees at every shift: grow, then empty in reverse order. */
	for (size_t k = 0; k < ZSIM_ARRAY_N(shifts); k++) {
		t = mk(shifts[k], NULL);
		for (unsigned b = 0; b < 64; b++)
			assert_int_equal(zsim_xtree_store(t, (uint64_t)1 << b, E(b), NULL), 0);
		assert_accounting(t, shifts[k]);
		for (int b = 63; b >= 0; b--) {
			assert_ptr_equal(zsim_xtree_erase(t, (uint64_t)1 << b), E(b));
			assert_accounting(t, shifts[k]);
		}
		assert_int_equal(zsim_xtree_memory(t), empty);
		assert_int_equal(zsim_xtree_height(t), 0);
		zsim_xtree_destroy(t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_args),
		cmocka_unit_test(test_store_load_erase),
		cmocka_unit_test(test_cmp_erase),
		cmocka_unit_test(test_cmpxchg),
		cmocka_unit_test(test_any_in_range_find),
		cmocka_unit_test(test_for_each_order),
		cmocka_unit_test(test_boundaries),
		cmocka_unit_test(test_chunk_height),
		cmocka_unit_test(test_random_vs_reference),
		cmocka_unit_test(test_fault_nth_sweep),
		cmocka_unit_test(test_fault_every_nth),
		cmocka_unit_test(test_memory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
