# test_bench_trace_state.sh - every trace operation is checked against the
# state it needs before anything runs: a swap type never swapped on, used
# before its swapon or after its swapoff, a slot beyond the type's slots,
# a second swapon, a swapoff of a type that is off, a CPU beyond --cpus.
# Each is exit 17 with the file and line, and no report is written (nothing
# was applied). A trace with no swapon at all is swapped on automatically.
. "$(dirname "$0")/lib.sh"

H='ts_ns,op,cpu,memcg,swap_type,offset,order,content'
"$BENCH" -q --pages 64 --emit-corpus c.bin || fail "emit corpus"

# check NAME 'MESSAGE' [FLAGS...] < trace lines: exit 17, MESSAGE on stderr
# naming NAME.csv and a line, no JSON written.
check() {
	local name=$1 msg=$2
	shift 2
	{ echo "$H"; cat; } >"$name.csv"
	rm -f "$name.json"
	expect_exit 17 "$BENCH" -q --trace "$name.csv" --corpus c.bin --json "$name.json" "$@"
	expect_in err "$name.csv:"
	expect_in err "$msg"
	[ -e "$name.json" ] && fail "$name: a report was written for a rejected trace"
	return 0
}

check never 'store to swap type 1, which the trace never swaps on' <<'EOF2'
0,swapon,0,0,0,64,0,
1,store,0,0,0,0,0,page:0
2,store,0,0,1,0,0,page:1
EOF2
expect_in err "never.csv:4:"

check before 'store to swap type 0 before its swapon (at before.csv:4)' <<'EOF2'
0,store,0,0,0,0,0,page:0
1,load,0,0,0,0,0,
2,swapon,0,0,0,64,0,
EOF2
expect_in err "before.csv:2:"

check after 'load to swap type 0 after its swapoff (at after.csv:4)' <<'EOF2'
0,swapon,0,0,0,64,0,
1,store,0,0,0,0,0,page:0
2,swapoff,0,0,0,0,0,
3,load,0,0,0,0,0,
EOF2

check slot 'store of slot 64 out of range: swap type 0 has 64 slots (0..63)' <<'EOF2'
0,swapon,0,0,0,64,0,
1,store,0,0,0,63,0,page:0
2,store,0,0,0,64,0,page:1
EOF2
expect_in err "slot.csv:4:"

check folio 'store of slots 64..71 out of range: swap type 0 has 64 slots (0..63)' <<'EOF2'
0,swapon,0,0,0,64,0,
1,store,0,0,0,56,3,zero
2,store,0,0,0,60,2,zero
3,store,0,0,0,64,3,zero
EOF2

check twice 'swapon of swap type 0, which is already on (swapon at twice.csv:2)' <<'EOF2'
0,swapon,0,0,0,64,0,
1,swapon,0,0,0,32,0,
EOF2

check off 'swapoff of swap type 2, which is not on' <<'EOF2'
0,swapon,0,0,0,64,0,
1,swapoff,0,0,2,0,0,
EOF2

check cpu 'store on cpu 5, but the simulated machine has 2 CPUs (0..1); give --cpus 6' \
	--cpus 2 <<'EOF2'
0,swapon,0,0,0,64,0,
1,store,1,0,0,0,0,page:0
2,store,5,0,0,1,0,page:1
EOF2

# The same CPU without --cpus: the machine gets the CPUs the trace names.
expect_exit 0 "$BENCH" -q --trace cpu.csv --corpus c.bin --json cpu.json
expect_json cpu.json config.cpus 6
expect_json cpu.json zswap.stored_pages 2

# Validation comes first: the bad line is at the end of a long valid trace
# and nothing ran (no report, exit 17 at once).
{
	echo "$H"
	echo "0,swapon,0,0,0,4096,0,"
	i=0
	while [ $i -lt 2000 ]; do
		echo "$i,store,0,0,0,$i,0,page:$((i % 64))"
		i=$((i + 1))
	done
	echo "9999,store,0,0,3,0,0,zero"
} >late.csv
expect_exit 17 "$BENCH" -q --trace late.csv --corpus c.bin --json late.json
expect_in err "late.csv:2003: store to swap type 3"
[ -e late.json ] && fail "late: a report was written"

# No swapon at all: types are swapped on automatically, as before.
{ echo "$H"; echo "0,store,0,0,0,0,0,page:0"; echo "1,store,0,0,1,7,0,page:1"; } >auto.csv
expect_exit 0 "$BENCH" -q --trace auto.csv --corpus c.bin --json auto.json
expect_json auto.json ops.store.pages 2

# The binary form names the byte offset.
expect_exit 0 "$BENCH" convert never.csv never.zswt
expect_exit 17 "$BENCH" -q --trace never.zswt --corpus c.bin
expect_in err "never.zswt: byte "
expect_in err "which the trace never swaps on"
exit 0
