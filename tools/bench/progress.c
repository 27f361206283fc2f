/*
 * progress.c - the progress bar of every long phase (replay, the memory
 * model's accesses, sweep cells, harvest): on stderr, once the phase has
 * run for a second, with the rate and the time left (ETA); on a terminal it
 * redraws one line, with --verbose off a terminal it prints a line every
 * few seconds; never with --quiet. Not a kernel model.
 *
 * ZSWAPSIM_BENCH_PROGRESS_DELAY_MS (test hook) replaces the one-second
 * delay, so that a short test run can show the bar.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

bool bench_progress_allowed(void)
{
	return bench_verbosity >= 2 || (bench_verbosity == 1 && isatty(STDERR_FILENO));
}

void bench_progress_start(struct bench_progress *p, const char *what, const char *unit,
			  uint64_t total, bool enabled)
{
	p->what = what;
	p->unit = unit;
	p->total = total;
	p->enabled = enabled;
	p->tty = isatty(STDERR_FILENO);
	p->shown = false;
	p->t0 = mono_ns();
	const char *d = getenv("ZSWAPSIM_BENCH_PROGRESS_DELAY_MS");
	p->delay_ns = d ? strtoull(d, NULL, 10) * 1000000ull : 1000000000ull;
	p->next = p->t0 + p->delay_ns;
}

static char *count(double v, char *buf, size_t len)
{
	if (v >= 1e9)
		snprintf(buf, len, "%.2fG", v / 1e9);
	else if (v >= 1e6)
		snprintf(buf, len, "%.2fM", v / 1e6);
	else if (v >= 1e4)
		snprintf(buf, len, "%.1fk", v / 1e3);
	else
		snprintf(buf, len, "%.0f", v);
	return buf;
}

static char *hms(double s, char *buf, size_t len)
{
	if (!(s >= 0) || s > 359999)
		snprintf(buf, len, "--:--");
	else if (s >= 3600)
		snprintf(buf, len, "%u:%02u:%02u", (unsigned)s / 3600, (unsigned)s / 60 % 60,
			 (unsigned)s % 60);
	else
		snprintf(buf, len, "%u:%02u", (unsigned)s / 60, (unsigned)s % 60);
	return buf;
}

void bench_progress_update(struct bench_progress *p, uint64_t done)
{
	if (!p->enabled)
		return;
	const uint64_t now = mono_ns();
	if (now < p->next)
		return;
	/* A terminal redraws 10 times a second; a log gets a line every 5 s. */
	p->next = now + (p->tty ? 100000000ull : 5000000000ull);
	const double el = (double)(now - p->t0) / 1e9;
	const double rate = el > 0 ? (double)done / el : 0;
	const double frac = p->total ? (double)done / (double)p->total : 0;
	const int width = 24;
	int fill = (int)(frac * width);
	if (fill > width)
		fill = width;
	char bar[32], a[32], b[32], c[32], e[32], t[32];
	for (int i = 0; i < width; i++)
		bar[i] = i < fill ? '=' : (i == fill ? '>' : ' ');
	bar[width] = 0;
	double left = rate > 0 && p->total > done ? (double)(p->total - done) / rate : 0;
	if (!p->total) { /* size unknown: the count and the rate */
		fprintf(stderr, "%s%s: %s %s %s, %s %s/s, %s elapsed%s", p->tty ? "\r" : "",
			bench_prog, p->what, count((double)done, a, sizeof(a)), p->unit,
			count(rate, c, sizeof(c)), p->unit, hms(el, t, sizeof(t)),
			p->tty ? "   " : "\n");
		fflush(stderr);
		p->shown = true;
		return;
	}
	fprintf(stderr, "%s%s: %s [%s] %3d%% %s/%s %s, %s %s/s, %s elapsed, ETA %s%s",
		p->tty ? "\r" : "", bench_prog, p->what, bar, (int)(frac * 100 + 0.0001),
		count((double)done, a, sizeof(a)), count((double)p->total, b, sizeof(b)), p->unit,
		count(rate, c, sizeof(c)), p->unit, hms(el, t, sizeof(t)), hms(left, e, sizeof(e)),
		p->tty ? "   " : "\n");
	fflush(stderr);
	p->shown = true;
}

void bench_progress_end(struct bench_progress *p)
{
	if (p->shown && p->tty) {
		fprintf(stderr, "\r%*s\r", 110, "");
		fflush(stderr);
	}
	p->shown = false;
}
