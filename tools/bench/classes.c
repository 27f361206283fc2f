/*
 * classes.c - the ratio-by-content-class view (`compare --classes`,
 * `--class-plot`): the pages an input stores, sorted into content
 * classes, and for each class and each compressor the bytes in, the
 * codec's compressed bytes and the ratio, with the pages that reach
 * zsmalloc's huge class (zram stores them raw) and those that do not
 * compress below PAGE_SIZE (zswap refuses them: reject_compress_poor).
 *
 * The class of a page:
 *  - synthetic content (and a trace's class: references): the generator's
 *    own class (zero, same, mostly-zero, text, pointer, typical, random),
 *    rule "generator";
 *  - any other page (a corpus, a page store, a trace's zero/same refs):
 *    derived from its bytes, rule "content": "zero" (every byte 0),
 *    "same-filled" (one repeated 64-bit word, not 0: what zswap and zram
 *    keep without compressing), else by the Shannon entropy of its byte
 *    histogram in bits per byte: "entropy<2", "entropy2-4", "entropy4-6",
 *    "entropy6-7.5", "entropy>=7.5" (random-like). The entropy classes do
 *    not depend on the compressor, so every compressor sees the same rows.
 *
 * The compressed bytes are the codec's output length for each page
 * (same-filled pages included, though zswap from 6.12 and zram keep them
 * in no pool memory); a failed compression counts PAGE_SIZE and "poor".
 * This is a view of the content, not of a pool: pool bytes, with
 * zsmalloc's size classes, are compare's own figures.
 */
#include <math.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "plot.h"

static const char *const entropy_names[] = {"entropy<2", "entropy2-4", "entropy4-6",
					    "entropy6-7.5", "entropy>=7.5"};

/* The row of (rule, name), added on first use; NULL when full. */
static struct bench_class_row *row_of(struct bench_classes *c, const char *rule,
				      const char *name)
{
	for (size_t i = 0; i < c->nrows; i++)
		if (c->row[i].rule == rule && !strcmp(c->row[i].name, name))
			return &c->row[i];
	if (c->nrows == BENCH_CLASS_MAX)
		return NULL;
	struct bench_class_row *r = &c->row[c->nrows++];
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->rule = rule;
	return r;
}

static const char RULE_GEN[] = "generator", RULE_CONTENT[] = "content";
static int cmp_rows(const void *a, const void *b);

/* "zero", "same-filled" or an entropy bucket, from the bytes. */
static const char *content_class(const unsigned char *p)
{
	uint64_t w0, w;
	memcpy(&w0, p, 8);
	bool same = true;
	for (size_t i = 8; i < ZSIM_PAGE_SIZE && same; i += 8) {
		memcpy(&w, p + i, 8);
		same = w == w0;
	}
	if (same)
		return w0 ? "same-filled" : "zero";
	unsigned hist[256] = {0};
	for (size_t i = 0; i < ZSIM_PAGE_SIZE; i++)
		hist[p[i]]++;
	double h = 0;
	for (unsigned b = 0; b < 256; b++)
		if (hist[b]) {
			double q = (double)hist[b] / ZSIM_PAGE_SIZE;
			h -= q * log2(q);
		}
	return h < 2 ? entropy_names[0] : h < 4 ? entropy_names[1] : h < 6 ? entropy_names[2]
	       : h < 7.5 ? entropy_names[3] : entropy_names[4];
}

struct walk {
	struct bench_classes *c;
	struct zsim_codec *codec[BENCH_CLASS_COMP_MAX];
	unsigned char *dst;
	int full;
};

static void account(struct walk *w, const char *rule, const char *name, const unsigned char *p)
{
	struct bench_class_row *r = row_of(w->c, rule, name);
	if (!r) {
		w->full = 1;
		return;
	}
	r->pages++;
	w->c->pages++;
	for (size_t k = 0; k < w->c->ncomp; k++) {
		size_t dlen = 2 * ZSIM_PAGE_SIZE;
		if (zsim_codec_compress(w->codec[k], p, ZSIM_PAGE_SIZE, w->dst, &dlen)) {
			r->compressed[k] += ZSIM_PAGE_SIZE;
			r->poor[k]++;
			r->huge[k]++;
			continue;
		}
		r->compressed[k] += dlen;
		if (dlen >= w->c->huge_class_size)
			r->huge[k]++;
		if (dlen >= ZSIM_PAGE_SIZE)
			r->poor[k]++;
	}
}

