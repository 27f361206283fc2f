/*
 * torture.c - zswapsim's torture test. Worker threads run random stores
 * (every folio order), loads, batch loads and invalidates on their own
 * slots, checked after every operation against a reference model
 * (slot -> expected bytes), while a chaos thread switches compressors,
 * takes CPUs offline and online, compacts zsmalloc, writes back (memcg
 * shrink and the dynamic shrinker) and moves the pool limit; the global
 * shrink worker runs on its own thread; the chaos thread also creates
 * memcgs. Optional random failure injection at every injection point
 * (all ZSIM_FAULT_POINT_COUNT of them, set once the instance and its first
 * memcgs exist). A wrong byte, an unexpected error or a broken invariant
 * is counted as a mismatch and the run goes on (the first 20 are printed);
 * the exit status is 1 if any was counted. At quiescent points every
 * thread stops and the invariants are checked:
 *   - stored_pages equals the number of slots that hold a zswap entry;
 *   - pool_total_size equals the page allocator's pages x 4096;
 *   - the memcg charges sum to the compressed bytes of all entries, and
 *     zswapped to stored_pages x 4096;
 *   - no entry is reachable from two slots, and each sits at its own slot.
 *
 *
 * zram (--frontend zram, or both): the same workers, reference model and
 * checks drive a zram device (zswapsim/zram.h): each worker's slots are
 * split in two, the lower half used through the block API (write, read,
 * discard, swap_slot_free_notify), the upper half through the swap layer
 * in front of it (swap_out, swap_in, swap_free on any CPU, with its
 * zeromap and its per-CPU cache of freed entries), while the chaos thread
 * ages the device clock, marks slots idle, writes back idle / huge /
 * incompressible slots to an in-memory backing device, recompresses with
 * a secondary algorithm (6.2+), compacts and hot-unplugs CPUs. The
 * injection points that reach zram are zsmalloc's (page_alloc, zs_handle,
 * zs_desc): a write that fails keeps the slot's old content. At quiescent
 * points (the swap caches drained) the slot table is checked against the
 * reference model slot by slot (holds a page / same-filled), and mm_stat
 * and bd_stat against the table and the model:
 *   - orig_data_size = 4096 x the pages the model says zram holds;
 *   - same_pages = the model's same-filled pages = SAME slots;
 *   - huge_pages = HUGE slots; compr_data_size = the sizes of the slots
 *     held in the pool; mem_used_total = the pool's pages x 4096;
 *   - bd_count = written-back (WB) slots.
 * A swap_slot_free_notify that finds the slot locked (by writeback or
 * recompression) leaves the page there (miss_free, as the kernel does):
 * the model asks the slot table which happened.
 *
 * Usage: zswapsim-torture [--seed N] [--seconds S] [--ops N] [--threads T]
 *                         [--profile P] [--faults PROB] [--long] [--quiet]
 *                         [--frontend zswap|zram|both] [--zram-profile P]
 *                         [--check-every N] [--swapdev file|memory]
 * It runs until both --ops operations and --seconds have passed. It prints
 * its seed first, so any failure replays with --seed. --profile is the
 * zswap profile (default 6.13), --zram-profile zram's (default 6.12).
 * Long mode (--long): 10^8 operations, no time floor, a progress line
 * every 60 s, the invariants checked every 20 000 operations (--check-every,
 * default 2 000), zswap's swap device in memory (--swapdev; default: an
 * unlinked temporary file, whose page-cache writes took a quarter of the
 * run's time; the injected device failures are the same either way);
 * docs/reliability.md has the command and the figures.
 *
 * The page contents come from a bank generated once (BANK pages of each
 * class, zsim_page_fill), so that the harness does not spend its time
 * generating pages: a reference is (class, bank index), a check a memcmp
 * with the bank. The chaos thread acts once every CHAOS_EVERY worker
 * operations (not on a timer), so the mix of chaos and I/O is the same
 * on a fast or a loaded machine.
 */
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "zswapsim/zswapsim.h"
#include "zswap/zswap_internal.h"

#define SLOTS 1024 /* per worker */
#define ZHALF (SLOTS / 2) /* zram: block API below, swap layer from here */
#define MAX_THREADS 16
#define BANK 512      /* bank pages of each class */
#define CHAOS_EVERY 8 /* worker operations per chaos event */

enum { FE_ZSWAP = 1, FE_ZRAM = 2 };

static struct {
	uint64_t seed;
	double seconds;
	uint64_t ops;
	unsigned threads;
	const char *profile;
	const char *zram_profile;
	double faults;
	int quiet;
	int progress;
	unsigned frontends;
	uint64_t check_every;
	int swap_memory; /* zswap's swap device in memory instead of a file */
} opt = {1, 3.0, 20000, 4, "6.13", "6.12", 0.0, 0, 0, FE_ZSWAP, 2000, -1};
static double next_progress;
static unsigned next_memcg = 5; /* chaos thread only */

static struct zsim_zswap *Z;
static struct zsim_zram *R;
static bool zram_multi; /* recompression and the later writeback modes (6.2+) */
static struct zsim_fault_injector *FI;
static pthread_barrier_t barrier;
static atomic_int stop, quiesce;
static atomic_uint_fast64_t mismatches;
static atomic_uint_fast64_t total_ops;
static atomic_uint_fast64_t op_ticks; /* paces the chaos thread */
static bool exclusive;

/* The page bank: BANK pages of every class, generated once. */
static unsigned char *bank;
static bool bank_same[ZSIM_PAGE_CLASS_COUNT][BANK];

