/*
 * fuzz_decompress_deflate_isal.c - libFuzzer target for the "deflate-isal"
 * decoder:  raw DEFLATE through ISA-L igzip (nothing to do when it is not
 * built in). See fuzz_decompress.h for what is checked.
 */
#include "fuzz_decompress.h"

ZSIM_FUZZ_DECOMPRESS_TARGET("deflate-isal", 0)
