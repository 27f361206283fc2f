/*
 * reader.c - zsim_pagestore: opens a page store from a file or a buffer,
 * checks every structure before trusting it (header and section checksums,
 * sizes against the file, the page map's first-appearance order, frame
 * bounds, side-table values) and decodes frames on demand into a small
 * cache, checking each page against its stored hash. Any defect is a clean
 * error that names the byte offset; nothing is read or allocated past what
 * the file and PS_MAX_* allow. No kernel counterpart.
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

#include "common/compiler.h"
#include "pagestore_internal.h"

#define PS_CACHE 8

struct ps_rclen {
	char spec[ZSIM_PAGESTORE_CLEN_SPEC_MAX];
	char desc[ZSIM_PAGESTORE_CLEN_SPEC_MAX];
	uint16_t *len;
};

struct ps_cache {
	int64_t frame;   /* -1: empty */
	uint64_t used;
	unsigned char *buf;
};

struct zsim_pagestore {
	char *name;
	int fd;                    /* -1 for a memory store */
	const unsigned char *mem;
	uint64_t size;
	unsigned version, frame_pages;
	uint64_t pages, unique, nframes, toc_off;
	uint32_t *map;
	uint64_t *first_page;      /* unique id -> first logical page */
	uint64_t *foff;
	uint32_t *fsize, *fsum;
	uint64_t frame_bytes;
	unsigned char *hashes;     /* unique x 16, or NULL */
	struct ps_rclen clen[ZSIM_PAGESTORE_MAX_CLEN];
	unsigned nclen;
	char *meta_buf;
	const char **meta_key, **meta_val;
	unsigned nmeta;
	struct zsim_pagestore_snapshot *snaps;
	uint64_t nsnaps;
	ZSTD_DCtx *dctx;
	unsigned char *cbuf;
	size_t cbuf_cap;
	struct ps_cache cache[PS_CACHE];
	uint64_t tick;
	struct zsim_pagestore_error err;
};

#define FAIL(ps, code, off, ...) zsim_ps_error(&(ps)->err, (code), (ps)->name, 1, (off), __VA_ARGS__)

int zsim_pagestore_probe(const void *first_bytes, size_t n)
{
	return first_bytes && n >= ZSIM_PAGESTORE_MAGIC_LEN &&
	       !memcmp(first_bytes, ZSIM_PAGESTORE_MAGIC, ZSIM_PAGESTORE_MAGIC_LEN);
}

int zsim_pagestore_probe_file(const char *path)
{
	if (!path)
		return ZSIM_EINVAL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ZSIM_EIO;
	unsigned char b[ZSIM_PAGESTORE_MAGIC_LEN];
	size_t got = 0;
	while (got < sizeof(b)) {
		ssize_t k = read(fd, b + got, sizeof(b) - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			close(fd);
			return ZSIM_EIO;
		}
		if (k == 0)
			break;
		got += (size_t)k;
	}
	close(fd);
	return zsim_pagestore_probe(b, got);
}

/* n bytes at off into dst: 0, ZSIM_ETRUNC past the end, ZSIM_EIO. */
static int src_read(struct zsim_pagestore *ps, uint64_t off, void *dst, size_t n, const char *what)
{
	if (off > ps->size || n > ps->size - off)
		return FAIL(ps, ZSIM_ETRUNC, off, "%s of %zu bytes runs past the end of the file (%llu bytes): truncated",
			    what, n, (unsigned long long)ps->size);
	if (ps->mem) {
		memcpy(dst, ps->mem + off, n);
		return 0;
	}
	unsigned char *p = dst;
	uint64_t o = off;
	while (n) {
		ssize_t k = pread(ps->fd, p, n, (off_t)o);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return FAIL(ps, k == 0 ? ZSIM_ETRUNC : ZSIM_EIO, o, "cannot read %s: %s", what,
				    k == 0 ? "file shrank" : strerror(errno));
		p += k;
		n -= (size_t)k;
		o += (uint64_t)k;
	}
	return 0;
}

void zsim_pagestore_close(struct zsim_pagestore *ps)
{
	if (!ps)
		return;
	if (ps->fd >= 0)
		close(ps->fd);
	free(ps->name);
	free(ps->map);
	free(ps->first_page);
	free(ps->foff);
	free(ps->fsize);
	free(ps->fsum);
	free(ps->hashes);
	for (unsigned c = 0; c < ps->nclen; c++)
		free(ps->clen[c].len);
	free(ps->meta_buf);
	free(ps->meta_key);
	free(ps->meta_val);
	free(ps->snaps);
	ZSTD_freeDCtx(ps->dctx);
	free(ps->cbuf);
	for (unsigned i = 0; i < PS_CACHE; i++)
		free(ps->cache[i].buf);
	free(ps);
}

