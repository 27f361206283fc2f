/*
 * test_iaa_discovery.c - finding and opening an IAA work queue with no
 * IAA in the machine: libaccel-config missing (dlopen fails), the real
 * library with no devices, and a fake library (fake_accfg.c, through
 * $ZSIM_ACCFG_LIB) describing devices and WQs, down to a WQ whose
 * character device is a FIFO. mmap of a FIFO fails, so the driver takes
 * its genuine write() submission path, and a mock device thread reads the
 * 64-byte descriptors from the FIFO (iaa.md §5.2): discovery, open, the
 * NOOP probe, submission by write() and polling all run for real.
 */
#include "testutil.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iaa_mock.h"

static const char *fake_lib(void)
{
	return getenv("ZSIM_FAKE_ACCFG_LIB");
}

/* Use the fake library with this machine description. */
static bool fake(const char *machine)
{
	if (!fake_lib()) {
		zsim_test_skip_note("ZSIM_FAKE_ACCFG_LIB not set (run through ctest)");
		return false;
	}
	setenv("ZSIM_ACCFG_LIB", fake_lib(), 1);
	setenv("ZSIM_FAKE_IAX", machine, 1);
	return true;
}

static int discover(char *why, size_t len, struct zsim_iaa_wq_info *wqs)
{
	return zsim_iaa_discover(wqs, ZSIM_IAA_MAX_WQS, why, len);
}

static void test_no_library(void **state)
{
	(void)state;
	setenv("ZSIM_ACCFG_LIB", "/nonexistent/libaccel-config.so.1", 1);
	char why[256];
	assert_int_equal(zsim_codec_probe("deflate-iaa", why, sizeof(why)), ZSIM_ENODEV);
	assert_string_equal(why, "IAA unavailable: /nonexistent/libaccel-config.so.1 not found "
				 "(install libaccel-config1)");
	struct zsim_codec *c;
	assert_int_equal(zsim_codec_create("deflate-iaa", NULL, &c), ZSIM_ENODEV);
	assert_null(c);

	/* The real library, where it is installed: on a machine without IAA
	 * it starts and reports no device. */
	unsetenv("ZSIM_ACCFG_LIB");
	int rc = zsim_codec_probe("deflate-iaa", why, sizeof(why));
	print_message("# real libaccel-config: %s\n", why);
	assert_true(rc == 0 || rc == ZSIM_ENODEV);
	assert_null(strchr(why, '\n'));
}

