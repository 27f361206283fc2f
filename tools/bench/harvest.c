/*
 * harvest.c - zswapsim-bench's `harvest` (a process's private anonymous
 * memory into a page store, through the library's zsim_harvest_*) and
 * `pagestore` (info, verify, pack, unpack, sizes) sub-commands, and the
 * hook that lets --corpus read a page store. Public API only.
 * Not a kernel model: harvesting stands in for the pages reclaim would
 * hand to zswap; `pagestore sizes` is an allocator-only estimate from
 * precomputed compressed lengths (no compression, no zswap policy beyond
 * "does not fit a page" and same-filled pages).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "harvest.h"

#define MAX_CLEN ZSIM_PAGESTORE_MAX_CLEN

static int msg(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int msg(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("zswapsim-bench: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return code;
}

static int exit_for(int rc)
{
	switch (rc) {
	case 0: return BX_OK;
	case ZSIM_EPERM: return BX_HARVEST_PERM;
	case ZSIM_ESRCH: return BX_HARVEST_GONE;
	case ZSIM_EIO: return BX_IO;
	case ZSIM_EPARSE:
	case ZSIM_ETRUNC:
	case ZSIM_EBADMSG:
	case ZSIM_ERANGE: return BX_CORPUS;
	case ZSIM_ENOENT: return BX_CONFIG;
	default: return BX_INTERNAL;
	}
}

static int parse_num(const char *opt, const char *v, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long x = strtoull(v, &end, 10);
	if (errno || *end || !*v || *v == '-' || x < min || x > max)
		return msg(-1, "bad value '%s' for --%s (%" PRIu64 "..%" PRIu64 ")", v, opt, min, max);
	*out = x;
	return 0;
}

/* --- harvest ------------------------------------------------------------ */

static void harvest_usage(FILE *out)
{
	fprintf(out,
"usage: zswapsim-bench harvest --out FILE [OPTIONS] -- COMMAND [ARGS...]\n"
"       zswapsim-bench harvest --out FILE --pid PID [--interval MS] [--count N]\n"
"\n"
"Reads the private anonymous pages of a process (present, not file-backed:\n"
"the pages reclaim would hand to zswap) into a page store (docs/page-store.md)\n"
"that --corpus takes. With a COMMAND, runs it as a traced child and reads it\n"
"every --interval MS and at its exit (in the ptrace exit stop, before it is\n"
"reaped), and the processes it starts too. With --pid, reads a running\n"
"process you may trace (your own child; your own process when\n"
"kernel.yama.ptrace_scope is 0; any as root).\n"
"\n"
"PRIVACY: the store holds the process's memory. By default the main stack\n"
"and the argument/environment block are NOT read, since they hold\n"
"environment variables and secrets; --include-stack reads them too. Data the\n"
"program copied to its heap is read either way: harvest only programs whose\n"
"data you may publish. The command line is recorded in the store's metadata\n"
"unless --no-meta.\n"
"\n"
"OPTIONS\n"
"  -o, --out FILE        the page store to write (replaced only on success)\n"
"  --interval MS         also read every MS milliseconds while it runs\n"
"                        (default: only at exit; with --pid: read once)\n"
"  --pid PID             read a running process instead of starting one\n"
"  --count N             --pid: stop after N snapshots (default: until it exits)\n"
"  --include-stack       also read the stack and the environment block\n"
"  --follow-children     also read the processes the command starts (default:\n"
"                        only the command itself; --no-follow is the default)\n"
"  --stop-after SECONDS  stop at this time: a last snapshot of every live\n"
"                        process, then the command is killed (--pid: stop\n"
"                        reading; the process runs on)\n"
"  --stop-at-rss SIZE    stop once the processes' resident anonymous memory\n"
"                        (RssAnon) reaches SIZE (K/M/G suffixes)\n"
"  --stop-signal SIG     stop when the harvester receives SIG (USR1, USR2, HUP,\n"
"                        TERM, INT, ALRM or a number): kill -USR1 <harvester>\n"
"  --clen SPEC           precompute compressed lengths with a codec spec\n"
"                        (repeatable: lz4, zstd, lzo-rle, zstd:level=1 ...)\n"
"  --level N             zstd level of the store (default 3; 19 is smaller)\n"
"  --frame-pages N       pages per zstd frame (default 64)\n"
"  --no-meta             record no command line, host kernel or time\n"
"  -q, --quiet           no progress line\n"
"\n"
"EXIT CODES\n"
"  0 the store was written (the command's own status is reported, not returned)\n"
"  2 bad command line   3 cannot write the store   5 unknown --clen codec\n"
"  30 permission denied reading the process   31 the process vanished\n"
"  32 the command could not be started\n");
}

struct progress {
	bool tty, quiet;
	uint64_t last_pages;
	unsigned n;
};

static void on_snapshot(const struct zsim_pagestore_writer_stats *st,
			const struct zsim_pagestore_snapshot *snap, void *arg)
{
	struct progress *p = arg;
	p->n++;
	if (p->quiet)
		return;
	char b1[32];
	fprintf(stderr,
		"%szswapsim-bench: snapshot %u: pid %u %-15s%s +%" PRIu64 " pages; total %" PRIu64
		" pages, %" PRIu64 " unique, %s stored%s",
		p->tty ? "\r\033[K" : "", p->n, snap->pid, snap->comm,
		snap->flags & ZSIM_PAGESTORE_SNAP_EXIT ? " (exit)" : "",
		st->pages - p->last_pages, st->pages, st->unique,
		bench_human_bytes(st->bytes_written, b1, sizeof(b1)), p->tty ? "" : "\n");
	fflush(stderr);
	p->last_pages = st->pages;
}

