/*
 * fuzz_trace_csv.c - libFuzzer target: arbitrary bytes read as a CSV trace,
 * and the CSV -> ZSWT -> CSV convert round trip. See fuzz_trace.h for what
 * is checked. Seeds: tests/fuzz/corpus/trace_csv/ (small valid traces and
 * the error cases of tools/tests/test_bench_errors.sh).
 */
#include "fuzz_trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_trace(ZSIM_TRACE_FMT_CSV, data, size);
}
