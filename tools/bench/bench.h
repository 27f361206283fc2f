/*
 * bench.h - what the parts of zswapsim-bench share: exit codes, the
 * configuration of one simulated zswap, an input (content + events), the
 * replay options and its result. The tool uses the public API only
 * (include/zswapsim); everything here is the tool's own model of a run,
 * not the kernel's.
 */
#ifndef ZSIM_BENCH_H
#define ZSIM_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "zswapsim/zswapsim.h"

/* Exit codes (docs/bench.md and --help list them). */
enum bench_exit {
	BX_OK = 0,
	BX_INTERNAL = 1,        /* unexpected library error (out of memory ...) */
	BX_USAGE = 2,           /* bad command line */
	BX_IO = 3,              /* cannot open, read or write a file */
	BX_CORPUS = 4,          /* corpus file empty or not a multiple of 4096 */
	BX_CONFIG = 5,          /* unknown codec, profile or zpool; bad setting */
	BX_TRACE_MAGIC = 10,    /* not a trace (bad magic) */
	BX_TRACE_VERSION = 11,  /* unsupported ZSWT version */
	BX_TRACE_HEADER = 12,   /* bad header / CSV header line */
	BX_TRACE_TRUNCATED = 13,/* truncated header or record */
	BX_TRACE_SYNTAX = 14,   /* field count, long line, reserved bytes */
	BX_TRACE_OP = 15,       /* unknown op */
	BX_TRACE_NUMBER = 16,   /* bad number */
	BX_TRACE_RANGE = 17,    /* order > 9, swap type, alignment ... */
	BX_TRACE_CONTENT = 18,  /* bad content field */
	BX_TRACE_CORPUS = 19,   /* content outside the corpus */
	BX_VERIFY = 20,         /* --verify found mismatches */
	BX_REPLAY = 21,         /* the library refused a trace operation */
	BX_WORKLOAD = 22,       /* the memory model could not be set up */
};

int bench_exit_for_trace(enum zsim_trace_errc kind);

/* --- about.c: program name, version, environment ------------------------- */

extern const char bench_prog[];   /* "zswapsim-bench": every message starts so */
/* 0 = --quiet, 1 = default, 2 = --verbose (progress even off a terminal). */
extern int bench_verbosity;
/* "zswapsim-bench: MESSAGE\n" on stderr. */
void bench_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* --version: the tool, the library linked and the codec libraries. */
void bench_print_version(FILE *out);
/* "lz4 1.9.4, zstd 1.5.4, ..." */
void bench_codec_libraries_text(char *buf, size_t len);
/* Where and when a report was made. */
struct bench_env {
	char host[256];
	char sysname[80], kernel[160], machine[80]; /* uname(2) */
	char timestamp[32];                         /* UTC, ISO 8601 */
};
void bench_env_get(struct bench_env *e);

/* --- progress.c: the progress bar of a long phase ------------------------ */

struct bench_progress {
	const char *what, *unit;
	uint64_t total, t0, next, delay_ns;
	bool enabled, tty, shown;
};
/* May a bar be shown: --verbose, or a terminal and not --quiet. */
bool bench_progress_allowed(void);
/* A phase of `total` units; nothing is drawn unless enabled, nor before it
 * has run a second. Update from one thread (rate-limited inside). */
void bench_progress_start(struct bench_progress *p, const char *what, const char *unit,
			  uint64_t total, bool enabled);
void bench_progress_update(struct bench_progress *p, uint64_t done);
void bench_progress_end(struct bench_progress *p);

/* --- configuration of one simulated zswap ---------------------------- */

struct bench_config {
	char *profile;          /* NULL = library default (6.12) */
	char *compressor;       /* NULL = library default (zstd) */
	char *zpool;            /* NULL = zsmalloc */
	unsigned chain_size;    /* 0 = profile's */
	unsigned max_pool_percent; /* 0 = default 20 */
	unsigned accept_threshold; /* when accept_set; else the default (90) */
	bool accept_set;
	uint64_t ram_bytes;     /* 0 = default 8 GiB */
	unsigned cpus;          /* 0 = default (threads if given, else machine) */
	int batch;              /* zswap config batch: -1 auto (default), 0 off, 1 on */
	bool batch_set;
	char *codec_args;       /* "k=v,k=v" appended to the compressor spec */
	char label[192];
};

