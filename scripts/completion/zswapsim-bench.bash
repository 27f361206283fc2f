# bash completion for zswapsim-bench (installed as
# share/bash-completion/completions/zswapsim-bench).
_zswapsim_bench()
{
	local cur prev words cword
	_init_completion || return
	local verbs="run compare sweep convert size harvest pagestore convert-capture"
	local opts="--corpus --snapshot --trace --workload --pages --order --ops --mem-limit --seed
		--mix --emit-trace --emit-corpus --profile --compressor --codec-arg --zpool
		--chain-size --max-pool-percent --accept-threshold --ram --cpus --batch
		--config --threads --verify --swapdev --fault --json --timeline
		--timeline-every --quiet --verbose --help --version --input --out --jobs
		--emit-jobs --merge --to --plot --classes --class-plot --frontend --disksize"
	local harvest_opts="--out --interval --pid --count --stop-after
		--stop-at-rss --stop-signal --follow-children --no-follow --include-stack
		--clen --level --frame-pages --no-meta --quiet --help"
	local size_opts="--ram --cpus --anon --frontend --profile --max-pool-percent
		--disksize --mem-limit --compressor --corpus --snapshot --mix --seed --sample
		--json --quiet --verbose --help --version"
	case $prev in
	--corpus|--trace|--json|--timeline|--emit-trace|--emit-corpus|--emit-jobs|--plot|\
	--class-plot)
		_filedir; return ;;
	--out|--merge)
		if [[ ${words[1]} == sweep ]]; then _filedir -d; else _filedir; fi
		return ;;
	--workload) COMPREPLY=($(compgen -W "fill usemem mthp hotcold" -- "$cur")); return ;;
	--profile) COMPREPLY=($(compgen -W "6.1 6.12 6.13 6.18 latest" -- "$cur")); return ;;
	--compressor)
		COMPREPLY=($(compgen -W "lz4 lz4hc zstd lzo lzo-rle deflate deflate-iaa deflate-iaa-sim" -- "$cur"))
		return ;;
	--zpool) COMPREPLY=($(compgen -W "zsmalloc ideal malloc" -- "$cur")); return ;;
	--batch) COMPREPLY=($(compgen -W "on off auto" -- "$cur")); return ;;
	--swapdev) COMPREPLY=($(compgen -W "memory file" -- "$cur")); return ;;
	--frontend)
		if [[ ${words[1]} == size ]]; then COMPREPLY=($(compgen -W "zswap zram both" -- "$cur"))
		else COMPREPLY=($(compgen -W "zswap zram" -- "$cur")); fi
		return ;;
	--sample) COMPREPLY=($(compgen -W "all" -- "$cur")); return ;;
	--to) COMPREPLY=($(compgen -W "csv binary" -- "$cur")); return ;;
	--snapshot) COMPREPLY=($(compgen -W "last largest all" -- "$cur")); return ;;
	--pages|--order|--ops|--mem-limit|--seed|--mix|--codec-arg|--chain-size|\
	--max-pool-percent|--accept-threshold|--ram|--cpus|--config|-c|--threads|--fault|\
	--timeline-every|--input|-i|--jobs|--interval|--pid|--count|--clen|--level|\
	--frame-pages|--stop-after|--stop-at-rss|--stop-signal|--anon|--disksize)
		return ;;
	esac
	if ((cword == 1)) && [[ $cur != -* ]]; then
		COMPREPLY=($(compgen -W "$verbs" -- "$cur"))
		return
	fi
	case ${words[1]} in
	harvest)
		if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "$harvest_opts" -- "$cur")); fi
		return ;;
	size)
		COMPREPLY=($(compgen -W "$size_opts -h -V -q -v" -- "$cur"))
		return ;;
	convert|convert-capture|pagestore)
		if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "--to --help" -- "$cur")); else _filedir; fi
		return ;;
	esac
	COMPREPLY=($(compgen -W "$opts -h -V -q -v" -- "$cur"))
}
complete -F _zswapsim_bench zswapsim-bench
