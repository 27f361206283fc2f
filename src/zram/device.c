/*
 * device.c - a zram device's lifecycle and its configuration attributes:
 * zram_add/zram_remove, disksize (zram_meta_alloc + zcomp_create),
 * reset (zram_reset_device), comp_algorithm, recomp_algorithm,
 * algorithm_params (level only), mem_limit, mem_used_max, compact, the
 * simulated clock, and the device's error message.
 *
 * Differences from the kernel: a device is an object, not /dev/zramN (no
 * hot_add/hot_remove, no gendisk, no open count: reset does not wait for
 * openers, the caller must stop I/O first); disksize allocates the table
 * with calloc; the pool is this library's zsmalloc (zswapsim/zpool.h),
 * the same code the zswap side uses.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "zram/zram_internal.h"

int zram_err(struct zsim_zram *z, int code, const char *fmt, ...)
{
	if (!z)
		return code;
	va_list ap;
	va_start(ap, fmt);
	pthread_mutex_lock(&z->err_lock);
	vsnprintf(z->err, sizeof(z->err), fmt, ap);
	pthread_mutex_unlock(&z->err_lock);
	va_end(ap);
	return code;
}

const char *zsim_zram_last_error(const struct zsim_zram *z)
{
	return z ? z->err : "no device";
}

void zsim_zram_config_init(struct zsim_zram_config *cfg)
{
	if (!cfg)
		return;
	memset(cfg, 0, sizeof(*cfg));
	cfg->profile = "6.12";
	cfg->nr_cpus = 2;
	cfg->nr_nodes = 1;
}

/* Is `alg` in the comma-separated list? */
static bool in_list(const char *list, const char *alg)
{
	size_t n = strlen(alg);
	for (const char *p = list; *p;) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l == n && !strncmp(p, alg, n))
			return true;
		if (!e)
			break;
		p = e + 1;
	}
	return false;
}

bool zram_alg_available(const struct zsim_zram *z, const char *alg)
{
	bool listed = false;
	for (const char *const *a = z->prof->algs; *a; a++)
		if (!strcmp(*a, alg))
			listed = true;
	if (!listed && z->prof->crypto_extra_deflate && !strcmp(alg, "deflate"))
		listed = true;
	if (!listed)
		return false;
	if (z->algs_allowed[0] && !in_list(z->algs_allowed, alg))
		return false;
	const struct zsim_codec_ops *ops;
	return zsim_codec_lookup(alg, &ops) == 0;
}

