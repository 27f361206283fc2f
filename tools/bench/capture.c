/*
 * capture.c - `zswapsim-bench convert-capture`: a live-kernel capture made
 * by scripts/capture/zswap-capture.sh into a trace, through the library's
 * zsim_capture_convert (zswapsim/capture.h). Public API only. Not a
 * kernel model; see docs/capture.md for what a capture can and cannot say
 * (page contents are chosen by --content).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "harvest.h"

static void usage(FILE *out)
{
	fprintf(out,
"usage: zswapsim-bench convert-capture CAPTURE OUT [OPTIONS]\n"
"\n"
"Turns a capture of a live kernel's zswap_store/zswap_load/zswap_invalidate\n"
"calls (scripts/capture/zswap-capture.sh, docs/capture.md) into a trace: OUT\n"
"ending in .csv is CSV, anything else binary ZSWT (which keeps pid and the\n"
"kernel's result per event). Replay it with: zswapsim-bench --trace OUT\n"
"[--corpus STORE] --cpus N (N above the highest CPU in the capture).\n"
"\n"
"A capture has no page contents; stores get them by --content:\n"
"  class (default)   stores the kernel accepted: --stored-class (typical),\n"
"                    stores it refused: --rejected-class (random); a seed per folio\n"
"  page              accepted stores take the next pages of --corpus FILE (a page\n"
"                    store or raw pages) in order, wrapping around; refused ones\n"
"                    the rejected class\n"
"  fixed             every store the --stored-class\n"
"\n"
"OPTIONS\n"
"  --content class|page|fixed\n"
"  --corpus FILE         with --content page (its page count is what matters)\n"
"  --stored-class NAME   zero, same, mostly-zero, text, pointer, typical, random\n"
"  --rejected-class NAME\n"
"  --seed N              seeds of class content (default 1)\n"
"  --load-ret bool|int   how zswap_load's result reads, if the header lacks it\n"
"  --swap-slots N        slots per swap type (default: the highest used, rounded\n"
"                        up to 16384)\n"
"  --quiet\n"
"\n"
"Exit codes: 0 ok, 2 usage, 3 cannot read/write, 4 bad corpus,\n"
"10..18 malformed capture (as for traces: 10 not a capture, 12 bad header,\n"
"14 malformed line, 15 unknown event, 16 bad number, 17 out of range).\n");
}

static int corpus_pages(const char *path, uint64_t *pages)
{
	int probe = zsim_pagestore_probe_file(path);
	if (probe < 0) {
		fprintf(stderr, "zswapsim-bench: %s: cannot read: %s\n", path, strerror(errno));
		return BX_IO;
	}
	if (probe) {
		struct zsim_pagestore *ps;
		struct zsim_pagestore_error err;
		if (zsim_pagestore_open(path, &ps, &err)) {
			fprintf(stderr, "zswapsim-bench: %s\n", err.message);
			return BX_CORPUS;
		}
		struct zsim_pagestore_info i;
		zsim_pagestore_info(ps, &i);
		*pages = i.pages;
		zsim_pagestore_close(ps);
	} else {
		FILE *f = fopen(path, "rb");
		if (!f || fseek(f, 0, SEEK_END)) {
			fprintf(stderr, "zswapsim-bench: %s: cannot open: %s\n", path, strerror(errno));
			if (f)
				fclose(f);
			return BX_IO;
		}
		long sz = ftell(f);
		fclose(f);
		if (sz <= 0 || sz % ZSIM_PAGE_SIZE) {
			fprintf(stderr, "zswapsim-bench: %s: not a page store nor raw 4096-byte pages\n",
				path);
			return BX_CORPUS;
		}
		*pages = (uint64_t)sz / ZSIM_PAGE_SIZE;
	}
	if (!*pages) {
		fprintf(stderr, "zswapsim-bench: %s: no pages\n", path);
		return BX_CORPUS;
	}
	return 0;
}

int bench_cmd_convert_capture(int argc, char **argv)
{
	enum { C_CONTENT = 256, C_CORPUS, C_STORED, C_REJECTED, C_SEED, C_LOADRET, C_SLOTS,
	       C_QUIET, C_HELP };
	static const struct option lo[] = {
		{"content", required_argument, NULL, C_CONTENT},
		{"corpus", required_argument, NULL, C_CORPUS},
		{"stored-class", required_argument, NULL, C_STORED},
		{"rejected-class", required_argument, NULL, C_REJECTED},
		{"seed", required_argument, NULL, C_SEED},
		{"load-ret", required_argument, NULL, C_LOADRET},
		{"swap-slots", required_argument, NULL, C_SLOTS},
		{"quiet", no_argument, NULL, C_QUIET},
		{"help", no_argument, NULL, C_HELP},
		{NULL, 0, NULL, 0},
	};
	struct zsim_capture_opts o;
	zsim_capture_opts_init(&o);
	const char *corpus = NULL;
	bool quiet = false;
	int opt;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		const char *range = "";
		switch (opt) {
		case C_CONTENT:
			range = "class, page or fixed";
			if (!strcmp(optarg, "class"))
				o.content = ZSIM_CAPTURE_CONTENT_CLASS;
			else if (!strcmp(optarg, "page"))
				o.content = ZSIM_CAPTURE_CONTENT_PAGE;
			else if (!strcmp(optarg, "fixed"))
				o.content = ZSIM_CAPTURE_CONTENT_FIXED;
			else
				goto bad;
			break;
		case C_CORPUS: corpus = optarg; break;
		case C_STORED:
		case C_REJECTED: {
			range = "a page class: zero, same, text, pointer, typical, random";
			enum zsim_page_class cls;
			if (zsim_page_class_from_name(optarg, &cls))
				goto bad;
			if (opt == C_STORED)
				o.stored_class = cls;
			else
				o.rejected_class = cls;
			break;
		}
		case C_SEED:
			range = "0..18446744073709551615";
			if (bench_parse_u64(optarg, &o.seed))
				goto bad;
			break;
		case C_LOADRET:
			range = "bool or int";
			if (!strcmp(optarg, "bool"))
				o.load_ret = ZSIM_CAPTURE_LOAD_RET_BOOL;
			else if (!strcmp(optarg, "int"))
				o.load_ret = ZSIM_CAPTURE_LOAD_RET_INT;
			else
				goto bad;
			break;
		case C_SLOTS:
			range = "1..4294967296";
			if (bench_parse_u64(optarg, &o.swap_slots) || !o.swap_slots ||
			    o.swap_slots > (UINT64_C(1) << 32))
				goto bad;
			break;
		case C_QUIET: quiet = true; break;
		case 'h': case C_HELP: usage(stdout); return BX_OK;
		default:
			fprintf(stderr, "zswapsim-bench: try \'zswapsim-bench convert-capture --help\'\n");
			return BX_USAGE;
		}
		continue;
	bad:
		fprintf(stderr, "zswapsim-bench: bad value '%s' for --%s (%s)\n", optarg,
			lo[opt - C_CONTENT].name, range);
		return BX_USAGE;
	}
	if (argc - optind != 2) {
		fprintf(stderr, "usage: zswapsim-bench convert-capture CAPTURE OUT [OPTIONS] (--help)\n");
		return BX_USAGE;
	}
	if ((o.content == ZSIM_CAPTURE_CONTENT_PAGE) != (corpus != NULL)) {
		fprintf(stderr, "zswapsim-bench: --content page and --corpus FILE go together\n");
		return BX_USAGE;
	}
	if (corpus) {
		int rc = corpus_pages(corpus, &o.corpus_pages);
		if (rc)
			return rc;
	}
	const char *in = argv[optind], *out = argv[optind + 1];
	struct zsim_capture_stats st;
	struct zsim_trace_error err;
	int rc = zsim_capture_convert(in, out, &o, &st, &err);
	if (rc) {
		fprintf(stderr, "zswapsim-bench: %s\n", err.message);
		return rc == ZSIM_EINVAL ? BX_USAGE : bench_exit_for_trace(err.kind);
	}
	if (quiet)
		return BX_OK;
	fprintf(stderr,
		"zswapsim-bench: %s (kernel %s) -> %s: %" PRIu64 " events: %" PRIu64
		" stores (%" PRIu64 " pages, %" PRIu64 " refused), %" PRIu64 " loads (%" PRIu64
		" hit, %" PRIu64 " missed, %" PRIu64 " failed), %" PRIu64 " invalidates\n",
		in, st.kernel_release[0] ? st.kernel_release : "?", out, st.events, st.stores,
		st.store_pages, st.stores_rejected, st.loads, st.load_hits, st.load_misses,
		st.load_errors, st.invalidates);
	for (unsigned t = 0; t < ZSIM_TRACE_MAX_SWAP_TYPES; t++)
		if (st.slots[t])
			fprintf(stderr, "zswapsim-bench: swap type %u: %" PRIu64 " slots\n", t,
				st.slots[t]);
	fprintf(stderr, "zswapsim-bench: memcgs:");
	for (unsigned m = 0; m < st.memcgs && m < ZSIM_CAPTURE_MAX_MEMCG_MAP; m++)
		fprintf(stderr, " %u=cgroup %" PRIu64, m, st.memcg_cgroup_id[m]);
	fprintf(stderr, "%s\n", st.memcgs > ZSIM_CAPTURE_MAX_MEMCG_MAP ? " ..." : "");
	if (st.lost)
		fprintf(stderr, "zswapsim-bench: warning: bpftrace lost %" PRIu64
				" events; the trace misses them\n", st.lost);
	if (st.late)
		fprintf(stderr, "zswapsim-bench: warning: %" PRIu64
				" events arrived out of order beyond the re-order window\n", st.late);
	return BX_OK;
}
