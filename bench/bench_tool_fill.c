/*
 * bench_tool_fill.c - what a user runs against what it cannot avoid: the
 * tool's own fill (`zswapsim-bench run --workload fill --corpus FILE
 * --compressor C --profile 6.12 --threads T --json F`, the real binary,
 * run as a child process) against the raw compressor over the same pages
 * of the same file, in the same run, alternating, best of the rounds.
 *
 * Rows per codec (lz4, zstd; raw is LZ4_compress_default /
 * ZSTD_compress_advanced with the kernel's parameters into a 4096-byte
 * buffer, as in bench_zswap):
 *   - "fill, JSON store rate": µs/page from the tool's own
 *     throughput.store_pages_per_s (time inside zsim_zswap_store, as the
 *     tool times it, wall clock) against the raw loop's wall time per page;
 *   - "fill, replay wall": the replay's wall time (throughput.wall_s:
 *     every event, timing, histograms, sampling) per page against the raw
 *     loop's wall time per page;
 *   - "fill, whole process CPU": the child's user + system time (exec,
 *     input, trace generation, corpus mapping, replay, report, JSON,
 *     teardown) per page against the raw loop's CPU time per page;
 *   - "fill 2 thr/1 scaling vs raw's": pages/s on two threads over one
 *     (the tool's replay wall time) in the ours column, the raw
 *     compressor's own two-thread scaling in the same rounds in the raw
 *     column (the machine's ceiling; raw threads take swap clusters of
 *     512 pages in turn), and ours/raw the fraction of it the tool keeps;
 *   - "machine: new memory, first use vs reused" (before each codec's
 *     rounds): ns per 4 KiB to fault in the corpus's size of new memory
 *     the way the tool's page allocators do (huge-page arenas,
 *     MADV_POPULATE_WRITE), against an immediate second round that takes
 *     back the pages just freed. A fill grows a fresh pool, so it pays the
 *     first figure for every page of pool memory; both are the OS zeroing
 *     a page, plus, on a VM whose host backs or reclaims guest memory
 *     lazily, the host's fault (up to 33x the second on the guest of
 *     docs/performance.md's round 7), and that CPU time competes with the
 *     workers once both CPUs store.
 *
 * The corpus is $ZSIM_BENCH_CORPUS, or the bench page mix written to a
 * temporary file. The raw side reads the file into memory once (touched
 * before any timing); the tool maps it as it always does.
 *
 * Usage: bench_tool_fill [pages (16384)] [rounds (5)] [path of zswapsim-bench]
 * (default: ../tools/zswapsim-bench next to this program's directory).
 */
#define _GNU_SOURCE
#define ZSTD_STATIC_LINKING_ONLY
#include <fcntl.h>
#include <limits.h>
#include <lz4.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zstd.h>

#include "benchutil.h"
#include "bench_zstd.h"

static unsigned char *pages;
static size_t npages;

struct tool_out {
	double store_pps; /* throughput.store_pages_per_s */
	double wall_s;    /* throughput.wall_s */
	double cpu_s;     /* the child's user + system time */
};

/* The first number after "key": in a JSON text (the tool's report). */
static int json_number(const char *text, const char *key, double *v)
{
	char pat[64];
	snprintf(pat, sizeof(pat), "\"%s\"", key);
	const char *p = strstr(text, pat);
	if (!p)
		return -1;
	p = strchr(p + strlen(pat), ':');
	if (!p)
		return -1;
	char *end;
	*v = strtod(p + 1, &end);
	return end == p + 1 ? -1 : 0;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (len + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 65536;
			char *p = realloc(buf, cap);
			if (!p)
				break;
			buf = p;
		}
		size_t n = fread(buf + len, 1, 4096, f);
		len += n;
		if (n < 4096)
			break;
	}
	fclose(f);
	if (buf)
		buf[len] = 0;
	return buf;
}

