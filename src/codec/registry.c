/*
 * registry.c - the codec registry and codec instances.
 *
 * Models the kernel crypto API's algorithm registry as zswap uses it:
 * drivers register under an algorithm name with a priority, and a lookup by
 * algorithm name returns the highest-priority driver (crypto_alloc_acomp).
 * Differences: no async callback plumbing (batch submit/poll is explicit),
 * and a driver cannot be removed while instances of it are alive (the
 * kernel pins the module instead).
 *
 * Lock: one mutex guards the registry list and each entry's instance count;
 * it is never held while a driver callback runs.
 */
#include "codec/codec_internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/compiler.h"

struct reg_entry {
	const struct zsim_codec_ops *ops;
	unsigned long instances;
	struct reg_entry *next;
};

struct zsim_codec {
	const struct zsim_codec_ops *ops;
	struct reg_entry *entry;
	void *ctx;
	struct zsim_codec_params params;
	char args[ZSIM_CODEC_ARGS_MAX]; /* params.args points here */
};

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static struct reg_entry *reg_head;
static pthread_once_t reg_once = PTHREAD_ONCE_INIT;

static int validate_ops(const struct zsim_codec_ops *ops)
{
	if (!ops || !ops->name || !ops->driver_name || !ops->ctx_alloc ||
	    !ops->compress || !ops->decompress)
		return ZSIM_EINVAL;
	if (!ops->name[0] || !ops->driver_name[0] ||
	    strlen(ops->name) >= ZSIM_CODEC_NAME_MAX ||
	    strlen(ops->driver_name) >= ZSIM_CODEC_NAME_MAX)
		return ZSIM_EINVAL;
	if (strchr(ops->name, ':') || strchr(ops->driver_name, ':'))
		return ZSIM_EINVAL;
	if (ops->max_batch > 1 && (!ops->batch_submit || !ops->batch_poll))
		return ZSIM_EINVAL;
	if (ops->level_min > ops->level_max ||
	    (ops->level_max != 0 && (ops->level_default < ops->level_min ||
				     ops->level_default > ops->level_max)))
		return ZSIM_EINVAL;
	return 0;
}

static struct reg_entry *find_driver_locked(const char *driver_name)
{
	for (struct reg_entry *e = reg_head; e; e = e->next)
		if (!strcmp(e->ops->driver_name, driver_name))
			return e;
	return NULL;
}

static int register_locked(const struct zsim_codec_ops *ops)
{
	int rc = validate_ops(ops);
	if (rc)
		return rc;
	if (find_driver_locked(ops->driver_name))
		return ZSIM_EEXIST;
	struct reg_entry *e = calloc(1, sizeof(*e));
	if (!e)
		return ZSIM_ENOMEM;
	e->ops = ops;
	e->next = reg_head;
	reg_head = e;
	return 0;
}

static void register_builtins(void)
{
	pthread_mutex_lock(&reg_lock);
	for (const struct zsim_codec_ops *const *p = zsim_codec_builtins; *p; p++)
		register_locked(*p);
	pthread_mutex_unlock(&reg_lock);
}

static void ensure_builtins(void)
{
	pthread_once(&reg_once, register_builtins);
}

int zsim_codec_register(const struct zsim_codec_ops *ops)
{
	ensure_builtins();
	pthread_mutex_lock(&reg_lock);
	int rc = register_locked(ops);
	pthread_mutex_unlock(&reg_lock);
	return rc;
}

int zsim_codec_unregister(const char *driver_name)
{
	if (!driver_name)
		return ZSIM_EINVAL;
	ensure_builtins();
	pthread_mutex_lock(&reg_lock);
	int rc = ZSIM_ENOENT;
	for (struct reg_entry **pp = &reg_head; *pp; pp = &(*pp)->next) {
		struct reg_entry *e = *pp;
		if (strcmp(e->ops->driver_name, driver_name))
			continue;
		if (e->instances) {
			rc = ZSIM_EBUSY;
		} else {
			*pp = e->next;
			free(e);
			rc = 0;
		}
		break;
	}
	pthread_mutex_unlock(&reg_lock);
	return rc;
}

static struct reg_entry *lookup_locked(const char *name)
{
	struct reg_entry *best = NULL;
	for (struct reg_entry *e = reg_head; e; e = e->next) {
		if (strcmp(e->ops->name, name) && strcmp(e->ops->driver_name, name))
			continue;
		/* An exact driver-name match always wins. */
		if (!strcmp(e->ops->driver_name, name))
			return e;
		if (!best || e->ops->priority > best->ops->priority)
			best = e;
	}
	return best;
}

