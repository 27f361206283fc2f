/*
 * csv.c - the CSV text form of a trace: one event per line under the exact
 * header "ts_ns,op,cpu,memcg,swap_type,offset,order,content". Blank lines
 * and lines starting with '#' are skipped; an empty number field is 0.
 * Every malformed line stops the reader with a message naming the file,
 * the line and what is wrong (docs/trace-format.md lists them).
 * Entry points: zsim_trace_csv_read, zsim_trace_csv_write.
 * No kernel counterpart; the fields mirror the binary record (binary.c).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "trace/trace_internal.h"
#include "zswapsim/pagegen.h"

#define NFIELDS 8
static const char *const field_names[NFIELDS] = {
	"ts_ns", "op", "cpu", "memcg", "swap_type", "offset", "order", "content",
};

/* Next raw line: 1 (*line and *len set, without the newline), 0 at the end,
 * or an error code. */
static int next_line(struct zsim_trace_reader *r, const char **line, size_t *len)
{
	for (;;) {
		size_t avail = r->len - r->pos;
		const unsigned char *p = r->buf + r->pos;
		const unsigned char *nl = memchr(p, '\n', avail);
		if (nl) {
			*line = (const char *)p;
			*len = (size_t)(nl - p);
			r->pos += *len + 1;
			break;
		}
		if (avail > ZSIM_TRACE_CSV_LINE_MAX) {
			r->line++;
			return zsim_trace_fail(r, ZSIM_TRACE_E_SYNTAX, "line longer than %u bytes",
					       ZSIM_TRACE_CSV_LINE_MAX);
		}
		if (r->eof) {
			if (!avail)
				return 0;
			*line = (const char *)p;
			*len = avail;
			r->pos = r->len;
			break;
		}
		long n = zsim_trace_fill(r, avail + 1);
		if (n < 0) {
			r->line++;
			return zsim_trace_fail(r, ZSIM_TRACE_E_IO, "read error");
		}
	}
	r->line++;
	if (*len > ZSIM_TRACE_CSV_LINE_MAX)
		return zsim_trace_fail(r, ZSIM_TRACE_E_SYNTAX, "line longer than %u bytes",
				       ZSIM_TRACE_CSV_LINE_MAX);
	if (memchr(*line, 0, *len))
		return zsim_trace_fail(r, ZSIM_TRACE_E_SYNTAX, "NUL byte in a text line");
	if (*len && (*line)[*len - 1] == '\r')
		(*len)--;
	return 1;
}

/* Printable excerpt of a field for messages (at most 40 characters). */
static const char *excerpt(const char *s, size_t n, char *buf, size_t cap)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k + 4 < cap && i < 40; i++)
		buf[k++] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	if (n > 40 && k + 4 < cap) {
		memcpy(buf + k, "...", 3);
		k += 3;
	}
	buf[k] = 0;
	return buf;
}

int zsim_trace_csv_open(struct zsim_trace_reader *r)
{
	r->hdr.version = ZSIM_TRACE_VERSION;
	r->hdr.page_shift = ZSIM_PAGE_SHIFT;
	const char *line;
	size_t len;
	int rc = next_line(r, &line, &len);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		r->line = 1;
		return zsim_trace_fail(r, ZSIM_TRACE_E_HEADER,
				       "empty file: expected the header line \"%s\"",
				       ZSIM_TRACE_CSV_HEADER);
	}
	/* A UTF-8 byte order mark, as spreadsheets write, is tolerated. */
	if (len >= 3 && !memcmp(line, "\xEF\xBB\xBF", 3)) {
		line += 3;
		len -= 3;
	}
	if (len != strlen(ZSIM_TRACE_CSV_HEADER) || memcmp(line, ZSIM_TRACE_CSV_HEADER, len)) {
		char ex[64];
		return zsim_trace_fail(r, ZSIM_TRACE_E_HEADER,
				       "expected the header line \"%s\", got \"%s\"",
				       ZSIM_TRACE_CSV_HEADER, excerpt(line, len, ex, sizeof(ex)));
	}
	return 0;
}

static void trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

static bool has_prefix(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);
	return n >= k && !memcmp(s, prefix, k);
}

