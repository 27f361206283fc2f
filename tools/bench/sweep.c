/*
 * sweep.c - `sweep`: a matrix of configurations x inputs. Locally the
 * cells run on a thread pool (--jobs), each writing DIR/cell-cC-iI.json,
 * then a merged table (stdout and DIR/merged.csv). `--emit-jobs FILE`
 * writes one command line per cell instead, for GNU parallel or a Slurm
 * array; `--merge DIR` merges the cell files afterwards. The what-if sweep
 * of users-and-traces.md §4b (codec x allocator x thresholds on the
 * user's own pages).
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>

#include "bench.h"
#include "plot.h"

struct cell_row {
	char cell[48];
	char config[192];
	char input[256];
	double ratio, pool, stored, pswpout, rejects, store_p50, store_p99, rate, peak_ratio;
	int status;
	bool ok;
};

static void print_rows(FILE *out, struct cell_row *rows, size_t n, const char *csv_path)
{
	fprintf(out, "%-9s %-28s %-34s %7s %7s %11s %9s %9s %9s %10s %4s\n", "cell", "config",
		"input", "ratio", "peak", "pool", "pswpout", "st.p50ns", "st.p99ns", "store pg/s",
		"exit");
	for (size_t i = 0; i < n; i++) {
		struct cell_row *r = &rows[i];
		if (!r->ok) {
			fprintf(out, "%-9s (no result)\n", r->cell);
			continue;
		}
		char pool[32];
		bench_human_bytes((uint64_t)r->pool, pool, sizeof(pool));
		fprintf(out, "%-9s %-28.28s %-34.34s %7.2f %7.2f %11s %9.0f %9.0f %9.0f %10.0f %4d\n",
			r->cell, r->config, r->input, r->ratio, r->peak_ratio, pool, r->pswpout,
			r->store_p50, r->store_p99, r->rate, r->status);
	}
	if (!csv_path)
		return;
	FILE *c = fopen(csv_path, "w");
	if (!c) {
		fprintf(stderr, "zswapsim-bench: %s: cannot create: %s\n", csv_path, strerror(errno));
		return;
	}
	fprintf(c, "cell,config,input,ratio,peak_ratio,pool_total_size,stored_pages,pswpout,rejects,"
		   "store_p50_ns,store_p99_ns,store_pages_per_s,status\n");
	for (size_t i = 0; i < n; i++) {
		struct cell_row *r = &rows[i];
		if (!r->ok)
			continue;
		fprintf(c, "%s,\"%s\",\"%s\",%.4f,%.4f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%d\n",
			r->cell, r->config, r->input, r->ratio, r->peak_ratio, r->pool, r->stored,
			r->pswpout, r->rejects, r->store_p50, r->store_p99, r->rate, r->status);
	}
	fclose(c);
}

/*
 * --plot: the merged matrix, one group of bars per input, one bar per
 * configuration (the sweep's compressor x limit x ... crossing), in
 * panels for the ratio, the pool bytes, the pages to disk and the store
 * latency. A cell without a result has no bar ("n/a").
 */
