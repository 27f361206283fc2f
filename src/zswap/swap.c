/*
 * swap.c - swap types as zswap sees them: swapon makes one entry tree per
 * 16384 slots (zswap_swapon), the swap layer's zeromap, and the backing
 * device; swapoff frees them (zswap_swapoff after try_to_unuse).
 * Differences: the kernel's get_swap_device() reference is a per-type
 * rwlock here; swapoff drops what the slots hold instead of swapping it in.
 */
#include <stdlib.h>
#include <string.h>

#include "zswap/zswap_internal.h"

#define MAX_SLOTS (1ull << 32)

static void swap_free_locked(struct zsim_zswap *z, struct zsim_swap_info *si, unsigned type)
{
	if (si->trees) {
		for (unsigned t = 0; t < si->nr_trees; t++) {
			struct zsim_xtree *tree = si->trees[t];
			if (!tree)
				continue;
			/* Free every entry still stored (the kernel's swapoff
			 * finds the trees already empty after try_to_unuse). */
			uint64_t off = (uint64_t)t << ZSIM_SWAP_ADDRESS_SPACE_SHIFT;
			const uint64_t last = off + (1ull << ZSIM_SWAP_ADDRESS_SPACE_SHIFT) - 1;
			while (zsim_xtree_find(tree, &off, last)) {
				zsim_invalidate_entry(z, si, off, 0);
				if (off++ == last)
					break;
			}
			zsim_xtree_destroy(tree);
		}
		free(si->trees);
	}
	free((void *)si->zeromap);
	zsim_swapdev_destroy(si->dev);
	si->trees = NULL;
	si->zeromap = NULL;
	si->dev = NULL;
	si->nr_trees = 0;
	si->nr_slots = 0;
	si->active = false;
	(void)type;
}

void zsim_si_read_lock(struct zsim_swap_info *si)
{
	zsim_brlock_read_lock(&si->lock);
}

void zsim_si_read_unlock(struct zsim_swap_info *si)
{
	zsim_brlock_read_unlock(&si->lock);
}

void zsim_si_write_lock(struct zsim_swap_info *si)
{
	zsim_brlock_write_lock(&si->lock);
}

void zsim_si_write_unlock(struct zsim_swap_info *si)
{
	zsim_brlock_write_unlock(&si->lock);
}

static int swapon_common(struct zsim_zswap *z, unsigned type, uint64_t nr_slots,
			 int kind, const char *path)
{
	if (!z)
		return ZSIM_EINVAL;
	if (type >= ZSIM_MAX_SWAPFILES || nr_slots == 0 || nr_slots > MAX_SLOTS)
		return ZSIM_ERANGE;
	struct zsim_swap_info *si = &z->swap[type];
	zsim_si_write_lock(si);
	int rc = 0;
	if (si->active) {
		rc = ZSIM_EBUSY;
		goto out;
	}
	si->nr_slots = nr_slots;
	si->nr_trees = (unsigned)((nr_slots + (1ull << ZSIM_SWAP_ADDRESS_SPACE_SHIFT) - 1) >>
				  ZSIM_SWAP_ADDRESS_SPACE_SHIFT);
	si->trees = calloc(si->nr_trees, sizeof(*si->trees));
	si->zeromap = calloc((nr_slots + 63) / 64, sizeof(*si->zeromap));
	if (!si->trees || !si->zeromap) {
		rc = ZSIM_ENOMEM;
		goto fail;
	}
	for (unsigned t = 0; t < si->nr_trees; t++) {
		rc = zsim_xtree_create(ZSIM_XTREE_DEFAULT_SHIFT, z->fault, &si->trees[t]);
		if (rc)
			goto fail;
	}
	rc = kind == ZSIM_SWAPDEV_FILE ? zsim_swapdev_create_file(nr_slots, path, &si->dev)
				       : zsim_swapdev_create_memory(nr_slots, &si->dev);
	if (rc)
		goto fail;
	si->active = true;
	goto out;
fail:
	swap_free_locked(z, si, type);
out:
	zsim_si_write_unlock(si);
	return rc;
}

int zsim_zswap_swapon(struct zsim_zswap *z, unsigned type, uint64_t nr_slots)
{
	return swapon_common(z, type, nr_slots, ZSIM_SWAPDEV_FILE, NULL);
}

int zsim_zswap_swapon_memory(struct zsim_zswap *z, unsigned type, uint64_t nr_slots)
{
	return swapon_common(z, type, nr_slots, ZSIM_SWAPDEV_MEMORY, NULL);
}

