/*
 * mmrun.c - the hotcold workload, run through the library's memory model
 * (zswapsim/mm.h) rather than as a fixed sequence of swap operations: a
 * process in memcg 1 (memory.max = --mem-limit) writes its N pages, then
 * reads them with a skewed pattern, 70% of accesses to a hot region (the
 * first 10% of pages), 20% to a warm one (the next 20%) and 10% to the
 * cold rest, like the masim configurations of sjp38/eval_zswap. Whenever
 * the memcg goes over memory.max the model reclaims its coldest pages
 * through zswap_store, and touching a swapped page swaps it in through
 * zswap_load, as mm/vmscan.c and do_swap_page would: so what is swapped,
 * and how often, depends on the configuration, which is the point.
 *
 * Timing: each page access is timed ("access"), and those that swapped
 * their page in also count as "fault"; the reclaim an access triggers is
 * part of its time, as direct reclaim is part of a real fault's. The
 * model is single-threaded (one process), so --threads does not apply.
 * --verify compares every read with the bytes written.
 * Differences from the kernel: see zswapsim/mm.h (one LRU list, no
 * refaults or file pages, no kswapd).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

struct mmrun {
	const struct bench_input *in;
	const struct bench_run_opts *o;
	struct bench_result *res;
	struct zsim_zswap *z;
	struct zsim_mm *mm;
	uint64_t region;
	uint64_t t0;
	uint64_t ops, total, sample_every;
	size_t samples_cap;
	struct zsim_mm_memcg_stats prev;
	unsigned char *page;
	unsigned char gen[ZSIM_PAGE_SIZE]; /* synthetic content, made on demand */
	struct bench_progress pb;
};

#define MEMCG 1

static const unsigned char *content_of(struct mmrun *m, uint64_t page)
{
	return bench_input_page(m->in, page % m->in->corpus_pages, m->gen);
}

static double elapsed(const struct mmrun *m)
{
	return (double)(now_ns() - m->t0) / 1e9;
}

static void sample(struct mmrun *m)
{
	struct zsim_zswap_stats st;
	zsim_zswap_stats(m->z, &st);
	bench_result_sample(m->res, &m->samples_cap, m->ops, elapsed(m), &st);
}

/* One access: time it, tell a fault (the page swapped in) from a hit. */
static void access_page(struct mmrun *m, uint64_t page, bool write)
{
	struct bench_result *res = m->res;
	const uint64_t t0 = now_ns();
	int rc = write ? zsim_mm_write(m->mm, m->region, page, content_of(m, page))
		       : zsim_mm_read(m->mm, m->region, page, m->page);
	const uint64_t dt = now_ns() - t0;
	struct zsim_mm_memcg_stats st;
	zsim_mm_memcg_stats(m->mm, MEMCG, &st);
	/* swap_current moves +1 per page reclaimed, -1 per page swapped in. */
	const uint64_t stolen = st.pgsteal - m->prev.pgsteal;
	const uint64_t in_pages = (m->prev.swap_current / ZSIM_PAGE_SIZE + stolen) -
				  st.swap_current / ZSIM_PAGE_SIZE;
	m->prev = st;
	bench_hist_add(&res->lat.wall[BOP_ACCESS], dt);
	res->c.mm_accesses++;
	res->c.events++;
	res->c.mm_reclaimed += stolen;
	if (in_pages) {
		bench_hist_add(&res->lat.wall[BOP_FAULT], dt);
		res->c.mm_faults += in_pages;
	}
	if (rc && rc != ZSIM_ENOMEM) {
		/* The page stays where it was; nothing is lost. */
		if (!res->c.replay_errors)
			snprintf(res->first_replay_error, sizeof(res->first_replay_error),
				 "access %" PRIu64 " (page %" PRIu64 ") failed: %s", m->ops, page,
				 zsim_strerror(rc));
		res->c.replay_errors++;
	} else if (!write && m->o->verify) {
		res->c.verify_checked++;
		if (memcmp(m->page, content_of(m, page), ZSIM_PAGE_SIZE))
			res->c.verify_mismatches++;
	}
	m->ops++;
	if (m->ops % m->sample_every == 0)
		sample(m);
	if ((m->ops & 1023) == 0)
		bench_progress_update(&m->pb, m->ops);
}

static void mark_phase(struct mmrun *m, uint64_t mark)
{
	struct bench_result *res = m->res;
	struct bench_phase *p = realloc(res->phases, (res->nphases + 1) * sizeof(*p));
	if (!p)
		return;
	res->phases = p;
	p[res->nphases].mark = mark;
	p[res->nphases].ops = m->ops;
	zsim_zswap_stats(m->z, &p[res->nphases].st);
	res->nphases++;
}

