/*
 * replay.c - the replay engine: runs an input's events against one
 * simulated zswap with N worker threads, timing every call.
 *
 * Ordering: events on the same slot keep their order, as the kernel's
 * folio lock and swap cache serialize them; events on different slots run
 * in parallel. Each worker owns the shards (swap type, offset >> 9): a
 * folio (at most 512 slots, aligned) never spans two shards. Scene events
 * (swapon, swapoff, memcg_set, mark) are barriers: every worker finishes
 * the events before it, worker 0 runs it alone, then all continue. With
 * --threads 1 the replay is fully deterministic (the shrink worker runs
 * on the simulated work queue by default: src/zswap/workqueue.c).
 *
 * --verify keeps, per slot, a reference to the content last stored there
 * (16 bytes, not a copy of the page) and compares every loaded page with
 * it; a load that fails to decompress (ZSIM_EIO) is a mismatch too, and a
 * miss on a slot stored and never loaded since is "lost". A store the
 * kernel keeps in memory (memory.zswap.writeback=0) leaves its slot empty.
 *
 * Differences from the kernel: operations run as fast as possible (the
 * trace's timestamps are not honoured), a load of order K is 2^K single
 * page loads (zswap_load is per page in the library), and a synthetic
 * workload's CPU number is taken modulo the simulated CPU count (a trace
 * file's CPUs are checked against it: validate.c).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

const char *const bench_op_names[BOP_COUNT] = {"store", "load", "invalidate", "access", "fault"};

#define SHARD_SHIFT 9
#define CHUNK_SLOTS (1u << SHARD_SHIFT)
#define NO_BARRIER SIZE_MAX

/* Content reference of one slot (verify). */
struct vref {
	uint64_t content;
	uint8_t kind;      /* enum zsim_trace_content_kind; NONE = empty */
	uint8_t cls;
	uint8_t loaded;    /* loaded since the last store */
	uint8_t pad;
	uint16_t index;    /* page index within the stored folio */
	uint16_t pad2;
};

struct vmap {
	uint64_t nr_slots;
	size_t nchunks;
	struct vref **chunks;
};

struct segment {
	size_t barrier;    /* event index of the barrier ending it, or NONE */
};

/* Each worker on cache lines of its own: its counters are written on
 * every operation, and a neighbour's read-mostly head must not share
 * their line (false sharing between the replay threads). */
struct worker {
	_Alignas(64) struct run *run;
	unsigned id;
	pthread_t tid;
	uint32_t *idx;      /* event indexes, all segments in order */
	size_t nidx, capidx;
	size_t *seg_end;    /* per segment: end in idx */
	unsigned char *folio;   /* 512 pages */
	unsigned char *page;    /* one page (load) */
	unsigned char *expect;  /* one page (verify) */
	struct bench_counts c;
	struct bench_latency lat;
	_Atomic uint64_t done;  /* events done, for progress */
	uint64_t unflushed;     /* events done, not yet added to run->ops_done */
	unsigned char *win;     /* corpus pages [win_first, + win_n) read ahead */
	uint64_t win_first, win_n, next_content;
	uint64_t seq_run; /* pages taken in order since the last jump */
};

struct run {
	const struct bench_input *in;
	const struct bench_run_opts *o;
	struct zsim_zswap *z;
	unsigned nr_cpus, threads;
	struct segment *segs;
	size_t nsegs;
	struct worker *w;
	pthread_barrier_t barrier;
	struct vmap vm[ZSIM_MAX_SWAPFILES];
	int corpus_fd;              /* the mapped corpus file, for pread(); or -1 */
	uint64_t sample_every;
	/* Events done by all workers; on a line of its own, as the workers
	 * add to it (every OPS_FLUSH events each when there are several). */
	_Alignas(64) _Atomic uint64_t ops_done;
	char ops_done_pad[56];
	struct timespec t0;
	pthread_mutex_t lock;       /* samples, phases, first error */
	struct bench_result *res;
	size_t samples_cap;         /* under lock */
	_Atomic uint64_t errors;
	atomic_flag corrupted;      /* the test hook ran (once per run) */
};

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static double elapsed_s(const struct run *r)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)(ts.tv_sec - r->t0.tv_sec) + (double)(ts.tv_nsec - r->t0.tv_nsec) / 1e9;
}

static bool is_barrier(unsigned op)
{
	return op == ZSIM_TRACE_SWAPON || op == ZSIM_TRACE_SWAPOFF ||
	       op == ZSIM_TRACE_MEMCG_SET || op == ZSIM_TRACE_MARK;
}

static unsigned shard_of(const struct zsim_trace_event *ev, unsigned threads)
{
	return (unsigned)(((ev->offset >> SHARD_SHIFT) + (uint64_t)ev->swap_type * 7919u) %
			  threads);
}

