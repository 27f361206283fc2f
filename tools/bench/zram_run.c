/*
 * zram_run.c - `zswapsim-bench run --frontend zram` and
 * `zswapsim-bench compare --frontend zswap --frontend zram`: the same
 * inputs (traces, corpora, page stores, synthetic workloads) replayed into
 * a simulated zram device used as swap (zswapsim/zram.h), reported under
 * the kernel's sysfs names (/sys/block/zram0/mm_stat, io_stat, bd_stat,
 * debug_stat, /proc/vmstat), and compared with zswap on the same pages:
 * pool bytes, ratio, pages to disk or refused, store/load latency.
 *
 * Replay: stores go through the swap layer's rules (zsim_zram_swap_out:
 * zero pages to the zeromap from 6.12), loads through zsim_zram_swap_in,
 * invalidates free the swap entry (swap_slot_free_notify); swapoff frees
 * every slot. One device stands for swap type 0; events on other types
 * are counted and skipped. The device's disksize is the largest slot the
 * input uses (or --disksize); mkswap's header goes to slot 0 when the
 * input leaves it free, as on a real system. One thread replays (zram's
 * counters do not depend on the thread count); the zswap side of compare
 * runs the tool's own replay with the same settings.
 * `--mem-limit SIZE` sets zram's mem_limit and, in compare, zswap's pool
 * limit to the same bytes (RAM = 5 x SIZE at max_pool_percent 20).
 * compare --plot FILE.svg draws those figures side by side, --classes and
 * --class-plot add the ratio-by-content-class view (plot.c, classes.c).
 * Not handled here: hotcold (the memory model drives zswap only), sweep,
 * timelines. The replay itself (bench_zram_replay) is shared with `size`
 * (size.c), which reads the device's counters at the input's mark events
 * and the pages that fell past the disksize.
 */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <errno.h>

#include <jansson.h>

#include "bench.h"
#include "plot.h"
#include "zram_run.h"

bool bench_zram_requested(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *v = NULL;
		if (!strcmp(argv[i], "--frontend") && i + 1 < argc)
			v = argv[i + 1];
		else if (!strncmp(argv[i], "--frontend=", 11))
			v = argv[i] + 11;
		if (v && strstr(v, "zram"))
			return true;
	}
	return false;
}

struct zr_opts {
	const char *cmd;
	const char *frontends[8];
	unsigned nfront;
	const char *profiles[8];
	unsigned nprof;
	const char *compressors[8];
	unsigned ncomp;
	uint64_t mem_limit, disksize;
	const char *json;
	bool quiet, verify;
	struct bench_plot_opts plot;
	struct bench_input_spec in;
};

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: zswapsim-bench [run|compare] --frontend zram [--frontend zswap] [options]\n"
		"  input:   --corpus FILE | --trace FILE | --workload NAME (fill) [--pages N]\n"
		"           [--mix CLASSES] [--seed N]\n"
		"  device:  --profile P (6.1, 6.12, latest; repeat in compare)\n"
		"           --compressor NAME (zram's comp_algorithm; repeat in compare)\n"
		"           --mem-limit SIZE  --disksize SIZE\n"
		"  output:  --json FILE  --verify  --quiet\n"
		"           compare: --plot FILE.svg  --classes  --class-plot FILE.svg\n"
		"compare runs every frontend x profile x compressor on the same input.\n");
}

