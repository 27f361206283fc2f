/*
 * report.c - what a run prints: the compact human summary on stdout and
 * the JSON report. Counter names are the kernel's (debugfs zswap/, vmstat,
 * memory.stat), taken from the library's own JSON (zsim_zswap_write_json)
 * so a report diffs against a real system with no translation table.
 * ratio = stored_pages x 4096 / pool_total_size, as Intel's
 * memory-usage-analyzer computes it.
 */
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include <jansson.h>

#include "bench.h"

double bench_ratio(const struct zsim_zswap_stats *st)
{
	if (!st->pool_total_size)
		return 0;
	return (double)st->stored_pages * ZSIM_PAGE_SIZE / (double)st->pool_total_size;
}

char *bench_human_bytes(uint64_t b, char *buf, size_t len)
{
	static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	double v = (double)b;
	int u = 0;
	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%" PRIu64 " B", b);
	else
		snprintf(buf, len, "%.1f %s", v, unit[u]);
	return buf;
}

static char *human_ns(uint64_t ns, char *buf, size_t len)
{
	if (ns < 10000)
		snprintf(buf, len, "%" PRIu64 " ns", ns);
	else if (ns < 1000000)
		snprintf(buf, len, "%.1f us", (double)ns / 1e3);
	else
		snprintf(buf, len, "%.2f ms", (double)ns / 1e6);
	return buf;
}

static char *human_rate(double r, char *buf, size_t len)
{
	if (r >= 1e6)
		snprintf(buf, len, "%.2fM", r / 1e6);
	else if (r >= 1e3)
		snprintf(buf, len, "%.1fk", r / 1e3);
	else
		snprintf(buf, len, "%.0f", r);
	return buf;
}

/* Does the run's profile have this debugfs/vmstat counter? */
static bool has_counter(const struct bench_result *r, const char *group, const char *name)
{
	size_t n;
	const struct zsim_counter_info *ci = zsim_counters(&n);
	unsigned bit = ZSIM_P_ALL;
	zsim_zswap_profile_bit(r->profile, &bit); /* an unknown name keeps ALL */
	for (size_t i = 0; i < n; i++)
		if (!strcmp(ci[i].group, group) && !strcmp(ci[i].name, name))
			return (ci[i].profiles & bit) != 0;
	return false;
}

static uint64_t rejects(const struct zsim_zswap_stats *st)
{
	return st->reject_reclaim_fail + st->reject_alloc_fail + st->reject_kmemcache_fail +
	       st->reject_compress_fail + st->reject_compress_poor;
}

struct col {
	const char *title;
	const struct zsim_zswap_stats *st;
};

static bool any_modelled(const struct bench_result *r)
{
	for (int k = 0; k < BOP_COUNT; k++)
		if (r->lat.modelled[k].count)
			return true;
	return false;
}

