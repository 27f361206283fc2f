/*
 * recompress.c - idle tracking (`idle`: all, or by age with the access
 * time of each slot) and CONFIG_ZRAM_MULTI_COMP recompression
 * (`recompress` with type=idle|huge|huge_idle, threshold, algo, priority,
 * max_pages), as zram_drv.c does them.
 *
 * Idle: 6.1 marks every allocated slot not under writeback; 6.2+ skip
 * same-filled and written-back slots; the latest tree also clears the
 * flag of slots accessed after the cut-off. The clock is the caller's
 * (zsim_zram_set_time), not the machine's boottime.
 * Recompression: candidates are collected into post-processing buckets
 * (largest objects first); each is decompressed and compressed again by
 * the secondary algorithms in priority order; the new object is kept only
 * if it lands in a lower zsmalloc size class (and under the threshold);
 * a page that the highest-priority algorithm cannot shrink is marked
 * ZRAM_INCOMPRESSIBLE and never tried again. Runs on CPU 0's streams.
 */
#include <stdlib.h>
#include <string.h>

#include "zram/zram_internal.h"

int zram_mark_idle(struct zsim_zram *z, uint64_t age_sec, bool all)
{
	pthread_rwlock_rdlock(&z->init_lock);
	if (!z->disksize) {
		pthread_rwlock_unlock(&z->init_lock);
		return zram_err(z, ZSIM_EINVAL, "idle: device not initialised");
	}
	uint64_t now = atomic_load(&z->now);
	uint64_t cutoff = all ? 0 : (now > age_sec ? now - age_sec : 0);
	for (uint64_t i = 0; i < z->nr_slots; i++) {
		struct zram_slot *s = &z->table[i];
		zram_slot_lock(z, (uint32_t)i);
		bool skip = !zram_allocated(s) || zram_test(s, ZRAM_UNDER_WB);
		if (z->prof->idle_skips_same_wb && (zram_test(s, ZRAM_SAME) || zram_test(s, ZRAM_WB)))
			skip = true;
		if (!skip) {
			/* ktime_after(cutoff, ac_time): strictly older. With no
			 * age ("all") every slot is idle. */
			bool idle = all || cutoff > s->ac_time;
			if (idle)
				zram_set(s, ZRAM_IDLE);
			else if (z->prof->idle_clears)
				zram_clear(s, ZRAM_IDLE);
		}
		zram_slot_unlock(z, (uint32_t)i);
	}
	pthread_rwlock_unlock(&z->init_lock);
	return 0;
}

enum { RECOMP_IDLE = 1, RECOMP_HUGE = 2 };

/* arg: the mode in the low byte, prio_max above it. */
static bool recomp_pick(struct zsim_zram *z, struct zram_slot *s, unsigned arg)
{
	(void)z;
	unsigned mode = arg & 0xff, prio_max = arg >> 8;
	if (!zram_allocated(s))
		return false;
	if ((mode & RECOMP_IDLE) && !zram_test(s, ZRAM_IDLE))
		return false;
	if ((mode & RECOMP_HUGE) && !zram_test(s, ZRAM_HUGE))
		return false;
	if (zram_test(s, ZRAM_WB) || zram_test(s, ZRAM_SAME) ||
	    zram_test(s, ZRAM_INCOMPRESSIBLE) || zram_test(s, ZRAM_PP_SLOT))
		return false;
	if (zram_prio(s) + 1 >= prio_max)
		return false;
	return true;
}

/* recompress_slot: slot lock held. */
static int recompress_slot(struct zsim_zram *z, uint32_t index, uint8_t *page,
			   uint64_t *budget, unsigned threshold, unsigned prio, unsigned prio_max)
{
	struct zram_slot *s = &z->table[index];
	if (!s->handle)
		return ZSIM_EINVAL;
	unsigned len_old = s->size;
	if (len_old < threshold)
		return 0;
	int rc = zram_read_from_pool(z, index, page, 0);
	if (rc)
		return rc;
	zram_clear(s, ZRAM_IDLE);
	unsigned class_old = zsim_zpool_lookup_class_index(z->pool, len_old);
	if (prio < zram_prio(s) + 1)
		prio = zram_prio(s) + 1;
	if (prio >= prio_max)
		return 0;
	zstat_add(z, recompress_tried, 1);

	struct zram_strm *st = NULL;
	unsigned len_new = 0;
	for (; prio < prio_max; prio++) {
		if (!z->comps[prio])
			continue;
		st = zram_stream_get(z->comps[prio], 0);
		rc = zram_compress(st, page, &len_new);
		if (rc) {
			zram_stream_put(st);
			st = NULL;
			break;
		}
		unsigned class_new = zsim_zpool_lookup_class_index(z->pool, len_new);
		if (class_new >= class_old || (threshold && len_new >= threshold)) {
			zram_stream_put(st);
			st = NULL;
			continue;
		}
		break;
	}
	if (*budget)
		*budget -= 1;
	if (rc)
		return rc;
	if (!st) {
		if (prio < z->num_active_comps)
			return 0;
		zram_set(s, ZRAM_INCOMPRESSIBLE);
		return 0;
	}
	zsim_handle_t h;
	rc = zsim_zpool_malloc(z->pool, len_new, 0, &h);
	if (rc) {
		zram_stream_put(st);
		return rc;
	}
	pthread_mutex_lock(&z->areas[0].lock);
	rc = zsim_zpool_write(z->pool, h, st->buffer, len_new, 0);
	pthread_mutex_unlock(&z->areas[0].lock);
	zram_stream_put(st);
	if (rc) {
		zsim_zpool_free(z->pool, h);
		return rc;
	}
	zram_slot_free(z, index);
	s->handle = h;
	s->size = len_new;
	zram_set_prio(s, prio);
	zstat_add(z, compr_data_size, len_new);
	zstat_add(z, pages_stored, 1);
	zstat_add(z, recompressed, 1);
	return 0;
}

