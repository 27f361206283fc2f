/* Shim (see types.h). */
#ifndef ZSIM_SHIM_BITOPS_H
#define ZSIM_SHIM_BITOPS_H
#define BITS_PER_LONG 64
static inline unsigned long __ffs(unsigned long x) { return (unsigned long)__builtin_ctzl(x); }
static inline unsigned long __fls(unsigned long x) { return 63ul - (unsigned long)__builtin_clzl(x); }
#endif
