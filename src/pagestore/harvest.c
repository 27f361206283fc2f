/*
 * harvest.c - reads a live process's private anonymous pages into a page
 * store: the pages reclaim would hand to zswap. /proc/PID/maps lists the
 * mappings, /proc/PID/pagemap says which pages are present and anonymous
 * (bit 63 present, bit 61 clear: not file-backed, not shared; the shared
 * zero page counts as file-backed and is skipped, as reclaim never swaps
 * it), /proc/PID/mem gives the bytes. zsim_harvest_run runs a command as a
 * ptrace'd child and harvests it at intervals and in its exit stop
 * (PTRACE_O_TRACEEXIT), where the exiting thread has not yet released its
 * memory, so the final state is read before the process is reaped.
 *
 * Differences from what the kernel would swap: a snapshot reads all
 * present anonymous pages, hot or cold (the kernel picks cold ones by
 * LRU); an interval snapshot reads a running process page by page, so it
 * is not atomic (a page may change between two reads); pages already
 * swapped out are counted, not read. The main stack and the argument and
 * environment block are skipped unless asked for, because they hold
 * environment variables and other secrets; data a program copied to its
 * heap is still read.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/compiler.h"
#include "pagestore_internal.h"

#define PM_PRESENT (UINT64_C(1) << 63)
#define PM_SWAPPED (UINT64_C(1) << 62)
#define PM_FILE (UINT64_C(1) << 61)
#define READ_BATCH 64u /* pages per /proc/PID/mem read */

/* PAGEMAP_SCAN (Linux 6.7+, include/uapi/linux/fs.h): the kernel walks the
 * page tables and returns only the ranges that match, so sparse mappings
 * of terabytes (sanitizer shadows, reserved heaps) cost nothing. Spelled
 * out because older headers lack it; the values are UAPI. */
#define ZS_PAGE_IS_FILE (1u << 2)
#define ZS_PAGE_IS_PRESENT (1u << 3)
#define ZS_PAGE_IS_SWAPPED (1u << 4)
#define ZS_PAGE_IS_PFNZERO (1u << 5)
struct zs_page_region {
	uint64_t start, end, categories;
};
struct zs_pm_scan_arg {
	uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
	uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
};
#define ZS_PAGEMAP_SCAN _IOWR('f', 16, struct zs_pm_scan_arg)

static int errno_code(int e)
{
	switch (e) {
	case EACCES:
	case EPERM: return ZSIM_EPERM;
	case ENOENT:
	case ESRCH: return ZSIM_ESRCH;
	case ENOMEM: return ZSIM_ENOMEM;
	default: return ZSIM_EIO;
	}
}

static int proc_error(struct zsim_pagestore_error *err, int e, int pid, const char *file)
{
	int code = errno_code(e);
	if (code == ZSIM_EPERM)
		return zsim_ps_error(err, code, "harvest", 0, 0,
				     "/proc/%d/%s: permission denied: reading a process's memory needs "
				     "ptrace access (your own child; a process of your user when "
				     "kernel.yama.ptrace_scope is 0; any process as root or with "
				     "CAP_SYS_PTRACE)",
				     pid, file);
	if (code == ZSIM_ESRCH)
		return zsim_ps_error(err, code, "harvest", 0, 0,
				     "process %d vanished (it exited or never existed)", pid);
	return zsim_ps_error(err, code, "harvest", 0, 0, "/proc/%d/%s: %s", pid, file, strerror(e));
}

struct region {
	uint64_t start, end;
	bool stack;
};

static bool skip_name(const char *name, bool *stack)
{
	*stack = !strncmp(name, "[stack", 6);
	return !strcmp(name, "[vvar]") || !strcmp(name, "[vdso]") || !strcmp(name, "[vsyscall]") ||
	       !strcmp(name, "[vvar_vclock]") || !strcmp(name, "[uprobes]");
}

