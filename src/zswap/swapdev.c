/*
 * swapdev.c - the backing swap device behind a swap type: where pages go
 * that zswap refuses or writes back, and where swap-ins read them from.
 *
 * Two kinds: memory (a slot's page taken, on its first write, from the
 * page allocator the owner lends, zswap's side pages shared with its entry
 * cache, or from one of the device's own when none is lent (zram's
 * backing device): 2 MiB arenas advised for huge pages, so a device
 * written sparsely still holds its pages densely and faults once per
 * 2 MiB, not once per slot; a slot keeps its page until the device goes,
 * so the footprint is the slots ever written, rounded up to 2 MiB, plus
 * the 2 MiB faulted in ahead (the first from swapon on, for a device of
 * ZSIM_PREFETCH_MIN_SLOTS or more); the slot -> page table is allocated
 * per 16384 slots) and file (a real file, page at offset x 4096, via
 * pwrite/pread; an unlinked temporary file when no path is given). A per-slot bitmap says
 * which slots hold data. Not a block-layer model: no request queue, no
 * readahead, no discard granularity; I/O is synchronous.
 * Threads: slots are independent; the caller serializes one slot (the
 * swap cache contract); chunk allocation is guarded by a mutex.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc/pagealloc.h"
#include "zswap/zswap_internal.h"

#define CHUNK_SHIFT 14
#define CHUNK_SLOTS (1u << CHUNK_SHIFT)

struct zsim_swapdev {
	int kind;
	uint64_t nr_slots;
	_Atomic uint64_t *present;          /* bitmap */
	/* memory */
	pthread_mutex_t chunk_lock;
	/* [nr_chunks], CHUNK_SLOTS page pointers each (NULL: never written) */
	_Atomic(unsigned char *) *_Atomic *chunks;
	uint64_t nr_chunks;
	struct zsim_page_allocator *pages; /* the slots' pages */
	bool own_pages;                    /* pages is ours (else borrowed) */
	/* file */
	int fd;
	_Atomic uint64_t bytes_written, bytes_read;
};

static int dev_alloc(uint64_t nr_slots, int kind, struct zsim_swapdev **out)
{
	struct zsim_swapdev *d = calloc(1, sizeof(*d));
	if (!d)
		return ZSIM_ENOMEM;
	d->kind = kind;
	d->nr_slots = nr_slots;
	d->fd = -1;
	d->present = calloc((nr_slots + 63) / 64, sizeof(*d->present));
	if (!d->present) {
		free(d);
		return ZSIM_ENOMEM;
	}
	pthread_mutex_init(&d->chunk_lock, NULL);
	*out = d;
	return 0;
}

int zsim_swapdev_create_memory(uint64_t nr_slots, struct zsim_page_allocator *pages,
			       struct zsim_swapdev **out)
{
	int rc = dev_alloc(nr_slots, ZSIM_SWAPDEV_MEMORY, out);
	if (rc)
		return rc;
	struct zsim_swapdev *d = *out;
	d->nr_chunks = (nr_slots + CHUNK_SLOTS - 1) >> CHUNK_SHIFT;
	d->chunks = calloc(d->nr_chunks, sizeof(*d->chunks));
	d->pages = pages;
	d->own_pages = !pages;
	if (!d->chunks || (d->own_pages && zsim_page_allocator_create(NULL, &d->pages))) {
		zsim_swapdev_destroy(d);
		*out = NULL;
		return ZSIM_ENOMEM;
	}
	/* Its first 2 MiB faulted in now, at swapon, so the first page
	 * zswap refuses does not pay for it in the store path (a device of
	 * ZSIM_PREFETCH_MIN_SLOTS or more). */
	if (nr_slots >= ZSIM_PREFETCH_MIN_SLOTS)
		zsim_pa_prefetch(d->pages);
	return 0;
}

int zsim_swapdev_create_file(uint64_t nr_slots, const char *path, struct zsim_swapdev **out)
{
	int rc = dev_alloc(nr_slots, ZSIM_SWAPDEV_FILE, out);
	if (rc)
		return rc;
	struct zsim_swapdev *d = *out;
	if (path) {
		d->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (d->fd >= 0 && access(path, R_OK | W_OK) != 0) {
			close(d->fd);
			d->fd = -1;
		}
	} else {
		const char *tmp = getenv("TMPDIR");
		char tmpl[4096];
		snprintf(tmpl, sizeof(tmpl), "%s/zswapsim-swap-XXXXXX", tmp && *tmp ? tmp : "/tmp");
		d->fd = mkstemp(tmpl);
		if (d->fd >= 0)
			unlink(tmpl);
	}
	if (d->fd < 0) {
		zsim_swapdev_destroy(d);
		*out = NULL;
		return ZSIM_EIO;
	}
	return 0;
}

