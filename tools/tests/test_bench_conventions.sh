# test_bench_conventions.sh - command-line conventions shared with zstd and
# lz4: -h -V -q -v, every message starts with the one program name, an
# unknown verb lists every verb, "bad value" messages give the range, file
# errors give the OS reason, --version and the JSON name the library, the
# codec libraries, the host, the kernel and a timestamp.
. "$(dirname "$0")/lib.sh"

# -h and --help print the same text; -V and --version the same versions.
expect_exit 0 "$BENCH" -h
cp out help_short
expect_exit 0 "$BENCH" --help
cmp -s out help_short || fail "-h and --help differ"
for o in "-q, --quiet" "-v, --verbose" "-h, --help" "-V, --version"; do
	expect_in out "$o"
done
expect_exit 0 "$BENCH" -V
cp out ver_short
expect_exit 0 "$BENCH" --version
cmp -s out ver_short || fail "-V and --version differ"
expect_in out "(libzswapsim 0."
for l in "lz4 " "zstd " "lzo2 " "zlib "; do
	expect_in out "$l"
done

# -q: nothing on stdout or stderr. -v is accepted (its progress bar off a
# TTY: test_bench_progress.sh).
expect_exit 0 "$BENCH" -q --pages 256 --threads 1
[ -s out ] && fail "-q printed the summary"
[ -s err ] && fail "-q wrote to stderr"
expect_exit 0 "$BENCH" -v --pages 256 --threads 1
expect_in out "stored_pages"

# Unknown verb: every verb listed, one program name, usage exit code.
expect_exit 2 "$BENCH" frobnicate
for v in run compare sweep convert harvest pagestore convert-capture; do
	expect_in err "$v"
done

# Ranges in "bad value" messages.
expect_exit 2 "$BENCH" --max-pool-percent 0
expect_in err "(1..100)"
expect_exit 2 "$BENCH" --threads 0
expect_in err "(1..1024)"
expect_exit 2 "$BENCH" compare -c "cpus=0" -c "cpus=1"
expect_in err "(1..4096)"
expect_exit 2 "$BENCH" --batch sometimes
expect_in err "on, off or auto"

# File errors give the OS's reason.
expect_exit 3 "$BENCH" -q --pages 16 --json "$TMP/no/such/dir/r.json"
expect_in err "No such file or directory"
expect_exit 3 "$BENCH" --corpus "$TMP/missing.bin"
expect_in err "No such file or directory"
expect_exit 3 "$BENCH" --pages 16 --emit-corpus "$TMP/no/such/dir/c.bin"
expect_in err "No such file or directory"

# Every line on stderr of a failing command starts with the program name.
for args in "frobnicate" "--max-pool-percent 0" "--corpus $TMP/missing.bin" \
	"--trace $TMP/missing.zswt" "--pages 16 --compressor nosuch" "harvest --frob" "pagestore"; do
	# shellcheck disable=SC2086
	"$BENCH" $args >out 2>err
	grep -v '^zswapsim-bench: ' err | grep -v '^usage: zswapsim-bench' | grep -v '^  ' |
		grep -v '^$' >other || true
	[ -s other ] && { cat err >&2; fail "'$args': a message without the program name"; }
	[ -s err ] || fail "'$args': no message"
done

# The JSON report names what made it.
expect_exit 0 "$BENCH" -q --pages 64 --threads 1 --json r.json
for k in '"library":' '"libzswapsim"' '"codec_libraries":' '"lz4":' '"zstd":' '"host":' \
	'"kernel":' '"timestamp":'; do
	expect_in r.json "$k"
done
grep -q "\"kernel\": *\"$(uname -r)\"" r.json || fail "JSON kernel is not uname -r"
grep -Eq '"timestamp": *"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z"' r.json ||
	fail "JSON timestamp is not ISO 8601 UTC"
exit 0