/* The private mappings of pid, in address order. */
static int read_maps(int pid, struct region **out, size_t *n, struct zsim_pagestore_error *err)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return proc_error(err, errno, pid, "maps");
	struct region *r = NULL;
	size_t cap = 0;
	*n = 0;
	char line[4096 + 256];
	int rc = 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long s, e;
		char perms[8];
		int name_at = 0;
		if (sscanf(line, "%llx-%llx %7s %*s %*s %*s %n", &s, &e, perms, &name_at) < 3)
			continue;
		if (strlen(perms) < 4 || perms[3] != 'p' || e <= s)
			continue;
		char *name = line + name_at;
		name[strcspn(name, "\n")] = 0;
		bool stack;
		if (skip_name(name, &stack))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			struct region *q = realloc(r, cap * sizeof(*q));
			if (!q) {
				rc = zsim_ps_error(err, ZSIM_ENOMEM, "harvest", 0, 0, "out of memory");
				break;
			}
			r = q;
		}
		r[(*n)++] = (struct region){s, e, stack};
	}
	if (!rc && ferror(f))
		rc = proc_error(err, errno, pid, "maps");
	fclose(f);
	if (rc) {
		free(r);
		return rc;
	}
	*out = r;
	return 0;
}

/* Fields 48..51 of /proc/PID/stat: arg_start arg_end env_start env_end. */
static void read_argenv(int pid, uint64_t ae[4])
{
	memset(ae, 0, 4 * sizeof(uint64_t));
	char path[64], buf[4096];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t k = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (k <= 0)
		return;
	buf[k] = 0;
	char *p = strrchr(buf, ')'); /* comm may hold spaces and ')' */
	if (!p)
		return;
	p++;
	/* p now points before field 3 */
	unsigned field = 2;
	char *save = NULL;
	for (char *tok = strtok_r(p, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		field++;
		if (field >= 48 && field <= 51)
			ae[field - 48] = strtoull(tok, NULL, 10);
	}
}

static void read_comm(int pid, char comm[16])
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	memset(comm, 0, 16);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t k = read(fd, comm, 15);
	close(fd);
	if (k > 0)
		comm[strcspn(comm, "\n")] = 0;
	else
		comm[0] = 0;
}

static bool in_range(uint64_t page, uint64_t lo, uint64_t hi)
{
	/* page [page, page+4096) overlaps [lo, hi) */
	return lo < hi && page < hi && page + ZSIM_PAGE_SIZE > lo;
}

