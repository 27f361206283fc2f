/*
 * libversions.c - which compression libraries the codec drivers run on, and
 * their versions as the libraries themselves report them at run time (the
 * build-time version where a library has no such call: isa-l). Reports name
 * them so that a ratio or a latency can be traced to the code that made it;
 * the kernel has no equivalent (its compressors are part of the kernel).
 */
#include <lz4.h>
#include <lzo/lzoconf.h>
#include <pthread.h>
#include <stdio.h>
#include <zlib.h>
#include <zstd.h>
#ifdef ZSIM_HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif

#include "zswapsim/codec.h"

static struct zsim_codec_library libs[8];
static size_t nlibs;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void fill(void)
{
	size_t k = 0;
	libs[k++] = (struct zsim_codec_library){"lz4", LZ4_versionString()};
	libs[k++] = (struct zsim_codec_library){"zstd", ZSTD_versionString()};
	libs[k++] = (struct zsim_codec_library){"lzo2", lzo_version_string()};
	libs[k++] = (struct zsim_codec_library){"zlib", zlibVersion()};
#ifdef ZSIM_HAVE_LIBDEFLATE
	libs[k++] = (struct zsim_codec_library){"libdeflate", LIBDEFLATE_VERSION_STRING};
#endif
#if defined(ZSIM_HAVE_ISAL) && defined(ZSIM_ISAL_VERSION)
	libs[k++] = (struct zsim_codec_library){"isa-l", ZSIM_ISAL_VERSION};
#endif
	nlibs = k;
}

const struct zsim_codec_library *zsim_codec_libraries(size_t *n)
{
	pthread_once(&once, fill);
	if (n)
		*n = nlibs;
	return libs;
}