static void test_fake_machines(void **state)
{
	(void)state;
	struct zsim_iaa_wq_info *wqs = calloc(ZSIM_IAA_MAX_WQS, sizeof(*wqs));
	char why[256];
	if (!fake("")) {
		free(wqs);
		return;
	}
	assert_int_equal(discover(why, sizeof(why), wqs), ZSIM_ENODEV);
	assert_string_equal(why, "no enabled IAA work queue (libaccel-config found 0 IAX devices)");

	fake("dev dsa0 dsa enabled 0 4;wq wq0.0 enabled user shared 10 0 16 /dev/dsa/wq0.0");
	assert_int_equal(discover(why, sizeof(why), wqs), ZSIM_ENODEV);
	assert_string_equal(why, "no enabled IAA work queue (libaccel-config found 0 IAX devices)");

	fake("dev iax1 iax disabled 0 8;wq wq1.0 enabled user shared 10 1 128 /dev/iax/wq1.0");
	assert_int_equal(discover(why, sizeof(why), wqs), ZSIM_ENODEV);
	assert_string_equal(why, "no enabled IAA work queue (libaccel-config found 1 IAX devices, "
				 "none enabled)");

	fake("dev iax1 iax enabled 4 8;wq wq1.0 enabled kernel dedicated 10 0 128 /x;"
	     "wq wq1.1 disabled user shared 10 1 64 /y");
	assert_int_equal(discover(why, sizeof(why), wqs), ZSIM_ENODEV);
	assert_string_equal(why, "no enabled IAA work queue (1 enabled IAX devices, 2 WQs, none "
				 "enabled with type user)");
	assert_int_equal(zsim_codec_probe("deflate-iaa", why, sizeof(why)), ZSIM_ENODEV);

	/* Usable WQs, shared first, then by priority. */
	fake("dev iax1 iax enabled 4 8;wq wq1.0 enabled user dedicated 10 1 32 /a;"
	     "wq wq1.1 enabled user shared 5 1 64 /b;wq wq1.2 enabled user shared 15 0 128 /c;"
	     "dev iax3 iax enabled 0 2;wq wq3.0 enabled user shared 1 0 16 /d");
	assert_int_equal(discover(why, sizeof(why), wqs), 4);
	assert_string_equal(why, "4 usable IAA work queues, first /c (iax1, shared)");
	const char *order[] = {"/c", "/b", "/d", "/a"};
	for (unsigned i = 0; i < 4; i++)
		assert_string_equal(wqs[i].path, order[i]);
	assert_true(wqs[0].shared && !wqs[3].shared);
	assert_false(wqs[0].block_on_fault);
	assert_true(wqs[1].block_on_fault);
	assert_int_equal(wqs[0].size, 128);
	assert_int_equal(wqs[0].engines, 8);
	assert_int_equal(wqs[2].engines, 2);
	assert_int_equal(wqs[0].gen_cap, 4);
	assert_string_equal(wqs[0].device, "iax1");
	assert_string_equal(wqs[0].name, "wq1.2");
	assert_int_equal(wqs[0].version, 0x100);
	/* Found, but none of these paths opens. */
	assert_int_equal(zsim_codec_probe("deflate-iaa", why, sizeof(why)), 0);
	struct zsim_codec *c;
	assert_int_equal(zsim_codec_create("deflate-iaa", NULL, &c), ZSIM_ENODEV);
	free(wqs);
}

/* A FIFO as the WQ's character device, a mock device reading it. */
struct fifo_dev {
	char dir[64], path[96];
	int fd;
	struct iaa_mock *mock;
};

static void fifo_up(struct fifo_dev *f, bool serve)
{
	snprintf(f->dir, sizeof(f->dir), "/tmp/zsim-iaa-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/wq1.0", f->dir);
	assert_int_equal(mkfifo(f->path, 0600), 0);
	f->fd = open(f->path, O_RDWR | O_NONBLOCK);
	assert_true(f->fd >= 0);
	struct iaa_mock_config cfg = {0};
	assert_int_equal(iaa_mock_create(&cfg, &f->mock), 0);
	if (serve)
		assert_int_equal(iaa_mock_serve_fd(f->mock, f->fd), 0);
}

static void fifo_down(struct fifo_dev *f)
{
	iaa_mock_destroy(f->mock);
	close(f->fd);
	unlink(f->path);
	rmdir(f->dir);
}

static void test_write_path(void **state)
{
	(void)state;
	struct fifo_dev f;
	fifo_up(&f, true);
	struct zsim_iaa_wq_info wq = {.shared = true, .size = 128, .threshold = 128};
	snprintf(wq.path, sizeof(wq.path), "%s", f.path);
	struct zsim_iaa_portal p;
	char why[256];
	assert_int_equal(zsim_iaa_portal_open(&wq, &p, why, sizeof(why)), 0);
	assert_string_equal(p.ops->name, "write"); /* mmap of a FIFO fails */
	assert_null(p.map);
	struct iaa_mock_stats st;
	iaa_mock_stats(f.mock, &st);
	assert_int_equal(st.noops, 1); /* the probe */
	zsim_iaa_portal_close(&p);

	/* A WQ whose device never answers: the NOOP times out. */
	struct fifo_dev g;
	fifo_up(&g, false);
	snprintf(wq.path, sizeof(wq.path), "%s", g.path);
	assert_int_equal(zsim_iaa_portal_open(&wq, &p, why, sizeof(why)), ZSIM_ENODEV);
	assert_non_null(strstr(why, "a NOOP descriptor did not complete"));
	/* Nor does a path that is not there. */
	snprintf(wq.path, sizeof(wq.path), "%s/none", g.dir);
	assert_int_equal(zsim_iaa_portal_open(&wq, &p, why, sizeof(why)), ZSIM_ENODEV);
	assert_non_null(strstr(why, "No such file"));
	fifo_down(&g);
	fifo_down(&f);
}

