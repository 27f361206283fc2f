# test_bench_roundtrip.sh - the two trace forms carry the same events:
# CSV -> binary -> CSV and binary -> CSV -> binary are byte-exact; a trace
# replays to the same counters in both forms, and at --threads 1 to the
# same counters on every run; a workload replays to the same counters as
# the trace it emits.
. "$(dirname "$0")/lib.sh"

expect_exit 0 "$BENCH" --pages 64 --emit-corpus c64.raw --quiet

# The hand-written sample: CSV -> binary -> CSV (the writer spells values
# out: 64M becomes 67108864, comments go), then both ways again.
grep -v '^#' "$DATA/bench/sample.csv" | sed 's/=64M$/=67108864/' >sample.csv
expect_exit 0 "$BENCH" convert "$DATA/bench/sample.csv" sample.zswt
expect_in sample.zswt ZSWT
expect_exit 0 "$BENCH" convert sample.zswt back.csv
cmp sample.csv back.csv || fail "sample: CSV -> binary -> CSV is not the same text"
expect_exit 0 "$BENCH" convert back.csv back.zswt
cmp sample.zswt back.zswt || fail "sample: binary -> CSV -> binary is not the same bytes"
# --to overrides the name.
expect_exit 0 "$BENCH" convert sample.csv forced.bin --to csv
cmp sample.csv forced.bin || fail "convert --to csv"

# Same counters in both forms, under two profiles, twice each.
for p in 6.12 latest; do
	for f in sample.csv sample.zswt; do
		for k in 1 2; do
			expect_exit 0 "$BENCH" --trace $f --corpus c64.raw --profile $p \
				--compressor lz4 --threads 1 --verify --json $f.$p.$k.json --quiet
		done
		same_counters $f.$p.1.json $f.$p.2.json
	done
	same_counters sample.csv.$p.1.json sample.zswt.$p.1.json
done
# The sample moves the counters it is meant to (so the checks can fail).
[ "$(json_num sample.csv.latest.1.json zswpout)" -ge 10 ] || fail "sample: zswpout"
[ "$(json_num sample.csv.latest.1.json misses)" -ge 1 ] || fail "sample: no load miss"
[ "$(json_num sample.csv.6.12.1.json kept)" = 8 ] || fail "sample: writeback=0 memcg kept"

# Workloads emit traces (class content for synthetic pages) that replay to
# the counters of the workload itself.
for w in "fill" "usemem" "mthp --order 3" "fill --mix text:2,random,same:3"; do
	set -- $w
	expect_exit 0 "$BENCH" --workload $w --pages 1024 --emit-trace w.zswt --quiet
	expect_exit 0 "$BENCH" --workload $w --pages 1024 --emit-trace w.csv --quiet
	expect_exit 0 "$BENCH" convert w.zswt w2.csv
	cmp w.csv w2.csv || fail "$1: emitted binary and CSV differ"
	expect_exit 0 "$BENCH" --workload $w --pages 1024 --profile latest --threads 1 \
		--json direct.json --quiet
	expect_exit 0 "$BENCH" --trace w.zswt --profile latest --threads 1 --verify \
		--json replay.json --quiet
	same_counters direct.json replay.json
	expect_exit 0 "$BENCH" --trace w.csv --profile latest --threads 2 --verify \
		--json replay2.json --quiet
	[ "$(json_num replay2.json mismatches)" = 0 ] || fail "$1: 2-thread verify"
done
# Sizes: a binary record is 40 bytes after a 128-byte header.
size=$(stat -c %s w.zswt)
n=$(($(wc -l <w.csv) - 1))
[ "$size" = $((128 + 40 * n)) ] || fail "binary size $size for $n events"
echo "ok"
