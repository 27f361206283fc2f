/*
 * attrs.c - the sysfs face of a zram device: zsim_zram_store() and
 * zsim_zram_show() take the attribute names and the text the kernel's
 * store()/show() functions take and print (drivers/block/zram/zram_drv.c),
 * per profile. Errors are the kernel's (-EINVAL, -EBUSY, -ENODEV ...) as
 * ZSIM_E* codes, with a message in zsim_zram_last_error().
 * Not modelled: hot_add/hot_remove, initstate races, block_state (see
 * zsim_zram_slot_info), backing_dev naming a block device.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zram/zram_internal.h"

/* Copy v without a trailing newline into out. */
static int strip(struct zsim_zram *z, const char *v, char *out, size_t n)
{
	size_t l = strlen(v);
	if (l >= n)
		return zram_err(z, ZSIM_EINVAL, "value too long");
	memcpy(out, v, l + 1);
	while (l && (out[l - 1] == '\n' || out[l - 1] == ' '))
		out[--l] = 0;
	return 0;
}

/* A decimal attribute value (leading blanks allowed, nothing after). */
int zram_parse_u64(const char *s, uint64_t *out)
{
	char *e;
	while (isspace((unsigned char)*s))
		s++;
	if (!isdigit((unsigned char)*s))
		return ZSIM_EINVAL;
	unsigned long long v = strtoull(s, &e, 10);
	if (*e)
		return ZSIM_EINVAL;
	*out = v;
	return 0;
}

static int algorithm_params_store(struct zsim_zram *z, char *args)
{
	if (!z->prof->algorithm_params)
		return zram_err(z, ZSIM_ENOTSUP, "algorithm_params: not in profile %s (6.12+)",
				z->prof->name);
	int prio = 0, level = 0;
	const char *algo = NULL;
	char *key, *val;
	while (*args) {
		args = zram_next_arg(args, &key, &val);
		if (!*val)
			return zram_err(z, ZSIM_EINVAL, "algorithm_params: '%s' needs a value", key);
		if (!strcmp(key, "priority")) {
			prio = atoi(val);
		} else if (!strcmp(key, "level")) {
			level = atoi(val);
		} else if (!strcmp(key, "algo")) {
			algo = val;
		} else if (!strcmp(key, "dict")) {
			return zram_err(z, ZSIM_ENOTSUP,
					"algorithm_params: dictionaries are not modelled");
		}
	}
	if (algo) {
		prio = -1;
		for (int p = 0; p < ZSIM_ZRAM_MAX_COMPS; p++)
			if (z->comp_algs[p][0] && !strcmp(z->comp_algs[p], algo)) {
				prio = p;
				break;
			}
	}
	if (prio < 0 || prio >= ZSIM_ZRAM_MAX_COMPS)
		return zram_err(z, ZSIM_EINVAL, "algorithm_params: no such priority/algorithm");
	return zsim_zram_set_algorithm_level(z, (unsigned)prio, level);
}

static int recomp_algorithm_store(struct zsim_zram *z, char *args)
{
	if (!z->prof->multi_comp)
		return zram_err(z, ZSIM_ENOTSUP, "recomp_algorithm: not in profile %s (6.2+)",
				z->prof->name);
	int prio = 1;
	const char *alg = NULL;
	char *key, *val;
	while (*args) {
		args = zram_next_arg(args, &key, &val);
		if (!*val)
			return zram_err(z, ZSIM_EINVAL, "recomp_algorithm: '%s' needs a value", key);
		if (!strcmp(key, "algo"))
			alg = val;
		else if (!strcmp(key, "priority"))
			prio = atoi(val);
	}
	if (!alg)
		return zram_err(z, ZSIM_EINVAL, "recomp_algorithm: algo= missing");
	if (prio < 1 || prio >= ZSIM_ZRAM_MAX_COMPS)
		return zram_err(z, ZSIM_EINVAL, "recomp_algorithm: priority %d not in 1..3", prio);
	return zsim_zram_set_recomp_algorithm(z, alg, (unsigned)prio);
}

