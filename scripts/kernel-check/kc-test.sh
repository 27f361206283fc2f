#!/usr/bin/env bash
# kernel-check: boot a real Debian kernel under qemu (TCG), swap a page file
# out through its zswap (or zram), and compare every counter it prints with
# what libzswapsim reports for the same pages in the same order.
#
#   scripts/kernel-check/kernel-check [--kernel 6.1|6.12] [--compressor C]
#       [--scenario NAME] [--pages FILE.zpk|FILE.raw|synthetic] [--npages N]
#       [--runs N] [--work DIR] [--build DIR] [--keep-going]
#   scripts/kernel-check/kernel-check --matrix     every kernel x compressor x scenario
#
# Scenarios: fill (swap out, read back), limit (max_pool_percent=2),
# shrinker (dynamic shrinker on, pool limit 10%), memcg-max
# (memory.zswap.max = 8 MiB), memcg-nowb (zswap.max 8 MiB and
# memory.zswap.writeback=0, 6.12), mthp (THP on: large folios), zram.
#
# Needs: qemu-system-x86, busybox-static, cpio, kmod, xz-utils and apt-get
# download access to Debian's kernel packages (no root needed for that).
# Exit: 0 every claimed counter matched, 1 a mismatch, 2 usage, 77 the
# kernels or qemu cannot be had here (ctest SKIP).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
kernel=6.12 compressor=lz4 scenario=fill pages=synthetic npages=16384 runs=1
work=$root/build/kernel-check build=$root/build/release matrix=0 keep=0
while [ $# -gt 0 ]; do
  case $1 in
    --kernel) kernel=$2; shift ;;
    --compressor) compressor=$2; shift ;;
    --scenario) scenario=$2; shift ;;
    --pages) pages=$2; shift ;;
    --npages) npages=$2; shift ;;
    --runs) runs=$2; shift ;;
    --work) work=$2; shift ;;
    --build) build=$2; shift ;;
    --matrix) matrix=1 ;;
    --keep-going) keep=1 ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "kernel-check: unknown option '$1' (--help lists them)" >&2; exit 2 ;;
  esac
  shift
done
skip() { echo "kernel-check: SKIP: $*" >&2; exit 77; }
die() { echo "kernel-check: $*" >&2; exit 2; }

command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 not installed (apt-get install qemu-system-x86)"
bb=$(command -v busybox || true)
[ -n "$bb" ] && file -L "$bb" 2>/dev/null | grep -q static || bb=/bin/busybox
[ -x "$bb" ] || skip "busybox-static not installed"
for t in cpio depmod modprobe xz gzip gcc; do command -v $t >/dev/null || skip "$t not installed"; done
kcheck=$build/tools/zswapsim-kcheck
bench=$build/tools/zswapsim-bench

mkdir -p "$work/debs" "$work/k" "$work/runs"

# The image package behind the kernel series Debian 12 ships.
image_pkg() {
  case $1 in
    6.1) meta=linux-image-amd64 ;;
    6.12) meta=linux-image-6.12-amd64 ;;
    *) die "unknown kernel '$1' (6.1 or 6.12)" ;;
  esac
  apt-cache depends "$meta" 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}'
}

prepare_kernel() { # $1 = 6.1|6.12 -> sets kdir kver
  local pkg deb
  pkg=$(image_pkg "$1")
  [ -n "$pkg" ] || skip "apt-cache knows no image package for $1 (apt-get update?)"
  kdir=$work/k/$pkg
  if [ ! -f "$kdir/initrd.gz" ]; then
    deb=$(ls "$work/debs/${pkg}_"*.deb 2>/dev/null | head -1 || true)
    if [ -z "$deb" ]; then
      (cd "$work/debs" && apt-get download "$pkg" >/dev/null 2>&1) || skip "cannot download $pkg"
      deb=$(ls "$work/debs/${pkg}_"*.deb | head -1)
    fi
    rm -rf "$kdir"; mkdir -p "$kdir/x" "$kdir/initrd/mod" "$kdir/initrd/bin" "$kdir/initrd/proc" "$kdir/initrd/sys" "$kdir/initrd/dev" "$kdir/initrd/tmp"
    dpkg -x "$deb" "$kdir/x"
    kver=$(ls "$kdir/x/lib/modules")
    depmod -b "$kdir/x" "$kver"
    : > "$kdir/initrd/modules.list"
    for m in virtio_pci virtio_blk zsmalloc lz4 lz4hc zstd zram; do
      modprobe -d "$kdir/x" -S "$kver" --show-depends "$m" 2>/dev/null | awk '$1=="insmod"{print $2}'
    done | awk '!seen[$0]++' | while read -r ko; do
      b=$(basename "$ko"); b=${b%.xz}; b=${b%.zst}
      case $ko in *.xz) xz -dc "$ko" > "$kdir/initrd/mod/$b" ;; *.zst) zstd -qdc "$ko" > "$kdir/initrd/mod/$b" ;; *) cp "$ko" "$kdir/initrd/mod/$b" ;; esac
      echo "$b" >> "$kdir/initrd/modules.list"
    done
    cp "$bb" "$kdir/initrd/bin/busybox"
    cp "$here/init" "$kdir/initrd/init"
    gcc -static -O2 -o "$kdir/initrd/kcheck-guest" "$here/guest.c"
    (cd "$kdir/initrd" && find . | cpio -o -H newc 2>/dev/null | gzip -1) > "$kdir/initrd.gz"
  fi
  kver=$(ls "$kdir/x/lib/modules")
}