static int pread_full(int fd, void *buf, size_t n, uint64_t off)
{
	unsigned char *p = buf;
	size_t got = 0;
	while (got < n) {
		ssize_t k = pread(fd, p + got, n - got, (off_t)off + (off_t)got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return k == 0 ? (int)got : -1;
		got += (size_t)k;
	}
	return (int)got;
}

struct reader {
	int pid, mem_fd;
	struct zsim_pagestore_writer *w;
	unsigned char *buf;
	struct zsim_harvest_result *res;
	struct zsim_pagestore_error *err;
	uint64_t run_start;  /* first address of the pending run */
	unsigned run_len;    /* pages */
};

/* Read the pending run of pages and add them; unreadable pages are
 * counted and skipped. */
static int flush_run(struct reader *r)
{
	if (!r->run_len)
		return 0;
	size_t want = (size_t)r->run_len * ZSIM_PAGE_SIZE;
	int got = pread_full(r->mem_fd, r->buf, want, r->run_start);
	int rc = 0;
	if (got == (int)want) {
		rc = zsim_pagestore_add(r->w, r->buf, r->run_len, NULL);
		if (!rc)
			r->res->pages += r->run_len;
	} else {
		/* page by page: skip the ones that fail */
		for (unsigned i = 0; i < r->run_len && !rc; i++) {
			uint64_t a = r->run_start + (uint64_t)i * ZSIM_PAGE_SIZE;
			if (pread_full(r->mem_fd, r->buf, ZSIM_PAGE_SIZE, a) == (int)ZSIM_PAGE_SIZE) {
				rc = zsim_pagestore_add(r->w, r->buf, 1, NULL);
				if (!rc)
					r->res->pages++;
			} else {
				r->res->unreadable++;
			}
		}
	}
	r->run_len = 0;
	if (rc)
		return zsim_ps_error(r->err, rc, "harvest", 0, 0, "cannot add pages to the store: %s",
				     zsim_strerror(rc));
	return 0;
}

static int add_page(struct reader *r, uint64_t addr)
{
	if (r->run_len && (r->run_start + (uint64_t)r->run_len * ZSIM_PAGE_SIZE != addr ||
			   r->run_len == READ_BATCH)) {
		int rc = flush_run(r);
		if (rc)
			return rc;
	}
	if (!r->run_len)
		r->run_start = addr;
	r->run_len++;
	return 0;
}

struct scan {
	struct reader *r;
	int pm_fd;
	uint64_t *pm;       /* 512 pagemap entries (fallback) */
	bool skip_stack;
	uint64_t ae[4];     /* arg_start arg_end env_start env_end */
	bool use_ioctl;     /* PAGEMAP_SCAN works here */
};

static int take(struct scan *sc, const struct region *reg, uint64_t page)
{
	if (sc->skip_stack && (reg->stack || in_range(page, sc->ae[0], sc->ae[1]) ||
			       in_range(page, sc->ae[2], sc->ae[3]))) {
		sc->r->res->skipped_stack++;
		return 0;
	}
	return add_page(sc->r, page);
}

/* Pages of one mapping that are present and anonymous, by PAGEMAP_SCAN.
 * 1 if the ioctl is not available (use the fallback), 0, or an error. */
static int scan_ioctl(struct scan *sc, const struct region *reg)
{
	struct zs_page_region v[256];
	uint64_t a = reg->start;
	while (a < reg->end) {
		struct zs_pm_scan_arg arg = {
			.size = sizeof(arg), .start = a, .end = reg->end,
			.vec = (uint64_t)(uintptr_t)v, .vec_len = 256,
			.category_mask = ZS_PAGE_IS_PRESENT | ZS_PAGE_IS_FILE | ZS_PAGE_IS_PFNZERO,
			.category_inverted = ZS_PAGE_IS_FILE | ZS_PAGE_IS_PFNZERO,
			.return_mask = ZS_PAGE_IS_PRESENT,
		};
		int n = ioctl(sc->pm_fd, ZS_PAGEMAP_SCAN, &arg);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (a == reg->start && (errno == ENOTTY || errno == EINVAL || errno == EOPNOTSUPP))
				return 1;
			return proc_error(sc->r->err, errno, sc->r->pid, "pagemap");
		}
		for (int k = 0; k < n; k++)
			for (uint64_t p = v[k].start; p < v[k].end; p += ZSIM_PAGE_SIZE) {
				int rc = take(sc, reg, p);
				if (rc)
					return rc;
			}
		if (arg.walk_end <= a)
			break;
		a = arg.walk_end;
	}
	/* anonymous pages already in swap: counted, not read */
	for (a = reg->start; a < reg->end;) {
		struct zs_pm_scan_arg arg = {
			.size = sizeof(arg), .start = a, .end = reg->end,
			.vec = (uint64_t)(uintptr_t)v, .vec_len = 256,
			.category_mask = ZS_PAGE_IS_SWAPPED | ZS_PAGE_IS_FILE,
			.category_inverted = ZS_PAGE_IS_FILE,
			.return_mask = ZS_PAGE_IS_SWAPPED,
		};
		int n = ioctl(sc->pm_fd, ZS_PAGEMAP_SCAN, &arg);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		for (int k = 0; k < n; k++)
			sc->r->res->skipped_swapped += (v[k].end - v[k].start) / ZSIM_PAGE_SIZE;
		if (arg.walk_end <= a)
			break;
		a = arg.walk_end;
	}
	return 0;
}

/* The same by reading /proc/PID/pagemap entries (kernels before 6.7). */
static int scan_read(struct scan *sc, const struct region *reg)
{
	for (uint64_t a = reg->start; a < reg->end;) {
		uint64_t n = ZSIM_MIN((reg->end - a) / ZSIM_PAGE_SIZE, (uint64_t)512);
		int got = pread_full(sc->pm_fd, sc->pm, (size_t)n * 8, (a / ZSIM_PAGE_SIZE) * 8);
		if (got < 0)
			return proc_error(sc->r->err, errno, sc->r->pid, "pagemap");
		n = (uint64_t)got / 8;
		if (!n)
			break; /* the process went away under us */
		for (uint64_t k = 0; k < n; k++) {
			uint64_t page = a + k * ZSIM_PAGE_SIZE, e = sc->pm[k];
			if (e & PM_FILE)
				continue;
			if (!(e & PM_PRESENT)) {
				if (e & PM_SWAPPED)
					sc->r->res->skipped_swapped++;
				continue;
			}
			int rc = take(sc, reg, page);
			if (rc)
				return rc;
		}
		a += n * ZSIM_PAGE_SIZE;
	}
	return 0;
}