static void replay_error(struct run *r, size_t i, const char *what, int rc)
{
	atomic_fetch_add(&r->errors, 1);
	pthread_mutex_lock(&r->lock);
	struct bench_result *res = r->res;
	if (!res->first_replay_error[0] || i < res->first_replay_error_event) {
		const struct bench_input *in = r->in;
		char where[300];
		if (in->loc && in->trace_path)
			snprintf(where, sizeof(where),
				 in->trace_fmt == ZSIM_TRACE_FMT_CSV ? "%s:%" PRIu64 : "%s: byte %" PRIu64,
				 in->trace_path, in->loc[i]);
		else
			snprintf(where, sizeof(where), "event %zu", i);
		snprintf(res->first_replay_error, sizeof(res->first_replay_error),
			 "%s: %s failed: %s", where, what, zsim_strerror(rc));
		res->first_replay_error_event = i;
	}
	pthread_mutex_unlock(&r->lock);
}

/* --- verify map ----------------------------------------------------------- */

static void vmap_free(struct vmap *m)
{
	for (size_t i = 0; i < m->nchunks; i++)
		free(m->chunks[i]);
	free(m->chunks);
	memset(m, 0, sizeof(*m));
}

static int vmap_init(struct vmap *m, uint64_t nr_slots)
{
	vmap_free(m);
	m->nr_slots = nr_slots;
	m->nchunks = (size_t)((nr_slots + CHUNK_SLOTS - 1) >> SHARD_SHIFT);
	m->chunks = calloc(m->nchunks, sizeof(*m->chunks));
	return m->chunks ? 0 : -1;
}

/* Only the worker owning the shard touches its chunk: no lock needed. */
static struct vref *vref_at(struct vmap *m, uint64_t slot, bool create)
{
	size_t c = (size_t)(slot >> SHARD_SHIFT);
	if (!m->chunks || c >= m->nchunks)
		return NULL;
	if (!m->chunks[c]) {
		if (!create)
			return NULL;
		m->chunks[c] = calloc(CHUNK_SLOTS, sizeof(struct vref));
		if (!m->chunks[c])
			return NULL;
	}
	return &m->chunks[c][slot & (CHUNK_SLOTS - 1)];
}

/* --- sampling ------------------------------------------------------------- */

void bench_result_sample(struct bench_result *res, size_t *cap, uint64_t ops, double el,
			 const struct zsim_zswap_stats *st)
{
	struct bench_sample s;
	s.ops = ops;
	s.elapsed_s = el;
	s.st = *st;
	if (res->nsamples == *cap) {
		size_t ncap = *cap ? *cap * 2 : 512;
		struct bench_sample *p = realloc(res->samples, ncap * sizeof(*p));
		if (p) {
			res->samples = p;
			*cap = ncap;
		}
	}
	if (res->nsamples < *cap)
		res->samples[res->nsamples++] = s;
	if (s.st.stored_pages > res->peak.st.stored_pages ||
	    (s.st.stored_pages == res->peak.st.stored_pages &&
	     s.st.pool_total_size > res->peak.st.pool_total_size))
		res->peak = s;
}

static int cmp_sample(const void *a, const void *b)
{
	const struct bench_sample *x = a, *y = b;
	if (x->ops != y->ops)
		return x->ops < y->ops ? -1 : 1;
	return x->elapsed_s < y->elapsed_s ? -1 : x->elapsed_s > y->elapsed_s;
}

void bench_result_sort_samples(struct bench_result *res)
{
	if (res->nsamples > 1)
		qsort(res->samples, res->nsamples, sizeof(*res->samples), cmp_sample);
}

static void take_sample(struct run *r, uint64_t ops)
{
	struct zsim_zswap_stats st;
	const double el = elapsed_s(r);
	zsim_zswap_stats(r->z, &st);
	pthread_mutex_lock(&r->lock);
	bench_result_sample(r->res, &r->samples_cap, ops, el, &st);
	pthread_mutex_unlock(&r->lock);
}

/* Events a worker counts before adding them to the shared ops_done when
 * there are several workers (one atomic on a shared line per event would
 * make the replay threads bounce it). */
#define OPS_FLUSH 32

/* Add a worker's unflushed events to ops_done, taking the samples whose
 * boundaries (multiples of sample_every) they cross, as one worker does
 * event by event. */
static void ops_flush(struct run *r, struct worker *w)
{
	const uint64_t k = w->unflushed;
	if (!k)
		return;
	w->unflushed = 0;
	const uint64_t old = atomic_fetch_add_explicit(&r->ops_done, k, memory_order_relaxed);
	const uint64_t se = r->sample_every;
	for (uint64_t b = (old / se + 1) * se; b <= old + k; b += se)
		take_sample(r, b);
}

static inline void op_done(struct run *r, struct worker *w)
{
	atomic_store_explicit(&w->done, atomic_load_explicit(&w->done, memory_order_relaxed) + 1,
			      memory_order_relaxed);
	if (r->threads == 1) {
		uint64_t n = atomic_load_explicit(&r->ops_done, memory_order_relaxed) + 1;
		atomic_store_explicit(&r->ops_done, n, memory_order_relaxed);
		if (n % r->sample_every == 0)
			take_sample(r, n);
	} else if (++w->unflushed == OPS_FLUSH) {
		ops_flush(r, w);
	}
}

/* --- corpus pages --------------------------------------------------------- */

