/* Shim (see types.h): unaligned little/big-endian loads and stores. */
#ifndef ZSIM_SHIM_UNALIGNED_H
#define ZSIM_SHIM_UNALIGNED_H
#include <linux/types.h>
#define get_unaligned(p) ({ __typeof__(*(p)) v_; __builtin_memcpy(&v_, (p), sizeof(v_)); v_; })
#define put_unaligned(v, p) do { __typeof__(*(p)) v_ = (v); __builtin_memcpy((p), &v_, sizeof(v_)); } while (0)
#define ZSIM_SHIM_LE(bits) \
	static inline u##bits get_unaligned_le##bits(const void *p) { u##bits v; __builtin_memcpy(&v, p, sizeof(v)); return v; } \
	static inline void put_unaligned_le##bits(u##bits v, void *p) { __builtin_memcpy(p, &v, sizeof(v)); } \
	static inline u##bits get_unaligned_be##bits(const void *p) { u##bits v; __builtin_memcpy(&v, p, sizeof(v)); return __builtin_bswap##bits(v); } \
	static inline void put_unaligned_be##bits(u##bits v, void *p) { v = __builtin_bswap##bits(v); __builtin_memcpy(p, &v, sizeof(v)); }
ZSIM_SHIM_LE(16)
ZSIM_SHIM_LE(32)
ZSIM_SHIM_LE(64)
#endif
