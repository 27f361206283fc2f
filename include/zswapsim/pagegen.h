/*
 * zswapsim/pagegen.h - synthetic page content of controlled
 * compressibility, seeded and deterministic (after zstd's datagen).
 *
 * Each class imitates a kind of anonymous memory that reaches swap:
 *   zero         all zero bytes (10-20% of swap-outs on real systems)
 *   same         one repeated 64-bit word (non-zero)
 *   mostly-zero  a zero page with a few short runs of data
 *   text         natural-language-like text (Zipf-distributed words)
 *   pointer      heap-like 8-byte words: pointers with small deltas,
 *                small integers and zero padding
 *   typical      a mix inside one page, calibrated to about 2.7x with lz4
 *                (XNU's "typical"; measured 2.65x lz4, 3.14x zstd)
 *   random       incompressible random bytes
 * The same (class, seed, index) always yields the same bytes.
 */
#ifndef ZSWAPSIM_PAGEGEN_H
#define ZSWAPSIM_PAGEGEN_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

enum zsim_page_class {
	ZSIM_PAGE_ZERO,
	ZSIM_PAGE_SAME,
	ZSIM_PAGE_MOSTLY_ZERO,
	ZSIM_PAGE_TEXT,
	ZSIM_PAGE_POINTER,
	ZSIM_PAGE_TYPICAL,
	ZSIM_PAGE_RANDOM,
	ZSIM_PAGE_CLASS_COUNT
};

/* Class by name ("zero", "mostly-zero", ...). ZSIM_ENOENT if unknown;
 * on success returns 0 and sets *cls. */
ZSIM_API int zsim_page_class_from_name(const char *name, enum zsim_page_class *cls);
ZSIM_API const char *zsim_page_class_name(enum zsim_page_class cls);

/* Fill one ZSIM_PAGE_SIZE page. `seed` picks the stream, `index` the page
 * within it. ZSIM_EINVAL for a bad class or NULL page. */
ZSIM_API int zsim_page_fill(enum zsim_page_class cls, uint64_t seed,
			    uint64_t index, void *page);

#ifdef __cplusplus
}
#endif
#endif
