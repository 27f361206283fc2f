/*
 * input.c - what a run replays: the page content (a corpus file of raw
 * 4096-byte pages, mapped read-only, or the synthetic mix generated up
 * front so page generation never counts in the timed replay) and the
 * events (a trace read whole into memory, or a built-in workload). All
 * input errors are reported here with the file and the line or byte
 * offset, and an exit code per class (bench.h).
 * Not a kernel model: the kernel's swap-outs come from reclaim; here they
 * come from a file or a generator.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"
#include "harvest.h"

const char *const bench_workload_names[] = {
	[WL_NONE] = "none", [WL_FILL] = "fill", [WL_USEMEM] = "usemem",
	[WL_MTHP] = "mthp", [WL_HOTCOLD] = "hotcold",
};

int bench_workload_from_name(const char *name, enum bench_workload *wl)
{
	for (int i = WL_FILL; i <= WL_HOTCOLD; i++)
		if (!strcmp(name, bench_workload_names[i])) {
			*wl = (enum bench_workload)i;
			return 0;
		}
	return -1;
}

int bench_exit_for_trace(enum zsim_trace_errc kind)
{
	switch (kind) {
	case ZSIM_TRACE_OK: return BX_OK;
	case ZSIM_TRACE_E_IO: return BX_IO;
	case ZSIM_TRACE_E_MAGIC: return BX_TRACE_MAGIC;
	case ZSIM_TRACE_E_VERSION: return BX_TRACE_VERSION;
	case ZSIM_TRACE_E_HEADER: return BX_TRACE_HEADER;
	case ZSIM_TRACE_E_TRUNCATED: return BX_TRACE_TRUNCATED;
	case ZSIM_TRACE_E_SYNTAX: return BX_TRACE_SYNTAX;
	case ZSIM_TRACE_E_OP: return BX_TRACE_OP;
	case ZSIM_TRACE_E_NUMBER: return BX_TRACE_NUMBER;
	case ZSIM_TRACE_E_RANGE: return BX_TRACE_RANGE;
	case ZSIM_TRACE_E_CONTENT: return BX_TRACE_CONTENT;
	case ZSIM_TRACE_E_CORPUS: return BX_TRACE_CORPUS;
	default: return BX_INTERNAL;
	}
}

int bench_input_push(struct bench_input *in, const struct zsim_trace_event *ev)
{
	if (in->n == in->cap) {
		size_t cap = in->cap ? in->cap * 2 : 4096;
		struct zsim_trace_event *p = realloc(in->ev, cap * sizeof(*p));
		if (!p)
			return -1;
		in->ev = p;
		in->cap = cap;
	}
	in->ev[in->n++] = *ev;
	return 0;
}

void bench_input_free(struct bench_input *in)
{
	if (in->corpus) {
		if (in->map_len)
			munmap(in->corpus, in->map_len);
		else
			free(in->corpus);
	}
	free(in->corpus_path);
	free(in->ev);
	free(in->loc);
	free(in->trace_path);
	memset(in, 0, sizeof(*in));
}

static char *dup_s(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);
	if (p)
		memcpy(p, s, n);
	return p;
}

/*
 * The one place a corpus file is opened. A raw corpus is any file whose
 * size is a non-zero multiple of 4096: page N is at byte N x 4096. It is
 * mapped read-only, so a corpus larger than RAM costs only what the run
 * touches. The page-store format (.zpk: deduplicated, compressed pages
 * with an index) plugs in here: recognise its magic in the first bytes,
 * decode the pages it holds into a malloc'ed in->corpus (map_len = 0) and
 * set corpus_pages; nothing else in the tool needs to change.
 */
int bench_corpus_open(struct bench_input *in, const char *path, char *err, size_t errlen)
{
	int ps = bench_pagestore_corpus(in, path, err, errlen); /* -1: raw pages */
	if (ps >= 0)
		return ps;
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot open corpus: %s", path, strerror(errno));
		return BX_IO;
	}
	struct stat sb;
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s: corpus is not a regular file", path);
		close(fd);
		return BX_CORPUS;
	}
	if (sb.st_size == 0 || sb.st_size % ZSIM_PAGE_SIZE) {
		snprintf(err, errlen,
			 "%s: corpus size %lld is not a non-zero multiple of %u "
			 "(a corpus is raw 4096-byte pages)",
			 path, (long long)sb.st_size, ZSIM_PAGE_SIZE);
		close(fd);
		return BX_CORPUS;
	}
	void *m = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED) {
		snprintf(err, errlen, "%s: cannot map corpus: %s", path, strerror(errno));
		return BX_IO;
	}
	in->corpus = m;
	in->map_len = (size_t)sb.st_size;
	in->corpus_pages = (uint64_t)sb.st_size / ZSIM_PAGE_SIZE;
	in->corpus_path = dup_s(path);
	return 0;
}

