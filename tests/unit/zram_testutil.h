/*
 * zram_testutil.h - helpers shared by the test_zram_*.c tests (header-only
 * so the shared test library is untouched).
 */
#ifndef ZSIM_ZRAM_TESTUTIL_H
#define ZSIM_ZRAM_TESTUTIL_H

#include "testutil.h"

/* An uninitialised device of `profile` with 2 CPUs. */
static inline struct zsim_zram *zt_new(const char *profile)
{
	struct zsim_zram_config cfg;
	zsim_zram_config_init(&cfg);
	cfg.profile = profile;
	cfg.nr_cpus = 2;
	struct zsim_zram *z = NULL;
	int rc = zsim_zram_create(&cfg, &z);
	if (rc) {
		fprintf(stderr, "zsim_zram_create(%s): %s\n", profile, zsim_strerror(rc));
		abort();
	}
	return z;
}

/* A device of `profile` with algorithm `alg` (NULL = default) and
 * `pages` pages of disksize. */
static inline struct zsim_zram *zt_dev(const char *profile, const char *alg, uint64_t pages)
{
	struct zsim_zram *z = zt_new(profile);
	if (alg && zsim_zram_set_comp_algorithm(z, alg)) {
		fprintf(stderr, "comp_algorithm %s: %s\n", alg, zsim_zram_last_error(z));
		abort();
	}
	if (zsim_zram_set_disksize(z, pages * ZSIM_PAGE_SIZE)) {
		fprintf(stderr, "disksize: %s\n", zsim_zram_last_error(z));
		abort();
	}
	return z;
}

static inline struct zsim_zram_stats zt_stats(struct zsim_zram *z)
{
	struct zsim_zram_stats st;
	if (zsim_zram_stats(z, &st))
		abort();
	return st;
}

/* Read slot i and compare with `want`. */
static inline void zt_expect(struct zsim_zram *z, uint32_t i, const void *want)
{
	unsigned char got[ZSIM_PAGE_SIZE];
	assert_int_equal(zsim_zram_read(z, i, got, i & 1), 0);
	assert_memory_equal(got, want, ZSIM_PAGE_SIZE);
}

static const char *const zt_profiles[] = {"6.1", "6.12", "latest"};

#endif