static size_t huge_class_size(const char *profile)
{
	struct zsim_zram_config zc;
	zsim_zram_config_init(&zc);
	if (profile)
		zc.profile = profile;
	struct zsim_zram *z = NULL;
	size_t n = 0;
	if (!zsim_zram_create(&zc, &z)) {
		if (!zsim_zram_set_disksize(z, 16 * ZSIM_PAGE_SIZE))
			n = zsim_zram_huge_class_size(z);
		zsim_zram_destroy(z);
	}
	if (!n) {
		/* A profile zram does not have: zsmalloc's default. */
		struct zsim_zpool_config pc;
		memset(&pc, 0, sizeof(pc));
		pc.type = "zsmalloc";
		struct zsim_zpool *pool = NULL;
		if (!zsim_zpool_create(&pc, &pool)) {
			n = zsim_zpool_huge_class_size(pool);
			zsim_zpool_destroy(pool);
		}
	}
	return n ? n : ZSIM_PAGE_SIZE;
}

int bench_classes_compute(const struct bench_input *in, const char *const *specs, size_t nspec,
			  const char *profile, struct bench_classes *out, char *err,
			  size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (nspec > BENCH_CLASS_COMP_MAX) {
		snprintf(err, errlen, "the class view takes up to %d compressors", BENCH_CLASS_COMP_MAX);
		return BX_USAGE;
	}
	struct walk w;
	memset(&w, 0, sizeof(w));
	w.c = out;
	int rc = 0;
	for (size_t k = 0; k < nspec; k++) {
		const char *spec = specs[k];
		if (!spec) {
			struct zsim_zswap_config def;
			zsim_zswap_config_init(&def);
			spec = def.compressor;
		}
		int e = zsim_codec_create(spec, NULL, &w.codec[k]);
		if (e) {
			snprintf(err, errlen, "compressor '%s': %s", spec, zsim_strerror(e));
			rc = BX_CONFIG;
			break;
		}
		out->ncomp++;
		if (zsim_codec_describe(w.codec[k], out->comp[k], sizeof(out->comp[k])) < 0)
			snprintf(out->comp[k], sizeof(out->comp[k]), "%s", spec);
	}
	out->huge_class_size = huge_class_size(profile);
	unsigned char *buf = malloc(ZSIM_PAGE_SIZE);
	w.dst = malloc(2 * ZSIM_PAGE_SIZE);
	if (!rc && (!buf || !w.dst)) {
		snprintf(err, errlen, "out of memory");
		rc = BX_INTERNAL;
	}
	bool stores = false;
	for (size_t i = 0; !rc && i < in->n; i++) {
		const struct zsim_trace_event *ev = &in->ev[i];
		if (ev->op != ZSIM_TRACE_STORE)
			continue;
		stores = true;
		for (unsigned k = 0; k < 1u << ev->order; k++) {
			const unsigned char *p = buf;
			if (ev->content_kind == ZSIM_TRACE_CONTENT_PAGE &&
			    ev->content + k < in->corpus_pages) {
				p = bench_input_page(in, ev->content + k, buf);
				if (in->synthetic) {
					enum zsim_page_class cls;
					uint64_t seed;
					bench_synthetic_unit(&in->mix, in->syn_seed,
							     (ev->content + k) >> in->syn_unit_order,
							     &cls, &seed);
					account(&w, RULE_GEN, zsim_page_class_name(cls), p);
					continue;
				}
			} else if (zsim_trace_content_page(ev, k, in->corpus, in->corpus_pages, buf)) {
				memset(buf, 0, ZSIM_PAGE_SIZE); /* what the replay stores then */
			} else if (ev->content_kind == ZSIM_TRACE_CONTENT_CLASS) {
				account(&w, RULE_GEN,
					zsim_page_class_name((enum zsim_page_class)ev->page_class), p);
				continue;
			}
			account(&w, RULE_CONTENT, content_class(p), p);
		}
	}
	out->source = "stores";
	if (!rc && !stores) {
		/* hotcold and friends: the content pages, once each. */
		out->source = "content pages";
		for (uint64_t i = 0; i < in->corpus_pages; i++) {
			const unsigned char *p = bench_input_page(in, i, buf);
			if (in->synthetic) {
				enum zsim_page_class cls;
				uint64_t seed;
				bench_synthetic_unit(&in->mix, in->syn_seed, i >> in->syn_unit_order,
						     &cls, &seed);
				account(&w, RULE_GEN, zsim_page_class_name(cls), p);
			} else {
				account(&w, RULE_CONTENT, content_class(p), p);
			}
		}
	}
	qsort(out->row, out->nrows, sizeof(out->row[0]), cmp_rows);
	if (!rc && w.full) {
		snprintf(err, errlen, "more than %d content classes", BENCH_CLASS_MAX);
		rc = BX_INTERNAL;
	}
	for (size_t k = 0; k < out->ncomp; k++)
		zsim_codec_destroy(w.codec[k]);
	free(buf);
	free(w.dst);
	return rc;
}

