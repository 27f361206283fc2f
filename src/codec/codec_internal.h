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
extern const struct zsim_codec_ops zsim_codec_deflate_iaa_ops;     /* iaa_codec.c */
extern const struct zsim_codec_ops zsim_codec_deflate_iaa_sim_ops; /* iaa_sim.c */

/*
 * The LZO1X-1 encoder and safe decoder behind "lzo-rle" (lzorle.c), also
 * reached by tests and benches. version 0 writes plain LZO1X (no header, no
 * zero runs), version 1 LZO-RLE. d_bits sizes the hash: 13 as the kernel,
 * 14 as liblzo2's lzo1x_1_compress; dict holds 1 << d_bits entries and dst
 * at least ZSIM_LZO1X_WORST(src_len) bytes: a run of 4 zeros costs 4
 * bytes and 4 literals before it 5, so LZO-RLE's growth is bounded by n/8
 * (LZO1X's usual n/16 bound does not hold).
 * The decoder returns 0 or ZSIM_ETRUNC / ZSIM_ENOSPC / ZSIM_EBADMSG.
 */
#define ZSIM_LZO1X_WORST(n) ((n) + (n) / 8 + 69)
size_t zsim_lzo1x_encode(const void *src, size_t src_len, void *dst, uint16_t *dict,
			 unsigned d_bits, unsigned version);
int zsim_lzo1x_decode(const void *src, size_t src_len, void *dst, size_t *dst_len);

int zsim_codec_spec_parse(const char *spec, char *name, size_t name_len,
			  struct zsim_codec_params *p, bool *level_set);
/* The same, but keys other than level/params are appended to args
 * ("k=v,k=v", args_len bytes) instead of failing; args NULL behaves as
 * zsim_codec_spec_parse. */
int zsim_codec_spec_parse_args(const char *spec, char *name, size_t name_len,
			       struct zsim_codec_params *p, bool *level_set, char *args,
			       size_t args_len);

#endif