static int sweep_plot(const char *path, const struct cell_row *rows, size_t n, char *err,
		      size_t errlen)
{
	const char **cfg = calloc(n ? n : 1, sizeof(*cfg)), **inp = calloc(n ? n : 1, sizeof(*inp));
	size_t ncfg = 0, ninp = 0;
	enum { NF = 4 };
	double *v = NULL;
	int rc = BX_INTERNAL;
	if (!cfg || !inp)
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (!rows[i].ok)
			continue;
		size_t k;
		for (k = 0; k < ncfg && strcmp(cfg[k], rows[i].config); k++)
			;
		if (k == ncfg)
			cfg[ncfg++] = rows[i].config;
		for (k = 0; k < ninp && strcmp(inp[k], rows[i].input); k++)
			;
		if (k == ninp)
			inp[ninp++] = rows[i].input;
	}
	if (!ncfg) {
		snprintf(err, errlen, "%s: no cell has a result to plot", path);
		rc = BX_IO;
		goto out;
	}
	const size_t per = ncfg * ninp;
	v = malloc(NF * per * sizeof(*v));
	if (!v)
		goto out;
	for (size_t k = 0; k < NF * per; k++)
		v[k] = NAN;
	for (size_t i = 0; i < n; i++) {
		if (!rows[i].ok)
			continue;
		size_t c = 0, g = 0;
		while (strcmp(cfg[c], rows[i].config))
			c++;
		while (strcmp(inp[g], rows[i].input))
			g++;
		const size_t at = g * ncfg + c;
		v[at] = rows[i].ratio;
		v[per + at] = rows[i].pool;
		v[2 * per + at] = rows[i].pswpout;
		v[3 * per + at] = rows[i].store_p50;
	}
	const struct plot_figure fig[NF] = {
		{"compression ratio (stored / pool)", "ratio", "ratio", 1, 2, v, 0, 0},
		{"pool bytes (pool_total_size)", "pool_total_size", "MiB", 1048576.0, 1, v + per, 0, 0},
		{"pages to disk (pswpout)", "pswpout", "pages", 1, 0, v + 2 * per, 0, 0},
		{"store latency p50", "store_p50_ns", "µs", 1e3, 2, v + 3 * per, 0, 0},
	};
	char title[96];
	snprintf(title, sizeof(title), "zswapsim-bench sweep: %zu configurations x %zu inputs",
		 ncfg, ninp);
	struct plot_bars pb = {title, "groups: inputs; bars: configurations", NULL, cfg, ncfg,
			       inp, ninp, fig, NF, 1};
	rc = bench_plot_bars(path, &pb, err, errlen);
out:
	if (rc == BX_INTERNAL && !err[0])
		snprintf(err, errlen, "out of memory");
	free(v);
	free(cfg);
	free(inp);
	return rc;
}

static int maybe_plot(const char *path, const struct cell_row *rows, size_t n)
{
	if (!path)
		return 0;
	char err[600] = "";
	int rc = sweep_plot(path, rows, n, err, sizeof(err));
	if (rc)
		fprintf(stderr, "zswapsim-bench: %s\n", err);
	return rc;
}

/* --- the flat "summary" object of a cell JSON ------------------------------ */

static void scopy(char *d, size_t cap, const char *s)
{
	size_t n = strlen(s);
	if (n >= cap)
		n = cap - 1;
	memcpy(d, s, n);
	d[n] = 0;
}

/* The cell's "summary" object, read through jansson (any JSON layout:
 * indented or compact). 0, or -1 if the text is not JSON or has none. */
static int parse_summary(const char *text, struct cell_row *row)
{
	json_t *root = json_loads(text, 0, NULL);
	json_t *s = json_object_get(root, "summary");
	if (!json_is_object(s)) {
		json_decref(root);
		return -1;
	}
	const char *cell = json_string_value(json_object_get(s, "cell"));
	if (cell && cell[0])
		scopy(row->cell, sizeof(row->cell), cell);
	const char *v = json_string_value(json_object_get(s, "config"));
	if (v)
		scopy(row->config, sizeof(row->config), v);
	v = json_string_value(json_object_get(s, "input"));
	if (v)
		scopy(row->input, sizeof(row->input), v);
	static const struct {
		const char *key;
		size_t off;
	} nums[] = {
		{"ratio", offsetof(struct cell_row, ratio)},
		{"peak_ratio", offsetof(struct cell_row, peak_ratio)},
		{"pool_total_size", offsetof(struct cell_row, pool)},
		{"stored_pages", offsetof(struct cell_row, stored)},
		{"pswpout", offsetof(struct cell_row, pswpout)},
		{"rejects", offsetof(struct cell_row, rejects)},
		{"store_p50_ns", offsetof(struct cell_row, store_p50)},
		{"store_p99_ns", offsetof(struct cell_row, store_p99)},
		{"store_pages_per_s", offsetof(struct cell_row, rate)},
	};
	for (size_t k = 0; k < sizeof(nums) / sizeof(nums[0]); k++) {
		json_t *n = json_object_get(s, nums[k].key);
		if (json_is_number(n))
			*(double *)((char *)row + nums[k].off) = json_number_value(n);
	}
	json_t *st = json_object_get(s, "status");
	if (json_is_integer(st))
		row->status = (int)json_integer_value(st);
	row->ok = true;
	json_decref(root);
	return 0;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	size_t cap = 8192, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		if (n + 4096 + 1 > cap) {
			char *nb = cap > (64u << 20) ? NULL : realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		size_t got = fread(buf + n, 1, 4096, f);
		n += got;
		if (got == 0)
			break;
	}
	fclose(f);
	if (buf)
		buf[n] = 0;
	return buf;
}

