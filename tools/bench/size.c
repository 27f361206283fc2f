/*
 * size.c - `zswapsim-bench size`: the sizing answer in one command. Given
 * the machine (RAM, CPUs), the frontends (zswap, zram), their limits, the
 * anonymous memory that will be swapped and the user's pages, it replays
 * that much swap-out through each frontend x compressor and prints the
 * pool, the limit, the headroom, the pages that do not stay compressed in
 * RAM, store/load latency, the compression ratio and how much it still
 * moves between half and the whole run, and a recommendation in words;
 * the same as JSON.
 *
 * What is replayed: the fill workload (every page swapped out once, order
 * 0), the user's pages cycled to the anon's page count (workload.c's
 * page_of), then a strided sample of the pages faulted back in (load and
 * free the slot) for the load latency. Mark events (trace op `mark`) take
 * the counters after the first pass over the distinct pages, at half and
 * at the end of the swap-out; zswap's replay is replay.c's, zram's is
 * zram_run.c's: nothing here models zswap or zram itself.
 *
 * Scale: replaying 8 GiB of anon through zstd takes about a minute per
 * cell on this project's 2-core machine. By default at most
 * SIZE_DEFAULT_SAMPLE pages (1 GiB) are replayed on a machine scaled down
 * by the same factor (RAM, and with it the zswap limit; zram's disksize
 * and mem_limit), and the counts are scaled back up. zsmalloc's packing
 * has converged long before 2^18 pages (docs/bench.md measures it), and the
 * pool limit is met at the same fraction of the run, so the scaled figures
 * are the full run's to a fraction of a percent; `--sample all` replays
 * every page. Not modelled: what else uses the RAM (the page cache,
 * other processes), the order in which reclaim picks pages, swap-ins
 * during the swap-out.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "bench.h"
#include "zram_run.h"

#define SIZE_DEFAULT_SAMPLE (UINT64_C(1) << 18) /* pages replayed by default */
#define SIZE_LOADS 65536                         /* pages faulted back in */
#define SIZE_MAX_COMP 8
#define ZRAM_GEN_CAP (UINT64_C(4) << 30)         /* zram-generator: min(ram / 2, 4096 MiB) */

/* Marks: after the distinct pages, half way, the end of the swap-out, and
 * half of what a zram device smaller than the sample holds. */
enum { MARK_OWN = 1, MARK_HALF = 2, MARK_END = 3, MARK_DISK_HALF = 4 };

struct size_opts {
	uint64_t ram, anon_pages, mem_limit, disksize, sample;
	bool sample_all, anon_set, ram_set, disksize_set;
	unsigned cpus, max_pool_percent;
	bool zswap, zram;
	const char *profile;
	const char *comp[SIZE_MAX_COMP];
	unsigned ncomp;
	const char *json;
	bool quiet, verbose;
	struct bench_input_spec in;
};

/* One frontend x compressor, at the anon's full size (scaled up). */
struct size_cell {
	const char *frontend;   /* "zswap" or "zram" */
	char compressor[64];    /* as given */
	char codec[160];        /* the driver the run used */
	int status;
	char err[520];
	bool has_limit;
	uint64_t limit;         /* bytes: zswap max_pool_percent, zram mem_limit */
	uint64_t pool;          /* bytes at the end of the swap-out */
	int64_t headroom;       /* limit - pool */
	uint64_t stored;        /* pages held compressed (zswap stored_pages,
				 * zram orig_data_size / 4096) */
	uint64_t zero;          /* zero-filled pages kept in the swap zeromap */
	uint64_t to_disk;       /* zswap: pswpout; zram: not stored */
	uint64_t written_back;  /* zswap: written back (LRU, limit) */
	uint64_t rejected;      /* zswap: refused, straight to disk */
	uint64_t past_disksize; /* zram: beyond the device's size */
	uint64_t limit_disk, anon_bytes; /* zram: disksize; the anon, bytes */
	uint64_t refused;       /* zram: mem_limit (failed_writes) */
	double ratio, ratio_half, convergence_pct, ratio_own;
	bool own_valid;
	double own_fixed;       /* bytes of the own-pages pool not proportional */
	uint64_t store_p50, store_p99, load_p50, load_p99, loads;
	double wall_s;
};

static void die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
static void die(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "%s: size: ", bench_prog);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(code);
}

static void usage(FILE *f)
{
	struct zsim_zswap_config def;
	zsim_zswap_config_init(&def);
	fprintf(f,
"usage: zswapsim-bench size --ram SIZE --anon SIZE|Np [options]\n"
"\n"
"How big the compressed pool gets when SIZE of anonymous memory is swapped\n"
"out on a machine of --ram, per frontend and compressor: the pool, the limit,\n"
"the headroom, the pages that go to disk, store/load latency, the ratio and\n"
"its convergence, and a recommendation. docs/bench.md has the details.\n"
"\n"
"MACHINE\n"
"  --ram SIZE              RAM (K/M/G/T suffixes; 1M..1P; default: this machine's)\n"
"  --cpus N                CPUs (1..4096; default: this machine's)\n"
"  --anon SIZE|Np          anonymous memory swapped out: bytes with K/M/G/T\n"
"                          suffixes, or N pages as 'Np' (default: half the RAM)\n"
"FRONTENDS AND LIMITS\n"
"  --frontend zswap|zram|both  (default both)\n"
"  --profile P             kernel profile (default %s)\n"
"  --max-pool-percent N    zswap's limit, 1..100 (default %u: the profile's)\n"
"  --disksize SIZE         zram's size (default min(RAM/2, 4 GiB): zram-generator's)\n"
"  --mem-limit SIZE        zram's mem_limit (default none, as zram-generator)\n"
"  --compressor NAME       repeatable (default lz4 and zstd; zram also lzo-rle)\n"
"PAGES (as run takes them)\n"
"  --corpus FILE           raw pages or a page store; --snapshot WHICH\n"
"  --mix CLASSES --seed N  synthetic content when no --corpus (default mix)\n"
"REPLAY\n"
"  --sample N|all          pages replayed (default min(anon, %" PRIu64 ")); fewer than\n"
"                          the anon: the machine is scaled down by the same\n"
"                          factor and the counts scaled back up\n"
"OUTPUT\n"
"  --json FILE|-           the same as JSON (- = stdout; the table goes to stderr)\n"
"  -q, --quiet  -v, --verbose  -h, --help\n"
"\n"
"Example: zswapsim-bench size --ram 16G --anon 8G --max-pool-percent 20 \\\n"
"           --corpus corpus/zswapsim-build.zpk\n"
"Exit: 0 done, 2 bad command line, 3 cannot write, 4 bad corpus, 5 unknown\n"
"compressor or profile.\n",
		def.profile, def.max_pool_percent, SIZE_DEFAULT_SAMPLE);
}

