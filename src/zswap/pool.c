/*
 * pool.c - zswap pools and their per-CPU compression contexts.
 *
 * Models zswap_pool (compressor + zsmalloc, reference counted, a list with
 * a current pool) and the acomp_ctx lifetime of each era: up to 6.18 a
 * CPU's context is made at CPU online ("prepare") and freed at offline
 * ("dead"), under its mutex so a racing user retries on another CPU (the
 * 6.13 fix); in "latest" it lives from pool creation to pool destruction.
 * The pool's reference count is a percpu_ref (common/pcpu_ref.h): per-CPU
 * while the pool is current, atomic from the switch that retires it.
 * Differences: a pools rwlock stands for RCU; pools are kept
 * in an id table 1..255 for every profile (the kernel's 2026 layout);
 * a pool is destroyed synchronously when its last reference goes, where
 * the kernel defers it past an RCU grace period.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zswap/zswap_internal.h"

#ifdef ZSIM_HAVE_NUMA
#include <numa.h>
#endif

/* The context buffer of a simulated CPU lives on the NUMA node of the real
 * CPU it maps to (kmalloc_node(cpu_to_node(cpu)) in the kernel), where
 * libnuma is present and the machine has NUMA. */
static void *ctx_buffer_alloc(unsigned cpu, size_t size, bool *numa)
{
	*numa = false;
#ifdef ZSIM_HAVE_NUMA
	if (numa_available() >= 0 && numa_max_node() > 0) {
		int ncpu = numa_num_configured_cpus();
		int node = numa_node_of_cpu(ncpu > 0 ? (int)(cpu % (unsigned)ncpu) : 0);
		void *p = numa_alloc_onnode(size, node < 0 ? 0 : node);
		if (p) {
			*numa = true;
			return p;
		}
	}
#else
	(void)cpu;
#endif
	return malloc(size);
}

static void ctx_buffer_free(void *p, size_t size, bool numa)
{
#ifdef ZSIM_HAVE_NUMA
	if (numa) {
		numa_free(p, size);
		return;
	}
#endif
	(void)size;
	(void)numa;
	free(p);
}

static void ctx_free_locked(struct zsim_acomp_ctx *ctx)
{
	zsim_codec_destroy(ctx->codec);
	if (ctx->buffer)
		ctx_buffer_free(ctx->buffer, ctx->buffer_size, ctx->numa);
	ctx->codec = NULL;
	ctx->buffer = NULL;
	ctx->buffer_size = 0;
}

/* Allocate one CPU's context (the hotplug "prepare" callback). */
int zsim_ctx_populate(struct zsim_zswap *z, struct zsim_pool *p, unsigned cpu)
{
	struct zsim_acomp_ctx *ctx = &p->ctx[cpu];
	pthread_mutex_lock(&ctx->lock);
	int rc = 0;
	if (!ctx->codec) {
		rc = zsim_codec_create(p->spec, NULL, &ctx->codec);
		if (!rc) {
			/* Batch buffers only for codecs that batch, and only
			 * when batching is on: no cost for the others. */
			ctx->nbufs = p->compr_batch;
			ctx->buf_size = (size_t)z->prof->dst_buf_pages * ZSIM_PAGE_SIZE;
			ctx->buffer_size = ctx->buf_size * ctx->nbufs;
			ctx->buffer = ctx_buffer_alloc(cpu, ctx->buffer_size, &ctx->numa);
			if (!ctx->buffer)
				rc = ZSIM_ENOMEM;
		}
		if (rc)
			ctx_free_locked(ctx);
	}
	pthread_mutex_unlock(&ctx->lock);
	return rc;
}

/* Free one CPU's context under its mutex (the hotplug "dead" callback). */
void zsim_ctx_release(struct zsim_acomp_ctx *ctx)
{
	pthread_mutex_lock(&ctx->lock);
	ctx_free_locked(ctx);
	pthread_mutex_unlock(&ctx->lock);
}