int zsim_zram_create(const struct zsim_zram_config *cfg, struct zsim_zram **out)
{
	struct zsim_zram_config def;
	if (!out)
		return ZSIM_EINVAL;
	*out = NULL;
	if (!cfg) {
		zsim_zram_config_init(&def);
		cfg = &def;
	}
	const struct zram_prof *prof = zram_prof_find(cfg->profile ? cfg->profile : "6.12");
	if (!prof)
		return ZSIM_ENOENT;
	if (cfg->nr_cpus > 4096 || cfg->nr_nodes > 64 ||
	    (cfg->chain_size && (cfg->chain_size < 4 || cfg->chain_size > 16)))
		return ZSIM_EINVAL;
	if (cfg->algorithms && strlen(cfg->algorithms) >= 256)
		return ZSIM_EINVAL;

	/* over-aligned (per-shard counters): not calloc */
	size_t zsize = (sizeof(struct zsim_zram) + ZSIM_SHARD_STRIDE - 1) & ~(size_t)(ZSIM_SHARD_STRIDE - 1);
	struct zsim_zram *z = aligned_alloc(ZSIM_SHARD_STRIDE, zsize);
	if (!z)
		return ZSIM_ENOMEM;
	memset(z, 0, zsize);
	z->prof = prof;
	z->nr_cpus = cfg->nr_cpus ? cfg->nr_cpus : 2;
	z->nr_nodes = cfg->nr_nodes ? cfg->nr_nodes : 1;
	z->chain_size = cfg->chain_size ? cfg->chain_size : prof->chain_size;
	z->pages = cfg->pages;
	z->fault = cfg->fault;
	z->cpu_online = malloc(sizeof(*z->cpu_online) * z->nr_cpus);
	if (!z->cpu_online) {
		free(z);
		return ZSIM_ENOMEM;
	}
	for (unsigned c = 0; c < z->nr_cpus; c++)
		z->cpu_online[c] = true;
	z->slots_ret = aligned_alloc(ZSIM_CACHELINE, sizeof(*z->slots_ret) * z->nr_cpus);
	if (!z->slots_ret) {
		free(z->cpu_online);
		free(z);
		return ZSIM_ENOMEM;
	}
	for (unsigned c = 0; c < z->nr_cpus; c++) {
		pthread_mutex_init(&z->slots_ret[c].lock, NULL);
		z->slots_ret[c].n = 0;
	}
	pthread_rwlock_init(&z->init_lock, NULL);
	pthread_mutex_init(&z->bitmap_lock, NULL);
	pthread_mutex_init(&z->wb_limit_lock, NULL);
	pthread_mutex_init(&z->err_lock, NULL);
	if (cfg->algorithms)
		snprintf(z->algs_allowed, sizeof(z->algs_allowed), "%s", cfg->algorithms);

	/* CONFIG_ZRAM_DEF_COMP, or the first algorithm the build has. */
	z->default_comp = NULL;
	if (zram_alg_available(z, prof->default_comp))
		z->default_comp = prof->default_comp;
	for (const char *const *a = prof->algs; !z->default_comp && *a; a++)
		if (zram_alg_available(z, *a))
			z->default_comp = *a;
	if (!z->default_comp) {
		zsim_zram_destroy(z);
		return ZSIM_ENOENT;
	}
	snprintf(z->comp_algs[0], sizeof(z->comp_algs[0]), "%s", z->default_comp);
	*out = z;
	return 0;
}

const char *zsim_zram_profile_name(const struct zsim_zram *z)
{
	return z ? z->prof->name : NULL;
}

/* zram_meta_free + zram_destroy_comps; init_lock held for writing. */
static void meta_free(struct zsim_zram *z)
{
	if (z->table) {
		for (uint64_t i = 0; i < z->nr_slots; i++)
			zram_slot_free(z, (uint32_t)i);
	}
	zsim_zpool_destroy(z->pool);
	z->pool = NULL;
	free(z->table);
	z->table = NULL;
	free((void *)z->zeromap);
	z->zeromap = NULL;
	free((void *)z->free_pending);
	z->free_pending = NULL;
	if (z->areas) {
		for (unsigned c = 0; c < z->nr_cpus; c++)
			pthread_mutex_destroy(&z->areas[c].lock);
		free(z->areas);
		z->areas = NULL;
	}
	for (unsigned p = 0; p < ZSIM_ZRAM_MAX_COMPS; p++) {
		zram_comp_destroy(z->comps[p]);
		z->comps[p] = NULL;
	}
	z->num_active_comps = 0;
	for (unsigned c = 0; c < z->nr_cpus; c++)
		z->slots_ret[c].n = 0; /* their slots are gone with the table */
	z->disksize = 0;
	z->nr_slots = 0;
}

void zsim_zram_destroy(struct zsim_zram *z)
{
	if (!z)
		return;
	meta_free(z);
	zram_bdev_reset(z);
	pthread_rwlock_destroy(&z->init_lock);
	pthread_mutex_destroy(&z->bitmap_lock);
	pthread_mutex_destroy(&z->wb_limit_lock);
	pthread_mutex_destroy(&z->err_lock);
	for (unsigned c = 0; c < z->nr_cpus; c++)
		pthread_mutex_destroy(&z->slots_ret[c].lock);
	free(z->slots_ret);
	free(z->cpu_online);
	free(z);
}