/* Section bytes, decoded and checked: *out (malloc'ed) holds raw bytes
 * plus one spare. */
static int load_section(struct zsim_pagestore *ps, const unsigned char *e, uint64_t e_off,
			const char *what, unsigned char **out)
{
	unsigned enc = zsim_get_le32(e + 4);
	uint64_t off = zsim_get_le64(e + 8), stored = zsim_get_le64(e + 16), raw = zsim_get_le64(e + 24);
	uint64_t sum = zsim_get_le64(e + 32);
	*out = NULL;
	if (off < PS_HEADER_SIZE || off > ps->toc_off || stored > ps->toc_off - off)
		return FAIL(ps, ZSIM_EPARSE, e_off, "%s section at %llu (+%llu bytes) lies outside the data area (%u..%llu)",
			    what, (unsigned long long)off, (unsigned long long)stored, PS_HEADER_SIZE,
			    (unsigned long long)ps->toc_off);
	if (enc == PS_ENC_RAW && stored != raw)
		return FAIL(ps, ZSIM_EPARSE, e_off, "raw %s section stores %llu bytes but says %llu", what,
			    (unsigned long long)stored, (unsigned long long)raw);
	if (enc != PS_ENC_RAW && enc != PS_ENC_ZSTD)
		return FAIL(ps, ZSIM_EPARSE, e_off + 4, "%s section: unknown encoding %u", what, enc);
	if (raw > SIZE_MAX - 1 || stored > SIZE_MAX)
		return FAIL(ps, ZSIM_ERANGE, e_off, "%s section too large", what);
	/* zstd expands at most 32768-fold (a 128 KiB RLE block in 4 bytes):
	 * a larger claim is a lie, refused before anything is allocated */
	if (enc == PS_ENC_ZSTD && raw / 32768 > stored + 1)
		return FAIL(ps, ZSIM_EBADMSG, e_off + 24,
			    "%s section claims %llu bytes from %llu compressed: more than zstd can expand",
			    what, (unsigned long long)raw, (unsigned long long)stored);
	/* one spare byte: metadata is parsed as a NUL-terminated string */
	unsigned char *st = malloc((size_t)stored + 1);
	if (!st)
		return FAIL(ps, ZSIM_ENOMEM, off, "out of memory for the %s section", what);
	int rc = src_read(ps, off, st, (size_t)stored, what);
	if (rc) {
		free(st);
		return rc;
	}
	if (zsim_xxh64(st, (size_t)stored, 0) != sum) {
		free(st);
		return FAIL(ps, ZSIM_EBADMSG, off, "%s section: checksum mismatch", what);
	}
	unsigned char *r = st;
	if (enc == PS_ENC_ZSTD) {
		unsigned long long fcs = ZSTD_getFrameContentSize(st, (size_t)stored);
		if (fcs != raw) {
			free(st);
			return FAIL(ps, ZSIM_EBADMSG, off, "%s section: compressed data does not hold %llu bytes",
				    what, (unsigned long long)raw);
		}
		r = malloc((size_t)raw + 1);
		if (!r) {
			free(st);
			return FAIL(ps, ZSIM_ENOMEM, off, "out of memory for the %s section", what);
		}
		size_t got = ZSTD_decompressDCtx(ps->dctx, r, (size_t)raw, st, (size_t)stored);
		free(st);
		if (ZSTD_isError(got) || got != raw) {
			free(r);
			return FAIL(ps, ZSIM_EBADMSG, off, "%s section: corrupt compressed data (%s)", what,
				    ZSTD_isError(got) ? ZSTD_getErrorName(got) : "short");
		}
	}
	*out = r;
	return 0;
}

