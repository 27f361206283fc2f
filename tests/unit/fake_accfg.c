/*
 * fake_accfg.c - a stand-in for libaccel-config (the functions the IAA
 * discovery dlsym's, same names and ABI as libaccel_config.h 3.5.3), so a
 * test can describe the devices and work queues a machine has. Loaded
 * through $ZSIM_ACCFG_LIB. Nothing here comes from the real library.
 *
 * The machine is read from $ZSIM_FAKE_IAX at accfg_new: entries separated
 * by ';', each either
 *   dev NAME TYPE STATE GENCAP ENGINES       (TYPE iax|dsa, STATE enabled|disabled)
 *   wq NAME STATE TYPE MODE PRIO BOF SIZE PATH   (of the last dev; TYPE
 *                                             user|kernel, MODE shared|dedicated)
 * An empty or unset variable is a machine with no devices, which is what
 * the real library reports where there is no IAA.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FAKE_MAX 16

struct accfg_wq {
	char name[32], path[128];
	int state, type, mode, prio, bof;
	uint64_t size;
	struct accfg_device *dev;
	struct accfg_wq *next;
};

struct accfg_engine {
	int group;
	struct accfg_engine *next;
};

struct accfg_device {
	char name[32];
	int type, state;
	uint64_t gen_cap;
	struct accfg_wq wqs[FAKE_MAX];
	unsigned nwq;
	struct accfg_engine engines[FAKE_MAX];
	unsigned neng;
	struct accfg_device *next;
};

struct accfg_ctx {
	struct accfg_device devs[FAKE_MAX];
	unsigned ndev;
};

int accfg_new(struct accfg_ctx **ctx);
struct accfg_ctx *accfg_unref(struct accfg_ctx *ctx);
struct accfg_device *accfg_device_get_first(struct accfg_ctx *ctx);
struct accfg_device *accfg_device_get_next(struct accfg_device *d);
int accfg_device_get_type(struct accfg_device *d);
int accfg_device_get_state(struct accfg_device *d);
const char *accfg_device_get_devname(struct accfg_device *d);
uint64_t accfg_device_get_gen_cap(struct accfg_device *d);
unsigned accfg_device_get_version(struct accfg_device *d);
int accfg_device_get_numa_node(struct accfg_device *d);
struct accfg_wq *accfg_wq_get_first(struct accfg_device *d);
struct accfg_wq *accfg_wq_get_next(struct accfg_wq *w);
int accfg_wq_get_state(struct accfg_wq *w);
int accfg_wq_get_type(struct accfg_wq *w);
int accfg_wq_get_mode(struct accfg_wq *w);
const char *accfg_wq_get_devname(struct accfg_wq *w);
uint64_t accfg_wq_get_size(struct accfg_wq *w);
int accfg_wq_get_threshold(struct accfg_wq *w);
int accfg_wq_get_priority(struct accfg_wq *w);
int accfg_wq_get_block_on_fault(struct accfg_wq *w);
int accfg_wq_get_group_id(struct accfg_wq *w);
uint64_t accfg_wq_get_max_transfer_size(struct accfg_wq *w);
int accfg_wq_get_user_dev_path(struct accfg_wq *w, char *buf, size_t len);
struct accfg_engine *accfg_engine_get_first(struct accfg_device *d);
struct accfg_engine *accfg_engine_get_next(struct accfg_engine *e);
int accfg_engine_get_group_id(struct accfg_engine *e);

static void parse(struct accfg_ctx *c, char *spec)
{
	for (char *save = NULL, *e = strtok_r(spec, ";", &save); e; e = strtok_r(NULL, ";", &save)) {
		char kind[8], name[32], a[16], b[16], cc[16], path[128];
		unsigned long long x;
		int y, prio, bof;
		if (sscanf(e, " %7s", kind) != 1)
			continue;
		if (!strcmp(kind, "dev") && c->ndev < FAKE_MAX &&
		    sscanf(e, " dev %31s %15s %15s %llx %d", name, a, b, &x, &y) == 5) {
			struct accfg_device *d = &c->devs[c->ndev++];
			snprintf(d->name, sizeof(d->name), "%s", name);
			d->type = !strcmp(a, "iax") ? 1 : 0;
			d->state = !strcmp(b, "enabled");
			d->gen_cap = x;
			for (int i = 0; i < y && d->neng < FAKE_MAX; i++)
				d->engines[d->neng++].group = 0;
		} else if (!strcmp(kind, "wq") && c->ndev &&
			   sscanf(e, " wq %31s %15s %15s %15s %d %d %llu %127s", name, a, b, cc, &prio,
				  &bof, &x, path) == 8) {
			struct accfg_device *d = &c->devs[c->ndev - 1];
			if (d->nwq >= FAKE_MAX)
				continue;
			struct accfg_wq *w = &d->wqs[d->nwq++];
			snprintf(w->name, sizeof(w->name), "%s", name);
			snprintf(w->path, sizeof(w->path), "%s", path);
			w->state = !strcmp(a, "enabled");
			w->type = !strcmp(b, "user") ? 2 : 1;
			w->mode = !strcmp(cc, "shared") ? 0 : 1;
			w->prio = prio;
			w->bof = bof;
			w->size = x;
			w->dev = d;
		}
	}
	for (unsigned i = 0; i < c->ndev; i++) {
		struct accfg_device *d = &c->devs[i];
		d->next = i + 1 < c->ndev ? &c->devs[i + 1] : NULL;
		for (unsigned k = 0; k < d->nwq; k++)
			d->wqs[k].next = k + 1 < d->nwq ? &d->wqs[k + 1] : NULL;
		for (unsigned k = 0; k < d->neng; k++)
			d->engines[k].next = k + 1 < d->neng ? &d->engines[k + 1] : NULL;
	}
}

int accfg_new(struct accfg_ctx **ctx)
{
	struct accfg_ctx *c = calloc(1, sizeof(*c));
	if (!c)
		return -12;
	const char *env = getenv("ZSIM_FAKE_IAX");
	if (env && *env) {
		char *spec = strdup(env);
		if (spec)
			parse(c, spec);
		free(spec);
	}
	*ctx = c;
	return 0;
}

struct accfg_ctx *accfg_unref(struct accfg_ctx *ctx)
{
	free(ctx);
	return NULL;
}

struct accfg_device *accfg_device_get_first(struct accfg_ctx *ctx)
{
	return ctx->ndev ? &ctx->devs[0] : NULL;
}
struct accfg_device *accfg_device_get_next(struct accfg_device *d) { return d->next; }
int accfg_device_get_type(struct accfg_device *d) { return d->type; }
int accfg_device_get_state(struct accfg_device *d) { return d->state; }
const char *accfg_device_get_devname(struct accfg_device *d) { return d->name; }
uint64_t accfg_device_get_gen_cap(struct accfg_device *d) { return d->gen_cap; }
unsigned accfg_device_get_version(struct accfg_device *d) { (void)d; return 0x100; }
int accfg_device_get_numa_node(struct accfg_device *d) { (void)d; return 0; }
struct accfg_wq *accfg_wq_get_first(struct accfg_device *d) { return d->nwq ? &d->wqs[0] : NULL; }
struct accfg_wq *accfg_wq_get_next(struct accfg_wq *w) { return w->next; }
int accfg_wq_get_state(struct accfg_wq *w) { return w->state; }
int accfg_wq_get_type(struct accfg_wq *w) { return w->type; }
int accfg_wq_get_mode(struct accfg_wq *w) { return w->mode; }
const char *accfg_wq_get_devname(struct accfg_wq *w) { return w->name; }
uint64_t accfg_wq_get_size(struct accfg_wq *w) { return w->size; }
int accfg_wq_get_threshold(struct accfg_wq *w) { return (int)w->size; }
int accfg_wq_get_priority(struct accfg_wq *w) { return w->prio; }
int accfg_wq_get_block_on_fault(struct accfg_wq *w) { return w->bof; }
int accfg_wq_get_group_id(struct accfg_wq *w) { (void)w; return 0; }
uint64_t accfg_wq_get_max_transfer_size(struct accfg_wq *w) { (void)w; return 2u << 20; }

int accfg_wq_get_user_dev_path(struct accfg_wq *w, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s", w->path);
	return n < 0 || (size_t)n >= len ? -22 : 0;
}

struct accfg_engine *accfg_engine_get_first(struct accfg_device *d)
{
	return d->neng ? &d->engines[0] : NULL;
}
struct accfg_engine *accfg_engine_get_next(struct accfg_engine *e) { return e->next; }
int accfg_engine_get_group_id(struct accfg_engine *e) { return e->group; }