/*
 * A mapped corpus file is read, while stores take its pages in order (a
 * fill), CORPUS_WIN pages at a time with pread() into a buffer of the
 * worker's, reused: on a virtual machine the first touch of every mapped
 * 4 KiB page by user code costs a fault of the hypervisor's (1.5-2 us on
 * the 2-vCPU PVM guest of docs/performance.md, after the guest kernel has
 * populated the page), a third of the codec's work on lz4; the copy costs
 * 0.6-1 us per page there and leaves the pages in the cache. A worker of a
 * fill on several threads jumps ahead by a swap cluster every 512 pages;
 * that still reads ahead. Out of order (a trace), a store takes the page
 * from the mapping, touched first outside the store's timing. Either way
 * a corpus larger than RAM costs only what the run reads.
 */
#define CORPUS_WIN 64u

static const unsigned char *corpus_pages(struct run *r, struct worker *w, uint64_t first,
					 unsigned nr)
{
	const struct bench_input *in = r->in;
	const unsigned char *mapped = in->corpus + first * ZSIM_PAGE_SIZE;
	/* In order: the next page, or a jump ahead after at least a window
	 * of pages in order (or as a worker's first page): a fill split over
	 * workers jumps one swap cluster at a time. */
	const bool in_order = first == w->next_content;
	const bool sequential =
		in_order || (first > w->next_content &&
			     (w->seq_run >= CORPUS_WIN || (w->next_content == 0 && !w->seq_run)));
	w->seq_run = in_order ? w->seq_run + nr : 0;
	w->next_content = first + nr;
	if (first >= w->win_first && first + nr <= w->win_first + w->win_n)
		return w->win + (first - w->win_first) * ZSIM_PAGE_SIZE;
	if (r->corpus_fd >= 0 && sequential && first + nr <= in->corpus_pages) {
		uint64_t n = nr > CORPUS_WIN ? nr : CORPUS_WIN;
		if (n > in->corpus_pages - first)
			n = in->corpus_pages - first;
		const size_t len = (size_t)n * ZSIM_PAGE_SIZE;
		if (pread(r->corpus_fd, w->win, len, (off_t)(first * ZSIM_PAGE_SIZE)) == (ssize_t)len) {
			w->win_first = first;
			w->win_n = n;
			return w->win;
		}
		w->win_n = 0;
	}
	volatile unsigned char sink = 0;
	for (unsigned k = 0; k < nr; k++)
		sink ^= mapped[(size_t)k * ZSIM_PAGE_SIZE];
	(void)sink;
	return mapped;
}

/* --- the operations ------------------------------------------------------- */

static const void *store_data(struct run *r, struct worker *w, const struct zsim_trace_event *ev)
{
	const struct bench_input *in = r->in;
	const unsigned nr = 1u << ev->order;
	if (ev->content_kind == ZSIM_TRACE_CONTENT_PAGE && in->corpus && !in->map_len)
		return in->corpus + ev->content * ZSIM_PAGE_SIZE; /* checked on load */
	if (ev->content_kind == ZSIM_TRACE_CONTENT_PAGE && in->corpus)
		return corpus_pages(r, w, ev->content, nr);
	if (ev->content_kind == ZSIM_TRACE_CONTENT_PAGE) {
		/* Synthetic content, generated now into this worker's folio. */
		for (unsigned i = 0; i < nr; i++)
			bench_input_page(in, ev->content + i, w->folio + (size_t)i * ZSIM_PAGE_SIZE);
		return w->folio;
	}
	for (unsigned i = 0; i < nr; i++)
		zsim_trace_content_page(ev, i, in->corpus, in->corpus_pages,
					w->folio + (size_t)i * ZSIM_PAGE_SIZE);
	return w->folio;
}

static void do_store(struct run *r, struct worker *w, size_t i)
{
	const struct zsim_trace_event *ev = &r->in->ev[i];
	const unsigned nr = 1u << ev->order;
	struct zsim_swap_folio f = {
		.type = ev->swap_type,
		.offset = ev->offset,
		.order = ev->order,
		.data = store_data(r, w, ev),
		.memcg = ev->memcg,
		.cpu = ev->cpu % r->nr_cpus,
	};
	enum zsim_swap_where where = ZSIM_WHERE_NONE;
	uint64_t t0 = now_ns();
	int rc = zsim_zswap_store(r->z, &f, &where);
	uint64_t dt = now_ns() - t0;
	const uint64_t mdt = zsim_zswap_last_modelled_ns();
	if (mdt)
		bench_hist_add(&w->lat.modelled[BOP_STORE], mdt);
	bench_hist_add(&w->lat.wall[BOP_STORE], dt);
	w->c.busy_ns[BOP_STORE] += dt;
	w->c.store_ops++;
	w->c.store_pages += nr;
	w->c.ops_pages[BOP_STORE] += nr;
	if (rc)
		replay_error(r, i, "store", rc);
	else
		w->c.store_where[where <= ZSIM_WHERE_KEPT ? where : 0] += nr;
	const uint64_t rb = r->o->reclaim_batch;
	if (!rc && rb && (w->c.store_pages / rb) != ((w->c.store_pages - nr) / rb))
		zsim_zswap_sched_yield(r->z, r->o->reclaim_sleep_ns); /* ENOTSUP unless sim */
	const uint64_t cs = r->o->test_corrupt_slot;
	if (!rc && where == ZSIM_WHERE_ZSWAP && cs && ev->swap_type == 0 &&
	    cs - 1 >= ev->offset && cs - 1 < ev->offset + nr &&
	    !atomic_flag_test_and_set(&r->corrupted)) {
		/* TEST HOOK (--test-corrupt-slot): flip the last byte of the
		 * first object stored for the slot. */
		enum zsim_swap_where sw;
		size_t len = 0;
		if (!zsim_zswap_slot_state(r->z, 0, cs - 1, &sw, &len) && sw == ZSIM_WHERE_ZSWAP &&
		    len && !zsim_zswap_test_corrupt_entry(r->z, 0, cs - 1, len - 1, 0x5a))
			w->c.test_corrupted++;
	}
	if (!r->o->verify)
		return;
	/* What the slots hold now: the content, or nothing (a failed store,
	 * or a folio the kernel kept in memory). */
	const bool holds = !rc && where != ZSIM_WHERE_KEPT;
	struct vmap *m = &r->vm[ev->swap_type];
	for (unsigned k = 0; k < nr; k++) {
		struct vref *v = vref_at(m, ev->offset + k, holds);
		if (!v)
			continue;
		if (!holds) {
			memset(v, 0, sizeof(*v));
			continue;
		}
		v->kind = ev->content_kind;
		v->cls = ev->page_class;
		v->loaded = 0;
		v->index = (uint16_t)k;
		v->content = ev->content_kind == ZSIM_TRACE_CONTENT_PAGE ? ev->content + k
									 : ev->content;
	}
}