static int parse_frames(struct zsim_pagestore *ps, const unsigned char *b, uint64_t sec_off)
{
	ps->foff = malloc((size_t)ZSIM_MAX(ps->nframes, 1) * sizeof(uint64_t));
	ps->fsize = malloc((size_t)ZSIM_MAX(ps->nframes, 1) * sizeof(uint32_t));
	ps->fsum = malloc((size_t)ZSIM_MAX(ps->nframes, 1) * sizeof(uint32_t));
	if (!ps->foff || !ps->fsize || !ps->fsum)
		return FAIL(ps, ZSIM_ENOMEM, sec_off, "out of memory for the frame table");
	size_t bound = ZSTD_compressBound((size_t)ps->frame_pages * ZSIM_PAGE_SIZE);
	for (uint64_t f = 0; f < ps->nframes; f++) {
		const unsigned char *e = b + f * PS_FRAME_ENTRY_SIZE;
		uint64_t off = zsim_get_le64(e);
		uint32_t sz = zsim_get_le32(e + 8);
		if (off < PS_HEADER_SIZE || off > ps->toc_off || sz == 0 || sz > bound ||
		    sz > ps->toc_off - off)
			return FAIL(ps, ZSIM_EPARSE, sec_off,
				    "frame %llu: %u bytes at %llu lie outside the data area or exceed %zu",
				    (unsigned long long)f, sz, (unsigned long long)off, bound);
		ps->foff[f] = off;
		ps->fsize[f] = sz;
		ps->fsum[f] = zsim_get_le32(e + 12);
		ps->frame_bytes += sz;
	}
	return 0;
}

static int parse_map(struct zsim_pagestore *ps, unsigned char *b, uint64_t sec_off)
{
	uint32_t *m = (uint32_t *)(void *)b; /* decoded in place */
	uint64_t next = 0;
	ps->first_page = malloc((size_t)ZSIM_MAX(ps->unique, 1) * sizeof(uint64_t));
	if (!ps->first_page)
		return FAIL(ps, ZSIM_ENOMEM, sec_off, "out of memory for the page map");
	for (uint64_t i = 0; i < ps->pages; i++) {
		uint32_t id = zsim_get_le32(b + 4 * i);
		if (id > next || id >= ps->unique)
			return FAIL(ps, ZSIM_EPARSE, sec_off,
				    "page map: page %llu has unique id %u, expected at most %llu (ids are given in order of first appearance, below %llu)",
				    (unsigned long long)i, id, (unsigned long long)next,
				    (unsigned long long)ps->unique);
		if (id == next)
			ps->first_page[next++] = i;
		m[i] = id;
	}
	if (next != ps->unique)
		return FAIL(ps, ZSIM_EPARSE, sec_off, "page map names %llu unique pages, the header %llu",
			    (unsigned long long)next, (unsigned long long)ps->unique);
	ps->map = m;
	return 0;
}

static int parse_clen(struct zsim_pagestore *ps, const unsigned char *b, uint64_t sec_off)
{
	struct ps_rclen *t = &ps->clen[ps->nclen];
	if (!memchr(b, 0, 64) || !memchr(b + 64, 0, 64) || !b[0])
		return FAIL(ps, ZSIM_EPARSE, sec_off, "clen table: codec spec or description not terminated");
	memcpy(t->spec, b, 64);
	memcpy(t->desc, b + 64, 64);
	for (unsigned c = 0; c < ps->nclen; c++)
		if (!strcmp(ps->clen[c].spec, t->spec))
			return FAIL(ps, ZSIM_EPARSE, sec_off, "clen table for '%s' appears twice", t->spec);
	t->len = malloc((size_t)ZSIM_MAX(ps->unique, 1) * sizeof(uint16_t));
	if (!t->len)
		return FAIL(ps, ZSIM_ENOMEM, sec_off, "out of memory for a clen table");
	for (uint64_t u = 0; u < ps->unique; u++) {
		uint16_t l = zsim_get_le16(b + PS_CLEN_HEAD_SIZE + 2 * u);
		if ((l == 0 || l > ZSIM_PAGE_SIZE) && l != ZSIM_PAGESTORE_CLEN_NONE) {
			free(t->len);
			t->len = NULL;
			return FAIL(ps, ZSIM_EPARSE, sec_off, "clen table '%s': unique page %llu has length %u",
				    t->spec, (unsigned long long)u, l);
		}
		t->len[u] = l;
	}
	ps->nclen++;
	return 0;
}

static int parse_meta(struct zsim_pagestore *ps, unsigned char *b, size_t len, uint64_t sec_off)
{
	if (memchr(b, 0, len))
		return FAIL(ps, ZSIM_EPARSE, sec_off, "metadata holds a NUL byte");
	b[len] = 0;
	unsigned n = 0;
	for (size_t i = 0; i < len; i++)
		n += b[i] == '\n';
	if (len && b[len - 1] != '\n')
		return FAIL(ps, ZSIM_EPARSE, sec_off, "metadata does not end with a newline");
	ps->meta_key = malloc((n ? n : 1) * sizeof(char *));
	ps->meta_val = malloc((n ? n : 1) * sizeof(char *));
	if (!ps->meta_key || !ps->meta_val)
		return FAIL(ps, ZSIM_ENOMEM, sec_off, "out of memory for metadata");
	char *p = (char *)b;
	for (unsigned i = 0; i < n; i++) {
		char *nl = strchr(p, '\n'), *eq = strchr(p, '=');
		if (!eq || eq > nl || eq == p)
			return FAIL(ps, ZSIM_EPARSE, sec_off, "metadata line %u is not key=value", i + 1);
		*eq = 0;
		*nl = 0;
		ps->meta_key[i] = p;
		ps->meta_val[i] = eq + 1;
		p = nl + 1;
	}
	ps->meta_buf = (char *)b;
	ps->nmeta = n;
	return 0;
}

