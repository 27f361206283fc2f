/*
 * envelope.c - `run --sched-seeds N`: the same input and configuration run
 * N times with consecutive seeds of the simulated shrink schedule, each
 * counter reported as min..max and median over the runs: the form in
 * which a real kernel's run-to-run spread is measured (docs/kernel-parity.md).
 * With one replay thread each run is deterministic, so the envelope is too.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define ENV_FIELD_NAME_(name, kind, profiles, desc) #name,
static const char *const env_names[] = {
	ZSIM_ZSWAP_DEBUGFS_COUNTERS(ENV_FIELD_NAME_)
	ZSIM_VMSTAT_COUNTERS(ENV_FIELD_NAME_)
};
#define ENV_N (sizeof(env_names) / sizeof(env_names[0]))

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* The median of n sorted values (the lower middle one for even n, so that
 * it is always one of the runs' values). */
static uint64_t median(const uint64_t *v, unsigned n)
{
	return v[(n - 1) / 2];
}

int bench_seed_sweep(const struct bench_input *in, const struct bench_config *cfg,
		     const struct bench_run_opts *o, FILE *out, FILE *json)
{
	const unsigned n = o->sched_seeds;
	const uint64_t seed0 = o->sched_seed ? o->sched_seed : 1;
	uint64_t *v = calloc((size_t)n * ENV_N, sizeof(*v));
	if (!v) {
		fprintf(stderr, "zswapsim-bench: out of memory\n");
		return BX_INTERNAL;
	}
	struct bench_run_opts ro = *o;
	ro.progress = false;
	for (unsigned i = 0; i < n; i++) {
		struct bench_result res;
		ro.sched_seed = seed0 + i;
		int rc = bench_replay(in, cfg, &ro, &res);
		if (rc) {
			fprintf(stderr, "zswapsim-bench: seed %" PRIu64 ": %s\n", ro.sched_seed,
				res.errmsg);
			bench_result_free(&res);
			free(v);
			return rc;
		}
		const uint64_t *f = (const uint64_t *)&res.st;
		for (size_t k = 0; k < ENV_N; k++)
			v[k * n + i] = f[k];
		bench_result_free(&res);
	}
	if (out) {
		fprintf(out, "%s; %s\n", in->label, cfg->label);
		fprintf(out, "%u runs, shrink schedule seeds %" PRIu64 "..%" PRIu64 "\n", n, seed0,
			seed0 + n - 1);
		fprintf(out, "%-32s %12s %12s %12s\n", "counter", "min", "median", "max");
	}
	if (json) {
		fputs("{\n  \"input\": ", json);
		bench_json_string(json, in->label);
		fputs(",\n  \"config\": ", json);
		bench_json_string(json, cfg->label);
		fprintf(json, ",\n  \"runs\": %u,\n  \"seeds\": [%" PRIu64 ", %" PRIu64 "],\n"
			      "  \"counters\": {", n, seed0, seed0 + n - 1);
	}
	for (size_t k = 0; k < ENV_N; k++) {
		uint64_t *c = v + k * n;
		if (json) {
			fprintf(json, "%s\n    \"%s\": {\"values\": [", k ? "," : "", env_names[k]);
			for (unsigned i = 0; i < n; i++)
				fprintf(json, "%s%" PRIu64, i ? ", " : "", c[i]);
		}
		qsort(c, n, sizeof(*c), cmp_u64);
		if (json)
			fprintf(json, "], \"min\": %" PRIu64 ", \"median\": %" PRIu64
				      ", \"max\": %" PRIu64 "}",
				c[0], median(c, n), c[n - 1]);
		if (out && c[n - 1])
			fprintf(out, "%-32s %12" PRIu64 " %12" PRIu64 " %12" PRIu64 "\n", env_names[k],
				c[0], median(c, n), c[n - 1]);
	}
	if (json)
		fprintf(json, "\n  }\n}\n");
	free(v);
	return 0;
}
