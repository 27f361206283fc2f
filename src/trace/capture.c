/*
 * capture.c - zsim_capture_convert: a live-kernel capture made by
 * scripts/capture/zswap-capture.bt (kprobes on zswap_store, zswap_load,
 * zswap_invalidate; format in docs/capture.md) into a trace. Pass 1 checks
 * every line and finds the swap types, their highest slot, the memory
 * cgroups and the first timestamp; pass 2 re-orders events by time through
 * a bounded heap (bpftrace drains per-CPU buffers in batches, so lines from
 * different CPUs interleave out of order), gives stores their content by
 * policy (zswapsim/capture.h) and writes the trace. Layer "trace".
 * zsim_capture_convert_stream does the same between streams the caller
 * opened (a seekable input: fmemopen(3) works); zsim_capture_convert
 * opens its files and runs the same code.
 * Not a kernel model: it reads what the kernel did, and cannot see page
 * contents, so the content is a documented stand-in.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zswapsim/capture.h"
#include "zswapsim/pagegen.h"
#include "trace_internal.h"

#define SLOTS_ROUND (UINT64_C(1) << 14) /* one tree of 16384 slots */
#define MAX_SLOTS (UINT64_C(1) << 32)   /* zsim_zswap_swapon's limit */

struct cap_ev {
	uint64_t ts, line, off, cg;
	int64_t ret;
	uint32_t pid;
	uint16_t cpu;
	uint8_t op, type, order;
};

struct memcg_map {
	uint64_t *keys; /* cgroup id + 1; 0 = empty */
	uint32_t *vals;
	size_t cap, n;
};

struct conv {
	const char *path;
	struct zsim_trace_error *err;
	struct zsim_capture_opts o;
	struct zsim_capture_stats *st;
	FILE *f;
	char *line;
	size_t line_cap;
	uint64_t lineno;
	struct zsim_trace_header hdr;
	bool have_magic;
	int load_ret_hdr; /* 0 unknown, else enum */
	uint64_t t0;
	bool any;
	int pass;         /* 1 or 2 */
	uint64_t max_slot[ZSIM_TRACE_MAX_SWAP_TYPES]; /* highest slot + 1, 0 = unseen */
	struct memcg_map mm;
	/* pass 2 */
	struct cap_ev *heap;
	size_t nheap, heap_cap;
	uint64_t last_ts;
	uint64_t next_page;
	uint64_t nstore;
	struct zsim_trace_writer *w;
};

static int fail(struct conv *c, enum zsim_trace_errc kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct conv *c, enum zsim_trace_errc kind, const char *fmt, ...)
{
	char msg[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->lineno)
		zsim_trace_set_error(c->err, kind, "%s:%" PRIu64 ": %s", c->path, c->lineno, msg);
	else
		zsim_trace_set_error(c->err, kind, "%s: %s", c->path, msg);
	if (c->err)
		c->err->line = c->lineno;
	return zsim_trace_errc_code(kind);
}

void zsim_capture_opts_init(struct zsim_capture_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->content = ZSIM_CAPTURE_CONTENT_CLASS;
	o->stored_class = ZSIM_PAGE_TYPICAL;
	o->rejected_class = ZSIM_PAGE_RANDOM;
	o->seed = 1;
}