static int parse_snaps(struct zsim_pagestore *ps, const unsigned char *b, uint64_t n,
		       uint64_t sec_off)
{
	ps->snaps = calloc((size_t)ZSIM_MAX(n, 1), sizeof(*ps->snaps));
	if (!ps->snaps)
		return FAIL(ps, ZSIM_ENOMEM, sec_off, "out of memory for snapshots");
	uint64_t end = 0;
	for (uint64_t i = 0; i < n; i++) {
		const unsigned char *e = b + i * PS_SNAP_ENTRY_SIZE;
		struct zsim_pagestore_snapshot *s = &ps->snaps[i];
		s->first_page = zsim_get_le64(e);
		s->pages = zsim_get_le64(e + 8);
		s->time_ns = zsim_get_le64(e + 16);
		s->pid = zsim_get_le32(e + 24);
		s->flags = zsim_get_le32(e + 28);
		memcpy(s->comm, e + 32, 16);
		if (s->first_page < end || s->first_page > ps->pages ||
		    s->pages > ps->pages - s->first_page || s->comm[15])
			return FAIL(ps, ZSIM_EPARSE, sec_off,
				    "snapshot %llu: pages %llu..+%llu overlap the previous one or the end (%llu pages), or its name is not terminated",
				    (unsigned long long)i, (unsigned long long)s->first_page,
				    (unsigned long long)s->pages, (unsigned long long)ps->pages);
		end = s->first_page + s->pages;
	}
	ps->nsnaps = n;
	return 0;
}

