/*
 * event.c - the trace event model shared by both forms: op and key names,
 * the rules an event must satisfy (zsim_trace_event_check), the CSV
 * content field, the bytes of a store's content, and error reporting.
 * Entry points: zsim_trace_event_check, zsim_trace_content_page.
 * Kernel counterpart: none; the rules restate what mm/swap_state.c and
 * mm/zswap.c assume of their callers (a folio's slots are aligned to its
 * size, orders up to PMD order 9, at most MAX_SWAPFILES types).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "trace/trace_internal.h"
#include "zswapsim/pagegen.h"

static const char *const op_names[] = {
	[ZSIM_TRACE_STORE] = "store",	    [ZSIM_TRACE_LOAD] = "load",
	[ZSIM_TRACE_INVALIDATE] = "invalidate", [ZSIM_TRACE_WRITEBACK] = "writeback",
	[ZSIM_TRACE_SWAPON] = "swapon",	    [ZSIM_TRACE_SWAPOFF] = "swapoff",
	[ZSIM_TRACE_MEMCG_SET] = "memcg_set", [ZSIM_TRACE_MARK] = "mark",
};

static const char *const key_names[] = {
	[ZSIM_TRACE_MEMORY_MAX] = "memory.max",
	[ZSIM_TRACE_MEMORY_ZSWAP_MAX] = "memory.zswap.max",
	[ZSIM_TRACE_MEMORY_ZSWAP_WB] = "memory.zswap.writeback",
};

static const char *const errc_names[] = {
	[ZSIM_TRACE_OK] = "ok",
	[ZSIM_TRACE_E_IO] = "io",
	[ZSIM_TRACE_E_MAGIC] = "bad-magic",
	[ZSIM_TRACE_E_VERSION] = "bad-version",
	[ZSIM_TRACE_E_HEADER] = "bad-header",
	[ZSIM_TRACE_E_TRUNCATED] = "truncated",
	[ZSIM_TRACE_E_SYNTAX] = "syntax",
	[ZSIM_TRACE_E_OP] = "unknown-op",
	[ZSIM_TRACE_E_NUMBER] = "bad-number",
	[ZSIM_TRACE_E_RANGE] = "out-of-range",
	[ZSIM_TRACE_E_CONTENT] = "bad-content",
	[ZSIM_TRACE_E_CORPUS] = "outside-corpus",
};

const char *zsim_trace_errc_name(enum zsim_trace_errc kind)
{
	if ((unsigned)kind >= ZSIM_TRACE_ERRC_COUNT)
		return "unknown";
	return errc_names[kind];
}

const char *zsim_trace_op_name(unsigned op)
{
	if (op == 0 || op > ZSIM_TRACE_OP_MAX)
		return NULL;
	return op_names[op];
}

int zsim_trace_op_from_name(const char *name, unsigned *op)
{
	if (!name || !op)
		return ZSIM_EINVAL;
	for (unsigned i = 1; i <= ZSIM_TRACE_OP_MAX; i++)
		if (!strcmp(name, op_names[i])) {
			*op = i;
			return 0;
		}
	return ZSIM_ENOENT;
}

const char *zsim_trace_memcg_key_name(unsigned key)
{
	return key < ZSIM_TRACE_MEMCG_KEY_COUNT ? key_names[key] : NULL;
}

int zsim_trace_errc_code(enum zsim_trace_errc kind)
{
	switch (kind) {
	case ZSIM_TRACE_OK:
		return 0;
	case ZSIM_TRACE_E_IO:
		return ZSIM_EIO;
	case ZSIM_TRACE_E_TRUNCATED:
		return ZSIM_ETRUNC;
	default:
		return ZSIM_EPARSE;
	}
}

void zsim_trace_set_error(struct zsim_trace_error *err, enum zsim_trace_errc kind,
			  const char *fmt, ...)
{
	if (!err)
		return;
	memset(err, 0, sizeof(*err));
	err->kind = kind;
	err->code = zsim_trace_errc_code(kind);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
}

int zsim_trace_fail(struct zsim_trace_reader *r, enum zsim_trace_errc kind,
		    const char *fmt, ...)
{
	char what[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	struct zsim_trace_error *e = &r->err;
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->code = zsim_trace_errc_code(kind);
	if (r->fmt == ZSIM_TRACE_FMT_CSV && r->line) {
		e->line = r->line;
		snprintf(e->message, sizeof(e->message), "%s:%" PRIu64 ": %s", r->path,
			 r->line, what);
	} else if (r->fmt == ZSIM_TRACE_FMT_BINARY) {
		e->byte_offset = r->location;
		snprintf(e->message, sizeof(e->message), "%s: byte %" PRIu64 ": %s",
			 r->path, r->location, what);
	} else {
		snprintf(e->message, sizeof(e->message), "%s: %s", r->path, what);
	}
	r->err_code = e->code;
	return e->code;
}

int zsim_trace_parse_u64(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	if (len == 0) {
		*out = 0;
		return 0;
	}
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		if (len - 2 > 16)
			return -1;
		for (size_t i = 2; i < len; i++) {
			char c = s[i];
			unsigned d;
			if (c >= '0' && c <= '9')
				d = (unsigned)(c - '0');
			else if (c >= 'a' && c <= 'f')
				d = (unsigned)(c - 'a' + 10);
			else if (c >= 'A' && c <= 'F')
				d = (unsigned)(c - 'A' + 10);
			else
				return -1;
			v = (v << 4) | d;
		}
		*out = v;
		return 0;
	}
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c < '0' || c > '9')
			return -1;
		unsigned d = (unsigned)(c - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

static bool is_folio_op(unsigned op)
{
	return op == ZSIM_TRACE_STORE || op == ZSIM_TRACE_LOAD ||
	       op == ZSIM_TRACE_INVALIDATE || op == ZSIM_TRACE_WRITEBACK;
}

#define WHY(...)                                           \
	do {                                               \
		if (why && why_len)                        \
			snprintf(why, why_len, __VA_ARGS__); \
	} while (0)

enum zsim_trace_errc zsim_trace_event_check(const struct zsim_trace_event *ev, char *why,
					    size_t why_len)
{
	if (why && why_len)
		why[0] = 0;
	if (!ev) {
		WHY("no event");
		return ZSIM_TRACE_E_SYNTAX;
	}
	const unsigned op = ev->op;
	if (!zsim_trace_op_name(op)) {
		WHY("unknown op %u", op);
		return ZSIM_TRACE_E_OP;
	}
	if (ev->swap_type >= ZSIM_TRACE_MAX_SWAP_TYPES) {
		WHY("swap_type %u > %u", ev->swap_type, ZSIM_TRACE_MAX_SWAP_TYPES - 1);
		return ZSIM_TRACE_E_RANGE;
	}
	if (ev->memcg > ZSIM_TRACE_MEMCG_MAX) {
		WHY("memcg %" PRIu32 " > %u", ev->memcg, ZSIM_TRACE_MEMCG_MAX);
		return ZSIM_TRACE_E_RANGE;
	}
	if (op != ZSIM_TRACE_STORE && ev->content_kind != ZSIM_TRACE_CONTENT_NONE) {
		WHY("content is only allowed for store%s",
		    op == ZSIM_TRACE_MEMCG_SET ? " (memcg_set takes KEY=VALUE)" : "");
		return ZSIM_TRACE_E_CONTENT;
	}
	if (is_folio_op(op)) {
		if (ev->order > ZSIM_TRACE_MAX_ORDER) {
			WHY("order %u > %u", ev->order, ZSIM_TRACE_MAX_ORDER);
			return ZSIM_TRACE_E_RANGE;
		}
		const uint64_t nr = UINT64_C(1) << ev->order;
		if (ev->offset & (nr - 1)) {
			WHY("offset %" PRIu64 " is not aligned to a folio of order %u (%" PRIu64
			    " slots)",
			    ev->offset, ev->order, nr);
			return ZSIM_TRACE_E_RANGE;
		}
		if (ev->offset >= (UINT64_C(1) << 32)) {
			WHY("offset %" PRIu64 " beyond 2^32 slots", ev->offset);
			return ZSIM_TRACE_E_RANGE;
		}
	} else if (op != ZSIM_TRACE_MEMCG_SET && ev->order != 0) {
		WHY("order must be 0 for %s", zsim_trace_op_name(op));
		return ZSIM_TRACE_E_RANGE;
	}
	switch (op) {
	case ZSIM_TRACE_STORE:
		switch (ev->content_kind) {
		case ZSIM_TRACE_CONTENT_PAGE:
			if (ev->content > ZSIM_TRACE_PAGE_MAX - ((1u << ev->order) - 1)) {
				WHY("page %" PRIu64 " beyond 2^60", ev->content);
				return ZSIM_TRACE_E_RANGE;
			}
			break;
		case ZSIM_TRACE_CONTENT_ZERO:
			if (ev->content) {
				WHY("zero content carries a value");
				return ZSIM_TRACE_E_CONTENT;
			}
			break;
		case ZSIM_TRACE_CONTENT_SAME:
			break;
		case ZSIM_TRACE_CONTENT_CLASS:
			if (ev->page_class >= ZSIM_PAGE_CLASS_COUNT) {
				WHY("unknown page class %u", ev->page_class);
				return ZSIM_TRACE_E_CONTENT;
			}
			if (ev->content > ZSIM_TRACE_SEED_MAX) {
				WHY("class seed %" PRIu64 " > 2^56-1", ev->content);
				return ZSIM_TRACE_E_RANGE;
			}
			break;
		case ZSIM_TRACE_CONTENT_NONE:
			WHY("store without content");
			return ZSIM_TRACE_E_CONTENT;
		default:
			WHY("unknown content kind %u", ev->content_kind);
			return ZSIM_TRACE_E_CONTENT;
		}
		break;
	case ZSIM_TRACE_SWAPON:
		if (ev->offset == 0 || ev->offset > (UINT64_C(1) << 32)) {
			WHY("swapon needs a slot count in offset, 1 .. 2^32 (got %" PRIu64 ")",
			    ev->offset);
			return ZSIM_TRACE_E_RANGE;
		}
		break;
	case ZSIM_TRACE_SWAPOFF:
		if (ev->offset) {
			WHY("swapoff takes no offset");
			return ZSIM_TRACE_E_RANGE;
		}
		break;
	case ZSIM_TRACE_MEMCG_SET:
		if (ev->order >= ZSIM_TRACE_MEMCG_KEY_COUNT) {
			WHY("unknown memcg key %u", ev->order);
			return ZSIM_TRACE_E_CONTENT;
		}
		if (ev->memcg == 0) {
			WHY("memcg_set on the root memcg (0), which has no %s",
			    key_names[ev->order]);
			return ZSIM_TRACE_E_RANGE;
		}
		if (ev->order == ZSIM_TRACE_MEMORY_ZSWAP_WB && ev->offset > 1) {
			WHY("memory.zswap.writeback takes 0 or 1");
			return ZSIM_TRACE_E_CONTENT;
		}
		break;
	default:
		break;
	}
	return ZSIM_TRACE_OK;
}

int zsim_trace_content_format(const struct zsim_trace_event *ev, char *buf, size_t len)
{
	if (!ev || !buf || !len)
		return ZSIM_EINVAL;
	int n;
	if (ev->op == ZSIM_TRACE_MEMCG_SET) {
		const char *k = zsim_trace_memcg_key_name(ev->order);
		if (!k)
			return ZSIM_EINVAL;
		if (ev->offset == ZSIM_TRACE_VALUE_MAX)
			n = snprintf(buf, len, "%s=max", k);
		else
			n = snprintf(buf, len, "%s=%" PRIu64, k, ev->offset);
	} else {
		switch (ev->content_kind) {
		case ZSIM_TRACE_CONTENT_NONE:
			n = snprintf(buf, len, "%s", "");
			break;
		case ZSIM_TRACE_CONTENT_PAGE:
			n = snprintf(buf, len, "page:%" PRIu64, ev->content);
			break;
		case ZSIM_TRACE_CONTENT_ZERO:
			n = snprintf(buf, len, "zero");
			break;
		case ZSIM_TRACE_CONTENT_SAME:
			n = snprintf(buf, len, "fill:0x%016" PRIx64, ev->content);
			break;
		case ZSIM_TRACE_CONTENT_CLASS: {
			const char *c = ev->page_class < ZSIM_PAGE_CLASS_COUNT
						? zsim_page_class_name(ev->page_class)
						: NULL;
			if (!c)
				return ZSIM_EINVAL;
			n = snprintf(buf, len, "class:%s:%" PRIu64, c, ev->content);
			break;
		}
		default:
			return ZSIM_EINVAL;
		}
	}
	if (n < 0)
		return ZSIM_EINVAL;
	if ((size_t)n >= len)
		return ZSIM_ENOSPC;
	return n;
}

int zsim_trace_content_page(const struct zsim_trace_event *ev, unsigned i,
			    const void *corpus, uint64_t corpus_pages, void *page)
{
	if (!ev || !page || ev->op != ZSIM_TRACE_STORE || ev->order > ZSIM_TRACE_MAX_ORDER ||
	    i >= (1u << ev->order))
		return ZSIM_EINVAL;
	switch (ev->content_kind) {
	case ZSIM_TRACE_CONTENT_PAGE:
		if (!corpus || ev->content >= corpus_pages || i >= corpus_pages - ev->content)
			return ZSIM_ERANGE;
		memcpy(page, (const unsigned char *)corpus + (ev->content + i) * ZSIM_PAGE_SIZE,
		       ZSIM_PAGE_SIZE);
		return 0;
	case ZSIM_TRACE_CONTENT_ZERO:
		memset(page, 0, ZSIM_PAGE_SIZE);
		return 0;
	case ZSIM_TRACE_CONTENT_SAME: {
		uint64_t *w = page;
		for (size_t k = 0; k < ZSIM_PAGE_SIZE / sizeof(uint64_t); k++)
			w[k] = ev->content;
		return 0;
	}
	case ZSIM_TRACE_CONTENT_CLASS:
		return zsim_page_fill((enum zsim_page_class)ev->page_class, ev->content, i, page);
	default:
		return ZSIM_EINVAL;
	}
}

int zsim_trace_check_corpus(struct zsim_trace_reader *r, const struct zsim_trace_event *ev)
{
	if (ev->op != ZSIM_TRACE_STORE || ev->content_kind != ZSIM_TRACE_CONTENT_PAGE ||
	    r->corpus_pages == UINT64_MAX)
		return 0;
	const uint64_t nr = UINT64_C(1) << ev->order;
	if (r->corpus_pages == 0)
		return zsim_trace_fail(r, ZSIM_TRACE_E_CORPUS,
				       "content page:%" PRIu64 " but no corpus was given", ev->content);
	if (ev->content >= r->corpus_pages || nr > r->corpus_pages - ev->content)
		return zsim_trace_fail(r, ZSIM_TRACE_E_CORPUS,
				       "content page:%" PRIu64 " (%" PRIu64
				       " pages) outside the corpus of %" PRIu64 " pages",
				       ev->content, nr, r->corpus_pages);
	return 0;
}