/* Free what a pool holds: its contexts and its zpool. */
static void pool_release(struct zsim_zswap *z, struct zsim_pool *p)
{
	if (p->ctx) {
		for (unsigned c = 0; c < z->nr_cpus; c++) {
			ctx_free_locked(&p->ctx[c]);
			pthread_mutex_destroy(&p->ctx[c].lock);
		}
		free(p->ctx);
		p->ctx = NULL;
	}
	zsim_zpool_destroy(p->zpool);
	p->zpool = NULL;
}

static void pool_free(struct zsim_zswap *z, struct zsim_pool *p)
{
	if (!p)
		return;
	pool_release(z, p);
	zsim_pcpu_ref_destroy(&p->ref);
	free(p);
}

int zsim_pool_create(struct zsim_zswap *z, const char *spec, struct zsim_pool **out)
{
	if (zsim_fault_should_fail(z->fault, ZSIM_FAULT_POOL_CREATE))
		return ZSIM_ENOMEM;
	if (strlen(spec) >= sizeof(((struct zsim_pool *)0)->spec))
		return ZSIM_EINVAL;
	struct zsim_pool *p = calloc(1, sizeof(*p));
	if (!p)
		return ZSIM_ENOMEM;
	if (zsim_pcpu_ref_init(&p->ref, 1)) { /* the base reference */
		free(p);
		return ZSIM_ENOMEM;
	}
	strcpy(p->spec, spec);
	p->ctx = aligned_alloc(ZSIM_CACHELINE, sizeof(*p->ctx) * z->nr_cpus);
	if (!p->ctx) {
		pool_free(z, p);
		return ZSIM_ENOMEM;
	}
	memset(p->ctx, 0, sizeof(*p->ctx) * z->nr_cpus);
	for (unsigned c = 0; c < z->nr_cpus; c++)
		pthread_mutex_init(&p->ctx[c].lock, NULL);

	/* Check the codec once and describe it for reports. */
	struct zsim_codec *probe;
	int rc = zsim_codec_create(spec, NULL, &probe);
	if (rc) {
		pool_free(z, p);
		return rc;
	}
	zsim_codec_describe(probe, p->desc, sizeof(p->desc));
	p->codec_flags = zsim_codec_ops(probe)->flags;
	struct zsim_codec_timing t;
	p->timed = zsim_codec_timing(probe, &t) == 0;
	unsigned mb = zsim_codec_max_batch(probe);
	/* No released kernel batches compressions (the IAA batching series is
	 * out of tree): only when asked for by name (config.batch = 1). */
	p->compr_batch = (z->batch > 0 && mb > 1) ? ZSIM_MIN(mb, ZSIM_STORE_BATCH) : 1;
	zsim_codec_destroy(probe);

	static _Atomic unsigned pool_counter;
	char name[32];
	snprintf(name, sizeof(name), "zswap%x", atomic_fetch_add(&pool_counter, 1) + 1);
	struct zsim_zpool_config zc = {
		.type = z->zpool_type,
		.name = name,
		.era = z->prof->zs_era,
		.chain_size = z->chain_size,
		.access = z->prof->access,
		.nr_cpus = z->nr_cpus,
		.pages = z->pages,
		.fault = z->fault,
	};
	rc = zsim_zpool_create(&zc, &p->zpool);
	for (unsigned c = 0; !rc && c < z->nr_cpus; c++) {
		if (z->prof->ctx_pool_lifetime || atomic_load(&z->cpu_online[c]))
			rc = zsim_ctx_populate(z, p, c);
	}
	if (rc) {
		pool_free(z, p);
		return rc;
	}

	/* Take an id 1..255 (the 2026 pool id xarray; -EBUSY when full).
	 * Not current yet, so no store can reach it. */
	pthread_rwlock_wrlock(&z->pools_lock);
	unsigned idx = 0;
	for (unsigned i = 1; i < ZSIM_MAX_POOLS; i++) {
		if (!z->pools[i]) {
			idx = i;
			break;
		}
	}
	if (idx) {
		p->idx = idx;
		z->pools[idx] = p;
	}
	pthread_rwlock_unlock(&z->pools_lock);
	if (!idx) {
		pool_free(z, p);
		return ZSIM_EBUSY;
	}
	*out = p;
	return 0;
}

