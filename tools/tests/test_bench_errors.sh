# test_bench_errors.sh - bad input never crashes: each malformed trace line
# or record, bad corpus and bad configuration gives its own exit code and
# a one-line message naming the file and the line or byte offset.
. "$(dirname "$0")/lib.sh"

H="ts_ns,op,cpu,memcg,swap_type,offset,order,content"
expect_exit 0 "$BENCH" --pages 64 --emit-corpus c64.raw --quiet

# bad_csv EXIT MESSAGE LINE: a trace of the header, one good store and
# LINE (so the error is on line 3) must exit EXIT with
# "t.csv:3: MESSAGE..." on stderr, in one line.
bad_csv() {
	printf '%s\n0,store,0,0,0,0,0,page:0\n%s\n' "$H" "$3" >t.csv
	expect_exit "$1" "$BENCH" --trace t.csv --corpus c64.raw --quiet
	expect_in err "t.csv:3: $2"
	[ "$(wc -l <err)" = 1 ] || fail "message for '$3' is not one line"
}
bad_csv 15 'unknown op "stoer"' '0,stoer,0,0,0,1,0,page:1'
bad_csv 16 'bad number "x1" in field ts_ns' 'x1,store,0,0,0,1,0,page:1'
bad_csv 16 'bad number "-1" in field offset' '0,load,0,0,0,-1,0,'
bad_csv 17 'order 10 > 9' '0,store,0,0,0,0,10,page:1'
bad_csv 17 'offset 1 is not aligned to a folio of order 1' '0,store,0,0,0,1,1,page:1'
bad_csv 17 'swap_type 32 > 31' '0,load,0,0,32,0,0,'
bad_csv 17 'memcg 70000 > 65535' '0,load,0,70000,0,0,0,'
bad_csv 14 'expected 8 fields' '0,store,0,0,0,1,0'
bad_csv 14 'expected 8 fields' '0,store,0,0,0,1,0,page:1,extra'
bad_csv 18 'unknown content "blah"' '0,store,0,0,0,1,0,blah'
bad_csv 18 'store needs content' '0,store,0,0,0,1,0,'
bad_csv 18 'content "page:1" given for load' '0,load,0,0,0,1,0,page:1'
bad_csv 18 'unknown page class "foo"' '0,store,0,0,0,1,0,class:foo:1'
bad_csv 18 'bad fill content' '0,store,0,0,0,1,0,fill:123'
bad_csv 18 'unknown memcg key "memory.min"' '0,memcg_set,0,1,0,0,0,memory.min=1'
bad_csv 18 'memory.zswap.writeback takes 0 or 1' '0,memcg_set,0,1,0,0,0,memory.zswap.writeback=2'
bad_csv 19 'content page:64 (1 pages) outside the corpus of 64 pages' '0,store,0,0,0,1,0,page:64'
bad_csv 19 'content page:62 (4 pages) outside the corpus' '0,store,0,0,0,4,2,page:62'

# Header line and empty file.
printf 'ts,op\n' >t.csv
expect_exit 12 "$BENCH" --trace t.csv --corpus c64.raw --quiet
expect_in err 't.csv:1: expected the header line'
: >t.csv
expect_exit 12 "$BENCH" --trace t.csv --quiet
expect_in err 't.csv:1: empty file'
# page:N without any corpus.
printf '%s\n0,store,0,0,0,0,0,page:0\n' "$H" >t.csv
expect_exit 19 "$BENCH" --trace t.csv --quiet
expect_in err 't.csv:2:'

