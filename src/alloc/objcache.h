/*
 * objcache.h - a cache of fixed-size metadata objects (the kernel's
 * kmem_cache, as zswap_entry_cache is one): objects carved from 4 KiB
 * pages; once prefetched, pages of a page allocator the owner lends it
 * (whose 2 MiB arenas are faulted in ahead of need), so that growing the
 * cache costs the store path neither a heap-growth system call nor a page
 * fault.
 */
#ifndef ZSIM_ALLOC_OBJCACHE_H
#define ZSIM_ALLOC_OBJCACHE_H

#include <stddef.h>
#include <stdint.h>

struct zsim_objcache;
struct zsim_page_allocator;

/* obj_size: 8 .. 1024 bytes, rounded up to 8. Return: 0, ZSIM_EINVAL,
 * ZSIM_ENOMEM. */
int zsim_objcache_create(size_t obj_size, struct zsim_objcache **out);

/* Gives every page back, live objects or not (the owner frees its objects
 * first, or knows they are dead). NULL is a no-op. */
void zsim_objcache_destroy(struct zsim_objcache *c);

/* An object (content undefined), or NULL when no memory is left.
 * Context: any thread; takes the calling thread's shard lock, and once
 * per CACHE_BATCH objects the cache's shared lock. */
void *zsim_objcache_alloc(struct zsim_objcache *c);

/* Give back an object of this cache's, from any thread. */
void zsim_objcache_free(struct zsim_objcache *c, void *obj);

/* Setup for an owner that knows many objects will come: pages come from
 * here on from pa, whose first 2 MiB arena this call faults in
 * (zsim_pa_prefetch; a no-op if pa has one) and whose thread prepares each
 * next one. pa is borrowed: it must outlive the cache, and may serve other
 * users too. Before this call, pages are malloc()'d one by one; a later
 * call with another pa is ignored, as is a NULL pa. */
void zsim_objcache_prefetch(struct zsim_objcache *c, struct zsim_page_allocator *pa);

/* Bytes the cache holds: pages carved x 4 KiB (objects live, free, and
 * the pages' tails); under AddressSanitizer, objects live x size. */
uint64_t zsim_objcache_bytes(struct zsim_objcache *c);

#endif