static int cpu_set(struct zsim_zram *z, unsigned cpu, bool up)
{
	if (!z)
		return ZSIM_EINVAL;
	if (cpu >= z->nr_cpus)
		return zram_err(z, ZSIM_ERANGE, "cpu %u: the device has %u CPUs", cpu, z->nr_cpus);
	pthread_rwlock_wrlock(&z->init_lock);
	int rc = 0;
	unsigned online = 0;
	for (unsigned c = 0; c < z->nr_cpus; c++)
		online += z->cpu_online[c];
	if (!up && z->cpu_online[cpu] && online == 1) {
		rc = zram_err(z, ZSIM_EBUSY, "cpu %u is the last one online", cpu);
	} else if (up != z->cpu_online[cpu]) {
		for (unsigned p = 0; !rc && p < ZSIM_ZRAM_MAX_COMPS; p++) {
			if (!z->comps[p])
				continue;
			if (up)
				rc = zram_comp_cpu_up(z->comps[p], cpu);
			else
				zram_comp_cpu_dead(z->comps[p], cpu);
		}
		if (!rc)
			z->cpu_online[cpu] = up;
		else
			zram_err(z, rc, "cpu %u: cannot make its streams", cpu);
	}
	pthread_rwlock_unlock(&z->init_lock);
	return rc;
}

int zsim_zram_cpu_offline(struct zsim_zram *z, unsigned cpu)
{
	return cpu_set(z, cpu, false);
}

int zsim_zram_cpu_online(struct zsim_zram *z, unsigned cpu)
{
	return cpu_set(z, cpu, true);
}

int zsim_zram_set_disksize(struct zsim_zram *z, uint64_t bytes)
{
	if (!z)
		return ZSIM_EINVAL;
	if (!bytes)
		return zram_err(z, ZSIM_EINVAL, "disksize: 0 is not a size");
	uint64_t size = (bytes + ZSIM_PAGE_SIZE - 1) & ~(uint64_t)(ZSIM_PAGE_SIZE - 1);
	uint64_t nr = size >> ZSIM_PAGE_SHIFT;
	if (nr > UINT32_MAX)
		return zram_err(z, ZSIM_ERANGE, "disksize: more than 2^32 pages");

	pthread_rwlock_wrlock(&z->init_lock);
	int rc = 0;
	if (z->disksize) {
		rc = zram_err(z, ZSIM_EBUSY, "Cannot change disksize for initialized device");
		goto out;
	}
	z->table = calloc(nr, sizeof(*z->table));
	z->zeromap = calloc((nr + 63) / 64, sizeof(*z->zeromap));
	z->free_pending = calloc((nr + 63) / 64, sizeof(*z->free_pending));
	z->areas = aligned_alloc(ZSIM_CACHELINE, sizeof(*z->areas) * z->nr_cpus);
	if (!z->table || !z->zeromap || !z->free_pending || !z->areas) {
		free(z->areas);
		z->areas = NULL;
		rc = zram_err(z, ZSIM_ENOMEM, "disksize: cannot allocate the slot table");
		goto fail;
	}
	for (unsigned c = 0; c < z->nr_cpus; c++)
		pthread_mutex_init(&z->areas[c].lock, NULL);
	z->nr_slots = nr;
	struct zsim_zpool_config zc = {
		.type = "zsmalloc", .name = "zram0", .era = z->prof->zs_era,
		.chain_size = z->chain_size, .access = z->prof->access,
		.nr_cpus = z->nr_cpus, .pages = z->pages, .fault = z->fault,
	};
	rc = zsim_zpool_create(&zc, &z->pool);
	if (rc) {
		zram_err(z, rc, "disksize: cannot create the zsmalloc pool: %s", zsim_strerror(rc));
		goto fail;
	}
	z->huge_class_size = zsim_zpool_huge_class_size(z->pool);
	for (unsigned p = 0; p < ZSIM_ZRAM_MAX_COMPS; p++) {
		if (!z->comp_algs[p][0])
			continue;
		rc = zram_comp_create(z->comp_algs[p], z->levels[p],
				      z->prof->own_backends ? ZSIM_CODEC_P_PAGE_SIZED : 0, z->nr_cpus,
				      z->cpu_online,
				      &z->stream_contended, &z->comps[p]);
		if (rc) {
			zram_err(z, rc, "Cannot initialise %s compressing backend: %s",
				 z->comp_algs[p], zsim_strerror(rc));
			goto fail;
		}
		z->num_active_comps++;
	}
	z->disksize = size;
	goto out;
fail:
	meta_free(z);
out:
	pthread_rwlock_unlock(&z->init_lock);
	return rc;
}