int zsim_zswap_swap_stats(const struct zsim_zswap *z, unsigned type, struct zsim_swap_stats *st)
{
	if (!z || !st)
		return ZSIM_EINVAL;
	if (type >= ZSIM_MAX_SWAPFILES)
		return ZSIM_ERANGE;
	struct zsim_swap_info *si = (struct zsim_swap_info *)&z->swap[type];
	zsim_si_read_lock(si);
	int rc = si->active ? 0 : ZSIM_ESHUTDOWN;
	if (!rc) {
		memset(st, 0, sizeof(*st));
		st->nr_slots = si->nr_slots;
		st->bytes_written = zsim_swapdev_bytes_written(si->dev);
		st->bytes_read = zsim_swapdev_bytes_read(si->dev);
		st->device_pages = zsim_swapdev_count(si->dev);
		st->kind = zsim_swapdev_kind(si->dev);
	}
	zsim_si_read_unlock(si);
	return rc;
}

int zsim_zswap_swapon_file(struct zsim_zswap *z, unsigned type, uint64_t nr_slots,
			   const char *path)
{
	return swapon_common(z, type, nr_slots, ZSIM_SWAPDEV_FILE, path);
}

int zsim_zswap_swapoff(struct zsim_zswap *z, unsigned type)
{
	if (!z)
		return ZSIM_EINVAL;
	if (type >= ZSIM_MAX_SWAPFILES)
		return ZSIM_ERANGE;
	struct zsim_swap_info *si = &z->swap[type];
	zsim_si_write_lock(si);
	int rc = si->active ? 0 : ZSIM_ESHUTDOWN;
	if (!rc)
		swap_free_locked(z, si, type);
	zsim_si_write_unlock(si);
	return rc;
}

void zsim_swap_destroy_all(struct zsim_zswap *z);
void zsim_swap_destroy_all(struct zsim_zswap *z)
{
	for (unsigned t = 0; t < ZSIM_MAX_SWAPFILES; t++) {
		struct zsim_swap_info *si = &z->swap[t];
		zsim_si_write_lock(si);
		if (si->active)
			swap_free_locked(z, si, t);
		zsim_si_write_unlock(si);
	}
}

/* get_swap_device: pin an active type and check the slot range. */
int zsim_swap_get(struct zsim_zswap *z, unsigned type, uint64_t offset, uint64_t nr,
		  struct zsim_swap_info **out)
{
	if (type >= ZSIM_MAX_SWAPFILES)
		return ZSIM_ERANGE;
	struct zsim_swap_info *si = &z->swap[type];
	zsim_si_read_lock(si);
	if (!si->active) {
		zsim_si_read_unlock(si);
		return ZSIM_ESHUTDOWN;
	}
	if (offset >= si->nr_slots || nr > si->nr_slots - offset) {
		zsim_si_read_unlock(si);
		return ZSIM_ERANGE;
	}
	*out = si;
	return 0;
}

void zsim_swap_put(struct zsim_swap_info *si)
{
	zsim_si_read_unlock(si);
}

/* A set of slot locks as a bitmap over the 4096 hashed locks: each lock
 * once (different pages may share one), taken in ascending order. */
struct slot_lock_bits {
	uint64_t w[ZSIM_SLOT_LOCKS / 64];
};

static void bits_add(struct slot_lock_bits *b, unsigned type, uint64_t offset)
{
	unsigned k = zsim_slot_lock_idx(type, offset);
	b->w[k >> 6] |= 1ull << (k & 63);
}

static void bits_apply(struct zsim_zswap *z, const struct slot_lock_bits *b, bool lock)
{
	for (unsigned w = 0; w < ZSIM_SLOT_LOCKS / 64; w++)
		for (uint64_t x = b->w[w]; x; x &= x - 1) {
			pthread_mutex_t *m = &z->slot_locks[w * 64 + (unsigned)__builtin_ctzll(x)];
			if (lock)
				pthread_mutex_lock(m);
			else
				pthread_mutex_unlock(m);
		}
}

/* The slot locks of [offset, offset + nr). */
static void slots_range(struct zsim_zswap *z, unsigned type, uint64_t offset, unsigned nr,
			bool lock)
{
	if (nr == 1) {
		pthread_mutex_t *m = &z->slot_locks[zsim_slot_lock_idx(type, offset)];
		if (lock)
			pthread_mutex_lock(m);
		else
			pthread_mutex_unlock(m);
		return;
	}
	struct slot_lock_bits b = {{0}};
	for (unsigned i = 0; i < nr; i++)
		bits_add(&b, type, offset + i);
	bits_apply(z, &b, lock);
}

