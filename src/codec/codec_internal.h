/*
 * codec_internal.h - what the codec layer shares inside the library: the
 * built-in driver tables and the spec parser. Layer: codec (depends only on
 * common).
 */
#ifndef ZSIM_CODEC_INTERNAL_H
#define ZSIM_CODEC_INTERNAL_H

#include <stdbool.h>

#include "zswapsim/codec.h"

/* NULL-terminated list of the built-in drivers (builtin.c). */
extern const struct zsim_codec_ops *const zsim_codec_builtins[];

extern const struct zsim_codec_ops zsim_codec_lz4_ops;
extern const struct zsim_codec_ops zsim_codec_lz4hc_ops;
extern const struct zsim_codec_ops zsim_codec_zstd_ops;
extern const struct zsim_codec_ops zsim_codec_lzo_ops;
extern const struct zsim_codec_ops zsim_codec_lzorle_ops;
extern const struct zsim_codec_ops zsim_codec_deflate_zlib_ops;
extern const struct zsim_codec_ops zsim_codec_deflate_libdeflate_ops;
extern const struct zsim_codec_ops zsim_codec_deflate_isal_ops;

int zsim_codec_spec_parse(const char *spec, char *name, size_t name_len,
			  struct zsim_codec_params *p, bool *level_set);

#endif
