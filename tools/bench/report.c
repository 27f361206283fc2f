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
static json_t *ju(uint64_t v)
{
	return v > (uint64_t)INT64_MAX ? json_real((double)v) : json_integer((json_int_t)v);
}

static json_t *jd(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *js(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* json_object_set_new that survives a NULL value (out of memory: the
 * member is dropped rather than crashing). */
static void put(json_t *o, const char *key, json_t *v)
{
	if (v)
		json_object_set_new(o, key, v);
}

static json_t *stats_json(const struct zsim_zswap_stats *st)
{
	json_t *o = json_object();
	put(o, "stored_pages", ju(st->stored_pages));
	put(o, "pool_total_size", ju(st->pool_total_size));
	put(o, "ratio", jd(bench_ratio(st)));
	put(o, "zswpout", ju(st->zswpout));
	put(o, "zswpin", ju(st->zswpin));
	put(o, "pswpout", ju(st->pswpout));
	put(o, "pswpin", ju(st->pswpin));
	put(o, "written_back_pages", ju(st->written_back_pages));
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
		put(o, "count", ju(h[k].count));
		put(o, "p50", ju(bench_hist_quantile(&h[k], 0.5)));
		put(o, "p90", ju(bench_hist_quantile(&h[k], 0.9)));
		put(o, "p99", ju(bench_hist_quantile(&h[k], 0.99)));
		put(o, "max", ju(h[k].max));
		put(o, "mean", ju(h[k].count ? h[k].sum / h[k].count : 0));
		put(g, bench_op_names[k], o);
	}
	return g;
}

/* The members every report opens with: the tool, the library linked, the
 * codec libraries, the machine and kernel, and when. */
void bench_json_put_envelope(json_t *root)
{
	put(root, "tool", json_string(bench_prog));
	put(root, "version", json_string(zsim_version_string()));
	/* What made the report: the library linked, the codec libraries, the
	 * machine and kernel, and when. */
	json_t *lib = json_object();
	put(lib, "name", json_string("libzswapsim"));
	put(lib, "version", json_string(zsim_version_string()));
	put(root, "library", lib);
	json_t *libs = json_object();
	size_t nlib;
	const struct zsim_codec_library *cl = zsim_codec_libraries(&nlib);
	for (size_t i = 0; i < nlib; i++)
		put(libs, cl[i].name, js(cl[i].version));
	put(root, "codec_libraries", libs);
	struct bench_env env;
	bench_env_get(&env);
	json_t *host = json_object();
	put(host, "name", js(env.host));
	put(host, "sysname", js(env.sysname));
	put(host, "kernel", js(env.kernel));
	put(host, "machine", js(env.machine));
	put(root, "host", host);
	put(root, "timestamp", js(env.timestamp));
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
	put(c, "label", js(cfg->label));
	put(c, "profile", js(r->profile));
	put(c, "compressor", js(zc.compressor));
	json_t *codec = json_object();
	put(codec, "description", js(r->codec_desc));
	put(codec, "driver", js(r->codec_driver));
	put(codec, "standin", json_boolean(r->codec_standin));
	put(c, "codec", codec);
	put(c, "zpool", js(zc.zpool));
	put(c, "chain_size", ju(zc.chain_size));
	put(c, "max_pool_percent", ju(zc.max_pool_percent));
	put(c, "accept_threshold_percent", ju(zc.accept_threshold_percent));
	put(c, "ram_bytes", ju(zc.ram_bytes));
	put(c, "cpus", ju(r->nr_cpus));
	put(c, "batch", json_string(zc.batch < 0 ? "auto" : zc.batch ? "on" : "off"));
	put(c, "threads", ju(r->threads));
	put(c, "verify", json_boolean(o->verify));
	put(c, "swapdev", json_string(o->swap_file ? "file" : "memory"));
	put(root, "config", c);

	json_t *i = json_object();
	put(i, "label", js(in->label));
	put(i, "workload", js(in->trace_path ? NULL : bench_workload_names[in->workload]));
	put(i, "trace", js(in->trace_path));
	put(i, "corpus", js(in->corpus_path));
	put(i, "synthetic", json_boolean(in->synthetic));
	put(i, "pages", ju(in->trace_path ? in->corpus_pages : in->pages));
	put(i, "seed", ju(in->seed));
	put(i, "events", ju(in->n));
	if (in->workload == WL_HOTCOLD) {
		put(i, "accesses", ju(in->ops));
		put(i, "mem_limit", ju(in->mem_limit));
	}
	put(root, "input", i);

	/* The library's counters, its members at our top level. */
	json_t *lj = r->counters_json ? json_loads(r->counters_json, 0, NULL) : NULL;
	if (json_is_object(lj)) {
		json_object_update(root, lj);
	} else {
		put(root, "zswap", json_object());
		put(root, "vmstat", json_object());
		put(root, "memcg", json_object());
	}
	json_decref(lj);

	put(root, "peak", stats_json(&r->peak.st));
	json_t *ph = json_array();
	for (size_t k = 0; k < r->nphases; k++) {
		json_t *p = json_object();
		put(p, "mark", ju(r->phases[k].mark));
		put(p, "ops", ju(r->phases[k].ops));
		put(p, "stats", stats_json(&r->phases[k].st));
		json_array_append_new(ph, p);
	}
	put(root, "phases", ph);
	json_t *sd = json_object();
	put(sd, "kind", json_string(o->swap_file ? "file" : "memory"));
	put(sd, "pages", ju(r->swapdev.device_pages));
	put(sd, "bytes_written", ju(r->swapdev.bytes_written));
	put(sd, "bytes_read", ju(r->swapdev.bytes_read));
	put(root, "swap_device", sd);
	if (r->sched_valid) {
		json_t *sc = json_object();
		put(sc, "name", json_string("sim"));
		put(sc, "now_ns", ju(r->sched.now_ns));
		put(sc, "queued", ju(r->sched.queued));
		put(sc, "runs", ju(r->sched.runs));
		put(sc, "preempted", ju(r->sched.preempted));
		put(sc, "iterations", ju(r->sched.iterations));
		put(sc, "worker_ns", ju(r->sched.worker_ns));
		put(root, "shrink_schedule", sc);
	}
	if (r->mm.valid) {
		json_t *mm = json_object();
		put(mm, "memcg", ju(r->mm.memcg));
		put(mm, "memory_max", ju(r->mm.memory_max));
		put(mm, "memory_current", ju(r->mm.memory_current));
		put(mm, "anon", ju(r->mm.anon));
		put(mm, "swap_current", ju(r->mm.swap_current));
		put(mm, "swap_peak", ju(r->mm.swap_peak));
		put(mm, "pgscan", ju(r->mm.pgscan));
		put(mm, "pgsteal", ju(r->mm.pgsteal));
		put(mm, "swapouts_kept", ju(r->mm.swapouts_kept));
		put(mm, "oom", ju(r->mm.oom));
		put(mm, "accesses", ju(r->c.mm_accesses));
		put(mm, "faults", ju(r->c.mm_faults));
		put(root, "mm", mm);
	}

	json_t *ops = json_object();
	put(ops, "events", ju(r->c.events));
	json_t *st = json_object();
	put(st, "calls", ju(r->c.store_ops));
	put(st, "pages", ju(r->c.store_pages));
	put(st, "to_zswap", ju(r->c.store_where[ZSIM_WHERE_ZSWAP]));
	put(st, "to_zeromap", ju(r->c.store_where[ZSIM_WHERE_ZEROMAP]));
	put(st, "to_device", ju(r->c.store_where[ZSIM_WHERE_DEVICE]));
	put(st, "kept", ju(r->c.store_where[ZSIM_WHERE_KEPT]));
	put(ops, "store", st);
	json_t *ld = json_object();
	put(ld, "pages", ju(r->c.load_pages));
	put(ld, "hits", ju(r->c.load_hits));
	put(ld, "from_zswap", ju(r->c.load_where[ZSIM_WHERE_ZSWAP]));
	put(ld, "from_zeromap", ju(r->c.load_where[ZSIM_WHERE_ZEROMAP]));
	put(ld, "from_device", ju(r->c.load_where[ZSIM_WHERE_DEVICE]));
	put(ld, "misses", ju(r->c.load_misses));
	put(ld, "errors", ju(r->c.load_errors));
	put(ops, "load", ld);
	json_t *inv = json_object();
	put(inv, "calls", ju(r->c.invalidate_ops));
	put(inv, "pages", ju(r->c.invalidate_pages));
	put(ops, "invalidate", inv);
	put(ops, "writeback_observed", ju(r->c.writeback_observed));
	put(ops, "marks", ju(r->c.marks));
	put(root, "ops", ops);

	/* latency_ns: {op: {...}, ..., "modelled": {op: {...}}}: measured wall
	 * time of each call, and apart from it, when the codec has a timing
	 * model, the modelled device latency of the same calls. */
	json_t *lat = lat_group(r->lat.wall, r->mm.valid);
	if (any_modelled(r))
		put(lat, "modelled", lat_group(r->lat.modelled, false));
	put(root, "latency_ns", lat);
	json_t *tp = json_object();
	put(tp, "store_pages_per_s", jd(r->store_pages_per_s));
	put(tp, "load_pages_per_s", jd(r->load_pages_per_s));
	put(tp, "ops_per_s", jd(r->ops_per_s));
	put(tp, "wall_s", jd(r->wall_s));
	put(root, "throughput", tp);
	if (o->verify) {
		json_t *v = json_object();
		put(v, "checked", ju(r->c.verify_checked));
		put(v, "mismatches", ju(r->c.verify_mismatches));
		put(v, "failed_loads", ju(r->c.verify_eio));
		put(v, "lost", ju(r->c.verify_lost));
		put(v, "test_corrupted", ju(r->c.test_corrupted));
		put(root, "verify", v);
	} else {
		put(root, "verify", json_null());
	}
	json_t *re = json_object();
	put(re, "count", ju(r->c.replay_errors));
	put(re, "first", js(r->c.replay_errors ? r->first_replay_error : NULL));
	put(root, "replay_errors", re);

	/* The flat object `sweep --merge` reads back. */
	const struct bench_hist *st_h = &r->lat.wall[r->mm.valid ? BOP_ACCESS : BOP_STORE];
	const struct bench_hist *ld_h = &r->lat.wall[r->mm.valid ? BOP_FAULT : BOP_LOAD];
	json_t *s = json_object();
	put(s, "cell", js(cell ? cell : ""));
	put(s, "config", js(cfg->label));
	put(s, "input", js(in->label));
	put(s, "stored_pages", ju(r->st.stored_pages));
	put(s, "pool_total_size", ju(r->st.pool_total_size));
	put(s, "ratio", jd(bench_ratio(&r->st)));
	put(s, "peak_stored_pages", ju(r->peak.st.stored_pages));
	put(s, "peak_pool_total_size", ju(r->peak.st.pool_total_size));
	put(s, "peak_ratio", jd(bench_ratio(&r->peak.st)));
	put(s, "pswpout", ju(r->st.pswpout));
	put(s, "rejects", ju(rejects(&r->st)));
	put(s, "store_p50_ns", ju(bench_hist_quantile(st_h, 0.5)));
	put(s, "store_p99_ns", ju(bench_hist_quantile(st_h, 0.99)));
	put(s, "load_p50_ns", ju(bench_hist_quantile(ld_h, 0.5)));
	put(s, "load_p99_ns", ju(bench_hist_quantile(ld_h, 0.99)));
	put(s, "store_pages_per_s", jd(r->store_pages_per_s));
	put(s, "load_pages_per_s", jd(r->load_pages_per_s));
	put(s, "ops_per_s", jd(r->ops_per_s));
	put(s, "status", json_integer(bench_result_exit(r, o)));
	put(root, "summary", s);
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