static volatile sig_atomic_t stop_flag;
static void on_stop(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static int parse_signal(const char *s)
{
	static const struct { const char *name; int sig; } sigs[] = {
		{"USR1", SIGUSR1}, {"USR2", SIGUSR2}, {"HUP", SIGHUP},
		{"TERM", SIGTERM}, {"INT", SIGINT}, {"ALRM", SIGALRM},
	};
	if (!strncmp(s, "SIG", 3))
		s += 3;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (!strcmp(s, sigs[i].name))
			return sigs[i].sig;
	char *end;
	long v = strtol(s, &end, 10);
	if (*s && !*end && v >= 1 && v <= SIGRTMAX && v != SIGKILL && v != SIGSTOP)
		return (int)v;
	return -1;
}

/* RssAnon of a process in bytes (0 if gone). */
static uint64_t proc_rss_anon(uint64_t pid)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/%" PRIu64 "/status", pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	uint64_t kb = 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "RssAnon: %" SCNu64, &kb) == 1)
			break;
	fclose(f);
	return kb * 1024;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL); /* a signal cuts it short: fine */
}

static char *join_args(char **argv)
{
	size_t len = 1;
	for (char **a = argv; *a; a++)
		len += strlen(*a) + 1;
	char *s = malloc(len), *p = s;
	if (!s)
		return NULL;
	*p = 0;
	for (char **a = argv; *a; a++) {
		for (const char *c = *a; *c; c++)
			*p++ = *c == '\n' ? ' ' : *c;
		*p++ = a[1] ? ' ' : 0;
	}
	if (p == s)
		*p = 0;
	return s;
}

static void put_common_meta(struct zsim_pagestore_writer *w)
{
	zsim_pagestore_writer_meta(w, "tool", "zswapsim-bench");
	zsim_pagestore_writer_meta(w, "version", zsim_version_string());
}

static void put_host_meta(struct zsim_pagestore_writer *w)
{
	struct utsname u;
	if (!uname(&u))
		zsim_pagestore_writer_meta(w, "kernel", u.release);
	char t[64];
	time_t now = time(NULL);
	struct tm tm;
	if (gmtime_r(&now, &tm) && strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%SZ", &tm))
		zsim_pagestore_writer_meta(w, "created", t);
}

/* How many pages each process gave: its snapshots, all their pages, and
 * its last and largest snapshot (what --snapshot last|largest replays). */
static void report_processes(const struct zsim_pagestore *ps)
{
	struct proc_row {
		uint32_t pid;
		char comm[16];
		uint64_t snaps, pages, last, largest;
		bool stopped;
	} *rows = NULL;
	size_t n = 0, cap = 0;
	struct zsim_pagestore_snapshot s;
	for (uint64_t i = 0; !zsim_pagestore_snapshot(ps, i, &s); i++) {
		size_t k = 0;
		while (k < n && rows[k].pid != s.pid)
			k++;
		if (k == n) {
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				struct proc_row *nr = realloc(rows, cap * sizeof(*nr));
				if (!nr)
					break;
				rows = nr;
			}
			memset(&rows[n], 0, sizeof(rows[n]));
			rows[n].pid = s.pid;
			n++;
		}
		struct proc_row *r = &rows[k];
		memcpy(r->comm, s.comm, sizeof(r->comm));
		r->comm[sizeof(r->comm) - 1] = 0;
		r->snaps++;
		r->pages += s.pages;
		r->last = s.pages;
		if (s.pages > r->largest)
			r->largest = s.pages;
		r->stopped |= (s.flags & ZSIM_PAGESTORE_SNAP_STOP) != 0;
	}
	for (size_t k = 0; k < n; k++)
		fprintf(stderr, "zswapsim-bench: pid %u %-15s %" PRIu64 " snapshot%s, %" PRIu64
				" pages (last %" PRIu64 ", largest %" PRIu64 ")%s\n",
			rows[k].pid, rows[k].comm, rows[k].snaps, rows[k].snaps == 1 ? "" : "s",
			rows[k].pages, rows[k].last, rows[k].largest,
			rows[k].stopped ? " - stopped" : "");
	free(rows);
}

static int finish_store(struct zsim_pagestore_writer *w, const char *out, bool quiet,
			const struct zsim_harvest_result *res, bool have_status)
{
	struct zsim_pagestore_writer_stats st;
	zsim_pagestore_writer_stats(w, &st);
	struct zsim_pagestore_error err;
	int rc = zsim_pagestore_writer_close(w, &err);
	if (rc)
		return msg(BX_IO, "%s", err.message);
	if (quiet)
		return BX_OK;
	struct zsim_pagestore *ps;
	uint64_t file_bytes = st.bytes_written;
	if (!zsim_pagestore_open(out, &ps, NULL)) {
		struct zsim_pagestore_info info;
		zsim_pagestore_info(ps, &info);
		file_bytes = info.file_bytes;
		report_processes(ps);
		zsim_pagestore_close(ps);
	}
	char b1[32], b2[32];
	fprintf(stderr,
		"zswapsim-bench: wrote %s: %" PRIu64 " pages (%s) in %" PRIu64 " snapshots of %" PRIu64
		" processes; %" PRIu64 " unique (dedup %.2fx); %s on disk (%.1fx smaller than raw)\n",
		out, st.pages, bench_human_bytes(st.pages * ZSIM_PAGE_SIZE, b1, sizeof(b1)), res->snapshots,
		res->processes, st.unique, st.unique ? (double)st.pages / (double)st.unique : 0.0,
		bench_human_bytes(file_bytes, b2, sizeof(b2)),
		file_bytes ? (double)(st.pages * ZSIM_PAGE_SIZE) / (double)file_bytes : 0.0);
	fprintf(stderr,
		"zswapsim-bench: skipped %" PRIu64 " stack/environment pages%s, %" PRIu64
		" swapped out, %" PRIu64 " unreadable\n",
		res->skipped_stack, res->skipped_stack ? " (--include-stack reads them)" : "",
		res->skipped_swapped, res->unreadable);
	static const char *const why[] = {"", "--stop-after time", "--stop-at-rss size",
					  "--stop-signal"};
	if (res->stopped > 0 && res->stopped <= 3)
		fprintf(stderr, "zswapsim-bench: stopped at the %s: last snapshot taken%s\n",
			why[res->stopped], have_status ? ", the command killed" : "");
	else if (have_status) {
		if (WIFEXITED(res->exit_status))
			fprintf(stderr, "zswapsim-bench: the command exited with status %d\n",
				WEXITSTATUS(res->exit_status));
		else if (WIFSIGNALED(res->exit_status))
			fprintf(stderr, "zswapsim-bench: the command was killed by signal %d\n",
				WTERMSIG(res->exit_status));
	}
	if (!st.pages)
		fprintf(stderr, "zswapsim-bench: warning: no pages were read\n");
	return BX_OK;
}