static int open_common(struct zsim_pagestore *ps)
{
	unsigned char h[PS_HEADER_SIZE];
	if (ps->size < ZSIM_PAGESTORE_MAGIC_LEN)
		return FAIL(ps, ZSIM_EPARSE, 0, "not a page store (%llu bytes, no magic)",
			    (unsigned long long)ps->size);
	int rc = src_read(ps, 0, h, ZSIM_PAGESTORE_MAGIC_LEN, "the magic");
	if (rc)
		return rc;
	if (!zsim_pagestore_probe(h, ZSIM_PAGESTORE_MAGIC_LEN))
		return FAIL(ps, ZSIM_EPARSE, 0, "not a page store (bad magic)");
	if ((rc = src_read(ps, 0, h, PS_HEADER_SIZE, "the header")))
		return rc;
	if (zsim_xxh64(h, PS_H_CHECKSUM, 0) != zsim_get_le64(h + PS_H_CHECKSUM)) {
		if (!zsim_get_le64(h + PS_H_TOC_OFFSET) && !zsim_get_le64(h + PS_H_CHECKSUM))
			return FAIL(ps, ZSIM_EPARSE, PS_H_TOC_OFFSET,
				    "incomplete page store: the writer did not finish");
		return FAIL(ps, ZSIM_EBADMSG, PS_H_CHECKSUM, "header checksum mismatch");
	}
	ps->version = zsim_get_le16(h + PS_H_VERSION);
	if (ps->version != ZSIM_PAGESTORE_VERSION)
		return FAIL(ps, ZSIM_EPARSE, PS_H_VERSION, "page store version %u (this reader knows %d)",
			    ps->version, ZSIM_PAGESTORE_VERSION);
	if (zsim_get_le16(h + PS_H_HEADER_SIZE) != PS_HEADER_SIZE)
		return FAIL(ps, ZSIM_EPARSE, PS_H_HEADER_SIZE, "header size %u, expected %u",
			    zsim_get_le16(h + PS_H_HEADER_SIZE), PS_HEADER_SIZE);
	if (zsim_get_le32(h + PS_H_PAGE_SIZE) != ZSIM_PAGE_SIZE)
		return FAIL(ps, ZSIM_EPARSE, PS_H_PAGE_SIZE, "page size %u, expected %u",
			    zsim_get_le32(h + PS_H_PAGE_SIZE), ZSIM_PAGE_SIZE);
	ps->frame_pages = zsim_get_le32(h + PS_H_FRAME_PAGES);
	if (!ps->frame_pages || ps->frame_pages > ZSIM_PAGESTORE_MAX_FRAME_PAGES)
		return FAIL(ps, ZSIM_EPARSE, PS_H_FRAME_PAGES, "frame pages %u not in 1..%d",
			    ps->frame_pages, ZSIM_PAGESTORE_MAX_FRAME_PAGES);
	if (zsim_get_le32(h + PS_H_FLAGS) || zsim_get_le32(h + PS_H_RESERVED))
		return FAIL(ps, ZSIM_EPARSE, PS_H_FLAGS, "unknown header flags");
	ps->pages = zsim_get_le64(h + PS_H_PAGES);
	ps->unique = zsim_get_le64(h + PS_H_UNIQUE);
	if (ps->pages > PS_MAX_PAGES)
		return FAIL(ps, ZSIM_ERANGE, PS_H_PAGES, "%llu pages: more than this reader's limit %llu",
			    (unsigned long long)ps->pages, (unsigned long long)PS_MAX_PAGES);
	if (ps->unique > ps->pages || (ps->pages && !ps->unique) ||
	    ps->unique > ZSIM_PAGESTORE_MAX_UNIQUE)
		return FAIL(ps, ZSIM_EPARSE, PS_H_UNIQUE, "%llu unique pages for %llu pages",
			    (unsigned long long)ps->unique, (unsigned long long)ps->pages);
	ps->nframes = ZSIM_DIV_ROUND_UP(ps->unique, ps->frame_pages);
	ps->toc_off = zsim_get_le64(h + PS_H_TOC_OFFSET);
	unsigned ntoc = zsim_get_le32(h + PS_H_TOC_COUNT);
	if (ps->toc_off == 0)
		return FAIL(ps, ZSIM_EPARSE, PS_H_TOC_OFFSET, "incomplete page store: the writer did not finish");
	if (ps->toc_off < PS_HEADER_SIZE || ntoc < 2 || ntoc > PS_TOC_MAX)
		return FAIL(ps, ZSIM_EPARSE, PS_H_TOC_OFFSET, "section table at %llu with %u entries is invalid",
			    (unsigned long long)ps->toc_off, ntoc);
	unsigned char toc[PS_TOC_MAX * PS_TOC_ENTRY_SIZE + 8];
	size_t toc_len = (size_t)ntoc * PS_TOC_ENTRY_SIZE;
	if ((rc = src_read(ps, ps->toc_off, toc, toc_len + 8, "the section table")))
		return rc;
	if (zsim_xxh64(toc, toc_len, 0) != zsim_get_le64(toc + toc_len))
		return FAIL(ps, ZSIM_EBADMSG, ps->toc_off + toc_len, "section table checksum mismatch");

	if (!(ps->dctx = ZSTD_createDCtx()))
		return FAIL(ps, ZSIM_ENOMEM, 0, "out of memory");
	bool seen[PS_SEC_SNAPSHOTS + 1] = {false};
	for (unsigned i = 0; i < ntoc; i++) {
		const unsigned char *e = toc + (size_t)i * PS_TOC_ENTRY_SIZE;
		uint64_t e_off = ps->toc_off + (uint64_t)i * PS_TOC_ENTRY_SIZE;
		unsigned type = zsim_get_le32(e);
		uint64_t raw = zsim_get_le64(e + 24), sec_off = zsim_get_le64(e + 8);
		if (type < PS_SEC_FRAMES || type > PS_SEC_SNAPSHOTS)
			continue; /* a later version's section: skipped */
		if (type != PS_SEC_CLEN && seen[type])
			return FAIL(ps, ZSIM_EPARSE, e_off, "section type %u appears twice", type);
		seen[type] = true;
		uint64_t want = 0;
		const char *what = "?";
		switch (type) {
		case PS_SEC_FRAMES: want = ps->nframes * PS_FRAME_ENTRY_SIZE; what = "frame table"; break;
		case PS_SEC_MAP: want = ps->pages * 4; what = "page map"; break;
		case PS_SEC_HASHES: want = ps->unique * PS_HASH_ENTRY_SIZE; what = "hash table"; break;
		case PS_SEC_CLEN:
			want = PS_CLEN_HEAD_SIZE + ps->unique * 2;
			what = "clen table";
			if (ps->nclen == ZSIM_PAGESTORE_MAX_CLEN)
				return FAIL(ps, ZSIM_EPARSE, e_off, "more than %d clen tables",
					    ZSIM_PAGESTORE_MAX_CLEN);
			break;
		case PS_SEC_META:
			want = raw;
			what = "metadata";
			if (raw > PS_MAX_META_BYTES)
				return FAIL(ps, ZSIM_ERANGE, e_off, "metadata of %llu bytes is over the limit",
					    (unsigned long long)raw);
			break;
		case PS_SEC_SNAPSHOTS:
			want = raw;
			what = "snapshot table";
			if (raw % PS_SNAP_ENTRY_SIZE || raw / PS_SNAP_ENTRY_SIZE > PS_MAX_SNAPSHOTS)
				return FAIL(ps, ZSIM_EPARSE, e_off, "snapshot table of %llu bytes",
					    (unsigned long long)raw);
			break;
		}
		if (raw != want)
			return FAIL(ps, ZSIM_EPARSE, e_off + 24, "%s holds %llu bytes, expected %llu", what,
				    (unsigned long long)raw, (unsigned long long)want);
		unsigned char *b;
		if ((rc = load_section(ps, e, e_off, what, &b)))
			return rc;
		switch (type) {
		case PS_SEC_FRAMES: rc = parse_frames(ps, b, sec_off); free(b); break;
		case PS_SEC_MAP:
			rc = parse_map(ps, b, sec_off);
			if (rc)
				free(b);
			break;
		case PS_SEC_HASHES: ps->hashes = b; break;
		case PS_SEC_CLEN: rc = parse_clen(ps, b, sec_off); free(b); break;
		case PS_SEC_META:
			rc = parse_meta(ps, b, (size_t)raw, sec_off);
			if (rc && ps->meta_buf != (char *)b)
				free(b);
			break;
		case PS_SEC_SNAPSHOTS:
			rc = parse_snaps(ps, b, raw / PS_SNAP_ENTRY_SIZE, sec_off);
			free(b);
			break;
		}
		if (rc)
			return rc;
	}
	if (!seen[PS_SEC_FRAMES] || !seen[PS_SEC_MAP])
		return FAIL(ps, ZSIM_EPARSE, ps->toc_off, "the section table lacks the %s",
			    seen[PS_SEC_MAP] ? "frame table" : "page map");
	ps->cbuf_cap = ZSTD_compressBound((size_t)ps->frame_pages * ZSIM_PAGE_SIZE);
	if (!(ps->cbuf = malloc(ps->cbuf_cap)))
		return FAIL(ps, ZSIM_ENOMEM, 0, "out of memory");
	for (unsigned i = 0; i < PS_CACHE; i++)
		ps->cache[i].frame = -1;
	return 0;
}

