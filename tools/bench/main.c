/*
 * main.c - zswapsim-bench's command line: `run` (the default), `compare`,
 * `sweep` and `convert`, option parsing, --help and the exit codes. Built
 * on the public API only. The tool plays the part of the kernel's reclaim
 * and fault paths (which pages are swapped out and in, and when); the
 * library plays zswap.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "harvest.h"
#include "zram_run.h"

/* Every verb, for "unknown command" messages (keep in step with main()). */
static const char bench_verbs[] =
	"run, compare, sweep, convert, size, harvest, pagestore, convert-capture";

static void usage(FILE *out)
{
	struct zsim_zswap_config def;
	zsim_zswap_config_init(&def);
	fprintf(out,
"usage: zswapsim-bench [run] [INPUT] [CONFIG] [RUN OPTIONS]\n"
"       zswapsim-bench compare [INPUT] CONFIGS [RUN OPTIONS]\n"
"       zswapsim-bench sweep [-i INPUT_SPEC]... CONFIGS --out DIR [--jobs N] [--emit-jobs FILE]\n"
"       zswapsim-bench sweep --merge DIR\n"
"       zswapsim-bench convert IN OUT [--to csv|binary]\n"
"       zswapsim-bench size --ram SIZE --anon SIZE [--corpus FILE] ... (the pool,\n"
"       limit and headroom per compressor for that much swapped anon: size --help)\n"
"       zswapsim-bench harvest|pagestore|convert-capture ... (real pages and\n"
"       live-kernel captures: see each one's --help)\n"
"\n"
"Replays swap-outs and swap-ins through the simulated zswap (libzswapsim %s) and\n"
"reports its counters under the kernel's names, latencies and throughput.\n"
"With no arguments: workload fill of %u synthetic pages (%u MiB), profile %s,\n"
"compressor %s. docs/bench.md has the details.\n"
"\n"
"INPUT\n"
"  --corpus FILE        page content: raw 4096-byte pages (any file whose size is a\n"
"                       multiple of 4096), or a page store (harvest;\n"
"                       docs/page-store.md); default: synthetic content (below)\n"
"  --snapshot WHICH     page store: which snapshots to replay: last (default: each\n"
"                       process's last), largest (each process's largest), all,\n"
"                       or one by index (pagestore info lists them)\n"
"  --trace FILE         replay a trace, binary ZSWT v1 or CSV (docs/trace-format.md)\n"
"  --workload NAME      fill (default): store every page once, offsets 0..N-1, order 0\n"
"                       usemem: fill, then fault every page back in (load, invalidate)\n"
"                       mthp: fill with folios of --order K (default 4)\n"
"                       hotcold: a process in a memcg limited to --mem-limit writes\n"
"                       its pages, then reads them 70/20/10%% from hot/warm/cold\n"
"                       regions (10/20/70%% of pages), through the memory model\n"
"  --pages N            pages of the workload (default %u, or the corpus size)\n"
"  --order K            mthp folio order (0..9)\n"
"  --ops N              hotcold reads after the writes (default 4 x pages)\n"
"  --mem-limit BYTES    hotcold memory.max (K/M/G suffixes; default half the pages)\n"
"  --seed N             seed of the synthetic content and of hotcold (default 1)\n"
"  --mix CLASS[:W],...  synthetic content: page classes (zero, same, mostly-zero,\n"
"                       text, pointer, typical, random) with weights (default 1)\n"
"  --emit-trace FILE    write the input's events as a trace (.csv: CSV, else\n"
"                       binary) and exit\n"
"  --emit-corpus FILE   write the input's pages as a raw corpus file and exit\n"
"  Synthetic content (no --corpus): a seeded mix of the pagegen classes,\n"
"  by default %s;\n"
"  a folio is one class.\n"
"\n"
"CONFIG (one simulated zswap; compare and sweep take a flag several times)\n"
"  --profile NAME       kernel profile: 6.1, 6.12, 6.13, 6.18, latest (default %s)\n"
"  --compressor NAME    lz4, lz4hc, zstd, lzo, lzo-rle, deflate, ... or a driver\n"
"                       name; NAME:level=N,params=kernel|library (default %s)\n"
"  --codec-arg KEY=VAL  appended to the compressor spec (NAME:KEY=VAL,...), for\n"
"                       driver parameters; repeatable, applies to every config\n"
"  --zpool NAME         zsmalloc (default), ideal, malloc\n"
"  --chain-size N       zsmalloc pages per zspage (4..16; default the profile's)\n"
"  --max-pool-percent N (1..100, default %u)\n"
"  --accept-threshold N (0..100, default %u)\n"
"  --ram BYTES          simulated RAM, K/M/G/T suffixes (default 8G)\n"
"  --cpus N             simulated CPUs (default: --threads if given, else this\n"
"                       machine's)\n"
"  --batch on|off|auto  compress large folios in batches through the codec's batch\n"
"                       interface (default auto: where the codec batches)\n"
"  -c, --config SPEC    compare/sweep: one configuration as\n"
"                       'profile=6.12,compressor=lz4,max-pool-percent=10'\n"
"\n"
"RUN OPTIONS\n"
"  --threads N          replay threads (default: this machine's CPUs); operations\n"
"                       on one slot keep their order; --threads 1 is deterministic\n"
"  --shrink-sched NAME  the shrink worker: sim (default: a simulated work queue,\n"
"                       deterministic per seed), inline, thread (docs/design.md)\n"
"  --sched K=NS,...     sim costs and scheduler times in simulated ns: store, reject,\n"
"                       iter, wb, run, tick, slice, wake, event; jitter=PCT;\n"
"                       cpu-sched=eevdf|cfs\n"
"  --sched-seed N       seed of the simulated schedule (default 1)\n"
"  --sched-cpus N       simulated CPUs of the schedule (default 1)\n"
"  --sched-seeds N      run: N runs with seeds --sched-seed.., and print each\n"
"                       counter's min..max and median (the kernel's envelope)\n"
"  --reclaim-batch N    sim: the storing task yields after every N pages ...\n"
"  --reclaim-sleep NS   ... sleeping NS simulated nanoseconds (default 0)\n"
"  --verify             check every loaded page against the content last stored\n"
"  --swapdev memory|file  back the swap devices by memory (default) or a temporary\n"
"                       file\n"
"  --fault SPEC         inject failures: POINT:nth=N | POINT:every=N |\n"
"                       POINT:p=P[,seed=S][,max=M]; POINT is page_alloc,\n"
"                       zs_handle, zs_desc, entry_alloc, tree_node, compress,\n"
"                       decompress, dev_write, dev_read, lru_alloc, pool_create,\n"
"                       wb_folio\n"
"  --json FILE|-        JSON report (- = stdout; the summary then goes to stderr)\n"
"  --timeline FILE.csv  run: counters every K operations, and a plot FILE.svg\n"
"  --timeline-every K   sampling period in operations (default: about 256 samples)\n"
"  -q, --quiet          no summary, no progress bar\n"
"  -v, --verbose        progress bar even when stderr is not a terminal\n"
"  --test-corrupt-slot N  TEST HOOK: flip a byte of the object stored for slot N of\n"
"                       swap type 0, so that --verify has something to catch\n"
"  -h, --help           this help\n"
"  -V, --version        the tool, library and codec library versions\n"
"\n"
"COMPARE, SWEEP\n"
"  configurations: repeat a CONFIG flag (compare pairs the Nth values; sweep\n"
"  crosses every repeated flag), or give -c SPEC several times\n"
"  -i, --input SPEC     sweep input: 'workload=fill,pages=4096,seed=2' or\n"
"                       'trace=FILE,corpus=FILE' (repeatable; default: the INPUT flags)\n"
"  --out DIR            sweep: one DIR/cell-cC-iI.json per cell, and DIR/merged.csv\n"
"  --jobs N             sweep: cells run in parallel (default: this machine's CPUs)\n"
"  --emit-jobs FILE     sweep: write one command line per cell (for GNU parallel or\n"
"                       a Slurm array) instead of running them\n"
"  --merge DIR          sweep: merge DIR/cell-*.json into a table and DIR/merged.csv\n"
"  --plot FILE.svg      compare: pool bytes, ratio, pages to disk, store/load\n"
"                       latency p50/p99, one bar per configuration; sweep (and\n"
"                       --merge): ratio, pool bytes and pages to disk per cell\n"
"  --classes            compare: the input's pages by content class, and per\n"
"                       compressor their compressed bytes and ratio (table, JSON)\n"
"  --class-plot FILE.svg  compare: the class view as a plot (implies --classes)\n"
"  --to csv|binary      convert: output form (default: by OUT's name)\n"
"\n"
"EXIT CODES\n"
"  0 success               1 internal error           2 bad command line\n"
"  3 cannot read/write     4 bad corpus file          5 unknown codec/profile/zpool\n"
"  10 not a trace (magic)  11 unsupported version     12 bad trace header\n"
"  13 truncated trace      14 malformed line/record   15 unknown op\n"
"  16 bad number           17 out of range, or not valid in the trace's state\n"
"  18 bad content\n"
"  19 content outside the corpus                      20 --verify mismatches\n"
"  21 the library refused a trace operation           22 memory model setup failed\n",
		zsim_version_string(), BENCH_DEFAULT_PAGES,
		BENCH_DEFAULT_PAGES * ZSIM_PAGE_SIZE >> 20, def.profile, def.compressor,
		BENCH_DEFAULT_PAGES, bench_synthetic_mix_text(), def.profile, def.compressor,
		def.max_pool_percent, def.accept_threshold_percent);
}

