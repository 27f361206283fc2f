# test_bench_verify.sh - --verify checks every loaded page: clean runs
# check pages and find nothing; a stored object corrupted on purpose (the
# test hook --test-corrupt-slot, i.e. zsim_zswap_test_corrupt_entry) is
# caught, with exit code 20, in a trace and in a workload, on one thread
# and on two.
. "$(dirname "$0")/lib.sh"

expect_exit 0 "$BENCH" --pages 64 --emit-corpus c64.raw --quiet
# Clean runs: the sample trace, usemem, hotcold.
expect_exit 0 "$BENCH" --trace "$DATA/bench/sample.csv" --corpus c64.raw --verify \
	--json s.json --quiet
[ "$(json_num s.json checked)" -ge 60 ] || fail "sample: too few pages checked"
[ "$(json_num s.json mismatches)" = 0 ] || fail "sample: mismatches on a clean run"
expect_exit 0 "$BENCH" --workload usemem --pages 3000 --verify --threads 2 --json u.json \
	--quiet
[ "$(json_num u.json checked)" = 3000 ] || fail "usemem: not every page checked"
expect_exit 0 "$BENCH" --workload hotcold --pages 2000 --ops 4000 --verify --json h.json \
	--quiet
[ "$(json_num h.json checked)" = 4000 ] || fail "hotcold: not every read checked"

# Corrupt slot 1 (page:1, an lz4 object in zswap): its load decompresses
# to different bytes (lz4's last byte is a literal), or fails.
for t in 1 2; do
	expect_exit 20 "$BENCH" --trace "$DATA/bench/sample.csv" --corpus c64.raw \
		--compressor lz4 --verify --test-corrupt-slot 1 --threads $t --json c.json
	expect_in err 'verify failed: 1 mismatches'
	expect_in out 'VERIFY FAILED'
	[ "$(json_num c.json test_corrupted)" = 1 ] || fail "test hook did not run"
done
# zstd: the flipped last byte is inside the frame; the load fails to
# decompress (decompress_fail in 6.18+) or differs: a mismatch either way.
expect_exit 20 "$BENCH" --workload usemem --pages 1000 --profile 6.18 --verify \
	--test-corrupt-slot 700 --json z.json --quiet
[ "$(json_num z.json mismatches)" = 1 ] || fail "usemem: corrupted page not caught"
# Without --verify the run itself succeeds (the corruption is silent).
expect_exit 0 "$BENCH" --workload usemem --pages 1000 --test-corrupt-slot 700 --quiet
# A fault-injected decompression failure is a mismatch too.
expect_exit 20 "$BENCH" --workload usemem --pages 1000 --verify \
	--fault decompress:nth=10 --json d.json --quiet
[ "$(json_num d.json failed_loads)" = 1 ] || fail "decompress fault not counted"
echo "ok"