static int scan_region(struct scan *sc, const struct region *reg)
{
	if (sc->use_ioctl) {
		int rc = scan_ioctl(sc, reg);
		if (rc <= 0)
			return rc;
		sc->use_ioctl = false;
	}
	return scan_read(sc, reg);
}

int zsim_harvest_pid(struct zsim_pagestore_writer *w, int pid, const struct zsim_harvest_opts *o,
		     uint64_t time_ns, uint32_t flags, struct zsim_harvest_result *res,
		     struct zsim_pagestore_error *err)
{
	if (!w || pid <= 0)
		return zsim_ps_error(err, ZSIM_EINVAL, "harvest", 0, 0, "bad arguments");
	struct zsim_harvest_opts def = {0};
	struct zsim_harvest_result dummy;
	if (!o)
		o = &def;
	if (!res) {
		memset(&dummy, 0, sizeof(dummy));
		res = &dummy;
	}
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	int mem_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (mem_fd < 0)
		return proc_error(err, errno, pid, "mem");
	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	int pm_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (pm_fd < 0) {
		int e = errno;
		close(mem_fd);
		return proc_error(err, e, pid, "pagemap");
	}
	struct region *reg = NULL;
	size_t nreg = 0;
	int rc = read_maps(pid, &reg, &nreg, err);
	uint64_t ae[4];
	read_argenv(pid, ae);
	char comm[16];
	read_comm(pid, comm);
	const bool with_stack = o->include_stack != 0;
	const uint64_t pages_before = res->pages;
	struct reader r = {pid, mem_fd, w, malloc((size_t)READ_BATCH * ZSIM_PAGE_SIZE), res, err, 0, 0};
	uint64_t *pm = malloc(512 * sizeof(uint64_t));
	if (!rc && (!r.buf || !pm))
		rc = zsim_ps_error(err, ZSIM_ENOMEM, "harvest", 0, 0, "out of memory");
	/* ZSIM_HARVEST_NO_PAGEMAP_SCAN forces the pre-6.7 path (tests use it) */
	struct scan sc = {&r, pm_fd, pm, !with_stack, {ae[0], ae[1], ae[2], ae[3]},
			  getenv("ZSIM_HARVEST_NO_PAGEMAP_SCAN") == NULL};
	for (size_t i = 0; i < nreg && !rc; i++)
		rc = scan_region(&sc, &reg[i]);
	if (!rc)
		rc = flush_run(&r);
	if (rc == ZSIM_ESRCH && res->pages > pages_before) {
		/* it exited or exec'd while being read: what was read stays a
		 * snapshot of its own, so pages are never attributed to the
		 * next one */
		if (!zsim_pagestore_writer_snapshot(w, (uint32_t)pid, comm, time_ns, flags))
			res->snapshots++;
	}
	if (!rc) {
		rc = zsim_pagestore_writer_snapshot(w, (uint32_t)pid, comm, time_ns,
						    flags | (with_stack ? ZSIM_PAGESTORE_SNAP_STACK : 0));
		if (rc)
			zsim_ps_error(err, rc, "harvest", 0, 0, "cannot record the snapshot: %s",
				      zsim_strerror(rc));
		else
			res->snapshots++;
	}
	if (!rc && o->progress) {
		struct zsim_pagestore_writer_stats st;
		zsim_pagestore_writer_stats(w, &st);
		struct zsim_pagestore_snapshot s = {.pid = (uint32_t)pid, .time_ns = time_ns,
						    .flags = flags};
		memcpy(s.comm, comm, sizeof(s.comm));
		s.pages = res->pages - pages_before;
		s.first_page = st.pages - s.pages;
		o->progress(&st, &s, o->progress_arg);
	}
	free(pm);
	free(r.buf);
	free(reg);
	close(pm_fd);
	close(mem_fd);
	return rc;
}

/* --- running a command under ptrace ------------------------------------- */

struct tracee {
	pid_t tid, tgid;
	bool fresh;     /* its first stop (the attach SIGSTOP) is still due */
	bool exiting;   /* seen in its exit stop */
	bool exec_seen; /* runs the workload's code (the direct child only
			 * becomes that at its exec) */
};

