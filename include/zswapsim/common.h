/*
 * zswapsim/common.h - version, error codes and constants shared by every
 * part of the libzswapsim public API.
 *
 * Error convention (the same for every public function, after liburing):
 *   - functions return int: 0 (or a non-negative count) on success, or a
 *     negative errno-style code (ZSIM_E*) on failure;
 *   - the global errno is never touched;
 *   - zsim_strerror(code) gives a printable one-line message.
 * Kernel-side reject reasons (reject_compress_poor, pool_limit_hit ...) are
 * counters, not errors: a store that zswap refuses goes to the swap device,
 * as in the kernel, and zsim_zswap_store returns 0 with *where saying so
 * (ZSIM_WHERE_DEVICE, or ZSIM_WHERE_KEPT); the reason shows up in the
 * counters. No function returns ZSIM_REJECTED today; it stays for callers
 * that map refusals to a code of their own.
 */
#ifndef ZSWAPSIM_COMMON_H
#define ZSWAPSIM_COMMON_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ZSIM_VERSION_MAJOR 0
#define ZSIM_VERSION_MINOR 1
#define ZSIM_VERSION_PATCH 0
#define ZSIM_VERSION_NUMBER \
	(ZSIM_VERSION_MAJOR * 10000 + ZSIM_VERSION_MINOR * 100 + ZSIM_VERSION_PATCH)

#if defined(ZSIM_STATIC_DEFINE)
#define ZSIM_API
#elif defined(__GNUC__)
#define ZSIM_API __attribute__((visibility("default")))
#else
#define ZSIM_API
#endif

/* The simulated machine's page: 4 KiB, as on x86-64 and every profile. */
#define ZSIM_PAGE_SHIFT 12
#define ZSIM_PAGE_SIZE (1u << ZSIM_PAGE_SHIFT)

/*
 * Error codes. Each equals a negated errno value so callers may compare
 * with either spelling; zsim_strerror() gives the library's own message,
 * which says what the code means here (e.g. -ENOSPC: "output does not fit").
 */
enum zsim_error {
	ZSIM_OK = 0,
	ZSIM_EINVAL = -EINVAL,   /* invalid argument (NULL, bad size, bad flag) */
	ZSIM_ENOMEM = -ENOMEM,   /* allocation failed (real or injected) */
	ZSIM_ENOSPC = -ENOSPC,   /* output does not fit in the destination */
	ZSIM_ENOENT = -ENOENT,   /* no such name / slot holds nothing */
	ZSIM_EEXIST = -EEXIST,   /* already registered / already present */
	ZSIM_EBUSY = -EBUSY,     /* still in use */
	ZSIM_EAGAIN = -EAGAIN,   /* try again: scanned, nothing done */
	ZSIM_EIO = -EIO,         /* I/O or device error */
	ZSIM_ENODEV = -ENODEV,   /* backend or device not available */
	ZSIM_ERANGE = -ERANGE,   /* offset, type, order or index out of range */
	ZSIM_EBADMSG = -EBADMSG, /* corrupt compressed data */
	ZSIM_ETRUNC = -ENODATA,  /* input truncated (ends too early) */
	ZSIM_EFAULT = -EFAULT,   /* invalid, freed or foreign handle */
	ZSIM_ENOTSUP = -EOPNOTSUPP, /* operation not supported by this backend */
	ZSIM_ESHUTDOWN = -ESHUTDOWN, /* swap type not active (swapped off) */
	ZSIM_EPARSE = -EILSEQ,   /* malformed input file or specification */
	ZSIM_REJECTED = -ECANCELED, /* a refusal, for callers' own use: the
				     * library reports refusals through *where
				     * and the counters, not as an error */
	ZSIM_EPERM = -EPERM,     /* not permitted (e.g. reading another process) */
	ZSIM_ESRCH = -ESRCH,     /* no such process (it exited or never existed) */
};

/* Printable message for a ZSIM_E* code (never NULL). */
ZSIM_API const char *zsim_strerror(int code);

/* "0.1.0" */
ZSIM_API const char *zsim_version_string(void);
/* ZSIM_VERSION_NUMBER of the library actually linked */
ZSIM_API unsigned zsim_version_number(void);

#ifdef __cplusplus
}
#endif
#endif /* ZSWAPSIM_COMMON_H */
