/*
 * fault.c - failure injection (zswapsim/fault.h). Not a kernel model: the
 * kernel's equivalent is fault-injection (failslab, fail_page_alloc);
 * this one is per instance and deterministic.
 */
#include "zswapsim/fault.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "common/rand.h"

struct point_state {
	struct zsim_fault_rule rule;
	int active;
	struct zsim_rng rng;
	uint64_t calls;
	uint64_t failures;
};

struct zsim_fault_injector {
	pthread_mutex_t lock;
	atomic_int any_active; /* fast path: no rule set anywhere */
	struct point_state p[ZSIM_FAULT_POINT_COUNT];
};

static const char *const point_names[ZSIM_FAULT_POINT_COUNT] = {
	"page_alloc", "zs_handle", "zs_desc", "entry_alloc", "tree_node",
	"compress", "decompress", "dev_write", "dev_read", "lru_alloc",
	"pool_create", "wb_folio",
};

int zsim_fault_create(struct zsim_fault_injector **out)
{
	if (!out)
		return ZSIM_EINVAL;
	struct zsim_fault_injector *f = calloc(1, sizeof(*f));
	if (!f)
		return ZSIM_ENOMEM;
	pthread_mutex_init(&f->lock, NULL);
	*out = f;
	return 0;
}

void zsim_fault_destroy(struct zsim_fault_injector *f)
{
	if (!f)
		return;
	pthread_mutex_destroy(&f->lock);
	free(f);
}

static void recount_active(struct zsim_fault_injector *f)
{
	int any = 0;
	for (int i = 0; i < ZSIM_FAULT_POINT_COUNT; i++)
		any |= f->p[i].active;
	atomic_store(&f->any_active, any);
}

int zsim_fault_set(struct zsim_fault_injector *f, enum zsim_fault_point point,
		   const struct zsim_fault_rule *rule)
{
	if (!f || (unsigned)point >= ZSIM_FAULT_POINT_COUNT)
		return ZSIM_EINVAL;
	/* Written so that NaN fails too: 0 <= p <= 1 (+-inf are outside). */
	if (rule && !(rule->probability >= 0 && rule->probability <= 1))
		return ZSIM_EINVAL;
	pthread_mutex_lock(&f->lock);
	struct point_state *s = &f->p[point];
	memset(s, 0, sizeof(*s));
	if (rule) {
		s->rule = *rule;
		s->active = rule->nth || rule->every || rule->probability > 0;
		zsim_rng_seed(&s->rng, rule->seed);
	}
	recount_active(f);
	pthread_mutex_unlock(&f->lock);
	return 0;
}

void zsim_fault_reset(struct zsim_fault_injector *f)
{
	if (!f)
		return;
	pthread_mutex_lock(&f->lock);
	memset(f->p, 0, sizeof(f->p));
	atomic_store(&f->any_active, 0);
	pthread_mutex_unlock(&f->lock);
}

uint64_t zsim_fault_calls(const struct zsim_fault_injector *f,
			  enum zsim_fault_point point)
{
	if (!f || (unsigned)point >= ZSIM_FAULT_POINT_COUNT)
		return 0;
	pthread_mutex_lock((pthread_mutex_t *)&f->lock);
	uint64_t v = f->p[point].calls;
	pthread_mutex_unlock((pthread_mutex_t *)&f->lock);
	return v;
}

uint64_t zsim_fault_failures(const struct zsim_fault_injector *f,
			     enum zsim_fault_point point)
{
	if (!f || (unsigned)point >= ZSIM_FAULT_POINT_COUNT)
		return 0;
	pthread_mutex_lock((pthread_mutex_t *)&f->lock);
	uint64_t v = f->p[point].failures;
	pthread_mutex_unlock((pthread_mutex_t *)&f->lock);
	return v;
}

const char *zsim_fault_point_name(enum zsim_fault_point point)
{
	if ((unsigned)point >= ZSIM_FAULT_POINT_COUNT)
		return "unknown";
	return point_names[point];
}

int zsim_fault_point_from_name(const char *name, enum zsim_fault_point *point)
{
	if (!name || !point)
		return ZSIM_EINVAL;
	for (int i = 0; i < ZSIM_FAULT_POINT_COUNT; i++) {
		if (!strcmp(name, point_names[i])) {
			*point = (enum zsim_fault_point)i;
			return 0;
		}
	}
	return ZSIM_ENOENT;
}

int zsim_fault_should_fail(struct zsim_fault_injector *f,
			   enum zsim_fault_point point)
{
	if (!f || (unsigned)point >= ZSIM_FAULT_POINT_COUNT)
		return 0;
	/* Counting calls needs the lock; skip it entirely when idle so the
	 * hot path of an uninjected run stays a load and a branch. Calls are
	 * therefore counted only while some rule is active. */
	if (!atomic_load_explicit(&f->any_active, memory_order_relaxed))
		return 0;
	pthread_mutex_lock(&f->lock);
	struct point_state *s = &f->p[point];
	uint64_t n = ++s->calls;
	int fail = 0;
	if (s->active && (!s->rule.max_failures || s->failures < s->rule.max_failures)) {
		if (s->rule.nth && n == s->rule.nth)
			fail = 1;
		if (s->rule.every && n % s->rule.every == 0)
			fail = 1;
		if (s->rule.probability > 0 && zsim_rng_double(&s->rng) < s->rule.probability)
			fail = 1;
	}
	if (fail)
		s->failures++;
	pthread_mutex_unlock(&f->lock);
	return fail;
}
