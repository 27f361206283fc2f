/*
 * validate.c - every trace operation checked against the state it needs,
 * before anything is applied: a store, load or invalidate needs its swap
 * type swapped on and its slots inside the type's slot count; a swapon needs
 * the type off, a swapoff needs it on; a CPU must exist on the simulated
 * machine when the CPU count was given (--cpus); a memcg id must be one the
 * library can create. The first violation is reported with the trace file
 * and line (CSV) or byte offset (binary), and the run does not start, so a
 * bad trace is never half-applied.
 *
 * A trace with no swapon event at all is the one exception: its swap types
 * are swapped on before the replay with as many slots as it uses (the
 * synthetic workloads and short hand-written traces rely on it). Once a
 * trace has a swapon, every type it uses must be swapped on by it.
 *
 * The kernel cannot see such a trace (a swap entry exists only on an active
 * device); the checks stand for the invariants the swap layer holds.
 */
#include <inttypes.h>
#include <string.h>

#include "bench.h"

static void where(const struct bench_input *in, size_t i, char *buf, size_t len)
{
	if (in->loc && in->trace_path)
		snprintf(buf, len,
			 in->trace_fmt == ZSIM_TRACE_FMT_CSV ? "%s:%" PRIu64 : "%s: byte %" PRIu64,
			 in->trace_path, in->loc[i]);
	else
		snprintf(buf, len, "event %zu", i);
}

bool bench_trace_has_swapon(const struct bench_input *in)
{
	for (size_t i = 0; i < in->n; i++)
		if (in->ev[i].op == ZSIM_TRACE_SWAPON)
			return true;
	return false;
}

unsigned bench_trace_max_cpu(const struct bench_input *in)
{
	unsigned m = 0;
	for (size_t i = 0; i < in->n; i++)
		if (in->ev[i].cpu > m)
			m = in->ev[i].cpu;
	return m;
}