static int number_field(struct zsim_trace_reader *r, const char *s, size_t n, unsigned field,
			uint64_t max, uint64_t *out)
{
	char ex[64];
	if (zsim_trace_parse_u64(s, n, out))
		return zsim_trace_fail(r, ZSIM_TRACE_E_NUMBER, "bad number \"%s\" in field %s",
				       excerpt(s, n, ex, sizeof(ex)), field_names[field]);
	if (*out > max)
		return zsim_trace_fail(r, ZSIM_TRACE_E_RANGE, "%s %" PRIu64 " > %" PRIu64,
				       field_names[field], *out, max);
	return 0;
}

/* "max", or bytes with an optional K/M/G/T suffix (powers of 1024). */
static int parse_bytes(const char *s, size_t n, uint64_t *out)
{
	if (n == 3 && !memcmp(s, "max", 3)) {
		*out = ZSIM_TRACE_VALUE_MAX;
		return 0;
	}
	unsigned shift = 0;
	if (n > 1) {
		switch (s[n - 1]) {
		case 'K': case 'k': shift = 10; break;
		case 'M': case 'm': shift = 20; break;
		case 'G': case 'g': shift = 30; break;
		case 'T': case 't': shift = 40; break;
		default: break;
		}
	}
	if (shift)
		n--;
	uint64_t v;
	if (!n || zsim_trace_parse_u64(s, n, &v))
		return -1;
	if (shift && v > (UINT64_MAX >> shift))
		return -1;
	v <<= shift;
	if (v == ZSIM_TRACE_VALUE_MAX)
		return -1;
	*out = v;
	return 0;
}

static int parse_store_content(struct zsim_trace_reader *r, const char *s, size_t n,
			       struct zsim_trace_event *ev)
{
	char ex[64];
	if (n == 0)
		return zsim_trace_fail(r, ZSIM_TRACE_E_CONTENT,
				       "store needs content (page:N, zero, "
				       "fill:0xHHHHHHHHHHHHHHHH or class:NAME:SEED)");
	if (n == 4 && !memcmp(s, "zero", 4)) {
		ev->content_kind = ZSIM_TRACE_CONTENT_ZERO;
		return 0;
	}
	if (has_prefix(s, n, "page:")) {
		if (zsim_trace_parse_u64(s + 5, n - 5, &ev->content) || n == 5)
			return zsim_trace_fail(r, ZSIM_TRACE_E_NUMBER,
					       "bad page number in content \"%s\"",
					       excerpt(s, n, ex, sizeof(ex)));
		ev->content_kind = ZSIM_TRACE_CONTENT_PAGE;
		return 0;
	}
	if (has_prefix(s, n, "fill:")) {
		const char *h = s + 5;
		size_t hn = n - 5;
		if (hn < 3 || hn > 18 || h[0] != '0' || (h[1] != 'x' && h[1] != 'X') ||
		    zsim_trace_parse_u64(h, hn, &ev->content))
			return zsim_trace_fail(r, ZSIM_TRACE_E_CONTENT,
					       "bad fill content \"%s\": expected "
					       "fill:0x and 1 to 16 hex digits",
					       excerpt(s, n, ex, sizeof(ex)));
		ev->content_kind = ZSIM_TRACE_CONTENT_SAME;
		return 0;
	}
	if (has_prefix(s, n, "class:")) {
		const char *name = s + 6;
		const char *colon = memchr(name, ':', n - 6);
		if (!colon)
			return zsim_trace_fail(r, ZSIM_TRACE_E_CONTENT,
					       "bad class content \"%s\": expected class:NAME:SEED",
					       excerpt(s, n, ex, sizeof(ex)));
		char cname[32];
		size_t cn = (size_t)(colon - name);
		enum zsim_page_class cls;
		if (cn == 0 || cn >= sizeof(cname))
			return zsim_trace_fail(r, ZSIM_TRACE_E_CONTENT, "unknown page class \"%s\"",
					       excerpt(name, cn, ex, sizeof(ex)));
		memcpy(cname, name, cn);
		cname[cn] = 0;
		if (zsim_page_class_from_name(cname, &cls))
			return zsim_trace_fail(r, ZSIM_TRACE_E_CONTENT,
					       "unknown page class \"%s\" (zero, same, mostly-zero, "
					       "text, pointer, typical, random)",
					       cname);
		const char *sd = colon + 1;
		size_t sn = n - (size_t)(sd - s);
		if (has_prefix(sd, sn, "seed")) {
			sd += 4;
			sn -= 4;
		}
		if (sn == 0 || zsim_trace_parse_u64(sd, sn, &ev->content))
			return zsim_trace_fail(r, ZSIM_TRACE_E_NUMBER,
					       "bad seed in content \"%s\"",
					       excerpt(s, n, ex, sizeof(ex)));
		if (ev->content > ZSIM_TRACE_SEED_MAX)
			return zsim_trace_fail(r, ZSIM_TRACE_E_RANGE,
					       "class seed %" PRIu64 " > 2^56-1", ev->content);
		ev->content_kind = ZSIM_TRACE_CONTENT_CLASS;
		ev->page_class = (uint8_t)cls;
		return 0;
	}
	if (has_prefix(s, n, "clen:"))
		return zsim_trace_fail(r, ZSIM_TRACE_E_CONTENT,
				       "clen content is not supported: a store needs page content");
	return zsim_trace_fail(r, ZSIM_TRACE_E_CONTENT,
			       "unknown content \"%s\" (expected page:N, zero, "
			       "fill:0xHHHHHHHHHHHHHHHH or class:NAME:SEED)",
			       excerpt(s, n, ex, sizeof(ex)));
}