struct zsim_pool *zsim_pool_current_get(struct zsim_zswap *z)
{
	for (;;) {
		struct zsim_pool *p = atomic_load_explicit(&z->current, memory_order_acquire);
		if (!p)
			return NULL;
		if (zsim_pcpu_ref_tryget(&p->ref, 1))
			return p;
		/* Dead: a switch replaced it; `current` has moved on. */
	}
}

void zsim_pool_get(struct zsim_pool *p, long n)
{
	zsim_pcpu_ref_get(&p->ref, n);
}

/* Dropping the last reference unlinks and destroys the pool: the pool
 * lives exactly as long as its entries, its users and (while current) its
 * base reference. */
void zsim_pool_put(struct zsim_zswap *z, struct zsim_pool *p)
{
	if (!zsim_pcpu_ref_put(&p->ref, 1))
		return;
	pthread_rwlock_wrlock(&z->pools_lock);
	if (z->pools[p->idx] == p)
		z->pools[p->idx] = NULL;
	p->retired_next = z->retired;
	z->retired = p;
	pthread_rwlock_unlock(&z->pools_lock);
	pool_release(z, p);
}

uint64_t zsim_total_pages(struct zsim_zswap *z)
{
	/* zsmalloc pools take every page from z->pages and nothing else
	 * does, so its count is the sum the kernel's zswap_total_pages()
	 * walks the pools for: one atomic read instead of a lock and a walk
	 * on every store. */
	if (z->pages_are_pool)
		return zsim_page_allocator_pages(z->pages);
	uint64_t total = 0;
	pthread_rwlock_rdlock(&z->pools_lock);
	for (unsigned i = 1; i < ZSIM_MAX_POOLS; i++)
		if (z->pools[i] && z->pools[i]->zpool)
			total += zsim_zpool_total_pages(z->pools[i]->zpool);
	pthread_rwlock_unlock(&z->pools_lock);
	return total;
}

unsigned zsim_zswap_nr_pools(const struct zsim_zswap *z)
{
	struct zsim_zswap *zz = (struct zsim_zswap *)z;
	if (!z)
		return 0;
	unsigned n = 0;
	pthread_rwlock_rdlock(&zz->pools_lock);
	for (unsigned i = 1; i < ZSIM_MAX_POOLS; i++)
		n += zz->pools[i] != NULL;
	pthread_rwlock_unlock(&zz->pools_lock);
	return n;
}

void zsim_pools_destroy_all(struct zsim_zswap *z)
{
	for (unsigned i = 1; i < ZSIM_MAX_POOLS; i++) {
		pool_free(z, z->pools[i]);
		z->pools[i] = NULL;
	}
	while (z->retired) {
		struct zsim_pool *p = z->retired;
		z->retired = p->retired_next;
		zsim_pcpu_ref_destroy(&p->ref);
		free(p);
	}
	z->current_pool = 0;
	atomic_store(&z->current, NULL);
}

unsigned zsim_cpu_resolve(const struct zsim_zswap *z, unsigned cpu)
{
	for (unsigned k = 0; k < z->nr_cpus; k++) {
		unsigned c = (cpu + k) % z->nr_cpus;
		if (atomic_load_explicit(&z->cpu_online[c], memory_order_relaxed))
			return c;
	}
	return cpu % z->nr_cpus;
}

/*
 * acomp_ctx_get_cpu_lock: lock this CPU's context; if the CPU went offline
 * and its context was freed meanwhile, retry on the next online CPU.
 */
