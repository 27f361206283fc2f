/*
 * config.c - one simulated zswap's settings as the bench takes them: from
 * flags (--compressor ...) or a spec "profile=6.1,compressor=lz4", checked
 * by name before the library is asked, so an unknown codec or profile gets
 * a message that names it. The settings are the kernel's module parameters
 * (compressor, zpool, max_pool_percent, accept_threshold_percent) plus
 * CONFIG_ZSMALLOC_CHAIN_SIZE, totalram, the CPU count, whether large
 * folios are compressed in batches (the 2025-26 batching series) and the
 * compressor's own parameters (--codec-arg, as a crypto driver's module
 * parameters would be set).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

static const char *const config_keys[] = {
	"profile", "compressor", "zpool", "chain-size", "max-pool-percent",
	"accept-threshold", "ram", "cpus", "batch", "codec-arg", NULL,
};

int bench_parse_u64(const char *s, uint64_t *out)
{
	if (!s || !*s)
		return -1;
	uint64_t v = 0;
	int base = 10;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (!*s)
			return -1;
	}
	for (; *s; s++) {
		unsigned d;
		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			return -1;
		if (v > (UINT64_MAX - d) / (unsigned)base)
			return -1;
		v = v * (unsigned)base + d;
	}
	*out = v;
	return 0;
}

int bench_parse_prob(const char *s, double *out)
{
	/* strtod takes "nan", "inf", hex floats and leading blanks; a
	 * probability is a plain finite number in (0, 1]. */
	if (!s || !*s || *s == ' ' || *s == '\t')
		return -1;
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (*end || errno || !isfinite(v) || !(v > 0 && v <= 1))
		return -1;
	*out = v;
	return 0;
}

int bench_parse_size(const char *s, uint64_t *out)
{
	if (!s || !*s)
		return -1;
	size_t n = strlen(s);
	unsigned shift = 0;
	switch (s[n - 1]) {
	case 'K': case 'k': shift = 10; break;
	case 'M': case 'm': shift = 20; break;
	case 'G': case 'g': shift = 30; break;
	case 'T': case 't': shift = 40; break;
	default: break;
	}
	char buf[64];
	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n + 1);
	if (shift)
		buf[n - 1] = 0;
	uint64_t v;
	if (bench_parse_u64(buf, &v))
		return -1;
	if (shift && v > (UINT64_MAX >> shift))
		return -1;
	*out = v << shift;
	return 0;
}

/* One u64 setting of a --fault spec, range-checked. */
static int fault_u64(const char *key, const char *v, uint64_t min, uint64_t *out, char *err,
		     size_t errlen)
{
	if (bench_parse_u64(v, out) || *out < min) {
		snprintf(err, errlen, "bad value '%s' for --fault %s (%" PRIu64 "..%" PRIu64 ")", v,
			 key, min, UINT64_MAX);
		return -1;
	}
	return 0;
}

int bench_fault_parse(struct bench_fault *f, const char *spec, char *err, size_t errlen)
{
	char buf[256];
	memset(f, 0, sizeof(*f));
	if (strlen(spec) >= sizeof(buf)) {
		snprintf(err, errlen, "--fault spec longer than %zu bytes", sizeof(buf) - 1);
		return -1;
	}
	memcpy(buf, spec, strlen(spec) + 1);
	char *colon = strchr(buf, ':');
	if (!colon) {
		snprintf(err, errlen,
			 "bad --fault '%.200s': expected POINT:nth=N, POINT:every=N or POINT:p=P", spec);
		return -1;
	}
	*colon = 0;
	if (zsim_fault_point_from_name(buf, &f->point)) {
		snprintf(err, errlen, "unknown fault point '%.200s'", buf);
		return -1;
	}
	for (char *p = colon + 1, *save = NULL, *tok; (tok = strtok_r(p, ",:", &save)); p = NULL) {
		char *eq = strchr(tok, '=');
		if (!eq) {
			snprintf(err, errlen, "bad --fault setting '%.200s'", tok);
			return -1;
		}
		*eq = 0;
		const char *v = eq + 1;
		int rc = 0;
		if (!strcmp(tok, "nth"))
			rc = fault_u64("nth", v, 1, &f->rule.nth, err, errlen);
		else if (!strcmp(tok, "every"))
			rc = fault_u64("every", v, 1, &f->rule.every, err, errlen);
		else if (!strcmp(tok, "seed"))
			rc = fault_u64("seed", v, 0, &f->rule.seed, err, errlen);
		else if (!strcmp(tok, "max"))
			rc = fault_u64("max", v, 1, &f->rule.max_failures, err, errlen);
		else if (!strcmp(tok, "p")) {
			if (bench_parse_prob(v, &f->rule.probability)) {
				snprintf(err, errlen,
					 "bad probability '%.200s' in --fault (a number, 0 < p <= 1)", v);
				rc = -1;
			}
		} else {
			snprintf(err, errlen, "unknown --fault setting '%.200s' (nth, every, p, seed, max)",
				 tok);
			rc = -1;
		}
		if (rc)
			return rc;
	}
	if (!f->rule.nth && !f->rule.every && f->rule.probability == 0) {
		snprintf(err, errlen, "--fault '%.200s' never fails: give nth=, every= or p=", spec);
		return -1;
	}
	return 0;
}

