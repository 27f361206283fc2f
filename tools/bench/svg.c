/*
 * svg.c - the shared SVG writer of zswapsim-bench's plots (svg.h). Only
 * drawing primitives live here; what is plotted is timeline.c's and
 * plot.c's business.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "svg.h"

int svg_open(struct svg *s, const char *path, double w, double h)
{
	s->f = fopen(path, "w");
	if (!s->f)
		return -1;
	s->w = w;
	s->h = h;
	fprintf(s->f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(s->f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
		      "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"12\">\n",
		w, h, w, h);
	fprintf(s->f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
	return 0;
}

int svg_close(struct svg *s)
{
	fprintf(s->f, "</svg>\n");
	int bad = ferror(s->f);
	int e = errno;
	if (fclose(s->f))
		return -1;
	s->f = NULL;
	if (bad) {
		errno = e ? e : EIO;
		return -1;
	}
	return 0;
}

void svg_escape(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else if (*s == '&')
			fputs("&amp;", f);
		else if (*s == '"')
			fputs("&quot;", f);
		else if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n')
			fputc('?', f); /* not allowed in XML 1.0 */
		else
			fputc(*s, f);
	}
}

void svg_text(struct svg *s, double x, double y, const char *anchor, const char *attrs,
	      const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(s->f, "<text x=\"%.1f\" y=\"%.1f\"", x, y);
	if (anchor && strcmp(anchor, "start"))
		fprintf(s->f, " text-anchor=\"%s\"", anchor);
	if (attrs)
		fprintf(s->f, " %s", attrs);
	fputc('>', s->f);
	svg_escape(s->f, buf);
	fputs("</text>\n", s->f);
}

void svg_title(struct svg *s, const char *title, const char *subtitle)
{
	svg_text(s, s->w / 2, 24, "middle", "font-size=\"15\" font-weight=\"bold\"", "%s", title);
	if (subtitle && subtitle[0])
		svg_text(s, s->w / 2, 42, "middle", "fill=\"#444\"", "%s", subtitle);
}

void svg_line(struct svg *s, double x1, double y1, double x2, double y2, const char *stroke,
	      double width, const char *dash)
{
	fprintf(s->f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"", x1, y1,
		x2, y2, stroke);
	if (width != 1)
		fprintf(s->f, " stroke-width=\"%g\"", width);
	if (dash)
		fprintf(s->f, " stroke-dasharray=\"%s\"", dash);
	fputs("/>\n", s->f);
}

void svg_legend(struct svg *s, double x, double y, const char *colour, const char *dash,
		bool box, const char *text)
{
	if (box)
		fprintf(s->f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"10\" fill=\"%s\"/>\n",
			x, y - 9, colour);
	else
		svg_line(s, x, y - 4, x + 24, y - 4, colour, 2, dash);
	svg_text(s, x + (box ? 20 : 30), y, "start", NULL, "%s", text);
}

const char *svg_colour(size_t i)
{
	static const char *const pal[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
					  "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
	return pal[i % (sizeof(pal) / sizeof(pal[0]))];
}

double svg_nice_step(double max, int n)
{
	if (!(max > 0))
		return 1;
	double raw = max / n;
	double p = pow(10, floor(log10(raw)));
	double m = raw / p;
	double s = m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10;
	return s * p;
}

void svg_fmt_tick(double v, char *buf, size_t len)
{
	if (v >= 1e6 && fmod(v, 1e5) == 0)
		snprintf(buf, len, "%gM", v / 1e6);
	else if (v >= 1e3 && fmod(v, 1e2) == 0)
		snprintf(buf, len, "%gk", v / 1e3);
	else
		snprintf(buf, len, "%g", v);
}

void svg_panel_fit_y(struct svg_panel *p, double ymax, int n)
{
	if (!(ymax > 0))
		ymax = 1;
	p->ys = svg_nice_step(ymax, n);
	p->ytop = ceil(ymax / p->ys) * p->ys;
}

double svg_px(const struct svg_panel *p, double x)
{
	return p->L + x / p->xmax * p->w;
}

double svg_py(const struct svg_panel *p, double y)
{
	return p->T + p->h - (y > p->ytop ? p->ytop : y) / p->ytop * p->h;
}

void svg_frame(struct svg *s, const struct svg_panel *p, const char *ylabel, bool xticks)
{
	char lab[32];
	for (double y = 0; y <= p->ytop + p->ys / 2; y += p->ys) {
		svg_line(s, p->L, svg_py(p, y), p->L + p->w, svg_py(p, y), "#e4e4e4", 1, NULL);
		svg_fmt_tick(y, lab, sizeof(lab));
		svg_text(s, p->L - 6, svg_py(p, y) + 4, "end", NULL, "%s", lab);
	}
	for (double x = 0; p->xs > 0 && x <= p->xmax + p->xs / 2; x += p->xs) {
		svg_line(s, svg_px(p, x), p->T, svg_px(p, x), p->T + p->h, "#e4e4e4", 1, NULL);
		if (!xticks)
			continue;
		svg_fmt_tick(x, lab, sizeof(lab));
		svg_text(s, svg_px(p, x), p->T + p->h + 16, "middle", NULL, "%s", lab);
	}
	fprintf(s->f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
		      "stroke=\"#444\"/>\n",
		p->L, p->T, p->w, p->h);
	char rot[96];
	snprintf(rot, sizeof(rot), "transform=\"rotate(-90 %.1f %.1f)\"", p->L - 52,
		 p->T + p->h / 2);
	svg_text(s, p->L - 52, p->T + p->h / 2, "middle", rot, "%s", ylabel);
}
