/*
 * writeback.c - CONFIG_ZRAM_WRITEBACK: the backing device (backing_dev),
 * its block bitmap (bd_count), `writeback` of idle / huge / huge_idle /
 * incompressible slots or of given page indexes, writeback_limit and
 * writeback_limit_enable, and reads of written-back slots (bd_reads).
 *
 * The backing device is zswap's swap device (src/zswap/swapdev.c): pages
 * in memory or in a real file, synchronous I/O. The kernel accepts only a
 * block device path; here any file (or memory) with a page count.
 * 6.1 walks the slots in index order, one page at a time, with
 * ZRAM_UNDER_WB marking a slot in flight; 6.12+ first collect the
 * candidates into post-processing buckets by object size (ZRAM_PP_SLOT)
 * and write the largest objects first. The writes here complete at once
 * (no bio batching, writeback_batch_size not modelled). ≤6.18 never hand
 * out block 0 (a zero element meant "none"); latest does.
 */
#include <stdlib.h>
#include <string.h>

#include "zram/zram_internal.h"
#include "zswap/zswap_internal.h" /* zsim_swapdev_* */

void zram_bdev_reset(struct zsim_zram *z)
{
	if (!z->bdev)
		return;
	zsim_swapdev_destroy(z->bdev);
	z->bdev = NULL;
	free(z->bitmap);
	z->bitmap = NULL;
	z->bd_nr_pages = 0;
	z->bd_path[0] = 0;
}

int zsim_zram_set_backing_dev(struct zsim_zram *z, const char *path, uint64_t nr_pages)
{
	if (!z)
		return ZSIM_EINVAL;
	if (!nr_pages)
		return zram_err(z, ZSIM_EINVAL, "backing_dev: a device of 0 pages");
	pthread_rwlock_wrlock(&z->init_lock);
	int rc = 0;
	if (z->disksize) {
		rc = zram_err(z, ZSIM_EBUSY, "Can't setup backing device for initialized device");
		goto out;
	}
	struct zsim_swapdev *d = NULL;
	rc = path ? zsim_swapdev_create_file(nr_pages, path, &d)
		  : zsim_swapdev_create_memory(nr_pages, NULL, &d);
	if (rc) {
		zram_err(z, rc, "backing_dev: cannot open %s: %s", path ? path : "(memory)",
			 zsim_strerror(rc));
		goto out;
	}
	uint64_t *bm = calloc((nr_pages + 63) / 64, sizeof(*bm));
	if (!bm) {
		zsim_swapdev_destroy(d);
		rc = zram_err(z, ZSIM_ENOMEM, "backing_dev: bitmap");
		goto out;
	}
	zram_bdev_reset(z);
	z->bdev = d;
	z->bitmap = bm;
	z->bd_nr_pages = nr_pages;
	snprintf(z->bd_path, sizeof(z->bd_path), "%s", path ? path : "(memory)");
out:
	pthread_rwlock_unlock(&z->init_lock);
	return rc;
}

/* alloc_block_bdev / zram_reserve_bdev_block: 0 = none (≤6.18, block 0
 * never used) or UINT64_MAX = none (latest). */
#define NO_BLOCK UINT64_MAX
static uint64_t bdev_alloc_block(struct zsim_zram *z)
{
	uint64_t blk = NO_BLOCK;
	pthread_mutex_lock(&z->bitmap_lock);
	for (uint64_t i = z->prof->bd_block0 ? 0 : 1; i < z->bd_nr_pages; i++) {
		if (!(z->bitmap[i / 64] & (1ull << (i % 64)))) {
			z->bitmap[i / 64] |= 1ull << (i % 64);
			blk = i;
			break;
		}
	}
	pthread_mutex_unlock(&z->bitmap_lock);
	if (blk != NO_BLOCK)
		zstat_add(z, bd_count, 1);
	return blk;
}

void zram_bdev_free_block(struct zsim_zram *z, uint64_t blk)
{
	if (!z->bitmap || blk >= z->bd_nr_pages)
		return;
	/* Drop the data before the block can be handed out again: a
	 * writeback on another thread may take it as soon as the bit clears. */
	zsim_swapdev_discard(z->bdev, blk);
	pthread_mutex_lock(&z->bitmap_lock);
	z->bitmap[blk / 64] &= ~(1ull << (blk % 64));
	pthread_mutex_unlock(&z->bitmap_lock);
	zstat_sub(z, bd_count, 1);
}