static struct zsim_pagestore *ps_new(const char *name)
{
	struct zsim_pagestore *ps = calloc(1, sizeof(*ps));
	if (!ps)
		return NULL;
	ps->fd = -1;
	ps->name = strdup(name ? name : "page store");
	if (!ps->name) {
		free(ps);
		return NULL;
	}
	return ps;
}

static int finish_open(struct zsim_pagestore *ps, struct zsim_pagestore **out,
		       struct zsim_pagestore_error *err)
{
	int rc = open_common(ps);
	if (rc) {
		if (err)
			*err = ps->err;
		zsim_pagestore_close(ps);
		return rc;
	}
	*out = ps;
	return 0;
}

int zsim_pagestore_open(const char *path, struct zsim_pagestore **out,
			struct zsim_pagestore_error *err)
{
	if (out)
		*out = NULL;
	if (!path || !out)
		return zsim_ps_error(err, ZSIM_EINVAL, path, 0, 0, "no path");
	struct zsim_pagestore *ps = ps_new(path);
	if (!ps)
		return zsim_ps_error(err, ZSIM_ENOMEM, path, 0, 0, "out of memory");
	ps->fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat sb;
	if (ps->fd < 0 || fstat(ps->fd, &sb) || !S_ISREG(sb.st_mode)) {
		int e = errno;
		int rc = zsim_ps_error(err, ZSIM_EIO, path, 0, 0, "cannot open: %s",
				       ps->fd < 0 ? strerror(e) : "not a regular file");
		zsim_pagestore_close(ps);
		return rc;
	}
	ps->size = (uint64_t)sb.st_size;
	return finish_open(ps, out, err);
}

