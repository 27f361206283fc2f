/*
 * xtree.c - the entry tree (tree/xtree.h): a radix tree in the manner of
 * the kernel's xarray (lib/xarray.c), as zswap uses it since 6.9: one tree
 * per SWAP_ADDRESS_SPACE_PAGES (16384) slots of a swap type, indexed by the
 * full swap offset, with xa_store / xa_load / xa_erase / xa_cmpxchg and
 * xa_find-style range queries (zswap_is_present).
 *
 * What it follows from the xarray:
 *   - nodes of 2^chunk_shift slots (XA_CHUNK_SHIFT = 6 by default), each
 *     knowing its shift (the bit position of its digit) and the count of
 *     its used slots, so a node left empty by an erase is freed at once;
 *   - the height grows when an index outside the root's span is stored and
 *     shrinks when the root is left with a single child;
 *   - a store may fail with -ENOMEM on node allocation (zswap counts it as
 *     reject_alloc_fail), and then nothing has changed;
 *   - store returns the entry it replaced; cmpxchg returns what was there.
 *
 * How it differs:
 *   - no RCU: a reader takes the tree's lock as a writer does (the xa_lock
 *     here is a pthread mutex, see "Lock" below);
 *   - no multi-index entries, no marks, no value entries, no xas_* API;
 *   - the root carries a prefix: the tree records the first index of the
 *     root node's span (t->base), so a tree whose indexes all lie in
 *     [16384k, 16384k + 16383] is 3 levels deep at shift 6 whatever k is.
 *     The xarray instead starts every path at index 0 and grows the height
 *     to cover the largest index, adding one single-child node per level
 *     (2 extra nodes for a swap offset around 2^24). Below the root, as in
 *     the xarray, there is no path compression;
 *   - a leaf (shift 0) node holds entries, any other node holds child
 *     nodes only, so slots need no tag bits. Entries must still be 4-byte
 *     aligned, keeping the kernel's contract (its low bits tag internal
 *     entries) so that zswap code written against this tree stays valid.
 *
 * Memory: a node is an 8-byte header plus 2^chunk_shift pointers (520
 * bytes at shift 6). A dense 16384-slot chunk uses 256 leaves, 4 nodes at
 * shift 6 and a root at shift 12: 261 nodes, 8.3 bytes per entry.
 *
 * Allocation failure: a store first walks the tree to count the nodes it
 * needs, allocates them all (asking the fault injector before each one),
 * and links them only when all exist; on a failure it frees what it got.
 *
 * Lock: one pthread mutex per tree, taken by every call (loads included)
 * and held for the whole call; nothing else is locked under it except the
 * fault injector's own lock and malloc's. Uncontended, a glibc mutex
 * lock+unlock pair measured 5.9 ns against 6.5 ns for a pthread spinlock
 * (bench_tree prints both), so the mutex, which also sleeps rather than
 * spins when simulator threads share a tree on few cores, is used.
 * The locked instructions are what bounds a load: they keep the CPU from
 * overlapping one call's cache misses with the next call's.
 */
#include "tree/xtree.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/compiler.h"
#include "common/spinmutex.h"
#include "zswapsim/fault.h"

/* Deepest tree: shift 1 needs 64 levels to cover 64 index bits. */
#define XT_MAX_LEVELS 64
/* Most nodes one store can need: a growth of the root from shift 0 to 63
 * plus a fresh path of 63 levels below the new root, at shift 1. */
#define XT_MAX_NEW_NODES (2 * XT_MAX_LEVELS)

struct xnode {
	uint8_t shift;  /* this node's digit is (index >> shift) & mask */
	uint8_t pad;
	uint16_t count; /* non-NULL slots; a node is never left at 0 */
	uint32_t pad2;
	void *slots[];  /* entries if shift == 0, else struct xnode * */
};

