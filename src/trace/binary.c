/*
 * binary.c - the "ZSWT v1" binary form: a 128-byte little-endian header
 * then fixed 40-byte little-endian records, the event record of
 * users-and-traces.md §2c. Fill values (the SAME content kind) live in a
 * value table built by definition records (op 0xF0) placed before the
 * first record that uses them, instead of §2c's up-front TLV tables, so a
 * writer streams. The reader checks every byte it interprets and reports
 * the byte offset of the record at fault.
 * Entry points: zsim_trace_bin_read, zsim_trace_bin_write.
 * No kernel counterpart.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "trace/trace_internal.h"
#include "zswapsim/pagegen.h"

/* Header layout (offsets in bytes). */
enum {
	H_MAGIC = 0,       /* "ZSWT" */
	H_VERSION = 4,     /* u16 */
	H_HEADER_SIZE = 6, /* u16, >= 128 */
	H_RECORD_SIZE = 8, /* u16, 40 */
	H_PAGE_SHIFT = 10, /* u8, 12 */
	H_CLOCK = 11,      /* u8 */
	H_CAPTURE = 12,    /* u8 */
	H_FLAGS = 13,      /* u8, 0 */
	H_NR_CPUS = 14,    /* u16 */
	H_RECORDS = 16,    /* u64, 0 = unknown */
	H_KERNEL = 24,     /* char[40] */
	H_COMPRESSOR = 64, /* char[32] */
	/* 96..127 reserved, zero */
};

/* Record layout. */
enum {
	R_TS = 0,       /* u64 */
	R_OFFSET = 8,   /* u64 */
	R_CONTENT = 16, /* u64 content_ref */
	R_MEMCG = 24,   /* u32 */
	R_PID = 28,     /* u32 */
	R_CPU = 32,     /* u16 */
	R_OP = 34,      /* u8 */
	R_ORDER = 35,   /* u8 */
	R_TYPE = 36,    /* u8 */
	R_FLAGS = 37,   /* u8 */
	R_RESULT = 38,  /* u8 */
	R_RESERVED = 39 /* u8, 0 */
};

#define MAX_HEADER_SIZE 65535u

int zsim_trace_bin_open(struct zsim_trace_reader *r)
{
	r->location = 0;
	long n = zsim_trace_fill(r, ZSIM_TRACE_HEADER_SIZE);
	if (n < 0)
		return zsim_trace_fail(r, ZSIM_TRACE_E_IO, "read error");
	const unsigned char *h = r->buf + r->pos;
	if (n < 4 || memcmp(h, ZSIM_TRACE_MAGIC, 4))
		return zsim_trace_fail(r, ZSIM_TRACE_E_MAGIC, "bad magic: not a ZSWT trace");
	if (n < 8)
		return zsim_trace_fail(r, ZSIM_TRACE_E_TRUNCATED,
				       "truncated header (%ld of %u bytes)", n,
				       ZSIM_TRACE_HEADER_SIZE);
	unsigned version = zsim_get_le16(h + H_VERSION);
	if (version != ZSIM_TRACE_VERSION)
		return zsim_trace_fail(r, ZSIM_TRACE_E_VERSION,
				       "unsupported ZSWT version %u (this reader knows %u)",
				       version, ZSIM_TRACE_VERSION);
	if (n < (long)ZSIM_TRACE_HEADER_SIZE)
		return zsim_trace_fail(r, ZSIM_TRACE_E_TRUNCATED,
				       "truncated header (%ld of %u bytes)", n,
				       ZSIM_TRACE_HEADER_SIZE);
	unsigned hsize = zsim_get_le16(h + H_HEADER_SIZE);
	unsigned rsize = zsim_get_le16(h + H_RECORD_SIZE);
	if (hsize < ZSIM_TRACE_HEADER_SIZE)
		return zsim_trace_fail(r, ZSIM_TRACE_E_HEADER,
				       "header size %u < %u", hsize, ZSIM_TRACE_HEADER_SIZE);
	if (rsize != ZSIM_TRACE_RECORD_SIZE)
		return zsim_trace_fail(r, ZSIM_TRACE_E_HEADER,
				       "record size %u, expected %u", rsize,
				       ZSIM_TRACE_RECORD_SIZE);
	if (h[H_PAGE_SHIFT] != ZSIM_PAGE_SHIFT)
		return zsim_trace_fail(r, ZSIM_TRACE_E_HEADER,
				       "page_shift %u unsupported (only %u: 4 KiB pages)",
				       h[H_PAGE_SHIFT], ZSIM_PAGE_SHIFT);
	if (h[H_FLAGS])
		return zsim_trace_fail(r, ZSIM_TRACE_E_HEADER, "unknown header flags 0x%02x",
				       h[H_FLAGS]);
	r->hdr.version = version;
	r->hdr.page_shift = h[H_PAGE_SHIFT];
	r->hdr.clock = h[H_CLOCK];
	r->hdr.capture = h[H_CAPTURE];
	r->hdr.nr_cpus = zsim_get_le16(h + H_NR_CPUS);
	r->hdr.record_count = zsim_get_le64(h + H_RECORDS);
	memcpy(r->hdr.kernel_release, h + H_KERNEL, sizeof(r->hdr.kernel_release));
	r->hdr.kernel_release[sizeof(r->hdr.kernel_release) - 1] = 0;
	memcpy(r->hdr.compressor, h + H_COMPRESSOR, sizeof(r->hdr.compressor));
	r->hdr.compressor[sizeof(r->hdr.compressor) - 1] = 0;
	/* A longer header (a later minor revision) is skipped. */
	size_t skip = hsize;
	while (skip) {
		n = zsim_trace_fill(r, skip < ZSIM_TRACE_BUF_SIZE ? skip : ZSIM_TRACE_BUF_SIZE);
		if (n < 0)
			return zsim_trace_fail(r, ZSIM_TRACE_E_IO, "read error");
		if (n == 0)
			return zsim_trace_fail(r, ZSIM_TRACE_E_TRUNCATED,
					       "truncated header (%u bytes declared)", hsize);
		size_t k = (size_t)n < skip ? (size_t)n : skip;
		r->pos += k;
		skip -= k;
	}
	return 0;
}

