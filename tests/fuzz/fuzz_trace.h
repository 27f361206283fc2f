/*
 * fuzz_trace.h - the body shared by fuzz_trace_csv and fuzz_trace_zswt:
 * arbitrary bytes written to a file and read as a trace of one format
 * (zsim_trace_open with that format, then zsim_trace_read to the end).
 * Checked, besides "no crash, no sanitizer report, no leak":
 *   - every call returns 1 (an event), 0 (the end) or a clean code
 *     (ZSIM_EPARSE, ZSIM_ETRUNC, ZSIM_EIO) with an error class, a one-line
 *     message naming the file, and the same code again on the next call
 *     (errors are sticky);
 *   - every event returned passes zsim_trace_event_check and formats its
 *     content;
 *   - the convert round trip: a trace read without error converts to the
 *     other format and back (zsim_trace_convert), and both conversions give
 *     the same events (less what the CSV form cannot carry: pid, flags,
 *     result); a trace with an error fails to convert with the same code.
 * Everything stays in memory: the input is read through fmemopen(3) on
 * libFuzzer's buffer (zsim_trace_open_stream, the code zsim_trace_open
 * runs once its file is open) and the conversions write to
 * open_memstream(3) buffers (zsim_trace_convert_stream, the code of
 * zsim_trace_convert between the files it opens), so that an execution
 * makes no file I/O.
 */
#ifndef ZSIM_FUZZ_TRACE_H
#define ZSIM_FUZZ_TRACE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "zswapsim/zswapsim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TCHECK(cond)                                                                  \
	do {                                                                          \
		if (!(cond)) {                                                        \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
				#cond);                                               \
			abort();                                                      \
		}                                                                     \
	} while (0)

#define FUZZ_TRACE_MAX_EVENTS 2048 /* events compared per input */

static const char *const fuzz_name[3] = {"fuzz-in", "fuzz-mid", "fuzz-back"};

/* A stream on a buffer of `size` bytes (possibly 0). */
static FILE *fuzz_mem_in(const void *data, size_t size)
{
	static char empty[1];
	FILE *f = fmemopen(size ? (void *)data : empty, size, "rb");
	TCHECK(f);
	return f;
}

static int fuzz_clean_trace(int rc)
{
	return rc == ZSIM_EPARSE || rc == ZSIM_ETRUNC || rc == ZSIM_EIO;
}

/* Read a whole trace; the events (at most max) into ev. Returns 0 or the
 * reader's error code, after checking the error rules above. */
static int fuzz_read_all(const void *data, size_t size, const char *path,
			 enum zsim_trace_format fmt, struct zsim_trace_event *ev, size_t max,
			 size_t *n)
{
	struct zsim_trace_reader *r;
	struct zsim_trace_error err;
	memset(&err, 0, sizeof(err));
	*n = 0;
	FILE *f = fuzz_mem_in(data, size);
	int rc = zsim_trace_open_stream(f, path, fmt, &r, &err);
	if (rc) {
		fclose(f);
		TCHECK(fuzz_clean_trace(rc));
		TCHECK(err.code == rc && err.kind != ZSIM_TRACE_OK);
		TCHECK(err.message[0] && !strchr(err.message, '\n'));
		return rc;
	}
	TCHECK(zsim_trace_reader_format(r) == fmt);
	struct zsim_trace_header h;
	TCHECK(zsim_trace_reader_header(r, &h) == 0);
	struct zsim_trace_event e;
	for (;;) {
		rc = zsim_trace_read(r, &e);
		if (rc <= 0)
			break;
		TCHECK(rc == 1);
		char why[200], content[128];
		TCHECK(zsim_trace_event_check(&e, why, sizeof(why)) == ZSIM_TRACE_OK);
		TCHECK(zsim_trace_content_format(&e, content, sizeof(content)) >= 0);
		if (*n < max)
			ev[*n] = e;
		(*n)++;
	}
	if (rc < 0) {
		TCHECK(fuzz_clean_trace(rc));
		const struct zsim_trace_error *re = zsim_trace_reader_error(r);
		TCHECK(re && re->code == rc && re->kind != ZSIM_TRACE_OK);
		TCHECK(re->message[0] && !strchr(re->message, '\n'));
		TCHECK(strstr(re->message, path) == re->message);
		TCHECK(zsim_trace_read(r, &e) == rc); /* sticky */
	}
	zsim_trace_close(r);
	fclose(f);
	return rc;
}