static int cmp_rows(const void *a, const void *b)
{
	return strcmp(((const struct cell_row *)a)->cell, ((const struct cell_row *)b)->cell);
}

int bench_sweep_merge(const char *dir, bool quiet, const char *plot)
{
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "zswapsim-bench: %s: cannot open directory: %s\n", dir,
			strerror(errno));
		return BX_IO;
	}
	struct cell_row *rows = NULL;
	size_t n = 0, cap = 0;
	int rc = BX_OK;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (strncmp(e->d_name, "cell-", 5) || l < 6 || strcmp(e->d_name + l - 5, ".json"))
			continue;
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		char *text = slurp(path);
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			struct cell_row *nr = realloc(rows, cap * sizeof(*nr));
			if (!nr) {
				free(text);
				rc = BX_INTERNAL;
				break;
			}
			rows = nr;
		}
		struct cell_row *row = &rows[n];
		memset(row, 0, sizeof(*row));
		snprintf(row->cell, sizeof(row->cell), "%.*s", (int)(l - 10 > 47 ? 47 : l - 10),
			 e->d_name + 5);
		if (!text || parse_summary(text, row)) {
			fprintf(stderr, "zswapsim-bench: %s: no summary (unfinished or corrupt cell)\n",
				path);
			rc = BX_IO;
		}
		free(text);
		n++;
	}
	closedir(d);
	/* Cells the job list promised (DIR/cells.txt) but that left no file. */
	char manifest[4096];
	snprintf(manifest, sizeof(manifest), "%s/cells.txt", dir);
	FILE *mf = fopen(manifest, "r");
	if (mf) {
		char line[128];
		while (fgets(line, sizeof(line), mf)) {
			line[strcspn(line, "\r\n")] = 0;
			if (!line[0])
				continue;
			bool found = false;
			for (size_t i = 0; i < n && !found; i++)
				found = !strcmp(rows[i].cell, line);
			if (!found) {
				fprintf(stderr, "zswapsim-bench: %s/cell-%s.json: missing (the cell did not "
						"run or did not finish)\n",
					dir, line);
				rc = BX_IO;
			}
		}
		fclose(mf);
	}
	if (!n && rc == BX_OK) {
		fprintf(stderr, "zswapsim-bench: %s: no cell-*.json files\n", dir);
		rc = BX_IO;
	}
	qsort(rows, n, sizeof(*rows), cmp_rows);
	char csv[4096];
	snprintf(csv, sizeof(csv), "%s/merged.csv", dir);
	print_rows(quiet ? stderr : stdout, rows, n, csv);
	int prc = n ? maybe_plot(plot, rows, n) : 0;
	if (prc && !rc)
		rc = prc;
	free(rows);
	return rc;
}

/* --- local run --------------------------------------------------------------- */

struct sweep_ctx {
	struct bench_sweep *s;
	const struct bench_run_opts *o;
	struct bench_input *inputs;
	size_t ninputs;
	struct cell_row *rows;
	_Atomic size_t next;
	_Atomic size_t finished;    /* cells done, for the progress bar */
	_Atomic int worst;
};