struct ref {
	int8_t cls;          /* -1: the slot holds nothing */
	uint8_t same;        /* same-filled (zram keeps only the word) */
	uint8_t maybe_freed; /* zram swap slot: its free waits in a swap slots
			      * cache, or found the slot locked (miss_free) */
	uint16_t index;      /* page in the bank */
};

struct worker {
	unsigned id;
	uint64_t x;
	struct ref ref[SLOTS];  /* zswap */
	struct ref zref[SLOTS]; /* zram */
	bool zm[SLOTS];         /* zram: the swap layer's zeromap bit */
	uint64_t n_store, n_load, n_inval, n_batch, n_io_err;
	uint64_t z_write, z_read, z_free, z_enomem, z_miss;
};
static struct worker W[MAX_THREADS];

static uint64_t rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A mismatch: counted, the first 20 printed; the run goes on. */
#define FAIL(...)                                                                 \
	do {                                                                      \
		if (atomic_fetch_add(&mismatches, 1) < 20) {                        \
			fprintf(stderr, "torture: MISMATCH (seed %llu): ",          \
				(unsigned long long)opt.seed);                      \
			fprintf(stderr, __VA_ARGS__);                               \
			fprintf(stderr, "\n");                                      \
		}                                                                 \
	} while (0)

static const unsigned char *bank_page(const struct ref *r)
{
	return bank + ((size_t)r->cls * BANK + r->index) * ZSIM_PAGE_SIZE;
}

static bool same_filled(const unsigned char *p)
{
	uint64_t first, w;
	memcpy(&first, p, 8);
	for (size_t i = 8; i < ZSIM_PAGE_SIZE; i += 8) {
		memcpy(&w, p + i, 8);
		if (w != first)
			return false;
	}
	return true;
}

static int bank_init(void)
{
	bank = malloc((size_t)ZSIM_PAGE_CLASS_COUNT * BANK * ZSIM_PAGE_SIZE);
	if (!bank)
		return ZSIM_ENOMEM;
	for (int c = 0; c < ZSIM_PAGE_CLASS_COUNT; c++)
		for (unsigned i = 0; i < BANK; i++) {
			struct ref r = {(int8_t)c, 0, 0, (uint16_t)i};
			unsigned char *p = (unsigned char *)bank_page(&r);
			zsim_page_fill((enum zsim_page_class)c, opt.seed, i, p);
			bank_same[c][i] = same_filled(p);
		}
	return 0;
}

static enum zsim_page_class pick_class(uint64_t *x)
{
	unsigned c = (unsigned)(rnd(x) % 100);
	return c < 40 ? ZSIM_PAGE_TYPICAL : c < 55 ? ZSIM_PAGE_TEXT : c < 65 ? ZSIM_PAGE_POINTER
	       : c < 75 ? ZSIM_PAGE_ZERO : c < 85 ? ZSIM_PAGE_MOSTLY_ZERO : c < 92 ? ZSIM_PAGE_SAME
			: ZSIM_PAGE_RANDOM;
}

static struct ref new_ref(uint64_t *x, enum zsim_page_class cls)
{
	struct ref r = {(int8_t)cls, 0, 0, (uint16_t)(rnd(x) % BANK)};
	r.same = bank_same[cls][r.index];
	return r;
}

static void expect_page(struct worker *w, const struct ref *r, unsigned slot,
			const unsigned char *got, const char *what)
{
	if (memcmp(bank_page(r), got, ZSIM_PAGE_SIZE))
		FAIL("thread %u slot %u: %s returned wrong bytes", w->id, slot, what);
}

static bool all_zero(const unsigned char *p)
{
	static const unsigned char zero[ZSIM_PAGE_SIZE];
	return !memcmp(p, zero, ZSIM_PAGE_SIZE);
}

/* ---- zswap ---------------------------------------------------------- */

static void op_store(struct worker *w, unsigned char *buf)
{
	unsigned order = (unsigned)(rnd(&w->x) % 100);
	order = order < 70 ? 0 : order < 85 ? 2 : order < 95 ? 4 : order < 99 ? 6 : 9;
	unsigned nr = 1u << order;
	unsigned slot = (unsigned)(rnd(&w->x) % (SLOTS / nr)) * nr; /* aligned folio */
	struct ref nref[512];
	for (unsigned i = 0; i < nr; i++) {
		unsigned c = (unsigned)(rnd(&w->x) % 100);
		enum zsim_page_class cls = pick_class(&w->x);
		if (c < 90 && order > 0 && i > 0 && nref[0].cls == ZSIM_PAGE_ZERO)
			cls = ZSIM_PAGE_ZERO; /* keep some all-zero large folios */
		nref[i] = new_ref(&w->x, cls);
		memcpy(buf + (size_t)i * ZSIM_PAGE_SIZE, bank_page(&nref[i]), ZSIM_PAGE_SIZE);
	}
	struct zsim_swap_folio f = {.type = 0, .offset = (uint64_t)w->id * SLOTS + slot,
				    .order = order, .data = buf, .memcg = 1 + w->id % 4,
				    .cpu = (unsigned)(rnd(&w->x) % 2)};
	enum zsim_swap_where where;
	int rc = zsim_zswap_store(Z, &f, &where);
	if (rc == ZSIM_EIO) {
		/* an injected device write failure: the slots hold nothing */
		for (unsigned i = 0; i < nr; i++)
			w->ref[slot + i].cls = -1;
		w->n_io_err++;
	} else if (rc == ZSIM_ENOMEM && opt.faults > 0) {
		w->n_io_err++; /* injected: the memcg could not be set up; nothing changed */
	} else if (rc) {
		FAIL("thread %u: store at %u order %u: %s", w->id, slot, order, zsim_strerror(rc));
	} else {
		for (unsigned i = 0; i < nr; i++)
			w->ref[slot + i] = where == ZSIM_WHERE_KEPT ? (struct ref){-1, 0, 0, 0} : nref[i];
	}
	w->n_store++;
}

