#!/bin/sh
# Build tests/consumer against an installed libzswapsim, one way or the other.
# usage: run.sh cmake|pkgconfig PREFIX SRCDIR BUILDDIR
set -eu
mode=$1 prefix=$2 src=$3 build=$4
rm -rf "$build"; mkdir -p "$build"
libdir=$(ls -d "$prefix"/lib*/ | head -n1)
case $mode in
cmake)
	cmake -S "$src" -B "$build" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
	cmake --build "$build" >/dev/null
	LD_LIBRARY_PATH="$libdir:$libdir/$(ls "$libdir" | grep -- -linux-gnu | head -n1)" "$build/consumer"
	;;
pkgconfig)
	pcdir=$(dirname "$(find "$prefix" -name zswapsim.pc | head -n1)")
	flags=$(PKG_CONFIG_PATH="$pcdir" pkg-config --define-variable=prefix="$prefix" --cflags --libs zswapsim)
	libpath=$(dirname "$pcdir")
	${CC:-cc} -std=c11 -o "$build/consumer" "$src/main.c" $flags -Wl,-rpath,"$libpath"
	"$build/consumer"
	;;
*) echo "usage: $0 cmake|pkgconfig PREFIX SRCDIR BUILDDIR" >&2; exit 2 ;;
esac