static uint64_t mix64(uint64_t x)
{
	x += UINT64_C(0x9E3779B97F4A7C15);
	x = (x ^ (x >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94D049BB133111EB);
	return x ^ (x >> 31);
}

/* memcg index of a cgroup id (0 and 1 = root = memcg 0); -1 if full */
static long memcg_of(struct conv *c, uint64_t cg, bool add)
{
	if (cg <= 1)
		return 0;
	struct memcg_map *m = &c->mm;
	if (m->n * 2 >= m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		uint64_t *k = calloc(cap, sizeof(*k));
		uint32_t *v = calloc(cap, sizeof(*v));
		if (!k || !v) {
			free(k);
			free(v);
			return -1;
		}
		for (size_t i = 0; i < m->cap; i++)
			if (m->keys[i]) {
				size_t j = mix64(m->keys[i]) & (cap - 1);
				while (k[j])
					j = (j + 1) & (cap - 1);
				k[j] = m->keys[i];
				v[j] = m->vals[i];
			}
		free(m->keys);
		free(m->vals);
		m->keys = k;
		m->vals = v;
		m->cap = cap;
	}
	size_t j = mix64(cg + 1) & (m->cap - 1);
	while (m->keys[j]) {
		if (m->keys[j] == cg + 1)
			return m->vals[j];
		j = (j + 1) & (m->cap - 1);
	}
	if (!add || m->n + 1 > ZSIM_TRACE_MEMCG_MAX)
		return -1;
	m->keys[j] = cg + 1;
	m->vals[j] = (uint32_t)++m->n;
	if (c->st && m->n < ZSIM_CAPTURE_MAX_MEMCG_MAP)
		c->st->memcg_cgroup_id[m->n] = cg;
	return (long)m->n;
}

static int parse_u64(const char *s, uint64_t *v)
{
	if (*s < '0' || *s > '9') /* strtoull would take " -1" as 2^64 - 1 */
		return -1;
	char *end;
	errno = 0;
	unsigned long long x = strtoull(s, &end, 0);
	if (errno || *end)
		return -1;
	*v = x;
	return 0;
}

static int parse_i64(const char *s, int64_t *v)
{
	if (!*s)
		return -1;
	char *end;
	errno = 0;
	long long x = strtoll(s, &end, 0);
	if (errno || *end)
		return -1;
	*v = x;
	return 0;
}

/* Header comment "# key=value". */
static int header_line(struct conv *c, char *s)
{
	if (!strcmp(s, ZSIM_CAPTURE_MAGIC)) {
		c->have_magic = true;
		return 0;
	}
	s++;
	while (*s == ' ')
		s++;
	char *eq = strchr(s, '=');
	if (!eq)
		return 0; /* a plain comment */
	*eq = 0;
	const char *k = s, *v = eq + 1;
	uint64_t x;
	if (!strcmp(k, "kernel")) {
		snprintf(c->hdr.kernel_release, sizeof(c->hdr.kernel_release), "%s", v);
	} else if (!strcmp(k, "compressor")) {
		snprintf(c->hdr.compressor, sizeof(c->hdr.compressor), "%s", v);
	} else if (!strcmp(k, "nr_cpus")) {
		if (parse_u64(v, &x) || x > 65536)
			return fail(c, ZSIM_TRACE_E_HEADER, "bad nr_cpus '%s'", v);
		c->hdr.nr_cpus = (unsigned)x;
	} else if (!strcmp(k, "load_ret")) {
		if (!strcmp(v, "bool"))
			c->load_ret_hdr = ZSIM_CAPTURE_LOAD_RET_BOOL;
		else if (!strcmp(v, "int"))
			c->load_ret_hdr = ZSIM_CAPTURE_LOAD_RET_INT;
		else
			return fail(c, ZSIM_TRACE_E_HEADER, "load_ret must be bool or int, not '%s'", v);
	}
	return 0;
}

/*
 * One line: 1 and *ev for an event, 0 for a line without one, or an
 * error. Event lines: OP TS CPU PID CGROUP TYPE OFFSET ORDER RET with OP
 * S (store), L (load) or I (invalidate).
 */
static int parse_line(struct conv *c, char *s, struct cap_ev *ev)
{
	s[strcspn(s, "\r\n")] = 0;
	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s)
		return 0;
	if (!c->have_magic) {
		if (strcmp(s, ZSIM_CAPTURE_MAGIC))
			return fail(c, ZSIM_TRACE_E_MAGIC,
				    "not a zswap capture: the first line must be '%s'",
				    ZSIM_CAPTURE_MAGIC);
		c->have_magic = true;
		return 0;
	}
	if (*s == '#')
		return header_line(c, s);
	if (*s == '@' || !strncmp(s, "Attaching ", 10))
		return 0; /* bpftrace's own chatter */
	if (!strncmp(s, "Lost ", 5)) {
		uint64_t n = 0;
		sscanf(s + 5, "%" SCNu64, &n);
		if (c->st && c->pass == 1)
			c->st->lost += n;
		return 0;
	}
	char *f[10];
	int n = 0;
	for (char *save = NULL, *t = strtok_r(s, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
		if (n == 10)
			return fail(c, ZSIM_TRACE_E_SYNTAX, "more than 9 fields");
		f[n++] = t;
	}
	if (n != 9)
		return fail(c, ZSIM_TRACE_E_SYNTAX,
			    "%d fields; an event line is: OP TS CPU PID CGROUP TYPE OFFSET ORDER RET", n);
	if (strlen(f[0]) != 1 || !strchr("SLI", f[0][0]))
		return fail(c, ZSIM_TRACE_E_OP, "unknown event '%s' (S, L or I)", f[0]);
	static const char *const names[] = {"OP", "timestamp", "cpu", "pid", "cgroup id",
					    "swap type", "offset", "order", "result"};
	uint64_t v[8];
	for (int i = 1; i < 8; i++)
		if (parse_u64(f[i], &v[i]))
			return fail(c, ZSIM_TRACE_E_NUMBER, "bad %s '%s'", names[i], f[i]);
	int64_t ret;
	if (parse_i64(f[8], &ret))
		return fail(c, ZSIM_TRACE_E_NUMBER, "bad result '%s'", f[8]);
	if (v[2] > 65535)
		return fail(c, ZSIM_TRACE_E_RANGE, "cpu %" PRIu64 " > 65535", v[2]);
	if (v[3] > UINT32_MAX)
		return fail(c, ZSIM_TRACE_E_RANGE, "pid %" PRIu64 " too large", v[3]);
	if (v[5] >= ZSIM_TRACE_MAX_SWAP_TYPES)
		return fail(c, ZSIM_TRACE_E_RANGE, "swap type %" PRIu64 " > %d", v[5],
			    ZSIM_TRACE_MAX_SWAP_TYPES - 1);
	if (v[7] > ZSIM_TRACE_MAX_ORDER)
		return fail(c, ZSIM_TRACE_E_RANGE, "folio order %" PRIu64 " > %d", v[7],
			    ZSIM_TRACE_MAX_ORDER);
	if (f[0][0] == 'I' && v[7])
		return fail(c, ZSIM_TRACE_E_RANGE, "an invalidate frees one slot (order 0)");
	if (v[6] & ((UINT64_C(1) << v[7]) - 1))
		return fail(c, ZSIM_TRACE_E_RANGE, "offset %" PRIu64 " is not aligned to its folio (order %" PRIu64 ")",
			    v[6], v[7]);
	if (v[6] + (UINT64_C(1) << v[7]) > MAX_SLOTS)
		return fail(c, ZSIM_TRACE_E_RANGE, "offset %" PRIu64 " beyond 2^32 slots", v[6]);
	*ev = (struct cap_ev){.ts = v[1], .line = c->lineno, .off = v[6], .cg = v[4], .ret = ret,
			      .pid = (uint32_t)v[3], .cpu = (uint16_t)v[2],
			      .op = f[0][0] == 'S' ? ZSIM_TRACE_STORE
						   : f[0][0] == 'L' ? ZSIM_TRACE_LOAD : ZSIM_TRACE_INVALIDATE,
			      .type = (uint8_t)v[5], .order = (uint8_t)v[7]};
	return 1;
}

static int next_line(struct conv *c, struct cap_ev *ev)
{
	for (;;) {
		errno = 0;
		ssize_t k = getline(&c->line, &c->line_cap, c->f);
		if (k < 0) {
			if (ferror(c->f))
				return fail(c, ZSIM_TRACE_E_IO, "read error: %s", strerror(errno));
			return 0;
		}
		c->lineno++;
		if (memchr(c->line, 0, (size_t)k))
			return fail(c, ZSIM_TRACE_E_SYNTAX, "NUL byte in a line");
		int rc = parse_line(c, c->line, ev);
		if (rc)
			return rc;
	}
}

/* --- pass 2: re-order, give content, write ---------------------------- */

static bool ev_less(const struct cap_ev *a, const struct cap_ev *b)
{
	return a->ts < b->ts || (a->ts == b->ts && a->line < b->line);
}

static void heap_push(struct conv *c, const struct cap_ev *e)
{
	size_t i = c->nheap++;
	c->heap[i] = *e;
	while (i) {
		size_t p = (i - 1) / 2;
		if (!ev_less(&c->heap[i], &c->heap[p]))
			break;
		struct cap_ev t = c->heap[i];
		c->heap[i] = c->heap[p];
		c->heap[p] = t;
		i = p;
	}
}

static struct cap_ev heap_pop(struct conv *c)
{
	struct cap_ev top = c->heap[0];
	c->heap[0] = c->heap[--c->nheap];
	size_t i = 0;
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < c->nheap && ev_less(&c->heap[l], &c->heap[m]))
			m = l;
		if (r < c->nheap && ev_less(&c->heap[r], &c->heap[m]))
			m = r;
		if (m == i)
			break;
		struct cap_ev t = c->heap[i];
		c->heap[i] = c->heap[m];
		c->heap[m] = t;
		i = m;
	}
	return top;
}

