/*
 * testutil.h - helpers shared by the cmocka unit tests: cmocka includes,
 * a test seed that is printed so any failure replays, and page makers.
 */
#ifndef ZSIM_TESTUTIL_H
#define ZSIM_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <stdatomic.h>
#include <stdio.h>

#include "zswapsim/zswapsim.h"

/* The seed for randomized tests: $ZSIM_SEED, else a fixed default; it is
 * printed once so a failing run can be replayed. */
uint64_t zsim_test_seed(void);

/* Fill `page` with one of the synthetic classes. */
void zsim_test_page(enum zsim_page_class cls, uint64_t index, void *page);

/* Exit code that ctest reads as "skipped". */
#define ZSIM_TEST_SKIP 77

/* Something this program should check cannot run here (a codec not built
 * in, no fake accel-config library, a real IAA device present): print why
 * and remember it; the rest of the case goes on. A program that noted a
 * skip exits ZSIM_TEST_SKIP (ctest: "Skipped") unless a case failed, so a
 * partly run program never reports PASS. Its output names what ran. */
void zsim_test_skip_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same, and the case ends here (cmocka reports it SKIPPED). */
#define zsim_test_skip(...)                                                                        \
	do {                                                                                       \
		zsim_test_skip_note(__VA_ARGS__);                                                  \
		skip();                                                                            \
	} while (0)
/* main's return for a program that may skip: `failed` (cmocka's count of
 * failed cases) if not 0, else ZSIM_TEST_SKIP if a skip was noted, else 0. */
int zsim_test_exit(int failed);
#define ZSIM_ARRAY_N(a) (sizeof(a) / sizeof((a)[0]))

/* A zswap instance for tests: `profile`, `compressor`, 2 CPUs, ram_bytes
 * of RAM, swap type 0 active with `slots` slots (memory device). */
struct zsim_zswap *zsim_test_zswap(const char *profile, const char *compressor,
				   uint64_t ram_bytes, uint64_t slots,
				   struct zsim_fault_injector *fault);
/* Store one page (order 0) at (0, off); asserts the call succeeded and
 * returns where it went. */
enum zsim_swap_where zsim_test_store(struct zsim_zswap *z, uint64_t off,
				     const void *page, unsigned memcg);
/* A page whose compressed size lands in zsmalloc's huge class (one page
 * per object): `fill` random bytes followed by zeros. */
void zsim_test_page_partly_random(void *page, size_t random_bytes, uint64_t seed);
#endif
