/*
 * plot.h - zswapsim-bench's bar-chart plots (plot.c) and the
 * ratio-by-content-class view (classes.c): `compare --plot`, `sweep
 * --plot`, `compare --classes` / `--class-plot`. Written with svg.h.
 */
#ifndef ZSIM_BENCH_PLOT_H
#define ZSIM_BENCH_PLOT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bench.h"

/* One panel of a bar chart: one bar per (group, series). */
struct plot_figure {
	const char *name;   /* panel title: "pool bytes" */
	const char *key;    /* machine name (data-figure): "pool_total_size" */
	const char *unit;   /* y axis label: "MiB" */
	double scale;       /* the label and the axis show raw / scale */
	int decimals;       /* of the value label above each bar */
	const double *v;    /* [group * nseries + series], raw; NaN = no bar */
	int shared;         /* one grey bar per group (v[group * nseries]):
			     * a figure that does not depend on the series */
	double ycap;        /* > 0: the axis stops there (outliers are cut,
			     * marked, and labelled with their value) */
};

struct plot_bars {
	const char *title, *subtitle, *note;   /* note: a line under the plot */
	const char *const *series;             /* legend (bar colours) */
	size_t nseries;
	const char *const *groups;             /* x labels; NULL = one group */
	size_t ngroups;
	const struct plot_figure *fig;
	size_t nfig;
	unsigned cols;                         /* panels per row (0 = 1) */
};

/* Write the chart to path: each bar a <rect class="bar"> with data-figure,
 * data-group, data-series and data-value (the raw number), its value as
 * a <text class="value"> above it. 0, or BX_IO with the file and the OS
 * reason in err. */
int bench_plot_bars(const char *path, const struct plot_bars *pb, char *err, size_t errlen);

/* --- classes.c: the input's pages by content class, per compressor --- */

#define BENCH_CLASS_MAX 16
#define BENCH_CLASS_COMP_MAX 16

struct bench_class_row {
	char name[24];
	const char *rule;      /* "generator" or "content" */
	uint64_t pages;
	uint64_t compressed[BENCH_CLASS_COMP_MAX]; /* codec output bytes */
	uint64_t huge[BENCH_CLASS_COMP_MAX];       /* length >= huge_class_size */
	uint64_t poor[BENCH_CLASS_COMP_MAX];       /* length >= PAGE_SIZE, or failed */
};

struct bench_classes {
	size_t ncomp;
	char comp[BENCH_CLASS_COMP_MAX][96];  /* the codec as described */
	size_t nrows;
	struct bench_class_row row[BENCH_CLASS_MAX];
	uint64_t pages;                       /* every row's pages */
	size_t huge_class_size;
	const char *source;                   /* "stores" or "content pages" */
};

/* Classify the pages the input stores (each store event's pages, in
 * order; an input without stores: its content pages once each) and
 * compress every one with each spec (NULL = the library's default). 0,
 * or BX_CONFIG / BX_INTERNAL with a message. */
int bench_classes_compute(const struct bench_input *in, const char *const *specs, size_t nspec,
			  const char *profile, struct bench_classes *out, char *err,
			  size_t errlen);
void bench_classes_print(FILE *out, const struct bench_classes *c);
struct json_t *bench_classes_json(const struct bench_classes *c);
int bench_classes_plot(const char *path, const struct bench_classes *c, const char *subtitle,
		       char *err, size_t errlen);

#endif
