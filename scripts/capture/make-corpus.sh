#!/bin/sh
# make-corpus.sh - regenerate corpus/zswapsim-build.zpk, the small corpus of
# real anonymous pages shipped with libzswapsim (docs/page-store.md). It
# harvests, at their exit, the processes of a build-and-scan of this
# project's own sources: gcc (driver and cc1) compiling two of its files,
# and python3 counting the identifiers of all of them. Their data is this
# project's MIT sources, the system headers gcc parses and the parts of
# CPython's standard library the script loads. The environment is emptied
# (env -i) and the stack and environment block are not harvested.
#
# usage (from the repository root): scripts/capture/make-corpus.sh BENCH [OUT]
#   BENCH: a built zswapsim-bench, e.g. build/release/tools/zswapsim-bench
set -eu
bench=$(readlink -f "${1:?usage: make-corpus.sh BENCH [OUT]}")
out=${2:-corpus/zswapsim-build.zpk}
cd "$(dirname "$0")/../.."
mkdir -p "$(dirname "$out")"
exec env -i PATH=/usr/bin:/bin LC_ALL=C "$bench" harvest --follow-children --level 19 \
	--clen lz4 --clen zstd --clen lzo-rle --out "$out" -- sh -c '
gcc -O2 -std=gnu11 -Iinclude -Isrc -S -o /dev/null src/zswap/store.c &&
gcc -O2 -std=gnu11 -Iinclude -Isrc -S -o /dev/null src/alloc/zsmalloc.c &&
python3 -I -c "
import collections, pathlib, re
words = collections.Counter()
for p in sorted(pathlib.Path(\"src\").rglob(\"*.[ch]\")):
    words.update(re.findall(r\"[A-Za-z_][A-Za-z0-9_]*\", p.read_text()))
print(len(words), \"identifiers\")
"'
