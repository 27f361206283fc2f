/*
 * harvest.h - zswapsim-bench's real-data sub-commands (harvest.c,
 * capture.c): `harvest` (a process's memory into a page store),
 * `pagestore` (inspect, verify, pack, unpack, allocator-only sizes) and
 * `convert-capture` (a live-kernel capture into a trace), plus the hook
 * that lets --corpus take a page store. Kept apart from bench.h so the
 * rest of the tool needs no change beyond one dispatch and one hook.
 */
#ifndef ZSIM_BENCH_HARVEST_H
#define ZSIM_BENCH_HARVEST_H

#include <stdbool.h>
#include <stddef.h>

struct bench_input;

/* Exit codes of these sub-commands beyond bench.h's (their --help lists
 * them). */
enum bench_harvest_exit {
	BX_HARVEST_PERM = 30,   /* not allowed to read the process */
	BX_HARVEST_GONE = 31,   /* the process vanished / does not exist */
	BX_HARVEST_RUN = 32,    /* the command could not be started */
	BX_CAPTURE = 33,        /* a capture file is malformed */
};

/* A corrupt or truncated page store exits with BX_CORPUS (bench.h). */

/* True if name is one of the sub-commands here. */
bool bench_extra_command(const char *name);
/* Run it: argv[0] is the sub-command's name. Returns the exit code. */
int bench_extra_main(int argc, char **argv);

/*
 * --corpus hook: if path is a page store (by its magic), decode all its
 * logical pages into in->corpus (in->map_len = 0) and return 0, or a BX_*
 * code with a message naming the byte offset; -1 if it is not a page
 * store (the caller reads it as raw pages).
 */
int bench_pagestore_corpus(struct bench_input *in, const char *path, char *err, size_t errlen);

/* capture.c: `zswapsim-bench convert-capture` (argv[0] = its name). */
int bench_cmd_convert_capture(int argc, char **argv);

#endif
