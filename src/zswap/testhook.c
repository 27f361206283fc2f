/*
 * testhook.c - TEST HOOK: flip bits of a stored zswap object in place, so
 * that tests (and zswapsim-bench --test-corrupt-slot) can check that a
 * corrupted object is caught on load. The kernel has no such interface; a
 * bit flip in a zsmalloc page (bad RAM, a stray write) is what it stands
 * for. Nothing in the library calls it.
 * Entry point: zsim_zswap_test_corrupt_entry.
 */
#include <string.h>

#include "zswap/zswap_internal.h"

int zsim_zswap_test_corrupt_entry(struct zsim_zswap *z, unsigned type, uint64_t offset,
				  size_t byte, uint8_t xor_mask)
{
	if (!z)
		return ZSIM_EINVAL;
	struct zsim_swap_info *si;
	int rc = zsim_swap_get(z, type, offset, 1, &si);
	if (rc)
		return rc;
	zsim_slots_lock(z, type, offset, 1);
	struct zsim_entry *e = zsim_xtree_load(zsim_swap_tree(si, offset), offset);
	if (!e) {
		rc = ZSIM_ENOENT;
	} else if (e->length == 0) {
		/* Same-filled entry (6.1): the repeated word is the object. */
		if (byte >= sizeof(e->value))
			rc = ZSIM_ERANGE;
		else
			e->value ^= (uint64_t)xor_mask << (8 * byte);
	} else if (byte >= e->length) {
		rc = ZSIM_ERANGE;
	} else {
		/* As zsim_entry_decompress does: the CPU's context (and so its
		 * allocator buffers) held across the access. */
		struct zsim_pool *p = z->pools[e->pool_idx];
		unsigned cpu = zsim_cpu_resolve(z, 0);
		struct zsim_acomp_ctx *ctx = zsim_acomp_ctx_lock(z, p, cpu, &cpu);
		if (!ctx) {
			rc = ZSIM_ENOMEM;
		} else {
			unsigned char copy[ZSIM_PAGE_SIZE];
			const void *src;
			rc = zsim_zpool_read_begin(p->zpool, e->handle, e->length, cpu, ctx->buffer,
						   &src);
			if (!rc) {
				memcpy(copy, src, e->length);
				zsim_zpool_read_end(p->zpool, e->handle, cpu, src);
				copy[byte] ^= xor_mask;
				rc = zsim_zpool_write(p->zpool, e->handle, copy, e->length, cpu);
			}
			zsim_acomp_ctx_unlock(ctx);
		}
	}
	zsim_slots_unlock(z, type, offset, 1);
	zsim_swap_put(si);
	return rc;
}