void bench_print_summary(FILE *out, const struct bench_input *in, const struct bench_config *cfg,
			 const struct bench_run_opts *o, const struct bench_result *r)
{
	char b1[64], b2[64], b3[64], b4[64];
	fprintf(out, "zswapsim-bench %s: %s\n", zsim_version_string(), in->label);
	fprintf(out, "profile %s, compressor %s%s, zpool %s, %u CPUs, %u thread%s\n", r->profile,
		r->codec_desc, r->codec_standin ? " (stand-in)" : "",
		cfg->zpool ? cfg->zpool : "zsmalloc", r->nr_cpus, r->threads,
		r->threads == 1 ? "" : "s");

	struct col cols[4];
	size_t nc = 0;
	if (r->nphases) {
		static char titles[3][32];
		for (size_t i = 0; i < r->nphases && nc < 3; i++) {
			snprintf(titles[nc], sizeof(titles[nc]), "after phase %" PRIu64,
				 r->phases[i].mark);
			cols[nc].title = titles[nc];
			cols[nc].st = &r->phases[i].st;
			nc++;
		}
	} else if (r->peak.st.stored_pages > r->st.stored_pages) {
		cols[nc].title = "peak";
		cols[nc++].st = &r->peak.st;
	}
	cols[nc].title = "end";
	cols[nc++].st = &r->st;

	fprintf(out, "\n%-22s", "");
	for (size_t c = 0; c < nc; c++)
		fprintf(out, " %15s", cols[c].title);
	fprintf(out, "\n");
#define ROW(label, fmtexpr)                                      \
	do {                                                     \
		fprintf(out, "%-22s", label);                    \
		for (size_t c = 0; c < nc; c++) {                \
			const struct zsim_zswap_stats *st = cols[c].st; \
			char cell[64];                           \
			fmtexpr;                                 \
			fprintf(out, " %15s", cell);             \
		}                                                \
		fprintf(out, "\n");                              \
	} while (0)
	ROW("stored_pages", snprintf(cell, sizeof(cell), "%" PRIu64, st->stored_pages));
	ROW("pool_total_size", bench_human_bytes(st->pool_total_size, cell, sizeof(cell)));
	ROW("ratio", st->pool_total_size ? snprintf(cell, sizeof(cell), "%.2f", bench_ratio(st))
					 : snprintf(cell, sizeof(cell), "-"));
	ROW("zswpout", snprintf(cell, sizeof(cell), "%" PRIu64, st->zswpout));
	ROW("zswpin", snprintf(cell, sizeof(cell), "%" PRIu64, st->zswpin));
	if (has_counter(r, "vmstat", "swpout_zero"))
		ROW("swpout_zero", snprintf(cell, sizeof(cell), "%" PRIu64, st->swpout_zero));
	if (has_counter(r, "zswap", "same_filled_pages"))
		ROW("same_filled_pages",
		    snprintf(cell, sizeof(cell), "%" PRIu64, st->same_filled_pages));
	ROW("pswpout (to device)", snprintf(cell, sizeof(cell), "%" PRIu64, st->pswpout));
	ROW("pswpin", snprintf(cell, sizeof(cell), "%" PRIu64, st->pswpin));
	ROW("rejects (all reasons)", snprintf(cell, sizeof(cell), "%" PRIu64, rejects(st)));
	ROW("pool_limit_hit", snprintf(cell, sizeof(cell), "%" PRIu64, st->pool_limit_hit));
	ROW("written_back_pages",
	    snprintf(cell, sizeof(cell), "%" PRIu64, st->written_back_pages));
#undef ROW
	const struct zsim_zswap_stats *e = &r->st;
	fprintf(out, "rejects by reason: compress_poor %" PRIu64, e->reject_compress_poor);
	if (has_counter(r, "zswap", "reject_compress_fail"))
		fprintf(out, ", compress_fail %" PRIu64, e->reject_compress_fail);
	fprintf(out, ", alloc_fail %" PRIu64 ", kmemcache_fail %" PRIu64 ", reclaim_fail %" PRIu64
		     "\n",
		e->reject_alloc_fail, e->reject_kmemcache_fail, e->reject_reclaim_fail);

	fprintf(out, "\n%-11s %10s %10s %10s %10s %10s\n", "latency", "calls", "p50", "p90", "p99",
		"max");
	for (int k = 0; k < BOP_COUNT; k++) {
		const struct bench_hist *h = &r->lat.wall[k];
		if (!h->count)
			continue;
		fprintf(out, "%-11s %10" PRIu64 " %10s %10s %10s %10s\n", bench_op_names[k],
			h->count, human_ns(bench_hist_quantile(h, 0.50), b1, sizeof(b1)),
			human_ns(bench_hist_quantile(h, 0.90), b2, sizeof(b2)),
			human_ns(bench_hist_quantile(h, 0.99), b3, sizeof(b3)),
			human_ns(h->max, b4, sizeof(b4)));
	}
	for (int k = 0; k < BOP_COUNT; k++) {
		const struct bench_hist *h = &r->lat.modelled[k];
		if (!h->count)
			continue;
		char name[32];
		snprintf(name, sizeof(name), "%s*", bench_op_names[k]);
		fprintf(out, "%-11s %10" PRIu64 " %10s %10s %10s %10s\n", name, h->count,
			human_ns(bench_hist_quantile(h, 0.50), b1, sizeof(b1)),
			human_ns(bench_hist_quantile(h, 0.90), b2, sizeof(b2)),
			human_ns(bench_hist_quantile(h, 0.99), b3, sizeof(b3)),
			human_ns(h->max, b4, sizeof(b4)));
	}
	if (any_modelled(r))
		fprintf(out, "* modelled by the codec's timing model (%s), not measured\n",
			r->codec_desc);
	if (r->mm.valid)
		fprintf(out, "\nthroughput: %s pages swapped out/s, %s swapped in/s; %" PRIu64
			     " accesses in %.3f s = %s accesses/s\n",
			human_rate(r->store_pages_per_s, b1, sizeof(b1)),
			human_rate(r->load_pages_per_s, b2, sizeof(b2)), r->c.mm_accesses, r->wall_s,
			human_rate(r->ops_per_s, b3, sizeof(b3)));
	else
		fprintf(out, "\nthroughput: store %s pages/s, load %s pages/s; %" PRIu64
			     " ops in %.3f s = %s ops/s\n",
			human_rate(r->store_pages_per_s, b1, sizeof(b1)),
			human_rate(r->load_pages_per_s, b2, sizeof(b2)), r->c.events, r->wall_s,
			human_rate(r->ops_per_s, b3, sizeof(b3)));
	if (r->mm.valid)
		fprintf(out, "memcg %u: memory.max %s, memory.current %s, swap peak %s; %" PRIu64
			     " pages reclaimed (%" PRIu64 " scanned, %" PRIu64 " kept), %" PRIu64
			     " swapped in%s\n",
			r->mm.memcg, bench_human_bytes(r->mm.memory_max, b1, sizeof(b1)),
			bench_human_bytes(r->mm.memory_current, b2, sizeof(b2)),
			bench_human_bytes(r->mm.swap_peak, b3, sizeof(b3)), r->mm.pgsteal,
			r->mm.pgscan, r->mm.swapouts_kept, r->c.mm_faults,
			r->mm.oom ? "; OUT OF MEMORY (accesses reclaim could not make room for)" : "");
	if (r->c.store_where[ZSIM_WHERE_KEPT])
		fprintf(out, "stores kept in memory (memory.zswap.writeback=0): %" PRIu64 " pages\n",
			r->c.store_where[ZSIM_WHERE_KEPT]);
	if (r->c.load_pages && !r->mm.valid)
		fprintf(out, "loads: %" PRIu64 " pages, %" PRIu64 " hits (zswap %" PRIu64
			     ", zeromap %" PRIu64 ", device %" PRIu64 "), %" PRIu64
			     " misses, %" PRIu64 " errors\n",
			r->c.load_pages, r->c.load_hits, r->c.load_where[ZSIM_WHERE_ZSWAP],
			r->c.load_where[ZSIM_WHERE_ZEROMAP], r->c.load_where[ZSIM_WHERE_DEVICE],
			r->c.load_misses, r->c.load_errors);
	if (r->c.test_corrupted)
		fprintf(out, "test hook: %" PRIu64 " stored object(s) corrupted on purpose\n",
			r->c.test_corrupted);
	if (o->verify)
		fprintf(out, "verify: %" PRIu64 " pages checked, %" PRIu64 " mismatches (%" PRIu64
			     " failed loads), %" PRIu64 " lost%s\n",
			r->c.verify_checked, r->c.verify_mismatches, r->c.verify_eio,
			r->c.verify_lost,
			r->c.verify_mismatches || r->c.verify_lost ? "  <-- VERIFY FAILED" : "");
	if (r->c.replay_errors)
		fprintf(out, "replay errors: %" PRIu64 " (first: %s)\n", r->c.replay_errors,
			r->first_replay_error);
}

