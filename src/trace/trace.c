/*
 * trace.c - opening, buffering and closing trace readers and writers, the
 * format detection, and the converter between the CSV and binary forms.
 * Entry points: zsim_trace_open, zsim_trace_read, zsim_trace_writer_open,
 * zsim_trace_convert, and their forms on an open stdio stream
 * (zsim_trace_open_stream ...: a file, fmemopen(3) or open_memstream(3)
 * buffer), which the path forms use once the file is open. No kernel
 * counterpart (see trace.h).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "trace/trace_internal.h"

static char *dup_str(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);
	if (p)
		memcpy(p, s, n);
	return p;
}

long zsim_trace_fill(struct zsim_trace_reader *r, size_t n)
{
	if (n > ZSIM_TRACE_BUF_SIZE)
		n = ZSIM_TRACE_BUF_SIZE;
	size_t avail = r->len - r->pos;
	if (avail >= n || r->eof)
		return (long)avail;
	if (r->pos) {
		memmove(r->buf, r->buf + r->pos, avail);
		r->base += r->pos;
		r->len = avail;
		r->pos = 0;
	}
	while (r->len < n && !r->eof) {
		size_t got = fread(r->buf + r->len, 1, ZSIM_TRACE_BUF_SIZE - r->len, r->f);
		r->len += got;
		if (got == 0) {
			if (ferror(r->f))
				return -1;
			r->eof = true;
		}
	}
	return (long)(r->len - r->pos);
}

static bool looks_like_text(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] == 0 || (p[i] < 0x20 && p[i] != '\n' && p[i] != '\r' && p[i] != '\t'))
			return false;
	return true;
}

/* The reader over an open stream f (own: fclose it at the end), named
 * `name` in messages. Both entry points below end here. */
static int open_stream(FILE *f, bool own, const char *name, enum zsim_trace_format fmt,
		       struct zsim_trace_reader **out, struct zsim_trace_error *err)
{
	struct zsim_trace_reader *r = calloc(1, sizeof(*r));
	if (!r) {
		if (own)
			fclose(f);
		zsim_trace_set_error(err, ZSIM_TRACE_E_IO, "%s: out of memory", name);
		return ZSIM_ENOMEM;
	}
	r->f = f;
	r->own = own;
	r->corpus_pages = UINT64_MAX;
	r->path = dup_str(name);
	r->buf = malloc(ZSIM_TRACE_BUF_SIZE);
	if (!r->path || !r->buf) {
		zsim_trace_set_error(err, ZSIM_TRACE_E_IO, "%s: out of memory", name);
		zsim_trace_close(r);
		return ZSIM_ENOMEM;
	}
	long n = zsim_trace_fill(r, 4);
	int rc;
	if (n < 0) {
		r->fmt = fmt;
		rc = zsim_trace_fail(r, ZSIM_TRACE_E_IO, "read error");
	} else if (fmt == ZSIM_TRACE_FMT_BINARY ||
		   (fmt == ZSIM_TRACE_FMT_AUTO && n >= 4 && !memcmp(r->buf, ZSIM_TRACE_MAGIC, 4))) {
		r->fmt = ZSIM_TRACE_FMT_BINARY;
		rc = zsim_trace_bin_open(r);
	} else if (fmt == ZSIM_TRACE_FMT_AUTO && !looks_like_text(r->buf, (size_t)n)) {
		r->fmt = ZSIM_TRACE_FMT_BINARY;
		r->location = 0;
		rc = zsim_trace_fail(r, ZSIM_TRACE_E_MAGIC,
				     "not a trace: no \"ZSWT\" magic and not CSV text");
	} else {
		r->fmt = ZSIM_TRACE_FMT_CSV;
		rc = zsim_trace_csv_open(r);
	}
	if (rc) {
		if (err)
			*err = r->err;
		zsim_trace_close(r);
		return rc;
	}
	*out = r;
	return 0;
}

int zsim_trace_open(const char *path, enum zsim_trace_format fmt,
		    struct zsim_trace_reader **out, struct zsim_trace_error *err)
{
	if (out)
		*out = NULL;
	if (!path || !out || fmt > ZSIM_TRACE_FMT_BINARY) {
		zsim_trace_set_error(err, ZSIM_TRACE_E_IO, "invalid arguments");
		return ZSIM_EINVAL;
	}
	if (!strcmp(path, "-"))
		return open_stream(stdin, false, "<stdin>", fmt, out, err);
	FILE *f = fopen(path, "rb");
	if (!f) {
		zsim_trace_set_error(err, ZSIM_TRACE_E_IO, "%s: cannot open: %s", path,
				     strerror(errno));
		return ZSIM_EIO;
	}
	return open_stream(f, true, path, fmt, out, err);
}

