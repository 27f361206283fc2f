/*
 * fuzz_decompress_lz4.c - libFuzzer target for the "lz4-generic" decoder:
 * LZ4 block format (lz4hc writes the same format and shares this decoder).
 * See fuzz_decompress.h for what is checked.
 */
#include "fuzz_decompress.h"

ZSIM_FUZZ_DECOMPRESS_TARGET("lz4-generic", FUZZ_SLACK_SENSITIVE)