struct zsim_acomp_ctx *zsim_acomp_ctx_lock(struct zsim_zswap *z, struct zsim_pool *p,
					   unsigned cpu, unsigned *used_cpu)
{
	for (unsigned tries = 0;; tries++) {
		unsigned c = zsim_cpu_resolve(z, (cpu + tries) % z->nr_cpus);
		struct zsim_acomp_ctx *ctx = &p->ctx[c];
		pthread_mutex_lock(&ctx->lock);
		if (zsim_likely(ctx->codec != NULL)) {
			if (used_cpu)
				*used_cpu = c;
			return ctx;
		}
		pthread_mutex_unlock(&ctx->lock);
		if (tries > 4 * z->nr_cpus) {
			/* Every context is gone (cannot happen while one CPU is
			 * online); make this one again rather than spin. */
			if (zsim_ctx_populate(z, p, c) == 0)
				continue;
			return NULL;
		}
	}
}

void zsim_acomp_ctx_unlock(struct zsim_acomp_ctx *ctx)
{
	pthread_mutex_unlock(&ctx->lock);
}

int zsim_zswap_set_compressor(struct zsim_zswap *z, const char *spec)
{
	if (!z || !spec || !*spec)
		return ZSIM_EINVAL;
	pthread_mutex_lock(&z->switch_lock);
	int rc = 0;
	struct zsim_pool *old = NULL, *p = NULL;
	pthread_rwlock_rdlock(&z->pools_lock);
	if (z->current_pool && !strcmp(z->pools[z->current_pool]->spec, spec)) {
		pthread_rwlock_unlock(&z->pools_lock);
		goto out; /* same value: no-op */
	}
	/* An old pool of the same compressor still alive is made current
	 * again (percpu_ref_resurrect) instead of creating a new one. */
	for (unsigned i = 1; i < ZSIM_MAX_POOLS; i++) {
		struct zsim_pool *q = z->pools[i];
		if (q && i != z->current_pool && !strcmp(q->spec, spec)) {
			/* tryget: only while its entries keep it alive */
			if (zsim_pcpu_ref_tryget(&q->ref, 1)) {
				p = q; /* the new ref becomes its base reference */
				break;
			}
		}
	}
	pthread_rwlock_unlock(&z->pools_lock);
	if (!p) {
		rc = zsim_pool_create(z, spec, &p);
		if (rc == ZSIM_ENOMEM || rc == ZSIM_EBUSY)
			rc = rc == ZSIM_EBUSY ? ZSIM_EBUSY : ZSIM_EINVAL;
		if (rc)
			goto out;
	}
	pthread_rwlock_wrlock(&z->pools_lock);
	old = z->current_pool ? z->pools[z->current_pool] : NULL;
	z->current_pool = p->idx;
	atomic_store_explicit(&z->current, p, memory_order_release);
	pthread_rwlock_unlock(&z->pools_lock);
	snprintf(z->compressor, sizeof(z->compressor), "%s", spec);
	if (old) {
		/* percpu_ref_kill: atomic from now on, then drop its base
		 * ref; it dies with its last entry. */
		zsim_pcpu_ref_kill(&old->ref);
		zsim_pool_put(z, old);
	}
out:
	pthread_mutex_unlock(&z->switch_lock);
	return rc;
}

int zsim_zswap_cpu_offline(struct zsim_zswap *z, unsigned cpu)
{
	if (!z || cpu >= z->nr_cpus)
		return ZSIM_ERANGE;
	pthread_mutex_lock(&z->hotplug_lock);
	unsigned online = 0;
	for (unsigned c = 0; c < z->nr_cpus; c++)
		online += atomic_load(&z->cpu_online[c]);
	int rc = 0;
	if (!atomic_load(&z->cpu_online[cpu])) {
		rc = 0;
	} else if (online <= 1) {
		rc = ZSIM_EBUSY;
	} else {
		atomic_store(&z->cpu_online[cpu], false);
		if (!z->prof->ctx_pool_lifetime) {
			pthread_rwlock_rdlock(&z->pools_lock);
			for (unsigned i = 1; i < ZSIM_MAX_POOLS; i++)
				if (z->pools[i] && z->pools[i]->ctx)
					zsim_ctx_release(&z->pools[i]->ctx[cpu]);
			pthread_rwlock_unlock(&z->pools_lock);
		}
	}
	pthread_mutex_unlock(&z->hotplug_lock);
	return rc;
}