static void op_load(struct worker *w, unsigned char *buf)
{
	unsigned slot = (unsigned)(rnd(&w->x) % SLOTS);
	enum zsim_swap_where from;
	struct zsim_swap_slot ss = {.type = 0, .offset = (uint64_t)w->id * SLOTS + slot,
				    .memcg = 1 + w->id % 4, .cpu = (unsigned)(rnd(&w->x) % 2)};
	int rc = zsim_zswap_load_slot(Z, &ss, buf, &from);
	if (w->ref[slot].cls < 0) {
		if (rc != ZSIM_ENOENT)
			FAIL("thread %u slot %u: load of an empty slot gave %s", w->id, slot, zsim_strerror(rc));
	} else if (rc == ZSIM_EIO && opt.faults > 0) {
		w->n_io_err++; /* injected read/decompress failure: data kept */
	} else if (rc) {
		FAIL("thread %u slot %u: load: %s", w->id, slot, zsim_strerror(rc));
	} else {
		expect_page(w, &w->ref[slot], slot, buf, "load");
		if (from == ZSIM_WHERE_ZSWAP && exclusive)
			w->ref[slot].cls = -1; /* the swap cache holds the only copy */
	}
	w->n_load++;
}

static void op_load_batch(struct worker *w, unsigned char *buf)
{
	uint64_t offs[8];
	unsigned n = 2 + (unsigned)(rnd(&w->x) % 7), base = (unsigned)(rnd(&w->x) % (SLOTS - 16));
	for (unsigned i = 0; i < n; i++)
		offs[i] = (uint64_t)w->id * SLOTS + base + i * 2;
	int res[8];
	enum zsim_swap_where from[8];
	int rc = zsim_zswap_load_batch(Z, 0, offs, n, 1 + w->id % 4, 0, buf, from, res);
	if (rc) {
		FAIL("thread %u: load_batch: %s", w->id, zsim_strerror(rc));
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		unsigned slot = base + i * 2;
		if (w->ref[slot].cls < 0) {
			if (res[i] != ZSIM_ENOENT)
				FAIL("thread %u slot %u: batch load of an empty slot: %s", w->id, slot,
				     zsim_strerror(res[i]));
		} else if (res[i] == ZSIM_EIO && opt.faults > 0) {
			w->n_io_err++;
		} else if (res[i]) {
			FAIL("thread %u slot %u: batch load: %s", w->id, slot, zsim_strerror(res[i]));
		} else {
			expect_page(w, &w->ref[slot], slot, buf + (size_t)i * ZSIM_PAGE_SIZE, "batch load");
			if (from[i] == ZSIM_WHERE_ZSWAP && exclusive)
				w->ref[slot].cls = -1;
		}
	}
	w->n_batch++;
}

static void op_invalidate(struct worker *w)
{
	unsigned n = 1 + (unsigned)(rnd(&w->x) % 8), slot = (unsigned)(rnd(&w->x) % (SLOTS - 8));
	int rc = zsim_zswap_invalidate(Z, 0, (uint64_t)w->id * SLOTS + slot, n);
	if (rc)
		FAIL("thread %u: invalidate: %s", w->id, zsim_strerror(rc));
	for (unsigned i = 0; i < n; i++)
		w->ref[slot + i].cls = -1;
	w->n_inval++;
}

/* ---- zram ----------------------------------------------------------- */

static uint32_t zidx(const struct worker *w, unsigned slot)
{
	return (uint32_t)(w->id * SLOTS + slot);
}

static void zr_write(struct worker *w)
{
	unsigned slot = (unsigned)(rnd(&w->x) % SLOTS), cpu = (unsigned)(rnd(&w->x) % 2);
	struct ref n = new_ref(&w->x, pick_class(&w->x));
	enum zsim_zram_where where = ZSIM_ZRAM_IN_DEVICE;
	bool swap = slot >= ZHALF;
	int rc = swap ? zsim_zram_swap_out(R, zidx(w, slot), bank_page(&n), cpu, &where)
		      : zsim_zram_write(R, zidx(w, slot), bank_page(&n), cpu);
	if (rc == ZSIM_ENOMEM && opt.faults > 0) {
		/* an injected zsmalloc failure: zram keeps the old content (a
		 * pending free was done first, so a maybe-freed slot stays so);
		 * the zeromap bit was cleared before the write */
		w->zm[slot] = false;
		w->z_enomem++;
	} else if (rc) {
		FAIL("thread %u slot %u: zram %s: %s (%s)", w->id, slot, swap ? "swap_out" : "write",
		     zsim_strerror(rc), zsim_zram_last_error(R));
	} else if (where == ZSIM_ZRAM_IN_ZEROMAP) {
		if (!n.same || n.cls != ZSIM_PAGE_ZERO)
			FAIL("thread %u slot %u: zram swap_out put a non-zero page in the zeromap",
			     w->id, slot);
		w->zm[slot] = true; /* zram keeps what it held */
	} else {
		w->zref[slot] = n;
		w->zm[slot] = false;
	}
	w->z_write++;
}