int zsim_codec_lookup(const char *name, const struct zsim_codec_ops **ops)
{
	if (!name || !ops)
		return ZSIM_EINVAL;
	ensure_builtins();
	pthread_mutex_lock(&reg_lock);
	struct reg_entry *e = lookup_locked(name);
	*ops = e ? e->ops : NULL;
	pthread_mutex_unlock(&reg_lock);
	return e ? 0 : ZSIM_ENOENT;
}

static int cmp_ops(const void *a, const void *b)
{
	const struct zsim_codec_ops *x = *(const struct zsim_codec_ops *const *)a;
	const struct zsim_codec_ops *y = *(const struct zsim_codec_ops *const *)b;
	int c = strcmp(x->name, y->name);
	if (c)
		return c;
	if (x->priority != y->priority)
		return x->priority > y->priority ? -1 : 1;
	return strcmp(x->driver_name, y->driver_name);
}

int zsim_codec_list(const struct zsim_codec_ops **out, size_t max)
{
	if (!out && max)
		return ZSIM_EINVAL;
	ensure_builtins();
	pthread_mutex_lock(&reg_lock);
	size_t n = 0;
	for (struct reg_entry *e = reg_head; e; e = e->next)
		n++;
	const struct zsim_codec_ops **all = n ? malloc(n * sizeof(*all)) : NULL;
	if (n && !all) {
		pthread_mutex_unlock(&reg_lock);
		return ZSIM_ENOMEM;
	}
	size_t i = 0;
	for (struct reg_entry *e = reg_head; e; e = e->next)
		all[i++] = e->ops;
	pthread_mutex_unlock(&reg_lock);
	if (n)
		qsort(all, n, sizeof(*all), cmp_ops);
	for (i = 0; i < n && i < max; i++)
		out[i] = all[i];
	free(all);
	return (int)n;
}

/* Parse "name[:key=value,...]" into name and params. */
int zsim_codec_spec_parse(const char *spec, char *name, size_t name_len,
			  struct zsim_codec_params *p, bool *level_set)
{
	return zsim_codec_spec_parse_args(spec, name, name_len, p, level_set, NULL, 0);
}

/* Append "key=value" to the comma-separated list in args[len]. */
static int args_append(char *args, size_t len, const char *key, const char *val)
{
	size_t used = strlen(args);
	int n = snprintf(args + used, len - used, "%s%s=%s", used ? "," : "", key, val);
	return (n < 0 || (size_t)n >= len - used) ? ZSIM_EPARSE : 0;
}

int zsim_codec_spec_parse_args(const char *spec, char *name, size_t name_len,
			       struct zsim_codec_params *p, bool *level_set, char *args,
			       size_t args_len)
{
	if (args && args_len)
		args[0] = '\0';
	if (!spec || !name || !name_len || !p)
		return ZSIM_EINVAL;
	*level_set = false;
	const char *colon = strchr(spec, ':');
	size_t nl = colon ? (size_t)(colon - spec) : strlen(spec);
	if (nl == 0 || nl >= name_len || nl >= ZSIM_CODEC_NAME_MAX)
		return ZSIM_EPARSE;
	memcpy(name, spec, nl);
	name[nl] = '\0';
	if (!colon)
		return 0;
	const char *s = colon + 1;
	while (*s) {
		const char *end = strchr(s, ',');
		size_t len = end ? (size_t)(end - s) : strlen(s);
		char kv[64];
		if (len == 0 || len >= sizeof(kv))
			return ZSIM_EPARSE;
		memcpy(kv, s, len);
		kv[len] = '\0';
		char *eq = strchr(kv, '=');
		if (!eq)
			return ZSIM_EPARSE;
		*eq = '\0';
		const char *val = eq + 1;
		if (!strcmp(kv, "level")) {
			char *ep;
			long v = strtol(val, &ep, 10);
			if (!*val || *ep || v < -1000000 || v > 1000000)
				return ZSIM_EPARSE;
			p->level = (int)v;
			*level_set = true;
		} else if (!strcmp(kv, "params")) {
			if (!strcmp(val, "kernel"))
				p->flags &= ~(ZSIM_CODEC_P_LIBRARY_DEFAULTS | ZSIM_CODEC_P_PAGE_SIZED);
			else if (!strcmp(val, "library"))
				p->flags |= ZSIM_CODEC_P_LIBRARY_DEFAULTS;
			else if (!strcmp(val, "page"))
				p->flags |= ZSIM_CODEC_P_PAGE_SIZED;
			else
				return ZSIM_EPARSE;
		} else if (args && args_len) {
			/* Not ours: the driver's, if it takes keys. */
			if (!kv[0] || args_append(args, args_len, kv, val))
				return ZSIM_EPARSE;
		} else {
			return ZSIM_EPARSE;
		}
		if (!end)
			break;
		s = end + 1;
		if (!*s)
			return ZSIM_EPARSE;
	}
	return 0;
}