static void verify_page(struct run *r, struct worker *w, const struct zsim_trace_event *ev,
			uint64_t slot)
{
	struct vref *v = vref_at(&r->vm[ev->swap_type], slot, false);
	w->c.verify_checked++;
	if (!v || v->kind == ZSIM_TRACE_CONTENT_NONE) {
		w->c.verify_mismatches++; /* data where nothing was stored */
		return;
	}
	v->loaded = 1;
	const void *expect;
	if (v->kind == ZSIM_TRACE_CONTENT_PAGE) {
		expect = bench_input_page(r->in, v->content, w->expect);
	} else {
		struct zsim_trace_event e;
		memset(&e, 0, sizeof(e));
		e.op = ZSIM_TRACE_STORE;
		e.order = ZSIM_MAX_ORDER;
		e.content_kind = v->kind;
		e.page_class = v->cls;
		e.content = v->content;
		zsim_trace_content_page(&e, v->index, NULL, 0, w->expect);
		expect = w->expect;
	}
	if (memcmp(expect, w->page, ZSIM_PAGE_SIZE))
		w->c.verify_mismatches++;
}

static void do_load(struct run *r, struct worker *w, size_t i)
{
	const struct zsim_trace_event *ev = &r->in->ev[i];
	const unsigned nr = 1u << ev->order;
	const unsigned cpu = ev->cpu % r->nr_cpus;
	for (unsigned k = 0; k < nr; k++) {
		const uint64_t slot = ev->offset + k;
		enum zsim_swap_where from = ZSIM_WHERE_NONE;
		uint64_t t0 = now_ns();
		int rc = zsim_zswap_load_slot(
			r->z, &(struct zsim_swap_slot){.type = ev->swap_type, .offset = slot,
						       .memcg = ev->memcg, .cpu = cpu},
			w->page, &from);
		uint64_t dt = now_ns() - t0;
		const uint64_t mdt = zsim_zswap_last_modelled_ns();
		if (mdt)
			bench_hist_add(&w->lat.modelled[BOP_LOAD], mdt);
		bench_hist_add(&w->lat.wall[BOP_LOAD], dt);
		w->c.busy_ns[BOP_LOAD] += dt;
		w->c.load_pages++;
		w->c.ops_pages[BOP_LOAD]++;
		if (rc == 0) {
			w->c.load_hits++;
			w->c.load_where[from <= ZSIM_WHERE_KEPT ? from : 0]++;
			if (r->o->verify)
				verify_page(r, w, ev, slot);
		} else if (rc == ZSIM_ENOENT) {
			w->c.load_misses++;
			if (r->o->verify) {
				struct vref *v = vref_at(&r->vm[ev->swap_type], slot, false);
				if (v && v->kind != ZSIM_TRACE_CONTENT_NONE && !v->loaded)
					w->c.verify_lost++;
			}
		} else if (rc == ZSIM_EIO) {
			/* Decompression failed; the entry stays (decompress_fail). */
			w->c.load_errors++;
			if (r->o->verify) {
				w->c.verify_checked++;
				w->c.verify_mismatches++;
				w->c.verify_eio++;
			}
		} else {
			replay_error(r, i, "load", rc);
			return;
		}
	}
}