struct run {
	struct tracee *t;
	size_t n, cap;
	pid_t child;
	uint64_t t0;
	pid_t *groups;   /* tgids harvested at least once */
	size_t ngroups;
};

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static pid_t tgid_of(pid_t tid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/status", tid);
	FILE *f = fopen(path, "re");
	if (!f)
		return tid;
	pid_t tgid = tid;
	while (fgets(buf, sizeof(buf), f))
		if (!strncmp(buf, "Tgid:", 5)) {
			tgid = (pid_t)atoi(buf + 5);
			break;
		}
	fclose(f);
	return tgid;
}

static int add_tracee(struct run *r, pid_t tid, pid_t tgid, bool fresh, bool exec_seen)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->t[i].tid == tid)
			return 0; /* already known (its stop came first) */
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		struct tracee *q = realloc(r->t, cap * sizeof(*q));
		if (!q)
			return ZSIM_ENOMEM;
		r->t = q;
		r->cap = cap;
	}
	r->t[r->n++] = (struct tracee){tid, tgid, fresh, false, exec_seen};
	return 0;
}

static void note_group(struct run *r, pid_t tgid)
{
	for (size_t i = 0; i < r->ngroups; i++)
		if (r->groups[i] == tgid)
			return;
	pid_t *g = realloc(r->groups, (r->ngroups + 1) * sizeof(*g));
	if (!g)
		return;
	r->groups = g;
	r->groups[r->ngroups++] = tgid;
}

static int snapshot(struct run *r, pid_t pid, pid_t tgid, uint32_t flags,
		    struct zsim_pagestore_writer *w, const struct zsim_harvest_opts *o,
		    struct zsim_harvest_result *res, struct zsim_pagestore_error *err)
{
	int rc = zsim_harvest_pid(w, pid, o, now_ns() - r->t0, flags, res, err);
	if (rc == ZSIM_ESRCH)
		return 0; /* it went away between two looks: nothing to read */
	if (!rc)
		note_group(r, tgid);
	return rc;
}

/* RssAnon of a process in bytes (0 if it is gone). */
static uint64_t rss_anon(pid_t pid)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
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

/* Is the tracee at i the first one listed of its thread group? */
static bool first_of_group(const struct run *r, size_t i)
{
	for (size_t k = 0; k < i; k++)
		if (r->t[k].tgid == r->t[i].tgid)
			return false;
	return true;
}

static void kill_all(struct run *r)
{
	for (size_t i = 0; i < r->n; i++)
		kill(r->t[i].tid, SIGKILL);
	for (size_t i = 0; i < r->n; i++) {
		int st;
		/* A killed tracee may still stop (its exit stop, a pending
		 * event): let it go on to its death. */
		while (waitpid(r->t[i].tid, &st, __WALL) > 0 && !WIFEXITED(st) && !WIFSIGNALED(st))
			if (WIFSTOPPED(st))
				ptrace(PTRACE_CONT, r->t[i].tid, 0, 0);
	}
	r->n = 0;
}

/* Stops every tracee before a chosen stop's last snapshot, so the
 * snapshot is atomic: a running process may unmap or mremap a buffer
 * between our read of its maps and of its pages (a realloc'd string
 * vanished from one such snapshot). Each thread gets SIGSTOP and is
 * waited for until it is in any ptrace stop (or gone); it is never
 * resumed, as kill_all follows. */
static void freeze_all(struct run *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (!r->t[i].exiting)
			syscall(SYS_tgkill, r->t[i].tgid, r->t[i].tid, SIGSTOP);
	for (size_t i = 0; i < r->n; i++) {
		if (r->t[i].exiting)
			continue; /* already held in its exit stop */
		int st;
		pid_t got = waitpid(r->t[i].tid, &st, __WALL);
		if (got > 0 && !WIFSTOPPED(st))
			r->t[i].exiting = true; /* it died meanwhile: nothing to read */
	}
}

static bool is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