/*
 * The first cache line (with glibc's 40-byte mutex on 64-bit) holds what
 * every call reads: the lock, the root, its span and shift, so that a
 * lookup touches this line and then one line per level (the slot), never
 * a node's header.
 */
struct zsim_xtree {
	pthread_mutex_t lock;     /* the xa_lock: guards everything below */
	struct xnode *root;       /* NULL when empty */
	uint64_t base;            /* first index of the root's span */
	uint8_t root_shift;       /* root->shift, cached; 0 when empty */
	uint8_t chunk_shift;
	uint16_t mask;            /* (1 << chunk_shift) - 1 */
	uint32_t pad;
	/* second line: statistics and configuration */
	uint64_t count;           /* entries present */
	uint64_t nodes;           /* nodes allocated */
	struct zsim_fault_injector *fault;
	size_t node_size;
};

/* The tree struct as allocated: whole cache lines. */
#define XT_TREE_BYTES \
	(ZSIM_DIV_ROUND_UP(sizeof(struct zsim_xtree), ZSIM_CACHELINE) * ZSIM_CACHELINE)

/* A root-to-leaf walk: node[i] and the slot taken in it. */
struct xpath {
	struct xnode *node[XT_MAX_LEVELS];
	unsigned off[XT_MAX_LEVELS];
	unsigned depth;
};

/* Does a node of @shift whose span starts at @base cover @index? */
static inline bool span_covers(const struct zsim_xtree *t, unsigned shift,
			       uint64_t base, uint64_t index)
{
	unsigned top = shift + t->chunk_shift;
	return top >= 64 || (index >> top) == (base >> top);
}

/* First index of the span of a node of @shift that covers @index. */
static inline uint64_t span_base(const struct zsim_xtree *t, unsigned shift, uint64_t index)
{
	unsigned top = shift + t->chunk_shift;
	return top >= 64 ? 0 : index & ~((UINT64_C(1) << top) - 1);
}

/* Last index of the span of a node of @shift starting at @base. */
static inline uint64_t span_last(const struct zsim_xtree *t, unsigned shift, uint64_t base)
{
	unsigned top = shift + t->chunk_shift;
	return top >= 64 ? UINT64_MAX : base + ((UINT64_C(1) << top) - 1);
}

static inline unsigned digit(const struct zsim_xtree *t, unsigned shift, uint64_t index)
{
	return (unsigned)(index >> shift) & t->mask;
}

static inline bool entry_ok(const void *entry)
{
	return entry && !((uintptr_t)entry & 3);
}

static inline void xt_lock(struct zsim_xtree *t)
{
	pthread_mutex_lock(&t->lock);
}

static inline void xt_unlock(struct zsim_xtree *t)
{
	pthread_mutex_unlock(&t->lock);
}

size_t zsim_xtree_node_size(unsigned chunk_shift)
{
	if (chunk_shift < ZSIM_XTREE_MIN_SHIFT || chunk_shift > ZSIM_XTREE_MAX_SHIFT)
		return 0;
	return sizeof(struct xnode) + ((size_t)1 << chunk_shift) * sizeof(void *);
}

size_t zsim_xtree_base_size(void)
{
	return XT_TREE_BYTES;
}

int zsim_xtree_create(unsigned chunk_shift, struct zsim_fault_injector *fault,
		      struct zsim_xtree **out)
{
	if (!out)
		return ZSIM_EINVAL;
	*out = NULL;
	if (chunk_shift < ZSIM_XTREE_MIN_SHIFT || chunk_shift > ZSIM_XTREE_MAX_SHIFT)
		return ZSIM_EINVAL;
	struct zsim_xtree *t = aligned_alloc(ZSIM_CACHELINE, XT_TREE_BYTES);
	if (!t)
		return ZSIM_ENOMEM;
	memset(t, 0, sizeof(*t));
	if (zsim_spinmutex_init(&t->lock)) {
		free(t);
		return ZSIM_ENOMEM;
	}
	t->fault = fault;
	t->chunk_shift = (uint8_t)chunk_shift;
	t->mask = (uint16_t)((1u << chunk_shift) - 1);
	t->node_size = zsim_xtree_node_size(chunk_shift);
	*out = t;
	return 0;
}

