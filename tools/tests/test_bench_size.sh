# test_bench_size.sh - `zswapsim-bench size`: the limit is the kernel's
# totalram_pages * percent / 100 pages, the headroom is limit - pool, the
# pages to disk add up, the JSON holds the same figures as the text, the
# sample is scaled back, a cycled corpus is said to be cycled, bad values
# are refused with their range, and the exit codes.
. "$(dirname "$0")/lib.sh"

CORPUS=$DATA/../../corpus/zswapsim-build.zpk
[ -f "$CORPUS" ] || fail "no shipped corpus at $CORPUS"

# bench_human_bytes as awk: "18.2 MiB".
human() {
	awk -v b="$1" 'BEGIN { split("B KiB MiB GiB TiB", u, " "); v = b; i = 1;
		while (v >= 1024 && i < 5) { v /= 1024; i++ }
		if (i == 1) printf "%d B\n", b; else printf "%.1f %s\n", v, u[i] }'
}

# --- the arithmetic, zswap, on the shipped corpus (cycled 1.5 times) ---------
expect_exit 0 "$BENCH" size --ram 1G --anon 40M --max-pool-percent 20 --frontend zswap \
	--compressor lz4 --compressor zstd --corpus "$CORPUS" --cpus 2 --json s.json
cp out s.txt
# 1 GiB = 262144 pages; 20% = 52428 pages (floored) = 214745088 bytes.
expect_json s.json zswap.limit_bytes 214745088
expect_json s.json zswap.max_pool_percent 20
expect_json s.json machine.ram_bytes 1073741824
expect_json s.json machine.cpus 2
expect_json s.json anon.pages 10240
expect_json s.json anon.bytes 41943040
expect_json s.json command size
expect_json s.json pages.distinct_pages 6981
expect_json s.json pages.cycled true
expect_json s.json replay.pages 10240
expect_json s.json replay.scale 1.0
jget s.json host.kernel >/dev/null || fail "no host in the JSON"
jget s.json timestamp >/dev/null || fail "no timestamp in the JSON"
expect_in s.txt "limit 204.8 MiB = 20% of 1.0 GiB"
expect_in s.txt "cycled 1.5 times"
for i in 0 1; do
	c=$(jget s.json cells.$i.compressor)
	pool=$(jget s.json cells.$i.pool_bytes)
	lim=$(jget s.json cells.$i.limit_bytes)
	head=$(jget s.json cells.$i.headroom_bytes)
	[ "$lim" = 214745088 ] || fail "$c: cell limit $lim"
	[ "$pool" -gt 0 ] || fail "$c: empty pool"
	[ "$head" = $((lim - pool)) ] || fail "$c: headroom $head != $lim - $pool"
	td=$(jget s.json cells.$i.to_disk_pages)
	wb=$(jget s.json cells.$i.written_back_pages)
	rj=$(jget s.json cells.$i.rejected_pages)
	[ "$td" = $((wb + rj)) ] || fail "$c: to disk $td != $wb + $rj"
	stored=$(jget s.json cells.$i.stored_pages)
	zero=$(jget s.json cells.$i.zero_pages)
	[ $((stored + zero + td)) = 10240 ] || fail "$c: $stored + $zero + $td pages != 10240"
	# ratio = stored x 4096 / pool
	awk -v r="$(jget s.json cells.$i.ratio)" -v s="$stored" -v p="$pool" \
		'BEGIN { e = s * 4096 / p - r; exit !(e < 1e-6 && e > -1e-6) }' ||
		fail "$c: ratio is not stored x 4096 / pool"
	# convergence = (ratio - ratio at half) / ratio, in %
	awk -v r="$(jget s.json cells.$i.ratio)" -v h="$(jget s.json cells.$i.ratio_half)" \
		-v c="$(jget s.json cells.$i.convergence_pct)" \
		'BEGIN { e = (r - h) / r * 100 - c; exit !(e < 1e-6 && e > -1e-6) }' ||
		fail "$c: convergence_pct is not (ratio - ratio_half) / ratio"
	# a cycled corpus: the own-pages ratio is there, and lower
	awk -v r="$(jget s.json cells.$i.ratio)" -v o="$(jget s.json cells.$i.ratio_own)" \
		'BEGIN { exit !(o > 0 && o < r) }' || fail "$c: own ratio not below the cycled one"
	[ "$(jget s.json cells.$i.latency_ns.load.count)" = 10240 ] || fail "$c: load count"
	# the text row shows the JSON's pool, limit and headroom
	grep -E "^$c " s.txt >row || fail "$c: no row in the table"
	for v in "$(human "$pool")" "$(human "$lim")" "$(human "$head")"; do
		expect_in row "$v"
	done