int zsim_zram_reset(struct zsim_zram *z)
{
	if (!z)
		return ZSIM_EINVAL;
	pthread_rwlock_wrlock(&z->init_lock);
	atomic_store(&z->limit_pages, 0);
	meta_free(z);
	/* zram_reset_device: stats zeroed, backing device dropped, the
	 * algorithms back to the default (later kernels also drop the
	 * secondaries and the parameters). */
	memset((void *)z->stats, 0, sizeof(z->stats));
	atomic_store(&z->max_used_pages, 0);
	zram_bdev_reset(z);
	for (unsigned p = 0; p < ZSIM_ZRAM_MAX_COMPS; p++) {
		if (p == 0 || z->prof->algorithm_params) {
			z->comp_algs[p][0] = 0;
			z->levels[p] = 0;
		}
	}
	snprintf(z->comp_algs[0], sizeof(z->comp_algs[0]), "%s", z->default_comp);
	pthread_rwlock_unlock(&z->init_lock);
	return 0;
}

static int comp_algorithm_store(struct zsim_zram *z, unsigned prio, const char *alg)
{
	if (!alg || !*alg)
		return zram_err(z, ZSIM_EINVAL, "comp_algorithm: empty name");
	if (strlen(alg) >= ZSIM_CODEC_NAME_MAX)
		return zram_err(z, ZSIM_EINVAL, "comp_algorithm: name too long");
	if (!zram_alg_available(z, alg))
		return zram_err(z, ZSIM_ENOENT, "%s: algorithm '%s' not available in profile %s",
				prio ? "recomp_algorithm" : "comp_algorithm", alg, z->prof->name);
	pthread_rwlock_wrlock(&z->init_lock);
	int rc = 0;
	if (z->disksize)
		rc = zram_err(z, ZSIM_EBUSY, "Can't change algorithm for initialized device");
	else
		snprintf(z->comp_algs[prio], sizeof(z->comp_algs[prio]), "%s", alg);
	pthread_rwlock_unlock(&z->init_lock);
	return rc;
}

int zsim_zram_set_comp_algorithm(struct zsim_zram *z, const char *alg)
{
	if (!z)
		return ZSIM_EINVAL;
	return comp_algorithm_store(z, 0, alg);
}

int zsim_zram_set_recomp_algorithm(struct zsim_zram *z, const char *alg, unsigned priority)
{
	if (!z)
		return ZSIM_EINVAL;
	if (!z->prof->multi_comp)
		return zram_err(z, ZSIM_ENOTSUP, "recomp_algorithm: not in profile %s (6.2+)",
				z->prof->name);
	if (priority < 1 || priority >= ZSIM_ZRAM_MAX_COMPS)
		return zram_err(z, ZSIM_EINVAL, "recomp_algorithm: priority %u not in 1..3",
				priority);
	return comp_algorithm_store(z, priority, alg);
}

int zsim_zram_set_algorithm_level(struct zsim_zram *z, unsigned prio, int level)
{
	if (!z)
		return ZSIM_EINVAL;
	if (!z->prof->algorithm_params)
		return zram_err(z, ZSIM_ENOTSUP, "algorithm_params: not in profile %s (6.12+)",
				z->prof->name);
	if (prio >= ZSIM_ZRAM_MAX_COMPS)
		return zram_err(z, ZSIM_EINVAL, "algorithm_params: priority %u not in 0..3", prio);
	pthread_rwlock_wrlock(&z->init_lock);
	int rc = 0;
	/* 6.12 accepted params on an initialised device (they took effect at
	 * the next disksize); later kernels refuse with -EBUSY. */
	if (z->disksize && z->prof->stream_mutex)
		rc = zram_err(z, ZSIM_EBUSY, "algorithm_params: device initialised");
	else
		z->levels[prio] = level;
	pthread_rwlock_unlock(&z->init_lock);
	return rc;
}

