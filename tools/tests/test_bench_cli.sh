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
for k in version config zswap vmstat memcg zswap.pool_total_size vmstat.zswpout \
	latency_ns.store.p50 latency_ns.store.p90 latency_ns.store.p99 latency_ns.store.max \
	throughput.store_pages_per_s throughput.load_pages_per_s swap_device; do
	jget r.json "$k" >/dev/null || fail "r.json: no $k"
done
expect_json r.json latency_ns.store.count 2000
expect_json r.json verify null
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
for kv in profile=6.1 config.compressor=zstd:level=1 config.zpool=ideal \
	config.max_pool_percent=7 config.accept_threshold_percent=80 \
	config.ram_bytes=2147483648 config.cpus=3 config.batch=off; do
	expect_json c.json "${kv%%=*}" "${kv#*=}"
done
jget c.json zswap.same_filled_pages >/dev/null || fail "6.1: no same_filled_pages"
expect_exit 0 "$BENCH" --pages 500 --chain-size 16 --json c.json --quiet
expect_json c.json config.chain_size 16
expect_exit 5 "$BENCH" --pages 500 --profile 6.1 --chain-size 8 --quiet
expect_in err "profile 6.1 has no zsmalloc chain size"

# Modelled latency: only for a codec with a timing model, apart from the
# measured one, and marked as modelled in the summary.
expect_exit 0 "$BENCH" --profile 6.13 --compressor deflate-iaa-sim --workload mthp --order 4 \
	--pages 512 --threads 1 --json m.json
jget m.json latency_ns.modelled.store.count >/dev/null || fail "no modelled store latency"
expect_in out "modelled by the codec's timing model"
grep -q '"modelled"' r.json && fail "lz4/zstd run reported modelled latencies"
echo "ok"