bool bench_config_key_known(const char *key)
{
	for (int i = 0; config_keys[i]; i++)
		if (!strcmp(key, config_keys[i]))
			return true;
	return false;
}

static char *dup_s(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);
	if (!p) {
		fprintf(stderr, "zswapsim-bench: out of memory\n");
		exit(BX_INTERNAL);
	}
	memcpy(p, s, n);
	return p;
}

void bench_config_free(struct bench_config *c)
{
	free(c->profile);
	free(c->compressor);
	free(c->zpool);
	free(c->codec_args);
	c->profile = c->compressor = c->zpool = c->codec_args = NULL;
}

void bench_config_copy(struct bench_config *dst, const struct bench_config *src)
{
	*dst = *src;
	dst->profile = src->profile ? dup_s(src->profile) : NULL;
	dst->compressor = src->compressor ? dup_s(src->compressor) : NULL;
	dst->zpool = src->zpool ? dup_s(src->zpool) : NULL;
	dst->codec_args = src->codec_args ? dup_s(src->codec_args) : NULL;
}

static int small_uint(const char *val, unsigned max, unsigned *out)
{
	uint64_t v;
	if (bench_parse_u64(val, &v) || v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

int bench_config_set(struct bench_config *c, const char *key, const char *val, char *err,
		     size_t errlen)
{
	const char *range = "";
	if (!strcmp(key, "profile")) {
		free(c->profile);
		c->profile = dup_s(val);
	} else if (!strcmp(key, "compressor")) {
		free(c->compressor);
		c->compressor = dup_s(val);
	} else if (!strcmp(key, "zpool")) {
		free(c->zpool);
		c->zpool = dup_s(val);
	} else if (!strcmp(key, "chain-size")) {
		range = "0 (the profile's) or 4..16";
		if (small_uint(val, 16, &c->chain_size) || (c->chain_size && c->chain_size < 4))
			goto bad;
	} else if (!strcmp(key, "max-pool-percent")) {
		range = "1..100";
		if (small_uint(val, 100, &c->max_pool_percent) || c->max_pool_percent == 0)
			goto bad;
	} else if (!strcmp(key, "accept-threshold")) {
		range = "0..100";
		if (small_uint(val, 100, &c->accept_threshold))
			goto bad;
		c->accept_set = true;
	} else if (!strcmp(key, "ram")) {
		range = "bytes, K/M/G/T suffixes, >= 1M";
		if (bench_parse_size(val, &c->ram_bytes) || c->ram_bytes < (1u << 20))
			goto bad;
	} else if (!strcmp(key, "cpus")) {
		range = "1..4096";
		if (small_uint(val, 4096, &c->cpus) || c->cpus == 0)
			goto bad;
	} else if (!strcmp(key, "batch")) {
		range = "on, off or auto";
		if (!strcmp(val, "on"))
			c->batch = 1;
		else if (!strcmp(val, "off"))
			c->batch = 0;
		else if (!strcmp(val, "auto"))
			c->batch = -1;
		else
			goto bad;
		c->batch_set = true;
	} else if (!strcmp(key, "codec-arg")) {
		range = "KEY=VALUE";
		const char *eq = strchr(val, '=');
		if (!eq || eq == val || !eq[1] || strchr(val, ',') || strchr(val, ':'))
			goto bad;
		size_t old = c->codec_args ? strlen(c->codec_args) : 0;
		char *n = malloc(old + strlen(val) + 2);
		if (!n) {
			fprintf(stderr, "zswapsim-bench: out of memory\n");
			exit(BX_INTERNAL);
		}
		if (old)
			sprintf(n, "%s,%s", c->codec_args, val);
		else
			strcpy(n, val);
		free(c->codec_args);
		c->codec_args = n;
	} else {
		snprintf(err, errlen, "unknown configuration key '%s' (profile, compressor, zpool, "
			 "chain-size, max-pool-percent, accept-threshold, ram, cpus, batch, "
			 "codec-arg)", key);
		return -1;
	}
	return 0;
bad:
	snprintf(err, errlen, "bad value '%s' for %s (%s)", val, key, range);
	return -1;
}

int bench_config_parse(struct bench_config *c, const char *spec, char *err, size_t errlen)
{
	/* Split at the commas that start a "key=" of a configuration key; any
	 * other comma belongs to the value before it, so a compressor spec
	 * keeps its own ("compressor=zstd:level=3,params=kernel"). */
	char *s = dup_s(spec);
	char *pieces[64];
	size_t np = 0;
	pieces[np++] = s;
	for (char *comma = strchr(s, ','); comma; comma = strchr(comma + 1, ',')) {
		char *next = comma + 1;
		size_t kl = strcspn(next, "=,");
		char key[32];
		if (next[kl] != '=' || kl == 0 || kl >= sizeof(key))
			continue;
		memcpy(key, next, kl);
		key[kl] = 0;
		if (!bench_config_key_known(key))
			continue;
		if (np == 64) {
			snprintf(err, errlen, "configuration '%s' has too many settings", spec);
			free(s);
			return -1;
		}
		*comma = 0;
		pieces[np++] = next;
	}
	int rc = 0;
	for (size_t i = 0; i < np && !rc; i++) {
		char *eq = strchr(pieces[i], '=');
		if (!eq) {
			snprintf(err, errlen, "bad configuration '%s': expected key=value", pieces[i]);
			rc = -1;
			break;
		}
		*eq = 0;
		rc = bench_config_set(c, pieces[i], eq + 1, err, errlen);
	}
	free(s);
	return rc;
}

void bench_config_label(struct bench_config *c)
{
	char *p = c->label;
	size_t left = sizeof(c->label);
	struct zsim_zswap_config def;
	zsim_zswap_config_init(&def);
	char spec[256];
	int n = snprintf(p, left, "%s %s", c->profile ? c->profile : def.profile,
			 bench_config_spec(c, spec, sizeof(spec)));
#define ADV()                                                  \
	do {                                                   \
		if (n < 0 || (size_t)n >= left)                \
			return;                                \
		p += n;                                        \
		left -= (size_t)n;                             \
	} while (0)
	ADV();
	if (c->zpool && strcmp(c->zpool, "zsmalloc")) {
		n = snprintf(p, left, " %s", c->zpool);
		ADV();
	}
	if (c->chain_size) {
		n = snprintf(p, left, " chain=%u", c->chain_size);
		ADV();
	}
	if (c->max_pool_percent) {
		n = snprintf(p, left, " max_pool=%u%%", c->max_pool_percent);
		ADV();
	}
	if (c->accept_set) {
		n = snprintf(p, left, " accept=%u%%", c->accept_threshold);
		ADV();
	}
	if (c->ram_bytes) {
		char b[32];
		n = snprintf(p, left, " ram=%s", bench_human_bytes(c->ram_bytes, b, sizeof(b)));
		ADV();
	}
	if (c->cpus) {
		n = snprintf(p, left, " cpus=%u", c->cpus);
		ADV();
	}
	if (c->batch_set) {
		n = snprintf(p, left, " batch=%s", c->batch < 0 ? "auto" : c->batch ? "on" : "off");
		ADV();
	}
#undef ADV
}

const char *bench_config_spec(const struct bench_config *c, char *buf, size_t len)
{
	struct zsim_zswap_config def;
	zsim_zswap_config_init(&def);
	const char *name = c->compressor ? c->compressor : def.compressor;
	if (!c->codec_args)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "%s%s%s", name, strchr(name, ':') ? "," : ":", c->codec_args);
	return buf;
}

void bench_config_to_zswap(const struct bench_config *c, unsigned default_cpus,
			   struct zsim_zswap_config *zc, char *spec_buf, size_t spec_len)
{
	zsim_zswap_config_init(zc);
	if (c->profile)
		zc->profile = c->profile;
	zc->compressor = bench_config_spec(c, spec_buf, spec_len);
	if (c->zpool)
		zc->zpool = c->zpool;
	if (c->chain_size)
		zc->chain_size = c->chain_size;
	if (c->max_pool_percent)
		zc->max_pool_percent = c->max_pool_percent;
	if (c->accept_set)
		zc->accept_threshold_percent = c->accept_threshold;
	if (c->ram_bytes)
		zc->ram_bytes = c->ram_bytes;
	if (c->batch_set)
		zc->batch = c->batch;
	zc->nr_cpus = c->cpus ? c->cpus : default_cpus;
}

int bench_config_check(const struct bench_config *c, char *err, size_t errlen)
{
	if (c->profile) {
		const char *const *p = zsim_zswap_profiles();
		bool found = false;
		char list[160] = "";
		for (; p && *p; p++) {
			if (!strcmp(*p, c->profile))
				found = true;
			size_t l = strlen(list);
			snprintf(list + l, sizeof(list) - l, "%s%s", l ? ", " : "", *p);
		}
		if (!found) {
			snprintf(err, errlen, "unknown profile '%s' (known: %s)", c->profile, list);
			return BX_CONFIG;
		}
	}
	if (c->compressor) {
		char name[ZSIM_CODEC_NAME_MAX];
		size_t n = strcspn(c->compressor, ":");
		if (n >= sizeof(name))
			n = sizeof(name) - 1;
		memcpy(name, c->compressor, n);
		name[n] = 0;
		const struct zsim_codec_ops *ops;
		if (zsim_codec_lookup(name, &ops)) {
			const struct zsim_codec_ops *all[64];
			int k = zsim_codec_list(all, 64);
			char list[400] = "";
			for (int i = 0; i < k && i < 64; i++) {
				size_t l = strlen(list);
				if (i && !strcmp(all[i]->name, all[i - 1]->name))
					continue;
				snprintf(list + l, sizeof(list) - l, "%s%s", l ? ", " : "",
					 all[i]->name);
			}
			snprintf(err, errlen, "unknown compressor '%s' (known: %s)", name, list);
			return BX_CONFIG;
		}
	}
	if (c->chain_size && c->chain_size != 4 && c->profile && !strcmp(c->profile, "6.1")) {
		snprintf(err, errlen, "profile 6.1 has no zsmalloc chain size (it came in 6.2): "
			 "chain-size must be 4 or unset");
		return BX_CONFIG;
	}
	/* The whole spec, codec args included, as zswap will make it. */
	char spec[256];
	struct zsim_codec *codec;
	int rc = zsim_codec_create(bench_config_spec(c, spec, sizeof(spec)), NULL, &codec);
	if (rc) {
		snprintf(err, errlen, "compressor '%s': %s", spec, zsim_strerror(rc));
		return BX_CONFIG;
	}
	zsim_codec_destroy(codec);
	if (c->zpool && strcmp(c->zpool, "zsmalloc") && strcmp(c->zpool, "ideal") &&
	    strcmp(c->zpool, "malloc")) {
		snprintf(err, errlen, "unknown zpool '%s' (zsmalloc, ideal, malloc)", c->zpool);
		return BX_CONFIG;
	}
	return 0;
}
