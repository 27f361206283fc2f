/*
 * test_pagestore_harvest.c - harvesting a live process: this program runs
 * itself as the workload ("--child MODE"), which fills anonymous pages
 * with known patterns (one distinct page per index and phase), keeps a
 * marker on its stack, and exits; env(1) running sleep(1) with a secret
 * in its environment checks the environment block. The
 * harvest must hold every patterned page of the final phase (read in the
 * ptrace exit stop), the earlier phase too when snapshots are taken at
 * intervals, a forked grandchild's pages unless following is off, and
 * neither the stack marker nor the secret unless the stack is included.
 * Also: a command that does not exist, a process that vanished, a process
 * we may not read.
 */
#define _GNU_SOURCE
#include <alloca.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

#define NPAGES 48
#define SECRET "zsim-secret-5f3a9c1e7b"
#define STACK_MARK "ZSIM-STACK-MARK!"

static char self[4096];
static char tmpdir[] = "/tmp/zsim-hv-XXXXXX";

/* Page i of phase ph: a tag, then bytes from a small LCG. */
static void pattern(unsigned ph, unsigned i, unsigned char *p)
{
	uint32_t x = 0x9E3779B9u * (i + 1) ^ (ph * 0x85EBCA6Bu);
	memcpy(p, "ZSIMHARV", 8);
	memcpy(p + 8, &i, 4);
	memcpy(p + 12, &ph, 4);
	for (unsigned k = 16; k < ZSIM_PAGE_SIZE; k++) {
		x = x * 1664525u + 1013904223u;
		p[k] = (unsigned char)((x >> 24) & 0x3F); /* compressible-ish */
	}
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts))
		;
}