static int parse(struct zr_opts *o, int argc, char **argv)
{
	static const struct option lo[] = {
		{"frontend", required_argument, 0, 'F'}, {"profile", required_argument, 0, 'p'},
		{"compressor", required_argument, 0, 'c'}, {"mem-limit", required_argument, 0, 'm'},
		{"disksize", required_argument, 0, 'd'}, {"corpus", required_argument, 0, 'C'},
		{"trace", required_argument, 0, 't'}, {"workload", required_argument, 0, 'w'},
		{"pages", required_argument, 0, 'n'}, {"mix", required_argument, 0, 'x'},
		{"seed", required_argument, 0, 's'}, {"json", required_argument, 0, 'j'},
		{"verify", no_argument, 0, 'v'}, {"quiet", no_argument, 0, 'q'},
		{"help", no_argument, 0, 'h'}, {"plot", required_argument, 0, 'P'},
		{"classes", no_argument, 0, 'K'}, {"class-plot", required_argument, 0, 'k'},
		{0, 0, 0, 0},
	};
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "hq", lo, NULL)) != -1) {
		char *tok, *save;
		switch (ch) {
		case 'F':
			for (tok = strtok_r(optarg, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
				if (strcmp(tok, "zram") && strcmp(tok, "zswap")) {
					fprintf(stderr, "zswapsim-bench: --frontend zram or zswap\n");
					return BX_USAGE;
				}
				if (o->nfront < 8)
					o->frontends[o->nfront++] = tok;
			}
			break;
		case 'p':
			if (o->nprof < 8)
				o->profiles[o->nprof++] = optarg;
			break;
		case 'c':
			if (o->ncomp < 8)
				o->compressors[o->ncomp++] = optarg;
			break;
		case 'm':
		case 'd':
			if (bench_parse_size(optarg, ch == 'm' ? &o->mem_limit : &o->disksize)) {
				fprintf(stderr, "zswapsim-bench: bad size '%s'\n", optarg);
				return BX_USAGE;
			}
			break;
		case 'C': o->in.corpus = optarg; break;
		case 't': o->in.trace = optarg; break;
		case 'w':
			if (bench_workload_from_name(optarg, &o->in.workload) ||
			    o->in.workload == WL_HOTCOLD) {
				fprintf(stderr, "zswapsim-bench: workload '%s' is not replayable into zram\n",
					optarg);
				return BX_USAGE;
			}
			break;
		case 'n':
			if (bench_parse_u64(optarg, &o->in.pages)) {
				fprintf(stderr, "zswapsim-bench: bad --pages\n");
				return BX_USAGE;
			}
			break;
		case 'x': o->in.mix = optarg; break;
		case 's':
			if (bench_parse_u64(optarg, &o->in.seed))
				return BX_USAGE;
			break;
		case 'j': o->json = optarg; break;
		case 'v': o->verify = true; break;
		case 'q': o->quiet = true; break;
		case 'P': o->plot.plot = optarg; break;
		case 'K': o->plot.classes = true; break;
		case 'k': o->plot.class_plot = optarg; break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return BX_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "zswapsim-bench: unexpected argument '%s'\n", argv[optind]);
		return BX_USAGE;
	}
	return 0;
}

/* The page of store event ev, page k. */
static const unsigned char *event_page(const struct bench_input *in,
				       const struct zsim_trace_event *ev, unsigned k,
				       unsigned char *buf)
{
	if (ev->content_kind == ZSIM_TRACE_CONTENT_PAGE && ev->content + k < in->corpus_pages)
		return bench_input_page(in, ev->content + k, buf);
	zsim_trace_content_page(ev, k, in->corpus, in->corpus_pages, buf);
	return buf;
}

