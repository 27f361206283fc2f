/*
 * builtin.c - the list of drivers registered on first use of the registry.
 * Add a driver here and declare its ops in codec_internal.h.
 */
#include "codec/codec_internal.h"

const struct zsim_codec_ops *const zsim_codec_builtins[] = {
	&zsim_codec_lz4_ops,
	&zsim_codec_lz4hc_ops,
	&zsim_codec_zstd_ops,
	&zsim_codec_lzo_ops,
	NULL,
};
