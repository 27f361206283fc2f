/*
 * error.c - the library's messages for its negative errno-style codes, and
 * its version. Nothing here models the kernel.
 */
#include "zswapsim/common.h"

#include <stdio.h>

const char *zsim_strerror(int code)
{
	switch (code) {
	case ZSIM_OK: return "success";
	case ZSIM_EINVAL: return "invalid argument";
	case ZSIM_ENOMEM: return "out of memory (allocation failed or injected failure)";
	case ZSIM_ENOSPC: return "output does not fit in the destination buffer";
	case ZSIM_ENOENT: return "not found";
	case ZSIM_EEXIST: return "already exists";
	case ZSIM_EBUSY: return "still in use";
	case ZSIM_EAGAIN: return "nothing could be done now; try again";
	case ZSIM_EIO: return "I/O or device error";
	case ZSIM_ENODEV: return "backend or device not available";
	case ZSIM_ERANGE: return "value out of range";
	case ZSIM_EBADMSG: return "corrupt compressed data";
	case ZSIM_ETRUNC: return "input truncated";
	case ZSIM_EFAULT: return "invalid, freed or foreign handle";
	case ZSIM_ENOTSUP: return "operation not supported by this backend";
	case ZSIM_ESHUTDOWN: return "swap type is not active (swapped off)";
	case ZSIM_EPARSE: return "malformed input or specification";
	case ZSIM_REJECTED: return "store rejected by zswap (see the reject counters)";
	case ZSIM_EPERM: return "permission denied";
	case ZSIM_ESRCH: return "no such process (it exited or never existed)";
	default: break;
	}
	return code > 0 ? "positive value is not an error" : "unknown error";
}

#define ZSIM_STR2(x) #x
#define ZSIM_STR(x) ZSIM_STR2(x)

const char *zsim_version_string(void)
{
	return ZSIM_STR(ZSIM_VERSION_MAJOR) "." ZSIM_STR(ZSIM_VERSION_MINOR) "." ZSIM_STR(ZSIM_VERSION_PATCH);
}

unsigned zsim_version_number(void)
{
	return ZSIM_VERSION_NUMBER;
}