void bench_zram_replay(const struct bench_input *in, uint64_t mem_limit, uint64_t disksize,
		       bool verify, struct bench_zram_result *r)
{
	/* disksize: the largest slot used on type 0 */
	uint64_t top = 0;
	bool slot0 = false;
	for (size_t i = 0; i < in->n; i++) {
		const struct zsim_trace_event *ev = &in->ev[i];
		if (ev->swap_type)
			continue;
		if (ev->op == ZSIM_TRACE_SWAPON && ev->offset > top)
			top = ev->offset;
		if (ev->op == ZSIM_TRACE_STORE || ev->op == ZSIM_TRACE_LOAD ||
		    ev->op == ZSIM_TRACE_INVALIDATE) {
			uint64_t end = ev->offset + (1ull << ev->order);
			if (end > top)
				top = end;
			if (ev->offset == 0)
				slot0 = true;
		}
	}
	uint64_t disk = disksize ? disksize : (top ? top : 1) * ZSIM_PAGE_SIZE;
	struct zsim_zram_config zc;
	zsim_zram_config_init(&zc);
	zc.profile = r->profile;
	zc.nr_cpus = r->nr_cpus ? r->nr_cpus : 2;
	struct zsim_zram *z = NULL;
	int rc = zsim_zram_create(&zc, &z);
	if (rc) {
		r->status = BX_CONFIG;
		snprintf(r->err, sizeof(r->err), "zram profile '%s': %s", r->profile, zsim_strerror(rc));
		return;
	}
	if ((r->compressor && (rc = zsim_zram_set_comp_algorithm(z, r->compressor))) ||
	    (mem_limit && (rc = zsim_zram_set_mem_limit(z, mem_limit))) ||
	    (rc = zsim_zram_set_disksize(z, disk))) {
		r->status = BX_CONFIG;
		snprintf(r->err, sizeof(r->err), "zram: %s", zsim_zram_last_error(z));
		zsim_zram_destroy(z);
		return;
	}
	if (!r->compressor) {
		char buf[128];
		zsim_zram_show(z, "comp_algorithm", buf, sizeof(buf));
		char *a = strchr(buf, '['), *b = a ? strchr(a, ']') : NULL;
		static char def[64];
		if (a && b) {
			*b = 0;
			snprintf(def, sizeof(def), "%s", a + 1);
			r->compressor = def;
		}
	}
	uint64_t nr = disk / ZSIM_PAGE_SIZE;
	if (!slot0 && zsim_zram_mkswap(z, 0) == 0)
		r->header = 1;
	/* for --verify: which event and page last stored each slot */
	uint64_t *last = verify ? calloc(nr, sizeof(*last)) : NULL;
	unsigned char *buf = malloc(ZSIM_PAGE_SIZE), *got = malloc(ZSIM_PAGE_SIZE),
		      *want = malloc(ZSIM_PAGE_SIZE);
	uint64_t t0 = now_ns();
	struct bench_progress pb;
	bench_progress_start(&pb, "zram replay", "ops", in->n, r->progress);
	for (size_t i = 0; i < in->n; i++) {
		const struct zsim_trace_event *ev = &in->ev[i];
		if ((i & 4095) == 0)
			bench_progress_update(&pb, i);
		unsigned cpu = ev->cpu % zc.nr_cpus, nrp = 1u << ev->order;
		if (ev->swap_type) {
			r->other_types++;
			continue;
		}
		switch (ev->op) {
		case ZSIM_TRACE_STORE:
			for (unsigned k = 0; k < nrp; k++) {
				uint64_t idx = ev->offset + k;
				if (idx >= nr) {
					r->beyond += nrp - k; /* past disksize: not on this device */
					break;
				}
				const unsigned char *p = event_page(in, ev, k, buf);
				uint64_t s = now_ns();
				rc = zsim_zram_swap_out(z, (uint32_t)idx, p, cpu, NULL);
				bench_hist_add(&r->store, now_ns() - s);
				if (rc)
					r->refused++;
				if (last)
					last[idx] = rc ? 0 : ((uint64_t)(i + 1) << 10 | k);
			}
			break;
		case ZSIM_TRACE_LOAD:
			for (unsigned k = 0; k < nrp; k++) {
				uint64_t idx = ev->offset + k;
				if (idx >= nr)
					break;
				uint64_t s = now_ns();
				rc = zsim_zram_swap_in(z, (uint32_t)idx, got, cpu, NULL);
				bench_hist_add(&r->load, now_ns() - s);
				if (rc == ZSIM_ENOENT)
					r->loads_missed++;
				if (last && !rc && last[idx]) {
					const struct zsim_trace_event *se = &in->ev[(last[idx] >> 10) - 1];
					const unsigned char *w = event_page(in, se, last[idx] & 1023, want);
					if (memcmp(w, got, ZSIM_PAGE_SIZE))
						r->verify_mismatch++;
				}
			}
			break;
		case ZSIM_TRACE_INVALIDATE:
			for (unsigned k = 0; k < nrp; k++) {
				uint64_t idx = ev->offset + k;
				if (idx < nr) {
					zsim_zram_swap_free(z, (uint32_t)idx);
					if (last)
						last[idx] = 0;
				}
			}
			break;
		case ZSIM_TRACE_SWAPOFF:
			for (uint64_t idx = r->header; idx < nr; idx++)
				zsim_zram_swap_free(z, (uint32_t)idx);
			if (last)
				memset(last, 0, nr * sizeof(*last));
			break;
		case ZSIM_TRACE_MARK:
			/* The device's counters at the mark (size.c reads them). */
			if (r->nmarks < BENCH_ZRAM_MARKS) {
				r->mark_id[r->nmarks] = ev->offset;
				zsim_zram_stats(z, &r->mark_stats[r->nmarks++]);
			}
			break;
		default:
			break; /* swapon (disksize fixed), memcg files, writeback */
		}
	}
	r->wall_s = (double)(now_ns() - t0) / 1e9;
	bench_progress_end(&pb);
	zsim_zram_stats(z, &r->zs);
	zsim_zram_show(z, "mm_stat", r->mm_stat, sizeof(r->mm_stat));
	zsim_zram_show(z, "io_stat", r->io_stat, sizeof(r->io_stat));
	zsim_zram_show(z, "bd_stat", r->bd_stat, sizeof(r->bd_stat));
	zsim_zram_show(z, "debug_stat", r->debug_stat, sizeof(r->debug_stat));
	r->stored_pages = r->zs.pages_stored;
	r->pool_bytes = r->zs.mem_used_total;
	r->to_disk = r->zs.bd_writes;
	free(last);
	free(buf);
	free(got);
	free(want);
	zsim_zram_destroy(z);
}

