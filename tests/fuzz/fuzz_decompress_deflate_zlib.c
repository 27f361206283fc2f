/*
 * fuzz_decompress_deflate_zlib.c - libFuzzer target for the "deflate-zlib"
 * decoder:  raw DEFLATE through zlib inflate. See fuzz_decompress.h for
 * what is checked.
 */
#include "fuzz_decompress.h"

ZSIM_FUZZ_DECOMPRESS_TARGET("deflate-zlib", 0)
