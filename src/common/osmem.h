/*
 * osmem.h - memory straight from the operating system for the simulator's
 * own bulk storage (the simulated physical pages, the memory swap device).
 * Not a kernel model: the kernel's pages already exist; ours must be
 * mapped, and on a virtual machine each 4 KiB first touch is a costly
 * fault, so bulk memory is mapped in 2 MiB-aligned regions advised for
 * transparent huge pages (one fault per 2 MiB where THP is enabled).
 */
#ifndef ZSIM_COMMON_OSMEM_H
#define ZSIM_COMMON_OSMEM_H

#include <stddef.h>

#define ZSIM_OS_HUGE_SIZE ((size_t)2 << 20)

/*
 * Map `size` bytes (a multiple of ZSIM_OS_HUGE_SIZE) of zeroed anonymous
 * memory aligned to ZSIM_OS_HUGE_SIZE, advised MADV_HUGEPAGE (ignored
 * where THP is off). Return: the region, or NULL when the system refuses.
 */
void *zsim_os_map_huge(size_t size);

/*
 * zsim_os_map_huge, then fault all of it in now (MADV_POPULATE_WRITE,
 * Linux 5.14+; else a write per 4 KiB, one fault per 2 MiB where the
 * region is a huge page), so that its first use costs no fault.
 * Return: the region, or NULL.
 */
void *zsim_os_map_populated(size_t size);

/* Give back a region from zsim_os_map_huge() (NULL is ignored). */
void zsim_os_unmap(void *p, size_t size);

#endif