enum {
	O_CORPUS = 256, O_TRACE, O_WORKLOAD, O_PAGES, O_ORDER, O_OPS, O_SEED, O_EMIT,
	O_EMIT_CORPUS,
	O_PROFILE, O_COMPRESSOR, O_ZPOOL, O_CHAIN, O_MAXPOOL, O_ACCEPT, O_RAM, O_CPUS, O_BATCH,
	O_CODEC_ARG, O_MEM_LIMIT, O_MIX, O_SWAPDEV, O_TEST_CORRUPT, O_THREADS, O_VERIFY, O_FAULT, O_JSON, O_TIMELINE, O_TL_EVERY, O_QUIET, O_CELL,
	O_OUT, O_JOBS, O_EMIT_JOBS, O_MERGE, O_TO, O_HELP, O_VERSION, O_VERBOSE, O_SNAPSHOT,
	O_SHRINK_SCHED, O_SCHED, O_SCHED_SEED, O_SCHED_SEEDS, O_SCHED_CPUS, O_RECLAIM_BATCH, O_RECLAIM_SLEEP,
	O_PLOT, O_CLASSES, O_CLASS_PLOT,
};

static const struct option long_opts[] = {
	{"corpus", required_argument, NULL, O_CORPUS},
	{"snapshot", required_argument, NULL, O_SNAPSHOT},
	{"trace", required_argument, NULL, O_TRACE},
	{"workload", required_argument, NULL, O_WORKLOAD},
	{"pages", required_argument, NULL, O_PAGES},
	{"order", required_argument, NULL, O_ORDER},
	{"ops", required_argument, NULL, O_OPS},
	{"seed", required_argument, NULL, O_SEED},
	{"emit-trace", required_argument, NULL, O_EMIT},
	{"emit-corpus", required_argument, NULL, O_EMIT_CORPUS},
	{"profile", required_argument, NULL, O_PROFILE},
	{"compressor", required_argument, NULL, O_COMPRESSOR},
	{"zpool", required_argument, NULL, O_ZPOOL},
	{"chain-size", required_argument, NULL, O_CHAIN},
	{"max-pool-percent", required_argument, NULL, O_MAXPOOL},
	{"accept-threshold", required_argument, NULL, O_ACCEPT},
	{"ram", required_argument, NULL, O_RAM},
	{"cpus", required_argument, NULL, O_CPUS},
	{"batch", required_argument, NULL, O_BATCH},
	{"codec-arg", required_argument, NULL, O_CODEC_ARG},
	{"mem-limit", required_argument, NULL, O_MEM_LIMIT},
	{"mix", required_argument, NULL, O_MIX},
	{"swapdev", required_argument, NULL, O_SWAPDEV},
	{"test-corrupt-slot", required_argument, NULL, O_TEST_CORRUPT},
	{"config", required_argument, NULL, 'c'},
	{"threads", required_argument, NULL, O_THREADS},
	{"shrink-sched", required_argument, NULL, O_SHRINK_SCHED},
	{"sched", required_argument, NULL, O_SCHED},
	{"sched-seed", required_argument, NULL, O_SCHED_SEED},
	{"sched-seeds", required_argument, NULL, O_SCHED_SEEDS},
	{"sched-cpus", required_argument, NULL, O_SCHED_CPUS},
	{"reclaim-batch", required_argument, NULL, O_RECLAIM_BATCH},
	{"reclaim-sleep", required_argument, NULL, O_RECLAIM_SLEEP},
	{"verify", no_argument, NULL, O_VERIFY},
	{"fault", required_argument, NULL, O_FAULT},
	{"json", required_argument, NULL, O_JSON},
	{"timeline", required_argument, NULL, O_TIMELINE},
	{"timeline-every", required_argument, NULL, O_TL_EVERY},
	{"quiet", no_argument, NULL, O_QUIET},
	{"verbose", no_argument, NULL, O_VERBOSE},
	{"cell", required_argument, NULL, O_CELL},
	{"input", required_argument, NULL, 'i'},
	{"out", required_argument, NULL, O_OUT},
	{"jobs", required_argument, NULL, O_JOBS},
	{"emit-jobs", required_argument, NULL, O_EMIT_JOBS},
	{"merge", required_argument, NULL, O_MERGE},
	{"to", required_argument, NULL, O_TO},
	{"help", no_argument, NULL, O_HELP},
	{"version", no_argument, NULL, O_VERSION},
	{"plot", required_argument, NULL, O_PLOT},
	{"classes", no_argument, NULL, O_CLASSES},
	{"class-plot", required_argument, NULL, O_CLASS_PLOT},
	{NULL, 0, NULL, 0},
};

