/*
 * zcomp.c - zram's compression streams (drivers/block/zram/zcomp.c): one
 * stream per CPU per algorithm, each a codec instance, a 2-page output
 * buffer (compression never runs out of room: a page that does not shrink
 * is caught by the huge-class test) and a local-copy page for objects that
 * span two zsmalloc pages.
 *
 * Profiles: ≤6.14 took a stream with local_lock (preemption disabled on
 * that CPU while compressing: a task cannot sleep holding it); 6.15+ take
 * the CPU's stream mutex (preemptible; a migrated task may share a CPU's
 * stream with another and waits for it). In a simulator both are a lock
 * per (algorithm, CPU): two threads naming one cpu serialize on it, as two
 * tasks on one CPU do. Contention is counted (stream_contended, not a
 * kernel counter). CPU hotplug (streams made at up-prepare, freed at dead)
 * is not modelled: all nr_cpus streams live from disksize to reset.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zram/zram_internal.h"

static void strm_free(struct zram_strm *s)
{
	zsim_codec_destroy(s->codec);
	free(s->buffer);
	free(s->local_copy);
	s->codec = NULL;
	s->buffer = s->local_copy = NULL;
}

static int strm_alloc(struct zram_comp *c, struct zram_strm *s)
{
	struct zsim_codec_params params = {.level = c->level, .flags = c->codec_flags};
	int rc = zsim_codec_create(c->name, &params, &s->codec);
	if (rc)
		return rc;
	s->buffer = malloc(2 * ZSIM_PAGE_SIZE);
	s->local_copy = malloc(ZSIM_PAGE_SIZE);
	if (!s->buffer || !s->local_copy) {
		strm_free(s);
		return ZSIM_ENOMEM;
	}
	return 0;
}

int zram_comp_cpu_up(struct zram_comp *c, unsigned cpu)
{
	struct zram_strm *s = &c->streams[cpu];
	pthread_mutex_lock(&s->lock);
	int rc = s->buffer ? 0 : strm_alloc(c, s);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

void zram_comp_cpu_dead(struct zram_comp *c, unsigned cpu)
{
	struct zram_strm *s = &c->streams[cpu];
	pthread_mutex_lock(&s->lock);
	strm_free(s);
	pthread_mutex_unlock(&s->lock);
}

int zram_comp_create(const char *alg, int level, unsigned codec_flags, unsigned nr_cpus,
		     const bool *online,
		     _Atomic uint64_t *contended, struct zram_comp **out)
{
	struct zram_comp *c = calloc(1, sizeof(*c));
	if (!c)
		return ZSIM_ENOMEM;
	snprintf(c->name, sizeof(c->name), "%s", alg);
	c->nr = nr_cpus;
	c->level = level;
	c->codec_flags = codec_flags;
	c->contended = contended;
	c->streams = aligned_alloc(ZSIM_CACHELINE, sizeof(*c->streams) * nr_cpus);
	if (!c->streams) {
		free(c);
		return ZSIM_ENOMEM;
	}
	memset(c->streams, 0, sizeof(*c->streams) * nr_cpus);
	int rc = 0;
	for (unsigned i = 0; i < nr_cpus; i++) {
		struct zram_strm *s = &c->streams[i];
		pthread_mutex_init(&s->lock, NULL);
		s->cpu = i;
		if (!rc && online[i])
			rc = strm_alloc(c, s);
	}
	if (rc) {
		zram_comp_destroy(c);
		return rc;
	}
	*out = c;
	return 0;
}

void zram_comp_destroy(struct zram_comp *c)
{
	if (!c)
		return;
	for (unsigned i = 0; i < c->nr; i++) {
		strm_free(&c->streams[i]);
		pthread_mutex_destroy(&c->streams[i].lock);
	}
	free(c->streams);
	free(c);
}

struct zram_strm *zram_stream_get(struct zram_comp *c, unsigned cpu)
{
	for (unsigned k = 0;; k++) {
		struct zram_strm *s = &c->streams[(cpu + k) % c->nr];
		if (pthread_mutex_trylock(&s->lock)) {
			atomic_fetch_add_explicit(c->contended, 1, memory_order_relaxed);
			pthread_mutex_lock(&s->lock);
		}
		if (zsim_likely(s->buffer != NULL))
			return s;
		/* The CPU went down: run on the next one. The device keeps at
		 * least one CPU online. */
		pthread_mutex_unlock(&s->lock);
	}
}

void zram_stream_put(struct zram_strm *s)
{
	pthread_mutex_unlock(&s->lock);
}

int zram_compress(struct zram_strm *s, const void *src, unsigned *len)
{
	size_t dlen = 2 * ZSIM_PAGE_SIZE;
	int rc = zsim_codec_compress(s->codec, src, ZSIM_PAGE_SIZE, s->buffer, &dlen);
	*len = (unsigned)dlen;
	return rc;
}

int zram_decompress(struct zram_strm *s, const void *src, unsigned len, void *dst)
{
	size_t dlen = ZSIM_PAGE_SIZE;
	int rc = zsim_codec_decompress(s->codec, src, len, dst, &dlen);
	if (!rc && dlen != ZSIM_PAGE_SIZE)
		rc = ZSIM_EBADMSG;
	return rc;
}

size_t zram_comp_memory(const struct zram_comp *c)
{
	size_t n = sizeof(*c) + sizeof(*c->streams) * c->nr;
	for (unsigned i = 0; i < c->nr; i++)
		if (c->streams[i].codec)
			n += zsim_codec_memory(c->streams[i].codec) + 3 * ZSIM_PAGE_SIZE;
	return n;
}