static int cmd_harvest(int argc, char **argv)
{
	enum { H_OUT = 256, H_INTERVAL, H_PID, H_COUNT, H_STACK, H_NOFOLLOW, H_CLEN, H_LEVEL,
	       H_FRAME, H_NOMETA, H_QUIET, H_HELP, H_FOLLOW, H_STOP_AFTER, H_STOP_RSS,
	       H_STOP_SIG };
	static const struct option lo[] = {
		{"out", required_argument, NULL, H_OUT},
		{"interval", required_argument, NULL, H_INTERVAL},
		{"pid", required_argument, NULL, H_PID},
		{"count", required_argument, NULL, H_COUNT},
		{"include-stack", no_argument, NULL, H_STACK},
		{"no-follow", no_argument, NULL, H_NOFOLLOW},
		{"follow-children", no_argument, NULL, H_FOLLOW},
		{"stop-after", required_argument, NULL, H_STOP_AFTER},
		{"stop-at-rss", required_argument, NULL, H_STOP_RSS},
		{"stop-signal", required_argument, NULL, H_STOP_SIG},
		{"clen", required_argument, NULL, H_CLEN},
		{"level", required_argument, NULL, H_LEVEL},
		{"frame-pages", required_argument, NULL, H_FRAME},
		{"no-meta", no_argument, NULL, H_NOMETA},
		{"quiet", no_argument, NULL, H_QUIET},
		{"help", no_argument, NULL, H_HELP},
		{NULL, 0, NULL, 0},
	};
	const char *out = NULL;
	const char *clen[MAX_CLEN];
	unsigned nclen = 0;
	uint64_t interval = 0, pid = 0, count = 0, level = 0, frame = 0;
	bool no_meta = false, quiet = false;
	struct zsim_harvest_opts ho = {0};
	ho.no_follow = 1; /* children only on request (--follow-children) */
	int stop_sig = 0;
	int opt;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "+o:hq", lo, NULL)) != -1) {
		switch (opt) {
		case 'o': case H_OUT: out = optarg; break;
		case H_INTERVAL:
			if (parse_num("interval", optarg, 1, 86400000, &interval))
				return BX_USAGE;
			break;
		case H_PID:
			if (parse_num("pid", optarg, 1, INT32_MAX, &pid))
				return BX_USAGE;
			break;
		case H_COUNT:
			if (parse_num("count", optarg, 1, UINT32_MAX, &count))
				return BX_USAGE;
			break;
		case H_STACK: ho.include_stack = 1; break;
		case H_NOFOLLOW: ho.no_follow = 1; break;
		case H_FOLLOW: ho.no_follow = 0; break;
		case H_STOP_AFTER: {
			char *end;
			double s = strtod(optarg, &end);
			if (*end || !(s > 0) || s > 31536000)
				return msg(BX_USAGE, "bad value '%s' for --stop-after (seconds, "
						     "0..31536000, fractions allowed)", optarg);
			ho.stop_after_ms = (uint64_t)(s * 1000 + 0.5);
			if (!ho.stop_after_ms)
				ho.stop_after_ms = 1;
			break;
		}
		case H_STOP_RSS:
			if (bench_parse_size(optarg, &ho.stop_at_anon_bytes) ||
			    ho.stop_at_anon_bytes < ZSIM_PAGE_SIZE)
				return msg(BX_USAGE, "bad value '%s' for --stop-at-rss (bytes, K/M/G "
						     "suffixes, >= 4096)", optarg);
			break;
		case H_STOP_SIG:
			if ((stop_sig = parse_signal(optarg)) <= 0)
				return msg(BX_USAGE, "bad value '%s' for --stop-signal (USR1, USR2, HUP, "
						     "TERM, INT, ALRM, or 1..%d)", optarg, SIGRTMAX);
			break;
		case H_CLEN:
			if (nclen == MAX_CLEN)
				return msg(BX_USAGE, "at most %d --clen", MAX_CLEN);
			clen[nclen++] = optarg;
			break;
		case H_LEVEL:
			if (parse_num("level", optarg, 1, 22, &level))
				return BX_USAGE;
			break;
		case H_FRAME:
			if (parse_num("frame-pages", optarg, 1, ZSIM_PAGESTORE_MAX_FRAME_PAGES, &frame))
				return BX_USAGE;
			break;
		case H_NOMETA: no_meta = true; break;
		case 'q': case H_QUIET: quiet = true; break;
		case 'h': case H_HELP: harvest_usage(stdout); return BX_OK;
		default:
			fprintf(stderr, "zswapsim-bench: try \'zswapsim-bench harvest --help\'\n");
			return BX_USAGE;
		}
	}
	char **cmd = argv + optind;
	int ncmd = argc - optind;
	if (!out)
		return msg(BX_USAGE, "zswapsim-bench: --out FILE is required (try --help)");
	if (pid && ncmd)
		return msg(BX_USAGE, "zswapsim-bench: give either --pid or a command, not both");
	if (!pid && !ncmd)
		return msg(BX_USAGE, "zswapsim-bench: give a command after -- (or --pid PID)");
	if (count && !pid)
		return msg(BX_USAGE, "zswapsim-bench: --count applies to --pid");

	struct zsim_pagestore_writer_opts wo = {.frame_pages = (unsigned)frame,
						.zstd_level = (int)level,
						.clen_specs = nclen ? clen : NULL,
						.nr_clen_specs = nclen};
	struct zsim_pagestore_writer *w;
	struct zsim_pagestore_error err;
	int rc = zsim_pagestore_writer_open(out, &wo, &w, &err);
	if (rc)
		return msg(rc == ZSIM_ENOENT ? BX_CONFIG : rc == ZSIM_EIO ? BX_IO : BX_USAGE, "%s",
			   err.message);
	put_common_meta(w);
	if (!no_meta) {
		put_host_meta(w);
		if (ncmd) {
			char *j = join_args(cmd);
			if (j)
				zsim_pagestore_writer_meta(w, "command", j);
			free(j);
		} else {
			char v[32];
			snprintf(v, sizeof(v), "%" PRIu64, pid);
			zsim_pagestore_writer_meta(w, "pid", v);
		}
		char v[32];
		snprintf(v, sizeof(v), "%" PRIu64, interval);
		zsim_pagestore_writer_meta(w, "interval_ms", v);
		zsim_pagestore_writer_meta(w, "stack", ho.include_stack ? "included" : "skipped");
	}
	struct progress pr = {isatty(STDERR_FILENO), quiet, 0, 0};
	ho.progress = on_snapshot;
	ho.progress_arg = &pr;
	ho.interval_ms = (unsigned)interval;
	struct zsim_harvest_result res;
	memset(&res, 0, sizeof(res));
	if (ncmd) {
		/* Ctrl-C reaches the command (same process group); it exits and
		 * its exit stop is read; the harvester itself carries on. */
		struct sigaction ign = {.sa_handler = SIG_IGN}, old_int, old_quit, old_stop;
		sigaction(SIGINT, &ign, &old_int);
		sigaction(SIGQUIT, &ign, &old_quit);
		if (stop_sig) {
			struct sigaction sa = {.sa_handler = on_stop};
			sigaction(stop_sig, &sa, &old_stop);
			ho.stop_flag = &stop_flag;
		}
		rc = zsim_harvest_run(w, cmd, &ho, &res, &err);
		if (stop_sig)
			sigaction(stop_sig, &old_stop, NULL);
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGQUIT, &old_quit, NULL);
	} else {
		struct sigaction sa = {.sa_handler = on_stop}, old_int, old_term, old_stop;
		sigaction(SIGINT, &sa, &old_int);
		sigaction(SIGTERM, &sa, &old_term);
		if (stop_sig)
			sigaction(stop_sig, &sa, &old_stop);
		/* With a stop condition and no --interval, the one snapshot is
		 * taken at the stop; SIGINT/SIGTERM stop as the stop signal does. */
		const bool waiting = ho.stop_after_ms || ho.stop_at_anon_bytes || stop_sig;
		const uint64_t t0 = mono_ns();
		uint64_t next = waiting && !interval ? UINT64_MAX : t0;
		for (uint64_t k = 0;;) {
			const uint64_t now = mono_ns();
			int why = 0;
			if (stop_flag)
				why = ZSIM_HARVEST_STOP_SIGNAL;
			else if (ho.stop_after_ms && now >= t0 + ho.stop_after_ms * 1000000u)
				why = ZSIM_HARVEST_STOP_TIME;
			else if (ho.stop_at_anon_bytes && proc_rss_anon(pid) >= ho.stop_at_anon_bytes)
				why = ZSIM_HARVEST_STOP_MEMORY;
			if (!why && now < next) {
				if (kill((pid_t)pid, 0) && errno == ESRCH) {
					if (!quiet)
						msg(0, "process %" PRIu64 " exited", pid);
					break;
				}
				sleep_ms(20);
				continue;
			}
			rc = zsim_harvest_pid(w, (int)pid, &ho, now - t0,
					      why ? ZSIM_PAGESTORE_SNAP_STOP : 0, &res, &err);
			if (rc == ZSIM_ESRCH && k > 0) {
				rc = 0; /* it exited: keep what we have */
				if (!quiet)
					fprintf(stderr, "%szswapsim-bench: process %" PRIu64 " exited\n",
						pr.tty ? "\n" : "", pid);
				break;
			}
			k++;
			if (why)
				res.stopped = why;
			if (rc || why || (!interval && !waiting) || (count && k >= count))
				break;
			next = interval ? mono_ns() + interval * 1000000u : UINT64_MAX;
		}
		res.processes = res.snapshots ? 1 : 0;
		if (stop_sig)
			sigaction(stop_sig, &old_stop, NULL);
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
	}
	if (pr.tty && !quiet && pr.n)
		fputc('\n', stderr);
	if (rc) {
		zsim_pagestore_writer_abort(w);
		int code = rc == ZSIM_ENOENT ? BX_HARVEST_RUN : exit_for(rc);
		if (rc == ZSIM_EPERM && ncmd)
			code = BX_HARVEST_PERM;
		return msg(code, "%s", err.message);
	}
	return finish_store(w, out, quiet, &res, ncmd > 0);
}