/* One ptrace stop or exit of tracee i. */
static int handle(struct run *r, size_t i, int st, struct zsim_pagestore_writer *w,
		  const struct zsim_harvest_opts *o, struct zsim_harvest_result *res,
		  struct zsim_pagestore_error *err)
{
	struct tracee *t = &r->t[i];
	pid_t tid = t->tid;
	if (WIFEXITED(st) || WIFSIGNALED(st)) {
		if (tid == r->child)
			res->exit_status = st;
		r->t[i] = r->t[--r->n];
		return 0;
	}
	if (!WIFSTOPPED(st))
		return 0;
	int sig = WSTOPSIG(st), event = (unsigned)st >> 16, inject = 0, rc = 0;
	switch (event) {
	case PTRACE_EVENT_EXIT: {
		t->exiting = true;
		bool last = true;
		for (size_t k = 0; k < r->n; k++)
			if (r->t[k].tgid == t->tgid && !r->t[k].exiting)
				last = false;
		/* The last thread of the group to exit still holds the memory:
		 * read it through its own /proc/TID. */
		if (last && t->exec_seen)
			rc = snapshot(r, tid, t->tgid, ZSIM_PAGESTORE_SNAP_EXIT, w, o, res, err);
		break;
	}
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE: {
		unsigned long msg = 0;
		if (ptrace(PTRACE_GETEVENTMSG, tid, 0, &msg) == 0 && msg) {
			pid_t nt = (pid_t)msg;
			pid_t ng = event == PTRACE_EVENT_CLONE ? tgid_of(nt) : nt;
			rc = add_tracee(r, nt, ng, true, true);
			if (rc)
				zsim_ps_error(err, rc, "harvest", 0, 0, "out of memory");
		}
		break;
	}
	case PTRACE_EVENT_EXEC:
		t->exec_seen = true;
		t->tgid = tgid_of(tid);
		break;
	case 0:
		if (t->fresh && sig == SIGSTOP) {
			t->fresh = false;
			break;
		}
		if (is_stop_signal(sig)) {
			siginfo_t si;
			if (ptrace(PTRACE_GETSIGINFO, tid, 0, &si) < 0 && errno == EINVAL)
				break; /* a group-stop: resume it (stop semantics are lost) */
		}
		inject = sig == SIGTRAP ? 0 : sig;
		break;
	default:
		break;
	}
	if (ptrace(PTRACE_CONT, tid, 0, (void *)(long)inject) < 0 && errno != ESRCH && !rc)
		rc = zsim_ps_error(err, ZSIM_EIO, "harvest", 0, 0, "ptrace(CONT, %d): %s", tid,
				   strerror(errno));
	return rc;
}

