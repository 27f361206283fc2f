/*
 * kcheck-guest: the program that runs inside the kernel-check guest.
 *
 * It models nothing: it is the workload whose pages the real kernel swaps.
 * In a fresh memory cgroup it reads N pages from a block device (O_DIRECT)
 * into a private anonymous mapping, hashes them, pushes them out with
 * memory.reclaim, prints the kernel's counters, prints where each page went
 * (its swap offset, from /proc/self/pagemap) so that the simulator can
 * store the pages in the kernel's own order, reads every page back,
 * checks the hashes and prints the counters again. Everything it prints is
 * a "KC key=value" line on stdout (the serial console). It also times the
 * swap-out (wall clock, its own CPU time, and /proc/stat's system and idle
 * time over it), so that the simulator's costs can be set from the
 * kernel's own run rather than fitted.
 *
 * Usage: kcheck-guest DEVICE NPAGES CGROUP_DIR [options]
 *   thp=1         map the pages with MADV_HUGEPAGE (large folios)
 *   readback=0    skip the read-back phase
 *   rounds=N      split the reclaim into N memory.reclaim writes (default 1)
 *   zswap=0       no zswap debugfs counters (zram runs)
 *   zram=DEV      print /sys/block/DEV/{mm_stat,io_stat,bd_stat}
 *   trace=1       trace the swap-out's schedule (tracefs): when zswap's
 *                 shrink work was queued, started and ended, and when the
 *                 storing task lost the CPU ("KC tr=" lines)
 *
 * Built static (gcc -static -O2) by scripts/kernel-check/kernel-check; not
 * part of the library.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096UL

static char cg[512];
static int opt_thp, opt_readback = 1, opt_rounds = 1, opt_zswap = 1;
static const char *opt_zram;
static int opt_trace;
#define TRACEFS "/sys/kernel/debug/tracing"

static void die(const char *what)
{
	printf("KC error=%s:%s\n", what, strerror(errno));
	fflush(stdout);
	exit(1);
}

static uint64_t hash_page(const unsigned char *p)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a, 64-bit */
	for (size_t i = 0; i < PAGE; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 1099511628211ULL;
	}
	return h;
}

static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	ssize_t n = write(fd, val, strlen(val));
	int err = n < 0 ? -errno : 0;
	close(fd);
	return err;
}

static char filebuf[1 << 16];

static const char *read_file(const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return NULL;
	ssize_t n = read(fd, filebuf, sizeof(filebuf) - 1);
	close(fd);
	if (n < 0)
		return NULL;
	filebuf[n] = 0;
	return filebuf;
}

/* Lines "name value" (vmstat, memory.stat, meminfo) printed as
 * KC <phase>.<group>.<name>=<value>, for the names that start with one of
 * the prefixes (NULL: every line). */
static void dump_kv(const char *phase, const char *group, const char *path,
		    const char *const *prefixes)
{
	const char *s = read_file(path);
	if (!s)
		return;
	char line[256];
	while (*s) {
		size_t n = strcspn(s, "\n");
		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, s, n);
		line[n] = 0;
		s += n + (s[n] == '\n');
		char name[128];
		unsigned long long v;
		if (sscanf(line, "%127[^: ]:%*[ ]%llu", name, &v) != 2 &&
		    sscanf(line, "%127s %llu", name, &v) != 2)
			continue;
		int keep = !prefixes;
		for (const char *const *p = prefixes; p && *p; p++)
			if (!strncmp(name, *p, strlen(*p)))
				keep = 1;
		if (keep)
			printf("KC %s.%s.%s=%llu\n", phase, group, name, v);
	}
}

static void dump_dir(const char *phase, const char *group, const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	char path[512];
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		const char *s = read_file(path);
		if (s)
			printf("KC %s.%s.%s=%s", phase, group, e->d_name, s);
	}
	closedir(d);
}

static void dump_line(const char *phase, const char *name, const char *path)
{
	const char *s = read_file(path);
	if (!s)
		return;
	/* The kernel pads the fields with spaces; print them one space apart. */
	printf("KC %s.%s=", phase, name);
	int first = 1;
	while (*s && *s != '\n') {
		while (*s == ' ')
			s++;
		if (!*s || *s == '\n')
			break;
		if (!first)
			putchar(' ');
		first = 0;
		while (*s && *s != ' ' && *s != '\n')
			putchar(*s++);
	}
	putchar('\n');
}