int zsim_codec_create(const char *spec, const struct zsim_codec_params *params,
		      struct zsim_codec **out)
{
	if (!spec || !out)
		return ZSIM_EINVAL;
	*out = NULL;
	char name[ZSIM_CODEC_NAME_MAX];
	char args[ZSIM_CODEC_ARGS_MAX];
	struct zsim_codec_params p = {0};
	bool level_set;
	int rc = zsim_codec_spec_parse_args(spec, name, sizeof(name), &p, &level_set, args,
					    sizeof(args));
	if (rc)
		return rc;
	if (params) {
		p = *params;
		level_set = params->level != 0;
		args[0] = '\0';
		if (params->args) {
			size_t al = strlen(params->args);
			if (al >= sizeof(args))
				return ZSIM_EINVAL;
			memcpy(args, params->args, al + 1);
		}
	}

	ensure_builtins();
	pthread_mutex_lock(&reg_lock);
	struct reg_entry *e = lookup_locked(name);
	if (e)
		e->instances++;
	pthread_mutex_unlock(&reg_lock);
	if (!e)
		return ZSIM_ENOENT;
	const struct zsim_codec_ops *ops = e->ops;

	if (args[0] && !(ops->flags & ZSIM_CODEC_F_ARGS)) {
		rc = ZSIM_EPARSE; /* a key this driver does not take */
	} else if (!level_set || p.level == 0) {
		p.level = ops->level_default;
	} else if (ops->level_min == 0 && ops->level_max == 0) {
		rc = ZSIM_EINVAL; /* this driver takes no level */
	} else if (p.level < ops->level_min || p.level > ops->level_max) {
		rc = ZSIM_EINVAL;
	}

	struct zsim_codec *c = NULL;
	if (!rc) {
		c = calloc(1, sizeof(*c));
		if (!c)
			rc = ZSIM_ENOMEM;
	}
	if (!rc) {
		c->ops = ops;
		c->entry = e;
		memcpy(c->args, args, sizeof(c->args));
		c->params = p;
		c->params.args = c->args[0] ? c->args : NULL;
		rc = ops->ctx_alloc(&c->params, &c->ctx);
		if (rc > 0)
			rc = ZSIM_EINVAL;
	}
	if (rc) {
		free(c);
		pthread_mutex_lock(&reg_lock);
		e->instances--;
		pthread_mutex_unlock(&reg_lock);
		return rc;
	}
	*out = c;
	return 0;
}

void zsim_codec_destroy(struct zsim_codec *c)
{
	if (!c)
		return;
	if (c->ops->ctx_free)
		c->ops->ctx_free(c->ctx);
	pthread_mutex_lock(&reg_lock);
	c->entry->instances--;
	pthread_mutex_unlock(&reg_lock);
	free(c);
}

const struct zsim_codec_ops *zsim_codec_ops(const struct zsim_codec *c)
{
	return c ? c->ops : NULL;
}

struct zsim_codec_params zsim_codec_params(const struct zsim_codec *c)
{
	struct zsim_codec_params none = {0};
	return c ? c->params : none;
}

int zsim_codec_describe(const struct zsim_codec *c, char *buf, size_t len)
{
	if (!c || !buf || !len)
		return ZSIM_EINVAL;
	int n;
	const char *standin = (c->ops->flags & ZSIM_CODEC_F_STANDIN) ? " (stand-in)" : "";
	if (c->ops->level_max != 0)
		n = snprintf(buf, len, "%s:level=%d%s%s%s%s", c->ops->driver_name,
			     c->params.level,
			     (c->params.flags & ZSIM_CODEC_P_LIBRARY_DEFAULTS) ? ",params=library"
			     : (c->params.flags & ZSIM_CODEC_P_PAGE_SIZED)   ? ",params=page"
									     : "",
			     c->args[0] ? "," : "", c->args, standin);
	else
		n = snprintf(buf, len, "%s%s%s%s", c->ops->driver_name, c->args[0] ? ":" : "",
			     c->args, standin);
	return (n < 0 || (size_t)n >= len) ? ZSIM_ENOSPC : 0;
}

size_t zsim_codec_memory(const struct zsim_codec *c)
{
	if (!c)
		return 0;
	size_t n = sizeof(*c);
	if (c->ops->ctx_size)
		n += c->ops->ctx_size(c->ctx);
	return n;
}

unsigned zsim_codec_max_batch(const struct zsim_codec *c)
{
	return (c && c->ops->max_batch > 1) ? c->ops->max_batch : 1;
}