/* Free a subtree; iterative over the levels would need a stack as deep as
 * the recursion, which is at most XT_MAX_LEVELS. */
static void free_subtree(struct zsim_xtree *t, struct xnode *n)
{
	if (n->shift) {
		for (unsigned i = 0; i <= t->mask; i++)
			if (n->slots[i])
				free_subtree(t, n->slots[i]);
	}
	free(n);
}

void zsim_xtree_destroy(struct zsim_xtree *t)
{
	if (!t)
		return;
	if (t->root)
		free_subtree(t, t->root);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

/*
 * Walk towards @index. Fills @p with the nodes visited (when @p is not
 * NULL) and returns the leaf whose span holds @index, or NULL if the path
 * ends before a leaf. Context: tree lock held.
 */
static struct xnode *walk(struct zsim_xtree *t, uint64_t index, struct xpath *p)
{
	struct xnode *n = t->root;
	unsigned shift = t->root_shift;
	if (p)
		p->depth = 0;
	if (!n || !span_covers(t, shift, t->base, index))
		return NULL;
	/* The shift of each level is known from the root's: n->shift is not
	 * read, which saves a cache miss per level. */
	for (;;) {
		unsigned off = digit(t, shift, index);
		if (p) {
			p->node[p->depth] = n;
			p->off[p->depth] = off;
			p->depth++;
		}
		if (!shift)
			return n;
		n = n->slots[off];
		if (!n)
			return NULL;
		shift -= t->chunk_shift;
	}
}

/* Make @n (NULL allowed) the root, its span starting at @base. */
static void set_root(struct zsim_xtree *t, struct xnode *n, uint64_t base)
{
	t->root = n;
	t->root_shift = n ? n->shift : 0;
	t->base = n ? base : 0;
}

static struct xnode *node_alloc(struct zsim_xtree *t)
{
	if (zsim_fault_should_fail(t->fault, ZSIM_FAULT_TREE_NODE))
		return NULL;
	return calloc(1, t->node_size);
}

/* Allocate @n nodes into @v, all or none. */
static int nodes_alloc(struct zsim_xtree *t, struct xnode **v, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		v[i] = node_alloc(t);
		if (!v[i]) {
			while (i--)
				free(v[i]);
			return ZSIM_ENOMEM;
		}
	}
	t->nodes += n;
	return 0;
}

/*
 * Link a fresh path from a node of @top_shift down to a leaf, along
 * @index, using the nodes @v[0..]; return its top node. The leaf is
 * returned through @leaf with count 0 (the caller fills the slot).
 */
static struct xnode *build_path(struct zsim_xtree *t, struct xnode **v, unsigned top_shift,
				uint64_t index, struct xnode **leaf)
{
	struct xnode *top = NULL, *parent = NULL;
	for (int s = (int)top_shift; s >= 0; s -= (int)t->chunk_shift) {
		struct xnode *n = *v++;
		n->shift = (uint8_t)s;
		if (parent) {
			parent->slots[digit(t, parent->shift, index)] = n;
			parent->count = 1;
		} else {
			top = n;
		}
		parent = n;
	}
	*leaf = parent;
	return top;
}

/*
 * Find or make the leaf that holds @index. All nodes needed are allocated
 * before any is linked, so on ZSIM_ENOMEM the tree is unchanged.
 * Context: tree lock held.
 * Return: the leaf, or NULL on allocation failure.
 */
static struct xnode *leaf_get(struct zsim_xtree *t, uint64_t index)
{
	struct xnode *v[XT_MAX_NEW_NODES];
	const unsigned c = t->chunk_shift;
	struct xnode *root = t->root, *leaf;