/* Config flags in the order given, per key. */
#define NKEYS 9
static const char *const key_of_opt[NKEYS] = {
	"profile", "compressor", "zpool", "chain-size", "max-pool-percent",
	"accept-threshold", "ram", "cpus", "batch",
};

struct cli {
	const char *cmd;
	struct bench_input_spec in;
	const char *emit;
	const char *emit_corpus;
	char **vals[NKEYS];
	size_t nvals[NKEYS];
	char **specs;           /* -c */
	size_t nspecs;
	char **inputs;          /* -i */
	size_t ninputs;
	char **codec_args;      /* --codec-arg, applied to every configuration */
	size_t ncodec_args;
	struct bench_run_opts o;
	struct bench_fault faults[32];
	const char *json, *timeline, *cell, *out, *emit_jobs, *merge, *to;
	uint64_t tl_every;
	unsigned jobs;
	bool quiet, verbose;
	char **pass;            /* run flags repeated in emitted job lines */
	size_t npass;
	struct bench_plot_opts plot; /* --plot, --classes, --class-plot */
};

static void die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
static void die(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("zswapsim-bench: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(code);
}

static void push(char ***v, size_t *n, char *s)
{
	char **p = realloc(*v, (*n + 1) * sizeof(*p));
	if (!p)
		die(BX_INTERNAL, "out of memory");
	p[(*n)++] = s;
	*v = p;
}

static uint64_t num_arg(const char *opt, const char *v, uint64_t min, uint64_t max)
{
	uint64_t x;
	if (bench_parse_u64(v, &x) || x < min || x > max)
		die(BX_USAGE, "bad value '%s' for --%s (%" PRIu64 "..%" PRIu64 ")", v, opt, min, max);
	return x;
}

static void parse_fault(struct cli *c, const char *spec)
{
	if (c->o.nfaults == sizeof(c->faults) / sizeof(c->faults[0]))
		die(BX_USAGE, "too many --fault options");
	char err[320];
	if (bench_fault_parse(&c->faults[c->o.nfaults], spec, err, sizeof(err)))
		die(BX_USAGE, "%s", err);
	c->o.nfaults++;
}

/* --sched store=NS,reject=NS,iter=NS,wb=NS,run=NS,tick=NS,slice=NS,wake=NS,event=NS,
 * jitter=PCT */
static void parse_sched(struct cli *c, const char *spec)
{
	char buf[256];
	if (strlen(spec) >= sizeof(buf))
		die(BX_USAGE, "--sched '%s' too long", spec);
	strcpy(buf, spec);
	struct zsim_sched_config *sc = &c->o.sched;
	for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		if (!eq)
			die(BX_USAGE, "--sched: '%s' is not KEY=VALUE", tok);
		*eq = 0;
		const char *v = eq + 1;
		const uint64_t maxns = UINT64_C(1) << 40;
		if (!strcmp(tok, "store")) sc->store_ns = num_arg("sched store", v, 1, maxns);
		else if (!strcmp(tok, "reject")) sc->reject_ns = num_arg("sched reject", v, 1, maxns);
		else if (!strcmp(tok, "run")) sc->run_ns = num_arg("sched run", v, 1, maxns);
		else if (!strcmp(tok, "iter")) sc->iter_ns = num_arg("sched iter", v, 1, maxns);
		else if (!strcmp(tok, "wb")) sc->wb_ns = num_arg("sched wb", v, 1, maxns);
		else if (!strcmp(tok, "tick")) sc->tick_ns = num_arg("sched tick", v, 1, maxns);
		else if (!strcmp(tok, "slice")) sc->slice_ns = num_arg("sched slice", v, 1, maxns);
		else if (!strcmp(tok, "wake")) sc->wake_ns = num_arg("sched wake", v, 1, maxns);
		else if (!strcmp(tok, "event")) sc->event_ns = num_arg("sched event", v, 1, maxns);
		else if (!strcmp(tok, "jitter"))
			sc->jitter_pct = (unsigned)num_arg("sched jitter", v, 0, 100) + 1;
		else if (!strcmp(tok, "cpu-sched") && !strcmp(v, "eevdf"))
			sc->scheduler = ZSIM_CPU_SCHED_EEVDF;
		else if (!strcmp(tok, "cpu-sched") && !strcmp(v, "cfs"))
			sc->scheduler = ZSIM_CPU_SCHED_CFS;
		else
			die(BX_USAGE, "--sched: unknown key '%s' (store, reject, iter, wb, run, tick, "
				      "slice, wake, event, jitter, cpu-sched=eevdf|cfs)", tok);
	}
}

