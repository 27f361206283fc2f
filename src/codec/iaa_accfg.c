/*
 * iaa_accfg.c - finding IAA work queues a process can use, through
 * libaccel-config (the library behind the accel-config tool), loaded with
 * dlopen so that libzswapsim builds and runs where it is not installed.
 *
 * Follows iaa.md §1.2-1.3 and what Intel QPL does
 * (hw_configuration_driver.c: dlopen "libaccel-config.so.1", a table of
 * dlsym'ed functions): walk every device of type IAX that is ENABLED, keep
 * its WQs that are ENABLED and of type USER, and ask the library for the
 * character device (/dev/iax/wqD.Q). Shared WQs come first (several
 * openers, ENQCMD back-pressure; QPL supports only those), then by
 * priority. The kernel's iaa_crypto uses kernel-type WQs instead, which a
 * process cannot reach; a user WQ needs SVA (iaa.md §1.1).
 * With no IAA hardware libaccel-config still initialises and reports zero
 * devices; that, a missing library, or no usable WQ is ZSIM_ENODEV with a
 * one-line reason. The enum values below are the library's ABI
 * (libaccel_config.h 3.5.3); when that header is present at build time
 * they are checked against it.
 */
#include "codec/iaa.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zswapsim/common.h"

#define ACCFG_SONAME "libaccel-config.so.1"

/* libaccel_config.h: enum values (ABI). */
#define ZA_DEVICE_IAX 1     /* enum accfg_device_type */
#define ZA_DEVICE_ENABLED 1 /* enum accfg_device_state */
#define ZA_WQ_SHARED 0      /* enum accfg_wq_mode */
#define ZA_WQ_ENABLED 1     /* enum accfg_wq_state */
#define ZA_WQT_USER 2       /* enum accfg_wq_type */

#if defined(__has_include)
#if __has_include(<accel-config/libaccel_config.h>)
#include <accel-config/libaccel_config.h>
_Static_assert(ZA_DEVICE_IAX == ACCFG_DEVICE_IAX, "libaccel-config ABI: device type");
_Static_assert(ZA_DEVICE_ENABLED == ACCFG_DEVICE_ENABLED, "libaccel-config ABI: device state");
_Static_assert(ZA_WQ_SHARED == ACCFG_WQ_SHARED, "libaccel-config ABI: WQ mode");
_Static_assert(ZA_WQ_ENABLED == ACCFG_WQ_ENABLED, "libaccel-config ABI: WQ state");
_Static_assert(ZA_WQT_USER == ACCFG_WQT_USER, "libaccel-config ABI: WQ type");
#endif
#endif

struct accfg_ctx;
struct accfg_device;
struct accfg_wq;
struct accfg_engine;

/* The functions we call, by name. */
struct accfg_api {
	void *handle;
	int (*new_ctx)(struct accfg_ctx **);
	struct accfg_ctx *(*unref)(struct accfg_ctx *);
	struct accfg_device *(*dev_first)(struct accfg_ctx *);
	struct accfg_device *(*dev_next)(struct accfg_device *);
	int (*dev_type)(struct accfg_device *);
	int (*dev_state)(struct accfg_device *);
	const char *(*dev_name)(struct accfg_device *);
	uint64_t (*dev_gen_cap)(struct accfg_device *);
	unsigned (*dev_version)(struct accfg_device *);
	int (*dev_numa)(struct accfg_device *);
	struct accfg_wq *(*wq_first)(struct accfg_device *);
	struct accfg_wq *(*wq_next)(struct accfg_wq *);
	int (*wq_state)(struct accfg_wq *);
	int (*wq_type)(struct accfg_wq *);
	int (*wq_mode)(struct accfg_wq *);
	const char *(*wq_name)(struct accfg_wq *);
	uint64_t (*wq_size)(struct accfg_wq *);
	int (*wq_threshold)(struct accfg_wq *);
	int (*wq_priority)(struct accfg_wq *);
	int (*wq_bof)(struct accfg_wq *);
	int (*wq_group)(struct accfg_wq *);
	uint64_t (*wq_max_transfer)(struct accfg_wq *);
	int (*wq_path)(struct accfg_wq *, char *, size_t);
	struct accfg_engine *(*eng_first)(struct accfg_device *);
	struct accfg_engine *(*eng_next)(struct accfg_engine *);
	int (*eng_group)(struct accfg_engine *);
};

static const struct {
	const char *sym;
	size_t off;
} accfg_syms[] = {
#define S(field, name) {name, offsetof(struct accfg_api, field)}
	S(new_ctx, "accfg_new"),
	S(unref, "accfg_unref"),
	S(dev_first, "accfg_device_get_first"),
	S(dev_next, "accfg_device_get_next"),
	S(dev_type, "accfg_device_get_type"),
	S(dev_state, "accfg_device_get_state"),
	S(dev_name, "accfg_device_get_devname"),
	S(dev_gen_cap, "accfg_device_get_gen_cap"),
	S(dev_version, "accfg_device_get_version"),
	S(dev_numa, "accfg_device_get_numa_node"),
	S(wq_first, "accfg_wq_get_first"),
	S(wq_next, "accfg_wq_get_next"),
	S(wq_state, "accfg_wq_get_state"),
	S(wq_type, "accfg_wq_get_type"),
	S(wq_mode, "accfg_wq_get_mode"),
	S(wq_name, "accfg_wq_get_devname"),
	S(wq_size, "accfg_wq_get_size"),
	S(wq_threshold, "accfg_wq_get_threshold"),
	S(wq_priority, "accfg_wq_get_priority"),
	S(wq_bof, "accfg_wq_get_block_on_fault"),
	S(wq_group, "accfg_wq_get_group_id"),
	S(wq_max_transfer, "accfg_wq_get_max_transfer_size"),
	S(wq_path, "accfg_wq_get_user_dev_path"),
	S(eng_first, "accfg_engine_get_first"),
	S(eng_next, "accfg_engine_get_next"),
	S(eng_group, "accfg_engine_get_group_id"),
#undef S
};