done
rec=$(jget s.json recommendation.zswap.compressor) || fail "no zswap recommendation"
case $rec in lz4|zstd) ;; *) fail "recommended '$rec'" ;; esac
expect_in s.txt "recommendation: zswap: choose $rec: pool"
jget s.json recommendation.zswap.text >rec.txt
expect_in rec.txt "choose $rec"

# The same run gives the same pool (one replay thread: deterministic).
expect_exit 0 "$BENCH" size --ram 1G --anon 40M --frontend zswap --compressor lz4 \
	--corpus "$CORPUS" --cpus 2 --json s2.json -q
[ -s out ] && fail "-q printed the table"
[ "$(jget s2.json cells.0.pool_bytes)" = "$(jget s.json cells.0.pool_bytes)" ] ||
	fail "two runs of the same size differ"

# --- the limit reached: pages go to disk, headroom stays limit - pool -------
expect_exit 0 "$BENCH" size --ram 64M --anon 48M --max-pool-percent 5 --frontend zswap \
	--compressor lz4 --cpus 1 --json l.json -q
lim=$(jget l.json cells.0.limit_bytes)
pool=$(jget l.json cells.0.pool_bytes)
[ "$lim" = $((16384 * 5 / 100 * 4096)) ] || fail "limit at 5% of 64M: $lim"
[ "$(jget l.json cells.0.headroom_bytes)" = $((lim - pool)) ] || fail "headroom at the limit"
[ "$(jget l.json cells.0.to_disk_pages)" -gt 0 ] || fail "nothing to disk at the limit"
[ "$(jget l.json pages.cycled)" = false ] || fail "synthetic content called cycled"

# --- the sample scaled back ------------------------------------------------
expect_exit 0 "$BENCH" size --ram 1G --anon 16384p --sample 4096 --frontend zswap \
	--compressor lz4 --corpus "$CORPUS" --cpus 1 --json sc.json
expect_json sc.json replay.pages 4096
expect_json sc.json replay.scale 4.0
expect_json sc.json replay.ram_bytes 268435456
expect_in out "scaled back x4"
# the limit is the real machine's, the counts the whole anon's
expect_json sc.json cells.0.limit_bytes 214745088
st=$(jget sc.json cells.0.stored_pages)
ze=$(jget sc.json cells.0.zero_pages)
td=$(jget sc.json cells.0.to_disk_pages)
[ $((st + ze + td)) -ge 16380 ] && [ $((st + ze + td)) -le 16388 ] ||
	fail "scaled counts $st + $ze + $td are not the 16384 pages"

# --- zram: disksize default min(RAM/2, 4G), pages past it --------------------
expect_exit 0 "$BENCH" size --ram 64M --anon 48M --frontend zram --compressor lz4 \
	--corpus "$CORPUS" --cpus 1 --json z.json
expect_json z.json zram.disksize_bytes 33554432
expect_json z.json zram.disksize_default true
expect_json z.json cells.0.frontend zram
expect_json z.json cells.0.limit_bytes null
past=$(jget z.json cells.0.past_disksize_pages)
[ "$past" = 4096 ] || fail "zram: $past pages past an 8192-page disk of 12288 stored"
[ "$(jget z.json cells.0.to_disk_pages)" = $((past + $(jget z.json cells.0.refused_pages))) ] ||
	fail "zram: to disk is not past disksize + refused"