/* The slot locks of n arbitrary offsets. */
static void slots_list(struct zsim_zswap *z, unsigned type, const uint64_t *offsets,
		       unsigned n, bool lock)
{
	struct slot_lock_bits b = {{0}};
	for (unsigned i = 0; i < n; i++)
		bits_add(&b, type, offsets[i]);
	bits_apply(z, &b, lock);
}

void zsim_slots_lock(struct zsim_zswap *z, unsigned type, uint64_t offset, unsigned nr)
{
	slots_range(z, type, offset, nr, true);
}

void zsim_slots_unlock(struct zsim_zswap *z, unsigned type, uint64_t offset, unsigned nr)
{
	slots_range(z, type, offset, nr, false);
}

void zsim_slots_lock_set(struct zsim_zswap *z, unsigned type, const uint64_t *offsets, unsigned n)
{
	slots_list(z, type, offsets, n, true);
}

void zsim_slots_unlock_set(struct zsim_zswap *z, unsigned type, const uint64_t *offsets, unsigned n)
{
	slots_list(z, type, offsets, n, false);
}

bool zsim_slot_trylock(struct zsim_zswap *z, unsigned type, uint64_t offset)
{
	return pthread_mutex_trylock(&z->slot_locks[zsim_slot_lock_idx(type, offset)]) == 0;
}

bool zsim_zeromap_test(struct zsim_swap_info *si, uint64_t offset)
{
	return atomic_load_explicit(&si->zeromap[offset >> 6], memory_order_acquire) &
	       (1ull << (offset & 63));
}

void zsim_zeromap_set(struct zsim_swap_info *si, uint64_t offset, bool on)
{
	uint64_t bit = 1ull << (offset & 63);
	if (on)
		atomic_fetch_or_explicit(&si->zeromap[offset >> 6], bit, memory_order_release);
	else if (atomic_load_explicit(&si->zeromap[offset >> 6], memory_order_relaxed) & bit)
		atomic_fetch_and_explicit(&si->zeromap[offset >> 6], ~bit, memory_order_release);
}

void zsim_invalidate_entry(struct zsim_zswap *z, struct zsim_swap_info *si,
			   uint64_t offset, unsigned cpu)
{
	struct zsim_xtree *tree = zsim_swap_tree(si, offset);
	struct zsim_entry *e = zsim_xtree_erase(tree, offset);
	if (e)
		zsim_entry_free(z, e, cpu);
}

int zsim_zswap_invalidate(struct zsim_zswap *z, unsigned type, uint64_t offset, unsigned nr)
{
	if (!z)
		return ZSIM_EINVAL;
	if (nr == 0)
		return 0;
	struct zsim_swap_info *si;
	int rc = zsim_swap_get(z, type, offset, nr, &si);
	if (rc)
		return rc;
	for (unsigned i = 0; i < nr; i++) {
		zsim_slots_lock(z, type, offset + i, 1);
		zsim_invalidate_entry(z, si, offset + i, 0);
		zsim_zeromap_set(si, offset + i, false);
		zsim_swapdev_discard(si->dev, offset + i);
		zsim_slots_unlock(z, type, offset + i, 1);
	}
	zsim_swap_put(si);
	return 0;
}

int zsim_zswap_slot_state(struct zsim_zswap *z, unsigned type, uint64_t offset,
			  enum zsim_swap_where *where, size_t *compressed_len)
{
	if (!z || !where)
		return ZSIM_EINVAL;
	struct zsim_swap_info *si;
	int rc = zsim_swap_get(z, type, offset, 1, &si);
	if (rc)
		return rc;
	size_t len = 0;
	struct zsim_entry *e = zsim_xtree_load(zsim_swap_tree(si, offset), offset);
	if (e) {
		*where = ZSIM_WHERE_ZSWAP;
		len = e->length;
	} else if (zsim_zeromap_test(si, offset)) {
		*where = ZSIM_WHERE_ZEROMAP;
	} else if (zsim_swapdev_has(si->dev, offset)) {
		*where = ZSIM_WHERE_DEVICE;
	} else {
		*where = ZSIM_WHERE_NONE;
	}
	if (compressed_len)
		*compressed_len = len;
	zsim_swap_put(si);
	return 0;
}