static void do_invalidate(struct run *r, struct worker *w, size_t i)
{
	const struct zsim_trace_event *ev = &r->in->ev[i];
	const unsigned nr = 1u << ev->order;
	uint64_t t0 = now_ns();
	int rc = zsim_zswap_invalidate(r->z, ev->swap_type, ev->offset, nr);
	uint64_t dt = now_ns() - t0;
	bench_hist_add(&w->lat.wall[BOP_INVALIDATE], dt);
	w->c.busy_ns[BOP_INVALIDATE] += dt;
	w->c.invalidate_ops++;
	w->c.invalidate_pages += nr;
	w->c.ops_pages[BOP_INVALIDATE] += nr;
	if (rc) {
		replay_error(r, i, "invalidate", rc);
		return;
	}
	if (r->o->verify)
		for (unsigned k = 0; k < nr; k++) {
			struct vref *v = vref_at(&r->vm[ev->swap_type], ev->offset + k, false);
			if (v)
				memset(v, 0, sizeof(*v));
		}
}

static void do_barrier(struct run *r, struct worker *w, size_t i)
{
	const struct zsim_trace_event *ev = &r->in->ev[i];
	int rc = 0;
	w->c.barriers++;
	switch (ev->op) {
	case ZSIM_TRACE_SWAPON:
		rc = r->o->swap_file ? zsim_zswap_swapon(r->z, ev->swap_type, ev->offset)
				     : zsim_zswap_swapon_memory(r->z, ev->swap_type, ev->offset);
		if (rc)
			replay_error(r, i, "swapon", rc);
		else if (r->o->verify && vmap_init(&r->vm[ev->swap_type], ev->offset))
			replay_error(r, i, "swapon (verify map)", ZSIM_ENOMEM);
		break;
	case ZSIM_TRACE_SWAPOFF:
		rc = zsim_zswap_swapoff(r->z, ev->swap_type);
		if (rc)
			replay_error(r, i, "swapoff", rc);
		vmap_free(&r->vm[ev->swap_type]);
		break;
	case ZSIM_TRACE_MEMCG_SET: {
		if (!zsim_zswap_memcg_exists(r->z, ev->memcg)) {
			rc = zsim_zswap_memcg_create(r->z, ev->memcg, 0);
			if (rc && rc != ZSIM_EEXIST) {
				replay_error(r, i, "memcg_set (create)", rc);
				break;
			}
		}
		char val[32];
		if (ev->offset == ZSIM_TRACE_VALUE_MAX)
			snprintf(val, sizeof(val), "max");
		else
			snprintf(val, sizeof(val), "%" PRIu64, ev->offset);
		rc = zsim_zswap_memcg_set(r->z, ev->memcg, zsim_trace_memcg_key_name(ev->order), val);
		if (rc)
			replay_error(r, i, "memcg_set", rc);
		break;
	}
	case ZSIM_TRACE_MARK: {
		w->c.marks++;
		struct bench_phase ph;
		ph.mark = ev->offset;
		ph.ops = atomic_load(&r->ops_done);
		zsim_zswap_stats(r->z, &ph.st);
		struct bench_result *res = r->res;
		struct bench_phase *p = realloc(res->phases, (res->nphases + 1) * sizeof(*p));
		if (p) {
			res->phases = p;
			res->phases[res->nphases++] = ph;
		}
		break;
	}
	default:
		break;
	}
}

static void run_event(struct run *r, struct worker *w, size_t i)
{
	switch (r->in->ev[i].op) {
	case ZSIM_TRACE_STORE:
		do_store(r, w, i);
		break;
	case ZSIM_TRACE_LOAD:
		do_load(r, w, i);
		break;
	case ZSIM_TRACE_INVALIDATE:
		do_invalidate(r, w, i);
		break;
	case ZSIM_TRACE_WRITEBACK:
		w->c.writeback_observed++;
		break;
	default:
		break;
	}
	w->c.events++;
	op_done(r, w);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct run *r = w->run;
	size_t k = 0;
	for (size_t s = 0; s < r->nsegs; s++) {
		for (; k < w->seg_end[s]; k++)
			run_event(r, w, w->idx[k]);
		ops_flush(r, w);
		if (r->segs[s].barrier == NO_BARRIER)
			continue;
		pthread_barrier_wait(&r->barrier);
		if (w->id == 0) {
			do_barrier(r, w, r->segs[s].barrier);
			w->c.events++;
			op_done(r, w);
		}
		pthread_barrier_wait(&r->barrier);
	}
	return NULL;
}

/* --- planning ------------------------------------------------------------- */

static int plan(struct run *r)
{
	const struct bench_input *in = r->in;
	const unsigned T = r->threads;
	size_t nb = 0;
	if (in->n >= UINT32_MAX)
		return -1;
	for (size_t i = 0; i < in->n; i++)
		nb += is_barrier(in->ev[i].op);
	r->nsegs = nb + 1;
	r->segs = calloc(r->nsegs, sizeof(*r->segs));
	if (!r->segs)
		return -1;
	for (unsigned t = 0; t < T; t++) {
		struct worker *w = &r->w[t];
		w->seg_end = calloc(r->nsegs, sizeof(*w->seg_end));
		w->capidx = in->n / T + 16;
		w->idx = malloc(w->capidx * sizeof(*w->idx));
		if (!w->seg_end || !w->idx)
			return -1;
	}
	size_t s = 0;
	for (size_t i = 0; i < in->n; i++) {
		const struct zsim_trace_event *ev = &in->ev[i];
		if (is_barrier(ev->op)) {
			for (unsigned t = 0; t < T; t++)
				r->w[t].seg_end[s] = r->w[t].nidx;
			r->segs[s++].barrier = i;
			continue;
		}
		struct worker *w = &r->w[T > 1 ? shard_of(ev, T) : 0];
		if (w->nidx == w->capidx) {
			size_t cap = w->capidx * 2;
			uint32_t *p = realloc(w->idx, cap * sizeof(*p));
			if (!p)
				return -1;
			w->idx = p;
			w->capidx = cap;
		}
		w->idx[w->nidx++] = (uint32_t)i;
	}
	for (unsigned t = 0; t < T; t++)
		r->w[t].seg_end[s] = r->w[t].nidx;
	r->segs[s].barrier = NO_BARRIER;
	return 0;
}