int zsim_zram_set_mem_limit(struct zsim_zram *z, uint64_t bytes)
{
	if (!z)
		return ZSIM_EINVAL;
	pthread_rwlock_wrlock(&z->init_lock);
	atomic_store(&z->limit_pages, (bytes + ZSIM_PAGE_SIZE - 1) >> ZSIM_PAGE_SHIFT);
	pthread_rwlock_unlock(&z->init_lock);
	return 0;
}

int64_t zsim_zram_compact(struct zsim_zram *z)
{
	if (!z)
		return ZSIM_EINVAL;
	pthread_rwlock_rdlock(&z->init_lock);
	int64_t rc;
	if (!z->disksize)
		rc = zram_err(z, ZSIM_ENODEV, "compact: device not initialised");
	else
		rc = zsim_zpool_compact(z->pool);
	pthread_rwlock_unlock(&z->init_lock);
	return rc;
}

void zsim_zram_set_time(struct zsim_zram *z, uint64_t seconds)
{
	if (z)
		atomic_store(&z->now, seconds);
}

int zsim_zram_mark_idle(struct zsim_zram *z, uint64_t age_sec)
{
	if (!z)
		return ZSIM_EINVAL;
	return zram_mark_idle(z, age_sec, age_sec == 0);
}

struct zsim_zpool *zsim_zram_zpool(struct zsim_zram *z)
{
	return z ? z->pool : NULL;
}

size_t zsim_zram_huge_class_size(const struct zsim_zram *z)
{
	return z ? z->huge_class_size : 0;
}

int zsim_zram_meta(struct zsim_zram *z, struct zsim_zram_meta *m)
{
	if (!z || !m)
		return ZSIM_EINVAL;
	memset(m, 0, sizeof(*m));
	pthread_rwlock_rdlock(&z->init_lock);
	m->table_bytes = z->nr_slots * sizeof(struct zram_slot) + sizeof(*z);
	for (unsigned p = 0; p < ZSIM_ZRAM_MAX_COMPS; p++)
		if (z->comps[p])
			m->stream_bytes += zram_comp_memory(z->comps[p]);
	if (z->pool) {
		struct zsim_zpool_stats st;
		if (!zsim_zpool_stats(z->pool, &st))
			m->zpool_meta_bytes = st.meta_bytes;
	}
	pthread_rwlock_unlock(&z->init_lock);
	return 0;
}

/* --- small parsers shared by the attribute files --------------------- */

char *zram_next_arg(char *args, char **key, char **val)
{
	static char empty[1];
	while (*args && isspace((unsigned char)*args))
		args++;
	*key = args;
	while (*args && !isspace((unsigned char)*args))
		args++;
	if (*args)
		*args++ = 0;
	char *eq = strchr(*key, '=');
	if (eq) {
		*eq = 0;
		*val = eq + 1;
	} else {
		empty[0] = 0;
		*val = empty;
	}
	while (*args && isspace((unsigned char)*args))
		args++;
	return args;
}

int zram_memparse(const char *s, uint64_t *out, const char **end)
{
	char *e;
	while (isspace((unsigned char)*s))
		s++;
	if (!isdigit((unsigned char)*s))
		return ZSIM_EINVAL;
	unsigned long long v = strtoull(s, &e, 0);
	unsigned shift = 0;
	switch (*e) {
	case 'E': case 'e': shift += 10; /* fall through */
	case 'P': case 'p': shift += 10; /* fall through */
	case 'T': case 't': shift += 10; /* fall through */
	case 'G': case 'g': shift += 10; /* fall through */
	case 'M': case 'm': shift += 10; /* fall through */
	case 'K': case 'k': shift += 10; e++; break;
	default: break;
	}
	if (shift && v > (UINT64_MAX >> shift))
		return ZSIM_ERANGE;
	*out = (uint64_t)v << shift;
	if (end)
		*end = e;
	return 0;
}
