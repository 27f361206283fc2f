# test_bench_zram.sh - --frontend zram: run prints the kernel's sysfs
# lines (mm_stat ...) and its JSON; compare puts zswap and zram side by
# side on the same pages with the same zsmalloc bytes (no zero or
# incompressible surprises on a usemem-like fill); a trace replays with
# loads verified; bad frontends, profiles and algorithms are refused.
. "$(dirname "$0")/lib.sh"

expect_exit 0 "$BENCH" run --frontend zram --profile 6.1 --compressor lz4 --pages 512 \
	--json r.json
expect_in out "/sys/block/zram0/mm_stat:"
expect_in out "/sys/block/zram0/io_stat:"
expect_in out "/proc/vmstat: pswpout"
expect_json r.json runs.0.frontend zram
expect_json r.json runs.0.mm_stat.orig_data_size 2097152
# 6.1 sends zero pages to zram (same_pages), 6.12 keeps them in the zeromap
[ "$(jget r.json runs.0.mm_stat.same_pages)" -gt 0 ] || fail "6.1: no same-filled pages stored"
expect_exit 0 "$BENCH" run --frontend zram --profile 6.12 --compressor lz4 --pages 512 \
	--json r12.json
expect_json r12.json runs.0.mm_stat.same_pages 0

expect_exit 0 "$BENCH" compare --frontend zswap --frontend zram --compressor zstd \
	--pages 1024 --mix typical,text,pointer --json c.json
expect_in out "zswap     6.12"
expect_in out "zram      6.12"
zs=$(grep '^zswap' out | awk '{print $5}')
zr=$(grep '^zram' out | awk '{print $5}')
[ -n "$zs" ] && [ "$zs" = "$zr" ] || fail "pool bytes differ: zswap $zs zram $zr"

expect_exit 0 "$BENCH" --pages 64 --emit-corpus c64.raw --quiet
expect_exit 0 "$BENCH" run --frontend zram --trace "$DATA/bench/sample.csv" --corpus c64.raw \
	--verify
expect_in out "load:"
grep -q VERIFY out && fail "trace replay: verify mismatches"

expect_exit 2 "$BENCH" run --frontend zram,zswap --pages 8
expect_exit 2 "$BENCH" run --frontend zram --workload hotcold --pages 8
expect_exit 5 "$BENCH" run --frontend zram --profile 5.4 --pages 8
expect_exit 5 "$BENCH" run --frontend zram --profile 6.1 --compressor deflate-iaa --pages 8
exit 0