/* Rows in a fixed order: the generator's classes as pagegen numbers
 * them, then zero, same-filled and the entropy buckets. */
static int rank(const struct bench_class_row *r)
{
	enum zsim_page_class cls;
	if (r->rule == RULE_GEN && !zsim_page_class_from_name(r->name, &cls))
		return (int)cls;
	static const char *const order[] = {"zero", "same-filled", "entropy<2", "entropy2-4",
					    "entropy4-6", "entropy6-7.5", "entropy>=7.5"};
	for (int i = 0; i < (int)(sizeof(order) / sizeof(order[0])); i++)
		if (!strcmp(r->name, order[i]))
			return 100 + i;
	return 200;
}

static int cmp_rows(const void *a, const void *b)
{
	return rank(a) - rank(b);
}

static double ratio(uint64_t pages, uint64_t compressed)
{
	return compressed ? (double)pages * ZSIM_PAGE_SIZE / (double)compressed : 0;
}

void bench_classes_print(FILE *out, const struct bench_classes *c)
{
	fprintf(out, "\ncontent classes of the %" PRIu64 " pages %s (huge_class_size %zu):\n",
		c->pages, !strcmp(c->source, "stores") ? "the input stores" : "of the input",
		c->huge_class_size);
	for (size_t k = 0; k < c->ncomp; k++)
		fprintf(out, "  {%zu} %s\n", k + 1, c->comp[k]);
	fprintf(out, "%-14s %-9s %9s %6s %11s", "class", "rule", "pages", "share", "bytes");
	for (size_t k = 0; k < c->ncomp; k++) {
		char h[32];
		snprintf(h, sizeof(h), "{%zu} ratio", k + 1);
		fprintf(out, " %10s %11s %6s", h, "compressed", "huge");
	}
	fputc('\n', out);
	for (size_t i = 0; i <= c->nrows; i++) {
		const bool total = i == c->nrows;
		struct bench_class_row t;
		const struct bench_class_row *r = &t;
		if (total) {
			memset(&t, 0, sizeof(t));
			snprintf(t.name, sizeof(t.name), "all");
			t.rule = "";
			for (size_t j = 0; j < c->nrows; j++) {
				t.pages += c->row[j].pages;
				for (size_t k = 0; k < c->ncomp; k++) {
					t.compressed[k] += c->row[j].compressed[k];
					t.huge[k] += c->row[j].huge[k];
				}
			}
		} else {
			r = &c->row[i];
		}
		char bytes[32];
		bench_human_bytes(r->pages * ZSIM_PAGE_SIZE, bytes, sizeof(bytes));
		fprintf(out, "%-14s %-9s %9" PRIu64 " %5.1f%% %11s", r->name, r->rule, r->pages,
			c->pages ? 100.0 * (double)r->pages / (double)c->pages : 0, bytes);
		for (size_t k = 0; k < c->ncomp; k++) {
			char cb[32];
			bench_human_bytes(r->compressed[k], cb, sizeof(cb));
			fprintf(out, " %10.2f %11s %6" PRIu64, ratio(r->pages, r->compressed[k]), cb,
				r->huge[k]);
		}
		fputc('\n', out);
	}
	fprintf(out, "ratio = pages x 4096 / the codec's compressed bytes; huge: compressed length "
		     ">= huge_class_size (zram stores the page raw); rule: generator = the synthetic "
		     "class, content = derived from the bytes (docs/bench.md)\n");
}