static int api_load(struct accfg_api *a, char *why, size_t len)
{
	memset(a, 0, sizeof(*a));
	const char *lib = getenv("ZSIM_ACCFG_LIB");
	if (!lib || !*lib)
		lib = ACCFG_SONAME;
	a->handle = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
	if (!a->handle) {
		snprintf(why, len, "IAA unavailable: %s not found (install libaccel-config1)", lib);
		return ZSIM_ENODEV;
	}
	for (size_t i = 0; i < sizeof(accfg_syms) / sizeof(accfg_syms[0]); i++) {
		void *f = dlsym(a->handle, accfg_syms[i].sym);
		if (!f) {
			snprintf(why, len, "IAA unavailable: %s lacks %s", lib, accfg_syms[i].sym);
			dlclose(a->handle);
			a->handle = NULL;
			return ZSIM_ENODEV;
		}
		/* POSIX guarantees data and function pointers convert. */
		memcpy((char *)a + accfg_syms[i].off, &f, sizeof(f));
	}
	return 0;
}

static unsigned group_engines(const struct accfg_api *a, struct accfg_device *dev, int group)
{
	unsigned n = 0;
	for (struct accfg_engine *e = a->eng_first(dev); e; e = a->eng_next(e))
		if (a->eng_group(e) == group)
			n++;
	return n;
}

static int wq_rank(const void *x, const void *y)
{
	const struct zsim_iaa_wq_info *a = x, *b = y;
	if (a->shared != b->shared)
		return a->shared ? -1 : 1;
	if (a->priority != b->priority)
		return a->priority > b->priority ? -1 : 1;
	return strcmp(a->path, b->path);
}

static void copy_name(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "?");
}

int zsim_iaa_discover(struct zsim_iaa_wq_info *out, size_t max, char *why, size_t len)
{
	char none[1];
	if (!why || !len) {
		why = none;
		len = sizeof(none);
	}
	struct accfg_api a;
	int rc = api_load(&a, why, len);
	if (rc)
		return rc;
	struct accfg_ctx *ctx = NULL;
	if (a.new_ctx(&ctx) < 0 || !ctx) {
		snprintf(why, len, "IAA unavailable: libaccel-config could not start (accfg_new)");
		dlclose(a.handle);
		return ZSIM_ENODEV;
	}
	unsigned iax = 0, iax_enabled = 0, wqs_seen = 0;
	size_t found = 0;
	for (struct accfg_device *d = a.dev_first(ctx); d; d = a.dev_next(d)) {
		if (a.dev_type(d) != ZA_DEVICE_IAX)
			continue;
		iax++;
		if (a.dev_state(d) != ZA_DEVICE_ENABLED)
			continue;
		iax_enabled++;
		for (struct accfg_wq *w = a.wq_first(d); w; w = a.wq_next(w)) {
			wqs_seen++;
			if (a.wq_state(w) != ZA_WQ_ENABLED || a.wq_type(w) != ZA_WQT_USER)
				continue;
			if (found >= max)
				continue;
			struct zsim_iaa_wq_info *q = &out[found];
			memset(q, 0, sizeof(*q));
			if (a.wq_path(w, q->path, sizeof(q->path)) < 0 || !q->path[0])
				continue;
			copy_name(q->device, sizeof(q->device), a.dev_name(d));
			copy_name(q->name, sizeof(q->name), a.wq_name(w));
			q->shared = a.wq_mode(w) == ZA_WQ_SHARED;
			q->block_on_fault = a.wq_bof(w) > 0;
			uint64_t size = a.wq_size(w);
			q->size = size > 4096 ? 4096 : (unsigned)size;
			int th = a.wq_threshold(w);
			q->threshold = th > 0 ? (unsigned)th : q->size;
			q->priority = a.wq_priority(w);
			q->numa_node = a.dev_numa(d);
			q->version = a.dev_version(d);
			q->gen_cap = a.dev_gen_cap(d);
			q->max_transfer = a.wq_max_transfer(w);
			q->engines = group_engines(&a, d, a.wq_group(w));
			found++;
		}
	}
	a.unref(ctx);
	dlclose(a.handle);
	if (!found) {
		if (!iax)
			snprintf(why, len,
				 "no enabled IAA work queue (libaccel-config found 0 IAX devices)");
		else if (!iax_enabled)
			snprintf(why, len,
				 "no enabled IAA work queue (libaccel-config found %u IAX devices, "
				 "none enabled)", iax);
		else
			snprintf(why, len,
				 "no enabled IAA work queue (%u enabled IAX devices, %u WQs, none "
				 "enabled with type user)", iax_enabled, wqs_seen);
		return ZSIM_ENODEV;
	}
	qsort(out, found, sizeof(out[0]), wq_rank);
	snprintf(why, len, "%zu usable IAA work queue%s, first %s (%s, %s)", found,
		 found == 1 ? "" : "s", out[0].path, out[0].device,
		 out[0].shared ? "shared" : "dedicated");
	return (int)found;
}
