# test_bench_hotcold.sh - the hotcold workload through the memory model:
# the memcg stays within memory.max, reclaim swaps out through zswap and
# accesses swap back in, a tighter limit faults more, every run gives the
# same counters, and it has no trace form.
. "$(dirname "$0")/lib.sh"

run() {
	expect_exit 0 "$BENCH" --workload hotcold --pages 2000 --ops 6000 --compressor lz4 "$@" \
		--quiet
}
run --mem-limit 4M --json a.json --verify
run --mem-limit 4M --json b.json
same_counters a.json b.json
[ "$(json_num a.json mismatches)" = 0 ] || fail "hotcold: verify mismatches"
max=$(json_num a.json memory_max)
cur=$(json_num a.json memory_current)
[ "$max" = 4194304 ] || fail "memory.max $max"
[ "$cur" -le "$max" ] || fail "memory.current $cur over memory.max $max"
[ "$(json_num a.json pgsteal)" -gt 0 ] || fail "no reclaim"
[ "$(json_num a.json zswpin)" -gt 0 ] || fail "no swap-in from zswap"
[ "$(json_num a.json oom)" = 0 ] || fail "oom"
fa=$(json_num a.json faults)
run --mem-limit 2M --json t.json
ft=$(json_num t.json faults)
[ "$ft" -gt "$fa" ] || fail "a tighter limit should fault more ($ft <= $fa)"
expect_json a.json latency_ns.access.count 8000
# Two phases: the writes, then the reads.
expect_json a.json phases.0.mark 1
expect_json a.json phases.0.ops 2000
expect_exit 2 "$BENCH" --workload hotcold --pages 100 --emit-trace x.csv
expect_in err "no trace form"
expect_exit 2 "$BENCH" --workload fill --mem-limit 4M
expect_in err "--mem-limit applies to --workload hotcold only"
echo "ok"