static int parse_memcg_set(struct zsim_trace_reader *r, const char *s, size_t n,
			   struct zsim_trace_event *ev)
{
	char ex[64];
	const char *eq = memchr(s, '=', n);
	if (!eq)
		return zsim_trace_fail(r, ZSIM_TRACE_E_CONTENT,
				       "memcg_set needs KEY=VALUE in content, got \"%s\"",
				       excerpt(s, n, ex, sizeof(ex)));
	size_t kn = (size_t)(eq - s);
	unsigned key = ZSIM_TRACE_MEMCG_KEY_COUNT;
	for (unsigned k = 0; k < ZSIM_TRACE_MEMCG_KEY_COUNT; k++) {
		const char *name = zsim_trace_memcg_key_name(k);
		if (strlen(name) == kn && !memcmp(name, s, kn))
			key = k;
	}
	if (key == ZSIM_TRACE_MEMCG_KEY_COUNT)
		return zsim_trace_fail(r, ZSIM_TRACE_E_CONTENT,
				       "unknown memcg key \"%s\" (memory.max, memory.zswap.max, "
				       "memory.zswap.writeback)",
				       excerpt(s, kn, ex, sizeof(ex)));
	const char *v = eq + 1;
	size_t vn = n - kn - 1;
	uint64_t val;
	if (key == ZSIM_TRACE_MEMORY_ZSWAP_WB) {
		if (vn != 1 || (v[0] != '0' && v[0] != '1'))
			return zsim_trace_fail(r, ZSIM_TRACE_E_CONTENT,
					       "memory.zswap.writeback takes 0 or 1, got \"%s\"",
					       excerpt(v, vn, ex, sizeof(ex)));
		val = (uint64_t)(v[0] - '0');
	} else if (parse_bytes(v, vn, &val)) {
		return zsim_trace_fail(r, ZSIM_TRACE_E_NUMBER,
				       "bad value \"%s\" for %s: expected max or bytes "
				       "(K/M/G/T suffix allowed)",
				       excerpt(v, vn, ex, sizeof(ex)), zsim_trace_memcg_key_name(key));
	}
	ev->order = (uint8_t)key;
	ev->offset = val;
	return 0;
}