int zram_bdev_read(struct zsim_zram *z, uint64_t blk, void *page)
{
	zstat_add(z, bd_reads, 1);
	if (!z->bdev)
		return zram_err(z, ZSIM_EIO, "read of a written-back page without backing device");
	int rc = zsim_swapdev_read(z->bdev, blk, page);
	if (rc)
		return zram_err(z, rc, "backing device read of block %llu failed",
				(unsigned long long)blk);
	return 0;
}

enum { WB_PAGE = 0, WB_HUGE = 1, WB_IDLE = 2, WB_INCOMPRESSIBLE = 4 };

/* Is the slot a candidate? Slot lock held. */
static bool wb_eligible(struct zsim_zram *z, struct zram_slot *s, unsigned mode)
{
	if (!zram_allocated(s) || zram_test(s, ZRAM_WB) || zram_test(s, ZRAM_SAME) ||
	    zram_test(s, ZRAM_UNDER_WB) || zram_test(s, ZRAM_PP_SLOT))
		return false;
	if ((mode & WB_IDLE) && !zram_test(s, ZRAM_IDLE))
		return false;
	if ((mode & WB_HUGE) && !zram_test(s, ZRAM_HUGE))
		return false;
	if ((mode & WB_INCOMPRESSIBLE) && !zram_test(s, ZRAM_INCOMPRESSIBLE))
		return false;
	(void)z;
	return true;
}

/* Returns true when the limit forbids another page. */
static bool wb_limit_reached(struct zsim_zram *z)
{
	pthread_mutex_lock(&z->wb_limit_lock);
	bool r = z->wb_limit_enable && !z->bd_wb_limit;
	pthread_mutex_unlock(&z->wb_limit_lock);
	return r;
}

static void wb_limit_charge(struct zsim_zram *z)
{
	pthread_mutex_lock(&z->wb_limit_lock);
	if (z->wb_limit_enable && z->bd_wb_limit > 0)
		z->bd_wb_limit -= 1;
	pthread_mutex_unlock(&z->wb_limit_lock);
}

/* The 6.1 loop: index order, ZRAM_UNDER_WB, one block reserved ahead. */
static int writeback_6_1(struct zsim_zram *z, unsigned mode, uint64_t lo, uint64_t hi,
			 uint8_t *page)
{
	uint64_t blk = 0;
	int ret = 0;
	for (uint64_t index = lo; index < hi; index++) {
		struct zram_slot *s = &z->table[index];
		if (wb_limit_reached(z)) {
			ret = ZSIM_EIO;
			break;
		}
		if (!blk) {
			blk = bdev_alloc_block(z);
			if (blk == NO_BLOCK) {
				blk = 0;
				ret = ZSIM_ENOSPC;
				break;
			}
		}
		zram_slot_lock(z, (uint32_t)index);
		if (!wb_eligible(z, s, mode)) {
			zram_slot_unlock(z, (uint32_t)index);
			continue;
		}
		zram_set(s, ZRAM_UNDER_WB);
		zram_set(s, ZRAM_IDLE); /* huge-page writeback racing */
		int err = zram_read_from_pool(z, (uint32_t)index, page, 0);
		zram_slot_unlock(z, (uint32_t)index);
		if (!err)
			err = zsim_swapdev_write(z->bdev, blk, page);
		if (err) {
			zram_slot_lock(z, (uint32_t)index);
			zram_clear(s, ZRAM_UNDER_WB);
			zram_clear(s, ZRAM_IDLE);
			zram_slot_unlock(z, (uint32_t)index);
			ret = err;
			continue;
		}
		zstat_add(z, bd_writes, 1);
		zram_slot_lock(z, (uint32_t)index);
		if (!zram_allocated(s) || !zram_test(s, ZRAM_IDLE)) {
			zram_clear(s, ZRAM_UNDER_WB);
			zram_clear(s, ZRAM_IDLE);
			zram_slot_unlock(z, (uint32_t)index);
			continue;
		}
		zram_slot_free(z, (uint32_t)index);
		zram_clear(s, ZRAM_UNDER_WB);
		zram_set(s, ZRAM_WB);
		s->handle = blk;
		blk = 0;
		zstat_add(z, pages_stored, 1);
		wb_limit_charge(z);
		zram_slot_unlock(z, (uint32_t)index);
	}
	if (blk)
		zram_bdev_free_block(z, blk);
	return ret;
}

/* 6.12+: scan into buckets of 64 bytes of object size, largest first. */
#define PP_BUCKET 64
#define NR_PP_BUCKETS (ZSIM_PAGE_SIZE / PP_BUCKET + 1)