/* --- synthetic content --------------------------------------------------- */

const unsigned char *bench_input_page(const struct bench_input *in, uint64_t page,
				      unsigned char *buf)
{
	if (in->corpus)
		return in->corpus + page * ZSIM_PAGE_SIZE;
	enum zsim_page_class cls;
	uint64_t seed;
	const unsigned order = in->syn_unit_order;
	bench_synthetic_unit(&in->mix, in->syn_seed, page >> order, &cls, &seed);
	if (zsim_page_fill(cls, seed, (unsigned)(page & ((UINT64_C(1) << order) - 1)), buf))
		memset(buf, 0, ZSIM_PAGE_SIZE); /* cannot happen: a class of the mix */
	return buf;
}

/* Synthetic content is not materialised: a page is generated when the
 * replay needs it (bench_input_page), so a run holds the pool plus one
 * folio buffer per thread, whatever --pages says. */
static int make_synthetic(struct bench_input *in, uint64_t pages, unsigned unit_order,
			  uint64_t seed)
{
	in->corpus = NULL;
	in->corpus_pages = pages;
	in->synthetic = true;
	in->syn_seed = seed;
	in->syn_unit_order = unit_order;
	return 0;
}

/* --- traces --------------------------------------------------------------- */

static int load_trace(struct bench_input *in, const char *path, char *err, size_t errlen)
{
	struct zsim_trace_reader *r;
	struct zsim_trace_error te;
	int rc = zsim_trace_open(path, ZSIM_TRACE_FMT_AUTO, &r, &te);
	if (rc) {
		snprintf(err, errlen, "%s", te.message);
		return bench_exit_for_trace(te.kind);
	}
	zsim_trace_set_corpus_pages(r, in->corpus ? in->corpus_pages : 0);
	in->trace_fmt = zsim_trace_reader_format(r);
	struct zsim_trace_event ev;
	size_t loccap = 0;
	/* A binary trace's location is its byte offset: the bar runs over the
	 * file's size; a CSV trace's is its line: the bar counts lines. */
	const bool binary = in->trace_fmt == ZSIM_TRACE_FMT_BINARY;
	struct stat sst;
	struct bench_progress pb;
	bench_progress_start(&pb, "reading the trace", binary ? "bytes" : "lines",
			     binary && !stat(path, &sst) ? (uint64_t)sst.st_size : 0,
			     bench_progress_allowed());
	while ((rc = zsim_trace_read(r, &ev)) == 1) {
		if ((in->n & 4095) == 0)
			bench_progress_update(&pb, zsim_trace_reader_location(r));
		if (bench_input_push(in, &ev)) {
			snprintf(err, errlen, "%s: out of memory after %zu events", path, in->n);
			zsim_trace_close(r);
			return BX_INTERNAL;
		}
		if (in->n > loccap) {
			loccap = in->cap;
			uint64_t *l = realloc(in->loc, loccap * sizeof(*l));
			if (!l) {
				snprintf(err, errlen, "%s: out of memory", path);
				zsim_trace_close(r);
				return BX_INTERNAL;
			}
			in->loc = l;
		}
		in->loc[in->n - 1] = zsim_trace_reader_location(r);
	}
	bench_progress_end(&pb);
	if (rc < 0) {
		const struct zsim_trace_error *e = zsim_trace_reader_error(r);
		snprintf(err, errlen, "%s", e->message);
		rc = bench_exit_for_trace(e->kind);
		zsim_trace_close(r);
		return rc;
	}
	zsim_trace_close(r);
	in->trace_path = dup_s(path);
	return 0;
}

