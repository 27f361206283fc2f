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
 * Usage: zswapsim-torture [--seed N] [--seconds S] [--ops N] [--threads T]
 *                         [--profile P] [--faults PROB] [--long] [--quiet]
 * It runs until both --ops operations and --seconds have passed. It prints
 * its seed first, so any failure replays with --seed.
 * Long mode (--long): 10^8 operations, no time floor, a progress line
 * every 60 s; docs/reliability.md has the command and the figures.
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
#define MAX_THREADS 16
#define CHECK_EVERY 2000

static struct {
	uint64_t seed;
	double seconds;
	uint64_t ops;
	unsigned threads;
	const char *profile;
	double faults;
	int quiet;
	int progress;
} opt = {1, 3.0, 20000, 4, "6.13", 0.0, 0, 0};
static double next_progress;
static unsigned next_memcg = 5; /* chaos thread only */

static struct zsim_zswap *Z;
static struct zsim_fault_injector *FI;
static pthread_barrier_t barrier;
static atomic_int stop, quiesce;
static atomic_uint_fast64_t mismatches;
static atomic_uint_fast64_t total_ops;
static bool exclusive;

struct ref {
	int8_t cls;     /* -1: the slot holds nothing */
	uint64_t index; /* page index in the class stream */
};

struct worker {
	unsigned id;
	uint64_t x;
	struct ref ref[SLOTS];
	uint64_t n_store, n_load, n_inval, n_batch, n_io_err;
};

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

static void expect_page(struct worker *w, unsigned slot, const unsigned char *got, const char *what)
{
	unsigned char want[ZSIM_PAGE_SIZE];
	zsim_page_fill((enum zsim_page_class)w->ref[slot].cls, opt.seed, w->ref[slot].index, want);
	if (memcmp(want, got, ZSIM_PAGE_SIZE))
		FAIL("thread %u slot %u: %s returned wrong bytes", w->id, slot, what);
}