/* --- pagestore ------------------------------------------------------------- */

static void pagestore_usage(FILE *out)
{
	fprintf(out,
"usage: zswapsim-bench pagestore info FILE\n"
"       zswapsim-bench pagestore verify FILE\n"
"       zswapsim-bench pagestore pack IN OUT [--clen SPEC]... [--level N] [--frame-pages N]\n"
"       zswapsim-bench pagestore unpack IN OUT\n"
"       zswapsim-bench pagestore sizes FILE [--clen SPEC]... [--chain-size N] [--legacy]\n"
"\n"
"info     what a page store holds: pages, unique pages, frames, side tables,\n"
"         metadata, snapshots\n"
"verify   decode every frame and check every page against its hash\n"
"pack     a raw page file or a page store into a (new) page store, e.g. to add\n"
"         clen tables (--clen lz4 --clen zstd) or recompress (--level 19)\n"
"unpack   the logical pages as a raw page file\n"
"sizes    allocator-only estimate from the clen tables: every page that is not\n"
"         same-filled and compresses below a page is allocated in a simulated\n"
"         zsmalloc; prints the pool size and ratio per codec without\n"
"         compressing (a --clen SPEC the store lacks is computed on the fly)\n"
"\n"
"Exit codes: 0 ok, 2 usage, 3 cannot read/write, 4 corrupt or truncated store,\n"
"5 unknown codec.\n");
}

static int open_store(const char *path, struct zsim_pagestore **ps)
{
	struct zsim_pagestore_error err;
	int rc = zsim_pagestore_open(path, ps, &err);
	if (rc)
		return msg(exit_for(rc), "%s", err.message);
	return 0;
}