/* A trace without any swapon event gets its swap types swapped on before
 * the replay, with as many slots as it uses (validate.c: once a trace has a
 * swapon, it must swap on every type it uses). */
static int auto_swapon(struct run *r, char *err, size_t errlen)
{
	if (bench_trace_has_swapon(r->in))
		return 0;
	bool has_swapon[ZSIM_MAX_SWAPFILES] = {false};
	uint64_t end[ZSIM_MAX_SWAPFILES] = {0};
	for (size_t i = 0; i < r->in->n; i++) {
		const struct zsim_trace_event *ev = &r->in->ev[i];
		if (ev->op == ZSIM_TRACE_SWAPON)
			has_swapon[ev->swap_type] = true;
		else if (ev->op == ZSIM_TRACE_STORE || ev->op == ZSIM_TRACE_LOAD ||
			 ev->op == ZSIM_TRACE_INVALIDATE) {
			uint64_t e = ev->offset + (UINT64_C(1) << ev->order);
			if (e > end[ev->swap_type])
				end[ev->swap_type] = e;
		}
	}
	for (unsigned t = 0; t < ZSIM_MAX_SWAPFILES; t++) {
		if (has_swapon[t] || !end[t])
			continue;
		int rc = r->o->swap_file ? zsim_zswap_swapon(r->z, t, end[t])
					 : zsim_zswap_swapon_memory(r->z, t, end[t]);
		if (rc) {
			snprintf(err, errlen, "swapon of type %u (%" PRIu64 " slots) failed: %s", t,
				 end[t], zsim_strerror(rc));
			return BX_INTERNAL;
		}
		if (r->o->verify && vmap_init(&r->vm[t], end[t])) {
			snprintf(err, errlen, "out of memory");
			return BX_INTERNAL;
		}
	}
	return 0;
}

/* --- entry point ---------------------------------------------------------- */

static void describe_codec(const char *spec, struct bench_result *res)
{
	struct zsim_codec *c;
	if (zsim_codec_create(spec, NULL, &c)) {
		snprintf(res->codec_desc, sizeof(res->codec_desc), "%s", spec);
		return;
	}
	zsim_codec_describe(c, res->codec_desc, sizeof(res->codec_desc));
	const struct zsim_codec_ops *ops = zsim_codec_ops(c);
	if (ops) {
		snprintf(res->codec_driver, sizeof(res->codec_driver), "%s", ops->driver_name);
		res->codec_standin = (ops->flags & ZSIM_CODEC_F_STANDIN) != 0;
	}
	zsim_codec_destroy(c);
}

static unsigned online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)n : 1;
}

int bench_zswap_open(const struct bench_config *cfg, const struct bench_run_opts *o,
		     unsigned threads, struct bench_result *res, struct zsim_zswap **z,
		     struct zsim_fault_injector **fi)
{
	char err[400];
	*z = NULL;
	*fi = NULL;
	int st = bench_config_check(cfg, err, sizeof(err));
	if (st) {
		snprintf(res->errmsg, sizeof(res->errmsg), "%s", err);
		return res->status = st;
	}
	if (o->nfaults && zsim_fault_create(fi)) {
		snprintf(res->errmsg, sizeof(res->errmsg), "cannot create the fault injector");
		return res->status = BX_INTERNAL;
	}
	struct zsim_zswap_config zc;
	char spec[256];
	bench_config_to_zswap(cfg, o->threads_set ? threads : online_cpus(), &zc, spec,
			      sizeof(spec));
	zc.fault = *fi;
	/* The shrink worker on the simulated work queue by default: with one
	 * thread every run of the same input and seed gives the same
	 * counters (the old modes by name: --shrink-sched inline|thread). */
	zc.shrink_sched = o->shrink_sched ? o->shrink_sched - 1 : ZSIM_SHRINK_SCHED_SIM;
	zsim_sched_config_init(&zc.sched);
	{
		/* --sched: the fields given (non-zero; jitter is stored + 1) */
		const struct zsim_sched_config *g = &o->sched;
		struct zsim_sched_config *d = &zc.sched;
		if (g->store_ns) {
			/* another machine's page: the other costs in the
			 * default ratios, unless given */
			double k = (double)g->store_ns / (double)d->store_ns;
			d->reject_ns = (uint64_t)((double)d->reject_ns * k + 0.5);
			d->iter_ns = (uint64_t)((double)d->iter_ns * k + 0.5);
			d->wb_ns = (uint64_t)((double)d->wb_ns * k + 0.5);
			d->run_ns = (uint64_t)((double)d->run_ns * k + 0.5);
			d->store_ns = g->store_ns;
		}
		if (g->reject_ns) d->reject_ns = g->reject_ns;
		if (g->run_ns) d->run_ns = g->run_ns;
		if (g->iter_ns) d->iter_ns = g->iter_ns;
		if (g->wb_ns) d->wb_ns = g->wb_ns;
		if (g->tick_ns) d->tick_ns = g->tick_ns;
		if (g->slice_ns) d->slice_ns = g->slice_ns;
		if (g->wake_ns) d->wake_ns = g->wake_ns;
		if (g->event_ns) d->event_ns = g->event_ns;
		if (g->jitter_pct) d->jitter_pct = g->jitter_pct - 1;
		if (g->scheduler) d->scheduler = g->scheduler;
	}
	if (o->sched_seed)
		zc.sched.seed = o->sched_seed;
	if (o->sched_cpus)
		zc.sched.cpus = o->sched_cpus;
	int rc = zsim_zswap_create(&zc, z);
	if (rc) {
		snprintf(res->errmsg, sizeof(res->errmsg),
			 "cannot create zswap (profile %s, compressor %s, zpool %s): %s", zc.profile,
			 zc.compressor, zc.zpool, zsim_strerror(rc));
		zsim_fault_destroy(*fi);
		*fi = NULL;
		*z = NULL;
		return res->status = rc == ZSIM_ENOMEM ? BX_INTERNAL : BX_CONFIG;
	}
	res->nr_cpus = zsim_zswap_nr_cpus(*z);
	res->threads = threads;
	snprintf(res->profile, sizeof(res->profile), "%s", zsim_zswap_profile_name(*z));
	describe_codec(zc.compressor, res);
	return 0;
}