void bench_config_free(struct bench_config *c);
void bench_config_copy(struct bench_config *dst, const struct bench_config *src);
/* Set one key ("profile", "compressor", "zpool", "chain-size",
 * "max-pool-percent", "accept-threshold", "ram", "cpus", "batch",
 * "codec-arg"; a codec-arg appends); 0 or -1 with a message in err. */
int bench_config_set(struct bench_config *c, const char *key, const char *val,
		     char *err, size_t errlen);
/* Parse "key=value,key=value" (a compressor spec's own commas allowed). */
int bench_config_parse(struct bench_config *c, const char *spec, char *err, size_t errlen);
bool bench_config_key_known(const char *key);
void bench_config_label(struct bench_config *c);
/* The compressor spec a run uses: --compressor (or the library's
 * default) with the codec args appended ("zstd:level=3"). */
const char *bench_config_spec(const struct bench_config *c, char *buf, size_t len);
/* Resolve defaults into a library config; spec_buf (256 bytes) holds the
 * compressor spec zc->compressor points at. */
void bench_config_to_zswap(const struct bench_config *c, unsigned default_cpus,
			   struct zsim_zswap_config *zc, char *spec_buf, size_t spec_len);
/* Check names before creating: 0 or BX_CONFIG with a message. */
int bench_config_check(const struct bench_config *c, char *err, size_t errlen);

/* Bytes with an optional K/M/G/T suffix (powers of 1024). 0 or -1. */
int bench_parse_size(const char *s, uint64_t *out);
int bench_parse_u64(const char *s, uint64_t *out);
/* A probability: a finite decimal number, 0 < p <= 1 (no NaN, no inf). */
int bench_parse_prob(const char *s, double *out);

/* --- input --------------------------------------------------------------- */

enum bench_workload { WL_NONE = 0, WL_FILL, WL_USEMEM, WL_MTHP, WL_HOTCOLD };

#define BENCH_DEFAULT_PAGES 16384 /* 64 MiB */

/* Weighted page classes of synthetic content. */
struct bench_mix {
	unsigned n, total;
	enum zsim_page_class cls[ZSIM_PAGE_CLASS_COUNT];
	unsigned weight[ZSIM_PAGE_CLASS_COUNT];
};

struct bench_input_spec {
	const char *corpus;     /* --corpus FILE */
	const char *trace;      /* --trace FILE */
	enum bench_workload workload;
	uint64_t pages;         /* 0 = default / corpus size */
	unsigned order;         /* mthp folio order */
	bool order_set;
	uint64_t ops;           /* hotcold accesses; 0 = 4 x pages */
	uint64_t mem_limit;     /* hotcold memory.max; 0 = half the pages */
	const char *mix;        /* synthetic mix; NULL = the default */
	const char *snapshot;   /* page store: all, last (default), largest, N */
	uint64_t seed;
	unsigned gen_threads;   /* threads generating synthetic pages */
};

struct bench_input {
	char label[256];
	/* content */
	unsigned char *corpus;
	uint64_t corpus_pages;
	size_t map_len;         /* mmap'ed corpus file; 0 = malloc'ed */
	char *corpus_path;      /* NULL: synthetic */
	const char *snapshot;   /* page store: which snapshots (NULL = last) */
	char snapshot_desc[96]; /* what was taken ("" for a raw corpus) */
	bool synthetic;         /* content made on demand: corpus is NULL and
				 * bench_input_page generates page i from
				 * (seed, i), so memory does not grow with
				 * the page count */
	uint64_t syn_seed;
	struct bench_mix mix;
	unsigned syn_unit_order;
	/* events */
	struct zsim_trace_event *ev;
	size_t n, cap;
	uint64_t *loc;          /* trace: line or byte offset per event */
	char *trace_path;
	enum zsim_trace_format trace_fmt;
	enum bench_workload workload;
	uint64_t pages;
	unsigned order;
	uint64_t seed;
	uint64_t ops;           /* hotcold: accesses */
	uint64_t mem_limit;     /* hotcold: memory.max of its memcg, bytes */
};

extern const char *const bench_workload_names[];
int bench_workload_from_name(const char *name, enum bench_workload *wl);

/* THE corpus hook: open a corpus file into in->corpus / corpus_pages.
 * Today a file of raw 4096-byte pages; the page-store format (.zpk) of the
 * capture work plugs in here, by its magic, and nowhere else. 0 or BX_IO /
 * BX_CORPUS with a message naming the file. */
int bench_corpus_open(struct bench_input *in, const char *path, char *err, size_t errlen);
/* Load the corpus and the events. 0 or a BX_* code with a one-line
 * message (naming the file, line or byte offset) in err. */
