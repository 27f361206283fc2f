/*
 * writer.c - zsim_pagestore_writer: appends 4 KiB pages to a page store,
 * keeping each distinct content once (a 128-bit hash, XXH64 under two
 * seeds, decides duplicates) and the logical sequence as a page -> unique
 * id map; unique pages go zstd-compressed in frames of frame_pages pages.
 * Optional clen tables record each unique page's length under chosen codec
 * specs, compressed into a one-page buffer as zswap's store path does.
 * Everything is written to a temporary file renamed into place at close.
 * No kernel counterpart. Duplicates are trusted to the hash: two different
 * pages collide with probability about n^2 / 2^129 for n unique pages.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "zswapsim/codec.h"
#include "common/compiler.h"
#include "pagestore_internal.h"

struct ps_clen {
	char spec[ZSIM_PAGESTORE_CLEN_SPEC_MAX];
	char desc[ZSIM_PAGESTORE_CLEN_SPEC_MAX];
	struct zsim_codec *codec;
	uint16_t *len;
};

struct ps_kv {
	char *key, *value;
};

struct zsim_pagestore_writer {
	char *path, *tmp_path;
	int fd;
	uint64_t off;             /* next write position */
	unsigned frame_pages;
	int level;
	bool hashes_on;
	ZSTD_CCtx *cctx;
	unsigned char *frame_buf; /* frame_pages pages */
	unsigned frame_fill;
	unsigned char *cbuf;
	size_t cbuf_cap;
	unsigned char *frames;    /* PS_FRAME_ENTRY_SIZE per frame */
	uint64_t nframes, frames_cap;
	uint32_t *map;
	uint64_t npages, map_cap;
	uint64_t *hashes;         /* 2 per unique page */
	uint64_t nunique, hashes_cap;
	uint32_t *table;          /* uid + 1, 0 = empty; open addressing */
	uint64_t table_mask;
	struct ps_clen clen[ZSIM_PAGESTORE_MAX_CLEN];
	unsigned nclen;
	unsigned char scratch[ZSIM_PAGE_SIZE];
	struct ps_kv *meta;
	size_t nmeta;
	unsigned char *snaps;     /* PS_SNAP_ENTRY_SIZE each */
	uint64_t nsnaps;
	uint64_t snap_mark;       /* first page of the next snapshot */
	int failed;               /* sticky error code */
};

