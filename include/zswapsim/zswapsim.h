/*
 * zswapsim/zswapsim.h - umbrella header of libzswapsim, a userspace
 * re-implementation of Linux's compressed swap (zswap over zsmalloc, and
 * the compressors behind them) whose counters predict the kernel's.
 *
 * The parts, lowest layer first:
 *   common.h    version, error codes, page size
 *   fault.h     failure injection at every fallible step
 *   codec.h     compressor plugins (the kernel crypto compression API)
 *   zpool.h     zsmalloc and baseline allocators, simulated pages
 *   stats.h     every counter under the kernel's name (X-macro lists)
 *   zswap.h     the simulated zswap: profiles, pools, store/load, memcgs
 *   mm.h        a memory model (memcg limits, reclaim) that drives zswap
 *   pagegen.h   synthetic page content of controlled compressibility
 *   trace.h     swap-event traces (binary ZSWT v1 and CSV): read, write, convert
 *   capture.h   live-kernel captures (scripts/capture) converted to traces
 *   pagestore.h real pages: the page store format and process harvesting
 */
#ifndef ZSWAPSIM_ZSWAPSIM_H
#define ZSWAPSIM_ZSWAPSIM_H

#include "common.h"
#include "codec.h"
#include "fault.h"
#include "zpool.h"
#include "stats.h"
#include "zswap.h"
#include "zram.h"
#include "mm.h"
#include "pagegen.h"
#include "trace.h"
#include "capture.h"
#include "pagestore.h"

#endif
