# test_bench_compare_sweep.sh - compare (side by side, with ratios), sweep
# on the local thread pool, the same sweep as a job list run by a plain
# shell loop (standing in for GNU parallel or a Slurm array) and merged
# afterwards: both tables hold the same figures. Also --timeline (CSV and
# SVG).
. "$(dirname "$0")/lib.sh"

expect_exit 0 "$BENCH" compare --pages 2000 --compressor lz4 --compressor zstd --threads 1 \
	--json cmp.json
expect_in out "[1] 6.12 lz4"
expect_in out "[2] 6.12 zstd"
grep -E '^ratio +[0-9.]+ +[0-9.]+ \(x[0-9.]+\)' out >/dev/null || fail "compare: no ratio row"
expect_json cmp.json compare.1.tool zswapsim-bench
jget cmp.json compare.2 >/dev/null 2>&1 && fail "compare JSON: more than 2 runs"
expect_exit 0 "$BENCH" compare --pages 1000 -c compressor=lz4,profile=6.1 \
	-c compressor=zstd:level=1,profile=latest --threads 1
expect_in out "6.1 lz4"
expect_in out "latest zstd:level=1"

# sweep: 2 codecs x 2 max-pool-percent x 2 inputs = 8 cells.
args="--compressor lz4 --compressor zstd --max-pool-percent 20 --max-pool-percent 1 --ram 256M
      -i workload=fill,pages=1500 -i workload=hotcold,pages=1000,ops=2000"
expect_exit 0 "$BENCH" sweep $args --out local --jobs 2
[ "$(ls local/cell-*.json | wc -l)" = 8 ] || fail "sweep: expected 8 cell files"
[ "$(wc -l <local/merged.csv)" = 9 ] || fail "sweep: merged.csv rows"
expect_in local/merged.csv "6.12 zstd max_pool=1%"
# The limit bites in the 1% cells (256 MiB x 1% < the fill's pool), not in
# the 20% ones.
[ "$(json_num local/cell-c2-i0.json pool_limit_hit)" -gt 0 ] || fail "sweep: c2-i0 limit"
[ "$(json_num local/cell-c0-i0.json pool_limit_hit)" = 0 ] || fail "sweep: c0-i0 limit"
grep -q '^c3-i0,.*,0$' local/merged.csv || fail "sweep: cell c3-i0 status"

expect_exit 0 "$BENCH" sweep $args --out remote --emit-jobs jobs.txt
[ "$(wc -l <jobs.txt)" = 8 ] || fail "emit-jobs: 8 lines"
expect_in jobs.txt "--cell c1-i1"
while read -r line; do
	eval "$line" || fail "job failed: $line"
done <jobs.txt
expect_exit 0 "$BENCH" sweep --merge remote
# Every column but the timings (the last 4: store p50, p99, pages/s, and
# the status, checked above) must agree.
sed -E 's/(,[^,]*){4}$//' local/merged.csv >a
sed -E 's/(,[^,]*){4}$//' remote/merged.csv >b
diff -u a b >&2 || fail "local and job-list sweeps differ"
# Unfinished and missing cells are reported (the job list wrote
# remote/cells.txt).
rm remote/cell-c0-i0.json
printf '{"tool": "zswapsim-bench"\n' >remote/cell-c0-i0.json
rm remote/cell-c1-i0.json
expect_exit 3 "$BENCH" sweep --merge remote
expect_in err "cell-c0-i0.json: no summary"
expect_in err "cell-c1-i0.json: missing"

# --merge reads the cells through a JSON parser: the same cells written
# compactly (one line, no spaces) merge to the same table.
mkdir -p compact
for f in local/cell-*.json; do
	"$JSON_GET" --compact "$f" >"compact/${f#local/}"
done
grep -q '"summary": {' compact/cell-c0-i0.json && fail "compact cell is not compact"
expect_exit 0 "$BENCH" sweep --merge compact
sed -E 's/(,[^,]*){4}$//' compact/merged.csv >c
diff -u a c >&2 || fail "compact cells merge differently"

# Timeline: a CSV sample every 100 operations and the SVG plot.
expect_exit 0 "$BENCH" --workload usemem --pages 1000 --timeline tl.csv --timeline-every 100 \
	--quiet
expect_in tl.csv "ops,elapsed_s,stored_pages,pool_total_size,ratio"
[ "$(wc -l <tl.csv)" -ge 20 ] || fail "timeline: too few samples"
sort -t, -k1,1n -c <(tail -n +2 tl.csv) || fail "timeline: samples out of order"
expect_in tl.svg "</svg>"
expect_in tl.svg "pool_total_size"

# compare: modelled latency rows for a codec with a timing model, "-" for
# one without; batching shortens the modelled folio store.
expect_exit 0 "$BENCH" compare --profile 6.13 --workload mthp --order 3 --pages 256 --threads 1 \
	-c compressor=deflate-iaa-sim,batch=on -c compressor=deflate-iaa-sim,batch=off \
	-c compressor=lz4
expect_in out "store p50 (modelled)"
grep "store p50 (modelled)" out | grep -q -- " -" || fail "compare: lz4 has a modelled latency"
grep "store p50 (modelled)" out | grep -Eq "\(x[1-9]" || fail "compare: unbatched not slower in the model"
echo "ok"
