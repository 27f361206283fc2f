/*
 * zswap.c - the simulated zswap instance: configuration, creation (the
 * kernel's init: entry cache, hotplug state, initial pool), runtime
 * parameters and destruction.
 * Differences: no lazy init (the instance is ready when created; enabled=0
 * only refuses stores, as writing enabled=N does); no debugfs files, the
 * counters are read with zsim_zswap_stats().
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "zswap/zswap_internal.h"

int zsim_memcg_init_root(struct zsim_zswap *z);

_Thread_local uint64_t zsim_model_acc ZSIM_TLS_IE;
static _Thread_local uint64_t model_last ZSIM_TLS_IE;

void zsim_model_begin(void)
{
	zsim_model_acc = 0;
}

void zsim_model_end(void)
{
	model_last = zsim_model_acc;
}

uint64_t zsim_zswap_last_modelled_ns(void)
{
	return model_last;
}

void zsim_swap_destroy_all(struct zsim_zswap *z);

void zsim_zswap_config_init(struct zsim_zswap_config *cfg)
{
	if (!cfg)
		return;
	memset(cfg, 0, sizeof(*cfg));
	cfg->profile = "6.12";
	cfg->compressor = "zstd";
	cfg->zpool = "zsmalloc";
	cfg->max_pool_percent = 20;
	cfg->accept_threshold_percent = 90;
	cfg->ram_bytes = 8ull << 30;
	cfg->enabled = 1;
	cfg->same_filled_pages_enabled = 1;
	cfg->batch = -1;
	zsim_sched_config_init(&cfg->sched);
	cfg->initialized = ZSIM_ZSWAP_CONFIG_INITIALIZED;
}

/* A config zsim_zswap_config_init did not fill (zeroed, or designated
 * initializers): every field left 0 takes its default, so that a zeroed
 * struct is the default zswap and not a disabled one. */
static void zero_means_default(struct zsim_zswap_config *c)
{
	if (!c->max_pool_percent)
		c->max_pool_percent = 20;
	if (!c->accept_threshold_percent)
		c->accept_threshold_percent = 90;
	if (!c->enabled)
		c->enabled = ZSIM_CONFIG_ON;
	if (!c->same_filled_pages_enabled)
		c->same_filled_pages_enabled = ZSIM_CONFIG_ON;
	if (!c->batch)
		c->batch = -1;
}

static unsigned machine_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)n : 1;
}