int bench_trace_validate(const struct bench_input *in, unsigned nr_cpus, char *err,
			 size_t errlen)
{
	struct {
		bool on;
		uint64_t slots;
		size_t since;    /* event of the swapon / swapoff that set `on` */
		bool touched;    /* a swapon or swapoff was seen */
	} t[ZSIM_MAX_SWAPFILES];
	memset(t, 0, sizeof(t));
	char w[320], w2[320];
	const bool automatic = !bench_trace_has_swapon(in);
	if (automatic) {
		for (size_t i = 0; i < in->n; i++) {
			const struct zsim_trace_event *ev = &in->ev[i];
			if (ev->op != ZSIM_TRACE_STORE && ev->op != ZSIM_TRACE_LOAD &&
			    ev->op != ZSIM_TRACE_INVALIDATE)
				continue;
			if (ev->swap_type >= ZSIM_MAX_SWAPFILES || ev->order > ZSIM_MAX_ORDER)
				continue; /* reported below */
			uint64_t e = ev->offset + (UINT64_C(1) << ev->order);
			t[ev->swap_type].on = true;
			if (e > t[ev->swap_type].slots)
				t[ev->swap_type].slots = e;
		}
	}
	for (size_t i = 0; i < in->n; i++) {
		const struct zsim_trace_event *ev = &in->ev[i];
		const char *op = zsim_trace_op_name(ev->op);
		const unsigned ty = ev->swap_type;
		if (ev->memcg > ZSIM_MAX_MEMCGS) {
			where(in, i, w, sizeof(w));
			snprintf(err, errlen, "%s: %s: memcg %u out of range (0..%u)", w, op,
				 (unsigned)ev->memcg, ZSIM_MAX_MEMCGS);
			return BX_TRACE_RANGE;
		}
		/* Only a trace file names real CPUs; the synthetic workloads
		 * spread their chunks over CPU numbers taken modulo the count. */
		if (in->trace_path && nr_cpus && ev->cpu >= nr_cpus) {
			where(in, i, w, sizeof(w));
			snprintf(err, errlen, "%s: %s on cpu %u, but the simulated machine has %u CPU%s "
				 "(0..%u); give --cpus %u or more, or leave --cpus unset",
				 w, op, (unsigned)ev->cpu, nr_cpus, nr_cpus == 1 ? "" : "s",
				 nr_cpus - 1, bench_trace_max_cpu(in) + 1);
			return BX_TRACE_RANGE;
		}
		switch (ev->op) {
		case ZSIM_TRACE_SWAPON:
		case ZSIM_TRACE_SWAPOFF:
		case ZSIM_TRACE_STORE:
		case ZSIM_TRACE_LOAD:
		case ZSIM_TRACE_INVALIDATE:
			if (ty >= ZSIM_MAX_SWAPFILES) {
				where(in, i, w, sizeof(w));
				snprintf(err, errlen, "%s: %s: swap type %u out of range (0..%u)", w, op,
					 ty, ZSIM_MAX_SWAPFILES - 1);
				return BX_TRACE_RANGE;
			}
			break;
		default:
			continue;
		}
		if (ev->op == ZSIM_TRACE_SWAPON) {
			if (t[ty].on) {
				where(in, i, w, sizeof(w));
				if (t[ty].touched) {
					where(in, t[ty].since, w2, sizeof(w2));
					snprintf(err, errlen, "%s: swapon of swap type %u, which is already "
						 "on (swapon at %s)", w, ty, w2);
				} else {
					snprintf(err, errlen, "%s: swapon of swap type %u, which is "
						 "already on", w, ty);
				}
				return BX_TRACE_RANGE;
			}
			t[ty].on = true;
			t[ty].slots = ev->offset;
			t[ty].since = i;
			t[ty].touched = true;
			continue;
		}
		if (ev->op == ZSIM_TRACE_SWAPOFF) {
			if (!t[ty].on) {
				where(in, i, w, sizeof(w));
				snprintf(err, errlen, "%s: swapoff of swap type %u, which is not on", w,
					 ty);
				return BX_TRACE_RANGE;
			}
			t[ty].on = false;
			t[ty].since = i;
			continue;
		}
		if (!t[ty].on) {
			where(in, i, w, sizeof(w));
			size_t later = 0;
			bool has_later = false;
			for (size_t k = i + 1; k < in->n && !has_later; k++)
				if (in->ev[k].op == ZSIM_TRACE_SWAPON && in->ev[k].swap_type == ty) {
					later = k;
					has_later = true;
				}
			if (t[ty].touched) {
				where(in, t[ty].since, w2, sizeof(w2));
				snprintf(err, errlen, "%s: %s to swap type %u after its swapoff (at %s)",
					 w, op, ty, w2);
			} else if (has_later) {
				where(in, later, w2, sizeof(w2));
				snprintf(err, errlen, "%s: %s to swap type %u before its swapon (at %s)",
					 w, op, ty, w2);
			} else {
				snprintf(err, errlen, "%s: %s to swap type %u, which the trace never "
					 "swaps on (add a swapon line for it)", w, op, ty);
			}
			return BX_TRACE_RANGE;
		}
		const uint64_t n = UINT64_C(1) << (ev->order > ZSIM_MAX_ORDER ? 0 : ev->order);
		if (ev->offset >= t[ty].slots || n > t[ty].slots - ev->offset) {
			where(in, i, w, sizeof(w));
			if (n == 1)
				snprintf(err, errlen, "%s: %s of slot %" PRIu64 " out of range: swap type "
					 "%u has %" PRIu64 " slots (0..%" PRIu64 ")", w, op, ev->offset,
					 ty, t[ty].slots, t[ty].slots - 1);
			else
				snprintf(err, errlen, "%s: %s of slots %" PRIu64 "..%" PRIu64 " out of "
					 "range: swap type %u has %" PRIu64 " slots (0..%" PRIu64 ")",
					 w, op, ev->offset, ev->offset + n - 1, ty, t[ty].slots,
					 t[ty].slots - 1);
			return BX_TRACE_RANGE;
		}
	}
	return 0;
}