static int write_all(struct zsim_pagestore_writer *w, const void *buf, size_t n)
{
	const unsigned char *p = buf;
	while (n) {
		ssize_t k = pwrite(w->fd, p, n, (off_t)w->off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return w->failed = ZSIM_EIO;
		p += k;
		n -= (size_t)k;
		w->off += (uint64_t)k;
	}
	return 0;
}

static int grow(void **p, uint64_t *cap, uint64_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	uint64_t n = *cap ? *cap : 1024;
	while (n < need)
		n *= 2;
	if (n > SIZE_MAX / elem)
		return ZSIM_ENOMEM;
	void *q = realloc(*p, (size_t)(n * elem));
	if (!q)
		return ZSIM_ENOMEM;
	*p = q;
	*cap = n;
	return 0;
}

static int flush_frame(struct zsim_pagestore_writer *w)
{
	if (!w->frame_fill)
		return 0;
	size_t raw = (size_t)w->frame_fill * ZSIM_PAGE_SIZE;
	size_t c = ZSTD_compress2(w->cctx, w->cbuf, w->cbuf_cap, w->frame_buf, raw);
	if (ZSTD_isError(c))
		return w->failed = ZSIM_ENOMEM;
	int rc = grow((void **)&w->frames, &w->frames_cap, w->nframes + 1, PS_FRAME_ENTRY_SIZE);
	if (rc)
		return w->failed = rc;
	unsigned char *e = w->frames + w->nframes * PS_FRAME_ENTRY_SIZE;
	zsim_put_le64(e, w->off);
	zsim_put_le32(e + 8, (uint32_t)c);
	zsim_put_le32(e + 12, (uint32_t)zsim_xxh64(w->cbuf, c, 0));
	if ((rc = write_all(w, w->cbuf, c)))
		return rc;
	w->nframes++;
	w->frame_fill = 0;
	return 0;
}

static int table_grow(struct zsim_pagestore_writer *w)
{
	uint64_t size = w->table ? (w->table_mask + 1) * 2 : 4096;
	uint32_t *t = calloc((size_t)size, sizeof(*t));
	if (!t)
		return ZSIM_ENOMEM;
	for (uint64_t u = 0; u < w->nunique; u++) {
		uint64_t i = w->hashes[2 * u] & (size - 1);
		while (t[i])
			i = (i + 1) & (size - 1);
		t[i] = (uint32_t)(u + 1);
	}
	free(w->table);
	w->table = t;
	w->table_mask = size - 1;
	return 0;
}

static int add_one(struct zsim_pagestore_writer *w, const unsigned char *page)
{
	uint64_t h1 = zsim_xxh64(page, ZSIM_PAGE_SIZE, 0);
	uint64_t h2 = zsim_xxh64(page, ZSIM_PAGE_SIZE, PS_HASH_SEED2);
	uint64_t i = h1 & w->table_mask;
	uint32_t uid;
	for (;;) {
		uint32_t t = w->table[i];
		if (!t) {
			if (w->nunique >= ZSIM_PAGESTORE_MAX_UNIQUE)
				return ZSIM_ERANGE;
			uid = (uint32_t)w->nunique;
			break;
		}
		if (w->hashes[2 * (t - 1)] == h1 && w->hashes[2 * (t - 1) + 1] == h2) {
			uid = t - 1;
			goto mapped;
		}
		i = (i + 1) & w->table_mask;
	}
	/* a new unique page */
	int rc = grow((void **)&w->hashes, &w->hashes_cap, w->nunique + 1, 2 * sizeof(uint64_t));
	if (rc)
		return rc;
	for (unsigned c = 0; c < w->nclen; c++) {
		uint64_t cap = w->hashes_cap;
		uint16_t *l = realloc(w->clen[c].len, (size_t)cap * sizeof(uint16_t));
		if (!l)
			return ZSIM_ENOMEM;
		w->clen[c].len = l;
		size_t dlen = ZSIM_PAGE_SIZE;
		int crc = zsim_codec_compress(w->clen[c].codec, page, ZSIM_PAGE_SIZE, w->scratch,
					      &dlen);
		l[uid] = (uint16_t)(crc == 0 && dlen >= 1 && dlen <= ZSIM_PAGE_SIZE
					    ? dlen
					    : ZSIM_PAGESTORE_CLEN_NONE);
	}
	w->hashes[2 * (uint64_t)uid] = h1;
	w->hashes[2 * (uint64_t)uid + 1] = h2;
	w->table[i] = uid + 1;
	w->nunique++;
	memcpy(w->frame_buf + (size_t)w->frame_fill * ZSIM_PAGE_SIZE, page, ZSIM_PAGE_SIZE);
	if (++w->frame_fill == w->frame_pages && (rc = flush_frame(w)))
		return rc;
	if ((w->nunique * 2 > w->table_mask + 1) && (rc = table_grow(w)))
		return rc;
mapped:
	if ((rc = grow((void **)&w->map, &w->map_cap, w->npages + 1, sizeof(uint32_t))))
		return rc;
	w->map[w->npages++] = uid;
	return 0;
}

int zsim_pagestore_add(struct zsim_pagestore_writer *w, const void *pages, uint64_t n,
		       uint64_t *first)
{
	if (!w || (!pages && n))
		return ZSIM_EINVAL;
	if (w->failed)
		return w->failed;
	if (first)
		*first = w->npages;
	if (w->npages + n > PS_MAX_PAGES)
		return ZSIM_ERANGE;
	const unsigned char *p = pages;
	for (uint64_t k = 0; k < n; k++) {
		int rc = add_one(w, p + k * ZSIM_PAGE_SIZE);
		if (rc)
			return rc == ZSIM_ERANGE ? rc : (w->failed = rc);
	}
	return 0;
}

static void free_writer(struct zsim_pagestore_writer *w)
{
	if (!w)
		return;
	if (w->fd >= 0)
		close(w->fd);
	ZSTD_freeCCtx(w->cctx);
	free(w->frame_buf);
	free(w->cbuf);
	free(w->frames);
	free(w->map);
	free(w->hashes);
	free(w->table);
	for (unsigned c = 0; c < w->nclen; c++) {
		zsim_codec_destroy(w->clen[c].codec);
		free(w->clen[c].len);
	}
	for (size_t i = 0; i < w->nmeta; i++) {
		free(w->meta[i].key);
		free(w->meta[i].value);
	}
	free(w->meta);
	free(w->snaps);
	free(w->path);
	free(w->tmp_path);
	free(w);
}

void zsim_pagestore_writer_abort(struct zsim_pagestore_writer *w)
{
	if (!w)
		return;
	if (w->tmp_path)
		unlink(w->tmp_path);
	free_writer(w);
}

int zsim_pagestore_writer_open(const char *path, const struct zsim_pagestore_writer_opts *o,
			       struct zsim_pagestore_writer **out, struct zsim_pagestore_error *err)
{
	if (out)
		*out = NULL;
	if (!path || !out)
		return zsim_ps_error(err, ZSIM_EINVAL, path, 0, 0, "no path");
	struct zsim_pagestore_writer_opts def = {0};
	if (!o)
		o = &def;
	unsigned fp = o->frame_pages ? o->frame_pages : ZSIM_PAGESTORE_FRAME_PAGES;
	if (fp > ZSIM_PAGESTORE_MAX_FRAME_PAGES)
		return zsim_ps_error(err, ZSIM_EINVAL, path, 0, 0, "frame_pages %u > %u", fp,
				     ZSIM_PAGESTORE_MAX_FRAME_PAGES);
	int level = o->zstd_level ? o->zstd_level : 3;
	if (level < 1 || level > ZSTD_maxCLevel())
		return zsim_ps_error(err, ZSIM_EINVAL, path, 0, 0, "zstd level %d not in 1..%d",
				     level, ZSTD_maxCLevel());
	if (o->nr_clen_specs > ZSIM_PAGESTORE_MAX_CLEN || (o->nr_clen_specs && !o->clen_specs))
		return zsim_ps_error(err, ZSIM_EINVAL, path, 0, 0, "at most %d clen tables",
				     ZSIM_PAGESTORE_MAX_CLEN);
	struct zsim_pagestore_writer *w = calloc(1, sizeof(*w));
	if (!w)
		return zsim_ps_error(err, ZSIM_ENOMEM, path, 0, 0, "out of memory");
	w->fd = -1;
	w->frame_pages = fp;
	w->level = level;
	w->hashes_on = !o->no_hashes;
	for (unsigned c = 0; c < o->nr_clen_specs; c++) {
		const char *spec = o->clen_specs[c];
		struct ps_clen *t = &w->clen[c];
		if (!spec || strlen(spec) >= sizeof(t->spec)) {
			free_writer(w);
			return zsim_ps_error(err, ZSIM_EINVAL, path, 0, 0,
					     "clen spec missing or longer than %zu bytes",
					     sizeof(t->spec) - 1);
		}
		for (unsigned d = 0; d < c; d++)
			if (!strcmp(w->clen[d].spec, spec)) {
				free_writer(w);
				return zsim_ps_error(err, ZSIM_EINVAL, path, 0, 0,
						     "clen spec '%s' given twice", spec);
			}
		int rc = zsim_codec_create(spec, NULL, &t->codec);
		if (rc) {
			free_writer(w);
			return zsim_ps_error(err, rc, path, 0, 0, "clen codec '%s': %s", spec,
					     zsim_strerror(rc));
		}
		snprintf(t->spec, sizeof(t->spec), "%s", spec);
		if (zsim_codec_describe(t->codec, t->desc, sizeof(t->desc)) < 0)
			snprintf(t->desc, sizeof(t->desc), "%s", spec);
		w->nclen++;
	}
	size_t plen = strlen(path);
	w->path = malloc(plen + 1);
	w->tmp_path = malloc(plen + 16);
	w->frame_buf = malloc((size_t)fp * ZSIM_PAGE_SIZE);
	w->cbuf_cap = ZSTD_compressBound((size_t)fp * ZSIM_PAGE_SIZE);
	w->cbuf = malloc(w->cbuf_cap);
	w->cctx = ZSTD_createCCtx();
	if (!w->path || !w->tmp_path || !w->frame_buf || !w->cbuf || !w->cctx ||
	    table_grow(w)) {
		free_writer(w);
		return zsim_ps_error(err, ZSIM_ENOMEM, path, 0, 0, "out of memory");
	}
	memcpy(w->path, path, plen + 1);
	snprintf(w->tmp_path, plen + 16, "%s.tmp.XXXXXX", path);
	ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_compressionLevel, level);
	ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_checksumFlag, 1);
	w->fd = mkstemp(w->tmp_path);
	if (w->fd < 0) {
		int e = errno;
		free(w->tmp_path);
		w->tmp_path = NULL;
		free_writer(w);
		return zsim_ps_error(err, ZSIM_EIO, path, 0, 0, "cannot create: %s", strerror(e));
	}
	(void)fchmod(w->fd, 0644);
	unsigned char hdr[PS_HEADER_SIZE] = {0};
	memcpy(hdr, ZSIM_PAGESTORE_MAGIC, ZSIM_PAGESTORE_MAGIC_LEN);
	if (write_all(w, hdr, sizeof(hdr))) {
		int e = errno;
		zsim_pagestore_writer_abort(w);
		return zsim_ps_error(err, ZSIM_EIO, path, 0, 0, "write error: %s", strerror(e));
	}
	*out = w;
	return 0;
}