static void dump(const char *phase)
{
	static const char *const vm[] = {"zswp", "pswp", "swpout", "swpin", "thp_swp",
					  "pgmajfault", NULL};
	static const char *const ms[] = {"zswap", "anon", "swap", "pswp", "thp_swp",
					 "zswp", NULL};
	static const char *const mi[] = {"MemTotal", "Zswap", "SwapTotal", "SwapFree", NULL};
	char path[600];
	if (opt_zswap)
		dump_dir(phase, "zswap", "/sys/kernel/debug/zswap");
	dump_kv(phase, "vmstat", "/proc/vmstat", vm);
	snprintf(path, sizeof(path), "%s/memory.stat", cg);
	dump_kv(phase, "memcg", path, ms);
	dump_kv(phase, "meminfo", "/proc/meminfo", mi);
	if (opt_zram) {
		snprintf(path, sizeof(path), "/sys/block/%s/mm_stat", opt_zram);
		dump_line(phase, "zram.mm_stat", path);
		snprintf(path, sizeof(path), "/sys/block/%s/io_stat", opt_zram);
		dump_line(phase, "zram.io_stat", path);
		snprintf(path, sizeof(path), "/sys/block/%s/bd_stat", opt_zram);
		dump_line(phase, "zram.bd_stat", path);
	}
	fflush(stdout);
}

static uint64_t now_ns(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* /proc/stat's "cpu" line: system (+irq, softirq) and idle (+iowait)
 * ticks of all CPUs; 0 and 0 if it cannot be read. */
static void proc_stat_times(unsigned long long *sys, unsigned long long *idle)
{
	unsigned long long us = 0, ni = 0, sy = 0, id = 0, io = 0, irq = 0, sirq = 0;
	FILE *f = fopen("/proc/stat", "r");
	*sys = *idle = 0;
	if (!f)
		return;
	if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu", &us, &ni, &sy, &id, &io, &irq,
		   &sirq) == 7) {
		*sys = sy + irq + sirq;
		*idle = id + io;
	}
	fclose(f);
}

/* The storing task's context switches (/proc/self/status). */
static void ctxt_switches(unsigned long long *vol, unsigned long long *invol)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");
	*vol = *invol = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "voluntary_ctxt_switches: %llu", vol);
		sscanf(line, "nonvoluntary_ctxt_switches: %llu", invol);
	}
	fclose(f);
}

/* Every kworker's CPU time and times scheduled in (/proc/PID/schedstat),
 * summed: the shrink worker is one of them. */
static void kworker_sched(unsigned long long *run_ns, unsigned long long *slices)
{
	*run_ns = *slices = 0;
	DIR *d = opendir("/proc");
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		char path[300], comm[64] = "";
		snprintf(path, sizeof(path), "/proc/%s/comm", e->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		int ok = fgets(comm, sizeof(comm), f) != NULL;
		fclose(f);
		if (!ok || strncmp(comm, "kworker", 7))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/schedstat", e->d_name);
		unsigned long long run = 0, wait = 0, n = 0;
		if ((f = fopen(path, "r"))) {
			if (fscanf(f, "%llu %llu %llu", &run, &wait, &n) == 3) {
				*run_ns += run;
				*slices += n;
			}
			fclose(f);
		}
	}
	closedir(d);
}

/* Tracing of the swap-out: the work queue's events and the scheduler's
 * switches, timestamped with CLOCK_MONOTONIC (trace_clock mono). */
static void trace_start(void)
{
	write_file(TRACEFS "/tracing_on", "0");
	write_file(TRACEFS "/trace", "");
	write_file(TRACEFS "/trace_clock", "mono");
	write_file(TRACEFS "/buffer_size_kb", "16384");
	write_file(TRACEFS "/events/workqueue/workqueue_queue_work/enable", "1");
	write_file(TRACEFS "/events/workqueue/workqueue_execute_start/enable", "1");
	write_file(TRACEFS "/events/workqueue/workqueue_execute_end/enable", "1");
	write_file(TRACEFS "/events/sched/sched_switch/enable", "1");
	/* every LRU entry the shrink worker visits, with what it did to it */
	if (write_file(TRACEFS "/kprobe_events", "r:kcvisit shrink_memcg_cb ret=$retval") == 0)
		write_file(TRACEFS "/events/kprobes/kcvisit/enable", "1");
	write_file(TRACEFS "/tracing_on", "1");
}