struct pp_ctl {
	uint32_t *idx;      /* selected slots, grouped by bucket */
	uint64_t count[NR_PP_BUCKETS];
	uint64_t n;
};

/* Collect the slots accepted by `pick` (slot lock held) into buckets;
 * each gets ZRAM_PP_SLOT. *out lists them highest bucket first; within a
 * bucket the last placed first (the kernel's list_add). 0 or ZSIM_ENOMEM. */
int zram_pp_scan(struct zsim_zram *z, uint64_t lo, uint64_t hi,
		 bool (*pick)(struct zsim_zram *, struct zram_slot *, unsigned), unsigned arg,
		 uint32_t **out, uint64_t *nout)
{
	uint64_t count[NR_PP_BUCKETS] = {0};
	uint32_t *tmp = malloc(sizeof(*tmp) * (hi - lo + 1));
	uint16_t *bkt = malloc(sizeof(*bkt) * (hi - lo + 1));
	uint32_t *res = malloc(sizeof(*res) * (hi - lo + 1));
	if (!tmp || !bkt || !res) {
		free(tmp);
		free(bkt);
		free(res);
		return ZSIM_ENOMEM;
	}
	uint64_t n = 0;
	for (uint64_t i = lo; i < hi; i++) {
		struct zram_slot *s = &z->table[i];
		zram_slot_lock(z, (uint32_t)i);
		if (pick(z, s, arg)) {
			zram_set(s, ZRAM_PP_SLOT);
			unsigned b = s->size / PP_BUCKET;
			tmp[n] = (uint32_t)i;
			bkt[n++] = (uint16_t)b;
			count[b]++;
		}
		zram_slot_unlock(z, (uint32_t)i);
	}
	uint64_t start[NR_PP_BUCKETS], pos = 0;
	for (int b = NR_PP_BUCKETS - 1; b >= 0; b--) {
		start[b] = pos;
		pos += count[b];
	}
	for (uint64_t k = n; k-- > 0;)
		res[start[bkt[k]]++] = tmp[k];
	free(tmp);
	free(bkt);
	*out = res;
	*nout = n;
	return 0;
}

/* release_pp_slot */
void zram_pp_release(struct zsim_zram *z, uint32_t index)
{
	zram_slot_lock(z, index);
	zram_clear(&z->table[index], ZRAM_PP_SLOT);
	zram_slot_unlock(z, index);
}

static bool wb_pick(struct zsim_zram *z, struct zram_slot *s, unsigned mode)
{
	return wb_eligible(z, s, mode);
}

static int writeback_pp(struct zsim_zram *z, unsigned mode, uint64_t lo, uint64_t hi,
			uint8_t *page)
{
	uint32_t *sel;
	uint64_t n;
	int ret = zram_pp_scan(z, lo, hi, wb_pick, mode, &sel, &n);
	if (ret)
		return ret;
	uint64_t blk = NO_BLOCK;
	uint64_t k = 0;
	for (; k < n; k++) {
		uint32_t index = sel[k];
		struct zram_slot *s = &z->table[index];
		if (wb_limit_reached(z)) {
			ret = ZSIM_EIO;
			break;
		}
		if (blk == NO_BLOCK) {
			blk = bdev_alloc_block(z);
			if (blk == NO_BLOCK) {
				ret = ZSIM_ENOSPC;
				break;
			}
		}
		zram_slot_lock(z, index);
		if (!zram_test(s, ZRAM_PP_SLOT)) {
			zram_slot_unlock(z, index);
			continue;
		}
		int err = zram_read_from_pool(z, index, page, 0);
		zram_slot_unlock(z, index);
		if (err) {
			zram_pp_release(z, index);
			continue;
		}
		wb_limit_charge(z); /* at submission */
		err = zsim_swapdev_write(z->bdev, blk, page);
		if (err) {
			pthread_mutex_lock(&z->wb_limit_lock);
			if (z->wb_limit_enable)
				z->bd_wb_limit += 1;
			pthread_mutex_unlock(&z->wb_limit_lock);
			zram_bdev_free_block(z, blk);
			blk = NO_BLOCK;
			zram_pp_release(z, index);
			ret = err;
			continue;
		}
		zstat_add(z, bd_writes, 1);
		zram_slot_lock(z, index);
		if (!zram_test(s, ZRAM_PP_SLOT)) {
			zram_slot_unlock(z, index);
			zram_bdev_free_block(z, blk);
		} else {
			zram_slot_free(z, index);
			zram_set(s, ZRAM_WB);
			s->handle = blk;
			zstat_add(z, pages_stored, 1);
			zram_slot_unlock(z, index);
		}
		blk = NO_BLOCK;
	}
	if (blk != NO_BLOCK)
		zram_bdev_free_block(z, blk);
	for (; k < n; k++)
		zram_pp_release(z, sel[k]);
	free(sel);
	return ret;
}