int zsim_zswap_cpu_online(struct zsim_zswap *z, unsigned cpu)
{
	if (!z || cpu >= z->nr_cpus)
		return ZSIM_ERANGE;
	pthread_mutex_lock(&z->hotplug_lock);
	int rc = 0;
	if (!atomic_load(&z->cpu_online[cpu])) {
		pthread_rwlock_rdlock(&z->pools_lock);
		for (unsigned i = 1; !rc && i < ZSIM_MAX_POOLS; i++)
			if (z->pools[i] && z->pools[i]->zpool)
				rc = zsim_ctx_populate(z, z->pools[i], cpu);
		pthread_rwlock_unlock(&z->pools_lock);
		if (!rc)
			atomic_store(&z->cpu_online[cpu], true);
	}
	pthread_mutex_unlock(&z->hotplug_lock);
	return rc;
}

size_t zsim_zswap_ctx_memory(const struct zsim_zswap *z, unsigned cpu)
{
	struct zsim_zswap *zz = (struct zsim_zswap *)z;
	if (!z)
		return 0;
	size_t total = 0;
	pthread_rwlock_rdlock(&zz->pools_lock);
	for (unsigned i = 1; i < ZSIM_MAX_POOLS; i++) {
		struct zsim_pool *p = zz->pools[i];
		if (!p || !p->ctx)
			continue;
		for (unsigned c = 0; c < z->nr_cpus; c++) {
			if (cpu != UINT32_MAX && c != cpu)
				continue;
			struct zsim_acomp_ctx *ctx = &p->ctx[c];
			pthread_mutex_lock(&ctx->lock);
			if (ctx->codec)
				total += sizeof(*ctx) + zsim_codec_memory(ctx->codec) + ctx->buffer_size;
			pthread_mutex_unlock(&ctx->lock);
		}
	}
	pthread_rwlock_unlock(&zz->pools_lock);
	return total;
}

/* Call fn on every live pool, each under a reference held for the call. */
static void for_each_live_pool(struct zsim_zswap *z, void (*fn)(struct zsim_pool *, void *),
			       void *arg)
{
	for (unsigned i = 1; i < ZSIM_MAX_POOLS; i++) {
		pthread_rwlock_rdlock(&z->pools_lock);
		struct zsim_pool *p = z->pools[i];
		bool got = p && zsim_pcpu_ref_tryget(&p->ref, 1);
		pthread_rwlock_unlock(&z->pools_lock);
		if (!got)
			continue;
		fn(p, arg);
		zsim_pool_put(z, p);
	}
}

static void add_freeable(struct zsim_pool *p, void *arg)
{
	struct zsim_zpool_stats st;
	if (zsim_zpool_stats(p->zpool, &st) == 0)
		*(uint64_t *)arg += st.freeable;
}

static void add_compacted(struct zsim_pool *p, void *arg)
{
	int64_t n = zsim_zpool_compact(p->zpool);
	if (n > 0)
		*(int64_t *)arg += n;
}

uint64_t zsim_zswap_compact_count(struct zsim_zswap *z)
{
	uint64_t freeable = 0;
	if (z)
		for_each_live_pool(z, add_freeable, &freeable);
	return freeable;
}

int64_t zsim_zswap_compact(struct zsim_zswap *z)
{
	if (!z)
		return ZSIM_EINVAL;
	int64_t freed = 0;
	for_each_live_pool(z, add_compacted, &freed);
	return freed;
}
