/*
 * plot.c - grouped bar charts as small multiples (plot.h): one panel per
 * figure (pool bytes, ratio, pages to disk, latencies ...), in each panel
 * one group of bars per input or class, one bar per configuration or
 * compressor, coloured by the legend. Used by `compare --plot` (one
 * group), `sweep --plot` (one group per input) and the class view. Every
 * bar carries its raw value in data-value and as a label above it, so a
 * script (and the tests) can read the numbers back.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "plot.h"
#include "svg.h"

static double text_width(const char *s, double px_per_char)
{
	return (double)strlen(s) * px_per_char;
}

int bench_plot_bars(const char *path, const struct plot_bars *pb, char *err, size_t errlen)
{
	const size_t ns = pb->nseries ? pb->nseries : 1;
	const size_t ng = pb->ngroups ? pb->ngroups : 1;
	const unsigned cols = pb->cols ? pb->cols : 1;
	/* Bar width: 26 px, narrower when there are many. */
	double bw = ns * ng <= 8 ? 44 : 26;
	if ((double)(ns * ng) * bw > 1100)
		bw = fmax(6, 1100.0 / (double)(ns * ng));
	const double gap = bw * 1.2 + 8;
	double maxglab = 0;
	for (size_t g = 0; pb->groups && g < ng; g++)
		maxglab = fmax(maxglab, text_width(pb->groups[g], 6.5));
	double groupw = (double)ns * bw + gap;
	/* Group labels too long for their place: "(1)", "(2)" under the bars
	 * and a key of the full labels under the legend. */
	double pw = fmax(220, (double)ng * groupw);
	for (size_t fi = 0; fi < pb->nfig; fi++) /* the panel's title fits */
		pw = fmax(pw, text_width(pb->fig[fi].name, 7.4) + 10);
	const bool keyed = pb->groups && maxglab > pw / (double)ng - 4;
	const double PL = 84, PR = 20, PT = 34, ph = 170;
	const double PB = pb->groups ? 30 : 12;
	const double cellw = PL + pw + PR, cellh = PT + ph + PB;
	double W = fmax(640, cols * cellw + 20);
	if (pb->subtitle) /* the subtitle fits (it names the input) */
		W = fmax(W, text_width(pb->subtitle, 6.6) + 40);
	for (size_t g = 0; keyed && g < ng; g++)
		W = fmax(W, text_width(pb->groups[g], 6.8) + 60);
	/* The note, wrapped at "; " to the width (at most 4 lines). */
	char notebuf[4][400];
	size_t nnote = 0;
	if (pb->note) {
		const size_t maxc = (size_t)((W - 40) / 6.2);
		const char *p = pb->note;
		while (*p && nnote < 4) {
			size_t len = strlen(p), cut = len;
			if (len > maxc && nnote < 3) {
				cut = 0;
				for (const char *q = strstr(p, "; "); q && (size_t)(q - p) < maxc;
				     q = strstr(q + 1, "; "))
					cut = (size_t)(q - p) + 1;
				if (!cut)
					cut = len;
			}
			snprintf(notebuf[nnote++], sizeof(notebuf[0]), "%.*s", (int)cut, p);
			p += cut;
			while (*p == ' ')
				p++;
		}
		for (size_t i = 0; i < nnote; i++)
			W = fmax(W, text_width(notebuf[i], 6.2) + 40);
	}
	/* Legend rows: entries laid out left to right, wrapped. */
	double lx = 20, legend_rows = 1;
	for (size_t i = 0; i < ns && pb->series; i++) {
		double ew = 24 + text_width(pb->series[i], 6.8) + 18;
		if (lx + ew > W - 20 && lx > 20) {
			legend_rows++;
			lx = 20;
		}
		lx += ew;
	}
	const double keytop = 58 + legend_rows * 18 + 4;
	const double top = keytop + (keyed ? (double)ng * 16 : 0) + 8;
	const size_t rows = (pb->nfig + cols - 1) / cols;
	const double H = top + (double)rows * cellh + 14 + 16 * (double)nnote;

	struct svg s;
	if (svg_open(&s, path, W, H)) {
		snprintf(err, errlen, "%s: cannot create the plot: %s", path, strerror(errno));
		return BX_IO;
	}
	svg_title(&s, pb->title, pb->subtitle);
	lx = 20;
	double ly = 66;
	for (size_t i = 0; i < ns && pb->series; i++) {
		double ew = 24 + text_width(pb->series[i], 6.8) + 18;
		if (lx + ew > W - 20 && lx > 20) {
			ly += 18;
			lx = 20;
		}
		svg_legend(&s, lx, ly, svg_colour(i), NULL, true, pb->series[i]);
		lx += ew;
	}
	for (size_t g = 0; keyed && g < ng; g++)
		svg_text(&s, 20, keytop + 12 + 16 * (double)g, "start", "fill=\"#444\"", "(%zu) %s",
			 g + 1, pb->groups[g]);
	for (size_t fi = 0; fi < pb->nfig; fi++) {
		const struct plot_figure *f = &pb->fig[fi];
		const double scale = f->scale > 0 ? f->scale : 1;
		struct svg_panel p = {0};
		p.L = 10 + (double)(fi % cols) * cellw + PL;
		p.T = top + (double)(fi / cols) * cellh + PT;
		p.w = pw;
		p.h = ph;
		p.xmax = (double)ng;
		double vmax = 0;
		for (size_t k = 0; k < ns * ng; k++)
			if (isfinite(f->v[k]) && f->v[k] / scale > vmax)
				vmax = f->v[k] / scale;
		const bool cut = f->ycap > 0 && vmax > f->ycap;
		svg_panel_fit_y(&p, (cut ? f->ycap : vmax) * 1.12, 4); /* room for the labels */
		svg_text(&s, p.L, p.T - 10, "start", "font-weight=\"bold\"", "%s%s", f->name,
			 cut ? " (axis cut; zigzag bars go higher)" : "");
		svg_frame(&s, &p, f->unit, false);
		for (size_t g = 0; g < ng; g++) {
			const double gx = p.L + (double)g * (pw / (double)ng) +
					  (pw / (double)ng - (double)ns * bw) / 2;
			for (size_t i = 0; i < (f->shared ? 1 : ns); i++) {
				const double raw = f->v[g * ns + i];
				const double x = gx + (double)i * bw;
				const double bwi = f->shared ? bw * (double)ns : bw;
				if (!isfinite(raw)) {
					svg_text(&s, x + bwi / 2, p.T + p.h - 4, "middle",
						 "font-size=\"9\" fill=\"#999\"", "n/a");
					continue;
				}
				const double v = raw / scale;
				const double y = svg_py(&p, v);
				const bool over = v > p.ytop;
				const double ylab = over ? p.T + 20 : y; /* cut: label inside */
				char series[24];
				if (f->shared)
					snprintf(series, sizeof(series), "all");
				else
					snprintf(series, sizeof(series), "%zu", i);
				fprintf(s.f, "<rect class=\"bar\" data-figure=\"");
				svg_escape(s.f, f->key);
				fprintf(s.f, "\" data-group=\"%zu\" data-series=\"%s\" data-value=\"%.17g\" "
					     "x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
					     "fill=\"%s\"><title>",
					g, series, raw, x + 1, y, bwi - 2, p.T + p.h - y,
					f->shared ? "#888" : svg_colour(i));
				if (pb->series && !f->shared)
					svg_escape(s.f, pb->series[i]);
				if (pb->groups) {
					fputs(" / ", s.f);
					svg_escape(s.f, pb->groups[g]);
				}
				fprintf(s.f, ": %.*f %s</title></rect>\n", f->decimals, v, f->unit);
				if (over) /* a white zigzag across the top of a cut bar */
					fprintf(s.f, "<polyline fill=\"none\" stroke=\"white\" "
						     "stroke-width=\"2\" points=\"%.1f,%.1f %.1f,%.1f "
						     "%.1f,%.1f %.1f,%.1f\"/>\n",
						x + 1, p.T + 8, x + bwi / 3, p.T + 4, x + 2 * bwi / 3,
						p.T + 10, x + bwi - 1, p.T + 6);
				char attrs[200];
				if (bwi < 30)
					snprintf(attrs, sizeof(attrs),
						 "class=\"value\" data-figure=\"%s\" data-group=\"%zu\" "
						 "data-series=\"%s\" font-size=\"9\" "
						 "transform=\"rotate(-90 %.1f %.1f)\"",
						 f->key, g, series, x + bwi / 2 + 3, ylab - 3);
				else
					snprintf(attrs, sizeof(attrs),
						 "class=\"value\" data-figure=\"%s\" data-group=\"%zu\" "
						 "data-series=\"%s\" font-size=\"9\"",
						 f->key, g, series);
				if (bwi < 30 && over)
					svg_text(&s, x + bwi / 2 + 3, ylab - 3, "end",
						 strcat(attrs, " fill=\"white\""), "%.*f", f->decimals, v);
				else if (bwi < 30)
					svg_text(&s, x + bwi / 2 + 3, ylab - 3, "start", attrs, "%.*f",
						 f->decimals, v);
				else
					svg_text(&s, x + bwi / 2, ylab - 3, "middle", attrs, "%.*f",
						 f->decimals, v);
			}
			if (pb->groups) {
				const double cx = p.L + ((double)g + 0.5) * (pw / (double)ng);
				if (keyed)
					svg_text(&s, cx, p.T + p.h + 16, "middle", NULL, "(%zu)", g + 1);
				else
					svg_text(&s, cx, p.T + p.h + 16, "middle", NULL, "%s",
						 pb->groups[g]);
			}
		}
	}
	for (size_t i = 0; i < nnote; i++)
		svg_text(&s, 20, H - 10 - 16 * (double)(nnote - 1 - i), "start",
			 "fill=\"#444\" font-size=\"11\"", "%s", notebuf[i]);
	if (svg_close(&s)) {
		snprintf(err, errlen, "%s: write error: %s", path, strerror(errno));
		return BX_IO;
	}
	return 0;
}
