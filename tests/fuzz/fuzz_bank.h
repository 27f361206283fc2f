/*
 * fuzz_bank.h - the page bank shared by fuzz_ops and fuzz_zram_ops: FUZZ_BANK
 * pages of every content class, generated once per process with
 * zsim_page_fill, so that the targets do not spend each input generating
 * (instrumented) page contents. A page reference is (class, bank index);
 * a check is a memcmp against the bank. Models nothing of the kernel; it
 * only stands in for the page contents a workload would swap.
 */
#ifndef ZSIM_FUZZ_BANK_H
#define ZSIM_FUZZ_BANK_H

#include <stdlib.h>

#include "zswapsim/zswapsim.h"

#define FUZZ_BANK 256 /* pages of each class; an index is a byte */

static unsigned char *fuzz_bank;

/* The bank page of class cls, index idx (taken modulo FUZZ_BANK). */
static inline const unsigned char *fuzz_bank_page(unsigned cls, unsigned idx)
{
	if (!fuzz_bank) {
		fuzz_bank = malloc((size_t)ZSIM_PAGE_CLASS_COUNT * FUZZ_BANK * ZSIM_PAGE_SIZE);
		if (!fuzz_bank)
			abort();
		for (unsigned c = 0; c < ZSIM_PAGE_CLASS_COUNT; c++)
			for (unsigned i = 0; i < FUZZ_BANK; i++)
				if (zsim_page_fill((enum zsim_page_class)c, 0x5eed + c, i,
						   fuzz_bank + ((size_t)c * FUZZ_BANK + i) * ZSIM_PAGE_SIZE))
					abort();
	}
	if (cls >= ZSIM_PAGE_CLASS_COUNT)
		abort();
	return fuzz_bank + ((size_t)cls * FUZZ_BANK + idx % FUZZ_BANK) * ZSIM_PAGE_SIZE;
}

#endif