int zsim_zswap_create(const struct zsim_zswap_config *cfg_in, struct zsim_zswap **out)
{
	if (!out)
		return ZSIM_EINVAL;
	*out = NULL;
	struct zsim_zswap_config cfg;
	if (cfg_in) {
		cfg = *cfg_in;
		if (cfg.initialized != ZSIM_ZSWAP_CONFIG_INITIALIZED)
			zero_means_default(&cfg);
	} else {
		zsim_zswap_config_init(&cfg);
	}
	const struct zsim_profile *prof = zsim_profile_find(cfg.profile ? cfg.profile : "6.12");
	if (!prof)
		return ZSIM_ENOENT;
	if (cfg.max_pool_percent > 100 || cfg.accept_threshold_percent > 100)
		return ZSIM_EINVAL;
	if (cfg.chain_size && (cfg.chain_size < 4 || cfg.chain_size > 16))
		return ZSIM_EINVAL;
	if (cfg.chain_size && prof->zs_era == ZSIM_ZS_ERA_LEGACY && cfg.chain_size != 4)
		return ZSIM_EINVAL; /* ≤6.2 zsmalloc has no chain size */
	if (cfg.ram_bytes && cfg.ram_bytes < ZSIM_PAGE_SIZE)
		return ZSIM_EINVAL;
	if (cfg.nr_cpus > 4096 || cfg.nr_nodes > 64)
		return ZSIM_EINVAL;
	const char *comp = cfg.compressor ? cfg.compressor : "zstd";
	const char *zp = cfg.zpool ? cfg.zpool : "zsmalloc";
	if (strlen(comp) >= 128 || strlen(zp) >= 32)
		return ZSIM_EINVAL;

	struct zsim_zswap *z = calloc(1, sizeof(*z));
	if (!z)
		return ZSIM_ENOMEM;
	z->prof = prof;
	strcpy(z->zpool_type, zp);
	z->pages_are_pool = !strcmp(zp, "zsmalloc");
	z->chain_size = cfg.chain_size ? cfg.chain_size : prof->chain_size;
	atomic_store(&z->max_pool_percent, cfg.max_pool_percent);
	atomic_store(&z->accept_thr_percent, cfg.accept_threshold_percent);
	z->totalram_pages = (cfg.ram_bytes ? cfg.ram_bytes : 8ull << 30) / ZSIM_PAGE_SIZE;
	z->nr_cpus = cfg.nr_cpus ? cfg.nr_cpus : machine_cpus();
	z->nr_nodes = cfg.nr_nodes ? cfg.nr_nodes : 1;
	atomic_store(&z->enabled, cfg.enabled > 0 ? 1 : 0);
	z->shrinker_enabled = cfg.shrinker_enabled > 0;
	z->refuse_large_folios = cfg.refuse_large_folios > 0;
	z->same_filled_enabled = cfg.same_filled_pages_enabled > 0;
	if (cfg.batch < -1 || cfg.batch > 1) {
		free(z);
		return ZSIM_EINVAL;
	}
	z->batch = cfg.batch;
	z->fault = cfg.fault;
	if (cfg.shrink_sched < ZSIM_SHRINK_SCHED_THREAD || cfg.shrink_sched > ZSIM_SHRINK_SCHED_SIM ||
	    cfg.sched.cpus > 4096) {
		free(z);
		return ZSIM_EINVAL;
	}
	z->shrink_sched = cfg.shrink_worker_inline ? ZSIM_SHRINK_SCHED_INLINE : cfg.shrink_sched;
	z->shrink_inline = z->shrink_sched == ZSIM_SHRINK_SCHED_INLINE;
	zsim_wq_init(z, &cfg.sched);
	zsim_writeback_init(z);
	pthread_rwlock_init(&z->pools_lock, NULL);
	pthread_mutex_init(&z->switch_lock, NULL);
	pthread_mutex_init(&z->hotplug_lock, NULL);
	pthread_mutex_init(&z->memcg_lock, NULL);
	for (unsigned t = 0; t < ZSIM_MAX_SWAPFILES; t++)
		zsim_brlock_init(&z->swap[t].lock, false);
	zsim_slot_locks_init(z);

	int rc = ZSIM_ENOMEM;
	z->cpu_online = calloc(z->nr_cpus, sizeof(*z->cpu_online));
	z->stats = aligned_alloc(ZSIM_CACHELINE, sizeof(*z->stats) * z->nr_cpus);
	if (!z->cpu_online || !z->stats)
		goto fail;
	memset(z->stats, 0, sizeof(*z->stats) * z->nr_cpus);
	for (unsigned c = 0; c < z->nr_cpus; c++)
		atomic_store(&z->cpu_online[c], true);
	struct zsim_page_allocator_config pc = {.nr_nodes = z->nr_nodes, .fault = z->fault};
	rc = zsim_page_allocator_create(&pc, &z->pages);
	if (rc)
		goto fail;
	rc = zsim_page_allocator_create(NULL, &z->side_pages);
	if (rc)
		goto fail;
	rc = zsim_objcache_create(sizeof(struct zsim_entry), &z->entry_cache);
	if (rc)
		goto fail;
	rc = zsim_memcg_init_root(z);
	if (rc)
		goto fail;
	rc = zsim_zswap_set_compressor(z, comp);
	if (rc)
		goto fail;
	*out = z;
	return 0;
fail:
	zsim_zswap_destroy(z);
	return rc;
}

void zsim_zswap_destroy(struct zsim_zswap *z)
{
	if (!z)
		return;
	zsim_writeback_stop(z);
	zsim_swap_destroy_all(z);  /* frees entries: drops their pool refs */
	zsim_pools_destroy_all(z);
	zsim_memcgs_destroy(z);
	if (z->pages)
		zsim_page_allocator_destroy(z->pages);
	zsim_objcache_destroy(z->entry_cache);
	zsim_page_allocator_destroy(z->side_pages); /* after its users */
	for (unsigned t = 0; t < ZSIM_MAX_SWAPFILES; t++)
		zsim_brlock_destroy(&z->swap[t].lock);
	zsim_slot_locks_destroy(z);
	pthread_rwlock_destroy(&z->pools_lock);
	pthread_mutex_destroy(&z->switch_lock);
	pthread_mutex_destroy(&z->hotplug_lock);
	pthread_mutex_destroy(&z->memcg_lock);
	free(z->cpu_online);
	free(z->stats);
	free(z);
}

const char *zsim_zswap_profile_name(const struct zsim_zswap *z)
{
	return z ? z->prof->name : NULL;
}

unsigned zsim_zswap_nr_cpus(const struct zsim_zswap *z)
{
	return z ? z->nr_cpus : 0;
}

int zsim_zswap_set_enabled(struct zsim_zswap *z, int enabled)
{
	if (!z)
		return ZSIM_EINVAL;
	atomic_store(&z->enabled, enabled ? 1 : 0);
	return 0;
}

int zsim_zswap_set_max_pool_percent(struct zsim_zswap *z, unsigned pct)
{
	if (!z || pct > 100)
		return ZSIM_EINVAL;
	atomic_store(&z->max_pool_percent, pct);
	return 0;
}

int zsim_zswap_set_accept_threshold_percent(struct zsim_zswap *z, unsigned pct)
{
	if (!z || pct > 100)
		return ZSIM_EINVAL;
	atomic_store(&z->accept_thr_percent, pct);
	return 0;
}