int zram_recompress_store(struct zsim_zram *z, const char *buf)
{
	if (!z->prof->multi_comp)
		return zram_err(z, ZSIM_ENOTSUP, "recompress: not in profile %s (6.2+)",
				z->prof->name);
	char tmp[256];
	size_t l = strlen(buf);
	if (l >= sizeof(tmp))
		return zram_err(z, ZSIM_EINVAL, "recompress: argument too long");
	memcpy(tmp, buf, l + 1);
	unsigned mode = 0, prio = 1, prio_max = ZSIM_ZRAM_MAX_COMPS;
	uint64_t threshold = 0, budget = UINT64_MAX;
	const char *algo = NULL;
	char *args = tmp, *key, *val;
	bool prio_given = false;
	while (*args) {
		args = zram_next_arg(args, &key, &val);
		if (!*val)
			return zram_err(z, ZSIM_EINVAL, "recompress: '%s' needs a value", key);
		if (!strcmp(key, "type")) {
			if (!strcmp(val, "idle"))
				mode = RECOMP_IDLE;
			if (!strcmp(val, "huge"))
				mode = RECOMP_HUGE;
			if (!strcmp(val, "huge_idle"))
				mode = RECOMP_IDLE | RECOMP_HUGE;
			continue;
		}
		uint64_t v;
		if (!strcmp(key, "max_pages")) {
			if (zram_parse_u64(val, &v))
				return zram_err(z, ZSIM_EINVAL, "recompress: bad max_pages");
			budget = v;
			continue;
		}
		if (!strcmp(key, "threshold")) {
			if (zram_parse_u64(val, &v) || v > UINT32_MAX)
				return zram_err(z, ZSIM_EINVAL, "recompress: bad threshold");
			threshold = v;
			continue;
		}
		if (!strcmp(key, "algo")) {
			algo = val;
			continue;
		}
		if (!strcmp(key, "priority")) {
			if (zram_parse_u64(val, &v) || v >= ZSIM_ZRAM_MAX_COMPS)
				return zram_err(z, ZSIM_EINVAL, "recompress: bad priority");
			prio = v ? (unsigned)v : 1;
			prio_max = prio + 1;
			prio_given = true;
			continue;
		}
	}
	(void)prio_given;
	pthread_rwlock_wrlock(&z->init_lock);
	int ret = 0;
	uint8_t *page = NULL;
	uint32_t *sel = NULL;
	uint64_t n = 0, k = 0;
	if (!z->disksize) {
		ret = zram_err(z, ZSIM_EINVAL, "recompress: device not initialised");
		goto out;
	}
	if (threshold >= z->huge_class_size) {
		ret = zram_err(z, ZSIM_EINVAL, "recompress: threshold %llu >= huge_class_size %zu",
			       (unsigned long long)threshold, z->huge_class_size);
		goto out;
	}
	if (algo) {
		bool found = false;
		for (; prio < ZSIM_ZRAM_MAX_COMPS; prio++) {
			if (z->comp_algs[prio][0] && !strcmp(z->comp_algs[prio], algo)) {
				prio_max = prio + 1;
				found = true;
				break;
			}
		}
		if (!found) {
			ret = zram_err(z, ZSIM_EINVAL, "recompress: algo %s is not a recomp_algorithm",
				       algo);
			goto out;
		}
	}
	if (prio_max > z->num_active_comps)
		prio_max = z->num_active_comps;
	if (prio >= prio_max) {
		ret = zram_err(z, ZSIM_EINVAL, "recompress: no recompression algorithm set");
		goto out;
	}
	page = malloc(ZSIM_PAGE_SIZE);
	if (!page) {
		ret = ZSIM_ENOMEM;
		goto out;
	}
	ret = zram_pp_scan(z, 0, z->nr_slots, recomp_pick, mode | (prio_max << 8), &sel, &n);
	if (ret)
		goto out;
	for (k = 0; k < n; k++) {
		uint32_t index = sel[k];
		if (!budget)
			break;
		int err = 0;
		zram_slot_lock(z, index);
		if (zram_test(&z->table[index], ZRAM_PP_SLOT))
			err = recompress_slot(z, index, page, &budget, (unsigned)threshold, prio,
					      prio_max);
		zram_clear(&z->table[index], ZRAM_PP_SLOT);
		zram_slot_unlock(z, index);
		if (err) {
			ret = zram_err(z, err, "recompress: page %u: %s", index, zsim_strerror(err));
			k++;
			break;
		}
	}
	for (; k < n; k++)
		zram_pp_release(z, sel[k]);
out:
	free(sel);
	free(page);
	pthread_rwlock_unlock(&z->init_lock);
	return ret;
}