static unsigned char *fill(unsigned ph)
{
	unsigned char *m = mmap(NULL, (size_t)NPAGES * ZSIM_PAGE_SIZE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		_exit(90);
	for (unsigned i = 0; i < NPAGES; i++)
		pattern(ph, i, m + (size_t)i * ZSIM_PAGE_SIZE);
	return m;
}

/* The workload. Modes: "plain" (phase 1 then exit 3), "phases" (phase 1,
 * wait, overwrite with phase 2, exit 0), "fork" (phase 1; a forked child
 * fills phase 5 and exits). */
static int child_main(const char *mode)
{
	/* alloca: on the thread's real stack even under ASan, whose fake
	 * stacks (anonymous mappings) may hold fixed-size locals */
	const size_t stack_len = 3 * ZSIM_PAGE_SIZE;
	volatile char *stackbuf = alloca(stack_len);
	for (size_t k = 0; k + 16 <= stack_len; k += 16)
		memcpy((char *)stackbuf + k, STACK_MARK, 16);
	unsigned char *m = fill(1);
	if (!strcmp(mode, "phases")) {
		sleep_ms(400);
		for (unsigned i = 0; i < NPAGES; i++)
			pattern(2, i, m + (size_t)i * ZSIM_PAGE_SIZE);
		sleep_ms(50);
		return 0;
	}
	if (!strcmp(mode, "fork")) {
		pid_t c = fork();
		if (c == 0) {
			fill(5);
			_exit(0);
		}
		int st;
		waitpid(c, &st, 0);
		return 0;
	}
	if (!strcmp(mode, "sleep")) {
		sleep_ms(5000);
		return 0;
	}
	(void)stackbuf[0];
	return 3;
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

struct found {
	unsigned pages[8][NPAGES]; /* [phase][index] occurrences */
	unsigned stack_marks, secrets;
	uint64_t total;
};

static void scan_store(const char *path, struct found *f)
{
	memset(f, 0, sizeof(*f));
	struct zsim_pagestore *ps;
	struct zsim_pagestore_error err;
	int rc = zsim_pagestore_open(path, &ps, &err);
	if (rc)
		fprintf(stderr, "%s\n", err.message);
	assert_int_equal(rc, 0);
	struct zsim_pagestore_info info;
	zsim_pagestore_info(ps, &info);
	f->total = info.pages;
	unsigned char page[ZSIM_PAGE_SIZE], want[ZSIM_PAGE_SIZE];
	for (uint64_t n = 0; n < info.pages; n++) {
		assert_int_equal(zsim_pagestore_read_page(ps, n, page), 0);
		if (memmem(page, sizeof(page), STACK_MARK, 16))
			f->stack_marks++;
		if (memmem(page, sizeof(page), SECRET, strlen(SECRET)))
			f->secrets++;
		if (memcmp(page, "ZSIMHARV", 8))
			continue;
		unsigned i, ph;
		memcpy(&i, page + 8, 4);
		memcpy(&ph, page + 12, 4);
		if (i >= NPAGES || ph >= 8)
			continue;
		pattern(ph, i, want);
		if (!memcmp(page, want, sizeof(want)))
			f->pages[ph][i]++;
	}
	zsim_pagestore_close(ps);
}

static unsigned count_phase(const struct found *f, unsigned ph)
{
	unsigned n = 0;
	for (unsigned i = 0; i < NPAGES; i++)
		n += f->pages[ph][i] > 0;
	return n;
}

static int harvest_argv(const char *name, char **argv, const struct zsim_harvest_opts *o,
			struct zsim_harvest_result *res, char *path, size_t plen)
{
	snprintf(path, plen, "%s/%s.zpk", tmpdir, name);
	struct zsim_pagestore_writer *w;
	struct zsim_pagestore_error err;
	assert_int_equal(zsim_pagestore_writer_open(path, NULL, &w, &err), 0);
	int rc = zsim_harvest_run(w, argv, o, res, &err);
	if (rc) {
		fprintf(stderr, "%s\n", err.message);
		zsim_pagestore_writer_abort(w);
		/* no ptrace rights here (a container without CAP_SYS_PTRACE) */
		if (rc == ZSIM_EPERM)
			zsim_test_skip("reading a child's memory is not permitted here");
		return rc;
	}
	assert_int_equal(zsim_pagestore_writer_close(w, &err), 0);
	return 0;
}

static int harvest(const char *name, const char *mode, const struct zsim_harvest_opts *o,
		   struct zsim_harvest_result *res, char *path, size_t plen)
{
	char *argv[] = {self, "--child", (char *)mode, NULL};
	return harvest_argv(name, argv, o, res, path, plen);
}

/* The environment check runs an uninstrumented program: a sanitizer
 * runtime copies the whole environment into an anonymous mapping at
 * start-up (a real case of "data copied to the heap"). env(1) execs
 * sleep(1) in the same process, whose environment stays on its stack. */
static void secret_check(bool include_stack)
{
	char path[512];
	struct zsim_harvest_opts o = {.include_stack = include_stack};
	struct zsim_harvest_result res;
	char *argv[] = {"env", "ZSIM_TEST_SECRET=" SECRET, "sleep", "0.05", NULL};
	assert_int_equal(harvest_argv(include_stack ? "env-stack" : "env", argv, &o, &res, path,
				      sizeof(path)),
			 0);
	assert_int_equal(WEXITSTATUS(res.exit_status), 0);
	struct found f;
	scan_store(path, &f);
	if (include_stack)
		assert_true(f.secrets > 0);
	else
		assert_int_equal(f.secrets, 0);
}

static void test_exit_snapshot(void **state)
{
	(void)state;
	char path[512];
	struct zsim_harvest_result res;
	assert_int_equal(harvest("plain", "plain", NULL, &res, path, sizeof(path)), 0);
	assert_true(WIFEXITED(res.exit_status));
	assert_int_equal(WEXITSTATUS(res.exit_status), 3);
	assert_int_equal(res.snapshots, 1);
	assert_int_equal(res.processes, 1);
	assert_true(res.skipped_stack > 0);
	struct found f;
	scan_store(path, &f);
	assert_int_equal(count_phase(&f, 1), NPAGES);
	assert_int_equal(f.stack_marks, 0);
	assert_int_equal(f.total, res.pages);

	/* the snapshot is recorded as taken at exit */
	struct zsim_pagestore *ps;
	assert_int_equal(zsim_pagestore_open(path, &ps, NULL), 0);
	struct zsim_pagestore_snapshot s;
	assert_int_equal(zsim_pagestore_snapshot(ps, 0, &s), 0);
	assert_true(s.flags & ZSIM_PAGESTORE_SNAP_EXIT);
	assert_false(s.flags & ZSIM_PAGESTORE_SNAP_STACK);
	assert_int_equal(s.pages, res.pages);
	zsim_pagestore_close(ps);

	/* the same through /proc/PID/pagemap reads (kernels before 6.7) */
	setenv("ZSIM_HARVEST_NO_PAGEMAP_SCAN", "1", 1);
	uint64_t pages_scan = res.pages;
	assert_int_equal(harvest("plain-read", "plain", NULL, &res, path, sizeof(path)), 0);
	unsetenv("ZSIM_HARVEST_NO_PAGEMAP_SCAN");
	scan_store(path, &f);
	assert_int_equal(count_phase(&f, 1), NPAGES);
	assert_int_equal(f.stack_marks, 0);
	/* the two paths see about the same pages (the runs differ a little) */
	assert_true(res.pages + 64 > pages_scan && pages_scan + 64 > res.pages);

	/* with the stack: the marker and the environment are there */
	struct zsim_harvest_opts o = {.include_stack = 1};
	assert_int_equal(harvest("stack", "plain", &o, &res, path, sizeof(path)), 0);
	assert_int_equal(res.skipped_stack, 0);
	scan_store(path, &f);
	assert_int_equal(count_phase(&f, 1), NPAGES);
	assert_true(f.stack_marks > 0);

	/* the environment block: skipped, then read with the stack */
	secret_check(false);
	secret_check(true);
}

static void test_intervals(void **state)
{
	(void)state;
	char path[512];
	struct zsim_harvest_result res;
	struct zsim_harvest_opts o = {.interval_ms = 40};
	assert_int_equal(harvest("phases", "phases", &o, &res, path, sizeof(path)), 0);
	assert_int_equal(WEXITSTATUS(res.exit_status), 0);
	assert_true(res.snapshots >= 3);
	struct found f;
	scan_store(path, &f);
	/* phase 1 only lived before the overwrite: interval snapshots saw
	 * it; phase 2 is what the exit snapshot read */
	assert_int_equal(count_phase(&f, 1), NPAGES);
	assert_int_equal(count_phase(&f, 2), NPAGES);
	/* the logical sequence keeps every snapshot's pages, duplicates too */
	assert_true(f.pages[1][0] >= 2);
	assert_int_equal(f.stack_marks, 0);
	struct zsim_pagestore *ps;
	assert_int_equal(zsim_pagestore_open(path, &ps, NULL), 0);
	struct zsim_pagestore_info info;
	zsim_pagestore_info(ps, &info);
	assert_int_equal(info.snapshots, res.snapshots);
	assert_true(info.unique < info.pages); /* repeated snapshots dedup */
	struct zsim_pagestore_snapshot s;
	assert_int_equal(zsim_pagestore_snapshot(ps, info.snapshots - 1, &s), 0);
	assert_true(s.flags & ZSIM_PAGESTORE_SNAP_EXIT);
	assert_int_equal(zsim_pagestore_snapshot(ps, 0, &s), 0);
	assert_false(s.flags & ZSIM_PAGESTORE_SNAP_EXIT);
	zsim_pagestore_close(ps);
}

static void test_follow(void **state)
{
	(void)state;
	char path[512];
	struct zsim_harvest_result res;
	assert_int_equal(harvest("fork", "fork", NULL, &res, path, sizeof(path)), 0);
	assert_int_equal(res.processes, 2);
	struct found f;
	scan_store(path, &f);
	assert_int_equal(count_phase(&f, 1), NPAGES);
	assert_int_equal(count_phase(&f, 5), NPAGES);

	struct zsim_harvest_opts o = {.no_follow = 1};
	assert_int_equal(harvest("nofollow", "fork", &o, &res, path, sizeof(path)), 0);
	assert_int_equal(res.processes, 1);
	scan_store(path, &f);
	assert_int_equal(count_phase(&f, 1), NPAGES);
	assert_int_equal(count_phase(&f, 5), 0);
}

static void test_errors(void **state)
{
	(void)state;
	char path[512];
	snprintf(path, sizeof(path), "%s/err.zpk", tmpdir);
	struct zsim_pagestore_writer *w;
	struct zsim_pagestore_error err;
	assert_int_equal(zsim_pagestore_writer_open(path, NULL, &w, &err), 0);

	char *argv[] = {"/nonexistent/zsim-no-such-command", NULL};
	assert_int_equal(zsim_harvest_run(w, argv, NULL, NULL, &err), ZSIM_ENOENT);
	assert_non_null(strstr(err.message, "zsim-no-such-command"));

	/* a process that is gone */
	pid_t c = fork();
	if (c == 0)
		_exit(0);
	int st;
	waitpid(c, &st, 0);
	assert_int_equal(zsim_harvest_pid(w, c, NULL, 0, 0, NULL, &err), ZSIM_ESRCH);
	assert_non_null(strstr(err.message, "vanished"));

	/* a process we may not read: as root, drop to nobody and try to read
	 * our parent; otherwise pid 1 */
	if (geteuid() == 0) {
		pid_t parent = getpid();
		c = fork();
		if (c == 0) {
			if (setgid(65534) || setuid(65534))
				_exit(99);
			struct zsim_pagestore_error e2;
			int rc = zsim_harvest_pid(w, parent, NULL, 0, 0, NULL, &e2);
			_exit(rc == ZSIM_EPERM && strstr(e2.message, "permission denied") ? 0 : 1);
		}
		waitpid(c, &st, 0);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), 0);
	} else {
		assert_int_equal(zsim_harvest_pid(w, 1, NULL, 0, 0, NULL, &err), ZSIM_EPERM);
	}
	/* --pid style: a running child we own, one snapshot */
	c = fork();
	if (c == 0) {
		execl(self, self, "--child", "sleep", (char *)NULL);
		_exit(127);
	}
	sleep_ms(300);
	struct zsim_harvest_result res = {0};
	assert_int_equal(zsim_harvest_pid(w, c, NULL, 0, 0, &res, &err), 0);
	assert_int_equal(res.snapshots, 1);
	kill(c, SIGKILL);
	waitpid(c, &st, 0);
	assert_int_equal(zsim_pagestore_writer_close(w, &err), 0);
	struct found f;
	scan_store(path, &f);
	assert_int_equal(count_phase(&f, 1), NPAGES);
}

int main(int argc, char **argv)
{
	/* _exit: no atexit handlers in the workload (LeakSanitizer's exit
	 * check cannot run under ptrace and would change the status) */
	if (argc == 3 && !strcmp(argv[1], "--child"))
		_exit(child_main(argv[2]));
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return 1;
	self[n] = 0;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_snapshot),
		cmocka_unit_test(test_intervals),
		cmocka_unit_test(test_follow),
		cmocka_unit_test(test_errors),
	};
#if defined(__SANITIZE_THREAD__)
	/* The children are this ThreadSanitizer binary: a snapshot walks the
	 * page map of its terabytes of shadow mappings: one snapshot did not end
	 * in 10 minutes.
	 * Harvesting is single-threaded; ASan and release run these. */
	zsim_test_skip_note("harvest under ThreadSanitizer: the child's shadow mappings "
			    "make a snapshot take over 10 minutes");
	(void)tests;
	return zsim_test_exit(0);
#endif
	return zsim_test_exit(cmocka_run_group_tests(tests, setup, teardown));
}