static void run_zswap(const struct bench_input *in, const struct zr_opts *o,
		      struct bench_zram_result *r)
{
	struct bench_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	char err[256];
	if ((r->profile && bench_config_set(&cfg, "profile", r->profile, err, sizeof(err))) ||
	    (r->compressor && bench_config_set(&cfg, "compressor", r->compressor, err, sizeof(err)))) {
		r->status = BX_CONFIG;
		snprintf(r->err, sizeof(r->err), "%s", err);
		bench_config_free(&cfg);
		return;
	}
	if (o->mem_limit) {
		cfg.ram_bytes = o->mem_limit * 5;
		cfg.max_pool_percent = 20;
	}
	struct bench_run_opts ro;
	memset(&ro, 0, sizeof(ro));
	ro.threads = 1;
	ro.threads_set = true;
	ro.verify = o->verify;
	struct bench_result res;
	memset(&res, 0, sizeof(res));
	r->status = bench_replay(in, &cfg, &ro, &res);
	if (r->status) {
		snprintf(r->err, sizeof(r->err), "%.200s", res.errmsg);
	} else {
		r->ws = res.st;
		r->stored_pages = res.st.stored_pages;
		r->pool_bytes = res.st.pool_total_size;
		r->to_disk = res.st.pswpout;
		r->store = res.lat.wall[BOP_STORE];
		r->load = res.lat.wall[BOP_LOAD];
		r->wall_s = res.wall_s;
		r->verify_mismatch = res.c.verify_mismatches;
		if (!r->compressor) {
			static char desc[160];
			snprintf(desc, sizeof(desc), "%s", res.codec_desc);
			r->compressor = desc;
		}
	}
	bench_result_free(&res);
	bench_config_free(&cfg);
}

static double ratio(const struct bench_zram_result *r)
{
	if (!r->pool_bytes)
		return 0;
	uint64_t stored = !strcmp(r->frontend, "zram") ? r->zs.orig_data_size / ZSIM_PAGE_SIZE
						       : r->stored_pages;
	return (double)stored * ZSIM_PAGE_SIZE / (double)r->pool_bytes;
}

static double p50_us(const struct bench_hist *h)
{
	return h->count ? (double)bench_hist_quantile(h, 0.5) / 1e3 : 0;
}