static int emit(struct conv *c, struct cap_ev *e)
{
	struct zsim_capture_stats *st = c->st;
	if (e->ts < c->last_ts) {
		st->late++;
		e->ts = c->last_ts;
	}
	c->last_ts = e->ts;
	struct zsim_trace_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.ts_ns = e->ts - c->t0;
	ev.op = e->op;
	ev.cpu = e->cpu;
	ev.pid = e->pid;
	ev.swap_type = e->type;
	ev.offset = e->off;
	ev.order = e->order;
	long mg = memcg_of(c, e->cg, false);
	ev.memcg = mg < 0 ? 0 : (uint32_t)mg;
	ev.flags = ZSIM_CAPTURE_FLAG_RESULT;
	const enum zsim_capture_load_ret lr = st->load_ret;
	if (e->op == ZSIM_TRACE_STORE) {
		/* bool in the return register's low byte; the rest is undefined */
		bool ok = (e->ret & 0xff) != 0;
		st->stores++;
		st->store_pages += UINT64_C(1) << e->order;
		if (!ok)
			st->stores_rejected++;
		ev.result = ok ? ZSIM_CAPTURE_STORED : ZSIM_CAPTURE_REJECTED;
		uint64_t nr = UINT64_C(1) << e->order;
		if (c->o.content == ZSIM_CAPTURE_CONTENT_PAGE && ok) {
			/* found by fuzz_capture: a folio larger than the whole
			 * corpus used to point past its end */
			if (nr > c->o.corpus_pages)
				return fail(c, ZSIM_TRACE_E_CORPUS,
					    "a store of order %u needs %" PRIu64
					    " corpus pages; the corpus has %" PRIu64,
					    e->order, nr, c->o.corpus_pages);
			if (c->next_page + nr > c->o.corpus_pages)
				c->next_page = 0;
			ev.content_kind = ZSIM_TRACE_CONTENT_PAGE;
			ev.content = c->next_page;
			c->next_page += nr;
		} else {
			enum zsim_page_class cls =
				ok || c->o.content == ZSIM_CAPTURE_CONTENT_FIXED ? c->o.stored_class
										 : c->o.rejected_class;
			ev.content_kind = ZSIM_TRACE_CONTENT_CLASS;
			ev.page_class = (uint8_t)cls;
			ev.content = mix64(c->o.seed ^ mix64(c->nstore)) & ZSIM_TRACE_SEED_MAX;
		}
		c->nstore++;
	} else if (e->op == ZSIM_TRACE_LOAD) {
		st->loads++;
		/* bool: the low byte; int: the low 32 bits, signed */
		int32_t r32 = (int32_t)(uint32_t)e->ret;
		bool hit = lr == ZSIM_CAPTURE_LOAD_RET_BOOL ? (e->ret & 0xff) == 1 : r32 == 0;
		bool miss = lr == ZSIM_CAPTURE_LOAD_RET_BOOL ? (e->ret & 0xff) == 0 : r32 == -ENOENT;
		ev.result = hit ? ZSIM_CAPTURE_LOAD_HIT : miss ? ZSIM_CAPTURE_LOAD_MISS
							       : ZSIM_CAPTURE_LOAD_ERROR;
		st->load_hits += hit;
		st->load_misses += miss;
		st->load_errors += !hit && !miss;
	} else {
		st->invalidates++;
		ev.flags = 0;
	}
	char why[200];
	if (zsim_trace_event_check(&ev, why, sizeof(why)) != ZSIM_TRACE_OK) {
		c->lineno = e->line;
		return fail(c, ZSIM_TRACE_E_RANGE, "cannot be a trace event: %s", why);
	}
	if (zsim_trace_write(c->w, &ev)) {
		c->lineno = 0;
		return fail(c, ZSIM_TRACE_E_IO, "write error");
	}
	st->events++;
	return 0;
}