int bench_input_load(const struct bench_input_spec *spec, struct bench_input *in,
		     char *err, size_t errlen);
void bench_input_free(struct bench_input *in);
/* Content page `page` of the input (page < corpus_pages): a pointer into
 * the corpus, or, for synthetic content, the page generated into buf
 * (4096 bytes) from the seed and the page index, the same bytes every time. */
const unsigned char *bench_input_page(const struct bench_input *in, uint64_t page,
				      unsigned char *buf);
int bench_input_push(struct bench_input *in, const struct zsim_trace_event *ev);
/* Write the events as a trace (synthetic content becomes class: refs). */
int bench_input_emit(const struct bench_input *in, const char *path, char *err, size_t errlen);

/* workload.c */
int bench_workload_generate(struct bench_input *in, const struct bench_input_spec *spec,
			    char *err, size_t errlen);
/* Synthetic mix: class and seed of unit u (2^unit_order pages), drawn by
 * weight from the mix. */
void bench_synthetic_unit(const struct bench_mix *mix, uint64_t seed, uint64_t unit,
			  enum zsim_page_class *cls, uint64_t *unit_seed);
/* "CLASS[:WEIGHT],..." ('+' separates too); NULL = the default mix.
 * 0, or -1 with a message. */
int bench_mix_parse(struct bench_mix *m, const char *text, char *err, size_t errlen);
const char *bench_synthetic_mix_text(void);
/* splitmix64: the tool's seeded streams (content mix, hotcold accesses). */
uint64_t bench_mix64(uint64_t x);

/* --- latency histogram (hist.c) ------------------------------------------ */

#define BENCH_HIST_SUB_BITS 4
#define BENCH_HIST_BUCKETS ((64 - BENCH_HIST_SUB_BITS + 1) << BENCH_HIST_SUB_BITS)

struct bench_hist {
	uint64_t count, sum, max, min;
	uint64_t b[BENCH_HIST_BUCKETS];
};

void bench_hist_init(struct bench_hist *h);
void bench_hist_add(struct bench_hist *h, uint64_t v);
void bench_hist_merge(struct bench_hist *dst, const struct bench_hist *src);
/* Value at quantile q (0..1): the midpoint of its bucket, clipped to max. */
uint64_t bench_hist_quantile(const struct bench_hist *h, double q);

/* --- replay (replay.c) ------------------------------------------------------ */

struct bench_fault {
	enum zsim_fault_point point;
	struct zsim_fault_rule rule;
};

/* "POINT:nth=N|every=N|p=P[,seed=S][,max=M]" (--fault): 0, or -1 with a
 * one-line message giving the accepted range. */
int bench_fault_parse(struct bench_fault *f, const char *spec, char *err, size_t errlen);

struct bench_run_opts {
	unsigned threads;       /* worker threads (>= 1) */
	bool threads_set;
	bool verify;
	bool progress;          /* progress bar allowed (TTY, not --quiet) */
	bool swap_file;         /* back swap types by a temporary file (default:
				 * memory) */
	uint64_t sample_every;  /* 0 = about 256 samples per run */
	struct bench_fault *faults;
	size_t nfaults;
	/* TEST HOOK: after the first store of this slot of swap type 0 that
	 * lands in zswap (slot + 1; 0 = off), flip the last byte of its object
	 * (zsim_zswap_test_corrupt_entry) so that --verify has something to
	 * catch. */
	uint64_t test_corrupt_slot;
	/* The shrink worker's schedule (zswap.h enum zsim_shrink_sched + 1;
	 * 0 = the tool's default, sim), the simulated schedule's seed and CPUs
	 * (0 = defaults), and the seed sweep: sched_seeds runs with seeds
	 * sched_seed .. sched_seed + sched_seeds - 1 (0 or 1 = one run). */
	int shrink_sched;
	uint64_t sched_seed;
	unsigned sched_cpus;
	unsigned sched_seeds;
	struct zsim_sched_config sched; /* --sched KEY=NS,...: the fields given
					 * (zero = the library's default;
					 * jitter_pct is stored + 1) */
	/* Reclaim's own scheduling points (sim): after every reclaim_batch
	 * pages stored, the storing task sleeps reclaim_sleep_ns (0 = a
	 * yield). 0 = none. */
	uint64_t reclaim_batch;
	uint64_t reclaim_sleep_ns;
};

/* What a latency histogram times: one library call (store, load,
 * invalidate) in trace replay; one page access of the memory model
 * (hotcold), and those accesses that swapped the page in (fault). */