static uint64_t size_arg(const char *opt, const char *v, uint64_t min, uint64_t max,
			 const char *range)
{
	uint64_t x;
	if (bench_parse_size(v, &x) || x < min || x > max)
		die(BX_USAGE, "bad value '%s' for --%s (%s)", v, opt, range);
	return x;
}

static uint64_t num_arg(const char *opt, const char *v, uint64_t min, uint64_t max)
{
	uint64_t x;
	if (bench_parse_u64(v, &x) || x < min || x > max)
		die(BX_USAGE, "bad value '%s' for --%s (%" PRIu64 "..%" PRIu64 ")", v, opt, min, max);
	return x;
}

/* "8G" (bytes, rounded up to pages) or "2097152p" (pages). */
static uint64_t anon_arg(const char *v)
{
	const char *range = "bytes with K/M/G/T suffixes or Np pages; 4K..16T, 1p..4294967296p";
	size_t n = strlen(v);
	uint64_t x;
	if (n > 1 && (v[n - 1] == 'p' || v[n - 1] == 'P')) {
		char buf[32];
		if (n >= sizeof(buf))
			die(BX_USAGE, "bad value '%s' for --anon (%s)", v, range);
		memcpy(buf, v, n - 1);
		buf[n - 1] = 0;
		if (bench_parse_u64(buf, &x) || x < 1 || x > (UINT64_C(1) << 32))
			die(BX_USAGE, "bad value '%s' for --anon (%s)", v, range);
		return x;
	}
	x = size_arg("anon", v, ZSIM_PAGE_SIZE, UINT64_C(1) << 44, range);
	return (x + ZSIM_PAGE_SIZE - 1) / ZSIM_PAGE_SIZE;
}

static unsigned online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)n : 1;
}

static uint64_t machine_ram(void)
{
	long p = sysconf(_SC_PHYS_PAGES), s = sysconf(_SC_PAGESIZE);
	return p > 0 && s > 0 ? (uint64_t)p * (uint64_t)s : UINT64_C(8) << 30;
}

static void parse(struct size_opts *o, int argc, char **argv)
{
	enum {
		O_RAM = 256, O_CPUS, O_ANON, O_FRONT, O_PROFILE, O_MAXPOOL, O_DISK, O_MEMLIM,
		O_COMP, O_CORPUS, O_SNAP, O_MIX, O_SEED, O_SAMPLE, O_JSON,
	};
	static const struct option lo[] = {
		{"ram", required_argument, 0, O_RAM}, {"cpus", required_argument, 0, O_CPUS},
		{"anon", required_argument, 0, O_ANON}, {"frontend", required_argument, 0, O_FRONT},
		{"profile", required_argument, 0, O_PROFILE},
		{"max-pool-percent", required_argument, 0, O_MAXPOOL},
		{"disksize", required_argument, 0, O_DISK}, {"mem-limit", required_argument, 0, O_MEMLIM},
		{"compressor", required_argument, 0, O_COMP}, {"corpus", required_argument, 0, O_CORPUS},
		{"snapshot", required_argument, 0, O_SNAP}, {"mix", required_argument, 0, O_MIX},
		{"seed", required_argument, 0, O_SEED}, {"sample", required_argument, 0, O_SAMPLE},
		{"json", required_argument, 0, O_JSON}, {"quiet", no_argument, 0, 'q'},
		{"verbose", no_argument, 0, 'v'}, {"help", no_argument, 0, 'h'},
		{"version", no_argument, 0, 'V'}, {0, 0, 0, 0},
	};
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "qvhV", lo, NULL)) != -1) {
		switch (ch) {
		case O_RAM:
			o->ram = size_arg("ram", optarg, UINT64_C(1) << 20, UINT64_C(1) << 50,
					  "bytes, K/M/G/T suffixes, 1M..1P");
			o->ram_set = true;
			break;
		case O_CPUS: o->cpus = (unsigned)num_arg("cpus", optarg, 1, 4096); break;
		case O_ANON:
			o->anon_pages = anon_arg(optarg);
			o->anon_set = true;
			break;
		case O_FRONT:
			if (!strcmp(optarg, "zswap"))
				o->zswap = true, o->zram = false;
			else if (!strcmp(optarg, "zram"))
				o->zram = true, o->zswap = false;
			else if (!strcmp(optarg, "both"))
				o->zswap = o->zram = true;
			else
				die(BX_USAGE, "bad value '%s' for --frontend (zswap, zram or both)", optarg);
			break;
		case O_PROFILE: o->profile = optarg; break;
		case O_MAXPOOL:
			o->max_pool_percent = (unsigned)num_arg("max-pool-percent", optarg, 1, 100);
			break;
		case O_DISK:
			o->disksize = size_arg("disksize", optarg, UINT64_C(1) << 20, UINT64_C(1) << 44,
					       "bytes, K/M/G/T suffixes, 1M..16T");
			o->disksize_set = true;
			break;
		case O_MEMLIM:
			o->mem_limit = size_arg("mem-limit", optarg, UINT64_C(1) << 20,
						UINT64_C(1) << 50, "bytes, K/M/G/T suffixes, 1M..1P");
			break;
		case O_COMP:
			if (o->ncomp == SIZE_MAX_COMP)
				die(BX_USAGE, "at most %d --compressor", SIZE_MAX_COMP);
			if (!*optarg || strlen(optarg) >= 64)
				die(BX_USAGE, "bad value '%s' for --compressor (a name, 1..63 characters)",
				    optarg);
			o->comp[o->ncomp++] = optarg;
			break;
		case O_CORPUS: o->in.corpus = optarg; break;
		case O_SNAP: o->in.snapshot = optarg; break;
		case O_MIX: o->in.mix = optarg; break;
		case O_SEED: o->in.seed = num_arg("seed", optarg, 0, UINT64_MAX); break;
		case O_SAMPLE:
			if (!strcmp(optarg, "all"))
				o->sample_all = true;
			else
				o->sample = num_arg("sample", optarg, 64, UINT64_C(1) << 32);
			break;
		case O_JSON: o->json = optarg; break;
		case 'q': o->quiet = true, o->verbose = false; break;
		case 'v': o->verbose = true, o->quiet = false; break;
		case 'h': usage(stdout); exit(0);
		case 'V': bench_print_version(stdout); exit(0);
		default:
			fprintf(stderr, "%s: try '%s size --help'\n", bench_prog, bench_prog);
			exit(BX_USAGE);
		}
	}
	if (optind < argc)
		die(BX_USAGE, "unexpected argument '%s'; try --help", argv[optind]);
}