/* The whole driver: discovery (fake library) -> open -> write() -> the
 * mock device -> records -> zswap. */
static void test_driver_over_fifo(void **state)
{
	(void)state;
	struct fifo_dev f;
	fifo_up(&f, true);
	char machine[512];
	snprintf(machine, sizeof(machine),
		 "dev iax1 iax enabled 4 8;wq wq1.0 enabled user shared 10 0 128 %s/missing;"
		 "wq wq1.1 enabled user shared 5 0 128 %s",
		 f.dir, f.path);
	if (!fake(machine)) {
		fifo_down(&f);
		return;
	}
	struct zsim_codec *c;
	assert_int_equal(zsim_codec_create("deflate-iaa", NULL, &c), 0); /* the 2nd WQ opened */
	unsigned char page[ZSIM_PAGE_SIZE], comp[ZSIM_PAGE_SIZE], back[ZSIM_PAGE_SIZE];
	zsim_test_page(ZSIM_PAGE_TYPICAL, 3, page);
	size_t clen = sizeof(comp), dlen = sizeof(back);
	assert_int_equal(zsim_codec_compress(c, page, sizeof(page), comp, &clen), 0);
	assert_int_equal(zsim_codec_decompress(c, comp, clen, back, &dlen), 0);
	assert_memory_equal(back, page, sizeof(page));
	zsim_codec_destroy(c);
	char spec[160];
	snprintf(spec, sizeof(spec), "deflate-iaa:wq=%s/other", f.dir);
	assert_int_equal(zsim_codec_create(spec, NULL, &c), ZSIM_ENODEV);

	/* zswap on it: a 64 KiB folio in two batches of 8 descriptors. */
	struct zsim_zswap_config cfg;
	zsim_zswap_config_init(&cfg);
	cfg.profile = "6.13";
	cfg.compressor = "deflate-iaa";
	cfg.nr_cpus = 1;
	struct zsim_zswap *z;
	assert_int_equal(zsim_zswap_create(&cfg, &z), 0);
	assert_int_equal(zsim_zswap_swapon(z, 0, 64), 0);
	unsigned char *data = malloc(16 * ZSIM_PAGE_SIZE);
	for (unsigned i = 0; i < 16; i++)
		zsim_test_page(ZSIM_PAGE_TEXT, i, data + (size_t)i * ZSIM_PAGE_SIZE);
	struct zsim_swap_folio folio = {.offset = 0, .order = 4, .data = data};
	enum zsim_swap_where w;
	assert_int_equal(zsim_zswap_store(z, &folio, &w), 0);
	assert_int_equal(w, ZSIM_WHERE_ZSWAP);
	for (unsigned i = 0; i < 16; i++) {
		assert_int_equal(zsim_zswap_load(z, 0, i, 0, 0, back, NULL), 0);
		assert_memory_equal(back, data + (size_t)i * ZSIM_PAGE_SIZE, ZSIM_PAGE_SIZE);
	}
	zsim_zswap_destroy(z);
	free(data);
	struct iaa_mock_stats st;
	iaa_mock_stats(f.mock, &st);
	assert_int_equal(st.compresses, 1 + 16);
	assert_int_equal(st.decompresses, 1 + 16);
	assert_int_equal(st.invalid, 0);
	unsetenv("ZSIM_ACCFG_LIB");
	fifo_down(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_library),
		cmocka_unit_test(test_fake_machines),
		cmocka_unit_test(test_write_path),
		cmocka_unit_test(test_driver_over_fifo),
	};
	return zsim_test_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
