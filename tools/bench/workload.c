/*
 * workload.c - the built-in workloads. Three are generated as trace
 * events, so they replay exactly as a trace would (and --emit-trace saves
 * them):
 *   fill     store every page once at offsets 0..N-1, order 0;
 *   usemem   fill, then fault every page back in (load, then invalidate:
 *            do_swap_page frees the slot of an exclusive page), like
 *            vm-scalability's usemem writing then re-reading its buffer;
 *   mthp     fill with folios of --order K (mTHP swap-out).
 * The fourth, hotcold, is not a fixed sequence: what the kernel swaps out
 * depends on memory.max and on how well zswap compresses, so it runs
 * through the memory model (mmrun.c); here it only gets its parameters.
 * The synthetic content mix is here too.
 *
 * The CPU of an operation is its 512-slot chunk number mod 55440 (a
 * multiple of 1..12 and 16): the chunks go round-robin over the simulated
 * CPUs (the replay takes the CPU modulo --cpus). Worker threads shard by
 * the same chunks, so with --cpus equal to --threads each worker keeps to
 * one simulated CPU, as reclaim running on N CPUs would.
 */
#include <inttypes.h>
#include <string.h>

#include "bench.h"

/* The default synthetic mix, in percent (zero pages ~15% per Usama
 * Arif's zeromap series; "typical" dominant; 5% incompressible). */
#define DEFAULT_MIX "zero:15,typical:40,text:15,pointer:15,mostly-zero:10,random:5"

const char *bench_synthetic_mix_text(void)
{
	return DEFAULT_MIX;
}

int bench_mix_parse(struct bench_mix *m, const char *text, char *err, size_t errlen)
{
	memset(m, 0, sizeof(*m));
	if (!text)
		text = DEFAULT_MIX;
	char buf[256];
	if (snprintf(buf, sizeof(buf), "%s", text) >= (int)sizeof(buf)) {
		snprintf(err, errlen, "mix '%.40s...' is too long", text);
		return -1;
	}
	for (char *p = buf, *save = NULL, *tok; (tok = strtok_r(p, ",+", &save)); p = NULL) {
		char *colon = strchr(tok, ':');
		uint64_t w = 1;
		if (colon) {
			*colon = 0;
			if (bench_parse_u64(colon + 1, &w) || w == 0 || w > 1000000) {
				snprintf(err, errlen, "bad weight '%s' in mix (1..1000000)", colon + 1);
				return -1;
			}
		}
		enum zsim_page_class cls;
		if (zsim_page_class_from_name(tok, &cls)) {
			snprintf(err, errlen, "unknown page class '%s' in mix (zero, same, "
				 "mostly-zero, text, pointer, typical, random)", tok);
			return -1;
		}
		if (m->n == ZSIM_PAGE_CLASS_COUNT) {
			snprintf(err, errlen, "mix names more than %d classes", ZSIM_PAGE_CLASS_COUNT);
			return -1;
		}
		m->cls[m->n] = cls;
		m->weight[m->n++] = (unsigned)w;
		m->total += (unsigned)w;
	}
	if (!m->n) {
		snprintf(err, errlen, "empty mix");
		return -1;
	}
	return 0;
}

uint64_t bench_mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

void bench_synthetic_unit(const struct bench_mix *mix, uint64_t seed, uint64_t unit,
			  enum zsim_page_class *cls, uint64_t *unit_seed)
{
	uint64_t h = bench_mix64(bench_mix64(seed) ^ (unit * 0xd1b54a32d192ed03ull));
	unsigned pick = (unsigned)(h % mix->total);
	unsigned acc = 0;
	*cls = mix->cls[mix->n - 1];
	for (unsigned i = 0; i < mix->n; i++) {
		acc += mix->weight[i];
		if (pick < acc) {
			*cls = mix->cls[i];
			break;
		}
	}
	*unit_seed = bench_mix64(h) & ZSIM_TRACE_SEED_MAX;
}

#define CPU_CYCLE 55440u

struct gen {
	struct bench_input *in;
	uint64_t ts;
	int failed;
};

static void emit(struct gen *g, unsigned op, uint64_t offset, unsigned order, uint64_t page)
{
	struct zsim_trace_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.ts_ns = g->ts++;
	ev.op = (uint8_t)op;
	ev.offset = offset;
	ev.order = (uint8_t)order;
	if (op == ZSIM_TRACE_STORE || op == ZSIM_TRACE_LOAD || op == ZSIM_TRACE_INVALIDATE)
		ev.cpu = (uint16_t)((offset >> 9) % CPU_CYCLE);
	if (op == ZSIM_TRACE_STORE) {
		ev.content_kind = ZSIM_TRACE_CONTENT_PAGE;
		ev.content = page;
	}
	if (bench_input_push(g->in, &ev))
		g->failed = 1;
}

/* Content page of slot i (the corpus cycles when it is shorter). */
static uint64_t page_of(const struct bench_input *in, uint64_t slot, unsigned order)
{
	uint64_t per = UINT64_C(1) << order;
	uint64_t usable = in->corpus_pages - in->corpus_pages % per;
	return slot % usable;
}

int bench_workload_generate(struct bench_input *in, const struct bench_input_spec *spec,
			    char *err, size_t errlen)
{
	struct gen g = {in, 0, 0};
	const uint64_t n = in->pages;
	const unsigned order = in->order;
	const uint64_t per = UINT64_C(1) << order;
	const uint64_t folios = n >> order;
	if (!folios) {
		snprintf(err, errlen, "%" PRIu64 " pages are fewer than one folio of order %u", n,
			 order);
		return BX_USAGE;
	}
	if (in->workload == WL_HOTCOLD) {
		/* Run by the memory model (mmrun.c): no events. */
		in->ops = spec->ops ? spec->ops : 4 * n;
		in->mem_limit = spec->mem_limit ? spec->mem_limit : n / 2 * ZSIM_PAGE_SIZE;
		if (in->mem_limit < 64 * ZSIM_PAGE_SIZE)
			in->mem_limit = 64 * ZSIM_PAGE_SIZE;
		return 0;
	}
	emit(&g, ZSIM_TRACE_SWAPON, folios * per, 0, 0);
	for (uint64_t f = 0; f < folios; f++)
		emit(&g, ZSIM_TRACE_STORE, f * per, order, page_of(in, f * per, order));
	if (in->workload == WL_USEMEM) {
		emit(&g, ZSIM_TRACE_MARK, 1, 0, 0);
		for (uint64_t i = 0; i < n; i++) {
			emit(&g, ZSIM_TRACE_LOAD, i, 0, 0);
			emit(&g, ZSIM_TRACE_INVALIDATE, i, 0, 0);
		}
	}
	if (g.failed) {
		snprintf(err, errlen, "out of memory generating the workload");
		return BX_INTERNAL;
	}
	return 0;
}