/* --- the input: fill with marks, then a strided fault-in ---------------- */

static int push_ev(struct bench_input *in, unsigned op, uint64_t offset, uint64_t content,
		   uint64_t *ts)
{
	struct zsim_trace_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.ts_ns = (*ts)++;
	ev.op = (uint8_t)op;
	ev.offset = offset;
	if (op == ZSIM_TRACE_STORE || op == ZSIM_TRACE_LOAD || op == ZSIM_TRACE_INVALIDATE)
		ev.cpu = (uint16_t)((offset >> 9) % 55440u); /* workload.c's CPU rule */
	if (op == ZSIM_TRACE_STORE) {
		ev.content_kind = ZSIM_TRACE_CONTENT_PAGE;
		ev.content = content;
	}
	return bench_input_push(in, &ev);
}

/* The fill of `n` pages that bench_input_load generated, rebuilt with the
 * marks and the fault-in appended. `own` = the distinct pages (a mark
 * after them when the run cycles them); disk_pages = the zram device's
 * slots (a mark at half of them when the device is smaller). */
static int build_events(struct bench_input *in, uint64_t n, uint64_t own, uint64_t disk_pages)
{
	struct zsim_trace_event *old = in->ev;
	size_t nold = in->n;
	in->ev = NULL;
	in->n = in->cap = 0;
	uint64_t ts = 0, stored = 0;
	int bad = push_ev(in, ZSIM_TRACE_SWAPON, n, 0, &ts);
	for (size_t i = 0; i < nold && !bad; i++) {
		if (old[i].op != ZSIM_TRACE_STORE)
			continue;
		bad |= push_ev(in, ZSIM_TRACE_STORE, old[i].offset, old[i].content, &ts);
		stored++;
		if (stored == own && own < n)
			bad |= push_ev(in, ZSIM_TRACE_MARK, MARK_OWN, 0, &ts);
		if (stored == (n + 1) / 2)
			bad |= push_ev(in, ZSIM_TRACE_MARK, MARK_HALF, 0, &ts);
		if (disk_pages < n && stored == (disk_pages + 1) / 2)
			bad |= push_ev(in, ZSIM_TRACE_MARK, MARK_DISK_HALF, 0, &ts);
	}
	bad |= push_ev(in, ZSIM_TRACE_MARK, MARK_END, 0, &ts);
	const uint64_t stride = n > SIZE_LOADS ? n / SIZE_LOADS : 1;
	for (uint64_t p = 0; p < n && !bad; p += stride) {
		bad |= push_ev(in, ZSIM_TRACE_LOAD, p, 0, &ts);
		bad |= push_ev(in, ZSIM_TRACE_INVALIDATE, p, 0, &ts);
	}
	free(old);
	return bad ? BX_INTERNAL : 0;
}

/* --- the cells ------------------------------------------------------------ */

static double pct_change(double half, double all)
{
	return all > 0 && half > 0 ? (all - half) / all * 100.0 : 0;
}

static const struct zsim_zswap_stats *zswap_mark(const struct bench_result *r, uint64_t id)
{
	for (size_t i = 0; i < r->nphases; i++)
		if (r->phases[i].mark == id)
			return &r->phases[i].st;
	return NULL;
}

static double zswap_ratio(const struct zsim_zswap_stats *st)
{
	return st && st->pool_total_size ? bench_ratio(st) : 0;
}

static void run_zswap_cell(const struct bench_input *in, const struct size_opts *o,
			   uint64_t ram_sim, double scale, struct size_cell *c)
{
	struct bench_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	char err[256];
	if ((o->profile && bench_config_set(&cfg, "profile", o->profile, err, sizeof(err))) ||
	    bench_config_set(&cfg, "compressor", c->compressor, err, sizeof(err))) {
		c->status = BX_CONFIG;
		snprintf(c->err, sizeof(c->err), "%s", err);
		bench_config_free(&cfg);
		return;
	}
	cfg.max_pool_percent = o->max_pool_percent;
	cfg.ram_bytes = ram_sim;
	cfg.cpus = o->cpus;
	struct bench_run_opts ro;
	memset(&ro, 0, sizeof(ro));
	ro.threads = 1;         /* deterministic: the same counters every time */
	ro.threads_set = true;
	ro.swap_file = true;    /* pages written back cost disk, not this RAM */
	ro.progress = !o->quiet && bench_progress_allowed();
	ro.sample_every = in->n; /* the marks carry the figures */
	struct bench_result res;
	int rc = bench_replay(in, &cfg, &ro, &res);
	if (rc) {
		c->status = rc;
		snprintf(c->err, sizeof(c->err), "%s", res.errmsg);
		bench_result_free(&res);
		bench_config_free(&cfg);
		return;
	}
	c->status = res.c.replay_errors ? BX_REPLAY : 0;
	if (c->status)
		snprintf(c->err, sizeof(c->err), "%s", res.first_replay_error);
	snprintf(c->codec, sizeof(c->codec), "%s", res.codec_desc);
	const struct zsim_zswap_stats *end = zswap_mark(&res, MARK_END),
				      *half = zswap_mark(&res, MARK_HALF),
				      *mine = zswap_mark(&res, MARK_OWN);
	if (!end) {
		c->status = BX_INTERNAL;
		snprintf(c->err, sizeof(c->err), "the replay recorded no end mark");
	} else {
		c->has_limit = true;
		c->pool = (uint64_t)llround((double)end->pool_total_size * scale);
		c->stored = (uint64_t)llround((double)end->stored_pages * scale);
		c->zero = (uint64_t)llround((double)end->swpout_zero * scale);
		c->to_disk = (uint64_t)llround((double)end->pswpout * scale);
		c->written_back = (uint64_t)llround((double)end->written_back_pages * scale);
		c->rejected = c->to_disk > c->written_back ? c->to_disk - c->written_back : 0;
		c->ratio = zswap_ratio(end);
		c->ratio_half = zswap_ratio(half);
		if (mine && mine->stored_pages && end->stored_pages) {
			c->own_valid = true;
			c->ratio_own = zswap_ratio(mine);
			/* What the own-pages pool holds beyond its share of the
			 * whole run's bytes per page: zsmalloc's fixed part. */
			c->own_fixed = (double)mine->pool_total_size -
				       (double)end->pool_total_size * (double)mine->stored_pages /
					       (double)end->stored_pages;
		}
	}
	c->store_p50 = bench_hist_quantile(&res.lat.wall[BOP_STORE], 0.5);
	c->store_p99 = bench_hist_quantile(&res.lat.wall[BOP_STORE], 0.99);
	c->loads = res.lat.wall[BOP_LOAD].count;
	c->load_p50 = bench_hist_quantile(&res.lat.wall[BOP_LOAD], 0.5);
	c->load_p99 = bench_hist_quantile(&res.lat.wall[BOP_LOAD], 0.99);
	c->wall_s = res.wall_s;
	bench_result_free(&res);
	bench_config_free(&cfg);
}

