# test_bench_cli.sh - the command line: --help lists every option and exit
# code, --version, the embedded default run with no arguments prints the
# summary table (and no progress bar when stderr is not a terminal), the
# JSON report has the documented groups, --json - goes to stdout with the
# summary on stderr.
. "$(dirname "$0")/lib.sh"

expect_exit 0 "$BENCH" --help
for o in --corpus --trace --workload --pages --order --ops --mem-limit --seed --mix \
	--emit-trace --emit-corpus --profile --compressor --codec-arg --zpool --chain-size \
	--max-pool-percent --accept-threshold --ram --cpus --batch --config --threads \
	--verify --swapdev --fault --json --timeline --timeline-every --quiet \
	--test-corrupt-slot --input --out --jobs --emit-jobs --merge --to --version; do
	expect_in out -- "$o"
done
expect_in out "21 the library refused a trace operation"
expect_exit 0 "$BENCH" --version
expect_in out "zswapsim-bench 0."

# No arguments: the embedded default, summary on stdout, nothing on stderr.
expect_exit 0 "$BENCH"
for w in "workload fill, 16384 pages of synthetic content" stored_pages pool_total_size \
	ratio "rejects (all reasons)" "latency" "store " "throughput:"; do
	expect_in out "$w"
done
[ -s err ] && fail "the default run wrote to stderr (progress bar without a TTY?)"

# The JSON report.
expect_exit 0 "$BENCH" --pages 2000 --threads 1 --json r.json --quiet
[ -s out ] && fail "--quiet printed a summary"
for k in '"version":' '"config":' '"zswap": {' '"vmstat": {' '"memcg": {' \
	'"pool_total_size":' '"zswpout":' '"latency_ns": {"store": {"count": 2000' \
	'"p50":' '"p90":' '"p99":' '"max":' '"throughput": {"store_pages_per_s":' \
	'"load_pages_per_s":' '"verify": null' '"swap_device":'; do
	expect_in r.json "$k"
done
if command -v jq >/dev/null; then
	jq -e '.zswap.stored_pages > 0 and .vmstat.zswpout == .zswap.stored_pages' r.json \
		>/dev/null || fail "jq: counters"
fi
expect_exit 0 "$BENCH" --pages 500 --json - --threads 1
expect_in out '"tool": "zswapsim-bench"'
expect_in err 'stored_pages'
# Config flags reach the library.
expect_exit 0 "$BENCH" --pages 500 --profile 6.1 --compressor zstd --zpool ideal \
	--max-pool-percent 7 --accept-threshold 80 --ram 2G --cpus 3 --batch off \
	--codec-arg level=1 --json c.json --quiet
for k in '"profile": "6.1"' '"compressor": "zstd:level=1"' '"zpool": "ideal"' \
	'"max_pool_percent": 7' '"accept_threshold_percent": 80' '"ram_bytes": 2147483648' \
	'"cpus": 3' '"batch": "off"' '"same_filled_pages":'; do
	expect_in c.json "$k"
done
expect_exit 0 "$BENCH" --pages 500 --chain-size 16 --json c.json --quiet
expect_in c.json '"chain_size": 16'
expect_exit 5 "$BENCH" --pages 500 --profile 6.1 --chain-size 8 --quiet
expect_in err "profile 6.1 has no zsmalloc chain size"

# Modelled latency: only for a codec with a timing model, apart from the
# measured one, and marked as modelled in the summary.
expect_exit 0 "$BENCH" --profile 6.13 --compressor deflate-iaa-sim --workload mthp --order 4 \
	--pages 512 --threads 1 --json m.json
expect_in m.json '"modelled": {"store": {"count": '
expect_in out "modelled by the codec's timing model"
grep -q '"modelled"' r.json && fail "lz4/zstd run reported modelled latencies"
echo "ok"