static void print_zram(const struct bench_input *in, const struct bench_zram_result *r)
{
	const struct zsim_zram_stats *s = &r->zs;
	printf("zram run: %s\n", in->label);
	printf("  profile %s, comp_algorithm %s, disksize %" PRIu64 " (%" PRIu64 " pages), "
	       "mem_limit %" PRIu64 "%s\n",
	       r->profile, r->compressor, s->disksize, s->disksize / ZSIM_PAGE_SIZE, s->mem_limit,
	       r->header ? ", swap header in slot 0" : "");
	printf("/sys/block/zram0/mm_stat:    %s", r->mm_stat);
	printf("  orig_data_size %" PRIu64 "  compr_data_size %" PRIu64 "  mem_used_total %" PRIu64
	       "  mem_limit %" PRIu64 "  mem_used_max %" PRIu64 "\n  same_pages %" PRIu64
	       "  pages_compacted %" PRIu64 "  huge_pages %" PRIu64 "  huge_pages_since %" PRIu64 "\n",
	       s->orig_data_size, s->compr_data_size, s->mem_used_total, s->mem_limit,
	       s->mem_used_max, s->same_pages, s->pages_compacted, s->huge_pages,
	       s->huge_pages_since);
	printf("/sys/block/zram0/io_stat:    %s", r->io_stat);
	printf("  failed_reads %" PRIu64 "  failed_writes %" PRIu64 "  invalid_io %" PRIu64
	       "  notify_free %" PRIu64 "\n",
	       s->failed_reads, s->failed_writes, s->invalid_io, s->notify_free);
	printf("/sys/block/zram0/bd_stat:    %s", r->bd_stat);
	printf("/sys/block/zram0/debug_stat: %s", r->debug_stat);
	printf("/proc/vmstat: pswpout %" PRIu64 "  pswpin %" PRIu64 "  swpout_zero %" PRIu64
	       "  swpin_zero %" PRIu64 "\n",
	       s->pswpout, s->pswpin, s->swpout_zero, s->swpin_zero);
	printf("ratio (orig_data_size / mem_used_total): %.3f\n", ratio(r));
	printf("store: %" PRIu64 " pages, p50 %.2f us, p99 %.2f us; load: %" PRIu64
	       " pages, p50 %.2f us, p99 %.2f us; %.3f s\n",
	       r->store.count, p50_us(&r->store),
	       r->store.count ? (double)bench_hist_quantile(&r->store, 0.99) / 1e3 : 0,
	       r->load.count, p50_us(&r->load),
	       r->load.count ? (double)bench_hist_quantile(&r->load, 0.99) / 1e3 : 0, r->wall_s);
	if (r->other_types)
		printf("note: %" PRIu64 " events on swap types other than 0 skipped\n",
		       r->other_types);
	if (r->verify_mismatch)
		printf("VERIFY: %" PRIu64 " loads returned other bytes than stored\n",
		       r->verify_mismatch);
}

/* zram: failed_writes (the page stays in memory); zswap: its rejects (the
 * page goes to disk). */
static uint64_t refused_pages(const struct bench_zram_result *r)
{
	return !strcmp(r->frontend, "zram") ? r->zs.failed_writes
					    : r->ws.reject_compress_poor + r->ws.reject_alloc_fail +
						      r->ws.pool_limit_hit;
}

static json_t *json_hist(const struct bench_hist *h)
{
	json_t *o = json_object();
	bench_jput(o, "count", bench_ju(h->count));
	bench_jput(o, "p50", bench_ju(h->count ? bench_hist_quantile(h, 0.5) : 0));
	bench_jput(o, "p99", bench_ju(h->count ? bench_hist_quantile(h, 0.99) : 0));
	return o;
}

/* A group of counters: {"name": value, ...} in the order given. */
static json_t *json_group(const char *const *names, const uint64_t *vals, size_t n)
{
	json_t *o = json_object();
	for (size_t i = 0; i < n; i++)
		bench_jput(o, names[i], bench_ju(vals[i]));
	return o;
}
#define GROUP(names, ...)                                                                  \
	json_group(names, (const uint64_t[]){__VA_ARGS__},                                 \
		   sizeof(names) / sizeof(names[0]))

/* One frontend's run: the common figures, then the frontend's counters
 * under the kernel's file and group names (mm_stat, io_stat, bd_stat,
 * debug_stat and vmstat for zram; zswap's debugfs and vmstat). */