	if (!root) {
		if (nodes_alloc(t, v, 1))
			return NULL;
		set_root(t, build_path(t, v, 0, index, &leaf), span_base(t, 0, index));
		return leaf;
	}

	if (!span_covers(t, root->shift, t->base, index)) {
		/* Grow: the new root sits at the lowest shift whose span holds
		 * both the old root's span and @index; single-child nodes fill
		 * the levels between, and a fresh path leads down to @index. */
		unsigned s = root->shift;
		do
			s += c;
		while (!span_covers(t, s, t->base, index));
		unsigned up = (s - root->shift) / c; /* includes the new root */
		unsigned down = s / c;
		if (nodes_alloc(t, v, up + down))
			return NULL;
		struct xnode *child = root;
		for (unsigned i = 0; i < up; i++) {
			struct xnode *n = v[i];
			n->shift = (uint8_t)(child->shift + c);
			n->slots[digit(t, n->shift, t->base)] = child;
			n->count = 1;
			child = n;
		}
		struct xnode *top = build_path(t, v + up, s - c, index, &leaf);
		child->slots[digit(t, s, index)] = top;
		child->count++;
		set_root(t, child, span_base(t, s, index));
		return leaf;
	}

	struct xnode *n = root;
	while (n->shift) {
		struct xnode *next = n->slots[digit(t, n->shift, index)];
		if (!next) {
			if (nodes_alloc(t, v, n->shift / c))
				return NULL;
			struct xnode *top = build_path(t, v, n->shift - c, index, &leaf);
			n->slots[digit(t, n->shift, index)] = top;
			n->count++;
			return leaf;
		}
		n = next;
	}
	return n;
}

/* Store into an empty slot of @index. Context: tree lock held. */
static int insert(struct zsim_xtree *t, uint64_t index, void *entry)
{
	struct xnode *leaf = leaf_get(t, index);
	if (!leaf)
		return ZSIM_ENOMEM;
	leaf->slots[digit(t, 0, index)] = entry;
	leaf->count++;
	t->count++;
	return 0;
}

/* Replace the root by its only child while it has just one. */
static void shrink(struct zsim_xtree *t)
{
	struct xnode *r = t->root;
	while (r && r->shift && r->count == 1) {
		unsigned k = 0;
		while (!r->slots[k])
			k++;
		set_root(t, r->slots[k], t->base | (uint64_t)k << r->shift);
		free(r);
		t->nodes--;
		r = t->root;
	}
}

/*
 * Empty the leaf slot at the end of @p, then free the nodes this leaves
 * empty, bottom up, and shrink the root. Context: tree lock held.
 */
static void erase_path(struct zsim_xtree *t, struct xpath *p)
{
	unsigned d = p->depth - 1;
	p->node[d]->slots[p->off[d]] = NULL;
	t->count--;
	for (;;) {
		struct xnode *n = p->node[d];
		if (--n->count)
			break;
		free(n);
		t->nodes--;
		if (!d) {
			set_root(t, NULL, 0);
			return;
		}
		d--;
		p->node[d]->slots[p->off[d]] = NULL;
	}
	shrink(t);
}

int zsim_xtree_store(struct zsim_xtree *t, uint64_t index, void *entry, void **old)
{
	if (old)
		*old = NULL;
	if (!t || !entry_ok(entry))
		return ZSIM_EINVAL;
	int rc = 0;
	xt_lock(t);
	struct xnode *leaf = walk(t, index, NULL);
	if (leaf) {
		void **slot = &leaf->slots[digit(t, 0, index)];
		void *prev = *slot;
		*slot = entry;
		if (prev) {
			if (old)
				*old = prev;
		} else {
			leaf->count++;
			t->count++;
		}
	} else {
		rc = insert(t, index, entry);
	}
	xt_unlock(t);
	return rc;
}

