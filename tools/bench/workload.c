/*
 * workload.c - the built-in workloads, generated as trace events so they
 * replay exactly as a trace would (and --emit-trace can save them):
 *   fill     store every page once at offsets 0..N-1, order 0;
 *   usemem   fill, then fault every page back in (load, then invalidate:
 *            do_swap_page frees the slot of an exclusive page), like
 *            vm-scalability's usemem writing then re-reading its buffer;
 *   mthp     fill with folios of --order K (mTHP swap-out);
 *   hotcold  fill, then accesses skewed 70/20/10 to hot (10% of pages),
 *            warm (20%) and cold (70%) regions, like masim's configs in
 *            sjp38/eval_zswap; each access faults the page in (load,
 *            invalidate) and reclaim swaps it out again (store).
 * The synthetic content mix is here too. Differences from the kernel: no
 * memory model decides what is reclaimed (the order is fixed), and a page
 * re-stored after a fault reuses its slot.
 *
 * The CPU of an operation is its 512-slot chunk number mod 55440 (a
 * multiple of 1..12 and 16); worker threads shard by chunk, so with
 * --cpus equal to --threads each worker keeps to one simulated CPU.
 */
#include <inttypes.h>
#include <string.h>

#include "bench.h"

/* The synthetic mix, in percent (zero pages ~15% per Usama Arif's
 * zeromap series; "typical" dominant; 5% incompressible). */
static const struct {
	enum zsim_page_class cls;
	unsigned pct;
} mix[] = {
	{ZSIM_PAGE_ZERO, 15},	 {ZSIM_PAGE_TYPICAL, 40},     {ZSIM_PAGE_TEXT, 15},
	{ZSIM_PAGE_POINTER, 15}, {ZSIM_PAGE_MOSTLY_ZERO, 10}, {ZSIM_PAGE_RANDOM, 5},
};

const char *bench_synthetic_mix_text(void)
{
	return "zero 15%, typical 40%, text 15%, pointer 15%, mostly-zero 10%, random 5%";
}

static uint64_t splitmix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

void bench_synthetic_unit(uint64_t seed, uint64_t unit, enum zsim_page_class *cls,
			  uint64_t *unit_seed)
{
	uint64_t h = splitmix(splitmix(seed) ^ (unit * 0xd1b54a32d192ed03ull));
	unsigned pick = (unsigned)(h % 100);
	unsigned acc = 0;
	*cls = ZSIM_PAGE_TYPICAL;
	for (size_t i = 0; i < sizeof(mix) / sizeof(mix[0]); i++) {
		acc += mix[i].pct;
		if (pick < acc) {
			*cls = mix[i].cls;
			break;
		}
	}
	*unit_seed = splitmix(h) & ZSIM_TRACE_SEED_MAX;
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
	emit(&g, ZSIM_TRACE_SWAPON, folios * per, 0, 0);
	for (uint64_t f = 0; f < folios; f++)
		emit(&g, ZSIM_TRACE_STORE, f * per, order, page_of(in, f * per, order));
	switch (in->workload) {
	case WL_USEMEM:
		emit(&g, ZSIM_TRACE_MARK, 1, 0, 0);
		for (uint64_t i = 0; i < n; i++) {
			emit(&g, ZSIM_TRACE_LOAD, i, 0, 0);
			emit(&g, ZSIM_TRACE_INVALIDATE, i, 0, 0);
		}
		break;
	case WL_HOTCOLD: {
		emit(&g, ZSIM_TRACE_MARK, 1, 0, 0);
		uint64_t hot = n / 10 ? n / 10 : 1;
		uint64_t warm = n / 5;
		if (hot + warm > n)
			warm = n - hot;
		uint64_t cold = n - hot - warm;
		uint64_t accesses = spec->ops ? spec->ops : 2 * n;
		uint64_t x = splitmix(spec->seed ^ 0x686f74636f6c64ull);
		for (uint64_t a = 0; a < accesses && !g.failed; a++) {
			x = splitmix(x);
			unsigned r = (unsigned)(x % 100);
			uint64_t y = splitmix(x ^ a);
			uint64_t slot;
			if (r < 70 || (!warm && !cold))
				slot = y % hot;
			else if ((r < 90 && warm) || !cold)
				slot = hot + y % warm;
			else
				slot = hot + warm + y % cold;
			emit(&g, ZSIM_TRACE_LOAD, slot, 0, 0);
			emit(&g, ZSIM_TRACE_INVALIDATE, slot, 0, 0);
			emit(&g, ZSIM_TRACE_STORE, slot, 0, page_of(in, slot, 0));
		}
		break;
	}
	default:
		break;
	}
	if (g.failed) {
		snprintf(err, errlen, "out of memory generating the workload");
		return BX_INTERNAL;
	}
	return 0;
}