static int ps_info(const char *path)
{
	struct zsim_pagestore *ps;
	int rc = open_store(path, &ps);
	if (rc)
		return rc;
	struct zsim_pagestore_info i;
	zsim_pagestore_info(ps, &i);
	char b1[32], b2[32], b3[32];
	printf("page store  %s (format v%u)\n", path, i.version);
	printf("pages       %" PRIu64 " (%s raw)\n", i.pages, bench_human_bytes(i.pages * ZSIM_PAGE_SIZE, b1, sizeof(b1)));
	printf("unique      %" PRIu64 " (dedup %.2fx)\n", i.unique,
	       i.unique ? (double)i.pages / (double)i.unique : 0.0);
	printf("frames      %" PRIu64 " of %u pages, %s compressed\n", i.frames, i.frame_pages,
	       bench_human_bytes(i.frame_bytes, b2, sizeof(b2)));
	printf("file        %s (%.2fx smaller than the raw pages)\n", bench_human_bytes(i.file_bytes, b3, sizeof(b3)),
	       i.file_bytes ? (double)(i.pages * ZSIM_PAGE_SIZE) / (double)i.file_bytes : 0.0);
	printf("hashes      %s\n", i.has_hashes ? "yes (checked on read)" : "no");
	for (unsigned t = 0; t < i.clen_tables; t++) {
		const char *spec, *desc;
		zsim_pagestore_clen_table(ps, t, &spec, &desc);
		uint64_t sum = 0, fit = 0;
		for (uint64_t p = 0; p < i.pages; p++) {
			unsigned len;
			zsim_pagestore_clen(ps, t, p, &len);
			if (len < ZSIM_PAGE_SIZE) {
				sum += len;
				fit++;
			}
		}
		printf("clen        %-16s %-36s mean %.0f B over %" PRIu64 " pages that fit, %" PRIu64
		       " do not\n",
		       spec, desc, fit ? (double)sum / (double)fit : 0.0, fit, i.pages - fit);
	}
	const char *k, *v;
	for (unsigned m = 0; !zsim_pagestore_meta_at(ps, m, &k, &v); m++)
		printf("meta        %s = %s\n", k, v);
	for (uint64_t s = 0; s < i.snapshots; s++) {
		struct zsim_pagestore_snapshot sn;
		zsim_pagestore_snapshot(ps, s, &sn);
		printf("snapshot    %3" PRIu64 "  pages %" PRIu64 "..%" PRIu64 "  pid %u %s  t=%.3f s%s%s\n",
		       s, sn.first_page, sn.first_page + sn.pages, sn.pid, sn.comm,
		       (double)sn.time_ns / 1e9, sn.flags & ZSIM_PAGESTORE_SNAP_EXIT ? "  exit" : "",
		       sn.flags & ZSIM_PAGESTORE_SNAP_STACK ? "  with stack" : "");
	}
	zsim_pagestore_close(ps);
	return BX_OK;
}

static int ps_verify(const char *path)
{
	struct zsim_pagestore *ps;
	int rc = open_store(path, &ps);
	if (rc)
		return rc;
	rc = zsim_pagestore_verify(ps);
	if (rc) {
		int code = msg(exit_for(rc), "%s", zsim_pagestore_last_error(ps)->message);
		zsim_pagestore_close(ps);
		return code;
	}
	struct zsim_pagestore_info i;
	zsim_pagestore_info(ps, &i);
	printf("%s: ok: %" PRIu64 " pages, %" PRIu64 " unique, %" PRIu64 " frames verified\n", path,
	       i.pages, i.unique, i.frames);
	zsim_pagestore_close(ps);
	return BX_OK;
}

/* Pages of IN (a raw page file or a store), in chunks, to a callback. */
typedef int (*page_sink)(void *arg, const unsigned char *pages, uint64_t n);

static int each_page(const char *in, page_sink sink, void *arg)
{
	int probe = zsim_pagestore_probe_file(in);
	if (probe < 0)
		return msg(BX_IO, "%s: cannot read: %s", in, strerror(errno));
	enum { CHUNK = 256 };
	unsigned char *buf = malloc((size_t)CHUNK * ZSIM_PAGE_SIZE);
	if (!buf)
		return msg(BX_INTERNAL, "out of memory");
	int rc = 0;
	if (probe) {
		struct zsim_pagestore *ps;
		if ((rc = open_store(in, &ps))) {
			free(buf);
			return rc;
		}
		struct zsim_pagestore_info i;
		zsim_pagestore_info(ps, &i);
		for (uint64_t p = 0; p < i.pages && !rc; p += CHUNK) {
			uint64_t n = i.pages - p < CHUNK ? i.pages - p : CHUNK;
			int r = zsim_pagestore_read_pages(ps, p, n, buf);
			if (r)
				rc = msg(exit_for(r), "%s", zsim_pagestore_last_error(ps)->message);
			else
				rc = sink(arg, buf, n);
		}
		zsim_pagestore_close(ps);
	} else {
		FILE *f = fopen(in, "rb");
		if (!f) {
			free(buf);
			return msg(BX_IO, "%s: cannot open: %s", in, strerror(errno));
		}
		size_t got;
		while (!rc && (got = fread(buf, 1, (size_t)CHUNK * ZSIM_PAGE_SIZE, f)) > 0) {
			if (got % ZSIM_PAGE_SIZE) {
				rc = msg(BX_CORPUS, "%s: size is not a multiple of %u (raw pages)", in,
					 ZSIM_PAGE_SIZE);
				break;
			}
			rc = sink(arg, buf, got / ZSIM_PAGE_SIZE);
		}
		if (!rc && ferror(f))
			rc = msg(BX_IO, "%s: read error", in);
		fclose(f);
	}
	free(buf);
	return rc;
}

static int sink_store(void *arg, const unsigned char *pages, uint64_t n)
{
	int rc = zsim_pagestore_add(arg, pages, n, NULL);
	return rc ? msg(exit_for(rc), "cannot add pages: %s", zsim_strerror(rc)) : 0;
}

static int sink_file(void *arg, const unsigned char *pages, uint64_t n)
{
	size_t len = (size_t)n * ZSIM_PAGE_SIZE;
	return fwrite(pages, 1, len, arg) == len ? 0 : msg(BX_IO, "write error: %s", strerror(errno));
}

