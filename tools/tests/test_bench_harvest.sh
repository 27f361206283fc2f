#!/bin/bash
# test_bench_harvest.sh - zswapsim-bench's real-data sub-commands end to end:
# harvest a command whose memory holds a known pattern (the stack and the
# environment are skipped unless asked), --pid, the clean errors (vanished
# process, missing command, corrupt store), --corpus taking a page store
# with the same results as the raw pages, pagestore pack/unpack/verify/
# sizes, and convert-capture on the sample capture, replayed.
# usage: test_bench_harvest.sh BENCH DATA_DIR SCRATCH_DIR
set -u
B=$1 DATA=$2 T=$3
rm -rf "$T" && mkdir -p "$T" || exit 1
fails=0 passed=0 skipped=0
ok() { passed=$((passed + 1)); }
bad() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
expect_rc() { # WANT DESC CMD...
	local want=$1 desc=$2; shift 2
	"$@" >"$T/out" 2>"$T/err"; local rc=$?
	if [ "$rc" = "$want" ]; then ok; else bad "$desc: exit $rc, want $want: $(head -c 400 "$T/err")"; fi
}

# Reading another process's memory needs ptrace rights (Yama, containers
# without CAP_SYS_PTRACE): without them nothing here can run, so report SKIP
# (exit 77) rather than PASS.
"$B" harvest --quiet --out "$T/probe.zpk" -- sleep 0.05 >/dev/null 2>"$T/err"
if [ $? = 30 ]; then
	echo "SKIP: harvesting a child is not permitted here: $(head -c 200 "$T/err")"
	exit 77
fi

# 1. a command whose heap holds a pattern (bash keeps the variable)
expect_rc 0 "harvest bash" "$B" harvest --quiet --out "$T/bash.zpk" -- \
	bash -c 'x=$(printf "ZSIMPATTERN-%.0s" $(seq 1 3000)); sleep 0.05; echo ${#x} >/dev/null'
expect_rc 0 "unpack" "$B" pagestore unpack "$T/bash.zpk" "$T/bash.raw"
n=$(grep -a -o "ZSIMPATTERN-" "$T/bash.raw" | wc -l)
[ "$n" -ge 3000 ] && ok || bad "pattern found $n times, want >= 3000"
expect_rc 0 "verify" "$B" pagestore verify "$T/bash.zpk"

# 2. the environment is not harvested unless --include-stack
secret=zsim-secret-$RANDOM$RANDOM
expect_rc 0 "harvest env" "$B" harvest --quiet --out "$T/env.zpk" -- env ZSIM_SECRET=$secret sleep 0.05
"$B" pagestore unpack "$T/env.zpk" "$T/env.raw" && ! grep -q -a "$secret" "$T/env.raw" && ok \
	|| bad "the secret was harvested without --include-stack"
expect_rc 0 "harvest env+stack" "$B" harvest --quiet --include-stack --out "$T/env2.zpk" -- \
	env ZSIM_SECRET=$secret sleep 0.05
"$B" pagestore unpack "$T/env2.zpk" "$T/env2.raw" && grep -q -a "$secret" "$T/env2.raw" && ok \
	|| bad "--include-stack did not read the environment"
"$B" harvest --help | grep -q "environment block are NOT read" && ok || bad "--help does not say the stack is skipped"

# 3. --pid, and the clean errors
sleep 3 & sp=$!
for i in $(seq 1 300); do [ "$(cat /proc/$sp/comm 2>/dev/null)" = sleep ] && break; sleep 0.01; done
"$B" harvest --quiet --out "$T/pid.zpk" --pid $sp >"$T/out" 2>"$T/err"; rc=$?
if [ $rc = 30 ]; then
	# Yama ptrace_scope 1: a child may be read, another process not.
	echo "SKIP: --pid of a non-child not permitted here: $(head -c 200 "$T/err")"
	skipped=$((skipped + 1))
elif [ $rc = 0 ]; then ok; else bad "harvest --pid: exit $rc, want 0: $(head -c 400 "$T/err")"; fi
kill $sp 2>/dev/null; wait $sp 2>/dev/null
expect_rc 31 "vanished pid" "$B" harvest --out "$T/gone.zpk" --pid $sp
grep -q "vanished" "$T/err" && ok || bad "no 'vanished' in: $(cat "$T/err")"
[ ! -e "$T/gone.zpk" ] && ok || bad "a failed harvest left a file"
expect_rc 32 "missing command" "$B" harvest --out "$T/x.zpk" -- /nonexistent/zsim-cmd
expect_rc 2 "no --out" "$B" harvest -- true