# Binary: a good trace, then damaged copies of it.
printf '%s\n0,swapon,0,0,0,64,0,\n' "$H" >g.csv
for i in 0 1 2 3 4 5; do echo "$i,store,0,0,0,$i,0,page:$i"; done >>g.csv
expect_exit 0 "$BENCH" convert g.csv g.zswt
expect_exit 0 "$BENCH" --trace g.zswt --corpus c64.raw --quiet
# Truncated inside the 4th record (records start at byte 128).
head -c $((128 + 40 * 3 + 17)) g.zswt >t.zswt
expect_exit 13 "$BENCH" --trace t.zswt --corpus c64.raw --quiet
expect_in err 't.zswt: byte 248: truncated record (17 of 40 bytes)'
# Truncated header.
head -c 60 g.zswt >t.zswt
expect_exit 13 "$BENCH" --trace t.zswt --quiet
expect_in err 'truncated header'
# Fewer records than the header declares.
head -c $((128 + 40 * 5)) g.zswt >t.zswt
expect_exit 13 "$BENCH" --trace t.zswt --corpus c64.raw --quiet
expect_in err 'file ends after 5 records, header says 7'
# Unknown op byte (offset 34 of a record) in record 2.
cp g.zswt t.zswt
printf '\x63' | dd of=t.zswt bs=1 seek=$((128 + 40 * 2 + 34)) conv=notrunc 2>/dev/null
expect_exit 15 "$BENCH" --trace t.zswt --corpus c64.raw --quiet
expect_in err 't.zswt: byte 208: unknown op 99'
# Reserved byte (offset 39) not zero.
cp g.zswt t.zswt
printf '\x01' | dd of=t.zswt bs=1 seek=$((128 + 40 * 1 + 39)) conv=notrunc 2>/dev/null
expect_exit 14 "$BENCH" --trace t.zswt --corpus c64.raw --quiet
expect_in err 't.zswt: byte 168: reserved byte'
# Order byte (offset 35) 12.
cp g.zswt t.zswt
printf '\x0c' | dd of=t.zswt bs=1 seek=$((128 + 40 * 3 + 35)) conv=notrunc 2>/dev/null
expect_exit 17 "$BENCH" --trace t.zswt --corpus c64.raw --quiet
expect_in err 't.zswt: byte 248: order 12 > 9'
# Version 2.
cp g.zswt t.zswt
printf '\x02' | dd of=t.zswt bs=1 seek=4 conv=notrunc 2>/dev/null
expect_exit 11 "$BENCH" --trace t.zswt --quiet
expect_in err 'unsupported ZSWT version 2'
# Not a trace at all (binary bytes, no magic).
head -c 4096 c64.raw >t.zswt
printf '\x00\x01\x02\x03' | dd of=t.zswt bs=1 conv=notrunc 2>/dev/null
expect_exit 10 "$BENCH" --trace t.zswt --quiet
expect_in err 'not a trace'
# A page beyond the corpus given at replay time.
head -c 8192 c64.raw >c2.raw
expect_exit 19 "$BENCH" --trace g.zswt --corpus c2.raw --quiet
expect_in err 'byte 248:'

# A load beyond the slots swapped on: refused before the replay starts
# (test_bench_trace_state.sh has the other state checks).
printf '%s\n0,swapon,0,0,0,8,0,\n1,load,0,0,0,100,0,\n' "$H" >t.csv
expect_exit 17 "$BENCH" --trace t.csv --quiet
expect_in err 't.csv:3: load of slot 100 out of range: swap type 0 has 8 slots (0..7)'
# A load of a slot that holds nothing is a miss, not an error.
printf '%s\n0,swapon,0,0,0,8,0,\n1,load,0,0,0,5,0,\n' "$H" >t.csv
expect_exit 0 "$BENCH" --trace t.csv --json - --quiet
[ "$(json_num out misses)" = 1 ] || fail "miss not counted"

# Corpus files.
expect_exit 3 "$BENCH" --corpus no-such-file --quiet
expect_in err 'no-such-file: cannot open corpus'
head -c 5000 c64.raw >odd.raw
expect_exit 4 "$BENCH" --corpus odd.raw --quiet
expect_in err 'odd.raw: corpus size 5000 is not a non-zero multiple of 4096'
expect_exit 3 "$BENCH" --trace no-such.csv --quiet
expect_in err 'no-such.csv: cannot open'