static void zr_read(struct worker *w, unsigned char *buf)
{
	unsigned slot = (unsigned)(rnd(&w->x) % SLOTS), cpu = (unsigned)(rnd(&w->x) % 2);
	struct ref *r = &w->zref[slot];
	enum zsim_zram_where where = ZSIM_ZRAM_IN_DEVICE;
	bool swap = slot >= ZHALF;
	int rc = swap ? zsim_zram_swap_in(R, zidx(w, slot), buf, cpu, &where)
		      : zsim_zram_read(R, zidx(w, slot), buf, cpu);
	if (swap && w->zm[slot]) {
		if (rc || where != ZSIM_ZRAM_IN_ZEROMAP || !all_zero(buf))
			FAIL("thread %u slot %u: zram swap_in of a zeromap page: %s, %s",
			     w->id, slot, zsim_strerror(rc), where == ZSIM_ZRAM_IN_ZEROMAP
			     ? "wrong bytes" : "not from the zeromap");
	} else {
		if (r->maybe_freed) {
			/* swap_in did the pending free first: either it freed
			 * the slot, or it found it locked and left the page */
			if (rc == ZSIM_ENOENT)
				r->cls = -1;
			r->maybe_freed = 0;
		}
		if (r->cls < 0) {
			if (rc != ZSIM_ENOENT || !all_zero(buf))
				FAIL("thread %u slot %u: zram read of an empty slot: %s", w->id, slot,
				     zsim_strerror(rc));
		} else if (rc) {
			FAIL("thread %u slot %u: zram %s: %s (%s)", w->id, slot,
			     swap ? "swap_in" : "read", zsim_strerror(rc), zsim_zram_last_error(R));
		} else {
			expect_page(w, r, slot, buf, swap ? "zram swap_in" : "zram read");
		}
	}
	w->z_read++;
}

static void zr_free(struct worker *w)
{
	unsigned slot = (unsigned)(rnd(&w->x) % SLOTS), how = (unsigned)(rnd(&w->x) % 2);
	int rc;
	if (slot >= ZHALF) {
		/* the swap layer: the entry waits in the CPU's swap slots
		 * cache (6.1, 6.12) and reaches zram later, maybe missed */
		rc = zsim_zram_swap_free_on(R, zidx(w, slot), how);
		if (rc)
			FAIL("thread %u slot %u: zram swap_free: %s", w->id, slot, zsim_strerror(rc));
		w->zm[slot] = false;
		w->zref[slot].maybe_freed = 1;
	} else if (how) {
		unsigned n = 1 + (unsigned)(rnd(&w->x) % 4);
		if (slot + n > ZHALF)
			n = ZHALF - slot;
		rc = zsim_zram_discard(R, zidx(w, slot), n);
		if (rc)
			FAIL("thread %u slot %u: zram discard: %s", w->id, slot, zsim_strerror(rc));
		for (unsigned i = 0; i < n; i++)
			w->zref[slot + i].cls = -1;
	} else {
		rc = zsim_zram_slot_free_notify(R, zidx(w, slot));
		if (rc)
			FAIL("thread %u slot %u: zram slot_free_notify: %s", w->id, slot, zsim_strerror(rc));
		/* freed, or the slot was locked (writeback, recompression):
		 * miss_free, the page stays until the slot is written again */
		struct zsim_zram_slot_info info;
		rc = zsim_zram_slot_info(R, zidx(w, slot), &info);
		if (rc)
			FAIL("thread %u slot %u: zram slot_info: %s", w->id, slot, zsim_strerror(rc));
		else if (!info.allocated)
			w->zref[slot].cls = -1;
		else if (w->zref[slot].cls < 0)
			FAIL("thread %u slot %u: zram holds a page the model does not", w->id, slot);
		else
			w->z_miss++;
	}
	w->z_free++;
}

/* ---- quiescent checks ----------------------------------------------- */

struct seen {
	void **ptrs;
	size_t n, cap;
	uint64_t base;
	int bad;
};

static int visit(uint64_t index, void *entry, void *arg)
{
	struct seen *s = arg;
	struct zsim_entry *e = entry;
	if (zsim_swp_offset(e->swp) != index || zsim_swp_type(e->swp) != 0)
		s->bad = 1;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 1024;
		s->ptrs = realloc(s->ptrs, s->cap * sizeof(void *));
	}
	s->ptrs[s->n++] = entry;
	return 0;
}

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t) * (void *const *)a, y = (uintptr_t) * (void *const *)b;
	return x < y ? -1 : x > y;
}

static void check_zswap(uint64_t round)
{
	zsim_zswap_flush_shrink_work(Z);
	struct zsim_zswap_stats st;
	zsim_zswap_stats(Z, &st);
	struct zsim_zswap_meta m;
	zsim_zswap_meta(Z, &m);
	uint64_t entries = 0, bytes = 0;
	for (uint64_t s = 0; s < (uint64_t)opt.threads * SLOTS; s++) {
		enum zsim_swap_where w;
		size_t len;
		zsim_zswap_slot_state(Z, 0, s, &w, &len);
		if (w == ZSIM_WHERE_ZSWAP) {
			entries++;
			bytes += len;
		}
	}
	if (st.stored_pages != entries)
		FAIL("round %llu: stored_pages %llu but %llu slots hold entries", (unsigned long long)round,
		     (unsigned long long)st.stored_pages, (unsigned long long)entries);
	if (m.entries != entries)
		FAIL("round %llu: %llu live entries, %llu in slots", (unsigned long long)round,
		     (unsigned long long)m.entries, (unsigned long long)entries);
	if (st.pool_total_size != m.allocator_pages * ZSIM_PAGE_SIZE)
		FAIL("round %llu: pool_total_size %llu != allocator pages %llu x 4096",
		     (unsigned long long)round, (unsigned long long)st.pool_total_size,
		     (unsigned long long)m.allocator_pages);
	struct zsim_memcg_stats root;
	zsim_zswap_memcg_stats(Z, 0, &root);
	if (root.zswap != bytes || root.zswapped != entries * ZSIM_PAGE_SIZE)
		FAIL("round %llu: memcg charges %llu B / %llu pages, entries hold %llu B / %llu pages",
		     (unsigned long long)round, (unsigned long long)root.zswap,
		     (unsigned long long)(root.zswapped / ZSIM_PAGE_SIZE), (unsigned long long)bytes,
		     (unsigned long long)entries);
	struct seen s = {0};
	struct zsim_swap_info *si = &Z->swap[0];
	for (unsigned t = 0; t < si->nr_trees; t++)
		zsim_xtree_for_each(si->trees[t], visit, &s);
	qsort(s.ptrs, s.n, sizeof(void *), cmp_ptr);
	for (size_t i = 1; i < s.n; i++)
		if (s.ptrs[i] == s.ptrs[i - 1])
			FAIL("round %llu: an entry is reachable from two slots", (unsigned long long)round);
	if (s.bad)
		FAIL("round %llu: an entry sits at a slot that is not its own", (unsigned long long)round);
	free(s.ptrs);
}

