/*
 * fuzz_cli.c - libFuzzer target for the command line's option and spec
 * parsers: zswapsim-bench's (tools/bench, linked in without its main):
 * a configuration spec (-c, bench_config_parse, then bench_config_check,
 * label and spec), a --fault spec (bench_fault_parse), an input spec (-i,
 * bench_input_spec_parse), a --mix (bench_mix_parse), the number, size and
 * probability parsers behind every numeric option; and the library's spec
 * parsers they hand strings to: a compressor spec (zsim_codec_create,
 * "zstd:level=3,params=kernel") and a memcg file value
 * (zsim_zswap_memcg_set). The first byte picks the parser, the rest is the
 * string (NUL-terminated here). Checked: 0 or a clean refusal with a
 * non-empty one-line message; what is accepted is in range (a fault rule
 * that zsim_fault_set takes, a probability in (0, 1], a number that
 * formats back to the same text's value, a configuration whose label and
 * spec fit); no crash, sanitizer report or leak.
 * Seeds: tests/fuzz/corpus/cli/.
 */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                   \
	do {                                                                          \
		if (!(cond)) {                                                        \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                      \
		}                                                                     \
	} while (0)

static const char *g_input;

/* A message: not empty, one line unless it quotes an input that is not. */
static void check_msg(const char *err)
{
	CHECK(err[0]);
	CHECK(!strchr(err, '\n') || strchr(g_input, '\n'));
}

static void one_config(const char *s)
{
	struct bench_config c;
	memset(&c, 0, sizeof(c));
	char err[512] = "";
	if (bench_config_parse(&c, s, err, sizeof(err))) {
		check_msg(err);
	} else {
		char spec[256];
		bench_config_label(&c);
		CHECK(strlen(c.label) < sizeof(c.label));
		bench_config_spec(&c, spec, sizeof(spec));
		CHECK(c.max_pool_percent <= 100 && c.accept_threshold <= 100);
		CHECK(!c.chain_size || (c.chain_size >= 4 && c.chain_size <= 16));
		CHECK(c.cpus <= 4096 && (!c.ram_bytes || c.ram_bytes >= (1u << 20)));
		err[0] = 0;
		if (bench_config_check(&c, err, sizeof(err)))
			check_msg(err);
		struct bench_config copy;
		bench_config_copy(&copy, &c);
		bench_config_free(&copy);
	}
	bench_config_free(&c);
}

static void one_fault(const char *s)
{
	struct bench_fault f;
	char err[320] = "";
	if (bench_fault_parse(&f, s, err, sizeof(err))) {
		check_msg(err);
		return;
	}
	CHECK((unsigned)f.point < ZSIM_FAULT_POINT_COUNT);
	CHECK(f.rule.nth || f.rule.every || f.rule.probability > 0);
	CHECK(isfinite(f.rule.probability) && f.rule.probability >= 0 && f.rule.probability <= 1);
	static struct zsim_fault_injector *fi;
	if (!fi)
		CHECK(zsim_fault_create(&fi) == 0);
	CHECK(zsim_fault_set(fi, f.point, &f.rule) == 0);
}

static void one_input(const char *s)
{
	struct bench_input_spec sp;
	memset(&sp, 0, sizeof(sp));
	char err[512] = "";
	if (bench_input_spec_parse(&sp, s, err, sizeof(err)))
		check_msg(err);
	else
		CHECK(!sp.order_set || sp.order <= ZSIM_MAX_ORDER);
	free((char *)sp.trace);
	free((char *)sp.corpus);
	free((char *)sp.mix);
	free((char *)sp.snapshot);
}

static void one_mix(const char *s)
{
	struct bench_mix m;
	char err[512] = "";
	if (bench_mix_parse(&m, s, err, sizeof(err)))
		check_msg(err);
}

static void one_numbers(const char *s)
{
	uint64_t v;
	if (!bench_parse_u64(s, &v)) {
		char buf[32];
		uint64_t w;
		snprintf(buf, sizeof(buf), "%" PRIu64, v);
		CHECK(bench_parse_u64(buf, &w) == 0 && w == v);
		CHECK(s[0] >= '0' && s[0] <= '9');
	}
	if (!bench_parse_size(s, &v))
		CHECK(s[0] >= '0' && s[0] <= '9');
	double p;
	if (!bench_parse_prob(s, &p))
		CHECK(isfinite(p) && p > 0 && p <= 1);
}

static void one_codec(const char *s)
{
	struct zsim_codec *c = NULL;
	int rc = zsim_codec_create(s, NULL, &c);
	if (rc) {
		CHECK(c == NULL);
		CHECK(rc == ZSIM_EINVAL || rc == ZSIM_ENOENT || rc == ZSIM_EPARSE ||
		      rc == ZSIM_ERANGE || rc == ZSIM_ENODEV || rc == ZSIM_ENOMEM);
		return;
	}
	/* an accepted spec gives a codec that works */
	static unsigned char page[ZSIM_PAGE_SIZE], comp[2 * ZSIM_PAGE_SIZE], back[ZSIM_PAGE_SIZE];
	zsim_page_fill(ZSIM_PAGE_TEXT, 1, 0, page);
	size_t clen = sizeof(comp), dlen = sizeof(back);
	CHECK(zsim_codec_compress(c, page, sizeof(page), comp, &clen) == 0);
	CHECK(zsim_codec_decompress(c, comp, clen, back, &dlen) == 0);
	CHECK(dlen == sizeof(page) && !memcmp(page, back, dlen));
	zsim_codec_destroy(c);
}

static void one_memcg_value(const char *s, uint8_t key)
{
	static struct zsim_zswap *z;
	if (!z) {
		struct zsim_zswap_config cfg;
		zsim_zswap_config_init(&cfg);
		cfg.compressor = "lz4";
		cfg.nr_cpus = 1;
		CHECK(zsim_zswap_create(&cfg, &z) == 0);
		CHECK(zsim_zswap_memcg_create(z, 1, 0) == 0);
	}
	static const char *const files[] = {"memory.max", "memory.zswap.max",
					    "memory.zswap.writeback", "memory.high"};
	int rc = zsim_zswap_memcg_set(z, 1, files[key % 4], s);
	CHECK(rc == 0 || rc == ZSIM_EINVAL || rc == ZSIM_ERANGE || rc == ZSIM_ENOENT);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 400)
		return 0;
	char s[401];
	memcpy(s, data + 1, size - 1);
	s[size - 1] = 0;
	g_input = s;
	switch (data[0] % 8) {
	case 0: one_config(s); break;
	case 1: one_fault(s); break;
	case 2: one_input(s); break;
	case 3: one_mix(s); break;
	case 4: one_numbers(s); break;
	case 5: one_codec(s); break;
	default: one_memcg_value(s, data[0] >> 3); break;
	}
	return 0;
}