enum bench_op_kind { BOP_STORE, BOP_LOAD, BOP_INVALIDATE, BOP_ACCESS, BOP_FAULT, BOP_COUNT };
extern const char *const bench_op_names[BOP_COUNT];

struct bench_counts {
	uint64_t events;
	uint64_t store_ops, store_pages;
	uint64_t store_where[5];   /* pages by enum zsim_swap_where */
	uint64_t load_pages, load_hits, load_misses, load_errors;
	uint64_t load_where[5];
	uint64_t invalidate_ops, invalidate_pages;
	uint64_t writeback_observed, marks, barriers;
	uint64_t verify_checked, verify_mismatches, verify_lost, verify_eio;
	uint64_t test_corrupted;   /* objects the test hook corrupted */
	uint64_t mm_accesses, mm_faults, mm_reclaimed; /* hotcold */
	uint64_t replay_errors;
	uint64_t busy_ns[BOP_COUNT];
	uint64_t ops_pages[BOP_COUNT];
};

struct bench_sample {
	uint64_t ops;
	double elapsed_s;
	struct zsim_zswap_stats st;
};

struct bench_phase {
	uint64_t mark;
	uint64_t ops;
	struct zsim_zswap_stats st;
};

/* Memory-model figures of a hotcold run (the workload's memcg). */
struct bench_mm_figures {
	bool valid;
	unsigned memcg;
	uint64_t memory_max, memory_current, anon, swap_current, swap_peak;
	uint64_t pgscan, pgsteal, swapouts_kept, oom;
};

/*
 * Latency histograms, in ns. `wall` is the time of the call as this
 * machine runs it. `modelled` is what the codec's timing model says the
 * modelled device would take for the same call
 * (zsim_zswap_last_modelled_ns(); deflate-iaa-sim), recorded only when
 * non-zero and reported apart, as latency_ns.modelled: a model, not a
 * measurement.
 */
struct bench_latency {
	struct bench_hist wall[BOP_COUNT];
	struct bench_hist modelled[BOP_COUNT];
};

struct bench_result {
	int status;             /* BX_OK, or the code of a setup failure */
	char errmsg[512];
	char profile[16];
	char codec_desc[160];
	char codec_driver[ZSIM_CODEC_NAME_MAX];
	bool codec_standin;
	unsigned nr_cpus, threads;
	struct zsim_zswap_stats st;
	char *counters_json;    /* zsim_zswap_write_json output */
	struct bench_counts c;
	struct bench_latency lat;
	struct bench_mm_figures mm;
	struct zsim_swap_stats swapdev; /* swap type 0 at the end */
	struct zsim_sched_stats sched;  /* the simulated shrink schedule */
	bool sched_valid;
	double wall_s;
	double store_pages_per_s, load_pages_per_s, ops_per_s;
	struct bench_sample *samples;
	size_t nsamples;
	struct bench_phase *phases;
	size_t nphases;
	struct bench_sample peak;  /* the sample with most stored pages */
	char first_replay_error[400];
	uint64_t first_replay_error_event;
};

/* Run one input under one configuration: trace replay (replay.c), or the
 * memory model for hotcold (mmrun.c). 0 or a BX_* code with res->errmsg. */
int bench_replay(const struct bench_input *in, const struct bench_config *cfg,
		 const struct bench_run_opts *o, struct bench_result *res);

/* envelope.c: o->sched_seeds runs with consecutive schedule seeds; each
 * counter's min, median and max as a table to `out` and JSON to `json`
 * (either may be NULL). 0 or a BX_* code. */
int bench_seed_sweep(const struct bench_input *in, const struct bench_config *cfg,
		     const struct bench_run_opts *o, FILE *out, FILE *json);
/* validate.c: check every event against the state it needs (swap type on,
 * slots in range, CPU on the machine when nr_cpus is not 0, memcg id)
 * before anything is applied. 0 or BX_TRACE_RANGE with a message naming
 * the file and line (or byte offset). */
int bench_trace_validate(const struct bench_input *in, unsigned nr_cpus, char *err,
			 size_t errlen);
bool bench_trace_has_swapon(const struct bench_input *in);
unsigned bench_trace_max_cpu(const struct bench_input *in);

/* Shared by replay.c and mmrun.c: make the zswap instance of a run (and
 * its fault injector, unarmed), and fill the result's description. */