static const struct zsim_zram_stats *zram_mark(const struct bench_zram_result *r, uint64_t id)
{
	for (size_t i = 0; i < r->nmarks; i++)
		if (r->mark_id[i] == id)
			return &r->mark_stats[i];
	return NULL;
}

static double zram_ratio(const struct zsim_zram_stats *s)
{
	return s && s->mem_used_total ? (double)s->orig_data_size / (double)s->mem_used_total : 0;
}

static void run_zram_cell(const struct bench_input *in, const struct size_opts *o,
			  uint64_t disk_sim, uint64_t memlim_sim, double scale,
			  struct size_cell *c)
{
	struct bench_zram_result r;
	memset(&r, 0, sizeof(r));
	r.frontend = "zram";
	r.profile = o->profile ? o->profile : "6.12";
	r.compressor = c->compressor;
	r.nr_cpus = o->cpus;
	r.progress = !o->quiet && bench_progress_allowed();
	bench_hist_init(&r.store);
	bench_hist_init(&r.load);
	bench_zram_replay(in, memlim_sim, disk_sim, false, &r);
	if (r.status) {
		c->status = r.status;
		snprintf(c->err, sizeof(c->err), "%s", r.err);
		return;
	}
	snprintf(c->codec, sizeof(c->codec), "%s", r.compressor ? r.compressor : c->compressor);
	const struct zsim_zram_stats *end = zram_mark(&r, MARK_END), *half = zram_mark(&r, MARK_HALF),
				     *mine = zram_mark(&r, MARK_OWN);
	/* A device smaller than the swap-out is full before half way: its
	 * half is half of what it holds. */
	if (r.beyond && zram_mark(&r, MARK_DISK_HALF))
		half = zram_mark(&r, MARK_DISK_HALF);
	if (!end) {
		c->status = BX_INTERNAL;
		snprintf(c->err, sizeof(c->err), "the replay recorded no end mark");
		return;
	}
	c->has_limit = o->mem_limit != 0;
	c->pool = (uint64_t)llround((double)end->mem_used_total * scale);
	c->stored = (uint64_t)llround((double)end->orig_data_size / ZSIM_PAGE_SIZE * scale);
	c->zero = (uint64_t)llround((double)end->swpout_zero * scale);
	c->past_disksize = (uint64_t)llround((double)r.beyond * scale);
	c->refused = (uint64_t)llround((double)end->failed_writes * scale);
	c->to_disk = c->past_disksize + c->refused;
	c->ratio = zram_ratio(end);
	c->ratio_half = zram_ratio(half);
	if (mine && mine->orig_data_size && end->orig_data_size) {
		c->own_valid = true;
		c->ratio_own = zram_ratio(mine);
		c->own_fixed = (double)mine->mem_used_total -
			       (double)end->mem_used_total * (double)mine->orig_data_size /
				       (double)end->orig_data_size;
	}
	c->store_p50 = bench_hist_quantile(&r.store, 0.5);
	c->store_p99 = bench_hist_quantile(&r.store, 0.99);
	c->loads = r.load.count;
	c->load_p50 = bench_hist_quantile(&r.load, 0.5);
	c->load_p99 = bench_hist_quantile(&r.load, 0.99);
	c->wall_s = r.wall_s;
}

/* --- report --------------------------------------------------------------- */

static char *hb(uint64_t b, char *buf, size_t len)
{
	return bench_human_bytes(b, buf, len);
}

static char *shb(int64_t b, char *buf, size_t len)
{
	if (b >= 0)
		return hb((uint64_t)b, buf, len);
	char t[32];
	snprintf(buf, len, "-%s", hb((uint64_t)(-b), t, sizeof(t)));
	return buf;
}

static char *us(uint64_t ns, char *buf, size_t len)
{
	snprintf(buf, len, ns < 10000 ? "%.2f" : "%.1f", (double)ns / 1e3);
	return buf;
}

/* The recommendation for one frontend: fewer pages out of compressed RAM
 * first (a difference over 1% of the anon), then a pool at least 10%
 * smaller, else the faster store. Index into cells, or -1. */
static int pick(const struct size_cell *cells, size_t n, const char *fe, uint64_t anon_pages)
{
	int best = -1;
	for (size_t i = 0; i < n; i++) {
		const struct size_cell *c = &cells[i];
		if (strcmp(c->frontend, fe) || c->status)
			continue;
		if (best < 0) {
			best = (int)i;
			continue;
		}
		const struct size_cell *b = &cells[best];
		const double tol = (double)anon_pages / 100.0;
		if (fabs((double)c->to_disk - (double)b->to_disk) > tol) {
			if (c->to_disk < b->to_disk)
				best = (int)i;
		} else if ((double)c->pool < 0.9 * (double)b->pool) {
			best = (int)i;
		} else if ((double)b->pool >= 0.9 * (double)c->pool && c->store_p50 < b->store_p50) {
			best = (int)i;
		}
	}
	return best;
}