/* "KC tr=US,KIND": microseconds since t0; KIND Q the shrink work queued,
 * S started, E ended; P the storing task preempted, W it slept, R it got
 * the CPU back; K a kworker slept; 0..5 the worker visited an LRU entry
 * (enum lru_status: 1 written back, 2 rotated, 4 retry). */
static void trace_dump(uint64_t t0, const char *me)
{
	write_file(TRACEFS "/tracing_on", "0");
	FILE *f = fopen(TRACEFS "/trace", "r");
	if (!f) {
		printf("KC trace=unavailable\n");
		return;
	}
	char line[512];
	unsigned long n = 0;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#')
			continue;
		const char *colon = strstr(line, ": ");
		char *ts = colon ? (char *)colon : NULL;
		while (ts && ts > line && ts[-1] != ' ')
			ts--;
		if (!ts)
			continue;
		double sec = strtod(ts, NULL);
		uint64_t t = (uint64_t)(sec * 1e9);
		long long us = ((long long)t - (long long)t0) / 1000;
		char kind = 0;
		if (strstr(line, "shrink_worker")) {
			if (strstr(line, "workqueue_queue_work"))
				kind = 'Q';
			else if (strstr(line, "workqueue_execute_start"))
				kind = 'S';
			else if (strstr(line, "workqueue_execute_end"))
				kind = 'E';
		} else if (strstr(line, "kcvisit:")) {
			const char *r = strstr(line, "ret=");
			if (r)
				kind = (char)('0' + (int)(strtoul(r + 4, NULL, 0) & 7));
		} else if (strstr(line, "sched_switch")) {
			char prev[64] = "";
			const char *p = strstr(line, "prev_comm=");
			const char *st = strstr(line, "prev_state=");
			const char *nx = strstr(line, "next_comm=");
			if (p && sscanf(p + 10, "%63s", prev) == 1 && !strcmp(prev, me) && st)
				kind = st[11] == 'R' ? 'P' : 'W';
			else if (p && !strncmp(prev, "kworker", 7) && st && st[11] != 'R')
				kind = 'K';
			else if (nx && !strncmp(nx + 10, me, strlen(me)))
				kind = 'R';
		}
		if (kind) {
			printf("KC tr=%lld,%c\n", us, kind);
			n++;
		}
	}
	fclose(f);
	printf("KC trace_events=%lu\n", n);
}

static unsigned long long memcg_stat(const char *key)
{
	char path[600];
	snprintf(path, sizeof(path), "%s/memory.stat", cg);
	const char *s = read_file(path);
	size_t kl = strlen(key);
	while (s && *s) {
		if (!strncmp(s, key, kl) && s[kl] == ' ')
			return strtoull(s + kl + 1, NULL, 10);
		s = strchr(s, '\n');
		if (s)
			s++;
	}
	return 0;
}

/* Which pages are the heads of transparent huge pages: "KC thp=INDEX"
 * (pagemap gives the frame, /proc/kpageflags its THP and head bits). */