int bench_input_load(const struct bench_input_spec *spec, struct bench_input *in, char *err,
		     size_t errlen)
{
	memset(in, 0, sizeof(*in));
	int rc;
	in->seed = spec->seed;
	if (spec->trace && spec->workload != WL_NONE) {
		snprintf(err, errlen, "--trace and --workload exclude each other");
		return BX_USAGE;
	}
	in->snapshot = spec->snapshot;
	if (spec->corpus && (rc = bench_corpus_open(in, spec->corpus, err, errlen)))
		return rc;
	if (spec->snapshot && !in->snapshot_desc[0]) {
		snprintf(err, errlen, "--snapshot applies to a page store given as --corpus");
		return BX_USAGE;
	}
	if (spec->trace) {
		if ((rc = load_trace(in, spec->trace, err, errlen)))
			return rc;
		snprintf(in->label, sizeof(in->label), "trace %s (%s, %zu events)%s%s", spec->trace,
			 in->trace_fmt == ZSIM_TRACE_FMT_CSV ? "csv" : "binary", in->n,
			 spec->corpus ? ", corpus " : "", spec->corpus ? spec->corpus : "");
		return 0;
	}
	enum bench_workload wl = spec->workload == WL_NONE ? WL_FILL : spec->workload;
	in->workload = wl;
	if (spec->order_set && wl != WL_MTHP) {
		snprintf(err, errlen, "--order applies to --workload mthp only");
		return BX_USAGE;
	}
	in->order = wl == WL_MTHP ? (spec->order_set ? spec->order : 4) : 0;
	if (in->order > ZSIM_MAX_ORDER) {
		snprintf(err, errlen, "--order %u > %u", in->order, ZSIM_MAX_ORDER);
		return BX_USAGE;
	}
	uint64_t pages = spec->pages;
	if (!pages)
		pages = in->corpus ? in->corpus_pages : BENCH_DEFAULT_PAGES;
	if (pages > (UINT64_C(1) << 32)) {
		snprintf(err, errlen, "--pages %" PRIu64 " > 2^32 (the slots of one swap type)",
			 pages);
		return BX_USAGE;
	}
	in->pages = pages;
	if (spec->mix && in->corpus) {
		snprintf(err, errlen, "--mix describes synthetic content; it does not go with --corpus");
		return BX_USAGE;
	}
	if (!in->corpus) {
		if (bench_mix_parse(&in->mix, spec->mix, err, errlen))
			return BX_USAGE;
		rc = make_synthetic(in, pages, in->order, spec->seed);
		if (rc)
			return rc;
	} else if (in->corpus_pages < (UINT64_C(1) << in->order)) {
		snprintf(err, errlen, "%s: %" PRIu64 " pages, fewer than one folio of order %u",
			 spec->corpus, in->corpus_pages, in->order);
		return BX_CORPUS;
	}
	if (spec->mem_limit && wl != WL_HOTCOLD) {
		snprintf(err, errlen, "--mem-limit applies to --workload hotcold only");
		return BX_USAGE;
	}
	if (spec->ops && wl != WL_HOTCOLD) {
		snprintf(err, errlen, "--ops applies to --workload hotcold only");
		return BX_USAGE;
	}
	if ((rc = bench_workload_generate(in, spec, err, errlen)))
		return rc;
	char what[96];
	if (wl == WL_MTHP) {
		snprintf(what, sizeof(what), "mthp order %u", in->order);
	} else if (wl == WL_HOTCOLD) {
		char b[32];
		snprintf(what, sizeof(what), "hotcold, %" PRIu64 " accesses, memory.max %s", in->ops,
			 bench_human_bytes(in->mem_limit, b, sizeof(b)));
	} else {
		snprintf(what, sizeof(what), "%s", bench_workload_names[wl]);
	}
	if (in->synthetic && spec->mix)
		snprintf(in->label, sizeof(in->label),
			 "workload %s, %" PRIu64 " pages of synthetic content (mix %s, seed %" PRIu64
			 ")",
			 what, pages, spec->mix, spec->seed);
	else if (in->synthetic)
		snprintf(in->label, sizeof(in->label),
			 "workload %s, %" PRIu64 " pages of synthetic content (seed %" PRIu64 ")",
			 what, pages, spec->seed);
	else
		snprintf(in->label, sizeof(in->label),
			 "workload %s, %" PRIu64 " pages from %s (%" PRIu64 " pages%s%s)", what,
			 pages, spec->corpus, in->corpus_pages, in->snapshot_desc[0] ? "; " : "",
			 in->snapshot_desc);
	return 0;
}

int bench_input_emit(const struct bench_input *in, const char *path, char *err, size_t errlen)
{
	if (in->workload == WL_HOTCOLD) {
		snprintf(err, errlen, "%s: hotcold runs through the memory model, whose swap-outs "
			 "depend on the configuration: it has no trace form", path);
		return BX_USAGE;
	}
	struct zsim_trace_header h;
	memset(&h, 0, sizeof(h));
	h.version = ZSIM_TRACE_VERSION;
	h.page_shift = ZSIM_PAGE_SHIFT;
	h.capture = ZSIM_TRACE_CAPTURE_SYNTHETIC;
	snprintf(h.kernel_release, sizeof(h.kernel_release), "zswapsim-%s",
		 zsim_version_string());
	struct zsim_trace_writer *w;
	struct zsim_trace_error te;
	if (zsim_trace_writer_open(path, ZSIM_TRACE_FMT_AUTO, &h, &w, &te)) {
		snprintf(err, errlen, "%s", te.message);
		return BX_IO;
	}
	for (size_t i = 0; i < in->n; i++) {
		struct zsim_trace_event ev = in->ev[i];
		if (in->synthetic && ev.op == ZSIM_TRACE_STORE &&
		    ev.content_kind == ZSIM_TRACE_CONTENT_PAGE) {
			/* A synthetic folio is one unit of the mix: class content
			 * reproduces its bytes exactly. */
			enum zsim_page_class cls;
			uint64_t seed;
			bench_synthetic_unit(&in->mix, in->syn_seed, ev.content >> in->syn_unit_order,
					     &cls, &seed);
			ev.content_kind = ZSIM_TRACE_CONTENT_CLASS;
			ev.page_class = (uint8_t)cls;
			ev.content = seed;
		}
		if (zsim_trace_write(w, &ev)) {
			snprintf(err, errlen, "%s: write error: %s", path, strerror(errno));
			zsim_trace_writer_close(w);
			return BX_IO;
		}
	}
	if (zsim_trace_writer_close(w)) {
		snprintf(err, errlen, "%s: write error: %s", path, strerror(errno));
		return BX_IO;
	}
	return 0;
}