/* One run of the tool; 0 or -1. */
static int run_tool(const char *tool, const char *corpus, const char *json, const char *codec,
		    unsigned threads, struct tool_out *out)
{
	char thr[16];
	snprintf(thr, sizeof(thr), "%u", threads);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);
		if (devnull >= 0)
			dup2(devnull, 1);
		execl(tool, tool, "run", "--workload", "fill", "--corpus", corpus, "--compressor",
		      codec, "--profile", "6.12", "--threads", thr, "--json", json, (char *)NULL);
		_exit(127);
	}
	int status;
	struct rusage ru;
	if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "bench_tool_fill: %s exited with status %d\n", tool,
			WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return -1;
	}
	out->cpu_s = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
		     (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	char *text = slurp(json);
	int rc = text && !json_number(text, "store_pages_per_s", &out->store_pps) &&
			 !json_number(text, "wall_s", &out->wall_s) && out->store_pps > 0
		 ? 0
		 : -1;
	if (rc)
		fprintf(stderr, "bench_tool_fill: no throughput in %s\n", json);
	free(text);
	return rc;
}

struct raw_worker {
	int lz4;
	unsigned id, nthreads;
	uint64_t cpu_ns;
};

static void *raw_main(void *arg)
{
	struct raw_worker *w = arg;
	unsigned char out[ZSIM_PAGE_SIZE];
	ZSTD_CCtx *cctx = ZSTD_createCCtx();
	ZSTD_parameters kp = zsim_bench_zstd_params(0);
	uint64_t t0 = zsim_bench_cpu_ns();
	for (size_t i = zsim_bench_first_slot(w->id); i < npages;
	     i = zsim_bench_next_slot(i, w->nthreads)) {
		const unsigned char *src = pages + i * ZSIM_PAGE_SIZE;
		if (w->lz4) {
			LZ4_compress_default((const char *)src, (char *)out, ZSIM_PAGE_SIZE,
					     ZSIM_PAGE_SIZE);
		} else {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
			ZSTD_compress_advanced(cctx, out, ZSIM_PAGE_SIZE, src, ZSIM_PAGE_SIZE, NULL, 0,
					       kp);
#pragma GCC diagnostic pop
		}
	}
	w->cpu_ns = zsim_bench_cpu_ns() - t0;
	ZSTD_freeCCtx(cctx);
	return NULL;
}

/* The raw compressor over every page on `threads` threads: wall seconds;
 * *cpu_s the CPU time of the threads. */
static double raw_run(int lz4, unsigned threads, double *cpu_s)
{
	pthread_t t[2];
	struct raw_worker w[2];
	uint64_t t0 = zsim_bench_now_ns();
	for (unsigned i = 0; i < threads; i++) {
		w[i] = (struct raw_worker){.lz4 = lz4, .id = i, .nthreads = threads};
		pthread_create(&t[i], NULL, raw_main, &w[i]);
	}
	double cpu = 0;
	for (unsigned i = 0; i < threads; i++) {
		pthread_join(t[i], NULL);
		cpu += (double)w[i].cpu_ns / 1e9;
	}
	*cpu_s = cpu;
	return (double)(zsim_bench_now_ns() - t0) / 1e9;
}

static double min_d(double a, double b)
{
	return a < b ? a : b;
}

static void default_tool(char *buf, size_t len)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0) {
		snprintf(buf, len, "zswapsim-bench");
		return;
	}
	self[n] = 0;
	char *slash = strrchr(self, '/');
	if (slash)
		*slash = 0; /* .../bench */
	slash = strrchr(self, '/');
	if (slash)
		*slash = 0; /* the build directory */
	if (strlen(self) + sizeof("/tools/zswapsim-bench") > len)
		snprintf(buf, len, "zswapsim-bench");
	else
		snprintf(buf, len, "%.*s/tools/zswapsim-bench", (int)(len - 32), self);
}