int zsim_pagestore_open_memory(const void *buf, size_t len, const char *name,
			       struct zsim_pagestore **out, struct zsim_pagestore_error *err)
{
	if (out)
		*out = NULL;
	if ((!buf && len) || !out)
		return zsim_ps_error(err, ZSIM_EINVAL, name, 0, 0, "no buffer");
	struct zsim_pagestore *ps = ps_new(name);
	if (!ps)
		return zsim_ps_error(err, ZSIM_ENOMEM, name, 0, 0, "out of memory");
	static const unsigned char empty[1];
	ps->mem = buf ? buf : empty;
	ps->size = len;
	return finish_open(ps, out, err);
}

int zsim_pagestore_info(const struct zsim_pagestore *ps, struct zsim_pagestore_info *info)
{
	if (!ps || !info)
		return ZSIM_EINVAL;
	memset(info, 0, sizeof(*info));
	info->version = ps->version;
	info->frame_pages = ps->frame_pages;
	info->pages = ps->pages;
	info->unique = ps->unique;
	info->frames = ps->nframes;
	info->file_bytes = ps->size;
	info->frame_bytes = ps->frame_bytes;
	info->clen_tables = ps->nclen;
	info->snapshots = ps->nsnaps;
	info->has_hashes = ps->hashes != NULL;
	return 0;
}

int zsim_pagestore_unique_id(const struct zsim_pagestore *ps, uint64_t page, uint64_t *uid)
{
	if (!ps || !uid)
		return ZSIM_EINVAL;
	if (page >= ps->pages)
		return ZSIM_ERANGE;
	*uid = ps->map[page];
	return 0;
}

/* The decoded frame f (cached). */
static int get_frame(struct zsim_pagestore *ps, uint64_t f, const unsigned char **out)
{
	struct ps_cache *victim = &ps->cache[0];
	for (unsigned i = 0; i < PS_CACHE; i++) {
		struct ps_cache *c = &ps->cache[i];
		if (c->frame == (int64_t)f) {
			c->used = ++ps->tick;
			*out = c->buf;
			return 0;
		}
		if (c->frame < 0 || c->used < victim->used)
			victim = c;
		if (c->frame < 0)
			break;
	}
	if (!victim->buf && !(victim->buf = malloc((size_t)ps->frame_pages * ZSIM_PAGE_SIZE)))
		return FAIL(ps, ZSIM_ENOMEM, ps->foff[f], "out of memory for a frame");
	victim->frame = -1;
	uint64_t first = f * ps->frame_pages;
	uint64_t n = ZSIM_MIN((uint64_t)ps->frame_pages, ps->unique - first);
	size_t raw = (size_t)n * ZSIM_PAGE_SIZE;
	int rc = src_read(ps, ps->foff[f], ps->cbuf, ps->fsize[f], "a frame");
	if (rc)
		return rc;
	if ((uint32_t)zsim_xxh64(ps->cbuf, ps->fsize[f], 0) != ps->fsum[f])
		return FAIL(ps, ZSIM_EBADMSG, ps->foff[f], "frame %llu: checksum mismatch",
			    (unsigned long long)f);
	size_t got = ZSTD_decompressDCtx(ps->dctx, victim->buf, raw, ps->cbuf, ps->fsize[f]);
	if (ZSTD_isError(got) || got != raw)
		return FAIL(ps, ZSIM_EBADMSG, ps->foff[f], "frame %llu: corrupt compressed data (%s)",
			    (unsigned long long)f,
			    ZSTD_isError(got) ? ZSTD_getErrorName(got) : "wrong length");
	if (ps->hashes)
		for (uint64_t i = 0; i < n; i++) {
			const unsigned char *pg = victim->buf + i * ZSIM_PAGE_SIZE;
			const unsigned char *hh = ps->hashes + (first + i) * PS_HASH_ENTRY_SIZE;
			if (zsim_xxh64(pg, ZSIM_PAGE_SIZE, 0) != zsim_get_le64(hh) ||
			    zsim_xxh64(pg, ZSIM_PAGE_SIZE, PS_HASH_SEED2) != zsim_get_le64(hh + 8))
				return FAIL(ps, ZSIM_EBADMSG, ps->foff[f],
					    "frame %llu: unique page %llu does not match its hash",
					    (unsigned long long)f, (unsigned long long)(first + i));
		}
	victim->frame = (int64_t)f;
	victim->used = ++ps->tick;
	*out = victim->buf;
	return 0;
}