static json_t *json_result(const struct bench_zram_result *r)
{
	json_t *o = json_object();
	bench_jput(o, "frontend", bench_js(r->frontend));
	bench_jput(o, "profile", bench_js(r->profile ? r->profile : ""));
	bench_jput(o, "compressor", bench_js(r->compressor ? r->compressor : ""));
	bench_jput(o, "status", json_integer(r->status));
	bench_jput(o, "stored_pages", bench_ju(r->stored_pages));
	bench_jput(o, "pool_bytes", bench_ju(r->pool_bytes));
	bench_jput(o, "ratio", bench_jd(ratio(r)));
	bench_jput(o, "to_disk", bench_ju(r->to_disk));
	bench_jput(o, "refused", bench_ju(refused_pages(r)));
	if (!strcmp(r->frontend, "zram")) {
		const struct zsim_zram_stats *s = &r->zs;
		static const char *const mm[] = {"orig_data_size", "compr_data_size",
						 "mem_used_total", "mem_limit", "mem_used_max",
						 "same_pages", "pages_compacted", "huge_pages",
						 "huge_pages_since"};
		static const char *const io[] = {"failed_reads", "failed_writes", "invalid_io",
						 "notify_free"};
		static const char *const bd[] = {"bd_count", "bd_reads", "bd_writes"};
		static const char *const dbg[] = {"writestall", "miss_free"};
		static const char *const vm[] = {"pswpout", "pswpin", "swpout_zero", "swpin_zero"};
		bench_jput(o, "mm_stat",
			   GROUP(mm, s->orig_data_size, s->compr_data_size, s->mem_used_total,
				 s->mem_limit, s->mem_used_max, s->same_pages, s->pages_compacted,
				 s->huge_pages, s->huge_pages_since));
		bench_jput(o, "io_stat",
			   GROUP(io, s->failed_reads, s->failed_writes, s->invalid_io,
				 s->notify_free));
		bench_jput(o, "bd_stat", GROUP(bd, s->bd_count, s->bd_reads, s->bd_writes));
		bench_jput(o, "debug_stat", GROUP(dbg, s->writestall, s->miss_free));
		bench_jput(o, "vmstat",
			   GROUP(vm, s->pswpout, s->pswpin, s->swpout_zero, s->swpin_zero));
	} else {
		const struct zsim_zswap_stats *s = &r->ws;
		static const char *const zs[] = {"stored_pages", "pool_total_size",
						 "written_back_pages", "reject_compress_poor",
						 "pool_limit_hit"};
		static const char *const vm[] = {"zswpout", "zswpin", "pswpout", "pswpin",
						 "swpout_zero"};
		bench_jput(o, "zswap",
			   GROUP(zs, s->stored_pages, s->pool_total_size, s->written_back_pages,
				 s->reject_compress_poor, s->pool_limit_hit));
		bench_jput(o, "vmstat",
			   GROUP(vm, s->zswpout, s->zswpin, s->pswpout, s->pswpin, s->swpout_zero));
	}
	json_t *lat = json_object();
	bench_jput(lat, "store", json_hist(&r->store));
	bench_jput(lat, "load", json_hist(&r->load));
	bench_jput(o, "latency_ns", lat);
	return o;
}
#undef GROUP

static double qns(const struct bench_hist *h, double q)
{
	return h->count ? (double)bench_hist_quantile(h, q) : 0;
}

/* compare --plot: the frontends side by side on the same pages and the
 * same memory limit. */
static int zr_plot(const char *path, const struct bench_input *in, const struct zr_opts *o,
		   const struct bench_zram_result *res, size_t nres, char *err, size_t errlen)
{
	enum { NF = 8 };
	double *v = calloc(NF * nres, sizeof(*v));
	const char **series = calloc(nres, sizeof(*series));
	char(*names)[160] = calloc(nres, sizeof(*names));
	int rc = BX_INTERNAL;
	snprintf(err, errlen, "out of memory");
	if (!v || !series || !names)
		goto out;
	for (size_t i = 0; i < nres; i++) {
		const struct bench_zram_result *r = &res[i];
		snprintf(names[i], sizeof(names[i]), "[%zu] %s %s %s", i + 1, r->frontend, r->profile,
			 r->compressor ? r->compressor : "");
		series[i] = names[i];
		const double x[NF] = {(double)r->pool_bytes, ratio(r), (double)r->to_disk,
				      (double)refused_pages(r), qns(&r->store, 0.5), qns(&r->store, 0.99),
				      qns(&r->load, 0.5), qns(&r->load, 0.99)};
		for (size_t f = 0; f < NF; f++)
			v[f * nres + i] = r->status ? NAN : x[f];
	}
	const struct plot_figure fig[NF] = {
		{"pool bytes", "pool_bytes", "MiB", 1048576.0, 2, v, 0, 0},
		{"compression ratio (stored / pool)", "ratio", "ratio", 1, 3, v + nres, 0, 0},
		{"pages to disk", "to_disk", "pages", 1, 0, v + 2 * nres, 0, 0},
		{"stores refused", "refused", "pages", 1, 0, v + 3 * nres, 0, 0},
		{"store latency p50", "store_p50_ns", "µs", 1e3, 2, v + 4 * nres, 0, 0},
		{"store latency p99", "store_p99_ns", "µs", 1e3, 2, v + 5 * nres, 0, 0},
		{"load latency p50", "load_p50_ns", "µs", 1e3, 2, v + 6 * nres, 0, 0},
		{"load latency p99", "load_p99_ns", "µs", 1e3, 2, v + 7 * nres, 0, 0},
	};
	char sub[400], lim[32] = "none";
	if (o->mem_limit)
		bench_human_bytes(o->mem_limit, lim, sizeof(lim));
	bool one = true;
	for (size_t i = 1; i < nres; i++)
		one &= !strcmp(res[i].profile, res[0].profile);
	snprintf(sub, sizeof(sub), "%s; profile %s; memory limit %s", in->label,
		 one ? res[0].profile : "per configuration", lim);
	struct plot_bars pb = {"zswapsim-bench compare: zswap and zram", sub,
			       "pool: zram mem_used_total, zswap pool_total_size; to disk: zram "
			       "bd_writes, zswap pswpout; refused: zram failed_writes (kept in RAM), "
			       "zswap rejects (to disk); latency: wall time per call",
			       series, nres, NULL, 1, fig, NF, 2};
	rc = bench_plot_bars(path, &pb, err, errlen);
out:
	free(v);
	free(series);
	free(names);
	return rc;
}