int zsim_trace_open_stream(FILE *f, const char *name, enum zsim_trace_format fmt,
			   struct zsim_trace_reader **out, struct zsim_trace_error *err)
{
	if (out)
		*out = NULL;
	if (!f || !name || !out || fmt > ZSIM_TRACE_FMT_BINARY) {
		zsim_trace_set_error(err, ZSIM_TRACE_E_IO, "invalid arguments");
		return ZSIM_EINVAL;
	}
	return open_stream(f, false, name, fmt, out, err);
}

void zsim_trace_set_corpus_pages(struct zsim_trace_reader *r, uint64_t corpus_pages)
{
	if (r)
		r->corpus_pages = corpus_pages;
}

enum zsim_trace_format zsim_trace_reader_format(const struct zsim_trace_reader *r)
{
	return r ? r->fmt : ZSIM_TRACE_FMT_AUTO;
}

int zsim_trace_reader_header(const struct zsim_trace_reader *r, struct zsim_trace_header *h)
{
	if (!r || !h)
		return ZSIM_EINVAL;
	*h = r->hdr;
	return 0;
}

int zsim_trace_read(struct zsim_trace_reader *r, struct zsim_trace_event *ev)
{
	if (!r || !ev)
		return ZSIM_EINVAL;
	if (r->err_code)
		return r->err_code;
	int rc = r->fmt == ZSIM_TRACE_FMT_CSV ? zsim_trace_csv_read(r, ev)
					      : zsim_trace_bin_read(r, ev);
	if (rc == 1 && zsim_trace_check_corpus(r, ev))
		return r->err_code;
	return rc;
}

uint64_t zsim_trace_reader_location(const struct zsim_trace_reader *r)
{
	if (!r)
		return 0;
	return r->fmt == ZSIM_TRACE_FMT_CSV ? r->line : r->location;
}

const struct zsim_trace_error *zsim_trace_reader_error(const struct zsim_trace_reader *r)
{
	return r ? &r->err : NULL;
}

void zsim_trace_close(struct zsim_trace_reader *r)
{
	if (!r)
		return;
	if (r->own && r->f)
		fclose(r->f);
	free(r->path);
	free(r->buf);
	free(r->values);
	free(r);
}

/* --- writer --------------------------------------------------------------- */

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

/* The writer to an open stream f (own: fclose it at the end), named
 * `name` in messages. Both entry points below end here. */
static int writer_open_stream(FILE *f, bool own, const char *name, enum zsim_trace_format fmt,
			      const struct zsim_trace_header *hdr,
			      struct zsim_trace_writer **out, struct zsim_trace_error *err)
{
	struct zsim_trace_writer *w = calloc(1, sizeof(*w));
	if (!w || !(w->path = dup_str(name))) {
		free(w);
		if (own)
			fclose(f);
		zsim_trace_set_error(err, ZSIM_TRACE_E_IO, "%s: out of memory", name);
		return ZSIM_ENOMEM;
	}
	w->fmt = fmt;
	w->f = f;
	w->own = own;
	int rc = fmt == ZSIM_TRACE_FMT_CSV ? zsim_trace_csv_write_header(w)
					   : zsim_trace_bin_write_header(w, hdr);
	if (rc) {
		zsim_trace_set_error(err, ZSIM_TRACE_E_IO, "%s: write error", name);
		zsim_trace_writer_close(w);
		return rc;
	}
	*out = w;
	return 0;
}

int zsim_trace_writer_open(const char *path, enum zsim_trace_format fmt,
			   const struct zsim_trace_header *hdr,
			   struct zsim_trace_writer **out, struct zsim_trace_error *err)
{
	if (out)
		*out = NULL;
	if (!path || !out || fmt > ZSIM_TRACE_FMT_BINARY) {
		zsim_trace_set_error(err, ZSIM_TRACE_E_IO, "invalid arguments");
		return ZSIM_EINVAL;
	}
	if (fmt == ZSIM_TRACE_FMT_AUTO)
		fmt = ends_with(path, ".csv") ? ZSIM_TRACE_FMT_CSV : ZSIM_TRACE_FMT_BINARY;
	if (!strcmp(path, "-"))
		return writer_open_stream(stdout, false, path, fmt, hdr, out, err);
	FILE *f = fopen(path, fmt == ZSIM_TRACE_FMT_CSV ? "w" : "wb");
	if (!f) {
		zsim_trace_set_error(err, ZSIM_TRACE_E_IO, "%s: cannot create: %s", path,
				     strerror(errno));
		return ZSIM_EIO;
	}
	return writer_open_stream(f, true, path, fmt, hdr, out, err);
}

int zsim_trace_writer_open_stream(FILE *f, const char *name, enum zsim_trace_format fmt,
				  const struct zsim_trace_header *hdr,
				  struct zsim_trace_writer **out, struct zsim_trace_error *err)
{
	if (out)
		*out = NULL;
	if (!f || !name || !out || fmt == ZSIM_TRACE_FMT_AUTO || fmt > ZSIM_TRACE_FMT_BINARY) {
		zsim_trace_set_error(err, ZSIM_TRACE_E_IO, "invalid arguments");
		return ZSIM_EINVAL;
	}
	return writer_open_stream(f, false, name, fmt, hdr, out, err);
}

