/*
 * timeline.c - --timeline FILE.csv: the counters sampled every K
 * operations during the replay, and FILE.svg next to it, a plain SVG plot
 * (axes, ticks, labels, legend) of the uncompressed bytes stored, the pool
 * size and the swap device's writes, with the compression ratio in a
 * second panel, against operations. The samples are what a script polling
 * debugfs zswap/ and /proc/vmstat would record over a real run.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "bench.h"
#include "svg.h"

static int write_csv(const char *path, const struct bench_result *r)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "ops,elapsed_s,stored_pages,pool_total_size,ratio,zswpout,zswpin,pswpout,"
		   "pswpin,written_back_pages,reject_compress_poor,reject_compress_fail,"
		   "reject_alloc_fail,pool_limit_hit,swpout_zero\n");
	for (size_t i = 0; i < r->nsamples; i++) {
		const struct bench_sample *s = &r->samples[i];
		const struct zsim_zswap_stats *st = &s->st;
		fprintf(f, "%" PRIu64 ",%.6f,%" PRIu64 ",%" PRIu64 ",%.4f,%" PRIu64 ",%" PRIu64
			   ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
			   ",%" PRIu64 ",%" PRIu64 "\n",
			s->ops, s->elapsed_s, st->stored_pages, st->pool_total_size, bench_ratio(st),
			st->zswpout, st->zswpin, st->pswpout, st->pswpin, st->written_back_pages,
			st->reject_compress_poor, st->reject_compress_fail, st->reject_alloc_fail,
			st->pool_limit_hit, st->swpout_zero);
	}
	int bad = ferror(f);
	if (fclose(f) || bad)
		return -1;
	return 0;
}

enum { V_STORED, V_POOL, V_DEVICE, V_RATIO };

static double value(const struct bench_sample *s, int v)
{
	const struct zsim_zswap_stats *st = &s->st;
	switch (v) {
	case V_STORED: return (double)st->stored_pages * ZSIM_PAGE_SIZE / 1048576.0;
	case V_POOL: return (double)st->pool_total_size / 1048576.0;
	case V_DEVICE: return (double)st->pswpout * ZSIM_PAGE_SIZE / 1048576.0;
	default: return bench_ratio(st);
	}
}

static void polyline(struct svg *g, const struct svg_panel *p, const struct bench_result *r,
		     int v, const char *colour, const char *dash)
{
	fprintf(g->f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s%s%s points=\"",
		colour, dash ? " stroke-dasharray=\"" : "", dash ? dash : "", dash ? "\"" : "");
	for (size_t i = 0; i < r->nsamples; i++) {
		const struct bench_sample *s = &r->samples[i];
		/* The ratio is undefined while the pool is empty. */
		if (v == V_RATIO && !s->st.pool_total_size)
			continue;
		fprintf(g->f, "%.1f,%.1f ", svg_px(p, (double)s->ops), svg_py(p, value(s, v)));
	}
	fprintf(g->f, "\"/>\n");
}

/*
 * Two panels over the operations replayed: memory (uncompressed bytes in
 * zswap, the pool that holds them, and what went to the swap device so
 * far), and the compression ratio; phase marks as dashed verticals.
 * 0, or -1 with errno set.
 */
static int write_svg(const char *path, const struct bench_result *r, const char *title)
{
	struct svg g;
	const double W = 860, H = 600, L = 90, R = 30;
	if (svg_open(&g, path, W, H))
		return -1;
	double xmax = 1, ymax = 0, rmax = 0;
	for (size_t i = 0; i < r->nsamples; i++) {
		const struct bench_sample *s = &r->samples[i];
		if ((double)s->ops > xmax)
			xmax = (double)s->ops;
		for (int v = V_STORED; v <= V_DEVICE; v++)
			if (value(s, v) > ymax)
				ymax = value(s, v);
		if (s->st.pool_total_size && value(s, V_RATIO) > rmax)
			rmax = value(s, V_RATIO);
	}
	struct svg_panel top = {L, 92, W - L - R, 300, 0, 0, 0, 0};
	top.xs = svg_nice_step(xmax, 8);
	top.xmax = ceil(xmax / top.xs) * top.xs;
	svg_panel_fit_y(&top, ymax, 6);
	struct svg_panel bot = top;
	bot.T = top.T + top.h + 40;
	bot.h = 110;
	svg_panel_fit_y(&bot, rmax, 3);

	/* Title: the configuration, then the input, each on its own line. */
	const char *colon = strstr(title, ": ");
	char head[256];
	snprintf(head, sizeof(head), "%.*s", colon ? (int)(colon - title) : (int)strlen(title),
		 title);
	svg_title(&g, head, colon ? colon + 2 : NULL);

	static const char *const colour[] = {"#1f77b4", "#d62728", "#7f7f7f", "#2ca02c"};
	svg_legend(&g, L, 70, colour[V_STORED], NULL, false, "stored in zswap, uncompressed");
	svg_legend(&g, L + 240, 70, colour[V_POOL], NULL, false, "pool_total_size");
	svg_legend(&g, L + 420, 70, colour[V_DEVICE], "6,4", false,
		   "written to the swap device (pswpout)");
	svg_frame(&g, &top, "MiB", false);
	svg_frame(&g, &bot, "ratio", true);
	for (size_t i = 0; i < r->nphases; i++) {
		const double x = svg_px(&top, (double)r->phases[i].ops);
		svg_line(&g, x, top.T, x, bot.T + bot.h, "#999", 1, "2,3");
		svg_text(&g, x + 4, top.T + 14, "start", "fill=\"#666\"", "phase %" PRIu64,
			 r->phases[i].mark);
	}
	polyline(&g, &top, r, V_DEVICE, colour[V_DEVICE], "6,4");
	polyline(&g, &top, r, V_POOL, colour[V_POOL], NULL);
	polyline(&g, &top, r, V_STORED, colour[V_STORED], NULL);
	polyline(&g, &bot, r, V_RATIO, colour[V_RATIO], NULL);
	svg_text(&g, bot.L + 8, bot.T + 16, "start", "fill=\"#444\"",
		 "compression ratio (stored / pool_total_size)");
	svg_text(&g, L + top.w / 2, H - 14, "middle", NULL, "%s",
		 r->mm.valid ? "page accesses" : "operations replayed");
	return svg_close(&g);
}

int bench_timeline_write(const char *csv_path, const struct bench_result *r, const char *title,
			 char *err, size_t errlen)
{
	if (write_csv(csv_path, r)) {
		snprintf(err, errlen, "%s: cannot write the timeline: %s", csv_path, strerror(errno));
		return BX_IO;
	}
	char svg[4096];
	size_t n = strlen(csv_path);
	if (n >= 4 && !strcmp(csv_path + n - 4, ".csv"))
		snprintf(svg, sizeof(svg), "%.*s.svg", (int)(n - 4), csv_path);
	else
		snprintf(svg, sizeof(svg), "%s.svg", csv_path);
	if (write_svg(svg, r, title)) {
		snprintf(err, errlen, "%s: cannot write the plot: %s", svg, strerror(errno));
		return BX_IO;
	}
	return 0;
}