int zsim_pagestore_read_unique(struct zsim_pagestore *ps, uint64_t uid, void *buf)
{
	if (!ps || !buf)
		return ZSIM_EINVAL;
	if (uid >= ps->unique)
		return ZSIM_ERANGE;
	const unsigned char *fr;
	int rc = get_frame(ps, uid / ps->frame_pages, &fr);
	if (rc)
		return rc;
	memcpy(buf, fr + (uid % ps->frame_pages) * ZSIM_PAGE_SIZE, ZSIM_PAGE_SIZE);
	return 0;
}

int zsim_pagestore_read_page(struct zsim_pagestore *ps, uint64_t page, void *buf)
{
	if (!ps || !buf)
		return ZSIM_EINVAL;
	if (page >= ps->pages)
		return ZSIM_ERANGE;
	return zsim_pagestore_read_unique(ps, ps->map[page], buf);
}

int zsim_pagestore_read_pages(struct zsim_pagestore *ps, uint64_t first, uint64_t n, void *buf)
{
	if (!ps || (!buf && n))
		return ZSIM_EINVAL;
	if (first > ps->pages || n > ps->pages - first)
		return ZSIM_ERANGE;
	unsigned char *out = buf;
	/* A page whose content first appears inside the range is decoded
	 * (ids come in order of first appearance, so frames decode in
	 * order); a later repeat copies that earlier output page. */
	for (uint64_t i = 0; i < n; i++) {
		uint64_t p = first + i, u = ps->map[p], f = ps->first_page[u];
		unsigned char *dst = out + i * ZSIM_PAGE_SIZE;
		if (f >= first && f < p) {
			memcpy(dst, out + (f - first) * ZSIM_PAGE_SIZE, ZSIM_PAGE_SIZE);
			continue;
		}
		int rc = zsim_pagestore_read_unique(ps, u, dst);
		if (rc)
			return rc;
	}
	return 0;
}

int zsim_pagestore_verify(struct zsim_pagestore *ps)
{
	if (!ps)
		return ZSIM_EINVAL;
	for (uint64_t f = 0; f < ps->nframes; f++) {
		const unsigned char *fr;
		for (unsigned i = 0; i < PS_CACHE; i++)
			if (ps->cache[i].frame == (int64_t)f)
				ps->cache[i].frame = -1; /* force a decode */
		int rc = get_frame(ps, f, &fr);
		if (rc)
			return rc;
	}
	return 0;
}

const struct zsim_pagestore_error *zsim_pagestore_last_error(const struct zsim_pagestore *ps)
{
	return ps ? &ps->err : NULL;
}

int zsim_pagestore_clen_table(const struct zsim_pagestore *ps, unsigned index, const char **spec,
			      const char **describe)
{
	if (!ps)
		return ZSIM_EINVAL;
	if (index >= ps->nclen)
		return ZSIM_ERANGE;
	if (spec)
		*spec = ps->clen[index].spec;
	if (describe)
		*describe = ps->clen[index].desc;
	return 0;
}

int zsim_pagestore_clen_find(const struct zsim_pagestore *ps, const char *spec)
{
	if (!ps || !spec)
		return ZSIM_EINVAL;
	for (unsigned c = 0; c < ps->nclen; c++)
		if (!strcmp(ps->clen[c].spec, spec))
			return (int)c;
	return ZSIM_ENOENT;
}

int zsim_pagestore_clen(const struct zsim_pagestore *ps, unsigned index, uint64_t page,
			unsigned *len)
{
	if (!ps || !len)
		return ZSIM_EINVAL;
	if (index >= ps->nclen || page >= ps->pages)
		return ZSIM_ERANGE;
	*len = ps->clen[index].len[ps->map[page]];
	return 0;
}

const char *zsim_pagestore_meta(const struct zsim_pagestore *ps, const char *key)
{
	if (!ps || !key)
		return NULL;
	for (unsigned i = 0; i < ps->nmeta; i++)
		if (!strcmp(ps->meta_key[i], key))
			return ps->meta_val[i];
	return NULL;
}

int zsim_pagestore_meta_at(const struct zsim_pagestore *ps, unsigned i, const char **key,
			   const char **value)
{
	if (!ps)
		return ZSIM_EINVAL;
	if (i >= ps->nmeta)
		return ZSIM_ERANGE;
	if (key)
		*key = ps->meta_key[i];
	if (value)
		*value = ps->meta_val[i];
	return 0;
}

int zsim_pagestore_snapshot(const struct zsim_pagestore *ps, uint64_t i,
			    struct zsim_pagestore_snapshot *snap)
{
	if (!ps || !snap)
		return ZSIM_EINVAL;
	if (i >= ps->nsnaps)
		return ZSIM_ERANGE;
	*snap = ps->snaps[i];
	return 0;
}
