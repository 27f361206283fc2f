/*
 * timeline.c - --timeline FILE.csv: the counters sampled every K
 * operations during the replay, and FILE.svg next to it, a plain SVG plot
 * (axes, ticks, labels, legend) of the uncompressed bytes stored, the pool
 * size and the swap device's writes, with the compression ratio in a
 * second panel, against operations. The samples are what a script polling
 * debugfs zswap/ and /proc/vmstat would record over a real run.
 */
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "bench.h"

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

/* A "nice" step (1, 2 or 5 x 10^k) giving about n ticks over [0, max]. */
static double nice_step(double max, int n)
{
	if (max <= 0)
		return 1;
	double raw = max / n;
	double p = pow(10, floor(log10(raw)));
	double m = raw / p;
	double s = m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10;
	return s * p;
}

static void fmt_tick(double v, char *buf, size_t len)
{
	if (v >= 1e6 && fmod(v, 1e6) == 0)
		snprintf(buf, len, "%gM", v / 1e6);
	else if (v >= 1e3 && fmod(v, 1e3) == 0)
		snprintf(buf, len, "%gk", v / 1e3);
	else
		snprintf(buf, len, "%g", v);
}

static void xml_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else if (*s == '&')
			fputs("&amp;", f);
		else
			fputc(*s, f);
	}
}

/* One panel's frame: grid, ticks and axes over [0, xmax] x [0, ytop]. */
struct panel {
	double L, T, w, h, xmax, ytop, xs, ys;
};

static double px(const struct panel *p, double x)
{
	return p->L + x / p->xmax * p->w;
}

static double py(const struct panel *p, double y)
{
	return p->T + p->h - (y > p->ytop ? p->ytop : y) / p->ytop * p->h;
}

static void frame(FILE *f, const struct panel *p, const char *ylabel, bool xticks)
{
	char lab[32];
	for (double y = 0; y <= p->ytop + p->ys / 2; y += p->ys) {
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>\n",
			p->L, py(p, y), p->L + p->w, py(p, y));
		fmt_tick(y, lab, sizeof(lab));
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", p->L - 6,
			py(p, y) + 4, lab);
	}
	for (double x = 0; x <= p->xmax + p->xs / 2; x += p->xs) {
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>\n",
			px(p, x), p->T, px(p, x), p->T + p->h);
		if (!xticks)
			continue;
		fmt_tick(x, lab, sizeof(lab));
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n", px(p, x),
			p->T + p->h + 16, lab);
	}
	fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
		   "stroke=\"#444\"/>\n",
		p->L, p->T, p->w, p->h);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
		   "transform=\"rotate(-90 %.1f %.1f)\">%s</text>\n",
		p->L - 52, p->T + p->h / 2, p->L - 52, p->T + p->h / 2, ylabel);
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

static void polyline(FILE *f, const struct panel *p, const struct bench_result *r, int v,
		     const char *colour, const char *dash)
{
	fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s%s%s points=\"",
		colour, dash ? " stroke-dasharray=\"" : "", dash ? dash : "", dash ? "\"" : "");
	for (size_t i = 0; i < r->nsamples; i++) {
		const struct bench_sample *s = &r->samples[i];
		/* The ratio is undefined while the pool is empty. */
		if (v == V_RATIO && !s->st.pool_total_size)
			continue;
		fprintf(f, "%.1f,%.1f ", px(p, (double)s->ops), py(p, value(s, v)));
	}
	fprintf(f, "\"/>\n");
}

static void legend(FILE *f, double x, double y, const char *colour, const char *dash,
		   const char *text)
{
	fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
		   "stroke-width=\"2\"%s%s%s/>\n",
		x, y - 4, x + 24, y - 4, colour, dash ? " stroke-dasharray=\"" : "", dash ? dash : "",
		dash ? "\"" : "");
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">", x + 30, y);
	xml_text(f, text);
	fprintf(f, "</text>\n");
}

/*
 * Two panels over the operations replayed: memory (uncompressed bytes in
 * zswap, the pool that holds them, and what went to the swap device so
 * far), and the compression ratio; phase marks as dashed verticals.
 */
