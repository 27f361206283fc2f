/*
 * fuzz_decompress_deflate_libdeflate.c - libFuzzer target for the
 * "deflate-libdeflate" decoder:  raw DEFLATE through libdeflate (nothing
 * to do when it is not built in). See fuzz_decompress.h for what is
 * checked.
 */
#include "fuzz_decompress.h"

ZSIM_FUZZ_DECOMPRESS_TARGET("deflate-libdeflate", 0)
