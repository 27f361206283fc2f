/*
 * fuzz_decompress_zstd.c - libFuzzer target for the "zstd-generic"
 * decoder:  Zstandard frames. See fuzz_decompress.h for what is checked.
 */
#include "fuzz_decompress.h"

ZSIM_FUZZ_DECOMPRESS_TARGET("zstd-generic", 0)