/* "workload=fill,pages=4096,seed=1,order=2,ops=N,mem-limit=B,mix=M" (the
 * mix's classes separated by '+') or "trace=F[,corpus=C]". */
int bench_input_spec_parse(struct bench_input_spec *spec, const char *text, char *err,
			   size_t errlen)
{
	char *s = dup_s(text);
	int rc = 0;
	bool seen_trace = false, seen_corpus = false, seen_mix = false, seen_snapshot = false;
	for (char *p = s, *save = NULL, *tok; (tok = strtok_r(p, ",", &save)); p = NULL) {
		char *eq = strchr(tok, '=');
		if (!eq) {
			snprintf(err, errlen, "bad input '%s': expected key=value", tok);
			rc = -1;
			break;
		}
		*eq = 0;
		const char *k = tok, *v = eq + 1;
		uint64_t x;
		/* the strings are the caller's to free: each key once */
		bool *seen = !strcmp(k, "trace")      ? &seen_trace
			     : !strcmp(k, "corpus")   ? &seen_corpus
			     : !strcmp(k, "mix")      ? &seen_mix
			     : !strcmp(k, "snapshot") ? &seen_snapshot
						      : NULL;
		if (seen && *seen) {
			snprintf(err, errlen, "%s given twice", k);
			rc = -1;
			break;
		}
		if (seen)
			*seen = true;
		if (!strcmp(k, "trace")) {
			spec->trace = dup_s(v);
		} else if (!strcmp(k, "corpus")) {
			spec->corpus = dup_s(v);
		} else if (!strcmp(k, "workload")) {
			if (bench_workload_from_name(v, &spec->workload)) {
				snprintf(err, errlen, "unknown workload '%s'", v);
				rc = -1;
			}
		} else if (!strcmp(k, "snapshot")) {
			spec->snapshot = dup_s(v);
		} else if (!strcmp(k, "mix")) {
			struct bench_mix m;
			if (bench_mix_parse(&m, v, err, errlen))
				rc = -1;
			else
				spec->mix = dup_s(v);
		} else if (!strcmp(k, "mem-limit")) {
			if (bench_parse_size(v, &spec->mem_limit) || spec->mem_limit < ZSIM_PAGE_SIZE) {
				snprintf(err, errlen, "bad size '%s' for mem-limit (bytes, K/M/G/T suffixes, >= 4096)", v);
				rc = -1;
			}
		} else if (!strcmp(k, "pages") || !strcmp(k, "seed") || !strcmp(k, "ops") ||
			   !strcmp(k, "order")) {
			/* the ranges of --pages, --seed, --ops, --order */
			uint64_t lo = k[0] == 's' || k[1] == 'r' ? 0 : 1;
			uint64_t hi = k[0] == 's' ? UINT64_MAX
				      : k[1] == 'r' ? ZSIM_MAX_ORDER : UINT64_C(1) << 32;
			if (bench_parse_u64(v, &x) || x < lo || x > hi) {
				snprintf(err, errlen, "bad number '%s' for %s (%" PRIu64 "..%" PRIu64 ")",
					 v, k, lo, hi);
				rc = -1;
			} else if (k[0] == 'p') {
				spec->pages = x;
			} else if (k[0] == 's') {
				spec->seed = x;
			} else if (k[0] == 'o' && k[1] == 'p') {
				spec->ops = x;
			} else {
				spec->order = (unsigned)x;
				spec->order_set = true;
			}
		} else {
			snprintf(err, errlen,
				 "unknown input key '%s' (trace, corpus, snapshot, workload, pages, order, "
				 "ops, mem-limit, mix, seed)",
				 k);
			rc = -1;
		}
		if (rc)
			break;
	}
	free(s);
	return rc;
}