static unsigned online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	if (n > 64)
		n = 64;
	return (unsigned)n;
}

static void parse(struct cli *c, int argc, char **argv)
{
	int opt;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "c:i:hVqv", long_opts, NULL)) != -1) {
		const char *name = NULL;
		for (const struct option *lo = long_opts; lo->name; lo++)
			if (lo->val == opt)
				name = lo->name;
		switch (opt) {
		case O_CORPUS: c->in.corpus = optarg; break;
		case O_SNAPSHOT: c->in.snapshot = optarg; break;
		case O_TRACE: c->in.trace = optarg; break;
		case O_WORKLOAD:
			if (bench_workload_from_name(optarg, &c->in.workload))
				die(BX_USAGE, "unknown workload '%s' (fill, usemem, mthp, hotcold)",
				    optarg);
			break;
		case O_PAGES: c->in.pages = num_arg(name, optarg, 1, UINT64_C(1) << 32); break;
		case O_ORDER:
			c->in.order = (unsigned)num_arg(name, optarg, 0, ZSIM_MAX_ORDER);
			c->in.order_set = true;
			break;
		case O_OPS: c->in.ops = num_arg(name, optarg, 1, UINT64_C(1) << 32); break;
		case O_SEED: c->in.seed = num_arg(name, optarg, 0, UINT64_MAX); break;
		case O_EMIT: c->emit = optarg; break;
		case O_EMIT_CORPUS: c->emit_corpus = optarg; break;
		case O_PROFILE: case O_COMPRESSOR: case O_ZPOOL: case O_CHAIN:
		case O_MAXPOOL: case O_ACCEPT: case O_RAM: case O_CPUS: case O_BATCH: {
			unsigned k = (unsigned)(opt - O_PROFILE);
			push(&c->vals[k], &c->nvals[k], optarg);
			break;
		}
		case O_CODEC_ARG: push(&c->codec_args, &c->ncodec_args, optarg); break;
		case O_MEM_LIMIT:
			if (bench_parse_size(optarg, &c->in.mem_limit) ||
			    c->in.mem_limit < ZSIM_PAGE_SIZE)
				die(BX_USAGE, "bad value '%s' for --mem-limit (bytes, K/M/G suffixes, "
					      ">= 4096)", optarg);
			break;
		case O_MIX: c->in.mix = optarg; break;
		case O_SWAPDEV:
			if (!strcmp(optarg, "file"))
				c->o.swap_file = true;
			else if (strcmp(optarg, "memory"))
				die(BX_USAGE, "--swapdev takes memory or file");
			push(&c->pass, &c->npass, "--swapdev");
			push(&c->pass, &c->npass, optarg);
			break;
		case O_TEST_CORRUPT:
			c->o.test_corrupt_slot = num_arg(name, optarg, 0, UINT32_MAX) + 1;
			break;
		case 'c': push(&c->specs, &c->nspecs, optarg); break;
		case 'i': push(&c->inputs, &c->ninputs, optarg); break;
		case O_THREADS:
			c->o.threads = (unsigned)num_arg(name, optarg, 1, 1024);
			c->o.threads_set = true;
			push(&c->pass, &c->npass, "--threads");
			push(&c->pass, &c->npass, optarg);
			break;
		case O_SHRINK_SCHED: {
			int v;
			if (zsim_shrink_sched_parse(optarg, &v))
				die(BX_USAGE, "unknown --shrink-sched '%s' (sim, inline, thread)", optarg);
			c->o.shrink_sched = v + 1;
			push(&c->pass, &c->npass, "--shrink-sched");
			push(&c->pass, &c->npass, optarg);
			break;
		}
		case O_SCHED:
			parse_sched(c, optarg);
			push(&c->pass, &c->npass, "--sched");
			push(&c->pass, &c->npass, optarg);
			break;
		case O_SCHED_SEED:
			c->o.sched_seed = num_arg(name, optarg, 1, UINT64_MAX);
			push(&c->pass, &c->npass, "--sched-seed");
			push(&c->pass, &c->npass, optarg);
			break;
		case O_SCHED_SEEDS: c->o.sched_seeds = (unsigned)num_arg(name, optarg, 1, 10000); break;
		case O_SCHED_CPUS:
			c->o.sched_cpus = (unsigned)num_arg(name, optarg, 1, 4096);
			push(&c->pass, &c->npass, "--sched-cpus");
			push(&c->pass, &c->npass, optarg);
			break;
		case O_RECLAIM_BATCH:
			c->o.reclaim_batch = num_arg(name, optarg, 1, UINT64_C(1) << 32);
			push(&c->pass, &c->npass, "--reclaim-batch");
			push(&c->pass, &c->npass, optarg);
			break;
		case O_RECLAIM_SLEEP:
			c->o.reclaim_sleep_ns = num_arg(name, optarg, 0, UINT64_C(1) << 40);
			push(&c->pass, &c->npass, "--reclaim-sleep");
			push(&c->pass, &c->npass, optarg);
			break;
		case O_VERIFY:
			c->o.verify = true;
			push(&c->pass, &c->npass, "--verify");
			break;
		case O_FAULT:
			parse_fault(c, optarg);
			push(&c->pass, &c->npass, "--fault");
			push(&c->pass, &c->npass, optarg);
			break;
		case O_JSON: c->json = optarg; break;
		case O_TIMELINE: c->timeline = optarg; break;
		case O_TL_EVERY: c->tl_every = num_arg(name, optarg, 1, UINT64_MAX); break;
		case 'q': case O_QUIET: c->quiet = true; c->verbose = false; break;
		case 'v': case O_VERBOSE: c->verbose = true; c->quiet = false; break;
		case O_CELL: c->cell = optarg; break;
		case O_OUT: c->out = optarg; break;
		case O_JOBS: c->jobs = (unsigned)num_arg(name, optarg, 1, 1024); break;
		case O_EMIT_JOBS: c->emit_jobs = optarg; break;
		case O_MERGE: c->merge = optarg; break;
		case O_TO: c->to = optarg; break;
		case O_PLOT: c->plot.plot = optarg; break;
		case O_CLASSES: c->plot.classes = true; break;
		case O_CLASS_PLOT: c->plot.class_plot = optarg; break;
		case 'h': case O_HELP: usage(stdout); exit(0);
		case 'V': case O_VERSION:
			bench_print_version(stdout);
			exit(0);
		default:
			fprintf(stderr, "%s: try '%s --help'\n", bench_prog, bench_prog);
			exit(BX_USAGE);
		}
	}
}