static void check_zram(uint64_t round)
{
	/* the frees waiting in the swap slots caches reach zram now */
	zsim_zram_swap_drain(R);
	uint64_t held = 0, same = 0, t_same = 0, t_huge = 0, t_wb = 0, t_size = 0;
	for (unsigned t = 0; t < opt.threads; t++) {
		struct worker *w = &W[t];
		for (unsigned s = 0; s < SLOTS; s++) {
			struct ref *r = &w->zref[s];
			struct zsim_zram_slot_info info;
			int rc = zsim_zram_slot_info(R, zidx(w, s), &info);
			if (rc) {
				FAIL("round %llu: zram slot_info %u: %s", (unsigned long long)round,
				     zidx(w, s), zsim_strerror(rc));
				continue;
			}
			if (r->maybe_freed) {
				/* freed, or missed (the slot was locked) */
				if (!info.allocated)
					r->cls = -1;
				r->maybe_freed = 0;
			}
			if ((r->cls >= 0) != info.allocated) {
				FAIL("round %llu: zram slot %u %s a page, the model says it %s",
				     (unsigned long long)round, zidx(w, s),
				     info.allocated ? "holds" : "does not hold",
				     r->cls >= 0 ? "does" : "does not");
				continue;
			}
			if (!info.allocated)
				continue;
			held++;
			same += r->same;
			bool is_same = info.flags & ZSIM_ZRAM_SLOT_SAME;
			if (is_same != (bool)r->same)
				FAIL("round %llu: zram slot %u: SAME flag %d, the page is %ssame-filled",
				     (unsigned long long)round, zidx(w, s), is_same, r->same ? "" : "not ");
			t_same += is_same;
			t_huge += !!(info.flags & ZSIM_ZRAM_SLOT_HUGE);
			if (info.flags & ZSIM_ZRAM_SLOT_WB)
				t_wb++;
			else if (!is_same)
				t_size += info.size;
		}
	}
	struct zsim_zram_stats st;
	zsim_zram_stats(R, &st);
	uint64_t pool_pages = zsim_zpool_total_pages(zsim_zram_zpool(R));
	if (st.orig_data_size != held * ZSIM_PAGE_SIZE || st.pages_stored != held)
		FAIL("round %llu: zram orig_data_size %llu, the model holds %llu pages",
		     (unsigned long long)round, (unsigned long long)st.orig_data_size,
		     (unsigned long long)held);
	if (st.same_pages != same || t_same != same)
		FAIL("round %llu: zram same_pages %llu, SAME slots %llu, the model %llu same-filled",
		     (unsigned long long)round, (unsigned long long)st.same_pages,
		     (unsigned long long)t_same, (unsigned long long)same);
	if (st.huge_pages != t_huge)
		FAIL("round %llu: zram huge_pages %llu, HUGE slots %llu", (unsigned long long)round,
		     (unsigned long long)st.huge_pages, (unsigned long long)t_huge);
	if (st.bd_count != t_wb)
		FAIL("round %llu: zram bd_count %llu, written-back slots %llu",
		     (unsigned long long)round, (unsigned long long)st.bd_count,
		     (unsigned long long)t_wb);
	if (st.compr_data_size != t_size)
		FAIL("round %llu: zram compr_data_size %llu, slots in the pool hold %llu B",
		     (unsigned long long)round, (unsigned long long)st.compr_data_size,
		     (unsigned long long)t_size);
	if (st.mem_used_total != pool_pages * ZSIM_PAGE_SIZE)
		FAIL("round %llu: zram mem_used_total %llu, the pool has %llu pages",
		     (unsigned long long)round, (unsigned long long)st.mem_used_total,
		     (unsigned long long)pool_pages);
}

/* Called by one thread while all others wait at the barrier. */
static void check_invariants(uint64_t round)
{
	if (Z)
		check_zswap(round);
	if (R)
		check_zram(round);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	unsigned char *buf = malloc(512 * ZSIM_PAGE_SIZE);
	uint64_t round = 0, per_round = opt.check_every / opt.threads;
	double deadline = now() + opt.seconds;
	if (!per_round)
		per_round = 1;
	for (;;) {
		for (uint64_t k = 0; k < per_round && !atomic_load(&stop); k++) {
			unsigned r = (unsigned)(rnd(&w->x) % 100);
			bool zram = opt.frontends == FE_ZRAM ||
				    (opt.frontends == (FE_ZSWAP | FE_ZRAM) && (rnd(&w->x) & 1));
			if (zram) {
				if (r < 40)
					zr_write(w);
				else if (r < 80)
					zr_read(w, buf);
				else
					zr_free(w);
			} else if (r < 45) {
				op_store(w, buf);
			} else if (r < 80) {
				op_load(w, buf);
			} else if (r < 88) {
				op_load_batch(w, buf);
			} else {
				op_invalidate(w);
			}
			atomic_fetch_add_explicit(&op_ticks, 1, memory_order_relaxed);
		}
		atomic_fetch_add(&total_ops, per_round);
		/* quiescent point: every worker and the chaos thread stop here */
		atomic_store(&quiesce, 1);
		pthread_barrier_wait(&barrier);
		if (w->id == 0) {
			check_invariants(round);
			if (opt.progress && now() >= next_progress) {
				next_progress = now() + 60;
				printf("torture: %llu operations, %llu mismatches\n",
				       (unsigned long long)atomic_load(&total_ops),
				       (unsigned long long)atomic_load(&mismatches));
				fflush(stdout);
			}
			if (atomic_load(&total_ops) >= opt.ops && now() >= deadline)
				atomic_store(&stop, 1);
			atomic_store(&quiesce, 0);
		}
		pthread_barrier_wait(&barrier);
		round++;
		if (atomic_load(&stop))
			break;
	}
	free(buf);
	return NULL;
}

