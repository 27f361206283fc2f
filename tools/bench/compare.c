/*
 * compare.c - `compare`: the same input replayed under two or more
 * configurations, one after the other, side by side with the ratio of
 * each figure to the first configuration's. This is the deterministic A/B
 * that kernel reviewers ask for (one factor changed at a time), with the
 * simulator's counters under the kernel's names. For hotcold (the memory
 * model) the store/load rows are its access/fault latencies and its
 * swap-out/swap-in rates.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "bench.h"
#include "plot.h"

struct figure {
	const char *name;
	int kind; /* 0 count, 1 bytes, 2 ratio, 3 ns, 4 rate */
	double (*get)(const struct bench_result *r);
};

static const struct zsim_zswap_stats *main_stats(const struct bench_result *r)
{
	/* Runs that end empty (usemem) are compared at their peak. */
	return r->st.stored_pages || !r->peak.st.stored_pages ? &r->st : &r->peak.st;
}

#define STAT(field)                                                     \
	static double get_##field(const struct bench_result *r)         \
	{                                                               \
		return (double)main_stats(r)->field;                    \
	}
STAT(stored_pages)
STAT(pool_total_size)
STAT(pswpout)
STAT(pool_limit_hit)
STAT(written_back_pages)
STAT(swpout_zero)
#undef STAT
static double get_rejects(const struct bench_result *r)
{
	const struct zsim_zswap_stats *st = main_stats(r);
	return (double)(st->reject_reclaim_fail + st->reject_alloc_fail +
			st->reject_kmemcache_fail + st->reject_compress_fail +
			st->reject_compress_poor);
}
static double get_ratio(const struct bench_result *r)
{
	return bench_ratio(main_stats(r));
}
static double get_store_p50(const struct bench_result *r)
{
	return (double)bench_hist_quantile(&r->lat.wall[r->mm.valid ? BOP_ACCESS : BOP_STORE], 0.5);
}
static double get_store_p99(const struct bench_result *r)
{
	return (double)bench_hist_quantile(&r->lat.wall[r->mm.valid ? BOP_ACCESS : BOP_STORE], 0.99);
}
static double get_load_p50(const struct bench_result *r)
{
	return (double)bench_hist_quantile(&r->lat.wall[r->mm.valid ? BOP_FAULT : BOP_LOAD], 0.5);
}
static double get_load_p99(const struct bench_result *r)
{
	return (double)bench_hist_quantile(&r->lat.wall[r->mm.valid ? BOP_FAULT : BOP_LOAD], 0.99);
}
/* Modelled (codec timing model) latencies; 0 = none, shown as "-". */
static double get_mstore_p50(const struct bench_result *r)
{
	return (double)bench_hist_quantile(&r->lat.modelled[BOP_STORE], 0.5);
}
static double get_mstore_p99(const struct bench_result *r)
{
	return (double)bench_hist_quantile(&r->lat.modelled[BOP_STORE], 0.99);
}
static double get_mload_p50(const struct bench_result *r)
{
	return (double)bench_hist_quantile(&r->lat.modelled[BOP_LOAD], 0.5);
}
static double get_store_rate(const struct bench_result *r)
{
	return r->store_pages_per_s;
}
static double get_load_rate(const struct bench_result *r)
{
	return r->load_pages_per_s;
}
static double get_ops_rate(const struct bench_result *r)
{
	return r->ops_per_s;
}

static const struct figure figures[] = {
	{"stored_pages", 0, get_stored_pages},
	{"pool_total_size", 1, get_pool_total_size},
	{"ratio", 2, get_ratio},
	{"pswpout", 0, get_pswpout},
	{"swpout_zero", 0, get_swpout_zero},
	{"rejects (all reasons)", 0, get_rejects},
	{"pool_limit_hit", 0, get_pool_limit_hit},
	{"written_back_pages", 0, get_written_back_pages},
	{"store p50", 3, get_store_p50},
	{"store p99", 3, get_store_p99},
	{"load p50", 3, get_load_p50},
	{"load p99", 3, get_load_p99},
	{"store p50 (modelled)", 5, get_mstore_p50},
	{"store p99 (modelled)", 5, get_mstore_p99},
	{"load p50 (modelled)", 5, get_mload_p50},
	{"store pages/s", 4, get_store_rate},
	{"load pages/s", 4, get_load_rate},
	{"ops/s (wall)", 4, get_ops_rate},
};

static void fmt_value(int kind, double v, char *buf, size_t len)
{
	switch (kind) {
	case 1:
		bench_human_bytes((uint64_t)v, buf, len);
		break;
	case 2:
		if (v > 0)
			snprintf(buf, len, "%.2f", v);
		else
			snprintf(buf, len, "-");
		break;
	case 5:
		if (v <= 0) {
			snprintf(buf, len, "-");
			break;
		}
		/* fall through */
	case 3:
		if (v < 10000)
			snprintf(buf, len, "%.0f ns", v);
		else
			snprintf(buf, len, "%.1f us", v / 1e3);
		break;
	case 4:
		if (v >= 1e6)
			snprintf(buf, len, "%.2fM", v / 1e6);
		else if (v >= 1e3)
			snprintf(buf, len, "%.1fk", v / 1e3);
		else
			snprintf(buf, len, "%.0f", v);
		break;
	default:
		snprintf(buf, len, "%.0f", v);
	}
}