int zsim_zram_store(struct zsim_zram *z, const char *attr, const char *value)
{
	if (!z || !attr || !value)
		return ZSIM_EINVAL;
	char v[256];
	int rc = strip(z, value, v, sizeof(v));
	if (rc)
		return rc;
	uint64_t n;
	if (!strcmp(attr, "disksize")) {
		if (zram_memparse(v, &n, NULL))
			return zram_err(z, ZSIM_EINVAL, "disksize: '%s' is not a size", v);
		return zsim_zram_set_disksize(z, n);
	}
	if (!strcmp(attr, "reset")) {
		if (zram_parse_u64(v, &n) || n > 65535)
			return zram_err(z, ZSIM_EINVAL, "reset: not a number");
		if (!n)
			return zram_err(z, ZSIM_EINVAL, "reset: 0");
		return zsim_zram_reset(z);
	}
	if (!strcmp(attr, "comp_algorithm"))
		return zsim_zram_set_comp_algorithm(z, v);
	if (!strcmp(attr, "recomp_algorithm"))
		return recomp_algorithm_store(z, v);
	if (!strcmp(attr, "algorithm_params"))
		return algorithm_params_store(z, v);
	if (!strcmp(attr, "mem_limit")) {
		if (zram_memparse(v, &n, NULL))
			return zram_err(z, ZSIM_EINVAL, "mem_limit: '%s' is not a size", v);
		return zsim_zram_set_mem_limit(z, n);
	}
	if (!strcmp(attr, "mem_used_max")) {
		if (zram_parse_u64(v, &n) || n)
			return zram_err(z, ZSIM_EINVAL, "mem_used_max: only 0 resets it");
		pthread_rwlock_rdlock(&z->init_lock);
		if (z->disksize)
			atomic_store(&z->max_used_pages, zsim_zpool_total_pages(z->pool));
		pthread_rwlock_unlock(&z->init_lock);
		return 0;
	}
	if (!strcmp(attr, "max_comp_streams")) {
		if (!z->prof->max_comp_streams)
			return zram_err(z, ZSIM_ENOTSUP, "max_comp_streams: removed in 6.15");
		return 0; /* accepted and ignored: one stream per CPU */
	}
	if (!strcmp(attr, "compact")) {
		int64_t r = zsim_zram_compact(z);
		return r < 0 ? (int)r : 0;
	}
	if (!strcmp(attr, "idle")) {
		if (!strcmp(v, "all"))
			return zram_mark_idle(z, 0, true);
		if (zram_parse_u64(v, &n))
			return zram_err(z, ZSIM_EINVAL, "idle: 'all' or an age in seconds");
		return zram_mark_idle(z, n, false);
	}
	if (!strcmp(attr, "writeback"))
		return zram_writeback_store(z, v);
	if (!strcmp(attr, "writeback_limit") || !strcmp(attr, "writeback_limit_enable")) {
		if (zram_parse_u64(v, &n))
			return zram_err(z, ZSIM_EINVAL, "%s: not a number", attr);
		pthread_mutex_lock(&z->wb_limit_lock);
		if (attr[15] == '_')
			z->wb_limit_enable = n != 0;
		else
			z->bd_wb_limit = n;
		pthread_mutex_unlock(&z->wb_limit_lock);
		return 0;
	}
	if (!strcmp(attr, "recompress"))
		return zram_recompress_store(z, v);
	if (!strcmp(attr, "backing_dev"))
		return zram_err(z, ZSIM_ENOTSUP, "backing_dev: use zsim_zram_set_backing_dev");
	return zram_err(z, ZSIM_ENOENT, "no attribute '%s'", attr);
}