void *zsim_xtree_load(struct zsim_xtree *t, uint64_t index)
{
	if (!t)
		return NULL;
	xt_lock(t);
	struct xnode *leaf = walk(t, index, NULL);
	void *e = leaf ? leaf->slots[digit(t, 0, index)] : NULL;
	xt_unlock(t);
	return e;
}

void *zsim_xtree_erase(struct zsim_xtree *t, uint64_t index)
{
	if (!t)
		return NULL;
	struct xpath p;
	xt_lock(t);
	struct xnode *leaf = walk(t, index, &p);
	void *e = leaf ? leaf->slots[digit(t, 0, index)] : NULL;
	if (e)
		erase_path(t, &p);
	xt_unlock(t);
	return e;
}

bool zsim_xtree_cmp_erase(struct zsim_xtree *t, uint64_t index, void *expected)
{
	if (!t || !expected)
		return false;
	struct xpath p;
	bool done = false;
	xt_lock(t);
	struct xnode *leaf = walk(t, index, &p);
	if (leaf && leaf->slots[digit(t, 0, index)] == expected) {
		erase_path(t, &p);
		done = true;
	}
	xt_unlock(t);
	return done;
}

void *zsim_xtree_cmpxchg(struct zsim_xtree *t, uint64_t index, void *expected,
			 void *repl, int *err)
{
	if (err)
		*err = 0;
	if (!t || (repl && !entry_ok(repl))) {
		if (err)
			*err = ZSIM_EINVAL;
		return NULL;
	}
	struct xpath p;
	xt_lock(t);
	struct xnode *leaf = walk(t, index, &p);
	void **slot = leaf ? &leaf->slots[digit(t, 0, index)] : NULL;
	void *cur = slot ? *slot : NULL;
	if (cur == expected && cur != repl) {
		if (!cur) {
			int rc = 0;
			if (slot) {
				*slot = repl;
				leaf->count++;
				t->count++;
			} else {
				rc = insert(t, index, repl);
			}
			if (rc && err)
				*err = rc;
		} else if (!repl) {
			erase_path(t, &p);
		} else {
			*slot = repl;
		}
	}
	xt_unlock(t);
	return cur;
}

/*
 * First entry at an index in [first, last] under @n, whose span starts at
 * @base and meets the range. Every non-NULL child lying wholly inside the
 * range holds an entry (no node is empty), so this visits at most two
 * partial children per level.
 */
static void *node_find(struct zsim_xtree *t, struct xnode *n, uint64_t base,
		       uint64_t first, uint64_t last, uint64_t *found)
{
	uint64_t end = span_last(t, n->shift, base);
	unsigned lo = first > base ? (unsigned)((first - base) >> n->shift) : 0;
	unsigned hi = last < end ? (unsigned)((last - base) >> n->shift) : t->mask;
	for (unsigned i = lo; i <= hi; i++) {
		void *s = n->slots[i];
		if (!s)
			continue;
		uint64_t b = base + ((uint64_t)i << n->shift);
		if (!n->shift) {
			*found = b;
			return s;
		}
		void *e = node_find(t, s, b, first, last, found);
		if (e)
			return e;
	}
	return NULL;
}

static void *find_locked(struct zsim_xtree *t, uint64_t first, uint64_t last, uint64_t *found)
{
	struct xnode *r = t->root;
	if (!r || first > last)
		return NULL;
	uint64_t end = span_last(t, r->shift, t->base);
	if (last < t->base || first > end)
		return NULL;
	return node_find(t, r, t->base, first, last, found);
}

bool zsim_xtree_any_in_range(struct zsim_xtree *t, uint64_t first, uint64_t last)
{
	if (!t)
		return false;
	uint64_t at;
	xt_lock(t);
	bool any = find_locked(t, first, last, &at) != NULL;
	xt_unlock(t);
	return any;
}