int bench_zram_main(int argc, char **argv)
{
	struct zr_opts o;
	memset(&o, 0, sizeof(o));
	o.cmd = "run";
	o.in.seed = 1;
	if (argc > 1 && (!strcmp(argv[1], "run") || !strcmp(argv[1], "compare"))) {
		o.cmd = argv[1];
		argv[1] = argv[0];
		argv++;
		argc--;
	}
	int rc = parse(&o, argc, argv);
	if (rc)
		return rc;
	bool compare = !strcmp(o.cmd, "compare");
	if (!compare && (o.nfront != 1 || strcmp(o.frontends[0], "zram"))) {
		fprintf(stderr, "zswapsim-bench: run takes one frontend; compare zswap and zram with "
				"`compare --frontend zswap --frontend zram`\n");
		return BX_USAGE;
	}
	if (!compare && (o.plot.plot || o.plot.classes || o.plot.class_plot)) {
		fprintf(stderr, "zswapsim-bench: --plot, --classes and --class-plot apply to compare\n");
		return BX_USAGE;
	}
	if (!compare && (o.nprof > 1 || o.ncomp > 1)) {
		fprintf(stderr, "zswapsim-bench: one --profile and one --compressor for run\n");
		return BX_USAGE;
	}
	if (!o.nprof)
		o.profiles[o.nprof++] = "6.12";
	if (!o.ncomp)
		o.compressors[o.ncomp++] = NULL;
	o.in.gen_threads = 2;
	struct bench_input in;
	char err[512];
	rc = bench_input_load(&o.in, &in, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "zswapsim-bench: %s\n", err);
		return rc;
	}
	if (in.workload == WL_HOTCOLD) {
		fprintf(stderr, "zswapsim-bench: hotcold drives zswap's memory model; not zram\n");
		bench_input_free(&in);
		return BX_USAGE;
	}
	size_t nres = (size_t)o.nfront * o.nprof * o.ncomp, k = 0;
	struct bench_zram_result *res = calloc(nres, sizeof(*res));
	if (!res) {
		bench_input_free(&in);
		return BX_INTERNAL;
	}
	int status = BX_OK;
	for (unsigned p = 0; p < o.nprof; p++)
		for (unsigned c = 0; c < o.ncomp; c++)
			for (unsigned f = 0; f < o.nfront; f++, k++) {
				struct bench_zram_result *r = &res[k];
				r->frontend = o.frontends[f];
				r->profile = o.profiles[p];
				r->compressor = o.compressors[c];
				bench_hist_init(&r->store);
				bench_hist_init(&r->load);
				if (!strcmp(r->frontend, "zram"))
					bench_zram_replay(&in, o.mem_limit, o.disksize, o.verify, r);
				else
					run_zswap(&in, &o, r);
				if (r->status) {
					fprintf(stderr, "zswapsim-bench: %s\n", r->err);
					status = r->status;
				} else if (r->verify_mismatch && !status) {
					status = BX_VERIFY;
				}
			}
	if (!compare && !res[0].status && !o.quiet)
		print_zram(&in, &res[0]);
	struct bench_classes *cls = NULL;
	if (compare && (o.plot.classes || o.plot.class_plot)) {
		/* The compressors the runs used (as resolved), each once. */
		const char *specs[BENCH_CLASS_COMP_MAX];
		size_t nspec = 0;
		for (size_t i = 0; i < nres && nspec < BENCH_CLASS_COMP_MAX; i++) {
			bool dup = !res[i].compressor || res[i].status;
			for (size_t j = 0; j < nspec && !dup; j++)
				dup = !strcmp(specs[j], res[i].compressor);
			if (!dup)
				specs[nspec++] = res[i].compressor;
		}
		cls = malloc(sizeof(*cls));
		int crc = cls ? bench_classes_compute(&in, specs, nspec, o.profiles[0], cls, err,
						      sizeof(err))
			      : BX_INTERNAL;
		if (crc) {
			fprintf(stderr, "zswapsim-bench: classes: %s\n", cls ? err : "out of memory");
			free(cls);
			cls = NULL;
			if (!status)
				status = crc;
		}
	}
	if (compare && !o.quiet) {
		printf("compare: %s\n", in.label);
		printf("%-9s %-7s %-22s %10s %12s %7s %9s %9s %10s %10s\n", "frontend", "profile",
		       "compressor", "stored", "pool bytes", "ratio", "to disk", "refused",
		       "store p50", "load p50");
		for (size_t i = 0; i < nres; i++) {
			const struct bench_zram_result *r = &res[i];
			if (r->status) {
				printf("%-9s %-7s %-22s failed: %s\n", r->frontend, r->profile,
				       r->compressor ? r->compressor : "", r->err);
				continue;
			}
			printf("%-9s %-7s %-22.22s %10" PRIu64 " %12" PRIu64 " %7.3f %9" PRIu64
			       " %9" PRIu64 " %8.2fus %8.2fus\n",
			       r->frontend, r->profile, r->compressor ? r->compressor : "",
			       !strcmp(r->frontend, "zram") ? r->zs.orig_data_size / ZSIM_PAGE_SIZE
							    : r->stored_pages,
			       r->pool_bytes, ratio(r), r->to_disk, refused_pages(r), p50_us(&r->store),
			       p50_us(&r->load));
		}
		printf("stored: zram orig_data_size/4096 (same-filled and the swap header "
		       "included), zswap stored_pages; pool bytes: zram mem_used_total, zswap "
		       "pool_total_size; to disk: zram bd_writes, zswap pswpout; refused: zram "
		       "failed_writes (the page stays in memory), zswap rejects (to disk)\n");
		if (cls)
			bench_classes_print(stdout, cls);
	}
	if (o.json) {
		FILE *f = fopen(o.json, "w");
		if (!f) {
			fprintf(stderr, "zswapsim-bench: %s: cannot create: %s\n", o.json,
				strerror(errno));
			status = BX_IO;
		} else {
			json_t *root = json_object();
			bench_json_put_envelope(root);
			bench_jput(root, "command", bench_js(o.cmd));
			bench_jput(root, "input", bench_js(in.label));
			json_t *runs = json_array();
			for (size_t i = 0; i < nres; i++)
				json_array_append_new(runs, json_result(&res[i]));
			bench_jput(root, "runs", runs);
			if (cls)
				bench_jput(root, "classes", bench_classes_json(cls));
			if (bench_json_dump(f, root, false) || fputc('\n', f) == EOF)
				status = BX_IO;
			json_decref(root);
			if (fclose(f))
				status = BX_IO;
		}
	}
	if (compare && o.plot.plot) {
		int prc = zr_plot(o.plot.plot, &in, &o, res, nres, err, sizeof(err));
		if (prc) {
			fprintf(stderr, "zswapsim-bench: %s\n", err);
			if (!status)
				status = prc;
		}
	}
	if (cls && o.plot.class_plot) {
		int prc = bench_classes_plot(o.plot.class_plot, cls, in.label, err, sizeof(err));
		if (prc) {
			fprintf(stderr, "zswapsim-bench: %s\n", err);
			if (!status)
				status = prc;
		}
	}
	free(cls);
	free(res);
	bench_input_free(&in);
	return status;
}
