/*
 * swap.c - swap types as zswap sees them: swapon makes one entry tree per
 * 16384 slots (zswap_swapon), the swap layer's zeromap, and the backing
 * device; swapoff frees them (zswap_swapoff after try_to_unuse).
 * Differences: the kernel's get_swap_device() reference is a per-type
 * rwlock here; swapoff drops what the slots hold instead of swapping it in.
 */
#include <stdlib.h>
#include <string.h>

#include "alloc/pagealloc.h"
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
	free(si->slot_busy);
	zsim_swapdev_destroy(si->dev);
	si->trees = NULL;
	si->zeromap = NULL;
	si->slot_busy = NULL;
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
	si->slot_busy = calloc((nr_slots + 63) / 64, sizeof(*si->slot_busy));
	if (!si->trees || !si->zeromap || !si->slot_busy) {
		rc = ZSIM_ENOMEM;
		goto fail;
	}
	for (unsigned t = 0; t < si->nr_trees; t++) {
		rc = zsim_xtree_create(ZSIM_XTREE_DEFAULT_SHIFT, z->fault, &si->trees[t]);
		if (rc)
			goto fail;
	}
	rc = kind == ZSIM_SWAPDEV_FILE ? zsim_swapdev_create_file(nr_slots, path, &si->dev)
				       : zsim_swapdev_create_memory(nr_slots, z->side_pages, &si->dev);
	if (rc)
		goto fail;
	si->active = true;
	/* Stores will come: the pool's first 2 MiB of pages are faulted in
	 * now, as setup, rather than by the first store (the kernel's pages
	 * exist already); a no-op once the pool has pages. Only for a
	 * device of ZSIM_PREFETCH_MIN_SLOTS or more: a small one (tests,
	 * fuzzing) cannot grow a pool worth a thread and 2 MiB. */
	if (nr_slots >= ZSIM_PREFETCH_MIN_SLOTS) {
		if (z->pages_are_pool)
			zsim_pa_prefetch(z->pages);
		zsim_objcache_prefetch(z->entry_cache, z->side_pages);
	}
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

/*
 * Slot locks: the folio lock + swap cache. A slot is "held" while its bit
 * in si->slot_busy is set; a folio holds all its slots with one
 * acquisition, not one mutex per page. The bits of a 512-slot group (a
 * swap cluster; an aligned folio of any order lies in one) are guarded by
 * the mutex of the group's bucket, taken only inside these functions and
 * never while another lock is taken: it is a leaf. A waiter sleeps on the
 * bucket's condition variable. Several pieces (an unaligned range crossing
 * a group boundary, the slots of a batch) are taken in ascending offset
 * order, so two multi-piece holders cannot wait for each other.
 */
#define GROUP_SHIFT ZSIM_SLOT_GROUP_SHIFT

void zsim_slot_locks_init(struct zsim_zswap *z)
{
	for (unsigned i = 0; i < ZSIM_SLOT_LOCKS; i++) {
		pthread_mutex_init(&z->slot_locks[i].b.lock, NULL);
		pthread_cond_init(&z->slot_locks[i].b.wake, NULL);
		z->slot_locks[i].b.waiters = 0;
	}
}

void zsim_slot_locks_destroy(struct zsim_zswap *z)
{
	for (unsigned i = 0; i < ZSIM_SLOT_LOCKS; i++) {
		pthread_mutex_destroy(&z->slot_locks[i].b.lock);
		pthread_cond_destroy(&z->slot_locks[i].b.wake);
	}
}

static struct zsim_slot_bucket *bucket_of(struct zsim_zswap *z, unsigned type, uint64_t offset)
{
	return &z->slot_locks[zsim_slot_lock_idx(type, offset)].b;
}

/* Bits [offset, offset + nr) of the busy map (within one word or not). */
static bool bits_any(const uint64_t *map, uint64_t offset, unsigned nr)
{
	for (uint64_t o = offset, end = offset + nr; o < end;) {
		unsigned sh = (unsigned)(o & 63);
		unsigned n = end - o < 64 - sh ? (unsigned)(end - o) : 64 - sh;
		uint64_t mask = (n == 64 ? ~0ull : ((1ull << n) - 1)) << sh;
		if (map[o >> 6] & mask)
			return true;
		o += n;
	}
	return false;
}

