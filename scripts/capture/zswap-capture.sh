#!/bin/sh
# zswap-capture.sh - capture zswap's store/load/invalidate calls of this
# machine's running kernel into OUT ("zswap-capture 1" text, docs/capture.md)
# for `zswapsim-bench convert-capture`. Part of libzswapsim (MIT).
#
# usage: sudo scripts/capture/zswap-capture.sh OUT [SECONDS]
#   Runs until SECONDS have passed (default: until Ctrl-C).
# Needs: bpftrace (0.17+), a kernel with BTF (/sys/kernel/btf/vmlinux) and
# kprobes, root. bpftool, when present, tells how zswap_load's result reads
# (bool before the int rework, about 6.16); else the kernel version does.
# Environment: ZSWAP_LOAD_RET=bool|int and ZSWAP_INVALIDATE=entry|type_offset
# override the detection.
set -eu

out=${1:?usage: zswap-capture.sh OUT [SECONDS]}
secs=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
kernel=$(uname -r)
major=$(echo "$kernel" | cut -d. -f1)
minor=$(echo "$kernel" | cut -d. -f2 | sed 's/[^0-9].*//')
ver=$((major * 100 + minor))
if [ "$ver" -lt 606 ]; then
	echo "zswap-capture: kernel $kernel: only 6.6 and later are supported" >&2
	exit 2
fi

# The return type of a kernel function, from the BTF (empty if unknown).
btf_ret() {
	command -v bpftool >/dev/null 2>&1 || return 0
	bpftool btf dump file /sys/kernel/btf/vmlinux 2>/dev/null | awk -v fn="$1" '
		$2 == "FUNC" && $3 == "\x27" fn "\x27" { split($4, a, "="); proto = a[2] }
		{ line[$1] = $0 }
		END {
			if (!proto) exit
			split(line["[" proto "]"], p, " ")
			for (i in p) if (p[i] ~ /^ret_type_id=/) { split(p[i], r, "="); rid = r[2] }
			if (rid == 0) { print "void"; exit }
			n = split(line["[" rid "]"], t, " ")
			print t[3]
		}' | tr -d "'"
}
btf_args() {
	command -v bpftool >/dev/null 2>&1 || return 0
	bpftool btf dump file /sys/kernel/btf/vmlinux 2>/dev/null | awk -v fn="$1" '
		$2 == "FUNC" && $3 == "\x27" fn "\x27" { split($4, a, "="); proto = a[2] }
		{ line[$1] = $0 }
		END { if (proto) { split(line["[" proto "]"], p, " "); print p[5] } }'
}

load_ret=${ZSWAP_LOAD_RET:-}
if [ -z "$load_ret" ]; then
	case "$(btf_ret zswap_load)" in
	bool) load_ret=bool ;;
	int) load_ret=int ;;
	*) if [ "$ver" -ge 616 ]; then load_ret=int; else load_ret=bool; fi
	   echo "zswap-capture: no bpftool: guessing zswap_load returns $load_ret from $kernel" \
		"(set ZSWAP_LOAD_RET=bool|int to be sure)" >&2 ;;
	esac
fi
inval=${ZSWAP_INVALIDATE:-}
if [ -z "$inval" ]; then
	case "$(btf_args zswap_invalidate)" in
	vlen=1) inval=entry ;;
	vlen=2) inval=type_offset ;;
	*) if [ "$ver" -ge 610 ]; then inval=entry; else inval=type_offset; fi ;;
	esac
fi
arg=0
[ "$inval" = type_offset ] && arg=1

{
	echo "# zswap-capture 1"
	echo "# kernel=$kernel"
	echo "# nr_cpus=$(getconf _NPROCESSORS_CONF)"
	echo "# compressor=$(cat /sys/module/zswap/parameters/compressor 2>/dev/null || echo unknown)"
	echo "# zswap_enabled=$(cat /sys/module/zswap/parameters/enabled 2>/dev/null || echo unknown)"
	echo "# load_ret=$load_ret"
	echo "# invalidate=$inval"
	echo "# started=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
} > "$out"

if [ -n "$secs" ]; then
	timeout --signal=INT "$secs" bpftrace "$here/zswap-capture.bt" "$arg" >> "$out" || true
else
	bpftrace "$here/zswap-capture.bt" "$arg" >> "$out" || true
fi
echo "zswap-capture: wrote $out ($(grep -c '^[SLI] ' "$out" || true) events)" >&2