# Configuration.
expect_exit 5 "$BENCH" --pages 64 --compressor nosuchcodec --quiet
expect_in err "unknown compressor 'nosuchcodec'"
expect_exit 5 "$BENCH" --pages 64 --profile 5.4 --quiet
expect_in err "unknown profile '5.4'"
expect_exit 5 "$BENCH" --pages 64 --zpool zbud --quiet
expect_in err "unknown zpool 'zbud'"
expect_exit 5 "$BENCH" --pages 64 --compressor lz4 --codec-arg nosuchkey=1 --quiet
expect_in err "compressor 'lz4:nosuchkey=1': "
expect_exit 2 "$BENCH" --threads 0
expect_exit 2 "$BENCH" --batch sometimes
expect_exit 2 "$BENCH" --codec-arg level
expect_exit 2 "$BENCH" --no-such-option
expect_exit 2 "$BENCH" frobnicate
expect_exit 2 "$BENCH" --workload nosuch
expect_exit 2 "$BENCH" --mix typical:0
expect_exit 2 "$BENCH" --mix typical --corpus c64.raw
expect_in err "--mix describes synthetic content"
expect_exit 2 "$BENCH" --compressor lz4 --compressor zstd
expect_in err "use \`compare\` or \`sweep\`"
expect_exit 2 "$BENCH" compare --compressor lz4

# Every numeric option and spec value is range-checked, NaN and infinities
# included, and the message gives the range.
for p in nan -inf 0 1.5 1e309 ' 0.5'; do
	expect_exit 2 "$BENCH" --pages 64 --fault "compress:p=$p" --quiet
	expect_in err "0 < p <= 1"
done
expect_exit 0 "$BENCH" --pages 64 --fault compress:p=1 --fault dev_read:p=1e-3 --quiet
for a in "--pages 0" "--pages 4294967297" "--order 10" "--threads 1025" \
	"--seed 18446744073709551616" "--pages nan"; do
	# shellcheck disable=SC2086
	expect_exit 2 "$BENCH" $a --quiet
	expect_in err "bad value"
	grep -q '([0-9]*\.\.[0-9]*)' err || fail "no range in: $(cat err)"
done
expect_exit 2 "$BENCH" --fault "compress:every=0"
expect_in err "(1..18446744073709551615)"
expect_exit 2 "$BENCH" --mem-limit 4095
expect_in err ">= 4096"
for kv in "max-pool-percent 101:1..100" "accept-threshold 101:0..100" "cpus 0:1..4096" \
	"chain-size 3:4..16" "ram nan:>= 1M" "batch 2:on, off or auto"; do
	opt=${kv%%:*} want=${kv#*:}
	expect_exit 2 "$BENCH" --pages 64 --${opt% *} "${opt#* }" --quiet
	expect_in err "$want"
done
expect_exit 2 "$BENCH" compare --pages 64 -c max-pool-percent=0 -c compressor=lz4 --quiet
expect_in err "1..100"
expect_exit 2 "$BENCH" sweep -i workload=fill,pages=0 -c compressor=lz4 --out sw
expect_in err "(1..4294967296)"
expect_exit 2 "$BENCH" sweep -i workload=mthp,order=10 -c compressor=lz4 --out sw
expect_in err "(0..9)"
# a string-valued key given twice (fuzz_cli found the first one leaked)
expect_exit 2 "$BENCH" sweep -i workload=fill,snapshot=last,snapshot=all -c compressor=lz4 --out sw
expect_in err "snapshot given twice"
expect_exit 2 "$BENCH" convert-capture "$DATA/capture-sample.txt" x.zswt --seed -1
expect_in err "(0..18446744073709551615)"
expect_exit 2 "$BENCH" convert-capture "$DATA/capture-sample.txt" x.zswt --swap-slots 0
expect_in err "(1..4294967296)"
expect_exit 2 "$BENCH" harvest --out x.zpk --level 23 -- true
expect_in err "(1..22)"
echo "ok"