/* Both entry points: the capture `in` (a path) or the stream inf named
 * `in`; the trace to the path `out`, or to the stream outf named `out`. */
static int capture_convert(const char *in, FILE *inf, const char *out, FILE *outf,
			   const struct zsim_capture_opts *o, struct zsim_capture_stats *stp,
			   struct zsim_trace_error *err)
{
	struct zsim_capture_stats st_local;
	struct zsim_capture_stats *st = stp ? stp : &st_local;
	memset(st, 0, sizeof(*st));
	struct conv c;
	memset(&c, 0, sizeof(c));
	c.path = in ? in : "(null)";
	c.err = err;
	c.st = st;
	st->memcg_cgroup_id[0] = 1; /* the root */
	if (o)
		c.o = *o;
	else
		zsim_capture_opts_init(&c.o);
	if (err)
		memset(err, 0, sizeof(*err));
	if (!in || !out)
		return fail(&c, ZSIM_TRACE_E_IO, "no input or output");
	if (c.o.content > ZSIM_CAPTURE_CONTENT_FIXED ||
	    (unsigned)c.o.stored_class >= ZSIM_PAGE_CLASS_COUNT ||
	    (unsigned)c.o.rejected_class >= ZSIM_PAGE_CLASS_COUNT ||
	    (c.o.content == ZSIM_CAPTURE_CONTENT_PAGE && !c.o.corpus_pages) ||
	    c.o.load_ret > ZSIM_CAPTURE_LOAD_RET_INT || c.o.swap_slots > MAX_SLOTS) {
		fail(&c, ZSIM_TRACE_E_IO, "invalid options (content policy, class, corpus size, "
					  "load_ret or swap_slots)");
		return ZSIM_EINVAL;
	}
	unsigned window = c.o.reorder_window ? c.o.reorder_window : 65536;
	if (outf && c.o.out_fmt == ZSIM_TRACE_FMT_AUTO)
		c.o.out_fmt = ZSIM_TRACE_FMT_BINARY; /* a stream has no name to go by */
	if (inf) {
		c.f = inf;
	} else {
		struct stat sb;
		if (stat(in, &sb) || !S_ISREG(sb.st_mode))
			return fail(&c, ZSIM_TRACE_E_IO, "cannot read: %s",
				    errno ? strerror(errno)
					  : "not a regular file (it is read twice)");
		c.f = fopen(in, "r");
		if (!c.f)
			return fail(&c, ZSIM_TRACE_E_IO, "cannot open: %s", strerror(errno));
	}

