/*
 * timeline.c - --timeline FILE.csv: the counters sampled every K
 * operations during the replay, and FILE.svg next to it, a plain SVG plot
 * (axes, ticks, labels, legend) of the uncompressed bytes stored and the
 * pool size against operations. The samples are what a script polling
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

static int write_svg(const char *path, const struct bench_result *r, const char *title)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	const double W = 800, H = 460, L = 80, R = 30, T = 50, B = 60;
	const double pw = W - L - R, ph = H - T - B;
	double xmax = 1, ymax = 0;
	for (size_t i = 0; i < r->nsamples; i++) {
		const struct bench_sample *s = &r->samples[i];
		double stored = (double)s->st.stored_pages * ZSIM_PAGE_SIZE / 1048576.0;
		double pool = (double)s->st.pool_total_size / 1048576.0;
		if ((double)s->ops > xmax)
			xmax = (double)s->ops;
		if (stored > ymax)
			ymax = stored;
		if (pool > ymax)
			ymax = pool;
	}
	double xs = nice_step(xmax, 8), ys = nice_step(ymax > 0 ? ymax : 1, 6);
	xmax = ceil(xmax / xs) * xs;
	double ytop = ceil((ymax > 0 ? ymax : 1) / ys) * ys;
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
		   "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"12\">\n",
		W, H, W, H);
	fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
	fprintf(f, "<text x=\"%.0f\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">", W / 2);
	xml_text(f, title);
	fprintf(f, "</text>\n");
	/* grid and ticks */
	char lab[32];
	for (double y = 0; y <= ytop + ys / 2; y += ys) {
		double py = T + ph - y / ytop * ph;
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n",
			L, py, L + pw, py);
		fmt_tick(y, lab, sizeof(lab));
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", L - 6,
			py + 4, lab);
	}
	for (double x = 0; x <= xmax + xs / 2; x += xs) {
		double px = L + x / xmax * pw;
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n",
			px, T, px, T + ph);
		fmt_tick(x, lab, sizeof(lab));
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n", px,
			T + ph + 18, lab);
	}
	/* axes */
	fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>\n", L,
		T + ph, L + pw, T + ph);
	fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>\n", L,
		T, L, T + ph);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">operations replayed</text>\n",
		L + pw / 2, H - 16);
	fprintf(f, "<text x=\"18\" y=\"%.1f\" text-anchor=\"middle\" "
		   "transform=\"rotate(-90 18 %.1f)\">MiB</text>\n",
		T + ph / 2, T + ph / 2);
	/* the two lines */
	static const char *const colour[2] = {"#1f77b4", "#d62728"};
	static const char *const name[2] = {"stored, uncompressed (stored_pages x 4 KiB)",
					    "pool_total_size (compressed + allocator overhead)"};
	for (int line = 0; line < 2; line++) {
		fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"",
			colour[line]);
		for (size_t i = 0; i < r->nsamples; i++) {
			const struct bench_sample *s = &r->samples[i];
			double v = line == 0 ? (double)s->st.stored_pages * ZSIM_PAGE_SIZE / 1048576.0
					     : (double)s->st.pool_total_size / 1048576.0;
			fprintf(f, "%.1f,%.1f ", L + (double)s->ops / xmax * pw,
				T + ph - v / ytop * ph);
		}
		fprintf(f, "\"/>\n");
		double ly = T + 14 + line * 18;
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
			   "stroke-width=\"2\"/>\n",
			L + 12, ly - 4, L + 36, ly - 4, colour[line]);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">%s</text>\n", L + 42, ly, name[line]);
	}
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
