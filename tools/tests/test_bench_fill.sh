# test_bench_fill.sh - the fill workload's counters on a small corpus are
# exactly what the library reports when the same pages are stored through
# its API directly (fill_direct.c), for one and two simulated CPUs and for
# two profiles and codecs; and the counters are the same on every run.
. "$(dirname "$0")/lib.sh"

expect_exit 0 "$BENCH" --pages 1500 --emit-corpus corpus.raw --quiet
for pc in "6.12 lz4" "latest zstd" "6.1 lzo-rle"; do
	set -- $pc
	expect_exit 0 "$BENCH" --corpus corpus.raw --profile "$1" --compressor "$2" \
		--threads 1 --cpus 1 --json bench.json --quiet
	expect_exit 0 "$FILL_DIRECT" corpus.raw "$1" "$2" 1
	cp out direct.json
	same_counters bench.json direct.json
	# Two threads, two CPUs: different slots in parallel, same counts.
	# The pool size may differ by a zspage or two: two stores that find a
	# size class full at the same time each allocate a zspage, as two
	# CPUs in zs_malloc do.
	expect_exit 0 "$BENCH" --corpus corpus.raw --profile "$1" --compressor "$2" \
		--threads 2 --cpus 2 --json bench2.json --quiet
	expect_exit 0 "$FILL_DIRECT" corpus.raw "$1" "$2" 2
	cp out direct2.json
	counters bench2.json | grep -v pool_total_size >b2
	counters direct2.json | grep -v pool_total_size >d2
	diff -u b2 d2 >&2 || fail "$pc: 2-thread fill counters differ from the library's"
	a=$(json_num bench2.json pool_total_size)
	b=$(json_num direct2.json pool_total_size)
	[ $((a > b ? a - b : b - a)) -le $((16 * 4096 * 4)) ] ||
		fail "$pc: 2-thread pool_total_size $a too far from $b"
done
# stored_pages must be what the run stored: a check that can fail.
[ "$(json_num bench.json stored_pages)" -gt 1000 ] || fail "fill stored too few pages"
# Run-to-run: --threads 1 gives the same counters every time.
expect_exit 0 "$BENCH" --pages 3000 --threads 1 --json r1.json --quiet
expect_exit 0 "$BENCH" --pages 3000 --threads 1 --json r2.json --quiet
same_counters r1.json r2.json
echo "ok"
