/*
 * stats.c - zram's statistics: mm_stat, io_stat, bd_stat, debug_stat as
 * the kernel's show functions print them, per profile, plus the block
 * layer's read/write counts and the swap layer's vmstat events.
 *
 * mm_stat: orig_data_size = pages_stored << PAGE_SHIFT (same-filled, huge
 * and written-back pages included), compr_data_size (huge pages count
 * PAGE_SIZE), mem_used_total = zsmalloc's total pages << PAGE_SHIFT,
 * mem_limit, mem_used_max, same_pages, pages_compacted (zsmalloc's),
 * huge_pages, huge_pages_since. io_stat prints invalid_io in 6.1 and a
 * literal 0 in its place from 6.4; debug_stat prints writestall until
 * 6.14 and a literal 0 from 6.15. bd_stat is in 4K units.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "zram/zram_internal.h"

#define LD(f) atomic_load_explicit(&z->stats.f, memory_order_relaxed)

int zsim_zram_stats(struct zsim_zram *z, struct zsim_zram_stats *st)
{
	if (!z || !st)
		return ZSIM_EINVAL;
	memset(st, 0, sizeof(*st));
	pthread_rwlock_rdlock(&z->init_lock);
	uint64_t mem_used = 0, compacted = 0;
	if (z->disksize) {
		struct zsim_zpool_stats ps;
		mem_used = zsim_zpool_total_pages(z->pool);
		if (!zsim_zpool_stats(z->pool, &ps))
			compacted = ps.pages_compacted;
	}
	st->pages_stored = LD(pages_stored);
	st->orig_data_size = st->pages_stored << ZSIM_PAGE_SHIFT;
	st->compr_data_size = LD(compr_data_size);
	st->mem_used_total = mem_used << ZSIM_PAGE_SHIFT;
	st->mem_limit = atomic_load(&z->limit_pages) << ZSIM_PAGE_SHIFT;
	st->mem_used_max = LD(max_used_pages) << ZSIM_PAGE_SHIFT;
	st->same_pages = LD(same_pages);
	st->pages_compacted = compacted;
	st->huge_pages = LD(huge_pages);
	st->huge_pages_since = LD(huge_pages_since);
	st->failed_reads = LD(failed_reads);
	st->failed_writes = LD(failed_writes);
	st->invalid_io = LD(invalid_io);
	st->notify_free = LD(notify_free);
	st->bd_count = LD(bd_count);
	st->bd_reads = LD(bd_reads);
	st->bd_writes = LD(bd_writes);
	st->writestall = LD(writestall);
	st->miss_free = LD(miss_free);
	st->num_reads = LD(num_reads);
	st->num_writes = LD(num_writes);
	st->pswpout = LD(pswpout);
	st->pswpin = LD(pswpin);
	st->swpout_zero = LD(swpout_zero);
	st->swpin_zero = LD(swpin_zero);
	st->recompressed = LD(recompressed);
	st->recompress_tried = LD(recompress_tried);
	st->stream_contended = LD(stream_contended);
	st->disksize = z->disksize;
	pthread_rwlock_unlock(&z->init_lock);
	return 0;
}

static int emit(char *buf, size_t len, int n)
{
	if (n < 0)
		return ZSIM_EINVAL;
	if ((size_t)n >= len)
		return ZSIM_ENOSPC;
	return n;
}

int zsim_zram_format_stat(const char *profile, const char *attr,
			  const struct zsim_zram_stats *st, char *buf, size_t len)
{
	const struct zram_prof *p = zram_prof_find(profile);
	if (!p || !attr || !st || !buf || !len)
		return p ? ZSIM_EINVAL : ZSIM_ENOENT;
	if (!strcmp(attr, "mm_stat"))
		/* "%8llu %8llu %8llu %8lu %8ld %8llu %8lu %8llu %8llu\n" */
		return emit(buf, len,
			    snprintf(buf, len,
				     "%8" PRIu64 " %8" PRIu64 " %8" PRIu64 " %8" PRIu64 " %8" PRId64
				     " %8" PRIu64 " %8" PRIu64 " %8" PRIu64 " %8" PRIu64 "\n",
				     st->orig_data_size, st->compr_data_size, st->mem_used_total,
				     st->mem_limit, (int64_t)st->mem_used_max, st->same_pages,
				     st->pages_compacted, st->huge_pages, st->huge_pages_since));
	if (!strcmp(attr, "io_stat")) {
		if (p->invalid_io)
			return emit(buf, len,
				    snprintf(buf, len, "%8" PRIu64 " %8" PRIu64 " %8" PRIu64 " %8" PRIu64 "\n",
					     st->failed_reads, st->failed_writes, st->invalid_io,
					     st->notify_free));
		return emit(buf, len,
			    snprintf(buf, len, "%8" PRIu64 " %8" PRIu64 " 0 %8" PRIu64 "\n",
				     st->failed_reads, st->failed_writes, st->notify_free));
	}
	if (!strcmp(attr, "bd_stat"))
		return emit(buf, len,
			    snprintf(buf, len, "%8" PRIu64 " %8" PRIu64 " %8" PRIu64 "\n",
				     st->bd_count, st->bd_reads, st->bd_writes));
	if (!strcmp(attr, "debug_stat")) {
		if (p->two_stage_alloc)
			return emit(buf, len,
				    snprintf(buf, len, "version: %d\n%8" PRIu64 " %8" PRIu64 "\n", 1,
					     st->writestall, st->miss_free));
		return emit(buf, len,
			    snprintf(buf, len, "version: %d\n0 %8" PRIu64 "\n", 1, st->miss_free));
	}
	return ZSIM_ENOENT;
}