static int setup(struct mmrun *m, const struct zsim_mm_config *mc, const char *limit,
		 const char **what)
{
	int rc;
	*what = "the memory model";
	if ((rc = zsim_mm_create(mc, &m->mm)))
		return rc;
	*what = "memcg 1";
	rc = zsim_zswap_memcg_create(m->z, MEMCG, 0);
	if (rc && rc != ZSIM_EEXIST)
		return rc;
	*what = "memory.max";
	if ((rc = zsim_zswap_memcg_set(m->z, MEMCG, "memory.max", limit)))
		return rc;
	*what = "the workload's region";
	return zsim_mm_alloc(m->mm, MEMCG, m->in->pages, &m->region);
}

int bench_mm_run(const struct bench_input *in, const struct bench_config *cfg,
		 const struct bench_run_opts *o, struct bench_result *res)
{
	memset(res, 0, sizeof(*res));
	for (int k = 0; k < BOP_COUNT; k++) {
		bench_hist_init(&res->lat.wall[k]);
		bench_hist_init(&res->lat.modelled[k]);
	}
	struct mmrun m;
	memset(&m, 0, sizeof(m));
	m.in = in;
	m.o = o;
	m.res = res;
	struct zsim_fault_injector *fi;
	int status = bench_zswap_open(cfg, o, 1, res, &m.z, &fi);
	if (status)
		return status;
	const uint64_t n = in->pages;
	m.page = malloc(ZSIM_PAGE_SIZE);
	struct zsim_mm_config mc = {
		.zswap = m.z, .swap_type = 0, .swap_slots = n + 64, .swap_file = o->swap_file,
		.ram_bytes = 0, .cpu = 0,
	};
	char val[32];
	snprintf(val, sizeof(val), "%" PRIu64, in->mem_limit);
	const char *what = "a page buffer";
	int rc = m.page ? setup(&m, &mc, val, &what) : ZSIM_ENOMEM;
	if (rc) {
		snprintf(res->errmsg, sizeof(res->errmsg), "hotcold: cannot set up %s: %s", what,
			 zsim_strerror(rc));
		status = rc == ZSIM_ENOMEM ? BX_INTERNAL : BX_WORKLOAD;
		goto out;
	}
	for (size_t k = 0; k < o->nfaults; k++)
		zsim_fault_set(fi, o->faults[k].point, &o->faults[k].rule);

	m.total = n + in->ops;
	m.sample_every = o->sample_every ? o->sample_every : (m.total / 256 ? m.total / 256 : 1);
	m.t0 = now_ns();
	bench_progress_start(&m.pb, "hotcold", "accesses", m.total, o->progress);
	sample(&m);
	/* Phase 1: the process writes its pages; reclaim starts at memory.max. */
	for (uint64_t i = 0; i < n; i++)
		access_page(&m, i, true);
	mark_phase(&m, 1);
	/* Phase 2: skewed reads. */
	const uint64_t hot = n / 10 ? n / 10 : 1;
	uint64_t warm = n / 5;
	if (hot + warm > n)
		warm = n - hot;
	const uint64_t cold = n - hot - warm;
	uint64_t x = bench_mix64(in->seed ^ 0x686f74636f6c64ull);
	for (uint64_t a = 0; a < in->ops; a++) {
		x = bench_mix64(x);
		const unsigned r = (unsigned)(x % 100);
		const uint64_t y = bench_mix64(x ^ a);
		uint64_t page;
		if (r < 70 || (!warm && !cold))
			page = y % hot;
		else if ((r < 90 && warm) || !cold)
			page = hot + y % warm;
		else
			page = hot + warm + y % cold;
		access_page(&m, page, false);
	}
	res->wall_s = elapsed(&m);
	bench_progress_end(&m.pb);
	for (size_t k = 0; k < o->nfaults; k++)
		zsim_fault_set(fi, o->faults[k].point, NULL);
	if (m.ops % m.sample_every)
		sample(&m);

	struct zsim_mm_memcg_stats st;
	zsim_mm_memcg_stats(m.mm, MEMCG, &st);
	res->mm = (struct bench_mm_figures){
		.valid = true, .memcg = MEMCG, .memory_max = in->mem_limit,
		.memory_current = st.memory_current, .anon = st.anon,
		.swap_current = st.swap_current, .swap_peak = st.swap_peak, .pgscan = st.pgscan,
		.pgsteal = st.pgsteal, .swapouts_kept = st.swapouts_kept, .oom = st.oom,
	};
	res->c.store_pages = res->c.mm_reclaimed;
	res->c.load_pages = res->c.mm_faults;
	if (res->wall_s > 0) {
		res->store_pages_per_s = (double)res->c.mm_reclaimed / res->wall_s;
		res->load_pages_per_s = (double)res->c.mm_faults / res->wall_s;
		res->ops_per_s = (double)res->c.mm_accesses / res->wall_s;
	}
	bench_result_collect(m.z, res);
out:
	if (m.mm)
		zsim_mm_destroy(m.mm);
	free(m.page);
	zsim_zswap_destroy(m.z);
	zsim_fault_destroy(fi);
	res->status = status;
	return status;
}
