/*
 * about.c - what the tool says about itself and where it ran: the one
 * program name every message starts with, --version (the tool, the library
 * and the compression libraries it links), and the environment a JSON
 * report records (host, kernel as uname(2) reports it, a UTC timestamp), so
 * that a report can be traced to the code and machine that made it.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

const char bench_prog[] = "zswapsim-bench";
int bench_verbosity = 1;

void bench_msg(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "%s: ", bench_prog);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void bench_codec_libraries_text(char *buf, size_t len)
{
	size_t n, used = 0;
	const struct zsim_codec_library *l = zsim_codec_libraries(&n);
	buf[0] = 0;
	for (size_t i = 0; i < n && used < len; i++) {
		int w = snprintf(buf + used, len - used, "%s%s %s", i ? ", " : "", l[i].name,
				 l[i].version);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

void bench_print_version(FILE *out)
{
	char libs[256];
	bench_codec_libraries_text(libs, sizeof(libs));
	fprintf(out, "%s %u.%u.%u (libzswapsim %s)\ncodec libraries: %s\n", bench_prog,
		ZSIM_VERSION_MAJOR, ZSIM_VERSION_MINOR, ZSIM_VERSION_PATCH, zsim_version_string(),
		libs);
}

void bench_env_get(struct bench_env *e)
{
	memset(e, 0, sizeof(*e));
	if (gethostname(e->host, sizeof(e->host) - 1))
		snprintf(e->host, sizeof(e->host), "unknown");
	struct utsname u;
	if (!uname(&u)) {
		snprintf(e->kernel, sizeof(e->kernel), "%s", u.release);
		snprintf(e->sysname, sizeof(e->sysname), "%s", u.sysname);
		snprintf(e->machine, sizeof(e->machine), "%s", u.machine);
	}
	time_t t = time(NULL);
	struct tm tm;
	if (gmtime_r(&t, &tm))
		strftime(e->timestamp, sizeof(e->timestamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
}
