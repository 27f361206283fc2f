/*
 * svg.h - the small SVG writer that zswapsim-bench's plots share
 * (timeline.c's line plot, plot.c's bar charts): a file with a white
 * background, escaped text, "nice" axis ticks, framed panels with grid
 * lines and a legend. Plain SVG 1.1, no script, no external resources,
 * so that any browser (or xmllint) reads it.
 */
#ifndef ZSIM_BENCH_SVG_H
#define ZSIM_BENCH_SVG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct svg {
	FILE *f;
	double w, h;
};

/* Create path and write the header (w x h pixels, white background).
 * 0, or -1 with errno set by fopen. */
int svg_open(struct svg *s, const char *path, double w, double h);
/* Write </svg> and close. 0, or -1 with errno set (a write error). */
int svg_close(struct svg *s);

/* s with <, >, &, " escaped. */
void svg_escape(FILE *f, const char *s);
/* <text> at (x, y); anchor "start", "middle" or "end"; extra attributes
 * (may be NULL) go inside the tag verbatim; the text is escaped. */
void svg_text(struct svg *s, double x, double y, const char *anchor, const char *attrs,
	      const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* A bold title centred on top, and a grey second line (may be NULL). */
void svg_title(struct svg *s, const char *title, const char *subtitle);
/* dash may be NULL (solid). */
void svg_line(struct svg *s, double x1, double y1, double x2, double y2, const char *stroke,
	      double width, const char *dash);
/* A legend entry: a short line (or a filled box when box) and its text. */
void svg_legend(struct svg *s, double x, double y, const char *colour, const char *dash,
		bool box, const char *text);
/* The i-th colour of the plots' palette (10 colours, cycling). */
const char *svg_colour(size_t i);

/* A "nice" step (1, 2 or 5 x 10^k) giving about n ticks over [0, max]. */
double svg_nice_step(double max, int n);
/* A tick label: 1500000 -> "1.5M", 2000 -> "2k", 0.5 -> "0.5". */
void svg_fmt_tick(double v, char *buf, size_t len);

/* A panel: data [0, xmax] x [0, ytop] drawn in the box (L, T, w, h), with
 * ticks every xs and ys. */
struct svg_panel {
	double L, T, w, h, xmax, ytop, xs, ys;
};
/* Fit ytop and ys to a maximum (about n ticks). */
void svg_panel_fit_y(struct svg_panel *p, double ymax, int n);
double svg_px(const struct svg_panel *p, double x);
/* y clipped to ytop. */
double svg_py(const struct svg_panel *p, double y);
/* Grid, y ticks, the frame and the y label (rotated); x ticks too when
 * xticks (x grid lines only when xs > 0). */
void svg_frame(struct svg *s, const struct svg_panel *p, const char *ylabel, bool xticks);

#endif
