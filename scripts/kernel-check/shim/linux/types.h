/* Userspace stand-ins for the few kernel headers lib/zstd, lib/lz4 and
 * lib/lzo include, so scripts/kernel-check/codec-lengths.sh can build the
 * kernel's compressors as ordinary programs. Written for this project
 * (MIT); nothing here is kernel code. Only little-endian x86-64 is
 * described (__LITTLE_ENDIAN alone, as the kernel defines it). */
#ifndef ZSIM_SHIM_TYPES_H
#define ZSIM_SHIM_TYPES_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#ifndef __LITTLE_ENDIAN
#define __LITTLE_ENDIAN 1234
#endif
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;
typedef uint8_t __u8;
typedef uint16_t __u16;
typedef uint32_t __u32;
typedef uint64_t __u64;
typedef int32_t __s32;
typedef int64_t __s64;
typedef uint16_t __le16;
typedef uint32_t __le32;
typedef uint64_t __le64;
typedef uint16_t __be16;
typedef uint32_t __be32;
typedef uint64_t __be64;
#include <linux/compiler.h>
#endif