static void *cell_worker(void *arg)
{
	struct sweep_ctx *x = arg;
	const size_t ncells = x->s->ncfg * x->ninputs;
	for (;;) {
		size_t k = atomic_fetch_add(&x->next, 1);
		if (k >= ncells)
			break;
		size_t ci = k / x->ninputs, ii = k % x->ninputs;
		struct cell_row *row = &x->rows[k];
		snprintf(row->cell, sizeof(row->cell), "c%zu-i%zu", ci, ii);
		struct bench_result res;
		int rc = bench_replay(&x->inputs[ii], &x->s->cfgs[ci], x->o, &res);
		if (rc) {
			fprintf(stderr, "zswapsim-bench: cell %s: %s\n", row->cell, res.errmsg);
			int z = 0;
			atomic_compare_exchange_strong(&x->worst, &z, rc);
			bench_result_free(&res);
			atomic_fetch_add(&x->finished, 1);
			continue;
		}
		char path[4096];
		snprintf(path, sizeof(path), "%s/cell-%s.json", x->s->out_dir, row->cell);
		char *buf = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&buf, &len);
		if (m) {
			bench_write_run_json(m, &x->inputs[ii], &x->s->cfgs[ci], x->o, &res, 0,
					     row->cell);
			fputc('\n', m);
			fclose(m);
		}
		FILE *f = fopen(path, "w");
		if (!f || !buf || fwrite(buf, 1, len, f) != len) {
			fprintf(stderr, "zswapsim-bench: %s: cannot write: %s\n", path, strerror(errno));
			int z = 0;
			atomic_compare_exchange_strong(&x->worst, &z, BX_IO);
		}
		if (f)
			fclose(f);
		if (buf) {
			parse_summary(buf, row);
			free(buf);
		}
		int ex = bench_result_exit(&res, x->o);
		if (ex) {
			int z = 0;
			atomic_compare_exchange_strong(&x->worst, &z, ex);
		}
		bench_result_free(&res);
		atomic_fetch_add(&x->finished, 1);
	}
	return NULL;
}

static void free_spec(struct bench_input_spec *sp, const struct bench_input_spec *base)
{
	if (sp->trace != base->trace)
		free((char *)sp->trace);
	if (sp->corpus != base->corpus)
		free((char *)sp->corpus);
	if (sp->mix != base->mix)
		free((char *)sp->mix);
	if (sp->snapshot != base->snapshot)
		free((char *)sp->snapshot);
}