static void recommend_text(const struct size_cell *cells, size_t n, int best, char *out,
			   size_t len)
{
	const struct size_cell *b = &cells[best];
	char p[32], l[32], h[32], d[32], s1[16], s2[16];
	size_t k = 0;
#define ADD(...)                                                                   \
	do {                                                                       \
		int w_ = snprintf(out + k, k < len ? len - k : 0, __VA_ARGS__);    \
		if (w_ > 0)                                                        \
			k += (size_t)w_;                                           \
	} while (0)
	ADD("%s: choose %s: pool %s", b->frontend, b->compressor, hb(b->pool, p, sizeof(p)));
	if (b->has_limit)
		ADD(" of the %s limit (headroom %s)", hb(b->limit, l, sizeof(l)),
		    shb(b->headroom, h, sizeof(h)));
	if (b->to_disk)
		ADD(", %" PRIu64 " pages (%s) not kept compressed in RAM", b->to_disk,
		    hb(b->to_disk * ZSIM_PAGE_SIZE, d, sizeof(d)));
	else
		ADD(", every page kept compressed in RAM");
	ADD(", ratio %.2f, store p50 %s us", b->ratio, us(b->store_p50, s1, sizeof(s1)));
	for (size_t i = 0; i < n; i++) {
		const struct size_cell *c = &cells[i];
		if ((int)i == best || strcmp(c->frontend, b->frontend) || c->status)
			continue;
		ADD("; %s", c->compressor);
		if (c->to_disk != b->to_disk)
			ADD(" would leave %" PRIu64 " pages %s out of compressed RAM", c->to_disk > b->to_disk ? c->to_disk - b->to_disk : b->to_disk - c->to_disk,
			    c->to_disk > b->to_disk ? "more" : "fewer");
		if (c->pool >= b->pool)
			ADD("%s needs %s more pool", c->to_disk != b->to_disk ? " and" : "",
			    hb(c->pool - b->pool, d, sizeof(d)));
		else
			ADD("%s needs %s less pool", c->to_disk != b->to_disk ? " and" : "",
			    hb(b->pool - c->pool, d, sizeof(d)));
		ADD(" at store p50 %s us instead of %s", us(c->store_p50, s2, sizeof(s2)),
		    us(b->store_p50, s1, sizeof(s1)));
	}
	ADD(". ");
	/* Why. */
	bool reason = false;
	for (size_t i = 0; i < n && !reason; i++) {
		const struct size_cell *c = &cells[i];
		if ((int)i == best || strcmp(c->frontend, b->frontend) || c->status)
			continue;
		if (c->to_disk > b->to_disk)
			ADD("Why: it keeps the most pages compressed in RAM.");
		else if ((double)b->pool < 0.9 * (double)c->pool)
			ADD("Why: its pool is %.0f%% smaller; take a faster one only if swap-out "
			    "latency matters more than that memory.",
			    (1.0 - (double)b->pool / (double)c->pool) * 100.0);
		else
			ADD("Why: the pools are within 10%%, and it stores fastest.");
		reason = true;
	}
	if (!reason)
		ADD("Why: it is the only compressor given.");
	if (b->past_disksize)
		ADD(" The device holds only %s of swapped pages: the other %s go to the next swap "
		    "device, or stay in RAM; --disksize %s or more keeps them all.",
		    hb(b->limit_disk, l, sizeof(l)), hb(b->past_disksize * ZSIM_PAGE_SIZE, d, sizeof(d)),
		    hb(b->anon_bytes, h, sizeof(h)));
	if (b->has_limit && b->headroom < 0)
		ADD(" The pool exceeds the limit at the end of the run: the limit was reached "
		    "and pages were written back or refused.");
	else if (b->has_limit && (double)b->headroom < 0.1 * (double)b->limit)
		ADD(" Less than 10%% headroom: more anon would start writeback.");
#undef ADD
}

