#!/bin/sh
# codec-lengths.sh - compare libzswapsim's compressed lengths, page by page,
# with the compressors of real kernel sources (Debian's linux-source
# packages): the kernel's lib/zstd, lib/lz4 and lib/lzo are built as a
# userspace program (kernel_codecs.c, with the headers in shim/) and driven
# as crypto/zstd.c, lz4.c, lzo.c and lzo-rle.c drive them for zswap.
#
# Usage: scripts/kernel-check/codec-lengths.sh [options] [SOURCE...]
#   SOURCE   linux-source-X_*.deb, linux-source-X.tar.xz, or an extracted
#            tree; default: `apt-get download linux-source-6.12
#            linux-source-6.1` into the build dir
#   -B DIR   build dir (default build/kernel-check)
#   -L DIR   libzswapsim build dir with src/libzswapsim.so and
#            tools/zswapsim-bench (default build/release)
#   -c FILE  page store or raw pages (default corpus/zswapsim-build.zpk)
#   -s N     also N pages of zswapsim-bench's synthetic default content
#            (seed 1; default 16384, the kernel harness's input; 0: none)
#   -g N     also N pagegen pages per class, seed 42 (default 100)
#   -a ALGS  algorithms (default "zstd lz4 lzo lzo-rle")
#   -w DIR   write the kernel lengths as fixtures into DIR
#            (tests/data/kernel-lengths: corpus.txt and pagegen.txt)
#   -m N     list at most N mismatching pages per comparison (default 10)
# Prints per kernel, algorithm and input: pages, pages of equal length,
# bytes (failures count 4096) and their difference, failures on each side.
# Exit 1 when a pair that docs/codecs.md calls exact differs (KNOWN below
# lists the documented residuals), 2 on a usage or build error.
# The kernel sources are extracted under the build dir and never leave it.
set -eu

BUILD=build/kernel-check
LIB=build/release
CORPUS=corpus/zswapsim-build.zpk
SYN=16384
GEN=100
ALGS="zstd lz4 lzo lzo-rle"
FIXTURES=
MAXLIST=10
# Documented residuals (docs/codecs.md): 6.1's lib/zstd is 1.4.10 (libzstd
# 1.5.4's dfast parser differs).
KNOWN="6.1:zstd"

die() { echo "codec-lengths: $*" >&2; exit 2; }
while getopts B:L:c:s:g:a:w:m:h opt; do
	case $opt in
	B) BUILD=$OPTARG ;;
	L) LIB=$OPTARG ;;
	c) CORPUS=$OPTARG ;;
	s) SYN=$OPTARG ;;
	g) GEN=$OPTARG ;;
	a) ALGS=$OPTARG ;;
	w) FIXTURES=$OPTARG ;;
	m) MAXLIST=$OPTARG ;;
	*) sed -n '2,/^set -eu/p' "$0" | sed 's/^# \{0,1\}//;/^set -eu/d'; exit 2 ;;
	esac
done
shift $((OPTIND - 1))

HERE=$(cd "$(dirname "$0")" && pwd)
BENCH=$LIB/tools/zswapsim-bench
[ -x "$BENCH" ] || die "$BENCH not found: build libzswapsim first (cmake --preset release && cmake --build --preset release) or pass -L"
[ -e "$LIB/src/libzswapsim.so" ] || die "$LIB/src/libzswapsim.so not found"
command -v gcc >/dev/null || die "gcc is needed"
mkdir -p "$BUILD"
BUILD=$(cd "$BUILD" && pwd)
LIBABS=$(cd "$LIB" && pwd)