/* Pages [from, to) of a store into the writer. */
static int copy_range(struct zsim_pagestore *src, struct zsim_pagestore_writer *w,
		      unsigned char *buf, uint64_t from, uint64_t to)
{
	for (uint64_t p = from; p < to; p += 256) {
		uint64_t n = to - p < 256 ? to - p : 256;
		int r = zsim_pagestore_read_pages(src, p, n, buf);
		if (r)
			return msg(exit_for(r), "%s", zsim_pagestore_last_error(src)->message);
		if ((r = sink_store(w, buf, n)))
			return r;
	}
	return 0;
}

/* A store's pages, metadata and snapshots into the writer. */
static int copy_store(const char *in, struct zsim_pagestore_writer *w)
{
	struct zsim_pagestore *src;
	int rc = open_store(in, &src);
	if (rc)
		return rc;
	unsigned char *buf = malloc((size_t)256 * ZSIM_PAGE_SIZE);
	if (!buf) {
		zsim_pagestore_close(src);
		return msg(BX_INTERNAL, "out of memory");
	}
	struct zsim_pagestore_info i;
	zsim_pagestore_info(src, &i);
	uint64_t done = 0;
	for (uint64_t s = 0; s < i.snapshots && !rc; s++) {
		struct zsim_pagestore_snapshot sn;
		zsim_pagestore_snapshot(src, s, &sn);
		rc = copy_range(src, w, buf, done, sn.first_page + sn.pages);
		done = sn.first_page + sn.pages;
		if (!rc && zsim_pagestore_writer_snapshot(w, sn.pid, sn.comm, sn.time_ns, sn.flags))
			rc = msg(BX_INTERNAL, "cannot copy snapshot %" PRIu64, s);
	}
	if (!rc)
		rc = copy_range(src, w, buf, done, i.pages);
	const char *k, *v;
	for (unsigned m = 0; !rc && !zsim_pagestore_meta_at(src, m, &k, &v); m++)
		zsim_pagestore_writer_meta(w, k, v);
	free(buf);
	zsim_pagestore_close(src);
	return rc;
}

static int ps_pack(const char *in, const char *out, const char **clen, unsigned nclen,
		   uint64_t level, uint64_t frame)
{
	int probe = zsim_pagestore_probe_file(in);
	if (probe < 0)
		return msg(BX_IO, "%s: cannot read: %s", in, strerror(errno));
	struct zsim_pagestore_writer_opts wo = {.frame_pages = (unsigned)frame,
						.zstd_level = (int)level,
						.clen_specs = nclen ? clen : NULL,
						.nr_clen_specs = nclen};
	struct zsim_pagestore_writer *w;
	struct zsim_pagestore_error err;
	int rc = zsim_pagestore_writer_open(out, &wo, &w, &err);
	if (rc)
		return msg(rc == ZSIM_ENOENT ? BX_CONFIG : rc == ZSIM_EIO ? BX_IO : BX_USAGE, "%s",
			   err.message);
	if (probe) {
		rc = copy_store(in, w);
	} else {
		rc = each_page(in, sink_store, w);
		if (!rc) {
			put_common_meta(w);
			zsim_pagestore_writer_meta(w, "packed_from", in);
		}
	}
	if (rc) {
		zsim_pagestore_writer_abort(w);
		return rc;
	}
	rc = zsim_pagestore_writer_close(w, &err);
	if (rc)
		return msg(BX_IO, "%s", err.message);
	char b1[32];
	struct zsim_pagestore *ps;
	if (!zsim_pagestore_open(out, &ps, NULL)) {
		struct zsim_pagestore_info i;
		zsim_pagestore_info(ps, &i);
		fprintf(stderr, "zswapsim-bench: wrote %s: %" PRIu64 " pages, %" PRIu64 " unique, %s\n", out,
			i.pages, i.unique, bench_human_bytes(i.file_bytes, b1, sizeof(b1)));
		zsim_pagestore_close(ps);
	}
	return BX_OK;
}

static int ps_unpack(const char *in, const char *out)
{
	if (zsim_pagestore_probe_file(in) != 1)
		return msg(BX_CORPUS, "%s: not a page store", in);
	FILE *f = fopen(out, "wb");
	if (!f)
		return msg(BX_IO, "%s: cannot create: %s", out, strerror(errno));
	int rc = each_page(in, sink_file, f);
	if (fclose(f) && !rc)
		rc = msg(BX_IO, "%s: write error: %s", out, strerror(errno));
	if (rc)
		unlink(out);
	return rc;
}

static bool same_filled(const unsigned char *p)
{
	uint64_t w0, w;
	memcpy(&w0, p, 8);
	for (unsigned i = 8; i < ZSIM_PAGE_SIZE; i += 8) {
		memcpy(&w, p + i, 8);
		if (w != w0)
			return false;
	}
	return true;
}