void bench_result_collect(struct zsim_zswap *z, struct bench_result *res)
{
	zsim_zswap_stats(z, &res->st);
	res->sched_valid = zsim_zswap_sched_stats(z, &res->sched) == 0;
	if (zsim_zswap_swap_stats(z, 0, &res->swapdev))
		memset(&res->swapdev, 0, sizeof(res->swapdev));
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	if (m) {
		zsim_zswap_write_json(z, m);
		fclose(m);
		res->counters_json = buf;
	}
}

static void result_init(struct bench_result *res)
{
	memset(res, 0, sizeof(*res));
	for (int k = 0; k < BOP_COUNT; k++) {
		bench_hist_init(&res->lat.wall[k]);
		bench_hist_init(&res->lat.modelled[k]);
	}
}

int bench_replay(const struct bench_input *in, const struct bench_config *cfg,
		 const struct bench_run_opts *o, struct bench_result *res)
{
	if (in->workload == WL_HOTCOLD)
		return bench_mm_run(in, cfg, o, res);
	result_init(res);
	struct run r;
	memset(&r, 0, sizeof(r));
	atomic_flag_clear(&r.corrupted);
	r.corpus_fd = -1;
	r.in = in;
	r.o = o;
	r.res = res;
	r.threads = o->threads ? o->threads : 1;
	/* A trace file names its CPUs: without --cpus, the simulated machine
	 * has at least as many as the trace uses; with --cpus, a CPU beyond
	 * them is an error (validate.c). */
	struct bench_config cpucfg;
	if (in->trace_path && !cfg->cpus) {
		cpucfg = *cfg;
		unsigned need = bench_trace_max_cpu(in) + 1;
		unsigned dflt = o->threads_set ? r.threads : online_cpus();
		cpucfg.cpus = need > dflt ? need : 0;
		cfg = &cpucfg;
	}
	int status = bench_trace_validate(in, cfg->cpus, res->errmsg, sizeof(res->errmsg));
	if (status)
		return res->status = status;
	struct zsim_fault_injector *fi;
	status = bench_zswap_open(cfg, o, r.threads, res, &r.z, &fi);
	if (status)
		return status;
	pthread_mutex_init(&r.lock, NULL);
	r.nr_cpus = res->nr_cpus;

	r.w = aligned_alloc(_Alignof(struct worker), r.threads * sizeof(*r.w));
	if (r.w)
		memset(r.w, 0, r.threads * sizeof(*r.w));
	r.corpus_fd = in->corpus && in->map_len && in->corpus_path
			      ? open(in->corpus_path, O_RDONLY | O_CLOEXEC)
			      : -1;
	if (!r.w || plan(&r)) {
		status = BX_INTERNAL;
		snprintf(res->errmsg, sizeof(res->errmsg), "out of memory planning the replay");
		goto out;
	}
	if ((status = auto_swapon(&r, res->errmsg, sizeof(res->errmsg))))
		goto out;
	for (unsigned t = 0; t < r.threads; t++) {
		struct worker *w = &r.w[t];
		w->run = &r;
		w->id = t;
		for (int k = 0; k < BOP_COUNT; k++) {
			bench_hist_init(&w->lat.wall[k]);
			bench_hist_init(&w->lat.modelled[k]);
		}
		w->folio = malloc((size_t)ZSIM_PAGE_SIZE << ZSIM_MAX_ORDER);
		w->next_content = 0;
		if (r.corpus_fd >= 0 && !(w->win = malloc((size_t)ZSIM_PAGE_SIZE << ZSIM_MAX_ORDER))) {
			status = BX_INTERNAL;
			snprintf(res->errmsg, sizeof(res->errmsg), "out of memory");
			goto out;
		}
		w->page = malloc(ZSIM_PAGE_SIZE);
		w->expect = malloc(ZSIM_PAGE_SIZE);
		if (!w->folio || !w->page || !w->expect) {
			status = BX_INTERNAL;
			snprintf(res->errmsg, sizeof(res->errmsg), "out of memory");
			goto out;
		}
	}
	r.sample_every = o->sample_every ? o->sample_every : (in->n / 256 ? in->n / 256 : 1);
	/* Faults are armed now, so setup (swapon) never trips them. */
	for (size_t k = 0; k < o->nfaults; k++)
		zsim_fault_set(fi, o->faults[k].point, &o->faults[k].rule);
	pthread_barrier_init(&r.barrier, NULL, r.threads);
	clock_gettime(CLOCK_MONOTONIC, &r.t0);
	take_sample(&r, 0);
	unsigned started = 0;
	for (; started < r.threads; started++)
		if (pthread_create(&r.w[started].tid, NULL, worker_main, &r.w[started]))
			break;
	if (started < r.threads) {
		/* The workers wait for each other at barriers: without all of
		 * them the replay cannot run. */
		fprintf(stderr, "zswapsim-bench: could not start %u threads\n", r.threads);
		exit(BX_INTERNAL);
	}
	struct bench_progress pb;
	bench_progress_start(&pb, "replay", "ops", in->n, o->progress);
	if (o->progress) {
		for (;;) {
			uint64_t done = 0;
			for (unsigned t = 0; t < r.threads; t++)
				done += atomic_load_explicit(&r.w[t].done, memory_order_relaxed);
			if (done >= in->n)
				break;
			struct timespec ts = {0, 50 * 1000 * 1000};
			nanosleep(&ts, NULL);
			bench_progress_update(&pb, done);
		}
	}
	for (unsigned t = 0; t < r.threads; t++)
		pthread_join(r.w[t].tid, NULL);
	res->wall_s = elapsed_s(&r);
	bench_progress_end(&pb);
	pthread_barrier_destroy(&r.barrier);
	for (size_t k = 0; k < o->nfaults; k++)
		zsim_fault_set(fi, o->faults[k].point, NULL);
	if (in->n % r.sample_every)
		take_sample(&r, in->n);
	bench_result_sort_samples(res);

	/* Merge the workers. Throughput is pages over the time spent inside
	 * the library's calls, summed over the workers that ran in parallel. */
	for (unsigned t = 0; t < r.threads; t++) {
		struct worker *w = &r.w[t];
		uint64_t *dst = (uint64_t *)&res->c;
		const uint64_t *src = (const uint64_t *)&w->c;
		for (size_t k = 0; k < sizeof(res->c) / sizeof(uint64_t); k++)
			dst[k] += src[k];
		for (int k = 0; k < BOP_COUNT; k++) {
			bench_hist_merge(&res->lat.wall[k], &w->lat.wall[k]);
			bench_hist_merge(&res->lat.modelled[k], &w->lat.modelled[k]);
		}
		if (w->c.busy_ns[BOP_STORE])
			res->store_pages_per_s +=
				(double)w->c.ops_pages[BOP_STORE] / ((double)w->c.busy_ns[BOP_STORE] / 1e9);
		if (w->c.busy_ns[BOP_LOAD])
			res->load_pages_per_s +=
				(double)w->c.ops_pages[BOP_LOAD] / ((double)w->c.busy_ns[BOP_LOAD] / 1e9);
	}
	res->c.replay_errors = atomic_load(&r.errors);
	res->ops_per_s = res->wall_s > 0 ? (double)res->c.events / res->wall_s : 0;
	bench_result_collect(r.z, res);
out:
	if (r.w)
		for (unsigned t = 0; t < r.threads; t++) {
			free(r.w[t].idx);
			free(r.w[t].seg_end);
			free(r.w[t].folio);
			free(r.w[t].win);
			free(r.w[t].page);
			free(r.w[t].expect);
		}
	free(r.w);
	if (r.corpus_fd >= 0)
		close(r.corpus_fd);
	free(r.segs);
	for (unsigned t = 0; t < ZSIM_MAX_SWAPFILES; t++)
		vmap_free(&r.vm[t]);
	zsim_zswap_destroy(r.z);
	zsim_fault_destroy(fi);
	pthread_mutex_destroy(&r.lock);
	res->status = status;
	return status;
}

void bench_result_free(struct bench_result *res)
{
	free(res->counters_json);
	free(res->samples);
	free(res->phases);
	res->counters_json = NULL;
	res->samples = NULL;
	res->phases = NULL;
}

int bench_result_exit(const struct bench_result *res, const struct bench_run_opts *o)
{
	if (res->status)
		return res->status;
	if (res->c.replay_errors)
		return BX_REPLAY;
	if (o->verify && (res->c.verify_mismatches || res->c.verify_lost))
		return BX_VERIFY;
	return BX_OK;
}
