#!/bin/sh
# Use an installed libzswapsim from its (non-default) prefix, as a user would:
#   cmake      build and run tests/consumer with find_package(zswapsim)
#   pkgconfig  build and run it with pkg-config --cflags --libs zswapsim
#   tool       run the installed zswapsim-bench (found through its RUNPATH)
#   layout     man pages, completion, docs, corpus and LICENSE in place; the
#              .pc file relocatable and free of private include paths
# Nothing here sets LD_LIBRARY_PATH or overrides the .pc file's prefix.
# usage: run.sh MODE PREFIX SRCDIR BUILDDIR
set -eu
mode=$1 prefix=$2 src=$3 build=$4
rm -rf "$build"; mkdir -p "$build"
fail() { echo "consumer $mode: $*" >&2; exit 1; }
pc=$(find "$prefix" -name zswapsim.pc | head -n1)
[ -n "$pc" ] || fail "no zswapsim.pc under $prefix"
pcdir=$(dirname "$pc")
unset LD_LIBRARY_PATH
case $mode in
cmake)
	cmake -S "$src" -B "$build" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
	cmake --build "$build" >/dev/null
	"$build/consumer"
	;;
pkgconfig)
	cflags=$(PKG_CONFIG_PATH="$pcdir" pkg-config --cflags zswapsim)
	libs=$(PKG_CONFIG_PATH="$pcdir" pkg-config --libs zswapsim)
	libdir=$(PKG_CONFIG_PATH="$pcdir" pkg-config --variable=libdir zswapsim)
	case $cflags in *lzo*) fail "--cflags leaks a private include path: $cflags" ;; esac
	[ "$(cd "$libdir" && pwd -P)" = "$(cd "$pcdir/.." && pwd -P)" ] ||
		fail "libdir $libdir is not where the .pc file is installed"
	# shellcheck disable=SC2086
	${CC:-cc} -std=c11 -o "$build/consumer" "$src/main.c" $cflags $libs -Wl,-rpath,"$libdir"
	"$build/consumer"
	# The tree moved elsewhere still works: the prefix follows the .pc file.
	cp -a "$prefix" "$build/moved"
	mpc=$(find "$build/moved" -name zswapsim.pc | head -n1)
	mflags=$(PKG_CONFIG_PATH=$(dirname "$mpc") pkg-config --cflags zswapsim)
	case $mflags in *"$build/moved"*) ;; *) fail "moved tree: --cflags $mflags" ;; esac
	;;
tool)
	out=$("$prefix/bin/zswapsim-bench" --version) || fail "installed zswapsim-bench --version failed"
	echo "$out"
	case $out in zswapsim-bench*) ;; *) fail "unexpected --version output: $out" ;; esac
	readelf -d "$prefix/bin/zswapsim-bench" | grep -q 'RUNPATH.*\$ORIGIN/\.\./lib' ||
		fail "no RUNPATH \$ORIGIN/../lib... on the installed tool"
	# A short run from the installed tree, on the installed corpus.
	"$prefix/bin/zswapsim-bench" -q --threads 1 --pages 64 \
		--corpus "$prefix/share/zswapsim/corpus/zswapsim-build.zpk" --json "$build/run.json"
	grep -q '"stored_pages"' "$build/run.json" || fail "no JSON report"
	;;
layout)
	for f in share/man/man1/zswapsim-bench.1 share/man/man3/zswapsim.3 \
		 share/bash-completion/completions/zswapsim-bench \
		 share/zsh/vendor-completions/_zswapsim-bench \
		 share/doc/zswapsim/README.md share/doc/zswapsim/bench.md \
		 share/doc/zswapsim/LICENSE share/zswapsim/LICENSE \
		 share/zswapsim/corpus/zswapsim-build.zpk; do
		[ -s "$prefix/$f" ] || fail "missing $f"
	done
	if command -v man >/dev/null 2>&1; then
		MANWIDTH=80 man -l "$prefix/share/man/man1/zswapsim-bench.1" | grep -q 'EXIT STATUS' ||
			fail "zswapsim-bench.1 does not render"
	fi
	bash -n "$prefix/share/bash-completion/completions/zswapsim-bench" || fail "bash completion"
	grep -q '^prefix=\${pcfiledir}' "$pc" || fail "zswapsim.pc prefix is not relocatable"
	;;
*) echo "usage: $0 cmake|pkgconfig|tool|layout PREFIX SRCDIR BUILDDIR" >&2; exit 2 ;;
esac
