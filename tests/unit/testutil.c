#include "testutil.h"

#include <stdio.h>

uint64_t zsim_test_seed(void)
{
	static int printed;
	static uint64_t seed = 20261121;
	if (!printed) {
		const char *s = getenv("ZSIM_SEED");
		if (s && *s)
			seed = strtoull(s, NULL, 0);
		fprintf(stderr, "# ZSIM_SEED=%llu\n", (unsigned long long)seed);
		printed = 1;
	}
	return seed;
}

void zsim_test_page(enum zsim_page_class cls, uint64_t index, void *page)
{
	int rc = zsim_page_fill(cls, zsim_test_seed(), index, page);
	if (rc) {
		fprintf(stderr, "zsim_page_fill: %s\n", zsim_strerror(rc));
		abort();
	}
}
