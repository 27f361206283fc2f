/* Shim (see types.h). No libc headers here: glibc's would define
 * __BIG_ENDIAN next to __LITTLE_ENDIAN, which lib/lzo rejects. */
#ifndef ZSIM_SHIM_KERNEL_H
#define ZSIM_SHIM_KERNEL_H
#include <linux/types.h>
#define WARN_ON(x) ({ int __c = !!(x); if (__c) __builtin_trap(); __c; })
#define BUG_ON(x) WARN_ON(x)
#define BUILD_BUG_ON(c) _Static_assert(!(c), #c)
#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#define min_t(t, a, b) ((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b) ((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#endif