int zsim_codec_compress(struct zsim_codec *c, const void *src, size_t src_len,
			void *dst, size_t *dst_len)
{
	if (zsim_unlikely(!c || !src || !dst || !dst_len || !src_len))
		return ZSIM_EINVAL;
	return c->ops->compress(c->ctx, src, src_len, dst, dst_len);
}

int zsim_codec_decompress(struct zsim_codec *c, const void *src, size_t src_len,
			  void *dst, size_t *dst_len)
{
	if (zsim_unlikely(!c || !src || !dst || !dst_len))
		return ZSIM_EINVAL;
	if (!src_len)
		return ZSIM_ETRUNC;
	return c->ops->decompress(c->ctx, src, src_len, dst, dst_len);
}

static int run_one(struct zsim_codec *c, enum zsim_codec_op op,
		   struct zsim_codec_job *j)
{
	if (!j->src || !j->dst) {
		j->status = ZSIM_EINVAL;
		return 0;
	}
	j->dst_len = j->dst_cap;
	j->status = op == ZSIM_CODEC_COMPRESS
		? zsim_codec_compress(c, j->src, j->src_len, j->dst, &j->dst_len)
		: zsim_codec_decompress(c, j->src, j->src_len, j->dst, &j->dst_len);
	/* A driver that models time but not batches: one job, one call. */
	struct zsim_codec_timing t;
	j->model_ns = (c->ops->timing && !c->ops->timing(c->ctx, &t)) ? t.last_sync_ns : 0;
	return 0;
}

int zsim_codec_submit(struct zsim_codec *c, enum zsim_codec_op op,
		      struct zsim_codec_job *jobs, unsigned n)
{
	if (!c || !jobs || !n || (op != ZSIM_CODEC_COMPRESS && op != ZSIM_CODEC_DECOMPRESS))
		return ZSIM_EINVAL;
	if (c->ops->max_batch > 1) {
		if (n > c->ops->max_batch)
			return ZSIM_EINVAL;
		return c->ops->batch_submit(c->ctx, op, jobs, n);
	}
	for (unsigned i = 0; i < n; i++)
		run_one(c, op, &jobs[i]);
	return 0;
}

int zsim_codec_poll(struct zsim_codec *c, struct zsim_codec_job *jobs, unsigned n)
{
	if (!c || !jobs || !n)
		return ZSIM_EINVAL;
	if (c->ops->max_batch > 1)
		return c->ops->batch_poll(c->ctx, jobs, n);
	return 0;
}

int zsim_codec_batch(struct zsim_codec *c, enum zsim_codec_op op,
		     struct zsim_codec_job *jobs, unsigned n)
{
	if (!c || !jobs || (op != ZSIM_CODEC_COMPRESS && op != ZSIM_CODEC_DECOMPRESS))
		return ZSIM_EINVAL;
	unsigned step = zsim_codec_max_batch(c);
	for (unsigned i = 0; i < n; i += step) {
		unsigned k = ZSIM_MIN(step, n - i);
		int rc = zsim_codec_submit(c, op, jobs + i, k);
		if (rc)
			return rc;
		while ((rc = zsim_codec_poll(c, jobs + i, k)) > 0)
			;
		if (rc < 0)
			return rc;
	}
	return 0;
}

int zsim_codec_timing(const struct zsim_codec *c, struct zsim_codec_timing *t)
{
	if (!c || !t)
		return ZSIM_EINVAL;
	memset(t, 0, sizeof(*t));
	if (!c->ops->timing)
		return ZSIM_ENOTSUP;
	return c->ops->timing(c->ctx, t);
}

int zsim_codec_counters(const struct zsim_codec *c, struct zsim_codec_counter *out, size_t max)
{
	if (!c || (!out && max))
		return ZSIM_EINVAL;
	if (!c->ops->counters)
		return 0;
	return c->ops->counters(c->ctx, out, max);
}

int zsim_codec_probe(const char *name, char *why, size_t len)
{
	char none[1];
	if (!why || !len) {
		why = none;
		len = sizeof(none);
	}
	why[0] = '\0';
	const struct zsim_codec_ops *ops;
	int rc = zsim_codec_lookup(name, &ops);
	if (rc) {
		snprintf(why, len, "no codec named '%s'", name ? name : "(null)");
		return rc;
	}
	if (!ops->probe) {
		snprintf(why, len, "available");
		return 0;
	}
	rc = ops->probe(why, len);
	if (!rc)
		snprintf(why, len, "available");
	else if (!why[0])
		snprintf(why, len, "%s", zsim_strerror(rc));
	return rc;
}
