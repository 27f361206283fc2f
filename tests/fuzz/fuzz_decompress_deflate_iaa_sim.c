/*
 * fuzz_decompress_deflate_iaa_sim.c - libFuzzer target for the
 * "deflate-iaa-sim" decoder: our own raw DEFLATE decoder (iaa_inflate.c)
 * in IAA's strict mode (4 KiB history, first EOB), and in its permissive
 * mode when the strict one refuses (the kernel's software fallback). See
 * fuzz_decompress.h for what is checked.
 */
#include "fuzz_decompress.h"

ZSIM_FUZZ_DECOMPRESS_TARGET("deflate-iaa-sim", 0)