static void shell_quote(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

static void emit_input_args(FILE *f, const struct bench_input_spec *sp)
{
	if (sp->trace) {
		fputs(" --trace ", f);
		shell_quote(f, sp->trace);
	}
	if (sp->corpus) {
		fputs(" --corpus ", f);
		shell_quote(f, sp->corpus);
	}
	if (sp->snapshot) {
		fputs(" --snapshot ", f);
		shell_quote(f, sp->snapshot);
	}
	if (sp->workload != WL_NONE)
		fprintf(f, " --workload %s", bench_workload_names[sp->workload]);
	if (sp->pages)
		fprintf(f, " --pages %" PRIu64, sp->pages);
	if (sp->order_set)
		fprintf(f, " --order %u", sp->order);
	if (sp->ops)
		fprintf(f, " --ops %" PRIu64, sp->ops);
	if (sp->mem_limit)
		fprintf(f, " --mem-limit %" PRIu64, sp->mem_limit);
	if (sp->mix) {
		fputs(" --mix ", f);
		shell_quote(f, sp->mix);
	}
	fprintf(f, " --seed %" PRIu64, sp->seed);
}

static void emit_config_args(FILE *f, const struct bench_config *c)
{
	if (c->profile) {
		fputs(" --profile ", f);
		shell_quote(f, c->profile);
	}
	if (c->compressor) {
		fputs(" --compressor ", f);
		shell_quote(f, c->compressor);
	}
	if (c->zpool) {
		fputs(" --zpool ", f);
		shell_quote(f, c->zpool);
	}
	if (c->chain_size)
		fprintf(f, " --chain-size %u", c->chain_size);
	if (c->max_pool_percent)
		fprintf(f, " --max-pool-percent %u", c->max_pool_percent);
	if (c->accept_set)
		fprintf(f, " --accept-threshold %u", c->accept_threshold);
	if (c->ram_bytes)
		fprintf(f, " --ram %" PRIu64, c->ram_bytes);
	if (c->cpus)
		fprintf(f, " --cpus %u", c->cpus);
	if (c->batch_set)
		fprintf(f, " --batch %s", c->batch < 0 ? "auto" : c->batch ? "on" : "off");
	if (c->codec_args) {
		/* One --codec-arg per comma-separated KEY=VALUE. */
		const char *p = c->codec_args;
		while (*p) {
			size_t n = strcspn(p, ",");
			char arg[256];
			snprintf(arg, sizeof(arg), "%.*s", (int)n, p);
			fputs(" --codec-arg ", f);
			shell_quote(f, arg);
			p += n + (p[n] == ',');
		}
	}
}

int bench_sweep_run(struct bench_sweep *s, const struct bench_run_opts *o, bool quiet)
{
	if (s->merge_dir)
		return bench_sweep_merge(s->merge_dir, quiet, s->plot);
	if (s->plot && s->emit_jobs) {
		fprintf(stderr, "zswapsim-bench: --plot needs the results: after the jobs, "
				"sweep --merge DIR --plot FILE.svg\n");
		return BX_USAGE;
	}
	if (!s->out_dir) {
		fprintf(stderr, "zswapsim-bench: sweep needs --out DIR (or --merge DIR)\n");
		return BX_USAGE;
	}
	size_t nin = s->ninputs ? s->ninputs : 1;
	struct bench_input_spec *specs = calloc(nin, sizeof(*specs));
	if (!specs)
		return BX_INTERNAL;
	int rc = BX_OK;
	char err[512];
	for (size_t i = 0; i < nin; i++) {
		specs[i] = s->base;
		if (s->ninputs && bench_input_spec_parse(&specs[i], s->inputs[i], err, sizeof(err))) {
			fprintf(stderr, "zswapsim-bench: -i %s: %s\n", s->inputs[i], err);
			rc = BX_USAGE;
		}
	}
	if (!rc && mkdir(s->out_dir, 0777) && errno != EEXIST) {
		fprintf(stderr, "zswapsim-bench: %s: cannot create directory: %s\n", s->out_dir,
			strerror(errno));
		rc = BX_IO;
	}
	for (size_t c = 0; c < s->ncfg; c++)
		bench_config_label(&s->cfgs[c]);
	if (!rc && s->emit_jobs) {
		/* The cells to expect, for --merge to name the missing ones. */
		char manifest[4096];
		snprintf(manifest, sizeof(manifest), "%s/cells.txt", s->out_dir);
		FILE *mf = fopen(manifest, "w");
		if (mf) {
			for (size_t c = 0; c < s->ncfg; c++)
				for (size_t i = 0; i < nin; i++)
					fprintf(mf, "c%zu-i%zu\n", c, i);
			if (fclose(mf))
				mf = NULL;
		}
		if (!mf) {
			fprintf(stderr, "zswapsim-bench: %s: cannot write\n", manifest);
			rc = BX_IO;
		}
	}
	if (!rc && s->emit_jobs) {
		FILE *f = strcmp(s->emit_jobs, "-") ? fopen(s->emit_jobs, "w") : stdout;
		if (!f) {
			fprintf(stderr, "zswapsim-bench: %s: cannot create\n", s->emit_jobs);
			rc = BX_IO;
		} else {
			for (size_t c = 0; c < s->ncfg; c++)
				for (size_t i = 0; i < nin; i++) {
					shell_quote(f, s->self);
					fputs(" run", f);
					emit_input_args(f, &specs[i]);
					emit_config_args(f, &s->cfgs[c]);
					for (size_t a = 0; a < s->npass; a++) {
						fputc(' ', f);
						shell_quote(f, s->pass_args[a]);
					}
					fprintf(f, " --quiet --cell c%zu-i%zu --json ", c, i);
					char path[4096];
					snprintf(path, sizeof(path), "%s/cell-c%zu-i%zu.json",
						 s->out_dir, c, i);
					shell_quote(f, path);
					fputc('\n', f);
				}
			if (f != stdout && fclose(f)) {
				fprintf(stderr, "zswapsim-bench: %s: write error: %s\n", s->emit_jobs, strerror(errno));
				rc = BX_IO;
			}
			if (!rc && !quiet && f != stdout)
				printf("wrote %zu command lines to %s; run them (e.g. parallel < %s), "
				       "then: zswapsim-bench sweep --merge %s\n",
				       s->ncfg * nin, s->emit_jobs, s->emit_jobs, s->out_dir);
		}
		for (size_t i = 0; i < nin; i++)
			free_spec(&specs[i], &s->base);
		free(specs);
		return rc;
	}
	struct bench_input *inputs = calloc(nin, sizeof(*inputs));
	if (!inputs)
		rc = BX_INTERNAL;
	for (size_t i = 0; i < nin && !rc; i++) {
		rc = bench_input_load(&specs[i], &inputs[i], err, sizeof(err));
		if (rc)
			fprintf(stderr, "zswapsim-bench: %s\n", err);
	}
	if (!rc) {
		struct sweep_ctx x;
		memset(&x, 0, sizeof(x));
		x.s = s;
		x.o = o;
		x.inputs = inputs;
		x.ninputs = nin;
		const size_t ncells = s->ncfg * nin;
		x.rows = calloc(ncells, sizeof(*x.rows));
		unsigned jobs = s->jobs ? s->jobs : 1;
		if (jobs > ncells)
			jobs = (unsigned)ncells;
		pthread_t *tid = calloc(jobs, sizeof(*tid));
		if (!x.rows || !tid) {
			rc = BX_INTERNAL;
		} else {
			if (!quiet)
				fprintf(stderr, "zswapsim-bench: %zu cells (%zu configurations x %zu inputs) on %u "
						"jobs\n",
					ncells, s->ncfg, nin, jobs);
			unsigned started = 0;
			for (; started < jobs; started++)
				if (pthread_create(&tid[started], NULL, cell_worker, &x))
					break;
			if (!started)
				cell_worker(&x);
			struct bench_progress pb;
			bench_progress_start(&pb, "sweep", "cells", ncells,
					     started && !quiet && bench_progress_allowed());
			while (started && atomic_load(&x.finished) < ncells) {
				struct timespec ts = {0, 50 * 1000 * 1000};
				nanosleep(&ts, NULL);
				bench_progress_update(&pb, atomic_load(&x.finished));
			}
			bench_progress_end(&pb);
			for (unsigned t = 0; t < started; t++)
				pthread_join(tid[t], NULL);
			rc = atomic_load(&x.worst);
			char csv[4096];
			snprintf(csv, sizeof(csv), "%s/merged.csv", s->out_dir);
			print_rows(quiet ? stderr : stdout, x.rows, ncells, csv);
			int prc = maybe_plot(s->plot, x.rows, ncells);
			if (prc && !rc)
				rc = prc;
		}
		free(tid);
		free(x.rows);
	}
	for (size_t i = 0; i < nin; i++) {
		if (inputs)
			bench_input_free(&inputs[i]);
		free_spec(&specs[i], &s->base);
	}
	free(inputs);
	free(specs);
	return rc;
}