static void bits_set(uint64_t *map, uint64_t offset, unsigned nr, bool on)
{
	for (uint64_t o = offset, end = offset + nr; o < end;) {
		unsigned sh = (unsigned)(o & 63);
		unsigned n = end - o < 64 - sh ? (unsigned)(end - o) : 64 - sh;
		uint64_t mask = (n == 64 ? ~0ull : ((1ull << n) - 1)) << sh;
		if (on)
			map[o >> 6] |= mask;
		else
			map[o >> 6] &= ~mask;
		o += n;
	}
}

/* One piece: [offset, offset + nr) inside one group. */
static bool piece_lock(struct zsim_zswap *z, unsigned type, uint64_t offset, unsigned nr,
		       bool wait)
{
	struct zsim_swap_info *si = &z->swap[type];
	struct zsim_slot_bucket *b = bucket_of(z, type, offset);
	pthread_mutex_lock(&b->lock);
	while (bits_any(si->slot_busy, offset, nr)) {
		if (!wait) {
			pthread_mutex_unlock(&b->lock);
			return false;
		}
		b->waiters++;
		pthread_cond_wait(&b->wake, &b->lock);
		b->waiters--;
	}
	bits_set(si->slot_busy, offset, nr, true);
	pthread_mutex_unlock(&b->lock);
	return true;
}

static void piece_unlock(struct zsim_zswap *z, unsigned type, uint64_t offset, unsigned nr)
{
	struct zsim_swap_info *si = &z->swap[type];
	struct zsim_slot_bucket *b = bucket_of(z, type, offset);
	pthread_mutex_lock(&b->lock);
	bits_set(si->slot_busy, offset, nr, false);
	if (b->waiters)
		pthread_cond_broadcast(&b->wake);
	pthread_mutex_unlock(&b->lock);
}

/* [offset, offset + nr) as pieces that each stay inside one group. */
#define FOR_EACH_PIECE(offset, nr, o, n)                                                           \
	for (uint64_t o = (offset), end_ = (offset) + (nr), n;                                     \
	     o < end_ && (n = ((o >> GROUP_SHIFT) + 1) << GROUP_SHIFT,                              \
			  n = (n < end_ ? n : end_) - o, 1);                                      \
	     o += n)

void zsim_slots_lock(struct zsim_zswap *z, unsigned type, uint64_t offset, unsigned nr)
{
	FOR_EACH_PIECE(offset, nr, o, n)
		piece_lock(z, type, o, (unsigned)n, true);
}

void zsim_slots_unlock(struct zsim_zswap *z, unsigned type, uint64_t offset, unsigned nr)
{
	FOR_EACH_PIECE(offset, nr, o, n)
		piece_unlock(z, type, o, (unsigned)n);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* The n offsets sorted, duplicates dropped; returns how many are left. */
static unsigned sorted_set(const uint64_t *offsets, unsigned n, uint64_t *out)
{
	memcpy(out, offsets, n * sizeof(*out));
	qsort(out, n, sizeof(*out), cmp_u64);
	unsigned k = 0;
	for (unsigned i = 0; i < n; i++)
		if (!k || out[k - 1] != out[i])
			out[k++] = out[i];
	return k;
}

void zsim_slots_lock_set(struct zsim_zswap *z, unsigned type, const uint64_t *offsets, unsigned n)
{
	uint64_t o[ZSIM_LOAD_BATCH_MAX];
	if (n > ZSIM_LOAD_BATCH_MAX)
		n = ZSIM_LOAD_BATCH_MAX;
	unsigned k = sorted_set(offsets, n, o);
	for (unsigned i = 0; i < k; i++)
		piece_lock(z, type, o[i], 1, true);
}

void zsim_slots_unlock_set(struct zsim_zswap *z, unsigned type, const uint64_t *offsets, unsigned n)
{
	uint64_t o[ZSIM_LOAD_BATCH_MAX];
	if (n > ZSIM_LOAD_BATCH_MAX)
		n = ZSIM_LOAD_BATCH_MAX;
	unsigned k = sorted_set(offsets, n, o);
	for (unsigned i = 0; i < k; i++)
		piece_unlock(z, type, o[i], 1);
}

bool zsim_slot_trylock(struct zsim_zswap *z, unsigned type, uint64_t offset)
{
	return piece_lock(z, type, offset, 1, false);
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
