/*
 * fuzz_decompress_lzo.c - libFuzzer target for the "lzo-generic" decoder:
 * LZO1X (liblzo2's safe decoder). See fuzz_decompress.h for what is
 * checked.
 */
#include "fuzz_decompress.h"

ZSIM_FUZZ_DECOMPRESS_TARGET("lzo-generic", 0)
