/*
 * iaa_mock.h - an in-process IAA device for the tests: it takes the real
 * 64-byte descriptors "deflate-iaa" builds, executes them on the process's
 * memory (as SVA lets the device do) and writes real 64-byte completion
 * records, status byte last with release ordering. iaa.md §5.2.
 *
 * Two ways in:
 *   - plugged in as the driver's portal (iaa_mock_plug): submissions go
 *     to a ring the size of the WQ; a full ring refuses them (a shared
 *     WQ's ENQCMD retry) or drops them (a dedicated WQ, counted as a
 *     software error); a device thread executes them, or, without one,
 *     the driver's waiting loop does (progress), newest first if asked,
 *     so completions arrive out of order;
 *   - a file descriptor (iaa_mock_serve_fd): a thread reads descriptors
 *     written to a FIFO, for the driver's real write() path.
 * Faults are injected per executed descriptor: page faults on the source
 * or destination (blocked transparently when the descriptor and the WQ
 * say block-on-fault), error records, a wrong CRC, and records that never
 * come.
 */
#ifndef ZSIM_TEST_IAA_MOCK_H
#define ZSIM_TEST_IAA_MOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "codec/iaa.h"

struct iaa_mock_config {
	bool dedicated;       /* a dedicated WQ (drops on overflow); else shared */
	bool block_on_fault;  /* the WQ's block_on_fault attribute */
	bool threaded;        /* a device thread executes; else progress() does */
	bool lifo;            /* progress() executes the newest first */
	unsigned wq_size;     /* 0: 128 */
	uint64_t max_transfer; /* 0: 2 MiB */
	uint64_t gen_cap;     /* GENCAP as the WQ reports it */
};

enum iaa_mock_fault {
	IAA_MOCK_FAULT_SRC = 1, /* status 0x03 at the source */
	IAA_MOCK_FAULT_DST,     /* status 0x83 (write) at the destination */
	IAA_MOCK_STATUS,        /* a record with `status`/`error` */
	IAA_MOCK_BAD_CRC,       /* success, with the CRC flipped */
	IAA_MOCK_LOSE,          /* no record, ever */
};

struct iaa_mock_inject {
	enum iaa_mock_fault kind;
	uint8_t status, error; /* IAA_MOCK_STATUS */
	unsigned opcode;       /* only descriptors of this opcode (0: any but NOOP) */
	unsigned count;        /* how many such descriptors (0: 1) */
	unsigned skip;         /* matching descriptors to let through first */
};

struct iaa_mock_stats {
	uint64_t submitted;   /* descriptors accepted */
	uint64_t refused;     /* submissions refused: WQ full (shared) */
	uint64_t dropped;     /* descriptors dropped: WQ full (dedicated) */
	uint64_t executed;    /* descriptors executed */
	uint64_t noops, compresses, decompresses;
	uint64_t faults;      /* page-fault records written */
	uint64_t blocked;     /* faults absorbed by block-on-fault */
	uint64_t injected;    /* other injected records (errors, bad CRC, lost) */
	uint64_t invalid;     /* records for descriptors the device rejects */
	uint64_t max_queued;  /* deepest the WQ got */
};

struct iaa_mock;

int iaa_mock_create(const struct iaa_mock_config *cfg, struct iaa_mock **out);
void iaa_mock_destroy(struct iaa_mock *m);
/* Make "deflate-iaa" open its portals on this mock (until unplug). */
void iaa_mock_plug(struct iaa_mock *m);
void iaa_mock_unplug(void);
/* The next n submissions find the WQ full. */
void iaa_mock_busy(struct iaa_mock *m, unsigned n);
/* Queue an injection (several may be queued; the first matching applies). */
void iaa_mock_inject(struct iaa_mock *m, const struct iaa_mock_inject *f);
/* Execute one descriptor now, on the caller's thread. */
void iaa_mock_execute(struct iaa_mock *m, const struct zsim_iaa_desc *d);
/* Execute everything queued (for a non-threaded mock). */
void iaa_mock_drain(struct iaa_mock *m);
void iaa_mock_stats(struct iaa_mock *m, struct iaa_mock_stats *s);
/* A thread executes the 64-byte descriptors written to fd (a FIFO) until
 * iaa_mock_destroy. 0 or ZSIM_E*. */
int iaa_mock_serve_fd(struct iaa_mock *m, int fd);

#endif
