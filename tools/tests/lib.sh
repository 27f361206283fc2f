# lib.sh - sourced by tools/tests/test_bench_*.sh. Each script is run by
# ctest as: bash SCRIPT BENCH DATA_DIR SCRATCH_DIR FILL_DIRECT JSON_GET
# and works in SCRATCH_DIR (made empty first). Every check names what it
# checked when it fails; the script exits 1 on the first failure.
set -u
BENCH=$1
DATA=$2
TMP=$3
FILL_DIRECT=${4:-}
JSON_GET=${5:-}
rm -rf "$TMP"
mkdir -p "$TMP"
cd "$TMP" || exit 1

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# expect_exit N CMD...: run CMD (stdout to out, stderr to err), check its
# exit code is N.
expect_exit() {
	local want=$1
	shift
	"$@" >out 2>err
	local got=$?
	if [ "$got" != "$want" ]; then
		echo "--- stdout" >&2
		head -40 out >&2
		echo "--- stderr" >&2
		head -40 err >&2
		fail "'$*' exited $got, expected $want"
	fi
}

# expect_in FILE TEXT: FILE contains TEXT (fixed string).
expect_in() {
	grep -qF -- "$2" "$1" || {
		echo "--- $1" >&2
		head -40 "$1" >&2
		fail "'$2' not in $1"
	}
}

# counters FILE: the kernel-named counters of a report (bench JSON) or of
# the library's own JSON, in one normalised form: the members "profile",
# "zswap", "vmstat" and "memcg" as compact JSON with sorted keys.
counters() {
	"$JSON_GET" --canon "$1" profile zswap vmstat memcg
}

# jget FILE PATH: the value at PATH ("latency_ns.store.count").
jget() {
	"$JSON_GET" "$1" "$2"
}

# expect_json FILE PATH VALUE: the value at PATH is VALUE.
expect_json() {
	local got
	got=$("$JSON_GET" "$1" "$2") || fail "$1: no $2"
	[ "$got" = "$3" ] || fail "$1: $2 is '$got', expected '$3'"
}

# same_counters A B: the two reports hold identical counters.
same_counters() {
	counters "$1" >"$1.counters"
	counters "$2" >"$2.counters"
	grep -q '"zswap":{"' "$1.counters" || fail "no counters in $1"
	diff -u "$1.counters" "$2.counters" >&2 || fail "counters of $1 and $2 differ"
}

# json_num FILE KEY: the first number after "KEY": in FILE.
json_num() {
	grep -o "\"$2\": [0-9.e+-]*" "$1" | head -1 | sed 's/.*: //'
}