if [ $# -eq 0 ]; then
	mkdir -p "$BUILD/debs"
	if ! ls "$BUILD"/debs/linux-source-6.12_*.deb "$BUILD"/debs/linux-source-6.1_*.deb >/dev/null 2>&1; then
		(cd "$BUILD/debs" && apt-get download linux-source-6.12 linux-source-6.1) ||
			die "apt-get download linux-source-6.12 linux-source-6.1 failed (run apt-get update, or pass the packages)"
	fi
	set -- "$BUILD"/debs/linux-source-6.12_*.deb "$BUILD"/debs/linux-source-6.1_*.deb
fi

# The parts of a kernel tree the comparison needs.
PARTS="lib/zstd lib/lz4 lib/lzo lib/xxhash.c include/linux/zstd.h include/linux/zstd_lib.h
include/linux/zstd_errors.h include/linux/xxhash.h include/linux/lz4.h include/linux/lzo.h Makefile"

# extract SOURCE -> prints the tree's directory
extract() {
	src=$1
	if [ -d "$src" ]; then
		(cd "$src" && pwd)
		return
	fi
	case $src in
	*.deb)
		tarpath=$(dpkg-deb --fsys-tarfile "$src" | tar -t | grep 'linux-source-.*\.tar\.xz$' | head -1)
		[ -n "$tarpath" ] || die "$src: no linux-source tarball inside"
		top=$(basename "$tarpath" .tar.xz)
		if [ ! -f "$BUILD/$top/Makefile" ]; then
			pats=$(for p in $PARTS; do printf '%s ' "$top/$p"; done)
			# shellcheck disable=SC2086
			dpkg-deb --fsys-tarfile "$src" | tar -xO "$tarpath" | xz -dc |
				tar -x -C "$BUILD" $pats
		fi
		echo "$BUILD/$top" ;;
	*.tar.xz)
		top=$(basename "$src" .tar.xz)
		if [ ! -f "$BUILD/$top/Makefile" ]; then
			pats=$(for p in $PARTS; do printf '%s ' "$top/$p"; done)
			# shellcheck disable=SC2086
			xz -dc "$src" | tar -x -C "$BUILD" $pats
		fi
		echo "$BUILD/$top" ;;
	*) die "$src: not a .deb, .tar.xz or directory" ;;
	esac
}

# build TREE OUT: the kernel's compressors + kernel_codecs.c
build_kernel() {
	t=$1 o=$2
	mkdir -p "$o/inc/linux"
	cp "$t"/include/linux/zstd.h "$t"/include/linux/zstd_lib.h "$t"/include/linux/zstd_errors.h \
		"$t"/include/linux/xxhash.h "$t"/include/linux/lz4.h "$t"/include/linux/lzo.h "$o/inc/linux/"
	z=$t/lib/zstd
	files="$z/zstd_compress_module.c $z/zstd_decompress_module.c $z/compress/*.c $z/decompress/*.c
$z/common/debug.c $z/common/entropy_common.c $z/common/error_private.c $z/common/fse_decompress.c
$z/common/zstd_common.c $t/lib/xxhash.c $t/lib/lz4/lz4_compress.c $t/lib/lzo/lzo1x_compress.c"
	[ -f "$z/zstd_common_module.c" ] && files="$files $z/zstd_common_module.c"
	[ -f "$t/lib/lzo/lzo1x_compress_safe.c" ] && files="$files $t/lib/lzo/lzo1x_compress_safe.c" ||
		die "$t: no lib/lzo/lzo1x_compress_safe.c (a kernel before the lzo overrun fix); not supported"
	# -w: the kernel's sources are not ours to warn about.
	# shellcheck disable=SC2086
	gcc -O2 -std=gnu11 -w -Werror=implicit-function-declaration \
		-DCONFIG_64BIT -DCONFIG_X86_64 -DCONFIG_HAVE_EFFICIENT_UNALIGNED_ACCESS \
		-I"$o/inc" -I"$HERE/shim" -o "$o/kernel_codecs" "$HERE/kernel_codecs.c" $files ||
		die "building $t's compressors failed"
}

# Inputs: raw page files in $BUILD/in/NAME.raw
mkdir -p "$BUILD/in" "$BUILD/out"
INPUTS=
if [ -n "$CORPUS" ]; then
	"$BENCH" pagestore unpack "$CORPUS" "$BUILD/in/corpus.raw" >/dev/null 2>&1 ||
		cp "$CORPUS" "$BUILD/in/corpus.raw"
	INPUTS="$INPUTS corpus"
fi
if [ "$SYN" -gt 0 ]; then
	"$BENCH" --pages "$SYN" --emit-corpus "$BUILD/in/synthetic.raw" >/dev/null
	INPUTS="$INPUTS synthetic"