prepare_pages() { # -> pagefile
  case $pages in
    synthetic) pagefile=$work/synthetic-$npages.raw
      [ -f "$pagefile" ] || "$bench" --pages "$npages" --emit-corpus "$pagefile" >/dev/null ;;
    *.raw) pagefile=$pages ;;
    *) pagefile=$work/$(basename "$pages").raw
      [ -f "$pagefile" ] || "$bench" --corpus "$pages" --emit-corpus "$pagefile" >/dev/null ;;
  esac
  npages=$(( $(stat -c %s "$pagefile") / 4096 ))
}

# Scenario -> guest settings and the simulator's options.
scenario_env() {
  local s=$1 k=$2
  env_words="KC_COMP=$compressor KC_PAGES=$npages"
  case $s in
    fill) env_words+=" KC_MPP=20" ;;
    limit) env_words+=" KC_MPP=2 KC_SHRINKER=N" ;;
    shrinker) [ "$k" = 6.1 ] && return 1; env_words+=" KC_MPP=20 KC_SHRINKER=Y" ;;
    memcg-max) [ "$k" = 6.1 ] && return 1; env_words+=" KC_MPP=20 KC_ZSWAP_MAX=8388608" ;;
    memcg-nowb) [ "$k" = 6.1 ] && return 1; env_words+=" KC_MPP=20 KC_ZSWAP_MAX=8388608 KC_ZSWAP_WB=0" ;;
    mthp) env_words+=" KC_MPP=20 KC_THP=always KC_MTHP=inherit" ;;
    zram) env_words+=" KC_FRONTEND=zram" ;;
    *) die "unknown scenario '$s'" ;;
  esac
  return 0
}

run_one() { # kernel compressor scenario run -> log path in $log
  local k=$1 c=$2 s=$3 r=$4
  compressor=$c
  scenario_env "$s" "$k" || { echo "kernel-check: $k $s: not in this kernel, skipped"; return 3; }
  prepare_kernel "$k"
  prepare_pages
  log=$work/runs/$k-$c-$s-$(basename "$pagefile" .raw)-run$r.log
  if [ ! -s "$log" ] || ! grep -q '^KC done=1' "$log"; then
    local swap=$work/runs/swap-$$.img
    rm -f "$swap"; truncate -s $(( npages * 4096 * 2 + (64 << 20) )) "$swap"
    echo "kernel-check: booting $kver ($s, $c, $npages pages, run $r) ..." >&2
    timeout 900 qemu-system-x86_64 -accel tcg -cpu max -m 1G -smp 1 \
      -nodefaults -display none -no-reboot \
      -kernel "$kdir/x/boot/vmlinuz-$kver" -initrd "$kdir/initrd.gz" \
      -append "console=ttyS0 panic=-1 quiet loglevel=1 transparent_hugepage=never $env_words" \
      -serial "file:$log.tmp" \
      -drive "file=$swap,format=raw,if=virtio,cache=unsafe" \
      -drive "file=$pagefile,format=raw,if=virtio,readonly=on" >/dev/null 2>&1 || true
    rm -f "$swap"
    tr -d '\r' < "$log.tmp" | grep -a '^KC ' > "$log" || true
    rm -f "$log.tmp"
    grep -q '^KC done=1' "$log" || { echo "kernel-check: the guest did not finish; its console: $log" >&2; return 2; }
  fi
  return 0
}

compare_one() { # kernel compressor scenario
  local k=$1 c=$2 s=$3 logs=() rc=0 r
  for r in $(seq 1 "$runs"); do
    run_one "$k" "$c" "$s" "$r" || { rc=$?; [ $rc = 3 ] && return 0; return $rc; }
    logs+=("$log")
  done
  grep -E "zswpin|stored_pages|reclaim|anon|map=|error" "${logs[@]}"
}

if [ $matrix = 1 ]; then
  fails=0
  for k in 6.1 6.12; do for c in lz4 zstd; do
    for s in fill limit shrinker memcg-max memcg-nowb mthp zram; do
      compare_one "$k" "$c" "$s" || fails=$((fails + 1))
    done
  done; done
  [ $fails = 0 ] || { echo "kernel-check: $fails comparison(s) with mismatches" >&2; exit 1; }
  exit 0
fi
compare_one "$kernel" "$compressor" "$scenario"
