/*
 * trace_internal.h - what the trace reader, writer and converter share:
 * the reader/writer structs, buffered input, error reporting and the two
 * forms' per-event codecs. Layer "trace": includes only the public headers
 * and src/common. No kernel counterpart: the kernel has no zswap trace.
 */
#ifndef ZSIM_TRACE_INTERNAL_H
#define ZSIM_TRACE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "zswapsim/common.h"
#include "common/endian.h"
#include "zswapsim/trace.h"

#define ZSIM_TRACE_BUF_SIZE (64u * 1024u)
#define ZSIM_TRACE_CSV_LINE_MAX 4096u
/* Binary op byte of a definition record (fill value table entry). */
#define ZSIM_TRACE_OP_DEF_VALUE 0xF0u
/* Cap on fill value definitions, so a hostile file cannot eat memory. */
#define ZSIM_TRACE_MAX_VALUES (1u << 24)
/* content_ref: top 4 bits the kind, 60 bits payload. */
#define ZSIM_TRACE_REF_SHIFT 60
#define ZSIM_TRACE_REF_PAYLOAD ((UINT64_C(1) << 60) - 1)
#define ZSIM_TRACE_REF_CLEN 5u /* §2c's CLEN, reserved: rejected */

struct zsim_trace_reader {
	FILE *f;
	bool own;                /* fclose on close */
	char *path;
	enum zsim_trace_format fmt;
	struct zsim_trace_error err;
	int err_code;            /* sticky; 0 = none */
	uint64_t corpus_pages;   /* UINT64_MAX = unchecked */
	uint64_t location;
	struct zsim_trace_header hdr;
	/* buffered input */
	unsigned char *buf;
	size_t len, pos;
	uint64_t base;           /* file offset of buf[0] */
	bool eof;
	/* CSV */
	uint64_t line;
	/* binary */
	uint64_t *values;
	size_t nvalues, values_cap;
	uint64_t records;        /* records consumed */
};

struct zsim_trace_writer {
	FILE *f;
	bool own;
	char *path;
	enum zsim_trace_format fmt;
	uint64_t count;          /* events written */
	uint64_t records;        /* binary records written (definitions too) */
	bool failed;
	/* binary: fill values already defined (open addressing) */
	uint64_t *vkeys;
	uint32_t *vidx;
	size_t vcap, vn;
};

/* Error reporting: fills r->err with the location prefix and makes the
 * error sticky. Returns the code to hand back. */
int zsim_trace_fail(struct zsim_trace_reader *r, enum zsim_trace_errc kind,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void zsim_trace_set_error(struct zsim_trace_error *err, enum zsim_trace_errc kind,
			  const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int zsim_trace_errc_code(enum zsim_trace_errc kind);

/* Buffered input: make n bytes available at r->buf + r->pos; returns the
 * number available (< n only at end of file), or -1 on a read error. */
long zsim_trace_fill(struct zsim_trace_reader *r, size_t n);

/* Corpus check of a decoded store (shared by both readers). */
int zsim_trace_check_corpus(struct zsim_trace_reader *r, const struct zsim_trace_event *ev);

/* Parse a number field: decimal or 0x hex; empty = 0. 0 or -1. */
int zsim_trace_parse_u64(const char *s, size_t len, uint64_t *out);

/* CSV form */
int zsim_trace_csv_open(struct zsim_trace_reader *r);
int zsim_trace_csv_read(struct zsim_trace_reader *r, struct zsim_trace_event *ev);
int zsim_trace_csv_write_header(struct zsim_trace_writer *w);
int zsim_trace_csv_write(struct zsim_trace_writer *w, const struct zsim_trace_event *ev);

/* binary form */
int zsim_trace_bin_open(struct zsim_trace_reader *r);
int zsim_trace_bin_read(struct zsim_trace_reader *r, struct zsim_trace_event *ev);
int zsim_trace_bin_write_header(struct zsim_trace_writer *w, const struct zsim_trace_header *h);
int zsim_trace_bin_write(struct zsim_trace_writer *w, const struct zsim_trace_event *ev);
int zsim_trace_bin_finish(struct zsim_trace_writer *w);

#endif