fi
gcc -O2 -std=gnu11 -Wall -I"$HERE/../../include" -o "$BUILD/codec_lengths" "$HERE/codec_lengths.c" \
	-L"$LIBABS/src" -lzswapsim -Wl,-rpath,"$LIBABS/src" || die "building codec_lengths failed"
if [ "$GEN" -gt 0 ]; then
	"$BUILD/codec_lengths" --gen "$GEN" 42 >"$BUILD/in/pagegen.raw"
	INPUTS="$INPUTS pagegen"
fi

# Our lengths.
for a in $ALGS; do
	for i in $INPUTS; do
		"$BUILD/codec_lengths" "$a" <"$BUILD/in/$i.raw" >"$BUILD/out/ours.$a.$i"
	done
done

VERSIONS=
for s in "$@"; do
	t=$(extract "$s")
	v=$(awk '/^VERSION =/{a=$3} /^PATCHLEVEL =/{b=$3} /^SUBLEVEL =/{c=$3} END{print a"."b" "a"."b"."c}' "$t/Makefile")
	short=${v% *}
	full=${v#* }
	build_kernel "$t" "$BUILD/k-$short"
	zv=$(awk '/define ZSTD_VERSION_(MAJOR|MINOR|RELEASE)/{printf "%s%s", s, $3; s="."}' "$t/include/linux/zstd_lib.h")
	echo "kernel $full (lib/zstd $zv) from $s"
	for a in $ALGS; do
		for i in $INPUTS; do
			"$BUILD/k-$short/kernel_codecs" "$a" <"$BUILD/in/$i.raw" >"$BUILD/out/k$short.$a.$i"
		done
	done
	VERSIONS="$VERSIONS $short"
done

status=0
printf '\n%-8s %-8s %-10s %7s %7s %11s %11s %9s %9s %s\n' kernel alg input pages equal \
	"kernel B" "ours B" "diff B" "diff %" "fails k/ours"
for v in $VERSIONS; do
	for a in $ALGS; do
		for i in $INPUTS; do
			k=$BUILD/out/k$v.$a.$i o=$BUILD/out/ours.$a.$i
			line=$(paste -d' ' "$k" "$o" | awk -v v="$v" -v a="$a" -v i="$i" '
				function n(x) { return x == "E" ? 4096 : x }
				{ p++; if ($1 == $2) e++; kb += n($1); ob += n($2); kf += ($1 == "E"); of += ($2 == "E") }
				END { printf "%-8s %-8s %-10s %7d %7d %11d %11d %+9d %+8.3f%% %d/%d\n",
					v, a, i, p, e, kb, ob, ob - kb, kb ? 100 * (ob - kb) / kb : 0, kf, of }')
			echo "$line"
			if ! cmp -s "$k" "$o"; then
				paste -d' ' "$k" "$o" | awk -v m="$MAXLIST" '$1 != $2 && c++ < m { printf "    page %d: kernel %s ours %s\n", NR - 1, $1, $2 }'
				case " $KNOWN " in
				*" $v:$a "*) ;;
				*) status=1 ;;
				esac
			fi
		done
	done
done

if [ -n "$FIXTURES" ]; then
	mkdir -p "$FIXTURES"
	for i in $INPUTS; do
		[ "$i" = synthetic ] && continue
		f=$FIXTURES/$i.txt
		cols= files=
		for v in $VERSIONS; do
			for a in $ALGS; do
				cols="$cols $a@$v"
				files="$files $BUILD/out/k$v.$a.$i"
			done
		done
		{
			echo "# Compressed length of each page as the kernel's own compressors give"
			echo "# it (E: the crypto driver fails, the output does not fit 4096 bytes)."
			echo "# Made by scripts/kernel-check/codec-lengths.sh -w from Debian's"
			echo "# linux-source packages; input: $i (see docs/codecs.md)."
			echo "# columns: page$cols"
			# shellcheck disable=SC2086
			paste -d' ' $files | awk '{ print NR - 1, $0 }'
		} >"$f"
		echo "wrote $f"
	done
fi
exit $status