static int ps_sizes(const char *path, const char **clen, unsigned nclen, uint64_t chain,
		    bool legacy)
{
	struct zsim_pagestore *ps;
	int rc = open_store(path, &ps);
	if (rc)
		return rc;
	struct zsim_pagestore_info info;
	zsim_pagestore_info(ps, &info);
	/* which unique pages are same-filled (zswap keeps no object for them) */
	unsigned char *same = calloc((size_t)(info.unique ? info.unique : 1), 1);
	unsigned char page[ZSIM_PAGE_SIZE];
	for (uint64_t u = 0; u < info.unique && !rc; u++) {
		int r = zsim_pagestore_read_unique(ps, u, page);
		if (r)
			rc = msg(exit_for(r), "%s", zsim_pagestore_last_error(ps)->message);
		else
			same[u] = same_filled(page);
	}
	const char *specs[MAX_CLEN];
	unsigned n = 0;
	if (nclen) {
		for (unsigned i = 0; i < nclen; i++)
			specs[n++] = clen[i];
	} else {
		for (unsigned t = 0; t < info.clen_tables && n < MAX_CLEN; t++)
			zsim_pagestore_clen_table(ps, t, &specs[n++], NULL);
	}
	if (!rc && !n)
		rc = msg(BX_USAGE, "%s has no clen tables: give --clen SPEC (or pack it with --clen)",
			 path);
	if (!rc)
		printf("%-16s %10s %10s %10s %10s %14s %10s %8s %8s\n", "codec", "pages", "same",
		       "nofit", "stored", "pool_bytes", "pool", "ratio", "ideal");
	for (unsigned s = 0; s < n && !rc; s++) {
		int t = zsim_pagestore_clen_find(ps, specs[s]);
		struct zsim_codec *codec = NULL;
		if (t < 0 && (rc = zsim_codec_create(specs[s], NULL, &codec))) {
			rc = msg(BX_CONFIG, "unknown codec '%s': %s", specs[s], zsim_strerror(rc));
			break;
		}
		struct zsim_zpool_config zc = {.type = "zsmalloc",
					       .era = legacy ? ZSIM_ZS_ERA_LEGACY : ZSIM_ZS_ERA_CHAIN,
					       .chain_size = (unsigned)chain};
		struct zsim_zpool *pool;
		if ((rc = zsim_zpool_create(&zc, &pool))) {
			zsim_codec_destroy(codec);
			rc = msg(BX_CONFIG, "cannot create the pool: %s", zsim_strerror(rc));
			break;
		}
		uint64_t nsame = 0, nofit = 0, stored = 0, bytes = 0;
		unsigned char dst[ZSIM_PAGE_SIZE];
		for (uint64_t p = 0; p < info.pages && !rc; p++) {
			uint64_t u;
			zsim_pagestore_unique_id(ps, p, &u);
			if (same[u]) {
				nsame++;
				continue;
			}
			unsigned len;
			if (t >= 0) {
				zsim_pagestore_clen(ps, (unsigned)t, p, &len);
			} else {
				zsim_pagestore_read_page(ps, p, page);
				size_t dlen = ZSIM_PAGE_SIZE;
				len = zsim_codec_compress(codec, page, ZSIM_PAGE_SIZE, dst, &dlen)
					      ? ZSIM_PAGESTORE_CLEN_NONE
					      : (unsigned)dlen;
			}
			if (len >= ZSIM_PAGE_SIZE) {
				nofit++;
				continue;
			}
			zsim_handle_t h;
			int r = zsim_zpool_malloc(pool, len, 0, &h);
			if (r) {
				rc = msg(BX_INTERNAL, "zsmalloc: %s", zsim_strerror(r));
				break;
			}
			stored++;
			bytes += len;
		}
		struct zsim_zpool_stats zs;
		zsim_zpool_stats(pool, &zs);
		char b1[32];
		if (!rc)
			printf("%-16s %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %14" PRIu64
			       " %10s %8.2f %8.2f\n",
			       specs[s], info.pages, nsame, nofit, stored, zs.pages * ZSIM_PAGE_SIZE,
			       bench_human_bytes(zs.pages * ZSIM_PAGE_SIZE, b1, sizeof(b1)),
			       zs.pages ? (double)(stored * ZSIM_PAGE_SIZE) / (double)(zs.pages * ZSIM_PAGE_SIZE) : 0.0,
			       bytes ? (double)(stored * ZSIM_PAGE_SIZE) / (double)bytes : 0.0);
		zsim_zpool_destroy(pool);
		zsim_codec_destroy(codec);
	}
	free(same);
	zsim_pagestore_close(ps);
	return rc;
}

static int cmd_pagestore(int argc, char **argv)
{
	enum { P_CLEN = 256, P_LEVEL, P_FRAME, P_CHAIN, P_LEGACY, P_HELP };
	static const struct option lo[] = {
		{"clen", required_argument, NULL, P_CLEN},
		{"level", required_argument, NULL, P_LEVEL},
		{"frame-pages", required_argument, NULL, P_FRAME},
		{"chain-size", required_argument, NULL, P_CHAIN},
		{"legacy", no_argument, NULL, P_LEGACY},
		{"help", no_argument, NULL, P_HELP},
		{NULL, 0, NULL, 0},
	};
	const char *clen[MAX_CLEN];
	unsigned nclen = 0;
	uint64_t level = 0, frame = 0, chain = 0;
	bool legacy = false;
	int opt;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (opt) {
		case P_CLEN:
			if (nclen == MAX_CLEN)
				return msg(BX_USAGE, "at most %d --clen", MAX_CLEN);
			clen[nclen++] = optarg;
			break;
		case P_LEVEL:
			if (parse_num("level", optarg, 1, 22, &level))
				return BX_USAGE;
			break;
		case P_FRAME:
			if (parse_num("frame-pages", optarg, 1, ZSIM_PAGESTORE_MAX_FRAME_PAGES, &frame))
				return BX_USAGE;
			break;
		case P_CHAIN:
			if (parse_num("chain-size", optarg, 4, 16, &chain))
				return BX_USAGE;
			break;
		case P_LEGACY: legacy = true; break;
		case 'h': case P_HELP: pagestore_usage(stdout); return BX_OK;
		default:
			fprintf(stderr, "zswapsim-bench: try \'zswapsim-bench pagestore --help\'\n");
			return BX_USAGE;
		}
	}
	int n = argc - optind;
	const char *sub = n > 0 ? argv[optind] : NULL;
	char **a = argv + optind + 1;
	if (sub && !strcmp(sub, "info") && n == 2)
		return ps_info(a[0]);
	if (sub && !strcmp(sub, "verify") && n == 2)
		return ps_verify(a[0]);
	if (sub && !strcmp(sub, "pack") && n == 3)
		return ps_pack(a[0], a[1], clen, nclen, level, frame);
	if (sub && !strcmp(sub, "unpack") && n == 3)
		return ps_unpack(a[0], a[1]);
	if (sub && !strcmp(sub, "sizes") && n == 2)
		return ps_sizes(a[0], clen, nclen, chain, legacy);
	static const char *const subs = "info, verify, pack, unpack, sizes";
	if (!sub)
		msg(BX_USAGE, "pagestore: missing command (%s)", subs);
	else if (strcmp(sub, "info") && strcmp(sub, "verify") && strcmp(sub, "pack") &&
		 strcmp(sub, "unpack") && strcmp(sub, "sizes"))
		msg(BX_USAGE, "pagestore: unknown command '%s' (%s)", sub, subs);
	else
		msg(BX_USAGE, "pagestore %s: wrong number of arguments", sub);
	fprintf(stderr, "zswapsim-bench: try 'zswapsim-bench pagestore --help'\n");
	return BX_USAGE;
}

