/*
 * fuzz_decompress_lzorle.c - libFuzzer target for the "lzo-rle-generic"
 * decoder:  LZO-RLE and plain LZO1X (our own decoder). See
 * fuzz_decompress.h for what is checked.
 */
#include "fuzz_decompress.h"

ZSIM_FUZZ_DECOMPRESS_TARGET("lzo-rle-generic", 0)
