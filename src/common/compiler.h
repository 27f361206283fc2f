/*
 * compiler.h - small portability helpers used across layers.
 */
#ifndef ZSIM_COMMON_COMPILER_H
#define ZSIM_COMMON_COMPILER_H

#include <stddef.h>

#define zsim_likely(x) __builtin_expect(!!(x), 1)
#define zsim_unlikely(x) __builtin_expect(!!(x), 0)
#define ZSIM_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ZSIM_CACHELINE 64
#define zsim_container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#define ZSIM_DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define ZSIM_MIN(a, b) ((a) < (b) ? (a) : (b))
#define ZSIM_MAX(a, b) ((a) > (b) ? (a) : (b))

/* Thread-local variables of the library read on the hot path: the
 * initial-exec model makes each access one %fs-relative load instead of a
 * __tls_get_addr call (the library is linked at program start, or
 * dlopen'd into glibc's static TLS surplus, which these few bytes fit). */
#define ZSIM_TLS_IE __attribute__((tls_model("initial-exec")))

/* 1 in an AddressSanitizer build (gcc's macro or clang's feature test):
 * the allocators then hand out one malloc() per page or object, so that
 * ASan sees every overrun and use after free. */
#if defined(__SANITIZE_ADDRESS__)
#define ZSIM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ZSIM_ASAN 1
#endif
#endif
#ifndef ZSIM_ASAN
#define ZSIM_ASAN 0
#endif

#endif