static bool key_ok(const char *k)
{
	if (!*k || strlen(k) > 64)
		return false;
	for (; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9') || *k == '_' ||
		      *k == '.' || *k == '-'))
			return false;
	return true;
}

int zsim_pagestore_writer_meta(struct zsim_pagestore_writer *w, const char *key,
			       const char *value)
{
	if (!w || !key || !value || !key_ok(key) || strchr(value, '\n') || strlen(value) > 4096)
		return ZSIM_EINVAL;
	char *v = strdup(value);
	if (!v)
		return ZSIM_ENOMEM;
	for (size_t i = 0; i < w->nmeta; i++)
		if (!strcmp(w->meta[i].key, key)) {
			free(w->meta[i].value);
			w->meta[i].value = v;
			return 0;
		}
	struct ps_kv *m = realloc(w->meta, (w->nmeta + 1) * sizeof(*m));
	char *k = strdup(key);
	if (!m || !k) {
		if (m)
			w->meta = m;
		free(k);
		free(v);
		return ZSIM_ENOMEM;
	}
	w->meta = m;
	w->meta[w->nmeta++] = (struct ps_kv){k, v};
	return 0;
}

int zsim_pagestore_writer_snapshot(struct zsim_pagestore_writer *w, uint32_t pid,
				   const char *comm, uint64_t time_ns, uint32_t flags)
{
	if (!w)
		return ZSIM_EINVAL;
	if (w->nsnaps >= PS_MAX_SNAPSHOTS)
		return ZSIM_ERANGE;
	unsigned char *s = realloc(w->snaps, (size_t)(w->nsnaps + 1) * PS_SNAP_ENTRY_SIZE);
	if (!s)
		return ZSIM_ENOMEM;
	w->snaps = s;
	unsigned char *e = s + w->nsnaps * PS_SNAP_ENTRY_SIZE;
	memset(e, 0, PS_SNAP_ENTRY_SIZE);
	zsim_put_le64(e, w->snap_mark);
	zsim_put_le64(e + 8, w->npages - w->snap_mark);
	zsim_put_le64(e + 16, time_ns);
	zsim_put_le32(e + 24, pid);
	zsim_put_le32(e + 28, flags);
	if (comm) {
		size_t n = strnlen(comm, 15);
		memcpy(e + 32, comm, n);
	}
	w->nsnaps++;
	w->snap_mark = w->npages;
	return 0;
}