int zsim_harvest_run(struct zsim_pagestore_writer *w, char *const argv[],
		     const struct zsim_harvest_opts *o, struct zsim_harvest_result *res,
		     struct zsim_pagestore_error *err)
{
	struct zsim_harvest_opts def = {0};
	struct zsim_harvest_result dummy;
	if (!o)
		o = &def;
	if (!res)
		res = &dummy;
	memset(res, 0, sizeof(*res));
	if (!w || !argv || !argv[0])
		return zsim_ps_error(err, ZSIM_EINVAL, "harvest", 0, 0, "no command");
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC))
		return zsim_ps_error(err, ZSIM_EIO, "harvest", 0, 0, "pipe: %s", strerror(errno));
	pid_t child = fork();
	if (child < 0) {
		int e = errno;
		close(pfd[0]);
		close(pfd[1]);
		return zsim_ps_error(err, ZSIM_EIO, "harvest", 0, 0, "fork: %s", strerror(e));
	}
	if (child == 0) {
		close(pfd[0]);
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		int e = 0;
		if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
			e = errno ? errno : EPERM;
		else {
			raise(SIGSTOP);
			execvp(argv[0], argv);
			e = errno;
		}
		ssize_t k = write(pfd[1], &e, sizeof(e));
		(void)k;
		_exit(127);
	}
	close(pfd[1]);
	struct run r = {.child = child, .t0 = now_ns()};
	int rc = 0, st;
	if (waitpid(child, &st, __WALL) != child || !WIFSTOPPED(st)) {
		int e = 0;
		ssize_t k = read(pfd[0], &e, sizeof(e));
		close(pfd[0]);
		if (!WIFSTOPPED(st) && (WIFEXITED(st) || WIFSIGNALED(st)) && k == sizeof(e))
			return zsim_ps_error(err, errno_code(e) == ZSIM_EPERM ? ZSIM_EPERM : ZSIM_EIO,
					     "harvest", 0, 0, "ptrace(TRACEME) refused: %s",
					     strerror(e));
		return zsim_ps_error(err, ZSIM_EIO, "harvest", 0, 0, "the child did not stop");
	}
	long opts = PTRACE_O_TRACEEXIT | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL;
	if (!o->no_follow)
		opts |= PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE;
	if (ptrace(PTRACE_SETOPTIONS, child, 0, (void *)opts) < 0) {
		int e = errno;
		kill(child, SIGKILL);
		waitpid(child, &st, __WALL);
		close(pfd[0]);
		return zsim_ps_error(err, errno_code(e) == ZSIM_EPERM ? ZSIM_EPERM : ZSIM_EIO,
				     "harvest", 0, 0, "ptrace(SETOPTIONS): %s", strerror(e));
	}
	rc = add_tracee(&r, child, child, false, false);
	if (!rc && ptrace(PTRACE_CONT, child, 0, 0) < 0)
		rc = zsim_ps_error(err, ZSIM_EIO, "harvest", 0, 0, "ptrace(CONT): %s", strerror(errno));
	uint64_t next = o->interval_ms ? now_ns() + (uint64_t)o->interval_ms * 1000000u : UINT64_MAX;
	uint64_t next_rss = 0;
	while (!rc && r.n) {
		bool any = false;
		for (size_t i = 0; i < r.n && !rc; i++) {
			pid_t got = waitpid(r.t[i].tid, &st, __WALL | WNOHANG);
			if (got == 0)
				continue;
			any = true;
			if (got < 0) { /* not ours any more */
				r.t[i] = r.t[--r.n];
				i--;
				continue;
			}
			size_t before = r.n;
			rc = handle(&r, i, st, w, o, res, err);
			if (r.n < before)
				i--; /* slot i now holds another tracee */
		}
		if (!rc && now_ns() >= next) {
			/* interval snapshot of every live group, once each */
			for (size_t i = 0; i < r.n && !rc; i++) {
				struct tracee *t = &r.t[i];
				if (first_of_group(&r, i) && t->exec_seen && !t->exiting)
					rc = snapshot(&r, t->tgid, t->tgid, 0, w, o, res, err);
			}
			next = now_ns() + (uint64_t)o->interval_ms * 1000000u;
		}
		/* A chosen stop: the last snapshot of every live group, then
		 * the processes are killed (PTRACE_O_EXITKILL would on our
		 * exit anyway). */
		int why = 0;
		const uint64_t now = now_ns();
		if (o->stop_flag && *o->stop_flag)
			why = ZSIM_HARVEST_STOP_SIGNAL;
		else if (o->stop_after_ms && now >= r.t0 + o->stop_after_ms * 1000000u)
			why = ZSIM_HARVEST_STOP_TIME;
		else if (o->stop_at_anon_bytes && now >= next_rss) {
			next_rss = now + 20000000u; /* 20 ms */
			uint64_t sum = 0;
			for (size_t i = 0; i < r.n; i++)
				/* Not before the exec: until then the child is
				 * a copy of the harvester. */
				if (first_of_group(&r, i) && r.t[i].exec_seen && !r.t[i].exiting)
					sum += rss_anon(r.t[i].tgid);
			if (sum >= o->stop_at_anon_bytes)
				why = ZSIM_HARVEST_STOP_MEMORY;
		}
		if (!rc && why) {
			freeze_all(&r);
			for (size_t i = 0; i < r.n && !rc; i++) {
				struct tracee *t = &r.t[i];
				if (first_of_group(&r, i) && t->exec_seen && !t->exiting)
					rc = snapshot(&r, t->tgid, t->tgid, ZSIM_PAGESTORE_SNAP_STOP, w,
						      o, res, err);
			}
			kill_all(&r);
			res->stopped = why;
			res->exit_status = W_EXITCODE(0, SIGKILL);
			break;
		}
		if (!any && !rc) {
			struct timespec ts = {0, 1000000}; /* 1 ms */
			nanosleep(&ts, NULL);
		}
	}
	if (rc)
		kill_all(&r);
	int e = 0;
	ssize_t k = read(pfd[0], &e, sizeof(e));
	close(pfd[0]);
	if (!rc && k == (ssize_t)sizeof(e))
		rc = zsim_ps_error(err, e == ENOENT ? ZSIM_ENOENT : errno_code(e), "harvest", 0, 0,
				   "cannot run '%s': %s", argv[0], strerror(e));
	res->processes = r.ngroups;
	free(r.t);
	free(r.groups);
	return rc;
}