static void chaos_zswap(uint64_t *x)
{
	static const char *const codecs[] = {"lz4", "zstd", "lzo", "lzo-rle", "deflate", "zstd:level=1"};
	switch (rnd(x) % 8) {
	case 0:
		zsim_zswap_set_compressor(Z, codecs[rnd(x) % 6]);
		break;
	case 1:
		zsim_zswap_cpu_offline(Z, (unsigned)(rnd(x) % 2));
		break;
	case 2:
		zsim_zswap_cpu_online(Z, (unsigned)(rnd(x) % 2));
		break;
	case 3:
		zsim_zswap_compact(Z);
		break;
	case 4:
		zsim_zswap_shrink_memcg(Z, 1 + (unsigned)(rnd(x) % 4), 1);
		break;
	case 5:
		zsim_zswap_shrinker_scan(Z, 1 + (unsigned)(rnd(x) % 4), 0, 1 + rnd(x) % 64, 1);
		break;
	case 6:
		zsim_zswap_set_max_pool_percent(Z, 5 + (unsigned)(rnd(x) % 20));
		break;
	case 7:
		/* a new memcg under memcg 1 (its list_lru: lru_alloc),
		 * ENOMEM when injected */
		if (next_memcg < 5 + 64) /* a few: each one is walked by the shrinker */
			zsim_zswap_memcg_create(Z, next_memcg++, 1);
		break;
	}
}

static void chaos_zram(uint64_t *x, uint64_t *clock)
{
	static const char *const wb[] = {"idle", "huge", "huge_idle", "incompressible"};
	static const char *const rc[] = {"type=idle", "type=huge", "type=huge_idle",
					 "type=idle threshold=1000"};
	char arg[64];
	switch (rnd(x) % 10) {
	case 0:
		zsim_zram_set_time(R, ++*clock);
		break;
	case 1:
		zsim_zram_mark_idle(R, rnd(x) % 2 ? 0 : 1 + rnd(x) % 3);
		break;
	case 2:
	case 3:
		zsim_zram_store(R, "writeback", wb[rnd(x) % (zram_multi ? 4 : 3)]);
		break;
	case 4:
		snprintf(arg, sizeof(arg), "page_index=%llu",
			 (unsigned long long)(rnd(x) % ((uint64_t)opt.threads * SLOTS)));
		zsim_zram_store(R, "writeback", arg);
		break;
	case 5:
		if (zram_multi)
			zsim_zram_store(R, "recompress", rc[rnd(x) % 4]);
		break;
	case 6:
		zsim_zram_compact(R);
		break;
	case 7:
		zsim_zram_cpu_offline(R, (unsigned)(rnd(x) % 2));
		break;
	case 8:
		zsim_zram_cpu_online(R, (unsigned)(rnd(x) % 2));
		break;
	case 9:
		/* a writeback budget now and then (bd_stat moves by it) */
		zsim_zram_store(R, "writeback_limit_enable", rnd(x) % 4 ? "0" : "1");
		snprintf(arg, sizeof(arg), "%llu", (unsigned long long)(rnd(x) % 64));
		zsim_zram_store(R, "writeback_limit", arg);
		break;
	}
}

static void *chaos_main(void *arg)
{
	uint64_t x = opt.seed * 7 + 3, clock = 0, last = 0;
	(void)arg;
	for (;;) {
		if (atomic_load(&quiesce)) {
			/* take part in the quiescent point, then go on or end */
			pthread_barrier_wait(&barrier);
			pthread_barrier_wait(&barrier);
			if (atomic_load(&stop))
				break;
			continue;
		}
		uint64_t t = atomic_load_explicit(&op_ticks, memory_order_relaxed);
		if (t - last < CHAOS_EVERY) {
			struct timespec ts = {0, 50000};
			nanosleep(&ts, NULL);
			continue;
		}
		last = t;
		bool zram = opt.frontends == FE_ZRAM ||
			    (opt.frontends == (FE_ZSWAP | FE_ZRAM) && (rnd(&x) & 1));
		if (zram)
			chaos_zram(&x, &clock);
		else
			chaos_zswap(&x);
	}
	return NULL;
}