static int write_svg(const char *path, const struct bench_result *r, const char *title)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	const double W = 860, H = 600, L = 90, R = 30;
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
	struct panel top = {L, 92, W - L - R, 300, 0, 0, 0, 0};
	top.xs = nice_step(xmax, 8);
	top.xmax = ceil(xmax / top.xs) * top.xs;
	top.ys = nice_step(ymax > 0 ? ymax : 1, 6);
	top.ytop = ceil((ymax > 0 ? ymax : 1) / top.ys) * top.ys;
	struct panel bot = top;
	bot.T = top.T + top.h + 40;
	bot.h = 110;
	bot.ys = nice_step(rmax > 0 ? rmax : 1, 3);
	bot.ytop = ceil((rmax > 0 ? rmax : 1) / bot.ys) * bot.ys;

	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
		   "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"12\">\n",
		W, H, W, H);
	fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
	/* Title: the configuration, then the input, each on its own line. */
	const char *colon = strstr(title, ": ");
	fprintf(f, "<text x=\"%.0f\" y=\"24\" text-anchor=\"middle\" font-size=\"15\" "
		   "font-weight=\"bold\">",
		W / 2);
	if (colon) {
		char head[256];
		snprintf(head, sizeof(head), "%.*s", (int)(colon - title), title);
		xml_text(f, head);
		fprintf(f, "</text>\n<text x=\"%.0f\" y=\"42\" text-anchor=\"middle\" "
			   "font-size=\"12\" fill=\"#444\">",
			W / 2);
		xml_text(f, colon + 2);
	} else {
		xml_text(f, title);
	}
	fprintf(f, "</text>\n");

	static const char *const colour[] = {"#1f77b4", "#d62728", "#7f7f7f", "#2ca02c"};
	legend(f, L, 70, colour[V_STORED], NULL, "stored in zswap, uncompressed");
	legend(f, L + 240, 70, colour[V_POOL], NULL, "pool_total_size");
	legend(f, L + 420, 70, colour[V_DEVICE], "6,4", "written to the swap device (pswpout)");
	frame(f, &top, "MiB", false);
	frame(f, &bot, "ratio", true);
	for (size_t i = 0; i < r->nphases; i++) {
		const double x = px(&top, (double)r->phases[i].ops);
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#999\" "
			   "stroke-dasharray=\"2,3\"/>\n",
			x, top.T, x, bot.T + bot.h);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" fill=\"#666\">phase %" PRIu64 "</text>\n",
			x + 4, top.T + 14, r->phases[i].mark);
	}
	polyline(f, &top, r, V_DEVICE, colour[V_DEVICE], "6,4");
	polyline(f, &top, r, V_POOL, colour[V_POOL], NULL);
	polyline(f, &top, r, V_STORED, colour[V_STORED], NULL);
	polyline(f, &bot, r, V_RATIO, colour[V_RATIO], NULL);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" fill=\"#444\">compression ratio (stored / "
		   "pool_total_size)</text>\n",
		bot.L + 8, bot.T + 16);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
		L + top.w / 2, H - 14, r->mm.valid ? "page accesses" : "operations replayed");
	fprintf(f, "</svg>\n");
	int bad = ferror(f);
	if (fclose(f) || bad)
		return -1;
	return 0;
}

int bench_timeline_write(const char *csv_path, const struct bench_result *r, const char *title,
			 char *err, size_t errlen)
{
	if (write_csv(csv_path, r)) {
		snprintf(err, errlen, "%s: cannot write the timeline", csv_path);
		return BX_IO;
	}
	char svg[4096];
	size_t n = strlen(csv_path);
	if (n >= 4 && !strcmp(csv_path + n - 4, ".csv"))
		snprintf(svg, sizeof(svg), "%.*s.svg", (int)(n - 4), csv_path);
	else
		snprintf(svg, sizeof(svg), "%s.svg", csv_path);
	if (write_svg(svg, r, title)) {
		snprintf(err, errlen, "%s: cannot write the plot", svg);
		return BX_IO;
	}
	return 0;
}
