#include "testutil.h"

#include <stdarg.h>
#include <stdio.h>

static int skipped;

void zsim_test_skip_note(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("# SKIP: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	skipped++;
}

int zsim_test_exit(int failed)
{
	if (failed)
		return failed;
	return skipped ? ZSIM_TEST_SKIP : 0;
}

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

struct zsim_zswap *zsim_test_zswap(const char *profile, const char *compressor,
				   uint64_t ram_bytes, uint64_t slots,
				   struct zsim_fault_injector *fault)
{
	struct zsim_zswap_config cfg;
	zsim_zswap_config_init(&cfg);
	cfg.profile = profile;
	cfg.compressor = compressor;
	cfg.ram_bytes = ram_bytes;
	cfg.nr_cpus = 2;
	cfg.fault = fault;
	struct zsim_zswap *z = NULL;
	int rc = zsim_zswap_create(&cfg, &z);
	if (rc) {
		fprintf(stderr, "zsim_zswap_create(%s, %s): %s\n", profile, compressor,
			zsim_strerror(rc));
		abort();
	}
	rc = zsim_zswap_swapon(z, 0, slots);
	if (rc) {
		fprintf(stderr, "swapon: %s\n", zsim_strerror(rc));
		abort();
	}
	return z;
}

enum zsim_swap_where zsim_test_store(struct zsim_zswap *z, uint64_t off, const void *page,
				     unsigned memcg)
{
	struct zsim_swap_folio f = {.type = 0, .offset = off, .order = 0, .data = page,
				    .memcg = memcg, .cpu = (unsigned)(off & 1)};
	enum zsim_swap_where w;
	int rc = zsim_zswap_store(z, &f, &w);
	if (rc) {
		fprintf(stderr, "store %llu: %s\n", (unsigned long long)off, zsim_strerror(rc));
		abort();
	}
	return w;
}

void zsim_test_page_partly_random(void *page, size_t random_bytes, uint64_t seed)
{
	unsigned char *p = page;
	memset(p, 0, ZSIM_PAGE_SIZE);
	uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
	for (size_t i = 0; i < random_bytes && i < ZSIM_PAGE_SIZE; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = (unsigned char)(x >> 24);
	}
}