/* --- JSON ------------------------------------------------------------------ */
/*
 * The report is built as a jansson tree and written by jansson (no text is
 * assembled by hand): the library's own JSON is parsed and its members
 * ("profile", "zswap", "vmstat", "memcg") placed at the top level, under the
 * kernel's group names. Member names and order are those of docs/bench.md.
 */

/* An unsigned count as a JSON integer (beyond INT64_MAX: a real). */
json_t *bench_ju(uint64_t v)
{
	return v > (uint64_t)INT64_MAX ? json_real((double)v) : json_integer((json_int_t)v);
}

json_t *bench_jd(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

json_t *bench_js(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* json_object_set_new that survives a NULL value (out of memory: the
 * member is dropped rather than crashing). */
void bench_jput(json_t *o, const char *key, json_t *v)
{
	if (v)
		json_object_set_new(o, key, v);
}

static json_t *stats_json(const struct zsim_zswap_stats *st)
{
	json_t *o = json_object();
	bench_jput(o, "stored_pages", bench_ju(st->stored_pages));
	bench_jput(o, "pool_total_size", bench_ju(st->pool_total_size));
	bench_jput(o, "ratio", bench_jd(bench_ratio(st)));
	bench_jput(o, "zswpout", bench_ju(st->zswpout));
	bench_jput(o, "zswpin", bench_ju(st->zswpin));
	bench_jput(o, "pswpout", bench_ju(st->pswpout));
	bench_jput(o, "pswpin", bench_ju(st->pswpin));
	bench_jput(o, "written_back_pages", bench_ju(st->written_back_pages));
	return o;
}

/* {"store": {count, p50, p90, p99, max, mean}, ...}: store and load always
 * (trace runs), the other kinds when they ran. */
static json_t *lat_group(const struct bench_hist *h, bool mm)
{
	json_t *g = json_object();
	for (int k = 0; k < BOP_COUNT; k++) {
		const bool always = mm ? (k == BOP_ACCESS || k == BOP_FAULT)
				       : (k == BOP_STORE || k == BOP_LOAD);
		if (!always && !h[k].count)
			continue;
		json_t *o = json_object();
		bench_jput(o, "count", bench_ju(h[k].count));
		bench_jput(o, "p50", bench_ju(bench_hist_quantile(&h[k], 0.5)));
		bench_jput(o, "p90", bench_ju(bench_hist_quantile(&h[k], 0.9)));
		bench_jput(o, "p99", bench_ju(bench_hist_quantile(&h[k], 0.99)));
		bench_jput(o, "max", bench_ju(h[k].max));
		bench_jput(o, "mean", bench_ju(h[k].count ? h[k].sum / h[k].count : 0));
		bench_jput(g, bench_op_names[k], o);
	}
	return g;
}

/* The members every report opens with: the tool, the library linked, the
 * codec libraries, the machine and kernel, and when. */
void bench_json_put_envelope(json_t *root)
{
	bench_jput(root, "tool", json_string(bench_prog));
	bench_jput(root, "version", json_string(zsim_version_string()));
	/* What made the report: the library linked, the codec libraries, the
	 * machine and kernel, and when. */
	json_t *lib = json_object();
	bench_jput(lib, "name", json_string("libzswapsim"));
	bench_jput(lib, "version", json_string(zsim_version_string()));
	bench_jput(root, "library", lib);
	json_t *libs = json_object();
	size_t nlib;
	const struct zsim_codec_library *cl = zsim_codec_libraries(&nlib);
	for (size_t i = 0; i < nlib; i++)
		bench_jput(libs, cl[i].name, bench_js(cl[i].version));
	bench_jput(root, "codec_libraries", libs);
	struct bench_env env;
	bench_env_get(&env);
	json_t *host = json_object();
	bench_jput(host, "name", bench_js(env.host));
	bench_jput(host, "sysname", bench_js(env.sysname));
	bench_jput(host, "kernel", bench_js(env.kernel));
	bench_jput(host, "machine", bench_js(env.machine));
	bench_jput(root, "host", host);
	bench_jput(root, "timestamp", bench_js(env.timestamp));
}

json_t *bench_run_json(const struct bench_input *in, const struct bench_config *cfg,
		       const struct bench_run_opts *o, const struct bench_result *r,
		       const char *cell)
{
	struct zsim_zswap_config zc;
	char spec[256];
	bench_config_to_zswap(cfg, r->nr_cpus, &zc, spec, sizeof(spec));
	json_t *root = json_object();
	if (!root)
		return NULL;
	bench_json_put_envelope(root);

	json_t *c = json_object();
	bench_jput(c, "label", bench_js(cfg->label));
	bench_jput(c, "profile", bench_js(r->profile));
	bench_jput(c, "compressor", bench_js(zc.compressor));
	json_t *codec = json_object();
	bench_jput(codec, "description", bench_js(r->codec_desc));
	bench_jput(codec, "driver", bench_js(r->codec_driver));
	bench_jput(codec, "standin", json_boolean(r->codec_standin));
	bench_jput(c, "codec", codec);
	bench_jput(c, "zpool", bench_js(zc.zpool));
	bench_jput(c, "chain_size", bench_ju(zc.chain_size));
	bench_jput(c, "max_pool_percent", bench_ju(zc.max_pool_percent));
	bench_jput(c, "accept_threshold_percent", bench_ju(zc.accept_threshold_percent));
	bench_jput(c, "ram_bytes", bench_ju(zc.ram_bytes));
	bench_jput(c, "cpus", bench_ju(r->nr_cpus));
	bench_jput(c, "batch", json_string(zc.batch < 0 ? "auto" : zc.batch ? "on" : "off"));
	bench_jput(c, "threads", bench_ju(r->threads));
	bench_jput(c, "verify", json_boolean(o->verify));
	bench_jput(c, "swapdev", json_string(o->swap_file ? "file" : "memory"));
	bench_jput(root, "config", c);

	json_t *i = json_object();
	bench_jput(i, "label", bench_js(in->label));
	bench_jput(i, "workload", bench_js(in->trace_path ? NULL : bench_workload_names[in->workload]));
	bench_jput(i, "trace", bench_js(in->trace_path));
	bench_jput(i, "corpus", bench_js(in->corpus_path));
	bench_jput(i, "synthetic", json_boolean(in->synthetic));
	bench_jput(i, "pages", bench_ju(in->trace_path ? in->corpus_pages : in->pages));
	bench_jput(i, "seed", bench_ju(in->seed));
	bench_jput(i, "events", bench_ju(in->n));
	if (in->workload == WL_HOTCOLD) {
		bench_jput(i, "accesses", bench_ju(in->ops));
		bench_jput(i, "mem_limit", bench_ju(in->mem_limit));
	}
	bench_jput(root, "input", i);

	/* The library's counters, its members at our top level. */
	json_t *lj = r->counters_json ? json_loads(r->counters_json, 0, NULL) : NULL;
	if (json_is_object(lj)) {
		json_object_update(root, lj);
	} else {
		bench_jput(root, "zswap", json_object());
		bench_jput(root, "vmstat", json_object());
		bench_jput(root, "memcg", json_object());
	}
	json_decref(lj);

	bench_jput(root, "peak", stats_json(&r->peak.st));
	json_t *ph = json_array();
	for (size_t k = 0; k < r->nphases; k++) {
		json_t *p = json_object();
		bench_jput(p, "mark", bench_ju(r->phases[k].mark));
		bench_jput(p, "ops", bench_ju(r->phases[k].ops));
		bench_jput(p, "stats", stats_json(&r->phases[k].st));
		json_array_append_new(ph, p);
	}
	bench_jput(root, "phases", ph);
	json_t *sd = json_object();
	bench_jput(sd, "kind", json_string(o->swap_file ? "file" : "memory"));
	bench_jput(sd, "pages", bench_ju(r->swapdev.device_pages));
	bench_jput(sd, "bytes_written", bench_ju(r->swapdev.bytes_written));
	bench_jput(sd, "bytes_read", bench_ju(r->swapdev.bytes_read));
	bench_jput(root, "swap_device", sd);
	if (r->sched_valid) {
		json_t *sc = json_object();
		bench_jput(sc, "name", json_string("sim"));
		bench_jput(sc, "now_ns", bench_ju(r->sched.now_ns));
		bench_jput(sc, "queued", bench_ju(r->sched.queued));
		bench_jput(sc, "runs", bench_ju(r->sched.runs));
		bench_jput(sc, "preempted", bench_ju(r->sched.preempted));
		bench_jput(sc, "iterations", bench_ju(r->sched.iterations));
		bench_jput(sc, "worker_ns", bench_ju(r->sched.worker_ns));
		bench_jput(root, "shrink_schedule", sc);
	}
	if (r->mm.valid) {
		json_t *mm = json_object();
		bench_jput(mm, "memcg", bench_ju(r->mm.memcg));
		bench_jput(mm, "memory_max", bench_ju(r->mm.memory_max));
		bench_jput(mm, "memory_current", bench_ju(r->mm.memory_current));
		bench_jput(mm, "anon", bench_ju(r->mm.anon));
		bench_jput(mm, "swap_current", bench_ju(r->mm.swap_current));
		bench_jput(mm, "swap_peak", bench_ju(r->mm.swap_peak));
		bench_jput(mm, "pgscan", bench_ju(r->mm.pgscan));
		bench_jput(mm, "pgsteal", bench_ju(r->mm.pgsteal));
		bench_jput(mm, "swapouts_kept", bench_ju(r->mm.swapouts_kept));
		bench_jput(mm, "oom", bench_ju(r->mm.oom));
		bench_jput(mm, "accesses", bench_ju(r->c.mm_accesses));
		bench_jput(mm, "faults", bench_ju(r->c.mm_faults));
		bench_jput(root, "mm", mm);
	}

	json_t *ops = json_object();
	bench_jput(ops, "events", bench_ju(r->c.events));
	json_t *st = json_object();
	bench_jput(st, "calls", bench_ju(r->c.store_ops));
	bench_jput(st, "pages", bench_ju(r->c.store_pages));
	bench_jput(st, "to_zswap", bench_ju(r->c.store_where[ZSIM_WHERE_ZSWAP]));
	bench_jput(st, "to_zeromap", bench_ju(r->c.store_where[ZSIM_WHERE_ZEROMAP]));
	bench_jput(st, "to_device", bench_ju(r->c.store_where[ZSIM_WHERE_DEVICE]));
	bench_jput(st, "kept", bench_ju(r->c.store_where[ZSIM_WHERE_KEPT]));
	bench_jput(ops, "store", st);
	json_t *ld = json_object();
	bench_jput(ld, "pages", bench_ju(r->c.load_pages));
	bench_jput(ld, "hits", bench_ju(r->c.load_hits));
	bench_jput(ld, "from_zswap", bench_ju(r->c.load_where[ZSIM_WHERE_ZSWAP]));
	bench_jput(ld, "from_zeromap", bench_ju(r->c.load_where[ZSIM_WHERE_ZEROMAP]));
	bench_jput(ld, "from_device", bench_ju(r->c.load_where[ZSIM_WHERE_DEVICE]));
	bench_jput(ld, "misses", bench_ju(r->c.load_misses));
	bench_jput(ld, "errors", bench_ju(r->c.load_errors));
	bench_jput(ops, "load", ld);
	json_t *inv = json_object();
	bench_jput(inv, "calls", bench_ju(r->c.invalidate_ops));
	bench_jput(inv, "pages", bench_ju(r->c.invalidate_pages));
	bench_jput(ops, "invalidate", inv);
	bench_jput(ops, "writeback_observed", bench_ju(r->c.writeback_observed));
	bench_jput(ops, "marks", bench_ju(r->c.marks));
	bench_jput(root, "ops", ops);

	/* latency_ns: {op: {...}, ..., "modelled": {op: {...}}}: measured wall
	 * time of each call, and apart from it, when the codec has a timing
	 * model, the modelled device latency of the same calls. */
	json_t *lat = lat_group(r->lat.wall, r->mm.valid);
	if (any_modelled(r))
		bench_jput(lat, "modelled", lat_group(r->lat.modelled, false));
	bench_jput(root, "latency_ns", lat);
	json_t *tp = json_object();
	bench_jput(tp, "store_pages_per_s", bench_jd(r->store_pages_per_s));
	bench_jput(tp, "load_pages_per_s", bench_jd(r->load_pages_per_s));
	bench_jput(tp, "ops_per_s", bench_jd(r->ops_per_s));
	bench_jput(tp, "wall_s", bench_jd(r->wall_s));
	bench_jput(root, "throughput", tp);
	if (o->verify) {
		json_t *v = json_object();
		bench_jput(v, "checked", bench_ju(r->c.verify_checked));
		bench_jput(v, "mismatches", bench_ju(r->c.verify_mismatches));
		bench_jput(v, "failed_loads", bench_ju(r->c.verify_eio));
		bench_jput(v, "lost", bench_ju(r->c.verify_lost));
		bench_jput(v, "test_corrupted", bench_ju(r->c.test_corrupted));
		bench_jput(root, "verify", v);
	} else {
		bench_jput(root, "verify", json_null());
	}
	json_t *re = json_object();
	bench_jput(re, "count", bench_ju(r->c.replay_errors));
	bench_jput(re, "first", bench_js(r->c.replay_errors ? r->first_replay_error : NULL));
	bench_jput(root, "replay_errors", re);

	/* The flat object `sweep --merge` reads back. */
	const struct bench_hist *st_h = &r->lat.wall[r->mm.valid ? BOP_ACCESS : BOP_STORE];
	const struct bench_hist *ld_h = &r->lat.wall[r->mm.valid ? BOP_FAULT : BOP_LOAD];
	json_t *s = json_object();
	bench_jput(s, "cell", bench_js(cell ? cell : ""));
	bench_jput(s, "config", bench_js(cfg->label));
	bench_jput(s, "input", bench_js(in->label));
	bench_jput(s, "stored_pages", bench_ju(r->st.stored_pages));
	bench_jput(s, "pool_total_size", bench_ju(r->st.pool_total_size));
	bench_jput(s, "ratio", bench_jd(bench_ratio(&r->st)));
	bench_jput(s, "peak_stored_pages", bench_ju(r->peak.st.stored_pages));
	bench_jput(s, "peak_pool_total_size", bench_ju(r->peak.st.pool_total_size));
	bench_jput(s, "peak_ratio", bench_jd(bench_ratio(&r->peak.st)));
	bench_jput(s, "pswpout", bench_ju(r->st.pswpout));
	bench_jput(s, "rejects", bench_ju(rejects(&r->st)));
	bench_jput(s, "store_p50_ns", bench_ju(bench_hist_quantile(st_h, 0.5)));
	bench_jput(s, "store_p99_ns", bench_ju(bench_hist_quantile(st_h, 0.99)));
	bench_jput(s, "load_p50_ns", bench_ju(bench_hist_quantile(ld_h, 0.5)));
	bench_jput(s, "load_p99_ns", bench_ju(bench_hist_quantile(ld_h, 0.99)));
	bench_jput(s, "store_pages_per_s", bench_jd(r->store_pages_per_s));
	bench_jput(s, "load_pages_per_s", bench_jd(r->load_pages_per_s));
	bench_jput(s, "ops_per_s", bench_jd(r->ops_per_s));
	bench_jput(s, "status", json_integer(bench_result_exit(r, o)));
	bench_jput(root, "summary", s);
	return root;
}

void bench_json_string(FILE *out, const char *s)
{
	json_t *j = s ? json_string(s) : NULL;
	char *t = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
	fputs(t ? t : "null", out);
	free(t);
	json_decref(j);
}

int bench_json_dump(FILE *out, json_t *j, bool compact)
{
	size_t flags = JSON_REAL_PRECISION(10) |
		       (compact ? JSON_COMPACT : JSON_INDENT(2));
	return j && !json_dumpf(j, out, flags) ? 0 : -1;
}

void bench_write_run_json(FILE *out, const struct bench_input *in, const struct bench_config *cfg,
			  const struct bench_run_opts *o, const struct bench_result *r, int indent,
			  const char *cell)
{
	json_t *j = bench_run_json(in, cfg, o, r, cell);
	bench_json_dump(out, j, indent < 0);
	json_decref(j);
}
