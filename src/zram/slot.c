/*
 * slot.c - zram's slot table: one entry per PAGE_SIZE block holding the
 * zsmalloc handle (or the same-filled word, or the backing block), the
 * object size, the flags and the compression priority; the per-slot lock;
 * zram_free_page (slot_free in later kernels).
 *
 * The kernel packs the size into the low bits of the flags word and locks
 * a slot with a bit of that word (bit_spin_lock; a sleeping bit lock from
 * 6.15). Here the lock bit and the flags share one atomic word too; the
 * size has its own field. A waiter spins briefly, then yields the CPU.
 * The kernel's entry is 16 bytes (+8 with ac_time); ours is 24.
 */
#include <sched.h>

#include "zram/zram_internal.h"

void zram_slot_lock(struct zsim_zram *z, uint32_t index)
{
	_Atomic uint32_t *w = &z->table[index].flags;
	for (unsigned spins = 0;; spins++) {
		uint32_t old = atomic_fetch_or_explicit(w, ZF(ZRAM_LOCK), memory_order_acquire);
		if (!(old & ZF(ZRAM_LOCK)))
			return;
		while (atomic_load_explicit(w, memory_order_relaxed) & ZF(ZRAM_LOCK)) {
			if (++spins > 64)
				sched_yield();
			else
				__builtin_ia32_pause();
		}
	}
}

bool zram_slot_trylock(struct zsim_zram *z, uint32_t index)
{
	uint32_t old = atomic_fetch_or_explicit(&z->table[index].flags, ZF(ZRAM_LOCK),
						memory_order_acquire);
	return !(old & ZF(ZRAM_LOCK));
}

void zram_slot_unlock(struct zsim_zram *z, uint32_t index)
{
	atomic_fetch_and_explicit(&z->table[index].flags, ~ZF(ZRAM_LOCK), memory_order_release);
}

void zram_set_prio(struct zram_slot *s, unsigned prio)
{
	uint32_t mask = ZRAM_PRIO_MASK << ZRAM_PRIO_SHIFT;
	atomic_fetch_and_explicit(&s->flags, ~mask, memory_order_relaxed);
	atomic_fetch_or_explicit(&s->flags, (prio & ZRAM_PRIO_MASK) << ZRAM_PRIO_SHIFT,
				 memory_order_relaxed);
}

bool zram_allocated(const struct zram_slot *s)
{
	return s->size || zram_test(s, ZRAM_SAME) || zram_test(s, ZRAM_WB);
}

void zram_slot_free(struct zsim_zram *z, uint32_t index)
{
	struct zram_slot *s = &z->table[index];

	s->ac_time = 0;
	zram_clear(s, ZRAM_IDLE);
	if (z->prof->multi_comp) {
		zram_clear(s, ZRAM_INCOMPRESSIBLE);
		zram_set_prio(s, 0);
	}
	if (z->prof->pp_slots)
		zram_clear(s, ZRAM_PP_SLOT);

	if (zram_test(s, ZRAM_HUGE)) {
		zram_clear(s, ZRAM_HUGE);
		atomic_fetch_sub_explicit(&z->stats.huge_pages, 1, memory_order_relaxed);
	}
	if (zram_test(s, ZRAM_WB)) {
		zram_clear(s, ZRAM_WB);
		zram_bdev_free_block(z, s->handle);
		goto out;
	}
	/* Same-filled pages hold no memory: clear the flag. */
	if (zram_test(s, ZRAM_SAME)) {
		zram_clear(s, ZRAM_SAME);
		atomic_fetch_sub_explicit(&z->stats.same_pages, 1, memory_order_relaxed);
		goto out;
	}
	if (!s->handle)
		return;
	zsim_zpool_free(z->pool, s->handle);
	atomic_fetch_sub_explicit(&z->stats.compr_data_size, s->size, memory_order_relaxed);
out:
	atomic_fetch_sub_explicit(&z->stats.pages_stored, 1, memory_order_relaxed);
	s->handle = 0;
	s->size = 0;
}

void zram_slot_accessed(struct zsim_zram *z, uint32_t index)
{
	struct zram_slot *s = &z->table[index];
	zram_clear(s, ZRAM_IDLE);
	if (z->prof->pp_slots)
		zram_clear(s, ZRAM_PP_SLOT);
	s->ac_time = atomic_load_explicit(&z->now, memory_order_relaxed);
}