static void apply_codec_args(struct cli *c, struct bench_config *cf)
{
	char err[256];
	for (size_t i = 0; i < c->ncodec_args; i++)
		if (bench_config_set(cf, "codec-arg", c->codec_args[i], err, sizeof(err)))
			die(BX_USAGE, "bad --codec-arg '%s': expected KEY=VALUE", c->codec_args[i]);
}

static void apply_single_flags(struct cli *c, struct bench_config *base, bool allow_repeat)
{
	char err[256];
	for (unsigned k = 0; k < NKEYS; k++) {
		if (!c->nvals[k])
			continue;
		if (c->nvals[k] > 1 && !allow_repeat)
			die(BX_USAGE, "--%s given %zu times (use `compare` or `sweep` for several "
				      "configurations)",
			    key_of_opt[k], c->nvals[k]);
		if (c->nvals[k] == 1 && bench_config_set(base, key_of_opt[k], c->vals[k][0], err,
							 sizeof(err)))
			die(BX_USAGE, "%s", err);
	}
}

static int finish_run(struct cli *c, struct bench_input *in, struct bench_config *cfg)
{
	struct bench_result res;
	bench_config_label(cfg);
	if (c->o.sched_seeds > 1) {
		FILE *j = NULL;
		if (c->json && !(j = strcmp(c->json, "-") ? fopen(c->json, "w") : stdout))
			die(BX_IO, "%s: cannot create", c->json);
		FILE *sum = c->quiet ? NULL : (j == stdout ? stderr : stdout);
		int rc = bench_seed_sweep(in, cfg, &c->o, sum, j);
		if (j && j != stdout)
			fclose(j);
		return rc;
	}
	int rc = bench_replay(in, cfg, &c->o, &res);
	if (rc) {
		fprintf(stderr, "zswapsim-bench: %s\n", res.errmsg);
		bench_result_free(&res);
		return rc;
	}
	FILE *sum = c->json && !strcmp(c->json, "-") ? stderr : stdout;
	if (!c->quiet)
		bench_print_summary(sum, in, cfg, &c->o, &res);
	int status = bench_result_exit(&res, &c->o);
	if (res.c.replay_errors)
		fprintf(stderr, "zswapsim-bench: %" PRIu64 " operation%s failed; first: %s\n",
			res.c.replay_errors, res.c.replay_errors == 1 ? "" : "s",
			res.first_replay_error);
	if (c->json) {
		FILE *j = strcmp(c->json, "-") ? fopen(c->json, "w") : stdout;
		if (!j) {
			fprintf(stderr, "zswapsim-bench: %s: cannot create: %s\n", c->json, strerror(errno));
			status = BX_IO;
		} else {
			bench_write_run_json(j, in, cfg, &c->o, &res, 0, c->cell);
			fputc('\n', j);
			if ((j != stdout && fclose(j)) || (j == stdout && fflush(j))) {
				fprintf(stderr, "zswapsim-bench: %s: write error: %s\n", c->json, strerror(errno));
				status = BX_IO;
			}
		}
	}
	if (c->timeline) {
		char err[512];
		char title[480];
		snprintf(title, sizeof(title), "%s: %s", cfg->label, in->label);
		int t = bench_timeline_write(c->timeline, &res, title, err, sizeof(err));
		if (t) {
			fprintf(stderr, "zswapsim-bench: %s\n", err);
			status = t;
		}
	}
	if (status == BX_VERIFY)
		fprintf(stderr, "zswapsim-bench: verify failed: %" PRIu64 " mismatches, %" PRIu64
				" lost of %" PRIu64 " pages checked\n",
			res.c.verify_mismatches, res.c.verify_lost, res.c.verify_checked);
	bench_result_free(&res);
	return status;
}