/*
 * --plot: one panel per figure a user compares zswap set-ups by (pool
 * bytes, ratio, pages to disk, store and load latency at p50 and p99),
 * one bar per configuration, the values of the table.
 */
static int compare_plot(const char *path, const struct bench_input *in,
			const struct bench_config *cfgs, const struct bench_result *res, size_t ncfg,
			char *err, size_t errlen)
{
	const bool mm = res[0].mm.valid;
	double (*const get[])(const struct bench_result *) = {
		get_pool_total_size, get_ratio, get_pswpout, get_store_p50,
		get_store_p99, get_load_p50, get_load_p99,
	};
	enum { NF = sizeof(get) / sizeof(get[0]) };
	double *v = calloc(NF * ncfg, sizeof(*v));
	const char **series = calloc(ncfg, sizeof(*series));
	char(*names)[224] = calloc(ncfg, sizeof(*names));
	if (!v || !series || !names) {
		free(v);
		free(series);
		free(names);
		snprintf(err, errlen, "out of memory");
		return BX_INTERNAL;
	}
	bool one_profile = true;
	for (size_t i = 0; i < ncfg; i++) {
		for (size_t f = 0; f < NF; f++)
			v[f * ncfg + i] = get[f](&res[i]);
		snprintf(names[i], sizeof(names[i]), "[%zu] %s", i + 1, cfgs[i].label);
		series[i] = names[i];
		one_profile &= !strcmp(res[i].profile, res[0].profile);
	}
	const struct plot_figure fig[NF] = {
		{"pool bytes (pool_total_size)", "pool_total_size", "MiB", 1048576.0, 2, v, 0, 0},
		{"compression ratio (stored / pool)", "ratio", "ratio", 1, 3, v + ncfg, 0, 0},
		{"pages to disk (pswpout)", "pswpout", "pages", 1, 0, v + 2 * ncfg, 0, 0},
		{mm ? "access latency p50" : "store latency p50", "store_p50_ns", "µs", 1e3, 2,
		 v + 3 * ncfg, 0, 0},
		{mm ? "access latency p99" : "store latency p99", "store_p99_ns", "µs", 1e3, 2,
		 v + 4 * ncfg, 0, 0},
		{mm ? "fault latency p50" : "load latency p50", "load_p50_ns", "µs", 1e3, 2,
		 v + 5 * ncfg, 0, 0},
		{mm ? "fault latency p99" : "load latency p99", "load_p99_ns", "µs", 1e3, 2,
		 v + 6 * ncfg, 0, 0},
	};
	char sub[400];
	snprintf(sub, sizeof(sub), "%s; profile %s", in->label,
		 one_profile ? res[0].profile : "per configuration");
	struct plot_bars pb = {"zswapsim-bench compare", sub,
			       "latencies: wall time of each library call on this machine "
			       "(docs/bench.md)",
			       series, ncfg, NULL, 1, fig, NF, 2};
	int rc = bench_plot_bars(path, &pb, err, errlen);
	free(v);
	free(series);
	free(names);
	return rc;
}

/* The distinct compressor specs of the configurations, for the class view. */
static size_t distinct_specs(const struct bench_config *cfgs, size_t ncfg, char (*buf)[256],
			     const char **specs, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < ncfg && n < max; i++) {
		bench_config_spec(&cfgs[i], buf[n], sizeof(buf[n]));
		bool dup = false;
		for (size_t k = 0; k < n && !dup; k++)
			dup = !strcmp(buf[k], buf[n]);
		if (!dup) {
			specs[n] = buf[n];
			n++;
		}
	}
	return n;
}