/* Events equal, less the fields CSV drops when `via_csv`. */
static int fuzz_same_events(const struct zsim_trace_event *a, const struct zsim_trace_event *b,
			    size_t n, int via_csv)
{
	for (size_t i = 0; i < n; i++) {
		const struct zsim_trace_event *x = &a[i], *y = &b[i];
		/* field by field: the padding of the struct is not compared */
		if (x->ts_ns != y->ts_ns || x->offset != y->offset || x->content != y->content ||
		    x->memcg != y->memcg || x->cpu != y->cpu || x->op != y->op ||
		    x->order != y->order || x->swap_type != y->swap_type ||
		    x->content_kind != y->content_kind || x->page_class != y->page_class)
			return 0;
		if (!via_csv &&
		    (x->pid != y->pid || x->flags != y->flags || x->result != y->result))
			return 0;
	}
	return 1;
}

static struct zsim_trace_event fuzz_ev[3][FUZZ_TRACE_MAX_EVENTS];

/* Convert a buffer to out_fmt in a new buffer (*out, *out_len: the
 * caller frees *out, also on failure). */
static int fuzz_convert(const void *in, size_t in_len, const char *in_name,
			const char *out_name, enum zsim_trace_format out_fmt, char **out,
			size_t *out_len, struct zsim_trace_error *err)
{
	FILE *fi = fuzz_mem_in(in, in_len);
	FILE *fo = open_memstream(out, out_len);
	TCHECK(fo);
	int rc = zsim_trace_convert_stream(fi, in_name, fo, out_name, out_fmt, NULL, err);
	TCHECK(fclose(fo) == 0);
	fclose(fi);
	return rc;
}

static int fuzz_trace(enum zsim_trace_format fmt, const uint8_t *data, size_t size)
{
	const enum zsim_trace_format other =
		fmt == ZSIM_TRACE_FMT_CSV ? ZSIM_TRACE_FMT_BINARY : ZSIM_TRACE_FMT_CSV;
	size_t n0, n1, n2;
	int rc = fuzz_read_all(data, size, fuzz_name[0], fmt, fuzz_ev[0], FUZZ_TRACE_MAX_EVENTS,
			       &n0);

	/* The convert round trip: in -> other format -> back. Memory events
	 * are compared only while they fit the arrays. */
	struct zsim_trace_error err;
	memset(&err, 0, sizeof(err));
	char *mid = NULL, *back = NULL;
	size_t mid_len = 0, back_len = 0;
	int crc = fuzz_convert(data, size, fuzz_name[0], fuzz_name[1], other, &mid, &mid_len, &err);
	char magic[4] = {0};
	memcpy(magic, data, size < 4 ? size : 4);
	/* zsim_trace_convert reads its input as AUTO: the same format as
	 * `fmt` unless the bytes say otherwise ("ZSWT" or not), and AUTO
	 * refuses as "not a trace" bytes that do not look like CSV text
	 * (binary bytes in the first line), which a CSV reader forced on
	 * them may take (a comment line) */
	int auto_same = (fmt == ZSIM_TRACE_FMT_BINARY) == (size >= 4 && !memcmp(magic, "ZSWT", 4));
	if (!auto_same || (crc && err.kind == ZSIM_TRACE_E_MAGIC)) {
		TCHECK(crc == 0 || fuzz_clean_trace(crc));
		goto out;
	}
	if (rc) {
		TCHECK(crc != 0 && fuzz_clean_trace(crc));
		TCHECK(err.code == crc && err.message[0]);
		goto out;
	}
	TCHECK(crc == 0);
	TCHECK(fuzz_read_all(mid, mid_len, fuzz_name[1], other, fuzz_ev[1], FUZZ_TRACE_MAX_EVENTS,
			     &n1) == 0);
	TCHECK(n1 == n0);
	TCHECK(fuzz_convert(mid, mid_len, fuzz_name[1], fuzz_name[2], fmt, &back, &back_len,
			    &err) == 0);
	TCHECK(fuzz_read_all(back, back_len, fuzz_name[2], fmt, fuzz_ev[2], FUZZ_TRACE_MAX_EVENTS,
			     &n2) == 0);
	TCHECK(n2 == n0);
	size_t k = n0 < FUZZ_TRACE_MAX_EVENTS ? n0 : FUZZ_TRACE_MAX_EVENTS;
	TCHECK(fuzz_same_events(fuzz_ev[0], fuzz_ev[1], k, 1));
	TCHECK(fuzz_same_events(fuzz_ev[0], fuzz_ev[2], k, fmt == ZSIM_TRACE_FMT_BINARY));
out:
	free(mid);
	free(back);
	return 0;
}

#endif