void zsim_pagestore_writer_stats(const struct zsim_pagestore_writer *w,
				 struct zsim_pagestore_writer_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (!w)
		return;
	st->pages = w->npages;
	st->unique = w->nunique;
	st->bytes_written = w->off;
	st->snapshots = w->nsnaps;
}

/* One section: written at the current position, its TOC entry filled. */
static int put_section(struct zsim_pagestore_writer *w, unsigned char *toc, unsigned type,
		       int zstd, const void *data, size_t len)
{
	uint64_t start = w->off;
	int rc;
	unsigned char *stored = NULL; /* the bytes as written, for the checksum */
	size_t nstored = 0;
	if (zstd && len) {
		ZSTD_CCtx_reset(w->cctx, ZSTD_reset_session_only);
		ZSTD_CCtx_setPledgedSrcSize(w->cctx, len);
		ZSTD_inBuffer in = {data, len, 0};
		size_t left;
		do {
			ZSTD_outBuffer ob = {w->cbuf, w->cbuf_cap, 0};
			left = ZSTD_compressStream2(w->cctx, &ob, &in, ZSTD_e_end);
			if (ZSTD_isError(left))
				return w->failed = ZSIM_ENOMEM;
			unsigned char *ns = realloc(stored, nstored + ob.pos + 1);
			if (!ns) {
				free(stored);
				return w->failed = ZSIM_ENOMEM;
			}
			stored = ns;
			memcpy(stored + nstored, w->cbuf, ob.pos);
			nstored += ob.pos;
			if ((rc = write_all(w, w->cbuf, ob.pos))) {
				free(stored);
				return rc;
			}
		} while (left);
	} else if (len && (rc = write_all(w, data, len))) {
		return rc;
	}
	uint64_t sum = stored ? zsim_xxh64(stored, nstored, 0) : zsim_xxh64(data, len, 0);
	free(stored);
	zsim_put_le32(toc, type);
	zsim_put_le32(toc + 4, zstd && len ? PS_ENC_ZSTD : PS_ENC_RAW);
	zsim_put_le64(toc + 8, start);
	zsim_put_le64(toc + 16, w->off - start);
	zsim_put_le64(toc + 24, len);
	zsim_put_le64(toc + 32, sum);
	zsim_put_le64(toc + 40, 0);
	return 0;
}