expect_in out "min(RAM/2, 4 GiB)"
expect_in out "--disksize 48.0 MiB or more"
# a mem_limit is a limit: headroom = mem_limit - pool
expect_exit 0 "$BENCH" size --ram 64M --anon 16M --frontend zram --compressor lz4 \
	--mem-limit 2M --corpus "$CORPUS" --cpus 1 --json zm.json -q
expect_json zm.json cells.0.limit_bytes 2097152
pool=$(jget zm.json cells.0.pool_bytes)
[ "$(jget zm.json cells.0.headroom_bytes)" = $((2097152 - pool)) ] || fail "zram headroom"
[ "$(jget zm.json cells.0.refused_pages)" -gt 0 ] || fail "mem_limit 2M refused nothing"

# --- bad values: refused, with the range ------------------------------------
expect_exit 2 "$BENCH" size --ram 0 --anon 1G
expect_in err "bad value '0' for --ram (bytes, K/M/G/T suffixes, 1M..1P)"
expect_in err "zswapsim-bench: size:"
for v in -1G NaN 1.5G 0p; do
	expect_exit 2 "$BENCH" size --ram 1G --anon "$v"
	expect_in err "bad value '$v' for --anon (bytes with K/M/G/T suffixes or Np pages; 4K..16T, 1p..4294967296p)"
done
expect_exit 2 "$BENCH" size --ram nan --anon 1G
expect_in err "(bytes, K/M/G/T suffixes, 1M..1P)"
expect_exit 2 "$BENCH" size --ram 1G --anon 1G --max-pool-percent 0
expect_in err "(1..100)"
expect_exit 2 "$BENCH" size --ram 1G --anon 1G --max-pool-percent 101
expect_in err "(1..100)"
expect_exit 2 "$BENCH" size --ram 1G --anon 1G --cpus 0
expect_in err "(1..4096)"
expect_exit 2 "$BENCH" size --ram 1G --anon 1G --frontend zfs
expect_in err "(zswap, zram or both)"
expect_exit 2 "$BENCH" size --ram 1G --anon 1G --sample 3
expect_in err "(64..4294967296)"
expect_exit 2 "$BENCH" size --ram 1G --anon 1G --disksize -4G
expect_in err "(bytes, K/M/G/T suffixes, 1M..16T)"
expect_exit 2 "$BENCH" size --ram 1G --anon 1G stray
expect_in err "unexpected argument 'stray'"
expect_exit 2 "$BENCH" size --frob
# unknown names: 5, before any replay
expect_exit 5 "$BENCH" size --ram 1G --anon 1M --compressor nosuch
expect_in err "unknown compressor 'nosuch'"
expect_exit 5 "$BENCH" size --ram 1G --anon 1M --frontend zswap --profile 9.9
expect_in err "unknown profile '9.9'"
expect_exit 5 "$BENCH" size --ram 1G --anon 1M --profile 6.18
expect_in err "unknown zram profile '6.18'"
expect_exit 5 "$BENCH" size --ram 1G --anon 1M --frontend zram --compressor nosuch
expect_in err "zram cannot use compressor 'nosuch'"
# files: 3 with the OS's reason, 3 for a missing corpus
expect_exit 3 "$BENCH" size --ram 1G --anon 1M --frontend zswap --compressor lz4 \
	--json "$TMP/no/such/dir/s.json"
expect_in err "No such file or directory"
expect_exit 3 "$BENCH" size --ram 1G --anon 1M --corpus "$TMP/missing.zpk"
expect_in err "No such file or directory"
# help, and the verb in the list of verbs
expect_exit 0 "$BENCH" size --help
expect_in out "--max-pool-percent N"
expect_in out "min(RAM/2, 4 GiB)"
expect_exit 2 "$BENCH" frobnicate
expect_in err "size"
expect_exit 0 "$BENCH" --help
expect_in out "zswapsim-bench size"
echo "ok"