int bench_compare(const struct bench_input *in, struct bench_config *cfgs, size_t ncfg,
		  const struct bench_run_opts *o, const char *json_path, bool quiet,
		  const struct bench_plot_opts *po)
{
	struct bench_classes *cls = NULL;
	if (po && (po->classes || po->class_plot)) {
		char specbuf[BENCH_CLASS_COMP_MAX][256];
		const char *specs[BENCH_CLASS_COMP_MAX];
		size_t ns = distinct_specs(cfgs, ncfg, specbuf, specs, BENCH_CLASS_COMP_MAX);
		char err[512];
		cls = malloc(sizeof(*cls));
		int rc = cls ? bench_classes_compute(in, specs, ns, cfgs[0].profile, cls, err,
						     sizeof(err))
			     : BX_INTERNAL;
		if (rc) {
			fprintf(stderr, "zswapsim-bench: classes: %s\n", cls ? err : "out of memory");
			free(cls);
			return rc;
		}
	}
	struct bench_result *res = calloc(ncfg, sizeof(*res));
	if (!res)
		return BX_INTERNAL;
	int worst = BX_OK;
	for (size_t i = 0; i < ncfg; i++) {
		bench_config_label(&cfgs[i]);
		if (o->progress)
			fprintf(stderr, "zswapsim-bench: [%zu/%zu] %s\n", i + 1, ncfg, cfgs[i].label);
		int rc = bench_replay(in, &cfgs[i], o, &res[i]);
		if (rc) {
			fprintf(stderr, "zswapsim-bench: %s: %s\n", cfgs[i].label, res[i].errmsg);
			for (size_t k = 0; k <= i; k++)
				bench_result_free(&res[k]);
			free(res);
			free(cls);
			return rc;
		}
		int ex = bench_result_exit(&res[i], o);
		if (ex && !worst)
			worst = ex;
	}
	/* The table goes where the JSON does not. */
	FILE *out = json_path && !strcmp(json_path, "-") ? stderr : stdout;
	if (!quiet) {
		fprintf(out, "zswapsim-bench %s compare: %s\n", zsim_version_string(), in->label);
		for (size_t i = 0; i < ncfg; i++)
			fprintf(out, "  [%zu] %s  (codec %s%s)\n", i + 1, cfgs[i].label,
				res[i].codec_desc, res[i].codec_standin ? ", stand-in" : "");
		fprintf(out, "\n%-22s", "");
		for (size_t i = 0; i < ncfg; i++) {
			char h[32];
			snprintf(h, sizeof(h), "[%zu]", i + 1);
			fprintf(out, " %20s", h);
		}
		fprintf(out, "\n");
		for (size_t f = 0; f < sizeof(figures) / sizeof(figures[0]); f++) {
			/* Rows where every configuration has 0 say nothing. */
			bool any = false;
			for (size_t i = 0; i < ncfg; i++)
				any |= figures[f].get(&res[i]) != 0;
			if (!any)
				continue;
			fprintf(out, "%-22s", figures[f].name);
			double base = figures[f].get(&res[0]);
			for (size_t i = 0; i < ncfg; i++) {
				double v = figures[f].get(&res[i]);
				char val[32], cell[48];
				fmt_value(figures[f].kind, v, val, sizeof(val));
				if (i == 0 || base == 0 || v == 0)
					snprintf(cell, sizeof(cell), "%s", val);
				else
					snprintf(cell, sizeof(cell), "%s (x%.2f)", val, v / base);
				fprintf(out, " %20s", cell);
			}
			fprintf(out, "\n");
		}
		if (cls)
			bench_classes_print(out, cls);
		if (o->verify)
			for (size_t i = 0; i < ncfg; i++)
				fprintf(out, "verify [%zu]: %" PRIu64 " checked, %" PRIu64
					     " mismatches, %" PRIu64 " lost\n",
					i + 1, res[i].c.verify_checked, res[i].c.verify_mismatches,
					res[i].c.verify_lost);
	}
	if (json_path) {
		FILE *j = strcmp(json_path, "-") ? fopen(json_path, "w") : stdout;
		if (!j) {
			fprintf(stderr, "zswapsim-bench: %s: cannot create: %s\n", json_path, strerror(errno));
			worst = BX_IO;
		} else {
			json_t *runs = json_array(), *root = json_object();
			for (size_t i = 0; i < ncfg; i++) {
				char cell[32];
				snprintf(cell, sizeof(cell), "c%zu", i);
				json_array_append_new(runs, bench_run_json(in, &cfgs[i], o, &res[i],
									   cell));
			}
			json_object_set_new(root, "compare", runs);
			if (cls)
				json_object_set_new(root, "classes", bench_classes_json(cls));
			int bad = bench_json_dump(j, root, false);
			json_decref(root);
			fputc('\n', j);
			if ((j != stdout && fclose(j)) || bad) {
				fprintf(stderr, "zswapsim-bench: %s: write error: %s\n", json_path, strerror(errno));
				worst = BX_IO;
			}
		}
	}
	char err[600];
	if (po && po->plot) {
		int rc = compare_plot(po->plot, in, cfgs, res, ncfg, err, sizeof(err));
		if (rc) {
			fprintf(stderr, "zswapsim-bench: %s\n", err);
			worst = rc;
		}
	}
	if (cls && po->class_plot) {
		char sub[300];
		snprintf(sub, sizeof(sub), "%s", in->label);
		int rc = bench_classes_plot(po->class_plot, cls, sub, err, sizeof(err));
		if (rc) {
			fprintf(stderr, "zswapsim-bench: %s\n", err);
			worst = rc;
		}
	}
	free(cls);
	for (size_t i = 0; i < ncfg; i++)
		bench_result_free(&res[i]);
	free(res);
	return worst;
}
