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

#include "zswapsim/zswapsim.h"

/* The seed for randomized tests: $ZSIM_SEED, else a fixed default; it is
 * printed once so a failing run can be replayed. */
uint64_t zsim_test_seed(void);

/* Fill `page` with one of the synthetic classes. */
void zsim_test_page(enum zsim_page_class cls, uint64_t index, void *page);

/* Exit code that ctest reads as "skipped". */
#define ZSIM_TEST_SKIP 77
#define ZSIM_ARRAY_N(a) (sizeof(a) / sizeof((a)[0]))

#endif
