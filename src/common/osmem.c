/*
 * osmem.c - 2 MiB-aligned anonymous mappings advised for transparent huge
 * pages (osmem.h). Alignment comes from over-mapping by 2 MiB and trimming
 * both ends, so that the whole region can be backed by huge pages.
 */
#define _GNU_SOURCE
#include "common/osmem.h"

#include <stdint.h>
#include <sys/mman.h>

void *zsim_os_map_huge(size_t size)
{
	if (!size || size % ZSIM_OS_HUGE_SIZE)
		return NULL;
	size_t span = size + ZSIM_OS_HUGE_SIZE;
	unsigned char *raw = mmap(NULL, span, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (raw == MAP_FAILED)
		return NULL;
	uintptr_t a = ((uintptr_t)raw + ZSIM_OS_HUGE_SIZE - 1) & ~(uintptr_t)(ZSIM_OS_HUGE_SIZE - 1);
	unsigned char *p = (unsigned char *)a;
	size_t head = (size_t)(p - raw), tail = span - head - size;
	if (head)
		munmap(raw, head);
	if (tail)
		munmap(p + size, tail);
#ifdef MADV_HUGEPAGE
	(void)madvise(p, size, MADV_HUGEPAGE); /* advice: THP may be off */
#endif
	return p;
}

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14 */
#endif

void *zsim_os_map_populated(size_t size)
{
	unsigned char *m = zsim_os_map_huge(size);
	if (m && madvise(m, size, MADV_POPULATE_WRITE))
		for (size_t o = 0; o < size; o += 4096)
			((volatile unsigned char *)m)[o] = 0;
	return m;
}

void zsim_os_unmap(void *p, size_t size)
{
	if (p)
		munmap(p, size);
}