static int finish(struct zsim_pagestore_writer *w)
{
	int rc;
	if ((rc = flush_frame(w)))
		return rc;
	unsigned char toc[PS_TOC_MAX * PS_TOC_ENTRY_SIZE + 8];
	unsigned n = 0;
#define TOC (toc + (n++) * PS_TOC_ENTRY_SIZE)
	if ((rc = put_section(w, TOC, PS_SEC_FRAMES, 0, w->frames,
			      (size_t)w->nframes * PS_FRAME_ENTRY_SIZE)))
		return rc;
	unsigned char *le = malloc((size_t)ZSIM_MAX(w->npages * 4, w->nunique * 16) + 1);
	if (!le)
		return w->failed = ZSIM_ENOMEM;
	for (uint64_t i = 0; i < w->npages; i++)
		zsim_put_le32(le + 4 * i, w->map[i]);
	rc = put_section(w, TOC, PS_SEC_MAP, 1, le, (size_t)w->npages * 4);
	if (!rc && w->hashes_on) {
		for (uint64_t u = 0; u < w->nunique; u++) {
			zsim_put_le64(le + 16 * u, w->hashes[2 * u]);
			zsim_put_le64(le + 16 * u + 8, w->hashes[2 * u + 1]);
		}
		rc = put_section(w, TOC, PS_SEC_HASHES, 0, le, (size_t)w->nunique * 16);
	}
	free(le);
	if (rc)
		return rc;
	for (unsigned c = 0; c < w->nclen; c++) {
		size_t len = PS_CLEN_HEAD_SIZE + (size_t)w->nunique * 2;
		unsigned char *b = calloc(1, len);
		if (!b)
			return w->failed = ZSIM_ENOMEM;
		memcpy(b, w->clen[c].spec, strlen(w->clen[c].spec));
		memcpy(b + 64, w->clen[c].desc, strlen(w->clen[c].desc));
		for (uint64_t u = 0; u < w->nunique; u++)
			zsim_put_le16(b + PS_CLEN_HEAD_SIZE + 2 * u, w->clen[c].len[u]);
		rc = put_section(w, TOC, PS_SEC_CLEN, 1, b, len);
		free(b);
		if (rc)
			return rc;
	}
	if (w->nmeta) {
		size_t len = 0;
		for (size_t i = 0; i < w->nmeta; i++)
			len += strlen(w->meta[i].key) + strlen(w->meta[i].value) + 2;
		char *b = malloc(len + 1), *p = b;
		if (!b)
			return w->failed = ZSIM_ENOMEM;
		for (size_t i = 0; i < w->nmeta; i++)
			p += sprintf(p, "%s=%s\n", w->meta[i].key, w->meta[i].value);
		rc = put_section(w, TOC, PS_SEC_META, 0, b, len);
		free(b);
		if (rc)
			return rc;
	}
	if (w->nsnaps &&
	    (rc = put_section(w, TOC, PS_SEC_SNAPSHOTS, 1, w->snaps,
			      (size_t)w->nsnaps * PS_SNAP_ENTRY_SIZE)))
		return rc;
#undef TOC
	uint64_t toc_off = w->off;
	size_t toc_len = (size_t)n * PS_TOC_ENTRY_SIZE;
	zsim_put_le64(toc + toc_len, zsim_xxh64(toc, toc_len, 0));
	if ((rc = write_all(w, toc, toc_len + 8)))
		return rc;
	unsigned char hdr[PS_HEADER_SIZE] = {0};
	memcpy(hdr, ZSIM_PAGESTORE_MAGIC, ZSIM_PAGESTORE_MAGIC_LEN);
	zsim_put_le16(hdr + PS_H_VERSION, ZSIM_PAGESTORE_VERSION);
	zsim_put_le16(hdr + PS_H_HEADER_SIZE, PS_HEADER_SIZE);
	zsim_put_le32(hdr + PS_H_PAGE_SIZE, ZSIM_PAGE_SIZE);
	zsim_put_le32(hdr + PS_H_FRAME_PAGES, w->frame_pages);
	zsim_put_le64(hdr + PS_H_PAGES, w->npages);
	zsim_put_le64(hdr + PS_H_UNIQUE, w->nunique);
	zsim_put_le64(hdr + PS_H_TOC_OFFSET, toc_off);
	zsim_put_le32(hdr + PS_H_TOC_COUNT, n);
	zsim_put_le64(hdr + PS_H_CHECKSUM, zsim_xxh64(hdr, PS_H_CHECKSUM, 0));
	uint64_t end = w->off;
	w->off = 0;
	rc = write_all(w, hdr, sizeof(hdr));
	w->off = end;
	return rc;
}

int zsim_pagestore_writer_close(struct zsim_pagestore_writer *w, struct zsim_pagestore_error *err)
{
	if (!w)
		return ZSIM_EINVAL;
	int rc = w->failed ? w->failed : finish(w);
	if (!rc) {
		int fd = w->fd;
		w->fd = -1;
		if (close(fd))
			rc = ZSIM_EIO;
	}
	if (!rc && rename(w->tmp_path, w->path))
		rc = ZSIM_EIO;
	if (rc) {
		int e = errno;
		zsim_ps_error(err, rc, w->path, 0, 0, "cannot finish the page store: %s",
			      rc == ZSIM_EIO ? strerror(e) : zsim_strerror(rc));
		zsim_pagestore_writer_abort(w);
		return rc;
	}
	free_writer(w);
	return 0;
}