int zsim_trace_csv_read(struct zsim_trace_reader *r, struct zsim_trace_event *ev)
{
	const char *line;
	size_t len;
	int rc;
	for (;;) {
		rc = next_line(r, &line, &len);
		if (rc <= 0)
			return rc;
		const char *t = line;
		size_t tn = len;
		trim(&t, &tn);
		if (tn && t[0] != '#')
			break;
	}
	const char *f[NFIELDS + 1];
	size_t fl[NFIELDS + 1];
	unsigned nf = 0;
	const char *p = line, *end = line + len;
	for (;;) {
		const char *c = memchr(p, ',', (size_t)(end - p));
		const char *fe = c ? c : end;
		if (nf <= NFIELDS) {
			f[nf] = p;
			fl[nf] = (size_t)(fe - p);
		}
		nf++;
		if (!c)
			break;
		p = c + 1;
	}
	if (nf != NFIELDS)
		return zsim_trace_fail(r, ZSIM_TRACE_E_SYNTAX,
				       "expected %u fields (%s), got %u", NFIELDS,
				       ZSIM_TRACE_CSV_HEADER, nf);
	for (unsigned i = 0; i < NFIELDS; i++)
		trim(&f[i], &fl[i]);

	memset(ev, 0, sizeof(*ev));
	char opname[16], ex[64];
	unsigned op = 0;
	if (fl[1] == 0 || fl[1] >= sizeof(opname))
		op = 0;
	else {
		memcpy(opname, f[1], fl[1]);
		opname[fl[1]] = 0;
		if (zsim_trace_op_from_name(opname, &op))
			op = 0;
	}
	if (!op)
		return zsim_trace_fail(r, ZSIM_TRACE_E_OP,
				       "unknown op \"%s\" (expected store, load, invalidate, "
				       "swapon, swapoff, memcg_set, writeback or mark)",
				       excerpt(f[1], fl[1], ex, sizeof(ex)));
	ev->op = (uint8_t)op;
	uint64_t v;
	if ((rc = number_field(r, f[0], fl[0], 0, UINT64_MAX, &ev->ts_ns)))
		return rc;
	if ((rc = number_field(r, f[2], fl[2], 2, UINT16_MAX, &v)))
		return rc;
	ev->cpu = (uint16_t)v;
	if ((rc = number_field(r, f[3], fl[3], 3, ZSIM_TRACE_MEMCG_MAX, &v)))
		return rc;
	ev->memcg = (uint32_t)v;
	if ((rc = number_field(r, f[4], fl[4], 4, ZSIM_TRACE_MAX_SWAP_TYPES - 1, &v)))
		return rc;
	ev->swap_type = (uint8_t)v;
	if ((rc = number_field(r, f[5], fl[5], 5, UINT64_MAX, &ev->offset)))
		return rc;
	if ((rc = number_field(r, f[6], fl[6], 6, ZSIM_TRACE_MAX_ORDER, &v)))
		return rc;
	ev->order = (uint8_t)v;

	if (op == ZSIM_TRACE_STORE) {
		if ((rc = parse_store_content(r, f[7], fl[7], ev)))
			return rc;
	} else if (op == ZSIM_TRACE_MEMCG_SET) {
		if (ev->order)
			return zsim_trace_fail(r, ZSIM_TRACE_E_RANGE, "order must be 0 for memcg_set");
		if (ev->offset)
			return zsim_trace_fail(r, ZSIM_TRACE_E_RANGE,
					       "memcg_set takes its value in content, offset must be 0");
		if ((rc = parse_memcg_set(r, f[7], fl[7], ev)))
			return rc;
	} else if (fl[7]) {
		return zsim_trace_fail(r, ZSIM_TRACE_E_CONTENT,
				       "content \"%s\" given for %s (only store and memcg_set take "
				       "content)",
				       excerpt(f[7], fl[7], ex, sizeof(ex)), opname);
	}
	char why[200];
	enum zsim_trace_errc k = zsim_trace_event_check(ev, why, sizeof(why));
	if (k != ZSIM_TRACE_OK)
		return zsim_trace_fail(r, k, "%s", why);
	return 1;
}

int zsim_trace_csv_write_header(struct zsim_trace_writer *w)
{
	return fputs(ZSIM_TRACE_CSV_HEADER "\n", w->f) < 0 ? ZSIM_EIO : 0;
}

int zsim_trace_csv_write(struct zsim_trace_writer *w, const struct zsim_trace_event *ev)
{
	char content[96];
	if (zsim_trace_content_format(ev, content, sizeof(content)) < 0)
		return ZSIM_EINVAL;
	const bool kv = ev->op == ZSIM_TRACE_MEMCG_SET;
	int n = fprintf(w->f, "%" PRIu64 ",%s,%u,%" PRIu32 ",%u,%" PRIu64 ",%u,%s\n", ev->ts_ns,
			zsim_trace_op_name(ev->op), ev->cpu, ev->memcg, ev->swap_type,
			kv ? 0 : ev->offset, kv ? 0u : ev->order, content);
	return n < 0 ? ZSIM_EIO : 0;
}