static void print_thp_heads(const unsigned char *mem, size_t npages)
{
	int pm = open("/proc/self/pagemap", O_RDONLY);
	int kf = open("/proc/kpageflags", O_RDONLY);
	if (pm < 0 || kf < 0)
		die("kpageflags");
	size_t heads = 0;
	for (size_t i = 0; i < npages; i++) {
		uint64_t e, flags;
		if (pread(pm, &e, 8, (off_t)((uintptr_t)(mem + i * PAGE) / PAGE * 8)) != 8)
			die("pagemap read");
		if (!((e >> 63) & 1))
			continue;
		uint64_t pfn = e & ((1ULL << 55) - 1);
		if (pread(kf, &flags, 8, (off_t)(pfn * 8)) != 8)
			die("kpageflags read");
		if (((flags >> 22) & 1) && ((flags >> 15) & 1)) { /* THP, COMPOUND_HEAD */
			printf("KC thp=%zu\n", i);
			heads++;
		}
	}
	printf("KC thp_heads=%zu\n", heads);
	close(pm);
	close(kf);
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: kcheck-guest DEVICE NPAGES CGROUP_DIR [opts]\n");
		return 2;
	}
	const char *dev = argv[1];
	size_t npages = strtoul(argv[2], NULL, 10);
	snprintf(cg, sizeof(cg), "%s", argv[3]);
	for (int i = 4; i < argc; i++) {
		if (!strncmp(argv[i], "thp=", 4))
			opt_thp = atoi(argv[i] + 4);
		else if (!strncmp(argv[i], "readback=", 9))
			opt_readback = atoi(argv[i] + 9);
		else if (!strncmp(argv[i], "rounds=", 7))
			opt_rounds = atoi(argv[i] + 7);
		else if (!strncmp(argv[i], "zswap=", 6))
			opt_zswap = atoi(argv[i] + 6);
		else if (!strncmp(argv[i], "zram=", 5))
			opt_zram = argv[i] + 5;
		else if (!strncmp(argv[i], "trace=", 6))
			opt_trace = atoi(argv[i] + 6);
	}
	if (opt_rounds < 1)
		opt_rounds = 1;

	/* Join the group before touching anything we want charged there. */
	char path[600], pid[32];
	snprintf(path, sizeof(path), "%s/cgroup.procs", cg);
	snprintf(pid, sizeof(pid), "%d", getpid());
	if (write_file(path, pid))
		die("cgroup.procs");

	/* Our own state, allocated and locked before the pages under test. */
	uint64_t *hashes = calloc(npages, sizeof(*hashes));
	uint64_t *pagemap = calloc(npages, sizeof(*pagemap));
	if (!hashes || !pagemap)
		die("calloc");
	memset(hashes, 0, npages * sizeof(*hashes));
	memset(pagemap, 0, npages * sizeof(*pagemap));
	/* Lock everything the program maps from now on too (stdio's buffer,
	 * stack growth), on first touch, so that only the pages under test can
	 * be reclaimed: a reclaimed page of ours faulted back in would bring
	 * test pages with it through swap readahead. */
	static char outbuf[1 << 16];
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	if (mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT))
		die("mlockall");

	size_t len = npages * PAGE;
	size_t align = 2UL << 20;
	unsigned char *raw = mmap(NULL, len + align, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		die("mmap");
	unsigned char *mem = (unsigned char *)(((uintptr_t)raw + align - 1) & ~(align - 1));
	if (munlock(raw, len + align))
		die("munlock");
	if (madvise(mem, len, opt_thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE))
		die("madvise");

	int fd = open(dev, O_RDONLY | O_DIRECT);
	if (fd < 0)
		die("open device");
	for (size_t done = 0; done < len;) {
		size_t chunk = len - done < (1UL << 20) ? len - done : (1UL << 20);
		ssize_t n = pread(fd, mem + done, chunk, (off_t)done);
		if (n <= 0)
			die("read device");
		done += (size_t)n;
	}
	close(fd);
	for (size_t i = 0; i < npages; i++)
		hashes[i] = hash_page(mem + i * PAGE);
	printf("KC pages=%zu\n", npages);
	if (opt_thp)
		print_thp_heads(mem, npages);
	printf("KC anon_before_reclaim=%llu\n", memcg_stat("anon"));
	dump("filled");

	/* Push everything out through memory.reclaim, as proactive reclaim
	 * does; rounds > 1 asks for the anon size in pieces. */
	snprintf(path, sizeof(path), "%s/memory.reclaim", cg);
	unsigned long long sys0, idle0, sys1, idle1, vol0, inv0, vol1, inv1, kw0, kn0, kw1, kn1;
	if (opt_trace)
		trace_start();
	proc_stat_times(&sys0, &idle0);
	ctxt_switches(&vol0, &inv0);
	kworker_sched(&kw0, &kn0);
	uint64_t wall0 = now_ns(CLOCK_MONOTONIC), cpu0 = now_ns(CLOCK_THREAD_CPUTIME_ID);
	int tries = 0, writes = 0;
	unsigned long long last = ~0ULL;
	for (;;) {
		unsigned long long anon = memcg_stat("anon");
		/* Stop when a write made no progress twice: what is left is
		 * our own locked memory. */
		if (anon < PAGE)
			break;
		if (anon >= last && ++tries >= 2)
			break;
		last = anon;
		unsigned long long ask = anon / (unsigned)opt_rounds;
		if (ask < PAGE)
			ask = anon;
		char v[32];
		snprintf(v, sizeof(v), "%llu", ask);
		(void)write_file(path, v);
		writes++;
		printf("KC reclaim_write_anon=%d,%llu,%llu\n", writes, anon, memcg_stat("anon"));
	}
	uint64_t wall1 = now_ns(CLOCK_MONOTONIC), cpu1 = now_ns(CLOCK_THREAD_CPUTIME_ID);
	proc_stat_times(&sys1, &idle1);
	ctxt_switches(&vol1, &inv1);
	kworker_sched(&kw1, &kn1);
	printf("KC reclaim_writes=%d\nKC reclaim_failures=%d\n", writes, tries);
	/* The swap-out's timing: wall clock, the storing task's own CPU time
	 * (reclaim runs in its context), and every task's system and idle
	 * time from /proc/stat (USER_HZ ticks, as ns): system time beyond
	 * the task's own is mostly the kworkers (the shrink worker, I/O). */
	printf("KC reclaim_wall_ns=%llu\nKC reclaim_task_ns=%llu\n",
	       (unsigned long long)(wall1 - wall0), (unsigned long long)(cpu1 - cpu0));
	long hz = sysconf(_SC_CLK_TCK);
	if (hz > 0)
		printf("KC reclaim_sys_ns=%llu\nKC reclaim_idle_ns=%llu\n",
		       (sys1 - sys0) * 1000000000ULL / (unsigned long long)hz,
		       (idle1 - idle0) * 1000000000ULL / (unsigned long long)hz);
	/* How often the storing task gave the CPU away (preempted, or slept),
	 * and the kworkers' time and number of times on the CPU. */
	printf("KC reclaim_preempted=%llu\nKC reclaim_slept=%llu\n", inv1 - inv0, vol1 - vol0);
	printf("KC reclaim_kworker_ns=%llu\nKC reclaim_kworker_slices=%llu\n", kw1 - kw0, kn1 - kn0);
	if (opt_trace)
		trace_dump(wall0, "kcheck-guest");
	printf("KC anon_after_reclaim=%llu\n", memcg_stat("anon"));

	/* Where each page went: its swap type and offset. */
	int pm = open("/proc/self/pagemap", O_RDONLY);
	if (pm < 0)
		die("pagemap");
	if (pread(pm, pagemap, npages * 8, (off_t)((uintptr_t)mem / PAGE * 8)) !=
	    (ssize_t)(npages * 8))
		die("pagemap read");
	close(pm);
	dump("stored");
	/* Run-length form: "KC map=first_index,type,first_offset,count"
	 * for runs of consecutive offsets; offset -1 for a resident page. */
	size_t i = 0;
	while (i < npages) {
		uint64_t e = pagemap[i];
		int swapped = (e >> 62) & 1;
		long long type = swapped ? (long long)(e & 0x1f) : -1;
		long long off = swapped ? (long long)((e >> 5) & ((1ULL << 50) - 1)) : -1;
		size_t j = i + 1;
		while (j < npages) {
			uint64_t f = pagemap[j];
			int s2 = (f >> 62) & 1;
			long long t2 = s2 ? (long long)(f & 0x1f) : -1;
			long long o2 = s2 ? (long long)((f >> 5) & ((1ULL << 50) - 1)) : -1;
			if (t2 != type || (off < 0 ? o2 != -1 : o2 != off + (long long)(j - i)))
				break;
			j++;
		}
		printf("KC map=%zu,%lld,%lld,%zu\n", i, type, off, j - i);
		i = j;
	}
	fflush(stdout);

	if (opt_readback) {
		size_t bad = 0;
		for (size_t k = 0; k < npages; k++)
			if (hash_page(mem + k * PAGE) != hashes[k])
				bad++;
		printf("KC readback_mismatches=%zu\n", bad);
		dump("readback");
	}
	printf("KC done=1\n");
	fflush(stdout);
	return 0;
}