/* --- dispatch and the --corpus hook -------------------------------------- */

bool bench_extra_command(const char *name)
{
	return !strcmp(name, "harvest") || !strcmp(name, "pagestore") ||
	       !strcmp(name, "convert-capture");
}

int bench_extra_main(int argc, char **argv)
{
	/* getopt's own messages name argv[0]: make it the program's name. */
	const char *verb = argv[0];
	argv[0] = (char *)bench_prog;
	if (!strcmp(verb, "harvest"))
		return cmd_harvest(argc, argv);
	if (!strcmp(verb, "pagestore"))
		return cmd_pagestore(argc, argv);
	if (!strcmp(verb, "convert-capture"))
		return bench_cmd_convert_capture(argc, argv);
	return msg(BX_USAGE, "unknown command '%s'", verb);
}

int bench_pagestore_corpus(struct bench_input *in, const char *path, char *err, size_t errlen)
{
	int probe = zsim_pagestore_probe_file(path);
	if (probe != 1)
		return -1; /* not a store (or unreadable: the raw reader says why) */
	struct zsim_pagestore *ps;
	struct zsim_pagestore_error e;
	int rc = zsim_pagestore_open(path, &ps, &e);
	if (rc) {
		snprintf(err, errlen, "%s", e.message);
		return rc == ZSIM_EIO ? BX_IO : BX_CORPUS;
	}
	struct zsim_pagestore_info i;
	zsim_pagestore_info(ps, &i);
	if (!i.pages) {
		snprintf(err, errlen, "%s: the page store holds no pages", path);
		zsim_pagestore_close(ps);
		return BX_CORPUS;
	}
	/* Which snapshots: a harvest with --interval (or of several
	 * processes) holds each process several times. */
	uint64_t nsnap = 0;
	struct zsim_pagestore_snapshot s;
	while (!zsim_pagestore_snapshot(ps, nsnap, &s))
		nsnap++;
	const char *sel = in->snapshot ? in->snapshot : "last";
	uint64_t *first = NULL, *count = NULL, nsel = 0, total = 0;
	if (nsnap && strcmp(sel, "all")) {
		first = calloc(nsnap, sizeof(*first));
		count = calloc(nsnap, sizeof(*count));
		if (!first || !count) {
			free(first);
			free(count);
			zsim_pagestore_close(ps);
			snprintf(err, errlen, "out of memory");
			return BX_INTERNAL;
		}
		uint64_t idx;
		if (!strcmp(sel, "last") || !strcmp(sel, "largest")) {
			const bool last = !strcmp(sel, "last");
			/* Per process (pid): its last, or its largest, snapshot. */
			for (uint64_t a = 0; a < nsnap; a++) {
				struct zsim_pagestore_snapshot sa, sb;
				zsim_pagestore_snapshot(ps, a, &sa);
				bool pick = true;
				for (uint64_t b = 0; b < nsnap && pick; b++) {
					if (b == a)
						continue;
					zsim_pagestore_snapshot(ps, b, &sb);
					if (sb.pid != sa.pid)
						continue;
					if (last ? b > a
						 : (sb.pages > sa.pages || (sb.pages == sa.pages && b > a)))
						pick = false;
				}
				if (pick) {
					first[nsel] = sa.first_page;
					count[nsel++] = sa.pages;
					total += sa.pages;
				}
			}
		} else if (!bench_parse_u64(sel, &idx) && idx < nsnap) {
			zsim_pagestore_snapshot(ps, idx, &s);
			first[0] = s.first_page;
			count[0] = s.pages;
			nsel = 1;
			total = s.pages;
		} else {
			snprintf(err, errlen, "bad value '%s' for --snapshot (all, last, largest, or an "
				 "index 0..%" PRIu64 " of %s's snapshots)", sel, nsnap - 1, path);
			free(first);
			free(count);
			zsim_pagestore_close(ps);
			return BX_USAGE;
		}
		if (!total) {
			snprintf(err, errlen, "%s: --snapshot %s selects no pages", path, sel);
			free(first);
			free(count);
			zsim_pagestore_close(ps);
			return BX_CORPUS;
		}
	} else {
		total = i.pages;
	}
	if (nsnap)
		snprintf(in->snapshot_desc, sizeof(in->snapshot_desc),
			 "snapshot %s: %" PRIu64 " of %" PRIu64 " pages", sel, total, i.pages);
	else
		snprintf(in->snapshot_desc, sizeof(in->snapshot_desc), "no snapshots: all %" PRIu64
			 " pages", i.pages);
	if (total > SIZE_MAX / ZSIM_PAGE_SIZE ||
	    !(in->corpus = malloc((size_t)total * ZSIM_PAGE_SIZE))) {
		snprintf(err, errlen, "%s: cannot allocate %" PRIu64 " pages", path, total);
		free(first);
		free(count);
		zsim_pagestore_close(ps);
		return BX_INTERNAL;
	}
	if (first) {
		uint64_t at = 0;
		rc = 0;
		for (uint64_t k = 0; k < nsel && !rc; k++) {
			if (count[k])
				rc = zsim_pagestore_read_pages(ps, first[k], count[k],
							       in->corpus + at * ZSIM_PAGE_SIZE);
			at += count[k];
		}
	} else {
		rc = zsim_pagestore_read_pages(ps, 0, i.pages, in->corpus);
	}
	free(first);
	free(count);
	if (rc) {
		snprintf(err, errlen, "%s", zsim_pagestore_last_error(ps)->message);
		free(in->corpus);
		in->corpus = NULL;
		zsim_pagestore_close(ps);
		return rc == ZSIM_EIO ? BX_IO : BX_CORPUS;
	}
	zsim_pagestore_close(ps);
	in->map_len = 0;
	in->corpus_pages = total;
	in->corpus_path = strdup(path);
	return 0;
}