int bench_zswap_open(const struct bench_config *cfg, const struct bench_run_opts *o,
		     unsigned threads, struct bench_result *res, struct zsim_zswap **z,
		     struct zsim_fault_injector **fi);
/* Counters and the library's JSON at the end of a run. */
void bench_result_collect(struct zsim_zswap *z, struct bench_result *res);
/* Record one sample of the counters (timeline). */
void bench_result_sample(struct bench_result *res, size_t *cap, uint64_t ops, double elapsed_s,
			 const struct zsim_zswap_stats *st);
/* Sort the samples by operation count (workers record them out of order). */
void bench_result_sort_samples(struct bench_result *res);
int bench_mm_run(const struct bench_input *in, const struct bench_config *cfg,
		 const struct bench_run_opts *o, struct bench_result *res);
void bench_result_free(struct bench_result *res);
/* Exit status of a finished run: replay errors, then verify failures. */
int bench_result_exit(const struct bench_result *res, const struct bench_run_opts *o);

/* --- report (report.c) ------------------------------------------------------ */

double bench_ratio(const struct zsim_zswap_stats *st);
void bench_print_summary(FILE *out, const struct bench_input *in, const struct bench_config *cfg,
			 const struct bench_run_opts *o, const struct bench_result *r);
/* One run as a JSON object (jansson; the caller json_decref()s it). */
struct json_t;
struct json_t *bench_run_json(const struct bench_input *in, const struct bench_config *cfg,
			      const struct bench_run_opts *o, const struct bench_result *r,
			      const char *cell);
/* Write j through jansson: indented by 2, or compact on one line. 0 or -1. */
int bench_json_dump(FILE *out, struct json_t *j, bool compact);
/* One JSON string (escaped by jansson), or null for NULL, to out. */
void bench_json_string(FILE *out, const char *s);
/* JSON values for reports: an unsigned count (beyond INT64_MAX a real), a
 * double (null unless finite), a string (null for NULL); NULL only when
 * out of memory. bench_jput sets o[key] = v, taking v, and skips a NULL v. */
struct json_t *bench_ju(uint64_t v);
struct json_t *bench_jd(double v);
struct json_t *bench_js(const char *s);
void bench_jput(struct json_t *o, const char *key, struct json_t *v);
/* bench_run_json written to out (indent < 0: compact). */
void bench_write_run_json(FILE *out, const struct bench_input *in, const struct bench_config *cfg,
			  const struct bench_run_opts *o, const struct bench_result *r,
			  int indent, const char *cell);
char *bench_human_bytes(uint64_t b, char *buf, size_t len);
/* The members every JSON report opens with: tool, version, library, codec
 * libraries, host and kernel, timestamp. */
void bench_json_put_envelope(struct json_t *root);

/* --- timeline (timeline.c) -------------------------------------------------- */

/* FILE.csv plus FILE.svg (the .csv suffix replaced). 0 or BX_IO. */
int bench_timeline_write(const char *csv_path, const struct bench_result *r, const char *title,
			 char *err, size_t errlen);

/* --- compare and sweep (compare.c, sweep.c) -------------------------------- */

/* What compare and sweep draw besides their table (plot.c, classes.c). */
struct bench_plot_opts {
	const char *plot;       /* --plot FILE.svg: compare's / sweep's figures */
	const char *class_plot; /* --class-plot FILE.svg (implies classes) */
	bool classes;           /* --classes: the ratio-by-content-class view */
};
int bench_compare(const struct bench_input *in, struct bench_config *cfgs, size_t ncfg,
		  const struct bench_run_opts *o, const char *json_path, bool quiet,
		  const struct bench_plot_opts *po);

struct bench_sweep {
	struct bench_config *cfgs;
	size_t ncfg;
	char **inputs;          /* -i SPEC strings */
	size_t ninputs;
	struct bench_input_spec base;   /* flags given once */
	const char *out_dir;
	const char *emit_jobs;
	const char *merge_dir;
	unsigned jobs;
	const char *self;       /* path of this executable */
	char **pass_args;       /* run flags repeated in emitted command lines */
	size_t npass;
	const char *plot;       /* --plot FILE.svg */
};
int bench_sweep_run(struct bench_sweep *s, const struct bench_run_opts *o, bool quiet);
int bench_sweep_merge(const char *dir, bool quiet, const char *plot);
/* size.c: `zswapsim-bench size ...` (argv[0] is "size"). Exit code. */
int bench_size_main(int argc, char **argv);
int bench_input_spec_parse(struct bench_input_spec *spec, const char *text, char *err,
			   size_t errlen);

#endif