void *zsim_xtree_find(struct zsim_xtree *t, uint64_t *index, uint64_t max)
{
	if (!t || !index)
		return NULL;
	uint64_t at;
	xt_lock(t);
	void *e = find_locked(t, *index, max, &at);
	xt_unlock(t);
	if (e)
		*index = at;
	return e;
}

bool zsim_xtree_empty(struct zsim_xtree *t)
{
	if (!t)
		return true;
	xt_lock(t);
	bool empty = t->root == NULL;
	xt_unlock(t);
	return empty;
}

uint64_t zsim_xtree_count(struct zsim_xtree *t)
{
	if (!t)
		return 0;
	xt_lock(t);
	uint64_t n = t->count;
	xt_unlock(t);
	return n;
}

size_t zsim_xtree_memory(struct zsim_xtree *t)
{
	if (!t)
		return 0;
	xt_lock(t);
	size_t bytes = XT_TREE_BYTES + (size_t)t->nodes * t->node_size;
	xt_unlock(t);
	return bytes;
}

uint64_t zsim_xtree_nodes(struct zsim_xtree *t)
{
	if (!t)
		return 0;
	xt_lock(t);
	uint64_t n = t->nodes;
	xt_unlock(t);
	return n;
}

unsigned zsim_xtree_height(struct zsim_xtree *t)
{
	if (!t)
		return 0;
	xt_lock(t);
	unsigned h = t->root ? t->root_shift / t->chunk_shift + 1 : 0;
	xt_unlock(t);
	return h;
}

static int node_walk(struct zsim_xtree *t, struct xnode *n, uint64_t base,
		     int (*fn)(uint64_t, void *, void *), void *arg)
{
	for (unsigned i = 0; i <= t->mask; i++) {
		void *s = n->slots[i];
		if (!s)
			continue;
		uint64_t b = base + ((uint64_t)i << n->shift);
		int rc = n->shift ? node_walk(t, s, b, fn, arg) : fn(b, s, arg);
		if (rc)
			return rc;
	}
	return 0;
}

int zsim_xtree_for_each(struct zsim_xtree *t,
			int (*fn)(uint64_t index, void *entry, void *arg), void *arg)
{
	if (!t || !fn)
		return ZSIM_EINVAL;
	xt_lock(t);
	int rc = t->root ? node_walk(t, t->root, t->base, fn, arg) : 0;
	xt_unlock(t);
	return rc;
}

struct check_totals {
	uint64_t entries;
	uint64_t nodes;
};

static int node_check(struct zsim_xtree *t, struct xnode *n, unsigned shift,
		      struct check_totals *tot)
{
	if (n->shift != shift)
		return ZSIM_EFAULT;
	tot->nodes++;
	unsigned used = 0;
	for (unsigned i = 0; i <= t->mask; i++) {
		void *s = n->slots[i];
		if (!s)
			continue;
		used++;
		if (!shift) {
			if (!entry_ok(s))
				return ZSIM_EFAULT;
			tot->entries++;
		} else {
			int rc = node_check(t, s, shift - t->chunk_shift, tot);
			if (rc)
				return rc;
		}
	}
	return used && used == n->count ? 0 : ZSIM_EFAULT;
}

int zsim_xtree_check(struct zsim_xtree *t)
{
	if (!t)
		return ZSIM_EINVAL;
	struct check_totals tot = {0, 0};
	int rc = 0;
	xt_lock(t);
	struct xnode *r = t->root;
	if (r) {
		if (r->shift % t->chunk_shift || r->shift >= 64 || r->shift != t->root_shift ||
		    span_base(t, r->shift, t->base) != t->base ||
		    (r->shift && r->count < 2))
			rc = ZSIM_EFAULT;
		else
			rc = node_check(t, r, r->shift, &tot);
	} else if (t->base || t->root_shift) {
		rc = ZSIM_EFAULT;
	}
	if (!rc && (tot.entries != t->count || tot.nodes != t->nodes))
		rc = ZSIM_EFAULT;
	xt_unlock(t);
	return rc;
}