# 4. --corpus: a page store gives the same run as its raw pages
expect_rc 0 "pack with clen" "$B" pagestore pack "$T/bash.zpk" "$T/bash-clen.zpk" --clen lz4 --clen zstd
for f in bash.zpk bash.raw; do
	"$B" --corpus "$T/$f" --workload fill --threads 1 --cpus 1 --compressor lz4 --json "$T/$f.json" --quiet \
		|| bad "run on $f"
done
for k in stored_pages pool_total_size zswpout pswpout; do
	a=$(grep -o "\"$k\": [0-9]*" "$T/bash.zpk.json" | head -1)
	b=$(grep -o "\"$k\": [0-9]*" "$T/bash.raw.json" | head -1)
	[ -n "$a" ] && [ "$a" = "$b" ] && ok || bad "$k differs: store '$a' raw '$b'"
done
expect_rc 0 "sizes" "$B" pagestore sizes "$T/bash-clen.zpk"
grep -q "^lz4 " "$T/out" && grep -q "^zstd " "$T/out" && ok || bad "sizes output: $(cat "$T/out")"
# the allocator-only sweep gives the pool of a full run (profile 6.12, lz4)
sz=$(awk '$1 == "lz4" {print $6}' "$T/out")
full=$(grep -o '"pool_total_size": [0-9]*' "$T/bash.zpk.json" | head -1 | grep -o '[0-9]*$')
[ -n "$sz" ] && [ "$sz" = "$full" ] && ok || bad "sizes pool '$sz' != full run pool '$full'"
expect_rc 0 "info" "$B" pagestore info "$T/bash-clen.zpk"
grep -q "meta        command = bash -c" "$T/out" && ok || bad "command metadata lost by pack"

# the shipped corpus: intact, and the same sizes both ways
C=$DATA/../../corpus/zswapsim-build.zpk
expect_rc 0 "corpus verify" "$B" pagestore verify "$C"
expect_rc 0 "corpus sizes" "$B" pagestore sizes "$C"
sz=$(awk '$1 == "zstd" {print $6}' "$T/out")
"$B" --corpus "$C" --compressor zstd --threads 1 --cpus 1 --json "$T/corpus.json" --quiet || bad "run on the corpus"
full=$(grep -o '"pool_total_size": [0-9]*' "$T/corpus.json" | head -1 | grep -o '[0-9]*$')
[ -n "$sz" ] && [ "$sz" = "$full" ] && ok || bad "corpus: sizes pool '$sz' != full run pool '$full'"

# 5. a corrupt or truncated store is a clean error naming the byte offset
size=$(stat -c %s "$T/bash.zpk")
head -c $((size - 100)) "$T/bash.zpk" > "$T/cut.zpk"
expect_rc 4 "truncated store" "$B" --corpus "$T/cut.zpk" --quiet
grep -q "byte [0-9]*" "$T/err" && ok || bad "no byte offset in: $(cat "$T/err")"
cp "$T/bash.zpk" "$T/flip.zpk"
printf '\xff' | dd of="$T/flip.zpk" bs=1 seek=200 conv=notrunc status=none
expect_rc 4 "corrupt store" "$B" pagestore verify "$T/flip.zpk"
grep -q "byte [0-9]*" "$T/err" && ok || bad "no byte offset in: $(cat "$T/err")"

# 6. convert-capture, then replay
expect_rc 0 "convert-capture" "$B" convert-capture "$DATA/capture-sample.txt" "$T/cap.zswt"
grep -q "7 stores" "$T/err" && ok || bad "convert-capture summary: $(cat "$T/err")"
expect_rc 0 "replay capture" "$B" --trace "$T/cap.zswt" --cpus 4 --threads 1 --quiet
expect_rc 0 "convert-capture page" "$B" convert-capture "$DATA/capture-sample.txt" "$T/cap.csv" \
	--content page --corpus "$T/bash.zpk"
grep -q ",page:0$" "$T/cap.csv" && ok || bad "no page content in the CSV"
expect_rc 0 "replay capture with corpus" "$B" --trace "$T/cap.csv" --corpus "$T/bash.zpk" --cpus 4 --threads 1 --quiet
printf '# zswap-capture 1\n# load_ret=int\nS 1 0 1 1 0 3 1 1\n' > "$T/bad.txt"
expect_rc 17 "unaligned capture" "$B" convert-capture "$T/bad.txt" "$T/bad.csv"
grep -q "bad.txt:3:" "$T/err" && ok || bad "no line number in: $(cat "$T/err")"

echo "$passed passed, $fails failed, $skipped skipped"
[ "$fails" = 0 ] || exit 1
[ "$skipped" = 0 ] || exit 77