int main(int argc, char **argv)
{
	size_t want = argc > 1 ? strtoull(argv[1], NULL, 0) : 16384;
	int rounds = argc > 2 ? atoi(argv[2]) : 5;
	char tool[PATH_MAX];
	if (argc > 3)
		snprintf(tool, sizeof(tool), "%s", argv[3]);
	else
		default_tool(tool, sizeof(tool));
	if (rounds < 1)
		rounds = 1;
	if (access(tool, X_OK)) {
		fprintf(stderr, "bench_tool_fill: cannot run %s\n", tool);
		return 1;
	}
	const char *tmpdir = getenv("TMPDIR");
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s/bench_tool_fill-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	if (!mkdtemp(dir)) {
		perror("bench_tool_fill: mkdtemp");
		return 1;
	}
	char corpus[PATH_MAX + 32], json[PATH_MAX + 32];
	snprintf(json, sizeof(json), "%s/fill.json", dir);
	const char *given = getenv("ZSIM_BENCH_CORPUS");
	pages = zsim_bench_pages(want, 42, &npages); /* reads $ZSIM_BENCH_CORPUS if set */
	if (!pages)
		return 1;
	if (given && *given) {
		snprintf(corpus, sizeof(corpus), "%s", given);
	} else {
		snprintf(corpus, sizeof(corpus), "%s/corpus.raw", dir);
		FILE *f = fopen(corpus, "wb");
		if (!f || fwrite(pages, ZSIM_PAGE_SIZE, npages, f) != npages || fclose(f)) {
			fprintf(stderr, "bench_tool_fill: cannot write %s\n", corpus);
			return 1;
		}
	}
	struct stat sb;
	if (stat(corpus, &sb) || (size_t)sb.st_size != npages * ZSIM_PAGE_SIZE) {
		fprintf(stderr, "bench_tool_fill: %s must hold exactly %zu pages (pass that many)\n",
			corpus, npages);
		return 1;
	}
	printf("bench_tool_fill: %zu pages, profile 6.12, %d rounds (best of), tool %s\n", npages,
	       rounds, tool);
	printf("%-10s %-34s %12s %12s %-8s %8s\n", "bench", "what", "ours", "raw", "unit",
	       "ours/raw");
	static const char *const codecs[] = {"lz4", "zstd"};
	int failed = 0;
	for (int c = 0; c < 2 && !failed; c++) {
		const int lz4 = c == 0;
		double reused;
		double fresh = zsim_bench_fresh_memory_ns(npages * ZSIM_PAGE_SIZE, &reused);
		if (fresh > 0 && reused > 0)
			zsim_bench_row("machine", "new memory, first use vs reused", fresh, reused,
				       "ns/4KiB");
		double t_json = 1e30, t_wall = 1e30, t_cpu = 1e30, r_cpu = 1e30, r_wall = 1e30;
		double t_wall2 = 1e30, r_wall2 = 1e30;
		for (int rep = 0; rep < rounds && !failed; rep++) {
			struct tool_out o1, o2;
			double rc1, rc2;
			/* Alternate which side goes first. */
			double rw1 = 0, rw2 = 0;
			if (rep & 1) {
				rw1 = raw_run(lz4, 1, &rc1);
				rw2 = raw_run(lz4, 2, &rc2);
			}
			if (run_tool(tool, corpus, json, codecs[c], 1, &o1) ||
			    run_tool(tool, corpus, json, codecs[c], 2, &o2)) {
				failed = 1;
				break;
			}
			if (!(rep & 1)) {
				rw1 = raw_run(lz4, 1, &rc1);
				rw2 = raw_run(lz4, 2, &rc2);
			}
			t_json = min_d(t_json, 1.0 / o1.store_pps);
			t_wall = min_d(t_wall, o1.wall_s / (double)npages);
			t_cpu = min_d(t_cpu, o1.cpu_s / (double)npages);
			t_wall2 = min_d(t_wall2, o2.wall_s / (double)npages);
			r_cpu = min_d(r_cpu, rc1 / (double)npages);
			r_wall = min_d(r_wall, rw1 / (double)npages);
			r_wall2 = min_d(r_wall2, rw2 / (double)npages);
		}
		if (failed)
			break;
		char what[64];
		snprintf(what, sizeof(what), "%s fill, JSON store rate", codecs[c]);
		zsim_bench_row("tool", what, t_json * 1e6, r_wall * 1e6, "us/page");
		snprintf(what, sizeof(what), "%s fill, replay wall", codecs[c]);
		zsim_bench_row("tool", what, t_wall * 1e6, r_wall * 1e6, "us/page");
		snprintf(what, sizeof(what), "%s fill, whole process CPU", codecs[c]);
		zsim_bench_row("tool", what, t_cpu * 1e6, r_cpu * 1e6, "us/page");
		/* ours/raw of this row is the fraction of the raw compressor's
		 * own two-thread scaling that the tool keeps. */
		snprintf(what, sizeof(what), "%s fill 2 thr/1 scaling vs raw's", codecs[c]);
		zsim_bench_row("scaling", what, t_wall / t_wall2, r_wall / r_wall2, "x");
	}
	unlink(json);
	if (!(given && *given))
		unlink(corpus);
	rmdir(dir);
	free(pages);
	return failed;
}