static int decode_content(struct zsim_trace_reader *r, uint64_t ref, struct zsim_trace_event *ev)
{
	unsigned kind = (unsigned)(ref >> ZSIM_TRACE_REF_SHIFT);
	uint64_t payload = ref & ZSIM_TRACE_REF_PAYLOAD;
	switch (kind) {
	case ZSIM_TRACE_CONTENT_NONE:
	case ZSIM_TRACE_CONTENT_ZERO:
		if (payload)
			return zsim_trace_fail(r, ZSIM_TRACE_E_CONTENT,
					       "content kind %u carries a payload 0x%" PRIx64, kind,
					       payload);
		break;
	case ZSIM_TRACE_CONTENT_PAGE:
		ev->content = payload;
		break;
	case ZSIM_TRACE_CONTENT_SAME:
		if (payload >= r->nvalues)
			return zsim_trace_fail(r, ZSIM_TRACE_E_CONTENT,
					       "fill value #%" PRIu64 " not defined (%zu defined)",
					       payload, r->nvalues);
		ev->content = r->values[payload];
		break;
	case ZSIM_TRACE_CONTENT_CLASS:
		ev->page_class = (uint8_t)(payload >> 56);
		ev->content = payload & ZSIM_TRACE_SEED_MAX;
		if (ev->page_class >= ZSIM_PAGE_CLASS_COUNT)
			return zsim_trace_fail(r, ZSIM_TRACE_E_CONTENT, "unknown page class %u",
					       ev->page_class);
		break;
	case ZSIM_TRACE_REF_CLEN:
		return zsim_trace_fail(r, ZSIM_TRACE_E_CONTENT,
				       "clen content is not supported: a store needs page content");
	default:
		return zsim_trace_fail(r, ZSIM_TRACE_E_CONTENT, "unknown content kind %u", kind);
	}
	ev->content_kind = (uint8_t)kind;
	return 0;
}

static bool all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