int bench_size_main(int argc, char **argv)
{
	struct size_opts o;
	memset(&o, 0, sizeof(o));
	o.zswap = o.zram = true;
	o.in.seed = 1;
	char *argv0 = argv[0];
	argv[0] = (char *)bench_prog;
	parse(&o, argc, argv);
	argv[0] = argv0;
	bench_verbosity = o.quiet ? 0 : o.verbose ? 2 : 1;

	struct zsim_zswap_config def;
	zsim_zswap_config_init(&def);
	if (!o.ram_set)
		o.ram = machine_ram();
	if (!o.cpus)
		o.cpus = online_cpus();
	if (!o.max_pool_percent)
		o.max_pool_percent = def.max_pool_percent;
	const uint64_t ram_pages = o.ram / ZSIM_PAGE_SIZE;
	if (!o.anon_set)
		o.anon_pages = ram_pages / 2;
	if (!o.disksize_set)
		o.disksize = o.ram / 2 < ZRAM_GEN_CAP ? o.ram / 2 : ZRAM_GEN_CAP;
	o.disksize -= o.disksize % ZSIM_PAGE_SIZE;
	if (o.sample_all && o.anon_pages > (UINT64_C(1) << 32))
		die(BX_USAGE, "--sample all: %" PRIu64 " pages are more than one swap type holds "
			      "(2^32); give --sample N", o.anon_pages);
	uint64_t n = o.sample_all ? o.anon_pages : o.sample ? o.sample : SIZE_DEFAULT_SAMPLE;
	if (n > o.anon_pages)
		n = o.anon_pages;
	const double scale = (double)o.anon_pages / (double)n;
	/* The machine scaled down by the sample's share of the anon. */
	uint64_t ram_sim = (uint64_t)((double)ram_pages / scale) * ZSIM_PAGE_SIZE;
	if (ram_sim < (UINT64_C(1) << 20))
		die(BX_USAGE, "--sample %" PRIu64 " is too small for %" PRIu64
			      " anon pages on this RAM (the scaled machine would have under 1 MiB); "
			      "give a larger --sample",
		    n, o.anon_pages);
	uint64_t disk_sim = (uint64_t)((double)(o.disksize / ZSIM_PAGE_SIZE) / scale) * ZSIM_PAGE_SIZE;
	uint64_t memlim_sim = o.mem_limit ? (uint64_t)((double)o.mem_limit / scale) : 0;
	if (o.mem_limit && memlim_sim < ZSIM_PAGE_SIZE)
		memlim_sim = ZSIM_PAGE_SIZE;
	if (disk_sim < ZSIM_PAGE_SIZE)
		disk_sim = ZSIM_PAGE_SIZE;
	const uint64_t limit_zswap = ram_pages * o.max_pool_percent / 100 * ZSIM_PAGE_SIZE;

	/* The compressors of each frontend. */
	const char *zs_comp[SIZE_MAX_COMP], *zr_comp[SIZE_MAX_COMP];
	unsigned nzs = 0, nzr = 0;
	if (o.ncomp) {
		for (unsigned i = 0; i < o.ncomp; i++)
			zs_comp[nzs++] = zr_comp[nzr++] = o.comp[i];
	} else {
		zs_comp[nzs++] = "lz4";
		zs_comp[nzs++] = "zstd";
		zr_comp[nzr++] = "lzo-rle";
		zr_comp[nzr++] = "lz4";
		zr_comp[nzr++] = "zstd";
	}
	if (!o.zswap)
		nzs = 0;
	if (!o.zram)
		nzr = 0;
	/* Names first, so a typo fails before minutes of replay. */
	for (unsigned i = 0; i < nzs; i++) {
		struct bench_config cfg;
		memset(&cfg, 0, sizeof(cfg));
		char err[400];
		bench_config_set(&cfg, "compressor", zs_comp[i], err, sizeof(err));
		if (o.profile)
			bench_config_set(&cfg, "profile", o.profile, err, sizeof(err));
		int rc = bench_config_check(&cfg, err, sizeof(err));
		bench_config_free(&cfg);
		if (rc)
			die(rc, "%s", err);
	}
	if (nzr) {
		/* zram's profiles and algorithms are its own (zram.h). */
		struct zsim_zram_config zc;
		zsim_zram_config_init(&zc);
		zc.profile = o.profile ? o.profile : "6.12";
		struct zsim_zram *z;
		if (zsim_zram_create(&zc, &z)) {
			char list[160] = "";
			for (const char *const *p = zsim_zram_profiles(); p && *p; p++) {
				size_t l = strlen(list);
				snprintf(list + l, sizeof(list) - l, "%s%s", l ? ", " : "", *p);
			}
			die(BX_CONFIG, "unknown zram profile '%s' (zram has %s; --frontend zswap "
				       "for the others)", zc.profile, list);
		}
		for (unsigned i = 0; i < nzr; i++)
			if (zsim_zram_set_comp_algorithm(z, zr_comp[i])) {
				char msg[256];
				snprintf(msg, sizeof(msg), "%s", zsim_zram_last_error(z));
				zsim_zram_destroy(z);
				die(BX_CONFIG, "zram cannot use compressor '%s': %s", zr_comp[i], msg);
			}
		zsim_zram_destroy(z);
	}

	o.in.workload = WL_FILL;
	o.in.pages = n;
	o.in.gen_threads = online_cpus();
	struct bench_input in;
	char err[512];
	int rc = bench_input_load(&o.in, &in, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "%s: size: %s\n", bench_prog, err);
		return rc;
	}
	const uint64_t distinct = in.corpus ? in.corpus_pages : n; /* synthetic: all distinct */
	const bool cycled = in.corpus && o.anon_pages > in.corpus_pages;
	char input_label[sizeof(in.label)];
	if (in.corpus_path)
		snprintf(input_label, sizeof(input_label), "%s (%" PRIu64 " pages%s%s)",
			 in.corpus_path, in.corpus_pages, in.snapshot_desc[0] ? "; " : "",
			 in.snapshot_desc);
	else
		snprintf(input_label, sizeof(input_label),
			 "synthetic content (mix %s, seed %" PRIu64 ")",
			 o.in.mix ? o.in.mix : bench_synthetic_mix_text(), o.in.seed);
	if ((rc = build_events(&in, n, distinct < n ? distinct : 0,
			       nzr ? disk_sim / ZSIM_PAGE_SIZE : n))) {
		fprintf(stderr, "%s: size: out of memory building the replay\n", bench_prog);
		bench_input_free(&in);
		return rc;
	}

	const size_t ncell = nzs + nzr;
	struct size_cell *cells = calloc(ncell ? ncell : 1, sizeof(*cells));
	if (!cells)
		die(BX_INTERNAL, "out of memory");
	int status = BX_OK;
	for (size_t i = 0; i < ncell; i++) {
		struct size_cell *c = &cells[i];
		c->frontend = i < nzs ? "zswap" : "zram";
		snprintf(c->compressor, sizeof(c->compressor), "%s",
			 i < nzs ? zs_comp[i] : zr_comp[i - nzs]);
		if (!o.quiet && bench_progress_allowed())
			fprintf(stderr, "%s: size [%zu/%zu] %s %s, %" PRIu64 " pages\n", bench_prog,
				i + 1, ncell, c->frontend, c->compressor, n);
		if (i < nzs) {
			run_zswap_cell(&in, &o, ram_sim, scale, c);
			c->limit = limit_zswap;
		} else {
			run_zram_cell(&in, &o, disk_sim, memlim_sim, scale, c);
			c->limit = o.mem_limit;
			c->limit_disk = o.disksize;
			c->anon_bytes = o.anon_pages * ZSIM_PAGE_SIZE;
		}
		c->headroom = c->has_limit ? (int64_t)c->limit - (int64_t)c->pool : 0;
		if (c->status) {
			fprintf(stderr, "%s: size: %s %s: %s\n", bench_prog, c->frontend,
				c->compressor, c->err);
			if (!status)
				status = c->status;
		}
	}

	/* --- text --- */
	FILE *out = o.json && !strcmp(o.json, "-") ? stderr : stdout;
	char b1[32], b2[32], b3[32], b4[32];
	char note_scale[320] = "";
	if (n < o.anon_pages)
		snprintf(note_scale, sizeof(note_scale),
			 "replayed %" PRIu64 " pages (1/%.4g of the anon) on a machine scaled down by "
			 "the same factor (RAM %s, zram disksize %s); counts and bytes scaled back "
			 "x%.4g (--sample all replays every page)",
			 n, scale, hb(ram_sim, b1, sizeof(b1)), hb(disk_sim, b2, sizeof(b2)), scale);
	else
		snprintf(note_scale, sizeof(note_scale), "replayed every page (%" PRIu64 "), not scaled",
			 n);
	char note_cycle[600] = "";
	if (cycled)
		snprintf(note_cycle, sizeof(note_cycle),
			 "the %" PRIu64 " distinct pages are cycled %.1f times to make the anon: a "
			 "cycled run's ratio is higher than the pages' own run (own, below) because "
			 "zsmalloc's partly filled zspages (about one per size class) are a fixed cost "
			 "(own fixed, below) that a few thousand pages do not amortise and gigabytes "
			 "do; for sizing trust the cycled ratio, if the pages are representative: "
			 "cycling adds no new content (docs/bench.md)",
			 distinct, (double)o.anon_pages / (double)distinct);
	else if (in.corpus && n < in.corpus_pages)
		snprintf(note_cycle, sizeof(note_cycle),
			 "the first %" PRIu64 " of the %" PRIu64 " pages replayed", n, in.corpus_pages);
	if (!o.quiet) {
		fprintf(out, "%s size: %s RAM, %u CPUs, %s of anon swapped out (%" PRIu64 " pages)\n",
			bench_prog, hb(o.ram, b1, sizeof(b1)), o.cpus,
			hb(o.anon_pages * ZSIM_PAGE_SIZE, b2, sizeof(b2)), o.anon_pages);
		fprintf(out, "pages: %s\n", input_label);
		fprintf(out, "note: %s\n", note_scale);
		if (note_cycle[0])
			fprintf(out, "note: %s\n", note_cycle);
		for (int f = 0; f < 2; f++) {
			const char *fe = f == 0 ? "zswap" : "zram";
			if ((f == 0 && !nzs) || (f == 1 && !nzr))
				continue;
			fputc('\n', out);
			if (f == 0)
				fprintf(out, "zswap (profile %s, max_pool_percent %u: limit %s = %u%% of %s)\n",
					o.profile ? o.profile : def.profile, o.max_pool_percent,
					hb(limit_zswap, b1, sizeof(b1)), o.max_pool_percent,
					hb(o.ram, b2, sizeof(b2)));
			else
				fprintf(out, "zram (profile %s, disksize %s%s, mem_limit %s)\n",
					o.profile ? o.profile : "6.12", hb(o.disksize, b1, sizeof(b1)),
					o.disksize_set ? "" : " = min(RAM/2, 4 GiB), zram-generator's default",
					o.mem_limit ? hb(o.mem_limit, b2, sizeof(b2)) : "none");
			fprintf(out, "%-10s %10s %10s %10s %6s %7s %7s %7s %11s %11s %s\n", "compressor",
				"pool", "limit", "headroom", "ratio", "at 50%", "moves", "own",
				"store us", "load us",
				f == 0 ? "to disk (written back + rejected)"
				       : "not in zram (past disksize + mem_limit)");
			for (size_t i = 0; i < ncell; i++) {
				const struct size_cell *c = &cells[i];
				if (strcmp(c->frontend, fe))
					continue;
				if (c->status) {
					fprintf(out, "%-10s failed: %s\n", c->compressor, c->err);
					continue;
				}
				char own[16] = "-", st[32], ld[32], s1[16], s2[16];
				if (c->own_valid)
					snprintf(own, sizeof(own), "%.2f", c->ratio_own);
				snprintf(st, sizeof(st), "%s/%s", us(c->store_p50, s1, sizeof(s1)),
					 us(c->store_p99, s2, sizeof(s2)));
				snprintf(ld, sizeof(ld), "%s/%s", us(c->load_p50, s1, sizeof(s1)),
					 us(c->load_p99, s2, sizeof(s2)));
				fprintf(out, "%-10s %10s %10s %10s %6.2f %7.2f %6.2f%% %7s %11s %11s ",
					c->compressor, hb(c->pool, b1, sizeof(b1)),
					c->has_limit ? hb(c->limit, b2, sizeof(b2)) : "none",
					c->has_limit ? shb(c->headroom, b3, sizeof(b3)) : "-", c->ratio,
					c->ratio_half, pct_change(c->ratio_half, c->ratio), own, st, ld);
				if (f == 0)
					fprintf(out, "%" PRIu64 " (%" PRIu64 " + %" PRIu64 ")\n", c->to_disk,
						c->written_back, c->rejected);
				else
					fprintf(out, "%" PRIu64 " (%" PRIu64 " + %" PRIu64 ")\n", c->to_disk,
						c->past_disksize, c->refused);
			}
		}
		fprintf(out, "\ncolumns: pool = pages the allocator holds x 4096 at the end of the "
			     "swap-out; ratio = pages held x 4096 / pool; at 50%% = the ratio half way; "
			     "moves = how much the ratio still changed in the second half (small: the "
			     "sample is enough); own = the ratio after one pass over the distinct pages; "
			     "store/load = median/p99 per page on this machine (loads: %" PRIu64
			     " pages faulted back in)\n",
			cells[0].loads);
		for (size_t i = 0; i < ncell; i++)
			if (!cells[i].status && cells[i].own_valid)
				fprintf(out, "own vs cycled: %s %s %.2f -> %.2f; zsmalloc's fixed part "
					     "of the own-pages pool: %s\n",
					cells[i].frontend, cells[i].compressor, cells[i].ratio_own,
					cells[i].ratio, shb((int64_t)llround(cells[i].own_fixed), b4, sizeof(b4)));
		for (size_t i = 0; i < ncell; i++)
			if (!cells[i].status && fabs(pct_change(cells[i].ratio_half, cells[i].ratio)) > 2)
				fprintf(out, "warning: %s %s: the ratio still moves %.1f%% between half "
					     "and the whole run: the pages may not be enough to size from\n",
					cells[i].frontend, cells[i].compressor,
					pct_change(cells[i].ratio_half, cells[i].ratio));
		fputc('\n', out);
	}
	char rec[2][1400];
	int best[2] = {-1, -1};
	for (int f = 0; f < 2; f++) {
		rec[f][0] = 0;
		best[f] = pick(cells, ncell, f == 0 ? "zswap" : "zram", o.anon_pages);
		if (best[f] >= 0)
			recommend_text(cells, ncell, best[f], rec[f], sizeof(rec[f]));
		if (!o.quiet && rec[f][0])
			fprintf(out, "recommendation: %s\n", rec[f]);
	}

	/* --- JSON --- */
	if (o.json) {
		json_t *root = json_object();
		bench_json_put_envelope(root);
		json_object_set_new(root, "command", json_string("size"));
		json_t *m = json_object();
		json_object_set_new(m, "ram_bytes", bench_ju(o.ram));
		json_object_set_new(m, "cpus", json_integer(o.cpus));
		json_object_set_new(root, "machine", m);
		json_t *a = json_object();
		json_object_set_new(a, "pages", bench_ju(o.anon_pages));
		json_object_set_new(a, "bytes", bench_ju(o.anon_pages * ZSIM_PAGE_SIZE));
		json_object_set_new(root, "anon", a);
		json_t *p = json_object();
		json_object_set_new(p, "label", json_string(input_label));
		json_object_set_new(p, "distinct_pages", bench_ju(distinct));
		json_object_set_new(p, "cycled", json_boolean(cycled));
		json_object_set_new(p, "cycles", bench_jd(in.corpus ? (double)o.anon_pages / (double)distinct : 1));
		json_object_set_new(root, "pages", p);
		json_t *s = json_object();
		json_object_set_new(s, "pages", bench_ju(n));
		json_object_set_new(s, "scale", bench_jd(scale));
		json_object_set_new(s, "ram_bytes", bench_ju(ram_sim));
		json_object_set_new(s, "zram_disksize_bytes", bench_ju(disk_sim));
		json_object_set_new(s, "note", json_string(note_scale));
		json_object_set_new(root, "replay", s);
		if (note_cycle[0])
			json_object_set_new(root, "cycle_note", json_string(note_cycle));
		json_t *zs = json_object();
		json_object_set_new(zs, "profile", json_string(o.profile ? o.profile : def.profile));
		json_object_set_new(zs, "max_pool_percent", json_integer(o.max_pool_percent));
		json_object_set_new(zs, "limit_bytes", bench_ju(limit_zswap));
		json_object_set_new(root, "zswap", zs);
		json_t *zr = json_object();
		json_object_set_new(zr, "profile", json_string(o.profile ? o.profile : "6.12"));
		json_object_set_new(zr, "disksize_bytes", bench_ju(o.disksize));
		json_object_set_new(zr, "disksize_default", json_boolean(!o.disksize_set));
		json_object_set_new(zr, "mem_limit_bytes", o.mem_limit ? bench_ju(o.mem_limit) : json_null());
		json_object_set_new(root, "zram", zr);
		json_t *arr = json_array();
		for (size_t i = 0; i < ncell; i++) {
			const struct size_cell *c = &cells[i];
			json_t *j = json_object();
			json_object_set_new(j, "frontend", json_string(c->frontend));
			json_object_set_new(j, "compressor", json_string(c->compressor));
			json_object_set_new(j, "status", json_integer(c->status));
			if (c->status) {
				json_object_set_new(j, "error", json_string(c->err));
				json_array_append_new(arr, j);
				continue;
			}
			json_object_set_new(j, "codec", json_string(c->codec));
			json_object_set_new(j, "pool_bytes", bench_ju(c->pool));
			json_object_set_new(j, "limit_bytes", c->has_limit ? bench_ju(c->limit) : json_null());
			json_object_set_new(j, "headroom_bytes",
					    c->has_limit ? json_integer(c->headroom) : json_null());
			json_object_set_new(j, "stored_pages", bench_ju(c->stored));
			json_object_set_new(j, "zero_pages", bench_ju(c->zero));
			json_object_set_new(j, "to_disk_pages", bench_ju(c->to_disk));
			if (!strcmp(c->frontend, "zswap")) {
				json_object_set_new(j, "written_back_pages", bench_ju(c->written_back));
				json_object_set_new(j, "rejected_pages", bench_ju(c->rejected));
			} else {
				json_object_set_new(j, "past_disksize_pages", bench_ju(c->past_disksize));
				json_object_set_new(j, "refused_pages", bench_ju(c->refused));
			}
			json_object_set_new(j, "ratio", bench_jd(c->ratio));
			json_object_set_new(j, "ratio_half", bench_jd(c->ratio_half));
			json_object_set_new(j, "convergence_pct", bench_jd(pct_change(c->ratio_half, c->ratio)));
			json_object_set_new(j, "ratio_own", c->own_valid ? bench_jd(c->ratio_own) : json_null());
			json_object_set_new(j, "own_fixed_bytes",
					    c->own_valid ? bench_jd(c->own_fixed) : json_null());
			json_t *l = json_object(), *st = json_object(), *ld = json_object();
			json_object_set_new(st, "p50", bench_ju(c->store_p50));
			json_object_set_new(st, "p99", bench_ju(c->store_p99));
			json_object_set_new(ld, "p50", bench_ju(c->load_p50));
			json_object_set_new(ld, "p99", bench_ju(c->load_p99));
			json_object_set_new(ld, "count", bench_ju(c->loads));
			json_object_set_new(l, "store", st);
			json_object_set_new(l, "load", ld);
			json_object_set_new(j, "latency_ns", l);
			json_object_set_new(j, "wall_s", bench_jd(c->wall_s));
			json_array_append_new(arr, j);
		}
		json_object_set_new(root, "cells", arr);
		json_t *r = json_object();
		for (int f = 0; f < 2; f++) {
			if (best[f] < 0)
				continue;
			json_t *o1 = json_object();
			json_object_set_new(o1, "compressor", json_string(cells[best[f]].compressor));
			json_object_set_new(o1, "text", json_string(rec[f]));
			json_object_set_new(r, f == 0 ? "zswap" : "zram", o1);
		}
		json_object_set_new(root, "recommendation", r);
		FILE *j = strcmp(o.json, "-") ? fopen(o.json, "w") : stdout;
		if (!j) {
			fprintf(stderr, "%s: size: %s: cannot create: %s\n", bench_prog, o.json,
				strerror(errno));
			status = BX_IO;
		} else {
			int bad = bench_json_dump(j, root, false);
			fputc('\n', j);
			if ((j != stdout && fclose(j)) || (j == stdout && fflush(j)) || bad) {
				fprintf(stderr, "%s: size: %s: write error: %s\n", bench_prog, o.json,
					strerror(errno));
				status = BX_IO;
			}
		}
		json_decref(root);
	}
	free(cells);
	bench_input_free(&in);
	return status;
}
