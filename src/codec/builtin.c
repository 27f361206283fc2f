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
	&zsim_codec_lzorle_ops,
	&zsim_codec_deflate_zlib_ops,
#ifdef ZSIM_HAVE_LIBDEFLATE
	&zsim_codec_deflate_libdeflate_ops,
#endif
#ifdef ZSIM_HAVE_ISAL
	&zsim_codec_deflate_isal_ops,
#endif
	&zsim_codec_deflate_iaa_ops,
	&zsim_codec_deflate_iaa_sim_ops,
	NULL,
};