static void op_store(struct worker *w, unsigned char *buf)
{
	unsigned order = (unsigned)(rnd(&w->x) % 100);
	order = order < 70 ? 0 : order < 85 ? 2 : order < 95 ? 4 : order < 99 ? 6 : 9;
	unsigned nr = 1u << order;
	unsigned slot = (unsigned)(rnd(&w->x) % (SLOTS / nr)) * nr; /* aligned folio */
	struct ref nref[512];
	for (unsigned i = 0; i < nr; i++) {
		unsigned c = (unsigned)(rnd(&w->x) % 100);
		enum zsim_page_class cls = c < 40 ? ZSIM_PAGE_TYPICAL : c < 55 ? ZSIM_PAGE_TEXT
				: c < 65 ? ZSIM_PAGE_POINTER : c < 75 ? ZSIM_PAGE_ZERO
				: c < 85 ? ZSIM_PAGE_MOSTLY_ZERO : c < 92 ? ZSIM_PAGE_SAME : ZSIM_PAGE_RANDOM;
		if (c < 90 && order > 0 && i > 0 && nref[0].cls == ZSIM_PAGE_ZERO)
			cls = ZSIM_PAGE_ZERO; /* keep some all-zero large folios */
		nref[i].cls = (int8_t)cls;
		nref[i].index = rnd(&w->x);
		zsim_page_fill(cls, opt.seed, nref[i].index, buf + (size_t)i * ZSIM_PAGE_SIZE);
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
			w->ref[slot + i] = where == ZSIM_WHERE_KEPT ? (struct ref){-1, 0} : nref[i];
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
		expect_page(w, slot, buf, "load");
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
			expect_page(w, slot, buf + (size_t)i * ZSIM_PAGE_SIZE, "batch load");
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

/* Called by one thread while all others wait at the barrier. */
static void check_invariants(uint64_t round)
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

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	unsigned char *buf = malloc(512 * ZSIM_PAGE_SIZE);
	uint64_t done = 0, round = 0;
	double deadline = now() + opt.seconds;
	for (;;) {
		for (unsigned k = 0; k < CHECK_EVERY / opt.threads && !atomic_load(&stop); k++) {
			unsigned r = (unsigned)(rnd(&w->x) % 100);
			if (r < 45)
				op_store(w, buf);
			else if (r < 80)
				op_load(w, buf);
			else if (r < 88)
				op_load_batch(w, buf);
			else
				op_invalidate(w);
			done++;
		}
		atomic_fetch_add(&total_ops, CHECK_EVERY / opt.threads);
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
	(void)done;
	return NULL;
}

static void *chaos_main(void *arg)
{
	uint64_t x = opt.seed * 7 + 3;
	(void)arg;
	const char *codecs[] = {"lz4", "zstd", "lzo", "lzo-rle", "deflate", "zstd:level=1"};
	for (;;) {
		if (atomic_load(&quiesce)) {
			/* take part in the quiescent point, then go on or end */
			pthread_barrier_wait(&barrier);
			pthread_barrier_wait(&barrier);
			if (atomic_load(&stop))
				break;
			continue;
		}
		switch (rnd(&x) % 8) {
		case 0:
			zsim_zswap_set_compressor(Z, codecs[rnd(&x) % 6]);
			break;
		case 1:
			zsim_zswap_cpu_offline(Z, (unsigned)(rnd(&x) % 2));
			break;
		case 2:
			zsim_zswap_cpu_online(Z, (unsigned)(rnd(&x) % 2));
			break;
		case 3:
			zsim_zswap_compact(Z);
			break;
		case 4:
			zsim_zswap_shrink_memcg(Z, 1 + (unsigned)(rnd(&x) % 4), 1);
			break;
		case 5:
			zsim_zswap_shrinker_scan(Z, 1 + (unsigned)(rnd(&x) % 4), 0, 1 + rnd(&x) % 64, 1);
			break;
		case 6:
			zsim_zswap_set_max_pool_percent(Z, 5 + (unsigned)(rnd(&x) % 20));
			break;
		case 7:
			/* a new memcg under memcg 1 (its list_lru: lru_alloc),
			 * ENOMEM when injected */
			if (next_memcg < 5 + 64) /* a few: each one is walked by the shrinker */
				zsim_zswap_memcg_create(Z, next_memcg++, 1);
			break;
		}
		struct timespec ts = {0, 200000}; /* a chaos event every ~0.2 ms */
		nanosleep(&ts, NULL);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{"seed", required_argument, 0, 's'}, {"seconds", required_argument, 0, 't'},
		{"ops", required_argument, 0, 'n'},  {"threads", required_argument, 0, 'j'},
		{"profile", required_argument, 0, 'p'}, {"faults", required_argument, 0, 'f'},
		{"quiet", no_argument, 0, 'q'},      {"help", no_argument, 0, 'h'},
		{"long", no_argument, 0, 'L'},
		{0, 0, 0, 0}};
	int c;
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
		case 'L':
			opt.ops = 100000000;
			opt.seconds = 0;
			opt.progress = 1;
			break;
		default:
			printf("usage: %s [--seed N] [--seconds S] [--ops N] [--threads T] "
			       "[--profile P] [--faults PROB] [--long] [--quiet]\n", argv[0]);
			return c == 'h' ? 0 : 2;
		}
	}
	if (opt.threads < 1 || opt.threads > MAX_THREADS || !(opt.faults >= 0 && opt.faults <= 0.5)) {
		fprintf(stderr, "torture: --threads 1..%d, --faults 0..0.5\n", MAX_THREADS);
		return 2;
	}
	printf("torture: seed %llu, %u threads, profile %s, faults %g, >= %llu ops and >= %.1f s\n",
	       (unsigned long long)opt.seed, opt.threads, opt.profile, opt.faults,
	       (unsigned long long)opt.ops, opt.seconds);
	fflush(stdout);
	if (opt.faults > 0)
		zsim_fault_create(&FI);
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
		return 2;
	}
	exclusive = strcmp(opt.profile, "6.1") != 0;
	rc = zsim_zswap_swapon_file(Z, 0, (uint64_t)opt.threads * SLOTS, NULL);
	for (unsigned m = 1; !rc && m <= 4; m++)
		rc = zsim_zswap_memcg_create(Z, m, m == 4 ? 3 : 0);
	if (rc) {
		fprintf(stderr, "torture: setup: %s\n", zsim_strerror(rc));
		return 2;
	}
	/* every injection point, pool_create and lru_alloc included (the
	 * chaos thread's compressor switches and memcg creations) */
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
	static struct worker w[MAX_THREADS];
	pthread_t t[MAX_THREADS], chaos;
	double t0 = now();
	for (unsigned i = 0; i < opt.threads; i++) {
		w[i].id = i;
		w[i].x = opt.seed * 0x9e3779b97f4a7c15ull + i + 1;
		for (unsigned s = 0; s < SLOTS; s++)
			w[i].ref[s].cls = -1;
		pthread_create(&t[i], NULL, worker_main, &w[i]);
	}
	pthread_create(&chaos, NULL, chaos_main, NULL);
	for (unsigned i = 0; i < opt.threads; i++)
		pthread_join(t[i], NULL);
	pthread_join(chaos, NULL);
	double secs = now() - t0;
	struct zsim_zswap_stats st;
	zsim_zswap_stats(Z, &st);
	uint64_t ns = 0, nl = 0, ni = 0, nb = 0, ne = 0;
	for (unsigned i = 0; i < opt.threads; i++) {
		ns += w[i].n_store;
		nl += w[i].n_load;
		ni += w[i].n_inval;
		nb += w[i].n_batch;
		ne += w[i].n_io_err;
	}
	printf("torture: %llu operations in %.1f s (%llu stores, %llu loads, %llu batch loads, "
	       "%llu invalidates, %llu injected I/O errors)\n",
	       (unsigned long long)(ns + nl + ni + nb), secs, (unsigned long long)ns,
	       (unsigned long long)nl, (unsigned long long)nb, (unsigned long long)ni,
	       (unsigned long long)ne);
	printf("torture: zswpout %llu zswpin %llu written_back %llu pool_limit_hit %llu "
	       "reject_alloc_fail %llu reject_kmemcache_fail %llu reject_compress_fail %llu "
	       "pools %u\n",
	       (unsigned long long)st.zswpout, (unsigned long long)st.zswpin,
	       (unsigned long long)st.written_back_pages, (unsigned long long)st.pool_limit_hit,
	       (unsigned long long)st.reject_alloc_fail, (unsigned long long)st.reject_kmemcache_fail,
	       (unsigned long long)st.reject_compress_fail, zsim_zswap_nr_pools(Z));
	if (FI) {
		printf("torture: injected failures:");
		for (int i = 0; i < ZSIM_FAULT_POINT_COUNT; i++)
			printf(" %s %llu", zsim_fault_point_name((enum zsim_fault_point)i),
			       (unsigned long long)zsim_fault_failures(FI, (enum zsim_fault_point)i));
		printf("\n");
	}
	zsim_zswap_destroy(Z);
	zsim_fault_destroy(FI);
	pthread_barrier_destroy(&barrier);
	uint64_t bad = atomic_load(&mismatches);
	printf("torture: %llu mismatches\n", (unsigned long long)bad);
	return bad ? 1 : 0;
}