void zsim_swapdev_destroy(struct zsim_swapdev *d)
{
	if (!d)
		return;
	if (d->chunks) {
		for (uint64_t i = 0; i < d->nr_chunks; i++) {
			_Atomic(unsigned char *) *t = atomic_load(&d->chunks[i]);
			for (uint32_t k = 0; t && k < CHUNK_SLOTS; k++) {
				unsigned char *p = atomic_load_explicit(&t[k], memory_order_relaxed);
				if (p)
					zsim_pa_free(d->pages, p, 0);
			}
			free(t);
		}
		free(d->chunks);
	}
	if (d->own_pages)
		zsim_page_allocator_destroy(d->pages);
	if (d->fd >= 0)
		close(d->fd);
	pthread_mutex_destroy(&d->chunk_lock);
	free(d->present);
	free(d);
}

static void set_present(struct zsim_swapdev *d, uint64_t off, bool on)
{
	uint64_t bit = 1ull << (off & 63);
	if (on)
		atomic_fetch_or_explicit(&d->present[off >> 6], bit, memory_order_release);
	else
		atomic_fetch_and_explicit(&d->present[off >> 6], ~bit, memory_order_release);
}

bool zsim_swapdev_has(struct zsim_swapdev *d, uint64_t offset)
{
	if (!d || offset >= d->nr_slots)
		return false;
	return atomic_load_explicit(&d->present[offset >> 6], memory_order_acquire) &
	       (1ull << (offset & 63));
}

/* The page of slot `offset`; with `create`, one is taken for a slot never
 * written. The caller serializes one slot (the swap cache contract), so a
 * slot's pointer has one writer; the table of a chunk is created under
 * chunk_lock. */
static unsigned char *mem_slot(struct zsim_swapdev *d, uint64_t offset, bool create)
{
	uint64_t c = offset >> CHUNK_SHIFT;
	_Atomic(unsigned char *) *t = atomic_load_explicit(&d->chunks[c], memory_order_acquire);
	if (!t && create) {
		pthread_mutex_lock(&d->chunk_lock);
		t = atomic_load(&d->chunks[c]);
		if (!t) {
			t = calloc(CHUNK_SLOTS, sizeof(*t));
			if (t)
				atomic_store_explicit(&d->chunks[c], t, memory_order_release);
		}
		pthread_mutex_unlock(&d->chunk_lock);
	}
	if (!t)
		return NULL;
	_Atomic(unsigned char *) *slot = &t[offset & (CHUNK_SLOTS - 1)];
	unsigned char *p = atomic_load_explicit(slot, memory_order_acquire);
	if (!p && create) {
		unsigned nid = 0;
		p = zsim_pa_alloc(d->pages, &nid);
		if (p)
			atomic_store_explicit(slot, p, memory_order_release);
	}
	return p;
}

int zsim_swapdev_write(struct zsim_swapdev *d, uint64_t offset, const void *page)
{
	if (offset >= d->nr_slots)
		return ZSIM_ERANGE;
	if (d->kind == ZSIM_SWAPDEV_MEMORY) {
		unsigned char *p = mem_slot(d, offset, true);
		if (!p)
			return ZSIM_ENOMEM;
		memcpy(p, page, ZSIM_PAGE_SIZE);
	} else {
		ssize_t n = pwrite(d->fd, page, ZSIM_PAGE_SIZE, (off_t)(offset * ZSIM_PAGE_SIZE));
		if (n != (ssize_t)ZSIM_PAGE_SIZE)
			return ZSIM_EIO;
	}
	atomic_fetch_add_explicit(&d->bytes_written, ZSIM_PAGE_SIZE, memory_order_relaxed);
	set_present(d, offset, true);
	return 0;
}

int zsim_swapdev_read(struct zsim_swapdev *d, uint64_t offset, void *page)
{
	if (!zsim_swapdev_has(d, offset))
		return ZSIM_ENOENT;
	if (d->kind == ZSIM_SWAPDEV_MEMORY) {
		unsigned char *p = mem_slot(d, offset, false);
		if (!p)
			return ZSIM_EIO;
		memcpy(page, p, ZSIM_PAGE_SIZE);
	} else {
		ssize_t n = pread(d->fd, page, ZSIM_PAGE_SIZE, (off_t)(offset * ZSIM_PAGE_SIZE));
		if (n != (ssize_t)ZSIM_PAGE_SIZE)
			return ZSIM_EIO;
	}
	atomic_fetch_add_explicit(&d->bytes_read, ZSIM_PAGE_SIZE, memory_order_relaxed);
	return 0;
}

void zsim_swapdev_discard(struct zsim_swapdev *d, uint64_t offset)
{
	if (d && offset < d->nr_slots)
		set_present(d, offset, false);
}

uint64_t zsim_swapdev_bytes_written(const struct zsim_swapdev *d)
{
	return d ? atomic_load(&((struct zsim_swapdev *)d)->bytes_written) : 0;
}

uint64_t zsim_swapdev_bytes_read(const struct zsim_swapdev *d)
{
	return d ? atomic_load(&((struct zsim_swapdev *)d)->bytes_read) : 0;
}

uint64_t zsim_swapdev_count(const struct zsim_swapdev *d)
{
	uint64_t n = 0;
	for (uint64_t w = 0; d && w < (d->nr_slots + 63) / 64; w++)
		n += (uint64_t)__builtin_popcountll(atomic_load(&((struct zsim_swapdev *)d)->present[w]));
	return n;
}

int zsim_swapdev_kind(const struct zsim_swapdev *d)
{
	return d ? d->kind : -1;
}