static int cmd_convert(struct cli *c, int argc, char **argv)
{
	if (optind + 2 != argc)
		die(BX_USAGE, "usage: zswapsim-bench convert IN OUT [--to csv|binary]");
	const char *in = argv[optind], *out = argv[optind + 1];
	enum zsim_trace_format fmt = ZSIM_TRACE_FMT_AUTO;
	if (c->to) {
		if (!strcmp(c->to, "csv"))
			fmt = ZSIM_TRACE_FMT_CSV;
		else if (!strcmp(c->to, "binary") || !strcmp(c->to, "zswt"))
			fmt = ZSIM_TRACE_FMT_BINARY;
		else
			die(BX_USAGE, "--to takes csv or binary");
	}
	struct zsim_trace_error err;
	uint64_t dropped = 0;
	int rc = zsim_trace_convert(in, out, fmt, &dropped, &err);
	if (rc) {
		fprintf(stderr, "zswapsim-bench: %s\n", err.message);
		return bench_exit_for_trace(err.kind);
	}
	if (dropped)
		fprintf(stderr, "zswapsim-bench: %" PRIu64
				" events lost pid/flags/result (CSV has no such columns)\n",
			dropped);
	return 0;
}

/* Cartesian product of repeated flags (sweep) or zip (compare). */
static struct bench_config *build_configs(struct cli *c, bool product, size_t *ncfg)
{
	struct bench_config base;
	memset(&base, 0, sizeof(base));
	char err[256];
	size_t nvar = 1, zipn = 1;
	for (unsigned k = 0; k < NKEYS; k++) {
		if (c->nvals[k] > 1) {
			if (product)
				nvar *= c->nvals[k];
			else if (zipn == 1)
				zipn = c->nvals[k];
			else if (c->nvals[k] != zipn)
				die(BX_USAGE, "compare: --%s given %zu times but another flag %zu times",
				    key_of_opt[k], c->nvals[k], zipn);
		}
	}
	if (!product)
		nvar = zipn;
	if (c->nspecs && nvar > 1 && !product)
		die(BX_USAGE, "compare: use either -c SPEC or repeated flags, not both");
	apply_single_flags(c, &base, true);
	size_t nspec = c->nspecs ? c->nspecs : 1;
	size_t n = nspec * nvar;
	struct bench_config *cfgs = calloc(n, sizeof(*cfgs));
	if (!cfgs)
		die(BX_INTERNAL, "out of memory");
	for (size_t s = 0; s < nspec; s++)
		for (size_t v = 0; v < nvar; v++) {
			struct bench_config *cf = &cfgs[s * nvar + v];
			bench_config_copy(cf, &base);
			size_t rem = v;
			for (unsigned k = 0; k < NKEYS; k++) {
				if (c->nvals[k] <= 1)
					continue;
				size_t pick = product ? rem % c->nvals[k] : v;
				if (product)
					rem /= c->nvals[k];
				if (bench_config_set(cf, key_of_opt[k], c->vals[k][pick], err,
						     sizeof(err)))
					die(BX_USAGE, "%s", err);
			}
			if (c->nspecs && bench_config_parse(cf, c->specs[s], err, sizeof(err)))
				die(BX_USAGE, "-c '%s': %s", c->specs[s], err);
			apply_codec_args(c, cf);
			bench_config_label(cf);
		}
	bench_config_free(&base);
	*ncfg = n;
	return cfgs;
}

