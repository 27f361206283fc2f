/* Shim (see types.h): branch hints and attributes. */
#ifndef ZSIM_SHIM_COMPILER_H
#define ZSIM_SHIM_COMPILER_H
#ifndef likely
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif
#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif
#define noinline __attribute__((noinline))
#define fallthrough __attribute__((__fallthrough__))
#define __maybe_unused __attribute__((unused))
#define __pure __attribute__((pure))
#endif