	/* pass 1 */
	c.pass = 1;
	struct cap_ev e;
	int rc;
	uint64_t events = 0;
	while ((rc = next_line(&c, &e)) == 1) {
		events++;
		if (!c.any || e.ts < c.t0)
			c.t0 = e.ts;
		c.any = true;
		uint64_t end = e.off + (UINT64_C(1) << e.order);
		if (end > c.max_slot[e.type])
			c.max_slot[e.type] = end;
		if (memcg_of(&c, e.cg, true) < 0) {
			rc = fail(&c, ZSIM_TRACE_E_RANGE, "more than %u memory cgroups",
				  ZSIM_TRACE_MEMCG_MAX);
			break;
		}
	}
	st->lines = c.lineno;
	if (!rc && !c.have_magic)
		rc = fail(&c, ZSIM_TRACE_E_MAGIC, "empty file: not a zswap capture");
	st->load_ret = c.o.load_ret ? c.o.load_ret : (enum zsim_capture_load_ret)c.load_ret_hdr;
	if (!rc && !st->load_ret) {
		c.lineno = 0;
		rc = fail(&c, ZSIM_TRACE_E_HEADER,
			  "the header has no load_ret= line: say how zswap_load's result reads "
			  "(bool before it returned int)");
	}
	snprintf(st->kernel_release, sizeof(st->kernel_release), "%s", c.hdr.kernel_release);
	st->memcgs = (unsigned)c.mm.n + 1;
	for (unsigned t = 0; t < ZSIM_TRACE_MAX_SWAP_TYPES && !rc; t++) {
		if (!c.max_slot[t])
			continue;
		uint64_t slots = c.o.swap_slots;
		if (!slots)
			slots = (c.max_slot[t] + SLOTS_ROUND - 1) / SLOTS_ROUND * SLOTS_ROUND;
		if (slots > MAX_SLOTS)
			slots = MAX_SLOTS;
		if (slots < c.max_slot[t]) {
			c.lineno = 0;
			rc = fail(&c, ZSIM_TRACE_E_RANGE,
				  "swap type %u uses slot %" PRIu64 " beyond the %" PRIu64 " slots asked for",
				  t, c.max_slot[t] - 1, slots);
		}
		st->slots[t] = slots;
		st->swap_types++;
	}
	if (rc) {
		if (!inf)
			fclose(c.f);
		free(c.line);
		free(c.mm.keys);
		free(c.mm.vals);
		return rc;
	}