static int setup_zswap(void)
{
	struct zsim_zswap_config cfg;
	zsim_zswap_config_init(&cfg);
	cfg.profile = opt.profile;
	cfg.compressor = "lz4";
	cfg.nr_cpus = 2;
	cfg.ram_bytes = 24ull << 20; /* small: the limit, the worker and writeback all run */
	cfg.shrinker_enabled = 1;
	cfg.fault = FI;
	int rc = zsim_zswap_create(&cfg, &Z);
	if (rc) {
		fprintf(stderr, "torture: create: %s\n", zsim_strerror(rc));
		return rc;
	}
	exclusive = strcmp(opt.profile, "6.1") != 0;
	rc = opt.swap_memory == 1 ? zsim_zswap_swapon_memory(Z, 0, (uint64_t)opt.threads * SLOTS)
				  : zsim_zswap_swapon_file(Z, 0, (uint64_t)opt.threads * SLOTS, NULL);
	for (unsigned m = 1; !rc && m <= 4; m++)
		rc = zsim_zswap_memcg_create(Z, m, m == 4 ? 3 : 0);
	if (rc)
		fprintf(stderr, "torture: setup: %s\n", zsim_strerror(rc));
	return rc;
}

static int setup_zram(void)
{
	struct zsim_zram_config cfg;
	zsim_zram_config_init(&cfg);
	cfg.profile = opt.zram_profile;
	cfg.nr_cpus = 2;
	cfg.fault = FI;
	int rc = zsim_zram_create(&cfg, &R);
	if (rc) {
		fprintf(stderr, "torture: zram create (profile %s): %s\n", opt.zram_profile,
			zsim_strerror(rc));
		return rc;
	}
	zram_multi = strcmp(opt.zram_profile, "6.1") != 0;
	if (zram_multi)
		rc = zsim_zram_store(R, "recomp_algorithm", "algo=zstd priority=1");
	/* a backing device half the size of the disk: writeback fills it */
	if (!rc)
		rc = zsim_zram_set_backing_dev(R, NULL, (uint64_t)opt.threads * SLOTS / 2);
	if (!rc)
		rc = zsim_zram_set_disksize(R, (uint64_t)opt.threads * SLOTS * ZSIM_PAGE_SIZE);
	if (rc)
		fprintf(stderr, "torture: zram setup: %s (%s)\n", zsim_strerror(rc),
			zsim_zram_last_error(R));
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{"seed", required_argument, 0, 's'}, {"seconds", required_argument, 0, 't'},
		{"ops", required_argument, 0, 'n'},  {"threads", required_argument, 0, 'j'},
		{"profile", required_argument, 0, 'p'}, {"faults", required_argument, 0, 'f'},
		{"quiet", no_argument, 0, 'q'},      {"help", no_argument, 0, 'h'},
		{"long", no_argument, 0, 'L'},       {"frontend", required_argument, 0, 'F'},
		{"zram-profile", required_argument, 0, 'Z'},
		{"check-every", required_argument, 0, 'C'},
		{"swapdev", required_argument, 0, 'D'},
		{0, 0, 0, 0}};
	int c;
	bool check_set = false, long_mode = false;
	opt.seed = (uint64_t)time(NULL);
	while ((c = getopt_long(argc, argv, "s:t:n:j:p:f:qhL", lo, NULL)) != -1) {
		switch (c) {
		case 's': opt.seed = strtoull(optarg, NULL, 0); break;
		case 't': opt.seconds = atof(optarg); break;
		case 'n': opt.ops = strtoull(optarg, NULL, 0); break;
		case 'j': opt.threads = (unsigned)atoi(optarg); break;
		case 'p': opt.profile = optarg; break;
		case 'f': opt.faults = atof(optarg); break;
		case 'q': opt.quiet = 1; break;
		case 'Z': opt.zram_profile = optarg; break;
		case 'C':
			opt.check_every = strtoull(optarg, NULL, 0);
			check_set = true;
			break;
		case 'D':
			if (strcmp(optarg, "file") && strcmp(optarg, "memory")) {
				fprintf(stderr, "torture: --swapdev file|memory\n");
				return 2;
			}
			opt.swap_memory = !strcmp(optarg, "memory");
			break;
		case 'F':
			if (!strcmp(optarg, "zswap"))
				opt.frontends = FE_ZSWAP;
			else if (!strcmp(optarg, "zram"))
				opt.frontends = FE_ZRAM;
			else if (!strcmp(optarg, "both"))
				opt.frontends = FE_ZSWAP | FE_ZRAM;
			else {
				fprintf(stderr, "torture: --frontend zswap|zram|both\n");
				return 2;
			}
			break;
		case 'L':
			opt.ops = 100000000;
			opt.seconds = 0;
			opt.progress = 1;
			if (!check_set)
				opt.check_every = 20000;
			long_mode = true;
			break;
		default:
			printf("usage: %s [--seed N] [--seconds S] [--ops N] [--threads T] "
			       "[--profile P] [--faults PROB] [--long] [--quiet] "
			       "[--frontend zswap|zram|both] [--zram-profile P] [--check-every N] "
			       "[--swapdev file|memory]\n",
			       argv[0]);
			return c == 'h' ? 0 : 2;
		}
	}
	if (opt.swap_memory < 0)
		opt.swap_memory = long_mode; /* the long mode: memory unless told */
	if (opt.threads < 1 || opt.threads > MAX_THREADS || !(opt.faults >= 0 && opt.faults <= 0.5) ||
	    opt.check_every < 1 || opt.check_every > 100000000) {
		fprintf(stderr, "torture: --threads 1..%d, --faults 0..0.5, --check-every 1..10^8\n",
			MAX_THREADS);
		return 2;
	}
	printf("torture: seed %llu, %u threads, faults %g, >= %llu ops and >= %.1f s, "
	       "checks every %llu ops\n",
	       (unsigned long long)opt.seed, opt.threads, opt.faults, (unsigned long long)opt.ops,
	       opt.seconds, (unsigned long long)opt.check_every);
	if (opt.frontends & FE_ZSWAP)
		printf("torture: zswap, profile %s, swap device in %s\n", opt.profile,
		       opt.swap_memory ? "memory" : "a file");
	if (opt.frontends & FE_ZRAM)
		printf("torture: zram, profile %s\n", opt.zram_profile);
	fflush(stdout);
	if (bank_init()) {
		fprintf(stderr, "torture: no memory for the page bank\n");
		return 2;
	}
	if (opt.faults > 0)
		zsim_fault_create(&FI);
	if ((opt.frontends & FE_ZSWAP) && setup_zswap())
		return 2;
	if ((opt.frontends & FE_ZRAM) && setup_zram())
		return 2;
	/* every injection point, pool_create and lru_alloc included (the
	 * chaos thread's compressor switches and memcg creations); zram
	 * reaches the zsmalloc ones */
	for (int i = 0; FI && i < ZSIM_FAULT_POINT_COUNT; i++) {
		/* the two points called only tens of times a run (compressor
		 * switches, memcg creations) fail at 0.2 at least, so that
		 * short runs see them fail too */
		bool rare = i == ZSIM_FAULT_POOL_CREATE || i == ZSIM_FAULT_LRU_ALLOC;
		struct zsim_fault_rule r = {.probability = rare && opt.faults < 0.2 ? 0.2 : opt.faults,
					    .seed = opt.seed + (unsigned)i};
		zsim_fault_set(FI, (enum zsim_fault_point)i, &r);
	}
	pthread_barrier_init(&barrier, NULL, opt.threads + 1);
	pthread_t t[MAX_THREADS], chaos;
	double t0 = now();
	for (unsigned i = 0; i < opt.threads; i++) {
		W[i].id = i;
		W[i].x = opt.seed * 0x9e3779b97f4a7c15ull + i + 1;
		for (unsigned s = 0; s < SLOTS; s++)
			W[i].ref[s].cls = W[i].zref[s].cls = -1;
		pthread_create(&t[i], NULL, worker_main, &W[i]);
	}
	pthread_create(&chaos, NULL, chaos_main, NULL);
	for (unsigned i = 0; i < opt.threads; i++)
		pthread_join(t[i], NULL);
	pthread_join(chaos, NULL);
	double secs = now() - t0;
	uint64_t ns = 0, nl = 0, ni = 0, nb = 0, ne = 0, zw = 0, zr = 0, zf = 0, zn = 0, zm = 0;
	for (unsigned i = 0; i < opt.threads; i++) {
		ns += W[i].n_store;
		nl += W[i].n_load;
		ni += W[i].n_inval;
		nb += W[i].n_batch;
		ne += W[i].n_io_err;
		zw += W[i].z_write;
		zr += W[i].z_read;
		zf += W[i].z_free;
		zn += W[i].z_enomem;
		zm += W[i].z_miss;
	}
	uint64_t all = ns + nl + ni + nb + zw + zr + zf;
	printf("torture: %llu operations in %.1f s, %.0f operations/s\n", (unsigned long long)all,
	       secs, secs > 0 ? (double)all / secs : 0.0);
	if (Z) {
		struct zsim_zswap_stats st;
		zsim_zswap_stats(Z, &st);
		printf("torture: zswap: %llu stores, %llu loads, %llu batch loads, %llu invalidates, "
		       "%llu injected I/O errors\n",
		       (unsigned long long)ns, (unsigned long long)nl, (unsigned long long)nb,
		       (unsigned long long)ni, (unsigned long long)ne);
		printf("torture: zswpout %llu zswpin %llu written_back %llu pool_limit_hit %llu "
		       "reject_alloc_fail %llu reject_kmemcache_fail %llu reject_compress_fail %llu "
		       "pools %u\n",
		       (unsigned long long)st.zswpout, (unsigned long long)st.zswpin,
		       (unsigned long long)st.written_back_pages, (unsigned long long)st.pool_limit_hit,
		       (unsigned long long)st.reject_alloc_fail,
		       (unsigned long long)st.reject_kmemcache_fail,
		       (unsigned long long)st.reject_compress_fail, zsim_zswap_nr_pools(Z));
	}
	if (R) {
		struct zsim_zram_stats st;
		zsim_zram_stats(R, &st);
		printf("torture: zram: %llu writes, %llu reads, %llu frees (%llu found the slot "
		       "locked), %llu injected write failures\n",
		       (unsigned long long)zw, (unsigned long long)zr, (unsigned long long)zf,
		       (unsigned long long)zm, (unsigned long long)zn);
		printf("torture: zram: failed_writes %llu notify_free %llu miss_free %llu bd_writes "
		       "%llu bd_reads %llu recompressed %llu huge_pages_since %llu pages_compacted "
		       "%llu swpout_zero %llu\n",
		       (unsigned long long)st.failed_writes, (unsigned long long)st.notify_free,
		       (unsigned long long)st.miss_free, (unsigned long long)st.bd_writes,
		       (unsigned long long)st.bd_reads, (unsigned long long)st.recompressed,
		       (unsigned long long)st.huge_pages_since, (unsigned long long)st.pages_compacted,
		       (unsigned long long)st.swpout_zero);
	}
	if (FI) {
		printf("torture: injected failures:");
		for (int i = 0; i < ZSIM_FAULT_POINT_COUNT; i++)
			printf(" %s %llu", zsim_fault_point_name((enum zsim_fault_point)i),
			       (unsigned long long)zsim_fault_failures(FI, (enum zsim_fault_point)i));
		printf("\n");
	}
	zsim_zswap_destroy(Z);
	zsim_zram_destroy(R);
	zsim_fault_destroy(FI);
	pthread_barrier_destroy(&barrier);
	free(bank);
	uint64_t bad = atomic_load(&mismatches);
	printf("torture: %llu mismatches\n", (unsigned long long)bad);
	return bad ? 1 : 0;
}