int zsim_trace_write(struct zsim_trace_writer *w, const struct zsim_trace_event *ev)
{
	if (!w || !ev)
		return ZSIM_EINVAL;
	if (zsim_trace_event_check(ev, NULL, 0) != ZSIM_TRACE_OK)
		return ZSIM_EINVAL;
	if (w->failed)
		return ZSIM_EIO;
	int rc = w->fmt == ZSIM_TRACE_FMT_CSV ? zsim_trace_csv_write(w, ev)
					      : zsim_trace_bin_write(w, ev);
	if (rc) {
		w->failed = true;
		return rc;
	}
	w->count++;
	return 0;
}

uint64_t zsim_trace_writer_count(const struct zsim_trace_writer *w)
{
	return w ? w->count : 0;
}

int zsim_trace_writer_close(struct zsim_trace_writer *w)
{
	if (!w)
		return ZSIM_EINVAL;
	int rc = w->failed ? ZSIM_EIO : 0;
	if (!rc && w->fmt == ZSIM_TRACE_FMT_BINARY)
		rc = zsim_trace_bin_finish(w);
	if (fflush(w->f) || ferror(w->f))
		rc = ZSIM_EIO;
	if (w->own && fclose(w->f))
		rc = ZSIM_EIO;
	free(w->vkeys);
	free(w->vidx);
	free(w->path);
	free(w);
	return rc;
}

/* --- converter ------------------------------------------------------------ */

/* Copy every event of an open reader to an open writer; closes both. */
static int convert(struct zsim_trace_reader *r, struct zsim_trace_writer *w, const char *out,
		   uint64_t *dropped, struct zsim_trace_error *err)
{
	const bool to_csv = w->fmt == ZSIM_TRACE_FMT_CSV;
	struct zsim_trace_event ev;
	uint64_t lost = 0;
	int rrc, rc = 0;
	while ((rrc = zsim_trace_read(r, &ev)) == 1) {
		if (to_csv && (ev.pid || ev.flags || ev.result))
			lost++;
		rc = zsim_trace_write(w, &ev);
		if (rc) {
			zsim_trace_set_error(err, ZSIM_TRACE_E_IO, "%s: write error", out);
			break;
		}
	}
	if (!rc && rrc < 0) {
		rc = rrc;
		if (err)
			*err = *zsim_trace_reader_error(r);
	}
	int wrc = zsim_trace_writer_close(w);
	if (rc == 0 && wrc) {
		rc = wrc;
		zsim_trace_set_error(err, ZSIM_TRACE_E_IO, "%s: write error", out);
	}
	zsim_trace_close(r);
	if (dropped)
		*dropped = lost;
	return rc;
}

static void converted_header(const struct zsim_trace_reader *r, struct zsim_trace_header *h)
{
	zsim_trace_reader_header(r, h);
	h->capture = ZSIM_TRACE_CAPTURE_CONVERTED;
	h->record_count = 0;
}

int zsim_trace_convert(const char *in, const char *out, enum zsim_trace_format out_fmt,
		       uint64_t *dropped, struct zsim_trace_error *err)
{
	struct zsim_trace_reader *r;
	if (dropped)
		*dropped = 0;
	int rc = zsim_trace_open(in, ZSIM_TRACE_FMT_AUTO, &r, err);
	if (rc)
		return rc;
	struct zsim_trace_header h;
	converted_header(r, &h);
	struct zsim_trace_writer *w;
	rc = zsim_trace_writer_open(out, out_fmt, &h, &w, err);
	if (rc) {
		zsim_trace_close(r);
		return rc;
	}
	rc = convert(r, w, out, dropped, err);
	if (rc && strcmp(out, "-"))
		remove(out);
	return rc;
}

int zsim_trace_convert_stream(FILE *in, const char *in_name, FILE *out, const char *out_name,
			      enum zsim_trace_format out_fmt, uint64_t *dropped,
			      struct zsim_trace_error *err)
{
	struct zsim_trace_reader *r;
	if (dropped)
		*dropped = 0;
	if (!out || !out_name) {
		zsim_trace_set_error(err, ZSIM_TRACE_E_IO, "invalid arguments");
		return ZSIM_EINVAL;
	}
	int rc = zsim_trace_open_stream(in, in_name, ZSIM_TRACE_FMT_AUTO, &r, err);
	if (rc)
		return rc;
	struct zsim_trace_header h;
	converted_header(r, &h);
	struct zsim_trace_writer *w;
	rc = zsim_trace_writer_open_stream(out, out_name, out_fmt, &h, &w, err);
	if (rc) {
		zsim_trace_close(r);
		return rc;
	}
	return convert(r, w, out_name, dropped, err);
}