	/* pass 2 */
	c.hdr.version = ZSIM_TRACE_VERSION;
	c.hdr.page_shift = ZSIM_PAGE_SHIFT;
	c.hdr.capture = ZSIM_TRACE_CAPTURE_KPROBE;
	if (fseek(c.f, 0, SEEK_SET)) {
		rc = fail(&c, ZSIM_TRACE_E_IO, "cannot read it again: %s", strerror(errno));
		if (!inf)
			fclose(c.f);
		free(c.line);
		free(c.mm.keys);
		free(c.mm.vals);
		return rc;
	}
	clearerr(c.f);
	c.pass = 2;
	c.lineno = 0;
	c.have_magic = false;
	struct zsim_trace_header hdr = c.hdr;
	rc = outf ? zsim_trace_writer_open_stream(outf, out, c.o.out_fmt, &hdr, &c.w, err)
		  : zsim_trace_writer_open(out, c.o.out_fmt, &hdr, &c.w, err);
	/* the heap never holds more than the capture's events (a capture
	 * smaller than the window needs no window-sized heap) */
	c.heap_cap = events < window ? (size_t)events + 1 : window;
	c.heap = malloc(c.heap_cap * sizeof(*c.heap));
	if (!rc && !c.heap)
		rc = fail(&c, ZSIM_TRACE_E_IO, "out of memory");
	for (unsigned t = 0; t < ZSIM_TRACE_MAX_SWAP_TYPES && !rc; t++) {
		if (!st->slots[t])
			continue;
		struct zsim_trace_event on = {.op = ZSIM_TRACE_SWAPON, .swap_type = (uint8_t)t,
					      .offset = st->slots[t]};
		if (zsim_trace_write(c.w, &on))
			rc = fail(&c, ZSIM_TRACE_E_IO, "%s: write error", out);
		else
			st->events++;
	}
	c.last_ts = c.t0;
	while (!rc && (rc = next_line(&c, &e)) == 1) {
		rc = 0;
		if (c.nheap == c.heap_cap) { /* the window (or a file that grew) */
			struct cap_ev top = heap_pop(&c);
			rc = emit(&c, &top);
		}
		heap_push(&c, &e);
	}
	while (!rc && c.nheap) {
		struct cap_ev top = heap_pop(&c);
		rc = emit(&c, &top);
	}
	if (!inf)
		fclose(c.f);
	free(c.line);
	free(c.heap);
	free(c.mm.keys);
	free(c.mm.vals);
	if (c.w) {
		int crc = zsim_trace_writer_close(c.w);
		if (!rc && crc) {
			c.lineno = 0;
			rc = fail(&c, ZSIM_TRACE_E_IO, "%s: write error", out);
		}
	}
	if (rc && !outf && strcmp(out, "-"))
		unlink(out);
	return rc;
}

int zsim_capture_convert(const char *in, const char *out, const struct zsim_capture_opts *o,
			 struct zsim_capture_stats *st, struct zsim_trace_error *err)
{
	return capture_convert(in, NULL, out, NULL, o, st, err);
}

int zsim_capture_convert_stream(FILE *in, const char *in_name, FILE *out, const char *out_name,
				const struct zsim_capture_opts *o, struct zsim_capture_stats *st,
				struct zsim_trace_error *err)
{
	if (!in || !out) {
		if (st)
			memset(st, 0, sizeof(*st));
		zsim_trace_set_error(err, ZSIM_TRACE_E_IO, "no input or output");
		return zsim_trace_errc_code(ZSIM_TRACE_E_IO);
	}
	return capture_convert(in_name, in, out_name, out, o, st, err);
}