int zsim_trace_bin_read(struct zsim_trace_reader *r, struct zsim_trace_event *ev)
{
	for (;;) {
		r->location = r->base + r->pos;
		long n = zsim_trace_fill(r, ZSIM_TRACE_RECORD_SIZE);
		if (n < 0)
			return zsim_trace_fail(r, ZSIM_TRACE_E_IO, "read error");
		if (n == 0) {
			if (r->hdr.record_count && r->records < r->hdr.record_count)
				return zsim_trace_fail(r, ZSIM_TRACE_E_TRUNCATED,
						       "file ends after %" PRIu64
						       " records, header says %" PRIu64,
						       r->records, r->hdr.record_count);
			return 0;
		}
		if (n < (long)ZSIM_TRACE_RECORD_SIZE)
			return zsim_trace_fail(r, ZSIM_TRACE_E_TRUNCATED,
					       "truncated record (%ld of %u bytes)", n,
					       ZSIM_TRACE_RECORD_SIZE);
		if (r->hdr.record_count && r->records >= r->hdr.record_count)
			return zsim_trace_fail(r, ZSIM_TRACE_E_SYNTAX,
					       "data after the %" PRIu64 " records the header declares",
					       r->hdr.record_count);
		const unsigned char *p = r->buf + r->pos;
		r->pos += ZSIM_TRACE_RECORD_SIZE;
		r->records++;
		if (p[R_RESERVED])
			return zsim_trace_fail(r, ZSIM_TRACE_E_SYNTAX,
					       "reserved byte is 0x%02x, must be 0", p[R_RESERVED]);
		if (p[R_OP] == ZSIM_TRACE_OP_DEF_VALUE) {
			/* Definition: value table entry #nvalues = offset; all
			 * other fields zero. */
			if (!all_zero(p, R_OFFSET) || !all_zero(p + R_CONTENT, R_OP - R_CONTENT) ||
			    !all_zero(p + R_ORDER, R_RESERVED - R_ORDER))
				return zsim_trace_fail(r, ZSIM_TRACE_E_SYNTAX,
						       "definition record with non-zero fields");
			if (r->nvalues >= ZSIM_TRACE_MAX_VALUES)
				return zsim_trace_fail(r, ZSIM_TRACE_E_RANGE,
						       "more than %u fill values defined",
						       ZSIM_TRACE_MAX_VALUES);
			if (r->nvalues == r->values_cap) {
				size_t cap = r->values_cap ? r->values_cap * 2 : 64;
				uint64_t *nv = realloc(r->values, cap * sizeof(*nv));
				if (!nv)
					return zsim_trace_fail(r, ZSIM_TRACE_E_IO, "out of memory");
				r->values = nv;
				r->values_cap = cap;
			}
			r->values[r->nvalues++] = zsim_get_le64(p + R_OFFSET);
			continue;
		}
		memset(ev, 0, sizeof(*ev));
		ev->ts_ns = zsim_get_le64(p + R_TS);
		ev->offset = zsim_get_le64(p + R_OFFSET);
		ev->memcg = zsim_get_le32(p + R_MEMCG);
		ev->pid = zsim_get_le32(p + R_PID);
		ev->cpu = zsim_get_le16(p + R_CPU);
		ev->op = p[R_OP];
		ev->order = p[R_ORDER];
		ev->swap_type = p[R_TYPE];
		ev->flags = p[R_FLAGS];
		ev->result = p[R_RESULT];
		if (!zsim_trace_op_name(ev->op))
			return zsim_trace_fail(r, ZSIM_TRACE_E_OP, "unknown op %u", ev->op);
		int rc = decode_content(r, zsim_get_le64(p + R_CONTENT), ev);
		if (rc)
			return rc;
		char why[200];
		enum zsim_trace_errc k = zsim_trace_event_check(ev, why, sizeof(why));
		if (k != ZSIM_TRACE_OK)
			return zsim_trace_fail(r, k, "%s", why);
		return 1;
	}
}

/* --- writer --------------------------------------------------------------- */

int zsim_trace_bin_write_header(struct zsim_trace_writer *w, const struct zsim_trace_header *h)
{
	unsigned char b[ZSIM_TRACE_HEADER_SIZE];
	memset(b, 0, sizeof(b));
	memcpy(b + H_MAGIC, ZSIM_TRACE_MAGIC, 4);
	zsim_put_le16(b + H_VERSION, ZSIM_TRACE_VERSION);
	zsim_put_le16(b + H_HEADER_SIZE, ZSIM_TRACE_HEADER_SIZE);
	zsim_put_le16(b + H_RECORD_SIZE, ZSIM_TRACE_RECORD_SIZE);
	b[H_PAGE_SHIFT] = ZSIM_PAGE_SHIFT;
	if (h) {
		b[H_CLOCK] = (unsigned char)h->clock;
		b[H_CAPTURE] = (unsigned char)h->capture;
		zsim_put_le16(b + H_NR_CPUS, (uint16_t)(h->nr_cpus > 65535 ? 65535 : h->nr_cpus));
		memcpy(b + H_KERNEL, h->kernel_release, strnlen(h->kernel_release, 39));
		memcpy(b + H_COMPRESSOR, h->compressor, strnlen(h->compressor, 31));
	}
	return fwrite(b, 1, sizeof(b), w->f) == sizeof(b) ? 0 : ZSIM_EIO;
}

static int put_record(struct zsim_trace_writer *w, const unsigned char *rec)
{
	if (fwrite(rec, 1, ZSIM_TRACE_RECORD_SIZE, w->f) != ZSIM_TRACE_RECORD_SIZE)
		return ZSIM_EIO;
	w->records++;
	return 0;
}

