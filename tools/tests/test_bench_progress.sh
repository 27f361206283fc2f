# test_bench_progress.sh - synthetic pages are generated as the replay needs
# them, deterministic by seed and page index; the progress bar (rate and
# ETA) is on stderr with -v, never with -q, and not off a terminal by
# default. ZSWAPSIM_BENCH_PROGRESS_DELAY_MS=0 lets a short run show it.
. "$(dirname "$0")/lib.sh"

# Deterministic content by seed and page index: the first 32 pages of a
# 64-page input are the 32 pages of a 32-page input; another seed differs.
expect_exit 0 "$BENCH" -q --pages 64 --emit-corpus a64.bin
expect_exit 0 "$BENCH" -q --pages 32 --emit-corpus a32.bin
expect_exit 0 "$BENCH" -q --pages 64 --emit-corpus b64.bin
expect_exit 0 "$BENCH" -q --pages 64 --seed 2 --emit-corpus s64.bin
cmp -s a64.bin b64.bin || fail "same seed, different pages"
cmp -s a32.bin <(head -c $((32 * 4096)) a64.bin) || fail "page i depends on the page count"
cmp -s a64.bin s64.bin && fail "another seed gave the same pages"
[ "$(stat -c %s a64.bin)" = $((64 * 4096)) ] || fail "emit-corpus size"

# Generated on the fly, the content replays the same as the same pages
# given as a corpus file (same counters), and --verify finds them intact.
expect_exit 0 "$BENCH" -q --pages 64 --threads 1 --json syn.json --verify
expect_exit 0 "$BENCH" -q --corpus a64.bin --threads 1 --json file.json --verify
same_counters syn.json file.json
expect_json syn.json verify.mismatches 0
expect_exit 0 "$BENCH" -q --workload usemem --pages 300 --threads 2 --verify --json u.json
expect_json u.json verify.mismatches 0
expect_json u.json verify.checked 300

# The bar: -v shows it (off a terminal), with the rate and the ETA.
export ZSWAPSIM_BENCH_PROGRESS_DELAY_MS=0
expect_exit 0 "$BENCH" -v --pages 3000 --threads 1
expect_in err "zswapsim-bench: replay ["
expect_in err " ops/s"
expect_in err "ETA "
expect_exit 0 "$BENCH" -v --workload hotcold --pages 1000 --threads 1
expect_in err "zswapsim-bench: hotcold ["
expect_in err "accesses/s"
expect_exit 0 "$BENCH" sweep -v --pages 2000 --compressor lz4 --compressor zstd \
	--compressor lzo --out sw --jobs 2
expect_in err "zswapsim-bench: sweep ["
# Reading a trace: over the bytes of a binary trace, lines of a CSV one.
expect_exit 0 "$BENCH" -q --pages 2000 --workload usemem --emit-trace t.zswt
expect_exit 0 "$BENCH" -q --pages 2000 --workload usemem --emit-trace t.csv
expect_exit 0 "$BENCH" -v --trace t.zswt --emit-trace u.zswt
expect_in err "zswapsim-bench: reading the trace ["
expect_in err "bytes/s"
expect_exit 0 "$BENCH" -v --trace t.csv --emit-trace u.zswt
expect_in err "lines/s"
# Not by default off a terminal, never with -q (even after -v).
expect_exit 0 "$BENCH" --pages 3000 --threads 1
[ -s err ] && fail "a bar without -v off a terminal"
expect_exit 0 "$BENCH" -v -q --pages 3000 --threads 1
[ -s err ] && fail "a bar with -q"
exit 0
