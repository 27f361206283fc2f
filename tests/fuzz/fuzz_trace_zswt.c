/*
 * fuzz_trace_zswt.c - libFuzzer target: arbitrary bytes read as a binary
 * ZSWT v1 trace, and the ZSWT -> CSV -> ZSWT convert round trip. See
 * fuzz_trace.h for what is checked. Seeds: tests/fuzz/corpus/trace_zswt/
 * (traces written by zswapsim-bench: every op and content kind).
 */
#include "fuzz_trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_trace(ZSIM_TRACE_FMT_BINARY, data, size);
}