static uint64_t hash64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return x;
}

/* Index of fill value v in the table, defining it first if new. */
static int value_index(struct zsim_trace_writer *w, uint64_t v, uint64_t *idx)
{
	if (w->vn * 2 >= w->vcap) {
		size_t cap = w->vcap ? w->vcap * 2 : 64;
		uint64_t *k = malloc(cap * sizeof(*k));
		uint32_t *ix = malloc(cap * sizeof(*ix));
		if (!k || !ix) {
			free(k);
			free(ix);
			return ZSIM_ENOMEM;
		}
		memset(ix, 0xff, cap * sizeof(*ix));
		for (size_t i = 0; i < w->vcap; i++) {
			if (w->vidx[i] == UINT32_MAX)
				continue;
			size_t j = hash64(w->vkeys[i]) & (cap - 1);
			while (ix[j] != UINT32_MAX)
				j = (j + 1) & (cap - 1);
			k[j] = w->vkeys[i];
			ix[j] = w->vidx[i];
		}
		free(w->vkeys);
		free(w->vidx);
		w->vkeys = k;
		w->vidx = ix;
		w->vcap = cap;
	}
	size_t j = hash64(v) & (w->vcap - 1);
	while (w->vidx[j] != UINT32_MAX) {
		if (w->vkeys[j] == v) {
			*idx = w->vidx[j];
			return 0;
		}
		j = (j + 1) & (w->vcap - 1);
	}
	if (w->vn >= ZSIM_TRACE_MAX_VALUES)
		return ZSIM_ERANGE;
	unsigned char rec[ZSIM_TRACE_RECORD_SIZE];
	memset(rec, 0, sizeof(rec));
	zsim_put_le64(rec + R_OFFSET, v);
	rec[R_OP] = ZSIM_TRACE_OP_DEF_VALUE;
	int rc = put_record(w, rec);
	if (rc)
		return rc;
	w->vkeys[j] = v;
	w->vidx[j] = (uint32_t)w->vn;
	*idx = w->vn++;
	return 0;
}

int zsim_trace_bin_write(struct zsim_trace_writer *w, const struct zsim_trace_event *ev)
{
	uint64_t ref = 0;
	int rc;
	switch (ev->content_kind) {
	case ZSIM_TRACE_CONTENT_NONE:
		break;
	case ZSIM_TRACE_CONTENT_PAGE:
		ref = ev->content;
		break;
	case ZSIM_TRACE_CONTENT_ZERO:
		break;
	case ZSIM_TRACE_CONTENT_SAME: {
		uint64_t idx;
		if ((rc = value_index(w, ev->content, &idx)))
			return rc;
		ref = idx;
		break;
	}
	case ZSIM_TRACE_CONTENT_CLASS:
		ref = ((uint64_t)ev->page_class << 56) | ev->content;
		break;
	default:
		return ZSIM_EINVAL;
	}
	ref |= (uint64_t)ev->content_kind << ZSIM_TRACE_REF_SHIFT;
	unsigned char rec[ZSIM_TRACE_RECORD_SIZE];
	zsim_put_le64(rec + R_TS, ev->ts_ns);
	zsim_put_le64(rec + R_OFFSET, ev->offset);
	zsim_put_le64(rec + R_CONTENT, ref);
	zsim_put_le32(rec + R_MEMCG, ev->memcg);
	zsim_put_le32(rec + R_PID, ev->pid);
	zsim_put_le16(rec + R_CPU, ev->cpu);
	rec[R_OP] = ev->op;
	rec[R_ORDER] = ev->order;
	rec[R_TYPE] = ev->swap_type;
	rec[R_FLAGS] = ev->flags;
	rec[R_RESULT] = ev->result;
	rec[R_RESERVED] = 0;
	return put_record(w, rec);
}

int zsim_trace_bin_finish(struct zsim_trace_writer *w)
{
	/* Patch the record count where the output can seek (not a pipe). */
	if (fflush(w->f))
		return ZSIM_EIO;
	long end = ftell(w->f);
	if (end < 0 || fseek(w->f, H_RECORDS, SEEK_SET)) {
		clearerr(w->f);
		return 0;
	}
	unsigned char b[8];
	zsim_put_le64(b, w->records);
	if (fwrite(b, 1, 8, w->f) != 8)
		return ZSIM_EIO;
	if (fseek(w->f, end, SEEK_SET))
		return ZSIM_EIO;
	return 0;
}