json_t *bench_classes_json(const struct bench_classes *c)
{
	json_t *o = json_object(), *comps = json_array(), *rows = json_array();
	json_object_set_new(o, "source", json_string(c->source));
	json_object_set_new(o, "pages", json_integer((json_int_t)c->pages));
	json_object_set_new(o, "bytes", json_integer((json_int_t)(c->pages * ZSIM_PAGE_SIZE)));
	json_object_set_new(o, "huge_class_size", json_integer((json_int_t)c->huge_class_size));
	for (size_t k = 0; k < c->ncomp; k++)
		json_array_append_new(comps, json_string(c->comp[k]));
	json_object_set_new(o, "compressors", comps);
	for (size_t i = 0; i < c->nrows; i++) {
		const struct bench_class_row *r = &c->row[i];
		json_t *jr = json_object(), *pc = json_array();
		json_object_set_new(jr, "class", json_string(r->name));
		json_object_set_new(jr, "rule", json_string(r->rule));
		json_object_set_new(jr, "pages", json_integer((json_int_t)r->pages));
		json_object_set_new(jr, "bytes", json_integer((json_int_t)(r->pages * ZSIM_PAGE_SIZE)));
		for (size_t k = 0; k < c->ncomp; k++) {
			json_t *e = json_object();
			json_object_set_new(e, "compressor", json_string(c->comp[k]));
			json_object_set_new(e, "compressed_bytes", json_integer((json_int_t)r->compressed[k]));
			json_object_set_new(e, "ratio", json_real(ratio(r->pages, r->compressed[k])));
			json_object_set_new(e, "huge_pages", json_integer((json_int_t)r->huge[k]));
			json_object_set_new(e, "poor_pages", json_integer((json_int_t)r->poor[k]));
			json_array_append_new(pc, e);
		}
		json_object_set_new(jr, "per_compressor", pc);
		json_array_append_new(rows, jr);
	}
	json_object_set_new(o, "rows", rows);
	return o;
}

int bench_classes_plot(const char *path, const struct bench_classes *c, const char *subtitle,
		       char *err, size_t errlen)
{
	const size_t ns = c->ncomp ? c->ncomp : 1, ng = c->nrows;
	if (!ng) {
		snprintf(err, errlen, "%s: no pages to classify", path);
		return BX_USAGE;
	}
	double *v = calloc(4 * ns * (ng ? ng : 1), sizeof(*v));
	const char **groups = calloc(ng ? ng : 1, sizeof(*groups));
	const char **series = calloc(ns, sizeof(*series));
	char(*sname)[112] = calloc(ns, sizeof(*sname));
	if (!v || !groups || !series || !sname) {
		free(v);
		free(groups);
		free(series);
		free(sname);
		snprintf(err, errlen, "out of memory");
		return BX_INTERNAL;
	}
	double *pages = v, *ratio_v = v + ns * ng, *comp = v + 2 * ns * ng, *huge = v + 3 * ns * ng;
	for (size_t g = 0; g < ng; g++) {
		const struct bench_class_row *r = &c->row[g];
		groups[g] = r->name;
		for (size_t k = 0; k < ns; k++) {
			pages[g * ns + k] = (double)r->pages;
			ratio_v[g * ns + k] = ratio(r->pages, r->compressed[k]);
			comp[g * ns + k] = (double)r->compressed[k];
			huge[g * ns + k] = (double)r->huge[k];
		}
	}
	for (size_t k = 0; k < ns; k++) {
		snprintf(sname[k], sizeof(sname[k]), "{%zu} %s", k + 1, c->comp[k]);
		series[k] = sname[k];
	}
	const struct plot_figure fig[] = {
		{"pages per class", "pages", "pages", 1, 0, pages, 1, 0},
		{"compression ratio (bytes / compressed bytes)", "ratio", "ratio", 1, 2, ratio_v, 0, 8},
		{"compressed bytes", "compressed_bytes", "MiB", 1048576.0, 2, comp, 0, 0},
		{"pages reaching the huge class (stored raw by zram)", "huge_pages", "pages", 1, 0,
		 huge, 0, 0},
	};
	char title[160], note[200];
	snprintf(title, sizeof(title), "ratio by content class: %" PRIu64 " pages, %zu classes",
		 c->pages, ng);
	snprintf(note, sizeof(note),
		 "classes: generator = the synthetic class, content = zero / same-filled / byte "
		 "entropy in bits per byte; huge_class_size %zu",
		 c->huge_class_size);
	struct plot_bars pb = {title, subtitle, note, series, ns, groups, ng, fig,
			       sizeof(fig) / sizeof(fig[0]), 1};
	int rc = bench_plot_bars(path, &pb, err, errlen);
	free(v);
	free(groups);
	free(series);
	free(sname);
	return rc;
}