static int write_corpus(const struct bench_input *in, const char *path, char *err,
			size_t errlen)
{
	FILE *f = fopen(path, "wb");
	unsigned char buf[ZSIM_PAGE_SIZE];
	uint64_t i = 0;
	for (; f && i < in->corpus_pages; i++)
		if (fwrite(bench_input_page(in, i, buf), 1, ZSIM_PAGE_SIZE, f) != ZSIM_PAGE_SIZE)
			break;
	if (!f || i < in->corpus_pages) {
		snprintf(err, errlen, "%s: cannot write the corpus: %s", path, strerror(errno));
		if (f)
			fclose(f);
		return BX_IO;
	}
	if (fclose(f)) {
		snprintf(err, errlen, "%s: write error: %s", path, strerror(errno));
		return BX_IO;
	}
	return 0;
}

static char *self_path(const char *argv0)
{
	char buf[4096];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	if (n > 0) {
		buf[n] = 0;
		return strdup(buf);
	}
	return strdup(argv0);
}

int main(int argc, char **argv)
{
	struct cli c;
	memset(&c, 0, sizeof(c));
	c.cmd = "run";
	c.in.seed = 1;
	if (argc > 1 && !strcmp(argv[1], "size"))
		return bench_size_main(argc - 1, argv + 1); /* size.c */
	if (bench_zram_requested(argc, argv))
		return bench_zram_main(argc, argv); /* --frontend zram: zram_run.c */
	if (argc > 1 && bench_extra_command(argv[1]))
		return bench_extra_main(argc - 1, argv + 1); /* harvest, pagestore, convert-capture */
	if (argc > 1 && argv[1][0] != '-') {
		if (!strcmp(argv[1], "run") || !strcmp(argv[1], "compare") ||
		    !strcmp(argv[1], "sweep") || !strcmp(argv[1], "convert")) {
			c.cmd = argv[1];
			argv[1] = argv[0];
			argv++;
			argc--;
		} else {
			die(BX_USAGE, "unknown command '%s' (commands: %s); try --help", argv[1],
			    bench_verbs);
		}
	}
	char *argv0 = argv[0];
	argv[0] = (char *)bench_prog; /* getopt's messages name it */
	parse(&c, argc, argv);
	c.o.faults = c.faults;
	if (strcmp(c.cmd, "convert") && optind < argc)
		die(BX_USAGE, "unexpected argument '%s'; try --help", argv[optind]);
	if (!strcmp(c.cmd, "convert")) {
		int rc = cmd_convert(&c, argc, argv);
		free(c.pass);
		return rc;
	}
	const bool sweep = !strcmp(c.cmd, "sweep");
	const bool run = !strcmp(c.cmd, "run");
	if (!run && (c.timeline || c.cell || c.emit || c.emit_corpus))
		die(BX_USAGE, "--%s applies to run only",
		    c.timeline ? "timeline" : c.cell ? "cell" : c.emit ? "emit-trace" : "emit-corpus");
	if (!sweep && (c.out || c.emit_jobs || c.merge || c.ninputs || c.jobs))
		die(BX_USAGE, "--%s applies to sweep only",
		    c.out ? "out" : c.emit_jobs ? "emit-jobs" : c.merge ? "merge" : c.ninputs ? "input"
												    : "jobs");
	if (c.to)
		die(BX_USAGE, "--to applies to convert only");
	if (c.plot.plot && !sweep && strcmp(c.cmd, "compare"))
		die(BX_USAGE, "--plot applies to compare and sweep (run: --timeline)");
	if ((c.plot.classes || c.plot.class_plot) && strcmp(c.cmd, "compare"))
		die(BX_USAGE, "--%s applies to compare only", c.plot.classes ? "classes" : "class-plot");
	if (sweep && c.json)
		die(BX_USAGE, "sweep writes one JSON per cell under --out DIR; --json applies to run "
			      "and compare");
	if (sweep && !c.o.threads_set) {
		/* A sweep cell replays on one thread (and so one simulated CPU,
		 * unless --cpus says otherwise), locally and in its job line. */
		c.o.threads = 1;
		c.o.threads_set = true;
		push(&c.pass, &c.npass, "--threads");
		push(&c.pass, &c.npass, "1");
	}
	if (!c.o.threads)
		c.o.threads = online_cpus();
	bench_verbosity = c.quiet ? 0 : c.verbose ? 2 : 1;
	c.o.progress = !c.quiet && (c.verbose || isatty(STDERR_FILENO)) && !sweep;
	c.o.sample_every = c.tl_every;
	c.in.gen_threads = online_cpus();

	int rc = BX_OK;
	char err[512];
	if (sweep) {
		struct bench_sweep s;
		memset(&s, 0, sizeof(s));
		s.cfgs = c.merge ? NULL : build_configs(&c, true, &s.ncfg);
		s.inputs = c.inputs;
		s.ninputs = c.ninputs;
		s.base = c.in;
		s.out_dir = c.out;
		s.emit_jobs = c.emit_jobs;
		s.merge_dir = c.merge;
		s.jobs = c.jobs ? c.jobs : online_cpus();
		char *self = self_path(argv0);
		s.self = self;
		s.pass_args = c.pass;
		s.npass = c.npass;
		s.plot = c.plot.plot;
		rc = bench_sweep_run(&s, &c.o, c.quiet);
		for (size_t i = 0; i < s.ncfg; i++)
			bench_config_free(&s.cfgs[i]);
		free(s.cfgs);
		free(self);
	} else {
		struct bench_input in;
		rc = bench_input_load(&c.in, &in, err, sizeof(err));
		if (rc) {
			fprintf(stderr, "zswapsim-bench: %s\n", err);
		} else if (c.emit || c.emit_corpus) {
			if (c.emit) {
				rc = bench_input_emit(&in, c.emit, err, sizeof(err));
				if (!rc && !c.quiet)
					fprintf(stderr, "zswapsim-bench: wrote %zu events to %s\n", in.n, c.emit);
			}
			if (!rc && c.emit_corpus) {
				rc = write_corpus(&in, c.emit_corpus, err, sizeof(err));
				if (!rc && !c.quiet)
					fprintf(stderr, "zswapsim-bench: wrote %" PRIu64 " pages to %s\n",
						in.corpus_pages, c.emit_corpus);
			}
			if (rc)
				fprintf(stderr, "zswapsim-bench: %s\n", err);
		} else if (!strcmp(c.cmd, "compare")) {
			size_t n;
			struct bench_config *cfgs = build_configs(&c, false, &n);
			if (n < 2)
				die(BX_USAGE, "compare needs two or more configurations: repeat a "
					      "flag (--compressor lz4 --compressor zstd) or give -c SPEC "
					      "twice");
			rc = bench_compare(&in, cfgs, n, &c.o, c.json, c.quiet, &c.plot);
			for (size_t i = 0; i < n; i++)
				bench_config_free(&cfgs[i]);
			free(cfgs);
		} else {
			if (c.nspecs)
				die(BX_USAGE, "-c is for compare and sweep; use the flags for one run");
			struct bench_config cfg;
			memset(&cfg, 0, sizeof(cfg));
			apply_single_flags(&c, &cfg, false);
			apply_codec_args(&c, &cfg);
			rc = finish_run(&c, &in, &cfg);
			bench_config_free(&cfg);
		}
		bench_input_free(&in);
	}
	for (unsigned k = 0; k < NKEYS; k++)
		free(c.vals[k]);
	free(c.specs);
	free(c.inputs);
	free(c.codec_args);
	free(c.pass);
	return rc;
}
