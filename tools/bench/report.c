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

static unsigned profile_bit(const char *name)
{
	if (!strcmp(name, "6.1"))
		return ZSIM_P_6_1;
	if (!strcmp(name, "6.12"))
		return ZSIM_P_6_12;
	if (!strcmp(name, "6.13"))
		return ZSIM_P_6_13;
	if (!strcmp(name, "6.18"))
		return ZSIM_P_6_18;
	if (!strcmp(name, "latest"))
		return ZSIM_P_LATEST;
	return ZSIM_P_ALL;
}

/* Does the run's profile have this debugfs/vmstat counter? */
static bool has_counter(const struct bench_result *r, const char *group, const char *name)
{
	size_t n;
	const struct zsim_counter_info *ci = zsim_counters(&n);
	unsigned bit = profile_bit(r->profile);
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

void bench_json_string(FILE *out, const char *s)
{
	if (!s) {
		fputs("null", out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void json_double(FILE *out, double v)
{
	if (!isfinite(v))
		fputs("null", out);
	else
		fprintf(out, "%.6g", v);
}

/*
 * The library's JSON ({"profile": ..., "zswap": {...}, "vmstat": {...},
 * "memcg": {...}}) spliced member by member into our object, re-indented:
 * the counters sit at the top level under the kernel's group names.
 */
static void splice_members(FILE *out, const char *json, const char *pad)
{
	if (!json) {
		fprintf(out, "%s  \"zswap\": {}, \"vmstat\": {}, \"memcg\": {},\n", pad);
		return;
	}
	const char *b = strchr(json, '{');
	const char *e = strrchr(json, '}');
	if (!b || !e || e <= b)
		return;
	b++;
	while (b < e && (*b == '\n' || *b == ' '))
		b++;
	const char *end = e;
	while (end > b && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	fputs(pad, out);
	fputs("  ", out);
	for (const char *p = b; p < end; p++) {
		fputc(*p, out);
		if (*p == '\n')
			fputs(pad, out);
	}
	fputs(",\n", out);
}

static void stats_json(FILE *out, const struct zsim_zswap_stats *st)
{
	fprintf(out, "{\"stored_pages\": %" PRIu64 ", \"pool_total_size\": %" PRIu64
		     ", \"ratio\": ",
		st->stored_pages, st->pool_total_size);
	json_double(out, bench_ratio(st));
	fprintf(out, ", \"zswpout\": %" PRIu64 ", \"zswpin\": %" PRIu64 ", \"pswpout\": %" PRIu64
		     ", \"pswpin\": %" PRIu64 ", \"written_back_pages\": %" PRIu64 "}",
		st->zswpout, st->zswpin, st->pswpout, st->pswpin, st->written_back_pages);
}

/* {"store": {count, p50, p90, p99, max, mean}, ...}: store and load always
 * (trace runs), the other kinds when they ran. */
static void write_lat_group(FILE *out, const struct bench_hist *h, bool mm, bool close)
{
	bool first = true;
	fputc('{', out);
	for (int k = 0; k < BOP_COUNT; k++) {
		const bool always = mm ? (k == BOP_ACCESS || k == BOP_FAULT)
				       : (k == BOP_STORE || k == BOP_LOAD);
		if (!always && !h[k].count)
			continue;
		fprintf(out, "%s\"%s\": {\"count\": %" PRIu64 ", \"p50\": %" PRIu64
			     ", \"p90\": %" PRIu64 ", \"p99\": %" PRIu64 ", \"max\": %" PRIu64
			     ", \"mean\": %" PRIu64 "}",
			first ? "" : ", ", bench_op_names[k], h[k].count,
			bench_hist_quantile(&h[k], 0.5), bench_hist_quantile(&h[k], 0.9),
			bench_hist_quantile(&h[k], 0.99), h[k].max,
			h[k].count ? h[k].sum / h[k].count : 0);
		first = false;
	}
	if (close)
		fputc('}', out);
}


void bench_write_run_json(FILE *out, const struct bench_input *in, const struct bench_config *cfg,
			  const struct bench_run_opts *o, const struct bench_result *r, int indent,
			  const char *cell)
{
	char pad[64];
	int ind = indent < 0 ? 0 : (indent > 40 ? 40 : indent);
	memset(pad, ' ', (size_t)ind);
	pad[ind] = 0;
	struct zsim_zswap_config zc;
	char spec[256];
	bench_config_to_zswap(cfg, r->nr_cpus, &zc, spec, sizeof(spec));
	const char *P = pad;
	fprintf(out, "{\n%s  \"tool\": \"zswapsim-bench\",\n%s  \"version\": ", P, P);
	bench_json_string(out, zsim_version_string());
	/* What made the report: the library linked, the codec libraries, the
	 * machine and kernel, and when. */
	fprintf(out, ",\n%s  \"library\": {\"name\": \"libzswapsim\", \"version\": ", P);
	bench_json_string(out, zsim_version_string());
	fprintf(out, "},\n%s  \"codec_libraries\": {", P);
	size_t nlib;
	const struct zsim_codec_library *lib = zsim_codec_libraries(&nlib);
	for (size_t i = 0; i < nlib; i++) {
		fprintf(out, "%s", i ? ", " : "");
		bench_json_string(out, lib[i].name);
		fputs(": ", out);
		bench_json_string(out, lib[i].version);
	}
	struct bench_env env;
	bench_env_get(&env);
	fprintf(out, "},\n%s  \"host\": {\"name\": ", P);
	bench_json_string(out, env.host);
	fprintf(out, ", \"sysname\": ");
	bench_json_string(out, env.sysname);
	fprintf(out, ", \"kernel\": ");
	bench_json_string(out, env.kernel);
	fprintf(out, ", \"machine\": ");
	bench_json_string(out, env.machine);
	fprintf(out, "},\n%s  \"timestamp\": ", P);
	bench_json_string(out, env.timestamp);
	fprintf(out, ",\n%s  \"config\": {\"label\": ", P);
	bench_json_string(out, cfg->label);
	fprintf(out, ", \"profile\": ");
	bench_json_string(out, r->profile);
	fprintf(out, ", \"compressor\": ");
	bench_json_string(out, zc.compressor);
	fprintf(out, ",\n%s    \"codec\": {\"description\": ", P);
	bench_json_string(out, r->codec_desc);
	fprintf(out, ", \"driver\": ");
	bench_json_string(out, r->codec_driver);
	fprintf(out, ", \"standin\": %s},\n%s    \"zpool\": ", r->codec_standin ? "true" : "false",
		P);
	bench_json_string(out, zc.zpool);
	fprintf(out, ", \"chain_size\": %u, \"max_pool_percent\": %u, "
		     "\"accept_threshold_percent\": %u, \"ram_bytes\": %" PRIu64
		     ", \"cpus\": %u, \"batch\": \"%s\",\n%s    \"threads\": %u, \"verify\": %s"
		     ", \"swapdev\": \"%s\"},\n",
		zc.chain_size, zc.max_pool_percent, zc.accept_threshold_percent, zc.ram_bytes,
		r->nr_cpus, zc.batch < 0 ? "auto" : zc.batch ? "on" : "off", P, r->threads,
		o->verify ? "true" : "false", o->swap_file ? "file" : "memory");
	fprintf(out, "%s  \"input\": {\"label\": ", P);
	bench_json_string(out, in->label);
	fprintf(out, ", \"workload\": ");
	bench_json_string(out, in->trace_path ? NULL : bench_workload_names[in->workload]);
	fprintf(out, ", \"trace\": ");
	bench_json_string(out, in->trace_path);
	fprintf(out, ", \"corpus\": ");
	bench_json_string(out, in->corpus_path);
	fprintf(out, ", \"synthetic\": %s, \"pages\": %" PRIu64 ", \"seed\": %" PRIu64
		     ", \"events\": %zu",
		in->synthetic ? "true" : "false", in->trace_path ? in->corpus_pages : in->pages,
		in->seed, in->n);
	if (in->workload == WL_HOTCOLD)
		fprintf(out, ", \"accesses\": %" PRIu64 ", \"mem_limit\": %" PRIu64, in->ops,
			in->mem_limit);
	fprintf(out, "},\n");
	splice_members(out, r->counters_json, P);
	fprintf(out, "%s  \"peak\": ", P);
	stats_json(out, &r->peak.st);
	fprintf(out, ",\n%s  \"phases\": [", P);
	for (size_t i = 0; i < r->nphases; i++) {
		fprintf(out, "%s{\"mark\": %" PRIu64 ", \"ops\": %" PRIu64 ", \"stats\": ",
			i ? ", " : "", r->phases[i].mark, r->phases[i].ops);
		stats_json(out, &r->phases[i].st);
		fputc('}', out);
	}
	fprintf(out, "],\n%s  \"swap_device\": {\"kind\": \"%s\", \"pages\": %" PRIu64
		     ", \"bytes_written\": %" PRIu64 ", \"bytes_read\": %" PRIu64 "},\n",
		P, o->swap_file ? "file" : "memory", r->swapdev.device_pages,
		r->swapdev.bytes_written, r->swapdev.bytes_read);
	if (r->mm.valid)
		fprintf(out, "%s  \"mm\": {\"memcg\": %u, \"memory_max\": %" PRIu64
			     ", \"memory_current\": %" PRIu64 ", \"anon\": %" PRIu64
			     ", \"swap_current\": %" PRIu64 ", \"swap_peak\": %" PRIu64
			     ", \"pgscan\": %" PRIu64 ", \"pgsteal\": %" PRIu64
			     ", \"swapouts_kept\": %" PRIu64 ", \"oom\": %" PRIu64
			     ", \"accesses\": %" PRIu64 ", \"faults\": %" PRIu64 "},\n",
			P, r->mm.memcg, r->mm.memory_max, r->mm.memory_current, r->mm.anon,
			r->mm.swap_current, r->mm.swap_peak, r->mm.pgscan, r->mm.pgsteal,
			r->mm.swapouts_kept, r->mm.oom, r->c.mm_accesses, r->c.mm_faults);
	fprintf(out, "%s  \"ops\": {\"events\": %" PRIu64 ", \"store\": {\"calls\": %" PRIu64
		     ", \"pages\": %" PRIu64 ", \"to_zswap\": %" PRIu64 ", \"to_zeromap\": %" PRIu64
		     ", \"to_device\": %" PRIu64 ", \"kept\": %" PRIu64 "},\n",
		P, r->c.events, r->c.store_ops, r->c.store_pages, r->c.store_where[ZSIM_WHERE_ZSWAP],
		r->c.store_where[ZSIM_WHERE_ZEROMAP], r->c.store_where[ZSIM_WHERE_DEVICE],
		r->c.store_where[ZSIM_WHERE_KEPT]);
	fprintf(out, "%s    \"load\": {\"pages\": %" PRIu64 ", \"hits\": %" PRIu64
		     ", \"from_zswap\": %" PRIu64 ", \"from_zeromap\": %" PRIu64
		     ", \"from_device\": %" PRIu64 ", \"misses\": %" PRIu64 ", \"errors\": %" PRIu64
		     "},\n",
		P, r->c.load_pages, r->c.load_hits, r->c.load_where[ZSIM_WHERE_ZSWAP],
		r->c.load_where[ZSIM_WHERE_ZEROMAP], r->c.load_where[ZSIM_WHERE_DEVICE],
		r->c.load_misses, r->c.load_errors);
	fprintf(out, "%s    \"invalidate\": {\"calls\": %" PRIu64 ", \"pages\": %" PRIu64
		     "}, \"writeback_observed\": %" PRIu64 ", \"marks\": %" PRIu64 "},\n",
		P, r->c.invalidate_ops, r->c.invalidate_pages, r->c.writeback_observed, r->c.marks);
	/* latency_ns: {op: {...}, ..., "modelled": {op: {...}}}: measured wall
	 * time of each call, and apart from it, when the codec has a timing
	 * model, the modelled device latency of the same calls. */
	fprintf(out, "%s  \"latency_ns\": ", P);
	write_lat_group(out, r->lat.wall, r->mm.valid, false);
	if (any_modelled(r)) {
		fprintf(out, ", \"modelled\": ");
		write_lat_group(out, r->lat.modelled, false, true);
	}
	fputc('}', out);
	fprintf(out, ",\n%s  \"throughput\": {\"store_pages_per_s\": ", P);
	json_double(out, r->store_pages_per_s);
	fprintf(out, ", \"load_pages_per_s\": ");
	json_double(out, r->load_pages_per_s);
	fprintf(out, ", \"ops_per_s\": ");
	json_double(out, r->ops_per_s);
	fprintf(out, ", \"wall_s\": ");
	json_double(out, r->wall_s);
	fprintf(out, "},\n%s  \"verify\": ", P);
	if (o->verify)
		fprintf(out, "{\"checked\": %" PRIu64 ", \"mismatches\": %" PRIu64
			     ", \"failed_loads\": %" PRIu64 ", \"lost\": %" PRIu64
			     ", \"test_corrupted\": %" PRIu64 "}",
			r->c.verify_checked, r->c.verify_mismatches, r->c.verify_eio,
			r->c.verify_lost, r->c.test_corrupted);
	else
		fputs("null", out);
	fprintf(out, ",\n%s  \"replay_errors\": {\"count\": %" PRIu64 ", \"first\": ", P,
		r->c.replay_errors);
	bench_json_string(out, r->c.replay_errors ? r->first_replay_error : NULL);
	/* One flat line that `sweep --merge` reads back. */
	const struct bench_hist *st_h = &r->lat.wall[r->mm.valid ? BOP_ACCESS : BOP_STORE];
	const struct bench_hist *ld_h = &r->lat.wall[r->mm.valid ? BOP_FAULT : BOP_LOAD];
	fprintf(out, "},\n%s  \"summary\": {\"cell\": ", P);
	bench_json_string(out, cell ? cell : "");
	fprintf(out, ", \"config\": ");
	bench_json_string(out, cfg->label);
	fprintf(out, ", \"input\": ");
	bench_json_string(out, in->label);
	fprintf(out, ", \"stored_pages\": %" PRIu64 ", \"pool_total_size\": %" PRIu64
		     ", \"ratio\": %.4f, \"peak_stored_pages\": %" PRIu64
		     ", \"peak_pool_total_size\": %" PRIu64 ", \"peak_ratio\": %.4f"
		     ", \"pswpout\": %" PRIu64 ", \"rejects\": %" PRIu64
		     ", \"store_p50_ns\": %" PRIu64 ", \"store_p99_ns\": %" PRIu64
		     ", \"load_p50_ns\": %" PRIu64 ", \"load_p99_ns\": %" PRIu64
		     ", \"store_pages_per_s\": %.0f, \"load_pages_per_s\": %.0f"
		     ", \"ops_per_s\": %.0f, \"status\": %d}\n",
		r->st.stored_pages, r->st.pool_total_size, bench_ratio(&r->st),
		r->peak.st.stored_pages, r->peak.st.pool_total_size, bench_ratio(&r->peak.st),
		r->st.pswpout, rejects(&r->st), bench_hist_quantile(st_h, 0.5),
		bench_hist_quantile(st_h, 0.99), bench_hist_quantile(ld_h, 0.5),
		bench_hist_quantile(ld_h, 0.99), r->store_pages_per_s, r->load_pages_per_s,
		r->ops_per_s, bench_result_exit(r, o));
	fprintf(out, "%s}", P);
}