static int parse_mode(struct zsim_zram *z, const char *v, unsigned *mode)
{
	if (!strcmp(v, "idle"))
		*mode = WB_IDLE;
	else if (!strcmp(v, "huge"))
		*mode = WB_HUGE;
	else if (!strcmp(v, "huge_idle"))
		*mode = WB_IDLE | WB_HUGE;
	else if (!strcmp(v, "incompressible") && z->prof->multi_comp)
		*mode = WB_INCOMPRESSIBLE;
	else
		return zram_err(z, ZSIM_EINVAL, "writeback: unknown mode '%s' in profile %s", v,
				z->prof->name);
	return 0;
}

int zram_writeback_store(struct zsim_zram *z, const char *buf)
{
	char tmp[256];
	size_t l = strlen(buf);
	if (l >= sizeof(tmp))
		return zram_err(z, ZSIM_EINVAL, "writeback: argument too long");
	memcpy(tmp, buf, l + 1);
	while (l && (tmp[l - 1] == '\n' || tmp[l - 1] == ' '))
		tmp[--l] = 0;

	/* 6.1 and 6.12 hold init_lock for reading; latest for writing. */
	if (z->prof->wb_params)
		pthread_rwlock_wrlock(&z->init_lock);
	else
		pthread_rwlock_rdlock(&z->init_lock);
	int ret = 0;
	uint8_t *page = NULL;
	if (!z->disksize) {
		ret = zram_err(z, ZSIM_EINVAL, "writeback: device not initialised");
		goto out;
	}
	if (!z->bdev) {
		ret = zram_err(z, ZSIM_ENODEV, "writeback: no backing_dev");
		goto out;
	}
	page = malloc(ZSIM_PAGE_SIZE);
	if (!page) {
		ret = ZSIM_ENOMEM;
		goto out;
	}
	uint64_t nr = z->nr_slots;
	if (!z->prof->wb_params) {
		unsigned mode;
		uint64_t lo = 0, hi = nr;
		if (!strncmp(tmp, "page_index=", 11)) {
			uint64_t idx;
			if (zram_parse_u64(tmp + 11, &idx) || idx >= nr) {
				ret = zram_err(z, ZSIM_EINVAL, "writeback: bad page_index");
				goto out;
			}
			mode = WB_PAGE;
			lo = idx;
			hi = idx + 1;
		} else if ((ret = parse_mode(z, tmp, &mode))) {
			goto out;
		}
		ret = z->prof->pp_slots ? writeback_pp(z, mode, lo, hi, page)
					: writeback_6_1(z, mode, lo, hi, page);
		goto out;
	}
	/* latest: key=value list; a bare word is the legacy mode. Each mode
	 * or index adds candidates; all are written back at the end. */
	char *args = tmp, *key, *val;
	unsigned mode = 0;
	uint64_t lo = 0, hi = nr;
	bool any = false;
	while (*args) {
		args = zram_next_arg(args, &key, &val);
		if (!*val || !strcmp(key, "type")) {
			ret = parse_mode(z, *val ? val : key, &mode);
			if (ret)
				goto out;
			any = true;
			break;
		}
		if (!strcmp(key, "page_index")) {
			if (zram_parse_u64(val, &lo) || lo >= nr) {
				ret = zram_err(z, ZSIM_ERANGE, "writeback: bad page_index");
				goto out;
			}
			hi = lo + 1;
			any = true;
			continue;
		}
		if (!strcmp(key, "page_indexes")) {
			char *d = strchr(val, '-');
			if (!d) {
				ret = zram_err(z, ZSIM_EINVAL, "writeback: page_indexes=A-B");
				goto out;
			}
			*d = 0;
			if (zram_parse_u64(val, &lo) || zram_parse_u64(d + 1, &hi) || lo >= nr || hi >= nr ||
			    lo > hi) {
				ret = zram_err(z, ZSIM_ERANGE, "writeback: bad page_indexes");
				goto out;
			}
			hi += 1;
			any = true;
			continue;
		}
	}
	if (!any) {
		ret = zram_err(z, ZSIM_EINVAL, "writeback: nothing to do in '%s'", buf);
		goto out;
	}
	ret = writeback_pp(z, mode, lo, hi, page);
out:
	free(page);
	pthread_rwlock_unlock(&z->init_lock);
	return ret;
}