static int comp_algorithm_show(struct zsim_zram *z, unsigned prio, char *buf, size_t len)
{
	size_t sz = 0;
	bool shown = false;
	const char *cur = z->comp_algs[prio];
	for (const char *const *a = z->prof->algs; *a; a++) {
		if (!zram_alg_available(z, *a))
			continue;
		bool is = !strcmp(*a, cur);
		shown |= is;
		int n = snprintf(buf + sz, len - sz, is ? "[%s] " : "%s ", *a);
		if (n < 0 || (size_t)n >= len - sz)
			return ZSIM_ENOSPC;
		sz += (size_t)n;
	}
	if (!shown && cur[0]) {
		int n = snprintf(buf + sz, len - sz, "[%s] ", cur);
		if (n < 0 || (size_t)n >= len - sz)
			return ZSIM_ENOSPC;
		sz += (size_t)n;
	}
	if (sz + 2 > len)
		return ZSIM_ENOSPC;
	buf[sz++] = '\n';
	buf[sz] = 0;
	return (int)sz;
}

int zsim_zram_show(struct zsim_zram *z, const char *attr, char *buf, size_t len)
{
	if (!z || !attr || !buf || !len)
		return ZSIM_EINVAL;
	int n;
	if (!strcmp(attr, "mm_stat") || !strcmp(attr, "io_stat") || !strcmp(attr, "bd_stat") ||
	    !strcmp(attr, "debug_stat")) {
		struct zsim_zram_stats st;
		zsim_zram_stats(z, &st);
		return zsim_zram_format_stat(z->prof->name, attr, &st, buf, len);
	}
	pthread_rwlock_rdlock(&z->init_lock);
	if (!strcmp(attr, "disksize"))
		n = snprintf(buf, len, "%" PRIu64 "\n", z->disksize);
	else if (!strcmp(attr, "initstate"))
		n = snprintf(buf, len, "%u\n", z->disksize ? 1u : 0u);
	else if (!strcmp(attr, "comp_algorithm"))
		n = comp_algorithm_show(z, 0, buf, len);
	else if (!strcmp(attr, "recomp_algorithm")) {
		if (!z->prof->multi_comp) {
			n = ZSIM_ENOTSUP;
		} else {
			size_t sz = 0;
			n = 0;
			buf[0] = 0;
			for (unsigned p = 1; p < ZSIM_ZRAM_MAX_COMPS && n >= 0; p++) {
				if (!z->comp_algs[p][0])
					continue;
				int k = snprintf(buf + sz, len - sz, "#%u: ", p);
				if (k < 0 || (size_t)k >= len - sz) {
					n = ZSIM_ENOSPC;
					break;
				}
				sz += (size_t)k;
				k = comp_algorithm_show(z, p, buf + sz, len - sz);
				if (k < 0) {
					n = k;
					break;
				}
				sz += (size_t)k;
				n = (int)sz;
			}
		}
	} else if (!strcmp(attr, "max_comp_streams"))
		n = z->prof->max_comp_streams ? snprintf(buf, len, "%u\n", z->nr_cpus) : ZSIM_ENOTSUP;
	else if (!strcmp(attr, "backing_dev"))
		n = snprintf(buf, len, "%s\n", z->bdev ? z->bd_path : "none");
	else if (!strcmp(attr, "writeback_limit") || !strcmp(attr, "writeback_limit_enable")) {
		pthread_mutex_lock(&z->wb_limit_lock);
		if (attr[15] == '_')
			n = snprintf(buf, len, "%d\n", z->wb_limit_enable ? 1 : 0);
		else
			n = snprintf(buf, len, "%" PRIu64 "\n", z->bd_wb_limit);
		pthread_mutex_unlock(&z->wb_limit_lock);
	} else
		n = zram_err(z, ZSIM_ENOENT, "no readable attribute '%s'", attr);
	pthread_rwlock_unlock(&z->init_lock);
	if (n >= 0 && (size_t)n >= len)
		return ZSIM_ENOSPC;
	return n;
}
